"""Random sampling: rand, randn, randint, randperm, normal, bernoulli, multinomial, the *_like
forms, the in-place samplers (uniform_, normal_, random_, ...) and the seeding functions.

Every value is drawn from a `torsh.Generator` (the default one unless `generator=` is given) as
a Python float or int, and rounded once to the output dtype, like every op's result. Sampling
is not differentiable: results are new leaves (PyTorch records a node that passes zero
gradients; an in-place sampler on a tensor that requires grad does the same here).
Draws happen on the CPU; a result for another device is copied there afterwards.
"""
from __future__ import annotations

import math
import warnings

from .._core import dtype as dt
from .._core.device import as_device
from .._core.errors import DTypeRuntimeError, InvalidArgumentRuntime
from .._core import generator as _seeding
from .._core.generator import SIGNIFICAND_DIGITS, Generator, default_generator
from .._core.shape import as_index, broadcast_shapes, check_shape, numel, parse_shape_args
from ..backends.reference import from_array, to_array
from ..autograd.grad_mode import is_grad_enabled
from ..tensor import Tensor
from ._array import Array, broadcast_to
from ._op import PUBLIC, method_only, public
from .creation import _finish

PUBLIC["Generator"] = Generator
PUBLIC["default_generator"] = default_generator
for _name in ("manual_seed", "seed", "initial_seed", "get_rng_state", "set_rng_state"):
    PUBLIC[_name] = getattr(_seeding, _name)

_TYPE_NAME = {"bool": "Bool", "uint8": "Byte", "int8": "Char", "int16": "Short", "int32": "Int",
              "int64": "Long", "float16": "Half", "bfloat16": "BFloat16", "float32": "Float",
              "float64": "Double"}
_C_TYPE_NAME = {"bool": "bool", "uint8": "unsigned char", "int8": "signed char",
                "int16": "short", "int32": "int", "int64": "long", "float16": "c10::Half",
                "bfloat16": "c10::BFloat16", "float32": "float", "float64": "double"}


class DTypeNotImplemented(DTypeRuntimeError, NotImplementedError):
    """A sampler with no kernel for a dtype (PyTorch raises NotImplementedError)."""


# ------------------------------------------------------------ shared checks and builders

def _fmt(value) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _number(value):
    return value.item() if isinstance(value, Tensor) else value


def _generator(generator, device, op: str) -> Generator:
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


def _need_float(dtype: dt.dtype, kernel: str, op: str) -> None:
    if not dtype.is_floating_point:
        raise DTypeNotImplemented(f"{op}: \"{kernel}\" not implemented for "
                                  f"'{_TYPE_NAME[dtype.name]}'")


def _continuous_only(dtype: dt.dtype, distribution: str, op: str) -> None:
    if not dtype.is_floating_point:
        raise DTypeRuntimeError(f"{op}: {distribution} distribution is a continuous "
                                f"probability distribution. dtype must be a floating point "
                                f"but you specified {_TYPE_NAME[dtype.name]}")


def _shape(size_args, size, op: str) -> tuple:
    if size is not None:
        if size_args:
            raise TypeError(f"{op}(): size given both positionally and as size=")
        size_args = (size,)
    if not size_args:
        raise TypeError(f"{op}(): missing the size argument")
    return parse_shape_args(size_args, op)


def _new(values: list, shape, dtype, device, requires_grad, out=None, op="") -> Tensor:
    """A fresh leaf holding `values` (row-major), rounded once to dtype; or written to out."""
    result = _finish(from_array(Array(values, shape), dtype), device, requires_grad)
    if out is None:
        return result
    if tuple(out.shape) != tuple(shape):
        raise InvalidArgumentRuntime(f"{op}: out= has shape {list(out.shape)} but the result "
                                     f"has shape {list(shape)} (torsh does not resize out=)")
    return out.copy_(result)


def _values_of(tensor: Tensor, shape) -> list:
    """The elements of `tensor` broadcast to `shape`, row-major, as Python numbers."""
    return broadcast_to(to_array(tensor.detach().cpu()), shape).data


# ------------------------------------------------------------ integer ranges (random_, randint)

def _integer_range(dtype: dt.dtype, low, high, op: str) -> tuple[int, int]:
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
    c_name = _C_TYPE_NAME[dtype.name]
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


