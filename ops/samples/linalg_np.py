"""Sample inputs for numpy.linalg: inv det slogdet solve cholesky qr eig eigh eigvalsh svd svdvals pinv norm.

Inputs are well conditioned (diagonal shift), symmetric ones are built inside the sample
function (so both gradcheck and torch see the symmetric gradient convention), and losses
of eigen/singular vectors are gauge invariant (squares of their entries).
"""
import numpy as np

import ops
from ops import linalg
from ops.samples import Case, rng, tie_free, away_from_zero, torch


def _n(*shape, seed=0):
    return rng(seed).standard_normal(shape)


def _wc(*shape, seed=0):
    """A well-conditioned square matrix (or stack): normal entries plus 3 I."""
    return _n(*shape, seed=seed) + 3 * np.eye(shape[-1])


def _spd(x):
    return x @ x.swapaxes(-1, -2) + 2 * np.eye(x.shape[-1])


def _spd_t(x):
    return x @ x.mT + 2 * torch().eye(x.shape[-1], dtype=x.dtype)


def _sym(x):
    return (x + x.swapaxes(-1, -2)) / 2


def _sym_t(x):
    return (x + x.mT) / 2


def _flat(*parts):
    return ops.concatenate([p.reshape(-1) for p in parts])


def _flat_t(*parts):
    return torch().cat([p.reshape(-1) for p in parts])


def _qr_case(shape, seed, mode="reduced"):
    return Case("qr", lambda a: _flat(*linalg.qr(a, mode=mode)), [_n(*shape, seed=seed)],
                lambda a: _flat_t(*torch().linalg.qr(a, mode=mode)), id=f"{shape}-{mode}")


def _svd_case(shape, seed, full=False):
    k = min(shape[-2:])

    def ours(a):
        u, s, vh = linalg.svd(a, full_matrices=full)
        return _flat(s, u[..., :k] ** 2, vh[..., :k, :] ** 2)

    def theirs(a):
        u, s, vh = torch().linalg.svd(a, full_matrices=full)
        return _flat_t(s, u[..., :k] ** 2, vh[..., :k, :] ** 2)

    return Case("svd", ours, [_n(*shape, seed=seed)], theirs, id=f"{shape}-full={full}")


def _eigh_ours(x):
    w, v = linalg.eigh(_sym(x))
    return _flat(w, v ** 2)


def _eigh_theirs(x):
    w, v = torch().linalg.eigh(_sym_t(x))
    return _flat_t(w, v ** 2)


def _eig_ours(x):
    w, v = linalg.eig(x)  # |v|^2 = real(v conj(v)) is invariant to each eigenvector's phase
    return _flat(ops.real(w), ops.imag(w), ops.real(v * ops.conj(v)))


def _eig_theirs(x):
    w, v = torch().linalg.eig(x)
    return _flat_t(w.real, w.imag, v.abs() ** 2)


def _norm_case(x, ord=None, axis=None, keepdims=False, gradcheck=True, id=""):
    return Case("norm", lambda t: linalg.norm(t, ord=ord, axis=axis, keepdims=keepdims), [x],
                lambda t: torch().linalg.norm(t, ord=ord, dim=axis, keepdim=keepdims),
                gradcheck=gradcheck, id=id or f"ord={ord}-axis={axis}-keepdims={keepdims}")


def _c(x, y):
    return x + y * 1j


def _c_t(x, y):
    return torch().complex(x, y)


def _herm(z):
    return (z + linalg.matrix_transpose(z).conj()) / 2


def _herm_t(z):
    return (z + z.mH) / 2


def _cspd(z):
    return z @ linalg.matrix_transpose(z).conj() + 2 * np.eye(z.shape[-1])


def _cspd_t(z):
    return z @ z.mH + 2 * torch().eye(z.shape[-1], dtype=z.dtype)


def _parts(z):
    return ops.stack([ops.real(z), ops.imag(z)])


