"""Shape ops (cat, stack, flip, roll, repeat, tril, diag, meshgrid, ...) against hand values."""
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

import torsh
from torsh.autograd.gradcheck import gradcheck, gradgradcheck


def arange(*shape, dtype=torsh.float64, start=0):
    n = math.prod(shape)
    return torsh.arange(start, start + n, dtype=dtype).reshape(shape)


def leaf(*shape, start=0):
    """A float64 leaf with distinct, non-integer values, for gradchecks."""
    return (arange(*shape, start=start) * 0.7 + 0.3).requires_grad_(True)


def check_grads(fn, *inputs):
    """gradcheck and gradgradcheck of fn at inputs (explicit float64 cotangents)."""
    assert gradcheck(fn, inputs)
    outputs = fn(*inputs)
    outputs = outputs if isinstance(outputs, tuple) else (outputs,)
    cotangents = tuple((arange(*o.shape) * 0.5 - 0.25).requires_grad_(True) for o in outputs)
    assert gradgradcheck(fn, inputs, cotangents)


# ------------------------------------------------------------ cat

def test_cat_values_along_each_dim():
    a, b = arange(2, 2), arange(2, 1, start=10)
    assert torsh.cat([a, b], 1).tolist() == [[0, 1, 10], [2, 3, 11]]
    assert torsh.cat((a, a), 0).tolist() == [[0, 1], [2, 3], [0, 1], [2, 3]]
    assert torsh.cat([a, b], dim=-1).shape == (2, 3)
    assert torsh.concat([a, a], dim=1).shape == (2, 4)
    assert torsh.concatenate([a, a], axis=1).shape == (2, 4)


def test_cat_single_input_is_a_copy():
    a = arange(3)
    out = torsh.cat([a])
    out[0] = 7
    assert a.tolist() == [0, 1, 2]


def test_cat_non_contiguous_inputs():
    a = arange(2, 3)
    assert torsh.cat([a.t(), a.t()], 0).tolist() == [[0, 3], [1, 4], [2, 5]] * 2
    b = arange(1, 3).expand(2, 3)
    assert torsh.cat([a[:, ::2], b[:, 1:]], 1).tolist() == [[0, 2, 1, 2], [3, 5, 1, 2]]


def test_cat_type_promotion():
    i8 = torsh.tensor([1, 2], dtype=torsh.int8)
    u8 = torsh.tensor([3], dtype=torsh.uint8)
    assert torsh.cat([i8, u8]).dtype is torsh.int16
    assert torsh.cat([i8, torsh.tensor([0.5], dtype=torsh.float16)]).dtype is torsh.float16
    assert torsh.cat([u8, torsh.tensor([True])]).tolist() == [3, 1]
    flags = torsh.cat([torsh.tensor([True]), torsh.tensor([False])])
    assert flags.dtype is torsh.bool and flags.tolist() == [True, False]


def test_cat_skips_legacy_empty_tensors():
    a = arange(2, 3)
    empty64 = torsh.zeros(0, dtype=torsh.float64)
    out = torsh.cat([a.float(), empty64], 1)
    assert out.shape == (2, 3) and out.dtype is torsh.float64
    assert torsh.cat([torsh.zeros(0), torsh.zeros(0)], 5).shape == (0,)
    assert torsh.cat([torsh.zeros(0, 3), a]).shape == (2, 3)
    assert torsh.cat([torsh.zeros(2, 0), a], 1).tolist() == a.tolist()


def test_cat_special_values_survive():
    a = torsh.tensor([math.nan, -0.0])
    out = torsh.cat([a, torsh.tensor([math.inf])])
    assert math.isnan(out[0].item()) and math.copysign(1, out[1].item()) == -1
    assert out[2].item() == math.inf


def test_cat_errors():
    with pytest.raises(RuntimeError, match=r"cat.*Sizes of tensors must match except in "
                                           r"dimension 0. Expected size 3 but got size 4 for "
                                           r"tensor number 1"):
        torsh.cat([torsh.zeros(2, 3), torsh.zeros(2, 4)])
    with pytest.raises(RuntimeError, match="cat.*same number of dimensions: got 2 and 1"):
        torsh.cat([torsh.zeros(2, 3), torsh.zeros(2)])
    with pytest.raises(RuntimeError, match="cat.*zero-dimensional tensor"):
        torsh.cat([torsh.tensor(1.0), torsh.tensor(2.0)])
    with pytest.raises(IndexError, match="cat.*Dimension out of range"):
        torsh.cat([torsh.zeros(2, 3)], 2)
    with pytest.raises(ValueError, match="cat.*non-empty"):
        torsh.cat([])
    with pytest.raises(TypeError, match="cat"):
        torsh.cat(torsh.zeros(2))
    with pytest.raises(TypeError, match="cat"):
        torsh.cat([torsh.zeros(2), 1])
    with pytest.raises(TypeError, match="cat"):
        torsh.cat([torsh.zeros(2)], None)


def test_cat_out():
    out = torsh.zeros(4)
    torsh.cat([arange(2, dtype=torsh.float32), arange(2, dtype=torsh.float32)], out=out)
    assert out.tolist() == [0, 1, 0, 1]


