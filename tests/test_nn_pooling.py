"""torsh.nn.functional poolings and the pooling layers of torsh.nn.

Expected values are written by hand from each formula (checked once against PyTorch 2.13);
every differentiable pooling gets a float64 gradcheck and gradgradcheck.
"""
import math
import random

import pytest

import torsh
import torsh.nn as nn
import torsh.nn.functional as F
from torsh.autograd.gradcheck import gradcheck, gradgradcheck

inf, nan = math.inf, math.nan
F64 = torsh.float64


def t(values, dtype=F64, grad=False):
    return torsh.tensor(values, dtype=dtype, requires_grad=grad)


def row(values, grad=False):
    """A (1, 1, L) float64 tensor."""
    return t([[values]], grad=grad)


def grid(n, m):
    return t([[[[float(i * m + j) for j in range(m)] for i in range(n)]]])


def flat(x):
    return x.reshape(-1).tolist()


def same(got, expected):
    assert len(got) == len(expected), (got, expected)
    for g, e in zip(got, expected):
        assert (g != g and e != e) or g == pytest.approx(e, abs=1e-12), (got, expected)


def check_grads(fn, *inputs):
    """gradcheck and gradgradcheck of fn at float64 inputs (all requiring grad)."""
    assert gradcheck(fn, inputs)
    out = fn(*inputs)
    cotangent = torsh.rand(tuple(out.shape), dtype=F64).requires_grad_()
    assert gradgradcheck(fn, inputs, (cotangent,))


def distinct(*shape):
    """float64 values with no ties (gaps far above gradcheck's eps), requiring grad."""
    n = math.prod(shape)
    values = [(k - n / 2) / 3 for k in random.Random(n).sample(range(n), n)]
    return t(values).reshape(shape).requires_grad_()


# ------------------------------------------------------------ max pooling

def test_max_pool_values_and_indices():
    values, indices = F.max_pool2d(grid(4, 4), 2, return_indices=True)
    assert values.tolist() == [[[[5.0, 7.0], [13.0, 15.0]]]]
    assert indices.tolist() == [[[[5, 7], [13, 15]]]] and indices.dtype is torsh.int64
    values, indices = F.max_pool2d(grid(4, 4), 3, 2, 1, return_indices=True)
    assert values.tolist() == [[[[5.0, 7.0], [13.0, 15.0]]]]
    assert flat(F.max_pool1d(row([1.0, 4.0, 2.0, 0.0, 3.0]), 2, ceil_mode=True)) == \
        [4.0, 2.0, 3.0]
    # dilation 2: windows {0, 2, 4}, {1, 3, 5}
    values, indices = F.max_pool1d(row([1.0, 6.0, 3.0, 2.0, 0.0, 5.0]), 3, 1, dilation=2,
                                   return_indices=True)
    assert flat(values) == [3.0, 6.0] and flat(indices) == [2, 1]
    x = torsh.arange(2 * 3 * 3 * 3, dtype=F64).reshape(1, 2, 3, 3, 3)
    values, indices = F.max_pool3d(x, 2, return_indices=True)
    assert flat(values) == [13.0, 40.0] and flat(indices) == [13, 13]


def test_max_pool_ties_nan_inf():
    values, indices = F.max_pool1d(row([1.0, 3.0, 3.0, 2.0]), 4, return_indices=True)
    assert flat(values) == [3.0] and flat(indices) == [1]            # the first maximum
    values, indices = F.max_pool1d(row([1.0, nan, 3.0, nan, 2.0]), 5, return_indices=True)
    assert math.isnan(flat(values)[0]) and flat(indices) == [3]      # the last NaN
    values, indices = F.max_pool1d(row([-inf, -inf, -inf]), 2, padding=1, return_indices=True)
    assert flat(values) == [-inf, -inf] and flat(indices) == [0, 1]
    # dilation lets a window lie wholly in the padding: -inf at PyTorch's index, the first
    # tap at or after 0, here past the input's end (its gradient is dropped)
    x = row([5.0], grad=True)
    values, indices = F.max_pool1d(x, 2, 1, padding=1, dilation=2, return_indices=True)
    assert flat(values) == [-inf] and flat(indices) == [1]
    values.sum().backward()
    assert flat(x.grad) == [0.0]
    values, indices = F.max_pool1d(row([-0.0, 0.0]), 2, return_indices=True)
    assert math.copysign(1, flat(values)[0]) == -1 and flat(indices) == [0]


