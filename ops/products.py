"""Products: einsum, tensordot (registered rules), dot vdot inner outer kron cross.

`einsum` is the general rule: its VJP for each operand is one more einsum (of `g` with
the other operands), so it is differentiable to any order and honours `optimize=` both
ways. Repeated labels inside one operand (diagonals, 'ii->i') get their gradient through
identity matrices placed in that einsum, labels summed inside one operand only through a
ones vector. `dot`, `inner`, `outer`, `vdot`, `kron` and `cross` are compositions of
registered rules (matmul, tensordot, mul, reshape, getitem, stack), so they need no VJP
of their own.
"""
import string

import numpy as np

from autograd.function import Function, call, register
from autograd.tensor import Tensor, apply
from ops._blas import gemm_threads

__all__ = ["einsum", "tensordot", "dot", "vdot", "inner", "outer", "kron", "cross"]


# ---------------------------------------------------------------- einsum parsing
def _sublist_to_letters(sublist, op):
    letters = []
    for item in sublist:
        if item is Ellipsis:
            letters.append("...")
        elif isinstance(item, (int, np.integer)) and 0 <= item < 52:
            letters.append(string.ascii_letters[item])
        else:
            raise ValueError(f"{op}: subscript labels in a sublist must be ints in [0, 52) or ..., got {item!r}")
    return "".join(letters)


def _split_args(args):
    """einsum's two call forms -> (subscripts string, operands)."""
    if not args:
        raise TypeError("einsum: missing the subscripts")
    if isinstance(args[0], str):
        return args[0], list(args[1:])
    # interleaved form: op0, sublist0, op1, sublist1, ..., [sublist_out]
    operands, terms = [], []
    rest = list(args)
    while len(rest) >= 2:
        operands.append(rest.pop(0))
        terms.append(_sublist_to_letters(rest.pop(0), "einsum"))
    subscripts = ",".join(terms)
    if rest:
        subscripts += "->" + _sublist_to_letters(rest[0], "einsum")
    return subscripts, operands


def _explicit(subscripts, shapes):
    """Subscripts with every ellipsis spelled out in letters and the output made explicit.

    Returns (input terms, output term); each term is a string of single letters.
    """
    spec = subscripts.replace(" ", "")
    if "->" in spec:
        inputs, output = spec.split("->")
    else:
        inputs, output = spec, None
    terms = inputs.split(",")
    if len(terms) != len(shapes):
        raise ValueError(
            f"einsum: subscripts {subscripts!r} name {len(terms)} operand(s), got {len(shapes)}"
        )
    used = set(spec) - set(".,->")
    for ch in used:
        if ch not in string.ascii_letters:
            raise ValueError(f"einsum: invalid subscript {ch!r} in {subscripts!r}")
    free = [c for c in string.ascii_letters if c not in used]
    ell_ndim = 0
    for term, shape in zip(terms, shapes):
        named = len(term.replace("...", ""))
        if "..." in term:
            if len(shape) < named:
                raise ValueError(f"einsum: operand of shape {shape} has fewer dimensions than {term!r}")
            ell_ndim = max(ell_ndim, len(shape) - named)
        elif named != len(shape):
            raise ValueError(
                f"einsum: subscripts {term!r} name {named} dimension(s) of an operand of shape {shape}"
            )
    if ell_ndim > len(free):
        raise ValueError("einsum: too many dimensions under the ellipsis")
    ell = "".join(free[:ell_ndim])
    out_terms = []
    for term, shape in zip(terms, shapes):
        if "..." in term:
            k = len(shape) - len(term.replace("...", ""))
            term = term.replace("...", ell[ell_ndim - k:] if k else "")
        out_terms.append(term)
    if output is None:
        counts = {}
        for term in out_terms:
            for ch in term:
                counts[ch] = counts.get(ch, 0) + 1
        output = ell + "".join(sorted(ch for ch, n in counts.items() if n == 1 and ch not in ell))
    else:
        if "..." in output:
            output = output.replace("...", ell)
        elif ell:
            raise ValueError(
                f"einsum: the inputs of {subscripts!r} have dimensions under '...' that the "
                "output does not name (NumPy requires '...' in the output)"
            )
        seen = set()
        for ch in output:
            if ch in seen:
                raise ValueError(f"einsum: output subscript {ch!r} repeated in {subscripts!r}")
            if not any(ch in t for t in out_terms):
                raise ValueError(f"einsum: output subscript {ch!r} does not appear in the inputs")
            seen.add(ch)
    return out_terms, output


