"""pixel_shuffle, pixel_unshuffle, channel_shuffle: rearrangements of channels and pixels.

    pixel_shuffle(x, r)[..., c, h*r + i, w*r + j] = x[..., c*r*r + i*r + j, h, w]
    pixel_unshuffle is its inverse;
    channel_shuffle(x, g)[:, k*g + i, ...] = x[:, i*(C/g) + k, ...]  (transpose of (g, C/g))
Composites of reshape and permute (any dtype), so their gradient is the inverse shuffle.
"""
from __future__ import annotations

from ...ops._elementwise_base import require_tensor


def _factor(op: str, value, name: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"{op}(): argument '{name}' (position 2) must be int, not "
                        f"{type(value).__name__}")
    if value <= 0:
        raise RuntimeError(f"{op} expects a positive {name}, but got {value}")
    return value


def _at_least_3d(op: str, input) -> None:
    if input.ndim < 3:
        raise RuntimeError(f"{op} expects input to have at least 3 dimensions, but got input "
                           f"with {input.ndim} dimension(s)")


def pixel_shuffle(input, upscale_factor):
    """(*, C r^2, H, W) -> (*, C, H r, W r)."""
    require_tensor("pixel_shuffle", input, "input", 1)
    _at_least_3d("pixel_shuffle", input)
    r = _factor("pixel_shuffle", upscale_factor, "upscale_factor")
    *batch, channels, height, width = input.shape
    if channels % (r * r):
        raise RuntimeError(f"pixel_shuffle expects its input's 'channel' dimension to be "
                           f"divisible by the square of upscale_factor, but input.size(-3)="
                           f"{channels} is not divisible by {r * r}")
    n = len(batch)
    x = input.reshape(*batch, channels // (r * r), r, r, height, width)
    x = x.permute(*range(n), n, n + 3, n + 1, n + 4, n + 2)
    return x.reshape(*batch, channels // (r * r), height * r, width * r)


def pixel_unshuffle(input, downscale_factor):
    """(*, C, H r, W r) -> (*, C r^2, H, W)."""
    require_tensor("pixel_unshuffle", input, "input", 1)
    _at_least_3d("pixel_unshuffle", input)
    r = _factor("pixel_unshuffle", downscale_factor, "downscale_factor")
    *batch, channels, height, width = input.shape
    for name, size, d in (("height", height, -2), ("width", width, -1)):
        if size % r:
            raise RuntimeError(f"pixel_unshuffle expects {name} to be divisible by "
                               f"downscale_factor, but input.size({d})={size} is not "
                               f"divisible by {r}")
    n = len(batch)
    x = input.reshape(*batch, channels, height // r, r, width // r, r)
    x = x.permute(*range(n), n, n + 2, n + 4, n + 1, n + 3)
    return x.reshape(*batch, channels * r * r, height // r, width // r)


def channel_shuffle(input, groups):
    """(N, C, *) with channels read as (groups, C / groups), transposed to (C / groups,
    groups)."""
    require_tensor("channel_shuffle", input, "input", 1)
    if input.ndim <= 2:
        raise RuntimeError(f"channel_shuffle expects input with > 2 dims, but got input with "
                           f"sizes {list(input.shape)}")
    if not isinstance(groups, int) or groups <= 0:
        raise RuntimeError(f"Number of groups to divide channels in must be positive. Value "
                           f"of groups:{groups}")
    batch, channels, *rest = input.shape
    if channels % groups:
        raise RuntimeError(f"Number of channels must be divisible by groups. Got {channels} "
                           f"channels and {groups} groups.")
    x = input.reshape(batch, groups, channels // groups, *rest).transpose(1, 2)
    return x.reshape(batch, channels, *rest)


__all__ = ["pixel_shuffle", "pixel_unshuffle", "channel_shuffle"]