def test_max_pool_gradient_goes_to_first_maximum():
    x = row([1.0, 3.0, 3.0, 2.0], grad=True)
    F.max_pool1d(x, 4).sum().backward()
    assert flat(x.grad) == [0.0, 1.0, 0.0, 0.0]
    x = row([1.0, 5.0, 2.0], grad=True)                   # overlapping windows add up
    F.max_pool1d(x, 2, 1).sum().backward()
    assert flat(x.grad) == [0.0, 2.0, 0.0]
    x = t([[[[1.0, 2.0], [2.0, 2.0]]]], grad=True)
    F.max_pool2d(x, 2).backward(t([[[[5.0]]]]))
    assert flat(x.grad) == [0.0, 5.0, 0.0, 0.0]


def test_max_pool_output_may_change_in_place():
    x = t([[[[1.0, -2.0], [-3.0, -4.0]], [[-1.0, -2.0], [-3.0, -4.0]]]], grad=True)
    out = nn.Sequential(nn.MaxPool2d(2), nn.ReLU(inplace=True))(x)
    out.sum().backward()                       # the values are not saved, only the indices
    assert flat(out) == [1.0, 0.0] and flat(x.grad) == [1.0, 0, 0, 0, 0, 0, 0, 0]
    with torsh.no_grad():
        assert F.max_pool2d(x, 2).grad_fn is None


def test_max_pool_dtypes_and_layouts():
    ints = torsh.tensor([[[1, 5, -3, 2]]])
    assert F.max_pool2d(ints.unsqueeze(0), (1, 2)).tolist() == [[[[5, 2]]]]
    values, indices = F.max_pool1d(ints, 2, return_indices=True)
    assert values.dtype is torsh.int64 and flat(indices) == [1, 3]
    with pytest.raises(NotImplementedError, match="max_pool1d"):
        F.max_pool1d(ints, 2)                             # PyTorch: only with indices
    with pytest.raises(NotImplementedError, match="max_pool2d"):
        F.max_pool2d(torsh.ones(1, 2, 2, dtype=torsh.bool), 2)
    half = F.max_pool1d(row([0.5, 1.5]).to(torsh.float16), 2)
    assert half.dtype is torsh.float16 and flat(half) == [1.5]
    x = grid(4, 4)
    assert F.max_pool2d(x.transpose(-1, -2), 2).tolist() == [[[[5.0, 13.0], [7.0, 15.0]]]]
    assert F.max_pool2d(x[..., ::2, :], (1, 2)).tolist() == [[[[1.0, 3.0], [9.0, 11.0]]]]
    assert F.max_pool2d(row([1.0, 2.0]).expand(2, 3, 2), (1, 2)).shape == (2, 3, 1)
    assert F.max_pool2d(torsh.ones(0, 2, 4, 4), 2).shape == (0, 2, 2, 2)
    assert F.max_pool2d(torsh.ones(2, 4, 4), 2).shape == (2, 2, 2)


def test_max_pool_errors():
    x = grid(4, 4)
    with pytest.raises(RuntimeError, match="max_pool2d.*half of effective kernel"):
        F.max_pool2d(x, 2, padding=2)
    with pytest.raises(RuntimeError, match="max_pool2d.*Output size is too small"):
        F.max_pool2d(x, 5)
    with pytest.raises(RuntimeError, match="max_pool2d.*stride should not be zero"):
        F.max_pool2d(x, 2, 0)
    with pytest.raises(RuntimeError, match="max_pool2d.*dilation"):
        F.max_pool2d(x, 2, dilation=0)
    with pytest.raises(RuntimeError, match="max_pool2d.*non-negative"):
        F.max_pool2d(x, 2, padding=-1)
    with pytest.raises(RuntimeError, match="max_pool2d.*3D or 4D"):
        F.max_pool2d(x[0, 0], 2)
    with pytest.raises(RuntimeError, match="max_pool2d.*3D or 4D"):
        F.max_pool2d(torsh.ones(1, 0, 2, 2), 2)
    with pytest.raises(RuntimeError, match="max_pool3d.*tuple of three ints"):
        F.max_pool3d(torsh.ones(1, 2, 2, 2), (2, 2))
    with pytest.raises(TypeError, match="max_pool2d"):
        F.max_pool2d([1.0, 2.0], 2)


