"""Every registered op, driven by the sample table in ops/samples: gradcheck and torch oracle."""
import numpy as np
import pytest

from autograd import Tensor, gradcheck, registry
from ops.samples import all_cases

CASES = all_cases()


def test_every_registered_op_has_a_case():
    covered = {case.op for case in CASES}
    missing = sorted(set(registry) - covered)
    assert not missing, f"registered ops without a sample case in ops/samples: {missing}"


# Ops that torch has no counterpart for; every other op must be compared with torch.
WITHOUT_TORCH = set()


def test_every_op_is_compared_with_torch():
    compared = {case.op for case in CASES if case.torch_fn is not None}
    missing = sorted(set(registry) - compared - WITHOUT_TORCH)
    assert not missing, f"registered ops never compared with torch: {missing}"


def test_every_case_names_a_registered_op():
    unknown = sorted({case.op for case in CASES} - set(registry))
    assert not unknown, f"cases for ops that are not registered: {unknown}"


@pytest.mark.parametrize("case", [c for c in CASES if c.gradcheck], ids=str)
def test_gradcheck_float64(case):
    inputs = case.tensors()
    assert gradcheck(case.fn, inputs, atol=case.atol, rtol=case.rtol)


@pytest.mark.parametrize("case", [c for c in CASES if c.torch_fn is not None], ids=str)
def test_matches_torch(case):
    torch = pytest.importorskip("torch")
    ours = case.tensors()
    theirs = [
        torch.tensor(a, requires_grad=w) if isinstance(a, np.ndarray) else a
        for a, w in zip(case.inputs, case.wants_grad())
    ]
    out = case.fn(*ours)
    expected = case.torch_fn(*theirs)
    np.testing.assert_allclose(out.data, expected.detach().numpy(), rtol=1e-7, atol=1e-9)
    upstream = np.random.default_rng(1).standard_normal(out.shape)
    out.backward(upstream)
    expected.backward(torch.tensor(upstream))
    for i, (t, tt) in enumerate(zip(ours, theirs)):
        if isinstance(t, Tensor) and t.requires_grad:
            assert t.grad is not None, f"input {i} got no gradient"
            np.testing.assert_allclose(t.grad.data, tt.grad.numpy(), rtol=1e-6, atol=1e-9,
                                       err_msg=f"gradient of input {i}")
