"""linear: y = x W^T + b, the affine map of nn.Linear.

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


__all__ = ["linear"]
