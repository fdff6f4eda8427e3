"""Activation modules: ReLU LeakyReLU Sigmoid Tanh GELU SiLU Mish Softplus ELU SELU
Hardtanh ReLU6 LogSigmoid Softsign PReLU Softmax LogSoftmax (PyTorch's names, arguments
and defaults; each calls one op)."""
import numbers
import warnings

import numpy as np

import ops
from autograd.mode import get_default_dtype
from nn.module import Module
from nn.parameter import Parameter


def _number(cls, name, value):
    """A real-number hyperparameter, or TypeError naming the module (torch raises too)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{cls}: {name} must be a real number, got {type(value).__name__} {value!r}")
    return value


class ReLU(Module):
    """max(x, 0). `inplace` is accepted for porting and ignored (npgrad never mutates inputs)."""

    def __init__(self, inplace=False):
        super().__init__()
        self.inplace = inplace

    def forward(self, x):
        return ops.relu(x)


class LeakyReLU(Module):
    """x for x > 0, negative_slope * x otherwise."""

    def __init__(self, negative_slope=0.01, inplace=False):
        super().__init__()
        self.negative_slope = _number("LeakyReLU", "negative_slope", negative_slope)
        self.inplace = inplace

    def forward(self, x):
        return ops.leaky_relu(x, self.negative_slope)

    def extra_repr(self):
        return f"negative_slope={self.negative_slope}"


class Sigmoid(Module):
    """1 / (1 + exp(-x))."""

    def forward(self, x):
        return ops.sigmoid(x)


class Tanh(Module):
    """Hyperbolic tangent."""

    def forward(self, x):
        return ops.tanh(x)


class GELU(Module):
    """x * Phi(x): exact (erf) by default, approximate='tanh' for the tanh form."""

    def __init__(self, approximate="none"):
        super().__init__()
        if approximate not in ("none", "tanh"):
            raise ValueError(f"GELU: approximate must be 'none' or 'tanh', got {approximate!r}")
        self.approximate = approximate

    def forward(self, x):
        return ops.gelu(x, approximate=self.approximate)

    def extra_repr(self):
        return f"approximate={self.approximate!r}"


def _implicit_dim(ndim, name):
    """PyTorch's legacy choice when dim is None: 0 for 0-, 1- and 3-D input, else 1."""
    warnings.warn(
        f"Implicit dimension choice for {name} has been deprecated (as in PyTorch); "
        "pass dim explicitly", UserWarning, stacklevel=3,
    )
    return 0 if ndim in (0, 1, 3) else 1


class Softmax(Module):
    """Softmax along `dim` (PyTorch's argument name; dim=None picks PyTorch's legacy dim)."""

    def __init__(self, dim=None):
        super().__init__()
        self.dim = dim

    def forward(self, x):
        dim = _implicit_dim(x.ndim, "softmax") if self.dim is None else self.dim
        return ops.softmax(x, axis=dim)

    def extra_repr(self):
        return f"dim={self.dim}"


class LogSoftmax(Softmax):
    """Log-softmax along `dim`."""

    def forward(self, x):
        dim = _implicit_dim(x.ndim, "log_softmax") if self.dim is None else self.dim
        return ops.log_softmax(x, axis=dim)


class _Elementwise(Module):
    """An activation without hyperparameters: forward is one op."""

    op = None

    def __init__(self, inplace=False):
        super().__init__()
        self.inplace = inplace

    def forward(self, x):
        return getattr(ops, self.op)(x)


class SiLU(_Elementwise):
    """x * sigmoid(x) (the swish)."""

    op = "silu"


class Mish(_Elementwise):
    """x * tanh(softplus(x))."""

    op = "mish"


class SELU(_Elementwise):
    """scale * (x for x > 0, alpha (exp(x) - 1) otherwise), the self-normalising constants."""

    op = "selu"


class LogSigmoid(Module):
    """log(sigmoid(x)), computed stably."""

    def forward(self, x):
        return ops.logsigmoid(x)


class Softsign(Module):
    """x / (1 + |x|)."""

    def forward(self, x):
        return ops.softsign(x)


class Softplus(Module):
    """log(1 + exp(beta x)) / beta; linear (x) where beta x > threshold, as PyTorch."""

    def __init__(self, beta=1.0, threshold=20.0):
        super().__init__()
        self.beta = _number("Softplus", "beta", beta)
        self.threshold = _number("Softplus", "threshold", threshold)

    def forward(self, x):
        return ops.softplus(x, beta=self.beta, threshold=self.threshold)

    def extra_repr(self):
        return f"beta={self.beta}, threshold={self.threshold}"


class ELU(Module):
    """x for x > 0, alpha (exp(x) - 1) otherwise."""

    def __init__(self, alpha=1.0, inplace=False):
        super().__init__()
        self.alpha = _number("ELU", "alpha", alpha)
        self.inplace = inplace

    def forward(self, x):
        return ops.elu(x, alpha=self.alpha)

    def extra_repr(self):
        return f"alpha={self.alpha}"


class Hardtanh(Module):
    """x clipped to [min_val, max_val]."""

    def __init__(self, min_val=-1.0, max_val=1.0, inplace=False):
        super().__init__()
        self.min_val = _number(type(self).__name__, "min_val", min_val)
        self.max_val = _number(type(self).__name__, "max_val", max_val)
        if self.max_val <= self.min_val:
            raise ValueError(f"{type(self).__name__}: max_val ({max_val}) must be larger than "
                             f"min_val ({min_val})")
        self.inplace = inplace

    def forward(self, x):
        return ops.hardtanh(x, min_val=self.min_val, max_val=self.max_val)

    def extra_repr(self):
        return f"min_val={self.min_val}, max_val={self.max_val}"


class ReLU6(Hardtanh):
    """min(max(x, 0), 6)."""

    def __init__(self, inplace=False):
        super().__init__(0.0, 6.0, inplace)

    def extra_repr(self):
        return ""


class PReLU(Module):
    """x for x > 0, weight * x otherwise, with learned slopes.

    Parameters
    ----------
    num_parameters : int
        1 (one slope shared by all channels) or the number of channels (axis 1).
    init : float
        The initial slope (0.25, as PyTorch).

    Examples
    --------
    >>> act = nn.PReLU(num_parameters=16)    # one slope per channel of (N, 16, H, W) input
    >>> list(act.state_dict())
    ['weight']
    """

    def __init__(self, num_parameters=1, init=0.25, dtype=None):
        super().__init__()
        if isinstance(num_parameters, bool) or not isinstance(num_parameters, numbers.Integral) \
                or num_parameters < 1:
            raise ValueError(f"PReLU: num_parameters must be a positive integer, got {num_parameters!r}")
        self.num_parameters = int(num_parameters)
        self.init = _number("PReLU", "init", init)
        dtype = get_default_dtype() if dtype is None else np.dtype(dtype)
        self.weight = Parameter(np.full(self.num_parameters, init, dtype))

    def forward(self, x):
        return ops.prelu(x, self.weight)

    def extra_repr(self):
        return f"num_parameters={self.num_parameters}"
