"""Sorting and selection: sort, argsort, msort, topk, kthvalue, unique, unique_consecutive.

Every op here orders the elements of 1-D lanes along one dim. The order is PyTorch's: NaN
counts as larger than every number (last when ascending, first when descending) and -0.0
equals 0.0. The reference sorts stably, so tied elements keep their input order; PyTorch
promises that only with stable=True, and its choice among ties may differ elsewhere.

Values that an op selects carry gradients back to the positions they came from (`put_along`);
indices and the outputs of unique are integers and carry none. For backends without a sort,
each op decomposes into primitives by sorting by counting (`_sorted_order`: an (n, n)
comparison per lane, a sum, a scatter_add) and gathers; unique decomposes into stable sorts
(one per column for slices), so it runs at the speed of the backend's sort. This module must not compute
statistics (median, quantile: `order_statistics.py`) or running scans (`scan.py`).
"""
from __future__ import annotations

import math

from .._core import dtype as dt
from .._core.errors import (DTypeNotImplemented, DTypeRuntimeError, IndexOutOfRange,
                            InvalidArgumentRuntime)
from .._core.shape import contiguous_strides, normalize_dim
from ..dispatch import dispatch
from ._array import Array, indices, lanes, position
from ._op import PROMOTE_NONE, Op, Out, public, register
from .reduce import fresh


def _named(name: str):
    from collections import namedtuple
    return namedtuple(name, ["values", "indices"])


sort_result, topk_result, kthvalue_result = (_named("sort"), _named("topk"),
                                             _named("kthvalue"))


# ------------------------------------------------------------ helpers shared by the family

def put_along(values, index, dim: int, shape):
    """zeros(shape) with out[..., index[i], ...] += values[i] along `dim` (scatter_add).

    The gradient of every value-selecting op: each selected value's gradient goes back to
    the position it was read from. Written with index_put, so it is differentiable itself.
    """
    from .indexing import _INDEX_PUT
    from .creation import arange
    shape = tuple(shape)
    if not shape:
        return values.reshape(())
    index_tensors = []
    for d in range(len(shape)):
        if d == dim:
            index_tensors.append(index)
        else:
            view = [1] * len(shape)
            view[d] = index.shape[d]
            index_tensors.append(arange(index.shape[d]).reshape(view))
    return dispatch(_INDEX_PUT, values.new_zeros(shape), values, *index_tensors,
                    dims=tuple(range(len(shape))), accumulate=True)


def order_of(xs: list, descending: bool = False) -> list[int]:
    """Positions of xs in sorted order; NaN is the largest value; ties keep their order."""
    def key(k):
        x = xs[k]
        return (x != x, 0 if x != x else x)
    return sorted(range(len(xs)), key=key, reverse=descending)


def _lanes_of_shape(shape, dim: int) -> list[list[int]]:
    return lanes(Array([0] * math.prod(shape), shape), dim)


def _select_reference(a: Array, dim: int, descending: bool, start: int, count: int):
    """For each lane along dim: elements start..start+count of its sorted order, with indices."""
    out_shape = a.shape[:dim] + (count,) + a.shape[dim + 1:] if a.ndim else a.shape
    values = [0] * math.prod(out_shape)
    picked = [0] * len(values)
    for source, target in zip(lanes(a, dim), _lanes_of_shape(out_shape, dim)):
        xs = [a.data[p] for p in source]
        order = order_of(xs, descending)[start:start + count]
        for p, k in zip(target, order):
            values[p], picked[p] = xs[k], k
    return Array(values, out_shape), Array(picked, out_shape)


def selected_grad(ctx, g, _unused=None):
    """The gradient of the selected values, put back where they were read."""
    index = ctx.outputs[1]
    if not getattr(ctx, "keepdim", True) and ctx.input_shapes[0]:
        g, index = g.unsqueeze(ctx.dim), index.unsqueeze(ctx.dim)
    return (put_along(g, index, ctx.dim, ctx.input_shapes[0]),)


def _selection_op(name: str, meta, reference, doc: str, decompose=None) -> Op:
    return register(Op(name, meta=meta, reference=reference, backward=selected_grad,
                       decompose=decompose, promote=PROMOTE_NONE, saves_inputs=False,
                       saves_output=True, differentiable_outputs=(0,), doc=doc))


