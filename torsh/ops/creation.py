"""Making tensors: from Python data and numpy, filled with a value, ranges, identity.

These are not ops with a reference (nothing is computed from inputs); they fill fresh storage.
dtype inference follows PyTorch: bool data gives bool, integers int64, floats the default dtype.
"""
from __future__ import annotations

import math

import numpy as np

from .._core import dtype as dt
from .._core.device import as_device
from .._core.errors import InvalidArgumentRuntime
from .._core.shape import check_shape, parse_shape_args
from .._core.storage import Storage
from ..tensor import Tensor
from ._op import method_only, public


def finish_creation(tensor: Tensor, device, requires_grad: bool) -> Tensor:
    """A freshly made tensor moved to `device` (if given) and marked as requiring grad."""
    if device is not None and as_device(device) != tensor.device:
        tensor = tensor.to(as_device(device))
    if requires_grad:
        tensor.requires_grad_(True)
    return tensor


def _infer_dtype(data) -> dt.dtype:
    """bool < int < float over every Python number in nested data."""
    kinds = set()

    def visit(item):
        if isinstance(item, Tensor):
            kinds.add(item.dtype.category if item.dtype.category != dt.FLOATING else "f")
            return
        if isinstance(item, (list, tuple)):
            for x in item:
                visit(x)
            return
        if isinstance(item, (bool, np.bool_)):
            kinds.add(dt.BOOL)
        elif isinstance(item, (int, np.integer)):
            kinds.add(dt.INTEGRAL)
        elif isinstance(item, (float, np.floating)):
            kinds.add("f")
        else:
            raise TypeError(f"tensor: could not infer dtype of {type(item).__name__}")
    visit(data)
    if "f" in kinds:
        return dt.get_default_dtype()
    if dt.INTEGRAL in kinds:
        return dt.int64
    return dt.bool_ if kinds else dt.get_default_dtype()


def _nested_to_numpy(data, dtype: dt.dtype) -> np.ndarray:
    def plain(item):
        if isinstance(item, Tensor):
            return item.tolist()
        if isinstance(item, (list, tuple)):
            return [plain(x) for x in item]
        return item
    values = plain(data)
    try:
        shaped = np.array(values, dtype=object)
    except ValueError as error:
        raise ValueError(f"tensor: expected a rectangular nested sequence ({error})") from None
    if shaped.dtype == object and shaped.size and any(isinstance(v, (list, tuple))
                                                      for v in shaped.reshape(-1)):
        raise ValueError("tensor: expected sequence of equal-length sequences (ragged data)")
    flat = [v for v in shaped.reshape(-1).tolist()]
    return dt.round_to(flat, dtype).reshape(shaped.shape)


@public("tensor", method=False)
def tensor(data, *, dtype=None, device=None, requires_grad=False, pin_memory=False) -> Tensor:
    """A new tensor holding a copy of `data` (numbers, nested sequences, arrays, tensors)."""
    if isinstance(data, Tensor):
        result = data.detach().clone()
        result = result.to(dtype) if dtype is not None else result
    elif isinstance(data, np.ndarray):
        source_dtype = dt.from_numpy(data.dtype)
        result = Tensor._from_numpy(np.array(data, dtype=source_dtype.numpy, copy=True))
        if dtype is not None:
            result = result.to(dtype)
    else:
        dtype = dtype or _infer_dtype(data)
        result = Tensor._from_numpy(_nested_to_numpy(data, dtype))
    return finish_creation(result, device, requires_grad)


@public("as_tensor", method=False)
def as_tensor(data, dtype=None, device=None) -> Tensor:
    """Like `tensor`, but shares memory with a tensor or numpy array when no conversion is needed."""
    if isinstance(data, Tensor):
        result = data if dtype is None else data.to(dtype)
        return result if device is None else result.to(device)
    if isinstance(data, np.ndarray):
        result = from_numpy(data)
        return as_tensor(result, dtype, device)
    return tensor(data, dtype=dtype, device=device)


