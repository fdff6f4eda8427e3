"""Module: registration, traversal, names, modes, state dicts (round trip, atomic loads)."""
import numpy as np
import pytest

import nn
from autograd import Tensor


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 3)
        self.bn = nn.BatchNorm1d(3)
        self.scale = nn.Parameter(np.ones(3, np.float32))
        self.register_buffer("steps", np.zeros((), np.int64))
        self.register_buffer("scratch", np.zeros(2), persistent=False)
        self.note = "plain attribute"

    def forward(self, x):
        return self.bn(self.fc(x)) * self.scale


def model():
    return nn.Sequential(Block(), nn.ReLU(), nn.Linear(3, 2))


def test_registration_order_and_qualified_names():
    m = model()
    names = [n for n, _ in m.named_parameters()]
    assert names == ["0.scale", "0.fc.weight", "0.fc.bias", "0.bn.weight", "0.bn.bias", "2.weight", "2.bias"]
    assert [p.name for p in m.parameters()] == names  # .name carries the qualified name
    assert m[0].bn.running_mean.name == "0.bn.running_mean"
    assert [n for n, _ in m.named_buffers()] == [
        "0.steps", "0.scratch", "0.bn.running_mean", "0.bn.running_var", "0.bn.num_batches_tracked"]
    assert [type(c).__name__ for c in m.children()] == ["Block", "ReLU", "Linear"]
    assert [n for n, _ in m.named_modules()] == ["", "0", "0.fc", "0.bn", "1", "2"]
    assert m[0].note == "plain attribute" and "note" not in m[0]._parameters


def test_state_dict_keys_values_and_persistence():
    m = model()
    state = m.state_dict()
    assert list(state) == [
        "0.scale", "0.steps", "0.fc.weight", "0.fc.bias", "0.bn.weight", "0.bn.bias",
        "0.bn.running_mean", "0.bn.running_var", "0.bn.num_batches_tracked", "2.weight", "2.bias"]
    assert "0.scratch" not in state  # non-persistent buffer
    state["2.bias"][...] = 123  # copies: editing the dict does not touch the model
    assert not np.any(m[2].bias.data == 123)
    assert m.state_dict(keep_vars=True)["2.bias"] is m[2].bias


def test_state_dict_round_trip_through_a_second_model():
    a, b = model(), model()
    a[0].bn.running_mean.data[...] = 0.5
    result = b.load_state_dict(a.state_dict())
    assert result.missing_keys == [] and result.unexpected_keys == []
    for key, value in a.state_dict().items():
        np.testing.assert_array_equal(b.state_dict()[key], value)


def test_failed_load_state_dict_lists_every_problem_and_changes_nothing():
    m = model()
    before = {k: v.copy() for k, v in m.state_dict().items()}
    bad = m.state_dict()
    for key in bad:
        if key != "0.bn.running_var":
            bad[key] = bad[key] + 1  # valid values that would change the model...
    bad["2.weight"] = np.zeros((5, 5), np.float32)  # ...but one shape mismatch,
    del bad["0.fc.bias"]  # one missing key
    bad["extra.weight"] = np.zeros(3)  # and one unexpected key
    with pytest.raises(nn.StateDictError) as info:
        m.load_state_dict(bad)
    message = str(info.value)
    assert '"0.fc.bias"' in message and '"extra.weight"' in message
    assert "size mismatch for 2.weight" in message and "(5, 5)" in message and "(2, 3)" in message
    assert isinstance(info.value, RuntimeError) and isinstance(info.value, ValueError)
    for key, value in m.state_dict().items():
        np.testing.assert_array_equal(value, before[key], err_msg=key)


def test_non_strict_load_reports_keys_but_still_refuses_shape_mismatch():
    m = model()
    partial = {"2.weight": np.full((2, 3), 7.0), "other": np.zeros(1)}
    result = m.load_state_dict(partial, strict=False)
    assert result.unexpected_keys == ["other"] and "2.bias" in result.missing_keys
    assert np.all(m[2].weight.data == 7.0) and m[2].weight.dtype == np.float32  # cast to the model's dtype
    with pytest.raises(nn.StateDictError, match="size mismatch"):
        m.load_state_dict({"2.weight": np.zeros(3)}, strict=False)


def test_load_keeps_tensor_identity():
    m = model()
    weight = m[2].weight
    array = weight.data
    m.load_state_dict(model().state_dict())
    assert m[2].weight is weight and weight.data is array  # copied in place


def test_train_eval_propagate_and_return_self():
    m = model()
    assert m.eval() is m
    assert all(not sub.training for sub in m.modules())
    m.train()
    assert all(sub.training for sub in m.modules())
    with pytest.raises(TypeError):
        m.train("yes")


def test_zero_grad_sets_none():
    m = model()
    out = m(Tensor(np.random.default_rng(0).standard_normal((5, 4)).astype(np.float32)))
    out.sum().backward()
    assert all(p.grad is not None for p in m.parameters())
    m.zero_grad()
    assert all(p.grad is None for p in m.parameters())


def test_assignment_rules():
    m = nn.Linear(2, 2)
    with pytest.raises(TypeError, match="nn.Parameter or None"):
        m.weight = np.zeros((2, 2))
    m.bias = None
    assert m.bias is None and [n for n, _ in m.named_parameters()] == ["weight"]
    m.extra = nn.Parameter(np.zeros(1))
    assert "extra" in dict(m.named_parameters())
    del m.extra
    assert "extra" not in dict(m.named_parameters())

    class Forgot(nn.Module):
        def __init__(self):
            self.fc = nn.Linear(1, 1)

    with pytest.raises(AttributeError, match=r"super\(\)\.__init__\(\)"):
        Forgot()
    with pytest.raises(KeyError):
        m.register_buffer("a.b", np.zeros(1))


def test_buffer_assignment_wraps_arrays():
    bn = nn.BatchNorm1d(3)
    bn.running_mean = np.arange(3.0, dtype=np.float32)
    assert isinstance(bn.running_mean, Tensor) and not bn.running_mean.requires_grad
    assert "running_mean" in bn.state_dict()


def test_shared_parameter_listed_once():
    a = nn.Linear(3, 3)
    m = nn.Sequential(a, nn.ReLU(), a)
    assert len(list(m.parameters())) == 2


def test_to_double_keeps_identity_and_integer_buffers():
    m = model()
    weight = m[2].weight
    m.double()
    assert m[2].weight is weight and weight.dtype == np.float64
    assert m[0].bn.num_batches_tracked.dtype == np.int64


def test_sequential_and_modulelist_containers():
    m = model()
    assert isinstance(m[-1], nn.Linear) and len(m) == 3
    head = m[1:]
    assert isinstance(head, nn.Sequential) and len(head) == 2
    with pytest.raises(IndexError):
        m[3]
    layers = nn.ModuleList([nn.Linear(2, 2) for _ in range(3)])
    layers.append(nn.Linear(2, 1))
    assert len(list(layers.parameters())) == 8 and isinstance(layers[3], nn.Linear)
    assert "(2): ReLU()" in repr(nn.Sequential(nn.Linear(1, 1), nn.Tanh(), nn.ReLU()))
