"""detect_anomaly names the op and the user's line; it costs nothing when off."""
import numpy as np
import pytest

import ops
from autograd import Tensor, detect_anomaly


def test_forward_nan_names_op_and_user_line():
    x = Tensor(np.array([-1.0, 1.0]), requires_grad=True)
    with detect_anomaly():
        with pytest.raises(FloatingPointError) as info:
            ops.log(x)  # the line the message must name
    message = str(info.value)
    assert "log" in message and "NaN" in message
    assert "test_anomaly.py:" in message


def test_backward_inf_names_op_and_creation_site():
    x = Tensor(np.array([0.0, 1.0]), requires_grad=True)
    with detect_anomaly():
        y = ops.sqrt(x)
        with pytest.raises(FloatingPointError) as info:
            y.sum().backward()
    message = str(info.value)
    assert "sqrt" in message and "test_anomaly.py:" in message and "backward" in message


def test_off_by_default_and_restored():
    x = Tensor(np.array([-1.0]), requires_grad=True)
    y = ops.log(x)  # NaN allowed when off
    assert np.isnan(y.item())
    assert y.grad_fn.site is None  # no creation site recorded when off
    with detect_anomaly():
        pass
    assert np.isnan(ops.log(x).item())
