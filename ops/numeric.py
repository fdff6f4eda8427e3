"""NumPy's other elementwise functions: exp/log family, powers, rounding, remainders, fmax.

The smooth ones are table rows (name, forward, derivative); rounding and `sign` are
piecewise constant with a zero gradient (PyTorch); `fmax`/`fmin` send a tie to the first
argument and skip NaN as PyTorch does. `float_power`, `select`, `gradient`, `append` and
`real_if_close` are compositions of registered ops, and NumPy's alternative names
(`multiply`, `true_divide`, `mod`, `around`, ...) are the same functions as npgrad's.
"""
import math

import numpy as np

from autograd.function import Function, broadcast_shapes, register
from autograd.tensor import Tensor, apply
from ops import elementwise
from ops._ufunc import ZeroGradient, _array, binary, unary, zero_gradient

LN2 = math.log(2)
LN10 = math.log(10)

exp2 = unary("exp2", np.exp2, lambda a, out: out * LN2, "2 ** a.")
expm1 = unary("expm1", np.expm1, lambda a, out: out + 1, "exp(a) - 1, accurate near 0.")
log2 = unary("log2", np.log2, lambda a, out: 1 / (a * LN2), "Base-2 logarithm.")
log10 = unary("log10", np.log10, lambda a, out: 1 / (a * LN10), "Base-10 logarithm.")
log1p = unary("log1p", np.log1p, lambda a, out: 1 / (1 + a), "log(1 + a), accurate near 0.")
square = unary("square", np.square, lambda a, out: 2 * a, "a * a.")
reciprocal = unary("reciprocal", np.reciprocal, lambda a, out: -(out * out), "1 / a.")
cbrt = unary("cbrt", np.cbrt, lambda a, out: 1 / (3 * (out * out)),
             "Cube root (real, negative inputs included); the gradient at 0 is inf.")
positive = unary("positive", np.positive, lambda a, out: 1, "+a (a copy).")

logaddexp = binary(
    "logaddexp", np.logaddexp,
    lambda a, b, out: np.exp(a - out), lambda a, b, out: np.exp(b - out),
    "log(exp(x1) + exp(x2)) without overflow.",
)
logaddexp2 = binary(
    "logaddexp2", np.logaddexp2,
    lambda a, b, out: np.exp2(a - out), lambda a, b, out: np.exp2(b - out),
    "log2(2**x1 + 2**x2) without overflow.",
)
fmod = binary(
    "fmod", np.fmod, lambda a, b, out: 1, lambda a, b, out: -np.trunc(a / b),
    "C's remainder (sign of x1): x1 - trunc(x1 / x2) * x2.",
)
remainder = binary(
    "remainder", np.remainder, lambda a, b, out: 1, lambda a, b, out: -np.floor(a / b),
    "Python's remainder (sign of x2): x1 - floor(x1 / x2) * x2.",
)


def _copysign_d_a(a, b, out):
    # out / a is +-1 (the sign change); 0 at a == 0 as PyTorch, without dividing by 0
    at_zero = a == 0
    return np.where(at_zero, 0.0, out / np.where(at_zero, 1.0, a))


copysign = binary("copysign", np.copysign, _copysign_d_a, lambda a, b, out: 0.0 * out,
                  "|x1| with the sign of x2; no gradient flows to x2.")


@register("fmax")
class Fmax(Function):
    """Elementwise maximum ignoring NaN; a tie sends the gradient to x1 (PyTorch)."""

    pick = staticmethod(np.fmax)

    def forward(self, a, b):
        a, b = _array(a), _array(b)
        try:
            out = self.pick(a, b)
        except ValueError:
            broadcast_shapes(self.name, np.shape(a), np.shape(b))
            raise
        first = self.first(a, b)
        self.save(np.broadcast_to(first, np.shape(out)).astype(out.dtype))  # a mask: constant
        return out

    @staticmethod
    def first(a, b):
        return (a >= b) | np.isnan(b)

    def vjp(self, g):
        (weight,) = self.saved
        return g * weight, g * (1 - weight)


