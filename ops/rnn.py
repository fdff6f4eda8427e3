"""Recurrent ops: fused LSTM, GRU and Elman cells, one step or a whole sequence per op.

Each rule runs the recurrence in its forward (one GEMM for every input projection of
the sequence, then one GEMM plus a few in-place elementwise passes per step) and
back-propagates through time in its VJP (a short loop of elementwise passes and one
GEMM per step; the weight gradients are one GEMM each over the whole sequence).
Gate layouts are PyTorch's: LSTM rows (i, f, g, o), GRU rows (r, z, n).

`lstm_sequence(x, (h0, c0), ...)` runs one layer in one direction over x of shape
(T, B, I); `nn.LSTM` stacks them for layers and directions. The cells
(`lstm_cell`, `gru_cell`, `rnn_tanh_cell`, `rnn_relu_cell`) are the same rules with
T = 1 and take PyTorch's arguments (`torch.lstm_cell` and friends).

Second derivatives: under `create_graph=True` the VJP recomputes the gates from the
inputs with registered ops and back-propagates with operators and registered ops, so
the gradient is itself differentiable (the fast path runs only on plain arrays).
"""
import numpy as np

from autograd.function import Function, call, register
from autograd.mode import get_default_dtype, is_grad_enabled
from autograd.tensor import apply
from ops._blas import gemm_threads, matmul

_KINDS = {"lstm": 4, "gru": 3, "rnn_tanh": 1, "rnn_relu": 1}


def _operand(a):
    """Lists and scalars as arrays (floats in npgrad's default dtype); Tensors, arrays, None as is."""
    if a is None or hasattr(a, "grad_fn") or isinstance(a, np.ndarray):
        return a
    array = np.asarray(a)
    return array.astype(get_default_dtype()) if array.dtype.kind == "f" else array


def _is_graph(value):
    return hasattr(value, "grad_fn")


def _check(op, kind, x, h0, c0, w_ih, w_hh, b_ih, b_hh, cell):
    """Shapes and dtypes of a recurrence's arguments, with errors naming the op."""
    gates = _KINDS[kind]
    for name, a in (("input", x), ("hx", h0), ("cx", c0), ("w_ih", w_ih), ("w_hh", w_hh),
                    ("b_ih", b_ih), ("b_hh", b_hh)):
        if a is not None and a.dtype.kind != "f":
            raise TypeError(f"{op}: {name} must be floating point, got dtype {a.dtype}")
    if w_hh.ndim != 2 or w_hh.shape[0] != gates * w_hh.shape[1]:
        raise ValueError(f"{op}: w_hh of shape {w_hh.shape} is not ({gates} * hidden_size, hidden_size)")
    hidden = w_hh.shape[1]
    rank = 2 if cell else 3
    if x.ndim != rank:
        layout = "(batch, input_size)" if cell else "(seq_len, batch, input_size)"
        raise ValueError(f"{op}: input of shape {x.shape} is not {layout}")
    if cell:
        x = x[None]
    if x.shape[0] == 0:
        raise ValueError(f"{op}: the input sequence is empty (shape {x.shape})")
    if w_ih.shape != (gates * hidden, x.shape[2]):
        raise ValueError(
            f"{op}: w_ih of shape {w_ih.shape} does not fit input of shape {x.shape} "
            f"(expected {(gates * hidden, x.shape[2])})"
        )
    for name, b in (("b_ih", b_ih), ("b_hh", b_hh)):
        if b is not None and b.shape != (gates * hidden,):
            raise ValueError(f"{op}: {name} of shape {b.shape}, expected {(gates * hidden,)}")
    for name, s in (("hx", h0), ("cx", c0)):
        if s is not None and s.shape != (x.shape[1], hidden):
            raise ValueError(f"{op}: {name} of shape {s.shape}, expected (batch, hidden_size) = "
                             f"{(x.shape[1], hidden)}")


def _dtype(*arrays):
    return np.result_type(*[a for a in arrays if a is not None])


