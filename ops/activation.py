"""Activations: relu leaky_relu sigmoid tanh gelu softplus silu mish logsigmoid elu selu celu
hardtanh softsign softmax log_softmax (PyTorch's names, arguments and gradients).

Every VJP is written with operators, NumPy functions and `call` of registered rules, so
every activation differentiates twice. A rule that keeps a derived array for speed
(gelu's Phi(x), silu's sigmoid) recomputes it from the input when `create_graph=True`
hands the VJP Tensors. Integer input follows NumPy (float64 result).
"""
import math

import numpy as np

from autograd.function import Function, call, register
from autograd.tensor import apply
from ops import _lanes, _reuse
from ops._util import normalize_axes
from ops.special import normal_cdf_array


def _as_float(a):
    """a as a float array: ints and bools become float64 (NumPy's rule); floats unchanged."""
    a = np.asarray(a)
    return a if a.dtype.kind in "fc" else a.astype(np.float64)


def _recording(a):
    """Whether the VJP runs on Tensors (create_graph=True): recompute derived values then."""
    return hasattr(a, "grad_fn")


@register("relu")
class ReLU(Function):
    """max(a, 0); the gradient at 0 is 0 (as PyTorch).

    The mask a > 0, not the output, is saved (1 byte an element against 4; the output can
    be freed by the next op). From 1 MiB of float input, output, mask and input gradient
    are arrays reused between steps (ops._reuse: a fresh 16 MiB array page-faults, which
    cost as much as the computation), and both passes run block by block (the forward
    reads a once and makes the mask from the output block while it is in cache), the
    blocks dealt to two threads on a quiet machine (ops._lanes), with the same floats.
    """

    BLOCK = 65536  # elements a block: 256 KiB of float32, in L2 with its output and mask

    def forward(self, a):
        if a.dtype.kind == "f" and a.nbytes >= _reuse.MIN_BYTES:
            out, positive = _reuse.empty_like(a), _reuse.empty_like(a, np.bool_)
            blocks = _lanes.pieces((a, out, positive), self.BLOCK)
            _lanes.run(self._forward_blocks, blocks, _lanes.count(a.size))
        else:
            positive = a > 0
            out = np.maximum(a, 0)
        self.save(positive)
        return out

    @staticmethod
    def _forward_blocks(blocks):
        for a, out, positive in blocks:
            np.maximum(a, 0, out=out)
            np.greater(out, 0, out=positive)  # NaN > 0 is False, as a > 0

    def vjp(self, g):
        (positive,) = self.saved
        if _recording(g) or g.dtype.kind != "f" or g.nbytes < _reuse.MIN_BYTES:
            return g * positive
        # into a reused array laid out as g (or as the mask when g is a padded view); the
        # bool -> float cast costs nothing here: g * mask takes the time of a float32
        # multiply of two arrays (2.6 ms on 4M elements; np.where and copyto(where=) branch
        # per element: 5-8x slower on random signs)
        gx = _reuse.empty_like(g if _reuse.memory_flat(g) is not None else positive, g.dtype)
        blocks = _lanes.pieces((g, positive, gx), self.BLOCK)
        _lanes.run(self._vjp_blocks, blocks, _lanes.count(g.size))
        return gx

    @staticmethod
    def _vjp_blocks(blocks):
        for g, positive, gx in blocks:
            np.multiply(g, positive, out=gx)


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


_SQRT_2_OVER_PI = math.sqrt(2 / math.pi)
_INV_SQRT2 = 1 / math.sqrt(2)
_INV_SQRT_2PI = 1 / math.sqrt(2 * math.pi)
_GELU_CUBIC = 0.044715


def _gelu_cdf(a, approximate):
    """Phi(a) (exact) or PyTorch's tanh approximation of it, on arrays or Tensors."""
    if approximate == "none":
        return 0.5 * (1 + call("erf", a * _INV_SQRT2))
    return 0.5 * (1 + np.tanh(_SQRT_2_OVER_PI * (a + _GELU_CUBIC * (a * a * a))))


@register("gelu")
class GELU(Function):
    """x * Phi(x) with the exact erf (default) or PyTorch's tanh approximation."""

    def forward(self, a, approximate="none"):
        if approximate not in ("none", "tanh"):
            raise ValueError(f"gelu: approximate must be 'none' or 'tanh', got {approximate!r}")
        a = _as_float(a)
        if approximate == "none":
            cdf = normal_cdf_array(a)
        else:
            cdf = _gelu_cdf(a, approximate)
        self.approximate = approximate
        self.save(a, cdf)
        return a * cdf

    def vjp(self, g):
        a, cdf = self.saved
        if _recording(a):
            cdf = _gelu_cdf(a, self.approximate)
        if self.approximate == "none":
            return g * (cdf + a * (np.exp(-0.5 * (a * a)) * _INV_SQRT_2PI))
        inner = 2 * cdf - 1  # the tanh
        slope = _SQRT_2_OVER_PI * (1 + 3 * _GELU_CUBIC * (a * a))
        return g * (cdf + 0.5 * a * (1 - inner * inner) * slope)


@register("softplus")
class Softplus(Function):
    """log(1 + exp(beta a)) / beta, and a itself where beta a > threshold (PyTorch)."""

    def forward(self, a, beta=1.0, threshold=20.0):
        a = _as_float(a)
        z = a * beta
        linear = z > threshold
        self.save(a, linear)  # the mask is piecewise constant: a constant for higher order
        self.beta = beta
        return np.where(linear, a, np.logaddexp(0, z) / beta)

    def vjp(self, g):
        a, linear = self.saved
        return g * np.where(linear, 1.0, call("sigmoid", a * self.beta))


