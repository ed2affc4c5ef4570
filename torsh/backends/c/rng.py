"""Random draws on the C kernels (kernels/c/random.c): the same numbers as the reference.

A torsh.Generator wraps Python's MT19937 (random.Random). Each function here reads the
generator's state (624 words and an index), lets C draw `count` numbers with the
Generator's own transforms (uniform, standard normal, integer, randperm's Fisher-Yates,
bernoulli's comparison) and writes the advanced state back, so draws from C and from Python
interleave into one stream: `torsh.manual_seed(s)` then any mix of C and reference draws
gives the same values as the reference alone. Results are float64 / int64 / bool numpy
arrays holding the exact values the reference draws as Python numbers, to be rounded once
to the output dtype as the reference's are.

Each function returns None when the C library is unavailable or the draw is outside what
the kernels cover (integer ranges wider than 2**64 - 1): the caller then draws in Python.
ACCELERATOR is what the C backend installs as `Generator.accelerator` (the Generator's bulk
draws, used by torsh.rand, randn, randint, randperm, normal, bernoulli, normal_, bernoulli_
and so dropout); it draws here only while the C backend serves the CPU (`serving()`).
"""
from __future__ import annotations

import numpy as np

_WORDS = 624
C_TYPE = {"float64": "double", "int64": "int64_t"}


def serving() -> bool:
    """True when the C backend serves the CPU (first in its chain) and is built: the
    samplers then take their numbers from here."""
    from .. import current
    return current() == "c" and _library()[1] is not None


def _library():
    from . import C_BACKEND
    return (C_BACKEND.ffi, C_BACKEND.lib) if C_BACKEND.is_available() else (None, None)


class _State:
    """The generator's MT19937 state as C buffers, written back by `store`."""

    def __init__(self, ffi, generator):
        version, internal, self.gauss = generator._rng.getstate()
        self.generator, self.version = generator, version
        self.words = np.array(internal[:_WORDS], dtype=np.uint32)
        self.index = ffi.new("int64_t *", internal[_WORDS])
        self.pointer = ffi.from_buffer("uint32_t[]", self.words)

    def store(self):
        internal = tuple(self.words.tolist()) + (int(self.index[0]),)
        self.generator._rng.setstate((self.version, internal, self.gauss))


def _draw(kernel: str, generator, out: np.ndarray, *arguments):
    ffi, lib = _library()
    if lib is None:
        return None
    if out.size == 0:
        return out
    state = _State(ffi, generator)
    pointer = ffi.from_buffer(C_TYPE[out.dtype.name] + "[]", out)
    status = getattr(lib, kernel)(state.pointer, state.index, out.size, *arguments, pointer)
    if status != 0:
        raise RuntimeError(f"C kernel {kernel} refused its arguments {arguments}")
    state.store()
    return out


def uniform(generator, count: int, digits: int = 53):
    """[generator.uniform(digits) for each of count] as float64."""
    return _draw("torsh_random_uniform", generator, np.empty(count, np.float64), digits)


def normal(generator, count: int, mean: float = 0.0, std: float = 1.0):
    """[mean + std * generator.standard_normal() for each of count] as float64."""
    return _draw("torsh_random_normal", generator, np.empty(count, np.float64),
                 float(mean), float(std))


def integers(generator, count: int, first: int, last: int):
    """[generator.integer(first, last + 1) for each of count] as int64, or None when the
    range does not fit the kernel (more than 2**64 - 1 values, or values beyond int64)."""
    span = last + 1 - first
    if not (1 <= span < (1 << 64) and -(1 << 63) <= first and last < (1 << 63)):
        return None
    return _draw("torsh_random_integers", generator, np.empty(count, np.int64), first, span)


def permutation(generator, n: int):
    """torsh.randperm's values: 0..n-1 shuffled by Fisher-Yates with generator.integer."""
    return _draw("torsh_random_permutation", generator, np.empty(n, np.int64))


def bernoulli(generator, probabilities, count=None):
    """[1 if generator.uniform() < p else 0 for p in probabilities] as bool (uint8); with
    `count`, probabilities is one p for all count draws."""
    ffi, lib = _library()
    if lib is None:
        return None
    chances = np.ascontiguousarray(probabilities, dtype=np.float64).reshape(-1)
    out = np.empty(chances.size if count is None else count, np.uint8)
    if out.size == 0:
        return out.astype(bool)
    state = _State(ffi, generator)
    status = lib.torsh_random_bernoulli(state.pointer, state.index, out.size,
                                        ffi.from_buffer("double[]", chances),
                                        1 if count is None else 0,
                                        ffi.from_buffer("uint8_t[]", out))
    if status != 0:
        raise RuntimeError("C kernel torsh_random_bernoulli refused its arguments")
    state.store()
    return out.astype(bool)


class _Accelerator:
    """Generator.accelerator: the bulk draws above while the C backend serves, else None."""

    def uniform(self, generator, count, digits):
        return uniform(generator, count, digits) if serving() else None

    def normal(self, generator, count, mean, std):
        return normal(generator, count, mean, std) if serving() else None

    def integers(self, generator, count, first, last):
        return integers(generator, count, first, last) if serving() else None

    def bernoulli(self, generator, chances, count=None):
        return bernoulli(generator, chances, count) if serving() else None

    def permutation(self, generator, n):
        return permutation(generator, n) if serving() else None


ACCELERATOR = _Accelerator()
