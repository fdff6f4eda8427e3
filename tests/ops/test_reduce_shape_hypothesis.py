"""Reductions, shape and indexing functions on hypothesis-drawn shapes and axes.

Values are compared with NumPy, gradients with torch (reductions) or with finite
differences (shape functions, which are linear maps); plus NumPy's keyword semantics
(where=, initial=, ddof=, dim=), empty axes, and the argument errors.
"""
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes

import ops
from autograd import Tensor, gradcheck


@st.composite
def shape_and_axis(draw, min_dims=1, min_side=1, allow_none=True):
    """A shape and an axis for it: None, an int (maybe negative) or a tuple of axes."""
    shape = draw(array_shapes(min_dims=min_dims, max_dims=4, min_side=min_side, max_side=4))
    ndim = len(shape)
    kinds = ["int", "tuple"] + (["none"] if allow_none else [])
    kind = draw(st.sampled_from(kinds))
    if kind == "none":
        return shape, None
    if kind == "int":
        return shape, draw(st.integers(-ndim, ndim - 1))
    axes = draw(st.lists(st.integers(0, ndim - 1), min_size=1, max_size=ndim, unique=True))
    return shape, tuple(axes)


def tie_free(shape, seed):
    """Distinct values (no two within 1e-2) in a random order."""
    count = int(np.prod(shape))
    values = np.linspace(-2, 2, count) + np.random.default_rng(seed).uniform(-1e-3, 1e-3, count)
    return np.random.default_rng(seed + 1).permutation(values).reshape(shape)


def torch_dims(axis, ndim):
    if axis is None:
        return tuple(range(ndim))
    return (axis,) if isinstance(axis, int) else axis


REDUCTIONS = {  # name -> (ours, NumPy, torch with dims)
    "sum": (ops.sum, np.sum, lambda t, d, k: t.sum(d, keepdim=k)),
    "mean": (ops.mean, np.mean, lambda t, d, k: t.mean(d, keepdim=k)),
    "max": (ops.max, np.max, lambda t, d, k: t.amax(d, keepdim=k)),
    "min": (ops.amin, np.amin, lambda t, d, k: t.amin(d, keepdim=k)),
    "var": (ops.var, np.var, lambda t, d, k: t.var(d, keepdim=k, correction=0)),
    "std": (ops.std, np.std, lambda t, d, k: t.std(d, keepdim=k, correction=0)),
    "logsumexp": (ops.logsumexp, None, lambda t, d, k: t.logsumexp(d, keepdim=k)),
    "prod": (ops.prod, np.prod, lambda t, d, k: t.reshape(-1).prod() if len(d) == t.ndim and not k
             else _torch_prod(t, d, k)),
}


def _torch_prod(t, dims, keepdim):
    for d in sorted((d % t.ndim for d in dims), reverse=True):
        t = t.prod(d, keepdim=True)
    return t if keepdim else t.squeeze(tuple(d % t.ndim for d in dims)) if dims else t


@pytest.mark.parametrize("name", sorted(REDUCTIONS))
@settings(max_examples=12, deadline=None)
@given(drawn=shape_and_axis(), keepdims=st.booleans(), seed=st.integers(0, 2**16))
def test_reductions_match_numpy_and_torch(name, drawn, keepdims, seed):
    torch = pytest.importorskip("torch")
    shape, axis = drawn
    ours, numpy_fn, torch_fn = REDUCTIONS[name]
    x = tie_free(shape, seed) if name in ("max", "min") else np.random.default_rng(seed).uniform(0.5, 1.5, shape)
    t = Tensor(x, requires_grad=True)
    out = ours(t, axis=axis, keepdims=keepdims)
    if numpy_fn is not None:
        np.testing.assert_allclose(out.data, numpy_fn(x, axis=axis, keepdims=keepdims), rtol=1e-12, atol=1e-14)
    reference = torch_fn(torch.tensor(x, requires_grad=True), torch_dims(axis, len(shape)), keepdims)
    assert out.shape == tuple(reference.shape)
    np.testing.assert_allclose(out.data, reference.detach().numpy(), rtol=1e-10)
    upstream = np.random.default_rng(seed + 2).standard_normal(out.shape)
    out.backward(upstream)
    xt = torch.tensor(x, requires_grad=True)
    torch_fn(xt, torch_dims(axis, len(shape)), keepdims).backward(torch.tensor(upstream))
    np.testing.assert_allclose(t.grad.data, xt.grad.numpy(), rtol=1e-8, atol=1e-12)


