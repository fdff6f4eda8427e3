"""BLAS thread policy: NumPy's BLAS runs one thread; large work runs in two lanes of ours.

OpenBLAS splits a GEMM over its own threads, and after a multi-threaded call its idle
worker spins for about 125 ms (its THREAD_TIMEOUT, a full core of CPU time: measured).
npgrad runs its memory-bound kernels (im2col, col2im, batch norm, relu, pooling) in two
lanes of its own (`ops._lanes`, conv2d's `run_chunks`), and a spinning BLAS worker takes
the core one of those lanes needs: the W3 step took 56.9 ms with threaded GEMMs in its
linear layers against 38.6 ms with one-thread GEMMs (torch 22.7 ms, same run). So the
BLAS stays at one thread, and `matmul` splits a large GEMM in two halves that run in two
lanes, each a one-thread GEMM (the same floats as one call: every output element is the
same dot product). `gemm_threads(flops)` says how many lanes work of that size may use
now (and keeps the BLAS at one thread):

- 1 for small work (fewer than SMALL_FLOPS multiply-adds): a thread hand-off costs more;
- 1 while other processes keep at least BUSY_CORES cores busy (measured from /proc/stat
  minus this process's own CPU time, refreshed at most every INTERVAL s): a lane that
  waits for a descheduled core makes the step slower than one lane (an MLP step: 40 ms
  with 1 thread against 90-290 ms with 2 beside a busy process);
- otherwise the thread count the BLAS had at first use (the user's OPENBLAS_NUM_THREADS,
  OMP_NUM_THREADS or `threadpoolctl` limit is the ceiling, never raised).

The library is reached through threadpoolctl; without it (or without /proc) the policy
does nothing and the BLAS keeps its own threads. `NPGRAD_BLAS_THREADS=auto|off` (default
auto) switches it; `policy(False)` does too and restores the BLAS's own thread count.
"""
import os
import time

import numpy as np

SMALL_FLOPS = 4_000_000  # multiply-adds below which one lane is enough: ~0.05 ms of one-
# thread GEMM, the order of the cost of handing work to a pool thread and joining it
BUSY_CORES = 0.6  # other processes' CPU use (in cores) that makes us back off to 1 thread
INTERVAL = 0.2  # seconds between two load measurements

_state = {"enabled": os.environ.get("NPGRAD_BLAS_THREADS", "auto") != "off", "lib": None,
          "max": 1, "current": None, "checked": -1.0, "busy": False, "last": None}


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


def gemm_threads(flops):
    """Lanes (threads) that work of `flops` multiply-adds may use now: 1 or the BLAS's
    original thread count; None when the policy is off. The BLAS itself stays at one."""
    if not _state["enabled"]:
        return None
    lib = _library()
    if not lib or _state["max"] <= 1:
        return None
    if _state["current"] != 1 or lib.get_num_threads() != 1:  # read back (0.7 us): others may set it
        lib.set_num_threads(1)
        _state["current"] = 1
    return 1 if flops < SMALL_FLOPS or others_busy() else _state["max"]


def matmul(a, b, out=None):
    """a @ b (NumPy's matmul on ndarrays). A GEMM of SMALL_FLOPS multiply-adds or more is
    split in two halves (the rows of a, or the columns of b when those are more), each a
    one-thread GEMM into its half of the output, run in two lanes when `gemm_threads`
    allows, else one after the other. The split depends on the shapes only, never on the
    load: OpenBLAS's floats can depend on a GEMM's shape, so a split made only on a quiet
    machine would make results depend on the load."""
    if not (isinstance(a, np.ndarray) and isinstance(b, np.ndarray)):
        return a @ b  # Tensors (a VJP under create_graph): the recorded op
    flops = a.size * b.shape[-1] if a.ndim >= 2 and b.ndim >= 2 else 0
    lanes = gemm_threads(flops)
    if lanes is None or flops < SMALL_FLOPS or max(a.shape[-2], b.shape[-1]) < 2:
        return np.matmul(a, b, out=out)
    m, n = a.shape[-2], b.shape[-1]
    if out is None:
        try:
            shape = np.broadcast_shapes(a.shape[:-2], b.shape[:-2]) + (m, n)
        except ValueError:
            return np.matmul(a, b)  # NumPy's own error
        out = np.empty(shape, np.result_type(a, b))
    if m >= n:
        parts = [(a[..., :m // 2, :], b, out[..., :m // 2, :]), (a[..., m // 2:, :], b, out[..., m // 2:, :])]
    else:
        parts = [(a, b[..., :n // 2], out[..., :n // 2]), (a, b[..., n // 2:], out[..., n // 2:])]
    from ops import _lanes

    _lanes.run(lambda mine: [np.matmul(x, y, out=o) for x, y, o in mine], parts, lanes)
    return out


def policy(enabled):
    """Turn the policy on or off; off restores the BLAS's own thread count."""
    _state["enabled"] = bool(enabled)
    lib = _library()
    if not enabled and lib and lib.get_num_threads() != _state["max"]:
        lib.set_num_threads(_state["max"])
        _state["current"] = _state["max"]
