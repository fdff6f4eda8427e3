"""Hypothesis-drawn broadcastable shapes for every binary op: shapes, gradcheck, torch."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import mutually_broadcastable_shapes

import ops
from autograd import Tensor, gradcheck

# name -> (npgrad function, torch function name, input domain for b)
BINARY = {
    "add": (ops.add, "add"),
    "sub": (ops.sub, "sub"),
    "mul": (ops.mul, "mul"),
    "div": (ops.div, "div"),
    "pow": (ops.pow, "pow"),
    "maximum": (ops.maximum, "maximum"),
    "minimum": (ops.minimum, "minimum"),
    "arctan2": (ops.arctan2, "atan2"),
    "hypot": (ops.hypot, "hypot"),
    "logaddexp": (ops.logaddexp, "logaddexp"),
    "logaddexp2": (ops.logaddexp2, "logaddexp2"),
    "fmod": (ops.fmod, "fmod"),
    "remainder": (ops.remainder, "remainder"),
    "copysign": (ops.copysign, "copysign"),
    "fmax": (ops.fmax, "fmax"),
    "fmin": (ops.fmin, "fmin"),
    "float_power": (ops.float_power, "float_power"),
}

SHAPES = mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3, max_side=3)


def _inputs(op, shapes, seed):
    rng = np.random.default_rng(seed)
    a = rng.uniform(0.5, 2.0, shapes[0]) if op in ("pow", "float_power") else rng.standard_normal(shapes[0])
    b = rng.standard_normal(shapes[1])
    if op in ("div", "copysign"):
        b = np.where(np.abs(b) < 0.5, 0.5 + np.abs(b), b)
    if op == "copysign":  # |a| has a kink at 0
        a = np.where(np.abs(a) < 0.5, 0.5 + np.abs(a), a)
    if op in ("maximum", "minimum", "fmax", "fmin"):  # a on k + 1/4, b on k + 3/4: never within 1/2
        a = rng.integers(-3, 3, shapes[0]) + 0.25
        b = rng.integers(-3, 3, shapes[1]) + 0.75
    if op in ("fmod", "remainder"):  # a / b at least 0.15 from every integer (the jumps)
        b = rng.uniform(1.0, 1.1, shapes[1]) * rng.choice([-1.0, 1.0], shapes[1])
        a = (rng.integers(-3, 3, shapes[0]) + 0.5) * 1.05 + rng.uniform(-0.2, 0.2, shapes[0])
    return np.asarray(a, dtype=float), np.asarray(b, dtype=float)


@pytest.mark.parametrize("op", sorted(BINARY))
@settings(max_examples=25, deadline=None)
@given(shapes=SHAPES, seed=st.integers(0, 2**16))
def test_gradient_has_each_input_shape_and_passes_gradcheck(op, shapes, seed):
    fn, _ = BINARY[op]
    a, b = _inputs(op, shapes.input_shapes, seed)
    ta, tb = Tensor(a, requires_grad=True), Tensor(b, requires_grad=True)
    out = fn(ta, tb)
    assert out.shape == shapes.result_shape
    out.backward(np.ones(out.shape))
    assert ta.grad.shape == ta.shape and tb.grad.shape == tb.shape
    assert ta.grad.dtype == np.float64 and tb.grad.dtype == np.float64
    assert gradcheck(fn, [Tensor(a, requires_grad=True), Tensor(b, requires_grad=True)])


@pytest.mark.parametrize("op", sorted(BINARY))
@settings(max_examples=15, deadline=None)
@given(shapes=SHAPES, seed=st.integers(0, 2**16))
def test_binary_ops_match_torch(op, shapes, seed):
    torch = pytest.importorskip("torch")
    fn, torch_name = BINARY[op]
    a, b = _inputs(op, shapes.input_shapes, seed)
    ta, tb = Tensor(a, requires_grad=True), Tensor(b, requires_grad=True)
    xa, xb = torch.tensor(a, requires_grad=True), torch.tensor(b, requires_grad=True)
    out = fn(ta, tb)
    expected = getattr(torch, torch_name)(xa, xb)
    np.testing.assert_allclose(out.data, expected.detach().numpy(), rtol=1e-10)
    upstream = np.random.default_rng(seed).standard_normal(out.shape)
    out.backward(upstream)
    expected.backward(torch.tensor(upstream))
    np.testing.assert_allclose(ta.grad.data, xa.grad.numpy(), rtol=1e-8, atol=1e-12)
    np.testing.assert_allclose(tb.grad.data, xb.grad.numpy(), rtol=1e-8, atol=1e-12)


@settings(max_examples=25, deadline=None)
@given(shapes=mutually_broadcastable_shapes(num_shapes=3, max_dims=3, max_side=3),
       seed=st.integers(0, 2**16))
def test_where_broadcasts_all_three(shapes, seed):
    rng = np.random.default_rng(seed)
    cond = rng.random(shapes.input_shapes[0]) > 0.5
    a = Tensor(rng.standard_normal(shapes.input_shapes[1]), requires_grad=True)
    b = Tensor(rng.standard_normal(shapes.input_shapes[2]), requires_grad=True)
    out = ops.where(cond, a, b)
    out.backward(np.ones(out.shape))
    assert a.grad.shape == a.shape and b.grad.shape == b.shape
    # every output element sends its gradient to exactly one branch
    assert a.grad.data.sum() + b.grad.data.sum() == pytest.approx(out.size)
