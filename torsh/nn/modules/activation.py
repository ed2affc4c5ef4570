"""Elementwise activation layers."""
from __future__ import annotations

from ..module import Module


class ReLU(Module):
    """relu(x) = max(x, 0); inplace=True overwrites the input."""

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace

    def forward(self, input):
        return input.relu_() if self.inplace else input.relu()

    def extra_repr(self) -> str:
        return "inplace=True" if self.inplace else ""


class Tanh(Module):
    """tanh(x) = (e^x - e^-x) / (e^x + e^-x)."""

    def forward(self, input):
        return input.tanh()


class Sigmoid(Module):
    """sigmoid(x) = 1 / (1 + e^-x)."""

    def forward(self, input):
        return input.sigmoid()


__all__ = ["ReLU", "Tanh", "Sigmoid"]
