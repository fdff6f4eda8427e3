"""Reductions with NumPy's names and signatures.

Rules: sum prod mean var std max min cumsum cumprod logsumexp. Each takes NumPy's
keywords (`axis`, `keepdims`, `dtype`, `where`, `initial`, `ddof`), accepts PyTorch's
`dim=` as an alias of `axis=`, and refuses `out=` with a TypeError. Compositions of
them: amax amin ptp diff nansum nanmean nanvar nanstd nanmax nanmin average median
quantile percentile.

A `where=` mask is a constant of the forward pass: a masked-out element gets a zero
gradient, so every VJP stays linear in `g`.
"""
import math
import warnings

import numpy as np

from autograd.function import Function, call, register
from autograd.tensor import Tensor, apply
from ops._util import kept_shape, normalize_axes

_NoValue = np._NoValue  # NumPy's "argument not given" marker (initial=, keepdims=)


def resolve_axis(op, axis, dim):
    """`dim=` (PyTorch) as an alias of `axis=` (NumPy); both at once is an error."""
    if dim is None:
        return axis
    if axis is not None:
        raise TypeError(f"{op}: got both axis={axis} and dim={dim}; pass one of them")
    return dim


def refuse_out(op, out):
    if out is not None:
        raise TypeError(f"{op}: out= is not supported (npgrad ops return a new tensor)")


def _data(x):
    return x.data if isinstance(x, Tensor) else x


class _Reduction(Function):
    """Shared bookkeeping: normalised axes, the `where=` mask, g in keepdims form."""

    mask = None

    def setup(self, a, axis, dim, out, keepdims, where=True):
        if out is not None:
            refuse_out(self.name, out)
        if dim is not None:
            axis = resolve_axis(self.name, axis, dim)
        self.shape = shape = a.shape
        self.axes = axes = normalize_axes(axis, len(shape), self.name)
        self.keepdims = keepdims is not _NoValue and bool(keepdims)
        if where is True:
            self.count = math.prod([shape[i] for i in axes])
            return True
        where = np.asarray(_data(where))
        if where.dtype != np.bool_:
            raise TypeError(f"{self.name}: where= must be a boolean mask, got dtype {where.dtype}")
        try:
            self.mask = np.broadcast_to(where, shape)
        except ValueError:
            raise ValueError(
                f"{self.name}: where= mask of shape {where.shape} does not broadcast to "
                f"the input's shape {shape}") from None
        self.count = self.mask.sum(axis=axes, keepdims=True)  # per slice, keepdims form
        return self.mask

    def kept(self, g):
        """g (or a reduced output) with the reduced axes restored as size 1."""
        return g if self.keepdims else g.reshape(kept_shape(self.shape, self.axes))

    def spread(self, g):
        """The reduced-shape g broadcast back over the input (masked-out elements zero)."""
        g = call("broadcast_to", self.kept(g), shape=self.shape)
        return g if self.mask is None else g * self.mask

    def numpy_error(self, a, error):
        return ValueError(f"{self.name}: {error} (input of shape {np.shape(a)}, axis {self.axes})")


@register("sum")
class Sum(_Reduction):
    """Sum over `axis`, with NumPy's `dtype`, `initial` and `where`."""

    def forward(self, a, axis=None, dtype=None, out=None, keepdims=False, initial=_NoValue,
                where=True, dim=None):
        a = np.asarray(a)
        where = self.setup(a, axis, dim, out, keepdims, where)
        if dtype is None:
            if a.dtype == np.bool_:
                dtype = np.int_  # NumPy sums booleans as integers
            elif initial is _NoValue and where is True:  # the common case, fewest keywords
                return np.add.reduce(a, self.axes, None, None, self.keepdims)
        return np.add.reduce(a, axis=self.axes, dtype=dtype, keepdims=self.keepdims,
                             initial=initial, where=where)

    def vjp(self, g):
        return self.spread(g)


