"""Containers: modules that hold other modules or parameters in a list or a dict.

Sequential chains its children; ModuleList / ModuleDict register modules under index / key
names; ParameterList / ParameterDict do the same for parameters (plain tensors are wrapped
in Parameter). They compute nothing themselves except Sequential's chaining.
"""
from __future__ import annotations

import operator
from collections import OrderedDict

from ..tensor import Tensor
from .module import Module, _addindent
from .parameter import Parameter

__all__ = ["Sequential", "ModuleList", "ModuleDict", "ParameterList", "ParameterDict"]


def _index(index, length: int, kind: str) -> int:
    index = operator.index(index)
    if not -length <= index < length:
        raise IndexError(f"index {index} is out of range")
    return index + length if index < 0 else index


class _IndexedModules(Module):
    """Shared code of Sequential and ModuleList: children named "0", "1", ..."""

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules.values())

    def __getitem__(self, index):
        if isinstance(index, slice):
            return self._from_slice(index)
        return list(self._modules.values())[_index(index, len(self), type(self).__name__)]

    def __setitem__(self, index, module) -> None:
        key = list(self._modules)[_index(index, len(self), type(self).__name__)]
        setattr(self, key, module)

    def __delitem__(self, index) -> None:
        keys = list(self._modules)
        if isinstance(index, slice):
            for key in keys[index]:
                del self._modules[key]
        else:
            del self._modules[keys[_index(index, len(keys), type(self).__name__)]]
        values = list(self._modules.values())
        self._modules.clear()
        for i, module in enumerate(values):
            self._modules[str(i)] = module

    def append(self, module):
        self.add_module(str(len(self)), module)
        return self

    def extend(self, modules):
        for module in modules:
            self.append(module)
        return self

    def insert(self, index: int, module) -> None:
        values = list(self._modules.values())
        values.insert(index, module)
        self._modules.clear()
        for i, value in enumerate(values):
            self.add_module(str(i), value)

    def pop(self, index=-1):
        module = self[index]
        del self[index]
        return module

    def __dir__(self):
        return [k for k in super().__dir__() if not k.isdigit()]


class Sequential(_IndexedModules):
    """Sequential(*modules) or Sequential(OrderedDict): forward(x) = m_n(...m_1(x))."""

    def __init__(self, *args) -> None:
        super().__init__()
        if len(args) == 1 and isinstance(args[0], OrderedDict):
            for name, module in args[0].items():
                self.add_module(name, module)
        else:
            for i, module in enumerate(args):
                self.add_module(str(i), module)

    def _from_slice(self, index: slice) -> "Sequential":
        """A slice keeps the children's names, as in PyTorch."""
        return type(self)(OrderedDict(list(self._modules.items())[index]))

    def forward(self, input):
        for module in self:
            input = module(input)
        return input

    def __add__(self, other: "Sequential") -> "Sequential":
        if not isinstance(other, Sequential):
            raise ValueError(f"add operator supports only objects of Sequential class, but "
                             f"{type(other)} is given.")
        return Sequential(*self, *other)


class ModuleList(_IndexedModules):
    """ModuleList(modules=None): a list whose modules are registered as children."""

    def __init__(self, modules=None) -> None:
        super().__init__()
        if modules is not None:
            self.extend(modules)

    def _from_slice(self, index: slice) -> "ModuleList":
        """A slice is renumbered from 0."""
        return type(self)(list(self._modules.values())[index])

    def __iadd__(self, modules) -> "ModuleList":
        return self.extend(modules)

    def __add__(self, other) -> "ModuleList":
        return ModuleList(list(self) + list(other))

    def forward(self, *args, **kwargs):
        raise NotImplementedError("ModuleList has no forward: iterate over its modules")

    def __repr__(self) -> str:
        """Runs of identical module reprs are folded: (0-2): 3 x Linear(...)."""
        reprs = [repr(m) for m in self]
        name = type(self).__name__
        if not reprs:
            return name + "()"
        lines, start = [], 0
        while start < len(reprs):
            end = start
            while end + 1 < len(reprs) and reprs[end + 1] == reprs[start]:
                end += 1
            body = _addindent(reprs[start], 2)
            if end == start:
                lines.append(f"({start}): {body}")
            else:
                lines.append(f"({start}-{end}): {end - start + 1} x {body}")
            start = end + 1
        return name + "(\n  " + "\n  ".join(lines) + "\n)"


