"""Elementwise ops on the C kernels: every unary, binary and ternary op of torsh/ops and the
nn activations, for every dtype they accept.

Two kinds of kernel serve them: `torsh_unary_*` / `torsh_binary_*` (kernels/c/elementwise.c:
float32 and float64, vectorised, AVX2 polynomials for exp/tanh/sigmoid/log in float32) for
the hot ops, and `torsh_map` (kernels/c/cast.c, see cast.run_map) for everything else: any
dtype, any parameter. An op or dtype neither covers declines (NotImplemented).
"""
from __future__ import annotations

import math

from .cast import run_map
from ..._core import dtype as dt
from ..._core.allocator import allocate
from ..._core.shape import contiguous_strides
from ...tensor import Tensor
from .operands import (Call, broadcast_strides, check_inside, empty, flat_pointer, handle,
                       merge_dims)

FAST_UNARY = {"neg": "TORSH_NEG", "abs": "TORSH_ABS", "exp": "TORSH_EXP", "log": "TORSH_LOG",
              "sqrt": "TORSH_SQRT", "tanh": "TORSH_TANH", "sigmoid": "TORSH_SIGMOID",
              "relu": "TORSH_RELU", "sin": "TORSH_SIN", "cos": "TORSH_COS",
              "reciprocal": "TORSH_RECIPROCAL", "square": "TORSH_SQUARE",
              "rsqrt": "TORSH_RSQRT", "expm1": "TORSH_EXPM1", "log1p": "TORSH_LOG1P"}
FAST_BINARY = {"add": "TORSH_ADD", "sub": "TORSH_SUB", "mul": "TORSH_MUL", "div": "TORSH_DIV",
               "maximum": "TORSH_MAXIMUM", "minimum": "TORSH_MINIMUM"}

# op name -> torsh_map op (TORSH_M_<NAME>) for ops without parameters
PLAIN = ["neg", "abs", "sign", "signbit", "square", "exp", "exp2", "expm1", "log", "log2",
         "log10", "log1p", "sqrt", "rsqrt", "reciprocal", "sin", "cos", "tan", "asin", "acos",
         "atan", "sinh", "cosh", "tanh", "asinh", "acosh", "atanh", "sigmoid", "erf", "erfc",
         "sinc", "deg2rad", "rad2deg", "floor", "ceil", "trunc", "frac", "relu", "isnan",
         "isinf", "isposinf", "isneginf", "isfinite", "isreal", "logical_not", "positive",
         "silu", "mish", "hardsigmoid", "hardswish", "softsign", "tanhshrink",
         "mul", "div", "floor_divide", "trunc_divide", "remainder", "fmod", "pow", "eq", "ne",
         "lt", "le", "gt", "ge", "maximum", "minimum", "fmax", "fmin", "logical_and",
         "logical_or", "logical_xor", "bitwise_and", "bitwise_or", "bitwise_xor", "atan2",
         "hypot", "logaddexp", "logaddexp2", "xlogy", "copysign", "heaviside", "where", "lerp"]
ALIASES = {"sgn": "sign", "bitwise_left_shift": "shift_left",
           "bitwise_right_shift": "shift_right", "log_sigmoid": "logsigmoid"}

# op name -> params -> (dparams, iparams)
PARAMS = {
    "round": lambda decimals: ((), (decimals,)),
    "logit": lambda eps: ((eps or 0.0,), (eps is not None,)),
    "nan_to_num": lambda nan, posinf, neginf: ((nan, posinf, neginf), ()),
    "isclose": lambda rtol, atol, equal_nan: ((rtol, atol), (equal_nan,)),
    "addcmul": lambda value: ((value,), (value,)),
    "addcdiv": lambda value: ((value,), (value,)),
    "hardtanh": lambda min_val, max_val: ((min_val, max_val), ()),
    "leaky_relu": lambda negative_slope: ((negative_slope,), ()),
    "elu": lambda alpha, scale: ((alpha, scale), ()),
    "celu": lambda alpha: ((alpha,), ()),
    "gelu": lambda approximate: ((), (approximate == "tanh",)),
    "softplus": lambda beta, threshold: ((beta, threshold), ()),
    "threshold": lambda threshold, value: ((threshold, value), ()),
    "hardshrink": lambda lambd: ((lambd,), ()),
    "softshrink": lambda lambd: ((lambd,), ()),
    "nextafter": lambda dtype_name: ((), (NEXTAFTER_KIND[dtype_name],)),
}
NEXTAFTER_KIND = {"float64": 0, "float32": 1, "float16": 2, "bfloat16": 3}


def _fast_functions(lib, function: str) -> dict:
    """{dtype: torsh_unary_f32 ...}: the vectorised kernels, float32 and float64."""
    return {dt.float32: getattr(lib, function + "_f32"),
            dt.float64: getattr(lib, function + "_f64")}


# {count: int64_t[2] holding (count, 1)}: the shape and unit stride of a flat walk.
_FLAT: dict = {}


