"""Poolings on the C kernels (kernels/c/pool.c), float32 and float64, 1-D, 2-D and 3-D:
max_pool, adaptive_max_pool, take_pooled, max_pool_backward, max_unpool, avg_pool(+backward)
and adaptive_avg_pool(+backward); max_pool also for int8/16/32/64 and uint8 (exact), avg_pool
for int64 (exact sums, the quotient truncated toward zero). Other dtypes decline.

Python computes each pooled dim's windows as small tables (first and end tap of every window,
PyTorch's index for an empty window, divisors, and for the adjoints the windows reading each
input position) from the reference's own geometry helpers, so the C loops reproduce the
reference: same windows, same tie and NaN rule, sums in double in window order (long window
rows in 4 partial sums, so a float64 mean may differ in its last bit).
"""
from __future__ import annotations

import numpy as np

from .conv import Buffers, dense, suffix_of
from .operands import empty


def _windows():
    """The reference's geometry helpers (imported late: torsh.nn imports the dispatcher,
    which imports this backend)."""
    from ...nn.functional import _windows as windows
    return windows


def _prod(values) -> int:
    out = 1
    for v in values:
        out *= v
    return out


def _as3(values, fill) -> tuple:
    """A 1-D or 2-D pooling's per-dim values as 3-D ones (unit leading dims)."""
    values = tuple(values)
    return (fill,) * (3 - len(values)) + values


def _as3_tables(per_dim, fill) -> list:
    """Per-dim tables of 1 or 2 dims led by those of unit dims (one window: `fill`)."""
    per_dim = list(per_dim)
    return [fill] * (3 - len(per_dim)) + per_dim


_MAX_SUFFIX = {"float32": "f32", "float64": "f64", "int8": "i8", "int16": "i16",
               "int32": "i32", "int64": "i64", "uint8": "u8"}


def _lo_hi(taps) -> tuple:
    """Each window's first tap and the bound after its last one (empty: lo == hi)."""
    lo = [t[0] if t else 0 for t in taps]
    hi = [t[-1] + 1 if t else lo_ for t, lo_ in zip(taps, lo)]
    return lo, hi


def _readers(taps, size) -> tuple:
    """For each input position: the range [first, end) of windows whose taps include it."""
    first, end = [0] * size, [0] * size
    for o, window in enumerate(taps):
        for y in window:
            if first[y] == end[y]:
                first[y] = o
            end[y] = o + 1
    return first, end


def _lead_and_plane(shape, d) -> tuple:
    return _prod(shape[:-d]), _prod(shape[-d:])


# Window tables are a pure function of the sizes and the pooling's params, and kernels only
# read them: each geometry's cffi arrays are built once (a training loop pools the same
# geometry every step; building them in Python cost more than the pooling itself).
_GEOMETRIES: dict = {}
_GEOMETRIES_LIMIT = 1024


def _geometry(key: tuple, make):
    """make() for `key`, made once and kept."""
    made = _GEOMETRIES.get(key)
    if made is None:
        made = make()
        if len(_GEOMETRIES) >= _GEOMETRIES_LIMIT:
            _GEOMETRIES.clear()
        _GEOMETRIES[key] = made
    return made


def _int64s(ffi, values):
    return ffi.new("int64_t[]", [int(v) for v in values] or [0])


# ------------------------------------------------------------ max

def _max_tables(ffi, x_sizes, out_sizes, per_dim_taps, per_dim_firsts, steps, row):
    """(sizes, tables, has an empty window) for torsh_pool3_max (row: the last dim's kernel,
    stride and padding when its windows are uniform, else zeros)."""
    tables = []
    for taps, firsts in zip(_as3_tables(per_dim_taps, [[0]]), _as3_tables(per_dim_firsts, [0])):
        lo, hi = _lo_hi(taps)
        tables += lo + hi + list(firsts)
    sizes = [*_as3(x_sizes, 1), *_as3(out_sizes, 1), *_as3(steps, 1), *row]
    empty_window = any(not t for dim in per_dim_taps for t in dim)
    return _int64s(ffi, sizes), _int64s(ffi, tables), empty_window