def test_max_pool_grads():
    check_grads(lambda a: F.max_pool1d(a, 3, 2, 1, ceil_mode=True), distinct(2, 7))
    check_grads(lambda a: F.max_pool2d(a, (2, 3), 1, (1, 1), dilation=(2, 1)),
                distinct(1, 1, 4, 5))
    check_grads(lambda a: F.max_pool3d(a, 2, 1), distinct(1, 2, 2, 3))
    check_grads(lambda a: F.max_pool2d(a.transpose(-1, -2), 2), distinct(1, 4, 4))


# ------------------------------------------------------------ average pooling

def test_avg_pool_values():
    x = row([1.0, 2.0, 3.0, 4.0, 5.0])
    assert flat(F.avg_pool1d(x, 2, padding=1)) == [0.5, 2.5, 4.5]
    assert flat(F.avg_pool1d(x, 2, padding=1, count_include_pad=False)) == [1.0, 2.5, 4.5]
    assert flat(F.avg_pool1d(x, 2, ceil_mode=True)) == [1.5, 3.5, 5.0]
    # ceil_mode's extra cells never count, padding does (count_include_pad=True)
    assert flat(F.avg_pool1d(x, 3, 2, 1, ceil_mode=True)) == [1.0, 3.0, 3.0]
    assert flat(F.avg_pool1d(x, 3, 2, 1, ceil_mode=True, count_include_pad=False)) == \
        [1.5, 3.0, 4.5]
    same(flat(F.avg_pool2d(grid(3, 3), 2, 1, 1, count_include_pad=False)),
         [0.0, 0.5, 1.5, 2.0, 1.5, 2.0, 3.0, 3.5, 4.5, 5.0, 6.0, 6.5, 6.0, 6.5, 7.5, 8.0])
    assert F.avg_pool2d(grid(4, 4), 2, divisor_override=2).tolist() == \
        [[[[5.0, 9.0], [21.0, 25.0]]]]
    cube = torsh.arange(8, dtype=F64).reshape(1, 2, 2, 2)
    assert flat(F.avg_pool3d(cube, 2)) == [3.5]
    assert flat(F.avg_pool3d(cube, 2, padding=1, divisor_override=1)) == cube.reshape(-1) \
        .tolist()


def test_avg_pool_special_values_and_layouts():
    same(flat(F.avg_pool1d(row([1.0, nan, inf, 1.0, inf, -inf]), 2)), [nan, inf, nan])
    assert F.avg_pool2d(grid(4, 4).transpose(-1, -2), 2).tolist() == \
        [[[[2.5, 10.5], [4.5, 12.5]]]]
    assert F.avg_pool2d(torsh.ones(0, 1, 2, 2), 2).shape == (0, 1, 1, 1)


def test_avg_pool_gradient_is_the_adjoint():
    x = row([1.0, 2.0, 3.0, 4.0, 5.0], grad=True)
    F.avg_pool1d(x, 3, 2, 1, ceil_mode=True, count_include_pad=False).sum().backward()
    same(flat(x.grad), [0.5, 0.5 + 1 / 3, 1 / 3, 1 / 3 + 0.5, 0.5])


def test_avg_pool_errors():
    x = grid(4, 4)
    with pytest.raises(RuntimeError, match="avg_pool2d.*divisor must be not zero"):
        F.avg_pool2d(x, 2, divisor_override=0)
    with pytest.raises(NotImplementedError, match="avg_pool2d.*Int"):
        F.avg_pool2d(torsh.ones(1, 2, 2, dtype=torsh.int32), 2)
    with pytest.raises(RuntimeError, match="avg_pool3d.*smaller than kernel size"):
        F.avg_pool3d(torsh.ones(1, 1, 3, 3), (2, 2, 2), padding=1)
    with pytest.raises(NotImplementedError, match="avg_pool3d.*Half"):
        F.avg_pool3d(torsh.ones(1, 2, 2, 2, dtype=torsh.float16), 2)
    with pytest.raises(RuntimeError, match="avg_pool1d.*one int"):
        F.avg_pool1d(x[0], (2, 2))
    with pytest.raises(RuntimeError, match="avg_pool2d.*3D or 4D"):
        F.avg_pool2d(torsh.ones(1, 1, 1, 2, 2), 2)