def _parts_t(z):
    return torch().stack([z.real, z.imag])


C1, C2 = _n(3, 3, seed=350), _n(3, 3, seed=351)
COMPLEX = [  # complex matrices built from two real inputs; real outputs (parts side by side)
    Case("inv", lambda x, y: _parts(linalg.inv(_c(x, y) + 3 * np.eye(3))), [C1, C2],
         lambda x, y: _parts_t(torch().linalg.inv(_c_t(x, y) + 3 * torch().eye(3))), id="complex"),
    Case("det", lambda x, y: _parts(linalg.det(_c(x, y))), [C1, C2],
         lambda x, y: _parts_t(torch().linalg.det(_c_t(x, y))), id="complex"),
    Case("solve", lambda x, y: _parts(linalg.solve(_c(x, y) + 3 * np.eye(3), _c(y, x))), [C1, C2],
         lambda x, y: _parts_t(torch().linalg.solve(_c_t(x, y) + 3 * torch().eye(3), _c_t(y, x))), id="complex"),
    Case("slogdet", lambda x, y: linalg.slogdet(_c(x, y)).logabsdet, [C1, C2],
         lambda x, y: torch().linalg.slogdet(_c_t(x, y))[1], id="complex"),
    Case("cholesky", lambda x, y: _parts(linalg.cholesky(_cspd(_c(x, y)))), [C1, C2],
         lambda x, y: _parts_t(torch().linalg.cholesky(_cspd_t(_c_t(x, y)))), id="complex"),
    Case("eigvalsh", lambda x, y: linalg.eigvalsh(_herm(_c(x, y))), [C1, C2],
         lambda x, y: torch().linalg.eigvalsh(_herm_t(_c_t(x, y))), id="complex"),
    Case("svdvals", lambda x, y: linalg.svdvals(_c(x, y)), [_n(4, 3, seed=352), _n(4, 3, seed=353)],
         lambda x, y: torch().linalg.svdvals(_c_t(x, y)), id="complex"),
    Case("pinv", lambda x, y: _parts(linalg.pinv(_c(x, y))), [_n(3, 4, seed=354), _n(3, 4, seed=355)],
         lambda x, y: _parts_t(torch().linalg.pinv(_c_t(x, y))), id="complex"),
    Case("norm", lambda x, y: linalg.norm(_c(x, y), ord=3, axis=1), [C1, C2],
         lambda x, y: torch().linalg.norm(_c_t(x, y), ord=3, dim=1), id="complex"),
]

V = away_from_zero((2, 5), seed=300)
M = tie_free((3, 4), seed=301)

