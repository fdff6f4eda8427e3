"""Timing harness: npgrad and torch on the same workload, in one run, alternating.

Each workload is a pair of zero-argument callables (one step each). Rounds alternate
npgrad and torch so that machine noise hits both alike; we report medians and the
npgrad/torch ratio of medians.
"""
import statistics
import time


def median_time(fn, repeat):
    """Median wall time of `repeat` calls of fn (seconds)."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def compare(npgrad_step, torch_step, rounds=7, repeat=5, warmup=2):
    """Alternate the two steps for `rounds` rounds; return (npgrad median, torch median) in s."""
    for _ in range(warmup):
        npgrad_step()
        torch_step()
    ours, theirs = [], []
    for _ in range(rounds):
        ours.append(median_time(npgrad_step, repeat))
        theirs.append(median_time(torch_step, repeat))
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
