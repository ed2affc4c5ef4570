"""Sorting and selection: sort, argsort, msort, topk, kthvalue, unique, unique_consecutive."""
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

import torsh
from torsh.ops.sorting import put_along
from checks import check_grads, f64, same

nan, inf = math.nan, math.inf


MIXED = [3.0, nan, 1.0, nan, 3.0, -0.0, 0.0]


# ------------------------------------------------------------ sort

def test_sort_nan_is_largest_and_stable():
    x = torsh.tensor(MIXED)
    values, indices = torsh.sort(x)
    assert same(values.tolist(), [-0.0, 0.0, 1.0, 3.0, 3.0, nan, nan])
    assert indices.tolist() == [5, 6, 2, 0, 4, 1, 3] and indices.dtype is torsh.int64
    down = x.sort(descending=True, stable=True)
    assert same(down.values.tolist(), [nan, nan, 3.0, 3.0, 1.0, -0.0, 0.0])
    assert down.indices.tolist() == [1, 3, 0, 4, 2, 5, 6]
    assert x.argsort().tolist() == indices.tolist()
    assert torsh.argsort(x, descending=True).tolist() == down.indices.tolist()


def test_sort_dims_and_layouts():
    m = torsh.tensor([[3, 1, 2], [0, 5, 4]])
    assert m.sort().values.tolist() == [[1, 2, 3], [0, 4, 5]]
    assert m.sort(0).indices.tolist() == [[1, 0, 0], [0, 1, 1]]
    assert m.t().sort(1).values.tolist() == [[0, 3], [1, 5], [2, 4]]   # non-contiguous
    assert m[:, 1:].sort(1, True).values.tolist() == [[2, 1], [5, 4]]
    assert torsh.msort(m).tolist() == [[0, 1, 2], [3, 5, 4]]
    assert m.expand(2, 2, 3).sort(0).values.tolist() == [m.tolist()] * 2
    bools = torsh.tensor([True, False, True]).sort()
    assert bools.values.tolist() == [False, True, True] and bools.indices.tolist() == [1, 0, 2]


def test_sort_zero_dim_and_empty():
    zero_d = torsh.tensor(2.0).sort()
    assert zero_d.values.shape == () and zero_d.indices.item() == 0
    empty = torsh.zeros(2, 0).sort(1)
    assert empty.values.shape == (2, 0) and empty.indices.dtype is torsh.int64
    with pytest.raises(IndexError, match="sort"):
        torsh.tensor([1.0]).sort(1)


def test_sort_grad():
    x = f64([[3.0, 1.0, 2.0], [0.0, 5.0, 4.0]])
    values = x.sort(1).values
    values.backward(f64([[10.0, 20.0, 30.0], [1.0, 2.0, 3.0]], grad=False))
    assert x.grad.tolist() == [[30.0, 10.0, 20.0], [1.0, 3.0, 2.0]]
    grad_out = [[0.3, 0.7, -1.0], [1.1, -2.0, 0.5]]
    check_grads(lambda t: t.sort(1).values, x, grad_out)
    check_grads(lambda t: t.sort(0, descending=True).values, x, grad_out)
    check_grads(lambda t: torsh.msort(t.t()).t(), x, grad_out)


@given(st.lists(st.sampled_from([0.0, -0.0, 1.5, -2.0, nan, inf, -inf, 3.0]), max_size=8))
def test_sort_is_an_ordered_permutation(values):
    x = torsh.tensor(values, dtype=torsh.float64)
    result = x.sort()
    out = result.values.tolist()
    numbers = [v for v in out if v == v]
    assert numbers == sorted(numbers) and out[len(numbers):] == [v for v in out if v != v]
    assert sorted(result.indices.tolist()) == list(range(len(values)))
    assert same([values[i] for i in result.indices.tolist()], out)


# ------------------------------------------------------------ topk, kthvalue

def test_topk():
    x = torsh.tensor(MIXED)
    top = torsh.topk(x, 3)
    assert same(top.values.tolist(), [nan, nan, 3.0]) and top.indices.tolist() == [1, 3, 0]
    low = x.topk(3, largest=False)
    assert same(low.values.tolist(), [-0.0, 0.0, 1.0])
    m = torsh.tensor([[1, 9, 3], [7, 2, 8]])
    assert m.topk(2, 0).values.tolist() == [[7, 9, 8], [1, 2, 3]]
    assert m.topk(1, dim=1).indices.tolist() == [[1], [2]]
    assert m.topk(0).values.shape == (2, 0)
    assert torsh.tensor(2.0).topk(1).values.item() == 2.0
    with pytest.raises(RuntimeError, match="topk"):
        m.topk(4)


def test_kthvalue():
    x = torsh.tensor([[2.0, 1.0, 2.0, 2.0], [4.0, nan, 0.0, 1.0]])
    result = torsh.kthvalue(x, 3)
    assert same(result.values.tolist(), [2.0, 4.0]) and result.indices.tolist() == [2, 0]
    kept = x.kthvalue(4, 1, keepdim=True)
    assert same(kept.values.tolist(), [[2.0], [nan]]) and kept.indices.tolist() == [[3], [1]]
    assert x.kthvalue(1, 0).values.tolist() == [2.0, 1.0, 0.0, 1.0]
    assert torsh.tensor(5.0).kthvalue(1).values.item() == 5.0
    with pytest.raises(RuntimeError, match="kthvalue"):
        x.kthvalue(5)
    with pytest.raises(RuntimeError, match="kthvalue"):
        x.kthvalue(0)
    with pytest.raises(IndexError, match="kthvalue"):
        torsh.zeros(2, 0).kthvalue(1)


