"""`Tensor`: an ndarray plus the node that made it, and `apply`, which runs an op.

Tensor methods and operators reach ops by name through the registry, so this module
never imports `ops`. NumPy functions called on Tensors (`np.exp(t)`, `np.where(c, t,
0)`) dispatch to the registered ops too, which lets a VJP written with NumPy run on
plain arrays in ordinary backward and on Tensors under `create_graph=True`.
"""
import threading
import weakref

import numpy as np

from autograd.function import registry
from autograd.mode import GENERAL, RECORD, state


def _as_array(data, dtype):
    """Wrap `data` as an ndarray following the dtype policy (no copy when possible)."""
    if isinstance(data, np.ndarray):
        return data if dtype is None or data.dtype == dtype else data.astype(dtype)
    if isinstance(data, Tensor):
        data = data.data
        return data if dtype is None else data.astype(dtype, copy=False)
    array = np.asarray(data, dtype=dtype)
    if dtype is None and array.dtype.kind == "f" and array.dtype != state.default_dtype:
        if not isinstance(data, np.generic):  # Python floats and lists follow the default
            array = array.astype(state.default_dtype)
    return array


def apply(cls, *args, **params):
    """Run the op `cls` on Tensors, arrays or scalars; record it if a gradient is needed.

    Python lists become arrays (as `Tensor(list)` would); NumPy scalars become Python
    scalars, so that they are weak in type promotion, as in PyTorch (a float32 tensor
    times `np.float64(2)` stays float32).
    """
    arrays = list(args)
    inputs = [None] * len(args)
    needs = False
    for i, a in enumerate(args):
        if isinstance(a, Tensor):
            arrays[i] = a.data
            if a._requires_grad:
                inputs[i] = a if a.grad_fn is None else a.grad_fn  # see Function.inputs
                needs = True
        elif isinstance(a, list):
            arrays[i] = _list_array(a)
        elif isinstance(a, np.generic) and a.dtype.kind in "biufc":
            arrays[i] = a.item()
    node = cls()
    node.saved = ()
    out = node.forward(*arrays, **params)
    fast = state.fast
    if fast == GENERAL and state.anomaly:
        node.inputs = [a if isinstance(a, Tensor) and a._requires_grad else None for a in args]
        state.anomaly.forward(node, out)
    if needs and (fast == RECORD or fast == GENERAL and state.grad_enabled):
        result = _record(node, inputs, out)
        if state.trace is not None:
            state.trace(result, args, params)
        return result
    return _from_op(out, None)


def _unary(cls, a):
    """`apply` for one Tensor input (Tensor methods and unary operators)."""
    fast = state.fast
    if fast == GENERAL:
        return apply(cls, a)
    node = cls()
    node.saved = ()
    out = node.forward(a.data)
    if fast and a._requires_grad:
        return _record(node, (a if a.grad_fn is None else a.grad_fn,), out)
    return _from_op(out, None)


def _binary(cls, a, b):
    """`apply` for the binary operators: one side is a Tensor, the other anything."""
    fast = state.fast
    if fast == GENERAL:
        return apply(cls, a, b)
    node = cls()
    node.saved = ()
    if isinstance(a, Tensor):
        if isinstance(b, Tensor):
            out = node.forward(a.data, b.data)
            inputs = (a if a._requires_grad else None, b if b._requires_grad else None)
        else:
            data = a.data
            out = node.forward(data, _scalar(b, data.dtype) if type(b) in _PY_NUMBERS else _other(b))
            inputs = (a if a._requires_grad else None, None)
    else:
        data = b.data
        out = node.forward(_scalar(a, data.dtype) if type(a) in _PY_NUMBERS else _other(a), data)
        inputs = (None, b if b._requires_grad else None)
    if fast and (inputs[0] is not None or inputs[1] is not None):
        a, b = inputs
        return _record(node, (a if a is None or a.grad_fn is None else a.grad_fn,
                              b if b is None or b.grad_fn is None else b.grad_fn), out)
    return _from_op(out, None)


