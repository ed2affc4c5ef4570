"""Binary (and ternary) elementwise ops with broadcasting: out[i] = f(a[i], b[i]).

Each line declares the op, its scalar function, what it means at special values and its
gradient with respect to each input. Operators (`+`, `<`, `&`, ...) map onto these in
`torsh/ops/operators.py`.
"""
from __future__ import annotations

import math
import struct

from .._core import dtype as dt
from .._core.errors import DTypeRuntimeError, InvalidArgument, InvalidArgumentRuntime
from .._core.shape import broadcast_shapes
from ..dispatch import dispatch, dispatch_inplace
from . import _scalar as s
from ._array import zip_elements
from ._elementwise_base import (INTEGRAL_OR_BOOL, NOT_BOOL, PROMOTE_ALWAYS_BOOL, PROMOTE_DEFAULT,
                                PROMOTE_INT_TO_FLOAT, _maybe_out, binary, elementwise_meta)
from ._op import METHODS, PUBLIC, Op, public, register


def _ab(ctx):
    return ctx.inputs


def _check_alpha(a, b, alpha, name):
    dtypes = [x.dtype for x in (a, b) if hasattr(x, "dtype")]
    if isinstance(alpha, float) and dtypes and all(not d.is_floating_point for d in dtypes):
        raise DTypeRuntimeError(f"{name}: For integral input tensors, argument alpha must not "
                                f"be a floating point number.")


# -- arithmetic
_ADD = binary("add", lambda x, y, alpha: x + alpha * y,
              "input + alpha * other; bool + bool is logical or.",
              grad=lambda ctx, g: (g, g * ctx.alpha if ctx.alpha != 1 else g),
              saves_inputs=False, defaults={"alpha": 1})
_SUB = binary("sub", lambda x, y, alpha: x - alpha * y,
              "input - alpha * other; rejects two bool tensors.",
              grad=lambda ctx, g: (g, -g * ctx.alpha if ctx.alpha != 1 else -g),
              saves_inputs=False, accepts=NOT_BOOL, defaults={"alpha": 1},
              aliases=("subtract",))
binary("mul", lambda x, y: x * y, "input * other; bool * bool is logical and.",
       grad=lambda ctx, g: (g * _ab(ctx)[1], g * _ab(ctx)[0]), aliases=("multiply",))
_DIV = binary("div", s.divide, "input / other in floating point; x/0 = ±inf, 0/0 = NaN.",
              grad=lambda ctx, g: (g / _ab(ctx)[1], -g * _ab(ctx)[0] / (_ab(ctx)[1] ** 2)),
              promote=PROMOTE_INT_TO_FLOAT, aliases=("true_divide", "divide"))
_FLOOR_DIV = binary("floor_divide", s.floor_divide,
                    "floor(input / other); integer division by zero raises.",
                    grad=lambda ctx, g: (g * 0, g * 0))
_TRUNC_DIV = binary("trunc_divide", s.trunc_divide,
                    "input / other rounded toward zero; integer division by zero raises.",
                    grad=lambda ctx, g: (g * 0, g * 0))
binary("remainder", s.remainder, "input - floor(input / other) * other: the sign of other.",
       grad=lambda ctx, g: (g, -g * _ab(ctx)[0].floor_divide(_ab(ctx)[1])))
binary("fmod", s.fmod, "C's fmod: input - trunc(input / other) * other, the sign of input.",
       grad=lambda ctx, g: (g, -g * _ab(ctx)[0].trunc_divide(_ab(ctx)[1])))


def _pow_scalar(x, y):
    if isinstance(x, int) and isinstance(y, int):
        return s.int_pow(x, y)
    return s.float_pow(float(x), float(y))


def _pow_grad(ctx, g):
    a, b = ctx.inputs
    grad_a = grad_b = None
    if ctx.needs_input_grad[0]:
        grad_a = (g * b * a ** (b - 1)).masked_fill(b == 0, 0.0)
    if ctx.needs_input_grad[1]:
        grad_b = (g * ctx.output * a.log()).masked_fill((a == 0) & (b >= 0), 0.0)
    return grad_a, grad_b


