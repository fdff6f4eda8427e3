"""`checkpoint(fn, *args)`: trade compute for memory by recomputing `fn` in backward.

The forward runs `fn` without recording its graph, so none of the arrays its ops would
save for backward are kept: only the inputs and the output stay alive. The whole call
is one registered op, `checkpoint`, whose VJP re-runs `fn` under grad mode on the saved
inputs (with the default random generator rewound to where the forward found it, so
that dropout draws the same mask) and back-propagates through that fresh graph.
"""
import numpy as np

from autograd.engine import grad
from autograd.function import Function, register
from autograd.mode import enable_grad, get_rng_state, is_grad_enabled, no_grad, set_rng_state
from autograd.tensor import Tensor, apply

__all__ = ["checkpoint"]


@register("checkpoint")
class Checkpoint(Function):
    """fn(*args) kept as its output only; the VJP recomputes fn and back-propagates."""

    def forward(self, *values, fn=None, n_args=0, rng_state=None, out=None, tensor_args=(),
                params=()):
        self.save(*values)
        self.fn, self.n_args, self.rng_state, self.tensor_args = fn, n_args, rng_state, tensor_args
        self.params = params  # the Tensors fn reads besides its arguments (inputs n_args..)
        return out

    def _recompute(self, args):
        """fn(*args) under grad mode, with the default generator where the forward found it."""
        outer = get_rng_state() if self.rng_state is not None else None
        try:
            if outer is not None:
                set_rng_state(self.rng_state)
            with enable_grad():
                return self.fn(*args)
        finally:
            if outer is not None:
                set_rng_state(outer)

    def vjp(self, g):
        values = self.saved  # arrays; under create_graph the input Tensors themselves
        wanted = [i for i in range(len(values)) if self.needs_grad(i)]
        if not wanted:
            return (None,) * len(values)
        if hasattr(g, "grad_fn"):
            return self._recorded_vjp(values, g, wanted)
        leaves = {i: Tensor(values[i], requires_grad=True) for i in wanted if i < self.n_args}
        args = [leaves[i] if i in leaves else Tensor(v) if self.tensor_args[i] else v
                for i, v in enumerate(values[: self.n_args])]
        targets = [leaves[i] if i < self.n_args else self.params[i - self.n_args] for i in wanted]
        found = grad(self._recompute(args), targets, g, allow_unused=True)
        grads = [None] * len(values)
        for i, gi in zip(wanted, found):
            grads[i] = None if gi is None else gi.data
        return tuple(grads)

    def _recorded_vjp(self, values, g, wanted):
        """create_graph: the VJP as a checkpointed function of (the inputs, g).

        Differentiating it again recomputes it (and fn) once more; its graph hangs off the
        inputs and g without a backward walk that runs past them into the caller's graph.
        """
        import ops

        n_args = self.n_args
        slots = [i for i in wanted if i < n_args]
        params = [self.params[i - n_args] for i in wanted if i >= n_args]
        refs = [values[i] if i < n_args else self.params[i - n_args] for i in wanted]

        def vjp_flat(*tensors):
            *xs, gg = tensors
            args = list(values[:n_args])
            for i, x in zip(slots, xs):
                args[i] = x
            found = grad(self._recompute(args), list(xs) + params, gg, create_graph=True,
                         allow_unused=True)
            return ops.concatenate([(Tensor(np.zeros(r.shape, r.dtype)) if f is None else f).reshape(-1)
                                    for f, r in zip(found, refs)], axis=0)

        flat = checkpoint(vjp_flat, *[values[i] for i in slots], g, preserve_rng_state=False)
        grads = [None] * len(values)
        start = 0
        for i, r in zip(wanted, refs):
            grads[i] = flat[start:start + r.size].reshape(r.shape)
            start += r.size
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
    return apply(Checkpoint, *args, *extra, fn=fn, n_args=len(args), rng_state=rng_state, out=out,
                 tensor_args=tuple(isinstance(a, Tensor) for a in args), params=tuple(extra))


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
        for t in node.inputs:  # None, a leaf Tensor or the node that made an input
            if isinstance(t, Tensor):
                found.setdefault(id(t), t)
            elif t is not None and t not in seen:
                seen.add(t)
                stack.append(t)
    return list(found.values())
