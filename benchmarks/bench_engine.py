"""Engine overhead benchmarks: W1 elementwise chain, W5 a 100,000-op chain, W8 an RNN
unrolled over slices x[t] (the gradients of many slices of one tensor).

Run: python benchmarks/bench_engine.py [--quick]
"""
import sys

import numpy as np

from autograd import Tensor
from benchmarks.harness import compare, row, torch_setup

W1_OPS = 200  # elementwise ops per chain (sum and backward come on top)
W5_STEPS = 100_000


def w1(make_leaf, x0):
    """One W1 step: a leaf, 200 elementwise ops cycling *0.9, +0.1, tanh, sum, backward."""

    def step():
        x = make_leaf(x0)
        y = x
        for i in range(W1_OPS):
            k = i % 3
            y = y * 0.9 if k == 0 else y + 0.1 if k == 1 else y.tanh()
        y.sum().backward()
        return x.grad

    return step


def w5(make_leaf):
    """W5: 100,000 iterations of x = x * 1.0000001 + 0 on a (1,) tensor, then backward."""

    def step():
        x = make_leaf(np.ones(1, np.float32))
        for _ in range(W5_STEPS):
            x = x * 1.0000001 + 0
        x.sum().backward()

    return step


def w8(make_leaf, x0, w0, u0):
    """W8: 64 steps of h = tanh(x[t] @ W + h @ U) over x of shape (64, 32, 128), backward."""

    def step():
        x, w, u = make_leaf(x0), make_leaf(w0), make_leaf(u0)
        h = (x[0] @ w).tanh()
        for t in range(1, x0.shape[0]):
            h = (x[t] @ w + h @ u).tanh()
        h.sum().backward()
        return x.grad

    return step


def main(quick=False):
    torch = torch_setup()
    x0 = np.random.default_rng(0).standard_normal(32).astype(np.float32)
    npgrad_leaf = lambda a: Tensor(a, requires_grad=True)  # noqa: E731
    torch_leaf = lambda a: torch.tensor(a, requires_grad=True)  # noqa: E731
    ours, theirs = compare(w1(npgrad_leaf, x0), w1(torch_leaf, x0), rounds=3 if quick else 7, repeat=5)
    print(row("W1 elementwise chain, per op (fwd+bwd)", ours / W1_OPS, theirs / W1_OPS,
              unit="us", scale=1e6, target=0.5))
    ours, theirs = compare(w5(npgrad_leaf), w5(torch_leaf), rounds=1 if quick else 3, repeat=1, warmup=0)
    print(row("W5 100,000-op chain + backward", ours, theirs, unit="s", scale=1, target=0.4))
    rng = np.random.default_rng(1)
    x0, w0, u0 = (rng.standard_normal(s).astype(np.float32) * 0.1
                  for s in ((64, 32, 128), (128, 128), (128, 128)))
    ours, theirs = compare(w8(npgrad_leaf, x0, w0, u0), w8(torch_leaf, x0, w0, u0),
                           rounds=3 if quick else 7, repeat=3)
    print(row("W8 RNN over x[t], 64 steps, fwd+bwd", ours, theirs, target=1.5))


if __name__ == "__main__":
    main(quick="--quick" in sys.argv)
