"""In-place changes of saved values are detected (PyTorch's version-counter rule)."""
import numpy as np
import pytest

import nn
import ops
from autograd import Tensor, no_grad

MODIFIED = "modified by an inplace operation"


def two_layer(seed=0):
    rng = np.random.default_rng(seed)
    x = Tensor(rng.standard_normal((5, 3)))
    w1 = nn.Parameter(rng.standard_normal((3, 4)))
    w2 = nn.Parameter(rng.standard_normal((4, 2)))
    return x, w1, w2


def test_optimizer_step_between_backward_passes_raises():
    x, w1, w2 = two_layer()
    out = (x @ w1) @ w2
    out.sum().backward(retain_graph=True)
    nn.optim.SGD([w2], lr=0.1).step()
    with pytest.raises(RuntimeError, match=MODIFIED) as info:
        (out * out).sum().backward()
    assert "matmul" in str(info.value) and "(4, 2)" in str(info.value)


def test_the_same_sequence_with_a_fresh_forward_pass_is_fine():
    x, w1, w2 = two_layer()
    opt = nn.optim.SGD([w1, w2], lr=0.1)
    for _ in range(3):
        opt.zero_grad()
        ((x @ w1) @ w2).sum().backward()
        opt.step()
    assert w1.grad is not None


def test_load_state_dict_and_init_count_as_in_place_changes():
    layer = nn.Linear(3, 2)
    x = Tensor(np.ones((4, 3)), requires_grad=True)
    out = layer(x).sum()
    layer.load_state_dict({k: v + 1 for k, v in layer.state_dict().items()})
    with pytest.raises(RuntimeError, match=MODIFIED):
        out.backward()

    out = layer(x).sum()
    nn.init.zeros_(layer.weight)
    with pytest.raises(RuntimeError, match=MODIFIED):
        out.backward()


def test_in_place_methods_bump_the_version():
    w = Tensor(np.ones(3), requires_grad=True)
    out = (w * w).sum()
    with no_grad():
        w.mul_(2)
    assert w._version == 1
    with pytest.raises(RuntimeError, match=MODIFIED):
        out.backward()


def test_changing_a_tensor_that_was_not_saved_is_fine():
    # add saves nothing, so its backward does not care about later changes
    w = Tensor(np.ones(3), requires_grad=True)
    out = (w + 1.0).sum()
    with no_grad():
        w.add_(5.0)
    out.backward()
    np.testing.assert_array_equal(w.grad.data, [1.0, 1.0, 1.0])


def test_a_non_grad_input_changed_in_place_is_detected():
    x = Tensor(np.ones((2, 3)))
    w = Tensor(np.ones((3, 1)), requires_grad=True)
    out = ops.matmul(x, w).sum()
    x.fill_(7.0)
    with pytest.raises(RuntimeError, match=MODIFIED):
        out.backward()


def test_in_place_methods_refuse_inside_a_graph():
    w = Tensor(np.ones(3), requires_grad=True)
    with pytest.raises(RuntimeError, match="no_grad"):
        w.add_(1.0)
    with pytest.raises(RuntimeError, match="out-of-place"):
        (w * 2).zero_()
    np.testing.assert_array_equal(w.data, [1.0, 1.0, 1.0])
