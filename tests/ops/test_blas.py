"""The BLAS thread policy (ops/_blas.py): one thread for small GEMMs and beside a busy core."""
import time

import numpy as np
import pytest

import ops
from ops import _blas

threadpoolctl = pytest.importorskip("threadpoolctl")


def _blas_threads():
    """NumPy's BLAS thread count, as threadpoolctl reports it."""
    import os

    home = os.path.dirname(np.__file__)
    counts = [info["num_threads"] for info in threadpoolctl.threadpool_info()
              if info["user_api"] == "blas" and os.path.realpath(info["filepath"]).startswith(home)]
    return counts[0]


def test_the_policy_controls_numpys_blas_not_another_librarys():
    import os

    pytest.importorskip("scipy.linalg")  # loads SciPy's own OpenBLAS, listed first
    lib = _blas._library()
    if lib is False:
        pytest.skip("no BLAS controller")
    assert os.path.realpath(lib.filepath).startswith(os.path.dirname(np.__file__))


@pytest.fixture
def policy_on():
    _blas.policy(True)
    yield
    _blas.policy(True)


def test_small_gemms_use_one_thread(policy_on):
    if _blas._library() is False or _blas._state["max"] < 2:
        pytest.skip("BLAS with a single thread")
    assert _blas.gemm_threads(1000) == 1
    assert _blas_threads() == 1


def test_policy_off_restores_the_blas_thread_count(policy_on):
    if _blas._library() is False:
        pytest.skip("no BLAS controller")
    _blas.gemm_threads(10)
    _blas.policy(False)
    assert _blas_threads() == _blas._state["max"]
    assert _blas.gemm_threads(10) is None  # off: the BLAS is left alone


def test_busy_core_is_detected():
    from benchmarks.harness import busy_core

    with busy_core(seconds=10):
        _blas.others_busy()  # first look: the baseline
        deadline = time.monotonic() + 3
        seen = False
        while time.monotonic() < deadline and not seen:
            time.sleep(_blas.INTERVAL + 0.05)
            seen = _blas.others_busy()
    assert seen


def test_results_do_not_depend_on_the_thread_count(policy_on):
    r = np.random.default_rng(0)
    x, w = r.standard_normal((64, 300)), r.standard_normal((200, 300))
    big = ops.linear(x, w).data  # 3.8 M multiply-adds: the BLAS's own count when quiet
    _blas.policy(False)
    np.testing.assert_allclose(big, x @ w.T, rtol=1e-12)
    small = ops.matmul(x[:4, :10], w[:3, :10].T).data
    np.testing.assert_allclose(small, x[:4, :10] @ w[:3, :10].T, rtol=1e-12)


def test_a_worker_thread_does_not_take_the_policy_away_from_the_main_thread(policy_on):
    """threadpoolctl lets only the first thread that sets a limit change OpenBLAS; the
    policy calls OpenBLAS itself, so any thread's choice takes effect."""
    import threading

    if _blas._library() is False or _blas._state["max"] < 2:
        pytest.skip("BLAS with a single thread")
    worker = threading.Thread(target=_blas.gemm_threads, args=(0,))
    worker.start()
    worker.join()
    assert _blas_threads() == 1
    _blas.policy(False)  # restores the full count from the main thread
    assert _blas_threads() == _blas._state["max"]


@pytest.mark.parametrize("op, x_shape, w_shape", [("linear", (256, 300), (200, 300)),
                                                   ("matmul", (6, 40, 300), (300, 900))])
def test_while_lanes_run_large_gemms_run_in_lanes_with_the_same_floats_quiet_or_busy(
        policy_on, monkeypatch, op, x_shape, w_shape):
    """While npgrad's own lanes are in use (a convnet), a large GEMM is split in two halves:
    two lanes on a quiet machine, one after the other beside a busy core, with a
    one-thread BLAS either way (no OpenBLAS worker left spinning beside the lanes) and
    the same floats."""
    from ops import _lanes

    if _blas._library() is False or _blas._state["max"] < 2:
        pytest.skip("BLAS with a single thread")
    r = np.random.default_rng(1)
    x = r.standard_normal(x_shape).astype(np.float32)
    w = r.standard_normal(w_shape).astype(np.float32)
    pooled, original = [], _lanes.pool
    monkeypatch.setattr(_lanes, "pool", lambda: pooled.append(1) or original())

    def product(busy):
        monkeypatch.setattr(_blas, "others_busy", lambda now=None: busy)
        assert _blas.lanes(10 ** 8) == (1 if busy else _blas._state["max"])  # lanes in use
        return getattr(ops, op)(x, w).data

    quiet = product(False)
    assert len(pooled) >= 1  # the second half ran in the pool's thread
    count = len(pooled)
    busy = product(True)
    assert len(pooled) == count  # both halves in the calling thread
    assert _blas_threads() == 1
    assert np.array_equal(quiet, busy)
    np.testing.assert_allclose(quiet, x @ w.T if op == "linear" else x @ w, rtol=1e-4, atol=1e-4)


def test_without_lanes_large_gemms_use_the_blas_threads_and_lanes_take_them_back(
        policy_on, monkeypatch):
    """In a model with no lane work (an MLP) OpenBLAS threads large GEMMs itself (its
    workers answer faster than a pool thread); lanes set it back to one thread."""
    if _blas._library() is False or _blas._state["max"] < 2:
        pytest.skip("BLAS with a single thread")
    monkeypatch.setattr(_blas, "others_busy", lambda now=None: False)
    monkeypatch.setitem(_blas._state, "lanes_at", -1e9)
    r = np.random.default_rng(2)
    x, w = r.standard_normal((256, 300)), r.standard_normal((200, 300))
    ops.linear(x, w)
    assert _blas_threads() == _blas._state["max"]
    assert _blas.lanes(10 ** 8) == _blas._state["max"]
    assert _blas_threads() == 1
    assert _blas.gemm_threads(10 ** 8) == 1  # lanes ran just now: GEMMs stay in lanes
