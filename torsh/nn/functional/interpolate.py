"""interpolate (and its deprecated aliases upsample*): resize the spatial dims of (N, C, ...).

Separable: along each spatial dim, out[j] = sum_k w_k x[s_k] with PyTorch's source rules
(in = input size, out = output size, r = 1/scale_factor when a scale is given and not
recomputed, else in/out):
    nearest:        s = min(floor(j * r), in - 1), in float32 arithmetic as PyTorch
    nearest-exact:  s = min(floor((j + 0.5) * r), in - 1), in float32 arithmetic
    linear family:  src = r * (j + 0.5) - 0.5 clamped at 0 (align_corners: j*(in-1)/(out-1));
                    x[i0] (1 - t) + x[i0 + 1] t with i0 = floor(src), t = src - i0
    bicubic:        the same src without the clamp; 4 taps i0-1..i0+2 (clamped to the edge)
                    weighted by Keys' cubic convolution with A = -0.75
    area:           the mean over [floor(j*in/out), ceil((j+1)*in/out)) (adaptive average)
An op: the reference applies the taps dim by dim; the gradient is their adjoint, the op
interpolate_backward (the scatter-add of w_k g[j] onto s_k), whose gradient is interpolate.
Dtypes: floating types; uint8 for nearest, nearest-exact, bilinear and bicubic (each pass
rounds half up and saturates; PyTorch's fixed-point uint8 kernel may differ by 1).
The gradient is the exact adjoint of the forward. (PyTorch's 1-D/3-D nearest backward maps an
unchanged-size dim by identity although its forward, with a scale, does not: torsh follows
the forward.) antialias=True is not supported (NotImplementedError).
"""
from __future__ import annotations

import math
import struct
import warnings

from ..._core import dtype as dt
from ..._core.errors import DTypeNotImplemented
from ...dispatch import dispatch
from ...ops._elementwise_base import require_tensor
from ...ops._op import PROMOTE_NONE, Op, Out
from ._pointwise import declare
from ._separable import combine_along, scatter_along

_MODES = "nearest | linear | bilinear | bicubic | trilinear | lanczos | area | nearest-exact"
_NEEDS = {"linear": 3, "bilinear": 4, "bicubic": 4, "trilinear": 5}
_KERNEL = {"nearest": "compute_indices_weights_nearest",
           "nearest-exact": "compute_indices_weights_nearest",
           "linear": "compute_indices_weights_linear",
           "trilinear": "compute_indices_weights_linear",
           "bilinear": "upsample_bilinear2d_channels_last",
           "bicubic": "compute_indices_weights_cubic"}
_TORCH_NAMES = {"int64": "Long", "int32": "Int", "int16": "Short", "int8": "Char",
                "uint8": "Byte", "bool": "Bool"}
_A = -0.75


def _f32(x: float) -> float:
    """x rounded to float32 (PyTorch computes nearest indices in float)."""
    return struct.unpack("f", struct.pack("f", x))[0]


def _nearest_scale(size_in, size_out, scale):
    return _f32(1.0 / scale) if scale is not None and scale > 0 else \
        _f32(_f32(size_in) / size_out)


def _linear_scale(size_in, size_out, scale, align_corners):
    if align_corners:
        return (size_in - 1) / (size_out - 1) if size_out > 1 else 0.0
    return 1.0 / scale if scale is not None and scale > 0 else size_in / size_out


def _source(r, j, align_corners, cubic):
    if align_corners:
        return r * j
    src = r * (j + 0.5) - 0.5
    return 0.0 if not cubic and src < 0 else src


def _cubic_weights(t):
    """Keys' kernel at distances 1 + t, t, 1 - t, 2 - t."""
    def near(x):
        return ((_A + 2) * x - (_A + 3)) * x * x + 1

    def far(x):
        return ((_A * x - 5 * _A) * x + 8 * _A) * x - 4 * _A
    return (far(t + 1), near(t), near(1 - t), far(2 - t))


