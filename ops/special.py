"""The error function and its complement, vectorised to full float64 accuracy.

`erf_array` / `erfc_array` work on NumPy arrays (any shape, 0-d included) in a few dozen
vector passes, without SciPy: for |x| < 0.5 the Taylor series of erf (16 terms, below
1e-19); elsewhere erfc(z) = t exp(-z^2 + c(2t - 1)) with t = 2 / (2 + z) and `c` a
31-term Chebyshev series (the construction of Numerical Recipes' `erfccheb`; our
coefficients were computed with mpmath at 40 digits and truncated below 1e-18). The
error is a few units in the last place across the real line (checked against mpmath in
tests/ops/test_activation.py). float32 input is computed in float32 with shorter series
(Numerical Recipes' 10-term `erfcc`), also within a few float32 ulp.
"""
import math

import numpy as np

from autograd.function import Function, register
from autograd.tensor import apply

TWO_OVER_SQRT_PI = 2 / math.sqrt(math.pi)

# Taylor coefficients of erf(x) * sqrt(pi) / (2 x) in x^2: (-1)^n / (n! (2n + 1))
_TAYLOR = [
    1.0, -0.3333333333333333, 0.1, -0.023809523809523808, 0.004629629629629629,
    -0.0007575757575757576, 0.00010683760683760684, -1.3227513227513228e-05,
    1.4589169000933706e-06, -1.4503852223150468e-07, 1.3122532963802806e-08,
    -1.0892221037148573e-09, 8.35070279514724e-11, -5.9477940136376354e-12,
    3.9554295164585257e-13, -2.466827010264457e-14,
]
# Chebyshev coefficients of log(erfc(z) / t) + z^2 in s = 2t - 1, t = 2 / (2 + z)
_CHEBYSHEV = [
    -0.6513268598908547, 0.6419697923564902, 0.019476473204185836, -0.009561514786808632,
    -0.0009465953444820369, 0.00036683949785276145, 4.252332480690777e-05,
    -2.0278578112534242e-05, -1.6242900046470256e-06, 1.3036558355805232e-06,
    1.5626441722066142e-08, -8.523809591492654e-08, 6.5290544390988515e-09,
    5.059343495551469e-09, -9.91364156493033e-10, -2.273651222931836e-10,
    9.646791102015527e-11, 2.3940380830391146e-12, -6.886027526497553e-12,
    8.944879273090725e-13, 3.130921399342958e-13, -1.1270822361367252e-13,
    3.810905255189232e-16, 7.106097613609237e-15, -1.5230282014571043e-15,
    -9.457494571291233e-17, 1.210237189224279e-16, -2.816663087747177e-17,
    5.003005559445902e-20, 2.3281042579529253e-18, -8.446077682509006e-19,
]
# float32: Numerical Recipes' `erfcc` (2nd ed., section 6.2), erfc(z) = t exp(-z^2 + P(t)),
# t = 1 / (1 + z/2), fractional error < 1.2e-7 (a few float32 ulp), in a third of the passes
_FLOAT32_SERIES = [
    -1.26551223, 1.00002368, 0.37409196, 0.09678418, -0.18628806, 0.27886807, -1.13520398,
    1.48851587, -0.82215223, 0.17087277,
]
_SMALL = 0.5  # below: Taylor series of erf; above: the erfc expansion


def _as_float(x):
    """x as a float array (ints and bools become float64, as NumPy's ufuncs do)."""
    x = np.asarray(x)
    return x if x.dtype.kind in "fc" else x.astype(np.float64)


def _terms(coefficients, dtype, tolerance):
    """The leading coefficients that matter in `dtype` (float32 needs about half)."""
    if dtype == np.float64:
        return coefficients
    return [c for i, c in enumerate(coefficients) if i < 2 or abs(c) > tolerance]


def _erf_small(x):
    """erf(x) for |x| < 0.5 (a float array)."""
    x2 = x * x
    terms = _terms(_TAYLOR, x.dtype, 1e-10)
    acc = np.full_like(x2, terms[-1])
    for c in terms[-2::-1]:
        acc *= x2
        acc += c
    acc *= x
    acc *= TWO_OVER_SQRT_PI
    return acc


