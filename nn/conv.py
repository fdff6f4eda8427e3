"""Convolution layers beyond Conv2d: Conv1d, ConvTranspose1d, ConvTranspose2d.

Arguments, defaults, initialisation and state_dict keys follow `torch.nn`: `weight` is
(out_channels, in_channels/groups, K...) for Conv1d and (in_channels, out_channels/groups,
K...) for the transposed layers, and `bias` is (out_channels,). Each layer calls one
function of `ops.conv` (conv1d, conv_transpose1d, conv_transpose2d), all twice differentiable.
"""
import numpy as np

from nn.layers import _WeightAndBias, float_dtype, pair, positive_int
from nn.parameter import Parameter
from ops.conv import conv1d, conv_transpose1d, conv_transpose2d


def single(value, name, layer, minimum=0):
    """An int or a 1-tuple of ints as a 1-tuple, >= minimum."""
    values = (value,) if isinstance(value, (int, np.integer)) else tuple(value)
    if len(values) != 1 or any(
        isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < minimum for v in values
    ):
        raise ValueError(f"{layer}: {name} must be an int or a 1-tuple of ints >= {minimum}, "
                         f"got {value!r}")
    return (int(values[0]),)


class _ConvNd(_WeightAndBias):
    """Arguments and parameters shared by the layers; `dims` is 1 or 2, `transposed` says
    which weight layout."""

    dims = 2
    transposed = False

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0,
                 output_padding=0, groups=1, bias=True, dilation=1, padding_mode="zeros",
                 dtype=None):
        super().__init__()
        layer = type(self).__name__
        tuple_of = single if self.dims == 1 else pair
        self.in_channels = positive_int(in_channels, "in_channels", layer)
        self.out_channels = positive_int(out_channels, "out_channels", layer)
        self.kernel_size = tuple_of(kernel_size, "kernel_size", layer, minimum=1)
        self.stride = tuple_of(stride, "stride", layer, minimum=1)
        self.padding = tuple_of(padding, "padding", layer)
        self.dilation = tuple_of(dilation, "dilation", layer, minimum=1)
        self.output_padding = tuple_of(output_padding, "output_padding", layer)
        self.groups = positive_int(groups, "groups", layer)
        if padding_mode != "zeros":
            raise ValueError(
                f"{layer}: only padding_mode='zeros' is supported, got {padding_mode!r}")
        self.padding_mode = padding_mode
        if in_channels % groups or out_channels % groups:
            raise ValueError(
                f"{layer}: in_channels ({in_channels}) and out_channels ({out_channels}) must "
                f"be divisible by groups ({groups})")
        if any(o >= max(s, d) for o, s, d in zip(self.output_padding, self.stride, self.dilation)):
            raise ValueError(f"{layer}: output_padding {self.output_padding} must be smaller "
                             f"than either the stride {self.stride} or the dilation "
                             f"{self.dilation}")
        if self.transposed:
            shape = (in_channels, out_channels // groups) + self.kernel_size
        else:
            shape = (out_channels, in_channels // groups) + self.kernel_size
        dtype = float_dtype(dtype, layer)
        self.weight = Parameter(np.empty(shape, dtype))
        self.register_parameter("bias", Parameter(np.empty(out_channels, dtype)) if bias else None)
        # torch's fan_in is weight axis 1 times the kernel: in_channels/groups * K for
        # Conv1d, out_channels/groups * K for the transposed layers (as torch)
        self.reset_parameters()

    def extra_repr(self):
        text = (f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
                f"stride={self.stride}")
        zeros = (0,) * self.dims
        if self.padding != zeros:
            text += f", padding={self.padding}"
        if self.dilation != (1,) * self.dims:
            text += f", dilation={self.dilation}"
        if self.output_padding != zeros:
            text += f", output_padding={self.output_padding}"
        if self.groups != 1:
            text += f", groups={self.groups}"
        if self.bias is None:
            text += ", bias=False"
        return text


class Conv1d(_ConvNd):
    """1-D convolution over (N, C, L) input, weight (out_channels, in_channels/groups, K).

    Initialised as PyTorch (kaiming-uniform with a = sqrt(5); bias in +-1/sqrt(fan_in),
    fan_in = in_channels/groups * K).

    Parameters
    ----------
    in_channels, out_channels : int
    kernel_size, stride, padding, dilation : int or 1-tuple
    groups : int
    bias : bool
    padding_mode : 'zeros' (the only mode)
    dtype : dtype, optional

    Examples
    --------
    >>> conv = nn.Conv1d(16, 33, 3, stride=2)
    >>> conv(Tensor(np.zeros((20, 16, 50), np.float32))).shape
    (20, 33, 24)
    """

    dims = 1

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1,
                 groups=1, bias=True, padding_mode="zeros", dtype=None):
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, 0, groups,
                         bias, dilation, padding_mode, dtype)

    def forward(self, x):
        return conv1d(x, self.weight, self.bias, stride=self.stride, padding=self.padding,
                          dilation=self.dilation, groups=self.groups)


