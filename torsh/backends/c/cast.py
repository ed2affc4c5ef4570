"""Casts and the any-dtype elementwise map on the C kernels (kernels/c/cast.c).

`run_map` runs `torsh_map`: every input is loaded as a double (floating dtypes) or an int64
(integers, bool), the op computes the reference's scalar function there and the result is
rounded once to the output dtype (integers wrap). It serves every dtype; the hot float32 /
float64 ops have faster kernels in elementwise.py. This module's own op is `to_dtype`.
"""
from __future__ import annotations

from ..._core.errors import InvalidArgumentRuntime
from .operands import Call, broadcast_strides, empty, merge_dims

DTYPE_CODES = {"bool": 0, "uint8": 1, "int8": 2, "int16": 3, "int32": 4, "int64": 5,
               "float16": 6, "bfloat16": 7, "float32": 8, "float64": 9}
INT64_MASK = (1 << 64) - 1


def as_int64(value) -> int:
    """A Python int wrapped to int64 (the kernel wraps its arithmetic modulo 2^64 too)."""
    value = int(value) & INT64_MASK
    return value - (1 << 64) if value >> 63 else value


def run_map(ffi, lib, code: int, inputs, out_spec, dparams=(), iparams=(), name="map"):
    """out = op(inputs...) over out_spec.shape, in any dtypes; NotImplemented when the
    kernel does not know the op for these dtypes. An integer division by zero raises as the
    reference does (InvalidArgumentRuntime naming the op `name`)."""
    out = empty(out_spec.shape, out_spec.dtype)
    if out.numel() == 0:
        return out
    shape, strides = merge_dims(out_spec.shape,
                                [broadcast_strides(t, out_spec.shape) for t in inputs])
    call = Call(ffi)
    pointers = [call.pointer(t) for t in inputs]
    ins = ffi.new("void *[]", pointers)
    flat = [s for operand in strides for s in operand]
    dtypes = ffi.new("int[]", [DTYPE_CODES[t.dtype.name] for t in inputs])
    doubles = ffi.new("double[4]", [float(v) for v in dparams] + [0.0] * (4 - len(dparams)))
    ints = ffi.new("int64_t[4]", [as_int64(v) for v in iparams] + [0] * (4 - len(iparams)))
    status = lib.torsh_map(code, len(shape), call.int64s(shape), DTYPE_CODES[out.dtype.name],
                           call.pointer(out), len(inputs), dtypes, ins, call.int64s(flat),
                           doubles, ints)
    if status == 1:
        return NotImplemented
    if status == 2:
        raise InvalidArgumentRuntime(f"{name}: ZeroDivisionError")
    return out


def kernels(ffi, lib) -> dict:
    """to_dtype: a cast between any two dtypes (the reference's `cast_scalar` rules)."""
    def to_dtype(inputs, outs, dtype):
        return run_map(ffi, lib, lib.TORSH_M_CAST, inputs, outs[0])
    return {"to_dtype": to_dtype}
