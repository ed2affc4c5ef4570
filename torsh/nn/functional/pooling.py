"""max_pool2d and avg_pool2d: the max or the mean of each window over the last two dims.

    max_pool2d(x)[..., i, j] = max_{u, v} x[..., i*sh + u*dh - ph, j*sw + v*dw - pw]
    avg_pool2d(x)[..., i, j] = sum_{u, v} x[..., i*sh + u - ph, j*sw + v - pw] / divisor
Padding counts as -inf for max and 0 for avg; the divisor is kh*kw, or (with
count_include_pad=False) the number of window cells inside the input, or divisor_override.
ceil_mode adds a last, partial window when it starts inside the input or the left padding.
Built from window views and reductions, so gradients come from those ops (max: the
gradient of a window is shared among tied maxima, where PyTorch gives it to the first).
"""
from __future__ import annotations

import math

from ..._core.errors import ShapeMismatch
from ...ops._elementwise_base import require_tensor
from ._windows import pad2d, pair, windows


def _geometry(op, input, kernel_size, stride, padding, dilation, ceil_mode):
    """kernel, stride, dilation and the (top, bottom, left, right) padding, the bottom/right
    sides grown so that ceil_mode's last window fits."""
    if input.ndim not in (3, 4):
        raise ShapeMismatch(f"{op}: Expected 3D or 4D (batch mode) tensor for input, got "
                            f"{list(input.shape)}")
    kernel = pair(kernel_size, "kernel_size", op)
    stride = kernel if stride is None or stride == [] else pair(stride, "stride", op)
    pads = pair(padding, "padding", op)
    dilation = pair(dilation, "dilation", op)
    if min(kernel) < 1 or min(stride) < 1 or min(dilation) < 1:
        raise RuntimeError(f"{op}: kernel_size, stride and dilation must be greater than zero")
    if any(p < 0 or p > k // 2 for p, k in zip(pads, kernel)):
        raise RuntimeError(f"{op}: pad should be at most half of effective kernel size, but "
                           f"got pad={list(pads)} and kernel_size={list(kernel)}")
    extra = []
    for size, k, s, p, d in zip(input.shape[-2:], kernel, stride, pads, dilation):
        span = d * (k - 1) + 1
        room = size + 2 * p - span
        if room < 0:
            raise RuntimeError(f"{op}: Given input size: {list(input.shape)}. Calculated "
                               f"output size is too small (kernel {list(kernel)})")
        count = (math.ceil(room / s) if ceil_mode else room // s) + 1
        if ceil_mode and (count - 1) * s >= size + p:
            count -= 1
        extra.append(max(0, (count - 1) * s + span - (size + 2 * p)))
    sides = (pads[0], pads[0] + extra[0], pads[1], pads[1] + extra[1])
    return kernel, stride, dilation, sides


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):
    """The max of each (dilated) window; padding is -inf."""
    require_tensor("max_pool2d", input, "input", 1)
    if return_indices:
        raise NotImplementedError("max_pool2d: return_indices=True is not supported yet")
    kernel, stride, dilation, sides = _geometry("max_pool2d", input, kernel_size, stride,
                                                padding, dilation, ceil_mode)
    padded = pad2d(input, *sides, value=-math.inf)
    return windows(padded, kernel, stride, dilation).amax((-2, -1))


def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False,
               count_include_pad=True, divisor_override=None):
    """The mean of each window (see the module doc for the divisor)."""
    from ... import ones
    require_tensor("avg_pool2d", input, "input", 1)
    if not input.dtype.is_floating_point:
        raise NotImplementedError(f"avg_pool2d: \"avg_pool2d\" not implemented for "
                                  f"{input.dtype.name}")
    kernel, stride, _, sides = _geometry("avg_pool2d", input, kernel_size, stride, padding,
                                         1, ceil_mode)
    sums = windows(pad2d(input, *sides), kernel, stride, (1, 1)).sum((-2, -1))
    if divisor_override:
        return sums / divisor_override
    # Cells that count: the input's (and, with count_include_pad, the padding's but never
    # the cells ceil_mode added beyond it).
    top, bottom, left, right = sides
    height, width = input.shape[-2:]
    if count_include_pad:
        pad_h, pad_w = pair(padding, "padding", "avg_pool2d")
        mask = pad2d(ones((height + 2 * pad_h, width + 2 * pad_w), dtype=input.dtype),
                     0, bottom - pad_h, 0, right - pad_w)
    else:
        mask = pad2d(ones((height, width), dtype=input.dtype), top, bottom, left, right)
    counts = windows(mask, kernel, stride, (1, 1)).sum((-2, -1))
    return sums / counts


__all__ = ["max_pool2d", "avg_pool2d"]
