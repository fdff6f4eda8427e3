"""WGAN-GP: a gradient penalty through a small convnet with BatchNorm and pooling, trained
through the input gradient (double backward), against PyTorch's double backward."""
import numpy as np
import pytest

import nn
from autograd import Tensor, grad, manual_seed

torch = pytest.importorskip("torch")


def _critics():
    manual_seed(0)
    ours = nn.Sequential(nn.Conv2d(2, 4, 3, padding=1, dtype=np.float64), nn.BatchNorm2d(4, dtype=np.float64),
                         nn.LeakyReLU(0.2), nn.MaxPool2d(2), nn.Conv2d(4, 3, 3, dtype=np.float64),
                         nn.GroupNorm(1, 3, dtype=np.float64), nn.ReLU(), nn.AdaptiveAvgPool2d(1),
                         nn.Flatten(), nn.Linear(3, 1, dtype=np.float64))
    theirs = torch.nn.Sequential(torch.nn.Conv2d(2, 4, 3, padding=1), torch.nn.BatchNorm2d(4),
                                 torch.nn.LeakyReLU(0.2), torch.nn.MaxPool2d(2), torch.nn.Conv2d(4, 3, 3),
                                 torch.nn.GroupNorm(1, 3), torch.nn.ReLU(), torch.nn.AdaptiveAvgPool2d(1),
                                 torch.nn.Flatten(), torch.nn.Linear(3, 1)).double()
    theirs.load_state_dict({k: torch.tensor(np.asarray(v)) for k, v in ours.state_dict().items()})
    return ours, theirs


def test_wgan_gp_penalty_matches_torch_double_backward():
    ours, theirs = _critics()
    r = np.random.default_rng(0)
    real, fake = r.standard_normal((4, 2, 8, 8)), r.standard_normal((4, 2, 8, 8))
    alpha = r.uniform(size=(4, 1, 1, 1))
    mixed0 = alpha * real + (1 - alpha) * fake

    x = Tensor(mixed0.copy(), requires_grad=True)
    (gx,) = grad(ours(x).sum(), x, create_graph=True)
    norms = ((gx * gx).sum(axis=(1, 2, 3)) + 1e-12) ** 0.5
    penalty = ((norms - 1.0) ** 2).mean()
    penalty.backward()

    tx = torch.tensor(mixed0, requires_grad=True)
    (tgx,) = torch.autograd.grad(theirs(tx).sum(), tx, create_graph=True)
    tnorms = ((tgx * tgx).sum(dim=(1, 2, 3)) + 1e-12) ** 0.5
    tpenalty = ((tnorms - 1.0) ** 2).mean()
    tpenalty.backward()

    assert penalty.item() == pytest.approx(tpenalty.item(), rel=1e-9)
    np.testing.assert_allclose(gx.data, tgx.detach().numpy(), rtol=1e-8, atol=1e-12)
    theirs_params = dict(theirs.named_parameters())
    reached = 0
    for name, p in ours.named_parameters():
        expected = theirs_params[name].grad
        if p.grad is None or expected is None:  # a bias the input gradient does not depend on
            for g in (p.grad, expected):
                assert g is None or not np.asarray(g.data if isinstance(g, Tensor) else g).any(), name
            continue
        reached += 1
        np.testing.assert_allclose(p.grad.data, expected.numpy(), rtol=1e-7, atol=1e-10, err_msg=name)
    assert reached >= 8  # every weight, and the biases ahead of the norms and the nonlinearity
    np.testing.assert_allclose(x.grad.data, tx.grad.numpy(), rtol=1e-7, atol=1e-10)
