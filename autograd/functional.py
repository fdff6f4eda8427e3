"""Function transforms, as `torch.autograd.functional`: vjp jvp jacobian hessian hvp vhp.

Each transform takes a function of Tensors and the point to evaluate it at, runs the
function once under grad mode on fresh leaves (or on graph-connected copies of the
inputs when `create_graph=True`, so that the result can be differentiated again), and
returns plain (detached) Tensors unless `create_graph`. Return structures follow PyTorch
exactly: a Tensor where the user gave a Tensor, a tuple where the user gave a tuple,
and for `jacobian`/`hessian` a tuple of tuples when both sides are tuples.

Reverse mode only: `jvp` and `hvp` use the double-VJP trick (the VJP is linear in its
upstream gradient `u`, so differentiating it with respect to `u` gives the forward
product). `strict=True` raises where an output, a gradient or a Hessian does not depend
on an input, instead of silently filling in zeros.

Examples
--------
>>> from autograd.functional import jacobian, hessian
>>> jacobian(lambda x: x ** 2, Tensor([1.0, 2.0]))
Tensor([[2., 0.],
        [0., 4.]])
>>> hessian(lambda x: (x ** 3).sum(), Tensor([1.0, 2.0]))
Tensor([[ 6.,  0.],
        [ 0., 12.]])
"""
import numpy as np

from autograd.engine import grad as _grad
from autograd.mode import enable_grad, is_grad_enabled, no_grad
from autograd.tensor import Tensor

__all__ = ["vjp", "jvp", "jacobian", "hessian", "hvp", "vhp"]


# ----------------------------------------------------------------------- helpers
def _as_tuple(value, what, fn):
    """(is_tuple, tuple of Tensors); NumPy arrays are wrapped, anything else refused."""
    is_tuple = isinstance(value, tuple)
    items = value if is_tuple else (value,)
    out = []
    for i, item in enumerate(items):
        if isinstance(item, np.ndarray):
            item = Tensor(item)
        if not isinstance(item, Tensor):
            where = f"the value at index {i}" if is_tuple else f"the given {what}"
            raise TypeError(f"The {what} given to {fn} must be either a Tensor or a tuple of "
                            f"Tensors but {where} has type {type(item).__name__}.")
        out.append(item)
    return is_tuple, tuple(out)


def _preprocess(inputs, create_graph, need_graph):
    """Fresh leaves, or (create_graph) graph-connected copies of inputs that require grad."""
    result = []
    for t in inputs:
        if create_graph and t.requires_grad:
            result.append(t.reshape(t.shape))  # an identity op: stays connected to t's graph
        else:
            leaf = t.detach()
            if need_graph:
                leaf.requires_grad = True
            result.append(leaf)
    return tuple(result)


def _postprocess(values, create_graph):
    """Detach results (nested tuples too) unless the caller wants to differentiate them."""
    if isinstance(values, tuple):
        return tuple(_postprocess(v, create_graph) for v in values)
    if create_graph or values is None:
        return values
    return values.detach()


def _unpack(values, is_tuple):
    return values if is_tuple else values[0]


def _validate_v(v, other, is_other_tuple, fn):
    if len(v) != len(other):
        if is_other_tuple:
            raise RuntimeError(f"{fn}: v is a tuple of invalid length: should be {len(other)} "
                               f"but got {len(v)}.")
        raise RuntimeError(f"{fn}: the given v should contain a single Tensor.")
    for i, (a, b) in enumerate(zip(v, other)):
        if a.shape != b.shape:
            prefix = f"Entry {i} in " if is_other_tuple else ""
            raise RuntimeError(f"{fn}: {prefix}v has invalid size: should be {b.shape} but got "
                               f"{a.shape}.")


_STRICT = {
    "outputs": "Output {i} of the user-provided function does not require gradients. The "
               "outputs must be computed in a differentiable manner from the input when "
               "running in strict mode.",
    "grad_inputs": "The gradient with respect to input {i} is independent of the inputs of the "
                   "user-provided function. This is not allowed in strict mode.",
    "jacobian": "While computing the hessian, found that the jacobian of the user-provided "
                "function with respect to input {i} is independent of the input. This is not "
                "allowed in strict mode. You should ensure that your function is twice "
                "differentiable and that the jacobian depends on the inputs (this would be "
                "violated by a linear function for example).",
    "hessian": "The hessian of the user-provided function with respect to input {i} is "
               "independent of the input. This is not allowed in strict mode. You should "
               "ensure that your function is thrice differentiable and that the hessian "
               "depends on the inputs.",
}

