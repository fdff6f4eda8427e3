"""Losses: cross_entropy, nll_loss, multi_margin_loss, mse_loss, l1_loss, smooth_l1_loss,
huber_loss, binary_cross_entropy, binary_cross_entropy_with_logits, kl_div.

PyTorch's semantics: class targets are integer indices along axis 1 of (N, C, ...)
input (axis 0 of an unbatched (C,) input); reduction is 'mean', 'sum' or 'none'. Each VJP
is written with operators and registered ops on its saved inputs, so it runs on arrays
in ordinary backward and on Tensors under `create_graph=True` (second derivatives).
"""
import warnings

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

    def reduce(self, loss, reduction, divisor=None):
        self.reduction, self.loss_shape = reduction, loss.shape
        self.count = loss.size if divisor is None else divisor
        if reduction == "mean":
            if divisor is None:
                return np.asarray(loss.mean())
            with np.errstate(invalid="ignore", divide="ignore"):  # all ignored: NaN, as torch
                return np.asarray(loss.sum() / np.asarray(divisor, loss.dtype))
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


def _ignored(op, x, target, ignore_index):
    """(index with the class axis kept, valid mask or None) for class targets with ignore_index."""
    target = np.asarray(target)
    valid = None
    if target.dtype.kind in "iu" and (target == ignore_index).any():
        valid = target != ignore_index
        target = np.where(valid, target, 0)
    index = _class_target(op, x, target)
    return index, valid


def _class_weights(op, x, weight):
    """weight (C,) as an array shaped to broadcast along the class axis, or None."""
    if weight is None:
        return None
    weight = np.asarray(getattr(weight, "data", weight))
    axis = _class_axis(x)
    C = x.shape[axis] if x.ndim else 0
    if weight.shape != (C,):
        raise ValueError(f"{op}: weight of shape {weight.shape} does not match the {C} classes of "
                         f"input of shape {x.shape} (expected shape ({C},))")
    check_float(op, weight)
    return weight.astype(x.dtype, copy=False).reshape((C,) + (1,) * (x.ndim - axis - 1))


def _class_coefficients(op, x, target, weight, ignore_index, label_smoothing):
    """Q with loss_i = -sum_c Q_ic logp_ic, and the 'mean' divisor, for class-index targets."""
    axis = _class_axis(x)
    C = x.shape[axis]
    index, valid = _ignored(op, x, target, ignore_index)
    hot = _one_hot(index, x.shape, axis, x.dtype)
    w = _class_weights(op, x, weight)
    picked = np.ones(index.shape, x.dtype) if w is None else np.take_along_axis(
        np.broadcast_to(w, x.shape), index, axis)  # w[y_i], class axis kept
    if valid is not None:
        picked = picked * np.expand_dims(valid, axis)
    coefficients = hot * ((1 - label_smoothing) * picked)
    if label_smoothing:
        spread = np.ones(x.shape, x.dtype) if w is None else np.broadcast_to(w, x.shape)
        keep = 1 if valid is None else np.expand_dims(valid, axis)
        coefficients = coefficients + spread * keep * (label_smoothing / C)
    divisor = picked.sum() if (w is not None or valid is not None) else index.size
    return coefficients, divisor


