"""Activations whose slope or gate comes from a tensor rather than a constant:

    prelu(x) = x if x > 0 else w_c * x       w_c a learnt slope per channel (an op);
    rrelu(x) = x if x >= 0 else a * x        a ~ U(lower, upper) per element in training,
                                             (lower + upper) / 2 in evaluation (a composite);
    glu(x)   = a * sigmoid(b)                a, b the two halves of x along dim (a composite).
"""
from __future__ import annotations

import math

from ..._core.errors import DTypeNotImplemented, DTypeRuntimeError, ShapeMismatch
from ...dispatch import dispatch
from ...ops._array import Array
from ...ops._elementwise_base import TORCH_TYPE_NAMES, require_tensor
from ...ops._op import PROMOTE_NONE, Op, Out
from ...ops.ternary import where
from ._pointwise import declare, inplace_result
from .activation import leaky_relu


def glu(input, dim=-1):
    """a * sigmoid(b), where a and b are the two halves of input along `dim` (a composite)."""
    require_tensor("glu", input, "input", 1)
    if input.ndim == 0:
        raise RuntimeError("glu does not support scalars because halving size must be even")
    if not input.dtype.is_floating_point:
        raise DTypeNotImplemented(f'glu: "glu_cpu" not implemented for '
                                  f"'{TORCH_TYPE_NAMES[input.dtype.name]}'")
    dim = dim % input.ndim if -input.ndim <= dim < input.ndim else dim
    if not 0 <= dim < input.ndim:
        raise IndexError(f"glu: Dimension out of range (expected to be in range of "
                         f"[{-input.ndim}, {input.ndim - 1}], but got {dim})")
    size = input.shape[dim]
    if size % 2:
        raise RuntimeError(f"glu: Halving dimension must be even, but dimension {dim} is size "
                           f"{size}")
    half = size // 2
    return input.narrow(dim, 0, half) * input.narrow(dim, half, half).sigmoid()


def rrelu(input, lower=1.0 / 8, upper=1.0 / 3, training=False, inplace=False):
    """Randomized leaky relu: x if x > 0 else a * x (a composite).

    training: a ~ U(lower, upper), drawn per element (where x <= 0); otherwise a is the mean
    slope (lower + upper) / 2, i.e. leaky_relu. The gradient is the slope used."""
    require_tensor("rrelu", input, "input", 1)
    if lower > upper:
        raise RuntimeError("rrelu: Lower bound should be less than or equal to the upper bound")
    if not training:
        return leaky_relu(input, (lower + upper) / 2, inplace)
    if not input.dtype.is_floating_point:
        raise DTypeNotImplemented(f'rrelu: "rrelu_with_noise_cpu" not implemented for '
                                  f"'{TORCH_TYPE_NAMES[input.dtype.name]}'")
    from ... import no_grad

    def randomized(x):
        with no_grad():
            slopes = x.detach().new_empty(tuple(x.shape)).uniform_(lower, upper)
            noise = where(x.detach() <= 0, slopes, slopes * 0 + 1)
        return x * noise
    if inplace:
        return inplace_result("rrelu", input, randomized)
    return randomized(input)


def rrelu_(input, lower=1.0 / 8, upper=1.0 / 3, training=False):
    """rrelu in place."""
    return rrelu(input, lower, upper, training, inplace=True)


# ------------------------------------------------------------ prelu (an op)

def _prelu_channels(x) -> int:
    return x.shape[1] if len(x.shape) >= 2 else 1


def _prelu_meta(x, weight):
    if x.dtype is not weight.dtype:
        raise DTypeRuntimeError(f"prelu: Type promoting not supported. Got "
                                f"{TORCH_TYPE_NAMES[x.dtype.name]} and "
                                f"{TORCH_TYPE_NAMES[weight.dtype.name]}")
    if not x.dtype.is_floating_point:
        raise DTypeNotImplemented(f'prelu: "prelu_cpu" not implemented for '
                                  f"'{TORCH_TYPE_NAMES[x.dtype.name]}'")
    if weight.ndim > 1:
        raise ShapeMismatch(f"prelu: Expected `weight` to be a scalar or 1D tensor, but got: "
                            f"ndim = {weight.ndim}")
    count = weight.numel()
    if count != 1:
        if x.ndim == 0:
            raise ShapeMismatch("prelu: Not allow zero-dim input tensor.")
        if count != _prelu_channels(x):
            raise ShapeMismatch(f"prelu: Mismatch of parameter numbers and input channel size. "
                                f"Found parameter numbers = {count} and channel size = "
                                f"{_prelu_channels(x)}.")
    return Out(x._shape, x.dtype)


def _prelu_reference(x: Array, weight: Array) -> Array:
    channels = _prelu_channels(x)
    inner = math.prod(x.shape[2:])
    shared = len(weight.data) == 1
    out = []
    for i, v in enumerate(x.data):
        slope = weight.data[0 if shared else (i // inner) % channels]
        out.append(v if v > 0 else slope * v)
    return Array(out, x.shape)


def _prelu_slopes(x, weight):
    """weight shaped to broadcast against x: one slope, or one per channel (dim 1)."""
    if weight.numel() == 1:
        return weight.reshape(())
    shape = [1] * x.ndim
    shape[1] = weight.shape[0]
    return weight.reshape(shape)


def _prelu_backward(ctx, g):
    """dx = g where x > 0 else g * w; dw = sum of g * x where x <= 0, per channel."""
    x, weight = ctx.inputs
    positive = x > 0
    grads = [where(positive, g, g * _prelu_slopes(x, weight))
             if ctx.needs_input_grad[0] else None]
    if ctx.needs_input_grad[1]:
        contribution = where(positive, g * 0, g * x)
        if weight.numel() == 1:
            grads.append(contribution.sum().reshape(tuple(weight.shape)))
        else:
            dims = [d for d in range(x.ndim) if d != 1]
            grads.append(contribution.sum(dims).reshape(tuple(weight.shape)))
    else:
        grads.append(None)
    return tuple(grads)


_PRELU = declare(Op("prelu", meta=_prelu_meta, reference=_prelu_reference,
                     backward=_prelu_backward, promote=PROMOTE_NONE,
                     doc="x if x > 0 else w_c * x, w_c the slope of x's channel (dim 1; one "
                         "slope shared when weight has one element). NaN stays NaN, -0.0 stays "
                         "-0.0. Floating dtypes; input and weight of the same dtype."))


def prelu(input, weight):
    """x if x > 0 else weight[c] * x, c the channel (dim 1) of x; weight of shape (1,) or (C,)."""
    require_tensor("prelu", input, "input", 1)
    require_tensor("prelu", weight, "weight", 2)
    return dispatch(_PRELU, input, weight)


__all__ = ["glu", "rrelu", "rrelu_", "prelu"]
