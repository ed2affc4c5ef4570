"""conv2d: 2-D cross-correlation, written as windows of the input times the weight.

out[n, o, i, j] = b[o] + sum_{c, u, v} w[o, c, u, v] * x[n, g*C/G + c, i*sh + u*dh, j*sw + v*dw]
for the group g of output channel o, on the zero-padded input. The windows are a view
(`unfold`), contracted with einsum, so the gradient comes from those ops.
"""
from __future__ import annotations

from ..._core.errors import DTypeRuntimeError, ShapeMismatch
from ...ops._elementwise_base import require_tensor
from ._windows import pad2d, pair, windows


def _padding(padding, kernel, stride, dilation):
    """(top, bottom, left, right) for an int, a pair, 'valid' or 'same'."""
    if padding == "valid":
        return (0, 0, 0, 0)
    if padding == "same":
        if stride != (1, 1):
            raise RuntimeError("conv2d: padding='same' is not supported for strided "
                               "convolutions")
        sides = []
        for k, d in zip(kernel, dilation):
            total = d * (k - 1)
            sides += [total // 2, total - total // 2]   # the extra one goes after
        return tuple(sides)
    if isinstance(padding, str):
        raise ValueError(f"conv2d: Invalid padding string {padding!r}, should be one of "
                         f"{{'valid', 'same'}}")
    ph, pw = pair(padding, "padding", "conv2d")
    if ph < 0 or pw < 0:
        raise RuntimeError("conv2d: negative padding is not supported")
    return (ph, ph, pw, pw)


def _check(input, weight, bias, groups):
    if input.ndim not in (3, 4):
        raise ShapeMismatch(f"conv2d: Expected 3D (unbatched) or 4D (batched) input to "
                            f"conv2d, but got input of size: {list(input.shape)}")
    if weight.ndim != 4:
        raise ShapeMismatch(f"conv2d: weight should have 4 dims, got {list(weight.shape)}")
    if len({input.dtype, weight.dtype} | ({bias.dtype} if bias is not None else set())) > 1:
        raise DTypeRuntimeError(f"conv2d: Input type ({input.dtype.name}) and weight type "
                                f"({weight.dtype.name}) should be the same")
    if groups < 1 or weight.shape[0] % groups:
        raise RuntimeError(f"conv2d: out channels ({weight.shape[0]}) must be divisible by "
                           f"groups ({groups}), and groups positive")
    channels = input.shape[-3]
    if channels != weight.shape[1] * groups:
        raise ShapeMismatch(f"conv2d: Given groups={groups}, weight of size "
                            f"{list(weight.shape)}, expected input{list(input.shape)} to have "
                            f"{weight.shape[1] * groups} channels, but got {channels} channels "
                            f"instead")
    if bias is not None and tuple(bias.shape) != (weight.shape[0],):
        raise ShapeMismatch(f"conv2d: bias should have shape [{weight.shape[0]}], got "
                            f"{list(bias.shape)}")


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """Cross-correlate input (N, C, H, W) or (C, H, W) with weight (O, C / groups, KH, KW)."""
    from ... import cat, einsum
    require_tensor("conv2d", input, "input", 1)
    require_tensor("conv2d", weight, "weight", 2)
    _check(input, weight, bias, groups)
    if input.ndim == 3:
        return conv2d(input.unsqueeze(0), weight, bias, stride, padding, dilation,
                      groups).squeeze(0)
    stride = pair(stride, "stride", "conv2d")
    dilation = pair(dilation, "dilation", "conv2d")
    if min(stride) < 1 or min(dilation) < 1:
        raise RuntimeError("conv2d: stride and dilation should be greater than zero")
    kernel = tuple(weight.shape[2:])
    top, bottom, left, right = _padding(padding, kernel, stride, dilation)
    height, width = input.shape[2] + top + bottom, input.shape[3] + left + right
    if height < dilation[0] * (kernel[0] - 1) + 1 or width < dilation[1] * (kernel[1] - 1) + 1:
        raise RuntimeError(f"conv2d: Calculated padded input size per channel: "
                           f"({height} x {width}). Kernel size: ({kernel[0]} x {kernel[1]}). "
                           f"Kernel size can't be greater than actual input size")
    patches = windows(pad2d(input, top, bottom, left, right), kernel, stride, dilation)
    per_group_in, per_group_out = weight.shape[1], weight.shape[0] // groups
    outputs = [einsum("nchwuv,ocuv->nohw",
                      patches[:, g * per_group_in:(g + 1) * per_group_in],
                      weight[g * per_group_out:(g + 1) * per_group_out])
               for g in range(groups)]
    out = outputs[0] if groups == 1 else cat(outputs, 1)
    return out if bias is None else out + bias.reshape(1, -1, 1, 1)


__all__ = ["conv2d"]
