"""Copies on the C kernels (kernels/c/copy.c): clone (so contiguous and .to(copy=True)), cat
(so stack, hstack, ...), and the scatters through a view's geometry (strided_scatter_add, the
gradient of every view op; as_strided_scatter), for every dtype and any strides.

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


def dense(ffi, lib, tensor: Tensor) -> Tensor:
    """The tensor itself when contiguous, else a contiguous copy of it."""
    if tensor.is_contiguous():
        return tensor
    out = empty(tensor._shape, tensor.dtype)
    copy_into(ffi, lib, Call(ffi), out, tensor)
    return out


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


def overlaps_itself(shape, stride) -> bool:
    """Whether two positions of a view may name one element. With the dims of size > 1 sorted
    by |stride|, the positions are distinct when each stride exceeds the reach of the smaller
    ones (a sufficient test: a True may be a false alarm, never a False)."""
    reach = 0
    for step, size in sorted((abs(st), n) for n, st in zip(shape, stride) if n > 1):
        if step <= reach:
            return True
        reach += step * (size - 1)
    return False


def _scatter_through_view(ffi, lib, inputs, outs, size, stride, offset, accumulate):
    """base (made row-major) with src written (or added) at the positions of the view
    (size, stride, offset) of it. A view that may name an element twice is a `put` at its
    positions, which takes them one by one in order, as the reference does."""
    from ...autograd.grad_mode import no_grad
    (base, src), (spec,) = inputs, outs
    size, stride = tuple(size), tuple(stride)
    if src.dtype is not base.dtype or src._shape != size:
        return NotImplemented
    if overlaps_itself(size, stride):
        return _put_at_positions(ffi, lib, base, src, spec, size, stride, offset, accumulate)
    out = empty(spec.shape, spec.dtype)
    call = Call(ffi)
    copy_into(ffi, lib, call, out, base)
    target = view_of(out, size, stride, offset)
    if accumulate:
        with no_grad():
            src = target + src              # the elementwise C kernel, before the copy back
    copy_into(ffi, lib, call, target, src)
    return out


def _put_at_positions(ffi, lib, base, src, spec, size, stride, offset, accumulate):
    from .index_flat import _put_flat
    positions = np.full((), offset, dtype=np.int64)
    for n, step in zip(size, stride):
        positions = positions[..., None] + np.arange(n, dtype=np.int64) * step
    index = Tensor._from_numpy(positions.reshape(-1))
    return _put_flat(ffi, lib, [base, index, src], (spec,), accumulate)


def kernels(ffi, lib) -> dict:
    """{op name: kernel(inputs, outs, **params)} for the ops of this module."""
    return {"clone": lambda inputs, outs, **params: _clone(ffi, lib, inputs, outs, **params),
            "cat": lambda inputs, outs, dim: _cat(ffi, lib, inputs, outs, dim),
            "strided_scatter_add": lambda inputs, outs, size, stride, offset:
                _scatter_through_view(ffi, lib, inputs, outs, size, stride, offset, True),
            "as_strided_scatter": lambda inputs, outs, size, stride, offset:
                _scatter_through_view(ffi, lib, inputs, outs, size, stride, offset, False)}
