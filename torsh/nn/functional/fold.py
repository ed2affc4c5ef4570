"""unfold (im2col) and fold (col2im): the sliding blocks of a batch of images, and back.

unfold(x)[n, c*K + k, l] = x[n, c, b_l*s - p + k*d] (0 in the padding), for the K kernel
positions k and the L block corners b_l (row-major) of a 2-D kernel sliding over (H, W).
fold(cols)[n, c, i] = sum over (k, l) with b_l*s - p + k*d = i of cols[n, c*K + k, l].
Each is the other's adjoint, so each one's backward is the other. Both are ops (named
im2col and col2im, as in ATen); integer dtypes are refused (PyTorch has no kernel for
them), bool is accepted (fold adds with or).
"""
from __future__ import annotations

import itertools
import math

from ..._core.errors import DTypeNotImplemented, ShapeMismatch
from ...dispatch import dispatch
from ...ops._array import Array
from ...ops._elementwise_base import TORCH_TYPE_NAMES, require_tensor
from ...ops._op import PROMOTE_NONE, Op, Out
from ._pointwise import declare


def _pair(value, name: str) -> tuple:
    items = tuple(value) if isinstance(value, (list, tuple)) else (value, value)
    if len(items) != 2:
        raise ShapeMismatch(f"It is expected {name} equals to 2, but got size {len(items)}")
    for i, item in enumerate(items):
        if not isinstance(item, int):
            raise TypeError(f"{name} must be tuple of ints, but found element of type "
                            f"{type(item).__name__} at pos {i}")
    return items


def _blocks(size, kernel_size, dilation, padding, stride) -> tuple:
    """How many kernel positions fit along each spatial dim."""
    return tuple((n + 2 * p - d * (k - 1) - 1) // s + 1
                 for n, k, d, p, s in zip(size, kernel_size, dilation, padding, stride))


def _check_params(kernel_size, dilation, padding, stride) -> None:
    for name, label, values, low in (("kernel size", "kernel", kernel_size, 1),
                                     ("stride", "stride", stride, 1),
                                     ("dilation", "dilation", dilation, 1)):
        if min(values) < low:
            raise ShapeMismatch(f"{name} should be greater than zero, but got {label}_height: "
                                f"{values[0]} {label}_width: {values[1]}")
    if min(padding) < 0:
        raise ShapeMismatch(f"padding should be non-negative, but got pad_height: "
                            f"{padding[0]} pad_width: {padding[1]}")


def _check_dtype(name: str, kernel: str, t) -> None:
    if not (t.dtype.is_floating_point or t.dtype.name == "bool"):
        raise DTypeNotImplemented(f"{name}: \"{kernel}\" not implemented for "
                                  f"'{TORCH_TYPE_NAMES[t.dtype.name]}'")


def _block_positions(size, kernel_size, dilation, padding, stride) -> list:
    """positions[k*L + l]: the flat spatial index kernel position k of block l reads (None in
    the padding): the whole im2col map, shared by unfold and fold."""
    blocks = _blocks(size, kernel_size, dilation, padding, stride)
    positions = []
    for k in itertools.product(*(range(k) for k in kernel_size)):
        for b in itertools.product(*(range(n) for n in blocks)):
            at = [bi * s - p + ki * d for bi, ki, s, p, d in zip(b, k, stride, padding, dilation)]
            inside = all(0 <= i < n for i, n in zip(at, size))
            positions.append(at[0] * size[1] + at[1] if inside else None)
    return positions


# ------------------------------------------------------------ unfold

def _unfold_meta(x, kernel_size, dilation, padding, stride):
    _check_dtype("unfold", "im2col_out_cpu", x)
    _check_params(kernel_size, dilation, padding, stride)
    blocks = _blocks(x._shape[2:], kernel_size, dilation, padding, stride)
    if min(blocks) < 1:
        raise ShapeMismatch(f"unfold: Given input with spatial size {tuple(x._shape[2:])}, "
                            f"kernel_size={kernel_size}, dilation={dilation}, padding={padding}, "
                            f"calculated shape of the array of sliding blocks as {blocks}, but "
                            f"its components must be at least one.")
    return Out((x._shape[0], x._shape[1] * math.prod(kernel_size), math.prod(blocks)), x.dtype)


