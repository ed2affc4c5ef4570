"""Classification losses: nll_loss (an op), cross_entropy (an op, cross_entropy_loss, for
class-index targets; log_softmax then a weighted sum for class probabilities) and the margin
losses over class scores (composites of torsh ops):
    multi_margin_loss: sum_{i != y} w[y] max(0, margin - x[y] + x[i])^p / C per sample;
    multilabel_margin_loss: sum_{j in Y, i not in Y} max(0, 1 - (x[j] - x[i])) / C, where Y
    is the target's class list up to its first -1;
    multilabel_soft_margin_loss: -mean_c w_c (y_c ln sigmoid(x_c) + (1 - y_c) ln sigmoid(-x_c)).

Input is (C), (N, C) or (N, C, d1, ...) with classes along dim 1 (dim 0 for 1-D input);
class-index targets are int64 of the input's shape without the class dim.
    nll_loss: loss_k = -w[t_k] * x[k, t_k], 0 where t_k == ignore_index;
    'mean' divides the sum by sum_k w[t_k] over the kept targets (0 / 0 = NaN when all are
    ignored), 'sum' adds, 'none' keeps the per-target losses.
    cross_entropy_loss: nll_loss of log_softmax(x) along the class dim, with label smoothing
    e: loss_k = (1 - e) w[t_k] (-log p_k[t_k]) + (e / C) sum_c w_c (-log p_k[c]), reduced as
    nll_loss (the same total weight for 'mean').
"""
from __future__ import annotations

import math

from ..._core import dtype as dt
from ..._core.errors import (DTypeNotImplemented, DTypeRuntimeError, IndexOutOfBounds,
                             IndexOutOfRange, InvalidArgument, ShapeMismatch)
from ...dispatch import dispatch
from ...ops._array import Array
from ...ops._elementwise_base import require_tensor
from ...ops._op import PROMOTE_NONE, Op, Out
from ._pointwise import declare
from ._reduction import reduction_of
from .softmax import _lane_log_softmax, log_softmax, softmax


def _class_dim(x) -> int:
    return 1 if x.ndim >= 2 else 0


def _checked(name, x, target, weight, reduction):
    """The Out of a class-index loss `name` (nll_loss, cross_entropy), its inputs checked."""
    if not x.dtype.is_floating_point:
        raise DTypeNotImplemented(f"{name}: \"nll_loss_out_frame\" not implemented for "
                                  f"input of dtype {x.dtype.name}")
    if target.dtype is not dt.int64:
        raise DTypeRuntimeError(f"{name}: expected scalar type Long but found "
                                f"{target.dtype.name} (target)")
    if x.ndim == 0:
        raise ShapeMismatch(f"{name}: input tensor should be 1D or more, got 0-d")
    expected = x._shape[:1] + x._shape[2:] if x.ndim >= 2 else ()
    if x.ndim >= 2 and target.ndim >= 1 and target._shape[0] != x._shape[0]:
        raise InvalidArgument(f"{name}: Expected input batch_size ({x._shape[0]}) to match "
                              f"target batch_size ({target._shape[0]}).")
    if tuple(target._shape) != tuple(expected):
        raise ShapeMismatch(f"{name}: expected target of shape {list(expected)} for input "
                            f"of shape {list(x._shape)}, got {list(target._shape)}")
    classes = x._shape[_class_dim(x)]
    if weight and tuple(weight[0]._shape) != (classes,):
        raise ShapeMismatch(f"{name}: weight tensor should be defined either for all "
                            f"{classes} classes or no classes but got weight tensor of shape: "
                            f"{list(weight[0]._shape)}")
    return Out(target._shape if reduction == "none" else (), x.dtype)


def _meta(x, target, *weight, ignore_index, reduction):
    return _checked("nll_loss", x, target, weight, reduction)


