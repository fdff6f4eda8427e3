"""Shape ops with NumPy's names: reshape transpose broadcast_to concatenate stack pad (rules),
indexing (getitem and its adjoint index_add), and the compositions of them at the end
(ravel squeeze expand_dims moveaxis flip roll tile repeat split diagonal tril pad modes ...).
"""
from builtins import max as builtin_max, min as builtin_min

import numpy as np

from autograd.function import Function, ScatterGrad, call, register, registry
from autograd.tensor import Tensor, apply
from ops._util import normalize_axes


@register("reshape")
class Reshape(Function):
    """a with a new shape (same size); a view when NumPy can make one."""

    def forward(self, a, shape):
        self.in_shape = a.shape
        try:
            return a.reshape(shape)
        except ValueError:
            raise ValueError(f"reshape: cannot reshape an array of shape {a.shape} into {tuple(shape)}") from None

    def vjp(self, g):
        return g.reshape(self.in_shape)


@register("transpose")
class Transpose(Function):
    """a with its axes permuted (reversed when axes is None)."""

    def forward(self, a, axes=None):
        if axes is None:
            axes = tuple(reversed(range(a.ndim)))
        if sorted(ax % max(a.ndim, 1) for ax in axes) != list(range(a.ndim)):
            raise ValueError(f"transpose: axes {tuple(axes)} do not match shape {a.shape}")
        self.inverse = tuple(np.argsort([ax % a.ndim for ax in axes]))
        return a.transpose(axes)

    def vjp(self, g):
        return g.transpose(self.inverse)


@register("broadcast_to")
class BroadcastTo(Function):
    """a broadcast to `shape` (a read-only view); the engine sums the gradient back."""

    def forward(self, a, shape):
        try:
            return np.broadcast_to(a, shape)
        except ValueError:
            raise ValueError(f"broadcast_to: cannot broadcast shape {np.shape(a)} to {tuple(shape)}") from None

    def vjp(self, g):
        return g


@register("concatenate")
class Concatenate(Function):
    """The inputs joined along an existing `axis`."""

    def forward(self, *arrays, axis=0):
        if not arrays:
            raise ValueError("concatenate: need at least one array")
        ndim = np.ndim(arrays[0])
        if ndim == 0:
            raise ValueError("concatenate: zero-dimensional arrays cannot be concatenated")
        (self.axis,) = normalize_axes(axis, ndim, "concatenate")
        try:
            out = np.concatenate(arrays, axis=self.axis)
        except ValueError as e:
            shapes = ", ".join(str(np.shape(a)) for a in arrays)
            raise ValueError(f"concatenate: cannot join shapes {shapes} along axis {axis}: {e}") from None
        self.bounds = np.cumsum([0] + [np.shape(a)[self.axis] for a in arrays])
        return out

    def vjp(self, g):
        lead = (slice(None),) * self.axis
        return tuple(
            g[lead + (slice(start, stop),)] for start, stop in zip(self.bounds[:-1], self.bounds[1:])
        )


@register("stack")
class Stack(Function):
    """The inputs (all of one shape) joined along a new `axis`."""

    def forward(self, *arrays, axis=0):
        if not arrays:
            raise ValueError("stack: need at least one array")
        shapes = {np.shape(a) for a in arrays}
        if len(shapes) != 1:
            raise ValueError(f"stack: all inputs must have one shape, got {sorted(shapes)}")
        (self.axis,) = normalize_axes(axis, np.ndim(arrays[0]) + 1, "stack")
        self.count = len(arrays)
        return np.stack(arrays, axis=self.axis)

    def vjp(self, g):
        lead = (slice(None),) * self.axis
        return tuple(g[lead + (i,)] for i in range(self.count))


@register("pad")
class Pad(Function):
    """a padded with constants, `pad_width` as in `np.pad` (already checked by `pad`)."""

    def forward(self, a, pad_width, constant_values=0):
        widths = pad_widths(pad_width, a.shape)
        self.inner = tuple(slice(lo, lo + n) for (lo, _), n in zip(widths, a.shape))
        try:
            return np.pad(a, widths, constant_values=constant_values)
        except ValueError as e:
            raise ValueError(f"pad: constant_values={constant_values!r} for shape {a.shape}: {e}") from None

    def vjp(self, g):
        return g[self.inner]


