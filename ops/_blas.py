"""BLAS thread policy: who runs the second core, NumPy's BLAS or npgrad's own lanes.

npgrad runs its memory-bound kernels (im2col and col2im, batch norm, relu) in two lanes of
its own (`ops._lanes`, conv2d's `run_chunks`), which ask `lanes(size)` first. OpenBLAS
threads a large GEMM itself, and after a multi-threaded call its idle worker spins for
about 125 ms (its THREAD_TIMEOUT, a full core: measured), taking the core a lane needs: a
W3 step took 56.9 ms with threaded GEMMs in its linear layers against 38.6 ms with
one-thread GEMMs (torch 22.7 ms, same run). So:

- once lanes have run, for RECENT seconds the BLAS stays at one thread and a large GEMM
  (`matmul`, `both`) runs in two halves, in two lanes (one after the other beside a busy
  core: the same floats either way);
- otherwise (a model with no lane work: an MLP, an RNN) `gemm_threads(flops)` gives the
  BLAS its own threads for large GEMMs: its spinning workers take a GEMM faster than a
  pool thread wakes (an MLP step 3.7 ms against 4.3 ms in lanes).

Either way one thread is used for small work (fewer than SMALL_FLOPS multiply-adds: a
hand-off costs more) and while other processes keep at least BUSY_CORES cores busy
(measured from /proc/stat minus this process's own CPU time, refreshed at most every
INTERVAL s): a thread that waits for a descheduled core makes a step slower than one
thread (an MLP step: 40 ms with 1 thread against 90-290 ms with 2 beside a busy
process). The most threads ever used is the count the BLAS had at first use (the user's
OPENBLAS_NUM_THREADS, OMP_NUM_THREADS or `threadpoolctl` limit is the ceiling).

The library is reached through threadpoolctl; without it (or without /proc) the policy
does nothing and the BLAS keeps its own threads. `NPGRAD_BLAS_THREADS=auto|off` (default
auto) switches it; `policy(False)` does too and restores the BLAS's own thread count.
"""
import os
import time
from functools import partial

import numpy as np

SMALL_FLOPS = 4_000_000  # multiply-adds below which one lane is enough: ~0.05 ms of one-
# thread GEMM, the order of the cost of handing work to a pool thread and joining it
BUSY_CORES = 0.6  # other processes' CPU use (in cores) that makes us back off to 1 thread
INTERVAL = 0.2  # seconds between two load measurements
RECENT = 1.0  # seconds after lanes ran during which GEMMs run in lanes too (see `lanes`)

_state = {"enabled": os.environ.get("NPGRAD_BLAS_THREADS", "auto") != "off", "lib": None,
          "max": 1, "current": None, "checked": -1.0, "busy": False, "last": None,
          "lanes_at": -1e9}


def _library():
    """The BLAS lib controller of NumPy (found once), or False when unavailable."""
    lib = _state["lib"]
    if lib is None:
        lib = False
        try:
            import numpy  # the BLAS must be loaded before threadpoolctl looks
            from threadpoolctl import ThreadpoolController

            found = [c for c in ThreadpoolController().lib_controllers if c.user_api == "blas"]
            # NumPy's own BLAS (wheels ship it in numpy.libs or numpy/.libs), never SciPy's
            # or torch's, which may be loaded too and come first
            home = os.path.dirname(numpy.__file__)
            own = [c for c in found if os.path.realpath(c.filepath).startswith((home + ".libs", home + os.sep))]
            if len(found) == 1 or own:
                lib = _Raw((own or found)[0])
                _state["max"] = _state["current"] = lib.get_num_threads()
        except Exception:  # no threadpoolctl, or an unknown BLAS: leave the BLAS alone
            lib = False
        _state["lib"] = lib
    return lib


class _Raw:
    """The BLAS's own get/set thread-count functions, called directly.

    threadpoolctl (>= 3.6) lets only one Python thread, the first to set a limit, change
    OpenBLAS's process-wide count and silently ignores the others; a worker thread
    (conv2d's) could take that role and freeze the policy. OpenBLAS's C functions have
    no such rule, so they are used when threadpoolctl can name them.
    """

    def __init__(self, controller):
        self.controller, self.filepath = controller, controller.filepath
        symbol = getattr(controller, "_get_symbol", None)
        layer = getattr(controller, "threading_layer", None)
        get = set_ = None
        if symbol is not None and controller.internal_api == "openblas" and layer != "openmp":
            get, set_ = symbol("openblas_get_num_threads"), symbol("openblas_set_num_threads")
        self.get_num_threads = get if get is not None and set_ is not None else controller.get_num_threads
        self.set_num_threads = set_ if get is not None and set_ is not None else controller.set_num_threads


def _cpu_times():
    """(jiffies busy on the whole machine, jiffies of this process) or None without /proc."""
    try:
        with open("/proc/stat") as f:
            fields = f.readline().split()[1:]
        with open("/proc/self/stat") as f:
            own = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    values = [int(v) for v in fields[:8]]
    busy = sum(values) - values[3] - values[4]  # all but idle and iowait
    return busy, int(own[11]) + int(own[12])  # utime + stime of every thread of ours


