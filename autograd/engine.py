"""The backward walk: reverse topological order, iterative, one gradient dict.

Dependencies are counted first (how many consumers each node has inside the graph),
then nodes run Kahn-style as soon as every consumer has contributed. Each gradient is
popped as it is used and each node's saved arrays are released after it runs unless
`retain_graph`. With `create_graph` the VJPs receive Tensors (their saved arrays
re-wrapped as graph-connected Tensors), so the gradients are differentiable again.
"""
import threading
import weakref

import numpy as np

from autograd.function import Function, ScatterGrad, sum_to
from autograd.mode import enable_grad, no_grad, state
from autograd.tensor import Tensor, _clock, _from_op, modified_since

MODIFIED = (
    "one of the variables needed for gradient computation has been modified by an "
    "inplace operation: {op} saved {what} for its backward, and it was changed in place "
    "since (an optimizer step, load_state_dict, nn.init or an in-place method). Run the "
    "forward pass again after the change, or change a copy."
)
RELEASED = (
    "Trying to backward through the graph a second time (or to use saved values after "
    "they were freed): {op} released its saved arrays after the first backward. Pass "
    "retain_graph=True to the first backward (or grad) call if you need to go through "
    "the graph again."
)


def backward(roots, grads, retain_graph=False, create_graph=False):
    """Accumulate gradients of `roots` into `.grad` of the leaves that require grad.

    `create_graph` implies `retain_graph` (PyTorch's default): the new gradients' graph
    runs back through this one, so its saved arrays must stay.
    """
    leaf_grads = _run(roots, grads, retain_graph or create_graph, create_graph, capture=None)
    # No two leaves' .grad share memory, and the caller's grad= arrays never become one.
    handed = {id(_memory(g.data if isinstance(g, Tensor) else g))
              for g in grads if isinstance(g, (np.ndarray, Tensor))}
    with _accumulate_lock:  # concurrent backward passes into one leaf lose nothing
        for t, g in leaf_grads.values():
            if type(g) is ScatterGrad:
                g = g.dense()
            if t._hooks:
                g = _run_hooks(t._hooks, g, create_graph, t)
            if t._grad is None:
                g = _owned(g, create_graph, handed)
                t._grad = g
            elif create_graph:
                t._grad = t._grad + g
            else:
                t._grad = _wrap(t._grad.data + (g.data if isinstance(g, Tensor) else g))


_accumulate_lock = threading.Lock()


def _memory(array):
    """The array that owns `array`'s memory (itself, or the base it views)."""
    return array if array.base is None else array.base


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False,
         allow_unused=False):
    """Gradients of `outputs` with respect to `inputs`, as `torch.autograd.grad`.

    Returns a tuple of Tensors, one per input (None for an unused input only when
    `allow_unused`). `.grad` attributes are left untouched.

    Examples
    --------
    >>> (gx,) = grad((x ** 3).sum(), x, create_graph=True)   # 3 x**2, differentiable
    """
    outputs = _as_tuple(outputs)
    inputs = _as_tuple(inputs)
    if grad_outputs is None:
        grad_outputs = (None,) * len(outputs)
    grad_outputs = _as_tuple(grad_outputs)
    if retain_graph is None:
        retain_graph = create_graph
    for t in inputs:
        if not isinstance(t, Tensor) or not t.requires_grad:
            raise RuntimeError("grad: every input must be a Tensor that requires grad")
    capture = {_key(t): t for t in inputs}
    found = _run(outputs, grad_outputs, retain_graph, create_graph, capture=capture)
    result = []
    for t in inputs:
        entry = found.get(_key(t))
        if entry is None:
            if not allow_unused:
                raise RuntimeError(
                    "grad: one of the inputs was not used to compute the outputs; pass "
                    "allow_unused=True to get None for it"
                )
            result.append(None)
        else:
            result.append(_owned(entry[1], create_graph))
    return tuple(result)


def _key(t):
    """The id under which the graph knows Tensor t: its own for a leaf, else its node's
    (nodes hold the results of other ops as the nodes that made them)."""
    return id(t) if t.grad_fn is None else id(t.grad_fn)


def _as_tuple(x):
    return tuple(x) if isinstance(x, (tuple, list)) else (x,)


def _wrap(array):
    return _from_op(array, None)


def _owned(g, create_graph, handed=None):
    """A gradient as a Tensor; in plain mode one that owns writable memory, shared with
    nothing in `handed` (ids of memory already given out), which it joins."""
    if type(g) is ScatterGrad:
        g = g.dense()  # a new array: owned
    if create_graph:
        return g if isinstance(g, Tensor) else _wrap(g)
    data = g.data if isinstance(g, Tensor) else g
    if not data.flags.writeable or (handed is not None and id(_memory(data)) in handed):
        data = data.copy()
    if handed is not None:
        handed.add(id(_memory(data)))
    return _wrap(data)


