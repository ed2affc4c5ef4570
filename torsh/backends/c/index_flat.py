"""Index ops along one dim and over flat positions on the C kernels (kernels/c/index.c), for
every dtype: index_add, index_copy, index_fill, take, put, masked_select, masked_scatter and
one_hot.
The rules of index.py, on its checked walks: every index is checked before any C call and
raises the reference's error; writing ops copy the input first.
"""
from __future__ import annotations

import numpy as np

from ..._core.errors import IndexOutOfBounds, InvalidArgumentRuntime
from ..._core.shape import contiguous_strides
from ...tensor import Tensor
from .index import (INDEX_DTYPES, _add_at, _checked_along, _first_bad, _indices, _padded,
                    _padded_strides, _put, _repeats, _take)
from .operands import Call, broadcast_strides, check_inside, empty, merge_dims
from .strided_copy import copy_into, dense, raw_pointer, width_suffix


# ------------------------------------------------------------ slices along dim

def _padded_view(tensor: Tensor) -> Tensor:
    """tensor seen with a 0-d shape as [1] (the index ops' convention)."""
    return Tensor(tensor._storage, _padded(tensor._shape), _padded_strides(tensor),
                  tensor._offset, tensor.dtype)


def _slices(op, inputs, dim, wrap=False):
    """(x, checked index values, walk shape, out strides with dim 0, offsets, table strides)
    for writing slices index[k] along dim of a contiguous copy of x."""
    x, index = inputs[0], inputs[1]
    shape = list(_padded(x._shape))
    values = _checked_along(op, index, dim, shape[dim], wrap).reshape(-1)
    strides = list(contiguous_strides(shape))
    offsets = values * strides[dim]
    strides[dim] = 0
    shape[dim] = values.size
    table = [0] * len(shape)
    table[dim] = 1
    return tuple(shape), strides, offsets, table


def _write_slices(ffi, lib, op, inputs, dim, source, accumulate=False, alpha=1, wrap=False):
    """x with each slice index[k] along dim set to (or, accumulating, increased by
    alpha times) source's slice k; source is walked with its own (padded) strides."""
    x = inputs[0]
    shape, strides, offsets, table = _slices(op, inputs, dim, wrap)
    source = _padded_view(source)
    if source._shape != shape and source.numel() != 1:
        return NotImplemented
    source_strides = [0] * len(shape) if source._shape != shape else list(source._stride)
    if accumulate:
        view = Tensor(source._storage, shape, source_strides, source._offset, source.dtype)
        return _add_at(ffi, lib, x, shape, strides, offsets, table, view, _repeats(offsets),
                       alpha)
    out = empty(x._shape, x.dtype)
    copy_into(ffi, lib, Call(ffi), out, x)
    _put(ffi, lib, width_suffix(x.dtype), out, strides, offsets, table, source,
         source_strides, shape)
    return out


def _index_add(ffi, lib, inputs, outs, dim, alpha):
    x, index, source = inputs
    wide = x.dtype.is_floating_point or (isinstance(alpha, int) and x.dtype.name != "bool")
    if not wide or index.dtype.name not in INDEX_DTYPES or source.dtype is not x.dtype:
        return NotImplemented
    return _write_slices(ffi, lib, "index_add", inputs, dim, source, True, alpha)


def _index_copy(ffi, lib, inputs, outs, dim):
    x, index, source = inputs
    if index.dtype.name not in INDEX_DTYPES or source.dtype is not x.dtype:
        return NotImplemented
    return _write_slices(ffi, lib, "index_copy", inputs, dim, source)


def _index_fill(ffi, lib, inputs, outs, dim):
    x, index, value = inputs
    if index.dtype.name not in INDEX_DTYPES or value.dtype is not x.dtype or value.ndim:
        return NotImplemented
    return _write_slices(ffi, lib, "index_fill", inputs, dim, value, wrap=True)



# ------------------------------------------------------------ flat positions and masks

def _flat_checked(op: str, index: Tensor, count: int) -> np.ndarray:
    """index's elements wrapped into [0, count), or the reference's IndexError for the first
    one outside [-count, count)."""
    values = _indices(index)
    k = _first_bad((values < -count) | (values >= count))
    if k is not None:
        raise IndexOutOfBounds(f"{op}(): out of range: tried to access index "
                               f"{int(values.reshape(-1)[k])} on a tensor of {count} elements.")
    return np.where(values < 0, values + count, values)


def _take_flat(ffi, lib, inputs, outs):
    x, index = inputs
    (spec,) = outs
    if index.dtype.name not in INDEX_DTYPES or spec.dtype is not x.dtype:
        return NotImplemented
    if index.numel() == 0:
        return empty(spec.shape, spec.dtype)
    offsets = _flat_checked("take", index, x.numel())
    x = dense(ffi, lib, x)
    check_inside(x)
    out = empty(spec.shape, spec.dtype)
    flat = Tensor(x._storage, (1,), (0,), x._offset, x.dtype)
    view = Tensor(out._storage, (offsets.size,), dtype=out.dtype)
    _take(ffi, lib, flat, view, [0], offsets.reshape(-1), [1])
    return out


