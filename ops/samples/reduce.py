"""Sample inputs for the reductions: axis/keepdims combinations, where=, initial=, ddof,
zeros in products, NaN-ignoring variants and the quantile family (tie-free inputs)."""
import numpy as np

import ops
from ops.samples import Case, rng, tie_free, torch

X = rng(30).standard_normal((3, 4, 5))
T = tie_free((3, 4, 5), 31)
MASK = rng(32).random((3, 4, 5)) > 0.3
MASK[:, :, 0] = True  # every slice along any axis keeps an element
Z = X.copy()
Z[0, 0, 0] = 0.0  # one zero in a slice
Z[1, :2, 1] = 0.0  # two zeros in a slice
Z[2, 3, 2:] = 0.0
NAN = X.copy()
NAN[0, 1, 2] = np.nan
NAN[2, 3, 4] = np.nan
W = rng(33).random(4) + 0.5


def _torch_dims(axis):
    return tuple(range(3)) if axis is None else axis


def _mask():
    return torch().as_tensor(MASK)


def _without_nans():
    return torch().as_tensor(~np.isnan(NAN))


CASES = []
for axis, keepdims in [(None, False), (1, False), ((0, 2), True), (-1, True)]:
    tag = f"axis={axis},keepdims={keepdims}"
    dims = _torch_dims(axis)
    CASES += [
        Case("sum", lambda a, ax=axis, k=keepdims: ops.sum(a, ax, keepdims=k), [X],
             lambda a, d=dims, k=keepdims: a.sum(dim=d, keepdim=k), id=tag),
        Case("mean", lambda a, ax=axis, k=keepdims: ops.mean(a, ax, keepdims=k), [X],
             lambda a, d=dims, k=keepdims: a.mean(dim=d, keepdim=k), id=tag),
        Case("max", lambda a, ax=axis, k=keepdims: ops.max(a, ax, keepdims=k), [T],
             lambda a, d=dims, k=keepdims: a.amax(dim=d, keepdim=k), id=tag),
        Case("min", lambda a, ax=axis, k=keepdims: ops.min(a, ax, keepdims=k), [T],
             lambda a, d=dims, k=keepdims: a.amin(dim=d, keepdim=k), id=tag),
        Case("var", lambda a, ax=axis, k=keepdims: ops.var(a, ax, keepdims=k), [X],
             lambda a, d=dims, k=keepdims: a.var(dim=d, keepdim=k, correction=0), id=tag),
        Case("std", lambda a, ax=axis, k=keepdims: ops.std(a, ax, keepdims=k), [X],
             lambda a, d=dims, k=keepdims: a.std(dim=d, keepdim=k, correction=0), id=tag),
        Case("logsumexp", lambda a, ax=axis, k=keepdims: ops.logsumexp(a, ax, keepdims=k), [X],
             lambda a, d=dims, k=keepdims: a.logsumexp(dim=d, keepdim=k), id=tag),
    ]
