"""Pictures of the computation graph: `draw(roots) -> graphviz.Digraph`, and `trace()`.

`draw` walks back from the roots through `grad_fn` and `node.inputs`, and draws one node
per op (its name, its parameters when traced, the bytes it keeps saved for backward) and
one per tensor (name, shape, dtype, gradient norm once backward ran), edges in data-flow
direction. Graphs recorded under `trace()` also know each op's arguments and the
`nn.Module` call that produced it: ops are then grouped in one cluster per module, and
`depth=` collapses the modules below that depth into one box each.

Tracing costs nothing when off: `apply` tests `state.trace` once per recorded op, and
`nn.Module.__call__` tests it once per call.
"""
import contextlib
import functools
import html
import inspect
import itertools
from collections import deque

import graphviz
import numpy as np

from autograd.function import Function
from autograd.mode import state
from autograd.tensor import Tensor

__all__ = ["draw", "trace", "nodes", "Tracer", "GraphvizMissing", "module_names"]

INSTALL_HINT = (
    "Rendering a graph needs the Graphviz `dot` program, which was not found on PATH. "
    "Install Graphviz (Debian/Ubuntu: `sudo apt-get install graphviz`; macOS: "
    "`brew install graphviz`; conda: `conda install -c conda-forge graphviz`; Windows: "
    "https://graphviz.org/download/) and restart Python. Without it the DOT text is "
    "still available as `graph.source`."
)

STYLE = {  # fill colours: outputs green, parameters gold, other leaves blue, ops grey
    "output": "#c7e9c0", "parameter": "#ffe08a", "leaf": "#cfe3ff", "constant": "#ffffff",
    "intermediate": "#ffffff", "op": "#eeeeee", "module": "#e4dcf4", "highlight": "#ff5c5c",
}


# ------------------------------------------------------------------------ tracing
class Tracer:
    """What `trace()` records: each op's arguments and the module calls around it.

    `apply` calls the active tracer (`state.trace`) with every recorded op's output
    Tensor, positional arguments and keyword parameters; the tracer stores them on the
    node as `node.traced = (args, params, path)`, where `path` is the tuple of
    `(module, call number)` pairs of the `nn.Module` calls under way, outermost first.
    `nn.Module.__call__` runs its forward inside `tracer.module(self)`.
    """

    def __init__(self, retain_grads=False):
        self.retain_grads = retain_grads
        self.path = ()
        self._calls = itertools.count()

    def __call__(self, out, args, params):
        out.grad_fn.traced = (args, params, self.path)
        if self.retain_grads:
            out.retain_grad()

    @contextlib.contextmanager
    def module(self, module):
        """Attribute the ops run inside the block to a call of `module`."""
        outer = self.path
        self.path = outer + ((module, next(self._calls)),)
        try:
            yield
        finally:
            self.path = outer


@contextlib.contextmanager
def trace(retain_grads=False):
    """Record each op's arguments and producing module, for `draw` and `gradcheck_graph`.

    Parameters
    ----------
    retain_grads : bool
        Also keep the gradient of every intermediate tensor (as `retain_grad()`), so
        that a picture drawn after backward shows every tensor's gradient norm.

    Examples
    --------
    >>> with trace():
    ...     loss = model(x).sum()
    >>> draw(loss, depth=1)           # one box per top-level submodule
    """
    tracer = Tracer(retain_grads)
    outer = state.trace
    state.trace = tracer
    try:
        yield tracer
    finally:
        state.trace = outer


def module_names(path):
    """Qualified names for a traced module path: the root's class name, then 'a.b.0'.

    A module is named by where it sits in the root module's tree, so that blocks called
    in a loop over a ModuleList (which is itself never called) are `blocks.0`,
    `blocks.1`, ...; a module the root does not hold is named relative to its caller.
    """
    names = []
    parts = []
    for depth, (module, _) in enumerate(path):
        if depth == 0:
            names.append(type(module).__name__)
            continue
        qualified = _qualified_name(path[0][0], module)
        if qualified is not None:
            parts = qualified.split(".")
        else:
            parts.append(_child_name(path[depth - 1][0], module))
        names.append(".".join(parts))
    return names


def _qualified_name(root, module):
    """`module`'s dotted name inside `root` (None when root does not hold it)."""
    named = getattr(root, "named_modules", None)
    if named is None:
        return None
    for name, candidate in named():
        if candidate is module and name:
            return name
    return None


