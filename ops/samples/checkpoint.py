"""Sample inputs for autograd.checkpoint: a two-input block recomputed in backward, and a
block that reads a weight from its closure (found by recording the forward once)."""

import ops
from autograd.checkpoint import checkpoint
from autograd.tensor import Tensor
from ops.samples import Case, rng, torch

CLOSED = rng(801).standard_normal((3, 3))


def _block(a, b):
    return ops.tanh(a @ b) * a.sum() + ops.sigmoid(a[:, :2]).sum()


def _torch_block(a, b):
    return torch().tanh(a @ b) * a.sum() + torch().sigmoid(a[:, :2]).sum()


def _closure_fn(weight):
    def block(a):
        return ops.tanh(a @ weight) ** 2

    return lambda a: checkpoint(block, a)


def _closure_torch(a):
    t = torch()
    weight = t.tensor(CLOSED)
    return t.utils.checkpoint.checkpoint(lambda u: t.tanh(u @ weight) ** 2, a, use_reentrant=False)


CASES = [
    Case("checkpoint", lambda a, b: checkpoint(_block, a, b),
         torch_fn=lambda a, b: torch().utils.checkpoint.checkpoint(_torch_block, a, b,
                                                                   use_reentrant=False),
         inputs=[rng(800).standard_normal((2, 3)), rng(802).standard_normal((3, 4))], id="two-inputs"),
    Case("checkpoint", _closure_fn(Tensor(CLOSED)), torch_fn=_closure_torch,
         inputs=[rng(803).standard_normal((4, 3))], id="closure"),
]
