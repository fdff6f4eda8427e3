"""`Module`: the base class of every layer, with parameters, buffers and state dicts.

A Module keeps three ordered registries: its own Parameters, its buffers (Tensors that
are state but not learned, such as batch norm's running statistics) and its child
Modules. Assigning a Parameter or a Module to an attribute registers it, as in PyTorch.
Each registered tensor's `.name` is kept equal to its qualified name inside the
outermost module it was attached to (``"features.0.weight"``), so graph pictures can
label it.
"""
from collections import namedtuple

import numpy as np

from autograd.mode import state
from autograd.tensor import Tensor, mark_modified
from nn.parameter import Parameter

IncompatibleKeys = namedtuple("IncompatibleKeys", ["missing_keys", "unexpected_keys"])


class StateDictError(RuntimeError, ValueError):
    """A state dict that does not fit the module (PyTorch raises RuntimeError; the
    SPEC's error rules say ValueError for shape mismatches: this is both)."""


def _check_name(owner, name, kind):
    if not isinstance(name, str):
        raise TypeError(f"{kind} name should be a string, got {type(name).__name__}")
    if not name or "." in name:
        raise KeyError(f"{kind} name {name!r} must be a non-empty string without '.'")
    if hasattr(type(owner), name):
        raise KeyError(f"{kind} name {name!r} clashes with an attribute of {type(owner).__name__}")


