"""Scatter ops: write values into a copy of a tensor at positions an index tensor chooses.

scatter / scatter_add / scatter_reduce are the inverses of gather: along `dim`, the element
`src[i][j][k]` goes to `out[index[i][j][k]][j][k]` (for dim = 0). Whole slices picked by a
vector of indices (index_add, index_copy, ...) are in `index_ops.py`; take and put, which see
the tensor as flat, in `masking.py`.

Indices are int32 or int64; a negative index is out of bounds, and an index out of bounds raises
`IndexOutOfBounds` (an IndexError and a RuntimeError) naming the op, the dim and its size.
Where an index repeats, scatter keeps the last write in row-major order (PyTorch leaves the
choice unspecified). Nothing here is a view: every op returns a new tensor, and the `_` methods
write that result back into self. scatter decomposes into one index_put at full coordinates,
scatter_reduce into scatter_add (sum, mean) or a dense table reduced by rows (prod, amax, amin).
"""
from __future__ import annotations

import math

from .._core import dtype as dt
from .._core.errors import (DTypeNotImplemented, DTypeRuntimeError, InvalidArgumentRuntime,
                            ShapeMismatch)
from .._core.shape import contiguous_strides, normalize_dim
from ..dispatch import dispatch, dispatch_inplace, scalar_tensor
from ..tensor import Tensor
from ._array import Array, indices, position
from ._index_common import (as_long, check_index_dtype, checked_index, checked_scalar,
                            last_writes, padded)
from ._op import PROMOTE_NONE, Op, Out, method_only, public, register
from .creation import arange
from .index_ops import check_bounds
from .indexing import _INDEX_PUT
from .ternary import where


# ------------------------------------------------------------ scatter, scatter_add, scatter_reduce

def _scatter_meta(name: str):
    def meta(x, index, src, dim, reduce=None, **_):
        check_index_dtype(name, index)
        if reduce == "mean" and x.dtype is dt.bool_:
            raise DTypeNotImplemented(f"{name}(): mean is not implemented for bool (\"scatter_"
                                      f"reduce_mean\" not implemented for 'Bool')")
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
        if len(padded(index._shape)) != len(padded(other._shape)):
            raise ShapeMismatch(f"{name}(): Index tensor must have the same number of "
                                f"dimensions as {what} tensor (index {list(index.shape)}, "
                                f"{what} {list(other.shape)})")
    x_sizes, src_sizes = padded(x._shape), padded(src._shape)
    for d, n in enumerate(padded(index._shape)):
        if (d != dim and n > x_sizes[d]) or n > src_sizes[d]:
            raise ShapeMismatch(f"{name}(): Expected index {list(index.shape)} to be no larger "
                                f"than self {list(x.shape)} apart from dimension {dim} and to "
                                f"be no larger size than src {list(src.shape)}")


def _scatter_pairs(op: str, x: Array, index: Array, src: Array, dim: int):
    """(flat position in out, src value) for every element of index, in row-major order."""
    x_strides = contiguous_strides(padded(x.shape))
    src_strides = contiguous_strides(padded(src.shape))
    size = padded(x.shape)[dim]
    for where, i in zip(indices(padded(index.shape)), index.data):
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
    index_shape = padded(grad_rows.shape)
    grad = grad_rows.reshape(index_shape)
    for d, (have, want) in enumerate(zip(index_shape, padded(src_shape))):
        if have < want:
            pad = list(grad.shape)
            pad[d] = want - have
            grad = cat([grad, grad.new_zeros(pad)], d)
    return grad.reshape(src_shape)


def _gathered(g: Tensor, dim: int, index: Tensor, src_shape) -> Tensor:
    """g.gather(dim, index), fitted to src's shape (zeros where src is not scattered)."""
    if index.numel() == 0:
        return g.new_zeros(src_shape)
    return _src_grad(g.gather(dim, as_long(index)), src_shape)


def _used_part(src: Tensor, index: Tensor) -> Tensor:
    """The leading block of src that index covers (what is actually scattered)."""
    corner = tuple(slice(0, n) for n in padded(index.shape))
    return src.reshape(padded(src.shape))[corner].reshape(index.shape)


def _scatter_grad(ctx, g):
    index, dim = ctx.inputs[1], ctx.dim
    zeros = g.new_zeros(()).expand(index.shape)
    grad_x = dispatch(_SCATTER, g, index, zeros, dim=dim)
    if index.numel() == 0:
        return grad_x, None, g.new_zeros(ctx.input_shapes[2])
    survived = last_writes(
        lambda order: dispatch(_SCATTER, order.new_full(g.shape, -1), index, order, dim=dim),
        lambda last: last.gather(dim, as_long(index)), index.numel(), index.shape, g.device)
    grad_src = g.gather(dim, as_long(index)).where(survived, 0)
    return grad_x, None, _src_grad(grad_src, ctx.input_shapes[2])


def _coordinates(index: Tensor, dim: int) -> list:
    """Where each element of index (0-d seen as [1]) goes: index itself along dim, and its
    own position along every other dim (an arange shaped to broadcast against index)."""
    shape = padded(index.shape)
    coordinates = []
    for d, n in enumerate(shape):
        along_d = [n if k == d else 1 for k in range(len(shape))]
        coordinates.append(index.reshape(shape) if d == dim else
                           arange(n, device=index.device).reshape(along_d))
    return coordinates


