"""Sample inputs for einsum and tensordot (dot, inner, outer, vdot, kron, cross compose them)."""
import numpy as np

import ops
from ops.samples import Case, rng, torch


def _n(*shape, seed=0):
    return rng(seed).standard_normal(shape)


EINSUM = [  # (subscripts, shapes, torch subscripts when they differ)
    ("ij,jk->ik", [(3, 4), (4, 5)]),
    ("bij,bjk->bik", [(2, 3, 4), (2, 4, 2)]),
    ("ii->i", [(4, 4)]),
    ("ii", [(3, 3)]),
    ("ij,ij->", [(3, 4), (3, 4)]),
    ("i,j->ij", [(3,), (4,)]),
    ("...ij,...jk", [(2, 3, 4), (4, 2)]),
    ("ij,jk,kl->il", [(2, 3), (3, 4), (4, 2)]),
    ("iij->j", [(3, 3, 2)]),
    ("ij,ik->ijk", [(1, 3), (2, 4)]),
]

CASES = [
    Case("einsum", (lambda spec: lambda *xs: ops.einsum(spec, *xs))(spec),
         [_n(*s, seed=100 + 10 * k + j) for j, s in enumerate(shapes)],
         (lambda spec: lambda *xs: torch().einsum(spec, *xs))(spec), id=spec)
    for k, (spec, shapes) in enumerate(EINSUM)
] + [
    Case("einsum", lambda a, b: ops.einsum("ij,jk->ik", a, b, optimize="optimal"),
         [_n(3, 4, seed=200), _n(4, 2, seed=201)],
         lambda a, b: torch().einsum("ij,jk->ik", a, b), id="optimize"),
    Case("einsum", lambda a, b: ops.einsum(a, [0, 1], b, [1, 2], [0, 2]),
         [_n(3, 4, seed=202), _n(4, 2, seed=203)],
         lambda a, b: a @ b, id="sublist"),
    Case("tensordot", lambda a, b: ops.tensordot(a, b, axes=([2, 0], [0, 1])),
         [_n(2, 3, 4, seed=210), _n(4, 2, 5, seed=211)],
         lambda a, b: torch().tensordot(a, b, dims=([2, 0], [0, 1])), id="pairs"),
    Case("tensordot", lambda a, b: ops.tensordot(a, b, axes=1),
         [_n(2, 3, seed=212), _n(3, 4, seed=213)],
         lambda a, b: torch().tensordot(a, b, dims=1), id="int"),
    Case("tensordot", lambda a, b: ops.dot(a, b), [_n(2, 3, 4, seed=214), _n(5, 4, 2, seed=215)],
         lambda a, b: torch().tensordot(a, b, dims=([2], [1])),
         id="dot-nd"),
    Case("tensordot", lambda a, b: ops.inner(a, b), [_n(2, 4, seed=216), _n(3, 4, seed=217)],
         lambda a, b: torch().inner(a, b), id="inner"),
]
