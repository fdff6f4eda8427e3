"""Gradient checking: finite differences against backward, reported like PyTorch.

`gradcheck` first compares one random projection: for a random upstream gradient v,
the VJP v^T J from backward against central differences of <v, f(x)> (one backward,
two forwards per input element). Only on a mismatch does it build full Jacobians, to
say which output and input disagree, where, and by how much.

Kinks: where f is not differentiable (relu or abs at 0, max with ties) the central
difference is the mean of two different one-sided slopes and any value between them is
a valid (sub)gradient. An element whose one-sided differences disagree is accepted when
the analytic value lies between them.

`gradcheck_graph` checks every op of a recorded graph on its own (each rule re-run in
float64 on its recorded inputs), names the ops whose VJP is wrong and draws them red.
"""
import copy
from dataclasses import dataclass

import numpy as np

from autograd.mode import state
from autograd.tensor import Tensor, apply

TINY = 1e-12
ERROR_FORMULA = f"|a - n| / max(|a| + |n|, {TINY})"


@dataclass
class Report:
    """Outcome of a gradient check.

    `ok`; `worst_relative_error` |a - n| / max(|a| + |n|, tiny) over the checked
    elements, leaving out kinks and elements too small for a relative error to mean
    anything (below `atol`, where the absolute tolerance decides, or below 1e4 times
    the round-off of the finite differences, machine epsilon * sum |v f(x)| / eps);
    `message` (the mismatch,
    empty when ok); `kinks`, the number of elements accepted because the analytic value
    lies between the one-sided differences.
    """

    ok: bool
    worst_relative_error: float
    message: str = ""
    kinks: int = 0


class GradcheckError(RuntimeError):
    """A gradient that does not match its finite-difference estimate."""


# --------------------------------------------------------------------- evaluation
def _outputs(fn, inputs):
    out = fn(*inputs)
    return tuple(out) if isinstance(out, (tuple, list)) else (out,)


def _data(x):
    return x.data if isinstance(x, Tensor) else np.asarray(x)


def _is_float(x):
    return _data(x).dtype.kind == "f"


def _evaluate(fn, inputs):
    """The float outputs of fn as float64 arrays (None for the others).

    Recorded as usual (not under no_grad): fn may itself differentiate, e.g. return a
    gradient computed with create_graph=True, to check second derivatives.
    """
    outs = _outputs(fn, inputs)
    return [np.array(_data(o), dtype=np.float64) if _is_float(o) else None for o in outs]


def _project(vs, outs):
    return float(sum(np.vdot(v, o) for v, o in zip(vs, outs) if v is not None))


class _Private:
    """Give each Tensor a private, writable, contiguous copy of its data; restore after.

    Finite differences write into `x.data` element by element: on a copy, so that a
    non-contiguous or read-only array, or memory shared with other tensors, is safe.
    """

    def __init__(self, tensors):
        self.tensors = [t for t in tensors if isinstance(t, Tensor)]

    def __enter__(self):
        self.originals = [t.data for t in self.tensors]
        for t in self.tensors:
            t.data = np.array(t.data, copy=True)
        return self

    def __exit__(self, *exc):
        for t, data in zip(self.tensors, self.originals):
            t.data = data


def _scan(fn, inputs, x, eps, elements, reduce):
    """reduce(outputs) at x + eps e_k and x - eps e_k for each flat index k in elements."""
    data = x.data
    plus, minus = [], []
    for k in elements:
        index = np.unravel_index(k, data.shape)
        original = data[index]
        data[index] = original + eps
        plus.append(reduce(_evaluate(fn, inputs)))
        data[index] = original - eps
        minus.append(reduce(_evaluate(fn, inputs)))
        data[index] = original
    return np.array(plus), np.array(minus)


