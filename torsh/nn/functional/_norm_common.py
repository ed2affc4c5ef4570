"""What the normalization ops share: parameter checks, the mean and variance of a group, and
the closed-form gradient of y = (x - mean) / sqrt(var + eps) * weight in torsh ops."""
from __future__ import annotations

import math

from ..._core import dtype as dt
from ..._core.errors import DTypeNotImplemented, DTypeRuntimeError, InvalidArgument
from ...ops._elementwise_base import TORCH_TYPE_NAMES

REDUCED = (dt.float16, dt.bfloat16)


def type_name(d) -> str:
    return TORCH_TYPE_NAMES[d.name]


def check_params(name: str, kernel: str, x, params) -> None:
    """PyTorch's CPU dtype rule: a floating x, and parameters that share x's dtype or are all
    float32 beside a float16 / bfloat16 x."""
    if not x.dtype.is_floating_point:
        raise DTypeNotImplemented(f"{name}: \"{kernel}\" not implemented for '{type_name(x.dtype)}'")
    params = [p for p in params if p is not None]
    if not params:
        return
    first = params[0].dtype
    if all(p.dtype is first for p in params):
        if first is x.dtype or first is dt.float32 and x.dtype in REDUCED:
            return
        if first is dt.float32 and x.dtype is dt.float64:
            raise DTypeRuntimeError(f"{name}: mixed dtype (CPU): all inputs must share same "
                                    f"datatype.")
    elif first is x.dtype:
        other = next(p.dtype for p in params if p.dtype is not first)
        raise DTypeRuntimeError(f"{name}: expected scalar type {type_name(first)} but found "
                                f"{type_name(other)}")
    raise DTypeRuntimeError(f"{name}: mixed dtype (CPU): expect parameter to have scalar type "
                            f"of Float")


def rsqrt(value: float) -> float:
    """1 / sqrt(value): inf at 0, NaN below 0 or at NaN."""
    if value > 0:
        return 1.0 / math.sqrt(value)
    return math.inf if value == 0 else math.nan


def moments(chunks: list, count: int) -> tuple:
    """(mean, biased variance) of the values of `chunks` (lists), in two passes."""
    mean = sum(sum(chunk) for chunk in chunks) / count
    var = sum(sum([(v - mean) * (v - mean) for v in chunk]) for chunk in chunks) / count
    return mean, var


def split_params(rest, has_weight: bool, has_bias: bool) -> tuple:
    """(weight or None, bias or None, [the remaining tensors]) from an op's optional inputs."""
    rest = list(rest)
    weight = rest.pop(0) if has_weight else None
    bias = rest.pop(0) if has_bias else None
    return weight, bias, rest


def normalized_backward(x, g, weight, dims, eps, centre=True):
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


def sum_to(t, keep: int, ndim: int, shape):
    """Sum t over every dim but `keep` (the channel), shaped as `shape`."""
    return t.sum(tuple(d for d in range(ndim) if d != keep)).reshape(shape)


def verify_batch_size(name: str, shape) -> None:
    if shape[0] * math.prod(shape[2:]) == 1:
        raise InvalidArgument(f"{name}: Expected more than 1 value per channel when training, "
                              f"got input size {shape}")
