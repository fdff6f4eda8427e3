"""prelu: x where x > 0, else weight * x, one learned slope per channel (axis 1) or one in all."""
import numpy as np

from autograd.function import Function, register
from autograd.tensor import apply
from ops._util import check_float


def _channel_shape(x, weight):
    """weight's broadcast shape against x: (C, 1, ..., 1) after the batch axis, or (1,)."""
    if weight.ndim != 1:
        raise ValueError(f"prelu: weight must be 1-D, got shape {weight.shape}")
    if weight.size == 1:
        return (1,) * max(x.ndim, 1)
    channels = x.shape[1] if x.ndim >= 2 else 1  # torch: 0-D and 1-D inputs have one channel
    if weight.size != channels:
        raise ValueError(f"prelu: weight of {weight.size} slopes does not match the {channels} "
                         f"channels of input of shape {x.shape}")
    return (channels,) + (1,) * (x.ndim - 2)


@register("prelu")
class PReLU(Function):
    """max(x, 0) + weight * min(x, 0); the weight gradient is summed over all but the channel axis."""

    def forward(self, x, weight):
        check_float("prelu", x, weight)
        self.shape = _channel_shape(x, weight)
        positive = (x > 0).astype(x.dtype)
        self.save(x, weight, positive, 1 - positive)  # the masks are constants
        return np.where(positive.astype(bool), x, weight.reshape(self.shape) * x)

    def vjp(self, g):
        x, weight, positive, negative = self.saved
        gx = g * (positive + negative * weight.reshape(self.shape)) if self.needs_grad(0) else None
        gw = None
        if self.needs_grad(1):
            slope = g * x * negative
            if weight.size == 1:
                gw = slope.sum().reshape((1,))
            else:
                gw = slope.sum(axis=tuple(i for i in range(x.ndim) if i != 1))
        return gx, gw


def prelu(input, weight):  # noqa: A002  (PyTorch's argument names)
    """Parametric ReLU: x for x > 0, weight * x otherwise; weight has 1 or C (axis 1) slopes.

    Examples
    --------
    >>> ops.prelu(Tensor([[-1.0, 2.0]]), Tensor([0.25]))
    Tensor([[-0.25,  2.  ]])
    """
    return apply(PReLU, input, weight)