def numerical_grad(fn, inputs, grad_output=None, eps=1e-6):
    """Finite-difference vector-Jacobian products of `fn` at `inputs`.

    Parameters
    ----------
    fn : callable
        `fn(*inputs)` returns a Tensor or a tuple of Tensors.
    inputs : sequence
        Tensors (and other arguments, passed through).
    grad_output : array or tuple of arrays, optional
        The upstream gradient per output (ones by default).
    eps : float
        Central-difference step.

    Returns
    -------
    tuple
        Per input, d<grad_output, fn>/d input as a float64 array (None for an input
        that is not a Tensor).

    Examples
    --------
    >>> numerical_grad(lambda x: (x * x).sum(), [Tensor([3.0], dtype=np.float64)])
    (array([6.]),)
    """
    inputs = list(inputs)
    with _Private(inputs):
        outs = _evaluate(fn, inputs)
        if grad_output is None:
            vs = [None if o is None else np.ones(o.shape) for o in outs]
        else:
            vs = list(grad_output) if isinstance(grad_output, (tuple, list)) else [grad_output]
            vs = [None if v is None else _data(v) for v in vs]

        def vjp(x):
            plus, minus = _scan(fn, inputs, x, eps, range(x.size), lambda o: _project(vs, o))
            return ((plus - minus) / (2 * eps)).reshape(x.shape)

        return tuple(vjp(x) if isinstance(x, Tensor) else None for x in inputs)


def _analytic_vjp(fn, inputs, targets, vs):
    """v^T J for each target input, through the engine's backward (float64 arrays)."""
    from autograd.engine import grad

    outs = _outputs(fn, inputs)
    pairs = [(o, v) for o, v in zip(outs, vs) if v is not None and o.requires_grad]
    if not pairs:
        return [np.zeros(t.shape) for t in targets]
    grads = grad([o for o, _ in pairs], targets, grad_outputs=[Tensor(v.astype(o.dtype)) for o, v in pairs],
                 allow_unused=True)
    return [np.zeros(t.shape) if g is None else g.data.astype(np.float64) for t, g in zip(targets, grads)]


def _relative_error(a, n):
    return np.abs(a - n) / np.maximum(np.abs(a) + np.abs(n), TINY)


def _judge(a, n, left, right, atol, rtol, noise=0.0):
    """Per element: (bad, kink accepted, relative error counted in the worst).

    The worst relative error leaves out kinks, and elements too small for a relative
    error to mean anything: below atol, or below 1e4 times `noise`, the round-off of
    the finite differences (so round-off alone cannot show as more than 1e-4).
    """
    close = np.isclose(a, n, rtol=rtol, atol=atol, equal_nan=True)
    tol = atol + rtol * np.maximum(np.abs(left), np.abs(right))
    kink = (
        ~close
        & (np.abs(left - right) > tol)
        & (a >= np.minimum(left, right) - tol)
        & (a <= np.maximum(left, right) + tol)
    )
    bad = ~close & ~kink
    counted = ~kink & (np.maximum(np.abs(a), np.abs(n)) >= max(atol, 1e4 * noise))
    return bad, kink, np.where(counted, _relative_error(a, n), 0.0)


# -------------------------------------------------------------------------- check
def _targets(inputs):
    targets = []
    for i, x in enumerate(inputs):
        if isinstance(x, Tensor) and x.requires_grad:
            if x.dtype != np.float64:
                raise ValueError(
                    f"gradcheck: input {i} has dtype {x.dtype}; gradcheck needs float64 inputs "
                    "(finite differences in lower precision are not meaningful): pass "
                    "Tensor(x, dtype=np.float64, requires_grad=True)"
                )
            targets.append(x)
    if not targets:
        raise ValueError("gradcheck: no input requires grad")
    return targets


def _position(inputs, x):
    return next(i for i, y in enumerate(inputs) if y is x)


