"""NumPy-style factories: zeros ones full empty *_like arange eye randn rand."""
import numpy as np

from autograd.mode import default_rng, state
from autograd.tensor import Tensor


def _shape(shape):
    return (shape,) if isinstance(shape, (int, np.integer)) else tuple(shape)


def _make(array, requires_grad):
    return Tensor(array, requires_grad=requires_grad)


def _float(dtype):
    return state.default_dtype if dtype is None else np.dtype(dtype)


def zeros(shape, dtype=None, requires_grad=False):
    """A tensor of zeros; `shape` an int or a tuple."""
    return _make(np.zeros(_shape(shape), _float(dtype)), requires_grad)


def ones(shape, dtype=None, requires_grad=False):
    """A tensor of ones."""
    return _make(np.ones(_shape(shape), _float(dtype)), requires_grad)


def full(shape, value, dtype=None, requires_grad=False):
    """A tensor filled with `value` (the default float dtype unless `dtype`)."""
    return _make(np.full(_shape(shape), value, _float(dtype)), requires_grad)


def empty(shape, dtype=None, requires_grad=False):
    """An uninitialised tensor."""
    return _make(np.empty(_shape(shape), _float(dtype)), requires_grad)


def _dtype_of(t):
    """t's dtype without converting it (a Tensor that requires grad refuses np.asarray)."""
    dtype = getattr(t, "dtype", None)
    return np.dtype(dtype) if dtype is not None else np.asarray(t).dtype


def zeros_like(t, dtype=None, requires_grad=False):
    """Zeros with the shape (and dtype, unless given) of `t`."""
    return _make(np.zeros(np.shape(t), dtype or _dtype_of(t)), requires_grad)


def ones_like(t, dtype=None, requires_grad=False):
    """Ones with the shape (and dtype, unless given) of `t`."""
    return _make(np.ones(np.shape(t), dtype or _dtype_of(t)), requires_grad)


def arange(start, stop=None, step=1, dtype=None, requires_grad=False):
    """Evenly spaced values as `np.arange` (ints stay ints; floats take the default dtype)."""
    values = np.arange(start, stop, step) if stop is not None else np.arange(start, step=step)
    if dtype is not None:
        values = values.astype(dtype)
    elif values.dtype.kind == "f":
        values = values.astype(state.default_dtype)
    return _make(values, requires_grad)


def eye(n, dtype=None, requires_grad=False):
    """The n x n identity matrix."""
    return _make(np.eye(n, dtype=_float(dtype)), requires_grad)


def randn(*shape, rng=None, dtype=None, requires_grad=False):
    """Standard normal samples, as `np.random.randn(*shape)`."""
    shape = _shape(shape[0]) if len(shape) == 1 and not isinstance(shape[0], int) else shape
    values = default_rng(rng).standard_normal(shape).astype(_float(dtype), copy=False)
    return _make(values, requires_grad)


def rand(*shape, rng=None, dtype=None, requires_grad=False):
    """Uniform samples in [0, 1), as `np.random.rand(*shape)`."""
    shape = _shape(shape[0]) if len(shape) == 1 and not isinstance(shape[0], int) else shape
    values = default_rng(rng).random(shape).astype(_float(dtype), copy=False)
    return _make(values, requires_grad)


def from_dlpack(x, requires_grad=False):
    """A Tensor sharing memory with `x`, any object with `__dlpack__` (a CPU torch tensor,
    a NumPy array, ...), with no copy.

    Examples
    --------
    >>> t = from_dlpack(torch.arange(3.0))   # writes through either side are seen by both
    """
    return _make(np.from_dlpack(x), requires_grad)
