"""Reductions over dims: sum, mean, prod, amax, amin, argmax, argmin, max/min, all, any.

Each reduces the elements that share an index outside `dim` (None: every dim), keeping the
reduced dims as size 1 when `keepdim`. Sums of integers and bools are int64, as in PyTorch.
NaN propagates through sum, mean, prod, amax and amin; argmax/argmin treat NaN as the largest
value (and the smallest, for argmin) and return the first of tied positions.

sum, prod, amax, amin, argmax, argmin, all and any are primitives; mean and max/min decompose
into them. The two helpers every decomposition of a reduction-like op shares live here too:
`widened` (halves computed in float32) and `fresh` (results never views of temporaries).
"""
from __future__ import annotations

import math
from collections import namedtuple

from .._core import dtype as dt
from .._core.errors import (DTypeRuntimeError, IndexOutOfBounds, IndexOutOfRange,
                            InvalidArgumentRuntime)
from .._core.shape import normalize_dim, normalize_dims
from ..dispatch import dispatch
from ._array import reduce_dims, reduced_shape
from ._op import PROMOTE_NONE, Op, Out, public, register

values_indices = namedtuple("values_indices", ["values", "indices"])
min_max = namedtuple("aminmax", ["min", "max"])


def reduction_meta(name: str, out_dtype=None, needs_elements: bool = False):
    """Output shape with `dims` reduced; dtype from `out_dtype(input_dtype)` or the input's."""
    def meta(x, dims, keepdim, **_):
        if needs_elements and x.numel() == 0:
            for d in dims:
                if x._shape[d] == 0 or not x.ndim:
                    raise IndexOutOfRange(f"{name}(): Expected reduction dim {d} to have "
                                          f"non-zero size.")
            if not dims:
                raise IndexOutOfRange(f"{name}(): Expected reduction dim to be specified for "
                                      f"input.numel() == 0. Specify the reduction dim with "
                                      f"the 'dim' argument.")
        dtype = out_dtype(x.dtype) if out_dtype else x.dtype
        return Out(reduced_shape(x._shape, dims, keepdim), dtype)
    return meta


def _int_to_long(d):
    return dt.int64 if not d.is_floating_point else d


def expand_reduced(g, input_shape, dims, keepdim):
    """A reduced result (or its gradient) broadcast back over the input's shape."""
    if not keepdim:
        for d in sorted(dims):
            g = g.unsqueeze(d)
    return g.expand(input_shape)


def reduction(name: str, reducer, doc: str, grad=None, out_dtype=None,
              needs_elements: bool = False, saves_output: bool = False,
              saves_inputs: bool = True, decompose=None) -> Op:
    """Declare a reduction from `reducer(list of elements) -> value`."""
    return register(Op(
        name, meta=reduction_meta(name, out_dtype, needs_elements), promote=PROMOTE_NONE,
        reference=lambda a, dims, keepdim, **_: reduce_dims(a, dims, reducer, keepdim),
        backward=grad, decompose=decompose, saves_output=saves_output,
        saves_inputs=saves_inputs, doc=doc))


def dims_of(input, dim, name: str):
    """Normalise `dim` (int, sequence or None) for a reduction over `input`.

    A 0-d tensor accepts dim 0 and -1, and reducing it over them reduces nothing.
    """
    if isinstance(dim, (list, tuple)) and len(dim) == 0:
        dim = None
    dims = normalize_dims(dim, input.ndim, name)
    return dims if input.ndim else ()


# ------------------------------------------------------------ shared by decompositions

def widened(x):
    """x in the dtype a decomposition computes in: float16 and bfloat16 widen to float32 (as
    PyTorch's kernels accumulate them), so the result is rounded to the half type once."""
    return x.to(dt.float32) if x.dtype in (dt.float16, dt.bfloat16) else x


def fresh(x):
    """x in memory of its own, as a kernel returns it: a decomposition's result that is a
    view of a temporary is copied (so writing into it later affects nothing else)."""
    return x.clone() if x._is_view() else x


# ------------------------------------------------------------ sum, mean, prod

def _sum_grad(ctx, g):
    return (expand_reduced(g, ctx.input_shapes[0], ctx.dims, ctx.keepdim),)


_SUM = reduction("sum", lambda xs: sum(xs, 0 if not xs or not isinstance(xs[0], float) else 0.0),
                 "sum of the elements; integers and bool sum to int64; empty sums are 0.",
                 grad=_sum_grad, out_dtype=_int_to_long, saves_inputs=False)


def _with_dtype(input, dtype):
    return input if dtype is None or dtype is input.dtype else input.to(dtype)