def _integers(gen: Generator, count: int, first: int, last: int) -> list:
    return [gen.integer(first, last + 1) for _ in range(count)]


def _int_arg(value, name: str, op: str) -> int:
    if isinstance(value, float):
        raise TypeError(f"{op}(): argument '{name}' must be int, not float")
    return as_index(value, name, op)


# ------------------------------------------------------------ creating random tensors

@public("rand", method=False)
def rand(*size_args, size=None, generator=None, out=None, dtype=None, layout=None, device=None,
         requires_grad=False, pin_memory=False) -> Tensor:
    """Uniform on [0, 1): k / 2**d for uniform k < 2**d, d the dtype's significand digits."""
    shape = _shape(size_args, size, "rand")
    dtype = dtype or (out.dtype if out is not None else dt.get_default_dtype())
    _need_float(dtype, "check_uniform_bounds", "rand")
    gen, digits = _generator(generator, device, "rand"), SIGNIFICAND_DIGITS[dtype.name]
    values = [gen.uniform(digits) for _ in range(numel(shape))]
    return _new(values, shape, dtype, device, requires_grad, out, "rand")


@public("randn", method=False)
def randn(*size_args, size=None, generator=None, out=None, dtype=None, layout=None,
          device=None, requires_grad=False, pin_memory=False) -> Tensor:
    """Standard normal N(0, 1) samples (Box-Muller from the generator's uniforms)."""
    shape = _shape(size_args, size, "randn")
    dtype = dtype or (out.dtype if out is not None else dt.get_default_dtype())
    _need_float(dtype, "normal_kernel_cpu", "randn")
    gen = _generator(generator, device, "randn")
    values = [gen.standard_normal() for _ in range(numel(shape))]
    return _new(values, shape, dtype, device, requires_grad, out, "randn")


@public("randint", method=False)
def randint(*args, size=None, low=None, high=None, generator=None, out=None, dtype=None,
            layout=None, device=None, requires_grad=False, pin_memory=False) -> Tensor:
    """randint(high, size) or randint(low=0, high, size): uniform integers in [low, high)."""
    args = list(args)
    if size is None:
        if not args:
            raise TypeError("randint(): missing the size argument")
        size = args.pop()
    if len(args) > 2:
        raise TypeError(f"randint(): expected at most (low, high, size), got {len(args) + 1} "
                        f"positional arguments")
    if len(args) == 2:
        low, high = args
    elif len(args) == 1:
        low, high = (args[0], high) if high is not None else (low, args[0])
    if not isinstance(size, (tuple, list)):
        raise TypeError(f"randint(): argument 'size' must be tuple of ints, not "
                        f"{type(size).__name__}")
    if high is None:
        raise TypeError("randint(): missing the required argument 'high'")
    shape = check_shape(size, "randint")
    low = 0 if low is None else _int_arg(low, "low", "randint")
    high = _int_arg(high, "high", "randint")
    dtype = dtype or (out.dtype if out is not None else dt.int64)
    first, last = _integer_range(dtype, low, high, "randint")
    gen = _generator(generator, device, "randint")
    values = _integers(gen, numel(shape), first, last)
    return _new(values, shape, dtype, device, requires_grad, out, "randint")


@public("randperm", method=False)
def randperm(n, *, generator=None, out=None, dtype=None, layout=None, device=None,
             requires_grad=False, pin_memory=False) -> Tensor:
    """A random permutation of 0..n-1 (Fisher-Yates: swap each slot with a random earlier one)."""
    n = _int_arg(n, "n", "randperm")
    check_shape((n,), "randperm")
    dtype = dtype or (out.dtype if out is not None else dt.int64)
    if dtype is dt.bool_:
        raise DTypeNotImplemented("randperm: \"randperm\" not implemented for 'Bool'")
    if dtype.is_floating_point:
        limit = (1 << SIGNIFICAND_DIGITS[dtype.name]) + 1
        if n > limit:
            raise InvalidArgumentRuntime(f"randperm: n cannot be greater than {limit} for "
                                         f"{_TYPE_NAME[dtype.name]} type.")
    elif n - 1 > dt.iinfo(dtype).max:
        raise InvalidArgumentRuntime(f"randperm: value {n - 1} cannot be converted to type "
                                     f"{dtype.name} without overflow")
    gen = _generator(generator, device, "randperm")
    values = list(range(n))
    for i in range(n - 1, 0, -1):
        j = gen.integer(0, i + 1)
        values[i], values[j] = values[j], values[i]
    return _new(values, (n,), dtype, device, requires_grad, out, "randperm")


