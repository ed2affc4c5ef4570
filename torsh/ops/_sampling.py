"""What the samplers of random.py and random_inplace.py share: argument checks that raise
PyTorch's errors, the integer range random_ and randint draw from, and the leaf a draw becomes.

Nothing here draws a number or becomes part of torsh's API: the draws are the Generator's
methods (`torsh/_core/generator.py`), the samplers are in the two modules above.
"""
from __future__ import annotations

import warnings

import numpy as np

from .._core import dtype as dt
from .._core.device import as_device
from .._core.errors import DTypeNotImplemented, DTypeRuntimeError, InvalidArgumentRuntime
from .._core.generator import SIGNIFICAND_DIGITS, Generator, default_generator
from .._core.shape import as_index
from .._core.allocator import allocate
from ..backends.reference import from_array, to_array
from ..tensor import Tensor
from ._array import Array, broadcast_to
from .creation import finish_creation

# PyTorch's names of the dtypes in its messages: the scalar type, and the C++ type.
TYPE_NAME = {"bool": "Bool", "uint8": "Byte", "int8": "Char", "int16": "Short", "int32": "Int",
             "int64": "Long", "float16": "Half", "bfloat16": "BFloat16", "float32": "Float",
             "float64": "Double"}
C_TYPE_NAME = {"bool": "bool", "uint8": "unsigned char", "int8": "signed char",
               "int16": "short", "int32": "int", "int64": "long", "float16": "c10::Half",
               "bfloat16": "c10::BFloat16", "float32": "float", "float64": "double"}


# ------------------------------------------------------------ shared checks and builders

def fmt(value) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def number(value):
    return value.item() if isinstance(value, Tensor) else value


def pick_generator(generator, device, op: str) -> Generator:
    """The generator to draw from; it must live on the same kind of device as the result."""
    if generator is None:
        generator = default_generator
    if not isinstance(generator, Generator):
        raise TypeError(f"{op}(): argument 'generator' must be torsh.Generator, not "
                        f"{type(generator).__name__}")
    device = as_device(device)
    if generator.device.type != device.type:
        raise InvalidArgumentRuntime(f"{op}: Expected a '{device.type}' device type for "
                                     f"generator but found '{generator.device.type}'")
    return generator


def need_float(dtype: dt.dtype, kernel: str, op: str) -> None:
    if not dtype.is_floating_point:
        raise DTypeNotImplemented(f"{op}: \"{kernel}\" not implemented for "
                                  f"'{TYPE_NAME[dtype.name]}'")


def continuous_only(dtype: dt.dtype, distribution: str, op: str) -> None:
    if not dtype.is_floating_point:
        raise DTypeRuntimeError(f"{op}: {distribution} distribution is a continuous "
                                f"probability distribution. dtype must be a floating point "
                                f"but you specified {TYPE_NAME[dtype.name]}")


def new_leaf(values, shape, dtype, device, requires_grad, out=None, op="") -> Tensor:
    """A fresh leaf holding `values` (row-major: a list, or the float64 / int64 / bool numpy
    array a generator's accelerator draws), rounded once to dtype; or written to out."""
    if isinstance(values, np.ndarray):      # into the allocator's (aligned, counted) memory
        storage = allocate(values.size, dtype)
        storage.data[...] = round_draws(values, dtype)
        values = Tensor(storage, tuple(shape), dtype=dtype)
    else:
        values = from_array(Array(values, shape), dtype)
    result = finish_creation(values, device, requires_grad)
    if out is None:
        return result
    if tuple(out.shape) != tuple(shape):
        raise InvalidArgumentRuntime(f"{op}: out= has shape {list(out.shape)} but the result "
                                     f"has shape {list(shape)} (torsh does not resize out=)")
    return out.copy_(result)