_POW = register(Op("pow", meta=elementwise_meta("pow"), promote=PROMOTE_DEFAULT,
                   reference=lambda a, b: zip_elements(_pow_scalar, broadcast_shapes(
                       a.shape, b.shape), a, b),
                   backward=_pow_grad, saves_output=True,
                   doc="input ** exponent; pow(0, negative) = inf, pow(x < 0, non-integer) = "
                       "NaN, integers to negative powers raise."))


@public("pow")
def pow(input, exponent, *, out=None):
    return _maybe_out(dispatch(_POW, input, exponent), out)


@public("float_power")
def float_power(input, exponent, *, out=None):
    """input ** exponent computed and returned in float64."""
    cast = [x.to(dt.float64) if hasattr(x, "to") else float(x) for x in (input, exponent)]
    return _maybe_out(dispatch(_POW, *cast), out)


METHODS["pow_"] = lambda self, exponent: dispatch_inplace(_POW, self, exponent)
METHODS["float_power_"] = lambda self, exponent: self.copy_(float_power(self, exponent))


@public("div", "divide", "true_divide")
def div(input, other, *, rounding_mode=None, out=None):
    """input / other; rounding_mode None (true division), 'trunc' or 'floor'."""
    ops = {None: _DIV, "trunc": _TRUNC_DIV, "floor": _FLOOR_DIV}
    if rounding_mode not in ops:
        raise InvalidArgument(f"div expected rounding_mode to be one of None, 'trunc', or "
                              f"'floor' but found '{rounding_mode}'")
    return _maybe_out(dispatch(ops[rounding_mode], input, other), out)


def _div_(self, other, *, rounding_mode=None):
    ops = {None: _DIV, "trunc": _TRUNC_DIV, "floor": _FLOOR_DIV}
    return dispatch_inplace(ops[rounding_mode], self, other)


METHODS["div_"] = METHODS["divide_"] = METHODS["true_divide_"] = _div_


@public("add")
def add(input, other, *, alpha=1, out=None):
    _check_alpha(input, other, alpha, "add")
    return _maybe_out(dispatch(_ADD, input, other, alpha=alpha), out)


@public("sub", "subtract")
def sub(input, other, *, alpha=1, out=None):
    _check_alpha(input, other, alpha, "sub")
    return _maybe_out(dispatch(_SUB, input, other, alpha=alpha), out)


@public("rsub")
def rsub(input, other, *, alpha=1):
    """other - alpha * input."""
    return dispatch(_SUB, other, input, alpha=alpha)


# -- comparisons (computed in the promoted dtype, answered in bool)
for _name, _fn, _doc, _alias in (
        ("eq", lambda x, y: x == y, "input == other; NaN equals nothing.", "__eq"),
        ("ne", lambda x, y: x != y, "input != other; NaN differs from everything.", "not_equal"),
        ("lt", lambda x, y: x < y, "input < other.", "less"),
        ("le", lambda x, y: x <= y, "input <= other.", "less_equal"),
        ("gt", lambda x, y: x > y, "input > other.", "greater"),
        ("ge", lambda x, y: x >= y, "input >= other.", "greater_equal")):
    binary(_name, _fn, _doc, promote=PROMOTE_ALWAYS_BOOL, out_dtype=dt.bool_,
           aliases=() if _alias == "__eq" else (_alias,))

# -- extrema
binary("maximum", s.maximum, "larger of the two; NaN if either is NaN.",
       grad=lambda ctx, g: _select_grad(g, *_ab(ctx), lambda a, b: a > b))
binary("minimum", s.minimum, "smaller of the two; NaN if either is NaN.",
       grad=lambda ctx, g: _select_grad(g, *_ab(ctx), lambda a, b: a < b))
