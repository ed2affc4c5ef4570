"""grid_sample (sample an image at given points) and affine_grid (the points of an affine map).

grid_sample(x, grid)[n, c, *o] = sum_taps w * x[n, c, tap] at the point grid[n, *o] = (x, y[, z])
in [-1, 1] (x along the last dim W, y along H, z along D). Per axis of size s the point maps to
    u = (g + 1) / 2 * (s - 1)  (align_corners)   or   u = ((g + 1) * s - 1) / 2
then padding_mode moves it: zeros keeps it (taps outside read 0), border clamps it to
[0, s - 1], reflection mirrors it at the edges (at 0 and s - 1, or at -0.5 and s - 0.5
without align_corners, then clamps). bilinear: the 2 (3-D: 3) neighbouring cells per axis,
weights 1 - t and t; nearest: the cell at round-half-even(u); bicubic (4-D only): 4 cells per
axis around the unpadded u, each moved by the padding, weighted by Keys' kernel (A = -0.75).
Grid points must be finite (PyTorch's result for NaN/inf depends on its vector path; here
they give NaN, or 0 with nearest + zeros). An op; its gradient (input: the scatter-add of
w * g onto the taps; grid: sum_taps g x[tap] dw/du du/dg) is written in torsh ops.
affine_grid is a composite: the base grid of the output size times theta^T.
"""
from __future__ import annotations

import math
import warnings

from ..._core.errors import DTypeNotImplemented, DTypeRuntimeError, ShapeMismatch
from ...dispatch import dispatch
from ...ops._array import Array
from ...ops._elementwise_base import require_tensor
from ...ops._op import PROMOTE_NONE, Op, Out
from ._pointwise import declare
from .interpolate import _cubic_weights

_A = -0.75
_TORCH_NAMES = {"int64": "Long", "int32": "Int", "int16": "Short", "int8": "Char",
                "uint8": "Byte", "bool": "Bool"}


def _unnormalize(g, size, align_corners):
    """(u, du/dg): the grid value g in [-1, 1] as a position in cells."""
    if align_corners:
        return (g + 1) / 2 * (size - 1), (size - 1) / 2
    return ((g + 1) * size - 1) / 2, size / 2


def _clip(u, size):
    if u <= 0:
        return 0.0, 0.0
    if u >= size - 1:
        return float(size - 1), 0.0
    return u, 1.0


def _reflect(u, twice_low, twice_high):
    """(mirror of u into [low, high], its slope +-1)."""
    if twice_low == twice_high:
        return 0.0, 0.0
    low, span = twice_low / 2, (twice_high - twice_low) / 2
    u, sign = (low - u, -1.0) if u < low else (u - low, 1.0)
    extra, flips = math.fmod(u, span), math.floor(u / span)
    return (extra + low, sign) if flips % 2 == 0 else (span - extra + low, -sign)


def padded(u, size, padding_mode, align_corners):
    """(position after padding_mode, d position / d u)."""
    if padding_mode == "border":
        return _clip(u, size)
    if padding_mode == "reflection":
        if align_corners:
            return _reflect(u, 0, 2 * (size - 1))
        u, slope = _reflect(u, -1, 2 * size - 1)
        u, clip_slope = _clip(u, size)
        return u, slope * clip_slope
    return u, 1.0


def axis_taps(g, size, mode, padding_mode, align_corners):
    """[(cell, weight), ...] of one axis for the grid value g (cells outside are dropped)."""
    u, _ = _unnormalize(g, size, align_corners)
    if not math.isfinite(u):
        return [] if mode == "nearest" else [(0, math.nan)]
    if mode == "bicubic":
        u0 = math.floor(u)
        cells = [int(padded(float(u0 + k), size, padding_mode, align_corners)[0])
                 for k in (-1, 0, 1, 2)]
        pairs = zip(cells, _cubic_weights(u - u0))
    else:
        u, _ = padded(u, size, padding_mode, align_corners)
        if mode == "nearest":
            pairs = [(round(u), 1.0)]
        else:
            u0 = math.floor(u)
            pairs = [(u0, 1 - (u - u0)), (u0 + 1, u - u0)]
    return [(i, w) for i, w in pairs if 0 <= i < size]


