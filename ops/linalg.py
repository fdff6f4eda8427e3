"""Linear algebra: matmul, linear, and numpy.linalg (reachable as np.linalg.<fn> on Tensors).

matmul follows NumPy's rules, linear is PyTorch's x @ weight.T + bias. The numpy.linalg
functions below take NumPy's signatures; `__all__` lists those that `np.linalg.<fn>`
dispatches to.
"""
from collections import namedtuple

import numpy as np

from autograd.function import Function, call, register
from autograd.tensor import Tensor, apply
from ops import products
from ops._blas import both, gemm_threads, matmul as _matmul
from ops._validate import rank

__all__ = [
    "matmul", "inv", "det", "slogdet", "solve", "cholesky", "qr", "eigh", "eigvalsh", "svd",
    "svdvals", "pinv", "norm", "vector_norm", "matrix_norm", "matrix_power", "multi_dot",
    "matrix_transpose", "vecdot", "outer", "cross", "tensordot", "lstsq", "eig", "eigvals", "cond",
    "matrix_rank", "trace", "diagonal", "tensorinv", "tensorsolve",
]


def _threads(*arrays):
    """Before LAPACK's O(n^3) work on these stacks: the BLAS at one thread (ops/_blas.py's
    policy; two threads beside a busy core made eigh 100x slower)."""
    gemm_threads(sum(a.size * a.shape[-1] for a in arrays if getattr(a, "ndim", 0) >= 2))


def _pair(first, second, g, flops):
    """A VJP's two GEMMs (a None-returning one when a gradient is not needed): each one
    whole one-thread call, in two lanes when large and the machine quiet (ops/_blas.py;
    the same floats either way). Under create_graph (g a Tensor) they are recorded ops."""
    if not isinstance(g, np.ndarray):
        return first(), second()
    return both(first, second, flops)


@register("matmul")
class MatMul(Function):
    """a @ b: 1-D, 2-D and batched with broadcast batch dimensions."""

    def forward(self, a, b):
        if np.ndim(a) == 0 or np.ndim(b) == 0:
            raise ValueError(f"matmul: operands must have at least one dimension, got shapes {np.shape(a)} and {np.shape(b)}")
        if a.shape[-1] != b.shape[-2 if b.ndim > 1 else 0]:
            raise ValueError(f"matmul: shapes {a.shape} and {b.shape} do not match for a @ b")
        self.save(a, b)
        try:
            return _matmul(a, b)  # large GEMMs in two lanes (ops/_blas.py)
        except ValueError:
            raise ValueError(f"matmul: batch dimensions of {a.shape} and {b.shape} cannot be broadcast") from None

    def vjp(self, g):
        a, b = self.saved
        # Treat 1-D operands as matrices: a (k,) -> (1, k), b (k,) -> (k, 1).
        a2 = a.reshape((1,) + a.shape) if a.ndim == 1 else a
        b2 = b.reshape(b.shape + (1,)) if b.ndim == 1 else b
        if a.ndim == 1:
            g = g.reshape(g.shape[:-1] + (1,) + g.shape[-1:]) if b.ndim > 1 else g.reshape(g.shape + (1,))
        if b.ndim == 1:
            g = g.reshape(g.shape + (1,))
        ga, gb = _pair(lambda: g @ b2.swapaxes(-1, -2) if self.needs_grad(0) else None,  # (..., n, k)
                       lambda: a2.swapaxes(-1, -2) @ g if self.needs_grad(1) else None,  # (..., k, m)
                       g, a2.shape[-1] * g.size)
        if ga is not None and a.ndim == 1:
            ga = ga.reshape(ga.shape[:-2] + ga.shape[-1:])
        if gb is not None and b.ndim == 1:
            gb = gb.reshape(gb.shape[:-1])
        return ga, gb


@register("linear")
class Linear(Function):
    """x @ weight.T + bias, weight (out, in) as in PyTorch; one GEMM each way."""

    def forward(self, x, weight, bias=None):
        rank("linear", "input", x.shape, minimum=1)
        if weight.ndim != 2 or x.shape[-1] != weight.shape[1]:
            raise ValueError(
                f"linear: input of shape {x.shape} does not match weight of shape {weight.shape} "
                "(expected weight (out_features, in_features) with in_features == input.shape[-1])"
            )
        if bias is not None and bias.shape != (weight.shape[0],):
            raise ValueError(f"linear: bias of shape {bias.shape} for weight of shape {weight.shape}")
        self.save(x, weight)
        out = _matmul(x, weight.T)  # large GEMMs in two lanes (ops/_blas.py)
        if bias is not None:
            out += bias
        return out

    def vjp(self, g):
        x, weight = self.saved
        g2 = g.reshape((-1, g.shape[-1]))  # (N, out)
        gx, gw = _pair(lambda: g @ weight if self.needs_grad(0) else None,
                       lambda: g2.T @ x.reshape((-1, x.shape[-1])) if self.needs_grad(1) else None,
                       g, g.size * weight.shape[1])
        gb = g2.sum(axis=0) if self.needs_grad(2) else None
        return gx, gw, gb


