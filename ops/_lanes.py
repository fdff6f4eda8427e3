"""Independent pieces of a memory-bound kernel run in two threads on a quiet machine.

batch_norm's channels and relu's blocks are independent: each piece reads its input,
writes its own part of the output and its own statistics, so they can be dealt to lanes
(round-robin) that run in parallel threads. NumPy releases the GIL in its loops and BLAS
dots, so two lanes use two cores. The lane count follows the BLAS policy (ops/_blas.py,
which keeps the BLAS itself at one thread, and also drives conv2d's `run_chunks` and the
GEMM halves of `_blas.matmul`): two lanes for a large job on a quiet machine, else one
in the calling thread. Every piece computes the same floats in either case, so results
do not depend on the load.

Measured (float32, 2 cores shared with other sessions, (64, 64, 32, 32) channel-major
batch norm forward loop, 40 s alternating, medians): while the other core was idle
(by the policy's check) 6.1 ms with two lanes against 8.8 ms serial (0.69x); while it
was busy 9.3 against 9.4 ms (the policy then runs one lane).
"""
import os
import threading

from ops._blas import lanes
from ops._util import ForkSafeLock

LANES = 2
_executor = []
_lock = ForkSafeLock()


def count(size):
    """Lanes to use now for a kernel over `size` elements: LANES or 1."""
    threads = lanes(size)
    return 1 if threads is None or threads < 2 else LANES


def pool():
    """The pool that runs every lane but the first (LANES - 1 threads), made on first use
    and again in a forked child (the parent's pool threads do not exist there: work
    submitted to them would wait forever)."""
    with _lock:
        if not _executor or _executor[0][0] != os.getpid():
            from concurrent.futures import ThreadPoolExecutor

            _executor[:] = [(os.getpid(), ThreadPoolExecutor(LANES - 1, thread_name_prefix="npgrad-lanes"))]
        return _executor[0][1]


def in_pool():
    """Whether this thread is the pool's (work running there must not wait on the pool)."""
    return threading.current_thread().name.startswith("npgrad-lanes")


def run(work, pieces, lanes):
    """[work(pieces[0::lanes]), work(pieces[1::lanes]), ...]: the first lane in the
    calling thread, the others in pool threads (one after the other when lanes is 1)."""
    pieces = list(pieces)
    lanes = max(1, min(lanes, len(pieces)))
    if lanes == 1 or in_pool():
        return [work(pieces)]
    executor = pool()
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
