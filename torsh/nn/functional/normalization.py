"""Normalization: batch_norm, instance_norm, layer_norm, group_norm, rms_norm,
local_response_norm and normalize, as in torch.nn.functional.

Each of the first four normalises x over a set S of elements (a "group") and applies an affine
map per channel: y = (x - mean_S x) / sqrt(var_S x + eps) * weight + bias, var biased.
    batch_norm: S = one channel over the batch and spatial dims (training), or the running
                estimates instead (evaluation); instance_norm is batch_norm over (1, N*C, ...);
    layer_norm: S = the trailing `normalized_shape` dims of each sample;
    group_norm: S = C / G consecutive channels with their spatial dims, per sample;
    rms_norm:   y = x / sqrt(mean_S x^2 + eps) * weight, S as in layer_norm (no centring).
batch_norm, layer_norm, group_norm and rms_norm are ops: a pure-Python reference, and a
backward that runs a fused *_backward op (its own reference), or the same closed form in torsh
ops when a graph of the gradient is built (create_graph=True), so double backward works.
instance_norm, local_response_norm and normalize are composites of torsh ops. NaN or inf in a
group makes its outputs NaN; an empty input gives an empty output and leaves the running
statistics alone.
"""
from __future__ import annotations

import math

from ..._core import dtype as dt
from ..._core.errors import (AutogradError, DTypeNotImplemented, DTypeRuntimeError,
                             IndexOutOfRange, InvalidArgument, InvalidArgumentRuntime,
                             ShapeMismatch)
from ...autograd.grad_mode import is_grad_enabled, no_grad
from ...dispatch import dispatch
from ...ops._array import Array
from ...ops._elementwise_base import TORCH_TYPE_NAMES, require_tensor
from ...ops._op import PROMOTE_NONE, Op, Out
from ._pointwise import declare

_REDUCED = (dt.float16, dt.bfloat16)


def _type(d) -> str:
    return TORCH_TYPE_NAMES[d.name]


def check_params(name: str, kernel: str, x, params) -> None:
    """PyTorch's CPU dtype rule: a floating x, and parameters that share x's dtype or are all
    float32 beside a float16 / bfloat16 x."""
    if not x.dtype.is_floating_point:
        raise DTypeNotImplemented(f"{name}: \"{kernel}\" not implemented for '{_type(x.dtype)}'")
    params = [p for p in params if p is not None]
    if not params:
        return
    first = params[0].dtype
    if all(p.dtype is first for p in params):
        if first is x.dtype or first is dt.float32 and x.dtype in _REDUCED:
            return
        if first is dt.float32 and x.dtype is dt.float64:
            raise DTypeRuntimeError(f"{name}: mixed dtype (CPU): all inputs must share same "
                                    f"datatype.")
    elif first is x.dtype:
        other = next(p.dtype for p in params if p.dtype is not first)
        raise DTypeRuntimeError(f"{name}: expected scalar type {_type(first)} but found "
                                f"{_type(other)}")
    raise DTypeRuntimeError(f"{name}: mixed dtype (CPU): expect parameter to have scalar type "
                            f"of Float")


def _rsqrt(value: float) -> float:
    """1 / sqrt(value): inf at 0, NaN below 0 or at NaN."""
    if value > 0:
        return 1.0 / math.sqrt(value)
    return math.inf if value == 0 else math.nan


def _moments(chunks: list, count: int) -> tuple:
    """(mean, biased variance) of the values of `chunks` (lists), in two passes."""
    mean = sum(sum(chunk) for chunk in chunks) / count
    var = sum(sum([(v - mean) * (v - mean) for v in chunk]) for chunk in chunks) / count
    return mean, var


def _split(rest, has_weight: bool, has_bias: bool) -> tuple:
    """(weight or None, bias or None, [the remaining tensors]) from an op's optional inputs."""
    rest = list(rest)
    weight = rest.pop(0) if has_weight else None
    bias = rest.pop(0) if has_bias else None
    return weight, bias, rest


