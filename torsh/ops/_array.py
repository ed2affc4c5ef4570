"""Array: what reference code computes on — a flat row-major list of Python numbers and a shape.

Reference ops take Arrays and return Arrays. Values are Python `bool`, `int` or `float`; the
dispatcher rounds the result once to the output dtype. The helpers here are the few loops every
family shares (index arithmetic, broadcasting, map/zip, reduction over dims); each is written to
be read, not to be fast.
"""
from __future__ import annotations

import itertools
import math
from typing import Callable, Iterable, Sequence

from .._core.shape import contiguous_strides


class Array:
    __slots__ = ("data", "shape")

    def __init__(self, data: list, shape: Sequence[int]):
        self.data = data
        self.shape = tuple(shape)
        assert len(data) == math.prod(self.shape), (len(data), self.shape)

    @property
    def ndim(self) -> int:
        return len(self.shape)

    def __len__(self) -> int:
        return len(self.data)

    def __repr__(self) -> str:
        return f"Array({self.data!r}, shape={self.shape})"

    def strides(self) -> tuple[int, ...]:
        return contiguous_strides(self.shape)

    def at(self, index: Sequence[int]):
        """The element at a multi-index."""
        return self.data[position(index, self.strides())]

    def scalar(self):
        """The single element of a one-element array."""
        assert len(self.data) == 1
        return self.data[0]


def scalar(value) -> Array:
    return Array([value], ())


def position(index: Sequence[int], strides: Sequence[int]) -> int:
    """Flat position of a multi-index: sum of index[d] * stride[d]."""
    return sum(i * s for i, s in zip(index, strides))


def indices(shape: Sequence[int]) -> Iterable[tuple[int, ...]]:
    """Every multi-index of `shape`, row-major (the last dim fastest)."""
    return itertools.product(*(range(n) for n in shape))


def broadcast_to(a: Array, shape: Sequence[int]) -> Array:
    """Repeat `a` along the dims where it has size 1 (or is missing on the left)."""
    shape = tuple(shape)
    if a.shape == shape:
        return a
    lead = len(shape) - a.ndim
    strides = a.strides()
    stride_in_a = [0] * lead + [0 if n == 1 else s for n, s in zip(a.shape, strides)]
    return Array([a.data[p] for p in flat_positions(shape, stride_in_a)], shape)


def map_elements(fn: Callable, a: Array) -> Array:
    """out[i] = fn(a[i])."""
    return Array([fn(x) for x in a.data], a.shape)


def zip_elements(fn: Callable, shape: Sequence[int], *arrays: Array) -> Array:
    """out[i] = fn(a[i], b[i], ...) after broadcasting every array to `shape`."""
    columns = [broadcast_to(a, shape).data for a in arrays]
    return Array([fn(*xs) for xs in zip(*columns)], shape)


def reduce_dims(a: Array, dims: Sequence[int], reducer: Callable[[list], object],
                keepdim: bool) -> Array:
    """Apply `reducer` to the list of elements that share an index outside `dims`.

    out[j] = reducer([a[i] for every i whose coordinates outside `dims` equal j]), each
    list in row-major order. The reduced dims are dropped, or kept with size 1.
    """
    groups = group_along(a, dims)
    return Array([reducer(g) for g in groups], reduced_shape(a.shape, dims, keepdim))


def group_along(a: Array, dims: Sequence[int]) -> list[list]:
    """The lists of elements that `reduce_dims` hands to its reducer, in output order."""
    dims = set(dims)
    kept_shape = [n for d, n in enumerate(a.shape) if d not in dims]
    if not kept_shape:
        return [list(a.data)]
    kept_strides = iter(contiguous_strides(kept_shape))
    # Where each element lands: its index outside `dims`, flattened (reduced dims count 0).
    step_of_dim = [0 if d in dims else next(kept_strides) for d in range(a.ndim)]
    groups: list[list] = [[] for _ in range(math.prod(kept_shape))]
    for value, target in zip(a.data, flat_positions(a.shape, step_of_dim)):
        groups[target].append(value)
    return groups


def flat_positions(shape: Sequence[int], strides: Sequence[int]) -> list[int]:
    """position(i, strides) for every multi-index i of `shape`, row-major, built dim by dim."""
    result = [0]
    for size, stride in zip(shape, strides):
        result = [p + k * stride for p in result for k in range(size)]
    return result


def reduced_shape(shape: Sequence[int], dims: Sequence[int], keepdim: bool) -> tuple:
    if keepdim:
        return tuple(1 if d in dims else n for d, n in enumerate(shape))
    return tuple(n for d, n in enumerate(shape) if d not in dims)


def lanes(a: Array, dim: int) -> list[list[int]]:
    """Flat positions of every 1-D lane along `dim`, each lane in order of that dim.

    Scans, sorts and other ops that work along one dim read and write through these.
    """
    if a.ndim == 0:
        return [[0]]
    strides = a.strides()
    outer_shape = a.shape[:dim] + (1,) + a.shape[dim + 1:]
    return [[position(start, strides) + k * strides[dim] for k in range(a.shape[dim])]
            for start in indices(outer_shape)]
