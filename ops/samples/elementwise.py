"""Sample inputs for the elementwise rules, including every broadcasting pair of issue 2."""
import numpy as np

import ops
from ops.samples import Case, away_from_zero, rng, tie_free, torch

# (shape of a, shape of b) pairs that every binary op must handle.
BROADCAST_PAIRS = [((1,), (5, 4)), ((4, 1), (1, 4)), ((3, 1, 5), (4, 5)), ((), (3, 2)), ((3, 2), ())]


def _positive(shape, seed):
    return rng(seed).uniform(0.5, 2.0, shape)


def _binary_cases(op, fn, torch_fn, make_a, make_b):
    cases = []
    for k, (sa, sb) in enumerate(BROADCAST_PAIRS):
        cases.append(Case(op, fn, [make_a(sa, k), make_b(sb, k + 10)], torch_fn, id=f"{sa}x{sb}"))
    return cases


def _normal(shape, seed):
    return rng(seed).standard_normal(shape)


CASES = [
    *_binary_cases("add", ops.add, lambda a, b: a + b, _normal, _normal),
    *_binary_cases("sub", ops.sub, lambda a, b: a - b, _normal, _normal),
    *_binary_cases("mul", ops.mul, lambda a, b: a * b, _normal, _normal),
    *_binary_cases("div", ops.div, lambda a, b: a / b, _normal, lambda s, k: away_from_zero(s, k, 0.5)),
    *_binary_cases("pow", ops.pow, lambda a, b: a ** b, _positive, _normal),
    *_binary_cases("maximum", ops.maximum, lambda a, b: torch().maximum(a, b),
                   lambda s, k: tie_free(s, k), lambda s, k: tie_free(s, k + 3, -1.9, 2.1)),
    *_binary_cases("minimum", ops.minimum, lambda a, b: torch().minimum(a, b),
                   lambda s, k: tie_free(s, k), lambda s, k: tie_free(s, k + 3, -1.9, 2.1)),
    Case("pow", lambda a: ops.pow(a, 3), [_normal((3, 4), 1)], lambda a: a ** 3, id="int-exponent"),
    Case("pow", lambda a: ops.pow(a, 0.5), [_positive((3, 4), 1)], lambda a: a ** 0.5, id="sqrt-exponent"),
    Case("pow", lambda b: ops.pow(2.0, b), [_normal((3, 4), 1)], lambda b: 2.0 ** b, id="scalar-base"),
    Case("neg", ops.neg, [_normal((3, 4), 2)], lambda a: -a),
    Case("exp", ops.exp, [_normal((3, 4), 3)], lambda a: a.exp()),
    Case("log", ops.log, [_positive((3, 4), 4)], lambda a: a.log()),
    Case("sqrt", ops.sqrt, [_positive((3, 4), 5)], lambda a: a.sqrt()),
    Case("abs", ops.abs, [away_from_zero((3, 4), 6)], lambda a: a.abs()),
    Case("where", lambda a, b: ops.where(a.data > 0, a, b), [_normal((3, 4), 7), _normal((1, 4), 8)],
         lambda a, b: a.where(a > 0, b)),
    Case("clip", lambda a: ops.clip(a, -0.5, 0.7), [tie_free((3, 4), 9, -1.5, 1.5)],
         lambda a: a.clamp(-0.5, 0.7)),
    Case("clip", lambda a: ops.clip(a, None, 0.3), [tie_free((5,), 10, -1.5, 1.5)],
         lambda a: a.clamp(max=0.3), id="hi-only"),
    Case("astype", lambda a: a.astype(np.float64) * 2, [_normal((3,), 11)], lambda a: a.double() * 2),
    # a float32 round trip: compared with torch only (finite differences need float64)
    Case("astype", lambda a: (a.astype(np.float32) * 2).astype(np.float64), [_normal((3,), 11)],
         lambda a: (a.float() * 2).double(), id="float32-round-trip", gradcheck=False),
]
