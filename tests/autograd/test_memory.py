"""No leaks: live Tensors, graph nodes and traced memory stay flat over many steps."""
import gc
import tracemalloc

import numpy as np

from autograd import Function, Tensor


def _count(kind):
    return sum(issubclass(type(o), kind) for o in gc.get_objects())


def _live(kind):
    gc.collect()
    return _count(kind)


def _step(w1, w2, x):
    loss = ((x @ w1).tanh() @ w2).softmax(axis=-1).log().mean()
    loss.backward()
    for w in (w1, w2):
        w.data -= 0.01 * w.grad.data
        w.grad = None


def test_live_tensors_nodes_and_memory_stay_flat():
    rng = np.random.default_rng(0)
    w1 = Tensor(rng.standard_normal((16, 32)), requires_grad=True)
    w2 = Tensor(rng.standard_normal((32, 4)), requires_grad=True)
    x = Tensor(rng.standard_normal((8, 16)))
    for _ in range(50):
        _step(w1, w2, x)
    tensors, nodes = _live(Tensor), _live(Function)
    tracemalloc.start()
    for _ in range(50):
        _step(w1, w2, x)
    before = tracemalloc.get_traced_memory()[0]
    for _ in range(1000):
        _step(w1, w2, x)
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    assert _live(Tensor) == tensors
    assert _live(Function) == nodes
    assert after - before < 64 * 1024, f"traced memory grew by {after - before} bytes"


def test_graph_is_freed_without_the_cycle_collector():
    gc.disable()
    try:
        x = Tensor(np.ones(3), requires_grad=True)
        before = _count(Function)
        for _ in range(100):
            (x * 2).exp().sum().backward()
        after = _count(Function)
    finally:
        gc.enable()
    assert after == before  # freed by reference counting alone: no reference cycles
