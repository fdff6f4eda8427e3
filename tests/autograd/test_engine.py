"""The backward walk: accumulation, retain/release, grad modes, hooks, grad(), errors."""
import numpy as np
import pytest

import autograd
import ops
from autograd import Tensor, enable_grad, grad, is_grad_enabled, no_grad


def leaf(values, dtype=np.float64):
    return Tensor(np.array(values, dtype=dtype), requires_grad=True)


def test_reused_node_accumulates():
    x = leaf(3.0)
    a = x + x
    b = a + a
    b.backward()
    assert x.grad.item() == 4.0


def test_diamond_graph():
    x = leaf([1.0, 2.0])
    y = x * 3
    z = y.exp() + y * y  # y has two consumers
    z.sum().backward()
    expected = 3 * np.exp(3 * x.data) + 18 * x.data
    np.testing.assert_allclose(x.grad.data, expected)


def test_chain_of_100000_ops_is_iterative():
    x = leaf([1.0])
    y = x
    for _ in range(100_000):
        y = y * 1.0
    y.sum().backward()
    assert x.grad.item() == 1.0


def test_second_backward_through_released_graph_raises():
    x = leaf([1.0, 2.0])
    y = (x * x).sum()
    y.backward()
    with pytest.raises(RuntimeError, match="second time"):
        y.backward()


def test_retain_graph_allows_second_backward():
    x = leaf([1.0, 2.0])
    y = (x * x).sum()
    y.backward(retain_graph=True)
    y.backward()
    np.testing.assert_allclose(x.grad.data, [4.0, 8.0])


def test_graph_without_saved_values_can_run_twice():
    x = leaf([1.0, 2.0])
    y = (x + 1).sum()
    y.backward()
    y.backward()
    np.testing.assert_allclose(x.grad.data, [2.0, 2.0])


def test_saved_arrays_released_after_backward():
    x = leaf([1.0, 2.0])
    y = x * x
    node = y.grad_fn
    y.sum().backward()
    assert node.saved is None


def test_intermediate_grad_only_with_retain_grad():
    x = leaf([1.0, 2.0])
    y = x * 2
    z = x * 3
    z.retain_grad()
    (y * z).sum().backward()
    assert y.grad is None
    np.testing.assert_allclose(z.grad.data, y.data)


def test_backward_needs_grad_for_non_scalar():
    x = leaf([1.0, 2.0])
    with pytest.raises(RuntimeError, match="one-element"):
        (x * 2).backward()
    (x * 2).backward(np.array([1.0, -1.0]))
    np.testing.assert_allclose(x.grad.data, [2.0, -2.0])


def test_backward_on_tensor_without_grad_raises():
    with pytest.raises(RuntimeError, match="does not require grad"):
        Tensor([1.0]).sum().backward()


def test_no_grad_and_enable_grad():
    x = leaf([1.0])
    with no_grad():
        assert not is_grad_enabled()
        y = x * 2
        with enable_grad():
            z = x * 2
    assert is_grad_enabled()
    assert not y.requires_grad and y.grad_fn is None
    assert z.requires_grad


def test_no_grad_as_decorator():
    @no_grad()
    def double(t):
        return t * 2

    assert not double(leaf([1.0])).requires_grad
    assert is_grad_enabled()


def test_grad_function_leaves_dot_grad_untouched():
    x = leaf([1.0, 2.0])
    y = (x ** 3).sum()
    (gx,) = grad(y, x)
    np.testing.assert_allclose(gx.data, 3 * x.data ** 2)
    assert x.grad is None


def test_grad_of_intermediate_and_allow_unused():
    x = leaf([1.0, 2.0])
    unused = leaf([5.0])
    h = x * 2
    y = (h * h).sum()
    gh, gu = grad(y, [h, unused], allow_unused=True)
    np.testing.assert_allclose(gh.data, 2 * h.data)
    assert gu is None
    with pytest.raises(RuntimeError, match="allow_unused"):
        grad((x * 2).sum(), [x, unused])


def test_hooks_see_and_replace_gradients():
    x = leaf([1.0, 2.0])
    seen = []
    x.register_hook(lambda g: seen.append(g.data.copy()))
    y = x * 3
    y.register_hook(lambda g: g * 10)  # non-leaf hook replaces the gradient
    y.sum().backward()
    np.testing.assert_allclose(seen[0], [30.0, 30.0])
    np.testing.assert_allclose(x.grad.data, [30.0, 30.0])


def test_leaf_hook_sees_total_gradient_once():
    x = leaf([1.0])
    calls = []
    x.register_hook(lambda g: calls.append(g.item()))
    (x * 2 + x * 3).backward()
    assert calls == [5.0]


def test_gradients_accumulate_across_backward_calls():
    x = leaf([1.0])
    (x * 2).backward()
    (x * 3).backward()
    assert x.grad.item() == 5.0


def test_grad_is_assignable():
    x = leaf([1.0, 2.0])
    x.grad = np.zeros(2)
    assert isinstance(x.grad, Tensor)
    x.grad = None
    assert x.grad is None
    with pytest.raises(ValueError, match="shape"):
        x.grad = np.zeros(3)


