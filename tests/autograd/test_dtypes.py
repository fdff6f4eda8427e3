"""Dtype policy: NumPy scalars are weak, complex gradients follow PyTorch's convention."""
import numpy as np
import pytest

import ops
from autograd import Tensor


@pytest.mark.parametrize("scalar", [np.float64(2.0), np.float32(2.0), np.int64(2), 2.0, 2])
def test_float32_stays_float32_with_numpy_and_python_scalars(scalar):
    x = Tensor(np.ones(3, dtype=np.float32), requires_grad=True)
    for out in (x / scalar, scalar * x, x - scalar, x ** scalar, ops.mul(x, scalar)):
        assert out.dtype == np.float32
    (x / np.sqrt(np.float64(4.0))).sum().backward()
    assert x.grad.dtype == np.float32


def test_zero_dimensional_arrays_keep_numpy_promotion():
    x = Tensor(np.ones(2, dtype=np.float32))
    assert (x * np.array(2.0)).dtype == np.float64


def test_python_lists_work_as_operands():
    x = Tensor(np.ones(3), requires_grad=True)
    (x * [1.0, 2.0, 3.0]).sum().backward()
    np.testing.assert_array_equal(x.grad.data, [1.0, 2.0, 3.0])
    assert ops.add([1.0, 2.0], [3.0, 4.0]).tolist() == [4.0, 6.0]


def test_abs_of_exp_of_a_complex_leaf_matches_pytorch():
    torch = pytest.importorskip("torch")
    z0 = np.array([0.3 + 0.8j, -1.2 + 0.4j])
    z = Tensor(z0, requires_grad=True)
    ops.abs(ops.exp(z)).sum().backward()
    tz = torch.tensor(z0, requires_grad=True)
    tz.exp().abs().sum().backward()
    np.testing.assert_allclose(z.grad.data, tz.grad.numpy(), rtol=1e-12)
    assert z.grad.data[0] == pytest.approx(np.exp(0.3))


def test_complex_products_match_pytorch():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    a0 = rng.standard_normal(4) + 1j * rng.standard_normal(4)
    b0 = rng.standard_normal(4) + 1j * rng.standard_normal(4)
    x0 = rng.standard_normal(4)
    a, b, x = Tensor(a0, requires_grad=True), Tensor(b0, requires_grad=True), Tensor(x0, requires_grad=True)
    ops.abs(a * b / (x + 3.0) + a).sum().backward()
    ta, tb, tx = (torch.tensor(v, requires_grad=True) for v in (a0, b0, x0))
    (ta * tb / (tx + 3.0) + ta).abs().sum().backward()
    for ours, theirs in ((a, ta), (b, tb), (x, tx)):
        np.testing.assert_allclose(ours.grad.data, theirs.grad.numpy(), rtol=1e-10)
    assert x.grad.dtype == np.float64  # a real input gets a real gradient


def test_backward_from_a_complex_output_needs_an_explicit_gradient():
    z = Tensor(np.array([1.0 + 1.0j]), requires_grad=True)
    with pytest.raises(RuntimeError, match="real scalar"):
        (z * 2).sum().backward()


def test_second_derivative_of_a_complex_modulus():
    # d/dz (z / |z|) is not zero: abs of complex input must stay differentiable
    from autograd import gradcheck, grad

    def first(x, y):
        z = x + y * 1j
        return grad(ops.abs(z * z).sum(), [x, y], create_graph=True)

    rng = np.random.default_rng(1)
    inputs = [Tensor(rng.standard_normal(4), requires_grad=True) for _ in range(2)]
    assert gradcheck(first, inputs)
