"""Statistics: var, std, *_mean, norm, logsumexp, median, nanmedian, mode, quantile,
nanquantile, bincount, histc."""
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

import torsh
from checks import check_grads, f64

nan, inf = math.nan, math.inf


def same(a, b):
    """Equal lists (nested), NaN equal to NaN."""
    if isinstance(a, list):
        return isinstance(b, list) and len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, float) and a != a:
        return isinstance(b, float) and b != b
    return a == b


def near(a, b, tol=1e-6):
    if isinstance(a, list):
        return len(a) == len(b) and all(near(x, y, tol) for x, y in zip(a, b))
    return (a != a and b != b) or a == b or abs(a - b) <= tol * max(1.0, abs(b))


X = [[0.5, -1.2, 2.0, 0.3], [3.0, 0.1, -0.7, -2.5]]   # no ties, no zeros: smooth everywhere
G_ROWS = [0.3, -0.7]


# ------------------------------------------------------------ var, std

def test_var_std_values():
    x = torsh.tensor([[1.0, 2.0], [3.0, 5.0]])
    assert x.var(1).tolist() == [0.5, 2.0]
    assert torsh.var(x, 1, False).tolist() == [0.25, 1.0]             # legacy unbiased
    assert torsh.var(x, dim=1, correction=0, keepdim=True).tolist() == [[0.25], [1.0]]
    assert x.var(False).item() == 2.1875 and x.var(unbiased=False).item() == 2.1875
    assert near(x.std().item(), math.sqrt(2.1875 * 4 / 3))
    assert near(torsh.std(x, (0, 1), correction=2).item(), math.sqrt(2.1875 * 4 / 2))
    assert x.t().var(0).tolist() == [0.5, 2.0]


def test_var_special_values():
    assert math.isnan(torsh.tensor([1.0]).var().item())                # N - 1 = 0
    assert torsh.tensor([1.0, 2.0]).var(correction=3).item() == inf
    assert math.isnan(torsh.tensor([1.0, 1.0]).var(correction=3).item())
    assert math.isnan(torsh.zeros(0).var().item())
    assert math.isnan(torsh.tensor([1.0, inf]).var().item())
    assert torsh.tensor(3.0).var(correction=0).item() == 0.0
    assert torsh.zeros(0, 2).var(1).shape == (0,)


def test_var_mean_and_std_mean():
    x = torsh.tensor([[1.0, 2.0], [3.0, 5.0]])
    spread, centre = torsh.var_mean(x, 1, True)
    assert spread.tolist() == [0.5, 2.0] and centre.tolist() == [1.5, 4.0]
    spread, centre = torsh.std_mean(x, dim=0, correction=0, keepdim=True)
    assert spread.tolist() == [[1.0, 1.5]] and centre.tolist() == [[2.0, 3.5]]


def test_var_errors():
    with pytest.raises(RuntimeError, match="var"):
        torsh.tensor([1, 2]).var()
    with pytest.raises(RuntimeError, match="std"):
        torsh.tensor([True]).std()
    with pytest.raises(RuntimeError, match="unbiased and correction"):
        torsh.tensor([1.0]).var(0, True, correction=1)
    with pytest.raises(IndexError, match="var"):
        torsh.tensor([1.0]).var(2)


def test_var_std_grads():
    x = f64(X)
    check_grads(lambda t: t.var(1), x, G_ROWS)
    check_grads(lambda t: t.std(0, keepdim=True), x, [[0.3, -0.7, 1.1, 0.2]])
    check_grads(lambda t: t.var(correction=0), x, 0.7)
    check_grads(lambda t: t.std(), x, 0.7)
    flat = f64([2.0, 2.0])
    flat.std().backward()
    assert flat.grad.tolist() == [0.0, 0.0]   # std = 0: zero gradient, as PyTorch


# ------------------------------------------------------------ norm

def test_norm_values():
    x = torsh.tensor([3.0, -4.0, 0.0])
    assert x.norm().item() == 5.0 and torsh.norm(x, "fro").item() == 5.0
    assert x.norm(1).item() == 7.0 and x.norm(0).item() == 2.0
    assert x.norm(inf).item() == 4.0 and x.norm(-inf).item() == 0.0
    assert x.norm(-1).item() == 0.0                       # 1 / (1/3 + 1/4 + 1/0)
    assert near(x.norm(3).item(), 91 ** (1 / 3))
    m = torsh.tensor([[3.0, -4.0], [1.0, 2.0]])
    assert near(m.norm(dim=1, keepdim=True).tolist(), [[5.0], [math.sqrt(5)]])
    assert near(torsh.norm(m, "fro", dim=(0, 1)).item(), math.sqrt(30))
    assert m.norm(dtype=torsh.float64).dtype is torsh.float64
    assert torsh.tensor(-3.0).norm(1).item() == 3.0