def test_avg_pool_grads():
    check_grads(lambda a: F.avg_pool1d(a, 3, 2, 1, ceil_mode=True), distinct(2, 7))
    check_grads(lambda a: F.avg_pool2d(a, (3, 2), (2, 1), 1, ceil_mode=True,
                                       count_include_pad=False), distinct(1, 5, 4))
    check_grads(lambda a: F.avg_pool2d(a, 2, 1, divisor_override=3), distinct(1, 1, 3, 3))
    check_grads(lambda a: F.avg_pool3d(a, (1, 2, 2), padding=(0, 1, 0)), distinct(1, 2, 2, 3))


# ------------------------------------------------------------ adaptive pooling

def test_adaptive_pool_values():
    x = row([1.0, 2.0, 3.0, 4.0, 5.0])
    assert flat(F.adaptive_avg_pool1d(x, 3)) == [1.5, 3.0, 4.5]    # [0,2) [1,4) [3,5)
    values, indices = F.adaptive_max_pool1d(x, 3, return_indices=True)
    assert flat(values) == [2.0, 4.0, 5.0] and flat(indices) == [1, 3, 4]
    assert flat(F.adaptive_avg_pool1d(row([1.0, 3.0]), 3)) == [1.0, 2.0, 3.0]   # upsampling
    assert F.adaptive_avg_pool2d(grid(4, 4), 1).tolist() == [[[[7.5]]]]
    assert F.adaptive_avg_pool2d(grid(4, 4), (None, 2)).shape == (1, 1, 4, 2)
    assert F.adaptive_max_pool2d(grid(4, 4), (2, None)).tolist()[0][0] == \
        [[4.0, 5.0, 6.0, 7.0], [12.0, 13.0, 14.0, 15.0]]
    assert F.adaptive_avg_pool3d(torsh.ones(2, 3, 3, 3), (1, 2, 3)).shape == (2, 1, 2, 3)
    assert F.adaptive_avg_pool2d(grid(4, 4), 0).shape == (1, 1, 0, 0)
    same(flat(F.adaptive_avg_pool2d(torsh.ones(1, 0, 2), 1)), [nan])  # 0 / 0
    values, indices = F.adaptive_max_pool1d(row([1.0, nan, 3.0, nan, 3.0]), 1,
                                            return_indices=True)
    assert flat(indices) == [3]
    x = row([1.0, 4.0, 4.0, 2.0], grad=True)
    F.adaptive_max_pool1d(x, 1).sum().backward()
    assert flat(x.grad) == [0.0, 1.0, 0.0, 0.0]


def test_adaptive_pool_errors():
    with pytest.raises(NotImplementedError, match="adaptive_avg_pool2d.*Long"):
        F.adaptive_avg_pool2d(torsh.ones(1, 2, 2, dtype=torsh.int64), 1)
    with pytest.raises(RuntimeError, match="adaptive_avg_pool2d.*greater than or equal to 0"):
        F.adaptive_avg_pool2d(grid(2, 2), -1)
    with pytest.raises(RuntimeError, match="adaptive_max_pool2d.*non-zero size"):
        F.adaptive_max_pool2d(torsh.ones(1, 1, 0, 2), 1)
    with pytest.raises(RuntimeError, match="adaptive_max_pool2d.*3D or 4D"):
        F.adaptive_max_pool2d(torsh.ones(2, 2), 1)


def test_adaptive_pool_grads():
    check_grads(lambda a: F.adaptive_avg_pool1d(a, 3), distinct(2, 5))
    check_grads(lambda a: F.adaptive_avg_pool2d(a, (3, 2)), distinct(1, 4, 5))
    check_grads(lambda a: F.adaptive_avg_pool3d(a, 2), distinct(1, 3, 2, 3))
    check_grads(lambda a: F.adaptive_max_pool1d(a, 3), distinct(2, 5))
    check_grads(lambda a: F.adaptive_max_pool2d(a, (3, 2)), distinct(1, 4, 5))
    check_grads(lambda a: F.adaptive_max_pool3d(a, 2), distinct(1, 3, 2, 3))


