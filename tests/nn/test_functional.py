"""nn.functional against torch.nn.functional: each F.<name> on a few inputs, forward and
input gradients, with torch's argument names and order."""
import numpy as np
import pytest

import nn.functional as F
from autograd import Tensor

torch = pytest.importorskip("torch")
TF = torch.nn.functional

R = np.random.default_rng(0)


def n(*shape):
    return R.standard_normal(shape)


LABELS = np.array([0, 2, 1, 2])
# name: (args as arrays or other values, kwargs); float arrays get gradients
CALLS = [
    ("relu", (n(3, 4),), {}),
    ("relu6", (n(3, 4) * 5,), {}),
    ("leaky_relu", (n(3, 4),), {"negative_slope": 0.2}),
    ("gelu", (n(3, 4),), {"approximate": "tanh"}),
    ("sigmoid", (n(3, 4),), {}),
    ("tanh", (n(3, 4),), {}),
    ("silu", (n(3, 4),), {}),
    ("mish", (n(3, 4),), {}),
    ("softplus", (n(3, 4) * 5,), {"beta": 2.0, "threshold": 4.0}),
    ("elu", (n(3, 4),), {"alpha": 0.7}),
    ("selu", (n(3, 4),), {}),
    ("celu", (n(3, 4),), {"alpha": 0.6}),
    ("hardtanh", (n(3, 4) * 2,), {"min_val": -0.5, "max_val": 1.5}),
    ("logsigmoid", (n(3, 4),), {}),
    ("softsign", (n(3, 4),), {}),
    ("prelu", (n(2, 3, 4), np.array([0.1, 0.2, 0.3])), {}),
    ("softmax", (n(2, 3, 4),), {"dim": 1}),
    ("log_softmax", (n(2, 3, 4),), {"dim": -1}),
    ("softmin", (n(3, 4),), {"dim": 0}),
    ("linear", (n(5, 3), n(4, 3), n(4)), {}),
    ("conv1d", (n(2, 3, 9), n(4, 3, 3), n(4)), {"stride": 2, "padding": 1}),
    ("conv2d", (n(2, 3, 6, 6), n(4, 3, 3, 3), n(4)), {"padding": 1, "dilation": 1}),
    ("conv_transpose2d", (n(2, 4, 5, 5), n(4, 3, 3, 3), n(3)),
     {"stride": 2, "padding": 1, "output_padding": 1}),
    ("max_pool2d", (n(2, 3, 6, 6),), {"kernel_size": 2}),
    ("conv_transpose1d", (n(2, 4, 5), n(4, 3, 3), n(3)), {"stride": 2, "padding": 1}),
    ("adaptive_max_pool2d", (n(2, 3, 6, 5),), {"output_size": (3, 2)}),
    ("adaptive_avg_pool1d", (n(2, 3, 7),), {"output_size": 3}),
    ("embedding", (np.array([[0, 2], [3, 2]]), n(4, 3)), {"padding_idx": 2}),
    ("dropout", (n(3, 4),), {"p": 0.5, "training": False}),
    ("avg_pool2d", (n(2, 3, 6, 6),), {"kernel_size": 3, "stride": 1, "padding": 1}),
    ("max_pool1d", (n(2, 3, 8),), {"kernel_size": 2}),
    ("avg_pool1d", (n(2, 3, 8),), {"kernel_size": 2}),
    ("adaptive_avg_pool2d", (n(2, 3, 7, 6),), {"output_size": (3, 2)}),
    ("layer_norm", (n(3, 4), (4,), n(4), n(4)), {}),
    ("group_norm", (n(2, 4, 3), 2, n(4), n(4)), {}),
    ("batch_norm", (n(5, 3), np.zeros(3), np.ones(3), n(3), n(3)), {"training": True}),
    ("pad", (n(2, 3, 4), (1, 2, 0, 1)), {}),
    ("pad", (n(2, 3, 4), (1, 1)), {"value": 2.5}),
    ("pad", (n(1, 2, 4, 5), (2, 1, 1, 2)), {"mode": "reflect"}),
    ("pad", (n(1, 2, 4, 5), (2, 1, 1, 2)), {"mode": "replicate"}),
    ("pad", (n(1, 2, 4, 5), (2, 1, 1, 2)), {"mode": "circular"}),
    ("normalize", (n(3, 4),), {"dim": 1}),
    ("normalize", (n(3, 4),), {"p": 1.0, "dim": 0}),
    ("cosine_similarity", (n(3, 4), n(3, 4)), {"dim": 1}),
    ("pairwise_distance", (n(3, 4), n(3, 4)), {}),
    ("interpolate", (n(1, 2, 3, 4),), {"scale_factor": 2, "mode": "bilinear", "align_corners": False}),
    ("pixel_shuffle", (n(1, 8, 2, 3), 2), {}),
    ("pixel_unshuffle", (n(1, 2, 4, 6), 2), {}),
    ("upsample", (n(1, 2, 3, 4),), {"size": (5, 7), "mode": "nearest"}),
    ("scaled_dot_product_attention", (n(2, 3, 4), n(2, 5, 4), n(2, 5, 4)), {"is_causal": False}),
    ("cross_entropy", (n(4, 3), LABELS), {"label_smoothing": 0.1}),
    ("nll_loss", (np.log(R.dirichlet(np.ones(3), 4)), LABELS), {"reduction": "sum"}),
    ("mse_loss", (n(3, 4), n(3, 4)), {}),
    ("l1_loss", (n(3, 4), n(3, 4)), {}),
    ("smooth_l1_loss", (n(3, 4), n(3, 4)), {"beta": 0.5}),
    ("huber_loss", (n(3, 4), n(3, 4)), {"delta": 0.5}),
    ("binary_cross_entropy", (R.uniform(0.1, 0.9, (3, 4)), R.uniform(0, 1, (3, 4))), {}),
    ("binary_cross_entropy_with_logits", (n(3, 4), R.uniform(0, 1, (3, 4))),
     {"pos_weight": np.array([1.0, 2.0, 3.0, 0.5])}),
    ("kl_div", (np.log(R.dirichlet(np.ones(4), 3)), R.dirichlet(np.ones(4), 3)), {"reduction": "batchmean"}),
    ("multi_margin_loss", (n(4, 3), LABELS), {}),
    ("cosine_embedding_loss", (n(4, 3), n(4, 3), np.array([1, -1, -1, 1])), {"margin": -0.2}),
    ("cosine_embedding_loss", (n(3), n(3), np.array(-1)), {"reduction": "none"}),
]