def pad_widths(pad_width, shape):
    """`pad_width` (an int, a pair, or one pair per axis) as an (ndim, 2) int array."""
    widths = np.asarray(pad_width)
    if widths.dtype.kind not in "iu":
        if widths.dtype.kind == "f" and widths.size and np.all(widths == np.round(widths)):
            widths = widths.astype(np.int64)
        else:
            raise TypeError(f"pad: pad_width must be integers, got {pad_width!r}")
    if widths.ndim > 2 or (widths.ndim == 2 and widths.shape[1] not in (1, 2)):
        raise ValueError(f"pad: pad_width {pad_width!r} does not fit an input of shape {shape}")
    try:
        widths = np.broadcast_to(widths, (len(shape), 2)) if widths.ndim < 2 or widths.shape[0] == 1 \
            else np.broadcast_to(widths, (len(shape), 2)) if widths.shape[0] == len(shape) else None
    except ValueError:
        widths = None
    if widths is None:
        raise ValueError(
            f"pad: pad_width {pad_width!r} has {np.shape(pad_width)[0]} rows for an input with "
            f"{len(shape)} dimensions (shape {shape})")
    if (widths < 0).any():
        raise ValueError(f"pad: negative pad_width {pad_width!r} for shape {shape}")
    return widths.astype(np.int64)


@register("getitem")
class GetItem(Function):
    """a[index]: ints, slices, None, Ellipsis, boolean masks, integer arrays."""

    def forward(self, a, index):
        self.shape = a.shape
        self.index = index
        try:
            return a[index]
        except IndexError as e:
            raise IndexError(f"getitem: {e} (tensor of shape {a.shape})") from None

    def vjp(self, g):
        if isinstance(g, np.ndarray):  # plain backward: summed lazily, one buffer per tensor
            return ScatterGrad.at(self.shape, self.index, g)
        return call("index_add", g, shape=self.shape, index=self.index)


@register("index_add")
class IndexAdd(Function):
    """zeros(shape) with `src` added at `index` (repeats accumulate): getitem's adjoint."""

    def forward(self, src, shape, index):
        self.index = index
        out = np.zeros(shape, dtype=src.dtype)
        if _is_basic(index):
            out[index] = src  # basic indexing never repeats an element
        else:
            np.add.at(out, index, src)
        return out

    def vjp(self, g):
        return g[self.index]


def _is_basic(index):
    """Whether `index` uses only ints, slices, None and Ellipsis (no repeats possible)."""
    parts = index if isinstance(index, tuple) else (index,)
    return all(isinstance(p, (int, np.integer, slice, type(None), type(Ellipsis))) for p in parts)



# ------------------------------------------------------------------ public functions
# NumPy's names and signatures; built on the rules above and on getitem/where, so every
# one is differentiable (twice, too) without a rule of its own.

def _wrap(x):
    return x if isinstance(x, Tensor) else Tensor(x)


def _shape_tuple(shape):
    return (int(shape),) if isinstance(shape, (int, np.integer)) else tuple(int(n) for n in shape)


def _resolve(op, axis, dim):
    if dim is None:
        return axis
    if axis is not None and axis != 0:
        raise TypeError(f"{op}: got both axis={axis} and dim={dim}; pass one of them")
    return dim


def _one_axis(op, axis, ndim):
    (axis,) = normalize_axes(int(axis), ndim, op)
    return axis


def reshape(a, shape=None, order="C", *, newshape=None, copy=None):
    """`a` with a new shape, as `np.reshape`; order 'C', 'F' or 'A'."""
    if newshape is not None:
        if shape is not None:
            raise TypeError("reshape: got both shape= and newshape=")
        shape = newshape
    if shape is None:
        raise TypeError("reshape: missing the shape argument")
    if copy is False:
        raise TypeError("reshape: copy=False is not supported (npgrad ops return new tensors)")
    a = _wrap(a)
    shape = _shape_tuple(shape)
    if order == "A":
        order = "F" if a.data.flags.f_contiguous and not a.data.flags.c_contiguous else "C"
    if order == "C":
        return apply(Reshape, a, shape=shape)
    if order != "F":
        raise ValueError(f"reshape: order must be 'C', 'F' or 'A', got {order!r}")
    # Fortran order: reverse the axes, reshape in C order to the reversed shape, reverse back
    return transpose(apply(Reshape, transpose(a), shape=shape[::-1]))