# ------------------------------------------------------------ lp pooling, max_unpool

def test_lp_pool():
    same(flat(F.lp_pool1d(row([1.0, 2.0, 3.0, 4.0]), 2, 2)), [math.sqrt(5), 5.0])
    assert flat(F.lp_pool1d(row([-1.0, -2.0, 3.0, 4.0]), 1, 2)) == [-3.0, 7.0]
    same(flat(F.lp_pool2d(grid(2, 2), 2, 2)), [math.sqrt(14)])
    assert F.lp_pool3d(torsh.ones(1, 2, 2, 2), 3, 2).tolist() == [[[[2.0]]]]
    positive = (distinct(1, 2, 5) * 0.1).detach().abs() + 0.5
    check_grads(lambda a: F.lp_pool1d(a, 2, 2, 1), positive.requires_grad_())
    check_grads(lambda a: F.lp_pool2d(a, 3.0, (2, 1)), positive.detach().requires_grad_())


def test_max_unpool():
    out = F.max_unpool1d(row([5.0, 7.0]), torsh.tensor([[[1, 3]]]), 2)
    assert flat(out) == [0.0, 5.0, 0.0, 7.0]
    x = grid(4, 4)
    values, indices = F.max_pool2d(x, 2, return_indices=True)
    restored = F.max_unpool2d(values, indices, 2)
    assert flat(restored) == [0.0] * 5 + [5.0, 0.0, 7.0] + [0.0] * 5 + [13.0, 0.0, 15.0]
    assert F.max_unpool2d(values, indices, 2, output_size=(5, 5)).shape == (1, 1, 5, 5)
    assert F.max_unpool2d(values[0], indices[0], 2, output_size=(4, 5)).shape == (1, 4, 5)
    same_index = F.max_unpool1d(row([1.0, 2.0, 3.0]), torsh.zeros(1, 1, 3, dtype=torsh.int64),
                                2)
    assert flat(same_index) == [3.0, 0.0, 0.0, 0.0, 0.0, 0.0]        # the last write wins
    assert F.max_unpool3d(torsh.ones(1, 1, 1, 1), torsh.zeros(1, 1, 1, 1, dtype=torsh.int64),
                          2).shape == (1, 2, 2, 2)
    check_grads(lambda a: F.max_unpool2d(*F.max_pool2d(a, 2, return_indices=True), 2),
                distinct(1, 1, 4, 4))


def test_max_unpool_errors():
    x, i = torsh.ones(1, 1, 2, 2), torsh.zeros(1, 1, 2, 2, dtype=torsh.int64)
    with pytest.raises(RuntimeError, match="max_unpool2d.*invalid max index: 16"):
        F.max_unpool2d(x, i + 16, 2)
    with pytest.raises(RuntimeError, match="max_unpooling2d.*int64"):
        F.max_unpool2d(x, i.to(torsh.int32), 2)
    with pytest.raises(RuntimeError, match="max_unpooling2d.*shape of indices"):
        F.max_unpool2d(x, i[..., :1], 2)
    with pytest.raises(ValueError, match="invalid output_size"):
        F.max_unpool2d(x, i, 2, output_size=(9, 9))
    with pytest.raises(ValueError, match="2 or 4 elements"):
        F.max_unpool2d(x, i, 2, output_size=(4,))
    with pytest.raises(NotImplementedError, match="max_unpool2d"):
        F.max_unpool2d(x.to(torsh.int64), i, 2)


def test_pools_are_declared_ops():
    from torsh.nn.functional import FUNCTIONAL_OPS
    for name in ("max_pool", "avg_pool", "adaptive_max_pool", "adaptive_avg_pool",
                 "take_pooled", "max_pool_backward", "avg_pool_backward",
                 "adaptive_avg_pool_backward", "max_unpool"):
        assert FUNCTIONAL_OPS[name].reference is not None and FUNCTIONAL_OPS[name].doc


# ------------------------------------------------------------ layers

