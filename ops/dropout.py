"""Inverted dropout: p is the probability to DROP an element (PyTorch's meaning)."""
import numpy as np

from autograd.function import Function, register
from autograd.mode import default_rng
from autograd.tensor import apply
from ops._util import check_float


@register("dropout")
class Dropout(Function):
    """x * mask / (1 - p), mask ~ Bernoulli(1 - p); backward reuses the same mask."""

    def forward(self, x, p=0.5, rng=None):
        check_float("dropout", x)
        if p == 0:
            return x  # identity; the VJP passes g through
        if p >= 1:
            scaled_mask = np.zeros(x.shape, x.dtype)
            self.save(scaled_mask)
            return scaled_mask.copy()  # zeros, even where x is inf or NaN
        keep = default_rng(rng).random(x.shape, dtype=np.float32) >= p
        scaled_mask = keep.astype(x.dtype)
        scaled_mask *= 1 / (1 - p)
        self.save(scaled_mask)  # a constant: also right for higher order
        return x * scaled_mask

    def vjp(self, g):
        if not self.saved:
            return g
        (scaled_mask,) = self.saved
        return g * scaled_mask


def dropout(x, p=0.5, training=True, rng=None):
    """Zero each element with probability p and scale the survivors by 1 / (1 - p).

    Identity (the input itself) when not training or p == 0; zeros when p == 1. `rng` is
    a `np.random.Generator` (default: the generator `autograd.manual_seed` sets).
    """
    if isinstance(p, bool) or not isinstance(p, (int, float, np.floating)) or not 0 <= p <= 1:
        raise ValueError(f"dropout: p must be a probability in [0, 1], got {p!r}")
    if (not training or p == 0) and hasattr(x, "grad_fn"):
        return x
    return apply(Dropout, x, p=float(p) if training else 0.0, rng=rng)
