"""numpy.fft on Tensors and complex intermediates: PyTorch's gradients for real losses, every norm and size."""
import numpy as np
import pytest

import ops
from autograd import Tensor, grad, gradcheck
from ops import fft

torch = pytest.importorskip("torch")
RNG = np.random.default_rng(0)
X, Y = RNG.standard_normal((3, 8)), RNG.standard_normal((3, 8))
X3, Y3 = RNG.standard_normal((2, 4, 6)), RNG.standard_normal((2, 4, 6))


def _compare(ours, theirs, *arrays):
    mine = [Tensor(a.copy(), requires_grad=True) for a in arrays]
    ref = [torch.tensor(a, requires_grad=True) for a in arrays]
    out, expected = ours(*mine), theirs(*ref)
    np.testing.assert_allclose(out.data, expected.detach().numpy(), rtol=1e-9, atol=1e-10)
    upstream = np.random.default_rng(1).standard_normal(out.shape)
    out.backward(upstream)
    expected.backward(torch.tensor(upstream))
    for t, tt in zip(mine, ref):
        np.testing.assert_allclose(t.grad.data, tt.grad.numpy(), rtol=1e-8, atol=1e-10)


def _c(x, y):
    return x + y * 1j


def _ct(x, y):
    return torch.complex(x, y)


@pytest.mark.parametrize("norm", [None, "backward", "ortho", "forward"])
@pytest.mark.parametrize("n", [None, 6, 7, 10])
def test_1d_transforms_match_torch(norm, n):
    _compare(lambda a, b: fft.irfft(fft.rfft(a, norm=norm) * b[:, :5], n=n, norm=norm),
             lambda a, b: torch.fft.irfft(torch.fft.rfft(a, norm=norm) * b[:, :5], n=n, norm=norm), X, Y)
    _compare(lambda a, b: ops.real(fft.fft(_c(a, b), n=n, norm=norm)) * ops.imag(fft.ifft(a, n=n, norm=norm)),
             lambda a, b: torch.fft.fft(_ct(a, b), n=n, norm=norm).real * torch.fft.ifft(a, n=n, norm=norm).imag,
             X, Y)
    _compare(lambda a, b: fft.irfft(_c(a, b), n=n, norm=norm),
             lambda a, b: torch.fft.irfft(_ct(a, b), n=n, norm=norm), X[:, :5], Y[:, :5])


@pytest.mark.parametrize("norm", [None, "ortho", "forward"])
def test_nd_transforms_match_torch(norm):
    _compare(lambda a: ops.real(fft.rfftn(a, s=(5, 8), norm=norm)) * ops.imag(fft.rfftn(a, s=(5, 8), norm=norm)),
             lambda a: (lambda r: r.real * r.imag)(torch.fft.rfftn(a, s=(5, 8), norm=norm)), X3)
    _compare(lambda a, b: fft.irfftn(_c(a, b), s=(3, 6), axes=(0, 2), norm=norm),
             lambda a, b: torch.fft.irfftn(_ct(a, b), s=(3, 6), dim=(0, 2), norm=norm), X3[..., :4], Y3[..., :4])
    _compare(lambda a, b: ops.real(fft.fft2(_c(a, b), s=(3, 7), norm=norm)) + ops.imag(fft.ifft2(a * b, norm=norm)).sum(),
             lambda a, b: torch.fft.fft2(_ct(a, b), s=(3, 7), norm=norm).real
             + torch.fft.ifft2(a * b, norm=norm).imag.sum(), X3, Y3)
    _compare(lambda a: fft.irfft2(fft.rfft2(a, norm=norm) ** 2, s=(4, 6), norm=norm),
             lambda a: torch.fft.irfft2(torch.fft.rfft2(a, norm=norm) ** 2, s=(4, 6), norm=norm), X3)


def test_power_spectrum_through_abs_matches_torch():
    _compare(lambda a: (ops.abs(fft.rfft(a)) ** 2).sum(axis=-1),
             lambda a: (torch.fft.rfft(a).abs() ** 2).sum(dim=-1), X)
    _compare(lambda a, b: ops.angle(fft.fft(_c(a, b))) * ops.abs(fft.fft(a)),
             lambda a, b: torch.angle(torch.fft.fft(_ct(a, b))) * torch.fft.fft(a).abs(), X, Y)


def test_complex_leaf_gets_pytorchs_gradient():
    z0 = X[:, :4] + 1j * Y[:, :4]
    z = Tensor(z0.copy(), requires_grad=True)
    zt = torch.tensor(z0, requires_grad=True)
    loss = (ops.abs(fft.fft(z * z)) ** 2).sum() + ops.real(ops.conj(z) * fft.ifft(z)).sum()
    loss.backward()
    (torch.fft.fft(zt * zt).abs() ** 2).sum().add((zt.conj() * torch.fft.ifft(zt)).real.sum()).backward()
    np.testing.assert_allclose(z.grad.data, zt.grad.numpy(), rtol=1e-9)


