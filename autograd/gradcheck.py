"""Gradient checking: central differences against backward, reported like PyTorch.

`gradcheck` first compares one random projection (a random upstream gradient v: the
VJP v^T J from backward against finite differences of <v, f(x)>), which costs one
backward and two forwards per input element. Only on a mismatch does it build full
Jacobians, to report which output and input disagree, where, and by how much. At a
kink (relu or abs at 0, max with ties) the analytic value is accepted when it lies
between the one-sided differences.
"""
from dataclasses import dataclass

import numpy as np

from autograd.mode import no_grad
from autograd.tensor import Tensor

TINY = 1e-12


@dataclass
class Report:
    """Outcome of a gradient check: `ok`, the worst relative error, and a message."""

    ok: bool
    worst_relative_error: float
    message: str = ""


def _outputs(fn, inputs):
    out = fn(*inputs)
    return tuple(out) if isinstance(out, (tuple, list)) else (out,)


def _data(x):
    return x.data if isinstance(x, Tensor) else np.asarray(x)


def _projected(fn, inputs, vs):
    """<v, f(inputs)> summed over the differentiable outputs, without recording."""
    with no_grad():
        outs = _outputs(fn, inputs)
    return float(sum(np.vdot(v, _data(o)) for v, o in zip(vs, outs) if v is not None))


def numerical_grad(fn, inputs, grad_output=None, eps=1e-6):
    """Finite-difference VJPs of `fn` at `inputs`: one array per input.

    Parameters
    ----------
    fn : callable
        `fn(*inputs)` returns a Tensor or a tuple of Tensors.
    inputs : sequence of Tensor
    grad_output : array or tuple of arrays, optional
        The upstream gradient per output (ones by default).
    eps : float
        Central-difference step.

    Examples
    --------
    >>> numerical_grad(lambda x: (x * x).sum(), [Tensor([3.0], dtype=np.float64)])
    (array([6.]),)
    """
    inputs = list(inputs)
    with no_grad():
        outs = _outputs(fn, inputs)
    if grad_output is None:
        vs = [np.ones(o.shape) for o in outs]
    else:
        vs = list(grad_output) if isinstance(grad_output, (tuple, list)) else [grad_output]
        vs = [None if v is None else _data(v) for v in vs]
    return tuple(_numeric_vjp(fn, inputs, vs, x, eps) for x in inputs)


def _numeric_vjp(fn, inputs, vs, x, eps):
    """d<v, f>/dx by central differences, perturbing x.data in place and restoring it."""
    data = _data(x)
    result = np.zeros(data.shape, dtype=np.float64)
    flat = data.reshape(-1)  # a view: writes reach x
    for k in range(flat.size):
        original = flat[k]
        flat[k] = original + eps
        plus = _projected(fn, inputs, vs)
        flat[k] = original - eps
        minus = _projected(fn, inputs, vs)
        flat[k] = original
        result.reshape(-1)[k] = (plus - minus) / (2 * eps)
    return result


def _one_sided(fn, inputs, vs, x, k, eps):
    """Forward and backward one-sided differences of <v, f> at element k of x."""
    flat = _data(x).reshape(-1)
    original = flat[k]
    centre = _projected(fn, inputs, vs)
    flat[k] = original + eps
    plus = _projected(fn, inputs, vs)
    flat[k] = original - eps
    minus = _projected(fn, inputs, vs)
    flat[k] = original
    return (centre - minus) / eps, (plus - centre) / eps


def _relative_error(a, n):
    return np.abs(a - n) / np.maximum(np.abs(a) + np.abs(n), TINY)


def _analytic_vjp(fn, inputs, targets, vs):
    """v^T J for each target input, through the engine's backward."""
    from autograd.engine import grad

    outs = _outputs(fn, inputs)
    pairs = [(o, v) for o, v in zip(outs, vs) if o.requires_grad]
    if not pairs:
        return [np.zeros(t.shape) for t in targets]
    grads = grad([o for o, _ in pairs], targets, grad_outputs=[Tensor(v) for _, v in pairs],
                 allow_unused=True)
    return [np.zeros(t.shape) if g is None else g.data.astype(np.float64) for t, g in zip(targets, grads)]


