"""Elementwise activation functions of torsh.nn.functional (relu, elu, gelu, prelu, ...).

Most are one op: a scalar formula for the reference and its derivative, in torsh ops, for the
backward. prelu is an op with a learnt slope per channel; relu / sigmoid / tanh are torsh's
own ops; glu and rrelu are composites. Floating dtypes only (integers raise
NotImplementedError, as in PyTorch), except relu / relu6 / hardtanh / threshold (any non-bool
dtype, kept) and softsign / tanhshrink (integers promote to the default float). NaN propagates
through every function. The NAME_ functions (relu_, elu_, ...) work in place.
"""
from __future__ import annotations

import math

from ..._core import dtype as dt
from ..._core.errors import DTypeNotImplemented, DTypeRuntimeError, ShapeMismatch
from ...dispatch import dispatch
from ...ops import _scalar as s
from ...ops._array import Array
from ...ops._elementwise_base import TORCH_TYPE_NAMES, require_tensor
from ...ops._op import PROMOTE_NONE, Op, Out
from ._pointwise import PROMOTE_INT_TO_FLOAT, declare, inplace_result, pointwise

SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946
_NOT_BOOL = "not_bool"


def _x(ctx):
    return ctx.inputs[0]


def _where(condition, a, b):
    from ... import where
    return where(condition, a, b)


def _maybe_inplace(name, run, input, inplace, **params):
    if inplace:
        return inplace_result(name, input, lambda x: run(x, **params))
    return run(input, **params)


# ------------------------------------------------------------ clamps and thresholds

def _hardtanh(x, min_val, max_val):
    return min_val if x < min_val else max_val if x > max_val else x


_HARDTANH = pointwise(
    "hardtanh", _hardtanh, "min(max(x, min_val), max_val); NaN stays NaN; integers stay.",
    grad=lambda ctx, g: (g * ((_x(ctx) > ctx.min_val) & (_x(ctx) < ctx.max_val)),),
    accepts=_NOT_BOOL)


def hardtanh(input, min_val=-1.0, max_val=1.0, inplace=False):
    """min(max(x, min_val), max_val); the gradient is 1 strictly inside, 0 elsewhere."""
    if min_val > max_val:
        raise ValueError("hardtanh: min_val cannot be greater than max_val")
    kind = getattr(input, "dtype", None)
    if kind is dt.bool_:
        raise DTypeRuntimeError("hardtanh: Bool inputs not supported for hardtanh")
    if kind is dt.uint8 and (min_val < 0 or max_val < 0):
        raise DTypeRuntimeError("hardtanh: cannot do hardtanh on an unsigned type with "
                                "negative limits")
    return _maybe_inplace("hardtanh", _HARDTANH, input, inplace, min_val=min_val,
                          max_val=max_val)


def relu6(input, inplace=False):
    """min(max(x, 0), 6): hardtanh(x, 0, 6)."""
    return hardtanh(input, 0.0, 6.0, inplace)


_THRESHOLD = pointwise(
    "threshold", lambda x, threshold, value: value if x <= threshold else x,
    "value where x <= threshold, else x (NaN stays NaN); integers stay.",
    grad=lambda ctx, g: (g * ~(_x(ctx) <= ctx.threshold),), accepts=_NOT_BOOL)


def threshold(input, threshold, value, inplace=False):
    """value where x <= threshold, else x."""
    return _maybe_inplace("threshold", _THRESHOLD, input, inplace, threshold=threshold,
                          value=value)


_HARDSHRINK = pointwise(
    "hardshrink", lambda x, lambd: 0.0 if -lambd <= x <= lambd else x,
    "x where |x| > lambd, else 0.", grad=lambda ctx, g: (g * (_x(ctx).abs() > ctx.lambd),))


def hardshrink(input, lambd=0.5):
    """x where |x| > lambd, else 0."""
    return _HARDSHRINK(input, lambd=lambd)


_SOFTSHRINK = pointwise(
    "softshrink", lambda x, lambd: x - lambd if x > lambd else x + lambd if x < -lambd
    else x * 0.0,
    "x - lambd above lambd, x + lambd below -lambd, else x * 0 (-0.3 gives -0.0 as in "
    "PyTorch's scalar loop; its vector loop gives +0.0; NaN "
    "stays NaN).",
    grad=lambda ctx, g: (g * (_x(ctx).abs() > ctx.lambd),))


def softshrink(input, lambd=0.5):
    """x - lambd above lambd, x + lambd below -lambd, 0 between; lambd must be >= 0."""
    if lambd < 0:
        raise RuntimeError(f"softshrink: lambda must be greater or equal to 0, but found to "
                           f"be {lambd}.")
    return _SOFTSHRINK(input, lambd=lambd)


# ------------------------------------------------------------ rectifiers with a soft side

_LEAKY_RELU = pointwise(
    "leaky_relu", lambda x, negative_slope: x if x > 0 else x * negative_slope,
    "x if x > 0 else negative_slope * x.",
    grad=lambda ctx, g: (_where(_x(ctx) > 0, g, g * ctx.negative_slope),))


