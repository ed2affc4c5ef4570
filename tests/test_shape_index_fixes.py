"""Hand-computed checks for the view, shape and indexing behaviours the conformance suite
pinned down against PyTorch 2.13: edge shapes, error classes, scalar overflow, index forms."""
import math

import pytest

import torsh
from torsh.autograd.gradcheck import gradcheck, gradgradcheck


def T(data, dtype=None):
    return torsh.tensor(data, dtype=dtype)


def f64(*shape):
    n = math.prod(shape)
    return torsh.arange(n, dtype=torsh.float64).reshape(shape) / 7 - 0.5


# ------------------------------------------------------------ views and splits

def test_movedim_and_adjoint():
    assert torsh.movedim(T(2.0), 0, 0).shape == ()
    with pytest.raises(RuntimeError, match="movedim: repeated dim in `destination`"):
        torsh.movedim(torsh.zeros(2, 3, 2), (0, 1), (1, 1))
    assert torsh.adjoint(torsh.zeros(2, 3)).shape == (3, 2)
    with pytest.raises(RuntimeError, match="adjoint"):
        torsh.adjoint(torsh.zeros(3))


def test_chunk_of_empty_dim_gives_every_chunk():
    assert [p.shape for p in torsh.chunk(torsh.zeros(0, 3), 3)] == [(0, 3)] * 3


def test_narrow_errors_are_pytorchs():
    x = torsh.zeros(4, 3)
    with pytest.raises(RuntimeError, match="exceeds dimension size"):
        x.narrow(0, 3, 2)
    with pytest.raises(RuntimeError, match="length must be non-negative"):
        x.narrow(0, 1, -1)
    with pytest.raises(IndexError, match="start out of range"):
        x.narrow(0, 5, 0)
    with pytest.raises(RuntimeError, match="0-dim"):
        T(1.0).narrow(0, 0, 1)
    assert x.narrow(0, 4, 0).shape == (0, 3)


def test_tensor_split_bounds_are_python_slices():
    x = torsh.arange(5)
    pieces = torsh.tensor_split(x, [-1, 2, -4, 7])
    assert [p.tolist() for p in pieces] == [[0, 1, 2, 3], [], [], [1, 2, 3, 4], []]
    assert [p.tolist() for p in torsh.tensor_split(x, T(2))] == [[0, 1, 2], [3, 4]]
    assert [p.tolist() for p in x.tensor_split(T([1, 3]))] == [[0], [1, 2], [3, 4]]
    with pytest.raises(RuntimeError, match="sections must be larger than 0"):
        torsh.tensor_split(x, 0)
    with pytest.raises(RuntimeError, match="0 dims"):
        torsh.tensor_split(T(1.0), 1)
    with pytest.raises(RuntimeError, match="int64"):
        torsh.tensor_split(x, T([1.0]))


def test_split_gradients():
    x = f64(5, 2).requires_grad_(True)
    assert gradcheck(lambda t: torsh.tensor_split(t, [-1, 2]), (x,))
    g = (torsh.ones(2, 2, dtype=torsh.float64, requires_grad=True),
         torsh.ones(1, 2, dtype=torsh.float64, requires_grad=True),
         torsh.ones(2, 2, dtype=torsh.float64, requires_grad=True))
    assert gradgradcheck(lambda t: torsh.tensor_split(t, [2, 3]), (x,), g)


def test_flatten_squeeze_unfold_edges():
    with pytest.raises(IndexError, match="Dimension out of range"):
        T(1.0).flatten(1)
    assert T(1.0).flatten(0, -1).shape == (1,)
    with pytest.raises(RuntimeError, match="multiple times"):
        torsh.zeros(1, 2, 1).squeeze((0, -3))
    assert T(5.0).unfold(0, 0, 1).shape == (0,)
    assert T(5.0).unfold(0, 1, 1).tolist() == [5.0]
    with pytest.raises(RuntimeError, match="size is -1"):
        torsh.zeros(4).unfold(0, -1, 1)


# ------------------------------------------------------------ shape ops

def test_flip_method_needs_dims_and_cartesian_prod_no_list():
    with pytest.raises(TypeError, match="dims"):
        torsh.zeros(2, 3).flip()
    with pytest.raises(TypeError, match="expected Tensor as element 0"):
        torsh.cartesian_prod([T([1]), T([2, 3])])


@pytest.mark.parametrize("dtype", [torsh.int8, torsh.int16, torsh.uint8, torsh.bool])
def test_repeat_interleave_wants_int32_or_int64_repeats(dtype):
    with pytest.raises(NotImplementedError, match="repeat_interleave"):
        torsh.repeat_interleave(T([1, 0, 1], dtype))
    with pytest.raises(NotImplementedError, match="repeat_interleave"):
        torsh.repeat_interleave(torsh.zeros(3), T([1, 0, 1], dtype))
    assert torsh.repeat_interleave(T([2, 0, 1], torsh.int32)).tolist() == [0, 0, 2]


