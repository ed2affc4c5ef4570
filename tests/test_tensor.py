"""The Tensor object: creation, conversion to Python and numpy, printing, casts, devices."""
import copy
import math
import pickle

import numpy as np
import pytest

import torsh


def test_dtype_inference():
    assert torsh.tensor([1, 2]).dtype is torsh.int64
    assert torsh.tensor([1, 2.5]).dtype is torsh.float32
    assert torsh.tensor([True, False]).dtype is torsh.bool
    assert torsh.tensor([[1, 2], [3, 4]], dtype=torsh.float16).dtype is torsh.float16
    assert torsh.tensor(np.zeros(2, dtype=np.float64)).dtype is torsh.float64
    assert torsh.tensor([]).shape == (0,) and torsh.tensor([]).dtype is torsh.float32


def test_ragged_data_is_rejected():
    with pytest.raises(ValueError):
        torsh.tensor([[1, 2], [3]])


def test_from_numpy_shares_memory_both_ways():
    array = np.arange(6, dtype=np.float32).reshape(2, 3)
    t = torsh.from_numpy(array)
    array[0, 0] = 10
    t[1, 2] = -1
    assert t[0, 0].item() == 10 and array[1, 2] == -1
    strided = torsh.from_numpy(array[:, ::2])
    assert strided.tolist() == [[10, 2], [3, -1]] and strided.stride() == (3, 2)
    assert np.shares_memory(t.numpy(), array)
    with pytest.raises(ValueError, match="negative"):
        torsh.from_numpy(array[:, ::-1])


def test_numpy_refuses_tensors_that_require_grad():
    with pytest.raises(RuntimeError, match="requires grad"):
        torsh.ones(2, requires_grad=True).numpy()


def test_creation_functions():
    assert torsh.zeros(2, 3).tolist() == [[0.0] * 3] * 2
    assert torsh.ones((2,), dtype=torsh.int8).tolist() == [1, 1]
    assert torsh.full((2, 2), 7).dtype is torsh.int64
    assert torsh.full((1,), 2.5).tolist() == [2.5]
    assert torsh.arange(5).tolist() == [0, 1, 2, 3, 4]
    assert torsh.arange(1, 2, 0.25).tolist() == [1.0, 1.25, 1.5, 1.75]
    assert torsh.arange(5, 0, -2).tolist() == [5, 3, 1]
    assert torsh.linspace(0, 1, 5).tolist() == [0.0, 0.25, 0.5, 0.75, 1.0]
    assert torsh.logspace(0, 2, 3).tolist() == [1.0, 10.0, 100.0]
    assert torsh.eye(2, 3).tolist() == [[1, 0, 0], [0, 1, 0]]
    x = torsh.ones(2, dtype=torsh.float64)
    assert torsh.zeros_like(x).dtype is torsh.float64
    assert x.new_zeros(3).dtype is torsh.float64 and x.new_full((1,), 4).tolist() == [4.0]
    assert torsh.empty(3).shape == (3,)
    with pytest.raises(RuntimeError, match="negative dimension"):
        torsh.zeros(2, -1)
    with pytest.raises(RuntimeError, match="step must be nonzero"):
        torsh.arange(0, 1, 0)


def test_python_conversions():
    t = torsh.tensor([[1.5, 2.0]])
    assert t.tolist() == [[1.5, 2.0]] and len(t) == 1
    assert float(torsh.tensor(2.5)) == 2.5 and int(torsh.tensor(3)) == 3
    assert [row.tolist() for row in torsh.tensor([[1, 2], [3, 4]])] == [[1, 2], [3, 4]]
    assert torsh.tensor([1, 2, 3])[torsh.tensor(1)].item() == 2
    assert list(range(5))[torsh.tensor(2)] == 2
    assert bool(torsh.tensor([0.0])) is False
    with pytest.raises(RuntimeError, match="ambiguous"):
        bool(torsh.tensor([1, 2]))
    with pytest.raises(TypeError):
        len(torsh.tensor(1.0))
    with pytest.raises(RuntimeError, match="cannot be converted"):
        torsh.ones(2).item()
    assert hash(t) == id(t) and t in {t}
    assert 2.0 in t


