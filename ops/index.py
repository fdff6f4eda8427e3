"""Indexing by computed positions: take, take_along_axis, put_along_axis, sort, partition.

The differentiable ones are built on `getitem` (whose adjoint, `index_add`, scatter-adds,
so they are twice differentiable), except `put_along_axis`, a rule of its own. The
integer-valued ones (argsort, argpartition, argmax, argmin, nonzero, searchsorted,
flatnonzero) return integer Tensors with no gradient.
"""
import numpy as np

from autograd.function import Function, register
from autograd.tensor import Tensor, apply
from ops._util import normalize_axes
from ops.reduce import refuse_out, resolve_axis


def _wrap(x):
    return x if isinstance(x, Tensor) else Tensor(x)


def _data(x):
    return x.data if isinstance(x, Tensor) else x


def _integers(op, indices):
    indices = np.asarray(_data(indices))
    if indices.dtype.kind not in "iu":
        if indices.size == 0:
            return indices.astype(np.intp)
        raise TypeError(f"{op}: indices must be integers, got dtype {indices.dtype}")
    return indices


def along_axis_index(op, shape, indices, axis):
    """The fancy index that makes a[index] equal np.take_along_axis(a, indices, axis)."""
    if indices.ndim != len(shape):
        raise ValueError(
            f"{op}: indices of shape {indices.shape} need as many dimensions as the input "
            f"of shape {shape}")
    index = []
    for i, n in enumerate(shape):
        if i == axis:
            index.append(indices)
        else:
            index.append(np.arange(n).reshape([-1 if j == i else 1 for j in range(len(shape))]))
    try:
        np.broadcast_shapes(*(ix.shape for ix in index))
    except ValueError:
        raise ValueError(
            f"{op}: indices of shape {indices.shape} do not broadcast against the input of "
            f"shape {shape} outside axis {axis}") from None
    bound = shape[axis]
    if indices.size and (indices.max() >= bound or indices.min() < -bound):
        raise IndexError(f"{op}: index out of range for axis {axis} of length {bound}")
    return tuple(index)


def take_along_axis(arr, indices, axis=-1, *, dim=None):
    """Values of `arr` at `indices` along `axis`, as `np.take_along_axis`."""
    axis = resolve_axis("take_along_axis", axis, dim)
    arr = _wrap(arr)
    indices = _integers("take_along_axis", indices)
    if axis is None:
        arr, axis = arr.reshape(-1), 0
    (axis,) = normalize_axes(axis, arr.ndim, "take_along_axis")
    return arr[along_axis_index("take_along_axis", arr.shape, indices, axis)]


def take(a, indices, axis=None, out=None, mode="raise"):
    """Elements of `a` at `indices` (along `axis`, or of the flattened a), as `np.take`."""
    refuse_out("take", out)
    a = _wrap(a)
    indices = _integers("take", indices)
    if axis is None:
        a, axis = a.reshape(-1), 0
    (axis,) = normalize_axes(axis, a.ndim, "take")
    n = a.shape[axis]
    if mode == "wrap":
        indices = np.mod(indices, n) if n else indices
    elif mode == "clip":
        indices = np.clip(indices, 0, n - 1)
    elif mode == "raise":
        if indices.size and (indices.max() >= n or indices.min() < -n):
            raise IndexError(f"take: index out of range for axis {axis} of length {n}")
    else:
        raise ValueError(f"take: mode must be 'raise', 'wrap' or 'clip', got {mode!r}")
    return a[(slice(None),) * axis + (indices,)]


@register("put_along_axis")
class PutAlongAxis(Function):
    """A copy of arr with `values` written at `indices` along `axis` (the last write wins)."""

    def forward(self, arr, values, indices, axis):
        index = along_axis_index("put_along_axis", arr.shape, indices, axis)
        target = np.broadcast_shapes(*(ix.shape for ix in index))
        try:
            values = np.broadcast_to(values, target)
        except ValueError:
            raise ValueError(
                f"put_along_axis: values of shape {np.shape(values)} do not broadcast to the "
                f"indexed shape {target}") from None
        out = arr.copy()
        out[index] = values
        # which write survives at each target (NumPy: the last), and where arr survives
        order = np.full(arr.shape, -1, dtype=np.int64)
        order[index] = np.arange(int(np.prod(target))).reshape(target)
        self.index = index
        self.kept = order < 0
        self.won = order[index] == np.arange(int(np.prod(target))).reshape(target)
        return out

    def vjp(self, g):
        return g * self.kept, g[self.index] * self.won