def _child_name(parent, child):
    """`child`'s name in `parent`: a registered child, else a plain attribute, else its class."""
    children = getattr(parent, "named_children", None)
    pairs = list(children()) if children is not None else []
    pairs += list(getattr(parent, "__dict__", {}).items())
    for name, value in pairs:
        if value is child:
            return str(name)
    return type(child).__name__


# ------------------------------------------------------------------ walking the graph
class _Item:
    """A tensor or an op in the picture, with its module path and style."""

    __slots__ = ("obj", "kind", "path", "label", "root")

    def __init__(self, obj, kind, path=(), label=None):
        self.obj = obj
        self.kind = kind
        self.path = path
        self.label = label
        self.root = False


def _root_items(roots):
    if isinstance(roots, dict):
        return [(str(k), v) for k, v in roots.items()]
    if isinstance(roots, (tuple, list)):
        return [(None, r) for r in roots]
    return [(None, roots)]


def _tensor_kind(t):
    if t.grad_fn is not None:
        return "intermediate"
    if not t.requires_grad:
        return "constant"
    if any(c.__name__ == "Parameter" for c in type(t).__mro__):
        return "parameter"
    return "leaf"


def _path(node):
    traced = getattr(node, "traced", None)
    return traced[2] if traced else ()


class _Result:
    """An op's result as the graph knows it once its Tensor is gone (nodes keep no
    Tensors): shape and dtype, and the array only while a rule keeps it saved."""

    name, grad, requires_grad = None, None, True

    def __init__(self, node, consumer):
        self.grad_fn, self.shape, self.dtype = node, node.out_shape, node.out_dtype
        self.ndim = len(self.shape)
        kept = [node.out] + [a for a in consumer.saved or () if id(a) == node.out_id]
        kept = [a for a in kept if a is not None]
        self.data = np.asarray(kept[0]) if kept else None  # None: freed


class _Walk:
    """Everything reachable from the roots: items keyed by identity, data-flow edges."""

    def __init__(self, roots):
        self.items = {}  # key -> _Item; ops keyed by the node, tensors by ('t', ...)
        self.ops = []  # nodes, breadth-first from the roots
        self.edges = {}  # (source key, target key) -> None, ordered
        self.out_dtypes = {}  # node -> dtype of its output (nodes keep no output array)
        queue = deque()
        for label, root in _root_items(roots):
            if isinstance(root, Function):
                self._visit_op(root, queue)
                continue
            if not isinstance(root, Tensor):
                raise TypeError(f"draw: roots must be Tensors (or a tuple, list or dict of them), got {type(root).__name__}")
            key = self._tensor(root, queue)
            self.items[key].root = True
            if label is not None:
                self.items[key].label = label
        while queue:
            node = queue.popleft()
            traced = getattr(node, "traced", None)
            args = traced[0] if traced else ()
            promoting = _promotes(node, args, self.out_dtypes.get(node))
            for i, t in enumerate(getattr(node, "inputs", None) or ()):
                if t is None:  # a non-differentiable argument: drawn if it is a Tensor
                    t = args[i] if i < len(args) else None
                    if not isinstance(t, Tensor):
                        if promoting and _is_numeric(t):  # a constant that set the dtype
                            key = ("c", id(node), i)
                            self.items[key] = _Item(t, "constant")
                            self.edges[key, node] = None
                        continue
                elif isinstance(t, Function):  # another op's result: the traced Tensor, or
                    arg = args[i] if i < len(args) else None  # what the graph knows of it
                    t = arg if isinstance(arg, Tensor) and arg.grad_fn is t else _Result(t, node)
                self.edges[self._tensor(t, queue), node] = None

    def _visit_op(self, node, queue):
        if node not in self.items:
            self.items[node] = _Item(node, "op", _path(node))
            self.ops.append(node)
            queue.append(node)

    def _tensor(self, t, queue):
        node = t.grad_fn
        key = ("t", id(node) if node is not None else id(t))
        if key not in self.items:
            self.items[key] = _Item(t, _tensor_kind(t), label=t.name)
            if node is not None:
                self.out_dtypes[node] = t.dtype
                self._visit_op(node, queue)
                self.edges[node, key] = None
        return key

    def place_tensors(self):
        """A tensor sits in the innermost module around its producer and consumers.

        Parameters follow their consumers; inputs and constants are outside all modules.
        """
        near = {}
        for source, target in self.edges:
            for key, other in ((source, target), (target, source)):
                if not isinstance(key, Function):
                    if self.items[key].kind in ("intermediate", "parameter"):
                        near.setdefault(key, []).append(self.items[other].path)
        for key, paths in near.items():
            if not self.items[key].root:  # outputs stand outside every module
                self.items[key].path = _common_prefix(paths)


