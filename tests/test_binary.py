"""Binary and ternary elementwise ops and the Python operators (ops/binary.py, ternary.py,
operators.py).

Expected values are written by hand (checked once against PyTorch 2.13): NaN equals NaN and the
sign of a zero counts. Property tests compare broadcasting with numpy.
"""
import math

import numpy as np
import pytest
from hypothesis import given, strategies as st

import torsh
from torsh.autograd.gradcheck import gradcheck, gradgradcheck

inf, nan = math.inf, math.nan
F64 = torsh.float64


def same(got, expected):
    assert len(got) == len(expected), (got, expected)
    for g, e in zip(got, expected):
        if isinstance(e, float) and e != e:
            assert g != g, (got, expected)
        elif isinstance(e, float) and e == 0:
            assert g == 0 and math.copysign(1, g) == math.copysign(1, e), (got, expected)
        else:
            assert g == e, (got, expected)


def t(values, dtype=F64):
    return torsh.tensor(values, dtype=dtype)


# op -> list of (a, b, expected), float64
SPECIAL = {
    "add": [(-0.0, -0.0, -0.0), (0.0, -0.0, 0.0), (inf, -inf, nan), (1e308, 1e308, inf),
            (nan, 1.0, nan)],
    "sub": [(-0.0, 0.0, -0.0), (0.0, 0.0, 0.0), (inf, inf, nan), (-1e308, 1e308, -inf)],
    "mul": [(-0.0, 5.0, -0.0), (0.0, inf, nan), (-2.0, inf, -inf), (1e200, 1e200, inf)],
    "div": [(1.0, 0.0, inf), (1.0, -0.0, -inf), (-1.0, 0.0, -inf), (0.0, 0.0, nan),
            (inf, inf, nan), (1.0, inf, 0.0), (-1.0, inf, -0.0), (7.0, 2.0, 3.5)],
    "floor_divide": [(7.0, 2.0, 3.0), (-7.0, 2.0, -4.0), (1.0, 0.0, inf), (0.0, 0.0, nan),
                     (inf, 1.0, nan), (-1.0, inf, -1.0), (1.0, inf, 0.0), (0.5, -1.0, -1.0),
                     (-0.0, 1.0, -0.0), (0.0, -1.0, -0.0)],
    "remainder": [(5.0, 3.0, 2.0), (-5.0, 3.0, 1.0), (5.0, -3.0, -1.0), (0.0, -1.0, 0.0),
                  (-0.0, 1.0, -0.0), (-6.0, 3.0, -0.0), (1.0, 0.0, nan), (inf, 2.0, nan),
                  (-1.0, inf, inf), (1.0, inf, 1.0), (1.0, -inf, -inf), (nan, 1.0, nan)],
    "fmod": [(5.0, 3.0, 2.0), (-5.0, 3.0, -2.0), (5.0, -3.0, 2.0), (-6.0, 3.0, -0.0),
             (1.0, 0.0, nan), (inf, 1.0, nan), (1.0, inf, 1.0), (-1.0, -inf, -1.0)],
    "pow": [(0.0, -1.0, inf), (-0.0, -1.0, -inf), (-0.0, -2.0, inf), (-8.0, 1 / 3, nan),
            (nan, 0.0, 1.0), (1.0, nan, 1.0), (-1.0, inf, 1.0), (2.0, -inf, 0.0),
            (0.5, inf, 0.0), (-2.0, 3.0, -8.0), (10.0, 400.0, inf), (-10.0, 401.0, -inf)],
    "atan2": [(0.0, -0.0, math.pi), (-0.0, -0.0, -math.pi), (0.0, 0.0, 0.0), (-0.0, 0.0, -0.0),
              (inf, inf, math.pi / 4), (1.0, 0.0, math.pi / 2), (nan, 1.0, nan)],
    "hypot": [(3.0, 4.0, 5.0), (inf, nan, inf), (nan, -inf, inf),
              (1e300, 1e300, 1e300 * math.sqrt(2))],
    "logaddexp": [(inf, inf, inf), (-inf, -inf, -inf), (0.0, -inf, 0.0),
                  (1000.0, 1000.0, 1000.0 + math.log(2))],
    # logaddexp2(-1, -1) is not 0: PyTorch fuses -1 + log1p(1) * (1 / ln 2) into one fma
    "logaddexp2": [(inf, inf, inf), (-inf, -inf, -inf), (3.0, -inf, 3.0),
                   (-1.0, -1.0, -4.756597398230631e-17)],
    "xlogy": [(0.0, 0.0, 0.0), (0.0, nan, nan), (0.0, inf, 0.0), (1.0, 0.0, -inf),
              (2.0, -1.0, nan), (2.0, math.e, 2.0)],
    "copysign": [(1.0, -0.0, -1.0), (-2.0, 1.0, 2.0), (0.0, -1.0, -0.0), (nan, -1.0, nan),
                 (inf, -3.0, -inf)],
    "maximum": [(1.0, nan, nan), (nan, 1.0, nan), (0.0, -0.0, -0.0), (-0.0, 0.0, 0.0),
                (-inf, 2.0, 2.0)],
    "minimum": [(1.0, nan, nan), (-0.0, 0.0, 0.0), (0.0, -0.0, -0.0), (inf, 2.0, 2.0)],
    "fmax": [(1.0, nan, 1.0), (nan, 1.0, 1.0), (nan, nan, nan), (-0.0, 0.0, -0.0)],
    "fmin": [(1.0, nan, 1.0), (nan, -inf, -inf), (0.0, -0.0, 0.0)],
    "heaviside": [(-1.0, 0.5, 0.0), (0.0, 0.5, 0.5), (-0.0, 0.5, 0.5), (2.0, 0.5, 1.0),
                  (nan, 0.5, 0.0), (inf, 0.5, 1.0)],
    "nextafter": [(1.0, 2.0, 1.0000000000000002), (1.0, 0.0, 0.9999999999999999),
                  (0.0, 1.0, 5e-324), (0.0, -1.0, -5e-324), (1.0, 1.0, 1.0), (nan, 1.0, nan),
                  (-1.0, 0.0, -0.9999999999999999)],
}


