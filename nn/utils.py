"""Gradient clipping and flat parameter vectors, as `torch.nn.utils`.

`clip_grad_norm_` and `clip_grad_value_` rescale each parameter's `.grad` in place;
`vector_to_parameters` writes into each parameter's data in place. Both mark the changed
tensors modified (`autograd.tensor.mark_modified`), so that a graph that saved the old
values refuses to backward through them.
"""
import numpy as np

import ops
from autograd.tensor import Tensor, mark_modified

__all__ = ["clip_grad_norm_", "clip_grad_value_", "parameters_to_vector", "vector_to_parameters"]


def _tensors(parameters, fn):
    if isinstance(parameters, Tensor):
        return [parameters]
    try:
        tensors = list(parameters)
    except TypeError:
        raise TypeError(f"{fn}: parameters must be a Tensor or an iterable of Tensors, got "
                        f"{type(parameters).__name__}") from None
    for t in tensors:
        if not isinstance(t, Tensor):
            raise TypeError(f"{fn}: parameters must be Tensors, got {type(t).__name__}")
    return tensors


def _norm(array, norm_type):
    flat = np.abs(array.ravel())
    if norm_type == np.inf:
        return flat.max(initial=0.0)
    if norm_type == -np.inf:
        return flat.min(initial=np.inf)
    if norm_type == 0:
        return float(np.count_nonzero(flat))
    return (flat ** norm_type).sum() ** (1.0 / norm_type)


def clip_grad_norm_(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False, foreach=None):
    """Rescale the gradients so that their total norm is at most `max_norm`.

    The total norm is taken over all gradients together, as if concatenated into one
    vector; every gradient is multiplied by min(1, max_norm / (total + 1e-6)), as PyTorch.

    Parameters
    ----------
    parameters : Tensor or iterable of Tensors
        Parameters whose `.grad` to clip (those without a gradient are skipped).
    max_norm : float
    norm_type : float
        The p of the p-norm; `float('inf')` for the largest absolute value.
    error_if_nonfinite : bool
        Raise RuntimeError when the total norm is NaN or infinite (else the gradients
        are scaled by it anyway, as PyTorch).
    foreach : ignored
        Accepted for PyTorch compatibility.

    Returns
    -------
    Tensor
        The total norm of the gradients before clipping (a 0-d Tensor).

    Examples
    --------
    >>> loss.backward()
    >>> total = nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
    >>> opt.step()
    """
    del foreach
    grads = [p.grad for p in _tensors(parameters, "clip_grad_norm_") if p.grad is not None]
    norm_type = float(norm_type)
    if not grads:
        return Tensor(np.asarray(0.0, np.float32))
    dtype = np.result_type(*[g.dtype for g in grads])
    norms = np.array([_norm(g.data, norm_type) for g in grads], dtype=np.float64)
    total = _norm(norms, norm_type)
    if error_if_nonfinite and not np.isfinite(total):
        raise RuntimeError(f"The total norm of order {norm_type} for gradients from `parameters` is "
                           "non-finite, so it cannot be clipped. To disable this error and scale "
                           "the gradients by the non-finite norm anyway, set "
                           "`error_if_nonfinite=False`")
    with np.errstate(invalid="ignore"):
        coefficient = min(float(max_norm) / (total + 1e-6), 1.0) if not np.isnan(total) else np.nan
    for g in grads:
        g.data *= np.asarray(coefficient, g.dtype)
        mark_modified(g)
    return Tensor(np.asarray(total, dtype))


def clip_grad_value_(parameters, clip_value, foreach=None):
    """Clip every gradient element into [-clip_value, clip_value], in place.

    Examples
    --------
    >>> nn.utils.clip_grad_value_(model.parameters(), 0.5)
    """
    del foreach
    clip_value = float(clip_value)
    for p in _tensors(parameters, "clip_grad_value_"):
        if p.grad is not None:
            np.clip(p.grad.data, -clip_value, clip_value, out=p.grad.data)
            mark_modified(p.grad)


def parameters_to_vector(parameters):
    """All parameters flattened and concatenated into one 1-D Tensor (differentiable).

    Examples
    --------
    >>> vec = nn.utils.parameters_to_vector(model.parameters())
    >>> vec.shape
    (8,)
    """
    tensors = _tensors(parameters, "parameters_to_vector")
    if not tensors:
        raise ValueError("parameters_to_vector: no parameters given")
    return ops.concatenate([t.reshape(-1) for t in tensors], axis=0)


def vector_to_parameters(vec, parameters):
    """Copy consecutive slices of the 1-D `vec` into the parameters' data, in place.

    Examples
    --------
    >>> nn.utils.vector_to_parameters(vec * 0.5, model.parameters())
    """
    if not isinstance(vec, Tensor):
        raise TypeError(f"vector_to_parameters: expected a Tensor, but got {type(vec).__name__}")
    tensors = _tensors(parameters, "vector_to_parameters")
    needed = sum(t.size for t in tensors)
    if vec.ndim != 1 or vec.size != needed:
        raise ValueError(f"vector_to_parameters: vec of shape {vec.shape} does not hold the "
                         f"{needed} parameter values (expected shape ({needed},))")
    start = 0
    for t in tensors:  # all checked first: a failed call changes nothing
        t.data[...] = vec.data[start:start + t.size].reshape(t.shape)
        start += t.size
    mark_modified(*tensors)