@register("cross_entropy")
class CrossEntropy(_Loss):
    """Fused, stable log-softmax + (weighted, smoothed) negative log-likelihood.

    Every variant is loss_i = -sum_c Q_ic logp_ic for coefficients Q (one-hot for plain
    class targets; class weights, ignored entries, label smoothing and probability
    targets only change Q), so the gradient is (sum_c Q_ic) softmax_i - Q_i.
    """

    def forward(self, logits, target, reduction="mean", weight=None, ignore_index=-100,
                label_smoothing=0.0):
        check_float("cross_entropy", logits)
        axis = _class_axis(logits)
        shifted = logits - logits.max(axis=axis, keepdims=True)  # finite for logits of +-1000
        probs = np.exp(shifted)
        total = probs.sum(axis=axis, keepdims=True)
        self.probabilities = _is_probability_target(logits, target)
        self.smoothing, self.weight = label_smoothing, _class_weights("cross_entropy", logits, weight)
        plain = weight is None and not label_smoothing and not self.probabilities
        index = None
        if plain:
            index, valid = _ignored("cross_entropy", logits, target, ignore_index)
            if valid is not None:
                plain = False
        if plain:  # the common case: one-hot Q, no array of coefficients
            loss = np.log(total) - np.take_along_axis(shifted, index, axis)
            probs /= total
            self.save(logits, probs, None)
            self.index, self.coefficients = index, None  # (attributes stay plain arrays)
            return self.reduce(loss.squeeze(axis), reduction)
        logp = shifted - np.log(total)
        if self.probabilities:
            coefficients = self._target_coefficients(target)
            divisor = logits.size // logits.shape[axis] if logits.ndim > 1 else 1
        else:
            coefficients, divisor = _class_coefficients("cross_entropy", logits, target, weight,
                                                        ignore_index, label_smoothing)
        probs /= total
        self.save(logits, probs, target)
        self.coefficients, self.divisor = coefficients, divisor
        self.logp = logp if self.probabilities else None
        loss = -(coefficients * logp).sum(axis=axis)
        return self.reduce(loss, reduction, divisor=divisor)

    def _target_coefficients(self, target):
        """Q for probability targets: smoothed, then weighted along the class axis."""
        if self.smoothing:
            target = target * (1 - self.smoothing) + self.smoothing / target.shape[_class_axis(target)]
        return target if self.weight is None else target * self.weight

    def vjp(self, g):
        logits, probs, third = self.saved
        axis = _class_axis(logits)
        if hasattr(g, "grad_fn"):  # create_graph: softmax recomputed on the graph
            probs = call("softmax", logits, axis=axis)
        factor = self.spread(g, axis)
        if self.coefficients is None:
            return (probs - _one_hot(self.index, logits.shape, axis, probs.dtype)) * factor, None
        coefficients = self._target_coefficients(third) if self.probabilities else self.coefficients
        gx = (probs * coefficients.sum(axis=axis, keepdims=True) - coefficients) * factor
        gt = None
        if self.probabilities and self.needs_grad(1):
            logp = call("log_softmax", logits, axis=axis) if hasattr(g, "grad_fn") else self.logp
            scale = 1 - self.smoothing
            gt = -logp * (scale if self.weight is None else self.weight * scale) * factor
        return gx, gt


def _is_probability_target(x, target):
    """Float targets shaped like the input are class probabilities (PyTorch's rule)."""
    dtype = getattr(target, "dtype", None)
    if dtype is None:
        dtype = np.asarray(target).dtype
    return np.dtype(dtype).kind == "f" and np.shape(target) == x.shape and x.ndim >= 1


@register("nll_loss")
class NLLLoss(_Loss):
    """-weight[target] * input[target] along the class axis (input holds log-probabilities)."""

    def forward(self, logp, target, reduction="mean", weight=None, ignore_index=-100):
        check_float("nll_loss", logp)
        coefficients, divisor = _class_coefficients("nll_loss", logp, target, weight,
                                                    ignore_index, 0.0)
        self.save(coefficients)  # a constant: the loss is linear in logp
        self.axis = _class_axis(logp)
        return self.reduce(-(coefficients * logp).sum(axis=self.axis), reduction, divisor=divisor)

    def vjp(self, g):
        (coefficients,) = self.saved
        return -coefficients * self.spread(g, self.axis), None


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


def _pair(op, x, target):
    """Check a regression pair: float input, broadcastable target (warn if sizes differ, as torch)."""
    check_float(op, x)
    shape = np.shape(target)
    if shape != x.shape:
        try:
            np.broadcast_shapes(x.shape, shape)
        except ValueError:
            raise ValueError(f"{op}: target of shape {shape} cannot be broadcast with input of "
                             f"shape {x.shape}") from None
        warnings.warn(f"{op}: using a target size ({shape}) that is different to the input size "
                      f"({x.shape}). This will likely lead to incorrect results due to "
                      "broadcasting. Please ensure they have the same size.", UserWarning,
                      stacklevel=3)


