"""Layers with parameters or shape logic: Linear Conv2d MaxPool2d AvgPool2d Dropout
Flatten Identity. Arguments, defaults and initialisation follow `torch.nn`."""
import math

import numpy as np

import ops
from autograd.mode import get_default_dtype
from nn import init
from nn.module import Module
from nn.parameter import Parameter


def float_dtype(dtype, layer):
    """`dtype` (default: npgrad's default float dtype), checked to be floating point."""
    dtype = get_default_dtype() if dtype is None else np.dtype(dtype)
    if dtype.kind != "f":
        raise TypeError(f"{layer}: parameters need a float dtype, got {dtype}")
    return dtype


def positive_int(value, name, layer):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value <= 0:
        raise ValueError(f"{layer}: {name} must be a positive integer, got {value!r}")
    return int(value)


def pair(value, name, layer, minimum=0):
    """An int or a pair of ints as a pair, each >= minimum."""
    values = (value, value) if isinstance(value, (int, np.integer)) else tuple(value)
    if len(values) != 2 or any(
        isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < minimum for v in values
    ):
        raise ValueError(f"{layer}: {name} must be an int or a pair of ints >= {minimum}, got {value!r}")
    return tuple(int(v) for v in values)


class _WeightAndBias(Module):
    """Shared by Linear and Conv2d: a weight (out, in, ...), an optional bias, and
    PyTorch's default initialisation."""

    def _create(self, weight_shape, bias, dtype):
        dtype = float_dtype(dtype, type(self).__name__)
        self.weight = Parameter(np.empty(weight_shape, dtype))
        self.register_parameter("bias", Parameter(np.empty(weight_shape[0], dtype)) if bias else None)
        self.reset_parameters()

    def reset_parameters(self):
        """Redraw from PyTorch's default: kaiming-uniform(a=sqrt(5)) weights, i.e.
        U(-1/sqrt(fan_in), 1/sqrt(fan_in)), and a bias from the same range."""
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in = init.fans(self.weight)[0]
            bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0.0
            init.uniform_(self.bias, -bound, bound)


class Linear(_WeightAndBias):
    """y = x @ weight.T + bias, weight (out_features, in_features).

    Initialised as PyTorch: weight kaiming-uniform with a = sqrt(5), i.e.
    U(-1/sqrt(in_features), 1/sqrt(in_features)), and the bias from the same range.

    Parameters
    ----------
    in_features, out_features : int
    bias : bool
        Learn an additive bias.
    dtype : dtype, optional
        Parameter dtype (default: `autograd.get_default_dtype()`, float32).

    Examples
    --------
    >>> layer = nn.Linear(784, 10)
    >>> layer(Tensor(np.zeros((32, 784), np.float32))).shape
    (32, 10)
    """

    def __init__(self, in_features, out_features, bias=True, dtype=None):
        super().__init__()
        self.in_features = positive_int(in_features, "in_features", "Linear")
        self.out_features = positive_int(out_features, "out_features", "Linear")
        self._create((out_features, in_features), bias, dtype)

    def forward(self, x):
        return ops.linear(x, self.weight, self.bias)

    def extra_repr(self):
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"


