"""ops._lanes: pieces of a kernel cover every element once; lanes run them all."""
import numpy as np
import pytest

from ops import _lanes


def _layouts():
    r = np.random.default_rng(0)
    dense = r.standard_normal((4, 6, 8, 10))
    channel_major = r.standard_normal((6, 4, 8, 10)).transpose(1, 0, 2, 3)
    padded = r.standard_normal((6, 4, 8, 13))[..., 1:11].transpose(1, 0, 2, 3)
    return {"dense": dense, "channel_major": channel_major, "padded": padded}


@pytest.mark.parametrize("first", ["dense", "channel_major", "padded"])
@pytest.mark.parametrize("last", ["dense", "channel_major"])
@pytest.mark.parametrize("block", [1, 7, 100, 10_000])
def test_pieces_cover_every_element_once_and_match(first, last, block):
    arrays = _layouts()
    a = arrays[first]
    out = np.zeros_like(arrays[last])
    hits = np.zeros(a.shape, np.int64)
    for x, o, h in _lanes.pieces((a, out, np.zeros_like(out)), block):
        assert x.shape == o.shape == h.shape
        o += x  # the pieces of a and out are the same elements
    np.testing.assert_array_equal(out, a)
    for (o,) in _lanes.pieces((hits,), block):
        o += 1
    assert (hits == 1).all()


@pytest.mark.parametrize("lanes", [1, 2, 3])
def test_run_deals_pieces_round_robin_and_returns_lane_results_in_order(lanes):
    seen = _lanes.run(lambda pieces: list(pieces), range(7), lanes)
    assert seen == [list(range(7))[i::lanes] for i in range(lanes)]


def test_run_raises_a_lanes_error():
    def work(pieces):
        if 1 in pieces:
            raise ValueError("lane failed")
        return pieces

    with pytest.raises(ValueError, match="lane failed"):
        _lanes.run(work, range(4), 2)


def test_lanes_work_in_a_forked_child():
    """The pool thread does not survive fork: a child makes its own (no hang)."""
    import multiprocessing

    _lanes.run(lambda pieces: pieces, range(4), 2)  # the parent's pool exists
    context = multiprocessing.get_context("fork")
    with context.Pool(1) as pool:
        result = pool.apply_async(_lanes.run, (sorted, [3, 1, 2, 0], 2)).get(timeout=30)
    assert result == [[2, 3], [0, 1]]


def test_count_follows_the_blas_policy(monkeypatch):
    """Two lanes when the policy would thread a GEMM of that size, one when it would not
    or when the policy is off."""
    granted = {"threads": 2}
    monkeypatch.setattr(_lanes, "lanes", lambda flops: granted["threads"])
    assert _lanes.count(10 ** 7) == 2
    granted["threads"] = 1
    assert _lanes.count(10 ** 7) == 1
    granted["threads"] = None
    assert _lanes.count(10 ** 7) == 1


def test_a_lock_held_at_fork_is_free_in_the_child():
    """ops._util.ForkSafeLock: a fork while another thread holds it (a lane, a reuse
    lookup) leaves the child a free lock, not one locked for ever."""
    import multiprocessing
    import threading

    from ops._util import ForkSafeLock

    global _shared
    lock = _shared = ForkSafeLock()  # the child inherits it (locks cannot be pickled)
    held, release = threading.Event(), threading.Event()

    def hold():
        with lock:
            held.set()
            release.wait(30)

    holder = threading.Thread(target=hold)
    holder.start()
    held.wait(30)
    try:
        with multiprocessing.get_context("fork").Pool(1) as pool:
            assert pool.apply_async(_take).get(timeout=30) == "taken"
    finally:
        release.set()
        holder.join()


_shared = None


def _take():
    with _shared:
        return "taken"
