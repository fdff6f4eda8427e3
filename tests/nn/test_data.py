"""DataLoader batching and shuffling; the embedded digits and their fixed split."""
import numpy as np
import pytest

from autograd import Tensor
from nn.data import DataLoader, load_digits


def test_batches_cover_everything_in_order():
    x = np.arange(10, dtype=np.float32).reshape(10, 1)
    y = np.arange(10)
    batches = list(DataLoader((x, y), batch_size=4))
    assert len(batches) == 3 == len(DataLoader((x, y), 4))
    assert all(isinstance(t, Tensor) for b in batches for t in b)
    assert [b[1].tolist() for b in batches] == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
    assert batches[0][0].dtype == np.float32 and batches[0][1].dtype == y.dtype


def test_drop_last_and_shuffle_with_rng():
    x = np.arange(10)
    loader = DataLoader((x,), batch_size=3, shuffle=True, drop_last=True, rng=np.random.default_rng(0))
    first = [b[0].tolist() for b in loader]
    second = [b[0].tolist() for b in loader]
    assert len(first) == 3 == len(loader) and all(len(b) == 3 for b in first)
    assert first != second  # a new permutation each pass
    again = DataLoader((x,), batch_size=3, shuffle=True, drop_last=True, rng=np.random.default_rng(0))
    assert [b[0].tolist() for b in again] == first  # reproducible from the generator
    everything = [b[0].tolist() for b in DataLoader(x, 4, shuffle=True, rng=np.random.default_rng(1))]
    assert sorted(sum(everything, [])) == list(range(10))


def test_argument_errors():
    with pytest.raises(ValueError, match="differ in length"):
        DataLoader((np.zeros(3), np.zeros(4)), 2)
    with pytest.raises(ValueError, match="batch_size"):
        DataLoader((np.zeros(3),), 0)


def test_digits_split_is_fixed_stratified_and_scaled():
    (x_train, y_train), (x_test, y_test) = load_digits()
    assert x_train.shape == (1438, 1, 8, 8) and x_test.shape == (359, 1, 8, 8)
    assert x_train.dtype == np.float32 and y_train.dtype == np.int64
    assert x_train.min() == 0.0 and x_train.max() == 1.0
    counts = np.bincount(y_test, minlength=10) / np.bincount(np.concatenate([y_train, y_test]))
    assert np.all(np.abs(counts - 0.2) < 0.01)  # every class split 80/20
    (x_again, _), (x_test_again, y_test_again) = load_digits()
    np.testing.assert_array_equal(x_test, x_test_again)
    np.testing.assert_array_equal(y_test, y_test_again)


def test_digits_are_scikit_learns():
    datasets = pytest.importorskip("sklearn.datasets")
    reference = datasets.load_digits()
    (x_train, y_train), (x_test, y_test) = load_digits()
    ours = np.concatenate([x_train, x_test]).reshape(-1, 64) * 16
    theirs = reference.data
    key = lambda a: np.lexsort(a.T[::-1])  # noqa: E731  compare as multisets of rows
    np.testing.assert_array_equal(ours[key(ours)], theirs[key(theirs)])
    assert sorted(np.concatenate([y_train, y_test])) == sorted(reference.target)


def test_random_shift_moves_each_image_by_at_most_one_pixel():
    from nn.data import random_shift

    x = np.zeros((50, 1, 8, 8), np.float32)
    x[:, :, 3, 4] = 1  # one lit pixel per image
    shifted = random_shift(x, 1, rng=np.random.default_rng(0))
    assert shifted.shape == x.shape and shifted.dtype == x.dtype
    rows, cols = np.nonzero(shifted[:, 0].sum(axis=2))[1], np.nonzero(shifted[:, 0].sum(axis=1))[1]
    assert set(rows) == {2, 3, 4} and set(cols) == {3, 4, 5}  # every offset occurs, none further
    assert np.all(shifted.reshape(50, -1).sum(axis=1) == 1)
    with pytest.raises(ValueError, match="NCHW"):
        random_shift(np.zeros((8, 8)))
