"""one_hot (class indices to indicator vectors) and dropout (random zeroing in training).

one_hot(t, C)[..., c] = 1 where t[...] == c, else 0 (int64; C = max(t) + 1 when C is -1).
dropout(x, p)[i] = x[i] * m[i] / (1 - p), m[i] ~ Bernoulli(1 - p), only when training.
"""
from __future__ import annotations

from ..._core import dtype as dt
from ..._core.errors import DTypeRuntimeError, InvalidArgumentRuntime
from ...dispatch import dispatch
from ...ops._array import Array
from ...ops._elementwise_base import require_tensor
from ...ops._op import PROMOTE_NONE, Op, Out
from ._pointwise import declare, inplace_result


def _one_hot_meta(t, num_classes):
    if t.dtype is not dt.int64:
        raise DTypeRuntimeError("one_hot is only applicable to index tensor of type LongTensor.")
    return Out(t._shape + (num_classes,), dt.int64)


def _one_hot_reference(t: Array, num_classes: int) -> Array:
    out = []
    for value in t.data:
        if value < 0:
            raise InvalidArgumentRuntime("one_hot: Class values must be non-negative.")
        if value >= num_classes:
            raise InvalidArgumentRuntime("one_hot: Class values must be smaller than "
                                         "num_classes.")
        out += [1 if c == value else 0 for c in range(num_classes)]
    return Array(out, t.shape + (num_classes,))


_ONE_HOT = declare(Op("one_hot", meta=_one_hot_meta, reference=_one_hot_reference,
                       promote=PROMOTE_NONE, doc=__doc__))


def one_hot(tensor, num_classes=-1):
    """An int64 tensor of shape tensor.shape + (num_classes,), 1 at each index."""
    require_tensor("one_hot", tensor, "input", 1)
    if tensor.dtype is not dt.int64:
        raise DTypeRuntimeError("one_hot is only applicable to index tensor of type LongTensor.")
    if num_classes == -1:
        if tensor.numel() == 0:
            raise InvalidArgumentRuntime("one_hot: Can not infer total number of classes from "
                                         "empty tensor.")
        num_classes = int(tensor.max().item()) + 1
    elif num_classes < -1:
        raise InvalidArgumentRuntime("one_hot: num_classes should be positive or -1, got "
                                     f"{num_classes}")
    return dispatch(_ONE_HOT, tensor, num_classes=num_classes)


def dropout(input, p=0.5, training=True, inplace=False):
    """Zero each element with probability p and scale the rest by 1 / (1 - p) (training only;
    otherwise the input itself is returned). p = 1 zeroes everything."""
    require_tensor("dropout", input, "input", 1)
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if not training or p == 0.0 and not inplace:
        return input if not training else input * 1.0
    if inplace:
        return inplace_result("dropout", input, lambda x: _dropped(x, p))
    return _dropped(input, p)


def _dropped(input, p):
    from ... import bernoulli, full_like
    if p == 1.0:
        return input * 0.0
    keep = bernoulli(full_like(input, 1 - p, dtype=dt.float64 if not
                               input.dtype.is_floating_point else input.dtype))
    return input * keep * (1 / (1 - p))


__all__ = ["one_hot", "dropout"]
