"""batch_norm, layer_norm, group_norm beyond the table: running statistics, modes, errors."""
import numpy as np
import pytest

import ops
from autograd import Tensor, grad, no_grad
from tests.ops.test_conv import against_torch_float32


@pytest.mark.parametrize("shape", [(8, 3), (4, 3, 5, 2)])
def test_running_statistics_follow_torch_over_several_steps(shape):
    torch = pytest.importorskip("torch")
    r = np.random.default_rng(0)
    C = shape[1]
    mean, var = np.zeros(C, np.float32), np.ones(C, np.float32)
    t_mean, t_var = torch.zeros(C), torch.ones(C)
    for step in range(4):
        x = (r.standard_normal(shape) * (step + 1) + step).astype(np.float32)
        out = ops.batch_norm(x, mean, var, training=True, momentum=0.2)
        expected = torch.nn.functional.batch_norm(torch.tensor(x), t_mean, t_var, training=True,
                                                  momentum=0.2)
        np.testing.assert_allclose(out.data, expected.numpy(), rtol=1e-4, atol=1e-5)
    assert mean.dtype == np.float32 and var.dtype == np.float32
    np.testing.assert_allclose(mean, t_mean.numpy(), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(var, t_var.numpy(), rtol=1e-5)  # unbiased batch variance


def test_running_update_formula_and_in_place():
    x = np.array([[1.0, 10.0], [3.0, 20.0], [5.0, 60.0]])
    mean, var = np.array([1.0, 2.0]), np.array([3.0, 4.0])
    same_mean, same_var = mean, var
    ops.batch_norm(x, mean, var, training=True, momentum=0.1)
    assert mean is same_mean and var is same_var
    np.testing.assert_allclose(mean, 0.9 * np.array([1.0, 2.0]) + 0.1 * x.mean(axis=0))
    np.testing.assert_allclose(var, 0.9 * np.array([3.0, 4.0]) + 0.1 * x.var(axis=0, ddof=1))


def test_running_buffers_may_be_tensors_and_update_under_no_grad():
    mean, var = Tensor(np.zeros(2)), Tensor(np.ones(2))
    with no_grad():
        ops.batch_norm(np.array([[0.0, 2.0], [2.0, 4.0]]), mean, var, training=True)
    np.testing.assert_allclose(mean.data, [0.1, 0.3])
    np.testing.assert_allclose(var.data, [0.9 + 0.2, 0.9 + 0.2])


def test_eval_uses_the_running_statistics_and_leaves_them():
    x = np.array([[1.0, 2.0], [3.0, 6.0]])
    mean, var = np.array([1.0, 2.0]), np.array([4.0, 16.0])
    out = ops.batch_norm(x, mean, var, np.array([2.0, 1.0]), np.array([0.0, 1.0]), eps=0.0)
    np.testing.assert_allclose(out.data, [[0.0, 1.0], [2.0, 2.0]])
    np.testing.assert_array_equal(mean, [1.0, 2.0])
    np.testing.assert_array_equal(var, [4.0, 16.0])


def test_eval_gradient_treats_statistics_as_constants():
    x = Tensor(np.array([[1.0, 2.0], [3.0, 6.0]]), requires_grad=True)
    ops.batch_norm(x, np.zeros(2), np.array([4.0, 16.0]), eps=0.0).backward(np.ones((2, 2)))
    np.testing.assert_allclose(x.grad.data, [[0.5, 0.25], [0.5, 0.25]])


def test_without_running_statistics_training_uses_the_batch_and_eval_raises():
    x = np.array([[1.0], [3.0]])
    out = ops.batch_norm(x, None, None, training=True, eps=0.0)
    np.testing.assert_allclose(out.data, [[-1.0], [1.0]])
    with pytest.raises(ValueError, match="batch_norm: eval mode .* needs running_mean"):
        ops.batch_norm(x, None, None)


def test_eval_computes_in_the_input_precision():
    out = ops.batch_norm(np.ones((2, 3), np.float32), np.zeros(3), np.ones(3))
    assert out.dtype == np.float32


@pytest.mark.parametrize("shape", [(1, 3), (1, 3, 1, 1)])
def test_one_value_per_channel_in_training_raises(shape):
    with pytest.raises(ValueError, match="batch_norm: expected more than 1 value per channel"):
        ops.batch_norm(np.ones(shape), np.zeros(3), np.ones(3), training=True)
    ops.batch_norm(np.ones(shape), np.zeros(3), np.ones(3), training=False)  # fine in eval


def test_batch_norm_gradient_is_not_trivially_zero():
    """sum(bn(x)) has zero gradient; a random-weighted loss checks the real formula."""
    torch = pytest.importorskip("torch")
    r = np.random.default_rng(1)
    x, w, b = r.standard_normal((6, 3, 2, 2)), r.uniform(0.5, 2, 3), r.standard_normal(3)
    weights = r.standard_normal((6, 3, 2, 2))
    ours = [Tensor(a, requires_grad=True) for a in (x, w, b)]
    (ops.batch_norm(ours[0], None, None, ours[1], ours[2], training=True) * weights).sum().backward()
    theirs = [torch.tensor(a, requires_grad=True) for a in (x, w, b)]
    out = torch.nn.functional.batch_norm(theirs[0], None, None, theirs[1], theirs[2], training=True)
    (out * torch.tensor(weights)).sum().backward()
    assert np.abs(ours[0].grad.data).max() > 1e-3
    for t, tt in zip(ours, theirs):
        np.testing.assert_allclose(t.grad.data, tt.grad.numpy(), rtol=1e-10, atol=1e-12)


BAD_BATCH_NORM = [
    (dict(x=np.zeros(3)), r"batch_norm: expected input of shape \(N, C\)"),
    (dict(weight=np.ones(4)), r"batch_norm: weight of shape \(4,\) does not match input of shape \(5, 3\)"),
    (dict(mean=np.zeros(2)), r"batch_norm: running_mean of shape \(2,\) does not match"),
    (dict(mean=None), r"batch_norm: give both running_mean and running_var"),
]


@pytest.mark.parametrize("change, message", BAD_BATCH_NORM)
def test_batch_norm_bad_arguments(change, message):
    args = dict(x=np.ones((5, 3)), mean=np.zeros(3), var=np.ones(3), weight=None)
    args.update(change)
    with pytest.raises(ValueError, match=message):
        ops.batch_norm(args["x"], args["mean"], args["var"], args["weight"], training=True)


def test_running_statistics_must_be_writeable_arrays():
    with pytest.raises(TypeError, match="batch_norm: running statistics must be writeable arrays"):
        ops.batch_norm(np.ones((4, 2)), [0.0, 0.0], [1.0, 1.0], training=True)


def test_layer_norm_and_group_norm_match_torch_in_float32():
    F = pytest.importorskip("torch").nn.functional
    r = np.random.default_rng(2)
    x, w, b = (r.standard_normal(shape).astype(np.float32) for shape in ((4, 6, 3, 3), (6,), (6,)))
    against_torch_float32(lambda x, w, b: ops.group_norm(x, 3, w, b),
                          lambda x, w, b: F.group_norm(x, 3, w, b), [x, w, b], rtol=1e-3, atol=1e-5)
    against_torch_float32(lambda x, w, b: ops.layer_norm(x, (3, 3), w, b),
                          lambda x, w, b: F.layer_norm(x, (3, 3), w, b),
                          [x, w[:3].repeat(3).reshape(3, 3), b[:3].repeat(3).reshape(3, 3)],
                          rtol=1e-3, atol=1e-5)


def test_layer_norm_and_group_norm_bad_arguments():
    with pytest.raises(ValueError, match=r"layer_norm: normalized_shape \(4,\) does not match .* \(2, 3\)"):
        ops.layer_norm(np.ones((2, 3)), 4)
    with pytest.raises(ValueError, match=r"layer_norm: weight of shape \(2,\) does not match"):
        ops.layer_norm(np.ones((2, 3)), 3, np.ones(2))
    with pytest.raises(ValueError, match=r"group_norm: num_groups=4 must be a positive divisor of the 6"):
        ops.group_norm(np.ones((2, 6, 2)), 4)
    with pytest.raises(ValueError, match=r"group_norm: bias of shape \(3,\) does not match"):
        ops.group_norm(np.ones((2, 6, 2)), 3, None, np.ones(3))


SECOND_ORDER = {  # (npgrad call, torch call) on x, weight, bias
    "batch_norm-train": (lambda x, w, b: ops.batch_norm(x, None, None, w, b, training=True),
                         lambda F, x, w, b: F.batch_norm(x, None, None, w, b, training=True)),
    "batch_norm-eval": (lambda x, w, b: ops.batch_norm(x, np.full(2, 0.3), np.full(2, 1.7), w, b),
                        lambda F, x, w, b: F.batch_norm(x, F.torch.full((2,), 0.3, dtype=x.dtype),
                                                        F.torch.full((2,), 1.7, dtype=x.dtype), w, b)),
    "layer_norm": (lambda x, w, b: ops.layer_norm(x, (2, 3), w.reshape(2, 1) * np.ones((1, 3)),
                                                  b.reshape(2, 1) * np.ones((1, 3))),
                   lambda F, x, w, b: F.layer_norm(x, (2, 3), w.reshape(2, 1) * F.torch.ones(1, 3),
                                                   b.reshape(2, 1) * F.torch.ones(1, 3))),
    "group_norm": (lambda x, w, b: ops.group_norm(x, 1, w, b),
                   lambda F, x, w, b: F.group_norm(x, 1, w, b)),
}


@pytest.mark.parametrize("name", sorted(SECOND_ORDER))
def test_gradient_penalty_matches_torch_double_backward(name):
    """WGAN-GP style: the norm of the input gradient, differentiated again, as torch."""
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    F.torch = torch
    r = np.random.default_rng(3)
    arrays = [r.standard_normal((4, 2, 3)), r.uniform(0.5, 1.5, 2), r.standard_normal(2)]
    upstream = r.standard_normal((4, 2, 3))
    ours_fn, theirs_fn = SECOND_ORDER[name]
    ours = [Tensor(a.copy(), requires_grad=True) for a in arrays]
    (gx,) = grad((ours_fn(*ours) * Tensor(upstream)).sum(), ours[0], create_graph=True)
    ((gx * gx).sum() + (gx * ours[0]).sum()).backward()
    theirs = [torch.tensor(a, requires_grad=True) for a in arrays]
    (tgx,) = torch.autograd.grad((theirs_fn(F, *theirs) * torch.tensor(upstream)).sum(), theirs[0],
                                 create_graph=True)
    ((tgx * tgx).sum() + (tgx * theirs[0]).sum()).backward()
    np.testing.assert_allclose(gx.data, tgx.detach().numpy(), rtol=1e-7, atol=1e-10)
    for t, tt in zip(ours, theirs):
        if tt.grad is None:  # the bias never reaches the penalty
            assert t.grad is None or not t.grad.data.any()
        else:
            np.testing.assert_allclose(t.grad.data, tt.grad.numpy(), rtol=1e-6, atol=1e-10)


def test_layer_norm_and_group_norm_follow_torch_on_an_empty_batch():
    for call, shape in ((lambda t: ops.layer_norm(t, 5), (0, 5)), (lambda t: ops.group_norm(t, 2), (0, 4, 3)),
                        (lambda t: ops.layer_norm(t, 0), (2, 0))):
        x = Tensor(np.zeros(shape), requires_grad=True)
        out = call(x)
        assert out.shape == shape
        out.sum().backward()
        assert x.grad.shape == shape


def test_batch_norm_between_convolutions_matches_torch_in_float32():
    """The W7 chain: conv outputs are channel-major views, the gradients reaching batch norm
    and max pool come in other layouts (fused per-channel VJP, layout-matching pool VJP)."""
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    r = np.random.default_rng(3)
    arrays = [r.standard_normal(shape).astype(np.float32) for shape in
              ((4, 3, 8, 8), (6, 3, 3, 3), (6,), (6,), (8, 6, 3, 3), (8,), (8,))]

    def ours(x, w1, g1, b1, w2, g2, b2):
        h = ops.relu(ops.batch_norm(ops.conv2d(x, w1, padding=1), None, None, g1, b1, training=True))
        h = ops.batch_norm(ops.conv2d(h, w2, padding=1), None, None, g2, b2, training=True)
        return ops.max_pool2d(ops.relu(h), 2).reshape(4, -1)

    def theirs(x, w1, g1, b1, w2, g2, b2):
        h = F.relu(F.batch_norm(F.conv2d(x, w1, padding=1), None, None, g1, b1, training=True))
        h = F.batch_norm(F.conv2d(h, w2, padding=1), None, None, g2, b2, training=True)
        return F.max_pool2d(F.relu(h), 2).reshape(4, -1)

    against_torch_float32(ours, theirs, arrays, rtol=1e-3, atol=1e-4)


def _channel_major(shape, seed, offset=0.0, scale=1.0):
    """(N, C, H, W) values laid out channel by channel in memory, as conv2d's output."""
    N, C = shape[:2]
    data = np.random.default_rng(seed).standard_normal((C, N) + shape[2:]) * scale + offset
    return data.transpose((1, 0) + tuple(range(2, len(shape))))


@pytest.mark.parametrize("wanted", [(True, True, True), (False, True, False), (True, False, False)])
@pytest.mark.parametrize("offset", [0.0, 3.0])
def test_batch_norm_channel_major_fast_path_matches_torch(wanted, offset):
    """Channel by channel through a cache-sized buffer (>= 16384 values a channel), VJP from x."""
    torch = pytest.importorskip("torch")
    x0 = _channel_major((8, 3, 48, 48), 11, offset=np.array([offset, -offset, 0.5])[:, None, None, None])
    r = np.random.default_rng(12)
    arrays = [x0, r.uniform(0.5, 1.5, 3), r.standard_normal(3)]
    mean, var = np.zeros(3), np.ones(3)
    ours = [Tensor(a.copy() if i else a, requires_grad=w) for i, (a, w) in enumerate(zip(arrays, wanted))]
    out = ops.batch_norm(ours[0], mean, var, ours[1], ours[2], training=True, momentum=0.3)
    theirs = [torch.tensor(np.ascontiguousarray(a), requires_grad=w) for a, w in zip(arrays, wanted)]
    t_mean, t_var = torch.zeros(3, dtype=torch.float64), torch.ones(3, dtype=torch.float64)
    expected = torch.nn.functional.batch_norm(theirs[0], t_mean, t_var, theirs[1], theirs[2],
                                              training=True, momentum=0.3)
    assert out.grad_fn.saved[0] is None  # the fast path: no xhat stored
    np.testing.assert_allclose(out.data, expected.detach().numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(mean, t_mean.numpy(), rtol=1e-12)
    np.testing.assert_allclose(var, t_var.numpy(), rtol=1e-12)
    upstream = r.standard_normal(out.shape)
    out.backward(upstream)
    expected.backward(torch.tensor(upstream))
    for t, tt, w in zip(ours, theirs, wanted):
        if w:
            np.testing.assert_allclose(t.grad.data, tt.grad.numpy(), rtol=1e-9, atol=1e-11)


def test_batch_norm_far_from_zero_stays_accurate_in_float32():
    """|mean| >> std: centred statistics, as accurate as torch's in float32 (both paths)."""
    torch = pytest.importorskip("torch")
    for shape in ((16, 2, 32, 32), (8, 2, 4, 4)):
        _check_far_from_zero(torch, _channel_major(shape, 13, offset=1000.0).astype(np.float32))


def _check_far_from_zero(torch, x):
    x64 = x.astype(np.float64)
    reference = (x64 - x64.mean(axis=(0, 2, 3), keepdims=True)) / np.sqrt(
        x64.var(axis=(0, 2, 3), keepdims=True) + 1e-5)
    out = ops.batch_norm(x, None, None, training=True).data
    theirs = torch.nn.functional.batch_norm(torch.from_numpy(np.ascontiguousarray(x)), None, None,
                                            training=True).numpy()
    assert np.abs(out - reference).max() <= max(2 * np.abs(theirs - reference).max(), 1e-4)


def test_batch_norm_fast_path_is_twice_differentiable():
    torch = pytest.importorskip("torch")
    x0 = _channel_major((4, 2, 64, 65), 14)
    w0 = np.array([0.7, 1.3])
    x, w = Tensor(x0.copy(), requires_grad=True), Tensor(w0.copy(), requires_grad=True)
    upstream = np.random.default_rng(15).standard_normal(x0.shape)
    (gx,) = grad((ops.batch_norm(x, None, None, w, training=True) * Tensor(upstream)).sum(), x,
                 create_graph=True)
    (gx * gx).sum().backward()
    tx, tw = torch.tensor(x0, requires_grad=True), torch.tensor(w0, requires_grad=True)
    (tgx,) = torch.autograd.grad((torch.nn.functional.batch_norm(tx, None, None, tw, training=True)
                                  * torch.tensor(upstream)).sum(), tx, create_graph=True)
    (tgx * tgx).sum().backward()
    np.testing.assert_allclose(gx.data, tgx.detach().numpy(), rtol=1e-9, atol=1e-11)
    np.testing.assert_allclose(x.grad.data, tx.grad.numpy(), rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(w.grad.data, tw.grad.numpy(), rtol=1e-8, atol=1e-10)


def _laid_out(shape, layout, seed, offset=0.0):
    """float32 (N, C, H, W) values C-contiguous, channel-major or a channel-major view with
    padded rows (conv2d's output today)."""
    N, C, H, W = shape
    r = np.random.default_rng(seed)
    if layout == "contiguous":
        return (r.standard_normal(shape) + offset).astype(np.float32)
    memory = (r.standard_normal((C, N, H, W + 1)) + offset).astype(np.float32)[..., :W]
    return (memory if layout == "padded" else np.ascontiguousarray(memory)).transpose(1, 0, 2, 3)


@pytest.mark.parametrize("x_layout", ["contiguous", "channel_major", "padded"])
@pytest.mark.parametrize("g_layout", ["contiguous", "channel_major", "padded"])
def test_batch_norm_float32_in_every_layout_matches_torch(x_layout, g_layout):
    """The channel-by-channel path (reused output arrays, g's channel blocks read in place
    when contiguous) against torch in float32: output, three gradients, running stats."""
    torch = pytest.importorskip("torch")
    shape = (16, 3, 32, 32)  # 16384 values a channel: the fast path
    x0 = _laid_out(shape, x_layout, 21, offset=2.0)
    upstream = _laid_out(shape, g_layout, 22)
    r = np.random.default_rng(23)
    w0, b0 = r.uniform(0.5, 1.5, 3).astype(np.float32), r.standard_normal(3).astype(np.float32)
    mean, var = np.zeros(3, np.float32), np.ones(3, np.float32)
    ours = [Tensor(a, requires_grad=True) for a in (x0, w0, b0)]
    out = ops.batch_norm(ours[0], mean, var, ours[1], ours[2], training=True)
    assert out.grad_fn.saved[0] is None  # the fast path
    out.backward(upstream)
    theirs = [torch.tensor(np.ascontiguousarray(a), requires_grad=True) for a in (x0, w0, b0)]
    t_mean, t_var = torch.zeros(3), torch.ones(3)
    expected = torch.nn.functional.batch_norm(theirs[0], t_mean, t_var, theirs[1], theirs[2],
                                              training=True)
    expected.backward(torch.tensor(np.ascontiguousarray(upstream)))
    assert out.dtype == np.float32 and out.data.strides == np.empty_like(x0).strides
    np.testing.assert_allclose(out.data, expected.detach().numpy(), rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(mean, t_mean.numpy(), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(var, t_var.numpy(), rtol=1e-5)
    for t, tt in zip(ours, theirs):
        assert t.grad.dtype == np.float32
        np.testing.assert_allclose(t.grad.data, tt.grad.numpy(), rtol=1e-4, atol=1e-4)


def test_batch_norm_outputs_alive_are_never_overwritten():
    """Outputs and input gradients come from reused arrays: live ones are never reused."""
    shape = (16, 4, 64, 64)  # 1 MiB a channel-major float32 array
    xs = [_laid_out(shape, "padded", seed) for seed in range(3)]
    outs = [ops.batch_norm(x, None, None, training=True) for x in xs[:2]]
    expected = [o.data.copy() for o in outs]
    x = Tensor(xs[2], requires_grad=True)
    upstream = _laid_out(shape, "channel_major", 9)
    ops.batch_norm(x, None, None, training=True).backward(upstream)
    gx = x.grad.data.copy()
    for _ in range(3):  # made and freed: their arrays may be reused
        y = Tensor(xs[0] * 2, requires_grad=True)
        ops.batch_norm(y, None, None, training=True).backward(upstream * 3)
    for o, e in zip(outs, expected):
        np.testing.assert_array_equal(o.data, e)
    np.testing.assert_array_equal(x.grad.data, gx)


@pytest.mark.parametrize("x_layout, g_layout", [("padded", "channel_major"), ("contiguous", "contiguous")])
def test_batch_norm_same_floats_in_one_lane_or_two(monkeypatch, x_layout, g_layout):
    """Channels run in two threads on a quiet machine (ops._lanes), else in one: the
    output, running statistics and gradients are the same floats either way."""
    from ops import _lanes

    shape = (16, 5, 32, 32)
    x0, upstream = _laid_out(shape, x_layout, 31, offset=1.0), _laid_out(shape, g_layout, 32)
    r = np.random.default_rng(33)
    w0, b0 = r.uniform(0.5, 1.5, 5).astype(np.float32), r.standard_normal(5).astype(np.float32)
    results = []
    for lanes in (1, 2):
        monkeypatch.setattr(_lanes, "count", lambda size, lanes=lanes: lanes)
        mean, var = np.zeros(5, np.float32), np.ones(5, np.float32)
        ours = [Tensor(a, requires_grad=True) for a in (x0, w0, b0)]
        out = ops.batch_norm(ours[0], mean, var, ours[1], ours[2], training=True)
        out.backward(upstream)
        results.append([out.data.copy(), mean, var] + [t.grad.data for t in ours])
    for one, two in zip(*results):
        np.testing.assert_array_equal(one, two)