@register("einsum")
class Einsum(Function):
    """np.einsum on explicit subscripts (letters only, output given)."""

    def forward(self, *operands, subscripts, optimize=False):
        self.save(*operands)
        self.spec, self.optimize = subscripts, optimize
        gemm_threads(_naive_flops(subscripts, operands))  # BLAS threads for this size and load
        try:
            return np.asarray(np.einsum(subscripts, *operands, optimize=optimize))
        except ValueError as e:
            shapes = ", ".join(str(np.shape(a)) for a in operands)
            raise ValueError(f"einsum: {e} (subscripts {subscripts!r}, shapes {shapes})") from None

    def vjp(self, g):
        operands = self.saved
        optimize = self.optimize
        inputs, output = self.spec.split("->")
        terms = inputs.split(",")
        grads = []
        for i, term in enumerate(terms):
            if not self.needs_grad(i):
                grads.append(None)
                continue
            grads.append(self._operand_grad(g, operands, terms, output, i, optimize))
        return tuple(grads)

    @staticmethod
    def _operand_grad(g, operands, terms, output, i, optimize):
        term = terms[i]
        shape = operands[i].shape
        used = set("".join(terms) + output)
        fresh = iter(c for c in string.ascii_letters if c not in used)
        dtype = np.result_type(*[getattr(a, "dtype", np.float64) for a in operands])
        # a repeated label: the gradient lives on the diagonal, placed by identity matrices
        target, extra_terms, extra_ops, seen = [], [], [], {}
        for ch, n in zip(term, shape):
            if ch in seen:
                new = next(fresh)
                target.append(new)
                extra_terms.append(ch + new)
                extra_ops.append(np.eye(n, dtype=dtype))
            else:
                seen[ch] = n
                target.append(ch)
        others = [t for j, t in enumerate(terms) if j != i]
        available = set(output + "".join(others))
        for ch, n in seen.items():
            if ch not in available:  # summed inside operand i only: broadcast back with ones
                extra_terms.append(ch)
                extra_ops.append(np.ones(n, dtype=dtype))
        spec = ",".join([output] + others + extra_terms) + "->" + "".join(target)
        args = [g] + [a for j, a in enumerate(operands) if j != i] + extra_ops
        if not isinstance(optimize, (bool, str)):  # an explicit path fits the forward operands only
            optimize = True
        return call("einsum", *args, subscripts=spec, optimize=optimize)


def _naive_flops(spec, operands):
    """Multiply-adds of the unoptimised contraction: the product of every label's size."""
    sizes = {}
    for term, a in zip(spec.split("->")[0].split(","), operands):
        sizes.update(zip(term, np.shape(a)))
    return int(np.prod(list(sizes.values()), dtype=np.float64))


def einsum(*operands, out=None, dtype=None, order="K", casting="safe", optimize=False):
    """np.einsum on Tensors: any subscripts (ellipsis, implicit output, sublist form).

    `optimize` is passed to np.einsum in forward and in every VJP einsum.

    Examples
    --------
    >>> ops.einsum("bij,bjk->bik", a, b)          # batched matmul
    >>> ops.einsum("...i,...i", x, y)             # batched dot, implicit output
    """
    if out is not None:
        raise TypeError("einsum: out= is not supported on Tensors (results are new Tensors)")
    if dtype is not None:
        raise TypeError("einsum: dtype= is not supported; cast the operands with .astype first")
    if order not in ("K", "A", "C", "F") or casting != "safe":
        raise TypeError("einsum: order= and casting= are not supported on Tensors")
    subscripts, tensors = _split_args(operands)
    tensors = [_tensor(t) for t in tensors]
    terms, output = _explicit(subscripts, [t.shape for t in tensors])
    spec = ",".join(terms) + "->" + output
    return apply(Einsum, *tensors, subscripts=spec, optimize=optimize)


