"""Statistics: var, std (and *_mean), norm, logsumexp.

Like `reduce.py`, each reduces the elements that share an index outside `dim` (None: every
element); unlike it, these need more than one pass over a group (a mean first, a maximum
first) or a power of each element. Plain sums, means and extremes belong in `reduce.py`,
statistics of the sorted order (median, mode, quantile) in `order_statistics.py`, running
scans in `scan.py`, counting values (bincount, histc) in `counting.py`.
"""
from __future__ import annotations

import math

from .._core import dtype as dt
from .._core.errors import DTypeRuntimeError, InvalidArgumentRuntime
from ..dispatch import dispatch
from . import _scalar as s
from ._array import reduce_dims, reduced_shape
from ._op import PROMOTE_NONE, Op, Out, public, register
from .reduce import (_AMAX, _AMIN, _MEAN, _SUM, dims_of, expand_reduced, reduction_meta,
                     widened)


def _group_size(shape, dims) -> int:
    return math.prod(shape[d] for d in dims)


# ------------------------------------------------------------ var, std

def _variance(xs: list, correction) -> float:
    """sum((x - mean)^2) / max(0, N - correction); NaN for no elements."""
    if not xs:
        return math.nan
    mean = sum(xs) / len(xs)
    squares = sum((x - mean) * (x - mean) for x in xs)
    return s.divide(squares, max(0, len(xs) - correction))


def _var_meta(name):
    base = reduction_meta(name)

    def meta(x, dims, keepdim, correction):
        if not x.dtype.is_floating_point:
            raise DTypeRuntimeError(f"{name}(): std and var only support floating point and "
                                    f"complex dtypes (got {x.dtype.name})")
        return base(x, dims, keepdim)
    return meta


def _centered_over_divisor(ctx):
    """(x - mean(x)) / max(0, N - correction), over the input's shape."""
    x = ctx.inputs[0]
    divisor = max(0, _group_size(x.shape, ctx.dims) - ctx.correction)
    return (x - x.mean(ctx.dims, keepdim=True)) / divisor


def _var_grad(ctx, g):
    """d var / d x_i = 2 (x_i - mean) / (N - correction)."""
    g = expand_reduced(g, ctx.input_shapes[0], ctx.dims, ctx.keepdim)
    return (g * _centered_over_divisor(ctx) * 2,)


def _std_grad(ctx, g):
    """d std / d x_i = (x_i - mean) / (std (N - correction)); 0 where std is 0 (as PyTorch)."""
    shape = ctx.input_shapes[0]
    std = expand_reduced(ctx.output, shape, ctx.dims, ctx.keepdim)
    g = expand_reduced(g, shape, ctx.dims, ctx.keepdim)
    return ((g / std).masked_fill(std == 0, 0.0) * _centered_over_divisor(ctx),)


def _variance_decomposed(x, dims, keepdim, correction):
    """The same formula in sum and elementwise ops (0 / 0 = NaN for no elements)."""
    centered = x - dispatch(_MEAN, x, dims=dims, keepdim=True)
    squares = dispatch(_SUM, centered * centered, dims=dims, keepdim=keepdim)
    return squares / max(0, _group_size(x.shape, dims) - correction)


_VAR = register(Op(
    "var", meta=_var_meta("var"), promote=PROMOTE_NONE, backward=_var_grad,
    reference=lambda a, dims, keepdim, correction: reduce_dims(
        a, dims, lambda xs: _variance(xs, correction), keepdim),
    decompose=lambda x, **params: _variance_decomposed(widened(x), **params).to(x.dtype),
    doc="sum((x - mean)^2) / max(0, N - correction): NaN for one element with correction 1, "
        "inf or NaN whenever N <= correction, NaN for no elements."))
_STD = register(Op(
    "std", meta=_var_meta("std"), promote=PROMOTE_NONE, backward=_std_grad,
    saves_output=True,
    reference=lambda a, dims, keepdim, correction: reduce_dims(
        a, dims, lambda xs: s.sqrt(_variance(xs, correction)), keepdim),
    decompose=lambda x, **params: _variance_decomposed(widened(x), **params).sqrt().to(
        x.dtype),
    doc="sqrt(var); see var for the special values."))


