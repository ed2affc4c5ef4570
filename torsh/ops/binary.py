"""Binary elementwise ops with broadcasting: out[i] = f(a[i], b[i]) (ternary ones: ternary.py).

Each line declares the op, its scalar function, what it means at special values and its
gradient with respect to each input. Operators (`+`, `<`, `&`, ...) map onto these in
`torsh/ops/operators.py`.
"""
from __future__ import annotations

import math

from .._core import dtype as dt
from .._core.errors import DTypeRuntimeError, InvalidArgumentRuntime
from .._core.shape import broadcast_shapes
from ..dispatch import dispatch, dispatch_inplace
from ..tensor import Tensor
from . import _scalar as s
from ._array import zip_elements
from ._elementwise_base import (FLOATING, INTEGRAL, INTEGRAL_OR_BOOL, NOT_BOOL,
                                PROMOTE_ALWAYS_BOOL, PROMOTE_DEFAULT, PROMOTE_INT_TO_FLOAT,
                                _maybe_out, binary, elementwise_meta, require_tensor)
from ._op import METHODS, Op, public, register


_lerp_scalar = s.lerp   # statistics.py's quantile interpolates with it


def _ab(ctx):
    """The saved (promoted) inputs; a wrapped Python number is handed back as a plain 0-d
    tensor, so that backward formulas compute with it in its promoted dtype."""
    return tuple(t.detach() if t._wrapped_number else t for t in ctx.inputs)


def common_dtype(*operands) -> dt.dtype:
    """The promoted dtype of tensors and Python numbers (torsh.result_type for any count)."""
    return dt.result_type_of([
        dt.Operand(x.dtype, 2 if x.ndim else 1) if isinstance(x, Tensor)
        else dt.Operand(dt.scalar_dtype(x), 0) for x in operands])


def _check_alpha(a, b, alpha, name):
    """PyTorch refuses a float alpha for an integer result and a bool alpha for a non-bool one."""
    if type(alpha) is int:          # the common case, never refused
        return
    common = common_dtype(a, b)
    if isinstance(alpha, float) and not common.is_floating_point:
        raise DTypeRuntimeError(f"{name}: For integral input tensors, argument alpha must not "
                                f"be a floating point number.")
    if isinstance(alpha, bool) and common is not dt.bool_:
        raise DTypeRuntimeError(f"{name}: Boolean alpha only supported for Boolean results.")


_SUB_BOOL = ("Subtraction, the `-` operator, with a bool tensor is not supported. If you are "
             "trying to invert a mask, use the `~` or `logical_not()` operator instead.")
_SUB_TWO_BOOLS = ("Subtraction, the `-` operator, with two bool tensors is not supported. Use "
                  "the `^` or `logical_xor()` operator instead.")


def _check_sub(name, a, b):
    """sub refuses bool operands before promotion: `int_tensor - True` raises too."""
    bools = [isinstance(x, bool) or getattr(x, "dtype", None) is dt.bool_ for x in (a, b)]
    if all(bools):
        raise DTypeRuntimeError(f"{name}: {_SUB_TWO_BOOLS}")
    if any(bools):
        raise DTypeRuntimeError(f"{name}: {_SUB_BOOL}")


# -- arithmetic
_ADD = binary("add", s.add_scaled,
              "input + alpha * other, rounded once (PyTorch fuses the product into an fma); "
              "bool + bool is logical or; integers wrap.",
              grad=lambda ctx, g: (g, g * ctx.alpha if ctx.alpha != 1 else g),
              saves_inputs=False, defaults={"alpha": 1})
_SUB = binary("sub", lambda x, y, alpha: s.add_scaled(x, y, -alpha),
              "input - alpha * other, rounded once; integers wrap (uint8 0 - 1 = 255); "
              "refuses bool operands, even a Python True.",
              grad=lambda ctx, g: (g, -g * ctx.alpha if ctx.alpha != 1 else -g),
              saves_inputs=False, defaults={"alpha": 1}, aliases=("subtract",))
