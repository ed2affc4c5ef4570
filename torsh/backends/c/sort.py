"""sort, topk, kthvalue, median, nanmedian and mode on the C kernels (kernels/c/sort.c), for
every dtype: bool and the integer and float types natively, float16 and bfloat16 through
float32 (widening and rounding back are exact, and the order is the same).

The kernel sees the input with the dim moved last (strides permuted, no copy) and writes
contiguous outputs in the input's dim order. The order is the reference's: NaN the largest
value, -0.0 equal to 0.0, ties in input order (a stable sort), see kernels/c/torsh_sort.h.
argsort and msort are sort; quantile's decomposition sorts with it too.
"""
from __future__ import annotations

import math

import numpy as np

from ..._core import dtype as dt
from ..._core.shape import contiguous_strides
from .operands import Call, empty, merge_dims

SUFFIX = {"float32": "f32", "float64": "f64", "int64": "i64", "int32": "i32", "int16": "i16",
          "int8": "i8", "uint8": "u8", "bool": "u8"}
SELECT, MEDIAN, NANMEDIAN, MODE = 0, 1, 2, 3
# Lanes go to several threads once there are this many elements in all (sorting costs some
# ten times an elementwise op per element, hence a grain below TORSH_PARALLEL_GRAIN).
PARALLEL_GRAIN = 16384
_MAX_DIMS = 16
_MAX_LANE = (1 << 32) - 1          # the kernel keeps positions as 32-bit integers
_HALF = (dt.float16, dt.bfloat16)
GROUP_MAX, GROUP_BYTES = 4, 1 << 19


def _lanes(x, dim: int, count: int):
    """(shape, x strides, output strides): the lanes along dim last, the other dims merged;
    the outputs are contiguous with `count` elements along dim (the keepdim shape)."""
    if x.ndim == 0:
        return (1,), [0], [0]
    out_strides = contiguous_strides(x._shape[:dim] + (count,) + x._shape[dim + 1:])
    rest = [d for d in range(x.ndim) if d != dim]
    lead, (x_lead, out_lead) = merge_dims(tuple(x._shape[d] for d in rest),
                                          [[x._stride[d] for d in rest],
                                           [out_strides[d] for d in rest]])
    return (tuple(lead) + (x._shape[dim],), list(x_lead) + [x._stride[dim]],
            list(out_lead) + [out_strides[dim]])


