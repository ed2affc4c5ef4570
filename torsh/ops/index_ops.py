"""index_select, index_add, index_copy, index_fill: whole slices along `dim`, picked by a
vector of indices (slice k of the small side belongs to slice index[k] of the large one).

Index rules are PyTorch 2.13's: index_select and index_add take int32 or int64 indices,
index_copy and index_fill want int64. Negative indices are out of bounds for index_select,
index_add and index_copy; index_fill counts them from the end. An index out of bounds raises
`IndexOutOfBounds` (an IndexError and a RuntimeError) naming the op, the dim and its size.
Where an index repeats, index_add adds up and index_copy keeps the last write (PyTorch leaves
the choice unspecified). Nothing here is a view: every op returns a new tensor, and the `_`
methods write that result back into self. Element-wise scatters are in `scatter.py`.

Each op decomposes into the primitives `index` / `index_put` along dim, after a bounds check
made with tensor ops; the helpers for that serve `masking.py` and `scatter.py` too.
"""
from __future__ import annotations

import math

from .._core import dtype as dt
from .._core.errors import (DTypeRuntimeError, IndexOutOfRange, InvalidArgumentRuntime,
                            ShapeMismatch)
from .._core.shape import contiguous_strides, normalize_dim
from ..dispatch import dispatch, dispatch_inplace, scalar_tensor
from ..tensor import Tensor
from ._array import Array, indices, position
from ._index_common import (check_index_dtype, checked_index, checked_scalar, last_writes,
                            padded)
from ._op import PROMOTE_NONE, Op, Out, method_only, public, register
from .indexing import _INDEX, _INDEX_PUT


# ------------------------------------------------------------ helpers of the decompositions

def index_along(x: Tensor, dim: int, positions: Tensor) -> Tensor:
    """x[..., positions, ...] with a 1-D `positions` on dim: the primitive `index`."""
    return dispatch(_INDEX, x, positions, dims=(dim,))


def put_along(x: Tensor, dim: int, positions: Tensor, values: Tensor, accumulate=False):
    """x with x[..., positions, ...] = values (+= when accumulating): the primitive
    `index_put`."""
    return dispatch(_INDEX_PUT, x, values, positions, dims=(dim,), accumulate=accumulate)


def check_bounds(index: Tensor, low: int, high: int, complain) -> None:
    """complain(i), which raises the op's error, for the first element i of index outside
    [low, high): decompositions check bounds as their references do."""
    flat = index.reshape(-1)
    outside = flat[(flat < low) | (flat >= high)]
    if outside.numel():
        complain(int(outside[0]))


def _check_index(op: str, x: Tensor, index: Tensor, dim: int, wrap: bool = False) -> None:
    """The reference's error for an index outside dim (a negative one too, unless wrap)."""
    size = padded(x.shape)[dim]
    check_bounds(index, -size if wrap else 0, size,
                 lambda i: checked_index(op, i, dim, size, wrap))


def _slices_shape(x: Tensor, index: Tensor, dim: int) -> tuple:
    """x's shape (0-d seen as [1]) with dim resized to len(index): the picked slices' shape."""
    shape = list(padded(x.shape))
    shape[dim] = index.numel()
    return tuple(shape)


def _unpadded(out: Tensor, x: Tensor) -> Tensor:
    """A result computed on x seen as [1] when 0-d, back in x's shape."""
    return out if x.ndim else out.reshape(())


def _slice_pairs(op: str, x_shape, index: Array, block_shape, dim: int, wrap: bool = False):
    """(flat position in x, flat position in a block) for every element of the block.

    The block's slice k along `dim` sits on x's slice index[k]: index_select reads x there,
    index_add and index_copy write there.
    """
    x_sizes = padded(x_shape)
    x_strides = contiguous_strides(x_sizes)
    targets = [checked_index(op, i, dim, x_sizes[dim], wrap) for i in index.data]
    for q, where in enumerate(indices(padded(block_shape))):
        target = list(where)
        target[dim] = targets[where[dim]]
        yield position(target, x_strides), q


