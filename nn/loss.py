"""Loss modules: CrossEntropyLoss MSELoss MultiMarginLoss (PyTorch's names and defaults)."""
import ops
from nn.module import Module

REDUCTIONS = ("mean", "sum", "none")


class _Loss(Module):
    def __init__(self, reduction="mean"):
        super().__init__()
        if reduction not in REDUCTIONS:
            raise ValueError(f"{type(self).__name__}: reduction must be one of {REDUCTIONS}, got {reduction!r}")
        self.reduction = reduction

    def extra_repr(self):
        return f"reduction={self.reduction!r}" if self.reduction != "mean" else ""


class CrossEntropyLoss(_Loss):
    """Softmax cross-entropy of logits (N, C) against integer class targets (N,).

    Examples
    --------
    >>> loss = nn.CrossEntropyLoss()(logits, labels)     # labels int64, in [0, C)
    >>> loss.backward()
    """

    def forward(self, input, target):
        return ops.cross_entropy(input, target, reduction=self.reduction)


class MSELoss(_Loss):
    """Mean squared error; the target is differentiable too."""

    def forward(self, input, target):
        return ops.mse_loss(input, target, reduction=self.reduction)


class MultiMarginLoss(_Loss):
    """Multiclass hinge loss (the SVM loss): mean over classes j != y of
    max(0, margin - x[y] + x[j]), per sample. Only p=1, as the functional op."""

    def __init__(self, p=1, margin=1.0, reduction="mean"):
        super().__init__(reduction)
        if p != 1:
            raise ValueError(f"MultiMarginLoss: only p=1 is supported, got p={p!r}")
        self.p = p
        self.margin = margin

    def forward(self, input, target):
        return ops.multi_margin_loss(input, target, margin=self.margin, reduction=self.reduction)

    def extra_repr(self):
        return f"margin={self.margin}" + (f", reduction={self.reduction!r}" if self.reduction != "mean" else "")
