"""flip, roll, repeat, repeat_interleave, diag_embed, block_diag, tril and triu on the C copies
(kernels/c/copy.c, the index kernels' take and the `where` of torsh_map), for every dtype.

Each is a copy from a view that reads the input in the new order, or writes it in place:
- flip: the view starts at the far end of each flipped dim and walks it with its stride
  negated;
- roll: along each rolled dim the output is two blocks, [0, s) read from the input's
  [n - s, n) and [s, n) read from its [0, n - s); one copy per combination of blocks;
- repeat: the output seen as (r0, n0, r1, n1, ...) is the input seen with stride 0 on the
  r's;
- repeat_interleave: an index_select of slice k repeats[k] times (the positions made once
  per repeats);
- diag_embed: zeros, and the input copied into the view of their diagonals (one stride,
  the sum of the two dims' strides); block_diag: zeros, each input copied into its block;
- tril / triu: where(mask, x, 0), the (rows, cols) mask made once per geometry.
The views are checked to lie inside their storages before each copy (`copy_into`).
"""
from __future__ import annotations

from itertools import product

import numpy as np

from ...tensor import Tensor
from .cast import run_map
from .index import _index_select
from .operands import Call, empty, remember
from .strided_copy import copy_into, view_of


def _flip(ffi, lib, inputs, outs, dims):
    (x,), (spec,) = inputs, outs
    out = empty(spec.shape, spec.dtype)
    if out.numel() == 0:
        return out
    offset, stride = x._offset, list(x._stride)
    for d in set(dims):
        offset += (x._shape[d] - 1) * stride[d]
        stride[d] = -stride[d]
    copy_into(ffi, lib, Call(ffi), out, view_of(x, x._shape, stride, offset))
    return out


def _roll(ffi, lib, inputs, outs, shifts, dims):
    """The reference's rule: dim d moves by the shift last given for it in dims."""
    (x,), (spec,) = inputs, outs
    if len(shifts) != len(dims):
        return NotImplemented               # a flattened roll: its op reshapes first
    out = empty(spec.shape, spec.dtype)
    if out.numel() == 0:
        return out
    shift_of = dict(zip(dims, shifts))
    per_dim = []                            # (output start, input start, length) per block
    for d, n in enumerate(x._shape):
        s = shift_of.get(d, 0) % n
        per_dim.append([(s, 0, n - s), (0, n - s, s)] if s else [(0, 0, n)])
    call = Call(ffi)
    for blocks in product(*per_dim):
        shape = tuple(length for _, _, length in blocks)
        to = sum(start * st for (start, _, _), st in zip(blocks, out._stride))
        at = x._offset + sum(start * st for (_, start, _), st in zip(blocks, x._stride))
        copy_into(ffi, lib, call, view_of(out, shape, out._stride, to),
                  view_of(x, shape, x._stride, at))
    return out


def _repeat(ffi, lib, inputs, outs, repeats):
    (x,), (spec,) = inputs, outs
    out = empty(spec.shape, spec.dtype)
    if out.numel() == 0:
        return out
    lead = len(repeats) - x.ndim
    shape = (1,) * lead + x._shape
    stride = (0,) * lead + x._stride
    pairs = tuple(size for r, n in zip(repeats, shape) for size in (r, n))
    out_pairs = tuple(step for n, st in zip(shape, out._stride) for step in (n * st, st))
    x_pairs = tuple(step for st in stride for step in (0, st))
    copy_into(ffi, lib, Call(ffi), view_of(out, pairs, out_pairs, 0),
              view_of(x, pairs, x_pairs, x._offset))
    return out


_POSITIONS: dict = {}


def _repeat_interleave(ffi, lib, inputs, outs, repeats, dim):
    positions = _POSITIONS.get(repeats)
    if positions is None:
        counts = np.array(repeats, dtype=np.int64)
        positions = remember(_POSITIONS, repeats, Tensor._from_numpy(
            np.repeat(np.arange(len(repeats)), counts)))
    return _index_select(ffi, lib, [inputs[0], positions], outs, dim)


def _diag_embed(ffi, lib, inputs, outs, offset, dim1, dim2):
    (x,), (spec,) = inputs, outs
    out = empty(spec.shape, spec.dtype)
    out._storage.data[:] = 0
    if x.numel() == 0:
        return out
    st = out._stride
    kept = [d for d in range(out.ndim) if d not in (dim1, dim2)]
    start = offset * st[dim2] if offset >= 0 else -offset * st[dim1]
    diagonal = view_of(out, x._shape, [st[d] for d in kept] + [st[dim1] + st[dim2]], start)
    copy_into(ffi, lib, Call(ffi), diagonal, x)
    return out


def _block_diag(ffi, lib, inputs, outs):
    """Input k (0-d as 1 x 1, 1-D as one row) below and after input k - 1's block."""
    (spec,) = outs
    if any(t.dtype is not spec.dtype for t in inputs):
        return NotImplemented
    out = empty(spec.shape, spec.dtype)
    out._storage.data[:] = 0
    call, top, left = Call(ffi), 0, 0
    for t in inputs:
        shape = ((1, 1), (1,) + t._shape, t._shape)[t.ndim]
        stride = ((0, 0), (0,) + t._stride, t._stride)[t.ndim]
        if 0 not in shape:
            block = view_of(out, shape, out._stride, top * out._stride[0] + left)
            copy_into(ffi, lib, call, block, view_of(t, shape, stride, t._offset))
        top, left = top + shape[0], left + shape[1]
    return out


_MASKS: dict = {}


def _triangle(ffi, lib, inputs, outs, diagonal, lower):
    (x,), (spec,) = inputs, outs
    rows, cols = x._shape[-2:]
    key = (rows, cols, diagonal, lower)
    mask = _MASKS.get(key)
    if mask is None:
        above = np.arange(cols)[None, :] - np.arange(rows)[:, None]
        kept = above <= diagonal if lower else above >= diagonal
        mask = remember(_MASKS, key, Tensor._from_numpy(np.ascontiguousarray(kept)))
    zero = Tensor._from_numpy(np.zeros((), dtype=x._storage.data.dtype))
    return run_map(ffi, lib, lib.TORSH_M_WHERE, [mask, x, zero], spec)


def kernels(ffi, lib) -> dict:
    """{op name: kernel(inputs, outs, **params)} for the ops of this module."""
    return {"flip": lambda inputs, outs, dims: _flip(ffi, lib, inputs, outs, dims),
            "roll": lambda inputs, outs, shifts, dims: _roll(ffi, lib, inputs, outs, shifts,
                                                             dims),
            "repeat": lambda inputs, outs, repeats: _repeat(ffi, lib, inputs, outs, repeats),
            "repeat_interleave": lambda inputs, outs, repeats, dim: _repeat_interleave(
                ffi, lib, inputs, outs, repeats, dim),
            "diag_embed": lambda inputs, outs, offset, dim1, dim2: _diag_embed(
                ffi, lib, inputs, outs, offset, dim1, dim2),
            "block_diag": lambda inputs, outs: _block_diag(ffi, lib, inputs, outs),
            "tril": lambda inputs, outs, diagonal: _triangle(ffi, lib, inputs, outs, diagonal,
                                                             True),
            "triu": lambda inputs, outs, diagonal: _triangle(ffi, lib, inputs, outs, diagonal,
                                                             False)}
