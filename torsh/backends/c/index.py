"""Index ops on the C kernels (kernels/c/index.c), for every dtype: index (x[i, j]),
index_put, gather, scatter, scatter_add, scatter_reduce and index_select (index_add,
index_copy, index_fill, take, put, masked_select and masked_scatter: index_flat.py, on the
same checked walks).

Every index is checked here (numpy), before any C call, and raises the reference's error
(IndexError, naming the op, the index, the dim and its size) for the first bad index in
row-major order; negative indices wrap where the reference wraps them. The checked indices
become offsets (index * stride), the kernels walk shapes with those offsets, and `_reach`
checks every walk against its buffer once more. Writing ops copy the input first. Sums run
in the dtype's own width where that is exact (integers wrap alike in any width; float64 is
the reference's own arithmetic; float32 when no two values meet one position), else in a
float64 / int64 copy in the reference's order, rounded once to the dtype at the end.
"""
from __future__ import annotations

import math

import numpy as np

from ..._core.errors import IndexOutOfBounds, IndexOutOfRange
from ..._core.shape import contiguous_strides
from ...tensor import Tensor
from .strided_copy import copy_into, raw_pointer, width_suffix
from .operands import Call, broadcast_strides, check_inside, empty, merge_dims

INDEX_DTYPES = ("int64", "int32")


def _indices(tensor: Tensor) -> np.ndarray:
    """An index tensor's elements as an int64 numpy array (a copy)."""
    check_inside(tensor)
    return tensor._numpy_view().astype(np.int64)


def _first_bad(bad: np.ndarray):
    """The first True position of `bad` in row-major order, else None."""
    flat = np.flatnonzero(bad.reshape(-1))
    return int(flat[0]) if flat.size else None


def _reach(length: int, base: int, shape, strides, table=None) -> None:
    """Raise unless base + walk(strides) (+ any entry of `table`) stays inside [0, length)
    for every coordinate of shape: the last guard before a kernel touches a buffer."""
    low = high = base
    for size, stride in zip(shape, strides):
        reach = (size - 1) * stride
        low, high = (low + reach, high) if reach < 0 else (low, high + reach)
    if table is not None and table.size:
        low, high = low + int(table.min()), high + int(table.max())
    if low < 0 or high >= length:
        raise RuntimeError(f"C backend: an index walk over {list(shape)} with strides "
                           f"{list(strides)} reaches [{low}, {high}] outside its buffer of "
                           f"{length} elements")


def _buffer(operand) -> tuple:
    """(element count, first element) of a Tensor's storage or of a numpy buffer."""
    if isinstance(operand, np.ndarray):
        return operand.size, 0
    return len(operand._storage.data), operand._offset


def _take(ffi, lib, x: Tensor, out: Tensor, x_strides, offsets: np.ndarray, offset_strides):
    """out (fresh, contiguous) = x read at walk(x_strides) + offsets[walk(offset_strides)]."""
    if out.numel() == 0:
        return out
    call = Call(ffi)
    table = np.ascontiguousarray(offsets, dtype=np.int64)
    call.keep.append(table)
    shape, strides = merge_dims(out._shape, [list(out._stride), list(x_strides),
                                             list(offset_strides)])
    _out_strides, merged_x, merged_offsets = strides
    _reach(table.size, 0, shape, merged_offsets)
    _reach(*_buffer(x), shape, merged_x, table)
    function = getattr(lib, f"torsh_take_{width_suffix(out.dtype)}")
    function(len(shape), call.int64s(shape), raw_pointer(call, out), raw_pointer(call, x),
             call.int64s(merged_x), ffi.from_buffer("int64_t[]", table),
             call.int64s(merged_offsets))
    return out


C_TYPES = {"b1": "uint8_t", "b2": "uint16_t", "b4": "uint32_t", "b8": "uint64_t",
           "add_f64": "double", "add_i64": "int64_t", "add_f32": "float", "add_u8": "uint8_t",
           "add_u16": "uint16_t", "add_u32": "uint32_t"}
