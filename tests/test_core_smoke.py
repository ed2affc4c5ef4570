"""The core holds together: tensors, views, promotion, dispatch and autograd in one pass."""
import math

import pytest

import torsh


def test_arithmetic_and_backward():
    x = torsh.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    y = (x * x + 2 * x).sum()
    y.backward()
    assert y.item() == 50.0
    assert x.grad.tolist() == [[4.0, 6.0], [8.0, 10.0]]


def test_view_writes_reach_base():
    base = torsh.zeros(3, 4)
    base[1, ::2] = 5.0
    base.t()[3].fill_(1.0)
    assert base.tolist() == [[0, 0, 0, 1], [5, 0, 5, 1], [0, 0, 0, 1]]


def test_promotion_scalars_and_zero_dim():
    i = torsh.tensor([1, 2], dtype=torsh.int32)
    assert (i + 1).dtype is torsh.int32
    assert (i + 1.5).dtype is torsh.float32
    assert (i + torsh.tensor(1, dtype=torsh.int64)).dtype is torsh.int32
    assert (torsh.tensor([1.0], dtype=torsh.float16) + torsh.tensor(1.0, dtype=torsh.float64)
            ).dtype is torsh.float16
    assert (i / 2).dtype is torsh.float32


def test_special_values_in_reference():
    x = torsh.tensor([0.0, -1.0, 1000.0, float("nan")])
    assert x.log().tolist()[:2] == [-math.inf, None] or math.isnan(x.log().tolist()[1])
    assert x.exp().tolist()[2] == math.inf


def test_integer_division_by_zero_raises():
    with pytest.raises(RuntimeError):
        torsh.tensor([1, 2]) // torsh.tensor([0, 1])


def test_trace_names_the_path():
    with torsh.backends.trace() as t:
        torsh.ones(2) + 1
    assert ("add", torsh.backends.current(), "native") in t.calls