# ------------------------------------------------------------------ fast kernels
# Sigmoid gates are computed as 0.5 * tanh(a / 2) + 0.5: the 1/2 is folded into the
# weights once, so a step needs a single tanh over all gates.

def _gate_scale(pattern, hidden, dtype):
    return np.repeat(np.asarray(pattern, dtype), hidden)


def _input_projection(x, w_ih, b_ih, b_hh, scale):
    """x (T, B, I) @ w_ih.T (+ biases), each gate row scaled; a new (T, B, G*H) array."""
    T, B, I = x.shape
    w = w_ih if scale is None else w_ih * scale[:, None]
    out = matmul(x.reshape(T * B, I), w.T).reshape(T, B, w.shape[0])  # in two lanes if large
    for b in (b_ih, b_hh):
        if b is not None:
            out += b if scale is None else b * scale
    return out


def _lstm_forward(x, h0, c0, w_ih, w_hh, b_ih, b_hh, keep=True):
    """Rows 0..T-1 of `out` are h_1..h_T, row T is c_T.

    With `keep`, each step also writes the factors its VJP multiplies by (while the
    step's arrays are in cache): d(pre-activation) = dc * factor for i, f, g and
    dh * factor for o, and dc/dh through tanh(c).
    """
    T, B, _ = x.shape
    H = w_hh.shape[1]
    dtype = _dtype(x, h0, c0, w_ih, w_hh, b_ih, b_hh)
    scale = _gate_scale((0.5, 0.5, 1.0, 0.5), H, dtype)
    shift = _gate_scale((0.5, 0.5, 0.0, 0.5), H, dtype)
    acts = _input_projection(x, w_ih, b_ih, b_hh, scale)  # (T, B, 4H), pre-activations
    w_hh_t = np.ascontiguousarray((w_hh * scale[:, None]).T)  # (H, 4H): BLAS's fast layout here
    out = np.empty((T + 1, B, H), dtype)
    cs = np.empty((2, B, H), dtype)  # c_t, alternating buffers
    tc = np.empty((B, H), dtype)
    hidden = np.empty((B, 4 * H), dtype)
    ig = np.empty((B, H), dtype)
    if keep:
        factors = np.empty((T, B, 4, H), dtype)
        dh_to_dc = np.empty((T, B, H), dtype)
        square = np.empty((B, 4 * H), dtype)
    gemm_threads(h0.size * 4 * H)  # every step's GEMM has this size
    h, c = h0, c0
    for t in range(T):
        a = acts[t]
        np.matmul(h, w_hh_t, out=hidden)
        a += hidden
        np.tanh(a, out=a)
        a *= scale
        a += shift  # a = (i, f, g, o) activated
        i, f, gg, o = a[:, :H], a[:, H:2 * H], a[:, 2 * H:3 * H], a[:, 3 * H:]
        ct = cs[t % 2]
        np.multiply(f, c, out=ct)
        np.multiply(i, gg, out=ig)
        ct += ig
        np.tanh(ct, out=tc)
        np.multiply(o, tc, out=out[t])
        if keep:
            factor = factors[t]
            np.multiply(a, a, out=square)
            sq = square.reshape(B, 4, H)
            np.subtract(1, sq[:, 2], out=factor[:, 2])  # tanh' = 1 - g^2
            factor[:, 2] *= i
            np.subtract(a, square, out=square)  # sigmoid' = a (1 - a); the g column unused
            np.multiply(gg, sq[:, 0], out=factor[:, 0])
            np.multiply(c, sq[:, 1], out=factor[:, 1])
            np.multiply(tc, sq[:, 3], out=factor[:, 3])
            k = dh_to_dc[t]
            np.multiply(tc, tc, out=k)
            np.subtract(1, k, out=k)
            k *= o
        h, c = out[t], ct
    out[T] = c
    return out, ((acts, factors, dh_to_dc) if keep else None)


