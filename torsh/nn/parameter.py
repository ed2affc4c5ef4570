"""Parameter and Buffer: the tensors a Module owns and registers by assignment.

`Parameter` is a Tensor subclass that shares its data's storage and requires grad by default;
assigning one to a Module attribute registers it as a parameter. `Buffer` marks a tensor that
should be registered as a buffer (state that is saved but not trained, like running means).
Results of ops on a Parameter are plain Tensors, as in PyTorch.
"""
from __future__ import annotations

from ..tensor import Tensor

__all__ = ["Parameter", "Buffer", "is_lazy"]


def _empty():
    from .. import empty
    return empty(0)


class Parameter(Tensor):
    """A Tensor that is a module parameter: Parameter(data, requires_grad=True) shares data."""

    def __new__(cls, data=None, requires_grad=True):
        if data is None:
            data = _empty()
        if not isinstance(data, Tensor):
            raise TypeError(f"Parameter: expected a Tensor as data, got {type(data).__name__}")
        param = Tensor.__new__(cls)
        Tensor.__init__(param, data._storage, data._shape, data._stride, data._offset,
                        data.dtype)
        param.requires_grad = requires_grad
        return param

    def __init__(self, data=None, requires_grad=True):
        pass    # all the work is done in __new__

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()

    __str__ = __repr__

    def __deepcopy__(self, memo):
        if id(self) in memo:
            return memo[id(self)]
        copy = Parameter(self.detach().clone(), self.requires_grad)
        if self.grad is not None:
            copy.grad = self.grad.clone()
        memo[id(self)] = copy
        return copy

    def __reduce_ex__(self, protocol):
        return (_rebuild_parameter, (self.detach().clone(), self.requires_grad))


def _rebuild_parameter(data: Tensor, requires_grad: bool) -> Parameter:
    return Parameter(data, requires_grad)


class _BufferMeta(type):
    """isinstance(t, Buffer) is True for tensors made by Buffer(...)."""

    def __instancecheck__(cls, instance) -> bool:
        return isinstance(instance, Tensor) and getattr(instance, "_is_buffer", False)


class Buffer(metaclass=_BufferMeta):
    """Buffer(data, persistent=True): a tensor that registers as a buffer when assigned."""

    def __new__(cls, data=None, *, persistent=True):
        if data is None:
            data = _empty()
        tensor = data.detach().requires_grad_(data.requires_grad)
        tensor.persistent = persistent
        tensor._is_buffer = True
        return tensor


def is_lazy(param) -> bool:
    """torsh has no lazy modules: always False."""
    return False
