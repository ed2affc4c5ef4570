"""How elementwise ops are declared: one line of table per op, built into an `Op` here.

`unary(name, fn, grad=...)` and `binary(name, fn, grad=...)` make an op whose reference maps
(or zips, after broadcasting) the scalar function `fn` over the elements, whose meta
broadcasts shapes and checks dtypes, and whose public forms are `torsh.NAME(...)`,
`Tensor.NAME(...)` and the in-place `Tensor.NAME_(...)`.

A `grad` receives (ctx, g): ctx.inputs are the promoted inputs, ctx.output the result (when
`saves_output`), and ctx.params the keyword parameters. It returns one gradient per input,
shaped like the output: the engine sums away broadcast dims.
"""
from __future__ import annotations

from .._core import dtype as dt
from .._core.errors import DTypeRuntimeError
from .._core.shape import broadcast_shapes
from ..dispatch import dispatch, dispatch_inplace
from ._array import map_elements, zip_elements
from ._op import (METHODS, PROMOTE_ALWAYS_BOOL, PROMOTE_DEFAULT, PROMOTE_INT_TO_FLOAT, PUBLIC,
                  Op, Out, register)

INTEGRAL_OR_BOOL = "integral_or_bool"
NOT_BOOL = "not_bool"
FLOATING = "floating"


def check_dtypes(name: str, inputs, rule: str | None) -> None:
    """Reject dtypes an op does not take, with PyTorch's wording."""
    for t in inputs:
        if rule == INTEGRAL_OR_BOOL and t.dtype.is_floating_point:
            raise DTypeRuntimeError(f"{name}: expected integral or bool tensors, got "
                                    f"{t.dtype.name} (\"{name}_cpu\" not implemented for "
                                    f"'{t.dtype.name}')")
        if rule == NOT_BOOL and t.dtype is dt.bool_:
            raise DTypeRuntimeError(f"{name}: the operation is not supported on bool tensors; "
                                    f"use logical_not() or cast to an integer type first")


def elementwise_meta(name: str, out_dtype: dt.dtype | None = None, accepts: str | None = None):
    """Outputs broadcast over all inputs; dtype is the (promoted) input dtype or `out_dtype`."""
    def meta(*inputs, **params):
        check_dtypes(name, inputs, accepts)
        shape = broadcast_shapes(*(t._shape for t in inputs), op=name)
        return Out(shape, out_dtype or inputs[0].dtype)
    return meta


def _export(op: Op, function, inplace: bool, aliases=(), defaults=None) -> None:
    function.__name__ = op.name
    function.__doc__ = op.doc
    for name in (op.name,) + tuple(aliases):
        PUBLIC[name] = METHODS[name] = function
        if inplace:
            METHODS[name + "_"] = _inplace_method(op, defaults or {})


def _inplace_method(op: Op, defaults: dict):
    def method(self, *args, **params):
        return dispatch_inplace(op, self, *args, **{**defaults, **params})
    method.__name__ = op.name + "_"
    return method


def unary(name: str, fn, doc: str, grad=None, promote=PROMOTE_INT_TO_FLOAT,
          saves_output: bool = False, accepts: str | None = None, out_dtype=None,
          aliases=(), inplace: bool = True, bool_as: dt.dtype | None = None) -> Op:
    """Declare `name(x)[i] = fn(x[i])`; `bool_as` casts bool inputs first (square: int64)."""
    if out_dtype is dt.bool_:
        promote = PROMOTE_DEFAULT
    op = register(Op(name, meta=elementwise_meta(name, out_dtype, accepts),
                     reference=lambda a: map_elements(fn, a), backward=grad, promote=promote,
                     saves_output=saves_output, doc=doc))

    def function(input, *, out=None):
        if bool_as is not None and input.dtype is dt.bool_:
            input = input.to(bool_as)
        return _maybe_out(dispatch(op, input), out)
    _export(op, function, inplace and out_dtype is None, aliases)
    return op


def binary(name: str, fn, doc: str, grad=None, promote=PROMOTE_DEFAULT,
           saves_output: bool = False, saves_inputs: bool = True, accepts: str | None = None,
           out_dtype=None, aliases=(), inplace: bool = True, defaults: dict | None = None) -> Op:
    """Declare `name(a, b)[i] = fn(a[i], b[i], **params)`, with a and b broadcast together.

    `defaults` lists keyword parameters (alpha=1, ...) that the function accepts.
    """
    defaults = defaults or {}

    def reference(a, b, **params):
        return zip_elements(lambda x, y: fn(x, y, **params), _shape_of(a, b), a, b)
    op = register(Op(name, meta=elementwise_meta(name, out_dtype, accepts), reference=reference,
                     backward=grad, promote=promote, saves_output=saves_output,
                     saves_inputs=saves_inputs, doc=doc))

    def function(input, other, *, out=None, **params):
        unknown = set(params) - set(defaults)
        if unknown:
            raise TypeError(f"{name}() got an unexpected keyword argument {unknown.pop()!r}")
        return _maybe_out(dispatch(op, input, other, **{**defaults, **params}), out)
    _export(op, function, inplace, aliases, defaults)
    return op


def _shape_of(*arrays) -> tuple:
    return broadcast_shapes(*(a.shape for a in arrays))


def _maybe_out(result, out):
    """PyTorch's `out=`: resize-free copy into a given tensor of the result's shape."""
    if out is None:
        return result
    from ..dispatch import write_into
    write_into(out, result, "out")
    return out


__all__ = ["unary", "binary", "elementwise_meta", "check_dtypes", "INTEGRAL_OR_BOOL",
           "NOT_BOOL", "FLOATING", "PROMOTE_ALWAYS_BOOL", "PROMOTE_DEFAULT",
           "PROMOTE_INT_TO_FLOAT", "_maybe_out", "_export", "_shape_of"]