# ---------------------------------------------------------------------- tensordot
def _tensordot_axes(axes, a_ndim, b_ndim):
    """NumPy's `axes` argument as two lists of non-negative axes."""
    if isinstance(axes, (int, np.integer)):
        n = int(axes)
        if n < 0 or n > min(a_ndim, b_ndim):
            raise ValueError(f"tensordot: axes={n} for operands with {a_ndim} and {b_ndim} dimensions")
        return list(range(a_ndim - n, a_ndim)), list(range(n))
    try:
        axes_a, axes_b = axes
    except (TypeError, ValueError):
        raise ValueError(f"tensordot: axes must be an int or a pair of sequences, got {axes!r}") from None
    axes_a = [axes_a] if isinstance(axes_a, (int, np.integer)) else list(axes_a)
    axes_b = [axes_b] if isinstance(axes_b, (int, np.integer)) else list(axes_b)
    if len(axes_a) != len(axes_b):
        raise ValueError(f"tensordot: axes {axes_a} and {axes_b} differ in length")
    for ax, nd in [(x, a_ndim) for x in axes_a] + [(x, b_ndim) for x in axes_b]:
        if not -nd <= ax < nd:
            raise ValueError(f"tensordot: axis {ax} out of range for {nd} dimensions")
    return [int(x) % a_ndim for x in axes_a], [int(x) % b_ndim for x in axes_b]