def _run_hooks(hooks, g, create_graph, tensor):
    """Run `tensor`'s hooks on its gradient; a replacement must keep shape and dtype kind.
    (`tensor`, for messages, is None for a non-leaf: its node does not keep it.)"""
    t = g if isinstance(g, Tensor) else _wrap(g)
    for hook in hooks:
        replaced = hook(t)
        if replaced is not None:
            new = replaced if isinstance(replaced, Tensor) else _wrap(np.asarray(replaced))
            if new.shape != t.shape or new.dtype.kind != t.dtype.kind:
                raise RuntimeError(
                    f"hook {getattr(hook, '__name__', hook)!r} on {_describe(t if tensor is None else tensor)} returned a "
                    f"gradient of shape {new.shape} and dtype {new.dtype}; expected shape "
                    f"{t.shape} and a {t.dtype} gradient"
                )
            t = new
    return t if create_graph else t.data


def _describe(tensor):
    """'tensor 'w2' of shape (3, 2)' for messages (the name when one is known)."""
    if isinstance(tensor, Function):  # a node standing for its output
        return f"the result of {tensor.name} of shape {tensor.out_shape}"
    name = getattr(tensor, "name", None)
    return f"tensor {name!r} of shape {tensor.shape}" if name else f"a tensor of shape {tensor.shape}"


def _seed(root, g, create_graph):
    """The starting gradient for `root`: ones for one element, else `g` checked."""
    if not isinstance(root, Tensor):
        raise TypeError(f"backward: expected a Tensor, got {type(root).__name__}")
    if not root.requires_grad:
        raise RuntimeError(
            "element 0 of tensors does not require grad and does not have a grad_fn"
        )
    if g is None:
        if root.size != 1:
            raise RuntimeError(
                f"grad can be implicitly created only for one-element outputs, not shape "
                f"{root.shape}: pass grad= to backward"
            )
        if root.dtype.kind == "c":
            raise RuntimeError("grad can be implicitly created only for real scalar outputs, "
                               f"not {root.dtype}: pass grad= to backward")
        g = np.ones(root.shape, dtype=root.dtype)
    elif isinstance(g, Tensor):
        g = g if create_graph else g.data
    else:  # the caller's array is used as is: backward() copies it before it becomes a .grad
        g = np.asarray(g, dtype=root.dtype)
    if g.shape != root.shape:
        raise ValueError(f"backward: grad of shape {g.shape} for a tensor of shape {root.shape}")
    if create_graph and not isinstance(g, Tensor):
        g = _wrap(g)
    return g


def _run(roots, root_grads, retain_graph, create_graph, capture):
    """Walk the graph; return {id(leaf or captured tensor): (tensor, gradient)}."""
    if len(root_grads) != len(roots):
        raise ValueError("backward: need one grad per output")
    grads = {}
    found = {}
    starts = []
    for root, g in zip(roots, root_grads):
        g = _seed(root, g, create_graph)
        node = root.grad_fn
        if capture is not None and _key(root) in capture:
            _accumulate(found, root, g)
        if node is None:
            if capture is None:
                _accumulate(found, root, g)
        else:
            grads[node] = grads[node] + g if node in grads else g
            starts.append(node)
    needed = None
    if capture is not None:  # grad(): run only the nodes that lead to a requested input
        needed = _leading_to(starts, capture)
        starts = [n for n in starts if n in needed]
    deps = _count_consumers(starts, needed)
    ready = [n for n in dict.fromkeys(starts) if deps.get(n, 0) == 0]
    anomaly = state.anomaly  # the checks while detect_anomaly() is on, else None
    clock = _clock[0]
    pop_grad, get_grad, push = grads.pop, grads.get, ready.append
    with enable_grad() if create_graph else no_grad():
        while ready:
            node = ready.pop()
            g = pop_grad(node)
            if type(g) is ScatterGrad:
                g = g.dense()
            if node.hooks is not None:
                g = _run_hooks(node.hooks, g, create_graph, None)
            saved = node.saved
            if saved is None:
                raise RuntimeError(RELEASED.format(op=node.name))
            if node.epoch != clock:
                _check_unmodified(node)
            if g.dtype in _COMPLEX and node.holomorphic:
                input_grads = _conjugated(node, g, create_graph)
            elif create_graph:
                input_grads = _vjp_with_graph(node, g)
            else:
                input_grads = node.vjp(g)
                if type(input_grads) is not tuple:
                    input_grads = (input_grads,)
            if anomaly is not None:
                anomaly.backward(node, [np.asarray(gi) if type(gi) is ScatterGrad else gi
                                              for gi in input_grads])
            if saved and not retain_graph:
                node.saved = None
                node.out = None
            for t, gi in zip(node.inputs, input_grads):
                if t is None or gi is None:
                    continue
                if isinstance(t, Function):  # the result of another op: its node
                    parent, shape, dtype = t, t.out_shape, t.out_dtype
                else:  # a leaf
                    parent, data = None, t.data
                    shape, dtype = data.shape, data.dtype
                if gi.shape != shape:
                    gi = _sum_to_input(node, gi, shape)
                if gi.dtype is not dtype and gi.dtype != dtype:
                    if gi.dtype.kind == "c" and dtype.kind != "c":
                        gi = np.real(gi)  # a real input's share of a complex gradient
                    gi = gi.astype(dtype)
                if capture is not None and id(t) in capture:
                    _accumulate(found, t, gi)
                if parent is None:
                    if capture is None:
                        _accumulate(found, t, gi)
                    continue
                if needed is not None and parent not in needed:
                    continue
                previous = get_grad(parent)
                grads[parent] = gi if previous is None else previous + gi
                left = deps[parent] - 1
                deps[parent] = left
                if left == 0:
                    push(parent)
    return found