def _lstm_backward(g, x, h0, c0, w_ih, w_hh, out, kept):
    """Gradients of (x, h0, c0, w_ih, w_hh, bias) from g (T+1, B, H) shaped like `out`."""
    acts, factors, dh_to_dc = kept
    T, B, _, H = factors.shape
    f = acts.reshape(T, B, 4, H)[:, :, 1]
    dgates = np.empty_like(factors)  # (T, B, 4, H)
    gemm_threads(B * 4 * H * H)
    dc = g[T]
    dh_next = None
    for t in range(T - 1, -1, -1):
        dh = g[t] if dh_next is None else g[t] + dh_next
        dc = dh * dh_to_dc[t] + dc
        d = dgates[t]
        np.multiply(factors[t, :, :3], dc[:, None, :], out=d[:, :3])
        np.multiply(factors[t, :, 3], dh, out=d[:, 3])
        dc = dc * f[t]
        dh_next = d.reshape(B, 4 * H) @ w_hh
    h_prev = np.concatenate([h0[None], out[:T - 1]])  # (T, B, H)
    dx, dw_ih, dw_hh, db = _weight_grads(dgates.reshape(T, B, 4 * H), None, x, h_prev, w_ih)
    return dx, dh_next, dc, dw_ih, dw_hh, db, db


def _weight_grads(d_input, d_hidden, x, h_prev, w_ih):
    """One GEMM each for dx, dw_ih, dw_hh and the bias sums over the whole sequence."""
    T, B, G = d_input.shape
    d_in = d_input.reshape(T * B, G)
    d_hid = d_in if d_hidden is None else d_hidden.reshape(T * B, G)
    dx = matmul(d_in, w_ih).reshape(x.shape)  # each in two lanes if large (ops/_blas.py)
    dw_ih = matmul(d_in.T, x.reshape(T * B, -1))
    dw_hh = matmul(d_hid.T, h_prev.reshape(T * B, -1))
    if d_hidden is None:
        return dx, dw_ih, dw_hh, d_in.sum(axis=0)
    return dx, dw_ih, dw_hh, d_in.sum(axis=0), d_hid.sum(axis=0)


def _gru_forward(x, h0, w_ih, w_hh, b_ih, b_hh, keep=True):
    """h_t = n + z (h_{t-1} - n). With `keep`, each step also writes its VJP's factors
    (dh -> dn_pre, dh -> dz_pre, dn_pre -> dr_pre) while its arrays are in cache."""
    T, B, _ = x.shape
    H = w_hh.shape[1]
    dtype = _dtype(x, h0, w_ih, w_hh, b_ih, b_hh)
    scale = _gate_scale((0.5, 0.5, 1.0), H, dtype)
    acts = _input_projection(x, w_ih, b_ih, None, scale)  # (T, B, 3H)
    w_hh_t = np.ascontiguousarray((w_hh * scale[:, None]).T)
    b_hh_s = None if b_hh is None else b_hh * scale
    out = np.empty((T, B, H), dtype)
    hw = np.empty((B, 3 * H), dtype)
    rn = np.empty((B, H), dtype)
    if keep:
        factors = np.empty((T, 3, B, H), dtype)  # k_n, k_z, k_r per step
        one_minus_z = np.empty((B, H), dtype)
    gemm_threads(h0.size * 3 * H)
    h = h0
    for t in range(T):
        a = acts[t]
        np.matmul(h, w_hh_t, out=hw)
        if b_hh_s is not None:
            hw += b_hh_s
        rz = a[:, :2 * H]
        rz += hw[:, :2 * H]
        np.tanh(rz, out=rz)
        rz *= 0.5
        rz += 0.5
        r, z, hidden_n = rz[:, :H], rz[:, H:], hw[:, 2 * H:]
        n = a[:, 2 * H:]
        np.multiply(r, hidden_n, out=rn)
        n += rn
        np.tanh(n, out=n)
        ht = out[t]
        np.subtract(h, n, out=ht)
        if keep:
            k_n, k_z, k_r = factors[t]
            np.subtract(1, z, out=one_minus_z)
            np.multiply(n, n, out=k_n)
            np.subtract(1, k_n, out=k_n)
            k_n *= one_minus_z  # (1 - z)(1 - n^2)
            np.multiply(ht, z, out=k_z)
            k_z *= one_minus_z  # (h - n) z (1 - z)
            np.subtract(1, r, out=k_r)
            k_r *= r
            k_r *= hidden_n  # (W_hn h + b_hn) r (1 - r)
        ht *= z
        ht += n
        h = ht
    return out, ((acts, factors) if keep else None)


