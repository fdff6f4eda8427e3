"""The convolutions beyond the table: im2col/col2im adjointness, the two input-gradient
routes, float32, skipped work, errors; conv_transpose2d as conv2d's adjoint; second
derivatives against PyTorch's double backward (a WGAN-GP gradient penalty)."""
import itertools
import threading

import numpy as np
import pytest

import ops
from autograd import Tensor, enable_grad, grad
from ops import conv as conv_module
from hypothesis import given, settings, strategies as st

from ops.conv import col2im, conv1d, conv2d_weight, conv_transpose1d, conv_transpose2d, im2col

GEOMETRIES = [  # (x shape, kernel, stride, padding, dilation)
    ((2, 3, 7, 8), (3, 3), (1, 1), (0, 0), (1, 1)),
    ((2, 3, 7, 8), (2, 3), (2, 1), (1, 2), (1, 1)),
    ((1, 2, 9, 9), (3, 2), (3, 2), (2, 1), (2, 1)),
    ((2, 2, 4, 20), (2, 3), (1, 1), (1, 1), (1, 1)),  # wide rows
    ((1, 4, 6, 22), (3, 2), (2, 1), (1, 0), (1, 2)),  # wide rows, strided and dilated
    ((3, 1, 5, 5), (5, 5), (1, 1), (0, 0), (1, 1)),
    ((2, 2, 5, 40), (3, 7), (1, 1), (2, 3), (1, 1)),  # wide only with a gap of pw
    ((1, 2, 4, 30), (2, 3), (2, 1), (0, 2), (1, 2)),
]


@pytest.mark.parametrize("shifted", [False, True])  # rows padded by pw, by 2 pw (see Windows)
@pytest.mark.parametrize("x_shape, kernel, stride, padding, dilation", GEOMETRIES)
def test_col2im_is_the_adjoint_of_im2col(x_shape, kernel, stride, padding, dilation, shifted):
    r = np.random.default_rng(0)
    x = r.standard_normal(x_shape)
    cols = im2col(x, kernel, stride, padding, dilation)
    y = r.standard_normal(cols.shape)
    gap = 2 * padding[1] if shifted else None
    back = col2im(y, x_shape, kernel, stride, padding, dilation, gap=gap)
    assert back.shape == x_shape
    np.testing.assert_allclose(np.vdot(cols, y), np.vdot(x, back), rtol=1e-12)


def test_im2col_rows_are_the_windows():
    x = np.arange(2 * 1 * 3 * 4, dtype=np.float64).reshape(2, 1, 3, 4)
    cols = im2col(x, (2, 2))  # (1 * 2 * 2, 2 * 2 * 3)
    assert cols.shape == (4, 12)
    # window of sample 1 at output (1, 2): x[1, 0, 1:3, 2:4]
    column = cols[:, 1 * 6 + 1 * 3 + 2]
    np.testing.assert_array_equal(column, x[1, 0, 1:3, 2:4].reshape(-1))


def against_torch_float32(fn, torch_fn, arrays, rtol=1e-4, atol=1e-4, seed=0):
    """fn on float32 Tensors vs torch_fn on torch tensors: values, gradients, float32 kept."""
    torch = pytest.importorskip("torch")
    ours = [Tensor(a, requires_grad=True) for a in arrays]
    out = fn(*ours)
    upstream = np.random.default_rng(seed).standard_normal(out.shape).astype(np.float32)
    out.backward(upstream)
    theirs = [torch.tensor(np.ascontiguousarray(a), requires_grad=True) for a in arrays]
    expected = torch_fn(*theirs)
    expected.backward(torch.tensor(upstream))
    assert out.dtype == np.float32
    np.testing.assert_allclose(out.data, expected.detach().numpy(), rtol=rtol, atol=atol)
    for t, tt in zip(ours, theirs):
        assert t.grad.dtype == np.float32
        np.testing.assert_allclose(t.grad.data, tt.grad.numpy(), rtol=rtol, atol=10 * atol)


def test_matches_torch_in_float32_and_stays_float32():
    r = np.random.default_rng(1)
    arrays = [r.standard_normal(shape).astype(np.float32) for shape in ((4, 6, 12, 12), (8, 3, 3, 3), (8,))]
    against_torch_float32(lambda x, w, b: ops.conv2d(x, w, b, padding=1, groups=2),
                          lambda x, w, b: pytest.importorskip("torch").nn.functional.conv2d(
                              x, w, b, padding=1, groups=2), arrays)


