"""Losses: cross_entropy, nll_loss, multi_margin_loss, mse_loss, binary_cross_entropy_with_logits.

PyTorch's semantics: class targets are integer indices along axis 1 of (N, C, ...)
input (axis 0 of an unbatched (C,) input); reduction is 'mean', 'sum' or 'none'. Each VJP
is written with operators and registered ops on its saved inputs, so it runs on arrays
in ordinary backward and on Tensors under `create_graph=True` (second derivatives).
"""
import numpy as np

from autograd.function import Function, call, register
from autograd.tensor import apply
from ops._util import check_float

REDUCTIONS = ("mean", "sum", "none")


def _class_axis(x):
    return 0 if x.ndim == 1 else 1


def _check_reduction(op, reduction):
    if reduction not in REDUCTIONS:
        raise ValueError(f"{op}: reduction must be one of {REDUCTIONS}, got {reduction!r}")


def _class_target(op, x, target):
    """Validate integer class targets for x (N, C, ...) and return them with the class axis kept."""
    check_float(op, x)
    target = np.asarray(target)
    if target.dtype.kind not in "iu":
        raise TypeError(f"{op}: target must hold integer class indices, got dtype {target.dtype}")
    if x.ndim == 0:
        raise ValueError(f"{op}: input must have a class dimension, got shape {x.shape}")
    axis = _class_axis(x)
    expected = x.shape[:axis] + x.shape[axis + 1:]
    if target.shape != expected:
        raise ValueError(f"{op}: target of shape {target.shape} does not match input of shape "
                         f"{x.shape} (expected target shape {expected})")
    C = x.shape[axis]
    outside = (target < 0) | (target >= C)
    if outside.any():
        raise ValueError(f"{op}: target class {int(target[outside].flat[0])} is outside [0, {C}) "
                         f"for input with {C} classes")
    return np.expand_dims(target, axis)


def _one_hot(index, shape, axis, dtype):
    """1 at `index` along `axis` (index keeps that axis with size 1), 0 elsewhere."""
    hot = np.zeros(shape, dtype)
    np.put_along_axis(hot, index, 1, axis)
    return hot


class _Loss(Function):
    """Shared reduction: `reduce` in forward, `spread` of g back to per-element form in VJP."""

    def reduce(self, loss, reduction):
        self.reduction, self.count, self.loss_shape = reduction, loss.size, loss.shape
        if reduction == "mean":
            return np.asarray(loss.mean())
        if reduction == "sum":
            return np.asarray(loss.sum())
        return loss

    def spread(self, g, axis=None):
        """g as a factor broadcastable over the per-element loss (class axis restored if given)."""
        if self.reduction == "mean":
            return g / self.count
        if self.reduction == "none" and axis is not None:
            return g.reshape(self.loss_shape[:axis] + (1,) + self.loss_shape[axis:])
        return g


@register("cross_entropy")
class CrossEntropy(_Loss):
    """Fused, stable log-softmax + negative log-likelihood; gradient softmax - one-hot."""

    def forward(self, logits, target, reduction="mean"):
        index = _class_target("cross_entropy", logits, target)
        axis = _class_axis(logits)
        shifted = logits - logits.max(axis=axis, keepdims=True)  # finite for logits of +-1000
        probs = np.exp(shifted)
        total = probs.sum(axis=axis, keepdims=True)
        loss = np.log(total) - np.take_along_axis(shifted, index, axis)
        probs /= total
        self.save(logits, probs, index)
        return self.reduce(loss.squeeze(axis), reduction)

    def vjp(self, g):
        logits, probs, index = self.saved
        axis = _class_axis(logits)
        if hasattr(g, "grad_fn"):  # create_graph: softmax recomputed on the graph
            probs = call("softmax", logits, axis=axis)
        return (probs - _one_hot(index, logits.shape, axis, probs.dtype)) * self.spread(g, axis), None


@register("nll_loss")
class NLLLoss(_Loss):
    """-input[target] along the class axis (input holds log-probabilities)."""

    def forward(self, logp, target, reduction="mean"):
        index = _class_target("nll_loss", logp, target)
        axis = _class_axis(logp)
        self.save(_one_hot(index, logp.shape, axis, logp.dtype))
        self.axis = axis
        return self.reduce(-np.take_along_axis(logp, index, axis).squeeze(axis), reduction)

    def vjp(self, g):
        (hot,) = self.saved
        return -hot * self.spread(g, self.axis), None


