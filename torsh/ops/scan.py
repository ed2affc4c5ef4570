"""Scans along one dim: cumsum, cumprod, cummax, cummin, logcumsumexp (and cumsum_, cumprod_).

Each output element j of a lane is a reduction of the lane's elements 0..j, so the output has
the input's shape. Integer and bool inputs of cumsum and cumprod give int64 (unless `dtype`
says otherwise), as in PyTorch. This module must not reduce dims away (that is `reduce.py`).
"""
from __future__ import annotations

import math

from .._core import dtype as dt
from .._core.errors import DTypeNotImplemented, DTypeRuntimeError
from .._core.shape import normalize_dim
from ..dispatch import dispatch, dispatch_inplace
from . import _scalar as s
from ._array import Array, lanes
from ._elementwise_base import _maybe_out
from ._op import PROMOTE_NONE, Op, Out, method_only, public, register
from .reduce import _AMAX, _AMIN, _PROD, _SUM, fresh, widened
from .sorting import put_along


def _named(name: str):
    from collections import namedtuple
    return namedtuple(name, ["values", "indices"])


cummax_result, cummin_result = _named("cummax"), _named("cummin")


def scan(a: Array, dim: int, step, reverse: bool = False) -> Array:
    """out[j] = step(out[j-1], a[j]) along each lane of `dim`, out[first] = step(None, a[0])."""
    out = list(a.data)
    for lane in lanes(a, dim):
        running = None
        for p in (reversed(lane) if reverse else lane):
            running = step(running, a.data[p])
            out[p] = running
    return Array(out, a.shape)


def _scan_meta(name, int_to_long: bool, floating_only: bool = False):
    """Same shape; integers and bool become int64 unless the caller chose the dtype."""
    def meta(x, dim, keep_dtype=False, **_):
        if floating_only and not x.dtype.is_floating_point:
            raise DTypeNotImplemented(f"{name}(): not implemented for '{x.dtype.name}' "
                                      f"(expected a floating point input)")
        promoted = int_to_long and not keep_dtype and not x.dtype.is_floating_point
        return Out(x._shape, dt.int64 if promoted else x.dtype)
    return meta


def _prefix_rows(x, dim: int):
    """(rows, inside): the lanes of x along dim as rows of shape (..., 1, n), and the (n, n)
    mask inside[j, i] = (i <= j): lane element i is in the prefix of output j. One reduction
    of the masked rows over the last dim gives every output j."""
    from .creation import arange
    lane = x.reshape(1) if x.ndim == 0 else x.movedim(dim, -1)
    n = lane.shape[-1]
    j, i = arange(n, device=x.device).reshape(n, 1), arange(n, device=x.device)
    return lane.unsqueeze(-2), i <= j


def _from_lanes(out, x, dim: int):
    """A (..., n) result over the lanes of `_prefix_rows` back in x's layout, in new memory."""
    return fresh(out.reshape(()) if x.ndim == 0 else out.movedim(-1, dim))


def _lane_matrix(n: int):
    """(upper, eye) as (n, n) bool tensors: upper[i, j] = j >= i, eye[i, j] = i == j."""
    from .creation import arange
    i, j = arange(n).reshape(n, 1), arange(n).reshape(1, n)
    return j >= i, j == i


# ------------------------------------------------------------ cumsum

def _running_decomposed(reduction, identity, int_to_long: bool):
    """cumsum (cumprod) as a sum (prod) of each prefix: the rows with `identity` outside it.
    Running from the end (reverse) is running over the flipped lanes, flipped back."""
    def decompose(x, dim, keep_dtype, reverse=False):
        if reverse and x.ndim:
            return fresh(decompose(x.flip(dim), dim, keep_dtype).flip(dim))
        promoted = int_to_long and not keep_dtype and not x.dtype.is_floating_point
        rows, inside = _prefix_rows(x.to(dt.int64) if promoted else x, dim)
        out = dispatch(reduction, rows.where(inside, identity), dims=(rows.ndim - 1,),
                       keepdim=False)
        return _from_lanes(out.to(rows.dtype), x, dim)
    return decompose


_CUMSUM = register(Op(
    "cumsum", meta=_scan_meta("cumsum", int_to_long=True), promote=PROMOTE_NONE,
    reference=lambda a, dim, reverse, keep_dtype: scan(
        a, dim, lambda total, x: (0 if total is None else total) + x, reverse),
    decompose=_running_decomposed(_SUM, 0, int_to_long=True),
    backward=lambda ctx, g: (dispatch(_CUMSUM, g, dim=ctx.dim, reverse=not ctx.reverse,
                                      keep_dtype=True),),
    saves_inputs=False,
    doc="out[j] = x[0] + ... + x[j] along dim (from the end when reverse), starting from 0 "
        "so cumsum(-0.0) = 0.0. Gradient: the reverse cumsum of the incoming gradient."))