def _as_chosen(result, dtype):
    """An int64 sum or product cast to the integer `dtype` the caller asked for (wrapping
    mod 2^bits after the int64 computation gives the same bits as computing in `dtype`)."""
    return result if dtype is None or result.dtype is dtype else result.to(dtype)


@public("sum")
def sum_(input, dim=None, keepdim=False, *, dtype=None):
    input = _with_dtype(input, dtype)
    return _as_chosen(dispatch(_SUM, input, dims=dims_of(input, dim, "sum"), keepdim=keepdim),
                      dtype)


@public("nansum")
def nansum(input, dim=None, keepdim=False, *, dtype=None):
    """sum, counting NaN as zero."""
    dims_of(input, dim, "nansum")          # the error for a bad dim names nansum
    if input.dtype.is_floating_point:
        input = input.masked_fill(input.isnan(), 0)
    return sum_(input, dim, keepdim, dtype=dtype)


def _mean_grad(ctx, g):
    count = math.prod(ctx.input_shapes[0][d] for d in ctx.dims)
    return (expand_reduced(g, ctx.input_shapes[0], ctx.dims, ctx.keepdim) / count,)


def _mean(xs):
    return sum(xs) / len(xs) if xs else math.nan


def _mean_decomposed(x, dims, keepdim):
    """sum / count, 0 / 0 = NaN for no elements."""
    count = math.prod(x.shape[d] for d in dims)
    total = dispatch(_SUM, widened(x), dims=dims, keepdim=keepdim)
    return (total / count).to(x.dtype)


_MEAN = reduction("mean", _mean, "sum / count; the mean of nothing is NaN.", grad=_mean_grad,
                  saves_inputs=False, decompose=_mean_decomposed)


@public("mean")
def mean(input, dim=None, keepdim=False, *, dtype=None):
    input = _with_dtype(input, dtype)
    if not input.dtype.is_floating_point:
        raise DTypeRuntimeError(f"mean(): could not infer output dtype. Input dtype must be "
                                f"either a floating point or complex dtype. Got: "
                                f"{input.dtype.name}")
    return dispatch(_MEAN, input, dims=dims_of(input, dim, "mean"), keepdim=keepdim)


@public("nanmean")
def nanmean(input, dim=None, keepdim=False, *, dtype=None):
    """mean over the elements that are not NaN; floating point only (as mean)."""
    if not input.dtype.is_floating_point:
        raise DTypeRuntimeError(f"nanmean(): expected input to have floating point dtype but "
                                f"got {input.dtype.name}")
    dims_of(input, dim, "nanmean")
    keep = ~input.isnan()
    return nansum(input, dim, keepdim, dtype=dtype) / keep.sum(dim, keepdim)


def _prod_grad(ctx, g):
    """d prod / d x_i = product of the other elements (exact with zeros present)."""
    x = ctx.inputs[0]
    dims = ctx.dims
    if x.numel() == 0:
        return (x.new_zeros(x.shape),)
    others = _product_of_others(x, dims)
    return (expand_reduced(g, x.shape, dims, ctx.keepdim) * others,)


def _product_of_others(x, dims):
    """For each element, the product of the other elements in its reduction group."""
    rest = [d for d in range(x.ndim) if d not in dims]
    moved = x.permute(rest + list(dims))
    flat = moved.reshape([x.shape[d] for d in rest] + [-1])
    from .. import cat
    ones = flat.new_ones(flat.shape[:-1] + (1,))
    left = cat([ones, flat[..., :-1]], -1).cumprod(-1)
    right = cat([ones, flat.flip(-1)[..., :-1]], -1).cumprod(-1).flip(-1)
    inverse = [0] * x.ndim
    for i, d in enumerate(rest + list(dims)):
        inverse[d] = i
    return (left * right).reshape(moved.shape).permute(inverse)


_PROD = reduction("prod", lambda xs: math.prod(xs, start=1.0 if xs and isinstance(
    xs[0], float) else 1), "product of the elements; integers give int64; empty products are 1.",
    grad=_prod_grad, out_dtype=_int_to_long)


@public("prod")
def prod(input, dim=None, keepdim=False, *, dtype=None):
    input = _with_dtype(input, dtype)
    if dim is not None and not isinstance(dim, int):
        raise TypeError("prod(): argument 'dim' must be int")
    return _as_chosen(dispatch(_PROD, input, dims=dims_of(input, dim, "prod"),
                               keepdim=keepdim), dtype)


# ------------------------------------------------------------ extrema

def _nan_max(xs):
    """Largest element; NaN if any is NaN."""
    if any(x != x for x in xs):
        return math.nan
    return max(xs)


