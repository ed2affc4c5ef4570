"""Scatter ops: write values into a copy of a tensor at positions an index tensor chooses.

- scatter / scatter_add / scatter_reduce, the inverses of gather: along `dim`, the element
  `src[i][j][k]` goes to `out[index[i][j][k]][j][k]` (for dim = 0).
- index_select / index_add / index_copy / index_fill: whole slices along `dim`, picked by a
  vector of indices.
- take / put: the tensor read or written as if flat (row-major); take_along_dim: gather with
  broadcasting.

Index rules are PyTorch 2.13's: scatter, scatter_add, scatter_reduce, index_add and
index_select take int32 or int64 indices; index_copy, index_fill, take, put and take_along_dim
want int64. Negative indices are out of bounds for scatter, index_select, index_add and
index_copy; index_fill, take and put count them from the end; take_along_dim (with a dim)
takes them modulo the size. An index out of bounds raises `IndexOutOfBounds` (an IndexError and
a RuntimeError: PyTorch raises either, depending on the op) naming the op, the dim and its size.
Where an index repeats, scatter, index_copy and put keep the last write in row-major order
(PyTorch leaves the choice unspecified). Nothing here is a view: every op returns a new tensor,
and the `_` methods write that result back into self.
"""
from __future__ import annotations

import math

from .._core import dtype as dt
from .._core.errors import (DTypeRuntimeError, IndexOutOfBounds, IndexOutOfRange,
                            InvalidArgumentRuntime, ShapeMismatch)
from .._core.shape import contiguous_strides, normalize_dim
from ..dispatch import dispatch, dispatch_inplace, scalar_tensor
from ..tensor import Tensor
from ._array import Array, indices, position
from ._op import PROMOTE_NONE, Op, Out, method_only, public, register


def checked_index(op: str, i: int, dim: int, size: int, wrap: bool = False) -> int:
    """`i` if 0 <= i < size (negative i counts from the end when `wrap`), else the error."""
    if wrap and -size <= i < 0:
        return i + size
    if not 0 <= i < size:
        raise IndexOutOfBounds(f"{op}(): index {i} is out of bounds for dimension {dim} with "
                               f"size {size}")
    return i


def check_index_dtype(op: str, index, allowed=(dt.int64, dt.int32), error=DTypeRuntimeError):
    if not isinstance(index, Tensor):
        raise TypeError(f"{op}(): argument 'index' must be Tensor, not {type(index).__name__}")
    if index.dtype not in allowed:
        names = "/".join(d.name for d in allowed)
        raise error(f"{op}(): Expected dtype {names} for index, got {index.dtype.name}")


def _padded(shape) -> tuple:
    """A 0-d tensor's shape seen as [1], as the scatter family treats it."""
    return tuple(shape) or (1,)


def _as_long(index: Tensor) -> Tensor:
    return index if index.dtype is dt.int64 else index.long()


# ------------------------------------------------------------ scatter, scatter_add, scatter_reduce

def _scatter_meta(name: str):
    def meta(x, index, src, dim, **_):
        check_index_dtype(name, index)
        if src.dtype is not x.dtype:
            raise DTypeRuntimeError(f"{name}(): Expected self.dtype to be equal to src.dtype "
                                    f"(got {x.dtype.name} and {src.dtype.name})")
        if index.numel():
            _check_scatter_shapes(name, x, index, src, dim)
        return Out(x._shape, x.dtype)
    return meta


def _check_scatter_shapes(name, x, index, src, dim):
    """index has the rank of self and src, no larger than src, nor than self off `dim`."""
    for other, what in ((x, "self"), (src, "src")):
        if len(_padded(index._shape)) != len(_padded(other._shape)):
            raise ShapeMismatch(f"{name}(): Index tensor must have the same number of "
                                f"dimensions as {what} tensor (index {list(index.shape)}, "
                                f"{what} {list(other.shape)})")
    x_sizes, src_sizes = _padded(x._shape), _padded(src._shape)
    for d, n in enumerate(_padded(index._shape)):
        if (d != dim and n > x_sizes[d]) or n > src_sizes[d]:
            raise ShapeMismatch(f"{name}(): Expected index {list(index.shape)} to be no larger "
                                f"than self {list(x.shape)} apart from dimension {dim} and to "
                                f"be no larger size than src {list(src.shape)}")


