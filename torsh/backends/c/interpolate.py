"""interpolate and its gradient on the C kernels (kernels/c/taps.c), float32 and float64; other
dtypes decline (NotImplemented).

Both are separable (see torsh/nn/functional/interpolate.py): one torsh_taps pass per spatial
dim, with that dim's taps for the forward (the last dim first, as the reference nests them)
and the taps of the transposed matrix, summed from zero, for the gradient (the first dim
first). Passes between the first and the last keep double, so the result is rounded once, as
the reference's is.
"""
from __future__ import annotations

import math

import numpy as np

from ..._core import dtype as dt
from .operands import Call, empty, merge_dims, remember
from .strided_copy import dense

SUFFIX = {"float32": "f32", "float64": "f64"}
# (geometry, direction) -> [(start, source, weight) per spatial dim]: the cffi arrays of the
# taps, made once per geometry (a training loop resizes few shapes).
_TABLES: dict = {}


def _transposed(rows: list, size_in: int) -> list:
    """The taps of the adjoint: source s gathers (j, w) for every tap (s, w) of row j, in the
    order the reference's scatter adds them (rows in order, taps in order)."""
    gathered = [[] for _ in range(size_in)]
    for j, row in enumerate(rows):
        for s, w in row:
            gathered[s].append((j, w))
    return gathered


def _tables(ffi, shape, mode, sizes, scales, align_corners, backward: bool) -> list:
    key = (tuple(shape), mode, sizes, scales, align_corners, backward)
    tables = _TABLES.get(key)
    if tables is not None:
        return tables
    from ...nn.functional.interpolate import _all_taps     # nn imports the backends
    tables = []
    for d, rows in enumerate(_all_taps(shape, mode, sizes, scales, align_corners)):
        if backward:
            rows = _transposed(rows, shape[2 + d])
        counts = [len(row) for row in rows]
        tables.append((ffi.new("int64_t[]", [0] + list(np.cumsum(counts, dtype=np.int64))),
                       ffi.new("int64_t[]", [s for row in rows for s, _ in row] or [0]),
                       ffi.new("double[]", [float(w) for row in rows for _, w in row] or [0])))
    return remember(_TABLES, key, tables)


def _three_strides(x, dim: int):
    """x's strides seen as (outer, x.shape[dim], inner), or None when the dims before (or
    after) dim do not walk as one."""
    strides = []
    for dims in (range(dim), range(dim + 1, x.ndim)):
        shape = tuple(x._shape[d] for d in dims) or (1,)
        walk, (merged,) = merge_dims(shape, [[x._stride[d] for d in dims] or [0]])
        if len(walk) > 1:
            return None
        strides.append(merged[0] if len(walk) else 0)
    return [strides[0], x._stride[dim], strides[1]]


def _pass(ffi, lib, x, dim: int, table, size_out: int, from_zero: bool, out_dtype):
    """out = the taps of `table` applied along dim of x (a torsh_taps call)."""
    strides = _three_strides(x, dim)
    if strides is None:
        x = dense(ffi, lib, x)
        strides = _three_strides(x, dim)
    shape = list(x._shape)
    outer, size_in, inner = math.prod(shape[:dim]), shape[dim], math.prod(shape[dim + 1:])
    shape[dim] = size_out
    out = empty(tuple(shape), out_dtype)
    start, source, weight = table
    call = Call(ffi)
    function = getattr(lib, f"torsh_taps_{SUFFIX[x.dtype.name]}_{SUFFIX[out_dtype.name]}")
    if function(outer, size_in, inner, call.pointer(x), call.int64s(strides), size_out, start,
                source, weight, int(from_zero), call.pointer(out)):
        raise RuntimeError("C kernel torsh_taps refused its taps")
    return out


def _separable(ffi, lib, x, out_shape, tables, dims, from_zero: bool):
    """The passes along `dims` in order; every pass but the last writes double."""
    if x.dtype.name not in SUFFIX:
        return NotImplemented
    if math.prod(out_shape) == 0 or x.numel() == 0:
        return empty(tuple(out_shape), x.dtype)
    final, dims = x.dtype, list(dims)
    for k, d in enumerate(dims):
        x = _pass(ffi, lib, x, 2 + d, tables[d], out_shape[2 + d], from_zero,
                  final if k == len(dims) - 1 else dt.float64)
    return x


def _forward(ffi, lib, inputs, outs, mode, sizes, scales, align_corners):
    (x,), (spec,) = inputs, outs
    tables = _tables(ffi, x._shape, mode, sizes, scales, align_corners, False)
    return _separable(ffi, lib, x, spec.shape, tables, reversed(range(len(sizes))),
                      mode == "area")


def _backward(ffi, lib, inputs, outs, input_size, mode, sizes, scales, align_corners):
    (g,), (spec,) = inputs, outs
    tables = _tables(ffi, input_size, mode, sizes, scales, align_corners, True)
    return _separable(ffi, lib, g, spec.shape, tables, range(len(sizes)), True)


def kernels(ffi, lib) -> dict:
    """{op name: kernel(inputs, outs, **params)} for the ops of this module."""
    return {"interpolate": lambda inputs, outs, **params: _forward(ffi, lib, inputs, outs,
                                                                   **params),
            "interpolate_backward": lambda inputs, outs, **params: _backward(
                ffi, lib, inputs, outs, **params)}
