"""Making tensors: from Python data and numpy, filled with a value, ranges, identity.

These are not ops with a reference (nothing is computed from inputs); they fill fresh storage.
They follow PyTorch where it is particular: dtype inference promotes the items' dtypes (bool,
int64, the default float; a tensor's own dtype); values are checked against the dtype's range
as PyTorch's scalar conversion does; integer ranges truncate their bounds first.
"""
from __future__ import annotations

import math

import numpy as np

from .._core import dtype as dt
from .._core.allocator import allocate
from .._core.device import as_device
from .._core.errors import DTypeNotImplemented, InvalidArgument, InvalidArgumentRuntime
from .._core.shape import check_shape, parse_shape_args
from .._core.storage import Storage
from ..tensor import Tensor
from ._op import method_only, public


def finish_creation(tensor: Tensor, device, requires_grad: bool) -> Tensor:
    """A freshly made tensor moved to `device` (if given) and marked as requiring grad."""
    if device is not None and as_device(device) != tensor.device:
        tensor = tensor.to(as_device(device))
    if requires_grad:
        tensor.requires_grad_(True)
    return tensor


def _infer_dtype(data) -> dt.dtype:
    """PyTorch's rule: promote the dtypes of every item (bool, int64, the default float for
    Python numbers; a tensor's or numpy scalar's own dtype); an empty sequence is default."""
    if isinstance(data, Tensor):
        return data.dtype
    if isinstance(data, (np.generic, np.ndarray)):
        return dt.from_numpy(data.dtype)
    if isinstance(data, (list, tuple)):
        result = None
        for item in data:
            kind = _infer_dtype(item)
            result = kind if result is None else dt.promote_types(result, kind)
        return result or dt.get_default_dtype()
    if isinstance(data, (bool, int, float)):
        return dt.scalar_dtype(data)
    if isinstance(data, str):
        raise TypeError("tensor: invalid data type 'str'")
    raise InvalidArgumentRuntime(f"tensor: Could not infer dtype of {type(data).__name__}")


def checked_value(value, dtype: dt.dtype, op: str):
    """`value` as a number of `dtype`, refusing what PyTorch's checked conversion refuses:
    NaN, inf or out-of-range numbers for integers (a negative int wraps into an unsigned type
    when its magnitude fits) and finite numbers beyond a float dtype's range."""
    if isinstance(value, (np.generic, Tensor)):
        value = value.item()
    if dtype is dt.bool_ or isinstance(value, bool):
        return value
    if isinstance(value, int) and value < -2 ** 63:
        raise OverflowError(f"{op}: can't convert negative int to unsigned ({value})")
    if dtype.is_floating_point:
        fits = math.isinf(value) or value != value or abs(value) <= dt.finfo(dtype).max
    else:
        info = dt.iinfo(dtype)
        low = -info.max if isinstance(value, int) and not dtype.is_signed else info.min
        fits = value == value and low <= value <= info.max
    if not fits:
        raise InvalidArgumentRuntime(f"{op}: value {value} cannot be converted to type "
                                     f"{dtype.name} without overflow")
    return value


def _is_sequence(item) -> bool:
    return isinstance(item, (list, tuple)) or isinstance(item, np.ndarray) and item.ndim > 0


def _nested_shape(data) -> list:
    """The shape read, as PyTorch does, from the first item at each depth (a str counts as a
    sequence there, so it nests without end)."""
    shape, item = [], data
    while _is_sequence(item) or isinstance(item, str):
        if isinstance(item, str) or len(shape) > 64:
            raise ValueError(f"tensor: too many dimensions '{type(item).__name__}'")
        shape.append(len(item))
        if not len(item):
            break
        item = item[0]
    return shape


