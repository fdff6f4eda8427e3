"""Convolutions: conv2d, conv_transpose2d and conv2d_weight (conv2d's weight gradient) by
im2col + one GEMM per group, conv1d and conv_transpose1d on height-1 views of them, and
the window helpers pooling shares.

Layout: the column matrix is (C, KH, KW, N, OH, OWc), i.e. (groups, C/groups * KH * KW,
N * OH * OWc) once reshaped, so that the forward pass and each gradient are one
`matmul` over the groups (measured faster here than `einsum` and `tensordot`). The
output comes out of the GEMM as (F, N, OH, OWc) and is returned as an (N, F, OH, OW)
view of it, without a copy.

Input gradient, two routes (`correlates` picks one). Stride 1 with no more filters than
channels: a correlation of the output gradient g with the flipped kernel, i.e. im2col
of g and one GEMM with inner size F*KH*KW, whose columns also give the weight gradient.
Otherwise col2im: a GEMM with inner size F/groups writes the column gradient, which
strided slice-adds sum into a zero-padded buffer. On W4 (issue 3) the correlation route
takes the step from 54-56% to 65-67% of NumPy's GEMM rate. conv_transpose2d's forward
is this input gradient.

Second derivatives: conv2d's input gradient is conv_transpose2d and its weight gradient
conv2d_weight, and the gradients of those are convolutions again, so each VJP `call`s
the others under create_graph. Plain backward runs the array kernels below directly
(conv2d's two gradients from shared columns).

`Windows` holds the geometry: "wide rows" (OWc) that make im2col and col2im contiguous
block moves, and chunks of samples (a few MiB of columns at a time) that keep the
columns cache-warm for their GEMM and out of the step's peak memory. Backward rebuilds
columns (of x or of g) instead of keeping the forward's (W3/W4/W6 measurements in
issue 3's note). Chunks are independent: `run_chunks` deals them to two lanes that run
in parallel threads on a quiet machine (see LANES), with the same results either way.

Tried for W4's forward and not kept (float32, CPU time on one thread, alternating rounds,
issue 12): Winograd F(2x2, 3x3) with 16 batched GEMMs, chunks of 1-4 samples, 1.19-1.42x
the im2col time (2.25x fewer multiplies, but its input and output transforms are about
40 NumPy passes per chunk); direct shifted GEMMs on a channels-last copy (9 GEMMs with
inner size C accumulated, or 3 of inner size 3C) within noise of im2col. The GEMM is
most of the time: W4's forward GEMM alone runs at 93 GFLOP/s on one thread.
"""
import numpy as np
from numpy.lib.stride_tricks import as_strided

