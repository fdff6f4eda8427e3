"""Scaled dot-product attention as one fused op (PyTorch's
`F.scaled_dot_product_attention`): softmax(q k^T * scale + mask) (dropped out) @ v."""
import math

import numpy as np

from autograd.function import Function, call, register
from autograd.mode import default_rng, get_default_dtype
from autograd.tensor import apply
from ops._blas import matmul


def _probabilities(q, k, additive, scale):
    """softmax(q k^T * scale + additive) on the last axis, arrays or Tensors alike."""
    scores = matmul(q * scale, k.swapaxes(-1, -2))  # (..., L, S); large ones in two lanes
    if additive is not None:
        scores = scores + additive
    return call("softmax", scores, axis=-1)


def _operand(a):
    """Lists and scalars as arrays (floats in npgrad's default dtype); Tensors, arrays, None as is."""
    if a is None or hasattr(a, "grad_fn") or isinstance(a, np.ndarray):
        return a
    array = np.asarray(a)
    return array.astype(get_default_dtype()) if array.dtype.kind == "f" else array


@register("scaled_dot_product_attention")
class ScaledDotProductAttention(Function):
    """P = softmax(q k^T * scale + mask); out = dropout(P) @ v. Under create_graph the
    VJP recomputes P from q, k (and a float mask) with registered ops."""

    def forward(self, q, k, v, attn_mask=None, dropout_p=0.0, is_causal=False, scale=None, rng=None):
        op = "scaled_dot_product_attention"
        for name, a in (("query", q), ("key", k), ("value", v)):
            if a.dtype.kind != "f":
                raise TypeError(f"{op}: {name} must be floating point, got dtype {a.dtype}")
            if a.ndim < 2:
                raise ValueError(f"{op}: {name} must have at least 2 dimensions, got shape {a.shape}")
        if q.shape[-1] != k.shape[-1] or k.shape[-2] != v.shape[-2]:
            raise ValueError(f"{op}: query {q.shape}, key {k.shape} and value {v.shape} do not fit "
                             "(need query (..., L, E), key (..., S, E), value (..., S, Ev))")
        L, S = q.shape[-2], k.shape[-2]
        if is_causal:
            if attn_mask is not None:
                raise ValueError(f"{op}: pass either attn_mask or is_causal=True, not both")
            attn_mask = np.tril(np.ones((L, S), bool))
        additive = None
        if attn_mask is not None:
            try:
                np.broadcast_shapes(attn_mask.shape, q.shape[:-2] + (L, S))
            except ValueError:
                raise ValueError(f"{op}: attn_mask of shape {attn_mask.shape} cannot be broadcast to "
                                 f"the attention weights' shape {q.shape[:-2] + (L, S)}") from None
            if attn_mask.dtype == bool:  # True = take part in attention
                additive = np.where(attn_mask, 0.0, -np.inf).astype(q.dtype)
            else:
                additive = attn_mask  # saved as the input itself: differentiable
        self.scale = 1.0 / math.sqrt(q.shape[-1]) if scale is None else float(scale)
        p = _probabilities(q, k, additive, self.scale)
        keep = None
        if dropout_p > 0:
            keep = (default_rng(rng).random(p.shape, dtype=np.float32) >= dropout_p).astype(p.dtype)
            keep *= 1 / (1 - dropout_p) if dropout_p < 1 else 0.0
        self.save(q, k, v, additive, p, keep)
        return matmul(p if keep is None else p * keep, v)

    def vjp(self, g):
        q, k, v, additive, p, keep = self.saved
        if hasattr(g, "grad_fn"):  # the saved p would be a constant: recompute it
            p = _probabilities(q, k, additive, self.scale)
        dropped = p if keep is None else p * keep
        dv = matmul(dropped.swapaxes(-1, -2), g)  # (..., S, Ev)
        dp = matmul(g, v.swapaxes(-1, -2))  # (..., L, S)
        if keep is not None:
            dp = dp * keep
        ds = p * (dp - (dp * p).sum(axis=-1, keepdims=True))  # softmax's VJP
        dq = matmul(ds, k) * self.scale
        dk = matmul(ds.swapaxes(-1, -2), q) * self.scale
        return dq, dk, dv, ds


def scaled_dot_product_attention(query, key, value, attn_mask=None, dropout_p=0.0, is_causal=False,
                                 scale=None, enable_gqa=False, rng=None):
    """softmax(query key^T * scale + mask) @ value, as `F.scaled_dot_product_attention`.

    Parameters
    ----------
    query : Tensor (..., L, E)
    key : Tensor (..., S, E)
    value : Tensor (..., S, Ev)
    attn_mask : array or Tensor broadcastable to (..., L, S), optional
        Boolean: True where a query may attend to a key. Float: added to the scores
        (and differentiable).
    dropout_p : float
        Dropout probability on the attention weights (applied whenever > 0, as torch).
    is_causal : bool
        Mask out keys after each query (lower-triangular mask); excludes attn_mask.
    scale : float, optional
        Default 1 / sqrt(E).
    rng : np.random.Generator, optional
        For the dropout mask (default: npgrad's generator).

    Returns
    -------
    Tensor (..., L, Ev)

    Examples
    --------
    >>> out = ops.scaled_dot_product_attention(q, k, v, is_causal=True)   # q, k, v (N, h, L, E)
    """
    if enable_gqa:
        raise TypeError("scaled_dot_product_attention: enable_gqa=True is not supported in npgrad")
    if isinstance(dropout_p, bool) or not 0 <= dropout_p <= 1:
        raise ValueError(f"scaled_dot_product_attention: dropout_p must be in [0, 1], got {dropout_p!r}")
    query, key, value, attn_mask = map(_operand, (query, key, value, attn_mask))
    return apply(ScaledDotProductAttention, query, key, value, attn_mask, dropout_p=float(dropout_p),
                 is_causal=bool(is_causal), scale=scale, rng=rng)
