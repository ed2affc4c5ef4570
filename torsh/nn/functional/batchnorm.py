"""batch_norm and instance_norm, as in torch.nn.functional.

batch_norm normalises each channel over the batch and spatial dims with the batch's statistics
(training) or the running estimates (evaluation), then applies the per-channel affine map:
    y = (x - mean_c) / sqrt(var_c + eps) * weight_c + bias_c      (var biased)
In training the running estimates are updated in place: r <- (1 - momentum) r + momentum s, with
the unbiased variance for r. instance_norm is batch_norm over the input seen as (1, N*C, ...).
batch_norm is an op (a pure-Python reference, and a backward through a fused
batch_norm_backward op, or the closed form in torsh ops when create_graph=True); instance_norm
is a composite.
"""
from __future__ import annotations

import math

from ..._core.errors import (AutogradError, IndexOutOfRange, InvalidArgument,
                             InvalidArgumentRuntime, ShapeMismatch)
from ...autograd.grad_mode import is_grad_enabled, no_grad
from ...dispatch import dispatch
from ...ops._array import Array
from ...ops._elementwise_base import require_tensor
from ...ops._op import PROMOTE_NONE, Op, Out
from ._norm_common import (check_params, moments, normalized_backward, rsqrt, split_params, sum_to, verify_batch_size)
from ._pointwise import declare


def _channels(x) -> int:
    return x.shape[1] if len(x.shape) > 1 else 0


def _check_batch_norm(x, weight, bias, running_mean, running_var, training) -> None:
    check_params("batch_norm", "batch_norm", x, (weight, bias, running_mean, running_var))
    channels = _channels(x)
    for label, t in (("running_mean", running_mean), ("running_var", running_var),
                     ("weight", weight), ("bias", bias)):
        if t is None and label.startswith("running") and not training:
            raise InvalidArgumentRuntime(f"batch_norm: {label} must be defined in evaluation mode")
        if t is not None and t.numel() != channels:
            raise ShapeMismatch(f"batch_norm: {label} should contain {channels} elements not "
                                f"{t.numel()}")


def _batch_norm_meta(x, *rest, training, momentum, eps, has_weight, has_bias):
    weight, bias, running = split_params(rest, has_weight, has_bias)
    _check_batch_norm(x, weight, bias, *(running or (None, None)), training)
    if training and running:
        return (Out(x._shape, x.dtype), Out(running[0]._shape, running[0].dtype),
                Out(running[1]._shape, running[1].dtype))
    return Out(x._shape, x.dtype)


def _batch_norm_reference(x: Array, *rest: Array, training, momentum, eps, has_weight,
                          has_bias):
    """Per channel c: y = x * scale + shift, scale = w[c] / sqrt(var + eps), shift = b[c] -
    mean * scale; training: batch mean and biased var, and new running estimates
    (1 - momentum) * running + momentum * batch statistic (the var's unbiased, n / (n - 1))."""
    weight, bias, running = split_params(rest, has_weight, has_bias)
    batch, channels, inner = x.shape[0], _channels(x), math.prod(x.shape[2:])
    count = batch * inner
    out = [0.0] * len(x.data)
    new_mean, new_var = [], []
    for c in range(channels):
        starts = [(n * channels + c) * inner for n in range(batch)]
        if training and count:
            mean, var = moments([x.data[s:s + inner] for s in starts], count)
        elif training:
            mean = var = math.nan
        else:
            mean, var = running[0].data[c], running[1].data[c]
        scale = rsqrt(var + eps) * (weight.data[c] if weight else 1.0)
        shift = (bias.data[c] if bias else 0.0) - mean * scale
        for s in starts:
            out[s:s + inner] = [v * scale + shift for v in x.data[s:s + inner]]
        if training and running:
            old_mean, old_var = running[0].data[c], running[1].data[c]
            if count == 0:          # an empty batch leaves the estimates as they are
                new_mean.append(old_mean)
                new_var.append(old_var)
                continue
            unbiased = var * count / (count - 1) if count > 1 else math.nan
            new_mean.append(momentum * mean + (1 - momentum) * old_mean)
            new_var.append(momentum * unbiased + (1 - momentum) * old_var)
    y = Array(out, x.shape)
    if training and running:
        return y, Array(new_mean, running[0].shape), Array(new_var, running[1].shape)
    return y