@register("mse_loss")
class MSELoss(_Loss):
    """Mean (or sum) of (input - target) ** 2; both inputs differentiable, NumPy broadcasting."""

    def forward(self, x, target, reduction="mean"):
        diff = x - target
        self.save(x, target)
        return self.reduce(np.square(diff), reduction)

    def vjp(self, g):
        x, target = self.saved
        gd = 2 * (x - target) * self.spread(g)
        return gd, -gd


@register("l1_loss")
class L1Loss(_Loss):
    """Mean (or sum) of |input - target|; gradient sign(input - target), 0 at a tie (torch)."""

    def forward(self, x, target, reduction="mean"):
        diff = x - target
        self.save(np.sign(diff))  # a constant: the slope is piecewise constant
        return self.reduce(np.abs(diff), reduction)

    def vjp(self, g):
        (sign,) = self.saved
        gd = sign * self.spread(g)
        return gd, -gd


@register("smooth_l1_loss")
class SmoothL1Loss(_Loss):
    """0.5 d**2 / beta where |d| < beta, else |d| - 0.5 beta (d = input - target)."""

    def forward(self, x, target, reduction="mean", beta=1.0):
        diff = x - target
        small = np.abs(diff) < beta
        loss = np.where(small, 0.5 * diff * diff / (beta if beta else 1), np.abs(diff) - 0.5 * beta)
        # slope d / beta inside the quadratic zone, sign(d) outside; both factors constants
        inside = small / beta if beta else np.zeros(x.shape, x.dtype)
        self.save(x, target, inside.astype(x.dtype, copy=False), np.sign(diff) * ~small)
        return self.reduce(loss, reduction)

    def vjp(self, g):
        x, target, inside, outside = self.saved
        gd = ((x - target) * inside + outside) * self.spread(g)
        return gd, -gd


@register("huber_loss")
class HuberLoss(_Loss):
    """0.5 d**2 where |d| < delta, else delta (|d| - 0.5 delta) (d = input - target)."""

    def forward(self, x, target, reduction="mean", delta=1.0):
        diff = x - target
        small = np.abs(diff) < delta
        loss = np.where(small, 0.5 * diff * diff, delta * (np.abs(diff) - 0.5 * delta))
        self.save(x, target, small.astype(x.dtype), delta * np.sign(diff) * ~small)
        return self.reduce(loss, reduction)

    def vjp(self, g):
        x, target, inside, outside = self.saved
        gd = ((x - target) * inside + outside) * self.spread(g)
        return gd, -gd


def _bce_weight(op, x, weight, name="weight"):
    if weight is None:
        return None
    weight = np.asarray(getattr(weight, "data", weight))
    try:
        np.broadcast_shapes(weight.shape, x.shape)
    except ValueError:
        raise ValueError(f"{op}: {name} of shape {weight.shape} cannot be broadcast with input "
                         f"of shape {x.shape}") from None
    return weight.astype(x.dtype, copy=False)