def test_cat_gradients():
    a, b = leaf(2, 2), leaf(2, 1, start=5)
    check_grads(lambda x, y: torsh.cat([x, y], 1), a, b)
    check_grads(lambda x, y: torsh.cat([x, y.t(), x], 0), a, b)


def test_cat_gradient_with_legacy_empty_and_mixed_dtypes():
    a = leaf(2)
    e = torsh.zeros(0, dtype=torsh.float32).requires_grad_(True)
    out = torsh.cat([a, e, a])
    (out * torsh.tensor([1.0, 2, 3, 4], dtype=torsh.float64)).sum().backward()
    assert a.grad.tolist() == [4, 6]
    assert e.grad.shape == (0,) and e.grad.dtype is torsh.float32


# ------------------------------------------------------------ flip

def test_flip_values():
    x = arange(2, 3)
    assert torsh.flip(x, (0, 1)).tolist() == [[5, 4, 3], [2, 1, 0]]
    assert torsh.flip(x, [-1]).tolist() == [[2, 1, 0], [5, 4, 3]]
    assert x.flip(0).tolist() == [[3, 4, 5], [0, 1, 2]]
    assert x.flip(0, 1).tolist() == x.flip((0, 1)).tolist()
    assert torsh.flip(x, ()).tolist() == x.tolist()
    assert torsh.flip(torsh.tensor(3), (0,)).item() == 3
    assert torsh.flip(torsh.zeros(0, 2), (0,)).shape == (0, 2)
    assert torsh.flip(x.t(), (0,)).tolist() == [[2, 5], [1, 4], [0, 3]]
    assert torsh.flip(torsh.tensor([True, False]), (0,)).tolist() == [False, True]


def test_flip_is_a_copy():
    x = arange(3)
    y = x.flip(0)
    y[0] = 9
    assert x.tolist() == [0, 1, 2]


def test_flip_errors():
    with pytest.raises(TypeError, match="flip"):
        torsh.flip(arange(3), 0)
    with pytest.raises(RuntimeError, match="flip.*dim 0 appears multiple times"):
        torsh.flip(arange(2, 2), (0, -2))
    with pytest.raises(IndexError, match="flip.*Dimension out of range"):
        torsh.flip(arange(2, 2), (2,))


def test_fliplr_flipud():
    x = arange(2, 3)
    assert torsh.fliplr(x).tolist() == [[2, 1, 0], [5, 4, 3]]
    assert x.flipud().tolist() == [[3, 4, 5], [0, 1, 2]]
    assert torsh.flipud(arange(3)).tolist() == [2, 1, 0]
    with pytest.raises(RuntimeError, match="fliplr.*>= 2-d"):
        torsh.fliplr(arange(3))
    with pytest.raises(RuntimeError, match="flipud.*>= 1-d"):
        torsh.flipud(torsh.tensor(1.0))


def test_flip_gradients():
    check_grads(lambda x: torsh.flip(x, (0, 2)), leaf(2, 1, 3))
    check_grads(lambda x: x.fliplr(), leaf(2, 2))


# ------------------------------------------------------------ roll, rot90

def test_roll_values():
    x = arange(2, 3)
    assert torsh.roll(x, 1).tolist() == [[5, 0, 1], [2, 3, 4]]
    assert x.roll(1, 0).tolist() == [[3, 4, 5], [0, 1, 2]]
    assert torsh.roll(x, (1, -1), (0, 1)).tolist() == [[4, 5, 3], [1, 2, 0]]
    assert torsh.roll(x, -7, 1).tolist() == [[1, 2, 0], [4, 5, 3]]
    assert torsh.roll(x, (1, 1), (1, -1)).tolist() == [[1, 2, 0], [4, 5, 3]]
    assert torsh.roll(x.t(), 1, 0).tolist() == [[2, 5], [0, 3], [1, 4]]
    assert torsh.roll(torsh.tensor(5), 3).item() == 5
    assert torsh.roll(torsh.zeros(0, 3), 1, 0).shape == (0, 3)
    assert torsh.roll(torsh.tensor([1, 2, 3], dtype=torsh.int8), 1).tolist() == [3, 1, 2]


def test_roll_errors():
    x = arange(2, 3)
    with pytest.raises(RuntimeError, match="roll.*shifts and dimensions must align. shifts: 2, "
                                           "dims:1"):
        torsh.roll(x, (1, 2), 0)
    with pytest.raises(RuntimeError, match="roll.*`shifts` required"):
        torsh.roll(x, ())
    with pytest.raises(IndexError, match="roll.*Dimension out of range"):
        torsh.roll(x, 1, 2)
    with pytest.raises(IndexError, match="roll.*no dimensions"):
        torsh.roll(torsh.tensor(1.0), 1, 0)
    with pytest.raises(TypeError, match="roll"):
        torsh.roll(x, 1.5)


def test_roll_gradients():
    check_grads(lambda x: torsh.roll(x, (1, -1), (0, 1)), leaf(2, 3))
    check_grads(lambda x: torsh.roll(x, 2), leaf(2, 2))