def check(fn, inputs, eps=1e-6, atol=1e-5, rtol=1e-3, seed=0, max_elements=None):
    """Run the check and return a `Report` (never raises on a mismatch).

    Parameters are those of `gradcheck`, plus `seed` (the random upstream gradient)
    and `max_elements`: when an input has more elements, the finite differences are
    taken at a random sample of that many (None: all).
    """
    inputs = list(inputs)
    targets = _targets(inputs)
    rng = np.random.default_rng(seed)
    with _Private(inputs):
        centre = _evaluate(fn, inputs)
        vs = [None if o is None else rng.standard_normal(o.shape) for o in centre]
        analytic = _analytic_vjp(fn, inputs, targets, vs)
        worst, kinks, failing, lines = 0.0, 0, [], []
        c = _project(vs, centre)
        # round-off of a difference quotient of <v, f>: machine epsilon * sum |v f| / eps
        noise = np.finfo(np.float64).eps * _project([None if v is None else np.abs(v) for v in vs],
                                                    [None if o is None else np.abs(o) for o in centre]) / eps
        for x, a in zip(targets, analytic):
            elements = np.arange(x.size)
            if max_elements is not None and x.size > max_elements:
                elements = np.sort(rng.choice(x.size, max_elements, replace=False))
            plus, minus = _scan(fn, inputs, x, eps, elements, lambda o: _project(vs, o))
            a = a.reshape(-1)[elements]
            n = (plus - minus) / (2 * eps)
            bad, kink, err = _judge(a, n, (c - minus) / eps, (plus - c) / eps, atol, rtol, noise)
            kinks += int(kink.sum())
            worst = max(worst, float(err.max(initial=0.0)))
            if bad.any():
                failing.append(x)
                k = _worst(a, n, bad)
                lines.append(_mismatch_line("gradient mismatch (random projection of the outputs)",
                                            inputs, x, elements[k], None, a[k], n[k]))
        if not failing:
            return Report(True, worst, "", kinks)
        message = _jacobian_mismatch(fn, inputs, failing, eps, atol, rtol) or "\n".join(lines)
        return Report(False, worst, message, kinks)


def _worst(a, n, bad):
    """Flat index of the bad element with the largest relative error."""
    return int(np.argmax(np.where(bad, _relative_error(a, n), -1.0)))


def _mismatch_line(what, inputs, x, k, output, a, n):
    index = tuple(int(v) for v in np.unravel_index(int(k), x.shape))
    where = f"input element {index}" + ("" if output is None else f" (output element {output})")
    return (
        f"{what} with respect to input {_position(inputs, x)}: worst at {where}: "
        f"analytic {a:.6g}, numeric {n:.6g}, relative error {float(_relative_error(a, n)):.3g} "
        f"({ERROR_FORMULA})"
    )


JACOBIAN_LIMIT = 200_000  # entries per (output, input) pair: beyond, report the projection


def _jacobian_mismatch(fn, inputs, failing, eps, atol, rtol):
    """Full Jacobians for the failing inputs: one PyTorch-style line per bad (output, input)."""
    centre = _evaluate(fn, inputs)
    sizes = [0 if o is None else o.size for o in centre]
    if any(s * x.size > JACOBIAN_LIMIT for s in sizes for x in failing):
        return ""
    flat = np.concatenate([o.reshape(-1) for o in centre if o is not None])
    lines = []
    for x in failing:
        plus, minus = _scan(fn, inputs, x, eps, range(x.size),
                            lambda o: np.concatenate([v.reshape(-1) for v in o if v is not None]))
        numeric = ((plus - minus) / (2 * eps)).T  # (outputs, x.size)
        left, right = ((flat - minus) / eps).T, ((plus - flat) / eps).T
        start = 0
        for i, o in enumerate(centre):
            if o is None:
                continue
            rows = slice(start, start + o.size)
            start += o.size
            a_jac = np.empty((o.size, x.size))
            for r in range(o.size):
                vs = [None if p is None else np.zeros(p.shape) for p in centre]
                vs[i].reshape(-1)[r] = 1.0
                a_jac[r] = _analytic_vjp(fn, inputs, [x], vs)[0].reshape(-1)
            n_jac = numeric[rows]
            bad = _judge(a_jac, n_jac, left[rows], right[rows], atol, rtol)[0]
            if bad.any():
                r, k = np.unravel_index(_worst(a_jac, n_jac, bad), bad.shape)
                lines.append(_mismatch_line(f"Jacobian mismatch for output {i}", inputs, x, k, int(r),
                                            a_jac[r, k], n_jac[r, k]))
    return "\n".join(lines)