def test_casts_round_once_and_wrap():
    x = torsh.tensor([-1.7, 2.5, 300.0, float("nan")])
    assert x.int().tolist()[:3] == [-1, 2, 300]
    assert torsh.tensor([-1.0, 256.0, 300.0]).byte().tolist() == [255, 0, 44]
    assert torsh.tensor([0.0, -0.0, float("nan"), 2.0]).bool().tolist() == [False, False,
                                                                           True, True]
    assert torsh.tensor([1 / 3]).half().item() == np.float16(1 / 3)
    assert torsh.tensor([1 / 3], dtype=torsh.float64).bfloat16().item() == 0.333984375
    assert torsh.tensor([True]).float().tolist() == [1.0]
    y = torsh.tensor([1.0])
    assert y.float() is y and y.to(torsh.float32) is y
    assert y.to(torsh.float32, copy=True) is not y
    assert torsh.tensor([1, 2]).double().dtype is torsh.float64
    assert y.type() == "torsh.FloatTensor"


def test_devices():
    x = torsh.ones(2)
    assert x.device == torsh.device("cpu") and x.device.type == "cpu"
    assert x.cpu() is x and x.to("cpu") is x
    assert repr(torsh.device("cuda:1")) == "device(type='cuda', index=1)"
    with pytest.raises(RuntimeError, match="no backend for device cuda"):
        x.to("cuda")
    with pytest.raises(RuntimeError):
        torsh.device("tpu")


def test_repr_like_pytorch():
    assert repr(torsh.tensor([1.5, 2.25, -3.0])) == "tensor([ 1.5000,  2.2500, -3.0000])"
    assert repr(torsh.tensor([1e-5, 1.0])) == "tensor([1.0000e-05, 1.0000e+00])"
    assert repr(torsh.tensor([[1, 2], [3, 4]], dtype=torsh.int32)) == (
        "tensor([[1, 2],\n        [3, 4]], dtype=torsh.int32)")
    assert repr(torsh.tensor([])) == "tensor([])"
    assert repr(torsh.zeros(0, 3)) == "tensor([], size=(0, 3))"
    assert repr(torsh.tensor(3.5)) == "tensor(3.5000)"
    assert repr(torsh.tensor([True, False])) == "tensor([ True, False])"
    assert repr(torsh.tensor([1.0, 2.0], requires_grad=True)) == (
        "tensor([1., 2.], requires_grad=True)")
    assert repr(torsh.tensor([1.0, math.nan, math.inf])) == "tensor([1., nan, inf])"
    x = torsh.tensor([1.0], requires_grad=True)
    assert repr(x * 2) == "tensor([2.], grad_fn=<MulBackward0>)"
    assert "..." in repr(torsh.arange(2000.0))


def test_pickle_and_deepcopy():
    x = torsh.tensor([[1.0, 2.0]], requires_grad=True)
    y = pickle.loads(pickle.dumps(x))
    assert y.tolist() == x.tolist() and y.requires_grad
    z = copy.deepcopy(x)
    assert z.tolist() == x.tolist() and z.untyped_storage() is not x.untyped_storage()


def test_geometry_accessors():
    x = torsh.zeros(2, 3, 4)
    assert x.shape == torsh.Size([2, 3, 4]) and x.size(-1) == 4 and x.dim() == 3
    assert x.numel() == 24 and x.element_size() == 4 and x.nbytes == 96
    assert repr(x.shape) == "torsh.Size([2, 3, 4])"
    assert x[1].data_ptr() == x.data_ptr() + 12 * 4


def test_inplace_dtype_rules():
    i = torsh.tensor([1, 2])
    with pytest.raises(RuntimeError, match="can't be cast"):
        i.add_(1.5)
    f = torsh.tensor([1.0, 2.0])
    f.add_(torsh.tensor([1, 1]))
    assert f.tolist() == [2.0, 3.0]
    f.copy_(torsh.tensor([7, 8]))
    assert f.tolist() == [7.0, 8.0]
    i.copy_(torsh.tensor([1.9, -1.9]))
    assert i.tolist() == [1, -1]
    with pytest.raises(RuntimeError, match="leaf Variable"):
        torsh.ones(2, requires_grad=True).mul_(2)
    with pytest.raises(RuntimeError, match="doesn't match the broadcast shape"):
        torsh.ones(3).add_(torsh.ones(2, 3))
    with pytest.raises(RuntimeError, match="single memory location"):
        torsh.ones(1).expand(3).add_(1)
