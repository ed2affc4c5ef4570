"""Copies on the C kernels (kernels/c/copy.c): clone (so contiguous and .to(copy=True)) and
cat (so stack, hstack, ...), for every dtype and any strides.

A copy moves elements bit for bit, so the kernels are chosen by element width (1, 2, 4 or 8
bytes), not by dtype. This module also holds the helpers the index kernels share: a typed
pointer of a tensor's width, and the walk of a view written as (shape, strides, offset).
"""
from __future__ import annotations

import numpy as np

from ...tensor import Tensor
from .operands import Call, check_inside, empty, merge_dims

WIDTH_TYPES = {1: ("b1", "uint8_t", np.uint8), 2: ("b2", "uint16_t", np.uint16),
               4: ("b4", "uint32_t", np.uint32), 8: ("b8", "uint64_t", np.uint64)}


def width_suffix(dtype) -> str:
    """The kernel suffix (b1, b2, b4, b8) for a dtype's element width."""
    return WIDTH_TYPES[np.dtype(dtype.numpy).itemsize][0]


def raw_pointer(call, tensor):
    """A pointer to the view's first element, typed as an unsigned integer of its width
    (after checking that the whole view lies inside its storage)."""
    check_inside(tensor)
    data = tensor._storage.data
    _suffix, c_type, np_type = WIDTH_TYPES[data.itemsize]
    buffer = call.ffi.from_buffer(c_type + "[]", data.view(np_type))
    call.keep.append(buffer)
    return buffer + tensor._offset


def view_of(tensor: Tensor, shape, stride, offset: int) -> Tensor:
    """A view of tensor's storage (no autograd): used to name a slice of an output."""
    return Tensor(tensor._storage, shape, stride, offset, tensor.dtype)


def copy_into(ffi, lib, call, out: Tensor, x: Tensor) -> None:
    """out[...] = x[...] element for element (same shape, same width), any strides."""
    if out.numel() == 0:
        return
    shape, (out_strides, x_strides) = merge_dims(out._shape, [list(out._stride),
                                                               list(x._stride)])
    function = getattr(lib, f"torsh_copy_{width_suffix(out.dtype)}")
    function(len(shape), call.int64s(shape), raw_pointer(call, out), call.int64s(out_strides),
             raw_pointer(call, x), call.int64s(x_strides))


def _clone(ffi, lib, inputs, outs, **params):
    """A contiguous copy of the input."""
    (x,), (spec,) = inputs, outs
    if params or x.dtype is not spec.dtype:
        return NotImplemented
    out = empty(spec.shape, spec.dtype)
    copy_into(ffi, lib, Call(ffi), out, x)
    return out


def _cat(ffi, lib, inputs, outs, dim):
    """Each input copied into its slice of the output along dim; 1-D empty inputs are
    skipped (PyTorch's legacy rule, as the meta)."""
    (spec,) = outs
    if any(t.dtype is not spec.dtype for t in inputs):
        return NotImplemented
    out = empty(spec.shape, spec.dtype)
    call, start = Call(ffi), 0
    for t in inputs:
        if t._shape == (0,):
            continue
        target = view_of(out, t._shape, out._stride, start * out._stride[dim])
        copy_into(ffi, lib, call, target, t)
        start += t._shape[dim]
    return out


def kernels(ffi, lib) -> dict:
    """{op name: kernel(inputs, outs, **params)} for the ops of this module."""
    return {"clone": lambda inputs, outs, **params: _clone(ffi, lib, inputs, outs, **params),
            "cat": lambda inputs, outs, dim: _cat(ffi, lib, inputs, outs, dim)}