def _reference(x: Array, target: Array, *weight: Array, ignore_index, reduction):
    classes = x.shape[_class_dim(x)]
    spatial = math.prod(x.shape[2:])
    losses, total_weight = [], 0.0
    for k, t in enumerate(target.data):
        if t == ignore_index:
            losses.append(0.0)
            continue
        if not 0 <= t < classes:
            raise IndexOutOfRange(f"nll_loss: Target {t} is out of bounds.")
        n, s = divmod(k, spatial)
        w = weight[0].data[t] if weight else 1.0
        losses.append(-w * x.data[(n * classes + t) * spatial + s])
        total_weight += w
    if reduction == "none":
        return Array(losses, target.shape)
    total = sum(losses)
    if reduction == "sum":
        return Array([total], ())
    return Array([total / total_weight if total_weight else math.nan], ())


def _target_weights(ctx):
    """w[t_k] for kept targets, 0 for ignored ones (in the input's dtype)."""
    x, target = ctx.inputs[0], ctx.inputs[1]
    kept = target != ctx.ignore_index
    safe = target.masked_fill(~kept, 0)
    if len(ctx.inputs) == 3:
        weights = ctx.inputs[2].index_select(0, safe.reshape(-1)).reshape(target.shape)
    else:
        weights = kept.to(x.dtype)
    return weights.masked_fill(~kept, 0.0), safe


def _backward(ctx, g):
    """dx[k, c] = -w[t_k] * g_k where c == t_k (g_k / total weight for 'mean'), else 0."""
    from ... import arange
    x = ctx.inputs[0]
    weights, safe = _target_weights(ctx)
    if ctx.reduction == "mean":   # all targets ignored: total 0, every gradient 0
        total = weights.sum()
        g = g / total.masked_fill(total == 0, 1.0)
    coef = g * weights
    dim = _class_dim(x)
    classes = x.shape[dim]
    shape = [1] * x.ndim
    shape[dim] = classes
    one_hot = safe.unsqueeze(dim) == arange(classes).reshape(shape) if x.ndim >= 2 \
        else arange(classes) == safe
    coef = coef.unsqueeze(dim) if x.ndim >= 2 else coef
    return (-(coef * one_hot), None, None)


_NLL_LOSS = declare(Op("nll_loss", meta=_meta, reference=_reference, backward=_backward,
                        promote=PROMOTE_NONE, differentiable_outputs=(0,), doc=__doc__))


def _ce_meta(x, target, *weight, ignore_index, reduction, label_smoothing):
    return _checked("cross_entropy", x, target, weight, reduction)


def _ce_reference(x: Array, target: Array, *weight: Array, ignore_index, reduction,
                  label_smoothing):
    """Per target: log_softmax of its class lane, then the smoothed, weighted nll."""
    classes = x.shape[_class_dim(x)]
    spatial = math.prod(x.shape[2:])
    w = weight[0].data if weight else [1.0] * classes
    e = label_smoothing
    losses, total_weight = [], 0.0
    for k, t in enumerate(target.data):
        if t == ignore_index:
            losses.append(0.0)
            continue
        if not 0 <= t < classes:
            raise IndexOutOfRange(f"cross_entropy: Target {t} is out of bounds.")
        n, s = divmod(k, spatial)
        log_p = _lane_log_softmax([x.data[(n * classes + c) * spatial + s]
                                   for c in range(classes)])
        loss = -w[t] * log_p[t]
        if e:
            smooth = -sum(w[c] * log_p[c] for c in range(classes))
            loss = (1 - e) * loss + smooth * (e / classes)
        losses.append(loss)
        total_weight += w[t]
    if reduction == "none":
        return Array(losses, target.shape)
    total = sum(losses)
    if reduction == "sum":
        return Array([total], ())
    return Array([total / total_weight if total_weight else math.nan], ())


