"""Trigonometric and hyperbolic functions, their inverses, angle units, hypot and sinc.

One table row per NumPy function: name, forward, derivative (in terms of the input `a`
and the output `out`, written with NumPy functions so that it differentiates again).
"""
import math

import numpy as np

from ops._ufunc import binary, unary

PI = math.pi

sin = unary("sin", np.sin, lambda a, out: np.cos(a), "Sine, elementwise.")
cos = unary("cos", np.cos, lambda a, out: -np.sin(a), "Cosine, elementwise.")
tan = unary("tan", np.tan, lambda a, out: 1 + out * out, "Tangent, elementwise.")
arcsin = unary("arcsin", np.arcsin, lambda a, out: 1 / np.sqrt(1 - a * a),
               "Inverse sine; the gradient is inf at +-1 and NaN outside [-1, 1].")
arccos = unary("arccos", np.arccos, lambda a, out: -1 / np.sqrt(1 - a * a),
               "Inverse cosine; the gradient is -inf at +-1 and NaN outside [-1, 1].")
arctan = unary("arctan", np.arctan, lambda a, out: 1 / (1 + a * a), "Inverse tangent.")
sinh = unary("sinh", np.sinh, lambda a, out: np.cosh(a), "Hyperbolic sine.")
cosh = unary("cosh", np.cosh, lambda a, out: np.sinh(a), "Hyperbolic cosine.")
arcsinh = unary("arcsinh", np.arcsinh, lambda a, out: 1 / np.sqrt(a * a + 1),
                "Inverse hyperbolic sine.")
arccosh = unary("arccosh", np.arccosh, lambda a, out: 1 / np.sqrt(a * a - 1),
                "Inverse hyperbolic cosine (a >= 1; the gradient at 1 is inf).")
arctanh = unary("arctanh", np.arctanh, lambda a, out: 1 / (1 - a * a),
                "Inverse hyperbolic tangent (|a| < 1).")
deg2rad = unary("deg2rad", np.deg2rad, lambda a, out: PI / 180, "Degrees to radians.")
rad2deg = unary("rad2deg", np.rad2deg, lambda a, out: 180 / PI, "Radians to degrees.")


def _sinc_derivative(a, out):
    # (cos(pi a) - sinc(a)) / a, and 0 at a == 0 (PyTorch); the inner `where` keeps the
    # unused branch finite, so the second derivative has no NaN either
    at_zero = a == 0
    return np.where(at_zero, 0.0, (np.cos(PI * a) - out) / np.where(at_zero, 1.0, a))


sinc = unary("sinc", np.sinc, _sinc_derivative,
             "Normalised sinc, sin(pi a) / (pi a) and 1 at 0; the gradient at 0 is 0.")


def _arctan2_d_y(y, x, out):
    return x / (x * x + y * y)


def _arctan2_d_x(y, x, out):
    return -y / (x * x + y * y)


arctan2 = binary("arctan2", np.arctan2, _arctan2_d_y, _arctan2_d_x,
                 "Angle of the point (x2, x1): arctan(x1 / x2) in the right quadrant.")
hypot = binary("hypot", np.hypot, lambda a, b, out: a / out, lambda a, b, out: b / out,
               "sqrt(x1**2 + x2**2) without overflow; the gradient at (0, 0) is NaN (PyTorch).")

# NumPy's other names for the same functions
degrees = rad2deg
radians = deg2rad

__all__ = [
    "sin", "cos", "tan", "arcsin", "arccos", "arctan", "arctan2", "sinh", "cosh",
    "arcsinh", "arccosh", "arctanh", "deg2rad", "rad2deg", "degrees", "radians", "sinc",
    "hypot",
]