def matmul(a, b):
    """Matrix product with NumPy's rules (1-D, 2-D, batched with broadcasting)."""
    return apply(MatMul, a, b)


def linear(x, weight, bias=None):
    """x @ weight.T + bias, with weight of shape (out_features, in_features)."""
    return apply(Linear, x, weight, bias)


# ============================================================== numpy.linalg
# Multi-output decompositions (qr, eigh, svd) are one registered rule each whose output
# is their results packed into one array (flattened and concatenated along the last
# axis); the public functions slice it apart with registered ops, so a loss that uses
# only some results sends zeros for the others, and the VJP reads the saved packed
# output (graph-connected under create_graph) for twice-differentiable formulas.
# Formulas follow PyTorch's (FunctionsManual.cpp): gradients of symmetric-input
# decompositions (cholesky, eigh) are the symmetric ones; eigenvector and singular-vector
# gradients are for gauge-invariant losses; repeated eigen/singular values give inf/nan
# exactly where PyTorch's do. Complex input works everywhere: inv, det and solve are
# holomorphic (the engine applies the convention); the others are not and are written
# with conjugate transposes in PyTorch's convention (`holomorphic = False`).

_Slogdet = namedtuple("SlogdetResult", ["sign", "logabsdet"])
_QR = namedtuple("QRResult", ["Q", "R"])
_Eigh = namedtuple("EighResult", ["eigenvalues", "eigenvectors"])
_SVD = namedtuple("SVDResult", ["U", "S", "Vh"])


def _mT(x):
    """Swap the last two axes (arrays and Tensors alike)."""
    return x.swapaxes(-1, -2)


def _tensor(x):
    return x if isinstance(x, Tensor) else Tensor(np.asarray(x) if not isinstance(x, np.ndarray) else x)


def _mH(x):
    """The conjugate transpose of the last two axes (the transpose for real input)."""
    x = x.swapaxes(-1, -2)
    return call("conj", x) if np.iscomplexobj(x) else x


def _square(op, a):
    if a.ndim < 2 or a.shape[-1] != a.shape[-2]:
        raise ValueError(f"{op}: expected a square matrix or a stack of them (..., M, M), got shape {a.shape}")


def _matrix(op, a):
    if a.ndim < 2:
        raise ValueError(f"{op}: expected a matrix or a stack of them (..., M, N), got shape {a.shape}")


def _eye(n, like):
    return np.eye(n, dtype=np.result_type(getattr(like, "dtype", np.float64), np.float32))


def _diag_embed(v, like=None):
    """(..., K) -> (..., K, K) with v on the diagonal (arrays and Tensors)."""
    return _col(v) * _eye(v.shape[-1], v)


def _diagonal(x):
    """The diagonal of the last two axes of a square stack (an einsum: no indexing node)."""
    batch = "abcdefghijklmnopqrstuvw"[:x.ndim - 2]
    return call("einsum", x, subscripts=f"{batch}yy->{batch}y", optimize=False)


def _row(v):
    """(..., K) -> (..., 1, K) by reshape (cheaper than indexing, and no scatter in backward)."""
    return v.reshape(v.shape[:-1] + (1, v.shape[-1]))


def _col(v):
    """(..., K) -> (..., K, 1)."""
    return v.reshape(v.shape + (1,))


def _pack(*arrays, batch):
    return np.concatenate([a.reshape(batch + (-1,)) for a in arrays], axis=-1)


def _unpack(packed, batch, *shapes):
    out, start = [], 0
    for shape in shapes:
        size = int(np.prod(shape))
        out.append(packed[..., start:start + size].reshape(batch + tuple(shape)))
        start += size
    return out


@register("inv")
class Inv(Function):
    """np.linalg.inv, batched: the gradient is -A^-T g A^-T."""

    def forward(self, a):
        _threads(a)
        _square("inv", a)
        out = np.linalg.inv(a)
        self.save(out)
        return out

    def vjp(self, g):
        (y,) = self.saved
        _threads(g, *self.saved)
        yt = _mT(y)
        return -(yt @ g @ yt)


@register("det")
class Det(Function):
    """np.linalg.det, batched: the gradient is g times the cofactor matrix, det(A) A^-T."""

    def forward(self, a):
        _threads(a)
        _square("det", a)
        out = np.asarray(np.linalg.det(a))
        self.save(a, out)
        return out

    def vjp(self, g):
        a, d = self.saved
        _threads(g, *self.saved)
        if isinstance(a, np.ndarray) and (d == 0).any():
            return _col(_col(g)) * _cofactors(a)  # singular: no inverse, the cofactors still exist
        return _col(_col(g * d)) * _mT(call("inv", a))


def _cofactors(a):
    """The cofactor matrix of each (..., M, M) matrix through its SVD (singular ones too)."""
    u, s, vh = np.linalg.svd(a)
    n = s.shape[-1]
    others = np.where(np.eye(n, dtype=bool), 1, s[..., None, :]).prod(axis=-1)  # prod_{j != i} s_j
    sign = np.linalg.det(u) * np.linalg.det(vh)
    return _col(_col(sign)) * ((u * _row(others)) @ vh).conj()  # det(A) A^-T when invertible


