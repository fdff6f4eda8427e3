"""StepLR and CosineAnnealingLR: the same learning rates as torch over 30 epochs."""
import numpy as np
import pytest

import nn
from autograd import Tensor
from tests.nn.helpers import torch

SCHEDULERS = [
    ("step", lambda o: nn.optim.lr_scheduler.StepLR(o, step_size=7, gamma=0.3),
     lambda o: torch.optim.lr_scheduler.StepLR(o, step_size=7, gamma=0.3)),
    ("cosine", lambda o: nn.optim.lr_scheduler.CosineAnnealingLR(o, T_max=10, eta_min=0.001),
     lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=10, eta_min=0.001)),
    ("cosine-long", lambda o: nn.optim.lr_scheduler.CosineAnnealingLR(o, T_max=40),
     lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=40)),
]


@pytest.mark.parametrize("make_ours, make_theirs", [s[1:] for s in SCHEDULERS], ids=[s[0] for s in SCHEDULERS])
def test_thirty_epochs_of_learning_rates_equal_torch(make_ours, make_theirs):
    p = nn.Parameter(np.zeros(2))
    q = torch.zeros(2, requires_grad=True)
    opt = nn.optim.SGD([{"params": [p]}, {"params": [nn.Parameter(np.zeros(1))], "lr": 0.05}], lr=0.1, momentum=0.9)
    their_opt = torch.optim.SGD([{"params": [q]}, {"params": [torch.zeros(1, requires_grad=True)], "lr": 0.05}],
                                lr=0.1, momentum=0.9)
    ours, theirs = make_ours(opt), make_theirs(their_opt)
    assert ours.get_last_lr() == theirs.get_last_lr()
    for epoch in range(30):
        p.grad = Tensor(np.ones(2))
        q.grad = torch.ones(2)
        opt.step()
        their_opt.step()
        ours.step()
        theirs.step()
        assert ours.get_last_lr() == theirs.get_last_lr(), epoch  # exactly the same floats
        assert [g["lr"] for g in opt.param_groups] == [g["lr"] for g in their_opt.param_groups]


def test_closed_form_step_and_state_dict(tmp_path):
    opt = nn.optim.SGD([nn.Parameter(np.zeros(1))], lr=1.0)
    sched = nn.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
    sched.step(epoch=5)
    assert opt.param_groups[0]["lr"] == 0.25
    nn.save(sched.state_dict(), tmp_path / "sched.npz")
    other = nn.optim.lr_scheduler.StepLR(nn.optim.SGD([nn.Parameter(np.zeros(1))], lr=1.0), step_size=9)
    other.load_state_dict(nn.load(tmp_path / "sched.npz"))
    assert other.last_epoch == 5 and other.step_size == 2 and other.get_last_lr() == [0.25]
    with pytest.raises(ValueError):
        nn.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=0)
    with pytest.raises(TypeError):
        nn.optim.lr_scheduler.StepLR("not an optimizer", step_size=1)