def _is_numeric(value):
    return isinstance(value, (np.ndarray, np.generic, int, float, complex)) and not isinstance(value, bool)


def _promotes(node, args, dtype):
    """Whether a non-Tensor operand of a traced op changed its result's dtype `dtype`."""
    if dtype is None or node.name == "astype" or not args:
        return False
    tensors = [a.dtype for a in args if isinstance(a, Tensor)]
    others = [a for a in args if not isinstance(a, Tensor) and _is_numeric(a)]
    return bool(tensors and others) and dtype not in tensors


def _dtype_change(node, dtype):
    """'float32 → float64' when an op's result dtype `dtype` is none of its graph inputs'."""
    inputs = [t.out_dtype if isinstance(t, Function) else t.dtype
              for t in (getattr(node, "inputs", None) or ()) if t is not None]
    if dtype is None or not inputs or dtype in inputs or node.name == "astype":
        return None
    return f"{' / '.join(sorted({str(d) for d in inputs}))} → {dtype}"


def nodes(roots):
    """The ops (Function nodes) that produced `roots`, nearest first, each once."""
    return list(_Walk(roots).ops)


def _common_prefix(paths):
    prefix = paths[0]
    for p in paths[1:]:
        n = 0
        while n < len(prefix) and n < len(p) and prefix[n][1] == p[n][1]:
            n += 1
        prefix = prefix[:n]
    return prefix


# ------------------------------------------------------------------------- layout
class _Layout:
    """Which items are visible at a given `depth`, as units (ops or collapsed modules)."""

    def __init__(self, walk, depth):
        self.walk = walk
        self.depth = depth
        self.unit = {}  # op node -> unit key (the node, or ('m', call number))
        self.groups = {}  # ('m', call) -> (path, [op nodes])
        for node in walk.ops:
            path = walk.items[node].path
            if depth is not None and len(path) > depth:
                key = ("m", path[depth][1])
                self.groups.setdefault(key, (path[: depth + 1], []))[1].append(node)
                self.unit[node] = key
            else:
                self.unit[node] = node
        self.units = list(dict.fromkeys(self.unit.values()))
        self.tensors = [
            key for key, item in walk.items.items()
            if not isinstance(key, Function)
            and (depth is None or len(item.path) <= depth or item.root)
        ]
        visible = set(self.tensors)
        self.edges = {}
        for source, target in walk.edges:
            s = self.unit.get(source, source)
            t = self.unit.get(target, target)
            if s != t and (s in visible or s in self.groups or isinstance(s, Function)) and (
                t in visible or t in self.groups or isinstance(t, Function)
            ):
                self.edges[s, t] = None

    def size(self):
        return len(self.units) + len(self.tensors)

    def truncate(self, max_nodes, highlight):
        """Keep the units nearest the roots (and the highlighted ones) within max_nodes.

        Returns the number of ops left out; their edges into what is kept come from
        one "more ops" node.
        """
        touching = {}
        for s, t in self.edges:
            for unit, other in ((s, t), (t, s)):
                if unit in self.groups or isinstance(unit, Function):
                    touching.setdefault(unit, []).append(other)
        kept = {k for k in self.tensors if self.walk.items[k].root}
        units = 0
        for unit in sorted(self.units, key=lambda u: u not in highlight):  # stable
            new = [unit] + [k for k in touching.get(unit, ()) if k not in kept and k in self.tensors]
            if units and unit not in highlight and len(kept) + len(new) > max_nodes:
                break
            kept.update(new)
            units += 1
        hidden = sum(len(self.groups[u][1]) if u in self.groups else 1 for u in self.units if u not in kept)
        self.units = [u for u in self.units if u in kept]
        self.tensors = [k for k in self.tensors if k in kept]
        edges = {}
        for s, t in self.edges:
            if t in kept:
                edges[s if s in kept else "more", t] = None
        self.edges = edges
        return hidden


