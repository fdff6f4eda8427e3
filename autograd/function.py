"""The leaf of the engine: the `Function` base class, the op registry and `sum_to`.

Every differentiable op is a `Function` subclass registered under its public name. A
rule has exactly two methods: `forward` on NumPy arrays, and `vjp`, which maps the
gradient `g` of the output (in the output's shape) to one gradient per input, also in
the output's broadcast shape: the engine, not the rule, sums each one down to its
input's shape with `sum_to`. This module imports NumPy only.
"""
import numpy as np

registry = {}


def register(name):
    """Class decorator: record a `Function` subclass under `name` in the registry."""

    def decorate(cls):
        if name in registry:
            raise ValueError(f"op {name!r} is registered twice")
        cls.name = name
        registry[name] = cls
        return cls

    return decorate


class Function:
    """One node of the graph: a forward rule, its VJP, and what backward needs.

    Attributes set by the engine: `inputs` (per input that needs a gradient, the leaf
    Tensor, or the node that made it for the result of another op; else None), the
    output's `out_shape`, `out_dtype` and `out_id` (its array's id, to recognise it
    among a consumer's saved arrays), `out` (the output array only if the rule saved
    it), `saved` (what `save` stored; None once released), `hooks` (of the output
    tensor, `retain_grad` included) and `site` (creation site, in anomaly mode only).
    Nodes hold neither their inputs' nor their output's Tensors or arrays: an
    intermediate result that no rule saved is freed as soon as its Tensor is dropped.

    `twice_differentiable = False` marks a rule whose VJP saves derived arrays that
    are not constants: `create_graph=True` through it raises instead of giving a
    silently wrong second derivative.

    Complex numbers follow PyTorch's conjugate-Wirtinger convention. A `holomorphic`
    rule (the default) writes its VJP as for real numbers, `g * f'(z)`, and the engine
    computes `conj(vjp(conj(g)))` = `g * conj(f'(z))` when `g` is complex. A rule that
    is not holomorphic (abs, real, imag, conj, angle) sets `holomorphic = False` and
    writes the convention out itself.
    """

    __slots__ = ("inputs", "saved", "out", "out_shape", "out_dtype", "out_id", "__dict__")
    name = "function"
    twice_differentiable = True
    holomorphic = True
    hooks = None  # rare attributes live in the instance dict, defaulting here
    site = None
    epoch = 0  # the in-place clock when the node was recorded (see tensor.mark_modified)

    def save(self, *values):
        """Keep arrays (or anything) for the VJP; read back as `self.saved`."""
        self.saved = values

    def needs_grad(self, i):
        """Whether input `i` wants a gradient (skip work for those that do not)."""
        return self.inputs[i] is not None

    def forward(self, *arrays, **params):
        raise NotImplementedError(f"{type(self).__name__} has no forward rule")

    def vjp(self, g):
        raise NotImplementedError(f"{type(self).__name__} has no VJP rule")

    def __repr__(self):
        return f"<{self.name}>"


def call(name, *args, **params):
    """Run the rule `name` inside another rule's VJP, on arrays or Tensors alike.

    On plain arrays this is just the forward rule (no graph, no overhead beyond one
    object); when any argument is a Tensor (under `create_graph=True`) it runs as a
    recorded op, so the VJP that called it can be differentiated again.
    """
    if any(hasattr(a, "grad_fn") for a in args):
        from autograd.tensor import apply

        return apply(registry[name], *args, **params)
    node = registry[name]()
    node.saved = ()
    return node.forward(*args, **params)


def sum_to(g, shape):
    """Sum a broadcast gradient `g` down to `shape` (arrays and Tensors alike)."""
    if g.shape == shape:
        return g
    lead = len(g.shape) - len(shape)
    if lead < 0:
        raise ValueError(f"cannot sum gradient of shape {g.shape} to {shape}")
    axes = tuple(range(lead)) + tuple(
        i + lead for i, n in enumerate(shape) if n == 1 and g.shape[i + lead] != 1
    )
    if axes:
        g = g.sum(axis=axes, keepdims=True)
    if lead:
        g = g.reshape(shape)
    return g


def broadcast_shapes(name, *shapes):
    """NumPy's broadcast of `shapes`, or a ValueError naming the op and the shapes."""
    try:
        return np.broadcast_shapes(*shapes)
    except ValueError:
        raise ValueError(
            f"{name}: shapes {' and '.join(map(str, shapes))} cannot be broadcast together"
        ) from None


class ScatterGrad:
    """A gradient of shape `shape` that is zero except for `values` added at `index`.

    getitem's VJP returns one instead of a full array of zeros per slice, and the engine
    sums them lazily: the gradients of many slices of one tensor (an RNN unrolled over
    x[t]) become one buffer per tensor per backward, written when the tensor's own
    gradient is needed (`dense`), not one full-size array per slice. A dense gradient
    added to it is kept as its `base`.
    """

    __slots__ = ("shape", "dtype", "parts", "base")
    __array_ufunc__ = None  # `array + scatter` comes to __radd__, not NumPy

    def __init__(self, shape, parts, base=None, dtype=None):
        self.shape = tuple(shape)
        self.parts = parts  # [(index, values)], never mutated: sums build new lists
        self.base = base
        self.dtype = dtype if dtype is not None else np.result_type(*(v for _, v in parts))

    @classmethod
    def at(cls, shape, index, values):
        return cls(shape, [(index, values)])

    def __add__(self, other):
        if type(other) is ScatterGrad:
            base = other.base if self.base is None else (
                self.base if other.base is None else self.base + other.base)
            return ScatterGrad(self.shape, self.parts + other.parts, base,
                               np.result_type(self.dtype, other.dtype))
        base = other if self.base is None else self.base + other
        return ScatterGrad(self.shape, self.parts, base, np.result_type(self.dtype, other.dtype))

    __radd__ = __add__

    def astype(self, dtype):
        return self.dense().astype(dtype, copy=False)

    def conj(self):
        return ScatterGrad(self.shape, [(i, np.conj(v)) for i, v in self.parts],
                           None if self.base is None else np.conj(self.base), self.dtype)

    def dense(self):
        """The gradient as a new array: the base (or zeros) with every part added."""
        if self.base is None:
            out = np.zeros(self.shape, dtype=self.dtype)
        else:
            out = np.array(np.broadcast_to(self.base, self.shape), dtype=self.dtype)
        for index, values in self.parts:
            parts = index if isinstance(index, tuple) else (index,)
            if all(isinstance(p, (int, np.integer, slice, type(None), type(Ellipsis))) for p in parts):
                out[index] += values  # basic indexing never repeats an element
            else:
                np.add.at(out, index, values)
        return out

    def __array__(self, dtype=None, copy=None):
        out = self.dense()
        return out if dtype is None else out.astype(dtype)