NUMPY_TYPES = {"uint8_t": np.uint8, "uint16_t": np.uint16, "uint32_t": np.uint32,
               "uint64_t": np.uint64, "double": np.float64, "int64_t": np.int64,
               "float": np.float32}
# put_add in a dtype's own width: exact for integers always (sums wrap modulo 2**bits in any
# width), for float64 always (the reference adds in doubles), for float32 only where no two
# elements meet one position (one rounding per sum, as the reference's).
DIRECT_ADD = {"float64": "add_f64", "int64": "add_i64", "int32": "add_u32", "int16": "add_u16",
              "int8": "add_u8", "uint8": "add_u8", "float32": "add_f32"}


def _pointer(call, operand, c_type: str):
    """A `c_type *` to a Tensor's first element (checked inside its storage) or to a
    numpy buffer's first element."""
    if isinstance(operand, np.ndarray):
        data, offset = operand, 0
    else:
        check_inside(operand)
        data, offset = operand._storage.data, operand._offset
    buffer = call.ffi.from_buffer(c_type + "[]", data.view(NUMPY_TYPES[c_type]))
    call.keep += [data, buffer]
    return buffer + offset


def _put(ffi, lib, kind: str, out, out_strides, offsets, offset_strides, values, v_strides,
         shape):
    """out[walk(out_strides) + offsets[...]] = (or, for kind add_*, +=) values[walk(v_strides)]
    over shape with torsh_put_<kind>; out and values are Tensors or numpy buffers."""
    if math.prod(shape) == 0:
        return
    call = Call(ffi)
    table = np.ascontiguousarray(offsets, dtype=np.int64)
    call.keep.append(table)
    merged_shape, (m_out, m_offsets, m_values) = merge_dims(
        tuple(shape), [list(out_strides), list(offset_strides), list(v_strides)])
    _reach(table.size, 0, merged_shape, m_offsets)
    _reach(*_buffer(out), merged_shape, m_out, table)
    _reach(*_buffer(values), merged_shape, m_values)
    c_type = C_TYPES[kind]
    getattr(lib, f"torsh_put_{kind}")(
        len(merged_shape), call.int64s(merged_shape), _pointer(call, out, c_type),
        call.int64s(m_out), ffi.from_buffer("int64_t[]", table), call.int64s(m_offsets),
        _pointer(call, values, c_type), call.int64s(m_values))


def _add_at(ffi, lib, x, shape, strides, offsets, table, values, repeats, alpha=1):
    """x + (alpha * values) added at the positions walk(strides) + offsets[walk(table)] of
    a contiguous copy of x, in row-major order of shape; `values` is a view of that shape.
    Where the dtype's own width cannot give the reference's sums (float32 with `repeats`,
    float16, bfloat16, bool, alpha != 1 off float64), the sums run in a float64 or int64
    copy and round once at the end."""
    kind = DIRECT_ADD.get(x.dtype.name)
    if kind == "add_f32" and repeats:
        kind = None
    if alpha != 1 and kind != "add_f64":
        kind = None
    check_inside(values)
    if kind is None:
        wide, buffer = _accumulator(x)
        part = values._numpy_view().astype(buffer.dtype, order="C")
        if alpha != 1:
            part = part * np.array(alpha, dtype=buffer.dtype)
        _put(ffi, lib, "add_" + wide, buffer.reshape(-1), strides, offsets, table, part,
             contiguous_strides(shape), shape)
        return _from_accumulator(buffer, x)
    out = empty(x._shape, x.dtype)
    copy_into(ffi, lib, Call(ffi), out, x)
    if alpha != 1:
        part = values._numpy_view().astype(np.float64, order="C") * np.float64(alpha)
        _put(ffi, lib, kind, out, strides, offsets, table, part, contiguous_strides(shape),
             shape)
    else:
        _put(ffi, lib, kind, out, strides, offsets, table, values, values._stride, shape)
    return out


