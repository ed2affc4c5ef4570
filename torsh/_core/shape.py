"""Shapes, strides and dims: the small arithmetic every op's meta function uses.

Strides count elements, not bytes, as in PyTorch. Nothing here touches data.
"""
from __future__ import annotations

import math
import operator
from typing import Iterable, Sequence

from .errors import IndexOutOfRange, InvalidArgumentRuntime, ShapeMismatch


class Size(tuple):
    """A shape: a tuple of ints that prints like `torsh.Size([2, 3])`."""

    def __repr__(self) -> str:
        return f"torsh.Size({list(self)})"

    def numel(self) -> int:
        return math.prod(self)

    def __getitem__(self, item):
        result = super().__getitem__(item)
        return Size(result) if isinstance(item, slice) else result

    def __add__(self, other):
        return Size(tuple(self) + tuple(other))


def numel(shape: Sequence[int]) -> int:
    return math.prod(shape)


def contiguous_strides(shape: Sequence[int]) -> tuple[int, ...]:
    """Row-major strides: the last dim moves by 1, each earlier dim by the product after it."""
    strides, step = [], 1
    for size in reversed(shape):
        strides.append(step)
        step *= max(size, 1)
    return tuple(reversed(strides))


def is_contiguous(shape: Sequence[int], strides: Sequence[int]) -> bool:
    """True when walking the shape row-major visits memory in order (size-1 dims ignored)."""
    if numel(shape) == 0:
        return True
    expected = 1
    for size, stride in zip(reversed(shape), reversed(strides)):
        if size != 1:
            if stride != expected:
                return False
            expected *= size
    return True


def is_dense(shape: Sequence[int], strides: Sequence[int]) -> bool:
    """True when the view covers a block of memory exactly once in some order of its dims:
    sorted by stride, each stride is the product of the sizes before it (size-1 dims aside)."""
    expected = 1
    for stride, size in sorted((st, n) for n, st in zip(shape, strides) if n != 1):
        if stride != expected:
            return False
        expected *= size
    return True


def as_index(value, what: str, op: str) -> int:
    """`value` as a Python int; TypeError naming the op for floats, tensors of floats, ..."""
    try:
        return operator.index(value)
    except TypeError:
        raise TypeError(f"{op}: {what} must be an integer, got {type(value).__name__} "
                        f"{value!r}") from None


def normalize_dim(dim, ndim: int, op: str) -> int:
    """Map a possibly negative dim into [0, ndim); a 0-d tensor accepts dims -1 and 0."""
    dim = as_index(dim, "dim", op)
    rank = max(ndim, 1)
    if not -rank <= dim < rank:
        raise IndexOutOfRange(f"{op}: Dimension out of range (expected to be in range of "
                              f"[{-rank}, {rank - 1}], but got {dim})")
    return dim % rank


def normalize_dims(dims, ndim: int, op: str) -> tuple[int, ...]:
    """A dim, a sequence of dims or None (all dims) as a sorted tuple without repeats."""
    if dims is None:
        return tuple(range(ndim))
    if type(dims) is int and -ndim <= dims < ndim:       # the common case: one valid dim
        return (dims % ndim,)
    if not isinstance(dims, (list, tuple)):
        dims = (dims,)
    result = tuple(normalize_dim(d, ndim, op) for d in dims)
    if len(set(result)) != len(result):
        raise InvalidArgumentRuntime(f"{op}: dim {list(dims)} appears multiple times in the list "
                                     f"of dims")
    return tuple(sorted(result))


def broadcast_shapes(*shapes: Sequence[int], op: str = "broadcast_shapes") -> tuple[int, ...]:
    """Align shapes at the right; each dim pair must be equal or contain a 1."""
    if shapes and all(s == shapes[0] for s in shapes[1:]):
        return tuple(shapes[0])
    ndim = max((len(s) for s in shapes), default=0)
    result = [1] * ndim
    for shape in shapes:
        for i, size in enumerate(shape, start=ndim - len(shape)):
            if size == result[i] or size == 1:
                continue
            if result[i] == 1:
                result[i] = size
            else:
                listed = " and ".join(str(list(s)) for s in shapes)
                raise ShapeMismatch(f"{op}: cannot broadcast shapes {listed}")
    return tuple(result)


def check_shape(shape: Iterable, op: str) -> tuple[int, ...]:
    """A requested shape: integers, none negative."""
    shape = tuple(as_index(s, "size", op) for s in shape)
    if any(s < 0 for s in shape):
        raise InvalidArgumentRuntime(f"{op}: Trying to create tensor with negative dimension: "
                                     f"{list(shape)}")
    return shape


def parse_shape_args(args, op: str) -> tuple[int, ...]:
    """Accept both f(2, 3) and f((2, 3)) / f([2, 3]) / f(Size)."""
    if len(args) == 1 and isinstance(args[0], (tuple, list)):
        args = args[0]
    return check_shape(args, op)
