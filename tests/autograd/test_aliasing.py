"""Gradients own their memory; hooks cannot smuggle in a wrong shape or dtype."""
import numpy as np
import pytest

from autograd import Tensor


def leaves(*values):
    return [Tensor(np.array(v, dtype=float), requires_grad=True) for v in values]


def test_leaf_gradients_never_share_memory():
    a, b, c = leaves([1.0, 2.0], [3.0, 4.0], [5.0, 6.0])
    ((a + b) * c).sum().backward()
    assert not np.shares_memory(a.grad.data, b.grad.data)
    a.grad.data *= 0  # in-place clipping of one gradient leaves the other alone
    np.testing.assert_array_equal(b.grad.data, [5.0, 6.0])


def test_a_retained_gradient_does_not_alias_a_leaf_gradient():
    a, b = leaves([1.0], [2.0])
    y = a + b
    y.retain_grad()
    y.sum().backward()
    assert not np.shares_memory(y.grad.data, a.grad.data)
    assert not np.shares_memory(a.grad.data, b.grad.data)


@pytest.mark.parametrize("as_tensor", [False, True])
@pytest.mark.parametrize("root_is_leaf", [True, False])
def test_the_callers_grad_array_never_becomes_a_gradient(root_is_leaf, as_tensor):
    (a,) = leaves([1.0, 2.0])
    root = a if root_is_leaf else a + 0.0
    upstream = np.array([3.0, 4.0])
    root.backward(Tensor(upstream) if as_tensor else upstream)
    assert not np.shares_memory(a.grad.data, upstream)
    upstream[:] = 0
    np.testing.assert_array_equal(a.grad.data, [3.0, 4.0])


def test_a_hook_returning_a_wrong_shape_raises_naming_the_tensor():
    (a,) = leaves([1.0, 2.0])
    a.name = "weights"
    a.register_hook(lambda g: np.ones(3))
    with pytest.raises(RuntimeError, match="weights.*shape \\(3,\\)"):
        (a * 2).sum().backward()


def test_a_hook_returning_a_wrong_dtype_kind_raises():
    (a,) = leaves([1.0, 2.0])
    y = a * 2
    y.register_hook(lambda g: np.array([1, 2]))
    with pytest.raises(RuntimeError, match="int"):
        y.sum().backward()
