"""Resampling one dim at a time, shared by pad and interpolate.

Both ops are separable: along each spatial dim d, out[..., j, ...] = sum_k w_jk x[..., s_jk, ...]
for a short list of taps (s_jk, w_jk) per output index j. The forward applies the taps dim
by dim over Arrays (combine_along); the backward is their adjoint, in[s_jk] += w_jk g[j]
(scatter_along), declared as an op of its own whose gradient is the forward again.
"""
from __future__ import annotations

import math

from ...ops._array import Array


def _blocks(shape, dim):
    """(outer, size, inner): the number of blocks before dim, its size, the run after it."""
    return math.prod(shape[:dim]), shape[dim], math.prod(shape[dim + 1:])


def take_along(a: Array, dim: int, sources: list, fill) -> Array:
    """out[..., j, ...] = a[..., sources[j], ...], or `fill` where sources[j] is None."""
    outer, size, inner = _blocks(a.shape, dim)
    data, out = a.data, []
    filler = [fill] * inner
    for o in range(outer):
        base = o * size * inner
        for s in sources:
            out += filler if s is None else data[base + s * inner:base + (s + 1) * inner]
    return Array(out, a.shape[:dim] + (len(sources),) + a.shape[dim + 1:])


def combine_along(a: Array, dim: int, taps: list, from_zero: bool = False) -> Array:
    """out[..., j, ...] = sum_k w * a[..., s, ...] over the taps [(s, w), ...] of j, summed
    left to right from the first product (or from 0.0, `from_zero`); one tap of weight 1
    copies."""
    outer, size, inner = _blocks(a.shape, dim)
    data, out = a.data, []
    for o in range(outer):
        base = o * size * inner
        for row in taps:
            parts = [(w, data[base + s * inner:base + (s + 1) * inner]) for s, w in row]
            if len(parts) == 1 and parts[0][0] == 1 and not from_zero:
                out += parts[0][1]
                continue
            total = [0.0] * inner if from_zero else [parts[0][0] * v for v in parts[0][1]]
            for w, values in parts[0 if from_zero else 1:]:
                total = [t + w * v for t, v in zip(total, values)]
            out += total
    return Array(out, a.shape[:dim] + (len(taps),) + a.shape[dim + 1:])


def scatter_along(g: Array, dim: int, taps: list, size: int) -> Array:
    """The adjoint of combine_along: in[..., s, ...] += w * g[..., j, ...] for every tap."""
    outer, count, inner = _blocks(g.shape, dim)
    data, out = g.data, [0.0] * (outer * size * inner)
    for o in range(outer):
        base, source = o * size * inner, o * count * inner
        for j, row in enumerate(taps):
            values = data[source + j * inner:source + (j + 1) * inner]
            for s, w in row:
                start = base + s * inner
                out[start:start + inner] = [a + w * v for a, v in
                                            zip(out[start:start + inner], values)]
    return Array(out, g.shape[:dim] + (size,) + g.shape[dim + 1:])


__all__: list = []