def _flat(ffi, count: int):
    flat = _FLAT.get(count)
    if flat is None:
        flat = ffi.new("int64_t[2]", [count, 1])
        if len(_FLAT) < 4096:
            _FLAT[count] = flat
    return flat


def _fast_plan(ffi, function, code: int, inputs, out_spec):
    """run(inputs) -> out = f(inputs...) over out_spec.shape with a vectorised kernel, for
    every call whose operands have the dtypes, shapes and strides of these (see
    Backend.plan); None when an operand's dtype is not the output's. Row-major operands of
    the output's shape take one flat walk; other layouts walk their merged dims."""
    shape, dtype = out_spec
    if any(t.dtype is not dtype for t in inputs):
        return None
    count = math.prod(shape)
    if count == 0:
        return lambda inputs: empty(shape, dtype)
    row_major = tuple(contiguous_strides(shape))
    if all(t._shape == shape and t._stride == row_major for t in inputs):
        return _flat_run(ffi, function, code, len(inputs), shape, count, dtype)
    walk, strides = merge_dims(shape, [broadcast_strides(t, shape) for t in inputs])
    call = Call(ffi)        # its arrays live as long as the plan
    c_walk, c_strides = call.int64s(walk), [call.int64s(st) for st in strides]

    def run(inputs):
        operands = []
        for tensor, tensor_strides in zip(inputs, c_strides):
            operands += [call.pointer(tensor), tensor_strides]
        out = empty(shape, dtype)
        status = function(code, len(walk), c_walk, handle(ffi, out._storage, dtype), *operands)
        if status != 0:
            raise RuntimeError(f"C kernel {function} refused op code {code}")
        return out
    return run


def _flat_run(ffi, function, code: int, arity: int, shape: tuple, count: int, dtype):
    """run(inputs) for row-major operands: one flat loop, each operand's bounds checked."""
    flat = _flat(ffi, count)
    unit = flat + 1

    def unary(inputs):
        x = flat_pointer(ffi, inputs[0], count, dtype)
        if x is None:
            return NotImplemented
        out = Tensor(allocate(count, dtype), shape, None, 0, dtype)
        if function(code, 1, flat, handle(ffi, out._storage, dtype), x, unit):
            raise RuntimeError(f"C kernel {function} refused op code {code}")
        return out

    def binary(inputs):
        a, b = inputs
        a, b = flat_pointer(ffi, a, count, dtype), flat_pointer(ffi, b, count, dtype)
        if a is None or b is None:
            return NotImplemented
        out = Tensor(allocate(count, dtype), shape, None, 0, dtype)
        if function(code, 1, flat, handle(ffi, out._storage, dtype), a, unit, b, unit):
            raise RuntimeError(f"C kernel {function} refused op code {code}")
        return out
    return unary if arity == 1 else binary


def _fast(ffi, function, code: int, inputs, out_spec):
    """out = f(inputs...) by the vectorised kernel (see _fast_plan), or NotImplemented."""
    return _run_fast(_fast_plan(ffi, function, code, inputs, out_spec), inputs)


def _run_fast(run, inputs):
    """run(inputs) for a plan of _fast_plan, or NotImplemented without one."""
    if run is None:
        return NotImplemented
    out = run(inputs)
    if out is NotImplemented:       # an operand reaches outside its storage: say which
        for t in inputs:
            check_inside(t)
    return out


def _constant(lib, name: str) -> int:
    return getattr(lib, "TORSH_M_" + ALIASES.get(name, name).upper())


def _map_kernel(ffi, lib, name: str):
    code = _constant(lib, name)
    fast = FAST_UNARY.get(name) or FAST_BINARY.get(name)
    planner = _fast_planner(ffi, lib, name, fast) if fast else None
    to_params = PARAMS.get(name)

    def kernel(inputs, outs, **params):
        if to_params is None and params:
            return NotImplemented
        if planner is not None:
            out = _run_fast(planner(inputs, outs, params), inputs)
            if out is not NotImplemented:
                return out
        doubles, ints = to_params(**params) if to_params else ((), ())
        if not inputs[0].dtype.is_floating_point and not all(map(math.isfinite, doubles)):
            return NotImplemented   # an integer result from a NaN/inf bound: the reference's
        return run_map(ffi, lib, code, inputs, outs[0], doubles, ints, name)
    return kernel


def _additive(ffi, lib, name: str):
    """add / sub: input ± alpha * other, one rounding (sub is add with -alpha)."""
    code, planner = lib.TORSH_M_ADD, _fast_planner(ffi, lib, name, FAST_BINARY[name])
    sign = 1 if name == "add" else -1

    def kernel(inputs, outs, alpha=1):
        out = _run_fast(planner(inputs, outs, {"alpha": alpha}), inputs)
        if out is not NotImplemented:
            return out
        scaled = sign * (int(alpha) if isinstance(alpha, bool) else alpha)
        return run_map(ffi, lib, code, inputs, outs[0], (scaled,), (int(scaled),))
    return kernel


