"""No leaks: live Tensors, graph nodes and traced memory stay flat over many steps."""
import gc
import tracemalloc

import numpy as np

import autograd
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


# -- intermediates the graph does not need are freed (nodes hold Edges, not Tensors) ------

def test_an_unsaved_intermediate_is_freed_when_dropped_and_backward_is_still_right():
    import weakref

    import ops

    x = Tensor(np.linspace(-1, 1, 6).reshape(2, 3), requires_grad=True)
    h = x + 1.0  # add saves nothing
    y = ops.relu(h)  # relu saves a mask, not its input
    arrays = weakref.ref(h.data), weakref.ref(y.data)
    loss = y.sum()
    del h, y
    assert arrays[0]() is None and arrays[1]() is None  # freed before backward, as in torch
    loss.backward()
    np.testing.assert_array_equal(x.grad.data, (x.data + 1 > 0).astype(float))


def test_a_saved_intermediate_lives_on_only_as_the_saved_array():
    import weakref

    x = Tensor(np.array([0.5, 2.0]), requires_grad=True)
    h = x * 3.0
    y = h * h  # mul saves h's array (twice)
    array = weakref.ref(h.data)
    del h
    assert array() is not None  # needed by mul's VJP
    (g,) = autograd.grad(y.sum(), x, create_graph=True)  # 18 x, through the dropped h
    np.testing.assert_allclose(g.data, 18 * x.data)
    (gg,) = autograd.grad(g.sum(), x)
    np.testing.assert_allclose(gg.data, [18.0, 18.0])
    del y, g
    assert array() is None  # released with the graphs


def test_hooks_retain_grad_and_grad_of_an_intermediate_work_with_edges():
    x = Tensor(np.array([1.0, -2.0, 3.0]), requires_grad=True)
    seen = []
    h = x * 2.0
    h.register_hook(lambda g: seen.append(g.data.copy()))
    kept = x - 1.0
    kept.retain_grad()
    loss = (h * kept).sum()
    (gh,) = autograd.grad(loss, h, retain_graph=True)  # a non-leaf input of grad()
    np.testing.assert_allclose(gh.data, kept.data)
    del h  # the hook lives on the node
    loss.backward()
    np.testing.assert_allclose(seen[-1], x.data - 1.0)
    np.testing.assert_allclose(kept.grad.data, 2 * x.data)
    np.testing.assert_allclose(x.grad.data, 2 * (x.data - 1.0) + 2 * x.data)


def test_the_graph_of_a_training_step_does_not_hold_unsaved_activations():
    import ops

    rng = np.random.default_rng(0)
    x = Tensor(rng.standard_normal((64, 256)))
    w1 = Tensor(rng.standard_normal((256, 256)), requires_grad=True)
    tracemalloc.start()
    start = tracemalloc.get_traced_memory()[0]
    h = x @ w1  # 64 KiB, saved by nothing (relu saves a 16 KiB mask)
    for _ in range(20):
        h = ops.relu(h + 1.0)  # each add output is unsaved: freed as the loop goes on
    held = tracemalloc.get_traced_memory()[0] - start
    tracemalloc.stop()
    h.sum().backward()
    # 20 masks (16 KiB each) and the last output; keeping every add and relu output
    # alive (as node inputs) would hold over 2.5 MiB
    assert held < 700 * 1024, f"the graph holds {held} bytes"
