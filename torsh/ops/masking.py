"""Element selection by mask or by flat position: masked_select, masked_scatter, take, put.

- masked_select(x, mask): the elements where mask is True, as a 1-D tensor (row-major order,
  after broadcasting x and mask); masked_scatter writes consecutive source elements there.
- take(x, index) / put(x, index, source): x read or written as if flattened (row-major);
  negative indices count from the end. take_along_dim is gather with broadcasting.

Masks must be bool. The size of masked_select's result depends on the data, so its meta leaves
it open (None), like nonzero's. masked_fill lives with indexing (a composite of where).
Each op decomposes into nonzero, index and index_put on the flattened tensor.
"""
from __future__ import annotations

from .._core import dtype as dt
from .._core.errors import (DTypeRuntimeError, IndexOutOfRange, InvalidArgumentRuntime,
                            ShapeMismatch)
from .._core.shape import broadcast_shapes, normalize_dim
from ..dispatch import dispatch, dispatch_inplace
from ..tensor import Tensor
from ._array import Array, broadcast_to
from ._op import PROMOTE_NONE, Op, Out, method_only, public, register
from .._core.errors import IndexOutOfBounds
from ._index_common import check_index_dtype, last_writes
from .index_ops import check_bounds, index_along, put_along
from .indexing import nonzero


def _check_mask(op: str, mask) -> None:
    if not isinstance(mask, Tensor):
        raise TypeError(f"{op}(): argument 'mask' must be Tensor, not {type(mask).__name__}")
    if mask.dtype is not dt.bool_:
        raise DTypeRuntimeError(f"{op}(): expected BoolTensor for mask, got mask with dtype "
                                f"{mask.dtype.name}")


# ------------------------------------------------------------ masked_select / masked_scatter

def _masked_select_meta(x, mask):
    _check_mask("masked_select", mask)
    broadcast_shapes(x._shape, mask._shape, op="masked_select")
    return Out((None,), x.dtype)


def _masked_select_reference(x: Array, mask: Array):
    """[x[i] for every i (row-major, after broadcasting) where mask[i]]."""
    shape = broadcast_shapes(x.shape, mask.shape)
    picked = [v for v, keep in zip(broadcast_to(x, shape).data, broadcast_to(mask, shape).data)
              if keep]
    return Array(picked, (len(picked),))


def _true_positions(mask: Tensor, shape) -> Tensor:
    """The row-major positions of mask's True elements once broadcast to shape, as 1-D."""
    return nonzero(mask.expand(shape).reshape(-1)).reshape(-1)


def _masked_select_decompose(x, mask):
    """x (broadcast with mask, flattened) read at the positions where mask is True."""
    shape = broadcast_shapes(x._shape, mask._shape)
    return index_along(x.expand(shape).reshape(-1), 0, _true_positions(mask, shape))


def _masked_select_grad(ctx, g):
    x, mask = ctx.inputs
    shape = broadcast_shapes(x._shape, mask._shape)
    return dispatch(_MASKED_SCATTER, g.new_zeros(shape), mask, g), None


_MASKED_SELECT = register(Op(
    "masked_select", meta=_masked_select_meta, reference=_masked_select_reference,
    decompose=_masked_select_decompose, promote=PROMOTE_NONE, backward=_masked_select_grad,
    doc="The elements of input where mask is True, 1-D, row-major after broadcasting the two. "
        "Gradient: g scattered back into zeros at the mask (summed over broadcast dims)."))


def _masked_scatter_meta(x, mask, source):
    _check_mask("masked_scatter", mask)
    if source.dtype is not x.dtype:
        raise DTypeRuntimeError(f"masked_scatter(): expected self and source to have same "
                                f"dtypes but got {x.dtype.name} and {source.dtype.name}")
    return Out(broadcast_shapes(x._shape, mask._shape, op="masked_scatter"), x.dtype)


def _masked_scatter_reference(x: Array, mask: Array, source: Array):
    """out = x (broadcast with mask); the k-th True of mask gets source's k-th element."""
    shape = broadcast_shapes(x.shape, mask.shape)
    out = list(broadcast_to(x, shape).data)
    wanted = [p for p, keep in enumerate(broadcast_to(mask, shape).data) if keep]
    _check_enough_source(len(source.data), len(wanted))
    for p, value in zip(wanted, source.data):
        out[p] = value
    return Array(out, shape)