def leaky_relu(input, negative_slope=0.01, inplace=False):
    """x if x > 0 else negative_slope * x."""
    return _maybe_inplace("leaky_relu", _LEAKY_RELU, input, inplace,
                          negative_slope=negative_slope)


def _elu(x, alpha, scale):
    return scale * x if x > 0 else scale * alpha * s.expm1(x)


_ELU = pointwise(
    "elu", _elu, "scale * (x if x > 0 else alpha * (e^x - 1)).",
    grad=lambda ctx, g: (_where(_x(ctx) > 0, g * ctx.scale,
                                g * (ctx.scale * ctx.alpha) * _x(ctx).exp()),))


def elu(input, alpha=1.0, inplace=False):
    """x if x > 0 else alpha * (e^x - 1)."""
    return _maybe_inplace("elu", _ELU, input, inplace, alpha=alpha, scale=1.0)


def selu(input, inplace=False):
    """SELU_SCALE * elu(x, SELU_ALPHA)."""
    return _maybe_inplace("elu", _ELU, input, inplace, alpha=SELU_ALPHA, scale=SELU_SCALE)


_CELU = pointwise(
    "celu", lambda x, alpha: x if x > 0 else alpha * s.expm1(x / alpha),
    "max(0, x) + min(0, alpha * (e^(x / alpha) - 1)).",
    grad=lambda ctx, g: (_where(_x(ctx) > 0, g, g * (_x(ctx) / ctx.alpha).exp()),))


def celu(input, alpha=1.0, inplace=False):
    """max(0, x) + min(0, alpha * (e^(x / alpha) - 1)); alpha must not be 0."""
    if alpha == 0:
        raise RuntimeError("celu: ZeroDivisionError: alpha must not be 0")
    return _maybe_inplace("celu", _CELU, input, inplace, alpha=alpha)


# ------------------------------------------------------------ smooth gates

_SQRT_2_OVER_PI = math.sqrt(2 / math.pi)
_GELU_CUBIC = 0.044715


def _gelu(x, approximate):
    if approximate == "tanh":
        return 0.5 * x * (1 + s.tanh(_SQRT_2_OVER_PI * (x + _GELU_CUBIC * x * x * x)))
    return 0.5 * x * (1 + s.erf(x / math.sqrt(2)))


def _gelu_grad(ctx, g):
    x = _x(ctx)
    if ctx.approximate == "tanh":
        t = (_SQRT_2_OVER_PI * (x + _GELU_CUBIC * x * x * x)).tanh()
        inner = _SQRT_2_OVER_PI * (1 + 3 * _GELU_CUBIC * x * x)
        return (g * (0.5 * (1 + t) + 0.5 * x * (1 - t * t) * inner),)
    cdf = 0.5 * (1 + (x * (1 / math.sqrt(2))).erf())
    pdf = (-0.5 * x * x).exp() * (1 / math.sqrt(2 * math.pi))
    return (g * (cdf + x * pdf),)


_GELU = pointwise("gelu", _gelu, "x * Phi(x) (approximate='none'), or "
                  "0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))) (approximate='tanh').",
                  grad=_gelu_grad)


def gelu(input, approximate="none"):
    """x * Phi(x), Phi the standard normal CDF; approximate='tanh' uses the tanh formula."""
    if approximate not in ("none", "tanh"):
        raise RuntimeError(f"gelu: approximate argument must be either none or tanh, "
                           f"got {approximate!r}")
    return _GELU(input, approximate=approximate)


def _silu_grad(ctx, g):
    x = _x(ctx)
    sig = x.sigmoid()
    return (g * sig * (1 + x * (1 - sig)),)


_SILU = pointwise("silu", lambda x: x * s.sigmoid(x), "x * sigmoid(x).", grad=_silu_grad)


def silu(input, inplace=False):
    """x * sigmoid(x)."""
    return _maybe_inplace("silu", _SILU, input, inplace)


def _softplus(x, beta, threshold):
    if x * beta > threshold:
        return x
    return s.log1p(s.exp(beta * x)) / beta


def _softplus_grad(ctx, g):
    bx = _x(ctx) * ctx.beta
    return (_where(bx > ctx.threshold, g, g * bx.sigmoid()),)


_SOFTPLUS = pointwise("softplus", _softplus, "ln(1 + e^(beta x)) / beta; x itself once "
                      "beta * x > threshold.", grad=_softplus_grad)


def softplus(input, beta=1.0, threshold=20.0):
    """ln(1 + e^(beta x)) / beta, and x where beta * x > threshold."""
    return _SOFTPLUS(input, beta=beta, threshold=threshold)


def _mish(x):
    return x * s.tanh(_softplus(x, 1.0, 20.0))


def _mish_grad(ctx, g):
    x = _x(ctx)
    t = _softplus_tensor(x).tanh()
    return (g * (t + x * x.sigmoid() * (1 - t * t)),)


def _softplus_tensor(x):
    return _SOFTPLUS(x, beta=1.0, threshold=20.0)


_MISH = pointwise("mish", _mish, "x * tanh(softplus(x)).", grad=_mish_grad)