binary("fmax", s.fmax, "larger of the two, ignoring a NaN operand.",
       grad=lambda ctx, g: _fselect_grad(g, *_ab(ctx), lambda a, b: a >= b))
binary("fmin", s.fmin, "smaller of the two, ignoring a NaN operand.",
       grad=lambda ctx, g: _fselect_grad(g, *_ab(ctx), lambda a, b: a <= b))


def _select_grad(g, a, b, wins):
    """Gradient of max/min: to the winner; split in half on ties (PyTorch's rule)."""
    tie = a == b
    half = g / 2
    return (g.where(wins(a, b), g * 0).where(~tie, half),
            g.where(wins(b, a), g * 0).where(~tie, half))


def _fselect_grad(g, a, b, keeps_a):
    """Gradient of fmax/fmin: all to a where a wins or b is NaN, else all to b."""
    to_a = keeps_a(a, b) | b.isnan()
    return g.where(to_a, g * 0), g.where(~to_a, g * 0)


# -- logical and bitwise
binary("logical_and", lambda x, y: bool(x) and bool(y), "both nonzero.", out_dtype=dt.bool_)
binary("logical_or", lambda x, y: bool(x) or bool(y), "either nonzero.", out_dtype=dt.bool_)
binary("logical_xor", lambda x, y: bool(x) != bool(y), "exactly one nonzero.",
       out_dtype=dt.bool_)
binary("bitwise_and", lambda x, y: x & y, "bitwise and (logical for bool).",
       accepts=INTEGRAL_OR_BOOL)
binary("bitwise_or", lambda x, y: x | y, "bitwise or (logical for bool).",
       accepts=INTEGRAL_OR_BOOL)
binary("bitwise_xor", lambda x, y: x ^ y, "bitwise xor (logical for bool).",
       accepts=INTEGRAL_OR_BOOL)


def _shift_left(x, n):
    return int(x) << n if 0 <= n < 64 else 0


def _shift_right(x, n):
    return int(x) >> n if 0 <= n < 64 else (-1 if x < 0 else 0)


binary("bitwise_left_shift", _shift_left,
       "x << n, wrapping to the width; shifts of n < 0 or n >= width give 0.",
       accepts=INTEGRAL_OR_BOOL)
binary("bitwise_right_shift", _shift_right,
       "x >> n, arithmetic for signed types; shifts past the width give 0 or -1.",
       accepts=INTEGRAL_OR_BOOL)

# -- float functions of two arguments
binary("atan2", s.atan2, "the angle of (other, input): atan(input / other) in the right quadrant.",
       grad=lambda ctx, g: _atan2_grad(g, *_ab(ctx)), promote=PROMOTE_INT_TO_FLOAT,
       aliases=("arctan2",))
binary("hypot", s.hypot, "sqrt(a^2 + b^2) without overflow; inf if either is inf.",
       grad=lambda ctx, g: (g * _ab(ctx)[0] / ctx.output, g * _ab(ctx)[1] / ctx.output),
       promote=PROMOTE_INT_TO_FLOAT, saves_output=True)
binary("logaddexp", s.logaddexp, "log(e^a + e^b), computed without overflow.",
       grad=lambda ctx, g: (g * (_ab(ctx)[0] - ctx.output).exp(),
                            g * (_ab(ctx)[1] - ctx.output).exp()),
       promote=PROMOTE_INT_TO_FLOAT, saves_output=True)
binary("logaddexp2", s.logaddexp2, "log2(2^a + 2^b), computed without overflow.",
       grad=lambda ctx, g: (g * (_ab(ctx)[0] - ctx.output).exp2(),
                            g * (_ab(ctx)[1] - ctx.output).exp2()),
       promote=PROMOTE_INT_TO_FLOAT, saves_output=True)
binary("xlogy", s.xlogy, "x * log(y), and 0 where x == 0 (unless y is NaN).",
       grad=lambda ctx, g: _xlogy_grad(g, *_ab(ctx)), promote=PROMOTE_INT_TO_FLOAT)
