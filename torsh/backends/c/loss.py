"""nll_loss and cross_entropy_loss on the C kernels (kernels/c/loss.c): the forward ops and
fused backwards, for float32 and float64 input (and weight of the same dtype).

cross_entropy_loss (F.cross_entropy with class-index targets) is one pass per target's lane
of class scores: max, log-sum-exp, loss; its backward writes softmax minus the smoothed,
weighted one-hot directly. A target out of range raises the reference's IndexError."""
from __future__ import annotations

import math

from ..._core.errors import IndexOutOfRange
from .norm import SUFFIX, dense
from .operands import Call, empty

REDUCTIONS = {"none": 0, "sum": 1, "mean": 2}


def _layout(x) -> tuple:
    """(batch, classes, spatial) of nll_loss's input (class dim 1, or 0 for a 1-d input)."""
    shape = tuple(x._shape)
    if len(shape) == 1:
        return 1, shape[0], 1
    return shape[0], shape[1], math.prod(shape[2:])


def _functions(lib, name: str) -> dict:
    """{suffix: lib.torsh_<name>_<suffix>}, looked up once."""
    return {suffix: getattr(lib, f"torsh_{name}_{suffix}") for suffix in SUFFIX.values()}


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

    forward = _functions(lib, "cross_entropy")

    def cross_entropy_loss(inputs, outs, ignore_index, reduction, label_smoothing):
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
        status = forward[suffix](
            *_layout(x), call.pointer(out), call.pointer(x), call.pointer(target),
            ffi.NULL if weight is None else call.pointer(weight), int(ignore_index),
            REDUCTIONS[reduction], float(label_smoothing), bad)
        if status == 1:
            raise IndexOutOfRange(f"cross_entropy: Target {bad[0]} is out of bounds.")
        return NotImplemented if status else out
    return {"nll_loss": nll_loss, "cross_entropy_loss": cross_entropy_loss}


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

    backward = _functions(lib, "cross_entropy_backward")

    def cross_entropy_backward(ctx, g):
        """dx of cross_entropy_loss: g_k (a_k softmax(x_k) - q_k) (see torsh_loss.h)."""
        x, target = ctx.inputs[0], ctx.inputs[1]
        weight = ctx.inputs[2] if len(ctx.inputs) > 2 else None
        suffix = _suffix(x, weight)
        if suffix is None or g.dtype is not x.dtype or ctx.reduction not in REDUCTIONS:
            return NotImplemented
        g, x, target = dense(g), dense(x), dense(target)
        weight = None if weight is None else dense(weight)
        dx = empty(tuple(x._shape), x.dtype)
        if dx.numel():
            call = Call(ffi)
            backward[suffix](
                *_layout(x), call.pointer(dx), call.pointer(g), call.pointer(x),
                call.pointer(target), ffi.NULL if weight is None else call.pointer(weight),
                int(ctx.ignore_index), REDUCTIONS[ctx.reduction], float(ctx.label_smoothing))
        return dx, None, None
    return {"nll_loss": nll_loss_backward, "cross_entropy_loss": cross_entropy_backward}
