"""Random numbers: seeding and generators, the samplers' ranges, shapes, dtypes and errors.

Statistical checks use a fixed seed and bounds many standard errors wide, so they cannot flake.
"""
import math

import pytest
from hypothesis import given, strategies as st

import torsh
from torsh.autograd.gradcheck import gradgradcheck


def values(t):
    return t.reshape(-1).tolist()


def mean_std(xs):
    mean = sum(xs) / len(xs)
    return mean, math.sqrt(sum((x - mean) ** 2 for x in xs) / (len(xs) - 1))


# ------------------------------------------------------------ seeding and generators

def draws(generator=None):
    return (values(torsh.rand(5, generator=generator)),
            values(torsh.randn(4, generator=generator)),
            values(torsh.randint(0, 100, (4,), generator=generator)),
            values(torsh.randperm(6, generator=generator)))


def test_manual_seed_twice_gives_identical_sequences():
    torsh.manual_seed(1234)
    first = draws()
    torsh.manual_seed(1234)
    assert draws() == first
    torsh.manual_seed(1235)
    assert draws() != first


def test_manual_seed_returns_default_generator_and_sets_initial_seed():
    assert torsh.manual_seed(7) is torsh.default_generator
    assert torsh.initial_seed() == 7
    assert torsh.manual_seed(-1).initial_seed() == 2 ** 64 - 1   # negative seeds wrap
    assert torsh.manual_seed(5.0).initial_seed() == 5            # int() of the seed
    assert torsh.manual_seed(torsh.tensor(9)).initial_seed() == 9


def test_explicit_generators_are_independent_of_the_default():
    g1, g2 = torsh.Generator(), torsh.Generator(device="cpu")
    assert g1.manual_seed(42) is g1
    g2.manual_seed(42)
    torsh.manual_seed(0)
    a = draws(g1)
    torsh.rand(10)          # the default generator moving does not move g2
    assert draws(g2) == a
    assert g1.initial_seed() == 42 and g1.device == torsh.device("cpu")


def test_fresh_generator_starts_from_pytorch_default_seed():
    assert torsh.Generator().initial_seed() == 67280421310721
    assert draws(torsh.Generator()) == draws(torsh.Generator())


def test_seed_is_nondeterministic_and_recorded():
    s = torsh.seed()
    assert isinstance(s, int) and 0 <= s < 2 ** 64 and torsh.initial_seed() == s
    g = torsh.Generator()
    assert g.seed() == g.initial_seed()


def test_get_state_and_set_state_round_trip():
    g = torsh.Generator().manual_seed(3)
    torsh.rand(3, generator=g)
    state = g.get_state()
    assert state.dtype is torsh.uint8 and state.ndim == 1
    later = draws(g)
    assert g.set_state(state) is g
    assert draws(g) == later
    assert g.initial_seed() == 3
    twin = g.set_state(state).clone_state()
    assert draws(twin) == later and twin is not g


def test_rng_state_of_default_generator():
    torsh.manual_seed(11)
    state = torsh.get_rng_state()
    a = values(torsh.randn(6))
    torsh.set_rng_state(state)
    assert values(torsh.randn(6)) == a


def test_seed_and_state_errors():
    g = torsh.Generator()
    with pytest.raises(RuntimeError, match="manual_seed expected a long, but got float"):
        g.manual_seed(1.5)
    with pytest.raises(RuntimeError, match="manual_seed expected a long"):
        g.manual_seed(True)
    with pytest.raises(ValueError, match="manual_seed.*Overflow"):
        g.manual_seed(2 ** 64)
    with pytest.raises(ValueError, match="manual_seed.*Overflow"):
        torsh.manual_seed(-2 ** 63 - 1)
    with pytest.raises(RuntimeError, match="set_state.*size"):
        g.set_state(torsh.zeros(3, dtype=torsh.uint8))
    with pytest.raises(TypeError, match="set_state.*ByteTensor"):
        g.set_state(torsh.zeros(g.get_state().numel()))
    with pytest.raises(TypeError, match="set_state.*bytes"):
        g.set_state(b"abc")


def test_generator_type_and_device_checks():
    with pytest.raises(TypeError, match="rand.*generator"):
        torsh.rand(2, generator=3)
    with pytest.raises(RuntimeError, match="randn.*'cpu' device type for generator"):
        torsh.randn(2, generator=torsh.Generator("cuda"))


# ------------------------------------------------------------ rand, randn

@pytest.mark.parametrize("make", [lambda f: f(2, 3), lambda f: f((2, 3)), lambda f: f([2, 3]),
                                  lambda f: f(size=(2, 3))])