class Conv2d(_WeightAndBias):
    """2-D convolution over NCHW input, weight (out_channels, in_channels/groups, KH, KW).

    Initialised as PyTorch (kaiming-uniform with a = sqrt(5); bias in
    +-1/sqrt(fan_in), fan_in = in_channels/groups * KH * KW).

    Parameters
    ----------
    in_channels, out_channels : int
    kernel_size, stride, padding, dilation : int or pair of ints
    groups : int
        in_channels and out_channels must both be divisible by it.
    bias : bool
    dtype : dtype, optional

    Examples
    --------
    >>> conv = nn.Conv2d(3, 16, 3, padding=1)
    >>> conv(Tensor(np.zeros((8, 3, 32, 32), np.float32))).shape
    (8, 16, 32, 32)
    """

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0,
                 dilation=1, groups=1, bias=True, dtype=None):
        super().__init__()
        self.in_channels = positive_int(in_channels, "in_channels", "Conv2d")
        self.out_channels = positive_int(out_channels, "out_channels", "Conv2d")
        self.kernel_size = pair(kernel_size, "kernel_size", "Conv2d", minimum=1)
        self.stride = pair(stride, "stride", "Conv2d", minimum=1)
        self.padding = pair(padding, "padding", "Conv2d")
        self.dilation = pair(dilation, "dilation", "Conv2d", minimum=1)
        self.groups = positive_int(groups, "groups", "Conv2d")
        if in_channels % groups or out_channels % groups:
            raise ValueError(
                f"Conv2d: in_channels ({in_channels}) and out_channels ({out_channels}) must "
                f"be divisible by groups ({groups})"
            )
        self._create((out_channels, in_channels // groups) + self.kernel_size, bias, dtype)

    def forward(self, x):
        return ops.conv2d(x, self.weight, self.bias, stride=self.stride, padding=self.padding,
                          dilation=self.dilation, groups=self.groups)

    def extra_repr(self):
        text = f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, stride={self.stride}"
        if self.padding != (0, 0):
            text += f", padding={self.padding}"
        if self.dilation != (1, 1):
            text += f", dilation={self.dilation}"
        if self.groups != 1:
            text += f", groups={self.groups}"
        if self.bias is None:
            text += ", bias=False"
        return text


class _Pool2d(Module):
    def __init__(self, kernel_size, stride=None, padding=0):
        super().__init__()
        layer = type(self).__name__
        self.kernel_size = pair(kernel_size, "kernel_size", layer, minimum=1)
        self.stride = self.kernel_size if stride is None else pair(stride, "stride", layer, minimum=1)
        self.padding = pair(padding, "padding", layer)

    def extra_repr(self):
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class MaxPool2d(_Pool2d):
    """Max over KH x KW windows (stride defaults to the kernel size; pads with -inf).

    Examples
    --------
    >>> nn.MaxPool2d(2)(Tensor(np.zeros((1, 1, 8, 8)))).shape
    (1, 1, 4, 4)
    """

    def forward(self, x):
        return ops.max_pool2d(x, self.kernel_size, stride=self.stride, padding=self.padding)


class AvgPool2d(_Pool2d):
    """Mean over KH x KW windows (zero padding counts in the divisor, as PyTorch)."""

    def forward(self, x):
        return ops.avg_pool2d(x, self.kernel_size, stride=self.stride, padding=self.padding)


class Dropout(Module):
    """Inverted dropout: zero each element with probability `p` while training.

    Examples
    --------
    >>> drop = nn.Dropout(0.5)
    >>> drop.eval()(x) is x     # identity in eval mode
    """

    def __init__(self, p=0.5, inplace=False):
        super().__init__()
        if isinstance(p, bool) or not isinstance(p, (int, float)) or not 0 <= p <= 1:
            raise ValueError(f"Dropout: p must be a probability in [0, 1], got {p!r}")
        self.p = float(p)
        self.inplace = inplace  # accepted for porting; npgrad never modifies inputs

    def forward(self, x):
        if not self.training or self.p == 0:
            return x
        return ops.dropout(x, self.p, training=True)

    def extra_repr(self):
        return f"p={self.p}"


class Flatten(Module):
    """Flatten dimensions start_dim..end_dim into one (default: all but the batch)."""

    def __init__(self, start_dim=1, end_dim=-1):
        super().__init__()
        self.start_dim = start_dim
        self.end_dim = end_dim

    def forward(self, x):
        shape = x.shape
        ndim = max(len(shape), 1)
        for name, dim in (("start_dim", self.start_dim), ("end_dim", self.end_dim)):
            if not -ndim <= dim < ndim:
                raise ValueError(f"Flatten: {name} {dim} is out of range for an input of shape "
                                 f"{shape} (expected {-ndim} to {ndim - 1})")
        start = self.start_dim % ndim
        end = self.end_dim % ndim
        if start > end:
            raise ValueError(
                f"Flatten: start_dim {self.start_dim} comes after end_dim {self.end_dim} "
                f"for an input of shape {shape}"
            )
        return x.reshape(shape[:start] + (int(np.prod(shape[start:end + 1])),) + shape[end + 1:])

    def extra_repr(self):
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"


class Identity(Module):
    """Returns its input unchanged (arguments are accepted and ignored)."""

    def __init__(self, *args, **kwargs):
        super().__init__()

    def forward(self, x):
        return x
