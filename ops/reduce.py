"""Reductions: sum mean max min var std logsumexp (NumPy's axis/keepdims semantics)."""
import numpy as np

from autograd.function import Function, register
from autograd.tensor import apply
from ops._util import kept_shape, normalize_axes


class _Reduction(Function):
    """Shared bookkeeping: normalised axes, and g reshaped to keepdims form."""

    def setup(self, a, axis, keepdims):
        self.shape = np.shape(a)
        self.axes = normalize_axes(axis, len(self.shape), self.name)
        self.keepdims = keepdims
        self.count = int(np.prod([self.shape[i] for i in self.axes], dtype=np.int64))

    def kept(self, g):
        """g (or a reduced output) with the reduced axes restored as size 1."""
        return g if self.keepdims else g.reshape(kept_shape(self.shape, self.axes))


@register("sum")
class Sum(_Reduction):
    """Sum over `axis`."""

    def forward(self, a, axis=None, keepdims=False):
        self.setup(a, axis, keepdims)
        return np.sum(a, axis=self.axes, keepdims=keepdims)

    def vjp(self, g):
        return np.broadcast_to(self.kept(g), self.shape)


@register("mean")
class Mean(_Reduction):
    """Mean over `axis`."""

    def forward(self, a, axis=None, keepdims=False):
        self.setup(a, axis, keepdims)
        return np.mean(a, axis=self.axes, keepdims=keepdims)

    def vjp(self, g):
        return np.broadcast_to(self.kept(g) / self.count, self.shape)


class _Extreme(_Reduction):
    """max/min over `axis`; the gradient goes to the extreme element(s), ties split."""

    pick = None

    def forward(self, a, axis=None, keepdims=False):
        self.setup(a, axis, keepdims)
        if a.size == 0:
            raise ValueError(f"{self.name}: zero-size input of shape {a.shape}")
        out = self.pick(a, axis=self.axes, keepdims=True)
        winners = a == out
        # constant a.e., so it is also right for higher order
        self.save(winners / winners.sum(axis=self.axes, keepdims=True).astype(a.dtype))
        return out if keepdims else out.reshape([n for i, n in enumerate(a.shape) if i not in self.axes])

    def vjp(self, g):
        (share,) = self.saved
        return self.kept(g) * share


@register("max")
class Max(_Extreme):
    """Maximum over `axis`; ties split the gradient evenly."""

    pick = staticmethod(np.max)


@register("min")
class Min(_Extreme):
    """Minimum over `axis`; ties split the gradient evenly."""

    pick = staticmethod(np.min)


@register("var")
class Var(_Reduction):
    """Variance over `axis` with `ddof` (0 by default, as NumPy)."""

    def forward(self, a, axis=None, keepdims=False, ddof=0):
        self.setup(a, axis, keepdims)
        self.ddof = ddof
        self.save(a)
        return np.var(a, axis=self.axes, keepdims=keepdims, ddof=ddof)

    def vjp(self, g):
        (a,) = self.saved
        centred = a - a.mean(axis=self.axes, keepdims=True)
        return self.kept(g) * centred * (2 / (self.count - self.ddof))


@register("std")
class Std(_Reduction):
    """Standard deviation over `axis` with `ddof` (0 by default)."""

    def forward(self, a, axis=None, keepdims=False, ddof=0):
        self.setup(a, axis, keepdims)
        self.ddof = ddof
        out = np.asarray(np.std(a, axis=self.axes, keepdims=keepdims, ddof=ddof))
        self.save(a, out)
        return out

    def vjp(self, g):
        a, out = self.saved
        centred = a - a.mean(axis=self.axes, keepdims=True)
        with np.errstate(divide="ignore", invalid="ignore"):
            return self.kept(g) * centred / (self.kept(out) * (self.count - self.ddof))


@register("logsumexp")
class LogSumExp(_Reduction):
    """log(sum(exp(a))) over `axis`, shifted by the max so +-1000 stays finite."""

    def forward(self, a, axis=None, keepdims=False):
        self.setup(a, axis, keepdims)
        m = np.max(a, axis=self.axes, keepdims=True)
        m = np.where(np.isfinite(m), m, 0)
        out = np.log(np.exp(a - m).sum(axis=self.axes, keepdims=True)) + m
        if not keepdims:
            out = out.reshape([n for i, n in enumerate(a.shape) if i not in self.axes])
        self.save(a, out)
        return out

    def vjp(self, g):
        a, out = self.saved
        return self.kept(g) * np.exp(a - self.kept(out))


def sum(x, axis=None, keepdims=False):  # noqa: A001
    """Sum over `axis` (all axes by default)."""
    return apply(Sum, x, axis=axis, keepdims=keepdims)


def mean(x, axis=None, keepdims=False):
    """Mean over `axis`."""
    return apply(Mean, x, axis=axis, keepdims=keepdims)


def max(x, axis=None, keepdims=False):  # noqa: A001
    """Maximum over `axis`; ties split the gradient evenly."""
    return apply(Max, x, axis=axis, keepdims=keepdims)


def min(x, axis=None, keepdims=False):  # noqa: A001
    """Minimum over `axis`; ties split the gradient evenly."""
    return apply(Min, x, axis=axis, keepdims=keepdims)


def var(x, axis=None, keepdims=False, ddof=0):
    """Variance over `axis` (ddof=0)."""
    return apply(Var, x, axis=axis, keepdims=keepdims, ddof=ddof)


def std(x, axis=None, keepdims=False, ddof=0):
    """Standard deviation over `axis` (ddof=0)."""
    return apply(Std, x, axis=axis, keepdims=keepdims, ddof=ddof)


def logsumexp(x, axis=None, keepdims=False):
    """log(sum(exp(x))) over `axis`, numerically stable."""
    return apply(LogSumExp, x, axis=axis, keepdims=keepdims)
