"""NumPy functions called on Tensors (`np.exp(t)`, `np.where(c, t, 0)`) run as ops.

This is what lets a VJP written with NumPy run on arrays in plain backward and on
Tensors under `create_graph=True`. A NumPy function with no rule still works on
Tensors that need no gradient (it sees their arrays), and refuses, rather than
silently dropping the graph, when one does.
"""
import numpy as np

from autograd.mode import state
from autograd.function import registry
from autograd.tensor import Tensor, _data, _from_op, apply

UFUNCS = {
    np.add: "add", np.subtract: "sub", np.multiply: "mul", np.true_divide: "div",
    np.negative: "neg", np.power: "pow", np.exp: "exp", np.log: "log", np.sqrt: "sqrt",
    np.tanh: "tanh", np.absolute: "abs", np.maximum: "maximum", np.minimum: "minimum",
    np.matmul: "matmul",
}
COMPARISONS = {np.greater, np.greater_equal, np.less, np.less_equal, np.equal, np.not_equal}


def _sum(a, axis=None, dtype=None, out=None, keepdims=False, **_):
    return Tensor.sum(a, axis=axis, keepdims=keepdims)


def _mean(a, axis=None, dtype=None, out=None, keepdims=False, **_):
    return Tensor.mean(a, axis=axis, keepdims=keepdims)


FUNCTIONS = {
    np.sum: _sum,
    np.mean: _mean,
    np.where: lambda cond, a, b: apply(registry["where"], _data(cond), a, b),
    np.reshape: lambda a, shape, **_: Tensor.reshape(a, shape),
    np.transpose: lambda a, axes=None: Tensor.transpose(a, *(axes or ())),
    np.broadcast_to: lambda a, shape, **_: Tensor.broadcast_to(a, shape),
    np.clip: lambda a, a_min=None, a_max=None, **_: Tensor.clip(a, a_min, a_max),
    np.concatenate: lambda seq, axis=0, **_: apply(registry["concatenate"], *seq, axis=axis),
    np.stack: lambda seq, axis=0, **_: apply(registry["stack"], *seq, axis=axis),
}


def array_ufunc(ufunc, method, inputs, kwargs):
    """`Tensor.__array_ufunc__`: a registered op when there is one."""
    if ufunc in COMPARISONS and method == "__call__" and not kwargs:
        return _from_op(ufunc(*map(_data, inputs)), None)
    name = UFUNCS.get(ufunc)
    if name is not None and method == "__call__" and not kwargs:
        return apply(registry[name], *inputs)
    _refuse_if_differentiable(f"np.{ufunc.__name__}", inputs)
    result = getattr(ufunc, method)(*map(_data, inputs), **kwargs)
    return Tensor(result) if isinstance(result, np.ndarray) else result


def array_function(func, args, kwargs):
    """`Tensor.__array_function__`: a registered op when there is one."""
    handler = FUNCTIONS.get(func)
    if handler is not None:
        return handler(*args, **kwargs)
    _refuse_if_differentiable(f"np.{func.__name__}", (*args, *kwargs.values()))
    return func(*_unwrap(args), **dict(zip(kwargs, _unwrap(kwargs.values()))))


def _refuse_if_differentiable(name, values):
    if state.grad_enabled and _wants_grad(values):
        raise TypeError(
            f"{name} is not differentiable in npgrad: call it on t.detach() or t.data, "
            "or use an op from `ops`"
        )


def _wants_grad(values):
    return any(
        (isinstance(v, Tensor) and v.requires_grad)
        or (isinstance(v, (list, tuple)) and _wants_grad(v))
        for v in values
    )


def _unwrap(values):
    return [type(v)(_unwrap(v)) if isinstance(v, (list, tuple)) else _data(v) for v in values]
