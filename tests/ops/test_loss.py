"""Losses beyond the table: extreme logits, target validation, second order, float32."""
import numpy as np
import pytest

import ops
from autograd import Tensor, grad

LOGITS_1000 = np.array([[1000.0, -1000.0, 0.0], [-1000.0, -1000.0, 1000.0], [0.0, 1000.0, 1000.0]])


def _torch():
    return pytest.importorskip("torch")


@pytest.mark.parametrize("target", [[0, 2, 1], [1, 0, 0]])
def test_cross_entropy_is_stable_at_logits_of_1000(target):
    torch = _torch()
    x = Tensor(LOGITS_1000, requires_grad=True)
    loss = ops.cross_entropy(x, np.array(target), reduction="none")
    loss.backward(np.ones(3))
    tx = torch.tensor(LOGITS_1000, requires_grad=True)
    expected = torch.nn.functional.cross_entropy(tx, torch.tensor(target), reduction="none")
    expected.backward(torch.ones(3))
    assert np.isfinite(loss.data).all() and np.isfinite(x.grad.data).all()
    np.testing.assert_allclose(loss.data, expected.detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(x.grad.data, tx.grad.numpy(), atol=1e-12)


def test_binary_cross_entropy_is_stable_at_logits_of_1000():
    torch = _torch()
    logits = np.array([1000.0, -1000.0, 1000.0, -1000.0, 0.0])
    target = np.array([1.0, 0.0, 0.0, 1.0, 0.3])
    x, t = Tensor(logits, requires_grad=True), Tensor(target, requires_grad=True)
    loss = ops.binary_cross_entropy_with_logits(x, t, reduction="none")
    loss.backward(np.ones(5))
    tx, tt = torch.tensor(logits, requires_grad=True), torch.tensor(target, requires_grad=True)
    expected = torch.nn.functional.binary_cross_entropy_with_logits(tx, tt, reduction="none")
    expected.backward(torch.ones(5))
    np.testing.assert_allclose(loss.data, expected.detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(loss.data[:2], 0.0, atol=1e-300)
    np.testing.assert_allclose(x.grad.data, tx.grad.numpy(), atol=1e-12)
    np.testing.assert_allclose(t.grad.data, tt.grad.numpy(), atol=1e-12)


def test_cross_entropy_equals_nll_of_log_softmax():
    r = np.random.default_rng(0)
    x, target = r.standard_normal((6, 5)), r.integers(0, 5, 6)
    np.testing.assert_allclose(ops.cross_entropy(x, target).data,
                               ops.nll_loss(ops.log_softmax(x, axis=1), target).data, rtol=1e-12)


def test_gradient_is_softmax_minus_one_hot_over_n():
    x = Tensor(np.zeros((2, 4)), requires_grad=True)
    ops.cross_entropy(x, np.array([1, 3])).backward()
    expected = np.full((2, 4), 0.25)
    expected[0, 1] -= 1
    expected[1, 3] -= 1
    np.testing.assert_allclose(x.grad.data, expected / 2)


@pytest.mark.parametrize("op", ["cross_entropy", "nll_loss", "multi_margin_loss"])
def test_class_targets_are_validated(op):
    fn = getattr(ops, op)
    x = np.zeros((3, 4))
    with pytest.raises(TypeError, match=f"{op}: target must hold integer class indices, got dtype float64"):
        fn(x, np.array([0.0, 1.0, 2.0]))
    with pytest.raises(ValueError, match=rf"{op}: target class -1 is outside \[0, 4\) for input with 4 classes"):
        fn(x, np.array([0, -1, 2]))
    with pytest.raises(ValueError, match=rf"{op}: target class 4 is outside \[0, 4\)"):
        fn(x, np.array([0, 4, 2]))
    with pytest.raises(ValueError, match=rf"{op}: target of shape \(2,\) does not match input of shape \(3, 4\)"):
        fn(x, np.array([0, 1]))
    with pytest.raises(ValueError, match=f"{op}: reduction must be one of"):
        fn(x, np.array([0, 1, 2]), reduction="average")
    assert fn(x, Tensor(np.array([0, 1, 2]))).shape == ()  # integer Tensor targets work


def test_regression_losses_check_their_arguments():
    with pytest.raises(ValueError, match=r"binary_cross_entropy_with_logits: target of shape \(2,\)"):
        ops.binary_cross_entropy_with_logits(np.zeros(3), np.zeros(2))
    with pytest.raises(ValueError, match="mse_loss: reduction must be one of"):
        ops.mse_loss(np.zeros(3), np.zeros(3), reduction="max")


def test_multi_margin_loss_matches_the_definition_and_torch():
    torch = _torch()
    r = np.random.default_rng(1)
    x, target = r.standard_normal((7, 5)).astype(np.float32), r.integers(0, 5, 7)
    picked = x[np.arange(7), target][:, None]
    terms = np.maximum(0, 0.7 - picked + x)
    terms[np.arange(7), target] = 0
    loss = ops.multi_margin_loss(Tensor(x), target, margin=0.7, reduction="none")
    assert loss.dtype == np.float32
    np.testing.assert_allclose(loss.data, terms.sum(axis=1) / 5, rtol=1e-6)
    expected = torch.nn.functional.multi_margin_loss(torch.tensor(x), torch.tensor(target), margin=0.7,
                                                     reduction="none")
    np.testing.assert_allclose(loss.data, expected.numpy(), rtol=1e-6)


def test_float32_stays_float32():
    r = np.random.default_rng(2)
    x = Tensor(r.standard_normal((4, 3)).astype(np.float32), requires_grad=True)
    t = Tensor(r.uniform(size=(4, 3)).astype(np.float32), requires_grad=True)
    for loss in (ops.cross_entropy(x, np.array([0, 1, 2, 0])), ops.mse_loss(x, t),
                 ops.binary_cross_entropy_with_logits(x, t), ops.nll_loss(x, np.array([0, 1, 2, 0]))):
        assert loss.dtype == np.float32
        x.grad = t.grad = None
        loss.backward()
        assert x.grad.dtype == np.float32


@pytest.mark.parametrize("name", ["cross_entropy", "mse_loss", "binary_cross_entropy_with_logits"])
def test_second_derivatives_match_torch(name):
    torch = _torch()
    r = np.random.default_rng(3)
    x = r.standard_normal((4, 3))
    other = r.integers(0, 3, 4) if name == "cross_entropy" else r.uniform(size=(4, 3))
    v = r.standard_normal((4, 3))
    xt = Tensor(x, requires_grad=True)
    (gx,) = grad(getattr(ops, name)(xt, other), xt, create_graph=True)
    (hv,) = grad((gx * v).sum(), xt)
    tx = torch.tensor(x, requires_grad=True)
    (tgx,) = torch.autograd.grad(getattr(torch.nn.functional, name)(tx, torch.tensor(other)), tx,
                                 create_graph=True)
    (thv,) = torch.autograd.grad((tgx * torch.tensor(v)).sum(), tx)
    np.testing.assert_allclose(gx.data, tgx.detach().numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(hv.data, thv.numpy(), rtol=1e-10, atol=1e-12)


def test_mse_target_gradient_and_broadcasting():
    x = Tensor(np.array([[1.0, 2.0], [3.0, 4.0]]), requires_grad=True)
    t = Tensor(np.array([1.0, 0.0]), requires_grad=True)  # broadcast over rows
    with pytest.warns(UserWarning, match=r"mse_loss: using a target size \(\(2,\)\) that is different"):
        ops.mse_loss(x, t).backward()
    np.testing.assert_allclose(x.grad.data, [[0.0, 1.0], [1.0, 2.0]])
    np.testing.assert_allclose(t.grad.data, [-1.0, -3.0])


@pytest.mark.parametrize("op", ["mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss"])
def test_regression_shape_mismatch(op):
    fn = getattr(ops, op)
    with pytest.raises(ValueError, match=rf"{op}: target of shape \(3,\) cannot be broadcast with input of shape \(4,\)"):
        fn(Tensor(np.ones(4)), np.ones(3))
    with pytest.warns(UserWarning, match=f"{op}: using a target size"):
        loss = fn(Tensor(np.ones((4, 1))), np.zeros(4), reduction="none")
    assert loss.shape == (4, 4)  # broadcast, as torch (and warned about)


def test_cross_entropy_all_ignored_is_nan_and_float_class_target_refused():
    x = Tensor(np.zeros((2, 3)), requires_grad=True)
    with np.errstate(invalid="ignore"):
        assert np.isnan(ops.cross_entropy(x, np.array([-100, -100])).item())
    with pytest.raises(TypeError, match="integer class indices"):
        ops.cross_entropy(x, np.array([0.0, 1.0]))
    with pytest.raises(ValueError, match="weight of shape \\(2,\\) does not match the 3 classes"):
        ops.cross_entropy(x, np.array([0, 1]), weight=np.ones(2))


def test_binary_cross_entropy_input_range_and_clamp():
    with pytest.raises(ValueError, match="binary_cross_entropy: all elements of input should be between 0 and 1"):
        ops.binary_cross_entropy(Tensor(np.array([1.5])), np.array([1.0]))
    loss = ops.binary_cross_entropy(Tensor(np.array([0.0, 1.0])), np.array([1.0, 0.0]), reduction="none")
    np.testing.assert_array_equal(loss.data, [100.0, 100.0])  # logs clamped at -100, as torch


def test_kl_div_mean_warns_and_batchmean_divides_by_batch():
    x = Tensor(np.log(np.full((2, 4), 0.25)))
    t = np.array([[0.1, 0.2, 0.3, 0.4], [0.0, 0.5, 0.5, 0.0]])
    total = ops.kl_div(x, t, reduction="sum").item()
    assert ops.kl_div(x, t, reduction="batchmean").item() == pytest.approx(total / 2)
    with pytest.warns(UserWarning, match="batchmean"):
        assert ops.kl_div(x, t).item() == pytest.approx(total / 8)