@register("slogdet")
class LogAbsDet(Function):
    """The `logabsdet` of np.linalg.slogdet; the gradient is g A^-T (the sign has none)."""

    holomorphic = False  # written for PyTorch's convention (conjugate transposes)

    def forward(self, a):
        _threads(a)
        _square("slogdet", a)
        _, out = np.linalg.slogdet(a)
        self.save(a)
        return np.asarray(out)

    def vjp(self, g):
        (a,) = self.saved
        _threads(g, *self.saved)
        return _col(_col(g)) * _mH(call("inv", a))


@register("solve")
class Solve(Function):
    """np.linalg.solve(a, b): b is a vector only when 1-D (NumPy 2's rule)."""

    def forward(self, a, b):
        _threads(a, b)
        _square("solve", a)
        vector = b.ndim == 1
        if b.shape[-1 if vector else -2] != a.shape[-1]:
            raise ValueError(f"solve: a of shape {a.shape} does not match b of shape {b.shape}")
        try:
            out = np.linalg.solve(a, b)
        except np.linalg.LinAlgError:
            raise
        except ValueError:
            raise ValueError(f"solve: batch dimensions of a {a.shape} and b {b.shape} cannot be broadcast") from None
        self.save(a, out)
        self.vector = vector
        return out

    def vjp(self, g):
        a, x = self.saved
        _threads(g, *self.saved)
        if self.vector:  # x (..., M): solve A^T with g as a column
            gb = call("solve", _mT(a), _col(g))
            gb = gb.reshape(gb.shape[:-1])
            ga = -(_col(gb) * _row(x)) if self.needs_grad(0) else None
        else:
            gb = call("solve", _mT(a), g)
            ga = -(gb @ _mT(x)) if self.needs_grad(0) else None
        return ga, (gb if self.needs_grad(1) else None)


@register("cholesky")
class Cholesky(Function):
    """np.linalg.cholesky: lower L with A = L L^H (upper=True: U = L^H, read from the upper triangle)."""

    holomorphic = False  # written for PyTorch's convention (conjugate transposes)

    def forward(self, a, upper=False):
        _threads(a)
        _square("cholesky", a)
        out = np.linalg.cholesky(a, upper=upper)
        self.save(out)
        self.upper = upper
        return out

    def vjp(self, g):
        (L,) = self.saved
        _threads(g, *self.saved)
        if self.upper:  # the same rule on L = U^H, gL = gU^H
            L, g = _mH(L), _mH(g)
        n = L.shape[-1]
        lower = np.tril(np.ones((n, n), dtype=L.dtype))
        P = (_mH(L) @ (g * lower)) * lower
        P = (P + _mH(P * (lower - np.eye(n, dtype=L.dtype)))) / 2  # Hermitian off the diagonal
        Linv = call("inv", L)
        return _mH(Linv) @ P @ Linv  # L^-H P L^-1: PyTorch's (symmetric for real input)


@register("qr")
class QR(Function):
    """np.linalg.qr (reduced) packed as [Q.ravel, R.ravel] per matrix of the batch."""

    holomorphic = False  # written for PyTorch's convention (conjugate transposes)

    def forward(self, a):
        _threads(a)
        _matrix("qr", a)
        q, r = np.linalg.qr(a, mode="reduced")
        self.batch, self.shapes = a.shape[:-2], (q.shape[-2:], r.shape[-2:])
        out = _pack(q, r, batch=self.batch)
        self.save(out)
        return out

    def vjp(self, g):
        (packed,) = self.saved
        _threads(g, *self.saved)
        Q, R = _unpack(packed, self.batch, *self.shapes)
        gQ, gR = _unpack(g, self.batch, *self.shapes)
        m, n = Q.shape[-2], R.shape[-1]
        if m >= n:
            return _qr_square_grad(Q, R, gQ, gR)
        # A = [X | Y] with X = Q R1 square: X's rule with gQ + Y gR2^T, and Y gets Q gR2
        R1, R2 = R[..., :, :m], R[..., :, m:]
        gR1, gR2 = gR[..., :, :m], gR[..., :, m:]
        Y = Q @ R2
        gX = _qr_square_grad(Q, R1, gQ + Y @ _mH(gR2), gR1)
        return call("concatenate", gX, Q @ gR2, axis=-1)


def _qr_square_grad(Q, R, gQ, gR):
    """Gradient of A = QR (M >= N, reduced): (gQ + Q copyltu(M)) R^-H, M = R gR^H - gQ^H Q."""
    n = R.shape[-1]
    M = R @ _mH(gR) - _mH(gQ) @ Q
    strict = np.tril(np.ones((n, n), dtype=R.dtype), -1)
    X = M * (strict + np.eye(n, dtype=R.dtype) / 2)  # lower triangle, half diagonal
    copyltu = X + _mH(X)  # Hermitian, lower part from M (real diagonal for complex M)
    b = gQ + Q @ copyltu
    return _mH(call("solve", R, _mH(b)))


