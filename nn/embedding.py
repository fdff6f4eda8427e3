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