_COMPLEX = frozenset(map(np.dtype, (np.complex64, np.complex128, np.clongdouble)))


def _conjugated(node, g, create_graph):
    """conj(vjp(conj(g))): PyTorch's convention for a holomorphic rule and a complex g."""
    if create_graph:
        grads = _vjp_with_graph(node, np.conj(g))
    else:
        grads = node.vjp(np.conj(g))
        grads = grads if type(grads) is tuple else (grads,)
    return tuple(None if gi is None else gi.conj() if type(gi) is ScatterGrad else np.conj(gi)
                 for gi in grads)


def _check_unmodified(node):
    """Raise if an array the node saved was changed in place after the node was recorded."""
    for s in node.saved:
        if isinstance(s, np.ndarray) and modified_since(s, node.epoch):
            what = next((_describe(t) for t in node.inputs if t is not None and _holds(t, s)),
                        f"an array of shape {s.shape}")
            raise RuntimeError(MODIFIED.format(op=node.name, what=what))


def _holds(entry, array):
    """Whether an entry of `node.inputs` (a leaf Tensor, or the node that made an input)
    is `array` or shares its memory."""
    if isinstance(entry, Function):
        return entry.out_id in (id(array), id(_memory(array)))
    return _memory(entry.data) is _memory(array)


def retain(tensor):
    """A hook that keeps `tensor`'s gradient in `.grad` (held weakly: no cycle)."""
    ref = weakref.ref(tensor)

    def keep(g):
        owner = ref()
        if owner is not None:
            owned = g if g.requires_grad else _wrap(g.data.copy())  # never aliased
            owner._grad = owned if owner._grad is None else owner._grad + owned

    return keep


def _accumulate(found, t, g):
    key = id(t)
    if key in found:
        found[key] = (t, found[key][1] + g)
    else:
        found[key] = (t, g)


def _count_consumers(starts, needed=None):
    """For every node reachable from `starts` (and in `needed`, if given), how many
    edges point at it."""
    deps = {}
    stack = list(dict.fromkeys(starts))
    start_set = set(stack)
    push = stack.append
    while stack:
        for t in stack.pop().inputs:
            if not isinstance(t, Function):  # None or a leaf
                continue
            parent = t
            if needed is not None and parent not in needed:
                continue
            if parent in deps:
                deps[parent] += 1
            else:
                deps[parent] = 1
                if parent not in start_set:
                    push(parent)
    return deps


def _leading_to(starts, capture):
    """The nodes reachable from `starts` from which a captured tensor can be reached:
    grad() runs only these, so it neither fires hooks nor does work beyond its inputs."""
    leads = {}
    stack = [(node, False) for node in dict.fromkeys(starts)]
    while stack:
        node, expanded = stack.pop()
        if expanded:
            leads[node] = any(t is not None and (id(t) in capture or isinstance(t, Function)
                                                 and leads.get(t, False)) for t in node.inputs)
        elif node not in leads:
            leads[node] = False  # until expanded (a DAG: never read before that)
            stack.append((node, True))
            stack.extend((t, False) for t in node.inputs
                         if isinstance(t, Function) and t not in leads)
    return {node for node, flag in leads.items() if flag}


def _vjp_with_graph(node, g):
    """Call the VJP on Tensors (saved arrays re-wrapped) so that it records a graph."""
    if not node.twice_differentiable:
        raise RuntimeError(
            f"{node.name} cannot be differentiated twice yet: create_graph=True "
            "through it would give a wrong higher-order gradient"
        )
    saved = node.saved
    node.saved = tuple(_saved_tensor(node, s) for s in saved)
    try:
        result = node.vjp(g)
    finally:
        node.saved = saved
    return result if isinstance(result, tuple) else (result,)


def _saved_tensor(node, s):
    """Re-wrap a saved array as the Tensor it came from, so the graph stays connected."""
    if s is node.out and s is not None:  # the rule saved its output (maybe a NumPy scalar)
        return _from_op(s, node)
    if not isinstance(s, np.ndarray):
        return s
    for t in node.inputs:
        if isinstance(t, Function):
            if t.out_id == id(s):  # another op's result (its Tensor may be gone): re-made
                return _from_op(s, t)
        elif t is not None and t.data is s:
            return t
    return _wrap(s)  # a constant for differentiation: a mask, an index, a non-grad input


def _sum_to_input(node, g, shape):
    try:
        g = sum_to(g, shape)
    except ValueError:
        g = None
    if g is None or g.shape != shape:
        raise AssertionError(
            f"{node.name}: VJP returned a gradient that cannot be summed to its input's "
            f"shape {shape}"
        )
    return g
