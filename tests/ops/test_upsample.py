"""interpolate, pixel_shuffle, pixel_unshuffle beyond the table: many sizes against torch,
second derivatives, errors."""
import numpy as np
import pytest
from hypothesis import assume, given, settings, strategies as st

import ops
from autograd import Tensor, grad

torch = pytest.importorskip("torch")
F = torch.nn.functional


def _compare(ours_fn, theirs_fn, x0, seed=0):
    x = Tensor(x0.copy(), requires_grad=True)
    out = ours_fn(x)
    tx = torch.tensor(x0, requires_grad=True)
    expected = theirs_fn(tx)
    assert out.shape == tuple(expected.shape)
    np.testing.assert_allclose(out.data, expected.detach().numpy(), rtol=1e-10, atol=1e-12)
    upstream = np.random.default_rng(seed).standard_normal(out.shape)
    out.backward(upstream)
    expected.backward(torch.tensor(upstream))
    np.testing.assert_allclose(x.grad.data, tx.grad.numpy(), rtol=1e-10, atol=1e-12)


MODES_4D = [("nearest", None), ("bilinear", False), ("bilinear", True)]
MODES_3D = [("nearest", None), ("linear", False), ("linear", True)]


@settings(max_examples=25, deadline=None)
@given(h=st.integers(1, 6), w=st.integers(1, 6), oh=st.integers(1, 9), ow=st.integers(1, 9),
       mode=st.sampled_from(MODES_4D))
def test_interpolate_by_size_matches_torch(h, w, oh, ow, mode):
    x0 = np.random.default_rng(h * 7 + w).standard_normal((2, 2, h, w))
    kwargs = dict(size=(oh, ow), mode=mode[0], align_corners=mode[1])
    _compare(lambda t: ops.interpolate(t, **kwargs), lambda t: F.interpolate(t, **kwargs), x0)


@settings(max_examples=25, deadline=None)
@given(length=st.integers(2, 7), scale=st.sampled_from([0.5, 0.75, 1.0, 1.3, 2.0, 2.5, 3.0]),
       mode=st.sampled_from(MODES_3D + MODES_4D), recompute=st.booleans())
def test_interpolate_by_scale_factor_matches_torch(length, scale, mode, recompute):
    shape = (1, 3, length) if mode[0] == "linear" or (mode[0] == "nearest" and length % 2) \
        else (1, 2, length, length + 1)
    # torch 2.x's 1-D nearest backward copies an unchanged length while its forward
    # applies the scale (not each other's adjoint); npgrad follows the forward
    assume(not (len(shape) == 3 and mode[0] == "nearest" and int(length * scale) == length
                and scale != 1.0 and not recompute))
    x0 = np.random.default_rng(length).standard_normal(shape)
    kwargs = dict(scale_factor=scale, mode=mode[0], align_corners=mode[1],
                  recompute_scale_factor=recompute)
    _compare(lambda t: ops.interpolate(t, **kwargs), lambda t: F.interpolate(t, **kwargs), x0)


def test_interpolate_keeps_float32_and_matches_torch():
    x = np.random.default_rng(1).standard_normal((2, 3, 5, 6)).astype(np.float32)
    out = ops.interpolate(x, scale_factor=2, mode="bilinear", align_corners=False)
    assert out.dtype == np.float32
    expected = F.interpolate(torch.from_numpy(x), scale_factor=2, mode="bilinear", align_corners=False)
    np.testing.assert_allclose(out.data, expected.numpy(), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("mode", MODES_4D)
def test_interpolate_double_backward_matches_torch(mode):
    r = np.random.default_rng(2)
    x0, w0 = r.standard_normal((1, 2, 3, 4)), r.standard_normal((1, 2, 3, 4))
    kwargs = dict(size=(5, 7), mode=mode[0], align_corners=mode[1])
    x, w = Tensor(x0.copy(), requires_grad=True), Tensor(w0.copy(), requires_grad=True)
    (gx,) = grad((ops.interpolate(x * w, **kwargs) ** 3).sum(), x, create_graph=True)
    (gx * gx).sum().backward()
    tx, tw = torch.tensor(x0, requires_grad=True), torch.tensor(w0, requires_grad=True)
    (tgx,) = torch.autograd.grad((F.interpolate(tx * tw, **kwargs) ** 3).sum(), tx, create_graph=True)
    (tgx * tgx).sum().backward()
    np.testing.assert_allclose(gx.data, tgx.detach().numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(x.grad.data, tx.grad.numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(w.grad.data, tw.grad.numpy(), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("shape, r", [((2, 12, 3, 4), 2), ((18, 2, 3), 3), ((1, 4, 1, 1), 2)])
def test_pixel_shuffle_matches_torch_and_unshuffle_inverts_it(shape, r):
    x0 = np.random.default_rng(3).standard_normal(shape)
    _compare(lambda t: ops.pixel_shuffle(t, r), lambda t: F.pixel_shuffle(t, r), x0)
    shuffled = ops.pixel_shuffle(x0, r).data
    _compare(lambda t: ops.pixel_unshuffle(t, r), lambda t: F.pixel_unshuffle(t, r), shuffled)
    np.testing.assert_array_equal(ops.pixel_unshuffle(shuffled, r).data, x0)


def test_pixel_shuffle_is_twice_differentiable():
    x = Tensor(np.random.default_rng(4).standard_normal((1, 4, 2, 2)), requires_grad=True)
    (gx,) = grad((ops.pixel_shuffle(x, 2) ** 3).sum(), x, create_graph=True)
    (gx.sum()).backward()
    np.testing.assert_allclose(x.grad.data, 6 * x.data)


@pytest.mark.parametrize("call, error, message", [
    (lambda: ops.interpolate(np.zeros((1, 1, 2, 2)), size=3, scale_factor=2), ValueError,
     "interpolate: give exactly one of size and scale_factor"),
    (lambda: ops.interpolate(np.zeros((1, 1, 2, 2))), ValueError, "exactly one of size and scale_factor"),
    (lambda: ops.interpolate(np.zeros((1, 1, 2, 2)), size=3, align_corners=True), ValueError,
     "align_corners can only be set with the linear modes"),
    (lambda: ops.interpolate(np.zeros((1, 1, 2)), size=3, mode="bilinear"), ValueError,
     r"mode 'bilinear' takes input of rank 4, got shape \(1, 1, 2\)"),
    (lambda: ops.interpolate(np.zeros((1, 1, 2, 2)), size=3, mode="bicubic"), ValueError,
     "interpolate: mode must be one of"),
    (lambda: ops.interpolate(np.zeros((1, 1, 2, 2)), size=(3, 0)), ValueError,
     "size must be a positive int or 2 positive ints"),
    (lambda: ops.interpolate(np.zeros((1, 1, 2, 2)), scale_factor=-1.0), ValueError,
     "scale_factor must be a positive number"),
    (lambda: ops.pixel_shuffle(np.zeros((1, 3, 2, 2)), 2), ValueError,
     r"pixel_shuffle: expected input of shape \(..., C \* 4, H, W\)"),
    (lambda: ops.pixel_unshuffle(np.zeros((1, 3, 3, 2)), 2), ValueError,
     "pixel_unshuffle: height and width of input of shape"),
    (lambda: ops.pixel_shuffle(np.zeros((1, 4, 2, 2)), 0), ValueError,
     "upscale_factor must be a positive int"),
])
def test_argument_errors(call, error, message):
    with pytest.raises(error, match=message):
        call()
