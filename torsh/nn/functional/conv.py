"""Convolutions: conv1d/2d/3d and conv_transpose1d/2d/3d, all one op, `convolution`.

A convolution (in deep learning: a cross-correlation) over N = 1, 2 or 3 spatial dims:
  out[n, o, q] = b[o] + sum_{c, k} w[o, c, k] * x[n, g*C/G + c, q*s - p + k*d]
(x zero outside its size; c runs over the C/G input channels of the group g of o).
A transposed convolution is its adjoint in x, each input scattered through the kernel:
  out[n, g*O/G + o, p*s - pad + k*d] += w[g*C/G + c, o, k] * x[n, g*C/G + c, p]
(positions past the end by output_padding are still output; none reached gives b[o]).

Special values as PyTorch's kernels: a convolution multiplies the zero padding by the
weights (0 * inf = NaN), a transposed convolution only adds the products that land.
Integer dtypes are computed exactly (and wrap); as in PyTorch, bool is refused, and so are
integers other than int64 in a transposed convolution.
Backward: grad_input of a convolution is a transposed one and vice versa; grad_weight is a
convolution of the input with the output gradient (stride and dilation swapped); grad_bias
the sum of the output gradient, so double backward works.
"""
from __future__ import annotations

import itertools
import math
from operator import itemgetter, mul

from ..._core import dtype as dt
from ..._core.errors import DTypeNotImplemented, DTypeRuntimeError, ShapeMismatch, TorshError
from ..._core.shape import contiguous_strides
from ...dispatch import dispatch
from ...ops._array import Array
from ...ops._elementwise_base import TORCH_TYPE_NAMES, require_tensor
from ...ops._op import PROMOTE_NONE, Op, Out
from ._pointwise import declare

_DIM_NAMES = {1: ("width",), 2: ("height", "width"), 3: ("depth", "height", "width")}
# PyTorch's CPU kernel per (dims, transposed), named in its NotImplementedError for a dtype
_KERNELS = {(1, False): "slow_conv2d_cpu", (2, False): "slow_conv2d_cpu",
            (3, False): "compute_columns3d", (1, True): "slow_conv_transpose2d_out_cpu",
            (2, True): "slow_conv_transpose2d_out_cpu", (3, True): "slow_conv_transpose3d_out_cpu"}
_C_TYPE_NAMES = {"float32": "float", "float64": "double", "float16": "c10::Half",
                 "bfloat16": "c10::BFloat16", "int64": "long int", "int32": "int"}


def _output_size(size, kernel, stride, padding, dilation, transposed, output_padding):
    """One spatial dim's output size."""
    if transposed:
        return (size - 1) * stride - 2 * padding + dilation * (kernel - 1) + output_padding + 1
    return (size + 2 * padding - dilation * (kernel - 1) - 1) // stride + 1


def _sizes(values) -> str:
    return " x ".join(str(v) for v in values)


# ------------------------------------------------------------ meta

