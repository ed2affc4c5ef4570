"""Ternary elementwise ops: where, lerp, addcmul, addcdiv and clamp, with broadcasting.

out[i] = f(a[i], b[i], c[i]) over the three inputs broadcast together. Each declaration says
how the dtypes combine, what happens at special values and the gradient for every input.
"""
from __future__ import annotations

import math

from .._core import dtype as dt
from .._core.errors import DTypeNotImplemented, DTypeRuntimeError, InvalidArgumentRuntime
from .._core.shape import broadcast_shapes
from ..dispatch import dispatch, dispatch_inplace
from . import _scalar as s
from ._array import zip_elements
from ._elementwise_base import FLOATING, NOT_BOOL, PROMOTE_DEFAULT, _maybe_out, elementwise_meta
from ._op import METHODS, PUBLIC, Op, public, register
from .binary import _ab, common_dtype


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


def _lerp_meta(start, end, weight):
    for name, t in (("end", end), ("weight", weight)):
        if t.dtype is not start.dtype and not t._wrapped_number:
            raise DTypeRuntimeError(f"lerp: expected dtype {start.dtype.name} for `{name}` but "
                                    f"got dtype {t.dtype.name}")
    return elementwise_meta("lerp", accepts=FLOATING)(start, end, weight)


_LERP = register(Op(
    "lerp", meta=_lerp_meta, promote=None,
    reference=lambda a, b, w: zip_elements(s.lerp, broadcast_shapes(
        a.shape, b.shape, w.shape), a, b, w),
    backward=lambda ctx, g: (g * (1 - _ab(ctx)[2]), g * _ab(ctx)[2],
                             g * (_ab(ctx)[1] - _ab(ctx)[0])),
    doc="input + weight * (end - input), computed from the nearer end when |weight| >= 0.5 "
        "(end - (end - input) * (1 - weight)), as PyTorch does. Floating dtypes only; input, "
        "end and a tensor weight must share one dtype (no promotion)."))


@public("lerp")
def lerp(input, end, weight, *, out=None):
    return _maybe_out(dispatch(_LERP, input, end, _lerp_weight(input, weight)), out)


def _lerp_weight(input, weight):
    from ..dispatch import scalar_tensor
    return weight if hasattr(weight, "dtype") else scalar_tensor(float(weight), input.dtype)


METHODS["lerp_"] = lambda self, end, weight: dispatch_inplace(_LERP, self, end,
                                                              _lerp_weight(self, weight))


def _addc(name, combine, grads, doc):
    op = register(Op(
        name, meta=elementwise_meta(name, accepts=NOT_BOOL), promote=PROMOTE_DEFAULT,
        reference=lambda a, b, c, value: zip_elements(
            lambda x, y, z: combine(x, y, z, value),
            broadcast_shapes(a.shape, b.shape, c.shape), a, b, c),
        backward=grads, doc=doc))

    def prepare(input, tensor1, tensor2, value):
        if name == "addcdiv" and not (tensor1.dtype.is_floating_point or
                                      tensor2.dtype.is_floating_point):
            raise DTypeRuntimeError("addcdiv: Integer division with addcdiv is no longer "
                                    "supported; use torsh.addcmul(input, t1, 1 / t2) or floats")
        return value if common_dtype(input, tensor1, tensor2).is_floating_point else int(value)

    def function(input, tensor1, tensor2, *, value=1, out=None):
        value = prepare(input, tensor1, tensor2, value)
        return _maybe_out(dispatch(op, input, tensor1, tensor2, value=value), out)

    def inplace(self, tensor1, tensor2, *, value=1):
        value = prepare(self, tensor1, tensor2, value)
        return dispatch_inplace(op, self, tensor1, tensor2, value=value)
    function.__name__, function.__doc__ = name, doc
    inplace.__name__ = name + "_"
    PUBLIC[name] = METHODS[name] = function
    METHODS[name + "_"] = inplace


_addc("addcmul", lambda x, y, z, value: s.add_scaled(x, z, value * y),
      lambda ctx, g: (g, g * ctx.value * _ab(ctx)[2], g * ctx.value * _ab(ctx)[1]),
      "input + value * tensor1 * tensor2, as PyTorch's fma(value * tensor1, tensor2, input) "
      "(one rounding after value * tensor1). For an integer result a float value is truncated "
      "to an integer first (PyTorch's behaviour: addcmul(int, ..., value=0.5) adds nothing). "
      "Bool raises.")
