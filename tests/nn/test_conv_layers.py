"""Conv1d, ConvTranspose1d, ConvTranspose2d against torch.nn with weights copied through
state_dict (float64), their init, arguments, and a 20-step decoder training trajectory."""
import math

import numpy as np
import pytest

import nn
from autograd import Tensor, manual_seed
from nn.conv import Conv1d, ConvTranspose1d, ConvTranspose2d
from tests.nn.helpers import assert_same_state, torch, twin

T = torch.nn

LAYERS = [  # (id, npgrad layer, torch layer, input shape, forward keyword arguments)
    ("conv1d", lambda: Conv1d(4, 6, 3, stride=2, padding=1, groups=2, dtype=np.float64),
     lambda: T.Conv1d(4, 6, 3, stride=2, padding=1, groups=2), (3, 4, 11), {}),
    ("conv1d-dilated", lambda: Conv1d(2, 3, 4, dilation=2, bias=False, dtype=np.float64),
     lambda: T.Conv1d(2, 3, 4, dilation=2, bias=False), (2, 2, 12), {}),
    ("convtranspose1d", lambda: ConvTranspose1d(4, 6, 4, stride=2, padding=1, groups=2,
                                                dtype=np.float64),
     lambda: T.ConvTranspose1d(4, 6, 4, stride=2, padding=1, groups=2), (3, 4, 7), {}),
    ("convtranspose1d-output-padding", lambda: ConvTranspose1d(3, 2, 3, stride=3,
                                                               output_padding=2, dtype=np.float64),
     lambda: T.ConvTranspose1d(3, 2, 3, stride=3, output_padding=2), (2, 3, 5), {}),
    ("convtranspose2d", lambda: ConvTranspose2d(4, 6, 3, stride=2, padding=1, output_padding=1,
                                                dtype=np.float64),
     lambda: T.ConvTranspose2d(4, 6, 3, stride=2, padding=1, output_padding=1), (2, 4, 5, 6), {}),
    ("convtranspose2d-groups-dilated", lambda: ConvTranspose2d(4, 2, (3, 2), stride=(1, 2),
                                                               dilation=2, groups=2, bias=False,
                                                               dtype=np.float64),
     lambda: T.ConvTranspose2d(4, 2, (3, 2), stride=(1, 2), dilation=2, groups=2, bias=False),
     (2, 4, 5, 5), {}),
    ("convtranspose2d-output-size", lambda: ConvTranspose2d(3, 2, 3, stride=2, padding=1,
                                                            dtype=np.float64),
     lambda: T.ConvTranspose2d(3, 2, 3, stride=2, padding=1), (2, 3, 4, 4),
     {"output_size": (8, 8)}),
]


@pytest.mark.parametrize("make_ours, make_theirs, shape, kwargs",
                         [case[1:] for case in LAYERS], ids=[case[0] for case in LAYERS])
def test_layer_matches_torch_with_state_dict_weights(make_ours, make_theirs, shape, kwargs):
    ours = make_ours()
    theirs = twin(ours, make_theirs())  # keys, shapes and layouts must agree to load
    assert {k: v.shape for k, v in ours.state_dict().items()} == {
        k: tuple(v.shape) for k, v in theirs.state_dict().items()}
    x = np.random.default_rng(0).standard_normal(shape)
    xt = Tensor(x, requires_grad=True)
    xx = torch.tensor(x, requires_grad=True)
    out, expected = ours(xt, **kwargs), theirs(xx, **kwargs)
    np.testing.assert_allclose(out.data, expected.detach().numpy(), rtol=1e-10, atol=1e-12)
    upstream = np.random.default_rng(1).standard_normal(out.shape)
    out.backward(upstream)
    expected.backward(torch.tensor(upstream))
    np.testing.assert_allclose(xt.grad.data, xx.grad.numpy(), rtol=1e-10, atol=1e-12)
    for name, p in ours.named_parameters():
        np.testing.assert_allclose(p.grad.data, dict(theirs.named_parameters())[name].grad.numpy(),
                                   rtol=1e-10, atol=1e-12, err_msg=name)
    # and back: torch's state dict loads into a fresh npgrad layer with no renaming
    fresh = make_ours()
    fresh.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})
    np.testing.assert_array_equal(fresh(xt, **kwargs).data, out.data)