def test_rot90_values():
    x = arange(2, 3)
    assert torsh.rot90(x).tolist() == [[2, 5], [1, 4], [0, 3]]
    assert torsh.rot90(x, 2).tolist() == [[5, 4, 3], [2, 1, 0]]
    assert torsh.rot90(x, -1).tolist() == [[3, 0], [4, 1], [5, 2]]
    assert torsh.rot90(x, 3).tolist() == torsh.rot90(x, 1, (1, 0)).tolist()
    assert torsh.rot90(x, 4).tolist() == x.tolist()
    assert x.rot90(5).tolist() == torsh.rot90(x).tolist()
    cube = arange(2, 2, 2)
    assert torsh.rot90(cube, 1, (0, 2)).tolist() == [[[1, 5], [3, 7]], [[0, 4], [2, 6]]]


def test_rot90_errors_and_gradients():
    with pytest.raises(RuntimeError, match="rot90.*total rotation dims == 2"):
        torsh.rot90(arange(2, 2), 1, [0])
    with pytest.raises(RuntimeError, match="rot90.*total dims >= 2"):
        torsh.rot90(arange(3))
    with pytest.raises(RuntimeError, match="rot90.*rotation dims to be different"):
        torsh.rot90(arange(2, 2), 1, (0, -2))
    check_grads(lambda x: torsh.rot90(x, 1), leaf(2, 3))
    check_grads(lambda x: torsh.rot90(x, 3, (1, 2)), leaf(1, 2, 2))


# ------------------------------------------------------------ stacking, atleast

def test_stack_values():
    a = arange(3, dtype=torsh.int64)
    assert torsh.stack([a, a]).tolist() == [[0, 1, 2], [0, 1, 2]]
    assert torsh.stack([a, a], 1).tolist() == [[0, 0], [1, 1], [2, 2]]
    assert torsh.stack((a, a), dim=-1).shape == (3, 2)
    assert torsh.stack([torsh.tensor(5), torsh.tensor(6)]).tolist() == [5, 6]
    assert torsh.stack([a, a.double()]).dtype is torsh.float64
    assert torsh.stack([torsh.zeros(0, 2)] * 3).shape == (3, 0, 2)


def test_stack_errors():
    a = arange(3)
    with pytest.raises(RuntimeError, match=r"stack expects each tensor to be equal size, but "
                                           r"got \[3\] at entry 0 and \[2\] at entry 1"):
        torsh.stack([a, a[:2]])
    with pytest.raises(RuntimeError, match="stack expects a non-empty TensorList"):
        torsh.stack([])
    with pytest.raises(IndexError, match="stack.*Dimension out of range"):
        torsh.stack([a, a], 2)


def test_hstack_vstack_dstack_column_stack():
    a, s, x = arange(3), torsh.tensor(5.0, dtype=torsh.float64), arange(2, 3)
    assert torsh.hstack([a, a]).tolist() == [0, 1, 2, 0, 1, 2]
    assert torsh.hstack([s, s]).tolist() == [5, 5]
    assert torsh.hstack([x, x]).shape == (2, 6)
    assert torsh.vstack([a, a]).tolist() == [[0, 1, 2], [0, 1, 2]]
    assert torsh.row_stack([s, a[:1]]).tolist() == [[5], [0]]
    assert torsh.dstack([a, a]).tolist() == [[[0, 0], [1, 1], [2, 2]]]
    assert torsh.dstack([x, x]).shape == (2, 3, 2)
    assert torsh.column_stack([a, a]).tolist() == [[0, 0], [1, 1], [2, 2]]
    assert torsh.column_stack([x, a[:2]]).tolist() == [[0, 1, 2, 0], [3, 4, 5, 1]]
    assert torsh.column_stack([s, s]).shape == (1, 2)
    for fn in (torsh.hstack, torsh.vstack, torsh.dstack, torsh.column_stack):
        with pytest.raises(RuntimeError, match=fn.__name__ + " expects a non-empty"):
            fn([])


def test_stacking_gradients():
    a, b = leaf(2), leaf(2, start=3)
    check_grads(lambda x, y: torsh.stack([x, y], 1), a, b)
    check_grads(lambda x, y: torsh.vstack([x, y]), a, b)
    check_grads(lambda x, y: torsh.column_stack([x, y]), a, b)
    check_grads(lambda x, y: torsh.dstack([x, y]), a, b)


def test_atleast():
    s, a, x = torsh.tensor(5.0), torsh.zeros(3), torsh.zeros(2, 3)
    assert torsh.atleast_1d(s).shape == (1,)
    assert torsh.atleast_1d(a) is a
    assert torsh.atleast_2d(a).shape == (1, 3)
    assert torsh.atleast_2d(s).shape == (1, 1)
    assert torsh.atleast_2d(torsh.zeros(0)).shape == (1, 0)
    assert torsh.atleast_3d(s).shape == (1, 1, 1)
    assert torsh.atleast_3d(a).shape == (1, 3, 1)
    assert torsh.atleast_3d(x).shape == (2, 3, 1)
    assert torsh.atleast_3d(torsh.zeros(1, 2, 3, 4)).shape == (1, 2, 3, 4)
    pair = torsh.atleast_1d(a, s)
    assert isinstance(pair, tuple) and [t.shape for t in pair] == [(3,), (1,)]
    assert [t.shape for t in torsh.atleast_2d([a, s])] == [(1, 3), (1, 1)]
    assert torsh.atleast_2d() == ()
    with pytest.raises(TypeError, match="atleast_1d"):
        torsh.atleast_1d(a, 3)


