"""Poolings: the max or the mean of windows over the last 1, 2 or 3 dims (N-d ops).

    max_pool(x)[..., o]  = max_{u} x[..., o*s + u*d - p]       (u over the kernel, per dim)
    avg_pool(x)[..., o]  = sum_{u} x[..., o*s + u - p] / divisor
    adaptive_*_pool(x)[..., o] = max / mean of x[..., floor(o*I/O) : ceil((o+1)*I/O)]
Padding is never the max and adds 0 to the mean. The avg divisor is the window's size
counting the padding (count_include_pad=True, never the cells ceil_mode adds beyond it), or the
number of input cells it reads, or divisor_override. ceil_mode adds a last, partial window when
it starts inside the input or the left padding. Integer avg_pool (int64) truncates the
quotient as C++ does.

max_pool and adaptive_max_pool are ops returning (values, indices): the index is the flat
position in the input's pooled dims of the window's first maximum, or of its last NaN (a NaN
always wins, as PyTorch's `v > best or isnan(v)` loop). Their gradient goes to that index only:
with gradients on, the values are taken as x[..., indices] (take_pooled), whose gradient is
max_pool_backward (a scatter-add into zeros), whose own gradient is take_pooled again.
A window wholly in the padding (dilation allows it) answers -inf at PyTorch's index, its first
tap at or after 0 (a cell outside the window, or past the input's end); its gradient is dropped
(a deviation: PyTorch's kernel adds it at that index, even past the plane, corrupting memory). avg_pool's gradient is its
adjoint (avg_pool_backward: each output's grad / divisor spread over its window), whose own
gradient is avg_pool again. lp_pool is a composite over avg_pool, as PyTorch defines it.
"""
from __future__ import annotations

import math

from ..._core import dtype as dt
from ..._core.errors import DTypeNotImplemented, ShapeMismatch
from ...autograd.grad_mode import is_grad_enabled
from ...dispatch import dispatch
from ...ops._array import Array
from ...ops._elementwise_base import TORCH_TYPE_NAMES, require_tensor
from ...ops._op import PROMOTE_NONE, Op, Out
from ._pointwise import declare
from ._windows import (adaptive_output_size, adaptive_taps, as_tuple, cell_offsets,
                       cell_products, cells, check_adaptive, plane_max, plane_mean,
                       pool_firsts, pool_geometry, pool_sizes, pool_spans, scatter_planes,
                       spread_mean, take_planes, unpool_size)


def _type_name(x) -> str:
    return TORCH_TYPE_NAMES[x.dtype.name]


# ------------------------------------------------------------ max_pool

def _max_pool_meta(x, kernel_size, stride, padding, dilation, ceil_mode):
    name = f"max_pool{len(kernel_size)}d"
    if x.dtype is dt.bool_:
        raise DTypeNotImplemented(f"{name}: \"{name}\" not implemented for 'Bool'")
    sizes = pool_sizes(name, x, kernel_size, stride, padding, dilation, ceil_mode)
    shape = x._shape[:-len(sizes)] + sizes
    return Out(shape, x.dtype), Out(shape, dt.int64)


def _max_pool_reference(x: Array, kernel_size, stride, padding, dilation, ceil_mode):
    spatial = x.shape[-len(kernel_size):]
    sizes, taps = pool_geometry(spatial, kernel_size, stride, padding, dilation, ceil_mode)
    firsts = [pool_firsts(*args) for args in zip(sizes, stride, padding, dilation)]
    values, where = plane_max(x.data, math.prod(x.shape[:-len(sizes)]), math.prod(spatial),
                              cells(taps, spatial), cell_offsets(firsts, spatial))
    shape = x.shape[:-len(sizes)] + sizes
    return Array(values, shape), Array(where, shape)


_MAX_POOL = declare(Op(
    "max_pool", meta=_max_pool_meta, reference=_max_pool_reference, promote=PROMOTE_NONE,
    doc="(values, indices) of the max of every window over the last len(kernel_size) dims; "
        "see torsh/nn/functional/pooling.py. Its gradient flows through take_pooled."))


def _take_meta(x, indices, dims):
    return Out(indices._shape, x.dtype)


def _take_reference(x: Array, indices: Array, dims):
    planes = math.prod(x.shape[:-dims])
    data = take_planes(x.data, indices.data, planes, math.prod(x.shape[-dims:]))
    return Array(data, indices.shape)