def _max(ffi, lib, x, specs, d, geometry):
    """Run torsh_pool3_max over the windows of the last d dims (geometry: _max_tables)."""
    values, indices = empty(specs[0].shape, specs[0].dtype), empty(specs[1].shape, specs[1].dtype)
    if values.numel() == 0:
        return values, indices
    sizes, tables, empty_window = geometry
    if empty_window and not x.dtype.is_floating_point:
        return NotImplemented          # an empty window's -inf has no integer value
    call = Buffers(ffi)
    getattr(lib, f"torsh_pool3_max_{_MAX_SUFFIX[x.dtype.name]}")(
        _prod(x._shape[:-d]), sizes, tables, call.of(dense(x)), call.tensor(values),
        call.tensor(indices))
    return values, indices


def _max_pool(ffi, lib, inputs, outs, kernel_size, stride, padding, dilation, ceil_mode):
    x = inputs[0]
    if x.dtype.name not in _MAX_SUFFIX or len(kernel_size) > 3:
        return NotImplemented
    d = len(kernel_size)
    spatial = tuple(x._shape[-d:])

    def make():
        sizes, taps = _windows().pool_geometry(spatial, kernel_size, stride, padding, dilation,
                                               ceil_mode)
        firsts = [_windows().pool_firsts(*args) for args in
                  zip(sizes, stride, padding, dilation)]
        return _max_tables(ffi, spatial, sizes, taps, firsts, dilation,
                           (kernel_size[-1], stride[-1], padding[-1]))
    geometry = _geometry(("max_pool", spatial, tuple(kernel_size), tuple(stride),
                          tuple(padding), tuple(dilation), ceil_mode), make)
    return _max(ffi, lib, x, outs, d, geometry)


def _adaptive_max(ffi, lib, inputs, outs, output_size):
    x = inputs[0]
    if suffix_of(x) is None or len(output_size) > 3:
        return NotImplemented
    d = len(output_size)
    spatial = tuple(x._shape[-d:])

    def make():
        taps = [_windows().adaptive_taps(n, o) for n, o in zip(spatial, output_size)]
        firsts = [[t[0] if t else 0 for t in dim] for dim in taps]
        return _max_tables(ffi, spatial, output_size, taps, firsts, (1,) * d, (0, 0, 0))
    geometry = _geometry(("adaptive_max_pool", spatial, tuple(output_size)), make)
    if geometry[2] and x.numel():
        return NotImplemented
    return _max(ffi, lib, x, outs, d, geometry)


# ------------------------------------------------------------ take / scatter

def _indices_ok(indices, low_only: bool, plane: int) -> bool:
    array = dense(indices)
    if array.size == 0:
        return True
    return array.min() >= 0 and (low_only or array.max() < plane)


def _take(ffi, lib, inputs, outs, dims):
    x, indices = inputs
    spec = outs[0]
    if suffix_of(x) is None or indices.dtype.name != "int64" or dims > 3:
        return NotImplemented
    out = empty(spec.shape, spec.dtype)
    planes, plane = _lead_and_plane(x.shape, dims)
    if out.numel() == 0:
        return out
    if plane == 0 or not _indices_ok(indices, True, plane):
        return NotImplemented
    call = Buffers(ffi)
    getattr(lib, f"torsh_pool_take_{suffix_of(x)}")(
        planes, plane, out.numel() // planes, call.of(dense(x)),
        call.of(dense(indices)), call.tensor(out))
    return out


def _scatter(ffi, lib, values, indices, spec, d, accumulate):
    out = empty(spec.shape, spec.dtype)
    if out.numel() == 0:
        return out
    planes, plane = _lead_and_plane(spec.shape, d)
    call = Buffers(ffi)
    getattr(lib, f"torsh_pool_scatter_{suffix_of(values)}")(
        planes, plane, values.numel() // planes if planes else 0, call.of(dense(values)),
        call.of(dense(indices)), call.tensor(out), int(accumulate))
    return out