def test_norm_special_values():
    big = torsh.tensor([1e200, 1e200], dtype=torsh.float64)
    assert big.norm().item() == inf                   # summed plainly, as PyTorch
    assert math.isnan(torsh.tensor([nan, inf]).norm().item())
    assert math.isnan(torsh.tensor([nan, inf]).norm(inf).item())
    assert torsh.zeros(0).norm().item() == 0.0
    assert torsh.zeros(0, 2).norm(inf, 1).shape == (0,)
    with pytest.raises(RuntimeError, match="vector_norm.*inf norm"):
        torsh.zeros(0).norm(inf)
    with pytest.raises(RuntimeError, match="vector_norm.*-1 norm"):
        torsh.zeros(0, 2).norm(-1, 0)
    with pytest.raises(RuntimeError, match="vector_norm"):
        torsh.tensor([3, 4]).norm()
    with pytest.raises(RuntimeError, match="nuc"):
        torsh.ones(2, 2).norm("nuc")


@pytest.mark.parametrize("p", [2, 1, 3, 1.5, 0.5, inf, -inf, -1])
def test_norm_grads(p):
    x = f64(X)
    check_grads(lambda t: t.norm(p, 1), x, G_ROWS)


def test_norm_grad_at_zero_and_p0():
    x = f64([0.0, 0.0])
    x.norm().backward()
    assert x.grad.tolist() == [0.0, 0.0]
    y = f64([3.0, -3.0, 1.0])
    y.norm(inf).backward()
    assert y.grad.tolist() == [0.5, -0.5, 0.0]           # shared by the tied maxima
    z = f64([3.0, 0.0])
    z.norm(0).backward()
    assert z.grad.tolist() == [0.0, 0.0]


# ------------------------------------------------------------ logsumexp

def test_logsumexp_values():
    x = torsh.tensor([[1.0, 2.0], [3.0, 4.0]], dtype=torsh.float64)
    assert near(x.logsumexp(1).tolist(), [math.log(math.e + math.e ** 2),
                                          math.log(math.e ** 3 + math.e ** 4)])
    assert near(torsh.logsumexp(x, (0, 1)).item(), math.log(sum(math.e ** k for k in range(1, 5))))
    assert x.logsumexp(0, keepdim=True).shape == (1, 2)
    assert near(torsh.tensor([1000.0, 1000.0]).logsumexp(0).item(), 1000 + math.log(2))
    ints = torsh.tensor([1, 2]).logsumexp(0)
    assert ints.dtype is torsh.float32 and near(ints.item(), math.log(math.e + math.e ** 2))


def test_logsumexp_special_values():
    assert torsh.tensor([-inf, -inf]).logsumexp(0).item() == -inf
    assert torsh.tensor([inf, 1.0]).logsumexp(0).item() == inf
    assert torsh.tensor([inf, -inf]).logsumexp(0).item() == inf
    assert math.isnan(torsh.tensor([nan, inf]).logsumexp(0).item())
    assert torsh.zeros(0, 2).logsumexp(0).tolist() == [-inf, -inf]
    assert torsh.tensor(2.0).logsumexp(0).item() == 2.0


def test_logsumexp_grads():
    x = f64(X)
    check_grads(lambda t: t.logsumexp(1), x, G_ROWS)
    check_grads(lambda t: t.logsumexp((0, 1), keepdim=True), x, [[0.7]])
    y = f64([inf, 1.0])
    y.logsumexp(0).backward()
    assert same(y.grad.tolist(), [nan, 0.0])   # as PyTorch


# ------------------------------------------------------------ median, nanmedian, mode

def test_median_all():
    assert torsh.tensor([3.0, 1.0, 2.0, 4.0]).median().item() == 2.0   # the lower median
    assert torsh.tensor([3, 1, 2]).median().item() == 2
    assert math.isnan(torsh.tensor([3.0, nan, 2.0]).median().item())
    assert torsh.tensor([3.0, nan, 2.0, 4.0]).nanmedian().item() == 3.0
    assert math.isnan(torsh.tensor([nan, nan]).nanmedian().item())
    assert math.isnan(torsh.zeros(0).median().item())


