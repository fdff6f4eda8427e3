"""NumPy functions on Tensors: the name map, keywords honoured or refused, queries, conversion."""
import numpy as np
import pytest

import ops
from autograd import Tensor, gradcheck, no_grad
from autograd.numpy_dispatch import name_map, numpy_name, supported


def leaf(values):
    return Tensor(np.asarray(values, dtype=np.float64), requires_grad=True)


X = np.array([[0.3, -0.7, 1.2], [0.9, -0.2, 0.5]])
MASK = np.array([[True, False, True], [False, True, True]])


# ------------------------------------------------------------------ name map
def test_every_ops_export_with_a_numpy_name_dispatches():
    table = name_map()
    for name in ops.__all__:
        np_fn = getattr(np, name, None)
        if callable(np_fn) and not isinstance(np_fn, type):
            assert np_fn in table, f"np.{name} is exported by ops but not dispatched"
    assert {"np.sin", "np.arctan2", "np.logaddexp", "np.clip", "np.where"} <= set(supported())


@pytest.mark.parametrize("name", ["sin", "cos", "tan", "arctan", "sinh", "cosh", "arcsinh", "exp2",
                                  "expm1", "log1p", "square", "sinc", "deg2rad", "rad2deg",
                                  "negative", "positive", "absolute", "fabs", "cbrt"])
def test_unary_numpy_functions_dispatch_with_gradient(name):
    np_fn, op = getattr(np, name), getattr(ops, name)
    x = leaf(X)
    out = np_fn(x)
    assert isinstance(out, Tensor) and out.requires_grad
    np.testing.assert_allclose(out.data, np_fn(X))
    out.backward(np.ones(X.shape))
    y = leaf(X)
    op(y).backward(np.ones(X.shape))
    np.testing.assert_allclose(x.grad.data, y.grad.data)
    assert gradcheck(np_fn, [leaf(X)])


@pytest.mark.parametrize("name", ["add", "subtract", "multiply", "divide", "true_divide", "power",
                                  "arctan2", "hypot", "logaddexp", "logaddexp2", "fmax", "fmin",
                                  "maximum", "minimum", "copysign", "float_power"])
def test_binary_numpy_functions_dispatch_with_gradient(name):
    np_fn = getattr(np, name)
    a, b = np.abs(X) + 0.5, np.array([0.8, 1.3, 2.1])
    out = np_fn(leaf(a), leaf(b))
    np.testing.assert_allclose(out.data, np_fn(a, b))
    assert gradcheck(np_fn, [leaf(a), leaf(b)])
    # an ndarray on the left goes through __array_ufunc__ too
    assert gradcheck(lambda t: np_fn(a, t), [leaf(b)])


def test_array_operators_with_a_tensor_on_the_right_keep_the_graph():
    x = leaf([1.0, 2.0])
    out = np.array([3.0, 4.0]) * x + np.array([1.0, 1.0])
    assert isinstance(out, Tensor) and out.requires_grad
    out.sum().backward()
    np.testing.assert_allclose(x.grad.data, [3.0, 4.0])


# ------------------------------------------------------------------ keywords
def test_out_is_refused_when_a_gradient_is_needed():
    with pytest.raises(TypeError, match=r"np\.sin: the keyword out="):
        np.sin(leaf(X), out=np.empty(X.shape))
    buffer = np.zeros(2)
    with pytest.raises(TypeError, match="out="):
        buffer += leaf([1.0, 2.0])  # would write outside the graph


def test_out_is_honoured_without_gradient():
    buffer = np.empty(X.shape)
    result = np.sin(Tensor(X), out=buffer)
    np.testing.assert_allclose(buffer, np.sin(X))
    assert result is buffer
    target = Tensor(np.zeros(X.shape))
    assert np.add(Tensor(X), 1.0, out=target) is target
    np.testing.assert_allclose(target.data, X + 1)
    with no_grad():
        np.exp(leaf(X), out=buffer)
    np.testing.assert_allclose(buffer, np.exp(X))


def test_where_keyword_of_a_ufunc_is_refused_with_grad_and_honoured_without():
    with pytest.raises(TypeError, match=r"np\.exp: the keyword where="):
        np.exp(leaf(X), where=MASK)
    out = np.full(X.shape, -1.0)
    np.exp(Tensor(X), where=MASK, out=out)
    np.testing.assert_allclose(out, np.where(MASK, np.exp(X), -1.0))


def test_dtype_keyword_casts_and_keeps_the_gradient():
    x = leaf(X)
    out = np.sin(x, dtype=np.float32)
    assert out.dtype == np.float32
    np.testing.assert_allclose(out.data, np.sin(X, dtype=np.float32))
    out.sum().backward()
    assert x.grad.dtype == np.float64
    np.testing.assert_allclose(x.grad.data, np.cos(X), rtol=1e-6)
    with pytest.raises(TypeError, match="cannot cast"):
        np.add(leaf(X), 1.0, dtype=np.int64)


