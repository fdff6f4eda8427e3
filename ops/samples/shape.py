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

# NumPy's shape functions, built on the rules above: each compared with torch's counterpart
Y = rng(45).standard_normal((4, 5))
V = rng(46).standard_normal(4)
CASES += [
    Case("reshape", lambda a: ops.reshape(a, (6, 4), order="F"), [X],
         lambda a: a.permute(2, 1, 0).reshape(4, 6).T, id="order-F"),
    Case("reshape", lambda a: ops.ravel(a), [X], lambda a: a.ravel(), id="ravel"),
    Case("reshape", lambda a: ops.expand_dims(a, (0, 3)), [X], lambda a: a[None, :, :, None], id="expand_dims"),
    Case("reshape", lambda a: ops.squeeze(a[:, :1], 1), [X], lambda a: a[:, :1].squeeze(1), id="squeeze"),
    Case("reshape", lambda a: ops.atleast_3d(a), [V], lambda a: a[None, :, None], id="atleast_3d"),
    Case("transpose", lambda a: ops.moveaxis(a, 0, -1), [X], lambda a: torch().movedim(a, 0, -1), id="moveaxis"),
    Case("transpose", lambda a: ops.swapaxes(a, 0, 2), [X], lambda a: a.swapaxes(0, 2), id="swapaxes"),
    Case("transpose", lambda a: ops.rollaxis(a, 2), [X], lambda a: a.permute(2, 0, 1), id="rollaxis"),
    Case("getitem", lambda a: ops.flip(a, (0, 2)), [X], lambda a: a.flip((0, 2)), id="flip"),
    Case("getitem", lambda a: ops.rot90(a, 1, (1, 2)), [X], lambda a: torch().rot90(a, 1, (1, 2)), id="rot90"),
    Case("getitem", lambda a: ops.rot90(a, 3), [Y], lambda a: torch().rot90(a, 3), id="rot90-k3"),
    Case("concatenate", lambda a: ops.roll(a, (1, -2), (0, 2)), [X], lambda a: a.roll((1, -2), (0, 2)), id="roll"),
    Case("concatenate", lambda a: ops.roll(a, 7), [Y], lambda a: a.reshape(-1).roll(7).reshape(4, 5), id="roll-flat"),
    Case("broadcast_to", lambda a: ops.tile(a, (2, 1, 3)), [Y], lambda a: a.repeat(2, 1, 3), id="tile"),
    Case("broadcast_to", lambda a: ops.repeat(a, 3, axis=1), [Y], lambda a: a.repeat_interleave(3, 1), id="repeat"),
    Case("getitem", lambda a: ops.repeat(a, [2, 0, 1, 3], axis=0), [Y],
         lambda a: a.repeat_interleave(torch().tensor([2, 0, 1, 3]), 0), id="repeat-array"),
    Case("broadcast_to", lambda a, b: ops.stack(ops.broadcast_arrays(a, b)), [Y, Y[:1, :]],
         lambda a, b: torch().stack(torch().broadcast_tensors(a, b)), id="broadcast_arrays"),
    Case("concatenate", lambda a, b: ops.hstack([a, b]), [Y, Y[:, :2]], lambda a, b: torch().hstack([a, b]), id="hstack"),
    Case("concatenate", lambda a, b: ops.vstack([a, b]), [Y, Y[0]], lambda a, b: torch().vstack([a, b]), id="vstack"),
    Case("concatenate", lambda a, b: ops.dstack([a, b]), [Y, Y], lambda a, b: torch().dstack([a, b]), id="dstack"),
    Case("concatenate", lambda a, b: ops.column_stack([a, b]), [V, Y], lambda a, b: torch().column_stack([a, b]),
         id="column_stack"),
    Case("concatenate", lambda a: ops.concatenate([a, a * 2], axis=None), [Y],
         lambda a: torch().cat([a.reshape(-1), 2 * a.reshape(-1)]), id="axis-None"),
    Case("getitem", lambda a: ops.concatenate([p * (i + 1) for i, p in enumerate(ops.array_split(a, 3, axis=1))], 1),
         [Y], lambda a: torch().cat([p * (i + 1) for i, p in enumerate(torch().tensor_split(a, 3, dim=1))], 1),
         id="array_split"),
    Case("getitem", lambda a: ops.concatenate([p * (i + 1) for i, p in enumerate(ops.split(a, [1, 3], axis=0))]),
         [Y], lambda a: torch().cat([p * (i + 1) for i, p in enumerate(torch().tensor_split(a, [1, 3], dim=0))]),
         id="split"),
    Case("getitem", lambda a: ops.diagonal(a, -1, 2, 0), [X], lambda a: a.diagonal(-1, 2, 0), id="diagonal"),
    Case("getitem", lambda a: ops.diag(a, 1), [Y], lambda a: torch().diag(a, 1), id="diag-2d"),
    Case("index_add", lambda a: ops.diag(a, -2), [V], lambda a: torch().diag(a, -2), id="diag-1d"),
    Case("where", lambda a: ops.tril(a, 1), [X], lambda a: a.tril(1), id="tril"),
    Case("where", lambda a: ops.triu(a, -1), [Y], lambda a: a.triu(-1), id="triu"),
    Case("getitem", lambda a: ops.take(a, [[0, 3], [2, 2]], axis=2), [X],
         lambda a: a[:, :, torch().tensor([[0, 3], [2, 2]])], id="take"),
    Case("getitem", lambda a: ops.take_along_axis(a, np.argsort(X, axis=1)[:, ::-1], axis=1), [X],
         lambda a: torch().take_along_dim(a, torch().as_tensor(np.argsort(X, axis=1)[:, ::-1].copy()), 1),
         id="take_along_axis"),
    Case("getitem", lambda a: ops.sort(a, axis=1), [X], lambda a: torch().sort(a, dim=1, stable=True).values, id="sort"),
    Case("getitem", lambda a: ops.sort(a, axis=None), [X],
         lambda a: torch().sort(a.reshape(-1), stable=True).values, id="sort-flat"),
    Case("put_along_axis", lambda a, v: ops.put_along_axis(a, np.argsort(X, axis=2)[..., :2], v, axis=2),
         [X, rng(47).standard_normal((2, 3, 2))],
         lambda a, v: a.scatter(2, torch().as_tensor(np.argsort(X, axis=2)[..., :2].copy()), v)),
    Case("put_along_axis", lambda a, v: ops.put_along_axis(a, np.array([[1], [0], [3], [1]]), v, axis=1),
         [Y, rng(48).standard_normal((1, 1))],
         lambda a, v: a.scatter(1, torch().tensor([[1], [0], [3], [1]]), v.expand(4, 1)), id="broadcast-values"),
]
for mode, torch_mode in (("edge", "replicate"), ("reflect", "reflect"), ("wrap", "circular"),
                         ("symmetric", None)):
    CASES.append(Case(
        "getitem", lambda a, m=mode: ops.pad(a, ((0, 0), (1, 2), (3, 1)), mode=m), [X],
        None if torch_mode is None else
        lambda a, m=torch_mode: torch().nn.functional.pad(a[None], (3, 1, 1, 2), mode=m)[0],
        id=f"pad-{mode}"))
