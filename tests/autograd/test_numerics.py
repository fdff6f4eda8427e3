"""The numerical cases users hit: ties, pow corners, huge logits, where, sqrt at 0."""
import numpy as np
import pytest

import ops
from autograd import Tensor


def leaf(values):
    return Tensor(np.array(values, dtype=np.float64), requires_grad=True)


def test_max_ties_split_evenly():
    x = leaf([1.0, 3.0, 3.0, 2.0])
    x.max().backward()
    np.testing.assert_allclose(x.grad.data, [0, 0.5, 0.5, 0])
    y = leaf([[2.0, 2.0, 2.0], [1.0, 0.0, 1.0]])
    y.min(axis=1).sum().backward()
    np.testing.assert_allclose(y.grad.data, [[1 / 3] * 3, [0, 1, 0]])


def test_maximum_ties_split_evenly():
    a, b = leaf([1.0, 2.0]), leaf([1.0, 3.0])
    ops.maximum(a, b).sum().backward()
    np.testing.assert_allclose(a.grad.data, [0.5, 0.0])
    np.testing.assert_allclose(b.grad.data, [0.5, 1.0])


def test_pow_corners_match_pytorch_conventions():
    base = leaf([0.0, 0.0, -2.0, 3.0])
    exponent = leaf([2.0, 0.0, 2.0, 0.0])
    out = base ** exponent
    np.testing.assert_allclose(out.data, [0.0, 1.0, 4.0, 1.0])
    out.sum().backward()
    np.testing.assert_allclose(base.grad.data, [0.0, 0.0, -4.0, 0.0])
    # d/db a**b = a**b log a: 0 at a == 0, NaN for a negative base (as PyTorch)
    assert exponent.grad.data[0] == 0 and exponent.grad.data[1] == 0
    assert np.isnan(exponent.grad.data[2])
    np.testing.assert_allclose(exponent.grad.data[3], np.log(3.0))


def test_pow_of_zero_base_with_scalar_exponents():
    x = leaf([0.0])
    (x ** 2).backward()
    assert x.grad.item() == 0.0
    y = leaf([0.0])
    (y ** 0).backward()
    assert y.grad.item() == 0.0


@pytest.mark.parametrize("fn", [ops.softmax, ops.log_softmax, lambda x: ops.logsumexp(x, axis=-1)])
def test_huge_logits_stay_finite(fn):
    x = leaf([[1000.0, -1000.0, 0.0], [-1000.0, -1000.0, -1000.0]])
    out = fn(x)
    assert np.isfinite(out.data).all()
    out.backward(np.ones(out.shape))
    assert np.isfinite(x.grad.data).all()


def test_logsumexp_values_at_extremes():
    x = Tensor(np.array([1000.0, 1000.0]))
    assert ops.logsumexp(x).item() == pytest.approx(1000 + np.log(2))


def test_inactive_where_branch_poisons_the_gradient_as_in_pytorch():
    # VJPs are linear in g, so 0 * inf in the unused branch is NaN (PyTorch agrees)
    x = leaf([1.0])
    ops.where(x.data >= 0, x, ops.sqrt(-x)).backward()
    assert np.isnan(x.grad.item())


def test_double_where_idiom_keeps_the_gradient_finite():
    x = leaf([1.0, -4.0])
    safe = ops.where(x.data >= 0, -1.0, x)
    ops.where(x.data >= 0, x, ops.sqrt(-safe)).sum().backward()
    np.testing.assert_allclose(x.grad.data, [1.0, -0.25])


def test_sqrt_gradient_at_zero_is_inf():
    x = leaf([0.0])
    ops.sqrt(x).backward()
    assert x.grad.item() == np.inf


def test_log_of_zero_is_minus_inf_with_inf_gradient():
    x = leaf([0.0])
    out = ops.log(x)
    assert out.item() == -np.inf
    out.backward()
    assert x.grad.item() == np.inf


def test_abs_and_relu_at_zero_give_zero_gradient():
    x = leaf([0.0, 0.0])
    (ops.abs(x) + ops.relu(x)).sum().backward()
    np.testing.assert_allclose(x.grad.data, [0.0, 0.0])


def test_sigmoid_stable_at_extremes():
    x = leaf([-1000.0, 1000.0])
    out = ops.sigmoid(x)
    np.testing.assert_allclose(out.data, [0.0, 1.0])
    out.sum().backward()
    np.testing.assert_allclose(x.grad.data, [0.0, 0.0])