_INDEPENDENT = {
    "back": "The output of the user-provided function is independent of input {i}. This is "
            "not allowed in strict mode.",
    "back_trick": "The gradient with respect to the input is independent of entry {i} in the "
                  "grad_outputs when using the double backward trick to compute forward mode "
                  "gradients. This is not allowed in strict mode.",
    "double_back": "The jacobian of the user-provided function is independent of input {i}. "
                   "This is not allowed in strict mode.",
    "double_back_trick": "The hessian of the user-provided function is independent of entry "
                         "{i} in the grad_jacobian. This is not allowed in strict mode as it "
                         "prevents from using the double backward trick to replace forward "
                         "mode AD.",
}


def _check_requires_grad(values, kind, strict):
    if not strict:
        return
    for i, t in enumerate(values):
        if t is None:
            raise RuntimeError(_INDEPENDENT["back"].format(i=i))
        if not t.requires_grad:
            raise RuntimeError(_STRICT[kind].format(i=i))


def _outputs(func, inputs, fn, strict):
    with enable_grad():
        result = func(*inputs)
    is_tuple, outputs = _as_tuple(result, "outputs of the user-provided function", fn)
    _check_requires_grad(outputs, "outputs", strict)
    return is_tuple, outputs


def _autograd_grad(outputs, inputs, grad_outputs=None, create_graph=False, retain_graph=None):
    """`grad` over the outputs that need one; None for inputs nothing depends on."""
    if grad_outputs is None:
        grad_outputs = (None,) * len(outputs)
    pairs = [(o, g) for o, g in zip(outputs, grad_outputs) if o is not None and o.requires_grad]
    if not pairs:
        return (None,) * len(inputs)
    wanted = [i for i, t in enumerate(inputs) if t is not None and t.requires_grad]
    result = [None] * len(inputs)
    if wanted:
        found = _grad([o for o, _ in pairs], [inputs[i] for i in wanted], [g for _, g in pairs],
                      retain_graph=retain_graph, create_graph=create_graph, allow_unused=True)
        for i, g in zip(wanted, found):
            result[i] = g
    return tuple(result)


def _fill_in_zeros(grads, refs, strict, create_graph, stage):
    result = []
    for i, (g, ref) in enumerate(zip(grads, refs)):
        if g is None:
            if strict:
                raise RuntimeError(_INDEPENDENT[stage].format(i=i))
            g = Tensor(np.zeros(ref.shape, ref.dtype))
        elif strict and create_graph and not g.requires_grad:
            what = "hessian" if "double" in stage else "jacobian"
            raise RuntimeError(f"The {what} of the user-provided function is independent of "
                               f"input {i}. This is not allowed in strict mode when "
                               "create_graph=True.")
        result.append(g)
    return tuple(result)


def _grad_mode(create_graph):
    return enable_grad() if create_graph or is_grad_enabled() else no_grad()


def _single_element_output(outputs, is_tuple, fn):
    if is_tuple:
        raise RuntimeError(f"The function given to {fn} should return a single Tensor")
    if outputs[0].size != 1:
        raise RuntimeError(f"The Tensor returned by the function given to {fn} should contain "
                           "a single element")


def _v_or_default(v, reference, is_reference_tuple, create_graph, fn, what):
    if v is not None:
        _, v = _as_tuple(v, "v", fn)
        v = _preprocess(v, create_graph, need_graph=False)
        _validate_v(v, reference, is_reference_tuple, fn)
        return v
    if len(reference) != 1 or reference[0].size != 1:
        raise RuntimeError(f"{fn}: the vector v can only be None if the {what} a single Tensor "
                           "with a single element.")
    return None