def test_grouped_equals_separate_convolutions():
    r = np.random.default_rng(2)
    x = r.standard_normal((2, 4, 6, 6))
    w = r.standard_normal((6, 2, 3, 3))
    grouped = ops.conv2d(x, w, groups=2, padding=1).data
    halves = [ops.conv2d(x[:, 2 * i:2 * i + 2], w[3 * i:3 * i + 3], padding=1).data for i in range(2)]
    np.testing.assert_allclose(grouped, np.concatenate(halves, axis=1), rtol=1e-12)


@pytest.mark.parametrize("filters", [2, 4])  # either input-gradient route if it were needed
def test_input_gradient_is_skipped_when_not_needed(monkeypatch, filters):
    def forbidden(*args, **kwargs):
        raise AssertionError("an input-gradient kernel ran although the input needs no gradient")

    monkeypatch.setattr(conv_module.Windows, "col2im", forbidden)
    monkeypatch.setattr(conv_module, "gradients_by_correlation", forbidden)
    r = np.random.default_rng(3)
    w = Tensor(r.standard_normal((filters, 3, 3, 3)), requires_grad=True)
    ops.conv2d(r.standard_normal((2, 3, 5, 5)), w, padding=1).sum().backward()
    assert w.grad.shape == w.shape


# (x shape, filters, kernel, stride, padding, dilation, groups) -> the route taken
ROUTES = [
    ((2, 4, 6, 7), 4, (3, 3), 1, 1, 1, 1, "correlation"),
    ((2, 4, 6, 7), 2, (2, 3), 1, (3, 0), (1, 2), 2, "correlation"),  # cropped rows, dilated
    ((1, 6, 5, 30), 6, (3, 2), 1, (2, 1), 2, 3, "correlation"),  # wide rows
    ((2, 3, 5, 5), 3, (1, 1), 1, 2, 1, 1, "correlation"),  # g cropped on both axes
    ((2, 2, 6, 7), 4, (3, 3), 1, 1, 1, 1, "col2im"),  # more filters than channels
    ((2, 4, 7, 7), 4, (3, 3), 2, 1, 1, 1, "col2im"),  # strided
    ((2, 4, 7, 7), 4, (3, 2), (1, 2), 1, 1, 2, "col2im"),
]


@pytest.mark.parametrize(
    "x_shape, filters, kernel, stride, padding, dilation, groups, route", ROUTES)
