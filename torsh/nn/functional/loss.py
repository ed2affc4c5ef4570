"""Regression and binary losses, each a one-line formula in torsh ops, then reduced
('none' | 'mean' | 'sum'); their gradients come from the ops they are made of.

    mse_loss (x - y)^2            l1_loss |x - y|
    smooth_l1_loss 0.5 d^2 / beta where |d| < beta, else |d| - 0.5 beta   (d = x - y)
    huber_loss 0.5 d^2 where |d| < delta, else delta (|d| - 0.5 delta)
    binary_cross_entropy -w (y ln x + (1 - y) ln(1 - x)), each log clamped to >= -100
    binary_cross_entropy_with_logits -w (p y ln sigmoid(x) + (1 - y) ln(1 - sigmoid(x)))
    kl_div y (ln y - x) (0 where y = 0), or e^y (y - x) with log_target
"""
from __future__ import annotations

import warnings

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
    allowed = ("none", "mean", "sum", "batchmean")
    reduction = reduction_of(size_average, reduce, reduction, allowed)
    if log_target:
        loss = target.exp() * (target - input)
    else:
        loss = target.xlogy(target) - target * input
    if reduction == "batchmean":
        return loss.sum() / input.shape[0] if input.ndim else loss.sum()
    return reduce_loss(loss, reduction)


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
           "binary_cross_entropy_with_logits", "kl_div"]
