"""Indexing: `x[...]` and `x[...] = v`, advanced indexing, index_put, gather, nonzero.

Basic indices (ints, slices, None, Ellipsis) make views. Integer and bool tensors (and lists)
are advanced indices, following PyTorch (and numpy): the index tensors broadcast together to a
shape B; if the advanced dims are adjacent, B replaces them in place, otherwise B comes first.
A bool mask stands for the integer indices of its True elements (`nonzero`). Index tensors are
int64, int32, uint8 (a mask, as PyTorch's deprecated form) or bool; a short list holding a
sequence, slice, None or Ellipsis is read as a tuple (x[[[0, 2]]] is x[[0, 2]]), as PyTorch.
A Python number written by `x[...] = v` must fit the dtype (else RuntimeError, as PyTorch),
except for float16 / bfloat16, which round to ±inf.
"""
from __future__ import annotations

import math

from .._core import dtype as dt
from .._core.errors import (DTypeRuntimeError, IndexOutOfBounds, IndexOutOfRange,
                            InvalidArgumentRuntime, ShapeMismatch)
from .._core.shape import broadcast_shapes, contiguous_strides, normalize_dim
from ..dispatch import dispatch, dispatch_inplace
from ..tensor import Tensor
from ._array import Array, broadcast_to, indices, position
from ._index_common import checked_scalar
from ._op import METHODS, PROMOTE_NONE, Op, Out, method_only, public, register


# ------------------------------------------------------------ advanced indexing: the layout

def _advanced_layout(shape, dims, index_shape):
    """Output shape of x[advanced indices on `dims`] and where B sits in it."""
    adjacent = list(dims) == list(range(dims[0], dims[0] + len(dims)))
    rest = [d for d in range(len(shape)) if d not in dims]
    if adjacent:
        before = [d for d in rest if d < dims[0]]
        after = [d for d in rest if d > dims[-1]]
    else:
        before, after = [], rest
    out_shape = (tuple(shape[d] for d in before) + tuple(index_shape) +
                 tuple(shape[d] for d in after))
    return out_shape, before, after


def _source_positions(shape, dims, index_arrays):
    """For each output element of x[indices], the flat position it reads in x (row-major)."""
    index_shape = broadcast_shapes(*(a.shape for a in index_arrays))
    columns = [broadcast_to(a, index_shape).data for a in index_arrays]
    out_shape, before, after = _advanced_layout(shape, dims, index_shape)
    strides = contiguous_strides(shape)
    nb, ni = len(before), len(index_shape)
    index_strides = contiguous_strides(index_shape)
    result = []
    for out_index in indices(out_shape):
        head, middle, tail = out_index[:nb], out_index[nb:nb + ni], out_index[nb + ni:]
        k = position(middle, index_strides)
        source = [0] * len(shape)
        for d, i in zip(before, head):
            source[d] = i
        for d, i in zip(after, tail):
            source[d] = i
        for d, column in zip(dims, columns):
            i = column[k]
            if not -shape[d] <= i < shape[d]:
                raise IndexOutOfRange(f"index {i} is out of bounds for dimension {d} with size "
                                      f"{shape[d]}")
            source[d] = i % shape[d]
        result.append(position(source, strides))
    return result, out_shape


def _index_meta(x, *index_tensors, dims):
    try:
        index_shape = broadcast_shapes(*(t._shape for t in index_tensors))
    except ShapeMismatch:
        shapes = ", ".join(str(list(t.shape)) for t in index_tensors)
        raise IndexOutOfRange(f"shape mismatch: indexing tensors could not be broadcast "
                              f"together with shapes {shapes}") from None
    for d in dims:
        if x._shape[d] == 0 and math.prod(index_shape):
            raise IndexOutOfRange(f"index is out of bounds for dimension {d} with size 0")
    return Out(_advanced_layout(x._shape, dims, index_shape)[0], x.dtype)


def _index_reference(x: Array, *index_arrays, dims):
    where, out_shape = _source_positions(x.shape, dims, index_arrays)
    return Array([x.data[p] for p in where], out_shape)


_INDEX = register(Op(
    "index", meta=_index_meta, reference=_index_reference, promote=PROMOTE_NONE,
    backward=lambda ctx, g: (dispatch(_INDEX_PUT, g.new_zeros(ctx.input_shapes[0]), g,
                                      *ctx.inputs[1:], dims=ctx.dims, accumulate=True),),
    doc="x[i0, i1, ...] with integer index tensors on `dims` (advanced indexing)."))


def _index_put_meta(x, values, *index_tensors, dims, accumulate):
    target = _index_meta(x, *index_tensors, dims=dims).shape
    fits = len(values._shape) <= len(target) and all(
        v in (1, t) for v, t in zip(reversed(values._shape), reversed(target)))
    if not fits:
        raise ShapeMismatch(f"shape mismatch: value tensor of shape {list(values.shape)} cannot "
                            f"be broadcast to indexing result of shape {list(target)}")
    return Out(x._shape, x.dtype)


