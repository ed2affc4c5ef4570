"""Python operators on tensors, each mapped to the op that defines it.

`a + b` is `add(a, b)`, `2 - a` is `sub(2, a)`, `a @ b` is `matmul(a, b)`, `a += b` is
`a.add_(b)`, and so on. This table is the only place the mapping lives.
"""
from __future__ import annotations

import numpy as np

from ..tensor import Tensor
from ._op import METHODS, PUBLIC

# operator -> (op name, in-place method)
_BINARY = {
    "add": ("add", "add_"), "sub": ("sub", "sub_"), "mul": ("mul", "mul_"),
    "truediv": ("div", "div_"), "floordiv": ("floor_divide", "floor_divide_"),
    "mod": ("remainder", "remainder_"), "pow": ("pow", "pow_"), "matmul": ("matmul", None),
    "and": ("bitwise_and", "bitwise_and_"), "or": ("bitwise_or", "bitwise_or_"),
    "xor": ("bitwise_xor", "bitwise_xor_"), "lshift": ("bitwise_left_shift",
                                                        "bitwise_left_shift_"),
    "rshift": ("bitwise_right_shift", "bitwise_right_shift_"),
}
_COMPARISONS = {"eq": "eq", "ne": "ne", "lt": "lt", "le": "le", "gt": "gt", "ge": "ge"}


def _is_operand(value, name: str = "") -> bool:
    """Tensors and numbers take part in operators; anything else gets Python's NotImplemented,
    so `t + "a"` is Python's TypeError and `t == None` is False, as in PyTorch. `@` takes
    tensors only (`t @ 2` is Python's TypeError)."""
    if name == "matmul":
        return isinstance(value, Tensor)
    return isinstance(value, (Tensor, bool, int, float)) or isinstance(value, np.generic)


def _plain(value):
    """numpy scalars become Python numbers (they promote as Python scalars do)."""
    return value.item() if isinstance(value, np.generic) else value


def _forward(name):
    function = None

    def forward(self, other):
        nonlocal function
        if function is None:          # looked up on first use: every op module is loaded then
            function = PUBLIC[name]
        if type(other) is type(self):     # the common case, first
            return function(self, other)
        if not _is_operand(other, name):
            return NotImplemented
        return function(self, _plain(other))
    forward.__name__ = name
    return forward


def _reflected(name):
    def reflected(self, other):
        if not _is_operand(other, name):
            return NotImplemented
        if name == "matmul":
            return PUBLIC[name](other, self)
        from ..dispatch import scalar_tensor
        other = _plain(other)
        if isinstance(other, (int, float, bool)):
            other = scalar_tensor(other, device=self.device)
        return PUBLIC[name](other, self)
    return reflected


def _inplace(method):
    def inplace(self, other):
        if not _is_operand(other):
            return NotImplemented
        return METHODS[method](self, _plain(other))
    return inplace


def operator_methods() -> dict:
    table = {}
    for dunder, (name, inplace) in _BINARY.items():
        table[f"__{dunder}__"] = _forward(name)
        table[f"__r{dunder}__"] = _reflected(name)
        if inplace:
            table[f"__i{dunder}__"] = _inplace(inplace)
    for dunder, name in _COMPARISONS.items():
        table[f"__{dunder}__"] = _forward(name)
    table["__neg__"] = lambda self: PUBLIC["neg"](self)
    table["__pos__"] = lambda self: PUBLIC["positive"](self)
    table["__abs__"] = lambda self: PUBLIC["abs"](self)
    table["__invert__"] = lambda self: PUBLIC["bitwise_not"](self)
    # numpy defers to the tensor's reflected operator (np.float64(2) * t is a Tensor), as
    # PyTorch's Tensor.__array_priority__ = 1000 arranges.
    table["__array_priority__"] = 1000
    return table


METHODS.update(operator_methods())