def _scatter_pairs(op: str, x: Array, index: Array, src: Array, dim: int):
    """(flat position in out, src value) for every element of index, in row-major order."""
    x_strides = contiguous_strides(_padded(x.shape))
    src_strides = contiguous_strides(_padded(src.shape))
    size = _padded(x.shape)[dim]
    for where, i in zip(indices(_padded(index.shape)), index.data):
        target = list(where)
        target[dim] = checked_index(op, i, dim, size)
        yield position(target, x_strides), src.data[position(where, src_strides)]


def _scatter_reference(x: Array, index: Array, src: Array, dim):
    """out = x, then out[index[i][j]][j] = src[i][j] (dim 0); a repeated index keeps the last."""
    out = list(x.data)
    for p, value in _scatter_pairs("scatter", x, index, src, dim):
        out[p] = value
    return Array(out, x.shape)


def _scatter_add_reference(x: Array, index: Array, src: Array, dim):
    """out = x, then out[index[i][j]][j] += src[i][j] (dim 0); repeated indices add up."""
    out = list(x.data)
    for p, value in _scatter_pairs("scatter_add", x, index, src, dim):
        out[p] = out[p] + value
    return Array(out, x.shape)


def _src_grad(grad_rows: Tensor, src_shape) -> Tensor:
    """The gradient for src: grad_rows covers index's shape; src beyond it gets zeros."""
    from .. import cat
    index_shape = _padded(grad_rows.shape)
    grad = grad_rows.reshape(index_shape)
    for d, (have, want) in enumerate(zip(index_shape, _padded(src_shape))):
        if have < want:
            pad = list(grad.shape)
            pad[d] = want - have
            grad = cat([grad, grad.new_zeros(pad)], d)
    return grad.reshape(src_shape)


def _gathered(g: Tensor, dim: int, index: Tensor, src_shape) -> Tensor:
    """g.gather(dim, index), fitted to src's shape (zeros where src is not scattered)."""
    if index.numel() == 0:
        return g.new_zeros(src_shape)
    return _src_grad(g.gather(dim, _as_long(index)), src_shape)


def _used_part(src: Tensor, index: Tensor) -> Tensor:
    """The leading block of src that index covers (what is actually scattered)."""
    corner = tuple(slice(0, n) for n in _padded(index.shape))
    return src.reshape(_padded(src.shape))[corner].reshape(index.shape)


def last_writes(write, read, count: int, shape, device) -> Tensor:
    """Which of `count` writes survive where an index repeats (the last one does).

    Write 0, 1, 2, ... (shaped `shape`) with `write`, read the positions back with `read`:
    a write survived where it reads back its own number. Ops that overwrite give gradient to
    the surviving writes only, so repeated indices have exact gradients.
    """
    from .. import arange
    order = arange(count, device=device).reshape(shape)
    return read(write(order)) == order


def _scatter_grad(ctx, g):
    index, dim = ctx.inputs[1], ctx.dim
    zeros = g.new_zeros(()).expand(index.shape)
    grad_x = dispatch(_SCATTER, g, index, zeros, dim=dim)
    if index.numel() == 0:
        return grad_x, None, g.new_zeros(ctx.input_shapes[2])
    survived = last_writes(
        lambda order: dispatch(_SCATTER, order.new_full(g.shape, -1), index, order, dim=dim),
        lambda last: last.gather(dim, _as_long(index)), index.numel(), index.shape, g.device)
    grad_src = g.gather(dim, _as_long(index)).where(survived, 0)
    return grad_x, None, _src_grad(grad_src, ctx.input_shapes[2])


_SCATTER = register(Op(
    "scatter", meta=_scatter_meta("scatter"), reference=_scatter_reference,
    promote=PROMOTE_NONE, backward=_scatter_grad,
    doc="out = input with out[index[i][j]][j] = src[i][j] (dim 0). Gradient: input's is g with "
        "the written positions zeroed, src's is g.gather(dim, index) for the writes that "
        "survived and 0 for those overwritten (PyTorch gives g to every repeat)."))

_SCATTER_ADD = register(Op(
    "scatter_add", meta=_scatter_meta("scatter_add"), reference=_scatter_add_reference,
    promote=PROMOTE_NONE,
    backward=lambda ctx, g: (g, None, _gathered(g, ctx.dim, ctx.inputs[1], ctx.input_shapes[2])),
    doc="out = input with out[index[i][j]][j] += src[i][j] (dim 0). Gradient: g for input, "
        "g.gather(dim, index) for src. -0.0 + 0.0 is 0.0, as in IEEE arithmetic."))


