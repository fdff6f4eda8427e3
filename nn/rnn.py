"""Recurrent layers: RNN LSTM GRU and their cells RNNCell LSTMCell GRUCell.

Arguments, defaults, initialisation (every weight and bias U(-1/sqrt(hidden_size),
1/sqrt(hidden_size))), state-dict keys and layouts follow `torch.nn`: `weight_ih_l0`
(G*hidden, input), `weight_hh_l0`, `bias_ih_l0`, `bias_hh_l0`, `..._reverse` for the
backward direction, gate rows (i, f, g, o) for LSTM and (r, z, n) for GRU. Each layer
and direction is one fused op (`ops.lstm_sequence`, ...), each cell step one fused op
(`ops.lstm_cell`, ...).
"""
import math

import numpy as np

import ops
from autograd.tensor import Tensor
from nn import init
from nn.layers import float_dtype, positive_int
from nn.module import Module
from nn.parameter import Parameter

_GATES = {"LSTM": 4, "GRU": 3, "RNN_TANH": 1, "RNN_RELU": 1}
_SEQUENCE_OPS = {"LSTM": ops.lstm_sequence, "GRU": ops.gru_sequence,
                 "RNN_TANH": ops.rnn_tanh_sequence, "RNN_RELU": ops.rnn_relu_sequence}


def _nonlinearity_mode(nonlinearity, layer):
    if nonlinearity not in ("tanh", "relu"):
        raise ValueError(f"{layer}: unknown nonlinearity {nonlinearity!r} (expected 'tanh' or 'relu')")
    return "RNN_TANH" if nonlinearity == "tanh" else "RNN_RELU"


def _as_tensor(x):
    return x if isinstance(x, Tensor) else Tensor(x)


