"""Elementwise ops on the C kernels: `torsh_unary_*` and `torsh_binary_*` (kernels/c/
elementwise.c) for float32 and float64; other dtypes and parameters decline (NotImplemented),
so the next backend serves them."""
from __future__ import annotations

from .operands import Call, broadcast_strides, empty, merge_dims

UNARY = {"neg": "TORSH_NEG", "abs": "TORSH_ABS", "exp": "TORSH_EXP", "log": "TORSH_LOG",
         "sqrt": "TORSH_SQRT", "tanh": "TORSH_TANH", "sigmoid": "TORSH_SIGMOID",
         "relu": "TORSH_RELU", "sin": "TORSH_SIN", "cos": "TORSH_COS",
         "reciprocal": "TORSH_RECIPROCAL", "square": "TORSH_SQUARE", "rsqrt": "TORSH_RSQRT",
         "expm1": "TORSH_EXPM1", "log1p": "TORSH_LOG1P"}
BINARY = {"add": "TORSH_ADD", "sub": "TORSH_SUB", "mul": "TORSH_MUL", "div": "TORSH_DIV",
          "maximum": "TORSH_MAXIMUM", "minimum": "TORSH_MINIMUM"}
SUFFIX = {"float32": "f32", "float64": "f64"}


def _suffix(inputs, out):
    """The kernel's type suffix when every operand has the output's dtype, else None."""
    name = out.dtype.name
    if name not in SUFFIX or any(t.dtype.name != name for t in inputs):
        return None
    return SUFFIX[name]


def _map(ffi, lib, function: str, code: int, inputs, out_spec):
    """Run an n-ary map kernel: out = f(inputs...) over out_spec.shape."""
    suffix = _suffix(inputs, out_spec)
    if suffix is None:
        return NotImplemented
    out = empty(out_spec.shape, out_spec.dtype)
    if out.numel() == 0:
        return out
    shape, strides = merge_dims(out_spec.shape,
                                [broadcast_strides(t, out_spec.shape) for t in inputs])
    call = Call(ffi)
    operands = []
    for tensor, tensor_strides in zip(inputs, strides):
        operands += [call.pointer(tensor), call.int64s(tensor_strides)]
    status = getattr(lib, f"{function}_{suffix}")(code, len(shape), call.int64s(shape),
                                                  call.pointer(out), *operands)
    if status != 0:
        raise RuntimeError(f"C kernel {function}_{suffix} refused op code {code}")
    return out


def kernels(ffi, lib) -> dict:
    """{op name: kernel(inputs, outs, **params)} for the ops of this module."""
    table = {}
    for name, constant in UNARY.items():
        code = getattr(lib, constant)
        table[name] = (lambda code: lambda inputs, outs, **params:
                       NotImplemented if params else
                       _map(ffi, lib, "torsh_unary", code, inputs, outs[0]))(code)
    for name, constant in BINARY.items():
        code = getattr(lib, constant)

        def binary(inputs, outs, code=code, alpha=1, rounding_mode=None, **params):
            if alpha != 1 or rounding_mode is not None or params:
                return NotImplemented
            return _map(ffi, lib, "torsh_binary", code, inputs, outs[0])
        table[name] = binary
    return table
