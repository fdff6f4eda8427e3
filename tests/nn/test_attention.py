"""Embedding, MultiheadAttention and TransformerEncoderLayer against torch.nn in float64:
outputs, attention weights, gradients of inputs and parameters, masks, state dicts both
ways, initialisation, a 20-step training trajectory, argument errors."""
import numpy as np
import pytest

import nn
from autograd import Tensor, manual_seed
from tests.nn.helpers import assert_same_state, torch, twin

F = torch.nn


def normal(*shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape)


def check_grads(ours_inputs, their_inputs, ours, theirs, atol=1e-11):
    for a, b in zip(ours_inputs, their_inputs):
        np.testing.assert_allclose(a.grad.data, b.grad.numpy(), atol=atol, rtol=1e-8)
    their_params = dict(theirs.named_parameters())
    for name, p in ours.named_parameters():
        np.testing.assert_allclose(p.grad.data, their_params[name].grad.numpy(), atol=atol,
                                   rtol=1e-8, err_msg=name)


# ----------------------------------------------------------------- Embedding
@pytest.mark.parametrize("padding_idx", [None, 3, -2])
def test_embedding_matches_torch(padding_idx):
    ours = nn.Embedding(7, 4, padding_idx=padding_idx, dtype=np.float64)
    theirs = twin(ours, F.Embedding(7, 4, padding_idx=padding_idx))
    index = np.array([[0, 3, 3, 5], [6, 5, 1, 3]])
    out, their_out = ours(index), theirs(torch.from_numpy(index))
    np.testing.assert_array_equal(out.data, their_out.detach().numpy())
    g = normal(*out.shape)
    out.backward(g)
    their_out.backward(torch.from_numpy(g))
    np.testing.assert_allclose(ours.weight.grad.data, theirs.weight.grad.numpy(), atol=1e-12)


def test_embedding_init_and_padding_row():
    manual_seed(0)
    emb = nn.Embedding(1000, 20, padding_idx=-1)
    assert emb.padding_idx == 999 and emb.weight.dtype == np.float32
    np.testing.assert_array_equal(emb.weight.data[999], 0)
    assert abs(emb.weight.data[:999].std() - 1) < 0.02 and abs(emb.weight.data[:999].mean()) < 0.02
    emb(np.array([999, 999, 1])).sum().backward()
    np.testing.assert_array_equal(emb.weight.grad.data[999], 0)
    np.testing.assert_array_equal(emb.weight.grad.data[1], 1)


def test_embedding_from_pretrained_and_errors():
    table = np.arange(6.0).reshape(3, 2)
    emb = nn.Embedding.from_pretrained(table)
    assert not emb.weight.requires_grad
    np.testing.assert_array_equal(emb(np.array([2, 0])).data, [[4, 5], [0, 1]])
    with pytest.raises(IndexError, match="out of range"):
        emb(np.array([3]))
    with pytest.raises(TypeError, match="integers"):
        emb(np.array([1.0]))
    with pytest.raises(NotImplementedError, match="max_norm"):
        nn.Embedding(3, 2, max_norm=1.0)


# -------------------------------------------------------- MultiheadAttention
def run_mha(ours, theirs, inputs, seed=1, **kwargs):
    """Forward both, compare output and weights, backprop a random gradient, compare grads."""
    twin(ours, theirs)
    ours_in = [Tensor(a.copy(), requires_grad=True) for a in inputs]
    their_in = [torch.tensor(a, requires_grad=True) for a in inputs]
    if len(inputs) == 1:
        ours_in, their_in = ours_in * 3, their_in * 3
    their_kwargs = {k: torch.from_numpy(v) if isinstance(v, np.ndarray) else v for k, v in kwargs.items()}
    out, weights = ours(*ours_in, **kwargs)
    their_out, their_weights = theirs(*their_in, **their_kwargs)
    np.testing.assert_allclose(out.data, their_out.detach().numpy(), atol=1e-12, rtol=1e-9)
    if their_weights is None:
        assert weights is None
    else:
        np.testing.assert_allclose(weights.data, their_weights.detach().numpy(), atol=1e-12)
    g = normal(*out.shape, seed=seed)
    loss = (out * Tensor(g)).sum()
    their_loss = (their_out * torch.from_numpy(g)).sum()
    if weights is not None:
        gw = normal(*weights.shape, seed=seed + 1)
        loss = loss + (weights * Tensor(gw)).sum()
        their_loss = their_loss + (their_weights * torch.from_numpy(gw)).sum()
    loss.backward()
    their_loss.backward()
    unique = len(inputs)
    check_grads(ours_in[:unique], their_in[:unique], ours, theirs)