def ravel(a, order="C"):
    """The flattened input, as `np.ravel` (order 'C', 'F' or 'A'; 'K' as 'C')."""
    return reshape(a, (-1,), order="C" if order == "K" else order)


def transpose(a, axes=None):
    """`a` with its axes permuted (reversed by default), as `np.transpose`."""
    return apply(Transpose, a, axes=None if axes is None else tuple(int(x) for x in axes))


def broadcast_to(array, shape, subok=False):
    """`array` broadcast to `shape`, as `np.broadcast_to`."""
    return apply(BroadcastTo, array, shape=_shape_tuple(shape))


def broadcast_arrays(*args, subok=False):
    """The inputs broadcast against each other, as `np.broadcast_arrays` (a tuple)."""
    args = [_wrap(x) for x in args]
    try:
        shape = np.broadcast_shapes(*(x.shape for x in args))
    except ValueError:
        raise ValueError("broadcast_arrays: shapes " + " and ".join(str(x.shape) for x in args)
                         + " cannot be broadcast together") from None
    return tuple(x if x.shape == shape else broadcast_to(x, shape) for x in args)


def _cast_all(op, arrays, dtype, casting):
    arrays = [_wrap(x) for x in arrays]
    if casting != "same_kind":
        raise TypeError(f"{op}: casting={casting!r} is not supported (only 'same_kind')")
    if dtype is not None:
        arrays = [x if x.dtype == np.dtype(dtype) else x.astype(dtype) for x in arrays]
    return arrays


def concatenate(arrays, axis=0, out=None, *, dtype=None, casting="same_kind", dim=None):
    """Join a sequence of tensors along an existing axis, as `np.concatenate`."""
    if out is not None:
        raise TypeError("concatenate: out= is not supported (npgrad ops return a new tensor)")
    axis = _resolve("concatenate", axis, dim)
    arrays = _cast_all("concatenate", arrays, dtype, casting)
    if axis is None:
        arrays, axis = [reshape(x, (-1,)) for x in arrays], 0
    return apply(Concatenate, *arrays, axis=axis)


def stack(arrays, axis=0, out=None, *, dtype=None, casting="same_kind", dim=None):
    """Join same-shaped tensors along a new axis, as `np.stack`."""
    if out is not None:
        raise TypeError("stack: out= is not supported (npgrad ops return a new tensor)")
    axis = _resolve("stack", axis, dim)
    return apply(Stack, *_cast_all("stack", arrays, dtype, casting), axis=axis)


def atleast_1d(*arys):
    """Each input with at least one dimension, as `np.atleast_1d`."""
    out = tuple(reshape(x, (1,)) if np.ndim(_wrap(x).data) == 0 else _wrap(x) for x in arys)
    return out[0] if len(out) == 1 else out


def atleast_2d(*arys):
    """Each input with at least two dimensions (a row for 1-D), as `np.atleast_2d`."""
    def lift(x):
        x = _wrap(x)
        return x if x.ndim >= 2 else reshape(x, (1, -1) if x.ndim == 1 else (1, 1))

    out = tuple(lift(x) for x in arys)
    return out[0] if len(out) == 1 else out


def atleast_3d(*arys):
    """Each input with at least three dimensions, as `np.atleast_3d` ((N,) -> (1, N, 1))."""
    def lift(x):
        x = _wrap(x)
        if x.ndim >= 3:
            return x
        return reshape(x, {0: (1, 1, 1), 1: (1, -1, 1), 2: x.shape + (1,)}[x.ndim])

    out = tuple(lift(x) for x in arys)
    return out[0] if len(out) == 1 else out


def hstack(tup, *, dtype=None, casting="same_kind"):
    """Join along the second axis (the first for 1-D inputs), as `np.hstack`."""
    arrays = [atleast_1d(x) for x in tup]
    return concatenate(arrays, axis=0 if arrays and arrays[0].ndim == 1 else 1, dtype=dtype,
                       casting=casting)


def vstack(tup, *, dtype=None, casting="same_kind"):
    """Join along the first axis, 1-D inputs as rows, as `np.vstack`."""
    return concatenate([atleast_2d(x) for x in tup], axis=0, dtype=dtype, casting=casting)


row_stack = vstack


