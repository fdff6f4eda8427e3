"""Pooling over NCHW input (PyTorch's semantics): max_pool2d, avg_pool2d, their 1-D
forms, and adaptive average / max pooling.

Both work on the KH * KW strided views `x[..., kh::s, kw::s]` of the (padded) input,
one whole-array NumPy operation per kernel offset, so overlapping windows cost no
Python loop over positions and their gradients accumulate by slice-adds. When the
windows tile the input exactly (stride == kernel, no padding, sizes divisible) those
views are the (N, C, OH, KH, OW, KW) reshape of x, and backward writes each offset's
gradient straight into its view: no padded buffer, no zero fill, no accumulation.

Second derivatives: both VJPs are linear in g with constant routing (the saved winner
offsets, or the window layout). Under `create_graph=True` they get a Tensor g and
express the scatter as one registered `index_add` (getitem's adjoint) at the flat
indices of the routed elements, so the gradient is differentiable again; plain backward
keeps the fast strided kernels.
"""
import numpy as np

from autograd.function import Function, call, register, registry
from autograd.tensor import apply
from ops._util import check_float
from ops.conv import pad2d, pair, window_geometry, window_slice


class _Pool2d(Function):
    """Shared geometry (validated kernel, stride, padding, output size) and scatter."""

    def setup(self, x, kernel_size, stride, padding):
        check_float(self.name, x)
        kernel = pair(kernel_size, "kernel_size", self.name)
        stride = kernel if stride is None else pair(stride, "stride", self.name)
        padding = pair(padding, "padding", self.name)
        out_size = window_geometry(self.name, x.shape, kernel, stride, padding)
        if padding[0] * 2 > kernel[0] or padding[1] * 2 > kernel[1]:
            raise ValueError(
                f"{self.name}: padding {padding} should be at most half of the kernel size "
                f"{kernel} (input of shape {x.shape})")
        self.x_shape, self.dtype = x.shape, x.dtype
        self.layout = np.argsort(x.strides, kind="stable")[::-1]  # axes, outermost first in memory
        self.kernel, self.stride, self.padding, self.out_size = kernel, stride, padding, out_size
        # the windows tile the input exactly (stride == kernel, no padding, sizes divisible)
        self.tiled = (stride == kernel and padding == (0, 0)
                      and x.shape[2:] == (out_size[0] * kernel[0], out_size[1] * kernel[1]))

    def views(self, xp):
        """The (N, C, OH, OW) view of padded xp at every kernel offset, row-major order."""
        KH, KW = self.kernel
        return [xp[window_slice(kh, kw, self.out_size, self.stride)]
                for kh in range(KH) for kw in range(KW)]

    def window_index(self, offsets=None):
        """Flat indices into the padded input of the element at kernel offset `offsets`
        (an (N, C, OH, OW) array of offsets k = kh * KW + kw) of every window; of every
        element of every window, (N, C, OH, OW, KH * KW), when offsets is None."""
        N, C = self.x_shape[:2]
        Hp, Wp = (n + 2 * p for n, p in zip(self.x_shape[2:], self.padding))
        (OH, OW), (sh, sw), (KH, KW) = self.out_size, self.stride, self.kernel
        base = (np.arange(N * C).reshape(N, C, 1, 1) * (Hp * Wp)
                + (np.arange(OH) * sh * Wp).reshape(OH, 1) + np.arange(OW) * sw)
        if offsets is None:
            k = np.arange(KH * KW)
            return base[..., None] + (k // KW) * Wp + k % KW
        offsets = offsets.astype(np.int64)
        return base + (offsets // KW) * Wp + offsets % KW

    def scatter_graph(self, g, index):
        """The create_graph scatter: g (a Tensor) added at flat `index` of the padded input."""
        N, C, H, W = self.x_shape
        ph, pw = self.padding
        shape = (N, C, H + 2 * ph, W + 2 * pw)
        flat = call("index_add", g.reshape(-1), shape=(int(np.prod(shape)),), index=(index.reshape(-1),))
        return flat.reshape(shape)[:, :, ph:ph + H, pw:pw + W]

    def scatter(self, part):
        """gx (N, C, H, W) from part(k, out=None), the gradient at kernel offset k of every window.

        gx gets x's memory layout. Fast path for tiling windows: each element belongs to
        exactly one window, so each part is computed straight into its strided view of gx
        (no padded buffer, no zero fill, no accumulation).
        """
        H, W = self.x_shape[2:]
        ph, pw = self.padding
        shape = self.x_shape[:2] + (H + 2 * ph, W + 2 * pw)
        allocate = np.empty if self.tiled else np.zeros
        buffer = allocate([shape[i] for i in self.layout], self.dtype).transpose(np.argsort(self.layout))
        for k, view in enumerate(self.views(buffer)):
            if self.tiled:
                part(k, out=view)
            else:
                view += part(k)
        return buffer[:, :, ph:ph + H, pw:pw + W]


@register("max_pool2d")
class MaxPool2d(_Pool2d):
    """Max over each KH x KW window; the gradient goes to the first arg-max (as PyTorch)."""

    def forward(self, x, kernel_size, stride=None, padding=0):
        self.setup(x, kernel_size, stride, padding)
        views = self.views(pad2d(x, self.padding, -np.inf))
        out = views[0].copy(order="K")  # keeps x's memory layout
        for view in views[1:]:
            np.maximum(out, view, out=out)  # NaN propagates, as in PyTorch
        # arg: kernel offset of the FIRST maximum of each window. Going down from the last
        # offset, each hit lowers arg to k; plain integer arithmetic on 0/1 masks (much
        # faster than copyto(..., where=) here).
        arg = np.full_like(out, len(views) - 1, dtype=np.min_scalar_type(len(views) - 1))
        for k in range(len(views) - 2, -1, -1):
            hit = np.equal(views[k], out).view(np.uint8)
            arg -= hit * (arg - k)  # arg > k before, so no underflow
        self.save(arg)
        return out

    def vjp(self, g):
        (arg,) = self.saved
        if hasattr(g, "grad_fn"):  # create_graph: a recorded scatter at the winners
            return self.scatter_graph(g, self.window_index(_array(arg)))
        if (np.argsort(g.strides, kind="stable")[::-1] != self.layout).any():
            # one copy into x's (and arg's) memory layout, not KH * KW transposing reads
            ordered = np.empty_like(arg, dtype=g.dtype)
            ordered[...] = g
            g = ordered
        return self.scatter(lambda k, out=None: np.multiply(g, arg == k, out=out))


@register("avg_pool2d")
class AvgPool2d(_Pool2d):
    """Mean over each KH x KW window; zero padding counts in the divisor (PyTorch's default)."""

    def forward(self, x, kernel_size, stride=None, padding=0):
        self.setup(x, kernel_size, stride, padding)
        views = self.views(pad2d(x, self.padding))
        out = views[0].copy(order="K")
        for view in views[1:]:
            out += view
        out *= 1.0 / len(views)
        return out

    def vjp(self, g):
        scale = 1.0 / (self.kernel[0] * self.kernel[1])
        if hasattr(g, "grad_fn"):  # create_graph: every window element gets g * scale
            index = self.window_index()
            return self.scatter_graph((g * scale).reshape(g.shape + (1,)).broadcast_to(index.shape),
                                      index)
        return self.scatter(lambda k, out=None: np.multiply(g, scale, out=out))


def max_pool2d(x, kernel_size, stride=None, padding=0):
    """Max pooling of NCHW input; stride defaults to kernel_size, padding pads with -inf."""
    return apply(MaxPool2d, x, kernel_size=kernel_size, stride=stride, padding=padding)


def avg_pool2d(x, kernel_size, stride=None, padding=0):
    """Average pooling of NCHW input; zero padding counts in the divisor (as PyTorch)."""
    return apply(AvgPool2d, x, kernel_size=kernel_size, stride=stride, padding=padding)


def _array(a):
    """The ndarray behind a saved value (re-wrapped as a Tensor under create_graph)."""
    return a if isinstance(a, np.ndarray) else a.data


def _adaptive_size(op, output_size, in_size):
    """output_size (int, or a tuple with None for 'same as input') as a tuple of positive ints."""
    sizes = (output_size,) * len(in_size) if not isinstance(output_size, (tuple, list)) \
        else tuple(output_size)
    if len(sizes) != len(in_size):
        raise ValueError(f"{op}: output_size {output_size!r} should have {len(in_size)} entries")
    out = []
    for s, n in zip(sizes, in_size):
        if s is None:
            s = n
        if isinstance(s, bool) or not isinstance(s, (int, np.integer)) or s < 1:
            raise ValueError(f"{op}: output_size must hold positive ints (or None), got {output_size!r}")
        out.append(int(s))
    return tuple(out)


def adaptive_windows(in_size, out_size):
    """PyTorch's adaptive windows along one axis: [floor(i n / m), ceil((i + 1) n / m))."""
    starts = [(i * in_size) // out_size for i in range(out_size)]
    ends = [-((-(i + 1) * in_size) // out_size) for i in range(out_size)]
    return starts, ends


def _check_spatial(op, x, dims):
    if x.ndim != dims + 2:
        shape = "(N, C, L)" if dims == 1 else "(N, C, H, W)"
        raise ValueError(f"{op}: expected an input of shape {shape}, got shape {x.shape}")
    if 0 in x.shape[2:]:
        raise ValueError(f"{op}: input of shape {x.shape} has an empty spatial dimension")


class Separable(Function):
    """A linear map applied along H and W separately: out = rows @ x @ cols.T.

    rows (OH, H) and cols (OW, W) are constant matrices (adaptive averaging, linear
    interpolation, nearest-neighbour selection), so the VJP rows.T @ g @ cols is two
    GEMMs, written with `call("matmul")`: differentiable again under create_graph.
    """

    def apply_matrices(self, x, rows, cols):
        self.rows, self.cols = rows.astype(x.dtype), cols.astype(x.dtype)
        return np.matmul(np.matmul(self.rows, x), self.cols.T)  # (N, C, OH, W) -> (N, C, OH, OW)

    def vjp(self, g):
        return call("matmul", self.rows.T, call("matmul", g, self.cols))


@register("adaptive_avg_pool2d")
class AdaptiveAvgPool2d(Separable):
    """Mean over PyTorch's adaptive windows of (N, C, H, W) input, to (OH, OW)."""

    def forward(self, x, output_size):
        check_float("adaptive_avg_pool2d", x)
        _check_spatial("adaptive_avg_pool2d", x, 2)
        size = _adaptive_size("adaptive_avg_pool2d", output_size, x.shape[2:])
        rows, cols = (_average_matrix(n, m) for n, m in zip(x.shape[2:], size))
        return self.apply_matrices(x, rows, cols)


def _average_matrix(in_size, out_size):
    """(out, in) matrix whose row i averages adaptive window i."""
    matrix = np.zeros((out_size, in_size))
    for i, (start, end) in enumerate(zip(*adaptive_windows(in_size, out_size))):
        matrix[i, start:end] = 1.0 / (end - start)
    return matrix


@register("adaptive_max_pool2d")
class AdaptiveMaxPool2d(Function):
    """Max over PyTorch's adaptive windows of (N, C, H, W) input; gradient to the first arg-max."""

    def forward(self, x, output_size):
        check_float("adaptive_max_pool2d", x)
        _check_spatial("adaptive_max_pool2d", x, 2)
        N, C, H, W = x.shape
        OH, OW = _adaptive_size("adaptive_max_pool2d", output_size, (H, W))
        # flat (h * W + w) indices of every window's elements, row-major, padded to the
        # largest window with the window's own first element (never a new first arg-max)
        windows = []
        for hs, he in zip(*adaptive_windows(H, OH)):
            for ws, we in zip(*adaptive_windows(W, OW)):
                windows.append((np.arange(hs, he)[:, None] * W + np.arange(ws, we)).ravel())
        K = max(len(w) for w in windows)
        index = np.array([np.pad(w, (0, K - len(w)), mode="edge") for w in windows])  # (OH*OW, K)
        values = x.reshape(N, C, H * W)[:, :, index]  # (N, C, OH*OW, K)
        arg = values.argmax(axis=-1)[..., None]  # first maximum (NaN wins, as torch)
        out = np.take_along_axis(values, arg, axis=-1).reshape(N, C, OH, OW)
        winners = index[np.arange(OH * OW), arg[..., 0]]  # (N, C, OH*OW) flat in H*W
        self.x_shape = x.shape
        self.save((winners + (np.arange(N * C) * (H * W)).reshape(N, C, 1)).reshape(N, C, OH, OW))
        return out

    def vjp(self, g):
        (winners,) = self.saved
        flat = call("index_add", g.reshape(-1), shape=(int(np.prod(self.x_shape)),),
                    index=(_array(winners).reshape(-1),))
        return flat.reshape(self.x_shape)


def reshape(x, shape):
    """x (Tensor, array or list) reshaped by the registered rule (recorded when x needs grad)."""
    return apply(registry["reshape"], x, shape=tuple(shape))


def _as_2d(op, x, dims=1):
    """(N, C, L) input (or unbatched (C, L)) as (N, C, 1, L), and a function mapping back."""
    x = x if hasattr(x, "grad_fn") or isinstance(x, np.ndarray) else np.asarray(x)
    if x.ndim == 2:  # unbatched (C, L), as torch
        x4 = reshape(x, (1, x.shape[0], 1, x.shape[1]))
        return x4, lambda y: reshape(y, (y.shape[1], y.shape[3]))
    if x.ndim != 3:
        raise ValueError(f"{op}: expected an input of shape (N, C, L) or (C, L), got shape {x.shape}")
    x4 = reshape(x, (x.shape[0], x.shape[1], 1, x.shape[2]))
    return x4, lambda y: reshape(y, (y.shape[0], y.shape[1], y.shape[3]))


def _single(value, name, op):
    if isinstance(value, (tuple, list)) and len(value) == 1:
        value = value[0]
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{op}: {name} must be an int (or a 1-tuple), got {value!r}")
    return int(value)


def _pool1d(function, op, x, kernel_size, stride, padding):
    kernel = _single(kernel_size, "kernel_size", op)
    stride = kernel if stride is None else _single(stride, "stride", op)
    padding = _single(padding, "padding", op)
    x4, back = _as_2d(op, x)
    try:
        y = function(x4, (1, kernel), stride=(1, stride), padding=(0, padding))
    except ValueError as e:  # name the 1-D op and its own arguments
        raise ValueError(f"{op}: kernel_size={kernel}, stride={stride}, padding={padding} do not fit "
                         f"input of shape {tuple(x.shape)} ({e})") from None
    return back(y)


def max_pool1d(x, kernel_size, stride=None, padding=0):
    """Max pooling of (N, C, L) input, as torch.nn.functional.max_pool1d (pads with -inf)."""
    return _pool1d(max_pool2d, "max_pool1d", x, kernel_size, stride, padding)


def avg_pool1d(x, kernel_size, stride=None, padding=0):
    """Average pooling of (N, C, L) input; zero padding counts in the divisor (as torch)."""
    return _pool1d(avg_pool2d, "avg_pool1d", x, kernel_size, stride, padding)


def adaptive_avg_pool2d(x, output_size):
    """Mean over adaptive windows, as torch.nn.functional.adaptive_avg_pool2d.

    output_size is an int or an (OH, OW) pair; None in the pair keeps that input size.
    """
    return apply(AdaptiveAvgPool2d, x, output_size=output_size)


def adaptive_max_pool2d(x, output_size):
    """Max over adaptive windows, as torch.nn.functional.adaptive_max_pool2d (no indices)."""
    return apply(AdaptiveMaxPool2d, x, output_size=output_size)


def adaptive_avg_pool1d(x, output_size):
    """Mean over adaptive windows of (N, C, L) input, as torch's adaptive_avg_pool1d."""
    return _adaptive1d(adaptive_avg_pool2d, "adaptive_avg_pool1d", x, output_size)


def adaptive_max_pool1d(x, output_size):
    """Max over adaptive windows of (N, C, L) input, as torch's adaptive_max_pool1d."""
    return _adaptive1d(adaptive_max_pool2d, "adaptive_max_pool1d", x, output_size)


def _adaptive1d(function, op, x, output_size):
    size = _single(output_size, "output_size", op)
    if size < 1:
        raise ValueError(f"{op}: output_size must be a positive int, got {output_size!r}")
    x4, back = _as_2d(op, x)
    if x4.shape[3] == 0:
        raise ValueError(f"{op}: input of shape {tuple(x.shape)} has an empty length dimension")
    return back(function(x4, (1, size)))
