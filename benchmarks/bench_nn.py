"""nn benchmarks (issue 4): full training steps through nn modules and nn.optim.

W2: MLP step, batch 128, 784-512-256-10, ReLU, cross-entropy, SGD, float32.
    Target npgrad/torch <= 1.0.
W7: BatchNorm convnet step with Adam on (64, 3, 32, 32) float32: conv3x3(3->32), BN,
    ReLU, conv3x3(32->64), BN, ReLU, 2x2 max pool, linear to 10, cross-entropy.
    Target npgrad/torch <= 1.0 (issue 12).

Both libraries start from the same weights and see the same batch; a step is forward,
loss, zero_grad, backward, optimizer step.

Busy-core mode (`--busy`): both libraries measured while a bounded helper process keeps
one core busy (target W2 <= 1.5x torch under the same load).

Run: python -m benchmarks.bench_nn [--quick] [--busy] [--breakdown]
"""
import sys

import numpy as np

from benchmarks.harness import (
    breakdown_lines, busy_core, compare, op_breakdown, row, torch_setup,
)


def mlp_models(torch):
    import nn
    from autograd import manual_seed

    manual_seed(0)
    ours = nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 256), nn.ReLU(), nn.Linear(256, 10))
    theirs = torch.nn.Sequential(torch.nn.Linear(784, 512), torch.nn.ReLU(), torch.nn.Linear(512, 256),
                                 torch.nn.ReLU(), torch.nn.Linear(256, 10))
    return ours, theirs


def convnet_models(torch):
    import nn
    from autograd import manual_seed

    manual_seed(0)
    ours = nn.Sequential(
        nn.Conv2d(3, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(),
        nn.Conv2d(32, 64, 3, padding=1), nn.BatchNorm2d(64), nn.ReLU(),
        nn.MaxPool2d(2), nn.Flatten(), nn.Linear(64 * 16 * 16, 10))
    theirs = torch.nn.Sequential(
        torch.nn.Conv2d(3, 32, 3, padding=1), torch.nn.BatchNorm2d(32), torch.nn.ReLU(),
        torch.nn.Conv2d(32, 64, 3, padding=1), torch.nn.BatchNorm2d(64), torch.nn.ReLU(),
        torch.nn.MaxPool2d(2), torch.nn.Flatten(), torch.nn.Linear(64 * 16 * 16, 10))
    return ours, theirs


def steps(torch, ours, theirs, make_opts, x, y):
    """(npgrad step, torch step) closures from twinned models and a fixed batch."""
    import nn
    from autograd import Tensor

    theirs.load_state_dict({k: torch.from_numpy(v) for k, v in ours.state_dict().items()})
    opt, their_opt = make_opts(ours, theirs)
    loss_fn, their_loss_fn = nn.CrossEntropyLoss(), torch.nn.CrossEntropyLoss()
    xt, yt = Tensor(x), Tensor(y)
    their_x, their_y = torch.from_numpy(x), torch.from_numpy(y)

    def npgrad_step():
        loss = loss_fn(ours(xt), yt)
        opt.zero_grad()
        loss.backward()
        opt.step()

    def torch_step():
        loss = their_loss_fn(theirs(their_x), their_y)
        their_opt.zero_grad()
        loss.backward()
        their_opt.step()

    return npgrad_step, torch_step


def w2(torch, rounds, repeat, breakdown=None):
    import nn

    rng = np.random.default_rng(0)
    x = rng.standard_normal((128, 784)).astype(np.float32)
    y = rng.integers(0, 10, 128)
    ours, theirs = mlp_models(torch)
    pair = steps(torch, ours, theirs, lambda a, b: (nn.optim.SGD(a.parameters(), lr=0.01),
                                                   torch.optim.SGD(b.parameters(), lr=0.01)), x, y)
    if breakdown is not None:
        breakdown.update(op_breakdown(pair[0]))
    return compare(*pair, rounds=rounds, repeat=repeat)


def w7(torch, rounds, repeat, breakdown=None):
    import nn

    rng = np.random.default_rng(0)
    x = rng.standard_normal((64, 3, 32, 32)).astype(np.float32)
    y = rng.integers(0, 10, 64)
    ours, theirs = convnet_models(torch)
    pair = steps(torch, ours, theirs, lambda a, b: (nn.optim.Adam(a.parameters(), lr=1e-3),
                                                   torch.optim.Adam(b.parameters(), lr=1e-3)), x, y)
    if breakdown is not None:
        breakdown.update(op_breakdown(pair[0]))
    return compare(*pair, rounds=rounds, repeat=repeat)


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    quick = "--quick" in argv
    torch = torch_setup()
    rounds, repeat = (3, 3) if quick else (7, 5)
    parts = {"W2": {}, "W7": {}} if "--breakdown" in argv else {"W2": None, "W7": None}
    print(row("W2 MLP step 784-512-256-10, batch 128, SGD", *w2(torch, rounds, repeat, parts["W2"]),
              target=1.0))
    print(row("W7 BN convnet step (64,3,32,32), Adam",
              *w7(torch, rounds, max(1, repeat // 2), parts["W7"]), target=1.0))
    for name, times in parts.items():
        if times:
            print(f"  {name} npgrad per-op breakdown (ms per step):")
            print("\n".join(breakdown_lines(times)))
    if "--busy" in argv:
        with busy_core():
            print(row("W2 beside a busy core (both libraries)", *w2(torch, rounds, repeat), target=1.5))
            print(row("W7 beside a busy core (both libraries)", *w7(torch, rounds, max(1, repeat // 2)),
                      target=1.5))


if __name__ == "__main__":
    main()