@register("mean")
class Mean(_Reduction):
    """Mean over `axis` (over the `where=` elements only); an empty slice gives NaN."""

    def forward(self, a, axis=None, dtype=None, out=None, keepdims=False, where=True, dim=None):
        a = np.asarray(a)
        where = self.setup(a, axis, dim, out, keepdims, where)
        if self.mask is None and self.count and dtype is None and a.dtype.kind == "f" \
                and a.dtype.itemsize >= 4:  # the common case, as NumPy's _mean, without its overhead
            self.scale = 1 / self.count
            return np.true_divide(np.add.reduce(a, self.axes, None, None, self.keepdims), self.count)
        with np.errstate(divide="ignore", invalid="ignore"):
            self.scale = np.divide(1.0, self.count, dtype=np.result_type(a, np.float32) if dtype is None else dtype)
        if np.any(self.count == 0):
            warnings.warn(f"{self.name}: mean of an empty slice", RuntimeWarning, stacklevel=3)
        with np.errstate(divide="ignore", invalid="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            return np.mean(a, axis=self.axes, dtype=dtype, keepdims=self.keepdims, where=where)

    def vjp(self, g):
        return self.spread(g) * self.scale


@register("prod")
class Prod(_Reduction):
    """Product over `axis`; zeros handled exactly (one zero gets the product of the rest)."""

    def forward(self, a, axis=None, dtype=None, out=None, keepdims=False, initial=_NoValue,
                where=True, dim=None):
        a = np.asarray(a)
        where = self.setup(a, axis, dim, out, keepdims, where)
        result = np.prod(a, axis=self.axes, dtype=dtype, keepdims=self.keepdims, initial=initial,
                         where=where)
        self.initial = 1 if initial is _NoValue else initial
        active = a == 0 if self.mask is None else (a == 0) & self.mask
        self.zeros = active
        self.save(a, result)
        return result

    def vjp(self, g):
        a, result = self.saved
        grad = self.spread(g)
        if not self.zeros.any():
            # masked-out elements act as 1 (their gradient is zero anyway)
            safe = a if self.mask is None else call("where", self.mask, a, np.ones((), dtype=a.dtype))
            return grad * call("broadcast_to", self.kept(result), shape=self.shape) / safe
        # with zeros: the product of the others, exactly (a polynomial, so higher orders
        # are right too): row i of a (K, K) stack with a 1 on the diagonal, multiplied out
        x = a if self.mask is None else call("where", self.mask, a, np.ones((), dtype=a.dtype))
        rest = [i for i in range(len(self.shape)) if i not in self.axes]
        order = rest + list(self.axes)
        lead = tuple(self.shape[i] for i in rest)
        count = int(np.prod([self.shape[i] for i in self.axes], dtype=np.int64))
        flat = call("transpose", x, axes=tuple(order)).reshape(lead + (count,))
        others = call("prod", _others_stack(flat, count), axis=-1) * self.initial
        others = others.reshape(tuple(self.shape[i] for i in order))
        return grad * call("transpose", others, axes=tuple(np.argsort(order)))


def _others_stack(flat, count):
    """(..., K) -> (..., K, K): row i is `flat` with element i replaced by 1."""
    spread = call("broadcast_to", flat[..., None, :], shape=flat.shape[:-1] + (count, count))
    return call("where", np.eye(count, dtype=bool), np.ones((), dtype=flat.dtype), spread)


class _Extreme(_Reduction):
    """max/min over `axis`; the gradient goes to the extreme element(s), ties split."""

    pick = None

    def forward(self, a, axis=None, out=None, keepdims=False, initial=_NoValue, where=True,
                dim=None):
        a = np.asarray(a)
        where = self.setup(a, axis, dim, out, keepdims, where)
        try:
            best = self.pick(a, axis=self.axes, keepdims=True, initial=initial, where=where)
        except ValueError as e:
            raise self.numpy_error(a, e) from None
        winners = a == best
        if self.mask is not None:
            winners &= self.mask
        counts = winners.sum(axis=self.axes, keepdims=True)
        # constant a.e., so it is also right for higher order; no winner: `initial` won
        self.share = winners / np.maximum(counts, 1).astype(a.dtype)
        return best if self.keepdims else best.reshape(
            [n for i, n in enumerate(a.shape) if i not in self.axes])

    def vjp(self, g):
        return self.kept(g) * self.share


@register("max")
class Max(_Extreme):
    """Maximum over `axis`; ties split the gradient evenly."""

    pick = staticmethod(np.max)


@register("min")
class Min(_Extreme):
    """Minimum over `axis`; ties split the gradient evenly."""

    pick = staticmethod(np.min)


class _Moment(_Reduction):
    """var/std bookkeeping: ddof (or its NumPy 2 alias `correction`), the centred input."""

    def setup_moment(self, a, axis, dim, out, keepdims, where, ddof, mean, correction):
        if mean is not _NoValue and mean is not None:
            raise TypeError(f"{self.name}: mean= is not supported; the mean is computed from the input")
        if correction is not _NoValue and correction is not None:
            if ddof != 0:
                raise TypeError(f"{self.name}: got both ddof= and correction=; pass one of them")
            ddof = correction
        a = np.asarray(a)
        where = self.setup(a, axis, dim, out, keepdims, where)
        self.ddof = ddof
        with np.errstate(divide="ignore", invalid="ignore"):
            self.denominator = np.maximum(self.count - ddof, 0)
        if np.any(self.denominator == 0):
            warnings.warn(f"{self.name}: degrees of freedom <= 0 for a slice", RuntimeWarning,
                          stacklevel=3)
        return where, ddof

    def centred(self, a):
        """a minus its (masked) mean over the axes; masked-out elements zero."""
        m = call("mean", a, axis=self.axes, keepdims=True, where=True if self.mask is None else self.mask)
        c = a - m
        return c if self.mask is None else call("where", self.mask, c, np.zeros((), dtype=c.dtype))


@register("var")
class Var(_Moment):
    """Variance over `axis` with `ddof` (0 by default); no degrees of freedom give NaN."""

    def forward(self, a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, where=True,
                mean=_NoValue, correction=_NoValue, dim=None):
        a = np.asarray(a)
        where, ddof = self.setup_moment(a, axis, dim, out, keepdims, where, ddof, mean, correction)
        self.save(a)
        with warnings.catch_warnings(), np.errstate(divide="ignore", invalid="ignore"):
            warnings.simplefilter("ignore", RuntimeWarning)
            return np.var(a, axis=self.axes, dtype=dtype, ddof=ddof, keepdims=self.keepdims, where=where)

    def vjp(self, g):
        (a,) = self.saved
        with np.errstate(divide="ignore", invalid="ignore"):
            scale = 2.0 / self.denominator  # inf where no degrees of freedom: NaN, as torch
        if np.ndim(scale):
            scale = np.broadcast_to(scale, self.shape)
        return call("broadcast_to", self.kept(g), shape=self.shape) * self.centred(a) * scale


@register("std")
class Std(_Moment):
    """Standard deviation over `axis` with `ddof` (0 by default)."""

    def forward(self, a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, where=True,
                mean=_NoValue, correction=_NoValue, dim=None):
        a = np.asarray(a)
        where, ddof = self.setup_moment(a, axis, dim, out, keepdims, where, ddof, mean, correction)
        with warnings.catch_warnings(), np.errstate(divide="ignore", invalid="ignore"):
            warnings.simplefilter("ignore", RuntimeWarning)
            result = np.asarray(np.std(a, axis=self.axes, dtype=dtype, ddof=ddof,
                                       keepdims=self.keepdims, where=where))
        self.save(a, result)
        return result

    def vjp(self, g):
        a, result = self.saved
        with np.errstate(divide="ignore", invalid="ignore"):
            scale = 1.0 / self.denominator
        if np.ndim(scale):
            scale = np.broadcast_to(scale, self.shape)
        # a zero deviation gets a zero gradient (torch's subgradient); NaN stays NaN
        zero = self.kept(np.asarray(result.data if hasattr(result, "grad_fn") else result) == 0)
        safe = call("where", zero, np.ones((), dtype=a.dtype), self.kept(result))
        spread = call("broadcast_to", self.kept(g) / safe * ~zero, shape=self.shape)
        return spread * self.centred(a) * scale


@register("logsumexp")
class LogSumExp(_Reduction):
    """log(sum(exp(a))) over `axis`, shifted by the max so +-1000 stays finite."""

    def forward(self, a, axis=None, keepdims=False, dim=None):
        a = np.asarray(a)
        self.setup(a, axis, dim, None, keepdims)
        if a.size == 0:
            m = np.zeros(kept_shape(a.shape, self.axes), dtype=a.dtype)
        else:
            m = np.max(a, axis=self.axes, keepdims=True)
            m = np.where(np.isfinite(m), m, 0)
        with np.errstate(divide="ignore"):
            result = np.log(np.exp(a - m).sum(axis=self.axes, keepdims=True)) + m
        if not self.keepdims:
            result = result.reshape([n for i, n in enumerate(a.shape) if i not in self.axes])
        self.save(a, result)
        return result

    def vjp(self, g):
        a, result = self.saved
        return self.kept(g) * np.exp(a - self.kept(result))


class _Scan(Function):
    """cumsum/cumprod bookkeeping: axis=None scans the flattened input."""

    def setup(self, a, axis, dim, out):
        refuse_out(self.name, out)
        axis = resolve_axis(self.name, axis, dim)
        a = np.asarray(a)
        self.shape = a.shape
        if axis is None:
            a = a.reshape(-1)
            axis = 0
        (self.axis,) = normalize_axes(axis, a.ndim, self.name) if a.ndim else (0,)
        if a.ndim == 0:
            a = a.reshape(1)
        self.reverse = (slice(None),) * self.axis + (slice(None, None, -1),)
        return a

    def reverse_cumsum(self, g):
        return call("cumsum", g[self.reverse], axis=self.axis)[self.reverse]


@register("cumsum")
class Cumsum(_Scan):
    """Running sum along `axis` (the flattened input when axis is None)."""

    def forward(self, a, axis=None, dtype=None, out=None, dim=None):
        a = self.setup(a, axis, dim, out)
        return np.cumsum(a, axis=self.axis, dtype=dtype)

    def vjp(self, g):
        return self.reverse_cumsum(g).reshape(self.shape)


@register("cumprod")
class Cumprod(_Scan):
    """Running product along `axis`; exact with zeros (as torch's cumprod_backward)."""

    def forward(self, a, axis=None, dtype=None, out=None, dim=None):
        a = self.setup(a, axis, dim, out)
        result = np.cumprod(a, axis=self.axis, dtype=dtype)
        self.save(a, result)
        self.has_zero = bool((a == 0).any())
        return result

    def vjp(self, g):
        a, result = self.saved
        if not self.has_zero:
            return (self.reverse_cumsum(g * result) / a).reshape(self.shape)
        # with zeros: d out_k / d a_i = prod_{j <= k, j != i} a_j for k >= i, exactly (a
        # polynomial, so higher orders are right too), from an (n, n) stack per slice
        n = a.shape[self.axis]
        order = [i for i in range(a.ndim) if i != self.axis] + [self.axis]
        flat = call("transpose", a, axes=tuple(order))  # (..., n)
        partial = call("cumprod", _others_stack(flat, n), axis=-1)  # [..., i, k]
        later = np.triu(np.ones((n, n), dtype=bool))  # k >= i
        gt = call("transpose", g, axes=tuple(order))[..., None, :]
        grad = call("sum", call("where", later, gt * partial, np.zeros((), dtype=a.dtype)), axis=-1)
        return call("transpose", grad, axes=tuple(np.argsort(order))).reshape(self.shape)


# ------------------------------------------------------------------ public functions
def _wrap(x):
    return x if isinstance(x, Tensor) else Tensor(x)


def _detach_for_dtype(x, dtype):
    """An integer/bool result dtype has no gradient: reduce the data only."""
    if dtype is not None and np.dtype(dtype).kind not in "fc" and isinstance(x, Tensor):
        return x.detach()
    return x


def sum(a, axis=None, dtype=None, out=None, keepdims=False, initial=_NoValue, where=True, *,  # noqa: A001
        dim=None):
    """Sum over `axis` (all axes by default), as `np.sum`; `dim=` is an alias of `axis=`."""
    return apply(Sum, _detach_for_dtype(a, dtype), axis=axis, dtype=dtype, out=out,
                 keepdims=keepdims, initial=initial, where=where, dim=dim)


def prod(a, axis=None, dtype=None, out=None, keepdims=False, initial=_NoValue, where=True, *,
         dim=None):
    """Product over `axis`, as `np.prod`."""
    return apply(Prod, _detach_for_dtype(a, dtype), axis=axis, dtype=dtype, out=out,
                 keepdims=keepdims, initial=initial, where=where, dim=dim)


def mean(a, axis=None, dtype=None, out=None, keepdims=False, *, where=True, dim=None):
    """Mean over `axis`, as `np.mean`."""
    return apply(Mean, a, axis=axis, dtype=dtype, out=out, keepdims=keepdims, where=where, dim=dim)


def max(a, axis=None, out=None, keepdims=False, initial=_NoValue, where=True, *, dim=None):  # noqa: A001
    """Maximum over `axis`, as `np.max`; ties split the gradient evenly."""
    return apply(Max, a, axis=axis, out=out, keepdims=keepdims, initial=initial, where=where, dim=dim)


def min(a, axis=None, out=None, keepdims=False, initial=_NoValue, where=True, *, dim=None):  # noqa: A001
    """Minimum over `axis`, as `np.min`; ties split the gradient evenly."""
    return apply(Min, a, axis=axis, out=out, keepdims=keepdims, initial=initial, where=where, dim=dim)


amax = max
amin = min


def var(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, where=True, mean=_NoValue,
        correction=_NoValue, dim=None):
    """Variance over `axis`, as `np.var` (ddof=0); no degrees of freedom give NaN."""
    return apply(Var, a, axis=axis, dtype=dtype, out=out, ddof=ddof, keepdims=keepdims,
                 where=where, mean=mean, correction=correction, dim=dim)


def std(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, where=True, mean=_NoValue,
        correction=_NoValue, dim=None):
    """Standard deviation over `axis`, as `np.std` (ddof=0)."""
    return apply(Std, a, axis=axis, dtype=dtype, out=out, ddof=ddof, keepdims=keepdims,
                 where=where, mean=mean, correction=correction, dim=dim)


def logsumexp(x, axis=None, keepdims=False, *, dim=None):
    """log(sum(exp(x))) over `axis`, numerically stable."""
    return apply(LogSumExp, x, axis=axis, keepdims=keepdims, dim=dim)


def cumsum(a, axis=None, dtype=None, out=None, *, dim=None):
    """Running sum along `axis` (flattened when None), as `np.cumsum`."""
    return apply(Cumsum, _detach_for_dtype(a, dtype), axis=axis, dtype=dtype, out=out, dim=dim)


def cumprod(a, axis=None, dtype=None, out=None, *, dim=None):
    """Running product along `axis` (flattened when None), as `np.cumprod`."""
    return apply(Cumprod, _detach_for_dtype(a, dtype), axis=axis, dtype=dtype, out=out, dim=dim)


def ptp(a, axis=None, out=None, keepdims=False, *, dim=None):
    """Peak to peak (max - min) over `axis`, as `np.ptp`."""
    refuse_out("ptp", out)
    axis = resolve_axis("ptp", axis, dim)
    return max(a, axis=axis, keepdims=keepdims) - min(a, axis=axis, keepdims=keepdims)


def diff(a, n=1, axis=-1, prepend=_NoValue, append=_NoValue, *, dim=None):
    """n-th discrete difference along `axis`, as `np.diff`."""
    from ops.shape import concatenate

    axis = resolve_axis("diff", axis, dim)
    a = _wrap(a)
    if n < 0:
        raise ValueError(f"diff: order n must be non-negative, got {n}")
    if a.ndim == 0:
        raise ValueError("diff: needs an input of at least one dimension")
    (axis,) = normalize_axes(axis, a.ndim, "diff")
    parts = []
    for extra in (prepend, append):
        if extra is _NoValue:
            parts.append(None)
            continue
        extra = _wrap(extra)
        if extra.ndim == 0:
            shape = list(a.shape)
            shape[axis] = 1
            extra = extra.broadcast_to(tuple(shape))
        parts.append(extra)
    if parts[0] is not None or parts[1] is not None:
        a = concatenate([p for p in (parts[0], a, parts[1]) if p is not None], axis=axis)
    lead = (slice(None),) * axis
    for _ in range(n):
        a = a[lead + (slice(1, None),)] - a[lead + (slice(None, -1),)]
    return a


def ediff1d(ary, to_end=None, to_begin=None):
    """Differences of the flattened input, with optional ends, as `np.ediff1d`."""
    from ops.shape import concatenate

    flat = _wrap(ary).reshape(-1)
    parts = [flat[1:] - flat[:-1]]
    if to_begin is not None:
        parts.insert(0, _wrap(to_begin).reshape(-1).astype(flat.dtype))
    if to_end is not None:
        parts.append(_wrap(to_end).reshape(-1).astype(flat.dtype))
    return parts[0] if len(parts) == 1 else concatenate(parts)

def _not_nan(a):
    return ~np.isnan(_data(a))


def _and_where(mask, where):
    where = _data(where)
    return mask if where is True else mask & np.asarray(where, dtype=bool)


def nansum(a, axis=None, dtype=None, out=None, keepdims=False, initial=_NoValue, where=True, *,
           dim=None):
    """Sum treating NaN as zero (zero gradient there), as `np.nansum`."""
    a = _wrap(a)
    return sum(a, axis, dtype, out, keepdims, initial, _and_where(_not_nan(a), where), dim=dim)


def nanmean(a, axis=None, dtype=None, out=None, keepdims=False, *, where=True, dim=None):
    """Mean of the non-NaN elements, as `np.nanmean`."""
    a = _wrap(a)
    return mean(a, axis, dtype, out, keepdims, where=_and_where(_not_nan(a), where), dim=dim)


def nanvar(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, where=True,
           mean=_NoValue, correction=_NoValue, dim=None):
    """Variance of the non-NaN elements, as `np.nanvar`."""
    a = _wrap(a)
    return var(a, axis, dtype, out, ddof, keepdims, where=_and_where(_not_nan(a), where),
               mean=mean, correction=correction, dim=dim)


def nanstd(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, where=True,
           mean=_NoValue, correction=_NoValue, dim=None):
    """Standard deviation of the non-NaN elements, as `np.nanstd`."""
    a = _wrap(a)
    return std(a, axis, dtype, out, ddof, keepdims, where=_and_where(_not_nan(a), where),
               mean=mean, correction=correction, dim=dim)


def _nan_extreme(pick, fill, a, axis, out, keepdims, initial, where, dim):
    a = _wrap(a)
    if a.dtype.kind not in "fc":  # no NaN possible
        return pick(a, axis, out, keepdims, initial, where, dim=dim)
    valid = _and_where(_not_nan(a), where)
    result = pick(a, axis, out, keepdims, fill if initial is _NoValue else initial, valid, dim=dim)
    if initial is _NoValue:  # an all-NaN slice gives NaN, as NumPy (with its warning)
        axes = normalize_axes(resolve_axis(pick.__name__, axis, dim), a.ndim, "nan" + pick.__name__)
        empty = ~np.broadcast_to(valid, a.shape).any(axis=axes, keepdims=bool(keepdims))
        if empty.any():
            warnings.warn("All-NaN slice encountered", RuntimeWarning, stacklevel=3)
            result = call("where", empty, np.array(np.nan, dtype=a.dtype), result)
    return result


def nanmax(a, axis=None, out=None, keepdims=False, initial=_NoValue, where=True, *, dim=None):
    """Maximum ignoring NaN, as `np.nanmax`."""
    return _nan_extreme(max, -np.inf, a, axis, out, keepdims, initial, where, dim)


def nanmin(a, axis=None, out=None, keepdims=False, initial=_NoValue, where=True, *, dim=None):
    """Minimum ignoring NaN, as `np.nanmin`."""
    return _nan_extreme(min, np.inf, a, axis, out, keepdims, initial, where, dim)


def average(a, axis=None, weights=None, returned=False, *, keepdims=False, dim=None):
    """Weighted mean over `axis`, as `np.average`; the weights are differentiable too."""
    axis = resolve_axis("average", axis, dim)
    a = _wrap(a)
    if weights is None:
        result = mean(a, axis=axis, keepdims=keepdims)
        total = Tensor(np.full(result.shape, a.size / np.maximum(result.size, 1), dtype=result.dtype))
    else:
        w = _wrap(weights)
        if w.shape != a.shape:
            if axis is None or not isinstance(axis, (int, np.integer)) or w.ndim != 1:
                raise ValueError(
                    f"average: weights of shape {w.shape} differ from the input's {a.shape}; "
                    "1-D weights need an integer axis")
            (ax,) = normalize_axes(axis, a.ndim, "average")
            if w.shape[0] != a.shape[ax]:
                raise ValueError(
                    f"average: {w.shape[0]} weights for axis {ax} of length {a.shape[ax]}")
            w = w.reshape([-1 if i == ax else 1 for i in range(a.ndim)])
        total = sum(w * np.ones(a.shape, dtype=w.dtype), axis=axis, keepdims=keepdims)
        if np.any(total.data == 0):
            raise ZeroDivisionError("average: weights sum to zero, can't be normalized")
        result = sum(a * w, axis=axis, keepdims=keepdims) / total
    return (result, total) if returned else result


_METHODS = ("linear", "lower", "higher", "midpoint", "nearest")


def quantile(a, q, axis=None, out=None, overwrite_input=False, method="linear", keepdims=False, *,
             weights=None, interpolation=None, dim=None):
    """q-th quantiles over `axis`, as `np.quantile`; the gradient goes to the selected elements.

    Methods: linear (default), lower, higher, midpoint, nearest. `overwrite_input` is
    accepted (the input is never changed). A NaN in a slice makes its quantile NaN.
    """
    return _quantile("quantile", a, q, axis, out, method, keepdims, weights, interpolation, dim)


def percentile(a, q, axis=None, out=None, overwrite_input=False, method="linear", keepdims=False,
               *, weights=None, interpolation=None, dim=None):
    """q-th percentiles over `axis`, as `np.percentile`."""
    return _quantile("percentile", a, _percent(q), axis, out, method, keepdims, weights,
                     interpolation, dim)


def median(a, axis=None, out=None, overwrite_input=False, keepdims=False, *, dim=None):
    """Median over `axis`, as `np.median` (even counts average the middle two)."""
    return _quantile("median", a, 0.5, axis, out, "linear", keepdims, None, None, dim)


def nanquantile(a, q, axis=None, out=None, overwrite_input=False, method="linear", keepdims=False,
                *, weights=None, interpolation=None, dim=None):
    """Quantiles of the non-NaN elements, as `np.nanquantile`."""
    return _quantile("nanquantile", a, q, axis, out, method, keepdims, weights, interpolation, dim,
                     skip_nan=True)


def nanpercentile(a, q, axis=None, out=None, overwrite_input=False, method="linear",
                  keepdims=False, *, weights=None, interpolation=None, dim=None):
    """Percentiles of the non-NaN elements, as `np.nanpercentile`."""
    return _quantile("nanpercentile", a, _percent(q), axis, out, method, keepdims, weights,
                     interpolation, dim, skip_nan=True)


def nanmedian(a, axis=None, out=None, overwrite_input=False, keepdims=False, *, dim=None):
    """Median of the non-NaN elements, as `np.nanmedian`."""
    return _quantile("nanmedian", a, 0.5, axis, out, "linear", keepdims, None, None, dim,
                     skip_nan=True)


def _percent(q):
    return np.asarray(_data(q), dtype=np.float64) / 100


def _quantile(op, a, q, axis, out, method, keepdims, weights, interpolation, dim, skip_nan=False):
    from ops.index import sort, take_along_axis

    refuse_out(op, out)
    if weights is not None:
        raise TypeError(f"{op}: weights= is not supported")
    if interpolation is not None:
        method = interpolation
    if method not in _METHODS:
        raise ValueError(f"{op}: method {method!r} is not supported; use one of {_METHODS}")
    axis = resolve_axis(op, axis, dim)
    a = _wrap(a)
    q = np.asarray(_data(q), dtype=np.float64)
    if np.any((q < 0) | (q > 1)) or np.any(np.isnan(q)):
        raise ValueError(f"{op}: quantiles must be in [0, 1] (percentiles in [0, 100]), got {q}")
    axes = normalize_axes(axis, a.ndim, op)
    rest = [i for i in range(a.ndim) if i not in axes]
    x = a.transpose(*rest, *axes) if a.ndim else a
    lead = tuple(a.shape[i] for i in rest)
    x = x.reshape(*lead, -1)  # (..., K): the reduced axes flattened
    if x.shape[-1] == 0:
        raise ValueError(f"{op}: cannot take a quantile of an empty axis (input shape {a.shape})")
    ordered = sort(x, axis=-1)  # NaN sorts last
    nan = np.isnan(x.data)
    if skip_nan:  # per slice: the non-NaN count
        count = (~nan).sum(axis=-1).reshape(lead + (1,) * q.ndim)
        if np.any(count == 0):
            warnings.warn("All-NaN slice encountered", RuntimeWarning, stacklevel=3)
    else:
        count = np.full(lead + (1,) * q.ndim, x.shape[-1])
    last = np.maximum(count - 1, 0)
    position = q * last  # (..., *q.shape)
    low = np.floor(position).astype(np.int64)
    high = np.minimum(low + 1, last)
    if method == "lower":
        high, fraction = low, np.zeros(position.shape)
    elif method == "higher":
        low = high = np.ceil(position).astype(np.int64)
        fraction = np.zeros(position.shape)
    elif method == "nearest":  # NumPy rounds .5 to the even index
        low = high = np.around(position).astype(np.int64)
        fraction = np.zeros(position.shape)
    elif method == "midpoint":
        high = np.ceil(position).astype(np.int64)
        fraction = np.where(high > low, 0.5, 0.0)
    else:
        fraction = position - low
    fraction = np.asarray(fraction, dtype=a.dtype)
    shape = lead + q.shape

    def pick(index):
        return take_along_axis(ordered, index.reshape(lead + (-1,)), axis=-1).reshape(shape)

    result = pick(low)
    if np.any(fraction != 0):
        result = result + (pick(high) - result) * fraction
    if q.ndim:  # q's axes first, as NumPy
        result = result.transpose(*range(len(lead), len(shape)), *range(len(lead)))
    if keepdims:
        result = result.reshape(*q.shape, *kept_shape(a.shape, axes))
    bad = (nan.all(axis=-1) if skip_nan else nan.any(axis=-1)).reshape(lead + (1,) * q.ndim)
    if bad.any():  # NaN where NumPy gives NaN, without a gradient into the NaN slice
        bad = np.broadcast_to(bad, shape)
        if q.ndim:
            bad = bad.transpose(*range(len(lead), len(shape)), *range(len(lead)))
        result = call("where", bad.reshape(result.shape), np.array(np.nan, dtype=result.dtype), result)
    return result

def _cumulative(op, scan, identity, x, axis, dtype, out, include_initial):
    refuse_out(op, out)
    x = _wrap(x)
    if axis is None:
        if x.ndim > 1:
            raise ValueError(f"{op}: axis is required for an input with more than one dimension")
        axis = 0
    if x.ndim == 0:
        raise ValueError(f"{op}: needs an input of at least one dimension")
    result = scan(x, axis=axis, dtype=dtype)
    if include_initial:
        from ops.shape import concatenate

        (ax,) = normalize_axes(axis, x.ndim, op)
        shape = list(result.shape)
        shape[ax] = 1
        result = concatenate([Tensor(np.full(shape, identity, dtype=result.dtype)), result], axis=ax)
    return result


def cumulative_sum(x, /, *, axis=None, dtype=None, out=None, include_initial=False):
    """Running sum along `axis` (optionally starting with 0), as `np.cumulative_sum`."""
    return _cumulative("cumulative_sum", cumsum, 0, x, axis, dtype, out, include_initial)


def cumulative_prod(x, /, *, axis=None, dtype=None, out=None, include_initial=False):
    """Running product along `axis` (optionally starting with 1), as `np.cumulative_prod`."""
    return _cumulative("cumulative_prod", cumprod, 1, x, axis, dtype, out, include_initial)


def trapezoid(y, x=None, dx=1.0, axis=-1):
    """The integral of `y` along `axis` by the trapezoidal rule, as `np.trapezoid`;
    differentiable in `y`, `x` and `dx`."""
    y = _wrap(y)
    (axis,) = normalize_axes(axis, y.ndim, "trapezoid")
    lead = (slice(None),) * axis
    if x is None:
        d = dx
    else:
        x = _wrap(x)
        if x.ndim == 1:
            if x.shape[0] != y.shape[axis]:
                raise ValueError(f"trapezoid: {x.shape[0]} sample points for an axis of length {y.shape[axis]}")
            x = x.reshape([-1 if i == axis else 1 for i in range(y.ndim)])
            d = x[lead + (slice(1, None),)] - x[lead + (slice(None, -1),)]
        else:
            d = diff(x, axis=axis)
    pairs = y[lead + (slice(1, None),)] + y[lead + (slice(None, -1),)]
    return sum(d * pairs / 2.0, axis=axis)


def cov(m, y=None, rowvar=True, bias=False, ddof=None, fweights=None, aweights=None, *, dtype=None):
    """Covariance matrix of the variables (rows, or columns when rowvar=False), as `np.cov`;
    `fweights` and `aweights` honoured."""
    from ops.shape import atleast_2d, concatenate, squeeze

    if ddof is not None and ddof != int(ddof):
        raise ValueError("cov: ddof must be an integer")
    m = atleast_2d(_wrap(m))
    if dtype is not None:
        m = m.astype(dtype)
    elif m.dtype.kind not in "fc":
        m = m.astype(np.float64)
    if not rowvar and m.shape[0] != 1:
        m = m.T
    if y is not None:
        y = atleast_2d(_wrap(y)).astype(m.dtype)
        if not rowvar and y.shape[0] != 1:
            y = y.T
        m = concatenate([m, y], axis=0)
    if ddof is None:
        ddof = 0 if bias else 1
    weights = None
    for name, w in (("fweights", fweights), ("aweights", aweights)):
        if w is None:
            continue
        w = np.asarray(w.data if isinstance(w, Tensor) else w, dtype=np.float64)
        if w.ndim != 1 or w.shape[0] != m.shape[1]:
            raise ValueError(f"cov: {name} of shape {w.shape} for {m.shape[1]} observations")
        if (w < 0).any():
            raise ValueError(f"cov: {name} cannot be negative")
        if name == "fweights" and (w != np.round(w)).any():
            raise TypeError("cov: fweights must be integers")
        weights = w if weights is None else weights * w
    if weights is None:
        total = m.shape[1]
        centred = m - mean(m, axis=1, keepdims=True)
        factor = total - ddof
        product = centred @ centred.T
    else:
        total = weights.sum()
        average_ = sum(m * weights, axis=1, keepdims=True) / total
        centred = m - average_
        if aweights is None:
            factor = total - ddof
        else:
            a = np.asarray(aweights.data if isinstance(aweights, Tensor) else aweights, dtype=np.float64)
            factor = total - ddof * (weights * a).sum() / total
        product = (centred * weights) @ centred.T
    if factor <= 0:
        warnings.warn("cov: degrees of freedom <= 0 for slice", RuntimeWarning, stacklevel=2)
        factor = 0.0
    with np.errstate(divide="ignore", invalid="ignore"):
        result = product * (1.0 / factor if factor else np.inf)
    return squeeze(result)


def corrcoef(x, y=None, rowvar=True, *, dtype=None):
    """Pearson correlation coefficients, as `np.corrcoef`."""
    from ops.shape import diagonal

    c = cov(x, y, rowvar, dtype=dtype)
    if c.ndim == 0:
        return c / c
    spread = diagonal(c) ** 0.5
    return c / spread.reshape(-1, 1) / spread.reshape(1, -1)

__all__ = [
    "sum", "prod", "mean", "max", "min", "amax", "amin", "var", "std", "logsumexp", "cumsum",
    "cumprod", "ptp", "diff", "nansum", "nanmean", "nanvar", "nanstd", "nanmax", "nanmin",
    "average", "median", "quantile", "percentile", "nanmedian", "nanquantile", "nanpercentile",
    "cumulative_sum", "cumulative_prod", "trapezoid", "cov", "corrcoef", "ediff1d",
]
