"""Sliding windows, shared by the convolutions and the poolings.

- `pair`, `pad2d`, `windows`: argument pairs, constant padding, and the (…, OH, OW, KH, KW)
  view of every window (conv2d builds on these).
- `pool_taps`, `adaptive_taps`, `cells`: the geometry of a pooling as plain index lists. For
  each spatial dim, the taps of output position o are the input coordinates its window reads
  (padding left out); `cells` combines the dims into, for every output cell of one plane
  (row-major), the flat in-plane offsets it reads, in the window's row-major order.
- `as_tuple`, `check_rank`, `pool_sizes`, `check_adaptive`, `adaptive_output_size`,
  `unpool_size`: the poolings' arguments checked
  with PyTorch's errors, and their output sizes.
- `plane_max`, `plane_mean`, `spread_mean`, `take_planes`, `scatter_planes`: the loops of the
  pooling ops over those cells, one plane (one (n, c) pair) after another. They are lean on
  purpose: `make demo` trains a CNN on them.
"""
from __future__ import annotations

import math

from ..._core.errors import DTypeNotImplemented, ShapeMismatch
from ...ops._elementwise_base import TORCH_TYPE_NAMES, require_tensor


def pair(value, name: str, op: str) -> tuple:
    """An int or a 2-sequence of ints as (height, width)."""
    return ntuple(value, 2, name, op)


def ntuple(value, n: int, name: str, op: str) -> tuple:
    """An int, or a sequence of 1 or n ints, as n ints."""
    if isinstance(value, int):
        return (value,) * n
    values = tuple(value)
    if len(values) == 1:
        return values * n
    if len(values) != n:
        raise RuntimeError(f"{op}: expected {name} to be a single integer value or a list of "
                           f"{n} values, but got {list(values)}")
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


# ------------------------------------------------------------ pooling geometry

