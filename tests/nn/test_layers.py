"""Layers and loss modules against torch.nn in float64: outputs, input and parameter
gradients, running statistics; default initialisation; argument errors."""
import math

import numpy as np
import pytest

import nn
from autograd import Tensor, manual_seed
from tests.nn.helpers import torch, twin

F = torch.nn


def run_both(ours, theirs, x, seed=1):
    """Forward both on x, backward a random upstream gradient; compare everything."""
    twin(ours, theirs)
    ours_x = Tensor(x.copy(), requires_grad=True)
    their_x = torch.tensor(x, requires_grad=True)
    out = ours(ours_x)
    their_out = theirs(their_x)
    np.testing.assert_allclose(out.data, their_out.detach().numpy(), atol=1e-10, rtol=1e-8)
    g = np.random.default_rng(seed).standard_normal(out.shape)
    out.backward(g)
    their_out.backward(torch.from_numpy(g))
    np.testing.assert_allclose(ours_x.grad.data, their_x.grad.numpy(), atol=1e-10, rtol=1e-8)
    theirs_params = dict(theirs.named_parameters())
    for name, p in ours.named_parameters():
        np.testing.assert_allclose(p.grad.data, theirs_params[name].grad.numpy(), atol=1e-10,
                                   rtol=1e-8, err_msg=name)
    buffers = dict(theirs.named_buffers())
    for name, b in ours.named_buffers():
        np.testing.assert_allclose(b.data, buffers[name].numpy(), atol=1e-12, err_msg=name)


def normal(*shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape)


LAYERS = [
    ("linear", lambda: nn.Linear(5, 3, dtype=np.float64), lambda: F.Linear(5, 3), (4, 5)),
    ("linear-3d", lambda: nn.Linear(5, 3, bias=False, dtype=np.float64), lambda: F.Linear(5, 3, bias=False), (2, 4, 5)),
    ("conv2d", lambda: nn.Conv2d(4, 6, 3, stride=2, padding=1, groups=2, dtype=np.float64),
     lambda: F.Conv2d(4, 6, 3, stride=2, padding=1, groups=2), (2, 4, 7, 7)),
    ("conv2d-dilated", lambda: nn.Conv2d(2, 3, (3, 2), dilation=2, bias=False, dtype=np.float64),
     lambda: F.Conv2d(2, 3, (3, 2), dilation=2, bias=False), (2, 2, 8, 8)),
    ("maxpool", lambda: nn.MaxPool2d(3, stride=2, padding=1), lambda: F.MaxPool2d(3, stride=2, padding=1), (2, 3, 7, 7)),
    ("avgpool", lambda: nn.AvgPool2d(2), lambda: F.AvgPool2d(2), (2, 3, 6, 6)),
    ("layernorm", lambda: nn.LayerNorm((3, 4), dtype=np.float64), lambda: F.LayerNorm((3, 4)), (5, 3, 4)),
    ("groupnorm", lambda: nn.GroupNorm(2, 4, dtype=np.float64), lambda: F.GroupNorm(2, 4), (3, 4, 2, 2)),
    ("relu", nn.ReLU, F.ReLU, (4, 5)),
    ("leaky_relu", lambda: nn.LeakyReLU(0.2), lambda: F.LeakyReLU(0.2), (4, 5)),
    ("sigmoid", nn.Sigmoid, F.Sigmoid, (4, 5)),
    ("tanh", nn.Tanh, F.Tanh, (4, 5)),
    ("gelu", nn.GELU, F.GELU, (4, 5)),
    ("gelu-tanh", lambda: nn.GELU("tanh"), lambda: F.GELU("tanh"), (4, 5)),
    ("softmax", lambda: nn.Softmax(dim=1), lambda: F.Softmax(dim=1), (4, 5)),
    ("log_softmax", lambda: nn.LogSoftmax(dim=-1), lambda: F.LogSoftmax(dim=-1), (4, 5)),
    ("flatten", nn.Flatten, F.Flatten, (2, 3, 4, 5)),
    ("flatten-middle", lambda: nn.Flatten(1, 2), lambda: F.Flatten(1, 2), (2, 3, 4, 5)),
    ("identity", nn.Identity, F.Identity, (2, 3)),
]


@pytest.mark.parametrize("make_ours, make_theirs, shape", [c[1:] for c in LAYERS],
                         ids=[c[0] for c in LAYERS])
def test_layer_matches_torch(make_ours, make_theirs, shape):
    run_both(make_ours(), make_theirs(), normal(*shape))


@pytest.mark.parametrize("momentum", [0.1, None])
@pytest.mark.parametrize("ours_cls, theirs_cls, shape", [
    (nn.BatchNorm1d, F.BatchNorm1d, (6, 3)),
    (nn.BatchNorm1d, F.BatchNorm1d, (4, 3, 5)),
    (nn.BatchNorm2d, F.BatchNorm2d, (4, 3, 2, 5)),
])
def test_batch_norm_train_then_eval_matches_torch(ours_cls, theirs_cls, shape, momentum):
    ours = ours_cls(3, momentum=momentum, dtype=np.float64)
    theirs = theirs_cls(3, momentum=momentum)
    ours.weight.data[...] = [0.5, 1.5, 2.0]
    ours.bias.data[...] = [0.1, -0.2, 0.3]
    for step in range(3):  # training: batch statistics, running statistics move
        run_both(ours, theirs, normal(*shape, seed=step) * 2 + 1)
        ours.zero_grad()
        theirs.zero_grad()
    assert int(ours.num_batches_tracked.data) == 3
    ours.eval()
    theirs.eval()
    run_both(ours, theirs, normal(*shape, seed=9))