CASES += [
    Case("where", lambda a, b: ops.linspace(a, b, 5), [V[:2], np.array(2.5)],
         lambda a, b: a + (b - a) * (torch().arange(5, dtype=a.dtype)[:, None] / 4), id="linspace"),
    Case("mul", lambda a, b: ops.linspace(a, b, 4, endpoint=False, axis=1), [V[:2], np.array(2.5)],
         lambda a, b: (a + (b - a) * (torch().arange(4, dtype=a.dtype)[:, None] / 4)).T, id="linspace-open"),
]
CASES += [
    Case("getitem", lambda a: ops.delete(a, [0, 2], axis=1), [Y], lambda a: a[:, [1, 3, 4]], id="delete"),
    Case("getitem", lambda a, v: ops.insert(a, [1, 3], v, axis=1), [Y, V[:2]],
         lambda a, v: torch().cat([a[:, :1], v[0].expand(4, 1), a[:, 1:3], v[1].expand(4, 1), a[:, 3:]], 1),
         id="insert"),
    Case("getitem", lambda a: ops.resize(a, (3, 7)), [Y], lambda a: torch().cat([a.reshape(-1), a.reshape(-1)[:1]]).reshape(3, 7), id="resize"),
    Case("getitem", lambda a, b: ops.block([[a[:, :3], a[:, 3:]], [b[:1, :2], b[:1, 2:]]]), [Y, Y * 2],
         lambda a, b: torch().cat([a, b[:1]], 0), id="block"),
    Case("getitem", lambda a: ops.compress([True, False, True, True], a, axis=0), [Y], lambda a: a[[0, 2, 3]],
         id="compress"),
    Case("broadcast_to", lambda a, b: ops.stack(ops.meshgrid(a, b)), [V, V[:3]],
         lambda a, b: torch().stack(torch().meshgrid(a, b, indexing="xy")), id="meshgrid"),
    Case("getitem", lambda a: ops.stack(ops.unstack(a, axis=1)[::-1]), [Y], lambda a: torch().stack(a.unbind(1)[::-1]),
         id="unstack"),
]