def _nan_max(a, b):
    return a if a != a or a >= b else b


def _nan_min(a, b):
    return a if a != a or a <= b else b


# reduction name -> (identity, combine); "mean" sums, then divides by the count.
_REDUCTIONS = {
    "sum": (0, lambda a, b: a + b),
    "mean": (0, lambda a, b: a + b),
    "prod": (1, lambda a, b: a * b),
    "amax": (-math.inf, _nan_max),
    "amin": (math.inf, _nan_min),
}


def _scatter_reduce_reference(x: Array, index: Array, src: Array, dim, reduce, include_self):
    """out[p] = reduce([x[p] if include_self] + [every src value scattered to p]).

    Positions nothing is scattered to keep x. Without include_self the fold starts from the
    reduction's identity (0, 1, -inf, inf), so a lone -0.0 summed becomes 0.0. amax and amin
    propagate NaN; the mean of integers rounds down (floor division), as in PyTorch.
    """
    identity, combine = _REDUCTIONS[reduce]
    received: dict[int, list] = {}
    for p, value in _scatter_pairs("scatter_reduce", x, index, src, dim):
        received.setdefault(p, []).append(value)
    out = list(x.data)
    for p, values in received.items():
        total = x.data[p] if include_self else identity
        for value in values:
            total = combine(total, value)
        if reduce == "mean":
            count = len(values) + include_self
            integral = not any(isinstance(v, float) for v in values + [x.data[p]])
            total = total // count if integral else total / count
        out[p] = total
    return Array(out, x.shape)


def _scatter_reduce_grad(ctx, g):
    """PyTorch's formulas; ties in amax/amin share the gradient evenly (see the op's doc)."""
    x, index, src = ctx.inputs
    dim, reduce, include_self = ctx.dim, ctx.reduce, ctx.include_self
    if index.numel() == 0:
        return g, None, g.new_zeros(src.shape)
    long_index = _as_long(index)
    used = _used_part(src, index)
    scattered = dispatch(_SCATTER, g.new_zeros(g.shape), index,
                         g.new_ones(()).expand(index.shape), dim=dim) != 0
    if reduce == "sum":
        grad_x, grad_used = g, g.gather(dim, long_index)
    elif reduce == "mean":
        count = g.new_ones(g.shape) if include_self else g.new_zeros(g.shape)
        count = count.scatter_add(dim, index, used.new_ones(used.shape))
        count = count.masked_fill(count == 0, 1)
        grad_x = g / count
        grad_used = grad_x.gather(dim, long_index)
    elif reduce == "prod":
        grad_x, grad_used = _prod_grads(ctx, g, x, index, used)
    else:
        result = ctx.output
        self_counts = (x == result) & ~scattered if not include_self else x == result
        used_counts = used == result.gather(dim, long_index)
        ties = self_counts.to(g.dtype).scatter_add(dim, index, used_counts.to(g.dtype))
        share = g / ties
        grad_x = share.where(self_counts, 0)
        grad_used = share.gather(dim, long_index).where(used_counts, 0)
    if not include_self:
        grad_x = grad_x.where(~scattered, 0)
    return grad_x, None, _src_grad(grad_used, src.shape)


def _prod_grads(ctx, g, x, index, used):
    """d out / d (one factor) = product of the other factors, exact when some are zero."""
    dim, include_self, long_index = ctx.dim, ctx.include_self, _as_long(index)

    def product(self_values, src_values):
        return dispatch(_SCATTER_REDUCE, self_values, index, src_values, dim=dim, reduce="prod",
                        include_self=include_self)
    nonzero_x = x.masked_fill(x == 0, 1)
    grad_x = g * product(nonzero_x, used) / nonzero_x
    used_zero = used == 0
    zeros_at = x.new_zeros(x.shape).scatter_add(dim, index, used_zero.to(x.dtype))
    lone_zero = used_zero & (zeros_at.gather(dim, long_index) == 1)
    others_if_lone_zero = (g * product(x, used.masked_fill(lone_zero, 1))).gather(dim, long_index)
    others = (g * ctx.output).gather(dim, long_index) / used.masked_fill(used_zero, 1)
    return grad_x, others_if_lone_zero.where(lone_zero, others)