def _bitwise_not(ffi, lib):
    def kernel(inputs, outs):
        code = lib.TORSH_M_LOGICAL_NOT if inputs[0].dtype.name == "bool" \
            else lib.TORSH_M_BITWISE_NOT
        return run_map(ffi, lib, code, inputs, outs[0])
    return kernel


def _clamp(ffi, lib):
    def kernel(inputs, outs, has_min, has_max):
        code = lib.TORSH_M_CLAMP if has_min and has_max else \
            lib.TORSH_M_CLAMP_MIN if has_min else lib.TORSH_M_CLAMP_MAX
        return run_map(ffi, lib, code, inputs, outs[0])
    return kernel


def _prelu(ffi, lib):
    """x > 0 ? x : w * x, the weight seen along x's channel dim (dim 1) by strides."""
    def kernel(inputs, outs):
        x, weight = inputs
        stride = [0] * x.ndim
        if weight.numel() != 1:
            stride[1] = weight._stride[0]
        slopes = Tensor(weight._storage, x._shape, tuple(stride), weight._offset, weight.dtype)
        return run_map(ffi, lib, lib.TORSH_M_PRELU, [x, slopes], outs[0], name="prelu")
    return kernel


def kernels(ffi, lib) -> dict:
    """{op name: kernel(inputs, outs, **params)} for the ops of this module."""
    names = PLAIN + list(PARAMS) + ["sgn", "bitwise_left_shift", "bitwise_right_shift",
                                    "log_sigmoid"]
    table = {name: _map_kernel(ffi, lib, name) for name in names}
    table["add"], table["sub"] = _additive(ffi, lib, "add"), _additive(ffi, lib, "sub")
    table["bitwise_not"] = _bitwise_not(ffi, lib)
    table["clamp"] = _clamp(ffi, lib)
    table["prelu"] = _prelu(ffi, lib)
    return table


def planners(ffi, lib) -> dict:
    """{op name: planner(inputs, outs, params) -> run | None}: plans (see Backend.plan) for
    the calls the vectorised kernels serve."""
    fast = {**FAST_UNARY, **FAST_BINARY}
    return {name: _fast_planner(ffi, lib, name, constant) for name, constant in fast.items()}


def _fast_planner(ffi, lib, name: str, constant: str):
    code = getattr(lib, constant)
    functions = _fast_functions(lib, "torsh_unary" if name in FAST_UNARY else "torsh_binary")

    def planner(inputs, outs, params):
        if any(key != "alpha" or value != 1 for key, value in params.items()):
            return None                 # add/sub with alpha != 1: torsh_map
        function = functions.get(outs[0].dtype)
        return None if function is None else _fast_plan(ffi, function, code, inputs, outs[0])
    return planner


# op name -> (torsh_map op, the saved tensor it reads, params from ctx)
BACKWARD = {
    "relu": ("RELU_BACKWARD", "output", lambda ctx: ((), ())),
    "sigmoid": ("SIGMOID_BACKWARD", "output", lambda ctx: ((), ())),
    "tanh": ("TANH_BACKWARD", "output", lambda ctx: ((), ())),
    "silu": ("SILU_BACKWARD", "input", lambda ctx: ((), ())),
    "gelu": ("GELU_BACKWARD", "input", lambda ctx: ((), (ctx.approximate == "tanh",))),
    "leaky_relu": ("LEAKY_RELU_BACKWARD", "input", lambda ctx: ((ctx.negative_slope,), ())),
}


def _backward_kernel(ffi, lib, name: str):
    from ...ops._op import Out
    constant, which, to_params = BACKWARD[name]
    code = _constant(lib, constant.lower())
    # relu's gradient also has a vectorised float32/float64 kernel (exact: g * 1 or g * 0)
    fast = _fast_functions(lib, "torsh_binary") if name == "relu" else {}

    def kernel(ctx, g):
        saved = ctx.output if which == "output" else ctx.inputs[0]
        if g is None or not saved.dtype.is_floating_point or g.dtype is not saved.dtype \
                or tuple(g._shape) != tuple(saved._shape) or g.device != saved.device:
            return NotImplemented
        spec = Out(tuple(saved._shape), saved.dtype)
        function = fast.get(saved.dtype)
        if function is not None:
            return (_fast(ffi, function, lib.TORSH_RELU_BACKWARD, [g, saved], spec),)
        doubles, ints = to_params(ctx)
        out = run_map(ffi, lib, code, [g, saved], spec, doubles, ints)
        return NotImplemented if out is NotImplemented else (out,)
    return kernel


def backward_kernels(ffi, lib) -> dict:
    """{op name: fused backward(ctx, g)}: one pass for the activations' gradients."""
    return {name: _backward_kernel(ffi, lib, name) for name in BACKWARD}
