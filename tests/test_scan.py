"""Scans: cumsum, cumprod, cummax, cummin, logcumsumexp, cumsum_, cumprod_ (values and grads)."""
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

import torsh
from checks import check_grads, f64, same

nan, inf = math.nan, math.inf


# ------------------------------------------------------------ cumsum

def test_cumsum_values_and_dims():
    x = torsh.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    assert x.cumsum(1).tolist() == [[1, 3, 6], [4, 9, 15]]
    assert torsh.cumsum(x, 0).tolist() == [[1, 2, 3], [5, 7, 9]]
    assert x.cumsum(-1).tolist() == x.cumsum(1).tolist()
    assert x.t().cumsum(0).tolist() == [[1, 4], [3, 9], [6, 15]]   # non-contiguous input
    assert x[:, ::2].cumsum(1).tolist() == [[1, 4], [4, 10]]


def test_cumsum_dtypes():
    ints = torsh.tensor([1, 2, 3], dtype=torsh.int32)
    assert ints.cumsum(0).dtype is torsh.int64 and ints.cumsum(0).tolist() == [1, 3, 6]
    assert torsh.tensor([True, True, False]).cumsum(0).tolist() == [1, 2, 2]
    assert torsh.tensor([True]).cumsum(0).dtype is torsh.int64
    assert ints.cumsum(0, dtype=torsh.float64).dtype is torsh.float64
    wrapped = torsh.tensor([100, 100], dtype=torsh.int8).cumsum(0, dtype=torsh.int8)
    assert wrapped.dtype is torsh.int8 and wrapped.tolist() == [100, -56]
    assert torsh.tensor([1.0, 2.0], dtype=torsh.float16).cumsum(0).dtype is torsh.float16


def test_cumsum_special_values_and_shapes():
    assert same(torsh.tensor([-0.0]).cumsum(0).tolist(), [0.0])   # the sum starts from +0
    assert same(torsh.tensor([1.0, nan, 2.0]).cumsum(0).tolist(), [1.0, nan, nan])
    assert same(torsh.tensor([inf, -inf, 1.0]).cumsum(0).tolist(), [inf, nan, nan])
    scalar = torsh.tensor(3.0)
    assert scalar.cumsum(0).shape == () and scalar.cumsum(-1).item() == 3.0
    assert torsh.zeros(0, 3).cumsum(1).shape == (0, 3)
    assert torsh.zeros(2, 0).cumsum(1).shape == (2, 0)


def test_cumsum_errors():
    with pytest.raises(IndexError, match="cumsum"):
        torsh.tensor([1.0]).cumsum(1)
    with pytest.raises(IndexError, match="cumsum"):
        torsh.tensor(1.0).cumsum(1)


def test_cumsum_grad():
    x = f64([[0.5, -1.0, 2.0], [1.5, 0.25, -3.0]])
    y = x.cumsum(1)
    y.backward(torsh.ones_like(y))
    assert x.grad.tolist() == [[3, 2, 1], [3, 2, 1]]   # reverse cumsum of the ones
    check_grads(lambda t: t.cumsum(1), x, [[1.0, -2.0, 0.5], [0.3, 0.7, -1.1]])
    check_grads(lambda t: t.cumsum(0), x, [[1.0, -2.0, 0.5], [0.3, 0.7, -1.1]])
    check_grads(lambda t: t.t().cumsum(1), x, [[1.0, -2.0], [0.5, 0.3], [0.7, -1.1]])


@given(st.lists(st.integers(-50, 50), min_size=1, max_size=8))
def test_cumsum_last_is_sum(values):
    x = torsh.tensor(values)
    assert x.cumsum(0)[-1].item() == sum(values)


# ------------------------------------------------------------ cumprod

