"""Containers: Sequential (a chain of modules) and ModuleList (a list that registers)."""
from collections import OrderedDict

from nn.module import Module


class _Numbered(Module):
    """Children named "0", "1", ... (or by the caller): length, iteration, append, indexing."""

    def __len__(self):
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules.values())

    def append(self, module):
        """Add `module` at the end; return self."""
        self.add_module(str(len(self)), module)
        return self

    def _position(self, index):
        n = len(self)
        if not -n <= index < n:
            raise IndexError(f"{type(self).__name__}: index {index} is out of range for {n} modules")
        return index % n

    def __getitem__(self, index):
        items = list(self._modules.items())
        if isinstance(index, slice):
            return self._slice(items[index])
        return items[self._position(index)][1]


class Sequential(_Numbered):
    """Run modules one after another; children are named "0", "1", ... (or by an OrderedDict).

    Examples
    --------
    >>> model = nn.Sequential(nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 10))
    >>> list(model.state_dict())
    ['0.weight', '0.bias', '2.weight', '2.bias']
    >>> model[0]
    Linear(in_features=64, out_features=32, bias=True)
    """

    def __init__(self, *modules):
        super().__init__()
        if len(modules) == 1 and isinstance(modules[0], OrderedDict):
            for name, module in modules[0].items():
                self.add_module(name, module)
        else:
            for module in modules:
                self.append(module)

    def forward(self, x):
        for module in self._modules.values():
            x = module(x)
        return x

    @staticmethod
    def _slice(items):
        return Sequential(OrderedDict(items))


class ModuleList(_Numbered):
    """A list of modules whose parameters are registered ("0.weight", "1.weight", ...).

    Examples
    --------
    >>> blocks = nn.ModuleList([nn.Linear(8, 8) for _ in range(3)])
    >>> len(list(blocks.parameters()))
    6
    """

    def __init__(self, modules=()):
        super().__init__()
        self.extend(modules)

    @staticmethod
    def _slice(items):
        return ModuleList(module for _, module in items)

    def __setitem__(self, index, module):
        self.add_module(str(self._position(index)), module)

    def extend(self, modules):
        """Append every module of `modules`; return self."""
        for module in modules:
            self.append(module)
        return self