@pytest.mark.parametrize("name", ["cumsum", "cumprod"])
@settings(max_examples=12, deadline=None)
@given(shape=array_shapes(min_dims=1, max_dims=3, max_side=4), data=st.data(), zeros=st.booleans())
def test_scans_match_torch_with_and_without_zeros(name, shape, data, zeros):
    torch = pytest.importorskip("torch")
    axis = data.draw(st.integers(-len(shape), len(shape) - 1))
    x = np.random.default_rng(len(shape)).uniform(0.5, 1.5, shape)
    if zeros:
        x.reshape(-1)[data.draw(st.integers(0, x.size - 1))] = 0.0
        x.reshape(-1)[data.draw(st.integers(0, x.size - 1))] = 0.0
    t = Tensor(x, requires_grad=True)
    out = getattr(ops, name)(t, axis=axis)
    np.testing.assert_allclose(out.data, getattr(np, name)(x, axis=axis), rtol=1e-12)
    upstream = np.random.default_rng(7).standard_normal(out.shape)
    out.backward(upstream)
    xt = torch.tensor(x, requires_grad=True)
    getattr(xt, name)(axis).backward(torch.tensor(upstream))
    np.testing.assert_allclose(t.grad.data, xt.grad.numpy(), rtol=1e-8, atol=1e-12)


@settings(max_examples=12, deadline=None)
@given(drawn=shape_and_axis(), seed=st.integers(0, 2**16), q=st.floats(0, 1))
def test_quantile_matches_numpy_and_torch(drawn, seed, q):
    torch = pytest.importorskip("torch")
    shape, axis = drawn
    x = tie_free(shape, seed)
    t = Tensor(x, requires_grad=True)
    out = ops.quantile(t, q, axis=axis)
    np.testing.assert_allclose(out.data, np.quantile(x, q, axis=axis), rtol=1e-10, atol=1e-12)
    dims = torch_dims(axis, len(shape))
    rest = [i for i in range(len(shape)) if i not in {d % len(shape) for d in dims}]
    xt = torch.tensor(x, requires_grad=True)
    flat = xt.permute(*rest, *(d % len(shape) for d in dims)).reshape(*(shape[i] for i in rest), -1)
    expected = torch.quantile(flat, q, dim=-1)
    upstream = np.random.default_rng(seed).standard_normal(out.shape)
    out.backward(upstream)
    expected.backward(torch.tensor(upstream))
    np.testing.assert_allclose(t.grad.data, xt.grad.numpy(), rtol=1e-8, atol=1e-12)


def _front(axis):
    return tuple(range(len(axis))) if isinstance(axis, tuple) else 0


SHAPE_FUNCTIONS = {  # name -> (npgrad call, NumPy call), both given (array, drawn axis, ndim)
    "flip": (lambda a, ax, n: ops.flip(a, ax), lambda a, ax, n: np.flip(a, ax)),
    "roll": (lambda a, ax, n: ops.roll(a, 3, ax), lambda a, ax, n: np.roll(a, 3, ax)),
    "moveaxis": (lambda a, ax, n: ops.moveaxis(a, ax, _front(ax)), lambda a, ax, n: np.moveaxis(a, ax, _front(ax))),
    "expand_dims": (lambda a, ax, n: ops.expand_dims(a, ax), lambda a, ax, n: np.expand_dims(a, ax)),
    "sort": (lambda a, ax, n: ops.sort(a, ax), lambda a, ax, n: np.sort(a, ax)),
    "cumsum": (lambda a, ax, n: ops.cumsum(a, ax if not isinstance(ax, tuple) else ax[0]),
               lambda a, ax, n: np.cumsum(a, ax if not isinstance(ax, tuple) else ax[0])),
    "repeat": (lambda a, ax, n: ops.repeat(a, 2, ax if not isinstance(ax, tuple) else ax[0]),
               lambda a, ax, n: np.repeat(a, 2, ax if not isinstance(ax, tuple) else ax[0])),
    "tile": (lambda a, ax, n: ops.tile(a, (2,) * (n % 3 + 1)), lambda a, ax, n: np.tile(a, (2,) * (n % 3 + 1))),
    "ravel-F": (lambda a, ax, n: ops.ravel(a, "F"), lambda a, ax, n: np.ravel(a, "F")),
    "pad-reflect": (lambda a, ax, n: ops.pad(a, 2, mode="reflect"), lambda a, ax, n: np.pad(a, 2, mode="reflect")),
    "pad-symmetric": (lambda a, ax, n: ops.pad(a, [(1, 2)] * n, mode="symmetric"),
                      lambda a, ax, n: np.pad(a, [(1, 2)] * n, mode="symmetric")),
    "pad-wrap": (lambda a, ax, n: ops.pad(a, 3, mode="wrap"), lambda a, ax, n: np.pad(a, 3, mode="wrap")),
    "pad-edge": (lambda a, ax, n: ops.pad(a, (0, 2), mode="edge"), lambda a, ax, n: np.pad(a, (0, 2), mode="edge")),
    "median": (lambda a, ax, n: ops.median(a, ax), lambda a, ax, n: np.median(a, ax)),
}