@register("binary_cross_entropy")
class BinaryCrossEntropy(_Loss):
    """-w [t log x + (1 - t) log(1 - x)] with each log clamped at -100 (PyTorch)."""

    def forward(self, x, target, reduction="mean", weight=None):
        check_float("binary_cross_entropy", x)
        if np.shape(target) != x.shape:
            raise ValueError(f"binary_cross_entropy: target of shape {np.shape(target)} does not "
                             f"match input of shape {x.shape}")
        if ((x < 0) | (x > 1)).any():
            raise ValueError("binary_cross_entropy: all elements of input should be between 0 and 1")
        with np.errstate(divide="ignore"):
            log_x = np.maximum(np.log(x), -100)
            log_rest = np.maximum(np.log1p(-x), -100)
        self.weight = _bce_weight("binary_cross_entropy", x, weight)
        loss = -(target * log_x + (1 - target) * log_rest)
        if self.weight is not None:
            loss = loss * self.weight
        self.save(x, target)
        return self.reduce(loss, reduction)

    def vjp(self, g):
        x, target = self.saved
        factor = self.spread(g) if self.weight is None else self.spread(g) * self.weight
        gx = gt = None
        if self.needs_grad(0):  # (x - t) / (x (1 - x)), the denominator clamped at 1e-12
            gx = (x - target) / np.maximum(x * (1 - x), 1e-12) * factor
        if self.needs_grad(1):  # -logit(x)
            gt = (np.log1p(-x) - np.log(x)) * factor
        return gx, gt


@register("binary_cross_entropy_with_logits")
class BinaryCrossEntropyWithLogits(_Loss):
    """-w [p t log sigmoid(x) + (1 - t) log(1 - sigmoid(x))], p = pos_weight, computed
    stably as (1 - t) x + (1 + (p - 1) t) softplus(-x)."""

    def forward(self, x, target, reduction="mean", weight=None, pos_weight=None):
        op = "binary_cross_entropy_with_logits"
        check_float(op, x)
        if np.shape(target) != x.shape:
            raise ValueError(f"{op}: target of shape {np.shape(target)} does not match input of "
                             f"shape {x.shape}")
        self.weight = _bce_weight(op, x, weight)
        self.pos_weight = _bce_weight(op, x, pos_weight, "pos_weight")
        softplus = np.maximum(-x, 0) + np.log1p(np.exp(-np.abs(x)))  # log(1 + e^-x)
        if self.pos_weight is None:
            loss = (1 - target) * x + softplus
        else:
            loss = (1 - target) * x + (1 + (self.pos_weight - 1) * target) * softplus
        if self.weight is not None:
            loss = loss * self.weight
        self.save(x, target)
        return self.reduce(loss, reduction)

    def vjp(self, g):
        x, target = self.saved
        factor = self.spread(g) if self.weight is None else self.spread(g) * self.weight
        p = self.pos_weight
        gx = gt = None
        if self.needs_grad(0):  # d/dx = (1 - t) - (1 + (p - 1) t) sigmoid(-x)
            s = call("sigmoid", x)
            gx = (s - target) if p is None else ((1 - target) - (1 + (p - 1) * target) * (1 - s))
            gx = gx * factor
        if self.needs_grad(1):  # d/dt = -x + (p - 1) softplus(-x)
            if p is None:
                gt = -x * factor
            else:
                softplus = call("relu", -x) + np.log1p(np.exp(-np.abs(x)))
                gt = (-x + (p - 1) * softplus) * factor
        return gx, gt


@register("kl_div")
class KLDiv(_Loss):
    """target (log target - input), or with log_target exp(target) (target - input); input
    holds log-probabilities. 0 where target is 0 (xlogy)."""

    def forward(self, x, target, reduction="mean", log_target=False):
        check_float("kl_div", x)
        self.log_target = log_target
        if log_target:
            loss = np.exp(target) * (target - x)
        else:
            with np.errstate(divide="ignore", invalid="ignore"):
                loss = np.where(target > 0, target * np.log(np.where(target > 0, target, 1)), 0) - target * x
        self.save(x, target)
        self.batch = x.shape[0] if x.ndim else 1
        if reduction == "batchmean":
            self.reduction, self.count, self.loss_shape = "mean", self.batch, loss.shape
            return np.asarray(loss.sum() / self.batch)
        return self.reduce(loss, reduction)

    def vjp(self, g):
        x, target = self.saved
        factor = self.spread(g)
        gx = gt = None
        if self.log_target:
            e = np.exp(target)
            if self.needs_grad(0):
                gx = -e * factor
            if self.needs_grad(1):
                gt = e * (target - x + 1) * factor
        else:
            if self.needs_grad(0):
                gx = -target * factor
            if self.needs_grad(1):
                positive = np.asarray(getattr(target, "data", target)) > 0  # a constant mask
                safe = np.where(positive, target, 1)
                gt = (np.log(safe) * positive + positive - x) * factor
        return gx, gt


