"""create_graph=True: Hessian-vector products and gradient penalties against finite differences."""
import numpy as np
import pytest

import ops
from autograd import Tensor, enable_grad, gradcheck, grad, registry
from ops.samples import all_cases


def hvp(fn, x0, v):
    """Hessian-vector product through double backward."""
    x = Tensor(x0.copy(), requires_grad=True)
    (g,) = grad(fn(x), x, create_graph=True)
    (hv,) = grad((g * Tensor(v)).sum(), x)
    return hv.data


def hvp_numeric(fn, x0, v, eps=1e-5):
    """Central differences of the gradient along v."""

    def gradient(at):
        x = Tensor(at, requires_grad=True)
        fn(x).backward()
        return x.grad.data

    return (gradient(x0 + eps * v) - gradient(x0 - eps * v)) / (2 * eps)


W = np.random.default_rng(0).standard_normal((4, 3))
CHAINS = {
    "tanh": lambda x: x.tanh().sum(),
    "exp": lambda x: (x.exp() * x).sum(),
    "mul": lambda x: (x * x * x).sum(),
    "matmul": lambda x: ((x @ Tensor(W)) ** 2).sum(),
    "sum-mean": lambda x: (x.sum(axis=1) ** 3).mean(),
    "softmax": lambda x: (ops.softmax(x, axis=-1) * Tensor(np.arange(4.0))).sum(),
    "log_softmax": lambda x: (ops.log_softmax(x) ** 2).sum(),
    "chain": lambda x: (ops.softmax((x @ Tensor(W)).tanh().exp(), axis=-1) * x[:, :3]).sum(),
    "div-sqrt-log": lambda x: (ops.sqrt(x * x + 1) / (x.exp() + 1)).log().sum(),
    "var-std": lambda x: x.var(axis=0).sum() + x.std(axis=1).sum(),
    "logsumexp-max": lambda x: ops.logsumexp(x, axis=1).sum() + (x * x).max(axis=0).sum(),
    "linear": lambda x: (ops.linear(x, Tensor(W.T), Tensor(np.ones(3))) ** 2).sum(),
    "sigmoid-relu": lambda x: (ops.sigmoid(x) * ops.relu(x + 0.123)).sum(),
    "shape-ops": lambda x: (ops.concatenate([x, x.T.reshape(3, 4)], axis=0) ** 3)[1:, ::2].sum(),
    "pow-abs-clip": lambda x: (ops.abs(x) ** 2.5 + ops.clip(x, -0.5, 0.5) * x).sum(),
}


@pytest.mark.parametrize("name", sorted(CHAINS))
def test_hessian_vector_product_matches_finite_differences(name):
    rng = np.random.default_rng(1)
    x0 = rng.standard_normal((3, 4))
    v = rng.standard_normal((3, 4))
    np.testing.assert_allclose(hvp(CHAINS[name], x0, v), hvp_numeric(CHAINS[name], x0, v),
                               rtol=1e-5, atol=1e-6)


def test_third_derivative():
    x = Tensor(np.array([0.7]), requires_grad=True)
    (g1,) = grad((x ** 4).sum(), x, create_graph=True)
    (g2,) = grad(g1.sum(), x, create_graph=True)
    (g3,) = grad(g2.sum(), x)
    assert g3.item() == pytest.approx(24 * 0.7)


def test_gradient_penalty_trains_through_the_gradient():
    rng = np.random.default_rng(2)
    w = Tensor(rng.standard_normal((3, 1)), requires_grad=True)
    x = Tensor(rng.standard_normal((5, 3)), requires_grad=True)
    out = (x @ w).tanh().sum()
    (gx,) = grad(out, x, create_graph=True)
    penalty = ((gx * gx).sum(axis=1) - 1) ** 2
    penalty.sum().backward()
    assert w.grad is not None and w.grad.shape == (3, 1)

    def penalty_at(w_values):
        wt = Tensor(w_values, requires_grad=False)
        xt = Tensor(x.data, requires_grad=True)
        (gxt,) = grad((xt @ wt).tanh().sum(), xt)
        return float((((gxt.data ** 2).sum(axis=1) - 1) ** 2).sum())

    eps = 1e-6
    numeric = np.zeros(3)
    for i in range(3):
        step = np.zeros((3, 1))
        step[i] = eps
        numeric[i] = (penalty_at(w.data + step) - penalty_at(w.data - step)) / (2 * eps)
    np.testing.assert_allclose(w.grad.data[:, 0], numeric, rtol=1e-5)


def test_plain_backward_gives_array_gradients_without_graph():
    x = Tensor(np.array([1.0, 2.0]), requires_grad=True)
    (x.tanh() * x).sum().backward()
    assert x.grad.grad_fn is None and not x.grad.requires_grad


def test_create_graph_gives_differentiable_grad():
    x = Tensor(np.array([1.0, 2.0]), requires_grad=True)
    (x.exp() * x).sum().backward(create_graph=True)
    first = x.grad
    assert first.requires_grad and first.grad_fn is not None
    x.grad = None
    first.sum().backward()  # through the forward graph again: create_graph retained it
    np.testing.assert_allclose(x.grad.data, np.exp(x.data) * (x.data + 2))


def test_op_that_is_not_twice_differentiable_says_so():
    from autograd.function import Function
    from autograd.tensor import apply

    class Cube(Function):  # a kernel VJP that keeps a derived array
        name = "cube"
        twice_differentiable = False

        def forward(self, a):
            self.save(3 * a * a)
            return a ** 3

        def vjp(self, g):
            (slope,) = self.saved
            return g * slope

    x = Tensor(np.array([0.5, -0.3]), requires_grad=True)
    with pytest.raises(RuntimeError, match="cube cannot be differentiated twice"):
        grad(apply(Cube, x).sum(), x, create_graph=True)


TWICE = [c for c in all_cases() if c.gradcheck and registry[c.op].twice_differentiable]


@pytest.mark.parametrize("case", TWICE, ids=str)
def test_every_twice_differentiable_op_differentiates_twice(case):
    """Second derivatives of every op that claims them: gradcheck of the VJP itself."""
    inputs = case.tensors()
    out = case.fn(*inputs)
    upstream = np.random.default_rng(3).standard_normal(out.shape)
    grad_inputs = [t for t in inputs if isinstance(t, Tensor) and t.requires_grad]

    def first_derivative(*xs):
        """The VJP of the op at xs, itself a differentiable function of xs."""
        it = iter(xs)
        rebuilt = [next(it) if isinstance(t, Tensor) and t.requires_grad else t for t in inputs]
        with enable_grad():  # gradcheck evaluates under no_grad; grad() needs a graph
            y = case.fn(*rebuilt)
            grads = grad((y * Tensor(upstream)).sum(), list(xs), create_graph=True)
        return tuple(grads)

    assert gradcheck(first_derivative, [Tensor(t.data.copy(), requires_grad=True) for t in grad_inputs],
                     atol=1e-4, rtol=1e-3)


def test_every_registered_op_is_twice_differentiable():
    """SPEC's goal, reached: a rule that cannot be differentiated twice must be added here
    consciously (and is then checked to refuse create_graph, as `Cube` above)."""
    once = sorted(name for name, cls in registry.items() if not cls.twice_differentiable)
    assert once == []
