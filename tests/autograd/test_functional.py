"""autograd.functional against torch.autograd.functional: values, return structures,
create_graph and strict, on several functions of one or more inputs."""
import numpy as np
import pytest

import ops
from autograd import Tensor, grad
from autograd import functional as AF

torch = pytest.importorskip("torch")
TF = torch.autograd.functional

W = np.random.default_rng(0).standard_normal((3, 4))


def _mlp(x, w, lib):
    if lib == "torch":
        return torch.tanh(x @ torch.tensor(W.T)) @ torch.tensor(W) * x + x.exp()
    return ops.tanh(x @ Tensor(W.T)) @ Tensor(W) * x + x.exp()


# (name, npgrad fn, torch fn, input shapes); every fn maps Tensors to a Tensor or a tuple.
FUNCTIONS = [
    ("square", lambda x: x ** 2, lambda x: x ** 2, [(3,)]),
    ("mlp-row", lambda x: _mlp(x, W, "np"), lambda x: _mlp(x, W, "torch"), [(2, 4)]),
    ("reducer", lambda x: (x.exp() * x).sum(axis=1), lambda x: (x.exp() * x).sum(dim=1), [(2, 3)]),
    ("two-in", lambda x, y: x * y.sum() + ops.sigmoid(x), lambda x, y: x * y.sum() + torch.sigmoid(x),
     [(3,), (2, 2)]),
    ("two-out", lambda x, y: (x * y, (x ** 3).sum()), lambda x, y: (x * y, (x ** 3).sum()),
     [(3,), (3,)]),
    ("softmax", lambda x: ops.softmax(x, axis=-1), lambda x: torch.softmax(x, -1), [(2, 3)]),
]
SCALARS = [
    ("cubic", lambda x: (x ** 3).sum(), lambda x: (x ** 3).sum(), [(3,)]),
    ("mixed", lambda x, y: (ops.tanh(x) * y.sum() ** 2).sum() + (x ** 2).mean(),
     lambda x, y: (torch.tanh(x) * y.sum() ** 2).sum() + (x ** 2).mean(), [(2, 2), (3,)]),
    ("logsumexp", lambda x: ops.logsumexp(x * x, axis=0).sum(),
     lambda x: torch.logsumexp(x * x, dim=0).sum(), [(3, 2)]),
]


def _inputs(shapes, seed, single):
    arrays = [np.random.default_rng(seed + i).standard_normal(s) for i, s in enumerate(shapes)]
    ours = tuple(Tensor(a) for a in arrays)
    theirs = tuple(torch.tensor(a) for a in arrays)
    if single and len(shapes) == 1:
        return ours[0], theirs[0]
    return ours, theirs


def _assert_same(ours, theirs, rtol=1e-9, atol=1e-10):
    """Same nesting (Tensor / tuple / tuple of tuples) and same values."""
    if isinstance(theirs, tuple):
        assert isinstance(ours, tuple) and len(ours) == len(theirs), (type(ours), len(theirs))
        for a, b in zip(ours, theirs):
            _assert_same(a, b, rtol, atol)
        return
    assert isinstance(ours, Tensor), type(ours)
    assert ours.shape == tuple(theirs.shape)
    np.testing.assert_allclose(ours.data, theirs.detach().numpy(), rtol=rtol, atol=atol)


def _like(structure, seed):
    """A random v shaped like a Tensor or a tuple of Tensors (for both libraries)."""
    if isinstance(structure, tuple):
        pairs = [_like(s, seed + i) for i, s in enumerate(structure)]
        return tuple(p[0] for p in pairs), tuple(p[1] for p in pairs)
    a = np.random.default_rng(seed).standard_normal(structure.shape)
    return Tensor(a), torch.tensor(a)


@pytest.mark.parametrize("single", [True, False], ids=["tensor", "tuple"])
@pytest.mark.parametrize("name,fn,tfn,shapes", FUNCTIONS, ids=[f[0] for f in FUNCTIONS])
def test_jacobian_vjp_jvp_match_torch(name, fn, tfn, shapes, single):
    x, tx = _inputs(shapes, 10, single)
    _assert_same(AF.jacobian(fn, x), TF.jacobian(tfn, tx))
    _assert_same(AF.jacobian(fn, x, vectorize=True), TF.jacobian(tfn, tx, vectorize=True))
    out = fn(*(x if isinstance(x, tuple) else (x,)))
    v, tv = _like(out, 20)
    _assert_same(AF.vjp(fn, x, v), TF.vjp(tfn, tx, tv))
    u, tu = _like(x, 30)
    _assert_same(AF.jvp(fn, x, u), TF.jvp(tfn, tx, tu))


@pytest.mark.parametrize("single", [True, False], ids=["tensor", "tuple"])
@pytest.mark.parametrize("name,fn,tfn,shapes", SCALARS, ids=[f[0] for f in SCALARS])
def test_hessian_hvp_vhp_match_torch(name, fn, tfn, shapes, single):
    x, tx = _inputs(shapes, 40, single)
    _assert_same(AF.hessian(fn, x), TF.hessian(tfn, tx))
    v, tv = _like(x, 50)
    _assert_same(AF.hvp(fn, x, v), TF.hvp(tfn, tx, tv))
    _assert_same(AF.vhp(fn, x, v), TF.vhp(tfn, tx, tv))


def test_results_are_detached_without_create_graph():
    x = Tensor(np.array([0.5, 1.5]), requires_grad=True)
    out, vj = AF.vjp(lambda t: (t ** 3).sum(), x)
    assert not out.requires_grad and not vj.requires_grad
    J = AF.jacobian(lambda t: t ** 3, x)
    assert not J.requires_grad and x.grad is None