def _check_enough_source(available: int, wanted: int) -> None:
    if wanted > available:
        raise InvalidArgumentRuntime(f"masked_scatter(): Number of elements of source "
                                     f"({available}) < number of ones in mask ({wanted})")


def _masked_scatter_decompose(x, mask, source):
    """x (broadcast with mask, flattened) with the positions where mask is True set to
    source's first elements, in order (index_put)."""
    shape = broadcast_shapes(x._shape, mask._shape)
    wanted = _true_positions(mask, shape)
    _check_enough_source(source.numel(), wanted.numel())
    used = source.reshape(-1)[:wanted.numel()]
    return put_along(x.expand(shape).reshape(-1), 0, wanted, used).reshape(shape)


def _masked_scatter_grad(ctx, g):
    """Source's gradient: g at the mask, in order, then zeros for the unused source tail."""
    mask, source_shape = ctx.inputs[1], ctx.input_shapes[2]
    used = g.masked_select(mask)
    count = 1
    for n in source_shape:
        count *= n
    from .. import cat
    grad_source = cat([used, used.new_zeros((count - used.numel(),))]).reshape(source_shape)
    return g.masked_fill(mask, 0), None, grad_source


_MASKED_SCATTER = register(Op(
    "masked_scatter", meta=_masked_scatter_meta, reference=_masked_scatter_reference,
    decompose=_masked_scatter_decompose, promote=PROMOTE_NONE, backward=_masked_scatter_grad,
    doc="input with the positions where mask is True filled, in row-major order, by "
        "consecutive elements of source (flattened; it may hold more than needed)."))


@public("masked_select")
def masked_select(input, mask):
    """The elements of input where mask (bool, broadcastable) is True, as a 1-D tensor."""
    return dispatch(_MASKED_SELECT, input, mask)


@public("masked_scatter")
def masked_scatter(input, mask, source):
    """input with the True positions of mask filled by consecutive elements of source."""
    return dispatch(_MASKED_SCATTER, input, mask, source)


@method_only("masked_scatter_")
def masked_scatter_(self, mask, source):
    return dispatch_inplace(_MASKED_SCATTER, self, mask, source)


# ------------------------------------------------------------ take / put: flat positions

def _flat_position(op: str, i: int, count: int) -> int:
    """Row-major position i of a tensor of `count` elements; negative i counts from the end."""
    if not -count <= i < count:
        raise IndexOutOfBounds(f"{op}(): out of range: tried to access index {i} on a tensor "
                               f"of {count} elements.")
    return i % count


def _take_meta(x, index):
    check_index_dtype("take", index, (dt.int64,))
    return Out(index._shape, x.dtype)


def _take_reference(x: Array, index: Array):
    """out[j] = x.flatten()[index[j]], shaped like index."""
    return Array([x.data[_flat_position("take", i, len(x.data))] for i in index.data],
                 index.shape)


def _check_flat_bounds(op: str, x: Tensor, index: Tensor) -> None:
    """The reference's error for an index outside [-numel, numel)."""
    count = x.numel()
    check_bounds(index, -count, count, lambda i: _flat_position(op, i, count))


def _take_decompose(x, index):
    """x flattened, read at index (negative positions from the end)."""
    _check_flat_bounds("take", x, index)
    return index_along(x.reshape(-1), 0, index)


_TAKE = register(Op(
    "take", meta=_take_meta, reference=_take_reference, decompose=_take_decompose,
    promote=PROMOTE_NONE,
    backward=lambda ctx, g: (dispatch(_PUT, g.new_zeros(ctx.input_shapes[0]), ctx.inputs[1], g,
                                      accumulate=True), None),
    doc="input.flatten()[index], shaped like index. Gradient: g put back with accumulate."))


