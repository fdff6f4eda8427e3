"""numpy.linalg on Tensors: compositions, keyword handling, errors, degenerate cases, torch agreement."""
import numpy as np
import pytest

from autograd import Tensor, grad, gradcheck
from ops import linalg


def _t(a, requires_grad=True):
    return Tensor(np.asarray(a, dtype=np.float64).copy(), requires_grad=requires_grad)


def _wc(*shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape) + 3 * np.eye(shape[-1])


@pytest.mark.parametrize("n", [-3, -1, 0, 1, 2, 5])
def test_matrix_power_matches_numpy_and_gradchecks(n):
    a = _wc(2, 3, 3, seed=1) / 3
    np.testing.assert_allclose(linalg.matrix_power(_t(a), n).data, np.linalg.matrix_power(a, n), rtol=1e-10)
    if n:
        assert gradcheck(lambda x: linalg.matrix_power(x, n), [_t(a)])


@pytest.mark.parametrize("shapes", [[(3,), (3, 4), (4, 2)], [(2, 3), (3, 4), (4,)], [(3,), (3, 2), (2,)],
                                    [(2, 3), (3, 2), (2, 4), (4, 3)]])
def test_multi_dot_matches_numpy_and_gradchecks(shapes):
    rng = np.random.default_rng(2)
    arrays = [rng.standard_normal(s) for s in shapes]
    np.testing.assert_allclose(linalg.multi_dot([_t(a) for a in arrays]).data, np.linalg.multi_dot(arrays),
                               rtol=1e-10)
    assert gradcheck(lambda *xs: linalg.multi_dot(list(xs)), [_t(a) for a in arrays])


NORMS = [(None, None, False), (2, 1, True), (1, 0, False), (np.inf, -1, False), (-np.inf, 1, True),
         (3.5, 1, False), ("fro", (0, 1), True), ("nuc", (1, 0), False), (2, (0, 1), False),
         (-2, (0, 1), True), (1, (1, 0), False), (np.inf, (0, 1), True), (-1, (0, 1), False)]


@pytest.mark.parametrize("ord, axis, keepdims", NORMS)
def test_norm_forward_matches_numpy_with_axis_and_keepdims(ord, axis, keepdims):
    x = np.random.default_rng(3).standard_normal((4, 3))
    np.testing.assert_allclose(linalg.norm(_t(x), ord=ord, axis=axis, keepdims=keepdims).data,
                               np.linalg.norm(x, ord=ord, axis=axis, keepdims=keepdims), rtol=1e-10)


def test_vector_and_matrix_norm_and_friends_match_numpy():
    rng = np.random.default_rng(4)
    x = rng.standard_normal((2, 3, 4))
    np.testing.assert_allclose(linalg.vector_norm(_t(x), axis=(0, 2), ord=3).data,
                               np.linalg.vector_norm(x, axis=(0, 2), ord=3), rtol=1e-10)
    np.testing.assert_allclose(linalg.matrix_norm(_t(x), ord="nuc", keepdims=True).data,
                               np.linalg.matrix_norm(x, ord="nuc", keepdims=True), rtol=1e-10)
    y = rng.standard_normal((3, 4))
    np.testing.assert_allclose(linalg.vecdot(_t(x), _t(y)).data, np.linalg.vecdot(x, y), rtol=1e-10)
    np.testing.assert_allclose(linalg.matrix_transpose(_t(x)).data, np.linalg.matrix_transpose(x))
    np.testing.assert_allclose(linalg.outer(_t(y[0]), _t(y[1])).data, np.linalg.outer(y[0], y[1]))
    np.testing.assert_allclose(linalg.cross(_t(x[..., :3]), _t(y[:, :3])).data,
                               np.linalg.cross(x[..., :3], y[:, :3]))
    np.testing.assert_allclose(linalg.tensordot(_t(x), _t(y), axes=2).data, np.linalg.tensordot(x, y, axes=2))
    assert gradcheck(lambda a, b: linalg.vecdot(a, b), [_t(x), _t(y)])
    assert gradcheck(lambda a: linalg.vector_norm(a, axis=(0, 2), ord=3), [_t(x)])


def test_norm_subgradient_at_zero_is_zero_for_every_order():
    for ord in (None, 1, 2, 3, 0.5, np.inf):
        x = _t(np.zeros(3))
        linalg.norm(x, ord=ord).backward()
        np.testing.assert_array_equal(x.grad.data, np.zeros(3))
    x = _t(np.zeros((2, 2)))
    linalg.norm(x).backward()
    np.testing.assert_array_equal(x.grad.data, np.zeros((2, 2)))


