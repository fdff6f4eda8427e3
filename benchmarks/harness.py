"""Timing harness: npgrad and torch on the same workload, in one run, alternating.

Each workload is a pair of zero-argument callables (one step each). Rounds alternate
npgrad and torch so that machine noise hits both alike; we report medians and the
npgrad/torch ratio of medians.

`busy_core()` keeps one core busy with a bounded helper process (the "busy core" mode:
both libraries measured under the same load), and `op_breakdown(step)` times each
registered op's forward and VJP inside an npgrad step.
"""
import contextlib
import os
import statistics
import subprocess
import sys
import time
from collections import defaultdict

# The helper spins until its deadline, or until its parent is gone (never outlives us).
_SPIN = """
import os, sys, time
deadline, parent = time.monotonic() + float(sys.argv[1]), os.getppid()
while time.monotonic() < deadline and os.getppid() == parent:
    for _ in range(100000):
        pass
"""


def median_time(fn, repeat):
    """Median wall time of `repeat` calls of fn (seconds)."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def compare(npgrad_step, torch_step, rounds=7, repeat=5, warmup=2, settle=0.15):
    """Alternate the two steps for `rounds` rounds; return (npgrad median, torch median) in s.

    `settle`: seconds to wait after each round, so that neither library's round pays for
    threads the other left spinning (OpenBLAS's idle worker spins ~125 ms after a
    multi-threaded GEMM: without the wait, torch's W2 measured 7.7 ms instead of 3.8)."""
    for _ in range(warmup):
        npgrad_step()
        torch_step()
    ours, theirs = [], []
    for _ in range(rounds):
        ours.append(median_time(npgrad_step, repeat))
        time.sleep(settle)
        theirs.append(median_time(torch_step, repeat))
        time.sleep(settle)
    return statistics.median(ours), statistics.median(theirs)


def row(name, ours, theirs, unit="ms", scale=1e3, target=None):
    """One line of the results table: medians, ratio, and the target if any."""
    ratio = ours / theirs
    verdict = "" if target is None else ("  ok" if ratio <= target else "  MISSED")
    goal = "" if target is None else f"  (target <= {target})"
    return (f"{name:<44} npgrad {ours * scale:10.3f} {unit}   torch {theirs * scale:10.3f} {unit}"
            f"   ratio {ratio:6.2f}{goal}{verdict}")


def torch_setup():
    """Import torch with the same thread count as NumPy's BLAS sees (2 cores here)."""
    import torch

    torch.set_num_threads(2)
    return torch


@contextlib.contextmanager
def busy_core(seconds=900.0):
    """Keep one core busy for the duration of the block (at most `seconds`).

    Starts one Python process spinning in a loop, pinned to the last CPU where the OS
    allows it; it stops at the end of the block, at its deadline, or when this process
    dies, whichever comes first.
    """
    helper = subprocess.Popen([sys.executable, "-c", _SPIN, str(seconds)])
    try:
        if hasattr(os, "sched_setaffinity"):
            with contextlib.suppress(OSError):
                os.sched_setaffinity(helper.pid, {max(os.sched_getaffinity(0))})
        time.sleep(0.3)  # let the load show before measuring
        yield helper
    finally:
        helper.terminate()
        try:
            helper.wait(timeout=5)
        except subprocess.TimeoutExpired:
            helper.kill()
            helper.wait()


def op_breakdown(step, repeat=3):
    """{op name: (forward ms, vjp ms)} per call of `step`, timing every registered rule.

    Wraps the forward and vjp of each class in `autograd.registry` for the duration,
    runs `step` once to warm up and `repeat` times measured, then restores them.
    Nested rules (a VJP that calls another rule) count in both.
    """
    from autograd.function import registry

    totals = defaultdict(lambda: [0.0, 0.0])
    originals = {}

    def timed(name, method, slot):
        def wrapper(*args, **kwargs):
            start = time.perf_counter()
            try:
                return method(*args, **kwargs)
            finally:
                totals[name][slot] += time.perf_counter() - start
        return wrapper

    step()
    resolved = {cls: (cls.forward, cls.vjp) for cls in registry.values()}  # before any wrapping
    for name, cls in registry.items():
        originals[cls] = (cls.__dict__.get("forward"), cls.__dict__.get("vjp"))
        cls.forward = timed(name, resolved[cls][0], 0)
        cls.vjp = timed(name, resolved[cls][1], 1)
    try:
        for _ in range(repeat):
            step()
    finally:
        for cls, (forward, vjp) in originals.items():
            for attr, value in (("forward", forward), ("vjp", vjp)):
                if value is None:
                    delattr(cls, attr)
                else:
                    setattr(cls, attr, value)
    return {name: (f * 1e3 / repeat, b * 1e3 / repeat) for name, (f, b) in totals.items()}


def breakdown_lines(times, top=8):
    """The `top` ops by forward + VJP time, one short line each."""
    ranked = sorted(times.items(), key=lambda item: -sum(item[1]))[:top]
    return [f"    {name:<24} forward {f:8.2f} ms   vjp {b:8.2f} ms" for name, (f, b) in ranked]
