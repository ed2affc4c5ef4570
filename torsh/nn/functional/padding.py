"""pad: grow (or, with negative pads, crop) the last dims of a tensor.

The pad tuple lists (left, right) for the last dim, then for the one before it, and so on.
Along each padded dim of size n, with pads (l, r), out[j] = x[s(j)] for j < n + l + r and
    constant:  s = j - l inside [0, n), else `value`       (negative pads crop)
    reflect:   s = reflect(j - l) into [0, n - 1], mirror without repeating the edge (l, r < n)
    replicate: s = clamp(j - l, 0, n - 1)
    circular:  s = wrap around the (possibly cropped) input (l, r <= n)
The non-constant modes pad the last 1, 2 or 3 dims of a (k+1)-D or (k+2)-D (batched) input,
and refuse bool (except circular). An op: the reference gathers dim by dim; the gradient is
the crop of g (constant) or the scatter-add of g onto the sources (the op pad_backward).
"""
from __future__ import annotations

import math

from ..._core import dtype as dt
from ..._core.errors import DTypeNotImplemented
from ...dispatch import dispatch
from ...ops._elementwise_base import require_tensor
from ...ops._op import PROMOTE_NONE, Op, Out
from ._pointwise import declare
from ._separable import scatter_along, take_along

MODES = ("constant", "reflect", "replicate", "circular")
_LETTERS = "DHW"


def _sources(n: int, left: int, right: int, mode: str) -> list:
    """s(j) for every output index j of one padded dim (None: the constant value)."""
    size = n + left + right
    if mode == "constant":
        return [j - left if 0 <= j - left < n else None for j in range(size)]
    if mode == "reflect":
        out = []
        for j in range(size):
            i = abs(j - left)
            out.append(2 * (n - 1) - i if i > n - 1 else i)
        return out
    if mode == "replicate":
        return [min(max(j - left, 0), n - 1) for j in range(size)]
    start, kept = max(-left, 0), n - max(-left, 0) - max(-right, 0)
    return [start + (j - max(left, 0)) % kept for j in range(size)]


def _check_modes(x, pads, mode):
    """PyTorch's errors for reflect / replicate / circular."""
    k, shape = len(pads), list(x._shape)
    if k > 3 or x.ndim not in (k + 1, k + 2):
        raise NotImplementedError(
            f"pad: Padding size {2 * k} is not supported for {x.ndim}D input tensor.\n"
            "Supported combinations for non-constant padding:\n"
            "  - 2D or 3D input: padding size = 2 (pads last dimension)\n"
            "  - 3D or 4D input: padding size = 4 (pads last 2 dimensions)\n"
            "  - 4D or 5D input: padding size = 6 (pads last 3 dimensions)")
    name = {"reflect": "reflection", "replicate": "replication"}.get(mode)
    if name and x.dtype is dt.bool_:
        raise DTypeNotImplemented(f"pad: \"{name}_pad{k}d\" not implemented for 'Bool'")
    if mode == "circular":
        for d, (left, right) in zip(range(x.ndim - k, x.ndim), pads):
            n = shape[d]
            if left > n or right > n:
                raise RuntimeError("pad: Padding value causes wrapping around more than once.")
            if n - max(-left, 0) - max(-right, 0) <= 0 < n + left + right:
                raise RuntimeError("pad: Negative padding value is resulting in an empty "
                                   "dimension.")
        return
    batch = x.ndim == k + 2
    if any(n == 0 for d, n in enumerate(shape) if d > 0 or not batch):
        raise RuntimeError(f"pad: Expected {k + 1}D or {k + 2}D (batch mode) tensor with "
                           f"possibly 0 batch size and other non-zero dimensions for input, "
                           f"but got: {shape}")
    if mode == "reflect":
        for i, (left, right) in enumerate(reversed(pads)):
            d = x.ndim - 1 - i
            if left >= shape[d] or right >= shape[d]:
                raise RuntimeError(f"pad: Argument #{4 + 2 * i}: Padding size should be less "
                                   f"than the corresponding input dimension, but got: padding "
                                   f"({left}, {right}) at dimension {d} of input {shape}")
    sizes = [(shape[x.ndim - k + i], n + l + r) for i, (n, (l, r))
             in enumerate(zip(shape[x.ndim - k:], pads))]
    if any(out < 1 for _, out in sizes):
        letters = _LETTERS[3 - k:]
        given = ", ".join(f"{c}: {n}" for c, (n, _) in zip(letters, sizes))
        made = " ".join(f"{c}: {o}" for c, (_, o) in zip(letters, sizes))
        raise RuntimeError(f"pad: input ({given}) is too small. Calculated output {made}")


