"""Schedulers: the same learning rates (and momenta) as torch, float for float."""
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


def _pair(kind="sgd"):
    """An npgrad and a torch optimizer with two groups (different lrs)."""
    p, q = nn.Parameter(np.zeros(2)), torch.zeros(2, requires_grad=True)
    extra, their_extra = nn.Parameter(np.zeros(1)), torch.zeros(1, requires_grad=True)
    if kind == "adam":
        return (nn.optim.Adam([{"params": [p]}, {"params": [extra], "lr": 0.05}], lr=0.1),
                torch.optim.Adam([{"params": [q]}, {"params": [their_extra], "lr": 0.05}], lr=0.1), p, q)
    return (nn.optim.SGD([{"params": [p]}, {"params": [extra], "lr": 0.05}], lr=0.1, momentum=0.9),
            torch.optim.SGD([{"params": [q]}, {"params": [their_extra], "lr": 0.05}], lr=0.1, momentum=0.9), p, q)


def _groups(opt, keys):
    return [[(tuple(float(x) for x in g[k]) if isinstance(g[k], (tuple, list)) else float(g[k])) for k in keys]
            for g in opt.param_groups]


S = nn.optim.lr_scheduler
T = torch.optim.lr_scheduler if torch is not None else None
CHAINS = {
    "linear": (lambda o: S.LinearLR(o, start_factor=0.25, total_iters=7),
               lambda o: T.LinearLR(o, start_factor=0.25, total_iters=7), "sgd", ("lr",)),
    "linear-down": (lambda o: S.LinearLR(o, start_factor=1.0, end_factor=0.1, total_iters=12),
                    lambda o: T.LinearLR(o, start_factor=1.0, end_factor=0.1, total_iters=12), "sgd", ("lr",)),
    "onecycle-sgd": (lambda o: S.OneCycleLR(o, max_lr=[0.5, 0.2], total_steps=30),
                     lambda o: T.OneCycleLR(o, max_lr=[0.5, 0.2], total_steps=30), "sgd", ("lr", "momentum")),
    "onecycle-adam-linear-3phase": (
        lambda o: S.OneCycleLR(o, max_lr=0.3, epochs=5, steps_per_epoch=6, pct_start=0.25,
                               anneal_strategy="linear", three_phase=True),
        lambda o: T.OneCycleLR(o, max_lr=0.3, epochs=5, steps_per_epoch=6, pct_start=0.25,
                               anneal_strategy="linear", three_phase=True), "adam", ("lr", "betas")),
    "sequential-warmup-cosine": (
        lambda o: S.SequentialLR(o, [S.LinearLR(o, start_factor=0.1, total_iters=5),
                                     S.CosineAnnealingLR(o, T_max=20)], milestones=[5]),
        lambda o: T.SequentialLR(o, [T.LinearLR(o, start_factor=0.1, total_iters=5),
                                     T.CosineAnnealingLR(o, T_max=20)], milestones=[5]), "sgd", ("lr",)),
    "sequential-three": (
        lambda o: S.SequentialLR(o, [S.StepLR(o, step_size=2, gamma=0.5), S.LinearLR(o, total_iters=4),
                                     S.CosineAnnealingLR(o, T_max=6, eta_min=0.01)], milestones=[7, 15]),
        lambda o: T.SequentialLR(o, [T.StepLR(o, step_size=2, gamma=0.5), T.LinearLR(o, total_iters=4),
                                     T.CosineAnnealingLR(o, T_max=6, eta_min=0.01)], milestones=[7, 15]),
        "sgd", ("lr",)),
}


@pytest.mark.parametrize("name", list(CHAINS))
def test_new_schedulers_equal_torch_step_for_step(name):
    make_ours, make_theirs, kind, keys = CHAINS[name]
    opt, their_opt, p, q = _pair(kind)
    ours, theirs = make_ours(opt), make_theirs(their_opt)
    assert ours.get_last_lr() == theirs.get_last_lr()
    assert _groups(opt, keys) == _groups(their_opt, keys)
    for step in range(29):
        p.grad, q.grad = Tensor(np.ones(2)), torch.ones(2)
        opt.step()
        their_opt.step()
        ours.step()
        theirs.step()
        assert ours.get_last_lr() == theirs.get_last_lr(), step  # exactly the same floats
        assert _groups(opt, keys) == _groups(their_opt, keys), step


def test_reduce_lr_on_plateau_equals_torch_and_resumes(tmp_path):
    rng = np.random.default_rng(0)
    metrics = np.concatenate([np.linspace(1, 0.5, 5), 0.5 + 0.01 * rng.random(25), np.linspace(0.5, 0.1, 10)])
    for options in (dict(factor=0.5, patience=2, cooldown=1, min_lr=[0.01, 0.02]),
                    dict(mode="max", factor=0.3, patience=1, threshold=0.05, threshold_mode="abs")):
        opt, their_opt, _, _ = _pair()
        ours, theirs = S.ReduceLROnPlateau(opt, **options), T.ReduceLROnPlateau(their_opt, **options)
        for i, metric in enumerate(metrics):
            ours.step(metric)
            theirs.step(metric)
            assert ours.get_last_lr() == theirs.get_last_lr(), i
            if i == 20:  # save, reload into a fresh scheduler, continue
                nn.save({"s": ours.state_dict(), "o": opt.state_dict()}, tmp_path / "plateau.npz")
                saved = nn.load(tmp_path / "plateau.npz")
                opt, _, _, _ = _pair()
                opt.load_state_dict(saved["o"])
                ours = S.ReduceLROnPlateau(opt, **options)
                ours.load_state_dict(saved["s"])
        assert ours.get_last_lr() != [0.1, 0.05]  # it did reduce
    with pytest.raises(ValueError, match="factor"):
        S.ReduceLROnPlateau(opt, factor=1.0)


def test_sequential_state_dict_continues_identically(tmp_path):
    def make(o):
        return S.SequentialLR(o, [S.LinearLR(o, start_factor=0.1, total_iters=3), S.StepLR(o, 2, 0.5)], [3])

    opt, _, _, _ = _pair()
    sched = make(opt)
    reference = []
    for _ in range(10):
        sched.step()
        reference.append(sched.get_last_lr())
    opt, _, _, _ = _pair()
    sched = make(opt)
    for _ in range(4):
        sched.step()
    nn.save({"s": sched.state_dict(), "o": opt.state_dict()}, tmp_path / "seq.npz")
    saved = nn.load(tmp_path / "seq.npz")
    opt, _, _, _ = _pair()
    sched = make(opt)
    opt.load_state_dict(saved["o"])
    sched.load_state_dict(saved["s"])
    rest = []
    for _ in range(6):
        sched.step()
        rest.append(sched.get_last_lr())
    assert rest == reference[4:]


def test_new_scheduler_arguments_are_checked():
    opt, _, _, _ = _pair()
    with pytest.raises(ValueError, match="start_factor"):
        S.LinearLR(opt, start_factor=0)
    with pytest.raises(ValueError, match="total_steps"):
        S.OneCycleLR(opt, max_lr=0.1)
    with pytest.raises(ValueError, match="milestones"):
        S.SequentialLR(opt, [S.StepLR(opt, 2)], milestones=[3])
    other, _, _, _ = _pair()
    with pytest.raises(ValueError, match="another optimizer"):
        S.SequentialLR(opt, [S.StepLR(other, 2)], milestones=[])
    sched = S.OneCycleLR(opt, max_lr=0.1, total_steps=2)
    sched.step()
    sched.step()
    with pytest.raises(ValueError, match="total_steps"):
        sched.step()
