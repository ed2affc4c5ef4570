"""The `reduction=` argument that every loss shares ('none' | 'mean' | 'sum'), and PyTorch's
legacy `size_average` / `reduce` flags that map onto it."""
from __future__ import annotations

import warnings

REDUCTIONS = ("none", "mean", "sum")


def reduction_of(size_average, reduce, reduction: str, allowed=REDUCTIONS) -> str:
    """The reduction named by `reduction`, or by the legacy flags when either is given."""
    if size_average is not None or reduce is not None:
        warnings.warn("size_average and reduce args will be deprecated, please use "
                      "reduction='mean' (or 'sum', 'none') instead.", UserWarning, stacklevel=3)
        size_average = True if size_average is None else size_average
        reduce = True if reduce is None else reduce
        reduction = ("mean" if size_average else "sum") if reduce else "none"
    if reduction not in allowed:
        raise ValueError(f"{reduction} is not a valid value for reduction")
    return reduction


def reduce_loss(loss, reduction: str):
    """loss itself ('none'), its mean or its sum."""
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    return loss
