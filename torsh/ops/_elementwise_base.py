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
from .._core.errors import DTypeNotImplemented, DTypeRuntimeError
from .._core.shape import broadcast_shapes
from ..dispatch import dispatch, dispatch_inplace
from ..tensor import Tensor
from ._array import map_elements, zip_elements
from ._op import (METHODS, PROMOTE_ALWAYS_BOOL, PROMOTE_DEFAULT, PROMOTE_INT_TO_FLOAT, PUBLIC,
                  Op, Out, register)

# Which computation dtypes an op has a kernel for (others raise NotImplementedError, as in
# PyTorch, naming PyTorch's type: "abs_cpu" not implemented for 'Bool').
INTEGRAL_OR_BOOL = "integral_or_bool"   # bitwise ops
INTEGRAL = "integral"                   # shifts
NOT_BOOL = "not_bool"                   # abs, floor, remainder, pow, ...
FLOATING = "floating"                   # frac, hypot, logaddexp, nextafter

_REJECTS = {
    INTEGRAL_OR_BOOL: lambda d: d.is_floating_point,
    INTEGRAL: lambda d: d.is_floating_point or d is dt.bool_,
    NOT_BOOL: lambda d: d is dt.bool_,
    FLOATING: lambda d: not d.is_floating_point,
}
TORCH_TYPE_NAMES = {"bool": "Bool", "uint8": "Byte", "int8": "Char", "int16": "Short",
                    "int32": "Int", "int64": "Long", "float16": "Half", "bfloat16": "BFloat16",
                    "float32": "Float", "float64": "Double"}


def check_dtypes(name: str, inputs, rule: str | None) -> None:
    """Reject dtypes an op has no kernel for, with PyTorch's exception and wording."""
    rejects = _REJECTS.get(rule)
    for t in inputs:
        if rejects is not None and rejects(t.dtype):
            raise DTypeNotImplemented(f"{name}: \"{name}_cpu\" not implemented for "
                                      f"'{TORCH_TYPE_NAMES[t.dtype.name]}' (got {t.dtype.name})")


def reject_bool(name: str, message: str, *operands) -> None:
    """PyTorch's RuntimeError for ops that refuse bool operands (neg, sub, relu, ...).

    Checked before promotion: `int_tensor - True` is refused too.
    """
    for x in operands:
        if x is not None and (isinstance(x, bool) or getattr(x, "dtype", None) is dt.bool_):
            raise DTypeRuntimeError(f"{name}: {message}")


def elementwise_meta(name: str, out_dtype: dt.dtype | None = None, accepts: str | None = None,
                     bool_message: str | None = None):
    """Outputs broadcast over all inputs; dtype is the (promoted) input dtype or `out_dtype`.

    `bool_message`: the RuntimeError text for ops that refuse bool inputs outright.
    """
    def meta(*inputs, **params):
        if accepts is not None:
            check_dtypes(name, inputs, accepts)
        if bool_message is not None:
            reject_bool(name, bool_message, *inputs)
        shape = inputs[0]._shape
        for t in inputs:
            if t._shape != shape:
                shape = broadcast_shapes(*(t._shape for t in inputs), op=name)
                break
        return Out(shape, out_dtype or inputs[0].dtype)
    return meta


def require_tensor(name: str, value, argument: str = "other", position: int = 2) -> None:
    """TypeError for ops whose argument must be a Tensor (PyTorch's maximum(t, 2) is refused)."""
    if not isinstance(value, Tensor):
        raise TypeError(f"{name}(): argument '{argument}' (position {position}) must be Tensor, "
                        f"not {type(value).__name__}")


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
          aliases=(), inplace: bool = True, bool_as: dt.dtype | None = None,
          bool_message: str | None = None) -> Op:
    """Declare `name(x)[i] = fn(x[i])`; `bool_as` casts bool inputs first (square: int64)."""
    if out_dtype is dt.bool_:
        promote = PROMOTE_DEFAULT
    op = register(Op(name, meta=elementwise_meta(name, out_dtype, accepts, bool_message),
                     reference=lambda a: map_elements(fn, a), backward=grad, promote=promote,
                     saves_output=saves_output, doc=doc))

    def function(input, *, out=None):
        if not isinstance(input, Tensor):
            require_tensor(name, input, "input", 1)
        if bool_as is not None and input.dtype is dt.bool_:
            input = input.to(bool_as)
        result = dispatch(op, input)
        return result if out is None else _maybe_out(result, out)
    _export(op, function, inplace and out_dtype is None, aliases)
    return op


def binary(name: str, fn, doc: str, grad=None, promote=PROMOTE_DEFAULT,
           saves_output: bool = False, saves_inputs: bool = True, accepts: str | None = None,
           out_dtype=None, aliases=(), inplace: bool = True, defaults: dict | None = None,
           tensor_only: bool = False) -> Op:
    """Declare `name(a, b)[i] = fn(a[i], b[i], **params)`, with a and b broadcast together.

    `defaults` lists keyword parameters (alpha=1, ...) that the function accepts;
    `tensor_only` refuses a Python number as `other` (TypeError), as PyTorch's maximum does.
    """
    defaults = defaults or {}

    def reference(a, b, **params):
        return zip_elements(lambda x, y: fn(x, y, **params), _shape_of(a, b), a, b)
    op = register(Op(name, meta=elementwise_meta(name, out_dtype, accepts), reference=reference,
                     backward=grad, promote=promote, saves_output=saves_output,
                     saves_inputs=saves_inputs, doc=doc))

    def function(input, other, *, out=None, **params):
        if tensor_only:
            require_tensor(name, input, "input", 1)
            require_tensor(name, other)
        if params:
            unknown = set(params) - set(defaults)
            if unknown:
                raise TypeError(f"{name}() got an unexpected keyword argument "
                                f"{unknown.pop()!r}")
            params = {**defaults, **params}
        else:
            params = defaults
        result = dispatch(op, input, other, **params)
        return result if out is None else _maybe_out(result, out)
    _export(op, function, inplace, aliases, defaults)
    if inplace and tensor_only:
        for alias in (name,) + tuple(aliases):
            METHODS[alias + "_"] = _tensor_only_inplace(op, name, METHODS[alias + "_"])
    return op


def _tensor_only_inplace(op: Op, name: str, method):
    def inplace(self, other, **params):
        require_tensor(name + "_", other)
        return method(self, other, **params)
    inplace.__name__ = name + "_"
    return inplace


def _shape_of(*arrays) -> tuple:
    return broadcast_shapes(*(a.shape for a in arrays))


def _maybe_out(result, out):
    """PyTorch's `out=`: resize-free copy into a given tensor of the result's shape, cast to
    out's dtype. Refused when the result would need gradients, as in PyTorch."""
    if out is None:
        return result
    from ..dispatch import write_into
    if result.requires_grad:
        op = getattr(result.grad_fn, "op", None)
        name = f"{op.name}()" if op is not None else "this function"
        raise RuntimeError(f"{name}: functions with out=... arguments don't support automatic "
                           f"differentiation, but one of the arguments requires grad.")
    write_into(out, result, "out")
    return out


__all__ = ["unary", "binary", "elementwise_meta", "check_dtypes", "reject_bool",
           "require_tensor", "INTEGRAL_OR_BOOL", "INTEGRAL", "NOT_BOOL", "FLOATING",
           "PROMOTE_ALWAYS_BOOL", "PROMOTE_DEFAULT", "PROMOTE_INT_TO_FLOAT", "_maybe_out",
           "_export", "_shape_of"]
