"""linear: y = x W^T + b, the affine map of nn.Linear; bilinear: y = x1^T A x2 + b.

out[..., o] = sum_i x[..., i] * W[o, i] + b[o], for x of any rank >= 1 (its last dim is the
in-features), W of shape (out, in) and b of shape (out,) or None. A 1-D weight (in,) gives
y = x . w (+ b), the last dim dropped.
"""
from __future__ import annotations

import math

from ..._core.errors import DTypeRuntimeError, ShapeMismatch
from ...dispatch import dispatch
from ...ops._array import Array
from ...ops._elementwise_base import require_tensor
from ...ops._op import PROMOTE_NONE, Op, Out
from ._pointwise import declare


def _meta(x, weight, *bias):
    dtypes = {t.dtype for t in (x, weight, *bias)}
    if len(dtypes) > 1:
        names = " and ".join(sorted(d.name for d in dtypes))
        raise DTypeRuntimeError(f"linear: expected all inputs to have the same dtype, got "
                                f"{names}")
    if x.ndim < 1 or weight.ndim != 2:
        raise ShapeMismatch(f"linear: expected input of rank >= 1 and a 2-D weight, got "
                            f"input {list(x._shape)} and weight {list(weight._shape)}")
    out_features, in_features = weight._shape
    if x._shape[-1] != in_features:
        raise ShapeMismatch(f"linear: mat1 and mat2 shapes cannot be multiplied "
                            f"({x.numel() // max(x._shape[-1], 1)}x{x._shape[-1]} and "
                            f"{in_features}x{out_features})")
    if bias and tuple(bias[0]._shape) not in ((out_features,), (1,), ()):
        raise ShapeMismatch(f"linear: bias of shape {list(bias[0]._shape)} does not match "
                            f"{out_features} out-features")
    return Out(x._shape[:-1] + (out_features,), x.dtype)


def _reference(x: Array, weight: Array, *bias: Array) -> Array:
    out_features, in_features = weight.shape
    rows = math.prod(x.shape[:-1])
    out = []
    for r in range(rows):
        row = x.data[r * in_features:(r + 1) * in_features]
        for o in range(out_features):
            total = sum(row[i] * weight.data[o * in_features + i] for i in range(in_features))
            if bias:
                total += bias[0].data[o if len(bias[0].data) > 1 else 0]
            out.append(total)
    return Array(out, x.shape[:-1] + (out_features,))


def _backward(ctx, g):
    """dx = g W, dW = g^T x (over all leading dims), db = g summed over leading dims."""
    x, weight = ctx.inputs[0], ctx.inputs[1]
    out_features, in_features = weight.shape
    grads = [g.matmul(weight) if ctx.needs_input_grad[0] else None]
    rows = math.prod(x.shape[:-1])
    flat_g = g.reshape(rows, out_features)
    grads.append(flat_g.t().matmul(x.reshape(rows, in_features))
                 if ctx.needs_input_grad[1] else None)
    if len(ctx.inputs) == 3:
        bias_grad = flat_g.sum(0) if ctx.needs_input_grad[2] else None
        if bias_grad is not None:
            bias_grad = bias_grad.reshape(ctx.inputs[2].shape) if ctx.inputs[2].numel() == \
                out_features else bias_grad.sum().reshape(ctx.inputs[2].shape)
        grads.append(bias_grad)
    return tuple(grads)


_LINEAR = declare(Op("linear", meta=_meta, reference=_reference, backward=_backward,
                      promote=PROMOTE_NONE, doc=__doc__))


def linear(input, weight, bias=None):
    """input @ weight.T + bias."""
    require_tensor("linear", input, "input", 1)
    require_tensor("linear", weight, "weight", 2)
    if weight.ndim == 1:
        out = linear(input, weight.unsqueeze(0), None).squeeze(-1)
        return out if bias is None else out + bias
    if bias is None:
        return dispatch(_LINEAR, input, weight)
    return dispatch(_LINEAR, input, weight, bias)


_TYPE_WORDS = {"float32": "float", "float64": "double", "float16": "c10::Half",
               "bfloat16": "c10::BFloat16"}


def _check_bilinear(input1, input2, weight, bias):
    if len({input1.dtype, input2.dtype, weight.dtype} | ({bias.dtype} if bias is not None
                                                         else set())) > 1:
        words = [_TYPE_WORDS.get(t.dtype.name, t.dtype.name) for t in (input1, input2, weight)]
        raise DTypeRuntimeError(f"bilinear(): All tensors must have the same dtype, got "
                                f"input1: {words[0]}, input2: {words[1]}, weight: {words[2]}")
    if input1.ndim == 0 or input2.ndim == 0:
        raise IndexError("bilinear(): Dimension specified as -1 but tensor has no dimensions")
    if input1.ndim != input2.ndim:
        raise ShapeMismatch(f"bilinear(): input dimensions do not match: got {input1.ndim} "
                            f"and {input2.ndim}")
    for d in range(input1.ndim - 1):
        if input1.shape[d] != input2.shape[d]:
            raise ShapeMismatch(f"bilinear(): input batch dimensions do not match at dim {d}: "
                                f"got {input1.shape[d]} and {input2.shape[d]}")
    if weight.ndim != 3:
        raise ShapeMismatch(f"bilinear(): expected a 3-D weight (out, in1, in2), got shape "
                            f"{list(weight.shape)}")
    for name, x, expected in (("input1", input1, weight.shape[1]),
                              ("input2", input2, weight.shape[2])):
        if x.shape[-1] != expected:
            raise ShapeMismatch(f"bilinear(): {name} size does not match weight size: got "
                                f"{x.shape[-1]} but expected {expected}")
    if bias is not None and (bias.ndim != 1 or bias.shape[0] != weight.shape[0]):
        got = bias.shape[-1] if bias.ndim else bias.numel()
        raise ShapeMismatch(f"bilinear(): bias size does not match weight size: got {got} "
                            f"but expected {weight.shape[0]}")


def bilinear(input1, input2, weight, bias=None):
    """y[..., o] = sum_ij x1[..., i] A[o, i, j] x2[..., j] + b[o] (a composite of linear, a
    product and a sum; weight A of shape (out, in1, in2))."""
    require_tensor("bilinear", input1, "input1", 1)
    require_tensor("bilinear", input2, "input2", 2)
    require_tensor("bilinear", weight, "weight", 3)
    _check_bilinear(input1, input2, weight, bias)
    out_features, in1, in2 = weight.shape
    # left[..., o, j] = sum_i x1[..., i] A[o, i, j]
    left = linear(input1, weight.permute(0, 2, 1).reshape(out_features * in2, in1))
    left = left.reshape(tuple(input1.shape[:-1]) + (out_features, in2))
    output = (left * input2.unsqueeze(-2)).sum(-1)
    return output if bias is None else output + bias


__all__ = ["linear", "bilinear"]
