"""NumPy functions called on Tensors (`np.sin(t)`, `np.linalg.inv(t)`) run as npgrad ops.

The name map is built from the exports, never kept by hand: `np.<fn>` dispatches to
`ops.<fn>` when `ops.__all__` lists a function of that exact name (`np.linalg.<fn>` to
`ops.linalg.<fn>` through `ops.linalg.__all__`, `np.fft.<fn>` to `ops.fft.<fn>`), and a
ufunc such as `np.multiply` finds `ops.multiply` the same way. This is also what lets a
VJP written with NumPy functions run on arrays in plain backward and on Tensors under
`create_graph=True`.

Keywords are never ignored. A keyword left at NumPy's default is dropped; any other is
passed to the ops function when its signature takes it (the op honours it or raises
TypeError naming it); otherwise (`out=`, `where=`, `subok=` ...) NumPy itself computes
the value on the arrays when no gradient is needed, and when one is, the call raises a
TypeError naming the keyword and the function. Ufuncs also honour `dtype=`, `casting=`
and `order=`; `np.add.reduce`, `np.add.accumulate` and `ufunc.outer` become the matching
ops (`sum`, `cumsum`, a broadcast call).

NumPy functions that answer questions rather than compute values (`np.shape`,
`np.isfinite`, `np.allclose`, `np.argsort`, comparisons, ...) work on any Tensor and
return what NumPy returns (boolean ufunc results as Tensors without gradient). Any
other NumPy function sees plain arrays when no gradient is needed, and raises a
TypeError, rather than silently dropping the graph, when one is.
"""
import importlib
import inspect

import numpy as np

from autograd import mode
from autograd.tensor import Tensor, _data, _from_op

# (NumPy namespace, ops module name, prefix in messages)
NAMESPACES = ((np, "ops", "np"), (np.linalg, "ops.linalg", "np.linalg"), (np.fft, "ops.fft", "np.fft"))

# Ufuncs whose result carries no gradient (booleans, integer-valued or bit operations).
QUERY_UFUNCS = frozenset({
    np.greater, np.greater_equal, np.less, np.less_equal, np.equal, np.not_equal,
    np.isnan, np.isfinite, np.isinf, np.signbit, np.logical_and, np.logical_or,
    np.logical_xor, np.logical_not, np.bitwise_and, np.bitwise_or, np.bitwise_xor,
    np.invert, np.left_shift, np.right_shift, np.floor_divide, np.gcd, np.lcm, np.isnat,
    np.spacing,
})

# Functions that answer a question about the values (shape, order, equality, indices):
# they never carry a gradient, work on any Tensor and return NumPy's plain result.
QUERIES = frozenset({
    np.shape, np.ndim, np.size, np.allclose, np.isclose, np.array_equal, np.array_equiv,
    np.argmax, np.argmin, np.nanargmax, np.nanargmin, np.argsort, np.argpartition,
    np.lexsort, np.argwhere, np.nonzero, np.flatnonzero, np.searchsorted, np.count_nonzero,
    np.digitize, np.bincount, np.isin, np.isneginf, np.isposinf, np.iscomplex, np.isreal,
    np.iscomplexobj, np.isrealobj, np.result_type, np.can_cast, np.min_scalar_type,
    np.may_share_memory, np.shares_memory, np.array_repr, np.array_str, np.array2string,
    np.any, np.all, np.zeros_like, np.ones_like, np.empty_like, np.unravel_index,
    np.ravel_multi_index, np.histogram_bin_edges, np.tril_indices_from,
    np.triu_indices_from, np.diag_indices_from,
})

# ufunc methods that are a NumPy function in disguise: (ufunc, method) -> that function
UFUNC_METHODS = {
    (np.add, "reduce"): np.sum, (np.multiply, "reduce"): np.prod,
    (np.maximum, "reduce"): np.max, (np.minimum, "reduce"): np.min,
    (np.logical_and, "reduce"): np.all, (np.logical_or, "reduce"): np.any,
    (np.add, "accumulate"): np.cumsum, (np.multiply, "accumulate"): np.cumprod,
}
# ufunc.reduce and ufunc.accumulate default to axis=0, their NumPy functions to axis=None
METHOD_DEFAULT_AXIS = 0

