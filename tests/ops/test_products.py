"""Products: einsum (hypothesis over subscripts and shapes), tensordot, and the compositions."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import ops
from autograd import Tensor, grad, gradcheck


def _t(a):
    return Tensor(np.asarray(a, dtype=np.float64).copy(), requires_grad=True)


@st.composite
def einsum_problem(draw):
    """Random subscripts over labels a-e (repeats, ellipsis, implicit or explicit output)."""
    sizes = {c: draw(st.integers(1, 3)) for c in "abcde"}
    n_ops = draw(st.integers(1, 3))
    ell = draw(st.booleans())
    ell_shape = tuple(draw(st.lists(st.integers(1, 3), min_size=0, max_size=2))) if ell else ()
    terms, shapes = [], []
    for _ in range(n_ops):
        term = "".join(draw(st.lists(st.sampled_from("abcde"), min_size=0, max_size=3)))
        shape = [sizes[c] for c in term]
        if ell and draw(st.booleans()):
            k = draw(st.integers(0, len(ell_shape)))
            sub = list(ell_shape[len(ell_shape) - k:])
            # broadcasting: some ellipsis dims may be 1
            sub = [1 if draw(st.booleans()) else n for n in sub]
            terms.append("..." + term)
            shapes.append(tuple(sub) + tuple(shape))
        else:
            terms.append(term)
            shapes.append(tuple(shape))
    spec = ",".join(terms)
    if draw(st.booleans()):
        labels = sorted(set("".join(terms)))
        out = draw(st.permutations(labels))
        out = "".join(out[: draw(st.integers(0, len(labels)))])
        if any("..." in t for t in terms) and draw(st.booleans()):
            out = "..." + out
        spec += "->" + out
    return spec, shapes


@settings(max_examples=60, deadline=None)
@given(einsum_problem(), st.integers(0, 2**31 - 1))
def test_einsum_matches_numpy_and_gradchecks(problem, seed):
    spec, shapes = problem
    rng = np.random.default_rng(seed)
    arrays = [rng.standard_normal(s) for s in shapes]
    try:
        expected = np.einsum(spec, *arrays)
    except ValueError:
        with pytest.raises(ValueError):
            ops.einsum(spec, *[_t(a) for a in arrays])
        return
    inputs = [_t(a) for a in arrays]
    out = ops.einsum(spec, *inputs)
    np.testing.assert_allclose(out.data, expected, rtol=1e-10, atol=1e-12)
    assert gradcheck(lambda *xs: ops.einsum(spec, *xs, optimize=True), inputs)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(1, 3), min_size=0, max_size=3),
       st.lists(st.integers(1, 3), min_size=0, max_size=3),
       st.lists(st.integers(1, 3), min_size=0, max_size=2), st.data())
def test_tensordot_shapes(free_a, free_b, common, data):
    rng = np.random.default_rng(0)
    perm_a = data.draw(st.permutations(range(len(free_a) + len(common))))
    perm_b = data.draw(st.permutations(range(len(free_b) + len(common))))
    shape_a = np.array(free_a + common)[perm_a] if perm_a else np.array([], int)
    shape_b = np.array(common + free_b)[perm_b] if perm_b else np.array([], int)
    axes_a = [int(np.where(np.array(perm_a) == len(free_a) + k)[0][0]) for k in range(len(common))]
    axes_b = [int(np.where(np.array(perm_b) == k)[0][0]) for k in range(len(common))]
    a = rng.standard_normal(tuple(shape_a))
    b = rng.standard_normal(tuple(shape_b))
    out = ops.tensordot(_t(a), _t(b), axes=(axes_a, axes_b))
    np.testing.assert_allclose(out.data, np.tensordot(a, b, axes=(axes_a, axes_b)), atol=1e-12)
    assert gradcheck(lambda x, y: ops.tensordot(x, y, axes=(axes_a, axes_b)), [_t(a), _t(b)])


COMPOSITIONS = [
    ("dot", ops.dot, np.dot, [(3,), (3,)]),
    ("dot", ops.dot, np.dot, [(2, 3), (3,)]),
    ("dot", ops.dot, np.dot, [(2, 3, 4), (4,)]),
    ("dot", ops.dot, np.dot, [(), (2, 3)]),
    ("inner", ops.inner, np.inner, [(2, 3, 4), (5, 4)]),
    ("outer", ops.outer, np.outer, [(2, 3), (4,)]),
    ("vdot", ops.vdot, np.vdot, [(2, 3), (3, 2)]),
    ("kron", ops.kron, np.kron, [(2, 3), (3, 2)]),
    ("kron", ops.kron, np.kron, [(2,), (2, 3, 2)]),
    ("cross", ops.cross, np.cross, [(4, 3), (3,)]),
    ("cross", ops.cross, np.cross, [(4, 3), (2,)]),
    ("cross", ops.cross, np.cross, [(2,), (4, 3)]),
    ("cross", lambda a, b: ops.cross(a, b, axisa=0, axisb=1, axisc=0),
     lambda a, b: np.cross(a, b, axisa=0, axisb=1, axisc=0), [(3, 2), (2, 3)]),
]


@pytest.mark.parametrize("name, ours, theirs, shapes", COMPOSITIONS, ids=lambda v: v if isinstance(v, str) else "")
def test_compositions_match_numpy_and_gradcheck(name, ours, theirs, shapes):
    rng = np.random.default_rng(3)
    arrays = [rng.standard_normal(s) for s in shapes]
    np.testing.assert_allclose(ours(*[_t(a) for a in arrays]).data, theirs(*arrays), atol=1e-12)
    assert gradcheck(ours, [_t(a) for a in arrays])


def test_compositions_accept_lists_and_refuse_out():
    np.testing.assert_allclose(ops.dot([1.0, 2.0], [3.0, 4.0]).data, 11.0)
    np.testing.assert_allclose(ops.kron([1.0, 2.0], [1.0, -1.0]).data, [1, -1, 2, -2])
    with pytest.raises(TypeError, match="out="):
        ops.dot(_t([1.0]), _t([1.0]), out=np.zeros(()))
    with pytest.raises(TypeError, match="out="):
        ops.einsum("i->", _t([1.0]), out=np.zeros(()))


def test_einsum_errors_name_the_op_and_shapes():
    with pytest.raises(ValueError, match="einsum"):
        ops.einsum("ij,jk->ik", _t(np.ones((2, 3))), _t(np.ones((4, 2))))
    with pytest.raises(ValueError, match="einsum"):
        ops.einsum("ij->i", _t(np.ones(3)))
    with pytest.raises(ValueError, match="tensordot"):
        ops.tensordot(_t(np.ones((2, 3))), _t(np.ones((2, 3))), axes=([1], [1, 0]))


def test_einsum_optimize_is_passed_to_numpy_both_ways(monkeypatch):
    seen = []
    real = np.einsum

    def spy(*args, **kwargs):
        seen.append(kwargs.get("optimize"))
        return real(*args, **kwargs)

    monkeypatch.setattr(np, "einsum", spy)
    a, b, c = _t(np.ones((2, 3))), _t(np.ones((3, 4))), _t(np.ones((4, 2)))
    ops.einsum("ij,jk,kl->il", a, b, c, optimize="greedy").sum().backward()
    assert seen and all(o == "greedy" for o in seen) and len(seen) == 4


def test_einsum_second_derivative():
    rng = np.random.default_rng(5)
    a = _t(rng.standard_normal((3, 3)))
    b = _t(rng.standard_normal((3, 3)))
    (ga,) = grad((ops.einsum("ij,jk,ki->", a, b, a) ** 2), a, create_graph=True)
    assert gradcheck(lambda x, y: grad((ops.einsum("ij,jk,ki->", x, y, x) ** 2), x, create_graph=True)[0],
                     [a, b])


def test_tensor_methods_dot_conj_real_imag():
    z0 = np.array([1 + 2j, 3 - 1j])
    z = Tensor(z0.copy(), requires_grad=True)
    np.testing.assert_allclose(z.real.data, z0.real)
    np.testing.assert_allclose(z.imag.data, z0.imag)
    np.testing.assert_allclose(z.conj().data, z0.conj())
    np.testing.assert_allclose(z.conjugate().data, z0.conj())
    (z.real * z.imag).sum().backward()
    np.testing.assert_allclose(z.grad.data, z0.imag + 1j * z0.real)  # dL/da + i dL/db
    a = _t(np.arange(6.0).reshape(2, 3))
    np.testing.assert_allclose(a.dot(np.ones(3)).data, np.arange(6.0).reshape(2, 3).dot(np.ones(3)))


def test_einsum_accepts_an_explicit_path():
    rng = np.random.default_rng(6)
    a, b, c = rng.standard_normal((3, 4)), rng.standard_normal((4, 5)), rng.standard_normal((5, 2))
    path = np.einsum_path("ij,jk,kl->il", a, b, c)[0]
    assert gradcheck(lambda x, y, z: ops.einsum("ij,jk,kl->il", x, y, z, optimize=path), [_t(a), _t(b), _t(c)])