binary("copysign", s.copysign, "|input| with the sign of other (-0.0 counts as negative).",
       grad=lambda ctx, g: _copysign_grad(g, _ab(ctx)[0], ctx.output),
       promote=PROMOTE_INT_TO_FLOAT, saves_output=True)


def _atan2_grad(g, a, b):
    denominator = a * a + b * b
    return g * b / denominator, -g * a / denominator


def _xlogy_grad(g, x, y):
    grad_x = (g * y.log()).masked_fill((x == 0) & ~y.isnan(), 0.0)
    return grad_x, g * x / y


def _copysign_grad(g, a, out):
    ratio = (out / a).masked_fill(a == 0, 0.0)
    return g * ratio, g * 0


@public("heaviside")
def heaviside(input, values, *, out=None):
    """0 where input < 0, values where input == 0, 1 where input > 0; NaN stays NaN."""
    if hasattr(values, "dtype") and input.dtype is not values.dtype:
        raise DTypeRuntimeError(f"heaviside is not yet implemented for tensors with different "
                                f"dtypes ({input.dtype.name} and {values.dtype.name})")
    return _maybe_out(dispatch(_HEAVISIDE, input, values), out)


_HEAVISIDE = register(Op("heaviside", meta=elementwise_meta("heaviside"),
                         reference=lambda a, b: zip_elements(s.heaviside, broadcast_shapes(
                             a.shape, b.shape), a, b), doc=heaviside.__doc__))


# -- nextafter needs the output's bit layout: the next float32 after 1 is not the next double.
_LAYOUTS = {"float64": ("d", "q"), "float32": ("f", "i"), "float16": ("e", "h")}


def _next_after(x: float, y: float, dtype_name: str) -> float:
    if x != x or y != y:
        return math.nan
    if x == y:
        return y
    if x == 0:
        tiny = dt.finfo(getattr(dt, dtype_name)).tiny * dt.finfo(
            getattr(dt, dtype_name)).eps
        return math.copysign(tiny, y)
    bits = _to_bits(x, dtype_name)
    bits += 1 if (y > x) == (x > 0) else -1
    return _from_bits(bits, dtype_name)


def _to_bits(x: float, dtype_name: str) -> int:
    if dtype_name == "bfloat16":
        return struct.unpack("<i", struct.pack("<f", x))[0] >> 16
    real, integer = _LAYOUTS[dtype_name]
    return struct.unpack("<" + integer, struct.pack("<" + real, x))[0]


def _from_bits(bits: int, dtype_name: str) -> float:
    if dtype_name == "bfloat16":
        return struct.unpack("<f", struct.pack("<i", bits << 16))[0]
    real, integer = _LAYOUTS[dtype_name]
    return struct.unpack("<" + real, struct.pack("<" + integer, bits))[0]


_NEXTAFTER = register(Op(
    "nextafter", meta=elementwise_meta("nextafter"), promote=PROMOTE_DEFAULT,
    reference=lambda a, b, dtype_name: zip_elements(
        lambda x, y: _next_after(x, y, dtype_name), broadcast_shapes(a.shape, b.shape), a, b),
    doc="the next representable value after input in the direction of other."))


@public("nextafter")
def nextafter(input, other, *, out=None):
    common = dt.promote_types(input.dtype, other.dtype)
    if not common.is_floating_point:
        raise DTypeRuntimeError(f"nextafter: expected floating tensors, got {common.name}")
    return _maybe_out(dispatch(_NEXTAFTER, input, other, dtype_name=common.name), out)


# -- ternary
def _where_meta(condition, a, b):
    if condition.dtype not in (dt.bool_, dt.uint8):
        raise DTypeRuntimeError(f"where expected condition to be a boolean tensor, but got a "
                                f"tensor with dtype {condition.dtype.name}")
    shape = broadcast_shapes(condition._shape, a._shape, b._shape, op="where")
    return elementwise_meta("where")(a, b)._replace(shape=shape)