@public("from_numpy", method=False)
def from_numpy(array: np.ndarray) -> Tensor:
    """A tensor sharing memory with `array` (writes through either are visible in both)."""
    if not isinstance(array, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(array).__name__})")
    dtype = dt.from_numpy(array.dtype)
    item = array.itemsize
    if any(s < 0 for s in array.strides):
        raise ValueError("At least one stride in the given numpy array is negative, and tensors "
                         "with negative strides are not currently supported. (You can probably "
                         "work around this by making a copy of your array with array.copy().)")
    if any(s % item for s in array.strides):
        raise ValueError("given numpy array strides not a multiple of the element byte size")
    strides = tuple(s // item for s in array.strides)
    extent = 1 + sum((n - 1) * s for n, s in zip(array.shape, strides)) if array.size else 0
    flat = np.lib.stride_tricks.as_strided(array, shape=(extent,), strides=(item,))
    return Tensor(Storage(flat), array.shape, strides, 0, dtype)


def _filled(shape, value, dtype, device, requires_grad) -> Tensor:
    dtype = dtype or dt.get_default_dtype()
    array = np.full(shape, dt.round_to([value], dtype)[0], dtype=dtype.numpy)
    return finish_creation(Tensor._from_numpy(array), device, requires_grad)


def _creation(name: str, value):
    def create(*size, out=None, dtype=None, layout=None, device=None, requires_grad=False,
               pin_memory=False, memory_format=None):
        shape = parse_shape_args(size, name)
        return _filled(shape, value, dtype, device, requires_grad)
    create.__name__ = name
    create.__doc__ = f"A new tensor of the given size filled with {value}."

    def like(input, *, dtype=None, layout=None, device=None, requires_grad=False,
             memory_format=None):
        return _filled(tuple(input.shape), value, dtype or input.dtype,
                       device or input.device, requires_grad)
    like.__name__ = name + "_like"

    def new(self, *size, dtype=None, device=None, requires_grad=False, layout=None,
            pin_memory=False):
        shape = parse_shape_args(size, "new_" + name)
        return _filled(shape, value, dtype or self.dtype, device or self.device, requires_grad)
    public(name, method=False)(create)
    public(name + "_like", method=False)(like)
    method_only("new_" + name)(new)


_creation("zeros", 0)
_creation("ones", 1)
_creation("empty", 0)   # empty memory is zeroed: reading it is still a bug, but a reproducible one


@public("full", method=False)
def full(size, fill_value, *, out=None, dtype=None, layout=None, device=None,
         requires_grad=False):
    """A tensor of `size` filled with fill_value; dtype inferred from fill_value if not given."""
    shape = check_shape(size, "full")
    if isinstance(fill_value, Tensor):
        fill_value = fill_value.item()
    return _filled(shape, fill_value, dtype or dt.scalar_dtype(fill_value), device, requires_grad)


@public("full_like", method=False)
def full_like(input, fill_value, *, dtype=None, layout=None, device=None, requires_grad=False,
              memory_format=None):
    return _filled(tuple(input.shape), fill_value, dtype or input.dtype, device or input.device,
                   requires_grad)


@method_only("new_full")
def new_full(self, size, fill_value, *, dtype=None, device=None, requires_grad=False):
    return _filled(check_shape(size, "new_full"), fill_value, dtype or self.dtype,
                   device or self.device, requires_grad)


@method_only("new_tensor")
def new_tensor(self, data, *, dtype=None, device=None, requires_grad=False):
    return tensor(data, dtype=dtype or self.dtype, device=device or self.device,
                  requires_grad=requires_grad)


@public("empty_strided", method=False)
def empty_strided(size, stride, *, dtype=None, device=None, requires_grad=False):
    size, stride = check_shape(size, "empty_strided"), tuple(stride)
    extent = 1 + sum((n - 1) * s for n, s in zip(size, stride)) if all(size) else 0
    dtype = dtype or dt.get_default_dtype()
    result = Tensor(Storage(np.zeros(extent, dtype=dtype.numpy)), size, stride, 0, dtype)
    return finish_creation(result, device, requires_grad)


@public("scalar_tensor", method=False)
def scalar_tensor(value, *, dtype=None, device=None, requires_grad=False):
    return _filled((), value, dtype or dt.get_default_dtype(), device, requires_grad)


# ------------------------------------------------------------ ranges

def _number(value):
    return value.item() if isinstance(value, Tensor) else value


@public("arange", method=False)
def arange(start, end=None, step=1, *, out=None, dtype=None, layout=None, device=None,
           requires_grad=False):
    """start, start + step, ... while < end (> end for negative step); length ceil((end-start)/step)."""
    if end is None:
        start, end = 0, start
    start, end, step = _number(start), _number(end), _number(step)
    if step == 0:
        raise InvalidArgumentRuntime("arange: step must be nonzero")
    if (end - start) * step < 0:
        raise InvalidArgumentRuntime(f"arange: upper bound and larger bound inconsistent with "
                                     f"step sign (start={start}, end={end}, step={step})")
    if dtype is None:
        is_float = any(isinstance(v, float) for v in (start, end, step))
        dtype = dt.get_default_dtype() if is_float else dt.int64
    count = max(0, math.ceil((end - start) / step))
    values = [start + i * step for i in range(count)]
    return finish_creation(Tensor._from_numpy(dt.round_to(values, dtype)), device, requires_grad)


@public("range", method=False)
def range_(start, end, step=1, *, dtype=None, device=None, requires_grad=False):
    """Deprecated in PyTorch: start..end inclusive, in the default float dtype."""
    count = int(math.floor((end - start) / step)) + 1
    values = [start + i * step for i in range(count)]
    values = dt.round_to(values, dtype or dt.get_default_dtype())
    return finish_creation(Tensor._from_numpy(values), device, requires_grad)


@public("linspace", method=False)
def linspace(start, end, steps, *, out=None, dtype=None, layout=None, device=None,
             requires_grad=False):
    """`steps` evenly spaced values from start to end inclusive.

    As PyTorch, the first half counts up from start and the second half down from end, so
    both ends are exact.
    """
    start, end = _number(start), _number(end)
    if steps < 0:
        raise InvalidArgumentRuntime(f"linspace: number of steps must be non-negative, "
                                     f"got {steps}")
    dtype = dtype or dt.get_default_dtype()
    if steps == 1:
        values = [start]
    else:
        step = (end - start) / (steps - 1)
        half = steps // 2
        values = [start + i * step if i < half else end - (steps - 1 - i) * step
                  for i in range(steps)]
    if not dtype.is_floating_point:
        values = [math.trunc(v) for v in values]
    return finish_creation(Tensor._from_numpy(dt.round_to(values, dtype)), device, requires_grad)


@public("logspace", method=False)
def logspace(start, end, steps, base=10.0, *, out=None, dtype=None, layout=None, device=None,
             requires_grad=False):
    """base ** linspace(start, end, steps)."""
    exponents = linspace(start, end, steps, dtype=dt.float64).tolist()
    dtype = dtype or dt.get_default_dtype()
    values = [base ** e for e in exponents]
    return finish_creation(Tensor._from_numpy(dt.round_to(values, dtype)), device, requires_grad)


@public("eye", method=False)
def eye(n, m=None, *, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    """An n x m matrix with ones on the diagonal."""
    m = n if m is None else m
    check_shape((n, m), "eye")
    dtype = dtype or dt.get_default_dtype()
    values = [1 if i == j else 0 for i in range(n) for j in range(m)]
    array = dt.round_to(values, dtype).reshape(n, m)
    return finish_creation(Tensor._from_numpy(array), device, requires_grad)