def test_inf_norm_splits_ties_evenly_like_torch():
    torch = pytest.importorskip("torch")
    x = np.array([1.0, -3.0, 3.0, 2.0])
    ours = _t(x)
    linalg.norm(ours, ord=np.inf).backward()
    theirs = torch.tensor(x, requires_grad=True)
    torch.linalg.norm(theirs, ord=float("inf")).backward()
    np.testing.assert_allclose(ours.grad.data, theirs.grad.numpy())


def test_slogdet_sign_has_no_gradient_and_matches_numpy():
    a = np.random.default_rng(5).standard_normal((3, 4, 4))
    sign, logabs = linalg.slogdet(_t(a))
    ref = np.linalg.slogdet(a)
    np.testing.assert_array_equal(sign.data, ref.sign)
    assert not sign.requires_grad and logabs.requires_grad
    np.testing.assert_allclose(logabs.data, ref.logabsdet)


def test_repeated_eigenvalues_give_nonfinite_vector_gradients_like_torch():
    torch = pytest.importorskip("torch")
    a = np.diag([1.0, 1.0, 2.0])
    x = _t(a)
    w, v = linalg.eigh(x)
    (v ** 3).sum().backward()
    xt = torch.tensor(a, requires_grad=True)
    wt, vt = torch.linalg.eigh(xt)
    (vt ** 3).sum().backward()
    assert not np.isfinite(x.grad.data).all()
    assert not torch.isfinite(xt.grad).all()
    # eigenvalues alone stay finite
    x2 = _t(a)
    linalg.eigvalsh(x2).sum().backward()
    np.testing.assert_allclose(x2.grad.data, np.eye(3))


def test_svd_keywords_and_results():
    a = np.random.default_rng(6).standard_normal((2, 5, 3))
    u, s, vh = linalg.svd(_t(a))
    ru, rs, rvh = np.linalg.svd(a)
    assert u.shape == ru.shape and vh.shape == rvh.shape
    np.testing.assert_allclose(((u[..., :3] * s[..., None, :]) @ vh).data, a, atol=1e-12)
    np.testing.assert_allclose(linalg.svd(_t(a), compute_uv=False).data, rs)
    np.testing.assert_allclose(linalg.svdvals(_t(a)).data, rs)
    q, r = linalg.qr(_t(a))
    np.testing.assert_allclose((q @ r).data, a, atol=1e-12)
    np.testing.assert_allclose(linalg.qr(_t(a), mode="r").data, np.linalg.qr(a, mode="r"))


def test_errors_name_the_function_and_shape():
    with pytest.raises(ValueError, match=r"inv: .*\(2, 3\)"):
        linalg.inv(_t(np.ones((2, 3))))
    with pytest.raises(ValueError, match="solve"):
        linalg.solve(_t(np.eye(3)), _t(np.ones(4)))
    with pytest.raises(ValueError, match="qr"):
        linalg.qr(_t(np.ones((4, 2))), mode="complete")
    with pytest.raises(ValueError, match="norm"):
        linalg.norm(_t(np.ones((2, 2, 2))), ord=2)
    with pytest.raises(TypeError, match="out="):
        linalg.multi_dot([_t(np.eye(2)), _t(np.eye(2))], out=np.zeros((2, 2)))
    with pytest.raises(np.linalg.LinAlgError):
        linalg.inv(_t(np.zeros((2, 2))))


def test_lists_work_as_inputs():
    np.testing.assert_allclose(linalg.det([[1.0, 2.0], [3.0, 4.0]]).data, -2.0)
    np.testing.assert_allclose(linalg.norm([3.0, 4.0]).data, 5.0)


def test_hessian_of_logdet_matches_finite_differences():
    rng = np.random.default_rng(7)
    a0 = _wc(3, 3, seed=8)
    v = rng.standard_normal((3, 3))

    def g_of(a_values):
        a = _t(a_values)
        (g,) = grad(linalg.slogdet(a).logabsdet, a)
        return g.data

    a = _t(a0)
    (g,) = grad(linalg.slogdet(a).logabsdet + linalg.norm(a, "nuc"), a, create_graph=True)
    (hv,) = grad((g * Tensor(v)).sum(), a)

    def g_num(x):
        b = _t(x)
        (gg,) = grad(linalg.slogdet(b).logabsdet + linalg.norm(b, "nuc"), b)
        return gg.data

    eps = 1e-6
    numeric = (g_num(a0 + eps * v) - g_num(a0 - eps * v)) / (2 * eps)
    np.testing.assert_allclose(hv.data, numeric, rtol=1e-5, atol=1e-7)


