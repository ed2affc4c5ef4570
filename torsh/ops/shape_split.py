"""Splitting one tensor into views along a dim: unbind, split, chunk, tensor_split.

Each piece is a `narrow` / `select` view of the input (movement.py), so writes through a piece
reach the input and gradients come for free. Only the piece sizes are computed here.
"""
from __future__ import annotations

from .._core.errors import InvalidArgumentRuntime
from .._core.shape import as_index, normalize_dim
from ..dispatch import dispatch
from ..tensor import Tensor
from ._op import public
from .movement import _SLICE, narrow, select


@public("unbind")
def unbind(input, dim=0):
    """The slices along dim, as a tuple of views."""
    dim = normalize_dim(dim, input.ndim, "unbind")
    return tuple(select(input, dim, i) for i in range(input._shape[dim]))


@public("split")
def split(tensor, split_size_or_sections, dim=0):
    """Views of consecutive pieces of `split_size` (the last may be smaller) or listed sizes."""
    dim = normalize_dim(dim, tensor.ndim, "split")
    size = tensor._shape[dim]
    if isinstance(split_size_or_sections, (list, tuple)):
        sections = list(split_size_or_sections)
        if sum(sections) != size or any(s < 0 for s in sections):
            raise InvalidArgumentRuntime(f"split_with_sizes expects split_sizes to sum exactly "
                                         f"to {size} (input tensor's size at dimension {dim}), "
                                         f"but got split_sizes={sections}")
    else:
        step = as_index(split_size_or_sections, "split_size", "split")
        if step <= 0 and size:
            raise InvalidArgumentRuntime(f"split expects split_size be positive, got {step}")
        sections = [min(step, size - start) for start in range(0, size, step)] if size else [0]
    pieces, start = [], 0
    for length in sections:
        pieces.append(narrow(tensor, dim, start, length))
        start += length
    return tuple(pieces)


@public("chunk")
def chunk(input, chunks, dim=0):
    """Up to `chunks` pieces of ceil(size / chunks) elements along dim."""
    if chunks <= 0:
        raise InvalidArgumentRuntime(f"chunk expects `chunks` to be greater than 0, got: "
                                     f"{chunks}")
    dim = normalize_dim(dim, input.ndim, "chunk")
    size = input._shape[dim]
    if size == 0:   # every one of the chunks is empty
        return split(input, [0] * chunks, dim)
    return split(input, -(-size // chunks), dim)


@public("tensor_split")
def tensor_split(input, indices_or_sections, dim=0):
    """Split into n nearly equal parts (the first size % n get one more), or at indices:
    piece k is input[i_(k-1):i_k] along dim, bounds clipped and wrapped as Python slices'."""
    if input.ndim == 0:
        raise InvalidArgumentRuntime("tensor_split expected at least a 1-dimensional tensor, "
                                     "but got a tensor with 0 dims")
    dim = normalize_dim(dim, input.ndim, "tensor_split")
    size = input._shape[dim]
    if isinstance(indices_or_sections, Tensor):
        if indices_or_sections.dtype.name != "int64" or indices_or_sections.ndim > 1:
            raise InvalidArgumentRuntime(f"tensor_split expected tensor_indices_or_sections to "
                                         f"be a zero- or one-dimensional int64 tensor, got "
                                         f"{indices_or_sections.dtype.name} of shape "
                                         f"{list(indices_or_sections.shape)}")
        indices_or_sections = indices_or_sections.tolist()
    if not isinstance(indices_or_sections, (list, tuple)):
        n = as_index(indices_or_sections, "sections", "tensor_split")
        if n <= 0:
            raise InvalidArgumentRuntime(f"tensor_split(): number of sections must be larger "
                                         f"than 0, got {n}")
        sizes = [size // n + (1 if i < size % n else 0) for i in range(n)]
        return split(input, sizes, dim)
    bounds = [0] + [as_index(i, "indices", "tensor_split") for i in indices_or_sections]
    pieces = []
    for a, b in zip(bounds, bounds[1:] + [size]):
        start, stop, _ = slice(a, b).indices(size)
        pieces.append(dispatch(_SLICE, input, dim=dim, start=start, stop=max(start, stop),
                               step=1))
    return tuple(pieces)
