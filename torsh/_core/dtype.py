"""Data types and PyTorch's type-promotion rules.

A dtype names how one element is stored (numpy is only the container). Promotion follows
PyTorch: categories bool < integer < floating; tensors with dimensions outrank 0-d tensors,
which outrank Python scalars, unless a lower-priority operand is of a higher category.
This module must not know about tensors beyond the three facts it is handed.
"""
from __future__ import annotations

import math
from typing import NamedTuple

import ml_dtypes
import numpy as np

BOOL, INTEGRAL, FLOATING = 0, 1, 2


class dtype:
    """An element type: `torsh.float32`, `torsh.int64`, ...; compare with `==` or `is`."""

    __slots__ = ("name", "numpy", "itemsize", "category", "is_signed", "bits")

    def __init__(self, name: str, numpy_type, category: int, is_signed: bool):
        self.name = name
        self.numpy = np.dtype(numpy_type)
        self.itemsize = self.numpy.itemsize
        self.bits = 8 * self.itemsize
        self.category = category
        self.is_signed = is_signed

    @property
    def is_floating_point(self) -> bool:
        return self.category == FLOATING

    @property
    def is_complex(self) -> bool:
        return False

    def to_real(self) -> "dtype":
        return self

    def __repr__(self) -> str:
        return f"torsh.{self.name}"

    def __reduce__(self):
        return (_by_name, (self.name,))


bool_ = dtype("bool", np.bool_, BOOL, False)
uint8 = dtype("uint8", np.uint8, INTEGRAL, False)
int8 = dtype("int8", np.int8, INTEGRAL, True)
int16 = dtype("int16", np.int16, INTEGRAL, True)
int32 = dtype("int32", np.int32, INTEGRAL, True)
int64 = dtype("int64", np.int64, INTEGRAL, True)
float16 = dtype("float16", np.float16, FLOATING, True)
bfloat16 = dtype("bfloat16", ml_dtypes.bfloat16, FLOATING, True)
float32 = dtype("float32", np.float32, FLOATING, True)
float64 = dtype("float64", np.float64, FLOATING, True)

ALL = (bool_, uint8, int8, int16, int32, int64, float16, bfloat16, float32, float64)
ALIASES = {"bool": bool_, "half": float16, "float": float32, "double": float64,
           "short": int16, "int": int32, "long": int64}
_NAMES = {d.name: d for d in ALL}
_FROM_NUMPY = {d.numpy: d for d in ALL}


def _by_name(name: str) -> dtype:
    return _NAMES[name]


def from_numpy(np_dtype) -> dtype:
    """The torsh dtype stored as `np_dtype`; TypeError for types torsh lacks."""
    found = _FROM_NUMPY.get(np.dtype(np_dtype))
    if found is None:
        raise TypeError(f"torsh has no dtype for numpy's {np.dtype(np_dtype)}; "
                        f"supported: {', '.join(d.name for d in ALL)}")
    return found


# ---------------------------------------------------------------- promotion of two dtypes

def promote_types(a: dtype, b: dtype) -> dtype:
    """The smallest dtype both `a` and `b` convert to without leaving their category.

    bool < integers < floats; uint8 with a signed int gives the next signed width that holds
    both (uint8+int8 -> int16); float16 with bfloat16 gives float32.
    """
    if a is b:
        return a
    if a.category != b.category:
        return a if a.category > b.category else b
    if a.category == FLOATING:
        if {a, b} == {float16, bfloat16}:
            return float32
        return a if a.bits > b.bits else b
    # two different integer types
    if a.is_signed == b.is_signed:
        return a if a.bits > b.bits else b
    signed, unsigned = (a, b) if a.is_signed else (b, a)
    if signed.bits > unsigned.bits:
        return signed
    return {8: int16, 16: int32, 32: int64, 64: int64}[unsigned.bits]


def can_cast(from_: dtype, to: dtype) -> bool:
    """PyTorch's same-kind rule: casting never lowers the category (float -> int is unsafe)."""
    return from_.category <= to.category


def _combine_categories(higher: dtype | None, lower: dtype | None) -> dtype | None:
    """Merge a higher-priority result with a lower-priority one (PyTorch's rule)."""
    if higher is None:
        return lower
    if lower is None:
        return higher
    if higher.category == FLOATING:
        return higher
    if higher is bool_ or lower.category == FLOATING:
        return promote_types(higher, lower)
    return higher


class Operand(NamedTuple):
    """What promotion needs to know of one operand."""
    dtype: dtype
    priority: int  # 2: tensor with dims, 1: 0-d tensor, 0: Python scalar


