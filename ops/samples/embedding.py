"""Sample inputs for embedding: repeated indices (gradients accumulate), a padding row,
a negative padding_idx and 1-D indices."""
import numpy as np

import ops
from ops.samples import Case, rng, torch


def _embedding(padding_idx=None):
    def fn(index, weight):
        return ops.embedding(index, weight, padding_idx=padding_idx)

    def torch_fn(index, weight):
        return torch().nn.functional.embedding(torch().as_tensor(index), weight, padding_idx=padding_idx)

    return {"fn": fn, "torch_fn": torch_fn}


INDEX = np.array([[0, 2, 2, 5], [1, 0, 4, 2], [3, 3, 3, 0]])

CASES = [
    Case("embedding", **_embedding(), inputs=[INDEX, rng(1000).standard_normal((6, 3))], id="repeats"),
    Case("embedding", **_embedding(2), inputs=[INDEX, rng(1001).standard_normal((6, 3))], id="padding",
         gradcheck=False),  # the padding row gets no gradient by definition (torch's rule)
    Case("embedding", **_embedding(-1), inputs=[INDEX[1:], rng(1002).standard_normal((6, 3))],
         id="negative-padding-unused"),  # row 5 is padding; INDEX[1:] never uses it
    Case("embedding", **_embedding(), inputs=[np.array([4, 0, 4]), rng(1003).standard_normal((5, 2))],
         id="1d"),
]
