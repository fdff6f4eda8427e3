"""Linear algebra: matmul (NumPy's rules) and linear (PyTorch's x @ weight.T + bias)."""
import numpy as np

from autograd.function import Function, register
from autograd.tensor import apply


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
            return a @ b
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
        ga = gb = None
        if self.needs_grad(0):
            ga = g @ b2.swapaxes(-1, -2)  # (..., n, k)
            if a.ndim == 1:
                ga = ga.reshape(ga.shape[:-2] + ga.shape[-1:])
        if self.needs_grad(1):
            gb = a2.swapaxes(-1, -2) @ g  # (..., k, m)
            if b.ndim == 1:
                gb = gb.reshape(gb.shape[:-1])
        return ga, gb


@register("linear")
class Linear(Function):
    """x @ weight.T + bias, weight (out, in) as in PyTorch; one GEMM each way."""

    def forward(self, x, weight, bias=None):
        if weight.ndim != 2 or x.shape[-1] != weight.shape[1]:
            raise ValueError(
                f"linear: input of shape {x.shape} does not match weight of shape {weight.shape} "
                "(expected weight (out_features, in_features) with in_features == input.shape[-1])"
            )
        if bias is not None and bias.shape != (weight.shape[0],):
            raise ValueError(f"linear: bias of shape {bias.shape} for weight of shape {weight.shape}")
        self.save(x, weight)
        out = x @ weight.T
        if bias is not None:
            out += bias
        return out

    def vjp(self, g):
        x, weight = self.saved
        g2 = g.reshape((-1, g.shape[-1]))  # (N, out)
        gx = g @ weight if self.needs_grad(0) else None
        gw = g2.T @ x.reshape((-1, x.shape[-1])) if self.needs_grad(1) else None
        gb = g2.sum(axis=0) if self.needs_grad(2) else None
        return gx, gw, gb


def matmul(a, b):
    """Matrix product with NumPy's rules (1-D, 2-D, batched with broadcasting)."""
    return apply(MatMul, a, b)


def linear(x, weight, bias=None):
    """x @ weight.T + bias, with weight of shape (out_features, in_features)."""
    return apply(Linear, x, weight, bias)
