"""nn pooling / resampling / reshaping layers against torch.nn (same arguments, float64)."""
import numpy as np
import pytest

import nn
from autograd import Tensor

torch = pytest.importorskip("torch")

LAYERS = [  # (npgrad layer, torch layer, input shape)
    (lambda: nn.MaxPool1d(3, stride=2, padding=1), lambda: torch.nn.MaxPool1d(3, stride=2, padding=1),
     (2, 3, 9)),
    (lambda: nn.MaxPool1d(2), lambda: torch.nn.MaxPool1d(2), (3, 8)),
    (lambda: nn.AvgPool1d(4, stride=1, padding=2), lambda: torch.nn.AvgPool1d(4, stride=1, padding=2),
     (2, 2, 7)),
    (lambda: nn.AdaptiveAvgPool1d(3), lambda: torch.nn.AdaptiveAvgPool1d(3), (2, 3, 7)),
    (lambda: nn.AdaptiveMaxPool1d(4), lambda: torch.nn.AdaptiveMaxPool1d(4), (2, 3, 9)),
    (lambda: nn.AdaptiveAvgPool2d((2, 3)), lambda: torch.nn.AdaptiveAvgPool2d((2, 3)), (2, 3, 5, 7)),
    (lambda: nn.AdaptiveAvgPool2d(1), lambda: torch.nn.AdaptiveAvgPool2d(1), (2, 4, 3, 3)),
    (lambda: nn.AdaptiveMaxPool2d((3, None)), lambda: torch.nn.AdaptiveMaxPool2d((3, None)),
     (2, 2, 7, 4)),
    (lambda: nn.Upsample(scale_factor=2), lambda: torch.nn.Upsample(scale_factor=2), (1, 2, 3, 4)),
    (lambda: nn.Upsample(size=(5, 7), mode="bilinear", align_corners=True),
     lambda: torch.nn.Upsample(size=(5, 7), mode="bilinear", align_corners=True), (2, 2, 3, 4)),
    (lambda: nn.Upsample(scale_factor=1.5, mode="bilinear"),
     lambda: torch.nn.Upsample(scale_factor=1.5, mode="bilinear"), (1, 2, 4, 4)),
    (lambda: nn.Upsample(size=9, mode="linear"), lambda: torch.nn.Upsample(size=9, mode="linear"),
     (2, 3, 4)),
    (lambda: nn.PixelShuffle(2), lambda: torch.nn.PixelShuffle(2), (2, 8, 3, 2)),
    (lambda: nn.PixelUnshuffle(2), lambda: torch.nn.PixelUnshuffle(2), (2, 2, 4, 6)),
    (lambda: nn.Unflatten(1, (2, 6)), lambda: torch.nn.Unflatten(1, (2, 6)), (3, 12)),
    (lambda: nn.Unflatten(-1, (2, -1)), lambda: torch.nn.Unflatten(-1, (2, -1)), (3, 2, 8)),
]


@pytest.mark.parametrize("make_ours, make_theirs, shape", LAYERS)
def test_layer_matches_torch(make_ours, make_theirs, shape):
    x0 = np.random.default_rng(0).permutation(np.linspace(-2, 2, int(np.prod(shape)))).reshape(shape)
    ours, theirs = make_ours(), make_theirs()
    assert ours.state_dict() == {} and list(ours.parameters()) == []
    x = Tensor(x0.copy(), requires_grad=True)
    out = ours(x)
    tx = torch.tensor(x0, requires_grad=True)
    expected = theirs(tx)
    np.testing.assert_allclose(out.data, expected.detach().numpy(), rtol=1e-12, atol=1e-12)
    upstream = np.random.default_rng(1).standard_normal(out.shape)
    out.backward(upstream)
    expected.backward(torch.tensor(upstream))
    np.testing.assert_allclose(x.grad.data, tx.grad.numpy(), rtol=1e-12, atol=1e-12)


def test_layers_in_a_sequential_model_train_like_torch():
    """A small encoder-decoder: conv, adaptive pool, upsample, pixel shuffle, flatten/unflatten."""
    import nn as npnn
    from autograd import manual_seed

    manual_seed(0)
    ours = npnn.Sequential(npnn.Conv2d(2, 8, 3, padding=1), npnn.ReLU(), npnn.AdaptiveAvgPool2d(4),
                           npnn.Flatten(), npnn.Unflatten(1, (8, 4, 4)), npnn.PixelShuffle(2),
                           npnn.Upsample(scale_factor=2, mode="bilinear"), npnn.AdaptiveMaxPool2d(3))
    theirs = torch.nn.Sequential(torch.nn.Conv2d(2, 8, 3, padding=1), torch.nn.ReLU(),
                                 torch.nn.AdaptiveAvgPool2d(4), torch.nn.Flatten(),
                                 torch.nn.Unflatten(1, (8, 4, 4)), torch.nn.PixelShuffle(2),
                                 torch.nn.Upsample(scale_factor=2, mode="bilinear"),
                                 torch.nn.AdaptiveMaxPool2d(3)).double()
    theirs.load_state_dict({k: torch.tensor(np.asarray(v, np.float64)) for k, v in ours.state_dict().items()})
    x0 = np.random.default_rng(2).standard_normal((2, 2, 7, 9))
    out = ours(Tensor(x0.astype(np.float32)))  # npgrad's default float32 parameters
    expected = theirs(torch.tensor(x0))
    assert out.shape == tuple(expected.shape) == (2, 2, 3, 3)
    np.testing.assert_allclose(out.data, expected.detach().numpy(), rtol=1e-4, atol=1e-5)


def test_reprs_and_argument_errors():
    assert repr(nn.MaxPool1d(3, stride=2)) == "MaxPool1d(kernel_size=3, stride=2, padding=0)"
    assert repr(nn.AdaptiveAvgPool2d((2, None))) == "AdaptiveAvgPool2d(output_size=(2, None))"
    assert repr(nn.Unflatten(1, (2, 3))) == "Unflatten(dim=1, unflattened_size=(2, 3))"
    assert repr(nn.PixelShuffle(3)) == "PixelShuffle(upscale_factor=3)"
    with pytest.raises(ValueError, match="MaxPool1d: kernel_size must be an int"):
        nn.MaxPool1d(0)
    with pytest.raises(ValueError, match="Upsample: give exactly one of size and scale_factor"):
        nn.Upsample()
    with pytest.raises(ValueError, match="Unflatten: unflattened_size must be a tuple"):
        nn.Unflatten(1, (2, 0))
    with pytest.raises(ValueError, match=r"Unflatten: unflattened_size \(2, 3\) does not multiply"):
        nn.Unflatten(1, (2, 3))(Tensor(np.zeros((2, 7))))
