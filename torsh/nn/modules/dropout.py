"""Dropout: zero each element with probability p while training, scale the rest by 1/(1-p)."""
from __future__ import annotations

from ... import autograd
from ..module import Module


class Dropout(Module):
    """train: y = x * m / (1 - p), m ~ Bernoulli(1 - p) per element; eval: y = x."""

    def __init__(self, p: float = 0.5, inplace: bool = False) -> None:
        super().__init__()
        if p < 0 or p > 1:
            raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
        self.p = p
        self.inplace = inplace

    def forward(self, input):
        if not self.training or self.p == 0:
            return input
        with autograd.no_grad():
            keep = input.new_empty(input.shape).bernoulli_(1 - self.p)
            scale = keep if self.p == 1 else keep.div_(1 - self.p)
        return input.mul_(scale) if self.inplace else input * scale

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace={self.inplace}"


__all__ = ["Dropout"]