binary("mul", lambda x, y: x * y, "input * other; bool * bool is logical and.",
       grad=lambda ctx, g: (g * _ab(ctx)[1], g * _ab(ctx)[0]), aliases=("multiply",))
_DIV = binary("div", s.divide, "input / other in floating point; x/0 = ±inf, 0/0 = NaN. The "
              "gradient for other is -g * ((input / other) / other), PyTorch's order, which "
              "stays finite where other ** 2 would overflow.",
              grad=lambda ctx, g: (g / _ab(ctx)[1], -g * ((_ab(ctx)[0] / _ab(ctx)[1]) /
                                                          _ab(ctx)[1])),
              promote=PROMOTE_INT_TO_FLOAT, aliases=("true_divide", "divide"))
_FLOOR_DIV = binary("floor_divide", s.floor_divide,
                    "floor(input / other) as PyTorch's div_floor: inf // 1 = NaN, x // 0 = x / 0 "
                    "for floats; integer division by zero raises RuntimeError; bool raises.",
                    grad=lambda ctx, g: (g * 0, g * 0), accepts=NOT_BOOL)
_TRUNC_DIV = binary("trunc_divide", s.trunc_divide,
                    "input / other rounded toward zero; integer division by zero raises.",
                    grad=lambda ctx, g: (g * 0, g * 0), accepts=NOT_BOOL, inplace=False)
binary("remainder", s.remainder,
       "input - floor(input / other) * other, the sign of other: fmod(input, other), plus other "
       "where their signs differ; remainder(0.0, -1) = 0.0, remainder(-1, inf) = inf; "
       "integer division by zero raises. A subnormal divisor is used as is, as in PyTorch's "
       "scalar path (its vectorised float32/bfloat16 path, on long inputs, flushes it to 0 and "
       "gives NaN).",
       grad=lambda ctx, g: (g, -g * _ab(ctx)[0].floor_divide(_ab(ctx)[1])), accepts=NOT_BOOL)
binary("fmod", s.fmod, "C's fmod: input - trunc(input / other) * other, the sign of input; "
       "fmod(x, 0.0) = NaN, integer division by zero raises; a subnormal divisor is used as is "
       "(as remainder).",
       grad=lambda ctx, g: (g, -g * _ab(ctx)[0].trunc_divide(_ab(ctx)[1])), accepts=NOT_BOOL)


def _pow_scalar(x, y):
    if isinstance(x, int) and isinstance(y, int):
        return s.int_pow(x, y)
    return s.float_pow(float(x), float(y))


def _pow_grad(ctx, g):
    a, b = _ab(ctx)
    grad_a = grad_b = None
    if ctx.needs_input_grad[0]:
        grad_a = (g * b * a ** (b - 1)).masked_fill(b == 0, 0.0)
    if ctx.needs_input_grad[1]:
        grad_b = (g * ctx.output * a.log()).masked_fill((a == 0) & (b >= 0), 0.0)
    return grad_a, grad_b


_POW = register(Op("pow", meta=elementwise_meta("pow", accepts=NOT_BOOL), promote=PROMOTE_DEFAULT,
                   reference=lambda a, b: zip_elements(_pow_scalar, broadcast_shapes(
                       a.shape, b.shape), a, b),
                   backward=_pow_grad, saves_output=True,
                   doc="input ** exponent, C's pow for floats: pow(±0, negative) = ±inf, "
                       "pow(x < 0, non-integer) = NaN, pow(x, 0) = pow(1, y) = 1 even for NaN. "
                       "Integers wrap; an integer tensor exponent < 0 gives 0 (1 for base 1, ±1 "
                       "for base -1), while a negative Python int exponent raises. Bool tensors "
                       "raise, except `bool_tensor ** True` (a copy) and `** False` (all "
                       "True), as in PyTorch."))