class Module:
    """Base class for layers and models: subclass it and write `forward`.

    Examples
    --------
    >>> class MLP(nn.Module):
    ...     def __init__(self):
    ...         super().__init__()
    ...         self.fc1 = nn.Linear(4, 8)     # registered as a child module
    ...         self.fc2 = nn.Linear(8, 2)
    ...     def forward(self, x):
    ...         return self.fc2(ops.relu(self.fc1(x)))
    >>> model = MLP()
    >>> [name for name, _ in model.named_parameters()]
    ['fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias']
    """

    def __init__(self):
        object.__setattr__(self, "training", True)
        object.__setattr__(self, "_parameters", {})
        object.__setattr__(self, "_buffers", {})
        object.__setattr__(self, "_non_persistent", set())
        object.__setattr__(self, "_modules", {})

    def forward(self, *args, **kwargs):
        raise NotImplementedError(f"{type(self).__name__} has no forward()")

    def __call__(self, *args, **kwargs):
        tracer = state.trace  # set inside autograd.viz.trace()
        if tracer is None:
            return self.forward(*args, **kwargs)
        with tracer.module(self):  # the graph picture groups this call's ops
            return self.forward(*args, **kwargs)

    # ----------------------------------------------------------- registration
    def _registries(self):
        try:
            return self.__dict__["_parameters"], self.__dict__["_buffers"], self.__dict__["_modules"]
        except KeyError:
            raise AttributeError(
                f"cannot assign parameters, buffers or modules before {type(self).__name__}"
                ".__init__() calls super().__init__()"
            ) from None

    def __setattr__(self, name, value):
        if isinstance(value, (Parameter, Module)):
            params, buffers, modules = self._registries()
            self.__dict__.pop(name, None)
            for registry in (params, buffers, modules):
                registry.pop(name, None)
            self._non_persistent.discard(name)
            if isinstance(value, Parameter):
                params[name] = value
                value.name = name
            else:
                modules[name] = value
                value._rename(name + ".")
            return
        for registry, kind, expected in (("_parameters", "parameter", "nn.Parameter"),
                                         ("_modules", "child module", "nn.Module")):
            entries = self.__dict__.get(registry)
            if entries is not None and name in entries:
                if value is not None:
                    raise TypeError(
                        f"cannot assign {type(value).__name__} as {kind} {name!r} ({expected} or None expected)"
                    )
                entries[name] = None
                return
        buffers = self.__dict__.get("_buffers")
        if buffers is not None and name in buffers:
            buffers[name] = None if value is None else self._as_buffer(name, value)
        else:
            object.__setattr__(self, name, value)

    def __getattr__(self, name):  # only called when normal lookup fails
        for registry in ("_parameters", "_buffers", "_modules"):
            entries = self.__dict__.get(registry)
            if entries is not None and name in entries:
                return entries[name]
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def __delattr__(self, name):
        for registry in ("_parameters", "_buffers", "_modules"):
            entries = self.__dict__.get(registry)
            if entries is not None and name in entries:
                del entries[name]
                self._non_persistent.discard(name)
                return
        object.__delattr__(self, name)

    @staticmethod
    def _as_buffer(name, value):
        if isinstance(value, Tensor):
            tensor = value if not value.requires_grad else value.detach()
        else:
            tensor = Tensor(np.asarray(value))
        tensor.name = name
        return tensor

    def register_buffer(self, name, tensor, persistent=True):
        """Add a buffer: state that is saved and loaded but not learned.

        Parameters
        ----------
        name : str
        tensor : array_like, Tensor or None
            Wrapped as a Tensor without gradient (None declares an absent buffer).
        persistent : bool
            Whether `state_dict()` includes it.

        Examples
        --------
        >>> self.register_buffer("running_mean", np.zeros(16, dtype=np.float32))
        """
        _check_name(self, name, "buffer")
        _, buffers, _ = self._registries()
        if name in self.__dict__ or name in self._parameters or name in self._modules:
            raise KeyError(f"attribute {name!r} already exists")
        buffers[name] = None if tensor is None else self._as_buffer(name, tensor)
        if persistent:
            self._non_persistent.discard(name)
        else:
            self._non_persistent.add(name)

    def register_parameter(self, name, param):
        """Add a Parameter (or None, for an absent optional one such as a bias)."""
        _check_name(self, name, "parameter")
        if param is not None and not isinstance(param, Parameter):
            raise TypeError(
                f"cannot assign {type(param).__name__} as parameter {name!r} (nn.Parameter or None expected)"
            )
        params, _, _ = self._registries()
        if param is None:
            self.__dict__.pop(name, None)
            params[name] = None
        else:
            setattr(self, name, param)

    def add_module(self, name, module):
        """Add a child module (or None) under `name`."""
        _check_name(self, name, "module")
        if module is not None and not isinstance(module, Module):
            raise TypeError(f"{type(module).__name__} is not a Module subclass")
        _, _, modules = self._registries()
        if module is None:
            modules[name] = None
        else:
            setattr(self, name, module)

    def _rename(self, prefix):
        """Give every tensor below this module its qualified name under `prefix`."""
        for name, t in self._named_tensors(prefix):
            t.name = name

    def _named_tensors(self, prefix="", persistent_only=False):
        """(qualified name, tensor) for every parameter and buffer, PyTorch's order."""
        for module_prefix, module in self.named_modules(prefix=prefix.rstrip(".")):
            dot = module_prefix + "." if module_prefix else ""
            for name, p in module._parameters.items():
                if p is not None:
                    yield dot + name, p
            for name, b in module._buffers.items():
                if b is not None and not (persistent_only and name in module._non_persistent):
                    yield dot + name, b

    # -------------------------------------------------------------- traversal
    def named_modules(self, memo=None, prefix=""):
        """(qualified name, module) for this module and every descendant, once each."""
        memo = set() if memo is None else memo
        if id(self) in memo:
            return
        memo.add(id(self))
        yield prefix, self
        for name, child in self._modules.items():
            if child is not None:
                yield from child.named_modules(memo, prefix + "." + name if prefix else name)

    def modules(self):
        """This module and every descendant."""
        for _, m in self.named_modules():
            yield m

    def named_children(self):
        """(name, module) for the direct children."""
        for name, child in self._modules.items():
            if child is not None:
                yield name, child

    def children(self):
        """The direct child modules."""
        for _, child in self.named_children():
            yield child

    def named_parameters(self, prefix="", recurse=True):
        """(qualified name, Parameter) pairs, each parameter once.

        Examples
        --------
        >>> dict(nn.Linear(3, 2).named_parameters()).keys()
        dict_keys(['weight', 'bias'])
        """
        seen = set()
        modules = self.named_modules(prefix=prefix) if recurse else [(prefix, self)]
        for module_prefix, module in modules:
            for name, p in module._parameters.items():
                if p is not None and id(p) not in seen:
                    seen.add(id(p))
                    yield (module_prefix + "." + name if module_prefix else name), p

    def parameters(self, recurse=True):
        """Every Parameter, once each (what an optimizer takes)."""
        for _, p in self.named_parameters(recurse=recurse):
            yield p

    def named_buffers(self, prefix="", recurse=True):
        """(qualified name, buffer Tensor) pairs."""
        modules = self.named_modules(prefix=prefix) if recurse else [(prefix, self)]
        for module_prefix, module in modules:
            for name, b in module._buffers.items():
                if b is not None:
                    yield (module_prefix + "." + name if module_prefix else name), b

    def buffers(self, recurse=True):
        """Every buffer Tensor."""
        for _, b in self.named_buffers(recurse=recurse):
            yield b

    def apply(self, fn):
        """Call `fn(module)` on every child (recursively), then on self; return self."""
        for child in self.children():
            child.apply(fn)
        fn(self)
        return self

    # ------------------------------------------------------------------ modes
    def train(self, mode=True):
        """Set training mode (dropout active, batch norm on batch statistics); return self."""
        if not isinstance(mode, bool):
            raise TypeError(f"train(mode): mode must be a bool, got {type(mode).__name__}")
        for m in self.modules():
            object.__setattr__(m, "training", mode)
        return self

    def eval(self):
        """Set evaluation mode; same as `train(False)`."""
        return self.train(False)

    def zero_grad(self, set_to_none=True):
        """Reset every parameter's gradient (to None, or to zeros)."""
        for p in self.parameters():
            if set_to_none or p.grad is None:
                p.grad = None
            else:
                p.grad = Tensor(np.zeros_like(p.data))

    def to(self, dtype):
        """Cast every floating-point parameter and buffer to `dtype` in place; return self.

        Parameters keep their identity (an optimizer built before still holds them);
        gradients are cleared.
        """
        dtype = np.dtype(dtype)
        if dtype.kind != "f":
            raise TypeError(f"Module.to: expected a float dtype, got {dtype}")
        for _, t in self._named_tensors():
            if t.dtype.kind == "f":
                t.data = t.data.astype(dtype)
                t.grad = None
        return self

    def double(self):
        """Cast floating-point parameters and buffers to float64."""
        return self.to(np.float64)

    def float(self):
        """Cast floating-point parameters and buffers to float32."""
        return self.to(np.float32)

    # ------------------------------------------------------------ state dicts
    def state_dict(self, keep_vars=False):
        """Parameters and persistent buffers by qualified name, as array copies.

        Parameters
        ----------
        keep_vars : bool
            Return the Tensors themselves instead of copies of their arrays.

        Returns
        -------
        dict
            ``{"0.weight": ndarray, ..., "1.running_mean": ndarray, ...}`` in
            PyTorch's order; `nn.save` writes it.
        """
        return {
            name: (t if keep_vars else t.data.copy())
            for name, t in self._named_tensors(persistent_only=True)
        }

    def load_state_dict(self, state_dict, strict=True):
        """Copy arrays from `state_dict` into the parameters and buffers.

        Every problem (missing and unexpected keys when `strict`, shape mismatches,
        values that are not numeric arrays) is listed in one `StateDictError`, and then
        nothing has been changed: the copy happens only if everything fits.

        Returns
        -------
        IncompatibleKeys
            ``(missing_keys, unexpected_keys)``, both empty under `strict`.

        Examples
        --------
        >>> model.load_state_dict(nn.load("model.npz"))
        IncompatibleKeys(missing_keys=[], unexpected_keys=[])
        """
        if not hasattr(state_dict, "keys"):
            raise TypeError(f"load_state_dict expects a dict, got {type(state_dict).__name__}")
        targets = dict(self._named_tensors(persistent_only=True))
        missing = [k for k in targets if k not in state_dict]
        unexpected = [k for k in state_dict if k not in targets]
        problems = []
        if strict and unexpected:
            problems.append("Unexpected key(s) in state_dict: " + ", ".join(f'"{k}"' for k in unexpected) + ".")
        if strict and missing:
            problems.append("Missing key(s) in state_dict: " + ", ".join(f'"{k}"' for k in missing) + ".")
        staged = []
        for name, target in targets.items():
            if name not in state_dict:
                continue
            value = state_dict[name]
            try:
                array = np.asarray(value.data if isinstance(value, Tensor) else value)
            except Exception as error:  # noqa: BLE001  any conversion failure is reported
                problems.append(f"value for {name} is not an array ({error}).")
                continue
            if array.dtype.kind not in "biuf":
                problems.append(f"value for {name} has dtype {array.dtype}, not a numeric array.")
            elif array.shape != target.shape:
                problems.append(
                    f"size mismatch for {name}: copying a param with shape {array.shape} from "
                    f"checkpoint, the shape in current model is {target.shape}."
                )
            else:
                staged.append((target, array))
        if problems:
            raise StateDictError(
                f"Error(s) in loading state_dict for {type(self).__name__}:\n\t" + "\n\t".join(problems)
            )
        for target, array in staged:
            np.copyto(target.data, array, casting="unsafe")
        mark_modified(*(target for target, _ in staged))
        return IncompatibleKeys(missing, unexpected)

    # ------------------------------------------------------------------- repr
    def extra_repr(self):
        """The text between the parentheses of this module's repr."""
        return ""

    def __repr__(self):
        lines = []
        extra = self.extra_repr()
        if extra:
            lines.extend(extra.split("\n"))
        for name, child in self._modules.items():
            body = repr(child).replace("\n", "\n  ")
            lines.append(f"({name}): {body}")
        if not lines:
            return f"{type(self).__name__}()"
        if len(lines) == 1 and not self._modules:
            return f"{type(self).__name__}({lines[0]})"
        return f"{type(self).__name__}(\n  " + "\n  ".join(lines) + "\n)"