_SCATTER_REDUCE = register(Op(
    "scatter_reduce", meta=_scatter_meta("scatter_reduce"),
    reference=_scatter_reduce_reference, promote=PROMOTE_NONE, backward=_scatter_reduce_grad,
    saves_output=True,
    doc="out[p] = reduce(input[p] (if include_self), src values scattered to p); reduce is "
        "sum, prod, mean, amax or amin. Gradients as PyTorch's, except that with "
        "include_self=False an input element tied with the result no longer takes a share "
        "of the amax/amin gradient (PyTorch divides src's gradient by that tie too)."))


# ------------------------------------------------------------ public scatter functions

def _scatter_dim(name, input, dim, index):
    check_index_dtype(name, index)
    return normalize_dim(dim, input.ndim, name)


def _value_as_src(name, input, index, src, value):
    """scatter's src: a tensor, or a number (value) repeated over index's shape."""
    if isinstance(src, Tensor):
        return src
    value = src if value is None else value
    if not isinstance(value, (bool, int, float)):
        raise TypeError(f"{name}(): expected src to be a Tensor or value a number, got "
                        f"{type(value).__name__}")
    return scalar_tensor(value, dtype=input.dtype, device=input.device).expand(index.shape)


def _scatter_call(name, input, dim, index, src, value, reduce, run):
    dim = _scatter_dim(name, input, dim, index)
    src = _value_as_src(name, input, index, src, value)
    if reduce is None:
        return run(_SCATTER, input, index, src, dim=dim)
    if reduce == "add":
        return run(_SCATTER_ADD, input, index, src, dim=dim)
    if reduce == "multiply":
        return run(_SCATTER_REDUCE, input, index, src, dim=dim, reduce="prod", include_self=True)
    raise InvalidArgumentRuntime(f"{name}(): reduce argument must be either add or multiply, "
                                 f"got {reduce!r}.")


@public("scatter")
def scatter(input, dim, index, src=None, value=None, *, reduce=None):
    """input with input[index[i][j]][j] = src[i][j] (dim 0); src may be a number (value).

    reduce='add' or 'multiply' combines instead of replacing (PyTorch's legacy form of
    scatter_reduce); unlike PyTorch, torsh differentiates these too.
    """
    return _scatter_call("scatter", input, dim, index, src, value, reduce, dispatch)


@method_only("scatter_")
def scatter_(self, dim, index, src=None, value=None, *, reduce=None):
    return _scatter_call("scatter_", self, dim, index, src, value, reduce, dispatch_inplace)


@public("scatter_add")
def scatter_add(input, dim, index, src):
    """input with input[index[i][j]][j] += src[i][j] (dim 0)."""
    return dispatch(_SCATTER_ADD, input, index, src,
                    dim=_scatter_dim("scatter_add", input, dim, index))


@method_only("scatter_add_")
def scatter_add_(self, dim, index, src):
    return dispatch_inplace(_SCATTER_ADD, self, index, src,
                            dim=_scatter_dim("scatter_add_", self, dim, index))


def _reduce_args(name, input, dim, index, reduce, include_self):
    if reduce not in _REDUCTIONS:
        raise InvalidArgumentRuntime(f"{name}(): reduce argument must be either sum, prod, "
                                     f"mean, amax or amin, got {reduce}")
    if not isinstance(include_self, bool):
        raise TypeError(f"{name}(): argument 'include_self' must be bool, not "
                        f"{type(include_self).__name__}")
    return dict(dim=_scatter_dim(name, input, dim, index), reduce=reduce,
                include_self=include_self)


@public("scatter_reduce")
def scatter_reduce(input, dim, index, src, reduce, *, include_self=True):
    """input with each position p reduced over [input[p]] + the src values scattered to p."""
    return dispatch(_SCATTER_REDUCE, input, index, src,
                    **_reduce_args("scatter_reduce", input, dim, index, reduce, include_self))


@method_only("scatter_reduce_")
def scatter_reduce_(self, dim, index, src, reduce, *, include_self=True):
    return dispatch_inplace(_SCATTER_REDUCE, self, index, src, **_reduce_args(
        "scatter_reduce_", self, dim, index, reduce, include_self))


# ------------------------------------------------------------ index_select / _add / _copy / _fill

