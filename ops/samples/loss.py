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
        options = {k: torch().tensor(v) if isinstance(v, np.ndarray) else v for k, v in kwargs.items()}
        return getattr(torch().nn.functional, torch_name or name)(*args, **options)

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

# ------------------------------------------------------------- issue 10's options and losses
WEIGHT = np.array([0.5, 2.0, 1.0, 3.0])
TARGET_IGNORED = np.array([0, -100, 1, 3, -100])
PROBS = rng(650).dirichlet(np.ones(4), 5)


def _away_from(d, kinks, gap=0.05):
    """d with no element within `gap` of any kink (|d| == beta or 0)."""
    for k in kinks:
        d = np.where(np.abs(np.abs(d) - k) < gap, d + 2 * gap, d)
    return d


def _pair(seed, kinks=(0.0,)):
    x = _n(3, 4, seed=seed)
    t = _n(3, 4, seed=seed + 1)
    return [t + _away_from(x - t, kinks), t]


CASES += [
    Case("cross_entropy", **_loss("cross_entropy", weight=WEIGHT, reduction=r),
         inputs=[_n(5, 4, seed=660), TARGET], id=f"weight-{r}")
    for r in REDUCTIONS
] + [
    Case("cross_entropy", **_loss("cross_entropy", ignore_index=-100, weight=WEIGHT),
         inputs=[_n(5, 4, seed=661), TARGET_IGNORED], id="ignore-weight"),
    Case("cross_entropy", **_loss("cross_entropy", ignore_index=1, reduction="none"),
         inputs=[_n(5, 4, seed=662), TARGET], id="ignore-class1-none"),
    Case("cross_entropy", **_loss("cross_entropy", label_smoothing=0.2),
         inputs=[_n(5, 4, seed=663), TARGET_IGNORED], id="smoothing-ignore"),
    Case("cross_entropy", **_loss("cross_entropy", label_smoothing=0.1, weight=WEIGHT),
         inputs=[_n(5, 4, seed=664), TARGET], id="smoothing-weight"),
    Case("cross_entropy", **_loss("cross_entropy", label_smoothing=0.1, weight=WEIGHT[:3]),
         inputs=[_n(2, 3, 3, seed=665), TARGET_3D], id="smoothing-weight-NCd"),
    Case("cross_entropy", **_loss("cross_entropy"), inputs=[_n(5, 4, seed=666), PROBS],
         id="probabilities"),
    Case("cross_entropy", **_loss("cross_entropy", label_smoothing=0.3, weight=WEIGHT,
                                  reduction="sum"),
         inputs=[_n(5, 4, seed=667), PROBS], id="probabilities-smoothing-weight"),
    Case("nll_loss", **_loss("nll_loss", weight=WEIGHT, ignore_index=-100),
         inputs=[_n(5, 4, seed=670), TARGET_IGNORED], id="weight-ignore"),
    Case("nll_loss", **_loss("nll_loss", weight=WEIGHT, reduction="none"),
         inputs=[_n(5, 4, seed=671), TARGET], id="weight-none"),
] + [
    Case("l1_loss", **_loss("l1_loss", reduction=r), inputs=_pair(680 + k), id=r)
    for k, r in enumerate(REDUCTIONS)
] + [
    Case("smooth_l1_loss", **_loss("smooth_l1_loss", reduction=r, beta=b),
         inputs=_pair(690 + k, (0.0, b)), id=f"{r}-beta{b}")
    for k, (r, b) in enumerate((("mean", 1.0), ("sum", 0.5), ("none", 0.0)))
] + [
    Case("huber_loss", **_loss("huber_loss", reduction=r, delta=d),
         inputs=_pair(700 + k, (0.0, d)), id=f"{r}-delta{d}")
    for k, (r, d) in enumerate((("mean", 1.0), ("sum", 0.5), ("none", 2.0)))
] + [
    Case("binary_cross_entropy", **_loss("binary_cross_entropy", reduction=r),
         inputs=[rng(710 + k).uniform(0.05, 0.95, (3, 4)), rng(715 + k).uniform(0, 1, (3, 4))],
         id=r)
    for k, r in enumerate(REDUCTIONS)
] + [
    Case("binary_cross_entropy", **_loss("binary_cross_entropy", weight=rng(719).uniform(0.5, 2, 4)),
         inputs=[rng(720).uniform(0.05, 0.95, (3, 4)), rng(721).uniform(0, 1, (3, 4))],
         id="weight"),
    Case(BCE, **_loss(BCE, weight=rng(722).uniform(0.5, 2, (3, 1)), pos_weight=np.array([1.0, 2.0, 0.5, 3.0])),
         inputs=[_n(3, 4, seed=723) * 2, rng(724).uniform(0, 1, (3, 4))], id="weight-pos_weight"),
    Case(BCE, **_loss(BCE, pos_weight=np.array([2.0, 0.5, 1.0, 4.0]), reduction="none"),
         inputs=[_n(3, 4, seed=725) * 2, rng(726).uniform(0, 1, (3, 4))], id="pos_weight-none"),
] + [
    Case("kl_div", **_loss("kl_div", reduction=r),
         inputs=[np.log(rng(730 + k).dirichlet(np.ones(4), 3)), rng(735 + k).dirichlet(np.ones(4), 3)],
         id=r)
    for k, r in enumerate(("batchmean", "sum", "none"))
] + [
    Case("kl_div", **_loss("kl_div", reduction="batchmean", log_target=True),
         inputs=[np.log(rng(740).dirichlet(np.ones(4), 3)), np.log(rng(741).dirichlet(np.ones(4), 3))],
         id="log_target"),
]