def draw(roots, show_data=False, depth=None, max_nodes=250, highlight=(), rankdir="TB"):
    """Draw the computation graph that produced `roots`.

    Parameters
    ----------
    roots : Tensor, Function node, or a tuple, list or dict of them
        The outputs to draw back from; dict keys label the outputs.
    show_data : bool
        Print (a summary of) each tensor's values.
    depth : int, optional
        For graphs recorded under `trace()`: collapse every module call nested deeper
        than `depth` into one box (0 = the whole model as one box; None = expand all).
    max_nodes : int
        Upper bound on drawn nodes. A larger traced graph is first collapsed by
        module (the deepest depth that fits), then cut to the nodes nearest the roots,
        the rest summarised as one "more ops" node.
    highlight : iterable of Function nodes or Tensors
        Ops (or the ops that made these tensors) to draw red.
    rankdir : str
        Graphviz layout direction ("TB" top to bottom, "LR" left to right).

    Returns
    -------
    graphviz.Digraph
        Renders inline in Jupyter; `.render(...)` writes SVG/PNG/PDF; `.source` is the
        DOT text (no Graphviz program needed for that).

    Examples
    --------
    >>> x = Tensor(np.ones(3), requires_grad=True)
    >>> y = (x * 2).sum()
    >>> g = draw(y)                     # ops mul and sum, tensors x, x*2 and y
    >>> y.backward(); g = draw(y)       # now with the gradient norm of x
    """
    walk = _Walk(roots)
    walk.place_tensors()
    highlight = {h.grad_fn if isinstance(h, Tensor) else h for h in highlight} - {None}
    layout = _Layout(walk, depth)
    notes = []
    deepest = max((len(walk.items[n].path) for n in walk.ops), default=0)
    lowest = 1 if deepest > 1 else 0  # never hide a whole model unasked: cut it instead
    start = deepest if depth is None else min(depth, deepest)
    if layout.size() > max_nodes and start > lowest:
        for d in range(start - 1, lowest - 1, -1):
            layout = _Layout(walk, d)
            if layout.size() <= max_nodes:
                break
        notes.append(f"modules collapsed to depth={layout.depth} to fit max_nodes={max_nodes}")
    highlighted_units = {layout.unit.get(n, n) for n in highlight}
    hidden = 0
    if layout.size() > max_nodes:
        hidden = layout.truncate(max_nodes, highlighted_units)
        notes.append(f"{hidden:,} of {len(walk.ops):,} ops not shown (max_nodes={max_nodes})")
    return _emit(walk, layout, highlighted_units, hidden, notes, show_data, rankdir)


# --------------------------------------------------------------------------- output
class GraphvizMissing(graphviz.ExecutableNotFound):
    """Rendering was asked for but the Graphviz `dot` program is not installed."""

    def __init__(self):
        RuntimeError.__init__(self, INSTALL_HINT)


def _explained(render):
    """`render` raising `GraphvizMissing` (one clear message) when `dot` is not installed."""

    @functools.wraps(render)
    def call(self, *args, **kwargs):
        try:
            return render(self, *args, **kwargs)
        except graphviz.ExecutableNotFound:
            raise GraphvizMissing() from None

    return call


class Graph(graphviz.Digraph):
    """A `graphviz.Digraph` that says how to install Graphviz when `dot` is missing."""

    pipe = _explained(graphviz.Digraph.pipe)
    render = _explained(graphviz.Digraph.render)

    def _repr_mimebundle_(self, include=None, exclude=None, **kwargs):
        try:
            return super()._repr_mimebundle_(include, exclude, **kwargs)
        except GraphvizMissing:
            return {"text/plain": INSTALL_HINT}