def _gru_backward(g, x, h0, w_ih, w_hh, out, kept):
    acts, factors = kept
    T, B, H = out.shape
    r, z = acts[..., :H], acts[..., H:2 * H]
    h_prev = np.concatenate([h0[None], out[:T - 1]])
    d_input = np.empty((T, B, 3 * H), acts.dtype)
    d_hidden = np.empty_like(d_input)
    gemm_threads(d_hidden[0].size * H)
    dh_next = None
    for t in range(T - 1, -1, -1):
        k_n, k_z, k_r = factors[t]
        dh = g[t] if dh_next is None else g[t] + dh_next
        di, dhid = d_input[t], d_hidden[t]
        dn = np.multiply(dh, k_n, out=di[:, 2 * H:])
        np.multiply(dh, k_z, out=di[:, H:2 * H])
        np.multiply(dn, k_r, out=di[:, :H])
        dhid[:, :2 * H] = di[:, :2 * H]
        np.multiply(dn, r[t], out=dhid[:, 2 * H:])
        dh_next = dhid @ w_hh
        dh_next += dh * z[t]
    dx, dw_ih, dw_hh, db_ih, db_hh = _weight_grads(d_input, d_hidden, x, h_prev, w_ih)
    return dx, dh_next, None, dw_ih, dw_hh, db_ih, db_hh


def _rnn_forward(x, h0, w_ih, w_hh, b_ih, b_hh, relu):
    T = x.shape[0]
    out = _input_projection(x, w_ih, b_ih, b_hh, None)  # (T, B, H), activated in place
    w_hh_t = np.ascontiguousarray(w_hh.T)
    gemm_threads(h0.size * w_hh.shape[0])
    h = h0
    for t in range(T):
        a = out[t]
        a += h @ w_hh_t
        if relu:
            np.maximum(a, 0, out=a)
        else:
            np.tanh(a, out=a)
        h = a
    return out, ()


def _rnn_backward(g, x, h0, w_ih, w_hh, out, relu):
    T = out.shape[0]
    slope = (out > 0).astype(out.dtype) if relu else 1 - out * out
    d_pre = np.empty_like(out)
    gemm_threads(out[0].size * w_hh.shape[1])
    dh_next = None
    for t in range(T - 1, -1, -1):
        dh = g[t] if dh_next is None else g[t] + dh_next
        np.multiply(dh, slope[t], out=d_pre[t])
        dh_next = d_pre[t] @ w_hh
    h_prev = np.concatenate([h0[None], out[:T - 1]])
    dx, dw_ih, dw_hh, db = _weight_grads(d_pre, None, x, h_prev, w_ih)
    return dx, dh_next, None, dw_ih, dw_hh, db, db


# ------------------------------------------------- differentiable (graph) path
# The same recurrences written with registered ops and operators: run by the VJP when
# it receives Tensors (create_graph=True), so that the gradient records a graph.

def _sigmoid(a):
    return call("sigmoid", a)


def _tanh(a):
    return call("tanh", a)


def _cat(parts, axis):
    return call("concatenate", *parts, axis=axis)


