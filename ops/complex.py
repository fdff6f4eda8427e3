"""Complex parts: real, imag, conj (conjugate), angle; none of them is holomorphic.

Gradients follow PyTorch's convention: for a real loss L of z = a + ib, the gradient is
dL/da + i dL/db. These rules set `holomorphic = False` and write that out: real's is g,
imag's is i g, conj's is conj(g), angle's is g i z / |z|^2 (0 at z = 0). On real input
real and conj are identities and imag and angle give zero gradients (as PyTorch).
"""
import numpy as np

from autograd.function import Function, call, register
from autograd.tensor import Tensor, apply

__all__ = ["real", "imag", "conj", "conjugate", "angle", "real_if_close"]

_I = np.array(1j)  # multiplying by a 0-d complex array keeps the complex part (a Python 1j would not)


@register("real")
class Real(Function):
    """The real part (a view for complex input, the input's values for real input)."""

    holomorphic = False

    def forward(self, a):
        return np.real(a)[...]

    def vjp(self, g):
        return g


@register("imag")
class Imag(Function):
    """The imaginary part (zeros for real input)."""

    holomorphic = False

    def forward(self, a):
        self.complex = np.iscomplexobj(a)
        return np.imag(a)[...] if self.complex else np.zeros_like(a)

    def vjp(self, g):
        return g * _I if self.complex else g * 0


@register("conj")
class Conj(Function):
    """The complex conjugate (the input itself for real input)."""

    holomorphic = False

    def forward(self, a):
        return np.conj(a)

    def vjp(self, g):
        return call("conj", g) if np.iscomplexobj(g) else g


@register("angle")
class Angle(Function):
    """The argument atan2(imag, real) in radians; zero gradient for real input."""

    holomorphic = False

    def forward(self, a):
        self.complex = np.iscomplexobj(a)
        if self.complex:
            self.save(a)
            self.zero = (a == 0).astype(a.real.dtype)
        else:
            self.shape = a.shape
        return np.angle(a)

    def vjp(self, g):
        if not self.complex:
            return g * np.zeros(self.shape, dtype=g.dtype)
        (z,) = self.saved
        re, im = call("real", z), call("imag", z)
        scale = (1 - self.zero) / (re * re + im * im + self.zero)  # 1 / |z|^2, 0 at z = 0
        return g * scale * (z * _I)


def _tensor(x):
    return x if isinstance(x, Tensor) else Tensor(np.asarray(x) if not isinstance(x, np.ndarray) else x)


def real(val):
    """np.real: the real part."""
    return apply(Real, _tensor(val))


def imag(val):
    """np.imag: the imaginary part."""
    return apply(Imag, _tensor(val))


def conj(x, out=None, *, where=True, **kwargs):
    """np.conj / np.conjugate: the complex conjugate."""
    if out is not None or where is not True or kwargs:
        bad = "out" if out is not None else ("where" if where is not True else sorted(kwargs)[0])
        raise TypeError(f"conj: {bad}= is not supported on Tensors")
    return apply(Conj, _tensor(x))


conjugate = conj


def angle(z, deg=False):
    """np.angle: the argument in radians (degrees with deg=True)."""
    out = apply(Angle, _tensor(z))
    return out * (180 / np.pi) if deg else out


def real_if_close(a, tol=100):
    """np.real_if_close: the real part when every imaginary part is within tol machine epsilons of 0."""
    a = _tensor(a)
    if not np.iscomplexobj(a):
        return a
    cutoff = tol * np.finfo(a.dtype).eps if tol > 1 else tol
    return real(a) if np.all(np.abs(a.data.imag) < cutoff) else a