def test_median_dim():
    m = torsh.tensor([[3.0, 1.0, 2.0, 4.0], [1.0, 1.0, 2.0, 2.0]])
    values, indices = torsh.median(m, 1)
    assert values.tolist() == [2.0, 1.0] and indices.tolist() == [2, 1]
    result = m.median(0, keepdim=True)
    assert result.values.tolist() == [[1.0, 1.0, 2.0, 2.0]]
    assert result.indices.tolist() == [[1, 0, 0, 1]]
    with_nan = torsh.tensor([[3.0, nan, 2.0, 4.0], [nan, nan, 1.0, 2.0]])
    plain = with_nan.median(1)
    assert same(plain.values.tolist(), [nan, nan]) and plain.indices.tolist() == [1, 0]
    ignoring = torsh.nanmedian(with_nan, 1)
    assert ignoring.values.tolist() == [3.0, 1.0] and ignoring.indices.tolist() == [0, 2]
    zero_d = torsh.tensor(5.0).median(0)
    assert zero_d.values.item() == 5.0 and zero_d.indices.item() == 0
    assert torsh.zeros(0, 2).median(1).values.shape == (0,)
    with pytest.raises(IndexError, match="median"):
        torsh.zeros(2, 0).median(1)


def test_mode():
    result = torsh.mode(torsh.tensor([2.0, 1.0, 2.0, 1.0, 3.0]))
    assert result.values.item() == 1.0 and result.indices.item() == 3   # smallest, last seen
    m = torsh.tensor([[2, 1, 1], [0, 0, 5]])
    kept = m.mode(1, True)
    assert kept.values.tolist() == [[1], [0]] and kept.indices.tolist() == [[2], [1]]
    assert m.t().mode(0).values.tolist() == [1, 0]
    assert torsh.tensor(5.0).mode().values.item() == 5.0
    nans = torsh.tensor([1.0, nan, nan, 2.0]).mode()      # NaNs never equal each other
    assert nans.values.item() == 1.0 and nans.indices.item() == 0
    assert torsh.zeros(0, 2).mode().values.shape == (0,)
    with pytest.raises(IndexError, match="mode"):
        torsh.zeros(2, 0).mode(1)


def test_median_and_mode_grads():
    x = f64([2.0, 1.0, 2.0, 5.0])
    x.median().backward()
    assert x.grad.tolist() == [0.5, 0.0, 0.5, 0.0]      # shared by the equal elements
    y = f64([nan, 1.0, nan])
    y.median().backward()
    assert y.grad.tolist() == [0.5, 0.0, 0.5]
    z = f64([2.0, 1.0, 2.0, 5.0, 2.0])
    z.mode(0).values.backward()
    assert z.grad.tolist() == [0.0, 0.0, 0.0, 0.0, 1.0]
    check_grads(lambda t: t.median(), f64(X), 0.7)
    check_grads(lambda t: t.nanmedian(), f64(X), 0.7)
    check_grads(lambda t: t.median(1).values, f64(X), G_ROWS)
    check_grads(lambda t: t.nanmedian(0, True).values, f64(X), [[0.3, -0.7, 1.1, 0.2]])
    check_grads(lambda t: t.mode(1).values, f64(X), G_ROWS)


# ------------------------------------------------------------ quantile, nanquantile

@pytest.mark.parametrize("mode, expected", [
    ("linear", [1.75, 2.5, 1.375]), ("lower", [1.0, 2.0, 1.0]), ("higher", [2.0, 3.0, 2.0]),
    ("midpoint", [1.5, 2.5, 1.5]), ("nearest", [2.0, 3.0, 1.0])])
def test_quantile_interpolations(mode, expected):
    x = torsh.tensor([[3.0, 1.0, 2.0, 4.0], [1.0, nan, 2.0, 2.0]])
    q = torsh.tensor([0.25, 0.5, 0.125])
    result = torsh.quantile(x, q, dim=1, interpolation=mode)
    assert result.shape == (3, 2)
    assert near([row[0] for row in result.tolist()], expected)
    assert all(math.isnan(row[1]) for row in result.tolist())      # NaN in the lane
    ignoring = torsh.nanquantile(x[1:], q, dim=1, interpolation=mode)
    assert all(not math.isnan(row[0]) for row in ignoring.tolist())


def test_quantile_nearest_rounds_half_to_even():
    x = torsh.tensor([0.0, 1.0, 2.0, 3.0, 4.0])
    q = torsh.tensor([0.125, 0.375, 0.625, 0.875])
    assert x.quantile(q, interpolation="nearest").tolist() == [0.0, 2.0, 2.0, 4.0]


