"""`torch.nn.functional` for npgrad: the same names, argument names, order and defaults.

`import nn.functional as F` code reads as PyTorch's: `F.softmax(x, dim=1)` (NumPy's
`axis=` is accepted too, as everywhere in npgrad),
`F.cross_entropy(logits, y, label_smoothing=0.1)`, `F.pad(x, (1, 1, 2, 0))`. Each
function forwards to the registered op in `ops` (whose tensor-level names follow NumPy:
`axis=`), so gradients, second derivatives and speed are the op's. `inplace=True` is
accepted and ignored (npgrad never mutates an input); PyTorch's deprecated
`size_average`/`reduce` flags map to a reduction as torch maps them. An option npgrad
does not implement (e.g. `ceil_mode=True`) raises NotImplementedError rather than being
ignored.

Examples
--------
>>> import nn.functional as F
>>> h = F.relu(F.conv2d(x, w, b, padding=1))
>>> loss = F.cross_entropy(F.linear(h.reshape(n, -1), w2), labels)
"""
import warnings

import numpy as np

import ops
from autograd.tensor import Tensor

# ------------------------------------------------------------------------ helpers


def _unsupported(fn, **options):
    """Refuse non-default values of options npgrad does not implement."""
    for name, (value, default) in options.items():
        if (value is not None) if default is None else (value != default):
            raise NotImplementedError(f"{fn}: {name}={value!r} is not supported by npgrad "
                                      f"(only {name}={default!r})")


def _reduction(fn, size_average, reduce, reduction):
    if size_average is None and reduce is None:
        return reduction
    warnings.warn(f"{fn}: size_average and reduce are deprecated, use reduction", UserWarning,
                  stacklevel=3)
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    return "none" if not reduce else ("mean" if size_average else "sum")


def _implicit_dim(ndim, name):
    """PyTorch's legacy choice when dim is None: 0 for 0-, 1- and 3-D input, else 1."""
    warnings.warn(f"Implicit dimension choice for {name} has been deprecated. Change the call "
                  "to include dim=X as an argument.", UserWarning, stacklevel=3)
    return 0 if ndim in (0, 1, 3) else 1


def _dim(fn, dim, axis):
    """`dim`, or NumPy's spelling `axis` (npgrad accepts both; giving both is an error)."""
    if axis is None:
        return dim
    if dim is not None:
        raise TypeError(f"{fn}: got both dim={dim!r} and axis={axis!r}; pass one")
    return axis


def _cast(input, dtype):  # noqa: A002
    if dtype is None:
        return input
    return input.astype(dtype) if isinstance(input, Tensor) else Tensor(np.asarray(input, dtype))


# -------------------------------------------------------------------- activations
def relu(input, inplace=False):  # noqa: A002
    """max(x, 0)."""
    return ops.relu(input)


def relu6(input, inplace=False):  # noqa: A002
    """min(max(x, 0), 6)."""
    return hardtanh(input, 0.0, 6.0)


def leaky_relu(input, negative_slope=0.01, inplace=False):  # noqa: A002
    """x for x > 0, negative_slope * x otherwise."""
    return ops.leaky_relu(input, negative_slope)


def gelu(input, approximate="none"):  # noqa: A002
    """x * Phi(x) (exact with erf, or approximate='tanh')."""
    return ops.gelu(input, approximate=approximate)


def sigmoid(input):  # noqa: A002
    return ops.sigmoid(input)


def tanh(input):  # noqa: A002
    return ops.tanh(input)


def silu(input, inplace=False):  # noqa: A002
    """x * sigmoid(x)."""
    return ops.silu(input)


def mish(input, inplace=False):  # noqa: A002
    """x * tanh(softplus(x))."""
    return ops.mish(input)


def softplus(input, beta=1.0, threshold=20.0):  # noqa: A002
    """log(1 + exp(beta x)) / beta, linear where beta x > threshold."""
    return ops.softplus(input, beta=beta, threshold=threshold)


