"""The C random draws (kernels/c/random.c, torsh/backends/c/rng.py): CPython's MT19937 and the
Generator's transforms in C give the numbers the Python Generator gives, bit for bit, and
leave the generator in the same state, so C and Python draws interleave into one stream.

Skipped, with the reason printed, where the library is not built (no C compiler)."""
import numpy as np
import pytest

from torsh._core.generator import Generator
from torsh.backends import C_BACKEND
from torsh.backends.c import rng

pytestmark = pytest.mark.skipif(not C_BACKEND.is_available(),
                                reason=C_BACKEND.unavailable_reason())


def twins(seed):
    return Generator().manual_seed(seed), Generator().manual_seed(seed)


@pytest.mark.parametrize("seed", [0, 7, 67280421310721, 2 ** 64 - 1])
def test_uniform_and_normal_are_the_generators_numbers(seed):
    c, py = twins(seed)
    for digits in (53, 24, 11, 8):
        assert rng.uniform(c, 700, digits).tolist() == [py.uniform(digits) for _ in range(700)]
    assert rng.normal(c, 700).tolist() == [py.standard_normal() for _ in range(700)]
    assert rng.normal(c, 9, -1.5, 0.25).tolist() == [
        -1.5 + 0.25 * py.standard_normal() for _ in range(9)]
    assert c._rng.getstate() == py._rng.getstate()


@pytest.mark.parametrize("first, last", [(0, 0), (0, 9), (-5, 7), (0, 2 ** 32),
                                         (3, 2 ** 40), (-2 ** 63, 2 ** 63 - 2)])
def test_integers_reject_as_randrange_does(first, last):
    c, py = twins(1)
    assert rng.integers(c, 200, first, last).tolist() == [
        py.integer(first, last + 1) for _ in range(200)]
    assert c._rng.getstate() == py._rng.getstate()


def test_ranges_beyond_the_kernel_are_declined():
    c, _ = twins(0)
    before = c._rng.getstate()
    assert rng.integers(c, 3, -2 ** 63, 2 ** 63 - 1) is None      # 2**64 values
    assert c._rng.getstate() == before


def test_permutation_and_bernoulli_follow_the_samplers():
    c, py = twins(3)
    values = list(range(40))
    for i in range(39, 0, -1):
        j = py.integer(0, i + 1)
        values[i], values[j] = values[j], values[i]
    assert rng.permutation(c, 40).tolist() == values
    p = np.linspace(0.0, 1.0, 33)
    assert rng.bernoulli(c, p).tolist() == [py.uniform() < q for q in p]
    assert c._rng.getstate() == py._rng.getstate()


def test_c_and_python_draws_interleave_across_the_twist():
    c, py = twins(11)
    for count in (1, 623, 2, 700, 5):       # crosses several regenerations of the 624 words
        assert rng.uniform(c, count).tolist() == [py.uniform() for _ in range(count)]
        assert c.uniform() == py.uniform()
    assert rng.uniform(c, 0).size == 0 and c._rng.getstate() == py._rng.getstate()
