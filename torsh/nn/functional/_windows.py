"""Sliding windows over the last two dims, shared by conv2d and the 2-D poolings:
argument pairs, constant padding, and the (…, OH, OW, KH, KW) view of every window."""
from __future__ import annotations


def pair(value, name: str, op: str) -> tuple:
    """An int or a 2-sequence of ints as (height, width)."""
    if isinstance(value, int):
        return (value, value)
    values = tuple(value)
    if len(values) == 1:
        return values * 2
    if len(values) != 2:
        raise RuntimeError(f"{op}: expected {name} to be a single integer value or a list of "
                           f"2 values, but got {list(values)}")
    return values


def pad2d(x, top: int, bottom: int, left: int, right: int, value: float = 0.0):
    """x with `value` rows/columns added around its last two dims (by concatenation, so the
    gradient flows back to x)."""
    from ... import cat, full
    if top or bottom:
        rows = [full(tuple(x.shape[:-2]) + (n, x.shape[-1]), value, dtype=x.dtype)
                for n in (top, bottom)]
        x = cat([rows[0], x, rows[1]], -2)
    if left or right:
        columns = [full(tuple(x.shape[:-1]) + (n,), value, dtype=x.dtype)
                   for n in (left, right)]
        x = cat([columns[0], x, columns[1]], -1)
    return x


def windows(x, kernel: tuple, stride: tuple, dilation: tuple):
    """x[..., H, W] -> [..., OH, OW, KH, KW]: every (dilated) window, as a view."""
    span_h = dilation[0] * (kernel[0] - 1) + 1
    span_w = dilation[1] * (kernel[1] - 1) + 1
    patches = x.unfold(-2, span_h, stride[0]).unfold(-2, span_w, stride[1])
    if dilation != (1, 1):
        patches = patches[..., ::dilation[0], ::dilation[1]]
    return patches
