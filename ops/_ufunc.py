"""The shared shape of NumPy's elementwise functions: a table row becomes a rule.

A unary row is `(name, forward, derivative, doc)`: the rule computes `out = forward(a)`
and its VJP is `g * derivative(a, out)`. A binary row gives one partial per input,
`d_a(a, b, out)` and `d_b(a, b, out)`. Derivatives are written with operators and NumPy
functions, which dispatch to the registered ops when `create_graph=True` hands them
Tensors: so every rule built here is twice differentiable, and its VJP is linear in `g`
(derivatives read forward values only). Like PyTorch's derivatives.yaml, one formula per
input.
"""
import numpy as np

from autograd.function import Function, broadcast_shapes, register
from autograd.tensor import apply

QUIET = {"divide": "ignore", "invalid": "ignore", "over": "ignore"}


def _array(x):
    """Lists become arrays; arrays, Tensors' data and Python scalars pass unchanged."""
    return np.asarray(x) if isinstance(x, (list, tuple)) else x


class Unary(Function):
    """out = forward(a); VJP g * derivative(a, out)."""

    forward_fn = derivative = None

    def forward(self, a):
        a = _array(a)
        with np.errstate(**QUIET):
            out = self.forward_fn(a)
        self.save(a, out)
        return out

    def vjp(self, g):
        a, out = self.saved
        with np.errstate(**QUIET):
            return g * self.derivative(a, out)


class Binary(Function):
    """out = forward(a, b), NumPy broadcasting; VJPs g * d_a(a, b, out), g * d_b(a, b, out)."""

    forward_fn = d_a = d_b = None

    def forward(self, a, b):
        a, b = _array(a), _array(b)
        with np.errstate(**QUIET):
            try:
                out = self.forward_fn(a, b)
            except ValueError:
                broadcast_shapes(self.name, np.shape(a), np.shape(b))
                raise
        self.save(a, b, out)
        return out

    def vjp(self, g):
        a, b, out = self.saved
        with np.errstate(**QUIET):
            ga = g * self.d_a(a, b, out) if self.needs_grad(0) else None
            gb = g * self.d_b(a, b, out) if self.needs_grad(1) else None
        return ga, gb


class ZeroGradient(Function):
    """A piecewise-constant function (floor, sign, ...): its gradient is 0 everywhere (PyTorch)."""

    forward_fn = None

    def forward(self, a):
        return self.forward_fn(_array(a))

    def vjp(self, g):
        if hasattr(g, "grad_fn"):  # create_graph: 0 * g keeps the (zero) dependence on g
            return g * 0
        return np.zeros(g.shape, g.dtype)  # as PyTorch: zeros even where g is inf or NaN


def _camel(name):
    return "".join(part.capitalize() for part in name.split("_"))


def unary(name, forward_fn, derivative, doc):
    """Register the unary rule `name`; return its public function `name(x)`."""
    cls = register(name)(type(_camel(name), (Unary,), {
        "__doc__": doc, "forward_fn": staticmethod(forward_fn),
        "derivative": staticmethod(derivative),
    }))
    return _public(name, doc, lambda x: apply(cls, x))


def binary(name, forward_fn, d_a, d_b, doc):
    """Register the binary rule `name`; return its public function `name(x1, x2)`."""
    cls = register(name)(type(_camel(name), (Binary,), {
        "__doc__": doc, "forward_fn": staticmethod(forward_fn),
        "d_a": staticmethod(d_a), "d_b": staticmethod(d_b),
    }))
    return _public(name, doc, lambda x1, x2: apply(cls, x1, x2))


def zero_gradient(name, forward_fn, doc):
    """Register the piecewise-constant rule `name`; return its public function `name(x)`."""
    cls = register(name)(type(_camel(name), (ZeroGradient,), {
        "__doc__": doc, "forward_fn": staticmethod(forward_fn),
    }))
    return _public(name, doc, lambda x: apply(cls, x))


def _public(name, doc, fn):
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = doc
    return fn