UFUNC_DEFAULTS = {"out": None, "where": True, "casting": "same_kind", "order": "K",
                  "dtype": None, "subok": True, "signature": None}


class Entry:
    """One dispatch target: the ops function and what it knows of NumPy's signature."""

    __slots__ = ("name", "fn", "takes", "any_keyword", "defaults", "np_positional", "max_positional")

    def __init__(self, name, np_fn, fn):
        self.name = name
        self.fn = fn
        self.takes, self.any_keyword, self.max_positional = _parameters(fn)
        self.defaults, self.np_positional = _numpy_defaults(np_fn)


def _parameters(fn):
    """(keyword names fn takes, whether it takes **kwargs, how many positionals)."""
    try:
        params = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return frozenset(), True, 1 << 30
    takes = frozenset(p.name for p in params if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY))
    any_keyword = any(p.kind == p.VAR_KEYWORD for p in params)
    if any(p.kind == p.VAR_POSITIONAL for p in params):
        positional = 1 << 30
    else:
        positional = sum(p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) for p in params)
    return takes, any_keyword, positional


def _numpy_defaults(np_fn):
    """NumPy's default value of each keyword, and the names of its positional parameters."""
    try:
        params = list(inspect.signature(np_fn).parameters.values())
    except (TypeError, ValueError):
        return {}, ()
    if isinstance(np_fn, np.ufunc):
        return dict(UFUNC_DEFAULTS), ()
    defaults = {p.name: p.default for p in params if p.default is not p.empty}
    positional = tuple(p.name for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD))
    return defaults, positional


_MAP = None
_NAMES = []


def name_map():
    """{NumPy function or ufunc: Entry}, built from the ops exports on first use."""
    global _MAP
    if _MAP is None:
        table = {}
        names = []
        for namespace, module_name, prefix in NAMESPACES:
            try:
                module = importlib.import_module(module_name)
            except ModuleNotFoundError as error:
                if error.name != module_name:
                    raise
                continue
            for name in getattr(module, "__all__", ()):
                np_fn = getattr(namespace, name, None)
                if callable(np_fn) and not isinstance(np_fn, type):
                    table[np_fn] = Entry(f"{prefix}.{name}", np_fn, getattr(module, name))
                    names.append(f"{prefix}.{name}")
        _NAMES[:] = names
        _MAP = table
    return _MAP


def supported():
    """Every NumPy function that dispatches to an op on Tensors: sorted names ('np.sin', ...).

    Includes the ufunc methods that become ops (`np.add.reduce` -> `ops.sum`, ...).
    """
    table = name_map()
    names = set(_NAMES)
    names.update(f"np.{ufunc.__name__}.{method}" for (ufunc, method), fn in UFUNC_METHODS.items()
                 if fn in table and ufunc in table)
    names.update(f"np.{ufunc.__name__}.outer" for ufunc in table
                 if isinstance(ufunc, np.ufunc) and ufunc.nin == 2)
    return sorted(names)


def numpy_name(func):
    """'np.linalg.inv' for np.linalg.inv: the name a user wrote."""
    module = getattr(func, "__module__", None) or "numpy"
    if module in ("numpy.linalg", "numpy.fft", "numpy.random"):
        return f"np{module[5:]}.{func.__name__}"
    return f"np.{func.__name__}"


# ------------------------------------------------------------------- functions
def array_function(func, args, kwargs):
    """`Tensor.__array_function__`: the ops function of that name, a query, or a refusal."""
    entry = (_MAP or name_map()).get(func)
    if entry is not None:
        return _call(entry, func, args, kwargs)
    if func in QUERIES:
        return func(*_unwrap(args), **_unwrap_dict(kwargs))
    if func is np.copyto and _wants_grad((*args, *kwargs.values())):
        raise TypeError(
            "np.copyto (used by np.full, np.copyto, np.place) would write a Tensor that "
            "requires grad into a plain array and cut the graph: use ops functions "
            "(e.g. t * ones, ops.broadcast_to) or t.detach()"
        )
    _refuse_if_differentiable(numpy_name(func), (*args, *kwargs.values()))
    return _numpy(func, args, kwargs)


