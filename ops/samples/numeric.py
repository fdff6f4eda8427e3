"""Sample inputs for exp/log, powers, rounding, remainders, fmax/fmin and nan_to_num.

Piecewise functions are sampled away from their jumps: rounding inputs sit at least 0.03
from the next rounding boundary, fmod/remainder quotients near k + 1/2, fmax/fmin
operands never within 1/2 of each other (ties have their own torch-only case).
"""
import numpy as np

import ops
from ops.samples import Case, away_from_zero, rng, torch
from ops.samples.elementwise import BROADCAST_PAIRS


def _uniform(low, high, seed, shape=(3, 4)):
    return rng(seed).uniform(low, high, shape)


def _normal(shape, seed):
    return rng(seed).standard_normal(shape)


def _torch(name, **kwargs):
    def fn(*args):
        return getattr(torch(), name)(*args, **kwargs)

    fn.__name__ = f"torch_{name}"
    return fn


def _quotient_away_from_integers(shape_a, shape_b, seed):
    """(a, b) with b in +-[1, 1.1] and a / b at least 0.15 away from every integer."""
    r = rng(seed)
    b = r.uniform(1.0, 1.1, shape_b) * r.choice([-1.0, 1.0], shape_b)
    a = (r.integers(-3, 3, shape_a) + 0.5) * 1.05 + r.uniform(-0.2, 0.2, shape_a)
    return np.asarray(a, dtype=float), np.asarray(b, dtype=float)


def _apart(shape_a, shape_b, seed):
    """Operands on k + 1/4 and k + 3/4: never within 1/2 of each other."""
    r = rng(seed)
    a, b = r.integers(-3, 3, shape_a) + 0.25, r.integers(-3, 3, shape_b) + 0.75
    return np.asarray(a, dtype=float), np.asarray(b, dtype=float)


def _off_grid(shape, seed, step=1.0):
    """Values at least 0.03 * step from every multiple of step / 2 (rounding boundaries)."""
    r = rng(seed)
    return (r.integers(-8, 8, shape) + r.choice([0.2, 0.35, 0.65, 0.8], shape)) * step


def _torch_cbrt(a):
    return a.sign() * a.abs() ** (1 / 3)


UNARY = [  # (op, input, torch function)
    ("exp2", _uniform(-2, 2, 100), _torch("exp2")),
    ("expm1", _uniform(-2, 2, 101), _torch("expm1")),
    ("log2", _uniform(0.3, 3, 102), _torch("log2")),
    ("log10", _uniform(0.3, 3, 103), _torch("log10")),
    ("log1p", _uniform(-0.6, 3, 104), _torch("log1p")),
    ("square", _normal((3, 4), 105), _torch("square")),
    ("reciprocal", away_from_zero((3, 4), 106, 0.4), _torch("reciprocal")),
    ("cbrt", away_from_zero((3, 4), 107, 0.3), _torch_cbrt),
    ("positive", _normal((3, 4), 108), _torch("positive")),
    ("sign", _off_grid((3, 4), 109), _torch("sign")),
    ("floor", _off_grid((3, 4), 110), _torch("floor")),
    ("ceil", _off_grid((3, 4), 111), _torch("ceil")),
    ("trunc", _off_grid((3, 4), 112), _torch("trunc")),
    ("rint", _off_grid((3, 4), 113), _torch("round")),
    ("round", _off_grid((3, 4), 114), _torch("round")),
]

CASES = [Case(op, getattr(ops, op), [x], fn) for op, x, fn in UNARY]
CASES += [
    Case("round", lambda a: ops.round(a, 1), [_off_grid((3, 4), 115, 0.1)],
         _torch("round", decimals=1), id="decimals1"),
    # zero gradients at the non-smooth points, as PyTorch (compared, not gradchecked)
    Case("sign", ops.sign, [np.array([0.0, -0.0, 2.0, -1.5])], _torch("sign"), id="at-zero",
         gradcheck=False),
    Case("abs", ops.absolute, [np.array([0.0, -0.0, 2.0, -1.5])], _torch("abs"), id="at-zero",
         gradcheck=False),
    Case("fmax", ops.fmax, [np.array([1.0, np.nan, 2.0, np.nan]), np.array([1.0, 3.0, np.nan, np.nan])],
         _torch("fmax"), id="ties-and-nan", gradcheck=False),
    Case("fmin", ops.fmin, [np.array([1.0, np.nan, 2.0, np.nan]), np.array([1.0, 3.0, np.nan, np.nan])],
         _torch("fmin"), id="ties-and-nan", gradcheck=False),
    Case("copysign", ops.copysign, [np.array([0.0, 1.5, -2.0]), np.array([-1.0, -1.0, 3.0])],
         _torch("copysign"), id="at-zero", gradcheck=False),
    # the default replacements (+-1.8e308) swamp finite differences: compared with torch only
    Case("nan_to_num", ops.nan_to_num, [np.array([[np.nan, 1.5, -np.inf], [np.inf, -0.5, 2.0]])],
         _torch("nan_to_num"), id="defaults", gradcheck=False),
    Case("nan_to_num", lambda a: ops.nan_to_num(a, nan=1.0, posinf=5.0, neginf=-5.0),
         [np.array([np.nan, 1.5, -np.inf, np.inf])],
         _torch("nan_to_num", nan=1.0, posinf=5.0, neginf=-5.0), id="values"),
]
for k, (sa, sb) in enumerate(BROADCAST_PAIRS):
    pair = f"{sa}x{sb}"
    CASES += [
        Case("logaddexp", ops.logaddexp, [_normal(sa, 120 + k), _normal(sb, 130 + k)],
             _torch("logaddexp"), id=pair),
        Case("logaddexp2", ops.logaddexp2, [_normal(sa, 140 + k), _normal(sb, 150 + k)],
             _torch("logaddexp2"), id=pair),
        Case("fmod", ops.fmod, list(_quotient_away_from_integers(sa, sb, 160 + k)),
             _torch("fmod"), id=pair),
        Case("remainder", ops.remainder, list(_quotient_away_from_integers(sa, sb, 170 + k)),
             _torch("remainder"), id=pair),
        Case("copysign", ops.copysign, [away_from_zero(sa, 180 + k), away_from_zero(sb, 190 + k)],
             _torch("copysign"), id=pair),
        Case("fmax", ops.fmax, list(_apart(sa, sb, 200 + k)), _torch("fmax"), id=pair),
        Case("fmin", ops.fmin, list(_apart(sa, sb, 210 + k)), _torch("fmin"), id=pair),
    ]
