"""Convolutions on the C kernels (kernels/c/conv.c): the `convolution` op (1-D, 2-D and 3-D,
plain and transposed, any stride, padding, dilation, groups) with a fused backward, and the
`im2col` / `col2im` ops (F.unfold / F.fold), for float32 and float64; integer convolutions
(forward) as int64 products wrapping modulo 2^64, narrowed to the dtype (PyTorch's wrap).

A convolution is im2col + a matrix product per image and group (see kernels/c/torsh_conv.h
for the "wide" / "narrow" naming); 1-D and 2-D ones run as 3-D ones with unit leading dims.
Other dtypes and empty channel counts decline (the reference serves them).
This module also holds the small helpers the other nn kernel modules (pool, embedding) share.
"""
from __future__ import annotations

import math
import threading

import numpy as np
from numpy.lib.stride_tricks import as_strided

from .operands import C_TYPES, check_inside, empty, flat_pointer, handle, remember

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


_BUFFER_TYPES: dict = {}


def _buffer_type(dtype: np.dtype) -> str:
    """The cffi array type of a numpy dtype ("float[]"; numpy's dtype.name is slow)."""
    found = _BUFFER_TYPES.get(dtype)
    if found is None:
        found = _BUFFER_TYPES[dtype] = C_TYPES[dtype.name] + "[]"
    return found


class Buffers:
    """cffi pointers to numpy arrays, kept alive until the call returns."""

    def __init__(self, ffi):
        self.ffi = ffi
        self.keep = []

    def of(self, array: np.ndarray):
        pointer = self.ffi.from_buffer(_buffer_type(array.dtype), array)
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

_INTEGERS = ("int8", "int16", "int32", "int64", "uint8")


def _as3(values, fill) -> tuple:
    """Per-spatial-dim values of a 1-D or 2-D convolution as 3-D ones (unit leading dims)."""
    values = tuple(values)
    return (fill,) * (3 - len(values)) + values


def _geometry(x, weight, out_shape, stride, padding, dilation, transposed, groups) -> list:
    """The int64 geometry of kernels/c/torsh_conv.h (1-D and 2-D as 3-D)."""
    kernel = _as3(weight.shape[2:], 1)
    x_size, out_size = _as3(x.shape[2:], 1), _as3(out_shape[2:], 1)
    if transposed:      # wide: the output, narrow: the input
        wide, narrow = (out_shape[1],) + out_size, (x.shape[1],) + x_size
    else:
        wide, narrow = (x.shape[1],) + x_size, (out_shape[1],) + out_size
    return [x.shape[0], *wide, *narrow, *kernel, *_as3(stride, 1), *_as3(padding, 0),
            *_as3(dilation, 1), groups]


def _supported(x, weight, out_shape) -> bool:
    return weight.ndim in (3, 4, 5) and x.shape[1] > 0 and out_shape[1] > 0 \
        and all(n > 0 for n in out_shape)


_SCRATCH = threading.local()


def _workspace(lib, suffix, geometry_pointer, dtype):
    """The kernels' scratch memory, kept per Python thread and dtype between calls (a fresh
    one costs page faults on every call)."""
    per = getattr(lib, f"torsh_conv3_workspace_{suffix}")(geometry_pointer)
    count = max(per, 1) * max(lib.torsh_get_num_threads(), 1)
    kept = getattr(_SCRATCH, suffix, None)
    if kept is None or kept.size < count:
        kept = np.empty(count, dtype=dtype)
        if count <= _SCRATCH_LIMIT:
            setattr(_SCRATCH, suffix, kept)
    return kept


def _wrapping(ffi, call, tensor):
    """A pointer to the tensor's elements widened to int64, as uint64 (wrapping products)."""
    array = np.ascontiguousarray(dense(tensor), dtype=np.int64).view(np.uint64)
    pointer = ffi.from_buffer("uint64_t[]", array)
    call.keep += [array, pointer]
    return pointer