@pytest.mark.parametrize("fn", [torsh.rand, torsh.randn])
def test_size_forms(fn, make):
    t = make(fn)
    assert t.shape == (2, 3) and t.dtype is torsh.float32 and t.is_leaf


@pytest.mark.parametrize("fn", [torsh.rand, torsh.randn])
def test_zero_dim_empty_dtype_and_requires_grad(fn):
    assert fn(()).shape == () and fn([]).ndim == 0
    assert fn(0, 3).shape == (0, 3) and fn(0).numel() == 0
    assert fn(2, dtype=torsh.float64).dtype is torsh.float64
    t = fn(2, requires_grad=True)
    assert t.requires_grad and t.is_leaf and t.grad_fn is None


@pytest.mark.parametrize("dtype", [torsh.float16, torsh.bfloat16, torsh.float32, torsh.float64])
def test_rand_lies_in_half_open_unit_interval(dtype):
    xs = values(torsh.rand(3000, dtype=dtype, generator=torsh.Generator().manual_seed(0)))
    assert min(xs) >= 0.0 and max(xs) < 1.0
    assert 0.47 < sum(xs) / len(xs) < 0.53


def test_rand_and_randn_statistics():
    torsh.manual_seed(2024)
    mean, std = mean_std(values(torsh.rand(4000)))
    assert abs(mean - 0.5) < 0.03 and abs(std - math.sqrt(1 / 12)) < 0.02
    mean, std = mean_std(values(torsh.randn(4000, dtype=torsh.float64)))
    assert abs(mean) < 0.08 and abs(std - 1) < 0.06


def test_rand_randn_errors():
    with pytest.raises(NotImplementedError, match="rand.*not implemented for 'Long'"):
        torsh.rand(2, dtype=torsh.int64)
    with pytest.raises(NotImplementedError, match="randn.*not implemented for 'Bool'"):
        torsh.randn(2, dtype=torsh.bool)
    with pytest.raises(RuntimeError, match="rand.*negative dimension"):
        torsh.rand(2, -1)
    with pytest.raises(TypeError, match="rand"):
        torsh.rand(2.5)
    with pytest.raises(TypeError, match="randn.*size"):
        torsh.randn()


def test_out_argument():
    out = torsh.zeros(3, dtype=torsh.float64)
    assert torsh.rand(3, out=out) is out
    assert all(0 <= v < 1 for v in values(out)) and out.dtype is torsh.float64
    with pytest.raises(RuntimeError, match="randn: out="):
        torsh.randn(4, out=out)


# ------------------------------------------------------------ randint

def test_randint_covers_exactly_low_to_high():
    torsh.manual_seed(5)
    xs = values(torsh.randint(3, 10, (700,)))
    assert set(xs) == set(range(3, 10))
    assert torsh.randint(3, 10, (2,)).dtype is torsh.int64


def test_randint_argument_forms():
    assert torsh.randint(5, (2, 2)).shape == (2, 2)
    assert set(values(torsh.randint(2, (50,)))) <= {0, 1}
    assert set(values(torsh.randint(high=2, size=(50,)))) <= {0, 1}
    assert set(values(torsh.randint(7, high=9, size=(50,)))) <= {7, 8}
    assert set(values(torsh.randint(low=-2, high=0, size=(50,)))) <= {-2, -1}
    assert torsh.randint(0, 5, (3,), dtype=torsh.float32).dtype is torsh.float32
    assert torsh.randint(0, 2, (4,), dtype=torsh.bool).dtype is torsh.bool
    assert torsh.randint(250, 256, (9,), dtype=torsh.uint8).min().item() >= 250
    assert torsh.randint(0, 3, (0, 2)).shape == (0, 2)
    t = torsh.randint(0, 4, (3,), dtype=torsh.float64, requires_grad=True)
    assert t.requires_grad and t.is_leaf


@given(st.integers(-2 ** 63, 2 ** 63 - 2), st.integers(1, 2 ** 64), st.integers(0, 2 ** 32))
def test_randint_bounds_property(low, width, seed):
    high = min(low + width, 2 ** 63 - 1)
    xs = values(torsh.randint(low, high, (5,), generator=torsh.Generator().manual_seed(seed)))
    assert all(low <= x < high for x in xs)