def _vector_index(op: str, index, allowed, error=DTypeRuntimeError):
    check_index_dtype(op, index, allowed, error)
    if index.ndim > 1:
        raise IndexOutOfRange(f"{op}(): Index is supposed to be a vector, but got dim: "
                              f"{index.ndim} with size {list(index.shape)}")


def _index_select_meta(x, index, dim):
    _vector_index("index_select", index, (dt.int64, dt.int32))
    if x.ndim == 0:
        if index.numel() != 1:
            raise InvalidArgumentRuntime(f"index_select(): Index to scalar can have only 1 "
                                         f"value, got {index.numel()} value(s)")
        return Out((), x.dtype)
    shape = list(x._shape)
    shape[dim] = index.numel()
    return Out(tuple(shape), x.dtype)


def _index_select_reference(x: Array, index: Array, dim):
    """out[..., k, ...] = x[..., index[k], ...] (k along dim)."""
    shape = list(padded(x.shape))
    shape[dim] = len(index.data)
    out = [None] * math.prod(shape)
    for p, q in _slice_pairs("index_select", x.shape, index, shape, dim):
        out[q] = x.data[p]
    return Array(out, tuple(shape) if x.ndim else ())


def _index_select_decompose(x, index, dim):
    """x read along dim at index."""
    _check_index("index_select", x, index, dim)
    return _unpadded(index_along(x.reshape(padded(x.shape)), dim, index.reshape(-1)), x)


_INDEX_SELECT = register(Op(
    "index_select", meta=_index_select_meta, reference=_index_select_reference,
    decompose=_index_select_decompose, promote=PROMOTE_NONE,
    backward=lambda ctx, g: (dispatch(_INDEX_ADD, g.new_zeros(ctx.input_shapes[0]),
                                      ctx.inputs[1], g, dim=ctx.dim, alpha=1), None),
    doc="The slices of input along dim listed by index, in that order (repeats allowed). "
        "Gradient: zeros with g index_add-ed back."))


def _check_slice_shapes(op, x, index, source, dim, count_error=ShapeMismatch):
    """source is x with dim resized to len(index) (a 0-d x takes one element)."""
    want = list(padded(x._shape))
    want[dim] = index.numel()
    scalar_source = op == "index_copy" and source.ndim == 0
    got = list(padded(source._shape) if x.ndim == 0 or scalar_source else source._shape)
    if len(got) != len(want):
        raise count_error(f"{op}(): source and self must have the same number of dimensions "
                          f"(self {list(x.shape)}, source {list(source.shape)})")
    if got[dim] != want[dim] or (x.ndim == 0 and index.numel() != 1):
        raise count_error(f"{op}(): Number of indices ({index.numel()}) should be equal to "
                          f"source.size(dim) ({got[dim]}), for dim: {dim}")
    if got != want or (op == "index_add" and x.ndim == 0 and source.ndim != 0):
        raise ShapeMismatch(f"{op}(): source tensor shape must match self tensor shape, "
                            f"excluding the specified dimension. Got self.shape = "
                            f"{list(x.shape)} source.shape = {list(source.shape)}")


def _check_same_dtype(op, x, source):
    if source.dtype is not x.dtype:
        raise DTypeRuntimeError(f"{op}(): self ({x.dtype.name}) and source "
                                f"({source.dtype.name}) must have the same dtype")


def _index_add_meta(x, index, source, dim, alpha):
    _vector_index("index_add", index, (dt.int64, dt.int32))
    _check_same_dtype("index_add", x, source)
    _check_slice_shapes("index_add", x, index, source, dim)
    return Out(x._shape, x.dtype)


def _index_add_reference(x: Array, index: Array, source: Array, dim, alpha):
    """out = x, then out[..., index[k], ...] += alpha * source[..., k, ...]."""
    out = list(x.data)
    for p, q in _slice_pairs("index_add", x.shape, index, source.shape, dim):
        out[p] = out[p] + alpha * source.data[q]
    return Array(out, x.shape)