def _emit(walk, layout, highlight, hidden, notes, show_data, rankdir):
    graph = Graph("npgrad", graph_attr={"rankdir": rankdir, "fontname": "Helvetica", "fontsize": "10"},
                  node_attr={"fontname": "Helvetica", "fontsize": "10", "style": "filled"},
                  edge_attr={"arrowsize": "0.6", "color": "#555555"})
    if notes:
        graph.attr(label="; ".join(notes), labelloc="b", fontcolor="#666666")
    ids = {}

    def node_id(key):
        if key not in ids:
            ids[key] = f"n{len(ids)}"
        return ids[key]

    clusters = {(): []}  # path of call numbers -> [(id, attributes)]
    paths = {(): ()}
    for unit in layout.units:
        if unit in layout.groups:
            path, nodes = layout.groups[unit]
            place, attrs = path[:-1], _group_attrs(path, nodes, unit in highlight)
        else:
            place, attrs = walk.items[unit].path, _op_attrs(unit, unit in highlight,
                                                             walk.out_dtypes.get(unit))
        _add(clusters, paths, place, node_id(unit), attrs)
    for key in layout.tensors:
        item = walk.items[key]
        _add(clusters, paths, item.path, node_id(key), _tensor_attrs(item, show_data))
    if hidden:
        _add(clusters, paths, (), node_id("more"), {
            "label": f"… {hidden:,} more ops", "shape": "box", "style": "dashed", "color": "#888888",
        })
    _emit_cluster(graph, (), clusters, paths)
    for s, t in layout.edges:
        graph.edge(node_id(s), node_id(t))
    return graph


def _add(clusters, paths, path, node, attrs):
    calls = tuple(call for _, call in path)
    for n in range(len(calls) + 1):
        clusters.setdefault(calls[:n], [])
        paths.setdefault(calls[:n], path[:n])
    clusters[calls].append((node, attrs))


def _emit_cluster(graph, calls, clusters, paths):
    for node, attrs in clusters[calls]:
        graph.node(node, **attrs)
    children = [c for c in clusters if len(c) == len(calls) + 1 and c[: len(calls)] == calls]
    for child in children:
        path = paths[child]
        with graph.subgraph(name=f"cluster_{child[-1]}") as sub:
            sub.attr(label=_module_title(path), labelloc="t", style="rounded,dashed", color="#9a8cc2",
                     fontcolor="#5b4b8a", fontsize="10")
            _emit_cluster(sub, child, clusters, paths)


def _module_title(path):
    return f"{module_names(path)[-1]} · {type(path[-1][0]).__name__}" if len(path) > 1 else type(path[0][0]).__name__


def _html(lines):
    return "<" + "<BR/>".join(lines) + ">"


def _small(text, color="#555555"):
    return f'<FONT POINT-SIZE="9" COLOR="{color}">{html.escape(text)}</FONT>'


def _op_attrs(node, red, out_dtype):
    lines = [f"<B>{html.escape(node.name)}</B>"]
    traced = getattr(node, "traced", None)
    color = "#ffffff" if red else "#555555"
    if traced and traced[1]:
        text = _params_text(type(node), traced[1])
        if text:
            lines.append(_small(text, color))
    change = _dtype_change(node, out_dtype)
    if change:
        lines.append(_small(change, "#ffffff" if red else "#b35900"))
    saved = _saved_text(node)
    if saved:
        lines.append(_small(saved, color))
    attrs = {"label": _html(lines), "shape": "box", "style": "rounded,filled",
             "fillcolor": STYLE["highlight" if red else "op"]}
    if red:
        attrs.update(color="#b00000", penwidth="2.5", fontcolor="#ffffff")
    if node.site:
        attrs["tooltip"] = f"created at {node.site}"
    return attrs


def _group_attrs(path, nodes, red):
    counts = {}
    for n in reversed(nodes):  # the walk goes from the output back: list in forward order
        counts[n.name] = counts.get(n.name, 0) + 1
    ops = ", ".join(f"{name}×{c}" if c > 1 else name for name, c in counts.items())
    lines = [f"<B>{html.escape(module_names(path)[-1])}</B>"]
    if len(path) > 1:  # a child: its qualified name, then its class
        lines.append(html.escape(type(path[-1][0]).__name__))
    lines.append(_small(f"{len(nodes)} op{'s' if len(nodes) > 1 else ''}: {_shorten(ops, 48)}"))
    saved = [_saved_bytes(n) for n in nodes]
    if any(s is not None for s in saved):
        lines.append(_small(f"saved {_bytes(sum(s for s in saved if s))}"))
    return {"label": _html(lines), "shape": "box3d", "fillcolor": STYLE["highlight" if red else "module"],
            "color": "#b00000" if red else "#6a5a9a"}