@public("normal", method=False)
def normal(mean, std=1.0, size=None, *, generator=None, out=None, dtype=None, layout=None,
           device=None, pin_memory=False, requires_grad=False) -> Tensor:
    """mean + std * z for standard normal z; mean and std are tensors (broadcast) or numbers.

    With a tensor, the result has the broadcast shape, the mean's dtype (else the std's) and
    takes no size/dtype/device. With two numbers, size is required. std must be >= 0.
    """
    mean_t, std_t = isinstance(mean, Tensor), isinstance(std, Tensor)
    if not (mean_t or std_t):
        if size is None:
            raise TypeError("normal(): with a number mean and std, the size argument is "
                            "required")
        mean, std = float(mean), float(std)
        _check_std(std, "normal")
        shape = check_shape(size, "normal")
        dtype = dtype or (out.dtype if out is not None else dt.get_default_dtype())
        _need_float(dtype, "normal_kernel_cpu", "normal")
        gen = _generator(generator, device, "normal")
        values = [mean + std * gen.standard_normal() for _ in range(numel(shape))]
        return _new(values, shape, dtype, device, requires_grad, out, "normal")
    if size is not None or dtype is not None or device is not None or requires_grad:
        raise TypeError("normal(): size, dtype, device and requires_grad are accepted only "
                        "with a number mean and std")
    shapes = [t._shape for t in (mean, std) if isinstance(t, Tensor)]
    shape = broadcast_shapes(*shapes, op="normal")
    reference = mean if mean_t else std
    _need_float(reference.dtype, "normal_kernel_cpu", "normal")
    means = _values_of(mean, shape) if mean_t else [float(mean)] * numel(shape)
    if std_t:
        stds = _values_of(std, shape)
        if not all(s >= 0 for s in stds):
            raise InvalidArgumentRuntime("normal expects all elements of std >= 0.0")
    else:
        _check_std(float(std), "normal")
        stds = [float(std)] * numel(shape)
    gen = _generator(generator, reference.device, "normal")
    values = [m + s * gen.standard_normal() for m, s in zip(means, stds)]
    return _new(values, shape, reference.dtype, reference.device, False, out, "normal")


def _check_std(std: float, op: str) -> None:
    if not std >= 0.0:
        raise InvalidArgumentRuntime(f"{op} expects std >= 0.0, but found std {_fmt(std)}")


def _check_probability(p: float, op: str) -> float:
    p = float(_number(p))
    if not 0.0 <= p <= 1.0:
        raise InvalidArgumentRuntime(f"{op} expects p to be in [0, 1], but got p={_fmt(p)}")
    return p


def _probabilities_of(p: Tensor, shape, op: str) -> list:
    _need_float(p.dtype, "bernoulli_tensor_cpu_p_", op)
    values = _values_of(p, shape)
    if not all(0.0 <= v <= 1.0 for v in values):
        bad = next(v for v in values if not 0.0 <= v <= 1.0)
        raise InvalidArgumentRuntime(f"{op}: expected every probability p to be in [0, 1] "
                                     f"(p_in >= 0 && p_in <= 1), but got p={_fmt(bad)}")
    return values


@public("bernoulli")
def bernoulli(input, p=None, *, generator=None, out=None) -> Tensor:
    """1 with probability p_i (the input's elements, or the number p), else 0; input's dtype."""
    shape = input._shape
    if p is None:
        chances = _probabilities_of(input, shape, "bernoulli")
    else:
        chances = [_check_probability(p, "bernoulli")] * numel(shape)
    gen = _generator(generator, input.device, "bernoulli")
    values = [1 if gen.uniform() < chance else 0 for chance in chances]
    return _new(values, shape, input.dtype, input.device, False, out, "bernoulli")


