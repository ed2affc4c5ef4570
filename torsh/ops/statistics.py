"""Statistics: var, std (and *_mean), norm, logsumexp, median, nanmedian, mode, quantile,
nanquantile.

Like `reduce.py`, each reduces the elements that share an index outside `dim` (None: every
element); unlike it, these need more than one pass over a group (a mean first, a sorted order,
counts). Orders follow `sorting.order_of`: NaN is the largest value and ties keep their input
order. Plain sums, means and extremes belong in `reduce.py`, running scans in `scan.py`,
counting values (bincount, histc) in `counting.py`.
"""
from __future__ import annotations

import math
from collections import namedtuple

from .._core import dtype as dt
from .._core.errors import (DTypeNotImplemented, DTypeRuntimeError, IndexOutOfRange,
                            InvalidArgumentRuntime)
from .._core.shape import normalize_dim
from ..dispatch import dispatch
from ..tensor import Tensor
from . import _scalar as s
from ._array import Array, lanes, reduce_dims, reduced_shape
from ._op import PROMOTE_NONE, Op, Out, public, register
from .binary import _lerp_scalar as lerp
from .reduce import dims_of, expand_reduced, reduction_meta
from .sorting import order_of, put_along, selected_grad

median_result = namedtuple("median", ["values", "indices"])
nanmedian_result = namedtuple("nanmedian", ["values", "indices"])
mode_result = namedtuple("mode", ["values", "indices"])


def _group_size(shape, dims) -> int:
    return math.prod(shape[d] for d in dims)


# ------------------------------------------------------------ var, std

def _variance(xs: list, correction) -> float:
    """sum((x - mean)^2) / max(0, N - correction); NaN for no elements."""
    if not xs:
        return math.nan
    mean = sum(xs) / len(xs)
    squares = sum((x - mean) * (x - mean) for x in xs)
    return s.divide(squares, max(0, len(xs) - correction))


def _var_meta(name):
    base = reduction_meta(name)

    def meta(x, dims, keepdim, correction):
        if not x.dtype.is_floating_point:
            raise DTypeRuntimeError(f"{name}(): std and var only support floating point and "
                                    f"complex dtypes (got {x.dtype.name})")
        return base(x, dims, keepdim)
    return meta


def _centered_over_divisor(ctx):
    """(x - mean(x)) / max(0, N - correction), over the input's shape."""
    x = ctx.inputs[0]
    divisor = max(0, _group_size(x.shape, ctx.dims) - ctx.correction)
    return (x - x.mean(ctx.dims, keepdim=True)) / divisor


def _var_grad(ctx, g):
    """d var / d x_i = 2 (x_i - mean) / (N - correction)."""
    g = expand_reduced(g, ctx.input_shapes[0], ctx.dims, ctx.keepdim)
    return (g * _centered_over_divisor(ctx) * 2,)


def _std_grad(ctx, g):
    """d std / d x_i = (x_i - mean) / (std (N - correction)); 0 where std is 0 (as PyTorch)."""
    shape = ctx.input_shapes[0]
    std = expand_reduced(ctx.output, shape, ctx.dims, ctx.keepdim)
    g = expand_reduced(g, shape, ctx.dims, ctx.keepdim)
    return ((g / std).masked_fill(std == 0, 0.0) * _centered_over_divisor(ctx),)


_VAR = register(Op(
    "var", meta=_var_meta("var"), promote=PROMOTE_NONE, backward=_var_grad,
    reference=lambda a, dims, keepdim, correction: reduce_dims(
        a, dims, lambda xs: _variance(xs, correction), keepdim),
    doc="sum((x - mean)^2) / max(0, N - correction): NaN for one element with correction 1, "
        "inf or NaN whenever N <= correction, NaN for no elements."))
_STD = register(Op(
    "std", meta=_var_meta("std"), promote=PROMOTE_NONE, backward=_std_grad,
    saves_output=True,
    reference=lambda a, dims, keepdim, correction: reduce_dims(
        a, dims, lambda xs: s.sqrt(_variance(xs, correction)), keepdim),
    doc="sqrt(var); see var for the special values."))


def _variance_args(dim, unbiased, correction, name):
    """PyTorch's two spellings: (dim, unbiased) and (dim, *, correction); also (unbiased)."""
    if isinstance(dim, bool):
        dim, unbiased = None, dim
    if unbiased is not None and correction is not None:
        raise InvalidArgumentRuntime(f"{name}(): cannot specify both unbiased and correction")
    if correction is None:
        correction = 0 if unbiased is False else 1
    return dim, correction