def _check_pow(input, exponent, name):
    integral = hasattr(input, "dtype") and not input.dtype.is_floating_point
    if integral and isinstance(exponent, int) and not isinstance(exponent, bool) \
            and exponent < 0:
        raise InvalidArgumentRuntime(f"{name}: Integers to negative integer powers are not "
                                     f"allowed.")


def _bool_by_bool(input, exponent) -> bool:
    """PyTorch answers a Python exponent of 1 (a copy) or 0 (all ones) before it looks for a
    pow kernel, so `bool_tensor ** True` and `** False` work where a bool pow does not."""
    return isinstance(exponent, bool) and getattr(input, "dtype", None) is dt.bool_


@public("pow")
def pow(input, exponent, *, out=None):
    _check_pow(input, exponent, "pow")
    if _bool_by_bool(input, exponent):
        return _maybe_out(input.clone() if exponent else input.new_ones(input.shape), out)
    return _maybe_out(dispatch(_POW, input, exponent), out)


def _pow_(self, exponent):
    _check_pow(self, exponent, "pow_")
    if _bool_by_bool(self, exponent):
        return self if exponent else self.fill_(True)
    return dispatch_inplace(_POW, self, exponent)


@public("float_power")
def float_power(input, exponent, *, out=None):
    """input ** exponent computed and returned in float64."""
    cast = [x.to(dt.float64) if hasattr(x, "to") else float(x) for x in (input, exponent)]
    return _maybe_out(dispatch(_POW, *cast), out)


def _float_power_(self, exponent):
    if self.dtype is not dt.float64:
        raise DTypeRuntimeError(f"float_power_: the base given to float_power_ has dtype "
                                f"{self.dtype.name} but the operation's result requires dtype "
                                f"float64")
    return dispatch_inplace(_POW, self, exponent if hasattr(exponent, "dtype")
                            else float(exponent))


METHODS["pow_"] = _pow_
METHODS["float_power_"] = _float_power_


@public("div", "divide", "true_divide")
def div(input, other, *, rounding_mode=None, out=None):
    """input / other; rounding_mode None (true division), 'trunc' or 'floor'."""
    return _maybe_out(dispatch(_division_op(rounding_mode), input, other), out)


def _division_op(rounding_mode):
    ops = {None: _DIV, "trunc": _TRUNC_DIV, "floor": _FLOOR_DIV}
    if rounding_mode not in ops:
        raise InvalidArgumentRuntime(f"div expected rounding_mode to be one of None, 'trunc', "
                                     f"or 'floor' but found '{rounding_mode}'")
    return ops[rounding_mode]


def _div_(self, other, *, rounding_mode=None):
    return dispatch_inplace(_division_op(rounding_mode), self, other)


METHODS["div_"] = METHODS["divide_"] = METHODS["true_divide_"] = _div_


@public("add")
def add(input, other, *, alpha=1, out=None):
    if type(alpha) is not int:
        _check_alpha(input, other, alpha, "add")
    result = dispatch(_ADD, input, other, alpha=alpha)
    return result if out is None else _maybe_out(result, out)


@public("sub", "subtract")
def sub(input, other, *, alpha=1, out=None):
    _check_sub("sub", input, other)
    _check_alpha(input, other, alpha, "sub")
    return _maybe_out(dispatch(_SUB, input, other, alpha=alpha), out)


@public("rsub")
def rsub(input, other, *, alpha=1):
    """other - alpha * input."""
    _check_sub("rsub", input, other)
    _check_alpha(input, other, alpha, "rsub")
    return dispatch(_SUB, other, input, alpha=alpha)


def _add_(self, other, *, alpha=1):
    _check_alpha(self, other, alpha, "add_")
    return dispatch_inplace(_ADD, self, other, alpha=alpha)