def _index_put_reference(x: Array, values: Array, *index_arrays, dims, accumulate):
    where, out_shape = _source_positions(x.shape, dims, index_arrays)
    values = broadcast_to(values, out_shape)
    out = list(x.data)
    for p, v in zip(where, values.data):
        out[p] = out[p] + v if accumulate else v
    return Array(out, x.shape)


def _index_put_grad(ctx, g):
    index_tensors = ctx.inputs[2:]
    grad_x = g if ctx.accumulate else dispatch(
        _INDEX_PUT, g, g.new_zeros(()), *index_tensors, dims=ctx.dims, accumulate=False)
    grad_values = dispatch(_INDEX, g, *index_tensors, dims=ctx.dims)
    return (grad_x, grad_values) + (None,) * len(index_tensors)


_INDEX_PUT = register(Op(
    "index_put", meta=_index_put_meta, reference=_index_put_reference, promote=PROMOTE_NONE,
    backward=_index_put_grad,
    doc="x with x[indices] = values (or += values with accumulate; repeated indices then "
        "add up; without accumulate the last write wins)."))


_INDEX_DTYPES = (dt.int64, dt.int32, dt.uint8, dt.bool_)


def _check_index_tensor(index: Tensor) -> None:
    if index.dtype not in _INDEX_DTYPES:
        raise IndexOutOfRange(f"tensors used as indices must be long, int, byte or bool "
                              f"tensors (got {index.dtype.name})")


def _same_dtype_values(op, input, values, indices):
    """index_put wants at least one index, and values of input's dtype (x[i] = v casts)."""
    for k, index in enumerate(indices):
        if not isinstance(index, Tensor):
            raise TypeError(f"{op}(): expected Tensor as element {k} in argument 0, but got "
                            f"{type(index).__name__}")
    if not indices:
        raise InvalidArgumentRuntime(f"{op}(): expected at least one index tensor")
    if isinstance(values, Tensor) and values.dtype is not input.dtype:
        raise DTypeRuntimeError(f"{op}(): Index put requires the source and destination dtypes "
                                f"match, got {input.dtype.name} for the destination and "
                                f"{values.dtype.name} for the source.")
    return _as_value(values, input)


@public("index_put")
def index_put(input, indices, values, accumulate=False):
    """A copy of input with input[indices] = values (a tuple of index tensors, from dim 0)."""
    dims, tensors = _advanced_dims(input, indices)
    values = _same_dtype_values("index_put", input, values, indices)
    return dispatch(_INDEX_PUT, input, values, *tensors, dims=dims, accumulate=accumulate)


@method_only("index_put_")
def index_put_(self, indices, values, accumulate=False):
    dims, tensors = _advanced_dims(self, indices)
    values = _same_dtype_values("index_put_", self, values, indices)
    return dispatch_inplace(_INDEX_PUT, self, values, *tensors, dims=dims,
                            accumulate=accumulate)


def _advanced_dims(input, index_tensors):
    """Index tensors for dims 0, 1, ... (None entries skip a dim); bool masks expand."""
    dims, tensors, dim = [], [], 0
    for index in index_tensors:
        if index is None:
            dim += 1
            continue
        index = _as_index_tensor(index)
        if index.dtype in (dt.bool_, dt.uint8):
            masks = _mask_indices(index, input, dim)
            dims.extend(range(dim, dim + len(masks)))
            tensors.extend(masks)
            dim += len(masks)
        else:
            dims.append(dim)
            tensors.append(index)
            dim += 1
    return tuple(dims), tensors


def _as_value(values, like):
    if isinstance(values, Tensor):
        return values if values.dtype is like.dtype else values.to(like.dtype)
    from .creation import tensor
    return tensor(values, dtype=like.dtype)


def _as_index_tensor(index) -> Tensor:
    if isinstance(index, Tensor):
        _check_index_tensor(index)
        return index
    from .creation import tensor
    if isinstance(index, (list, tuple)) and len(index) == 0:
        return tensor([], dtype=dt.int64)
    result = tensor(index)
    _check_index_tensor(result)
    return result


def _mask_indices(mask: Tensor, input: Tensor, dim: int) -> list[Tensor]:
    """A bool mask over dims dim..dim+k as k integer index tensors."""
    for k, size in enumerate(mask.shape):
        if dim + k >= input.ndim or input._shape[dim + k] != size:
            have = input._shape[dim + k] if dim + k < input.ndim else "none"
            raise IndexOutOfRange(f"The shape of the mask {list(mask.shape)} at index {k} does "
                                  f"not match the shape of the indexed tensor "
                                  f"{list(input.shape)} at index {dim + k} ({have})")
    if mask.ndim == 0:
        return []
    return list(nonzero(mask, as_tuple=True))


