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

from autograd.function import Function, call, register
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
            return self.scatter_graph(g, self.window_index(arg.data))
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