def _put_meta(x, index, source, accumulate):
    check_index_dtype("put", index, (dt.int64,))
    if source.dtype is not x.dtype:
        raise DTypeRuntimeError(f"put(): self and source expected to have the same dtype, but "
                                f"got self.dtype = {x.dtype.name} and source.dtype = "
                                f"{source.dtype.name}")
    if source.numel() != index.numel():
        raise IndexOutOfRange(f"put(): Expected source and index to have the same number of "
                              f"elements, but got source.numel() = {source.numel()}, "
                              f"index.numel() = {index.numel()}")
    return Out(x._shape, x.dtype)


def _put_reference(x: Array, index: Array, source: Array, accumulate):
    """out = x, then out.flatten()[index[j]] = source[j] (+= with accumulate)."""
    out = list(x.data)
    for i, value in zip(index.data, source.data):
        p = _flat_position("put", i, len(out))
        out[p] = out[p] + value if accumulate else value
    return Array(out, x.shape)


def _put_grad(ctx, g):
    index = ctx.inputs[1]
    grad_source = dispatch(_TAKE, g, index)
    if ctx.accumulate:
        return g, None, grad_source.reshape(ctx.input_shapes[2])
    grad_x = dispatch(_PUT, g, index, g.new_zeros(()).expand(index.shape), accumulate=False)
    survived = last_writes(
        lambda order: dispatch(_PUT, order.new_full(g.shape, -1), index, order, accumulate=False),
        lambda last: dispatch(_TAKE, last, index), index.numel(), index.shape, g.device)
    return grad_x, None, grad_source.where(survived, 0).reshape(ctx.input_shapes[2])


def _put_decompose(x, index, source, accumulate):
    """x flattened, with source's elements set (or added) at index (an index_put)."""
    _check_flat_bounds("put", x, index)
    flat = put_along(x.reshape(-1), 0, index.reshape(-1), source.reshape(-1), accumulate)
    return flat.reshape(x.shape)


_PUT = register(Op(
    "put", meta=_put_meta, reference=_put_reference, decompose=_put_decompose,
    promote=PROMOTE_NONE, backward=_put_grad,
    doc="input with input.flatten()[index] = source (or += with accumulate; then repeats add "
        "up, else the last write wins). Gradient: g (zeroed where written, without "
        "accumulate) for input, g.take(index) for source (0 for overwritten repeats)."))


@public("take")
def take(input, index):
    """input read as if flat: input.flatten()[index], shaped like index."""
    return dispatch(_TAKE, input, index)


@public("put")
def put(input, index, source, accumulate=False):
    """input with input.flatten()[index] = source (+= when accumulate)."""
    return dispatch(_PUT, input, index, source, accumulate=bool(accumulate))


@method_only("put_")
def put_(self, index, source, accumulate=False):
    return dispatch_inplace(_PUT, self, index, source, accumulate=bool(accumulate))


@public("take_along_dim")
def take_along_dim(input, indices, dim=None):
    """gather(input, dim, indices) after broadcasting the two outside dim; indices are taken
    modulo the size of dim (PyTorch 2.13 does this too). Without dim: input.flatten() gathered
    by indices.flatten() (negative indices are then out of bounds)."""
    name = "take_along_dim"
    check_index_dtype(name, indices, (dt.int64,))
    if dim is None:
        return input.reshape(-1).gather(0, indices.reshape(-1))
    if input.ndim == 0:
        raise IndexOutOfRange(f"{name}(): Dimension specified as {dim} but tensor has no "
                              f"dimensions")
    dim = normalize_dim(dim, input.ndim, name)
    if input.ndim != indices.ndim:
        raise ShapeMismatch(f"{name}(): input and indices should have the same number of "
                              f"dimensions, but got {input.ndim} dimensions for input, and "
                              f"{indices.ndim} dimensions for indices")
    outer = list(broadcast_shapes(input.shape[:dim] + (1,) + input.shape[dim + 1:],
                                  indices.shape[:dim] + (1,) + indices.shape[dim + 1:], op=name))
    input_shape, indices_shape = list(outer), list(outer)
    input_shape[dim], indices_shape[dim] = input.shape[dim], indices.shape[dim]
    size = input.shape[dim]
    wrapped = indices % size if size else indices
    return input.expand(input_shape).gather(dim, wrapped.expand(indices_shape))
