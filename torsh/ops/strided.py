"""Strided views and the scatters that invert them: the machinery every view op is built on.

`view_op` declares a view from its geometry function `(tensor, **params) -> (shape, strides,
offset)`. The gradient of every view is one general rule: scatter the output gradient back
through the view's geometry into zeros shaped like the input (`strided_scatter_add`, which
accumulates where a view overlaps itself). `as_strided_scatter` replaces instead of adding: it is
how an in-place write through a view becomes part of its base's history.
"""
from __future__ import annotations

import numpy as np

from .._core.errors import InvalidArgumentRuntime
from .._core.shape import as_index, check_shape
from .._core.storage import Storage
from ..dispatch import dispatch
from ..tensor import Tensor
from ._array import Array, indices, position
from ._op import PROMOTE_NONE, Op, Out, public, register


def _geometry_only(shape, dtype) -> Tensor:
    """A contiguous tensor of `shape` whose data is never read: input to geometry functions."""
    return Tensor(Storage(np.zeros(0, dtype=dtype.numpy)), shape, dtype=dtype)


def _scatter_view_grad(op: Op):
    """The general view gradient: zeros like the input, with g added through the same view."""
    def backward(ctx, g):
        shape = ctx.input_shapes[0]
        size, stride, offset = op.view(_geometry_only(shape, g.dtype), **ctx.params)
        from .. import zeros
        base = zeros(shape, dtype=g.dtype, device=g.device)
        return (dispatch(_STRIDED_SCATTER_ADD, base, g, size=size, stride=stride,
                         offset=offset),)
    return backward


def view_op(name: str, geometry, backward=None, doc: str = "") -> Op:
    """Declare a view op from its geometry; the backward defaults to the scatter rule."""
    op = Op(name, meta=lambda x, **p: Out(tuple(geometry(x, **p)[0]), x.dtype), view=geometry,
            promote=PROMOTE_NONE, saves_inputs=False, doc=doc or geometry.__doc__ or "")
    op.backward = backward or _scatter_view_grad(op)
    return register(op)


def _reshape_grad(ctx, g):
    return (g.reshape(ctx.input_shapes[0]),)


# ------------------------------------------------------------ as_strided

def _as_strided_geometry(x, size, stride, storage_offset):
    """Any geometry over the same storage (absolute offset)."""
    return tuple(size), tuple(stride), storage_offset


_AS_STRIDED = view_op("as_strided", _as_strided_geometry)


@public("as_strided")
def as_strided(input, size, stride, storage_offset=None):
    size = check_shape(size, "as_strided")
    stride = tuple(as_index(s, "stride", "as_strided") for s in stride)
    offset = input._offset if storage_offset is None else storage_offset
    if len(size) != len(stride):
        raise InvalidArgumentRuntime(f"as_strided: mismatch in length of strides and shape "
                                     f"({len(size)} vs {len(stride)})")
    if any(s < 0 for s in stride) or offset < 0:
        raise InvalidArgumentRuntime("as_strided: Negative strides and offsets are not "
                                     "supported")
    extent = offset + sum((n - 1) * s for n, s in zip(size, stride)) + 1 if all(size) else 0
    if extent > len(input._storage):
        raise InvalidArgumentRuntime(f"as_strided: setStorage: sizes {list(size)}, strides "
                                     f"{list(stride)}, storage offset {offset} require "
                                     f"{extent} elements, but the storage has only "
                                     f"{len(input._storage)}")
    return dispatch(_AS_STRIDED, input, size=size, stride=stride, storage_offset=offset)


# ------------------------------------------------------------ scattering through a geometry

def _storage_positions(size, stride, offset):
    return [offset + position(i, stride) for i in indices(size)]


def _strided_scatter_reference(base: Array, src: Array, size, stride, offset, accumulate):
    out = list(base.data)
    for value, where in zip(src.data, _storage_positions(size, stride, offset)):
        out[where] = out[where] + value if accumulate else value
    return Array(out, base.shape)


def _strided_view(g, size, stride, offset):
    """g (any layout) seen through a geometry that is relative to g's row-major layout."""
    g = g.contiguous()
    return as_strided(g, size, stride, g._offset + offset)


_STRIDED_SCATTER_ADD = register(Op(
    "strided_scatter_add", meta=lambda base, src, **_: Out(base._shape, base.dtype),
    reference=lambda base, src, **p: _strided_scatter_reference(base, src, accumulate=True, **p),
    backward=lambda ctx, g: (g, _strided_view(g, ctx.size, ctx.stride, ctx.offset)),
    saves_inputs=False,
    doc="base (row-major) with src added at the positions a view of that geometry would see; "
        "overlapping positions accumulate. The gradient of every view."))

_AS_STRIDED_SCATTER = register(Op(
    "as_strided_scatter", meta=lambda base, src, **_: Out(base._shape, base.dtype),
    reference=lambda base, src, **p: _strided_scatter_reference(base, src, accumulate=False,
                                                                **p),
    backward=lambda ctx, g: (
        dispatch(_AS_STRIDED_SCATTER, g.contiguous(), g.new_zeros(ctx.size), size=ctx.size,
                 stride=ctx.stride, offset=ctx.offset),
        _strided_view(g, ctx.size, ctx.stride, ctx.offset)),
    saves_inputs=False,
    doc="base (row-major) with the positions of the view (size, stride, offset) replaced by "
        "src. The gradient for base is zero at the replaced positions (PyTorch 2.13 returns "
        "the reverse: the gradient there and zero elsewhere)."))


@public("as_strided_scatter")
def as_strided_scatter(input, src, size, stride, storage_offset=0):
    return dispatch(_AS_STRIDED_SCATTER, input.contiguous(), src, size=tuple(size),
                    stride=tuple(stride), offset=storage_offset)


def as_strided_scatter_history(base: Tensor, view: Tensor, value: Tensor) -> None:
    """After `value` was written into `view`, make base's and view's histories say so."""
    if not base.is_contiguous() or base._offset != 0:
        raise RuntimeError("in-place write with autograd through a view of a non-contiguous "
                           "base is not supported; clone() the base first")
    new_base = dispatch(_AS_STRIDED_SCATTER, base, value, size=view._shape,
                        stride=view._stride, offset=view._offset)
    base.grad_fn, base._output_nr, base._requires_grad = new_base.grad_fn, 0, True
    again = dispatch(_AS_STRIDED, base, size=view._shape, stride=view._stride,
                     storage_offset=view._offset)
    view.grad_fn, view._output_nr, view._requires_grad = again.grad_fn, 0, True
