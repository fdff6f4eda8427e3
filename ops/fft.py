"""numpy.fft on Tensors: fft ifft rfft irfft, their 2-D and n-D forms, hfft ihfft, fftshift ifftshift.

Complex gradients (the convention, for every op in npgrad)
-----------------------------------------------------------
npgrad follows PyTorch's conjugate-Wirtinger convention. For a real loss L of a complex
z = a + ib, the gradient stored in `z.grad` (and passed backward as `g`) is
dL/da + i dL/db; for a real input the gradient is the real part of what flows into it.
A holomorphic rule (the default, `holomorphic = True`: add, mul, matmul, einsum, exp,
inv, ...) writes its VJP as for real numbers, g * f'(z), and the engine turns it into
g * conj(f'(z)); a rule that is not holomorphic (`holomorphic = False`: abs, real, imag,
conj, angle, and the transforms here) writes the convention out itself. So a real loss
of complex intermediates, such as `(np.abs(np.fft.rfft(x)) ** 2).sum()` or
`np.fft.irfft(np.fft.rfft(x) * h)`, gets exactly PyTorch's gradients (torch.fft.* with
the same `norm`).

The rules: a transform y = c F P x (P resizes to `n`/`s` by zero-padding or truncating,
F is the unnormalised DFT matrix along `axes`, c the `norm` scale) has the gradient
P^T c conj(F) g, which is the opposite-direction transform of g with the opposite
`norm` ('backward' <-> 'forward', 'ortho' stays), then resized back. rfft's adjoint
zero-pads g's half spectrum to full length before that inverse transform (it is not
irfft: irfft would double the Hermitian half). irfft reads only the half spectrum and
ignores the imaginary parts of its DC and Nyquist bins, so its gradient is rfft of g
with the entries 1 .. n - (n//2 + 1) of the last axis doubled (PyTorch's rule). Every
VJP is written with these transforms, so all of them are twice differentiable.
"""
import numpy as np

from autograd.function import Function, call, register
from autograd.tensor import Tensor, apply

__all__ = [
    "fft", "ifft", "rfft", "irfft", "fft2", "ifft2", "rfft2", "irfft2", "fftn", "ifftn",
    "rfftn", "irfftn", "hfft", "ihfft", "fftshift", "ifftshift",
]

_SWAP = {"backward": "forward", "forward": "backward", "ortho": "ortho"}


def _resize(x, axes, sizes):
    """x truncated or zero-padded (at the end) to `sizes` along `axes` (arrays and Tensors)."""
    index = [slice(None)] * x.ndim
    widths = [(0, 0)] * x.ndim
    for ax, n in zip(axes, sizes):
        if x.shape[ax] > n:
            index[ax] = slice(0, n)
        elif x.shape[ax] < n:
            widths[ax] = (0, n - x.shape[ax])
    if any(i != slice(None) for i in index):
        x = x[tuple(index)]
    if any(w != (0, 0) for w in widths):
        x = call("pad", x, pad_width=tuple(widths), constant_values=0)
    return x


class _Transform(Function):
    """Shared parts: parameters kept for the VJP, resizing the gradient back."""

    holomorphic = False  # written out in PyTorch's convention (see the module docstring)

    def keep(self, a, s, axes, norm):
        self.s, self.axes, self.norm = s, axes, norm
        self.in_sizes = tuple(a.shape[ax] for ax in axes)
        self.real_input = not np.iscomplexobj(a)

    def finish(self, gx):
        gx = _resize(gx, self.axes, self.in_sizes)
        return call("real", gx) if self.real_input else gx


@register("fftn")
class FFTN(_Transform):
    """np.fft.fftn over `axes` with sizes `s` (1-D and 2-D transforms use it too)."""

    def forward(self, a, s, axes, norm):
        self.keep(a, s, axes, norm)
        return np.fft.fftn(a, s=s, axes=axes, norm=norm)

    def vjp(self, g):
        return self.finish(call("ifftn", g, s=self.s, axes=self.axes, norm=_SWAP[self.norm]))


@register("ifftn")
class IFFTN(_Transform):
    """np.fft.ifftn over `axes` with sizes `s`."""

    def forward(self, a, s, axes, norm):
        self.keep(a, s, axes, norm)
        return np.fft.ifftn(a, s=s, axes=axes, norm=norm)

    def vjp(self, g):
        return self.finish(call("fftn", g, s=self.s, axes=self.axes, norm=_SWAP[self.norm]))