# ------------------------------------------------------------ repeat, tile, repeat_interleave

def test_repeat_values():
    x = arange(2, 3)
    assert x.repeat(2, 1).tolist() == [[0, 1, 2], [3, 4, 5], [0, 1, 2], [3, 4, 5]]
    assert x.repeat([1, 2]).tolist() == [[0, 1, 2, 0, 1, 2], [3, 4, 5, 3, 4, 5]]
    assert x.repeat(2, 1, 2).shape == (2, 2, 6)
    assert x.repeat(torsh.Size([2, 1])).shape == (4, 3)
    assert torsh.tensor(5).repeat(2).tolist() == [5, 5]
    assert arange(3).repeat(0, 2).shape == (0, 6)
    assert x.t().repeat(1, 2).tolist() == [[0, 3, 0, 3], [1, 4, 1, 4], [2, 5, 2, 5]]
    assert torsh.tensor([True]).repeat(2).tolist() == [True, True]


def test_repeat_errors():
    with pytest.raises(RuntimeError, match="repeat.*can not be smaller than number of dim"):
        arange(2, 3).repeat(2)
    with pytest.raises(RuntimeError, match="repeat.*negative dimension -3"):
        arange(3).repeat(-1)
    with pytest.raises(TypeError, match="repeat"):
        arange(3).repeat()


def test_tile():
    x = arange(2, 3)
    assert torsh.tile(x, (2,)).tolist() == [[0, 1, 2, 0, 1, 2], [3, 4, 5, 3, 4, 5]]
    assert torsh.tile(x, (2, 1, 1)).shape == (2, 2, 3)
    assert torsh.tile(x, ()).tolist() == x.tolist()
    assert x.tile(2, 1).shape == (4, 3)
    assert torsh.tile(torsh.tensor(5), (2,)).tolist() == [5, 5]
    with pytest.raises(TypeError, match="tile"):
        torsh.tile(x, 2)


def test_repeat_gradients():
    check_grads(lambda x: x.repeat(2, 1, 2), leaf(2, 2))
    check_grads(lambda x: torsh.tile(x, (2,)), leaf(3))
    check_grads(lambda x: x.repeat(0, 1), leaf(2))


def test_repeat_interleave_values():
    x = arange(2, 3)
    assert torsh.repeat_interleave(arange(3), 2).tolist() == [0, 0, 1, 1, 2, 2]
    assert torsh.repeat_interleave(x, 2).shape == (12,)
    assert torsh.repeat_interleave(x, 2, 0).tolist() == [[0, 1, 2], [0, 1, 2], [3, 4, 5],
                                                         [3, 4, 5]]
    counts = torsh.tensor([1, 0, 2])
    assert torsh.repeat_interleave(x, counts, 1).tolist() == [[0, 2, 2], [3, 5, 5]]
    assert x.repeat_interleave(torsh.tensor([2]), dim=1).shape == (2, 6)
    assert x.repeat_interleave(torsh.tensor(2), dim=-1).shape == (2, 6)
    assert torsh.repeat_interleave(x, 2, 0, output_size=4).shape == (4, 3)
    assert torsh.repeat_interleave(torsh.tensor(5), 3).tolist() == [5, 5, 5]
    assert torsh.repeat_interleave(torsh.zeros(0, 2), 2, 0).shape == (0, 2)
    assert torsh.repeat_interleave(x, 0, 0).shape == (0, 3)
    assert torsh.repeat_interleave(x.t(), 2, 1).tolist() == [[0, 0, 3, 3], [1, 1, 4, 4],
                                                             [2, 2, 5, 5]]


def test_repeat_interleave_counts_only():
    out = torsh.repeat_interleave(torsh.tensor([1, 2, 3], dtype=torsh.int32))
    assert out.tolist() == [0, 1, 1, 2, 2, 2] and out.dtype is torsh.int32
    assert torsh.tensor([2, 0, 1]).repeat_interleave().tolist() == [0, 0, 2]
    assert torsh.repeat_interleave(torsh.tensor([], dtype=torsh.int64)).shape == (0,)