def test_elementwise_equality_does_not_break_graph_walk():
    x = leaf([1.0, 1.0])
    a = x * 1
    b = x * 1  # equal values, distinct nodes
    assert (a == b).data.all()
    (a + b).sum().backward()
    np.testing.assert_allclose(x.grad.data, [2.0, 2.0])
    assert len({a, b}) == 2  # hashing is by identity


def test_integer_tensor_cannot_require_grad():
    with pytest.raises(TypeError, match="floating-point"):
        Tensor([1, 2, 3], requires_grad=True)
    with pytest.raises(TypeError):
        Tensor(np.arange(3)).requires_grad_()


def test_gradient_dtype_follows_each_input():
    a = Tensor(np.ones(3, np.float32), requires_grad=True)
    b = Tensor(np.ones(3, np.float64), requires_grad=True)
    out = a * b
    assert out.dtype == np.float64
    out.sum().backward()
    assert a.grad.dtype == np.float32 and b.grad.dtype == np.float64


def test_leaf_grad_is_writable_memory():
    x = leaf(np.ones((2, 3)))
    x.sum().backward()  # sum's VJP is a broadcast view
    x.grad.data[0, 0] = 5.0
    assert x.grad.data.flags.writeable


def test_shape_errors_name_the_op_and_shapes():
    with pytest.raises(ValueError, match=r"mul: shapes \(2,\) and \(3,\)"):
        Tensor([1.0, 2.0]) * Tensor([1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match=r"matmul: shapes \(2, 3\) and \(2, 3\)"):
        Tensor(np.ones((2, 3))) @ Tensor(np.ones((2, 3)))
    with pytest.raises(ValueError, match="reshape"):
        Tensor(np.ones(6)).reshape(4, 2)


def test_indexing_scatter_adds_repeated_indices():
    x = leaf([1.0, 2.0, 3.0])
    x[np.array([0, 0, 2])].sum().backward()
    np.testing.assert_allclose(x.grad.data, [2.0, 0.0, 1.0])
    y = leaf(np.arange(6.0).reshape(2, 3))
    y[y.data > 2].sum().backward()
    np.testing.assert_allclose(y.grad.data, [[0, 0, 0], [1, 1, 1]])


def test_gradients_of_many_slices_are_summed_into_one_buffer(monkeypatch):
    # an RNN unrolled over x[t]: one full-size array for x's gradient, not one per step
    rng = np.random.default_rng(0)
    x = Tensor(rng.standard_normal((60, 4, 8)), requires_grad=True)
    w = Tensor(rng.standard_normal((8, 8)) * 0.3, requires_grad=True)
    h = Tensor(np.zeros((4, 8)))
    for t in range(60):
        h = ops.tanh(x[t] @ w + h @ w)
    loss = h.sum() + (x * x).sum() * 0.5  # a dense gradient for x too
    full_size = []
    zeros = np.zeros

    def counting_zeros(shape, *args, **kwargs):
        if tuple(np.atleast_1d(shape)) == x.shape:
            full_size.append(shape)
        return zeros(shape, *args, **kwargs)

    monkeypatch.setattr(np, "zeros", counting_zeros)
    loss.backward()
    monkeypatch.undo()
    assert len(full_size) <= 1

    # the same gradient, slice by slice, computed densely
    x2 = Tensor(x.data, requires_grad=True)
    h = Tensor(np.zeros((4, 8)))
    for t in range(60):
        h = ops.tanh(ops.reshape(x2[t:t + 1], (4, 8)) @ w + h @ w)
    (h.sum() + (x2 * x2).sum() * 0.5).backward()
    np.testing.assert_allclose(x.grad.data, x2.grad.data, rtol=1e-12, atol=1e-12)


def test_slice_gradients_with_repeated_fancy_indices_accumulate():
    x = Tensor(np.arange(5.0), requires_grad=True)
    (x[[0, 0, 3]].sum() + x[1:3].sum() * 2 + x[np.array([True, False, False, False, True])].sum()).backward()
    np.testing.assert_array_equal(x.grad.data, [3.0, 2.0, 2.0, 1.0, 1.0])


def test_grad_stops_at_its_inputs():
    # torch.autograd.grad runs only what leads to the inputs: no hooks beyond them
    x = Tensor(np.array([1.0, 2.0]), requires_grad=True)
    h = x * 2
    h.retain_grad()
    k = h * 3
    y = (k * k).sum()
    (gk,) = grad(y, k)
    np.testing.assert_allclose(gk.data, 2 * k.data)
    assert h.grad is None and x.grad is None


def test_grad_with_create_graph_does_not_walk_past_its_inputs():
    class Once(autograd.Function):
        twice_differentiable = False

        def forward(self, a):
            return a * 1.0

        def vjp(self, g):
            return g

    x = Tensor(np.array([0.5, 1.5]), requires_grad=True)
    k = autograd.tensor.apply(Once, x) * 3.0  # k's ancestors cannot be differentiated twice
    (gk,) = grad((k ** 3).sum(), k, create_graph=True)
    (second,) = grad(gk.sum(), k)
    np.testing.assert_allclose(second.data, 6 * k.data)