def test_randint_errors():
    with pytest.raises(RuntimeError, match="randint expects 'from' to be less than 'to', but "
                                           "got from=5 >= to=5"):
        torsh.randint(5, 5, (2,))
    with pytest.raises(RuntimeError, match="randint.*from=5 >= to=3"):
        torsh.randint(5, 3, (2,))
    with pytest.raises(RuntimeError, match="randint: from is out of bounds for unsigned char"):
        torsh.randint(-3, 10, (2,), dtype=torsh.uint8)
    with pytest.raises(RuntimeError, match="randint: to - 1 is out of bounds for bool"):
        torsh.randint(0, 3, (2,), dtype=torsh.bool)
    with pytest.raises(TypeError, match="randint.*'high' must be int, not float"):
        torsh.randint(0, 5.5, (2,))
    with pytest.raises(TypeError, match="randint.*size"):
        torsh.randint(5)
    with pytest.raises(RuntimeError, match="randint.*negative dimension"):
        torsh.randint(0, 5, (-1,))
    with pytest.raises(RuntimeError, match="floating point"):
        torsh.randint(0, 5, (2,), requires_grad=True)


# ------------------------------------------------------------ randperm

@pytest.mark.parametrize("n", [0, 1, 2, 17])
def test_randperm_is_a_permutation(n):
    p = torsh.randperm(n)
    assert p.dtype is torsh.int64 and p.shape == (n,)
    assert sorted(values(p)) == list(range(n))


def test_randperm_dtypes_and_shuffling():
    assert sorted(values(torsh.randperm(5, dtype=torsh.float32))) == [0.0, 1.0, 2.0, 3.0, 4.0]
    assert sorted(values(torsh.randperm(256, dtype=torsh.uint8))) == list(range(256))
    torsh.manual_seed(0)
    perms = {tuple(values(torsh.randperm(4))) for _ in range(60)}
    assert len(perms) > 15     # 24 possible orders


def test_randperm_errors():
    with pytest.raises(RuntimeError, match="randperm.*negative dimension"):
        torsh.randperm(-1)
    with pytest.raises(NotImplementedError, match="randperm.*'Bool'"):
        torsh.randperm(3, dtype=torsh.bool)
    with pytest.raises(RuntimeError, match="randperm: n cannot be greater than 2049 for Half"):
        torsh.randperm(2050, dtype=torsh.float16)
    with pytest.raises(RuntimeError, match="randperm.*uint8 without overflow"):
        torsh.randperm(257, dtype=torsh.uint8)
    with pytest.raises(TypeError, match="randperm.*'n' must be int"):
        torsh.randperm(3.0)


# ------------------------------------------------------------ normal

def test_normal_overloads_shapes_and_dtypes():
    mean, std = torsh.zeros(2, 1), torsh.ones(3)
    assert torsh.normal(mean, std).shape == (2, 3)
    assert torsh.normal(mean, 2.0).shape == (2, 1)
    assert torsh.normal(mean).shape == (2, 1)
    assert torsh.normal(0.0, std).shape == (3,)
    assert torsh.normal(0.0, 1.0, (2, 2)).dtype is torsh.float32
    assert torsh.normal(0, 1, size=(2,), dtype=torsh.float64).dtype is torsh.float64
    assert torsh.normal(torsh.zeros(3, dtype=torsh.float16),
                        torsh.ones(3, dtype=torsh.float64)).dtype is torsh.float16
    assert torsh.normal(1.0, torsh.ones(2, dtype=torsh.float64)).dtype is torsh.float64
    assert torsh.normal(torsh.zeros(0), torsh.ones(0)).shape == (0,)
    assert torsh.normal(torsh.tensor(0.0), torsh.tensor(1.0)).shape == ()


def test_normal_zero_std_gives_mean_and_statistics():
    mean = torsh.tensor([[1.5], [-2.0]])
    assert values(torsh.normal(mean, torsh.zeros(3))) == [1.5] * 3 + [-2.0] * 3
    torsh.manual_seed(99)
    m, s = mean_std(values(torsh.normal(3.0, 2.0, (4000,))))
    assert abs(m - 3.0) < 0.15 and abs(s - 2.0) < 0.12
    m, s = mean_std(values(torsh.normal(torsh.full((4000,), -1.0), 0.5)))
    assert abs(m + 1.0) < 0.04 and abs(s - 0.5) < 0.04


def test_normal_is_not_differentiable():
    mean = torsh.zeros(2, requires_grad=True)
    out = torsh.normal(mean, 1.0)
    assert out.is_leaf and not out.requires_grad