def test_repeat_interleave_errors():
    x = arange(2, 3)
    with pytest.raises(RuntimeError, match=r"repeat_interleave.*repeats.size\(0\) = 2"):
        torsh.repeat_interleave(x, torsh.tensor([1, 2]), 1)
    with pytest.raises(RuntimeError, match="repeat_interleave.*Repeats must be non-negative"):
        torsh.repeat_interleave(x, -1)
    with pytest.raises(RuntimeError, match="repeat_interleave.*repeats can not be negative"):
        torsh.repeat_interleave(x, torsh.tensor([-1, 2]), 0)
    with pytest.raises(RuntimeError, match="repeat_interleave.*Invalid output_size, expected 4 "
                                           "but got 5"):
        torsh.repeat_interleave(x, 2, 0, output_size=5)
    with pytest.raises(RuntimeError, match="repeat_interleave.*allocated size"):
        torsh.repeat_interleave(x, torsh.tensor([1, 2]), 0, output_size=2)
    with pytest.raises(RuntimeError, match="repeat_interleave.*0-dim or 1-dim"):
        torsh.repeat_interleave(x, torsh.tensor([[1, 2]]), 0)
    with pytest.raises(RuntimeError, match="repeat_interleave"):
        torsh.repeat_interleave(x, torsh.tensor([1.0, 2.0]), 0)
    with pytest.raises(RuntimeError, match="repeat_interleave.*1D"):
        torsh.repeat_interleave(torsh.tensor([[1, 2]]))
    with pytest.raises(IndexError, match="repeat_interleave.*no dimensions"):
        torsh.repeat_interleave(torsh.tensor(5), 3, 0)
    with pytest.raises(IndexError, match="repeat_interleave.*Dimension out of range"):
        torsh.repeat_interleave(x, 2, 2)


def test_repeat_interleave_gradients():
    check_grads(lambda x: torsh.repeat_interleave(x, torsh.tensor([1, 0, 2]), 1), leaf(2, 3))
    check_grads(lambda x: torsh.repeat_interleave(x, 2), leaf(2, 2))
    check_grads(lambda x: torsh.repeat_interleave(x, 0, 0), leaf(2))


# ------------------------------------------------------------ tril, triu and their indices

def test_tril_triu_values():
    x = arange(2, 3, start=1)
    assert torsh.tril(x).tolist() == [[1, 0, 0], [4, 5, 0]]
    assert torsh.tril(x, 1).tolist() == [[1, 2, 0], [4, 5, 6]]
    assert torsh.tril(x, diagonal=-1).tolist() == [[0, 0, 0], [4, 0, 0]]
    assert torsh.triu(x, 1).tolist() == [[0, 2, 3], [0, 0, 6]]
    assert torsh.triu(x, -5).tolist() == x.tolist()
    assert x.triu().tolist() == [[1, 2, 3], [0, 5, 6]]
    batched = torsh.arange(8).reshape(2, 2, 2)
    assert torsh.tril(batched).tolist() == [[[0, 0], [2, 3]], [[4, 0], [6, 7]]]
    assert torsh.tril(x.t()).tolist() == [[1, 0], [2, 5], [3, 6]]
    flags = torsh.ones(2, 2, dtype=torsh.bool)
    assert torsh.tril(flags).tolist() == [[True, False], [True, True]]
    assert torsh.tril(torsh.zeros(0, 3)).shape == (0, 3)


def test_tril_zeroes_nan_and_inf():
    x = torsh.tensor([[math.nan, math.inf], [-math.inf, math.nan]])
    out = torsh.tril(x)
    assert out[0, 1].item() == 0 and out[1, 0].item() == -math.inf
    assert math.isnan(out[0, 0].item()) and math.isnan(out[1, 1].item())


def test_tril_triu_inplace():
    x = arange(2, 3, start=1)
    assert x.tril_(1) is x and x.tolist() == [[1, 2, 0], [4, 5, 6]]
    x.triu_(1)
    assert x.tolist() == [[0, 2, 0], [0, 0, 6]]


def test_tril_triu_errors():
    with pytest.raises(RuntimeError, match="tril: input tensor must have at least 2 dim"):
        torsh.tril(arange(3))
    with pytest.raises(RuntimeError, match="triu: input tensor must have at least 2 dim"):
        torsh.triu(torsh.tensor(1.0))
    with pytest.raises(TypeError, match="tril"):
        torsh.tril(arange(2, 2), 1.0)


def test_tril_triu_gradients():
    check_grads(lambda x: torsh.tril(x, -1), leaf(2, 3))
    check_grads(lambda x: torsh.triu(x, 1), leaf(2, 2, 3))


def test_tril_triu_indices():
    assert torsh.tril_indices(3, 3).tolist() == [[0, 1, 1, 2, 2, 2], [0, 0, 1, 0, 1, 2]]
    assert torsh.tril_indices(3, 2, 1).tolist() == [[0, 0, 1, 1, 2, 2], [0, 1, 0, 1, 0, 1]]
    assert torsh.triu_indices(3, 3).tolist() == [[0, 0, 0, 1, 1, 2], [0, 1, 2, 1, 2, 2]]
    assert torsh.triu_indices(2, 3, -1).tolist() == [[0, 0, 0, 1, 1, 1], [0, 1, 2, 0, 1, 2]]
    assert torsh.tril_indices(0, 3).shape == (2, 0)
    assert torsh.tril_indices(3, 3, -5).shape == (2, 0)
    assert torsh.triu_indices(3, 3, 5).dtype is torsh.int64
    assert torsh.tril_indices(3, 3, dtype=torsh.int32).dtype is torsh.int32
    with pytest.raises(RuntimeError, match="tril_indices: row must be non-negative"):
        torsh.tril_indices(-1, 3)
    with pytest.raises(RuntimeError, match="triu_indices.*not implemented for 'float32'"):
        torsh.triu_indices(3, 3, dtype=torsh.float32)