def elu(input, alpha=1.0, inplace=False):  # noqa: A002
    """x for x > 0, alpha (exp(x) - 1) otherwise."""
    return ops.elu(input, alpha=alpha)


def celu(input, alpha=1.0, inplace=False):  # noqa: A002
    """max(0, x) + min(0, alpha (exp(x / alpha) - 1))."""
    return ops.celu(input, alpha=alpha)


def selu(input, inplace=False):  # noqa: A002
    """scale * elu(x, alpha) with the self-normalising constants."""
    return ops.selu(input)


def hardtanh(input, min_val=-1.0, max_val=1.0, inplace=False):  # noqa: A002
    """x clipped to [min_val, max_val]."""
    return ops.hardtanh(input, min_val=min_val, max_val=max_val)


def logsigmoid(input):  # noqa: A002
    """log(sigmoid(x)), computed stably."""
    return ops.logsigmoid(input)


def softsign(input):  # noqa: A002
    """x / (1 + |x|)."""
    return ops.softsign(input)


def prelu(input, weight):  # noqa: A002
    """x for x > 0, weight * x otherwise (one weight, or one per channel along axis 1)."""
    return ops.prelu(input, weight)


def softmax(input, dim=None, _stacklevel=3, dtype=None, *, axis=None):  # noqa: A002
    """Softmax along `dim` (dim=None: PyTorch's deprecated implicit choice, with a warning)."""
    input = _cast(input, dtype)
    dim = _dim("softmax", dim, axis)
    if dim is None:
        dim = _implicit_dim(np.ndim(input), "softmax")
    return ops.softmax(input, axis=dim)


def log_softmax(input, dim=None, _stacklevel=3, dtype=None, *, axis=None):  # noqa: A002
    """Log-softmax along `dim`, computed stably."""
    input = _cast(input, dtype)
    dim = _dim("log_softmax", dim, axis)
    if dim is None:
        dim = _implicit_dim(np.ndim(input), "log_softmax")
    return ops.log_softmax(input, axis=dim)


def softmin(input, dim=None, _stacklevel=3, dtype=None, *, axis=None):  # noqa: A002
    """softmax(-x) along `dim`."""
    input = _cast(input, dtype)
    dim = _dim("softmin", dim, axis)
    if dim is None:
        dim = _implicit_dim(np.ndim(input), "softmin")
    return ops.softmax(-input if isinstance(input, Tensor) else -np.asarray(input), axis=dim)


# ------------------------------------------------------------------------- layers
def linear(input, weight, bias=None):  # noqa: A002
    """x @ weight.T + bias, weight (out_features, in_features)."""
    return ops.linear(input, weight, bias)


def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):  # noqa: A002
    return ops.conv1d(input, weight, bias, stride=stride, padding=padding, dilation=dilation,
                      groups=groups)


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):  # noqa: A002
    return ops.conv2d(input, weight, bias, stride=stride, padding=padding, dilation=dilation,
                      groups=groups)


def conv_transpose1d(input, weight, bias=None, stride=1, padding=0, output_padding=0,  # noqa: A002
                     groups=1, dilation=1):
    return ops.conv_transpose1d(input, weight, bias, stride=stride, padding=padding,
                                output_padding=output_padding, groups=groups, dilation=dilation)


def conv_transpose2d(input, weight, bias=None, stride=1, padding=0, output_padding=0,  # noqa: A002
                     groups=1, dilation=1):
    return ops.conv_transpose2d(input, weight, bias, stride=stride, padding=padding,
                                output_padding=output_padding, groups=groups, dilation=dilation)


def _pool(name, input, kernel_size, stride, padding, **unsupported):  # noqa: A002
    _unsupported(name, **unsupported)
    return getattr(ops, name)(input, kernel_size, stride=stride, padding=padding)