def _cast(input, dtype):
    return input if dtype is None or dtype is input.dtype else input.to(dtype)


@public("cumsum")
def cumsum(input, dim, *, dtype=None, out=None):
    d = normalize_dim(dim, input.ndim, "cumsum")
    return _maybe_out(dispatch(_CUMSUM, _cast(input, dtype), dim=d, reverse=False,
                               keep_dtype=dtype is not None), out)


def _check_inplace_dtype(self, dtype, name):
    if dtype is not None and dtype is not self.dtype:
        raise DTypeRuntimeError(f"{name}: Bad in-place call: input tensor dtype "
                                f"{self.dtype.name} and output tensor dtype {dtype.name} "
                                f"should match")


@method_only("cumsum_")
def cumsum_(self, dim, *, dtype=None):
    _check_inplace_dtype(self, dtype, "cumsum_")
    return dispatch_inplace(_CUMSUM, self, dim=normalize_dim(dim, self.ndim, "cumsum_"),
                            reverse=False, keep_dtype=True)


# ------------------------------------------------------------ cumprod

def _cumprod_grad(ctx, g):
    """d out_j / d x_i = prod of x_k for k <= j, k != i (j >= i): exact when x has zeros.

    Per lane, row i of an (n, n) matrix holds the lane with x_i replaced by 1; its cumprod
    is that product for every j, and the gradient is the sum over j >= i of it times g_j.
    """
    x = ctx.inputs[0]
    if x.ndim == 0:
        return (g,)
    n = x.shape[ctx.dim]
    upper, eye = _lane_matrix(n)
    lane = x.movedim(ctx.dim, -1)
    rows = lane.unsqueeze(-2).expand(*lane.shape[:-1], n, n).masked_fill(eye, 1.0)
    partial = dispatch(_CUMPROD, rows, dim=rows.ndim - 1, keep_dtype=True)
    weighted = (partial * g.movedim(ctx.dim, -1).unsqueeze(-2)).masked_fill(~upper, 0.0)
    return (weighted.sum(-1).movedim(-1, ctx.dim),)


_CUMPROD = register(Op(
    "cumprod", meta=_scan_meta("cumprod", int_to_long=True), promote=PROMOTE_NONE,
    reference=lambda a, dim, keep_dtype: scan(
        a, dim, lambda total, x: (1 if total is None else total) * x),
    decompose=_running_decomposed(_PROD, 1, int_to_long=True),
    backward=_cumprod_grad,
    doc="out[j] = x[0] * ... * x[j] along dim, starting from 1 (so -0.0 keeps its sign). "
        "The gradient is exact where x has zeros. It is also exact where a lane holds NaN or "
        "inf: PyTorch's (a reversed cumsum divided by x) is then NaN across the lane; this "
        "deliberate difference is why the conformance case nan_rows compares values only."))


@public("cumprod")
def cumprod(input, dim, *, dtype=None, out=None):
    d = normalize_dim(dim, input.ndim, "cumprod")
    return _maybe_out(dispatch(_CUMPROD, _cast(input, dtype), dim=d,
                               keep_dtype=dtype is not None), out)


@method_only("cumprod_")
def cumprod_(self, dim, *, dtype=None):
    _check_inplace_dtype(self, dtype, "cumprod_")
    return dispatch_inplace(_CUMPROD, self, dim=normalize_dim(dim, self.ndim, "cumprod_"),
                            keep_dtype=True)


# ------------------------------------------------------------ cummax, cummin

def _running_extreme(larger: bool):
    """Reference of cummax (cummin): the running extreme and the index where it was last seen.

    A new element wins when it ties or beats the best so far, so ties report the latest
    index; once a NaN is seen the value stays NaN and each later NaN takes over the index.
    """
    def reference(a: Array, dim: int):
        values, where = list(a.data), [0] * len(a.data)
        for lane in lanes(a, dim):
            best, at = None, 0
            for k, p in enumerate(lane):
                x = a.data[p]
                if best is None or x != x or (best == best and (
                        x >= best if larger else x <= best)):
                    best, at = x, k
                values[p], where[p] = best, at
        return Array(values, a.shape), Array(where, a.shape)
    return reference