def test_tril_indices_select_tril_elements():
    x = arange(3, 4, start=1)
    rows, cols = torsh.tril_indices(3, 4, 1)
    kept = sorted(x[rows, cols].tolist())
    assert kept == sorted(v for v in torsh.tril(x, 1).reshape(-1).tolist() if v)


# ------------------------------------------------------------ diagonals and trace

def test_diag():
    a, x = arange(3, start=1), arange(2, 3, start=1)
    assert torsh.diag(a).tolist() == [[1, 0, 0], [0, 2, 0], [0, 0, 3]]
    assert torsh.diag(a, 1).tolist() == [[0, 1, 0, 0], [0, 0, 2, 0], [0, 0, 0, 3], [0] * 4]
    assert torsh.diag(a, -2).shape == (5, 5) and torsh.diag(a, -2)[2, 0].item() == 1
    assert torsh.diag(x).tolist() == [1, 5]
    assert x.diag(1).tolist() == [2, 6]
    assert torsh.diag(x, -1).tolist() == [4]
    assert torsh.diag(x, 5).shape == (0,)
    assert torsh.diag(torsh.zeros(0)).shape == (0, 0)
    d = torsh.diag(x)
    d[0] = 9
    assert x[0, 0].item() == 1
    with pytest.raises(RuntimeError, match="diag.*Supports 1D or 2D tensors. Got 0D"):
        torsh.diag(torsh.tensor(1.0))
    with pytest.raises(RuntimeError, match="diag.*Got 3D"):
        torsh.diag(torsh.zeros(2, 2, 2))


def test_diag_embed():
    x = arange(2, 3, start=1)
    assert torsh.diag_embed(arange(3, start=1)).tolist() == torsh.diag(arange(3, start=1)
                                                                       ).tolist()
    out = torsh.diag_embed(x, 1)
    assert out.shape == (2, 4, 4)
    assert out[1].tolist() == [[0, 4, 0, 0], [0, 0, 5, 0], [0, 0, 0, 6], [0, 0, 0, 0]]
    out = torsh.diag_embed(x, -1, 0, 2)
    assert out.shape == (4, 2, 4)
    assert out[:, 1, :].tolist() == [[0, 0, 0, 0], [4, 0, 0, 0], [0, 5, 0, 0], [0, 0, 6, 0]]
    assert torsh.diag_embed(x, 0, 0, -1).shape == (3, 2, 3)
    assert torsh.diag_embed(x.t()).shape == (3, 2, 2)
    with pytest.raises(RuntimeError, match="diag_embed.*cannot be identical"):
        torsh.diag_embed(x, 0, 0, 0)
    with pytest.raises(IndexError, match="diag_embed.*Dimension out of range"):
        torsh.diag_embed(x, 0, 0, 3)
    with pytest.raises(IndexError, match="diag_embed"):
        torsh.diag_embed(torsh.tensor(1.0))


def test_diagflat_and_trace():
    x = arange(2, 2, start=1)
    assert torsh.diagflat(x).tolist() == [[1, 0, 0, 0], [0, 2, 0, 0], [0, 0, 3, 0],
                                          [0, 0, 0, 4]]
    assert torsh.diagflat(x, -1).shape == (5, 5)
    assert torsh.diagflat(torsh.tensor(5)).tolist() == [[5]]
    assert x.diagflat(1)[0, 1].item() == 1
    assert torsh.trace(arange(2, 3, start=1)).item() == 6
    t = torsh.trace(torsh.arange(9, dtype=torsh.int8).reshape(3, 3))
    assert t.item() == 12 and t.dtype is torsh.int64
    assert torsh.trace(torsh.zeros(0, 3)).item() == 0
    assert x.trace().item() == 5
    with pytest.raises(RuntimeError, match="trace: expected a matrix, but got tensor with dim 1"):
        torsh.trace(arange(3))
    with pytest.raises(RuntimeError, match="trace.*Bool"):
        torsh.trace(torsh.ones(2, 2, dtype=torsh.bool))


def test_diagonal_family_gradients():
    check_grads(lambda v: torsh.diag(v, 1), leaf(3))
    check_grads(lambda m: torsh.diag(m, -1), leaf(3, 2))
    check_grads(lambda m: torsh.diag_embed(m, -1, 0, 2), leaf(2, 2))
    check_grads(lambda m: torsh.diagflat(m), leaf(2, 2))
    check_grads(lambda m: torsh.trace(m), leaf(2, 3))


# ------------------------------------------------------------ meshgrid, block_diag, products

