"""Grad mode, anomaly mode and tracing are per thread; concurrent backward loses nothing."""
import threading

import numpy as np

from autograd import Tensor, detect_anomaly, is_grad_enabled, no_grad
from autograd.mode import state

TIMEOUT = 60  # seconds: a deadlock fails the test instead of hanging the suite


def run_threads(*targets):
    errors = []

    def guarded(fn):
        def run():
            try:
                fn()
            except BaseException as error:  # noqa: BLE001  (reported to the main thread)
                errors.append(error)
        return run

    threads = [threading.Thread(target=guarded(fn)) for fn in targets]
    for t in threads:
        t.start()
    for t in threads:
        t.join(TIMEOUT)
        assert not t.is_alive(), "thread did not finish in time"
    if errors:
        raise errors[0]


def test_a_new_thread_starts_with_grad_enabled_even_inside_no_grad():
    seen = []
    with no_grad():
        run_threads(lambda: seen.append(is_grad_enabled()))
        assert not is_grad_enabled()
    assert seen == [True]


def test_training_thread_records_beside_an_inference_thread():
    rng = np.random.default_rng(0)
    w1 = Tensor(rng.standard_normal((4, 4)), requires_grad=True)
    w2 = Tensor(rng.standard_normal((4, 1)), requires_grad=True)
    x = Tensor(rng.standard_normal((8, 4)))
    start = threading.Barrier(2)
    failures = []

    def train():
        start.wait()
        for _ in range(300):
            w1.grad = w2.grad = None
            ((x @ w1).tanh() @ w2).sum().backward()
            if w1.grad is None or w2.grad is None:
                failures.append("missing gradient")

    def infer():
        start.wait()
        for _ in range(300):
            with no_grad():
                out = (x @ w1).tanh() @ w2
            if out.requires_grad:
                failures.append("no_grad leaked into a result")

    run_threads(train, infer)
    assert failures == []
    assert is_grad_enabled()


def test_crossed_no_grad_blocks_restore_each_thread():
    entered, leave_first = threading.Event(), threading.Event()

    def first():
        with no_grad():
            entered.set()
            leave_first.wait(TIMEOUT)

    def second():
        entered.wait(TIMEOUT)
        with no_grad():
            leave_first.set()
        assert is_grad_enabled()

    run_threads(first, second)
    assert is_grad_enabled()
    assert (Tensor([1.0], requires_grad=True) * 2).requires_grad


def test_anomaly_mode_and_tracing_are_per_thread():
    seen = []
    with detect_anomaly():
        state.trace = lambda *args: None
        try:
            run_threads(lambda: seen.append((state.anomaly, state.trace)))
            assert state.anomaly is not None
        finally:
            state.trace = None
    assert seen == [(None, None)]


def test_concurrent_backward_passes_accumulate_exactly():
    w = Tensor(np.zeros(3), requires_grad=True)
    start = threading.Barrier(2)

    def work():
        start.wait()
        for _ in range(2000):
            (w * 1.0).sum().backward()

    run_threads(work, work)
    np.testing.assert_array_equal(w.grad.data, [4000.0] * 3)