BOOL_MASK = np.triu(np.ones((5, 5), bool), 1)  # True = not allowed (torch's MHA convention)
PADDING = np.array([[False, False, False, True, True], [False, False, False, False, False]])


@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("need_weights, average", [(True, True), (True, False), (False, True)])
def test_self_attention_matches_torch(batch_first, need_weights, average):
    ours = nn.MultiheadAttention(8, 2, batch_first=batch_first, dtype=np.float64)
    theirs = F.MultiheadAttention(8, 2, batch_first=batch_first)
    run_mha(ours, theirs, [normal(2, 5, 8) if batch_first else normal(5, 2, 8)],
            need_weights=need_weights, average_attn_weights=average)


@pytest.mark.parametrize("masks", [
    dict(attn_mask=BOOL_MASK),
    dict(key_padding_mask=PADDING),
    dict(attn_mask=normal(5, 5, seed=3), key_padding_mask=PADDING),
    dict(attn_mask=normal(8, 5, 5, seed=4)),
], ids=["causal-bool", "key-padding", "float-and-padding", "per-head-3d"])
@pytest.mark.parametrize("need_weights", [True, False])
def test_masks_match_torch(masks, need_weights):
    ours = nn.MultiheadAttention(8, 4, batch_first=True, dtype=np.float64)
    theirs = F.MultiheadAttention(8, 4, batch_first=True)
    run_mha(ours, theirs, [normal(2, 5, 8, seed=5)], need_weights=need_weights, **masks)


def test_cross_attention_kdim_vdim_no_bias_and_unbatched():
    ours = nn.MultiheadAttention(6, 3, kdim=4, vdim=5, bias=False, dtype=np.float64)
    theirs = F.MultiheadAttention(6, 3, kdim=4, vdim=5, bias=False)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    run_mha(ours, theirs, [normal(3, 2, 6), normal(4, 2, 4, seed=1), normal(4, 2, 5, seed=2)])
    ours = nn.MultiheadAttention(6, 2, dtype=np.float64)
    theirs = F.MultiheadAttention(6, 2)
    run_mha(ours, theirs, [normal(3, 6), normal(4, 6, seed=1), normal(4, 6, seed=2)],
            key_padding_mask=np.array([False, True, False, False]))


def test_multihead_attention_init_and_state_dict():
    manual_seed(0)
    mha = nn.MultiheadAttention(16, 4)
    theirs = F.MultiheadAttention(16, 4)
    assert {k: v.shape for k, v in mha.state_dict().items()} == \
        {k: tuple(v.shape) for k, v in theirs.state_dict().items()}
    assert list(mha.state_dict()) == list(theirs.state_dict())
    bound = np.sqrt(6 / (16 + 48))  # xavier-uniform over (3E, E)
    assert np.abs(mha.in_proj_weight.data).max() <= bound
    np.testing.assert_array_equal(mha.in_proj_bias.data, 0)
    np.testing.assert_array_equal(mha.out_proj.bias.data, 0)
    mha.load_state_dict({k: v.numpy() for k, v in theirs.state_dict().items()})
    x = normal(3, 2, 16).astype(np.float32)
    np.testing.assert_allclose(mha(x, x, x)[0].data, theirs(*[torch.from_numpy(x)] * 3)[0].detach().numpy(),
                               atol=1e-6)


def test_multihead_attention_errors():
    with pytest.raises(ValueError, match="divisible"):
        nn.MultiheadAttention(10, 3)
    mha = nn.MultiheadAttention(8, 2)
    x = np.zeros((3, 2, 8), np.float32)
    with pytest.raises(ValueError, match="attn_mask"):
        mha(x, x, x, attn_mask=np.zeros((2, 2), bool))
    with pytest.raises(ValueError, match="key_padding_mask"):
        mha(x, x, x, key_padding_mask=np.zeros((2, 4), bool))


# --------------------------------------------------- TransformerEncoderLayer
@pytest.mark.parametrize("norm_first, activation, batch_first", [
    (False, "relu", False), (True, "gelu", True), (False, "gelu", True)])