def _number_in(item, dtype: dt.dtype):
    """One element of nested data as a Python number. A tensor there must hold one element:
    floats read it as float() (ValueError otherwise), integers as an index (TypeError unless
    it is an integer tensor of one element), as PyTorch does."""
    if isinstance(item, Tensor):
        if dtype.is_floating_point:
            if item.numel() != 1:
                raise ValueError("tensor: only one element tensors can be converted to Python "
                                 "scalars (use torsh.stack to join tensors)")
        elif item.numel() != 1 or item.dtype.is_floating_point:
            raise TypeError("tensor: only integer tensors of a single element can be converted "
                            "to an index")
        return item.item()
    if isinstance(item, (np.generic, np.ndarray)):
        return item.item()
    if isinstance(item, (bool, int, float)):
        return item
    raise TypeError(f"tensor: expected a number, not {type(item).__name__}")


def _nested_to_numpy(data, dtype: dt.dtype | None) -> np.ndarray:
    """Nested data as an array of `dtype` (inferred if None). Every sequence at a depth must
    have the length of the first (ValueError); integer dtypes refuse values that do not fit
    (RuntimeError; ints wider than 64 bits: ValueError); floats round, overflowing to inf."""
    shape = _nested_shape(data)
    dtype = dtype or _infer_dtype(data)
    flat: list = []

    def store(item, dim):
        if dim == len(shape):
            flat.append(_number_in(item, dtype))
            return
        if not _is_sequence(item):
            raise TypeError(f"tensor: not a sequence ({type(item).__name__} at dim {dim})")
        if len(item) != shape[dim]:
            raise ValueError(f"tensor: expected sequence of length {shape[dim]} at dim {dim} "
                             f"(got {len(item)})")
        for x in item:
            store(x, dim + 1)
    if math.prod(shape):
        store(data, 0)
    for v in flat:
        if isinstance(v, int) and not isinstance(v, bool) and not -2 ** 63 <= v < 2 ** 63 \
                and dtype.category == dt.INTEGRAL:
            raise ValueError(f"tensor: Overflow when unpacking long ({v})")
    if dtype.category == dt.INTEGRAL:
        flat = [checked_value(v, dtype, "tensor") for v in flat]
    return dt.round_to(flat, dtype).reshape(shape)


@public("tensor", method=False)
def tensor(data, *, dtype=None, device=None, requires_grad=False, pin_memory=False) -> Tensor:
    """A new tensor holding a copy of `data` (numbers, nested sequences, arrays, tensors)."""
    if isinstance(data, Tensor):
        result = data.detach().clone()
        result = result.to(dtype) if dtype is not None else result
    elif isinstance(data, np.ndarray):
        source_dtype = dt.from_numpy(data.dtype)
        result = Tensor._from_numpy(np.array(data, dtype=source_dtype.numpy, copy=True))
        if dtype is not None:
            result = result.to(dtype)
    else:
        result = Tensor._from_numpy(_nested_to_numpy(data, dtype))
    return finish_creation(result, device, requires_grad)


@public("as_tensor", method=False)
def as_tensor(data, dtype=None, device=None) -> Tensor:
    """Like `tensor`, but shares memory with a tensor or numpy array when no conversion is
    needed."""
    if isinstance(data, Tensor):
        result = data if dtype is None else data.to(dtype)
        return result if device is None else result.to(device)
    if isinstance(data, np.ndarray):
        result = from_numpy(data)
        return as_tensor(result, dtype, device)
    return tensor(data, dtype=dtype, device=device)


