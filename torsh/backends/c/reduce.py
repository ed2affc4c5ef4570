"""Reductions and scans on the C kernels (kernels/c/reduce.c, torsh_reduce.h).

A reduction is described to C as two groups of dims of the input: the kept dims (one output
each, written contiguously) and the reduced dims (one output's group), each group merged where
the input is contiguous. float32/float64 take every reduction (sum, mean, prod, amax/amin,
max/min of all, argmax/argmin, all/any, var/std, norm, logsumexp); integer and bool inputs
take sum, prod, extremes, arg-extremes, all and any. cumsum/cumprod run on float32/float64 and
int64. Anything else declines (NotImplemented) and the next backend serves it.
"""
from __future__ import annotations

import math

import numpy as np

from ..._core import dtype as dt
from ..._core.storage import Storage
from ..._core.allocator import allocate
from ...ops._op import Out
from .operands import Call, check_inside, empty, handle, merge_dims

OPS = {"sum": "TORSH_R_SUM", "mean": "TORSH_R_MEAN", "prod": "TORSH_R_PROD",
       "amax": "TORSH_R_AMAX", "amin": "TORSH_R_AMIN", "argmax": "TORSH_R_ARGMAX",
       "argmin": "TORSH_R_ARGMIN", "all": "TORSH_R_ALL", "any": "TORSH_R_ANY",
       "var": "TORSH_R_VAR", "std": "TORSH_R_STD", "norm": "TORSH_R_NORM",
       "logsumexp": "TORSH_R_LOGSUMEXP"}
FLOAT = {"float32": "f32", "float64": "f64"}
INTEGER = {"int64": "i64", "int32": "i32", "int16": "i16", "int8": "i8", "uint8": "u8",
           "bool": "u8"}
INTEGER_OPS = {"sum", "prod", "amax", "amin", "argmax", "argmin", "all", "any"}
# what an output holds where its group has no elements (the ops without one are rejected
# by their meta before a kernel runs)
EMPTY_VALUE = {"sum": 0, "prod": 1, "mean": math.nan, "all": 1, "any": 0, "var": math.nan,
               "std": math.nan, "norm": 0.0, "logsumexp": -math.inf}


def _suffix(name: str, dtype_name: str):
    if dtype_name in FLOAT:
        return FLOAT[dtype_name]
    if dtype_name in INTEGER and name in INTEGER_OPS:
        return INTEGER[dtype_name]
    return None


def _group(shape, strides):
    """A merged group of dims; a group with nothing in it is one dim of size 1."""
    merged, (merged_strides,) = merge_dims(tuple(shape), [list(strides)])
    return (merged, tuple(merged_strides)) if merged else ((1,), (0,))


# (shape, strides, reduced dims) -> the kept and reduced groups, for the layouts seen
_PLANS: dict = {}
_PLANS_LIMIT = 4096


def _plan(x, dims) -> tuple:
    """(kshape, kstrides, rshape, rstrides) of x reduced over dims, merged."""
    key = (x._shape, tuple(x._stride), dims)
    plan = _PLANS.get(key)
    if plan is None:
        reduced = sorted(set(dims))
        kept = [d for d in range(x.ndim) if d not in reduced]
        plan = (_group([x._shape[d] for d in kept], [x._stride[d] for d in kept]) +
                _group([x._shape[d] for d in reduced], [x._stride[d] for d in reduced]))
        if len(_PLANS) >= _PLANS_LIMIT:
            _PLANS.clear()
        _PLANS[key] = plan
    return plan


_ENTRIES: dict = {}


def _entry(lib, suffix: str, name: str) -> tuple:
    """(the C function torsh_reduce_<suffix>, the op's code), looked up once."""
    key = (lib, suffix, name)
    entry = _ENTRIES.get(key)
    if entry is None:
        entry = _ENTRIES[key] = (getattr(lib, f"torsh_reduce_{suffix}"), getattr(lib, OPS[name]))
    return entry


def reduce(ffi, lib, name: str, x, dims, out_spec, param: float = 0.0):
    """out_spec's tensor = the reduction `name` of x over `dims` (kept ones too with keepdim:
    the output's layout is the kept dims' row-major order either way)."""
    run = reduce_plan(ffi, lib, name, x, dims, out_spec, param)
    return NotImplemented if run is None else run((x,))