def test_encoder_layer_matches_torch(norm_first, activation, batch_first):
    kwargs = dict(dim_feedforward=12, dropout=0.0, activation=activation, batch_first=batch_first,
                  norm_first=norm_first)
    ours = nn.TransformerEncoderLayer(8, 2, dtype=np.float64, **kwargs)
    theirs = twin(ours, F.TransformerEncoderLayer(8, 2, **kwargs))
    assert list(ours.state_dict()) == list(theirs.state_dict())
    x = normal(2, 5, 8) if batch_first else normal(5, 2, 8)
    for masks in (dict(), dict(src_mask=BOOL_MASK, src_key_padding_mask=PADDING)):
        ours_x, their_x = Tensor(x.copy(), requires_grad=True), torch.tensor(x, requires_grad=True)
        ours.zero_grad()
        theirs.zero_grad()
        out = ours(ours_x, **masks)
        their_out = theirs(their_x, **{k: torch.from_numpy(v) for k, v in masks.items()})
        np.testing.assert_allclose(out.data, their_out.detach().numpy(), atol=1e-11)
        g = normal(*out.shape, seed=3)
        out.backward(g)
        their_out.backward(torch.from_numpy(g))
        check_grads([ours_x], [their_x], ours, theirs, atol=1e-10)


def test_encoder_layer_training_trajectory_matches_torch():
    """20 SGD steps of an encoder layer and a linear head: parameters within 1e-6."""
    manual_seed(3)

    class Model(nn.Module):
        def __init__(self):
            super().__init__()
            self.layer = nn.TransformerEncoderLayer(8, 2, dim_feedforward=16, dropout=0.0,
                                                    batch_first=True, dtype=np.float64)
            self.head = nn.Linear(8, 3, dtype=np.float64)

        def forward(self, x):
            return self.head(self.layer(x).mean(axis=1))

    class TorchModel(F.Module):
        def __init__(self):
            super().__init__()
            self.layer = F.TransformerEncoderLayer(8, 2, dim_feedforward=16, dropout=0.0, batch_first=True)
            self.head = F.Linear(8, 3)

        def forward(self, x):
            return self.head(self.layer(x).mean(dim=1))

    ours, theirs = Model(), TorchModel()
    twin(ours, theirs)
    opt = nn.optim.SGD(ours.parameters(), lr=0.1)
    their_opt = torch.optim.SGD(theirs.parameters(), lr=0.1)
    rng = np.random.default_rng(4)
    for _ in range(20):
        x, y = rng.standard_normal((4, 6, 8)), rng.integers(0, 3, 4)
        loss = nn.CrossEntropyLoss()(ours(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        their_loss = F.CrossEntropyLoss()(theirs(torch.from_numpy(x)), torch.from_numpy(y))
        their_opt.zero_grad()
        their_loss.backward()
        their_opt.step()
    assert_same_state(ours, theirs, atol=1e-6, rtol=0)


def test_encoder_layer_dropout_only_while_training():
    manual_seed(0)
    layer = nn.TransformerEncoderLayer(8, 2, dim_feedforward=16, dropout=0.5)
    x = normal(4, 2, 8).astype(np.float32)
    assert not np.allclose(layer(x).data, layer(x).data)
    layer.eval()
    np.testing.assert_array_equal(layer(x).data, layer(x).data)
    with pytest.raises(ValueError, match="activation"):
        nn.TransformerEncoderLayer(8, 2, activation="swish")


def test_encoder_layer_loads_a_torch_state_dict():
    theirs = F.TransformerEncoderLayer(8, 2, dim_feedforward=12, dropout=0.0).double().eval()
    ours = nn.TransformerEncoderLayer(8, 2, dim_feedforward=12, dropout=0.0, dtype=np.float64).eval()
    ours.load_state_dict({k: v.numpy() for k, v in theirs.state_dict().items()})
    x = normal(5, 3, 8)
    with torch.no_grad():
        expected = theirs(torch.from_numpy(x)).numpy()
    np.testing.assert_allclose(ours(x).data, expected, atol=1e-12)


def test_attention_and_embedding_ops_reject_bad_arguments():
    import ops

    q, k, v = np.zeros((2, 3)), np.zeros((4, 3)), np.zeros((4, 2))
    with pytest.raises(ValueError, match="do not fit"):
        ops.scaled_dot_product_attention(q, np.zeros((4, 5)), v)
    with pytest.raises(ValueError, match="cannot be broadcast"):
        ops.scaled_dot_product_attention(q, k, v, attn_mask=np.zeros((3, 3), bool))
    with pytest.raises(ValueError, match="not both"):
        ops.scaled_dot_product_attention(q, k, v, attn_mask=np.ones((2, 4), bool), is_causal=True)
    with pytest.raises(ValueError, match="dropout_p"):
        ops.scaled_dot_product_attention(q, k, v, dropout_p=1.5)
    with pytest.raises(ValueError, match="2-D"):
        ops.embedding(np.array([1]), np.zeros(3))
    with pytest.raises(ValueError, match="padding_idx"):
        ops.embedding(np.array([1]), np.zeros((3, 2)), padding_idx=3)


def test_attention_op_keeps_float32_and_masks_like_torch():
    import ops

    r = np.random.default_rng(0)
    q, k, v = (r.standard_normal((2, 4, 3)).astype(np.float32) for _ in range(3))
    out = ops.scaled_dot_product_attention(q, k, v, is_causal=True)
    assert out.dtype == np.float32
    expected = F.functional.scaled_dot_product_attention(*map(torch.from_numpy, (q, k, v)), is_causal=True)
    np.testing.assert_allclose(out.data, expected.numpy(), atol=1e-6)
    np.testing.assert_allclose(out.data[:, 0], v[:, 0], atol=1e-6)  # the first query sees only key 0


@pytest.mark.parametrize("mode", ["sum", "mean", "max"])
@pytest.mark.parametrize("padding_idx, include_last_offset", [(None, False), (2, True)])
def test_embedding_bag_matches_torch(mode, padding_idx, include_last_offset):
    ours = nn.EmbeddingBag(6, 3, mode=mode, padding_idx=padding_idx, include_last_offset=include_last_offset,
                           dtype=np.float64)
    theirs = twin(ours, F.EmbeddingBag(6, 3, mode=mode, padding_idx=padding_idx,
                                       include_last_offset=include_last_offset))
    index = np.array([1, 2, 4, 5, 4, 2, 2, 0, 3])
    offsets = np.array([0, 2, 2, 5, 9] if include_last_offset else [0, 2, 2, 5])  # bag 1 is empty
    for args in [(index, offsets), (index.reshape(3, 3),)]:
        ours.zero_grad()
        theirs.zero_grad()
        out, their_out = ours(*args), theirs(*map(torch.from_numpy, args))
        np.testing.assert_allclose(out.data, their_out.detach().numpy(), atol=1e-12)
        g = normal(*out.shape, seed=4)
        out.backward(g)
        their_out.backward(torch.from_numpy(g))
        np.testing.assert_allclose(ours.weight.grad.data, theirs.weight.grad.numpy(), atol=1e-12)


def test_embedding_bag_per_sample_weights_match_torch():
    ours = nn.EmbeddingBag(6, 3, mode="sum", dtype=np.float64)
    theirs = twin(ours, F.EmbeddingBag(6, 3, mode="sum"))
    index, offsets, w = np.array([1, 2, 4, 5, 4]), np.array([0, 2]), normal(5, seed=5)
    ours_w, their_w = Tensor(w.copy(), requires_grad=True), torch.tensor(w, requires_grad=True)
    out = ours(index, offsets, ours_w)
    their_out = theirs(torch.from_numpy(index), torch.from_numpy(offsets), per_sample_weights=their_w)
    np.testing.assert_allclose(out.data, their_out.detach().numpy(), atol=1e-12)
    out.sum().backward()
    their_out.sum().backward()
    np.testing.assert_allclose(ours_w.grad.data, their_w.grad.numpy(), atol=1e-12)
    with pytest.raises(ValueError, match="offsets"):
        ours(index)
    with pytest.raises(NotImplementedError, match="per_sample_weights"):
        nn.EmbeddingBag(6, 3)(index, offsets, w)


def test_transformer_encoder_stack_matches_torch():
    layer = nn.TransformerEncoderLayer(8, 2, dim_feedforward=12, dropout=0.0, batch_first=True, dtype=np.float64)
    ours = nn.TransformerEncoder(layer, num_layers=2, norm=nn.LayerNorm(8, dtype=np.float64))
    assert ours.layers[0].linear1.weight is not ours.layers[1].linear1.weight  # independent copies
    their_layer = F.TransformerEncoderLayer(8, 2, dim_feedforward=12, dropout=0.0, batch_first=True)
    theirs = F.TransformerEncoder(their_layer, num_layers=2, norm=F.LayerNorm(8), enable_nested_tensor=False)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    for p in ours.parameters():  # make the two copies differ before moving the weights
        p.data[...] += np.random.default_rng(0).standard_normal(p.shape) * 0.1
    twin(ours, theirs)
    x = normal(2, 5, 8)
    ours_x, their_x = Tensor(x.copy(), requires_grad=True), torch.tensor(x, requires_grad=True)
    out = ours(ours_x, src_key_padding_mask=PADDING)
    their_out = theirs(their_x, src_key_padding_mask=torch.from_numpy(PADDING))
    np.testing.assert_allclose(out.data, their_out.detach().numpy(), atol=1e-11)
    g = normal(*out.shape, seed=2)
    out.backward(g)
    their_out.backward(torch.from_numpy(g))
    check_grads([ours_x], [their_x], ours, theirs, atol=1e-10)