def _repeats(offsets: np.ndarray) -> bool:
    flat = offsets.reshape(-1)
    return np.unique(flat).size != flat.size


def _accumulator(tensor: Tensor) -> tuple:
    """(kind, contiguous numpy copy) in which a dtype's sums are exact as the reference's:
    float64 for floating dtypes, int64 (wrapping) for integers and bool."""
    kind = "f64" if tensor.dtype.is_floating_point else "i64"
    check_inside(tensor)
    return kind, tensor._numpy_view().astype(np.float64 if kind == "f64" else np.int64,
                                             order="C")


def _from_accumulator(buffer: np.ndarray, like: Tensor) -> Tensor:
    """The sums rounded once to like's dtype (floats to nearest, integers wrap, bool != 0)."""
    with np.errstate(over="ignore"):
        return Tensor._from_numpy(buffer.astype(like.dtype.numpy).reshape(like._shape))


# ------------------------------------------------------------ advanced indexing


def _advanced(x: Tensor, index_tensors, dims, op: str):
    """(out shape, x-walk dims before/after, index shape, offsets in units of `strides`
    function) for x[indices on dims]; None when the result is empty. Raises the reference's
    IndexError for the first out-of-range index (row-major over the broadcast indices)."""
    from ...ops.indexing import _advanced_layout
    index_shape = np.broadcast_shapes(*(t._shape for t in index_tensors))
    out_shape, before, after = _advanced_layout(x._shape, dims, index_shape)
    if math.prod(out_shape) == 0:
        return None
    columns = [np.broadcast_to(_indices(t), index_shape) for t in index_tensors]
    sizes = [x._shape[d] for d in dims]
    bad = np.zeros(index_shape, dtype=bool)
    for column, size in zip(columns, sizes):
        bad |= (column < -size) | (column >= size)
    k = _first_bad(bad)
    if k is not None:
        for d, column, size in zip(dims, columns, sizes):
            i = int(column.reshape(-1)[k])
            if not -size <= i < size:
                raise IndexOutOfRange(f"index {i} is out of bounds for dimension {d} with "
                                      f"size {size}")
    wrapped = [np.where(c < 0, c + size, c) for c, size in zip(columns, sizes)]
    return out_shape, before, after, tuple(index_shape), wrapped


def _layout_strides(strides, before, after, index_shape):
    """Strides of the walk over out's shape (before dims, B, after dims): the tensor's own
    strides on its dims and 0 across B, and the offset table's strides (B only)."""
    walk = ([strides[d] for d in before] + [0] * len(index_shape) +
            [strides[d] for d in after])
    table = [0] * len(before) + list(contiguous_strides(index_shape)) + [0] * len(after)
    return walk, table


def _offsets(wrapped, dims, strides, index_shape):
    offsets = np.zeros(index_shape, dtype=np.int64)
    for column, d in zip(wrapped, dims):
        offsets += column * strides[d]
    return offsets


def _index(ffi, lib, inputs, outs, dims):
    x, *index_tensors = inputs
    (spec,) = outs
    if any(t.dtype.name not in INDEX_DTYPES for t in index_tensors):
        return NotImplemented
    out = empty(spec.shape, spec.dtype)
    layout = _advanced(x, index_tensors, dims, "index")
    if layout is None:
        return out
    out_shape, before, after, index_shape, wrapped = layout
    walk, table = _layout_strides(x._stride, before, after, index_shape)
    return _take(ffi, lib, x, out, walk, _offsets(wrapped, dims, x._stride, index_shape), table)