def reduce_plan(ffi, lib, name: str, x, dims, out_spec, param: float = 0.0):
    """run((x,)) -> the reduction for every x with this one's dtype, shape and strides (see
    Backend.plan): the walk's arrays are made here, each run checks x's bounds and calls C.
    None when the dtype has no kernel for `name`."""
    from ...tensor import Tensor
    suffix = _suffix(name, x.dtype.name)
    if suffix is None:
        return None
    shape, dtype = out_spec
    count = math.prod(shape)
    if count == 0:
        return lambda inputs: empty(shape, dtype)
    if x.numel() == 0:             # every group is empty: the op's value for no elements
        def fill(inputs):
            out = empty(shape, dtype)
            out._storage.data[:] = EMPTY_VALUE[name]
            return out
        return fill
    kshape, kstrides, rshape, rstrides = _plan(x, dims if type(dims) is tuple else tuple(dims))
    call = Call(ffi)                # its arrays live as long as the plan
    nk, kshape, kstrides = len(kshape), call.int64s(kshape), call.int64s(kstrides)
    nr, rshape, rstrides = len(rshape), call.int64s(rshape), call.int64s(rstrides)
    function, code = _entry(lib, suffix, name)
    param = float(param)

    def run(inputs):
        (x,) = inputs
        check_inside(x)
        out = Tensor(allocate(count, dtype), shape, None, 0, dtype)
        status = function(code, nk, kshape, kstrides, nr, rshape, rstrides,
                          handle(ffi, x._storage, x.dtype) + x._offset,
                          handle(ffi, out._storage, dtype), param)
        if status != 0:
            raise RuntimeError(f"C kernel torsh_reduce_{suffix} refused {name}")
        return out
    return run


SCAN_SUFFIX = {"float32": "f32", "float64": "f64", "int64": "i64"}
NARROW_INTEGERS = {"int32", "int16", "int8", "uint8", "bool"}


def _int64_copy(x):
    """x's elements as a fresh contiguous int64 tensor (numpy widens them)."""
    from ...tensor import Tensor
    check_inside(x)
    data = x._storage.data
    view = np.lib.stride_tricks.as_strided(
        data[x._offset:], x._shape, [s * data.itemsize for s in x._stride], writeable=False)
    return Tensor(Storage(np.ascontiguousarray(view, dtype=np.int64).reshape(-1)), x._shape,
                  dtype=dt.int64)


def _lanes(dim: int, x, *outs) -> list:
    """[shape, then the strides of x and of each output] with `dim` moved last (a 0-d x is
    one lane of one element)."""
    if x.ndim == 0:
        return [[1]] + [[0] for _ in (x,) + outs]
    order = [d for d in range(x.ndim) if d != dim] + [dim]
    return [[x._shape[d] for d in order]] + [[t._stride[d] for d in order]
                                             for t in (x,) + outs]


def _narrow_to(wide, out_spec):
    """An int64 result wrapped to out_spec's integer width (as computing in it would give)."""
    if out_spec.dtype is dt.int64:
        return wide
    out = empty(out_spec.shape, out_spec.dtype)
    out._storage.data[:] = wide._storage.data.astype(out_spec.dtype.numpy)
    return out


SCAN_OPS = {"cumsum": "TORSH_S_CUMSUM", "cumprod": "TORSH_S_CUMPROD",
            "logcumsumexp": "TORSH_S_LOGCUMSUMEXP"}


def scan(ffi, lib, name: str, x, dim: int, out_spec, reverse: bool = False):
    """cumsum/cumprod/logcumsumexp of x along dim into a tensor laid out as x's dims
    (contiguous). Narrow integers and bool are widened to int64 first; a narrow result
    (keep_dtype) is the int64 result wrapped to its width."""
    if x.dtype.name in NARROW_INTEGERS and out_spec.dtype.name in NARROW_INTEGERS | {"int64"} \
            and out_spec.dtype.name != "bool" and x.numel():
        wide = scan(ffi, lib, name, _int64_copy(x), dim, Out(out_spec.shape, dt.int64), reverse)
        return _narrow_to(wide, out_spec)
    suffix = SCAN_SUFFIX.get(x.dtype.name)
    if suffix is None or out_spec.dtype is not x.dtype:
        return NotImplemented
    out = empty(out_spec.shape, out_spec.dtype)
    if out.numel() == 0:
        return out
    shape, x_strides, out_strides = _lanes(dim, x, out)
    call = Call(ffi)
    status = getattr(lib, f"torsh_scan_{suffix}")(
        getattr(lib, SCAN_OPS[name]), int(bool(reverse)), len(shape), call.int64s(shape),
        call.pointer(out), call.int64s(out_strides), call.pointer(x), call.int64s(x_strides))
    if status != 0:
        raise RuntimeError(f"C kernel torsh_scan_{suffix} refused {name}")
    return out


