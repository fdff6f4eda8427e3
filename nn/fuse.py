"""`fuse_conv_bn`: fold an eval-mode batch norm into the convolution before it."""
import numpy as np

from nn.layers import Conv2d
from nn.normalization import BatchNorm2d


def fuse_conv_bn(conv, bn):
    """A new Conv2d whose output equals ``bn(conv(x))`` with `bn` in eval mode.

    With s = gamma / sqrt(running_var + eps) per output channel, the fused weight is
    ``weight * s`` (scaled along the output channels) and the fused bias is
    ``(bias - running_mean) * s + beta``. The inputs are left unchanged.

    Examples
    --------
    >>> fused = nn.fuse_conv_bn(conv, bn)
    >>> np.allclose(fused(x).data, bn.eval()(conv(x)).data)
    True
    """
    if not isinstance(conv, Conv2d) or not isinstance(bn, BatchNorm2d):
        raise TypeError(
            f"fuse_conv_bn: expected a Conv2d and a BatchNorm2d, got {type(conv).__name__} "
            f"and {type(bn).__name__}"
        )
    if bn.num_features != conv.out_channels:
        raise ValueError(
            f"fuse_conv_bn: BatchNorm2d has {bn.num_features} features, the convolution "
            f"{conv.out_channels} output channels"
        )
    if bn.running_mean is None:
        raise ValueError("fuse_conv_bn: the batch norm tracks no running statistics (track_running_stats=False)")
    weight = conv.weight.data
    dtype = weight.dtype
    # Fold in float64, then return to the convolution's dtype.
    scale = 1.0 / np.sqrt(bn.running_var.data.astype(np.float64) + bn.eps)
    shift = -bn.running_mean.data.astype(np.float64)
    if conv.bias is not None:
        shift = shift + conv.bias.data
    if bn.weight is not None:
        scale = scale * bn.weight.data
    shift = shift * scale
    if bn.bias is not None:
        shift = shift + bn.bias.data
    fused = Conv2d(conv.in_channels, conv.out_channels, conv.kernel_size, stride=conv.stride,
                   padding=conv.padding, dilation=conv.dilation, groups=conv.groups, bias=True,
                   dtype=dtype)
    fused.weight.data[...] = weight * scale.reshape(-1, 1, 1, 1)
    fused.bias.data[...] = shift
    fused.train(conv.training)
    return fused