def _erfc_positive(z):
    """erfc(z) for z >= 0 (a float array; NaN passes through)."""
    z = np.minimum(z, 40.0)  # erfc(40) underflows to 0 anyway; keeps z - zh finite at inf
    if z.dtype == np.float32:
        t = 1 / (1 + 0.5 * z)
        b1 = np.full_like(z, _FLOAT32_SERIES[-1])
        for c in _FLOAT32_SERIES[-2::-1]:
            b1 *= t
            b1 += c
    else:
        t = 2 / (2 + z)
        s2 = 4 * t - 2  # 2 s, for Clenshaw's recurrence
        b1 = np.zeros_like(z)
        b2 = np.zeros_like(z)
        spare = np.empty_like(z)
        for c in _CHEBYSHEV[:0:-1]:  # b1, b2 = s2 b1 - b2 + c, b1 (in place, three buffers)
            np.multiply(s2, b1, out=spare)
            spare -= b2
            spare += c
            b1, b2, spare = spare, b1, b2
        b1 *= 0.5
        b1 *= s2
        b1 -= b2
        b1 += _CHEBYSHEV[0]  # the series c(s)
    # exp(-z^2) as exp(-zh^2) exp(-(z - zh)(z + zh)): zh^2 is exact, so the error does not
    # grow with z^2 (one exp of a large exact argument, one of a small one)
    zh = np.round(z * 16)
    zh /= 16
    b1 -= (z - zh) * (z + zh)
    out = np.exp(b1)
    out *= np.exp(-(zh * zh))
    out *= t
    return out


def _split(x, small, far):
    """Evaluate `small` where |x| < 0.5 and `far` (on |x|) elsewhere, each on its subset only."""
    x = _as_float(x)
    if x.dtype.kind == "c":
        raise TypeError("erf: complex input is not supported")
    wide = x if x.dtype in (np.float32, np.float64) else x.astype(np.float64)
    magnitude = np.abs(wide)
    near = magnitude < _SMALL
    out = np.empty_like(wide)
    with np.errstate(invalid="ignore", over="ignore", under="ignore"):
        if near.all():
            out[...] = small(wide)
        elif not near.any():
            out[...] = far(wide, magnitude)
        else:
            out[near] = small(wide[near])
            rest = ~near
            out[rest] = far(wide[rest], magnitude[rest])
    return out.astype(x.dtype, copy=False)


def erf_array(x):
    """erf of a NumPy array, elementwise (float64 accuracy; float32 stays float32)."""
    return _split(x, _erf_small, lambda x, z: np.copysign(1 - _erfc_positive(z), x))


def erfc_array(x):
    """erfc = 1 - erf of a NumPy array, accurate in the far tail (a few ulp)."""

    def far(x, z):
        positive = _erfc_positive(z)
        return np.where(x < 0, 2 - positive, positive)

    return _split(x, lambda x: 1 - _erf_small(x), far)


def normal_cdf_array(x):
    """Phi(x) = erfc(-x / sqrt(2)) / 2 of a float array, in one erfc pass (no Taylor branch).

    About 1e-16 absolute everywhere, which is what x * Phi(x) (gelu) needs; in the far
    left tail the relative error grows like x^2 ulp from rounding x / sqrt(2), as in
    PyTorch's gelu. One erfc pass over x instead of erf's two branches.
    """
    x = _as_float(x)
    wide = x if x.dtype in (np.float32, np.float64) else x.astype(np.float64)
    with np.errstate(invalid="ignore", over="ignore", under="ignore"):
        tail = _erfc_positive(np.abs(wide) * (1 / math.sqrt(2)))
        tail *= 0.5
        out = np.where(wide < 0, tail, 1 - tail)
    return out.astype(x.dtype, copy=False)


@register("erf")
class Erf(Function):
    """The error function, 2/sqrt(pi) * integral of exp(-t^2) from 0 to a."""

    def forward(self, a):
        a = _as_float(a)
        self.save(a)
        return erf_array(a)

    def vjp(self, g):
        (a,) = self.saved
        return g * (TWO_OVER_SQRT_PI * np.exp(-(a * a)))


@register("erfc")
class Erfc(Function):
    """The complementary error function 1 - erf(a), accurate where erf(a) is near 1."""

    def forward(self, a):
        a = _as_float(a)
        self.save(a)
        return erfc_array(a)

    def vjp(self, g):
        (a,) = self.saved
        return g * (-TWO_OVER_SQRT_PI * np.exp(-(a * a)))


def erf(x):
    """Error function, elementwise (as torch.erf and scipy.special.erf)."""
    return apply(Erf, x)


def erfc(x):
    """Complementary error function 1 - erf(x), elementwise (as torch.erfc)."""
    return apply(Erfc, x)