def _normalized_backward(x, g, weight, dims, eps, centre=True):
    """(dx, g * xhat) for y = xhat * weight + bias, xhat = (x - mean) / sqrt(var + eps) over
    `dims` (weight None or broadcastable); torsh ops throughout, so differentiable again:
        dx = rstd * (gw - mean(gw) - xhat * mean(gw * xhat)),  gw = g * weight.
    Without centring (rms_norm): mean = 0, var = mean(x^2), and no mean(gw) term."""
    # (x + (-mean) rather than x - mean: only the small tensors are negated)
    centred = x + (-x.mean(dims, keepdim=True)) if centre else x
    rstd = ((centred * centred).mean(dims, keepdim=True) + eps).rsqrt()
    xhat = centred * rstd
    gw = g if weight is None else g * weight
    dx = gw * rstd + xhat * (-(rstd * (gw * xhat).mean(dims, keepdim=True)))
    if centre:
        dx = dx + (-(rstd * gw.mean(dims, keepdim=True)))
    return dx, g * xhat


def _sum_to(t, keep: int, ndim: int, shape):
    """Sum t over every dim but `keep` (the channel), shaped as `shape`."""
    return t.sum(tuple(d for d in range(ndim) if d != keep)).reshape(shape)


# ------------------------------------------------------------ batch_norm

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
    weight, bias, running = _split(rest, has_weight, has_bias)
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
    weight, bias, running = _split(rest, has_weight, has_bias)
    batch, channels, inner = x.shape[0], _channels(x), math.prod(x.shape[2:])
    count = batch * inner
    out = [0.0] * len(x.data)
    new_mean, new_var = [], []
    for c in range(channels):
        starts = [(n * channels + c) * inner for n in range(batch)]
        if training and count:
            mean, var = _moments([x.data[s:s + inner] for s in starts], count)
        elif training:
            mean = var = math.nan
        else:
            mean, var = running[0].data[c], running[1].data[c]
        scale = _rsqrt(var + eps) * (weight.data[c] if weight else 1.0)
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
    """Training: the closed form of _normalized_backward over dims (0, 2, ...), run by the
    fused op batch_norm_backward unless a graph of the gradient is being built.
    Evaluation: dx = g * w / sqrt(running_var + eps). dw = sum g * xhat, db = sum g."""
    x = ctx.inputs[0]
    weight, bias, running = _split(ctx.inputs[1:], ctx.has_weight, ctx.has_bias)
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
            dx, gxhat = _normalized_backward(x, g, w, dims, ctx.eps)
        else:
            rstd = (running[1].reshape(shape) + ctx.eps).rsqrt()
            dx = g * rstd if w is None else g * (w * rstd)
            gxhat = g * ((x + (-running[0].reshape(shape))) * rstd)
        dw = None if weight is None else _sum_to(gxhat, 1, x.ndim, weight.shape)
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
        mean, var = _moments(xs, count)
        rstd = _rsqrt(var + eps)
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


def _verify_batch_size(name: str, shape) -> None:
    if shape[0] * math.prod(shape[2:]) == 1:
        raise InvalidArgument(f"{name}: Expected more than 1 value per channel when training, "
                              f"got input size {shape}")


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
            raise IndexOutOfRange(f"batch_norm: Dimension out of range (expected to be in "
                                  f"range of [-1, 0], but got 1)")
        _verify_batch_size("batch_norm", input.shape)
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


# ------------------------------------------------------------ layer_norm and rms_norm

def _normalized_shape(name: str, normalized_shape) -> tuple:
    if isinstance(normalized_shape, int) and not isinstance(normalized_shape, bool):
        normalized_shape = (normalized_shape,)
    return tuple(int(n) for n in normalized_shape)


