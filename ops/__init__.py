"""npgrad's differentiable operations: one registered forward rule and VJP rule each.

Importing this package registers every rule; `autograd.function.registry` lists them.
"""
from ops.activation import (
    celu, elu, gelu, hardtanh, leaky_relu, log_softmax, logsigmoid, mish, relu, selu, sigmoid,
    silu, softmax, softplus, softsign, tanh,
)
from ops.special import erf, erfc
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
from ops.complex import angle, conj, conjugate, imag, real, real_if_close
from ops import fft  # the numpy.fft namespace: ops.fft.fft, ops.fft.rfft, ...
from ops.loss import (
    binary_cross_entropy, binary_cross_entropy_with_logits, cosine_embedding_loss, cross_entropy,
    huber_loss, kl_div, l1_loss, mse_loss, multi_margin_loss, nll_loss, smooth_l1_loss,
)
from ops.norm import batch_norm, group_norm, layer_norm
from ops.prelu import prelu
from ops.pool import (
    adaptive_avg_pool1d, adaptive_avg_pool2d, adaptive_max_pool1d, adaptive_max_pool2d, avg_pool1d,
    avg_pool2d, max_pool1d, max_pool2d,
)
from ops.upsample import interpolate, pixel_shuffle, pixel_unshuffle
from ops.attention import scaled_dot_product_attention
from ops.embedding import embedding
from ops.rnn import (
    gru_cell, gru_sequence, lstm_cell, lstm_sequence, rnn_relu_cell, rnn_relu_sequence,
    rnn_tanh_cell, rnn_tanh_sequence,
)
from ops import index, reduce, shape  # reductions, shape and indexing: names listed there
from ops.reduce import *  # noqa: E402,F401,F403
from ops.shape import *  # noqa: E402,F401,F403
from ops.index import *  # noqa: E402,F401,F403

__all__ = [
    "abs", "add", "clip", "div", "exp", "log", "maximum", "minimum", "mul", "neg", "pow",
    "sqrt", "sub", "where",
    "gelu", "leaky_relu", "log_softmax", "relu", "sigmoid", "softmax", "tanh",
    "celu", "elu", "hardtanh", "logsigmoid", "mish", "selu", "silu", "softplus", "softsign",
    "erf", "erfc",
    "linear", "matmul",
    "cross", "dot", "einsum", "inner", "kron", "outer", "tensordot", "vdot",
    "angle", "conj", "conjugate", "imag", "real", "real_if_close",
    "conv1d", "conv2d", "conv2d_weight", "conv_transpose1d", "conv_transpose2d",
    "max_pool2d", "avg_pool2d", "batch_norm", "layer_norm", "group_norm", "dropout",
    "cross_entropy", "nll_loss", "multi_margin_loss", "mse_loss",
    "binary_cross_entropy_with_logits",
    "binary_cross_entropy", "l1_loss", "smooth_l1_loss", "huber_loss", "kl_div",
    "cosine_embedding_loss",
    "prelu",
    "box_iou", "nms", "average_precision", "mean_average_precision",
    "embedding", "scaled_dot_product_attention",
    "lstm_sequence", "gru_sequence", "rnn_tanh_sequence", "rnn_relu_sequence",
    "lstm_cell", "gru_cell", "rnn_tanh_cell", "rnn_relu_cell",
]
__all__ += numeric.__all__ + trig.__all__
__all__ += reduce.__all__ + shape.__all__ + index.__all__