def _max_pool_backward(ffi, lib, inputs, outs, input_size):
    g, indices = inputs
    if suffix_of(g) is None or indices.dtype.name != "int64" or len(input_size) > 3:
        return NotImplemented
    plane = _prod(input_size)
    if not _indices_ok(indices, True, plane):
        return NotImplemented
    return _scatter(ffi, lib, g, indices, outs[0], len(input_size), True)


def _max_unpool(ffi, lib, inputs, outs, output_size):
    x, indices = inputs
    if suffix_of(x) is None or indices.dtype.name != "int64" or len(output_size) > 3:
        return NotImplemented
    if not _indices_ok(indices, False, _prod(output_size)):
        return NotImplemented          # the reference raises PyTorch's error
    return _scatter(ffi, lib, x, indices, outs[0], len(output_size), False)


# ------------------------------------------------------------ means

def _divisors(ffi, divisors):
    return ffi.new("double[]", [float(v) for dim in _as3_tables(divisors, [1]) for v in dim])


def _mean_tables(ffi, x_sizes, out_sizes, per_dim_taps, divisors):
    """(sizes, tables, divisors) for torsh_pool3_mean."""
    tables = []
    for taps in _as3_tables(per_dim_taps, [[0]]):
        lo, hi = _lo_hi(taps)
        tables += lo + hi
    sizes = [*_as3(x_sizes, 1), *_as3(out_sizes, 1)]
    return _int64s(ffi, sizes), _int64s(ffi, tables), _divisors(ffi, divisors)


def _mean(ffi, lib, x, spec, d, geometry, override):
    out = empty(spec.shape, spec.dtype)
    if out.numel() == 0:
        return out
    sizes, tables, divisors = geometry
    call = Buffers(ffi)
    getattr(lib, f"torsh_pool3_mean_{suffix_of(x) or 'i64'}")(
        _prod(x._shape[:-d]), sizes, tables, divisors, float(override or 0),
        call.of(dense(x)), call.tensor(out))
    return out


def _mean_backward_tables(ffi, input_size, g_sizes, per_dim_taps, divisors):
    """(sizes, tables, divisors, output cells) for torsh_pool3_mean_backward."""
    input_size = _as3(input_size, 1)
    tables = []
    for taps, n in zip(_as3_tables(per_dim_taps, [[0]]), input_size):
        first, end = _readers(taps, n)
        tables += first + end
    sizes = [*input_size, *_as3(g_sizes, 1)]
    return (_int64s(ffi, sizes), _int64s(ffi, tables), _divisors(ffi, divisors),
            max(_prod(sizes[3:]), 1))


def _mean_backward(ffi, lib, g, spec, d, geometry, override):
    out = empty(spec.shape, spec.dtype)
    if out.numel() == 0:
        return out
    if g.numel() == 0:
        out._storage.data[:] = 0
        return out
    sizes, tables, divisors, cells = geometry
    call = Buffers(ffi)
    getattr(lib, f"torsh_pool3_mean_backward_{suffix_of(g)}")(
        _prod(g._shape[:-d]), sizes, tables, divisors, float(override or 0),
        call.of(dense(g)), call.tensor(out),
        call.of(np.empty(cells * max(lib.torsh_get_num_threads(), 1))))
    return out


def _avg_windows(spatial, kernel_size, stride, padding, ceil_mode, count_include_pad):
    """(taps per dim, divisors per dim) of an avg_pool (divisors multiply across dims)."""
    sizes, taps = _windows().pool_geometry(spatial, kernel_size, stride, padding,
                                (1,) * len(kernel_size), ceil_mode)
    if count_include_pad:
        divisors = [_windows().pool_spans(*args) for args in
                    zip(spatial, sizes, kernel_size, stride, padding)]
    else:
        divisors = [[len(t) for t in dim] for dim in taps]
    return taps, divisors