def test_rfft_adjoint_is_not_irfft():
    # the gradient of sum(real(rfft(x)) * w) is the real part of conj(F)^T w padded, not irfft(w) * n
    x = Tensor(X[0].copy(), requires_grad=True)
    w = np.arange(1.0, 6.0)
    (ops.real(fft.rfft(x)) * w).sum().backward()
    full = np.concatenate([w, np.zeros(3)])
    np.testing.assert_allclose(x.grad.data, np.real(np.fft.ifft(full) * 8), atol=1e-12)
    assert not np.allclose(x.grad.data, np.fft.irfft(w, n=8) * 8)


def test_shifts_match_numpy_and_gradcheck():
    a = RNG.standard_normal((5, 4))
    for axes in (None, 0, (1,), (0, 1)):
        np.testing.assert_allclose(fft.fftshift(Tensor(a), axes=axes).data, np.fft.fftshift(a, axes=axes))
        np.testing.assert_allclose(fft.ifftshift(Tensor(a), axes=axes).data, np.fft.ifftshift(a, axes=axes))
    assert gradcheck(lambda t: fft.fftshift(t) * fft.ifftshift(t) ** 2, [Tensor(a, requires_grad=True)])


def test_forward_values_match_numpy_for_every_function():
    a, b = X3, X3[..., :4] + 1j * Y3[..., :4]
    for name in ("fft", "ifft", "rfft", "fft2", "ifft2", "rfft2", "fftn", "ifftn", "rfftn"):
        np.testing.assert_allclose(getattr(fft, name)(Tensor(a)).data, getattr(np.fft, name)(a), atol=1e-12)
    for name in ("irfft", "irfft2", "irfftn"):
        np.testing.assert_allclose(getattr(fft, name)(Tensor(b)).data, getattr(np.fft, name)(b), atol=1e-12)
    np.testing.assert_allclose(fft.fft([1.0, 2.0, 3.0]).data, np.fft.fft([1.0, 2.0, 3.0]))


def test_bad_arguments_raise():
    with pytest.raises(ValueError, match="norm"):
        fft.fft(Tensor(X), norm="bogus")
    with pytest.raises(ValueError, match="rfft"):
        fft.rfft(Tensor(X), n=0)
    with pytest.raises(TypeError, match="out="):
        fft.fft(Tensor(X), out=np.zeros(8, complex))
    with pytest.raises(TypeError, match="rfft"):
        fft.rfft(Tensor(X + 1j))
    with pytest.raises(ValueError, match="fftn"):
        fft.fftn(Tensor(X), s=(2, 3), axes=(0,))


def test_second_derivative_through_a_spectrum():
    x = Tensor(X[0].copy(), requires_grad=True)
    h = RNG.standard_normal(5)

    def first(t):
        spec = fft.rfft(t, norm="ortho")
        loss = (ops.real(spec) ** 2 * h).sum() + (fft.irfft(spec * spec) ** 2).sum()
        return grad(loss, t, create_graph=True)[0]

    assert gradcheck(first, [x])


@pytest.mark.parametrize("norm", [None, "ortho", "forward"])
def test_hfft_and_ihfft_match_numpy_and_torch(norm):
    z = X[:, :5] + 1j * Y[:, :5]
    np.testing.assert_allclose(np.fft.hfft(Tensor(z), n=8, norm=norm).data, np.fft.hfft(z, n=8, norm=norm), atol=1e-12)
    np.testing.assert_allclose(np.fft.ihfft(Tensor(X), norm=norm).data, np.fft.ihfft(X, norm=norm), atol=1e-12)
    _compare(lambda a, b: fft.hfft(_c(a, b), n=8, norm=norm), lambda a, b: torch.fft.hfft(_ct(a, b), n=8, norm=norm),
             X[:, :5], Y[:, :5])
    _compare(lambda a: ops.imag(fft.ihfft(a, norm=norm)) * ops.real(fft.ihfft(a, norm=norm)),
             lambda a: (lambda r: r.imag * r.real)(torch.fft.ihfft(a, norm=norm)), X)


def test_real_if_close_keeps_the_graph():
    x = Tensor(X[0].copy(), requires_grad=True)
    back = np.real_if_close(fft.ifft(fft.fft(x)))  # imaginary parts ~1e-17
    assert back.dtype == np.float64 and back.requires_grad
    (back * 2).sum().backward()
    np.testing.assert_allclose(x.grad.data, np.full(8, 2.0), atol=1e-12)
    z = np.real_if_close(Tensor(np.array([1 + 1e-3j])))
    assert z.dtype == np.complex128
