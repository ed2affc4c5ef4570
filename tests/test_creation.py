"""Creation functions: PyTorch's conversion checks, dtype inference and range arithmetic,
against hand-computed values (the conformance suite compares them with PyTorch itself)."""
import math

import numpy as np
import pytest

import torsh


def test_tensor_infers_dtype_by_promotion():
    assert torsh.tensor([torsh.tensor(1.5, dtype=torsh.float64), 2]).dtype is torsh.float64
    assert torsh.tensor([torsh.tensor(1.5, dtype=torsh.float16), 2]).dtype is torsh.float16
    pair = [torsh.tensor(1, dtype=torsh.int8), torsh.tensor(2, dtype=torsh.uint8)]
    assert torsh.tensor(pair).dtype is torsh.int16
    assert torsh.tensor([np.float64(1.5), 2]).dtype is torsh.float64
    assert torsh.tensor([np.int16(1), np.int8(2)]).dtype is torsh.int16
    assert torsh.tensor([True, 2]).dtype is torsh.int64
    assert torsh.tensor([]).dtype is torsh.float32


def test_tensors_inside_data_are_numbers():
    assert torsh.tensor([torsh.tensor([1]), torsh.tensor([2])]).tolist() == [1, 2]
    assert torsh.tensor([np.array([1, 2]), np.array([3, 4])]).tolist() == [[1, 2], [3, 4]]
    with pytest.raises(TypeError, match="tensor"):
        torsh.tensor([torsh.tensor([1, 2])])
    with pytest.raises(ValueError, match="tensor"):
        torsh.tensor([torsh.tensor([1.5, 2.0])])
    with pytest.raises(TypeError, match="tensor"):
        torsh.tensor([torsh.tensor(2.5)], dtype=torsh.int64)


def test_tensor_shape_errors():
    with pytest.raises(ValueError, match="expected sequence of length 2 at dim 1"):
        torsh.tensor([[1, 2], [3]])
    with pytest.raises(TypeError, match="not a sequence"):
        torsh.tensor([[1, 2], 3])
    with pytest.raises(TypeError, match="tensor"):
        torsh.tensor([1, [2, 3]])
    with pytest.raises(RuntimeError, match="infer dtype of NoneType"):
        torsh.tensor([1, None])
    assert tuple(torsh.tensor([[], [1]]).shape) == (2, 0)   # the first row decides


def test_tensor_refuses_integers_that_do_not_fit():
    assert torsh.tensor([-1, 2.5], dtype=torsh.uint8).tolist() == [255, 2]
    assert torsh.tensor([1.7, -2.5], dtype=torsh.int8).tolist() == [1, -2]
    for data, dtype in [([127.5], torsh.int8), ([-1.0], torsh.uint8), ([-256], torsh.uint8),
                        ([200], torsh.int8), ([math.nan], torsh.int32),
                        ([math.inf], torsh.int64)]:
        with pytest.raises(RuntimeError, match="tensor: value .* without overflow"):
            torsh.tensor(data, dtype=dtype)
    with pytest.raises(ValueError, match="Overflow"):
        torsh.tensor([2 ** 63])
    assert torsh.tensor([70000.0], dtype=torsh.float16).tolist() == [math.inf]
    assert torsh.tensor([2 ** 64], dtype=torsh.float64).item() == 2.0 ** 64


def test_full_checks_the_fill_value():
    assert torsh.full((2,), -1, dtype=torsh.uint8).tolist() == [255, 255]
    assert torsh.full((2,), 2.9, dtype=torsh.int64).tolist() == [2, 2]
    assert torsh.full((1,), math.inf, dtype=torsh.float16).tolist() == [math.inf]
    for value, dtype in [(300, torsh.int8), (70000.0, torsh.float16), (1e39, torsh.float32),
                         (math.nan, torsh.int64), (-0.5, torsh.uint8)]:
        with pytest.raises(RuntimeError, match="full: value .* without overflow"):
            torsh.full((2,), value, dtype=dtype)
    with pytest.raises(RuntimeError, match="scalar_tensor"):
        torsh.scalar_tensor(300, dtype=torsh.int8)
    with pytest.raises(OverflowError):
        torsh.full((2,), -2 ** 63 - 1)


