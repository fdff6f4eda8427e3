"""The error function and its complement, vectorised to full float64 accuracy.

`erf_array` / `erfc_array` work on NumPy arrays (any shape, 0-d included) in a few dozen
vector passes, without SciPy: for |x| < 0.5 the Taylor series of erf (16 terms, below
1e-19); elsewhere erfc(z) = t exp(-z^2 + c(2t - 1)) with t = 2 / (2 + z) and `c` a
Chebyshev series on each side of z = 2.5 (the construction of Numerical Recipes'
`erfccheb`, split in two; our coefficients were computed with mpmath at 40 digits and
truncated below 1e-18). The error is a few units in the last place across the real line
(checked against mpmath in tests/ops/test_activation.py). float32 input is computed in
float32 with a shorter series (Numerical Recipes' 10-term `erfcc`), also within a few
float32 ulp.
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
# float32: Numerical Recipes' `erfcc` (2nd ed., section 6.2), erfc(z) = t exp(-z^2 + P(t)),
# t = 1 / (1 + z/2), fractional error < 1.2e-7 (a few float32 ulp), in a third of the passes
_FLOAT32_SERIES = [
    -1.26551223, 1.00002368, 0.37409196, 0.09678418, -0.18628806, 0.27886807, -1.13520398,
    1.48851587, -0.82215223, 0.17087277,
]
# Chebyshev coefficients of log(erfc(z) / t) + z^2 in s = 2t - 1, t = 2 / (2 + z), on two
# halves of the s range (z < 2.5 and z >= 2.5): 21-22 terms each instead of 31 over the
# whole range (a quarter fewer passes)
_SPLIT = 2.5
_CHEBYSHEV_NEAR = [  # s in [-1/9, 1], u = 1.8 s - 0.8
    -0.37047442288799487, 0.3748448274354514, -0.0025522653337671196, -0.001920118225929603,
    8.647267287899236e-05, 1.7905821567141316e-05, -2.356853498031458e-06,
    -8.408671225056328e-08, 4.46320967326449e-08, -2.7862406073783616e-09,
    -4.831744805265958e-10, 9.883012434009522e-11, -2.2157873182404536e-12,
    -1.5008356276743918e-12, 2.107000639574731e-13, 2.0232304054679912e-15,
    -3.939494502994108e-15, 4.326056294434566e-16, 1.6174068121906485e-17,
    -9.255067644998008e-18, 8.2714154749522e-19,
]
_CHEBYSHEV_FAR = [  # s in [-1, -1/9], u = 2.25 s + 1.25
    -1.0148464245590796, 0.2600483576429185, 0.009226922307955365, -0.00023106831346833532,
    -7.971528522541842e-05, -3.845802929337809e-06, 6.311756494179424e-07,
    9.155067408984139e-08, -3.6227029634242435e-09, -1.617318822796252e-09,
    -1.552950829583321e-11, 2.7453907220725275e-11, 1.1726105768630615e-12,
    -4.842257217154386e-13, -3.108503166224185e-14, 9.29936726315122e-15,
    6.472768019966994e-16, -1.9864068567200135e-16, -1.0865195080545947e-17,
    4.65363950423336e-18, 9.648640742755621e-20, -1.1424341130782484e-19,
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
        s = 2 * t - 1
        far = z >= _SPLIT
        if far.all():
            b1 = _clenshaw(2.25 * s + 1.25, _CHEBYSHEV_FAR)
        else:  # the near series everywhere (no gather), then the few far values replaced
            b1 = _clenshaw(1.8 * s - 0.8, _CHEBYSHEV_NEAR)
            if far.any():
                b1[far] = _clenshaw(2.25 * s[far] + 1.25, _CHEBYSHEV_FAR)
    # exp(-z^2) as exp(-zh^2) exp(-(z - zh)(z + zh)): zh^2 is exact, so the error does not
    # grow with z^2 (one exp of a large exact argument, one of a small one)
    zh = np.round(z * 16)
    zh /= 16
    b1 -= (z - zh) * (z + zh)
    out = np.exp(b1)
    out *= np.exp(-(zh * zh))
    out *= t
    return out


def _clenshaw(u, coefficients):
    """The Chebyshev series sum c_k T_k(u) (u in [-1, 1]), in place on three buffers."""
    u2 = u + u
    b1 = np.zeros_like(u)
    b2 = np.zeros_like(u)
    spare = np.empty_like(u)
    for c in coefficients[:0:-1]:  # b1, b2 = u2 b1 - b2 + c, b1
        np.multiply(u2, b1, out=spare)
        spare -= b2
        spare += c
        b1, b2, spare = spare, b1, b2
    b1 *= u
    b1 -= b2
    b1 += coefficients[0]
    return b1


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
