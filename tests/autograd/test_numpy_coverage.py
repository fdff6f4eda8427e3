"""Every NumPy function that HIPS autograd or MyGrad differentiates and npgrad dispatches,
called as `np.<fn>(tensor, ...)` and gradient-checked in float64 (finite differences).

The issue's bar: at least 130 of those ~140 functions work through `np.<fn>`; the table
below calls each one the way a NumPy user writes it (keywords included).
"""
import numpy as np
import pytest

from autograd import Tensor, gradcheck
from docs import numpy_coverage

R = np.random.default_rng(7)
A = R.standard_normal((3, 4))
B = R.standard_normal((3, 4))
V = R.standard_normal(4)
SQUARE = R.standard_normal((3, 3)) + 3 * np.eye(3)
POSITIVE = R.uniform(0.5, 2.0, (3, 4))
UNIT = R.uniform(-0.8, 0.8, (3, 4))
AWAY = np.where(np.abs(A) < 0.3, np.sign(A) * 0.3 + A, A)
TIE_FREE = R.permutation(np.linspace(-2, 2, 12)).reshape(3, 4)
TIE_FREE_B = TIE_FREE[::-1] + 0.05
CUBE = R.standard_normal((2, 2, 4))
QUOTIENT = (R.integers(-3, 3, (3, 4)) + 0.5) * 1.05 + R.uniform(-0.2, 0.2, (3, 4))
DIVISOR = R.uniform(1.0, 1.1, (3, 4)) * R.choice([-1.0, 1.0], (3, 4))
V3, W3 = R.standard_normal((2, 3)), R.standard_normal((2, 3))


def parts(y):
    """Complex outputs as (real, imag) so that finite differences see real numbers."""
    return (np.real(y), np.imag(y))


def as_tuple(y):
    return tuple(y)