def _nan_min(xs):
    if any(x != x for x in xs):
        return math.nan
    return min(xs)


def _extreme_grad(ctx, g):
    """Evenly shared among the elements equal to the extreme: g / count on each of them.

    As PyTorch's amax/amin: where the extreme is NaN no element equals it, and the whole
    group's gradient is (g / 0) * 0 = NaN.
    """
    x = ctx.inputs[0]
    out = expand_reduced(ctx.output, x.shape, ctx.dims, ctx.keepdim)
    tied = x == out
    g = expand_reduced(g, x.shape, ctx.dims, ctx.keepdim)
    return ((g / tied.sum(ctx.dims, keepdim=True)) * tied,)


def _evenly_shared_grad(ctx, g):
    """max()/min() of all elements: g / count on the elements equal to the result, where a
    NaN result is shared by the NaNs (PyTorch's evenly_distribute_backward)."""
    x, out = ctx.inputs[0], ctx.output
    tied = (x == out) | (x.isnan() & out.isnan())
    return ((g / tied.sum()) * tied,)


_AMAX = reduction("amax", _nan_max, "largest element; NaN if any is NaN. The gradient is "
                  "shared by the tied maxima; NaN for a group whose max is NaN (as PyTorch).",
                  grad=_extreme_grad, needs_elements=True, saves_output=True)
_AMIN = reduction("amin", _nan_min, "smallest element; NaN if any is NaN. Gradient as amax.",
                  grad=_extreme_grad, needs_elements=True, saves_output=True)


def _all_meta(name):
    def meta(x):
        if x.numel() == 0:
            raise InvalidArgumentRuntime(f"{name}(): Expected reduction dim to be specified "
                                         f"for input.numel() == 0. Specify the reduction dim "
                                         f"with the 'dim' argument.")
        return Out((), x.dtype)
    return meta


_MAX_ALL = register(Op(
    "max", meta=_all_meta("max"), promote=PROMOTE_NONE, backward=_evenly_shared_grad,
    reference=lambda a: reduce_dims(a, tuple(range(a.ndim)), _nan_max, False),
    decompose=lambda x: dispatch(_AMAX, x, dims=tuple(range(x.ndim)), keepdim=False),
    saves_output=True,
    doc="max(input): the largest element (NaN if any is NaN) as a 0-d tensor; the gradient "
        "is shared by the elements equal to it (by the NaNs when it is NaN)."))
_MIN_ALL = register(Op(
    "min", meta=_all_meta("min"), promote=PROMOTE_NONE, backward=_evenly_shared_grad,
    reference=lambda a: reduce_dims(a, tuple(range(a.ndim)), _nan_min, False),
    decompose=lambda x: dispatch(_AMIN, x, dims=tuple(range(x.ndim)), keepdim=False),
    saves_output=True, doc="min(input): the smallest element; see max."))


def _check_dim_given(input, dim, name):
    """Extrema of no elements: a RuntimeError when no dim was given, as PyTorch (also an
    IndexError, as torsh raised before); an IndexError from the meta names an empty dim
    that was given."""
    if input.numel() == 0 and (dim is None or isinstance(dim, (tuple, list)) and not dim):
        raise IndexOutOfBounds(f"{name}(): Expected reduction dim to be specified for "
                               f"input.numel() == 0. Specify the reduction dim with the "
                               f"'dim' argument.")


@public("amax")
def amax(input, dim=(), keepdim=False):
    _check_dim_given(input, dim, "amax")
    return dispatch(_AMAX, input, dims=dims_of(input, dim, "amax"), keepdim=keepdim)


@public("amin")
def amin(input, dim=(), keepdim=False):
    _check_dim_given(input, dim, "amin")
    return dispatch(_AMIN, input, dims=dims_of(input, dim, "amin"), keepdim=keepdim)


def _arg_extreme(xs, larger: bool) -> int:
    """Index of the first largest (smallest) element; the first NaN wins."""
    best = 0
    for i, x in enumerate(xs):
        if x != x:
            return i
        if (x > xs[best]) if larger else (x < xs[best]):
            best = i
    return best


def _arg_meta(name):
    base = reduction_meta(name, lambda d: dt.int64, needs_elements=True)
    return lambda x, dims, keepdim: base(x, dims, keepdim)


_ARGMAX = register(Op("argmax", meta=_arg_meta("argmax"), promote=PROMOTE_NONE,
                      reference=lambda a, dims, keepdim: reduce_dims(
                          a, dims, lambda xs: _arg_extreme(xs, True), keepdim),
                      doc="position of the first largest element (NaN counts as largest)."))
