"""Pooling over NCHW input (PyTorch's semantics): max_pool2d, avg_pool2d, their 1-D
forms, and adaptive average / max pooling.

Both work on the KH * KW strided views `x[..., kh::s, kw::s]` of the (padded) input,
one whole-array NumPy operation per kernel offset, so overlapping windows cost no
Python loop over positions and their gradients accumulate by slice-adds. When the
windows tile the input exactly (stride == kernel, no padding, sizes divisible) those
views are the (N, C, OH, KH, OW, KW) reshape of x, and backward writes each offset's
gradient straight into its view: no padded buffer, no zero fill, no accumulation.

Max pooling saves the winner's kernel offset per window (uint8, 1/KH*KW of x's
elements). Over tiling windows of an input stored with H, W innermost (C-contiguous,
or conv2d's channel-major output) the forward reduces each window row first, then the
rows: the first maximum of each row, then the first row holding the window's maximum,
is the first maximum in row-major order (PyTorch's winner). 2x2 windows, the common
case, run as whole-buffer passes (see `_max_2x2_block`). NaN propagates and, as in
PyTorch's scan, its window's gradient goes to the last NaN.

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

    def flat_windows(self, x):
        """Tiling windows of x as (M, KH, OW, KW) over x's memory (M = N * C * OH, in x's
        order of N and C), or None when they do not tile or x is not contiguous in a
        layout with H, W innermost (then the strided views serve)."""
        if not self.tiled or list(self.layout[2:]) != [2, 3] or x.size == 0:
            return None
        xt = x.transpose(self.layout)
        if not xt.flags.c_contiguous:
            return None
        (OH, OW), (KH, KW) = self.out_size, self.kernel
        return xt.reshape(xt.shape[0] * xt.shape[1] * OH, KH, OW, KW)

    def from_flat(self, a):
        """An (M, ...) array in x's memory order of N and C as (N, C, OH, ...)."""
        shape = tuple(self.x_shape[i] for i in self.layout[:2]) + (self.out_size[0],) + a.shape[1:]
        order = np.argsort(self.layout[:2])
        return a.reshape(shape).transpose(tuple(order) + tuple(range(2, len(shape))))

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
        """gx (N, C, H, W) from part(k, block, out=None), the gradient at kernel offset k of
        the windows in `block` (an index of (N, C, OH, OW) arrays).

        gx gets x's memory layout. Fast path for tiling windows: each element belongs to
        exactly one window, so each part is computed straight into its strided view of gx
        (no padded buffer, no zero fill, no accumulation), a block of CHUNK bytes of gx at
        a time (along the outermost axis in memory) so that the KH * KW passes over its
        interleaved elements meet in cache.
        """
        H, W = self.x_shape[2:]
        ph, pw = self.padding
        shape = self.x_shape[:2] + (H + 2 * ph, W + 2 * pw)
        allocate = np.empty if self.tiled else np.zeros
        buffer = allocate([shape[i] for i in self.layout], self.dtype).transpose(np.argsort(self.layout))
        if not self.tiled:
            for k, view in enumerate(self.views(buffer)):
                view += part(k, ...)
            return buffer[:, :, ph:ph + H, pw:pw + W]
        for block in self.blocks(buffer.nbytes):
            for k, view in enumerate(self.views(buffer[block])):
                part(k, block, out=view)
        return buffer

    def blocks(self, nbytes):
        """Indices splitting (N, C, ...) arrays along the outermost axis in x's memory into
        blocks of about CHUNK bytes of an array of `nbytes` (the passes over one block
        then meet in cache)."""
        axis, n = self.layout[0], self.x_shape[self.layout[0]]
        step = max(1, CHUNK * n // max(nbytes, 1))
        return [(slice(None),) * axis + (slice(start, start + step),) for start in range(0, max(n, 1), step)]

    def empty_out(self, dtype):
        """An uninitialised (N, C, OH, OW) array in x's memory layout."""
        shape = self.x_shape[:2] + self.out_size
        return np.empty([shape[i] for i in self.layout], dtype).transpose(np.argsort(self.layout))


@register("max_pool2d")
class MaxPool2d(_Pool2d):
    """Max over each KH x KW window; the gradient goes to the first arg-max (as PyTorch)."""

    def forward(self, x, kernel_size, stride=None, padding=0):
        self.setup(x, kernel_size, stride, padding)
        flat = self.flat_windows(x)
        if flat is not None:
            out, arg = _tiled_max(flat, nan=False)
            if out.size and np.isnan(out.max()):  # rare: route NaN windows as torch (its last NaN)
                out, arg = _tiled_max(flat, nan=True)
            self.save(self.from_flat(arg))
            return self.from_flat(out)
        xp = pad2d(x, self.padding, -np.inf)
        out = self.empty_out(x.dtype)
        arg = self.empty_out(np.min_scalar_type(self.kernel[0] * self.kernel[1] - 1))
        for nan in (False, True):
            for block in self.blocks(xp.nbytes):
                _first_max(self.views(xp[block]), nan, out[block], arg[block])
            if not (out.size and np.isnan(out.max())):  # else route NaN windows as torch
                break
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
        return self.scatter(lambda k, block, out=None: np.multiply(g[block], arg[block] == k, out=out))


def _first_max(views, nan, out, arg):
    """Elementwise max of `views` into out, and into arg the index of the winning view in
    PyTorch's scan order: the first maximum, or with nan=True the last NaN where there is one.

    A view wins when strictly greater than the best so far (ties keep the earlier one);
    plain integer arithmetic on 0/1 masks updates arg (faster than copyto(..., where=)).
    """
    np.copyto(out, views[0])
    arg.fill(0)
    for k, view in enumerate(views[1:], 1):
        hit = np.greater(view, out)
        if nan:
            hit |= np.isnan(view)
        arg += hit.view(np.uint8) * (k - arg)  # arg < k before, so no underflow
        np.maximum(out, view, out=out)  # NaN propagates, as in PyTorch


def _tiled_max(flat, nan):
    """Max and first arg-max (offset kh * KW + kw) of tiling windows `flat` (M, KH, OW, KW),
    as (M, OW) arrays, computed over blocks of CHUNK bytes of x (the temporaries stay
    small and in cache)."""
    M, KH, OW, KW = flat.shape
    out = np.empty((M, OW), flat.dtype)
    arg = np.empty((M, OW), np.min_scalar_type(KH * KW - 1))
    kernel = _max_2x2_block if (KH, KW) == (2, 2) else _max_block
    step = max(1, CHUNK // (KH * OW * KW * flat.itemsize))
    for start in range(0, M, step):
        block = slice(start, start + step)
        kernel(flat[block], nan, out[block], arg[block])
    return out, arg


# Bytes of x (of gx in backward) per block of the tiled kernels. Measured (A/B, alternating)
# on W3's (64, 32, 32, 32) and W7's (64, 64, 32, 32) float32 input: 1 MiB blocks are
# faster than whole arrays and than 256 KiB to 4 MiB blocks, and keep the temporaries small.
CHUNK = 1 << 20


def _max_2x2_block(flat, nan, out, arg):
    """Max and first arg-max of 2x2 windows `flat` (M, 2, OW, 2) into out and arg (M, OW).

    NumPy compares strided views without SIMD, and a view of every other row costs one
    inner loop per row. So each comparison runs over a contiguous buffer against itself
    shifted by one element (columns) or by one row of the row maxima (rows), and the
    results are read where they pair a window's elements (the column results as the low
    byte of uint16 pairs). The offsets are assembled in that (M, 2, OW) space in uint8.
    """
    M, _, OW, _ = flat.shape
    xf = flat.reshape(-1)  # (M * 2 * OW * 2,) in x's memory
    h = xf.size // 2
    row_max = np.maximum(xf[0::2], xf[1::2])  # (M * 2 * OW,): max of each window row
    right = np.empty(xf.size, bool)
    np.greater(xf[1:], xf[:-1], out=right[:-1])  # at even positions: right > left (ties: left)
    right[-1] = False
    if nan:  # torch: a NaN wins over everything before it
        right[0::2] |= np.isnan(xf[1::2])
    right = right.view(np.uint16)  # (h,): the low byte says whether the right element wins
    right = (right if _LOW_FIRST else right >> 8).astype(np.uint8)  # keeps the low byte
    lower = np.empty(h, bool)
    np.greater(row_max[OW:], row_max[:-OW], out=lower[:-OW])  # at (m, 0, ow): row 1 wins
    if nan:
        lower[:-OW] |= np.isnan(row_max[OW:])
    # at (m, 0, ow): offset = 2 lower + right[winning row]
    #                       = right[row 0] + lower * (right[row 1] - right[row 0] + 2)  (mod 256)
    offset = np.empty(h, np.uint8)
    part = np.subtract(right[OW:], right[:-OW], out=offset[:-OW])
    part += 2
    part *= lower[:-OW].view(np.uint8)
    part += right[:-OW]
    rows = row_max.reshape(M, 2, OW)
    np.maximum(rows[:, 0], rows[:, 1], out=out)
    np.copyto(arg, offset.reshape(M, 2, OW)[:, 0])


_LOW_FIRST = np.array([1, 0], np.uint8).view(np.uint16)[0] == 1  # a little-endian machine


def _max_block(flat, nan, out, arg):
    """_tiled_max's kernel for any KH x KW: columns first, then rows.

    The first maximum along each window row, then the first row holding the window's
    maximum, is exactly the first maximum in row-major order (and, with nan=True, the
    last NaN composes the same way). The column step reads x with stride KW, the row
    step the (M, KH, OW) row maxima.
    """
    M, KH, OW, KW = flat.shape
    cols = flat.reshape(M * KH * OW, KW)
    row_max = np.empty((M, KH, OW), flat.dtype)
    col_arg = np.empty((M, KH, OW), np.min_scalar_type(KW - 1))
    _first_max([cols[:, kw] for kw in range(KW)], nan, row_max.reshape(-1), col_arg.reshape(-1))
    row_arg = np.empty((M, OW), np.min_scalar_type(KH - 1))
    _first_max([row_max[:, kh] for kh in range(KH)], nan, out, row_arg)
    # the winning row's column
    col = np.take_along_axis(col_arg, row_arg[:, None].astype(np.intp), axis=1)[:, 0]
    np.multiply(row_arg, KW, out=arg, dtype=arg.dtype)
    arg += col


@register("avg_pool2d")
class AvgPool2d(_Pool2d):
    """Mean over each KH x KW window; zero padding counts in the divisor (PyTorch's default)."""

    def forward(self, x, kernel_size, stride=None, padding=0):
        self.setup(x, kernel_size, stride, padding)
        xp = pad2d(x, self.padding)
        out = self.empty_out(x.dtype)
        for block in self.blocks(xp.nbytes):  # the passes over a block meet in cache
            views, part = self.views(xp[block]), out[block]
            np.copyto(part, views[0])
            for view in views[1:]:
                part += view
            part *= 1.0 / len(views)
        return out

    def vjp(self, g):
        scale = 1.0 / (self.kernel[0] * self.kernel[1])
        if hasattr(g, "grad_fn"):  # create_graph: every window element gets g * scale
            index = self.window_index()
            return self.scatter_graph((g * scale).reshape(g.shape + (1,)).broadcast_to(index.shape),
                                      index)
        return self.scatter(lambda k, block, out=None: np.multiply(g[block], scale, out=out))


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
