"""Pooling, resampling and reshaping layers: MaxPool1d AvgPool1d AdaptiveAvgPool1d
AdaptiveAvgPool2d AdaptiveMaxPool1d AdaptiveMaxPool2d Upsample PixelShuffle
PixelUnshuffle Unflatten. Arguments and defaults follow `torch.nn`; each layer calls
one op (no parameters, nothing in the state dict).
"""
import numpy as np

import ops
from nn.module import Module


def _int_or_tuple(value, name, layer, minimum):
    """An int or a tuple of ints (each >= minimum), kept as given (torch keeps it too)."""
    values = value if isinstance(value, (tuple, list)) else (value,)
    if not values or any(isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < minimum
                         for v in values):
        raise ValueError(f"{layer}: {name} must be an int or a tuple of ints >= {minimum}, "
                         f"got {value!r}")
    return tuple(value) if isinstance(value, list) else value


class _Pool1d(Module):
    def __init__(self, kernel_size, stride=None, padding=0):
        super().__init__()
        layer = type(self).__name__
        self.kernel_size = _int_or_tuple(kernel_size, "kernel_size", layer, 1)
        self.stride = self.kernel_size if stride is None else _int_or_tuple(stride, "stride", layer, 1)
        self.padding = _int_or_tuple(padding, "padding", layer, 0)

    def extra_repr(self):
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class MaxPool1d(_Pool1d):
    """Max over windows of (N, C, L) input (stride defaults to the kernel size).

    Examples
    --------
    >>> nn.MaxPool1d(2)(Tensor(np.zeros((1, 3, 8)))).shape
    (1, 3, 4)
    """

    def forward(self, x):
        return ops.max_pool1d(x, self.kernel_size, stride=self.stride, padding=self.padding)


class AvgPool1d(_Pool1d):
    """Mean over windows of (N, C, L) input (zero padding counts in the divisor, as torch)."""

    def forward(self, x):
        return ops.avg_pool1d(x, self.kernel_size, stride=self.stride, padding=self.padding)


class _Adaptive(Module):
    def __init__(self, output_size):
        super().__init__()
        self.output_size = output_size

    def extra_repr(self):
        return f"output_size={self.output_size}"


class AdaptiveAvgPool1d(_Adaptive):
    """Mean over torch's adaptive windows of (N, C, L) input, to length `output_size`."""

    def forward(self, x):
        return ops.adaptive_avg_pool1d(x, self.output_size)


class AdaptiveAvgPool2d(_Adaptive):
    """Mean over torch's adaptive windows of (N, C, H, W) input, to `output_size`.

    Examples
    --------
    >>> nn.AdaptiveAvgPool2d(1)(Tensor(np.zeros((2, 8, 5, 7)))).shape   # global average
    (2, 8, 1, 1)
    """

    def forward(self, x):
        return ops.adaptive_avg_pool2d(x, self.output_size)


class AdaptiveMaxPool1d(_Adaptive):
    """Max over torch's adaptive windows of (N, C, L) input."""

    def forward(self, x):
        return ops.adaptive_max_pool1d(x, self.output_size)


class AdaptiveMaxPool2d(_Adaptive):
    """Max over torch's adaptive windows of (N, C, H, W) input (gradient to the first arg-max)."""

    def forward(self, x):
        return ops.adaptive_max_pool2d(x, self.output_size)


class Upsample(Module):
    """Resampling layer: `ops.interpolate` with fixed size or scale_factor, as torch.nn.Upsample.

    Examples
    --------
    >>> nn.Upsample(scale_factor=2, mode="bilinear")(Tensor(np.zeros((1, 3, 4, 4)))).shape
    (1, 3, 8, 8)
    """

    def __init__(self, size=None, scale_factor=None, mode="nearest", align_corners=None,
                 recompute_scale_factor=None):
        super().__init__()
        if (size is None) == (scale_factor is None):
            raise ValueError("Upsample: give exactly one of size and scale_factor")
        self.size = size
        self.scale_factor = float(scale_factor) if isinstance(scale_factor, (int, float)) \
            else scale_factor
        self.mode = mode
        self.align_corners = align_corners
        self.recompute_scale_factor = recompute_scale_factor

    def forward(self, x):
        return ops.interpolate(x, size=self.size, scale_factor=self.scale_factor, mode=self.mode,
                               align_corners=self.align_corners,
                               recompute_scale_factor=self.recompute_scale_factor)

    def extra_repr(self):
        if self.scale_factor is not None:
            info = f"scale_factor={self.scale_factor!r}"
        else:
            info = f"size={self.size!r}"
        return f"{info}, mode={self.mode!r}"


class PixelShuffle(Module):
    """(N, C r^2, H, W) to (N, C, H r, W r) (sub-pixel convolution's rearrangement)."""

    def __init__(self, upscale_factor):
        super().__init__()
        self.upscale_factor = upscale_factor

    def forward(self, x):
        return ops.pixel_shuffle(x, self.upscale_factor)

    def extra_repr(self):
        return f"upscale_factor={self.upscale_factor}"


class PixelUnshuffle(Module):
    """(N, C, H r, W r) to (N, C r^2, H, W): PixelShuffle's inverse."""

    def __init__(self, downscale_factor):
        super().__init__()
        self.downscale_factor = downscale_factor

    def forward(self, x):
        return ops.pixel_unshuffle(x, self.downscale_factor)

    def extra_repr(self):
        return f"downscale_factor={self.downscale_factor}"


class Unflatten(Module):
    """Split dimension `dim` into `unflattened_size`, as torch.nn.Unflatten (Flatten's inverse).

    Examples
    --------
    >>> nn.Unflatten(1, (2, 5))(Tensor(np.zeros((3, 10)))).shape
    (3, 2, 5)
    """

    def __init__(self, dim, unflattened_size):
        super().__init__()
        if isinstance(dim, bool) or not isinstance(dim, (int, np.integer)):
            raise TypeError(f"Unflatten: dim must be an int, got {dim!r}")
        sizes = tuple(unflattened_size) if isinstance(unflattened_size, (tuple, list)) else None
        if not sizes or any(isinstance(n, bool) or not isinstance(n, (int, np.integer))
                            or (n < 1 and n != -1) for n in sizes) or sizes.count(-1) > 1:
            raise ValueError(f"Unflatten: unflattened_size must be a tuple of positive ints (one "
                             f"may be -1), got {unflattened_size!r}")
        self.dim = int(dim)
        self.unflattened_size = sizes

    def forward(self, x):
        shape = tuple(x.shape)
        if not -len(shape) <= self.dim < len(shape):
            raise ValueError(f"Unflatten: dim {self.dim} is out of range for input of shape {shape}")
        dim = self.dim % len(shape)
        sizes = self.unflattened_size
        known = int(np.prod([n for n in sizes if n != -1]))
        if -1 in sizes:
            if shape[dim] % known:
                raise ValueError(f"Unflatten: size {shape[dim]} of dim {self.dim} cannot be split "
                                 f"into {sizes} (input of shape {shape})")
            sizes = tuple(shape[dim] // known if n == -1 else n for n in sizes)
        elif known != shape[dim]:
            raise ValueError(f"Unflatten: unflattened_size {sizes} does not multiply to the size "
                             f"{shape[dim]} of dim {self.dim} (input of shape {shape})")
        return x.reshape(shape[:dim] + sizes + shape[dim + 1:])

    def extra_repr(self):
        return f"dim={self.dim}, unflattened_size={self.unflattened_size}"