from autograd.function import Function, call, register
from autograd.tensor import apply
from ops import _lanes
from ops._blas import lanes as allowed_lanes
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
    lanes = 2  # the most threads `run_chunks` runs chunks in (ops/conv.py: LANES)

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
        count = max(count, min(self.lanes, N))  # a chunk for each lane of `run_chunks`
        self.chunk = max(1, -(-N // max(count, 1)))  # samples per chunk, evenly spread

    def chunks(self, size=None):
        """Sample ranges (start, stop) covering the batch, `size` (default `chunk`) samples
        each."""
        N, size = self.x_shape[0], size or self.chunk
        return [(n, min(n + size, N)) for n in range(0, N, size)]

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
        fill = self.column_filler(x, max(stop - start for start, stop in chunks))
        for start, stop in chunks:
            yield start, stop, fill(start, stop)

    def column_filler(self, x, n):
        """fill(start, stop) -> contiguous columns of x[start:stop] (at most n samples).

        One zero-padded buffer and one column buffer serve every call (only the padded
        buffer's interior is rewritten): the columns are valid until the next call."""
        buffer = np.zeros((n, x.shape[1]) + self.padded, x.dtype)
        columns = np.empty(self.columns_shape(n), x.dtype)

        def fill(start, stop):
            padded = buffer[:stop - start]
            padded[self.interior] = x[start:stop]
            cols = columns[:, :, :, :stop - start]
            np.copyto(cols, self._view(padded))
            return cols if stop - start == n else cols.copy()

        return fill

    def gradient_filler(self, g, groups, n):
        """fill(start, stop) -> g of those samples (at most n) as (G, F/G, positions), zero
        junk columns (one wide buffer serves every call)."""
        g = g.transpose(1, 0, 2, 3)  # (F, N, OH, OW)
        F, OW = g.shape[0], g.shape[3]
        wide = None
        if self.width != OW:  # one zero buffer; only the OW real columns are rewritten
            wide = np.zeros((F, n, self.out_size[0], self.width), g.dtype)

        def fill(start, stop):
            part = g[:, start:stop]
            if wide is not None:
                part = wide[:, :stop - start]
                part[..., :OW] = g[:, start:stop]
            return part.reshape(groups, F // groups, -1)

        return fill

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


# -- kernels on arrays ------------------------------------------------------------------
# The rules below run these on NumPy arrays. Each gradient is also a registered op
# (conv2d's input gradient is conv_transpose2d, its weight gradient conv2d_weight, and
# theirs are convolutions again), so under create_graph the VJPs `call` those ops and the
# result can be differentiated again; plain backward runs the kernels directly.


# Chunks of samples are independent. `run_chunks` deals them round-robin to LANES lanes,
# each adding its chunks' partial weight gradients in chunk order, and runs the lanes in
# parallel threads with one BLAS thread each (NumPy releases the GIL in copies and GEMMs)
# when the BLAS policy (ops/_blas.py) grants more than one thread, i.e. on a quiet
# machine: one thread's im2col, col2im and bias passes then overlap the other's GEMM,
# where serial chunks leave a core idle in every pass but the GEMM. Beside a busy core
# the lanes run one after the other in the calling thread. The chunks and the order of
# every sum are the same either way: results are the same floats on a quiet or a busy
# machine. Measured (issue 12, float32, 2 cores, alternating rounds, medians;
# conv_forward + conv_gradients against serial chunks with 2-thread GEMMs):
# (64,32,32,32) x (64,32,3,3) 0.70-0.80x the time, W4 0.82-0.88x, W3's 7x7 first layer
# 1.00x, the whole W7 step 0.82x. (At load 1.5, with 8 sessions on the machine, an earlier
# measurement of a shared-queue version had found 1.02-1.30x.)
LANES = Windows.lanes


def run_chunks(work, windows, flops):
    """[work(chunks of lane 0, n), work(chunks of lane 1, n), ...] for the lanes that got
    chunks (n: the most samples in a chunk), in parallel threads (`ops._lanes.run`) when
    the BLAS policy grants work of `flops` multiply-adds two, else one after the other."""
    chunks = windows.chunks()
    lanes = [chunks[i::LANES] for i in range(min(LANES, len(chunks)))]
    threads = allowed_lanes(flops)
    per_thread = _lanes.run(lambda mine: [work(lane, windows.chunk) for lane in mine], lanes,
                            LANES if threads and threads >= 2 else 1)
    return [result for results in per_thread for result in results]  # in lane order


def conv_forward(x, weight, bias, windows, groups, grad_output=None):
    """x (N, C, H, W) * weight (F, C/G, KH, KW) + bias: im2col + one GEMM per group and
    chunk of samples, bias added while the chunk is in cache. (N, F, OH, OW), a view of
    the GEMM's (F, N, OH, OWc) output.

    With `grad_output` (N, F, OH, OW), returns (output, weight gradient for that output
    gradient) from the same columns (conv_transpose2d's backward needs both)."""
    N, F = x.shape[0], weight.shape[0]
    w2 = weight.reshape(groups, F // groups, -1)  # (G, F/G, C/G*KH*KW)
    dtype = np.result_type(*(a for a in (x, weight, bias) if a is not None))
    out = np.empty((groups, F // groups, windows.positions(N)), dtype)
    b = None if bias is None else bias.reshape(groups, -1, 1).astype(dtype, copy=False)

    def work(chunks, n):
        fill, gw = windows.column_filler(x, n), None
        if grad_output is not None:
            g_of = windows.gradient_filler(grad_output, groups, n)
            gw = np.zeros(w2.transpose(0, 2, 1).shape, np.result_type(x, grad_output))
        for start, stop in chunks:
            cols = fill(start, stop).reshape(groups, -1, windows.positions(stop - start))
            part = out[:, :, windows.positions(start):windows.positions(stop)]
            np.matmul(w2, cols, out=part)
            if b is not None:
                part += b
            if gw is not None:  # (G, C/G*KH*KW, F/G)
                gw += np.matmul(cols, g_of(start, stop).transpose(0, 2, 1))
        return gw

    partial = run_chunks(work, windows, w2.size * windows.positions(windows.chunk))
    out = windows.narrow(out.reshape((F, N, windows.out_size[0], windows.width)))
    out = out.transpose(1, 0, 2, 3)
    if grad_output is None:
        return out
    gw = sum(partial[1:], partial[0])
    return out, gw.transpose(0, 2, 1).reshape(weight.shape)


def correlates(windows, weight_shape, groups):
    """Whether the input gradient is taken as a correlation of g with the flipped kernel.

    Only for stride 1 (where the correlation of the padded g lands on every input
    position). Measured (float32, 2 cores) faster than the column-gradient GEMM +
    col2im when F <= C: 0.56-0.91x its time for F/C from 1/4 to 1 (W4: 35 vs 42 ms),
    but 1.1x for F = 2C, 1.5x for F = 4C and 5.7x for W3's first layer (C = 3, F = 32).
    """
    return windows.stride == (1, 1) and weight_shape[0] <= weight_shape[1] * groups


def conv_gradients(g, x, weight, weight_shape, windows, groups):
    """(input gradient, weight gradient) of a convolution with geometry `windows`, from
    the output gradient g (N, F, OH, OW). Pass weight=None to skip the input gradient
    and x=None to skip the weight gradient (the input's shape is `windows.x_shape`)."""
    if weight is None and x is None:
        return None, None
    if weight is not None and correlates(windows, weight_shape, groups):
        return gradients_by_correlation(g, x, weight, weight_shape, windows, groups)
    return gradients_by_col2im(g, x, weight, weight_shape, windows, groups)


def gradients_by_correlation(g, x, weight, weight_shape, windows, groups):
    """Input and weight gradients from the columns of g, for stride 1.

    With stride 1, gx[n, c, i, j] = sum over f, kh, kw of
    g[n, f, i + p - d*kh, j + p - d*kw] * weight[f, c, kh, kw]: a correlation of g,
    zero-padded by d*(K-1) - p (cropped where that is negative: the rows cropped
    only ever saw padding), with the kernel flipped and its channel axes swapped.
    The same columns give the weight gradient as a GEMM with x laid out like the
    correlation's output, weight[f, c, kh, kw] <- gcols[f, K-1-kh, K-1-kw] . x[c],
    so x's columns are not rebuilt.
    """
    F, Cg, KH, KW = weight_shape
    N, C, H, W = windows.x_shape
    (ph, pw), (dh, dw) = windows.padding, windows.dilation
    over = [max(0, p - d * (k - 1)) for p, d, k in ((ph, dh, KH), (pw, dw, KW))]
    g = g[:, :, over[0]:g.shape[2] - over[0], over[1]:g.shape[3] - over[1]]
    gwin = Windows(g.shape, (KH, KW), (1, 1), (dh * (KH - 1) - ph + over[0],
                                                dw * (KW - 1) - pw + over[1]),
                   (dh, dw), itemsize=g.itemsize)  # out_size (H, W)
    gx = None
    if weight is not None:
        flipped = weight.reshape(groups, F // groups, Cg, KH, KW)[:, :, :, ::-1, ::-1]
        w2 = np.ascontiguousarray(flipped.transpose(0, 2, 1, 3, 4)).reshape(groups, Cg, -1)
        gx = np.empty((groups, Cg, gwin.positions(N)), np.result_type(g, weight))

    def work(chunks, n):
        gw = wide = None
        if x is not None:
            gw = np.zeros((groups, F // groups * KH * KW, Cg), np.result_type(g, x))
            # x of a chunk of samples as (C, n, H, OWc), zeros in the junk columns
            wide = np.zeros((C, n, H, gwin.width), gw.dtype)
        fill = gwin.column_filler(g, n)
        for start, stop in chunks:
            positions = gwin.positions(stop - start)
            gcols = fill(start, stop).reshape(groups, -1, positions)  # (F, KH, KW, n, H, OWc)
            if gx is not None:
                np.matmul(w2, gcols, out=gx[:, :, gwin.positions(start):gwin.positions(stop)])
            if gw is not None:
                part = wide[:, :stop - start]
                part[..., :W] = x[start:stop].transpose(1, 0, 2, 3)
                gw += np.matmul(gcols, part.reshape(groups, Cg, positions).transpose(0, 2, 1))
        return gw

    partial = run_chunks(work, gwin, F * Cg * KH * KW * gwin.positions(gwin.chunk))
    gw = None if x is None else sum(partial[1:], partial[0])
    if gx is not None:
        gx = gwin.narrow(gx.reshape(C, N, H, gwin.width)).transpose(1, 0, 2, 3)
    if gw is not None:  # (G, F/G, KH, KW, C/G), flipped -> (F, C/G, KH, KW)
        gw = gw.reshape(groups, F // groups, KH, KW, Cg)[:, :, ::-1, ::-1]
        gw = gw.transpose(0, 1, 4, 2, 3).reshape(weight_shape)
    return gx, gw


def gradients_by_col2im(g, x, weight, weight_shape, windows, groups):
    """Input gradient by the column-gradient GEMM and col2im; weight gradient from
    x's columns, rebuilt chunk by chunk."""
    F = weight_shape[0]
    gx = None
    if weight is not None:
        dtype = np.result_type(g, weight)
        windows = Windows.shifted_col2im(windows.x_shape, weight_shape[2:], windows.stride,
                                         windows.padding, windows.dilation, dtype.itemsize)
        w2 = weight.reshape(groups, F // groups, -1)  # (G, F/G, C/G*KH*KW)
        gx = windows.input_buffer(dtype)  # col2im of different samples: disjoint rows

    def work(chunks, n):
        gw = None
        if x is not None:
            gw = np.zeros((groups, int(np.prod(weight_shape[1:])), F // groups),
                          np.result_type(g, x))  # (G, C/G*KH*KW, F/G)
            columns = windows.column_filler(x, n)
        g_of = windows.gradient_filler(g, groups, n)
        for start, stop in chunks:
            g_chunk = g_of(start, stop)
            if gx is not None:
                gcols = np.matmul(w2.transpose(0, 2, 1), g_chunk)  # (G, C/G*KH*KW, positions)
                windows.col2im(gcols.reshape(windows.columns_shape(stop - start)), gx, start)
            if gw is not None:
                cols = columns(start, stop).reshape(groups, -1, g_chunk.shape[-1])
                # cols @ g^T: the GEMM orientation measured fastest for this shape
                gw += np.matmul(cols, g_chunk.transpose(0, 2, 1))
        return gw

    partial = run_chunks(work, windows,
                         F * int(np.prod(weight_shape[1:])) * windows.positions(windows.chunk))
    gw = None if x is None else sum(partial[1:], partial[0])
    if gx is not None:
        gx = windows.unpad(gx)
    if gw is not None:
        gw = gw.transpose(0, 2, 1).reshape(weight_shape)
    return gx, gw


def channel_sums(g):
    """g (N, C, H, W) summed over all axes but the channels: a bias gradient.

    As GEMVs of g's (N, C, H*W) or (C, N, H*W) memory with ones, then a sum over the N
    results: 0.5x the time of g.sum(axis=(0, 2, 3)) on (64, 64, 32, 32) float32, summing
    H*W terms at a time. A Tensor (create_graph) or a strided view takes the plain sum."""
    if isinstance(g, np.ndarray) and g.ndim == 4 and g.dtype.kind == "f":
        N, C, H, W = g.shape
        ones = np.ones(H * W, g.dtype)
        if g.flags.c_contiguous:
            return np.matmul(g.reshape(N, C, H * W), ones).sum(axis=0)
        if g.transpose(1, 0, 2, 3).flags.c_contiguous:  # channel-major, as conv outputs
            return np.matmul(g.transpose(1, 0, 2, 3).reshape(C, N, H * W), ones).sum(axis=1)
    return g.sum(axis=(0, 2, 3))


# -- argument checks ----------------------------------------------------------------------

def _array(a):
    return None if a is None else np.asarray(a) if not isinstance(a, np.ndarray) else a


def check_channels(op, x_shape, weight_shape, bias_shape, groups, filters_axis=0):
    """Ranks, groups and channel counts of a 2-D convolution; ValueError naming op and
    shapes. `filters_axis`: 0 for conv2d's (F, C/G, KH, KW) weight, 1 for the transposed
    convolution's (C_in, C_out/G, KH, KW), whose input channels are weight axis 0."""
    x_shape, weight_shape = tuple(x_shape), tuple(weight_shape)
    if len(x_shape) != 4:
        raise ValueError(f"{op}: expected an input of shape (N, C, H, W), got shape {x_shape}")
    if len(weight_shape) != 4:
        layout = "(F, C/groups, KH, KW)" if filters_axis == 0 else "(C_in, C_out/groups, KH, KW)"
        raise ValueError(f"{op}: weight must have shape {layout}, got {weight_shape} "
                         f"for input of shape {x_shape}")
    if isinstance(groups, bool) or not isinstance(groups, (int, np.integer)) or groups < 1:
        raise ValueError(f"{op}: groups must be a positive int, got {groups!r}")
    if filters_axis == 0:
        expected, filters = weight_shape[1] * groups, weight_shape[0]
    else:
        expected, filters = weight_shape[0], weight_shape[1] * groups
    if x_shape[1] % groups or weight_shape[0] % groups:
        raise ValueError(
            f"{op}: groups={groups} must divide both the input channels and the filters: "
            f"input of shape {x_shape}, weight of shape {weight_shape}")
    if x_shape[1] != expected:
        raise ValueError(
            f"{op}: input of shape {x_shape} has {x_shape[1]} channels but weight of shape "
            f"{weight_shape} with groups={groups} expects {expected}")
    if bias_shape is not None and tuple(bias_shape) != (filters,):
        raise ValueError(
            f"{op}: bias of shape {tuple(bias_shape)} for weight of shape {weight_shape}")


def output_padding_of(windows):
    """The output_padding that makes conv_transpose2d return the convolution's input size:
    the rows and columns past the last window (always < stride)."""
    return tuple(n - ((o - 1) * s - 2 * p + d * (k - 1) + 1) for n, o, s, p, d, k in zip(
        windows.x_shape[2:], windows.out_size, windows.stride, windows.padding,
        windows.dilation, windows.kernel))


def transposed_shape(op, x_shape, weight_shape, stride, padding, output_padding, dilation, groups):
    """(N, C_out, H_out, W_out) of a transposed convolution: (H - 1) s - 2 p + d (K - 1) +
    output_padding + 1, as PyTorch; ValueError for an empty output or output_padding not
    smaller than the stride or the dilation."""
    for name, value, low in (("stride", stride, 1), ("dilation", dilation, 1),
                             ("padding", padding, 0), ("output_padding", output_padding, 0)):
        if min(value) < low:
            word = "non-negative" if low == 0 else "positive"
            raise ValueError(
                f"{op}: {name} must be {word}, got {value} for input of shape {x_shape}")
    if any(k < 1 for k in weight_shape[2:]):
        raise ValueError(f"{op}: kernel size must be positive, got weight of shape {weight_shape}")
    for o, s, d in zip(output_padding, stride, dilation):
        if o >= max(s, d):
            raise ValueError(f"{op}: output_padding {output_padding} must be smaller than "
                             f"either the stride {stride} or the dilation {dilation}")
    size = tuple((n - 1) * s - 2 * p + d * (k - 1) + o + 1 for n, s, p, d, k, o in zip(
        x_shape[2:], stride, padding, dilation, weight_shape[2:], output_padding))
    if min(size) < 1:
        raise ValueError(f"{op}: input of shape {x_shape} with weight of shape {weight_shape}, "
                         f"stride {stride} and padding {padding} gives an empty output {size}")
    return (x_shape[0], weight_shape[1] * groups) + size


def pad_end(a, size):
    """a (N, C, H, W) with zero rows and columns appended up to `size` (arrays or Tensors)."""
    rows, cols = size[0] - a.shape[2], size[1] - a.shape[3]
    if rows == 0 and cols == 0:
        return a
    return call("pad", a, pad_width=((0, 0), (0, 0), (0, rows), (0, cols)))


# -- the rules ---------------------------------------------------------------------------

class _Convolution(Function):
    """Geometry shared by the three rules (set in forward)."""

    def geometry(self, **extra):
        windows = self.windows
        return dict(stride=windows.stride, padding=windows.padding, dilation=windows.dilation,
                    groups=self.groups, **extra)


@register("conv2d")
class Conv2d(_Convolution):
    """Cross-correlation of x (N, C, H, W) with weight (F, C/groups, KH, KW), plus bias."""

    def forward(self, x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
        x, weight, bias = _array(x), _array(weight), _array(bias)
        stride = pair(stride, "stride", "conv2d")
        padding = pair(padding, "padding", "conv2d")
        dilation = pair(dilation, "dilation", "conv2d")
        check_float("conv2d", x, weight, bias)
        check_channels("conv2d", x.shape, weight.shape, None if bias is None else bias.shape,
                       groups)
        windows = Windows(x.shape, weight.shape[2:], stride, padding, dilation, itemsize=x.itemsize)
        # backward rebuilds columns (of x or of g) chunk by chunk: keeping these would hold
        # the step's largest array from forward to backward
        self.save(x, weight)
        self.windows, self.groups = windows, groups
        return conv_forward(x, weight, bias, windows, groups)

    def vjp(self, g):
        x, weight = self.saved
        gb = channel_sums(g) if self.needs_grad(2) else None
        if isinstance(g, np.ndarray):  # plain backward: both gradients from shared columns
            gx, gw = conv_gradients(g, x if self.needs_grad(1) else None,
                                    weight if self.needs_grad(0) else None, weight.shape,
                                    self.windows, self.groups)
            return gx, gw, gb
        gx = gw = None  # create_graph: recorded ops, each differentiable again
        if self.needs_grad(0):
            gx = call("conv_transpose2d", g, weight, None,
                      **self.geometry(output_padding=output_padding_of(self.windows)))
        if self.needs_grad(1):
            gw = call("conv2d_weight", x, weight.shape, g, **self.geometry())
        return gx, gw, gb


@register("conv_transpose2d")
class ConvTranspose2d(_Convolution):
    """The adjoint of conv2d in its input (a "deconvolution"): x (N, C_in, H, W), weight
    (C_in, C_out/groups, KH, KW), bias (C_out,) -> (N, C_out, H_out, W_out)."""

    def forward(self, x, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1,
                dilation=1):
        op = "conv_transpose2d"
        x, weight, bias = _array(x), _array(weight), _array(bias)
        stride, padding = pair(stride, "stride", op), pair(padding, "padding", op)
        output_padding = pair(output_padding, "output_padding", op)
        dilation = pair(dilation, "dilation", op)
        check_float(op, x, weight, bias)
        check_channels(op, x.shape, weight.shape, None if bias is None else bias.shape, groups,
                       filters_axis=1)
        shape = transposed_shape(op, x.shape, weight.shape, stride, padding, output_padding,
                                 dilation, groups)
        # the convolution whose input gradient this is: input `shape`, output x (padded with
        # zeros when output_padding >= stride adds windows past x's last row or column)
        windows = Windows(shape, weight.shape[2:], stride, padding, dilation, op=op,
                          itemsize=np.result_type(x, weight).itemsize)
        out, _ = conv_gradients(pad_end(x, windows.out_size), None, weight, weight.shape,
                                windows, groups)
        if bias is not None:
            if np.result_type(out, bias) == out.dtype:
                out += bias.reshape(-1, 1, 1)
            else:
                out = out + bias.reshape(-1, 1, 1)
        self.save(x, weight)
        self.windows, self.groups = windows, groups
        return out

    def vjp(self, g):
        x, weight = self.saved
        gx = gw = gb = None
        if isinstance(g, np.ndarray) and self.needs_grad(0) and self.needs_grad(1):
            # plain backward: both gradients from the same columns of g
            gx, gw = conv_forward(g, weight, None, self.windows, self.groups,
                                  grad_output=pad_end(x, self.windows.out_size))
            if gx.shape[2:] != x.shape[2:]:
                gx = gx[:, :, :x.shape[2], :x.shape[3]]
            return gx, gw, channel_sums(g) if self.needs_grad(2) else None
        if self.needs_grad(0):
            gx = call("conv2d", g, weight, None, **self.geometry())
            if gx.shape[2:] != x.shape[2:]:
                gx = gx[:, :, :x.shape[2], :x.shape[3]]
        if self.needs_grad(1):
            gw = call("conv2d_weight", g, weight.shape, pad_end(x, self.windows.out_size),
                      **self.geometry())
        if self.needs_grad(2):
            gb = channel_sums(g)
        return gx, gw, gb


@register("conv2d_weight")
class Conv2dWeight(_Convolution):
    """conv2d's weight gradient (torch.nn.grad.conv2d_weight): input x (N, C, H, W) and
    grad_output g (N, F, OH, OW) -> (F, C/groups, KH, KW) = weight_size."""

    def forward(self, x, weight_size, g, stride=1, padding=0, dilation=1, groups=1):
        op = "conv2d_weight"
        x, g = _array(x), _array(g)
        stride, padding = pair(stride, "stride", op), pair(padding, "padding", op)
        dilation = pair(dilation, "dilation", op)
        weight_size = tuple(int(n) for n in weight_size)
        check_float(op, x, g)
        check_channels(op, x.shape, weight_size, None, groups)
        windows = Windows(x.shape, weight_size[2:], stride, padding, dilation, op=op,
                          itemsize=np.result_type(x, g).itemsize)
        expected = (x.shape[0], weight_size[0]) + windows.out_size
        if g.shape != expected:
            raise ValueError(f"{op}: grad_output of shape {g.shape} for input of shape "
                             f"{x.shape} and weight size {weight_size}: expected {expected}")
        self.save(x, g)
        self.windows, self.groups = windows, groups
        return conv_gradients(g, x, None, weight_size, windows, groups)[1]

    def vjp(self, G):  # bilinear in (x, g): each gradient is a convolution with G
        x, g = self.saved
        gx = gg = None
        if self.needs_grad(0):
            gx = call("conv_transpose2d", g, G, None,
                      **self.geometry(output_padding=output_padding_of(self.windows)))
        if self.needs_grad(2):
            gg = call("conv2d", x, G, None, **self.geometry())
        return gx, None, gg


# -- public functions ----------------------------------------------------------------------

def conv2d(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """2-D convolution (cross-correlation, as PyTorch) of NCHW input.

    x (N, C, H, W), weight (F, C/groups, KH, KW), bias (F,) or None; stride, padding
    (zeros) and dilation are ints or (height, width) pairs. Returns (N, F, OH, OW).
    Twice differentiable.

    Examples
    --------
    >>> ops.conv2d(np.ones((1, 3, 8, 8)), np.ones((4, 3, 3, 3)), padding=1).shape
    (1, 4, 8, 8)
    """
    return apply(Conv2d, x, weight, bias, stride=stride, padding=padding, dilation=dilation,
                 groups=groups)


def conv_transpose2d(x, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1,
                     dilation=1):
    """Transposed 2-D convolution (PyTorch's `conv_transpose2d`, argument order included).

    x (N, C_in, H, W), weight (C_in, C_out/groups, KH, KW), bias (C_out,) or None. The
    output (N, C_out, H_out, W_out) has H_out = (H - 1) stride - 2 padding + dilation
    (KH - 1) + output_padding + 1; output_padding (< stride or < dilation) adds rows and
    columns at the bottom and right. It is conv2d's input gradient: the adjoint of
    `conv2d(., weight, stride=, padding=, dilation=, groups=)`.

    Examples
    --------
    >>> ops.conv_transpose2d(np.ones((1, 4, 8, 8)), np.ones((4, 2, 3, 3)), stride=2,
    ...                      padding=1, output_padding=1).shape
    (1, 2, 16, 16)
    """
    return apply(ConvTranspose2d, x, weight, bias, stride=stride, padding=padding,
                 output_padding=output_padding, groups=groups, dilation=dilation)


def conv2d_weight(input, weight_size, grad_output, stride=1, padding=0, dilation=1, groups=1):
    """The gradient of conv2d with respect to its weight, as `torch.nn.grad.conv2d_weight`:
    input (N, C, H, W), grad_output (N, F, OH, OW) -> an array of shape weight_size
    (F, C/groups, KH, KW). Bilinear in input and grad_output, and differentiable in both."""
    return apply(Conv2dWeight, input, tuple(weight_size), grad_output, stride=stride,
                 padding=padding, dilation=dilation, groups=groups)


def _single(value, name, op):
    """An int or a 1-tuple as an int."""
    if isinstance(value, (tuple, list)) and len(value) == 1:
        value = value[0]
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{op}: {name} must be an int or a 1-tuple of ints, got {value!r}")
    return int(value)


def _lift(a, op, name, layout):
    """A (N, C, L) input or (A, B, K) weight as (N, C, 1, L) / (A, B, 1, K), Tensor or array."""
    if not hasattr(a, "grad_fn"):
        a = np.asarray(a)
    if a.ndim != 3:
        raise ValueError(f"{op}: {name} must have shape {layout}, got shape {tuple(a.shape)}")
    return a.reshape(a.shape[:2] + (1,) + a.shape[2:])


def _one_dimensional(op, run):
    """Run the 2-D rule on height-1 views; (N, C, 1, L) -> (N, C, L), errors said for `op`."""
    try:
        out = run()
    except ValueError as error:  # "conv2d: ..." -> "conv1d: ... (as a 2-D convolution ...)"
        message = str(error).split(": ", 1)[-1]
        raise ValueError(f"{op}: {message} (as a 2-D convolution of height 1)") from None
    return out.reshape(out.shape[:2] + out.shape[3:])


def conv1d(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """1-D convolution (cross-correlation) of (N, C, L) input with weight (F, C/groups, K).

    Runs as conv2d on a height-1 view, so it is twice differentiable with conv2d's rules.
    Returns (N, F, L_out), L_out = (L + 2 padding - dilation (K - 1) - 1) // stride + 1.

    Examples
    --------
    >>> ops.conv1d(np.ones((2, 3, 10)), np.ones((4, 3, 3)), padding=1).shape
    (2, 4, 10)
    """
    op = "conv1d"
    x4 = _lift(x, op, "input", "(N, C, L)")
    w4 = _lift(weight, op, "weight", "(F, C/groups, K)")
    geometry = dict(stride=(1, _single(stride, "stride", op)),
                    padding=(0, _single(padding, "padding", op)),
                    dilation=(1, _single(dilation, "dilation", op)), groups=groups)
    return _one_dimensional(op, lambda: conv2d(x4, w4, bias, **geometry))


def conv_transpose1d(x, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1,
                     dilation=1):
    """Transposed 1-D convolution: x (N, C_in, L), weight (C_in, C_out/groups, K) ->
    (N, C_out, (L - 1) stride - 2 padding + dilation (K - 1) + output_padding + 1).

    Runs as conv_transpose2d on a height-1 view (twice differentiable).

    Examples
    --------
    >>> ops.conv_transpose1d(np.ones((2, 4, 5)), np.ones((4, 3, 4)), stride=2, padding=1).shape
    (2, 3, 10)
    """
    op = "conv_transpose1d"
    x4 = _lift(x, op, "input", "(N, C_in, L)")
    w4 = _lift(weight, op, "weight", "(C_in, C_out/groups, K)")
    geometry = dict(stride=(1, _single(stride, "stride", op)),
                    padding=(0, _single(padding, "padding", op)),
                    output_padding=(0, _single(output_padding, "output_padding", op)),
                    dilation=(1, _single(dilation, "dilation", op)), groups=groups)
    return _one_dimensional(op, lambda: conv_transpose2d(x4, w4, bias, **geometry))
