"""Normalisation: batch_norm, layer_norm, group_norm, each one rule with a fused VJP.

All three compute xhat = (x - mean) / sqrt(var + eps) over some axes (biased variance),
then y = xhat * weight + bias. With gxhat = g * weight, the whole input gradient is the
compact formula

    gx = invstd * (gxhat - mean(gxhat) - xhat * mean(gxhat * xhat))

(means over the normalised axes), one expression instead of a chain of small ops.
"""
import numpy as np

from autograd.function import Function, register
from autograd.tensor import apply
from ops._util import check_float


def _sum_of_products(a, b, axes):
    """sum(a * b) over `axes` without the a * b temporary (the other axes kept, in order)."""
    letters = "abcdefghijklmnopqrstuvwxyz"[:a.ndim]
    kept = "".join(letter for i, letter in enumerate(letters) if i not in axes)
    return np.einsum(f"{letters},{letters}->{kept}", a, b)


def _normalize(x, axes, eps):
    """(xhat, mean, biased var, invstd) of x normalised over `axes` (stats keep dims)."""
    mean = x.mean(axis=axes, keepdims=True)
    xhat = x - mean
    var = _sum_of_products(xhat, xhat, axes).reshape(mean.shape)
    var /= x.size // mean.size
    invstd = 1.0 / np.sqrt(var + eps)
    xhat *= invstd
    return xhat, mean, var, invstd


def _normalize_vjp(gxhat, xhat, invstd, axes):
    """Gradient of x from the gradient of xhat = (x - mean) * invstd over `axes`."""
    mean_g = gxhat.mean(axis=axes, keepdims=True)
    mean_gx = np.mean(gxhat * xhat, axis=axes, keepdims=True)
    gx = gxhat - mean_g
    gx -= xhat * mean_gx
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


class _Normalization(Function):
    """Shared VJP: xhat saved, `axes` normalised, parameters broadcast as `param_shape`."""

    twice_differentiable = False  # the VJP uses the derived xhat and invstd

    def finish(self, xhat, invstd, weight, bias, axes, param_shape, param_axes):
        self.save(xhat, invstd, weight)
        self.axes, self.param_shape, self.param_axes = axes, param_shape, param_axes
        return _affine(xhat, weight, bias, param_shape)

    def input_grad(self, gxhat, xhat, invstd):
        return _normalize_vjp(gxhat, xhat, invstd, self.axes)

    def vjp(self, g):
        xhat, invstd, weight = self.saved
        gx = gw = gb = None
        if self.needs_grad(0):
            gxhat = g if weight is None else g * weight.reshape(self.param_shape)
            gx = self.input_grad(gxhat, xhat, invstd)
        if self.needs_grad(1):
            gw = np.sum(g * xhat, axis=self.param_axes).reshape(self.affine_shape)
        if self.needs_grad(2):
            gb = np.sum(g, axis=self.param_axes).reshape(self.affine_shape)
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
            if count <= 1:
                raise ValueError(
                    f"batch_norm: expected more than 1 value per channel when training, got input "
                    f"of shape {x.shape}")
            xhat, mean, var, invstd = _normalize(x, axes, eps)
            if running_mean is not None:
                running_mean *= 1 - momentum
                running_mean += momentum * mean.reshape(C)
                running_var *= 1 - momentum
                running_var += (momentum * count / (count - 1)) * var.reshape(C)
            self.batch_stats = True
        else:  # running statistics, in x's precision
            invstd = 1.0 / np.sqrt(running_var.reshape(param_shape).astype(x.dtype) + eps)
            xhat = (x - running_mean.reshape(param_shape).astype(x.dtype)) * invstd
            self.batch_stats = False
        self.affine_shape = (C,)
        return self.finish(xhat, invstd, weight, bias, axes, param_shape, axes)

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
        xhat, invstd, weight = self.saved
        if not self.batch_stats or g.dtype != xhat.dtype:
            return super().vjp(g)
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
        return self.finish(xhat, invstd, weight, bias, axes, shape, tuple(range(x.ndim - k)))


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
        grouped = x.reshape(N, num_groups, -1)  # (N, G, C/G * spatial)
        xhat, _, _, invstd = _normalize(grouped, (2,), eps)
        self.x_shape, self.affine_shape = x.shape, (C,)
        param_shape = (1, C) + (1,) * (x.ndim - 2)
        param_axes = (0,) + tuple(range(2, x.ndim))
        return self.finish(xhat.reshape(x.shape), invstd, weight, bias, (2,), param_shape, param_axes)

    def input_grad(self, gxhat, xhat, invstd):
        N, G = invstd.shape[:2]
        gx = _normalize_vjp(gxhat.reshape(N, G, -1), xhat.reshape(N, G, -1), invstd, (2,))
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
