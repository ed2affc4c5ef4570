"""The in-place samplers: uniform_, normal_, random_, bernoulli_, exponential_, cauchy_,
log_normal_ and geometric_, methods that refill a tensor with fresh draws.

Each checks its arguments (PyTorch's messages), draws self.numel() values from the generator
as Python numbers, and writes them into self, rounded once to self's dtype. Writing counts as
an in-place op; if self requires grad, the overwritten values get a zero gradient, as from
PyTorch's sampling nodes. The samplers that make new tensors are in `random.py`.
"""
from __future__ import annotations

import math

from .._core import dtype as dt
from .._core.errors import DTypeNotImplemented, InvalidArgumentRuntime
from .._core.generator import Generator
from ..autograd.grad_mode import is_grad_enabled
from ..tensor import Tensor
from ._op import method_only
from ._sampling import (C_TYPE_NAME, TYPE_NAME, check_probability, check_std, continuous_only,
                        fmt, int_arg, integer_range, integers, need_float, new_leaf, number,
                        pick_generator, probabilities_of)


def _fill(self: Tensor, values: list) -> Tensor:
    """Write freshly drawn values (row-major over self's shape) into self."""
    fresh = new_leaf(values, self._shape, self.dtype, self.device, False)
    if self.requires_grad and is_grad_enabled():
        # As PyTorch's sampling nodes, pass a zero gradient to what was overwritten.
        keep_fresh = new_leaf([True] * self.numel(), self._shape, dt.bool_, self.device, False)
        fresh = fresh.where(keep_fresh, self.clone())
    return self.copy_(fresh)


def _start(self: Tensor, generator, op: str) -> Generator:
    from ..dispatch import check_inplace_target
    check_inplace_target(self, op)
    return pick_generator(generator, self.device, op)


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
    return [number(v) for v in values]


@method_only("uniform_")
def uniform_(self, *args, generator=None, **kwargs) -> Tensor:
    """Fill with from + (to - from) * u, u uniform in [0, 1), rounded down onto the dtype's
    values (from and to rounded to the dtype first), so results stay in [from, to)."""
    low, high = (float(v) for v in _from_to(args, kwargs, (0.0, 1.0), "uniform_"))
    gen = _start(self, generator, "uniform_")
    need_float(self.dtype, "check_uniform_bounds", "uniform_")
    info, c_name = dt.finfo(self.dtype), C_TYPE_NAME[self.dtype.name]
    for name, value in (("from", low), ("to", high)):
        if not info.min <= value <= info.max:
            raise InvalidArgumentRuntime(f"uniform_: {name} is out of bounds for {c_name}")
    if low > high:
        raise InvalidArgumentRuntime(f"uniform_ expects to return a [from, to) range, but found "
                                     f"from={fmt(low)} > to={fmt(high)}")
    if high - low > info.max:
        raise InvalidArgumentRuntime(f"uniform_ expects to-from <= std::numeric_limits<"
                                     f"{TYPE_NAME[self.dtype.name]}>::max(), but found "
                                     f"to={fmt(high)} and from={fmt(low)} which result in "
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
    mean, std = float(number(mean)), float(number(std))
    gen = _start(self, generator, "normal_")
    check_std(std, "normal_")
    need_float(self.dtype, "normal_kernel_cpu", "normal_")
    return _fill(self, gen.normals(self.numel(), mean, std))


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
    low = None if low is None else int_arg(low, "from", "random_")
    high = None if high is None else int_arg(high, "to", "random_")
    first, last = integer_range(self.dtype, low, high, "random_")
    return _fill(self, integers(gen, self.numel(), first, last))


@method_only("bernoulli_")
def bernoulli_(self, p=0.5, *, generator=None) -> Tensor:
    """Fill with 1 with probability p (a number, or a tensor broadcast to self), else 0."""
    gen = _start(self, generator, "bernoulli_")
    if isinstance(p, Tensor):
        return _fill(self, gen.bernoullis(probabilities_of(p.expand(self._shape), self._shape,
                                                           "bernoulli_")))
    return _fill(self, gen.bernoullis(check_probability(p, "bernoulli_"), self.numel()))


@method_only("exponential_")
def exponential_(self, lambd=1.0, *, generator=None) -> Tensor:
    """Fill with -ln(u) / lambd, u uniform in (0, 1): density lambd * exp(-lambd * x)."""
    lambd = float(number(lambd))
    gen = _start(self, generator, "exponential_")
    if not lambd > 0.0:
        raise InvalidArgumentRuntime(f"exponential_ expects lambda > 0.0, but found "
                                     f"lambda={fmt(lambd)}")
    continuous_only(self.dtype, "Exponential", "exponential_")
    return _fill(self, [-math.log(gen.open_uniform()) / lambd for _ in range(self.numel())])


@method_only("cauchy_")
def cauchy_(self, median=0.0, sigma=1.0, *, generator=None) -> Tensor:
    """Fill with median + sigma * tan(pi * (u - 1/2)), u uniform in (0, 1)."""
    median, sigma = float(number(median)), float(number(sigma))
    gen = _start(self, generator, "cauchy_")
    if not sigma > 0.0:
        raise InvalidArgumentRuntime(f"cauchy_ expects sigma > 0.0, but found "
                                     f"sigma={fmt(sigma)}")
    continuous_only(self.dtype, "Cauchy", "cauchy_")
    values = [median + sigma * math.tan(math.pi * (gen.open_uniform() - 0.5))
              for _ in range(self.numel())]
    return _fill(self, values)


@method_only("log_normal_")
def log_normal_(self, mean=1.0, std=2.0, *, generator=None) -> Tensor:
    """Fill with exp(mean + std * z), z standard normal (overflow gives inf)."""
    mean, std = float(number(mean)), float(number(std))
    gen = _start(self, generator, "log_normal_")
    if not std > 0.0:
        raise InvalidArgumentRuntime(f"log_normal_ expects std > 0.0, but found "
                                     f"std={fmt(std)}")
    need_float(self.dtype, "log_normal_cpu", "log_normal_")
    values = [_exp(mean + std * gen.standard_normal()) for _ in range(self.numel())]
    return _fill(self, values)


def _exp(x: float) -> float:
    return math.exp(x) if x < 709.8 else math.inf


@method_only("geometric_")
def geometric_(self, p, *, generator=None) -> Tensor:
    """Fill with the number of Bernoulli(p) trials up to the first success (1, 2, ...):
    ceil(ln(u) / ln(1 - p)) for u uniform in (0, 1)."""
    p = float(number(p))
    gen = _start(self, generator, "geometric_")
    if not 0.0 < p < 1.0:
        raise InvalidArgumentRuntime(f"geometric_ expects p to be in (0, 1), but got "
                                     f"p={fmt(p)}")
    if self.dtype is dt.bool_:
        raise DTypeNotImplemented("geometric_: \"geometric_cpu\" not implemented for 'Bool'")
    values = [max(1, math.ceil(math.log(gen.open_uniform()) / math.log1p(-p)))
              for _ in range(self.numel())]
    return _fill(self, values)