def test_quantile_shapes():
    x = torsh.tensor([[3.0, 1.0, 2.0], [4.0, 6.0, 5.0]])
    assert x.quantile(0.5).item() == 3.5 and x.quantile(0.5).shape == ()
    assert x.quantile(0.5, keepdim=True).shape == (1, 1)
    assert x.quantile(torsh.tensor([0.5]), keepdim=True).shape == (1, 1, 1)
    assert x.quantile(torsh.tensor([0.0, 1.0]), 0, keepdim=True).tolist() == [
        [[3.0, 1.0, 2.0]], [[4.0, 6.0, 5.0]]]
    assert x.t().quantile(0.5, 0).tolist() == [2.0, 5.0]
    assert torsh.tensor(3.0).quantile(0.5, 0).item() == 3.0
    assert torsh.nanquantile(torsh.tensor([nan, 1.0, 3.0]), 0.5).item() == 2.0
    assert math.isnan(torsh.nanquantile(torsh.tensor([nan, nan]), 0.5).item())


def test_quantile_infinities_follow_lerp():
    x = torsh.tensor([1.0, inf, -inf])
    out = x.quantile(torsh.tensor([0.0, 0.25, 0.5, 1.0])).tolist()
    assert same(out, [nan, -inf, 1.0, nan])    # lerp(-inf, -inf, 0) is NaN, as PyTorch


def test_quantile_errors():
    x = torsh.tensor([1.0, 2.0])
    with pytest.raises(RuntimeError, match="quantile.*non-empty"):
        torsh.zeros(0).quantile(0.5)
    with pytest.raises(RuntimeError, match="quantile.*float or double"):
        torsh.tensor([1, 2]).quantile(0.5)
    with pytest.raises(RuntimeError, match=r"quantile.*\[0, 1\]"):
        x.quantile(1.5)
    with pytest.raises(RuntimeError, match=r"quantile.*\[0, 1\]"):
        x.quantile(torsh.tensor([-0.5]))
    with pytest.raises(RuntimeError, match="quantile.*1D"):
        x.quantile(torsh.tensor([[0.5]]))
    with pytest.raises(RuntimeError, match="quantile.*same dtype"):
        x.quantile(torsh.tensor([0.5], dtype=torsh.float64))
    with pytest.raises(RuntimeError, match="nanquantile.*interpolation"):
        x.nanquantile(0.5, interpolation="cubic")


def test_quantile_grads():
    x = f64([3.0, 1.0, 2.0, 2.0, 5.0])
    x.quantile(0.3).backward()
    assert near(x.grad.tolist(), [0.0, 0.0, 0.8, 0.2, 0.0])   # ties: as sorted, stably
    q = f64([0.1, 0.5, 0.9], grad=False)
    for mode in ("linear", "lower", "higher", "midpoint", "nearest"):
        check_grads(lambda t: t.quantile(q, 1, interpolation=mode), f64(X),
                    [[0.3, -0.7], [1.1, 0.2], [0.5, -0.4]])
    check_grads(lambda t: t.quantile(0.3, keepdim=True), f64(X), [[0.7]])
    check_grads(lambda t: t.nanquantile(0.6, 0), f64(X), [0.3, -0.7, 1.1, 0.2])


@given(st.lists(st.floats(-10, 10), min_size=1, max_size=7), st.floats(0, 1))
def test_quantile_lies_between_lower_and_higher(values, q):
    x = torsh.tensor(values, dtype=torsh.float64)
    low = x.quantile(q, interpolation="lower").item()
    high = x.quantile(q, interpolation="higher").item()
    assert low <= x.quantile(q).item() <= high or near(low, high)
    assert x.quantile(0.0).item() == min(values) and x.quantile(1.0).item() == max(values)


# ------------------------------------------------------------ bincount, histc

def test_bincount():
    x = torsh.tensor([0, 2, 2, 5])
    assert torsh.bincount(x).tolist() == [1, 0, 2, 0, 0, 1] and x.bincount().dtype is torsh.int64
    assert x.bincount(minlength=8).tolist() == [1, 0, 2, 0, 0, 1, 0, 0]
    weighted = x.bincount(torsh.tensor([0.5, 1.0, 1.0, 2.0]))
    assert weighted.dtype is torsh.float32 and weighted.tolist() == [0.5, 0, 2.0, 0, 0, 2.0]
    assert x.bincount(torsh.tensor([1, 1, 1, 2])).dtype is torsh.float64
    assert torsh.tensor([], dtype=torsh.int64).bincount().shape == (0,)
    assert torsh.tensor([], dtype=torsh.int64).bincount(minlength=3).tolist() == [0, 0, 0]
    assert torsh.tensor([1, 2], dtype=torsh.uint8).bincount().tolist() == [0, 1, 1]