@pytest.mark.parametrize("needed", ["both", "input"])
def test_input_gradient_routes_agree(monkeypatch, x_shape, filters, kernel, stride, padding,
                                     dilation, groups, route, needed):
    """Stride 1 with no more filters than channels correlates g with the flipped kernel,
    anything else takes col2im; at stride 1 the other route (forced) gives the same
    gradients."""
    r = np.random.default_rng(7)
    x = r.standard_normal(x_shape)
    w = r.standard_normal((filters, x_shape[1] // groups) + kernel)
    taken = []
    for name in ("gradients_by_correlation", "gradients_by_col2im"):
        original = getattr(conv_module, name)
        monkeypatch.setattr(conv_module, name,
                            lambda *a, name=name, original=original:
                            taken.append(name) or original(*a))

    def run():
        xt, wt = Tensor(x, requires_grad=True), Tensor(w, requires_grad=needed == "both")
        out = ops.conv2d(xt, wt, stride=stride, padding=padding, dilation=dilation, groups=groups)
        out.backward(np.sin(out.data))
        return [xt.grad.data] + ([wt.grad.data] if needed == "both" else [])

    chosen = run()
    assert taken == ["gradients_by_" + route]
    if stride != 1:
        return  # the correlation is for stride 1 only
    monkeypatch.setattr(conv_module, "correlates", lambda *a: route != "correlation")
    other = run()
    assert taken[-1] != taken[0]
    for a, b in zip(chosen, other):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)


def test_non_contiguous_input():
    r = np.random.default_rng(4)
    x = r.standard_normal((5, 3, 6, 2)).transpose(3, 1, 0, 2)  # (2, 3, 6, 5), strided
    w = r.standard_normal((2, 3, 2, 2))
    np.testing.assert_allclose(ops.conv2d(x, w, padding=1).data,
                               ops.conv2d(np.ascontiguousarray(x), w, padding=1).data)


BAD_ARGUMENTS = [
    (dict(padding=-1), r"conv2d: padding must be non-negative"),
    (dict(stride=0), r"conv2d: stride must be positive"),
    (dict(dilation=(1, 0)), r"conv2d: dilation must be positive"),
    (dict(kernel=(9, 3)), r"conv2d: kernel \(9, 3\).*larger than the padded input.*\(2, 4, 6, 6\)"),
    (dict(kernel=(3, 5), dilation=2), r"conv2d: kernel \(3, 5\) \(dilation \(2, 2\)\) is larger"),
    (dict(channels=3), r"conv2d: input of shape \(2, 4, 6, 6\) has 4 channels but weight of shape"),
    (dict(groups=3), r"conv2d: groups=3 must divide.*\(2, 4, 6, 6\).*\(6, 1, 3, 3\)"),
    (dict(bias=5), r"conv2d: bias of shape \(5,\) for weight of shape \(6, 4, 3, 3\)"),
]


@pytest.mark.parametrize("change, message", BAD_ARGUMENTS)
def test_bad_arguments_raise_value_error_naming_op_and_shapes(change, message):
    change = dict(change)
    kernel = change.pop("kernel", (3, 3))
    channels = change.pop("channels", 4)
    groups = change.get("groups", 1)
    bias = change.pop("bias", None)
    x = np.zeros((2, 4, 6, 6))
    w = np.zeros((6, channels // groups) + kernel)
    b = None if bias is None else np.zeros(bias)
    with pytest.raises(ValueError, match=message):
        ops.conv2d(x, w, b, **change)


def test_argument_types_and_ranks():
    with pytest.raises(ValueError, match=r"conv2d: expected an input of shape \(N, C, H, W\), got shape \(4, 6, 6\)"):
        ops.conv2d(np.zeros((4, 6, 6)), np.zeros((2, 4, 3, 3)))
    with pytest.raises(TypeError, match="conv2d: stride must be an int or a pair"):
        ops.conv2d(np.zeros((1, 1, 4, 4)), np.zeros((1, 1, 2, 2)), stride=(1, 2, 3))
    with pytest.raises(TypeError, match="conv2d: expected a floating-point input"):
        ops.conv2d(np.zeros((1, 1, 4, 4), int), np.zeros((1, 1, 2, 2)))


def test_failed_call_does_no_work(monkeypatch):
    built = []
    original = conv_module.Windows.column_filler
    monkeypatch.setattr(conv_module.Windows, "column_filler",
                        lambda self, *a: built.append(1) or original(self, *a))
    with pytest.raises(ValueError, match="channels"):
        ops.conv2d(np.zeros((1, 2, 4, 4)), np.zeros((1, 3, 3, 3)))
    assert not built
    ops.conv2d(np.zeros((1, 3, 4, 4)), np.zeros((1, 3, 3, 3)))
    assert built  # the spy sees real work


@pytest.mark.parametrize("stride, padding", itertools.product([1, 2], [0, 1]))
def test_output_size_formula(stride, padding):
    out = ops.conv2d(np.zeros((1, 1, 9, 7)), np.zeros((1, 1, 3, 2)), stride=stride, padding=padding)
    assert out.shape == (1, 1, (9 + 2 * padding - 3) // stride + 1, (7 + 2 * padding - 2) // stride + 1)


@pytest.mark.parametrize("workers, tiny", [(1, True), (2, True), (2, False)])  # threads; chunks
@pytest.mark.parametrize("filters", [6, 4])  # input gradient by col2im, by correlation
@pytest.mark.parametrize("wide", [False, True])
def test_sample_chunks_give_the_same_result(monkeypatch, wide, filters, workers, tiny):
    """One sample per chunk (tiny) or the default chunks (one for each of the two lanes),
    in one thread or two: the same numbers as the default run."""
    r = np.random.default_rng(6)
    x = r.standard_normal((5, 4, 6, 20 if wide else 6))
    w = r.standard_normal((filters, 2, 3, 3))
    b = r.standard_normal(filters)

    def run():
        ts = [Tensor(a, requires_grad=True) for a in (x, w, b)]
        out = ops.conv2d(*ts, padding=1, groups=2)
        out.backward(np.cos(out.data))
        return [out.data] + [t.grad.data for t in ts]

    whole = run()
    if tiny:
        monkeypatch.setattr(conv_module.Windows, "chunk_bytes", 1)  # one sample per chunk
        assert conv_module.Windows(x.shape, (3, 3), (1, 1), (1, 1), (1, 1)).chunks() == [
            (n, n + 1) for n in range(5)]
    else:
        assert conv_module.Windows(x.shape, (3, 3), (1, 1), (1, 1), (1, 1)).chunks() == [
            (0, 3), (3, 5)]
    threads = []
    original = conv_module.run_chunks

    def spy(work, windows, flops):
        results = original(lambda chunks, n: threads.append(threading.get_ident())
                           or work(chunks, n), windows, flops)
        assert len(results) == conv_module.LANES  # one result per lane
        return results

    monkeypatch.setattr(conv_module, "run_chunks", spy)
    # the BLAS policy grants `workers` threads whatever the size (as for large GEMMs)
    monkeypatch.setattr(conv_module, "allowed_lanes", lambda flops: workers)
    for a, b in zip(run(), whole):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)
    assert len(set(threads)) == workers  # forward and backward ran in that many threads


@pytest.mark.parametrize("filters", [6, 4])  # input gradient by col2im, by correlation
def test_quiet_and_busy_machines_give_the_same_floats(monkeypatch, filters):
    """Lanes run in two threads on a quiet machine and one after the other beside a busy
    core: same chunks, same order of every sum, so bit-identical results (float32)."""
    r = np.random.default_rng(7)
    x = r.standard_normal((9, 4, 10, 10)).astype(np.float32)
    w = r.standard_normal((filters, 4, 3, 3)).astype(np.float32)
    monkeypatch.setattr(conv_module.Windows, "chunk_bytes", 1)  # 9 chunks over 2 lanes

    def run(threads):
        monkeypatch.setattr(conv_module, "allowed_lanes", lambda flops: threads)
        ts = [Tensor(a, requires_grad=True) for a in (x, w)]
        out = ops.conv2d(*ts, padding=1)
        out.backward(np.sin(out.data))
        return [out.data] + [t.grad.data for t in ts]

    for quiet, busy in zip(run(2), run(1)):
        assert np.array_equal(quiet, busy)


# -- conv_transpose2d, conv2d_weight, conv1d, conv_transpose1d ------------------------------

@settings(max_examples=40, deadline=None)
@given(stride=st.tuples(st.integers(1, 3), st.integers(1, 3)),
       padding=st.tuples(st.integers(0, 2), st.integers(0, 2)),
       dilation=st.tuples(st.integers(1, 2), st.integers(1, 2)),
       kernel=st.tuples(st.integers(1, 3), st.integers(1, 3)),
       groups=st.sampled_from([1, 2]), extra=st.tuples(st.integers(0, 2), st.integers(0, 2)),
       filters=st.sampled_from([2, 4]))
def test_conv_transpose2d_is_the_adjoint_of_conv2d(stride, padding, dilation, kernel, groups,
                                                  extra, filters):
    """<conv2d(a, w), b> = <a, conv_transpose2d(b, w)>, with the output_padding that gives
    back a's size, and conv2d_weight is the gradient of the same pairing in w."""
    span = [d * (k - 1) + 1 for d, k in zip(dilation, kernel)]
    size = [max(1, sp - 2 * p) + e for sp, p, e in zip(span, padding, extra)]
    r = np.random.default_rng(8)
    a = r.standard_normal((2, 4) + tuple(size))
    w = r.standard_normal((filters, 4 // groups) + kernel)
    y = ops.conv2d(a, w, stride=stride, padding=padding, dilation=dilation, groups=groups).data
    b = r.standard_normal(y.shape)
    output_padding = tuple(n - ((o - 1) * s - 2 * p + d * (k - 1) + 1) for n, o, s, p, d, k in
                           zip(size, y.shape[2:], stride, padding, dilation, kernel))
    back = conv_transpose2d(b, w, stride=stride, padding=padding, output_padding=output_padding,
                            groups=groups, dilation=dilation).data
    assert back.shape == a.shape
    np.testing.assert_allclose(np.vdot(y, b), np.vdot(a, back), rtol=1e-10)
    gw = conv2d_weight(a, w.shape, b, stride=stride, padding=padding, dilation=dilation,
                       groups=groups).data
    np.testing.assert_allclose(np.vdot(y, b), np.vdot(w, gw), rtol=1e-10)


def test_conv_transpose2d_float32_matches_torch_and_stays_float32():
    torch = pytest.importorskip("torch")
    r = np.random.default_rng(9)
    arrays = [r.standard_normal(shape).astype(np.float32)
              for shape in ((4, 8, 9, 9), (8, 3, 4, 4), (6,))]
    against_torch_float32(
        lambda x, w, b: conv_transpose2d(x, w, b, stride=2, padding=1, groups=2),
        lambda x, w, b: torch.nn.functional.conv_transpose2d(x, w, b, 2, 1, 0, 2), arrays)


def test_one_dimensional_convolutions_are_height_one_2d_ones():
    r = np.random.default_rng(10)
    x, w = r.standard_normal((2, 4, 11)), r.standard_normal((6, 2, 3))
    np.testing.assert_array_equal(
        conv1d(x, w, stride=2, padding=1, groups=2).data,
        ops.conv2d(x[:, :, None], w[:, :, None], stride=(1, 2), padding=(0, 1),
                   groups=2).data[:, :, 0])
    wt = r.standard_normal((4, 3, 3))
    np.testing.assert_array_equal(
        conv_transpose1d(x, wt, stride=2, output_padding=1).data,
        conv_transpose2d(x[:, :, None], wt[:, :, None], stride=(1, 2),
                         output_padding=(0, 1)).data[:, :, 0])
    xt = Tensor(x.tolist(), dtype=np.float64)  # Python lists and Tensors alike
    assert conv1d(xt, w.tolist(), groups=2).shape == (2, 6, 9)


TRANSPOSE_ERRORS = [
    (dict(output_padding=2, stride=2), ValueError,
     r"conv_transpose2d: output_padding \(2, 2\) must be smaller than either the stride"),
    (dict(padding=-1), ValueError, r"conv_transpose2d: padding must be non-negative"),
    (dict(padding=5), ValueError, r"conv_transpose2d: .*gives an empty output"),
    (dict(channels=3), ValueError, r"conv_transpose2d: input of shape \(2, 4, 3, 3\) has 4 "
                                   r"channels but weight of shape \(3, 2, 3, 3\)"),
    (dict(groups=3), ValueError, r"conv_transpose2d: groups=3 must divide"),
    (dict(bias=3), ValueError, r"conv_transpose2d: bias of shape \(3,\) for weight"),
    (dict(stride=(1, 2, 3)), TypeError, r"conv_transpose2d: stride must be an int or a pair"),
]


@pytest.mark.parametrize("change, error, message", TRANSPOSE_ERRORS)
def test_conv_transpose2d_bad_arguments(change, error, message):
    change = dict(change)
    channels, bias = change.pop("channels", 4), change.pop("bias", None)
    x = np.zeros((2, 4, 3, 3))
    w = np.zeros((channels, 2, 3, 3))
    with pytest.raises(error, match=message):
        conv_transpose2d(x, w, None if bias is None else np.zeros(bias), **change)


def test_one_dimensional_and_weight_errors_name_their_op():
    with pytest.raises(ValueError, match=r"conv1d: input must have shape \(N, C, L\)"):
        conv1d(np.zeros((2, 4, 5, 5)), np.zeros((2, 4, 3)))
    with pytest.raises(ValueError, match=r"conv1d: .*4 channels .*\(as a 2-D convolution"):
        conv1d(np.zeros((2, 4, 5)), np.zeros((2, 3, 3)))
    with pytest.raises(ValueError, match=r"conv_transpose1d: output_padding"):
        conv_transpose1d(np.zeros((2, 4, 5)), np.zeros((4, 3, 3)), output_padding=1)
    with pytest.raises(TypeError, match=r"conv1d: stride must be an int or a 1-tuple"):
        conv1d(np.zeros((2, 4, 5)), np.zeros((2, 4, 3)), stride=(1, 1))
    with pytest.raises(ValueError, match=r"conv2d_weight: grad_output of shape \(2, 3, 4, 4\)"):
        conv2d_weight(np.zeros((2, 4, 5, 5)), (3, 4, 3, 3), np.zeros((2, 3, 4, 4)))


# -- second derivatives ---------------------------------------------------------------------

DOUBLE_BACKWARD = {  # name: (npgrad fn, torch fn (F = torch.nn.functional), shapes)
    "conv2d": (lambda x, w, b: ops.conv2d(x, w, b, stride=2, padding=1, groups=2),
               lambda F, x, w, b: F.conv2d(x, w, b, 2, 1, 1, 2),
               [(2, 4, 7, 6), (6, 2, 3, 3), (6,)]),
    "conv2d-correlation": (lambda x, w, b: ops.conv2d(x, w, b, padding=(1, 2), dilation=2),
                           lambda F, x, w, b: F.conv2d(x, w, b, 1, (1, 2), 2),
                           [(2, 4, 7, 6), (3, 4, 2, 3), (3,)]),
    "conv_transpose2d": (lambda x, w, b: conv_transpose2d(x, w, b, stride=2, padding=1,
                                                          output_padding=1, groups=2),
                         lambda F, x, w, b: F.conv_transpose2d(x, w, b, 2, 1, 1, 2),
                         [(2, 4, 4, 3), (4, 3, 3, 3), (6,)]),
    "conv1d": (lambda x, w, b: conv1d(x, w, b, stride=2, padding=1),
               lambda F, x, w, b: F.conv1d(x, w, b, 2, 1), [(2, 3, 9), (4, 3, 3), (4,)]),
    "conv_transpose1d": (lambda x, w, b: conv_transpose1d(x, w, b, stride=3, output_padding=2),
                         lambda F, x, w, b: F.conv_transpose1d(x, w, b, 3, 0, 2),
                         [(2, 3, 5), (3, 2, 4), (2,)]),
}


@pytest.mark.parametrize("name", sorted(DOUBLE_BACKWARD))
def test_double_backward_matches_torch(name):
    """Gradient of a nonlinear function of the first gradients (w.r.t. x and weight),
    against torch's double backward, float64."""
    torch = pytest.importorskip("torch")
    fn, torch_fn, shapes = DOUBLE_BACKWARD[name]
    r = np.random.default_rng(11)
    arrays = [r.standard_normal(shape) for shape in shapes]
    ours = [Tensor(a, requires_grad=True) for a in arrays]
    theirs = [torch.tensor(a, requires_grad=True) for a in arrays]
    out, expected = fn(*ours), torch_fn(torch.nn.functional, *theirs)
    upstream = r.standard_normal(out.shape)
    gx, gw = grad((out * Tensor(upstream) * out).sum(), ours[:2], create_graph=True)
    tx, tw = torch.autograd.grad((expected * torch.tensor(upstream) * expected).sum(),
                                 theirs[:2], create_graph=True)
    np.testing.assert_allclose(gx.data, tx.detach().numpy(), rtol=1e-9, atol=1e-10)
    ((gx * gx).sum() + (gw.tanh() * gw).sum()).backward()
    ((tx * tx).sum() + (tw.tanh() * tw).sum()).backward()
    for t, tt in zip(ours, theirs):
        np.testing.assert_allclose(t.grad.data, tt.grad.numpy(), rtol=1e-8, atol=1e-9)


def test_wgan_gp_gradient_penalty_matches_torch():
    """A WGAN-GP critic step (conv, batch norm, ReLU, conv, linear) with the gradient
    penalty on interpolates: every parameter gradient equals PyTorch's double backward."""
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    r = np.random.default_rng(12)
    real, fake = r.standard_normal((4, 2, 8, 8)), r.standard_normal((4, 2, 8, 8))
    alpha = r.uniform(size=(4, 1, 1, 1))
    params = [r.standard_normal((4, 2, 3, 3)) * 0.4, r.standard_normal(4) * 0.1,
              1 + 0.1 * r.standard_normal(4), 0.1 * r.standard_normal(4),
              r.standard_normal((6, 4, 3, 3)) * 0.3, r.standard_normal(6) * 0.1,
              r.standard_normal((1, 6 * 4 * 4)) * 0.1, np.zeros(1)]

    def critic(x, p, bn, lib):
        w1, b1, gamma, beta, w2, b2, w3, b3 = p
        if lib == "torch":
            h = F.conv2d(x, w1, b1, padding=1)
            h = F.relu(F.batch_norm(h, *bn, gamma, beta, training=True))
            h = F.relu(F.conv2d(h, w2, b2, stride=2, padding=1))
            return F.linear(h.reshape(h.shape[0], -1), w3, b3)
        h = ops.conv2d(x, w1, b1, padding=1)
        h = ops.relu(ops.batch_norm(h, *bn, gamma, beta, training=True))
        h = ops.relu(ops.conv2d(h, w2, b2, stride=2, padding=1))
        return ops.linear(h.reshape(h.shape[0], -1), w3, b3)

    ours = [Tensor(p.copy(), requires_grad=True) for p in params]
    stats = [np.zeros(4), np.ones(4)]
    interpolates = Tensor(alpha * real + (1 - alpha) * fake, requires_grad=True)
    (gx,) = grad(critic(interpolates, ours, stats, "ours").sum(), interpolates, create_graph=True)
    norms = ops.sqrt((gx.reshape(4, -1) ** 2).sum(axis=1))
    penalty = ((norms - 1) ** 2).mean()
    loss = (critic(Tensor(fake), ours, stats, "ours").mean()
            - critic(Tensor(real), ours, stats, "ours").mean() + 10 * penalty)
    loss.backward()

    theirs = [torch.tensor(p, requires_grad=True) for p in params]
    tstats = [torch.zeros(4, dtype=torch.float64), torch.ones(4, dtype=torch.float64)]
    tinter = torch.tensor(alpha * real + (1 - alpha) * fake, requires_grad=True)
    (tgx,) = torch.autograd.grad(critic(tinter, theirs, tstats, "torch").sum(), tinter,
                                 create_graph=True)
    tpenalty = ((tgx.reshape(4, -1).norm(dim=1) - 1) ** 2).mean()
    tloss = (critic(torch.tensor(fake), theirs, tstats, "torch").mean()
             - critic(torch.tensor(real), theirs, tstats, "torch").mean() + 10 * tpenalty)
    tloss.backward()
    np.testing.assert_allclose(penalty.item(), tpenalty.item(), rtol=1e-10)
    assert abs(tpenalty.item()) > 1e-3  # the penalty term is not negligible
    for i, (t, tt) in enumerate(zip(ours, theirs)):
        np.testing.assert_allclose(t.grad.data, tt.grad.numpy(), rtol=1e-7, atol=1e-9,
                                   err_msg=f"parameter {i}")
    np.testing.assert_allclose(stats[0], tstats[0].numpy(), rtol=1e-10)


@pytest.mark.parametrize("layout", ["contiguous", "channel-major", "strided"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_channel_sums_is_the_bias_gradient_in_every_layout(layout, dtype):
    r = np.random.default_rng(9)
    g = r.standard_normal((5, 3, 7, 6)).astype(dtype)
    if layout == "channel-major":  # as conv2d's outputs and their gradients
        g = np.ascontiguousarray(g.transpose(1, 0, 2, 3)).transpose(1, 0, 2, 3)
    elif layout == "strided":
        g = np.repeat(g, 2, axis=3)[..., ::2]
    got = conv_module.channel_sums(g)
    assert got.dtype == dtype and got.shape == (3,)
    exact = g.astype(np.float64).sum(axis=(0, 2, 3))
    np.testing.assert_allclose(got, exact, rtol=1e-5 if dtype == np.float32 else 1e-12)


def _conv_in_lanes(x, w):
    """conv2d forward + backward (in a forked child too: it inherits the patched policy)."""
    ts = [Tensor(a, requires_grad=True) for a in (x, w)]
    out = ops.conv2d(*ts, padding=1)
    out.backward(np.ones_like(out.data))
    return out.data, ts[1].grad.data


def test_conv_lanes_work_in_a_forked_child(monkeypatch):
    """conv2d's second lane runs in ops._lanes' pool, which a forked child makes anew (a
    pool thread inherited from the parent does not exist there: the child would hang)."""
    import multiprocessing

    monkeypatch.setattr(conv_module.Windows, "chunk_bytes", 1)  # a chunk per sample
    r = np.random.default_rng(3)
    x, w = r.standard_normal((4, 2, 5, 5)), r.standard_normal((3, 2, 3, 3))
    monkeypatch.setattr(conv_module, "allowed_lanes", lambda flops: 2)
    expected = _conv_in_lanes(x, w)  # the parent's pool thread exists now
    with multiprocessing.get_context("fork").Pool(1) as pool:
        got = pool.apply_async(_conv_in_lanes, (x, w)).get(timeout=60)
    for a, b in zip(got, expected):
        np.testing.assert_array_equal(a, b)
