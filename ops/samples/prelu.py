"""Sample inputs for prelu: one slope, one per channel (2-D and 4-D input); 1-D input has one channel (torch),
inputs kept away from the kink at 0."""
import numpy as np

import ops
from ops.samples import Case, rng, torch


def _away(shape, seed):
    x = rng(seed).standard_normal(shape)
    return np.where(np.abs(x) < 0.05, x + 0.1, x)


def _torch(x, w):
    return torch().nn.functional.prelu(x, w)


CASES = [
    Case("prelu", ops.prelu, [_away((3, 4), 900), np.array([0.25])], _torch, id="one-slope"),
    Case("prelu", ops.prelu, [_away((3, 4), 901), rng(902).uniform(0, 0.5, 4)], _torch, id="per-channel-2d"),
    Case("prelu", ops.prelu, [_away((2, 3, 2, 2), 903), rng(904).uniform(0, 0.5, 3)], _torch,
         id="per-channel-4d"),
    Case("prelu", ops.prelu, [_away((5,), 905), rng(906).uniform(0, 0.5, 1)], _torch, id="unbatched"),
]