def test_bincount_errors():
    with pytest.raises(RuntimeError, match="non-negative"):
        torsh.tensor([-1, 2]).bincount()
    with pytest.raises(RuntimeError, match="1-d"):
        torsh.tensor([[1, 2]]).bincount()
    with pytest.raises(RuntimeError, match="bincount"):
        torsh.tensor([1.0, 2.0]).bincount()
    with pytest.raises(RuntimeError, match="weights"):
        torsh.tensor([1, 2]).bincount(torsh.tensor([1.0]))
    with pytest.raises(RuntimeError, match="minlength"):
        torsh.tensor([1, 2]).bincount(minlength=-1)


def test_histc():
    x = torsh.tensor([1.0, 2.0, 1.0, 4.0])
    assert torsh.histc(x, bins=4, min=0, max=3).tolist() == [0.0, 2.0, 1.0, 0.0]
    assert x.histc(4).tolist() == [2.0, 1.0, 0.0, 1.0]       # the data's range; max included
    assert torsh.tensor([1.0, 1.0]).histc(4).tolist() == [0.0, 0.0, 2.0, 0.0]   # [0, 2]
    assert torsh.tensor([1.0, nan, inf]).histc(4, 0, 2).tolist() == [0.0, 0.0, 1.0, 0.0]
    assert torsh.zeros(0).histc(3).tolist() == [0.0, 0.0, 0.0]
    assert x.histc().shape == (100,) and x.histc().dtype is torsh.float32
    grid = torsh.tensor([[0.0, 1.0], [2.0, 3.0]], dtype=torsh.float64).histc(3)
    assert grid.tolist() == [1.0, 1.0, 2.0] and grid.dtype is torsh.float64


def test_histc_rounds_like_pytorch():
    # float32 arithmetic puts 0.7 into bin 7: (0.7f - 0) * 10 rounds to 7.0f
    values = torsh.tensor([0.1, 0.2, 0.3, 0.7])
    assert values.histc(10, 0, 1).tolist() == [0, 1, 1, 1, 0, 0, 0, 1, 0, 0]
    # (0 + 0.3) * 10 / (2.7 + 0.3) is exactly 1 in float64
    assert torsh.tensor([0.0], dtype=torsh.float64).histc(10, -0.3, 2.7).tolist()[1] == 1.0


def test_histc_errors():
    with pytest.raises(RuntimeError, match="histc"):
        torsh.tensor([1, 2]).histc()
    with pytest.raises(RuntimeError, match="bins must be > 0"):
        torsh.tensor([1.0]).histc(0)
    with pytest.raises(RuntimeError, match="max must be larger than min"):
        torsh.tensor([1.0]).histc(3, 2, 1)
    with pytest.raises(RuntimeError, match="histc.*not finite"):
        torsh.tensor([1.0, nan]).histc(4)
    with pytest.raises(RuntimeError, match="histc.*not finite"):
        torsh.tensor([1.0, inf]).histc(4)


# ------------------------------------------------------------ against a live PyTorch

LIVE = ["T.var(x, 1)", "T.std(x, 0, correction=0)", "T.norm(x, 3, 1)", "T.norm(x, -inf)",
        "T.logsumexp(x, 1)", "T.median(x, 1)[0]", "T.nanmedian(x)", "T.mode(x, 0)[0]",
        "T.quantile(x, T.tensor([0.2, 0.7], dtype=T.float64), 1, interpolation='midpoint')",
        "T.nanquantile(x, 0.4, 0, True)"]


@pytest.mark.torch
@pytest.mark.parametrize("expression", LIVE)
def test_against_pytorch(expression):
    torch = pytest.importorskip("torch")
    results = []
    for T in (torsh, torch):
        x = T.tensor(X, dtype=T.float64, requires_grad=True)
        y = eval(expression, {"T": T, "x": x, "inf": inf})
        y.sum().backward()
        results.append((y.tolist(), x.grad.tolist()))
    assert near(results[0][0], results[1][0], 1e-12) and near(results[0][1], results[1][1], 1e-12)
