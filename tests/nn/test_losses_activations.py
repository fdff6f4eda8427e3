"""Loss and activation modules against torch.nn: forward values, input gradients,
state_dict keys, reprs of options, and second derivatives through the loss."""
import numpy as np
import pytest

import nn
from autograd import Tensor, grad

torch = pytest.importorskip("torch")

R = np.random.default_rng(0)
W4 = np.array([0.5, 2.0, 1.0, 3.0])
LABELS = np.array([0, 3, 1, 1, 2, -100])
PROBS = R.dirichlet(np.ones(4), 6)
UNIT = R.uniform(0.05, 0.95, (6, 4))
BINARY = R.uniform(0, 1, (6, 4))

# name: (npgrad module, torch module, input array, target array, input transform)
LOSSES = {
    "ce-weight-ignore-smooth": (lambda: nn.CrossEntropyLoss(weight=W4, label_smoothing=0.1),
                                lambda: torch.nn.CrossEntropyLoss(weight=torch.tensor(W4), label_smoothing=0.1),
                                LABELS),
    "ce-probabilities": (lambda: nn.CrossEntropyLoss(reduction="sum"),
                         lambda: torch.nn.CrossEntropyLoss(reduction="sum"), PROBS),
    "nll-weight": (lambda: nn.NLLLoss(weight=W4, reduction="none"),
                   lambda: torch.nn.NLLLoss(weight=torch.tensor(W4), reduction="none"), LABELS),
    "nll-ignore-2": (lambda: nn.NLLLoss(ignore_index=2), lambda: torch.nn.NLLLoss(ignore_index=2),
                     np.array([0, 3, 1, 1, 2, 2])),
    "mse": (lambda: nn.MSELoss(), lambda: torch.nn.MSELoss(), BINARY),
    "l1": (lambda: nn.L1Loss(reduction="sum"), lambda: torch.nn.L1Loss(reduction="sum"), BINARY),
    "smooth-l1": (lambda: nn.SmoothL1Loss(beta=0.3), lambda: torch.nn.SmoothL1Loss(beta=0.3), BINARY),
    "huber": (lambda: nn.HuberLoss(delta=0.4), lambda: torch.nn.HuberLoss(delta=0.4), BINARY),
    "bce": (lambda: nn.BCELoss(weight=W4), lambda: torch.nn.BCELoss(weight=torch.tensor(W4)), BINARY),
    "bce-logits": (lambda: nn.BCEWithLogitsLoss(weight=W4, pos_weight=W4[::-1].copy()),
                   lambda: torch.nn.BCEWithLogitsLoss(weight=torch.tensor(W4), pos_weight=torch.tensor(W4[::-1].copy())),
                   BINARY),
    "kl-batchmean": (lambda: nn.KLDivLoss(reduction="batchmean"),
                     lambda: torch.nn.KLDivLoss(reduction="batchmean"), PROBS),
    "kl-log-target": (lambda: nn.KLDivLoss(reduction="sum", log_target=True),
                      lambda: torch.nn.KLDivLoss(reduction="sum", log_target=True), np.log(PROBS)),
}


def _input(name):
    x = R.standard_normal((6, 4)) if name != "bce" else UNIT
    if name.startswith("nll") or name.startswith("kl"):
        x = x - np.log(np.exp(x).sum(axis=1, keepdims=True))  # log-probabilities
    return x


@pytest.mark.parametrize("name", sorted(LOSSES))
def test_loss_module_matches_torch_with_second_derivative(name):
    ours_fn, theirs_fn, target = LOSSES[name]
    x = _input(name)
    xt = Tensor(x.copy(), requires_grad=True)
    tx = torch.tensor(x, requires_grad=True)
    ours, theirs = ours_fn(), theirs_fn()
    assert list(ours.state_dict()) == list(theirs.state_dict())
    out = ours(xt, target)
    expected = theirs(tx, torch.tensor(target))
    np.testing.assert_allclose(out.data, expected.detach().numpy(), rtol=1e-10, atol=1e-12)
    v = np.random.default_rng(1).standard_normal(out.shape)
    (gx,) = grad((out * Tensor(v)).sum(), xt, create_graph=True)
    (tgx,) = torch.autograd.grad((expected * torch.tensor(v)).sum(), tx, create_graph=True)
    np.testing.assert_allclose(gx.data, tgx.detach().numpy(), rtol=1e-9, atol=1e-12)
    u = np.random.default_rng(2).standard_normal(x.shape)  # second derivative along u
    if tgx.requires_grad:
        (thx,) = torch.autograd.grad((tgx * torch.tensor(u)).sum(), tx, allow_unused=True,
                                     materialize_grads=True)
    else:  # linear in the input (KL, NLL): torch's first derivative is a constant
        thx = torch.zeros(x.shape)
    if gx.requires_grad:
        (hx,) = grad((gx * Tensor(u)).sum(), xt, allow_unused=True)
        hx = np.zeros(x.shape) if hx is None else hx.data
    else:  # piecewise-linear loss: our first derivative is a constant
        hx = np.zeros(x.shape)
    np.testing.assert_allclose(hx, thx.numpy(force=True), rtol=1e-8, atol=1e-10)