def put_along_axis(arr, indices, values, axis, *, dim=None):
    """Out of place: a copy of `arr` with `values` put at `indices` along `axis`.

    Unlike `np.put_along_axis` (in place, returns None), this returns the new tensor;
    gradients flow to `arr` (except where overwritten) and to `values`.
    """
    axis = resolve_axis("put_along_axis", axis, dim)
    arr = _wrap(arr)
    indices = _integers("put_along_axis", indices)
    if axis is None:
        arr_shape = arr.shape
        out = apply(PutAlongAxis, arr.reshape(-1), values, indices=indices, axis=0)
        return out.reshape(arr_shape)
    (axis,) = normalize_axes(axis, arr.ndim, "put_along_axis")
    return apply(PutAlongAxis, arr, values, indices=indices, axis=axis)


def _sort_args(op, kind, order, stable):
    if order is not None:
        raise TypeError(f"{op}: order= (structured arrays) is not supported")
    if kind not in (None, "quicksort", "mergesort", "heapsort", "stable"):
        raise ValueError(f"{op}: unknown kind {kind!r}")
    # stable=True/False/None all accepted: npgrad always sorts stably (ties keep their order)


def argsort(a, axis=-1, kind=None, order=None, *, stable=None, dim=None):
    """Indices that sort `a` along `axis` (stable), as `np.argsort`; no gradient."""
    _sort_args("argsort", kind, order, stable)
    axis = resolve_axis("argsort", axis, dim)
    return Tensor(np.argsort(_data(a), axis=axis, kind="stable"))


def sort(a, axis=-1, kind=None, order=None, *, stable=None, dim=None):
    """`a` sorted along `axis`, as `np.sort`; the gradient follows the (stable) permutation."""
    _sort_args("sort", kind, order, stable)
    axis = resolve_axis("sort", axis, dim)
    a = _wrap(a)
    if axis is None:
        a, axis = a.reshape(-1), 0
    if a.ndim == 0:
        raise ValueError("sort: cannot sort a 0-d tensor along an axis")
    (axis,) = normalize_axes(axis, a.ndim, "sort")
    return take_along_axis(a, np.argsort(a.data, axis=axis, kind="stable"), axis)


def argpartition(a, kth, axis=-1, kind="introselect", order=None):
    """Indices that partition `a` around `kth`, as `np.argpartition`; no gradient."""
    _sort_args("argpartition", None, order, None)
    return Tensor(np.argpartition(_data(a), _data(kth), axis=axis, kind=kind))


def partition(a, kth, axis=-1, kind="introselect", order=None):
    """`a` partitioned around `kth`, as `np.partition`; the gradient follows the permutation."""
    _sort_args("partition", None, order, None)
    a = _wrap(a)
    if axis is None:
        a, axis = a.reshape(-1), 0
    (axis,) = normalize_axes(axis, a.ndim, "partition")
    return take_along_axis(a, np.argpartition(a.data, _data(kth), axis=axis, kind=kind), axis)


def argmax(a, axis=None, out=None, *, keepdims=False, dim=None):
    """Index of the maximum along `axis` (flattened when None), as `np.argmax`; no gradient."""
    refuse_out("argmax", out)
    axis = resolve_axis("argmax", axis, dim)
    return Tensor(np.asarray(np.argmax(_data(a), axis=axis, keepdims=keepdims)))


def argmin(a, axis=None, out=None, *, keepdims=False, dim=None):
    """Index of the minimum along `axis` (flattened when None), as `np.argmin`; no gradient."""
    refuse_out("argmin", out)
    axis = resolve_axis("argmin", axis, dim)
    return Tensor(np.asarray(np.argmin(_data(a), axis=axis, keepdims=keepdims)))


def nonzero(a):
    """Indices of the non-zero elements, one integer Tensor per axis, as `np.nonzero`."""
    return tuple(Tensor(i) for i in np.nonzero(_data(a)))


def flatnonzero(a):
    """Indices of the non-zero elements of the flattened input, as `np.flatnonzero`."""
    return Tensor(np.flatnonzero(_data(a)))


def argwhere(a):
    """(N, ndim) indices of the non-zero elements, as `np.argwhere`."""
    return Tensor(np.argwhere(_data(a)))


def searchsorted(a, v, side="left", sorter=None):
    """Insertion indices of `v` into the sorted `a`, as `np.searchsorted`; no gradient."""
    return Tensor(np.asarray(np.searchsorted(_data(a), _data(v), side=side, sorter=_data(sorter))))


__all__ = [
    "take", "take_along_axis", "put_along_axis", "sort", "argsort", "partition", "argpartition",
    "argmax", "argmin", "nonzero", "flatnonzero", "argwhere", "searchsorted",
]