CASES += [
    Case("var", lambda a: ops.var(a, axis=0, ddof=1), [X], lambda a: a.var(dim=0, correction=1), id="ddof1"),
    Case("std", lambda a: ops.std(a, dim=2, ddof=1), [X], lambda a: a.std(dim=2, correction=1), id="ddof1-dim"),
    Case("var", lambda a: ops.var(a, axis=(0, 2), where=MASK, ddof=1), [X],
         lambda a: (((a - (a * _mask()).sum((0, 2), keepdim=True) / _mask().sum((0, 2), keepdim=True))
                     * _mask()) ** 2).sum((0, 2)) / (_mask().sum((0, 2)) - 1), id="where"),
    Case("std", lambda a: ops.nanstd(a, axis=1), [NAN], id="nanstd"),
    Case("var", lambda a: ops.nanvar(a, axis=2, ddof=1), [NAN], id="nanvar"),
    # where= and initial=: masked-out elements get no gradient
    Case("sum", lambda a: ops.sum(a, axis=1, where=MASK, initial=1.5), [X],
         lambda a: (a * _mask()).sum(1) + 1.5, id="where-initial"),
    Case("sum", lambda a: ops.nansum(a, axis=(0, 1)), [NAN], lambda a: a.nansum((0, 1)), id="nansum"),
    Case("sum", lambda a: ops.trace(a, 1, 0, 2), [X], lambda a: a.diagonal(1, 0, 2).sum(-1), id="trace"),
    Case("mean", lambda a: ops.mean(a, axis=(0, 2), where=MASK, keepdims=True), [X],
         lambda a: (a * _mask()).sum((0, 2), keepdim=True) / _mask().sum((0, 2), keepdim=True), id="where"),
    Case("mean", lambda a: ops.nanmean(a, axis=-1), [NAN], lambda a: a.nanmean(-1), id="nanmean"),
    Case("mean", lambda a, w: ops.average(a, axis=1, weights=w), [X, W],
         lambda a, w: (a * w[:, None]).sum(1) / w.sum(), id="average-weights"),
    Case("max", lambda a: ops.max(a, axis=1, where=MASK, initial=-0.5), [T],
         lambda a: torch().where(_mask(), a, -0.5).amax(1).clamp(min=-0.5), id="where-initial"),
    Case("max", lambda a: ops.nanmax(a, axis=0), [np.where(np.isnan(NAN), np.nan, T)],
         lambda a: torch().where(_without_nans(), a, -np.inf).amax(0), id="nanmax"),
    Case("min", lambda a: ops.nanmin(a, axis=2), [np.where(np.isnan(NAN), np.nan, T)],
         lambda a: torch().where(_without_nans(), a, np.inf).amin(2), id="nanmin"),
    Case("max", lambda a: ops.ptp(a, axis=1), [T], lambda a: a.amax(1) - a.amin(1), id="ptp"),
    Case("prod", lambda a: ops.prod(a, axis=1), [X], lambda a: a.prod(1), id="axis1"),
    Case("prod", lambda a: ops.prod(a, axis=2, keepdims=True), [Z], lambda a: a.prod(2, keepdim=True),
         id="zeros"),
    Case("prod", lambda a: ops.prod(a[:2, :2]), [X], lambda a: a[:2, :2].prod(), id="all"),
    Case("prod", lambda a: ops.prod(a, axis=0, where=MASK, initial=2.0), [Z],
         lambda a: torch().where(_mask(), a, 1.0).prod(0) * 2.0, id="zeros-where-initial"),
    Case("cumsum", lambda a: ops.cumsum(a, axis=1), [X], lambda a: a.cumsum(1), id="axis1"),
    Case("cumsum", lambda a: ops.cumsum(a), [X], lambda a: a.reshape(-1).cumsum(0), id="flat"),
    Case("cumsum", lambda a: ops.cumsum(a, dim=-1), [X], lambda a: a.cumsum(-1), id="dim"),
    Case("cumprod", lambda a: ops.cumprod(a, axis=2), [X], lambda a: a.cumprod(2), id="axis2"),
    Case("cumprod", lambda a: ops.cumprod(a, axis=1), [Z], lambda a: a.cumprod(1), id="zeros"),
    Case("cumprod", lambda a: ops.cumprod(a, axis=2), [Z], lambda a: a.cumprod(2), id="zeros-last"),
    Case("sub", lambda a: ops.diff(a, n=2, axis=1, prepend=0.5), [X],
         lambda a: torch().diff(a, n=2, dim=1, prepend=torch().full((3, 1, 5), 0.5, dtype=a.dtype)), id="diff"),
]
# quantiles: the gradient goes to the selected (sorted) elements, compared with torch
for method in ("linear", "lower", "higher", "midpoint", "nearest"):
    CASES.append(Case("getitem", lambda a, m=method: ops.quantile(a, [0.1, 0.5, 0.625, 0.9], axis=1, method=m),
                      [T], lambda a, m=method: torch().quantile(a, torch().tensor([0.1, 0.5, 0.625, 0.9],
                                                                               dtype=a.dtype), dim=1, interpolation=m),
                      id=f"quantile-{method}"))
CASES += [
    Case("getitem", lambda a: ops.median(a, axis=2), [T], lambda a: torch().quantile(a, 0.5, dim=2),
         id="median-odd"),
    Case("getitem", lambda a: ops.median(a, axis=1, keepdims=True), [T],
         lambda a: torch().quantile(a, 0.5, dim=1, keepdim=True), id="median-even"),
    Case("getitem", lambda a: ops.percentile(a, 35.0), [T],
         lambda a: torch().quantile(a.reshape(-1), 0.35), id="percentile-flat"),
]
TN = T.copy()
TN[0, 1, 2] = np.nan
TN[1, :2, 3] = np.nan
CASES += [
    Case("getitem", lambda a: ops.nanquantile(a, [0.3, 0.8], axis=1), [TN],
         lambda a: torch().nanquantile(a, torch().tensor([0.3, 0.8], dtype=a.dtype), dim=1), id="nanquantile"),
    Case("getitem", lambda a: ops.nanmedian(a, axis=(0, 1)), [TN],
         lambda a: torch().nanquantile(a.reshape(-1, 5), 0.5, dim=0), id="nanmedian"),
]
A2 = rng(34).standard_normal((3, 5))
FW = np.array([1, 2, 1, 3, 1])
AW = rng(35).random(5) + 0.2
CASES += [
    Case("matmul", lambda a: ops.cov(a), [A2], lambda a: torch().cov(a), id="cov"),
    Case("matmul", lambda a: ops.cov(a, fweights=FW, aweights=AW), [A2],
         lambda a: torch().cov(a, fweights=torch().as_tensor(FW), aweights=torch().as_tensor(AW)), id="cov-weights"),
    Case("matmul", lambda a: ops.corrcoef(a), [A2], lambda a: torch().corrcoef(a), id="corrcoef"),
    Case("sum", lambda a, x: ops.trapezoid(a, np.sort(x)), [A2, rng(36).random(5)],
         lambda a, x: torch().trapezoid(a, torch().sort(x).values), id="trapezoid"),
    Case("cumsum", lambda a: ops.cumulative_sum(a, axis=1, include_initial=True), [A2],
         lambda a: torch().cat([torch().zeros(3, 1, dtype=a.dtype), a.cumsum(1)], 1), id="cumulative_sum"),
]
