"""nll_loss on the C kernels (kernels/c/loss.c): the forward op and a fused backward, for
float32 and float64 input (and weight of the same dtype).

cross_entropy is log_softmax then nll_loss, so it runs both natively when log_softmax has a
C kernel. A target out of range raises the reference's IndexError."""
from __future__ import annotations

import math

from ..._core.errors import IndexOutOfRange
from .norm import SUFFIX, dense
from .operands import Call, empty

REDUCTIONS = {"none": 0, "sum": 1, "mean": 2}


def _layout(x) -> tuple:
    """(batch, classes, spatial) of nll_loss's input (class dim 1, or 0 for a 1-d input)."""
    if x.ndim == 1:
        return 1, x.shape[0], 1
    return x.shape[0], x.shape[1], math.prod(x.shape[2:])


def _suffix(x, weight) -> str | None:
    name = x.dtype.name
    if name not in SUFFIX or weight is not None and weight.dtype.name != name:
        return None
    return SUFFIX[name]


def kernels(ffi, lib) -> dict:
    def nll_loss(inputs, outs, ignore_index, reduction):
        x, target = inputs[0], inputs[1]
        weight = inputs[2] if len(inputs) > 2 else None
        suffix = _suffix(x, weight)
        if suffix is None or reduction not in REDUCTIONS or outs[0].dtype is not x.dtype:
            return NotImplemented
        x, target = dense(x), dense(target)
        weight = None if weight is None else dense(weight)
        out = empty(outs[0].shape, outs[0].dtype)
        call = Call(ffi)
        bad = ffi.new("int64_t *")
        status = getattr(lib, f"torsh_nll_loss_{suffix}")(
            *_layout(x), call.pointer(out), call.pointer(x), call.pointer(target),
            ffi.NULL if weight is None else call.pointer(weight), int(ignore_index),
            REDUCTIONS[reduction], bad)
        if status:
            raise IndexOutOfRange(f"nll_loss: Target {bad[0]} is out of bounds.")
        return out
    return {"nll_loss": nll_loss}


def backward_kernels(ffi, lib) -> dict:
    def nll_loss_backward(ctx, g):
        """dx of nll_loss: -w[t_k] * g_k at each kept target (g_k / total weight for mean)."""
        x, target = ctx.inputs[0], ctx.inputs[1]
        weight = ctx.inputs[2] if len(ctx.inputs) > 2 else None
        suffix = _suffix(x, weight)
        if suffix is None or g.dtype is not x.dtype or ctx.reduction not in REDUCTIONS:
            return NotImplemented
        g, target = dense(g), dense(target)
        weight = None if weight is None else dense(weight)
        dx = empty(tuple(x.shape), x.dtype)
        if dx.numel() == 0:
            dx._storage.data[:] = 0
        else:
            call = Call(ffi)
            getattr(lib, f"torsh_nll_loss_backward_{suffix}")(
                *_layout(x), call.pointer(dx), call.pointer(g), call.pointer(target),
                ffi.NULL if weight is None else call.pointer(weight), int(ctx.ignore_index),
                REDUCTIONS[ctx.reduction])
        return dx, None, None
    return {"nll_loss": nll_loss_backward}
