"""`checkpoint(fn, *args)`: trade compute for memory by recomputing `fn` in backward.

The forward runs `fn` without recording its graph, so none of the arrays its ops would
save for backward are kept: only the inputs and the output stay alive. The whole call
is one registered op, `checkpoint`, whose VJP re-runs `fn` under grad mode on the saved
inputs (with the default random generator rewound to where the forward found it, so
that dropout draws the same mask) and back-propagates through that fresh graph.
"""
import numpy as np

from autograd.function import Function, register
from autograd.mode import enable_grad, get_rng_state, is_grad_enabled, no_grad, set_rng_state
from autograd.tensor import Tensor, apply

__all__ = ["checkpoint"]


@register("checkpoint")
class Checkpoint(Function):
    """fn(*args) kept as its output only; the VJP recomputes fn and back-propagates."""

    def forward(self, *values, fn=None, n_args=0, rng_state=None, out=None):
        self.save(*values)
        self.fn, self.n_args, self.rng_state = fn, n_args, rng_state
        return out

    def vjp(self, g):
        values = self.saved  # arrays; under create_graph the input Tensors themselves
        graph = hasattr(g, "grad_fn")
        args, targets, slots = [], [], []
        for i, value in enumerate(values[: self.n_args]):
            if isinstance(value, (np.ndarray, Tensor)):
                if not graph:  # (under create_graph: the input Tensor, graph and all)
                    value = Tensor(value, requires_grad=self.needs_grad(i))
                if self.needs_grad(i):
                    targets.append(value)
                    slots.append(i)
            args.append(value)
        for i in range(self.n_args, len(values)):  # parameters fn reads from its closure
            if self.needs_grad(i):
                targets.append(self.inputs[i])
                slots.append(i)
        grads = [None] * len(values)
        if not targets:
            return tuple(grads)
        outer = get_rng_state() if self.rng_state is not None else None
        try:
            if outer is not None:
                set_rng_state(self.rng_state)
            with enable_grad():
                out = self.fn(*args)
        finally:
            if outer is not None:
                set_rng_state(outer)
        from autograd.engine import grad

        found = grad(out, targets, g, create_graph=graph, allow_unused=True)
        for i, gi in zip(slots, found):
            grads[i] = gi if gi is None or graph else gi.data
        return tuple(grads)


def checkpoint(fn, *args, preserve_rng_state=True, use_reentrant=None):
    """Run `fn(*args)` without keeping its intermediate values; recompute them in backward.

    Parameters
    ----------
    fn : callable
        Returns one Tensor. It may read parameters from its closure or, when it is an
        `nn.Module` (or a method of one), from the module: those get gradients too.
    *args
        Tensors (differentiable) and any other arguments, passed to `fn` unchanged.
    preserve_rng_state : bool
        Rewind the default random generator (`autograd.manual_seed`'s) before the
        recomputation, so that dropout inside `fn` draws the same mask twice. A
        generator passed explicitly (`rng=`) is the caller's to manage.
    use_reentrant : ignored
        Accepted for PyTorch compatibility.

    Returns
    -------
    Tensor
        fn's output, connected to `args` and to the parameters `fn` uses by one
        `checkpoint` op.

    Examples
    --------
    >>> h = checkpoint(block, x)        # block's activations are not kept
    >>> h.sum().backward()              # block runs again here, then back-propagates
    """
    del use_reentrant
    if not is_grad_enabled():
        return fn(*args)
    tensors = [a for a in args if isinstance(a, Tensor)]
    rng_state = get_rng_state() if preserve_rng_state else None
    extra = _module_parameters(fn)
    if extra is None:  # any callable: find the leaves it reads by recording once
        leaves = [a.detach().requires_grad_(True) if a.requires_grad else a for a in tensors]
        swap = dict(zip(map(id, tensors), leaves))
        with enable_grad():
            result = fn(*[swap.get(id(a), a) if isinstance(a, Tensor) else a for a in args])
        _check_output(result)
        own = set(map(id, leaves))
        extra = [t for t in _leaves(result) if id(t) not in own]
        out = result.data
    else:
        with no_grad():
            result = fn(*args)
        _check_output(result)
        out = result.data
    if not any(t.requires_grad for t in tensors) and not extra:
        return Tensor(out)
    return apply(Checkpoint, *args, *extra, fn=fn, n_args=len(args), rng_state=rng_state, out=out)


def _check_output(result):
    if not isinstance(result, Tensor):
        raise TypeError(f"checkpoint: fn must return one Tensor, got {type(result).__name__}")


def _module_parameters(fn):
    """The parameters of a Module (or of a bound method's Module), else None."""
    owner = fn if hasattr(fn, "parameters") else getattr(fn, "__self__", None)
    parameters = getattr(owner, "parameters", None)
    if not callable(parameters):
        return None
    return [p for p in parameters() if p.requires_grad]


def _leaves(root):
    """Leaf Tensors that require grad and that `root`'s graph reaches, each once."""
    found, seen, stack = {}, set(), [root.grad_fn] if root.grad_fn is not None else []
    if root.grad_fn is None and root.requires_grad:
        found[id(root)] = root
    while stack:
        node = stack.pop()
        for t in node.inputs:
            if t is None:
                continue
            if t.grad_fn is None:
                found.setdefault(id(t), t)
            elif t.grad_fn not in seen:
                seen.add(t.grad_fn)
                stack.append(t.grad_fn)
    return list(found.values())
