"""Sample inputs for dropout: a fixed generator per call gives the same mask on every
call (finite differences need that); torch's oracle applies that mask explicitly."""
import numpy as np

import ops
from ops.samples import Case, rng, torch


def _dropout(p, seed):
    def fn(x):
        return ops.dropout(x, p, rng=np.random.default_rng(seed))

    def torch_fn(x):
        keep = np.random.default_rng(seed).random(tuple(x.shape), dtype=np.float32) >= p
        scale = 1 / (1 - p) if p < 1 else 0.0
        return x * torch().tensor(keep * scale)

    return {"fn": fn, "torch_fn": torch_fn}


CASES = [
    Case("dropout", **_dropout(p, 700 + k), inputs=[rng(710 + k).standard_normal((4, 6))], id=f"p{p}")
    for k, p in enumerate((0.5, 0.2, 1.0))
]