def test_cumprod_values():
    x = torsh.tensor([[2.0, 0.0, 3.0], [1.0, -2.0, 4.0]])
    assert x.cumprod(1).tolist() == [[2, 0, 0], [1, -2, -8]]
    assert x.cumprod(0).tolist() == [[2, 0, 3], [2, 0, 12]]
    assert same(torsh.tensor([-0.0, 1.0]).cumprod(0).tolist(), [-0.0, -0.0])
    assert same(torsh.tensor([inf, 0.0, 2.0]).cumprod(0).tolist(), [inf, nan, nan])
    ints = torsh.tensor([1, 2, 3], dtype=torsh.int8)
    assert ints.cumprod(0).dtype is torsh.int64 and ints.cumprod(0).tolist() == [1, 2, 6]
    assert torsh.tensor([True, False]).cumprod(0).tolist() == [1, 0]
    assert ints.cumprod(0, dtype=torsh.float32).dtype is torsh.float32
    assert torsh.tensor(5.0).cumprod(0).item() == 5.0


def test_cumprod_grad_with_zeros_is_exact():
    x = f64([[2.0, 0.0, 3.0], [0.0, 0.0, 5.0]])
    y = x.cumprod(1)
    y.backward(torsh.ones_like(y))
    # d/dx0 (x0 + x0 x1 + x0 x1 x2) = 1 + x1 + x1 x2, and so on
    assert x.grad.tolist() == [[1.0, 8.0, 0.0], [1.0, 0.0, 0.0]]
    grad_out = [[1.0, -2.0, 0.5], [0.3, 0.7, -1.1]]
    check_grads(lambda t: t.cumprod(1), x, grad_out)
    check_grads(lambda t: t.cumprod(1), f64([[0.5, -1.5, 2.0], [1.2, 0.0, -0.7]]), grad_out)
    check_grads(lambda t: t.cumprod(0), f64([[0.5, -1.5, 2.0], [1.2, 0.0, -0.7]]), grad_out)


def test_cumprod_grad_zero_dim():
    x = f64(3.0)
    x.cumprod(0).backward()
    assert x.grad.item() == 1.0


# ------------------------------------------------------------ cummax, cummin

def test_cummax_cummin_values_and_ties():
    x = torsh.tensor([1.0, 3.0, 2.0, 3.0, 0.0])
    values, indices = torsh.cummax(x, 0)
    assert values.tolist() == [1, 3, 3, 3, 3] and indices.tolist() == [0, 1, 1, 3, 3]
    assert indices.dtype is torsh.int64
    result = x.cummin(0)
    assert result.values.tolist() == [1, 1, 1, 1, 0] and result.indices.tolist() == [0, 0, 0, 0, 4]
    ties = torsh.tensor([1.0, 1.0, 2.0, 1.0]).cummin(0)
    assert ties.indices.tolist() == [0, 1, 1, 3]   # a tie takes the later index


def test_cummax_nan_propagates():
    x = torsh.tensor([1.0, nan, 2.0, nan, 0.0])
    for result in (x.cummax(0), x.cummin(0)):
        assert same(result.values.tolist(), [1.0, nan, nan, nan, nan])
        assert result.indices.tolist() == [0, 1, 1, 3, 3]


def test_cummax_shapes_and_dtypes():
    m = torsh.tensor([[1, 5, 2], [4, 0, 6]])
    assert m.cummax(0).values.tolist() == [[1, 5, 2], [4, 5, 6]]
    assert m.cummax(0).indices.tolist() == [[0, 0, 0], [1, 0, 1]]
    assert m.t().cummin(1).values.tolist() == [[1, 1], [5, 0], [2, 2]]
    assert m.cummax(1).values.dtype is torsh.int64
    zero_d = torsh.tensor(2.0).cummax(0)
    assert zero_d.values.item() == 2.0 and zero_d.indices.item() == 0
    empty = torsh.zeros(0).cummin(0)
    assert empty.values.shape == (0,) and empty.indices.dtype is torsh.int64


def test_cummax_grad():
    x = f64([[2.0, 0.5, 3.0], [0.1, -1.0, 5.0]])
    values = x.cummax(1).values
    values.backward(torsh.ones_like(values))
    assert x.grad.tolist() == [[2.0, 0.0, 1.0], [2.0, 0.0, 1.0]]
    grad_out = [[0.3, 0.7, -1.0], [1.1, -2.0, 0.5]]
    check_grads(lambda t: t.cummax(1).values, x, grad_out)
    check_grads(lambda t: t.cummin(0).values, x, grad_out)


