"""Normalization ops on the C kernels (kernels/c/norm.c): layer_norm, rms_norm, group_norm
and batch_norm forward, and their fused backward ops (layer_norm_backward, which also serves
rms_norm, group_norm_backward, batch_norm_backward), for float32 and float64. The gradients
of layer_norm and rms_norm also run straight on the kernel (backward_kernels), which then
skips the sums for dw and db when no weight or bias needs them.

Every operand must share the input's dtype (else the call declines); strided inputs are
copied to contiguous ones first. Layer, rms and group norm are one C kernel: x seen as rows
of `chans * inner` values, row r using the weight entries of group r % groups.
"""
from __future__ import annotations

import math
from collections import namedtuple

import numpy as np

from .operands import Call, empty
from .strided_copy import dense

SUFFIX = {"float32": "f32", "float64": "f64"}
Spec = namedtuple("Spec", "shape dtype")      # an output's shape and dtype, as ops' Out
PARALLEL_GRAIN = 65536      # kernels/c/internal.h: TORSH_PARALLEL_GRAIN


def suffix_of(tensors, outs) -> str | None:
    """The kernels' type suffix when every tensor and output shares one float dtype."""
    name = tensors[0].dtype.name
    if name not in SUFFIX or any(t.dtype.name != name for t in tensors) or \
            any(o.dtype.name != name for o in outs):
        return None
    return SUFFIX[name]


class _Pointers(Call):
    """Call with NULL for absent tensors and a float64 scratch buffer."""

    def maybe(self, tensor):
        return self.ffi.NULL if tensor is None else self.pointer(tensor)

    def scratch(self, count: int):
        array = np.empty(max(count, 1), dtype=np.float64)
        buffer = self.ffi.from_buffer("double[]", array)
        self.keep += [array, buffer]
        return buffer


def _optional(rest, has_weight, has_bias):
    rest = list(rest)
    weight = rest.pop(0) if has_weight else None
    bias = rest.pop(0) if has_bias else None
    return weight, bias, rest


def _row_norm(ffi, lib, inputs, outs, rows_of, weight, bias, eps, centre):
    """Run torsh_row_norm: rows_of(x) -> (rows, groups, chans, inner)."""
    tensors = [t for t in [inputs[0], weight, bias] if t is not None]
    suffix = suffix_of(tensors, outs)
    if suffix is None:
        return NotImplemented
    x, weight, bias = (None if t is None else dense(ffi, lib, t)
                       for t in (inputs[0], weight, bias))
    out = empty(outs[0].shape, outs[0].dtype)
    if out.numel() == 0:
        return out
    call = _Pointers(ffi)
    rows, groups, chans, inner = rows_of(x)
    getattr(lib, f"torsh_row_norm_{suffix}")(rows, groups, chans, inner, call.pointer(out),
                                             call.pointer(x), call.maybe(weight),
                                             call.maybe(bias), eps, int(centre))
    return out


def _row_norm_backward(ffi, lib, inputs, outs, rows_of, eps, centre, sums=True):
    """Run torsh_row_norm_backward on (g, x[, weight]) -> (dx, dw, db); without `sums`,
    dw and db are not computed (None)."""
    suffix = suffix_of(inputs, outs)
    if suffix is None:
        return NotImplemented
    g, x = dense(ffi, lib, inputs[0]), dense(ffi, lib, inputs[1])
    weight = dense(ffi, lib, inputs[2]) if len(inputs) > 2 else None
    dx = empty(outs[0].shape, outs[0].dtype)
    dw, db = (empty(o.shape, o.dtype) for o in outs[1:]) if sums else (None, None)
    rows, groups, chans, inner = rows_of(x)
    call = _Pointers(ffi)
    chunks = max(1, min(rows, lib.torsh_get_num_threads())) if \
        rows * chans * inner >= PARALLEL_GRAIN else 1
    getattr(lib, f"torsh_row_norm_backward_{suffix}")(
        rows, groups, chans, inner, call.pointer(dx), call.maybe(dw), call.maybe(db),
        chunks, call.scratch(3 * chunks * groups * chans), call.pointer(g), call.pointer(x),
        call.maybe(weight), eps, int(centre))
    return dx, dw, db


