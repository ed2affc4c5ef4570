"""Unary elementwise ops with parameters: round(decimals), logit(eps), nan_to_num(nan, ...).

Like the ops of `unary.py`, each maps a scalar function from `_scalar.py` over the elements;
the parameters are fixed for the whole call.
"""
from __future__ import annotations

import math

from .._core import dtype as dt
from ..dispatch import dispatch, dispatch_inplace
from . import _scalar as s
from ._array import map_elements
from ._elementwise_base import _maybe_out, elementwise_meta
from ._op import (METHODS, PROMOTE_DEFAULT, PROMOTE_INT_TO_FLOAT, Op, method_only, public,
                  register)


def _round_scalar(x, decimals):
    if isinstance(x, (bool, int)):
        return x if decimals >= 0 else int(s.round_half_even(float(x), decimals))
    return s.round_half_even(x, decimals)


_ROUND = register(Op(
    "round", meta=elementwise_meta("round"), promote=PROMOTE_DEFAULT,
    reference=lambda a, decimals: map_elements(lambda x: _round_scalar(x, decimals), a),
    backward=lambda ctx, g: (g.new_zeros(g.shape),), saves_inputs=False,
    doc="x rounded to `decimals` places, halves to even (round(2.5) = 2, round(-0.5) = -0.0); "
        "integers are unchanged; the gradient is zero."))


@public("round")
def round(input, *, decimals=0, out=None):
    return _maybe_out(dispatch(_ROUND, input, decimals=decimals), out)


@method_only("round_")
def round_(self, *, decimals=0):
    return dispatch_inplace(_ROUND, self, decimals=decimals)


def _logit_grad(ctx, g):
    """d/dx log(x / (1 - x)) = 1 / (x (1 - x)); zero outside [eps, 1 - eps] when eps is set,
    NaN outside [0, 1] otherwise (PyTorch's rule)."""
    x = ctx.inputs[0]
    grad = g / (x * (1 - x))
    if ctx.eps is None:
        return (grad.masked_fill((x < 0) | (x > 1), math.nan),)
    return (grad.masked_fill((x < ctx.eps) | (x > 1 - ctx.eps), 0.0),)


_LOGIT = register(Op(
    "logit", meta=elementwise_meta("logit"), promote=PROMOTE_INT_TO_FLOAT,
    reference=lambda a, eps: map_elements(lambda x: s.logit(x, eps), a),
    backward=_logit_grad,
    doc="log(x / (1 - x)), with x first clamped to [eps, 1 - eps] when eps is given; "
        "logit(0) = -inf, logit(1) = inf, NaN outside [0, 1]."))


@public("logit")
def logit(input, eps=None, *, out=None):
    return _maybe_out(dispatch(_LOGIT, input, eps=eps), out)


METHODS["logit_"] = lambda self, eps=None: dispatch_inplace(_LOGIT, self, eps=eps)


def _nan_to_num_values(dtype, nan, posinf, neginf):
    """PyTorch's defaults: NaN -> 0, +inf -> the dtype's largest value, -inf -> its lowest."""
    if dtype.is_floating_point:
        info = dt.finfo(dtype)
        return (0.0 if nan is None else nan, info.max if posinf is None else posinf,
                info.min if neginf is None else neginf)
    return (0, 0, 0)


_NAN_TO_NUM = register(Op(
    "nan_to_num", meta=elementwise_meta("nan_to_num"), promote=PROMOTE_DEFAULT,
    reference=lambda a, nan, posinf, neginf: map_elements(
        lambda x: s.nan_to_num(x, nan, posinf, neginf), a),
    backward=lambda ctx, g: (g.masked_fill(~ctx.inputs[0].isfinite(), 0.0),),
    doc="x with NaN, +inf and -inf replaced (by 0, the dtype's max and min unless given); "
        "integers are unchanged. The gradient is zero where x was not finite."))


@public("nan_to_num")
def nan_to_num(input, nan=0.0, posinf=None, neginf=None, *, out=None):
    values = _nan_to_num_values(input.dtype, nan, posinf, neginf)
    return _maybe_out(dispatch(_NAN_TO_NUM, input, nan=values[0], posinf=values[1],
                               neginf=values[2]), out)


@method_only("nan_to_num_")
def nan_to_num_(self, nan=0.0, posinf=None, neginf=None):
    values = _nan_to_num_values(self.dtype, nan, posinf, neginf)
    return dispatch_inplace(_NAN_TO_NUM, self, nan=values[0], posinf=values[1],
                            neginf=values[2])