def _variance_args(dim, unbiased, correction, name):
    """PyTorch's two spellings: (dim, unbiased) and (dim, *, correction); also (unbiased)."""
    if isinstance(dim, bool):
        dim, unbiased = None, dim
    if unbiased is not None and correction is not None:
        raise InvalidArgumentRuntime(f"{name}(): cannot specify both unbiased and correction")
    if correction is None:
        correction = 0 if unbiased is False else 1
    return dim, correction


def _var_or_std(op, input, dim, unbiased, keepdim, correction):
    dim, correction = _variance_args(dim, unbiased, correction, op.name)
    return dispatch(op, input, dims=dims_of(input, dim, op.name), keepdim=keepdim,
                    correction=correction)


@public("var")
def var(input, dim=None, unbiased=None, keepdim=False, *, correction=None, out=None):
    return _var_or_std(_VAR, input, dim, unbiased, keepdim, correction)


@public("std")
def std(input, dim=None, unbiased=None, keepdim=False, *, correction=None, out=None):
    return _var_or_std(_STD, input, dim, unbiased, keepdim, correction)


@public("var_mean", method=False)
def var_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """(var, mean) over the same dims."""
    spread = var(input, dim, unbiased, keepdim, correction=correction)
    return spread, input.mean(_variance_args(dim, None, None, "var_mean")[0], keepdim)


@public("std_mean", method=False)
def std_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """(std, mean) over the same dims."""
    spread = std(input, dim, unbiased, keepdim, correction=correction)
    return spread, input.mean(_variance_args(dim, None, None, "std_mean")[0], keepdim)


# ------------------------------------------------------------ norm

def _vector_norm(xs: list, p: float) -> float:
    """(sum |x|^p)^(1/p); p = inf: max |x|, -inf: min |x|, 0: the count of nonzeros."""
    magnitudes = [abs(x) for x in xs]
    if math.isinf(p):
        if any(m != m for m in magnitudes):
            return math.nan
        return max(magnitudes) if p > 0 else min(magnitudes)
    if p == 0:
        return float(sum(1 for m in magnitudes if m != 0))
    if p == 2:
        return s.sqrt(sum(m * m for m in magnitudes))
    return s.float_pow(sum(s.float_pow(m, p) for m in magnitudes), 1.0 / p)


def _norm_meta(x, p, dims, keepdim):
    if not x.dtype.is_floating_point:
        raise DTypeRuntimeError(f"linalg.vector_norm: Expected a floating point or complex "
                                f"tensor as input. Got {x.dtype.name}")
    if (p < 0 or math.isinf(p)) and _group_size(x._shape, dims) == 0:
        raise InvalidArgumentRuntime(f"linalg.vector_norm cannot compute the {p:g} norm on an "
                                     f"empty tensor because the operation does not have an "
                                     f"identity")
    return Out(reduced_shape(x._shape, dims, keepdim), x.dtype)


def _norm_grad(ctx, g):
    """PyTorch's formulas, with 0 where the norm is 0 (and where |x| = 0 for p < 1)."""
    x, p = ctx.inputs[0], ctx.p
    norm = expand_reduced(ctx.output, x.shape, ctx.dims, ctx.keepdim)
    g = expand_reduced(g, x.shape, ctx.dims, ctx.keepdim)
    if p == 0:
        return (x.new_zeros(x.shape),)
    if p == 1:
        return (g * x.sgn(),)
    if math.isinf(p):
        size = x.abs()
        hit = (size == norm) | size.isnan()
        return (x.sgn() * (g / hit.sum(ctx.dims, keepdim=True)) * hit,)
    if p < 1:
        scaled = x.abs().pow(p - 1).masked_fill(x == 0, 0.0) * x.sgn()
        return (scaled * g * norm.pow(1 - p),)
    if p < 2:
        return (x.sgn() * x.abs().pow(p - 1) * (g / norm.pow(p - 1)).masked_fill(norm == 0,
                                                                                 0.0),)
    if p == 2:
        return (x * (g / norm).masked_fill(norm == 0, 0.0),)
    return (x * x.abs().pow(p - 2) * (g / norm.pow(p - 1)).masked_fill(norm == 0, 0.0),)


