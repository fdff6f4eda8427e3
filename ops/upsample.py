"""Resampling of NCHW (or NCL) input: interpolate (nearest, linear / bilinear) and the
pixel shuffles, with torch.nn.functional's names, arguments and index arithmetic.

Nearest and (bi)linear interpolation are separable linear maps: along each spatial
axis an (out, in) matrix of weights, so `interpolate` is out = rows @ x @ cols.T (the
`Separable` rule shared with adaptive average pooling) and its VJP two GEMMs,
differentiable again. The pixel shuffles are a reshape and a transpose (composites of
registered ops, so they need no rule of their own).
"""
import math

import numpy as np

from autograd.function import register, registry
from autograd.tensor import apply
from ops._util import check_float
from ops.pool import Separable, reshape

MODES = {"nearest": (1, 2), "linear": (1,), "bilinear": (2,)}  # mode -> spatial ranks


def _sizes(op, in_size, size, scale_factor):
    """(output sizes, scales used by the index mapping or None) per spatial axis."""
    dims = len(in_size)
    if (size is None) == (scale_factor is None):
        raise ValueError(f"{op}: give exactly one of size and scale_factor")
    if size is not None:
        sizes = tuple(size) if isinstance(size, (tuple, list)) else (size,) * dims
        if len(sizes) != dims or any(isinstance(s, bool) or not isinstance(s, (int, np.integer))
                                     or s < 1 for s in sizes):
            raise ValueError(f"{op}: size must be a positive int or {dims} positive ints, got {size!r}")
        return tuple(int(s) for s in sizes), (None,) * dims
    scales = tuple(scale_factor) if isinstance(scale_factor, (tuple, list)) else (scale_factor,) * dims
    if len(scales) != dims or any(isinstance(s, bool) or not isinstance(s, (int, float, np.number))
                                  or not s > 0 for s in scales):
        raise ValueError(f"{op}: scale_factor must be a positive number or {dims} of them, "
                         f"got {scale_factor!r}")
    sizes = tuple(int(math.floor(n * float(s))) for n, s in zip(in_size, scales))
    if min(sizes) < 1:
        raise ValueError(f"{op}: scale_factor {scale_factor!r} gives an empty output for input "
                         f"sizes {tuple(in_size)}")
    return sizes, tuple(float(s) for s in scales)


def _nearest_matrix(in_size, out_size, scale_factor, shortcut):
    """torch's 'nearest': source index floor(dst * scale), in float32 as torch computes it;
    2-D input takes torch's shortcut for an unchanged size (a copy, whatever scale_factor
    says), 1-D input does not (torch 2.x's kernels differ there)."""
    dst = np.arange(out_size)
    if out_size == in_size and shortcut:
        source = dst
    elif out_size == 2 * in_size:  # same as the formula below, exactly
        source = dst // 2
    else:
        scale = np.float32(in_size / out_size if scale_factor is None else 1.0 / scale_factor)
        source = np.floor(dst.astype(np.float32) * scale).astype(np.int64)
    matrix = np.zeros((out_size, in_size))
    matrix[np.arange(out_size), np.minimum(source, in_size - 1)] = 1.0
    return matrix


def _linear_matrix(in_size, out_size, scale_factor, align_corners):
    """torch's linear weights: source coordinate per output index, two neighbours each
    (an axis whose size does not change is copied, whatever scale_factor says, as torch)."""
    if out_size == in_size:
        return np.eye(in_size)
    dst = np.arange(out_size, dtype=np.float64)
    if align_corners:
        source = dst * ((in_size - 1) / (out_size - 1) if out_size > 1 else 0.0)
    else:
        scale = in_size / out_size if scale_factor is None else 1.0 / scale_factor
        source = np.maximum((dst + 0.5) * scale - 0.5, 0.0)
    low = np.floor(source).astype(np.int64)
    high = np.minimum(low + 1, in_size - 1)
    weight = source - low
    matrix = np.zeros((out_size, in_size))
    np.add.at(matrix, (np.arange(out_size), low), 1.0 - weight)
    np.add.at(matrix, (np.arange(out_size), high), weight)
    return matrix


