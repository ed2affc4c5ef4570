"""nll_loss and cross_entropy_loss on the C kernels (kernels/c/loss.c): the forward ops and
fused backwards, for float32 and float64 input (and weight of the same dtype).

cross_entropy_loss (F.cross_entropy with class-index targets) is one pass per target's lane
of class scores: max, log-sum-exp, loss; its backward writes softmax minus the smoothed,
weighted one-hot directly. A target out of range raises the reference's IndexError."""
from __future__ import annotations

import math

from ..._core.errors import IndexOutOfRange
from .norm import SUFFIX
from .strided_copy import dense
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


def _operands(ffi, lib, inputs):
    """(x, target, weight or None) made contiguous, and the kernels' dtype suffix (None when
    they do not cover these dtypes)."""
    x, target = inputs[0], inputs[1]
    weight = inputs[2] if len(inputs) > 2 else None
    suffix = _suffix(x, weight)
    weight = None if weight is None else dense(ffi, lib, weight)
    return dense(ffi, lib, x), dense(ffi, lib, target), weight, suffix


def _forward(ffi, lib, functions, name, inputs, outs, ignore_index, reduction, *extra):
    """The loss kernel of `functions` on (x, target[, weight]); a target out of range raises
    the reference's IndexError; a call the kernel leaves to the composite (status 2)
    declines."""
    x, target, weight, suffix = _operands(ffi, lib, inputs)
    if suffix is None or reduction not in REDUCTIONS or outs[0].dtype is not x.dtype:
        return NotImplemented
    out = empty(outs[0].shape, outs[0].dtype)
    call = Call(ffi)
    bad = ffi.new("int64_t *")
    status = functions[suffix](
        *_layout(x), call.pointer(out), call.pointer(x), call.pointer(target),
        ffi.NULL if weight is None else call.pointer(weight), int(ignore_index),
        REDUCTIONS[reduction], *extra, bad)
    if status == 1:
        raise IndexOutOfRange(f"{name}: Target {bad[0]} is out of bounds.")
    return NotImplemented if status else out


def _backward(ffi, lib, functions, ctx, g, reads_x, *numbers):
    """dx by the backward kernel of `functions`, called (layout, dx, g, [x if reads_x,] target,
    weight, ignore_index, reduction, *numbers)."""
    x, target, weight, suffix = _operands(ffi, lib, ctx.inputs)
    if suffix is None or g.dtype is not x.dtype or ctx.reduction not in REDUCTIONS:
        return NotImplemented
    dx = empty(tuple(x._shape), x.dtype)
    if dx.numel():
        call = Call(ffi)
        functions[suffix](
            *_layout(x), call.pointer(dx), call.pointer(dense(ffi, lib, g)),
            *([call.pointer(x)] if reads_x else []), call.pointer(target),
            ffi.NULL if weight is None else call.pointer(weight), int(ctx.ignore_index),
            REDUCTIONS[ctx.reduction], *numbers)
    return dx, None, None


def kernels(ffi, lib) -> dict:
    nll, cross_entropy = _functions(lib, "nll_loss"), _functions(lib, "cross_entropy")
    return {
        "nll_loss": lambda inputs, outs, ignore_index, reduction: _forward(
            ffi, lib, nll, "nll_loss", inputs, outs, ignore_index, reduction),
        "cross_entropy_loss": lambda inputs, outs, ignore_index, reduction, label_smoothing:
            _forward(ffi, lib, cross_entropy, "cross_entropy", inputs, outs, ignore_index,
                     reduction, float(label_smoothing))}


def backward_kernels(ffi, lib) -> dict:
    """dx of nll_loss: -w[t_k] * g_k at each kept target (g_k / total weight for mean); dx
    of cross_entropy_loss: g_k (a_k softmax(x_k) - q_k) (see torsh_loss.h)."""
    nll = _functions(lib, "nll_loss_backward")
    cross_entropy = _functions(lib, "cross_entropy_backward")
    return {
        "nll_loss": lambda ctx, g: _backward(ffi, lib, nll, ctx, g, False),
        "cross_entropy_loss": lambda ctx, g: _backward(ffi, lib, cross_entropy, ctx, g, True,
                                                       float(ctx.label_smoothing))}
