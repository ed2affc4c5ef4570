"""Random sampling: rand, randn, randint, randperm, normal, bernoulli, multinomial, the *_like
forms and the seeding functions (torsh.manual_seed, ...). The in-place samplers (uniform_,
normal_, random_, ...) are in `random_inplace.py`.

Every value is drawn from a `torsh.Generator` (the default one unless `generator=` is given) as
a Python float or int, and rounded once to the output dtype, like every op's result. Sampling
is not differentiable: results are new leaves (PyTorch records a node that passes zero
gradients). Draws happen on the CPU; a result for another device is copied there afterwards.
"""
from __future__ import annotations

import math

from .._core import dtype as dt
from .._core import generator as _seeding
from .._core.errors import DTypeNotImplemented, InvalidArgumentRuntime
from .._core.generator import SIGNIFICAND_DIGITS, Generator, default_generator
from .._core.shape import broadcast_shapes, check_shape, numel, parse_shape_args
from ..backends.reference import to_array
from ..tensor import Tensor
from ._op import PUBLIC, public
from ._sampling import (TYPE_NAME, check_probability, check_std, int_arg, integer_range,
                        integers, need_float, new_leaf, pick_generator, probabilities_of,
                        values_of)

PUBLIC["Generator"] = Generator
PUBLIC["default_generator"] = default_generator
for _name in ("manual_seed", "seed", "initial_seed", "get_rng_state", "set_rng_state"):
    PUBLIC[_name] = getattr(_seeding, _name)


def _shape(size_args, size, op: str) -> tuple:
    if size is not None:
        if size_args:
            raise TypeError(f"{op}(): size given both positionally and as size=")
        size_args = (size,)
    if not size_args:
        raise TypeError(f"{op}(): missing the size argument")
    return parse_shape_args(size_args, op)


# ------------------------------------------------------------ creating random tensors

@public("rand", method=False)
def rand(*size_args, size=None, generator=None, out=None, dtype=None, layout=None, device=None,
         requires_grad=False, pin_memory=False) -> Tensor:
    """Uniform on [0, 1): k / 2**d for uniform k < 2**d, d the dtype's significand digits."""
    shape = _shape(size_args, size, "rand")
    dtype = dtype or (out.dtype if out is not None else dt.get_default_dtype())
    need_float(dtype, "check_uniform_bounds", "rand")
    gen, digits = pick_generator(generator, device, "rand"), SIGNIFICAND_DIGITS[dtype.name]
    values = gen.uniforms(numel(shape), digits)
    return new_leaf(values, shape, dtype, device, requires_grad, out, "rand")


@public("randn", method=False)
def randn(*size_args, size=None, generator=None, out=None, dtype=None, layout=None,
          device=None, requires_grad=False, pin_memory=False) -> Tensor:
    """Standard normal N(0, 1) samples (Box-Muller from the generator's uniforms)."""
    shape = _shape(size_args, size, "randn")
    dtype = dtype or (out.dtype if out is not None else dt.get_default_dtype())
    need_float(dtype, "normal_kernel_cpu", "randn")
    gen = pick_generator(generator, device, "randn")
    values = gen.normals(numel(shape))
    return new_leaf(values, shape, dtype, device, requires_grad, out, "randn")


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
    low = 0 if low is None else int_arg(low, "low", "randint")
    high = int_arg(high, "high", "randint")
    dtype = dtype or (out.dtype if out is not None else dt.int64)
    first, last = integer_range(dtype, low, high, "randint")
    gen = pick_generator(generator, device, "randint")
    values = integers(gen, numel(shape), first, last)
    return new_leaf(values, shape, dtype, device, requires_grad, out, "randint")