def _batch_norm_backward(ctx, g, *running_grads):
    """Training: the closed form of normalized_backward over dims (0, 2, ...), run by the
    fused op batch_norm_backward unless a graph of the gradient is being built.
    Evaluation: dx = g * w / sqrt(running_var + eps). dw = sum g * xhat, db = sum g."""
    x = ctx.inputs[0]
    weight, bias, running = split_params(ctx.inputs[1:], ctx.has_weight, ctx.has_bias)
    channels = _channels(x)
    shape = (1, channels) + (1,) * (x.ndim - 2)
    dims = (0,) + tuple(range(2, x.ndim))
    if ctx.training and not is_grad_enabled():
        dx, dw, db = dispatch(_BATCH_NORM_BACKWARD, g, x, *([weight] if weight is not None
                                                          else []), eps=ctx.eps)
        dw = dw.reshape(weight.shape) if weight is not None else None
        db = db.reshape(bias.shape) if bias is not None else None
    else:
        w = None if weight is None else weight.reshape(shape)
        if ctx.training:
            dx, gxhat = normalized_backward(x, g, w, dims, ctx.eps)
        else:
            rstd = (running[1].reshape(shape) + ctx.eps).rsqrt()
            dx = g * rstd if w is None else g * (w * rstd)
            gxhat = g * ((x + (-running[0].reshape(shape))) * rstd)
        dw = None if weight is None else sum_to(gxhat, 1, x.ndim, weight.shape)
        db = None if bias is None else g.sum(dims).reshape(bias.shape)
    grads = [dx] + ([dw] if weight is not None else []) + ([db] if bias is not None else [])
    return tuple(grads) + (None,) * len(running)


def _batch_norm_backward_meta(g, x, *weight, eps):
    stats = weight[0].dtype if weight else x.dtype
    channels = _channels(x)
    return Out(x._shape, x.dtype), Out((channels,), stats), Out((channels,), stats)


def _batch_norm_backward_reference(g: Array, x: Array, *weight: Array, eps):
    """(dx, dw, db) of training-mode batch_norm, per channel c over its n values:
    dx = k * (g - sum(g) / n - xhat * sum(g * xhat) / n) with k = w[c] / sqrt(var + eps),
    dw[c] = sum(g * xhat), db[c] = sum(g)."""
    batch, channels, inner = x.shape[0], _channels(x), math.prod(x.shape[2:])
    count = batch * inner
    dx, dw, db = [0.0] * len(x.data), [], []
    for c in range(channels):
        starts = [(n * channels + c) * inner for n in range(batch)]
        xs = [x.data[s:s + inner] for s in starts]
        gs = [g.data[s:s + inner] for s in starts]
        if count == 0:
            dw.append(0.0)
            db.append(0.0)
            continue
        mean, var = moments(xs, count)
        rstd = rsqrt(var + eps)
        sum_g = sum(sum(chunk) for chunk in gs)
        # sum g * (x - mean), as sum g * x - mean * sum g
        dot = sum(sum([a * b for a, b in zip(gc, xc)]) for gc, xc in zip(gs, xs)) - mean * sum_g
        k = (weight[0].data[c] if weight else 1.0) * rstd
        # dx = k * g - slope * x + offset, slope = k rstd^2 dot / n
        slope = k * rstd * rstd * dot / count
        offset = slope * mean - k * sum_g / count
        for s, gc, xc in zip(starts, gs, xs):
            dx[s:s + inner] = [k * a - slope * b + offset for a, b in zip(gc, xc)]
        dw.append(rstd * dot)
        db.append(sum_g)
    return Array(dx, x.shape), Array(dw, (channels,)), Array(db, (channels,))


