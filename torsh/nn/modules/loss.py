"""Loss layers."""
from __future__ import annotations

import warnings

from ..module import Module

_REDUCTIONS = ("none", "mean", "sum")


def _legacy_reduction(size_average, reduce) -> str:
    """Map the deprecated (size_average, reduce) flags to a reduction string."""
    warnings.warn("size_average and reduce args will be deprecated, please use "
                  "reduction='mean' instead.", stacklevel=3)
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    if not reduce:
        return "none"
    return "mean" if size_average else "sum"


class MSELoss(Module):
    """l_i = (x_i - y_i)^2, then mean (default), sum or none over all elements."""

    def __init__(self, size_average=None, reduce=None, reduction: str = "mean") -> None:
        super().__init__()
        if size_average is not None or reduce is not None:
            reduction = _legacy_reduction(size_average, reduce)
        self.reduction = reduction

    def forward(self, input, target):
        if tuple(input.shape) != tuple(target.shape):
            warnings.warn(f"Using a target size ({target.shape}) that is different to the "
                          f"input size ({input.shape}). This will likely lead to incorrect "
                          f"results due to broadcasting. Please ensure they have the same "
                          f"size.", stacklevel=2)
        squared = (input - target).square()
        if self.reduction == "mean":
            return squared.mean()
        if self.reduction == "sum":
            return squared.sum()
        if self.reduction == "none":
            return squared
        raise ValueError(f"{self.reduction} is not a valid value for reduction")


__all__ = ["MSELoss"]
