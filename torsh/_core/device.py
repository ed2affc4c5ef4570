"""Devices: `torsh.device("cpu")`, `"cuda:0"`, `"opencl:1"`, ...

A device is a (type, index) pair. Which device types exist at run time is the backend
registry's business (`torsh.backends`); this module only parses and compares names.
"""
from __future__ import annotations

KNOWN_TYPES = ("cpu", "cuda", "opencl", "wgpu", "metal")


class device:
    """A place tensors live: `device("cpu")`, `device("cuda", 0)`, `device("cuda:1")`."""

    __slots__ = ("type", "index")

    def __init__(self, type, index: int | None = None):
        if isinstance(type, device):
            type, index = type.type, type.index if index is None else index
        if not isinstance(type, str):
            raise TypeError(f"device: expected a string like 'cpu', got {type!r}")
        if ":" in type:
            type, _, number = type.partition(":")
            if not number.isdigit():
                raise RuntimeError(f"device: invalid device string {type}:{number!r}")
            index = int(number)
        if type not in KNOWN_TYPES:
            raise RuntimeError(f"Expected one of {', '.join(KNOWN_TYPES)} device type at start "
                               f"of device string: {type}")
        self.type = type
        self.index = index

    def __eq__(self, other) -> bool:
        if isinstance(other, str):
            other = device(other)
        return isinstance(other, device) and (self.type, self.index) == (other.type, other.index)

    def __hash__(self) -> int:
        return hash((self.type, self.index))

    def __str__(self) -> str:
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __repr__(self) -> str:
        if self.index is None:
            return f"device(type='{self.type}')"
        return f"device(type='{self.type}', index={self.index})"


CPU = device("cpu")


def as_device(value) -> device:
    """The device named by `value`; always the one `CPU` object for the CPU (so code can
    compare with `is`)."""
    if value is None or value == "cpu":
        return CPU
    if isinstance(value, int):
        return device("cuda", value)
    return value if isinstance(value, device) else device(value)
