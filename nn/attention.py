"""MultiheadAttention, as `torch.nn.MultiheadAttention` (names, layouts, masks, init)."""
import math

import numpy as np

import ops
from autograd.tensor import Tensor
from nn import init
from nn.layers import Linear, float_dtype, positive_int
from nn.module import Module
from nn.parameter import Parameter


def _as_tensor(x):
    return x if isinstance(x, Tensor) else Tensor(x)


def _additive(mask, dtype):
    """A mask as something to add to the scores: bool True (= masked out) -> -inf."""
    if mask is None:
        return None
    if isinstance(mask, Tensor) and mask.dtype.kind == "f":
        return mask
    array = mask.data if isinstance(mask, Tensor) else np.asarray(mask)
    if array.dtype == bool:
        return np.where(array, -np.inf, 0.0).astype(dtype)
    if array.dtype.kind != "f":
        raise TypeError(f"MultiheadAttention: masks must be bool or float, got dtype {array.dtype}")
    return array.astype(dtype, copy=False)


def _sum(a, b):
    if a is None or b is None:
        return b if a is None else a
    return a + b


class MultiheadAttention(Module):
    """Multi-head attention: softmax(Q K^T / sqrt(head_dim) + mask) V per head, then out_proj.

    Parameters (PyTorch's names and layouts): `in_proj_weight` (3E, E) with rows
    (q, k, v), `in_proj_bias` (3E,), `out_proj.weight` (E, E), `out_proj.bias` (E,); with
    kdim or vdim different from E, `q_proj_weight`, `k_proj_weight`, `v_proj_weight`
    instead. Initialised as PyTorch: xavier-uniform projections, zero biases.

    Parameters
    ----------
    embed_dim, num_heads : int
        embed_dim must be divisible by num_heads.
    dropout : float
        Dropout on the attention weights while training.
    bias : bool
    batch_first : bool
        Inputs and output as (N, L, E) instead of (L, N, E).
    kdim, vdim : int, optional
    dtype : dtype, optional

    Examples
    --------
    >>> mha = nn.MultiheadAttention(16, 4, batch_first=True)
    >>> out, weights = mha(x, x, x)            # x (N, L, 16): out (N, L, 16), weights (N, L, L)
    """

    def __init__(self, embed_dim, num_heads, dropout=0.0, bias=True, add_bias_kv=False,
                 add_zero_attn=False, kdim=None, vdim=None, batch_first=False, dtype=None):
        super().__init__()
        self.embed_dim = positive_int(embed_dim, "embed_dim", "MultiheadAttention")
        self.num_heads = positive_int(num_heads, "num_heads", "MultiheadAttention")
        if embed_dim % num_heads:
            raise ValueError(f"MultiheadAttention: embed_dim ({embed_dim}) must be divisible by num_heads ({num_heads})")
        if add_bias_kv or add_zero_attn:
            raise NotImplementedError("MultiheadAttention: add_bias_kv and add_zero_attn are not supported in npgrad")
        if isinstance(dropout, bool) or not 0 <= dropout <= 1:
            raise ValueError(f"MultiheadAttention: dropout must be in [0, 1], got {dropout!r}")
        self.kdim = embed_dim if kdim is None else positive_int(kdim, "kdim", "MultiheadAttention")
        self.vdim = embed_dim if vdim is None else positive_int(vdim, "vdim", "MultiheadAttention")
        self._qkv_same_embed_dim = self.kdim == embed_dim and self.vdim == embed_dim
        self.dropout = float(dropout)
        self.batch_first = bool(batch_first)
        self.head_dim = embed_dim // num_heads
        dtype = float_dtype(dtype, "MultiheadAttention")
        E = embed_dim
        if self._qkv_same_embed_dim:
            self.in_proj_weight = Parameter(np.empty((3 * E, E), dtype))
            for name in ("q_proj_weight", "k_proj_weight", "v_proj_weight"):
                self.register_parameter(name, None)
        else:
            self.q_proj_weight = Parameter(np.empty((E, E), dtype))
            self.k_proj_weight = Parameter(np.empty((E, self.kdim), dtype))
            self.v_proj_weight = Parameter(np.empty((E, self.vdim), dtype))
            self.register_parameter("in_proj_weight", None)
        self.register_parameter("in_proj_bias", Parameter(np.empty(3 * E, dtype)) if bias else None)
        self.out_proj = Linear(E, E, bias=bias, dtype=dtype)
        self.bias_k = self.bias_v = None
        self.add_zero_attn = False
        self._reset_parameters()

    def _reset_parameters(self):
        if self._qkv_same_embed_dim:
            init.xavier_uniform_(self.in_proj_weight)
        else:
            for w in (self.q_proj_weight, self.k_proj_weight, self.v_proj_weight):
                init.xavier_uniform_(w)
        if self.in_proj_bias is not None:
            init.zeros_(self.in_proj_bias)
            init.zeros_(self.out_proj.bias)

    def _project(self, query, key, value):
        E = self.embed_dim
        b = self.in_proj_bias
        biases = (None, None, None) if b is None else (b[:E], b[E:2 * E], b[2 * E:])
        if self._qkv_same_embed_dim:
            w = self.in_proj_weight
            if query is key and key is value:  # self-attention: one GEMM
                qkv = ops.linear(query, w, b)
                return qkv[..., :E], qkv[..., E:2 * E], qkv[..., 2 * E:]
            weights = (w[:E], w[E:2 * E], w[2 * E:])
        else:
            weights = (self.q_proj_weight, self.k_proj_weight, self.v_proj_weight)
        return tuple(ops.linear(x, wi, bi) for x, wi, bi in zip((query, key, value), weights, biases))

    def forward(self, query, key, value, key_padding_mask=None, need_weights=True, attn_mask=None,
                average_attn_weights=True, is_causal=False):
        """Attend from `query` (L, N, E) to `key` (S, N, kdim) / `value` (S, N, vdim).

        Masks as PyTorch: `key_padding_mask` (N, S) and `attn_mask` (L, S) or
        (N*num_heads, L, S); boolean True means "do not attend", float masks are added
        to the scores. Returns (output (L, N, E), weights (N, L, S) averaged over heads,
        (N, num_heads, L, S) otherwise, or None when need_weights is False).
        """
        same = query is key and key is value
        query = _as_tensor(query)
        key = query if same else _as_tensor(key)
        value = query if same else _as_tensor(value)
        if is_causal and attn_mask is None:
            raise ValueError("MultiheadAttention: is_causal=True needs attn_mask (it is only a hint, as in torch)")
        batched = query.ndim == 3
        if query.ndim not in (2, 3) or key.ndim != query.ndim or value.ndim != query.ndim:
            raise ValueError(f"MultiheadAttention: query {query.shape}, key {key.shape} and value "
                             f"{value.shape} must all be 2-D (unbatched) or 3-D")
        if query.shape[-1] != self.embed_dim:
            raise ValueError(f"MultiheadAttention: query of shape {query.shape}, expected embed_dim "
                             f"{self.embed_dim} last")
        if not batched:
            query, key, value = (x.reshape((x.shape[0], 1, x.shape[1])) for x in (query, key, value))
            if key_padding_mask is not None:
                key_padding_mask = (key_padding_mask.reshape((1,) + key_padding_mask.shape)
                                    if isinstance(key_padding_mask, Tensor) else np.asarray(key_padding_mask)[None])
        elif self.batch_first:
            query, key, value = (x.transpose(1, 0, 2) for x in (query, key, value))
        if same:
            key = value = query
        L, N, E = query.shape
        S = key.shape[0]
        h, hd = self.num_heads, self.head_dim
        q, k, v = self._project(query, key, value)
        # (L, N, E) -> (N, h, L, hd): the layout of torch's view(L, N*h, hd).transpose(0, 1)
        q, k, v = (x.reshape((x.shape[0], N, h, hd)).transpose(1, 2, 0, 3) for x in (q, k, v))
        dtype = q.dtype
        mask = _additive(attn_mask, dtype)
        if mask is not None:
            if mask.ndim == 3:
                if mask.shape != (N * h, L, S):
                    raise ValueError(f"MultiheadAttention: 3-D attn_mask of shape {mask.shape}, expected {(N * h, L, S)}")
                mask = mask.reshape((N, h, L, S))
            elif mask.shape != (L, S):
                raise ValueError(f"MultiheadAttention: 2-D attn_mask of shape {mask.shape}, expected {(L, S)}")
        padding = _additive(key_padding_mask, dtype)
        if padding is not None:
            if padding.shape != (N, S):
                raise ValueError(f"MultiheadAttention: key_padding_mask of shape {padding.shape}, expected {(N, S)}")
            padding = padding.reshape((N, 1, 1, S))
        mask = _sum(mask, padding)
        dropout_p = self.dropout if self.training else 0.0
        weights = None
        if need_weights:
            scores = (q * math.sqrt(1.0 / hd)) @ k.swapaxes(-1, -2)  # (N, h, L, S)
            if mask is not None:
                scores = scores + mask
            weights = ops.softmax(scores, axis=-1)
            if dropout_p > 0:
                weights = ops.dropout(weights, dropout_p, training=True)
            out = weights @ v
            if average_attn_weights:
                weights = weights.mean(axis=1)
            if not batched:
                weights = weights.reshape(weights.shape[1:])
        else:
            out = ops.scaled_dot_product_attention(q, k, v, attn_mask=mask, dropout_p=dropout_p)
        out = out.transpose(2, 0, 1, 3).reshape((L, N, E))  # (N, h, L, hd) -> (L, N, E)
        out = self.out_proj(out)
        if not batched:
            out = out.reshape((L, E))
        elif self.batch_first:
            out = out.transpose(1, 0, 2)
        return out, weights

    def extra_repr(self):
        return f"embed_dim={self.embed_dim}, num_heads={self.num_heads}, batch_first={self.batch_first}"