def cross_entropy(logits, target, weight=None, ignore_index=-100, reduction="mean",
                  label_smoothing=0.0):
    """Cross-entropy of logits (N, C, ...) against class indices (N, ...) or probabilities.

    Fused and stable (log-sum-exp). `target` holds integer class indices, or class
    probabilities shaped like `logits` (float); a float target of any other shape
    raises TypeError, a class outside [0, C) other than `ignore_index` ValueError.
    `weight` (C,) rescales each class (the 'mean' then divides by the summed weights of
    the targets, as PyTorch); `label_smoothing` mixes the target with the uniform
    distribution. reduction 'mean', 'sum' or 'none'.

    Examples
    --------
    >>> loss = ops.cross_entropy(logits, labels, label_smoothing=0.1)
    """
    _check_reduction("cross_entropy", reduction)
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"cross_entropy: label_smoothing must be in [0, 1], got {label_smoothing}")
    return apply(CrossEntropy, logits, target, reduction=reduction, weight=_array(weight),
                 ignore_index=ignore_index, label_smoothing=float(label_smoothing))


def nll_loss(logp, target, weight=None, ignore_index=-100, reduction="mean"):
    """Negative log-likelihood of log-probabilities (N, C, ...) at integer class targets.

    `weight` (C,) rescales each class ('mean' divides by the summed target weights);
    targets equal to `ignore_index` contribute nothing.
    """
    _check_reduction("nll_loss", reduction)
    return apply(NLLLoss, logp, target, reduction=reduction, weight=_array(weight),
                 ignore_index=ignore_index)


def multi_margin_loss(x, target, margin=1.0, reduction="mean"):
    """Multiclass hinge (SVM) loss: sum over j != y of max(0, margin - x[y] + x[j]) / C."""
    _check_reduction("multi_margin_loss", reduction)
    return apply(MultiMarginLoss, x, target, margin=margin, reduction=reduction)


def mse_loss(input, target, reduction="mean"):  # noqa: A002  (PyTorch's argument name)
    """Mean squared error; the target is differentiable too.

    Shapes that do not broadcast raise ValueError; different shapes that broadcast
    (e.g. (N, 1) against (N,)) warn, as PyTorch.
    """
    _check_reduction("mse_loss", reduction)
    _pair("mse_loss", _value(input), _value(target))
    return apply(MSELoss, input, target, reduction=reduction)


def l1_loss(input, target, reduction="mean"):  # noqa: A002
    """Mean absolute error; the target is differentiable too."""
    _check_reduction("l1_loss", reduction)
    _pair("l1_loss", _value(input), _value(target))
    return apply(L1Loss, input, target, reduction=reduction)


def smooth_l1_loss(input, target, reduction="mean", beta=1.0):  # noqa: A002
    """Quadratic below `beta`, linear above (L1 when beta == 0)."""
    _check_reduction("smooth_l1_loss", reduction)
    if beta < 0:
        raise ValueError(f"smooth_l1_loss: beta must be non-negative, got {beta}")
    _pair("smooth_l1_loss", _value(input), _value(target))
    return apply(SmoothL1Loss, input, target, reduction=reduction, beta=float(beta))


def huber_loss(input, target, reduction="mean", delta=1.0):  # noqa: A002
    """Quadratic below `delta`, delta-scaled linear above (smooth_l1_loss times delta)."""
    _check_reduction("huber_loss", reduction)
    if delta <= 0:
        raise ValueError(f"huber_loss: delta must be positive, got {delta}")
    _pair("huber_loss", _value(input), _value(target))
    return apply(HuberLoss, input, target, reduction=reduction, delta=float(delta))


