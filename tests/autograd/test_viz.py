"""Graph pictures: nodes, edges and labels of known graphs, modules, limits, rendering."""
import re
import shutil

import numpy as np
import pytest

import nn
from autograd import Function, Tensor, detect_anomaly, viz
from autograd.tensor import apply

NODE = re.compile(r"^\t+(n\d+) \[(.*)\]$", re.M)
EDGE = re.compile(r"^\t+(n\d+) -> (n\d+)$", re.M)
HIGHLIGHT = 'fillcolor="#ff5c5c"'


def parse(graph):
    """{node id: attribute text} and the list of edges of a drawn graph."""
    return dict(NODE.findall(graph.source)), EDGE.findall(graph.source)


def labelled(nodes, text):
    return [n for n, attrs in nodes.items() if text in attrs]


def leaf(*shape, seed=0, name=None):
    t = Tensor(np.random.default_rng(seed).standard_normal(shape), requires_grad=True)
    t.name = name
    return t


def test_chain_has_one_node_per_op_and_per_tensor():
    x, w = leaf(2, 3, name="x"), leaf(3, seed=1)
    y = (x * w).relu().sum()
    nodes, edges = parse(viz.draw(y))
    assert len(nodes) == 3 + 5  # mul relu sum; x w x*w relu(x*w) y
    assert len(edges) == 7
    for op in ("mul", "relu", "sum"):
        assert len(labelled(nodes, f"<B>{op}</B>")) == 1
    (mul,) = labelled(nodes, "<B>mul</B>")
    (x_node,) = labelled(nodes, "<B>x</B>")
    assert (x_node, mul) in edges  # data-flow direction: input -> op
    assert "2×3 float64" in nodes[x_node]


def test_diamond_draws_a_shared_tensor_once():
    x = leaf(4)
    a = x * 2
    d = a.exp() + a.tanh()
    nodes, edges = parse(viz.draw(d))
    assert len(labelled(nodes, "<B>")) == 4  # mul exp tanh add
    assert len(nodes) == 4 + 5  # x a exp(a) tanh(a) d
    assert len(edges) == 9


def test_leaves_parameters_constants_and_outputs_are_styled_apart():
    layer = nn.Linear(3, 2)
    x = leaf(4, 3, name="input")
    constant = Tensor(np.ones((4, 2)))
    with viz.trace():
        y = layer(x) * constant
    y.grad_fn.traced = ((y.grad_fn.inputs[0], constant), {}, ())  # as `apply` records it
    nodes, _ = parse(viz.draw(y))
    fills = {re.search(r'fillcolor="([^"]+)"', attrs).group(1) for attrs in nodes.values()}
    assert {viz.STYLE[k] for k in ("parameter", "leaf", "output", "op")} <= fills
    (weight,) = labelled(nodes, "<B>weight</B>")
    assert viz.STYLE["parameter"] in nodes[weight]
    (constant,) = [n for n, attrs in nodes.items() if "dashed" in attrs]
    assert "4×2 float64" in nodes[constant]
    (output,) = [n for n, attrs in nodes.items() if viz.STYLE["output"] in attrs]
    assert "penwidth=2" in nodes[output]


def test_gradient_norm_after_backward_and_not_computed_apart_from_zero():
    x, unused_by_loss = leaf(3, name="x"), leaf(3, seed=1, name="z")
    w = leaf(3, seed=2, name="w")
    loss = (x * 0).sum() + (w * w).sum()
    other = unused_by_loss * 2
    before, _ = parse(viz.draw(loss))
    assert "not computed" in before[labelled(before, "<B>x</B>")[0]]
    loss.backward()
    after, _ = parse(viz.draw((loss, other)))
    assert "‖∇‖ = 0>" in after[labelled(after, "<B>x</B>")[0]]
    expected = np.linalg.norm(2 * w.data)
    assert f"‖∇‖ = {expected:.4g}" in after[labelled(after, "<B>w</B>")[0]]
    assert "not computed" in after[labelled(after, "<B>z</B>")[0]]


