"""Functional-transform benchmarks (issue 10): jacobian and hessian against
torch.autograd.functional, and the memory `autograd.checkpoint` saves on W3.

J1: jacobian of a 64 -> 64 MLP (linear, tanh, linear) at one point, reverse mode (torch's
    default vectorize=False loop and its vmap'd vectorize=True, in the same run).
J2: hessian of a scalar MLP loss with 32 inputs.
M1: peak RSS growth of 5 W3 convnet steps in a fresh process per variant (as W6 in
    bench_convnet): plain, and with the conv-relu-pool block under checkpoint (its
    im2col columns, activation and pooling indices are recomputed in backward instead
    of kept), for npgrad and for torch (torch.utils.checkpoint).
M2: the same measurement on a 6-block MLP (batch 512, width 512, 4 linear+tanh layers per
    block) with each block under checkpoint, so that only the block outputs are kept and
    one block is recomputed at a time. Checkpointing paid here (-44%) while the graph
    held every intermediate; now that it frees them, the peak is the 24 MiB of weight
    gradients either way.

Run: python -m benchmarks.bench_functional [--quick]
"""
import os
import subprocess
import sys

import numpy as np

from benchmarks.bench_convnet import KERNEL, LR, W6_STEPS, _rss_kib, w3_data
from benchmarks.harness import compare, row, torch_setup

WIDTH = 64


def mlp_weights(n_in, seed=0):
    r = np.random.default_rng(seed)
    return (r.standard_normal((WIDTH, n_in)) / np.sqrt(n_in), r.standard_normal(WIDTH) * 0.1,
            r.standard_normal((WIDTH, WIDTH)) / np.sqrt(WIDTH), r.standard_normal(WIDTH) * 0.1,
            r.standard_normal(n_in))


def j1_steps(torch):
    import ops
    from autograd import Tensor
    from autograd.functional import jacobian

    w1, b1, w2, b2, x = mlp_weights(WIDTH)
    W1, B1, W2, B2 = map(Tensor, (w1, b1, w2, b2))

    def f(t):
        return ops.linear(ops.tanh(ops.linear(t, W1, B1)), W2, B2)

    T1, TB1, T2, TB2 = map(torch.tensor, (w1, b1, w2, b2))
    F = torch.nn.functional

    def tf(t):
        return F.linear(torch.tanh(F.linear(t, T1, TB1)), T2, TB2)

    ours = jacobian(f, Tensor(x)).data
    theirs = torch.autograd.functional.jacobian(tf, torch.tensor(x)).numpy()
    assert np.allclose(ours, theirs, rtol=1e-10, atol=1e-12), "J1: jacobians differ"
    return (lambda: jacobian(f, Tensor(x)),
            lambda: torch.autograd.functional.jacobian(tf, torch.tensor(x)),
            lambda: torch.autograd.functional.jacobian(tf, torch.tensor(x), vectorize=True))


def j2_steps(torch):
    import ops
    from autograd import Tensor
    from autograd.functional import hessian

    w1, b1, w2, _, x = mlp_weights(32, seed=1)
    x = x[:32]
    W1, B1, W2 = map(Tensor, (w1, b1, w2[:1]))

    def f(t):
        return (ops.linear(ops.tanh(ops.linear(t, W1, B1)), W2) ** 2).sum()

    T1, TB1, T2 = map(torch.tensor, (w1, b1, w2[:1]))
    F = torch.nn.functional

    def tf(t):
        return (F.linear(torch.tanh(F.linear(t, T1, TB1)), T2) ** 2).sum()

    ours = hessian(f, Tensor(x)).data
    theirs = torch.autograd.functional.hessian(tf, torch.tensor(x)).numpy()
    assert np.allclose(ours, theirs, rtol=1e-9, atol=1e-12), "J2: hessians differ"
    return lambda: hessian(f, Tensor(x)), lambda: torch.autograd.functional.hessian(tf, torch.tensor(x))