def test_normal_errors():
    with pytest.raises(RuntimeError, match="normal expects std >= 0.0, but found std -1"):
        torsh.normal(torsh.zeros(2), -1.0)
    with pytest.raises(RuntimeError, match="normal expects std >= 0.0, but found std -1"):
        torsh.normal(0.0, -1.0, (2,))
    with pytest.raises(RuntimeError, match="normal expects all elements of std >= 0.0"):
        torsh.normal(torsh.zeros(2), torsh.tensor([1.0, -1.0]))
    with pytest.raises(RuntimeError, match="normal expects all elements of std >= 0.0"):
        torsh.normal(0.0, torsh.tensor([1.0, math.nan]))
    with pytest.raises(RuntimeError, match="normal.*broadcast"):
        torsh.normal(torsh.zeros(2), torsh.ones(3))
    with pytest.raises(NotImplementedError, match="normal.*'Long'"):
        torsh.normal(torsh.zeros(2, dtype=torsh.int64), 1.0)
    with pytest.raises(NotImplementedError, match="normal.*'Long'"):
        torsh.normal(0.0, 1.0, (2,), dtype=torsh.int64)
    with pytest.raises(TypeError, match="normal.*size"):
        torsh.normal(0.0, 1.0)
    with pytest.raises(TypeError, match="normal.*size"):
        torsh.normal(torsh.zeros(2), torsh.ones(2), size=(2,))
    with pytest.raises(RuntimeError, match="normal.*negative dimension"):
        torsh.normal(0.0, 1.0, (-2,))


# ------------------------------------------------------------ bernoulli

def test_bernoulli_extremes_dtype_and_statistics():
    p = torsh.tensor([0.0, 1.0, 0.0, 1.0], dtype=torsh.float64)
    out = torsh.bernoulli(p)
    assert values(out) == [0.0, 1.0, 0.0, 1.0] and out.dtype is torsh.float64
    assert values(p.bernoulli()) == [0.0, 1.0, 0.0, 1.0]
    ints = torsh.bernoulli(torsh.zeros(4, dtype=torsh.int32), 1.0)
    assert values(ints) == [1, 1, 1, 1] and ints.dtype is torsh.int32
    torsh.manual_seed(3)
    assert abs(sum(values(torsh.bernoulli(torsh.full((4000,), 0.3)))) / 4000 - 0.3) < 0.04
    assert abs(sum(values(torsh.zeros(4000).bernoulli(0.8))) / 4000 - 0.8) < 0.04
    assert torsh.bernoulli(torsh.full((2,), 0.5, requires_grad=True)).is_leaf


def test_bernoulli_errors():
    with pytest.raises(RuntimeError, match="bernoulli: expected every probability p to be in"):
        torsh.bernoulli(torsh.tensor([0.5, 2.0]))
    with pytest.raises(RuntimeError, match="bernoulli: expected every probability"):
        torsh.bernoulli(torsh.tensor([math.nan]))
    with pytest.raises(RuntimeError, match=r"bernoulli expects p to be in \[0, 1\], but got "
                                           r"p=1.5"):
        torsh.bernoulli(torsh.zeros(2), 1.5)
    with pytest.raises(NotImplementedError, match="bernoulli.*'Long'"):
        torsh.bernoulli(torsh.tensor([1, 0]))


# ------------------------------------------------------------ multinomial

def test_multinomial_without_replacement_is_distinct_and_skips_zeros():
    probs = torsh.tensor([0.2, 0.0, 0.8, 0.0, 0.5])
    torsh.manual_seed(8)
    for _ in range(40):
        picks = values(torsh.multinomial(probs, 3))
        assert sorted(picks) == [0, 2, 4]
    out = torsh.multinomial(probs, 5)
    picks = values(out)
    assert out.dtype is torsh.int64 and sorted(picks) == [0, 1, 2, 3, 4]
    assert set(picks[:3]) == {0, 2, 4}     # zero weights only once the others are used up


def test_multinomial_with_replacement_frequencies():
    torsh.manual_seed(21)
    picks = values(torsh.multinomial(torsh.tensor([1.0, 0.0, 3.0]), 4000, replacement=True))
    assert picks.count(1) == 0
    assert abs(picks.count(2) / 4000 - 0.75) < 0.04


def test_multinomial_rows_and_method():
    probs = torsh.tensor([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]], dtype=torsh.float64)
    out = probs.multinomial(2, replacement=True)
    assert out.shape == (2, 2) and values(out) == [1, 1, 0, 0]
    assert torsh.multinomial(torsh.ones(0, 3), 1).shape == (0, 1)
    assert torsh.multinomial(torsh.tensor([1e-30, 1.0]), 1).shape == (1,)