def _sub_(self, other, *, alpha=1):
    _check_sub("sub_", self, other)
    _check_alpha(self, other, alpha, "sub_")
    return dispatch_inplace(_SUB, self, other, alpha=alpha)


METHODS["add_"] = _add_
METHODS["sub_"] = METHODS["subtract_"] = _sub_


# -- comparisons (computed in the promoted dtype, answered in bool)
def _compare_(op, name, self, other):
    """`x.lt_(y)`: 0/1 written in x's dtype. When x or y is tracked by autograd, x stays in
    the graph with a zero gradient for both (PyTorch's formula for in-place comparisons)."""
    from ..autograd.grad_mode import is_grad_enabled
    from ..dispatch import check_inplace_target, write_into
    tracked = [t for t in (self, other) if isinstance(t, Tensor) and t.requires_grad]
    if not (tracked and is_grad_enabled() and self.dtype.is_floating_point):
        return dispatch_inplace(op, self, other)
    check_inplace_target(self, name)
    value = dispatch(op, self, other).to(self.dtype)
    for t in tracked:   # adds zeros that carry t's history (masked_fill, so inf * 0 is no NaN)
        value = value + t.masked_fill(t.new_ones(()).bool(), 0.0)
    write_into(self, value, name)
    return self


def _comparison_method(op, name):
    def method(self, other):
        return _compare_(op, name, self, other)
    method.__name__ = name
    return method


for _name, _fn, _doc, _alias in (
        ("eq", lambda x, y: x == y, "input == other; NaN equals nothing.", None),
        ("ne", lambda x, y: x != y, "input != other; NaN differs from everything.", "not_equal"),
        ("lt", lambda x, y: x < y, "input < other.", "less"),
        ("le", lambda x, y: x <= y, "input <= other.", "less_equal"),
        ("gt", lambda x, y: x > y, "input > other.", "greater"),
        ("ge", lambda x, y: x >= y, "input >= other.", "greater_equal")):
    _aliases = (_alias,) if _alias else ()
    _op = binary(_name, _fn, _doc, promote=PROMOTE_ALWAYS_BOOL, out_dtype=dt.bool_,
                 aliases=_aliases)
    for _method in (_name,) + _aliases:
        METHODS[_method + "_"] = _comparison_method(_op, _method + "_")


# -- extrema
binary("maximum", s.maximum, "larger of the two; NaN if either is NaN; on a tie other "
       "(so maximum(0.0, -0.0) = -0.0, as PyTorch's vectorised kernel gives from 16 float32 / 8 "
       "float64 / 32 half elements on; its scalar path, used for shorter or broadcast inputs, "
       "picks input). The gradient goes to the larger, half to each on a tie, all of it to both "
       "where one is NaN. Both arguments must be tensors.",
       grad=lambda ctx, g: _select_grad(g, *_ab(ctx), lambda a, b: a < b), tensor_only=True,
       inplace=False)
binary("minimum", s.minimum, "smaller of the two; NaN if either is NaN; on a tie other "
       "(PyTorch's vectorised path, as for maximum); the gradient as maximum's.",
       grad=lambda ctx, g: _select_grad(g, *_ab(ctx), lambda a, b: a > b), tensor_only=True,
       inplace=False)
binary("fmax", s.fmax, "larger of the two, ignoring a NaN operand; on a tie input.",
       grad=lambda ctx, g: _fselect_grad(g, *_ab(ctx), lambda a, b: a >= b), tensor_only=True,
       inplace=False)
binary("fmin", s.fmin, "smaller of the two, ignoring a NaN operand; on a tie input.",
       grad=lambda ctx, g: _fselect_grad(g, *_ab(ctx), lambda a, b: a <= b), tensor_only=True,
       inplace=False)


def _select_grad(g, a, b, loses):
    """Gradient of max/min (PyTorch's rule): g, halved on a tie, and 0 where the input loses.

    A NaN neither ties nor loses, so both inputs receive all of g where either is NaN.
    """
    shared = g.where(a != b, g / 2)
    return shared.masked_fill(loses(a, b), 0.0), shared.masked_fill(loses(b, a), 0.0)