_TAKE_POOLED = declare(Op(
    "take_pooled", meta=_take_meta, reference=_take_reference, promote=PROMOTE_NONE,
    backward=lambda ctx, g: (dispatch(_MAX_POOL_BACKWARD, g, ctx.inputs[1], input_size=tuple(
        ctx.input_shapes[0][-ctx.dims:])), None),
    doc="out[..., j] = x[..., indices[..., j]], the last `dims` dims of x flattened (the max "
        "poolings' values at their indices; its gradient is max_pool_backward)."))


def _selected(input, values, indices, d: int, empty_windows: bool = False):
    """The pooled values, as input[..., indices] (take_pooled) when a gradient is wanted: the
    gradient then reaches each window's argmax only. (Saving the indices output in the max
    pooling op itself would forbid in-place ops on its values, as ReLU(inplace=True) does.)
    Where windows may lie wholly in the padding, their -inf is kept (with no gradient)."""
    if not (input.requires_grad and is_grad_enabled()):
        return values
    taken = dispatch(_TAKE_POOLED, input, indices, dims=d)
    return taken.masked_fill(values == -math.inf, -math.inf) if empty_windows else taken


def _has_empty_windows(spatial, kernel_size, stride, padding, dilation, ceil_mode) -> bool:
    """Whether a window reads no input at all (only a dilated one in the padding can)."""
    if max(dilation) == 1:
        return False
    _, taps = pool_geometry(spatial, kernel_size, stride, padding, dilation, ceil_mode)
    return any(not tap for dim_taps in taps for tap in dim_taps)


def _max_pool_backward_meta(g, indices, input_size):
    return Out(g._shape[:-len(input_size)] + tuple(input_size), g.dtype)


def _max_pool_backward_reference(g: Array, indices: Array, input_size):
    lead = g.shape[:-len(input_size)]
    planes = math.prod(lead)
    data = scatter_planes(g.data, indices.data, planes, math.prod(input_size), accumulate=True)
    return Array(data, lead + tuple(input_size))


_MAX_POOL_BACKWARD = declare(Op(
    "max_pool_backward", meta=_max_pool_backward_meta, reference=_max_pool_backward_reference,
    backward=lambda ctx, gg: (dispatch(_TAKE_POOLED, gg, ctx.inputs[1],
                                       dims=len(ctx.input_size)), None),
    promote=PROMOTE_NONE,
    doc="dx[..., i] = sum of g[..., j] over the j with indices[..., j] == i (max pooling's "
        "gradient: a scatter-add into zeros of the input's pooled dims)."))


def _max_pool(name, d, input, kernel_size, stride, padding, dilation, ceil_mode,
              return_indices):
    require_tensor(name, input, "input", 1)
    kernel_size = as_tuple(kernel_size, d, "kernel_size", name)
    if stride is not None and stride != []:
        stride = as_tuple(stride, d, "stride", name)
    stride = stride or kernel_size
    geometry = (kernel_size, stride, as_tuple(padding, d, "padding", name),
                as_tuple(dilation, d, "dilation", name), bool(ceil_mode))
    values, indices = dispatch(_MAX_POOL, input, **dict(zip(
        ("kernel_size", "stride", "padding", "dilation", "ceil_mode"), geometry)))
    values = _selected(input, values, indices, d,
                       _has_empty_windows(tuple(input.shape[-d:]), *geometry))
    return (values, indices) if return_indices else values


def max_pool1d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):
    """The max of each (dilated) window over the last dim; see the module doc."""
    require_tensor("max_pool1d", input, "input", 1)
    if not return_indices and not input.dtype.is_floating_point:
        raise DTypeNotImplemented(f"max_pool1d: \"max_pool1d_impl\" not implemented for "
                                  f"'{_type_name(input)}'")
    return _max_pool("max_pool1d", 1, input, kernel_size, stride, padding, dilation, ceil_mode,
                     return_indices)


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):
    """The max of each (dilated) window over the last two dims; see the module doc."""
    return _max_pool("max_pool2d", 2, input, kernel_size, stride, padding, dilation, ceil_mode,
                     return_indices)


def max_pool3d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):
    """The max of each (dilated) window over the last three dims; see the module doc."""
    return _max_pool("max_pool3d", 3, input, kernel_size, stride, padding, dilation, ceil_mode,
                     return_indices)


# ------------------------------------------------------------ avg_pool

