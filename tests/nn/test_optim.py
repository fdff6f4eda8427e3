"""Optimizers against torch.optim: single steps for every option, 20-step training
trajectories in float64 (identical weights and batches), groups, state dicts, atomic steps."""
import numpy as np
import pytest

import nn
from autograd import Tensor, is_grad_enabled, manual_seed
from tests.nn.helpers import assert_same_state, torch, twin

OPTIMIZERS = {
    "sgd": (nn.optim.SGD, torch.optim.SGD),
    "rmsprop": (nn.optim.RMSprop, torch.optim.RMSprop),
    "adam": (nn.optim.Adam, torch.optim.Adam),
    "adamw": (nn.optim.AdamW, torch.optim.AdamW),
    "adagrad": (nn.optim.Adagrad, torch.optim.Adagrad),
}

SETTINGS = [
    ("sgd", dict(lr=0.1)),
    ("sgd", dict(lr=0.1, momentum=0.9, dampening=0.3, weight_decay=0.01)),
    ("sgd", dict(lr=0.1, momentum=0.9, nesterov=True, weight_decay=1e-4)),
    ("rmsprop", dict(lr=0.01)),
    ("rmsprop", dict(lr=0.01, alpha=0.9, momentum=0.8, weight_decay=0.01, centered=True)),
    ("adam", dict(lr=0.01)),
    ("adam", dict(lr=0.01, betas=(0.8, 0.99), weight_decay=0.1, amsgrad=True)),
    ("adamw", dict(lr=0.01)),
    ("adamw", dict(lr=0.01, weight_decay=0.3, amsgrad=True, eps=1e-6)),
    ("sgd", dict(lr=0.1, momentum=0.9, weight_decay=0.01, maximize=True)),
    ("rmsprop", dict(lr=0.01, momentum=0.5, maximize=True)),
    ("adam", dict(lr=0.01, amsgrad=True, maximize=True)),
    ("adamw", dict(lr=0.01, weight_decay=0.1, maximize=True)),
    ("adagrad", dict(lr=0.1)),
    ("adagrad", dict(lr=0.1, lr_decay=0.05, weight_decay=0.01, initial_accumulator_value=0.3, eps=1e-6)),
    ("adagrad", dict(lr=0.1, weight_decay=0.01, maximize=True)),
]


@pytest.mark.parametrize("kind, options", SETTINGS, ids=[f"{k}-{i}" for i, (k, _) in enumerate(SETTINGS)])
def test_update_rule_matches_torch_on_random_gradients(kind, options):
    ours_cls, theirs_cls = OPTIMIZERS[kind]
    rng = np.random.default_rng(0)
    start = [rng.standard_normal((3, 4)), rng.standard_normal(5)]
    ours = [nn.Parameter(a.copy()) for a in start]
    theirs = [torch.tensor(a.copy(), requires_grad=True) for a in start]
    opt, their_opt = ours_cls(ours, **options), theirs_cls(theirs, **options)
    for _ in range(6):
        for p, q in zip(ours, theirs):
            g = rng.standard_normal(p.shape)
            p.grad = Tensor(g.copy())
            q.grad = torch.from_numpy(g.copy())
        opt.step()
        their_opt.step()
    for p, q in zip(ours, theirs):
        np.testing.assert_allclose(p.data, q.detach().numpy(), rtol=1e-12, atol=1e-12)


# ------------------------------------------------------------- trajectories
def digits_batches(steps, batch_size, flat):
    (x, y), _ = nn.data.load_digits()
    x = x.astype(np.float64).reshape(len(x), -1) if flat else x.astype(np.float64)
    loader = nn.data.DataLoader((x, y), batch_size, shuffle=True, rng=np.random.default_rng(0))
    batches = []
    while len(batches) < steps:
        batches.extend((bx.data, by.data) for bx, by in loader)
    return batches[:steps]