def _fselect_grad(g, a, b, keeps_a):
    """Gradient of fmax/fmin: all to a where a wins or b is NaN, else all to b."""
    to_a = keeps_a(a, b) | b.isnan()
    return g.where(to_a, g * 0), g.where(~to_a, g * 0)


# -- logical and bitwise
binary("logical_and", lambda x, y: bool(x) and bool(y), "both nonzero (NaN counts as nonzero).",
       out_dtype=dt.bool_, tensor_only=True)
binary("logical_or", lambda x, y: bool(x) or bool(y), "either nonzero.", out_dtype=dt.bool_,
       tensor_only=True)
binary("logical_xor", lambda x, y: bool(x) != bool(y), "exactly one nonzero.",
       out_dtype=dt.bool_, tensor_only=True)
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
       "x << n, wrapping to the width; shifts of n < 0 or n >= width give 0. Integers only.",
       accepts=INTEGRAL)
binary("bitwise_right_shift", _shift_right,
       "x >> n, arithmetic for signed types; shifts of n < 0 or n >= width give 0 or -1 (the "
       "sign). Integers only.", accepts=INTEGRAL)

# -- float functions of two arguments
binary("atan2", s.atan2, "the angle of (other, input): atan(input / other) in the right quadrant.",
       grad=lambda ctx, g: _atan2_grad(g, *_ab(ctx)), promote=PROMOTE_INT_TO_FLOAT,
       aliases=("arctan2",), tensor_only=True)
binary("hypot", s.hypot, "sqrt(a^2 + b^2) without overflow; inf if either is inf (even with "
       "NaN). Floating dtypes only: integer tensors raise, they are not promoted.",
       grad=lambda ctx, g: (g * _ab(ctx)[0] / ctx.output, g * _ab(ctx)[1] / ctx.output),
       saves_output=True, accepts=FLOATING, tensor_only=True)
binary("logaddexp", s.logaddexp, "log(e^a + e^b), computed without overflow. Floating only. "
       "Gradient g / (1 + e^(b - a)) for a (PyTorch's form: finite where a or b is infinite).",
       grad=lambda ctx, g: (g / ((_ab(ctx)[1] - _ab(ctx)[0]).exp() + 1),
                            g / ((_ab(ctx)[0] - _ab(ctx)[1]).exp() + 1)),
       accepts=FLOATING, tensor_only=True, inplace=False)
binary("logaddexp2", s.logaddexp2, "log2(2^a + 2^b), computed without overflow. Floating only. "
       "Gradient g / (1 + 2^(b - a)) for a.",
       grad=lambda ctx, g: (g / ((_ab(ctx)[1] - _ab(ctx)[0]).exp2() + 1),
                            g / ((_ab(ctx)[0] - _ab(ctx)[1]).exp2() + 1)),
       accepts=FLOATING, tensor_only=True, inplace=False)
binary("xlogy", s.xlogy, "x * log(y), and 0 where x == 0 (unless y is NaN).",
       grad=lambda ctx, g: _xlogy_grad(g, *_ab(ctx)), promote=PROMOTE_INT_TO_FLOAT)
binary("copysign", s.copysign, "|input| with the sign of other (-0.0 counts as negative).",
       grad=lambda ctx, g: _copysign_grad(g, _ab(ctx)[0], ctx.output),
       promote=PROMOTE_INT_TO_FLOAT, saves_output=True)


def _atan2_grad(g, a, b):
    """(g * b, -g * a) / (a^2 + b^2), with 1 / (a^2 + b^2) taken as 0 where it is infinite
    (at the origin), as PyTorch does: the gradient at atan2(0, 0) is 0, not NaN."""
    recip = (a * a + b * b).reciprocal()
    recip = recip.masked_fill(recip.isinf(), 0.0)
    return g * b * recip, g * -a * recip