def round_draws(values: np.ndarray, dtype: dt.dtype) -> np.ndarray:
    """Drawn numbers (float64, int64 or bool) rounded once to dtype exactly as dt.round_to
    rounds the same Python numbers: bool is != 0, integers wrap, floats go through float64 to
    the nearest value of the dtype."""
    if dtype is dt.bool_:
        return values != 0
    if not dtype.is_floating_point:
        return values.astype(dtype.numpy)
    with np.errstate(over="ignore"):
        return values.astype(np.float64).astype(dtype.numpy)


def values_of(tensor: Tensor, shape) -> list:
    """The elements of `tensor` broadcast to `shape`, row-major, as Python numbers."""
    return broadcast_to(to_array(tensor.detach().cpu()), shape).data


# ------------------------------------------------------------ integer ranges (random_, randint)

def integer_range(dtype: dt.dtype, low, high, op: str) -> tuple[int, int]:
    """[first, last] that random_(low, high) draws from in `dtype`.

    high given: [low, high - 1], both representable. high None: [low, top], and with low None
    too [0, top], where top is the dtype's max (integers, bool: 1) or 2**digits (floats: every
    integer up to there is exact).
    """
    for name, value in (("from", low), ("to", high)):
        if value is not None and not -(1 << 63) <= value < (1 << 63):
            raise ValueError(f"{op}: Overflow when unpacking long long ({name}={value})")
    info = dt.finfo(dtype) if dtype.is_floating_point else dt.iinfo(dtype)
    least, most = info.min, info.max
    top = 1 << SIGNIFICAND_DIGITS[dtype.name] if dtype.is_floating_point else most
    low = 0 if low is None else low
    c_name = C_TYPE_NAME[dtype.name]
    if high is not None and low >= high:
        raise InvalidArgumentRuntime(f"{op} expects 'from' to be less than 'to', but got "
                                     f"from={low} >= to={high}")
    if not least <= low <= most:
        raise InvalidArgumentRuntime(f"{op}: from is out of bounds for {c_name}")
    if high is None:
        if dtype.is_floating_point and low >= top:
            raise InvalidArgumentRuntime(f"{op} expects 'from' casted to dtype to be less than "
                                         f"or equal to 'to_inc' casted to dtype, but got "
                                         f"from={low} > to_inc={top}")
        return low, top
    if not least <= high - 1 <= most:
        raise InvalidArgumentRuntime(f"{op}: to - 1 is out of bounds for {c_name}")
    if dtype.is_floating_point:
        digits = SIGNIFICAND_DIGITS[dtype.name]
        for name, value in (("from", low), ("to - 1", high - 1)):
            if abs(value) > top:
                warnings.warn(f"{op}: {name} is out of bounds [-(2^{digits}), 2^{digits}]. Due "
                              f"to precision limitations {c_name} can support discrete uniform "
                              f"distribution only within this range.", UserWarning)
    return low, high - 1


def integers(gen: Generator, count: int, first: int, last: int):
    return gen.integers(count, first, last)


def int_arg(value, name: str, op: str) -> int:
    if isinstance(value, float):
        raise TypeError(f"{op}(): argument '{name}' must be int, not float")
    return as_index(value, name, op)


# ------------------------------------------------------------ std and probabilities

def check_std(std: float, op: str) -> None:
    if not std >= 0.0:
        raise InvalidArgumentRuntime(f"{op} expects std >= 0.0, but found std {fmt(std)}")


def check_probability(p: float, op: str) -> float:
    p = float(number(p))
    if not 0.0 <= p <= 1.0:
        raise InvalidArgumentRuntime(f"{op} expects p to be in [0, 1], but got p={fmt(p)}")
    return p


def probabilities_of(p: Tensor, shape, op: str) -> list:
    need_float(p.dtype, "bernoulli_tensor_cpu_p_", op)
    values = values_of(p, shape)
    if not all(0.0 <= v <= 1.0 for v in values):
        bad = next(v for v in values if not 0.0 <= v <= 1.0)
        raise InvalidArgumentRuntime(f"{op}: expected every probability p to be in [0, 1] "
                                     f"(p_in >= 0 && p_in <= 1), but got p={fmt(bad)}")
    return values
