"""Bad arguments get clear errors at the call (op, argument, shapes), Python lists work as
inputs to every op, and edge cases that PyTorch computes (empty batches) compute."""
import inspect

import numpy as np
import pytest

import nn
import ops
from autograd import Tensor, get_default_dtype, set_default_dtype
from ops._validate import choice, integer, number, rank
from ops.samples import all_cases


def _direct(case):
    """Whether the case calls the public op itself (not a wrapper lambda)."""
    module = getattr(case.fn, "__module__", "") or ""
    return module.startswith("ops") and not module.startswith("ops.samples") and case.fn.__name__ != "<lambda>"


def _raised_inside_ops(error):
    """Whether the innermost frame of the error is npgrad code (not the sample's wrapper)."""
    frames = []
    tb = error.__traceback__
    while tb is not None:
        frames.append(tb.tb_frame.f_code.co_filename)
        tb = tb.tb_next
    inner = [f for f in frames if "/ops/" in f or "/autograd/" in f]
    return bool(inner) and "/samples/" not in inner[-1]


FLOAT_CASES = [case for case in all_cases()
               if any(isinstance(a, np.ndarray) and a.dtype.kind == "f" for a in case.inputs)]


def test_python_lists_work_as_inputs_to_every_op():
    """Every sample call with its float arrays given as nested lists: no op fails on a list;
    where the case calls the op itself, the result equals the Tensor call's."""
    previous = get_default_dtype()
    set_default_dtype(np.float64)  # the lists' floats become the cases' float64
    failures, compared = [], set()
    try:
        for case in FLOAT_CASES:
            tensors = [Tensor(a.copy()) if isinstance(a, np.ndarray) and a.dtype.kind == "f" else a
                       for a in case.inputs]
            lists = [a.tolist() if isinstance(a, np.ndarray) and a.dtype.kind == "f" else a for a in case.inputs]
            try:
                with np.errstate(all="ignore"):
                    got = case.fn(*lists)
            except Exception as error:  # noqa: BLE001  collected and reported together
                internal = "call(" in inspect.getsource(case.fn)  # an engine-internal rule (index_add)
                if _raised_inside_ops(error) and not internal:
                    failures.append(f"{case}: {type(error).__name__}: {error}")
                continue  # else: the sample's wrapper itself needs Tensors
            if not _direct(case):
                continue
            with np.errstate(all="ignore"):
                expected = case.fn(*tensors)
            for a, b in zip(expected if isinstance(expected, tuple) else (expected,),
                            got if isinstance(got, tuple) else (got,)):
                np.testing.assert_allclose(np.asarray(getattr(b, "data", b)), np.asarray(getattr(a, "data", a)),
                                           rtol=1e-12, atol=1e-12, err_msg=str(case))
            compared.add(case.op)
    finally:
        set_default_dtype(previous)
    assert not failures, "\n".join(failures)
    assert len(compared) > 50


def test_linear_on_a_0d_input_names_the_op_and_shape():
    with pytest.raises(ValueError, match=r"linear: input must have at least 1 dimension, got shape \(\)"):
        ops.linear(Tensor(np.float32(1.0)), Tensor(np.ones((3, 1), np.float32)))
    with pytest.raises(ValueError, match=r"linear: input must have at least 1 dimension"):
        nn.Linear(1, 3)(Tensor(np.float32(2.0)))


@pytest.mark.parametrize("norm", ["layer_norm", "group_norm"])
def test_norms_on_an_empty_batch_compute_as_torch(norm):
    torch = pytest.importorskip("torch")
    x = Tensor(np.zeros((0, 4, 3)), requires_grad=True)
    w = Tensor(np.ones(4 if norm == "group_norm" else (4, 3)), requires_grad=True)
    xt = torch.zeros(0, 4, 3, dtype=torch.float64, requires_grad=True)
    wt = torch.ones(tuple(w.shape), dtype=torch.float64, requires_grad=True)
    if norm == "layer_norm":
        y, yt = ops.layer_norm(x, (4, 3), w, w), torch.nn.functional.layer_norm(xt, (4, 3), wt, wt)
    else:
        y, yt = ops.group_norm(x, 2, w, w), torch.nn.functional.group_norm(xt, 2, wt, wt)
    assert y.shape == tuple(yt.shape) == (0, 4, 3)
    y.sum().backward()
    yt.sum().backward()
    assert x.grad.shape == (0, 4, 3)
    np.testing.assert_array_equal(w.grad.data, wt.grad.numpy())


def test_layer_arguments_of_the_wrong_kind():
    with pytest.raises(TypeError, match="LeakyReLU: negative_slope"):
        nn.LeakyReLU("a")


def test_random_shift_and_data_loader_arguments():
    images = np.zeros((2, 1, 8, 8), np.float32)
    with pytest.raises(ValueError, match="random_shift: max_shift must be >= 0, got -1"):
        nn.data.random_shift(images, max_shift=-1)
    with pytest.raises(TypeError, match="random_shift: max_shift must be an integer, got float 1.5"):
        nn.data.random_shift(images, max_shift=1.5)
    with pytest.raises(ValueError, match=r"random_shift: images \(NCHW\) must have 4 dimensions, got shape \(8, 8\)"):
        nn.data.random_shift(np.zeros((8, 8)))
    assert nn.data.random_shift(images, max_shift=0).shape == images.shape
    with pytest.raises(ValueError, match="DataLoader: batch_size must be >= 1, got 0"):
        nn.data.DataLoader(images, batch_size=0)
    with pytest.raises(TypeError, match="DataLoader: batch_size must be an integer"):
        nn.data.DataLoader(images, batch_size=2.0)


def test_one_rule_per_argument_kind():
    assert integer("op", "n", np.int64(3), minimum=0) == 3 and type(integer("op", "n", np.int64(3))) is int
    with pytest.raises(TypeError, match="op: n must be an integer, got bool True"):
        integer("op", "n", True)
    assert number("op", "p", 1, low=0, high=1) == 1.0
    with pytest.raises(TypeError, match="op: p must be a real number, got str 'a'"):
        number("op", "p", "a")
    with pytest.raises(ValueError, match=r"op: p must be in \[0, 1\], got 2.0"):
        number("op", "p", 2, low=0, high=1)
    with pytest.raises(ValueError, match="op: p must be finite, got nan"):
        number("op", "p", float("nan"))
    with pytest.raises(ValueError, match="op: mode must be one of 'a', 'b', got 'c'"):
        choice("op", "mode", "c", ("a", "b"))
    with pytest.raises(ValueError, match=r"op: x must have 2 dimensions, got shape \(3,\)"):
        rank("op", "x", (3,), exact=2)


def test_flatten_with_a_dimension_out_of_range_names_the_layer():
    with pytest.raises(ValueError, match="Flatten: start_dim 5 is out of range.*\\(4, 3\\)"):
        nn.Flatten(5)(Tensor(np.ones((4, 3))))
    assert nn.Flatten(-2)(Tensor(np.ones((4, 3, 2)))).shape == (4, 6)


def test_clip_with_a_bound_that_is_not_a_number_names_the_op():
    with pytest.raises(TypeError, match="clip: a_min must be a real number"):
        ops.clip(Tensor(np.ones(3)), "a", 1)
    np.testing.assert_array_equal(ops.clip(Tensor(np.arange(4.0)), [0, 1, 1, 1], 2).data, [0, 1, 2, 2])
