"""Elementwise activation functions of torsh.nn.functional (relu, elu, gelu, silu, ...).

Most are one op: a scalar formula for the reference and its derivative, in torsh ops, for the
backward; relu / sigmoid / tanh are torsh's own ops (prelu, rrelu and glu, whose slopes or
gates come from a tensor, are in slopes.py). Floating dtypes only (integers raise
NotImplementedError, as in PyTorch), except relu / relu6 / hardtanh / threshold (any non-bool
dtype, kept) and softsign / tanhshrink (integers promote to the default float). NaN propagates
through every function. The NAME_ functions (relu_, elu_, ...) work in place.
"""
from __future__ import annotations

import math

from ..._core import dtype as dt
from ..._core.errors import DTypeRuntimeError
from ...ops import _scalar as s
from ...ops._elementwise_base import require_tensor
from ._pointwise import PROMOTE_INT_TO_FLOAT, inplace_result, pointwise

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


__all__ = ["hardtanh", "relu6", "threshold", "hardshrink", "softshrink", "leaky_relu", "elu",
           "selu", "celu", "gelu", "silu", "softplus", "mish", "logsigmoid", "hardsigmoid",
           "hardswish", "softsign", "tanhshrink", "relu", "relu_", "sigmoid", "tanh",
           "hardtanh_", "threshold_", "leaky_relu_", "elu_", "selu_", "celu_"]