class ModuleDict(Module):
    """ModuleDict(modules=None): an ordered dict whose modules are registered as children."""

    def __init__(self, modules=None) -> None:
        super().__init__()
        if modules is not None:
            self.update(modules)

    def __getitem__(self, key: str) -> Module:
        return self._modules[key]

    def __setitem__(self, key: str, module: Module) -> None:
        self.add_module(key, module)

    def __delitem__(self, key: str) -> None:
        del self._modules[key]

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules)

    def __contains__(self, key) -> bool:
        return key in self._modules

    def clear(self) -> None:
        self._modules.clear()

    def pop(self, key: str) -> Module:
        module = self[key]
        del self[key]
        return module

    def keys(self):
        return self._modules.keys()

    def items(self):
        return self._modules.items()

    def values(self):
        return self._modules.values()

    def update(self, modules) -> None:
        items = modules.items() if hasattr(modules, "items") else modules
        for key, module in items:
            self[key] = module

    def forward(self, *args, **kwargs):
        raise NotImplementedError("ModuleDict has no forward: index it by key")


def _as_parameter(value):
    if isinstance(value, Tensor) and not isinstance(value, Parameter):
        return Parameter(value)
    return value


def _param_line(key, value, type_name) -> str:
    """One line of a ParameterList/Dict repr: (key): Parameter containing: [dtype of size AxB]."""
    if isinstance(value, Tensor):
        size = "x".join(str(s) for s in value.shape)
        kind = "Parameter containing" if isinstance(value, Parameter) else "Tensor"
        return f"  ({key}): {kind}: [{type_name(value)} of size {size}]"
    return f"  ({key}): Object of type: {type(value).__name__}"


class ParameterList(Module):
    """ParameterList(values=None): a list of parameters registered under "0", "1", ..."""

    def __init__(self, values=None) -> None:
        super().__init__()
        object.__setattr__(self, "_size", 0)
        if values is not None:
            self.extend(values)

    def __len__(self) -> int:
        return self._size

    def __getitem__(self, index):
        if isinstance(index, slice):
            return ParameterList([self[i] for i in range(len(self))[index]])
        return getattr(self, str(_index(index, len(self), "ParameterList")))

    def __setitem__(self, index, value) -> None:
        setattr(self, str(_index(index, len(self), "ParameterList")), _as_parameter(value))

    def __iter__(self):
        return (self[i] for i in range(len(self)))

    def append(self, value) -> "ParameterList":
        object.__setattr__(self, "_size", self._size + 1)
        setattr(self, str(self._size - 1), _as_parameter(value))
        return self

    def extend(self, values) -> "ParameterList":
        for value in values:
            self.append(value)
        return self

    def __iadd__(self, values) -> "ParameterList":
        return self.extend(values)

    def extra_repr(self) -> str:
        return "\n".join(_param_line(i, p, lambda t: str(t.dtype))
                         for i, p in enumerate(self))

    def __repr__(self) -> str:
        return f"{self._get_name()}(" + self.extra_repr() + ")"

    def forward(self, *args, **kwargs):
        raise NotImplementedError("ParameterList has no forward")


class ParameterDict(Module):
    """ParameterDict(parameters=None): an ordered dict of parameters keyed by name."""

    def __init__(self, parameters=None) -> None:
        super().__init__()
        object.__setattr__(self, "_keys", {})
        if parameters is not None:
            self.update(parameters)

    def __getitem__(self, key: str):
        return getattr(self, key)

    def __setitem__(self, key: str, value) -> None:
        self._keys[key] = None
        setattr(self, key, _as_parameter(value))

    def __delitem__(self, key: str) -> None:
        del self._keys[key]
        delattr(self, key)

    def __len__(self) -> int:
        return len(self._keys)

    def __iter__(self):
        return iter(self._keys)

    def __contains__(self, key) -> bool:
        return key in self._keys

    def keys(self):
        return self._keys.keys()

    def values(self):
        return [self[k] for k in self._keys]

    def items(self):
        return [(k, self[k]) for k in self._keys]

    def pop(self, key: str):
        value = self[key]
        del self[key]
        return value

    def clear(self) -> None:
        for key in list(self._keys):
            del self[key]

    def update(self, parameters) -> None:
        items = parameters.items() if hasattr(parameters, "items") else parameters
        for key, value in items:
            self[key] = value

    def extra_repr(self) -> str:
        return "\n".join(_param_line(k, v, lambda t: t.type()) for k, v in self.items())

    def __repr__(self) -> str:
        return f"{self._get_name()}(" + self.extra_repr() + ")"

    def forward(self, *args, **kwargs):
        raise NotImplementedError("ParameterDict has no forward")