# ------------------------------------------------------------ sort, argsort, msort

def _sort_meta(x, dim, descending):
    return Out(x._shape, x.dtype), Out(x._shape, dt.int64)


def _sorted_order(ahead, equal):
    """Sorting by counting: from the (..., n, n) comparisons of element i (down) with element
    j (across), element i goes to position rank_i = the number of elements ahead of it, plus
    the equal ones before it (j < i: a stable sort). A scatter_add of the positions i at their
    ranks inverts that permutation: out[k] = the i with rank_i = k."""
    from .creation import arange
    j = arange(ahead.shape[-1], device=ahead.device)
    rank = (ahead | (equal & (j < j.unsqueeze(-1)))).sum(-1)
    positions = j.expand(rank.shape)
    return positions.new_zeros(rank.shape).scatter_add(-1, rank, positions)


def _sort_decomposed(x, dim, descending):
    """x_j is ahead of x_i when smaller (larger if descending), NaN counting as the largest:
    `_sorted_order` over an (n, n) comparison per lane, then a gather."""
    lane = x.reshape(1) if x.ndim == 0 else x.movedim(dim, -1)
    mine, other = lane.unsqueeze(-1), lane.unsqueeze(-2)     # x_i down, x_j across
    if descending:
        ahead = (other > mine) | (other.isnan() & ~mine.isnan())
    else:
        ahead = (other < mine) | (mine.isnan() & ~other.isnan())
    equal = (other == mine) | (other.isnan() & mine.isnan())
    index = _sorted_order(ahead, equal)
    values = lane.gather(-1, index)
    if x.ndim == 0:
        return values.reshape(()), index.reshape(())
    return fresh(values.movedim(-1, dim)), fresh(index.movedim(-1, dim))


_SORT = _selection_op(
    "sort", _sort_meta,
    lambda a, dim, descending: _select_reference(a, dim, descending, 0,
                                                 a.shape[dim] if a.ndim else 1),
    "values[..., j, ...] = the j-th smallest (largest if descending) element of each lane "
    "along dim, and indices = where it was. NaN sorts as the largest value; stable.",
    decompose=_sort_decomposed)


@public("sort")
def sort(input, dim=-1, descending=False, *, stable=False, out=None):
    """(values, indices) of input sorted along dim; the reference is always stable."""
    d = normalize_dim(dim, input.ndim, "sort")
    return sort_result(*dispatch(_SORT, input, dim=d, descending=bool(descending)))


@public("argsort")
def argsort(input, dim=-1, descending=False, *, stable=False):
    """The indices that sort input along dim (the `indices` of sort)."""
    return sort(input, dim, descending, stable=stable).indices


@public("msort")
def msort(input):
    """input sorted along its first dim."""
    return sort(input, 0).values


# ------------------------------------------------------------ topk, kthvalue

def _topk_meta(x, k, dim, largest):
    if x.dtype is dt.bool_:
        raise DTypeRuntimeError("topk does not support bool dtypes on CPU")
    size = x._shape[dim] if x.ndim else 1
    if not 0 <= k <= size:
        raise InvalidArgumentRuntime(f"topk: selected index k out of range (k = {k}, size of "
                                     f"dim {dim} = {size})")
    shape = x._shape[:dim] + (k,) + x._shape[dim + 1:] if x.ndim else ()
    return Out(shape, x.dtype), Out(shape, dt.int64)


def _topk_decomposed(x, k, dim, largest):
    """The first k of sort (descending when largest)."""
    values, index = dispatch(_SORT, x, dim=dim, descending=largest)
    if x.ndim == 0:
        return values, index
    return fresh(values.narrow(dim, 0, k)), fresh(index.narrow(dim, 0, k))


_TOPK = _selection_op(
    "topk", _topk_meta,
    lambda a, k, dim, largest: _select_reference(a, dim, largest, 0, k if a.ndim else 1),
    "the k largest (smallest unless largest) elements of each lane along dim, in sorted "
    "order, and their indices. NaN counts as the largest value. A 0-d input is returned "
    "as it is for k = 0 as well as k = 1 (as PyTorch). Bool is rejected.",
    decompose=_topk_decomposed)