# ------------------------------------------------------------------ M1: checkpoint memory
def m1_npgrad(use_checkpoint):
    import ops
    from autograd import Tensor, checkpoint

    x, y, params = w3_data()
    w1, b1, w2, b2, w3, b3 = ps = [Tensor(p.copy(), requires_grad=True) for p in params]
    xt = Tensor(x)

    def block(t):
        return ops.max_pool2d(ops.relu(ops.conv2d(t, w1, b1, padding=KERNEL // 2)), 2)

    def step():
        h = checkpoint(block, xt) if use_checkpoint else block(xt)
        h = ops.relu(ops.linear(h.reshape(len(x), -1), w2, b2))
        ops.cross_entropy(ops.linear(h, w3, b3), y).backward()
        for p in ps:
            p.data -= LR * p.grad.data
            p.grad = None

    return step


def _torch_checkpoint_loaded():
    """torch with torch.utils.checkpoint imported and run once (its lazy imports before the
    baseline RSS is read)."""
    torch = torch_setup()
    import torch.utils.checkpoint

    one = torch.ones(1, requires_grad=True)
    torch.utils.checkpoint.checkpoint(lambda t: t * 2, one, use_reentrant=False).sum().backward()
    return torch


def m1_torch(use_checkpoint):
    torch = _torch_checkpoint_loaded()

    F = torch.nn.functional
    x, y, params = w3_data()
    w1, b1, w2, b2, w3, b3 = ps = [torch.tensor(p, requires_grad=True) for p in params]
    xt, yt = torch.tensor(x), torch.tensor(y)

    def block(t):
        return F.max_pool2d(F.relu(F.conv2d(t, w1, b1, padding=KERNEL // 2)), 2)

    def step():
        if use_checkpoint:
            h = torch.utils.checkpoint.checkpoint(block, xt, use_reentrant=False)
        else:
            h = block(xt)
        h = F.relu(F.linear(h.reshape(len(x), -1), w2, b2))
        F.cross_entropy(F.linear(h, w3, b3), yt).backward()
        with torch.no_grad():
            for p in ps:
                p -= LR * p.grad
                p.grad = None

    return step


M2_BATCH, M2_WIDTH, M2_BLOCKS, M2_DEPTH = 512, 512, 6, 4


def m2_weights():
    r = np.random.default_rng(7)
    x = r.standard_normal((M2_BATCH, M2_WIDTH)).astype(np.float32)
    ws = [(r.standard_normal((M2_WIDTH, M2_WIDTH)) / np.sqrt(M2_WIDTH)).astype(np.float32)
          for _ in range(M2_BLOCKS * M2_DEPTH)]
    return x, ws


def m2_npgrad(use_checkpoint):
    import ops
    from autograd import Tensor, checkpoint

    x, ws = m2_weights()
    ps = [Tensor(w, requires_grad=True) for w in ws]
    xt = Tensor(x)

    def make_block(k):
        def block(t):
            for w in ps[k * M2_DEPTH:(k + 1) * M2_DEPTH]:
                t = ops.tanh(ops.linear(t, w))
            return t
        return block

    blocks = [make_block(k) for k in range(M2_BLOCKS)]

    def step():
        h = xt
        for block in blocks:
            h = checkpoint(block, h) if use_checkpoint else block(h)
        (h * h).mean().backward()
        for p in ps:
            p.data -= LR * p.grad.data
            p.grad = None

    return step


def m2_torch(use_checkpoint):
    torch = _torch_checkpoint_loaded()

    x, ws = m2_weights()
    ps = [torch.tensor(w, requires_grad=True) for w in ws]
    xt = torch.tensor(x)

    def make_block(k):
        def block(t):
            for w in ps[k * M2_DEPTH:(k + 1) * M2_DEPTH]:
                t = torch.tanh(torch.nn.functional.linear(t, w))
            return t
        return block

    blocks = [make_block(k) for k in range(M2_BLOCKS)]

    def step():
        h = xt
        for block in blocks:
            h = torch.utils.checkpoint.checkpoint(block, h, use_reentrant=False) if use_checkpoint else block(h)
        (h * h).mean().backward()
        with torch.no_grad():
            for p in ps:
                p -= LR * p.grad
                p.grad = None

    return step


WORKLOADS = {("M1", "npgrad"): m1_npgrad, ("M1", "torch"): m1_torch,
             ("M2", "npgrad"): m2_npgrad, ("M2", "torch"): m2_torch}


def m1_child(workload, library, variant):
    """Run 5 steps in this (fresh) process; print the RSS growth in MiB."""
    step = WORKLOADS[workload, library](variant == "checkpoint")
    base = _rss_kib("VmRSS")
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")  # reset VmHWM to the current RSS
    except OSError:
        pass
    for _ in range(W6_STEPS):
        step()
    print((_rss_kib("VmHWM") - base) / 1024)


def m1_growth(workload, library, variant):
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    out = subprocess.run([sys.executable, "-m", "benchmarks.bench_functional", "--m1-child",
                          workload, library, variant], cwd=root, capture_output=True, text=True,
                         check=True)
    return float(out.stdout.split()[-1])


def main(quick=False):
    torch = torch_setup()
    rounds, repeat = (3, 3) if quick else (7, 5)
    print("load average (1, 5, 15 min): %.2f %.2f %.2f" % os.getloadavg())
    ours, theirs, theirs_vectorized = j1_steps(torch)
    a, b = compare(ours, theirs, rounds=rounds, repeat=repeat)
    print(row("J1 jacobian 64->64 MLP (torch loop)", a, b, target=1.0))
    a, b = compare(ours, theirs_vectorized, rounds=rounds, repeat=repeat)
    print(row("J1 jacobian 64->64 MLP (torch vectorize=True)", a, b))
    a, b = compare(*j2_steps(torch), rounds=rounds, repeat=repeat)
    print(row("J2 hessian of a 32-input MLP loss", a, b))
    for workload, what in (("M1", "W3, conv block checkpointed"),
                           ("M2", "6-block MLP, every block checkpointed")):
        for library in ("npgrad", "torch"):
            plain = m1_growth(workload, library, "plain")
            saved = m1_growth(workload, library, "checkpoint")
            print(f"{workload} {library:<6} {what}: peak RSS growth over {W6_STEPS} steps "
                  f"{plain:6.1f} -> {saved:6.1f} MiB (saving {plain - saved:6.1f} MiB, "
                  f"{100 * (plain - saved) / plain:5.1f}%)")


if __name__ == "__main__":
    if "--m1-child" in sys.argv:
        at = sys.argv.index("--m1-child")
        m1_child(*sys.argv[at + 1:at + 4])
    else:
        main(quick="--quick" in sys.argv)