@register("rfftn")
class RFFTN(_Transform):
    """np.fft.rfftn of real input: the half spectrum along the last of `axes`."""

    def forward(self, a, s, axes, norm):
        if np.iscomplexobj(a):
            raise TypeError("rfft: input must be real (use fft for complex input)")
        self.keep(a, s, axes, norm)
        return np.fft.rfftn(a, s=s, axes=axes, norm=norm)

    def vjp(self, g):
        # zero-pad the half spectrum to the full length, then the adjoint transform
        return self.finish(call("ifftn", g, s=self.s, axes=self.axes, norm=_SWAP[self.norm]))


@register("irfftn")
class IRFFTN(_Transform):
    """np.fft.irfftn: real output of length s[-1] along the last of `axes`."""

    def forward(self, a, s, axes, norm):
        self.keep(a, s, axes, norm)
        return np.fft.irfftn(a, s=s, axes=axes, norm=norm)

    def vjp(self, g):
        gx = call("rfftn", g, s=self.s, axes=self.axes, norm=_SWAP[self.norm])
        n = self.s[-1]
        half = n // 2 + 1
        weight = np.ones(half)
        weight[1:1 + n - half] = 2  # the bins irfft mirrors count twice
        shape = [1] * gx.ndim
        shape[self.axes[-1]] = half
        # forward resized the input to s[:-1] + (n//2 + 1,) along axes: finish resizes back
        return self.finish(gx * weight.astype(g.dtype).reshape(shape))


# --------------------------------------------------------------------- arguments
def _tensor(x):
    return x if isinstance(x, Tensor) else Tensor(np.asarray(x) if not isinstance(x, np.ndarray) else x)


def _norm(norm, op):
    if norm is None:
        return "backward"
    if norm not in _SWAP:
        raise ValueError(f"{op}: invalid norm {norm!r}; use 'backward', 'ortho' or 'forward'")
    return norm


def _no_out(op, out):
    if out is not None:
        raise TypeError(f"{op}: out= is not supported on Tensors (results are new Tensors)")


def _axes_and_sizes(a, s, axes, op, inverse_real=False):
    """NumPy's defaults for `s` and `axes` of the n-D transforms."""
    if axes is not None:
        axes = (axes,) if isinstance(axes, (int, np.integer)) else tuple(axes)
    if s is not None:
        s = (s,) if isinstance(s, (int, np.integer)) else tuple(s)
    if axes is None:
        axes = tuple(range(a.ndim - len(s), a.ndim)) if s is not None else tuple(range(a.ndim))
    for ax in axes:
        if not -a.ndim <= ax < a.ndim:
            raise ValueError(f"{op}: axis {ax} out of range for an input of shape {a.shape}")
    axes = tuple(int(ax) % a.ndim for ax in axes)
    if len(set(axes)) != len(axes):
        raise ValueError(f"{op}: repeated axes {axes}")
    if not axes:
        raise ValueError(f"{op}: need at least one axis")
    if s is None:
        s = [a.shape[ax] for ax in axes]
        if inverse_real:
            s[-1] = 2 * (s[-1] - 1)
    elif len(s) != len(axes):
        raise ValueError(f"{op}: s {s} and axes {axes} differ in length")
    s = tuple(int(n) for n in s)
    for n in s:
        if n < 1:
            raise ValueError(f"{op}: invalid number of data points ({n}) specified (input shape {a.shape})")
    return s, axes


def _run(cls, op, a, s, axes, norm, out, inverse_real=False):
    _no_out(op, out)
    a = _tensor(a)
    if a.dtype.kind not in "fc":
        a = a.astype(np.float64)
    s, axes = _axes_and_sizes(a, s, axes, op, inverse_real)
    return apply(cls, a, s=s, axes=axes, norm=_norm(norm, op))


def _one(axis, n):
    return (None if n is None else (n,)), (axis,)


# ----------------------------------------------------------------------- public
def fft(a, n=None, axis=-1, norm=None, out=None):
    """np.fft.fft: the 1-D discrete Fourier transform along `axis`."""
    return _run(FFTN, "fft", a, *_one(axis, n), norm, out)


