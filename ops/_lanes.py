"""Independent pieces of a memory-bound kernel run in two threads on a quiet machine.

batch_norm's channels and relu's blocks are independent: each piece reads its input,
writes its own part of the output and its own statistics, so they can be dealt to lanes
(round-robin) that run in parallel threads. NumPy releases the GIL in its loops and BLAS
dots, so two lanes use two cores. The thread count follows the BLAS policy
(ops/_blas.py, as conv2d's `run_chunks`): two lanes when a GEMM of the same size would get
two threads (a quiet machine, a large job), else one lane in the calling thread. Every
piece computes the same floats in either case, so results do not depend on the load.

Measured (float32, 2 cores shared with other sessions, (64, 64, 32, 32) channel-major
batch norm forward loop, 40 s alternating, medians): while the other core was idle
(by the policy's check) 6.1 ms with two lanes against 8.8 ms serial (0.69x); while it
was busy 9.3 against 9.4 ms (the policy then runs one lane).
"""
import os
import threading
import time

from ops import _blas
from ops._blas import gemm_threads

LANES = 2


def _spin_seconds():
    """How long OpenBLAS's idle workers spin after a threaded call: 2^THREAD_TIMEOUT cycles
    (28 by default, 4 to 30 via OPENBLAS_THREAD_TIMEOUT, read when the library loads);
    measured 125 ms at the default on this 2-core machine."""
    value = os.environ.get("OPENBLAS_THREAD_TIMEOUT") or os.environ.get("GOTO_THREAD_TIMEOUT")
    try:
        exponent = min(max(int(value), 4), 30) if value else 28
    except ValueError:
        exponent = 28
    return 0.125 * 2.0 ** (exponent - 28)


SPIN = _spin_seconds()  # s: OpenBLAS's idle worker threads spin this long after a threaded call
_executor = []
_lock = threading.Lock()


def _new_lock():  # a fork while another thread held the lock would leave the child's locked
    global _lock
    _lock = threading.Lock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_new_lock)

_spinning_until = [0.0]


def count(size):
    """Lanes to use now for a kernel over `size` elements (LANES or 1). Leaves the BLAS
    at one thread: the lanes' dot products work on cached data.

    After a multi-threaded BLAS call, OpenBLAS's worker thread spins for ~125 ms (its
    THREAD_TIMEOUT, 2^28 cycles; measured: a full core of CPU time while the caller
    sleeps, even once the thread count is set back to 1), so a second lane would share
    its core: one lane then (a batch norm VJP measured 11.3 ms with two lanes, 10.7 with
    one, 8.4 with two once the spinning stopped). Seen when the BLAS policy's current
    count is above 1 (the last GEMM ran threaded)."""
    now = time.monotonic()
    if (getattr(_blas, "_state", {}).get("current") or 1) >= 2:
        _spinning_until[0] = now + SPIN
    threads = gemm_threads(size)
    gemm_threads(0)
    if threads is None or threads < 2 or now < _spinning_until[0]:
        return 1
    return LANES


def run(work, pieces, lanes):
    """[work(pieces[0::lanes]), work(pieces[1::lanes]), ...]: the first lane in the
    calling thread, the others in pool threads (one after the other when lanes is 1)."""
    pieces = list(pieces)
    lanes = max(1, min(lanes, len(pieces)))
    if lanes == 1:
        return [work(pieces)]
    with _lock:
        if not _executor or _executor[0][0] != os.getpid():  # none yet, or made before a fork
            from concurrent.futures import ThreadPoolExecutor

            _executor[:] = [(os.getpid(), ThreadPoolExecutor(LANES - 1, thread_name_prefix="npgrad-lanes"))]
        executor = _executor[0][1]
    futures = [executor.submit(work, pieces[i::lanes]) for i in range(1, lanes)]
    first = work(pieces[0::lanes])
    return [first] + [f.result() for f in futures]


def pieces(arrays, block):
    """Matching pieces (tuples of views, one per array) of same-shape arrays, each about
    `block` elements: runs of memory when every array is dense in the same memory order,
    else slices along the outermost memory axis of the last array (any strides)."""
    from ops._reuse import memory_flat, memory_order

    order = memory_order(arrays[-1])
    flats = [memory_flat(a) for a in arrays]
    if all(f is not None for f in flats) and all(memory_order(a) == order for a in arrays):
        return [tuple(f[start:start + block] for f in flats) for start in range(0, flats[0].size, block)]
    if not order:
        return [tuple(arrays)]
    axis = order[0]
    extent = arrays[-1].shape[axis]
    step = max(1, block // max(1, arrays[-1].size // max(extent, 1)))
    index = [slice(None)] * arrays[-1].ndim
    result = []
    for start in range(0, extent, step):
        index[axis] = slice(start, start + step)
        result.append(tuple(a[tuple(index)] for a in arrays))
    return result
