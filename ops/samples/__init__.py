"""Sample calls of every registered op: the one table that checks them all.

Each topic module here (elementwise, reduce, shape, conv, ...) defines `CASES`, a list of
`Case`; modules are discovered automatically. The table drives `npgrad gradcheck`, the
test suite's float64 gradcheck (random upstream gradient), its comparison with PyTorch
and its registry-coverage test (an op without a case fails), and notebook 2.

`torch_fn` is the same computation in PyTorch, used only by the tests as an oracle:
torch is imported inside it, when a comparison runs, never by npgrad itself.
"""
import importlib
import pkgutil
from dataclasses import dataclass, field
from typing import Callable, Optional, Sequence

import numpy as np


@dataclass
class Case:
    """One sample call of a registered op.

    op: registry name the case covers. fn: npgrad callable taking Tensors. inputs:
    float64 arrays (or other arguments passed through unchanged). grad: which inputs
    get requires_grad (default: every float ndarray). torch_fn: the same computation in
    torch (taking torch tensors) or None when torch has no counterpart. gradcheck:
    False for cases only meant for the torch comparison (e.g. ties).
    """

    op: str
    fn: Callable
    inputs: Sequence
    torch_fn: Optional[Callable] = None
    grad: Optional[Sequence[bool]] = None
    id: str = ""
    gradcheck: bool = True
    atol: float = 1e-5
    rtol: float = 1e-3
    tags: tuple = field(default_factory=tuple)

    def wants_grad(self):
        if self.grad is not None:
            return list(self.grad)
        return [isinstance(a, np.ndarray) and a.dtype.kind == "f" for a in self.inputs]

    def tensors(self):
        """Fresh inputs: float64 Tensors (copies) where a gradient is wanted, else as given."""
        from autograd.tensor import Tensor

        return [Tensor(a.copy(), requires_grad=w) if isinstance(a, np.ndarray) else a
                for a, w in zip(self.inputs, self.wants_grad())]

    def __str__(self):
        return f"{self.op}-{self.id}" if self.id else self.op


def all_cases():
    """Every Case from every module in this package."""
    cases = []
    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{info.name}")
        cases.extend(getattr(module, "CASES", []))
    return cases


def torch():
    """The torch module, imported only when a test's torch comparison runs."""
    import torch as module

    return module


def rng(seed=0):
    return np.random.default_rng(seed)


def tie_free(shape, seed=0, low=-2.0, high=2.0):
    """Values spread apart (no two within 1e-2), for max-like ops and kinks."""
    count = int(np.prod(shape))
    values = np.linspace(low, high, count) + rng(seed).uniform(-2e-3, 2e-3, count)
    return rng(seed + 1).permutation(values).reshape(shape)


def away_from_zero(shape, seed=0, margin=0.1):
    """Normal samples with |x| >= margin (for relu/abs/log/sqrt-like domains)."""
    x = rng(seed).standard_normal(shape)
    return np.where(np.abs(x) < margin, np.sign(x + 1e-12) * margin + x, x)