def test_meshgrid():
    a, b = torsh.tensor([1, 2, 3]), torsh.tensor([10, 20])
    x, y = torsh.meshgrid(a, b, indexing="ij")
    assert x.tolist() == [[1, 1], [2, 2], [3, 3]] and y.tolist() == [[10, 20]] * 3
    x, y = torsh.meshgrid([a, b], indexing="xy")
    assert x.tolist() == [[1, 2, 3]] * 2 and y.tolist() == [[10, 10, 10], [20, 20, 20]]
    assert torsh.meshgrid(a, b, torsh.tensor(5), indexing="xy")[0].shape == (2, 3, 1)
    assert torsh.meshgrid(a, b, a, indexing="xy")[2].shape == (2, 3, 3)
    assert torsh.meshgrid(a, indexing="xy")[0].tolist() == [1, 2, 3]
    assert torsh.meshgrid(a, torsh.zeros(0, dtype=torsh.int64), indexing="xy")[0].shape == (0, 3)
    with pytest.warns(UserWarning, match="meshgrid.*indexing"):
        assert torsh.meshgrid(a, b)[0].shape == (3, 2)


def test_meshgrid_errors():
    a = torsh.tensor([1, 2])
    with pytest.raises(RuntimeError, match="meshgrid expects all tensors to have the same dtype"):
        torsh.meshgrid(a, a.double(), indexing="ij")
    with pytest.raises(RuntimeError, match="meshgrid: indexing must be one of"):
        torsh.meshgrid(a, a, indexing="zz")
    with pytest.raises(RuntimeError, match="meshgrid expects a non-empty TensorList"):
        torsh.meshgrid(indexing="ij")
    with pytest.raises(RuntimeError, match="meshgrid: Expected 0D or 1D tensor"):
        torsh.meshgrid(torsh.zeros(2, 2), indexing="ij")


def test_block_diag():
    x, a = arange(2, 3, start=1), arange(3, start=1)
    assert torsh.block_diag(x, a).tolist() == [[1, 2, 3, 0, 0, 0], [4, 5, 6, 0, 0, 0],
                                               [0, 0, 0, 1, 2, 3]]
    assert torsh.block_diag(torsh.tensor(5), torsh.tensor([1.5])).tolist() == [[5, 0],
                                                                               [0, 1.5]]
    empty = torsh.block_diag()
    assert empty.shape == (1, 0) and empty.dtype is torsh.float32
    assert torsh.block_diag(torsh.zeros(0, 2), torsh.ones(1, 1)).tolist() == [[0, 0, 1]]
    assert torsh.block_diag(torsh.zeros(2, 0), torsh.ones(1, 1)).tolist() == [[0], [0], [1]]
    assert torsh.block_diag(torsh.zeros(0)).shape == (1, 0)
    mixed = torsh.block_diag(torsh.tensor([True]), torsh.tensor([[2]], dtype=torsh.int8))
    assert mixed.dtype is torsh.int8 and mixed.tolist() == [[1, 0], [0, 2]]
    wide = torsh.tensor(1.0, dtype=torsh.float64)
    assert torsh.block_diag(wide, torsh.tensor([1.0])).dtype is torsh.float32
    assert torsh.block_diag(x.t()).tolist() == x.t().tolist()
    with pytest.raises(RuntimeError, match="block_diag: Input tensors must have 2 or fewer"):
        torsh.block_diag(torsh.zeros(2, 2, 2))
    with pytest.raises(TypeError, match="block_diag"):
        torsh.block_diag(a, 3)


def test_block_diag_gradients():
    check_grads(lambda p, q, r: torsh.block_diag(p, q, r), leaf(2, 2), leaf(3, start=4),
                leaf(start=9))


def test_cartesian_prod():
    a, b = torsh.tensor([1, 2, 3]), torsh.tensor([10, 20])
    assert torsh.cartesian_prod(a, b).tolist() == [[1, 10], [1, 20], [2, 10], [2, 20],
                                                   [3, 10], [3, 20]]
    assert torsh.cartesian_prod(a) is a
    assert torsh.cartesian_prod(a, b, b).shape == (12, 3)
    with pytest.raises(RuntimeError, match=r"cartesian_prod: Expect a 1D vector, but got "
                                           r"shape \[2, 3\]"):
        torsh.cartesian_prod(torsh.zeros(2, 3), a)
    with pytest.raises(RuntimeError, match="meshgrid expects all tensors to have the same"):
        torsh.cartesian_prod(a, b.double())
    check_grads(lambda p, q: torsh.cartesian_prod(p, q), leaf(2), leaf(3, start=2))


def test_combinations():
    a = torsh.tensor([1, 2, 3])
    assert torsh.combinations(a).tolist() == [[1, 2], [1, 3], [2, 3]]
    assert torsh.combinations(a, 3).tolist() == [[1, 2, 3]]
    assert torsh.combinations(a, 4).shape == (0, 4)
    assert torsh.combinations(a, 0).shape == (0,)
    assert torsh.combinations(a, with_replacement=True).tolist() == [
        [1, 1], [1, 2], [1, 3], [2, 2], [2, 3], [3, 3]]
    assert torsh.combinations(a, r=1).tolist() == [[1], [2], [3]]
    assert torsh.combinations(a, 4, True).shape == (15, 4)
    assert torsh.combinations(torsh.zeros(0)).shape == (0, 2)
    assert torsh.combinations(torsh.tensor([True, False])).tolist() == [[True, False]]
    with pytest.raises(RuntimeError, match=r"combinations: Expect a 1D vector"):
        torsh.combinations(torsh.tensor(5))
    with pytest.raises(RuntimeError, match="combinations: Expect a non-negative number, but "
                                           "got -1"):
        torsh.combinations(a, -1)
    check_grads(lambda v: torsh.combinations(v, 2, True), leaf(3))


