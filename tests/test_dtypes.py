"""dtypes: their attributes, finfo / iinfo, the default dtype, and rounding to a dtype."""
import math
import pickle

import pytest

import torsh
from torsh._core import dtype as dt

FLOATS = [torsh.float16, torsh.bfloat16, torsh.float32, torsh.float64]
INTEGERS = [torsh.uint8, torsh.int8, torsh.int16, torsh.int32, torsh.int64]


def test_attributes():
    assert [d.itemsize for d in FLOATS] == [2, 2, 4, 8]
    assert [d.itemsize for d in INTEGERS] == [1, 1, 2, 4, 8]
    assert torsh.bool.itemsize == 1
    assert all(d.is_floating_point for d in FLOATS)
    assert not any(d.is_floating_point for d in INTEGERS + [torsh.bool])
    assert not any(d.is_complex for d in FLOATS + INTEGERS)
    assert [d.is_signed for d in INTEGERS] == [False, True, True, True, True]
    assert repr(torsh.float32) == "torsh.float32" and repr(torsh.bool) == "torsh.bool"
    assert pickle.loads(pickle.dumps(torsh.bfloat16)) is torsh.bfloat16


def test_aliases():
    assert torsh.float is torsh.float32 and torsh.double is torsh.float64
    assert torsh.half is torsh.float16
    assert torsh.int is torsh.int32 and torsh.long is torsh.int64 and torsh.short is torsh.int16


# dtype -> (bits, eps, max, tiny, resolution) as PyTorch's finfo reports them
FINFO = {
    torsh.float16: (16, 2 ** -10, 65504.0, 2 ** -14, 0.001),
    torsh.bfloat16: (16, 2 ** -7, 3.3895313892515355e+38, 2 ** -126, 0.01),
    torsh.float32: (32, 2 ** -23, 3.4028234663852886e+38, 2 ** -126, 1e-06),
    torsh.float64: (64, 2 ** -52, 1.7976931348623157e+308, 2 ** -1022, 1e-15),
}


@pytest.mark.parametrize("dtype", FLOATS, ids=str)
def test_finfo(dtype):
    info = torsh.finfo(dtype)
    bits, eps, largest, tiny, resolution = FINFO[dtype]
    assert (info.bits, info.eps, info.max, info.min) == (bits, eps, largest, -largest)
    assert info.tiny == info.smallest_normal == tiny
    assert info.resolution == resolution
    assert info.dtype == dtype.name
    assert "finfo(" in repr(info)


def test_finfo_default_and_errors():
    assert torsh.finfo().bits == 32
    with pytest.raises(TypeError, match="finfo"):
        torsh.finfo(torsh.int32)
    with pytest.raises(TypeError, match="iinfo"):
        torsh.iinfo(torsh.float32)


@pytest.mark.parametrize("dtype,bits,low,high", [
    (torsh.uint8, 8, 0, 255), (torsh.int8, 8, -128, 127), (torsh.int16, 16, -32768, 32767),
    (torsh.int32, 32, -2 ** 31, 2 ** 31 - 1), (torsh.int64, 64, -2 ** 63, 2 ** 63 - 1)],
    ids=str)
def test_iinfo(dtype, bits, low, high):
    info = torsh.iinfo(dtype)
    assert (info.bits, info.min, info.max, info.dtype) == (bits, low, high, dtype.name)


@pytest.fixture
def restore_default():
    saved = torsh.get_default_dtype()
    yield
    torsh.set_default_dtype(saved)


def test_default_dtype(restore_default):
    assert torsh.get_default_dtype() is torsh.float32
    assert torsh.tensor([1.0]).dtype is torsh.float32
    torsh.set_default_dtype(torsh.float64)
    assert torsh.get_default_dtype() is torsh.float64
    assert torsh.tensor([1.0]).dtype is torsh.float64
    assert torsh.tensor([1]).dtype is torsh.int64
    assert torsh.zeros(2).dtype is torsh.float64
    assert torsh.finfo().bits == 64
    torsh.set_default_dtype(torsh.bfloat16)
    assert (torsh.tensor([1, 2]) / 2).dtype is torsh.bfloat16


@pytest.mark.parametrize("dtype", [torsh.int32, torsh.bool, torsh.uint8], ids=str)
def test_default_dtype_must_be_floating(dtype, restore_default):
    with pytest.raises(TypeError, match="floating"):
        torsh.set_default_dtype(dtype)
    assert torsh.get_default_dtype() is torsh.float32


def test_wrap_integer():
    assert dt.wrap_integer(128, torsh.int8) == -128
    assert dt.wrap_integer(-1, torsh.uint8) == 255
    assert dt.wrap_integer(2 ** 63, torsh.int64) == -2 ** 63
    assert dt.wrap_integer(2 ** 70 + 5, torsh.int16) == 5
    assert dt.wrap_integer(2, torsh.bool) is True


def test_round_to_rounds_once_to_nearest_even():
    assert dt.round_to([1 + 2 ** -11], torsh.float16).tolist() == [1.0]        # tie to even
    assert dt.round_to([1 + 3 * 2 ** -11], torsh.float16).tolist() == [1.001953125]
    assert dt.round_to([1 + 2 ** -8], torsh.bfloat16).astype(float).tolist() == [1.0]
    assert dt.round_to([1e5, -1e5], torsh.float16).tolist() == [math.inf, -math.inf]
    assert dt.round_to([4e-8, 2e-8], torsh.float16).tolist() == [2 ** -24, 0.0]  # subnormal
    assert dt.round_to([3.5e38], torsh.float32).tolist() == [math.inf]
    assert dt.round_to([300, -1], torsh.uint8).tolist() == [44, 255]
    assert dt.round_to([0.0, -0.5, math.nan], torsh.bool).tolist() == [False, True, True]


def test_scalar_dtype():
    assert dt.scalar_dtype(True) is torsh.bool
    assert dt.scalar_dtype(3) is torsh.int64
    assert dt.scalar_dtype(3.0) is torsh.float32
    with pytest.raises(TypeError):
        dt.scalar_dtype("3")


def test_from_numpy_dtype():
    import numpy as np
    assert dt.from_numpy(np.float16) is torsh.float16
    assert dt.from_numpy(np.int16) is torsh.int16
    with pytest.raises(TypeError, match="complex128"):
        dt.from_numpy(np.complex128)