@register("interpolate")
class Interpolate(Separable):
    """Nearest or (bi)linear resampling of (N, C, L) or (N, C, H, W) input."""

    def forward(self, x, size=None, scale_factor=None, mode="nearest", align_corners=None):
        check_float("interpolate", x)
        if mode not in MODES:
            raise ValueError(f"interpolate: mode must be one of {sorted(MODES)}, got {mode!r}")
        if x.ndim - 2 not in MODES[mode]:
            raise ValueError(f"interpolate: mode {mode!r} takes input of rank "
                             f"{' or '.join(str(d + 2) for d in MODES[mode])}, got shape {x.shape}")
        if mode == "nearest" and align_corners is not None:
            raise ValueError("interpolate: align_corners can only be set with the linear modes "
                             "(linear, bilinear)")
        if 0 in x.shape[2:]:
            raise ValueError(f"interpolate: input of shape {x.shape} has an empty spatial dimension")
        sizes, scales = _sizes("interpolate", x.shape[2:], size, scale_factor)
        if mode == "nearest":
            matrices = [_nearest_matrix(n, m, s, x.ndim == 4)
                        for n, m, s in zip(x.shape[2:], sizes, scales)]
        else:
            matrices = [_linear_matrix(n, m, s, bool(align_corners))
                        for n, m, s in zip(x.shape[2:], sizes, scales)]
        if x.ndim == 3:  # one spatial axis: the rows map is the 1 x 1 identity
            return self.apply_matrices(x[:, :, None, :], np.ones((1, 1)), matrices[0])[:, :, 0, :]
        return self.apply_matrices(x, *matrices)

    def vjp(self, g):
        if g.ndim == 3:
            return super().vjp(g.reshape(g.shape[:2] + (1,) + g.shape[2:])).reshape(
                g.shape[:2] + (self.cols.shape[1],))
        return super().vjp(g)


def interpolate(input, size=None, scale_factor=None, mode="nearest", align_corners=None,
                recompute_scale_factor=None):
    """Resample `input` as torch.nn.functional.interpolate.

    Modes 'nearest' (3-D or 4-D input), 'linear' (3-D) and 'bilinear' (4-D); give `size`
    (an int or one int per spatial axis) or `scale_factor` (output size floor(n * s),
    and the index mapping uses 1 / s as torch does unless `recompute_scale_factor`).

    Examples
    --------
    >>> interpolate(x, scale_factor=2, mode="bilinear", align_corners=False).shape
    (1, 3, 16, 16)
    """
    if recompute_scale_factor and scale_factor is not None:
        size, _ = _sizes("interpolate", _shape(input)[2:], None, scale_factor)
        scale_factor = None
    return apply(Interpolate, input, size=size, scale_factor=scale_factor, mode=mode,
                 align_corners=align_corners)


def transpose(x, axes):
    """x with its axes permuted by the registered rule (recorded when x needs grad)."""
    return apply(registry["transpose"], x, axes=tuple(axes))


def _shape(x):
    """Shape of a Tensor, array or nested list (without NumPy's conversion of a Tensor)."""
    return tuple(x.shape) if hasattr(x, "shape") else np.shape(x)


def _factor(value, name, op):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{op}: {name} must be a positive int, got {value!r}")
    return int(value)


def pixel_shuffle(input, upscale_factor):
    """(N, C r^2, H, W) to (N, C, H r, W r), as torch.nn.functional.pixel_shuffle."""
    r = _factor(upscale_factor, "upscale_factor", "pixel_shuffle")
    shape = _shape(input)
    if len(shape) < 3 or shape[-3] % (r * r):
        raise ValueError(f"pixel_shuffle: expected input of shape (..., C * {r * r}, H, W), got {shape}")
    *lead, C, H, W = shape
    n = len(lead)
    x = reshape(input, (*lead, C // (r * r), r, r, H, W))
    x = transpose(x, (*range(n), n, n + 3, n + 1, n + 4, n + 2))  # (..., C, H, r, W, r)
    return reshape(x, (*lead, C // (r * r), H * r, W * r))


def pixel_unshuffle(input, downscale_factor):
    """(N, C, H r, W r) to (N, C r^2, H, W): pixel_shuffle's inverse, as torch."""
    r = _factor(downscale_factor, "downscale_factor", "pixel_unshuffle")
    shape = _shape(input)
    if len(shape) < 3 or shape[-1] % r or shape[-2] % r:
        raise ValueError(f"pixel_unshuffle: height and width of input of shape {shape} must be "
                         f"divisible by {r}")
    *lead, C, H, W = shape
    n = len(lead)
    x = reshape(input, (*lead, C, H // r, r, W // r, r))
    x = transpose(x, (*range(n), n, n + 2, n + 4, n + 1, n + 3))  # (..., C, r, r, H/r, W/r)
    return reshape(x, (*lead, C * r * r, H // r, W // r))
