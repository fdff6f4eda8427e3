"""conv2d beyond the table: im2col/col2im adjointness, the two input-gradient routes,
float32, skipped work, errors."""
import itertools

import numpy as np
import pytest

import ops
from autograd import Tensor, grad
from ops import conv as conv_module
from ops.conv import col2im, im2col

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
    monkeypatch.setattr(conv_module.Conv2d, "_gradients_by_correlation", forbidden)
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
    for name in ("_gradients_by_correlation", "_gradients_by_col2im"):
        original = getattr(conv_module.Conv2d, name)
        monkeypatch.setattr(conv_module.Conv2d, name,
                            lambda self, *a, name=name, original=original:
                            taken.append(name) or original(self, *a))

    def run():
        xt, wt = Tensor(x, requires_grad=True), Tensor(w, requires_grad=needed == "both")
        out = ops.conv2d(xt, wt, stride=stride, padding=padding, dilation=dilation, groups=groups)
        out.backward(np.sin(out.data))
        return [xt.grad.data] + ([wt.grad.data] if needed == "both" else [])

    chosen = run()
    assert taken == ["_gradients_by_" + route]
    if stride != 1:
        return  # the correlation is for stride 1 only
    monkeypatch.setattr(conv_module.Conv2d, "_correlates",
                        lambda self, weight: route != "correlation")
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


def test_second_derivative_raises_instead_of_lying():
    r = np.random.default_rng(5)
    x = Tensor(r.standard_normal((1, 1, 4, 4)), requires_grad=True)
    w = Tensor(r.standard_normal((1, 1, 2, 2)), requires_grad=True)
    (gx,) = grad(ops.conv2d(x, w).sum(), x, create_graph=False)
    assert gx.shape == x.shape
    with pytest.raises(RuntimeError, match="conv2d"):
        grad(ops.conv2d(x, w).sum(), x, create_graph=True)


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
    original = conv_module.Windows.column_chunks
    monkeypatch.setattr(conv_module.Windows, "column_chunks",
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


@pytest.mark.parametrize("filters", [6, 4])  # input gradient by col2im, by correlation
@pytest.mark.parametrize("wide", [False, True])
def test_sample_chunks_give_the_same_result(monkeypatch, wide, filters):
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
    monkeypatch.setattr(conv_module.Windows, "chunk_bytes", 1)  # one sample per chunk
    assert conv_module.Windows(x.shape, (3, 3), (1, 1), (1, 1), (1, 1)).chunks() == [
        (n, n + 1) for n in range(5)]
    for a, b in zip(run(), whole):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)