class RNNBase(Module):
    """Shared by RNN, LSTM and GRU: parameters per layer and direction, and the stacking."""

    def __init__(self, mode, input_size, hidden_size, num_layers=1, bias=True,
                 batch_first=False, dropout=0.0, bidirectional=False, proj_size=0, dtype=None):
        super().__init__()
        name = type(self).__name__
        self.mode = mode
        self.input_size = positive_int(input_size, "input_size", name)
        self.hidden_size = positive_int(hidden_size, "hidden_size", name)
        self.num_layers = positive_int(num_layers, "num_layers", name)
        if isinstance(dropout, bool) or not isinstance(dropout, (int, float)) or not 0 <= dropout <= 1:
            raise ValueError(f"{name}: dropout should be a number in range [0, 1], got {dropout!r}")
        if proj_size:
            raise NotImplementedError(f"{name}: proj_size is not supported in npgrad")
        self.bias = bool(bias)
        self.batch_first = bool(batch_first)
        self.dropout = float(dropout)
        self.bidirectional = bool(bidirectional)
        self.proj_size = 0
        dtype = float_dtype(dtype, name)
        gates = _GATES[mode] * self.hidden_size
        directions = 2 if self.bidirectional else 1
        for layer in range(self.num_layers):
            layer_input = self.input_size if layer == 0 else self.hidden_size * directions
            for direction in range(directions):
                suffix = f"_l{layer}" + ("_reverse" if direction else "")
                setattr(self, "weight_ih" + suffix, Parameter(np.empty((gates, layer_input), dtype)))
                setattr(self, "weight_hh" + suffix, Parameter(np.empty((gates, self.hidden_size), dtype)))
                if self.bias:
                    setattr(self, "bias_ih" + suffix, Parameter(np.empty(gates, dtype)))
                    setattr(self, "bias_hh" + suffix, Parameter(np.empty(gates, dtype)))
        self.reset_parameters()

    def reset_parameters(self):
        """Redraw every weight and bias from U(-1/sqrt(hidden_size), 1/sqrt(hidden_size))."""
        bound = 1.0 / math.sqrt(self.hidden_size)
        for p in self.parameters():
            init.uniform_(p, -bound, bound)

    def _layer_parameters(self, layer, direction):
        suffix = f"_l{layer}" + ("_reverse" if direction else "")
        names = ("weight_ih", "weight_hh", "bias_ih", "bias_hh") if self.bias else ("weight_ih", "weight_hh")
        params = [getattr(self, n + suffix) for n in names]
        return params + [None] * (4 - len(params))

    def _check_input(self, x):
        name = type(self).__name__
        if x.ndim not in (2, 3):
            raise ValueError(f"{name}: expected a 2-D (unbatched) or 3-D input, got shape {x.shape}")
        if x.shape[-1] != self.input_size:
            raise ValueError(f"{name}: input of shape {x.shape} has size {x.shape[-1]} in its last "
                             f"dimension, expected input_size={self.input_size}")

    def _states(self, hx, batch, dtype, batched):
        """Initial states as a list over layers*directions (arrays of zeros when not given)."""
        count = self.num_layers * (2 if self.bidirectional else 1)
        expected = (count, batch, self.hidden_size) if batched else (count, self.hidden_size)
        if hx is None:
            return [np.zeros((batch, self.hidden_size), dtype)] * count
        hx = _as_tensor(hx)
        if hx.shape != expected:
            raise ValueError(f"{type(self).__name__}: initial state of shape {hx.shape}, expected {expected}")
        if not batched:
            hx = hx.reshape((count, 1, self.hidden_size))
        return [hx[k] for k in range(count)]

    def forward(self, input, hx=None):
        """Run every layer and direction over the sequence.

        Returns (output, h_n) for RNN and GRU, (output, (h_n, c_n)) for LSTM; output is
        (T, B, D*hidden_size) ((B, T, ...) with batch_first), h_n (num_layers*D, B, hidden).
        """
        x = _as_tensor(input)
        lstm = self.mode == "LSTM"
        if lstm and hx is not None and (not isinstance(hx, (tuple, list)) or len(hx) != 2):
            raise TypeError("LSTM: hx must be a pair (h_0, c_0)")
        self._check_input(x)
        batched = x.ndim == 3
        if not batched:
            x = x.reshape((x.shape[0], 1, x.shape[1]))
        elif self.batch_first:
            x = x.transpose(1, 0, 2)
        batch = x.shape[1]
        dtype = self.weight_ih_l0.dtype
        if lstm:
            h_states = self._states(None if hx is None else hx[0], batch, dtype, batched)
            c_states = self._states(None if hx is None else hx[1], batch, dtype, batched)
        else:
            h_states = self._states(hx, batch, dtype, batched)
        run = _SEQUENCE_OPS[self.mode]
        directions = 2 if self.bidirectional else 1
        h_n, c_n = [], []
        for layer in range(self.num_layers):
            outputs = []
            for direction in range(directions):
                k = layer * directions + direction
                params = self._layer_parameters(layer, direction)
                if lstm:
                    out, (h, c) = run(x, (h_states[k], c_states[k]), *params, reverse=bool(direction))
                    c_n.append(c)
                else:
                    out, h = run(x, h_states[k], *params, reverse=bool(direction))
                h_n.append(h)
                outputs.append(out)
            x = outputs[0] if directions == 1 else ops.concatenate(outputs, axis=2)
            if self.dropout and self.training and layer < self.num_layers - 1:
                x = ops.dropout(x, self.dropout, training=True)
        h_n = ops.stack(h_n, axis=0)
        c_n = ops.stack(c_n, axis=0) if lstm else None
        if not batched:
            x = x.reshape((x.shape[0], x.shape[2]))
            h_n = h_n.reshape((h_n.shape[0], h_n.shape[2]))
            c_n = c_n.reshape((c_n.shape[0], c_n.shape[2])) if lstm else None
        elif self.batch_first:
            x = x.transpose(1, 0, 2)
        return (x, (h_n, c_n)) if lstm else (x, h_n)

    def extra_repr(self):
        text = f"{self.input_size}, {self.hidden_size}"
        if self.num_layers != 1:
            text += f", num_layers={self.num_layers}"
        if self.mode.startswith("RNN") and self.mode != "RNN_TANH":
            text += ", nonlinearity='relu'"
        if not self.bias:
            text += ", bias=False"
        if self.batch_first:
            text += ", batch_first=True"
        if self.dropout:
            text += f", dropout={self.dropout}"
        if self.bidirectional:
            text += ", bidirectional=True"
        return text