def others_busy(now=None):
    """Whether other processes kept at least BUSY_CORES cores busy since the last look."""
    now = time.monotonic() if now is None else now
    if now - _state["checked"] < INTERVAL:
        return _state["busy"]
    times = _cpu_times()
    if times is not None and _state["last"] is not None:
        (busy, own), (busy0, own0), elapsed = times, _state["last"], now - _state["checked"]
        ticks = os.sysconf("SC_CLK_TCK") * elapsed
        _state["busy"] = (busy - busy0 - (own - own0)) >= BUSY_CORES * ticks
    _state["last"], _state["checked"] = times, now
    return _state["busy"]


def _allowed(flops):
    """Threads work of `flops` multiply-adds may use now: 1 (small work, or other
    processes busy) or the BLAS's original count; None when the policy is off."""
    if not _state["enabled"]:
        return None
    lib = _library()
    if not lib or _state["max"] <= 1:
        return None
    return 1 if flops < SMALL_FLOPS or others_busy() else _state["max"]


def _set_threads(threads):
    lib = _state["lib"]
    if _state["current"] != threads or lib.get_num_threads() != threads:  # read back (0.7 us)
        lib.set_num_threads(threads)
        _state["current"] = threads


def _lanes_recently():
    return time.monotonic() - _state["lanes_at"] < RECENT


def lanes(flops):
    """Lanes (threads of ours) that work of `flops` multiply-adds may run in now: 1 or the
    BLAS's original thread count (None when the policy is off). Sets the BLAS to one
    thread, and from then on for RECENT seconds large GEMMs run in lanes too."""
    allowed = _allowed(flops)
    if allowed is not None:
        _set_threads(1)
        if allowed > 1:
            _state["lanes_at"] = time.monotonic()
    return allowed


def gemm_threads(flops):
    """Set (and return) the BLAS's thread count for a GEMM (or LAPACK call) of `flops`
    multiply-adds: its own threads when `_allowed` and no lanes ran in the last RECENT
    seconds, else one. None when the policy is off."""
    allowed = _allowed(flops)
    if allowed is None:
        return None
    threads = 1 if _lanes_recently() else allowed
    _set_threads(threads)
    return threads


def matmul(a, b, out=None):
    """a @ b (NumPy's matmul on ndarrays), threaded by the policy: by the BLAS itself, or,
    while lanes are in use (see `lanes`), as two halves (the rows of a, or the columns of
    b when those are more), each a one-thread GEMM into its half of the output, in two
    lanes when the machine is quiet and one after the other when not: the same floats
    either way (OpenBLAS's floats can depend on a GEMM's shape)."""
    if not (isinstance(a, np.ndarray) and isinstance(b, np.ndarray)):
        return a @ b  # Tensors (a VJP under create_graph): the recorded op
    flops = a.size * b.shape[-1] if a.ndim >= 2 and b.ndim >= 2 else 0
    if flops < SMALL_FLOPS or not _lanes_recently() or max(a.shape[-2], b.shape[-1]) < 2:
        gemm_threads(flops)
        return np.matmul(a, b, out=out)
    m, n = a.shape[-2], b.shape[-1]
    if out is None:
        if a.ndim == 2 and b.ndim == 2:
            out = np.empty((m, n), np.result_type(a, b))
        else:
            try:
                shape = np.broadcast_shapes(a.shape[:-2], b.shape[:-2]) + (m, n)
            except ValueError:
                return np.matmul(a, b)  # NumPy's own error
            out = np.empty(shape, np.result_type(a, b))
    if m >= n:  # halves of a's rows
        halves = [(a[..., rows, :], b, out[..., rows, :]) for rows in (slice(m // 2), slice(m // 2, m))]
    else:  # halves of b's columns
        halves = [(a, b[..., cols], out[..., cols]) for cols in (slice(n // 2), slice(n // 2, n))]
    both(*(partial(np.matmul, x, y, out=o) for x, y, o in halves), flops // 2)
    return out


def both(first, second, flops):
    """(first(), second()): two independent BLAS jobs of about `flops` multiply-adds each:
    while lanes are in use, the second in the lanes' pool thread when `lanes` allows,
    each with one BLAS thread; else one after the other with the BLAS's own threads
    (`gemm_threads`). Neither may use the pool itself (it has one thread)."""
    from ops import _lanes

    if not _lanes_recently():
        gemm_threads(flops)
        return first(), second()
    if (lanes(flops) or 1) < 2 or _lanes.in_pool():
        return first(), second()
    other = _lanes.pool().submit(second)
    return first(), other.result()


def policy(enabled):
    """Turn the policy on or off; off restores the BLAS's own thread count."""
    _state["enabled"] = bool(enabled)
    lib = _library()
    if not enabled and lib and lib.get_num_threads() != _state["max"]:
        lib.set_num_threads(_state["max"])
        _state["current"] = _state["max"]
