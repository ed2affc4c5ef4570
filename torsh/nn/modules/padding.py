"""Padding layers: ZeroPad, ConstantPad, ReflectionPad, ReplicationPad, CircularPad in 1-3 D.

Each holds `padding` as a tuple of 2 * n ints (left, right for the last dim, then the one
before it, ...; one int pads every side) and calls F.pad with its mode.
"""
from __future__ import annotations

from ..functional.padding import pad
from ..module import Module


def _ntuple(padding, count: int) -> tuple:
    if isinstance(padding, int):
        return (padding,) * count
    return tuple(padding)


class _PadNd(Module):
    dims = 1
    mode = "constant"

    def __init__(self, padding) -> None:
        super().__init__()
        self.padding = _ntuple(padding, 2 * self.dims)

    def forward(self, input):
        return pad(input, self.padding, self.mode)

    def extra_repr(self) -> str:
        return f"{self.padding}"


class _ConstantPadNd(_PadNd):
    def __init__(self, padding, value: float) -> None:
        super().__init__(padding)
        self.value = value

    def forward(self, input):
        return pad(input, self.padding, "constant", self.value)

    def extra_repr(self) -> str:
        return f"padding={self.padding}, value={self.value}"


class ConstantPad1d(_ConstantPadNd):
    """Pad the last dim with `value`."""
    dims = 1


class ConstantPad2d(_ConstantPadNd):
    """Pad the last two dims with `value`."""
    dims = 2


class ConstantPad3d(_ConstantPadNd):
    """Pad the last three dims with `value`."""
    dims = 3


class ZeroPad1d(ConstantPad1d):
    """Pad the last dim with zeros."""

    def __init__(self, padding) -> None:
        super().__init__(padding, 0.0)

    def extra_repr(self) -> str:
        return f"{self.padding}"


class ZeroPad2d(ConstantPad2d):
    """Pad the last two dims with zeros."""

    def __init__(self, padding) -> None:
        super().__init__(padding, 0.0)

    def extra_repr(self) -> str:
        return f"{self.padding}"


class ZeroPad3d(ConstantPad3d):
    """Pad the last three dims with zeros."""

    def __init__(self, padding) -> None:
        super().__init__(padding, 0.0)

    def extra_repr(self) -> str:
        return f"{self.padding}"


class _ReflectionPadNd(_PadNd):
    mode = "reflect"


class ReflectionPad1d(_ReflectionPadNd):
    """Mirror the last dim at its edges (the edge itself not repeated)."""
    dims = 1


class ReflectionPad2d(_ReflectionPadNd):
    """Mirror the last two dims at their edges."""
    dims = 2


class ReflectionPad3d(_ReflectionPadNd):
    """Mirror the last three dims at their edges."""
    dims = 3


class _ReplicationPadNd(_PadNd):
    mode = "replicate"


class ReplicationPad1d(_ReplicationPadNd):
    """Repeat the edge values of the last dim."""
    dims = 1


class ReplicationPad2d(_ReplicationPadNd):
    """Repeat the edge values of the last two dims."""
    dims = 2


class ReplicationPad3d(_ReplicationPadNd):
    """Repeat the edge values of the last three dims."""
    dims = 3


class _CircularPadNd(_PadNd):
    mode = "circular"

    def forward(self, input):
        if input.ndim not in (self.dims + 1, self.dims + 2):
            raise ValueError(f"expected {self.dims + 1}D or {self.dims + 2}D input (got "
                             f"{input.ndim}D input)")
        return pad(input, self.padding, "circular")


class CircularPad1d(_CircularPadNd):
    """Wrap the last dim around (periodic padding)."""
    dims = 1


class CircularPad2d(_CircularPadNd):
    """Wrap the last two dims around."""
    dims = 2


class CircularPad3d(_CircularPadNd):
    """Wrap the last three dims around."""
    dims = 3


__all__ = ["ConstantPad1d", "ConstantPad2d", "ConstantPad3d", "ZeroPad1d", "ZeroPad2d",
           "ZeroPad3d", "ReflectionPad1d", "ReflectionPad2d", "ReflectionPad3d",
           "ReplicationPad1d", "ReplicationPad2d", "ReplicationPad3d", "CircularPad1d",
           "CircularPad2d", "CircularPad3d"]