@pytest.mark.parametrize("name", sorted(SHAPE_FUNCTIONS))
@settings(max_examples=8, deadline=None)
@given(drawn=shape_and_axis(min_side=2), seed=st.integers(0, 2**16))
def test_shape_functions_match_numpy_and_finite_differences(name, drawn, seed):
    shape, axis = drawn
    if name in ("sort",) and isinstance(axis, tuple):
        axis = axis[0]
    if name == "expand_dims" and axis is None:
        axis = 0
    if name == "moveaxis" and axis is None:
        axis = -1
    ours, numpy_fn = SHAPE_FUNCTIONS[name]
    x = tie_free(shape, seed)
    out = ours(Tensor(x), axis, len(shape))
    np.testing.assert_allclose(out.data, numpy_fn(x, axis, len(shape)), rtol=1e-12, atol=1e-14)
    assert gradcheck(lambda a: ours(a, axis, len(shape)), [Tensor(x, requires_grad=True)])


# ---------------------------------------------------------------- NumPy's keywords
def test_where_and_initial_give_numpy_values_and_masked_gradients():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((3, 4))
    mask = rng.random((3, 4)) > 0.4
    mask[:, 0] = True
    for fn, kwargs in [(np.sum, dict(where=mask)), (np.sum, dict(initial=1.0)),
                       (np.mean, dict(where=mask)), (np.prod, dict(where=mask, initial=2.0)),
                       (np.max, dict(where=mask, initial=-5.0)), (np.var, dict(where=mask, ddof=1)),
                       (np.std, dict(where=mask))]:
        t = Tensor(x, requires_grad=True)
        out = fn(t, axis=1, **kwargs)  # NumPy dispatch to the ops function
        np.testing.assert_allclose(out.data, fn(x, axis=1, **kwargs), rtol=1e-12)
        out.sum().backward()
        if "where" in kwargs:
            assert np.all(t.grad.data[~mask] == 0), fn.__name__
        assert gradcheck(lambda a: getattr(ops, fn.__name__)(a, axis=1, **kwargs),
                         [Tensor(x, requires_grad=True)])


def test_dim_is_an_alias_of_axis_everywhere():
    x = Tensor(np.random.default_rng(1).standard_normal((2, 3)))
    for name in ["sum", "mean", "max", "min", "var", "std", "prod", "cumsum", "logsumexp", "argmax"]:
        np.testing.assert_array_equal(getattr(ops, name)(x, dim=1).data, getattr(ops, name)(x, axis=1).data)
        with pytest.raises(TypeError, match=name):
            getattr(ops, name)(x, axis=0, dim=1)
    np.testing.assert_array_equal(ops.concatenate([x, x], dim=1).data, np.concatenate([x.data] * 2, 1))
    np.testing.assert_array_equal(ops.stack([x, x], dim=2).data, np.stack([x.data] * 2, 2))
    np.testing.assert_array_equal(x.sum(dim=0).data, x.data.sum(0))


def test_tensor_methods_take_numpy_keywords():
    x = Tensor(np.arange(1.0, 7.0).reshape(2, 3), requires_grad=True)
    assert x.sum(0, keepdims=True).shape == (1, 3)
    assert x.sum(initial=10.0).item() == 31.0
    assert x.mean(where=x.data > 2).item() == 4.5
    assert x.max(axis=1, initial=4.0).tolist() == [4.0, 6.0]
    assert x.var(ddof=1, axis=1).tolist() == [1.0, 1.0]
    assert x.prod().item() == 720.0
    assert x.cumsum(1).tolist() == [[1, 3, 6], [4, 9, 15]]
    assert x.reshape(3, 2, order="F").tolist() == [[1, 5], [4, 3], [2, 6]]
    assert x.repeat(2).shape == (12,)  # NumPy's repeat, not torch's
    assert [p.shape for p in x.split(2, dim=1)] == [(2, 2), (2, 1)]
    assert [p.shape for p in x.chunk(2, dim=1)] == [(2, 2), (2, 1)]
    assert [p.tolist() for p in x.unbind(0)] == [[1, 2, 3], [4, 5, 6]]
    assert x.unsqueeze(1).shape == (2, 1, 3) and x.permute(1, 0).shape == (3, 2)
    filled = x.masked_fill(x.data > 4, -1.0)
    assert filled.tolist() == [[1, 2, 3], [4, -1, -1]]
    filled.sum().backward()
    assert x.grad.tolist() == [[1, 1, 1], [1, 0, 0]]
    with pytest.raises(TypeError, match="in place"):
        x.sort()