def test_size_keyword():
    assert tuple(torsh.ones(size=(3, 1)).shape) == (3, 1)
    assert tuple(torsh.zeros(2).new_zeros(size=(2,)).shape) == (2,)
    with pytest.raises(TypeError, match="ones"):
        torsh.ones(2, size=(2,))


def test_arange_integer_results_truncate_first():
    assert torsh.arange(0.5, 3.7, 0.9, dtype=torsh.int32).tolist() == [0, 0, 0, 0]
    assert torsh.arange(0, 3.5, dtype=torsh.int64).tolist() == [0, 1, 2]
    assert torsh.arange(0, 3.5, dtype=torsh.int32).tolist() == [0, 1, 2, 3]
    assert torsh.arange(-1.5, -0.2, dtype=torsh.int64).tolist() == [-1]
    assert torsh.arange(5, 0, -1.7, dtype=torsh.int64).tolist() == [5, 4, 3, 2, 1]
    assert torsh.arange(0, 300, 100, dtype=torsh.int8).tolist() == [0, 100, -56]
    assert torsh.arange(10, -3, -4).tolist() == [10, 6, 2, -2]
    with pytest.raises(ValueError, match="step must be nonzero"):
        torsh.arange(0, 2, 0.5, dtype=torsh.int64)
    for args in [(0, 5, 0), (0, 5, -1), (0, math.inf), (0, 5, math.nan)]:
        with pytest.raises(RuntimeError, match="arange"):
            torsh.arange(*args)
    with pytest.raises(NotImplementedError, match="arange"):
        torsh.arange(3, dtype=torsh.bool)


def test_range_includes_the_end():
    assert torsh.range(0, 1, 0.25).tolist() == [0.0, 0.25, 0.5, 0.75, 1.0]
    assert torsh.range(5, 0, -1.5, dtype=torsh.int64).tolist() == [5, 4, 3, 2, 1, 0]
    assert torsh.range(-2.5, 1, dtype=torsh.int64).tolist() == [-2, -1, 0, 1]
    for args in [(0, 1, 0), (1, 0, 0.5), (0, math.inf)]:
        with pytest.raises(RuntimeError, match="range"):
            torsh.range(*args)


def test_linspace_converts_bounds_to_the_dtype():
    assert torsh.linspace(0.9, 3.1, 3, dtype=torsh.int64).tolist() == [0, 1, 3]
    assert torsh.linspace(-3, 4, 8, dtype=torsh.uint8).tolist() == [253, 217, 181, 146, 110,
                                                                    75, 39, 4]
    assert torsh.linspace(2.7, 5, 1, dtype=torsh.int32).tolist() == [2]
    assert torsh.linspace(0, 1, 5).tolist() == [0.0, 0.25, 0.5, 0.75, 1.0]
    with pytest.raises(RuntimeError, match="linspace: value"):
        torsh.linspace(-300, 3, 3, dtype=torsh.int8)
    with pytest.raises(RuntimeError, match="non-negative"):
        torsh.linspace(0, 1, -1)


def test_logspace_integer_and_negative_bases():
    assert torsh.logspace(0.5, 2.5, 3, dtype=torsh.int64).tolist() == [1, 10, 100]
    assert torsh.logspace(0.5, 2.5, 1, dtype=torsh.int64).tolist() == [3]
    assert torsh.logspace(0, 2, 3, base=2.5, dtype=torsh.int64).tolist() == [1, 2, 6]
    assert torsh.logspace(-1, 2, 4, base=-2.0).tolist() == [-0.5, 1.0, -2.0, 4.0]
    assert torsh.logspace(-2, 0, 3, base=0.0).tolist() == [math.inf, math.inf, 1.0]
    half = torsh.logspace(0, 1, 3, base=-2.0, dtype=torsh.float64).tolist()
    assert half[0] == 1.0 and math.isnan(half[1]) and half[2] == -2.0


def test_empty_strided_checks_the_lengths():
    assert torsh.empty_strided((2, 3), (1, 2)).stride() == (1, 2)
    with pytest.raises(RuntimeError, match="dimensionality of sizes"):
        torsh.empty_strided((2, 3), (1,))