@register("tensordot")
class TensorDot(Function):
    """np.tensordot(a, b, axes) with axes as two explicit lists."""

    def forward(self, a, b, axes_a, axes_b):
        for x, y in zip(axes_a, axes_b):
            if a.shape[x] != b.shape[y]:
                raise ValueError(
                    f"tensordot: shapes {a.shape} and {b.shape} do not match on axes {axes_a} and {axes_b}"
                )
        self.save(a, b)
        self.axes = (list(axes_a), list(axes_b))
        gemm_threads(a.size * b.size // max(int(np.prod([a.shape[k] for k in axes_a])), 1))
        return np.tensordot(a, b, axes=(axes_a, axes_b))

    def vjp(self, g):
        a, b = self.saved
        axes_a, axes_b = self.axes
        free_a = [k for k in range(a.ndim) if k not in axes_a]
        free_b = [k for k in range(b.ndim) if k not in axes_b]
        ga = gb = None
        if self.needs_grad(0):
            # g (free_a, free_b) . b over free_b -> (free_a, b's contracted in increasing order)
            r = call("tensordot", g, b, axes_a=list(range(len(free_a), g.ndim)), axes_b=free_b)
            order = free_a + [axes_a[axes_b.index(k)] for k in sorted(axes_b)]
            ga = r.transpose(tuple(np.argsort(order)))
        if self.needs_grad(1):
            # a . g over free_a -> (a's contracted in increasing order, free_b)
            r = call("tensordot", a, g, axes_a=free_a, axes_b=list(range(len(free_a))))
            order = [axes_b[axes_a.index(k)] for k in sorted(axes_a)] + free_b
            gb = r.transpose(tuple(np.argsort(order)))
        return ga, gb


def tensordot(a, b, axes=2):
    """np.tensordot on Tensors: sum over `axes` of a and b (an int or two sequences)."""
    a, b = _tensor(a), _tensor(b)
    axes_a, axes_b = _tensordot_axes(axes, a.ndim, b.ndim)
    return apply(TensorDot, a, b, axes_a=axes_a, axes_b=axes_b)


# -------------------------------------------------------------- compositions
def _tensor(x):
    return x if isinstance(x, Tensor) else Tensor(np.asarray(x) if not isinstance(x, np.ndarray) else x)


def _no_out(op, out):
    if out is not None:
        raise TypeError(f"{op}: out= is not supported on Tensors (results are new Tensors)")


def dot(a, b, out=None):
    """np.dot: products for 0-d, matmul for 1-D/2-D, else sum over a's last and b's second-last axis."""
    _no_out("dot", out)
    a, b = _tensor(a), _tensor(b)
    if a.ndim == 0 or b.ndim == 0:
        return a * b
    if a.ndim <= 2 and b.ndim <= 2:
        return call("matmul", a, b)
    if a.shape[-1] != b.shape[-2 if b.ndim > 1 else 0]:
        raise ValueError(f"dot: shapes {a.shape} and {b.shape} not aligned")
    return tensordot(a, b, axes=([a.ndim - 1], [b.ndim - 2 if b.ndim > 1 else 0]))


def inner(a, b):
    """np.inner: sum over the last axes of a and b."""
    a, b = _tensor(a), _tensor(b)
    if a.ndim == 0 or b.ndim == 0:
        return a * b
    if a.shape[-1] != b.shape[-1]:
        raise ValueError(f"inner: shapes {a.shape} and {b.shape} differ in their last dimension")
    return tensordot(a, b, axes=([a.ndim - 1], [b.ndim - 1]))


def outer(a, b, out=None):
    """np.outer: the flattened a times the flattened b, shape (a.size, b.size)."""
    _no_out("outer", out)
    a, b = _tensor(a), _tensor(b)
    return a.reshape(-1, 1) * b.reshape(1, -1)


def vdot(a, b):
    """np.vdot: conj(a).ravel() . b.ravel() (a scalar; sizes must agree)."""
    a, b = _tensor(a), _tensor(b)
    if a.size != b.size:
        raise ValueError(f"vdot: operands of shapes {a.shape} and {b.shape} differ in size")
    if a.dtype.kind == "c":
        a = call("conj", a)
    return call("matmul", a.reshape(-1), b.reshape(-1))


def kron(a, b):
    """np.kron: the Kronecker product (block (i, j) is a[i, j] * b)."""
    a, b = _tensor(a), _tensor(b)
    nd = max(a.ndim, b.ndim)
    sa = (1,) * (nd - a.ndim) + a.shape
    sb = (1,) * (nd - b.ndim) + b.shape
    # a -> (a0, 1, a1, 1, ...), b -> (1, b0, 1, b1, ...): the product interleaves them
    a2 = a.reshape(tuple(x for n in sa for x in (n, 1)))
    b2 = b.reshape(tuple(x for n in sb for x in (1, n)))
    return (a2 * b2).reshape(tuple(m * n for m, n in zip(sa, sb)))


def cross(a, b, axisa=-1, axisb=-1, axisc=-1, axis=None):
    """np.cross of 3-vectors (or 2-vectors) along `axisa`/`axisb` (or `axis`), result along `axisc`."""
    a, b = _tensor(a), _tensor(b)
    if axis is not None:
        axisa = axisb = axisc = axis
    a = _move_last(a, axisa, "axisa")
    b = _move_last(b, axisb, "axisb")
    if a.shape[-1] not in (2, 3) or b.shape[-1] not in (2, 3):
        raise ValueError(
            f"cross: vectors must have 2 or 3 components along the cross axis, got shapes "
            f"{a.shape} and {b.shape} with the axis moved last"
        )
    a0, a1 = a[..., 0], a[..., 1]
    b0, b1 = b[..., 0], b[..., 1]
    z = a0 * b1 - a1 * b0
    if a.shape[-1] == 2 and b.shape[-1] == 2:  # NumPy (deprecated there): the z component only
        return z
    if a.shape[-1] == 3 and b.shape[-1] == 3:
        a2, b2 = a[..., 2], b[..., 2]
        c = call("stack", a1 * b2 - a2 * b1, a2 * b0 - a0 * b2, z, axis=-1)
    elif a.shape[-1] == 3:  # b's z is 0
        a2 = a[..., 2]
        c = call("stack", -a2 * b1, a2 * b0, z + 0 * a2, axis=-1)
    else:  # a's z is 0
        b2 = b[..., 2]
        c = call("stack", a1 * b2, -a0 * b2, z + 0 * b2, axis=-1)
    if not -c.ndim <= axisc < c.ndim:
        raise ValueError(f"cross: axisc {axisc} out of range for a result with {c.ndim} dimensions")
    return _move_from_last(c, axisc % c.ndim)


def _move_last(x, axis, name):
    if not -x.ndim <= axis < x.ndim:
        raise ValueError(f"cross: {name} {axis} out of range for shape {x.shape}")
    axis %= x.ndim
    if axis == x.ndim - 1:
        return x
    perm = [k for k in range(x.ndim) if k != axis] + [axis]
    return x.transpose(*perm)


def _move_from_last(x, axis):
    if axis == x.ndim - 1:
        return x
    perm = list(range(x.ndim - 1))
    perm.insert(axis, x.ndim - 1)
    return x.transpose(*perm)