@register("fmin")
class Fmin(Fmax):
    """Elementwise minimum ignoring NaN; a tie sends the gradient to x1 (PyTorch)."""

    pick = staticmethod(np.fmin)

    @staticmethod
    def first(a, b):
        return (a <= b) | np.isnan(b)


def fmax(x1, x2):
    """Elementwise maximum that ignores NaN (the other value wins)."""
    return apply(Fmax, x1, x2)


def fmin(x1, x2):
    """Elementwise minimum that ignores NaN (the other value wins)."""
    return apply(Fmin, x1, x2)


# ------------------------------------------------------------ zero gradient
sign = zero_gradient("sign", np.sign, "-1, 0 or 1 by the sign of a; zero gradient.")
floor = zero_gradient("floor", np.floor, "Largest integer <= a; zero gradient.")
ceil = zero_gradient("ceil", np.ceil, "Smallest integer >= a; zero gradient.")
trunc = zero_gradient("trunc", np.trunc, "a rounded towards 0; zero gradient.")
rint = zero_gradient("rint", np.rint, "a rounded to the nearest integer (ties to even); zero gradient.")


@register("round")
class Round(ZeroGradient):
    """a rounded to `decimals` places (ties to even, as NumPy); zero gradient."""

    def forward(self, a, decimals=0):
        return np.round(_array(a), decimals)


def round(a, decimals=0):  # noqa: A001  (NumPy's name)
    """a rounded to `decimals` decimal places (halves to even); zero gradient."""
    if not isinstance(decimals, (int, np.integer)):
        raise TypeError(f"round: decimals must be an integer, got {type(decimals).__name__}")
    return apply(Round, a, decimals=int(decimals))


def fix(x):
    """Round towards zero (NumPy's `fix`, the same as `trunc`); zero gradient."""
    return trunc(x)


# ------------------------------------------------------------ nan_to_num
@register("nan_to_num")
class NanToNum(Function):
    """NaN and +-inf replaced by finite numbers; the gradient passes where a is finite."""

    def forward(self, a, nan=0.0, posinf=None, neginf=None):
        a = _array(a)
        finite = np.isfinite(a)
        self.save(finite)  # a mask on forward values: a constant for higher order
        return np.nan_to_num(a, copy=True, nan=nan, posinf=posinf, neginf=neginf)

    def vjp(self, g):
        (finite,) = self.saved
        return g * finite


def nan_to_num(x, copy=True, nan=0.0, posinf=None, neginf=None):
    """NaN -> `nan`, +inf -> `posinf`, -inf -> `neginf` (default: the dtype's extremes)."""
    if not copy:
        raise TypeError("nan_to_num: copy=False (in place) is not supported: npgrad ops "
                        "never modify their input; use the returned tensor")
    return apply(NanToNum, x, nan=nan, posinf=posinf, neginf=neginf)


# ------------------------------------------------------------ compositions
def float_power(x1, x2):
    """x1 ** x2 computed in float64 (complex128 for complex input), as NumPy."""
    return elementwise.pow(_float64(x1), _float64(x2))


def _float64(x):
    data = x.data if isinstance(x, Tensor) else np.asarray(x)
    wide = np.complex128 if data.dtype.kind == "c" else np.float64
    if isinstance(x, Tensor):
        return x if x.dtype == wide else x.astype(wide)
    return data.astype(wide)


def select(condlist, choicelist, default=0):
    """The first choice whose condition holds, elementwise; `default` where none does."""
    condlist, choicelist = list(condlist), list(choicelist)
    if len(condlist) != len(choicelist):
        raise ValueError(f"select: {len(condlist)} conditions but {len(choicelist)} choices")
    if not condlist:
        raise ValueError("select: condlist and choicelist must not be empty")
    result = default
    for cond, choice in zip(reversed(condlist), reversed(choicelist)):
        cond = cond.data if isinstance(cond, Tensor) else np.asarray(cond)
        if cond.dtype != np.bool_:
            raise TypeError(f"select: conditions must be boolean, got dtype {cond.dtype}")
        result = elementwise.where(cond, choice, result)
    if not isinstance(result, Tensor):
        result = Tensor(np.asarray(result))
    return result


