"""Order statistics: median, nanmedian, mode, quantile, nanquantile.

Each reads its answer off the sorted order of a lane along `dim` (or of all elements). Orders
follow `sorting.order_of`: NaN is the largest value and ties keep their input order. The
selected values carry their gradient back to the positions they were read from. The
decompositions sort (`sorting`'s sort, itself a decomposition) and gather. Moments, norms and
logsumexp belong in `statistics.py`, sorting itself in `sorting.py`.
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
from ._array import Array, lanes, reduced_shape
from ._op import PROMOTE_NONE, Op, Out, public, register
from .binary import _lerp_scalar as lerp
from .reduce import _AMAX, _SUM, fresh
from .sorting import _SORT, order_of, put_along, selected_grad

median_result = namedtuple("median", ["values", "indices"])
nanmedian_result = namedtuple("nanmedian", ["values", "indices"])
mode_result = namedtuple("mode", ["values", "indices"])


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


def _median_all_decomposed(ignore_nan: bool):
    """median_dim of the flattened input; no elements: NaN (cast as to_dtype casts it)."""
    def decompose(x):
        if x.numel() == 0:
            return x.new_full((), math.nan, dtype=dt.float32).to(x.dtype)
        return dispatch(_MEDIAN_DIM, x.reshape(-1), dim=0, keepdim=False,
                        ignore_nan=ignore_nan)[0]
    return decompose


def _median_all_op(name: str, ignore_nan: bool) -> Op:
    return register(Op(
        name, meta=lambda x: Out((), x.dtype), promote=PROMOTE_NONE,
        reference=lambda a: _median_all_reference(a, ignore_nan),
        decompose=_median_all_decomposed(ignore_nan),
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


def _lane_select_op(name: str, position_of, decompose, doc: str) -> Op:
    return register(Op(
        name, meta=_lane_meta(name.split("_")[0]), reference=_lane_select_reference(position_of),
        decompose=_as_one_lane_if_0d(decompose), backward=selected_grad, promote=PROMOTE_NONE,
        saves_inputs=False, saves_output=True, differentiable_outputs=(0,), doc=doc))


def _as_one_lane_if_0d(decompose):
    """A lane decomposition that also takes a 0-d input, as a lane of one element."""
    def run(x, dim, keepdim, **params):
        if x.ndim:
            return decompose(x, dim, keepdim, **params)
        return tuple(t.reshape(()) for t in decompose(x.reshape(1), 0, keepdim, **params))
    return run


def _pick_from_sorted(x, dim, keepdim, position):
    """(values, indices) at `position` (keepdim shape) along dim of x sorted along dim."""
    values, index = dispatch(_SORT, x, dim=dim, descending=False)
    shape = reduced_shape(x.shape, (dim,), keepdim)
    return (fresh(values.gather(dim, position).reshape(shape)),
            fresh(index.gather(dim, position).reshape(shape)))


def _median_dim_decomposed(x, dim, keepdim, ignore_nan=False):
    """The lower median sits at (valid - 1) // 2 in sorted order, valid = the count of
    non-NaN elements; without ignore_nan a lane holding NaN takes its first NaN (at valid)."""
    valid = dispatch(_SUM, ~x.isnan(), dims=(dim,), keepdim=True)
    position = (valid - 1).clamp(min=0) // 2
    if not ignore_nan:
        position = valid.where(valid < x.shape[dim], position)
    return _pick_from_sorted(x, dim, keepdim, position)


_MEDIAN = _median_all_op("median", ignore_nan=False)
_NANMEDIAN = _median_all_op("nanmedian", ignore_nan=True)
_MEDIAN_DIM = _lane_select_op(
    "median_dim", median_position, _median_dim_decomposed,
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


def _mode_decomposed(x, dim, keepdim):
    """In sorted order equal values are neighbours: count each one's equals, take the first
    largest count (the smallest most frequent value), then the last input position of its
    run (a NaN equals nothing: its own position)."""
    from .creation import arange
    values, index = dispatch(_SORT, x, dim=dim, descending=False)
    lane, order = values.movedim(dim, -1), index.movedim(dim, -1)
    same = lane.unsqueeze(-1) == lane.unsqueeze(-2)
    count = dispatch(_SUM, same, dims=(same.ndim - 1,), keepdim=False)
    first = count.argmax(-1, keepdim=True)
    itself = arange(lane.shape[-1], device=x.device) == first
    in_run = (lane == lane.gather(-1, first)) | itself
    position = dispatch(_AMAX, order.where(in_run, -1), dims=(lane.ndim - 1,), keepdim=True)
    return _pick_from_original(x, dim, keepdim, position.movedim(-1, dim))


def _pick_from_original(x, dim, keepdim, position):
    """(x at `position` along dim, position), in the reduced shape."""
    shape = reduced_shape(x.shape, (dim,), keepdim)
    return fresh(x.gather(dim, position).reshape(shape)), fresh(position.reshape(shape))


_MODE = _lane_select_op(
    "mode", mode_position, _mode_decomposed,
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


def _quantile_decomposed(x, q, dim, keepdim, interpolation, ignore_nan):
    """The same picks on x sorted along dim (flattened for None): rank (in double, as the
    reference) per level and lane, rounded or split into floor and ceil, read by gather."""
    if ((q < 0) | (q > 1)).any().item():
        raise InvalidArgumentRuntime(f"{_quantile_name(ignore_nan)}() q values must be in the "
                                     f"range [0, 1]")
    if dim is None or x.ndim == 0:
        flat = x.reshape(-1)
    else:
        flat = x.movedim(dim, -1)
    values, order = dispatch(_SORT, flat, dim=flat.ndim - 1, descending=False)
    n = flat.shape[-1]
    valid = dispatch(_SUM, ~flat.isnan(), dims=(flat.ndim - 1,), keepdim=True)
    levels = q.to(dt.float64).reshape(q.shape + (1,) * flat.ndim)
    if ignore_nan:
        rank = (levels * (valid - 1)).clamp(min=0.0)
    else:
        rank = (levels * (n - 1)).where(valid == n, float(n - 1))
    interpolates = interpolation in ("linear", "midpoint")
    if interpolates:
        below, above = rank.floor(), rank.ceil()
        weight = rank - below if interpolation == "linear" else rank.new_full(rank.shape, 0.5)
    else:
        rounding = {"lower": rank.floor, "higher": rank.ceil, "nearest": rank.round}
        below = above = rounding[interpolation]()
        weight = rank.new_zeros(rank.shape)
    below, above, weight = below.to(dt.int64), above.to(dt.int64), weight.to(x.dtype)
    lanes_shape = below.shape[:-1] + (n,)
    values, order = values.expand(lanes_shape), order.expand(lanes_shape)
    value = values.gather(-1, below)
    if interpolates:
        value = value.lerp(values.gather(-1, above), weight)
    shape = _quantile_shape(x.shape, q.shape, dim, keepdim)
    return tuple(fresh(t.reshape(shape)) for t in (
        value, order.gather(-1, below), order.gather(-1, above), weight))


_QUANTILE = register(Op(
    "quantile", meta=_quantile_meta, reference=_quantile_reference, backward=_quantile_grad,
    decompose=_quantile_decomposed,
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