# -------------------------------------------------------------------- transforms
def vjp(func, inputs, v=None, create_graph=False, strict=False):
    """The vector-Jacobian product v^T J of `func` at `inputs`.

    Parameters
    ----------
    func : callable
        Takes Tensors (one per input) and returns a Tensor or a tuple of Tensors.
    inputs : Tensor or tuple of Tensors
    v : Tensor or tuple of Tensors, optional
        Shaped like the outputs; may be omitted when the output has one element.
    create_graph : bool
        Make the results differentiable (with respect to `inputs` that require grad).
    strict : bool
        Raise when an output does not depend on an input instead of giving zeros.

    Returns
    -------
    (func_output, vjp)
        `vjp` shaped like `inputs` (a Tensor or a tuple, as given).

    Examples
    --------
    >>> out, vj = vjp(lambda x: x.exp().sum(axis=1), Tensor(np.zeros((2, 3))), Tensor(np.ones(2)))
    >>> vj
    Tensor([[1., 1., 1.],
            [1., 1., 1.]])
    """
    is_inputs_tuple, inputs = _as_tuple(inputs, "inputs", "vjp")
    inputs = _preprocess(inputs, create_graph, need_graph=True)
    is_outputs_tuple, outputs = _outputs(func, inputs, "vjp", strict)
    v = _v_or_default(v, outputs, is_outputs_tuple, create_graph, "vjp",
                      "user-provided function returns")
    with _grad_mode(create_graph):
        grads = _autograd_grad(outputs, inputs, v, create_graph=create_graph)
        result = _fill_in_zeros(grads, inputs, strict, create_graph, "back")
    return (_unpack(_postprocess(outputs, create_graph), is_outputs_tuple),
            _unpack(_postprocess(result, create_graph), is_inputs_tuple))


def jvp(func, inputs, v=None, create_graph=False, strict=False):
    """The Jacobian-vector product J v of `func` at `inputs`, by the double-VJP trick.

    Returns ``(func_output, jvp)`` with `jvp` shaped like the outputs. `v` is shaped
    like `inputs` (may be omitted for a one-element input).

    Examples
    --------
    >>> out, jv = jvp(lambda x: x ** 2, Tensor([1.0, 2.0]), Tensor([1.0, 1.0]))
    >>> jv
    Tensor([2., 4.])
    """
    is_inputs_tuple, inputs = _as_tuple(inputs, "inputs", "jvp")
    inputs = _preprocess(inputs, create_graph, need_graph=True)
    v = _v_or_default(v, inputs, is_inputs_tuple, create_graph, "jvp",
                      "input to the user-provided function is")
    is_outputs_tuple, outputs = _outputs(func, inputs, "jvp", strict)
    # The VJP is linear in u, so u's value does not matter (zeros: no inf or NaN).
    u = tuple(Tensor(np.zeros(o.shape, o.dtype), requires_grad=True) for o in outputs)
    with enable_grad():
        grad_inputs = _autograd_grad(outputs, inputs, u, create_graph=True)
    _check_requires_grad(grad_inputs, "grad_inputs", strict)
    with enable_grad() if create_graph else no_grad():
        grads = _autograd_grad(grad_inputs, u, v, create_graph=create_graph)
        result = _fill_in_zeros(grads, outputs, strict, create_graph, "back_trick")
    return (_unpack(_postprocess(outputs, create_graph), is_outputs_tuple),
            _unpack(_postprocess(result, create_graph), is_outputs_tuple))