def train_both(ours, theirs, make_opts, batches):
    """Same batches through both models; return the per-step losses."""
    opt, their_opt = make_opts(ours, theirs)
    loss_fn, their_loss_fn = nn.CrossEntropyLoss(), torch.nn.CrossEntropyLoss()
    losses = []
    for x, y in batches:
        loss = loss_fn(ours(Tensor(x)), Tensor(y))
        opt.zero_grad()
        loss.backward()
        opt.step()
        their_loss = their_loss_fn(theirs(torch.from_numpy(x)), torch.from_numpy(y))
        their_opt.zero_grad()
        their_loss.backward()
        their_opt.step()
        losses.append((loss.item(), their_loss.item()))
    return np.array(losses)


def mlp_pair():
    manual_seed(1)
    ours = nn.Sequential(nn.Linear(64, 32, dtype=np.float64), nn.ReLU(), nn.Linear(32, 10, dtype=np.float64))
    theirs = torch.nn.Sequential(torch.nn.Linear(64, 32), torch.nn.ReLU(), torch.nn.Linear(32, 10))
    return ours, twin(ours, theirs)


def convnet_pair():
    manual_seed(2)
    ours = nn.Sequential(
        nn.Conv2d(1, 8, 3, padding=1, dtype=np.float64), nn.BatchNorm2d(8, dtype=np.float64), nn.ReLU(),
        nn.MaxPool2d(2), nn.Flatten(), nn.Linear(8 * 4 * 4, 10, dtype=np.float64))
    theirs = torch.nn.Sequential(
        torch.nn.Conv2d(1, 8, 3, padding=1), torch.nn.BatchNorm2d(8), torch.nn.ReLU(),
        torch.nn.MaxPool2d(2), torch.nn.Flatten(), torch.nn.Linear(8 * 4 * 4, 10))
    return ours, twin(ours, theirs)


TRAJECTORIES = {
    "mlp-sgd-nesterov": (mlp_pair, True, lambda a, b: (
        nn.optim.SGD(a.parameters(), lr=0.1, momentum=0.9, nesterov=True, weight_decay=1e-4),
        torch.optim.SGD(b.parameters(), lr=0.1, momentum=0.9, nesterov=True, weight_decay=1e-4))),
    "mlp-rmsprop-momentum": (mlp_pair, True, lambda a, b: (
        nn.optim.RMSprop(a.parameters(), lr=1e-3, momentum=0.9, weight_decay=1e-3),
        torch.optim.RMSprop(b.parameters(), lr=1e-3, momentum=0.9, weight_decay=1e-3))),
    "convnet-bn-adam": (convnet_pair, False, lambda a, b: (
        nn.optim.Adam(a.parameters(), lr=1e-2, weight_decay=1e-4),
        torch.optim.Adam(b.parameters(), lr=1e-2, weight_decay=1e-4))),
    "convnet-bn-adamw": (convnet_pair, False, lambda a, b: (
        nn.optim.AdamW(a.parameters(), lr=1e-2, weight_decay=0.05),
        torch.optim.AdamW(b.parameters(), lr=1e-2, weight_decay=0.05))),
}


@pytest.mark.parametrize("name", list(TRAJECTORIES))
def test_twenty_step_training_trajectory_matches_torch(name):
    make_pair, flat, make_opts = TRAJECTORIES[name]
    ours, theirs = make_pair()
    losses = train_both(ours, theirs, make_opts, digits_batches(20, 32, flat))
    np.testing.assert_allclose(losses[:, 0], losses[:, 1], rtol=1e-9)
    assert losses[-1, 0] < losses[0, 0]  # it did learn
    assert_same_state(ours, theirs, atol=1e-6, rtol=1e-6)  # parameters and BN buffers


# ----------------------------------------------------------- semantics
def params(*shapes):
    return [nn.Parameter(np.ones(s)) for s in shapes]


def test_parameter_groups_override_defaults():
    a, b = params(2, 3)
    opt = nn.optim.SGD([{"params": [a], "lr": 0.5}, {"params": [b]}], lr=0.1, momentum=0.9)
    assert opt.param_groups[0]["lr"] == 0.5 and opt.param_groups[1]["lr"] == 0.1
    assert opt.param_groups[1]["momentum"] == 0.9
    a.grad, b.grad = Tensor(np.ones(2)), Tensor(np.ones(3))
    opt.step()
    assert np.allclose(a.data, 0.5) and np.allclose(b.data, 0.9)
    opt.param_groups[1]["lr"] = 0.0
    with pytest.raises(ValueError, match="twice"):
        opt.add_param_group({"params": [a]})