def _group(step: int, n: int, rows: int, itemsize: int) -> int:
    """Lanes the kernel reads together: one when a lane is contiguous, else up to GROUP_MAX
    whose scratch fits GROUP_BYTES (lanes with a stride then share the cache lines they
    read: a (4096, 1024) float32 sorted along dim 0 takes 55 ms instead of 80)."""
    if step == 1 or rows == 1:
        return 1
    return max(1, min(GROUP_MAX, rows, GROUP_BYTES // (8 * _lane_words(n, itemsize))))


def _lane_words(n: int, itemsize: int) -> int:
    """Scratch words per lane (see torsh_sort.h)."""
    return (3 if itemsize <= 4 else 4) * n


# (shape, strides, dim, count) -> the kernel's int64 arrays and sizes: small calls recur
_LAYOUTS: dict = {}


def _layout(ffi, x, dim: int, count: int):
    """(ndim, shape, x strides, output strides as cffi arrays, n, rows, group), or None
    when the lanes are beyond the kernel (too many dims after merging, a lane of 2^32 or
    more)."""
    key = (ffi, x._shape, x._stride, dim, count)
    layout = _LAYOUTS.get(key)
    if layout is None:
        shape, x_strides, out_strides = _lanes(x, dim, count)
        n, rows = shape[-1], math.prod(shape[:-1])
        if len(shape) > _MAX_DIMS or n > _MAX_LANE:
            return None
        layout = (len(shape), ffi.new("int64_t[]", list(shape)),
                  ffi.new("int64_t[]", x_strides), ffi.new("int64_t[]", out_strides), n, rows,
                  _group(x_strides[-1], n, rows, x.dtype.itemsize))
        if len(_LAYOUTS) >= 1024:
            _LAYOUTS.clear()
        _LAYOUTS[key] = layout
    return layout


def _run(ffi, lib, x, outs, dim: int, what: int, descending=False, start=0, count=1):
    """(values, indices) of torsh_sort_<suffix> on x along dim, or NotImplemented."""
    if x.dtype in _HALF:
        return _through_float32(ffi, lib, x, outs, dim, what, descending, start, count)
    suffix = SUFFIX.get(x.dtype.name)
    if suffix is None or outs[0].dtype is not x.dtype:
        return NotImplemented
    values, indices = empty(outs[0].shape, x.dtype), empty(outs[1].shape, dt.int64)
    if values.numel() == 0:
        return values, indices
    layout = _layout(ffi, x, dim, count)
    if layout is None:
        return NotImplemented
    ndim, shape, x_strides, out_strides, n, rows, group = layout
    chunks = 1
    if rows > 1 and rows * n >= PARALLEL_GRAIN:
        chunks = max(1, min(rows, lib.torsh_get_num_threads()))
    scratch = np.empty(chunks * group * _lane_words(n, x.dtype.itemsize), dtype=np.uint64)
    call = Call(ffi)
    status = getattr(lib, f"torsh_sort_{suffix}")(
        what, int(descending), start, count, ndim, shape, call.pointer(values), out_strides,
        call.pointer(indices), out_strides, call.pointer(x), x_strides, chunks, group,
        ffi.from_buffer("uint64_t[]", scratch))
    if status != 0:
        raise RuntimeError(f"C kernel torsh_sort_{suffix} failed")
    return values, indices


def _through_float32(ffi, lib, x, outs, dim, what, descending, start, count):
    """The half-precision call run on float32 (every half value is a float32 exactly)."""
    from ...autograd.grad_mode import no_grad
    from ...ops._op import Out
    with no_grad():
        wide = x.to(dt.float32)
        result = _run(ffi, lib, wide, (Out(outs[0].shape, dt.float32), outs[1]), dim, what,
                      descending, start, count)
        if result is NotImplemented:
            return result
        return result[0].to(x.dtype), result[1]


def _lane_size(x, dim: int) -> int:
    return x._shape[dim] if x.ndim else 1


def _median_all(ffi, lib, ignore_nan: bool):
    """The lower median of all elements in row-major order; no elements: NaN as the
    reference casts it."""
    from ...autograd.grad_mode import no_grad
    from ...ops._op import Out

    def kernel(inputs, outs):
        x = inputs[0]
        with no_grad():
            if x.numel() == 0:
                return x.new_full((), math.nan, dtype=dt.float32).to(x.dtype)
            flat = x.reshape(-1)
        result = _run(ffi, lib, flat, (outs[0], Out((), dt.int64)), 0,
                      NANMEDIAN if ignore_nan else MEDIAN)
        return result if result is NotImplemented else result[0].reshape(())
    return kernel


def kernels(ffi, lib) -> dict:
    """{op name: kernel(inputs, outs, **params)} for the ops of this module."""
    def sort(inputs, outs, dim, descending):
        x = inputs[0]
        return _run(ffi, lib, x, outs, dim, SELECT, descending, 0, _lane_size(x, dim))

    def topk(inputs, outs, k, dim, largest):
        x = inputs[0]
        return _run(ffi, lib, x, outs, dim, SELECT, largest, 0, k if x.ndim else 1)

    def kthvalue(inputs, outs, k, dim, keepdim):
        return _run(ffi, lib, inputs[0], outs, dim, SELECT, False, k - 1, 1)

    def median_dim(inputs, outs, dim, keepdim, ignore_nan=False):
        return _run(ffi, lib, inputs[0], outs, dim, NANMEDIAN if ignore_nan else MEDIAN)

    def mode(inputs, outs, dim, keepdim):
        return _run(ffi, lib, inputs[0], outs, dim, MODE)

    return {"sort": sort, "topk": topk, "kthvalue": kthvalue, "median_dim": median_dim,
            "mode": mode, "median": _median_all(ffi, lib, False),
            "nanmedian": _median_all(ffi, lib, True)}