def _graph_steps(kind, x, h0, c0, w_ih, w_hh, b_ih, b_hh):
    """Recompute the forward step by step; per step the values its VJP needs."""
    T = x.shape[0]
    H = w_hh.shape[1]
    projected = x @ w_ih.T  # (T, B, G*H)
    if b_ih is not None:
        projected = projected + b_ih
    h, c = h0, c0
    steps = []
    for t in range(T):
        hw = h @ w_hh.T
        if b_hh is not None:
            hw = hw + b_hh
        xw = projected[t]
        if kind == "lstm":
            a = xw + hw
            i, f = _sigmoid(a[:, :H]), _sigmoid(a[:, H:2 * H])
            gg, o = _tanh(a[:, 2 * H:3 * H]), _sigmoid(a[:, 3 * H:])
            c_new = f * c + i * gg
            tc = _tanh(c_new)
            steps.append((h, c, i, f, gg, o, tc))
            h, c = o * tc, c_new
        elif kind == "gru":
            r = _sigmoid(xw[:, :H] + hw[:, :H])
            z = _sigmoid(xw[:, H:2 * H] + hw[:, H:2 * H])
            n = _tanh(xw[:, 2 * H:] + r * hw[:, 2 * H:])
            steps.append((h, r, z, n, hw[:, 2 * H:]))
            h = n + z * (h - n)
        else:
            a = xw + hw
            h_new = _tanh(a) if kind == "rnn_tanh" else call("relu", a)
            steps.append((h, h_new))
            h = h_new
    return steps


def _graph_vjp(kind, g, x, h0, c0, w_ih, w_hh, b_ih, b_hh):
    """Back-propagation through time with differentiable operations (any g linear)."""
    T = x.shape[0]
    H = w_hh.shape[1]
    steps = _graph_steps(kind, x, h0, c0, w_ih, w_hh, b_ih, b_hh)
    d_inputs, d_hiddens = [None] * T, [None] * T
    dh_next = None
    dc = g[T] if kind == "lstm" else None
    for t in range(T - 1, -1, -1):
        dh = g[t] if dh_next is None else g[t] + dh_next
        if kind == "lstm":
            _, c_prev, i, f, gg, o, tc = steps[t]
            dc = dh * o * (1 - tc * tc) + dc
            d = _cat([dc * gg * i * (1 - i), dc * c_prev * f * (1 - f),
                      dc * i * (1 - gg * gg), dh * tc * o * (1 - o)], axis=1)
            dc = dc * f
            d_inputs[t] = d_hiddens[t] = d
            dh_next = d @ w_hh
        elif kind == "gru":
            h_prev, r, z, n, hidden_n = steps[t]
            dn = dh * (1 - z) * (1 - n * n)
            dr = dn * hidden_n * r * (1 - r)
            dz = dh * (h_prev - n) * z * (1 - z)
            d_inputs[t] = _cat([dr, dz, dn], axis=1)
            d_hiddens[t] = _cat([dr, dz, dn * r], axis=1)
            dh_next = d_hiddens[t] @ w_hh + dh * z
        else:
            h_new = steps[t][1]
            slope = (h_new > 0).astype(h_new.dtype) if kind == "rnn_relu" else 1 - h_new * h_new
            d = dh * slope
            d_inputs[t] = d_hiddens[t] = d
            dh_next = d @ w_hh
    d_in = call("stack", *d_inputs, axis=0)  # (T, B, G*H)
    d_hid = d_in if kind != "gru" else call("stack", *d_hiddens, axis=0)
    h_prev = call("stack", *[s[0] for s in steps], axis=0)  # (T, B, H)
    G = d_in.shape[2]
    flat_in, flat_hid = d_in.reshape(T * x.shape[1], G), d_hid.reshape(T * x.shape[1], G)
    dx = d_in @ w_ih
    dw_ih = flat_in.T @ x.reshape(T * x.shape[1], x.shape[2])
    dw_hh = flat_hid.T @ h_prev.reshape(T * x.shape[1], H)
    return dx, dh_next, dc, dw_ih, dw_hh, flat_in.sum(axis=0), flat_hid.sum(axis=0)