@pytest.mark.filterwarnings("ignore:.*upsample.* is deprecated")
@pytest.mark.parametrize("name,args,kwargs", CALLS, ids=[f"{c[0]}-{i}" for i, c in enumerate(CALLS)])
def test_matches_torch_functional(name, args, kwargs):
    wants = [isinstance(a, np.ndarray) and a.dtype.kind == "f" and not (name == "batch_norm" and i in (1, 2))
             for i, a in enumerate(args)]
    ours = [Tensor(a.copy(), requires_grad=w) if isinstance(a, np.ndarray) else a for a, w in zip(args, wants)]
    theirs = [torch.tensor(a.copy(), requires_grad=w) if isinstance(a, np.ndarray) else a
              for a, w in zip(args, wants)]
    tkwargs = {k: torch.tensor(v) if isinstance(v, np.ndarray) else v for k, v in kwargs.items()}
    out = getattr(F, name)(*ours, **kwargs)
    expected = getattr(TF, name)(*theirs, **tkwargs)
    np.testing.assert_allclose(out.data, expected.detach().numpy(), rtol=1e-9, atol=1e-11)
    v = np.random.default_rng(1).standard_normal(out.shape)
    out.backward(v)
    expected.backward(torch.tensor(v))
    for i, (a, b) in enumerate(zip(ours, theirs)):
        if isinstance(a, Tensor) and a.requires_grad:
            rtol = 1e-6 if name == "celu" else 1e-8  # torch's celu gradient rounds coarser
            np.testing.assert_allclose(a.grad.data, b.grad.numpy(), rtol=rtol, atol=1e-10,
                                       err_msg=f"gradient of argument {i}")


@pytest.mark.parametrize("p", [2.0, 3.0])
def test_normalize_of_a_zero_row_has_torch_s_finite_gradient(p):
    x = np.array([[0.0, 0.0, 0.0], [1.0, -2.0, 0.5]])
    ours = Tensor(x.copy(), requires_grad=True)
    theirs = torch.tensor(x, requires_grad=True)
    (F.normalize(ours, p=p) * Tensor(np.arange(6.0).reshape(2, 3))).sum().backward()
    (TF.normalize(theirs, p=p) * torch.arange(6.0, dtype=torch.float64).reshape(2, 3)).sum().backward()
    np.testing.assert_allclose(ours.grad.data, theirs.grad.numpy(), rtol=1e-10, atol=1e-12)


def test_every_name_exists_in_torch_functional():
    missing = [name for name in F.__all__ if not hasattr(TF, name)]
    assert not missing, missing


def test_one_hot_and_softmax_implicit_dim():
    labels = np.array([[0, 2], [1, 0]])
    np.testing.assert_array_equal(F.one_hot(labels).data, TF.one_hot(torch.tensor(labels)).numpy())
    assert F.one_hot(Tensor(np.array([1])), num_classes=4).data.tolist() == [[0, 1, 0, 0]]
    assert F.one_hot(labels).dtype == np.int64
    with pytest.raises(TypeError, match="one_hot: expected integer class indices"):
        F.one_hot(np.array([0.0]))
    x = n(2, 3)
    with pytest.warns(UserWarning, match="Implicit dimension"):
        out = F.softmax(Tensor(x))
    np.testing.assert_allclose(out.data, TF.softmax(torch.tensor(x), dim=1).numpy())


def test_axis_is_accepted_for_dim():
    x = n(2, 3)
    np.testing.assert_allclose(F.softmax(Tensor(x), axis=0).data, TF.softmax(torch.tensor(x), dim=0).numpy())
    np.testing.assert_allclose(F.cosine_similarity(Tensor(x), Tensor(x + 1), axis=0).data,
                               TF.cosine_similarity(torch.tensor(x), torch.tensor(x + 1), dim=0).numpy())
    with pytest.raises(TypeError, match="log_softmax: got both dim=0 and axis=1"):
        F.log_softmax(Tensor(x), dim=0, axis=1)


def test_unsupported_options_raise_instead_of_being_ignored():
    x = Tensor(n(1, 1, 4, 4))
    with pytest.raises(NotImplementedError, match="max_pool2d: ceil_mode=True is not supported"):
        F.max_pool2d(x, 2, ceil_mode=True)
    with pytest.raises(NotImplementedError, match="count_include_pad=False"):
        F.avg_pool2d(x, 2, count_include_pad=False)
    with pytest.raises(ValueError, match="pad: padding length 3"):
        F.pad(x, (1, 1, 1))


def test_legacy_reduce_flags_map_like_torch():
    x, t = n(3, 4), n(3, 4)
    with pytest.warns(UserWarning, match="deprecated"):
        ours = F.mse_loss(Tensor(x), t, reduce=False)
    assert ours.shape == (3, 4)
    np.testing.assert_allclose(ours.data, (x - t) ** 2)
