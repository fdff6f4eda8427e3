"""Datasets shipped with npgrad (the 8x8 digits) and the `DataLoader`."""
import math
import os

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from autograd.mode import default_rng
from autograd.tensor import Tensor
from ops._validate import integer, rank

DIGITS = os.path.join(os.path.dirname(__file__), "digits.npz")


class DataLoader:
    """Iterate over equal-length arrays in mini-batches, yielding tuples of Tensors.

    Parameters
    ----------
    arrays : sequence of array_like or Tensor
        All with the same first dimension (the samples), e.g. ``(images, labels)``.
        A single array is taken as a one-element sequence.
    batch_size : int
    shuffle : bool
        Draw a new permutation at the start of every pass.
    drop_last : bool
        Skip the final batch when it is smaller than `batch_size`.
    rng : np.random.Generator, optional
        Source of the permutations (default: npgrad's default generator).

    Examples
    --------
    >>> loader = DataLoader((x_train, y_train), batch_size=64, shuffle=True,
    ...                     rng=np.random.default_rng(0))
    >>> for x, y in loader:
    ...     loss = nn.CrossEntropyLoss()(model(x), y)
    >>> len(loader)            # batches per pass
    23
    """

    def __init__(self, arrays, batch_size, shuffle=False, drop_last=False, rng=None):
        if isinstance(arrays, (np.ndarray, Tensor)):
            arrays = (arrays,)
        arrays = tuple(a.data if isinstance(a, Tensor) else np.asarray(a) for a in arrays)
        if not arrays:
            raise ValueError("DataLoader: needs at least one array")
        if any(a.ndim == 0 for a in arrays):
            raise ValueError("DataLoader: arrays need a first (sample) dimension")
        lengths = {len(a) for a in arrays}
        if len(lengths) != 1:
            raise ValueError(
                "DataLoader: arrays differ in length along the first dimension: "
                + ", ".join(str(a.shape) for a in arrays)
            )
        self.arrays = arrays
        self.batch_size = integer("DataLoader", "batch_size", batch_size, minimum=1)
        self.shuffle = shuffle
        self.drop_last = drop_last
        self.rng = rng

    @property
    def num_samples(self):
        return len(self.arrays[0])

    def __len__(self):
        if self.drop_last:
            return self.num_samples // self.batch_size
        return math.ceil(self.num_samples / self.batch_size)

    def __iter__(self):
        n = self.num_samples
        order = default_rng(self.rng).permutation(n) if self.shuffle else None
        for batch in range(len(self)):
            start = batch * self.batch_size
            if order is None:  # contiguous slices: views, no copy
                index = slice(start, start + self.batch_size)
            else:
                index = order[start:start + self.batch_size]
            yield tuple(Tensor(a[index]) for a in self.arrays)


def random_shift(images, max_shift=1, rng=None):
    """Translate each (C, H, W) image of an NCHW batch by up to `max_shift` pixels along
    each axis, independently per image, filling with zeros (data augmentation).

    Examples
    --------
    >>> x = random_shift(x_batch, 1, rng=np.random.default_rng(0))   # same shape, new array
    """
    images = np.asarray(images)
    rank("random_shift", "images (NCHW)", images.shape, exact=4)
    s = integer("random_shift", "max_shift", max_shift, minimum=0)
    N, _, H, W = images.shape
    padded = np.pad(images, ((0, 0), (0, 0), (s, s), (s, s)))
    windows = sliding_window_view(padded, (H, W), axis=(2, 3))  # (N, C, 2s+1, 2s+1, H, W)
    rng = default_rng(rng)
    dy = rng.integers(0, 2 * s + 1, N)
    dx = rng.integers(0, 2 * s + 1, N)
    return windows[np.arange(N), :, dy, dx]  # (N, C, H, W): one window per image


def load_digits():
    """The 8x8 handwritten digits that scikit-learn ships, with a fixed stratified split.

    1,797 grey-level images (0..16 scaled to [0, 1]) of the digits 0-9. Each class is
    split 80/20 with a fixed permutation (seed 0), giving 1,438 training and 359 test
    images. No network access: the data are embedded in the package.

    Returns
    -------
    ((x_train, y_train), (x_test, y_test))
        x float32 of shape (N, 1, 8, 8), y int64 of shape (N,).

    Examples
    --------
    >>> (x_train, y_train), (x_test, y_test) = load_digits()
    >>> x_train.shape, y_test.shape
    ((1438, 1, 8, 8), (359,))
    """
    with np.load(DIGITS, allow_pickle=False) as data:
        images, labels = data["images"], data["labels"]
    x = (images.astype(np.float32) / np.float32(16.0)).reshape(-1, 1, 8, 8)
    y = labels.astype(np.int64)
    rng = np.random.default_rng(0)
    train, test = [], []
    for digit in range(10):
        members = rng.permutation(np.flatnonzero(y == digit))
        cut = int(round(0.2 * len(members)))
        test.append(members[:cut])
        train.append(members[cut:])
    train = np.sort(np.concatenate(train))
    test = np.sort(np.concatenate(test))
    return (x[train], y[train]), (x[test], y[test])