_BATCH_NORM = declare(Op("batch_norm", meta=_batch_norm_meta, reference=_batch_norm_reference,
                         backward=_batch_norm_backward, promote=PROMOTE_NONE,
                         differentiable_outputs=(0,), doc=__doc__))
_BATCH_NORM_BACKWARD = declare(Op(
    "batch_norm_backward", meta=_batch_norm_backward_meta,
    reference=_batch_norm_backward_reference, promote=PROMOTE_NONE,
    doc="(dx, dw, db) of training-mode batch_norm for the cotangent g: the fused backward "
        "that batch_norm's gradient runs when no graph of the gradient is built."))




def batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False,
               momentum=0.1, eps=1e-5):
    """Normalise each channel (dim 1) by its batch statistics (training=True, which also
    updates running_mean / running_var in place) or by the running ones; see the module doc."""
    require_tensor("batch_norm", input, "input", 1)
    if not isinstance(momentum, (int, float)) or isinstance(momentum, bool):
        raise TypeError(f"batch_norm(): argument 'momentum' (position 7) must be float, not "
                        f"{type(momentum).__name__}")
    if training:
        if input.ndim < 2:
            raise IndexOutOfRange("batch_norm: Dimension out of range (expected to be in "
                                  "range of [-1, 0], but got 1)")
        verify_batch_size("batch_norm", input.shape)
    _check_batch_norm(input, weight, bias, running_mean, running_var, training)
    if (running_mean is None) != (running_var is None):
        raise InvalidArgument("batch_norm: running_mean and running_var must either both be None "
                         "or neither be None")
    if eps < 0:
        raise InvalidArgument(f"batch_norm eps must be non-negative, but got {eps}")
    for label, t in (("running_mean", running_mean), ("running_var", running_var)):
        if t is not None and t.requires_grad:
            raise AutogradError(f"The function 'batch_norm' is not differentiable with respect "
                               f"to argument '{label}'. This input cannot have requires_grad "
                               f"True.")
    tensors = [input] + [t for t in (weight, bias) if t is not None]
    if running_mean is not None:    # copies: the ones given change in place below
        tensors += [running_mean.detach().clone(), running_var.detach().clone()]
    result = dispatch(_BATCH_NORM, *tensors, training=bool(training), momentum=float(momentum),
                      eps=float(eps), has_weight=weight is not None, has_bias=bias is not None)
    if not isinstance(result, tuple):
        return result
    output, new_mean, new_var = result
    with no_grad():
        running_mean.copy_(new_mean)
        running_var.copy_(new_var)
    return output


def instance_norm(input, running_mean=None, running_var=None, weight=None, bias=None,
                  use_input_stats=True, momentum=0.1, eps=1e-5):
    """batch_norm of the input seen as (1, N * C, *spatial): each sample's channel is
    normalised on its own; running estimates are the average over the batch of the updates."""
    require_tensor("instance_norm", input, "input", 1)
    if use_input_stats and math.prod(input.shape[2:]) == 1:
        raise InvalidArgument(f"instance_norm: Expected more than 1 spatial element when "
                              f"training, got input size {input.shape}")
    batch, channels = input.shape[0], _channels(input)
    folded = input.reshape((1, batch * channels) + tuple(input.shape[2:]))

    def repeated(t):
        return None if t is None else t.repeat(batch)
    stats = [repeated(t) for t in (running_mean, running_var)]
    out = batch_norm(folded, stats[0], stats[1], repeated(weight), repeated(bias),
                     use_input_stats, momentum, eps)
    with no_grad():
        for given, updated in zip((running_mean, running_var), stats):
            if given is not None:
                given.copy_(updated.reshape(batch, channels).mean(0))
    return out.reshape(input.shape)


__all__ = ["batch_norm", "instance_norm"]
