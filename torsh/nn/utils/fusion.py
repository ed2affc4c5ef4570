"""Fold an eval-mode batch norm into the preceding convolution or linear layer.

BN(conv(x)) = gamma * (W x + b - mean) / sqrt(var + eps) + beta
            = (W * s) x + (b - mean) * s + beta,   with s = gamma / sqrt(var + eps)
per output channel (for a transposed convolution the output channel is the weight's dim 1).
"""
from __future__ import annotations

import copy

from ...autograd.grad_mode import no_grad
from ..parameter import Parameter

__all__ = ["fuse_conv_bn_eval", "fuse_conv_bn_weights", "fuse_linear_bn_eval",
           "fuse_linear_bn_weights"]


def _scale_and_shift(bn_rm, bn_rv, bn_eps, bn_w, bn_b):
    """s = gamma / sqrt(var + eps) and the BN's parameters, defaults filled in."""
    import torsh
    bn_w = torsh.ones_like(bn_rm) if bn_w is None else bn_w
    bn_b = torsh.zeros_like(bn_rm) if bn_b is None else bn_b
    return bn_w * torsh.rsqrt(bn_rv + bn_eps), bn_b


def fuse_conv_bn_weights(conv_w, conv_b, bn_rm, bn_rv, bn_eps, bn_w, bn_b,
                         transpose: bool = False):
    """(W * s, (b - mean) * s + beta) as Parameters, s broadcast over the output channels."""
    import torsh
    with no_grad():
        scale, bn_b = _scale_and_shift(bn_rm, bn_rv, bn_eps, bn_w, bn_b)
        conv_b = torsh.zeros_like(bn_rm) if conv_b is None else conv_b
        shape = [1] * conv_w.ndim
        shape[1 if transpose else 0] = -1
        weight = (conv_w * scale.reshape(shape)).to(conv_w.dtype)
        bias = ((conv_b - bn_rm) * scale + bn_b).to(conv_w.dtype)
    return (Parameter(weight, conv_w.requires_grad),
            Parameter(bias, conv_w.requires_grad if conv_b is None else conv_b.requires_grad))


def fuse_linear_bn_weights(linear_w, linear_b, bn_rm, bn_rv, bn_eps, bn_w, bn_b):
    """(W * s[:, None], (b - mean) * s + beta) as Parameters."""
    return fuse_conv_bn_weights(linear_w, linear_b, bn_rm, bn_rv, bn_eps, bn_w, bn_b)


def _check_eval(layer, bn, what: str):
    if layer.training or bn.training:
        raise AssertionError("Fusion only for eval!")
    if bn.running_mean is None or bn.running_var is None:
        raise AssertionError(f"{what}: the batch norm must track running statistics")


def fuse_conv_bn_eval(conv, bn, transpose: bool = False):
    """A copy of `conv` that computes bn(conv(x)) of the eval-mode pair."""
    _check_eval(conv, bn, "fuse_conv_bn_eval")
    fused = copy.deepcopy(conv)
    fused.weight, fused.bias = fuse_conv_bn_weights(
        fused.weight, fused.bias, bn.running_mean, bn.running_var, bn.eps, bn.weight, bn.bias,
        transpose)
    return fused


def fuse_linear_bn_eval(linear, bn):
    """A copy of `linear` that computes bn(linear(x)) of the eval-mode pair."""
    _check_eval(linear, bn, "fuse_linear_bn_eval")
    if linear.out_features != bn.num_features:
        raise AssertionError("To fuse, linear.out_features must equal bn.num_features")
    fused = copy.deepcopy(linear)
    fused.weight, fused.bias = fuse_linear_bn_weights(
        fused.weight, fused.bias, bn.running_mean, bn.running_var, bn.eps, bn.weight, bn.bias)
    return fused