def _avg_pool(ffi, lib, inputs, outs, kernel_size, stride, padding, ceil_mode,
              count_include_pad, divisor_override):
    x = inputs[0]
    integer = x.dtype.name == "int64"
    if suffix_of(x) is None and not integer or len(kernel_size) > 3:
        return NotImplemented
    d = len(kernel_size)
    spatial = tuple(x._shape[-d:])

    def make():
        taps, divisors = _avg_windows(spatial, kernel_size, stride, padding, ceil_mode,
                                      count_include_pad)
        positive = all(v > 0 for dim in divisors for v in dim)
        return _mean_tables(ffi, spatial, outs[0].shape[-d:], taps, divisors), positive
    geometry, positive = _geometry(("avg_pool", spatial, tuple(kernel_size), tuple(stride),
                                    tuple(padding), ceil_mode, count_include_pad), make)
    if integer and ((divisor_override or 1) < 0 or not divisor_override and not positive):
        return NotImplemented          # Python's floor division by a negative divisor, or 0
    return _mean(ffi, lib, x, outs[0], d, geometry, divisor_override)


def _avg_pool_backward(ffi, lib, inputs, outs, input_size, kernel_size, stride, padding,
                       ceil_mode, count_include_pad, divisor_override):
    g = inputs[0]
    if suffix_of(g) is None or len(kernel_size) > 3:
        return NotImplemented
    d = len(kernel_size)

    def make():
        taps, divisors = _avg_windows(tuple(input_size), kernel_size, stride, padding,
                                      ceil_mode, count_include_pad)
        return _mean_backward_tables(ffi, input_size, g._shape[-d:], taps, divisors)
    geometry = _geometry(("avg_pool_backward", tuple(input_size), tuple(g._shape[-d:]),
                          tuple(kernel_size), tuple(stride), tuple(padding), ceil_mode,
                          count_include_pad), make)
    return _mean_backward(ffi, lib, g, outs[0], d, geometry, divisor_override)


def _adaptive_windows(spatial, output_size):
    taps = [_windows().adaptive_taps(n, o) for n, o in zip(spatial, output_size)]
    return taps, [[len(t) for t in dim] for dim in taps]


def _adaptive_avg(ffi, lib, inputs, outs, output_size):
    x = inputs[0]
    if suffix_of(x) is None or len(output_size) > 3:
        return NotImplemented
    d = len(output_size)
    spatial = tuple(x._shape[-d:])

    def make():
        taps, divisors = _adaptive_windows(spatial, output_size)
        return _mean_tables(ffi, spatial, output_size, taps, divisors)
    geometry = _geometry(("adaptive_avg_pool", spatial, tuple(output_size)), make)
    return _mean(ffi, lib, x, outs[0], d, geometry, None)


def _adaptive_avg_backward(ffi, lib, inputs, outs, input_size):
    g = inputs[0]
    if suffix_of(g) is None or len(input_size) > 3:
        return NotImplemented
    d = len(input_size)
    pooled = tuple(g._shape[-d:])

    def make():
        taps, divisors = _adaptive_windows(tuple(input_size), pooled)
        return _mean_backward_tables(ffi, input_size, pooled, taps, divisors)
    geometry = _geometry(("adaptive_avg_pool_backward", tuple(input_size), pooled), make)
    return _mean_backward(ffi, lib, g, outs[0], d, geometry, None)


_KERNELS = {"max_pool": _max_pool, "adaptive_max_pool": _adaptive_max, "take_pooled": _take,
            "max_pool_backward": _max_pool_backward, "max_unpool": _max_unpool,
            "avg_pool": _avg_pool, "avg_pool_backward": _avg_pool_backward,
            "adaptive_avg_pool": _adaptive_avg,
            "adaptive_avg_pool_backward": _adaptive_avg_backward}


def kernels(ffi, lib) -> dict:
    return {name: (lambda fn: lambda inputs, outs, **p: fn(ffi, lib, inputs, outs, **p))(fn)
            for name, fn in _KERNELS.items()}