def _record(node, inputs, out):
    """Make `node` a graph node with these inputs (see `Function.inputs`); its output Tensor.

    The node keeps its output's shape, dtype and identity, not the array (only a rule
    that saved its output keeps it, as `out`): an intermediate result no rule saved is
    freed as soon as its Tensor is dropped, as in PyTorch.
    """
    node.inputs = inputs
    node.out = None
    for s in node.saved:
        if s is out:  # the rule saved its own output
            node.out = out
            break
    node.epoch = _clock[0]
    result = _from_op(out, node)
    data = result.data  # (a NumPy scalar output is wrapped as a new 0-d array)
    node.out_shape, node.out_dtype, node.out_id = data.shape, data.dtype, id(data)
    return result


def _other(x):
    """The non-Tensor operand of a binary operator: NumPy scalars weak, lists as arrays."""
    if isinstance(x, np.generic) and x.dtype.kind in "biufc":
        return x.item()
    if isinstance(x, list):
        return _list_array(x)
    return x


def _list_array(values):
    """A Python list operand as a read-only array (an op may read it, never update it)."""
    array = _as_array(values, None)
    array.flags.writeable = False
    return array


_PY_NUMBERS = (float, int)
_SCALARS = {}


def _scalar(value, dtype):
    """A Python number as a read-only 0-d array of a float tensor's dtype (cached).

    NumPy 2 resolves a Python scalar's weak promotion on every call, which doubles the
    cost of `x * 0.9` on small arrays; a 0-d array of x's own dtype gives the identical
    result (NEP 50 casts the scalar to that dtype anyway) at the speed of `x * y`.
    """
    key = (value, dtype.char)  # 1 and 1.0 share a key: both give the same float array
    array = _SCALARS.get(key)
    if array is None:
        if dtype.kind not in "fc":
            return value
        if len(_SCALARS) > 4096:
            _SCALARS.clear()
        with np.errstate(over="ignore"):
            array = np.asarray(value, dtype=dtype)
        array.flags.writeable = False
        _SCALARS[key] = array
    return array


# ------------------------------------------------------------- in-place changes
# Version counters, PyTorch's rule: an op that saved an array for its VJP must not see it
# changed in place before backward runs. `mark_modified` stamps the changed arrays with a
# global clock; every recorded node keeps the clock value at its creation (`epoch`); the
# engine looks at a node's saved arrays only when the clock moved since (almost never).
_clock = [0]
_modified = {}  # id(array) -> (stamp, weak reference to the array)
_clock_lock = threading.Lock()


def mark_modified(*tensors):
    """Record that these tensors' data was changed in place (optimizer steps,
    `load_state_dict`, `nn.init`, in-place methods): backward through a graph that saved
    the old values then raises instead of silently using the new ones."""
    with _clock_lock:
        for t in tensors:
            _clock[0] += 1
            t._version += 1
            data = t.data
            key = id(data)
            _modified[key] = (_clock[0], weakref.ref(data, lambda _, key=key: _modified.pop(key, None)))


def modified_since(array, epoch):
    """Whether `array` (or the array it views) was marked modified after clock `epoch`."""
    for a in (array, array.base):
        entry = _modified.get(id(a))
        if entry is not None and entry[0] > epoch and entry[1]() is a:
            return True
    return False


def _elementwise_method(name):
    """`Tensor.<name>()`: the registered unary rule `name` (sin, log1p, floor, ...)."""

    def method(self):
        return _unary(registry[name], self)

    method.__name__ = method.__qualname__ = name
    method.__doc__ = f"np.{name} of this tensor (differentiable; see ops.{name})."
    return method