@public("multinomial")
def multinomial(input, num_samples, replacement=False, *, generator=None, out=None) -> Tensor:
    """Category indices drawn with probability weight_i / sum(weights), per row of input.

    Without replacement each index appears at most once per row; zero-weight indices are
    drawn only once every positive-weight index has been (uniformly among themselves).
    """
    op = "multinomial"
    num_samples = _int_arg(num_samples, "num_samples", op)
    if input.ndim not in (1, 2):
        raise InvalidArgumentRuntime(f"{op}: prob_dist must be 1 or 2 dim, got "
                                     f"{input.ndim} dims")
    if not input.dtype.is_floating_point:
        raise InvalidArgumentRuntime(f"{op} only supports floating-point dtypes for input, "
                                     f"got: {_TYPE_NAME[input.dtype.name]}")
    if num_samples <= 0:
        raise InvalidArgumentRuntime(f"{op}: cannot sample n_sample <= 0 samples "
                                     f"(num_samples={num_samples})")
    categories = input._shape[-1]
    if not replacement and num_samples > categories:
        raise InvalidArgumentRuntime(f"{op}: cannot sample n_sample > prob_dist.size(-1) "
                                     f"samples without replacement ({num_samples} > "
                                     f"{categories})")
    if categories > 1 << 24:
        raise InvalidArgumentRuntime(f"{op}: number of categories cannot exceed 2^24")
    flat = to_array(input.detach().cpu()).data
    rows = [flat[r * categories:(r + 1) * categories] for r in range(numel(input._shape[:-1]))]
    for row in rows:
        if not all(math.isfinite(w) and w >= 0 for w in row):
            raise InvalidArgumentRuntime(f"{op}: probability tensor contains either `inf`, "
                                         f"`nan` or element < 0")
        if not sum(row) > 0:
            raise InvalidArgumentRuntime(f"{op}: invalid multinomial distribution (sum of "
                                         f"probabilities <= 0)")
    gen = _generator(generator, input.device, op)
    values = []
    for row in rows:
        values += _sample_row(list(row), num_samples, replacement, gen)
    shape = input._shape[:-1] + (num_samples,)
    return _new(values, shape, dt.int64, input.device, False, out, op)


def _sample_row(weights: list, count: int, replacement: bool, gen: Generator) -> list:
    if replacement:
        return [_draw_category(weights, gen) for _ in range(count)]
    chosen, untaken = [], set(range(len(weights)))
    for _ in range(count):
        if sum(weights) > 0:
            pick = _draw_category(weights, gen)
        else:   # only zero-weight categories are left
            remaining = sorted(untaken)
            pick = remaining[gen.integer(0, len(remaining))]
        chosen.append(pick)
        weights[pick] = 0.0
        untaken.discard(pick)
    return chosen


def _draw_category(weights: list, gen: Generator) -> int:
    """The first index whose running sum of weights passes u * total, u uniform in [0, 1)."""
    target = gen.uniform() * sum(weights)
    running, last = 0.0, None
    for i, weight in enumerate(weights):
        if weight > 0:
            running += weight
            last = i
            if target < running:
                return i
    return last     # rounding left the target at the very top: the last positive weight


# ------------------------------------------------------------ *_like

@public("rand_like", method=False)
def rand_like(input, *, dtype=None, layout=None, device=None, requires_grad=False,
              memory_format=None, generator=None) -> Tensor:
    return rand(tuple(input.shape), dtype=dtype or input.dtype, device=device or input.device,
                requires_grad=requires_grad, generator=generator)


@public("randn_like", method=False)
def randn_like(input, *, dtype=None, layout=None, device=None, requires_grad=False,
               memory_format=None, generator=None) -> Tensor:
    return randn(tuple(input.shape), dtype=dtype or input.dtype, device=device or input.device,
                 requires_grad=requires_grad, generator=generator)


@public("randint_like", method=False)
def randint_like(input, low=0, high=None, *, dtype=None, layout=None, device=None,
                 requires_grad=False, memory_format=None, generator=None) -> Tensor:
    """randint_like(input, high) or randint_like(input, low, high): input's shape and dtype."""
    if high is None:
        low, high = 0, low
    return randint(low, high, tuple(input.shape), dtype=dtype or input.dtype,
                   device=device or input.device, requires_grad=requires_grad,
                   generator=generator)


# ------------------------------------------------------------ in-place samplers

