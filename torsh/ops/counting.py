"""Counting values: bincount (occurrences of each small integer) and histc (a histogram).

Both take the whole input (no dim) and return a fresh 1-D tensor of counts, or of summed
weights; neither is differentiable. Their result sizes depend on the data (bincount) or on
an argument (histc), not only on the input's shape.
"""
from __future__ import annotations

import math

from .._core import dtype as dt
from .._core.errors import DTypeNotImplemented, InvalidArgumentRuntime
from ..dispatch import dispatch
from ._array import Array
from ._op import PROMOTE_NONE, Op, Out, public, register


def _bincount_meta(x, *weights, minlength):
    if x.dtype.is_floating_point or x.dtype is dt.bool_:
        raise DTypeNotImplemented(f"bincount: not implemented for '{x.dtype.name}' (expected "
                                  f"an integer input)")
    if x.ndim != 1:
        raise InvalidArgumentRuntime(f"bincount only supports 1-d non-negative integral "
                                     f"inputs. (got shape {list(x.shape)})")
    if weights and (weights[0].ndim != 1 or weights[0]._shape != x._shape):
        raise InvalidArgumentRuntime(f"bincount: weights should be 1-d and have the same "
                                     f"length as input (weights {list(weights[0].shape)}, "
                                     f"input {list(x.shape)})")
    if minlength < 0:
        raise InvalidArgumentRuntime(f"bincount: minlength should be >= 0 (got {minlength})")
    if not weights:
        return Out((None,), dt.int64)
    return Out((None,), dt.float32 if weights[0].dtype is dt.float32 else dt.float64)


def _negative_values():
    return InvalidArgumentRuntime("bincount only supports 1-d non-negative integral inputs.")


def _bincount_reference(x: Array, *weights, minlength):
    """out[v] = number of elements equal to v (or the sum of their weights)."""
    if any(v < 0 for v in x.data):
        raise _negative_values()
    length = max([minlength] + [v + 1 for v in x.data])
    counts = [0.0 if weights else 0] * length
    for i, v in enumerate(x.data):
        counts[v] += weights[0].data[i] if weights else 1
    return Array(counts, (length,))


def _bincount_decomposed(x, *weights, minlength):
    """zeros(length) with out[x[i]] += weight[i] (or 1): index_put with accumulate."""
    if x.numel() and (x < 0).any().item():
        raise _negative_values()
    length = max(minlength, x.amax().item() + 1 if x.numel() else 0)
    dtype = _bincount_meta(x, *weights, minlength=minlength).dtype
    added = weights[0].to(dtype) if weights else x.new_ones(x.shape, dtype=dtype)
    return x.new_zeros((length,), dtype=dtype).index_put((x.to(dt.int64),), added,
                                                           accumulate=True)


_BINCOUNT = register(Op(
    "bincount", meta=_bincount_meta, reference=_bincount_reference, promote=PROMOTE_NONE,
    decompose=_bincount_decomposed,
    doc="counts of each value 0..max(input) (at least minlength bins), or sums of weights "
        "(float32 weights give float32, other weights float64). Not differentiable."))


@public("bincount")
def bincount(input, weights=None, minlength=0):
    weights = () if weights is None else (weights,)
    return dispatch(_BINCOUNT, input, *weights, minlength=int(minlength))


def _histc_meta(x, bins, low, high, dtype):
    if not x.dtype.is_floating_point:
        raise DTypeNotImplemented(f"histc: not implemented for '{x.dtype.name}' (expected a "
                                  f"floating point input)")
    if bins <= 0:
        raise InvalidArgumentRuntime(f"torch.histogram(): bins must be > 0, but got {bins} for "
                                     f"dimension 0")
    if low > high:
        raise InvalidArgumentRuntime(f"torch.histc: max must be larger than min (min {low}, "
                                     f"max {high})")
    return Out((bins,), x.dtype)


def _histc_range(low, high, dtype, data_range):
    """The histogram's [low, high], rounded to dtype. low == high means the data's range
    (`data_range()`: (min, max), NaN if any is NaN, None for no data), widened by 1 each way
    if that is still one point; a range that is not finite is an error."""
    def r(v):
        return float(dt.round_to([v], dtype)[0])
    low, high = r(low), r(high)
    if low == high:
        low, high = data_range() or (low, high)
    if low == high:
        low, high = r(low - 1), r(high + 1)
    if not (math.isfinite(low) and math.isfinite(high)):
        raise InvalidArgumentRuntime(f"torch.histc: range of [{low}, {high}] is not finite")
    return low, high


def _histc_reference(x: Array, bins, low, high, dtype):
    """Counts in `bins` equal-width bins over [low, high]; the last bin includes high.

    bin(v) = floor((v - low) * bins / (high - low)), and high goes to the last bin.

    low == high means the data's range (widened by 1 each way if the data is constant).
    Elements outside the range and NaNs are not counted. Arithmetic is rounded to the
    input's dtype at each step, as PyTorch computes it, so edge cases land in the same bin.
    """
    def r(v):
        return float(dt.round_to([v], dtype)[0])

    def data_range():
        if not x.data:
            return None
        return (math.nan, math.nan) if any(v != v for v in x.data) else (min(x.data),
                                                                         max(x.data))
    low, high = _histc_range(low, high, dtype, data_range)
    counts = [0] * bins
    for v in x.data:
        if not low <= v <= high:
            continue
        position = int(r(r(r(v - low) * bins) / r(high - low)))
        counts[min(position, bins - 1)] += 1
    return Array(counts, (bins,))


def _histc_decomposed(x, bins, low, high, dtype):
    """The same steps in x's dtype (each op rounds as the reference's r), counted by
    index_put with accumulate; elements outside [low, high] add 0 to bin 0."""
    low, high = _histc_range(low, high, dtype, lambda: (x.amin().item(), x.amax().item())
                             if x.numel() else None)
    inside = (x >= low) & (x <= high)
    scaled = ((x - low) * bins / (high - low)).where(inside, 0.0)
    position = scaled.to(dt.int64).clamp(max=bins - 1).reshape(-1)
    counts = x.new_zeros((bins,))
    return counts.index_put((position,), inside.to(x.dtype).reshape(-1), accumulate=True)


_HISTC = register(Op(
    "histc", meta=_histc_meta, reference=_histc_reference, promote=PROMOTE_NONE,
    decompose=_histc_decomposed,
    doc="a histogram with `bins` equal bins over [min, max] (the data's range when min == "
        "max); values outside and NaN are ignored. Not differentiable."))


@public("histc")
def histc(input, bins=100, min=0, max=0, *, out=None):
    return dispatch(_HISTC, input, bins=int(bins), low=float(min), high=float(max),
                    dtype=input.dtype)