class Tensor:
    """An n-dimensional array that records the ops applied to it for reverse-mode AD.

    Parameters
    ----------
    data : array_like
        Python floats and lists become the default float dtype (float32); an ndarray
        keeps its dtype and is wrapped without a copy; integers stay integers.
    requires_grad : bool
        Accumulate a gradient into `.grad` on `backward()` (float dtypes only).
    dtype : dtype, optional
        Convert the data to this dtype.

    Examples
    --------
    >>> x = Tensor([1.0, 2.0, 3.0], requires_grad=True)
    >>> (x * x).sum().backward()
    >>> x.grad
    Tensor([2., 4., 6.])
    """

    __slots__ = ("data", "_grad", "_requires_grad", "grad_fn", "__dict__", "__weakref__")
    __array_priority__ = 1000
    name = None  # rare attributes live in the instance dict, defaulting here
    _hooks = None
    _version = 0  # bumped by every in-place change (`mark_modified`)

    def __init__(self, data, requires_grad=False, dtype=None):
        self.data = _as_array(data, None if dtype is None else np.dtype(dtype))
        self._grad = None
        self.grad_fn = None
        self._requires_grad = False
        if requires_grad:
            self.requires_grad = True

    @staticmethod
    def _from_op(data, node):
        return _from_op(data, node)

    # ----------------------------------------------------------------- attributes
    @property
    def requires_grad(self):
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, flag):
        if flag and self.data.dtype.kind not in "fc":
            raise TypeError(
                f"only floating-point tensors can require gradients, got dtype {self.data.dtype}"
            )
        if not flag and self.grad_fn is not None:
            raise RuntimeError("requires_grad cannot be switched off on a non-leaf tensor; use detach()")
        self._requires_grad = bool(flag)

    def requires_grad_(self, flag=True):
        """Set `requires_grad` in place and return self."""
        self.requires_grad = flag
        return self

    @property
    def is_leaf(self):
        return self.grad_fn is None

    @property
    def shape(self):
        return self.data.shape

    @property
    def ndim(self):
        return self.data.ndim

    @property
    def size(self):
        return self.data.size

    @property
    def dtype(self):
        return self.data.dtype

    @property
    def T(self):
        return self.transpose()

    @property
    def grad(self):
        """The accumulated gradient (a Tensor), or None; may be assigned."""
        return self._grad

    @grad.setter
    def grad(self, value):
        if value is not None and not isinstance(value, Tensor):
            value = Tensor(np.asarray(value))
        if value is not None and value.shape != self.shape:
            raise ValueError(f"grad of shape {value.shape} assigned to a tensor of shape {self.shape}")
        self._grad = value

    # ------------------------------------------------------------- conversions
    def detach(self):
        """A Tensor sharing this data, cut from the graph."""
        return _from_op(self.data, None)

    def numpy(self):
        """The underlying ndarray (shared, not copied)."""
        return self.data

    def item(self):
        return self.data.item()

    def tolist(self):
        return self.data.tolist()

    def astype(self, dtype):
        """A copy in `dtype`; differentiable between float dtypes."""
        return apply(registry["astype"], self, dtype=np.dtype(dtype))

    # ---------------------------------------------------------- in-place changes
    def _inplace(self, method, values):
        """Write `values` into this tensor's data; bump its version (see `mark_modified`)."""
        if self.grad_fn is not None and self._requires_grad:
            raise RuntimeError(
                f"{method}: in-place change of a tensor inside a recorded graph is not "
                "supported; use the out-of-place op"
            )
        if self._requires_grad and state.grad_enabled:
            raise RuntimeError(
                f"{method}: a leaf tensor that requires grad is being changed in place "
                "while gradients are recorded; wrap the update in `with no_grad():`"
            )
        if not self.data.flags.writeable:
            raise ValueError(f"{method}: this tensor's data is read-only")
        values = _data(values)
        try:
            np.copyto(self.data, values, casting="same_kind")
        except (ValueError, TypeError) as error:
            raise type(error)(f"{method}: {error}") from None
        mark_modified(self)
        return self

    def copy_(self, src):
        """Copy `src` (broadcast to this shape) into this tensor, in place."""
        return self._inplace("copy_", src)

    def fill_(self, value):
        """Set every element to `value`, in place."""
        return self._inplace("fill_", value)

    def zero_(self):
        """Set every element to 0, in place."""
        return self._inplace("zero_", 0)

    def add_(self, other, alpha=1):
        """self += alpha * other, in place (PyTorch's `add_`)."""
        return self._inplace("add_", self.data + alpha * _data(other))

    def sub_(self, other, alpha=1):
        """self -= alpha * other, in place."""
        return self._inplace("sub_", self.data - alpha * _data(other))

    def mul_(self, other):
        """self *= other, in place."""
        return self._inplace("mul_", self.data * _data(other))

    def div_(self, other):
        """self /= other, in place."""
        return self._inplace("div_", self.data / _data(other))

    def __array__(self, dtype=None, copy=None):
        # Implicit conversion (np.asarray(t), np.array([t1, t2])) would cut the graph
        # silently: refused while recording, as PyTorch does (explicit: detach, numpy, data).
        if self._requires_grad and state.grad_enabled:
            raise RuntimeError(
                "cannot convert a Tensor that requires grad to a NumPy array implicitly "
                "(np.asarray, np.array([...]), np.full, ...): the result would be cut from "
                "the graph. Use t.detach() (or t.data) for the values, or ops.stack / "
                "ops.concatenate to combine Tensors with their gradient."
            )
        if dtype is not None and dtype != self.data.dtype:
            return self.data.astype(dtype)
        return self.data.copy() if copy else self.data

    def __dlpack__(self, **kwargs):
        """Export the data through DLPack with no copy (`torch.from_dlpack(t)`,
        `np.from_dlpack(t)`); keyword arguments go to `ndarray.__dlpack__`. A tensor that
        requires grad is refused, as in PyTorch (the consumer could not see the graph)."""
        if self._requires_grad:
            raise RuntimeError("cannot export a Tensor that requires grad through DLPack: use t.detach()")
        return self.data.__dlpack__(**kwargs)

    def __dlpack_device__(self):
        return self.data.__dlpack_device__()

    def __len__(self):
        return len(self.data)

    def __repr__(self):
        body = np.array2string(self.data, separator=", ", prefix="Tensor(")
        extra = ""
        if self.data.dtype not in (state.default_dtype, np.int64, np.bool_):
            extra += f", dtype={self.data.dtype}"
        if self.grad_fn is not None:
            extra += f", grad_fn=<{self.grad_fn.name}>"
        elif self._requires_grad:
            extra += ", requires_grad=True"
        return f"Tensor({body}{extra})"

    def __bool__(self):
        return bool(self.data)

    def __float__(self):
        return float(self.data)

    def __int__(self):
        return int(self.data)

    def __index__(self):
        return self.data.__index__()

    __hash__ = object.__hash__

    # ------------------------------------------------------------------ backward
    def backward(self, grad=None, retain_graph=False, create_graph=False):
        """Accumulate d(self)/d(leaf) into `.grad` of every leaf that requires grad.

        Parameters
        ----------
        grad : array_like or Tensor, optional
            The upstream gradient, shaped like self; omitted only for one element.
        retain_graph : bool
            Keep saved arrays so that backward can run through this graph again.
        create_graph : bool
            Record the backward pass, so that gradients can be differentiated again
            (implies retain_graph, as in PyTorch).
        """
        from autograd import engine

        engine.backward((self,), (grad,), retain_graph, create_graph)

    def retain_grad(self):
        """Keep `.grad` of this non-leaf tensor after backward."""
        if self.grad_fn is not None:
            from autograd.engine import retain

            self.grad_fn.hooks = (self.grad_fn.hooks or []) + [retain(self)]
        elif not self._requires_grad:
            raise RuntimeError("retain_grad() on a tensor that does not require grad")

    def register_hook(self, fn):
        """Call `fn(grad)` when this tensor's gradient is computed; a returned value replaces it."""
        if not self._requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that does not require grad")
        owner = self if self.grad_fn is None else self.grad_fn
        if owner is self:
            self._hooks = (self._hooks or []) + [fn]
        else:
            owner.hooks = (owner.hooks or []) + [fn]
        return fn

    # -------------------------------------------------------------- operators
    def __add__(self, other):
        return _binary(registry["add"], self, other)

    def __radd__(self, other):
        return _binary(registry["add"], other, self)

    def __sub__(self, other):
        return _binary(registry["sub"], self, other)

    def __rsub__(self, other):
        return _binary(registry["sub"], other, self)

    def __mul__(self, other):
        return _binary(registry["mul"], self, other)

    def __rmul__(self, other):
        return _binary(registry["mul"], other, self)

    def __truediv__(self, other):
        return _binary(registry["div"], self, other)

    def __rtruediv__(self, other):
        return _binary(registry["div"], other, self)

    def __pow__(self, other):
        return _binary(registry["pow"], self, other)

    def __rpow__(self, other):
        return _binary(registry["pow"], other, self)

    def __matmul__(self, other):
        return _binary(registry["matmul"], self, other)

    def __rmatmul__(self, other):
        return _binary(registry["matmul"], other, self)

    def __neg__(self):
        return _unary(registry["neg"], self)

    def __abs__(self):
        return _unary(registry["abs"], self)

    def __getitem__(self, index):
        return apply(registry["getitem"], self, index=_unwrap_index(index))

    # Comparisons give boolean tensors with no gradient.
    def __lt__(self, other):
        return _from_op(self.data < _data(other), None)

    def __le__(self, other):
        return _from_op(self.data <= _data(other), None)

    def __gt__(self, other):
        return _from_op(self.data > _data(other), None)

    def __ge__(self, other):
        return _from_op(self.data >= _data(other), None)

    def __eq__(self, other):
        return _from_op(self.data == _data(other), None)

    def __ne__(self, other):
        return _from_op(self.data != _data(other), None)

    # ---------------------------------------------------------------- methods
    def abs(self):
        return _unary(registry["abs"], self)

    def exp(self):
        return _unary(registry["exp"], self)

    def log(self):
        return _unary(registry["log"], self)

    def sqrt(self):
        return _unary(registry["sqrt"], self)

    def tanh(self):
        return _unary(registry["tanh"], self)

    def sigmoid(self):
        return _unary(registry["sigmoid"], self)

    def relu(self):
        return _unary(registry["relu"], self)

    def clip(self, min=None, max=None):  # noqa: A002  (ndarray's and PyTorch's names)
        return _ops().clip(self, min, max)

    def round(self, decimals=0):
        return _ops().round(self, decimals)

    # NumPy's elementwise functions as methods, as PyTorch users expect (t.sin(), t.log1p()).
    sin, cos, tan, arcsin, arccos, arctan, sinh, cosh, arcsinh, arccosh, arctanh = (
        _elementwise_method(name) for name in (
            "sin", "cos", "tan", "arcsin", "arccos", "arctan", "sinh", "cosh", "arcsinh",
            "arccosh", "arctanh"))
    exp2, expm1, log2, log10, log1p, square, reciprocal, sinc = (
        _elementwise_method(name) for name in (
            "exp2", "expm1", "log2", "log10", "log1p", "square", "reciprocal", "sinc"))
    sign, floor, ceil, trunc, rint = (
        _elementwise_method(name) for name in ("sign", "floor", "ceil", "trunc", "rint"))

    def softmax(self, axis=-1):
        return apply(registry["softmax"], self, axis=axis)

    def log_softmax(self, axis=-1):
        return apply(registry["log_softmax"], self, axis=axis)

    # Reductions: NumPy's ndarray signatures; `dim=` is PyTorch's alias of `axis=`.
    def sum(self, axis=None, dtype=None, out=None, keepdims=False, initial=np._NoValue, where=True, *,
            dim=None):
        if dtype is None and out is None and initial is np._NoValue and where is True and dim is None:
            return apply(registry["sum"], self, axis=axis, keepdims=keepdims)  # the common case
        return _ops().sum(self, axis, dtype, out, keepdims, initial, where, dim=dim)

    def prod(self, axis=None, dtype=None, out=None, keepdims=False, initial=np._NoValue, where=True, *,
             dim=None):
        return _ops().prod(self, axis, dtype, out, keepdims, initial, where, dim=dim)

    def mean(self, axis=None, dtype=None, out=None, keepdims=False, *, where=True, dim=None):
        if dtype is None and out is None and where is True and dim is None:
            return apply(registry["mean"], self, axis=axis, keepdims=keepdims)  # the common case
        return apply(registry["mean"], self, axis=axis, dtype=dtype, out=out, keepdims=keepdims,
                     where=where, dim=dim)

    def max(self, axis=None, out=None, keepdims=False, initial=np._NoValue, where=True, *, dim=None):
        return apply(registry["max"], self, axis=axis, out=out, keepdims=keepdims, initial=initial,
                     where=where, dim=dim)

    def min(self, axis=None, out=None, keepdims=False, initial=np._NoValue, where=True, *, dim=None):
        return apply(registry["min"], self, axis=axis, out=out, keepdims=keepdims, initial=initial,
                     where=where, dim=dim)

    def var(self, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, where=True,
            mean=np._NoValue, correction=np._NoValue, dim=None):
        return apply(registry["var"], self, axis=axis, dtype=dtype, out=out, ddof=ddof,
                     keepdims=keepdims, where=where, mean=mean, correction=correction, dim=dim)

    def std(self, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, where=True,
            mean=np._NoValue, correction=np._NoValue, dim=None):
        return apply(registry["std"], self, axis=axis, dtype=dtype, out=out, ddof=ddof,
                     keepdims=keepdims, where=where, mean=mean, correction=correction, dim=dim)

    def cumsum(self, axis=None, dtype=None, out=None, *, dim=None):
        return _ops().cumsum(self, axis, dtype, out, dim=dim)

    def cumprod(self, axis=None, dtype=None, out=None, *, dim=None):
        return _ops().cumprod(self, axis, dtype, out, dim=dim)

    def trace(self, offset=0, axis1=0, axis2=1, dtype=None, out=None):
        return _ops().trace(self, offset, axis1, axis2, dtype, out)

    # Products and complex parts (ops/products.py, ops/complex.py), as ndarray has them.
    def dot(self, b, out=None):
        return _ops().dot(self, b, out)

    def conj(self):
        return _ops().conj(self)

    conjugate = conj

    @property
    def real(self):
        """The real part (differentiable; read-only, unlike ndarray.real)."""
        return _ops().real(self)

    @property
    def imag(self):
        """The imaginary part (differentiable; read-only, unlike ndarray.imag)."""
        return _ops().imag(self)

    # Integer results, no gradient.
    def argmax(self, axis=None, out=None, *, keepdims=False, dim=None):
        return _ops().argmax(self, axis, out, keepdims=keepdims, dim=dim)

    def argmin(self, axis=None, out=None, *, keepdims=False, dim=None):
        return _ops().argmin(self, axis, out, keepdims=keepdims, dim=dim)

    def argsort(self, axis=-1, kind=None, order=None, *, stable=None, dim=None):
        return _ops().argsort(self, axis, kind, order, stable=stable, dim=dim)

    def nonzero(self):
        return _ops().nonzero(self)

    def sort(self, *args, **kwargs):
        raise TypeError(
            "Tensor.sort: ndarray.sort sorts in place, which would cut the graph; use "
            "np.sort(t) or ops.sort(t), which return a new, differentiable tensor")

    # Shape: NumPy's ndarray methods, then PyTorch's habits.
    def reshape(self, *shape, order="C"):
        if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
            shape = tuple(shape[0])
        if order != "C":
            return _ops().reshape(self, shape, order=order)
        return apply(registry["reshape"], self, shape=shape)

    def transpose(self, *axes):
        if len(axes) == 1 and isinstance(axes[0], (tuple, list)):
            axes = tuple(axes[0])
        return apply(registry["transpose"], self, axes=axes or None)

    def swapaxes(self, axis1, axis2):
        return _ops().swapaxes(self, axis1, axis2)

    def flatten(self, order="C"):
        return self.reshape(-1, order=order)

    def ravel(self, order="C"):
        return _ops().ravel(self, order)

    def squeeze(self, axis=None):
        return _ops().squeeze(self, axis)

    def expand_dims(self, axis):
        return _ops().expand_dims(self, axis)

    def broadcast_to(self, shape):
        shape = (shape,) if isinstance(shape, int) else tuple(shape)
        return apply(registry["broadcast_to"], self, shape=shape)

    def diagonal(self, offset=0, axis1=0, axis2=1):
        return _ops().diagonal(self, offset, axis1, axis2)

    def take(self, indices, axis=None, out=None, mode="raise"):
        return _ops().take(self, indices, axis, out, mode)

    def repeat(self, repeats, axis=None):
        """NumPy's `ndarray.repeat` (each element repeated); torch's `repeat` is `np.tile`."""
        return _ops().repeat(self, repeats, axis)

    def flip(self, axis=None, *, dims=None):
        return _ops().flip(self, axis if dims is None else dims)

    def unsqueeze(self, dim):
        """PyTorch's unsqueeze: a new length-1 axis at `dim`."""
        return _ops().expand_dims(self, dim)

    def permute(self, *dims):
        """PyTorch's permute: `transpose` with every axis named."""
        return self.transpose(*dims)

    def masked_fill(self, mask, value):
        """PyTorch's masked_fill: `value` where `mask` is True (no gradient there)."""
        return apply(registry["where"], _data(mask), value, self)

    def split(self, split_size_or_sections, dim=0):
        """PyTorch's split: pieces of `split_size` (the last smaller), or of the listed sizes."""
        n = self.shape[dim]
        if isinstance(split_size_or_sections, (int, np.integer)):
            if split_size_or_sections <= 0:
                raise ValueError(f"split: split_size must be positive, got {split_size_or_sections}")
            bounds = list(range(split_size_or_sections, n, split_size_or_sections))
        else:
            sizes = list(split_size_or_sections)
            if sum(sizes) != n:
                raise ValueError(f"split: sizes {sizes} do not add up to {n} (axis {dim})")
            bounds = list(np.cumsum(sizes)[:-1])
        return tuple(_ops().split(self, bounds, axis=dim))

    def chunk(self, chunks, dim=0):
        """PyTorch's chunk: at most `chunks` pieces of ceil(n / chunks) elements."""
        if chunks <= 0:
            raise ValueError(f"chunk: chunks must be positive, got {chunks}")
        n = self.shape[dim]
        return self.split(max(-(-n // chunks), 1), dim)

    def unbind(self, dim=0):
        """PyTorch's unbind: the slices along `dim`, that axis removed."""
        lead = (slice(None),) * (dim % self.ndim)
        return tuple(self[lead + (i,)] for i in range(self.shape[dim]))

    # ------------------------------------------------------- NumPy dispatch
    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        from autograd import numpy_dispatch

        return numpy_dispatch.array_ufunc(ufunc, method, inputs, kwargs)

    def __array_function__(self, func, types, args, kwargs):
        from autograd import numpy_dispatch

        return numpy_dispatch.array_function(func, args, kwargs)


def _from_op(data, node):
    """Fast constructor for op outputs: no dtype handling, no checks."""
    t = _new(Tensor)
    t.data = data if type(data) is np.ndarray else np.asarray(data)  # NumPy scalars -> 0-d
    t._grad = None
    t.grad_fn = node
    t._requires_grad = node is not None
    return t


_new = object.__new__


def _data(x):
    return x.data if isinstance(x, Tensor) else x


def _unwrap_index(index):
    if isinstance(index, tuple):
        return tuple(_data(i) for i in index)
    return _data(index)


def _ops():
    """The ops package, for methods that are compositions of rules (imported on first use)."""
    import ops

    return ops
