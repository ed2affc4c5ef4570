"""Unary elementwise ops: out[i] = f(x[i]), with f from the scalar table and the derivative
f'(x) beside it. Integer inputs of float-valued functions are promoted to the default float.
"""
from __future__ import annotations

import math

from .._core import dtype as dt
from . import _scalar as s
from ._elementwise_base import FLOATING, INTEGRAL_OR_BOOL, NOT_BOOL, PROMOTE_DEFAULT, unary


def _x(ctx):
    return ctx.inputs[0]


def _same_int(fn):
    """Integers pass through rounding functions unchanged."""
    return lambda x: x if isinstance(x, (int, bool)) else fn(x)


def _zero_grad(ctx, g):
    return (g * 0,)


# -- sign and magnitude
unary("abs", abs, "|x|; abs(-0.0) = 0.0, abs(NaN) = NaN; integers wrap (abs(INT_MIN) = INT_MIN); "
      "bool raises NotImplementedError.",
      grad=lambda ctx, g: (g * _x(ctx).sgn(),), promote=PROMOTE_DEFAULT, accepts=NOT_BOOL,
      aliases=("absolute",))
unary("neg", lambda x: -x, "-x; neg(0.0) = -0.0; integers wrap (-INT_MIN = INT_MIN); no bool.",
      grad=lambda ctx, g: (-g,), promote=PROMOTE_DEFAULT, aliases=("negative",),
      bool_message="Negation, the `-` operator, on a bool tensor is not supported. If you are "
                   "trying to invert a mask, use the `~` or `logical_not()` operator instead.")
unary("positive", lambda x: x, "x itself (bool is rejected).", grad=lambda ctx, g: (g,),
      promote=PROMOTE_DEFAULT, inplace=False,
      bool_message="The `+` operator, on a bool tensor is not supported.")
unary("sign", lambda x: x if isinstance(x, bool) else s.sign(x),
      "-1, 0 or 1 by the sign of x; sign(-0.0) = 0 and, as in PyTorch, sign(NaN) = 0.",
      grad=_zero_grad, promote=PROMOTE_DEFAULT)
unary("sgn", lambda x: x if isinstance(x, bool) else s.sign(x),
      "sign for real tensors (PyTorch's complex-aware sign).", grad=_zero_grad,
      promote=PROMOTE_DEFAULT)
unary("signbit", lambda x: math.copysign(1.0, x) < 0 if isinstance(x, float) else x < 0,
      "True where the sign bit is set, including -0.0 and negative NaN.", out_dtype=dt.bool_)
unary("square", lambda x: x * x, "x * x; a bool tensor squares to int64, as pow(x, 2) does.",
      grad=lambda ctx, g: (g * 2 * _x(ctx),), promote=PROMOTE_DEFAULT, bool_as=dt.int64)

# -- exponentials and logarithms
unary("exp", s.exp, "e^x.", grad=lambda ctx, g: (g * ctx.output,), saves_output=True)
unary("exp2", s.exp2, "2^x.", grad=lambda ctx, g: (g * ctx.output * math.log(2),),
      saves_output=True)
unary("expm1", s.expm1, "e^x - 1, accurate near 0.",
      grad=lambda ctx, g: (g * (ctx.output + 1),), saves_output=True)
unary("log", s.log, "ln x; log(0) = -inf, log(x < 0) = NaN.",
      grad=lambda ctx, g: (g / _x(ctx),))
unary("log2", s.log2, "log base 2.", grad=lambda ctx, g: (g / (_x(ctx) * math.log(2)),))
unary("log10", s.log10, "log base 10.", grad=lambda ctx, g: (g / (_x(ctx) * math.log(10)),))
unary("log1p", s.log1p, "ln(1 + x), accurate near 0.", grad=lambda ctx, g: (g / (_x(ctx) + 1),))
unary("sqrt", s.sqrt, "sqrt x; sqrt(-0.0) = -0.0, sqrt(x < 0) = NaN.",
      grad=lambda ctx, g: (g / (2 * ctx.output),), saves_output=True)
unary("rsqrt", s.rsqrt, "1 / sqrt x; rsqrt(0) = inf.",
      grad=lambda ctx, g: (g * -0.5 * ctx.output ** 3,), saves_output=True)