def check(fn, inputs, eps=1e-6, atol=1e-5, rtol=1e-3, seed=0):
    """Run the check and return a `Report` (never raises on a mismatch)."""
    inputs = list(inputs)
    targets = [x for x in inputs if isinstance(x, Tensor) and x.requires_grad]
    for i, x in enumerate(inputs):
        if isinstance(x, Tensor) and x.requires_grad and x.dtype != np.float64:
            raise ValueError(
                f"gradcheck: input {i} has dtype {x.dtype}; gradcheck needs float64 inputs "
                "(finite differences in lower precision are not meaningful)"
            )
    if not targets:
        raise ValueError("gradcheck: no input requires grad")
    with no_grad():
        outs = _outputs(fn, inputs)
    rng = np.random.default_rng(seed)
    vs = [rng.standard_normal(o.shape) if o.dtype.kind == "f" else None for o in outs]
    analytic = _analytic_vjp(fn, inputs, targets, vs)
    worst = 0.0
    failures = []
    for j, (x, a) in enumerate(zip(targets, analytic)):
        n = _numeric_vjp(fn, inputs, vs, x, eps)
        if a.size:
            worst = max(worst, float(_relative_error(a, n).max()))
        bad = np.flatnonzero(~np.isclose(a, n, rtol=rtol, atol=atol, equal_nan=True))
        bad = [k for k in bad if not _within_kink(fn, inputs, vs, x, k, a.reshape(-1)[k], eps, atol, rtol)]
        if bad:
            failures.append(j)
    if not failures:
        return Report(True, worst)
    return Report(False, worst, _jacobian_mismatch(fn, inputs, targets, failures, eps, atol, rtol))


def _within_kink(fn, inputs, vs, x, k, a, eps, atol, rtol):
    """At a kink, accept an analytic value that lies between the one-sided differences."""
    left, right = _one_sided(fn, inputs, vs, x, k, eps)
    tol = atol + rtol * max(abs(left), abs(right))
    if abs(left - right) <= tol:
        return False  # smooth here: the central difference was right and a is wrong
    return min(left, right) - tol <= a <= max(left, right) + tol


def _jacobian_mismatch(fn, inputs, targets, failing, eps, atol, rtol):
    """Full Jacobians for the failing inputs; a PyTorch-style message for the worst entry."""
    from autograd.engine import grad

    with no_grad():
        outs = _outputs(fn, inputs)
    lines = []
    for i, out in enumerate(outs):
        if out.dtype.kind != "f":
            continue
        for j in failing:
            x = targets[j]
            a_jac = np.zeros((out.size, x.size))
            n_jac = np.zeros((out.size, x.size))
            for r in range(out.size):
                vs = [np.zeros(o.shape) if o.dtype.kind == "f" else None for o in outs]
                vs[i].reshape(-1)[r] = 1.0
                a_jac[r] = _analytic_vjp(fn, inputs, [x], vs)[0].reshape(-1)
                n_jac[r] = _numeric_vjp(fn, inputs, vs, x, eps).reshape(-1)
            close = np.isclose(a_jac, n_jac, rtol=rtol, atol=atol, equal_nan=True)
            if close.all():
                continue
            err = np.where(close, 0, _relative_error(a_jac, n_jac))
            r, c = np.unravel_index(np.argmax(err), err.shape)
            index = np.unravel_index(c, x.shape)
            lines.append(
                f"Jacobian mismatch for output {i} with respect to input {inputs.index(x)}: "
                f"worst at input element {tuple(int(v) for v in index)} (output element {r}): "
                f"analytic {a_jac[r, c]:.6g}, numeric {n_jac[r, c]:.6g}, "
                f"relative error {err[r, c]:.3g} (|a - n| / max(|a| + |n|, {TINY}))"
            )
    return "\n".join(lines) or "gradcheck: the random projection failed but no Jacobian entry did"


def gradcheck(fn, inputs, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True):
    """Check backward against central differences for every input with requires_grad.

    Parameters
    ----------
    fn : callable
        `fn(*inputs)` returns a Tensor of any shape or a tuple of Tensors.
    inputs : sequence
        float64 Tensors (those with requires_grad are checked) and other arguments.
    eps, atol, rtol : float
        Finite-difference step and tolerances (|a - n| <= atol + rtol |n|).
    raise_exception : bool
        Raise `GradcheckError` with the report instead of returning False.

    Returns
    -------
    bool
        True when every gradient matches.

    Examples
    --------
    >>> x = Tensor(np.random.randn(3, 4), requires_grad=True)
    >>> gradcheck(lambda x: (x.tanh() * x).sum(axis=1), [x])
    True
    """
    report = check(fn, inputs, eps=eps, atol=atol, rtol=rtol)
    if report.ok:
        return True
    if raise_exception:
        raise GradcheckError(report.message)
    return False


class GradcheckError(RuntimeError):
    """A gradient that does not match its finite-difference estimate."""