def max_pool1d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,  # noqa: A002
               return_indices=False):
    return _pool("max_pool1d", input, kernel_size, stride, padding, dilation=(dilation, 1),
                 ceil_mode=(ceil_mode, False), return_indices=(return_indices, False))


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,  # noqa: A002
               return_indices=False):
    return _pool("max_pool2d", input, kernel_size, stride, padding, dilation=(dilation, 1),
                 ceil_mode=(ceil_mode, False), return_indices=(return_indices, False))


def avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False,  # noqa: A002
               count_include_pad=True):
    return _pool("avg_pool1d", input, kernel_size, stride, padding, ceil_mode=(ceil_mode, False),
                 count_include_pad=(count_include_pad, True))


def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False,  # noqa: A002
               count_include_pad=True, divisor_override=None):
    return _pool("avg_pool2d", input, kernel_size, stride, padding, ceil_mode=(ceil_mode, False),
                 count_include_pad=(count_include_pad, True),
                 divisor_override=(divisor_override, None))


def adaptive_avg_pool1d(input, output_size):  # noqa: A002
    return ops.adaptive_avg_pool1d(input, output_size)


def adaptive_avg_pool2d(input, output_size):  # noqa: A002
    return ops.adaptive_avg_pool2d(input, output_size)


def adaptive_max_pool1d(input, output_size, return_indices=False):  # noqa: A002
    _unsupported("adaptive_max_pool1d", return_indices=(return_indices, False))
    return ops.adaptive_max_pool1d(input, output_size)


def adaptive_max_pool2d(input, output_size, return_indices=False):  # noqa: A002
    _unsupported("adaptive_max_pool2d", return_indices=(return_indices, False))
    return ops.adaptive_max_pool2d(input, output_size)


def batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False,  # noqa: A002
               momentum=0.1, eps=1e-5):
    return ops.batch_norm(input, running_mean, running_var, weight, bias, training=training,
                          momentum=momentum, eps=eps)


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5):  # noqa: A002
    return ops.layer_norm(input, normalized_shape, weight, bias, eps=eps)


def group_norm(input, num_groups, weight=None, bias=None, eps=1e-5):  # noqa: A002
    return ops.group_norm(input, num_groups, weight, bias, eps=eps)


def dropout(input, p=0.5, training=True, inplace=False):  # noqa: A002
    """Zero elements with probability p, scale the rest by 1 / (1 - p) (when training)."""
    return ops.dropout(input, p, training=training)


def embedding(input, weight, padding_idx=None, max_norm=None, norm_type=2.0,  # noqa: A002
              scale_grad_by_freq=False, sparse=False):
    _unsupported("embedding", max_norm=(max_norm, None),
                 scale_grad_by_freq=(scale_grad_by_freq, False), sparse=(sparse, False))
    return ops.embedding(input, weight, padding_idx=padding_idx)


def scaled_dot_product_attention(query, key, value, attn_mask=None, dropout_p=0.0,
                                 is_causal=False, scale=None, enable_gqa=False):
    return ops.scaled_dot_product_attention(query, key, value, attn_mask=attn_mask,
                                            dropout_p=dropout_p, is_causal=is_causal,
                                            scale=scale, enable_gqa=enable_gqa)


def interpolate(input, size=None, scale_factor=None, mode="nearest", align_corners=None,  # noqa: A002
                recompute_scale_factor=None, antialias=False):
    _unsupported("interpolate", antialias=(antialias, False))
    return ops.interpolate(input, size=size, scale_factor=scale_factor, mode=mode,
                           align_corners=align_corners,
                           recompute_scale_factor=recompute_scale_factor)


def pixel_shuffle(input, upscale_factor):  # noqa: A002
    return ops.pixel_shuffle(input, upscale_factor)


def pixel_unshuffle(input, downscale_factor):  # noqa: A002
    return ops.pixel_unshuffle(input, downscale_factor)