def _check_avg_dtype(name: str, x) -> None:
    if x.dtype.is_floating_point and not (name == "avg_pool3d" and x.dtype.itemsize == 2):
        return
    if x.dtype is not dt.int64:      # int64 pools, the quotient truncated
        kernel = "avg_pool3d_out_frame" if name == "avg_pool3d" else "avg_pool2d"
        raise DTypeNotImplemented(f"{name}: \"{kernel}\" not implemented for "
                                  f"'{_type_name(x)}'")


def _avg_pool_meta(x, kernel_size, stride, padding, ceil_mode, count_include_pad,
                   divisor_override):
    name = f"avg_pool{len(kernel_size)}d"
    _check_avg_dtype(name, x)
    sizes = pool_sizes(name, x, kernel_size, stride, padding, (1,) * len(kernel_size),
                       ceil_mode, check_input_size=name == "avg_pool3d")
    if divisor_override is not None and divisor_override == 0:
        raise RuntimeError(f"{name}: divisor must be not zero")
    return Out(x._shape[:-len(sizes)] + sizes, x.dtype)


def _avg_geometry(spatial, kernel_size, stride, padding, ceil_mode, count_include_pad,
                  divisor_override) -> tuple:
    """(output sizes, cells, divisor of each cell) of an avg_pool."""
    d = len(kernel_size)
    sizes, taps = pool_geometry(spatial, kernel_size, stride, padding, (1,) * d, ceil_mode)
    windows_of_cells = cells(taps, spatial)
    if divisor_override:
        divisors = [divisor_override] * len(windows_of_cells)
    elif count_include_pad:
        divisors = cell_products([pool_spans(*args) for args in
                                  zip(spatial, sizes, kernel_size, stride, padding)])
    else:
        divisors = [len(cell) for cell in windows_of_cells]
    return sizes, windows_of_cells, divisors


def _avg_pool_reference(x: Array, **params):
    spatial = x.shape[-len(params["kernel_size"]):]
    sizes, windows_of_cells, divisors = _avg_geometry(spatial, **params)
    data = plane_mean(x.data, math.prod(x.shape[:-len(sizes)]), math.prod(spatial),
                      windows_of_cells, divisors,
                      integer=bool(x.data) and isinstance(x.data[0], int))
    return Array(data, x.shape[:-len(sizes)] + sizes)


def _avg_pool_backward_meta(g, input_size, **params):
    return Out(g._shape[:-len(input_size)] + tuple(input_size), g.dtype)


def _avg_pool_backward_reference(g: Array, input_size, **params):
    lead = g.shape[:-len(input_size)]
    _, windows_of_cells, divisors = _avg_geometry(tuple(input_size), **params)
    data = spread_mean(g.data, math.prod(lead), math.prod(input_size), windows_of_cells,
                       divisors)
    return Array(data, lead + tuple(input_size))


def _avg_params(ctx) -> dict:
    return {key: getattr(ctx, key) for key in ("kernel_size", "stride", "padding", "ceil_mode",
                                               "count_include_pad", "divisor_override")}


_AVG_POOL = declare(Op(
    "avg_pool", meta=_avg_pool_meta, reference=_avg_pool_reference, promote=PROMOTE_NONE,
    saves_inputs=False,
    backward=lambda ctx, g: (dispatch(_AVG_POOL_BACKWARD, g, input_size=tuple(
        ctx.input_shapes[0][-len(ctx.kernel_size):]), **_avg_params(ctx)),),
    doc="The mean of every window over the last len(kernel_size) dims; see "
        "torsh/nn/functional/pooling.py."))

_AVG_POOL_BACKWARD = declare(Op(
    "avg_pool_backward", meta=_avg_pool_backward_meta, reference=_avg_pool_backward_reference,
    promote=PROMOTE_NONE, saves_inputs=False,
    backward=lambda ctx, gg: (dispatch(_AVG_POOL, gg, **_avg_params(ctx)),),
    doc="avg_pool's adjoint: dx[..., i] = sum over the windows j reading i of g[..., j] / "
        "divisor_j."))


def _avg_pool(name, d, input, kernel_size, stride, padding, ceil_mode, count_include_pad,
              divisor_override):
    require_tensor(name, input, "input", 1)
    kernel_size = as_tuple(kernel_size, d, "kernel_size", name)
    if stride is not None and stride != []:
        stride = as_tuple(stride, d, "stride", name)
    stride = stride or kernel_size
    return dispatch(_AVG_POOL, input, kernel_size=kernel_size, stride=stride,
                    padding=as_tuple(padding, d, "padding", name), ceil_mode=bool(ceil_mode),
                    count_include_pad=bool(count_include_pad),
                    divisor_override=divisor_override)


def avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False,
               count_include_pad=True):
    """The mean of each window over the last dim; see the module doc."""
    if not isinstance(kernel_size, int) and len(tuple(kernel_size)) != 1:
        raise RuntimeError(f"avg_pool1d: avg_pool1d() argument 'kernel_size' should contain "
                           f"one int (got {len(tuple(kernel_size))})")
    return _avg_pool("avg_pool1d", 1, input, kernel_size, stride, padding, ceil_mode,
                     count_include_pad, None)


def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False,
               count_include_pad=True, divisor_override=None):
    """The mean of each window over the last two dims; see the module doc."""
    return _avg_pool("avg_pool2d", 2, input, kernel_size, stride, padding, ceil_mode,
                     count_include_pad, divisor_override)


def avg_pool3d(input, kernel_size, stride=None, padding=0, ceil_mode=False,
               count_include_pad=True, divisor_override=None):
    """The mean of each window over the last three dims; see the module doc."""
    return _avg_pool("avg_pool3d", 3, input, kernel_size, stride, padding, ceil_mode,
                     count_include_pad, divisor_override)


# ------------------------------------------------------------ adaptive poolings

def _adaptive_geometry(spatial, output_size) -> list:
    return cells([adaptive_taps(n, o) for n, o in zip(spatial, output_size)], spatial)


def _adaptive_max_meta(x, output_size):
    check_adaptive(f"adaptive_max_pool{len(output_size)}d", x, output_size, empty_ok=False)
    shape = x._shape[:-len(output_size)] + tuple(output_size)
    return Out(shape, x.dtype), Out(shape, dt.int64)


def _adaptive_max_reference(x: Array, output_size):
    spatial = x.shape[-len(output_size):]
    windows_of_cells = _adaptive_geometry(spatial, output_size)
    values, where = plane_max(x.data, math.prod(x.shape[:-len(output_size)]),
                              math.prod(spatial), windows_of_cells,
                              [cell[0] for cell in windows_of_cells])
    shape = x.shape[:-len(output_size)] + tuple(output_size)
    return Array(values, shape), Array(where, shape)


_ADAPTIVE_MAX_POOL = declare(Op(
    "adaptive_max_pool", meta=_adaptive_max_meta, reference=_adaptive_max_reference,
    promote=PROMOTE_NONE,
    doc="(values, indices) of the max of x[..., floor(o*I/O):ceil((o+1)*I/O)] per output o "
        "over the last len(output_size) dims; ties and NaN as max_pool, and like it "
        "differentiated through take_pooled."))


def _adaptive_avg_meta(x, output_size):
    check_adaptive(f"adaptive_avg_pool{len(output_size)}d", x, output_size, empty_ok=True)
    return Out(x._shape[:-len(output_size)] + tuple(output_size), x.dtype)


def _adaptive_avg_reference(x: Array, output_size):
    spatial = x.shape[-len(output_size):]
    windows_of_cells = _adaptive_geometry(spatial, output_size)
    data = plane_mean(x.data, math.prod(x.shape[:-len(output_size)]), math.prod(spatial),
                      windows_of_cells, [len(cell) for cell in windows_of_cells],
                      integer=False)
    return Array(data, x.shape[:-len(output_size)] + tuple(output_size))


def _adaptive_avg_backward_reference(g: Array, input_size):
    lead, output_size = g.shape[:-len(input_size)], g.shape[-len(input_size):]
    windows_of_cells = _adaptive_geometry(tuple(input_size), output_size)
    data = spread_mean(g.data, math.prod(lead), math.prod(input_size), windows_of_cells,
                       [len(cell) for cell in windows_of_cells])
    return Array(data, lead + tuple(input_size))


_ADAPTIVE_AVG_POOL = declare(Op(
    "adaptive_avg_pool", meta=_adaptive_avg_meta, reference=_adaptive_avg_reference,
    promote=PROMOTE_NONE, saves_inputs=False,
    backward=lambda ctx, g: (dispatch(_ADAPTIVE_AVG_POOL_BACKWARD, g, input_size=tuple(
        ctx.input_shapes[0][-len(ctx.output_size):])),),
    doc="The mean of x[..., floor(o*I/O):ceil((o+1)*I/O)] per output o over the last "
        "len(output_size) dims (an empty input window gives NaN, 0 / 0)."))

