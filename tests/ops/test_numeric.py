"""NumPy's elementwise compositions and signatures: clip bounds, select, float_power, where, round."""
import numpy as np
import pytest

import ops
from autograd import Tensor, gradcheck

R = np.random.default_rng(3)


def leaf(a):
    return Tensor(np.array(a, dtype=np.float64), requires_grad=True)


def test_clip_with_tensor_bounds_matches_torch_clamp():
    torch = pytest.importorskip("torch")
    x0 = np.array([-2.0, -0.5, 0.2, 0.9, 3.0])
    lo0, hi0 = np.array([-1.0, 0.0, 0.0, -1.0, 0.0]), np.array([1.0, 1.0, 0.1, 2.0, 2.5])
    x, lo, hi = leaf(x0), leaf(lo0), leaf(hi0)
    out = ops.clip(x, lo, hi)
    xt, lot, hit = (torch.tensor(a, requires_grad=True) for a in (x0, lo0, hi0))
    expected = torch.clamp(xt, lot, hit)
    np.testing.assert_allclose(out.data, expected.detach().numpy())
    g = R.standard_normal(5)
    out.backward(g)
    expected.backward(torch.tensor(g))
    for ours, theirs in ((x, xt), (lo, lot), (hi, hit)):
        np.testing.assert_allclose(ours.grad.data, theirs.grad.numpy())


def test_clip_names_and_defaults():
    x = leaf([-2.0, 0.5, 2.0])
    np.testing.assert_allclose(ops.clip(x, min=-1.0).data, [-1.0, 0.5, 2.0])
    np.testing.assert_allclose(ops.clip(x, a_max=1.0).data, [-2.0, 0.5, 1.0])
    np.testing.assert_allclose(x.clip(max=1.0).data, [-2.0, 0.5, 1.0])
    copy = ops.clip(x, None, None)
    np.testing.assert_allclose(copy.data, x.data)
    assert copy.data is not x.data and copy.requires_grad
    with pytest.raises(TypeError, match="a_min or min"):
        ops.clip(x, -1.0, min=-1.0)
    np.testing.assert_allclose(ops.clip([1, 5, 9], 2, 8).data, [2, 5, 8])


def test_select_takes_the_first_true_condition():
    a, b = R.standard_normal((3, 4)), R.standard_normal((3, 4))
    conds = [a > 0.5, a > -0.5]
    ours = ops.select(conds, [leaf(a), leaf(b)], default=-7.0)
    np.testing.assert_allclose(ours.data, np.select(conds, [a, b], default=-7.0))
    assert gradcheck(lambda x, y: ops.select(conds, [x, y], 0.0), [leaf(a), leaf(b)])
    with pytest.raises(ValueError, match="2 conditions but 1 choices"):
        ops.select(conds, [a])


def test_float_power_computes_in_float64():
    x = Tensor(np.array([1.5, 2.0], dtype=np.float32), requires_grad=True)
    out = ops.float_power(x, 3)
    assert out.dtype == np.float64
    out.sum().backward()
    assert x.grad.dtype == np.float32
    np.testing.assert_allclose(x.grad.data, 3 * np.array([1.5, 2.0]) ** 2, rtol=1e-6)


def test_where_with_one_argument_and_numeric_conditions():
    cond = np.array([[1, 0], [0, 3]])
    for got, expected in zip(ops.where(cond), np.where(cond)):
        np.testing.assert_array_equal(got, expected)
    out = ops.where(cond, leaf([[1.0, 2.0], [3.0, 4.0]]), 0.0)
    np.testing.assert_allclose(out.data, [[1.0, 0.0], [0.0, 4.0]])
    with pytest.raises(TypeError, match="both or neither"):
        ops.where(cond, 1.0)


def test_round_and_rounding_family_follow_numpy():
    x = np.array([0.5, 1.5, 2.5, -0.45, 1.26])
    np.testing.assert_allclose(ops.round(x).data, np.round(x))
    np.testing.assert_allclose(ops.around(x, 1).data, np.around(x, 1))
    np.testing.assert_allclose(ops.fix(x).data, np.fix(x))
    np.testing.assert_allclose(ops.rint(x).data, np.rint(x))
    with pytest.raises(TypeError, match="decimals"):
        ops.round(x, 1.5)


def test_refusals_name_the_argument():
    with pytest.raises(TypeError, match="copy=False"):
        ops.nan_to_num(leaf([1.0, np.nan]), copy=False)
    with pytest.raises(TypeError, match="complex"):
        ops.fabs(np.array([1 + 1j]))
    with pytest.raises(ValueError, match=r"arctan2: shapes \(2,\) and \(3,\)"):
        ops.arctan2(np.ones(2), np.ones(3))


def test_gradient_matches_numpy():
    x = R.standard_normal((4, 5))
    for edge_order in (1, 2):
        ours = ops.gradient(x, 0.5, 2.0, edge_order=edge_order)
        for got, expected in zip(ours, np.gradient(x, 0.5, 2.0, edge_order=edge_order)):
            np.testing.assert_allclose(got.data, expected)
    with pytest.raises(TypeError, match="coordinate arrays"):
        ops.gradient(x, np.arange(4.0), axis=0)
