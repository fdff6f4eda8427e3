"""max_pool2d / avg_pool2d beyond the table: ties, padding semantics, layouts, errors."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ops
from autograd import Tensor, grad
from tests.ops.test_conv import against_torch_float32


def _grad(fn, x, upstream=None):
    t = Tensor(x, requires_grad=True)
    out = fn(t)
    out.backward(np.ones(out.shape) if upstream is None else upstream)
    return out.data, t.grad.data


def test_max_pool_tie_goes_to_the_first_arg_max():
    x = np.ones((1, 1, 2, 2))
    _, gx = _grad(lambda t: ops.max_pool2d(t, 2), x)
    np.testing.assert_array_equal(gx[0, 0], [[1, 0], [0, 0]])
    x = np.array([[0.0, 3.0], [3.0, 3.0]]).reshape(1, 1, 2, 2)
    _, gx = _grad(lambda t: ops.max_pool2d(t, 2), x)
    np.testing.assert_array_equal(gx[0, 0], [[0, 1], [0, 0]])


def test_max_pool_ties_match_torch_with_overlap_and_padding():
    torch = pytest.importorskip("torch")
    r = np.random.default_rng(0)
    x = r.integers(0, 3, (2, 3, 7, 6)).astype(np.float64)  # many ties
    upstream = r.standard_normal((2, 3, 4, 3))
    out, gx = _grad(lambda t: ops.max_pool2d(t, 3, stride=2, padding=1), x, upstream)
    tx = torch.tensor(x, requires_grad=True)
    expected = torch.nn.functional.max_pool2d(tx, 3, stride=2, padding=1)
    expected.backward(torch.tensor(upstream))
    np.testing.assert_array_equal(out, expected.detach().numpy())
    np.testing.assert_allclose(gx, tx.grad.numpy(), rtol=0, atol=1e-12)  # same routing


def test_overlapping_windows_accumulate():
    x = np.zeros((1, 1, 3, 3))
    x[0, 0, 1, 1] = 5.0  # the maximum of all four 2x2 windows (stride 1)
    out, gx = _grad(lambda t: ops.max_pool2d(t, 2, stride=1), x)
    assert out.shape == (1, 1, 2, 2)
    assert gx[0, 0, 1, 1] == 4.0 and gx.sum() == 4.0
    _, gx = _grad(lambda t: ops.avg_pool2d(t, 2, stride=1), x)
    np.testing.assert_allclose(gx[0, 0], [[0.25, 0.5, 0.25], [0.5, 1.0, 0.5], [0.25, 0.5, 0.25]])


def test_max_pool_pads_with_minus_infinity():
    x = -np.ones((1, 1, 2, 2)) - np.arange(4).reshape(1, 1, 2, 2)
    out = ops.max_pool2d(x, 2, stride=1, padding=1).data
    assert np.isfinite(out).all() and out.max() == -1.0  # padding never wins


def test_avg_pool_counts_padding_in_the_divisor():
    out = ops.avg_pool2d(np.ones((1, 1, 3, 3)), 3, stride=1, padding=1).data
    assert out[0, 0, 0, 0] == pytest.approx(4 / 9)  # corner: 4 real ones over 9
    assert out[0, 0, 1, 1] == pytest.approx(1.0)


def test_nan_propagates_through_max_pool():
    x = np.arange(16.0).reshape(1, 1, 4, 4)
    x[0, 0, 0, 1] = np.nan
    out = ops.max_pool2d(x, 2).data
    assert np.isnan(out[0, 0, 0, 0]) and np.isfinite(out[0, 0, 1]).all()


@pytest.mark.parametrize("name", ["max_pool2d", "avg_pool2d"])
@pytest.mark.parametrize("kernel, stride, padding", [(2, None, 0), (3, 2, 1), ((2, 3), (2, 1), 0)])
def test_float32_any_layout_matches_torch(name, kernel, stride, padding):
    torch = pytest.importorskip("torch")
    base = np.random.default_rng(1).standard_normal((3, 4, 8, 10)).astype(np.float32)
    x = np.ascontiguousarray(base.transpose(1, 0, 2, 3)).transpose(1, 0, 2, 3)  # (C, N) memory order
    against_torch_float32(lambda t: getattr(ops, name)(t, kernel, stride=stride, padding=padding),
                          lambda t: getattr(torch.nn.functional, name)(t, kernel, stride=stride,
                                                                       padding=padding),
                          [x], rtol=1e-6, atol=1e-6)


def test_non_divisible_input_leaves_the_rest_without_gradient():
    r = np.random.default_rng(2)
    _, gx = _grad(lambda t: ops.max_pool2d(t, 2), r.standard_normal((1, 2, 5, 5)))
    assert (gx[:, :, 4, :] == 0).all() and (gx[:, :, :, 4] == 0).all()
    assert gx.sum() == 2 * 4


BAD = [
    (dict(kernel_size=2, padding=-1), ValueError, r"padding must be non-negative"),
    (dict(kernel_size=2, padding=2), ValueError, r"padding \(2, 2\) should be at most half"),
    (dict(kernel_size=7), ValueError, r"kernel \(7, 7\).*larger than the padded input.*\(1, 1, 5, 6\)"),
    (dict(kernel_size=2, stride=0), ValueError, r"stride must be positive"),
    (dict(kernel_size=(2, 2, 2)), TypeError, r"kernel_size must be an int or a pair"),
]


@pytest.mark.parametrize("name", ["max_pool2d", "avg_pool2d"])
@pytest.mark.parametrize("kwargs, error, message", BAD)
def test_bad_arguments(name, kwargs, error, message):
    with pytest.raises(error, match=f"{name}: {message}"):
        getattr(ops, name)(np.zeros((1, 1, 5, 6)), **kwargs)


def test_input_must_be_4d():
    with pytest.raises(ValueError, match=r"max_pool2d: expected an input of shape \(N, C, H, W\)"):
        ops.max_pool2d(np.zeros((4, 4)), 2)


@pytest.mark.parametrize("name", ["max_pool2d", "avg_pool2d"])
@pytest.mark.parametrize("kernel, stride, padding", [(2, None, 0), (3, 2, 1)])
def test_double_backward_matches_torch(name, kernel, stride, padding):
    """A gradient penalty through pooling: the input gradient, differentiated again."""
    torch = pytest.importorskip("torch")
    r = np.random.default_rng(3)
    x0 = r.permutation(np.linspace(-2, 2, 2 * 3 * 7 * 6)).reshape(2, 3, 7, 6)  # tie-free
    w0 = r.standard_normal(x0.shape)
    ours_pool = lambda t: getattr(ops, name)(t, kernel, stride=stride, padding=padding)
    theirs_pool = lambda t: getattr(torch.nn.functional, name)(t, kernel, stride=stride, padding=padding)
    x, w = Tensor(x0.copy(), requires_grad=True), Tensor(w0.copy(), requires_grad=True)
    (gx,) = grad((ours_pool(x * w) ** 2).sum(), x, create_graph=True)
    (gx * gx).sum().backward()
    tx, tw = torch.tensor(x0, requires_grad=True), torch.tensor(w0, requires_grad=True)
    (tgx,) = torch.autograd.grad((theirs_pool(tx * tw) ** 2).sum(), tx, create_graph=True)
    (tgx * tgx).sum().backward()
    np.testing.assert_allclose(gx.data, tgx.detach().numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(x.grad.data, tx.grad.numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(w.grad.data, tw.grad.numpy(), rtol=1e-10, atol=1e-12)


def _against_torch(ours_fn, theirs_fn, x0, seed=5):
    """Forward and input gradient (random upstream) equal to torch's in float64."""
    torch = pytest.importorskip("torch")
    x = Tensor(x0.copy(), requires_grad=True)
    out = ours_fn(x)
    tx = torch.tensor(x0, requires_grad=True)
    expected = theirs_fn(tx)
    np.testing.assert_allclose(out.data, expected.detach().numpy(), rtol=1e-12, atol=1e-12)
    upstream = np.random.default_rng(seed).standard_normal(out.shape)
    out.backward(upstream)
    expected.backward(torch.tensor(upstream))
    np.testing.assert_allclose(x.grad.data, tx.grad.numpy(), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("name", ["max_pool1d", "avg_pool1d"])
@pytest.mark.parametrize("shape", [(2, 3, 11), (3, 9)])  # batched and unbatched
@pytest.mark.parametrize("kernel, stride, padding", [(2, None, 0), (3, 2, 1), (4, 1, 2), ((3,), (3,), 0)])
def test_pool1d_matches_torch(name, shape, kernel, stride, padding):
    torch = pytest.importorskip("torch")
    x0 = np.random.default_rng(7).permutation(np.linspace(-3, 3, int(np.prod(shape)))).reshape(shape)
    _against_torch(lambda t: getattr(ops, name)(t, kernel, stride=stride, padding=padding),
                   lambda t: getattr(torch.nn.functional, name)(t, kernel, stride=stride, padding=padding),
                   x0)


@pytest.mark.parametrize("name", ["adaptive_avg_pool1d", "adaptive_max_pool1d"])
@pytest.mark.parametrize("length, size", [(10, 5), (11, 4), (3, 7), (6, 1)])
def test_adaptive_pool1d_matches_torch(name, length, size):
    torch = pytest.importorskip("torch")
    x0 = np.random.default_rng(8).permutation(np.linspace(-3, 3, 2 * 3 * length)).reshape(2, 3, length)
    _against_torch(lambda t: getattr(ops, name)(t, size),
                   lambda t: getattr(torch.nn.functional, name)(t, size), x0)


@pytest.mark.parametrize("name", ["adaptive_avg_pool2d", "adaptive_max_pool2d"])
@pytest.mark.parametrize("hw, size", [((8, 6), (4, 3)), ((7, 10), (3, 4)), ((3, 2), (5, 5)),
                                      ((5, 5), (None, 2))])
def test_adaptive_pool2d_matches_torch_in_float32(name, hw, size):
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(9).standard_normal((2, 3) + hw).astype(np.float32)
    against_torch_float32(lambda t: getattr(ops, name)(t, size),
                          lambda t: getattr(torch.nn.functional, name)(t, size), [x],
                          rtol=1e-6, atol=1e-6)
    assert getattr(ops, name)(x, size).dtype == np.float32


@pytest.mark.parametrize("name", ["adaptive_avg_pool2d", "adaptive_max_pool2d"])
def test_adaptive_pool_double_backward_matches_torch(name):
    torch = pytest.importorskip("torch")
    r = np.random.default_rng(4)
    x0 = r.permutation(np.linspace(-2, 2, 2 * 2 * 7 * 5)).reshape(2, 2, 7, 5)
    w0 = r.standard_normal(x0.shape)
    x, w = Tensor(x0.copy(), requires_grad=True), Tensor(w0.copy(), requires_grad=True)
    (gx,) = grad((getattr(ops, name)(x * w, (3, 2)) ** 2).sum(), x, create_graph=True)
    (gx * gx).sum().backward()
    tx, tw = torch.tensor(x0, requires_grad=True), torch.tensor(w0, requires_grad=True)
    (tgx,) = torch.autograd.grad((getattr(torch.nn.functional, name)(tx * tw, (3, 2)) ** 2).sum(), tx,
                                 create_graph=True)
    (tgx * tgx).sum().backward()
    np.testing.assert_allclose(gx.data, tgx.detach().numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(x.grad.data, tx.grad.numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(w.grad.data, tw.grad.numpy(), rtol=1e-10, atol=1e-12)


def test_new_pooling_argument_errors():
    with pytest.raises(ValueError, match=r"max_pool1d: expected an input of shape \(N, C, L\)"):
        ops.max_pool1d(np.zeros((1, 1, 4, 4)), 2)
    with pytest.raises(ValueError, match=r"avg_pool1d: kernel_size=5, stride=5, padding=0 do not fit"):
        ops.avg_pool1d(np.zeros((1, 1, 4)), 5)
    with pytest.raises(TypeError, match="max_pool1d: kernel_size must be an int"):
        ops.max_pool1d(np.zeros((1, 1, 4)), (2, 2))
    with pytest.raises(ValueError, match="adaptive_avg_pool2d: output_size must hold positive ints"):
        ops.adaptive_avg_pool2d(np.zeros((1, 1, 4, 4)), 0)
    with pytest.raises(ValueError, match=r"adaptive_max_pool2d: expected an input of shape \(N, C, H, W\)"):
        ops.adaptive_max_pool2d(np.zeros((4, 4)), 2)
    with pytest.raises(ValueError, match="adaptive_max_pool2d: output_size .* should have 2 entries"):
        ops.adaptive_max_pool2d(np.zeros((1, 1, 4, 4)), (1, 2, 3))
    with pytest.raises(ValueError, match=r"adaptive_avg_pool1d: input of shape \(1, 2, 0\) has an empty"):
        ops.adaptive_avg_pool1d(np.zeros((1, 2, 0)), 1)
    with pytest.raises(ValueError, match="adaptive_max_pool1d: output_size must be a positive int"):
        ops.adaptive_max_pool1d(np.zeros((1, 2, 3)), 0)
    with pytest.raises(TypeError, match="adaptive_avg_pool2d: expected a floating-point input"):
        ops.adaptive_avg_pool2d(np.zeros((1, 1, 4, 4), dtype=np.int64), 2)


def test_lists_are_accepted():
    out = ops.max_pool1d([[[1.0, 3.0, 2.0, 0.0]]], 2)
    np.testing.assert_array_equal(out.data, [[[3.0, 2.0]]])
    out = ops.adaptive_avg_pool2d([[[[1.0, 3.0], [2.0, 6.0]]]], 1)
    np.testing.assert_array_equal(out.data, [[[[3.0]]]])


# --- max_pool2d's kernels (tiled 2x2 whole-buffer path, other tiled windows, strided views):
# routing of ties, NaN, memory layouts and dtypes against a plain loop over windows


def _reference_max_pool(x, g, kernel, stride, padding):
    """Out and input gradient by a loop over windows with torch's scan: row-major order,
    a value wins when it is greater than the best so far or NaN (ties keep the first)."""
    (KH, KW), (sh, sw), (ph, pw) = kernel, stride, padding
    N, C, H, W = x.shape
    xp = np.full((N, C, H + 2 * ph, W + 2 * pw), -np.inf, x.dtype)
    xp[:, :, ph:ph + H, pw:pw + W] = x
    OH, OW = g.shape[2:]
    out = np.empty(g.shape, x.dtype)
    gx = np.zeros(xp.shape, g.dtype)
    for n, c, i, j in np.ndindex(N, C, OH, OW):
        window = xp[n, c, i * sh:i * sh + KH, j * sw:j * sw + KW].ravel()
        best, k = window[0], 0
        for m in range(1, window.size):
            if window[m] > best or np.isnan(window[m]):
                best, k = window[m], m
        out[n, c, i, j] = best
        gx[n, c, i * sh + k // KW, j * sw + k % KW] += g[n, c, i, j]
    return out, gx[:, :, ph:ph + H, pw:pw + W]


def _in_layout(a, channel_major):
    """a with (C, N, H, W) memory (conv2d's output layout) or C-contiguous."""
    return np.ascontiguousarray(a.transpose(1, 0, 2, 3)).transpose(1, 0, 2, 3) if channel_major \
        else np.ascontiguousarray(a)


def _pool_grad(x, g, kernel, stride=None, padding=0):
    t = Tensor(x, requires_grad=True)
    out = ops.max_pool2d(t, kernel, stride=stride, padding=padding)
    out.backward(g)
    return out.data, t.grad.data


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("x_major, g_major", [(False, False), (True, False), (True, True), (False, True)])
def test_every_2x2_tie_pattern_routes_to_the_first_maximum_in_row_major_order(dtype, x_major, g_major):
    # all 3**4 windows over {0, 1, 2}: every tie pattern, incl. all-zero windows (as after
    # relu) and ties between (0, 1) and (1, 0)
    windows = np.array(np.meshgrid(*[[0, 1, 2]] * 4, indexing="ij")).reshape(4, -1).T  # (81, 4)
    x = windows.reshape(3, 27, 2, 2).transpose(0, 2, 1, 3).reshape(3, 1, 2, 54).astype(dtype)
    x = np.concatenate([x, x[:, :, :, ::-1]], axis=1)  # (3, 2, 2, 54): N, C > 1
    g = np.random.default_rng(10).standard_normal((3, 2, 1, 27)).astype(dtype)
    x, g = _in_layout(x, x_major), _in_layout(g, g_major)
    out, gx = _pool_grad(x, g, 2)
    expected_out, expected_gx = _reference_max_pool(x, g, (2, 2), (2, 2), (0, 0))
    assert out.dtype == dtype and gx.dtype == dtype
    np.testing.assert_array_equal(out, expected_out)
    np.testing.assert_array_equal(gx, expected_gx)  # exactly: g routed, never summed
    assert np.argsort(gx.strides).tolist() == np.argsort(x.strides).tolist()  # x's memory layout
    flat_gx = gx.reshape(3, 2, 2, 27, 2).transpose(0, 1, 3, 2, 4).reshape(3, 2, 27, 4)
    assert (np.count_nonzero(flat_gx, axis=-1) <= 1).all()


def test_named_ties():
    cases = {  # window -> the winner's (row, column)
        ((0.0, 0.0), (0.0, 0.0)): (0, 0),  # all zero, as after relu
        ((0.0, 1.0), (1.0, 0.0)): (0, 1),  # (0, 1) before (1, 0)
        ((0.0, 1.0), (1.0, 1.0)): (0, 1),
        ((0.0, 0.0), (1.0, 1.0)): (1, 0),
        ((1.0, 0.0), (0.0, 1.0)): (0, 0),
        ((-1.0, -2.0), (-1.0, -1.0)): (0, 0),
    }
    for window, (i, j) in cases.items():
        for channel_major in (False, True):
            x = _in_layout(np.tile(np.array(window, np.float32), (2, 3, 1, 1)), channel_major)
            _, gx = _pool_grad(x, np.full((2, 3, 1, 1), 2.0, np.float32), 2)
            expected = np.zeros((2, 2), np.float32)
            expected[i, j] = 2.0
            assert (gx == expected).all(), (window, channel_major)


GEOMETRY_CASES = [  # kernel, stride, padding, shape: tiled 2x2 (even and odd N, C), other tiled
    (2, None, 0, (3, 5, 6, 10)),       # windows, non-divisible sizes, overlapping and padded ones
    (2, None, 0, (1, 1, 2, 2)),
    ((2, 2), (2, 2), 0, (2, 3, 4, 2)),
    (3, None, 0, (2, 3, 6, 9)),
    ((1, 2), None, 0, (2, 3, 3, 8)),  # max_pool1d's form
    ((2, 1), None, 0, (2, 3, 4, 3)),
    ((2, 3), None, 0, (2, 2, 4, 9)),
    (2, None, 0, (2, 3, 7, 9)),       # odd sizes: the last row / column belongs to no window
    (3, 2, 1, (2, 3, 7, 8)),
    (2, 1, 0, (2, 2, 5, 5)),
]


@pytest.mark.parametrize("kernel, stride, padding, shape", GEOMETRY_CASES)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("x_major, g_major", [(False, False), (True, False), (True, True)])
def test_max_pool_with_many_ties_matches_the_reference_loop(kernel, stride, padding, shape, dtype,
                                                            x_major, g_major):
    r = np.random.default_rng(11)
    x = np.maximum(r.integers(-2, 3, shape), 0).astype(dtype)  # mostly zero windows, many ties
    x = _in_layout(x, x_major)
    out_shape = ops.max_pool2d(x, kernel, stride=stride, padding=padding).shape
    g = _in_layout(r.standard_normal(out_shape).astype(dtype), g_major)
    out, gx = _pool_grad(x, g, kernel, stride, padding)
    kernel2 = kernel if isinstance(kernel, tuple) else (kernel, kernel)
    stride2 = kernel2 if stride is None else (stride, stride) if isinstance(stride, int) else stride
    expected_out, expected_gx = _reference_max_pool(x, g, kernel2, stride2, (padding, padding))
    assert out.dtype == dtype and gx.dtype == dtype
    np.testing.assert_array_equal(out, expected_out)
    np.testing.assert_allclose(gx, expected_gx, rtol=1e-6 if dtype == np.float32 else 1e-14, atol=0)


@pytest.mark.parametrize("kernel, stride, padding, shape", GEOMETRY_CASES)
def test_nan_is_routed_as_torch_routes_it(kernel, stride, padding, shape):
    """NaN propagates to the window's max, and its gradient goes to the last NaN (torch's scan)."""
    r = np.random.default_rng(12)
    x = r.integers(0, 3, shape).astype(np.float64)
    x[r.random(shape) < 0.2] = np.nan
    out_shape = ops.max_pool2d(x, kernel, stride=stride, padding=padding).shape
    g = r.standard_normal(out_shape)
    kernel2 = kernel if isinstance(kernel, tuple) else (kernel, kernel)
    stride2 = kernel2 if stride is None else (stride, stride) if isinstance(stride, int) else stride
    expected_out, expected_gx = _reference_max_pool(x, g, kernel2, stride2, (padding, padding))
    for channel_major in (False, True):
        out, gx = _pool_grad(_in_layout(x, channel_major), g, kernel, stride, padding)
        np.testing.assert_array_equal(out, expected_out)  # NaN where the reference has NaN
        np.testing.assert_allclose(gx, expected_gx, rtol=1e-14, atol=0)  # overlaps add up


def test_nan_matches_torch():
    torch = pytest.importorskip("torch")
    x = np.array([[np.nan, 1.0, 2.0, np.nan, 5.0, 5.0],
                  [np.nan, 0.0, np.nan, 1.0, 5.0, np.nan]]).reshape(1, 1, 2, 6)
    g = np.array([1.0, 2.0, 3.0]).reshape(1, 1, 1, 3)
    out, gx = _pool_grad(x, g, 2)
    tx = torch.tensor(x, requires_grad=True)
    expected = torch.nn.functional.max_pool2d(tx, 2)
    expected.backward(torch.tensor(g))
    np.testing.assert_array_equal(out, expected.detach().numpy())
    np.testing.assert_array_equal(gx, tx.grad.numpy())


@pytest.mark.parametrize("kernel, stride, padding, shape", GEOMETRY_CASES)
@pytest.mark.parametrize("x_major", [False, True])
def test_max_pool_ties_match_torch_in_float32(kernel, stride, padding, shape, x_major):
    torch = pytest.importorskip("torch")
    r = np.random.default_rng(13)
    x = _in_layout(np.maximum(r.integers(-2, 3, shape), 0).astype(np.float32), x_major)
    out_shape = ops.max_pool2d(x, kernel, stride=stride, padding=padding).shape
    g = r.standard_normal(out_shape).astype(np.float32)
    out, gx = _pool_grad(x, g, kernel, stride, padding)
    tx = torch.tensor(x, requires_grad=True)
    expected = torch.nn.functional.max_pool2d(tx, kernel, stride=stride, padding=padding)
    expected.backward(torch.tensor(g))
    np.testing.assert_array_equal(out, expected.detach().numpy())
    np.testing.assert_allclose(gx, tx.grad.numpy(), rtol=1e-6, atol=1e-6)  # overlaps add up


@pytest.mark.parametrize("kernel, stride, padding, shape", GEOMETRY_CASES[:4])
def test_channels_last_input_takes_the_strided_views(kernel, stride, padding, shape):
    r = np.random.default_rng(14)
    x = np.maximum(r.integers(-2, 3, shape), 0).astype(np.float32)
    x_last = np.ascontiguousarray(x.transpose(0, 2, 3, 1)).transpose(0, 3, 1, 2)  # (N, H, W, C) memory
    g = r.standard_normal(ops.max_pool2d(x, kernel, stride=stride, padding=padding).shape).astype(np.float32)
    out, gx = _pool_grad(x_last, g, kernel, stride, padding)
    expected_out, expected_gx = _pool_grad(x, g, kernel, stride, padding)
    np.testing.assert_array_equal(out, expected_out)
    np.testing.assert_array_equal(gx, expected_gx)
    assert np.argsort(gx.strides).tolist() == np.argsort(x_last.strides).tolist()


def test_max_pool_of_an_empty_batch():
    out, gx = _pool_grad(np.zeros((0, 3, 4, 4), np.float32), np.zeros((0, 3, 2, 2), np.float32), 2)
    assert out.shape == (0, 3, 2, 2) and gx.shape == (0, 3, 4, 4) and gx.dtype == np.float32


@st.composite
def _pool_problems(draw):
    kh, kw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    sh, sw = draw(st.sampled_from([None, 1, 2, 3])), draw(st.integers(1, 3))
    ph, pw = draw(st.integers(0, kh // 2)), draw(st.integers(0, kw // 2))
    tiled = sh is None
    stride = (kh, kw) if tiled else (sh, sw)
    padding = (0, 0) if tiled else (ph, pw)
    oh, ow = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    h = (oh - 1) * stride[0] + kh - 2 * padding[0] + draw(st.integers(0, stride[0] - 1))
    w = (ow - 1) * stride[1] + kw - 2 * padding[1] + draw(st.integers(0, stride[1] - 1))
    shape = (draw(st.integers(1, 3)), draw(st.integers(1, 3)), max(h, 1), max(w, 1))
    return (kh, kw), stride, padding, shape, draw(st.booleans()), draw(st.booleans()), draw(st.integers(0, 99))


@settings(max_examples=60, deadline=None)
@given(_pool_problems(), st.sampled_from([np.float32, np.float64]))
def test_max_pool_matches_the_reference_loop_on_any_geometry(problem, dtype):
    kernel, stride, padding, shape, x_major, g_major, seed = problem
    r = np.random.default_rng(seed)
    x = _in_layout(np.maximum(r.integers(-2, 3, shape), 0).astype(dtype), x_major)  # many ties
    out_shape = ops.max_pool2d(x, kernel, stride=stride, padding=padding).shape
    g = _in_layout(r.standard_normal(out_shape).astype(dtype), g_major)
    out, gx = _pool_grad(x, g, kernel, stride, padding)
    expected_out, expected_gx = _reference_max_pool(x, g, kernel, stride, padding)
    np.testing.assert_array_equal(out, expected_out)
    tolerance = 1e-6 if dtype == np.float32 else 1e-14  # overlapping windows add in another order
    np.testing.assert_allclose(gx, expected_gx, rtol=tolerance, atol=tolerance)
    assert gx.dtype == dtype
    order = [[axis for axis in np.argsort(a.strides, kind="stable") if a.shape[axis] > 1] for a in (gx, x)]
    assert order[0] == order[1]  # x's memory layout (axes of length 1 have no place in it)