def test_multinomial_errors():
    p = torsh.tensor([0.2, 0.0, 0.8])
    with pytest.raises(RuntimeError, match="multinomial: cannot sample n_sample <= 0"):
        torsh.multinomial(p, 0)
    with pytest.raises(RuntimeError, match="multinomial: cannot sample n_sample > "
                                           "prob_dist.size"):
        torsh.multinomial(p, 4)
    with pytest.raises(RuntimeError, match="multinomial: probability tensor contains"):
        torsh.multinomial(torsh.tensor([0.2, -0.1]), 1)
    with pytest.raises(RuntimeError, match="multinomial: probability tensor contains"):
        torsh.multinomial(torsh.tensor([0.2, math.inf]), 1, True)
    with pytest.raises(RuntimeError, match="multinomial: probability tensor contains"):
        torsh.multinomial(torsh.tensor([0.2, math.nan]), 1)
    with pytest.raises(RuntimeError, match="multinomial: invalid multinomial distribution"):
        torsh.multinomial(torsh.tensor([[0.0, 1.0], [0.0, 0.0]]), 1, True)
    with pytest.raises(RuntimeError, match="multinomial: prob_dist must be 1 or 2 dim"):
        torsh.multinomial(torsh.tensor(0.5), 1)
    with pytest.raises(RuntimeError, match="multinomial only supports floating-point"):
        torsh.multinomial(torsh.tensor([1, 2]), 1)
    with pytest.raises(TypeError, match="multinomial.*num_samples"):
        torsh.multinomial(p, 2.0)


# ------------------------------------------------------------ *_like

def test_like_functions_follow_the_input():
    x = torsh.zeros(2, 3, dtype=torsh.float64)
    for fn in (torsh.rand_like, torsh.randn_like):
        assert fn(x).shape == (2, 3) and fn(x).dtype is torsh.float64
        assert fn(x, dtype=torsh.float16).dtype is torsh.float16
        assert fn(x, requires_grad=True).requires_grad
        assert not fn(torsh.zeros(2, requires_grad=True)).requires_grad
    g1, g2 = torsh.Generator().manual_seed(1), torsh.Generator().manual_seed(1)
    assert values(torsh.randn_like(x, generator=g1)) == values(torsh.randn_like(x, generator=g2))
    ints = torsh.randint_like(torsh.zeros(40, dtype=torsh.int32), 3)
    assert ints.dtype is torsh.int32 and set(values(ints)) <= {0, 1, 2}
    assert set(values(torsh.randint_like(x, 3, 5))) <= {3.0, 4.0}
    assert set(values(torsh.randint_like(x, low=3, high=5))) <= {3.0, 4.0}
    with pytest.raises(NotImplementedError, match="rand.*'Long'"):
        torsh.rand_like(torsh.zeros(2, dtype=torsh.int64))
    with pytest.raises(RuntimeError, match="randint expects 'from' to be less than 'to'"):
        torsh.randint_like(x, 5, 3)


def test_gradgradcheck_draws_its_own_cotangents_with_randn_like():
    x = torsh.tensor([0.5, -1.5], dtype=torsh.float64, requires_grad=True)
    assert gradgradcheck(lambda t: t * t * t, (x,))


# ------------------------------------------------------------ in-place samplers

def test_uniform_range_returns_self_and_reproducible():
    x = torsh.zeros(2000, dtype=torsh.float64)
    g = torsh.Generator().manual_seed(4)
    assert x.uniform_(-2.0, 3.0, generator=g) is x
    xs = values(x)
    assert min(xs) >= -2.0 and max(xs) < 3.0 and abs(sum(xs) / len(xs) - 0.5) < 0.15
    again = torsh.zeros(2000, dtype=torsh.float64).uniform_(-2, 3, generator=g.manual_seed(4))
    assert values(again) == xs
    assert set(values(torsh.zeros(5).uniform_(2, 2))) == {2.0}
    keyword = values(torsh.zeros(50).uniform_(**{"from": 5, "to": 6}))
    assert all(5 <= v < 6 for v in keyword)


@pytest.mark.parametrize("dtype, step", [(torsh.float16, 2 ** -10), (torsh.bfloat16, 2 ** -7),
                                         (torsh.float32, 2 ** -23)])
def test_uniform_in_low_precision_is_even_and_stays_below_to(dtype, step):
    """Rounding down onto the dtype's grid: each value in [1, 2) is equally likely, never 2."""
    xs = values(torsh.zeros(20000, dtype=dtype).uniform_(1, 2, generator=torsh.Generator()))
    assert min(xs) >= 1.0 and max(xs) < 2.0
    even = sum(1 for x in xs if round((x - 1) / step) % 2 == 0)
    assert 9000 < even < 11000      # round-to-nearest-even would favour even steps 3 to 1


def test_uniform_errors():
    with pytest.raises(RuntimeError, match=r"uniform_ expects to return a \[from, to\) range, "
                                           r"but found from=1 > to=0"):
        torsh.zeros(3).uniform_(1, 0)
    with pytest.raises(RuntimeError, match="uniform_: to is out of bounds for float"):
        torsh.zeros(3).uniform_(0, math.inf)
    with pytest.raises(RuntimeError, match="uniform_ expects to-from <= std::numeric_limits"):
        torsh.zeros(3, dtype=torsh.float16).uniform_(-6e4, 6e4)
    with pytest.raises(NotImplementedError, match="uniform_.*'Long'"):
        torsh.zeros(3, dtype=torsh.int64).uniform_()