def jacobian(func, inputs, create_graph=False, strict=False, vectorize=False,
             strategy="reverse-mode"):
    """The Jacobian of `func` at `inputs`, by one reverse pass per output element.

    Parameters
    ----------
    func : callable
        Takes Tensors (one per input) and returns a Tensor or a tuple of Tensors.
    inputs : Tensor or tuple of Tensors
    create_graph : bool
        Make the Jacobian differentiable (Hessians, PINN losses).
    strict : bool
        Raise when an output does not depend on an input instead of giving zeros.
    vectorize : bool
        Accepted for PyTorch compatibility: the graph is built once and reused by every
        backward pass either way (with `strict=True` it raises, as PyTorch).
    strategy : str
        Only "reverse-mode" (PyTorch's default); "forward-mode" raises
        NotImplementedError.

    Returns
    -------
    Tensor, tuple of Tensors, or tuple of tuples
        ``J[i][j]`` has shape ``outputs[i].shape + inputs[j].shape``; a Tensor when both
        the output and the input are single Tensors, a tuple over whichever side is a
        tuple, a tuple (outputs) of tuples (inputs) when both are.

    Examples
    --------
    >>> W = Tensor(np.arange(6.0).reshape(2, 3))
    >>> jacobian(lambda x: W @ x, Tensor(np.ones(3)))
    Tensor([[0., 1., 2.],
            [3., 4., 5.]])
    """
    if strategy not in ("forward-mode", "reverse-mode"):
        raise ValueError(f"jacobian: strategy must be 'forward-mode' or 'reverse-mode', got "
                         f"{strategy!r}")
    if strategy == "forward-mode":
        raise NotImplementedError("jacobian: npgrad computes Jacobians in reverse mode only; "
                                  "use strategy='reverse-mode'")
    if strict and vectorize:
        raise RuntimeError("jacobian: `strict=True` and `vectorize=True` are not supported "
                           "together. Please either set `strict=False` or `vectorize=False`.")
    is_inputs_tuple, inputs = _as_tuple(inputs, "inputs", "jacobian")
    inputs = _preprocess(inputs, create_graph, need_graph=True)
    is_outputs_tuple, outputs = _outputs(func, inputs, "jacobian", strict)
    rows = []
    with _grad_mode(create_graph):
        for i, out in enumerate(outputs):
            rows.append(_jacobian_of_output(i, out, inputs, create_graph, strict))
    result = _postprocess(tuple(rows), create_graph)
    if not is_inputs_tuple:
        result = tuple(r[0] for r in result)
    return _unpack(result, is_outputs_tuple)


def _jacobian_of_output(i, out, inputs, create_graph, strict):
    """(J_i0, J_i1, ...) of output i: one retained-graph backward per element of it."""
    n = out.size
    blocks = [np.zeros((n,) + t.shape, t.dtype) if not create_graph else [None] * n
              for t in inputs]
    if out.requires_grad:
        seed = np.zeros(n, out.dtype)
        for k in range(n):
            if create_graph:  # the gradients may keep views of their seed: one each
                seed = np.zeros(n, out.dtype)
            seed[k] = 1
            found = _autograd_grad((out,), inputs, (seed.reshape(out.shape),),
                                   create_graph=create_graph, retain_graph=True)
            for j, g in enumerate(found):
                if g is None:
                    if strict:
                        raise RuntimeError(f"Output {i} of the user-provided function is "
                                           f"independent of input {j}. This is not allowed in "
                                           "strict mode.")
                    if create_graph:
                        blocks[j][k] = Tensor(np.zeros(inputs[j].shape, inputs[j].dtype))
                    continue
                if strict and create_graph and not g.requires_grad:
                    raise RuntimeError(f"The jacobian of the user-provided function is "
                                       f"independent of input {i}. This is not allowed in "
                                       "strict mode when create_graph=True.")
                if create_graph:
                    blocks[j][k] = g
                else:
                    blocks[j][k] = g.data
            if not create_graph:  # each gradient was copied into its block already
                seed[k] = 0
    elif strict:
        raise RuntimeError(_STRICT["outputs"].format(i=i))
    elif create_graph:
        blocks = [np.zeros((n,) + t.shape, t.dtype) for t in inputs]
    if create_graph and out.requires_grad:
        import ops

        return tuple(ops.stack(b, axis=0).reshape(out.shape + t.shape)
                     for b, t in zip(blocks, inputs))
    return tuple(Tensor(b.reshape(out.shape + t.shape)) for b, t in zip(blocks, inputs))