class _Eigen(Function):
    """Shared packing of eigh/eig: (..., M + 1, M), row 0 the eigenvalues, then the vectors."""

    def pack(self, w, v):
        out = np.concatenate([w[..., None, :], v], axis=-2)
        self.save(out)
        return out

    def unpack(self, g):
        """(w, V, gw, gV, identity) from the saved packing and its gradient."""
        (packed,) = self.saved
        _threads(g, packed)
        w, V = packed[..., 0, :], packed[..., 1:, :]
        return w, V, g[..., 0, :], g[..., 1:, :], _eye(w.shape[-1], w)


@register("eigh")
class Eigh(_Eigen):
    """np.linalg.eigh packed as (..., M + 1, M): row 0 the eigenvalues, then the eigenvectors."""

    holomorphic = False  # written for PyTorch's convention (conjugate transposes)

    def forward(self, a, UPLO="L"):
        _threads(a)
        _square("eigh", a)
        return self.pack(*np.linalg.eigh(a, UPLO=UPLO))

    def vjp(self, g):
        w, V, gw, gV, eye = self.unpack(g)
        # F_ij = 1 / (w_j - w_i) off the diagonal, 0 on it (inf for repeated eigenvalues)
        VhgV = _mH(V) @ gV
        with np.errstate(divide="ignore", invalid="ignore"):  # repeated eigenvalues: inf/nan, as PyTorch
            F = 1 / (_row(w) - _col(w) + eye) - eye
            # the skew-Hermitian part of V^H gV, as PyTorch: the gradient comes out Hermitian
            inner = (VhgV - _mH(VhgV)) / 2 * F + _diag_embed(gw)
            return V @ inner @ _mH(V)


@register("eig")
class Eig(_Eigen):
    """np.linalg.eig (general square matrices) packed as (..., M + 1, M): eigenvalues, then eigenvectors."""

    holomorphic = False  # PyTorch's linalg_eig_backward, conjugate transposes written out

    def forward(self, a):
        _threads(a)
        _square("eig", a)
        return self.pack(*np.linalg.eig(a))

    def vjp(self, g):
        w, V, gw, gV, eye = self.unpack(g)
        VhgV = _mH(V) @ gV
        # project onto matrices whose columns keep norm 1 (NumPy's normalisation)
        VhgV = VhgV - _mH(V) @ (V * _row(call("real", _diagonal(VhgV)) if np.iscomplexobj(VhgV) else _diagonal(VhgV)))
        wc = call("conj", w) if np.iscomplexobj(w) else w
        with np.errstate(divide="ignore", invalid="ignore"):
            inner = VhgV / (_row(wc) - _col(wc) + eye) * (1 - eye) + _diag_embed(gw)
        return call("solve", _mH(V), inner @ _mH(V))  # V^-H inner V^H


@register("eigvalsh")
class EigvalsH(Function):
    """np.linalg.eigvalsh: the gradient is V diag(g) V^T (V recomputed through eigh for higher order)."""

    holomorphic = False  # written for PyTorch's convention (conjugate transposes)

    def forward(self, a, UPLO="L"):
        _threads(a)
        _square("eigvalsh", a)
        w, v = np.linalg.eigh(a, UPLO=UPLO)
        self.save(a, v)
        self.uplo = UPLO
        return w

    def vjp(self, g):
        a, V = self.saved
        _threads(g, *self.saved)
        if not isinstance(V, np.ndarray) or not isinstance(a, np.ndarray):
            V = call("eigh", a, UPLO=self.uplo)[..., 1:, :]  # graph-connected eigenvectors
        return (V * _row(g)) @ _mH(V)


@register("svd")
class SVD(Function):
    """np.linalg.svd packed as [U.ravel, S, Vh.ravel] per matrix of the batch."""

    holomorphic = False  # written for PyTorch's convention (conjugate transposes)

    def forward(self, a, full_matrices=True):
        _threads(a)
        _matrix("svd", a)
        u, s, vh = np.linalg.svd(a, full_matrices=full_matrices)
        self.batch = a.shape[:-2]
        self.shapes = (u.shape[-2:], s.shape[-1:], vh.shape[-2:])
        out = _pack(u, s, vh, batch=self.batch)
        self.save(out)
        return out

    def vjp(self, g):
        (packed,) = self.saved
        _threads(g, *self.saved)
        U, S, Vh = _unpack(packed, self.batch, *self.shapes)
        gU, gS, gVh = _unpack(g, self.batch, *self.shapes)
        k = S.shape[-1]
        m, n = U.shape[-2], Vh.shape[-1]
        # full_matrices: the extra columns are not unique; as PyTorch, only the first k count
        if U.shape[-1] != k:
            U, gU = U[..., :, :k], gU[..., :, :k]
        if Vh.shape[-2] != k:
            Vh, gVh = Vh[..., :k, :], gVh[..., :k, :]
        UhgU = _mH(U) @ gU
        VhgV = Vh @ _mH(gVh)
        UhgU = UhgU - _mH(UhgU)
        VhgV = VhgV - _mH(VhgV)
        eye = _eye(k, S)
        S2 = S * S
        E = _row(S2) - _col(S2) + eye
        inner = (UhgU * _row(S) + _col(S) * VhgV) / E + _diag_embed(gS)
        if np.iscomplexobj(UhgU):  # the phase of each singular pair: i Im(diag(U^H gU)) / S
            inner = inner + _diag_embed(_diagonal(UhgU) / (2 * S))  # UhgU is skewed: its diagonal is 2i Im
        if m > n:  # gA = [U inner + (I - U U^T) gU S^-1] Vh
            gUS = gU / _row(S)
            return (U @ inner + gUS - U @ (_mH(U) @ gUS)) @ Vh
        if m < n:  # gA = U [inner Vh + S^-1 gVh (I - V Vh)]
            SgVh = gVh / _col(S)
            return U @ (inner @ Vh + SgVh - (SgVh @ _mH(Vh)) @ Vh)
        return U @ inner @ Vh