@public("topk")
def topk(input, k, dim=-1, largest=True, sorted=True, *, out=None):
    """(values, indices) of the k largest elements along dim; always returned sorted."""
    d = normalize_dim(dim, input.ndim, "topk")
    return topk_result(*dispatch(_TOPK, input, k=int(k), dim=d, largest=bool(largest)))


def _kthvalue_meta(x, k, dim, keepdim):
    if x.dtype is dt.bool_:
        raise DTypeNotImplemented("kthvalue: \"kthvalue_cpu\" not implemented for 'Bool'")
    size = x._shape[dim] if x.ndim else 1
    if size == 0:
        raise IndexOutOfRange(f"kthvalue(): Expected reduction dim {dim} to have non-zero "
                              f"size.")
    if not 1 <= k <= size:
        raise InvalidArgumentRuntime(f"kthvalue(): selected number k out of range for "
                                     f"dimension {dim} (k = {k}, size {size})")
    shape = _reduced(x._shape, dim, keepdim)
    return Out(shape, x.dtype), Out(shape, dt.int64)


def _reduced(shape, dim, keepdim):
    if not shape:
        return ()
    return shape[:dim] + ((1,) if keepdim else ()) + shape[dim + 1:]


def _kthvalue_reference(a, k, dim, keepdim):
    values, picked = _select_reference(a, dim, False, k - 1, 1)
    shape = _reduced(a.shape, dim, keepdim)
    return Array(values.data, shape), Array(picked.data, shape)


def _kthvalue_decomposed(x, k, dim, keepdim):
    """Position k - 1 of sort."""
    values, index = dispatch(_SORT, x, dim=dim, descending=False)
    shape = _reduced(x.shape, dim, keepdim)
    if x.ndim == 0:
        return values, index
    return (fresh(values.narrow(dim, k - 1, 1).reshape(shape)),
            fresh(index.narrow(dim, k - 1, 1).reshape(shape)))


_KTHVALUE = _selection_op(
    "kthvalue", _kthvalue_meta, _kthvalue_reference,
    "the k-th smallest element (k from 1) of each lane along dim and its index; NaN counts "
    "as the largest value.", decompose=_kthvalue_decomposed)


@public("kthvalue")
def kthvalue(input, k, dim=-1, keepdim=False, *, out=None):
    d = normalize_dim(dim, input.ndim, "kthvalue")
    return kthvalue_result(*dispatch(_KTHVALUE, input, k=int(k), dim=d, keepdim=keepdim))


# ------------------------------------------------------------ unique, unique_consecutive

def _slices(a: Array, dim):
    """The elements of `a` as the keys unique compares: numbers, or slices along dim."""
    if dim is None:
        return list(a.data)
    return [tuple(a.data[p] for p in lane) for lane in _slice_positions(a.shape, dim)]


def _slice_positions(shape, dim):
    """Flat positions of each slice x.select(dim, i), row-major inside the slice."""
    strides = contiguous_strides(shape)
    rest = shape[:dim] + shape[dim + 1:]
    rest_strides = strides[:dim] + strides[dim + 1:]
    return [[i * strides[dim] + position(j, rest_strides) for j in indices(rest)]
            for i in range(shape[dim])]


def _slice_key(key):
    items = key if isinstance(key, tuple) else (key,)
    return tuple((x != x, 0 if x != x else x) for x in items)


def _unique_reference(a: Array, dim, consecutive):
    """(distinct keys, inverse, counts): sorted distinct keys unless `consecutive`."""
    keys = _slices(a, dim)
    order = list(range(len(keys)))
    if not consecutive:
        order.sort(key=lambda k: _slice_key(keys[k]))
    distinct, counts, inverse = [], [], [0] * len(keys)
    for k in order:
        # == is unique's equality: -0.0 equals 0.0, and NaN equals nothing, not even NaN
        if distinct and all(x == y for x, y in zip(_as_tuple(keys[k]), _as_tuple(distinct[-1]))):
            counts[-1] += 1
        else:
            distinct.append(keys[k])
            counts.append(1)
        inverse[k] = len(distinct) - 1
    inverse_shape = a.shape if dim is None else (a.shape[dim],)
    return (_stack_keys(distinct, a, dim), Array(inverse, inverse_shape),
            Array(counts, (len(counts),)))


def _as_tuple(key):
    return key if isinstance(key, tuple) else (key,)