def _index_add_decompose(x, index, source, dim, alpha):
    """x with alpha * source's slices added at index along dim (an accumulating index_put)."""
    _check_index("index_add", x, index, dim)
    scaled = source if alpha == 1 else (source * alpha).to(x.dtype)
    out = put_along(x.reshape(padded(x.shape)), dim, index.reshape(-1),
                    scaled.reshape(_slices_shape(x, index, dim)), accumulate=True)
    return _unpadded(out, x)


_INDEX_ADD = register(Op(
    "index_add", meta=_index_add_meta, reference=_index_add_reference,
    decompose=_index_add_decompose, promote=PROMOTE_NONE,
    backward=lambda ctx, g: (g, None, (g.index_select(ctx.dim, ctx.inputs[1]) * ctx.alpha
                                       ).reshape(ctx.input_shapes[2])),
    doc="input with alpha * source[..., k, ...] added to input[..., index[k], ...]; repeated "
        "indices add up. Gradient: g for input, alpha * g.index_select(dim, index) for source."))


def _index_copy_meta(x, index, source, dim):
    check_index_dtype("index_copy", index, (dt.int64,))
    if index.ndim > 1:
        raise IndexOutOfRange(f"index_copy(): Index should have dimension 1 or 0 (got "
                              f"{index.ndim})")
    _check_same_dtype("index_copy", x, source)
    _check_slice_shapes("index_copy", x, index, source, dim, count_error=IndexOutOfRange)
    return Out(x._shape, x.dtype)


def _index_copy_reference(x: Array, index: Array, source: Array, dim):
    """out = x, then out[..., index[k], ...] = source[..., k, ...]; a repeat keeps the last."""
    out = list(x.data)
    for p, q in _slice_pairs("index_copy", x.shape, index, source.shape, dim):
        out[p] = source.data[q]
    return Array(out, x.shape)


def _index_copy_grad(ctx, g):
    index, dim = ctx.inputs[1], ctx.dim
    n, size = index.numel(), padded(g.shape)[dim]
    survived = last_writes(
        lambda order: dispatch(_INDEX_COPY, order.new_full((size,), -1), index.reshape(-1),
                               order, dim=0),
        lambda last: last.index_select(0, index.reshape(-1)), n, (n,), g.device)
    along_dim = [1] * g.ndim
    if g.ndim:
        along_dim[dim] = n
    grad_source = g.index_select(dim, index).where(survived.reshape(along_dim), 0)
    return g.index_fill(dim, index, 0), None, grad_source.reshape(ctx.input_shapes[2])


def _index_copy_decompose(x, index, source, dim):
    """x with its slices at index along dim replaced by source's (index_put: the last write
    wins)."""
    _check_index("index_copy", x, index, dim)
    out = put_along(x.reshape(padded(x.shape)), dim, index.reshape(-1),
                    source.reshape(_slices_shape(x, index, dim)))
    return _unpadded(out, x)


_INDEX_COPY = register(Op(
    "index_copy", meta=_index_copy_meta, reference=_index_copy_reference,
    decompose=_index_copy_decompose, promote=PROMOTE_NONE,
    backward=_index_copy_grad,
    doc="input with its slices index[k] along dim replaced by source's slices k. Gradient: g "
        "with those slices zeroed for input, g.index_select(dim, index) for the source slices "
        "that survived (0 for those a repeated index overwrote; PyTorch gives g to each)."))


def _index_fill_meta(x, index, value, dim):
    check_index_dtype("index_fill", index, (dt.int64,), error=IndexOutOfRange)
    if index.ndim > 1:
        raise InvalidArgumentRuntime(f"index_fill(): Index has to be a vector/scalar (got "
                                     f"shape {list(index.shape)})")
    if value.ndim != 0:
        raise InvalidArgumentRuntime(f"index_fill(): only supports a 0-dimensional value "
                                     f"tensor, but got tensor with {value.ndim} dimension(s).")
    return Out(x._shape, x.dtype)


