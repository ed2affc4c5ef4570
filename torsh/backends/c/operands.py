"""Describe tensors to C kernels: pointers, shapes and element strides, checked first.

Every kernel call goes through `strided_operands`, which broadcasts each input to the output
shape (stride 0 on broadcast dims), merges dims that are contiguous for every operand (so a
kernel sees as few dims as possible), and checks that every element the kernel may touch lies
inside its tensor's storage. A kernel is never reachable with sizes that would read or write
out of bounds.
"""
from __future__ import annotations


from ..._core.allocator import allocate

C_TYPES = {"float32": "float", "float64": "double", "int64": "int64_t", "int32": "int32_t",
           "int16": "int16_t", "int8": "int8_t", "uint8": "uint8_t", "bool": "uint8_t",
           "float16": "uint16_t", "bfloat16": "uint16_t"}
_BUFFER_TYPES = {name: c_type + "[]" for name, c_type in C_TYPES.items()}


def check_inside(tensor) -> None:
    """Raise unless every element of the view lies within its storage."""
    low = high = tensor._offset
    for size, stride in zip(tensor._shape, tensor._stride):
        if size == 0:
            return                      # an empty view reaches nothing
        reach = (size - 1) * stride
        if reach < 0:
            low += reach
        else:
            high += reach
    if low < 0 or high >= len(tensor._storage.data):
        raise RuntimeError(f"C backend: a view of shape {list(tensor._shape)}, strides "
                           f"{list(tensor._stride)} and offset {tensor._offset} reaches outside "
                           f"its storage of {len(tensor._storage.data)} elements")


def broadcast_strides(tensor, shape: tuple) -> list:
    """The tensor's element strides seen with `shape` (its shape broadcast to it)."""
    if tensor._shape == shape:
        return list(tensor._stride)
    lead = len(shape) - tensor.ndim
    strides = [0] * lead
    for size, stride, target in zip(tensor._shape, tensor._stride, shape[lead:]):
        if size != target and size != 1:
            raise RuntimeError(f"C backend: shape {list(tensor._shape)} does not broadcast "
                               f"to {list(shape)}")
        strides.append(0 if size == 1 and target != 1 else stride)
    return strides


# Row-major strides (as lists) of the shapes seen, for merge_dims' fast path.
_CONTIGUOUS: dict = {}


def _contiguous(shape: tuple) -> list:
    strides = _CONTIGUOUS.get(shape)
    if strides is None:
        strides, step = [], 1
        for size in reversed(shape):
            strides.append(step)
            step *= size
        strides.reverse()
        if len(_CONTIGUOUS) < 4096:
            _CONTIGUOUS[shape] = strides
    return strides


def merge_dims(shape: tuple, strides: list) -> tuple:
    """Drop size-1 dims and fuse neighbours that are contiguous for every operand:
    returns (shape, [strides per operand])."""
    shape = tuple(shape)
    count = 1
    for n in shape:
        count *= n
    if count > 0:
        row_major = _contiguous(shape)
        if all(st == row_major for st in strides):   # every operand row-major: one flat walk
            if count == 1:
                return (), [[] for _ in strides]
            return (count,), [[1] for _ in strides]
    dims = [d for d, n in enumerate(shape) if n != 1]
    merged_shape, merged = [], [[] for _ in strides]
    for d in dims:
        if merged_shape and all(s[-1] == st[d] * shape[d] for s, st in zip(merged, strides)):
            merged_shape[-1] *= shape[d]
            for s, st in zip(merged, strides):
                s[-1] = st[d]
        else:
            merged_shape.append(shape[d])
            for s, st in zip(merged, strides):
                s.append(st[d])
    return tuple(merged_shape), merged


# Kernels read shape and stride arrays through `const int64_t *`, so one cffi array per
# distinct tuple of values can serve every call: small tuples recur (a few shapes per model).
_INT64S: dict = {}
_INT64S_LIMIT = 4096


class Call:
    """The cffi arguments of one kernel call, kept alive until the call returns."""

    __slots__ = ("ffi", "keep")

    def __init__(self, ffi):
        self.ffi = ffi
        self.keep = []

    def pointer(self, tensor):
        """A typed pointer to the tensor's first element (its storage plus offset)."""
        check_inside(tensor)
        return handle(self.ffi, tensor._storage, tensor.dtype) + tensor._offset

    def int64s(self, values):
        """A read-only `int64_t[]` of the values (shared between calls: a kernel must only read
        it, through `const int64_t *`; allocate scratch or outputs with ffi.new or `empty`)."""
        values = values if type(values) is tuple else tuple(values)
        key = (self.ffi, values)
        array = _INT64S.get(key)
        if array is None:
            array = self.ffi.new("int64_t[]", list(values) or [0])
            if len(values) <= 16:
                if len(_INT64S) >= _INT64S_LIMIT:
                    _INT64S.clear()
                _INT64S[key] = array
            else:
                self.keep.append(array)
        return array


def handle(ffi, storage, dtype):
    """The typed cffi pointer to the storage's buffer, made once and kept on the storage (it
    keeps the buffer alive for as long as the storage lives, and the allocator keeps it with
    the buffer when it is reused)."""
    kept = storage.handle
    if kept is None or storage.data.dtype is not dtype.numpy:
        kept = ffi.from_buffer(_BUFFER_TYPES[dtype.name], storage.data)
        if storage.data.dtype is dtype.numpy:
            storage.handle = kept
    return kept


def flat_pointer(ffi, tensor, count: int, dtype):
    """The typed pointer to the tensor's first element, or None when its storage does not
    hold `count` elements from its offset."""
    offset, storage = tensor._offset, tensor._storage
    if offset < 0 or offset + count > len(storage.data):
        return None
    kept = storage.handle
    if kept is None or storage.data.dtype is not dtype.numpy:
        kept = handle(ffi, storage, dtype)
    return kept + offset if offset else kept


_Tensor = None
_COUNTS: dict = {}          # shape -> element count


def remember(cache: dict, key, value, limit: int = 256):
    """cache[key] = value, the whole cache dropped first when it holds `limit` entries (the
    per-geometry tables kernels keep: a training loop has few geometries); returns value."""
    if len(cache) >= limit:
        cache.clear()
    cache[key] = value
    return value


def empty(shape: tuple, dtype):
    """A fresh contiguous CPU tensor for a kernel's output, from the caching allocator."""
    global _Tensor
    if type(shape) is not tuple:
        shape = tuple(shape)
    count = _COUNTS.get(shape)
    if count is None:
        if _Tensor is None:
            from ...tensor import Tensor as _Tensor
        count = 1
        for n in shape:
            count *= n
        if len(_COUNTS) < 4096:
            _COUNTS[shape] = count
    return _Tensor(allocate(count, dtype), shape, None, 0, dtype)
