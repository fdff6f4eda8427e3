"""Every VJP is linear in its upstream gradient, and so differentiable in it.

A rule that masks on `g == 0` (to keep an inactive `where` branch finite) is still right
at first order but loses terms once the gradient itself is differentiated: Hessians,
HVPs through zero-initialised layers, and the forward-mode trick (a JVP as the
derivative of a VJP with respect to a zero cotangent) come out silently wrong. These
tests walk every sample case of every registered op.
"""
import numpy as np
import pytest

import ops
from autograd import Tensor, grad, registry
from ops.samples import all_cases

CASES = [c for c in all_cases() if c.gradcheck and any(c.wants_grad())]


def _outputs(out):
    return out if isinstance(out, tuple) else (out,)


def _vjp(case, inputs, cotangents, **kwargs):
    wanted = [t for t in inputs if isinstance(t, Tensor) and t.requires_grad]
    outs = _outputs(case.fn(*inputs))
    pairs = [(o, c) for o, c in zip(outs, cotangents) if o.requires_grad]
    found = grad([o for o, _ in pairs], wanted, grad_outputs=[c for _, c in pairs],
                 allow_unused=True, **kwargs)
    return wanted, [np.zeros(t.shape) if g is None else g for g, t in zip(found, wanted)]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_vjp_is_linear_in_the_upstream_gradient(case):
    rng = np.random.default_rng(3)
    shapes = [o.shape for o in _outputs(case.fn(*case.tensors()))]
    g1 = [rng.standard_normal(s) for s in shapes]
    g2 = [rng.standard_normal(s) for s in shapes]
    for a, b in [(1.0, 0.0), (0.0, 1.0), (2.5, -0.5), (0.0, 0.0)]:
        mixed = [a * x + b * y for x, y in zip(g1, g2)]
        _, left = _vjp(case, case.tensors(), mixed)
        _, right1 = _vjp(case, case.tensors(), g1)
        _, right2 = _vjp(case, case.tensors(), g2)
        for i, (l, r1, r2) in enumerate(zip(left, right1, right2)):
            expected = a * np.asarray(r1.data if isinstance(r1, Tensor) else r1) \
                + b * np.asarray(r2.data if isinstance(r2, Tensor) else r2)
            got = l.data if isinstance(l, Tensor) else l
            np.testing.assert_allclose(got, expected, rtol=1e-9, atol=1e-12,
                                       err_msg=f"{case}: input {i}, a={a}, b={b}")


SECOND_ORDER = [c for c in CASES if registry[c.op].twice_differentiable]


@pytest.mark.parametrize("case", SECOND_ORDER, ids=str)
def test_jvp_through_a_zero_cotangent_matches_finite_differences(case):
    """d/dg <VJP(g), u> at g = 0 is the Jacobian times u (the double-VJP trick)."""
    rng = np.random.default_rng(4)
    inputs = case.tensors()
    wanted = [t for t in inputs if isinstance(t, Tensor) and t.requires_grad]
    directions = [rng.standard_normal(t.shape) for t in wanted]
    shapes = [o.shape for o in _outputs(case.fn(*case.tensors()))]
    zeros = [Tensor(np.zeros(s), requires_grad=True) for s in shapes]
    wanted, vjps = _vjp(case, inputs, zeros, create_graph=True)
    inner = sum((Tensor(u) * v).sum() for u, v in zip(directions, vjps) if isinstance(v, Tensor))
    if isinstance(inner, Tensor) and inner.requires_grad:
        jvps = grad(inner, zeros, allow_unused=True)
    else:  # a zero-gradient op (sign, floor): its VJP does not depend on the cotangent
        jvps = [None] * len(zeros)

    eps = 1e-6

    def shifted(sign):
        moved, k = [], 0
        for t in case.tensors():
            if isinstance(t, Tensor) and t.requires_grad:
                t = Tensor(t.data + sign * eps * directions[k], requires_grad=True)
                k += 1
            moved.append(t)
        return [o.data for o in _outputs(case.fn(*moved))]

    numeric = [(p - m) / (2 * eps) for p, m in zip(shifted(1), shifted(-1))]
    for i, (j, n) in enumerate(zip(jvps, numeric)):
        got = np.zeros(n.shape) if j is None else j.data
        np.testing.assert_allclose(got, n, rtol=1e-4, atol=1e-5, err_msg=f"{case}: output {i}")


def test_hessian_at_a_zero_upstream_gradient_matches_pytorch():
    # f(x) = x0 * x1**2 at (0, 1): the Hessian is [[0, 2], [2, 0]]
    x = Tensor(np.array([0.0, 1.0]), requires_grad=True)
    (g,) = grad(x[0] * x[1] ** 2, x, create_graph=True)
    rows = [grad(g[i], x, retain_graph=True)[0].data for i in range(2)]
    np.testing.assert_allclose(np.stack(rows), [[0.0, 2.0], [2.0, 0.0]])


def test_hvp_of_a_net_with_a_zero_initialised_output_layer_matches_pytorch():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(5)
    x0, w1_0, v0 = rng.standard_normal((8, 3)), rng.standard_normal((3, 4)), rng.standard_normal((3, 4))
    w2_0 = np.zeros((4, 1))

    def loss(lib, x, w1, w2):
        h = (x @ w1).tanh() if lib == "torch" else ops.tanh(x @ w1)
        return ((h @ w2 - 1.0) ** 2).sum() / ((x @ w1) ** 2 + 1.0).sqrt().sum()

    w1, w2 = Tensor(w1_0.copy(), requires_grad=True), Tensor(w2_0.copy(), requires_grad=True)
    gw1, gw2 = grad(loss("npgrad", Tensor(x0), w1, w2), (w1, w2), create_graph=True)
    (hv,) = grad((gw1 * Tensor(v0)).sum(), w2)

    tw1 = torch.tensor(w1_0, requires_grad=True)
    tw2 = torch.tensor(w2_0, requires_grad=True)
    tg1, _ = torch.autograd.grad(loss("torch", torch.tensor(x0), tw1, tw2), (tw1, tw2), create_graph=True)
    (thv,) = torch.autograd.grad((tg1 * torch.tensor(v0)).sum(), tw2)
    np.testing.assert_allclose(hv.data, thv.numpy(), rtol=1e-10, atol=1e-12)