# ------------------------------------------------------------ __getitem__ / __setitem__

def _expand_ellipsis(index, ndim):
    """The index with its Ellipsis spelled out as slices.

    More than one Ellipsis is an IndexError, as in numpy. (PyTorch 2.13 accepts several and
    moves on by the full width at each one, so that x[..., 0, ...] works and x[..., ..., 0]
    indexes past the last dim: torsh does not copy that.)
    """
    if not isinstance(index, tuple):
        index = tuple(index) if _sequence_as_tuple(index) else (index,)
    consumed = sum(_dims_used(i) for i in index)
    if sum(1 for i in index if i is Ellipsis) > 1:
        raise IndexError("an index can only have a single ellipsis ('...')")
    if consumed > ndim:
        raise IndexOutOfRange(f"too many indices for tensor of dimension {ndim}")
    result = []
    for item in index:
        if item is Ellipsis:
            result.extend([slice(None)] * (ndim - consumed))
        else:
            result.append(item)
    return result


def _sequence_as_tuple(index) -> bool:
    """PyTorch's (and old numpy's) rule: a short list that holds a sequence, slice, None,
    Ellipsis or tensor is a tuple of indices (x[[[0, 2]]] is x[[0, 2]]), else one index."""
    if not isinstance(index, list) or len(index) >= 32:
        return False
    return any(isinstance(i, (list, tuple, slice, Tensor, str)) or i is None or i is Ellipsis
               for i in index)


def _dims_used(item) -> int:
    if item is None or item is Ellipsis or isinstance(item, bool):
        return 0
    if isinstance(item, Tensor) and item.dtype in (dt.bool_, dt.uint8):
        return item.ndim
    return 1


def _basic_then_advanced(self, index):
    """Apply ints, slices and None as views; collect advanced indices by their dim."""
    from .movement import select, slice_dim, unsqueeze
    view, dim, advanced = self, 0, []
    for item in _expand_ellipsis(index, self.ndim):
        if item is None:
            view = unsqueeze(view, dim)
            dim += 1
        elif isinstance(item, bool):
            view = unsqueeze(view, dim)
            advanced.append((dim, _bool_scalar_index(item)))
            dim += 1
        elif isinstance(item, slice):
            step = 1 if item.step is None else int(item.step)
            if step <= 0:
                raise ValueError("step must be greater than zero")
            view = slice_dim(view, dim, _int_or_none(item.start), _int_or_none(item.stop), step)
            dim += 1
        elif isinstance(item, int) or (isinstance(item, Tensor) and item.ndim == 0 and
                                       not item.dtype.is_floating_point and
                                       item.dtype is not dt.bool_):
            view = select(view, dim, int(item))
        elif isinstance(item, (Tensor, list, tuple)) or hasattr(item, "__array__"):
            tensor = _as_index_tensor(item)
            if tensor.dtype in (dt.bool_, dt.uint8):
                for mask_index in _mask_indices(tensor, view, dim):
                    advanced.append((dim, mask_index))
                    dim += 1
                if tensor.ndim == 0:
                    view = unsqueeze(view, dim)
                    advanced.append((dim, _bool_scalar_index(bool(tensor))))
                    dim += 1
            else:
                advanced.append((dim, tensor))
                dim += 1
        elif isinstance(item, str):
            raise TypeError(f"new(): invalid data type 'str' (an index cannot be {item!r})")
        else:
            raise IndexOutOfRange(f"only integers, slices (`:`), ellipsis (`...`), None and "
                                  f"long or byte Variables are valid indices (got "
                                  f"{type(item).__name__})")
    return view, advanced


def _bool_scalar_index(flag: bool) -> Tensor:
    """x[True] / x[False]: a new dim of size 1, indexed by [0] or by nothing."""
    from .creation import tensor
    return tensor([0] if flag else [], dtype=dt.int64)


def _drop_leading_ones(value):
    """PyTorch drops a value's leading size-1 dims before broadcasting it into x[index]."""
    if not isinstance(value, Tensor):
        return value
    k = 0
    while k < value.ndim and value._shape[k] == 1:
        k += 1
    return value.reshape(value._shape[k:]) if k else value


def _int_or_none(value):
    return None if value is None else int(value)


@method_only("__getitem__")
def getitem(self, index):
    view, advanced = _basic_then_advanced(self, index)
    if not advanced:
        return view if view is not self else dispatch_alias(self)
    dims = tuple(d for d, _ in advanced)
    return dispatch(_INDEX, view, *(t for _, t in advanced), dims=dims)


def dispatch_alias(self):
    from .movement import _SLICE
    if self.ndim == 0:
        return self.view(())
    return dispatch(_SLICE, self, dim=0, start=0, stop=self._shape[0], step=1)


