"""Regression and binary losses, each a one-line formula in torsh ops, then reduced
('none' | 'mean' | 'sum'); their gradients come from the ops they are made of.

    mse_loss (x - y)^2            l1_loss |x - y|
    smooth_l1_loss 0.5 d^2 / beta where |d| < beta, else |d| - 0.5 beta   (d = x - y)
    huber_loss 0.5 d^2 where |d| < delta, else delta (|d| - 0.5 delta)
    binary_cross_entropy -w (y ln x + (1 - y) ln(1 - x)), each log clamped to >= -100
    binary_cross_entropy_with_logits -w (p y ln sigmoid(x) + (1 - y) ln(1 - sigmoid(x)))
    kl_div y (ln y - x) (0 where y = 0), or e^y (y - x) with log_target
    poisson_nll_loss e^x - y x (log_input), else x - y ln(x + eps); full adds Stirling's term
    gaussian_nll_loss 0.5 (ln max(var, eps) + (x - y)^2 / max(var, eps)) (+ 0.5 ln 2 pi)
    margin_ranking_loss max(0, -y (x1 - x2) + margin)
    hinge_embedding_loss x where y = 1, max(0, margin - x) where y = -1
    soft_margin_loss ln(1 + e^(-y x))
"""
from __future__ import annotations

import math
import warnings

from ..._core.errors import DTypeNotImplemented, DTypeRuntimeError
from ...ops._elementwise_base import require_tensor
from ._reduction import reduce_loss, reduction_of
from .activation import softplus


def _pair(name, input, target, size_average, reduce, reduction, allowed=None):
    require_tensor(name, input, "input", 1)
    require_tensor(name, target, "target", 2)
    if tuple(input.shape) != tuple(target.shape):
        warnings.warn(f"Using a target size ({tuple(target.shape)}) that is different to the "
                      f"input size ({tuple(input.shape)}). This will likely lead to incorrect "
                      f"results due to broadcasting. Please ensure they have the same size.",
                      UserWarning, stacklevel=3)
    if allowed:
        return reduction_of(size_average, reduce, reduction, allowed)
    return reduction_of(size_average, reduce, reduction)


def mse_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    """(input - target)^2, reduced."""
    reduction = _pair("mse_loss", input, target, size_average, reduce, reduction)
    if not (input.dtype.is_floating_point or target.dtype.is_floating_point):
        raise DTypeNotImplemented(f"mse_loss: \"mse_cpu\" not implemented for "
                                  f"'{input.dtype.name}'")
    return _weighted((input - target) ** 2, weight, input, reduction)


def l1_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    """|input - target|, reduced."""
    reduction = _pair("l1_loss", input, target, size_average, reduce, reduction)
    return _weighted((input - target).abs(), weight, input, reduction)


def smooth_l1_loss(input, target, size_average=None, reduce=None, reduction="mean", beta=1.0):
    """0.5 d^2 / beta where |d| < beta, else |d| - 0.5 beta; beta = 0 is l1_loss."""
    reduction = _pair("smooth_l1_loss", input, target, size_average, reduce, reduction)
    if beta < 0:
        raise RuntimeError("smooth_l1_loss does not support negative values for beta.")
    if beta == 0:
        return l1_loss(input, target, reduction=reduction)
    d = (input - target).abs()
    return reduce_loss(_where(d < beta, 0.5 * d * d / beta, d - 0.5 * beta), reduction)


def huber_loss(input, target, reduction="mean", delta=1.0, weight=None):
    """0.5 d^2 where |d| < delta, else delta (|d| - 0.5 delta)."""
    reduction = _pair("huber_loss", input, target, None, None, reduction)
    if delta <= 0:
        raise RuntimeError("huber_loss does not support non-positive values for delta.")
    d = (input - target).abs()
    loss = _where(d < delta, 0.5 * d * d, delta * (d - 0.5 * delta))
    return _weighted(loss, weight, input, reduction)


