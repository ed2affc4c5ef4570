"""Matrix products on the C GEMM (kernels/c/gemm.c): the `matmul` primitive (which mm, bmm,
mv, dot, addmm, baddbmm, ... reach through torsh/ops/matmul.py and products.py), their
`add_scaled` tail (beta * input + alpha * product) and nn.functional `linear` with a fused
backward.

Every operand is passed with its own strides (a transposed, sliced or broadcast view needs
no copy); batch dims become a list of element offsets, one per product. float32, float64 and
the integer dtypes (int64, int32, int16, int8, uint8: exact modulo 2^bits, as the reference
wraps) are native, and bool for the add_scaled tail (addr); float16 and bfloat16 decline
(NotImplemented).
"""
from __future__ import annotations

import numpy as np

from .operands import Call, broadcast_strides, check_inside, empty, handle, merge_dims

SUFFIX = {"float32": "f32", "float64": "f64", "int64": "i64", "int32": "i32", "int16": "i16",
          "int8": "i8", "uint8": "u8"}


def _offsets(shape, strides) -> np.ndarray:
    """Element offsets of every index of `shape` (row-major order) under `strides`."""
    offsets = np.zeros(1, dtype=np.int64)
    for size, stride in zip(shape, strides):
        offsets = (offsets[:, None] + np.arange(size, dtype=np.int64) * stride).reshape(-1)
    return offsets


class _Gemm:
    """The calls of torsh_gemm_batched_<suffix>: C[t] = alpha * A[t] B[t] + beta * C[t]."""

    def __init__(self, ffi, lib):
        self.ffi = ffi
        self.functions = {suffix: getattr(lib, f"torsh_gemm_batched_{suffix}")
                          for suffix in SUFFIX.values()}
        self.zero = ffi.new("int64_t[1]")          # the offsets of a single product

    def run(self, suffix, m, n, k, a, a_offsets, a_rs, a_cs, b, b_offsets, b_rs, b_cs, c,
            c_rs, alpha=1, beta=0):
        """a, b, c tensors (c fresh and contiguous, `len(a_offsets)` products of m*n
        elements each); the offsets (int64 arrays) count from each tensor's first element
        (None: one product)."""
        ffi = self.ffi
        if a_offsets is None:
            batch, a_offsets, b_offsets = 1, self.zero, self.zero
        else:
            batch = len(a_offsets)
            a_offsets = ffi.from_buffer("int64_t[]", a_offsets)
            b_offsets = ffi.from_buffer("int64_t[]", b_offsets)
        check_inside(a)
        check_inside(b)
        self.functions[suffix](batch, m, n, k, alpha,
                               handle(ffi, a._storage, a.dtype) + a._offset, a_offsets, a_rs,
                               a_cs, handle(ffi, b._storage, b.dtype) + b._offset, b_offsets,
                               b_rs, b_cs, beta, handle(ffi, c._storage, c.dtype), m * n, c_rs,
                               1)


def _rows(tensor):
    """A tensor of shape (..., last) seen as batches of rows: (offsets of each batch,
    rows per batch, row stride). The leading dims are merged where their strides allow."""
    shape, (strides,) = merge_dims(tuple(tensor._shape[:-1]), [list(tensor._stride[:-1])])
    if not shape:
        return None, 1, 0
    if len(shape) == 1:
        return None, shape[0], strides[0]
    return _offsets(shape[:-1], strides[:-1]), shape[-1], strides[-1]


def _suffix(tensors, dtype):
    """The kernels' suffix for tensors all of `dtype`, else None."""
    suffix = SUFFIX.get(dtype.name)
    if suffix is None or any(t.dtype is not dtype for t in tensors):
        return None
    return suffix


