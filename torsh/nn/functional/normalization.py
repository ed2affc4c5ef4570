"""Normalization over the trailing dims or channel groups of each sample: layer_norm,
group_norm and rms_norm (ops), local_response_norm and normalize (composites), as in
torch.nn.functional (batch_norm and instance_norm are in batchnorm.py).

layer_norm and group_norm normalise x over a set S of elements and apply an affine map:
    y = (x - mean_S x) / sqrt(var_S x + eps) * weight + bias,   var biased;
    layer_norm: S = the trailing `normalized_shape` dims of each sample;
    group_norm: S = C / G consecutive channels with their spatial dims, per sample;
    rms_norm:   y = x / sqrt(mean_S x^2 + eps) * weight, S as in layer_norm (no centring).
The ops have a pure-Python reference, and a backward that runs a fused *_backward op (its own
reference), or the same closed form in torsh ops when a graph of the gradient is built
(create_graph=True), so double backward works. NaN or inf in a group makes its outputs NaN; an
empty input gives an empty output.
"""
from __future__ import annotations

import math

from ..._core import dtype as dt
from ..._core.errors import InvalidArgument, InvalidArgumentRuntime, ShapeMismatch
from ...autograd.grad_mode import is_grad_enabled
from ...dispatch import dispatch
from ...ops._array import Array
from ...ops._elementwise_base import require_tensor
from ...ops._op import PROMOTE_NONE, Op, Out
from ._norm_common import (REDUCED, check_params, moments, normalized_backward, rsqrt, split_params, verify_batch_size)
from ._pointwise import declare


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
        mean, var = moments([row], len(row))
    else:
        mean, var = 0.0, sum([v * v for v in row]) / len(row)
    return mean, rsqrt(var + eps)


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
    weight, bias, _ = split_params(rest, has_weight, has_bias)
    check_params("layer_norm", "LayerNormKernelImpl", x, (weight, bias))
    _check_trailing("layer_norm", x, normalized_shape, weight, bias, "*, ")
    return Out(x._shape, x.dtype)


def _layer_norm_reference(x: Array, *rest: Array, normalized_shape, eps, has_weight,
                          has_bias):
    """Each row r of the last prod(normalized_shape) values: y = (x - mean_r) * rstd_r * w + b."""
    weight, bias, _ = split_params(rest, has_weight, has_bias)
    size = math.prod(normalized_shape)
    return _normalize_rows(x, size, [weight.data if weight else [1.0] * size],
                           [bias.data if bias else [0.0] * size], eps)


def _trailing_backward(ctx, g, fused, centre):
    """Gradients of layer_norm / rms_norm: the fused op, or (building a graph of the
    gradient) normalized_backward over the trailing dims."""
    x = ctx.inputs[0]
    weight, bias, _ = split_params(ctx.inputs[1:], ctx.has_weight, getattr(ctx, "has_bias", False))
    if not is_grad_enabled():
        dx, dw, db = dispatch(fused, g, x, *([weight] if weight is not None else []),
                              normalized_shape=ctx.normalized_shape, eps=ctx.eps, centre=centre)
    else:
        lead = x.ndim - len(ctx.normalized_shape)
        dx, gxhat = normalized_backward(x, g, weight, tuple(range(lead, x.ndim)), ctx.eps,
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
        eps = finfo(dt.float32 if input.dtype in REDUCED else input.dtype).eps \
            if input.dtype.is_floating_point else 0.0
    tensors = [input] + ([weight] if weight is not None else [])
    return dispatch(_RMS_NORM, *tensors, normalized_shape=_normalized_shape(
        "rms_norm", normalized_shape), eps=float(eps), has_weight=weight is not None)


# ------------------------------------------------------------ group_norm

def _group_norm_meta(x, *rest, num_groups, eps, has_weight, has_bias):
    weight, bias, _ = split_params(rest, has_weight, has_bias)
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
    weight, bias, _ = split_params(rest, has_weight, has_bias)
    size = x.shape[1] // num_groups * math.prod(x.shape[2:])
    return _normalize_rows(x, size, _group_rows(x, weight, num_groups, 1.0),
                           _group_rows(x, bias, num_groups, 0.0), eps)


def _group_norm_backward(ctx, g):
    """The fused op group_norm_backward, or (building a graph of the gradient)
    normalized_backward on x seen as (N, G, C / G, spatial) over its last two dims."""
    x = ctx.inputs[0]
    weight, bias, _ = split_params(ctx.inputs[1:], ctx.has_weight, ctx.has_bias)
    batch, channels, groups = x.shape[0], x.shape[1], ctx.num_groups
    grouped = (batch, groups, channels // groups, math.prod(x.shape[2:]))
    if not is_grad_enabled():
        dx, dw, db = dispatch(_GROUP_NORM_BACKWARD, g, x, *([weight] if weight is not None
                                                           else []), num_groups=groups,
                              eps=ctx.eps)
    else:
        w = None if weight is None else weight.reshape(1, groups, channels // groups, 1)
        dx, gxhat = normalized_backward(x.reshape(grouped), g.reshape(grouped), w, (2, 3),
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
    verify_batch_size("group_norm", [shape[0] * shape[1] // num_groups, num_groups] + shape[2:])
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


__all__ = ["layer_norm", "group_norm", "rms_norm",
           "local_response_norm", "normalize"]