def test_cosine_embedding_loss_matches_torch_to_second_order():
    r = np.random.default_rng(9)
    x1, x2 = r.standard_normal((5, 3)), r.standard_normal((5, 3))
    y = np.array([1, -1, 1, -1, -1])
    a, b = Tensor(x1, requires_grad=True), Tensor(x2, requires_grad=True)
    ta, tb = torch.tensor(x1, requires_grad=True), torch.tensor(x2, requires_grad=True)
    out = nn.CosineEmbeddingLoss(margin=-0.3)(a, b, y)
    expected = torch.nn.CosineEmbeddingLoss(margin=-0.3)(ta, tb, torch.tensor(y))
    np.testing.assert_allclose(out.item(), expected.item(), rtol=1e-12)
    ga, gb = grad(out, [a, b], create_graph=True)
    tga, tgb = torch.autograd.grad(expected, [ta, tb], create_graph=True)
    np.testing.assert_allclose(ga.data, tga.detach().numpy(), rtol=1e-10, atol=1e-12)
    (ha,) = grad((ga * gb).sum(), a)
    (tha,) = torch.autograd.grad((tga * tgb).sum(), ta)
    np.testing.assert_allclose(ha.data, tha.numpy(), rtol=1e-9, atol=1e-12)
    with pytest.raises(ValueError, match="target values must be 1 or -1"):
        nn.CosineEmbeddingLoss()(a, b, np.zeros(5, int))


def test_legacy_reduce_flags_and_bad_reduction():
    assert nn.MSELoss(reduce=False).reduction == "none"
    assert nn.L1Loss(size_average=False).reduction == "sum"
    with pytest.raises(ValueError, match="KLDivLoss: reduction must be one of"):
        nn.KLDivLoss(reduction="avg")
    assert nn.KLDivLoss(reduction="batchmean").reduction == "batchmean"
    with pytest.raises(ValueError, match="BCELoss: reduction must be one of"):
        nn.BCELoss(reduction="batchmean")


def test_weight_buffers_load_from_torch_state_dict():
    theirs = torch.nn.BCEWithLogitsLoss(pos_weight=torch.tensor([1.0, 2.0]))
    ours = nn.BCEWithLogitsLoss(pos_weight=np.zeros(2))
    ours.load_state_dict({k: v.numpy() for k, v in theirs.state_dict().items()})
    np.testing.assert_array_equal(ours.pos_weight.data, [1.0, 2.0])


# ---------------------------------------------------------------------- activations
ACTIVATIONS = {
    "SiLU": ({}, {}), "Mish": ({}, {}), "SELU": ({}, {}), "LogSigmoid": ({}, {}),
    "Softsign": ({}, {}), "ReLU6": ({}, {}),
    "Softplus": ({"beta": 2.0, "threshold": 3.0}, None), "ELU": ({"alpha": 0.5}, None),
    "Hardtanh": ({"min_val": -0.5, "max_val": 2.0}, None),
    "PReLU": ({"num_parameters": 3, "init": 0.1}, None),
}


def _away_from_kinks(x, kinks):
    for k in kinks:
        x = np.where(np.abs(x - k) < 0.02, x + 0.05, x)
    return x


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_activation_module_matches_torch_to_second_order(name):
    kwargs = ACTIVATIONS[name][0]
    ours = getattr(nn, name)(**kwargs).double()
    theirs = getattr(torch.nn, name)(**kwargs).double()
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert repr(ours) == repr(theirs)
    x = _away_from_kinks(np.random.default_rng(3).standard_normal((2, 3, 4)) * 3, (0.0, -0.5, 2.0, 6.0, 1.5))
    xt = Tensor(x.copy(), requires_grad=True)
    tx = torch.tensor(x, requires_grad=True)
    out, expected = ours(xt), theirs(tx)
    np.testing.assert_allclose(out.data, expected.detach().numpy(), rtol=1e-10, atol=1e-12)
    v = np.random.default_rng(4).standard_normal(x.shape)
    (gx,) = grad((out * Tensor(v)).sum(), xt, create_graph=True)
    (tgx,) = torch.autograd.grad((expected * torch.tensor(v)).sum(), tx, create_graph=True)
    np.testing.assert_allclose(gx.data, tgx.detach().numpy(), rtol=1e-9, atol=1e-12)
    u = np.random.default_rng(5).standard_normal(x.shape)
    thx = (torch.autograd.grad((tgx * torch.tensor(u)).sum(), tx)[0].numpy()
           if tgx.requires_grad else np.zeros(x.shape))
    if gx.requires_grad:
        (hx,) = grad((gx * Tensor(u)).sum(), xt, allow_unused=True)
        hx = np.zeros(x.shape) if hx is None else hx.data
    else:
        hx = np.zeros(x.shape)
    np.testing.assert_allclose(hx, thx, rtol=1e-8, atol=1e-10)


def test_prelu_weight_gradient_and_init():
    ours = nn.PReLU(3).double()
    theirs = torch.nn.PReLU(3).double()
    np.testing.assert_array_equal(ours.weight.data, theirs.weight.detach().numpy())
    x = np.random.default_rng(6).standard_normal((4, 3, 5))
    (ours(Tensor(x)) ** 2).sum().backward()
    (theirs(torch.tensor(x)) ** 2).sum().backward()
    np.testing.assert_allclose(ours.weight.grad.data, theirs.weight.grad.numpy(), rtol=1e-12)
    with pytest.raises(ValueError, match="prelu: weight of 3 slopes does not match the 4 channels"):
        ours(Tensor(np.ones((2, 4))))
    assert nn.PReLU().weight.dtype == np.float32


@pytest.mark.parametrize("make", [lambda: nn.LeakyReLU("a"), lambda: nn.Softplus(beta="2"),
                                  lambda: nn.ELU(alpha=None), lambda: nn.Hardtanh(min_val="x")])
def test_non_numeric_hyperparameters_raise_type_error(make):
    with pytest.raises(TypeError, match="must be a real number"):
        make()


def test_hardtanh_bounds_checked():
    with pytest.raises(ValueError, match="max_val"):
        nn.Hardtanh(1.0, -1.0)
