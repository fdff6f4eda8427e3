"""Embedding: a learned lookup table, as `torch.nn.Embedding`."""
import numpy as np

import ops
from autograd.tensor import Tensor
from nn import init
from nn.layers import float_dtype, positive_int
from nn.module import Module
from nn.parameter import Parameter


class Embedding(Module):
    """A table of `num_embeddings` vectors of size `embedding_dim`, indexed by integers.

    Initialised as PyTorch: weight ~ N(0, 1), the `padding_idx` row zero. That row
    receives no gradient, so it stays as it is while training.

    Parameters
    ----------
    num_embeddings, embedding_dim : int
    padding_idx : int, optional
        A row that is excluded from gradients (negative counts from the end).
    max_norm, norm_type, scale_grad_by_freq, sparse :
        Accepted at their defaults only (npgrad has no renormalising or sparse lookups).
    dtype : dtype, optional

    Examples
    --------
    >>> emb = nn.Embedding(65, 16, padding_idx=0)
    >>> emb(np.array([[1, 2, 0]])).shape
    (1, 3, 16)
    """

    def __init__(self, num_embeddings, embedding_dim, padding_idx=None, max_norm=None, norm_type=2.0,
                 scale_grad_by_freq=False, sparse=False, _weight=None, _freeze=False, dtype=None):
        super().__init__()
        self.num_embeddings = positive_int(num_embeddings, "num_embeddings", "Embedding")
        self.embedding_dim = positive_int(embedding_dim, "embedding_dim", "Embedding")
        for name, value, default in (("max_norm", max_norm, None), ("scale_grad_by_freq", scale_grad_by_freq, False),
                                     ("sparse", sparse, False)):
            if value != default:
                raise NotImplementedError(f"Embedding: {name}={value!r} is not supported in npgrad")
        self.norm_type = norm_type
        self.max_norm = None
        self.scale_grad_by_freq = False
        self.sparse = False
        if padding_idx is not None:
            if not -self.num_embeddings <= padding_idx < self.num_embeddings:
                raise ValueError(f"Embedding: padding_idx {padding_idx} must be within num_embeddings "
                                 f"({self.num_embeddings})")
            padding_idx = int(padding_idx) % self.num_embeddings
        self.padding_idx = padding_idx
        if _weight is None:
            self.weight = Parameter(np.empty((self.num_embeddings, self.embedding_dim), float_dtype(dtype, "Embedding")),
                                    requires_grad=not _freeze)
            self.reset_parameters()
        else:
            weight = np.array(_weight.data if isinstance(_weight, Tensor) else _weight, dtype=dtype)
            if weight.shape != (self.num_embeddings, self.embedding_dim):
                raise ValueError(f"Embedding: _weight of shape {weight.shape}, expected "
                                 f"{(self.num_embeddings, self.embedding_dim)}")
            self.weight = Parameter(weight, requires_grad=not _freeze)

    def reset_parameters(self):
        """Redraw the weight from N(0, 1) and zero the padding row."""
        init.normal_(self.weight)
        if self.padding_idx is not None:
            self.weight.data[self.padding_idx] = 0

    @classmethod
    def from_pretrained(cls, embeddings, freeze=True, padding_idx=None):
        """An Embedding holding `embeddings` (2-D array or Tensor), frozen by default.

        Examples
        --------
        >>> emb = nn.Embedding.from_pretrained(np.eye(3, dtype=np.float32))
        """
        array = np.array(embeddings.data if isinstance(embeddings, Tensor) else embeddings)
        if array.ndim != 2:
            raise ValueError(f"Embedding.from_pretrained: embeddings must be 2-D, got shape {array.shape}")
        return cls(array.shape[0], array.shape[1], padding_idx=padding_idx, _weight=array, _freeze=freeze,
                   dtype=array.dtype)

    def forward(self, input):
        return ops.embedding(input, self.weight, padding_idx=self.padding_idx)

    def extra_repr(self):
        text = f"{self.num_embeddings}, {self.embedding_dim}"
        if self.padding_idx is not None:
            text += f", padding_idx={self.padding_idx}"
        return text