def _constant_attrs(value):
    """A non-Tensor operand: its value (a scalar) or its shape and dtype (an array)."""
    array = np.asarray(value)
    if array.ndim == 0:
        kind = type(value).__name__ if not isinstance(value, (np.ndarray, np.generic)) else str(array.dtype)
        text = f"{array.item()!r} ({kind})"
    else:
        text = f"{'×'.join(map(str, array.shape))} {array.dtype}"
    return {"label": _html(["<I>constant</I>", html.escape(text)]), "fillcolor": STYLE["constant"],
            "shape": "box", "style": "dashed", "color": "#888888", "fontcolor": "#555555"}


def _tensor_attrs(item, show_data):
    t = item.obj
    if not isinstance(t, (Tensor, _Result)):
        return _constant_attrs(t)
    lines = []
    if item.label:
        lines.append(f"<B>{html.escape(str(item.label))}</B>")
    shape = "scalar" if t.ndim == 0 else "×".join(map(str, t.shape))
    lines.append(html.escape(f"{shape} {t.dtype}"))
    grad = t.grad
    if grad is not None:
        lines.append(html.escape(f"‖∇‖ = {float(np.linalg.norm(np.ravel(grad.data))):.4g}"))
    elif t.requires_grad and t.grad_fn is None:
        lines.append('<FONT COLOR="#999999"><I>∇ not computed</I></FONT>')
    if show_data and t.data is None:  # outside trace(), the graph keeps saved arrays only
        lines.append(_small("(not kept by the graph)", "#999999"))
    elif show_data:
        text = np.array2string(t.data, precision=3, threshold=8, edgeitems=2, max_line_width=36)
        lines.extend(_small(line, "#333333") for line in text.splitlines()[:6])
    kind = "output" if item.root else item.kind
    attrs = {"label": _html(lines), "fillcolor": STYLE[kind], "shape": "box"}
    if kind == "intermediate":
        attrs.update(shape="ellipse", fontsize="9", margin="0.05,0.02", height="0.3")
    if kind == "constant":
        attrs.update(style="dashed", color="#888888")
    if kind == "output":
        attrs["penwidth"] = "2"
    return attrs


def _params_text(cls, params):
    """'name=value' for the parameters that differ from the rule's defaults."""
    try:
        defaults = {k: p.default for k, p in inspect.signature(cls.forward).parameters.items()}
    except (TypeError, ValueError):
        defaults = {}
    parts = []
    for name, value in params.items():
        if value is None or isinstance(value, np.random.Generator):
            continue
        if isinstance(value, np.ndarray):
            value = f"array{value.shape}"
        elif _same(defaults.get(name, inspect.Parameter.empty), value):
            continue
        parts.append(f"{name}={_shorten(str(value), 24)}")
    return _shorten(", ".join(parts), 60)


def _same(default, value):
    try:
        return bool(default == value) and type(default) is type(value)
    except (TypeError, ValueError):
        return False


def _shorten(text, n):
    return text if len(text) <= n else text[: n - 1] + "…"


def _attributes(node):
    """Values a rule stored as attributes (the tracer's record excluded)."""
    return [v for k, v in vars(node).items() if k != "traced"]


def _saved_bytes(node):
    """Bytes of arrays `node` keeps for backward (None once the engine released them)."""
    if node.saved is None:
        return None
    return _nbytes((node.saved, _attributes(node)), set())


def _saved_text(node):
    size = _saved_bytes(node)
    if size is None:  # arrays kept as attributes outlive the release: worth showing
        held = _nbytes(_attributes(node), set())
        return "saved: released" + (f" ({_bytes(held)} still held)" if held else "")
    return f"saved {_bytes(size)}" if size else ""


def _nbytes(value, seen):
    if isinstance(value, Tensor):
        value = value.data
    if isinstance(value, np.ndarray):
        if id(value) in seen:
            return 0
        seen.add(id(value))
        return value.nbytes
    if isinstance(value, (tuple, list)):
        return sum(_nbytes(v, seen) for v in value)
    if isinstance(value, dict):
        return sum(_nbytes(v, seen) for v in value.values())
    return 0


def _bytes(n):
    for unit in ("B", "kB", "MB"):
        if n < 1000 or unit == "MB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000
    return ""