def taps(mode, size_in, size_out, scale, align_corners, planar=False) -> list:
    """[(source, weight), ...] for each output index j of one dim.

    PyTorch's kernels take shortcuts that differ from the formulas when a scale is given:
    the linear family maps a dim whose size is unchanged to x[j] * 1 + x[j] * 0 (so inf
    becomes NaN there), and 2-D nearest (`planar`) copies such a dim and maps j to j // 2
    when the size doubles."""
    if size_out == size_in and mode == "linear":
        return [[(j, 1.0), (j, 0.0)] for j in range(size_out)]
    if size_out == size_in and mode == "nearest" and planar:
        return [[(j, 1)] for j in range(size_out)]
    if mode == "nearest":
        if planar and size_out == 2 * size_in:
            return [[(j // 2, 1)] for j in range(size_out)]
        r = _nearest_scale(size_in, size_out, scale)
        return [[(min(math.floor(_f32(j * r)), size_in - 1), 1)] for j in range(size_out)]
    if mode == "nearest-exact":
        r = _nearest_scale(size_in, size_out, scale)
        return [[(min(math.floor(_f32((j + 0.5) * r)), size_in - 1), 1)]
                for j in range(size_out)]
    if mode == "area":
        rows = []
        for j in range(size_out):
            start = j * size_in // size_out
            end = -(-(j + 1) * size_in // size_out)
            rows.append([(i, 1 / (end - start)) for i in range(start, end)])
        return rows
    r = _linear_scale(size_in, size_out, scale, align_corners)
    cubic = mode == "bicubic"
    rows = []
    for j in range(size_out):
        src = _source(r, j, align_corners, cubic)
        i0 = min(math.floor(src), size_in - 1)
        t = min(max(src - i0, 0.0), 1.0)
        if cubic:
            rows.append([(min(max(i0 - 1 + k, 0), size_in - 1), w)
                         for k, w in enumerate(_cubic_weights(t))])
        else:
            rows.append([(i0, 1.0 - t), (i0 + (1 if i0 < size_in - 1 else 0), t)])
    return rows


def _meta(x, mode, sizes, scales, align_corners):
    bilinear = mode == "linear" and x.ndim == 4
    if not x.dtype.is_floating_point and (x.dtype is not dt.uint8 or not bilinear and mode
                                          not in ("nearest", "nearest-exact", "bicubic")):
        kernel = "upsample_bilinear2d_channels_last" if bilinear else \
            _KERNEL.get(mode, f"adaptive_avg_pool{x.ndim - 2}d")
        raise DTypeNotImplemented(f"interpolate: \"{kernel}\" not implemented for "
                                  f"'{_TORCH_NAMES.get(x.dtype.name, x.dtype.name)}'")
    spatial = x._shape[2:]
    if any(n <= 0 for n in spatial) or any(n < (mode != "area") for n in sizes):
        letters = "DHW"[3 - len(spatial):]
        given = ", ".join(f"{c}: {n}" for c, n in zip(letters, spatial))
        made = ", ".join(f"{c}: {n}" for c, n in zip(letters, sizes))
        raise RuntimeError(f"interpolate: Input and output sizes should be greater than 0, "
                           f"but got input ({given}) and output ({made})")
    if x._shape[1] == 0:
        raise RuntimeError(f"interpolate: Non-empty {x.ndim}D data tensor expected but got a "
                           f"tensor with sizes {list(x._shape)}")
    return Out(tuple(x._shape[:2]) + tuple(sizes), x.dtype)


def _all_taps(shape, mode, sizes, scales, align_corners):
    return [taps(mode, shape[2 + d], sizes[d], scales[d], align_corners, len(shape) == 4)
            for d in range(len(sizes))]


def _reference(x, mode, sizes, scales, align_corners):
    """Apply each spatial dim's taps in turn, the last dim first (as PyTorch nests them).

    area sums from 0.0 (so -0.0 averages to 0.0, as PyTorch's adaptive average)."""
    integer = x.data and not isinstance(x.data[0], float)
    rows = _all_taps(x.shape, mode, sizes, scales, align_corners)
    for d in reversed(range(len(rows))):
        x = combine_along(x, 2 + d, rows[d], from_zero=mode == "area")
        if integer and mode in ("linear", "bicubic"):   # uint8: each pass rounds, saturates
            x.data = [min(max(math.floor(v + 0.5), 0), 255) for v in x.data]
    return x


def _backward(ctx, g):
    """The adjoint of each dim's taps (the op interpolate_backward)."""
    return (dispatch(_INTERPOLATE_BACKWARD, g, input_size=tuple(ctx.input_shapes[0]),
                     mode=ctx.mode, sizes=ctx.sizes, scales=ctx.scales,
                     align_corners=ctx.align_corners),)


_INTERPOLATE = declare(Op("interpolate", meta=_meta, reference=_reference,
                          backward=_backward, promote=PROMOTE_NONE, saves_inputs=False,
                          doc=__doc__))


def _backward_meta(g, input_size, mode, sizes, scales, align_corners):
    return Out(input_size, g.dtype)


def _backward_reference(g, input_size, mode, sizes, scales, align_corners):
    """in[..., s, ...] += w * g[..., j, ...] over every dim's taps."""
    rows = _all_taps(input_size, mode, sizes, scales, align_corners)
    for d in range(len(rows)):
        g = scatter_along(g, 2 + d, rows[d], input_size[2 + d])
    return g


def _backward_backward(ctx, gg):
    """interpolate_backward is linear in g: its gradient is interpolate again."""
    return (dispatch(_INTERPOLATE, gg, mode=ctx.mode, sizes=ctx.sizes, scales=ctx.scales,
                     align_corners=ctx.align_corners),)


_INTERPOLATE_BACKWARD = declare(Op(
    "interpolate_backward", meta=_backward_meta, reference=_backward_reference,
    backward=_backward_backward, promote=PROMOTE_NONE, saves_inputs=False,
    doc="The gradient of interpolate: g scattered back onto the taps, in[s] += w * g[j]."))


def _per_dim(value, spatial, what):
    if isinstance(value, (list, tuple)):
        if len(value) != len(spatial):
            raise ValueError(f"Input and {what} must have the same number of spatial "
                             f"dimensions, but got input with spatial dimensions of "
                             f"{list(spatial)} and {what} of shape {tuple(value)}. Please "
                             f"provide input tensor in (N, C, d1, d2, ...,dK) format and "
                             f"{what} in (s1, s2, ...,sK) format.")
        return list(value)
    return [value] * len(spatial)


def interpolate(input, size=None, scale_factor=None, mode="nearest", align_corners=None,
                recompute_scale_factor=None, antialias=False):
    """Resize the spatial dims of input (N, C, d1, ...) to `size` or by `scale_factor`."""
    require_tensor("interpolate", input, "input", 1)
    if mode in ("nearest", "area", "nearest-exact"):
        if align_corners is not None:
            raise ValueError("align_corners option can only be set with the interpolating "
                             "modes: linear | bilinear | bicubic | trilinear")
        align_corners = False
    elif align_corners is None:
        align_corners = False
    if size is not None and scale_factor is not None:
        raise ValueError("only one of size or scale_factor should be defined")
    if size is not None:
        if isinstance(size, (list, tuple)) and len(size) != input.ndim - 2:
            raise ValueError(f"Input and output must have the same number of spatial "
                             f"dimensions, but got input with spatial dimensions of "
                             f"{list(input.shape[2:])} and output size of {tuple(size)}. "
                             f"Please provide input tensor in (N, C, d1, d2, ...,dK) format "
                             f"and output size in (o1, o2, ...,oK) format.")
        sizes = _per_dim(size, input.shape[2:], "output size")
        if not all(isinstance(s, int) and not isinstance(s, bool) for s in sizes):
            raise TypeError(f"interpolate: expected size to be one of int or Tuple[int] or "
                            f"Tuple[int, int] or Tuple[int, int, int], but got size with "
                            f"types {[type(s) for s in sizes]}")
        scales = [None] * len(sizes)
    elif scale_factor is not None:
        scales = [float(s) for s in _per_dim(scale_factor, input.shape[2:], "scale_factor")]
        sizes = None
    else:
        raise ValueError("either size or scale_factor should be defined")
    if recompute_scale_factor and size is not None:
        raise ValueError("recompute_scale_factor is not meaningful with an explicit size.")
    if mode == "area" and sizes is None:
        recompute_scale_factor = True
    if sizes is None:
        sizes = [math.floor(n * s) for n, s in zip(input.shape[2:], scales)]
        if recompute_scale_factor:
            scales = [None] * len(sizes)
    if antialias:
        if not (mode in ("bilinear", "bicubic") and input.ndim == 4):
            raise ValueError("Anti-alias option is restricted to bilinear, bicubic, and "
                             "lanczos modes and requires a 4-D tensor as input")
        raise NotImplementedError("interpolate: antialias=True is not supported by torsh")
    if input.ndim not in (3, 4, 5) or mode not in _NEEDS and mode not in (
            "nearest", "nearest-exact", "area"):
        raise NotImplementedError(f"Input Error: Only 3D, 4D and 5D input Tensors supported "
                                  f"(got {input.ndim}D) for the modes: {_MODES} (got {mode})")
    if mode in _NEEDS and input.ndim != _NEEDS[mode]:
        raise NotImplementedError(f"interpolate: Got {input.ndim}D input, but {mode} mode "
                                  f"needs {_NEEDS[mode]}D input")
    kind = "linear" if mode in ("bilinear", "trilinear") else mode
    return dispatch(_INTERPOLATE, input, mode=kind, sizes=tuple(sizes), scales=tuple(scales),
                    align_corners=bool(align_corners))


def upsample(input, size=None, scale_factor=None, mode="nearest", align_corners=None):
    """Deprecated: interpolate(input, size, scale_factor, mode, align_corners)."""
    warnings.warn("nn.functional.upsample is deprecated. Use nn.functional.interpolate "
                  "instead.", stacklevel=2)
    return interpolate(input, size, scale_factor, mode, align_corners)


def upsample_nearest(input, size=None, scale_factor=None):
    """Deprecated: interpolate(input, size, scale_factor, mode='nearest')."""
    warnings.warn("nn.functional.upsample_nearest is deprecated. Use "
                  "nn.functional.interpolate instead.", stacklevel=2)
    return interpolate(input, size, scale_factor, mode="nearest")


def upsample_bilinear(input, size=None, scale_factor=None):
    """Deprecated: interpolate(input, size, scale_factor, 'bilinear', align_corners=True)."""
    warnings.warn("nn.functional.upsample_bilinear is deprecated. Use "
                  "nn.functional.interpolate instead.", stacklevel=2)
    return interpolate(input, size, scale_factor, mode="bilinear", align_corners=True)


__all__ = ["interpolate", "upsample", "upsample_nearest", "upsample_bilinear"]