_WHERE = register(Op(
    "where", meta=_where_meta,
    reference=lambda c, a, b: zip_elements(lambda k, x, y: x if k else y,
                                           broadcast_shapes(c.shape, a.shape, b.shape), c, a, b),
    backward=lambda ctx, g: (None, g.where(ctx.inputs[0], g * 0), (g * 0).where(
        ctx.inputs[0], g)),
    extra={"promoted": (1, 2)},
    doc="input where condition else other. The unselected branch gets a zero gradient, even "
        "where it is NaN or inf."))


@public("where", method=False)
def where(condition, input=None, other=None, *, out=None):
    """where(condition, input, other) selects; where(condition) is nonzero(as_tuple=True)."""
    if input is None and other is None:
        return condition.nonzero(as_tuple=True)
    return _maybe_out(dispatch(_WHERE, condition, input, other), out)


METHODS["where"] = lambda self, condition, other: dispatch(_WHERE, condition, self, other)


def _lerp_scalar(start, end, weight):
    """start + weight * (end - start), from the nearer end for accuracy (PyTorch's form)."""
    if abs(weight) < 0.5:
        return start + weight * (end - start)
    return end - (end - start) * (1 - weight)


_LERP = register(Op(
    "lerp", meta=elementwise_meta("lerp"), promote=PROMOTE_DEFAULT,
    reference=lambda a, b, w: zip_elements(_lerp_scalar, broadcast_shapes(
        a.shape, b.shape, w.shape), a, b, w),
    backward=lambda ctx, g: (g * (1 - ctx.inputs[2]), g * ctx.inputs[2],
                             g * (ctx.inputs[1] - ctx.inputs[0])),
    doc="input + weight * (end - input)."))


@public("lerp")
def lerp(input, end, weight, *, out=None):
    return _maybe_out(dispatch(_LERP, input, end, weight), out)


METHODS["lerp_"] = lambda self, end, weight: dispatch_inplace(_LERP, self, end, weight)


def _addc(name, combine, grads, doc):
    op = register(Op(
        name, meta=elementwise_meta(name), promote=PROMOTE_DEFAULT,
        reference=lambda a, b, c, value: zip_elements(
            lambda x, y, z: x + value * combine(y, z),
            broadcast_shapes(a.shape, b.shape, c.shape), a, b, c),
        backward=grads, doc=doc))

    def function(input, tensor1, tensor2, *, value=1, out=None):
        if name == "addcdiv" and not any(t.dtype.is_floating_point
                                         for t in (input, tensor1, tensor2)):
            raise DTypeRuntimeError("addcdiv: Integer division with addcdiv is no longer "
                                    "supported; use torsh.addcmul(input, t1, 1 / t2) or floats")
        return _maybe_out(dispatch(op, input, tensor1, tensor2, value=value), out)
    function.__name__, function.__doc__ = name, doc
    PUBLIC[name] = METHODS[name] = function
    METHODS[name + "_"] = lambda self, t1, t2, *, value=1: dispatch_inplace(
        op, self, t1, t2, value=value)


_addc("addcmul", lambda y, z: y * z,
      lambda ctx, g: (g, g * ctx.value * ctx.inputs[2], g * ctx.value * ctx.inputs[1]),
      "input + value * tensor1 * tensor2.")
_addc("addcdiv", s.divide,
      lambda ctx, g: (g, g * ctx.value / ctx.inputs[2],
                      -g * ctx.value * ctx.inputs[1] / ctx.inputs[2] ** 2),
      "input + value * tensor1 / tensor2.")


# -- clamp: bounds may be numbers, tensors or absent
def _clamp_scalar(x, low, high):
    if low is not None:
        x = s.maximum(x, low) if isinstance(x, float) or isinstance(low, float) else max(x, low)
    if high is not None:
        x = s.minimum(x, high) if isinstance(x, float) or isinstance(high, float) else min(x, high)
    return x


