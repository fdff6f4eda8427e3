"""BLAS thread policy: how many threads NumPy's BLAS may use for the next GEMM.

OpenBLAS splits every GEMM over all its threads and the threads wait for each other at
the end. When another process keeps a core busy, one of those threads is descheduled
for whole time slices and the GEMM waits for it: on 2 cores beside one busy process, an
MLP step measured 40 ms with 1 thread against 90-290 ms with 2. On small GEMMs the
wake-up and hand-off of the second thread cost more than they save even on a quiet
machine. So before each large GEMM the kernels call `gemm_threads(flops)`, which sets:

- 1 thread for small GEMMs (fewer than SMALL_FLOPS multiply-adds);
- 1 thread while other processes keep at least BUSY_CORES cores busy (measured from
  /proc/stat minus this process's own CPU time, refreshed at most every INTERVAL s);
- otherwise the thread count the BLAS had at first use (the user's OPENBLAS_NUM_THREADS,
  OMP_NUM_THREADS or `threadpoolctl` limit is the ceiling, never raised).

Setting the count is one C call (about 4 us), made only when it changes (read back
each time, 0.7 us, since other code may set it too). The library is
reached through threadpoolctl; without it (or without /proc) the policy does nothing.
`NPGRAD_BLAS_THREADS=auto|off` (default auto) switches it; `policy(False)` does too.
"""
import os
import time

SMALL_FLOPS = 2_000_000  # multiply-adds below which one thread is enough: ~0.1 ms of work,
# the order of OpenBLAS's cost to wake and join its second thread (an estimate, not tuned)
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
    """Set (and return) the BLAS thread count for a GEMM of `flops` multiply-adds."""
    if not _state["enabled"]:
        return None
    lib = _library()
    if not lib or _state["max"] <= 1:
        return None
    threads = 1 if flops < SMALL_FLOPS or others_busy() else _state["max"]
    if threads != lib.get_num_threads():  # read back (0.7 us): others may set it too
        lib.set_num_threads(threads)
    _state["current"] = threads
    return threads


def policy(enabled):
    """Turn the policy on or off; off restores the BLAS's own thread count."""
    _state["enabled"] = bool(enabled)
    lib = _library()
    if not enabled and lib and lib.get_num_threads() != _state["max"]:
        lib.set_num_threads(_state["max"])
        _state["current"] = _state["max"]
