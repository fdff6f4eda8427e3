"""RNN, LSTM, GRU and their cells against torch.nn in float64: outputs, final states,
gradients of inputs, initial states and every parameter; state dicts both ways;
initialisation; 20-step training trajectories; second derivatives; argument errors."""
import numpy as np
import pytest

import nn
import ops
from autograd import Tensor, grad, manual_seed
from tests.nn.helpers import assert_same_state, torch, twin

F = torch.nn


def normal(*shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape)


def make(kind, *args, **kwargs):
    """(npgrad module, torch module) of one kind with the same arguments."""
    if kind.startswith("RNN_"):
        kwargs["nonlinearity"] = kind[4:].lower()
        kind = "RNN"
    return getattr(nn, kind)(*args, dtype=np.float64, **kwargs), getattr(F, kind)(*args, **kwargs)


def compare_sequence(kind, ours, theirs, x, states, seed=1):
    """Run both on x (and initial states), backprop random gradients of every output."""
    twin(ours, theirs)
    lstm = kind == "LSTM"
    ours_x, their_x = Tensor(x.copy(), requires_grad=True), torch.tensor(x, requires_grad=True)
    ours_s = [Tensor(s.copy(), requires_grad=True) for s in states]
    their_s = [torch.tensor(s, requires_grad=True) for s in states]
    hx = None if not states else (tuple(ours_s) if lstm else ours_s[0])
    their_hx = None if not states else (tuple(their_s) if lstm else their_s[0])
    out, state = ours(ours_x, hx)
    their_out, their_state = theirs(their_x, their_hx)
    ours_all = [out] + (list(state) if lstm else [state])
    theirs_all = [their_out] + (list(their_state) if lstm else [their_state])
    rng = np.random.default_rng(seed)
    loss, their_loss = 0, 0
    for a, b in zip(ours_all, theirs_all):
        np.testing.assert_allclose(a.data, b.detach().numpy(), atol=1e-12, rtol=1e-9)
        g = rng.standard_normal(a.shape)
        loss = loss + (a * Tensor(g)).sum()
        their_loss = their_loss + (b * torch.from_numpy(g)).sum()
    loss.backward()
    their_loss.backward()
    for a, b in zip([ours_x] + ours_s, [their_x] + their_s):
        np.testing.assert_allclose(a.grad.data, b.grad.numpy(), atol=1e-11, rtol=1e-8)
    their_params = dict(theirs.named_parameters())
    for name, p in ours.named_parameters():
        np.testing.assert_allclose(p.grad.data, their_params[name].grad.numpy(), atol=1e-11,
                                   rtol=1e-8, err_msg=name)


CONFIGS = [
    ("1-layer", dict(), (5, 3, 4), False),
    ("2-layer-bidirectional-batch-first", dict(num_layers=2, bidirectional=True, batch_first=True),
     (3, 5, 4), True),
    ("2-layer-states", dict(num_layers=2), (4, 2, 4), True),
    ("bidirectional-no-bias", dict(bidirectional=True, bias=False), (4, 3, 4), False),
    ("unbatched-states", dict(bidirectional=True), (6, 4), True),
]


@pytest.mark.parametrize("kind", ["LSTM", "GRU", "RNN_TANH", "RNN_RELU"])
@pytest.mark.parametrize("config, shape, with_states", [c[1:] for c in CONFIGS], ids=[c[0] for c in CONFIGS])
def test_sequence_layer_matches_torch(kind, config, shape, with_states):
    manual_seed(0)
    ours, theirs = make(kind, 4, 3, **config)
    directions = 2 if config.get("bidirectional") else 1
    count = config.get("num_layers", 1) * directions
    batch = None if len(shape) == 2 else shape[0 if config.get("batch_first") else 1]
    state_shape = (count, 3) if batch is None else (count, batch, 3)
    states = []
    if with_states:
        states = [normal(*state_shape, seed=7)] + ([normal(*state_shape, seed=8)] if kind == "LSTM" else [])
    compare_sequence(kind, ours, theirs, normal(*shape, seed=2), states)


@pytest.mark.parametrize("kind", ["LSTMCell", "GRUCell", "RNNCell", "RNNCell-relu"])
@pytest.mark.parametrize("batched", [True, False])
def test_cells_match_torch(kind, batched):
    name, _, relu = kind.partition("-")
    extra = {"nonlinearity": "relu"} if relu else {}
    ours, theirs = getattr(nn, name)(4, 3, dtype=np.float64, **extra), getattr(F, name)(4, 3, **extra)
    twin(ours, theirs)
    shape = (5, 4) if batched else (4,)
    state_shape = (5, 3) if batched else (3,)
    x = normal(*shape, seed=3)
    states = [normal(*state_shape, seed=4)] + ([normal(*state_shape, seed=5)] if name == "LSTMCell" else [])
    ours_in = [Tensor(a.copy(), requires_grad=True) for a in [x] + states]
    theirs_in = [torch.tensor(a, requires_grad=True) for a in [x] + states]
    lstm = name == "LSTMCell"
    out = ours(ours_in[0], tuple(ours_in[1:]) if lstm else ours_in[1])
    their_out = theirs(theirs_in[0], tuple(theirs_in[1:]) if lstm else theirs_in[1])
    out = ops.concatenate(list(out), axis=-1) if lstm else out
    their_out = torch.cat(their_out, dim=-1) if lstm else their_out
    np.testing.assert_allclose(out.data, their_out.detach().numpy(), atol=1e-12)
    g = normal(*out.shape, seed=6)
    out.backward(g)
    their_out.backward(torch.from_numpy(g))
    for a, b in zip(ours_in, theirs_in):
        np.testing.assert_allclose(a.grad.data, b.grad.numpy(), atol=1e-12)
    their_params = dict(theirs.named_parameters())
    for pname, p in ours.named_parameters():
        np.testing.assert_allclose(p.grad.data, their_params[pname].grad.numpy(), atol=1e-12, err_msg=pname)