_ADAPTIVE_AVG_POOL_BACKWARD = declare(Op(
    "adaptive_avg_pool_backward", meta=_avg_pool_backward_meta,
    reference=_adaptive_avg_backward_reference, promote=PROMOTE_NONE, saves_inputs=False,
    backward=lambda ctx, gg: (dispatch(_ADAPTIVE_AVG_POOL, gg, output_size=tuple(
        ctx.input_shapes[0][-len(ctx.input_size):])),),
    doc="adaptive_avg_pool's adjoint: g[..., o] / |window o| added over window o."))


def _adaptive_max(name, d, input, output_size, return_indices):
    values, indices = dispatch(_ADAPTIVE_MAX_POOL, input,
                               output_size=adaptive_output_size(name, input, output_size, d))
    values = _selected(input, values, indices, d)
    return (values, indices) if return_indices else values


def adaptive_max_pool1d(input, output_size, return_indices=False):
    """The max over PyTorch's adaptive windows of the last dim; see the module doc."""
    return _adaptive_max("adaptive_max_pool1d", 1, input, output_size, return_indices)


def adaptive_max_pool2d(input, output_size, return_indices=False):
    """The max over PyTorch's adaptive windows of the last two dims."""
    return _adaptive_max("adaptive_max_pool2d", 2, input, output_size, return_indices)


def adaptive_max_pool3d(input, output_size, return_indices=False):
    """The max over PyTorch's adaptive windows of the last three dims."""
    return _adaptive_max("adaptive_max_pool3d", 3, input, output_size, return_indices)


def adaptive_avg_pool1d(input, output_size):
    """The mean over PyTorch's adaptive windows of the last dim; see the module doc."""
    return dispatch(_ADAPTIVE_AVG_POOL, input, output_size=adaptive_output_size(
        "adaptive_avg_pool1d", input, output_size, 1))


def adaptive_avg_pool2d(input, output_size):
    """The mean over PyTorch's adaptive windows of the last two dims."""
    return dispatch(_ADAPTIVE_AVG_POOL, input, output_size=adaptive_output_size(
        "adaptive_avg_pool2d", input, output_size, 2))


def adaptive_avg_pool3d(input, output_size):
    """The mean over PyTorch's adaptive windows of the last three dims."""
    return dispatch(_ADAPTIVE_AVG_POOL, input, output_size=adaptive_output_size(
        "adaptive_avg_pool3d", input, output_size, 3))


# ------------------------------------------------------------ lp_pool (composite)

def _lp_pool(name, d, input, norm_type, kernel_size, stride, ceil_mode):
    """(sum over the window of x^p)^(1/p) by PyTorch's formula: a = avg_pool(x^p), then
    (sign(a) * relu(|a|) * kernel cells)^(1/p); sign(a) * relu(|a|) is a, with gradient 0
    at a == 0 (so an all-zero window has gradient 0, not NaN or inf)."""
    from ... import relu
    require_tensor(name, input, "input", 1)
    kernel = as_tuple(kernel_size, d, "kernel_size", name)
    pooled = _avg_pool(f"avg_pool{d}d", d, input.pow(norm_type), kernel, stride, 0, ceil_mode,
                       True, None)
    return (pooled.sign() * relu(pooled.abs())).mul(math.prod(kernel)).pow(1.0 / norm_type)


def lp_pool1d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    """The p-norm of each window over the last dim (a composite over avg_pool1d)."""
    return _lp_pool("lp_pool1d", 1, input, norm_type, kernel_size, stride, ceil_mode)


def lp_pool2d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    """The p-norm of each window over the last two dims (a composite over avg_pool2d)."""
    return _lp_pool("lp_pool2d", 2, input, norm_type, kernel_size, stride, ceil_mode)


def lp_pool3d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    """The p-norm of each window over the last three dims (a composite over avg_pool3d)."""
    return _lp_pool("lp_pool3d", 3, input, norm_type, kernel_size, stride, ceil_mode)


# ------------------------------------------------------------ max_unpool

def _unpool_meta(x, indices, output_size):
    d = len(output_size)
    name = f"max_unpooling{max(d, 2)}d"
    if x.ndim not in (d + 1, d + 2):
        raise ShapeMismatch(f"{name}: Input to {name} should be a {d + 1}d or {d + 2}d Tensor, "
                            f"but got a tensor with {x.ndim} dimensions.")
    if indices.dtype is not dt.int64:
        raise RuntimeError(f"{name}: elements in indices should be type int64 but got: "
                           f"{_type_name(indices)}")
    if tuple(indices._shape) != tuple(x._shape):
        raise ShapeMismatch(f"{name}: Expected shape of indices to be same as that of the "
                            f"input tensor ({list(x._shape)}) but got indices tensor with "
                            f"shape: {list(indices._shape)}")
    if not x.dtype.is_floating_point:
        raise DTypeNotImplemented(f"{name}: \"max_unpool{max(d, 2)}d\" not implemented for "
                                  f"'{_type_name(x)}'")
    return Out(x._shape[:-d] + tuple(output_size), x.dtype)