def _promote_all(dtypes) -> dtype | None:
    result = None
    for d in dtypes:
        result = d if result is None else promote_types(result, d)
    return result


def result_type_of(operands: list[Operand]) -> dtype:
    """The dtype PyTorch computes an elementwise op in, given its operands."""
    by_priority = [_promote_all(o.dtype for o in operands if o.priority == p) for p in (2, 1, 0)]
    dim, zero_dim, scalar = by_priority
    result = _combine_categories(dim, _combine_categories(zero_dim, scalar))
    if result is None:
        raise ValueError("result_type needs at least one operand")
    return result


def scalar_dtype(value) -> dtype:
    """The dtype a Python scalar counts as in promotion: bool, int64 or the default float."""
    if isinstance(value, (bool, np.bool_)):
        return bool_
    if isinstance(value, (int, np.integer)):
        return int64
    if isinstance(value, (float, np.floating)):
        return get_default_dtype()
    raise TypeError(f"expected a number, got {type(value).__name__}")


# ---------------------------------------------------------------- default dtype

_default = [float32]


def get_default_dtype() -> dtype:
    return _default[0]


def set_default_dtype(d: dtype) -> None:
    if d not in (float16, bfloat16, float32, float64):
        raise TypeError(f"set_default_dtype: only floating dtypes are allowed, got {d}")
    _default[0] = d


# ---------------------------------------------------------------- finfo / iinfo

class finfo:
    """Machine limits of a floating dtype: bits, eps, max, min, tiny (smallest normal)."""

    def __init__(self, type: dtype | None = None):
        type = type or get_default_dtype()
        if type.category != FLOATING:
            raise TypeError(f"finfo: expected a floating dtype, got {type}")
        info = ml_dtypes.finfo(type.numpy) if type is bfloat16 else np.finfo(type.numpy)
        self.dtype = type.name
        self.bits = type.bits
        self.eps = float(info.eps)
        self.max = float(info.max)
        self.min = float(info.min)
        self.tiny = self.smallest_normal = float(info.smallest_normal)
        # PyTorch's resolution is exactly 10^-precision, precision = floor(-log10(eps))
        self.resolution = 10.0 ** -math.floor(-math.log10(self.eps))

    def __repr__(self) -> str:
        return (f"finfo(resolution={self.resolution}, min={self.min:g}, max={self.max:g}, "
                f"eps={self.eps:g}, smallest_normal={self.tiny:g}, tiny={self.tiny:g}, "
                f"dtype={self.dtype})")


class iinfo:
    """Limits of an integer dtype: bits, min, max (bool: 0 and 1, where PyTorch raises)."""

    def __init__(self, type: dtype):
        if type.category == FLOATING:
            raise TypeError(f"iinfo: expected an integer dtype, got {type} (torsh.iinfo() "
                            f"requires an integer input type; use torsh.finfo for floats)")
        self.dtype = type.name
        self.bits = type.bits
        if type is bool_:   # PyTorch raises TypeError here; torsh's samplers rely on 0..1
            self.min, self.max = 0, 1
            return
        self.min = -(1 << (type.bits - 1)) if type.is_signed else 0
        self.max = (1 << (type.bits - 1)) - 1 if type.is_signed else (1 << type.bits) - 1

    def __repr__(self) -> str:
        return f"iinfo(min={self.min}, max={self.max}, dtype={self.dtype})"


def wrap_integer(value: int, d: dtype) -> int:
    """Two's-complement wrap of a Python int to the width of integer dtype `d`."""
    if d is bool_:
        return bool(value)
    span = 1 << d.bits
    value %= span
    if d.is_signed and value >= span >> 1:
        value -= span
    return value


def _as_integer(value, d: dtype) -> int:
    """int(value), except NaN and ±inf: the smallest int32/int64, 0 for narrower types (the
    rule of to_dtype, x86's)."""
    if isinstance(value, float) and not math.isfinite(value):
        return -(1 << (d.bits - 1)) if d.bits >= 32 else 0
    return int(value)


def round_to(values: list, d: dtype) -> np.ndarray:
    """Round Python numbers once to dtype `d`: floats to nearest, integers wrap (a NaN or
    infinite float as to_dtype casts it), bool is != 0."""
    if d is bool_:
        return np.array([bool(v) for v in values], dtype=np.bool_)
    if d.category == INTEGRAL:
        return np.array([wrap_integer(_as_integer(v, d), d) for v in values], dtype=d.numpy)
    as_double = np.array([float(v) for v in values], dtype=np.float64)
    with np.errstate(over="ignore"):   # overflow to ±inf is the intended rounding
        return as_double.astype(d.numpy)


def is_nan(v) -> bool:
    return isinstance(v, float) and math.isnan(v)
