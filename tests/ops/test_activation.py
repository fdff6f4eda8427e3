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


def _laid_out(shape, layout, seed, dtype=np.float32):
    """(N, C, H, W) values C-contiguous, channel-major (conv2d's output) or a padded view."""
    N, C, H, W = shape
    r = np.random.default_rng(seed)
    if layout == "contiguous":
        return r.standard_normal(shape).astype(dtype)
    if layout == "channel_major":
        return r.standard_normal((C, N, H, W)).astype(dtype).transpose(1, 0, 2, 3)
    return r.standard_normal((C, N, H, W + 3)).astype(dtype)[..., 1:W + 1].transpose(1, 0, 2, 3)


@pytest.mark.parametrize("layout", ["contiguous", "channel_major", "padded"])
@pytest.mark.parametrize("g_layout", ["contiguous", "channel_major", "padded"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_relu_of_large_arrays_in_every_layout(layout, g_layout, dtype):
    """The block-wise fast path (>= 1 MiB, reused output arrays) gives exactly max(a, 0)
    and g * (a > 0), in a's dtype, whatever the input's and the gradient's memory layout."""
    shape = (4, 16, 64, 65)  # 1.0 MiB of float32 and not a multiple of the block size
    a0 = _laid_out(shape, layout, 0, dtype)
    a0[0, 0, 0, :3] = [0.0, -0.0, np.nan]
    g = _laid_out(shape, g_layout, 1, dtype)
    a = Tensor(a0, requires_grad=True)
    out = ops.relu(a)
    assert out.dtype == dtype and out.shape == shape
    np.testing.assert_array_equal(out.data, np.maximum(a0, 0))
    out.backward(g)
    assert a.grad.dtype == dtype
    np.testing.assert_array_equal(a.grad.data, g * (a0 > 0))  # 0 at 0 and at NaN, as torch


def test_relu_of_large_strided_views_and_float16():
    """Reversed, broadcast and float16 input on the >= 1 MiB path: values, mask, dtypes."""
    r = np.random.default_rng(7)
    cases = [r.standard_normal((512, 1024)).astype(np.float32)[::-1, ::2],
             np.broadcast_to(r.standard_normal(1024).astype(np.float32), (512, 1024)),
             r.standard_normal((1024, 1024)).astype(np.float16)]
    for a0 in cases:
        a = Tensor(a0, requires_grad=True)
        out = ops.relu(a)
        assert out.dtype == a0.dtype
        np.testing.assert_array_equal(out.data, np.maximum(a0, 0))
        g = r.standard_normal(a0.shape).astype(a0.dtype)
        out.backward(g)
        np.testing.assert_array_equal(a.grad.data, g * (a0 > 0))


def test_relu_outputs_alive_are_never_overwritten():
    """Outputs come from reused arrays: one still referenced (itself, a view, a saved
    gradient) is never handed out again."""
    shape = (2, 16, 128, 64)
    xs = [_laid_out(shape, "channel_major", seed) for seed in range(3)]
    first = ops.relu(xs[0])
    view = ops.relu(xs[1]).data[0]  # only a view of the second output survives
    a = Tensor(xs[2], requires_grad=True)
    ops.relu(a).backward(np.ones(shape, np.float32))
    for _ in range(3):
        ops.relu(-xs[0]), ops.relu(-xs[1])  # made and freed: their arrays may be reused
    np.testing.assert_array_equal(first.data, np.maximum(xs[0], 0))
    np.testing.assert_array_equal(view, np.maximum(xs[1][0], 0))
    np.testing.assert_array_equal(a.grad.data, (xs[2] > 0).astype(np.float32))
    assert not np.shares_memory(first.data, view)


def test_relu_twice_differentiable_on_the_fast_path_matches_torch():
    torch = pytest.importorskip("torch")
    x0 = _laid_out((2, 8, 128, 130), "channel_major", 5, np.float64)  # 2 MiB of float64
    x = Tensor(x0, requires_grad=True)
    upstream = np.random.default_rng(6).standard_normal(x0.shape)
    (g,) = grad((ops.relu(x) * x * Tensor(upstream)).sum(), x, create_graph=True)
    (g * g).sum().backward()
    tx = torch.tensor(np.ascontiguousarray(x0), requires_grad=True)
    (tg,) = torch.autograd.grad((torch.relu(tx) * tx * torch.tensor(upstream)).sum(), tx,
                                create_graph=True)
    (tg * tg).sum().backward()
    np.testing.assert_allclose(g.data, tg.detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(x.grad.data, tx.grad.numpy(), rtol=1e-12)


@pytest.mark.parametrize("layout, g_layout", [("channel_major", "padded"), ("padded", "contiguous")])
def test_relu_same_floats_in_one_lane_or_two(monkeypatch, layout, g_layout):
    """Blocks run in two threads on a quiet machine (ops._lanes), else in one."""
    from ops import _lanes

    shape = (4, 16, 64, 65)
    a0, g = _laid_out(shape, layout, 11), _laid_out(shape, g_layout, 12)
    results = []
    for lanes in (1, 2):
        monkeypatch.setattr(_lanes, "count", lambda size, lanes=lanes: lanes)
        a = Tensor(a0, requires_grad=True)
        out = ops.relu(a)
        out.backward(g)
        results.append((out.data.copy(), a.grad.data))
    for one, two in zip(*results):
        np.testing.assert_array_equal(one, two)
    np.testing.assert_array_equal(results[1][0], np.maximum(a0, 0))