# ------------------------------------------------------------ properties and methods

shapes = st.lists(st.integers(0, 3), min_size=1, max_size=3)


@given(shapes, st.integers(0, 2), st.integers(0, 3))
def test_cat_then_split_gives_back_the_pieces(shape, dim, extra):
    dim = dim % len(shape)
    a = arange(*shape)
    other_shape = list(shape)
    other_shape[dim] = extra
    b = arange(*other_shape, start=100)
    joined = torsh.cat([a, b], dim)
    first, second = joined.split([shape[dim], extra], dim)
    assert first.tolist() == a.tolist() and second.tolist() == b.tolist()


@given(shapes, st.integers(-5, 5))
def test_flip_and_roll_undo_themselves(shape, shift):
    x = arange(*shape)
    dims = tuple(range(len(shape)))
    assert x.flip(dims).flip(dims).tolist() == x.tolist()
    assert torsh.roll(torsh.roll(x, shift, 0), -shift, 0).tolist() == x.tolist()
    assert torsh.roll(x, shape[0], 0).tolist() == x.tolist()


@given(shapes, st.lists(st.integers(0, 2), min_size=1, max_size=4))
def test_repeat_matches_cat_of_copies(shape, reps):
    x = arange(*shape)
    reps = [1] * max(0, len(shape) - len(reps)) + reps
    expected = x.reshape((1,) * (len(reps) - len(shape)) + tuple(shape))
    for d, r in enumerate(reps):
        expected = torsh.cat([expected] * r, d) if r else expected.narrow(d, 0, 0)
    assert x.repeat(reps).shape == expected.shape
    assert x.repeat(reps).tolist() == expected.tolist()


@given(shapes, st.integers(-3, 3))
def test_tril_plus_triu_covers_the_matrix_once(shape, k):
    x = arange(*([2] + shape if len(shape) < 2 else shape), start=1)
    assert (torsh.tril(x, k) + torsh.triu(x, k + 1)).tolist() == x.tolist()


METHODS = ["flip", "fliplr", "flipud", "roll", "rot90", "repeat", "repeat_interleave", "tile",
           "tril", "triu", "tril_", "triu_", "diag", "diag_embed", "diagflat", "trace"]
FUNCTIONS_ONLY = ["cat", "concat", "concatenate", "stack", "hstack", "vstack", "row_stack",
                  "dstack", "column_stack", "tril_indices", "triu_indices", "meshgrid",
                  "atleast_1d", "atleast_2d", "atleast_3d", "block_diag", "cartesian_prod",
                  "combinations"]


def test_public_names_and_methods_as_pytorch():
    for name in METHODS:
        assert hasattr(torsh.Tensor, name), name
    for name in FUNCTIONS_ONLY:
        assert hasattr(torsh, name) and not hasattr(torsh.Tensor, name), name
    assert not hasattr(torsh, "repeat") and not hasattr(torsh, "tril_")


# ------------------------------------------------------------ against a live PyTorch

LIVE = [
    ("cat", lambda t, x: t.cat([x, x.flip(0)], 1)),
    ("stack", lambda t, x: t.stack([x, x], 2)),
    ("hstack", lambda t, x: t.hstack([x, x])),
    ("dstack", lambda t, x: t.dstack([x[0], x[1]])),
    ("column_stack", lambda t, x: t.column_stack([x[:, 0], x])),
    ("roll", lambda t, x: t.roll(x, (2, -1), (1, 0))),
    ("rot90", lambda t, x: t.rot90(x, 3, (1, 0))),
    ("repeat", lambda t, x: x.repeat(2, 1, 2)),
    ("repeat_interleave", lambda t, x: t.repeat_interleave(x, t.tensor([2, 0, 1]), 1)),
    ("tile", lambda t, x: t.tile(x, (2, 1, 1))),
    ("tril", lambda t, x: t.tril(x, -1)),
    ("triu", lambda t, x: t.triu(x.t(), 1)),
    ("diag_embed", lambda t, x: t.diag_embed(x, 1, 0, 2)),
    ("diagflat", lambda t, x: t.diagflat(x, -2)),
    ("block_diag", lambda t, x: t.block_diag(x, x[0], x[1, 1])),
    ("cartesian_prod", lambda t, x: t.cartesian_prod(x[0], x[1])),
    ("combinations", lambda t, x: t.combinations(x[1], 2, True)),
]


@pytest.mark.torch
@pytest.mark.parametrize("name,fn", LIVE, ids=[c[0] for c in LIVE])
def test_matches_live_pytorch(name, fn):
    torch = pytest.importorskip("torch")
    values = [[1.5, -2.0, 3.25], [4.0, -0.0, 6.5]]
    ours = fn(torsh, torsh.tensor(values, dtype=torsh.float64))
    theirs = fn(torch, torch.tensor(values, dtype=torch.float64))
    assert list(ours.shape) == list(theirs.shape)
    assert ours.tolist() == theirs.tolist()