def _ce_backward(ctx, g):
    """dx_k = g_k (a_k softmax(x_k) - q_k): q_k[c] = (1 - e) w[t_k] [c == t_k] + (e / C) w_c
    and a_k = sum_c q_k[c]; g_k is g / W for 'mean' (W the total weight; NaN when W is 0,
    as PyTorch's 0 / 0), g for 'sum', and 0 for an ignored target."""
    from ... import arange
    x, target, weighted = ctx.inputs[0], ctx.inputs[1], len(ctx.inputs) == 3
    weights, safe = _target_weights(ctx)
    dim, e = _class_dim(x), ctx.label_smoothing
    classes = x.shape[dim]
    if ctx.reduction == "mean":
        total = weights.sum()
        g = g / total.masked_fill(total == 0, math.nan)
    g = g.expand(tuple(target.shape)).masked_fill(target == ctx.ignore_index, 0.0)

    def along(t):       # one value per target -> broadcast over the class dim
        return t.unsqueeze(dim) if x.ndim >= 2 else t
    shape = [1] * x.ndim
    shape[dim] = classes
    hits = (along(safe) == arange(classes).reshape(shape)).to(x.dtype)
    a = weights * (1 - e)
    q = along(a) * hits
    if e:
        kept = (target != ctx.ignore_index).to(x.dtype)
        class_weights = ctx.inputs[2].reshape(shape) if weighted else None
        total_class_weight = class_weights.sum() if weighted else float(classes)
        a = a + kept * (total_class_weight * (e / classes))
        spread = along(kept) * (e / classes)
        q = q + (spread * class_weights if weighted else spread)
    return (along(g) * (softmax(x, dim) * along(a) - q), None, None)


_CE_DOC = """cross_entropy with class-index targets, in one op: for each target k, log p_k =
log_softmax of its class lane x[n, :, s], then
    loss_k = (1 - e) w[t_k] (-log p_k[t_k]) + (e / C) sum_c w_c (-log p_k[c])
(e = label_smoothing, w = weight or ones), 0 where t_k == ignore_index; 'mean' divides the
sum by sum_k w[t_k] over the kept targets, 'sum' adds, 'none' keeps each loss_k.
Special values, as log_softmax then nll_loss give them: a lane holding a NaN or whose max is
±inf has log p all NaN (its loss NaN, unless ignored: 0); -inf scores give -log p = inf, and
0 * inf = NaN where such a class has weight 0 and e > 0; the mean over no kept target is
0 / 0 = NaN; a target outside [0, C) that is not ignored raises IndexError.
Gradient: dx_k = g_k (a_k softmax(x_k) - q_k), q_k[c] = (1 - e) w[t_k] [c == t_k] +
(e / C) w_c, a_k = sum_c q_k[c]; g_k = 0 for an ignored target and, for 'mean', g / W:
NaN for the kept targets when W = 0 (weights 0), as PyTorch. weight gets no gradient."""

_CROSS_ENTROPY = declare(Op("cross_entropy_loss", meta=_ce_meta, reference=_ce_reference,
                            backward=_ce_backward, promote=PROMOTE_NONE,
                            differentiable_outputs=(0,), doc=_CE_DOC))


def nll_loss(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,
             reduction="mean"):
    """-w[t] * input[t] per target (see the module doc), then reduced."""
    require_tensor("nll_loss", input, "input", 1)
    require_tensor("nll_loss", target, "target", 2)
    reduction = reduction_of(size_average, reduce, reduction)
    tensors = (input, target) if weight is None else (input, target, weight)
    return dispatch(_NLL_LOSS, *tensors, ignore_index=ignore_index, reduction=reduction)


