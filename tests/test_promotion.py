"""Type promotion: PyTorch's tables and rules for tensors, 0-d tensors and Python scalars.

The tables below are data copied from PyTorch 2.13 (torch.promote_types / torch.can_cast).
"""
import pytest

import torsh

ORDER = ["f16", "bf16", "f32", "f64", "i8", "i16", "i32", "i64", "u8", "b"]
DTYPES = {"f16": torsh.float16, "bf16": torsh.bfloat16, "f32": torsh.float32,
          "f64": torsh.float64, "i8": torsh.int8, "i16": torsh.int16, "i32": torsh.int32,
          "i64": torsh.int64, "u8": torsh.uint8, "b": torsh.bool}

# row: promote_types(row, column) for the columns in ORDER
PROMOTE = {
    "f16": "f16 f32 f32 f64 f16 f16 f16 f16 f16 f16",
    "bf16": "f32 bf16 f32 f64 bf16 bf16 bf16 bf16 bf16 bf16",
    "f32": "f32 f32 f32 f64 f32 f32 f32 f32 f32 f32",
    "f64": "f64 f64 f64 f64 f64 f64 f64 f64 f64 f64",
    "i8": "f16 bf16 f32 f64 i8 i16 i32 i64 i16 i8",
    "i16": "f16 bf16 f32 f64 i16 i16 i32 i64 i16 i16",
    "i32": "f16 bf16 f32 f64 i32 i32 i32 i64 i32 i32",
    "i64": "f16 bf16 f32 f64 i64 i64 i64 i64 i64 i64",
    "u8": "f16 bf16 f32 f64 i16 i16 i32 i64 u8 u8",
    "b": "f16 bf16 f32 f64 i8 i16 i32 i64 u8 b",
}

# row: can_cast(row, column) for the columns in ORDER
CAN_CAST = {
    "f16": "1111000000", "bf16": "1111000000", "f32": "1111000000", "f64": "1111000000",
    "i8": "1111111110", "i16": "1111111110", "i32": "1111111110", "i64": "1111111110",
    "u8": "1111111110", "b": "1111111111",
}


@pytest.mark.parametrize("row", ORDER)
def test_promote_types_table(row):
    expected = [DTYPES[name] for name in PROMOTE[row].split()]
    got = [torsh.promote_types(DTYPES[row], DTYPES[column]) for column in ORDER]
    assert got == expected
    assert got == [torsh.promote_types(DTYPES[column], DTYPES[row]) for column in ORDER]


@pytest.mark.parametrize("row", ORDER)
def test_can_cast_table(row):
    got = "".join("1" if torsh.can_cast(DTYPES[row], DTYPES[c]) else "0" for c in ORDER)
    assert got == CAN_CAST[row]


@pytest.mark.parametrize("row", ORDER)
def test_elementwise_ops_follow_the_table(row):
    for column in ORDER:
        a = torsh.ones(2, dtype=DTYPES[row])
        b = torsh.ones(2, dtype=DTYPES[column])
        assert torsh.mul(a, b).dtype is DTYPES[PROMOTE[row].split()[ORDER.index(column)]]


def dim(dtype):
    return torsh.ones(2, dtype=dtype)


def zero_dim(dtype):
    return torsh.ones((), dtype=dtype)


# (first operand, second operand, expected dtype): tensors with dims outrank 0-d tensors,
# which outrank Python numbers, unless the lower-ranked operand is of a higher category
RESULT_TYPE = [
    (lambda: dim(torsh.int32), 1.5, torsh.float32),
    (lambda: dim(torsh.int32), 1, torsh.int32),
    (lambda: dim(torsh.int32), True, torsh.int32),
    (lambda: dim(torsh.bool), 1, torsh.int64),
    (lambda: dim(torsh.bool), 1.5, torsh.float32),
    (lambda: dim(torsh.bool), True, torsh.bool),
    (lambda: dim(torsh.uint8), 1000, torsh.uint8),
    (lambda: dim(torsh.uint8), -1, torsh.uint8),
    (lambda: dim(torsh.float16), 1e10, torsh.float16),
    # a 0-d tensor of a higher category wins with its own dtype (not the default float)
    (lambda: dim(torsh.int64), lambda: zero_dim(torsh.float64), torsh.float64),
    (lambda: dim(torsh.int8), lambda: zero_dim(torsh.int64), torsh.int8),
    (lambda: dim(torsh.uint8), lambda: zero_dim(torsh.int8), torsh.uint8),
    (lambda: dim(torsh.float16), lambda: zero_dim(torsh.float64), torsh.float16),
    (lambda: dim(torsh.bfloat16), lambda: zero_dim(torsh.float16), torsh.bfloat16),
    (lambda: dim(torsh.bool), lambda: zero_dim(torsh.int8), torsh.int8),
    (lambda: dim(torsh.uint8), lambda: dim(torsh.int8), torsh.int16),
    (lambda: zero_dim(torsh.int32), 1.5, torsh.float32),
    (lambda: zero_dim(torsh.int32), lambda: zero_dim(torsh.float64), torsh.float64),
    (lambda: zero_dim(torsh.uint8), lambda: zero_dim(torsh.int8), torsh.int16),
    (lambda: zero_dim(torsh.float16), 2.5, torsh.float16),
    (2, 2.5, torsh.float32),
    (2, True, torsh.int64),
    (True, False, torsh.bool),
]