def test_normal_exponential_cauchy_log_normal_statistics():
    torsh.manual_seed(77)
    m, s = mean_std(values(torsh.zeros(3000, dtype=torsh.float64).normal_(2.0, 0.5)))
    assert abs(m - 2.0) < 0.05 and abs(s - 0.5) < 0.04
    xs = values(torsh.zeros(3000, dtype=torsh.float64).exponential_(2.0))
    assert min(xs) > 0 and abs(sum(xs) / len(xs) - 0.5) < 0.05
    xs = sorted(values(torsh.zeros(3001, dtype=torsh.float64).cauchy_(1.0, 0.5)))
    assert abs(xs[1500] - 1.0) < 0.1                      # the median
    assert abs(xs[750] - 0.5) < 0.1 and abs(xs[2250] - 1.5) < 0.1    # quartiles: median +- sigma
    xs = values(torsh.zeros(3000, dtype=torsh.float64).log_normal_(0.5, 0.25))
    m, s = mean_std([math.log(v) for v in xs])
    assert min(xs) > 0 and abs(m - 0.5) < 0.03 and abs(s - 0.25) < 0.03
    assert values(torsh.zeros(3).exponential_(math.inf)) == [0.0, 0.0, 0.0]


def test_geometric_counts_trials():
    torsh.manual_seed(6)
    xs = values(torsh.zeros(3000, dtype=torsh.int64).geometric_(0.25))
    assert min(xs) >= 1 and all(isinstance(v, int) for v in xs)
    assert abs(sum(xs) / len(xs) - 4.0) < 0.3
    assert min(values(torsh.zeros(50).geometric_(p=0.999))) == 1.0


@pytest.mark.parametrize("dtype, low, high", [
    (torsh.bool, 0, 1), (torsh.uint8, 0, 255), (torsh.int8, 0, 127), (torsh.float16, 0, 2048),
    (torsh.bfloat16, 0, 256)])
def test_random_full_range_by_dtype(dtype, low, high):
    xs = values(torsh.zeros(3000, dtype=dtype).random_(generator=torsh.Generator()))
    assert min(xs) >= low and max(xs) <= high
    assert max(xs) >= high * 0.9


def test_random_ranges():
    torsh.manual_seed(1)
    assert set(values(torsh.zeros(200).random_(5))) == {0, 1, 2, 3, 4}
    assert set(values(torsh.zeros(200, dtype=torsh.int64).random_(-3, 2))) == {-3, -2, -1, 0, 1}
    assert set(values(torsh.zeros(100).random_(to=2))) == {0.0, 1.0}
    assert set(values(torsh.zeros(5, dtype=torsh.int8).random_(127, None))) == {127}
    xs = values(torsh.zeros(100, dtype=torsh.int8).random_(-3, None))
    assert min(xs) >= -3
    xs = values(torsh.zeros(100, dtype=torsh.int64).random_())
    assert min(xs) >= 0 and max(xs) > 2 ** 60
    assert all(float(v).is_integer() for v in values(torsh.zeros(50).random_()))


def test_random_errors_and_warning():
    with pytest.raises(RuntimeError, match="random_ expects 'from' to be less than 'to', but got "
                                           "from=5 >= to=2"):
        torsh.zeros(3).random_(5, 2)
    with pytest.raises(RuntimeError, match="random_.*from=0 >= to=0"):
        torsh.zeros(3).random_(0)
    with pytest.raises(RuntimeError, match="random_: from is out of bounds for signed char"):
        torsh.zeros(3, dtype=torsh.int8).random_(-129, 5)
    with pytest.raises(RuntimeError, match="random_: to - 1 is out of bounds for bool"):
        torsh.zeros(3, dtype=torsh.bool).random_(5)
    with pytest.raises(RuntimeError, match="random_: to - 1 is out of bounds for c10::Half"):
        torsh.zeros(3, dtype=torsh.float16).random_(0, 2 ** 20)
    with pytest.raises(RuntimeError, match="random_ expects 'from' casted to dtype"):
        torsh.zeros(3).random_(2 ** 24, None)
    with pytest.raises(TypeError, match="random_.*'to' must be int"):
        torsh.zeros(3).random_(5.5)
    with pytest.raises(ValueError, match="random_: Overflow"):
        torsh.zeros(3, dtype=torsh.int64).random_(0, 2 ** 63)
    with pytest.warns(UserWarning, match="random_: to - 1 is out of bounds"):
        torsh.zeros(3).random_(0, 2 ** 25)