def _fill(self: Tensor, values: list) -> Tensor:
    """Write freshly drawn values (row-major over self's shape) into self."""
    fresh = _new(values, self._shape, self.dtype, self.device, False)
    if self.requires_grad and is_grad_enabled():
        # As PyTorch's sampling nodes, pass a zero gradient to what was overwritten.
        keep_fresh = _new([True] * self.numel(), self._shape, dt.bool_, self.device, False)
        fresh = fresh.where(keep_fresh, self.clone())
    return self.copy_(fresh)


def _start(self: Tensor, generator, op: str) -> Generator:
    from ..dispatch import check_inplace_target
    check_inplace_target(self, op)
    return _generator(generator, self.device, op)


def _from_to(args: tuple, kwargs: dict, defaults: tuple, op: str) -> list:
    """PyTorch calls these `from` and `to`; `from` is a Python keyword, so it comes in **kw."""
    if len(args) > 2 or set(kwargs) - {"from", "to"}:
        raise TypeError(f"{op}() takes (from, to, *, generator); got {len(args)} positional "
                        f"arguments and keywords {sorted(kwargs)}")
    values = list(args) + list(defaults[len(args):])
    for name, value in kwargs.items():
        index = ("from", "to").index(name)
        if index < len(args):
            raise TypeError(f"{op}() got multiple values for argument '{name}'")
        values[index] = value
    return [_number(v) for v in values]


@method_only("uniform_")
def uniform_(self, *args, generator=None, **kwargs) -> Tensor:
    """Fill with from + (to - from) * u, u uniform in [0, 1), rounded down onto the dtype's
    values (from and to rounded to the dtype first), so results stay in [from, to)."""
    low, high = (float(v) for v in _from_to(args, kwargs, (0.0, 1.0), "uniform_"))
    gen = _start(self, generator, "uniform_")
    _need_float(self.dtype, "check_uniform_bounds", "uniform_")
    info, c_name = dt.finfo(self.dtype), _C_TYPE_NAME[self.dtype.name]
    for name, value in (("from", low), ("to", high)):
        if not info.min <= value <= info.max:
            raise InvalidArgumentRuntime(f"uniform_: {name} is out of bounds for {c_name}")
    if low > high:
        raise InvalidArgumentRuntime(f"uniform_ expects to return a [from, to) range, but found "
                                     f"from={_fmt(low)} > to={_fmt(high)}")
    if high - low > info.max:
        raise InvalidArgumentRuntime(f"uniform_ expects to-from <= std::numeric_limits<"
                                     f"{_TYPE_NAME[self.dtype.name]}>::max(), but found "
                                     f"to={_fmt(high)} and from={_fmt(low)} which result in "
                                     f"to-from to exceed the limit")
    low, high = (float(v) for v in dt.round_to([low, high], self.dtype))
    values = [low + (high - low) * gen.uniform() for _ in range(self.numel())]
    return _fill(self, _round_down(values, low, high, self.dtype))


def _round_down(values: list, low: float, high: float, dtype: dt.dtype) -> list:
    """Each value rounded toward -inf onto the dtype's grid and kept below `high` (unless
    low == high): grid point g then has the chance of the interval [g, next after g)."""
    import numpy as np
    exact = np.array(values, dtype=np.float64)
    grid = exact.astype(dtype.numpy)
    below = np.array(-np.inf, dtype=dtype.numpy)
    rounded = grid.astype(np.float64)
    too_high = (rounded > exact) | ((rounded >= high) & (low < high))
    grid[too_high] = np.nextafter(grid[too_high], below)
    return grid.astype(np.float64).tolist()


@method_only("normal_")
def normal_(self, mean=0.0, std=1.0, *, generator=None) -> Tensor:
    """Fill with mean + std * z, z standard normal."""
    mean, std = float(_number(mean)), float(_number(std))
    gen = _start(self, generator, "normal_")
    _check_std(std, "normal_")
    _need_float(self.dtype, "normal_kernel_cpu", "normal_")
    return _fill(self, [mean + std * gen.standard_normal() for _ in range(self.numel())])


