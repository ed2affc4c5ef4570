"""What the ops that take an index tensor share (scatter.py, index_ops.py, masking.py).

Bounds and dtype checks for indices, overflow checks for the numbers they write (and for every
other fill of a tensor by a Python number), the [1] shape those ops give a 0-d tensor, and
`last_writes`, which tells the gradients of overwriting ops which of several writes to one
place survived. No op is declared here.
"""
from __future__ import annotations

import math

import ml_dtypes
import numpy as np

from .._core import dtype as dt
from .._core.errors import DTypeRuntimeError, IndexOutOfBounds, InvalidArgumentRuntime
from ..tensor import Tensor


def checked_index(op: str, i: int, dim: int, size: int, wrap: bool = False) -> int:
    """`i` if 0 <= i < size (negative i counts from the end when `wrap`), else the error."""
    if wrap and -size <= i < 0:
        return i + size
    if not 0 <= i < size:
        raise IndexOutOfBounds(f"{op}(): index {i} is out of bounds for dimension {dim} with "
                               f"size {size}")
    return i


def check_index_dtype(op: str, index, allowed=(dt.int64, dt.int32), error=DTypeRuntimeError):
    if not isinstance(index, Tensor):
        raise TypeError(f"{op}(): argument 'index' must be Tensor, not {type(index).__name__}")
    if index.dtype not in allowed:
        names = "/".join(d.name for d in allowed)
        raise error(f"{op}(): Expected dtype {names} for index, got {index.dtype.name}")


def padded(shape) -> tuple:
    """A 0-d tensor's shape seen as [1], as the scatter family treats it."""
    return tuple(shape) or (1,)


def as_long(index: Tensor) -> Tensor:
    return index if index.dtype is dt.int64 else index.long()


def last_writes(write, read, count: int, shape, device) -> Tensor:
    """Which of `count` writes survive where an index repeats (the last one does).

    Write 0, 1, 2, ... (shaped `shape`) with `write`, read the positions back with `read`:
    a write survived where it reads back its own number. Ops that overwrite give gradient to
    the surviving writes only, so repeated indices have exact gradients.
    """
    from .. import arange
    order = arange(count, device=device).reshape(shape)
    return read(write(order)) == order



def checked_scalar(op: str, value, dtype: dt.dtype):
    """A Python number about to fill a tensor of `dtype`, or PyTorch's overflow error.

    PyTorch refuses (RuntimeError) integers outside the type's range (uint8 also takes
    -255..-1, which wrap), NaN, infinite or out-of-range floats for integer types, and finite
    floats beyond a float type's largest value (NaN and ±inf are fine there). bool takes
    anything. A 0-d tensor value is checked by its element.
    """
    if isinstance(value, Tensor):
        value = value.item()
    if dtype is dt.bool_ or isinstance(value, bool):
        return value
    if dtype.is_floating_point:
        largest = float(ml_dtypes.finfo(dtype.numpy).max)
        fits = not math.isfinite(value) or abs(value) <= largest
    else:
        info = np.iinfo(dtype.numpy)
        if isinstance(value, float):
            fits = not math.isnan(value) and float(info.min) <= value <= float(info.max)
        else:
            fits = info.min <= value <= info.max or (not dtype.is_signed and
                                                     -info.max <= value < 0)
    if not fits:
        raise InvalidArgumentRuntime(f"{op}(): value {value!r} cannot be converted to type "
                                     f"{dtype.name} without overflow")
    return value
