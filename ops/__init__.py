"""npgrad's differentiable operations: one registered forward rule and VJP rule each.

Importing this package registers every rule; `autograd.function.registry` lists them.
"""
from ops.activation import gelu, leaky_relu, log_softmax, relu, sigmoid, softmax, tanh
from ops.elementwise import (
    abs, add, clip, div, exp, log, maximum, minimum, mul, neg, pow, sqrt, sub, where,
)
from ops import numeric, trig  # NumPy's elementwise families: their names are listed there
from ops.numeric import *  # noqa: E402,F401,F403
from ops.trig import *  # noqa: E402,F401,F403
from ops.conv import conv1d, conv2d, conv2d_weight, conv_transpose1d, conv_transpose2d
from ops.detection import average_precision, box_iou, mean_average_precision, nms
from ops.dropout import dropout
from ops.linalg import linear, matmul
from ops.products import cross, dot, einsum, inner, kron, outer, tensordot, vdot
from ops.loss import (
    binary_cross_entropy_with_logits, cross_entropy, mse_loss, multi_margin_loss, nll_loss,
)
from ops.norm import batch_norm, group_norm, layer_norm
from ops.pool import avg_pool2d, max_pool2d
from ops.reduce import logsumexp, max, mean, min, std, sum, var
from ops.shape import broadcast_to, concatenate, pad, reshape, stack, transpose

__all__ = [
    "abs", "add", "clip", "div", "exp", "log", "maximum", "minimum", "mul", "neg", "pow",
    "sqrt", "sub", "where",
    "gelu", "leaky_relu", "log_softmax", "relu", "sigmoid", "softmax", "tanh",
    "logsumexp", "max", "mean", "min", "std", "sum", "var",
    "broadcast_to", "concatenate", "pad", "reshape", "stack", "transpose",
    "linear", "matmul",
    "cross", "dot", "einsum", "inner", "kron", "outer", "tensordot", "vdot",
    "conv1d", "conv2d", "conv2d_weight", "conv_transpose1d", "conv_transpose2d",
    "max_pool2d", "avg_pool2d", "batch_norm", "layer_norm", "group_norm", "dropout",
    "cross_entropy", "nll_loss", "multi_margin_loss", "mse_loss",
    "binary_cross_entropy_with_logits",
    "box_iou", "nms", "average_precision", "mean_average_precision",
]
__all__ += numeric.__all__ + trig.__all__