def _trailing(normalized_shape):
    """(rows, 1, size, 1) for layer / rms norm over the trailing normalized_shape."""
    size = math.prod(normalized_shape)

    def rows_of(x):
        return (x.numel() // size if size else 0), 1, size, 1
    return rows_of


def _grouped(num_groups):
    """(N * G, G, C / G, spatial) for group norm."""
    def rows_of(x):
        channels = x.shape[1]
        return x.shape[0] * num_groups, num_groups, channels // num_groups, \
            math.prod(x.shape[2:])
    return rows_of


def kernels(ffi, lib) -> dict:
    """{op name: kernel(inputs, outs, **params)} for the normalization ops."""

    def layer_norm(inputs, outs, normalized_shape, eps, has_weight, has_bias):
        weight, bias, _ = _optional(inputs[1:], has_weight, has_bias)
        return _row_norm(ffi, lib, inputs, outs, _trailing(normalized_shape), weight, bias,
                         eps, True)

    def rms_norm(inputs, outs, normalized_shape, eps, has_weight):
        weight = inputs[1] if has_weight else None
        return _row_norm(ffi, lib, inputs, outs, _trailing(normalized_shape), weight, None,
                         eps, False)

    def layer_norm_backward(inputs, outs, normalized_shape, eps, centre):
        return _row_norm_backward(ffi, lib, inputs, outs, _trailing(normalized_shape), eps,
                                  centre)

    def group_norm(inputs, outs, num_groups, eps, has_weight, has_bias):
        if num_groups < 1 or inputs[0].ndim < 2:
            return NotImplemented
        weight, bias, _ = _optional(inputs[1:], has_weight, has_bias)
        return _row_norm(ffi, lib, inputs, outs, _grouped(num_groups), weight, bias, eps, True)

    def group_norm_backward(inputs, outs, num_groups, eps):
        if num_groups < 1 or inputs[1].ndim < 2:
            return NotImplemented
        return _row_norm_backward(ffi, lib, inputs, outs, _grouped(num_groups), eps, True)

    def batch_norm(inputs, outs, training, momentum, eps, has_weight, has_bias):
        x = inputs[0]
        weight, bias, running = _optional(inputs[1:], has_weight, has_bias)
        suffix = suffix_of(inputs, outs)
        if suffix is None or x.ndim < 2 or not training and not running:
            return NotImplemented
        x, weight, bias = (None if t is None else dense(ffi, lib, t)
                           for t in (x, weight, bias))
        running = [dense(ffi, lib, t) for t in running]
        result = [empty(o.shape, o.dtype) for o in outs]
        call = _Pointers(ffi)
        mean, var = (call.pointer(t) for t in running) if running else (ffi.NULL, ffi.NULL)
        new_mean, new_var = (call.pointer(t) for t in result[1:]) if len(result) == 3 \
            else (ffi.NULL, ffi.NULL)
        batch, channels = x.shape[0], x.shape[1]
        getattr(lib, f"torsh_batch_norm_{suffix}")(
            batch, channels, math.prod(x.shape[2:]), call.pointer(result[0]), call.pointer(x),
            call.maybe(weight), call.maybe(bias), mean, var, new_mean, new_var, int(training),
            momentum, eps)
        return tuple(result) if len(result) > 1 else result[0]

    def batch_norm_backward(inputs, outs, eps):
        suffix = suffix_of(inputs, outs)
        if suffix is None or inputs[1].ndim < 2:
            return NotImplemented
        g, x = dense(ffi, lib, inputs[0]), dense(ffi, lib, inputs[1])
        weight = dense(ffi, lib, inputs[2]) if len(inputs) > 2 else None
        dx, dw, db = (empty(o.shape, o.dtype) for o in outs)
        call = _Pointers(ffi)
        getattr(lib, f"torsh_batch_norm_backward_{suffix}")(
            x.shape[0], x.shape[1], math.prod(x.shape[2:]), call.pointer(dx),
            call.pointer(dw), call.pointer(db), call.pointer(g), call.pointer(x),
            call.maybe(weight), eps)
        return dx, dw, db

    return {"layer_norm": layer_norm, "rms_norm": rms_norm,
            "layer_norm_backward": layer_norm_backward, "group_norm": group_norm,
            "group_norm_backward": group_norm_backward, "batch_norm": batch_norm,
            "batch_norm_backward": batch_norm_backward}


def backward_kernels(ffi, lib) -> dict:
    """The gradients of layer_norm and rms_norm (what their backward gets from the
    layer_norm_backward op), with dw and db computed only when a weight or bias needs one."""

    def trailing(centre):
        def kernel(ctx, g):
            x = ctx.inputs[0]
            weight = ctx.inputs[1] if ctx.has_weight else None
            has_bias = centre and getattr(ctx, "has_bias", False)
            if g is None or tuple(g._shape) != tuple(x._shape) or g.device != x.device:
                return NotImplemented
            needs = ctx.needs_input_grad
            want_w = weight is not None and needs[1]
            want_b = has_bias and needs[-1]
            size = tuple(ctx.normalized_shape)
            stats = weight.dtype if weight is not None else x.dtype
            result = _row_norm_backward(
                ffi, lib, [g, x] + ([weight] if weight is not None else []),
                [Spec(tuple(x._shape), x.dtype), Spec(size, stats), Spec(size, stats)],
                _trailing(size), ctx.eps, centre, sums=want_w or want_b)
            if result is NotImplemented:
                return result
            dx, dw, db = result
            return (dx,) + ((dw if want_w else None,) if weight is not None else ()) + \
                ((db if want_b else None,) if has_bias else ())
        return kernel
    return {"layer_norm": trailing(True), "rms_norm": trailing(False)}