@register("svdvals")
class SVDVals(Function):
    """The singular values: the gradient is U diag(g) Vh (U, Vh recomputed through svd for higher order)."""

    holomorphic = False  # written for PyTorch's convention (conjugate transposes)

    def forward(self, a):
        _threads(a)
        _matrix("svdvals", a)
        u, s, vh = np.linalg.svd(a, full_matrices=False)
        self.save(a, u, vh)
        return s

    def vjp(self, g):
        a, U, Vh = self.saved
        _threads(g, *self.saved)
        if not isinstance(a, np.ndarray) or not isinstance(U, np.ndarray):
            U, _, Vh = _svd_parts(a, full_matrices=False)  # graph-connected singular vectors
        return (U * _row(g)) @ Vh


@register("pinv")
class Pinv(Function):
    """np.linalg.pinv; the gradient of a constant-rank pseudo-inverse (PyTorch's formula)."""

    holomorphic = False  # written for PyTorch's convention (conjugate transposes)

    def forward(self, a, rcond=None, hermitian=False):
        _threads(a)
        _matrix("pinv", a)
        out = np.linalg.pinv(a, rcond=rcond, hermitian=hermitian) if rcond is not None \
            else np.linalg.pinv(a, hermitian=hermitian)
        self.save(a, out)
        return out

    def vjp(self, g):
        a, p = self.saved
        _threads(g, *self.saved)
        m, n = a.shape[-2], a.shape[-1]
        gt = _mH(g)
        if m <= n:
            K = gt @ p
            KpT = K @ _mH(p)
            return -_mH(p @ K) + KpT - (a @ p) @ KpT + (_mH(p) @ p) @ (gt - K @ a)
        K = p @ gt
        pTK = _mH(p) @ K
        return -_mH(K @ p) + pTK - pTK @ (p @ a) + (gt - a @ K) @ (p @ _mH(p))


@register("norm")
class VectorNorm(Function):
    """The vector p-norm over `axes` (2, inf, -inf, 0, 1, any p); gradient 0 where the norm is 0."""

    holomorphic = False  # |x| is not holomorphic; written for PyTorch's convention directly

    def forward(self, x, ord=2, axes=None, keepdims=False):
        # one array object: the saved output must be the returned one (higher order)
        out = np.asarray(np.linalg.vector_norm(x, ord=ord, axis=axes, keepdims=keepdims))
        self.axes = tuple(range(x.ndim)) if axes is None else tuple(a % x.ndim for a in axes)
        self.ord = ord
        kept = tuple(1 if i in self.axes else s for i, s in enumerate(x.shape))
        n = out.reshape(kept)
        dtype = n.dtype
        if ord == 2:
            self.save(x, out)
            self.zero = (n == 0).astype(dtype)  # masks on forward values, as 0/1 floats
        elif ord in (np.inf, -np.inf):
            hit = np.abs(x) == n
            self.save((np.sign(x) * hit / hit.sum(axis=self.axes, keepdims=True)).astype(x.dtype))
        elif ord == 0:
            self.save()
            self.shape = x.shape
        elif ord == 1:
            self.save(np.sign(x))
        else:
            self.save(x, out)
            self.zero = (n == 0).astype(dtype)
            self.zero_x = ((n == 0) | ((np.abs(x) == 0) if ord < 1 else False)).astype(dtype)
        self.kept = kept
        return out

    def vjp(self, g):
        g = g.reshape(self.kept)
        if self.ord == 2:
            x, out = self.saved
            n = out.reshape(self.kept)
            return x * (g / (n + self.zero) * (1 - self.zero))
        if self.ord == 0:
            return np.zeros(self.shape, dtype=g.dtype) * g
        if self.ord in (np.inf, -np.inf, 1):
            (weight,) = self.saved
            return weight * g
        x, out = self.saved
        p = self.ord
        n = out.reshape(self.kept)
        # x |x|^(p-2) g / n^(p-1), with 1 put in where masked so every power stays finite
        safe = call("abs", x) + self.zero_x
        scale = g / (n + self.zero) ** (p - 1) * (1 - self.zero)
        return x * safe ** (p - 2) * (1 - self.zero_x) * scale


# ------------------------------------------------------------- public functions
def inv(a):
    """np.linalg.inv on Tensors (batched)."""
    return apply(Inv, _tensor(a))


def det(a):
    """np.linalg.det on Tensors (batched)."""
    return apply(Det, _tensor(a))


