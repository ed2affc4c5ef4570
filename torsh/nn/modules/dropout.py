"""Dropout layers: random zeroing while training (module.train()), the identity in eval.

Dropout zeroes elements, Dropout1d/2d/3d whole channels, AlphaDropout and FeatureAlphaDropout
do the same for SELU networks (keeping zero mean and unit variance); see
torsh/nn/functional/encoding.py for the formulas.
"""
from __future__ import annotations

from ... import autograd
from .. import functional as F
from ..module import Module


class _DropoutNd(Module):
    """A dropout layer's options: p (checked to lie in [0, 1]) and inplace."""

    def __init__(self, p: float = 0.5, inplace: bool = False) -> None:
        super().__init__()
        if p < 0 or p > 1:
            raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
        self.p = p
        self.inplace = inplace

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace={self.inplace}"


class Dropout(_DropoutNd):
    """train: y = x * m / (1 - p), m ~ Bernoulli(1 - p) per element; eval: y = x."""

    def forward(self, input):
        if not self.training or self.p == 0:
            return input
        with autograd.no_grad():
            keep = input.new_empty(input.shape).bernoulli_(1 - self.p)
            scale = keep if self.p == 1 else keep.div_(1 - self.p)
        return input.mul_(scale) if self.inplace else input * scale


class Dropout1d(_DropoutNd):
    """Zero whole channels of (N, C, L) or (C, L) input while training."""

    def forward(self, input):
        return F.dropout1d(input, self.p, self.training, self.inplace)


class Dropout2d(_DropoutNd):
    """Zero whole channels of (N, C, H, W) input while training (3-D input: see dropout2d)."""

    def forward(self, input):
        return F.dropout2d(input, self.p, self.training, self.inplace)


class Dropout3d(_DropoutNd):
    """Zero whole channels of (N, C, D, H, W) or (C, D, H, W) input while training."""

    def forward(self, input):
        return F.dropout3d(input, self.p, self.training, self.inplace)


class AlphaDropout(_DropoutNd):
    """alpha_dropout while training: keeps SELU activations' mean and variance."""

    def forward(self, input):
        return F.alpha_dropout(input, self.p, self.training)


class FeatureAlphaDropout(_DropoutNd):
    """feature_alpha_dropout while training: alpha dropout of whole channels."""

    def forward(self, input):
        return F.feature_alpha_dropout(input, self.p, self.training)


__all__ = ["Dropout", "Dropout1d", "Dropout2d", "Dropout3d", "AlphaDropout",
           "FeatureAlphaDropout"]