def _var_or_std(op, input, dim, unbiased, keepdim, correction):
    dim, correction = _variance_args(dim, unbiased, correction, op.name)
    return dispatch(op, input, dims=dims_of(input, dim, op.name), keepdim=keepdim,
                    correction=correction)


@public("var")
def var(input, dim=None, unbiased=None, keepdim=False, *, correction=None, out=None):
    return _var_or_std(_VAR, input, dim, unbiased, keepdim, correction)


@public("std")
def std(input, dim=None, unbiased=None, keepdim=False, *, correction=None, out=None):
    return _var_or_std(_STD, input, dim, unbiased, keepdim, correction)


@public("var_mean", method=False)
def var_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """(var, mean) over the same dims."""
    spread = var(input, dim, unbiased, keepdim, correction=correction)
    return spread, input.mean(_variance_args(dim, None, None, "var_mean")[0], keepdim)


@public("std_mean", method=False)
def std_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """(std, mean) over the same dims."""
    spread = std(input, dim, unbiased, keepdim, correction=correction)
    return spread, input.mean(_variance_args(dim, None, None, "std_mean")[0], keepdim)


# ------------------------------------------------------------ norm

def _vector_norm(xs: list, p: float) -> float:
    """(sum |x|^p)^(1/p); p = inf: max |x|, -inf: min |x|, 0: the count of nonzeros."""
    magnitudes = [abs(x) for x in xs]
    if math.isinf(p):
        if any(m != m for m in magnitudes):
            return math.nan
        return max(magnitudes) if p > 0 else min(magnitudes)
    if p == 0:
        return float(sum(1 for m in magnitudes if m != 0))
    if p == 2:
        return s.sqrt(sum(m * m for m in magnitudes))
    return s.float_pow(sum(s.float_pow(m, p) for m in magnitudes), 1.0 / p)


def _norm_meta(x, p, dims, keepdim):
    if not x.dtype.is_floating_point:
        raise DTypeRuntimeError(f"linalg.vector_norm: Expected a floating point or complex "
                                f"tensor as input. Got {x.dtype.name}")
    if (p < 0 or math.isinf(p)) and _group_size(x._shape, dims) == 0:
        raise InvalidArgumentRuntime(f"linalg.vector_norm cannot compute the {p:g} norm on an "
                                     f"empty tensor because the operation does not have an "
                                     f"identity")
    return Out(reduced_shape(x._shape, dims, keepdim), x.dtype)


def _norm_grad(ctx, g):
    """PyTorch's formulas, with 0 where the norm is 0 (and where |x| = 0 for p < 1)."""
    x, p = ctx.inputs[0], ctx.p
    norm = expand_reduced(ctx.output, x.shape, ctx.dims, ctx.keepdim)
    g = expand_reduced(g, x.shape, ctx.dims, ctx.keepdim)
    if p == 0:
        return (x.new_zeros(x.shape),)
    if p == 1:
        return (g * x.sgn(),)
    if math.isinf(p):
        size = x.abs()
        hit = (size == norm) | size.isnan()
        return (x.sgn() * (g / hit.sum(ctx.dims, keepdim=True)) * hit,)
    if p < 1:
        scaled = x.abs().pow(p - 1).masked_fill(x == 0, 0.0) * x.sgn()
        return (scaled * g * norm.pow(1 - p),)
    if p < 2:
        return (x.sgn() * x.abs().pow(p - 1) * (g / norm.pow(p - 1)).masked_fill(norm == 0,
                                                                                 0.0),)
    if p == 2:
        return (x * (g / norm).masked_fill(norm == 0, 0.0),)
    return (x * x.abs().pow(p - 2) * (g / norm.pow(p - 1)).masked_fill(norm == 0, 0.0),)


_NORM = register(Op(
    "norm", meta=_norm_meta, promote=PROMOTE_NONE, backward=_norm_grad, saves_output=True,
    reference=lambda a, p, dims, keepdim: reduce_dims(
        a, dims, lambda xs: _vector_norm(xs, p), keepdim),
    doc="the vector p-norm (sum |x|^p)^(1/p) over dims, summed plainly in double: it "
        "overflows where a double sum does (PyTorch's float32 norm also where a float32 sum "
        "does); p = ±inf: max/min |x|, p = 0: count of nonzeros (NaN counts). NaN in gives "
        "NaN. Norms without an identity (p < 0, ±inf) reject no elements."))


