"""The Tensor API: dtype policy, conversions, methods, operators with arrays and scalars."""
import numpy as np
import pytest

import autograd
from autograd import Tensor, no_grad


@pytest.fixture
def float64_default():
    autograd.set_default_dtype(np.float64)
    yield
    autograd.set_default_dtype(np.float32)


def test_python_floats_take_default_dtype(float64_default):
    assert Tensor([1.0, 2.0]).dtype == np.float64
    autograd.set_default_dtype(np.float32)
    assert Tensor([1.0, 2.0]).dtype == np.float32
    assert Tensor(1.5).dtype == np.float32
    assert autograd.get_default_dtype() == np.float32


def test_set_default_dtype_rejects_non_float():
    with pytest.raises(TypeError):
        autograd.set_default_dtype(np.int32)


def test_ndarray_is_wrapped_without_copy_and_keeps_dtype():
    a = np.arange(4.0, dtype=np.float64)
    t = Tensor(a)
    assert t.data is a and t.dtype == np.float64
    assert Tensor(np.ones(2, np.float16)).dtype == np.float16


def test_ints_and_bools_stay():
    assert Tensor([1, 2]).dtype == np.int64
    assert Tensor(np.array([True])).dtype == np.bool_
    assert Tensor([1, 2], dtype=np.float32).dtype == np.float32


def test_scalar_operands_keep_float32():
    x = Tensor(np.ones(3, np.float32), requires_grad=True)
    y = 2.5 * x - 1 + x / 3.0 + 2 ** x
    assert y.dtype == np.float32
    y.sum().backward()
    assert x.grad.dtype == np.float32


def test_attributes():
    x = Tensor(np.zeros((2, 3)), requires_grad=True)
    assert x.shape == (2, 3) and x.ndim == 2 and x.size == 6 and len(x) == 2
    assert x.is_leaf and x.grad_fn is None
    y = x * 2
    assert not y.is_leaf and y.grad_fn.name == "mul"
    assert x.T.shape == (3, 2)


def test_conversions():
    x = Tensor(np.array([[1.0, 2.0]]), requires_grad=True)
    assert x.numpy() is x.data
    assert x.tolist() == [[1.0, 2.0]]
    assert Tensor([3.0]).item() == 3.0
    plain = Tensor(np.array([[1.0, 2.0]]))
    assert np.asarray(plain) is plain.data
    assert np.asarray(plain, dtype=np.float32).dtype == np.float32
    with pytest.raises(RuntimeError, match="requires grad .* implicitly"):
        np.asarray(x)  # would cut the graph silently (PyTorch refuses too)
    with no_grad():
        assert np.asarray(x) is x.data
    d = (x * 2).detach()
    assert d.grad_fn is None and not d.requires_grad
    assert float(Tensor(2.0)) == 2.0


def test_astype_is_differentiable():
    x = Tensor(np.ones(2, np.float32), requires_grad=True)
    y = x.astype(np.float64) * 3
    assert y.dtype == np.float64
    y.sum().backward()
    assert x.grad.dtype == np.float32
    np.testing.assert_allclose(x.grad.data, [3, 3])


def test_repr_shows_grad_fn():
    x = Tensor(np.array([1.0]), requires_grad=True)
    assert "requires_grad=True" in repr(x)
    assert "grad_fn=<mul>" in repr(x * 2)


def test_operators_with_arrays_on_either_side():
    x = Tensor(np.array([1.0, 2.0]), requires_grad=True)
    a = np.array([3.0, 4.0])
    for y in (a + x, x + a, a * x, a - x, a / x, a ** x, x @ a, a @ x):
        assert isinstance(y, Tensor) and y.requires_grad
    (a * x).sum().backward()
    np.testing.assert_allclose(x.grad.data, a)


def test_comparisons_give_boolean_tensors_without_grad():
    x = Tensor(np.array([1.0, 2.0]), requires_grad=True)
    for c in (x < 1.5, x <= 1, x > 1, x >= 2, x == 1, x != 1, np.greater(x, 1)):
        assert isinstance(c, Tensor) and c.dtype == np.bool_ and not c.requires_grad