def dstack(tup):
    """Join along the third axis, as `np.dstack`."""
    return concatenate([atleast_3d(x) for x in tup], axis=2)


def column_stack(tup):
    """1-D inputs as columns of a 2-D result, as `np.column_stack`."""
    arrays = []
    for x in tup:
        x = _wrap(x)
        arrays.append(reshape(x, (-1, 1)) if x.ndim < 2 else x)
    return concatenate(arrays, axis=1)


def squeeze(a, axis=None):
    """`a` without its length-1 axes (or only those in `axis`), as `np.squeeze`."""
    a = _wrap(a)
    if axis is None:
        axes = tuple(i for i, n in enumerate(a.shape) if n == 1)
    else:
        axes = normalize_axes(axis, a.ndim, "squeeze")
        for i in axes:
            if a.shape[i] != 1:
                raise ValueError(f"squeeze: cannot select axis {i} of shape {a.shape}: its length is not 1")
    return reshape(a, tuple(n for i, n in enumerate(a.shape) if i not in axes))


def expand_dims(a, axis):
    """`a` with new length-1 axes at `axis` (positions in the result), as `np.expand_dims`."""
    a = _wrap(a)
    count = 1 if isinstance(axis, (int, np.integer)) else len(axis)
    axes = normalize_axes(axis, a.ndim + count, "expand_dims")
    sizes = iter(a.shape)
    return reshape(a, tuple(1 if i in axes else next(sizes) for i in range(a.ndim + count)))


def moveaxis(a, source, destination):
    """`a` with axes moved from `source` to `destination`, as `np.moveaxis`."""
    a = _wrap(a)
    source = (source,) if isinstance(source, (int, np.integer)) else tuple(source)
    destination = (destination,) if isinstance(destination, (int, np.integer)) else tuple(destination)
    if len(source) != len(destination):
        raise ValueError("moveaxis: source and destination need the same number of axes")
    source = [_one_axis("moveaxis", s, a.ndim) for s in source]
    destination = [_one_axis("moveaxis", d, a.ndim) for d in destination]
    if len(set(source)) != len(source) or len(set(destination)) != len(destination):
        raise ValueError("moveaxis: repeated axis")
    order = [i for i in range(a.ndim) if i not in source]
    for d, s in sorted(zip(destination, source)):
        order.insert(d, s)
    return transpose(a, order)


def swapaxes(a, axis1, axis2):
    """`a` with two axes interchanged, as `np.swapaxes`."""
    a = _wrap(a)
    order = list(range(a.ndim))
    i, j = _one_axis("swapaxes", axis1, a.ndim), _one_axis("swapaxes", axis2, a.ndim)
    order[i], order[j] = order[j], order[i]
    return transpose(a, order)


def rollaxis(a, axis, start=0):
    """`a` with `axis` rolled back to position `start`, as `np.rollaxis`."""
    a = _wrap(a)
    axis = _one_axis("rollaxis", axis, a.ndim)
    if not -a.ndim <= start <= a.ndim:
        raise ValueError(f"rollaxis: start {start} is out of range for {a.ndim} dimensions")
    start = start % (a.ndim + 1) if start < 0 else start
    if axis < start:
        start -= 1
    order = [i for i in range(a.ndim) if i != axis]
    order.insert(start, axis)
    return transpose(a, order)


def flip(m, axis=None):
    """`m` with the order of elements reversed along `axis` (all axes when None), as `np.flip`."""
    m = _wrap(m)
    axes = normalize_axes(axis, m.ndim, "flip")
    return m[tuple(slice(None, None, -1) if i in axes else slice(None) for i in range(m.ndim))]


def fliplr(m):
    """Reverse the columns (axis 1), as `np.fliplr`."""
    m = _wrap(m)
    if m.ndim < 2:
        raise ValueError(f"fliplr: needs at least two dimensions, got shape {m.shape}")
    return flip(m, 1)


def flipud(m):
    """Reverse the rows (axis 0), as `np.flipud`."""
    m = _wrap(m)
    if m.ndim < 1:
        raise ValueError("flipud: needs at least one dimension")
    return flip(m, 0)


