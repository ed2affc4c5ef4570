"""Repeating elements: Tensor.repeat, tile and repeat_interleave.

`repeat` copies the whole tensor side by side (numpy's tile); `repeat_interleave` copies each
slice along one dim in place (numpy's repeat). Both are ops with a pure-Python reference, a
gradient that sums the copies back, and a decomposition (an expanded copy; an index along dim);
`tile` is `repeat` after padding the repeats with 1s.
"""
from __future__ import annotations

import math

from .._core import dtype as dt
from .._core.errors import DTypeNotImplemented, IndexOutOfRange, InvalidArgumentRuntime
from .._core.shape import as_index, normalize_dim
from ..dispatch import dispatch
from ..tensor import Tensor
from ._array import Array, indices, position
from ._op import PROMOTE_NONE, Op, Out, method_only, public, register
from .index_ops import index_along
from .movement import movedim, reshape


# ------------------------------------------------------------ repeat

def _padded_shape(shape, repeats) -> tuple:
    """The input's shape with size-1 dims in front, as long as `repeats`."""
    return (1,) * (len(repeats) - len(shape)) + tuple(shape)


def _repeat_meta(x, repeats):
    shape = tuple(n * r for n, r in zip(_padded_shape(x._shape, repeats), repeats))
    if any(n < 0 for n in shape):
        bad = next(n for n in shape if n < 0)
        raise InvalidArgumentRuntime(f"repeat: Trying to create tensor with negative dimension "
                                     f"{bad}: {list(shape)}")
    return Out(shape, x.dtype)


def _repeat_reference(a, repeats):
    """out[i] = a[i mod padded_shape], where the input's shape is padded with 1s in front."""
    shape = _padded_shape(a.shape, repeats)
    strides = Array(a.data, shape).strides()
    out_shape = tuple(n * r for n, r in zip(shape, repeats))
    data = [a.data[position([i % n for i, n in zip(index, shape)], strides)]
            for index in indices(out_shape)]
    return Array(data, out_shape)


def _repeat_decompose(x, repeats):
    """x viewed as (1, n0, 1, n1, ...), expanded to (r0, n0, r1, n1, ...), copied, and each
    pair of dims merged."""
    shape = _padded_shape(x._shape, repeats)
    pairs = [size for r, n in zip(repeats, shape) for size in (r, n)]
    ones_between = [size for n in shape for size in (1, n)]
    copies = reshape(x, ones_between).expand(pairs).clone()
    return reshape(copies, _repeat_meta(x, repeats).shape)


def _repeat_grad(ctx, g):
    """Sum the copies: view g as (r0, n0, r1, n1, ...) and sum over the r's."""
    shape = _padded_shape(ctx.input_shapes[0], ctx.repeats)
    split = [size for pair in zip(ctx.repeats, shape) for size in pair]
    summed = reshape(g, split).sum(tuple(range(0, len(split), 2)))
    return (reshape(summed, ctx.input_shapes[0]),)


_REPEAT = register(Op(
    "repeat", meta=_repeat_meta, reference=_repeat_reference, backward=_repeat_grad,
    decompose=_repeat_decompose,
    promote=PROMOTE_NONE, saves_inputs=False,
    doc="repeats[d] copies of the tensor side by side along each dim d (the tensor is first "
        "given leading size-1 dims to have len(repeats) dims). Gradient: the copies summed."))


def _sizes(args, op: str, what: str) -> tuple:
    if len(args) == 1 and isinstance(args[0], (list, tuple)):
        args = args[0]
    return tuple(as_index(a, what, op) for a in args)


@method_only("repeat")
def repeat(self, *repeats):
    """self.repeat(*repeats): copies of self side by side; len(repeats) >= self.ndim."""
    if not repeats:
        raise TypeError('repeat() missing 1 required positional arguments: "repeats"')
    repeats = _sizes(repeats, "repeat", "repeats")
    if len(repeats) < self.ndim:
        raise InvalidArgumentRuntime("repeat: Number of dimensions of repeat dims can not be "
                                     "smaller than number of dimensions of tensor")
    return dispatch(_REPEAT, self, repeats=repeats)


def _tile(input, dims):
    dims = _sizes((dims,), "tile", "dims")
    return repeat(input, (1,) * (input.ndim - len(dims)) + dims)


@public("tile", method=False)
def tile(input, dims):
    """Copies of input side by side; dims shorter than input.ndim is padded with 1s in front."""
    if not isinstance(dims, (list, tuple)):
        raise TypeError(f"tile(): argument 'dims' (position 2) must be tuple of ints, not "
                        f"{type(dims).__name__}")
    return _tile(input, dims)


@method_only("tile")
def _tile_method(self, *dims):
    return _tile(self, _sizes(dims, "tile", "dims"))


# ------------------------------------------------------------ repeat_interleave

def _interleave_meta(x, repeats, dim):
    return Out(x._shape[:dim] + (sum(repeats),) + x._shape[dim + 1:], x.dtype)


