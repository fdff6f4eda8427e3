"""Embedding lookup: rows of a weight table gathered by integer indices (PyTorch's
`F.embedding`); the weight gradient adds the rows of g that share an index."""
import numpy as np

from autograd.function import Function, call, register
from autograd.mode import get_default_dtype
from autograd.tensor import apply


def _scatter_rows(rows, flat_index, count):
    """(count, D) with row k the sum of `rows` whose index is k (sort + reduceat)."""
    order = np.argsort(flat_index, kind="stable")
    sorted_index = flat_index[order]
    starts = np.flatnonzero(np.r_[True, sorted_index[1:] != sorted_index[:-1]])
    out = np.zeros((count, rows.shape[1]), rows.dtype)
    out[sorted_index[starts]] = np.add.reduceat(rows[order], starts, axis=0)
    return out


def _operand(a):
    """Lists and scalars as arrays (floats in npgrad's default dtype); Tensors, arrays, None as is."""
    if a is None or hasattr(a, "grad_fn") or isinstance(a, np.ndarray):
        return a
    array = np.asarray(a)
    return array.astype(get_default_dtype()) if array.dtype.kind == "f" else array


@register("embedding")
class Embedding(Function):
    """weight[input]; the padding row (if any) gets no gradient."""

    def forward(self, input, weight, padding_idx=None):
        if weight.ndim != 2:
            raise ValueError(f"embedding: weight must be 2-D (num_embeddings, embedding_dim), got shape {weight.shape}")
        if input.dtype.kind not in "iu":
            raise TypeError(f"embedding: indices must be integers, got dtype {input.dtype}")
        count = weight.shape[0]
        if input.size and (input.min() < 0 or input.max() >= count):
            bad = input[(input < 0) | (input >= count)].flat[0]
            raise IndexError(f"embedding: index {bad} is out of range for {count} embeddings")
        self.save(input)
        self.count = count
        self.padding_idx = padding_idx
        return weight[input]

    def vjp(self, g):
        (input,) = self.saved
        if hasattr(input, "grad_fn"):  # re-wrapped as a constant Tensor under create_graph
            input = input.data
        if self.padding_idx is not None:  # mask on the indices (forward values), not on g
            g = g * (input != self.padding_idx)[..., None].astype(g.dtype)
        if hasattr(g, "grad_fn"):  # create_graph: a recorded scatter, differentiable again
            return None, call("index_add", g, shape=(self.count, g.shape[-1]), index=input)
        rows = g.reshape(-1, g.shape[-1])
        return None, _scatter_rows(rows, input.reshape(-1), self.count)


def embedding(input, weight, padding_idx=None):
    """Rows of `weight` (num_embeddings, embedding_dim) at the integer `input` indices.

    As `torch.nn.functional.embedding`: the result has shape input.shape +
    (embedding_dim,); repeated indices accumulate their gradients; the row
    `padding_idx` (negative counts from the end) receives no gradient.

    Examples
    --------
    >>> ops.embedding(np.array([[0, 2], [1, 0]]), weight).shape   # weight (3, 4)
    (2, 2, 4)
    """
    index = input.data if hasattr(input, "grad_fn") else np.asarray(input)
    weight = _operand(weight)
    if np.ndim(weight.data if hasattr(weight, "grad_fn") else weight) != 2:
        raise ValueError(f"embedding: weight must be 2-D (num_embeddings, embedding_dim), got shape {np.shape(weight)}")
    rows = weight.shape[0]
    if padding_idx is not None:
        if not -rows <= padding_idx < rows:
            raise ValueError(f"embedding: padding_idx {padding_idx} must be within num_embeddings ({rows})")
        padding_idx = int(padding_idx) % rows
    return apply(Embedding, index, weight, padding_idx=padding_idx)