def ifft(a, n=None, axis=-1, norm=None, out=None):
    """np.fft.ifft: the 1-D inverse transform."""
    return _run(IFFTN, "ifft", a, *_one(axis, n), norm, out)


def rfft(a, n=None, axis=-1, norm=None, out=None):
    """np.fft.rfft: the 1-D transform of real input, n//2 + 1 bins."""
    return _run(RFFTN, "rfft", a, *_one(axis, n), norm, out)


def irfft(a, n=None, axis=-1, norm=None, out=None):
    """np.fft.irfft: the inverse of rfft, real output of length n (default 2 (m - 1))."""
    return _run(IRFFTN, "irfft", a, *_one(axis, n), norm, out, inverse_real=True)


def fft2(a, s=None, axes=(-2, -1), norm=None, out=None):
    """np.fft.fft2."""
    return _run(FFTN, "fft2", a, s, axes, norm, out)


def ifft2(a, s=None, axes=(-2, -1), norm=None, out=None):
    """np.fft.ifft2."""
    return _run(IFFTN, "ifft2", a, s, axes, norm, out)


def rfft2(a, s=None, axes=(-2, -1), norm=None, out=None):
    """np.fft.rfft2."""
    return _run(RFFTN, "rfft2", a, s, axes, norm, out)


def irfft2(a, s=None, axes=(-2, -1), norm=None, out=None):
    """np.fft.irfft2."""
    return _run(IRFFTN, "irfft2", a, s, axes, norm, out, inverse_real=True)


def fftn(a, s=None, axes=None, norm=None, out=None):
    """np.fft.fftn."""
    return _run(FFTN, "fftn", a, s, axes, norm, out)


def ifftn(a, s=None, axes=None, norm=None, out=None):
    """np.fft.ifftn."""
    return _run(IFFTN, "ifftn", a, s, axes, norm, out)


def rfftn(a, s=None, axes=None, norm=None, out=None):
    """np.fft.rfftn."""
    return _run(RFFTN, "rfftn", a, s, axes, norm, out)


def irfftn(a, s=None, axes=None, norm=None, out=None):
    """np.fft.irfftn."""
    return _run(IRFFTN, "irfftn", a, s, axes, norm, out, inverse_real=True)


def hfft(a, n=None, axis=-1, norm=None, out=None):
    """np.fft.hfft: the transform of a Hermitian-symmetric signal given by its half (real output)."""
    _no_out("hfft", out)
    a = _tensor(a)
    if np.iscomplexobj(a):
        a = call("conj", a)
    return irfft(a, n=n, axis=axis, norm=_SWAP[_norm(norm, "hfft")])


def ihfft(a, n=None, axis=-1, norm=None, out=None):
    """np.fft.ihfft: the inverse of hfft, for real input."""
    _no_out("ihfft", out)
    return call("conj", rfft(a, n=n, axis=axis, norm=_SWAP[_norm(norm, "ihfft")]))


@register("fftshift")
class FFTShift(Function):
    """np.fft.fftshift over `axes`: a permutation, so its VJP is the inverse shift."""

    def forward(self, a, axes):
        self.axes = axes
        return np.fft.fftshift(a, axes=axes)

    def vjp(self, g):
        return call("ifftshift", g, axes=self.axes)


@register("ifftshift")
class IFFTShift(Function):
    """np.fft.ifftshift over `axes`; its VJP is fftshift."""

    def forward(self, a, axes):
        self.axes = axes
        return np.fft.ifftshift(a, axes=axes)

    def vjp(self, g):
        return call("fftshift", g, axes=self.axes)


def _shift_axes(x, axes, op):
    if axes is None:
        return tuple(range(x.ndim))
    axes = (axes,) if isinstance(axes, (int, np.integer)) else tuple(axes)
    for ax in axes:
        if not -x.ndim <= ax < x.ndim:
            raise ValueError(f"{op}: axis {ax} out of range for shape {x.shape}")
    return tuple(int(ax) % x.ndim for ax in axes)


def fftshift(x, axes=None):
    """np.fft.fftshift: the zero-frequency bin moved to the centre."""
    x = _tensor(x)
    return apply(FFTShift, x, axes=_shift_axes(x, axes, "fftshift"))


def ifftshift(x, axes=None):
    """np.fft.ifftshift: the inverse of fftshift."""
    x = _tensor(x)
    return apply(IFFTShift, x, axes=_shift_axes(x, axes, "ifftshift"))
