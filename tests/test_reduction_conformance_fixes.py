"""Reductions, scans, sorting and statistics: the behaviours the conformance suite made the
reference match PyTorch on (0-d dims, dtype=, NaN gradients of extrema, empty inputs, the dtypes
each op rejects), checked against hand-computed values."""
import math

import pytest

import torsh
from torsh.autograd.gradcheck import gradcheck, gradgradcheck

nan = math.nan


def same(a, b):
    return all((x != x and y != y) or x == y for x, y in zip(a, b)) and len(a) == len(b)


def leaf(values, dtype=torsh.float64):
    return torsh.tensor(values, dtype=dtype).requires_grad_(True)


@pytest.mark.parametrize("name", ["sum", "nansum", "mean", "nanmean", "prod", "amax", "amin"])
def test_zero_dim_reduces_nothing_over_dim_0(name):
    x = torsh.tensor(2.5, dtype=torsh.float64)
    for dim in (0, -1, (0,)):
        if name == "prod" and isinstance(dim, tuple):
            continue
        out = getattr(torsh, name)(x, dim)
        assert out.shape == () and out.item() == 2.5
    with pytest.raises(IndexError, match=name):
        getattr(torsh, name)(x, 1)


def test_sum_and_prod_keep_the_integer_dtype_asked_for():
    x = torsh.tensor([[100, 100, 100], [-1, 2, 3]], dtype=torsh.int8)
    assert x.sum(1).dtype is torsh.int64 and x.sum(1).tolist() == [300, 4]
    out = x.sum(1, dtype=torsh.int32)
    assert out.dtype is torsh.int32 and out.tolist() == [300, 4]
    assert x.sum(dtype=torsh.int8).item() == (304 + 128) % 256 - 128     # wraps as int8
    assert x.prod(1, dtype=torsh.int16).tolist() == [(10 ** 6 + 2 ** 15) % 2 ** 16 - 2 ** 15,
                                                     -6]


def test_nanmean_rejects_integers():
    with pytest.raises(RuntimeError, match="nanmean"):
        torsh.nanmean(torsh.tensor([1, 2]))
    with pytest.raises(RuntimeError, match="nanmean"):
        torsh.nanmean(torsh.tensor([1, 2]), dtype=torsh.float64)


def test_prod_of_nothing_has_an_empty_gradient():
    x = leaf([[]] * 2)
    x.prod().backward()
    assert x.grad.shape == (2, 0)
    y = torsh.zeros(0, 3, dtype=torsh.float64).requires_grad_(True)
    out = y.prod(0)
    assert out.tolist() == [1.0, 1.0, 1.0]
    out.sum().backward()
    assert y.grad.shape == (0, 3)


def test_amax_gradient_is_shared_and_nan_where_the_max_is_nan():
    x = leaf([[1.0, 3.0, 3.0], [nan, 2.0, 0.0]])
    x.amax(1).backward(torsh.tensor([1.0, 1.0], dtype=torsh.float64))
    assert same(x.grad.tolist()[0], [0.0, 0.5, 0.5])
    assert all(v != v for v in x.grad.tolist()[1])


def test_max_of_all_shares_its_gradient_among_nans():
    x = leaf([1.0, nan, 2.0, nan])
    x.max().backward(torsh.tensor(3.0, dtype=torsh.float64))
    assert x.grad.tolist() == [0.0, 1.5, 0.0, 1.5]
    y = leaf([2.0, -1.0, 2.0])
    y.min().backward(torsh.tensor(-4.0, dtype=torsh.float64))
    assert y.grad.tolist() == [0.0, -4.0, 0.0]
    z = leaf([0.3, -1.2, 0.7, 0.1])
    assert gradcheck(lambda t: t.max(), (z,))
    assert gradgradcheck(lambda t: t.min(), (z,),
                         (torsh.tensor(0.5, dtype=torsh.float64).requires_grad_(True),))


def test_extrema_of_nothing():
    x = torsh.zeros(0, 3)
    for call in (x.amax, x.amin, x.max, x.min, lambda: torsh.aminmax(x)):
        with pytest.raises(RuntimeError, match="a|min|max"):
            call()
    with pytest.raises(IndexError, match="amax"):
        x.amax(0)
    with pytest.raises(IndexError, match="amax"):
        x.amax((0, 1))
    assert x.amax(1).shape == (0,)


def test_dtypes_rejected_as_pytorch_does():
    flags = torsh.tensor([True, False, True])
    for call in (flags.argmax, flags.argmin, lambda: flags.topk(1),
                 lambda: flags.kthvalue(1), flags.median, flags.nanmedian):
        with pytest.raises(RuntimeError):
            call()
    assert flags.max(0).values.item() is True          # max along a dim accepts bool
    with pytest.raises(NotImplementedError, match="logcumsumexp"):
        torsh.logcumsumexp(torsh.tensor([1, 2]), 0)
    with pytest.raises(NotImplementedError, match="bincount"):
        torsh.bincount(torsh.tensor([1.0]))
    with pytest.raises(NotImplementedError, match="histc"):
        torsh.histc(torsh.tensor([1, 2]))


def test_topk_of_a_zero_dim_tensor_is_the_tensor():
    x = torsh.tensor(1.5)
    for k in (0, 1):
        values, indices = x.topk(k)
        assert values.shape == () and values.item() == 1.5 and indices.item() == 0