class RNN(RNNBase):
    """Elman RNN: h_t = tanh(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh) (or relu).

    Parameters
    ----------
    input_size, hidden_size : int
    num_layers : int
    nonlinearity : {'tanh', 'relu'}
    bias : bool
    batch_first : bool
        Input and output as (batch, seq, feature) instead of (seq, batch, feature).
    dropout : float
        Dropout on the outputs of every layer but the last, while training.
    bidirectional : bool
    dtype : dtype, optional

    Examples
    --------
    >>> rnn = nn.RNN(10, 20, num_layers=2)
    >>> output, h_n = rnn(Tensor(np.zeros((5, 3, 10), np.float32)))
    >>> output.shape, h_n.shape
    ((5, 3, 20), (2, 3, 20))
    """

    def __init__(self, input_size, hidden_size, num_layers=1, nonlinearity="tanh", bias=True,
                 batch_first=False, dropout=0.0, bidirectional=False, dtype=None):
        self.nonlinearity = nonlinearity
        super().__init__(_nonlinearity_mode(nonlinearity, "RNN"), input_size, hidden_size,
                         num_layers, bias, batch_first, dropout, bidirectional, dtype=dtype)


class LSTM(RNNBase):
    """Long short-term memory over a sequence; gate rows (i, f, g, o) as PyTorch.

    forward(input, (h_0, c_0)=None) returns (output, (h_n, c_n)).

    Examples
    --------
    >>> lstm = nn.LSTM(10, 20, batch_first=True, bidirectional=True)
    >>> output, (h_n, c_n) = lstm(Tensor(np.zeros((3, 5, 10), np.float32)))
    >>> output.shape, h_n.shape
    ((3, 5, 40), (2, 3, 20))
    """

    def __init__(self, input_size, hidden_size, num_layers=1, bias=True, batch_first=False,
                 dropout=0.0, bidirectional=False, proj_size=0, dtype=None):
        super().__init__("LSTM", input_size, hidden_size, num_layers, bias, batch_first, dropout,
                         bidirectional, proj_size, dtype)


class GRU(RNNBase):
    """Gated recurrent unit over a sequence; gate rows (r, z, n) as PyTorch.

    Examples
    --------
    >>> gru = nn.GRU(10, 20, num_layers=2, dropout=0.1)
    >>> output, h_n = gru(Tensor(np.zeros((5, 3, 10), np.float32)))
    """

    def __init__(self, input_size, hidden_size, num_layers=1, bias=True, batch_first=False,
                 dropout=0.0, bidirectional=False, dtype=None):
        super().__init__("GRU", input_size, hidden_size, num_layers, bias, batch_first, dropout,
                         bidirectional, dtype=dtype)