def rot90(m, k=1, axes=(0, 1)):
    """Rotate by 90 degrees `k` times in the plane of `axes`, as `np.rot90`."""
    m = _wrap(m)
    if len(axes) != 2:
        raise ValueError("rot90: axes must name two axes")
    first, second = (_one_axis("rot90", x, m.ndim) for x in axes)
    if first == second:
        raise ValueError("rot90: the two axes must differ")
    k %= 4
    if k == 0:
        return m
    if k == 2:
        return flip(flip(m, first), second)
    order = list(range(m.ndim))
    order[first], order[second] = order[second], order[first]
    return transpose(flip(m, second), order) if k == 1 else flip(transpose(m, order), second)


def roll(a, shift, axis=None):
    """Elements shifted cyclically along `axis` (the flattened input when None), as `np.roll`."""
    a = _wrap(a)
    if axis is None:
        return reshape(roll(reshape(a, (-1,)), shift, 0), a.shape)
    shifts, axes = np.broadcast_arrays(np.asarray(shift), np.asarray(axis))
    total = {}
    for s, ax in zip(shifts.reshape(-1), axes.reshape(-1)):
        ax = _one_axis("roll", ax, a.ndim)
        total[ax] = total.get(ax, 0) + int(s)
    for ax, s in total.items():
        n = a.shape[ax]
        s = s % n if n else 0
        if s:
            lead = (slice(None),) * ax
            a = concatenate([a[lead + (slice(n - s, None),)], a[lead + (slice(None, n - s),)]], axis=ax)
    return a


def tile(A, reps):
    """`A` repeated `reps` times along each axis, as `np.tile`."""
    A = _wrap(A)
    reps = _shape_tuple(reps)
    ndim = builtin_max(A.ndim, len(reps))
    shape = (1,) * (ndim - A.ndim) + A.shape
    reps = (1,) * (ndim - len(reps)) + reps
    if builtin_min(reps, default=1) < 0:
        raise ValueError(f"tile: negative repetitions {reps}")
    # (1, n1, 1, n2, ...) broadcast to (r1, n1, r2, n2, ...), then merged pairwise
    interleaved = reshape(A, tuple(x for n in shape for x in (1, n)))
    spread = broadcast_to(interleaved, tuple(x for r, n in zip(reps, shape) for x in (r, n)))
    return reshape(spread, tuple(r * n for r, n in zip(reps, shape)))


def repeat(a, repeats, axis=None):
    """Each element repeated `repeats` times along `axis`, as `np.repeat` (not torch's repeat)."""
    a = _wrap(a)
    if axis is None:
        a, axis = reshape(a, (-1,)), 0
    axis = _one_axis("repeat", axis, a.ndim)
    repeats = np.asarray(repeats.data if isinstance(repeats, Tensor) else repeats)
    if repeats.dtype.kind not in "iu":
        raise TypeError(f"repeat: repeats must be integers, got {repeats!r}")
    if (repeats < 0).any():
        raise ValueError("repeat: negative repeats")
    n = a.shape[axis]
    if repeats.size == 1:
        r = int(repeats.reshape(-1)[0])
        expanded = reshape(a, a.shape[:axis + 1] + (1,) + a.shape[axis + 1:])
        spread = broadcast_to(expanded, a.shape[:axis + 1] + (r,) + a.shape[axis + 1:])
        return reshape(spread, a.shape[:axis] + (n * r,) + a.shape[axis + 1:])
    if repeats.shape != (n,):
        raise ValueError(f"repeat: {repeats.size} repeats for axis {axis} of length {n}")
    return a[(slice(None),) * axis + (np.repeat(np.arange(n), repeats),)]


def _split_bounds(op, n, indices_or_sections, equal):
    if isinstance(indices_or_sections, (int, np.integer)):
        sections = int(indices_or_sections)
        if sections <= 0:
            raise ValueError(f"{op}: number of sections must be larger than 0")
        if equal and n % sections:
            raise ValueError(f"{op}: array split does not result in an equal division "
                             f"({n} into {sections})")
        size, extra = divmod(n, sections)
        sizes = [size + 1] * extra + [size] * (sections - extra)
        return list(np.cumsum([0] + sizes))
    return [0] + [int(i) for i in indices_or_sections] + [n]


def array_split(ary, indices_or_sections, axis=0):
    """Split into pieces along `axis` (unequal sections allowed), as `np.array_split`."""
    ary = _wrap(ary)
    axis = _one_axis("array_split", axis, ary.ndim)
    bounds = _split_bounds("array_split", ary.shape[axis], indices_or_sections, equal=False)
    lead = (slice(None),) * axis
    return [ary[lead + (slice(lo, hi),)] for lo, hi in zip(bounds[:-1], bounds[1:])]


