"""Small float64 sample calls for every registered op, for `npgrad gradcheck`.

`SAMPLES[name](rng)` returns ``(fn, inputs)``: `inputs` are float64 Tensors that
require grad, `fn(*inputs)` calls the op (non-differentiable arguments such as class
targets, masks or kernel sizes are fixed inside `fn`). Inputs keep away from kinks
(relu and abs at 0, ties for max-like ops) so that central differences are exact
enough. The test suite has its own, larger table (tests/cases); this one ships with
the package so that an installed `npgrad` can check itself.
"""
import numpy as np

import ops
from autograd.function import call
from autograd.tensor import Tensor

SAMPLES = {}


def sample(*names):
    """Register a sample builder under one or more op names."""

    def decorate(build):
        for name in names:
            SAMPLES[name] = build
        return build

    return decorate


def leaves(*arrays):
    return [Tensor(np.asarray(a, dtype=np.float64), requires_grad=True) for a in arrays]


def normal(rng, *shape):
    return rng.standard_normal(shape)


def away_from_zero(rng, *shape, margin=0.2):
    x = rng.standard_normal(shape)
    return np.where(np.abs(x) < margin, np.copysign(margin, x) + x, x)


def tie_free(rng, *shape):
    """Distinct values at least ~0.1 apart, in random order."""
    count = int(np.prod(shape))
    return rng.permutation(np.linspace(-2.0, 2.0, count)).reshape(shape)


def positive(rng, *shape):
    return rng.uniform(0.5, 2.0, shape)


@sample("add", "sub", "mul", "maximum", "minimum")
def _binary(rng, name):
    op = getattr(ops, name)
    if name in ("maximum", "minimum"):  # no ties between the operands
        a = tie_free(rng, 3, 4)
        return op, leaves(a, a[::-1, ::-1] + 0.05)
    return op, leaves(normal(rng, 3, 4), normal(rng, 4))


@sample("div")
def _div(rng, name):
    return ops.div, leaves(normal(rng, 3, 4), away_from_zero(rng, 3, 1, margin=0.5))


@sample("pow")
def _pow(rng, name):
    return ops.pow, leaves(positive(rng, 3, 4), normal(rng, 4))


@sample("neg", "exp", "tanh", "sigmoid", "gelu")
def _smooth_unary(rng, name):
    return getattr(ops, name), leaves(normal(rng, 3, 4))


@sample("log", "sqrt")
def _positive_unary(rng, name):
    return getattr(ops, name), leaves(positive(rng, 3, 4))


@sample("abs", "relu", "leaky_relu")
def _kinked_unary(rng, name):
    return getattr(ops, name), leaves(away_from_zero(rng, 3, 4))


@sample("where")
def _where(rng, name):
    cond = rng.random((3, 4)) > 0.5
    return (lambda a, b: ops.where(cond, a, b)), leaves(normal(rng, 3, 4), normal(rng, 4))


@sample("clip")
def _clip(rng, name):
    x = rng.permutation(np.linspace(-1.5, 1.5, 12) + 0.04).reshape(3, 4)  # none at +-1
    return (lambda a: ops.clip(a, -1.0, 1.0)), leaves(x)


@sample("astype")
def _astype(rng, name):
    return (lambda a: a.astype(np.float64)), leaves(normal(rng, 3, 4))


@sample("softmax", "log_softmax")
def _softmax(rng, name):
    op = getattr(ops, name)
    return (lambda a: op(a, axis=1)), leaves(normal(rng, 3, 5))


@sample("sum", "mean", "var", "std", "logsumexp")
def _reduction(rng, name):
    op = getattr(ops, name)
    return (lambda a: op(a, axis=1)), leaves(normal(rng, 3, 4))


@sample("max", "min")
def _extreme(rng, name):
    op = getattr(ops, name)
    return (lambda a: op(a, axis=0)), leaves(tie_free(rng, 3, 4))


@sample("reshape")
def _reshape(rng, name):
    return (lambda a: ops.reshape(a, (4, 3))), leaves(normal(rng, 3, 4))


