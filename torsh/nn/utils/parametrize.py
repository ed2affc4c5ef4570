"""Parametrizations: a module attribute computed from other tensors on every access.

After `register_parametrization(m, "weight", P)`, reading `m.weight` returns P(original), with
`original` a Parameter stored at `m.parametrizations.weight.original` (or `original0`,
`original1`, ... when P.right_inverse returns a tuple); assigning `m.weight = w` stores
P.right_inverse(w). Several parametrizations on one name are applied in registration order.
As in PyTorch, the module's class is swapped for a subclass that holds one property per
parametrized name, so `isinstance(m, type_before_parametrizations(m))` still holds.
"""
from __future__ import annotations

from contextlib import contextmanager

from ...autograd.grad_mode import no_grad
from ...tensor import Tensor
from ..containers import ModuleDict, ModuleList
from ..module import Module
from ..parameter import Parameter

__all__ = ["register_parametrization", "remove_parametrizations", "is_parametrized",
           "type_before_parametrizations", "cached", "ParametrizationList"]

_cache: dict | None = None     # {(module id, name): tensor} inside `with cached():`


class ParametrizationList(ModuleList):
    """The parametrizations of one tensor, and the tensor(s) they start from."""

    def __init__(self, modules, original: Tensor, unsafe: bool = False) -> None:
        super().__init__(modules)
        self.unsafe = unsafe
        with no_grad():
            new = original
            for module in reversed(list(self)):
                if hasattr(module, "right_inverse"):
                    new = module.right_inverse(new)
        requires_grad = original.requires_grad
        self.is_tensor = isinstance(new, Tensor)
        if self.is_tensor:
            self.ntensors = 1
            self.original = _parameter_like(original, new, requires_grad)
        else:
            self.ntensors = len(new)
            for i, tensor in enumerate(new):
                setattr(self, f"original{i}", Parameter(tensor.detach().clone(), requires_grad))
        if not unsafe:
            self._check_consistent(original)

    def _originals(self) -> tuple:
        if self.is_tensor:
            return (self.original,)
        return tuple(getattr(self, f"original{i}") for i in range(self.ntensors))

    def _check_consistent(self, original: Tensor) -> None:
        value = self()
        if not isinstance(value, Tensor):
            raise ValueError(f"A parametrization must return a tensor. Got "
                             f"{type(value).__name__}.")
        if value.dtype != original.dtype or tuple(value.shape) != tuple(original.shape):
            raise ValueError(f"Registering a parametrization may not change the shape or "
                             f"dtype of the tensor (unsafe=False): {original.dtype} "
                             f"{list(original.shape)} became {value.dtype} {list(value.shape)}")

    def right_inverse(self, value: Tensor) -> None:
        """Store the originals that make this list produce `value`."""
        with no_grad():
            for module in reversed(list(self)):
                if hasattr(module, "right_inverse"):
                    value = module.right_inverse(value)
            values = (value,) if self.is_tensor else tuple(value)
            if len(values) != self.ntensors:
                raise ValueError(f"'right_inverse' must return {self.ntensors} tensors")
            for stored, new in zip(self._originals(), values):
                if stored.shape != new.shape or stored.dtype != new.dtype:
                    raise ValueError(f"right_inverse returned {new.dtype} {list(new.shape)}; "
                                     f"expected {stored.dtype} {list(stored.shape)}")
                stored.copy_(new)

    def forward(self) -> Tensor:
        first, *rest = list(self)
        x = first(*self._originals())
        for module in rest:
            x = module(x)
        return x


def _parameter_like(original: Tensor, new: Tensor, requires_grad: bool) -> Tensor:
    """Keep the original Parameter object (so optimizers holding it still work) when the
    right inverse left its shape and dtype alone."""
    if isinstance(original, Parameter) and new.shape == original.shape \
            and new.dtype == original.dtype:
        with no_grad():
            original.copy_(new)
        return original
    return Parameter(new.detach().clone(), requires_grad)


def is_parametrized(module: Module, tensor_name: str | None = None) -> bool:
    """Whether `module` has parametrizations (on `tensor_name`, if given)."""
    parametrizations = module.__dict__.get("_modules", {}).get("parametrizations")
    if not isinstance(parametrizations, ModuleDict):
        return False
    return len(parametrizations) > 0 if tensor_name is None \
        else tensor_name in parametrizations


def type_before_parametrizations(module: Module) -> type:
    """The module's class before parametrizations replaced it."""
    cls = type(module)
    return cls.__bases__[0] if is_parametrized(module) else cls


def _property(name: str) -> property:
    def get(self):
        key = (id(self), name)
        if _cache is not None and key in _cache:
            return _cache[key]
        value = self.parametrizations[name]()
        if _cache is not None:
            _cache[key] = value
        return value

    def set_(self, value):
        self.parametrizations[name].right_inverse(value)
    return property(get, set_)


def register_parametrization(module: Module, tensor_name: str, parametrization: Module, *,
                             unsafe: bool = False) -> Module:
    """Make `module.<tensor_name>` the output of `parametrization` (see the module doc)."""
    if is_parametrized(module, tensor_name):
        plist = module.parametrizations[tensor_name]
        plist.append(parametrization)
        if not unsafe:
            value = plist()
            if not isinstance(value, Tensor):
                raise ValueError("A parametrization must return a tensor.")
        return module
    if tensor_name not in module._parameters and tensor_name not in module._buffers:
        raise ValueError(f"Module '{module}' has no parameter or buffer with name "
                         f"'{tensor_name}'")
    original = getattr(module, tensor_name)
    plist = ParametrizationList([parametrization], original, unsafe=unsafe)
    delattr(module, tensor_name)
    if not is_parametrized(module):
        cls = type(module)
        module.__class__ = type(f"Parametrized{cls.__name__}", (cls,), {})
        module.parametrizations = ModuleDict()
    module.parametrizations[tensor_name] = plist
    setattr(type(module), tensor_name, _property(tensor_name))
    return module


def remove_parametrizations(module: Module, tensor_name: str,
                            leave_parametrized: bool = True) -> Module:
    """Undo register_parametrization: `tensor_name` becomes a plain Parameter again, holding
    the parametrized value (leave_parametrized=True) or the original."""
    if not is_parametrized(module, tensor_name):
        raise ValueError(f"Module {module} does not have a parametrization on {tensor_name}")
    plist = module.parametrizations[tensor_name]
    if leave_parametrized:
        with no_grad():
            value = getattr(module, tensor_name)
        requires_grad = plist._originals()[0].requires_grad
        if plist.is_tensor and value.shape == plist.original.shape \
                and value.dtype == plist.original.dtype:
            with no_grad():
                plist.original.copy_(value)
            value = plist.original
        else:
            value = Parameter(value.detach().clone(), requires_grad)
    else:
        if not plist.is_tensor:
            raise ValueError("Cannot leave unparametrized (`leave_parametrized=False`) a "
                             "tensor that is parametrized in terms of a sequence of tensors.")
        value = plist.original
    delattr(type(module), tensor_name)
    del module.parametrizations[tensor_name]
    module.register_parameter(tensor_name, value if isinstance(value, Parameter)
                              else Parameter(value))
    if not module.parametrizations:
        delattr(module, "parametrizations")
        module.__class__ = type(module).__bases__[0]
    return module


@contextmanager
def cached():
    """Inside the block, each parametrized tensor is computed once and reused."""
    global _cache
    outer = _cache
    _cache = {} if outer is None else outer
    try:
        yield
    finally:
        _cache = outer