# ------------------------------------------------------------------------ rules
class _Recurrence(Function):
    """Shared by every recurrence rule: inputs (x, h0, c0, w_ih, w_hh, b_ih, b_hh)."""

    kind = "lstm"
    cell = False

    def run(self, x, h0, c0, w_ih, w_hh, b_ih, b_hh, reverse):
        _check(self.name, self.kind, x, h0, c0, w_ih, w_hh, b_ih, b_hh, self.cell)
        self.reverse = reverse
        seq = x[None] if self.cell else (x[::-1] if reverse else x)
        if self.kind == "lstm":
            out, kept = _lstm_forward(seq, h0, c0, w_ih, w_hh, b_ih, b_hh, keep=is_grad_enabled())
        elif self.kind == "gru":
            out, kept = _gru_forward(seq, h0, w_ih, w_hh, b_ih, b_hh, keep=is_grad_enabled())
        else:
            out, kept = _rnn_forward(seq, h0, w_ih, w_hh, b_ih, b_hh, self.kind == "rnn_relu")
        self.save(x, h0, c0, w_ih, w_hh, b_ih, b_hh, seq, out, kept)
        if reverse:
            T = seq.shape[0]
            ordered = np.empty_like(out)
            ordered[:T] = out[T - 1::-1]
            ordered[T:] = out[T:]
            return ordered
        return out

    def vjp(self, g):
        x, h0, c0, w_ih, w_hh, b_ih, b_hh, seq, out, kept = self.saved
        T = 1 if self.cell else x.shape[0]
        if self.reverse:  # g in time order -> processing order
            g = _cat([g[T - 1::-1], g[T:]], axis=0) if T < g.shape[0] else g[::-1]
        if _is_graph(g):
            seq = x[None] if self.cell else (x[::-1] if self.reverse else x)
            grads = _graph_vjp(self.kind, g, seq, h0, c0, w_ih, w_hh, b_ih, b_hh)
        elif self.kind == "lstm":
            grads = _lstm_backward(g, seq, h0, c0, w_ih, w_hh, out, kept)
        elif self.kind == "gru":
            grads = _gru_backward(g, seq, h0, w_ih, w_hh, out, kept)
        else:
            grads = _rnn_backward(g, seq, h0, w_ih, w_hh, out, self.kind == "rnn_relu")
        dx, dh0, dc0, dw_ih, dw_hh, db_ih, db_hh = grads
        if self.cell:
            dx = dx.reshape(x.shape)
        elif self.reverse:
            dx = dx[::-1]
        return dx, dh0, dc0, dw_ih, dw_hh, db_ih, db_hh


@register("lstm_sequence")
class LSTMSequence(_Recurrence):
    """One LSTM layer over (T, B, I) in one direction; out rows h_1..h_T, then c_T."""

    kind = "lstm"

    def forward(self, x, h0, c0, w_ih, w_hh, b_ih=None, b_hh=None, reverse=False):
        return self.run(x, h0, c0, w_ih, w_hh, b_ih, b_hh, reverse)


@register("gru_sequence")
class GRUSequence(_Recurrence):
    """One GRU layer over (T, B, I) in one direction; out (T, B, H)."""

    kind = "gru"

    def forward(self, x, h0, c0, w_ih, w_hh, b_ih=None, b_hh=None, reverse=False):
        return self.run(x, h0, None, w_ih, w_hh, b_ih, b_hh, reverse)


@register("rnn_tanh_sequence")
class RNNTanhSequence(GRUSequence):
    """One Elman layer h' = tanh(W_ih x + b_ih + W_hh h + b_hh) over (T, B, I)."""

    kind = "rnn_tanh"


@register("rnn_relu_sequence")
class RNNReluSequence(GRUSequence):
    """One Elman layer h' = relu(W_ih x + b_ih + W_hh h + b_hh) over (T, B, I)."""

    kind = "rnn_relu"


@register("lstm_cell")
class LSTMCell(LSTMSequence):
    """One LSTM step on (B, I); out (2, B, H) stacks h' and c'."""

    cell = True


@register("gru_cell")
class GRUCell(GRUSequence):
    """One GRU step on (B, I); out (1, B, H)."""

    cell = True


@register("rnn_tanh_cell")
class RNNTanhCell(RNNTanhSequence):
    """One tanh Elman step on (B, I); out (1, B, H)."""

    cell = True


@register("rnn_relu_cell")
class RNNReluCell(RNNReluSequence):
    """One relu Elman step on (B, I); out (1, B, H)."""

    cell = True