def _put_at(x: Tensor, index: Tensor, dim: int, values: Tensor) -> Tensor:
    """x with values written where index sends them: one index_put at full coordinates
    (in row-major order, so the last write wins)."""
    shape = padded(x.shape)
    out = dispatch(_INDEX_PUT, x.reshape(shape), values, *_coordinates(index, dim),
                   dims=tuple(range(len(shape))), accumulate=False)
    return out.reshape(x.shape)


def _check_scatter_index(op: str, x: Tensor, index: Tensor, dim: int) -> None:
    size = padded(x.shape)[dim]
    check_bounds(index, 0, size, lambda i: checked_index(op, i, dim, size))


def _scatter_decompose(x, index, src, dim):
    """x with x[coordinates of index] = the block of src that index covers."""
    _check_scatter_index("scatter", x, index, dim)
    if index.numel() == 0:
        return x.clone()
    return _put_at(x, index, dim, _used_part(src, index).reshape(padded(index.shape)))


_SCATTER = register(Op(
    "scatter", meta=_scatter_meta("scatter"), reference=_scatter_reference,
    decompose=_scatter_decompose, promote=PROMOTE_NONE, backward=_scatter_grad,
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
    Deviation: the sums here are exact (then rounded once); PyTorch accumulates in the tensor's
    dtype, so where its integer sum wraps or its float16 sum overflows to inf, its mean does
    too (e.g. uint8 mean of [1, 200, 100, 50] is 23 there, 87 here). mean of bool is refused.
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
    long_index = as_long(index)
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
    dim, include_self, long_index = ctx.dim, ctx.include_self, as_long(index)

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


def _scatter_reduce_decompose(x, index, src, dim, reduce, include_self):
    """sum: scatter_add onto x (onto x zeroed where src goes, without include_self); mean:
    that sum over a count made the same way from ones; prod, amax, amin: `_reduce_densely`.
    Integer means sum in int64, so that they are exact as in the reference."""
    _check_scatter_index("scatter_reduce", x, index, dim)
    if index.numel() == 0:
        return x.clone()
    used = _used_part(src, index)
    if reduce in ("prod", "amax", "amin"):
        return _reduce_densely(x, index, used, dim, reduce, include_self)
    start = x
    if not include_self:
        reached = _put_at(x.new_zeros(x.shape, dtype=dt.bool_), index, dim,
                          x.new_ones((), dtype=dt.bool_))
        start = x.masked_fill(reached, 0)
    if reduce == "sum":
        return dispatch(_SCATTER_ADD, start, index, used, dim=dim)
    wide = x.dtype if x.dtype.is_floating_point else dt.int64
    total = dispatch(_SCATTER_ADD, start.to(wide), index, used.to(wide), dim=dim)
    count = dispatch(_SCATTER_ADD, x.new_full(x.shape, int(include_self), dtype=wide), index,
                     used.new_ones(used.shape, dtype=wide), dim=dim)
    count = count.clamp(min=1)      # where src never goes, total is x: keep it
    mean = total / count if x.dtype.is_floating_point else total.floor_divide(count)
    return mean.to(x.dtype)


def _identity(reduce: str, dtype: dt.dtype):
    """The value that leaves a prod / amax / amin unchanged, in dtype."""
    if reduce == "prod":
        return 1
    if dtype is dt.bool_:
        return reduce == "amin"
    if dtype.is_floating_point:
        return -math.inf if reduce == "amax" else math.inf
    info = dt.iinfo(dtype)
    return info.min if reduce == "amax" else info.max


def _reduce_densely(x, index, used, dim, reduce, include_self):
    """A table with one row per element of x and one column per scattered value: column q
    holds used[q] in the row of the position it is scattered to, the reduction's identity
    elsewhere (with include_self, x's own value comes first in each row). Each row is
    reduced; positions no value reaches keep x. Memory grows as x.numel() * index.numel()
    (a backend should rather have a scatter_reduce kernel)."""
    from .shape import cat
    strides = contiguous_strides(padded(x.shape))
    target = sum(c * s for c, s in zip(_coordinates(index, dim), strides)).reshape(1, -1)
    hits = arange(x.numel(), device=x.device).reshape(-1, 1) == target
    table = where(hits, used.reshape(1, -1), x.new_full((), _identity(reduce, x.dtype)))
    flat_x = x.reshape(-1, 1)
    if include_self:
        table = cat([flat_x, table], 1)
    reduced = getattr(table, reduce)(1, keepdim=True).to(x.dtype)
    return where(hits.any(1, keepdim=True), reduced, flat_x).reshape(x.shape)


_SCATTER_REDUCE = register(Op(
    "scatter_reduce", meta=_scatter_meta("scatter_reduce"),
    reference=_scatter_reduce_reference, decompose=_scatter_reduce_decompose,
    promote=PROMOTE_NONE, backward=_scatter_reduce_grad,
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
    return scalar_tensor(checked_scalar(name, value, input.dtype), dtype=input.dtype,
                         device=input.device).expand(index.shape)


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

