"""softmax, log_softmax and softmin along one dim, computed stably (shifted by the max).

softmax(x)_i = e^(x_i - m) / sum_j e^(x_j - m), m = max_j x_j, over each lane along `dim`.
A lane holding +inf or NaN gives NaN; a lane of all -inf gives NaN, as in PyTorch.
Floating dtypes only; `dtype=` casts the input first.
"""
from __future__ import annotations

import math
import warnings

from ..._core.errors import DTypeNotImplemented
from ..._core.shape import normalize_dim
from ...dispatch import dispatch
from ...ops._array import Array, lanes
from ...ops._elementwise_base import TORCH_TYPE_NAMES, require_tensor
from ...ops._op import PROMOTE_NONE, Op, Out
from ._pointwise import declare


def _meta(name):
    def meta(x, dim):
        if not x.dtype.is_floating_point:
            raise DTypeNotImplemented(f'{name}: "{name}_lastdim_kernel_impl" not implemented '
                                      f"for '{TORCH_TYPE_NAMES[x.dtype.name]}'")
        normalize_dim(dim, x.ndim, name)
        return Out(x._shape, x.dtype)
    return meta


def _lane_log_softmax(values: list) -> list:
    """x_i - m - ln(sum_j e^(x_j - m)); all NaN when m is infinite or some x_j is NaN."""
    m = max(values)
    if any(v != v for v in values) or math.isinf(m):
        return [math.nan] * len(values)
    total = sum(math.exp(v - m) for v in values)
    return [v - m - math.log(total) for v in values]


def _along_lanes(a: Array, dim: int, fn) -> Array:
    out = [0.0] * len(a.data)
    if not a.data:
        return Array(out, a.shape)
    for lane in lanes(a, dim if a.ndim else 0):
        for position, value in zip(lane, fn([a.data[p] for p in lane])):
            out[position] = value
    return Array(out, a.shape)


def _log_softmax_reference(a: Array, dim: int) -> Array:
    return _along_lanes(a, dim % max(a.ndim, 1), _lane_log_softmax)


def _softmax_reference(a: Array, dim: int) -> Array:
    def lane(values):
        return [math.exp(v) for v in _lane_log_softmax(values)]
    return _along_lanes(a, dim % max(a.ndim, 1), lane)


def _softmax_backward(ctx, g):
    """dx = y * (g - sum(g * y)) along dim."""
    y = ctx.output
    return (y * (g - (g * y).sum(ctx.dim, keepdim=True)),)


def _log_softmax_backward(ctx, g):
    """dx = g - e^y * sum(g) along dim."""
    y = ctx.output
    return (g - y.exp() * g.sum(ctx.dim, keepdim=True),)


_SOFTMAX = declare(Op("softmax", meta=_meta("softmax"), reference=_softmax_reference,
                       backward=_softmax_backward, promote=PROMOTE_NONE, saves_inputs=False,
                       saves_output=True, doc=__doc__))
_LOG_SOFTMAX = declare(Op("log_softmax", meta=_meta("log_softmax"),
                           reference=_log_softmax_reference, backward=_log_softmax_backward,
                           promote=PROMOTE_NONE, saves_inputs=False, saves_output=True,
                           doc="log softmax(x) = x - m - ln(sum e^(x - m)) along dim."))


def _implicit_dim(name: str, ndim: int) -> int:
    warnings.warn(f"Implicit dimension choice for {name} has been deprecated. Change the call "
                  f"to include dim=X as an argument.", UserWarning, stacklevel=3)
    return 0 if ndim in (0, 1, 3) else 1


def _prepare(name, input, dim, dtype):
    require_tensor(name, input, "input", 1)
    if dim is None:
        dim = _implicit_dim(name, input.ndim)
    if dtype is not None:
        input = input.to(dtype)
    return input, dim


def softmax(input, dim=None, _stacklevel=3, dtype=None):
    """e^x / sum e^x along `dim` (the max is subtracted first)."""
    input, dim = _prepare("softmax", input, dim, dtype)
    return dispatch(_SOFTMAX, input, dim=dim)


def log_softmax(input, dim=None, _stacklevel=3, dtype=None):
    """x - logsumexp(x) along `dim`."""
    input, dim = _prepare("log_softmax", input, dim, dtype)
    return dispatch(_LOG_SOFTMAX, input, dim=dim)


def softmin(input, dim=None, _stacklevel=3, dtype=None):
    """softmax(-x) along `dim`."""
    input, dim = _prepare("softmin", input, dim, dtype)
    return dispatch(_SOFTMAX, -input, dim=dim)


def gumbel_softmax(logits, tau=1, hard=False, eps=1e-10, dim=-1):
    """softmax((logits + g) / tau) along `dim`, g ~ Gumbel(0, 1) = -ln(Exponential(1)).

    hard=True returns the one-hot of the argmax in the forward pass, with the soft sample's
    gradient (straight-through: y_hard - y_soft.detach() + y_soft). A composite."""
    require_tensor("gumbel_softmax", logits, "logits", 1)
    if eps != 1e-10:
        warnings.warn("`eps` parameter is deprecated and has no effect.", stacklevel=2)
    from ... import no_grad, zeros_like
    with no_grad():
        gumbels = -logits.new_empty(tuple(logits.shape)).exponential_().log()
    y_soft = softmax((logits + gumbels) / tau, dim)
    if not hard:
        return y_soft
    index = y_soft.max(dim, keepdim=True)[1]
    y_hard = zeros_like(logits).scatter_(dim, index, 1.0)
    return y_hard - y_soft.detach() + y_soft


__all__ = ["softmax", "log_softmax", "softmin", "gumbel_softmax"]