_ARGMIN = register(Op("argmin", meta=_arg_meta("argmin"), promote=PROMOTE_NONE,
                      reference=lambda a, dims, keepdim: reduce_dims(
                          a, dims, lambda xs: _arg_extreme(xs, False), keepdim),
                      doc="position of the first smallest element (NaN counts as smallest)."))


def _arg(op, input, dim, keepdim):
    """argmax/argmin; bool is rejected as PyTorch does (max/min along a dim accept it)."""
    if input.dtype is dt.bool_:
        raise DTypeRuntimeError(f"{op.name}: \"{op.name}_cpu\" not implemented for 'Bool'")
    if dim is None:
        flat = input.reshape(-1)
        result = dispatch(op, flat, dims=(0,), keepdim=False)
        return result.reshape([1] * input.ndim) if keepdim else result
    d = normalize_dim(dim, input.ndim, op.name)
    return dispatch(op, input, dims=(d,) if input.ndim else (), keepdim=keepdim)


@public("argmax")
def argmax(input, dim=None, keepdim=False):
    return _arg(_ARGMAX, input, dim, keepdim)


@public("argmin")
def argmin(input, dim=None, keepdim=False):
    return _arg(_ARGMIN, input, dim, keepdim)


def _extreme_with_index(op_name, input, dim, keepdim):
    """(values, indices) of the extremes along one dim; the gradient goes to that index."""
    d = normalize_dim(dim, input.ndim, op_name)
    arg = _ARGMAX if op_name == "max" else _ARGMIN
    index = dispatch(arg, input, dims=(d,) if input.ndim else (), keepdim=True)
    values = input.gather(d, index) if input.ndim else input.clone()
    if not keepdim and input.ndim:
        values, index = values.squeeze(d), index.squeeze(d)
    return values_indices(values, index)


def _extreme(op_name, binary, reduce_all):
    def function(input, dim=None, keepdim=False, *, out=None):
        if dim is None:
            return reduce_all(input)
        if hasattr(dim, "dtype"):
            return binary(input, dim)
        return _extreme_with_index(op_name, input, dim, keepdim)
    function.__name__ = op_name
    function.__doc__ = (f"{op_name}(input): the {op_name}imum element; {op_name}(input, dim, "
                        f"keepdim): (values, indices) along dim; {op_name}(input, other): "
                        f"elementwise {op_name}imum.")
    return function


public("max")(_extreme("max", lambda a, b: a.maximum(b), lambda x: dispatch(_MAX_ALL, x)))
public("min")(_extreme("min", lambda a, b: a.minimum(b), lambda x: dispatch(_MIN_ALL, x)))


@public("aminmax")
def aminmax(input, *, dim=None, keepdim=False):
    if dim is None and input.numel() == 0:
        raise InvalidArgumentRuntime("aminmax(): cannot compute aminmax over an empty "
                                     "dimension as the operation has no identity.")
    dims = () if dim is None else dim
    return min_max(amin(input, dims, keepdim), amax(input, dims, keepdim))


# ------------------------------------------------------------ logical

_ALL = reduction("all", lambda xs: all(bool(x) for x in xs), "True if every element is nonzero.",
                 out_dtype=lambda d: dt.uint8 if d is dt.uint8 else dt.bool_)
_ANY = reduction("any", lambda xs: any(bool(x) for x in xs), "True if some element is nonzero.",
                 out_dtype=lambda d: dt.uint8 if d is dt.uint8 else dt.bool_)


@public("all")
def all_(input, dim=None, keepdim=False):
    return dispatch(_ALL, input, dims=dims_of(input, dim, "all"), keepdim=keepdim)


@public("any")
def any_(input, dim=None, keepdim=False):
    return dispatch(_ANY, input, dims=dims_of(input, dim, "any"), keepdim=keepdim)


@public("count_nonzero")
def count_nonzero(input, dim=None):
    return sum_(input != 0, dim)


# ------------------------------------------------------------ sum_to_size

@public("sum_to_size", function=False)
def sum_to_size(input, *size):
    """Sum over the dims that broadcasting `size` to input's shape would have expanded."""
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = tuple(size[0])
    shape = tuple(input.shape)
    lead = len(shape) - len(size)
    if lead < 0:
        raise RuntimeError(f"sum_to_size: size {list(size)} is not expandable to size "
                           f"{list(shape)}")
    dims = tuple(range(lead)) + tuple(lead + i for i, n in enumerate(size)
                                      if n == 1 and shape[lead + i] != 1)
    result = sum_(input, dims, keepdim=True) if dims else input
    return result.reshape(size) if tuple(result.shape) != tuple(size) else result
