"""Moving models between npgrad and PyTorch: state dicts with torch's keys, shapes, dtypes and
layouts in both directions (every layer with state, and whole models) with equal outputs
after the move; safetensors files; DLPack sharing memory with no copy."""
import numpy as np
import pytest

import nn
from autograd import Tensor, from_dlpack, manual_seed
from nn.cli import build_model
from tests.nn.helpers import torch

LAYERS = {  # name: (npgrad factory, torch factory, input shape)
    "Linear": (lambda: nn.Linear(5, 3), lambda: torch.nn.Linear(5, 3), (4, 5)),
    "Linear-no-bias": (lambda: nn.Linear(5, 3, bias=False), lambda: torch.nn.Linear(5, 3, bias=False), (4, 5)),
    "Conv1d": (lambda: nn.Conv1d(2, 4, 3, padding=1), lambda: torch.nn.Conv1d(2, 4, 3, padding=1), (2, 2, 7)),
    "Conv2d": (lambda: nn.Conv2d(2, 4, 3, stride=2, padding=1),
               lambda: torch.nn.Conv2d(2, 4, 3, stride=2, padding=1), (2, 2, 7, 7)),
    "Conv2d-groups": (lambda: nn.Conv2d(4, 6, 3, groups=2), lambda: torch.nn.Conv2d(4, 6, 3, groups=2), (2, 4, 6, 6)),
    "ConvTranspose1d": (lambda: nn.ConvTranspose1d(2, 3, 3, stride=2),
                        lambda: torch.nn.ConvTranspose1d(2, 3, 3, stride=2), (2, 2, 5)),
    "ConvTranspose2d": (lambda: nn.ConvTranspose2d(2, 3, 3, stride=2),
                        lambda: torch.nn.ConvTranspose2d(2, 3, 3, stride=2), (2, 2, 4, 4)),
    "BatchNorm1d": (lambda: nn.BatchNorm1d(4), lambda: torch.nn.BatchNorm1d(4), (6, 4)),
    "BatchNorm2d": (lambda: nn.BatchNorm2d(3), lambda: torch.nn.BatchNorm2d(3), (4, 3, 5, 5)),
    "LayerNorm": (lambda: nn.LayerNorm((4, 5)), lambda: torch.nn.LayerNorm((4, 5)), (3, 4, 5)),
    "GroupNorm": (lambda: nn.GroupNorm(2, 4), lambda: torch.nn.GroupNorm(2, 4), (3, 4, 5)),
}


def _randomize_torch(module, seed):
    """Give a torch module non-default parameters and running statistics."""
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for tensor in module.state_dict().values():
            if tensor.dtype.is_floating_point:
                tensor.copy_(torch.rand(tensor.shape, generator=generator, dtype=tensor.dtype) + 0.5)
            else:
                tensor.fill_(7)


def _outputs(ours, theirs, x):
    with torch.no_grad():
        expected = theirs(torch.from_numpy(x)).numpy()
    return ours(Tensor(x)).data, expected


def _same_layout(ours, theirs):
    mine, other = ours.state_dict(), theirs.state_dict()
    assert list(mine) == list(other)
    for key in mine:
        assert mine[key].shape == tuple(other[key].shape), key
        assert mine[key].dtype == other[key].numpy().dtype, key