@method_only("random_")
def random_(self, *args, generator=None, **kwargs) -> Tensor:
    """Uniform integers: random_(from, to) in [from, to), random_(to) in [0, to), random_()
    over [0, max] of an integer dtype or [0, 2**digits] of a floating one (exact integers)."""
    if len(args) == 1 and not kwargs:
        low, high = 0, args[0]
    else:
        low, high = _from_to(args, kwargs, (0, None), "random_")
        if not args and "to" not in kwargs and "from" in kwargs:
            raise TypeError("random_() received from= without to=")
    gen = _start(self, generator, "random_")
    low = None if low is None else _int_arg(low, "from", "random_")
    high = None if high is None else _int_arg(high, "to", "random_")
    first, last = _integer_range(self.dtype, low, high, "random_")
    return _fill(self, _integers(gen, self.numel(), first, last))


@method_only("bernoulli_")
def bernoulli_(self, p=0.5, *, generator=None) -> Tensor:
    """Fill with 1 with probability p (a number, or a tensor broadcast to self), else 0."""
    gen = _start(self, generator, "bernoulli_")
    if isinstance(p, Tensor):
        chances = _probabilities_of(p.expand(self._shape), self._shape, "bernoulli_")
    else:
        chances = [_check_probability(p, "bernoulli_")] * self.numel()
    return _fill(self, [1 if gen.uniform() < chance else 0 for chance in chances])


@method_only("exponential_")
def exponential_(self, lambd=1.0, *, generator=None) -> Tensor:
    """Fill with -ln(u) / lambd, u uniform in (0, 1): density lambd * exp(-lambd * x)."""
    lambd = float(_number(lambd))
    gen = _start(self, generator, "exponential_")
    if not lambd > 0.0:
        raise InvalidArgumentRuntime(f"exponential_ expects lambda > 0.0, but found "
                                     f"lambda={_fmt(lambd)}")
    _continuous_only(self.dtype, "Exponential", "exponential_")
    return _fill(self, [-math.log(gen.open_uniform()) / lambd for _ in range(self.numel())])


@method_only("cauchy_")
def cauchy_(self, median=0.0, sigma=1.0, *, generator=None) -> Tensor:
    """Fill with median + sigma * tan(pi * (u - 1/2)), u uniform in (0, 1)."""
    median, sigma = float(_number(median)), float(_number(sigma))
    gen = _start(self, generator, "cauchy_")
    if not sigma > 0.0:
        raise InvalidArgumentRuntime(f"cauchy_ expects sigma > 0.0, but found "
                                     f"sigma={_fmt(sigma)}")
    _continuous_only(self.dtype, "Cauchy", "cauchy_")
    values = [median + sigma * math.tan(math.pi * (gen.open_uniform() - 0.5))
              for _ in range(self.numel())]
    return _fill(self, values)


@method_only("log_normal_")
def log_normal_(self, mean=1.0, std=2.0, *, generator=None) -> Tensor:
    """Fill with exp(mean + std * z), z standard normal (overflow gives inf)."""
    mean, std = float(_number(mean)), float(_number(std))
    gen = _start(self, generator, "log_normal_")
    if not std > 0.0:
        raise InvalidArgumentRuntime(f"log_normal_ expects std > 0.0, but found "
                                     f"std={_fmt(std)}")
    _need_float(self.dtype, "log_normal_cpu", "log_normal_")
    values = [_exp(mean + std * gen.standard_normal()) for _ in range(self.numel())]
    return _fill(self, values)


def _exp(x: float) -> float:
    return math.exp(x) if x < 709.8 else math.inf


@method_only("geometric_")
def geometric_(self, p, *, generator=None) -> Tensor:
    """Fill with the number of Bernoulli(p) trials up to the first success (1, 2, ...):
    ceil(ln(u) / ln(1 - p)) for u uniform in (0, 1)."""
    p = float(_number(p))
    gen = _start(self, generator, "geometric_")
    if not 0.0 < p < 1.0:
        raise InvalidArgumentRuntime(f"geometric_ expects p to be in (0, 1), but got "
                                     f"p={_fmt(p)}")
    if self.dtype is dt.bool_:
        raise DTypeNotImplemented("geometric_: \"geometric_cpu\" not implemented for 'Bool'")
    values = [max(1, math.ceil(math.log(gen.open_uniform()) / math.log1p(-p)))
              for _ in range(self.numel())]
    return _fill(self, values)
