"""nonzero on the C kernels (kernels/c/nonzero.c), for every dtype: the coordinates of the
elements that are not zero, which boolean-mask indexing (`x[mask]`, `x[mask] = v`) and
`where(cond)` are built on.

The kernels test bits by element width: all of them for integers and bool, all but the sign
for floating types (-0.0 counts as zero, NaN as nonzero, as the reference's `if v`)."""
from __future__ import annotations

from .operands import Call, empty
from .strided_copy import raw_pointer, width_suffix

_FLOATING_MASK = {1: 0x7F, 2: 0x7FFF, 4: 0x7FFFFFFF, 8: 0x7FFFFFFFFFFFFFFF}
_ALL_BITS = {1: 0xFF, 2: 0xFFFF, 4: 0xFFFFFFFF, 8: 0xFFFFFFFFFFFFFFFF}


def _nonzero(ffi, lib, inputs, outs):
    (x,) = inputs
    width = x.dtype.itemsize
    mask = (_FLOATING_MASK if x.dtype.is_floating_point else _ALL_BITS)[width]
    suffix = width_suffix(x.dtype)
    call = Call(ffi)
    pointer, shape, strides = raw_pointer(call, x), call.int64s(x._shape), \
        call.int64s(x._stride)
    count = getattr(lib, f"torsh_count_nonzero_{suffix}")(x.ndim, shape, pointer, strides,
                                                          mask) if x.numel() else 0
    out = empty((count, x.ndim), outs[0].dtype)
    if count and x.ndim:
        written = getattr(lib, f"torsh_nonzero_{suffix}")(x.ndim, shape, pointer, strides,
                                                          mask, call.pointer(out), count)
        if written != count:
            raise RuntimeError("nonzero: the input changed while it was read")
    return out


def kernels(ffi, lib) -> dict:
    """{op name: kernel(inputs, outs, **params)} for the ops of this module."""
    return {"nonzero": lambda inputs, outs: _nonzero(ffi, lib, inputs, outs)}
