"""Matrix products on the C GEMM (kernels/c/gemm.c): the `matmul` primitive (which mm, bmm,
mv, dot, addmm, baddbmm, ... reach through torsh/ops/matmul.py and products.py), their
`add_scaled` tail (beta * input + alpha * product) and nn.functional `linear` with a fused
backward.

Every operand is passed with its own strides (a transposed, sliced or broadcast view needs
no copy); batch dims become a list of element offsets, one per product. float32 and float64
only: other dtypes decline (NotImplemented) to the reference.
"""
from __future__ import annotations

import numpy as np

from .operands import C_TYPES, Call, broadcast_strides, check_inside, empty, merge_dims

SUFFIX = {"float32": "f32", "float64": "f64"}
_ZERO: dict = {}          # {ffi: a C array holding one 0}, the offsets of a single product


def _offsets(shape, strides) -> np.ndarray:
    """Element offsets of every index of `shape` (row-major order) under `strides`."""
    offsets = np.zeros(1, dtype=np.int64)
    for size, stride in zip(shape, strides):
        offsets = (offsets[:, None] + np.arange(size, dtype=np.int64) * stride).reshape(-1)
    return offsets


class _Gemm:
    """One call of torsh_gemm_batched_<suffix>: C[t] = alpha * A[t] B[t] + beta * C[t]."""

    def __init__(self, ffi, lib, suffix):
        self.ffi, self.call = ffi, Call(ffi)
        self.function = getattr(lib, f"torsh_gemm_batched_{suffix}")

    def offsets(self, values):
        if values is None:
            return _ZERO.setdefault(self.ffi, self.ffi.new("int64_t[1]"))
        buffer = self.ffi.from_buffer("int64_t[]", values)
        self.call.keep.append(values)
        return buffer

    def run(self, m, n, k, a, a_offsets, a_rs, a_cs, b, b_offsets, b_rs, b_cs, c, c_rs,
            alpha=1.0, beta=0.0):
        """a, b, c tensors (c fresh and contiguous, `len(a_offsets)` products of m*n
        elements each); the offsets count from each tensor's first element (None: one
        product)."""
        batch = 1 if a_offsets is None else len(a_offsets)
        out = self.ffi.from_buffer(C_TYPES[c.dtype.name] + "[]", c._storage.data)
        self.call.keep.append(out)
        self.function(batch, m, n, k, alpha, self.call.pointer(a), self.offsets(a_offsets),
                      a_rs, a_cs, self.call.pointer(b), self.offsets(b_offsets), b_rs, b_cs,
                      beta, out, m * n, c_rs, 1)


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
    name = dtype.name
    if name not in SUFFIX or any(t.dtype.name != name for t in tensors):
        return None
    return SUFFIX[name]


def _matmul(ffi, lib, inputs, outs):
    """out[..., i, j] = sum_p a[..., i, p] b[..., p, j], batch dims broadcast."""
    a, b = inputs
    spec = outs[0]
    suffix = _suffix(inputs, spec.dtype)
    if suffix is None:
        return NotImplemented
    out = empty(spec.shape, spec.dtype)
    if out.numel() == 0:
        return out
    (n, k), m = a._shape[-2:], b._shape[-1]
    gemm = _Gemm(ffi, lib, suffix)
    if a.ndim == 2 and b.ndim == 2:
        gemm.run(n, m, k, a, None, *a._stride, b, None, *b._stride, out, m)
        return out
    batch = tuple(spec.shape[:-2])
    a_strides = broadcast_strides(a, batch + (n, k))
    b_strides = broadcast_strides(b, batch + (k, m))
    shape, (a_batch, b_batch) = merge_dims(batch, [a_strides[:-2], b_strides[:-2]])
    gemm.run(n, m, k, a, _offsets(shape, a_batch), a_strides[-2], a_strides[-1],
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


def _linear(ffi, lib, inputs, outs):
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
    gemm = _Gemm(ffi, lib, suffix)
    same_weight = None if offsets is None else np.zeros(len(offsets), dtype=np.int64)
    gemm.run(rows, out_features, in_features, x, offsets, row_stride, x._stride[-1],
             weight, same_weight, weight._stride[1], weight._stride[0], out, out_features,
             beta=1.0 if preset else 0.0)
    if len(inputs) == 3 and not preset:
        _fill_bias(out, inputs[2], out.numel() // out_features, out_features, add=True)
    return out


def _linear_backward(ffi, lib, ctx, g):
    """dx = g W, dW = g^T x, db = sum of g over rows (a product with a row of ones)."""
    x, weight = ctx.inputs[0], ctx.inputs[1]
    bias = ctx.inputs[2] if len(ctx.inputs) == 3 else None
    suffix = _suffix(ctx.inputs + (g,), x.dtype)
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
        _Gemm(ffi, lib, suffix).run(rows, in_features, out_features, g, zero, g_rs,
                                    g._stride[-1], weight, zero, weight._stride[0],
                                    weight._stride[1], dx, in_features)
        grads[0] = dx
    if needs[1]:
        dw = empty((out_features, in_features), weight.dtype)
        _Gemm(ffi, lib, suffix).run(out_features, in_features, rows, g, zero, g._stride[-1],
                                    g_rs, x, zero, x_rs, x._stride[-1], dw, in_features)
        grads[1] = dw
    if bias is not None and needs[2]:
        ones = empty((rows,), x.dtype)
        ones._storage.data[:] = 1
        db = empty(tuple(bias._shape), bias.dtype)
        _Gemm(ffi, lib, suffix).run(1, out_features, rows, ones, zero, 0, 1, g, zero, g_rs,
                                    g._stride[-1], db, out_features)
        grads[2] = db
    return tuple(grads)


def _add_scaled(ffi, lib, inputs, outs, beta, alpha, blas_zeros):
    """out = beta * x + alpha * p (x broadcast), the tail of addmm, addmv, baddbmm, ..."""
    spec = outs[0]
    suffix = _suffix(inputs, spec.dtype)
    if suffix is None or not all(isinstance(v, (int, float)) for v in (beta, alpha)):
        return NotImplemented
    out = empty(spec.shape, spec.dtype)
    if out.numel() == 0:
        return out
    shape, strides = merge_dims(spec.shape, [broadcast_strides(t, spec.shape) for t in inputs])
    call = Call(ffi)
    getattr(lib, f"torsh_add_scaled_{suffix}")(
        len(shape), call.int64s(shape), call.pointer(out), call.pointer(inputs[0]),
        call.int64s(strides[0]), call.pointer(inputs[1]), call.int64s(strides[1]),
        float(beta), float(alpha), int(beta != 0), int(alpha != 0 or not blas_zeros))
    return out


def kernels(ffi, lib) -> dict:
    """{op name: kernel(inputs, outs, **params)} for the ops of this module."""
    def matmul(inputs, outs, **params):
        return NotImplemented if params else _matmul(ffi, lib, inputs, outs)

    def linear(inputs, outs, **params):
        return NotImplemented if params else _linear(ffi, lib, inputs, outs)
    def add_scaled(inputs, outs, beta=1, alpha=1, blas_zeros=False, **params):
        if params:
            return NotImplemented
        return _add_scaled(ffi, lib, inputs, outs, beta, alpha, blas_zeros)
    return {"matmul": matmul, "linear": linear, "add_scaled": add_scaled}


def backward_kernels(ffi, lib) -> dict:
    """{op name: fused backward(ctx, *grads)}."""
    return {"linear": lambda ctx, g: _linear_backward(ffi, lib, ctx, g)}


__all__ = ["kernels", "backward_kernels"]
