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
# at least 0.05 from every multiple of 0.5 (the kinks of hardtanh and thresholds)
_KINKED = (rng(28).integers(-4, 4, (4, 5)) + rng(29).choice([0.1, 0.2, 0.3, 0.4], (4, 5))) * 0.5
CASES = [
    Case("relu", ops.relu, [away_from_zero((4, 5), 21)], lambda a: a.relu()),
    Case("leaky_relu", lambda a: ops.leaky_relu(a, 0.2), [away_from_zero((4, 5), 22)],
         _torch_f("leaky_relu", negative_slope=0.2)),
    Case("sigmoid", ops.sigmoid, [X * 3], lambda a: a.sigmoid()),
    Case("tanh", ops.tanh, [X], lambda a: a.tanh()),
    Case("gelu", ops.gelu, [X * 2], _torch_gelu("none")),
    Case("gelu", lambda a: ops.gelu(a, approximate="tanh"), [X * 2], _torch_gelu("tanh"), id="tanh"),
    Case("gelu", ops.gelu, [np.array(0.7)], _torch_gelu("none"), id="0-d"),
    Case("softplus", ops.softplus, [X * 4], _torch_f("softplus")),
    # beta x crosses the threshold (linear part), never within 0.05 of it
    Case("softplus", lambda a: ops.softplus(a, beta=2.0, threshold=1.0), [_KINKED + 0.5],
         _torch_f("softplus", beta=2.0, threshold=1.0), id="beta-threshold"),
    Case("silu", ops.silu, [X * 3], _torch_f("silu")),
    Case("logsigmoid", ops.logsigmoid, [X * 4], _torch_f("logsigmoid")),
    Case("mish", ops.mish, [X * 3], _torch_f("mish")),
    Case("elu", ops.elu, [away_from_zero((4, 5), 24)], _torch_f("elu")),
    Case("elu", lambda a: ops.elu(a, alpha=0.5), [away_from_zero((4, 5), 25)],
         _torch_f("elu", alpha=0.5), id="alpha"),
    Case("selu", ops.selu, [away_from_zero((4, 5), 26)], _torch_f("selu")),
    Case("celu", lambda a: ops.celu(a, alpha=2.0), [away_from_zero((4, 5), 27)],
         _torch_f("celu", alpha=2.0)),
    Case("hardtanh", ops.hardtanh, [_KINKED], _torch_f("hardtanh")),
    Case("hardtanh", lambda a: ops.hardtanh(a, -0.5, 1.5), [_KINKED], _torch_f("hardtanh", min_val=-0.5, max_val=1.5),
         id="bounds"),
    # at the bounds the gradient is 0 (PyTorch: strictly inside only)
    Case("hardtanh", ops.hardtanh, [np.array([-1.0, 1.0, 0.5, -2.0])], _torch_f("hardtanh"),
         id="at-bounds", gradcheck=False),
    Case("softsign", ops.softsign, [X * 3], _torch_f("softsign")),
    Case("softmax", ops.softmax, [X], lambda a: a.softmax(-1)),
    Case("softmax", lambda a: ops.softmax(a, axis=0), [X], lambda a: a.softmax(0), id="axis0"),
    Case("log_softmax", ops.log_softmax, [X], lambda a: a.log_softmax(-1)),
    Case("log_softmax", lambda a: ops.log_softmax(a, axis=1), [rng(23).standard_normal((2, 3, 4))],
         lambda a: a.log_softmax(1), id="3d-axis1"),
]