def test_bernoulli_inplace():
    assert values(torsh.zeros(2, 3).bernoulli_(torsh.tensor([0.0, 1.0, 1.0]))) == [0, 1, 1] * 2
    b = torsh.zeros(4, dtype=torsh.bool).bernoulli_(1.0)
    assert b.dtype is torsh.bool and values(b) == [True] * 4
    assert values(torsh.ones(3, dtype=torsh.int64).bernoulli_(p=0.0)) == [0, 0, 0]
    with pytest.raises(RuntimeError, match=r"bernoulli_ expects p to be in \[0, 1\]"):
        torsh.zeros(3).bernoulli_(-0.5)
    with pytest.raises(RuntimeError, match="bernoulli_: expected every probability"):
        torsh.zeros(3).bernoulli_(torsh.tensor([0.0, 2.0, 1.0]))
    with pytest.raises(RuntimeError):
        torsh.zeros(2, 3).bernoulli_(torsh.tensor([0.0, 1.0]))


@pytest.mark.parametrize("call, message", [
    (lambda t: t.normal_(0, -1), "normal_ expects std >= 0.0, but found std -1"),
    (lambda t: t.normal_(0, math.nan), "normal_ expects std >= 0.0, but found std nan"),
    (lambda t: t.exponential_(0), "exponential_ expects lambda > 0.0, but found lambda=0"),
    (lambda t: t.cauchy_(0, -1), "cauchy_ expects sigma > 0.0, but found sigma=-1"),
    (lambda t: t.log_normal_(0, 0), "log_normal_ expects std > 0.0, but found std=0"),
    (lambda t: t.geometric_(1), r"geometric_ expects p to be in \(0, 1\), but got p=1"),
    (lambda t: t.geometric_(math.nan), "geometric_ expects p to be in"),
])
def test_parameter_errors(call, message):
    with pytest.raises(RuntimeError, match=message):
        call(torsh.zeros(3))


@pytest.mark.parametrize("call, error, message", [
    (lambda t: t.normal_(), NotImplementedError, "normal_.*'Long'"),
    (lambda t: t.log_normal_(), NotImplementedError, "log_normal_.*'Long'"),
    (lambda t: t.exponential_(), RuntimeError, "exponential_: Exponential distribution is a "
                                               "continuous.*Long"),
    (lambda t: t.cauchy_(), RuntimeError, "cauchy_: Cauchy distribution.*Long"),
])
def test_continuous_samplers_reject_integer_tensors(call, error, message):
    with pytest.raises(error, match=message):
        call(torsh.zeros(3, dtype=torsh.int64))
    with pytest.raises(NotImplementedError, match="geometric_.*'Bool'"):
        torsh.zeros(3, dtype=torsh.bool).geometric_(0.5)


def test_inplace_into_views_and_non_contiguous_targets():
    base = torsh.zeros(3, 4)
    base.t().uniform_(1.0, 2.0)                   # transposed: every element written once
    assert all(1.0 <= v < 2.0 for v in values(base))
    base = torsh.zeros(3, 4)
    base[1].normal_(5.0, 0.0)
    assert values(base) == [0.0] * 4 + [5.0] * 4 + [0.0] * 4
    base[:, ::2].fill_(0).random_(7, 8)
    assert values(base[:, ::2]) == [7.0] * 6 and values(base[:, 1::2]) == [0, 0, 5, 5, 0, 0]
    with pytest.raises(RuntimeError, match="uniform_.*single memory location"):
        torsh.zeros(1).expand(3).uniform_()


def test_inplace_autograd_rules():
    leaf = torsh.zeros(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="normal_: a leaf Variable that requires grad"):
        leaf.normal_()
    with torsh.no_grad():
        assert leaf.uniform_(-1, 1) is leaf       # nn.init style
    assert leaf.is_leaf and leaf.requires_grad and all(-1 <= v < 1 for v in values(leaf))
    x = torsh.ones(3, requires_grad=True)
    y = x * 2
    y.normal_()
    assert y.requires_grad and y.grad_fn is not None
    (y * 3).sum().backward()
    assert values(x.grad) == [0.0, 0.0, 0.0]      # sampling passes a zero gradient


# ------------------------------------------------------------ live PyTorch: same API, same errors

