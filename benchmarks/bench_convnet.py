"""Convolution benchmarks (issue 3): W3 convnet training step, W4 conv2d alone, W6 memory.

W3: the cs231n three-layer convnet step on (64, 3, 32, 32) float32: conv 32 filters 7x7
    pad 3, relu, 2x2 max pool, linear to 100, relu, linear to 10, cross-entropy, SGD.
W4: conv2d forward + backward (input, weight and bias gradients) alone, x (32, 64, 32, 32),
    w (64, 64, 3, 3), pad 1, as GFLOP/s and as a percentage of the float32 GEMM rate NumPy
    reaches in the same run on a square GEMM of equal flops.
W6: peak memory of 5 W3 steps in a fresh process per library: peak RSS (VmHWM, reset
    after the imports) minus RSS after the imports.

Targets (issue 12): W3 <= 1.0x torch, W4 <= 0.9x torch and >= 75% of NumPy's GEMM rate,
W6 <= 0.6x; beside a busy core (`--busy`: a bounded helper process spins on one core
while both libraries are measured) W3 <= 1.5x torch under the same load.
`--breakdown` prints, beside the totals, npgrad's time per registered rule (forward and
VJP, ms per step) and torch's profiler's self CPU time per aten op for W3 and W4.

Run: python -m benchmarks.bench_convnet [--quick] [--busy] [--breakdown]
"""
import os
import subprocess
import sys

import numpy as np

from benchmarks.harness import (
    breakdown_lines, busy_core, compare, op_breakdown, row, torch_setup,
)

BATCH, CHANNELS, SIZE, FILTERS, KERNEL, HIDDEN, CLASSES = 64, 3, 32, 32, 7, 100, 10
LR = 1e-3
W4_X, W4_W = (32, 64, 32, 32), (64, 64, 3, 3)
W6_STEPS = 5