def _put_flat(ffi, lib, inputs, outs, accumulate):
    x, index, source = inputs
    if index.dtype.name not in INDEX_DTYPES or source.dtype is not x.dtype:
        return NotImplemented
    offsets = _flat_checked("put", index, x.numel()).reshape(-1)
    source = dense(ffi, lib, source)
    count = (offsets.size,)
    values = Tensor(source._storage, count, (1,), source._offset, source.dtype)
    if accumulate:
        return _add_at(ffi, lib, x, count, [0], offsets, [1], values, _repeats(offsets))
    out = empty(x._shape, x.dtype)
    copy_into(ffi, lib, Call(ffi), out, x)
    flat = Tensor(out._storage, (1,), (0,), 0, out.dtype)
    _put(ffi, lib, width_suffix(x.dtype), flat, [0], offsets, [1], values, [1], count)
    return out


_ONE = Tensor._from_numpy(np.ones(1, dtype=np.int64))


def _one_hot(ffi, lib, inputs, outs, num_classes):
    """zeros, and a 1 put at position i * num_classes + t[i] of the flat output."""
    (t,), (spec,) = inputs, outs
    out = empty(spec.shape, spec.dtype)
    out._storage.data[:] = 0
    if t.numel() == 0:
        return out
    values = _indices(t).reshape(-1)
    if values.min() < 0:
        raise InvalidArgumentRuntime("one_hot: Class values must be non-negative.")
    if values.max() >= num_classes:
        raise InvalidArgumentRuntime("one_hot: Class values must be smaller than num_classes.")
    count = (values.size,)
    flat = Tensor(out._storage, (1,), (0,), 0, out.dtype)
    _put(ffi, lib, "b8", flat, [num_classes], values, [1], _ONE, [0], count)
    return out


def _mask_walk(call, x, mask, shape):
    """merged (shape, x strides, mask strides) and the mask's pointer, both broadcast."""
    merged, (x_strides, mask_strides) = merge_dims(
        shape, [broadcast_strides(x, shape), broadcast_strides(mask, shape)])
    return merged, x_strides, mask_strides, raw_pointer(call, mask)


def _masked_select(ffi, lib, inputs, outs):
    x, mask = inputs
    if mask.dtype.name != "bool" or outs[0].dtype is not x.dtype:
        return NotImplemented
    shape = tuple(np.broadcast_shapes(x._shape, mask._shape))
    check_inside(mask)
    count = int(np.count_nonzero(np.broadcast_to(mask._numpy_view(), shape)))
    out = empty((count,), x.dtype)
    if count == 0:
        return out
    call = Call(ffi)
    merged, x_strides, mask_strides, mask_pointer = _mask_walk(call, x, mask, shape)
    getattr(lib, f"torsh_masked_select_{width_suffix(x.dtype)}")(
        len(merged), call.int64s(merged), raw_pointer(call, out), raw_pointer(call, x),
        call.int64s(x_strides), mask_pointer, call.int64s(mask_strides))
    return out


def _masked_scatter(ffi, lib, inputs, outs):
    x, mask, source = inputs
    (spec,) = outs
    if mask.dtype.name != "bool" or source.dtype is not x.dtype:
        return NotImplemented
    shape = spec.shape
    check_inside(mask)
    wanted = int(np.count_nonzero(np.broadcast_to(mask._numpy_view(), shape)))
    from ...ops.masking import _check_enough_source
    _check_enough_source(source.numel(), wanted)
    out = empty(shape, x.dtype)
    call = Call(ffi)
    copy_into(ffi, lib, call, out, Tensor(x._storage, shape, broadcast_strides(x, shape),
                                          x._offset, x.dtype))
    if wanted == 0:
        return out
    source = dense(ffi, lib, source)
    merged, (out_strides, mask_strides) = merge_dims(
        shape, [list(out._stride), broadcast_strides(mask, shape)])
    getattr(lib, f"torsh_masked_scatter_{width_suffix(x.dtype)}")(
        len(merged), call.int64s(merged), raw_pointer(call, out), call.int64s(out_strides),
        raw_pointer(call, mask), call.int64s(mask_strides), raw_pointer(call, source))
    return out


def kernels(ffi, lib) -> dict:
    """{op name: kernel(inputs, outs, **params)} for the ops of this module."""
    return {
        "index_add": lambda inputs, outs, dim, alpha: _index_add(ffi, lib, inputs, outs, dim,
                                                                 alpha),
        "index_copy": lambda inputs, outs, dim: _index_copy(ffi, lib, inputs, outs, dim),
        "index_fill": lambda inputs, outs, dim: _index_fill(ffi, lib, inputs, outs, dim),
        "take": lambda inputs, outs: _take_flat(ffi, lib, inputs, outs),
        "put": lambda inputs, outs, accumulate: _put_flat(ffi, lib, inputs, outs, accumulate),
        "masked_select": lambda inputs, outs: _masked_select(ffi, lib, inputs, outs),
        "masked_scatter": lambda inputs, outs: _masked_scatter(ffi, lib, inputs, outs),
        "one_hot": lambda inputs, outs, num_classes: _one_hot(ffi, lib, inputs, outs,
                                                              num_classes),
    }
