"""Sample inputs for the trigonometric family, each inside its function's domain."""
import numpy as np

import ops
from ops.samples import Case, rng, torch
from ops.samples.elementwise import BROADCAST_PAIRS


def _uniform(low, high, seed, shape=(3, 4)):
    return rng(seed).uniform(low, high, shape)


def _normal(shape, seed):
    return rng(seed).standard_normal(shape)


def _torch(name):
    def fn(*args):
        return getattr(torch(), name)(*args)

    fn.__name__ = f"torch_{name}"
    return fn


UNARY = [  # (op, input, torch function name)
    ("sin", _uniform(-3, 3, 40), "sin"),
    ("cos", _uniform(-3, 3, 41), "cos"),
    ("tan", _uniform(-1.2, 1.2, 42), "tan"),
    ("arcsin", _uniform(-0.9, 0.9, 43), "asin"),
    ("arccos", _uniform(-0.9, 0.9, 44), "acos"),
    ("arctan", _uniform(-3, 3, 45), "atan"),
    ("sinh", _uniform(-2, 2, 46), "sinh"),
    ("cosh", _uniform(-2, 2, 47), "cosh"),
    ("arcsinh", _uniform(-3, 3, 48), "asinh"),
    ("arccosh", _uniform(1.2, 3, 49), "acosh"),
    ("arctanh", _uniform(-0.8, 0.8, 50), "atanh"),
    ("deg2rad", _uniform(-200, 200, 51), "deg2rad"),
    ("rad2deg", _uniform(-3, 3, 52), "rad2deg"),
    ("sinc", _uniform(-2.5, 2.5, 53), "sinc"),
]

CASES = [Case(op, getattr(ops, op), [x], _torch(name)) for op, x, name in UNARY]
CASES += [
    # sinc's gradient at exactly 0 is 0 (PyTorch); compared with torch only (a kink-free
    # point, but the second derivative there is not computed)
    Case("sinc", ops.sinc, [np.array([0.0, 0.5, -1.5])], _torch("sinc"), id="at-zero",
         gradcheck=False),
]
for k, (sa, sb) in enumerate(BROADCAST_PAIRS):
    CASES.append(Case("arctan2", ops.arctan2, [_normal(sa, 60 + k), _normal(sb, 70 + k)],
                      _torch("atan2"), id=f"{sa}x{sb}"))
    CASES.append(Case("hypot", ops.hypot, [_normal(sa, 80 + k), _normal(sb, 90 + k)],
                      _torch("hypot"), id=f"{sa}x{sb}"))