@pytest.mark.parametrize("name", sorted(SPECIAL))
def test_special_values(name):
    a, b, expected = zip(*SPECIAL[name])
    got = getattr(torsh, name)(t(list(a)), t(list(b))).tolist()
    if name in ("atan2", "hypot", "logaddexp"):
        for g, e in zip(got, expected):
            assert g == e or (g != g and e != e) or g == pytest.approx(e, rel=1e-15)
    else:
        same(got, list(expected))


def test_nextafter_uses_the_promoted_dtype():
    one = torsh.tensor([1.0])
    assert torsh.nextafter(one, torsh.tensor([2.0])).tolist() == [1.00000011920928955]
    half = torsh.tensor([1.0, 0.0], dtype=torsh.float16)
    # a 0-d float32 tensor does not lift float16 (dimensioned operand wins in its category)
    result = torsh.nextafter(half, torsh.tensor(2.0))
    assert result.dtype is torsh.float16 and result.tolist() == [1.0009765625, 2 ** -24]
    assert torsh.nextafter(t([0.0], torsh.bfloat16), t([1.0], torsh.bfloat16)).tolist() == [
        2.0 ** -133]
    with pytest.raises(NotImplementedError, match="nextafter"):
        torsh.nextafter(torsh.tensor([1]), torsh.tensor([2]))