def _call(entry, func, args, kwargs):
    if kwargs:
        kwargs = _without_defaults(entry, kwargs)
    if len(args) > entry.max_positional and entry.np_positional:
        extra = dict(zip(entry.np_positional[entry.max_positional:], args[entry.max_positional:]))
        args = args[:entry.max_positional]
        kwargs = {**_without_defaults(entry, extra), **kwargs}
    if kwargs and not entry.any_keyword:
        unknown = [k for k in kwargs if k not in entry.takes]
        if unknown:
            if _wants_grad((*args, *kwargs.values())):
                raise _keyword_error(entry.name, unknown[0])
            return _wrap(_numpy(func, args, kwargs))
    return entry.fn(*args, **kwargs)


def _without_defaults(entry, kwargs):
    defaults = entry.defaults
    return {k: v for k, v in kwargs.items() if not (k in defaults and _is_default(v, defaults[k]))}


def _is_default(value, default):
    if value is default or value is np._NoValue:
        return True
    if isinstance(default, (bool, int, float, str)) and type(value) in (bool, int, float, str, np.bool_):
        return value == default
    return False


def _keyword_error(name, keyword):
    return TypeError(
        f"{name}: the keyword {keyword}= is not supported on Tensors that require grad "
        f"(npgrad will not ignore it, and cannot differentiate through it); call {name} "
        "without it, or on t.detach() if no gradient is needed"
    )


# -------------------------------------------------------------------- ufuncs
def array_ufunc(ufunc, method, inputs, kwargs):
    """`Tensor.__array_ufunc__`: the ops function of the ufunc's name, or a refusal."""
    if method == "__call__":
        entry = (_MAP or name_map()).get(ufunc)
        if entry is not None:
            if not kwargs:
                return entry.fn(*inputs)
            return _ufunc_with_keywords(entry, ufunc, inputs, kwargs)
        if ufunc in QUERY_UFUNCS:
            result = ufunc(*map(_data, inputs), **_unwrap_dict(kwargs))
            return _wrap(result) if not kwargs.get("out") else _restore_out(result, kwargs)
        _refuse_if_differentiable(f"np.{ufunc.__name__}", inputs)
        return _wrap(_numpy_ufunc(ufunc, method, inputs, kwargs))
    return _ufunc_method(ufunc, method, inputs, kwargs)


def _ufunc_with_keywords(entry, ufunc, inputs, kwargs):
    kwargs = {k: v for k, v in kwargs.items()
              if not (k in UFUNC_DEFAULTS and _is_default(v, UFUNC_DEFAULTS[k]))
              and not (k == "out" and all(o is None for o in v))}
    dtype = kwargs.pop("dtype", None)
    casting = kwargs.pop("casting", "same_kind")
    order = kwargs.pop("order", "K")
    if kwargs:  # out=, where=, subok=, signature=, axes=, ...
        if _wants_grad((*inputs, *kwargs.values())):
            raise _keyword_error(entry.name, next(iter(kwargs)))
        kwargs.update(dtype=dtype, casting=casting, order=order)
        result = _numpy_ufunc(ufunc, "__call__", inputs, kwargs)
        return _restore_out(result, kwargs) if kwargs.get("out") is not None else _wrap(result)
    if dtype is not None:
        dtype = np.dtype(dtype)
        for i, x in enumerate(inputs):
            if hasattr(x, "dtype") and not np.can_cast(x.dtype, dtype, casting):
                raise TypeError(f"{entry.name}: cannot cast input {i} from {x.dtype} to {dtype} "
                                f"with casting={casting!r}")
        inputs = [x.astype(dtype) if isinstance(x, Tensor) and x.dtype != dtype
                  else np.asarray(x, dtype=dtype) if isinstance(x, (np.ndarray, list)) else x
                  for x in inputs]
    result = entry.fn(*inputs)
    if casting != "same_kind" and dtype is None:
        for i, x in enumerate(inputs):
            if hasattr(x, "dtype") and not np.can_cast(x.dtype, result.dtype, casting):
                raise TypeError(f"{entry.name}: cannot cast input {i} from {x.dtype} to "
                                f"{result.dtype} with casting={casting!r}")
    if order != "K" and isinstance(result, Tensor):
        if order == "A":  # F when every array input is Fortran-contiguous, else C
            arrays = [_data(x) for x in inputs if isinstance(_data(x), np.ndarray)]
            order = "F" if arrays and all(a.flags.f_contiguous for a in arrays) else "C"
        result.data = np.asarray(result.data, order=order)
    return result