unary("reciprocal", lambda x: s.divide(1.0, x), "1 / x; 1/0 = inf, 1/-0.0 = -inf.",
      grad=lambda ctx, g: (-g * ctx.output * ctx.output,), saves_output=True)

# -- trigonometric and hyperbolic
unary("sin", s.sin, "sin x.", grad=lambda ctx, g: (g * _x(ctx).cos(),))
unary("cos", s.cos, "cos x.", grad=lambda ctx, g: (-g * _x(ctx).sin(),))
unary("tan", s.tan, "tan x.", grad=lambda ctx, g: (g * (1 + ctx.output * ctx.output),),
      saves_output=True)
unary("asin", s.asin, "arcsin x; NaN outside [-1, 1].",
      grad=lambda ctx, g: (g * (1 - _x(ctx) * _x(ctx)).rsqrt(),), aliases=("arcsin",))
unary("acos", s.acos, "arccos x; NaN outside [-1, 1].",
      grad=lambda ctx, g: (-g * (1 - _x(ctx) * _x(ctx)).rsqrt(),), aliases=("arccos",))
unary("atan", s.atan, "arctan x.", grad=lambda ctx, g: (g / (1 + _x(ctx) * _x(ctx)),),
      aliases=("arctan",))
unary("sinh", s.sinh_, "sinh x.", grad=lambda ctx, g: (g * _x(ctx).cosh(),))
unary("cosh", s.cosh_, "cosh x.", grad=lambda ctx, g: (g * _x(ctx).sinh(),))
unary("tanh", s.tanh, "tanh x.", grad=lambda ctx, g: (g * (1 - ctx.output * ctx.output),),
      saves_output=True)
unary("asinh", s.asinh, "arsinh x.", grad=lambda ctx, g: (g * (_x(ctx) ** 2 + 1).rsqrt(),),
      aliases=("arcsinh",))
unary("acosh", s.acosh, "arcosh x; NaN below 1.",
      grad=lambda ctx, g: (g * (_x(ctx) ** 2 - 1).rsqrt(),), aliases=("arccosh",))
unary("atanh", s.atanh, "artanh x; ±inf at ±1, NaN outside.",
      grad=lambda ctx, g: (g / (1 - _x(ctx) ** 2),), aliases=("arctanh",))

# -- special functions
unary("sigmoid", s.sigmoid, "1 / (1 + e^-x), computed without overflow for any x.",
      grad=lambda ctx, g: (g * ctx.output * (1 - ctx.output),), saves_output=True)
unary("erf", s.erf, "2/sqrt(pi) * integral_0^x e^(-t^2) dt.",
      grad=lambda ctx, g: (g * (2 / math.sqrt(math.pi)) * (-_x(ctx) * _x(ctx)).exp(),))
unary("erfc", s.erfc, "1 - erf x, accurate for large x.",
      grad=lambda ctx, g: (g * (-2 / math.sqrt(math.pi)) * (-_x(ctx) * _x(ctx)).exp(),))
unary("erfinv", s.erfinv, "the y with erf(y) = x; ±inf at ±1, NaN outside [-1, 1].",
      grad=lambda ctx, g: (g * (math.sqrt(math.pi) / 2) * (ctx.output ** 2).exp(),),
      saves_output=True)
unary("lgamma", s.lgamma, "ln |Gamma(x)|; +inf at the poles 0, -1, -2, ...",
      grad=lambda ctx, g: (g * _x(ctx).digamma(),))
unary("digamma", s.digamma, "psi(x) = Gamma'(x) / Gamma(x); psi(+0) = -inf, psi(-0) = +inf, "
      "NaN at the negative integers.",
      grad=lambda ctx, g: (g * _polygamma1(_x(ctx)),))
unary("sinc", s.sinc, "sin(pi x) / (pi x), 1 at 0, NaN at ±inf. Computed in double: PyTorch's "
      "float32 kernel gives NaN once pi * x overflows float32 (|x| > ~1.08e38), torsh does not.",
      grad=lambda ctx, g: (g * _sinc_grad(_x(ctx)),))