def _meta(x, grid, mode, padding_mode, align_corners):
    if x.ndim not in (4, 5) or grid.ndim != x.ndim:
        raise ShapeMismatch(f"grid_sampler(): expected 4D or 5D input and grid with same "
                            f"number of dimensions, but got input with sizes "
                            f"{list(x._shape)} and grid with sizes {list(grid._shape)}")
    if x.dtype is not grid.dtype:
        raise DTypeRuntimeError(f"grid_sampler(): expected input and grid to have same dtype, "
                                f"but input has {x.dtype.name} and grid has {grid.dtype.name}")
    if not x.dtype.is_floating_point:
        raise DTypeNotImplemented(f"grid_sampler(): \"grid_sampler_{x.ndim - 2}d_cpu_kernel_"
                                  f"impl\" not implemented for "
                                  f"'{_TORCH_NAMES.get(x.dtype.name, x.dtype.name)}'")
    if x._shape[0] != grid._shape[0]:
        raise ShapeMismatch(f"grid_sampler(): expected grid and input to have same batch "
                            f"size, but got input with sizes {list(x._shape)} and grid with "
                            f"sizes {list(grid._shape)}")
    if grid._shape[-1] != x.ndim - 2:
        raise ShapeMismatch(f"grid_sampler(): expected grid to have size {x.ndim - 2} in last "
                            f"dimension, but got grid with sizes {list(grid._shape)}")
    for d in range(2, x.ndim):
        if x._shape[d] == 0:
            raise ShapeMismatch(f"grid_sampler(): expected input to have non-empty spatial "
                                f"dimensions, but input has sizes {list(x._shape)} with "
                                f"dimension {d} being empty")
    if mode == "bicubic" and x.ndim != 4:
        raise RuntimeError("grid_sampler(): bicubic interpolation only supports 4D input")
    return Out(tuple(x._shape[:2]) + tuple(grid._shape[1:-1]), x.dtype)


def _point_taps(point, spatial, strides, mode, padding_mode, align_corners):
    """[(flat cell, weight), ...] for one grid point (its coordinates are x, y[, z])."""
    taps = [(0, 1.0)]
    for d, size in enumerate(spatial):
        axis = axis_taps(point[len(spatial) - 1 - d], size, mode, padding_mode, align_corners)
        taps = [(p + i * strides[d], w * v) for p, w in taps for i, v in axis]
    return taps


def _reference(x: Array, grid: Array, mode, padding_mode, align_corners):
    """Each output point: sum over its taps of weight * x[n, c, cell] (see the module doc)."""
    batch, channels, spatial = x.shape[0], x.shape[1], x.shape[2:]
    k, cells = len(spatial), math.prod(spatial)
    strides = [math.prod(spatial[d + 1:]) for d in range(k)]
    points = math.prod(grid.shape[1:-1])
    out = [0.0] * (batch * channels * points)
    for n in range(batch):
        for p in range(points):
            start = (n * points + p) * k
            taps = _point_taps(grid.data[start:start + k], spatial, strides, mode,
                               padding_mode, align_corners)
            for c in range(channels):
                base = (n * channels + c) * cells
                out[(n * channels + c) * points + p] = sum(w * x.data[base + i]
                                                           for i, w in taps)
    return Array(out, x.shape[:2] + grid.shape[1:-1])


def _axis_factors(ctx, u, size):
    """For one axis: per tap k, (cell index, in-bounds mask, weight f_k, slope f_k'), with
    f_k a torsh expression of the (padded) position u so that it stays differentiable."""
    from ... import floor, ones_like, tensor, where
    u0 = floor(u.detach())
    t = u - u0
    if ctx.mode == "bilinear":
        cells = [u0, u0 + 1]
        weights, slopes = [1 - t, t], [-1.0, 1.0]
    elif ctx.mode == "nearest":
        cells, weights, slopes = [u.detach().round()], [ones_like(u)], [0.0]
    else:
        moved = [tensor([padded(v, size, ctx.padding_mode, ctx.align_corners)[0]
                         for v in (u0 + k).reshape(-1).tolist()], dtype=u.dtype,
                        device=u.device).reshape(u.shape).trunc() for k in (-1, 0, 1, 2)]
        cells = moved
        weights, slopes = _cubic_terms(t)
    factors = []
    for cell, w, s in zip(cells, weights, slopes):
        inside = (cell >= 0) & (cell < size)
        factors.append((where(inside, cell, 0).long(), inside.to(u.dtype), w, s))
    return factors


