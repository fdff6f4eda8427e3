"""`detect_anomaly`: find the op that first made a NaN or Inf, forward or backward.

Off by default and free when off: `apply` checks one flag. When on, each node records
the user's file and line that created it, and every output and gradient is checked.
"""
import os
import sys

import numpy as np

from autograd.mode import state

_PACKAGE_DIRS = tuple(
    os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), name) + os.sep
    for name in ("autograd", "ops", "nn")
)


class detect_anomaly:
    """Raise `FloatingPointError` at the first op whose output or gradient is NaN/Inf.

    The message names the op and the user's file and line that created it. The
    exception carries `err.node` (the op) and `err.graph`, the computation graph up to
    that op (a `graphviz.Digraph`, as `autograd.viz.draw`) with the op drawn red.

    Examples
    --------
    >>> try:
    ...     with detect_anomaly():
    ...         y = (x * 0).log().sum()   # FloatingPointError: log produced Inf ...
    ... except FloatingPointError as err:
    ...     picture = err.graph           # display it in Jupyter, or err.graph.render()
    """

    def __enter__(self):
        self._previous = state.anomaly
        state.anomaly = CHECKS
        return self

    def __exit__(self, *exc):
        state.anomaly = self._previous


def user_site():
    """'file:line' of the innermost frame outside npgrad's own packages."""
    frame = sys._getframe(1)
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE_DIRS):
        frame = frame.f_back
    if frame is None:
        return "<unknown>"
    return f"{frame.f_code.co_filename}:{frame.f_lineno}"


def _array(value):
    """The ndarray of a Tensor or an array (an ndarray's own `.data` is a memoryview)."""
    return value if isinstance(value, np.ndarray) else getattr(value, "data", value)


def _bad(value):
    data = _array(value)
    return (
        isinstance(data, np.ndarray)
        and data.dtype.kind in "fc"
        and not np.isfinite(data).all()
    )


def _kind(value):
    return "NaN" if np.isnan(_array(value)).any() else "Inf"


def check_forward(node, out):
    """Record the creation site; raise if the output is not finite."""
    node.site = user_site()
    if _bad(out):
        message = f"{node.name} produced {_kind(out)} in forward, at {node.site}"
        inherited = [i for i, t in enumerate(node.inputs) if t is not None and _bad(t)]
        if inherited:
            message += f" (its input {inherited[0]} already contained {_kind(node.inputs[inherited[0]])})"
        raise _error(message, node)


def check_backward(node, grads):
    """Raise if a gradient produced by `node`'s VJP is not finite."""
    for i, g in enumerate(grads):
        if g is not None and _bad(g):
            raise _error(
                f"{node.name} (created at {node.site or '<unknown>'}) produced {_kind(g)} in "
                f"the gradient for its input {i} in backward",
                node,
            )


def _error(message, node):
    """The FloatingPointError, carrying `node` and the graph up to it with `node` in red."""
    err = FloatingPointError(message)
    err.node = node
    err.graph = None
    try:
        from autograd import viz

        err.graph = viz.draw(node, highlight=(node,))
    except Exception:  # the picture is a bonus; the error itself must always surface
        pass
    return err


class CHECKS:
    """What the core calls while `detect_anomaly()` is on (it imports nothing from here)."""

    forward = staticmethod(check_forward)
    backward = staticmethod(check_backward)