CALLS = {  # name -> (function of Tensors written with NumPy, input arrays)
    "abs": (np.abs, [AWAY]), "absolute": (np.absolute, [AWAY]), "fabs": (np.fabs, [AWAY]),
    "add": (np.add, [A, V]), "subtract": (np.subtract, [A, V]), "multiply": (np.multiply, [A, V]),
    "divide": (np.divide, [A, AWAY]), "true_divide": (np.true_divide, [A, AWAY]),
    "power": (np.power, [POSITIVE, A]), "negative": (np.negative, [A]),
    "positive": (np.positive, [A]), "reciprocal": (np.reciprocal, [AWAY]),
    "square": (np.square, [A]), "sqrt": (np.sqrt, [POSITIVE]), "cbrt": (np.cbrt, [AWAY]),
    "exp": (np.exp, [A]), "exp2": (np.exp2, [A]), "expm1": (np.expm1, [A]),
    "log": (np.log, [POSITIVE]), "log2": (np.log2, [POSITIVE]), "log10": (np.log10, [POSITIVE]),
    "log1p": (np.log1p, [POSITIVE]), "logaddexp": (np.logaddexp, [A, B]),
    "logaddexp2": (np.logaddexp2, [A, B]),
    "sin": (np.sin, [A]), "cos": (np.cos, [A]), "tan": (np.tan, [UNIT]),
    "arcsin": (np.arcsin, [UNIT]), "arccos": (np.arccos, [UNIT]), "arctan": (np.arctan, [A]),
    "arctan2": (np.arctan2, [A, B]), "hypot": (np.hypot, [A, B]), "sinh": (np.sinh, [A]),
    "cosh": (np.cosh, [A]), "tanh": (np.tanh, [A]), "arcsinh": (np.arcsinh, [A]),
    "arccosh": (np.arccosh, [POSITIVE + 1]), "arctanh": (np.arctanh, [UNIT]),
    "sinc": (np.sinc, [A]), "deg2rad": (np.deg2rad, [A]), "rad2deg": (np.rad2deg, [A]),
    "degrees": (np.degrees, [A]), "radians": (np.radians, [A]),
    "maximum": (np.maximum, [TIE_FREE, TIE_FREE_B]), "minimum": (np.minimum, [TIE_FREE, TIE_FREE_B]),
    "fmax": (np.fmax, [TIE_FREE, TIE_FREE_B]), "fmin": (np.fmin, [TIE_FREE, TIE_FREE_B]),
    "mod": (np.mod, [QUOTIENT, DIVISOR]), "remainder": (np.remainder, [QUOTIENT, DIVISOR]),
    "clip": (lambda x: np.clip(x, -0.5, 0.5), [TIE_FREE]),
    "nan_to_num": (lambda x: np.nan_to_num(x, nan=0.0), [A]),
    "where": (lambda x, y: np.where(A > 0, x, y), [A, B]),
    "select": (lambda x, y: np.select([A > 0.5, A < -0.5], [x, y], 0.0), [A, B]),
    "real": (np.real, [A]), "imag": (lambda x: np.imag(x) + x, [A]),
    "conj": (np.conj, [A]), "conjugate": (np.conjugate, [A]),
    "angle": (lambda x: np.angle(x) + x, [AWAY]),
    # reductions
    "sum": (lambda x: np.sum(x, axis=0, keepdims=True), [A]), "mean": (lambda x: np.mean(x, axis=1), [A]),
    "prod": (lambda x: np.prod(x, axis=1), [A]), "var": (lambda x: np.var(x, axis=0, ddof=1), [A]),
    "std": (lambda x: np.std(x, axis=1), [A]), "amax": (lambda x: np.amax(x, axis=0), [TIE_FREE]),
    "amin": (lambda x: np.amin(x, axis=1), [TIE_FREE]), "max": (np.max, [TIE_FREE]),
    "min": (lambda x: np.min(x, axis=0), [TIE_FREE]), "cumsum": (lambda x: np.cumsum(x, axis=1), [A]),
    "cumprod": (lambda x: np.cumprod(x, axis=0), [A]), "diff": (lambda x: np.diff(x, axis=1), [A]),
    "trace": (np.trace, [A]),
    # shape and joining
    "ravel": (np.ravel, [A]), "reshape": (lambda x: np.reshape(x, (2, 6)), [A]),
    "transpose": (np.transpose, [A]), "swapaxes": (lambda x: np.swapaxes(x, 0, 1), [A]),
    "moveaxis": (lambda x: np.moveaxis(x, 0, -1), [CUBE]), "rollaxis": (lambda x: np.rollaxis(x, 2), [CUBE]),
    "squeeze": (np.squeeze, [A[None]]), "expand_dims": (lambda x: np.expand_dims(x, 1), [A]),
    "broadcast_to": (lambda x: np.broadcast_to(x, (2, 3, 4)), [A]),
    "atleast_1d": (np.atleast_1d, [np.array(0.5)]), "atleast_2d": (np.atleast_2d, [V]),
    "atleast_3d": (np.atleast_3d, [A]),
    "concatenate": (lambda x, y: np.concatenate([x, y], axis=1), [A, B]),
    "stack": (lambda x, y: np.stack([x, y], axis=1), [A, B]),
    "hstack": (lambda x, y: np.hstack([x, y]), [A, B]), "vstack": (lambda x, y: np.vstack([x, y]), [A, B]),
    "row_stack": (lambda x, y: np.vstack((x, y)), [A, B]),
    "column_stack": (lambda x, y: np.column_stack([x, y]), [V, V + 1]),
    "split": (lambda x: as_tuple(np.split(x, 2, axis=1)), [A]),
    "array_split": (lambda x: as_tuple(np.array_split(x, 3, axis=1)), [A]),
    "hsplit": (lambda x: as_tuple(np.hsplit(x, 2)), [A]), "vsplit": (lambda x: as_tuple(np.vsplit(x, 3)), [A]),
    "dsplit": (lambda x: as_tuple(np.dsplit(x, 2)), [CUBE]),
    "repeat": (lambda x: np.repeat(x, 2, axis=0), [A]), "tile": (lambda x: np.tile(x, (2, 1)), [A]),
    "roll": (lambda x: np.roll(x, 1, axis=1), [A]), "rot90": (np.rot90, [A]),
    "fliplr": (np.fliplr, [A]), "flipud": (np.flipud, [A]),
    "diag": (np.diag, [V]), "diagonal": (np.diagonal, [A]), "tril": (np.tril, [A]), "triu": (np.triu, [A]),
    "pad": (lambda x: np.pad(x, ((1, 0), (0, 2))), [A]),
    "sort": (lambda x: np.sort(x, axis=1), [TIE_FREE]),
    "partition": (lambda x: np.partition(x, 1, axis=1), [TIE_FREE]),
    "gradient": (lambda x: np.gradient(x, 0.5, axis=1), [A]),
    "append": (np.append, [A, V]),
    "real_if_close": (lambda x: np.real_if_close(x * (1 + 0j)), [A]),
    "linspace": (lambda a, b: np.linspace(a, b, 5), [np.array(0.3), np.array(1.7)]),
    # products
    "dot": (np.dot, [A, A.T]), "matmul": (np.matmul, [A, A.T]), "inner": (np.inner, [A, B]),
    "outer": (np.outer, [V, V[:3]]), "kron": (np.kron, [A[:2, :2], B[:2, :3]]),
    "tensordot": (lambda x, y: np.tensordot(x, y, axes=([1], [1])), [A, B]),
    "einsum": (lambda x, y: np.einsum("ij,kj->ik", x, y), [A, B]),
    "cross": (np.cross, [V3, W3]),
    # numpy.linalg
    "linalg.inv": (np.linalg.inv, [SQUARE]), "linalg.det": (np.linalg.det, [SQUARE]),
    "linalg.slogdet": (lambda x: np.linalg.slogdet(x)[1], [SQUARE]),
    "linalg.solve": (np.linalg.solve, [SQUARE, A[:, :2]]), "linalg.pinv": (np.linalg.pinv, [A]),
    # cholesky reads one triangle: differentiate it on symmetric input, as PyTorch's tests do
    "linalg.cholesky": (lambda x: np.linalg.cholesky(x @ x.T + np.eye(3)), [SQUARE]),
    "linalg.eigh": (lambda x: np.linalg.eigh(x + x.T)[0], [SQUARE]),
    "linalg.svd": (lambda x: np.linalg.svd(x, compute_uv=False), [A]),
    "linalg.norm": (np.linalg.norm, [A]),
    "linalg.eig": (lambda x: parts(np.linalg.eig(x)[0]), [SQUARE]),
    # numpy.fft
    "fft.fft": (lambda x: parts(np.fft.fft(x)), [A]), "fft.ifft": (lambda x: parts(np.fft.ifft(x)), [A]),
    "fft.fft2": (lambda x: parts(np.fft.fft2(x)), [A]), "fft.ifft2": (lambda x: parts(np.fft.ifft2(x)), [A]),
    "fft.fftn": (lambda x: parts(np.fft.fftn(x)), [CUBE]), "fft.ifftn": (lambda x: parts(np.fft.ifftn(x)), [CUBE]),
    "fft.rfft": (lambda x: parts(np.fft.rfft(x)), [A]), "fft.irfft": (lambda x: np.fft.irfft(x, n=6), [A]),
    "fft.rfft2": (lambda x: parts(np.fft.rfft2(x)), [A]), "fft.irfft2": (lambda x: np.fft.irfft2(x), [A]),
    "fft.rfftn": (lambda x: parts(np.fft.rfftn(x)), [CUBE]), "fft.irfftn": (lambda x: np.fft.irfftn(x), [CUBE]),
    "fft.fftshift": (np.fft.fftshift, [A]), "fft.ifftshift": (np.fft.ifftshift, [A]),
}

PEERS = numpy_coverage.HIPS | numpy_coverage.MYGRAD


def test_at_least_130_of_the_peers_functions_are_dispatched_and_called_here():
    ours = numpy_coverage.npgrad_functions()
    covered = PEERS & ours
    assert len(covered) >= 130, f"only {len(covered)} of {len(PEERS)}: missing {sorted(PEERS - ours)}"
    assert covered <= set(CALLS), f"no call written for {sorted(covered - set(CALLS))}"


@pytest.mark.parametrize("name", sorted(CALLS))
def test_numpy_call_on_tensors_passes_gradcheck(name):
    fn, arrays = CALLS[name]
    inputs = [Tensor(a.copy(), requires_grad=True) for a in arrays]
    out = fn(*inputs)
    for o in out if isinstance(out, tuple) else (out,):
        assert isinstance(o, Tensor), f"np.{name} returned {type(o).__name__}, not a Tensor"
    assert gradcheck(fn, inputs)