def test_param_with_no_grad_is_skipped_and_gets_no_state():
    a, b = params(2, 2)
    opt = nn.optim.Adam([a, b], lr=0.1)
    a.grad = Tensor(np.ones(2))
    opt.step()
    assert not np.allclose(a.data, 1) and np.all(b.data == 1)
    assert b not in opt.state and opt.state[a]["step"] == 1


def test_step_records_no_graph():
    (a,) = params(3)
    seen = []

    class Spy(nn.optim.SGD):
        def update(self, param, grad, state, group):
            seen.append(is_grad_enabled())
            super().update(param, grad, state, group)

    opt = Spy([a], lr=0.1)
    a.grad = Tensor(np.ones(3))
    opt.step()
    assert seen == [False] and a.grad_fn is None and a.is_leaf


def test_failed_step_leaves_every_parameter_untouched():
    a, b = params(2, 3)
    opt = nn.optim.SGD([a, b], lr=0.1, momentum=0.9)
    a.grad = Tensor(np.ones(2))
    b.grad = Tensor(np.ones(3, dtype=np.int64))  # an integer gradient: invalid
    with pytest.raises(ValueError, match="gradient"):
        opt.step()
    assert np.all(a.data == 1) and np.all(b.data == 1) and not opt.state
    b.grad = Tensor(np.ones(3))
    opt.param_groups[0]["lr"] = -1.0  # a bad hyperparameter is also caught before any update
    with pytest.raises(ValueError, match="learning rate"):
        opt.step()
    assert np.all(a.data == 1)


def test_closure_runs_with_grad_enabled_and_returns_loss():
    (a,) = params(2)
    opt = nn.optim.SGD([a], lr=0.1)

    def closure():
        opt.zero_grad()
        loss = (a * a).sum()
        loss.backward()
        return loss

    from autograd import no_grad

    with no_grad():
        loss = opt.step(closure)
    assert loss.item() == 2.0 and np.allclose(a.data, 0.8)


def test_state_dict_round_trip_continues_identically():
    rng = np.random.default_rng(0)
    grads = [rng.standard_normal(4) for _ in range(6)]

    def run(opt, p, gs):
        for g in gs:
            p.grad = Tensor(g)
            opt.step()

    p = nn.Parameter(np.zeros(4))
    opt = nn.optim.Adam([p], lr=0.1, amsgrad=True)
    run(opt, p, grads)  # the reference: six steps straight

    q = nn.Parameter(np.zeros(4))
    first = nn.optim.Adam([q], lr=0.1, amsgrad=True)
    run(first, q, grads[:3])
    saved = first.state_dict()
    assert saved["param_groups"][0]["params"] == [0] and set(saved["state"][0]) >= {"step", "exp_avg"}
    second = nn.optim.Adam([q], lr=0.5)  # different lr: restored from the state dict
    second.load_state_dict(saved)
    assert second.param_groups[0]["lr"] == 0.1 and second.param_groups[0]["amsgrad"]
    run(second, q, grads[3:])
    np.testing.assert_allclose(q.data, p.data, rtol=1e-15)


def test_state_dict_survives_save_and_load(tmp_path):
    p = nn.Parameter(np.zeros(3))
    opt = nn.optim.SGD([p], lr=0.1, momentum=0.9)
    p.grad = Tensor(np.ones(3))
    opt.step()
    nn.save(opt.state_dict(), tmp_path / "opt.npz")
    other = nn.optim.SGD([p], lr=0.1, momentum=0.9)
    other.load_state_dict(nn.load(tmp_path / "opt.npz"))
    np.testing.assert_array_equal(other.state[p]["momentum_buffer"], opt.state[p]["momentum_buffer"])


