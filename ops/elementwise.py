"""Elementwise arithmetic: add sub mul div neg pow exp log sqrt abs maximum minimum where clip.

Binary rules return gradients in the output's broadcast shape; the engine sums them to
each input's shape. VJPs use operators and NumPy functions only, so they run on arrays
in plain backward and on Tensors under `create_graph=True`.

Every VJP is linear in `g` (masks depend on forward values only, never on `g == 0`), so
second derivatives are right everywhere. The price, as in PyTorch: an inactive `where`
branch that is NaN or inf still poisons the gradient, because 0 * inf is NaN. At x = 1,
`where(x >= 0, x, sqrt(-x))` has a NaN gradient; the double-`where` idiom keeps it finite
by feeding the unsafe branch a safe value:

    safe = where(x >= 0, -1.0, x)          # sqrt only ever sees -safe > 0
    y = where(x >= 0, x, sqrt(-safe))
"""
import numpy as np

from autograd.function import Function, broadcast_shapes, register
from autograd.tensor import Tensor, _data, apply


def _shape(x):
    return np.shape(x)


def _broadcast_error(name, *operands):
    """The clear error for operands that do not broadcast (called once NumPy refused)."""
    broadcast_shapes(name, *map(_shape, operands))
    raise  # not a broadcasting problem after all: re-raise NumPy's own error


@register("add")
class Add(Function):
    """a + b, NumPy broadcasting."""

    def forward(self, a, b):
        try:
            return a + b
        except ValueError:
            _broadcast_error("add", a, b)

    def vjp(self, g):
        return g, g


@register("sub")
class Sub(Function):
    """a - b, NumPy broadcasting."""

    def forward(self, a, b):
        try:
            return a - b
        except ValueError:
            _broadcast_error("sub", a, b)

    def vjp(self, g):
        return g, -g


@register("mul")
class Mul(Function):
    """a * b, NumPy broadcasting."""

    def forward(self, a, b):
        self.save(a, b)
        try:
            return a * b
        except ValueError:
            _broadcast_error("mul", a, b)

    def vjp(self, g):
        a, b = self.saved
        inputs = self.inputs
        return (None if inputs[0] is None else g * b), (None if inputs[1] is None else g * a)


@register("div")
class Div(Function):
    """a / b, NumPy broadcasting."""

    def forward(self, a, b):
        self.save(a, b)
        with np.errstate(divide="ignore", invalid="ignore"):
            try:
                return a / b
            except ValueError:
                _broadcast_error("div", a, b)

    def vjp(self, g):
        a, b = self.saved
        with np.errstate(divide="ignore", invalid="ignore"):
            ga = g / b if self.needs_grad(0) else None
            gb = -g * a / (b * b) if self.needs_grad(1) else None
        return ga, gb


@register("neg")
class Neg(Function):
    """-a."""

    def forward(self, a):
        return -a

    def vjp(self, g):
        return -g


@register("pow")
class Pow(Function):
    """a ** b; d/da is 0 where b == 0 and d/db is 0 where a == 0 (PyTorch's conventions)."""

    def forward(self, a, b):
        with np.errstate(divide="ignore", invalid="ignore"):
            try:
                out = a ** b
            except ValueError:
                _broadcast_error("pow", a, b)
        self.save(a, b, out)
        return out

    def vjp(self, g):
        a, b, out = self.saved
        ga = gb = None
        with np.errstate(divide="ignore", invalid="ignore"):
            if self.needs_grad(0):
                ga = np.where(b == 0, 0, g * b * a ** (b - 1))
            if self.needs_grad(1):
                gb = np.where(a == 0, 0, g * out * np.log(a))
        return ga, gb


@register("exp")
class Exp(Function):
    """e ** a."""

    def forward(self, a):
        out = np.exp(a)
        self.save(out)
        return out

    def vjp(self, g):
        (out,) = self.saved
        return g * out


@register("log")
class Log(Function):
    """Natural logarithm; log(0) is -inf, its gradient inf."""

    def forward(self, a):
        self.save(a)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.log(a)

    def vjp(self, g):
        (a,) = self.saved
        with np.errstate(divide="ignore", invalid="ignore"):
            return g / a


@register("sqrt")
class Sqrt(Function):
    """Square root; the gradient at 0 is inf."""

    def forward(self, a):
        with np.errstate(invalid="ignore"):
            out = np.sqrt(a)
        self.save(out)
        return out

    def vjp(self, g):
        (out,) = self.saved
        with np.errstate(divide="ignore", invalid="ignore"):
            return g / (2 * out)


@register("abs")
class Abs(Function):
    """|a|; the gradient at 0 is 0 (sign(0), as PyTorch); z / |z| for complex z."""

    holomorphic = False

    def forward(self, a):
        out = np.abs(a)
        if np.iscomplexobj(a):  # z / |z| varies with z: keep z and |z| to differentiate it
            self.save(a, out)
        else:
            self.save(np.sign(a))  # piecewise constant: a constant for higher order too
        return out

    def vjp(self, g):
        if len(self.saved) == 1:
            (sign,) = self.saved
            return g * sign
        a, out = self.saved
        at_zero = out == 0
        return np.where(at_zero, 0, g * a / np.where(at_zero, 1, out))  # double where: no NaN


class _Extremum(Function):
    """Shared rule of maximum/minimum: ties split the gradient evenly."""

    pick = None

    def forward(self, a, b):
        try:
            out = self.pick(a, b)
        except ValueError:
            _broadcast_error(self.name, a, b)
        # weight of a: 1 where a wins, 1/2 on ties, 0 where b wins (constant a.e.)
        self.save(np.where(a == b, 0.5, (out == a)).astype(np.result_type(out, np.float32)))
        return out

    def vjp(self, g):
        (weight_a,) = self.saved
        return g * weight_a, g * (1 - weight_a)