# ------------------------------------------------------------ logcumsumexp

def test_logcumsumexp_values():
    x = torsh.tensor([0.0, 1.0, 2.0], dtype=torsh.float64)
    expected = [0.0, math.log(1 + math.e), math.log(1 + math.e + math.e ** 2)]
    assert all(abs(a - b) < 1e-12 for a, b in zip(x.logcumsumexp(0).tolist(), expected))
    big = torsh.tensor([1000.0, 1000.0]).logcumsumexp(0).tolist()
    assert big[0] == 1000.0 and abs(big[1] - (1000.0 + math.log(2))) < 1e-3


def test_logcumsumexp_special_values():
    x = torsh.tensor([-inf, -inf, 0.0, inf, 1.0])
    assert x.logcumsumexp(0).tolist() == [-inf, -inf, 0.0, inf, inf]
    y = torsh.tensor([inf, -inf, nan, 1.0])
    assert same(y.logcumsumexp(0).tolist(), [inf, inf, nan, nan])
    assert torsh.tensor(2.0).logcumsumexp(0).item() == 2.0
    assert torsh.zeros(0, 2).logcumsumexp(0).shape == (0, 2)
    with pytest.raises(RuntimeError, match="logcumsumexp"):
        torsh.tensor([1, 2]).logcumsumexp(0)


def test_logcumsumexp_grad():
    x = f64([[2.0, 0.5, 3.0], [0.1, -1.0, 5.0]])
    grad_out = [[0.3, 0.7, -1.0], [1.1, -2.0, 0.5]]
    check_grads(lambda t: t.logcumsumexp(1), x, grad_out)
    check_grads(lambda t: t.logcumsumexp(0), x, grad_out)
    # at a running total of -inf the gradient is NaN, as in PyTorch
    y = f64([-inf, -inf, 0.0])
    y.logcumsumexp(0).sum().backward()
    assert same(y.grad.tolist(), [nan, nan, 1.0])


# ------------------------------------------------------------ in place

def test_cumsum_and_cumprod_in_place():
    x = torsh.tensor([1, 2, 3], dtype=torsh.int32)
    assert x.cumsum_(0) is x
    assert x.tolist() == [1, 3, 6] and x.dtype is torsh.int32
    y = torsh.tensor([[1.0, 2.0], [3.0, 4.0]])
    y.t().cumprod_(1)   # through a view: columns of y
    assert y.tolist() == [[1.0, 2.0], [3.0, 8.0]]
    with pytest.raises(RuntimeError, match="cumsum_"):
        torsh.tensor([1.0]).cumsum_(0, dtype=torsh.float64)


def test_in_place_scan_records_gradient():
    leaf = f64([1.0, 2.0, 3.0])
    z = leaf * 1
    z.cumsum_(0)
    z.backward(torsh.ones_like(z))
    assert leaf.grad.tolist() == [3.0, 2.0, 1.0]
    with pytest.raises(RuntimeError, match="leaf"):
        f64([1.0]).cumprod_(0)


# ------------------------------------------------------------ against a live PyTorch

LIVE = ["x.cumsum(1)", "x.cumprod(0)", "x.cummax(1)[0]", "x.cummin(0)[0]", "x.logcumsumexp(1)"]


@pytest.mark.torch
@pytest.mark.parametrize("expression", LIVE)
def test_against_pytorch(expression):
    torch = pytest.importorskip("torch")
    results = []
    for T in (torsh, torch):
        x = T.tensor([[2.0, 0.0, -3.0], [0.5, -1.5, 4.0]], dtype=T.float64, requires_grad=True)
        y = eval(expression, {"x": x})
        (y * y).sum().backward()
        results.append((y.tolist(), x.grad.tolist()))
    for mine, theirs in zip(*results):
        assert all(abs(a - b) < 1e-12 for p, q in zip(mine, theirs) for a, b in zip(p, q))