def _meta(x, pads, mode, value):
    if mode != "constant":
        _check_modes(x, pads, mode)
    k = len(pads)
    shape = list(x._shape)
    for d, (left, right) in zip(range(x.ndim - k, x.ndim), pads):
        size = shape[d] + left + right
        if size < 0:
            raise RuntimeError(f"pad: narrow(): length must be non-negative. (dim {d} of size "
                               f"{shape[d]} padded by ({left}, {right}))")
        shape[d] = size
    return Out(tuple(shape), x.dtype)


def _reference(x, pads, mode, value):
    """Gather along each padded dim in turn (see the module doc)."""
    start = x.ndim - len(pads)
    for d, (left, right) in zip(range(start, x.ndim), pads):
        x = take_along(x, d, _sources(x.shape[d], left, right, mode), value)
    return x


def _backward(ctx, g):
    """constant: g cropped back (a pad by the negated pads); else g added onto the sources
    (the op pad_backward)."""
    if ctx.mode == "constant":
        return (dispatch(_PAD, g, pads=tuple((-l, -r) for l, r in ctx.pads), mode="constant",
                         value=0.0),)
    return (dispatch(_PAD_BACKWARD, g, input_size=tuple(ctx.input_shapes[0]), pads=ctx.pads,
                     mode=ctx.mode),)


_PAD = declare(Op("pad", meta=_meta, reference=_reference, backward=_backward,
                  promote=PROMOTE_NONE, saves_inputs=False, doc=__doc__))


def _backward_reference(g, input_size, pads, mode):
    """in[s(j)] += g[j] along each padded dim."""
    start = len(input_size) - len(pads)
    for d, (left, right) in zip(range(start, len(input_size)), pads):
        taps = [[(s, 1)] for s in _sources(input_size[d], left, right, mode)]
        g = scatter_along(g, d, taps, input_size[d])
    return g


_PAD_BACKWARD = declare(Op(
    "pad_backward", meta=lambda g, input_size, pads, mode: Out(input_size, g.dtype),
    reference=_backward_reference, promote=PROMOTE_NONE, saves_inputs=False,
    backward=lambda ctx, gg: (dispatch(_PAD, gg, pads=ctx.pads, mode=ctx.mode, value=0.0),),
    doc="The gradient of pad (reflect, replicate, circular): in[s(j)] += g[j], the "
        "scatter-add onto each output's source. Its gradient is pad again."))


def _fill_value(value, dtype):
    """`value` as the input's dtype stores it (integers truncate, as PyTorch's fill does);
    a value the dtype cannot hold is an error, as in PyTorch."""
    import numpy as np
    value = 0 if value is None else value
    if dtype is dt.bool_:
        return bool(value)
    if dtype.is_floating_point:
        limit = 65504.0 if dtype is dt.float16 else math.inf
        if math.isfinite(value) and abs(value) > limit:
            raise RuntimeError(f"pad: value cannot be converted to type {dtype.name} without "
                               f"overflow")
        return float(value)
    info = np.iinfo(dtype.numpy)
    if not math.isfinite(value) or not info.min <= int(value) <= info.max:
        raise RuntimeError(f"pad: value cannot be converted to type {dtype.name} without "
                           f"overflow")
    return int(value)


def pad(input, pad, mode="constant", value=None):
    """input padded by `pad` = (left_last, right_last, left_before_last, ...); see the doc."""
    require_tensor("pad", input, "input", 1)
    if not isinstance(pad, (tuple, list)) or not all(
            isinstance(p, int) and not isinstance(p, bool) for p in pad):
        raise TypeError(f"pad(): argument 'pad' (position 2) must be tuple of ints, but got "
                        f"{pad!r}")
    if len(pad) % 2:
        raise RuntimeError("pad: Padding length must be divisible by 2")
    if len(pad) // 2 > input.ndim:
        raise RuntimeError(f"pad: Padding length should be less than or equal to two times "
                           f"the input dimension but got padding length {len(pad)} and input "
                           f"of dimension {input.ndim}")
    if mode not in MODES:
        raise NotImplementedError(f"pad: Unrecognised padding mode {mode}")
    if mode != "constant" and value not in (None, 0):
        raise RuntimeError(f"pad: Padding mode \"{mode}\" doesn't take in value argument")
    # (left, right) per padded dim, from the first padded dim to the last.
    pairs = tuple((pad[i], pad[i + 1]) for i in range(len(pad) - 2, -1, -2))
    if not pairs:
        return input.clone() if mode == "constant" else input
    return dispatch(_PAD, input, pads=pairs, mode=mode, value=_fill_value(value, input.dtype))


__all__ = ["pad"]