def test_cell_without_state_starts_from_zeros():
    cell = nn.LSTMCell(3, 2, dtype=np.float64)
    x = normal(4, 3)
    h, c = cell(x)
    h0, c0 = cell(x, (np.zeros((4, 2)), np.zeros((4, 2))))
    np.testing.assert_array_equal(h.data, h0.data)
    np.testing.assert_array_equal(c.data, c0.data)


@pytest.mark.parametrize("kind", ["LSTM", "GRU", "RNN_TANH"])
def test_state_dict_keys_shapes_and_round_trip_with_torch(kind):
    ours, theirs = make(kind, 5, 4, num_layers=2, bidirectional=True)
    theirs.double()
    their_state = theirs.state_dict()
    assert list(ours.state_dict()) == list(their_state)
    ours.load_state_dict({k: v.numpy() for k, v in their_state.items()})
    assert_same_state(ours, theirs, atol=0, rtol=0)
    for p in ours.parameters():  # change ours, then move it back to torch
        p.data[...] = np.random.default_rng(0).standard_normal(p.shape)
    theirs.load_state_dict({k: torch.from_numpy(v) for k, v in ours.state_dict().items()})
    assert_same_state(ours, theirs, atol=0, rtol=0)
    x = normal(3, 2, 5)
    np.testing.assert_allclose(ours(x)[0].data, theirs(torch.from_numpy(x))[0].detach().numpy(), atol=1e-12)


def test_initialisation_is_uniform_in_torch_bounds():
    manual_seed(0)
    lstm = nn.LSTM(30, 50, num_layers=2)
    bound = 1 / np.sqrt(50)
    values = np.concatenate([p.data.ravel() for p in lstm.parameters()])
    assert values.dtype == np.float32
    assert np.abs(values).max() <= bound
    assert abs(values.std() - bound / np.sqrt(3)) < 0.01 * bound  # U(-b, b) has std b / sqrt(3)
    assert dict(nn.GRU(3, 4).named_parameters())["weight_hh_l0"].shape == (12, 4)


def test_dropout_between_layers_only_while_training():
    manual_seed(0)
    gru = nn.GRU(4, 8, num_layers=2, dropout=0.5, dtype=np.float64)
    x = normal(5, 3, 4)
    a, b = gru(x)[0].data, gru(x)[0].data
    assert not np.allclose(a, b)
    gru.eval()
    np.testing.assert_array_equal(gru(x)[0].data, gru(x)[0].data)
    single = nn.GRU(4, 8, dropout=0.5, dtype=np.float64)  # one layer: nothing to drop
    np.testing.assert_array_equal(single(x)[0].data, single(x)[0].data)


class CharModel(nn.Module):
    """Embedding -> LSTM or GRU (2 layers) -> Linear over the vocabulary."""

    def __init__(self, cell, vocab=11, embed=6, hidden=8):
        super().__init__()
        self.embed = nn.Embedding(vocab, embed, dtype=np.float64)
        self.rnn = getattr(nn, cell)(embed, hidden, num_layers=2, batch_first=True, dtype=np.float64)
        self.head = nn.Linear(hidden, vocab, dtype=np.float64)

    def forward(self, x):
        out = self.rnn(self.embed(x))[0]
        return self.head(out)


class TorchCharModel(F.Module):
    def __init__(self, cell, vocab=11, embed=6, hidden=8):
        super().__init__()
        self.embed = F.Embedding(vocab, embed)
        self.rnn = getattr(F, cell)(embed, hidden, num_layers=2, batch_first=True)
        self.head = F.Linear(hidden, vocab)

    def forward(self, x):
        return self.head(self.rnn(self.embed(x))[0])