def test_methods_match_numpy():
    data = np.random.default_rng(0).standard_normal((2, 3, 4))
    x = Tensor(data)
    for name, args in [("sum", ()), ("mean", (1,)), ("max", (2,)), ("min", ()), ("var", (0,)),
                       ("std", (None,)), ("argmax", (1,)), ("argmin", ())]:
        np.testing.assert_allclose(getattr(x, name)(*args).data, getattr(data, name)(*args))
    np.testing.assert_allclose(x.var(axis=1, ddof=1).data, data.var(axis=1, ddof=1))
    assert x.reshape(4, 6).shape == (4, 6) and x.reshape((4, 6)).shape == (4, 6)
    assert x.transpose(2, 0, 1).shape == (4, 2, 3) and x.transpose().shape == (4, 3, 2)
    assert x.swapaxes(0, 2).shape == (4, 3, 2)
    assert x.flatten().shape == (24,)
    assert Tensor(np.ones((1, 3, 1))).squeeze().shape == (3,)
    assert Tensor(np.ones((1, 3, 1))).squeeze(0).shape == (3, 1)
    assert x.expand_dims(1).shape == (2, 1, 3, 4)
    assert Tensor(np.ones(3)).broadcast_to((2, 3)).shape == (2, 3)
    np.testing.assert_allclose(x.clip(-0.5, 0.5).data, data.clip(-0.5, 0.5))
    np.testing.assert_allclose(abs(x).data, np.abs(data))
    np.testing.assert_allclose(x.abs().data, np.abs(data))
    for name in ("exp", "tanh", "sigmoid", "relu"):
        assert getattr(x, name)().shape == x.shape
    np.testing.assert_allclose(x.softmax(axis=0).data.sum(axis=0), np.ones((3, 4)))
    np.testing.assert_allclose(np.exp(x.log_softmax().data).sum(axis=-1), np.ones((2, 3)))
    with pytest.raises(ValueError, match="squeeze"):
        x.squeeze(0)


def test_numpy_functions_dispatch_to_ops():
    x = Tensor(np.array([1.0, 2.0]), requires_grad=True)
    y = np.exp(x) + np.sum(x * x) + np.where(np.array([True, False]), x, 0.0)
    assert isinstance(y, Tensor) and y.requires_grad
    y.sum().backward()
    np.testing.assert_allclose(x.grad.data, np.exp(x.data) + 4 * x.data + [1, 0])


def test_numpy_function_without_rule_refuses_to_drop_the_graph():
    x = Tensor(np.array([1.0, 2.0]), requires_grad=True)
    with pytest.raises(TypeError, match="not differentiable"):
        np.unwrap(x)  # a NumPy function npgrad has no rule for
    assert np.allclose(Tensor(np.array([1.0])), 1.0)


def test_requires_grad_switches():
    x = Tensor(np.array([1.0]))
    assert x.requires_grad_() is x and x.requires_grad
    y = x * 2
    with pytest.raises(RuntimeError):
        y.requires_grad = False


def test_factories():
    assert autograd.zeros(3).shape == (3,) and autograd.zeros((2, 3)).dtype == np.float32
    assert autograd.ones((2,), dtype=np.float64).dtype == np.float64
    assert (autograd.full((2, 2), 7.0).data == 7).all()
    assert autograd.empty(4).shape == (4,)
    like = Tensor(np.ones((2, 3), np.float64))
    assert autograd.zeros_like(like).dtype == np.float64 and autograd.ones_like(like).shape == (2, 3)
    assert autograd.arange(5).dtype == np.int64 and autograd.arange(0.0, 1.0, 0.25).dtype == np.float32
    np.testing.assert_array_equal(autograd.arange(2, 8, 2).data, [2, 4, 6])
    np.testing.assert_array_equal(autograd.eye(3).data, np.eye(3))
    assert autograd.randn(2, 3).shape == (2, 3) and autograd.rand(4).dtype == np.float32
    assert autograd.randn(2, requires_grad=True).requires_grad
    rng = np.random.default_rng(5)
    np.testing.assert_array_equal(autograd.rand(3, rng=rng).data,
                                  np.random.default_rng(5).random(3).astype(np.float32))


def test_manual_seed_makes_factories_reproducible():
    autograd.manual_seed(123)
    a = autograd.randn(5).data
    autograd.manual_seed(123)
    np.testing.assert_array_equal(a, autograd.randn(5).data)
