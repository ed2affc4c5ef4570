"""Convolutions on the C kernels (kernels/c/conv.c): the `convolution` op (1-D and 2-D,
plain and transposed, any stride, padding, dilation, groups) with a fused backward, and the
`im2col` / `col2im` ops (F.unfold / F.fold), for float32 and float64.

A convolution is im2col + a matrix product per image and group (see kernels/c/torsh_conv.h
for the "wide" / "narrow" naming); a 1-D one runs as a 2-D one of height 1. 3-D convolutions,
other dtypes and empty channel counts decline (the reference serves them).
This module also holds the small helpers the other nn kernel modules (pool, embedding) share.
"""
from __future__ import annotations

import threading

import numpy as np
from numpy.lib.stride_tricks import as_strided

from .operands import C_TYPES, check_inside, empty

SUFFIX = {"float32": "f32", "float64": "f64"}
_SCRATCH_LIMIT = 1 << 24            # elements of scratch kept between calls, at most


# ------------------------------------------------------------ shared helpers

def dense(tensor) -> np.ndarray:
    """The tensor's elements as a contiguous 1-D numpy array (its storage when it already
    is contiguous, else a copy); the view is checked to lie inside its storage first."""
    check_inside(tensor)
    data, count = tensor._storage.data, tensor.numel()
    if tensor.is_contiguous():
        return data[tensor._offset:tensor._offset + count]
    if count == 0:
        return np.empty(0, dtype=data.dtype)
    itemsize = data.dtype.itemsize
    view = as_strided(data[tensor._offset:], tuple(tensor._shape),
                      tuple(s * itemsize for s in tensor._stride), writeable=False)
    return np.ascontiguousarray(view).reshape(-1)


class Buffers:
    """cffi pointers to numpy arrays, kept alive until the call returns."""

    def __init__(self, ffi):
        self.ffi = ffi
        self.keep = []

    def of(self, array: np.ndarray):
        pointer = self.ffi.from_buffer(C_TYPES[array.dtype.name] + "[]", array)
        self.keep.append(pointer)
        return pointer

    def tensor(self, tensor):
        """A pointer to a fresh (contiguous) output tensor's elements."""
        return self.of(tensor._storage.data)

    def int64s(self, values):
        array = self.ffi.new("int64_t[]", [int(v) for v in values] or [0])
        self.keep.append(array)
        return array


def suffix_of(*tensors):
    """'f32' / 'f64' when every tensor has that dtype, else None (the kernel declines)."""
    name = tensors[0].dtype.name
    if name not in SUFFIX or any(t.dtype.name != name for t in tensors):
        return None
    return SUFFIX[name]


# ------------------------------------------------------------ convolution

def _geometry(x, weight, out_shape, stride, padding, dilation, transposed, groups) -> list:
    """The int64 geometry of kernels/c/torsh_conv.h (1-D as 2-D of height 1)."""
    as2 = (lambda v: (1,) + tuple(v)) if weight.ndim == 3 else tuple
    zero2 = (lambda v: (0,) + tuple(v)) if weight.ndim == 3 else tuple
    kernel = as2(weight.shape[2:])
    x_size, out_size = as2(x.shape[2:]), as2(out_shape[2:])
    if transposed:      # wide: the output, narrow: the input
        wide, narrow = (out_shape[1],) + out_size, (x.shape[1],) + x_size
    else:
        wide, narrow = (x.shape[1],) + x_size, (out_shape[1],) + out_size
    return [x.shape[0], *wide, *narrow, *kernel, *as2(stride), *zero2(padding),
            *as2(dilation), groups]


def _supported(x, weight, out_shape) -> bool:
    return weight.ndim in (3, 4) and x.shape[1] > 0 and out_shape[1] > 0 \
        and all(n > 0 for n in out_shape)


_SCRATCH = threading.local()


def _workspace(lib, suffix, geometry_pointer, dtype):
    """The kernels' scratch memory, kept per Python thread and dtype between calls (a fresh
    one costs page faults on every call)."""
    per = getattr(lib, f"torsh_conv_workspace_{suffix}")(geometry_pointer)
    count = max(per, 1) * max(lib.torsh_get_num_threads(), 1)
    kept = getattr(_SCRATCH, suffix, None)
    if kept is None or kept.size < count:
        kept = np.empty(count, dtype=dtype.numpy)
        if count <= _SCRATCH_LIMIT:
            setattr(_SCRATCH, suffix, kept)
    return kept


def _forward(ffi, lib, inputs, outs, stride, padding, dilation, transposed, output_padding,
             groups):
    spec = outs[0]
    suffix = suffix_of(*inputs)
    x, weight = inputs[0], inputs[1]
    if suffix is None or weight.ndim not in (3, 4):
        return NotImplemented
    out = empty(spec.shape, spec.dtype)
    if out.numel() == 0:
        return out
    if not _supported(x, weight, spec.shape):
        return NotImplemented
    call = Buffers(ffi)
    geometry = call.int64s(_geometry(x, weight, spec.shape, stride, padding, dilation,
                                     transposed, groups))
    bias = call.of(dense(inputs[2])) if len(inputs) == 3 else ffi.NULL
    work = call.of(_workspace(lib, suffix, geometry, spec.dtype))
    function = "torsh_conv_wide" if transposed else "torsh_conv_narrow"
    getattr(lib, f"{function}_{suffix}")(geometry, call.of(dense(x)), call.of(dense(weight)),
                                         bias, call.tensor(out), work)
    return out