def _unfold_reference(x: Array, kernel_size, dilation, padding, stride) -> Array:
    batch, channels, *size = x.shape
    positions = _block_positions(size, kernel_size, dilation, padding, stride)
    plane, out = math.prod(size), []
    for start in range(0, batch * channels * plane, plane):
        image = x.data[start:start + plane]
        out += [0 if i is None else image[i] for i in positions]
    volume = math.prod(kernel_size)
    return Array(out, (batch, channels * volume, len(positions) // volume))


def _unfold_backward(ctx, grad):
    return (_dispatch_fold(grad, tuple(ctx.input_shapes[0][2:]), ctx.kernel_size,
                           ctx.dilation, ctx.padding, ctx.stride),)


_UNFOLD = declare(Op("im2col", meta=_unfold_meta, reference=_unfold_reference,
                     backward=_unfold_backward, promote=PROMOTE_NONE, saves_inputs=False,
                     doc=__doc__))


# ------------------------------------------------------------ fold

def _fold_meta(cols, output_size, kernel_size, dilation, padding, stride):
    _check_dtype("fold", "col2im_out_cpu", cols)
    _check_params(kernel_size, dilation, padding, stride)
    volume = math.prod(kernel_size)
    if cols._shape[1] % volume:
        raise ShapeMismatch(f"fold: Expected size of input's dimension 1 to be divisible by the "
                            f"product of kernel_size, but got input.size(1)={cols._shape[1]} "
                            f"and kernel_size={kernel_size}.")
    blocks = _blocks(output_size, kernel_size, dilation, padding, stride)
    given = (f"Given output_size={output_size}, kernel_size={kernel_size}, "
             f"dilation={dilation}, padding={padding}, stride={stride}")
    if min(blocks) < 1:
        raise ShapeMismatch(f"fold: {given}, calculated shape of the array of sliding blocks "
                            f"as {blocks}, but its components must be at least one.")
    if cols._shape[2] != math.prod(blocks):
        raise ShapeMismatch(f"fold: {given}, expected size of input's dimension 2 to match the "
                            f"calculated number of sliding blocks {blocks[0]} * {blocks[1]} = "
                            f"{math.prod(blocks)}, but got input.size(2)={cols._shape[2]}.")
    return Out((cols._shape[0], cols._shape[1] // volume) + tuple(output_size), cols.dtype)


def _fold_reference(cols: Array, output_size, kernel_size, dilation, padding, stride) -> Array:
    batch, rows, _ = cols.shape
    channels = rows // math.prod(kernel_size)
    positions = _block_positions(output_size, kernel_size, dilation, padding, stride)
    pairs = [(j, i) for j, i in enumerate(positions) if i is not None]
    plane, span, out = math.prod(output_size), len(positions), []
    for start in range(0, batch * channels * span, span):
        block, image = cols.data[start:start + span], [0] * plane
        for j, i in pairs:
            image[i] += block[j]
        out += image
    return Array(out, (batch, channels) + tuple(output_size))


def _fold_backward(ctx, grad):
    return (dispatch(_UNFOLD, grad, kernel_size=ctx.kernel_size, dilation=ctx.dilation,
                     padding=ctx.padding, stride=ctx.stride),)


_FOLD = declare(Op("col2im", meta=_fold_meta, reference=_fold_reference, backward=_fold_backward,
                   promote=PROMOTE_NONE, saves_inputs=False, doc=__doc__))


def _dispatch_fold(cols, output_size, kernel_size, dilation, padding, stride):
    return dispatch(_FOLD, cols, output_size=tuple(output_size), kernel_size=kernel_size,
                    dilation=dilation, padding=padding, stride=stride)


# ------------------------------------------------------------ public functions

def unfold(input, kernel_size, dilation=1, padding=0, stride=1):
    """The sliding blocks of input (N, C, H, W) or (C, H, W), as columns:
    (N, C * KH * KW, L), L the number of blocks."""
    require_tensor("unfold", input, "input", 1)
    if input.ndim not in (3, 4) or 0 in input.shape[1:]:
        raise ShapeMismatch(f"unfold: Expected 3D or 4D (batch mode) tensor with possibly 0 "
                            f"batch size and other non-zero dimensions for input, but got: "
                            f"{list(input.shape)}")
    params = dict(kernel_size=_pair(kernel_size, "kernel_size"),
                  dilation=_pair(dilation, "dilation"), padding=_pair(padding, "padding"),
                  stride=_pair(stride, "stride"))
    if input.ndim == 3:
        return dispatch(_UNFOLD, input.unsqueeze(0), **params).squeeze(0)
    return dispatch(_UNFOLD, input, **params)


def fold(input, output_size, kernel_size, dilation=1, padding=0, stride=1):
    """Sum columns (N, C * KH * KW, L) or (C * KH * KW, L) back into images
    (N, C, *output_size): the adjoint of unfold (overlapping blocks add up)."""
    require_tensor("fold", input, "input", 1)
    if input.ndim not in (2, 3) or 0 in input.shape[1:] or input.ndim == 2 and 0 in input.shape:
        raise ShapeMismatch(f"fold: Expected 2D or 3D (batch mode) tensor for input with "
                            f"possibly 0 batch size and non-zero dimensions for input, but got: "
                            f"{list(input.shape)}")
    params = [_pair(v, name) for v, name in ((output_size, "output_size"),
                                             (kernel_size, "kernel_size"),
                                             (dilation, "dilation"), (padding, "padding"),
                                             (stride, "stride"))]
    if input.ndim == 2:
        return _dispatch_fold(input.unsqueeze(0), *params).squeeze(0)
    return _dispatch_fold(input, *params)


__all__ = ["unfold", "fold"]