def _cubic_terms(t):
    """Keys' weights at 1 + t, t, 1 - t, 2 - t and their derivatives in t (torsh ops)."""
    a = _A

    def near(x):
        return ((a + 2) * x - (a + 3)) * x * x + 1

    def near_slope(x):
        return (3 * (a + 2) * x - 2 * (a + 3)) * x

    def far(x):
        return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a

    def far_slope(x):
        return (3 * a * x - 10 * a) * x + 8 * a
    weights = [far(t + 1), near(t), near(1 - t), far(2 - t)]
    slopes = [far_slope(t + 1), near_slope(t), -near_slope(1 - t), -far_slope(2 - t)]
    return weights, slopes


def _positions(ctx, grid, spatial):
    """Per spatial dim: the sample position u (torsh, differentiable in grid) and du/dg."""
    from ... import tensor
    out = []
    for d, size in enumerate(spatial):
        g = grid[..., len(spatial) - 1 - d]
        u, scale = _unnormalize(g, size, ctx.align_corners)
        if ctx.mode == "bicubic" or ctx.padding_mode == "zeros":
            out.append((u, scale))
            continue
        moved = [padded(v, size, ctx.padding_mode, ctx.align_corners)
                 for v in u.detach().reshape(-1).tolist()]
        value = tensor([m[0] for m in moved], dtype=u.dtype, device=u.device).reshape(u.shape)
        slope = tensor([m[1] for m in moved], dtype=u.dtype, device=u.device).reshape(u.shape)
        out.append((slope * u + (value - slope * u.detach()), scale * slope))
    return out


def _backward(ctx, g):
    """grad input: scatter-add of w * g onto the taps; grad grid: sum_taps (sum_c g x[tap])
    * dw/du * du/dgrid, per coordinate."""
    import itertools

    from ... import stack, zeros
    x, grid = ctx.inputs
    batch, channels, spatial = x.shape[0], x.shape[1], tuple(x.shape[2:])
    k, cells = len(spatial), math.prod(spatial)
    strides = [math.prod(spatial[d + 1:]) for d in range(k)]
    positions = _positions(ctx, grid, spatial)
    axes = [_axis_factors(ctx, u, size) for (u, _), size in zip(positions, spatial)]
    flat_x = x.reshape(batch, channels, cells)
    points = math.prod(grid.shape[1:-1])
    g_flat = g.reshape(batch, channels, points)
    grad_x = zeros((batch, channels, cells), dtype=x.dtype, device=x.device)
    grad_u = [0.0] * k
    for combo in itertools.product(*axes):
        index = sum(cell * strides[d] for d, (cell, _, _, _) in enumerate(combo))
        inside = combo[0][1]
        for _, mask, _, _ in combo[1:]:
            inside = inside * mask
        weight = combo[0][2]
        for _, _, w, _ in combo[1:]:
            weight = weight * w
        weight = weight * inside
        index = index.reshape(batch, 1, points).expand(batch, channels, points)
        if ctx.needs_input_grad[0]:
            grad_x = grad_x.scatter_add(2, index, g_flat * weight.reshape(batch, 1, points))
        if ctx.needs_input_grad[1] and ctx.mode != "nearest":
            picked = (flat_x.gather(2, index) * g_flat).sum(1).reshape(weight.shape)
            for d in range(k):
                term = combo[d][3] * inside
                for e in range(k):
                    if e != d:
                        term = term * combo[e][2]
                grad_u[d] = grad_u[d] + picked * term
    grad_grid = None
    if ctx.needs_input_grad[1]:
        parts = [grad_u[d] * positions[d][1] if not isinstance(grad_u[d], float)
                 else zeros(grid.shape[:-1], dtype=grid.dtype, device=grid.device)
                 for d in range(k)]
        grad_grid = stack(parts[::-1], -1)
    return (grad_x.reshape(x.shape) if ctx.needs_input_grad[0] else None, grad_grid)


_GRID_SAMPLE = declare(Op("grid_sample", meta=_meta, reference=_reference,
                          backward=_backward, promote=PROMOTE_NONE, doc=__doc__))


