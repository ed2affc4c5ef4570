"""grid_sample's forward on the C kernels (kernels/c/grid.c), float32 and float64 (half
precision through float32, see widen.py); its gradient is written in torsh ops and runs on
the other kernels.

The kernel reads the input and the grid contiguous (a copy is made when they are not) and
only at cells it has checked lie inside the input.
"""
from __future__ import annotations

from .operands import Call, empty
from .strided_copy import dense

SUFFIX = {"float32": "f32", "float64": "f64"}
MODES = {"bilinear": 0, "nearest": 1, "bicubic": 2}
PADDINGS = {"zeros": 0, "border": 1, "reflection": 2}


def _grid_sample(ffi, lib, inputs, outs, mode, padding_mode, align_corners):
    x, grid = inputs
    (spec,) = outs
    suffix = SUFFIX.get(x.dtype.name)
    if suffix is None or grid.dtype is not x.dtype or mode not in MODES \
            or padding_mode not in PADDINGS:
        return NotImplemented
    out = empty(spec.shape, spec.dtype)
    if out.numel() == 0:
        return out
    x, grid = dense(ffi, lib, x), dense(ffi, lib, grid)
    call = Call(ffi)
    spatial = x._shape[2:]
    points = out.numel() // (x._shape[0] * x._shape[1])
    status = getattr(lib, f"torsh_grid_sample_{suffix}")(
        len(spatial), x._shape[0], x._shape[1], call.int64s(spatial), points, call.pointer(x),
        call.pointer(grid), MODES[mode], PADDINGS[padding_mode], int(bool(align_corners)),
        call.pointer(out))
    if status != 0:
        raise RuntimeError(f"C kernel torsh_grid_sample_{suffix} refused its arguments")
    return out


def kernels(ffi, lib) -> dict:
    """{op name: kernel(inputs, outs, **params)} for the ops of this module."""
    return {"grid_sample": lambda inputs, outs, **params: _grid_sample(ffi, lib, inputs, outs,
                                                                       **params)}