LIVE = [
    lambda t: t.rand(2, 3, dtype=t.float64), lambda t: t.rand(size=(2,)), lambda t: t.rand(()),
    lambda t: t.rand(2, dtype=t.int64), lambda t: t.rand(-1), lambda t: t.randn(2, 2),
    lambda t: t.randn(2, dtype=t.bool), lambda t: t.randint(5, (3,)),
    lambda t: t.randint(2, 7, (3,), dtype=t.uint8), lambda t: t.randint(3, 3, (2,)),
    lambda t: t.randint(-1, 3, (2,), dtype=t.uint8), lambda t: t.randint(0, 2.5, (2,)),
    lambda t: t.randint(0, 3, (2,), dtype=t.bool), lambda t: t.randint(high=3, size=(2,)),
    lambda t: t.randperm(4), lambda t: t.randperm(4, dtype=t.float16),
    lambda t: t.randperm(3, dtype=t.bool), lambda t: t.randperm(-2),
    lambda t: t.randperm(2050, dtype=t.float16),
    lambda t: t.normal(t.zeros(2, 1), t.ones(3)), lambda t: t.normal(t.zeros(2), 2.0),
    lambda t: t.normal(0.0, t.ones(2, dtype=t.float64)), lambda t: t.normal(0.0, 1.0, (2,)),
    lambda t: t.normal(0.0, 1.0), lambda t: t.normal(t.zeros(2), -1.0),
    lambda t: t.normal(t.zeros(2), t.ones(3)), lambda t: t.normal(t.zeros(2, dtype=t.int64)),
    lambda t: t.normal(t.zeros(2), t.ones(2), size=(2,)),
    lambda t: t.bernoulli(t.full((3,), 0.5)), lambda t: t.bernoulli(t.zeros(3), 0.5),
    lambda t: t.bernoulli(t.tensor([2.0])), lambda t: t.bernoulli(t.tensor([1, 0])),
    lambda t: t.multinomial(t.tensor([0.2, 0.8]), 2), lambda t: t.multinomial(t.ones(2, 3), 4),
    lambda t: t.multinomial(t.ones(2, 3), 4, True), lambda t: t.multinomial(t.ones(3), 0),
    lambda t: t.multinomial(t.tensor([1.0, -1.0]), 1), lambda t: t.multinomial(t.zeros(2), 1),
    lambda t: t.multinomial(t.ones(2, 2, 2), 1), lambda t: t.multinomial(t.ones(2), 1.0),
    lambda t: t.rand_like(t.zeros(2, dtype=t.float16)), lambda t: t.randn_like(t.zeros(2, 2)),
    lambda t: t.rand_like(t.zeros(2, dtype=t.int32)), lambda t: t.randint_like(t.zeros(2), 4),
    lambda t: t.randint_like(t.zeros(2, dtype=t.int8), 1, 4),
    lambda t: t.zeros(3).uniform_(1, 0), lambda t: t.zeros(3).uniform_(-1, 1),
    lambda t: t.zeros(3, dtype=t.int32).uniform_(), lambda t: t.zeros(3).normal_(1, -1),
    lambda t: t.zeros(3, dtype=t.int64).normal_(), lambda t: t.zeros(3).exponential_(0),
    lambda t: t.zeros(3, dtype=t.int64).exponential_(), lambda t: t.zeros(3).random_(),
    lambda t: t.zeros(3, dtype=t.int8).random_(-129, 0), lambda t: t.zeros(3).random_(4, 2),
    lambda t: t.zeros(3).random_(2.5), lambda t: t.zeros(3, dtype=t.bool).random_(),
    lambda t: t.zeros(3).bernoulli_(1.5), lambda t: t.zeros(2, 3).bernoulli_(t.ones(3)),
    lambda t: t.zeros(3).cauchy_(0, 0), lambda t: t.zeros(3).log_normal_(0, -1),
    lambda t: t.zeros(3).geometric_(0), lambda t: t.zeros(3, dtype=t.int32).geometric_(0.5),
    lambda t: t.zeros(3, dtype=t.bool).geometric_(0.5),
    lambda t: t.zeros(3, requires_grad=True).uniform_(),
    lambda t: t.zeros(1).expand(3).normal_(),
    lambda t: t.Generator().manual_seed(1.5), lambda t: t.Generator().manual_seed(2 ** 64),
    lambda t: t.Generator().set_state(t.zeros(3, dtype=t.uint8)),
    lambda t: t.Generator().set_state(t.zeros(5)),
]


@pytest.mark.torch
@pytest.mark.parametrize("index", range(len(LIVE)))
def test_same_outcome_as_live_pytorch(index):
    """Both succeed with the same shape and dtype, or torsh raises what torch raises."""
    torch = pytest.importorskip("torch")
    try:
        expected = LIVE[index](torch)
    except Exception as error:  # noqa: BLE001 - whatever torch raises, torsh must too
        with pytest.raises(type(error).__mro__[0] if type(error).__module__ == "builtins"
                           else RuntimeError):
            LIVE[index](torsh)
        return
    ours = LIVE[index](torsh)
    if isinstance(expected, torch.Tensor):
        assert list(ours.shape) == list(expected.shape)
        assert str(ours.dtype).split(".")[-1] == str(expected.dtype).split(".")[-1]