@pytest.mark.parametrize("layer, weight_shape, fan_in", [
    (lambda: Conv1d(8, 16, 5, groups=2), (16, 4, 5), 4 * 5),
    (lambda: ConvTranspose1d(8, 16, 5, groups=2), (8, 8, 5), 8 * 5),
    (lambda: ConvTranspose2d(6, 4, (3, 2)), (6, 4, 3, 2), 4 * 6),
])
def test_default_init_is_torchs(layer, weight_shape, fan_in):
    """kaiming-uniform(a=sqrt(5)): U(-1/sqrt(fan_in), 1/sqrt(fan_in)), fan_in from weight
    axis 1 as torch computes it (out_channels/groups * K for the transposed layers)."""
    manual_seed(0)
    module = layer()
    bound = 1 / math.sqrt(fan_in)
    assert module.weight.shape == weight_shape and module.weight.dtype == np.float32
    assert module.bias.shape == (weight_shape[1] * module.groups if module.transposed
                                 else weight_shape[0],)
    for p in (module.weight, module.bias):
        assert np.abs(p.data).max() <= bound
        assert np.abs(p.data).max() > 0.7 * bound  # spread over the range, not tiny
    assert list(module.state_dict()) == ["weight", "bias"]


def test_layer_argument_errors_and_reprs():
    with pytest.raises(ValueError, match="ConvTranspose2d: output_padding"):
        ConvTranspose2d(2, 2, 3, stride=2, output_padding=2)
    with pytest.raises(ValueError, match="Conv1d: in_channels .* divisible by groups"):
        Conv1d(3, 4, 3, groups=2)
    with pytest.raises(ValueError, match="Conv1d: kernel_size must be an int or a 1-tuple"):
        Conv1d(3, 4, (3, 3))
    with pytest.raises(ValueError, match="padding_mode"):
        Conv1d(3, 4, 3, padding_mode="reflect")
    with pytest.raises(ValueError, match=r"ConvTranspose2d: requested output size \(9, 9\)"):
        ConvTranspose2d(3, 2, 3, stride=2, padding=1)(Tensor(np.zeros((1, 3, 4, 4))),
                                                      output_size=(9, 9))
    assert repr(ConvTranspose2d(16, 8, 3, stride=2, padding=1, output_padding=1)) == (
        "ConvTranspose2d(16, 8, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1), "
        "output_padding=(1, 1))")
    assert repr(Conv1d(16, 33, 3, stride=2)) == "Conv1d(16, 33, kernel_size=(3,), stride=(2,))"
    assert repr(T.Conv1d(16, 33, 3, stride=2)) == repr(Conv1d(16, 33, 3, stride=2))


@pytest.fixture
def torch_one_thread():
    """torch on one thread for the test (its two spinning threads take 0.5 s per tiny
    backward on a busy machine), then back to its own count."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def test_conv_transpose2d_decoder_trains_like_torch(torch_one_thread):
    """20 SGD steps of a small decoder (linear, two transposed convolutions) in float64:
    every parameter stays within 1e-6 of torch's."""
    manual_seed(3)
    ours = nn.Sequential(nn.Linear(6, 8 * 3 * 3, dtype=np.float64), nn.ReLU(),
                         ConvTranspose2d(8, 4, 3, stride=2, padding=1, output_padding=1,
                                         dtype=np.float64), nn.Tanh(),
                         ConvTranspose2d(4, 2, 4, stride=2, padding=1, dtype=np.float64))
    theirs = twin(ours, T.Sequential(T.Linear(6, 72), T.ReLU(),
                                     T.ConvTranspose2d(8, 4, 3, stride=2, padding=1,
                                                       output_padding=1), T.Tanh(),
                                     T.ConvTranspose2d(4, 2, 4, stride=2, padding=1)))
    r = np.random.default_rng(4)
    z = r.standard_normal((5, 6))
    target = np.tanh(np.linspace(-2, 2, 12))[None, None, :] * np.ones((5, 2, 12, 1))

    def run(model, x):  # linear, relu, reshape to (5, 8, 3, 3), the decoder
        h = model[1](model[0](x)).reshape(5, 8, 3, 3)
        for layer in list(model)[2:]:
            h = layer(h)
        return h

    opt = nn.optim.SGD(ours.parameters(), lr=0.1, momentum=0.9)
    topt = torch.optim.SGD(theirs.parameters(), lr=0.1, momentum=0.9)
    losses = []
    for _ in range(20):
        loss = nn.MSELoss()(run(ours, Tensor(z)), Tensor(target))
        opt.zero_grad()
        loss.backward()
        opt.step()
        tloss = T.MSELoss()(run(theirs, torch.tensor(z)), torch.tensor(target))
        topt.zero_grad()
        tloss.backward()
        topt.step()
        assert loss.item() == pytest.approx(tloss.item(), rel=1e-9)
        losses.append(loss.item())
    assert losses[-1] < 0.95 * losses[0]  # it learns
    assert_same_state(ours, theirs, atol=1e-6, rtol=0)
