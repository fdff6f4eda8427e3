"""Sample inputs for the losses: cross_entropy and nll_loss (each reduction, (N, C) and
(N, C, d) input, unbatched), multi_margin_loss, mse_loss and
binary_cross_entropy_with_logits with differentiable targets."""
import numpy as np

import ops
from ops.samples import Case, rng, torch

TARGET = np.array([0, 3, 1, 1, 2])
TARGET_3D = np.array([[0, 2, 1], [2, 2, 0]])


def _loss(name, torch_name=None, **kwargs):
    def fn(*args):
        return getattr(ops, name)(*args, **kwargs)

    def torch_fn(*args):
        return getattr(torch().nn.functional, torch_name or name)(*args, **kwargs)

    return {"fn": fn, "torch_fn": torch_fn}


def _n(*shape, seed):
    return rng(seed).standard_normal(shape)


def _margin_inputs(seed):
    """Scores whose hinge terms stay clear of the kink at 0."""
    x = _n(5, 4, seed=seed)
    picked = x[np.arange(5), TARGET][:, None]
    margins = 1.0 - picked + x
    return np.where(np.abs(margins) < 0.05, x + 0.1, x)


REDUCTIONS = ("mean", "sum", "none")
BCE = "binary_cross_entropy_with_logits"

CASES = [
    Case("cross_entropy", **_loss("cross_entropy", reduction=r),
         inputs=[_n(5, 4, seed=600) * 3, TARGET], id=r)
    for r in REDUCTIONS
] + [
    Case("cross_entropy", **_loss("cross_entropy"), inputs=[_n(2, 3, 3, seed=601), TARGET_3D],
         id="NCd"),
    Case("cross_entropy", **_loss("cross_entropy"), inputs=[_n(4, seed=602), np.array(2)],
         id="unbatched"),
    Case("nll_loss", **_loss("nll_loss"), inputs=[_n(2, 3, 3, seed=611), TARGET_3D], id="NCd"),
] + [
    Case("nll_loss", **_loss("nll_loss", reduction=r), inputs=[_n(5, 4, seed=610), TARGET], id=r)
    for r in REDUCTIONS
] + [
    Case("multi_margin_loss", **_loss("multi_margin_loss", reduction=r, margin=m),
         inputs=[_margin_inputs(620 + k), TARGET], id=f"{r}-margin{m}")
    for k, (r, m) in enumerate((("mean", 1.0), ("sum", 0.5), ("none", 2.0)))
] + [
    Case("mse_loss", **_loss("mse_loss", reduction=r),
         inputs=[_n(3, 4, seed=630), _n(3, 4, seed=631)], id=r)
    for r in REDUCTIONS
] + [
    Case(BCE, **_loss(BCE, reduction=r),
         inputs=[_n(3, 4, seed=640) * 3, rng(641).uniform(0, 1, (3, 4))], id=r)
    for r in REDUCTIONS
]