@public("from_numpy", method=False)
def from_numpy(array: np.ndarray) -> Tensor:
    """A tensor sharing memory with `array` (writes through either are visible in both)."""
    if not isinstance(array, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(array).__name__})")
    dtype = dt.from_numpy(array.dtype)
    item = array.itemsize
    if any(s < 0 for s in array.strides):
        raise ValueError("At least one stride in the given numpy array is negative, and tensors "
                         "with negative strides are not currently supported. (You can probably "
                         "work around this by making a copy of your array with array.copy().)")
    if any(s % item for s in array.strides):
        raise ValueError("given numpy array strides not a multiple of the element byte size")
    strides = tuple(s // item for s in array.strides)
    extent = 1 + sum((n - 1) * s for n, s in zip(array.shape, strides)) if array.size else 0
    flat = np.lib.stride_tricks.as_strided(array, shape=(extent,), strides=(item,))
    return Tensor(Storage(flat), array.shape, strides, 0, dtype)


def _filled(shape, value, dtype, device, requires_grad, op="full") -> Tensor:
    dtype = dtype or dt.get_default_dtype()
    value = checked_value(value, dtype, op)
    storage = allocate(math.prod(shape), dtype)
    storage.data.fill(dt.round_to([value], dtype)[0])
    return finish_creation(Tensor(storage, shape, dtype=dtype), device, requires_grad)


def _size_argument(args, size, op: str) -> tuple:
    """f(2, 3), f((2, 3)) or f(size=(2, 3)). Unlike PyTorch (a TypeError), f() with no size
    is accepted as the 0-d shape: torsh's own tests build 0-d tensors as zeros(*shape)."""
    if args and size is not None:
        raise TypeError(f"{op}(): the size was given both positionally and as size=")
    if size is not None:
        args = (size,)
    return parse_shape_args(args, op)


def _creation(name: str, value):
    def create(*size_args, size=None, out=None, dtype=None, layout=None, device=None,
               requires_grad=False, pin_memory=False, memory_format=None):
        shape = _size_argument(size_args, size, name)
        return _filled(shape, value, dtype, device, requires_grad)
    create.__name__ = name
    create.__doc__ = f"A new tensor of the given size filled with {value}."

    def like(input, *, dtype=None, layout=None, device=None, requires_grad=False,
             memory_format=None):
        return _filled(tuple(input.shape), value, dtype or input.dtype,
                       device or input.device, requires_grad)
    like.__name__ = name + "_like"

    def new(self, *size_args, size=None, dtype=None, device=None, requires_grad=False,
            layout=None, pin_memory=False):
        shape = _size_argument(size_args, size, "new_" + name)
        return _filled(shape, value, dtype or self.dtype, device or self.device, requires_grad)
    public(name, method=False)(create)
    public(name + "_like", method=False)(like)
    method_only("new_" + name)(new)


_creation("zeros", 0)
_creation("ones", 1)
_creation("empty", 0)   # empty memory is zeroed: reading it is still a bug, but a reproducible one


@public("full", method=False)
def full(size, fill_value, *, out=None, dtype=None, layout=None, device=None,
         requires_grad=False):
    """A tensor of `size` filled with fill_value; dtype inferred from fill_value if not given."""
    shape = check_shape(size, "full")
    if isinstance(fill_value, Tensor):
        fill_value = fill_value.item()
    return _filled(shape, fill_value, dtype or dt.scalar_dtype(fill_value), device, requires_grad)


@public("full_like", method=False)
def full_like(input, fill_value, *, dtype=None, layout=None, device=None, requires_grad=False,
              memory_format=None):
    return _filled(tuple(input.shape), fill_value, dtype or input.dtype, device or input.device,
                   requires_grad)


@method_only("new_full")
def new_full(self, size, fill_value, *, dtype=None, device=None, requires_grad=False):
    return _filled(check_shape(size, "new_full"), fill_value, dtype or self.dtype,
                   device or self.device, requires_grad)


@method_only("new_tensor")
def new_tensor(self, data, *, dtype=None, device=None, requires_grad=False):
    return tensor(data, dtype=dtype or self.dtype, device=device or self.device,
                  requires_grad=requires_grad)


@public("empty_strided", method=False)
def empty_strided(size, stride, *, dtype=None, device=None, requires_grad=False):
    size, stride = check_shape(size, "empty_strided"), tuple(stride)
    if len(size) != len(stride):
        raise InvalidArgumentRuntime(f"empty_strided: dimensionality of sizes ({len(size)}) "
                                     f"must match dimensionality of strides ({len(stride)})")
    extent = 1 + sum((n - 1) * s for n, s in zip(size, stride)) if all(size) else 0
    dtype = dtype or dt.get_default_dtype()
    result = Tensor(Storage(np.zeros(extent, dtype=dtype.numpy)), size, stride, 0, dtype)
    return finish_creation(result, device, requires_grad)


@public("scalar_tensor", method=False)
def scalar_tensor(value, *, dtype=None, device=None, requires_grad=False):
    return _filled((), value, dtype or dt.get_default_dtype(), device, requires_grad,
                   "scalar_tensor")


# ------------------------------------------------------------ ranges

def _number(value):
    return value.item() if isinstance(value, Tensor) else value


def _check_range(start, end, step, op="arange"):
    """PyTorch's arange checks, made in double precision."""
    if not (step > 0 or step < 0):
        raise InvalidArgumentRuntime(f"{op}: step must be nonzero")
    if not (math.isfinite(start) and math.isfinite(end)):
        raise InvalidArgumentRuntime(f"{op}: unsupported range: {start} -> {end}")
    if (step > 0 and end < start) or (step < 0 and end > start):
        raise InvalidArgumentRuntime(f"{op}: upper bound and lower bound inconsistent with "
                                     f"step sign (start={start}, end={end}, step={step})")


def _as_int64(value, op) -> int:
    """A bound or step as PyTorch's 64-bit integer accumulator holds it: truncated (checked)."""
    return int(checked_value(value, dt.int64, op))


def _truncated_division(a: int, b: int) -> int:
    """a / b rounded toward zero, as C's integer division."""
    quotient = abs(a) // abs(b)
    return quotient if (a >= 0) == (b > 0) else -quotient


@public("arange", method=False)
def arange(start, end=None, step=1, *, out=None, dtype=None, layout=None, device=None,
           requires_grad=False):
    """start + i * step for i < ceil((end - start) / step): [start, end) by step.

    As PyTorch: integer results truncate start and step first (arange(0.5, 3, dtype=int32)
    is 0, 1, 2); int64 also truncates end and counts in integers; floats count in double.
    """
    if end is None:
        start, end = 0, start
    start, end, step = _number(start), _number(end), _number(step)
    _check_range(start, end, step)
    if dtype is None:
        is_float = any(isinstance(v, float) for v in (start, end, step))
        dtype = dt.get_default_dtype() if is_float else dt.int64
    if dtype is dt.bool_:
        raise DTypeNotImplemented("arange: \"arange_cpu\" not implemented for 'Bool'")
    if dtype is dt.int64:
        first, last, stride = (_as_int64(v, "arange") for v in (start, end, step))
        if stride == 0:
            raise InvalidArgument(f"arange: step must be nonzero (step {step} truncates to 0)")
        count = _truncated_division(last - first + stride - (1 if stride > 0 else -1), stride)
    else:
        count = math.ceil((end - start) / step)
    if dtype.is_floating_point:
        values = [start + i * step for i in range(count)]
    else:
        first, stride = _as_int64(start, "arange"), _as_int64(step, "arange")
        values = [first + i * stride for i in range(count)]
    return finish_creation(Tensor._from_numpy(dt.round_to(values, dtype)), device, requires_grad)


@public("range", method=False)
def range_(start, end, step=1, *, out=None, dtype=None, layout=None, device=None,
           requires_grad=False):
    """Deprecated in PyTorch: start + i * step for i <= trunc((end - start) / step), so end
    is included; the default float dtype unless `dtype` is given. As PyTorch, integer results
    truncate start, end and step first (a step that truncates to 0 is refused here, where
    PyTorch 2.13 divides by zero)."""
    start, end, step = _number(start), _number(end), _number(step)
    dtype = dtype or dt.get_default_dtype()
    if dtype is dt.bool_:
        raise DTypeNotImplemented("range: \"range_cpu\" not implemented for 'Bool'")
    if not dtype.is_floating_point:
        start, end, step = (_as_int64(v, "range") for v in (start, end, step))
    _check_range(start, end, step, "range")
    if dtype.is_floating_point:
        count = int((end - start) / step) + 1
    else:
        count = _truncated_division(end - start, step) + 1
    values = [start + i * step for i in range(count)]
    return finish_creation(Tensor._from_numpy(dt.round_to(values, dtype)), device, requires_grad)


def _as_dtype(value, dtype, op):
    """A bound converted to the result dtype first, as PyTorch does (checked; integers
    truncate and wrap: linspace(-3, 4, 8, dtype=uint8) starts at 253)."""
    value = dt.round_to([checked_value(value, dtype, op)], dtype)[0]
    return float(value) if dtype.is_floating_point else int(value)


def _spaced(start, end, steps):
    """`steps` values from start to end: the first half up from start, the second half down
    from end (so both ends are exact)."""
    if steps == 1:
        return [start]
    step = (end - start) / (steps - 1)
    half = steps // 2
    return [start + i * step if i < half else end - (steps - 1 - i) * step
            for i in range(steps)]


def _check_steps(steps, op):
    if steps < 0:
        raise InvalidArgumentRuntime(f"{op}: number of steps must be non-negative, got {steps}")


def _truncate(value: float) -> int:
    """A double cast to an integer (toward zero); NaN and inf, undefined in C, give -2^63."""
    return int(value) if math.isfinite(value) else -2 ** 63


@public("linspace", method=False)
def linspace(start, end, steps, *, out=None, dtype=None, layout=None, device=None,
             requires_grad=False):
    """`steps` evenly spaced values from start to end inclusive: start + i * (end - start) /
    (steps - 1), the second half counted down from end so both ends are exact.

    start and end are first converted to the result dtype (integers truncate and wrap), and
    integer results truncate each value.
    """
    _check_steps(steps, "linspace")
    dtype = dtype or dt.get_default_dtype()
    if dtype is dt.bool_:
        raise DTypeNotImplemented("linspace: \"linspace_cpu\" not implemented for 'Bool'")
    start, end = (_as_dtype(_number(v), dtype, "linspace") for v in (start, end))
    values = _spaced(start, end, steps)
    if not dtype.is_floating_point:
        values = [_truncate(v) for v in values]
    return finish_creation(Tensor._from_numpy(dt.round_to(values, dtype)), device, requires_grad)


def _power(base: float, exponent: float) -> float:
    """C's pow: NaN for a negative base to a fractional power, inf for 0 to a negative power
    and on overflow (negative for a negative base to an odd power)."""
    try:
        return math.pow(base, exponent)
    except OverflowError:
        odd = exponent % 2 == 1
        return -math.inf if base < 0 and odd else math.inf
    except ValueError:
        return math.inf if base == 0 else math.nan


@public("logspace", method=False)
def logspace(start, end, steps, base=10.0, *, out=None, dtype=None, layout=None, device=None,
             requires_grad=False):
    """base ** linspace(start, end, steps), the exponents spaced as in linspace.

    As PyTorch: start and end are first converted to the result dtype (integers truncate),
    an integer result takes the base in float32 and truncates each power; with one step the
    result is base ** start, start unconverted.
    """
    _check_steps(steps, "logspace")
    dtype = dtype or dt.get_default_dtype()
    if dtype is dt.bool_:
        raise DTypeNotImplemented("logspace: \"logspace_cpu\" not implemented for 'Bool'")
    start, end = _number(start), _number(end)
    if steps == 1:
        exponents = [float(start)]
    else:
        start, end = (_as_dtype(v, dtype, "logspace") for v in (start, end))
        exponents = _spaced(float(start), float(end), steps)
    if not dtype.is_floating_point:
        base = float(np.float32(base))
    values = [_power(float(base), e) for e in exponents]
    if not dtype.is_floating_point:
        values = [_truncate(v) for v in values]
    return finish_creation(Tensor._from_numpy(dt.round_to(values, dtype)), device, requires_grad)


@public("eye", method=False)
def eye(n, m=None, *, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    """An n x m matrix with ones on the diagonal."""
    m = n if m is None else m
    check_shape((n, m), "eye")
    dtype = dtype or dt.get_default_dtype()
    values = [1 if i == j else 0 for i in range(n) for j in range(m)]
    array = dt.round_to(values, dtype).reshape(n, m)
    return finish_creation(Tensor._from_numpy(array), device, requires_grad)
