"""Normalisation: batch_norm, layer_norm, group_norm, each one rule with a fused VJP.

All three compute xhat = (x - mean) / sqrt(var + eps) over some axes (biased variance),
then y = xhat * weight + bias. With gxhat = g * weight, the whole input gradient is the
compact formula

    gx = invstd * (gxhat - mean(gxhat) - xhat * mean(gxhat * xhat))

(means over the normalised axes), one expression instead of a chain of small ops.

Second derivatives: the fast VJPs work on the saved xhat and invstd, which are derived
arrays (constants to a second differentiation). Under `create_graph=True` the VJP gets
Tensors instead and recomputes the statistics from the saved input x with recorded ops
(`_graph_vjp`), so the gradient is differentiable again; the plain path is unchanged.
"""
import numpy as np

from autograd.function import Function, register
from autograd.tensor import apply
from ops import _lanes, _reuse
from ops._util import check_float


def _sum_of_products(a, b, axes):
    """sum(a * b) over `axes` without the a * b temporary (the other axes kept, in order)."""
    letters = "abcdefghijklmnopqrstuvwxyz"[:a.ndim]
    kept = "".join(letter for i, letter in enumerate(letters) if i not in axes)
    return np.einsum(f"{letters},{letters}->{kept}", a, b)


def _normalize(x, axes, eps):
    """(xhat, mean, biased var, invstd) of x normalised over `axes` (stats keep dims)."""
    if x.size == 0:  # an empty batch (or empty normalised shape) gives empty results, as torch
        kept = tuple(1 if i in axes else n for i, n in enumerate(x.shape))
        return x.copy(), np.zeros(kept, x.dtype), np.ones(kept, x.dtype), np.ones(kept, x.dtype)
    mean = x.mean(axis=axes, keepdims=True)
    xhat = x - mean
    var = _sum_of_products(xhat, xhat, axes).reshape(mean.shape)
    var /= x.size // mean.size
    invstd = 1.0 / np.sqrt(var + eps)
    xhat *= invstd
    return xhat, mean, var, invstd


def _per_channel(x):
    """Whether batch norm runs channel by channel through a cache-sized buffer.

    Each channel block of x is read into a buffer (centred) that stays in cache while its
    statistics, output or gradient are computed: x, g and the result each cross memory
    once, and no activation-sized temporary is made (any strides: conv2d's channel-major
    output with padded rows works as is). Not for 2-D input or fewer than 16384 values
    a channel, where the Python loop over channels does not pay (measured: even at 4096
    to 16384, 3x slower at 1024, faster from 65536).
    """
    return x.ndim >= 3 and x.size // x.shape[1] >= 16384 and x.dtype.kind == "f"


def _batch_norm_channels(x, weight, bias, eps):
    """Training forward of batch norm, channel by channel: (out, mean, biased var, invstd).

    The channels are independent: on a quiet machine two lanes (ops/_lanes.py) take every
    other channel each, in two threads, with the same floats."""
    C = x.shape[1]
    count = x.size // C
    by_channel = np.moveaxis(x, 1, 0)  # (C, N, ...) views
    out = _reuse.empty_like(x)  # x's memory order, dense; reused between steps (no page faults)
    out_by_channel = np.moveaxis(out, 1, 0)
    ones = np.ones(count, x.dtype)
    mean, var = np.empty(C), np.empty(C)

    def lane(channels):
        buffer = np.empty(by_channel.shape[1:], x.dtype)
        flat = buffer.reshape(count)
        for c in channels:
            np.copyto(buffer, by_channel[c])  # one read of the channel; the rest stays in cache
            mean[c] = (flat @ ones) / count  # BLAS dots: 5x faster than a float64 sum here
            flat -= x.dtype.type(mean[c])
            var[c] = (flat @ flat) / count
            invstd = 1.0 / np.sqrt(var[c] + eps)
            scale = invstd if weight is None else weight[c] * invstd
            np.multiply(buffer, x.dtype.type(scale), out=out_by_channel[c])
            if bias is not None:
                out_by_channel[c] += bias[c]

    _lanes.run(lane, range(C), _lanes.count(x.size))  # the BLAS left at one thread
    return out, mean, var, 1.0 / np.sqrt(var + eps)