def binary_cross_entropy(input, target, weight=None, reduction="mean"):  # noqa: A002
    """Binary cross-entropy of probabilities in [0, 1] (logs clamped at -100, as PyTorch).

    `weight` broadcasts against the input (not differentiated); the target is
    differentiable. Prefer `binary_cross_entropy_with_logits` for stability.
    """
    _check_reduction("binary_cross_entropy", reduction)
    return apply(BinaryCrossEntropy, input, target, reduction=reduction, weight=_array(weight))


def binary_cross_entropy_with_logits(input, target, weight=None, reduction="mean",  # noqa: A002
                                     pos_weight=None):
    """Stable sigmoid + binary cross-entropy; the (probability) target is differentiable.

    `weight` rescales each element, `pos_weight` the positive term (per class, broadcast
    along the last axis), as PyTorch.
    """
    _check_reduction("binary_cross_entropy_with_logits", reduction)
    return apply(BinaryCrossEntropyWithLogits, input, target, reduction=reduction,
                 weight=_array(weight), pos_weight=_array(pos_weight))


def kl_div(input, target, reduction="mean", log_target=False):  # noqa: A002
    """Kullback-Leibler divergence of log-probabilities `input` from `target`.

    reduction 'batchmean' (the true KL divergence: sum / batch size), 'sum', 'none', or
    'mean' (divides by every element; warns, as PyTorch). `log_target`: the target
    holds log-probabilities too.
    """
    if reduction not in REDUCTIONS + ("batchmean",):
        raise ValueError(f"kl_div: reduction must be one of {REDUCTIONS + ('batchmean',)}, got "
                         f"{reduction!r}")
    if reduction == "mean":
        warnings.warn("kl_div: reduction 'mean' divides the total loss by both the batch size and "
                      "the support size; 'batchmean' divides only by the batch size, and aligns "
                      "with the KL math definition.", UserWarning, stacklevel=2)
    return apply(KLDiv, input, target, reduction=reduction, log_target=bool(log_target))


def cosine_embedding_loss(input1, input2, target, margin=0.0, reduction="mean"):
    """1 - cos(x1, x2) where target is 1, max(0, cos(x1, x2) - margin) where it is -1.

    x1, x2 are (N, D) (or (D,) with a 0-d target); cos along the last axis with PyTorch's
    1e-12 added to each squared norm. A composition of registered ops (differentiable to
    any order).
    """
    from autograd.tensor import Tensor
    from ops.elementwise import maximum, sqrt, where

    _check_reduction("cosine_embedding_loss", reduction)
    x1 = input1 if isinstance(input1, Tensor) else Tensor(input1)
    x2 = input2 if isinstance(input2, Tensor) else Tensor(input2)
    check_float("cosine_embedding_loss", x1.data, x2.data)
    y = np.asarray(getattr(target, "data", target))
    if x1.shape != x2.shape or x1.ndim not in (1, 2) or y.shape != x1.shape[:-1]:
        raise ValueError(f"cosine_embedding_loss: inputs of shapes {x1.shape} and {x2.shape} with "
                         f"target of shape {y.shape} (expected (N, D), (N, D) and (N,), or (D,), "
                         "(D,) and ())")
    if not np.isin(y, (-1, 1)).all():
        raise ValueError("cosine_embedding_loss: target values must be 1 or -1")
    eps = 1e-12
    cos = (x1 * x2).sum(axis=-1) / sqrt(((x1 * x1).sum(axis=-1) + eps) * ((x2 * x2).sum(axis=-1) + eps))
    loss = where(y == 1, 1 - cos, maximum(cos - margin, 0.0))
    if reduction == "mean":
        return loss.mean()
    return loss.sum() if reduction == "sum" else loss


def _value(x):
    """The array behind a Tensor, array or list (for argument checks only)."""
    data = getattr(x, "data", None)
    return data if isinstance(data, np.ndarray) else np.asarray(x)


def _array(x):
    """An optional weight argument as a plain array (weights are not differentiated)."""
    return None if x is None else np.asarray(getattr(x, "data", x))
