"""Small helpers shared by the rules: axis normalisation, reduced-shape bookkeeping, and a
lock that survives fork."""
import os
import threading


class ForkSafeLock:
    """A lock (`with lock:`) made anew in a forked child: a fork while another thread held
    it would leave the child's copy locked for ever."""

    def __init__(self):
        self._lock = threading.Lock()
        if hasattr(os, "register_at_fork"):
            os.register_at_fork(after_in_child=self._renew)

    def _renew(self):
        self._lock = threading.Lock()

    def __enter__(self):
        self._lock.acquire()
        return self

    def __exit__(self, *exc):
        self._lock.release()


def normalize_axes(axis, ndim, op):
    """`axis` (None, int or tuple) as a sorted tuple of non-negative axes."""
    if axis is None:
        return tuple(range(ndim))
    axes = (axis,) if isinstance(axis, int) else tuple(axis)
    out = []
    for a in axes:
        if not -ndim <= a < max(ndim, 1):
            raise ValueError(f"{op}: axis {a} is out of range for an input with {ndim} dimensions")
        out.append(a % max(ndim, 1))
    if len(set(out)) != len(out):
        raise ValueError(f"{op}: repeated axis in {axis}")
    return tuple(sorted(out))


def kept_shape(shape, axes):
    """The shape a reduction over `axes` has with keepdims=True."""
    return tuple(1 if i in axes else n for i, n in enumerate(shape))


def check_float(op, *arrays):
    """Raise TypeError unless every array argument has a float dtype."""
    for a in arrays:
        kind = getattr(a, "dtype", None)
        if kind is not None and kind.kind not in "fc":
            raise TypeError(f"{op}: expected a floating-point input, got dtype {a.dtype}")