def slogdet(a):
    """np.linalg.slogdet: (sign, logabsdet); only logabsdet carries a gradient."""
    a = _tensor(a)
    _square("slogdet", a)
    sign, _ = np.linalg.slogdet(a.data)
    return _Slogdet(Tensor(np.asarray(sign)), apply(LogAbsDet, a))


def solve(a, b):
    """np.linalg.solve on Tensors: b is (..., M) only when 1-D, else (..., M, K)."""
    return apply(Solve, _tensor(a), _tensor(b))


def cholesky(a, /, *, upper=False):
    """np.linalg.cholesky: lower L with A = L L^T (upper=True: L^T)."""
    return apply(Cholesky, _tensor(a), upper=bool(upper))


def qr(a, mode="reduced"):
    """np.linalg.qr: mode 'reduced' (Q, R), 'r' (R), or 'complete' when M <= N."""
    a = _tensor(a)
    _matrix("qr", a)
    m, n = a.shape[-2:]
    if mode == "raw":
        raise ValueError("qr: mode='raw' (Householder reflectors) is not differentiable in npgrad")
    if mode == "complete" and m > n:
        raise ValueError(
            f"qr: mode='complete' with M > N (shape {a.shape}) has non-unique extra columns of Q "
            "and no gradient; use mode='reduced'"
        )
    if mode not in ("reduced", "complete", "r"):
        raise ValueError(f"qr: unrecognized mode {mode!r}")
    k = min(m, n)
    packed = apply(QR, a)
    batch = a.shape[:-2]
    Q, R = _unpack(packed, batch, (m, k), (k, n))
    return R if mode == "r" else _QR(Q, R)


def eigh(a, UPLO="L"):
    """np.linalg.eigh of a symmetric matrix: (eigenvalues ascending, eigenvectors as columns)."""
    _uplo(UPLO)
    packed = apply(Eigh, _tensor(a), UPLO=UPLO)
    w = packed[..., 0, :]
    return _Eigh(call("real", w) if np.iscomplexobj(w) else w, packed[..., 1:, :])


_EigResult = namedtuple("EigResult", ["eigenvalues", "eigenvectors"])


def eig(a):
    """np.linalg.eig: eigenvalues and unit-norm eigenvectors (columns) of a general matrix.

    Real results when every eigenvalue is real, complex otherwise (NumPy's rule).
    Eigenvector gradients are for losses invariant to each column's phase (sign).
    """
    packed = apply(Eig, _tensor(a))
    return _EigResult(packed[..., 0, :], packed[..., 1:, :])


def eigvals(a):
    """np.linalg.eigvals: the eigenvalues of a general matrix (through eig)."""
    return eig(a).eigenvalues


def cond(x, p=None):
    """np.linalg.cond: s_max / s_min for p None, 2, -2; norm(x, p) * norm(inv(x), p) otherwise."""
    x = _tensor(x)
    if p is None or p in (2, -2):
        s = svdvals(x)
        big, small = s[..., 0], s[..., -1]
        return small / big if p == -2 else big / small
    return norm(x, p, axis=(-2, -1)) * norm(inv(x), p, axis=(-2, -1))


def matrix_rank(A, tol=None, hermitian=False, *, rtol=None):
    """np.linalg.matrix_rank: an integer, no gradient (computed on the values)."""
    return np.linalg.matrix_rank(_tensor(A).data, tol=tol, hermitian=hermitian, rtol=rtol)


def trace(x, /, *, offset=0, dtype=None):
    """np.linalg.trace: the trace over the last two axes."""
    from ops import trace as _trace

    return _trace(_tensor(x), offset, -2, -1, dtype)


def diagonal(x, /, *, offset=0):
    """np.linalg.diagonal: the diagonals of the last two axes."""
    from ops import diagonal as _diagonal_op

    return _diagonal_op(_tensor(x), offset, -2, -1)


def tensorinv(a, ind=2):
    """np.linalg.tensorinv: the inverse of a reshaped to a square matrix at `ind`."""
    a = _tensor(a)
    if ind <= 0:
        raise ValueError(f"tensorinv: invalid ind argument {ind}")
    rows = int(np.prod(a.shape[:ind]))
    inverse = inv(a.reshape(rows, -1))
    return inverse.reshape(a.shape[ind:] + a.shape[:ind])


def tensorsolve(a, b, axes=None):
    """np.linalg.tensorsolve: x with tensordot(a, x, x.ndim) == b."""
    a, b = _tensor(a), _tensor(b)
    if axes is not None:
        order = list(range(a.ndim))
        for k in axes:
            order.remove(k % a.ndim)
            order.insert(a.ndim, k % a.ndim)
        a = a.transpose(*order)
    shape = a.shape[b.ndim:]
    size = int(np.prod(shape))
    if a.size != size * size or b.size != size:
        raise ValueError(f"tensorsolve: a of shape {a.shape} and b of shape {b.shape} do not make a square system")
    return solve(a.reshape(size, size), b.reshape(-1)).reshape(shape)


def eigvalsh(a, UPLO="L"):
    """np.linalg.eigvalsh: the eigenvalues of a symmetric matrix, ascending."""
    _uplo(UPLO)
    return apply(EigvalsH, _tensor(a), UPLO=UPLO)


