"""Large output arrays reused between training steps instead of freshly allocated.

The first write to a fresh multi-MiB array page-faults: the kernel maps and zeroes every
page (2 MiB at a time for NumPy's huge-page allocations). A training loop makes the same
large arrays every step, so that cost comes back every step: measured 450-520 faults and
+2.5-4 ms for one fresh 16 MiB relu output, as much as the computation itself, on
(64, 64, 32, 32) float32 activations.

`empty_like(a)` returns an array shaped and laid out like `a` (its memory order, dense)
taken from an earlier call once nothing else references it, else a fresh one that is kept
for later. "Nothing references it" is checked with sys.getrefcount: a live output, a view
of it (views hold their base), a buffer export (memoryview, torch.from_numpy) or a saved
value all hold a reference, so an array in use is never handed out twice. Arrays below
MIN_BYTES are left to malloc (small blocks are reused without faults there); at most
MAX_ARRAYS are kept, least recently used dropped first, so the memory held between steps
is bounded by the few largest activations of a step. Without reference counts (PyPy,
free-threaded CPython) or with NPGRAD_REUSE=off, every call allocates.

Kept arrays are never freed, and glibc's malloc tunes itself on frees: freeing a large
mapped block raises its mmap threshold to that size (and its trim threshold to twice
that), after which such blocks come from the heap and are recycled without faults.
Arrays kept here no longer teach it that, and the other ops' large arrays went on being
mapped and unmapped: W7's other ops went from ~2,500 to ~9,500 faults a step. So before
the first array is kept, one 32 MiB block (glibc's upper bound for that tuning) is
allocated and freed, untouched: the state any program is in after freeing one such array.
W7 then makes ~1 page fault a step (2,534 before), W3 0 (2,820 before). Peak memory is
not raised: W6's peak RSS growth of 5 W3 steps is 31.6 MiB, 36.6 with NPGRAD_REUSE=off.
"""
import os
import sys
import sysconfig

import numpy as np

from ops._util import ForkSafeLock

MIN_BYTES = 1 << 20  # arrays smaller than 1 MiB are not kept
MAX_ARRAYS = 16  # arrays kept at most (all shapes together)

_ENABLED = (hasattr(sys, "getrefcount") and not sysconfig.get_config_var("Py_GIL_DISABLED")
            and os.environ.get("NPGRAD_REUSE", "on") != "off")
_kept = []  # arrays, most recently handed out last
_PRIME_BYTES = (32 << 20) - (1 << 16)  # just under glibc's DEFAULT_MMAP_THRESHOLD_MAX
_primed = []
_lock = ForkSafeLock()


def memory_order(a):
    """a's axes from the largest stride to the smallest (ties keep axis order)."""
    return sorted(range(a.ndim), key=lambda i: -abs(a.strides[i]))


def memory_flat(a):
    """A 1-D view of a's elements in memory order when a is dense in some axis order
    (C-, F- or channel-major contiguous), else None (a padded or strided view)."""
    a = np.asarray(a)  # a plain ndarray view (np.matrix would stay 2-D)
    order = memory_order(a)
    t = a.transpose(order)
    if not t.flags.c_contiguous:
        return None
    return t.reshape(-1)


def _references(arrays, i):
    """sys.getrefcount of arrays[i] as seen from here (compared with _UNUSED)."""
    owner = arrays[i]
    return sys.getrefcount(owner)


# what _references reports for an array only the list holds (measured, not assumed: the
# count of the interpreter's own references differs between Python versions). Any view
# of an array handed out (NumPy points views at the array owning the memory), buffer
# export or saved value adds one.
_UNUSED = _references([np.empty(0)], 0)


def _take(memory_shape, dtype):
    """A kept array of that shape and dtype that nothing uses (moved to the end), else None."""
    for i in reversed(range(len(_kept))):  # the most recently used first: still in cache
        if (_kept[i].shape == memory_shape and _kept[i].dtype == dtype
                and _references(_kept, i) == _UNUSED):
            _kept.append(_kept.pop(i))
            return _kept[-1]
    return None


def _keep(owner):
    """Keep a fresh array, dropping the least recently used unused one when full."""
    if not _primed:
        _primed.append(True)
        np.empty(_PRIME_BYTES, np.uint8)  # mapped and unmapped, never touched: no memory used
    if len(_kept) >= MAX_ARRAYS:
        unused = [i for i in range(len(_kept)) if _references(_kept, i) == _UNUSED]
        if not unused:
            return
        del _kept[unused[0]]
    _kept.append(owner)


def empty_like(a, dtype=None):
    """An uninitialised array of a's shape, dense in a's memory order, `dtype` (a's default)."""
    dtype = np.dtype(a.dtype if dtype is None else dtype)
    order = memory_order(a)
    memory_shape = tuple(a.shape[axis] for axis in order)
    back = tuple(int(axis) for axis in np.argsort(order))
    if not _ENABLED or dtype.itemsize * int(np.prod(memory_shape, dtype=np.int64)) < MIN_BYTES:
        return np.empty(memory_shape, dtype).transpose(back)
    with _lock:
        owner = _take(memory_shape, dtype)
        if owner is None:
            owner = np.empty(memory_shape, dtype)
            _keep(owner)
        return owner.transpose(back)


def clear():
    """Forget every kept array (their memory is freed once no longer used)."""
    with _lock:
        _kept.clear()
