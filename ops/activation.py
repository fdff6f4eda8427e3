"""Activations: relu leaky_relu sigmoid tanh gelu softmax log_softmax."""
import math

import numpy as np

from autograd.function import Function, register
from autograd.tensor import apply


@register("relu")
class ReLU(Function):
    """max(a, 0); the gradient at 0 is 0 (as PyTorch)."""

    def forward(self, a):
        # the mask, not the output, is saved: its VJP is one multiply (no comparison pass),
        # and the output (4 bytes an element, against 1) can be freed by the next op
        positive = a > 0
        self.save(positive)
        return np.maximum(a, 0)

    def vjp(self, g):
        (positive,) = self.saved
        return g * positive


@register("leaky_relu")
class LeakyReLU(Function):
    """a where a > 0, else negative_slope * a."""

    def forward(self, a, negative_slope=0.01):
        self.save(a > 0)
        self.negative_slope = negative_slope
        return np.where(a > 0, a, a * negative_slope)

    def vjp(self, g):
        (positive,) = self.saved
        return np.where(positive, g, g * self.negative_slope)


@register("sigmoid")
class Sigmoid(Function):
    """1 / (1 + e^-a), computed as (1 + tanh(a/2)) / 2 so it never overflows."""

    def forward(self, a):
        out = np.tanh(a * 0.5)
        out += 1
        out *= 0.5
        self.save(out)
        return out

    def vjp(self, g):
        (out,) = self.saved
        return g * out * (1 - out)


@register("tanh")
class Tanh(Function):
    """Hyperbolic tangent."""

    def forward(self, a):
        out = np.tanh(a)
        self.save(out)
        return out

    def vjp(self, g):
        (out,) = self.saved
        return g - g * out * out  # g (1 - out^2), without a slow Python-scalar op


_erf = np.frompyfunc(math.erf, 1, 1)
_SQRT_2_OVER_PI = math.sqrt(2 / math.pi)


@register("gelu")
class GELU(Function):
    """x * Phi(x) with the exact erf (default) or PyTorch's tanh approximation."""

    twice_differentiable = False  # the VJP keeps Phi(x) / tanh(...), derived arrays

    def forward(self, a, approximate="none"):
        if approximate == "none":
            cdf = (0.5 * (1 + _erf(a / math.sqrt(2)))).astype(a.dtype)
            self.save(a, cdf)
        elif approximate == "tanh":
            inner = np.tanh(_SQRT_2_OVER_PI * (a + 0.044715 * a ** 3))
            cdf = 0.5 * (1 + inner)
            self.save(a, inner)
        else:
            raise ValueError(f"gelu: approximate must be 'none' or 'tanh', got {approximate!r}")
        self.approximate = approximate
        return a * cdf

    def vjp(self, g):
        a, kept = self.saved
        if self.approximate == "none":
            pdf = np.exp(-0.5 * a * a) / math.sqrt(2 * math.pi)
            return g * (kept + a * pdf)
        d_inner = (1 - kept * kept) * _SQRT_2_OVER_PI * (1 + 3 * 0.044715 * a * a)
        return g * (0.5 * (1 + kept) + 0.5 * a * d_inner)


def _shifted(a, axis):
    """a minus its max along `axis` (finite even for logits of +-1000)."""
    m = a.max(axis=axis, keepdims=True)
    if not np.isfinite(m).all():  # a row of all -inf keeps its -inf entries
        m = np.where(np.isfinite(m), m, 0)
    return a - m


@register("softmax")
class Softmax(Function):
    """exp(a) / sum(exp(a)) along `axis`, shifted by the max for stability."""

    def forward(self, a, axis=-1):
        out = np.exp(_shifted(a, axis))
        out /= out.sum(axis=axis, keepdims=True)
        self.save(out)
        self.axis = axis
        return out

    def vjp(self, g):
        (out,) = self.saved
        return out * (g - (g * out).sum(axis=self.axis, keepdims=True))


@register("log_softmax")
class LogSoftmax(Function):
    """a - logsumexp(a) along `axis`, stable for large logits."""

    def forward(self, a, axis=-1):
        shifted = _shifted(a, axis)
        out = shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))
        self.save(out)
        self.axis = axis
        return out

    def vjp(self, g):
        (out,) = self.saved
        return g - np.exp(out) * g.sum(axis=self.axis, keepdims=True)


def relu(x):
    """max(x, 0)."""
    return apply(ReLU, x)


def leaky_relu(x, negative_slope=0.01):
    """x where x > 0, else negative_slope * x (PyTorch's default slope)."""
    return apply(LeakyReLU, x, negative_slope=negative_slope)


def sigmoid(x):
    """Logistic function, stable for large |x|."""
    return apply(Sigmoid, x)


def tanh(x):
    """Hyperbolic tangent."""
    return apply(Tanh, x)


def gelu(x, approximate="none"):
    """Gaussian error linear unit: exact (erf) by default, 'tanh' for the approximation."""
    return apply(GELU, x, approximate=approximate)


def softmax(x, axis=-1):
    """Softmax along `axis`."""
    return apply(Softmax, x, axis=axis)


def log_softmax(x, axis=-1):
    """Log-softmax along `axis`."""
    return apply(LogSoftmax, x, axis=axis)
