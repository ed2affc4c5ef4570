"""embedding and embedding_bag on the C kernels (kernels/c/embedding.c), with fused backwards.

embedding's lookup copies rows as bytes, so it serves every weight dtype; its gradient (a
scatter-add of gradient rows, none into padding_idx's row) and embedding_bag (forward and
backward) serve float32 and float64. Indices are checked here first: an embedding index out
of range raises IndexError as PyTorch does; embedding_bag's invalid indices or offsets
decline, so the reference raises its own error.
"""
from __future__ import annotations

import numpy as np

from ..._core.errors import IndexOutOfRange
from .conv import Buffers, dense, suffix_of
from .operands import empty

_MODES = {"sum": 0, "mean": 1, "max": 2}


def _indices(indices) -> np.ndarray:
    return np.ascontiguousarray(dense(indices), dtype=np.int64)


def _in_range(flat: np.ndarray, rows: int) -> bool:
    return flat.size == 0 or (flat.min() >= 0 and flat.max() < rows)


def _counts(flat, rows, dtype):
    """How often each row is looked up (for scale_grad_by_freq), in the gradient's dtype."""
    return np.bincount(flat, minlength=rows).astype(dtype.numpy)


# ------------------------------------------------------------ embedding

def _embedding(ffi, lib, inputs, outs, padding_idx, scale_grad_by_freq):
    weight, indices = inputs
    spec = outs[0]
    flat = _indices(indices)
    if not _in_range(flat, weight.shape[0]):
        raise IndexOutOfRange("embedding: index out of range in self")
    out = empty(spec.shape, spec.dtype)
    if out.numel() == 0:
        return out
    table = dense(weight)
    call = Buffers(ffi)
    row_bytes = table.dtype.itemsize * weight.shape[1]
    lib.torsh_embedding_rows(flat.size, row_bytes,
                             ffi.from_buffer("uint8_t[]", table.view(np.uint8)),
                             call.of(flat),
                             ffi.from_buffer("uint8_t[]", out._storage.data.view(np.uint8)))
    return out


def _embedding_backward(ffi, lib, ctx, g):
    weight, indices = ctx.inputs
    suffix = suffix_of(weight, g)
    if suffix is None:
        return NotImplemented
    rows, width = weight.shape
    flat = _indices(indices)
    grad = empty((rows, width), g.dtype)
    call = Buffers(ffi)
    counts = call.of(_counts(flat, rows, g.dtype)) if ctx.scale_grad_by_freq else ffi.NULL
    padding = -1 if ctx.padding_idx is None else ctx.padding_idx
    getattr(lib, f"torsh_embedding_backward_{suffix}")(
        flat.size, rows, width, call.of(dense(g)), call.of(flat), padding, counts,
        call.tensor(grad))
    return grad, None


# ------------------------------------------------------------ embedding_bag

def _bounds(count, offsets, include_last_offset):
    """(starts, ends) of the bags, or None when the offsets are invalid (the reference
    raises)."""
    starts = _indices(offsets)
    if starts.size and (starts[0] != 0 or starts[-1] > count or np.any(np.diff(starts) < 0)):
        return None
    ends = starts[1:] if include_last_offset else np.append(starts[1:], count)
    bags = starts.size - 1 if include_last_offset else starts.size
    return np.ascontiguousarray(starts[:max(bags, 0)]), np.ascontiguousarray(ends, np.int64)


def _bag(ffi, lib, inputs, outs, mode, include_last_offset, padding_idx, scale_grad_by_freq):
    weight, indices, offsets = inputs[:3]
    suffix = suffix_of(weight, *inputs[3:])
    flat = _indices(indices)
    if suffix is None or not _in_range(flat, weight.shape[0]):
        return NotImplemented
    bounds = _bounds(flat.size, offsets, include_last_offset)
    if bounds is None:
        return NotImplemented
    out = empty(outs[0].shape, outs[0].dtype)
    winners = empty(outs[1].shape, outs[1].dtype)
    if out.numel() == 0:
        return out, winners
    call = Buffers(ffi)
    psw = call.of(dense(inputs[3])) if len(inputs) == 4 else ffi.NULL
    getattr(lib, f"torsh_embedding_bag_{suffix}")(
        out.shape[0], out.shape[1], call.of(dense(weight)), call.of(flat),
        call.of(bounds[0]), call.of(bounds[1]), psw,
        -1 if padding_idx is None else padding_idx, _MODES[mode], call.tensor(out),
        call.tensor(winners) if mode == "max" else ffi.NULL)
    return out, winners


def _bag_backward(ffi, lib, ctx, g, *_):
    weight, indices, offsets = ctx.inputs[:3]
    suffix = suffix_of(weight, g, *ctx.inputs[3:])
    if suffix is None:
        return NotImplemented
    flat = _indices(indices)
    bounds = _bounds(flat.size, offsets, ctx.include_last_offset)
    if bounds is None:
        return NotImplemented
    rows, width = weight.shape
    call = Buffers(ffi)
    grad = empty((rows, width), g.dtype)
    with_psw = len(ctx.inputs) == 4
    dpsw = empty((flat.size,), g.dtype) if with_psw else None
    counts = ffi.NULL
    if ctx.scale_grad_by_freq and ctx.mode != "max":
        counts = call.of(_counts(flat, rows, g.dtype))
    winners = call.of(dense(ctx.outputs[1])) if ctx.mode == "max" else ffi.NULL
    getattr(lib, f"torsh_embedding_bag_backward_{suffix}")(
        bounds[0].size, flat.size, rows, width, call.of(dense(g)), call.of(dense(weight)),
        call.of(flat), call.of(bounds[0]), call.of(bounds[1]),
        call.of(dense(ctx.inputs[3])) if with_psw else ffi.NULL,
        -1 if ctx.padding_idx is None else ctx.padding_idx, _MODES[ctx.mode], winners, counts,
        call.tensor(grad), call.tensor(dpsw) if with_psw and flat.size else ffi.NULL)
    grads = [grad, None, None]
    if with_psw:
        grads.append(dpsw if ctx.needs_input_grad[3] else None)
    return tuple(grads)


def kernels(ffi, lib) -> dict:
    return {"embedding": lambda inputs, outs, **p: _embedding(ffi, lib, inputs, outs, **p),
            "embedding_bag": lambda inputs, outs, **p: _bag(ffi, lib, inputs, outs, **p)}


def backward_kernels(ffi, lib) -> dict:
    return {"embedding": lambda ctx, g: _embedding_backward(ffi, lib, ctx, g),
            "embedding_bag": lambda ctx, g, *rest: _bag_backward(ffi, lib, ctx, g, *rest)}