@public("norm")
def norm(input, p="fro", dim=None, keepdim=False, out=None, dtype=None):
    """torch.norm: the vector norm over dim (all elements by default); 'fro' is p = 2."""
    if dtype is not None:
        input = input.to(dtype)
    if p is None or p == "fro":
        p = 2.0
    elif isinstance(p, str):
        raise InvalidArgumentRuntime(f"norm(): p={p!r} is not supported (torsh has vector norms "
                                     f"and 'fro'; 'nuc' is not implemented)")
    return dispatch(_NORM, input, p=float(p), dims=dims_of(input, dim, "norm"),
                    keepdim=keepdim)


# ------------------------------------------------------------ logsumexp

def _logsumexp(xs: list) -> float:
    """m + log(sum(exp(x - m))) with m = max(x), or m = 0 when the max is ±inf."""
    if any(x != x for x in xs):
        return math.nan
    if not xs:
        return -math.inf
    shift = max(xs)
    if math.isinf(shift):
        shift = 0.0
    return s.log(sum(s.exp(x - shift) for x in xs)) + shift


_LOGSUMEXP = register(Op(
    "logsumexp", meta=reduction_meta("logsumexp"), promote=PROMOTE_NONE, saves_output=True,
    backward=lambda ctx, g: (expand_reduced(g, ctx.input_shapes[0], ctx.dims, ctx.keepdim) * (
        ctx.inputs[0] - expand_reduced(ctx.output, ctx.input_shapes[0], ctx.dims,
                                       ctx.keepdim)).exp(),),
    reference=lambda a, dims, keepdim: reduce_dims(a, dims, _logsumexp, keepdim),
    doc="log(sum(exp(x))) computed as max + log(sum(exp(x - max))), so it never overflows; "
        "all -inf (or nothing) gives -inf, any +inf gives inf, NaN gives NaN. The gradient "
        "is softmax(x), NaN where the result is infinite (as PyTorch)."))


@public("logsumexp")
def logsumexp(input, dim, keepdim=False, *, out=None):
    """log(sum(exp(input))) over dim (integers in the default float dtype); dim=() reduces
    all dims (PyTorch 2.13 raises for it without keepdim, from a check of its out= path)."""
    if not input.dtype.is_floating_point:
        input = input.to(dt.get_default_dtype())
    return dispatch(_LOGSUMEXP, input, dims=dims_of(input, dim, "logsumexp"), keepdim=keepdim)


# ------------------------------------------------------------ median, nanmedian, mode