def test_layer_reprs():
    assert repr(nn.MaxPool2d(2)) == \
        "MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)"
    assert repr(nn.MaxPool3d((2, 1, 2), stride=1)) == \
        "MaxPool3d(kernel_size=(2, 1, 2), stride=1, padding=0, dilation=1, ceil_mode=False)"
    assert repr(nn.AvgPool1d(3)) == "AvgPool1d(kernel_size=(3,), stride=(3,), padding=(0,))"
    assert repr(nn.AvgPool2d(2, 1, 1)) == "AvgPool2d(kernel_size=2, stride=1, padding=1)"
    assert repr(nn.AdaptiveAvgPool2d((None, 2))) == "AdaptiveAvgPool2d(output_size=(None, 2))"
    assert repr(nn.AdaptiveMaxPool1d(3)) == "AdaptiveMaxPool1d(output_size=3)"
    assert repr(nn.LPPool2d(2, 3, stride=1)) == \
        "LPPool2d(norm_type=2, kernel_size=3, stride=1, ceil_mode=False)"
    assert repr(nn.MaxUnpool2d(2, 1)) == \
        "MaxUnpool2d(kernel_size=(2, 2), stride=(1, 1), padding=(0, 0))"


def test_layers_forward():
    x = grid(4, 4)
    assert nn.MaxPool2d(2)(x).tolist() == [[[[5.0, 7.0], [13.0, 15.0]]]]
    values, indices = nn.MaxPool2d(2, return_indices=True)(x)
    assert nn.MaxUnpool2d(2)(values, indices, output_size=x.shape).shape == (1, 1, 4, 4)
    assert nn.AvgPool2d(2)(x).tolist() == [[[[2.5, 4.5], [10.5, 12.5]]]]
    assert nn.AvgPool1d(2)(x[0]).shape == (1, 4, 2)
    assert nn.AvgPool3d(2, divisor_override=1)(torsh.ones(1, 2, 2, 2)).tolist() == [[[[8.0]]]]
    assert nn.MaxPool1d(2)(x[0]).shape == (1, 4, 2)
    assert nn.MaxPool3d(2)(torsh.ones(1, 2, 2, 2)).shape == (1, 1, 1, 1)
    assert nn.AdaptiveAvgPool2d(1)(x).tolist() == [[[[7.5]]]]
    assert nn.AdaptiveAvgPool1d(2)(x[0]).shape == (1, 4, 2)
    assert nn.AdaptiveAvgPool3d(1)(torsh.ones(1, 2, 2, 2)).shape == (1, 1, 1, 1)
    assert len(nn.AdaptiveMaxPool2d(2, return_indices=True)(x)) == 2
    assert nn.AdaptiveMaxPool1d(1)(x[0]).shape == (1, 4, 1)
    assert nn.AdaptiveMaxPool3d(1)(torsh.ones(1, 2, 2, 2)).shape == (1, 1, 1, 1)
    same(flat(nn.LPPool2d(2, 2)(grid(2, 2))), [math.sqrt(14)])
    assert nn.LPPool1d(1, 2)(x[0]).shape == (1, 4, 2)
    assert nn.LPPool3d(1, 2)(torsh.ones(1, 2, 2, 2)).tolist() == [[[[8.0]]]]
    assert nn.MaxUnpool1d(2)(row([1.0]), torsh.tensor([[[1]]])).tolist() == [[[0.0, 1.0]]]
    assert nn.MaxUnpool3d(2)(torsh.ones(1, 1, 1, 1),
                             torsh.zeros(1, 1, 1, 1, dtype=torsh.int64)).shape == (1, 2, 2, 2)


def test_layers_hold_no_state_and_train_like_eval():
    pool = nn.MaxPool2d(2)
    assert list(pool.parameters()) == [] and list(pool.state_dict()) == []
    x = grid(4, 4)
    assert pool.eval()(x).tolist() == pool.train()(x).tolist()
    model = nn.Sequential(nn.MaxPool2d(2), nn.Flatten(), nn.Linear(4, 1, dtype=F64))
    y = distinct(1, 1, 4, 4)
    model(y).sum().backward()
    assert y.grad.shape == (1, 1, 4, 4) and sum(v != 0 for v in flat(y.grad)) == 4