def test_topk_and_kthvalue_grads():
    x = f64([[3.0, 1.0, 2.0], [0.0, 5.0, 4.0]])
    x.topk(2).values.backward(f64([[1.0, 2.0], [3.0, 4.0]], grad=False))
    assert x.grad.tolist() == [[1.0, 0.0, 2.0], [0.0, 3.0, 4.0]]
    check_grads(lambda t: t.topk(2).values, x, [[0.3, 0.7], [1.1, -2.0]])
    check_grads(lambda t: t.topk(1, 0, largest=False).values, x, [[0.3, 0.7, -1.0]])
    check_grads(lambda t: t.kthvalue(2).values, x, [0.3, -0.7])
    check_grads(lambda t: t.kthvalue(2, 0, keepdim=True).values, x, [[0.3, 0.7, -1.0]])


def test_put_along_adds_repeated_indices():
    values = f64([[1.0, 2.0, 4.0]])
    index = torsh.tensor([[2, 0, 2]])
    assert put_along(values, index, 1, (1, 3)).tolist() == [[2.0, 0.0, 5.0]]
    check_grads(lambda v: put_along(v, index, 1, (2, 3)), values, [[1.0, 2.0, 3.0],
                                                                  [4.0, 5.0, 6.0]])


# ------------------------------------------------------------ unique

def test_unique_flat():
    x = torsh.tensor(MIXED)
    values, inverse, counts = torsh.unique(x, return_inverse=True, return_counts=True)
    assert same(values.tolist(), [-0.0, 1.0, 3.0, nan, nan])   # NaNs never merge
    assert inverse.tolist() == [2, 3, 1, 4, 2, 0, 0] and counts.tolist() == [2, 1, 2, 1, 1]
    m = torsh.tensor([[3, 1], [2, 1]])
    assert m.unique().tolist() == [1, 2, 3]
    assert m.unique(sorted=False).tolist() == [1, 2, 3]
    assert m.unique(return_inverse=True)[1].tolist() == [[2, 0], [1, 0]]
    assert torsh.tensor([True, False, True]).unique().tolist() == [False, True]


def test_unique_zero_dim_and_empty():
    values, inverse, counts = torsh.unique(torsh.tensor(5.0), return_inverse=True,
                                           return_counts=True)
    assert values.tolist() == [5.0] and inverse.shape == () and counts.tolist() == [1]
    values, inverse, counts = torsh.zeros(0, 2).unique(return_inverse=True, return_counts=True)
    assert values.shape == (0,) and inverse.shape == (0, 2) and counts.dtype is torsh.int64


def test_unique_dim():
    m = torsh.tensor([[1, 2], [0, 5], [1, 2]])
    rows, inverse, counts = m.unique(dim=0, return_inverse=True, return_counts=True)
    assert rows.tolist() == [[0, 5], [1, 2]] and inverse.tolist() == [1, 0, 1]
    assert counts.tolist() == [1, 2]
    columns, inverse, counts = torsh.unique(m, dim=1, return_inverse=True, return_counts=True)
    assert columns.tolist() == m.tolist() and inverse.tolist() == [0, 1]
    assert torsh.unique(torsh.zeros(0, 2), dim=0).shape == (0, 2)
    with pytest.raises(RuntimeError, match="unique"):
        torsh.unique(torsh.zeros(2, 0), dim=0)
    with pytest.raises(IndexError, match="unique"):
        torsh.unique(torsh.tensor(1.0), dim=0)


def test_unique_consecutive():
    x = torsh.tensor(MIXED)
    values, inverse, counts = torsh.unique_consecutive(x, return_inverse=True,
                                                       return_counts=True)
    assert same(values.tolist(), [3.0, nan, 1.0, nan, 3.0, -0.0])
    assert inverse.tolist() == [0, 1, 2, 3, 4, 5, 5] and counts.tolist() == [1, 1, 1, 1, 1, 2]
    m = torsh.tensor([[1, 2], [1, 2], [0, 5], [1, 2]])
    rows, inverse, counts = m.unique_consecutive(return_inverse=True, return_counts=True,
                                                 dim=0)
    assert rows.tolist() == [[1, 2], [0, 5], [1, 2]] and inverse.tolist() == [0, 0, 1, 2]
    assert counts.tolist() == [2, 1, 1]
    assert torsh.unique_consecutive(torsh.tensor([1, 1, 2])).tolist() == [1, 2]


# ------------------------------------------------------------ against a live PyTorch

LIVE = ["x.sort(1)", "x.sort(0, descending=True)", "x.topk(2)", "x.topk(1, 0, largest=False)",
        "x.kthvalue(2, 1)", "T.msort(x)"]


@pytest.mark.torch
@pytest.mark.parametrize("expression", LIVE)
def test_against_pytorch(expression):
    torch = pytest.importorskip("torch")
    results = []
    for T in (torsh, torch):
        x = T.tensor([[3.0, -1.0, 2.5], [0.5, 7.0, -4.0]], dtype=T.float64, requires_grad=True)
        values, indices = eval(expression, {"x": x, "T": T}) if "msort" not in expression \
            else (eval(expression, {"x": x, "T": T}), None)
        (values * values).sum().backward()
        results.append((values.tolist(), None if indices is None else indices.tolist(),
                        x.grad.tolist()))
    assert results[0] == results[1]
