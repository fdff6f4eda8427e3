"""Sample inputs for batch_norm (training behind a linear layer, spatial, eval, no affine),
layer_norm and group_norm. The table's random upstream gradient makes each loss a
random-weighted sum: sum(bn(x)) alone is identically zero and would prove nothing."""
import numpy as np

import ops
from ops.samples import Case, rng, torch

C = 3
RUNNING_MEAN = rng(500).standard_normal(C)
RUNNING_VAR = rng(501).uniform(0.5, 2.0, C)


def _bn_linear(x, lw, w, b):
    return ops.batch_norm(ops.linear(x, lw), np.zeros(C), np.ones(C), w, b, training=True)


def _bn_linear_torch(x, lw, w, b):
    F = torch().nn.functional
    zeros, ones = torch().zeros(C, dtype=x.dtype), torch().ones(C, dtype=x.dtype)
    return F.batch_norm(F.linear(x, lw), zeros, ones, w, b, training=True)


def _bn(training):
    def fn(x, *wb):
        return ops.batch_norm(x, RUNNING_MEAN.copy(), RUNNING_VAR.copy(), *wb, training=training)

    def torch_fn(x, *wb):
        t = torch()
        return t.nn.functional.batch_norm(x, t.tensor(RUNNING_MEAN), t.tensor(RUNNING_VAR), *wb,
                                          training=training)

    return {"fn": fn, "torch_fn": torch_fn}


def _layer_norm(shape):
    def fn(x, *wb):
        return ops.layer_norm(x, shape, *wb)

    def torch_fn(x, *wb):
        return torch().nn.functional.layer_norm(x, (shape,) if isinstance(shape, int) else shape, *wb)

    return {"fn": fn, "torch_fn": torch_fn}


def _group_norm(groups):
    def fn(x, *wb):
        return ops.group_norm(x, groups, *wb)

    def torch_fn(x, *wb):
        return torch().nn.functional.group_norm(x, groups, *wb)

    return {"fn": fn, "torch_fn": torch_fn}


def _n(*shape, seed):
    return rng(seed).standard_normal(shape)


def _with_affine(x, params, seed):
    """[x, weight, bias] with weight away from zero, parameters of shape `params`."""
    return [x, rng(seed).uniform(0.5, 1.5, params), _n(*params, seed=seed + 1)]


CASES = [
    Case("batch_norm", _bn_linear, [_n(6, 4, seed=510), _n(C, 4, seed=511)] + _with_affine(
        None, (C,), 512)[1:], _bn_linear_torch, id="train-behind-linear"),
    Case("batch_norm", **_bn(True), inputs=_with_affine(_n(4, C, 3, 2, seed=514) * 2 + 1, (C,), 515),
         id="train-spatial"),
    Case("batch_norm", **_bn(True), inputs=[_n(5, C, seed=517)], id="train-no-affine"),
    Case("batch_norm", **_bn(False), inputs=_with_affine(_n(4, C, 2, 2, seed=518), (C,), 519),
         id="eval-spatial"),
    Case("batch_norm", **_bn(False), inputs=[_n(4, C, seed=521)], id="eval-no-affine"),
    Case("layer_norm", **_layer_norm(5), inputs=_with_affine(_n(3, 5, seed=530), (5,), 531),
         id="last-axis"),
    Case("layer_norm", **_layer_norm((3, 4)), inputs=_with_affine(_n(2, 3, 4, seed=533), (3, 4), 534),
         id="two-axes"),
    Case("layer_norm", **_layer_norm(4), inputs=[_n(2, 3, 4, seed=536)], id="no-affine"),
    Case("group_norm", **_group_norm(2), inputs=_with_affine(_n(3, 4, 2, 3, seed=540), (4,), 541),
         id="2-groups"),
    Case("group_norm", **_group_norm(4), inputs=_with_affine(_n(2, 4, 3, seed=543), (4,), 544),
         id="instance-norm"),
    Case("group_norm", **_group_norm(1), inputs=[_n(2, 6, 2, 2, seed=546)], id="1-group-no-affine"),
]
