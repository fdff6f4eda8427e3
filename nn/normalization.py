"""Normalisation layers: BatchNorm1d BatchNorm2d LayerNorm GroupNorm (PyTorch's semantics)."""
import numpy as np

import ops
from autograd.tensor import mark_modified
from nn.layers import float_dtype, positive_int
from nn.module import Module
from nn.parameter import Parameter


def affine_parameters(module, shape, dtype, weight=True, bias=True):
    """Register `weight` (ones) and `bias` (zeros) of `shape`, or None for those disabled."""
    module.register_parameter("weight", Parameter(np.ones(shape, dtype)) if weight else None)
    module.register_parameter("bias", Parameter(np.zeros(shape, dtype)) if bias else None)


class _BatchNorm(Module):
    """Shared by BatchNorm1d and BatchNorm2d; subclasses say which input ranks they take."""

    ranks = ()

    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=True,
                 track_running_stats=True, dtype=None):
        super().__init__()
        name = type(self).__name__
        self.num_features = positive_int(num_features, "num_features", name)
        self.eps = eps
        self.momentum = momentum
        self.affine = affine
        self.track_running_stats = track_running_stats
        dtype = float_dtype(dtype, name)
        affine_parameters(self, num_features, dtype, affine, affine)
        if track_running_stats:  # the parameters' dtype (float32 by default), as torch
            self.register_buffer("running_mean", np.zeros(num_features, dtype))
            self.register_buffer("running_var", np.ones(num_features, dtype))
            self.register_buffer("num_batches_tracked", np.array(0, dtype=np.int64))
        else:
            for buffer in ("running_mean", "running_var", "num_batches_tracked"):
                self.register_buffer(buffer, None)

    def reset_running_stats(self):
        """Running mean 0, running variance 1, no batch seen."""
        if self.track_running_stats:
            self.running_mean.data[...] = 0
            self.running_var.data[...] = 1
            self.num_batches_tracked.data[...] = 0
            mark_modified(self.running_mean, self.running_var, self.num_batches_tracked)

    def _check(self, x):
        name = type(self).__name__
        if x.ndim not in self.ranks:
            wanted = " or ".join(f"{r}D" for r in self.ranks)
            raise ValueError(f"{name}: expected {wanted} input (got {x.ndim}D input of shape {x.shape})")
        if x.shape[1] != self.num_features:
            raise ValueError(
                f"{name}: input of shape {x.shape} has {x.shape[1]} channels, "
                f"expected num_features={self.num_features}"
            )

    def forward(self, x):
        self._check(x)
        tracking = self.training and self.track_running_stats
        factor = 0.0 if self.momentum is None else self.momentum
        if tracking and self.momentum is None:  # cumulative moving average
            factor = 1.0 / (int(self.num_batches_tracked.data) + 1)
        use_batch_stats = self.training or self.running_mean is None
        running_mean = None if self.running_mean is None else self.running_mean.data
        running_var = None if self.running_var is None else self.running_var.data
        shape = x.shape
        if x.ndim == 3:  # (N, C, L) -> (N, C, L, 1): spatial batch norm over L
            x = x.reshape(shape + (1,))
        out = ops.batch_norm(x, running_mean, running_var, self.weight, self.bias,
                             training=use_batch_stats, momentum=factor, eps=self.eps)
        if tracking:
            self.num_batches_tracked.data[...] += 1
        return out.reshape(shape) if len(shape) == 3 else out

    def extra_repr(self):
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, "
                f"affine={self.affine}, track_running_stats={self.track_running_stats}")


class BatchNorm1d(_BatchNorm):
    """Batch norm over (N, C) or (N, C, L) input: per-feature batch statistics in
    training, running statistics in eval.

    Examples
    --------
    >>> bn = nn.BatchNorm1d(64)
    >>> sorted(bn.state_dict())
    ['bias', 'num_batches_tracked', 'running_mean', 'running_var', 'weight']
    """

    ranks = (2, 3)


class BatchNorm2d(_BatchNorm):
    """Spatial batch norm over (N, C, H, W): statistics per channel over N, H and W.

    In training the running statistics move as
    ``running = (1 - momentum) * running + momentum * batch`` (unbiased batch variance);
    ``momentum=None`` gives the cumulative average, as PyTorch.

    Examples
    --------
    >>> bn = nn.BatchNorm2d(16)
    >>> bn(x).shape == x.shape          # x of shape (N, 16, H, W)
    True
    """

    ranks = (4,)


class LayerNorm(Module):
    """Normalise over the trailing `normalized_shape` dimensions of each sample.

    Examples
    --------
    >>> nn.LayerNorm(64)(Tensor(np.random.randn(8, 64))).shape
    (8, 64)
    """

    def __init__(self, normalized_shape, eps=1e-5, elementwise_affine=True, bias=True, dtype=None):
        super().__init__()
        if isinstance(normalized_shape, (int, np.integer)):
            normalized_shape = (normalized_shape,)
        self.normalized_shape = tuple(positive_int(n, "normalized_shape", "LayerNorm") for n in normalized_shape)
        self.eps = eps
        self.elementwise_affine = elementwise_affine
        affine_parameters(self, self.normalized_shape, float_dtype(dtype, "LayerNorm"),
                          elementwise_affine, elementwise_affine and bias)

    def forward(self, x):
        return ops.layer_norm(x, self.normalized_shape, self.weight, self.bias, eps=self.eps)

    def extra_repr(self):
        return f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}"


class GroupNorm(Module):
    """Normalise each sample over groups of channels (num_channels / num_groups each).

    Examples
    --------
    >>> nn.GroupNorm(4, 32)(x).shape == x.shape     # x of shape (N, 32, H, W)
    True
    """

    def __init__(self, num_groups, num_channels, eps=1e-5, affine=True, dtype=None):
        super().__init__()
        self.num_groups = positive_int(num_groups, "num_groups", "GroupNorm")
        self.num_channels = positive_int(num_channels, "num_channels", "GroupNorm")
        if num_channels % num_groups:
            raise ValueError(f"GroupNorm: num_channels ({num_channels}) must be divisible by num_groups ({num_groups})")
        self.eps = eps
        self.affine = affine
        affine_parameters(self, num_channels, float_dtype(dtype, "GroupNorm"), affine, affine)

    def forward(self, x):
        return ops.group_norm(x, self.num_groups, self.weight, self.bias, eps=self.eps)

    def extra_repr(self):
        return f"{self.num_groups}, {self.num_channels}, eps={self.eps}, affine={self.affine}"
