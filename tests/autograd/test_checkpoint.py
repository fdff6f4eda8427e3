"""autograd.checkpoint: same values and gradients as the plain call, parameters found
(module or closure), dropout's mask reproduced, activations not kept, higher order."""
import gc
import tracemalloc

import numpy as np
import pytest

import autograd
import nn
import ops
from autograd import Tensor, checkpoint, grad


def _block(lin):
    def block(t):
        return ops.tanh(lin(ops.dropout(t, 0.3))) * 2
    return block


@pytest.mark.parametrize("as_module", [False, True], ids=["closure", "module"])
def test_values_and_gradients_equal_the_plain_call_with_dropout(as_module):
    rng = np.random.default_rng(0)
    lin = nn.Linear(4, 3).double()
    model = nn.Sequential(nn.Dropout(0.3), lin, nn.Tanh())
    fn = model if as_module else _block(lin)
    x = Tensor(rng.standard_normal((5, 4)), requires_grad=True)
    results = []
    for use in (True, False):
        autograd.manual_seed(7)
        y = checkpoint(fn, x) if use else fn(x)
        autograd.randn(3)  # the generator moves on between forward and backward
        (y ** 2).sum().backward()
        results.append((y.data, x.grad.data, lin.weight.grad.data, lin.bias.grad.data))
        x.grad = lin.weight.grad = lin.bias.grad = None
    for a, b in zip(*results):
        np.testing.assert_array_equal(a, b)


def test_grad_reaches_closure_parameters_through_autograd_grad():
    w = Tensor(np.random.default_rng(1).standard_normal((3, 3)), requires_grad=True)
    x = Tensor(np.ones((2, 3)), requires_grad=True)
    y = checkpoint(lambda t: ops.sigmoid(t @ w), x)
    gw, gx = grad(y.sum(), [w, x])
    hw, hx = grad(ops.sigmoid(x @ w).sum(), [w, x])
    np.testing.assert_allclose(gw.data, hw.data, rtol=1e-12)
    np.testing.assert_allclose(gx.data, hx.data, rtol=1e-12)


def test_second_derivative_through_checkpoint():
    m = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 1)).double()
    x = Tensor(np.random.default_rng(2).standard_normal((2, 3)), requires_grad=True)
    (g1,) = grad(checkpoint(m, x).sum(), x, create_graph=True)
    (g2,) = grad(m(x).sum(), x, create_graph=True)
    (h1,) = grad((g1 ** 2).sum(), x)
    (h2,) = grad((g2 ** 2).sum(), x)
    np.testing.assert_allclose(h1.data, h2.data, rtol=1e-10, atol=1e-14)


def test_activations_are_not_kept():
    """Only the input and output stay alive: the block's intermediates are freed."""
    lin = nn.Linear(200, 200)
    x = Tensor(np.ones((100, 200), np.float32), requires_grad=True)

    def block(t):
        for _ in range(5):
            t = ops.tanh(lin(t))
        return t

    def live_bytes():
        gc.collect()
        return tracemalloc.get_traced_memory()[0]

    tracemalloc.start()
    try:
        before = live_bytes()
        y = checkpoint(block, x)
        kept = live_bytes() - before
        z = block(x)
        plain = live_bytes() - before - kept
    finally:
        tracemalloc.stop()
    assert kept <= 1.5 * 80_000, kept  # the output (and nothing of the five layers)
    assert plain >= 5 * 80_000, plain
    del z
    y.sum().backward()
    assert x.grad is not None and lin.weight.grad is not None


def test_no_grad_and_bad_output():
    x = Tensor(np.ones(3), requires_grad=True)
    with autograd.no_grad():
        assert checkpoint(lambda t: t * 2, x).grad_fn is None
    with pytest.raises(TypeError, match="checkpoint: fn must return one Tensor"):
        checkpoint(lambda t: (t, t), x)


def test_third_order_through_checkpoint():
    h = Tensor(np.array([0.4, -0.8, 1.3]), requires_grad=True)
    w = Tensor(np.array([1.5, 0.5, -1.0]), requires_grad=True)  # read from the closure
    (g1,) = grad(checkpoint(lambda t: (t ** 4 * w).sum(), h), h, create_graph=True)
    (g2,) = grad(g1.sum(), h, create_graph=True)
    g3, gw = grad(g2.sum(), [h, w])
    np.testing.assert_allclose(g1.data, 4 * h.data ** 3 * w.data)
    np.testing.assert_allclose(g2.data, 12 * h.data ** 2 * w.data)
    np.testing.assert_allclose(g3.data, 24 * h.data * w.data)
    np.testing.assert_allclose(gw.data, 12 * h.data ** 2)