def test_casting_keyword_is_checked():
    x32 = Tensor(X.astype(np.float32), requires_grad=True)
    with pytest.raises(TypeError, match="casting='no'"):
        np.add(x32, leaf(X), casting="no")
    out = np.add(leaf(X), leaf(X), casting="no")
    np.testing.assert_allclose(out.data, 2 * X)


def test_order_keyword_sets_the_layout():
    out = np.sin(leaf(X), order="F")
    assert out.data.flags.f_contiguous and out.requires_grad
    np.testing.assert_allclose(out.data, np.sin(X))


def test_keywords_left_at_their_defaults_are_accepted():
    x = leaf(X)
    for out in (np.sin(x, out=None, where=True, casting="same_kind", order="K", dtype=None, subok=True),
                np.clip(x, -0.5, 0.5, out=None)):
        assert out.requires_grad


@pytest.mark.parametrize("keyword, value", [("subok", False), ("signature", "dd->d")])
def test_other_ufunc_keywords_are_refused_with_grad(keyword, value):
    with pytest.raises(TypeError, match=f"{keyword}="):
        np.sin(leaf(X), **{keyword: value})


REDUCTION_KEYWORDS = [  # (label, NumPy call, keyword it exercises)
    ("sum-where", lambda t: np.sum(t, where=MASK), "where"),
    ("sum-initial", lambda t: np.sum(t, initial=1.0), "initial"),
    ("sum-dtype", lambda t: np.sum(t, axis=0, dtype=np.float32), "dtype"),
    ("mean-where", lambda t: np.mean(t, axis=1, where=MASK), "where"),
    ("max-initial", lambda t: np.max(t, axis=0, initial=0.5), "initial"),
    ("reshape-order", lambda t: np.reshape(t, (3, 2), order="F"), "order"),
    ("prod-keepdims", lambda t: np.prod(t, axis=1, keepdims=True), "keepdims"),
    ("clip-min-max", lambda t: np.clip(t, min=-0.5, max=0.6), "min"),
    ("round-decimals", lambda t: np.round(t, decimals=1), "decimals"),
    ("nan_to_num-copy", lambda t: np.nan_to_num(t, copy=False), "copy"),
]


@pytest.mark.parametrize("label, call, keyword", REDUCTION_KEYWORDS, ids=[r[0] for r in REDUCTION_KEYWORDS])
def test_function_keywords_are_honoured_or_refused(label, call, keyword):
    """Never silently ignored: either NumPy's value with a checked gradient, or a TypeError."""
    try:
        out = call(leaf(X))
    except TypeError as error:
        assert keyword in str(error)
        return
    expected = call(X.copy())
    np.testing.assert_allclose(out.data, expected, rtol=1e-6)
    assert out.dtype == np.asarray(expected).dtype
    if out.dtype == np.float64:
        assert gradcheck(call, [leaf(X)])


def test_positional_numpy_keywords_are_checked_too():
    with pytest.raises(TypeError, match="out="):
        np.clip(leaf(X), -0.5, 0.5, np.empty(X.shape))


# ------------------------------------------------------------- ufunc methods
def test_add_reduce_is_sum_over_axis_0():
    x = leaf(X)
    out = np.add.reduce(x)
    np.testing.assert_allclose(out.data, X.sum(axis=0))
    out.sum().backward()
    np.testing.assert_allclose(x.grad.data, np.ones(X.shape))
    assert gradcheck(lambda t: np.add.reduce(t, axis=1, keepdims=True), [leaf(X)])
    assert gradcheck(lambda t: np.maximum.reduce(t, axis=1), [leaf(X)])


def test_accumulate_and_outer():
    assert gradcheck(lambda t: np.add.accumulate(t, axis=1), [leaf(X)])
    a, b = leaf([0.5, -1.0]), leaf([2.0, 3.0, -0.5])
    out = np.multiply.outer(a, b)
    np.testing.assert_allclose(out.data, np.multiply.outer(a.data, b.data))
    assert gradcheck(np.multiply.outer, [a, b])
    assert gradcheck(np.logaddexp.outer, [leaf([0.5, -1.0]), leaf([2.0, 3.0, -0.5])])


def test_in_place_and_other_ufunc_methods_are_refused_with_grad():
    with pytest.raises(TypeError, match=r"np\.add\.at .*in place"):
        np.add.at(leaf(X), (0, 1), 1.0)
    with pytest.raises(TypeError, match=r"np\.add\.reduceat"):
        np.add.reduceat(leaf([1.0, 2.0, 3.0]), [0, 2])
    plain = Tensor(np.zeros(3))
    np.add.at(plain, [0, 0, 2], 1.0)  # no gradient needed: NumPy does it
    np.testing.assert_allclose(plain.data, [2.0, 0.0, 1.0])


