"""`Optimizer`: parameter groups, per-parameter state, atomic steps, state dicts.

A subclass gives its defaults, checks a group's hyperparameters (`check_group`) and
updates one parameter in place (`update`). `step()` first checks every group and
every gradient, and only then updates anything, so a step that fails leaves every
parameter and every state array as it was. Steps run under `no_grad`.
"""
import math
import numbers

import numpy as np

from autograd.mode import enable_grad, no_grad
from autograd.tensor import Tensor, mark_modified


def check_number(name, value, low=0.0, high=None, high_open=False, optimizer="optimizer"):
    """Raise ValueError unless `value` is a real number in [low, high] (or [low, high))."""
    if type(value) not in (float, int) and (isinstance(value, bool) or not isinstance(value, numbers.Real)):
        raise ValueError(f"{optimizer}: invalid {name}: {value!r} (expected a finite number)")
    if not math.isfinite(value):
        raise ValueError(f"{optimizer}: invalid {name}: {value!r} (expected a finite number)")
    if value < low or (high is not None and (value >= high if high_open else value > high)):
        bound = "" if high is None else f" and {'<' if high_open else '<='} {high}"
        raise ValueError(f"{optimizer}: invalid {name}: {value} (expected >= {low}{bound})")


class Optimizer:
    """Base class of the optimizers: holds `param_groups` and `state`.

    Parameters
    ----------
    params : iterable of Parameters, or of dicts
        Either the parameters, or parameter groups: dicts with a "params" list and
        per-group hyperparameters that override the defaults.
    defaults : dict
        Default hyperparameters for every group.

    Examples
    --------
    >>> opt = nn.optim.SGD([{"params": model[0].parameters(), "lr": 0.1},
    ...                     {"params": model[2].parameters()}], lr=0.01, momentum=0.9)
    >>> opt.param_groups[1]["lr"]
    0.01
    """

    def __init__(self, params, defaults):
        self.defaults = dict(defaults)
        self.state = {}
        self.param_groups = []
        if isinstance(params, Tensor):
            raise TypeError(
                f"{type(self).__name__}: params should be an iterable of Tensors or dicts, "
                "got a single Tensor"
            )
        groups = list(params)
        if not groups:
            raise ValueError(f"{type(self).__name__}: got an empty parameter list")
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        for group in groups:
            self.add_param_group(group)

    def __repr__(self):
        lines = [f"{type(self).__name__} ("]
        for i, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            lines.extend(f"    {k}: {v}" for k, v in sorted(group.items()) if k != "params")
        return "\n".join(lines) + "\n)"

    # --------------------------------------------------------------- groups
    def add_param_group(self, group):
        """Add a group: a dict with "params" and optional hyperparameter overrides."""
        if not isinstance(group, dict):
            raise TypeError(f"{type(self).__name__}: a parameter group must be a dict, got {type(group).__name__}")
        params = group.get("params")
        params = [params] if isinstance(params, Tensor) else list(params or ())
        seen = {id(p) for g in self.param_groups for p in g["params"]}
        for p in params:
            if not isinstance(p, Tensor):
                raise TypeError(f"{type(self).__name__} can only optimize Tensors, got {type(p).__name__}")
            if not p.requires_grad or not p.is_leaf:
                raise ValueError(f"{type(self).__name__}: cannot optimize a tensor that is not a leaf requiring grad")
            if id(p) in seen:
                raise ValueError(f"{type(self).__name__}: a parameter appears twice in the parameter groups")
            seen.add(id(p))
        filled = dict(self.defaults)
        filled.update({k: v for k, v in group.items() if k != "params"})
        filled["params"] = params
        self.check_group(filled)
        self.param_groups.append(filled)

    def check_group(self, group):
        """Raise ValueError for a hyperparameter out of range (subclasses extend)."""
        check_number("learning rate", group["lr"], optimizer=type(self).__name__)

    # ----------------------------------------------------------------- step
    def zero_grad(self, set_to_none=True):
        """Reset the gradient of every parameter (to None by default)."""
        for group in self.param_groups:
            for p in group["params"]:
                if set_to_none or p.grad is None:
                    p.grad = None
                else:
                    p.grad = Tensor(np.zeros_like(p.data))

    def step(self, closure=None):
        """Update every parameter that has a gradient (those whose grad is None are skipped).

        Parameters
        ----------
        closure : callable, optional
            Re-evaluates the model and returns the loss (called with grad enabled).

        Returns
        -------
        The closure's loss, or None.
        """
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        work = []
        for group in self.param_groups:
            self.check_group(group)
            for p in group["params"]:
                if p.grad is None:
                    continue
                g = p.grad.data
                self._check_param(p, g)
                if g.dtype != p.dtype:
                    g = g.astype(p.dtype)
                work.append((p, g, group))
        try:  # every check passed: only now does anything change
            with no_grad():
                for p, g, group in work:
                    self.update(p.data, g, self.state.setdefault(p, {}), group)
        finally:
            mark_modified(*(p for p, _, _ in work))  # graphs that saved the old values refuse backward
        return loss

    def _check_param(self, p, g):
        """Raise ValueError unless `p` can take this step: writable float data, a float
        gradient of its shape, and state arrays (if any) of its shape. (Cheap when all
        is well: the messages are built only on failure.)"""
        data = p.data
        if data.dtype.kind != "f" or not data.flags.writeable or g.dtype.kind != "f" or g.shape != data.shape:
            name, label = type(self).__name__, self._label(p)
            if data.dtype.kind != "f":
                raise ValueError(f"{name}.step: {label} has dtype {data.dtype}; only float parameters can be optimized")
            if not data.flags.writeable:
                raise ValueError(f"{name}.step: {label} has read-only data (it cannot be updated in place)")
            raise ValueError(f"{name}.step: {label} has a gradient of shape {g.shape} and dtype {g.dtype}")
        state = self.state.get(p)
        if state:
            for key, value in state.items():
                if type(value) is np.ndarray and (value.shape != data.shape or not value.flags.writeable):
                    raise ValueError(f"{type(self).__name__}.step: state {key!r} of {self._label(p)} has shape "
                                     f"{value.shape}{'' if value.flags.writeable else ' and is read-only'}")

    @staticmethod
    def _label(p):
        return f"parameter {p.name + ' ' if p.name else ''}of shape {p.shape}"

    def required_state(self, group):
        """The keys a parameter's (non-empty) state must have under `group` (subclasses)."""
        return ()

    def update(self, param, grad, state, group):
        """Update the array `param` in place from `grad`; `state` is this parameter's dict."""
        raise NotImplementedError(f"{type(self).__name__} must define update() (its rule)")

    # ----------------------------------------------------------- state dicts
    def state_dict(self):
        """{"state": {index: {name: array or number}}, "param_groups": [group dicts]}.

        Parameters are replaced by their index in group order, as PyTorch; arrays are
        copies. `nn.save` writes the result.
        """
        index = {}
        groups = []
        for group in self.param_groups:
            packed = {k: v for k, v in group.items() if k != "params"}
            packed["params"] = [index.setdefault(id(p), len(index)) for p in group["params"]]
            groups.append(packed)
        state = {
            index[id(p)]: {k: (v.copy() if isinstance(v, np.ndarray) else v) for k, v in s.items()}
            for p, s in self.state.items() if id(p) in index
        }
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict):
        """Restore groups' hyperparameters and per-parameter state from `state_dict`.

        Everything is checked first (group count and sizes, state array shapes,
        hyperparameters); on any problem a ValueError is raised and nothing changes.
        """
        name = type(self).__name__
        try:
            saved_groups = list(state_dict["param_groups"])
            saved_state = dict(state_dict["state"])
        except (KeyError, TypeError):
            raise ValueError(f"{name}.load_state_dict: expected a dict with 'state' and 'param_groups'") from None
        if len(saved_groups) != len(self.param_groups):
            raise ValueError(f"{name}.load_state_dict: {len(saved_groups)} parameter groups saved, "
                             f"the optimizer has {len(self.param_groups)}")
        by_index = {}
        new_groups = []
        for group, saved in zip(self.param_groups, saved_groups):
            if not isinstance(saved, dict) or "params" not in saved:
                raise ValueError(f"{name}.load_state_dict: a saved parameter group lacks 'params'")
            indices = list(saved["params"])
            if len(indices) != len(group["params"]):
                raise ValueError(
                    f"{name}.load_state_dict: a saved group has {len(indices)} parameters, "
                    f"the optimizer's has {len(group['params'])}"
                )
            by_index.update({int(i): (p, group) for i, p in zip(indices, group["params"])})
            missing = [k for k in self.defaults if k not in saved and not isinstance(self.defaults[k], bool)]
            if missing:
                raise ValueError(f"{name}.load_state_dict: a saved parameter group lacks "
                                 f"{', '.join(map(repr, missing))}")
            # flags added to an optimizer later (maximize, ...) take their defaults, as torch
            merged = {k: v for k, v in self.defaults.items() if isinstance(v, bool)}
            merged.update((k, v) for k, v in saved.items() if k != "params")
            merged["params"] = group["params"]
            if isinstance(merged.get("betas"), (list, np.ndarray)):
                merged["betas"] = tuple(float(b) for b in merged["betas"])
            self.check_group(merged)
            new_groups.append(merged)
        new_state = {}
        for key, entries in saved_state.items():
            p, group = by_index.get(int(key), (None, None))
            if p is None:
                raise ValueError(f"{name}.load_state_dict: state for parameter {key}, which no group has")
            merged = new_groups[self.param_groups.index(group)]
            missing = [k for k in self.required_state(merged) if entries and k not in entries]
            if missing:
                raise ValueError(f"{name}.load_state_dict: the state of parameter {key} lacks "
                                 f"{', '.join(map(repr, missing))}")
            new_state[p] = {k: self._restore(p, k, v) for k, v in entries.items()}
        for group, merged in zip(self.param_groups, new_groups):
            group.clear()
            group.update(merged)
        self.state = new_state

    def _restore(self, p, key, value):
        if value is None or isinstance(value, (numbers.Number, np.generic)) or np.ndim(value) == 0:
            return value if value is None or isinstance(value, numbers.Number) else float(np.asarray(value))
        array = np.asarray(value.data if isinstance(value, Tensor) else value)
        if array.shape != p.shape:
            raise ValueError(
                f"{type(self).__name__}.load_state_dict: state {key!r} of shape {array.shape} "
                f"for a parameter of shape {p.shape}"
            )
        return array.astype(p.dtype, copy=True)