def _xlogy_grad(g, x, y):
    """d/dx = log y (also at x = 0, where y > 0), but 0 where x == 0 and y <= 0 (PyTorch)."""
    grad_x = g.xlogy(y).masked_fill((x == 0) & (y <= 0), 0.0)
    return grad_x, g * x / y


def _copysign_grad(g, a, out):
    ratio = (out / a).masked_fill(a == 0, 0.0)
    return g * ratio, g * 0


@public("heaviside")
def heaviside(input, values, *, out=None):
    """0 where input < 0, values where input == 0, 1 where input > 0; heaviside(NaN) = 0.

    PyTorch computes `input == 0 ? values : input > 0`, so NaN, which is neither, gives 0.
    Both arguments must be tensors of one dtype.
    """
    _check_heaviside(input, values)
    return _maybe_out(dispatch(_HEAVISIDE, input, values), out)


def _check_heaviside(input, values):
    require_tensor("heaviside", input, "input", 1)
    require_tensor("heaviside", values, "values")
    if input.dtype is not values.dtype:
        raise DTypeRuntimeError(f"heaviside is not yet implemented for tensors with different "
                                f"dtypes ({input.dtype.name} and {values.dtype.name})")


def _heaviside_(self, values):
    _check_heaviside(self, values)
    return dispatch_inplace(_HEAVISIDE, self, values)


_HEAVISIDE = register(Op("heaviside", meta=elementwise_meta("heaviside"),
                         reference=lambda a, b: zip_elements(s.heaviside, broadcast_shapes(
                             a.shape, b.shape), a, b), doc=heaviside.__doc__))


_NEXTAFTER = register(Op(
    "nextafter", meta=elementwise_meta("nextafter", accepts=FLOATING), promote=PROMOTE_DEFAULT,
    reference=lambda a, b, dtype_name: zip_elements(
        lambda x, y: s.next_after(x, y, dtype_name), broadcast_shapes(a.shape, b.shape), a, b),
    doc="the next value of the promoted dtype after input in the direction of other; "
        "nextafter(0, 1) is that dtype's smallest subnormal, nextafter(x, x) = x, NaN gives NaN. "
        "Floating dtypes only. Its gradient, as PyTorch's, passes g to input where input != "
        "other (0 where they are equal) and 0 to other.",
    backward=lambda ctx, g: (g.where(ctx.inputs[0] != ctx.inputs[1], g * 0), g * 0)))


@public("nextafter")
def nextafter(input, other, *, out=None):
    from ..dispatch import promoted_dtype
    require_tensor("nextafter", input, "input", 1)
    require_tensor("nextafter", other)
    common = promoted_dtype(_NEXTAFTER, [input, other])
    return _maybe_out(dispatch(_NEXTAFTER, input, other, dtype_name=common.name), out)


def _nextafter_(self, other):
    from ..dispatch import promoted_dtype
    require_tensor("nextafter_", other)
    common = promoted_dtype(_NEXTAFTER, [self, other])
    return dispatch_inplace(_NEXTAFTER, self, other, dtype_name=common.name)


METHODS["heaviside_"] = _heaviside_
METHODS["nextafter_"] = _nextafter_


# -- closeness
@public("isclose")
def isclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    """|input - other| <= atol + rtol * |other|; equal infinities are close; NaN only with
    equal_nan."""
    require_tensor("isclose", input, "input", 1)
    require_tensor("isclose", other)
    if input.dtype is not other.dtype:
        raise DTypeRuntimeError(f"isclose: {input.dtype.name} did not match {other.dtype.name}")
    for name, tolerance in (("rtol", rtol), ("atol", atol)):
        if tolerance < 0:
            raise InvalidArgumentRuntime(f"isclose: {name} must be greater than or equal to "
                                         f"zero, but got {tolerance}")
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