def _check_trailing(name: str, x, normalized_shape, weight, bias, star: str) -> None:
    shape = list(normalized_shape)
    if not shape:
        raise InvalidArgumentRuntime(f"{name}: Expected normalized_shape to be at least "
                                     f"1-dimensional, i.e., containing at least one element, "
                                     f"but got normalized_shape = []")
    for label, t in (("weight", weight), ("bias", bias)):
        if t is not None and list(t.shape) != shape:
            raise ShapeMismatch(f"{name}: Expected {label} to be of same shape as "
                                f"normalized_shape, but got {label} of shape {list(t.shape)} "
                                f"and normalized_shape = {shape}")
    if list(x.shape[x.ndim - len(shape):]) != shape or x.ndim < len(shape):
        raise ShapeMismatch(f"{name}: Given normalized_shape={shape}, expected input with "
                            f"shape [{star}{', '.join(map(str, shape))}], but got input of "
                            f"size{list(x.shape)}")


# Layer, group and RMS norm normalise rows: x seen as (rows, size), each row on its own, and
# row r uses the r % K-th of K lists of per-element weights (layer norm K = 1; group norm
# K = G, each group's channel weights repeated over the spatial positions).

def _row_stats(row: list, eps: float, centre: bool) -> tuple:
    """(mean, 1 / sqrt(var + eps)); without centring mean = 0 and var = mean of squares."""
    if centre:
        mean, var = _moments([row], len(row))
    else:
        mean, var = 0.0, sum([v * v for v in row]) / len(row)
    return mean, _rsqrt(var + eps)