def test_complex_decompositions_match_torch():
    """eigh, svd and qr of complex matrices: gauge-invariant losses, PyTorch's gradients."""
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(9)
    x, y = rng.standard_normal((4, 3)), rng.standard_normal((4, 3))

    def ours(a, b):
        z = a + b * 1j
        h = z.T.conj() @ z  # Hermitian (3, 3)
        w, v = linalg.eigh(h)
        u, s, vh = linalg.svd(z, full_matrices=False)
        q, r = linalg.qr(z)
        return ((abs(v) ** 2).sum(axis=0) * w).sum() + ((abs(u) ** 2) @ s).sum() \
            + (abs(vh) ** 3).sum() + (q.real ** 2).sum() + (r.imag * r.real).sum()

    def theirs(a, b):
        z = torch.complex(a, b)
        h = z.mH @ z
        w, v = torch.linalg.eigh(h)
        u, s, vh = torch.linalg.svd(z, full_matrices=False)
        q, r = torch.linalg.qr(z)
        return ((v.abs() ** 2).sum(dim=0) * w).sum() + ((u.abs() ** 2) @ s).sum() \
            + (vh.abs() ** 3).sum() + (q.real ** 2).sum() + (r.imag * r.real).sum()

    a, b = _t(x), _t(y)
    out = ours(a, b)
    out.backward()
    at, bt = torch.tensor(x, requires_grad=True), torch.tensor(y, requires_grad=True)
    expected = theirs(at, bt)
    expected.backward()
    np.testing.assert_allclose(out.data, expected.item(), rtol=1e-10)
    np.testing.assert_allclose(a.grad.data, at.grad.numpy(), rtol=1e-7, atol=1e-10)
    np.testing.assert_allclose(b.grad.data, bt.grad.numpy(), rtol=1e-7, atol=1e-10)


