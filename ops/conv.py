"""2-D convolution by im2col + one GEMM per group, and the window helpers pooling shares.

Layout: the column matrix is (C, KH, KW, N, OH, OWc), i.e. (groups, C/groups * KH * KW,
N * OH * OWc) once reshaped, so that the forward pass and each gradient are one
`matmul` over the groups (measured faster here than `einsum` and `tensordot`). The
output comes out of the GEMM as (F, N, OH, OWc) and is returned as an (N, F, OH, OW)
view of it, without a copy.

Input gradient, two routes (`Conv2d._correlates` picks one). Stride 1 with no more
filters than channels: a correlation of the output gradient g with the flipped kernel,
i.e. im2col of g and one GEMM with inner size F*KH*KW, whose columns also give the
weight gradient. Otherwise col2im: a GEMM with inner size F/groups writes the column
gradient, which strided slice-adds sum into a zero-padded buffer. On W4 (issue 3) the
correlation route takes the step from 54-56% to 65-67% of NumPy's GEMM rate.

`Windows` holds the geometry: "wide rows" (OWc) that make im2col and col2im contiguous
block moves, and chunks of samples (a few MiB of columns at a time) that keep the
columns cache-warm for their GEMM and out of the step's peak memory. Backward rebuilds
columns (of x or of g) instead of keeping the forward's (W3/W4/W6 measurements in
issue 3's note).
"""
import numpy as np
from numpy.lib.stride_tricks import as_strided

from autograd.function import Function, register
from autograd.tensor import apply
from ops._util import check_float


def pair(value, name, op):
    """An int or a pair of ints as a (height, width) tuple of Python ints."""
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        return int(value), int(value)
    if (isinstance(value, (tuple, list)) and len(value) == 2
            and all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in value)):
        return int(value[0]), int(value[1])
    raise TypeError(f"{op}: {name} must be an int or a pair of ints, got {value!r}")


