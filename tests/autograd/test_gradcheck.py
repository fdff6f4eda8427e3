"""Gradient checking: reports, kinks, cost, numerical_grad, and per-op localisation."""
import re

import numpy as np
import pytest

import nn
from autograd import Function, Tensor, viz
from autograd.gradcheck import (
    GradcheckError, Report, check, gradcheck, gradcheck_graph, numerical_grad,
)
from autograd.tensor import apply


def leaf(*shape, seed=0):
    return Tensor(np.random.default_rng(seed).standard_normal(shape), requires_grad=True)


class WrongAt(Function):
    """Identity whose VJP doubles element 2 (a planted bug)."""

    name = "wrong_at"

    def forward(self, a):
        return a.copy()

    def vjp(self, g):
        g = np.array(g, copy=True)
        g[2] *= 2
        return g


class WrongSquare(Function):
    """a * a with the factor 2 forgotten in its VJP."""

    name = "wrong_square"

    def forward(self, a):
        self.save(a)
        return a * a

    def vjp(self, g):
        (a,) = self.saved
        return g * a


class Kinked(Function):
    """relu whose VJP at 0 is `at_zero` (valid between 0 and 1)."""

    name = "kinked"

    def forward(self, a, at_zero=0.5):
        self.save(a)
        self.at_zero = at_zero
        return np.maximum(a, 0)

    def vjp(self, g):
        (a,) = self.saved
        return g * np.where(a == 0, self.at_zero, a > 0)


def test_passing_check_report():
    x = leaf(3, 4)
    report = check(lambda x: (x.tanh() * x).sum(axis=1), [x])
    assert isinstance(report, Report)
    assert report.ok and report.message == "" and report.kinks == 0
    assert 0 <= report.worst_relative_error < 1e-6
    assert gradcheck(lambda x: (x.tanh() * x).sum(axis=1), [x])


def test_mismatch_message_names_output_input_element_and_values():
    a, b = leaf(3), leaf(4, seed=1)
    with pytest.raises(GradcheckError) as info:
        gradcheck(lambda a, b: a.sum() + apply(WrongAt, b), [a, b])
    message = str(info.value)
    assert message.startswith("Jacobian mismatch for output 0 with respect to input 1: ")
    assert "worst at input element (2,) (output element 2)" in message
    assert "analytic 2, numeric 1, relative error 0.333" in message
    assert "|a - n| / max(|a| + |n|, 1e-12)" in message
    assert not gradcheck(lambda a, b: a.sum() + apply(WrongAt, b), [a, b], raise_exception=False)


def test_mismatch_in_the_second_output_is_named():
    x = leaf(4)
    report = check(lambda x: (x.exp(), apply(WrongAt, x) * 3), [x])
    assert not report.ok
    assert "output 1 with respect to input 0" in report.message
    assert "output 0" not in report.message
    assert report.worst_relative_error > 0.1  # of the random projection of both outputs


def test_full_jacobians_only_on_failure():
    calls = {"vjp": 0}

    class Counted(Function):
        name = "counted"

        def forward(self, a):
            self.save(a)
            return np.sin(a)

        def vjp(self, g):
            calls["vjp"] += 1
            (a,) = self.saved
            return g * np.cos(a)

    x = leaf(5)
    assert gradcheck(lambda x: apply(Counted, x) * 1.0, [x])
    assert calls["vjp"] == 1  # one backward for the random projection, no Jacobian


@pytest.mark.parametrize("fn, values", [
    (lambda x: x.relu(), [0.0, 0.0, 1.0, -1.0]),
    (lambda x: x.abs(), [0.0, 0.5, -0.5]),
    (lambda x: x.max(), [1.0, 1.0, -2.0]),  # a tie: the gradient is split
    (lambda x: apply(Kinked, x, at_zero=0.25), [0.0, 2.0]),
    (lambda x: apply(Kinked, x, at_zero=1.0), [0.0, 2.0]),
])
def test_kinks_accept_a_value_between_the_one_sided_differences(fn, values):
    x = Tensor(np.array(values), requires_grad=True)
    assert gradcheck(fn, [x])


def test_relu_at_zero_counts_its_kinks():
    report = check(lambda x: x.relu() * 3, [Tensor(np.zeros(4), requires_grad=True)])
    assert report.ok and report.kinks == 4
    assert report.worst_relative_error == 0