def mish(input, inplace=False):
    """x * tanh(ln(1 + e^x))."""
    return _maybe_inplace("mish", _MISH, input, inplace)


def _logsigmoid(x):
    return min(x, 0.0) - s.log1p(s.exp(-abs(x))) if x == x else x


_LOGSIGMOID = pointwise("log_sigmoid", _logsigmoid, "ln sigmoid(x) = min(x, 0) - "
                        "ln(1 + e^-|x|), without overflow.",
                        grad=lambda ctx, g: (g * (-_x(ctx)).sigmoid(),))


def logsigmoid(input):
    """ln(1 / (1 + e^-x))."""
    return _LOGSIGMOID(input)


def _hardsigmoid(x):
    return 0.0 if x <= -3 else 1.0 if x >= 3 else x / 6 + 0.5


_HARDSIGMOID = pointwise(
    "hardsigmoid", _hardsigmoid, "0 below -3, 1 above 3, x / 6 + 1/2 between.",
    grad=lambda ctx, g: (g * ((_x(ctx) > -3) & (_x(ctx) < 3)) / 6,))


def hardsigmoid(input, inplace=False):
    """relu6(x + 3) / 6."""
    return _maybe_inplace("hardsigmoid", _HARDSIGMOID, input, inplace)


def _hardswish(x):
    return x * min(max(x + 3, 0.0), 6.0) / 6


def _hardswish_grad(ctx, g):
    x = _x(ctx)
    middle = _where(x <= 3, g * (x / 3 + 0.5), g)
    return (_where(x < -3, g * 0, middle),)


_HARDSWISH = pointwise("hardswish", _hardswish, "x * relu6(x + 3) / 6 (so -inf gives NaN, as in "
                       "PyTorch). Its derivative follows "
                       "PyTorch at the corners: x/3 + 1/2 on [-3, 3], 0 below, 1 above.",
                       grad=_hardswish_grad)


def hardswish(input, inplace=False):
    """x * relu6(x + 3) / 6."""
    return _maybe_inplace("hardswish", _HARDSWISH, input, inplace)


# ------------------------------------------------------------ integers promote to float

_SOFTSIGN = pointwise("softsign", lambda x: x / (1 + abs(x)), "x / (1 + |x|).",
                      grad=lambda ctx, g: (g / ((1 + _x(ctx).abs()) ** 2),),
                      accepts=None, promote=PROMOTE_INT_TO_FLOAT)


def softsign(input):
    """x / (1 + |x|)."""
    return _SOFTSIGN(input)


_TANHSHRINK = pointwise("tanhshrink", lambda x: x - s.tanh(x), "x - tanh x.",
                        grad=lambda ctx, g: (g * _x(ctx).tanh() ** 2,),
                        accepts=None, promote=PROMOTE_INT_TO_FLOAT)


def tanhshrink(input):
    """x - tanh(x)."""
    return _TANHSHRINK(input)



# ------------------------------------------------------------ relu, sigmoid, tanh (torsh ops)

def relu(input, inplace=False):
    """max(x, 0) (torsh.relu); inplace=True overwrites the input."""
    require_tensor("relu", input, "input", 1)
    return input.relu_() if inplace else input.relu()


def relu_(input):
    """relu in place."""
    return relu(input, inplace=True)


def sigmoid(input):
    """1 / (1 + e^-x) (torsh.sigmoid)."""
    return input.sigmoid()


def tanh(input):
    """tanh x (torsh.tanh)."""
    return input.tanh()


def hardtanh_(input, min_val=-1.0, max_val=1.0):
    """hardtanh in place."""
    return hardtanh(input, min_val, max_val, inplace=True)


def threshold_(input, threshold, value):
    """threshold in place."""
    return _maybe_inplace("threshold", _THRESHOLD, input, True, threshold=threshold,
                          value=value)


def leaky_relu_(input, negative_slope=0.01):
    """leaky_relu in place."""
    return leaky_relu(input, negative_slope, inplace=True)


def elu_(input, alpha=1.0):
    """elu in place."""
    return elu(input, alpha, inplace=True)


def selu_(input):
    """selu in place."""
    return selu(input, inplace=True)


def celu_(input, alpha=1.0):
    """celu in place."""
    return celu(input, alpha, inplace=True)


# ------------------------------------------------------------ glu, rrelu (composites)

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
            noise = _where(x.detach() <= 0, slopes, slopes * 0 + 1)
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
    grads = [_where(positive, g, g * _prelu_slopes(x, weight))
             if ctx.needs_input_grad[0] else None]
    if ctx.needs_input_grad[1]:
        contribution = _where(positive, g * 0, g * x)
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


__all__ = ["hardtanh", "relu6", "threshold", "hardshrink", "softshrink", "leaky_relu", "elu",
           "selu", "celu", "gelu", "silu", "softplus", "mish", "logsigmoid", "hardsigmoid",
           "hardswish", "softsign", "tanhshrink", "relu", "relu_", "sigmoid", "tanh",
           "hardtanh_", "threshold_", "leaky_relu_", "elu_", "selu_", "celu_", "glu", "rrelu",
           "rrelu_", "prelu"]