def test_bad_state_dict_changes_nothing():
    p = nn.Parameter(np.zeros(3))
    opt = nn.optim.Adam([p], lr=0.1)
    bad = {"state": {0: {"step": 1.0, "exp_avg": np.zeros(5), "exp_avg_sq": np.zeros(5)}},
           "param_groups": [dict(opt.state_dict()["param_groups"][0], lr=0.7)]}
    with pytest.raises(ValueError, match="shape"):
        opt.load_state_dict(bad)
    assert opt.param_groups[0]["lr"] == 0.1 and not opt.state
    with pytest.raises(ValueError, match="groups"):
        opt.load_state_dict({"state": {}, "param_groups": []})


def test_zero_grad_and_constructor_checks():
    (a,) = params(2)
    opt = nn.optim.SGD([a], lr=0.1)
    a.grad = Tensor(np.ones(2))
    opt.zero_grad()
    assert a.grad is None
    with pytest.raises(ValueError, match="learning rate"):
        nn.optim.SGD([a], lr=-1)
    with pytest.raises(ValueError, match="Nesterov"):
        nn.optim.SGD([a], lr=0.1, nesterov=True)
    with pytest.raises(ValueError, match="beta"):
        nn.optim.Adam([a], betas=(0.9, 1.0))
    with pytest.raises(ValueError, match="empty"):
        nn.optim.Adam([])
    with pytest.raises(ValueError, match="leaf"):
        nn.optim.SGD([a * 2], lr=0.1)
    assert nn.optim.AdamW([a]).defaults["weight_decay"] == 0.01


def test_step_checks_every_parameter_first_and_changes_nothing_on_failure():
    a, b = params(2, 3)
    opt = nn.optim.Adam([a, b], lr=0.1)
    a.grad, b.grad = Tensor(np.ones(2)), Tensor(np.ones(3))
    opt.step()
    before = {id(p): (p.data.copy(), {k: np.copy(v) for k, v in opt.state[p].items()}) for p in (a, b)}
    b.data.flags.writeable = False  # the second parameter cannot be updated in place
    with pytest.raises(ValueError, match="read-only"):
        opt.step()
    for p in (a, b):
        data, state = before[id(p)]
        np.testing.assert_array_equal(p.data, data)
        assert opt.state[p]["step"] == 1  # no Adam state advanced
        for key, value in state.items():
            np.testing.assert_array_equal(opt.state[p][key], value)
    b.data.flags.writeable = True
    opt.param_groups[0]["eps"] = float("nan")  # a non-finite hyperparameter: also caught first
    with pytest.raises(ValueError, match="eps"):
        opt.step()
    np.testing.assert_array_equal(a.data, before[id(a)][0])
    opt.param_groups[0]["eps"] = 1e-8
    opt.state[b]["exp_avg"] = np.zeros(5)  # state of the wrong shape
    with pytest.raises(ValueError, match="exp_avg"):
        opt.step()
    np.testing.assert_array_equal(a.data, before[id(a)][0])
    assert opt.state[a]["step"] == 1


def test_load_state_dict_names_a_missing_key():
    p = nn.Parameter(np.zeros(3))
    opt = nn.optim.Adam([p], lr=0.1)
    p.grad = Tensor(np.ones(3))
    opt.step()
    saved = opt.state_dict()
    del saved["param_groups"][0]["betas"]
    fresh = nn.optim.Adam([p], lr=0.5)
    with pytest.raises(ValueError, match="'betas'"):
        fresh.load_state_dict(saved)
    saved = opt.state_dict()
    del saved["state"][0]["exp_avg_sq"]
    with pytest.raises(ValueError, match="'exp_avg_sq'"):
        fresh.load_state_dict(saved)
    assert fresh.param_groups[0]["lr"] == 0.5 and not fresh.state  # nothing changed
    saved = opt.state_dict()
    del saved["param_groups"][0]["maximize"]  # a flag older checkpoints lack: its default
    fresh.load_state_dict(saved)
    assert fresh.param_groups[0]["maximize"] is False and fresh.param_groups[0]["lr"] == 0.1


def test_maximize_ascends():
    (a,) = params(2)
    opt = nn.optim.SGD([a], lr=0.5, maximize=True)
    a.grad = Tensor(np.ones(2))
    opt.step()
    np.testing.assert_array_equal(a.data, [1.5, 1.5])
