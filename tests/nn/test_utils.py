"""nn.utils against torch.nn.utils: gradient clipping by norm (p = 1, 2, 3, inf) and by
value, total norm returned, non-finite handling, flat parameter vectors."""
import numpy as np
import pytest

import nn
from autograd import Tensor
from nn import utils

torch = pytest.importorskip("torch")


def _pair(seed, scale):
    """An npgrad model and its torch twin with the same weights and gradients."""
    r = np.random.default_rng(seed)
    ours = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2)).double()
    theirs = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Tanh(), torch.nn.Linear(4, 2)).double()
    theirs.load_state_dict({k: torch.tensor(v) for k, v in ours.state_dict().items()})
    for p, q in zip(ours.parameters(), theirs.parameters()):
        g = r.standard_normal(p.shape) * scale
        p.grad = Tensor(g.copy())
        q.grad = torch.tensor(g)
    return ours, theirs


@pytest.mark.parametrize("norm_type", [1.0, 2.0, 3.0, float("inf")])
@pytest.mark.parametrize("max_norm", [0.5, 1e3])
def test_clip_grad_norm_matches_torch(norm_type, max_norm):
    ours, theirs = _pair(0, 2.0)
    total = utils.clip_grad_norm_(ours.parameters(), max_norm, norm_type=norm_type)
    expected = torch.nn.utils.clip_grad_norm_(theirs.parameters(), max_norm, norm_type=norm_type)
    assert isinstance(total, Tensor) and total.shape == ()
    np.testing.assert_allclose(total.item(), expected.item(), rtol=1e-12)
    for p, q in zip(ours.parameters(), theirs.parameters()):
        np.testing.assert_allclose(p.grad.data, q.grad.numpy(), rtol=1e-12)


def test_clip_grad_norm_single_tensor_skips_missing_and_nonfinite():
    w = Tensor(np.ones(3), requires_grad=True)
    assert utils.clip_grad_norm_([w], 1.0).item() == 0.0  # no gradients at all
    w.grad = Tensor(np.array([3.0, 4.0, 0.0]))
    assert utils.clip_grad_norm_(w, 1.0).item() == pytest.approx(5.0)
    np.testing.assert_allclose(w.grad.data, np.array([3.0, 4.0, 0.0]) / (5 + 1e-6))
    w.grad = Tensor(np.array([np.inf, 1.0, 0.0]))
    with pytest.raises(RuntimeError, match="non-finite"):
        utils.clip_grad_norm_(w, 1.0, error_if_nonfinite=True)
    np.testing.assert_array_equal(w.grad.data, [np.inf, 1.0, 0.0])  # unchanged by the failed call


def test_clip_grad_value_matches_torch():
    ours, theirs = _pair(1, 3.0)
    assert utils.clip_grad_value_(ours.parameters(), 0.7) is None
    torch.nn.utils.clip_grad_value_(theirs.parameters(), 0.7)
    for p, q in zip(ours.parameters(), theirs.parameters()):
        np.testing.assert_array_equal(p.grad.data, q.grad.numpy())


def test_parameter_vectors_round_trip_and_match_torch():
    ours, theirs = _pair(2, 1.0)
    vec = utils.parameters_to_vector(ours.parameters())
    expected = torch.nn.utils.parameters_to_vector(theirs.parameters())
    np.testing.assert_array_equal(vec.data, expected.detach().numpy())
    assert vec.requires_grad  # differentiable, as torch's
    ours.zero_grad()
    (vec ** 2).sum().backward()
    first = next(iter(ours.parameters()))
    np.testing.assert_allclose(first.grad.data, 2 * first.data)
    utils.vector_to_parameters(Tensor(np.arange(vec.size, dtype=np.float64)), ours.parameters())
    torch.nn.utils.vector_to_parameters(torch.arange(vec.size, dtype=torch.float64), theirs.parameters())
    for p, q in zip(ours.parameters(), theirs.parameters()):
        np.testing.assert_array_equal(p.data, q.detach().numpy())
    with pytest.raises(TypeError, match="expected a Tensor"):
        utils.vector_to_parameters(np.zeros(vec.size), ours.parameters())
    with pytest.raises(ValueError, match=f"does not hold the {vec.size} parameter values"):
        utils.vector_to_parameters(Tensor(np.zeros(3)), ours.parameters())


def test_in_place_changes_are_marked_for_saved_graphs():
    w = nn.Parameter(np.array([1.0, 2.0]))
    y = (w * w).sum()  # mul saved w's data
    utils.vector_to_parameters(Tensor(np.array([5.0, 6.0])), [w])
    with pytest.raises(RuntimeError):
        y.backward()