def upsample(input, size=None, scale_factor=None, mode="nearest", align_corners=None):  # noqa: A002
    """Deprecated in PyTorch in favour of `interpolate` (same result; warns, as PyTorch)."""
    warnings.warn("nn.functional.upsample is deprecated. Use nn.functional.interpolate instead.",
                  UserWarning, stacklevel=2)
    return interpolate(input, size=size, scale_factor=scale_factor, mode=mode,
                       align_corners=align_corners)


def pad(input, pad, mode="constant", value=None):  # noqa: A002
    """Pad with PyTorch's argument order: (left, right) of the LAST axis first, then the
    axis before it, and so on, e.g. (1, 1, 2, 0) pads the last axis by 1 on both sides and
    the one before by 2 at the start. mode 'constant' (value, default 0), 'reflect',
    'replicate' (NumPy's 'edge') or 'circular' (NumPy's 'wrap')."""
    pad = tuple(int(p) for p in pad)
    ndim = np.ndim(input)
    if len(pad) % 2 or len(pad) // 2 > ndim:
        raise ValueError(f"pad: padding length {len(pad)} must be even and at most twice the "
                         f"{ndim} dimensions of the input")
    if any(p < 0 for p in pad):
        raise NotImplementedError("pad: negative padding (cropping) is not supported by npgrad")
    width = [(0, 0)] * ndim
    for k in range(len(pad) // 2):
        width[ndim - 1 - k] = (pad[2 * k], pad[2 * k + 1])
    modes = {"constant": "constant", "reflect": "reflect", "replicate": "edge", "circular": "wrap"}
    if mode not in modes:
        raise ValueError(f"pad: mode must be one of {tuple(modes)}, got {mode!r}")
    if mode == "constant":
        return ops.pad(input, width, constant_values=0 if value is None else value)
    if value not in (None, 0):
        raise ValueError(f"pad: padding mode {mode!r} doesn't take in value argument")
    return ops.pad(input, width, mode=modes[mode])


def one_hot(tensor, num_classes=-1):
    """Integer class indices (any shape) to int64 one-hot vectors along a new last axis."""
    indices = np.asarray(getattr(tensor, "data", tensor))
    if indices.dtype.kind not in "iu":
        raise TypeError(f"one_hot: expected integer class indices, got dtype {indices.dtype}")
    if num_classes == -1:
        num_classes = int(indices.max()) + 1 if indices.size else 0
    if indices.size and (indices.min() < 0 or indices.max() >= num_classes):
        raise ValueError(f"one_hot: class values must be in [0, {num_classes})")
    return Tensor((indices[..., None] == np.arange(num_classes)).astype(np.int64))


def normalize(input, p=2.0, dim=1, eps=1e-12, out=None, *, axis=None):  # noqa: A002
    """x / max(||x||_p, eps) along `dim`."""
    _unsupported("normalize", out=(out, None))
    dim = dim if axis is None else axis
    x = input if isinstance(input, Tensor) else Tensor(input)
    # max(||x||, eps) as max(sum |x|^p, eps^p)^(1/p): equal, and a zero row gets a zero
    # gradient (as torch) instead of 0 * inf from the root's slope at 0
    if p == 2:
        norm = ops.sqrt(ops.maximum((x * x).sum(axis=dim, keepdims=True), eps * eps))
    else:
        norm = ops.maximum((ops.abs(x) ** p).sum(axis=dim, keepdims=True), eps ** p) ** (1.0 / p)
    return x / norm


def cosine_similarity(x1, x2, dim=1, eps=1e-8, *, axis=None):
    """x1 . x2 / sqrt(max(||x1||^2 ||x2||^2, eps^2)) along `dim` (PyTorch's formula)."""
    dim = dim if axis is None else axis
    x1 = x1 if isinstance(x1, Tensor) else Tensor(x1)
    x2 = x2 if isinstance(x2, Tensor) else Tensor(x2)
    dot = (x1 * x2).sum(axis=dim)
    squares = (x1 * x1).sum(axis=dim) * (x2 * x2).sum(axis=dim)
    return dot / ops.sqrt(ops.maximum(squares, eps * eps))


def pairwise_distance(x1, x2, p=2.0, eps=1e-6, keepdim=False):
    """||x1 - x2 + eps||_p along the last axis."""
    diff = x1 - x2 + eps
    diff = diff if isinstance(diff, Tensor) else Tensor(diff)
    return (ops.abs(diff) ** p).sum(axis=-1, keepdims=keepdim) ** (1.0 / p)


# ------------------------------------------------------------------------- losses
def cross_entropy(input, target, weight=None, size_average=None, ignore_index=-100,  # noqa: A002
                  reduce=None, reduction="mean", label_smoothing=0.0):
    return ops.cross_entropy(input, target, weight=weight, ignore_index=ignore_index,
                             reduction=_reduction("cross_entropy", size_average, reduce, reduction),
                             label_smoothing=label_smoothing)


def nll_loss(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,  # noqa: A002
             reduction="mean"):
    return ops.nll_loss(input, target, weight=weight, ignore_index=ignore_index,
                        reduction=_reduction("nll_loss", size_average, reduce, reduction))


def mse_loss(input, target, size_average=None, reduce=None, reduction="mean"):  # noqa: A002
    return ops.mse_loss(input, target, reduction=_reduction("mse_loss", size_average, reduce, reduction))


def l1_loss(input, target, size_average=None, reduce=None, reduction="mean"):  # noqa: A002
    return ops.l1_loss(input, target, reduction=_reduction("l1_loss", size_average, reduce, reduction))


def smooth_l1_loss(input, target, size_average=None, reduce=None, reduction="mean",  # noqa: A002
                   beta=1.0):
    return ops.smooth_l1_loss(input, target, beta=beta,
                              reduction=_reduction("smooth_l1_loss", size_average, reduce, reduction))


def huber_loss(input, target, reduction="mean", delta=1.0):  # noqa: A002
    return ops.huber_loss(input, target, reduction=reduction, delta=delta)


def binary_cross_entropy(input, target, weight=None, size_average=None, reduce=None,  # noqa: A002
                         reduction="mean"):
    return ops.binary_cross_entropy(
                                    input, target, weight=weight,
                                    reduction=_reduction("binary_cross_entropy", size_average, reduce, reduction))


def binary_cross_entropy_with_logits(input, target, weight=None, size_average=None,  # noqa: A002
                                     reduce=None, reduction="mean", pos_weight=None):
    return ops.binary_cross_entropy_with_logits(
                                                input, target, weight=weight, pos_weight=pos_weight,
                                                reduction=_reduction("binary_cross_entropy_with_logits", size_average, reduce, reduction))


def kl_div(input, target, size_average=None, reduce=None, reduction="mean",  # noqa: A002
           log_target=False):
    return ops.kl_div(input, target, log_target=log_target,
                      reduction=_reduction("kl_div", size_average, reduce, reduction))


def cosine_embedding_loss(input1, input2, target, margin=0.0, size_average=None, reduce=None,
                          reduction="mean"):
    return ops.cosine_embedding_loss(
                                     input1, input2, target, margin=margin,
                                     reduction=_reduction("cosine_embedding_loss", size_average, reduce, reduction))


def multi_margin_loss(input, target, p=1, margin=1.0, weight=None, size_average=None,  # noqa: A002
                      reduce=None, reduction="mean"):
    _unsupported("multi_margin_loss", p=(p, 1), weight=(weight, None))
    return ops.multi_margin_loss(input, target, margin=margin,
                                 reduction=_reduction("multi_margin_loss", size_average, reduce,
                                 reduction))


__all__ = [name for name, value in list(globals().items())
           if callable(value) and not name.startswith("_") and value.__module__ == __name__]