class RNNCellBase(Module):
    """Shared by the cells: weight_ih, weight_hh, bias_ih, bias_hh and torch's init."""

    gates = 1

    def __init__(self, input_size, hidden_size, bias=True, dtype=None):
        super().__init__()
        name = type(self).__name__
        self.input_size = positive_int(input_size, "input_size", name)
        self.hidden_size = positive_int(hidden_size, "hidden_size", name)
        self.bias = bool(bias)
        dtype = float_dtype(dtype, name)
        rows = self.gates * self.hidden_size
        self.weight_ih = Parameter(np.empty((rows, self.input_size), dtype))
        self.weight_hh = Parameter(np.empty((rows, self.hidden_size), dtype))
        self.register_parameter("bias_ih", Parameter(np.empty(rows, dtype)) if bias else None)
        self.register_parameter("bias_hh", Parameter(np.empty(rows, dtype)) if bias else None)
        self.reset_parameters()

    def reset_parameters(self):
        """Redraw every weight and bias from U(-1/sqrt(hidden_size), 1/sqrt(hidden_size))."""
        bound = 1.0 / math.sqrt(self.hidden_size)
        for p in self.parameters():
            init.uniform_(p, -bound, bound)

    def _prepare(self, input):
        """(input as (B, I), states as (B, H) or None, whether the call was unbatched)."""
        name = type(self).__name__
        x = _as_tensor(input)
        if x.ndim not in (1, 2) or x.shape[-1] != self.input_size:
            raise ValueError(f"{name}: input of shape {x.shape} is not (batch, {self.input_size}) "
                             f"or ({self.input_size},)")
        batched = x.ndim == 2
        if not batched:
            x = x.reshape((1, self.input_size))
        return x, batched

    def _state(self, h, batch, batched, dtype):
        if h is None:
            return np.zeros((batch, self.hidden_size), dtype)
        h = _as_tensor(h)
        expected = (batch, self.hidden_size) if batched else (self.hidden_size,)
        if h.shape != expected:
            raise ValueError(f"{type(self).__name__}: hidden state of shape {h.shape}, expected {expected}")
        return h if batched else h.reshape((1, self.hidden_size))

    def extra_repr(self):
        text = f"{self.input_size}, {self.hidden_size}"
        if not self.bias:
            text += ", bias=False"
        return text


class RNNCell(RNNCellBase):
    """One Elman step h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh) (or relu).

    Examples
    --------
    >>> cell = nn.RNNCell(10, 20)
    >>> h = cell(Tensor(np.zeros((3, 10), np.float32)))    # h starts at zeros
    """

    def __init__(self, input_size, hidden_size, bias=True, nonlinearity="tanh", dtype=None):
        _nonlinearity_mode(nonlinearity, "RNNCell")
        self.nonlinearity = nonlinearity
        super().__init__(input_size, hidden_size, bias, dtype)

    def forward(self, input, hx=None):
        x, batched = self._prepare(input)
        h = self._state(hx, x.shape[0], batched, self.weight_ih.dtype)
        step = ops.rnn_tanh_cell if self.nonlinearity == "tanh" else ops.rnn_relu_cell
        out = step(x, h, self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh)
        return out if batched else out.reshape((self.hidden_size,))


class LSTMCell(RNNCellBase):
    """One LSTM step; forward(input, (h, c)=None) returns (h', c').

    Examples
    --------
    >>> cell = nn.LSTMCell(10, 20)
    >>> h, c = cell(Tensor(np.zeros((3, 10), np.float32)))
    """

    gates = 4

    def forward(self, input, hx=None):
        x, batched = self._prepare(input)
        if hx is not None and (not isinstance(hx, (tuple, list)) or len(hx) != 2):
            raise TypeError("LSTMCell: hx must be a pair (h, c)")
        dtype = self.weight_ih.dtype
        h = self._state(None if hx is None else hx[0], x.shape[0], batched, dtype)
        c = self._state(None if hx is None else hx[1], x.shape[0], batched, dtype)
        h, c = ops.lstm_cell(x, (h, c), self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh)
        if not batched:
            h, c = h.reshape((self.hidden_size,)), c.reshape((self.hidden_size,))
        return h, c


class GRUCell(RNNCellBase):
    """One GRU step; forward(input, h=None) returns h'.

    Examples
    --------
    >>> cell = nn.GRUCell(10, 20)
    >>> h = cell(Tensor(np.zeros((3, 10), np.float32)))
    """

    gates = 3

    def forward(self, input, hx=None):
        x, batched = self._prepare(input)
        h = self._state(hx, x.shape[0], batched, self.weight_ih.dtype)
        out = ops.gru_cell(x, h, self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh)
        return out if batched else out.reshape((self.hidden_size,))