def window_geometry(op, x_shape, kernel, stride, padding, dilation=(1, 1)):
    """Validate a 2-D sliding window over (N, C, H, W) and return its output (OH, OW).

    Raises ValueError naming `op` and the shapes for a non-positive kernel, stride or
    dilation, negative padding, or an (effective) kernel larger than the padded input.
    """
    if len(x_shape) != 4:
        raise ValueError(f"{op}: expected an input of shape (N, C, H, W), got shape {tuple(x_shape)}")
    for name, value, low in (("kernel size", kernel, 1), ("stride", stride, 1),
                             ("dilation", dilation, 1), ("padding", padding, 0)):
        if min(value) < low:
            word = "non-negative" if low == 0 else "positive"
            raise ValueError(
                f"{op}: {name} must be {word}, got {value} for input of shape {tuple(x_shape)}")
    size = []
    for axis, (n, k, s, p, d) in enumerate(zip(x_shape[2:], kernel, stride, padding, dilation)):
        span = d * (k - 1) + 1
        if span > n + 2 * p:
            raise ValueError(
                f"{op}: kernel {tuple(kernel)} (dilation {tuple(dilation)}) is larger than the "
                f"padded input: input of shape {tuple(x_shape)} with padding {tuple(padding)} "
                f"has {'height' if axis == 0 else 'width'} {n + 2 * p} < {span}"
            )
        size.append((n + 2 * p - span) // s + 1)
    return tuple(size)


def pad2d(x, padding, value=0.0):
    """x (N, C, H, W) with `padding` rows and columns of `value` on each side (x if none)."""
    ph, pw = padding
    if ph == 0 and pw == 0:
        return x
    N, C, H, W = x.shape
    shape = (N, C, H + 2 * ph, W + 2 * pw)
    out = np.zeros(shape, x.dtype) if value == 0 else np.full(shape, value, x.dtype)
    out[:, :, ph:ph + H, pw:pw + W] = x
    return out


def window_slice(kh, kw, out_size, stride, dilation=(1, 1)):
    """Index of the elements at kernel offset (kh, kw) of every window: an (..., OH, OW) view."""
    (OH, OW), (sh, sw), (dh, dw) = out_size, stride, dilation
    return (Ellipsis, slice(kh * dh, kh * dh + sh * (OH - 1) + 1, sh),
            slice(kw * dw, kw * dw + sw * (OW - 1) + 1, sw))


class Windows:
    """The columns of a convolution's sliding windows, and their adjoint (col2im).

    The column array of n samples is (C, KH, KW, n, OH, OWc): for every channel and
    kernel offset, the input elements that offset sees in every window. Columns are
    read from a zero-padded copy of the input whose rows are the W input columns
    followed by `gap` zero columns: a row's gap is its right padding and the left
    padding of the next row, so `gap` = pw suffices (the padded rows are W + pw long,
    not W + 2 pw). With a horizontal stride of 1 and little padding the rows are
    "wide": OWc is that row length and each (c, kh, kw, sample) run is one contiguous
    stretch of the padded image, so im2col is a plain block copy and col2im adds
    contiguous blocks; the OWc - OW extra columns hold junk that `narrow` drops (their
    gradient is zero by construction). Otherwise OWc = OW and the rows are strided views.

    Columns are built for `chunk` samples at a time (see `chunks`), so that their
    memory stays bounded whatever the batch size.
    """

    # Column bytes built at once. Measured on W3/W4 (issue 3): faster than 2 MiB, 6 MiB,
    # 8 MiB and whole-batch columns (the chunk stays warm in cache for its GEMM; fewer
    # GEMM calls than with smaller chunks), and it keeps the peak memory of a training
    # step well under PyTorch's.
    chunk_bytes = 4 * 2 ** 20

    def __init__(self, x_shape, kernel, stride, padding, dilation, op="conv2d", itemsize=4,
                 gap=None):
        self.out_size = window_geometry(op, x_shape, kernel, stride, padding, dilation)
        self.x_shape, self.kernel, self.stride = tuple(x_shape), tuple(kernel), stride
        self.padding, self.dilation = padding, dilation
        N, C, H, W = x_shape
        ph, pw = padding
        self.gap = pw if gap is None else gap
        # a leading row (whose end is the left padding of the first padded row) and a spare
        # trailing one (a wide run may end past the last padded row)
        self.padded = (H + 2 * ph + 2, W + self.gap)
        row, OW = self.padded[1], self.out_size[1]
        left = self.gap - pw  # the column of x[..., 0] (0 unless gap > pw)
        self.interior = (Ellipsis, slice(1 + ph, 1 + ph + H), slice(left, left + W))
        # (row, column) of the top-left window's first element: row 1 (the top of the padded
        # image), column left - pw (< 0 when gap = pw: the tail of the leading row)
        self.origin = divmod(row + left - pw, row)
        # wide rows cost (OWc - OW) / OW more GEMM flops and column memory: measured worth it
        # (contiguous copies, fast col2im) when that is at most 1/8, not beyond; impossible
        # when the output rows are longer than the padded ones (pw > dw * (KW - 1))
        self.width = row if stride[1] == 1 and 0 <= 8 * (row - OW) <= OW else OW  # OWc
        per_sample = C * kernel[0] * kernel[1] * self.out_size[0] * self.width * itemsize
        count = -(-N * per_sample // self.chunk_bytes)  # chunks, rounded up
        self.chunk = max(1, -(-N // max(count, 1)))  # samples per chunk, evenly spread

    def chunks(self):
        """Sample ranges (start, stop) covering the batch, `chunk` samples each."""
        N = self.x_shape[0]
        return [(n, min(n + self.chunk, N)) for n in range(0, N, self.chunk)]

    def positions(self, n):
        """Number of (wide) output positions of n samples: the GEMM's inner size."""
        return n * self.out_size[0] * self.width

    def columns_shape(self, n):
        """(C, KH, KW, n, OH, OWc)."""
        return (self.x_shape[1],) + self.kernel + (n, self.out_size[0], self.width)

    def _view(self, buffer):
        """The columns as a strided view of a padded (n, C) + `padded` buffer (any order
        of the sample and channel axes in memory); rows of the buffer must be contiguous."""
        item = buffer.itemsize
        sN, sC, row = buffer.strides[:3]
        (sh, sw), (dh, dw) = self.stride, self.dilation
        strides = (sC, dh * row, dw * item, sN, sh * row, sw * item)
        origin = buffer[:, :, self.origin[0], self.origin[1]:]
        return as_strided(origin, self.columns_shape(buffer.shape[0]), strides)

    def columns(self, x):
        """x (n, C, H, W), any n -> contiguous columns (C, KH, KW, n, OH, OWc)."""
        return next(self.column_chunks(x, [(0, x.shape[0])]))[2]

    def column_chunks(self, x, chunks=None):
        """(start, stop, columns of x[start:stop]) for every chunk of samples.

        One zero-padded buffer and one column buffer serve every chunk (only the
        padded buffer's interior is rewritten): each chunk's columns are valid until the
        next one is produced.
        """
        chunks = self.chunks() if chunks is None else chunks
        if not chunks:  # an empty batch
            return
        n = chunks[0][1] - chunks[0][0]
        buffer = np.zeros((n, x.shape[1]) + self.padded, x.dtype)
        columns = np.empty(self.columns_shape(n), x.dtype)
        for start, stop in chunks:
            padded = buffer[:stop - start]
            padded[self.interior] = x[start:stop]
            cols = columns[:, :, :, :stop - start]
            np.copyto(cols, self._view(padded))
            yield start, stop, cols if stop - start == n else cols.copy()

    def gradient_chunks(self, g, groups):
        """(start, stop, g of those samples as (G, F/G, positions)) with zero junk columns."""
        g = g.transpose(1, 0, 2, 3)  # (F, N, OH, OW)
        F, OW = g.shape[0], g.shape[3]
        wide = None
        if self.width != OW:  # one zero buffer; only the OW real columns are rewritten
            wide = np.zeros((F, self.chunk, self.out_size[0], self.width), g.dtype)
        for start, stop in self.chunks():
            part = g[:, start:stop]
            if wide is not None:
                part = wide[:, :stop - start]
                part[..., :OW] = g[:, start:stop]
            yield start, stop, part.reshape(groups, F // groups, -1)

    def input_buffer(self, dtype):
        """The zero-padded (N, C) + `padded` buffer that `col2im` sums into.

        Channel-major in memory (a transposed view), the layout of the conv outputs and so
        of the activations and gradients around them: the elementwise VJPs before this
        gradient's next use (ReLU, batch norm, another conv's g) then meet matching layouts
        instead of transposing on every pass."""
        N, C = self.x_shape[:2]
        return np.zeros((C, N) + self.padded, dtype).transpose(1, 0, 2, 3)

    def col2im(self, cols, buffer, start=0):
        """Add cols (C, KH, KW, n, OH, OWc) of samples start.. into `buffer` by slice-adds.

        Plain rows: KH * KW strided slice-adds. Wide rows with at least (KW - 1) * dw
        junk columns (`gap` = 2 pw, as `shifted_col2im` asks): the KW runs of a kernel
        row land on the same positions shifted by dw, so each kernel row is one reduce
        over a strided view of its KW runs (a run shifted past its start reads the zero
        junk columns of the run before it), then one slice-add: KH passes over the buffer.
        """
        view = self._view(buffer[start:start + cols.shape[3]])
        KH, KW = self.kernel
        if KW == 1 or self.width - self.out_size[1] < (KW - 1) * self.dilation[1]:
            for kh in range(KH):
                for kw in range(KW):
                    view[:, kh, kw] += cols[:, kh, kw]
            return
        C, item = cols.shape[0], cols.itemsize
        runs = cols.reshape(C, KH, KW, -1)  # (C, KH, KW, n*OH*OWc), contiguous
        for kh in range(KH):
            row = runs[:, kh]
            # shifted[c, kw, j] = row[c, kw, j - kw*dw]
            step = row.strides[1] - self.dilation[1] * item
            shifted = as_strided(row, row.shape, (row.strides[0], step, item))
            view[:, kh, 0] += np.add.reduce(shifted, axis=1).reshape(view.shape[:1] + view.shape[3:])

    @classmethod
    def shifted_col2im(cls, x_shape, kernel, stride, padding, dilation, itemsize=4):
        """Windows whose wide rows (if any) have the junk columns col2im's one-reduce-per-
        kernel-row needs: a gap of 2 pw, as if each row had its own padding."""
        return cls(x_shape, kernel, stride, padding, dilation, itemsize=itemsize,
                   gap=2 * padding[1])

    def unpad(self, buffer):
        """The input gradient (N, C, H, W): the interior of a `input_buffer` (a view)."""
        return buffer[self.interior]

    def narrow(self, wide):
        """Drop the junk columns: (..., OH, OWc) -> (..., OH, OW) (a view)."""
        return wide[..., :self.out_size[1]]

    def widen(self, g):
        """g (..., OH, OW) -> (..., OH, OWc) with zeros in the junk columns."""
        if self.width == self.out_size[1]:
            return g
        wide = np.zeros(g.shape[:-1] + (self.width,), g.dtype)
        wide[..., :g.shape[-1]] = g
        return wide


def im2col(x, kernel, stride=(1, 1), padding=(0, 0), dilation=(1, 1)):
    """Columns of x (N, C, H, W): a (C * KH * KW, N * OH * OW) matrix (a fresh array)."""
    windows = Windows(x.shape, kernel, stride, padding, dilation, op="im2col")
    return np.ascontiguousarray(windows.narrow(windows.columns(x))).reshape(
        -1, x.shape[0] * windows.out_size[0] * windows.out_size[1])


def col2im(cols, x_shape, kernel, stride=(1, 1), padding=(0, 0), dilation=(1, 1), gap=None):
    """The adjoint of `im2col`: a (C * KH * KW, N * OH * OW) matrix summed into (N, C, H, W).

    `gap`: the zero columns after each padded row (default pw; 2 pw for the one-reduce-
    per-kernel-row col2im of wide rows, see `Windows`)."""
    windows = Windows(x_shape, kernel, stride, padding, dilation, op="col2im", gap=gap)
    N, C = x_shape[:2]
    cols = cols.reshape((C,) + tuple(kernel) + (N,) + windows.out_size)
    buffer = windows.input_buffer(cols.dtype)
    windows.col2im(windows.widen(cols), buffer)
    return windows.unpad(buffer)


@register("conv2d")
class Conv2d(Function):
    """Cross-correlation of x (N, C, H, W) with weight (F, C/groups, KH, KW), plus bias."""

    twice_differentiable = False  # the VJP runs raw GEMM and col2im kernels

    def forward(self, x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
        stride = pair(stride, "stride", "conv2d")
        padding = pair(padding, "padding", "conv2d")
        dilation = pair(dilation, "dilation", "conv2d")
        check_float("conv2d", x, weight, bias)
        self._check_channels(x, weight, bias, groups)
        windows = Windows(x.shape, weight.shape[2:], stride, padding, dilation, itemsize=x.itemsize)
        N, F = x.shape[0], weight.shape[0]
        w2 = weight.reshape(groups, F // groups, -1)  # (G, F/G, C/G*KH*KW)
        dtype = np.result_type(*(a for a in (x, weight, bias) if a is not None))  # None: float64
        out = np.empty((groups, F // groups, windows.positions(N)), dtype)
        b = None if bias is None else bias.reshape(groups, -1, 1).astype(out.dtype, copy=False)
        for start, stop, cols in windows.column_chunks(x):  # one GEMM per group and chunk
            cols = cols.reshape(groups, -1, windows.positions(stop - start))
            part = out[:, :, windows.positions(start):windows.positions(stop)]
            np.matmul(w2, cols, out=part)
            if b is not None:
                part += b  # while the chunk is still in cache
        # backward rebuilds columns (of x or of g) chunk by chunk: keeping these would hold
        # the step's largest array from forward to backward
        self.save(x, weight)
        self.windows, self.groups = windows, groups
        out = windows.narrow(out.reshape((F, N, windows.out_size[0], windows.width)))
        return out.transpose(1, 0, 2, 3)  # (N, F, OH, OW), a view of the GEMM's output

    @staticmethod
    def _check_channels(x, weight, bias, groups):
        if weight.ndim != 4:
            raise ValueError(
                f"conv2d: weight must have shape (F, C/groups, KH, KW), got {weight.shape} "
                f"for input of shape {x.shape}")
        if isinstance(groups, bool) or not isinstance(groups, (int, np.integer)) or groups < 1:
            raise ValueError(f"conv2d: groups must be a positive int, got {groups!r}")
        if x.ndim == 4 and (x.shape[1] % groups or weight.shape[0] % groups):
            raise ValueError(
                f"conv2d: groups={groups} must divide both the input channels and the filters: "
                f"input of shape {x.shape}, weight of shape {weight.shape}")
        if x.ndim == 4 and weight.shape[1] * groups != x.shape[1]:
            raise ValueError(
                f"conv2d: input of shape {x.shape} has {x.shape[1]} channels but weight of shape "
                f"{weight.shape} with groups={groups} expects {weight.shape[1] * groups}")
        if bias is not None and bias.shape != (weight.shape[0],):
            raise ValueError(f"conv2d: bias of shape {bias.shape} for weight of shape {weight.shape}")

    def vjp(self, g):
        x, weight = self.saved
        if self.needs_grad(0) and self._correlates(weight):
            gx, gw = self._gradients_by_correlation(g, x, weight)
        else:
            gx, gw = self._gradients_by_col2im(g, x, weight)
        gb = g.sum(axis=(0, 2, 3)) if self.needs_grad(2) else None
        return gx, gw, gb

    def _correlates(self, weight):
        """Whether the input gradient is a correlation of g with the flipped kernel.

        Only for stride 1 (where the correlation of the padded g lands on every input
        position). Measured (float32, 2 cores) faster than the column-gradient GEMM +
        col2im when F <= C: 0.56-0.91x its time for F/C from 1/4 to 1 (W4: 35 vs 42 ms),
        but 1.1x for F = 2C, 1.5x for F = 4C and 5.7x for W3's first layer (C = 3, F = 32).
        """
        return self.windows.stride == (1, 1) and weight.shape[0] <= weight.shape[1] * self.groups

    def _gradients_by_correlation(self, g, x, weight):
        """Input and weight gradients from the columns of g, for stride 1.

        With stride 1, gx[n, c, i, j] = sum over f, kh, kw of
        g[n, f, i + p - d*kh, j + p - d*kw] * weight[f, c, kh, kw]: a correlation of g,
        zero-padded by d*(K-1) - p (cropped where that is negative: the rows cropped
        only ever saw padding), with the kernel flipped and its channel axes swapped.
        The same columns give the weight gradient as a GEMM with x laid out like the
        correlation's output, weight[f, c, kh, kw] <- gcols[f, K-1-kh, K-1-kw] . x[c],
        so x's columns are not rebuilt.
        """
        groups, (KH, KW) = self.groups, weight.shape[2:]
        F, Cg = weight.shape[:2]
        N, C, H, W = x.shape
        (ph, pw), (dh, dw) = self.windows.padding, self.windows.dilation
        over = [max(0, p - d * (k - 1)) for p, d, k in ((ph, dh, KH), (pw, dw, KW))]
        g = g[:, :, over[0]:g.shape[2] - over[0], over[1]:g.shape[3] - over[1]]
        windows = Windows(g.shape, (KH, KW), (1, 1), (dh * (KH - 1) - ph + over[0],
                                                      dw * (KW - 1) - pw + over[1]),
                          (dh, dw), itemsize=g.itemsize)  # out_size (H, W)
        gx = gw = None
        if self.needs_grad(0):
            flipped = weight.reshape(groups, F // groups, Cg, KH, KW)[:, :, :, ::-1, ::-1]
            w2 = np.ascontiguousarray(flipped.transpose(0, 2, 1, 3, 4)).reshape(groups, Cg, -1)
            gx = np.empty((groups, Cg, windows.positions(N)), np.result_type(g, weight))
        if self.needs_grad(1):
            gw = np.zeros((groups, F // groups * KH * KW, Cg), np.result_type(g, x))
            # x of a chunk of samples as (C, n, H, OWc), zeros in the junk columns
            wide = np.zeros((C, windows.chunk, H, windows.width), gw.dtype)
        for start, stop, gcols in windows.column_chunks(g):  # (F, KH, KW, n, H, OWc)
            positions = windows.positions(stop - start)
            gcols = gcols.reshape(groups, -1, positions)
            if gx is not None:
                part = gx[:, :, windows.positions(start):windows.positions(stop)]
                np.matmul(w2, gcols, out=part)
            if gw is not None:
                part = wide[:, :stop - start]
                part[..., :W] = x[start:stop].transpose(1, 0, 2, 3)
                gw += np.matmul(gcols, part.reshape(groups, Cg, positions).transpose(0, 2, 1))
        if gx is not None:
            gx = windows.narrow(gx.reshape(C, N, H, windows.width)).transpose(1, 0, 2, 3)
        if gw is not None:  # (G, F/G, KH, KW, C/G), flipped -> (F, C/G, KH, KW)
            gw = gw.reshape(groups, F // groups, KH, KW, Cg)[:, :, ::-1, ::-1]
            gw = gw.transpose(0, 1, 4, 2, 3).reshape(weight.shape)
        return gx, gw

    def _gradients_by_col2im(self, g, x, weight):
        """Input gradient by the column-gradient GEMM and col2im; weight gradient from
        x's columns, rebuilt chunk by chunk."""
        windows, groups = self.windows, self.groups
        if self.needs_grad(0):
            windows = Windows.shifted_col2im(x.shape, weight.shape[2:], windows.stride,
                                             windows.padding, windows.dilation, x.itemsize)
        F = weight.shape[0]
        w2 = weight.reshape(groups, F // groups, -1)  # (G, F/G, C/G*KH*KW)
        gx = gw = None
        if self.needs_grad(0):
            gx = windows.input_buffer(np.result_type(g, w2))
        if self.needs_grad(1):
            gw = np.zeros(w2.transpose(0, 2, 1).shape, np.result_type(g, x))  # (G, C/G*KH*KW, F/G)
            columns = windows.column_chunks(x)
        if gx is None and gw is None:
            return None, None
        for start, stop, g_chunk in windows.gradient_chunks(g, groups):
            if gx is not None:
                gcols = np.matmul(w2.transpose(0, 2, 1), g_chunk)  # (G, C/G*KH*KW, positions)
                windows.col2im(gcols.reshape(windows.columns_shape(stop - start)), gx, start)
            if gw is not None:
                cols = next(columns)[2].reshape(groups, -1, g_chunk.shape[-1])
                # cols @ g^T: the GEMM orientation measured fastest for this shape
                gw += np.matmul(cols, g_chunk.transpose(0, 2, 1))
        if gx is not None:
            gx = windows.unpad(gx)
        if gw is not None:
            gw = gw.transpose(0, 2, 1).reshape(weight.shape)
        return gx, gw


def conv2d(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """2-D convolution (cross-correlation, as PyTorch) of NCHW input.

    x (N, C, H, W), weight (F, C/groups, KH, KW), bias (F,) or None; stride, padding
    (zeros) and dilation are ints or (height, width) pairs. Returns (N, F, OH, OW).
    """
    return apply(Conv2d, x, weight, bias, stride=stride, padding=padding, dilation=dilation,
                 groups=groups)