def split(ary, indices_or_sections, axis=0):
    """Split into equal sections (or at indices) along `axis`, as `np.split`."""
    ary = _wrap(ary)
    axis = _one_axis("split", axis, ary.ndim)
    bounds = _split_bounds("split", ary.shape[axis], indices_or_sections, equal=True)
    lead = (slice(None),) * axis
    return [ary[lead + (slice(lo, hi),)] for lo, hi in zip(bounds[:-1], bounds[1:])]


def hsplit(ary, indices_or_sections):
    """Split along the second axis (the first for 1-D), as `np.hsplit`."""
    ary = _wrap(ary)
    if ary.ndim == 0:
        raise ValueError("hsplit: needs at least one dimension")
    return split(ary, indices_or_sections, 1 if ary.ndim > 1 else 0)


def vsplit(ary, indices_or_sections):
    """Split along the first axis of a 2-D or higher input, as `np.vsplit`."""
    ary = _wrap(ary)
    if ary.ndim < 2:
        raise ValueError("vsplit: needs at least two dimensions")
    return split(ary, indices_or_sections, 0)


def dsplit(ary, indices_or_sections):
    """Split along the third axis of a 3-D or higher input, as `np.dsplit`."""
    ary = _wrap(ary)
    if ary.ndim < 3:
        raise ValueError("dsplit: needs at least three dimensions")
    return split(ary, indices_or_sections, 2)


def diagonal(a, offset=0, axis1=0, axis2=1):
    """The `offset` diagonal of the (axis1, axis2) planes, as the last axis (`np.diagonal`)."""
    a = _wrap(a)
    if a.ndim < 2:
        raise ValueError(f"diagonal: needs at least two dimensions, got shape {a.shape}")
    first, second = _one_axis("diagonal", axis1, a.ndim), _one_axis("diagonal", axis2, a.ndim)
    if first == second:
        raise ValueError("diagonal: axis1 and axis2 cannot be the same")
    planes = moveaxis(a, (first, second), (-2, -1))
    rows, cols = planes.shape[-2:]
    count = builtin_max(0, builtin_min(rows + builtin_min(offset, 0), cols - builtin_max(offset, 0)))
    start = np.arange(count)
    return planes[..., start + builtin_max(-offset, 0), start + builtin_max(offset, 0)]


def diag(v, k=0):
    """The k-th diagonal of a 2-D input, or a 2-D matrix with a 1-D input on it, as `np.diag`."""
    v = _wrap(v)
    if v.ndim == 2:
        return diagonal(v, k)
    if v.ndim != 1:
        raise ValueError(f"diag: input must be 1-D or 2-D, got shape {v.shape}")
    n = v.shape[0] + abs(k)
    start = np.arange(v.shape[0])
    index = (start + builtin_max(-k, 0), start + builtin_max(k, 0))
    return apply(IndexAdd, v, shape=(n, n), index=index)


def trace(a, offset=0, axis1=0, axis2=1, dtype=None, out=None):
    """Sum along a diagonal, as `np.trace`."""
    from ops.reduce import sum as total

    return total(diagonal(a, offset, axis1, axis2), axis=-1, dtype=dtype, out=out)


def _triangle(op, m, k, lower):
    m = _wrap(m)
    if m.ndim == 0:
        raise ValueError(f"{op}: needs at least one dimension")
    rows, cols = m.shape[-2:] if m.ndim >= 2 else (m.shape[-1], m.shape[-1])
    keep = np.tri(rows, cols, k if lower else k - 1, dtype=bool)
    return apply(registry["where"], keep if lower else ~keep, m, np.zeros((), dtype=m.dtype))


def tril(m, k=0):
    """The lower triangle (on and below diagonal k) of the last two axes, as `np.tril`."""
    return _triangle("tril", m, k, lower=True)


def triu(m, k=0):
    """The upper triangle (on and above diagonal k) of the last two axes, as `np.triu`."""
    return _triangle("triu", m, k, lower=False)


_PAD_MODES = {"constant": "constant", "edge": "edge", "replicate": "edge", "reflect": "reflect",
              "symmetric": "symmetric", "wrap": "wrap", "circular": "wrap"}