def _uplo(UPLO):
    if UPLO not in ("L", "U"):
        raise ValueError(f"eigh: UPLO must be 'L' or 'U', got {UPLO!r}")


def _svd_parts(a, full_matrices):
    a = _tensor(a) if not hasattr(a, "grad_fn") else a
    m, n = a.shape[-2:]
    k = min(m, n)
    shapes = ((m, m), (k,), (n, n)) if full_matrices else ((m, k), (k,), (k, n))
    packed = call("svd", a, full_matrices=full_matrices)
    U, S, Vh = _unpack(packed, a.shape[:-2], *shapes)
    return U, (call("real", S) if np.iscomplexobj(S) else S), Vh


def svd(a, full_matrices=True, compute_uv=True, hermitian=False):
    """np.linalg.svd: (U, S, Vh), or S alone with compute_uv=False.

    `hermitian=True` is accepted (a speed hint in NumPy; the same factorisation up to the
    signs of the singular vectors). With full_matrices=True and M != N the columns past
    min(M, N) get no gradient (they are not unique), as in PyTorch.
    """
    a = _tensor(a)
    _matrix("svd", a)
    if not compute_uv:
        return apply(SVDVals, a)
    return _SVD(*_svd_parts(a, full_matrices))


def svdvals(x, /):
    """np.linalg.svdvals: the singular values, descending."""
    return apply(SVDVals, _tensor(x))


def pinv(a, rcond=None, hermitian=False, **kwargs):
    """np.linalg.pinv; the gradient assumes the rank does not change near a."""
    if kwargs:
        if set(kwargs) != {"rtol"}:
            raise TypeError(f"pinv: unexpected keyword(s) {sorted(kwargs)}")
        if rcond is not None:
            raise ValueError("pinv: pass rcond or rtol, not both")
        rcond = kwargs["rtol"]
    return apply(Pinv, _tensor(a), rcond=rcond, hermitian=hermitian)


_Lstsq = namedtuple("LstsqResult", ["x", "residuals", "rank", "s"])


def lstsq(a, b, rcond=None):
    """np.linalg.lstsq: (x, residuals, rank, s), x the minimum-norm least-squares solution.

    x is pinv(a) @ b with NumPy's cutoff (rcond, default eps * max(M, N)), so it is
    differentiable wherever the rank is constant; residuals and s are differentiable,
    rank is an int.
    """
    a, b = _tensor(a), _tensor(b)
    if a.ndim != 2 or b.ndim not in (1, 2) or b.shape[0] != a.shape[0]:
        raise ValueError(f"lstsq: expected a (M, N) and b (M,) or (M, K), got shapes {a.shape} and {b.shape}")
    m, n = a.shape
    if rcond is None:
        rcond = np.finfo(np.result_type(a.dtype, np.float32)).eps * max(m, n)
    s = svdvals(a)
    rank = int((s.data > rcond * s.data.max(initial=0)).sum())  # NumPy's rule
    x = call("matmul", pinv(a, rcond=rcond), b)
    if rank == n and m > n:
        r = b - call("matmul", a, x)
        r2 = call("real", r * call("conj", r)) if np.iscomplexobj(r) else r * r
        residuals = r2.sum(axis=0).reshape(-1) if b.ndim == 1 else r2.sum(axis=0)
    else:
        residuals = Tensor(np.empty((0,), dtype=np.result_type(a.dtype, np.float32)))
    return _Lstsq(x, residuals, rank, s)


def matrix_power(a, n):
    """np.linalg.matrix_power: a @ a @ ... (n times), inverse for n < 0, identity for 0."""
    a = _tensor(a)
    _square("matrix_power", a)
    if not isinstance(n, (int, np.integer)):
        raise TypeError(f"matrix_power: exponent must be an integer, got {type(n).__name__}")
    if n == 0:
        return Tensor(np.broadcast_to(np.eye(a.shape[-1], dtype=a.dtype), a.shape).copy())
    if n < 0:
        a, n = inv(a), -n
    result, base = None, a
    while n:  # binary powering: O(log n) products
        if n & 1:
            result = base if result is None else call("matmul", result, base)
        n >>= 1
        if n:
            base = call("matmul", base, base)
    return result


def multi_dot(arrays, *, out=None):
    """np.linalg.multi_dot: a chain of matmuls (a first 1-D operand is a row, a last one a column)."""
    if out is not None:
        raise TypeError("multi_dot: out= is not supported on Tensors (results are new Tensors)")
    arrays = [_tensor(a) for a in arrays]
    if len(arrays) < 2:
        raise ValueError("multi_dot: expecting at least two arrays")
    for i, t in enumerate(arrays):
        if t.ndim not in ((1, 2) if i in (0, len(arrays) - 1) else (2,)):
            raise ValueError(f"multi_dot: array {i} has shape {t.shape}; inner arrays must be 2-D")
    result = arrays[0]
    for t in arrays[1:]:
        result = call("matmul", result, t)
    return result