unary("deg2rad", lambda x: x * (math.pi / 180), "x * pi / 180.",
      grad=lambda ctx, g: (g * (math.pi / 180),))
unary("rad2deg", lambda x: x * (180 / math.pi), "x * 180 / pi.",
      grad=lambda ctx, g: (g * (180 / math.pi),))

# -- rounding (integers pass through unchanged; the gradient is zero)
unary("floor", _same_int(s.floor), "largest integer <= x; the sign of zero is kept "
      "(floor(-0.0) = -0.0); integers pass through; bool raises.", grad=_zero_grad,
      promote=PROMOTE_DEFAULT, accepts=NOT_BOOL)
unary("ceil", _same_int(s.ceil), "smallest integer >= x; ceil(-0.5) = -0.0; bool raises.",
      grad=_zero_grad, promote=PROMOTE_DEFAULT, accepts=NOT_BOOL)
unary("trunc", _same_int(s.trunc), "x rounded toward zero; trunc(-0.5) = -0.0; bool raises.",
      grad=_zero_grad, promote=PROMOTE_DEFAULT, aliases=("fix",), accepts=NOT_BOOL)
unary("frac", lambda x: x - s.trunc(x) if not math.isinf(x) else math.nan,
      "x - trunc(x), the sign of x; frac(-0.0) = 0.0 (as -0.0 - -0.0), frac(±inf) = NaN. "
      "Floating dtypes only.", grad=lambda ctx, g: (g,), promote=PROMOTE_DEFAULT,
      accepts=FLOATING)
unary("relu", lambda x: type(x)(0) if x < 0 else x,
      "max(x, 0); NaN stays NaN, relu(-0.0) = -0.0 (x itself, as PyTorch's clamp_min keeps "
      "it), relu(-inf) = 0. Bool raises.", grad=lambda ctx, g: (g * (ctx.output > 0),),
      promote=PROMOTE_DEFAULT, saves_output=True,
      bool_message="Boolean inputs not supported for relu")

# -- predicates (bool results)
unary("isnan", lambda x: x != x, "True where x is NaN.", out_dtype=dt.bool_)
unary("isinf", lambda x: isinstance(x, float) and math.isinf(x), "True at ±inf.",
      out_dtype=dt.bool_)
unary("isposinf", lambda x: x == math.inf, "True at +inf.", out_dtype=dt.bool_)
unary("isneginf", lambda x: x == -math.inf, "True at -inf.", out_dtype=dt.bool_)
unary("isfinite", lambda x: not isinstance(x, float) or math.isfinite(x),
      "True where x is neither NaN nor ±inf.", out_dtype=dt.bool_)
unary("isreal", lambda x: True, "True everywhere for real dtypes.", out_dtype=dt.bool_)
unary("logical_not", lambda x: not x, "True where x == 0.", out_dtype=dt.bool_)
unary("bitwise_not", lambda x: not x if isinstance(x, bool) else ~x,
      "~x: two's complement for integers, logical not for bool.", promote=PROMOTE_DEFAULT,
      accepts=INTEGRAL_OR_BOOL)


def _polygamma1(x):
    """trigamma(x) = sum_k 1/(x+k)^2, by recurrence to x >= 6 then the asymptotic series."""
    from .. import tensor as make
    values = [_trigamma(v) for v in x.detach().reshape(-1).tolist()]
    return make(values, dtype=x.dtype).reshape(x.shape)


def _trigamma(x: float) -> float:
    if x != x or x == -math.inf:
        return math.nan
    if x <= 0 and x == math.floor(x):
        return math.inf
    if x < 0.5:
        return (math.pi / math.sin(math.pi * x)) ** 2 - _trigamma(1 - x)
    result = 0.0
    while x < 6:
        result += 1 / (x * x)
        x += 1
    f = 1 / (x * x)
    return result + 1 / x + f / 2 + f / x * (1 / 6 - f * (1 / 30 - f * (1 / 42 - f / 30)))


def _sinc_grad(x):
    """d/dx sinc x = (cos(pi x) - sinc x) / x, and 0 at x = 0."""
    safe = x.masked_fill(x == 0, 1.0)
    return ((math.pi * safe).cos() - safe.sinc()).div(safe).masked_fill(x == 0, 0.0)