def pad(array, pad_width, mode="constant", **kwargs):
    """Pad as `np.pad`: modes constant, edge, reflect, symmetric, wrap (and torch's names
    'replicate' and 'circular' for edge and wrap)."""
    array = _wrap(array)
    if callable(mode) or mode not in _PAD_MODES:
        raise ValueError(f"pad: mode {mode!r} is not supported; use one of {sorted(_PAD_MODES)}")
    mode = _PAD_MODES[mode]
    allowed = {"constant": {"constant_values"}, "reflect": {"reflect_type"},
               "symmetric": {"reflect_type"}}.get(mode, set())
    for key in kwargs:
        if key not in allowed:
            raise TypeError(f"pad: unexpected keyword {key!r} for mode {mode!r}")
    if kwargs.get("reflect_type", "even") != "even":
        raise TypeError("pad: reflect_type='odd' is not supported")
    widths = pad_widths(pad_width, array.shape)
    if array.ndim == 0:  # nothing to pad, as NumPy
        return reshape(array, ())
    if mode == "constant":
        values = kwargs.get("constant_values", 0)
        if isinstance(values, Tensor):
            if values.requires_grad:
                raise TypeError("pad: constant_values that require grad are not supported")
            values = values.data
        return apply(Pad, array, pad_width=widths, constant_values=values)
    # every other mode gathers existing elements: one take per padded axis
    for axis, (lo, hi) in enumerate(widths):
        if lo == 0 and hi == 0:
            continue
        n = array.shape[axis]
        if n == 0:
            raise ValueError(f"pad: cannot pad the empty axis {axis} of shape {array.shape} in mode {mode!r}")
        source = np.pad(np.arange(n), (int(lo), int(hi)), mode=mode)
        array = array[(slice(None),) * axis + (source,)]
    return array


def linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0, *, device=None):
    """`num` evenly spaced samples from `start` to `stop`, as `np.linspace`; differentiable
    in `start` and `stop` (arrays of them too)."""
    if device not in (None, "cpu"):
        raise TypeError(f"linspace: device={device!r} is not supported (only 'cpu')")
    if num < 0:
        raise ValueError(f"linspace: number of samples, {num}, must be non-negative")
    start, stop = _wrap(start), _wrap(stop)
    if dtype is not None and np.dtype(dtype).kind not in "fc":  # integers: NumPy's floor, no gradient
        values = np.linspace(start.data, stop.data, num, endpoint, retstep, dtype, axis)
        return (Tensor(values[0]), values[1]) if retstep else Tensor(values)
    if start.dtype.kind not in "fc":
        start = start.astype(np.float64)
    if stop.dtype.kind not in "fc":
        stop = stop.astype(np.float64)
    div = (num - 1) if endpoint else num
    shape = np.broadcast_shapes(start.shape, stop.shape)
    fraction = np.arange(num, dtype=np.result_type(start.dtype, stop.dtype))
    if div > 0:
        fraction = fraction / div
    fraction = fraction.reshape((num,) + (1,) * len(shape))
    samples = start + (stop - start) * fraction
    if endpoint and num > 1:  # the last sample is exactly stop, as NumPy
        last = np.zeros((num,) + (1,) * len(shape), dtype=bool)
        last[-1] = True
        samples = apply(registry["where"], last, stop, samples)
    if dtype is not None:
        samples = samples.astype(dtype)
    if axis != 0:
        samples = moveaxis(samples, 0, axis)
    if retstep:
        step = (stop - start) / div if div > 0 else Tensor(np.array(np.nan))
        return samples, step
    return samples

# --------------------------------------------- rearrangements computed by NumPy itself
# A function that only moves elements (delete, insert, compress, resize, block, ...) is
# run by NumPy on integer tags (each input element's position in one flat vector); the
# result gathers those positions, so its gradient scatters back through getitem.

def _rearranged(inputs, build):
    """build(tags...) on integer tags, then the matching elements of the inputs."""
    inputs = [_wrap(x) for x in inputs]
    tags, start = [], 0
    for x in inputs:
        tags.append(np.arange(start, start + x.size, dtype=np.intp).reshape(x.shape))
        start += x.size
    index = np.asarray(build(*tags))
    flat = reshape(inputs[0], (-1,)) if len(inputs) == 1 else \
        concatenate([reshape(x, (-1,)) for x in inputs])
    return flat[index]