def _meta(x, weight, *bias, stride, padding, dilation, transposed, output_padding, groups):
    dims = weight.ndim - 2
    params = {"stride": stride, "padding": padding, "dilation": dilation,
              "output_padding": output_padding}
    for name, value in params.items():
        if len(value) != dims and dims >= 1:
            raise ShapeMismatch(f"convolution: expected {name} to be a single integer value or "
                                f"a list of {dims} values to match the convolution dimensions, "
                                f"but got {name}={list(value)}")
    if x.ndim != weight.ndim or dims not in (1, 2, 3):
        raise ShapeMismatch(f"convolution: Expected {weight.ndim}-dimensional input for "
                            f"{weight.ndim}-dimensional weight {list(weight._shape)}, but got "
                            f"{x.ndim}-dimensional input of size {list(x._shape)} instead")
    _check_dtypes(x, weight, bias)
    # PyTorch's CPU kernels: no bool; transposed ones: no integers but int64
    if x.dtype is dt.bool_ or transposed and not x.dtype.is_floating_point \
            and x.dtype is not dt.int64:
        raise DTypeNotImplemented(f"convolution: \"{_KERNELS[dims, transposed]}\" not "
                                  f"implemented for '{TORCH_TYPE_NAMES[x.dtype.name]}'")
    _check_params(stride, padding, dilation, output_padding, groups)
    _check_channels(x, weight, bias, transposed, groups)
    size, kernel = x._shape[2:], weight._shape[2:]
    if min(kernel) < 1:
        got = f": {_sizes(kernel)} (TxHxW)" if dims == 3 else " " + _per_dim(("kernel",),
                                                                               (kernel,), (1,))
        raise ShapeMismatch(f"convolution: kernel size should be greater than zero, but got{got}")
    if transposed:
        _check_output_padding(output_padding, stride, dilation)
        out_size = tuple(_output_size(*a, True, op) for a, op in
                         zip(zip(size, kernel, stride, padding, dilation), output_padding))
        if min(out_size) < 1:
            raise ShapeMismatch(f"convolution: Given input size per channel: ({_sizes(size)}). "
                                f"Calculated output size per channel: ({_sizes(out_size)}). "
                                f"Output size is too small")
        out_channels = weight._shape[1] * groups
    else:
        padded = [n + 2 * p for n, p in zip(size, padding)]
        dilated = [d * (k - 1) + 1 for k, d in zip(kernel, dilation)]
        if any(n < k for n, k in zip(padded, dilated)):
            raise ShapeMismatch(f"convolution: Calculated padded input size per channel: "
                                f"({_sizes(padded)}). Kernel size: ({_sizes(dilated)}). Kernel "
                                f"size can't be greater than actual input size")
        out_size = tuple(_output_size(*a, False, 0)
                         for a in zip(size, kernel, stride, padding, dilation))
        # PyTorch's odd answer to an input without channels: an output without channels
        out_channels = weight._shape[0] if x._shape[1] else 0
    return Out((x._shape[0], out_channels) + out_size, x.dtype)


def _check_dtypes(x, weight, bias) -> None:
    if weight.dtype is not x.dtype:
        raise DTypeRuntimeError(f"convolution: expected scalar type "
                                f"{TORCH_TYPE_NAMES[x.dtype.name]} but found "
                                f"{TORCH_TYPE_NAMES[weight.dtype.name]}")
    if bias and bias[0].dtype is not x.dtype:
        names = [_C_TYPE_NAMES.get(t.dtype.name, t.dtype.name) for t in (x, bias[0])]
        raise DTypeRuntimeError(f"convolution: Input type ({names[0]}) and bias type "
                                f"({names[1]}) should be the same")


def _check_params(stride, padding, dilation, output_padding, groups) -> None:
    if min(stride, default=1) < 1:
        raise ShapeMismatch("convolution: non-positive stride is not supported")
    if min(padding, default=0) < 0:
        raise ShapeMismatch("convolution: negative padding is not supported")
    if min(output_padding, default=0) < 0:
        raise ShapeMismatch("convolution: negative output_padding is not supported")
    if groups < 1:
        raise ShapeMismatch("convolution: non-positive groups is not supported")
    if min(dilation, default=1) < 1:
        raise ShapeMismatch(f"convolution: dilation should be greater than zero, but got "
                            f"{list(dilation)}")


def _check_channels(x, weight, bias, transposed, groups) -> None:
    w = list(weight._shape)
    if w[0] < 1:
        raise ShapeMismatch(f"convolution: Given groups={groups}, expected weight to be at "
                            f"least 1 at dimension 0, but got weight of size {w} instead")
    if w[0] % groups:
        raise ShapeMismatch(f"convolution: Given groups={groups}, expected weight to be "
                            f"divisible by {groups} at dimension 0, but got weight of size "
                            f"{w} instead")
    given = f"Given transposed=1, weight of size {w}" if transposed else \
        f"Given groups={groups}, weight of size {w}"
    channels = w[0] if transposed else w[1] * groups
    if x._shape[1] != channels:
        raise ShapeMismatch(f"convolution: {given}, expected input{list(x._shape)} to have "
                            f"{channels} channels, but got {x._shape[1]} channels instead")
    out_channels = w[1] * groups if transposed else w[0]
    if bias and tuple(bias[0]._shape) != (out_channels,):
        given = f"Given transposed=1, weight of size {w}" if transposed else \
            f"Given weight of size {w}"
        raise ShapeMismatch(f"convolution: {given}, expected bias to be 1-dimensional with "
                            f"{out_channels} elements, but got bias of size "
                            f"{list(bias[0]._shape)} instead")