def _normalize_rows(x: Array, size: int, weights: list, biases: list | None, eps: float,
                    centre: bool = True) -> Array:
    """y[r, j] = (x[r, j] - mean_r) * rstd_r * weights[k][j] + biases[k][j], k = r % K
    (biases None: no addition, so -0.0 stays -0.0 without centring)."""
    out = []
    for r in range(len(x.data) // size if size else 0):
        row = x.data[r * size:(r + 1) * size]
        mean, rstd = _row_stats(row, eps, centre)
        w = weights[r % len(weights)]
        if biases is None:
            out += [(v - mean) * rstd * wi for v, wi in zip(row, w)]
        else:
            out += [(v - mean) * rstd * wi + bi
                    for v, wi, bi in zip(row, w, biases[r % len(biases)])]
    return Array(out if size else [0.0] * len(x.data), x.shape)


def _normalize_rows_backward(g: Array, x: Array, size: int, weights: list, eps: float,
                             centre: bool = True) -> tuple:
    """dx = rstd * (gw - mean(gw) - xhat * mean(gw * xhat)) per row (gw = g * w; no mean(gw)
    term without centring), and per weight list k the sums over its rows of g * xhat and g."""
    dx = []
    dw = [[0.0] * size for _ in weights]
    db = [[0.0] * size for _ in weights]
    for r in range(len(x.data) // size if size else 0):
        xs, gs = x.data[r * size:(r + 1) * size], g.data[r * size:(r + 1) * size]
        mean, rstd = _row_stats(xs, eps, centre)
        k = r % len(weights)
        xhat = [(v - mean) * rstd for v in xs]
        gw = [a * w for a, w in zip(gs, weights[k])]
        mean_gw = sum(gw) / size if centre else 0.0
        mean_gwx = sum([a * h for a, h in zip(gw, xhat)]) / size
        dx += [rstd * (a - mean_gw - h * mean_gwx) for a, h in zip(gw, xhat)]
        dw[k] = [s + a * h for s, a, h in zip(dw[k], gs, xhat)]
        db[k] = [s + a for s, a in zip(db[k], gs)]
    return dx if size else [0.0] * len(x.data), dw, db


def _layer_norm_meta(x, *rest, normalized_shape, eps, has_weight, has_bias):
    weight, bias, _ = _split(rest, has_weight, has_bias)
    check_params("layer_norm", "LayerNormKernelImpl", x, (weight, bias))
    _check_trailing("layer_norm", x, normalized_shape, weight, bias, "*, ")
    return Out(x._shape, x.dtype)


def _layer_norm_reference(x: Array, *rest: Array, normalized_shape, eps, has_weight,
                          has_bias):
    """Each row r of the last prod(normalized_shape) values: y = (x - mean_r) * rstd_r * w + b."""
    weight, bias, _ = _split(rest, has_weight, has_bias)
    size = math.prod(normalized_shape)
    return _normalize_rows(x, size, [weight.data if weight else [1.0] * size],
                           [bias.data if bias else [0.0] * size], eps)


def _trailing_backward(ctx, g, fused, centre):
    """Gradients of layer_norm / rms_norm: the fused op, or (building a graph of the
    gradient) _normalized_backward over the trailing dims."""
    x = ctx.inputs[0]
    weight, bias, _ = _split(ctx.inputs[1:], ctx.has_weight, getattr(ctx, "has_bias", False))
    if not is_grad_enabled():
        dx, dw, db = dispatch(fused, g, x, *([weight] if weight is not None else []),
                              normalized_shape=ctx.normalized_shape, eps=ctx.eps, centre=centre)
    else:
        lead = x.ndim - len(ctx.normalized_shape)
        dx, gxhat = _normalized_backward(x, g, weight, tuple(range(lead, x.ndim)), ctx.eps,
                                         centre)
        dw = gxhat.sum(tuple(range(lead))) if lead else gxhat
        db = g.sum(tuple(range(lead))) if lead else g
    return (dx,) + ((dw,) if weight is not None else ()) + ((db,) if bias is not None else ())


def _trailing_backward_meta(g, x, *weight, normalized_shape, eps, centre):
    stats = weight[0].dtype if weight else x.dtype
    return (Out(x._shape, x.dtype), Out(tuple(normalized_shape), stats),
            Out(tuple(normalized_shape), stats))


def _trailing_backward_reference(g: Array, x: Array, *weight: Array, normalized_shape, eps,
                                 centre):
    """(dx, dw, db) of layer_norm (centre) or rms_norm over the trailing dims."""
    size = math.prod(normalized_shape)
    dx, dw, db = _normalize_rows_backward(g, x, size, [weight[0].data if weight else
                                                       [1.0] * size], eps, centre)
    return Array(dx, x.shape), Array(dw[0], normalized_shape), Array(db[0], normalized_shape)


_LAYER_NORM_BACKWARD = declare(Op(
    "layer_norm_backward", meta=_trailing_backward_meta,
    reference=_trailing_backward_reference, promote=PROMOTE_NONE,
    doc="(dx, dw, db) of layer_norm (centre=True) or rms_norm for the cotangent g: the fused "
        "backward their gradients run when no graph of the gradient is built."))
_LAYER_NORM = declare(Op("layer_norm", meta=_layer_norm_meta, reference=_layer_norm_reference,
                         backward=lambda ctx, g: _trailing_backward(
                             ctx, g, _LAYER_NORM_BACKWARD, True),
                         promote=PROMOTE_NONE, doc=_layer_norm_reference.__doc__))


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5):
    """Normalise over the trailing dims `normalized_shape`, then * weight + bias."""
    require_tensor("layer_norm", input, "input", 1)
    if isinstance(normalized_shape, int):
        raise TypeError("layer_norm(): argument 'normalized_shape' (position 2) must be tuple "
                        "of ints, not int")
    tensors = [input] + [t for t in (weight, bias) if t is not None]
    return dispatch(_LAYER_NORM, *tensors, normalized_shape=_normalized_shape(
        "layer_norm", normalized_shape), eps=float(eps), has_weight=weight is not None,
        has_bias=bias is not None)


def _rms_norm_meta(x, *weight, normalized_shape, eps, has_weight):
    check_params("rms_norm", "rms_norm", x, ())
    _check_trailing("rms_norm", x, normalized_shape, weight[0] if weight else None, None, "*")
    return Out(x._shape, x.dtype)


def _rms_norm_reference(x: Array, *weight: Array, normalized_shape, eps, has_weight):
    """Each row r of the last prod(normalized_shape) values: y = x / sqrt(mean_r x^2 + eps) * w."""
    size = math.prod(normalized_shape)
    return _normalize_rows(x, size, [weight[0].data if weight else [1.0] * size], None, eps,
                           centre=False)


_RMS_NORM = declare(Op("rms_norm", meta=_rms_norm_meta, reference=_rms_norm_reference,
                       backward=lambda ctx, g: _trailing_backward(
                           ctx, g, _LAYER_NORM_BACKWARD, False),
                       promote=PROMOTE_NONE, doc=_rms_norm_reference.__doc__))


def rms_norm(input, normalized_shape, weight=None, eps=None):
    """Root-mean-square normalisation over the trailing dims, then * weight; eps=None means
    finfo(input dtype).eps, of float32 for float16 / bfloat16 input (PyTorch computes those
    in float32)."""
    from ... import finfo
    require_tensor("rms_norm", input, "input", 1)
    if eps is None:
        eps = finfo(dt.float32 if input.dtype in _REDUCED else input.dtype).eps \
            if input.dtype.is_floating_point else 0.0
    tensors = [input] + ([weight] if weight is not None else [])
    return dispatch(_RMS_NORM, *tensors, normalized_shape=_normalized_shape(
        "rms_norm", normalized_shape), eps=float(eps), has_weight=weight is not None)


# ------------------------------------------------------------ group_norm

def _group_norm_meta(x, *rest, num_groups, eps, has_weight, has_bias):
    weight, bias, _ = _split(rest, has_weight, has_bias)
    check_params("group_norm", "GroupNormKernelImpl", x, (weight, bias))
    channels = x._shape[1]
    if channels % num_groups:
        raise ShapeMismatch(f"group_norm: Expected number of channels in input to be divisible "
                            f"by num_groups, but got input of shape {list(x._shape)} and "
                            f"num_groups={num_groups}")
    for label, t in (("weight", weight), ("bias", bias)):
        if t is not None and (t.ndim != 1 or t.numel() != channels):
            raise ShapeMismatch(f"group_norm: Expected {label} to be a vector of size equal to "
                                f"the number of channels in input, but got {label} of shape "
                                f"{list(t.shape)} and input of shape {list(x._shape)}")
    return Out(x._shape, x.dtype)


def _group_rows(x: Array, per_channel, num_groups: int, fill: float) -> list:
    """Group norm's K = G weight lists: group k's channel values, each repeated over the
    spatial positions."""
    channels, inner = x.shape[1], math.prod(x.shape[2:])
    values = per_channel.data if per_channel else [fill] * channels
    per = channels // num_groups
    return [[values[c] for c in range(k * per, (k + 1) * per) for _ in range(inner)]
            for k in range(num_groups)]


def _group_norm_reference(x: Array, *rest: Array, num_groups, eps, has_weight, has_bias):
    """Per sample n and group k (channels k*C/G ... (k+1)*C/G - 1 with their spatial values):
    y = (x - mean_nk) * rstd_nk * w[c] + b[c]."""
    weight, bias, _ = _split(rest, has_weight, has_bias)
    size = x.shape[1] // num_groups * math.prod(x.shape[2:])
    return _normalize_rows(x, size, _group_rows(x, weight, num_groups, 1.0),
                           _group_rows(x, bias, num_groups, 0.0), eps)


def _group_norm_backward(ctx, g):
    """The fused op group_norm_backward, or (building a graph of the gradient)
    _normalized_backward on x seen as (N, G, C / G, spatial) over its last two dims."""
    x = ctx.inputs[0]
    weight, bias, _ = _split(ctx.inputs[1:], ctx.has_weight, ctx.has_bias)
    batch, channels, groups = x.shape[0], x.shape[1], ctx.num_groups
    grouped = (batch, groups, channels // groups, math.prod(x.shape[2:]))
    if not is_grad_enabled():
        dx, dw, db = dispatch(_GROUP_NORM_BACKWARD, g, x, *([weight] if weight is not None
                                                           else []), num_groups=groups,
                              eps=ctx.eps)
    else:
        w = None if weight is None else weight.reshape(1, groups, channels // groups, 1)
        dx, gxhat = _normalized_backward(x.reshape(grouped), g.reshape(grouped), w, (2, 3),
                                         ctx.eps)
        dx = dx.reshape(x.shape)
        dw, db = gxhat.sum((0, 3)).reshape(channels), g.reshape(grouped).sum((0, 3))
    return (dx,) + ((dw.reshape(weight.shape),) if weight is not None else ()) + \
        ((db.reshape(bias.shape),) if bias is not None else ())


def _group_norm_backward_meta(g, x, *weight, num_groups, eps):
    stats = weight[0].dtype if weight else x.dtype
    channels = x._shape[1]
    return Out(x._shape, x.dtype), Out((channels,), stats), Out((channels,), stats)


def _group_norm_backward_reference(g: Array, x: Array, *weight: Array, num_groups, eps):
    """(dx, dw, db) of group_norm: the rows' gradients, dw and db summed per channel."""
    inner = math.prod(x.shape[2:])
    size = x.shape[1] // num_groups * inner
    dx, dw_rows, db_rows = _normalize_rows_backward(
        g, x, size, _group_rows(x, weight[0] if weight else None, num_groups, 1.0), eps)

    def per_channel(rows):
        return [sum(row[j:j + inner]) for row in rows for j in range(0, size, inner)]
    return Array(dx, x.shape), Array(per_channel(dw_rows), (x.shape[1],)), \
        Array(per_channel(db_rows), (x.shape[1],))


_GROUP_NORM_BACKWARD = declare(Op(
    "group_norm_backward", meta=_group_norm_backward_meta,
    reference=_group_norm_backward_reference, promote=PROMOTE_NONE,
    doc="(dx, dw, db) of group_norm for the cotangent g: the fused backward its gradient "
        "runs when no graph of the gradient is built."))
_GROUP_NORM = declare(Op("group_norm", meta=_group_norm_meta, reference=_group_norm_reference,
                         backward=_group_norm_backward, promote=PROMOTE_NONE,
                         doc=_group_norm_reference.__doc__))


def group_norm(input, num_groups, weight=None, bias=None, eps=1e-5):
    """Normalise each group of num_groups consecutive channels per sample, then per channel
    * weight + bias."""
    require_tensor("group_norm", input, "input", 1)
    if input.ndim < 2:
        raise ShapeMismatch(f"group_norm: Expected at least 2 dimensions for input tensor but "
                           f"received {input.ndim}")
    shape = list(input.shape)
    _verify_batch_size("group_norm", [shape[0] * shape[1] // num_groups, num_groups] + shape[2:])
    tensors = [input] + [t for t in (weight, bias) if t is not None]
    return dispatch(_GROUP_NORM, *tensors, num_groups=int(num_groups), eps=float(eps),
                    has_weight=weight is not None, has_bias=bias is not None)


# ------------------------------------------------------------ composites

def local_response_norm(input, size, alpha=1e-4, beta=0.75, k=1.0):
    """y_c = x_c / (k + alpha / size * sum_{c'} x_{c'}^2) ^ beta over the channels
    c' in [c - size // 2, c + (size - 1) // 2] (zero outside); a composite."""
    from ... import cat, zeros
    require_tensor("local_response_norm", input, "input", 1)
    if input.ndim < 3:
        raise InvalidArgument(f"local_response_norm: Expected 3D or higher dimensionality input "
                              f"(got {input.ndim} dimensions)")
    if input.numel() == 0:
        return input
    channels, rest = input.shape[1], tuple(input.shape[2:])
    before, after = size // 2, (size - 1) // 2
    squares = cat([zeros((input.shape[0], before) + rest, dtype=input.dtype), input * input,
                   zeros((input.shape[0], after) + rest, dtype=input.dtype)], 1)
    total = squares.narrow(1, 0, channels)
    for i in range(1, size):
        total = total + squares.narrow(1, i, channels)
    return input / ((total / size) * alpha + k).pow(beta)


def normalize(input, p=2.0, dim=1, eps=1e-12, out=None):
    """x / max(||x||_p along dim, eps); a composite."""
    from ... import div
    require_tensor("normalize", input, "input", 1)
    denominator = input.norm(p, dim, keepdim=True).clamp_min(eps).expand_as(input)
    if out is None:
        return input / denominator
    return div(input, denominator, out=out)


__all__ = ["batch_norm", "instance_norm", "layer_norm", "group_norm", "rms_norm",
           "local_response_norm", "normalize"]
