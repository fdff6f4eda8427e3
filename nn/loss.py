"""Loss modules with PyTorch's names, arguments and defaults: CrossEntropyLoss NLLLoss
MSELoss L1Loss SmoothL1Loss HuberLoss BCELoss BCEWithLogitsLoss KLDivLoss CosineEmbeddingLoss
MultiMarginLoss.

Class weights and `pos_weight` are registered as buffers (state_dict keys `weight`,
`pos_weight`, as torch) when given.
"""
import ops
from autograd.mode import get_default_dtype
from autograd.tensor import Tensor
from nn.module import Module

REDUCTIONS = ("mean", "sum", "none")


class _Loss(Module):
    reductions = REDUCTIONS

    def __init__(self, reduction="mean"):
        super().__init__()
        if reduction not in self.reductions:
            raise ValueError(f"{type(self).__name__}: reduction must be one of {self.reductions}, "
                             f"got {reduction!r}")
        self.reduction = reduction

    def _buffer(self, name, value):
        """Register an optional weight as a buffer (None stays None, as torch)."""
        if value is None:
            self.register_buffer(name, None)
        else:
            weight = Tensor(getattr(value, "data", value))  # lists: the default float dtype
            if weight.dtype.kind != "f":
                weight = Tensor(weight.data.astype(get_default_dtype()))
            self.register_buffer(name, weight)

    def extra_repr(self):
        return f"reduction={self.reduction!r}" if self.reduction != "mean" else ""


class CrossEntropyLoss(_Loss):
    """Softmax cross-entropy of logits (N, C, ...) against class indices or probabilities.

    Parameters
    ----------
    weight : array_like, optional
        A rescaling weight per class, shape (C,).
    ignore_index : int
        Targets equal to it contribute nothing (and are not counted by 'mean').
    reduction : str
        'mean', 'sum' or 'none'.
    label_smoothing : float
        In [0, 1]: the target is mixed with the uniform distribution.

    Examples
    --------
    >>> loss = nn.CrossEntropyLoss(label_smoothing=0.1)(logits, labels)   # labels int64
    >>> loss.backward()
    """

    def __init__(self, weight=None, size_average=None, ignore_index=-100, reduce=None,
                 reduction="mean", label_smoothing=0.0):
        super().__init__(_legacy(self, size_average, reduce, reduction))
        self._buffer("weight", weight)
        self.ignore_index = ignore_index
        self.label_smoothing = label_smoothing

    def forward(self, input, target):
        return ops.cross_entropy(input, target, weight=self.weight, ignore_index=self.ignore_index,
                                 reduction=self.reduction, label_smoothing=self.label_smoothing)


class NLLLoss(_Loss):
    """Negative log-likelihood of log-probabilities (N, C, ...) at integer class targets."""

    def __init__(self, weight=None, size_average=None, ignore_index=-100, reduce=None,
                 reduction="mean"):
        super().__init__(_legacy(self, size_average, reduce, reduction))
        self._buffer("weight", weight)
        self.ignore_index = ignore_index

    def forward(self, input, target):
        return ops.nll_loss(input, target, weight=self.weight, ignore_index=self.ignore_index,
                            reduction=self.reduction)


class MSELoss(_Loss):
    """Mean squared error; the target is differentiable too."""

    def __init__(self, size_average=None, reduce=None, reduction="mean"):
        super().__init__(_legacy(self, size_average, reduce, reduction))

    def forward(self, input, target):
        return ops.mse_loss(input, target, reduction=self.reduction)


class L1Loss(_Loss):
    """Mean absolute error."""

    def __init__(self, size_average=None, reduce=None, reduction="mean"):
        super().__init__(_legacy(self, size_average, reduce, reduction))

    def forward(self, input, target):
        return ops.l1_loss(input, target, reduction=self.reduction)


