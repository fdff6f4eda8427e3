"""Argument rules, one per kind of argument, shared by ops and layers.

Each rule returns the normalised value or raises at the call with a message naming the
op, the argument, and what it got (a TypeError for the wrong kind of value, a ValueError
for a value out of range or an array of the wrong rank), never an error from deep inside
NumPy. Example::

    max_shift = integer("random_shift", "max_shift", max_shift, minimum=0)
"""
import math
import numbers

import numpy as np


def integer(op, name, value, minimum=None):
    """An int (Python or NumPy, not bool) >= minimum, returned as a Python int."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{op}: {name} must be an integer, got {type(value).__name__} {value!r}")
    if minimum is not None and value < minimum:
        raise ValueError(f"{op}: {name} must be >= {minimum}, got {value}")
    return int(value)


def number(op, name, value, low=None, high=None, finite=True):
    """A real number (not bool) in [low, high], returned as a Python float."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{op}: {name} must be a real number, got {type(value).__name__} {value!r}")
    value = float(value)
    if finite and not math.isfinite(value):
        raise ValueError(f"{op}: {name} must be finite, got {value}")
    if (low is not None and value < low) or (high is not None and value > high):
        bounds = f"in [{low}, {high}]" if low is not None and high is not None else (
            f">= {low}" if low is not None else f"<= {high}")
        raise ValueError(f"{op}: {name} must be {bounds}, got {value}")
    return value


def choice(op, name, value, options):
    """One of `options`."""
    if value not in options:
        raise ValueError(f"{op}: {name} must be one of {', '.join(map(repr, options))}, got {value!r}")
    return value


def rank(op, name, shape, minimum=None, exact=None):
    """An array shape with `exact` or at least `minimum` dimensions; returns the shape."""
    shape = tuple(shape)
    if exact is not None and len(shape) not in ((exact,) if isinstance(exact, int) else tuple(exact)):
        raise ValueError(f"{op}: {name} must have {exact} dimensions, got shape {shape}")
    if minimum is not None and len(shape) < minimum:
        raise ValueError(f"{op}: {name} must have at least {minimum} dimension{'s' if minimum > 1 else ''}, "
                         f"got shape {shape}")
    return shape