def _per_dim(labels, values, heights) -> str:
    """'label_height: v label_width: w' as PyTorch's messages list values per spatial dim
    (a 1-d convolution runs as a 2-d one, its height the given `heights`)."""
    names = _DIM_NAMES[len(values[0])]
    if len(values[0]) == 1:
        names, values = _DIM_NAMES[2], [(h,) + tuple(v) for h, v in zip(heights, values)]
    return " ".join(f"{label}_{name}: {v}" for label, vs in zip(labels, values)
                    for name, v in zip(names, vs))


def _check_output_padding(output_padding, stride, dilation) -> None:
    if all(op < max(s, d) for op, s, d in zip(output_padding, stride, dilation)):
        return
    raise ShapeMismatch("convolution: output padding must be smaller than either stride or "
                        "dilation, but got " + _per_dim(("output_padding", "stride",
                                                         "dilation"),
                                                        (output_padding, stride, dilation),
                                                        (0, 1, 1)))


# ------------------------------------------------------------ reference

def _getter(offsets):
    """chunk -> the tuple of chunk[i] for i in offsets (itemgetter, also for 0 or 1 offset)."""
    if len(offsets) > 1:
        return itemgetter(*offsets)
    if offsets:
        return lambda chunk, i=offsets[0]: (chunk[i],)
    return lambda chunk: ()


def _spatial_offset(coords, strides):
    return sum(c * s for c, s in zip(coords, strides))


def _convolution_taps(size, kernel, out_size, stride, padding, dilation, group_channels):
    """For each output position: where its kernel reads, within one group's input planes
    (channel by channel, kernel positions row-major); reads of the padding point one past
    the last plane, where a zero is kept. One weight row per output channel serves all."""
    plane, strides = math.prod(size), contiguous_strides(size)
    zero = group_channels * plane
    per_dim = [[[q * s - p + k * d if 0 <= q * s - p + k * d < n else None
                 for k in range(ks)] for q in range(qs)]
               for n, ks, qs, s, p, d in zip(size, kernel, out_size, stride, padding, dilation)]
    taps = []
    for under_kernel in itertools.product(*per_dim):
        spatial = [None if None in at else _spatial_offset(at, strides)
                   for at in itertools.product(*under_kernel)]
        taps.append(_getter([zero if s is None else c * plane + s
                             for c in range(group_channels) for s in spatial]))
    return taps