def _ufunc_method(ufunc, method, inputs, kwargs):
    """reduce / accumulate / outer / at / reduceat of a ufunc called with a Tensor."""
    func = UFUNC_METHODS.get((ufunc, method))
    if func is not None and func in name_map():
        args, kwargs = inputs[:1], dict(kwargs)
        if len(inputs) > 1:
            kwargs["axis"] = inputs[1]
        kwargs.setdefault("axis", METHOD_DEFAULT_AXIS)
        if method == "accumulate" and kwargs["axis"] is None:
            raise TypeError(f"np.{ufunc.__name__}.accumulate: axis=None is not allowed")
        return _call(name_map()[func], func, args, kwargs)
    if method == "outer" and ufunc in name_map() and len(inputs) == 2:
        a, b = inputs
        a_shape = np.shape(a)
        b_ndim = np.ndim(b)
        a = a.reshape(a_shape + (1,) * b_ndim) if isinstance(a, Tensor) else np.reshape(a, a_shape + (1,) * b_ndim)
        return array_ufunc(ufunc, "__call__", (a, b), kwargs)
    name = f"np.{ufunc.__name__}.{method}"
    if ufunc in QUERY_UFUNCS and method != "at":  # np.logical_and.reduce, np.equal.outer, ...
        result = _numpy_ufunc(ufunc, method, inputs, kwargs)
        return _restore_out(result, kwargs) if kwargs.get("out") is not None else _wrap(result)
    if _wants_grad((*inputs, *kwargs.values())):
        raise TypeError(
            f"{name} is not differentiable in npgrad on Tensors that require grad"
            + (" (it updates its first argument in place)" if method == "at" else "")
            + "; use the ops functions (ops.sum, ops.cumsum, indexing) or t.detach()"
        )
    result = _numpy_ufunc(ufunc, method, inputs, kwargs)
    if method == "at":
        _mark_modified(inputs[0])
        return None
    return _restore_out(result, kwargs) if kwargs.get("out") is not None else _wrap(result)


# ------------------------------------------------------------------- helpers
def _numpy(func, args, kwargs):
    result = func(*_unwrap(args), **_unwrap_dict(kwargs))
    if kwargs.get("out") is not None:
        return _restore_out(result, kwargs)
    return result


def _numpy_ufunc(ufunc, method, inputs, kwargs):
    return getattr(ufunc, method)(*map(_data, inputs), **_unwrap_dict(kwargs))


def _restore_out(result, kwargs):
    """NumPy returned the arrays of `out`: give back the caller's Tensors (marked modified)."""
    out = kwargs.get("out")
    outs = out if isinstance(out, tuple) else (out,)
    for t in outs:
        if isinstance(t, Tensor):
            _mark_modified(t)
    if isinstance(result, tuple):
        return tuple(t if isinstance(t, Tensor) else r for t, r in zip(outs, result))
    return outs[0] if isinstance(outs[0], Tensor) else result


def _mark_modified(t):
    if isinstance(t, Tensor):
        from autograd import tensor

        mark = getattr(tensor, "mark_modified", None)
        if mark is not None:
            mark(t)


def _wrap(result):
    if isinstance(result, np.ndarray):
        return _from_op(result, None)
    if isinstance(result, tuple):
        return tuple(_wrap(r) for r in result)
    return result


def _refuse_if_differentiable(name, values):
    if _wants_grad(values):
        raise TypeError(
            f"{name} is not differentiable in npgrad: call it on t.detach() (or t.data), "
            "or use an op from `ops`"
        )


def _wants_grad(values):
    """Whether recording is on and any value (nested lists included) requires grad."""
    if not mode.is_grad_enabled():
        return False
    return _any_requires_grad(values)


def _any_requires_grad(values):
    return any(
        (isinstance(v, Tensor) and v.requires_grad)
        or (isinstance(v, (list, tuple)) and _any_requires_grad(v))
        for v in values
    )


def _unwrap(values):
    return [type(v)(_unwrap(v)) if isinstance(v, (list, tuple)) else _data(v) for v in values]


def _unwrap_dict(kwargs):
    return {k: (type(v)(_unwrap(v)) if isinstance(v, (list, tuple)) else _data(v)) for k, v in kwargs.items()}