def pool_output_size(size: int, kernel: int, stride: int, pad: int, dilation: int,
                     ceil_mode: bool) -> int:
    """floor (or ceil) of (size + 2 pad - dilation (kernel - 1) - 1) / stride, plus 1; with
    ceil_mode a last window that would start in the right padding is dropped (PyTorch's rule)."""
    room = size + 2 * pad - dilation * (kernel - 1) - 1
    count = (-(-room // stride) if ceil_mode else room // stride) + 1
    if ceil_mode and (count - 1) * stride >= size + pad:
        count -= 1
    return count


def pool_taps(size: int, count: int, kernel: int, stride: int, pad: int,
              dilation: int) -> list[list[int]]:
    """Input coordinates read by output positions 0..count-1: o*stride - pad + u*dilation for
    u < kernel, those inside [0, size)."""
    taps = []
    for o in range(count):
        start = o * stride - pad
        taps.append([i for i in range(start, start + dilation * (kernel - 1) + 1, dilation)
                     if 0 <= i < size])
    return taps


def pool_firsts(count: int, stride: int, pad: int, dilation: int) -> list[int]:
    """The first tap of each window at or after 0 (PyTorch's argmax when a window lies
    wholly in the padding, which dilation allows: then it may be past the input's end)."""
    firsts = []
    for o in range(count):
        start = o * stride - pad
        firsts.append(start + -(start // dilation) * dilation if start < 0 else start)
    return firsts


def pool_spans(size: int, count: int, kernel: int, stride: int, pad: int) -> list[int]:
    """How many cells each window covers counting the padding but not what ceil_mode adds
    beyond it (avg_pool's divisor with count_include_pad)."""
    return [min(o * stride - pad + kernel, size + pad) - (o * stride - pad)
            for o in range(count)]


def adaptive_taps(size: int, count: int) -> list[list[int]]:
    """Output o of an adaptive pooling reads [floor(o*size/count), ceil((o+1)*size/count))."""
    return [list(range(o * size // count, -(-(o + 1) * size // count))) for o in range(count)]


def cells(taps: list, spatial: tuple) -> list[list[int]]:
    """For each output cell (row-major), the flat in-plane offsets of the input it reads."""
    strides = [math.prod(spatial[d + 1:]) for d in range(len(spatial))]
    result = [[0]]
    for dim_taps, stride in zip(taps, strides):
        result = [[base + i * stride for base in cell for i in tap]
                  for cell in result for tap in dim_taps]
    return result


def cell_offsets(coordinates: list, spatial: tuple) -> list:
    """The flat in-plane offset of per-dim coordinates, for every output cell (row-major)."""
    result = [0]
    for dim_coordinates, stride in zip(coordinates, [math.prod(spatial[d + 1:])
                                                     for d in range(len(spatial))]):
        result = [r + c * stride for r in result for c in dim_coordinates]
    return result


def cell_products(factors: list) -> list:
    """The product of per-dim factors for every output cell (row-major)."""
    result = [1]
    for dim_factors in factors:
        result = [r * f for r in result for f in dim_factors]
    return result


# ------------------------------------------------------------ pooling arguments

_WORDS = {1: "one", 2: "two", 3: "three"}


def as_tuple(value, d: int, what: str, name: str) -> tuple:
    """An int or a sequence of 1 or d ints, as d ints (PyTorch's wording otherwise)."""
    if not isinstance(value, int) and len(tuple(value)) not in (1, d):
        raise RuntimeError(f"{name}: {what} must either be a single int, or a tuple of "
                           f"{_WORDS[d]} ints")
    return tuple(int(v) for v in ntuple(value, d, what, name))


def check_rank(name: str, x, d: int) -> None:
    """(C, *spatial) or (N, C, *spatial), every dim but N non-empty."""
    shape = list(x._shape)
    if x.ndim not in (d + 1, d + 2) or any(n == 0 for n in shape[x.ndim - d - 1:]):
        raise ShapeMismatch(f"{name}: Expected {d + 1}D or {d + 2}D (batch mode) tensor with "
                            f"optional 0 dim batch size for input, but got:{shape}")


def pool_sizes(name: str, x, kernel_size, stride, padding, dilation, ceil_mode,
               check_input_size: bool = False) -> tuple:
    """The pooled dims' output sizes, or PyTorch's error for the arguments (avg_pool3d also
    wants every pooled dim at least as long as the kernel: check_input_size)."""
    d = len(kernel_size)
    if 0 in stride:
        raise RuntimeError(f"{name}: stride should not be zero")
    if min(kernel_size) <= 0:
        raise RuntimeError(f"{name}: kernel size should be greater than zero, but got "
                           f"{list(kernel_size)}")
    if min(stride) < 0:
        raise RuntimeError(f"{name}: stride should be greater than zero, but got "
                           f"{list(stride)}")
    if min(padding) < 0:
        raise RuntimeError(f"{name}: pad must be non-negative, but got pad: {min(padding)}")
    if min(dilation) <= 0:
        raise RuntimeError(f"{name}: dilation should be greater than zero, but got "
                           f"{list(dilation)}")
    for k, p, dil in zip(kernel_size, padding, dilation):
        if p > ((k - 1) * dil + 1) // 2:
            raise RuntimeError(f"{name}: pad should be at most half of effective kernel size, "
                               f"but got pad={p}, kernel_size={k} and dilation={dil}")
    check_rank(name, x, d)
    spatial = x._shape[-d:]
    if check_input_size and any(n < k for n, k in zip(spatial, kernel_size)):
        sizes = " ".join(f"{axis}: {n}" for axis, n in zip("THW", spatial))
        kernels = " ".join(f"k{axis}: {k}" for axis, k in zip("THW", kernel_size))
        raise RuntimeError(f"{name}: input image ({sizes}) smaller than kernel size ({kernels})")
    if any(p > k // 2 for k, p in zip(kernel_size, padding)):
        raise RuntimeError(f"{name}: pad should be smaller than or equal to half of kernel "
                           f"size, but got padding={list(padding)}, kernel={list(kernel_size)}")
    sizes = tuple(pool_output_size(*args, ceil_mode) for args in
                  zip(spatial, kernel_size, stride, padding, dilation))
    if min(sizes) < 1:
        given = "x".join(str(n) for n in x._shape[-d - 1:])
        got = "x".join(str(n) for n in (x._shape[-d - 1],) + sizes)
        raise RuntimeError(f"{name}: Given input size: ({given}). Calculated output size: "
                           f"({got}). Output size is too small")
    return sizes


def pool_geometry(spatial, kernel_size, stride, padding, dilation, ceil_mode) -> tuple:
    """(output sizes, taps per dim) of a pooling."""
    sizes = [pool_output_size(*args, ceil_mode) for args in
             zip(spatial, kernel_size, stride, padding, dilation)]
    taps = [pool_taps(*args) for args in
            zip(spatial, sizes, kernel_size, stride, padding, dilation)]
    return tuple(sizes), taps


def check_adaptive(name: str, x, output_size, empty_ok: bool) -> None:
    d = len(output_size)
    if x.ndim not in (d + 1, d + 2):
        raise ShapeMismatch(f"{name}(): Expected {d + 1}D or {d + 2}D tensor, but got: "
                            f"{list(x._shape)}")
    if not x.dtype.is_floating_point:
        raise DTypeNotImplemented(f"{name}: \"{name}\" not implemented for "
                                  f"'{TORCH_TYPE_NAMES[x.dtype.name]}'")
    if min(output_size) < 0:
        raise RuntimeError(f"{name}: elements of output_size must be greater than or equal to "
                           f"0 but received {{{', '.join(str(n) for n in output_size)}}}")
    for k in range(1 if x.ndim == d + 2 else 0, x.ndim):
        if x._shape[k] == 0 and not empty_ok:
            raise RuntimeError(f"{name}(): Expected input to have non-zero size for non-batch "
                               f"dimensions, but input has sizes {list(x._shape)} with "
                               f"dimension {k} being empty")


def adaptive_output_size(name: str, input, output_size, d: int) -> tuple:
    """output_size as d ints, None keeping the input's size."""
    require_tensor(name, input, "input", 1)
    if isinstance(output_size, int) or output_size is None:
        output_size = (output_size,) * d
    output_size = tuple(output_size)
    if len(output_size) != d:
        raise RuntimeError(f"{name}: output_size must be {d}")
    if d > input.ndim:
        raise ShapeMismatch(f"{name}(): Expected {d + 1}D or {d + 2}D tensor, but got: "
                            f"{list(input.shape)}")
    return tuple(input.shape[input.ndim - d + k] if n is None else int(n)
                 for k, n in enumerate(output_size))


def unpool_size(spatial, kernel: tuple, stride: tuple, padding: tuple, output_size) -> tuple:
    """max_unpool's size: (in - 1) * stride + kernel - 2 * padding per dim, or output_size (its
    last d entries) when it lies strictly within a stride of that (PyTorch's rule)."""
    d = len(kernel)
    default = [(n - 1) * s + k - 2 * p for n, s, k, p in zip(spatial, stride, kernel, padding)]
    if output_size is None:
        return tuple(default)
    size = tuple(output_size)
    if len(size) == d + 2:
        size = size[2:]
    if len(size) != d:
        raise ValueError(f"output_size should be a sequence containing {d} or {d + 2} "
                         f"elements, but it has a length of '{len(size)}'")
    for k, (want, s) in enumerate(zip(default, stride)):
        if not want - s < size[k] < want + s:
            raise ValueError(f'invalid output_size "{output_size}" (dim {k} must be '
                             f'between {want - s} and {want + s})')
    return tuple(int(n) for n in size)


# ------------------------------------------------------------ reference loops

def plane_max(data: list, planes: int, plane: int, windows_of_cells: list,
              firsts: list) -> tuple[list, list]:
    """Max and in-plane argmax of every cell of every plane, as PyTorch picks it: the first
    maximum in window order, a NaN wins over everything (the last NaN, as PyTorch's loop
    `if v > best or isnan(v)` does), and a window of -inf (or an empty one) answers -inf at
    its first tap (`firsts`, one per cell)."""
    values, where = [], []
    for base in (range(0, planes * plane, plane) if plane else [0] * planes):
        for cell, first in zip(windows_of_cells, firsts):
            best, best_at = -math.inf, first
            for o in cell:
                v = data[base + o]
                if v > best or v != v:
                    best, best_at = v, o
            values.append(best)
            where.append(best_at)
    return values, where


def plane_mean(data: list, planes: int, plane: int, windows_of_cells: list, divisors: list,
               integer: bool) -> list:
    """sum of each cell's window over its divisor (integers: truncated, as C++ divides)."""
    out = []
    for base in (range(0, planes * plane, plane) if plane else [0] * planes):
        for cell, divisor in zip(windows_of_cells, divisors):
            total = sum([data[base + o] for o in cell])
            if integer:
                quotient = abs(total) // divisor
                out.append(quotient if total >= 0 else -quotient)
            elif divisor:
                out.append(total / divisor)
            else:                                   # an empty window: 0 / 0
                out.append(math.nan)
    return out


def spread_mean(grad: list, planes: int, plane: int, windows_of_cells: list,
                divisors: list) -> list:
    """The adjoint of plane_mean: each cell's grad / divisor added to every input it read."""
    out = [0.0] * (planes * plane)
    k = 0
    for base in (range(0, planes * plane, plane) if plane else [0] * planes):
        for cell, divisor in zip(windows_of_cells, divisors):
            share = grad[k] / divisor if divisor else 0.0
            k += 1
            for o in cell:
                out[base + o] += share
    return out


def take_planes(data: list, where: list, planes: int, plane: int) -> list:
    """out[p, j] = data[p, where[p, j]] for planes of `plane` elements (-inf where the index
    is past the plane: plane_max's answer for a window wholly in the padding)."""
    per_plane = len(where) // planes if planes else 0
    return [data[p * plane + where[j]] if where[j] < plane else -math.inf
            for p in range(planes) for j in range(p * per_plane, (p + 1) * per_plane)]


def scatter_planes(values: list, where: list, planes: int, plane: int,
                   accumulate: bool) -> list:
    """out[p, where[p, j]] (+)= values[p, j] into zeros of planes x plane. Accumulating, an
    index past the plane (see take_planes) is skipped; assigning, the caller checks them."""
    out = [0.0] * (planes * plane)
    per_plane = len(values) // planes if planes else 0
    for p in range(planes):
        base, first = p * plane, p * per_plane
        if accumulate:
            for j in range(first, first + per_plane):
                if where[j] < plane:
                    out[base + where[j]] += values[j]
        else:
            for j in range(first, first + per_plane):
                out[base + where[j]] = values[j]
    return out