def _stack_keys(keys, a: Array, dim):
    """The distinct keys as an array: 1-D for dim=None, else slices stacked along dim."""
    if dim is None:
        return Array(keys, (len(keys),))
    shape = a.shape[:dim] + (len(keys),) + a.shape[dim + 1:]
    data = [0] * math.prod(shape)
    for i, positions in enumerate(_slice_positions(shape, dim)):
        for p, x in zip(positions, keys[i]):
            data[p] = x
    return Array(data, shape)


def _unique_decomposed(x, dim, consecutive):
    """The keys (elements, or slices along dim as rows) in sorted order unless consecutive; a
    run starts wherever a key differs from the one before it (NaN differs from everything).
    The runs' first keys are the distinct keys, each key's run number its inverse, and the
    runs' lengths (a bincount of the run numbers) the counts."""
    from .creation import arange
    n = x.numel() if dim is None else x.shape[dim]
    rest = () if dim is None else x.shape[:dim] + x.shape[dim + 1:]
    keys = x.reshape(n, 1) if dim is None else x.movedim(dim, 0).reshape(n, math.prod(rest))
    steps = arange(n, device=x.device)
    order = steps if consecutive else _lexicographic_order(keys)
    ordered = keys[order]
    starts = (ordered != ordered[(steps - 1).clamp(min=0)]).any(1) | (steps == 0)
    run = starts.cumsum(0) - 1
    inverse = run.new_zeros((n,)).scatter_add(0, order, run)
    distinct = ordered[starts]
    if dim is None:
        values, inverse = distinct.reshape(-1), inverse.reshape(x.shape)
    else:
        values = distinct.reshape((distinct.shape[0],) + rest).movedim(0, dim)
    return fresh(values), fresh(inverse), run.bincount()


def _lexicographic_order(keys):
    """The stable order of the rows of keys (n, m) compared as sequences, NaN the largest:
    stable sorts by each column, the last column first (a radix sort by columns)."""
    from .creation import arange
    order = arange(keys.shape[0], device=keys.device)
    for column in reversed(range(keys.shape[1])):
        order = order[keys[order, column].argsort(stable=True)]
    return order


def _unique_meta(x, dim, consecutive):
    if dim is not None:
        if any(n == 0 for d, n in enumerate(x._shape) if d != dim):
            raise InvalidArgumentRuntime("unique: There are 0 sized dimensions, and they "
                                         "aren't selected, so unique cannot be applied")
        values_shape = x._shape[:dim] + (None,) + x._shape[dim + 1:]
        inverse_shape = (x._shape[dim],)
    else:
        values_shape, inverse_shape = (None,), x._shape
    return Out(values_shape, x.dtype), Out(inverse_shape, dt.int64), Out((None,), dt.int64)


_UNIQUE = register(Op(
    "unique", meta=_unique_meta, reference=_unique_reference, promote=PROMOTE_NONE,
    decompose=_unique_decomposed,
    doc="the distinct elements (or slices along dim) in ascending order, the position of each "
        "input element in that list (inverse), and how often each occurs (counts); with "
        "consecutive, only runs of equal neighbours merge. NaNs never merge; -0.0 equals "
        "0.0 and the first in sorted order is kept. Sizes depend on the data."))


def _unique(input, dim, consecutive, return_inverse, return_counts):
    if dim is not None and input.ndim == 0:
        raise IndexOutOfRange(f"unique: Dimension specified as {dim} but tensor has no "
                              f"dimensions")
    d = None if dim is None else normalize_dim(dim, input.ndim, "unique")
    values, inverse, counts = dispatch(_UNIQUE, input, dim=d, consecutive=consecutive)
    results = (values,) + ((inverse,) if return_inverse else ()) + (
        (counts,) if return_counts else ())
    return results[0] if len(results) == 1 else results


@public("unique")
def unique(input, sorted=True, return_inverse=False, return_counts=False, dim=None):
    """Distinct elements (ascending, also when sorted=False, as PyTorch on the CPU)."""
    return _unique(input, dim, False, return_inverse, return_counts)


@public("unique_consecutive")
def unique_consecutive(input, return_inverse=False, return_counts=False, dim=None):
    """Each run of equal neighbours collapsed to one element (or slice along dim)."""
    return _unique(input, dim, True, return_inverse, return_counts)


__all__ = ["put_along", "order_of", "selected_grad"]