def test_saved_bytes_then_released_after_backward():
    x, w = leaf(3), leaf(3, seed=1)
    y = (x * w).sum()
    (mul,) = labelled(parse(viz.draw(y))[0], "<B>mul</B>")
    assert "saved 48 B" in parse(viz.draw(y))[0][mul]  # x and w, 3 float64 each
    y.backward(retain_graph=True)
    assert "saved 48 B" in parse(viz.draw(y))[0][mul]
    y.backward()
    nodes, _ = parse(viz.draw(y))
    assert "saved: released" in nodes[labelled(nodes, "<B>mul</B>")[0]]


@pytest.mark.parametrize("kind", ["tuple", "list", "dict"])
def test_roots_may_be_a_tuple_list_or_dict(kind):
    x = leaf(3)
    a, b = x.exp(), x.tanh()
    roots = {"tuple": (a, b), "list": [a, b], "dict": {"first": a, "second": b}}[kind]
    nodes, edges = parse(viz.draw(roots))
    assert len(nodes) == 2 + 3 and len(edges) == 4
    if kind == "dict":
        assert labelled(nodes, "<B>first</B>") and labelled(nodes, "<B>second</B>")


def test_a_root_that_is_not_a_tensor_is_a_type_error():
    with pytest.raises(TypeError, match="Tensors"):
        viz.draw([np.ones(3)])


def test_show_data_prints_values():
    x = Tensor(np.array([1.5, -2.25]), requires_grad=True)
    assert "-2.25" in viz.draw(x * 2, show_data=True).source
    assert "-2.25" not in viz.draw(x * 2).source


def _mlp():
    return nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2))


def test_traced_ops_are_clustered_by_module_and_depth_collapses():
    model = _mlp()
    x = Tensor(np.ones((5, 4), dtype=np.float32), requires_grad=True)
    with viz.trace():
        loss = model(x).sum()
    full = viz.draw(loss)
    assert full.source.count("subgraph cluster_") == 4  # Sequential, 0, 1, 2
    assert "0 · Linear" in full.source and "1 · ReLU" in full.source
    nodes, _ = parse(full)
    assert "0.weight" in full.source  # parameter names from nn
    one, _ = parse(viz.draw(loss, depth=1))
    assert len([n for n, a in one.items() if "box3d" in a]) == 3
    assert not labelled(one, "0.weight")  # a collapsed module hides its parameters
    zero, edges = parse(viz.draw(loss, depth=0))
    (box,) = [n for n, a in zero.items() if "box3d" in a]
    assert "3 ops: linear×2, relu" in zero[box]
    assert len(zero) == 5  # x, the model, its output, sum, the loss


def test_tracer_module_scopes_work_without_nn():
    class Block:
        pass

    block = Block()
    x = leaf(3)
    with viz.trace() as tracer:
        with tracer.module(block):
            h = x.exp()
        y = h.sum()
    assert h.grad_fn.traced[2][0][0] is block
    assert y.grad_fn.traced[2] == ()
    assert "label=Block" in viz.draw(y).source


def test_trace_retain_grads_shows_every_gradient_norm():
    x = leaf(3)
    with viz.trace(retain_grads=True):
        h = x.exp()
        y = h.sum()
    y.backward()
    np.testing.assert_allclose(h.grad.data, np.ones(3))
    assert viz.draw(y).source.count("‖∇‖") == 3  # x, exp(x), y


def test_a_3000_node_graph_is_cut_to_max_nodes():
    x = leaf(2)
    y = x
    for _ in range(1500):
        y = (y * 1.0001).tanh()
    nodes, edges = parse(viz.draw(y, max_nodes=100))
    assert len(nodes) <= 101
    (more,) = labelled(nodes, "more ops")
    assert any(s == more for s, _ in edges)
    assert "not shown (max_nodes=100)" in viz.draw(y, max_nodes=100).source


