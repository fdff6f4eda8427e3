"""Sample inputs for the recurrent ops: whole-sequence scans (both directions, with and
without biases) and single cell steps; torch's oracle runs its own cells step by step."""
import ops
from ops.samples import Case, rng, torch

T, B, I, H = 3, 2, 3, 2
GATES = {"lstm": 4, "gru": 3, "rnn_tanh": 1, "rnn_relu": 1}


def _inputs(kind, seed, bias=True, cell=False):
    r = rng(seed)
    G = GATES[kind] * H
    x = r.standard_normal((B, I) if cell else (T, B, I))
    arrays = [x, r.standard_normal((B, H))]
    if kind == "lstm":
        arrays.append(r.standard_normal((B, H)))
    arrays += [r.standard_normal((G, I)) * 0.7, r.standard_normal((G, H)) * 0.7]
    if bias:
        arrays += [r.standard_normal(G) * 0.5, r.standard_normal(G) * 0.5]
    if kind == "rnn_relu":  # keep pre-activations away from relu's kink
        arrays = [a + 0.05 * (a > 0) - 0.05 * (a <= 0) for a in arrays]
    return arrays


def _torch_cell(kind):
    t = torch()
    return {"lstm": t.lstm_cell, "gru": t.gru_cell, "rnn_tanh": t.rnn_tanh_cell,
            "rnn_relu": t.rnn_relu_cell}[kind]


def _sequence(kind, reverse):
    """(fn, torch_fn) for `<kind>_sequence`: output, then the final state(s), in one tensor."""
    run = getattr(ops, f"{kind}_sequence")

    def fn(x, h, *rest):
        if kind == "lstm":
            c, params = rest[0], rest[1:]
            out, (h_n, c_n) = run(x, (h, c), *params, reverse=reverse)
            return ops.concatenate([out, h_n[None], c_n[None]])
        out, h_n = run(x, h, *rest, reverse=reverse)
        return ops.concatenate([out, h_n[None]])

    def torch_fn(x, h, *rest):
        t = torch()
        step = _torch_cell(kind)
        steps = range(x.shape[0] - 1, -1, -1) if reverse else range(x.shape[0])
        outs = [None] * x.shape[0]
        c, params = (rest[0], rest[1:]) if kind == "lstm" else (None, rest)
        for k in steps:
            if kind == "lstm":
                h, c = step(x[k], (h, c), *params)
            else:
                h = step(x[k], h, *params)
            outs[k] = h
        return t.cat([t.stack(outs), h[None]] + ([c[None]] if kind == "lstm" else []))

    return fn, torch_fn


def _cell(kind):
    run = getattr(ops, f"{kind}_cell")

    def fn(x, h, *rest):
        if kind == "lstm":
            h_new, c_new = run(x, (h, rest[0]), *rest[1:])
            return ops.concatenate([h_new, c_new], axis=1)
        return run(x, h, *rest)

    def torch_fn(x, h, *rest):
        if kind == "lstm":
            return torch().cat(_torch_cell(kind)(x, (h, rest[0]), *rest[1:]), dim=1)
        return _torch_cell(kind)(x, h, *rest)

    return fn, torch_fn


CASES = []
for k, kind in enumerate(GATES):
    for reverse in (False, True):
        fn, torch_fn = _sequence(kind, reverse)
        CASES.append(Case(f"{kind}_sequence", fn, _inputs(kind, 900 + 10 * k + reverse), torch_fn,
                          id="reverse" if reverse else "forward"))
    fn, torch_fn = _sequence(kind, False)
    CASES.append(Case(f"{kind}_sequence", fn, _inputs(kind, 905 + 10 * k, bias=False), torch_fn,
                      id="no-bias"))
    fn, torch_fn = _cell(kind)
    CASES.append(Case(f"{kind}_cell", fn, _inputs(kind, 950 + k, cell=True), torch_fn))
    CASES.append(Case(f"{kind}_cell", fn, _inputs(kind, 960 + k, bias=False, cell=True), torch_fn,
                      id="no-bias"))
