"""one_hot (class indices to indicator vectors) and the dropouts (random zeroing in training).

one_hot(t, C)[..., c] = 1 where t[...] == c, else 0 (int64; C = max(t) + 1 when C is -1).
dropout(x, p)[i] = x[i] * m[i] / (1 - p), m[i] ~ Bernoulli(1 - p), only when training.
dropout1d/2d/3d draw one m per channel (x[n, c, ...] all kept or all zeroed); alpha_dropout
keeps SELU's mean and variance: y = a (x m + alpha' (1 - m)) + b with alpha' = -1.7581...
The dropouts are composites (a random mask times the input), so their gradient is the mask's.
"""
from __future__ import annotations

import math
import warnings

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
    from ... import bernoulli, empty_like
    if p == 1.0:
        return input * 0.0
    keep = bernoulli(empty_like(input, dtype=dt.float64 if not
                                input.dtype.is_floating_point else input.dtype), 1 - p)
    return input * keep * (1 / (1 - p))


# -SELU_SCALE * SELU_ALPHA: the value SELU gives at -inf, which a dropped unit takes.
_ALPHA = 1.7580993408473766


def _check_p(p):
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")


def _masked(name, input, p, training, inplace, alpha, kept_dims):
    """ATen's dropout recipe: the identity unless training with 0 < p and elements; p = 1
    gives x * 0; otherwise a Bernoulli(1 - p) mask m of shape input.shape[:kept_dims] + 1s
    (kept_dims None: one per element) and y = x m / (1 - p), or for alpha dropout
    y = a x m + a alpha (p - (1 - m)), a = 1 / sqrt((alpha^2 p + 1)(1 - p))."""
    require_tensor(name, input, "input", 1)
    _check_p(p)
    if p == 0 or not training or input.numel() == 0:
        return input
    if kept_dims is not None and input.ndim + (2 - kept_dims) < 2:
        raise RuntimeError(f"{name}: Feature dropout requires at least 2 dimensions in the "
                           f"input")
    if p == 1:
        compute = (lambda x: x * 0.0)
    else:
        def compute(x):
            from ... import no_grad
            shape = tuple(x.shape) if kept_dims is None else \
                tuple(x.shape[:kept_dims]) + (1,) * (x.ndim - kept_dims)
            with no_grad():
                keep = x.detach().new_empty(shape).bernoulli_(1 - p)
                if not alpha:
                    return x * (keep / (1 - p))
                a = 1 / math.sqrt((_ALPHA * _ALPHA * p + 1) * (1 - p))
                shift = (keep - 1) * (_ALPHA * a) + _ALPHA * a * p
                scale = keep * a
            return x * scale + shift
    if inplace:
        return inplace_result(name, input, compute)
    return compute(input)


def dropout1d(input, p=0.5, training=True, inplace=False):
    """Zero whole channels: input (N, C, L) or unbatched (C, L), one mask value per (n, c)."""
    require_tensor("dropout1d", input, "input", 1)
    _check_p(p)
    if input.ndim not in (2, 3):
        raise RuntimeError(f"dropout1d: Expected 2D or 3D input, but received a {input.ndim}D "
                           f"input. Note that dropout1d exists to provide channel-wise dropout "
                           f"on inputs with 1 spatial dimension, a channel dimension, and an "
                           f"optional batch dimension (i.e. 2D or 3D inputs).")
    return _masked("dropout1d", input, p, training, inplace, False, input.ndim - 1)


def dropout2d(input, p=0.5, training=True, inplace=False):
    """Zero whole channels of (N, C, H, W) input. As PyTorch (with its warnings): a 3-D
    input is read as (N, C, L), not as unbatched (C, H, W)."""
    require_tensor("dropout2d", input, "input", 1)
    _check_p(p)
    if input.ndim not in (3, 4):
        warnings.warn(f"dropout2d: Received a {input.ndim}-D input to dropout2d, which is "
                      f"deprecated and will result in an error in a future release. To retain "
                      f"the behavior and silence this warning, please use dropout instead. Note "
                      f"that dropout2d exists to provide channel-wise dropout on inputs with 2 "
                      f"spatial dimensions, a channel dimension, and an optional batch "
                      f"dimension (i.e. 3D or 4D inputs).", stacklevel=2)
    if input.ndim == 3:
        warnings.warn("dropout2d: Received a 3D input to dropout2d and assuming that "
                      "channel-wise 1D dropout behavior is desired - input is interpreted as "
                      "shape (N, C, L), where C is the channel dim. This behavior will change "
                      "in a future release to interpret the input as one without a batch "
                      "dimension, i.e. shape (C, H, W). To maintain the 1D channel-wise dropout "
                      "behavior, please switch to using dropout1d instead.", stacklevel=2)
    return _masked("dropout2d", input, p, training, inplace, False, 2)


def dropout3d(input, p=0.5, training=True, inplace=False):
    """Zero whole channels of (N, C, D, H, W) input, or of unbatched (C, D, H, W)."""
    require_tensor("dropout3d", input, "input", 1)
    _check_p(p)
    if input.ndim not in (4, 5):
        warnings.warn(f"dropout3d: Received a {input.ndim}-D input to dropout3d, which is "
                      f"deprecated and will result in an error in a future release. To retain "
                      f"the behavior and silence this warning, please use dropout instead. Note "
                      f"that dropout3d exists to provide channel-wise dropout on inputs with 3 "
                      f"spatial dimensions, a channel dimension, and an optional batch "
                      f"dimension (i.e. 4D or 5D inputs).", stacklevel=2)
    return _masked("dropout3d", input, p, training, inplace, False, 2 if input.ndim == 5 else 1)


def alpha_dropout(input, p=0.5, training=False, inplace=False):
    """Dropout for SELU networks: dropped units take SELU's negative saturation value and an
    affine map keeps zero mean and unit variance (training only; note training=False default)."""
    return _masked("alpha_dropout", input, p, training, inplace, True, None)


def feature_alpha_dropout(input, p=0.5, training=False, inplace=False):
    """alpha_dropout with one mask value per channel (input (N, C, ...))."""
    return _masked("feature_alpha_dropout", input, p, training, inplace, True, 2)


__all__ = ["one_hot", "dropout", "dropout1d", "dropout2d", "dropout3d", "alpha_dropout",
           "feature_alpha_dropout"]
