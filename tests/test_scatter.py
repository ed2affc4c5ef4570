"""scatter, scatter_add, scatter_reduce, index_select/add/copy/fill, masked_select/scatter,
take, put and take_along_dim: hand-computed values, special values, errors and gradients."""
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

import torsh
from torsh.autograd.gradcheck import gradcheck, gradgradcheck

T = torsh.tensor
F64 = torsh.float64


def leaf(values):
    return T(values, dtype=F64, requires_grad=True)


def check_grads(fn, *inputs):
    """gradcheck and gradgradcheck (with an explicit float64 cotangent) of fn at inputs."""
    assert gradcheck(fn, inputs)
    out = fn(*inputs)
    cotangent = (torsh.arange(out.numel(), dtype=F64).reshape(out.shape) * 0.3 + 0.7)
    assert gradgradcheck(fn, inputs, (cotangent.requires_grad_(True),))


def same(a, b):
    """Equal lists, NaN equal to NaN, and -0.0 told apart from 0.0."""
    if isinstance(a, list):
        return isinstance(b, list) and len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, float) and math.isnan(a):
        return isinstance(b, float) and math.isnan(b)
    return a == b and math.copysign(1, a) == math.copysign(1, b)


I2 = T([[0, 2, 1], [1, 1, 0]])          # index used along dim 0 of a [3, 3] tensor


# ------------------------------------------------------------ scatter