# ------------------------------------------------------------------- queries
def test_gradient_free_queries_work_on_tensors_that_require_grad():
    x = leaf([[1.0, np.nan], [np.inf, -2.0]])
    y = leaf([3.0, 1.0, 2.0])
    assert np.shape(x) == (2, 2) and np.ndim(x) == 2 and np.size(x) == 4
    np.testing.assert_array_equal(np.isnan(x).data, [[False, True], [False, False]])
    np.testing.assert_array_equal(np.isfinite(x).data, [[True, False], [False, True]])
    np.testing.assert_array_equal(np.isinf(x).data, [[False, False], [True, False]])
    assert np.allclose(y, y) and np.array_equal(y, y.data)
    np.testing.assert_array_equal(np.isclose(y, [3.0, 0.0, 2.0]), [True, False, True])
    np.testing.assert_array_equal(np.greater(y, 1.5).data, [True, False, True])
    assert int(np.argmax(y)) == 0
    np.testing.assert_array_equal(np.asarray(np.argsort(y).data if isinstance(np.argsort(y), Tensor)
                                             else np.argsort(y)), [1, 2, 0])
    nonzero = np.nonzero(y)
    np.testing.assert_array_equal(np.asarray(nonzero[0].data if isinstance(nonzero[0], Tensor)
                                             else nonzero[0]), [0, 1, 2])
    sorted_y = leaf([1.0, 2.0, 3.0])
    found = np.searchsorted(sorted_y, 2.5)
    assert int(found.data if isinstance(found, Tensor) else found) == 2
    np.testing.assert_array_equal(np.sign(y).data, [1.0, 1.0, 1.0])
    for fn, expected in ((np.round, [3.0, 1.0, 2.0]), (np.floor, [3.0, 1.0, 2.0]),
                         (np.ceil, [3.0, 1.0, 2.0]), (np.trunc, [3.0, 1.0, 2.0])):
        np.testing.assert_array_equal(fn(y).data, expected)


def test_methods_of_boolean_ufuncs_are_queries_too():
    x = leaf([[1.0, -1.0], [2.0, 3.0]])
    np.testing.assert_array_equal(np.logical_and.reduce(x > 0, axis=1).data, [False, True])
    np.testing.assert_array_equal(np.equal.outer(x[0], x[1]).data, [[False, False], [False, False]])


def test_rounding_has_a_zero_gradient():
    x = leaf([0.3, 1.7, -2.2])
    (np.floor(x) * 2 + np.round(x) + np.sign(x) + x).sum().backward()
    np.testing.assert_allclose(x.grad.data, [1.0, 1.0, 1.0])


# -------------------------------------------------------- implicit conversion
def test_implicit_conversion_of_a_tensor_that_requires_grad_is_refused():
    t1, t2 = leaf([1.0, 2.0]), leaf([3.0, 4.0])
    for convert in (lambda: np.asarray(t1), lambda: np.array([t1, t2]), lambda: np.full((2,), t1),
                    lambda: np.array(t1, dtype=np.float32)):
        with pytest.raises((RuntimeError, TypeError), match="requires grad"):
            convert()
    with no_grad():
        np.testing.assert_allclose(np.array([t1, t2]), [[1.0, 2.0], [3.0, 4.0]])
    np.testing.assert_allclose(np.asarray(t1.detach()), [1.0, 2.0])
    np.testing.assert_allclose(np.asarray(Tensor([1.0, 2.0])), [1.0, 2.0])
    stacked = ops.stack([t1, t2])  # the differentiable way
    assert stacked.requires_grad
    # npgrad's own helpers read shape and dtype without converting
    import autograd
    assert autograd.zeros_like(t1).shape == (2,) and autograd.ones_like(t1).dtype == np.float64


# -------------------------------------------------------------------- errors
def test_refusals_name_the_real_numpy_function():
    x = leaf(np.eye(3) + 0.1)
    # every numpy.linalg function has a rule by now: the naming is checked directly
    assert numpy_name(np.linalg.matrix_rank) == "np.linalg.matrix_rank"
    assert numpy_name(np.fft.hfft) == "np.fft.hfft" and numpy_name(np.cumsum) == "np.cumsum"
    with pytest.raises(TypeError, match=r"np\.histogram is not differentiable"):
        np.histogram(x)
    with pytest.raises(TypeError, match=r"np\.frexp is not differentiable"):
        np.frexp(x)


def test_functions_without_a_rule_still_work_when_no_gradient_is_needed():
    x = Tensor(np.array([3.0, 1.0, 3.0]))
    np.testing.assert_array_equal(np.unique(x), [1.0, 3.0])
    mantissa, exponent = np.frexp(x)
    np.testing.assert_allclose(mantissa.data * 2.0 ** exponent.data, x.data)
