"""np.<fn>, np.linalg.<fn> and np.fft.<fn> on Tensors reach the products, linalg, fft and complex ops."""
import numpy as np
import pytest

import ops
from autograd import Tensor
from ops import fft, linalg

R = np.random.default_rng(0)
A = R.standard_normal((3, 3)) + 3 * np.eye(3)
B = R.standard_normal((3, 3))
V = R.standard_normal(8)

CALLS = [  # (numpy call, the same through ops), each on (A, B)
    (lambda a, b: np.einsum("ij,jk->ik", a, b, optimize=True), lambda a, b: ops.einsum("ij,jk->ik", a, b)),
    (lambda a, b: np.tensordot(a, b, axes=([0], [1])), lambda a, b: ops.tensordot(a, b, axes=([0], [1]))),
    (np.dot, ops.dot), (np.inner, ops.inner), (np.outer, ops.outer), (np.vdot, ops.vdot), (np.kron, ops.kron),
    (lambda a, b: np.cross(a, b), lambda a, b: ops.cross(a, b)),
    (lambda a, b: np.linalg.inv(a) @ b, lambda a, b: linalg.inv(a) @ b),
    (lambda a, b: np.linalg.det(a) * np.linalg.slogdet(a)[1], lambda a, b: linalg.det(a) * linalg.slogdet(a)[1]),
    (np.linalg.solve, linalg.solve),
    (lambda a, b: np.linalg.cholesky(a @ a.T), lambda a, b: linalg.cholesky(a @ a.T)),
    (lambda a, b: np.linalg.qr(a)[1], lambda a, b: linalg.qr(a)[1]),
    (lambda a, b: np.linalg.eigh(a + a.T)[0], lambda a, b: linalg.eigh(a + a.T)[0]),
    (lambda a, b: np.linalg.svd(a)[1], lambda a, b: linalg.svd(a)[1]),
    (lambda a, b: np.linalg.pinv(b), lambda a, b: linalg.pinv(b)),
    (lambda a, b: np.linalg.norm(a, "nuc") + np.linalg.norm(b, axis=1), lambda a, b: linalg.norm(a, "nuc") + linalg.norm(b, axis=1)),
    (lambda a, b: np.linalg.matrix_power(a, 3), lambda a, b: linalg.matrix_power(a, 3)),
    (lambda a, b: np.linalg.multi_dot([a, b, a]), lambda a, b: linalg.multi_dot([a, b, a])),
    (lambda a, b: np.real(np.fft.rfft(a) * np.conj(np.fft.rfft(b))), lambda a, b: ops.real(fft.rfft(a) * ops.conj(fft.rfft(b)))),
    (lambda a, b: np.fft.irfft2(np.fft.rfft2(a), s=(3, 3)), lambda a, b: fft.irfft2(fft.rfft2(a), s=(3, 3))),
    (lambda a, b: np.abs(np.fft.fftshift(np.fft.fft(a, norm="ortho"))), lambda a, b: ops.abs(fft.fftshift(fft.fft(a, norm="ortho")))),
    (lambda a, b: np.angle(np.fft.ifft(a)) + np.imag(np.fft.fftn(b)), lambda a, b: ops.angle(fft.ifft(a)) + ops.imag(fft.fftn(b))),
]


@pytest.mark.parametrize("k", range(len(CALLS)))
def test_numpy_names_dispatch_with_the_same_values_and_gradients(k):
    through_numpy, through_ops = CALLS[k]
    grads = []
    for fn in (through_numpy, through_ops):
        a, b = Tensor(A.copy(), requires_grad=True), Tensor(B.copy(), requires_grad=True)
        out = fn(a, b)
        assert isinstance(out, Tensor) and out.requires_grad
        (out * Tensor(np.cos(np.arange(out.size)).reshape(out.shape))).sum().backward()
        grads.append((out.data, a.grad.data if a.grad is not None else 0, b.grad.data if b.grad is not None else 0))
    for mine, theirs in zip(*grads):
        np.testing.assert_allclose(mine, theirs, rtol=1e-12, atol=1e-12)