def hessian(func, inputs, create_graph=False, strict=False, vectorize=False,
            outer_jacobian_strategy="reverse-mode"):
    """The Hessian of a scalar function `func` at `inputs` (the Jacobian of its gradient).

    Returns a Tensor of shape ``inputs.shape + inputs.shape`` for a single input, or a
    tuple of tuples ``H[i][j]`` (shape ``inputs[i].shape + inputs[j].shape``) for a tuple.

    Examples
    --------
    >>> hessian(lambda x: (x[0] * x[1] ** 2), Tensor([1.0, 3.0]))
    Tensor([[0., 6.],
            [6., 2.]])
    """
    is_inputs_tuple, inputs = _as_tuple(inputs, "inputs", "hessian")
    if outer_jacobian_strategy != "reverse-mode":
        raise NotImplementedError("hessian: npgrad computes Hessians in reverse mode only; use "
                                  "outer_jacobian_strategy='reverse-mode'")

    def gradient(*xs):
        is_tuple, outputs = _outputs(func, xs, "hessian", strict)
        _single_element_output(outputs, is_tuple, "hessian")
        out = outputs[0].reshape(())
        grads = _autograd_grad((out,), xs, create_graph=True)
        _check_requires_grad(grads, "jacobian", strict)
        return _fill_in_zeros(grads, xs, strict, True, "double_back")

    result = jacobian(gradient, inputs, create_graph=create_graph, strict=strict,
                      vectorize=vectorize)
    if not is_inputs_tuple:
        result = result[0][0]
    return result


def _scalar_gradient(func, inputs, v, create_graph, strict, name):
    """The checked arguments of vhp/hvp and the gradient of the scalar `func` (a graph)."""
    is_inputs_tuple, inputs = _as_tuple(inputs, "inputs", name)
    inputs = _preprocess(inputs, create_graph, need_graph=True)
    v = _v_or_default(v, inputs, is_inputs_tuple, create_graph, name,
                      "input to the user-provided function is")
    is_outputs_tuple, outputs = _outputs(func, inputs, name, strict)
    _single_element_output(outputs, is_outputs_tuple, name)
    with enable_grad():
        jac = _autograd_grad(outputs, inputs, create_graph=True)
    _check_requires_grad(jac, "jacobian", strict)
    return is_inputs_tuple, inputs, v, is_outputs_tuple, outputs, jac


def vhp(func, inputs, v=None, create_graph=False, strict=False):
    """The vector-Hessian product v^T H of a scalar function at `inputs`.

    Returns ``(func_output, vhp)`` with `vhp` shaped like `inputs`.

    Examples
    --------
    >>> out, vh = vhp(lambda x: (x ** 3).sum(), Tensor([1.0, 2.0]), Tensor([1.0, 1.0]))
    >>> vh
    Tensor([ 6., 12.])
    """
    is_inputs_tuple, inputs, v, is_outputs_tuple, outputs, jac = _scalar_gradient(
        func, inputs, v, create_graph, strict, "vhp")
    with _grad_mode(create_graph):
        grads = _autograd_grad(jac, inputs, v, create_graph=create_graph)
        result = _fill_in_zeros(grads, inputs, strict, create_graph, "double_back")
    return (_unpack(_postprocess(outputs, create_graph), is_outputs_tuple),
            _unpack(_postprocess(result, create_graph), is_inputs_tuple))


def hvp(func, inputs, v=None, create_graph=False, strict=False):
    """The Hessian-vector product H v of a scalar function at `inputs` (double-VJP trick).

    Equal to `vhp` for functions with a symmetric Hessian (all twice continuously
    differentiable ones); computed as PyTorch does, by differentiating the VJP of the
    gradient with respect to its upstream vector.

    Examples
    --------
    >>> out, hv = hvp(lambda x: (x ** 3).sum(), Tensor([1.0, 2.0]), Tensor([1.0, 0.0]))
    >>> hv
    Tensor([6., 0.])
    """
    is_inputs_tuple, inputs, v, is_outputs_tuple, outputs, jac = _scalar_gradient(
        func, inputs, v, create_graph, strict, "hvp")
    with enable_grad():
        u = tuple(Tensor(np.zeros(t.shape, t.dtype), requires_grad=True) for t in inputs)
        double_back = _autograd_grad(jac, inputs, u, create_graph=True)
        _check_requires_grad(jac, "hessian", strict)
    with _grad_mode(create_graph):
        grads = _autograd_grad(double_back, u, v, create_graph=create_graph)
        result = _fill_in_zeros(grads, inputs, strict, create_graph, "double_back_trick")
    return (_unpack(_postprocess(outputs, create_graph), is_outputs_tuple),
            _unpack(_postprocess(result, create_graph), is_inputs_tuple))
