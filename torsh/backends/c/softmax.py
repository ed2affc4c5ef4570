"""softmax and log_softmax on the C kernels (kernels/c/softmax.c), forward and fused backward,
for float32 and float64; other dtypes decline (NotImplemented).

Each kernel sees its operands with the softmax dim moved last (strides permuted, no copy);
the output keeps the input's dim order, contiguous.
"""
from __future__ import annotations

from .operands import Call, empty

SUFFIX = {"float32": "f32", "float64": "f64"}


def _lanes(tensors, dim: int):
    """(shape, [strides per tensor]) with `dim` last; a 0-d tensor is one lane of one."""
    first = tensors[0]
    if first.ndim == 0:
        return [1], [[0] for _ in tensors]
    dim %= first.ndim
    order = [d for d in range(first.ndim) if d != dim] + [dim]
    return ([first._shape[d] for d in order],
            [[t._stride[d] for d in order] for t in tensors])


def _run(ffi, lib, function: str, is_log: bool, out_dtype, tensors, dim: int):
    """out = function(tensors...) over lanes along dim; None when a dtype is not covered."""
    suffix = SUFFIX.get(out_dtype.name)
    if suffix is None or any(t.dtype is not out_dtype for t in tensors):
        return None
    out = empty(tuple(tensors[0]._shape), out_dtype)
    if out.numel() == 0:
        return out
    shape, strides = _lanes([out] + list(tensors), dim)
    call = Call(ffi)
    operands = []
    for tensor, tensor_strides in zip([out] + list(tensors), strides):
        operands += [call.pointer(tensor), call.int64s(tensor_strides)]
    status = getattr(lib, f"{function}_{suffix}")(int(is_log), len(shape), call.int64s(shape),
                                                  *operands)
    if status != 0:
        raise RuntimeError(f"C kernel {function}_{suffix} failed")
    return out


def kernels(ffi, lib) -> dict:
    def forward(is_log):
        def kernel(inputs, outs, dim):
            out = _run(ffi, lib, "torsh_softmax", is_log, outs[0].dtype, inputs, dim)
            return NotImplemented if out is None else out
        return kernel
    return {"softmax": forward(False), "log_softmax": forward(True)}


def backward_kernels(ffi, lib) -> dict:
    """softmax: gx = y (g - sum(g y)); log_softmax: gx = g - e^y sum(g), along ctx.dim."""
    def backward(is_log):
        def kernel(ctx, g):
            y = ctx.output
            if g is None or tuple(g._shape) != tuple(y._shape) or g.device != y.device:
                return NotImplemented
            out = _run(ffi, lib, "torsh_softmax_backward", is_log, y.dtype, [y, g], ctx.dim)
            return NotImplemented if out is None else (out,)
        return kernel
    return {"softmax": backward(False), "log_softmax": backward(True)}