def test_batch_norm_without_running_stats_uses_batch_statistics_in_eval():
    ours = nn.BatchNorm2d(3, affine=False, track_running_stats=False, dtype=np.float64).eval()
    theirs = F.BatchNorm2d(3, affine=False, track_running_stats=False).eval()
    assert ours.state_dict() == {}
    run_both(ours, theirs, normal(4, 3, 2, 2))


def test_batch_norm_input_checks():
    with pytest.raises(ValueError, match="expected 4D input"):
        nn.BatchNorm2d(3)(Tensor(np.zeros((2, 3))))
    with pytest.raises(ValueError, match="num_features=3"):
        nn.BatchNorm1d(3)(Tensor(np.zeros((2, 4))))


def test_dropout_train_and_eval():
    drop = nn.Dropout(0.25)
    x = Tensor(np.ones((200, 50)))
    manual_seed(0)
    y = drop(x).data
    kept = y != 0
    assert 0.7 < kept.mean() < 0.8 and np.allclose(y[kept], 1 / 0.75)
    assert drop.eval()(x) is x
    with pytest.raises(ValueError):
        nn.Dropout(1.5)


@pytest.mark.parametrize("ours, theirs, target", [
    (nn.CrossEntropyLoss(), F.CrossEntropyLoss(), np.array([0, 2, 1, 4])),
    (nn.CrossEntropyLoss(reduction="sum"), F.CrossEntropyLoss(reduction="sum"), np.array([0, 2, 1, 4])),
    (nn.MultiMarginLoss(), F.MultiMarginLoss(), np.array([0, 2, 1, 4])),
    (nn.MultiMarginLoss(margin=0.5, reduction="none"), F.MultiMarginLoss(margin=0.5, reduction="none"), np.array([3, 2, 1, 0])),
    (nn.MSELoss(), F.MSELoss(), normal(4, 5, seed=3)),
], ids=["ce", "ce-sum", "margin", "margin-none", "mse"])
def test_loss_modules_match_torch(ours, theirs, target):
    x = normal(4, 5)
    ours_x = Tensor(x.copy(), requires_grad=True)
    their_x = torch.tensor(x, requires_grad=True)
    loss = ours(ours_x, Tensor(target))
    their_loss = theirs(their_x, torch.from_numpy(target))
    np.testing.assert_allclose(loss.data, their_loss.detach().numpy(), rtol=1e-10)
    loss.sum().backward()
    their_loss.sum().backward()
    np.testing.assert_allclose(ours_x.grad.data, their_x.grad.numpy(), atol=1e-12)


def test_default_init_bounds_are_kaiming_uniform_with_a_sqrt5():
    manual_seed(0)
    fc = nn.Linear(400, 300)
    conv = nn.Conv2d(8, 32, 5)
    for layer, fan_in in ((fc, 400), (conv, 8 * 25)):
        bound = 1 / math.sqrt(fan_in)
        for p in (layer.weight, layer.bias):
            assert p.dtype == np.float32
            assert np.abs(p.data).max() <= bound
            assert np.abs(p.data).max() > 0.97 * bound  # fills the range
        # a uniform on [-b, b] has standard deviation b / sqrt(3)
        assert abs(layer.weight.data.std() - bound / math.sqrt(3)) < 0.02 * bound


def test_layer_argument_errors():
    with pytest.raises(ValueError, match="divisible by groups"):
        nn.Conv2d(3, 4, 3, groups=2)
    with pytest.raises(ValueError, match="kernel_size"):
        nn.Conv2d(3, 4, 0)
    with pytest.raises(ValueError, match="in_features"):
        nn.Linear(0, 3)
    with pytest.raises(ValueError, match="divisible by num_groups"):
        nn.GroupNorm(3, 4)
    with pytest.raises(ValueError, match="reduction"):
        nn.CrossEntropyLoss(reduction="average")
    with pytest.raises(TypeError, match="float dtype"):
        nn.Linear(2, 2, dtype=np.int64)
    with pytest.raises(ValueError, match="linear"):
        nn.Linear(3, 2)(Tensor(np.zeros((2, 4), np.float32)))


def test_reprs_read_like_pytorch():
    assert repr(nn.Linear(3, 2)) == "Linear(in_features=3, out_features=2, bias=True)"
    assert repr(nn.Conv2d(1, 16, 3, padding=1)) == "Conv2d(1, 16, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))"
    assert repr(nn.MaxPool2d(2)) == "MaxPool2d(kernel_size=(2, 2), stride=(2, 2), padding=(0, 0))"