def _norm_decomposed(x, p, dims, keepdim):
    """The same cases in abs, pow and the reductions sum, amax and amin."""
    size = widened(x).abs()
    if math.isinf(p):
        result = dispatch(_AMAX if p > 0 else _AMIN, size, dims=dims, keepdim=keepdim)
    elif p == 2:
        result = dispatch(_SUM, size * size, dims=dims, keepdim=keepdim).sqrt()
    else:
        terms = (size != 0).to(size.dtype) if p == 0 else size if p == 1 else size.pow(p)
        result = dispatch(_SUM, terms, dims=dims, keepdim=keepdim)
        result = result if p in (0, 1) else result.pow(1.0 / p)
    return result.to(x.dtype)


_NORM = register(Op(
    "norm", meta=_norm_meta, promote=PROMOTE_NONE, backward=_norm_grad, saves_output=True,
    reference=lambda a, p, dims, keepdim: reduce_dims(
        a, dims, lambda xs: _vector_norm(xs, p), keepdim),
    decompose=_norm_decomposed,
    doc="the vector p-norm (sum |x|^p)^(1/p) over dims, summed plainly in double: it "
        "overflows where a double sum does (PyTorch's float32 norm also where a float32 sum "
        "does); p = ±inf: max/min |x|, p = 0: count of nonzeros (NaN counts). NaN in gives "
        "NaN. Norms without an identity (p < 0, ±inf) reject no elements."))


@public("norm")
def norm(input, p="fro", dim=None, keepdim=False, out=None, dtype=None):
    """torch.norm: the vector norm over dim (all elements by default); 'fro' is p = 2."""
    if dtype is not None:
        input = input.to(dtype)
    if p is None or p == "fro":
        p = 2.0
    elif isinstance(p, str):
        raise InvalidArgumentRuntime(f"norm(): p={p!r} is not supported (torsh has vector norms "
                                     f"and 'fro'; 'nuc' is not implemented)")
    return dispatch(_NORM, input, p=float(p), dims=dims_of(input, dim, "norm"),
                    keepdim=keepdim)


# ------------------------------------------------------------ logsumexp

def _logsumexp(xs: list) -> float:
    """m + log(sum(exp(x - m))) with m = max(x), or m = 0 when the max is ±inf."""
    if any(x != x for x in xs):
        return math.nan
    if not xs:
        return -math.inf
    shift = max(xs)
    if math.isinf(shift):
        shift = 0.0
    return s.log(sum(s.exp(x - shift) for x in xs)) + shift


def _logsumexp_decomposed(x, dims, keepdim):
    """m + log(sum(exp(x - m))) with m = amax (0 where infinite); no elements: log(0)."""
    y = widened(x)
    if _group_size(y.shape, dims) == 0:
        return dispatch(_SUM, y.exp(), dims=dims, keepdim=keepdim).log().to(x.dtype)
    shift = dispatch(_AMAX, y, dims=dims, keepdim=True)
    shift = shift.masked_fill(shift.isinf(), 0.0)
    total = dispatch(_SUM, (y - shift).exp(), dims=dims, keepdim=True).log() + shift
    return total.reshape(reduced_shape(y.shape, dims, keepdim)).to(x.dtype)


_LOGSUMEXP = register(Op(
    "logsumexp", meta=reduction_meta("logsumexp"), promote=PROMOTE_NONE, saves_output=True,
    decompose=_logsumexp_decomposed,
    backward=lambda ctx, g: (expand_reduced(g, ctx.input_shapes[0], ctx.dims, ctx.keepdim) * (
        ctx.inputs[0] - expand_reduced(ctx.output, ctx.input_shapes[0], ctx.dims,
                                       ctx.keepdim)).exp(),),
    reference=lambda a, dims, keepdim: reduce_dims(a, dims, _logsumexp, keepdim),
    doc="log(sum(exp(x))) computed as max + log(sum(exp(x - max))), so it never overflows; "
        "all -inf (or nothing) gives -inf, any +inf gives inf, NaN gives NaN. The gradient "
        "is softmax(x), NaN where the result is infinite (as PyTorch)."))


@public("logsumexp")
def logsumexp(input, dim, keepdim=False, *, out=None):
    """log(sum(exp(input))) over dim (integers in the default float dtype); dim=() reduces
    all dims (PyTorch 2.13 raises for it without keepdim, from a check of its out= path)."""
    if not input.dtype.is_floating_point:
        input = input.to(dt.get_default_dtype())
    return dispatch(_LOGSUMEXP, input, dims=dims_of(input, dim, "logsumexp"), keepdim=keepdim)