@register("maximum")
class Maximum(_Extremum):
    """Elementwise max of a and b; ties split the gradient evenly."""

    pick = staticmethod(np.maximum)


@register("minimum")
class Minimum(_Extremum):
    """Elementwise min of a and b; ties split the gradient evenly."""

    pick = staticmethod(np.minimum)


@register("where")
class Where(Function):
    """a where cond else b; no gradient flows into the branch not taken."""

    def forward(self, cond, a, b):
        cond = np.asarray(cond)
        if cond.dtype != np.bool_:
            raise TypeError(f"where: condition must be boolean, got dtype {cond.dtype}")
        broadcast_shapes("where", cond.shape, _shape(a), _shape(b))
        self.save(cond)
        return np.where(cond, a, b)

    def vjp(self, g):
        (cond,) = self.saved
        ga = np.where(cond, g, 0) if self.needs_grad(1) else None
        gb = np.where(cond, 0, g) if self.needs_grad(2) else None
        return None, ga, gb


@register("clip")
class Clip(Function):
    """a limited to [lo, hi] (either may be None); gradient 1 inside, bounds included."""

    def forward(self, a, lo=None, hi=None):
        if lo is None and hi is None:
            raise ValueError("clip: at least one of lo and hi must be given")
        inside = np.ones(np.shape(a), dtype=bool)
        if lo is not None:
            inside &= a >= lo
        if hi is not None:
            inside &= a <= hi
        self.save(inside)
        return np.clip(a, lo, hi)

    def vjp(self, g):
        (inside,) = self.saved
        return g * inside


@register("astype")
class AsType(Function):
    """a converted to `dtype`; the engine casts the gradient back to a's dtype."""

    def forward(self, a, dtype):
        return a.astype(dtype)

    def vjp(self, g):
        return g


def add(a, b):
    """a + b with NumPy broadcasting."""
    return apply(Add, a, b)


def sub(a, b):
    """a - b with NumPy broadcasting."""
    return apply(Sub, a, b)


def mul(a, b):
    """a * b with NumPy broadcasting."""
    return apply(Mul, a, b)


def div(a, b):
    """a / b with NumPy broadcasting."""
    return apply(Div, a, b)


def neg(a):
    """-a."""
    return apply(Neg, a)


def pow(a, b):  # noqa: A001  (NumPy/PyTorch name)
    """a ** b with NumPy broadcasting."""
    return apply(Pow, a, b)


def exp(a):
    """e ** a."""
    return apply(Exp, a)


def log(a):
    """Natural logarithm."""
    return apply(Log, a)


def sqrt(a):
    """Square root."""
    return apply(Sqrt, a)


def abs(a):  # noqa: A001
    """|a|."""
    return apply(Abs, a)


def maximum(a, b):
    """Elementwise maximum; ties split the gradient evenly."""
    return apply(Maximum, a, b)


def minimum(a, b):
    """Elementwise minimum; ties split the gradient evenly."""
    return apply(Minimum, a, b)


_UNSET = object()


def where(condition, x=_UNSET, y=_UNSET):
    """Elementwise `x if condition else y`, as NumPy; `where(condition)` is `np.nonzero`.

    A non-boolean condition means `condition != 0` (NumPy); no gradient flows into the
    branch not taken.
    """
    cond = condition.data if isinstance(condition, Tensor) else np.asarray(condition)
    if x is _UNSET and y is _UNSET:
        return np.nonzero(cond)
    if x is _UNSET or y is _UNSET:
        raise TypeError("where: either both or neither of x and y should be given")
    if cond.dtype != np.bool_:
        cond = cond != 0
    return apply(Where, cond, x, y)


def clip(a, a_min=None, a_max=None, *, min=None, max=None):  # noqa: A002  (NumPy's names)
    """a limited to [a_min, a_max], as `np.clip` (`min=`/`max=` as NumPy 2 and PyTorch).

    Either bound may be None. Scalar bounds make one op whose gradient is 1 inside the
    interval, bounds included; array or Tensor bounds broadcast, and a bound that
    requires grad gets the gradient where it is the active limit (PyTorch's clamp).
    """
    if min is not None:
        if a_min is not None:
            raise TypeError("clip: give the lower bound as a_min or min, not both")
        a_min = min
    if max is not None:
        if a_max is not None:
            raise TypeError("clip: give the upper bound as a_max or max, not both")
        a_max = max
    for name, bound in (("a_min", a_min), ("a_max", a_max)):
        if bound is not None and np.asarray(_data(bound)).dtype.kind not in "biuf":
            raise TypeError(f"clip: {name} must be a real number, array or Tensor, got {bound!r}")
    if isinstance(a, (list, tuple)):
        a = np.asarray(a)
    if a_min is None and a_max is None:
        return apply(Mul, a, 1)  # NumPy returns a copy
    if np.ndim(a_min) == 0 and np.ndim(a_max) == 0 and not (
            _wants_grad(a_min) or _wants_grad(a_max)):
        return apply(Clip, a, lo=_scalar_bound(a_min), hi=_scalar_bound(a_max))
    out = a
    if a_min is not None:
        out = where(_less(out, a_min), a_min, out)
    if a_max is not None:
        out = where(_less(a_max, out), a_max, out)
    return out


def _wants_grad(x):
    return isinstance(x, Tensor) and x.requires_grad


def _scalar_bound(x):
    return x.item() if isinstance(x, Tensor) else x


def _less(x, y):
    """x < y on arrays, Tensors or scalars, as a plain boolean array."""
    return np.less(x.data if isinstance(x, Tensor) else x, y.data if isinstance(y, Tensor) else y)