def _backward(ffi, lib, ctx, grad):
    """(grad_input, grad_weight, grad_bias) as the wanted ones of ctx.needs_input_grad."""
    x, weight = ctx.inputs[0], ctx.inputs[1]
    suffix = suffix_of(x, weight, grad)
    if suffix is None or not _supported(x, weight, grad.shape):
        return NotImplemented
    needs = ctx.needs_input_grad
    call = Buffers(ffi)
    geometry = call.int64s(_geometry(x, weight, grad.shape, ctx.stride, ctx.padding,
                                     ctx.dilation, ctx.transposed, ctx.groups))
    work = call.of(_workspace(lib, suffix, geometry, grad.dtype))
    g, xs = call.of(dense(grad)), call.of(dense(x))
    grads = []
    if needs[0]:
        grad_x = empty(tuple(x.shape), x.dtype)
        function = "torsh_conv_narrow" if ctx.transposed else "torsh_conv_wide"
        getattr(lib, f"{function}_{suffix}")(geometry, g, call.of(dense(weight)), ffi.NULL,
                                             call.tensor(grad_x), work)
        grads.append(grad_x)
    else:
        grads.append(None)
    if needs[1]:
        grad_w = empty(tuple(weight.shape), weight.dtype)
        wide, narrow = (g, xs) if ctx.transposed else (xs, g)
        getattr(lib, f"torsh_conv_weight_grad_{suffix}")(geometry, wide, narrow,
                                                        call.tensor(grad_w), work)
        grads.append(grad_w)
    else:
        grads.append(None)
    if len(ctx.inputs) == 3:
        grad_b = None
        if needs[2]:
            grad_b = empty((grad.shape[1],), grad.dtype)
            plane = int(np.prod(grad.shape[2:]))
            getattr(lib, f"torsh_conv_bias_grad_{suffix}")(grad.shape[0], grad.shape[1],
                                                          plane, g, call.tensor(grad_b))
        grads.append(grad_b)
    return tuple(grads)


# ------------------------------------------------------------ im2col / col2im

def _fold_geometry(planes_shape, blocks, kernel_size, dilation, padding, stride) -> list:
    """Geometry of one plane: wide = the image (H, W), narrow = the blocks."""
    return [0, 1, *planes_shape, 1, *blocks, *kernel_size, *stride, *padding, *dilation, 1]


def _im2col(ffi, lib, inputs, outs, kernel_size, dilation, padding, stride):
    x, spec = inputs[0], outs[0]
    suffix = suffix_of(x)
    if suffix is None or x.ndim != 4:
        return NotImplemented
    out = empty(spec.shape, spec.dtype)
    if out.numel() == 0:
        return out
    blocks = tuple((n + 2 * p - d * (k - 1) - 1) // s + 1 for n, k, d, p, s in
                   zip(x.shape[2:], kernel_size, dilation, padding, stride))
    call = Buffers(ffi)
    geometry = call.int64s(_fold_geometry(x.shape[2:], blocks, kernel_size, dilation, padding,
                                          stride))
    getattr(lib, f"torsh_im2col_{suffix}")(geometry, x.shape[0] * x.shape[1],
                                           call.of(dense(x)), call.tensor(out))
    return out


def _col2im(ffi, lib, inputs, outs, output_size, kernel_size, dilation, padding, stride):
    cols, spec = inputs[0], outs[0]
    suffix = suffix_of(cols)
    if suffix is None or len(output_size) != 2:
        return NotImplemented
    out = empty(spec.shape, spec.dtype)
    if out.numel() == 0:
        return out
    if cols.numel() == 0:
        out._storage.data[:] = 0
        return out
    blocks = tuple((n + 2 * p - d * (k - 1) - 1) // s + 1 for n, k, d, p, s in
                   zip(output_size, kernel_size, dilation, padding, stride))
    call = Buffers(ffi)
    geometry = call.int64s(_fold_geometry(output_size, blocks, kernel_size, dilation, padding,
                                          stride))
    getattr(lib, f"torsh_col2im_{suffix}")(geometry, spec.shape[0] * spec.shape[1],
                                           call.of(dense(cols)), call.tensor(out))
    return out


def kernels(ffi, lib) -> dict:
    return {"convolution": lambda inputs, outs, **p: _forward(ffi, lib, inputs, outs, **p),
            "im2col": lambda inputs, outs, **p: _im2col(ffi, lib, inputs, outs, **p),
            "col2im": lambda inputs, outs, **p: _col2im(ffi, lib, inputs, outs, **p)}


def backward_kernels(ffi, lib) -> dict:
    return {"convolution": lambda ctx, grad: _backward(ffi, lib, ctx, grad)}