@pytest.mark.parametrize("transform", ["jacobian", "hessian", "vjp", "jvp", "hvp", "vhp"])
def test_create_graph_results_differentiate_again(transform):
    """d/dx of sum(result) through the transform equals torch's."""
    a = np.array([0.3, -0.7, 1.1])
    fn = {"np": lambda t: (ops.tanh(t) * t ** 2).sum(), "torch": lambda t: (torch.tanh(t) * t ** 2).sum()}
    vec = {"np": lambda t: ops.tanh(t) * t ** 2, "torch": lambda t: torch.tanh(t) * t ** 2}
    v = np.array([1.0, -2.0, 0.5])
    x = Tensor(a.copy(), requires_grad=True)
    tx = torch.tensor(a, requires_grad=True)
    f_np, f_t = (vec["np"], vec["torch"]) if transform in ("jacobian", "vjp", "jvp") else (fn["np"], fn["torch"])
    if transform in ("jacobian", "hessian"):
        ours = getattr(AF, transform)(f_np, x, create_graph=True)
        theirs = getattr(TF, transform)(f_t, tx, create_graph=True)
    elif transform == "vjp" or transform == "jvp":
        ours = getattr(AF, transform)(f_np, x, Tensor(v), create_graph=True)[1]
        theirs = getattr(TF, transform)(f_t, tx, torch.tensor(v), create_graph=True)[1]
    else:
        ours = getattr(AF, transform)(f_np, x, Tensor(v), create_graph=True)[1]
        theirs = getattr(TF, transform)(f_t, tx, torch.tensor(v), create_graph=True)[1]
    assert ours.requires_grad
    _assert_same(ours, theirs)
    (gx,) = grad((ours ** 2).sum(), x)
    (tgx,) = torch.autograd.grad((theirs ** 2).sum(), tx)
    np.testing.assert_allclose(gx.data, tgx.numpy(), rtol=1e-9, atol=1e-10)


def test_unused_input_gives_zeros_or_raises_in_strict_mode():
    x, y = Tensor(np.ones(2)), Tensor(np.ones(3))
    J = AF.jacobian(lambda a, b: a * 2, (x, y))
    assert isinstance(J, tuple) and J[1].shape == (2, 3) and not J[1].data.any()
    with pytest.raises(RuntimeError, match="independent of input 1"):
        AF.jacobian(lambda a, b: a * 2, (x, y), strict=True)
    with pytest.raises(RuntimeError, match="independent of input 1"):
        AF.vjp(lambda a, b: (a * 2).sum(), (x, y), strict=True)
    _, vj = AF.vjp(lambda a, b: (a * 2).sum(), (x, y))
    np.testing.assert_array_equal(vj[1].data, np.zeros(3))


def test_strict_mode_errors_match_torch_cases():
    x = Tensor(np.array([1.0, 2.0]))
    with pytest.raises(RuntimeError, match="does not require gradients"):
        AF.vjp(lambda t: Tensor(np.ones(2)), x, Tensor(np.ones(2)), strict=True)
    with pytest.raises(RuntimeError, match="independent of the input"):  # a linear function
        AF.hessian(lambda t: (t * 3).sum(), x, strict=True)
    H = AF.hessian(lambda t: (t * 3).sum(), x)  # non-strict: zeros, as torch
    np.testing.assert_array_equal(H.data, np.zeros((2, 2)))
    with pytest.raises(RuntimeError, match="not supported together"):
        AF.jacobian(lambda t: t, x, strict=True, vectorize=True)


def test_argument_errors():
    x = Tensor(np.ones(3))
    with pytest.raises(TypeError, match="must be either a Tensor or a tuple of Tensors"):
        AF.jacobian(lambda t: t, [1.0, 2.0])
    with pytest.raises(TypeError, match="outputs of the user-provided function"):
        AF.jacobian(lambda t: 3.0, x)
    with pytest.raises(RuntimeError, match="v can only be None"):
        AF.vjp(lambda t: t * 2, x)
    with pytest.raises(RuntimeError, match="invalid size"):
        AF.vjp(lambda t: t * 2, x, Tensor(np.ones(2)))
    with pytest.raises(RuntimeError, match="invalid length"):
        AF.jvp(lambda a, b: a * b, (x, x), (Tensor(np.ones(3)),))
    with pytest.raises(RuntimeError, match="should return a single Tensor"):
        AF.hessian(lambda t: (t.sum(), t.sum()), x)
    with pytest.raises(RuntimeError, match="single element"):
        AF.hvp(lambda t: t * 2, x, x)
    with pytest.raises(NotImplementedError, match="reverse mode"):
        AF.jacobian(lambda t: t, x, strategy="forward-mode")


def test_v_may_be_omitted_for_one_element():
    out, vj = AF.vjp(lambda t: (t ** 2).sum(), Tensor(np.array([1.0, 3.0])))
    np.testing.assert_allclose(vj.data, [2.0, 6.0])
    out, jv = AF.jvp(lambda t: t ** 2 * np.ones(3), Tensor(np.array(2.0)))
    np.testing.assert_allclose(jv.data, [4.0, 4.0, 4.0])


def test_jacobian_float32_keeps_dtype_and_identity_function():
    x = Tensor(np.arange(3, dtype=np.float32))
    J = AF.jacobian(lambda t: t, x)
    assert J.dtype == np.float32
    np.testing.assert_array_equal(J.data, np.eye(3))