def _index_put(ffi, lib, inputs, outs, dims, accumulate):
    x, values, *index_tensors = inputs
    if values.dtype is not x.dtype or any(t.dtype.name not in INDEX_DTYPES
                                           for t in index_tensors):
        return NotImplemented
    layout = _advanced(x, index_tensors, dims, "index_put")
    out = empty(x._shape, x.dtype)
    if layout is None:
        copy_into(ffi, lib, Call(ffi), out, x)
        return out
    out_shape, before, after, index_shape, wrapped = layout
    strides = contiguous_strides(x._shape)
    walk, table = _layout_strides(strides, before, after, index_shape)
    offsets = _offsets(wrapped, dims, strides, index_shape)
    if accumulate:
        view = Tensor(values._storage, out_shape, broadcast_strides(values, out_shape),
                      values._offset, values.dtype)
        return _add_at(ffi, lib, x, out_shape, walk, offsets, table, view, _repeats(offsets))
    copy_into(ffi, lib, Call(ffi), out, x)
    _put(ffi, lib, width_suffix(x.dtype), out, walk, offsets, table, values,
         broadcast_strides(values, out_shape), out_shape)
    return out


# ------------------------------------------------------------ gather, scatter, index_select

def _padded(shape) -> tuple:
    return tuple(shape) or (1,)


def _padded_strides(tensor: Tensor) -> list:
    return list(tensor._stride) if tensor.ndim else [0]


def _checked_along(op: str, index: Tensor, dim: int, size: int, wrap: bool = False):
    """index's elements as int64 (wrapped when `wrap`), or the reference's IndexError for
    the first one outside [0, size) ([-size, size) when wrapping)."""
    values = _indices(index)
    low = -size if wrap else 0
    k = _first_bad((values < low) | (values >= size))
    if k is not None:
        raise IndexOutOfBounds(f"{op}(): index {int(values.reshape(-1)[k])} is out of bounds "
                               f"for dimension {dim} with size {size}")
    return np.where(values < 0, values + size, values) if wrap else values


def _gather(ffi, lib, inputs, outs, dim):
    x, index = inputs
    (spec,) = outs
    if index.dtype.name not in INDEX_DTYPES or spec.dtype is not x.dtype:
        return NotImplemented
    out = empty(spec.shape, spec.dtype)
    if out.numel() == 0:
        return out
    size = _padded(x._shape)[dim]
    values = _checked_along("gather", index, dim, size)
    x_strides = _padded_strides(x)
    offsets = values.reshape(_padded(index._shape)) * x_strides[dim]
    x_strides[dim] = 0
    view = Tensor(out._storage, _padded(out._shape), dtype=out.dtype)
    _take(ffi, lib, x, view, x_strides, offsets, contiguous_strides(view._shape))
    return out


def _scatter_common(ffi, lib, inputs, op, dim, accumulate):
    x, index, src = inputs
    if index.dtype.name not in INDEX_DTYPES or src.dtype is not x.dtype:
        return NotImplemented
    shape = _padded(x._shape)
    values = _checked_along(op, index, dim, shape[dim])
    walk_shape = _padded(index._shape)
    strides = list(contiguous_strides(shape))
    offsets = values.reshape(walk_shape) * strides[dim]
    strides[dim] = 0
    source = Tensor(src._storage, _padded(src._shape), _padded_strides(src), src._offset,
                    src.dtype)
    if accumulate:
        view = Tensor(source._storage, walk_shape, source._stride, source._offset, src.dtype)
        ordered = np.sort(values.reshape(walk_shape), axis=dim)
        repeats = bool((np.diff(ordered, axis=dim) == 0).any())
        return _add_at(ffi, lib, x, walk_shape, strides, offsets,
                       contiguous_strides(walk_shape), view, repeats)
    out = empty(x._shape, x.dtype)
    copy_into(ffi, lib, Call(ffi), out, x)
    if index.numel():
        _put(ffi, lib, width_suffix(x.dtype), out, strides, offsets,
             contiguous_strides(walk_shape), source, source._stride, walk_shape)
    return out


REDUCE_OPS = {"sum": "TORSH_SR_SUM", "mean": "TORSH_SR_SUM", "prod": "TORSH_SR_PROD",
              "amax": "TORSH_SR_AMAX", "amin": "TORSH_SR_AMIN"}