def _slice_pairs(op: str, x_shape, index: Array, block_shape, dim: int, wrap: bool = False):
    """(flat position in x, flat position in a block) for every element of the block.

    The block's slice k along `dim` sits on x's slice index[k]: index_select reads x there,
    index_add and index_copy write there.
    """
    x_sizes = _padded(x_shape)
    x_strides = contiguous_strides(x_sizes)
    targets = [checked_index(op, i, dim, x_sizes[dim], wrap) for i in index.data]
    for q, where in enumerate(indices(_padded(block_shape))):
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
    shape = list(_padded(x.shape))
    shape[dim] = len(index.data)
    out = [None] * math.prod(shape)
    for p, q in _slice_pairs("index_select", x.shape, index, shape, dim):
        out[q] = x.data[p]
    return Array(out, tuple(shape) if x.ndim else ())


_INDEX_SELECT = register(Op(
    "index_select", meta=_index_select_meta, reference=_index_select_reference,
    promote=PROMOTE_NONE,
    backward=lambda ctx, g: (dispatch(_INDEX_ADD, g.new_zeros(ctx.input_shapes[0]),
                                      ctx.inputs[1], g, dim=ctx.dim, alpha=1), None),
    doc="The slices of input along dim listed by index, in that order (repeats allowed). "
        "Gradient: zeros with g index_add-ed back."))


def _check_slice_shapes(op, x, index, source, dim, count_error=ShapeMismatch):
    """source is x with dim resized to len(index) (a 0-d x takes one element)."""
    want = list(_padded(x._shape))
    want[dim] = index.numel()
    scalar_source = op == "index_copy" and source.ndim == 0
    got = list(_padded(source._shape) if x.ndim == 0 or scalar_source else source._shape)
    if len(got) != len(want):
        raise count_error(f"{op}(): source and self must have the same number of dimensions "
                          f"(self {list(x.shape)}, source {list(source.shape)})")
    if got[dim] != want[dim] or (x.ndim == 0 and index.numel() != 1):
        raise count_error(f"{op}(): Number of indices ({index.numel()}) should be equal to "
                          f"source.size(dim) ({got[dim]}), for dim: {dim}")
    if got != want:
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


_INDEX_ADD = register(Op(
    "index_add", meta=_index_add_meta, reference=_index_add_reference, promote=PROMOTE_NONE,
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
    n, size = index.numel(), _padded(g.shape)[dim]
    survived = last_writes(
        lambda order: dispatch(_INDEX_COPY, order.new_full((size,), -1), index.reshape(-1),
                               order, dim=0),
        lambda last: last.index_select(0, index.reshape(-1)), n, (n,), g.device)
    along_dim = [1] * g.ndim
    if g.ndim:
        along_dim[dim] = n
    grad_source = g.index_select(dim, index).where(survived.reshape(along_dim), 0)
    return g.index_fill(dim, index, 0), None, grad_source.reshape(ctx.input_shapes[2])


_INDEX_COPY = register(Op(
    "index_copy", meta=_index_copy_meta, reference=_index_copy_reference, promote=PROMOTE_NONE,
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
    size = _padded(x.shape)[dim]
    filled = {checked_index("index_fill", i, dim, size, wrap=True) for i in index.data}
    out = [value.scalar() if where[dim] in filled else v
           for where, v in zip(indices(_padded(x.shape)), x.data)]
    return Array(out, x.shape)


def _index_fill_grad(ctx, g):
    index, dim = ctx.inputs[1], ctx.dim
    filled = dispatch(_INDEX_FILL, g.new_zeros(g.shape), index, g.new_ones(()), dim=dim) != 0
    return dispatch(_INDEX_FILL, g, index, g.new_zeros(()), dim=dim), None, g.where(
        filled, 0).sum()


_INDEX_FILL = register(Op(
    "index_fill", meta=_index_fill_meta, reference=_index_fill_reference, promote=PROMOTE_NONE,
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
        return value if value.dtype is input.dtype else value.to(input.dtype)
    if not isinstance(value, (bool, int, float)):
        raise TypeError(f"{op}(): value must be a number or a 0-d Tensor, got "
                        f"{type(value).__name__}")
    return scalar_tensor(value, dtype=input.dtype, device=input.device)


@public("index_fill")
def index_fill(input, dim, index, value):
    """input with its slices index[k] along dim set to value (a number or a 0-d tensor)."""
    return dispatch(_INDEX_FILL, input, index, _fill_value("index_fill", input, value),
                    dim=normalize_dim(dim, input.ndim, "index_fill"))


@method_only("index_fill_")
def index_fill_(self, dim, index, value):
    return dispatch_inplace(_INDEX_FILL, self, index, _fill_value("index_fill_", self, value),
                            dim=normalize_dim(dim, self.ndim, "index_fill_"))