@register("multi_margin_loss")
class MultiMarginLoss(_Loss):
    """sum over j != y of max(0, margin - x[y] + x[j]) / C (PyTorch's p=1 hinge loss)."""

    def forward(self, x, target, margin=1.0, reduction="mean"):
        index = _class_target("multi_margin_loss", x, target)
        axis = _class_axis(x)
        margins = margin - np.take_along_axis(x, index, axis) + x
        np.put_along_axis(margins, index, 0, axis)  # the true class is not a violation
        active = margins > 0
        C = x.shape[axis]
        # d loss / d x: active / C off the target, -(number active) / C at it (constant a.e.)
        slope = active.astype(x.dtype)
        np.put_along_axis(slope, index, -active.sum(axis=axis, keepdims=True), axis)
        slope /= C
        self.save(slope)
        self.axis = axis
        return self.reduce(np.maximum(margins, 0).sum(axis=axis) / C, reduction)

    def vjp(self, g):
        (slope,) = self.saved
        return slope * self.spread(g, self.axis), None


@register("mse_loss")
class MSELoss(_Loss):
    """Mean (or sum) of (input - target) ** 2; both inputs differentiable, NumPy broadcasting."""

    def forward(self, x, target, reduction="mean"):
        check_float("mse_loss", x)
        diff = x - target
        self.save(x, target)
        return self.reduce(np.square(diff), reduction)

    def vjp(self, g):
        x, target = self.saved
        gd = 2 * (x - target) * self.spread(g)
        return gd, -gd


@register("binary_cross_entropy_with_logits")
class BinaryCrossEntropyWithLogits(_Loss):
    """-[t log sigmoid(x) + (1 - t) log(1 - sigmoid(x))], as max(x, 0) - x t + log1p(e^-|x|)."""

    def forward(self, x, target, reduction="mean"):
        check_float("binary_cross_entropy_with_logits", x)
        if np.shape(target) != x.shape:
            raise ValueError(f"binary_cross_entropy_with_logits: target of shape {np.shape(target)} "
                             f"does not match input of shape {x.shape}")
        loss = np.maximum(x, 0) - x * target + np.log1p(np.exp(-np.abs(x)))
        self.save(x, target)
        return self.reduce(loss, reduction)

    def vjp(self, g):
        x, target = self.saved
        factor = self.spread(g)
        gx = (call("sigmoid", x) - target) * factor if self.needs_grad(0) else None
        gt = -x * factor if self.needs_grad(1) else None
        return gx, gt


def cross_entropy(logits, target, reduction="mean"):
    """Cross-entropy of logits (N, C, ...) against integer class targets (N, ...).

    Fused and stable (log-sum-exp); reduction 'mean', 'sum' or 'none'. A float target
    raises TypeError; a class outside [0, C) raises ValueError naming C.
    """
    _check_reduction("cross_entropy", reduction)
    return apply(CrossEntropy, logits, target, reduction=reduction)


def nll_loss(logp, target, reduction="mean"):
    """Negative log-likelihood of log-probabilities (N, C, ...) at integer class targets."""
    _check_reduction("nll_loss", reduction)
    return apply(NLLLoss, logp, target, reduction=reduction)


def multi_margin_loss(x, target, margin=1.0, reduction="mean"):
    """Multiclass hinge (SVM) loss: sum over j != y of max(0, margin - x[y] + x[j]) / C."""
    _check_reduction("multi_margin_loss", reduction)
    return apply(MultiMarginLoss, x, target, margin=margin, reduction=reduction)


def mse_loss(input, target, reduction="mean"):  # noqa: A002  (PyTorch's argument name)
    """Mean squared error; the target is differentiable too."""
    _check_reduction("mse_loss", reduction)
    return apply(MSELoss, input, target, reduction=reduction)


def binary_cross_entropy_with_logits(input, target, reduction="mean"):  # noqa: A002
    """Stable sigmoid + binary cross-entropy; the (probability) target is differentiable."""
    _check_reduction("binary_cross_entropy_with_logits", reduction)
    return apply(BinaryCrossEntropyWithLogits, input, target, reduction=reduction)
