"""Conversions and copies: casting between dtypes, moving between devices, clone, copy_, fill_.

Casting rules (the reference's `cast`): to bool, nonzero is True (NaN too); float to integer
truncates toward zero, then wraps to the width (-1.0 to uint8 is 255); NaN and ±inf to an
integer type give the type's smallest value for int32/int64 (x86's behaviour, undefined in C)
and 0 for narrower types; integers and bools to float round to nearest.
"""
from __future__ import annotations

import math

from .._core import dtype as dt
from .._core.device import as_device
from ..dispatch import check_inplace_target, check_no_partial_overlap, dispatch, write_into
from ..tensor import Tensor
from ._array import map_elements
from ._op import METHODS, PROMOTE_NONE, Op, Out, method_only, public, register


def cast_scalar(value, to: dt.dtype):
    """One element converted to dtype `to`, before the final rounding to its width."""
    if to is dt.bool_:
        return value != 0
    if to.is_floating_point:
        return float(value)
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return -(1 << (to.bits - 1)) if to.bits >= 32 else 0
        return int(value)    # truncation toward zero
    return int(value)


_CAST = register(Op(
    "to_dtype", meta=lambda x, dtype: Out(x._shape, dtype), promote=PROMOTE_NONE,
    reference=lambda a, dtype: map_elements(lambda v: cast_scalar(v, dtype), a),
    backward=lambda ctx, g: (g,), saves_inputs=False, doc=__doc__))

_CLONE = register(Op(
    "clone", meta=lambda x, **_: Out(x._shape, x.dtype), promote=PROMOTE_NONE,
    reference=lambda a, **_: map_elements(lambda v: v, a),
    backward=lambda ctx, g: (g,), saves_inputs=False,
    doc="A copy of input in new contiguous memory; the gradient passes through."))


@public("clone")
def clone(input, *, memory_format=None):
    return dispatch(_CLONE, input)


@method_only("contiguous")
def contiguous(self, memory_format=None):
    """self if its elements are already row-major in memory, else a row-major copy."""
    return self if self.is_contiguous() else dispatch(_CLONE, self)


def _parse_to(args, kwargs):
    """Tensor.to(dtype) / to(device, dtype) / to(other) / keywords -> (device, dtype, copy)."""
    device = kwargs.pop("device", None)
    dtype = kwargs.pop("dtype", None)
    copy = kwargs.pop("copy", False)
    kwargs.pop("non_blocking", None)
    kwargs.pop("memory_format", None)
    if kwargs:
        raise TypeError(f"to() got an unexpected keyword argument {next(iter(kwargs))!r}")
    for arg in args:
        if isinstance(arg, dt.dtype):
            dtype = arg
        elif isinstance(arg, Tensor):
            device, dtype = arg.device, arg.dtype
        elif isinstance(arg, bool):
            copy = arg
        elif arg is not None:
            device = arg
    return (as_device(device) if device is not None else None), dtype, copy


@method_only("to")
def to(self, *args, **kwargs):
    """A tensor with the requested dtype and/or device; self when nothing changes."""
    device, dtype, copy = _parse_to(args, kwargs)
    result = self
    if dtype is not None and dtype is not self.dtype:
        result = dispatch(_CAST, result, dtype=dtype)
    elif copy:
        result = dispatch(_CLONE, result)
    if device is not None and device != result.device:
        result = _transfer(result, device)
    return result


def _transfer(tensor, device):
    from .. import backends
    backends.chain_for(device)  # raises a clear error for devices without a backend
    raise RuntimeError(f"to: no transfer path from {tensor.device} to {device}")


for _name, _dtype in (("float", dt.float32), ("double", dt.float64), ("half", dt.float16),
                      ("bfloat16", dt.bfloat16), ("long", dt.int64), ("int", dt.int32),
                      ("short", dt.int16), ("char", dt.int8), ("byte", dt.uint8),
                      ("bool", dt.bool_)):
    METHODS[_name] = (lambda d: lambda self, memory_format=None: to(self, d))(_dtype)


@method_only("cpu")
def cpu(self, memory_format=None):
    return to(self, "cpu")


@method_only("type_as")
def type_as(self, other):
    return to(self, other.dtype)


@method_only("copy_")
def copy_(self, src, non_blocking=False):
    """Write src (broadcast to self's shape, cast to self's dtype) into self."""
    check_inplace_target(self, "copy_")
    check_no_partial_overlap(self, (src,), "copy_")
    if not isinstance(src, Tensor):
        src = Tensor._from_numpy(dt.round_to([src], self.dtype).reshape(()))
    if tuple(src.shape) != tuple(self.shape):
        src = src.expand(self.shape)
    if src.dtype is not self.dtype:
        src = dispatch(_CAST, src, dtype=self.dtype)
    write_into(self, src, "copy_")
    return self


@method_only("fill_")
def fill_(self, value):
    """Set every element to value (a number or a 0-d tensor)."""
    if isinstance(value, Tensor) and value.ndim != 0:
        raise RuntimeError(f"fill_ only supports 0-dimension value tensor but got tensor with "
                           f"{value.ndim} dimensions.")
    from ._index_common import checked_scalar
    if not isinstance(value, Tensor):    # a 0-d tensor value casts (and wraps) unchecked
        checked_scalar("fill_", value, self.dtype)
    return copy_(self, value)


@method_only("zero_")
def zero_(self):
    return fill_(self, 0)


@public("result_type", method=False)
def result_type(tensor1, tensor2):
    """The dtype an arithmetic op on these two operands computes in."""
    from ..dispatch import promoted_dtype, _as_tensors
    return promoted_dtype(_CAST, _as_tensors(_CAST, [tensor1, tensor2]))