# ------------------------------------------------------------- public functions
def _state_pair(op, hx):
    if not isinstance(hx, (tuple, list)) or len(hx) != 2:
        raise TypeError(f"{op}: hx must be a pair (h, c), got {type(hx).__name__}")
    return hx


def lstm_sequence(input, hx, w_ih, w_hh, b_ih=None, b_hh=None, reverse=False):
    """One LSTM layer over a whole sequence, as one fused op.

    Parameters
    ----------
    input : Tensor (T, B, I)
    hx : pair of Tensors (h0, c0), each (B, H)
    w_ih, w_hh : Tensors (4H, I) and (4H, H), gate rows (i, f, g, o) as PyTorch
    b_ih, b_hh : Tensors (4H,) or None
    reverse : bool
        Run from the last step to the first (the backward direction of a
        bidirectional layer); the output stays in time order.

    Returns
    -------
    output : Tensor (T, B, H), every h_t
    (h_n, c_n) : the final states, each (B, H)

    Examples
    --------
    >>> out, (h, c) = ops.lstm_sequence(x, (h0, c0), w_ih, w_hh, b_ih, b_hh)
    """
    h0, c0 = _state_pair("lstm_sequence", hx)
    args = map(_operand, (input, h0, c0, w_ih, w_hh, b_ih, b_hh))
    packed = apply(LSTMSequence, *args, reverse=reverse)
    T = packed.shape[0] - 1
    return packed[:T], (packed[0 if reverse else T - 1], packed[T])


def _single_state(cls, input, hx, w_ih, w_hh, b_ih, b_hh, reverse):
    out = apply(cls, *map(_operand, (input, hx, None, w_ih, w_hh, b_ih, b_hh)), reverse=reverse)
    return out, out[0 if reverse else out.shape[0] - 1]


def gru_sequence(input, hx, w_ih, w_hh, b_ih=None, b_hh=None, reverse=False):
    """One GRU layer over (T, B, I) as one fused op; returns (output (T, B, H), h_n).

    Gate rows (r, z, n) as PyTorch: n = tanh(W_in x + b_in + r * (W_hn h + b_hn)).
    """
    return _single_state(GRUSequence, input, hx, w_ih, w_hh, b_ih, b_hh, reverse)


def rnn_tanh_sequence(input, hx, w_ih, w_hh, b_ih=None, b_hh=None, reverse=False):
    """One tanh Elman layer over (T, B, I); returns (output (T, B, H), h_n)."""
    return _single_state(RNNTanhSequence, input, hx, w_ih, w_hh, b_ih, b_hh, reverse)


def rnn_relu_sequence(input, hx, w_ih, w_hh, b_ih=None, b_hh=None, reverse=False):
    """One relu Elman layer over (T, B, I); returns (output (T, B, H), h_n)."""
    return _single_state(RNNReluSequence, input, hx, w_ih, w_hh, b_ih, b_hh, reverse)


def lstm_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None):
    """One fused LSTM step, as `torch.lstm_cell`: input (B, I), hx = (h, c); returns (h', c')."""
    h, c = _state_pair("lstm_cell", hx)
    packed = apply(LSTMCell, *map(_operand, (input, h, c, w_ih, w_hh, b_ih, b_hh)))
    return packed[0], packed[1]


def gru_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None):
    """One fused GRU step, as `torch.gru_cell`: input (B, I), hx (B, H); returns h'."""
    return apply(GRUCell, *map(_operand, (input, hx, None, w_ih, w_hh, b_ih, b_hh)))[0]


def rnn_tanh_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None):
    """One fused step h' = tanh(W_ih x + b_ih + W_hh h + b_hh), as `torch.rnn_tanh_cell`."""
    return apply(RNNTanhCell, *map(_operand, (input, hx, None, w_ih, w_hh, b_ih, b_hh)))[0]


def rnn_relu_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None):
    """One fused step h' = relu(W_ih x + b_ih + W_hh h + b_hh), as `torch.rnn_relu_cell`."""
    return apply(RNNReluCell, *map(_operand, (input, hx, None, w_ih, w_hh, b_ih, b_hh)))[0]