@pytest.mark.parametrize("shapes", [((5, 3), (5,)), ((5, 3), (5, 2)), ((3, 5), (3, 2)), ((4, 4), (4,))])
def test_lstsq_matches_numpy_and_torch(shapes):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(10)
    a, b = rng.standard_normal(shapes[0]), rng.standard_normal(shapes[1])
    ours, ref = linalg.lstsq(_t(a), _t(b)), np.linalg.lstsq(a, b)
    np.testing.assert_allclose(ours.x.data, ref[0], atol=1e-12)
    np.testing.assert_allclose(ours.residuals.data, ref[1], atol=1e-12)
    assert ours.residuals.shape == ref[1].shape and ours.rank == ref[2]
    np.testing.assert_allclose(ours.s.data, ref[3])
    assert gradcheck(lambda x, y: linalg.lstsq(x, y).x, [_t(a), _t(b)])
    if ref[1].size:
        assert gradcheck(lambda x, y: linalg.lstsq(x, y).residuals, [_t(a), _t(b)])
    at, bt = torch.tensor(a, requires_grad=True), torch.tensor(b, requires_grad=True)
    sol = torch.linalg.lstsq(at, bt if b.ndim == 2 else bt[:, None], driver="gelsd").solution
    sol = sol if b.ndim == 2 else sol[:, 0]
    sol.sum().backward()
    x, y = _t(a), _t(b)
    linalg.lstsq(x, y).x.sum().backward()
    np.testing.assert_allclose(x.grad.data, at.grad.numpy(), rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(y.grad.data, bt.grad.numpy(), rtol=1e-8, atol=1e-10)


def test_det_gradient_at_a_singular_matrix_is_the_cofactor_matrix():
    # d det / dA is the cofactor matrix even where det = 0 (finite differences agree;
    # torch 2.13 returns zeros here, which finite differences contradict)
    a = np.array([[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [0.0, 1.0, 5.0]])
    x = _t(a)
    linalg.det(x).backward()
    eps = 1e-6
    numeric = np.zeros((3, 3))
    for i in range(3):
        for j in range(3):
            e = np.zeros((3, 3))
            e[i, j] = eps
            numeric[i, j] = (np.linalg.det(a + e) - np.linalg.det(a - e)) / (2 * eps)
    np.testing.assert_allclose(x.grad.data, numeric, atol=1e-7)
    assert np.abs(x.grad.data).max() > 1


def test_eigh_reads_the_triangle_uplo_names():
    torch = pytest.importorskip("torch")
    a = np.random.default_rng(11).standard_normal((2, 4, 4))
    for uplo in ("L", "U"):
        w, v = linalg.eigh(_t(a), UPLO=uplo)
        ref = np.linalg.eigh(a, UPLO=uplo)
        np.testing.assert_allclose(w.data, ref.eigenvalues, atol=1e-12)
        np.testing.assert_allclose(np.abs(v.data), np.abs(ref.eigenvectors), atol=1e-10)
        np.testing.assert_allclose(linalg.eigvalsh(_t(a), UPLO=uplo).data, ref.eigenvalues, atol=1e-12)
        x = _t(a)
        w, v = linalg.eigh(x, UPLO=uplo)
        (w.sum() + (v ** 4).sum()).backward()
        xt = torch.tensor(a, requires_grad=True)
        wt, vt = torch.linalg.eigh(xt, UPLO=uplo)
        (wt.sum() + (vt ** 4).sum()).backward()
        np.testing.assert_allclose(x.grad.data, xt.grad.numpy(), rtol=1e-7, atol=1e-10)


@pytest.mark.parametrize("upper", [False, True])
@pytest.mark.parametrize("complex_", [False, True])
def test_cholesky_reads_one_triangle_and_matches_torch_off_the_symmetric_domain(upper, complex_):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(12)
    z = rng.standard_normal((4, 4)) + (1j * rng.standard_normal((4, 4)) if complex_ else 0)
    a = z @ z.conj().T + 4 * np.eye(4)
    a[0, 3] += 0.7  # not symmetric: only one triangle is read
    u = rng.standard_normal((4, 4))
    x = Tensor(a.copy(), requires_grad=True)
    out = linalg.cholesky(x, upper=upper)
    np.testing.assert_allclose(out.data, np.linalg.cholesky(a, upper=upper), atol=1e-12)
    (out * Tensor(u)).real.sum().backward()
    xt = torch.tensor(a, requires_grad=True)
    (torch.linalg.cholesky(xt, upper=upper) * torch.tensor(u)).real.sum().backward()
    np.testing.assert_allclose(x.grad.data, xt.grad.numpy(), rtol=1e-8, atol=1e-12)


@pytest.mark.parametrize("p", [None, 2, -2, 1, -1, "fro", "nuc", np.inf, -np.inf])
def test_cond_matches_numpy_and_gradchecks(p):
    a = _wc(3, 3, seed=13) - np.eye(3)
    np.testing.assert_allclose(linalg.cond(_t(a), p).data, np.linalg.cond(a, p), rtol=1e-10)
    assert gradcheck(lambda x: linalg.cond(x, p), [_t(a)])


def test_eig_and_eigvals_follow_numpy_types():
    rng = np.random.default_rng(14)
    a = rng.standard_normal((2, 4, 4))
    w, v = linalg.eig(_t(a))
    ref = np.linalg.eig(a)
    assert w.dtype == ref.eigenvalues.dtype and v.shape == ref.eigenvectors.shape
    np.testing.assert_allclose(w.data, ref.eigenvalues, atol=1e-12)
    np.testing.assert_allclose(np.abs(v.data), np.abs(ref.eigenvectors), atol=1e-10)
    np.testing.assert_allclose(linalg.eigvals(_t(a)).data, np.linalg.eigvals(a), atol=1e-12)
    s = a @ a.swapaxes(-1, -2)  # symmetric: real eigenvalues, real results as NumPy
    assert linalg.eig(_t(s)).eigenvalues.dtype == np.linalg.eig(s).eigenvalues.dtype == np.float64


def test_trace_diagonal_rank_tensorinv_tensorsolve_match_numpy():
    rng = np.random.default_rng(15)
    a = rng.standard_normal((2, 3, 3))
    np.testing.assert_allclose(np.linalg.trace(_t(a), offset=1).data, np.linalg.trace(a, offset=1))
    np.testing.assert_allclose(np.linalg.diagonal(_t(a), offset=-1).data, np.linalg.diagonal(a, offset=-1))
    np.testing.assert_array_equal(np.linalg.matrix_rank(_t(a)), np.linalg.matrix_rank(a))
    t = np.eye(6).reshape(6, 2, 3) * 3 + rng.standard_normal((6, 2, 3))
    b = rng.standard_normal(6)
    np.testing.assert_allclose(np.linalg.tensorinv(_t(t), ind=1).data, np.linalg.tensorinv(t, ind=1), atol=1e-12)
    np.testing.assert_allclose(np.linalg.tensorsolve(_t(t), _t(b)).data, np.linalg.tensorsolve(t, b), atol=1e-12)
    moved = np.moveaxis(t, 0, 2).copy()
    np.testing.assert_allclose(linalg.tensorsolve(_t(moved), _t(b), axes=(0, 1)).data,
                               np.linalg.tensorsolve(moved, b, axes=(0, 1)), atol=1e-12)
    assert gradcheck(lambda x: linalg.tensorinv(x, ind=1), [_t(t)])
    assert gradcheck(lambda x, y: linalg.tensorsolve(x, y), [_t(t), _t(b)])
    assert gradcheck(lambda x: linalg.trace(x) * linalg.diagonal(x).sum(axis=-1), [_t(a)])