def _move_both_ways(make_ours, make_theirs, x, training=False):
    # npgrad -> torch
    manual_seed(0)
    ours, theirs = make_ours(), make_theirs()
    _same_layout(ours, theirs)
    for module in ours.modules():  # non-default buffers: running statistics move too
        for name in ("running_mean", "running_var"):
            if getattr(module, name, None) is not None:
                getattr(module, name).data[...] = np.linspace(0.5, 1.5, getattr(module, name).size)
    theirs.load_state_dict({k: torch.from_numpy(np.array(v)) for k, v in ours.state_dict().items()})
    ours.train(training)
    theirs.train(training)
    got, expected = _outputs(ours, theirs, x)
    np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-5)
    # torch -> npgrad
    ours, theirs = make_ours(), make_theirs()
    _randomize_torch(theirs, 1)
    ours.load_state_dict({k: v.numpy() for k, v in theirs.state_dict().items()})
    for key, value in theirs.state_dict().items():  # every array as torch had it
        np.testing.assert_array_equal(ours.state_dict()[key], value.numpy())
    ours.train(training)
    theirs.train(training)
    got, expected = _outputs(ours, theirs, x)
    np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-5)
    if training:  # the running statistics were updated alike
        for key, value in theirs.state_dict().items():
            np.testing.assert_allclose(ours.state_dict()[key], value.numpy(), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name", list(LAYERS))
def test_every_layer_moves_to_torch_and_back(name):
    make_ours, make_theirs, shape = LAYERS[name]
    x = np.random.default_rng(0).standard_normal(shape).astype(np.float32)
    _move_both_ways(make_ours, make_theirs, x)


def _torch_convnet():
    return torch.nn.Sequential(
        torch.nn.Conv2d(1, 32, 3, padding=1), torch.nn.ReLU(), torch.nn.MaxPool2d(2), torch.nn.Flatten(),
        torch.nn.Linear(32 * 4 * 4, 128), torch.nn.ReLU(), torch.nn.Linear(128, 10))


def _bn_convnet(lib):
    return lib.Sequential(
        lib.Conv2d(1, 8, 3, padding=1), lib.BatchNorm2d(8), lib.ReLU(), lib.MaxPool2d(2),
        lib.Conv2d(8, 16, 3, padding=1), lib.BatchNorm2d(16), lib.ReLU(), lib.Flatten(),
        lib.Linear(16 * 4 * 4, 32), lib.BatchNorm1d(32), lib.ReLU(), lib.Linear(32, 10))


MODELS = {
    "npgrad-train-convnet": (lambda: build_model("convnet"), _torch_convnet),
    "mlp": (lambda: build_model("mlp"),
            lambda: torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(64, 256), torch.nn.ReLU(),
                                        torch.nn.Linear(256, 10))),
    "bn-convnet": (lambda: _bn_convnet(nn), lambda: _bn_convnet(torch.nn)),
}


@pytest.mark.parametrize("training", [False, True], ids=["eval", "train"])
@pytest.mark.parametrize("name", list(MODELS))
def test_whole_models_move_with_equal_outputs(name, training):
    (x, _), _ = nn.data.load_digits()
    _move_both_ways(*MODELS[name], x[:16], training=training)


def test_safetensors_checkpoint_opens_in_torch_with_equal_outputs(tmp_path):
    safetensors_torch = pytest.importorskip("safetensors.torch")
    manual_seed(3)
    ours = _bn_convnet(nn).eval()
    nn.save(ours.state_dict(), tmp_path / "model.safetensors")
    theirs = _bn_convnet(torch.nn).eval()
    theirs.load_state_dict(safetensors_torch.load_file(str(tmp_path / "model.safetensors")))
    (x, _), _ = nn.data.load_digits()
    got, expected = _outputs(ours, theirs, x[:8])
    np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-5)
    safetensors_torch.save_file(theirs.state_dict(), str(tmp_path / "from_torch.safetensors"))
    back = _bn_convnet(nn).eval()
    back.load_state_dict(nn.load(tmp_path / "from_torch.safetensors"))
    np.testing.assert_array_equal(back(Tensor(x[:8])).data, got)


# -------------------------------------------------------------------------- DLPack
def _address(array):
    return array.__array_interface__["data"][0]


def test_dlpack_shares_memory_with_torch_and_numpy_both_ways():
    t = Tensor(np.arange(6.0, dtype=np.float32).reshape(2, 3))
    theirs = torch.from_dlpack(t)
    assert theirs.data_ptr() == _address(t.data) and theirs.shape == (2, 3) and theirs.dtype == torch.float32
    theirs[0, 0] = 42.0  # a write on one side is seen on the other: no copy
    assert t.data[0, 0] == 42.0
    viewed = np.from_dlpack(t)
    assert _address(viewed) == _address(t.data)
    assert t.__dlpack_device__() == (1, 0)  # kDLCPU, device 0

    source = torch.arange(4, dtype=torch.float64)
    ours = from_dlpack(source)
    assert isinstance(ours, Tensor) and _address(ours.data) == source.data_ptr()
    ours.data[1] = -1.0
    assert source[1].item() == -1.0
    assert _address(from_dlpack(np.ones(3)).data) != 0

    with pytest.raises(RuntimeError, match="requires grad"):
        torch.from_dlpack(Tensor(np.ones(2), requires_grad=True))
    detached = Tensor(np.ones(2), requires_grad=True).detach()
    assert torch.from_dlpack(detached).data_ptr() == _address(detached.data)