def _normalize_vjp(gxhat, xhat, invstd, axes):
    """Gradient of x from the gradient of xhat = (x - mean) * invstd over `axes`."""
    if gxhat.size == 0:
        return np.zeros_like(gxhat)
    mean_g = gxhat.mean(axis=axes, keepdims=True)
    mean_gx = _sum_of_products(gxhat, xhat, axes).reshape(mean_g.shape) / (gxhat.size // mean_g.size)
    gx = np.multiply(xhat, -mean_gx)  # four passes, no temporary beyond gx
    gx += gxhat
    gx -= mean_g
    gx *= invstd
    return gx


def _affine(xhat, weight, bias, shape):
    """xhat * weight + bias with the parameters reshaped to `shape` (either may be None)."""
    if weight is None and bias is None:
        return xhat
    out = xhat * weight.reshape(shape) if weight is not None else xhat + bias.reshape(shape)
    if weight is not None and bias is not None:
        out += bias.reshape(shape)  # in place on the fresh product: one pass, no temporary
    return out


def _check_param(op, name, value, shape, x_shape):
    if value is not None and np.shape(value) != tuple(shape):
        raise ValueError(f"{op}: {name} of shape {np.shape(value)} does not match input of shape "
                         f"{x_shape} (expected {tuple(shape)})")


def _is_tensor(value):
    return hasattr(value, "grad_fn")


class _Normalization(Function):
    """Shared VJP: xhat saved, `axes` normalised, parameters broadcast as `param_shape`.

    x is saved too (no extra memory: the node holds its input anyway), so that under
    create_graph the VJP can recompute the statistics from it with recorded ops.
    """

    batch_stats = True  # statistics computed from x (not constants)
    grouped_shape = None  # the shape x is normalised in (group norm), else x's own

    def finish(self, x, xhat, invstd, weight, bias, eps, axes, param_shape, param_axes):
        self.save(xhat, invstd, weight, x)
        self.eps = eps
        self.axes, self.param_shape, self.param_axes = axes, param_shape, param_axes
        return _affine(xhat, weight, bias, param_shape)

    def input_grad(self, gxhat, xhat, invstd):
        return _normalize_vjp(gxhat, xhat, invstd, self.axes)

    def vjp(self, g):
        if _is_tensor(g):
            return self.graph_vjp(g)
        xhat, invstd, weight, x = self.saved
        if xhat is None:  # batch norm's fast path keeps x, mean and invstd only
            xhat = (x - self.mean.astype(x.dtype).reshape(self.param_shape)) * invstd
        gx = gw = gb = None
        if self.needs_grad(0):
            gxhat = g if weight is None else g * weight.reshape(self.param_shape)
            gx = self.input_grad(gxhat, xhat, invstd)
        if self.needs_grad(1):
            gw = _sum_of_products(g, xhat, self.param_axes).reshape(self.affine_shape)
        if self.needs_grad(2):
            gb = np.sum(g, axis=self.param_axes).reshape(self.affine_shape)
        return gx, gw, gb

    def graph_vjp(self, g):
        """The same gradients written with recorded ops on Tensors (create_graph=True).

        The statistics are recomputed from the saved input x (re-wrapped by the engine as
        the graph's own input tensor), so the result is differentiable in x and weight.
        """
        _, invstd, weight, x = self.saved
        axes = self.axes
        xs = x if self.grouped_shape is None else x.reshape(self.grouped_shape)
        if self.batch_stats:
            centred = xs - xs.mean(axis=axes, keepdims=True)
            invstd = ((centred * centred).mean(axis=axes, keepdims=True) + self.eps) ** -0.5
        else:  # running statistics: constants (invstd was saved from them)
            centred = xs - self.shift
        xhat = centred * invstd
        gx = gw = gb = None
        if self.needs_grad(0):
            gxhat = g if weight is None else g * weight.reshape(self.param_shape)
            if self.grouped_shape is not None:
                gxhat = gxhat.reshape(self.grouped_shape)
            if self.batch_stats:
                gx = invstd * (gxhat - gxhat.mean(axis=axes, keepdims=True)
                               - xhat * (gxhat * xhat).mean(axis=axes, keepdims=True))
            else:
                gx = gxhat * invstd
            if self.grouped_shape is not None:
                gx = gx.reshape(x.shape)
        if self.grouped_shape is not None:
            xhat = xhat.reshape(x.shape)
        if self.needs_grad(1):
            gw = (g * xhat).sum(axis=self.param_axes).reshape(self.affine_shape)
        if self.needs_grad(2):
            gb = g.sum(axis=self.param_axes).reshape(self.affine_shape)
        return gx, gw, gb


@register("batch_norm")
class BatchNorm(_Normalization):
    """Per-channel normalisation of (N, C, ...) input; batch statistics when training."""

    def forward(self, x, weight=None, bias=None, running_mean=None, running_var=None,
                training=False, momentum=0.1, eps=1e-5):
        check_float("batch_norm", x)
        if x.ndim < 2:
            raise ValueError(
                f"batch_norm: expected input of shape (N, C) or (N, C, H, W), got {x.shape}")
        C = x.shape[1]
        for name, value in (("weight", weight), ("bias", bias), ("running_mean", running_mean),
                            ("running_var", running_var)):
            _check_param("batch_norm", name, value, (C,), x.shape)
        if (running_mean is None) != (running_var is None):
            raise ValueError("batch_norm: give both running_mean and running_var, or neither")
        if running_mean is None and not training:
            raise ValueError("batch_norm: eval mode (training=False) needs running_mean and "
                             "running_var")
        for value in (running_mean, running_var):
            if value is not None and not (isinstance(value, np.ndarray) and value.flags.writeable):
                raise TypeError("batch_norm: running statistics must be writeable arrays "
                                f"(updated in place), got {type(value).__name__}")
        axes = (0,) + tuple(range(2, x.ndim))
        count = x.size // C
        param_shape = (1, C) + (1,) * (x.ndim - 2)
        if training:
            if count == 1 or (count == 0 and x.size):
                raise ValueError(
                    f"batch_norm: expected more than 1 value per channel when training, got input "
                    f"of shape {x.shape}")
            if _per_channel(x):  # fast path: xhat never stored (recomputed in the VJP)
                out, mean, var, invstd64 = _batch_norm_channels(x, weight, bias, eps)
                self.mean = mean
                invstd = invstd64.astype(x.dtype).reshape(param_shape)
                xhat = None
            else:
                xhat, mean, var, invstd = _normalize(x, axes, eps)
            if running_mean is not None:
                running_mean *= 1 - momentum
                running_mean += momentum * mean.reshape(C)
                running_var *= 1 - momentum
                running_var += (momentum * count / (count - 1)) * var.reshape(C)
            self.batch_stats = True
            if xhat is None:
                self.save(None, invstd, weight, x)
                self.eps, self.affine_shape = eps, (C,)
                self.axes, self.param_shape, self.param_axes = axes, param_shape, axes
                return out
        else:  # running statistics, in x's precision
            invstd = 1.0 / np.sqrt(running_var.reshape(param_shape).astype(x.dtype) + eps)
            self.shift = running_mean.reshape(param_shape).astype(x.dtype)
            xhat = (x - self.shift) * invstd
            self.batch_stats = False
        self.affine_shape = (C,)
        return self.finish(x, xhat, invstd, weight, bias, eps, axes, param_shape, axes)

    def input_grad(self, gxhat, xhat, invstd):
        if self.batch_stats:
            return _normalize_vjp(gxhat, xhat, invstd, self.axes)
        return gxhat * invstd  # running statistics are constants

    def vjp(self, g):
        """Fused per-channel VJP: two reductions (sum g, sum g * xhat, which are also the
        bias and weight gradients) and four passes for gx, instead of the generic chain.

        With a = weight * invstd and m = count: gxhat = g * weight, so
        gx = a * (g - sum(g) / m - xhat * sum(g * xhat) / m).
        """
        if _is_tensor(g):
            return self.graph_vjp(g)
        xhat, invstd, weight, x = self.saved
        if not self.batch_stats or g.dtype != x.dtype or x.size == 0:
            return super().vjp(g)
        if xhat is None:
            return self.vjp_from_input(g, x, invstd, weight)
        C = xhat.shape[1]
        sum_g = g.sum(axis=self.axes)
        sum_gx = _sum_of_products(g, xhat, self.axes)
        gx = None
        if self.needs_grad(0):
            count = xhat.size // C
            scale = invstd.reshape(C) if weight is None else weight * invstd.reshape(C)
            shape = self.param_shape
            gx = np.multiply(xhat, (-sum_gx / count).astype(xhat.dtype).reshape(shape))
            gx += g
            gx *= scale.astype(xhat.dtype).reshape(shape)
            gx -= (scale * sum_g / count).astype(xhat.dtype).reshape(shape)
        gw = sum_gx if self.needs_grad(1) else None
        gb = sum_g if self.needs_grad(2) else None
        return gx, gw, gb

    def vjp_from_input(self, g, x, invstd, weight):
        """The fused VJP channel by channel, xhat recomputed in a cache-sized buffer.

        With xc = x - mean, a = weight * invstd, m = count and s = sum(g * xc):
        gx = a * (g - sum(g) / m - xc * invstd^2 * s / m); the weight gradient is
        invstd * s and the bias gradient sum(g). x and g are read once, gx written once.
        """
        C, dtype = x.shape[1], x.dtype
        count = x.size // C
        invstd64 = invstd.reshape(C).astype(np.float64)
        x_by_channel, g_by_channel = np.moveaxis(x, 1, 0), np.moveaxis(g, 1, 0)
        gx = _reuse.empty_like(x) if self.needs_grad(0) else None
        gx_by_channel = None if gx is None else np.moveaxis(gx, 1, 0)
        # g's channel blocks are read in place when contiguous (conv2d's channel-major
        # gradient, or C-contiguous g with one sample); else copied into a cached buffer
        dense_g = g.dtype == dtype and g_by_channel[0].flags.c_contiguous
        ones = np.ones(count, dtype)
        sum_g, sum_gxc = np.empty(C), np.empty(C)
        mean = self.mean

        def lane(channels):  # independent channels: two lanes in two threads when quiet
            centred = np.empty(x_by_channel.shape[1:], dtype)
            flat_centred = centred.reshape(count)
            upstream = None if dense_g else np.empty_like(centred)
            for c in channels:
                np.subtract(x_by_channel[c], dtype.type(mean[c]), out=centred)
                if dense_g:
                    block = g_by_channel[c]
                    flat_upstream = block.reshape(count)
                else:
                    block = upstream
                    np.copyto(upstream, g_by_channel[c])
                    flat_upstream = upstream.reshape(count)
                sum_g[c] = flat_upstream @ ones
                sum_gxc[c] = flat_upstream @ flat_centred
                if gx is not None:
                    a = invstd64[c] if weight is None else weight[c] * invstd64[c]
                    centred *= dtype.type(-invstd64[c] ** 2 * sum_gxc[c] / count)
                    centred += block
                    centred -= dtype.type(sum_g[c] / count)  # in cache, not a pass over gx
                    np.multiply(centred, dtype.type(a), out=gx_by_channel[c])

        _lanes.run(lane, range(C), _lanes.count(x.size))  # the BLAS left at one thread
        gw = (invstd64 * sum_gxc).astype(dtype) if self.needs_grad(1) else None
        gb = sum_g.astype(dtype) if self.needs_grad(2) else None
        return gx, gw, gb


@register("layer_norm")
class LayerNorm(_Normalization):
    """Normalisation of each sample over its trailing `normalized_shape` dimensions."""

    def forward(self, x, weight=None, bias=None, normalized_shape=(), eps=1e-5):
        check_float("layer_norm", x)
        shape = normalized_shape
        shape = (shape,) if isinstance(shape, (int, np.integer)) else tuple(shape)
        k = len(shape)
        if k == 0 or x.ndim < k or x.shape[x.ndim - k:] != shape:
            raise ValueError(f"layer_norm: normalized_shape {shape} does not match the trailing "
                             f"dimensions of input of shape {x.shape}")
        _check_param("layer_norm", "weight", weight, shape, x.shape)
        _check_param("layer_norm", "bias", bias, shape, x.shape)
        axes = tuple(range(x.ndim - k, x.ndim))
        xhat, _, _, invstd = _normalize(x, axes, eps)
        self.affine_shape = shape
        return self.finish(x, xhat, invstd, weight, bias, eps, axes, shape, tuple(range(x.ndim - k)))


@register("group_norm")
class GroupNorm(_Normalization):
    """Normalisation of (N, C, ...) input over each group of C/num_groups channels."""

    def forward(self, x, weight=None, bias=None, num_groups=1, eps=1e-5):
        check_float("group_norm", x)
        if x.ndim < 2:
            raise ValueError(f"group_norm: expected input of shape (N, C, ...), got {x.shape}")
        N, C = x.shape[:2]
        if isinstance(num_groups, bool) or not isinstance(num_groups, (int, np.integer)) \
                or num_groups < 1 or C % num_groups:
            raise ValueError(f"group_norm: num_groups={num_groups!r} must be a positive divisor of "
                             f"the {C} channels of input of shape {x.shape}")
        _check_param("group_norm", "weight", weight, (C,), x.shape)
        _check_param("group_norm", "bias", bias, (C,), x.shape)
        self.grouped_shape = (N, num_groups, C // num_groups * int(np.prod(x.shape[2:])))  # (N, G, C/G * spatial)
        xhat, _, _, invstd = _normalize(x.reshape(self.grouped_shape), (2,), eps)
        self.x_shape, self.affine_shape = x.shape, (C,)
        param_shape = (1, C) + (1,) * (x.ndim - 2)
        param_axes = (0,) + tuple(range(2, x.ndim))
        return self.finish(x, xhat.reshape(x.shape), invstd, weight, bias, eps, (2,), param_shape,
                           param_axes)

    def input_grad(self, gxhat, xhat, invstd):
        gx = _normalize_vjp(gxhat.reshape(self.grouped_shape), xhat.reshape(self.grouped_shape),
                            invstd, (2,))
        return gx.reshape(self.x_shape)


def batch_norm(x, running_mean, running_var, weight=None, bias=None, training=False,
               momentum=0.1, eps=1e-5):
    """Batch normalisation of (N, C) or (N, C, H, W) input, as torch.nn.functional.batch_norm.

    Training normalises with the batch statistics (biased variance) and updates the
    running arrays in place: running = (1 - momentum) * running + momentum * batch, with
    the unbiased batch variance. Eval mode uses the running statistics.
    """
    return apply(BatchNorm, x, weight, bias, running_mean, running_var, training=training,
                 momentum=momentum, eps=eps)


def layer_norm(x, normalized_shape, weight=None, bias=None, eps=1e-5):
    """Layer normalisation over the trailing `normalized_shape` dimensions."""
    return apply(LayerNorm, x, weight, bias, normalized_shape=normalized_shape, eps=eps)


def group_norm(x, num_groups, weight=None, bias=None, eps=1e-5):
    """Group normalisation of (N, C, ...) input with `num_groups` groups of channels."""
    return apply(GroupNorm, x, weight, bias, num_groups=num_groups, eps=eps)