def norm(x, ord=None, axis=None, keepdims=False):
    """np.linalg.norm: vector norms (2, inf, -inf, 0, 1, p) and matrix norms ('fro', 'nuc', 1, -1, 2, -2, inf, -inf).

    The gradient at a zero vector is 0 (a subgradient, as PyTorch); max-like norms split
    the gradient evenly among ties.
    """
    x = _tensor(x)
    if axis is None:
        if ord is None or (ord in ("fro", "f") and x.ndim == 2):
            out = apply(VectorNorm, x, ord=2, axes=None, keepdims=keepdims)
            return out
        if x.ndim == 1:
            axis = (0,)
        elif x.ndim == 2:
            axis = (0, 1)
        else:
            raise ValueError(f"norm: improper number of dimensions ({x.ndim}) for ord={ord!r} without axis")
    axes = (axis,) if isinstance(axis, (int, np.integer)) else tuple(axis)
    for a in axes:
        if not -x.ndim <= a < x.ndim:
            raise ValueError(f"norm: axis {a} out of range for shape {x.shape}")
    axes = tuple(int(a) % x.ndim for a in axes)
    if len(axes) == 1:
        if isinstance(ord, str):
            raise ValueError(f"norm: invalid norm order {ord!r} for vectors")
        return apply(VectorNorm, x, ord=2 if ord is None else float(ord), axes=axes, keepdims=keepdims)
    if len(axes) != 2 or axes[0] == axes[1]:
        raise ValueError(f"norm: axis must name one or two distinct axes, got {axis!r}")
    return _matrix_norm(x, ord, axes, keepdims)


def _matrix_norm(x, ord, axes, keepdims):
    if ord in (None, "fro", "f"):
        return apply(VectorNorm, x, ord=2, axes=axes, keepdims=keepdims)
    row, col = axes
    if ord in ("nuc", 2, -2):
        rest = [k for k in range(x.ndim) if k not in axes]
        s = svdvals(x.transpose(*rest, row, col))  # (..., K)
        out = s.sum(axis=-1) if ord == "nuc" else (s.max(axis=-1) if ord == 2 else s.min(axis=-1))
    elif ord in (1, -1, np.inf, -np.inf):
        a = call("abs", x)
        if ord in (1, -1):  # max/min over columns of the column sums
            sums, pick = a.sum(axis=row, keepdims=True), col
        else:
            sums, pick = a.sum(axis=col, keepdims=True), row
        out = sums.max(axis=pick, keepdims=True) if ord > 0 else sums.min(axis=pick, keepdims=True)
        out = out.reshape(tuple(n for k, n in enumerate(out.shape) if k not in axes))
    else:
        raise ValueError(f"norm: invalid norm order {ord!r} for matrices")
    if keepdims:
        out = out.reshape(tuple(1 if k in axes else n for k, n in enumerate(x.shape)))
    return out


def vector_norm(x, /, *, axis=None, keepdims=False, ord=2):
    """np.linalg.vector_norm: a vector norm over `axis` (all axes by default, flattened)."""
    x = _tensor(x)
    axes = None if axis is None else ((axis,) if isinstance(axis, (int, np.integer)) else tuple(axis))
    if axes is not None:
        axes = tuple(int(a) % x.ndim for a in axes)
    return apply(VectorNorm, x, ord=float(ord), axes=axes, keepdims=keepdims)


def matrix_norm(x, /, *, keepdims=False, ord="fro"):
    """np.linalg.matrix_norm over the last two axes."""
    x = _tensor(x)
    _matrix("matrix_norm", x)
    return _matrix_norm(x, ord, (x.ndim - 2, x.ndim - 1), keepdims)


def matrix_transpose(x, /):
    """np.linalg.matrix_transpose: swap the last two axes."""
    x = _tensor(x)
    _matrix("matrix_transpose", x)
    return _mT(x)


def vecdot(x1, x2, /, *, axis=-1):
    """np.linalg.vecdot: sum(conj(x1) * x2) over `axis`, broadcasting the rest."""
    x1, x2 = _tensor(x1), _tensor(x2)
    if x1.dtype.kind == "c":
        x1 = call("conj", x1)
    return (x1 * x2).sum(axis=axis)


def _linalg_outer(x1, x2, /):
    """np.linalg.outer: of two 1-D vectors."""
    x1, x2 = _tensor(x1), _tensor(x2)
    if x1.ndim != 1 or x2.ndim != 1:
        raise ValueError(f"outer: np.linalg.outer takes 1-D vectors, got shapes {x1.shape} and {x2.shape}")
    return products.outer(x1, x2)


def _linalg_cross(x1, x2, /, *, axis=-1):
    """np.linalg.cross: 3-vectors along `axis`."""
    return products.cross(x1, x2, axis=axis)


def _linalg_tensordot(x1, x2, /, *, axes=2):
    """np.linalg.tensordot."""
    return products.tensordot(x1, x2, axes=axes)


# np.linalg's names for the shared products
outer = _linalg_outer
cross = _linalg_cross
tensordot = _linalg_tensordot
for _f, _name in ((outer, "outer"), (cross, "cross"), (tensordot, "tensordot")):
    _f.__name__ = _f.__qualname__ = _name