def gradcheck(fn, inputs, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True):
    """Check backward against central differences for every input with requires_grad.

    The check passes where |a - n| <= atol + rtol |n| for the analytic value a and the
    central difference n, or, at a kink, where a lies between the two one-sided
    differences. A random projection is checked first; full Jacobians are computed only
    to explain a failure.

    Parameters
    ----------
    fn : callable
        `fn(*inputs)` returns a Tensor of any shape or a tuple of Tensors.
    inputs : sequence
        float64 Tensors (those with requires_grad are checked) and other arguments.
    eps, atol, rtol : float
        Finite-difference step and tolerances.
    raise_exception : bool
        Raise `GradcheckError` with the report instead of returning False.

    Returns
    -------
    bool
        True when every gradient matches.

    Raises
    ------
    GradcheckError
        With a message such as "Jacobian mismatch for output 0 with respect to input 1:
        worst at input element (2, 0) (output element 5): analytic 0.5, numeric 1,
        relative error 0.333 (|a - n| / max(|a| + |n|, 1e-12))".
    ValueError
        If an input that requires grad is not float64.

    Examples
    --------
    >>> x = Tensor(np.random.randn(3, 4), requires_grad=True)
    >>> gradcheck(lambda x: (x.tanh() * x).sum(axis=1), [x])
    True
    >>> gradcheck(lambda x: x.relu(), [Tensor(np.zeros(3), requires_grad=True)])  # kinks
    True
    """
    report = check(fn, inputs, eps=eps, atol=atol, rtol=rtol)
    if report.ok:
        return True
    if raise_exception:
        raise GradcheckError(report.message)
    return False


# ------------------------------------------------------------- per-op localisation
@dataclass
class OpResult:
    """One op of a graph checked on its own: the node, its `Report`, or why it was skipped."""

    node: object
    report: Report = None
    skipped: str = ""

    def describe(self):
        traced = getattr(self.node, "traced", None)
        where = ""
        if traced and traced[2]:
            from autograd.viz import module_names

            where = f" in {module_names(traced[2])[-1]}"
        if self.node.site:
            where += f" (created at {self.node.site})"
        return f"{self.node.name}{where}"


class GraphReport:
    """What `gradcheck_graph` found: per op a `Report`; the failures named and drawable.

    Attributes: `ok`, `results` (an `OpResult` per op, nearest the roots first),
    `failures` (the nodes whose VJP disagrees with finite differences), `message`.
    """

    def __init__(self, roots, results):
        self.roots = roots
        self.results = results
        self.failures = [r.node for r in results if r.report is not None and not r.report.ok]
        self.ok = not self.failures

    @property
    def message(self):
        checked = [r for r in self.results if r.report is not None]
        lines = [
            f"gradcheck_graph: {len(checked)} ops checked, {len(self.failures)} wrong"
            + (f", {len(self.results) - len(checked)} skipped" if len(checked) < len(self.results) else "")
            + (f", {sum(r.report.kinks for r in checked)} kink elements accepted" if any(r.report.kinks for r in checked) else "")
        ]
        for r in self.results:
            if r.report is not None and not r.report.ok:
                lines.append(f"wrong VJP: {r.describe()}: " + r.report.message.replace("\n", "\n    "))
            elif r.skipped:
                lines.append(f"skipped {r.describe()}: {r.skipped}")
        return "\n".join(lines)

    def draw(self, **kwargs):
        """The graph with the ops whose VJP is wrong drawn red (arguments as `viz.draw`)."""
        from autograd.viz import draw

        return draw(self.roots, highlight=self.failures, **kwargs)

    def __repr__(self):
        return self.message


def gradcheck_graph(roots, eps=1e-6, atol=1e-5, rtol=1e-3, seed=0, max_elements=2000):
    """Check every op of a recorded graph on its own, to find the op whose VJP is wrong.

    Each op is re-run from its rule, in float64, on its recorded inputs (the current
    values of its input tensors; other arguments as recorded, float arrays copied, so
    that running statistics and the like are not touched; random generators replayed
    from one state, so that dropout is deterministic). A cheap check along one random
    direction comes first; an op that fails it, or crosses a kink, gets the full
    element-wise `check` (on at most `max_elements` sampled elements per input).

    The graph must have been recorded under `autograd.viz.trace()`, which keeps each
    op's arguments.

    Parameters
    ----------
    roots : Tensor, or a tuple, list or dict of Tensors
        The outputs whose graph is checked.
    eps, atol, rtol : float
        As in `gradcheck`.
    seed : int
        For the random directions and upstream gradients.
    max_elements : int or None
        Finite differences per input at most (None: every element).

    Returns
    -------
    GraphReport
        `.ok`, `.failures` (the wrong ops), `.message` naming them (op, module,
        creation site, worst element), `.draw()` with them red.

    Examples
    --------
    >>> with autograd.viz.trace():
    ...     loss = model(x).sum()
    >>> report = gradcheck_graph(loss)
    >>> report.ok, report.failures
    (True, [])
    """
    from autograd.viz import nodes

    rng = np.random.default_rng(seed)
    results = []
    for node in nodes(roots):
        if getattr(node, "traced", None) is None:
            raise ValueError(
                f"gradcheck_graph: op {node.name} was not recorded with its arguments; build "
                "the graph inside `with autograd.viz.trace():`"
            )
        results.append(_check_op(node, eps, atol, rtol, rng, max_elements))
    return GraphReport(roots, results)