class EmbeddingBag(Module):
    """Sums, means or maxima of bags of embeddings, as `torch.nn.EmbeddingBag`.

    forward(input, offsets=None, per_sample_weights=None): a 2-D `input` (B, N) is B
    bags of N indices; a 1-D `input` is cut into bags at `offsets` (start positions;
    with `include_last_offset` the last offset ends the last bag). Entries equal to
    `padding_idx` are left out of their bag; an empty bag gives zeros. Built from the
    registered `embedding`, `where` and reductions, so it is twice differentiable.

    Examples
    --------
    >>> bag = nn.EmbeddingBag(10, 3, mode="sum")
    >>> bag(np.array([1, 2, 4, 5, 4]), offsets=np.array([0, 2])).shape
    (2, 3)
    """

    def __init__(self, num_embeddings, embedding_dim, max_norm=None, norm_type=2.0,
                 scale_grad_by_freq=False, mode="mean", sparse=False, _weight=None,
                 include_last_offset=False, padding_idx=None, dtype=None):
        super().__init__()
        if mode not in ("sum", "mean", "max"):
            raise ValueError(f"EmbeddingBag: mode must be 'sum', 'mean' or 'max', got {mode!r}")
        table = Embedding(num_embeddings, embedding_dim, padding_idx, max_norm, norm_type,
                          scale_grad_by_freq, sparse, _weight, dtype=dtype)
        self.num_embeddings, self.embedding_dim = table.num_embeddings, table.embedding_dim
        self.padding_idx = table.padding_idx
        self.max_norm, self.norm_type, self.scale_grad_by_freq, self.sparse = None, norm_type, False, False
        self.mode = mode
        self.include_last_offset = bool(include_last_offset)
        self.weight = table.weight

    def reset_parameters(self):
        """Redraw the weight from N(0, 1) and zero the padding row."""
        init.normal_(self.weight)
        if self.padding_idx is not None:
            self.weight.data[self.padding_idx] = 0

    def _bags(self, index, offsets):
        """(B, L) indices and a (B, L) mask of the entries that belong to each bag."""
        if index.ndim == 2:
            if offsets is not None:
                raise ValueError("EmbeddingBag: offsets must be None when input is 2-D")
            return index, np.ones(index.shape, bool), None
        if index.ndim != 1:
            raise ValueError(f"EmbeddingBag: input must be 1-D or 2-D, got shape {index.shape}")
        if offsets is None:
            raise ValueError("EmbeddingBag: a 1-D input needs offsets (the start of every bag)")
        offsets = np.asarray(offsets.data if isinstance(offsets, Tensor) else offsets, dtype=np.int64)
        if offsets.ndim != 1 or (offsets.size and (offsets[0] != 0 or np.any(np.diff(offsets) < 0)
                                                   or offsets[-1] > index.size)):
            raise ValueError(f"EmbeddingBag: offsets must be a non-decreasing 1-D array starting at 0 "
                             f"and within the input's {index.size} entries, got {offsets}")
        starts = offsets[:-1] if self.include_last_offset else offsets
        ends = offsets[1:] if self.include_last_offset else np.append(offsets[1:], index.size)
        lengths = ends - starts
        width = int(lengths.max(initial=0))
        column = np.arange(width)
        mask = column < lengths[:, None]
        positions = np.where(mask, starts[:, None] + column, 0)
        if index.size == 0:
            positions = np.zeros(positions.shape, np.int64)
            index = np.zeros(1, np.int64)
        return index[positions], mask, positions

    def forward(self, input, offsets=None, per_sample_weights=None):
        index = input.data if isinstance(input, Tensor) else np.asarray(input)
        bags, mask, positions = self._bags(index, offsets)
        if self.padding_idx is not None:
            mask = mask & (bags != self.padding_idx)
        rows = ops.embedding(bags, self.weight)  # (B, L, D)
        keep = mask[..., None]
        count = mask.sum(axis=1, keepdims=True)  # (B, 1)
        if per_sample_weights is not None:
            if self.mode != "sum":
                raise NotImplementedError("EmbeddingBag: per_sample_weights only works with mode='sum'")
            weights = per_sample_weights if isinstance(per_sample_weights, Tensor) else Tensor(per_sample_weights)
            if weights.shape != index.shape:
                raise ValueError(f"EmbeddingBag: per_sample_weights of shape {weights.shape}, expected {index.shape}")
            if positions is not None:
                weights = weights[positions]
            rows = rows * weights.reshape(weights.shape + (1,))
        if self.mode == "max":
            best = ops.where(keep, rows, -np.inf).max(axis=1)
            return ops.where(count > 0, best, 0.0)
        total = ops.where(keep, rows, 0.0).sum(axis=1)
        if self.mode == "sum":
            return total
        return total / np.maximum(count, 1).astype(total.dtype)

    def extra_repr(self):
        text = f"{self.num_embeddings}, {self.embedding_dim}, mode={self.mode!r}"
        if self.padding_idx is not None:
            text += f", padding_idx={self.padding_idx}"
        return text