def test_refused_keywords_name_themselves():
    x = Tensor(np.ones((2, 3)), requires_grad=True)
    for call, word in [(lambda: ops.sum(x, out=np.zeros(3)), "out"),
                       (lambda: np.mean(x, out=np.zeros(3)), "out"),
                       (lambda: ops.var(x, mean=np.ones(1)), "mean"),
                       (lambda: ops.quantile(x, 0.5, weights=np.ones(6)), "weights"),
                       (lambda: ops.concatenate([x, x], casting="unsafe"), "casting"),
                       (lambda: ops.pad(x, 1, mode="reflect", reflect_type="odd"), "reflect_type"),
                       (lambda: ops.pad(x, 1, mode="edge", constant_values=2), "constant_values"),
                       (lambda: ops.sort(x, order="f"), "order")]:
        with pytest.raises(TypeError, match=word):
            call()


# ------------------------------------------------------------- edge cases, errors
def test_var_without_degrees_of_freedom_is_nan_with_a_warning_not_an_error():
    torch = pytest.importorskip("torch")
    x = Tensor(np.array([[1.5], [2.0]]), requires_grad=True)
    with pytest.warns(RuntimeWarning, match="degrees of freedom"):
        out = ops.var(x, axis=1, ddof=1)
    assert np.isnan(out.data).all()
    out.sum().backward()  # no ZeroDivisionError
    xt = torch.tensor(x.data, requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        xt.var(1, correction=1).sum().backward()
    np.testing.assert_array_equal(np.isnan(x.grad.data), np.isnan(xt.grad.numpy()))
    with pytest.warns(RuntimeWarning):
        assert np.isnan(ops.std(Tensor(np.array([3.0])), ddof=1).item())


def test_reductions_over_an_empty_axis_follow_numpy():
    x = Tensor(np.zeros((0, 3)), requires_grad=True)
    total = ops.sum(x, axis=0)
    assert total.tolist() == [0.0, 0.0, 0.0]
    assert ops.prod(x, axis=0).tolist() == [1.0, 1.0, 1.0]
    with pytest.warns(RuntimeWarning):
        assert np.isnan(ops.mean(x, axis=0).data).all()
    assert ops.max(x, axis=0, initial=-1.0).tolist() == [-1.0] * 3
    with pytest.raises(ValueError, match="max"):
        ops.max(x, axis=0)
    assert ops.cumsum(x, axis=0).shape == (0, 3)
    (total.sum() + ops.prod(x, axis=0).sum()).backward()
    assert x.grad.shape == (0, 3)


@pytest.mark.parametrize("call, op", [
    (lambda x: ops.softmax(x, axis=2), "softmax"),
    (lambda x: ops.log_softmax(x, axis=-3), "log_softmax"),
    (lambda x: ops.concatenate([x, x], axis=3), "concatenate"),
    (lambda x: ops.stack([x, x], axis=-4), "stack"),
    (lambda x: np.concatenate([x, x], axis=2), "concatenate"),
    (lambda x: ops.sum(x, axis=5), "sum"),
    (lambda x: ops.cumsum(x, axis=2), "cumsum"),
    (lambda x: ops.flip(x, 2), "flip"),
    (lambda x: ops.pad(x, ((1, 1), (1, 1), (1, 1))), "pad"),
    (lambda x: ops.pad(x, [[1, 2, 3]]), "pad"),
    (lambda x: ops.pad(x, -1), "pad"),
    (lambda x: ops.squeeze(x, 0), "squeeze"),
    (lambda x: ops.split(x, 2, axis=1), "split"),
])
def test_argument_errors_are_value_errors_naming_the_op(call, op):
    x = Tensor(np.ones((2, 3)), requires_grad=True)
    with pytest.raises(ValueError, match=op) as info:
        call(x)
    assert type(info.value) is ValueError  # not NumPy's AxisError


def test_sort_ties_follow_the_stable_permutation_like_torch():
    torch = pytest.importorskip("torch")
    x = np.array([[2.0, 1.0, 2.0, 1.0, 3.0]])
    t = Tensor(x, requires_grad=True)
    upstream = np.arange(5.0)[None]
    ops.sort(t, axis=1).backward(upstream)
    xt = torch.tensor(x, requires_grad=True)
    torch.sort(xt, dim=1, stable=True).values.backward(torch.tensor(upstream))
    np.testing.assert_array_equal(t.grad.data, xt.grad.numpy())


def test_integer_valued_functions_give_integer_tensors_without_gradient():
    x = Tensor(np.array([[3.0, 1.0], [0.0, 2.0]]), requires_grad=True)
    for result in [np.argsort(x), np.argmax(x, axis=1), np.argmin(x), ops.searchsorted(np.arange(4.0), x),
                   *np.nonzero(x)]:
        assert isinstance(result, Tensor) and result.dtype.kind == "i" and not result.requires_grad
    np.testing.assert_array_equal(np.argsort(x).data, np.argsort(x.data))


def test_put_along_axis_is_out_of_place_and_the_last_write_wins():
    a = Tensor(np.zeros((2, 3)), requires_grad=True)
    v = Tensor(np.array([[1.0, 2.0], [3.0, 4.0]]), requires_grad=True)
    idx = np.array([[1, 1], [0, 2]])
    out = ops.put_along_axis(a, idx, v, axis=1)
    expected = np.zeros((2, 3))
    np.put_along_axis(expected, idx, v.data, axis=1)
    np.testing.assert_array_equal(out.data, expected)
    assert a.data.sum() == 0  # unchanged
    out.backward(np.arange(6.0).reshape(2, 3))
    assert a.grad.tolist() == [[0, 0, 2], [0, 4, 0]]
    assert v.grad.tolist() == [[0, 1], [3, 5]]  # the overwritten write gets nothing


def test_shape_functions_reached_through_numpy():
    x = Tensor(np.arange(12.0).reshape(3, 4), requires_grad=True)
    y = np.concatenate([np.flip(x, 0), np.roll(x, 1, axis=1), np.tril(x), np.pad(x, ((0, 0), (0, 0)))], axis=0)
    z = np.trace(np.rot90(x)) + np.sum(np.diff(x, axis=0)) + np.median(x) + np.cumprod(x[:, :2], axis=1).sum()
    (y.sum() + z).backward()
    assert isinstance(y, Tensor) and x.grad is not None
    assert gradcheck(lambda a: np.vstack(np.array_split(a, 2, axis=1)).sum(axis=0).sum() * np.average(a, axis=0),
                     [Tensor(np.random.default_rng(0).standard_normal((3, 4)), requires_grad=True)])


REARRANGEMENTS = {  # NumPy functions that only move elements, or statistics built on the reductions
    "delete": lambda a, b: np.delete(a, [0, 2], axis=1),
    "insert": lambda a, b: np.insert(a, [1, 1], b[0, :2], axis=1),
    "append": lambda a, b: np.append(a, b),
    "compress": lambda a, b: np.compress([False, True, True], a, axis=0),
    "extract": lambda a, b: np.extract(np.arange(12).reshape(3, 4) % 3 == 0, a),
    "resize": lambda a, b: np.resize(a, (5, 5)),
    "block": lambda a, b: np.block([[a], [b]]),
    "copy": lambda a, b: np.copy(a) * b[:1],
    "meshgrid": lambda a, b: np.meshgrid(a[0], b[1])[1],
    "unstack": lambda a, b: np.unstack(a, axis=1)[2],
    "cumulative_sum": lambda a, b: np.cumulative_sum(a, axis=0, include_initial=True),
    "trapezoid": lambda a, b: np.trapezoid(a, axis=0),
    "cov": lambda a, b: np.cov(a, b) + np.cov(a.T[:, :2], rowvar=False, bias=True)[0, 0],
    "corrcoef": lambda a, b: np.corrcoef(a, b),
    "ediff-as-diff": lambda a, b: np.diff(a, axis=0, append=b[:1]),
    "ediff1d": lambda a, b: np.ediff1d(a, to_end=b[0, :2], to_begin=3.0),
}


@pytest.mark.parametrize("name", sorted(REARRANGEMENTS))
def test_rearrangements_and_statistics_through_numpy(name):
    fn = REARRANGEMENTS[name]
    rng = np.random.default_rng(5)
    a, b = rng.standard_normal((3, 4)), rng.standard_normal((2, 4))
    out = fn(Tensor(a, requires_grad=True), Tensor(b, requires_grad=True))
    assert isinstance(out, Tensor) and out.requires_grad
    np.testing.assert_allclose(out.data, fn(a, b), rtol=1e-12, atol=1e-14)
    assert gradcheck(fn, [Tensor(a, requires_grad=True), Tensor(b, requires_grad=True)])