def _interleave_reference(a, repeats, dim):
    """Slice k along dim appears repeats[k] times, in order: out = [a_0]*r_0 + [a_1]*r_1 + ..."""
    outer = math.prod(a.shape[:dim])
    inner = math.prod(a.shape[dim + 1:])
    data = []
    for o in range(outer):
        for k, count in enumerate(repeats):
            start = (o * a.shape[dim] + k) * inner
            data.extend(a.data[start:start + inner] * count)
    return Array(data, a.shape[:dim] + (sum(repeats),) + a.shape[dim + 1:])


def _interleave_decompose(x, repeats, dim):
    """x read along dim at 0 (repeats[0] times), 1 (repeats[1] times), ..."""
    from .creation import tensor
    positions = tensor([k for k, count in enumerate(repeats) for _ in range(count)],
                       dtype=dt.int64, device=x.device)
    return index_along(x, dim, positions)


def _interleave_grad(ctx, g):
    """Slice k receives the sum of its copies: an index_put with accumulation along dim."""
    from .creation import tensor
    from .indexing import index_put
    source = tensor([k for k, count in enumerate(ctx.repeats) for _ in range(count)],
                    dtype=dt.int64, device=g.device)
    moved = movedim(g, ctx.dim, 0)
    total = g.new_zeros((len(ctx.repeats),) + tuple(moved.shape[1:]))
    return (movedim(index_put(total, (source,), moved, accumulate=True), 0, ctx.dim),)


_REPEAT_INTERLEAVE = register(Op(
    "repeat_interleave", meta=_interleave_meta, reference=_interleave_reference,
    backward=_interleave_grad, decompose=_interleave_decompose, promote=PROMOTE_NONE,
    saves_inputs=False,
    doc="Slice k of dim repeated repeats[k] times in place (numpy's repeat). Gradient: each "
        "slice gets the sum of the gradients of its copies."))


def _repeat_counts(repeats, size: int) -> tuple:
    """`repeats` (int, 0-d or 1-D integer tensor) as one count per slice."""
    if isinstance(repeats, Tensor):
        _check_repeats_dtype(repeats)
        if repeats.ndim > 1:
            raise InvalidArgumentRuntime("repeat_interleave: repeats must be 0-dim or 1-dim "
                                         "tensor")
        counts = repeats.reshape(-1).tolist()
        if any(c < 0 for c in counts):
            raise InvalidArgumentRuntime("repeat_interleave: repeats can not be negative")
        if len(counts) == 1:
            return tuple(counts) * size
        if len(counts) != size:
            raise InvalidArgumentRuntime(f"repeat_interleave: repeats must have the same size "
                                         f"as input along dim, but got repeats.size(0) = "
                                         f"{len(counts)} and input.size(dim) = {size}")
        return tuple(counts)
    count = as_index(repeats, "repeats", "repeat_interleave")
    if count < 0:
        raise InvalidArgumentRuntime("repeat_interleave: Repeats must be non-negative")
    return (count,) * size


def _check_repeats_dtype(repeats: Tensor) -> None:
    if repeats.dtype not in (dt.int32, dt.int64):
        raise DTypeNotImplemented(f"repeat_interleave: \"repeat_interleave_cpu\" not "
                                  f"implemented for '{repeats.dtype.name}' (repeats must be "
                                  f"int32 or int64)")


def _indices_for(repeats: Tensor, output_size):
    """repeat_interleave(repeats): index k repeated repeats[k] times."""
    _check_repeats_dtype(repeats)
    if repeats.ndim != 1:
        raise InvalidArgumentRuntime("repeat_interleave only accept 1D vector as repeat")
    from .creation import arange
    positions = arange(repeats.shape[0], dtype=repeats.dtype, device=repeats.device)
    return repeat_interleave(positions, repeats, 0, output_size=output_size)


@public("repeat_interleave")
def repeat_interleave(input, repeats=None, dim=None, *, output_size=None):
    """Repeat each slice along dim (None: of the flattened input) `repeats` times in place.

    With only a tensor of counts, `repeat_interleave(repeats)` gives 0, 1, ... each repeated
    repeats[k] times, in repeats' dtype.
    """
    if repeats is None:
        return _indices_for(input, output_size)
    if dim is None:
        input, dim = reshape(input, (-1,)), 0
    else:
        if input.ndim == 0:
            raise IndexOutOfRange(f"repeat_interleave: Dimension specified as {dim} but tensor "
                                  f"has no dimensions")
        dim = normalize_dim(dim, input.ndim, "repeat_interleave")
    counts = _repeat_counts(repeats, input.shape[dim])
    if output_size is not None and output_size != sum(counts):
        if isinstance(repeats, Tensor):
            raise InvalidArgumentRuntime("repeat_interleave: allocated size does not match "
                                         "required size")
        raise InvalidArgumentRuntime(f"repeat_interleave: Invalid output_size, expected "
                                     f"{sum(counts)} but got {output_size}")
    return dispatch(_REPEAT_INTERLEAVE, input, repeats=counts, dim=dim)


__all__ = ["repeat", "tile", "repeat_interleave"]