def binary_cross_entropy(input, target, weight=None, size_average=None, reduce=None,
                         reduction="mean"):
    """-w (y ln x + (1 - y) ln(1 - x)); both logs clamped to >= -100; x must lie in [0, 1].

    The gradients are those of the clamped formula; where x is exactly 0 or 1 PyTorch's
    differ (it divides by max(x (1 - x), 1e-12), and its target gradient is ±inf)."""
    require_tensor("binary_cross_entropy", input, "input", 1)
    require_tensor("binary_cross_entropy", target, "target", 2)
    reduction = reduction_of(size_average, reduce, reduction)
    if tuple(target.shape) != tuple(input.shape):
        raise ValueError(f"binary_cross_entropy: Using a target size ({tuple(target.shape)}) "
                         f"that is different to the input size ({tuple(input.shape)}) is "
                         f"deprecated. Please ensure they have the same size.")
    if bool(((input < 0) | (input > 1)).any()):
        raise RuntimeError("binary_cross_entropy: all elements of input should be between 0 "
                           "and 1")
    log_x = input.log().clamp_min(-100)
    log_1mx = (-input).log1p().clamp_min(-100)
    loss = (target - 1) * log_1mx - target * log_x
    return reduce_loss(loss if weight is None else loss * weight, reduction)


def binary_cross_entropy_with_logits(input, target, weight=None, size_average=None,
                                     reduce=None, reduction="mean", pos_weight=None):
    """(1 - y) x + (1 + (p - 1) y) softplus(-x): BCE of sigmoid(x) without overflow."""
    require_tensor("binary_cross_entropy_with_logits", input, "input", 1)
    require_tensor("binary_cross_entropy_with_logits", target, "target", 2)
    reduction = reduction_of(size_average, reduce, reduction)
    if tuple(target.shape) != tuple(input.shape):
        raise ValueError(f"binary_cross_entropy_with_logits: Target size "
                         f"({tuple(target.shape)}) must be the same as input size "
                         f"({tuple(input.shape)})")
    log_weight = 1 if pos_weight is None else 1 + (pos_weight - 1) * target
    loss = (1 - target) * input + log_weight * softplus(-input)
    return reduce_loss(loss if weight is None else loss * weight, reduction)


def kl_div(input, target, size_average=None, reduce=None, reduction="mean", log_target=False):
    """target * (ln target - input) (0 where target = 0), or e^t (t - input) with log_target;
    'batchmean' divides the sum by the batch size (input.shape[0])."""
    require_tensor("kl_div", input, "input", 1)
    require_tensor("kl_div", target, "target", 2)
    if not (input.dtype.is_floating_point and target.dtype.is_floating_point):
        raise DTypeRuntimeError("kl_div: Integral inputs not supported.")
    allowed = ("none", "mean", "sum", "batchmean")
    if reduction == "mean" and size_average is None and reduce is None:
        warnings.warn("reduction: 'mean' divides the total loss by both the batch size and the "
                      "support size.'batchmean' divides only by the batch size, and aligns "
                      "with the KL div math definition.'mean' will be changed to behave the "
                      "same as 'batchmean' in the next major release.", UserWarning,
                      stacklevel=2)
    reduction = reduction_of(size_average, reduce, reduction, allowed)
    if log_target:
        loss = target.exp() * (target - input)
    else:
        loss = target.xlogy(target) - target * input
    if reduction == "batchmean":
        return loss.sum() / input.shape[0] if input.ndim else loss.sum()
    return reduce_loss(loss, reduction)


def poisson_nll_loss(input, target, log_input=True, full=False, size_average=None, eps=1e-8,
                     reduce=None, reduction="mean"):
    """e^x - y x with log_input (x is ln rate), else x - y ln(x + eps) (x is the rate); `full`
    adds Stirling's approximation y ln y - y + 0.5 ln(2 pi y) where y > 1 (0 elsewhere)."""
    require_tensor("poisson_nll_loss", input, "input", 1)
    require_tensor("poisson_nll_loss", target, "target", 2)
    reduction = reduction_of(size_average, reduce, reduction)
    if log_input:
        loss = input.exp() - target * input
    else:
        loss = input - target * (input + eps).log()
    if full:
        stirling = target * target.log() - target + 0.5 * (2 * math.pi * target).log()
        loss = loss + stirling.masked_fill(target <= 1, 0.0)
    return reduce_loss(loss, reduction)


