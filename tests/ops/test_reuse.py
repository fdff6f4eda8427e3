"""ops._reuse: large arrays reused between steps, never while anything still uses them."""
import numpy as np
import pytest

from ops import _reuse


@pytest.fixture(autouse=True)
def fresh_cache():
    _reuse.clear()
    yield
    _reuse.clear()


def _like(order):
    """A (8, 16, 64, 64) float32 array (2 MiB) laid out with axes `order` outermost first."""
    memory = np.zeros(tuple((8, 16, 64, 64)[i] for i in order), np.float32)
    return memory.transpose(np.argsort(order))


@pytest.mark.parametrize("order", [(0, 1, 2, 3), (1, 0, 2, 3), (3, 2, 1, 0)])
def test_layout_follows_the_model_and_memory_is_reused_once_free(order):
    model = _like(order)
    a = _reuse.empty_like(model)
    assert a.shape == model.shape and a.dtype == np.float32
    assert a.strides == model.strides  # dense in the model's memory order
    address = a.__array_interface__["data"][0]
    del a
    b = _reuse.empty_like(model)
    assert b.__array_interface__["data"][0] == address
    c = _reuse.empty_like(model, np.bool_)
    assert c.dtype == np.bool_ and not np.shares_memory(b, c)


@pytest.mark.parametrize("hold", ["array", "view", "memoryview", "list"])
def test_an_array_still_referenced_is_never_handed_out(hold):
    model = _like((1, 0, 2, 3))
    a = _reuse.empty_like(model)
    a[...] = 7
    kept = {"array": lambda: a, "view": lambda: a[1:, ::2], "memoryview": lambda: memoryview(a),
            "list": lambda: [a]}[hold]()
    del a
    others = [_reuse.empty_like(model) for _ in range(3)]
    for other in others:
        other[...] = -1
    held = np.asarray(kept[0] if hold == "list" else kept)
    assert (held == 7).all()


def test_small_arrays_are_not_kept_and_the_cache_is_bounded():
    small = _reuse.empty_like(np.zeros((10, 10), np.float32))
    assert small.shape == (10, 10) and len(_reuse._kept) == 0
    alive = [_reuse.empty_like(np.zeros((1 << 18) + i, np.float32))
             for i in range(_reuse.MAX_ARRAYS + 3)]
    assert len(_reuse._kept) == _reuse.MAX_ARRAYS  # all in use: the extra ones are not kept
    del alive
    _reuse.empty_like(np.zeros(1 << 19, np.float32))  # full of unused arrays: one is dropped
    assert len(_reuse._kept) == _reuse.MAX_ARRAYS


def test_memory_flat_is_a_view_of_dense_layouts_only():
    cm = _like((1, 0, 2, 3))
    flat = _reuse.memory_flat(cm)
    assert flat.ndim == 1 and np.shares_memory(flat, cm) and flat.size == cm.size
    assert _reuse.memory_flat(cm[..., :32]) is None  # padded rows
    assert _reuse.memory_flat(np.zeros((4, 4))[:, ::-1]) is None