def test_scatter_src_along_dim0_and_dim1():
    src = T([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    assert torsh.zeros(3, 3).scatter(0, I2, src).tolist() == [
        [1, 0, 6], [4, 5, 3], [0, 2, 0]]
    index = T([[2, 0], [1, 1]])
    assert torsh.zeros(2, 3).scatter(1, index, src).tolist() == [[2, 0, 1], [0, 5, 0]]
    assert torsh.zeros(2, 3).scatter(-1, index, src).tolist() == [[2, 0, 1], [0, 5, 0]]


def test_scatter_repeated_index_keeps_last_write():
    assert torsh.zeros(3).scatter(0, T([1, 1, 1]), T([7.0, 8.0, 9.0])).tolist() == [0, 9, 0]


def test_scatter_value_and_keywords():
    x = torsh.ones(2, 3)
    assert x.scatter(1, T([[0], [2]]), 5.0).tolist() == [[5, 1, 1], [1, 1, 5]]
    assert torsh.scatter(x, 1, T([[0], [2]]), value=-1).tolist() == [[-1, 1, 1], [1, 1, -1]]
    src = T([[3.0], [4.0]])
    assert torsh.scatter(x, 1, index=T([[0], [2]]), src=src).tolist() == [[3, 1, 1], [1, 1, 4]]


def test_scatter_value_is_cast_to_input_dtype():
    ints = T([1, 2, 3])
    assert ints.scatter(0, T([0, 2]), 3.7).tolist() == [3, 2, 3]
    assert ints.scatter(0, T([0]), -3.7).tolist() == [-3, 2, 3]
    assert T([1, 2], dtype=torsh.uint8).scatter(0, T([0]), -1).tolist() == [255, 2]
    assert T([True, False]).scatter(0, T([1]), 0.5).tolist() == [True, True]


def test_scatter_legacy_reduce():
    x = T([1.0, 2.0, 3.0])
    index = T([0, 0])
    assert x.scatter(0, index, T([4.0, 5.0]), reduce="add").tolist() == [10, 2, 3]
    assert x.scatter(0, index, T([4.0, 5.0]), reduce="multiply").tolist() == [20, 2, 3]
    assert x.scatter(0, index, 3.0, reduce="multiply").tolist() == [9, 2, 3]
    assert T([3, 4]).scatter(0, index, T([5, 6]), reduce="multiply").tolist() == [90, 4]


def test_scatter_src_larger_than_index_uses_leading_block():
    src = torsh.arange(10.0).reshape(2, 5)
    out = torsh.zeros(3, 4).scatter(0, T([[2, 0]]), src)
    assert out.tolist() == [[0, 1, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]]


def test_scatter_zero_dim_and_empty_index():
    assert T(1.0).scatter(0, T(0), T(2.0)).tolist() == 2.0
    assert T(1.0).scatter(0, T([0]), T([2.0])).tolist() == 2.0
    x = torsh.arange(6.0).reshape(2, 3)
    empty = torsh.zeros(0, dtype=torsh.int64)
    assert x.scatter(0, empty, 1.0).tolist() == x.tolist()     # shapes unchecked when empty
    assert x.scatter_add(1, torsh.zeros(2, 0, dtype=torsh.int64), torsh.ones(2, 0)).tolist() \
        == x.tolist()
    assert torsh.zeros(0, 3).scatter(1, torsh.zeros(0, 2, dtype=torsh.int64),
                                     torsh.ones(0, 2)).shape == (0, 3)


def test_scatter_non_contiguous_inputs():
    base = torsh.arange(9.0).reshape(3, 3)
    x = base.t()                                                   # transposed self
    src = torsh.arange(12.0).reshape(3, 4)[:, ::2]                  # strided src [3, 2]
    index = T([[1], [0], [2]]).expand(3, 2)                         # expanded index
    expected = [[0, 3, 6], [1, 4, 7], [2, 5, 8]]
    for row, (i, values) in enumerate(zip([1, 0, 2], src.tolist())):
        expected[row][i] = values[1]
    assert x.scatter(1, index, src).tolist() == expected
    assert base.tolist() == [[0, 1, 2], [3, 4, 5], [6, 7, 8]]       # out of place


def test_scatter_int32_index_accepted():
    assert torsh.zeros(3).scatter(0, T([2], dtype=torsh.int32), 1.0).tolist() == [0, 0, 1]


def test_scatter_errors():
    x = torsh.zeros(3, 4)
    with pytest.raises(IndexError, match=r"scatter\(\): index 5 is out of bounds for "
                                         r"dimension 0 with size 3"):
        x.scatter(0, T([[0, 5]]), 1.0)
    with pytest.raises(RuntimeError, match="scatter.*index -1 is out of bounds"):
        x.scatter(0, T([[0, -1]]), 1.0)
    with pytest.raises(RuntimeError, match=r"scatter\(\): Expected dtype int64/int32"):
        x.scatter(0, T([[0.0, 1.0]]), 1.0)
    with pytest.raises(RuntimeError, match=r"scatter\(\): Expected dtype"):
        x.scatter(0, T([[0, 1]], dtype=torsh.int16), 1.0)
    with pytest.raises(RuntimeError, match=r"scatter\(\): Expected self.dtype to be equal"):
        x.scatter(0, T([[0, 1]]), torsh.ones(1, 2, dtype=F64))
    with pytest.raises(RuntimeError, match=r"scatter\(\): Index tensor must have the same "
                                           r"number of dimensions as self"):
        x.scatter(0, T([0, 1]), 1.0)
    with pytest.raises(RuntimeError, match="as src tensor"):
        x.scatter(0, T([[0, 1]]), torsh.ones(2))
    with pytest.raises(RuntimeError, match=r"Expected index \[1, 5\] to be no larger than "
                                           r"self \[3, 4\] apart from dimension 0"):
        x.scatter(0, T([[0, 1, 1, 1, 1]]), torsh.ones(2, 5))
    with pytest.raises(RuntimeError, match="no larger size than src"):
        x.scatter(0, T([[0, 1]]), torsh.ones(1, 1))
    with pytest.raises(IndexError, match="scatter: Dimension out of range"):
        x.scatter(2, T([[0, 1]]), 1.0)
    with pytest.raises(RuntimeError, match="reduce argument must be either add or multiply"):
        x.scatter(0, T([[0, 1]]), 1.0, reduce="mean")
    with pytest.raises(TypeError, match="scatter.*index"):
        x.scatter(0, [[0, 1]], 1.0)


def test_scatter_inplace():
    x = torsh.zeros(2, 3)
    version = x._version
    result = x.scatter_(1, T([[2], [0]]), T([[1.0], [2.0]]))
    assert result is x
    assert x.tolist() == [[0, 0, 1], [2, 0, 0]]
    assert x._version > version
    x.scatter_(1, T([[2], [0]]), 3.0, reduce="add")
    assert x.tolist() == [[0, 0, 4], [5, 0, 0]]
    base = torsh.zeros(3, 3)
    base[1].scatter_(0, T([2]), 7.0)                       # through a view
    assert base.tolist() == [[0, 0, 0], [0, 0, 7], [0, 0, 0]]
    with pytest.raises(RuntimeError, match="leaf Variable"):
        leaf([1.0, 2.0]).scatter_(0, T([0]), 1.0)


def test_scatter_gradients():
    check_grads(lambda x, s: x.scatter(0, I2, s), leaf([[1.0] * 3] * 3), leaf([[2.0] * 3] * 2))
    check_grads(lambda x, s: x.scatter(1, T([[0, 0], [0, 1]]), s),     # repeats, larger src
                leaf([[1.0, 2.0], [3.0, 4.0]]), leaf([[5.0, 6.0, 7.0], [8.0, 9.0, 1.0]]))
    check_grads(lambda x: x.scatter(1, T([[1], [0]]), 2.0), leaf([[1.0, 2.0], [3.0, 4.0]]))
    check_grads(lambda x, s: x.scatter(0, T([0, 0]), s, reduce="multiply"),
                leaf([2.0, 3.0]), leaf([4.0, 0.5]))


def test_scatter_gradient_values():
    x, s = leaf([1.0, 2.0, 3.0]), leaf([4.0, 5.0])
    x.scatter(0, T([0, 0]), s).sum().backward()
    assert x.grad.tolist() == [0, 1, 1]
    assert s.grad.tolist() == [0, 1]          # the overwritten write gets nothing


# ------------------------------------------------------------ scatter_add

def test_scatter_add_sums_repeats():
    out = torsh.zeros(3, 3).scatter_add(0, I2, torsh.ones(2, 3))
    assert out.tolist() == [[1, 0, 1], [1, 1, 1], [0, 1, 0]]
    assert torsh.scatter_add(torsh.zeros(2), 0, T([1, 1, 1]), T([1.0, 2.0, 3.0])).tolist() \
        == [0, 6]


def test_scatter_add_integers_wrap_and_bools_or():
    out = T([100], dtype=torsh.int8).scatter_add(0, T([0, 0]), T([100, 100], dtype=torsh.int8))
    assert out.tolist() == [44]
    assert T([True, False]).scatter_add(0, T([1, 1]), T([True, True])).tolist() == [True, True]


def test_scatter_add_special_values():
    out = T([0.0, -0.0, 1.0]).scatter_add(0, T([0, 1, 2]), T([-0.0, -0.0, math.inf]))
    assert same(out.tolist(), [0.0, -0.0, math.inf])
    out = torsh.zeros(2).scatter_add(0, T([0, 0, 1]), T([math.inf, -math.inf, math.nan]))
    assert all(math.isnan(v) for v in out.tolist())


def test_scatter_add_inplace_and_errors():
    x = torsh.ones(3)
    x.scatter_add_(0, T([2, 2]), T([1.0, 1.0]))
    assert x.tolist() == [1, 1, 3]
    with pytest.raises(RuntimeError, match=r"scatter_add\(\): index 3 is out of bounds for "
                                           r"dimension 0 with size 3"):
        x.scatter_add(0, T([3]), T([1.0]))
    with pytest.raises(RuntimeError, match=r"scatter_add\(\): Expected self.dtype"):
        x.scatter_add(0, T([0]), T([1]))


def test_scatter_add_gradients():
    check_grads(lambda x, s: x.scatter_add(0, I2, s), leaf([[1.0] * 3] * 3),
                leaf([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]))
    check_grads(lambda x, s: x.scatter_add(0, T([1, 1], dtype=torsh.int32), s),
                leaf([1.0, 2.0]), leaf([3.0, 4.0, 5.0]))


def test_gather_backward_uses_scatter_add():
    x = leaf([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    x.gather(1, T([[0, 0, 2], [1, 1, 1]])).sum().backward()
    assert x.grad.tolist() == [[2, 0, 1], [0, 3, 0]]


@given(st.lists(st.integers(0, 3), min_size=1, max_size=6), st.integers(0, 2 ** 16))
def test_scatter_add_preserves_total(index, seed):
    src = T([float((seed >> k) % 7) - 3.0 for k in range(len(index))])
    out = torsh.zeros(4).scatter_add(0, T(index), src)
    assert out.sum().item() == src.sum().item()
    for i in range(4):
        assert out[i].item() == sum(v for j, v in zip(index, src.tolist()) if j == i)


@given(st.permutations([0, 1, 2, 3]))
def test_scatter_then_gather_round_trip(perm):
    src = T([[1.0, 2.0, 3.0, 4.0]])
    index = T([perm])
    assert torsh.zeros(1, 4).scatter(1, index, src).gather(1, index).tolist() == src.tolist()


# ------------------------------------------------------------ scatter_reduce

REDUCE_X = [10.0, 20.0, 30.0]
REDUCE_INDEX = [0, 0, 1, 0]
REDUCE_SRC = [1.0, 4.0, 2.0, 3.0]


@pytest.mark.parametrize("reduce, include_self, expected", [
    ("sum", True, [18, 22, 30]), ("sum", False, [8, 2, 30]),
    ("prod", True, [120, 40, 30]), ("prod", False, [12, 2, 30]),
    ("mean", True, [4.5, 11, 30]), ("mean", False, [8 / 3, 2, 30]),
    ("amax", True, [10, 20, 30]), ("amax", False, [4, 2, 30]),
    ("amin", True, [1, 2, 30]), ("amin", False, [1, 2, 30]),
])
def test_scatter_reduce_values(reduce, include_self, expected):
    out = T(REDUCE_X).scatter_reduce(0, T(REDUCE_INDEX), T(REDUCE_SRC), reduce,
                                     include_self=include_self)
    assert out.tolist() == pytest.approx(expected)


def test_scatter_reduce_integer_mean_floors():
    x = T([5, 7, 9])
    assert x.scatter_reduce(0, T([0, 0, 1]), T([2, 2, 4]), "mean").tolist() == [3, 5, 9]
    assert T([-5, 7, 9]).scatter_reduce(0, T([0, 0, 1]), T([2, 2, 4]), "mean").tolist() \
        == [-1, 5, 9]
    assert x.scatter_reduce(0, T([0, 0, 1]), T([2, 3, 4]), "mean",
                            include_self=False).tolist() == [2, 4, 9]


def test_scatter_reduce_special_values():
    x = T([-5.0, 7.0, 9.0])
    out = x.scatter_reduce(0, T([0, 0, 1]), T([2.0, math.nan, 4.0]), "amax")
    assert same(out.tolist(), [math.nan, 7.0, 9.0])
    out = x.scatter_reduce(0, T([0, 0, 1]), T([math.nan, 2.0, 4.0]), "amin")
    assert same(out.tolist(), [math.nan, 4.0, 9.0])
    zero = T([0.0, 1.0])
    for reduce in ("sum", "mean"):        # the fold starts from +0.0: -0.0 becomes 0.0
        out = zero.scatter_reduce(0, T([0]), T([-0.0]), reduce, include_self=False)
        assert same(out.tolist(), [0.0, 1.0])
    out = zero.scatter_reduce(0, T([0]), T([-0.0]), "amax", include_self=False)
    assert same(out.tolist(), [-0.0, 1.0])
    out = zero.scatter_reduce(0, T([1]), T([math.inf]), "prod", include_self=False)
    assert out.tolist() == [0.0, math.inf]


def test_scatter_reduce_inplace_and_2d():
    x = torsh.zeros(2, 2)
    x.scatter_reduce_(1, T([[1, 1], [0, 1]]), T([[3.0, 5.0], [2.0, 1.0]]), "amax",
                      include_self=False)
    assert x.tolist() == [[0, 5], [2, 1]]


def test_scatter_reduce_errors():
    x = torsh.zeros(3)
    with pytest.raises(RuntimeError, match=r"scatter_reduce\(\): reduce argument must be "
                                           r"either sum, prod, mean, amax or amin, got add"):
        x.scatter_reduce(0, T([0]), T([1.0]), "add")
    with pytest.raises(TypeError, match="include_self.*must be bool"):
        x.scatter_reduce(0, T([0]), T([1.0]), "sum", include_self=2)
    with pytest.raises(RuntimeError, match=r"scatter_reduce\(\): index 4 is out of bounds"):
        x.scatter_reduce(0, T([4]), T([1.0]), "sum")
    with pytest.raises(RuntimeError, match=r"scatter_reduce\(\): Expected self.dtype"):
        x.scatter_reduce(0, T([0]), T([1]), "sum")


@pytest.mark.parametrize("reduce", ["sum", "prod", "mean", "amax", "amin"])
@pytest.mark.parametrize("include_self", [True, False])
def test_scatter_reduce_gradients(reduce, include_self):
    check_grads(lambda x, s: x.scatter_reduce(1, T([[0, 2, 0], [1, 1, 1]]), s, reduce,
                                              include_self=include_self),
                leaf([[0.5, 1.5, 2.5], [3.0, -1.0, 2.0]]),
                leaf([[1.25, -2.0, 0.75], [0.5, 1.75, -0.25]]))


def test_scatter_reduce_prod_gradient_with_zeros():
    x, s = leaf([0.0, 2.0]), leaf([0.0, 0.0, 3.0, 0.0])
    x.scatter_reduce(0, T([0, 0, 1, 1]), s, "prod").sum().backward()
    assert x.grad.tolist() == [0, 0]          # x[0]: others hold zeros; x[1]: 3 * 0
    assert s.grad.tolist() == [0, 0, 0, 6]    # s[3] is the lone zero of 2 * 3 * 0
    x, s = leaf([2.0]), leaf([0.0, 5.0])
    x.scatter_reduce(0, T([0, 0]), s, "prod").sum().backward()
    assert x.grad.tolist() == [0] and s.grad.tolist() == [10, 0]


def test_scatter_reduce_amax_ties_share_gradient():
    x, s = leaf([3.0, 1.0]), leaf([3.0, 2.0])
    x.scatter_reduce(0, T([0, 0]), s, "amax").sum().backward()
    assert x.grad.tolist() == [0.5, 1] and s.grad.tolist() == [0.5, 0]
    x, s = leaf([3.0, 1.0]), leaf([3.0, 2.0])
    x.scatter_reduce(0, T([0, 0]), s, "amax", include_self=False).sum().backward()
    assert x.grad.tolist() == [0, 1] and s.grad.tolist() == [1, 0]   # PyTorch: s gets 0.5


# ------------------------------------------------------------ index_select

def test_index_select_values():
    x = torsh.arange(12.0).reshape(3, 4)
    assert x.index_select(1, T([3, 0, 0])).tolist() == [[3, 0, 0], [7, 4, 4], [11, 8, 8]]
    assert torsh.index_select(x, 0, T([2], dtype=torsh.int32)).tolist() == [[8, 9, 10, 11]]
    assert x.index_select(0, T(1)).tolist() == [[4, 5, 6, 7]]
    assert x.t().index_select(0, T([1])).tolist() == [[1, 5, 9]]      # non-contiguous
    assert x.index_select(1, T([], dtype=torsh.int64)).shape == (3, 0)
    assert T(5.0).index_select(0, T([0])).tolist() == 5.0             # 0-d stays 0-d


def test_index_select_errors():
    x = torsh.zeros(3, 4)
    with pytest.raises(IndexError, match=r"index_select\(\): index 3 is out of bounds for "
                                         r"dimension 0 with size 3"):
        x.index_select(0, T([0, 3]))
    with pytest.raises(IndexError, match="index_select.*index -1 is out of bounds"):
        x.index_select(0, T([-1]))
    with pytest.raises(RuntimeError, match=r"index_select\(\): Expected dtype"):
        x.index_select(0, T([0.0]))
    with pytest.raises(RuntimeError, match=r"index_select\(\): Expected dtype"):
        x.index_select(0, T([0], dtype=torsh.int16))
    with pytest.raises(IndexError, match=r"index_select\(\): Index is supposed to be a vector"):
        x.index_select(0, T([[0, 1]]))
    with pytest.raises(RuntimeError, match=r"index_select\(\): Index to scalar can have only 1"):
        T(5.0).index_select(0, T([0, 0]))
    with pytest.raises(IndexError, match="Dimension out of range"):
        x.index_select(2, T([0]))


def test_index_select_gradients():
    x = leaf([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    x.index_select(1, T([2, 0, 2])).sum().backward()
    assert x.grad.tolist() == [[1, 0, 2], [1, 0, 2]]
    check_grads(lambda x: x.index_select(1, T([2, 0, 2])), leaf([[1.0, 2.0, 3.0]] * 2))
    check_grads(lambda x: x.index_select(0, T([0])), leaf(2.0))


# ------------------------------------------------------------ index_add / index_copy / index_fill

def test_index_add_values():
    x = torsh.ones(3, 2)
    source = T([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    assert x.index_add(0, T([2, 0, 2]), source).tolist() == [[4, 5], [1, 1], [7, 9]]
    assert x.index_add(0, T([2, 0, 2]), source, alpha=-1).tolist() == [
        [-2, -3], [1, 1], [-5, -7]]
    assert torsh.zeros(2, dtype=torsh.int64).index_add(0, T([0]), T([3]), alpha=2.5).tolist() \
        == [6, 0]                                # integer tensors truncate alpha
    assert T(5.0).index_add(0, T([0]), T(1.0)).tolist() == 6.0
    y = torsh.ones(2, 3)
    y.index_add_(1, T([1], dtype=torsh.int32), T([[2.0], [3.0]]))
    assert y.tolist() == [[1, 3, 1], [1, 4, 1]]


def test_index_add_errors():
    x = torsh.zeros(3, 4)
    with pytest.raises(RuntimeError, match=r"index_add\(\): index 3 is out of bounds for "
                                           r"dimension 0 with size 3"):
        x.index_add(0, T([0, 3]), torsh.ones(2, 4))
    with pytest.raises(RuntimeError, match="index_add.*index -1 is out of bounds"):
        x.index_add(0, T([0, -1]), torsh.ones(2, 4))
    with pytest.raises(RuntimeError, match=r"index_add\(\): Expected dtype"):
        x.index_add(0, T([0], dtype=torsh.int16), torsh.ones(1, 4))
    with pytest.raises(RuntimeError, match=r"index_add\(\): source tensor shape must match"):
        x.index_add(0, T([0, 1]), torsh.ones(2, 3))
    with pytest.raises(RuntimeError, match=r"index_add\(\): Number of indices \(2\) should be "
                                           r"equal to source.size\(dim\) \(3\)"):
        x.index_add(0, T([0, 1]), torsh.ones(3, 4))
    with pytest.raises(RuntimeError, match=r"index_add\(\): self \(float32\) and source "
                                           r"\(float64\) must have the same dtype"):
        x.index_add(0, T([0, 1]), torsh.ones(2, 4, dtype=F64))
    with pytest.raises(IndexError, match="index_add.*vector"):
        x.index_add(0, T([[0, 1]]), torsh.ones(2, 4))
    with pytest.raises(RuntimeError, match="index_add.*same number of dimensions"):
        torsh.zeros(3).index_add(0, T([0]), T(3.0))


def test_index_copy_values_and_errors():
    x = torsh.zeros(3, 2)
    source = T([[1.0, 2.0], [3.0, 4.0]])
    assert x.index_copy(0, T([2, 0]), source).tolist() == [[3, 4], [0, 0], [1, 2]]
    assert x.index_copy(0, T([0, 0]), source).tolist() == [[3, 4], [0, 0], [0, 0]]
    assert torsh.zeros(3).index_copy(0, T(1), T(5.0)).tolist() == [0, 5, 0]
    x.index_copy_(1, T([1]), T([[7.0], [8.0], [9.0]]))
    assert x.tolist() == [[0, 7], [0, 8], [0, 9]]
    with pytest.raises(IndexError, match=r"index_copy\(\): index 3 is out of bounds for "
                                         r"dimension 0 with size 3"):
        x.index_copy(0, T([3]), torsh.ones(1, 2))
    with pytest.raises(RuntimeError, match=r"index_copy\(\): Expected dtype int64"):
        x.index_copy(0, T([0], dtype=torsh.int32), torsh.ones(1, 2))
    with pytest.raises(IndexError, match=r"index_copy\(\): Number of indices"):
        x.index_copy(0, T([0, 1]), torsh.ones(3, 2))
    with pytest.raises(IndexError, match="index_copy.*same number of dimensions"):
        x.index_copy(0, T([0, 1]), torsh.ones(2, 2, 1))
    with pytest.raises(RuntimeError, match="index_copy.*must have the same dtype"):
        x.index_copy(0, T([0]), torsh.ones(1, 2, dtype=F64))


def test_index_fill_values_and_errors():
    x = torsh.arange(6.0).reshape(2, 3)
    assert x.index_fill(1, T([0, -1]), -1.0).tolist() == [[-1, 1, -1], [-1, 4, -1]]
    assert x.index_fill(0, T(1), T(9.0, dtype=F64)).tolist() == [[0, 1, 2], [9, 9, 9]]
    assert x.long().index_fill(0, T(0), 1.5).tolist() == [[1, 1, 1], [3, 4, 5]]
    assert T(5.0).index_fill(0, T([-1]), 1.0).tolist() == 1.0
    x.index_fill_(1, T([1]), math.nan)
    assert same(x.tolist(), [[0.0, math.nan, 2.0], [3.0, math.nan, 5.0]])
    with pytest.raises(IndexError, match=r"index_fill\(\): index 3 is out of bounds for "
                                         r"dimension 1 with size 3"):
        x.index_fill(1, T([3]), 0.0)
    with pytest.raises(IndexError, match=r"index_fill\(\): Expected dtype int64"):
        x.index_fill(1, T([0], dtype=torsh.int32), 0.0)
    with pytest.raises(RuntimeError, match=r"index_fill\(\): only supports a 0-dimensional"):
        x.index_fill(1, T([0]), T([1.0, 2.0]))
    with pytest.raises(RuntimeError, match=r"index_fill\(\): Index has to be a vector"):
        x.index_fill(1, T([[0]]), 0.0)


def test_index_add_copy_fill_gradients():
    check_grads(lambda x, s: x.index_add(1, T([2, 0, 2]), s, alpha=2),
                leaf([[1.0, 2.0, 3.0]] * 2), leaf([[0.5, 1.0, 1.5], [2.0, 2.5, 3.0]]))
    check_grads(lambda x, s: x.index_copy(1, T([2, 0, 2]), s),       # a repeated index
                leaf([[1.0, 2.0, 3.0]] * 2), leaf([[0.5, 1.0, 1.5], [2.0, 2.5, 3.0]]))
    check_grads(lambda x, s: x.index_copy(0, T(1), s), leaf([1.0, 2.0, 3.0]), leaf(4.0))
    check_grads(lambda x, v: x.index_fill(1, T([2, 0, 2]), v), leaf([[1.0, 2.0, 3.0]] * 2),
                leaf(0.5))
    v = leaf(2.0)
    torsh.zeros(3, dtype=F64).index_fill(0, T([0, 0, 2]), v).sum().backward()
    assert v.grad.tolist() == 2.0             # each filled position once


# ------------------------------------------------------------ masked_select / masked_scatter

def test_masked_select_values_and_broadcasting():
    x = torsh.arange(6.0).reshape(2, 3)
    assert x.masked_select(T([True, False, True])).tolist() == [0, 2, 3, 5]
    assert torsh.masked_select(x, x > 2).tolist() == [3, 4, 5]
    assert T([1.0, 2.0, 3.0]).masked_select(T([[True], [False]])).tolist() == [1, 2, 3]
    assert x.masked_select(torsh.zeros(2, 3, dtype=torsh.bool)).shape == (0,)
    assert T(1.0).masked_select(T(True)).tolist() == [1.0]
    assert x.t().masked_select(T([[True, False], [False, True], [True, True]])).tolist() \
        == [0, 4, 2, 5]


def test_masked_select_errors():
    with pytest.raises(RuntimeError, match=r"masked_select\(\): expected BoolTensor for mask"):
        torsh.zeros(3).masked_select(T([1, 0, 1]))
    with pytest.raises(RuntimeError, match="masked_select.*broadcast"):
        torsh.zeros(3, 4).masked_select(T([True, False]))


def test_masked_scatter_values():
    x = torsh.zeros(3, 4)
    out = x.masked_scatter(T([True, False, True, False]), torsh.arange(10.0))
    assert out.tolist() == [[0, 0, 1, 0], [2, 0, 3, 0], [4, 0, 5, 0]]
    out = T([1.0, 2.0, 3.0]).masked_scatter(T([[True], [False]]), torsh.arange(9.0))
    assert out.tolist() == [[0, 1, 2], [1, 2, 3]]
    y = T([1.0, 2.0, 3.0])
    y.masked_scatter_(T(True), torsh.arange(9.0).reshape(3, 3))
    assert y.tolist() == [0, 1, 2]


def test_masked_scatter_errors():
    x = torsh.zeros(3, 4)
    mask = T([True, False, True, False])
    with pytest.raises(RuntimeError, match=r"masked_scatter\(\): Number of elements of source "
                                           r"\(5\) < number of ones in mask \(6\)"):
        x.masked_scatter(mask, torsh.arange(5.0))
    with pytest.raises(RuntimeError, match="masked_scatter.*same dtypes"):
        x.masked_scatter(mask, torsh.arange(10.0, dtype=F64))
    with pytest.raises(RuntimeError, match="masked_scatter.*BoolTensor"):
        x.masked_scatter(T([1, 0, 1, 0]), torsh.arange(10.0))
    with pytest.raises(RuntimeError, match="masked_scatter_"):
        torsh.zeros(4).masked_scatter_(torsh.ones(3, 4, dtype=torsh.bool), torsh.arange(12.0))


def test_masked_select_scatter_gradients():
    mask = T([True, False, True])
    a = leaf([[1.0, 2.0, 3.0]])
    a.masked_select(T([[True], [False]])).sum().backward()
    assert a.grad.tolist() == [[1, 1, 1]]
    check_grads(lambda x: x.masked_select(mask), leaf([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]))
    check_grads(lambda x: x.masked_select(T([[True], [False]])), leaf([1.0, 2.0, 3.0]))
    check_grads(lambda x, s: x.masked_scatter(mask, s), leaf([[1.0, 2.0, 3.0]] * 2),
                leaf([0.5, 1.0, 1.5, 2.0, 2.5]))
    s = leaf([[1.0, 2.0, 3.0]])
    torsh.zeros(3, dtype=F64).masked_scatter(mask, s).sum().backward()
    assert s.grad.tolist() == [[1, 1, 0]]


# ------------------------------------------------------------ take / put / take_along_dim

def test_take_values_and_errors():
    x = torsh.arange(12.0).reshape(3, 4)
    assert x.take(T([[0, -1], [5, 11]])).tolist() == [[0, 11], [5, 11]]
    assert x.t().take(T([1])).tolist() == [4]            # row-major order of the view
    assert torsh.take(x, T(3)).tolist() == 3.0
    assert x.take(torsh.zeros(0, dtype=torsh.int64)).shape == (0,)
    with pytest.raises(IndexError, match=r"take\(\): out of range: tried to access index 12 on "
                                         r"a tensor of 12 elements"):
        x.take(T([12]))
    with pytest.raises(IndexError, match="take.*index -13"):
        x.take(T([-13]))
    with pytest.raises(RuntimeError, match=r"take\(\): Expected dtype int64"):
        x.take(T([1], dtype=torsh.int32))


def test_put_values_and_errors():
    x = T([[1.0, 2.0], [3.0, 4.0]])
    assert x.put(T([0, -1]), T([9.0, 8.0])).tolist() == [[9, 2], [3, 8]]
    assert x.put(T([[-1, -1]]), T([5.0, 6.0]), accumulate=True).tolist() == [[1, 2], [3, 15]]
    assert torsh.put(x, T([1, 1]), T([5.0, 6.0])).tolist() == [[1, 6], [3, 4]]
    x.put_(T([3]), T([0.0]))
    assert x.tolist() == [[1, 2], [3, 0]]
    with pytest.raises(IndexError, match=r"put\(\): Expected source and index to have the same "
                                         r"number of elements"):
        x.put(T([0, 1]), T([5.0]))
    with pytest.raises(RuntimeError, match=r"put\(\): self and source expected to have the same"):
        x.put(T([0]), T([5.0], dtype=F64))
    with pytest.raises(IndexError, match=r"put\(\): out of range: tried to access index 4"):
        x.put(T([4]), T([5.0]))


def test_take_put_gradients():
    check_grads(lambda x: x.take(T([[0, -1], [0, 3]])), leaf([[1.0, 2.0], [3.0, 4.0]]))
    check_grads(lambda x, s: x.put(T([0, -1, 0]), s), leaf([1.0, 2.0, 3.0]),
                leaf([4.0, 5.0, 6.0]))
    check_grads(lambda x, s: x.put(T([0, -1, 0]), s, accumulate=True), leaf([1.0, 2.0, 3.0]),
                leaf([4.0, 5.0, 6.0]))


def test_take_along_dim_values():
    x = torsh.arange(12.0).reshape(3, 4)
    assert torsh.take_along_dim(x, T([[0], [1], [3]]), 1).tolist() == [[0], [5], [11]]
    assert x.take_along_dim(T([[3, 0]]), 1).tolist() == [[3, 0], [7, 4], [11, 8]]  # broadcast
    assert torsh.take_along_dim(x, T([[-1]]), 1).tolist() == [[3], [7], [11]]
    assert torsh.take_along_dim(x, T([[-9], [4], [5]]), 1).tolist() == [[3], [4], [9]]  # mod
    assert torsh.take_along_dim(x, T([[3, 0]])).tolist() == [3, 0]
    assert torsh.take_along_dim(T(5.0), T(0)).tolist() == [5.0]


def test_take_along_dim_errors_and_gradient():
    x = torsh.arange(12.0).reshape(3, 4)
    with pytest.raises(RuntimeError, match="take_along_dim.*Expected dtype int64"):
        torsh.take_along_dim(x, T([[0]], dtype=torsh.int32), 1)
    with pytest.raises(RuntimeError, match="take_along_dim.*same number of dimensions"):
        torsh.take_along_dim(x, T([0]), 1)
    with pytest.raises(IndexError, match="take_along_dim.*no dimensions"):
        torsh.take_along_dim(T(5.0), T(0), 0)
    with pytest.raises(IndexError, match="Dimension out of range"):
        torsh.take_along_dim(x, T([[0]]), 2)
    with pytest.raises((IndexError, RuntimeError), match="out of bounds"):   # from gather
        torsh.take_along_dim(x, T([[12]]))
    check_grads(lambda x: torsh.take_along_dim(x, T([[1, 1]]), 1),
                leaf([[1.0, 2.0], [3.0, 4.0]]))


def test_take_along_dim_without_dim_rejects_negative_indices():
    try:
        torsh.take_along_dim(torsh.arange(4.0), T([-1]))
    except RuntimeError:
        return
    raise AssertionError("expected an out-of-bounds error")


# ------------------------------------------------------------ against a live PyTorch

@pytest.mark.torch
def test_scatter_family_matches_torch():
    torch = pytest.importorskip("torch")
    x = [[0.5, -1.0, 2.0], [3.0, 0.0, -2.5]]
    index = [[2, 0, 2], [1, 1, 0]]
    src = [[1.5, 2.0, -0.5], [4.0, -3.0, 0.25]]
    for reduce in ("sum", "prod", "mean", "amax", "amin"):
        for include_self in (True, False):
            ours = T(x).scatter_reduce(1, T(index), T(src), reduce, include_self=include_self)
            theirs = torch.tensor(x).scatter_reduce(1, torch.tensor(index), torch.tensor(src),
                                                    reduce, include_self=include_self)
            assert ours.reshape(-1).tolist() == pytest.approx(theirs.reshape(-1).tolist())
    ours = T(x).index_add(1, T([2, 0]), T(src)[:, :2], alpha=0.5)
    theirs = torch.tensor(x).index_add(1, torch.tensor([2, 0]), torch.tensor(src)[:, :2],
                                       alpha=0.5)
    assert ours.reshape(-1).tolist() == pytest.approx(theirs.reshape(-1).tolist())