def test_a_value_outside_the_one_sided_differences_fails_at_a_kink():
    x = Tensor(np.array([0.0, 2.0]), requires_grad=True)
    report = check(lambda x: apply(Kinked, x, at_zero=1.5), [x])
    assert not report.ok and "input element (0,)" in report.message


def test_a_wrong_gradient_where_smooth_is_not_excused_as_a_kink():
    x = Tensor(np.array([0.3, -0.7]), requires_grad=True)
    assert check(lambda x: apply(Kinked, x), [x]).ok
    report = check(lambda x: apply(WrongSquare, x), [x])
    assert not report.ok and report.kinks == 0


def test_float32_inputs_are_a_value_error():
    x = Tensor(np.ones(3, dtype=np.float32), requires_grad=True)
    with pytest.raises(ValueError, match="float64"):
        gradcheck(lambda x: x * 2, [x])
    with pytest.raises(ValueError, match="no input requires grad"):
        gradcheck(lambda x: x * 2, [Tensor(np.ones(3))])


def test_numerical_grad():
    x = Tensor(np.array([1.0, -2.0, 3.0]), requires_grad=True)
    (g, none) = numerical_grad(lambda x, c: (x * x).sum() * c, [x, 2.0])
    np.testing.assert_allclose(g, 4 * x.data, rtol=1e-7)
    assert none is None
    v = np.array([1.0, 0.0, -1.0])
    (g,) = numerical_grad(lambda x: x * x, [x], grad_output=v)
    np.testing.assert_allclose(g, 2 * x.data * v, rtol=1e-7)


def test_inputs_are_restored_and_views_are_perturbed_correctly():
    base = np.random.default_rng(0).standard_normal((3, 4))
    x = Tensor(base.T, requires_grad=True)  # a non-contiguous view, wrapped as is
    before = x.data
    (g,) = numerical_grad(lambda x: (x * x).sum(), [x])
    np.testing.assert_allclose(g, 2 * base.T, rtol=1e-7)
    assert x.data is before and np.array_equal(x.data, base.T)
    assert gradcheck(lambda x: (x.exp() * x).sum(axis=0), [x])


def test_gradcheck_graph_names_the_wrong_op_and_draws_it_red():
    x, w = leaf(3, 4), leaf(4, 2, seed=1)
    with viz.trace():
        h = (x @ w).tanh()
        loss = apply(WrongSquare, h).sum() + (x * 2).exp().mean()
    report = gradcheck_graph(loss)
    assert not report.ok
    assert [n.name for n in report.failures] == ["wrong_square"]
    assert len(report.results) == 8
    assert "wrong VJP: wrong_square" in report.message
    assert "Jacobian mismatch for output 0 with respect to input 0" in report.message
    red = [line for line in report.draw().source.splitlines() if 'fillcolor="#ff5c5c"' in line]
    assert len(red) == 1 and "<B>wrong_square</B>" in red[0]


def test_gradcheck_graph_checks_a_float32_model_in_float64_without_touching_it():
    rng = np.random.default_rng(0)
    model = nn.Sequential(nn.Conv2d(1, 3, 3, padding=1), nn.BatchNorm2d(3), nn.ReLU(),
                          nn.MaxPool2d(2), nn.Flatten(), nn.Dropout(0.3), nn.Linear(12, 4))
    x = Tensor(rng.random((2, 1, 4, 4), dtype=np.float32))
    with viz.trace():
        loss = nn.CrossEntropyLoss()(model(x), Tensor(np.array([1, 3])))
    state = {k: v.copy() for k, v in model.state_dict().items()}
    report = gradcheck_graph(loss)
    assert report.ok, report.message
    assert {r.node.name for r in report.results} >= {"conv2d", "batch_norm", "relu", "max_pool2d", "linear"}
    after = model.state_dict()
    assert all(np.array_equal(state[k], after[k]) for k in state)  # running stats untouched


def test_gradcheck_graph_accepts_kinks():
    x = Tensor(np.array([-1.0, 0.5, 2.0, -3.0]), requires_grad=True)
    with viz.trace():
        loss = (x.relu().relu() * 2).sum()  # the second relu sees exact zeros
    report = gradcheck_graph(loss)
    assert report.ok and re.search(r"\d+ kink elements accepted", report.message)


def test_gradcheck_graph_needs_a_traced_graph():
    with pytest.raises(ValueError, match="trace"):
        gradcheck_graph(leaf(3).exp().sum())