# ------------------------------------------------------------ scalars written into tensors

@pytest.mark.parametrize("dtype,value", [
    (torsh.int8, 300), (torsh.int8, 127.5), (torsh.int8, float("nan")), (torsh.uint8, -1.5),
    (torsh.uint8, 255.5), (torsh.uint8, -256), (torsh.int32, 1e10), (torsh.float16, 1e5),
    (torsh.float32, 1e39), (torsh.bfloat16, 1e39)])
def test_overflowing_fill_values_raise(dtype, value):
    mask = T([True, False])
    for fill in (lambda x: x.fill_(value), lambda x: x.masked_fill(mask, value),
                 lambda x: x.index_fill(0, T([0]), value),
                 lambda x: x.scatter(0, T([0]), value)):
        with pytest.raises(RuntimeError, match="without overflow"):
            fill(torsh.zeros(2, dtype=dtype))


@pytest.mark.parametrize("dtype,value,stored", [
    (torsh.uint8, -1, 255), (torsh.uint8, -255, 1), (torsh.int8, -1.5, -1),
    (torsh.float16, float("inf"), math.inf), (torsh.bool, 1e39, True),
    (torsh.int16, 300, 300)])
def test_fill_values_in_range_are_stored(dtype, value, stored):
    assert torsh.zeros(2, dtype=dtype).fill_(value).tolist() == [stored, stored]
    assert torsh.zeros(2, dtype=dtype).masked_fill(T([True, False]), value).tolist()[0] == \
        stored


def test_setitem_checks_except_for_half_types():
    x = torsh.zeros(3, dtype=torsh.int8)
    with pytest.raises(RuntimeError, match="without overflow"):
        x[T([0])] = 300
    with pytest.raises(RuntimeError, match="without overflow"):
        x[1] = float("nan")
    h = torsh.zeros(3, dtype=torsh.float16)
    h[T([True, False, True])] = 1e6
    assert h.tolist() == [math.inf, 0.0, math.inf]


def test_fill_with_a_tensor_casts_unchecked():
    assert torsh.zeros(2, dtype=torsh.int8).fill_(T(300.5, torsh.float64)).tolist() == [44, 44]
    with pytest.raises(RuntimeError, match="without overflow"):
        torsh.zeros(2, dtype=torsh.int8).masked_fill(T([True, False]), T(128.5))


# ------------------------------------------------------------ index forms

def test_short_lists_holding_sequences_are_tuples():
    x = torsh.arange(12.0).reshape(3, 4)
    assert x[[[0, 2]]].shape == (2, 4)
    assert x[[[0], [2]]].tolist() == [2.0]
    assert x[[slice(1, None), 0]].tolist() == [4.0, 8.0]
    assert x[[0, 2]].shape == (2, 4)
    assert x[[]].shape == (0, 4)


def test_index_tensor_dtypes():
    x = torsh.arange(6).reshape(2, 3)
    for bad in (torsh.int8, torsh.int16):
        with pytest.raises(IndexError, match="tensors used as indices"):
            x[T([1, 0], bad)]
    assert x[T([1, 0], torsh.int32)].tolist() == [[3, 4, 5], [0, 1, 2]]
    assert x[T([1, 0], torsh.uint8)].tolist() == [[0, 1, 2]]
    with pytest.raises(TypeError):
        x["a"]
    with pytest.raises(IndexError, match="single ellipsis"):
        x[..., 0, ...]


def test_index_put_arguments():
    x = torsh.zeros(3, 4)
    with pytest.raises(TypeError, match="element 0"):
        x.index_put((None, T([1, 2])), T(1.0))
    with pytest.raises(RuntimeError, match="dtypes match"):
        x.index_put((T([0]),), T([1.0], torsh.float64))
    with pytest.raises(RuntimeError, match="at least one index"):
        x.index_put((), T(1.0))
    assert x.index_put([T([1]), T([2])], T(5.0)).sum().item() == 5.0


def test_gather_counts_zero_dim_as_one_dim():
    assert torsh.gather(torsh.arange(3.0), 0, T(1)).tolist() == 1.0
    assert torsh.gather(T(5.0), 0, T([0, 0])).tolist() == [5.0, 5.0]
    x = f64(3).requires_grad_(True)
    assert gradcheck(lambda t: torsh.gather(t, 0, T(2)), (x,))


def test_index_add_zero_dim_self_wants_zero_dim_source():
    with pytest.raises(RuntimeError, match="source tensor shape"):
        torsh.index_add(T(1.0), 0, T([0]), T([2.0]))
    assert torsh.index_add(T(1.0), 0, T([0]), T(2.0)).tolist() == 3.0


def test_scatter_reduce_mean_rejects_bool():
    with pytest.raises(NotImplementedError, match="mean"):
        torsh.scatter_reduce(torsh.ones(3, dtype=torsh.bool), 0, T([0]), T([True]), "mean")