def _clamp_reference(x, *bounds, has_min, has_max):
    bounds = list(bounds)
    low = bounds.pop(0) if has_min else None
    high = bounds.pop(0) if has_max else None
    present = [b for b in (low, high) if b is not None]
    shape = broadcast_shapes(x.shape, *(b.shape for b in present))

    def one(v, *b):
        b = list(b)
        return _clamp_scalar(v, b.pop(0) if has_min else None, b.pop(0) if has_max else None)
    return zip_elements(one, shape, x, *present)


def _clamp_grad(ctx, g):
    x, *bounds = ctx.inputs
    keep = g.new_ones(()).bool()
    grads = []
    if ctx.has_min:
        low = bounds.pop(0)
        keep = keep & (x >= low)
        grads.append(g.where(x < low, g * 0))
    if ctx.has_max:
        high = bounds.pop(0)
        keep = keep & (x <= high)
        grads.append(g.where(x > high, g * 0))
    return (g.where(keep, g * 0), *grads)


_CLAMP = register(Op(
    "clamp", meta=elementwise_meta("clamp"), promote=PROMOTE_DEFAULT,
    reference=_clamp_reference, backward=_clamp_grad,
    doc="min(max(input, min), max); a NaN input or bound gives NaN. The gradient passes where "
        "min <= input <= max (bounds included)."))


@public("clamp", "clip")
def clamp(input, min=None, max=None, *, out=None):
    if min is None and max is None:
        raise InvalidArgumentRuntime("torsh.clamp: At least one of 'min' or 'max' must not be "
                                     "None")
    bounds = [b for b in (min, max) if b is not None]
    return _maybe_out(dispatch(_CLAMP, input, *bounds, has_min=min is not None,
                               has_max=max is not None), out)


def _clamp_(self, min=None, max=None):
    bounds = [b for b in (min, max) if b is not None]
    return dispatch_inplace(_CLAMP, self, *bounds, has_min=min is not None,
                            has_max=max is not None)


METHODS["clamp_"] = METHODS["clip_"] = _clamp_


@public("clamp_min")
def clamp_min(input, min):
    return clamp(input, min=min)


@public("clamp_max")
def clamp_max(input, max):
    return clamp(input, max=max)


METHODS["clamp_min_"] = lambda self, min: _clamp_(self, min=min)
METHODS["clamp_max_"] = lambda self, max: _clamp_(self, max=max)


# -- closeness
@public("isclose")
def isclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    """|input - other| <= atol + rtol * |other|; equal infinities are close; NaN only with
    equal_nan."""
    if input.dtype is not other.dtype:
        raise DTypeRuntimeError(f"isclose: {input.dtype.name} did not match {other.dtype.name}")
    return dispatch(_ISCLOSE, input, other, rtol=rtol, atol=atol, equal_nan=equal_nan)


def _close(x, y, rtol, atol, equal_nan):
    if x == y:
        return True
    if x != x or y != y:
        return equal_nan and x != x and y != y
    if math.isinf(x) or math.isinf(y):
        return False
    return abs(x - y) <= atol + rtol * abs(y)


_ISCLOSE = register(Op(
    "isclose", meta=elementwise_meta("isclose", dt.bool_), promote=PROMOTE_DEFAULT,
    reference=lambda a, b, **p: zip_elements(lambda x, y: _close(x, y, **p),
                                             broadcast_shapes(a.shape, b.shape), a, b),
    doc=isclose.__doc__))


@public("allclose")
def allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False) -> bool:
    return bool(isclose(input, other, rtol, atol, equal_nan).all())


@public("equal")
def equal(input, other) -> bool:
    """True when both have the same shape and the same elements (NaN is unequal)."""
    return tuple(input.shape) == tuple(other.shape) and bool((input == other).all())

