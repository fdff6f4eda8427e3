"""Sample inputs for the activations (softmax family along several axes)."""
import numpy as np

import ops
from ops.samples import Case, away_from_zero, rng


def _torch_gelu(approximate):
    def fn(a):
        import torch.nn.functional as F

        return F.gelu(a, approximate=approximate)

    return fn


def _torch_f(name, **kwargs):
    def fn(a):
        import torch.nn.functional as F

        return getattr(F, name)(a, **kwargs)

    return fn


X = rng(20).standard_normal((4, 5))
CASES = [
    Case("relu", ops.relu, [away_from_zero((4, 5), 21)], lambda a: a.relu()),
    Case("leaky_relu", lambda a: ops.leaky_relu(a, 0.2), [away_from_zero((4, 5), 22)],
         _torch_f("leaky_relu", negative_slope=0.2)),
    Case("sigmoid", ops.sigmoid, [X * 3], lambda a: a.sigmoid()),
    Case("tanh", ops.tanh, [X], lambda a: a.tanh()),
    Case("gelu", ops.gelu, [X * 2], _torch_gelu("none")),
    Case("gelu", lambda a: ops.gelu(a, approximate="tanh"), [X * 2], _torch_gelu("tanh"), id="tanh"),
    Case("softmax", ops.softmax, [X], lambda a: a.softmax(-1)),
    Case("softmax", lambda a: ops.softmax(a, axis=0), [X], lambda a: a.softmax(0), id="axis0"),
    Case("log_softmax", ops.log_softmax, [X], lambda a: a.log_softmax(-1)),
    Case("log_softmax", lambda a: ops.log_softmax(a, axis=1), [rng(23).standard_normal((2, 3, 4))],
         lambda a: a.log_softmax(1), id="3d-axis1"),
]