def _default_align_corners(align_corners):
    if align_corners is None:
        warnings.warn("Default grid_sample and affine_grid behavior has changed to "
                      "align_corners=False since 1.3.0. Please specify align_corners=True if "
                      "the old behavior is desired. See the documentation of grid_sample for "
                      "details.", stacklevel=3)
        return False
    return bool(align_corners)


def grid_sample(input, grid, mode="bilinear", padding_mode="zeros", align_corners=None):
    """Sample input (N, C, [D,] H, W) at grid (N, [Do,] Ho, Wo, 2 or 3); see the module doc."""
    require_tensor("grid_sample", input, "input", 1)
    require_tensor("grid_sample", grid, "grid", 2)
    if mode not in ("bilinear", "nearest", "bicubic"):
        raise ValueError(f"nn.functional.grid_sample(): expected mode to be 'bilinear', "
                         f"'nearest' or 'bicubic', but got: '{mode}'")
    if padding_mode not in ("zeros", "border", "reflection"):
        raise ValueError(f"nn.functional.grid_sample(): expected padding_mode to be 'zeros', "
                         f"'border', or 'reflection', but got: '{padding_mode}'")
    align_corners = _default_align_corners(align_corners)
    return dispatch(_GRID_SAMPLE, input, grid, mode=mode, padding_mode=padding_mode,
                    align_corners=align_corners)


def _base(size, align_corners, like):
    """The n positions of one axis in [-1, 1]: cell centres, or corners with align_corners."""
    from ... import linspace, zeros
    if size <= 1:
        return zeros(1, dtype=like.dtype, device=like.device)
    line = linspace(-1, 1, size, dtype=like.dtype, device=like.device)
    return line if align_corners else line * ((size - 1) / size)


def affine_grid(theta, size, align_corners=None):
    """grid[n, *o] = theta[n] @ (x, y[, z], 1) over the base grid of `size` (N, C, [D,] H,
    W): a composite, differentiable in theta."""
    from ... import ones, stack
    require_tensor("affine_grid", theta, "theta", 1)
    align_corners = _default_align_corners(align_corners)
    if not theta.dtype.is_floating_point:
        raise ValueError(f"Expected theta to have floating point type, but got "
                         f"{theta.dtype}")
    size = tuple(size)
    if len(size) == 4:
        if theta.ndim != 3 or tuple(theta.shape[-2:]) != (2, 3):
            raise ValueError(f"Expected a batch of 2D affine matrices of shape Nx2x3 for size "
                             f"{size}. Got {tuple(theta.shape)}.")
        spatial = size[-2:]
    elif len(size) == 5:
        if theta.ndim != 3 or tuple(theta.shape[-2:]) != (3, 4):
            raise ValueError(f"Expected a batch of 3D affine matrices of shape Nx3x4 for size "
                             f"{size}. Got {tuple(theta.shape)}.")
        spatial = size[-3:]
    else:
        raise NotImplementedError(f"affine_grid only supports 4D and 5D sizes, for 2D and 3D "
                                  f"affine transforms, respectively. Got size {size}.")
    if min(size) <= 0:
        raise ValueError(f"Expected non-zero, positive output size. Got {size}")
    if align_corners and min(spatial) == 1:
        warnings.warn("Since version 1.3.0, affine_grid behavior has changed for unit-size "
                      "grids when align_corners=True. This is not an intended use case of "
                      "affine_grid. See the documentation of affine_grid for details.",
                      stacklevel=2)
    if theta.shape[0] != size[0]:
        raise RuntimeError(f"affine_grid: Expected size for first two dimensions of batch2 "
                           f"tensor to be: [{size[0]}, {len(spatial) + 1}] but got: "
                           f"[{theta.shape[0]}, {len(spatial) + 1}].")
    axes = [_base(n, align_corners, theta) for n in spatial]      # D?, H, W
    k = len(spatial)
    columns = []
    for d in reversed(range(k)):                                   # x (W), y (H), z (D)
        shape = [1] * k
        shape[d] = spatial[d]
        columns.append(axes[d].reshape(shape).expand(*spatial))
    columns.append(ones(spatial, dtype=theta.dtype, device=theta.device))
    base = stack(columns, -1).reshape(1, -1, k + 1)
    grid = base.matmul(theta.transpose(1, 2))
    return grid.reshape(size[0], *spatial, k)


__all__ = ["grid_sample", "affine_grid"]