@sample("transpose")
def _transpose(rng, name):
    return (lambda a: ops.transpose(a, (2, 0, 1))), leaves(normal(rng, 2, 3, 4))


@sample("broadcast_to")
def _broadcast_to(rng, name):
    return (lambda a: ops.broadcast_to(a, (2, 3, 4))), leaves(normal(rng, 3, 1))


@sample("concatenate", "stack")
def _join(rng, name):
    op = getattr(ops, name)
    return (lambda a, b: op([a, b], axis=1)), leaves(normal(rng, 3, 2), normal(rng, 3, 2))


@sample("pad")
def _pad(rng, name):
    return (lambda a: ops.pad(a, ((1, 0), (2, 1)))), leaves(normal(rng, 3, 4))


@sample("getitem")
def _getitem(rng, name):
    index = (np.array([0, 2, 0]), slice(1, 3))  # a repeated row: its gradient accumulates
    return (lambda a: a[index]), leaves(normal(rng, 3, 4))


@sample("index_add")
def _index_add(rng, name):  # getitem's adjoint: scatter-add into zeros
    index = (np.array([0, 2, 0]), slice(1, 3))
    return (lambda s: call("index_add", s, shape=(3, 4), index=index)), leaves(normal(rng, 3, 2))


@sample("matmul")
def _matmul(rng, name):
    return ops.matmul, leaves(normal(rng, 2, 3, 4), normal(rng, 4, 5))


@sample("linear")
def _linear(rng, name):
    return ops.linear, leaves(normal(rng, 3, 4), normal(rng, 5, 4), normal(rng, 5))


@sample("conv2d")
def _conv2d(rng, name):
    return ((lambda x, w, b: ops.conv2d(x, w, b, stride=2, padding=1, groups=2)),
            leaves(normal(rng, 2, 4, 5, 5), normal(rng, 4, 2, 3, 3), normal(rng, 4)))


@sample("max_pool2d", "avg_pool2d")
def _pool(rng, name):
    op = getattr(ops, name)
    return (lambda x: op(x, 3, stride=2, padding=1)), leaves(tie_free(rng, 2, 2, 5, 5))


@sample("batch_norm")
def _batch_norm(rng, name):
    def fn(x, weight, bias):
        mean, var = np.zeros(3), np.ones(3)  # fresh running arrays: calls stay independent
        return ops.batch_norm(x, mean, var, weight, bias, training=True)

    return fn, leaves(normal(rng, 4, 3, 2, 2), positive(rng, 3), normal(rng, 3))


@sample("layer_norm")
def _layer_norm(rng, name):
    return ((lambda x, w, b: ops.layer_norm(x, (2, 3), w, b)),
            leaves(normal(rng, 4, 2, 3), positive(rng, 2, 3), normal(rng, 2, 3)))


@sample("group_norm")
def _group_norm(rng, name):
    return ((lambda x, w, b: ops.group_norm(x, 2, w, b)),
            leaves(normal(rng, 2, 4, 2, 2), positive(rng, 4), normal(rng, 4)))


@sample("dropout")
def _dropout(rng, name):
    return ((lambda x: ops.dropout(x, 0.3, training=True, rng=np.random.default_rng(0))),
            leaves(normal(rng, 4, 5)))


@sample("cross_entropy", "nll_loss", "multi_margin_loss")
def _classification(rng, name):
    op = getattr(ops, name)
    target = np.array([0, 3, 1, 2])
    x = tie_free(rng, 4, 5) if name == "multi_margin_loss" else normal(rng, 4, 5)
    return (lambda a: op(a, target)), leaves(x)


@sample("mse_loss", "binary_cross_entropy_with_logits")
def _regression(rng, name):
    op = getattr(ops, name)
    target = rng.random((3, 4)) if name != "mse_loss" else normal(rng, 3, 4)
    return op, leaves(normal(rng, 3, 4), target)


def build(name, seed=0):
    """(fn, inputs) for the op `name`; KeyError if no sample is known."""
    return SAMPLES[name](np.random.default_rng(seed), name)
