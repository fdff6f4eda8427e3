"""Sample inputs for numpy.fft (fftn ifftn rfftn irfftn) and the complex parts (real imag conj angle).

Complex values are built from real float64 inputs (x + 1j y) and every sample returns a
real Tensor (real and imaginary parts side by side), so gradcheck and the torch oracle
check the conjugate-Wirtinger convention end to end.
"""
import numpy as np

import ops
from ops import fft
from ops.samples import Case, rng, torch


def _n(*shape, seed=0):
    return rng(seed).standard_normal(shape)


def _parts(z):
    return ops.stack([ops.real(z), ops.imag(z)])


def _parts_t(z):
    return torch().stack([z.real, z.imag])


def _c(x, y):
    return x + y * 1j


def _c_t(x, y):
    return torch().complex(x, y)


X, Y = _n(3, 8, seed=400), _n(3, 8, seed=401)
X3, Y3 = _n(2, 4, 6, seed=402), _n(2, 4, 6, seed=403)

CASES = [
    Case("fftn", lambda x: _parts(fft.fft(x)), [X], lambda x: _parts_t(torch().fft.fft(x)), id="fft-real"),
    Case("fftn", lambda x, y: _parts(fft.fft(_c(x, y), n=6, norm="ortho")), [X, Y],
         lambda x, y: _parts_t(torch().fft.fft(_c_t(x, y), n=6, norm="ortho")), id="fft-complex-n6-ortho"),
    Case("fftn", lambda x, y: _parts(fft.fft2(_c(x, y), s=(5, 7), axes=(0, 2), norm="forward")), [X3, Y3],
         lambda x, y: _parts_t(torch().fft.fft2(_c_t(x, y), s=(5, 7), dim=(0, 2), norm="forward")),
         id="fft2-s-axes-forward"),
    Case("ifftn", lambda x, y: _parts(fft.ifft(_c(x, y), n=10)), [X, Y],
         lambda x, y: _parts_t(torch().fft.ifft(_c_t(x, y), n=10)), id="ifft-n10"),
    Case("ifftn", lambda x: _parts(fft.ifftn(x, norm="ortho")), [X3],
         lambda x: _parts_t(torch().fft.ifftn(x, norm="ortho")), id="ifftn-ortho"),
    Case("rfftn", lambda x: _parts(fft.rfft(x)), [X], lambda x: _parts_t(torch().fft.rfft(x)), id="rfft"),
    Case("rfftn", lambda x: _parts(fft.rfft(x, n=7, norm="ortho")), [X],
         lambda x: _parts_t(torch().fft.rfft(x, n=7, norm="ortho")), id="rfft-odd-ortho"),
    Case("rfftn", lambda x: _parts(fft.rfftn(x, s=(5, 8), norm="forward")), [X3],
         lambda x: _parts_t(torch().fft.rfftn(x, s=(5, 8), norm="forward")), id="rfftn-s-forward"),
    Case("irfftn", lambda x, y: fft.irfft(_c(x, y)), [X[:, :5], Y[:, :5]],
         lambda x, y: torch().fft.irfft(_c_t(x, y)), id="irfft"),
    Case("irfftn", lambda x, y: fft.irfft(_c(x, y), n=7, norm="ortho"), [X[:, :5], Y[:, :5]],
         lambda x, y: torch().fft.irfft(_c_t(x, y), n=7, norm="ortho"), id="irfft-odd-ortho"),
    Case("irfftn", lambda x, y: fft.irfftn(_c(x, y), s=(3, 6), axes=(0, 2), norm="forward"),
         [X3[:, :, :4], Y3[:, :, :4]],
         lambda x, y: torch().fft.irfftn(_c_t(x, y), s=(3, 6), dim=(0, 2), norm="forward"), id="irfftn-s"),
    Case("irfftn", lambda x, h: fft.irfft(fft.rfft(x) * h), [X, X[:, :5] ** 2],
         lambda x, h: torch().fft.irfft(torch().fft.rfft(x) * h), id="filter"),
    Case("fftshift", lambda x: fft.fftshift(x, axes=(0, 2)), [X3],
         lambda x: torch().fft.fftshift(x, dim=(0, 2))),
    Case("fftshift", lambda x, y: _parts(fft.fftshift(fft.fft(_c(x, y)))), [X[:, :7], Y[:, :7]],
         lambda x, y: _parts_t(torch().fft.fftshift(torch().fft.fft(_c_t(x, y)))), id="complex-odd"),
    Case("ifftshift", lambda x: fft.ifftshift(x), [X[:, :7]], lambda x: torch().fft.ifftshift(x)),
    Case("real", lambda x, y: ops.real(_c(x, y) ** 2), [X, Y], lambda x, y: (_c_t(x, y) ** 2).real),
    Case("real", lambda x: ops.real(x * 3), [X], lambda x: torch().real(x * 3), id="real-input"),
    Case("imag", lambda x, y: ops.imag(_c(x, y) ** 3), [X, Y], lambda x, y: (_c_t(x, y) ** 3).imag),
    Case("imag", lambda x: ops.imag(x) + x, [X], lambda x: x + 0 * x, id="real-input"),
    Case("conj", lambda x, y: _parts(ops.conj(_c(x, y)) * _c(y, x) ** 2), [X, Y],
         lambda x, y: _parts_t(_c_t(x, y).conj() * _c_t(y, x) ** 2)),
    Case("conj", lambda x: ops.conjugate(x) * x, [X], lambda x: x.conj() * x, id="real-input"),
    Case("angle", lambda x, y: ops.angle(_c(x, y) ** 2), [X, Y], lambda x, y: torch().angle(_c_t(x, y) ** 2)),
    Case("angle", lambda x: ops.angle(x) + x, [X], lambda x: torch().angle(x) + x, id="real-input"),
]