def _matmul(gemm, inputs, outs):
    """out[..., i, j] = sum_p a[..., i, p] b[..., p, j], batch dims broadcast."""
    a, b = inputs
    shape, dtype = outs[0].shape, outs[0].dtype
    suffix = SUFFIX.get(dtype.name)
    if suffix is None or a.dtype is not dtype or b.dtype is not dtype:
        return NotImplemented
    out = empty(shape, dtype)
    if 0 in shape:
        return out
    (n, k), m = a._shape[-2:], b._shape[-1]
    if len(shape) == 2:
        gemm.run(suffix, n, m, k, a, None, *a._stride, b, None, *b._stride, out, m)
        return out
    batch = tuple(shape[:-2])
    a_strides = broadcast_strides(a, batch + (n, k))
    b_strides = broadcast_strides(b, batch + (k, m))
    shape, (a_batch, b_batch) = merge_dims(batch, [a_strides[:-2], b_strides[:-2]])
    gemm.run(suffix, n, m, k, a, _offsets(shape, a_batch), a_strides[-2], a_strides[-1],
             b, _offsets(shape, b_batch), b_strides[-2], b_strides[-1], out, m)
    return out


def _fill_bias(out, bias, rows, out_features, add=False):
    """Write (or add) the bias (shape (out,), (1,) or ()) into every row of the contiguous
    out."""
    check_inside(bias)
    data = bias._storage.data
    step = bias._stride[0] if bias.ndim == 1 and bias._shape[0] > 1 else 0
    count = bias._shape[0] if bias.ndim == 1 else 1
    values = data[bias._offset: bias._offset + (count - 1) * step + 1: step or 1]
    target = out._storage.data.reshape(rows, out_features)
    if add:
        target += values
    else:
        target[:] = values