@register("silu")
class SiLU(Function):
    """a * sigmoid(a) (swish)."""

    def forward(self, a):
        a = _as_float(a)
        s = call("sigmoid", a)
        self.save(a, s)
        return a * s

    def vjp(self, g):
        a, s = self.saved
        if _recording(a):
            s = call("sigmoid", a)
        return g * (s * (1 + a * (1 - s)))


@register("logsigmoid")
class LogSigmoid(Function):
    """log(sigmoid(a)) = -softplus(-a), stable for large |a|."""

    def forward(self, a):
        a = _as_float(a)
        self.save(a)
        return -np.logaddexp(0, -a)

    def vjp(self, g):
        (a,) = self.saved
        return g * call("sigmoid", -a)


@register("mish")
class Mish(Function):
    """a * tanh(softplus(a))."""

    def forward(self, a):
        a = _as_float(a)
        self.save(a)
        return a * np.tanh(np.logaddexp(0, a))

    def vjp(self, g):
        (a,) = self.saved
        t = np.tanh(np.logaddexp(0, a))
        return g * (t + a * call("sigmoid", a) * (1 - t * t))


class _ExponentialLinear(Function):
    """scale * (a if a > 0 else alpha (exp(a * input_scale) - 1)): PyTorch's elu family."""

    def forward(self, a, alpha=1.0, scale=1.0, input_scale=1.0):
        a = _as_float(a)
        positive = a > 0
        self.save(a, positive)  # a mask on forward values: a constant for higher order
        self.alpha, self.scale, self.input_scale = alpha, scale, input_scale
        negative = alpha * np.expm1(np.where(positive, 0, a) * input_scale)  # no overflow
        return scale * np.where(positive, a, negative)

    def vjp(self, g):
        a, positive = self.saved
        slope = (self.alpha * self.input_scale) * np.exp(np.where(positive, 0.0, a) * self.input_scale)
        return g * (self.scale * np.where(positive, 1.0, slope))


@register("elu")
class ELU(_ExponentialLinear):
    """a if a > 0 else alpha (exp(a) - 1)."""


@register("selu")
class SELU(_ExponentialLinear):
    """scale * elu(a, alpha) with the self-normalising constants."""


@register("celu")
class CELU(_ExponentialLinear):
    """a if a > 0 else alpha (exp(a / alpha) - 1)."""


@register("hardtanh")
class Hardtanh(Function):
    """a clipped to [min_val, max_val]; gradient 1 strictly inside only (PyTorch)."""

    def forward(self, a, min_val=-1.0, max_val=1.0):
        a = _as_float(a)
        self.save((a > min_val) & (a < max_val))
        return np.clip(a, min_val, max_val)

    def vjp(self, g):
        (inside,) = self.saved
        return g * inside


@register("softsign")
class Softsign(Function):
    """a / (1 + |a|)."""

    def forward(self, a):
        a = _as_float(a)
        self.save(a)
        return a / (1 + np.abs(a))

    def vjp(self, g):
        (a,) = self.saved
        denominator = 1 + np.abs(a)
        return g / (denominator * denominator)


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
        (axis,) = normalize_axes(axis, a.ndim, "softmax")  # ValueError naming the op
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
        (axis,) = normalize_axes(axis, a.ndim, "log_softmax")  # ValueError naming the op
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


def softplus(x, beta=1.0, threshold=20.0):
    """log(1 + exp(beta x)) / beta, linear above `threshold` (torch.nn.functional.softplus)."""
    return apply(Softplus, x, beta=beta, threshold=threshold)


def silu(x):
    """x * sigmoid(x) (also called swish)."""
    return apply(SiLU, x)


def logsigmoid(x):
    """log(sigmoid(x)), stable for large |x|."""
    return apply(LogSigmoid, x)


def mish(x):
    """x * tanh(softplus(x))."""
    return apply(Mish, x)


def elu(x, alpha=1.0):
    """x if x > 0 else alpha (exp(x) - 1)."""
    return apply(ELU, x, alpha=alpha)


SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


def selu(x):
    """SELU_SCALE * elu(x, SELU_ALPHA) (self-normalising networks)."""
    return apply(SELU, x, alpha=SELU_ALPHA, scale=SELU_SCALE)


def celu(x, alpha=1.0):
    """x if x > 0 else alpha (exp(x / alpha) - 1)."""
    if alpha == 0:
        raise ValueError("celu: alpha must not be 0")
    return apply(CELU, x, alpha=alpha, input_scale=1 / alpha)


def hardtanh(x, min_val=-1.0, max_val=1.0):
    """x clipped to [min_val, max_val]; the gradient is 1 strictly inside (PyTorch)."""
    if min_val > max_val:
        raise ValueError(f"hardtanh: min_val {min_val} is greater than max_val {max_val}")
    return apply(Hardtanh, x, min_val=min_val, max_val=max_val)


def softsign(x):
    """x / (1 + |x|)."""
    return apply(Softsign, x)


def _axis(op, axis, dim):
    """`dim=` is PyTorch's name for `axis=`."""
    if dim is None:
        return axis
    if axis != -1 and axis != dim:
        raise TypeError(f"{op}: give axis or dim, not both")
    return dim


def softmax(x, axis=-1, *, dim=None):
    """Softmax along `axis` (or PyTorch's `dim`)."""
    return apply(Softmax, x, axis=_axis("softmax", axis, dim))


def log_softmax(x, axis=-1, *, dim=None):
    """Log-softmax along `axis` (or PyTorch's `dim`)."""
    return apply(LogSoftmax, x, axis=_axis("log_softmax", axis, dim))
