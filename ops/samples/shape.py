"""Sample inputs for reshape/transpose/broadcast_to/concatenate/stack/pad and indexing."""
import numpy as np

import ops
from autograd.function import call
from ops.samples import Case, rng, torch

X = rng(40).standard_normal((2, 3, 4))
IDX = np.array([0, 2, 2, 1])  # a repeated index must accumulate

CASES = [
    Case("reshape", lambda a: ops.reshape(a, (4, 6)), [X], lambda a: a.reshape(4, 6)),
    Case("reshape", lambda a: a.reshape(-1, 2), [X], lambda a: a.reshape(-1, 2), id="method"),
    Case("transpose", lambda a: ops.transpose(a, (2, 0, 1)), [X], lambda a: a.permute(2, 0, 1)),
    Case("transpose", lambda a: a.T, [X[0]], lambda a: a.T, id="T"),
    Case("broadcast_to", lambda a: ops.broadcast_to(a, (2, 3, 4)), [rng(41).standard_normal((3, 1))],
         lambda a: a.broadcast_to((2, 3, 4))),
    Case("concatenate", lambda a, b: ops.concatenate([a, b], axis=1),
         [X, rng(42).standard_normal((2, 2, 4))], lambda a, b: torch().cat([a, b], dim=1)),
    Case("stack", lambda a, b: ops.stack([a, b], axis=-1), [X, rng(43).standard_normal((2, 3, 4))],
         lambda a, b: torch().stack([a, b], dim=-1)),
    Case("pad", lambda a: ops.pad(a, ((0, 0), (1, 2), (2, 0)), constant_values=0.5), [X],
         lambda a: torch().nn.functional.pad(a, (2, 0, 1, 2, 0, 0), value=0.5)),
    Case("getitem", lambda a: a[1, :, ::2], [X], lambda a: a[1, :, ::2], id="basic"),
    Case("getitem", lambda a: a[:, IDX], [X], lambda a: a[:, torch().as_tensor(IDX)], id="repeated-int-array"),
    Case("getitem", lambda a: a[a.data > 0], [X], lambda a: a[a > 0], id="bool-mask"),
    Case("getitem", lambda a: a[None, ..., 1], [X], lambda a: a[None, ..., 1], id="none-ellipsis"),
    Case("index_add", lambda g: call("index_add", g, shape=(5, 4), index=(IDX,)),
         [rng(44).standard_normal((4, 4))],
         lambda g: torch().zeros(5, 4, dtype=g.dtype).index_put((torch().as_tensor(IDX),), g, accumulate=True)),
]