def _linear(gemm, inputs, outs):
    """out[..., o] = sum_i x[..., i] W[o, i] (+ b[o]): one product x W^T, C preset to b."""
    x, weight = inputs[0], inputs[1]
    spec = outs[0]
    suffix = _suffix(inputs, spec.dtype)
    if suffix is None:
        return NotImplemented
    out = empty(spec.shape, spec.dtype)
    if out.numel() == 0:
        return out
    out_features, in_features = weight._shape
    offsets, rows, row_stride = _rows(x)
    # float32 starts C at the bias; float64 adds it after the sum, as the reference does
    # (so that its result is the reference's, bit for bit)
    preset = len(inputs) == 3 and suffix == "f32"
    if preset:
        _fill_bias(out, inputs[2], out.numel() // out_features, out_features)
    same_weight = None if offsets is None else np.zeros(len(offsets), dtype=np.int64)
    gemm.run(suffix, rows, out_features, in_features, x, offsets, row_stride, x._stride[-1],
             weight, same_weight, weight._stride[1], weight._stride[0], out, out_features,
             beta=1 if preset else 0)
    if len(inputs) == 3 and not preset:
        _fill_bias(out, inputs[2], out.numel() // out_features, out_features, add=True)
    return out


def _linear_backward(gemm, ctx, g):
    """dx = g W, dW = g^T x, db = sum of g over rows (a product with a row of ones)."""
    x, weight = ctx.inputs[0], ctx.inputs[1]
    bias = ctx.inputs[2] if len(ctx.inputs) == 3 else None
    suffix = _suffix((*ctx.inputs, g), x.dtype)
    if suffix is None or g.numel() == 0 or x.numel() == 0:
        return NotImplemented
    out_features, in_features = weight._shape
    if bias is not None and bias.numel() != out_features:
        return NotImplemented
    g_offsets, g_rows, g_rs = _rows(g)
    x_offsets, x_rows, x_rs = _rows(x)
    if g_offsets is not None or x_offsets is not None:
        return NotImplemented            # leading dims that do not merge: the composite
    rows, zero = g_rows, None
    needs = ctx.needs_input_grad
    grads = [None] * len(ctx.inputs)
    if needs[0]:
        dx = empty(tuple(x._shape), x.dtype)
        gemm.run(suffix, rows, in_features, out_features, g, zero, g_rs, g._stride[-1],
                 weight, zero, weight._stride[0], weight._stride[1], dx, in_features)
        grads[0] = dx
    if needs[1]:
        dw = empty((out_features, in_features), weight.dtype)
        gemm.run(suffix, out_features, in_features, rows, g, zero, g._stride[-1], g_rs, x,
                 zero, x_rs, x._stride[-1], dw, in_features)
        grads[1] = dw
    if bias is not None and needs[2]:
        ones = empty((rows,), x.dtype)
        ones._storage.data[:] = 1
        db = empty(tuple(bias._shape), bias.dtype)
        gemm.run(suffix, 1, out_features, rows, ones, zero, 0, 1, g, zero, g_rs,
                 g._stride[-1], db, out_features)
        grads[2] = db
    return tuple(grads)


def _wrap64(value) -> int:
    """An integer as the int64 it equals modulo 2^64."""
    return (int(value) + (1 << 63)) % (1 << 64) - (1 << 63)


def _add_scaled(ffi, lib, inputs, outs, beta, alpha, blas_zeros):
    """out = beta * x + alpha * p (x broadcast), the tail of addmm, addmv, addr, baddbmm, ..."""
    x, p = inputs
    shape, dtype = outs[0].shape, outs[0].dtype
    suffix = SUFFIX.get(dtype.name, "b8" if dtype.name == "bool" else None)
    if suffix is None or x.dtype is not dtype or p.dtype is not dtype:
        return NotImplemented
    floating = suffix[0] == "f"
    kinds = (int, float) if floating else int
    if not (isinstance(beta, kinds) and isinstance(alpha, kinds)):
        return NotImplemented
    out = empty(shape, dtype)
    if 0 in shape:
        return out
    if x._shape == p._shape == shape and x._stride == p._stride == out._stride:
        dims, strides = (out.numel(),), ((1,), (1,))       # both contiguous: one flat row
    else:
        dims, strides = merge_dims(shape, [broadcast_strides(t, shape) for t in inputs])
    use_x, use_p = beta != 0, alpha != 0 or not blas_zeros
    if floating:
        scalars = (float(beta), float(alpha), int(use_x), int(use_p))
    elif suffix == "b8":             # bit 2x + p: is beta * x + alpha * p (as used) nonzero?
        scalars = (sum(1 << (2 * xi + pi) for xi in (0, 1) for pi in (0, 1)
                       if use_x * beta * xi + use_p * alpha * pi != 0),)
    else:
        scalars = (_wrap64(beta), _wrap64(alpha))
    call = Call(ffi)
    getattr(lib, f"torsh_add_scaled_{suffix}")(
        len(dims), call.int64s(dims), handle(ffi, out._storage, dtype), call.pointer(x),
        call.int64s(strides[0]), call.pointer(p), call.int64s(strides[1]), *scalars)
    return out


def kernels(ffi, lib) -> dict:
    """{op name: kernel(inputs, outs, **params)} for the ops of this module."""
    gemm = _Gemm(ffi, lib)

    def matmul(inputs, outs, **params):
        return NotImplemented if params else _matmul(gemm, inputs, outs)

    def linear(inputs, outs, **params):
        return NotImplemented if params else _linear(gemm, inputs, outs)

    def add_scaled(inputs, outs, beta=1, alpha=1, blas_zeros=False, **params):
        if params:
            return NotImplemented
        return _add_scaled(ffi, lib, inputs, outs, beta, alpha, blas_zeros)
    return {"matmul": matmul, "linear": linear, "add_scaled": add_scaled}


def backward_kernels(ffi, lib) -> dict:
    """{op name: fused backward(ctx, *grads)}."""
    gemm = _Gemm(ffi, lib)
    return {"linear": lambda ctx, g: _linear_backward(gemm, ctx, g)}


__all__ = ["kernels", "backward_kernels"]
