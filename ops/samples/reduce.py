"""Sample inputs for the reductions over several axis/keepdims combinations."""
import ops
from ops.samples import Case, rng, tie_free

X = rng(30).standard_normal((3, 4, 5))
T = tie_free((3, 4, 5), 31)


def _torch_dims(axis):
    return tuple(range(3)) if axis is None else axis


CASES = []
for axis, keepdims in [(None, False), (1, False), ((0, 2), True), (-1, True)]:
    tag = f"axis={axis},keepdims={keepdims}"
    dims = _torch_dims(axis)
    CASES += [
        Case("sum", lambda a, ax=axis, k=keepdims: ops.sum(a, ax, k), [X],
             lambda a, d=dims, k=keepdims: a.sum(dim=d, keepdim=k), id=tag),
        Case("mean", lambda a, ax=axis, k=keepdims: ops.mean(a, ax, k), [X],
             lambda a, d=dims, k=keepdims: a.mean(dim=d, keepdim=k), id=tag),
        Case("max", lambda a, ax=axis, k=keepdims: ops.max(a, ax, k), [T],
             lambda a, d=dims, k=keepdims: a.amax(dim=d, keepdim=k), id=tag),
        Case("min", lambda a, ax=axis, k=keepdims: ops.min(a, ax, k), [T],
             lambda a, d=dims, k=keepdims: a.amin(dim=d, keepdim=k), id=tag),
        Case("var", lambda a, ax=axis, k=keepdims: ops.var(a, ax, k), [X],
             lambda a, d=dims, k=keepdims: a.var(dim=d, keepdim=k, correction=0), id=tag),
        Case("std", lambda a, ax=axis, k=keepdims: ops.std(a, ax, k), [X],
             lambda a, d=dims, k=keepdims: a.std(dim=d, keepdim=k, correction=0), id=tag),
        Case("logsumexp", lambda a, ax=axis, k=keepdims: ops.logsumexp(a, ax, k), [X],
             lambda a, d=dims, k=keepdims: a.logsumexp(dim=d, keepdim=k), id=tag),
    ]
CASES += [
    Case("var", lambda a: ops.var(a, axis=0, ddof=1), [X], lambda a: a.var(dim=0, correction=1), id="ddof1"),
    Case("std", lambda a: ops.std(a, axis=2, ddof=1), [X], lambda a: a.std(dim=2, correction=1), id="ddof1"),
]