@method_only("__setitem__")
def setitem(self, index, value):
    if isinstance(value, (bool, int, float)) and self.dtype not in (dt.float16, dt.bfloat16):
        checked_scalar("__setitem__", value, self.dtype)   # half types round to ±inf instead
    view, advanced = _basic_then_advanced(self, index)
    value = _drop_leading_ones(value)
    if not advanced:
        view.copy_(value)
        return
    dims = tuple(d for d, _ in advanced)
    value = _as_value(value, self)
    dispatch_inplace(_INDEX_PUT, view, value, *(t for _, t in advanced), dims=dims,
                     accumulate=False)


# ------------------------------------------------------------ gather and nonzero

def _gather_meta(x, index, dim):
    if index.dtype not in (dt.int64, dt.int32):
        raise DTypeRuntimeError(f"gather(): Expected dtype int32/int64 for index, got "
                                f"{index.dtype.name}")
    if max(index.ndim, 1) != max(x.ndim, 1):     # a 0-d tensor counts as 1-D here
        raise ShapeMismatch(f"gather: Index tensor must have the same number of dimensions as "
                            f"input tensor (input {list(x.shape)}, index {list(index.shape)})")
    for d in range(index.ndim):
        if d != dim and index._shape[d] > x._shape[d]:
            raise ShapeMismatch(f"gather: Size does not match at dimension {d} expected index "
                                f"{list(index.shape)} to be smaller than self {list(x.shape)} "
                                f"apart from dimension {dim}")
    return Out(index._shape, x.dtype)


def _gather_reference(x: Array, index: Array, dim):
    """out[i][j][k] = x[i][index[i][j][k]][k] (for dim = 1); 0-d tensors count as 1-D."""
    x_shape = x.shape or (1,)
    strides = contiguous_strides(x_shape)
    out = []
    for where, i in zip(indices(index.shape or (1,)), index.data):
        if not 0 <= i < x_shape[dim]:
            raise IndexOutOfBounds(f"gather(): index {i} is out of bounds for dimension {dim} "
                                   f"with size {x_shape[dim]}")
        source = list(where)
        source[dim] = i
        out.append(x.data[position(source, strides)])
    return Array(out, index.shape)


_GATHER = register(Op(
    "gather", meta=_gather_meta, reference=_gather_reference, promote=PROMOTE_NONE,
    backward=lambda ctx, g: (g.new_zeros(ctx.input_shapes[0]).scatter_add(
        ctx.dim, ctx.inputs[1], g), None),
    doc="Values of input picked along dim by index (index has input's number of dims)."))


@public("gather")
def gather(input, dim, index, *, sparse_grad=False):
    return dispatch(_GATHER, input, index, dim=normalize_dim(dim, input.ndim, "gather"))


def _nonzero_reference(x: Array):
    found = [list(i) for i, v in zip(indices(x.shape), x.data) if v]
    return Array([c for row in found for c in row], (len(found), x.ndim))


_NONZERO = register(Op(
    "nonzero", meta=lambda x: Out((None, x.ndim), dt.int64), reference=_nonzero_reference,
    promote=PROMOTE_NONE,
    doc="Row-major coordinates of the nonzero elements, one row each (shape [count, ndim]). "
        "Its output size depends on the data, so meta leaves it open."))


@public("nonzero")
def nonzero(input, *, as_tuple=False):
    result = dispatch(_NONZERO, input)
    if not as_tuple:
        return result
    if input.ndim == 0:
        return (nonzero(input.reshape(1))[:, 0],)
    return tuple(result[:, d] for d in range(input.ndim))


@public("argwhere")
def argwhere(input):
    return nonzero(input)


METHODS["__contains__"] = lambda self, item: bool((self == item).any())


@public("masked_fill")
def masked_fill(input, mask, value):
    """input with `value` where mask is True (value: a number or a 0-d tensor)."""
    if mask.dtype is not dt.bool_:
        raise DTypeRuntimeError(f"masked_fill_ only supports boolean masks, but got mask with "
                                f"dtype {mask.dtype.name}")
    if isinstance(value, Tensor):
        if value.ndim != 0:
            raise RuntimeError(f"masked_fill_ only supports a 0-dimensional value tensor, but "
                               f"got tensor with {value.ndim} dimension(s).")
        checked_scalar("masked_fill", value, input.dtype)
        value = value.to(input.dtype)
    else:
        from ..dispatch import scalar_tensor
        value = scalar_tensor(checked_scalar("masked_fill", value, input.dtype),
                              dtype=input.dtype)
    return value.where(mask, input).expand(broadcast_shapes(input._shape, mask._shape))


@method_only("masked_fill_")
def masked_fill_(self, mask, value):
    return self.copy_(masked_fill(self, mask, value))