def _unpool_reference(x: Array, indices: Array, output_size):
    d = len(output_size)
    lead, plane = x.shape[:-d], math.prod(output_size)
    for i in indices.data:
        if not 0 <= i < plane:
            raise RuntimeError(f"max_unpool{max(d, 2)}d: Found an invalid max index: {i} "
                               f"(output volumes are of size "
                               f"{'x'.join(str(n) for n in output_size)}")
    data = scatter_planes(x.data, indices.data, math.prod(lead), plane, accumulate=False)
    return Array(data, lead + tuple(output_size))


_MAX_UNPOOL = declare(Op(
    "max_unpool", meta=_unpool_meta, reference=_unpool_reference, promote=PROMOTE_NONE,
    backward=lambda ctx, g: (dispatch(_TAKE_POOLED, g, ctx.inputs[1],
                                      dims=len(ctx.output_size)), None),
    doc="out[..., indices[..., j]] = x[..., j] in zeros of output_size over the last "
        "len(output_size) dims (a repeated index keeps the last value written)."))


def _unpool(name, d, input, indices, kernel_size, stride, padding, output_size):
    """PyTorch's default size (in - 1) * stride + kernel - 2 * padding per dim, or output_size
    (its last d entries) when it lies strictly within a stride of that."""
    require_tensor(name, input, "input", 1)
    require_tensor(name, indices, "indices", 2)
    kernel = as_tuple(kernel_size, d, "kernel_size", name)
    stride = kernel if stride is None else as_tuple(stride, d, "stride", name)
    padding = as_tuple(padding, d, "padding", name)
    if input.ndim < d:
        raise ShapeMismatch(f"{name}: Input to max_unpooling{max(d, 2)}d should be a "
                            f"{d + 1}d or {d + 2}d Tensor, but got a tensor with {input.ndim} "
                            f"dimensions.")
    size = unpool_size(input.shape[input.ndim - d:], kernel, stride, padding, output_size)
    return dispatch(_MAX_UNPOOL, input, indices, output_size=size)


def max_unpool1d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    """Put each value back at its max_pool1d index, zeros elsewhere."""
    return _unpool("max_unpool1d", 1, input, indices, kernel_size, stride, padding, output_size)


def max_unpool2d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    """Put each value back at its max_pool2d index, zeros elsewhere."""
    return _unpool("max_unpool2d", 2, input, indices, kernel_size, stride, padding, output_size)


def max_unpool3d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    """Put each value back at its max_pool3d index, zeros elsewhere."""
    return _unpool("max_unpool3d", 3, input, indices, kernel_size, stride, padding, output_size)


def _with_indices(pool):
    def with_indices(*args, **kwargs):
        kwargs["return_indices"] = True
        return pool(*args, **kwargs)
    with_indices.__name__ = pool.__name__ + "_with_indices"
    with_indices.__doc__ = f"{pool.__name__}(..., return_indices=True): (values, indices)."
    return with_indices


max_pool1d_with_indices = _with_indices(max_pool1d)
max_pool2d_with_indices = _with_indices(max_pool2d)
max_pool3d_with_indices = _with_indices(max_pool3d)
adaptive_max_pool1d_with_indices = _with_indices(adaptive_max_pool1d)
adaptive_max_pool2d_with_indices = _with_indices(adaptive_max_pool2d)
adaptive_max_pool3d_with_indices = _with_indices(adaptive_max_pool3d)

__all__ = ["max_pool1d", "max_pool2d", "max_pool3d", "avg_pool1d", "avg_pool2d", "avg_pool3d",
           "adaptive_max_pool1d", "adaptive_max_pool2d", "adaptive_max_pool3d",
           "adaptive_avg_pool1d", "adaptive_avg_pool2d", "adaptive_avg_pool3d",
           "lp_pool1d", "lp_pool2d", "lp_pool3d", "max_unpool1d", "max_unpool2d",
           "max_unpool3d", "max_pool1d_with_indices", "max_pool2d_with_indices",
           "max_pool3d_with_indices", "adaptive_max_pool1d_with_indices",
           "adaptive_max_pool2d_with_indices", "adaptive_max_pool3d_with_indices"]