class SmoothL1Loss(_Loss):
    """0.5 d**2 / beta below beta, |d| - 0.5 beta above."""

    def __init__(self, size_average=None, reduce=None, reduction="mean", beta=1.0):
        super().__init__(_legacy(self, size_average, reduce, reduction))
        self.beta = beta

    def forward(self, input, target):
        return ops.smooth_l1_loss(input, target, reduction=self.reduction, beta=self.beta)


class HuberLoss(_Loss):
    """0.5 d**2 below delta, delta (|d| - 0.5 delta) above."""

    def __init__(self, reduction="mean", delta=1.0):
        super().__init__(reduction)
        self.delta = delta

    def forward(self, input, target):
        return ops.huber_loss(input, target, reduction=self.reduction, delta=self.delta)


class BCELoss(_Loss):
    """Binary cross-entropy of probabilities; `weight` broadcasts against the input."""

    def __init__(self, weight=None, size_average=None, reduce=None, reduction="mean"):
        super().__init__(_legacy(self, size_average, reduce, reduction))
        self._buffer("weight", weight)

    def forward(self, input, target):
        return ops.binary_cross_entropy(input, target, weight=self.weight, reduction=self.reduction)


class BCEWithLogitsLoss(_Loss):
    """Sigmoid + binary cross-entropy in one stable op; `pos_weight` weighs positives per class.

    Examples
    --------
    >>> loss = nn.BCEWithLogitsLoss(pos_weight=np.array([3.0]))(logits, labels.astype(float))
    """

    def __init__(self, weight=None, size_average=None, reduce=None, reduction="mean",
                 pos_weight=None):
        super().__init__(_legacy(self, size_average, reduce, reduction))
        self._buffer("weight", weight)
        self._buffer("pos_weight", pos_weight)

    def forward(self, input, target):
        return ops.binary_cross_entropy_with_logits(input, target, weight=self.weight,
                                                    reduction=self.reduction,
                                                    pos_weight=self.pos_weight)


class KLDivLoss(_Loss):
    """KL divergence of log-probabilities `input` from `target` ('batchmean' is the true KL)."""

    reductions = REDUCTIONS + ("batchmean",)

    def __init__(self, size_average=None, reduce=None, reduction="mean", log_target=False):
        super().__init__(_legacy(self, size_average, reduce, reduction))
        self.log_target = log_target

    def forward(self, input, target):
        return ops.kl_div(input, target, reduction=self.reduction, log_target=self.log_target)


class CosineEmbeddingLoss(_Loss):
    """1 - cos(x1, x2) for target 1, max(0, cos(x1, x2) - margin) for target -1."""

    def __init__(self, margin=0.0, size_average=None, reduce=None, reduction="mean"):
        super().__init__(_legacy(self, size_average, reduce, reduction))
        self.margin = margin

    def forward(self, input1, input2, target):
        return ops.cosine_embedding_loss(input1, input2, target, margin=self.margin,
                                         reduction=self.reduction)


class MultiMarginLoss(_Loss):
    """Multiclass hinge loss (the SVM loss): mean over classes j != y of
    max(0, margin - x[y] + x[j]), per sample. Only p=1, as the functional op."""

    def __init__(self, p=1, margin=1.0, weight=None, size_average=None, reduce=None,
                 reduction="mean"):
        super().__init__(_legacy(self, size_average, reduce, reduction))
        if p != 1:
            raise ValueError(f"MultiMarginLoss: only p=1 is supported, got p={p!r}")
        if weight is not None:
            raise ValueError("MultiMarginLoss: class weights are not supported")
        self.p = p
        self.margin = margin

    def forward(self, input, target):
        return ops.multi_margin_loss(input, target, margin=self.margin, reduction=self.reduction)

    def extra_repr(self):
        return f"margin={self.margin}" + (f", reduction={self.reduction!r}" if self.reduction != "mean" else "")


def _legacy(module, size_average, reduce, reduction):
    """PyTorch's deprecated size_average/reduce flags, mapped to a reduction as torch does."""
    if size_average is None and reduce is None:
        return reduction
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    return "none" if not reduce else ("mean" if size_average else "sum")
