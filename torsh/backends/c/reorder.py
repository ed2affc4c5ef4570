"""flip, roll and repeat on the C strided copy (kernels/c/copy.c), for every dtype.

Each is a copy from a view that reads the input in the new order:
- flip: the view starts at the far end of each flipped dim and walks it with its stride
  negated;
- roll: along each rolled dim the output is two blocks, [0, s) read from the input's
  [n - s, n) and [s, n) read from its [0, n - s); one copy per combination of blocks;
- repeat: the output seen as (r0, n0, r1, n1, ...) is the input seen with stride 0 on the
  r's.
The views are checked to lie inside their storages before each copy (`copy_into`).
"""
from __future__ import annotations

from itertools import product

from .operands import Call, empty
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


def kernels(ffi, lib) -> dict:
    """{op name: kernel(inputs, outs, **params)} for the ops of this module."""
    return {"flip": lambda inputs, outs, dims: _flip(ffi, lib, inputs, outs, dims),
            "roll": lambda inputs, outs, shifts, dims: _roll(ffi, lib, inputs, outs, shifts,
                                                             dims),
            "repeat": lambda inputs, outs, repeats: _repeat(ffi, lib, inputs, outs, repeats)}