_addc("addcdiv", lambda x, y, z, value: x + value * s.divide(y, z),
      lambda ctx, g: (g, g * (ctx.value / _ab(ctx)[2]),
                      -g * (ctx.value * _ab(ctx)[1] / (_ab(ctx)[2] * _ab(ctx)[2]))),
      "input + value * tensor1 / tensor2; x / 0 follows division (±inf, NaN). Raises when "
      "tensor1 and tensor2 are both integer tensors.")


# -- clamp: bounds may be numbers, tensors or absent
def _clamp_scalar(x, low, high):
    """NaN in x or a bound gives NaN; on a tie x itself is kept (clamp(-0.0, min=0.0) = -0.0)."""
    for bound in (low, high):
        if bound is not None and bound != bound:
            return bound
    if low is not None and x < low:
        x = low
    if high is not None and x > high:
        x = high
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
    """input: g where min <= input <= max. A tensor min gets g where input < min, a tensor max
    where input > max; with both, min < max decides which one the output is (PyTorch's rule:
    when min > max the output is max, so min gets nothing and max gets all of g)."""
    x, *bounds = _ab(ctx)
    low = bounds.pop(0) if ctx.has_min else None
    high = bounds.pop(0) if ctx.has_max else None
    keep = g.new_ones(()).bool()
    grads = []
    if low is not None:
        keep = keep & (x >= low)
        below = x < low if high is None else (x < low) & (low < high)
        grads.append(g.where(below, g * 0))
    if high is not None:
        keep = keep & (x <= high)
        above = x > high if low is None else (x > high) | (high < low)
        grads.append(g.where(above, g * 0))
    return (g.where(keep, g * 0), *grads)


_CLAMP = register(Op(
    "clamp", meta=elementwise_meta("clamp"), promote=PROMOTE_DEFAULT,
    reference=_clamp_reference, backward=_clamp_grad,
    doc="min(max(input, min), max) (so max wins where min > max); a NaN input or bound gives "
        "NaN. The gradient passes where min <= input <= max (bounds included). Bounds are both "
        "numbers or both tensors; a bool result is refused except with one tensor bound (as "
        "PyTorch, whose clamp_min/clamp_max kernels serve that case)."))


def _clamp_bounds(name, input, min, max):
    """The present bounds; a Python bound must fit the result dtype (PyTorch's overflow check)."""
    if min is None and max is None:
        raise InvalidArgumentRuntime(f"torsh.{name}: At least one of 'min' or 'max' must not be "
                                     f"None")
    bounds = [b for b in (min, max) if b is not None]
    tensors = [hasattr(b, "dtype") for b in bounds]
    if len(bounds) == 2 and tensors[0] != tensors[1]:
        raise TypeError(f"{name}() received an invalid combination of arguments: min and max "
                        f"must both be numbers or both be tensors, got "
                        f"{type(min).__name__} and {type(max).__name__}")
    common = common_dtype(input, *bounds)
    if common is dt.bool_ and (len(bounds) == 2 or not tensors[0]):
        kernel = "clamp" if len(bounds) == 2 else "clamp_min" if max is None else "clamp_max"
        kernel += "" if tensors[0] else "_scalar"
        raise DTypeNotImplemented(f"{name}: \"{kernel}_cpu\" not implemented for 'Bool'")
    for bound in bounds:
        if not hasattr(bound, "dtype") and not _fits(bound, common):
            raise InvalidArgumentRuntime(f"{name}: value {bound} cannot be converted to type "
                                         f"{common.name} without overflow")
    return bounds


def _fits(value, dtype) -> bool:
    if dtype.is_floating_point:
        return value != value or math.isinf(value) or abs(value) <= dt.finfo(dtype).max
    info = dt.iinfo(dtype)
    return info.min <= value <= info.max


@public("clamp", "clip")
def clamp(input, min=None, max=None, *, out=None):
    bounds = _clamp_bounds("clamp", input, min, max)
    return _maybe_out(dispatch(_CLAMP, input, *bounds, has_min=min is not None,
                               has_max=max is not None), out)


def _clamp_(self, min=None, max=None):
    bounds = _clamp_bounds("clamp_", self, min, max)
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