CASES = [
    Case("inv", linalg.inv, [_wc(3, 3, seed=310)], lambda a: torch().linalg.inv(a)),
    Case("inv", linalg.inv, [_wc(2, 3, 3, seed=311)], lambda a: torch().linalg.inv(a), id="batched"),
    Case("det", linalg.det, [_wc(3, 3, seed=312)], lambda a: torch().linalg.det(a)),
    Case("det", linalg.det, [_n(2, 4, 4, seed=313)], lambda a: torch().linalg.det(a), id="batched"),
    Case("slogdet", lambda a: linalg.slogdet(a).logabsdet, [_n(2, 3, 3, seed=314)],
         lambda a: torch().linalg.slogdet(a)[1]),
    Case("solve", linalg.solve, [_wc(3, 3, seed=315), _n(3, seed=316)],
         lambda a, b: torch().linalg.solve(a, b), id="vector"),
    Case("solve", linalg.solve, [_wc(2, 3, 3, seed=317), _n(2, 3, 2, seed=318)],
         lambda a, b: torch().linalg.solve(a, b), id="batched"),
    Case("solve", linalg.solve, [_wc(3, 3, seed=319), _n(2, 3, 2, seed=320)],
         lambda a, b: torch().linalg.solve(a, b), id="broadcast-a"),
    Case("cholesky", lambda x: linalg.cholesky(_spd(x)), [_n(3, 3, seed=321)],
         lambda x: torch().linalg.cholesky(_spd_t(x))),
    Case("cholesky", lambda x: linalg.cholesky(_spd(x), upper=True), [_n(2, 4, 4, seed=322)],
         lambda x: torch().linalg.cholesky(_spd_t(x), upper=True), id="batched-upper"),
    _qr_case((4, 3), 323), _qr_case((3, 3), 324), _qr_case((3, 5), 325), _qr_case((2, 4, 3), 326),
    _qr_case((2, 4), 327, mode="complete"),
    Case("eigh", _eigh_ours, [_n(4, 4, seed=328)], _eigh_theirs),
    Case("eigh", _eigh_ours, [_n(2, 3, 3, seed=329)], _eigh_theirs, id="batched"),
    Case("eig", _eig_ours, [_n(4, 4, seed=341)], _eig_theirs, id="real-input-complex-values"),
    Case("eig", _eig_ours, [_spd(_n(3, 3, seed=342)) + np.diag([0.0, 1.0, 2.0])], _eig_theirs,
         id="real-values"),
    Case("eig", _eig_ours, [_n(2, 3, 3, seed=343)], _eig_theirs, id="batched"),
    Case("eig", lambda x, y: _eig_ours(_c(x, y)), [_n(3, 3, seed=344), _n(3, 3, seed=345)],
         lambda x, y: _eig_theirs(_c_t(x, y)), id="complex"),
    Case("eigvalsh", lambda x: linalg.eigvalsh(_sym(x)), [_n(4, 4, seed=330)],
         lambda x: torch().linalg.eigvalsh(_sym_t(x))),
    _svd_case((4, 3), 331), _svd_case((3, 5), 332), _svd_case((2, 3, 3), 333),
    _svd_case((4, 3), 334, full=True), _svd_case((3, 4), 335, full=True),
    Case("svdvals", lambda a: linalg.svd(a, compute_uv=False), [_n(4, 3, seed=336)],
         lambda a: torch().linalg.svdvals(a)),
    Case("svdvals", linalg.svdvals, [_n(2, 3, 5, seed=337)], lambda a: torch().linalg.svdvals(a),
         id="batched"),
    Case("pinv", linalg.pinv, [_n(4, 3, seed=338)], lambda a: torch().linalg.pinv(a), id="tall"),
    Case("pinv", linalg.pinv, [_n(3, 5, seed=339)], lambda a: torch().linalg.pinv(a), id="wide"),
    Case("pinv", linalg.pinv, [_n(2, 3, 3, seed=340)], lambda a: torch().linalg.pinv(a), id="batched"),
    _norm_case(V), _norm_case(V, axis=1), _norm_case(V, ord=1, axis=1),
    _norm_case(V, ord=np.inf, axis=1, keepdims=True), _norm_case(V, ord=-np.inf, axis=0),
    Case("norm", lambda t: linalg.norm(t, ord=0, axis=1), [V],  # torch gives None: add a zero
         lambda t: torch().linalg.norm(t, ord=0, dim=1) + 0 * t.sum(), id="ord=0"),
    _norm_case(V, ord=3, axis=1), _norm_case(V, ord=0.5, axis=-1),
    _norm_case(M, ord="fro"), _norm_case(M, ord="nuc"), _norm_case(M, ord=2), _norm_case(M, ord=-2),
    _norm_case(M, ord=1), _norm_case(M, ord=-1), _norm_case(M, ord=np.inf),
    _norm_case(M, ord=-np.inf, keepdims=True),
    _norm_case(tie_free((2, 3, 4), seed=302), ord="nuc", axis=(2, 0), id="nuc-axes"),
    _norm_case(np.zeros((2, 3)), axis=1, gradcheck=False, id="zero-subgradient"),
] + COMPLEX