@pytest.mark.parametrize("case", range(len(RESULT_TYPE)))
def test_result_type_ranks_dims_zero_dim_and_scalars(case):
    first, second, expected = RESULT_TYPE[case]
    first = first() if callable(first) else first
    second = second() if callable(second) else second
    assert torsh.result_type(first, second) is expected
    if isinstance(first, torsh.Tensor) and first.ndim:
        assert torsh.add(first, second).dtype is expected
        assert torsh.add(second, first).dtype is expected if isinstance(
            second, torsh.Tensor) else True


def test_python_scalar_values_convert_into_the_tensor_dtype():
    assert (torsh.tensor([1], dtype=torsh.uint8) + 1000).tolist() == [233]
    assert (torsh.tensor([2], dtype=torsh.int32) * 1.5).tolist() == [3.0]
    assert (torsh.tensor([1.0], dtype=torsh.float16) + 1e5).tolist() == [float("inf")]
    # a float scalar keeps double precision until the one final rounding
    assert (torsh.tensor([1.0], dtype=torsh.float64) * 0.1).tolist() == [0.1]


def test_promotion_kinds():
    i = torsh.tensor([1, 4])
    assert torsh.div(i, i).dtype is torsh.float32               # int to float
    assert torsh.sqrt(i).dtype is torsh.float32
    assert torsh.atan2(i, i).dtype is torsh.float32
    assert torsh.div(i, torsh.tensor([2.0], dtype=torsh.float64)).dtype is torsh.float64
    assert torsh.eq(i, 1.5).dtype is torsh.bool                 # always bool
    assert torsh.eq(torsh.tensor([1], dtype=torsh.int8), 257).tolist() == [True]  # 257 -> 1
    assert torsh.add(i, i).dtype is torsh.int64                 # default
    assert torsh.floor_divide(i, 2.0).dtype is torsh.float32
    assert torsh.add(torsh.tensor([True]), torsh.tensor([True])).dtype is torsh.bool


@pytest.fixture
def default_float64():
    saved = torsh.get_default_dtype()
    torsh.set_default_dtype(torsh.float64)
    try:
        yield
    finally:
        torsh.set_default_dtype(saved)


def test_default_dtype_steers_scalar_and_int_to_float_promotion(default_float64):
    i = torsh.tensor([1, 2], dtype=torsh.int32)
    assert (i + 1.5).dtype is torsh.float64
    assert torsh.sqrt(i).dtype is torsh.float64
    assert (i / 2).dtype is torsh.float64
    assert (torsh.tensor([1.0], dtype=torsh.float32) + 1.5).dtype is torsh.float32
    assert torsh.result_type(2, 2.5) is torsh.float64


def test_in_place_ops_cannot_change_dtype():
    i = torsh.tensor([1, 2])
    with pytest.raises(RuntimeError, match="result type float32 can't be cast"):
        i += 1.5
    with pytest.raises(RuntimeError, match="can't be cast"):
        i.div_(2)
    with pytest.raises(RuntimeError, match="can't be cast"):
        torsh.tensor([True]).add_(1)
    i32 = torsh.tensor([1, 2], dtype=torsh.int32)
    i32 += torsh.tensor([2 ** 40 + 1])            # int64 result cast back to int32 (wraps)
    assert i32.dtype is torsh.int32 and i32.tolist() == [2, 3]
    f32 = torsh.tensor([1.0])
    f32 += torsh.tensor([0.1], dtype=torsh.float64)
    assert f32.dtype is torsh.float32 and f32.tolist() == [1.100000023841858]
    u8 = torsh.tensor([0], dtype=torsh.uint8)
    u8 -= 1
    assert u8.tolist() == [255]
    f = torsh.tensor([1.5, 2.5])
    f.floor_divide_(1)
    assert f.tolist() == [1.0, 2.0]


def test_out_argument_casts_like_in_place():
    out = torsh.empty(2, dtype=torsh.float64)
    assert torsh.add(torsh.tensor([1, 2]), 1, out=out) is out
    assert out.tolist() == [2.0, 3.0] and out.dtype is torsh.float64
    with pytest.raises(RuntimeError, match="can't be cast"):
        torsh.add(torsh.tensor([1.5]), 1, out=torsh.empty(1, dtype=torsh.int64))


@pytest.mark.torch
def test_tables_match_live_pytorch():
    torch = pytest.importorskip("torch")
    names = {"f16": "float16", "bf16": "bfloat16", "f32": "float32", "f64": "float64",
             "i8": "int8", "i16": "int16", "i32": "int32", "i64": "int64", "u8": "uint8",
             "b": "bool"}
    for row in ORDER:
        for column, expected in zip(ORDER, PROMOTE[row].split()):
            got = torch.promote_types(getattr(torch, names[row]), getattr(torch, names[column]))
            assert got == getattr(torch, names[expected])
            assert torch.can_cast(getattr(torch, names[row]), getattr(torch, names[column])) == (
                CAN_CAST[row][ORDER.index(column)] == "1")
