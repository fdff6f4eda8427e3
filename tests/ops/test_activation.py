"""Activations and erf beyond the sample table: dtypes, 0-d input, accuracy, non-smooth points."""
import numpy as np
import pytest

import ops
from autograd import Tensor, grad
from ops.special import erf_array, erfc_array


def test_gelu_of_integers_follows_numpy_promotion():
    out = ops.gelu([1, 2, -1])
    assert out.dtype == np.float64
    np.testing.assert_allclose(out.data, [0.8413447460685429, 1.9544997361036416, -0.15865525393145707])


@pytest.mark.parametrize("approximate", ["none", "tanh"])
def test_gelu_of_a_0d_tensor(approximate):
    x = Tensor(np.array(0.7), requires_grad=True)
    y = ops.gelu(x, approximate=approximate)
    assert y.shape == ()
    y.backward()
    assert x.grad.shape == ()


def test_gelu_keeps_float32():
    x = Tensor(np.linspace(-3, 3, 7, dtype=np.float32), requires_grad=True)
    y = ops.gelu(x)
    assert y.dtype == np.float32
    y.sum().backward()
    assert x.grad.dtype == np.float32


@pytest.mark.parametrize("approximate", ["none", "tanh"])
def test_gelu_second_derivative_matches_torch(approximate):
    torch = pytest.importorskip("torch")
    x0 = np.linspace(-3, 3, 9)
    x = Tensor(x0, requires_grad=True)
    (g,) = grad(ops.gelu(x, approximate=approximate).sum(), x, create_graph=True)
    (h,) = grad(g.sum(), x)
    xt = torch.tensor(x0, requires_grad=True)
    (gt,) = torch.autograd.grad(torch.nn.functional.gelu(xt, approximate=approximate).sum(), xt,
                                create_graph=True)
    (ht,) = torch.autograd.grad(gt.sum(), xt)
    np.testing.assert_allclose(h.data, ht.numpy(), rtol=1e-10, atol=1e-12)


def test_erf_is_accurate_to_a_few_ulp():
    mpmath = pytest.importorskip("mpmath")
    rng = np.random.default_rng(0)
    x = np.concatenate([rng.uniform(-6, 6, 400), rng.uniform(-0.6, 0.6, 200),
                        rng.standard_normal(50) * 1e-6, [0.0, 0.5, -0.5, 0.49999999, 26.0]])
    exact_erf = np.array([float(mpmath.erf(v)) for v in x])
    exact_erfc = np.array([float(mpmath.erfc(v)) for v in x])
    ulp = np.finfo(np.float64).eps
    assert np.max(np.abs(erf_array(x) - exact_erf) / np.maximum(np.abs(exact_erf), 1e-300)) < 4 * ulp
    assert np.max(np.abs(erfc_array(x) - exact_erfc) / exact_erfc) < 4 * ulp


def test_float32_erf_and_erfc_are_accurate_to_a_few_float32_ulp():
    mpmath = pytest.importorskip("mpmath")
    x = np.concatenate([np.linspace(-9, 9, 601), np.linspace(-0.6, 0.6, 101)]).astype(np.float32)
    exact_erf = np.array([float(mpmath.erf(float(v))) for v in x])
    exact_erfc = np.array([float(mpmath.erfc(float(v))) for v in x])
    ulp = np.finfo(np.float32).eps
    got_erf, got_erfc = erf_array(x), erfc_array(x)
    assert got_erf.dtype == got_erfc.dtype == np.float32
    assert np.max(np.abs(got_erf - exact_erf) / np.maximum(np.abs(exact_erf), 1e-30)) < 6 * ulp
    normal = exact_erfc > 1e-36  # float32's normal range
    assert np.max(np.abs(got_erfc - exact_erfc)[normal] / exact_erfc[normal]) < 6 * ulp


def test_erf_special_values_and_shapes():
    np.testing.assert_array_equal(erf_array(np.array([np.inf, -np.inf, 0.0])), [1.0, -1.0, 0.0])
    assert np.isnan(erf_array(np.array([np.nan]))).all()
    np.testing.assert_array_equal(erfc_array(np.array([np.inf, -np.inf, 40.0])), [0.0, 2.0, 0.0])
    assert erf_array(np.float64(0.3)).shape == ()
    assert erf_array(np.ones((2, 0))).shape == (2, 0)
    assert erf_array(np.ones(3, np.float32)).dtype == np.float32


def test_softplus_threshold_and_large_inputs_stay_finite():
    x = Tensor(np.array([-800.0, 0.0, 25.0, 800.0]), requires_grad=True)
    y = ops.softplus(x)
    np.testing.assert_allclose(y.data, [0.0, np.log(2), 25.0, 800.0])
    y.sum().backward()
    np.testing.assert_allclose(x.grad.data, [0.0, 0.5, 1.0, 1.0])
    z = ops.logsigmoid(Tensor(np.array([-800.0, 800.0])))
    np.testing.assert_allclose(z.data, [-800.0, 0.0])


def test_softmax_takes_dim():
    x = np.random.default_rng(0).standard_normal((3, 4))
    np.testing.assert_allclose(ops.softmax(x, dim=0).data, ops.softmax(x, axis=0).data)
    np.testing.assert_allclose(ops.log_softmax(x, dim=1).data, ops.log_softmax(x, axis=1).data)
    with pytest.raises(TypeError, match="axis or dim"):
        ops.softmax(x, axis=0, dim=1)