def median_position(xs: list, ignore_nan: bool) -> int:
    """Where the lower median of xs is: the ((N - 1) // 2)-th in sorted order.

    Without ignore_nan any NaN is the answer (the first NaN); with it NaNs are left out,
    and a lane of NaNs only gives its first NaN.
    """
    order = order_of(xs)
    valid = sum(1 for x in xs if x == x)
    if valid < len(xs) and not ignore_nan:
        return order[valid]
    return order[max(valid - 1, 0) // 2]


def _median_all_reference(a: Array, ignore_nan: bool) -> Array:
    if not a.data:
        return Array([math.nan], ())
    return Array([a.data[median_position(a.data, ignore_nan)]], ())


def _evenly_shared_grad(ctx, g):
    """The gradient of a selected value, shared by every element equal to it (NaN: by NaNs)."""
    x, value = ctx.inputs[0], ctx.output
    hit = (x == value) | (x.isnan() & value.isnan())
    return (hit * (g / hit.sum()),)


def _median_all_op(name: str, ignore_nan: bool) -> Op:
    return register(Op(
        name, meta=lambda x: Out((), x.dtype), promote=PROMOTE_NONE,
        reference=lambda a: _median_all_reference(a, ignore_nan),
        backward=_evenly_shared_grad, saves_output=True,
        doc=f"the lower median of all elements ((N-1)//2-th smallest); "
            f"{'NaNs are ignored' if ignore_nan else 'NaN if any is NaN'}; no elements: NaN."))


def _lane_meta(name: str):
    def meta(x, dim, keepdim, ignore_nan=False):
        if x.ndim and x._shape[dim] == 0:
            op = "nanmedian" if ignore_nan else name
            raise IndexOutOfRange(f"{op}(): Expected reduction dim {dim} to have non-zero "
                                  f"size.")
        shape = reduced_shape(x._shape, (dim,) if x.ndim else (), keepdim)
        return Out(shape, x.dtype), Out(shape, dt.int64)
    return meta


def _lane_select_reference(position_of):
    """(values, indices) picking `position_of(lane values)` in each lane along dim."""
    def reference(a: Array, dim: int, keepdim: bool, **params):
        values, where = [], []
        for lane in lanes(a, dim):
            xs = [a.data[p] for p in lane]
            k = position_of(xs, **params)
            values.append(xs[k])
            where.append(k)
        shape = reduced_shape(a.shape, (dim,) if a.ndim else (), keepdim)
        return Array(values, shape), Array(where, shape)
    return reference


def _lane_select_op(name: str, position_of, doc: str) -> Op:
    return register(Op(
        name, meta=_lane_meta(name.split("_")[0]), reference=_lane_select_reference(position_of),
        backward=selected_grad, promote=PROMOTE_NONE, saves_inputs=False, saves_output=True,
        differentiable_outputs=(0,), doc=doc))


_MEDIAN = _median_all_op("median", ignore_nan=False)
_NANMEDIAN = _median_all_op("nanmedian", ignore_nan=True)
_MEDIAN_DIM = _lane_select_op(
    "median_dim", median_position,
    "(values, indices): the lower median of each lane along dim and where it is (with "
    "ignore_nan, NaNs are left out); the gradient goes to that position.")


def _median(input, dim, keepdim, ignore_nan, result):
    name = "nanmedian" if ignore_nan else "median"
    if input.dtype is dt.bool_:
        raise DTypeNotImplemented(f"{name}: \"median_cpu\" not implemented for 'Bool'")
    if dim is None:
        return dispatch(_NANMEDIAN if ignore_nan else _MEDIAN, input)
    d = normalize_dim(dim, input.ndim, name)
    return result(*dispatch(_MEDIAN_DIM, input, dim=d, keepdim=keepdim, ignore_nan=ignore_nan))


@public("median")
def median(input, dim=None, keepdim=False, *, out=None):
    """The lower median: of all elements (a 0-d tensor), or (values, indices) along dim."""
    return _median(input, dim, keepdim, False, median_result)


@public("nanmedian")
def nanmedian(input, dim=None, keepdim=False, *, out=None):
    """median, leaving NaNs out."""
    return _median(input, dim, keepdim, True, nanmedian_result)


def mode_position(xs: list) -> int:
    """Where the most frequent value was last seen; ties go to the smallest such value."""
    order = order_of(xs)
    best, best_count, run = 0, 0, []
    for k in order + [None]:
        if k is not None and run and xs[k] == xs[run[-1]]:   # NaN equals nothing
            run.append(k)
            continue
        if len(run) > best_count:
            best, best_count = max(run), len(run)
        run = [k]
    return best


_MODE = _lane_select_op(
    "mode", mode_position,
    "(values, indices): the most frequent value of each lane along dim (the smallest of "
    "equally frequent ones; each NaN counts as its own value, as in unique) and the last "
    "position holding it.")


@public("mode")
def mode(input, dim=-1, keepdim=False, *, out=None):
    d = normalize_dim(dim, input.ndim, "mode")
    return mode_result(*dispatch(_MODE, input, dim=d, keepdim=keepdim))


# ------------------------------------------------------------ quantile, nanquantile

_INTERPOLATIONS = ("linear", "lower", "higher", "midpoint", "nearest")


def quantile_picks(xs: list, q: float, interpolation: str, ignore_nan: bool):
    """(below, above, weight): the q-quantile of xs is lerp(xs[below], xs[above], weight).

    rank = q (N - 1) in sorted order (N counts non-NaN elements with ignore_nan; without it
    a NaN makes rank the last position, a NaN). lower/higher/nearest round the rank (nearest
    to even); linear weighs by its fraction, midpoint by 1/2.
    """
    order = order_of(xs)
    valid = sum(1 for x in xs if x == x)
    if ignore_nan:
        rank = max(q * (valid - 1), 0.0)
    else:
        rank = q * (len(xs) - 1) if valid == len(xs) else float(len(xs) - 1)
    if interpolation in ("linear", "midpoint"):
        below, above = math.floor(rank), math.ceil(rank)
        weight = 0.5 if interpolation == "midpoint" else rank - below
        return order[below], order[above], weight
    rounded = {"lower": math.floor, "higher": math.ceil, "nearest": round}[interpolation](rank)
    return order[int(rounded)], order[int(rounded)], 0.0


def _quantile_name(ignore_nan):
    return "nanquantile" if ignore_nan else "quantile"


def _quantile_meta(x, q, dim, keepdim, interpolation, ignore_nan):
    name = _quantile_name(ignore_nan)
    if x.numel() == 0:
        raise InvalidArgumentRuntime(f"{name}() input tensor must be non-empty")
    if x.dtype not in (dt.float32, dt.float64):
        raise DTypeRuntimeError(f"{name}() input tensor must be either float or double dtype "
                                f"(got {x.dtype.name})")
    if q.ndim > 1:
        raise InvalidArgumentRuntime(f"{name}() q must be a scalar or 1D tensor (got shape "
                                     f"{list(q.shape)})")
    if q.dtype is not x.dtype:
        raise DTypeRuntimeError(f"{name}() q tensor must be same dtype as the input tensor "
                                f"({q.dtype.name} vs {x.dtype.name})")
    if interpolation not in _INTERPOLATIONS:
        raise InvalidArgumentRuntime(f"{name}() interpolation must be one of linear, lower, "
                                     f"higher, midpoint or nearest, but got {interpolation}")
    shape = _quantile_shape(x._shape, q._shape, dim, keepdim)
    return (Out(shape, x.dtype), Out(shape, dt.int64), Out(shape, dt.int64),
            Out(shape, x.dtype))


def _quantile_reference(x: Array, q: Array, dim, keepdim, interpolation, ignore_nan):
    if any(not 0 <= v <= 1 for v in q.data):
        raise InvalidArgumentRuntime(f"{_quantile_name(ignore_nan)}() q values must be in the "
                                     f"range [0, 1]")
    groups = [list(range(len(x.data)))] if dim is None else lanes(x, dim)
    values, below, above, weight = [], [], [], []
    for level in q.data:
        for lane in groups:
            xs = [x.data[p] for p in lane]
            b, a, w = quantile_picks(xs, level, interpolation, ignore_nan)
            interpolates = interpolation in ("linear", "midpoint")
            values.append(lerp(xs[b], xs[a], w) if interpolates else xs[b])
            below.append(b)
            above.append(a)
            weight.append(w)
    shape = _quantile_shape(x.shape, q.shape, dim, keepdim)
    return tuple(Array(column, shape) for column in (values, below, above, weight))


def _quantile_shape(x_shape, q_shape, dim, keepdim):
    """q's dim, then the input's shape with dim (every dim for None) reduced."""
    if dim is None:
        return tuple(q_shape) + ((1,) * len(x_shape) if keepdim else ())
    return tuple(q_shape) + reduced_shape(x_shape, (dim,) if x_shape else (), keepdim)


def _quantile_grad(ctx, g, *_):
    """(1 - weight) of the gradient goes to the element below, weight to the one above."""
    shape = ctx.input_shapes[0]
    _, below, above, weight = ctx.outputs
    levels = ctx.input_shapes[1]
    if ctx.dim is None:
        moved_shape, lane_shape = (math.prod(shape),), ()
    else:
        d = ctx.dim if shape else 0
        full = shape if shape else (1,)
        lane_shape = full[:d] + full[d + 1:]
        moved_shape = lane_shape + (full[d],)
    flat = tuple(levels) + tuple(lane_shape) + (1,)
    target = tuple(levels) + tuple(moved_shape)
    parts = [put_along((g * share).reshape(flat), index.reshape(flat), len(target) - 1, target)
             for share, index in ((1 - weight, below), (weight, above))]
    grad = parts[0] + parts[1]
    if levels:
        grad = grad.sum(0)
    if ctx.dim is None or not shape:
        return grad.reshape(shape), None
    return grad.movedim(-1, ctx.dim), None


_QUANTILE = register(Op(
    "quantile", meta=_quantile_meta, reference=_quantile_reference, backward=_quantile_grad,
    promote=PROMOTE_NONE, saves_inputs=False, saves_output=True, differentiable_outputs=(0,),
    doc="the q-quantiles of each lane along dim (all elements for dim=None; q's dim comes "
        "first): lerp(sorted[floor(rank)], sorted[ceil(rank)], weight) with rank = q (N - 1) "
        "(see quantile_picks). NaN in a lane gives NaN unless ignore_nan (nanquantile). Also "
        "returns the two positions and the weight, which the gradient uses."))


def _quantile(input, q, dim, keepdim, interpolation, ignore_nan):
    name = _quantile_name(ignore_nan)
    if not isinstance(q, Tensor):
        if not 0 <= q <= 1:
            raise InvalidArgumentRuntime(f"{name}() q must be in the range [0, 1] but got {q}")
        from ..dispatch import scalar_tensor
        q = scalar_tensor(float(q), dtype=input.dtype if input.dtype.is_floating_point
                          else dt.get_default_dtype())
    d = None if dim is None else normalize_dim(dim, input.ndim, name)
    return dispatch(_QUANTILE, input, q, dim=d, keepdim=keepdim, interpolation=interpolation,
                    ignore_nan=ignore_nan)[0]


@public("quantile")
def quantile(input, q, dim=None, keepdim=False, *, interpolation="linear", out=None):
    return _quantile(input, q, dim, keepdim, interpolation, False)


@public("nanquantile")
def nanquantile(input, q, dim=None, keepdim=False, *, interpolation="linear", out=None):
    return _quantile(input, q, dim, keepdim, interpolation, True)
