"""Tensor: a view (storage, shape, strides, offset, dtype) plus autograd metadata.

This module holds the data structure and the few things that are about the tensor object
itself (properties, conversion to Python and numpy, autograd flags, printing). Every
computation is an op in `torsh/ops`, installed here as a method from `ops.METHODS`.
"""
from __future__ import annotations

import math

import numpy as np

from ._core import dtype as dt
from ._core.device import device as Device
from ._core.errors import AutogradError, DTypeRuntimeError
from ._core.shape import Size, contiguous_strides, is_contiguous, normalize_dim
from ._core.storage import Storage


# Row-major strides of the shapes seen (a model uses few shapes; the cache stays small).
_ROW_MAJOR: dict = {}


def _row_major(shape: tuple) -> tuple:
    strides = contiguous_strides(shape)
    if len(_ROW_MAJOR) < 4096:
        _ROW_MAJOR[shape] = strides
    return strides


class Tensor:
    __slots__ = ("_storage", "_shape", "_stride", "_offset", "dtype", "_requires_grad",
                 "grad_fn", "_output_nr", "_base", "__weakref__", "__dict__")

    # Rarely set, so read from the class until a tensor sets its own (every op makes a
    # tensor: each attribute not written here is time saved on every op).
    grad = None
    _accumulator = None
    _retains_grad = False
    _leaf_hooks = None
    _wrapped_number = False

    def __init__(self, storage: Storage, shape, stride=None, offset: int = 0, dtype=None):
        self._storage = storage
        self._shape = shape = tuple(shape)
        if stride is None:
            stride = _ROW_MAJOR.get(shape)
            if stride is None:
                stride = _row_major(shape)
        self._stride = tuple(stride)
        self._offset = offset
        self.dtype = dtype if dtype is not None else dt.from_numpy(storage.data.dtype)
        self._requires_grad = False
        self.grad_fn = None
        self._output_nr = 0
        self._base = None

    # ------------------------------------------------------------ construction helpers

    @staticmethod
    def _from_numpy(array: np.ndarray, device: Device | None = None) -> "Tensor":
        """A tensor over `array`'s memory (copied first only if it is not C-ordered)."""
        if not array.flags.c_contiguous:
            array = array.copy(order="C")
        storage = Storage(array.reshape(-1))
        if device is not None:
            storage.device = device
        return Tensor(storage, array.shape, dtype=dt.from_numpy(array.dtype))

    @staticmethod
    def _empty(shape, dtype: dt.dtype, device: Device | None = None) -> "Tensor":
        from . import backends
        storage = backends.allocate(int(math.prod(shape)), dtype,
                                    device or Device("cpu"))
        return Tensor(storage, shape, dtype=dtype)

    # ------------------------------------------------------------ geometry

    @property
    def shape(self) -> Size:
        return Size(self._shape)

    def size(self, dim=None):
        if dim is None:
            return Size(self._shape)
        return self._shape[normalize_dim(dim, self.ndim, "size")]

    def stride(self, dim=None):
        if dim is None:
            return self._stride
        return self._stride[normalize_dim(dim, self.ndim, "stride")]

    def storage_offset(self) -> int:
        return self._offset

    @property
    def ndim(self) -> int:
        return len(self._shape)

    def dim(self) -> int:
        return len(self._shape)

    ndimension = dim

    def numel(self) -> int:
        return int(math.prod(self._shape))

    nelement = numel

    def element_size(self) -> int:
        return self.dtype.itemsize

    @property
    def itemsize(self) -> int:
        return self.dtype.itemsize

    @property
    def nbytes(self) -> int:
        return self.numel() * self.dtype.itemsize

    def is_contiguous(self, memory_format=None) -> bool:
        if self._stride == _ROW_MAJOR.get(self._shape):
            return True
        return is_contiguous(self._shape, self._stride)

    @property
    def device(self) -> Device:
        return self._storage.device

    @property
    def is_cuda(self) -> bool:
        return self.device.type == "cuda"

    @property
    def is_floating_point_type(self) -> bool:
        return self.dtype.is_floating_point

    def is_floating_point(self) -> bool:
        return self.dtype.is_floating_point

    def is_complex(self) -> bool:
        return False

    @property
    def is_sparse(self) -> bool:
        return False

    @property
    def layout(self) -> str:
        return "torsh.strided"

    def untyped_storage(self) -> Storage:
        return self._storage

    def data_ptr(self) -> int:
        return self._storage.data_ptr() + self._offset * self.dtype.itemsize

    @property
    def _version(self) -> int:
        return self._storage.version

    def _bump_version(self) -> None:
        self._storage.version += 1

    def _is_view(self) -> bool:
        return self._base is not None

    # ------------------------------------------------------------ data access

    def _numpy_view(self) -> np.ndarray:
        """A numpy view of exactly this tensor's elements (shares memory; CPU only)."""
        if self.device.type != "cpu":
            raise RuntimeError(f"can't convert {self.device} tensor to numpy; "
                               f"use Tensor.cpu() to copy the tensor to host memory first")
        buffer = self._storage.data
        item = buffer.itemsize
        return np.lib.stride_tricks.as_strided(
            buffer[self._offset:] if buffer.size > self._offset else buffer[:0],
            shape=self._shape, strides=tuple(s * item for s in self._stride),
            writeable=True)

    def numpy(self, *, force: bool = False) -> np.ndarray:
        if self.requires_grad and not force:
            raise RuntimeError("Can't call numpy() on Tensor that requires grad. "
                               "Use tensor.detach().numpy() instead.")
        return self._numpy_view()

    def __array__(self, dtype=None, copy=None):
        array = self.detach().cpu()._numpy_view()
        return array.astype(dtype) if dtype is not None else array

    def tolist(self):
        array = self.detach().cpu()._numpy_view()
        if self.dtype.is_floating_point:
            array = array.astype(np.float64)
        return array.tolist()

    def item(self):
        if self.numel() != 1:
            raise RuntimeError(f"a Tensor with {self.numel()} elements cannot be converted "
                               f"to Scalar")
        value = self.detach().cpu()._numpy_view().reshape(())
        if self.dtype.is_floating_point:
            return float(value)
        if self.dtype is dt.bool_:
            return bool(value)
        return int(value)

    def __len__(self) -> int:
        if not self._shape:
            raise TypeError("len() of a 0-d tensor")
        return self._shape[0]

    def __iter__(self):
        if not self._shape:
            raise TypeError("iteration over a 0-d tensor")
        return iter(self.unbind(0))

    def __bool__(self) -> bool:
        if self.numel() != 1:
            raise RuntimeError(f"Boolean value of Tensor with {self.numel()} values is "
                               f"ambiguous")
        return bool(self.item())

    def __float__(self) -> float:
        return float(self.item())

    def __int__(self) -> int:
        return int(self.item())

    def __index__(self) -> int:
        if self.dtype.is_floating_point or self.numel() != 1:
            raise TypeError("only integer tensors of a single element can be converted to an "
                            "index")
        return int(self.item())

    def __hash__(self) -> int:
        return id(self)

    def __repr__(self) -> str:
        from ._format import format_tensor
        return format_tensor(self)

    __str__ = __repr__

    def __format__(self, spec: str) -> str:
        if self.ndim == 0 and spec:
            return format(self.item(), spec)
        return repr(self)

    def __reduce_ex__(self, protocol):
        array = self.detach().cpu()._numpy_view().copy()
        return (_rebuild, (array, self.requires_grad))

    def __deepcopy__(self, memo):
        copy = self.detach().clone()
        copy.requires_grad = self.requires_grad
        if self.grad is not None:
            copy.grad = self.grad.clone()
        memo[id(self)] = copy
        return copy

    # ------------------------------------------------------------ autograd flags

    @property
    def requires_grad(self) -> bool:
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, flag: bool) -> None:
        if not self.is_leaf:
            if flag:
                return
            raise RuntimeError("you can only change requires_grad flags of leaf variables. If "
                               "you want to use a computed variable in a subgraph that doesn't "
                               "require differentiation use var_no_grad = var.detach().")
        if flag and not self.dtype.is_floating_point:
            raise DTypeRuntimeError(f"only Tensors of floating point dtype can require gradients, "
                               f"got {self.dtype}")
        self._requires_grad = bool(flag)

    def requires_grad_(self, requires_grad: bool = True) -> "Tensor":
        self.requires_grad = requires_grad
        return self

    @property
    def is_leaf(self) -> bool:
        return self.grad_fn is None

    @property
    def output_nr(self) -> int:
        return self._output_nr

    @property
    def retains_grad(self) -> bool:
        return self._retains_grad

    def retain_grad(self) -> None:
        from .autograd.graph import retain_grad
        retain_grad(self)

    def register_hook(self, hook):
        from .autograd.graph import register_tensor_hook
        return register_tensor_hook(self, hook)

    def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
        from .autograd import backward
        backward(self, gradient, retain_graph, create_graph, inputs=inputs)

    def detach(self) -> "Tensor":
        """A tensor that shares storage with this one and is cut off from the graph."""
        return Tensor(self._storage, self._shape, self._stride, self._offset, self.dtype)

    def detach_(self) -> "Tensor":
        if self._base is not None and self.grad_fn is not None:
            raise AutogradError("Can't detach views in-place. Use detach() instead.")
        self.grad_fn = None
        self._requires_grad = False
        return self

    @property
    def data(self) -> "Tensor":
        return self.detach()

    @data.setter
    def data(self, other: "Tensor") -> None:
        self._storage, self._shape, self._stride = other._storage, other._shape, other._stride
        self._offset, self.dtype = other._offset, other.dtype

    def is_inference(self) -> bool:
        return getattr(self, "_inference", False)

    def type(self, dtype=None):
        if dtype is None:
            return f"torsh.{_TYPE_NAMES[self.dtype.name]}"
        return self.to(dtype)


_TYPE_NAMES = {"bool": "BoolTensor", "uint8": "ByteTensor", "int8": "CharTensor",
               "int16": "ShortTensor", "int32": "IntTensor", "int64": "LongTensor",
               "float16": "HalfTensor", "bfloat16": "BFloat16Tensor", "float32": "FloatTensor",
               "float64": "DoubleTensor"}


def _rebuild(array: np.ndarray, requires_grad: bool) -> Tensor:
    tensor = Tensor._from_numpy(array)
    tensor.requires_grad = requires_grad
    return tensor


def install_methods(methods: dict) -> None:
    """Attach each op's method form to Tensor (called once by `torsh/__init__.py`)."""
    for name, fn in methods.items():
        if name in Tensor.__dict__ and not callable(Tensor.__dict__[name]):
            continue
        setattr(Tensor, name, fn)