def w3_data(seed=0):
    """Input, labels and initial parameters (float32) shared by both libraries."""
    r = np.random.default_rng(seed)
    flat = FILTERS * (SIZE // 2) ** 2

    def init(*shape, fan_in):
        return (r.standard_normal(shape) / np.sqrt(fan_in)).astype(np.float32)

    x = r.standard_normal((BATCH, CHANNELS, SIZE, SIZE)).astype(np.float32)
    y = r.integers(0, CLASSES, BATCH)
    params = [init(FILTERS, CHANNELS, KERNEL, KERNEL, fan_in=CHANNELS * KERNEL ** 2),
              np.zeros(FILTERS, np.float32), init(HIDDEN, flat, fan_in=flat),
              np.zeros(HIDDEN, np.float32), init(CLASSES, HIDDEN, fan_in=HIDDEN),
              np.zeros(CLASSES, np.float32)]
    return x, y, params


def w3_npgrad(x, y, params):
    """One npgrad training step (closure over Parameters); SGD written inline."""
    import ops
    from autograd import Tensor

    w1, b1, w2, b2, w3, b3 = ps = [Tensor(p.copy(), requires_grad=True) for p in params]
    xt = Tensor(x)

    def step():
        h = ops.relu(ops.conv2d(xt, w1, b1, padding=KERNEL // 2))
        h = ops.max_pool2d(h, 2)
        h = ops.relu(ops.linear(h.reshape(BATCH, -1), w2, b2))
        loss = ops.cross_entropy(ops.linear(h, w3, b3), y)
        loss.backward()
        for p in ps:
            p.data -= LR * p.grad.data
            p.grad = None
        return loss

    return step


def w3_torch(torch, x, y, params):
    """The same step in torch."""
    F = torch.nn.functional
    w1, b1, w2, b2, w3, b3 = ps = [torch.tensor(p, requires_grad=True) for p in params]
    xt, yt = torch.tensor(x), torch.tensor(y)

    def step():
        h = F.max_pool2d(F.relu(F.conv2d(xt, w1, b1, padding=KERNEL // 2)), 2)
        h = F.relu(F.linear(h.reshape(BATCH, -1), w2, b2))
        loss = F.cross_entropy(F.linear(h, w3, b3), yt)
        loss.backward()
        with torch.no_grad():
            for p in ps:
                p -= LR * p.grad
                p.grad = None
        return loss

    return step


def w4_flops():
    """Multiply-add flops of the forward GEMM, times 3 (input and weight gradients)."""
    N, C, H, W = W4_X
    F, _, KH, KW = W4_W
    return 3 * 2 * N * F * C * KH * KW * H * W


def w4_steps(torch):
    r = np.random.default_rng(4)
    x = r.standard_normal(W4_X).astype(np.float32)
    w = (r.standard_normal(W4_W) * 0.05).astype(np.float32)
    b = np.zeros(W4_W[0], np.float32)
    g = r.standard_normal((W4_X[0], W4_W[0]) + W4_X[2:]).astype(np.float32)

    import ops
    from autograd import Tensor

    ours = [Tensor(a, requires_grad=True) for a in (x, w, b)]

    def npgrad_step():
        for t in ours:
            t.grad = None
        ops.conv2d(*ours, padding=1).backward(g)

    theirs = [torch.tensor(a, requires_grad=True) for a in (x, w, b)]
    gt = torch.tensor(g)

    def torch_step():
        for t in theirs:
            t.grad = None
        torch.nn.functional.conv2d(*theirs, padding=1).backward(gt)

    return npgrad_step, torch_step


def gemm_step(flops):
    """One float32 NumPy GEMM of square matrices doing `flops` flops, with all the threads
    NumPy's BLAS has on its own (npgrad's policy keeps it at one between its calls)."""
    from ops import _blas

    n = round((flops / 2) ** (1 / 3))
    r = np.random.default_rng(5)
    a = r.standard_normal((n, n)).astype(np.float32)
    b = r.standard_normal((n, n)).astype(np.float32)

    def step():
        _blas.policy(False)  # the BLAS's own thread count, for this GEMM only
        try:
            return a @ b
        finally:
            _blas.policy(True)

    return step, 2 * n ** 3


def w6_child(library):
    """Run 5 W3 steps in this (fresh) process; print the RSS growth in MiB."""
    x, y, params = w3_data()
    if library == "torch":
        step = w3_torch(torch_setup(), x, y, params)
    else:
        step = w3_npgrad(x, y, params)  # imports npgrad: part of the baseline
    base = _rss_kib("VmRSS")
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")  # reset VmHWM to the current RSS
    except OSError:
        pass
    for _ in range(W6_STEPS):
        step()
    print((_rss_kib("VmHWM") - base) / 1024)


def _rss_kib(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def w6_growth(library):
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    out = subprocess.run([sys.executable, "-m", "benchmarks.bench_convnet", "--w6-child", library],
                         cwd=root, capture_output=True, text=True, check=True)
    return float(out.stdout.split()[-1])


def torch_breakdown(torch, step, repeat=3, top=6):
    """torch's profiler: the `top` aten ops by self CPU time, ms per step."""
    step()
    with torch.autograd.profiler.profile() as prof:
        for _ in range(repeat):
            step()
    ranked = sorted(prof.key_averages(), key=lambda e: -e.self_cpu_time_total)[:top]
    return [f"    {e.key:<32} self {e.self_cpu_time_total / 1e3 / repeat:8.2f} ms" for e in ranked]


def print_breakdown(name, npgrad_step, torch_step, torch):
    print(f"  {name} npgrad per-op breakdown (ms per step):")
    print("\n".join(breakdown_lines(op_breakdown(npgrad_step))))
    print(f"  {name} torch profiler (self CPU, ms per step):")
    print("\n".join(torch_breakdown(torch, torch_step)))


def main(quick=False, busy=False, breakdown=False):
    torch = torch_setup()
    rounds, repeat = (3, 3) if quick else (7, 5)
    print("load average (1, 5, 15 min): %.2f %.2f %.2f" % os.getloadavg())
    coretype = os.environ.get("OPENBLAS_CORETYPE")
    if coretype:
        print(f"note: OPENBLAS_CORETYPE={coretype} is set (numbers are for the machine as it is)")

    data = w3_data()
    w3_pair = w3_npgrad(*data), w3_torch(torch, *data)
    ours, theirs = compare(*w3_pair, rounds=rounds, repeat=repeat)
    print(row("W3 convnet training step", ours, theirs, target=1.0))
    if breakdown:
        print_breakdown("W3", *w3_pair, torch)

    npgrad_step, torch_step = w4_steps(torch)
    ours, theirs = compare(npgrad_step, torch_step, rounds=rounds, repeat=repeat)
    print(row("W4 conv2d 32x64x32x32, 3x3, fwd+bwd", ours, theirs, target=0.9))
    # each library against the GEMM in alternating rounds, so that both see the same machine
    gemm, gemm_flops = gemm_step(w4_flops())
    for name, step, target in (("npgrad", npgrad_step, 75), ("torch", torch_step, None)):
        seconds, gemm_seconds = compare(step, gemm, rounds=rounds, repeat=repeat)
        rate, gemm_rate = w4_flops() / seconds / 1e9, gemm_flops / gemm_seconds / 1e9
        share = 100 * rate / gemm_rate
        goal = "" if target is None else f"  (target >= {target}%)" + ("  ok" if share >= target else "  MISSED")
        print(f"W4 {name:<7} {rate:7.1f} GFLOP/s = {share:5.1f}% of NumPy's float32 GEMM "
              f"({gemm_rate:.1f} GFLOP/s, square GEMM of equal flops){goal}")
    if breakdown:
        print_breakdown("W4", npgrad_step, torch_step, torch)

    if busy:
        with busy_core():
            print(row("W3 beside a busy core (both libraries)",
                      *compare(*w3_pair, rounds=rounds, repeat=max(1, repeat // 2)), target=1.5))

    ours, theirs = w6_growth("npgrad"), w6_growth("torch")
    print(row(f"W6 peak RSS growth, {W6_STEPS} W3 steps", ours, theirs, unit="MiB", scale=1,
              target=0.6))


if __name__ == "__main__":
    if "--w6-child" in sys.argv:
        w6_child(sys.argv[sys.argv.index("--w6-child") + 1])
    else:
        main(quick="--quick" in sys.argv, busy="--busy" in sys.argv,
             breakdown="--breakdown" in sys.argv)