def copy(a, order="K", subok=False):
    """A copy of `a` that stays in the graph, as `np.copy`."""
    a = _wrap(a)
    out = apply(Reshape, a, shape=a.shape)
    out.data = np.copy(out.data, order=order)
    return out


def delete(arr, obj, axis=None):
    """`arr` without the entries `obj` along `axis` (of the flattened arr when None), as `np.delete`."""
    obj = obj.data if isinstance(obj, Tensor) else obj
    return _rearranged([arr], lambda t: np.delete(t, obj, axis))


def insert(arr, obj, values, axis=None):
    """`values` inserted before the indices `obj` along `axis`, as `np.insert`; both differentiable."""
    obj = obj.data if isinstance(obj, Tensor) else obj
    return _rearranged([arr, values], lambda t, v: np.insert(t, obj, v, axis))


def compress(condition, a, axis=None, out=None):
    """The slices of `a` where `condition` is True along `axis`, as `np.compress`."""
    if out is not None:
        raise TypeError("compress: out= is not supported (npgrad ops return a new tensor)")
    condition = condition.data if isinstance(condition, Tensor) else condition
    return _rearranged([a], lambda t: np.compress(condition, t, axis))


def extract(condition, arr):
    """The elements of `arr` where `condition` is non-zero (flattened), as `np.extract`."""
    condition = condition.data if isinstance(condition, Tensor) else condition
    return _rearranged([arr], lambda t: np.extract(condition, t))


def resize(a, new_shape):
    """`a` repeated or cut to `new_shape`, as `np.resize`."""
    return _rearranged([a], lambda t: np.resize(t, new_shape))


def block(arrays):
    """Assemble a tensor from nested lists of blocks, as `np.block`."""
    leaves = []

    def tag_tree(x):
        if isinstance(x, list):
            return [tag_tree(e) for e in x]
        leaves.append(x)
        return len(leaves) - 1

    tree = tag_tree(arrays)

    def build(*tags):
        def rebuild(x):
            return [rebuild(e) for e in x] if isinstance(x, list) else tags[x]
        return np.block(rebuild(tree))

    return _rearranged(leaves, build)


def meshgrid(*xi, copy=True, sparse=False, indexing="xy"):
    """Coordinate tensors from 1-D coordinate vectors, as `np.meshgrid` (a tuple)."""
    if indexing not in ("xy", "ij"):
        raise ValueError(f"meshgrid: indexing must be 'xy' or 'ij', got {indexing!r}")
    xi = [ravel(x) for x in xi]
    ndim = len(xi)
    shapes = []
    for i, x in enumerate(xi):
        shape = [1] * ndim
        shape[i] = x.shape[0]
        shapes.append(shape)
    if indexing == "xy" and ndim > 1:
        for shape in shapes:
            shape[0], shape[1] = shape[1], shape[0]
    grids = [reshape(x, tuple(shape)) for x, shape in zip(xi, shapes)]
    if not sparse:
        full = tuple(builtin_max(sizes) for sizes in zip(*shapes)) if shapes else ()
        grids = [broadcast_to(g, full) for g in grids]
    if copy:
        for g in grids:
            g.data = np.array(g.data)
    return tuple(grids)


def unstack(x, /, *, axis=0):
    """The slices of `x` along `axis`, that axis removed (a tuple), as `np.unstack`."""
    x = _wrap(x)
    axis = _one_axis("unstack", axis, x.ndim)
    lead = (slice(None),) * axis
    return tuple(x[lead + (i,)] for i in range(x.shape[axis]))

__all__ = [
    "reshape", "ravel", "transpose", "broadcast_to", "broadcast_arrays", "concatenate", "stack",
    "atleast_1d", "atleast_2d", "atleast_3d", "hstack", "vstack", "row_stack", "dstack",
    "column_stack", "squeeze", "expand_dims", "moveaxis", "swapaxes", "rollaxis", "flip",
    "fliplr", "flipud", "rot90", "roll", "tile", "repeat", "split", "array_split", "hsplit",
    "vsplit", "dsplit", "diagonal", "diag", "trace", "tril", "triu", "pad", "linspace", "copy",
    "delete", "insert", "compress", "extract", "resize", "block", "meshgrid", "unstack",
]
