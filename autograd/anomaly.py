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
    exception's `graph` attribute is the computation graph (a `graphviz.Digraph`) with
    the offending op drawn red, when it can be drawn.

    Examples
    --------
    >>> with detect_anomaly():
    ...     y = (x * 0).log().sum()   # FloatingPointError: log produced -inf ...
    """

    def __enter__(self):
        self._previous = state.anomaly
        state.anomaly = True
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


def _bad(value):
    data = value if isinstance(value, np.ndarray) else getattr(value, "data", value)
    return (
        isinstance(data, np.ndarray)
        and data.dtype.kind in "fc"
        and not np.isfinite(data).all()
    )


def check_forward(node, out):
    """Record the creation site; raise if the output is not finite."""
    node.site = user_site()
    if _bad(out):
        kind = "NaN" if np.isnan(out).any() else "Inf"
        raise _error(f"{node.name} produced {kind} in forward, at {node.site}", node, roots=())


def check_backward(node, grads):
    """Raise if a gradient produced by `node`'s VJP is not finite."""
    for i, g in enumerate(grads):
        if g is not None and _bad(g):
            raise _error(
                f"{node.name} (created at {node.site or '<unknown>'}) produced a non-finite "
                f"gradient for its input {i} in backward",
                node,
                roots=(node,),
            )


def _error(message, node, roots):
    err = FloatingPointError(message)
    err.node = node
    err.graph = None
    try:
        from autograd import viz

        err.graph = viz.draw_nodes(roots or (node,), highlight={node})
    except Exception:  # the picture is a bonus; the error itself must always surface
        pass
    return err