def gaussian_nll_loss(input, target, var, full=False, eps=1e-6, reduction="mean"):
    """0.5 (ln v + (x - y)^2 / v) with v = max(var, eps) (+ 0.5 ln(2 pi) when full).

    var has input's shape, or one dim fewer (the last), or input's rank with one dim of
    size 1 (shared variance); a float var is used everywhere. As PyTorch, the clamp is
    invisible to var's gradient."""
    from ... import no_grad, ones_like
    require_tensor("gaussian_nll_loss", input, "input", 1)
    require_tensor("gaussian_nll_loss", target, "target", 2)
    if isinstance(var, (int, float)):
        if var < 0:
            raise ValueError("var has negative entry/entries")
        var = var * ones_like(input)
    elif bool((var < 0).any()):
        raise ValueError("var has negative entry/entries")
    if tuple(var.shape) != tuple(input.shape):
        if tuple(input.shape[:-1]) == tuple(var.shape):
            var = var.unsqueeze(-1)
        elif not (input.ndim == var.ndim and sum(
                v for i, v in zip(input.shape, var.shape) if i != v) == 1):
            raise ValueError("var is of incorrect size")
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(reduction + " is not valid")
    var = var.clone()
    with no_grad():
        var.clamp_min_(eps)
    loss = 0.5 * (var.log() + (input - target) ** 2 / var)
    if full:
        loss = loss + 0.5 * math.log(2 * math.pi)
    return reduce_loss(loss, reduction)


def margin_ranking_loss(input1, input2, target, margin=0, size_average=None, reduce=None,
                        reduction="mean"):
    """max(0, -y (x1 - x2) + margin), y = 1 when x1 should rank higher, -1 when x2 should."""
    for position, (tensor, name) in enumerate(((input1, "input1"), (input2, "input2"),
                                               (target, "target"))):
        require_tensor("margin_ranking_loss", tensor, name, position + 1)
    reduction = reduction_of(size_average, reduce, reduction)
    if input1.ndim != input2.ndim or input1.ndim != target.ndim:
        raise RuntimeError(f"margin_ranking_loss : All input tensors should have same "
                           f"dimension but got sizes: input1: {tuple(input1.shape)}, input2: "
                           f"{tuple(input2.shape)}, target: {tuple(target.shape)} ")
    return reduce_loss((-target * (input1 - input2) + float(margin)).clamp_min(0), reduction)


def hinge_embedding_loss(input, target, margin=1.0, size_average=None, reduce=None,
                         reduction="mean"):
    """x where y = 1, max(0, margin - x) where y = -1 (a target outside {1, -1} adds both)."""
    require_tensor("hinge_embedding_loss", input, "input", 1)
    require_tensor("hinge_embedding_loss", target, "target", 2)
    reduction = reduction_of(size_average, reduce, reduction)
    from ... import zeros_like
    hinge = (margin - input).clamp_min(0)
    zeros = zeros_like(input)
    loss = _where(target != 1, hinge, zeros) + _where(target != -1, input, zeros)
    return reduce_loss(loss, reduction)


def soft_margin_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    """ln(1 + e^(-y x)), the logistic loss of a ±1 target (overflows to inf for -y x > ~710,
    as PyTorch's)."""
    require_tensor("soft_margin_loss", input, "input", 1)
    require_tensor("soft_margin_loss", target, "target", 2)
    reduction = reduction_of(size_average, reduce, reduction)
    return reduce_loss((-input * target).exp().log1p(), reduction)


def _weighted(loss, weight, input, reduction):
    """The loss reduced; with a weight (input's shape), w * loss and 'mean' = sum / sum w."""
    if weight is None:
        return reduce_loss(loss, reduction)
    if tuple(weight.shape) != tuple(input.shape):
        raise ValueError("Weights and input must have the same size.")
    loss = loss * weight
    if reduction == "mean":
        return loss.sum() / weight.sum()
    return reduce_loss(loss, reduction)


def _where(condition, a, b):
    from ... import where
    return where(condition, a, b)


__all__ = ["mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss", "binary_cross_entropy",
           "binary_cross_entropy_with_logits", "kl_div", "poisson_nll_loss",
           "gaussian_nll_loss", "margin_ranking_loss", "hinge_embedding_loss",
           "soft_margin_loss"]