@pytest.mark.parametrize("cell", ["LSTM", "GRU"])
def test_language_model_training_trajectory_matches_torch(cell):
    """20 SGD steps of a character model: every parameter within 1e-6 of torch's."""
    manual_seed(1)
    ours, theirs = CharModel(cell), TorchCharModel(cell)
    twin(ours, theirs)
    opt = nn.optim.SGD(ours.parameters(), lr=0.5, momentum=0.9)
    their_opt = torch.optim.SGD(theirs.parameters(), lr=0.5, momentum=0.9)
    data = np.random.default_rng(2).integers(0, 11, (20, 4, 7))
    loss_fn, their_loss_fn = nn.CrossEntropyLoss(), F.CrossEntropyLoss()
    for batch in data:
        x, y = batch[:, :-1], batch[:, 1:]
        loss = loss_fn(ours(x).reshape(-1, 11), y.reshape(-1))
        opt.zero_grad()
        loss.backward()
        opt.step()
        their_loss = their_loss_fn(theirs(torch.from_numpy(x)).reshape(-1, 11), torch.from_numpy(y.reshape(-1)))
        their_opt.zero_grad()
        their_loss.backward()
        their_opt.step()
        assert abs(loss.item() - their_loss.item()) < 1e-6
    assert_same_state(ours, theirs, atol=1e-6, rtol=0)


@pytest.mark.parametrize("kind", ["LSTM", "GRU"])
def test_second_derivative_through_the_layer_matches_torch(kind):
    """A gradient penalty on the input gradient, differentiated w.r.t. the weights."""
    ours, theirs = make(kind, 3, 2, bidirectional=True)
    twin(ours, theirs)
    x0 = normal(4, 2, 3, seed=9)
    x, their_x = Tensor(x0.copy(), requires_grad=True), torch.tensor(x0, requires_grad=True)
    (gx,) = grad((ours(x)[0] ** 2).sum(), x, create_graph=True)
    (gx * gx).sum().backward()
    (their_gx,) = torch.autograd.grad((theirs(their_x)[0] ** 2).sum(), their_x, create_graph=True)
    (their_gx * their_gx).sum().backward()
    np.testing.assert_allclose(gx.data, their_gx.detach().numpy(), atol=1e-12)
    their_params = dict(theirs.named_parameters())
    for name, p in ours.named_parameters():
        np.testing.assert_allclose(p.grad.data, their_params[name].grad.numpy(), atol=1e-10, err_msg=name)


def test_float32_stays_float32():
    lstm = nn.LSTM(3, 4)
    out, (h, c) = lstm(np.zeros((2, 5, 3), np.float32))
    assert out.dtype == h.dtype == c.dtype == np.float32


def test_bad_arguments_raise_clear_errors():
    lstm = nn.LSTM(3, 4)
    with pytest.raises(ValueError, match="input_size=3"):
        lstm(np.zeros((2, 5, 7), np.float32))
    with pytest.raises(ValueError, match="initial state of shape"):
        lstm(np.zeros((2, 5, 3), np.float32), (np.zeros((1, 4, 4), np.float32), np.zeros((1, 5, 4), np.float32)))
    with pytest.raises(TypeError, match="pair"):
        lstm(np.zeros((2, 5, 3), np.float32), np.zeros((1, 5, 4), np.float32))
    with pytest.raises(ValueError, match="nonlinearity"):
        nn.RNN(3, 4, nonlinearity="sigmoid")
    with pytest.raises(ValueError, match="dropout"):
        nn.GRU(3, 4, dropout=1.5)
    with pytest.raises(ValueError, match="w_ih of shape"):
        ops.gru_cell(np.zeros((2, 3)), np.zeros((2, 4)), np.zeros((12, 5)), np.zeros((12, 4)))
    with pytest.raises(TypeError, match="floating point"):
        ops.rnn_tanh_cell(np.zeros((2, 3), int), np.zeros((2, 4)), np.zeros((4, 3)), np.zeros((4, 4)))


@pytest.mark.parametrize("kind", ["LSTM", "GRU", "RNN"])
def test_no_grad_forward_equals_recorded_forward(kind):
    """Inference under no_grad (which skips the VJP's saved factors) gives the same numbers."""
    from autograd import no_grad

    layer = getattr(nn, kind)(3, 5, num_layers=2, bidirectional=True)
    x = normal(4, 2, 3).astype(np.float32)
    recorded = layer(Tensor(x, requires_grad=True))[0]
    with no_grad():
        plain = layer(x)[0]
    assert recorded.requires_grad and not plain.requires_grad
    np.testing.assert_array_equal(plain.data, recorded.data)


def test_truncated_bptt_carries_detached_state():
    """Stateful training: the final states feed the next chunk; gradients stop at detach()."""
    lstm = nn.LSTM(3, 4, dtype=np.float64)
    out, (h, c) = lstm(normal(5, 2, 3))
    out2, _ = lstm(normal(5, 2, 3, seed=1), (h.detach(), c.detach()))
    out2.sum().backward()
    theirs = twin(lstm, F.LSTM(3, 4))
    their_out, (their_h, their_c) = theirs(torch.from_numpy(normal(5, 2, 3)))
    theirs(torch.from_numpy(normal(5, 2, 3, seed=1)), (their_h.detach(), their_c.detach()))[0].sum().backward()
    their_params = dict(theirs.named_parameters())
    for name, p in lstm.named_parameters():
        np.testing.assert_allclose(p.grad.data, their_params[name].grad.numpy(), atol=1e-12, err_msg=name)
