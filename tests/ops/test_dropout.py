"""dropout: statistics, scaling, the same mask in backward, modes, the default generator."""
import numpy as np
import pytest

import autograd
import ops
from autograd import Tensor


@pytest.mark.parametrize("p", [0.1, 0.5, 0.8])
def test_fraction_dropped_is_near_p_and_survivors_are_scaled(p):
    x = np.ones(200_000, np.float32)
    out = ops.dropout(x, p, rng=np.random.default_rng(0)).data
    dropped = np.mean(out == 0)
    assert abs(dropped - p) < 4 * np.sqrt(p * (1 - p) / x.size)
    np.testing.assert_allclose(out[out != 0], 1 / (1 - p), rtol=1e-6)
    assert out.dtype == np.float32


def test_backward_uses_the_forward_mask():
    r = np.random.default_rng(1)
    x = Tensor(r.uniform(1, 2, (50, 40)), requires_grad=True)
    out = ops.dropout(x, 0.3, rng=np.random.default_rng(2))
    upstream = r.standard_normal(out.shape)
    out.backward(upstream)
    kept = out.data != 0
    assert 0 < kept.mean() < 1
    np.testing.assert_allclose(x.grad.data, np.where(kept, upstream / 0.7, 0.0))


def test_p_one_gives_zeros_and_zero_gradient():
    x = Tensor(np.array([1.0, np.inf, -3.0]), requires_grad=True)
    out = ops.dropout(x, 1.0)
    np.testing.assert_array_equal(out.data, 0.0)
    out.backward(np.ones(3))
    np.testing.assert_array_equal(x.grad.data, 0.0)


def test_identity_when_not_training_or_p_zero():
    x = Tensor(np.arange(4.0), requires_grad=True)
    assert ops.dropout(x, 0.5, training=False) is x
    assert ops.dropout(x, 0.0) is x
    from_array = ops.dropout(np.arange(3.0), 0.5, training=False)
    np.testing.assert_array_equal(from_array.data, np.arange(3.0))


def test_default_generator_follows_manual_seed():
    x = np.ones((30, 30))
    autograd.manual_seed(7)
    first = ops.dropout(x, 0.5).data
    autograd.manual_seed(7)
    np.testing.assert_array_equal(ops.dropout(x, 0.5).data, first)
    assert not np.array_equal(ops.dropout(x, 0.5).data, first)


@pytest.mark.parametrize("p", [-0.1, 1.5, "0.5", True])
def test_p_must_be_a_probability(p):
    with pytest.raises(ValueError, match="dropout: p must be a probability in"):
        ops.dropout(np.ones(3), p)


def test_second_derivative_goes_through_the_mask():
    x = Tensor(np.array([1.0, 2.0, 3.0, 4.0]), requires_grad=True)
    y = ops.dropout(x, 0.5, rng=np.random.default_rng(3))
    (gx,) = autograd.grad((y * y).sum(), x, create_graph=True)
    (hx,) = autograd.grad(gx.sum(), x)
    scale = y.data / x.data  # 0 or 2 per element
    np.testing.assert_allclose(hx.data, 2 * scale ** 2)
