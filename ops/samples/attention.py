"""Sample inputs for scaled_dot_product_attention: plain, batched heads, boolean and
(differentiable) float masks, causal, a custom scale, broadcast batch dimensions, and
dropout with a fixed generator (torch's oracle applies the same mask by hand)."""
import numpy as np

import ops
from ops.samples import Case, rng, torch


def _n(*shape, seed=0):
    return rng(seed).standard_normal(shape)


def _sdpa(**kwargs):
    def fn(q, k, v, *mask):
        return ops.scaled_dot_product_attention(q, k, v, *mask, **kwargs)

    def torch_fn(q, k, v, *mask):
        mask = [torch().as_tensor(m) if isinstance(m, np.ndarray) else m for m in mask]
        return torch().nn.functional.scaled_dot_product_attention(q, k, v, *mask, **kwargs)

    return {"fn": fn, "torch_fn": torch_fn}


def _dropout(p, seed):
    def fn(q, k, v):
        return ops.scaled_dot_product_attention(q, k, v, dropout_p=p, rng=np.random.default_rng(seed))

    def torch_fn(q, k, v):
        t = torch()
        weights = t.softmax(q @ k.transpose(-1, -2) / np.sqrt(q.shape[-1]), dim=-1)
        keep = np.random.default_rng(seed).random(tuple(weights.shape), dtype=np.float32) >= p
        return (weights * t.tensor(keep / (1 - p))) @ v

    return {"fn": fn, "torch_fn": torch_fn}


BOOL_MASK = np.array([[True, True, False, True, False],
                      [False, True, True, True, True],
                      [True, False, False, False, True],
                      [True, True, True, True, True]])

CASES = [
    Case("scaled_dot_product_attention", **_sdpa(), inputs=[_n(4, 3, seed=1100), _n(5, 3, seed=1101),
                                                            _n(5, 2, seed=1102)], id="2d"),
    Case("scaled_dot_product_attention", **_sdpa(),
         inputs=[_n(2, 3, 4, 3, seed=1103), _n(2, 3, 5, 3, seed=1104), _n(2, 3, 5, 2, seed=1105)], id="heads"),
    Case("scaled_dot_product_attention", **_sdpa(),
         inputs=[_n(2, 3, 4, 3, seed=1106), _n(2, 3, 5, 3, seed=1107), _n(2, 3, 5, 2, seed=1108), BOOL_MASK],
         id="bool-mask"),
    Case("scaled_dot_product_attention", **_sdpa(),
         inputs=[_n(2, 4, 3, seed=1109), _n(2, 5, 3, seed=1110), _n(2, 5, 2, seed=1111), _n(4, 5, seed=1112)],
         id="float-mask"),
    Case("scaled_dot_product_attention", **_sdpa(is_causal=True),
         inputs=[_n(2, 2, 4, 3, seed=1113), _n(2, 2, 4, 3, seed=1114), _n(2, 2, 4, 3, seed=1115)], id="causal"),
    Case("scaled_dot_product_attention", **_sdpa(scale=0.3),
         inputs=[_n(2, 4, 3, seed=1116), _n(1, 5, 3, seed=1117), _n(1, 5, 2, seed=1118)], id="scale-broadcast"),
    Case("scaled_dot_product_attention", **_dropout(0.3, 1119),
         inputs=[_n(2, 4, 3, seed=1120), _n(2, 5, 3, seed=1121), _n(2, 5, 2, seed=1122)], id="dropout"),
]
