"""Core reductions: sum, mean, prod, amax/amin, argmax/argmin, max/min, all/any."""
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import torsh
from torsh.autograd.gradcheck import gradcheck, gradgradcheck

nan, inf = math.nan, math.inf


def same(a, b):
    return all((x == y) or (x != x and y != y) for x, y in zip(a, b))


def test_sum_dtype_and_dims():
    x = torsh.arange(6).reshape(2, 3)
    assert x.sum().dtype is torsh.int64 and x.sum().item() == 15
    assert x.sum(0).tolist() == [3, 5, 7] and x.sum(-1, keepdim=True).tolist() == [[3], [12]]
    assert x.sum((0, 1)).item() == 15 and x.sum(dim=[]).item() == 15
    assert torsh.tensor([True, True]).sum().dtype is torsh.int64
    assert x.sum(dtype=torsh.float64).dtype is torsh.float64
    assert torsh.tensor([127, 1], dtype=torsh.int8).sum().item() == 128
    assert torsh.zeros(0, 3).sum(0).tolist() == [0.0, 0.0, 0.0]
    assert torsh.tensor([inf, -inf]).sum().item() != torsh.tensor([inf, -inf]).sum().item()


def test_mean_and_nan_variants():
    x = torsh.tensor([[1.0, nan], [3.0, 5.0]])
    assert same(x.mean(1).tolist(), [nan, 4.0])
    assert torsh.nanmean(x, 1).tolist() == [1.0, 4.0]
    assert torsh.nansum(x).item() == 9.0
    assert math.isnan(torsh.zeros(0).mean().item())
    with pytest.raises(RuntimeError, match="mean"):
        torsh.tensor([1, 2]).mean()
    assert torsh.tensor([1, 2]).mean(dtype=torsh.float64).item() == 1.5


def test_prod():
    x = torsh.tensor([[1.0, 2.0, 3.0], [0.0, 4.0, -1.0]])
    assert x.prod().item() == 0.0 and x.prod(1).tolist() == [6.0, -0.0]
    assert torsh.tensor([2, 3]).prod().dtype is torsh.int64
    assert torsh.zeros(0).prod().item() == 1.0


def test_extrema_and_nan():
    x = torsh.tensor([[1.0, 5.0, 5.0], [nan, 2.0, -inf]])
    assert same(x.amax(1).tolist(), [5.0, nan]) and same(x.amin(1).tolist(), [1.0, nan])
    assert x.argmax(1).tolist() == [1, 0] and x.argmin(1).tolist() == [0, 0]
    assert torsh.tensor([3, 7, 7, 1]).argmax().item() == 1
    values, indices = x.max(1)
    assert same(values.tolist(), [5.0, nan]) and indices.tolist() == [1, 0]
    result = torsh.tensor([[2, 1], [0, 3]]).min(0, keepdim=True)
    assert result.values.tolist() == [[0, 1]] and result.indices.tolist() == [[1, 0]]
    assert torsh.max(torsh.tensor([1.0, 4.0]), torsh.tensor([3.0, 2.0])).tolist() == [3.0, 4.0]
    assert torsh.tensor([4.0, 9.0]).max().item() == 9.0
    low, high = torsh.aminmax(torsh.tensor([3, -1, 8]))
    assert (low.item(), high.item()) == (-1, 8)
    with pytest.raises(IndexError, match="amax"):
        torsh.zeros(0).amax()
    with pytest.raises(IndexError, match="argmax"):
        torsh.zeros(2, 0).argmax(1)


def test_all_any_count():
    x = torsh.tensor([[0, 1], [2, 3]])
    assert x.all().item() is False and x.any().item() is True
    assert x.all(1).tolist() == [False, True]
    assert torsh.zeros(0).all().item() is True and torsh.zeros(0).any().item() is False
    assert torsh.count_nonzero(x).item() == 3 and torsh.count_nonzero(x, 0).tolist() == [1, 2]


@given(st.lists(st.integers(1, 4), min_size=1, max_size=3), st.data())
def test_sum_matches_numpy(shape, data):
    values = np.arange(int(np.prod(shape)), dtype=np.float64).reshape(shape) - 3.5
    dims = data.draw(st.lists(st.integers(0, len(shape) - 1), unique=True, max_size=len(shape)))
    keepdim = data.draw(st.booleans())
    got = torsh.tensor(values).sum(tuple(dims) or None, keepdim=keepdim)
    expected = values.sum(axis=tuple(dims) or None, keepdims=keepdim)
    assert np.allclose(got.numpy(), expected) and got.shape == expected.shape


def _x():
    return torsh.tensor([[0.5, -1.5, 2.0], [1.0, 3.0, -0.5]], dtype=torsh.float64,
                        requires_grad=True)


@pytest.mark.parametrize("fn", [
    lambda x: x.sum(), lambda x: x.sum(1), lambda x: x.sum(0, keepdim=True),
    lambda x: x.mean(), lambda x: x.mean(-1), lambda x: x.prod(), lambda x: x.prod(1),
    lambda x: x.amax(1), lambda x: x.amin(0), lambda x: x.max(1).values,
    lambda x: x.min(0, keepdim=True).values,
], ids=["sum", "sum1", "sum0k", "mean", "mean-1", "prod", "prod1", "amax", "amin", "max",
        "min"])
def test_reduction_gradients(fn):
    assert gradcheck(fn, _x())
    out = fn(_x())
    assert gradgradcheck(fn, _x(), grad_outputs=torsh.ones(out.shape, dtype=torsh.float64,
                                                           requires_grad=True))


def test_prod_gradient_with_zeros():
    x = torsh.tensor([[2.0, 0.0, 3.0], [0.0, 0.0, 1.0]], dtype=torsh.float64,
                     requires_grad=True)
    x.prod(1).sum().backward()
    assert x.grad.tolist() == [[0.0, 6.0, 0.0], [0.0, 0.0, 0.0]]


def test_amax_gradient_splits_ties():
    x = torsh.tensor([1.0, 3.0, 3.0], requires_grad=True)
    x.amax().backward()
    assert x.grad.tolist() == [0.0, 0.5, 0.5]
    y = torsh.tensor([1.0, 3.0, 3.0], requires_grad=True)
    y.max(0).values.backward()
    assert y.grad.tolist() == [0.0, 1.0, 0.0]