# -- integers: wrapping, division by zero, rounding modes
def test_integer_overflow_wraps():
    i8, u8 = torsh.int8, torsh.uint8
    assert (t([127], i8) + 1).tolist() == [-128]
    assert (t([0], u8) - 1).tolist() == [255]
    assert (t([1], i8) + 1000).tolist() == [-23]
    assert (t([100], i8) * t([3], i8)).tolist() == [44]
    assert torsh.pow(t([100], i8), 2).tolist() == [16]
    three, forty = torsh.tensor([3]), torsh.tensor([40])
    assert torsh.pow(three, forty).tolist() == [3 ** 40 - 2 ** 64]
    assert (t([-2 ** 63], torsh.int64) // -1).tolist() == [-2 ** 63]
    assert torsh.div(t([-128], i8), t([-1], i8), rounding_mode="trunc").tolist() == [-128]
    assert torsh.remainder(t([-128], i8), t([-1], i8)).tolist() == [0]
    assert torsh.add(t([127], i8), t([1], i8), alpha=-1).tolist() == [126]


@pytest.mark.parametrize("fn", [
    lambda a, b: a // b, lambda a, b: a % b, lambda a, b: torsh.fmod(a, b),
    lambda a, b: torsh.div(a, b, rounding_mode="trunc"),
    lambda a, b: torsh.div(a, b, rounding_mode="floor")])
def test_integer_division_by_zero_raises(fn):
    with pytest.raises(RuntimeError, match="ZeroDivisionError"):
        fn(torsh.tensor([1, 2]), torsh.tensor([1, 0]))


def test_division_rounding_modes():
    a, b = torsh.tensor([7, -7, 7, -7]), torsh.tensor([2, 2, -2, -2])
    assert torsh.div(a, b).tolist() == [3.5, -3.5, -3.5, 3.5]
    assert torsh.div(a, b).dtype is torsh.float32
    assert torsh.div(a, b, rounding_mode="trunc").tolist() == [3, -3, -3, 3]
    assert torsh.div(a, b, rounding_mode="floor").tolist() == [3, -4, -4, 3]
    assert torsh.div(a, b, rounding_mode="floor").dtype is torsh.int64
    assert (a % b).tolist() == [1, 1, -1, -1]
    assert torsh.fmod(a, b).tolist() == [1, -1, 1, -1]
    same(torsh.div(t([-0.5, 0.5]), 2.0, rounding_mode="trunc").tolist(), [-0.0, 0.0])
    assert (torsh.tensor([1, 2]) // 0.0).tolist() == [inf, inf]
    same(torsh.div(torsh.tensor([7, -7, 0]), 0).tolist(), [inf, -inf, nan])
    with pytest.raises(RuntimeError, match="rounding_mode"):
        torsh.div(a, b, rounding_mode="round")
    with pytest.raises(RuntimeError, match="rounding_mode"):
        t([1.0]).div_(2, rounding_mode="x")


@pytest.mark.parametrize("name", ["floor_divide", "remainder", "fmod", "pow"])
def test_bool_arithmetic_not_implemented(name):
    with pytest.raises(NotImplementedError, match=name):
        getattr(torsh, name)(torsh.tensor([True]), torsh.tensor([True]))


def test_bool_add_mul_stay_bool_and_sub_is_refused():
    a, b = torsh.tensor([True, False, False]), torsh.tensor([True, True, False])
    assert (a + b).dtype is torsh.bool and (a + b).tolist() == [True, True, False]
    assert (a * b).tolist() == [True, False, False]
    assert torsh.add(a, b, alpha=True).tolist() == [True, True, False]
    with pytest.raises(RuntimeError, match="two bool tensors"):
        a - b
    with pytest.raises(RuntimeError, match="bool tensor"):
        torsh.tensor([1, 2]) - True
    with pytest.raises(RuntimeError, match="bool tensor"):
        torsh.rsub(a, torsh.tensor([1.0]))


def test_alpha_rules():
    i = torsh.tensor([1, 2])
    with pytest.raises(RuntimeError, match="alpha must not be a floating point"):
        torsh.add(i, i, alpha=2.5)
    with pytest.raises(RuntimeError, match="Boolean alpha"):
        torsh.add(t([1.0]), t([1.0]), alpha=True)
    assert torsh.sub(i, i, alpha=3).tolist() == [-2, -4]
    assert torsh.rsub(t([1.0, 2.0]), 5, alpha=2).tolist() == [3.0, 1.0]
    # the product and the sum are rounded once, as PyTorch's fused multiply-add
    assert torsh.sub(t([1.0]), t([1e30]), alpha=3).tolist() == [-3e30]
    same(torsh.sub(t([-0.0]), t([0.0]), alpha=2).tolist(), [-0.0])


def test_pow_integer_rules():
    i = torsh.tensor([2, 3])
    assert torsh.pow(i, torsh.tensor([-1, 0])).tolist() == [0, 1]
    assert torsh.pow(torsh.tensor([1, -1, -1]), torsh.tensor([-3, -3, -2])).tolist() == [1, -1, 1]
    with pytest.raises(RuntimeError, match="negative integer powers"):
        i ** -1
    assert (2 ** torsh.tensor([-1, 3])).tolist() == [0, 8]
    assert (i ** 0.5).dtype is torsh.float32
    assert (torsh.tensor([True, False]) ** 2).dtype is torsh.int64
    assert (torsh.tensor([True, False]) ** True).tolist() == [True, False]


def test_float_power():
    result = torsh.float_power(torsh.tensor([2, 3]), -1)
    assert result.dtype is F64 and result.tolist() == [0.5, 1 / 3]
    assert torsh.float_power(2, t([0.5], torsh.float16)).tolist() == [math.sqrt(2)]
    assert t([2.0]).float_power_(2).tolist() == [4.0]
    with pytest.raises(RuntimeError, match="float_power_"):
        torsh.tensor([2.0]).float_power_(2)


def test_comparisons():
    a = t([1.0, nan, -0.0, inf])
    b = t([1.0, nan, 0.0, inf])
    assert (a == b).tolist() == [True, False, True, True]
    assert (a != b).tolist() == [False, True, False, False]
    assert (a < b).tolist() == [False, False, False, False]
    assert (a <= b).tolist() == [True, False, True, True]
    assert (torsh.tensor([1, 2]) == 1.5).tolist() == [False, False]
    assert (torsh.tensor([1, 2]) < 1.5).tolist() == [True, False]
    # the scalar is converted to uint8 (-1 -> 255), as in PyTorch
    assert torsh.tensor([255], dtype=torsh.uint8).gt(-1).tolist() == [False]
    assert (torsh.tensor([1, 2]) == None) is False and (torsh.tensor([1]) != "a") is True  # noqa
    x = t([1.0, 3.0])
    assert x.eq_(1).tolist() == [1.0, 0.0] and x.dtype is F64


def test_bitwise_and_shifts():
    i8 = torsh.int8
    a = t([12, -1, 5], i8)
    assert (a & 10).tolist() == [8, 10, 0]
    assert (a | 3).tolist() == [15, -1, 7]
    assert (a ^ -1).tolist() == [-13, 0, -6]
    assert (torsh.tensor([True, False]) & torsh.tensor([3, 2])).tolist() == [1, 0]
    assert (t([1, 3], i8) << 7).tolist() == [-128, -128]
    assert (t([1, 3], i8) << 8).tolist() == [0, 0]
    assert (t([1, 3], i8) << -1).tolist() == [0, 0]
    assert (t([-5, 3], i8) >> 8).tolist() == [-1, 0]
    assert (t([200, 3], torsh.uint8) >> 1).tolist() == [100, 1]
    assert (t([1], torsh.int64) << 63).tolist() == [-2 ** 63]
    assert (t([1, 3], torsh.uint8) << t([9, 1], i8)).tolist() == [512, 6]   # int16
    assert (5 << torsh.tensor([3, 2])).tolist() == [40, 20]
    with pytest.raises(NotImplementedError, match="bitwise_and"):
        torsh.tensor([1]) & 1.5
    with pytest.raises(NotImplementedError, match="bitwise_left_shift"):
        torsh.tensor([True]) << torsh.tensor([True])


def test_logical_ops():
    a, b = t([0.0, nan, 2.0, -0.0]), t([1.0, 0.0, 3.0, 0.0])
    assert torsh.logical_and(a, b).tolist() == [False, False, True, False]
    assert torsh.logical_or(a, b).tolist() == [True, True, True, False]
    assert torsh.logical_xor(a, b).tolist() == [True, True, False, False]


@pytest.mark.parametrize("name", ["maximum", "minimum", "fmax", "fmin", "atan2", "hypot",
                                  "logaddexp", "logaddexp2", "nextafter", "heaviside",
                                  "logical_and", "isclose"])
def test_tensor_only_ops_refuse_numbers(name):
    with pytest.raises(TypeError, match=name):
        getattr(torsh, name)(t([1.0]), 2.0)


@pytest.mark.parametrize("name", ["hypot", "logaddexp", "logaddexp2"])
def test_float_only_ops_refuse_integers(name):
    with pytest.raises(NotImplementedError, match=name):
        getattr(torsh, name)(torsh.tensor([1]), torsh.tensor([2]))


def test_heaviside_dtypes():
    assert torsh.heaviside(torsh.tensor([-1, 0, 2]), torsh.tensor([7])).tolist() == [0, 7, 1]
    with pytest.raises(RuntimeError, match="different dtypes"):
        torsh.heaviside(torsh.tensor([1]), torsh.tensor([1.0]))


# -- ternary ops
def test_where():
    c = torsh.tensor([True, False])
    result = torsh.where(c, torsh.tensor([1, 2]), t([0.5, 1.5], torsh.float32))
    assert result.dtype is torsh.float32 and result.tolist() == [1.0, 1.5]
    assert torsh.where(c, 1, 0).tolist() == [1, 0] and torsh.where(c, 1, 0).dtype is torsh.int64
    assert torsh.where(c, 1.0, 0).dtype is torsh.float32
    assert torsh.where(c, t([1, 2], torsh.int8), 2.5).dtype is torsh.float32
    assert torsh.tensor([1.0, 2.0]).where(c, 0.0).tolist() == [1.0, 0.0]
    assert torsh.where(torsh.tensor([1, 0], dtype=torsh.uint8), 1.0, 2.0).tolist() == [1.0, 2.0]
    with pytest.raises(RuntimeError, match="boolean tensor"):
        torsh.where(torsh.tensor([1.0]), 1.0, 2.0)
    x = t([1.0, 0.0], F64).requires_grad_()
    y = torsh.where(x > 0, x, x.log())       # the unselected -inf branch gets zero gradient
    (grad,) = torsh.autograd.grad(y.sum(), [x])
    assert grad.tolist() == [1.0, inf]


def test_lerp():
    same(torsh.lerp(t([1.0, 2.0, inf, 0.0]), t([3.0, 4.0, 1.0, inf]), 0.5).tolist(),
         [2.0, 3.0, inf, nan])
    assert torsh.lerp(t([1e30]), t([-1e30]), 1.0).tolist() == [-1e30]   # exact at weight 1
    assert torsh.lerp(t([1.0, 2.0]), t([3.0, 4.0]), t([0.25, 0.75])).tolist() == [1.5, 3.5]
    with pytest.raises(NotImplementedError, match="lerp"):
        torsh.lerp(torsh.tensor([1]), torsh.tensor([3]), 0.5)
    with pytest.raises(RuntimeError, match="expected dtype"):
        torsh.lerp(t([1.0], torsh.float16), t([3.0], torsh.float32), 0.5)
    x = t([1.0, 2.0])
    assert x.lerp_(t([3.0, 4.0]), 0.5) is x and x.tolist() == [2.0, 3.0]


def test_addcmul_addcdiv():
    i = torsh.tensor
    assert torsh.addcmul(i([1, 2]), i([3, 4]), i([5, 6]), value=2).tolist() == [31, 50]
    # PyTorch truncates a float value for an integer result
    assert torsh.addcmul(i([1, 2]), i([3, 4]), i([5, 6]), value=0.5).tolist() == [1, 2]
    assert torsh.addcmul(i([1, 2]), t([3.0, 4.0], torsh.float32), i([5, 6]), value=0.5
                         ).tolist() == [8.5, 14.0]
    assert torsh.addcmul(t([1.0]), t([1e30]), t([3.0]), value=-1).tolist() == [-3e30]
    assert torsh.addcdiv(t([1.0, 2.0]), t([3.0, 4.0]), t([0.0, 8.0]), value=2).tolist() == [
        inf, 3.0]
    with pytest.raises(RuntimeError, match="Integer division"):
        torsh.addcdiv(t([1.0]), i([3]), i([5]))
    with pytest.raises(NotImplementedError, match="addcmul"):
        torsh.addcmul(i([True]), i([True]), i([True]))
    x = t([1.0])
    assert x.addcmul_(t([2.0]), t([3.0]), value=2) is x and x.tolist() == [13.0]


def test_clamp():
    same(torsh.clamp(t([1.0, nan, -5.0, 5.0, -0.0]), -1, 2).tolist(), [1.0, nan, -1.0, 2.0, -0.0])
    assert torsh.clamp(t([1.0, 5.0, -5.0]), 3, 2).tolist() == [2.0, 2.0, 2.0]   # min > max
    same(torsh.clamp(t([1.0, 5.0]), nan, 2).tolist(), [nan, nan])
    same(torsh.clamp(t([-0.0, 0.0]), 0.0, 1.0).tolist(), [-0.0, 0.0])    # ties keep input
    same(torsh.clamp(t([-0.0, 0.0]), max=-0.0).tolist(), [-0.0, 0.0])
    result = torsh.clamp(torsh.tensor([1, 5, -5]), 0.5, 2)
    assert result.dtype is torsh.float32 and result.tolist() == [1.0, 2.0, 0.5]
    assert torsh.clamp(torsh.tensor([True, False]), 0, 1).dtype is torsh.int64
    assert torsh.clamp(torsh.tensor([1, 5, -5]), t([0.0] * 3, torsh.float32), torsh.tensor(
        [2, 2, 2])).tolist() == [1.0, 2.0, 0.0]
    assert torsh.clamp_min(t([1.0, -5.0]), 0).tolist() == [1.0, 0.0]
    assert torsh.clamp_max(t([1.0, -5.0]), t([0.0])).tolist() == [0.0, -5.0]
    with pytest.raises(RuntimeError, match="At least one"):
        torsh.clamp(t([1.0]))
    with pytest.raises(RuntimeError, match="without overflow"):
        torsh.clamp(torsh.tensor([1], dtype=torsh.int8), 300)
    with pytest.raises(RuntimeError, match="without overflow"):
        torsh.clamp(t([1.0], torsh.float16), 1e6)
    with pytest.raises(RuntimeError, match="can't be cast"):
        torsh.tensor([1, 5]).clamp_(0.5, 2)


def test_isclose_allclose_equal():
    a = t([inf, inf, -inf, nan, 1.0, 1.0])
    b = t([inf, -inf, -inf, nan, inf, 1.0 + 1e-6])
    assert torsh.isclose(a, b).tolist() == [True, False, True, False, False, True]
    assert torsh.isclose(a, b, equal_nan=True).tolist()[3] is True
    assert torsh.isclose(t([1.0]), t([1.00002]), rtol=0, atol=1e-5).tolist() == [False]
    ints = torsh.tensor([127, 0, 100], dtype=torsh.int8)
    assert torsh.isclose(ints, torsh.tensor([-128, 0, 101], dtype=torsh.int8)).tolist() == [
        False, True, False]
    assert torsh.isclose(torsh.tensor([1, 2]), torsh.tensor([1, 3]), rtol=0, atol=1).tolist() == [
        True, True]
    with pytest.raises(RuntimeError, match="did not match"):
        torsh.isclose(t([1.0], torsh.float16), t([1.0]))
    with pytest.raises(RuntimeError, match="rtol must be greater"):
        torsh.isclose(t([1.0]), t([1.0]), rtol=-1)
    assert torsh.allclose(t([1.0, 1.0]), t([1.0])) is True
    assert torsh.allclose(t([nan]), t([nan])) is False
    assert torsh.allclose(t([nan]), t([nan]), equal_nan=True) is True
    with pytest.raises(RuntimeError):
        torsh.allclose(t([1.0, 1.0]), t([1.0, 2.0, 3.0]))
    assert torsh.equal(t([1.0, -0.0]), t([1.0, 0.0])) is True
    assert torsh.equal(t([nan]), t([nan])) is False
    assert torsh.equal(torsh.tensor([1]), torsh.tensor([[1]])) is False
    assert torsh.equal(t([]), t([])) is True


# -- operators: forward, reflected, in place
def test_operators_forward_and_reflected():
    x = torsh.tensor([1, 2])
    assert (x + 1).tolist() == [2, 3] and (1 + x).tolist() == [2, 3]
    assert (5 - x).tolist() == [4, 3] and (x - 5).tolist() == [-4, -3]
    assert (3 * x).tolist() == [3, 6]
    assert (x / 2).tolist() == [0.5, 1.0] and (2 / x).tolist() == [2.0, 1.0]
    assert (5 // x).tolist() == [5, 2] and (x // 2).tolist() == [0, 1]
    assert (5 % x).tolist() == [0, 1] and (-5 % x).tolist() == [0, 1]
    assert (x ** 2).tolist() == [1, 4] and (2 ** x).tolist() == [2, 4]
    assert (2.0 ** x).dtype is torsh.float32
    assert (5.5 - x).dtype is torsh.float32 and (True + x).tolist() == [2, 3]
    assert (x @ x).tolist() == 5
    assert (6 & x).tolist() == [0, 2] and (6 | x).tolist() == [7, 6] and (6 ^ x).tolist() == [7, 4]
    assert (1 << x).tolist() == [2, 4] and (8 >> x).tolist() == [4, 2]
    assert (-x).tolist() == [-1, -2] and (+x).tolist() == [1, 2] and abs(-x).tolist() == [1, 2]
    assert (~x).tolist() == [-2, -3]
    assert (np.int64(2) * x).tolist() == [2, 4] and (x + np.float64(0.5)).dtype is torsh.float32
    with pytest.raises(TypeError):
        x + "a"


def test_in_place_operators_keep_dtype():
    x = torsh.tensor([1, 2])
    y = x
    y += 1
    y *= 3
    y -= 1
    y //= 2
    y %= 3
    y <<= 1
    y |= 1
    assert y is x and x.tolist() == [5, 3] and x.dtype is torsh.int64
    f = t([1.0, 2.0])
    f /= 4
    f **= 2
    assert f.tolist() == [0.0625, 0.25]
    with pytest.raises(RuntimeError, match="can't be cast"):
        x += 1.5
    with pytest.raises(RuntimeError, match="can't be cast"):
        x /= 2
    with pytest.raises(RuntimeError, match="can't be cast"):
        b = torsh.tensor([True])
        b += 1
    with pytest.raises(RuntimeError, match="doesn't match the broadcast shape"):
        t([1.0, 3.0]).mul_(t([[1.0], [2.0]]))
    with pytest.raises(RuntimeError, match="bool tensor"):
        torsh.tensor([1]).sub_(True)


def test_half_precision_rounded_once():
    h = torsh.tensor([0.1], dtype=torsh.float16)      # 0.0999755859375
    assert (h * 3).tolist() == [0.2998046875]   # 0.2999267578125 is a tie: rounds to even
    assert (torsh.tensor([1.0], dtype=torsh.bfloat16) + 2 ** -8).tolist() == [1.0]   # tie: even
    assert (torsh.tensor([1.0], dtype=torsh.bfloat16) + 3 * 2 ** -9).tolist() == [1.0078125]
    assert (torsh.tensor([60000.0], dtype=torsh.float16) * 2).tolist() == [inf]


def test_non_contiguous_and_empty():
    a = torsh.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    assert (a.t() + a.t()).tolist() == [[2.0, 8.0], [4.0, 10.0], [6.0, 12.0]]
    assert (a[:, ::2] * torsh.tensor([10.0]).expand(2)).tolist() == [[10.0, 30.0], [40.0, 60.0]]
    assert (torsh.tensor([]) + 1).shape == (0,)
    assert (torsh.zeros(0, 3) * torsh.ones(3)).shape == (0, 3)
    with pytest.raises(RuntimeError, match="add"):
        torsh.ones(2) + torsh.ones(3)


# -- broadcasting properties against numpy
shapes = st.lists(st.integers(1, 3), min_size=0, max_size=3)


@st.composite
def broadcast_pair(draw):
    shape = draw(shapes)
    other = [draw(st.sampled_from([1, n])) for n in shape]
    other = other[draw(st.integers(0, len(other))):]
    return tuple(shape), tuple(other)


NUMPY = {"add": np.add, "sub": np.subtract, "mul": np.multiply, "maximum": np.maximum,
         "lt": np.less}


@pytest.mark.parametrize("name", sorted(NUMPY))
@given(pair=broadcast_pair(), seed=st.integers(0, 2 ** 16))
def test_broadcasting_matches_numpy(name, pair, seed):
    rng = np.random.default_rng(seed)
    a, b = rng.integers(-5, 5, pair[0]).astype(np.float64), rng.integers(-5, 5, pair[1])
    expected = NUMPY[name](a, b)
    got = getattr(torsh, name)(torsh.tensor(a), torsh.tensor(b))
    assert tuple(got.shape) == expected.shape
    assert np.array_equal(np.asarray(got), expected)
    assert tuple(getattr(torsh, name)(torsh.tensor(b), torsh.tensor(a)).shape) == expected.shape


# -- gradients, float64 at safe points
A = [0.7, -1.3, 2.1]
B = [1.6, 0.4, -0.9]
POSITIVE = [0.7, 1.3, 2.1]
GRADS = {
    "add": (lambda a, b: torsh.add(a, b, alpha=2.5), A, B),
    "sub": (lambda a, b: torsh.sub(a, b, alpha=-1.5), A, B),
    "rsub": (lambda a, b: torsh.rsub(a, b, alpha=2), A, B),
    "mul": (torsh.mul, A, B),
    "div": (torsh.div, A, B),
    "pow": (torsh.pow, POSITIVE, B),
    "pow_scalar": (lambda a, b: a ** 2.5 + 3 ** b, POSITIVE, B),
    "float_power": (torsh.float_power, POSITIVE, B),
    "remainder": (torsh.remainder, A, B),
    "fmod": (torsh.fmod, A, B),
    "atan2": (torsh.atan2, A, B),
    "hypot": (torsh.hypot, A, B),
    "logaddexp": (torsh.logaddexp, A, B),
    "logaddexp2": (torsh.logaddexp2, A, B),
    "xlogy": (torsh.xlogy, A, POSITIVE),
    "copysign": (torsh.copysign, A, B),
    "maximum": (torsh.maximum, A, B),
    "minimum": (torsh.minimum, A, B),
    "fmax": (torsh.fmax, A, B),
    "fmin": (torsh.fmin, A, B),
    "where": (lambda a, b: torsh.where(a > 0, a * b, b), A, B),
    "lerp": (lambda a, b: torsh.lerp(a, b, a * 0.3), A, B),
    "lerp_scalar": (lambda a, b: torsh.lerp(a, b, 0.7), A, B),
    "addcmul": (lambda a, b: torsh.addcmul(a, b, a, value=0.5), A, B),
    "addcdiv": (lambda a, b: torsh.addcdiv(b, a, b, value=-2), A, B),
    "clamp": (lambda a, b: torsh.clamp(a, -1, 1), A, B),
    "clamp_tensor": (lambda a, b: torsh.clamp(a, b - 1, b + 0.5), A, B),
}


@pytest.mark.parametrize("name", sorted(GRADS))
def test_gradcheck(name):
    fn, a, b = GRADS[name]
    x = t(a).requires_grad_()
    y = t(b).requires_grad_()
    assert gradcheck(fn, (x, y))
    g = t([0.5, -1.0, 2.0]).requires_grad_()
    assert gradgradcheck(fn, (x, y), (g,))


def test_gradients_at_ties_and_special_points():
    a = t([1.0, 0.0, 2.0]).requires_grad_()
    b = t([1.0, 3.0, 1.0]).requires_grad_()
    ga, gb = torsh.autograd.grad(torsh.maximum(a, b).sum(), [a, b])
    assert ga.tolist() == [0.5, 0.0, 1.0] and gb.tolist() == [0.5, 1.0, 0.0]
    x = t([0.0, 0.0, 1.0]).requires_grad_()
    y = t([2.0, -1.0, 0.0]).requires_grad_()
    gx, gy = torsh.autograd.grad(torsh.xlogy(x, y).sum(), [x, y])
    assert gx.tolist() == [math.log(2.0), 0.0, -inf]
    (gx,) = torsh.autograd.grad(torsh.pow(x, 0.0).sum(), [x])
    assert gx.tolist() == [0.0, 0.0, 0.0]
    c = t([-1.0, 1.0, 2.0]).requires_grad_()
    (gc,) = torsh.autograd.grad(torsh.clamp(c, -1, 1).sum(), [c])
    assert gc.tolist() == [1.0, 1.0, 0.0]       # bounds included
