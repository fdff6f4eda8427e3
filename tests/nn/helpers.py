"""Shared helpers for the nn tests: torch twins of npgrad models, state comparison."""
import numpy as np
import pytest

torch = pytest.importorskip("torch")


def torch_state(model):
    """npgrad model's state dict as torch tensors (same keys)."""
    return {k: torch.from_numpy(np.array(v)) for k, v in model.state_dict().items()}


def twin(ours, theirs):
    """Load npgrad `ours`' parameters and buffers into the torch model `theirs` (float64)."""
    theirs.double()
    theirs.load_state_dict(torch_state(ours))
    return theirs


def assert_same_state(ours, theirs, atol=1e-6, rtol=1e-6):
    """Every parameter and buffer of the two models equal (same keys)."""
    mine = ours.state_dict()
    other = {k: v.detach().numpy() for k, v in theirs.state_dict().items()}
    assert list(mine) == list(other)
    for key in mine:
        np.testing.assert_allclose(mine[key], other[key], atol=atol, rtol=rtol, err_msg=key)