def gradient(f, *varargs, axis=None, edge_order=1):
    """np.gradient: central differences inside, one-sided (order 1 or 2) at the edges.

    Spacings are scalars (one for all axes or one per axis); coordinate arrays raise
    TypeError. Returns one Tensor per axis (a tuple), or the Tensor for a single axis.
    """
    from ops.shape import concatenate

    f = f if isinstance(f, Tensor) else Tensor(np.asarray(f))
    if f.dtype.kind not in "fc":
        f = f.astype(np.float64)
    axes = tuple(range(f.ndim)) if axis is None else (axis,) if np.ndim(axis) == 0 else tuple(axis)
    axes = tuple(a % f.ndim for a in axes)
    if len(varargs) == 0:
        spacings = (1.0,) * len(axes)
    elif len(varargs) == 1 and np.ndim(varargs[0]) == 0:
        spacings = (varargs[0],) * len(axes)
    elif len(varargs) == len(axes):
        spacings = varargs
    else:
        raise TypeError(f"gradient: {len(varargs)} spacings for {len(axes)} axes")
    if any(np.ndim(h) != 0 for h in spacings):
        raise TypeError("gradient: coordinate arrays as spacings are not supported; give scalar spacings")
    if edge_order not in (1, 2):
        raise ValueError(f"gradient: edge_order must be 1 or 2, got {edge_order}")
    results = []
    for a, h in zip(axes, spacings):
        n = f.shape[a]
        if n < edge_order + 1:
            raise ValueError(f"gradient: axis {a} has {n} points; edge_order={edge_order} needs "
                             f"at least {edge_order + 1}")
        h = float(h)

        def part(start, stop):
            index = [slice(None)] * f.ndim
            index[a] = slice(start, stop)
            return f[tuple(index)]

        if edge_order == 1:
            first = (part(1, 2) - part(0, 1)) / h
            last = (part(n - 1, n) - part(n - 2, n - 1)) / h
        else:
            first = (-1.5 * part(0, 1) + 2 * part(1, 2) - 0.5 * part(2, 3)) / h
            last = (1.5 * part(n - 1, n) - 2 * part(n - 2, n - 1) + 0.5 * part(n - 3, n - 2)) / h
        pieces = [first, (part(2, n) - part(0, n - 2)) / (2 * h), last] if n > 2 else [first, last]
        results.append(concatenate(pieces, axis=a))
    return results[0] if len(results) == 1 else tuple(results)


def append(arr, values, axis=None):
    """np.append: `values` after `arr` along `axis` (both flattened when axis is None)."""
    from ops.shape import concatenate, ravel

    if axis is None:
        return concatenate([ravel(arr), ravel(values)])
    return concatenate([arr, values], axis=axis)


def real_if_close(a, tol=100):
    """The real part when every imaginary part is within `tol` machine epsilons of 0, else a."""
    from ops.complex import real

    data = a.data if isinstance(a, Tensor) else np.asarray(a)
    if data.dtype.kind != "c":
        return a if isinstance(a, Tensor) else Tensor(data)
    if tol > 1:
        tol = tol * np.finfo(data.dtype).eps
    return real(a) if np.all(np.abs(data.imag) < tol) else (a if isinstance(a, Tensor) else Tensor(data))


# NumPy's other names for the same functions
multiply = elementwise.mul
divide = true_divide = elementwise.div
subtract = elementwise.sub
negative = elementwise.neg
power = elementwise.pow
absolute = elementwise.abs
mod = remainder
around = round


def fabs(x):
    """|x| for real x (complex input raises TypeError, as NumPy)."""
    data = x.data if isinstance(x, Tensor) else np.asarray(x)
    if data.dtype.kind == "c":
        raise TypeError("fabs: complex input is not supported (use absolute)")
    return elementwise.abs(x)


__all__ = [
    "exp2", "expm1", "log2", "log10", "log1p", "square", "reciprocal", "cbrt", "positive",
    "logaddexp", "logaddexp2", "fmod", "remainder", "mod", "copysign", "fmax", "fmin",
    "sign", "floor", "ceil", "trunc", "rint", "round", "around", "fix", "nan_to_num",
    "float_power", "select", "multiply", "divide", "true_divide", "subtract", "negative",
    "power", "absolute", "fabs", "gradient", "append", "real_if_close",
]
