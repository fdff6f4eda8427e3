"""Sample inputs for matmul (1-D, 2-D, batched, broadcast batch) and linear."""
import ops
from ops.samples import Case, rng, torch


def _n(*shape, seed=0):
    return rng(seed).standard_normal(shape)


MATMUL_SHAPES = [((3, 4), (4, 5)), ((4,), (4, 5)), ((3, 4), (4,)), ((4,), (4,)),
                 ((2, 3, 4), (4, 5)), ((2, 1, 3, 4), (5, 4, 2)), ((4,), (2, 4, 3))]

CASES = [
    Case("matmul", ops.matmul, [_n(*sa, seed=50 + k), _n(*sb, seed=60 + k)], lambda a, b: a @ b,
         id=f"{sa}@{sb}")
    for k, (sa, sb) in enumerate(MATMUL_SHAPES)
] + [
    Case("linear", ops.linear, [_n(6, 4, seed=70), _n(3, 4, seed=71), _n(3, seed=72)],
         lambda x, w, b: torch().nn.functional.linear(x, w, b)),
    Case("linear", ops.linear, [_n(2, 6, 4, seed=73), _n(3, 4, seed=74)],
         lambda x, w: torch().nn.functional.linear(x, w), id="batched-no-bias"),
]