def _scatter_reduce(ffi, lib, inputs, outs, dim, reduce, include_self):
    """The reference's fold per position, in a float64 or int64 copy of x (so sums and
    products are exact as its Python numbers until the final rounding); mean divides by
    the count (+1 with include_self), floor division for integers. int64 means decline:
    their exact sums may leave int64."""
    x, index, src = inputs
    if (index.dtype.name not in INDEX_DTYPES or src.dtype is not x.dtype
            or reduce not in REDUCE_OPS or (reduce == "mean" and x.dtype.name == "int64")):
        return NotImplemented
    shape = _padded(x._shape)
    values = _checked_along("scatter_reduce", index, dim, shape[dim])
    kind, buffer = _accumulator(x)
    buffer = buffer.reshape(-1)
    walk_shape = _padded(index._shape)
    if math.prod(walk_shape):
        strides = list(contiguous_strides(shape))
        offsets = np.ascontiguousarray(values.reshape(walk_shape) * strides[dim])
        strides[dim] = 0
        view = Tensor(src._storage, walk_shape, _padded_strides(src), src._offset, src.dtype)
        check_inside(view)
        part = view._numpy_view().astype(buffer.dtype, order="C")
        counts = np.zeros(buffer.size, np.int64)
        table, part_strides = contiguous_strides(walk_shape), contiguous_strides(walk_shape)
        _reach(offsets.size, 0, walk_shape, table)
        _reach(buffer.size, 0, walk_shape, strides, offsets)
        call = Call(ffi)
        c_type = "double[]" if kind == "f64" else "int64_t[]"
        getattr(lib, f"torsh_scatter_reduce_{kind}")(
            getattr(lib, REDUCE_OPS[reduce]), int(bool(include_self)), len(walk_shape),
            call.int64s(walk_shape), ffi.from_buffer(c_type, buffer), call.int64s(strides),
            ffi.from_buffer("int64_t[]", offsets), call.int64s(table),
            ffi.from_buffer(c_type, part), call.int64s(part_strides),
            ffi.from_buffer("int64_t[]", counts))
        if reduce == "mean":
            hit = counts > 0
            count = counts[hit] + int(bool(include_self))
            buffer[hit] = (buffer[hit] / count if kind == "f64"
                           else np.floor_divide(buffer[hit], count))
    return _from_accumulator(buffer, x)


def _index_select(ffi, lib, inputs, outs, dim):
    x, index = inputs
    (spec,) = outs
    if index.dtype.name not in INDEX_DTYPES or spec.dtype is not x.dtype:
        return NotImplemented
    shape = list(_padded(x._shape))
    values = _checked_along("index_select", index, dim, shape[dim]).reshape(-1)
    out = empty(spec.shape, spec.dtype)
    if out.numel() == 0:
        return out
    x_strides = _padded_strides(x)
    offsets = values * x_strides[dim]
    x_strides[dim] = 0
    shape[dim] = values.size
    table = [0] * len(shape)
    table[dim] = 1
    view = Tensor(out._storage, tuple(shape), dtype=out.dtype)
    _take(ffi, lib, x, view, x_strides, offsets, table)
    return out


def kernels(ffi, lib) -> dict:
    """{op name: kernel(inputs, outs, **params)} for the ops of this module."""
    return {
        "index": lambda inputs, outs, dims: _index(ffi, lib, inputs, outs, dims),
        "index_put": lambda inputs, outs, dims, accumulate: _index_put(
            ffi, lib, inputs, outs, dims, accumulate),
        "gather": lambda inputs, outs, dim: _gather(ffi, lib, inputs, outs, dim),
        "scatter": lambda inputs, outs, dim: _scatter_common(
            ffi, lib, inputs, "scatter", dim, False),
        "scatter_add": lambda inputs, outs, dim: _scatter_common(
            ffi, lib, inputs, "scatter_add", dim, True),
        "index_select": lambda inputs, outs, dim: _index_select(ffi, lib, inputs, outs, dim),
        "scatter_reduce": lambda inputs, outs, dim, reduce, include_self: _scatter_reduce(
            ffi, lib, inputs, outs, dim, reduce, include_self),
    }