def cross_entropy(input, target, weight=None, size_average=None, ignore_index=-100,
                  reduce=None, reduction="mean", label_smoothing=0.0):
    """nll_loss(log_softmax(input, class dim), target) (one op, cross_entropy_loss, for a
    floating input with C > 0 classes), or, for a float target of input's shape (class
    probabilities), -sum_c w_c target_c log_softmax(input)_c per sample.

    label_smoothing e mixes the target with the uniform distribution: (1 - e) t + e / C.
    """
    require_tensor("cross_entropy", input, "input", 1)
    require_tensor("cross_entropy", target, "target", 2)
    reduction = reduction_of(size_average, reduce, reduction)
    if not 0.0 <= label_smoothing <= 1.0:
        raise RuntimeError(f"cross_entropy: label_smoothing must be between 0.0 and 1.0. Got: "
                           f"{label_smoothing}")
    if input.ndim == 0:
        raise RuntimeError("cross_entropy: input tensor should be 1D or more, got 0-d")
    dim = _class_dim(input)
    if not target.dtype.is_floating_point and input.dtype.is_floating_point and \
            input.shape[dim] > 0:
        tensors = (input, target) if weight is None else (input, target, weight)
        return dispatch(_CROSS_ENTROPY, *tensors, ignore_index=ignore_index,
                        reduction=reduction, label_smoothing=float(label_smoothing))
    log_p = log_softmax(input, dim)
    if target.dtype.is_floating_point:
        return _soft_cross_entropy(log_p, target, weight, reduction, label_smoothing, dim)
    loss = nll_loss(log_p, target, weight, ignore_index=ignore_index, reduction=reduction)
    if label_smoothing == 0.0:
        return loss
    classes = input.shape[dim]
    weighted = log_p if weight is None else log_p * _along(weight, dim, input.ndim)
    smooth = (-weighted.sum(dim)).masked_fill(target == ignore_index, 0.0)
    if reduction == "mean":
        kept = target != ignore_index
        if weight is None:
            smooth = smooth.sum() / kept.sum()
        else:
            safe = target.masked_fill(~kept, 0)
            picked = weight.index_select(0, safe.reshape(-1)).reshape(target.shape)
            smooth = smooth.sum() / picked.masked_fill(~kept, 0.0).sum()
    elif reduction == "sum":
        smooth = smooth.sum()
    return (1 - label_smoothing) * loss + smooth * (label_smoothing / classes)


def _along(weight, dim, ndim):
    """weight (C,) shaped to broadcast along the class dim."""
    shape = [1] * ndim
    shape[dim] = weight.shape[0]
    return weight.reshape(shape)