def _running_extreme_decomposed(larger: bool):
    """cummax (cummin): the extreme of each prefix, then the last position in the prefix
    holding it (a NaN extreme: the last NaN); the value is read back from there."""
    def decompose(x, dim):
        from .creation import arange
        if x.numel() == 0:
            return x.clone(), x.to(dt.int64)
        rows, inside = _prefix_rows(x, dim)
        last = rows.ndim - 1
        prefix = rows.where(inside, rows.narrow(last, 0, 1))    # lane[0] is in every prefix
        best = dispatch(_AMAX if larger else _AMIN, prefix, dims=(last,), keepdim=True)
        holds = inside & ((rows == best) | (rows.isnan() & best.isnan()))
        position = arange(rows.shape[-1], device=x.device).where(holds, 0)
        index = dispatch(_AMAX, position, dims=(last,), keepdim=False)
        values = rows.squeeze(-2).gather(-1, index)
        return _from_lanes(values, x, dim), _from_lanes(index, x, dim)
    return decompose


def _cum_extreme_grad(ctx, g, _unused=None):
    return (put_along(g, ctx.outputs[1], ctx.dim, ctx.input_shapes[0]),)


def _cum_extreme_op(name: str, larger: bool) -> Op:
    return register(Op(
        name, meta=lambda x, dim: (Out(x._shape, x.dtype), Out(x._shape, dt.int64)),
        reference=_running_extreme(larger), decompose=_running_extreme_decomposed(larger),
        backward=_cum_extreme_grad, promote=PROMOTE_NONE,
        saves_inputs=False, saves_output=True, differentiable_outputs=(0,),
        doc=f"values[j] = {'max' if larger else 'min'}(x[0..j]) along dim and indices[j] = the "
            f"last position holding it; NaN propagates (indices then follow the latest NaN). "
            f"The gradient goes to that position."))


_CUMMAX = _cum_extreme_op("cummax", True)
_CUMMIN = _cum_extreme_op("cummin", False)


@public("cummax")
def cummax(input, dim, *, out=None):
    d = normalize_dim(dim, input.ndim, "cummax")
    return cummax_result(*dispatch(_CUMMAX, input, dim=d))


@public("cummin")
def cummin(input, dim, *, out=None):
    d = normalize_dim(dim, input.ndim, "cummin")
    return cummin_result(*dispatch(_CUMMIN, input, dim=d))


# ------------------------------------------------------------ logcumsumexp

def _logcumsumexp_grad(ctx, g):
    """d out_j / d x_i = exp(x_i - out_j) for j >= i (at most 1, so it never overflows)."""
    x = ctx.inputs[0]
    if x.ndim == 0:
        return (g,)
    n = x.shape[ctx.dim]
    upper, _ = _lane_matrix(n)
    lane, total = x.movedim(ctx.dim, -1), ctx.output.movedim(ctx.dim, -1)
    weight = (lane.unsqueeze(-1) - total.unsqueeze(-2)).masked_fill(~upper, -math.inf).exp()
    grad = (weight * g.movedim(ctx.dim, -1).unsqueeze(-2)).sum(-1)
    return (grad.movedim(-1, ctx.dim),)


def _logcumsumexp_decomposed(x, dim):
    """out[j] = m_j + log(sum_{i <= j} exp(x_i - m_j)), m_j = the prefix's max (0 if
    infinite); out[0] = x[0] itself, as the scan starts (so -0.0 stays -0.0)."""
    from .creation import arange
    if x.numel() == 0:
        return x.clone()
    rows, inside = _prefix_rows(widened(x), dim)
    last = rows.ndim - 1
    top = dispatch(_AMAX, rows.where(inside, rows.narrow(last, 0, 1)), dims=(last,),
                   keepdim=True)
    shift = top.masked_fill(top.isinf(), 0.0)
    terms = (rows - shift).exp().where(inside, 0.0)
    out = (dispatch(_SUM, terms, dims=(last,), keepdim=True).log() + shift).squeeze(-1)
    out = out.where(arange(out.shape[-1], device=x.device) > 0, rows.squeeze(-2))
    return _from_lanes(out.to(x.dtype), x, dim)


_LOGCUMSUMEXP = register(Op(
    "logcumsumexp", meta=_scan_meta("logcumsumexp", False, floating_only=True),
    promote=PROMOTE_NONE, backward=_logcumsumexp_grad, saves_output=True,
    decompose=_logcumsumexp_decomposed,
    reference=lambda a, dim: scan(
        a, dim, lambda total, x: x if total is None else s.logaddexp(total, x)),
    doc="out[j] = log(exp(x[0]) + ... + exp(x[j])), accumulated stably; -inf terms add "
        "nothing, +inf makes the rest inf, NaN makes the rest NaN. Where a running total is "
        "-inf the gradient is NaN, as in PyTorch."))


@public("logcumsumexp")
def logcumsumexp(input, dim, *, out=None):
    d = normalize_dim(dim, input.ndim, "logcumsumexp")
    return _maybe_out(dispatch(_LOGCUMSUMEXP, input, dim=d), out)
