"""Shape ops: reshape transpose broadcast_to concatenate stack pad, and indexing."""
import numpy as np

from autograd.function import Function, call, register
from autograd.tensor import apply


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
        try:
            out = np.concatenate(arrays, axis=axis)
        except (ValueError, np.exceptions.AxisError) as e:
            shapes = ", ".join(str(np.shape(a)) for a in arrays)
            raise ValueError(f"concatenate: cannot join shapes {shapes} along axis {axis}: {e}") from None
        self.axis = axis % out.ndim
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
        out = np.stack(arrays, axis=axis)
        self.axis = axis % out.ndim
        self.count = len(arrays)
        return out

    def vjp(self, g):
        lead = (slice(None),) * self.axis
        return tuple(g[lead + (i,)] for i in range(self.count))


@register("pad")
class Pad(Function):
    """a padded with a constant, `pad_width` as in `np.pad`."""

    def forward(self, a, pad_width, constant_values=0):
        widths = np.broadcast_to(np.asarray(pad_width, dtype=np.int64), (a.ndim, 2))
        if (widths < 0).any():
            raise ValueError(f"pad: negative pad_width {pad_width} for shape {a.shape}")
        self.inner = tuple(slice(lo, lo + n) for (lo, _), n in zip(widths, a.shape))
        return np.pad(a, widths, constant_values=constant_values)

    def vjp(self, g):
        return g[self.inner]


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


def reshape(x, shape):
    """x with a new shape."""
    return apply(Reshape, x, shape=tuple(shape) if not isinstance(shape, int) else (shape,))


def transpose(x, axes=None):
    """x with its axes permuted (reversed by default)."""
    return apply(Transpose, x, axes=None if axes is None else tuple(axes))


def broadcast_to(x, shape):
    """x broadcast to `shape`."""
    return apply(BroadcastTo, x, shape=tuple(shape) if not isinstance(shape, int) else (shape,))


def concatenate(seq, axis=0):
    """Join a sequence of tensors along an existing axis."""
    return apply(Concatenate, *seq, axis=axis)


def stack(seq, axis=0):
    """Join a sequence of same-shaped tensors along a new axis."""
    return apply(Stack, *seq, axis=axis)


def pad(x, pad_width, constant_values=0):
    """Constant padding, `pad_width` as in `np.pad`."""
    return apply(Pad, x, pad_width=pad_width, constant_values=constant_values)