def _soft_cross_entropy(log_p, target, weight, reduction, label_smoothing, dim):
    if tuple(target.shape) != tuple(log_p.shape):
        raise RuntimeError(f"cross_entropy: expected target of shape {list(log_p.shape)} "
                           f"(class probabilities), got {list(target.shape)}")
    classes = log_p.shape[dim]
    if label_smoothing > 0:
        target = target * (1 - label_smoothing) + label_smoothing / classes
    product = log_p * target
    if weight is not None:
        product = product * _along(weight, dim, log_p.ndim)
    loss = -product.sum(dim)
    if reduction == "mean":
        return loss.sum() / (log_p.numel() // max(classes, 1))
    if reduction == "sum":
        return loss.sum()
    return loss


# ------------------------------------------------------------ margin losses

def _reduce(loss, reduction):
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    return loss


def _scores(name, input, target):
    """input as (N, C) scores (a 0-d or 1-D input is one sample), checked against `target`."""
    require_tensor(name, input, "input", 1)
    require_tensor(name, target, "target", 2)
    if input.ndim > 2 or (input.ndim >= 1 and input.shape[-1] == 0):
        raise ShapeMismatch(f"{name}: Expected non-empty vector or matrix with optional 0-dim "
                            f"batch size, but got: {list(input.shape)}")
    if target.dtype is not dt.int64:
        raise DTypeRuntimeError(f"{name}: expected scalar type Long but found "
                                f"{target.dtype.name}")
    if not input.dtype.is_floating_point:
        raise DTypeNotImplemented(f"{name}: \"{name}_cpu_kernel\" not implemented for "
                                  f"'{input.dtype.name}'")
    return input.reshape(-1, input.shape[-1] if input.ndim else 1)


def multi_margin_loss(input, target, p=1, margin=1.0, weight=None, size_average=None,
                      reduce=None, reduction="mean"):
    """sum_{i != y} w[y] max(0, margin - x[y] + x[i])^p / C for each sample (p is 1 or 2)."""
    from ... import arange
    reduction = reduction_of(size_average, reduce, reduction)
    if p not in (1, 2):
        raise ValueError("only p == 1 and p == 2 supported")
    if weight is not None and weight.ndim != 1:
        raise ValueError("weight must be one-dimensional")
    scores = _scores("multi_margin_loss", input, target)
    samples, classes = scores.shape
    if target.ndim > 1 or target.numel() != samples:
        raise ShapeMismatch(f"multi_margin_loss: target tensor should be 1-D with size equal "
                            f"to the number of input samples (batch size). Expected target "
                            f"size [{samples}], but got {list(target.shape)}. Input has shape "
                            f"{list(input.shape)}.")
    if weight is not None and weight.numel() != classes:
        raise ShapeMismatch(f"multi_margin_loss: inconsistent weight size, expected {classes} "
                            f"but got {list(weight.shape)}")
    labels = target.reshape(samples, 1)
    if bool(((labels < 0) | (labels >= classes)).any()):
        raise IndexOutOfBounds("multi_margin_loss: target out of range")
    gap = (margin - scores.gather(1, labels) + scores).clamp_min(0)
    terms = gap if p == 1 else gap * gap
    if weight is not None:
        terms = terms * weight.to(scores.dtype).index_select(0, labels.reshape(-1)).unsqueeze(1)
    terms = terms.masked_fill(arange(classes).reshape(1, classes) == labels, 0.0)
    loss = terms.sum(1) / classes
    return _reduce(loss.reshape(target.shape) if reduction == "none" else loss, reduction)


def multilabel_margin_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    """sum_{j in Y, i not in Y} max(0, 1 - (x[j] - x[i])) / C per sample, Y = the target's
    classes before its first -1 (a class listed twice counts twice, as PyTorch)."""
    from ... import tensor
    reduction = reduction_of(size_average, reduce, reduction)
    scores = _scores("multilabel_margin_loss", input, target)
    if tuple(target.shape) != tuple(input.shape):
        raise ShapeMismatch(f"multilabel_margin_loss: inconsistent target size: "
                            f"{list(target.shape)} for input of size: {list(input.shape)}")
    samples, classes = scores.shape
    listed, is_target = [], []
    for row in target.reshape(samples, classes).tolist():
        if any(not -1 <= c < classes for c in row):
            raise IndexOutOfBounds("multilabel_margin_loss: argument #2 'target' is out of "
                                   "range")
        ends = row.index(-1) if -1 in row else classes
        listed.append([1.0] * ends + [0.0] * (classes - ends))
        is_target.append([1.0 if c in row[:ends] else 0.0 for c in range(classes)])
    listed = tensor(listed, dtype=scores.dtype)
    others = 1 - tensor(is_target, dtype=scores.dtype)
    picked = scores.gather(1, target.reshape(samples, classes).clamp_min(0))
    # gaps[n, j, i] = max(0, 1 - x[n, Y_j] + x[n, i]) for listed j and non-target i
    gaps = (1 - picked.unsqueeze(2) + scores.unsqueeze(1)).clamp_min(0)
    loss = (gaps * listed.unsqueeze(2) * others.unsqueeze(1)).sum((1, 2)) / classes
    if input.ndim <= 1:
        loss = loss.reshape(())
    return _reduce(loss, reduction)


def multilabel_soft_margin_loss(input, target, weight=None, size_average=None, reduce=None,
                                reduction="mean"):
    """-sum_c w_c (y_c ln sigmoid(x_c) + (1 - y_c) ln sigmoid(-x_c)) / C per sample."""
    from .activation import logsigmoid
    require_tensor("multilabel_soft_margin_loss", input, "input", 1)
    require_tensor("multilabel_soft_margin_loss", target, "target", 2)
    reduction = reduction_of(size_average, reduce, reduction)
    loss = -(target * logsigmoid(input) + (1 - target) * logsigmoid(-input))
    if weight is not None:
        loss = loss * weight
    classes = input.shape[-1] if input.ndim else 1
    return _reduce(loss.sum(input.ndim - 1 if input.ndim else ()) / classes, reduction)


__all__ = ["nll_loss", "cross_entropy", "multi_margin_loss", "multilabel_margin_loss",
           "multilabel_soft_margin_loss"]