def _integer_forward(ffi, lib, inputs, out, geometry, transposed):
    """An integer convolution: int64 products modulo 2^64, narrowed (wrapping) to the dtype."""
    call = Buffers(ffi)
    geometry = call.int64s(geometry)
    x, weight = inputs[0], inputs[1]
    bias = _wrapping(ffi, call, inputs[2]) if len(inputs) == 3 else ffi.NULL
    data = out._storage.data[:out.numel()]
    result = data if data.dtype == np.int64 else np.empty(out.numel(), dtype=np.int64)
    work = ffi.from_buffer("uint64_t[]", _workspace(lib, "u64", geometry, np.uint64))
    function = "torsh_conv3_wide_u64" if transposed else "torsh_conv3_narrow_u64"
    getattr(lib, function)(geometry, _wrapping(ffi, call, x), _wrapping(ffi, call, weight),
                           bias, ffi.from_buffer("uint64_t[]", result.view(np.uint64)), work)
    if result is not data:
        data[:] = result.astype(data.dtype)        # numpy's cast wraps, as C's does
    return out


def _forward(ffi, lib, inputs, outs, stride, padding, dilation, transposed, output_padding,
             groups):
    spec = outs[0]
    suffix = suffix_of(*inputs)
    x, weight = inputs[0], inputs[1]
    integer = x.dtype.name in _INTEGERS and all(t.dtype is x.dtype for t in inputs)
    if suffix is None and not integer or weight.ndim not in (3, 4, 5):
        return NotImplemented
    out = empty(spec.shape, spec.dtype)
    if out.numel() == 0:
        return out
    if not _supported(x, weight, spec.shape):
        return NotImplemented
    geometry = _geometry(x, weight, spec.shape, stride, padding, dilation, transposed, groups)
    if integer:
        return _integer_forward(ffi, lib, inputs, out, geometry, transposed)
    call = Buffers(ffi)
    geometry = call.int64s(geometry)
    bias = call.of(dense(inputs[2])) if len(inputs) == 3 else ffi.NULL
    work = call.of(_workspace(lib, suffix, geometry, spec.dtype.numpy))
    function = "torsh_conv3_wide" if transposed else "torsh_conv3_narrow"
    getattr(lib, f"{function}_{suffix}")(geometry, call.of(dense(x)), call.of(dense(weight)),
                                         bias, call.tensor(out), work)
    return out


_GEOMETRIES: dict = {}           # the gradients' geometry arrays, by shapes and params


def _backward(ffi, lib, ctx, grad):
    """(grad_input, grad_weight, grad_bias) as the wanted ones of ctx.needs_input_grad."""
    x, weight = ctx.inputs[0], ctx.inputs[1]
    suffix = suffix_of(x, weight, grad)
    if suffix is None or not _supported(x, weight, grad.shape):
        return NotImplemented
    needs = ctx.needs_input_grad
    call = Buffers(ffi)
    key = (x._shape, weight._shape, grad._shape, ctx.stride, ctx.padding, ctx.dilation,
           ctx.transposed, ctx.groups)
    geometry = _GEOMETRIES.get(key)
    if geometry is None:
        geometry = remember(_GEOMETRIES, key, ffi.new("int64_t[]", _geometry(
            x, weight, grad.shape, ctx.stride, ctx.padding, ctx.dilation, ctx.transposed,
            ctx.groups)))
    work = call.of(_workspace(lib, suffix, geometry, grad.dtype.numpy))
    g, xs = call.of(dense(grad)), call.of(dense(x))
    grads = []
    if needs[0]:
        grad_x = empty(tuple(x.shape), x.dtype)
        function = "torsh_conv3_narrow" if ctx.transposed else "torsh_conv3_wide"
        getattr(lib, f"{function}_{suffix}")(geometry, g, call.of(dense(weight)), ffi.NULL,
                                             call.tensor(grad_x), work)
        grads.append(grad_x)
    else:
        grads.append(None)
    if needs[1]:
        grad_w = empty(tuple(weight.shape), weight.dtype)
        wide, narrow = (g, xs) if ctx.transposed else (xs, g)
        getattr(lib, f"torsh_conv3_weight_grad_{suffix}")(geometry, wide, narrow,
                                                         call.tensor(grad_w), work)
        grads.append(grad_w)
    else:
        grads.append(None)
    if len(ctx.inputs) == 3:
        grad_b = None
        if needs[2]:
            grad_b = empty((grad.shape[1],), grad.dtype)
            plane = math.prod(grad._shape[2:])
            getattr(lib, f"torsh_conv_bias_grad_{suffix}")(grad.shape[0], grad.shape[1],
                                                          plane, g, call.tensor(grad_b))
        grads.append(grad_b)
    return tuple(grads)