def _index_fill_reference(x: Array, index: Array, value: Array, dim):
    """out = x with every slice index[k] along dim set to value (negative k from the end)."""
    size = padded(x.shape)[dim]
    filled = {checked_index("index_fill", i, dim, size, wrap=True) for i in index.data}
    out = [value.scalar() if where[dim] in filled else v
           for where, v in zip(indices(padded(x.shape)), x.data)]
    return Array(out, x.shape)


def _index_fill_grad(ctx, g):
    index, dim = ctx.inputs[1], ctx.dim
    filled = dispatch(_INDEX_FILL, g.new_zeros(g.shape), index, g.new_ones(()), dim=dim) != 0
    return dispatch(_INDEX_FILL, g, index, g.new_zeros(()), dim=dim), None, g.where(
        filled, 0).sum()


def _index_fill_decompose(x, index, value, dim):
    """x with its slices at index along dim (negative ones from the end) set to value."""
    _check_index("index_fill", x, index, dim, wrap=True)
    return _unpadded(put_along(x.reshape(padded(x.shape)), dim, index.reshape(-1), value), x)


_INDEX_FILL = register(Op(
    "index_fill", meta=_index_fill_meta, reference=_index_fill_reference,
    decompose=_index_fill_decompose, promote=PROMOTE_NONE,
    backward=_index_fill_grad,
    doc="input with the slices index[k] along dim set to value. Gradient: g with those slices "
        "zeroed for input, the sum of g over them (each counted once) for value."))


@public("index_select")
def index_select(input, dim, index):
    """The slices input[..., index[k], ...] along dim, stacked in index's order."""
    return dispatch(_INDEX_SELECT, input, index, dim=normalize_dim(dim, input.ndim,
                                                                    "index_select"))


def _alpha(input, alpha):
    """PyTorch truncates alpha to an integer for integer tensors."""
    return alpha if input.dtype.is_floating_point or input.dtype is dt.bool_ else int(alpha)


@public("index_add")
def index_add(input, dim, index, source, *, alpha=1):
    """input with alpha * source's slice k added to input's slice index[k] along dim."""
    return dispatch(_INDEX_ADD, input, index, source, alpha=_alpha(input, alpha),
                    dim=normalize_dim(dim, input.ndim, "index_add"))


@method_only("index_add_")
def index_add_(self, dim, index, source, *, alpha=1):
    return dispatch_inplace(_INDEX_ADD, self, index, source, alpha=_alpha(self, alpha),
                            dim=normalize_dim(dim, self.ndim, "index_add_"))


@public("index_copy")
def index_copy(input, dim, index, source):
    """input with its slice index[k] along dim replaced by source's slice k."""
    return dispatch(_INDEX_COPY, input, index, source,
                    dim=normalize_dim(dim, input.ndim, "index_copy"))


@method_only("index_copy_")
def index_copy_(self, dim, index, source):
    return dispatch_inplace(_INDEX_COPY, self, index, source,
                            dim=normalize_dim(dim, self.ndim, "index_copy_"))


def _fill_value(op, input, value):
    if isinstance(value, Tensor):
        if value.ndim == 0:
            checked_scalar(op, value, input.dtype)
        return value if value.dtype is input.dtype else value.to(input.dtype)
    if not isinstance(value, (bool, int, float)):
        raise TypeError(f"{op}(): value must be a number or a 0-d Tensor, got "
                        f"{type(value).__name__}")
    return scalar_tensor(checked_scalar(op, value, input.dtype), dtype=input.dtype,
                         device=input.device)


@public("index_fill")
def index_fill(input, dim, index, value):
    """input with its slices index[k] along dim set to value (a number or a 0-d tensor)."""
    return dispatch(_INDEX_FILL, input, index, _fill_value("index_fill", input, value),
                    dim=normalize_dim(dim, input.ndim, "index_fill"))


@method_only("index_fill_")
def index_fill_(self, dim, index, value):
    return dispatch_inplace(_INDEX_FILL, self, index, _fill_value("index_fill_", self, value),
                            dim=normalize_dim(dim, self.ndim, "index_fill_"))