@public("randperm", method=False)
def randperm(n, *, generator=None, out=None, dtype=None, layout=None, device=None,
             requires_grad=False, pin_memory=False) -> Tensor:
    """A random permutation of 0..n-1 (Fisher-Yates: swap each slot with a random earlier one)."""
    n = int_arg(n, "n", "randperm")
    check_shape((n,), "randperm")
    dtype = dtype or (out.dtype if out is not None else dt.int64)
    if dtype is dt.bool_:
        raise DTypeNotImplemented("randperm: \"randperm\" not implemented for 'Bool'")
    if dtype.is_floating_point:
        limit = (1 << SIGNIFICAND_DIGITS[dtype.name]) + 1
        if n > limit:
            raise InvalidArgumentRuntime(f"randperm: n cannot be greater than {limit} for "
                                         f"{TYPE_NAME[dtype.name]} type.")
    elif n - 1 > dt.iinfo(dtype).max:
        raise InvalidArgumentRuntime(f"randperm: value {n - 1} cannot be converted to type "
                                     f"{dtype.name} without overflow")
    gen = pick_generator(generator, device, "randperm")
    return new_leaf(gen.permutation(n), (n,), dtype, device, requires_grad, out, "randperm")


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
        check_std(std, "normal")
        shape = check_shape(size, "normal")
        dtype = dtype or (out.dtype if out is not None else dt.get_default_dtype())
        need_float(dtype, "normal_kernel_cpu", "normal")
        gen = pick_generator(generator, device, "normal")
        values = gen.normals(numel(shape), mean, std)
        return new_leaf(values, shape, dtype, device, requires_grad, out, "normal")
    if size is not None or dtype is not None or device is not None or requires_grad:
        raise TypeError("normal(): size, dtype, device and requires_grad are accepted only "
                        "with a number mean and std")
    shapes = [t._shape for t in (mean, std) if isinstance(t, Tensor)]
    shape = broadcast_shapes(*shapes, op="normal")
    reference = mean if mean_t else std
    need_float(reference.dtype, "normal_kernel_cpu", "normal")
    means = values_of(mean, shape) if mean_t else [float(mean)] * numel(shape)
    if std_t:
        stds = values_of(std, shape)
        if not all(s >= 0 for s in stds):
            raise InvalidArgumentRuntime("normal expects all elements of std >= 0.0")
    else:
        check_std(float(std), "normal")
        stds = [float(std)] * numel(shape)
    gen = pick_generator(generator, reference.device, "normal")
    values = [m + s * gen.standard_normal() for m, s in zip(means, stds)]
    return new_leaf(values, shape, reference.dtype, reference.device, False, out, "normal")


@public("bernoulli")
def bernoulli(input, p=None, *, generator=None, out=None) -> Tensor:
    """1 with probability p_i (the input's elements, or the number p), else 0; input's dtype."""
    shape = input._shape
    gen = pick_generator(generator, input.device, "bernoulli")
    if p is None:
        draws = gen.bernoullis(probabilities_of(input, shape, "bernoulli"))
    else:
        draws = gen.bernoullis(check_probability(p, "bernoulli"), numel(shape))
    return new_leaf(draws, shape, input.dtype, input.device, False, out, "bernoulli")


@public("multinomial")
def multinomial(input, num_samples, replacement=False, *, generator=None, out=None) -> Tensor:
    """Category indices drawn with probability weight_i / sum(weights), per row of input.

    Without replacement each index appears at most once per row; zero-weight indices are
    drawn only once every positive-weight index has been (uniformly among themselves).
    """
    op = "multinomial"
    num_samples = int_arg(num_samples, "num_samples", op)
    if input.ndim not in (1, 2):
        raise InvalidArgumentRuntime(f"{op}: prob_dist must be 1 or 2 dim, got "
                                     f"{input.ndim} dims")
    if not input.dtype.is_floating_point:
        raise InvalidArgumentRuntime(f"{op} only supports floating-point dtypes for input, "
                                     f"got: {TYPE_NAME[input.dtype.name]}")
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
    gen = pick_generator(generator, input.device, op)
    values = []
    for row in rows:
        values += _sample_row(list(row), num_samples, replacement, gen)
    shape = input._shape[:-1] + (num_samples,)
    return new_leaf(values, shape, dt.int64, input.device, False, out, op)


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