def _check_op(node, eps, atol, rtol, rng, max_elements):
    replay = _Replay(node)
    if not replay.inputs:
        return OpResult(node, skipped="no floating-point input needs a gradient")
    try:
        replay(*replay.inputs)
    except Exception as err:  # a rule that cannot be re-run in float64 is reported, not fatal
        return OpResult(node, skipped=f"could not be re-run ({type(err).__name__}: {err})")
    try:
        error = _directional(replay, replay.inputs, eps, atol, rtol, rng)
        if error is not None:
            return OpResult(node, Report(True, error))
        report = check(replay, replay.inputs, eps, atol, rtol, seed=int(rng.integers(2**31)),
                       max_elements=max_elements)
    except Exception as err:  # the forward ran, so backward failed: a broken VJP
        report = Report(False, float("inf"), f"backward raised {type(err).__name__}: {err}")
    return OpResult(node, report)


class _Replay:
    """An op's rule as a function of its differentiable inputs, in float64.

    Calling it runs `apply(type(node), ...)` on the recorded arguments, with float
    arrays as float64 copies, float dtype parameters as float64, and every random
    generator (a parameter, or the default one) restored to the same state each call.
    """

    def __init__(self, node):
        args, params, _ = node.traced
        self.cls = type(node)
        self.positions = [  # the traced arguments that needed a gradient, floats only
            i for i, (t, a) in enumerate(zip(node.inputs, args))
            if t is not None and a.dtype.kind == "f"
        ]
        self.args = [_float64(a) for a in args]  # the traced arguments: Tensors, data kept
        self.params = {k: _float64(v) for k, v in params.items()}
        self.default_rng = copy.deepcopy(state.rng)
        self.inputs = [Tensor(self.args[i], requires_grad=True) for i in self.positions]

    def __call__(self, *xs):
        args = list(self.args)
        for i, x in zip(self.positions, xs):
            args[i] = x
        params = {k: copy.deepcopy(v) if isinstance(v, np.random.Generator) else v
                  for k, v in self.params.items()}
        outer, state.rng = state.rng, copy.deepcopy(self.default_rng)
        try:
            return apply(self.cls, *args, **params)
        finally:
            state.rng = outer


def _float64(value):
    """float arrays (and Tensors) as float64 array copies; float dtypes as float64."""
    if isinstance(value, Tensor):
        value = value.data
    if isinstance(value, np.ndarray) and value.dtype.kind == "f":
        return value.astype(np.float64)
    if isinstance(value, np.dtype) and value.kind == "f":
        return np.dtype(np.float64)
    return value


def _directional(fn, inputs, eps, atol, rtol, rng):
    """The relative error of v^T J u (backward) against finite differences along a random u.

    None when they disagree, or when the direction crosses a kink (the one-sided
    differences differ): the element-wise check then decides.
    """
    with _Private(inputs):
        centre = _evaluate(fn, inputs)
        vs = [None if o is None else rng.standard_normal(o.shape) for o in centre]
        us = [rng.standard_normal(x.shape) for x in inputs]
        a = sum(float(np.vdot(g, u)) for g, u in zip(_analytic_vjp(fn, inputs, inputs, vs), us))
        starts = [x.data.copy() for x in inputs]
        values = {}
        for sign in (1, -1):
            for x, x0, u in zip(inputs, starts, us):
                x.data[...] = x0 + sign * eps * u
            values[sign] = _project(vs, _evaluate(fn, inputs))
        c = _project(vs, centre)
    n = (values[1] - values[-1]) / (2 * eps)
    left, right = (c - values[-1]) / eps, (values[1] - c) / eps
    scale = atol * np.sqrt(sum(x.size for x in inputs))
    if abs(left - right) > scale + rtol * max(abs(left), abs(right)):
        return None
    if abs(a - n) > scale + rtol * max(abs(a), abs(n)):
        return None
    return float(_relative_error(a, n))