class _ConvTransposeNd(_ConvNd):
    transposed = True

    def _output_padding(self, x, output_size):
        """torch's `output_size=` argument: the output_padding that gives that size."""
        if output_size is None:
            return self.output_padding
        output_size = tuple(output_size)[-self.dims:]
        layer = type(self).__name__
        if len(output_size) != self.dims:
            raise ValueError(f"{layer}: output_size must have {self.dims} spatial sizes, "
                             f"got {output_size}")
        padding = []
        for n, size, s, p, d, k in zip(x.shape[-self.dims:], output_size, self.stride,
                                       self.padding, self.dilation, self.kernel_size):
            smallest = (n - 1) * s - 2 * p + d * (k - 1) + 1
            if not smallest <= size < smallest + max(s, d):
                raise ValueError(f"{layer}: requested output size {output_size} is not "
                                 f"reachable from input of shape {tuple(x.shape)}: each size "
                                 f"must be in [{smallest}, {smallest + max(s, d) - 1}]")
            padding.append(size - smallest)
        return tuple(padding)


class ConvTranspose1d(_ConvTransposeNd):
    """Transposed 1-D convolution, weight (in_channels, out_channels/groups, K).

    Output length (L - 1) stride - 2 padding + dilation (K - 1) + output_padding + 1.
    Initialised as PyTorch (kaiming-uniform with a = sqrt(5) over fan_in =
    out_channels/groups * K, as torch computes it for this layout).

    Examples
    --------
    >>> up = nn.ConvTranspose1d(8, 4, 4, stride=2, padding=1)
    >>> up(Tensor(np.zeros((2, 8, 10), np.float32))).shape
    (2, 4, 20)
    """

    dims = 1

    def forward(self, x, output_size=None):
        return conv_transpose1d(x, self.weight, self.bias, stride=self.stride,
                                    padding=self.padding,
                                    output_padding=self._output_padding(x, output_size),
                                    groups=self.groups, dilation=self.dilation)


class ConvTranspose2d(_ConvTransposeNd):
    """Transposed 2-D convolution ("deconvolution"), weight (in_channels,
    out_channels/groups, KH, KW).

    Output size (H - 1) stride - 2 padding + dilation (KH - 1) + output_padding + 1 per
    axis; `forward(x, output_size=None)` may instead name the size wanted, as torch.
    Initialised as PyTorch (kaiming-uniform with a = sqrt(5) over fan_in =
    out_channels/groups * KH * KW).

    Parameters
    ----------
    in_channels, out_channels : int
    kernel_size, stride, padding, output_padding, dilation : int or pair of ints
    groups : int
    bias : bool
    padding_mode : 'zeros' (the only mode)
    dtype : dtype, optional

    Examples
    --------
    >>> up = nn.ConvTranspose2d(16, 8, 3, stride=2, padding=1, output_padding=1)
    >>> up(Tensor(np.zeros((4, 16, 7, 7), np.float32))).shape
    (4, 8, 14, 14)
    """

    def forward(self, x, output_size=None):
        return conv_transpose2d(x, self.weight, self.bias, stride=self.stride,
                                    padding=self.padding,
                                    output_padding=self._output_padding(x, output_size),
                                    groups=self.groups, dilation=self.dilation)