# ------------------------------------------------------------ im2col / col2im

def _fold_geometry(planes_shape, blocks, kernel_size, dilation, padding, stride) -> list:
    """Geometry of one plane: wide = the image (H, W), narrow = the blocks (depth 1)."""
    return [0, 1, 1, *planes_shape, 1, 1, *blocks, 1, *kernel_size, 1, *stride, 0, *padding,
            1, *dilation, 1]


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
    getattr(lib, f"torsh_im2col3_{suffix}")(geometry, x.shape[0] * x.shape[1],
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
    getattr(lib, f"torsh_col2im3_{suffix}")(geometry, spec.shape[0] * spec.shape[1],
                                           call.of(dense(cols)), call.tensor(out))
    return out


def _forward_planner(ffi, lib):
    """A plan (see Backend.plan) for float convolutions of contiguous operands: the geometry,
    the kernel and the output's shape are fixed by the call's signature, so each call only
    checks that its operands' storages hold them, and runs the kernel."""
    def planner(inputs, outs, params):
        x, weight, spec = inputs[0], inputs[1], outs[0]
        suffix = suffix_of(*inputs)
        if suffix is None or weight.ndim not in (3, 4, 5) or \
                not all(t.is_contiguous() for t in inputs) or not _supported(x, weight, spec.shape):
            return None
        geometry = ffi.new("int64_t[]", _geometry(
            x, weight, spec.shape, params["stride"], params["padding"], params["dilation"],
            params["transposed"], params["groups"]))
        function = getattr(lib, ("torsh_conv3_wide_" if params["transposed"] else
                                 "torsh_conv3_narrow_") + suffix)
        counts = [t.numel() for t in inputs]
        shape, dtype, biased = tuple(spec.shape), spec.dtype, len(inputs) == 3
        kept = [None, None]                 # the workspace last used and its pointer

        def run(inputs):
            pointers = [flat_pointer(ffi, t, n, dtype) for t, n in zip(inputs, counts)]
            if None in pointers:
                return NotImplemented
            work = _workspace(lib, suffix, geometry, dtype.numpy)
            if work is not kept[0]:
                kept[:] = work, ffi.from_buffer(_buffer_type(work.dtype), work)
            out = empty(shape, dtype)
            function(geometry, pointers[0], pointers[1], pointers[2] if biased else ffi.NULL,
                     handle(ffi, out._storage, dtype), kept[1])
            return out
        return run
    return planner


def planners(ffi, lib) -> dict:
    return {"convolution": _forward_planner(ffi, lib)}


def kernels(ffi, lib) -> dict:
    return {"convolution": lambda inputs, outs, **p: _forward(ffi, lib, inputs, outs, **p),
            "im2col": lambda inputs, outs, **p: _im2col(ffi, lib, inputs, outs, **p),
            "col2im": lambda inputs, outs, **p: _col2im(ffi, lib, inputs, outs, **p)}


def backward_kernels(ffi, lib) -> dict:
    return {"convolution": lambda ctx, grad: _backward(ffi, lib, ctx, grad)}
