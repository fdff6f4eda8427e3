"""npgrad's differentiable operations: one registered forward rule and VJP rule each.

Importing this package registers every rule; `autograd.function.registry` lists them.
"""
from ops.activation import gelu, leaky_relu, log_softmax, relu, sigmoid, softmax, tanh
from ops.elementwise import (
    abs, add, clip, div, exp, log, maximum, minimum, mul, neg, pow, sqrt, sub, where,
)
from ops.linalg import linear, matmul
from ops.reduce import logsumexp, max, mean, min, std, sum, var
from ops.shape import broadcast_to, concatenate, pad, reshape, stack, transpose

__all__ = [
    "abs", "add", "clip", "div", "exp", "log", "maximum", "minimum", "mul", "neg", "pow",
    "sqrt", "sub", "where",
    "gelu", "leaky_relu", "log_softmax", "relu", "sigmoid", "softmax", "tanh",
    "logsumexp", "max", "mean", "min", "std", "sum", "var",
    "broadcast_to", "concatenate", "pad", "reshape", "stack", "transpose",
    "linear", "matmul",
]