def scan_extreme(ffi, lib, x, dim: int, outs, larger: bool):
    """(cummax or cummin values, their last positions) along dim; narrow integers and bool
    run on an int64 copy, their values narrowed back."""
    value_spec, index_spec = outs
    if x.dtype.name in NARROW_INTEGERS and x.numel():
        values, indices = scan_extreme(ffi, lib, _int64_copy(x), dim,
                                       (Out(value_spec.shape, dt.int64), index_spec), larger)
        return _narrow_to(values, value_spec), indices
    suffix = SCAN_SUFFIX.get(x.dtype.name)
    if suffix is None or value_spec.dtype is not x.dtype:
        return NotImplemented
    values, indices = empty(value_spec.shape, x.dtype), empty(index_spec.shape, dt.int64)
    if values.numel() == 0:
        return values, indices
    shape, x_strides, value_strides, index_strides = _lanes(dim, x, values, indices)
    call = Call(ffi)
    status = getattr(lib, f"torsh_scan_extreme_{suffix}")(
        int(larger), len(shape), call.int64s(shape), call.pointer(values),
        call.int64s(value_strides), call.pointer(indices), call.int64s(index_strides),
        call.pointer(x), call.int64s(x_strides))
    if status != 0:
        raise RuntimeError(f"C kernel torsh_scan_extreme_{suffix} refused its shape")
    return values, indices


# op name -> (the reduction it runs, its dims, its parameter) from the input and the params
_REDUCTIONS = {name: (lambda name: lambda x, dims, keepdim: (name, dims, 0.0))(name)
               for name in ("sum", "mean", "prod", "amax", "amin", "argmax", "argmin", "all",
                            "any", "logsumexp")}
_REDUCTIONS.update({name: (lambda name: lambda x, dims, keepdim, correction:
                           (name, dims, correction))(name) for name in ("var", "std")})
_REDUCTIONS["norm"] = lambda x, p, dims, keepdim: ("norm", dims, p)
_REDUCTIONS["max"] = lambda x: ("amax", tuple(range(x.ndim)), 0.0)
_REDUCTIONS["min"] = lambda x: ("amin", tuple(range(x.ndim)), 0.0)


def kernels(ffi, lib) -> dict:
    """{op name: kernel(inputs, outs, **params)} for the reductions and scans."""
    def kernel(what):
        def run(inputs, outs, **params):
            name, dims, param = what(inputs[0], **params)
            return reduce(ffi, lib, name, inputs[0], dims, outs[0], param)
        return run
    table = {op: kernel(what) for op, what in _REDUCTIONS.items()}
    table["cumsum"] = lambda inputs, outs, dim, keep_dtype, reverse=False: scan(
        ffi, lib, "cumsum", inputs[0], dim, outs[0], reverse)
    table["cumprod"] = lambda inputs, outs, dim, keep_dtype: scan(
        ffi, lib, "cumprod", inputs[0], dim, outs[0])
    table["logcumsumexp"] = lambda inputs, outs, dim: scan(
        ffi, lib, "logcumsumexp", inputs[0], dim, outs[0])
    table["cummax"] = lambda inputs, outs, dim: scan_extreme(ffi, lib, inputs[0], dim, outs, True)
    table["cummin"] = lambda inputs, outs, dim: scan_extreme(ffi, lib, inputs[0], dim, outs,
                                                             False)
    return table


def planners(ffi, lib) -> dict:
    """{op name: planner(inputs, outs, params) -> run | None} for the reductions."""
    def planner(what):
        def plan(inputs, outs, params):
            name, dims, param = what(inputs[0], **params)
            return reduce_plan(ffi, lib, name, inputs[0], dims, outs[0], param)
        return plan
    return {op: planner(what) for op, what in _REDUCTIONS.items()}