def test_max_nodes_collapses_modules_before_cutting():
    model = nn.Sequential(*[nn.Sequential(nn.Linear(3, 3), nn.Tanh()) for _ in range(30)])
    with viz.trace():
        y = model(Tensor(np.ones((2, 3), dtype=np.float32))).sum()
    graph = viz.draw(y, max_nodes=80)
    nodes, _ = parse(graph)
    assert len([n for n, a in nodes.items() if "box3d" in a]) == 30
    assert "collapsed to depth=1" in graph.source


def test_highlight_draws_ops_red():
    x = leaf(3)
    h = x.exp()
    y = h.sum()
    nodes, _ = parse(viz.draw(y, highlight=[h]))
    (red,) = [n for n, a in nodes.items() if HIGHLIGHT in a]
    assert "<B>exp</B>" in nodes[red]


def test_svg_rendered_by_dot_names_the_ops():
    if shutil.which("dot") is None:
        pytest.skip("the Graphviz dot program is not installed")
    x, w = leaf(2, 3), leaf(3, seed=1)
    svg = viz.draw((x * w).relu().sum()).pipe(format="svg").decode()
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    for op in ("mul", "relu", "sum"):
        assert f">{op}</text>" in svg


def test_without_dot_the_source_works_and_rendering_says_how_to_install(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty directory: no dot
    graph = viz.draw(leaf(3).exp())
    assert graph.source.startswith("digraph")
    for render in (lambda: graph.pipe(format="svg"), lambda: graph.render(tmp_path / "g", format="png")):
        with pytest.raises(viz.GraphvizMissing, match="apt-get install graphviz") as info:
            render()
        assert info.value.__cause__ is None and info.value.__suppress_context__
    assert graph._repr_mimebundle_() == {"text/plain": viz.INSTALL_HINT}


def test_anomaly_in_forward_carries_the_graph_with_the_op_red():
    x = Tensor(np.array([1.0, 0.0]), requires_grad=True)
    with pytest.raises(FloatingPointError, match=r"log produced Inf in forward, at .*test_viz.py") as info:
        with detect_anomaly():
            (x * 2).log()
    assert info.value.node.name == "log"
    nodes, _ = parse(info.value.graph)
    (red,) = [n for n, a in nodes.items() if HIGHLIGHT in a]
    assert "<B>log</B>" in nodes[red]
    assert labelled(nodes, "<B>mul</B>")


def test_anomaly_in_backward_carries_the_graph_with_the_op_red():
    x = Tensor(np.array([1.0, 0.0]), requires_grad=True)
    with pytest.raises(FloatingPointError, match="sqrt .* backward") as info:
        with detect_anomaly():
            (x * 2).sqrt().sum().backward()
    nodes, _ = parse(info.value.graph)
    (red,) = [n for n, a in nodes.items() if HIGHLIGHT in a]
    assert "<B>sqrt</B>" in nodes[red]


class _Double(Function):
    name = "double"

    def forward(self, a):
        return 2 * a

    def vjp(self, g):
        return 2 * g


def test_a_function_node_may_be_a_root():
    x = leaf(3)
    node = apply(_Double, x).grad_fn
    nodes, edges = parse(viz.draw(node))
    assert len(nodes) == 2 and len(edges) == 1


class _Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(3, 3)

    def forward(self, x):
        return self.fc(x).tanh()


class _Stack(nn.Module):
    def __init__(self):
        super().__init__()
        self.blocks = nn.ModuleList([_Block(), _Block()])
        self.head = nn.Linear(3, 1)

    def forward(self, x):
        for block in self.blocks:  # the ModuleList itself is never called
            x = block(x)
        return self.head(x)


def test_modules_called_in_a_loop_over_a_module_list_get_qualified_names():
    x = Tensor(np.ones((2, 3), dtype=np.float32))
    with viz.trace():
        y = _Stack()(x).sum()
    source = viz.draw(y).source
    assert "blocks.0 · _Block" in source and "blocks.1 · _Block" in source
    assert "blocks.0.fc · Linear" in source and "blocks.1.fc · Linear" in source
    assert "_Block · _Block" not in source and "head · Linear" in source
    collapsed, _ = parse(viz.draw(y, depth=1))
    assert len(labelled(collapsed, "<B>blocks.0</B>")) == 1
    assert len(labelled(collapsed, "<B>blocks.1</B>")) == 1


def test_module_names_fall_back_to_the_caller_for_unregistered_modules():
    class Outer(nn.Module):
        def __init__(self):
            super().__init__()
            object.__setattr__(self, "hidden", nn.Linear(3, 3))  # not registered

        def forward(self, x):
            return self.hidden(x)

    x = Tensor(np.ones((1, 3), dtype=np.float32))
    with viz.trace():
        y = Outer()(x).sum()
    assert "hidden · Linear" in viz.draw(y).source


def test_constant_that_promotes_the_dtype_is_drawn():
    x = Tensor(np.ones(3, dtype=np.float32), requires_grad=True)
    with viz.trace():
        promoted = (x * np.arange(3.0)).sum()  # float64 constant: the result is float64
        kept = (x * 2.0 + np.float64(1)).sum()  # weak scalars: stays float32
    nodes, edges = parse(viz.draw(promoted))
    (constant,) = labelled(nodes, "<I>constant</I>")
    assert "3 float64" in nodes[constant]
    (mul,) = labelled(nodes, "<B>mul</B>")
    assert (constant, mul) in edges
    assert "float32 → float64" in nodes[mul]
    nodes, _ = parse(viz.draw(kept))
    assert not labelled(nodes, "<I>constant</I>") and not labelled(nodes, "→")
    with viz.trace():
        zero_d = (x * np.array(0.5)).sum()  # a 0-d float64 array is not weak: float64
    nodes, _ = parse(viz.draw(zero_d))
    (constant,) = labelled(nodes, "<I>constant</I>")
    assert "0.5 (float64)" in nodes[constant] and zero_d.dtype == np.float64


def test_dtype_change_is_marked_without_tracing():
    x = Tensor(np.ones(2, dtype=np.float32), requires_grad=True)
    y = (x * np.array([1.0, 2.0])).sum()
    nodes, _ = parse(viz.draw(y))
    (mul,) = labelled(nodes, "<B>mul</B>")
    assert "float32 → float64" in nodes[mul]
    z = x.astype(np.float64).sum()  # an explicit cast says so already in its own name
    assert not labelled(parse(viz.draw(z))[0], "→")


def test_outside_trace_intermediates_are_drawn_from_the_graph_which_keeps_saved_arrays_only():
    x = Tensor(np.ones((2, 3), dtype=np.float32), requires_grad=True)
    y = ((x * 2.0).exp() + 1.0).sum()  # exp saves its output; mul's and add's are not kept
    kept = x.tanh()  # tanh saves its output too
    z = y + kept.sum()
    nodes, _ = parse(viz.draw(z, show_data=True))
    gone = [n for n, attrs in nodes.items() if "(not kept by the graph)" in attrs]
    assert len(gone) == 4  # mul, add, y = sum and kept.sum(): shape and dtype only
    assert sum("2×3 float32" in nodes[n] for n in gone) == 2
    assert sum("7.389" in attrs for attrs in nodes.values()) == 1  # exp's saved output
    assert sum("0.762" in attrs for attrs in nodes.values()) == 1  # tanh's
    with viz.trace():  # traced graphs keep every argument: all values are shown
        z = ((x * 2.0).exp() + 1.0).sum() + x.tanh().sum()
    nodes, _ = parse(viz.draw(z, show_data=True))
    assert not any("(not kept by the graph)" in attrs for attrs in nodes.values())
