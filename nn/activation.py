"""Activation modules: ReLU LeakyReLU Sigmoid Tanh GELU Softmax LogSoftmax."""
import warnings

import ops
from nn.module import Module


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
        self.negative_slope = negative_slope
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