def _transposed_taps(size, kernel, out_size, stride, padding, dilation, group_channels):
    """For each output position t: the (kernel position k, input position p) pairs with
    t = p*s - pad + k*d, as a getter of the inputs and the tuple of kernel positions (its
    pattern: positions near the borders or between strides see fewer taps)."""
    plane, strides = math.prod(size), contiguous_strides(size)
    kernel_strides = contiguous_strides(kernel)
    per_dim = [[[(k, (t + p - k * d) // s) for k in range(ks)
                 if (t + p - k * d) % s == 0 and 0 <= (t + p - k * d) // s < n]
                for t in range(ts)]
               for n, ks, ts, s, p, d in zip(size, kernel, out_size, stride, padding, dilation)]
    taps = []
    for reaching in itertools.product(*per_dim):
        pairs = list(itertools.product(*reaching))
        ks = tuple(_spatial_offset([k for k, _ in pair], kernel_strides) for pair in pairs)
        ps = [_spatial_offset([p for _, p in pair], strides) for pair in pairs]
        taps.append((_getter([c * plane + p for c in range(group_channels) for p in ps]), ks))
    return taps


def _reference(x: Array, weight: Array, *bias: Array, stride, padding, dilation, transposed,
               output_padding, groups) -> Array:
    """out[n, o, q] = b[o] + (the inputs output position q gathers) . (o's weights there)."""
    batch, channels, *size = x.shape
    kernel = weight.shape[2:]
    group_channels = channels // groups
    out_size = [_output_size(*a, transposed, op) for a, op in
                zip(zip(size, kernel, stride, padding, dilation), output_padding)]
    if channels == 0:
        return Array([], (batch, 0, *out_size))
    geometry = (size, kernel, out_size, stride, padding, dilation, group_channels)
    if transposed:
        taps = _transposed_taps(*geometry)
        rows = _transposed_rows(weight, groups, [ks for _, ks in taps])
        taps = [get for get, _ in taps]
    else:
        taps = _convolution_taps(*geometry)
        length = math.prod(weight.shape[1:])
        rows = [[weight.data[o * length:(o + 1) * length]] * len(taps)
                for o in range(weight.shape[0])]
    out_channels = len(rows)
    betas = bias[0].data if bias else [0] * out_channels
    out = _products(x.data, batch, channels, math.prod(size), groups, taps, rows, betas)
    return Array(out, (batch, out_channels, *out_size))


def _transposed_rows(weight: Array, groups: int, patterns) -> list:
    """rows[o][q]: the weights output channel o meets at output position q, in the order of
    that position's taps (channel by channel, then its kernel positions)."""
    in_channels, per_group, *kernel = weight.shape
    group_channels, volume = in_channels // groups, math.prod(kernel)
    w, rows = weight.data, []
    for g in range(groups):
        for o in range(per_group):
            firsts = [((g * group_channels + c) * per_group + o) * volume
                      for c in range(group_channels)]
            made = {}
            for ks in set(patterns):
                made[ks] = [w[first + k] for first in firsts for k in ks]
            rows.append([made[ks] for ks in patterns])
    return rows


def _products(data, batch, channels, plane, groups, taps, rows, betas) -> list:
    """out[n, o, q] = beta[o] + sum_j patch[j] * rows[o][q][j], with patch the inputs that
    taps[q] gathers from the planes of o's group (plus the zero the padding reads)."""
    group_channels = channels // groups
    per_group = len(rows) // groups
    out = []
    for n in range(batch):
        for g in range(groups):
            start = (n * channels + g * group_channels) * plane
            chunk = data[start:start + group_channels * plane]
            chunk.append(0)
            patches = [get(chunk) for get in taps]
            for o in range(g * per_group, (g + 1) * per_group):
                beta = betas[o]
                out += [sum(map(mul, patch, row), beta) for patch, row in zip(patches, rows[o])]
    return out


# ------------------------------------------------------------ backward

def _backward(ctx, grad):
    x, weight = ctx.inputs[0], ctx.inputs[1]
    needs = ctx.needs_input_grad
    grads = [_input_grad(ctx, grad, weight, x.shape) if needs[0] else None,
             _weight_grad(ctx, x, grad, weight.shape) if needs[1] else None]
    if len(ctx.inputs) == 3:
        grads.append(grad.sum([0, *range(2, grad.ndim)]) if needs[2] else None)
    return tuple(grads)


def _input_grad(ctx, grad, weight, input_shape):
    """The adjoint: a transposed convolution of grad (or, for a transposed one, a plain one)."""
    if grad.numel() == 0:
        from ... import zeros
        return zeros(input_shape, dtype=grad.dtype, device=grad.device)
    size, kernel = input_shape[2:], weight.shape[2:]
    params = dict(stride=ctx.stride, padding=ctx.padding, dilation=ctx.dilation,
                  groups=ctx.groups)
    if ctx.transposed:
        out = convolution(grad, weight, None, transposed=False,
                          output_padding=(0,) * len(size), **params)
        return _narrowed(out, size)
    reached = [_output_size(*a, True, 0) for a in
               zip(grad.shape[2:], kernel, ctx.stride, ctx.padding, ctx.dilation)]
    return convolution(grad, weight, None, transposed=True,
                       output_padding=tuple(n - r for n, r in zip(size, reached)), **params)


def _weight_grad(ctx, x, grad, weight_shape):
    """dW[o, c, k] = sum_{n, q} grad[n, o, q] * x[n, c, q*s - p + k*d] (for a transposed
    convolution the roles of x and grad swap): a convolution of the input's channels, as a
    batch, with the gradient's channels, as a kernel, stride and dilation swapped."""
    from ... import zeros
    if x.numel() == 0 or grad.numel() == 0:
        return zeros(weight_shape, dtype=x.dtype, device=x.device)
    a, b = (grad, x) if ctx.transposed else (x, grad)
    groups, batch = ctx.groups, a.shape[0]
    a_channels, b_channels = a.shape[1] // groups, b.shape[1] // groups
    spatial = list(range(3, a.ndim + 1))
    a = a.reshape(batch, groups, a_channels, *a.shape[2:]).permute(2, 1, 0, *spatial)
    b = b.reshape(batch, groups, b_channels, *b.shape[2:]).permute(1, 2, 0, *spatial)
    a = a.reshape(a_channels, groups * batch, *a.shape[3:])
    b = b.reshape(groups * b_channels, batch, *b.shape[3:])
    out = convolution(a, b, None, stride=ctx.dilation, padding=ctx.padding,
                      dilation=ctx.stride, transposed=False,
                      output_padding=(0,) * len(spatial), groups=groups)
    return _narrowed(out, weight_shape[2:]).transpose(0, 1)


def _narrowed(t, size):
    """t cut to `size` in its spatial dims (the extra rows past the end are dropped)."""
    for i, n in enumerate(size):
        if t.shape[2 + i] != n:
            t = t.narrow(2 + i, 0, n)
    return t


_CONVOLUTION = declare(Op("convolution", meta=_meta, reference=_reference, backward=_backward,
                          promote=PROMOTE_NONE, doc=__doc__))


def convolution(input, weight, bias, stride, padding, dilation, transposed, output_padding,
                groups):
    """torch.convolution: the op behind every conv* function (batched input, all params as
    tuples of one int per spatial dim)."""
    params = dict(stride=tuple(stride), padding=tuple(padding), dilation=tuple(dilation),
                  transposed=bool(transposed), output_padding=tuple(output_padding),
                  groups=groups)
    if bias is None:
        return dispatch(_CONVOLUTION, input, weight, **params)
    return dispatch(_CONVOLUTION, input, weight, bias, **params)


# ------------------------------------------------------------ public functions

class InvalidPaddingString(TorshError, ValueError, RuntimeError):
    """padding= a string other than 'valid' or 'same' (PyTorch: RuntimeError)."""


def _expand(value, dims: int, name: str, fn: str) -> tuple:
    """An int for every spatial dim, or the given sequence (its length is checked later)."""
    items = tuple(value) if isinstance(value, (list, tuple)) else (value,) * dims
    for i, item in enumerate(items):
        if not isinstance(item, int):
            raise TypeError(f"{fn}(): argument '{name}' must be tuple of ints, but found "
                            f"element of type {type(item).__name__} at pos {i}")
    return items


def _check_input(fn: str, input, weight, dims: int) -> None:
    require_tensor(fn, input, "input", 1)
    require_tensor(fn, weight, "weight", 2)
    if input.ndim not in (dims + 1, dims + 2):
        raise ShapeMismatch(f"{fn}: Expected {dims + 1}D (unbatched) or {dims + 2}D (batched) "
                            f"input to {fn}, but got input of size: {list(input.shape)}")


def _same_padding(fn, input, weight, stride, dilation):
    """padding='same': d*(k-1) zeros per dim, the odd one after (the input gets it)."""
    from ... import cat, zeros
    if any(s != 1 for s in stride):
        raise ShapeMismatch(f"{fn}: padding='same' is not supported for strided convolutions")
    padding = []
    for i, (k, d) in enumerate(zip(weight.shape[2:], dilation)):
        total = d * (k - 1)
        padding.append(total // 2)
        if total % 2:
            shape = list(input.shape)
            shape[2 + i] = 1
            input = cat([input, zeros(shape, dtype=input.dtype, device=input.device)], 2 + i)
    return input, tuple(padding)


def _conv(fn: str, dims: int, input, weight, bias, stride, padding, dilation, groups):
    _check_input(fn, input, weight, dims)
    unbatched = input.ndim == dims + 1
    if unbatched:
        input = input.unsqueeze(0)
    spatial = weight.ndim - 2
    stride = _expand(stride, dims, "stride", fn)
    dilation = _expand(dilation, dims, "dilation", fn)
    if isinstance(padding, str):
        if padding == "valid":
            padding = (0,) * dims
        elif padding == "same":
            input, padding = _same_padding(fn, input, weight, stride, dilation)
        else:
            raise InvalidPaddingString(f"{fn}: Invalid padding string: {padding!r}, should be "
                                       f"one of {{'valid', 'same'}}")
    padding = _expand(padding, dims, "padding", fn)
    out = convolution(input, weight, bias, stride, padding, dilation, False,
                      (0,) * spatial, groups)
    return out.squeeze(0) if unbatched else out


def _conv_transpose(fn: str, dims: int, input, weight, bias, stride, padding, output_padding,
                    groups, dilation):
    _check_input(fn, input, weight, dims)
    if isinstance(padding, str):
        raise TypeError(f"{fn}(): argument 'padding' must be tuple of ints, not str")
    unbatched = input.ndim == dims + 1
    if unbatched:
        input = input.unsqueeze(0)
    params = [_expand(v, dims, name, fn) for v, name in
              ((stride, "stride"), (padding, "padding"), (dilation, "dilation"),
               (output_padding, "output_padding"))]
    stride, padding, dilation, output_padding = params
    out = convolution(input, weight, bias, stride, padding, dilation, True, output_padding,
                      groups)
    return out.squeeze(0) if unbatched else out


def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """Cross-correlate input (N, C, L) or (C, L) with weight (O, C / groups, K)."""
    return _conv("conv1d", 1, input, weight, bias, stride, padding, dilation, groups)


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """Cross-correlate input (N, C, H, W) or (C, H, W) with weight (O, C / groups, KH, KW)."""
    return _conv("conv2d", 2, input, weight, bias, stride, padding, dilation, groups)


def conv3d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """Cross-correlate input (N, C, D, H, W) or (C, D, H, W) with weight
    (O, C / groups, KD, KH, KW)."""
    return _conv("conv3d", 3, input, weight, bias, stride, padding, dilation, groups)


def conv_transpose1d(input, weight, bias=None, stride=1, padding=0, output_padding=0,
                     groups=1, dilation=1):
    """The adjoint of conv1d: input (N, C, L) or (C, L), weight (C, O / groups, K)."""
    return _conv_transpose("conv_transpose1d", 1, input, weight, bias, stride, padding,
                           output_padding, groups, dilation)


def conv_transpose2d(input, weight, bias=None, stride=1, padding=0, output_padding=0,
                     groups=1, dilation=1):
    """The adjoint of conv2d: input (N, C, H, W) or (C, H, W), weight (C, O / groups, KH, KW)."""
    return _conv_transpose("conv_transpose2d", 2, input, weight, bias, stride, padding,
                           output_padding, groups, dilation)


def conv_transpose3d(input, weight, bias=None, stride=1, padding=0, output_padding=0,
                     groups=1, dilation=1):
    """The adjoint of conv3d: input (N, C, D, H, W) or (C, D, H, W), weight
    (C, O / groups, KD, KH, KW)."""
    return _conv_transpose("conv_transpose3d", 3, input, weight, bias, stride, padding,
                           output_padding, groups, dilation)


__all__ = ["conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
           "conv_transpose3d"]
