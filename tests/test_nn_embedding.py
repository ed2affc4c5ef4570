"""embedding and embedding_bag (functional ops and the Embedding / EmbeddingBag layers):
hand-computed lookups and reductions, gradients into the weight rows, padding_idx, max_norm's
in-place renormalisation, scale_grad_by_freq, per_sample_weights, errors, reprs."""
import math

import pytest

import torsh
import torsh.nn as nn
import torsh.nn.functional as F
from torsh.autograd.gradcheck import gradcheck, gradgradcheck

from checks import f64, same

F64 = torsh.float64
nan = math.nan
TABLE = [[1.0, 5.0], [3.0, 2.0], [3.0, 5.0], [nan, 0.0]]


def idx(values, dtype=torsh.int64):
    return torsh.tensor(values, dtype=dtype)


def grads_ok(fn, *inputs):
    assert gradcheck(fn, inputs)
    out = fn(*inputs)
    cotangent = torsh.ones(tuple(out.shape), dtype=F64).requires_grad_()
    assert gradgradcheck(fn, inputs, (cotangent,))


# ------------------------------------------------------------ embedding

def test_embedding_lookup():
    weight = f64([[0.0, 1.0], [2.0, 3.0], [4.0, 5.0]], grad=False)
    out = F.embedding(idx([[2, 0], [1, 1]]), weight)
    assert out.tolist() == [[[4.0, 5.0], [0.0, 1.0]], [[2.0, 3.0], [2.0, 3.0]]]
    assert F.embedding(idx(1), weight).tolist() == [2.0, 3.0]
    assert F.embedding(idx([2, 0], torsh.int32), weight).tolist() == [[4.0, 5.0], [0.0, 1.0]]
    assert tuple(F.embedding(idx([[], []]), weight).shape) == (2, 0, 2)
    assert F.embedding(idx([1]), weight.t().contiguous().t()).tolist() == [[2.0, 3.0]]
    ints = torsh.tensor([[1, 2], [3, 4]])
    assert F.embedding(idx([1, 0]), ints).tolist() == [[3, 4], [1, 2]]


def test_embedding_gradient_adds_rows():
    weight = f64([[3.0, 4.0], [1.0, 0.0], [0.0, 2.0]])
    out = F.embedding(idx([[0, 2], [0, 1]]), weight)
    out.backward(torsh.ones(2, 2, 2, dtype=F64))
    assert weight.grad.tolist() == [[2.0, 2.0], [1.0, 1.0], [1.0, 1.0]]
    grads_ok(lambda w: F.embedding(idx([[0, 2], [0, 1]]), w), f64([[3.0, 4.0], [1.0, 0.0],
                                                                   [0.0, 2.0]]))


def test_embedding_padding_idx_and_freq():
    weight = f64([[3.0, 4.0], [1.0, 0.0], [0.0, 2.0]])
    out = F.embedding(idx([[0, 2], [0, 1]]), weight, padding_idx=0, scale_grad_by_freq=True)
    out.backward(torsh.ones(2, 2, 2, dtype=F64))
    assert weight.grad.tolist() == [[0.0, 0.0], [1.0, 1.0], [1.0, 1.0]]
    weight.grad = None
    F.embedding(idx([0, 0, 2, 0]), weight, scale_grad_by_freq=True).sum().backward()
    assert weight.grad.tolist() == [[1.0, 1.0], [0.0, 0.0], [1.0, 1.0]]
    weight.grad = None
    F.embedding(idx([2, 1, 2]), weight, padding_idx=-1).sum().backward()
    assert weight.grad.tolist() == [[0.0, 0.0], [1.0, 1.0], [0.0, 0.0]]
    # (padding_idx and scale_grad_by_freq deliberately alter the true gradient: their
    # double backward is checked on the row gradient, which is linear in the cotangent)
    weight = f64([[3.0, 4.0], [1.0, 0.5], [0.0, 2.0]])
    g = f64([[1.0, 2.0], [0.5, -1.0], [3.0, 0.0], [2.0, 2.0]])

    def row_grad(w, g):
        out = F.embedding(idx([1, 1, 0, 2]), w * w, padding_idx=2, scale_grad_by_freq=True)
        return torsh.autograd.grad(out, w, g, create_graph=True)[0]
    assert row_grad(weight, g).tolist() == [[18.0, 0.0], [1.5, 0.5], [0.0, 0.0]]
    assert gradcheck(row_grad, (weight, g))


def test_embedding_max_norm_renorms_weight_in_place():
    weight = f64([[3.0, 4.0], [1.0, 0.0], [0.0, 2.0]], grad=False)
    out = F.embedding(idx([0, 0, 1]), weight, max_norm=1.0)
    assert out.reshape(-1).tolist() == pytest.approx([0.6, 0.8, 0.6, 0.8, 1.0, 0.0])
    # row 0 (norm 5) scaled by 1 / (5 + 1e-7); row 1 (norm 1) and unused row 2 unchanged
    assert weight.tolist()[0] == pytest.approx([3 / (5 + 1e-7), 4 / (5 + 1e-7)], rel=1e-14)
    assert weight.tolist()[1:] == [[1.0, 0.0], [0.0, 2.0]]
    other = f64([[3.0, 4.0], [1.0, 0.0], [0.0, 2.0]], grad=False)
    F.embedding(idx([0, 2]), other, max_norm=1.0, norm_type=1)
    assert other.tolist()[0] == pytest.approx([3 / 7, 4 / 7])
    assert other.tolist()[2] == pytest.approx([0.0, 1.0])
    leaf = f64([[3.0, 4.0], [1.0, 0.0]])       # a leaf that requires grad is renormed too
    F.embedding(idx([0]), leaf, max_norm=2.0).sum().backward()
    assert leaf.tolist()[0] == pytest.approx([1.2, 1.6]) and leaf.grad.tolist()[0] == [1.0, 1.0]


def test_embedding_errors():
    weight = torsh.randn(3, 2)
    with pytest.raises(IndexError, match="embedding.*index out of range"):
        F.embedding(idx([3]), weight)
    with pytest.raises(IndexError, match="embedding.*index out of range"):
        F.embedding(idx([-1]), weight)
    with pytest.raises(RuntimeError, match="embedding.*Long, Int"):
        F.embedding(torsh.tensor([1.0]), weight)
    with pytest.raises(RuntimeError, match="embedding.*2-D"):
        F.embedding(idx([1]), torsh.randn(3))
    with pytest.raises(AssertionError, match="Padding_idx"):
        F.embedding(idx([1]), weight, padding_idx=3)


# ------------------------------------------------------------ embedding_bag

OFFSETS = [0, 3, 3]
INDICES = [0, 1, 2, 1, 3, 0]


def test_embedding_bag_modes():
    weight = f64(TABLE, grad=False)
    bag = lambda **kw: F.embedding_bag(idx(INDICES), weight, idx(OFFSETS), **kw).tolist()
    assert same(bag(mode="sum"), [[7.0, 12.0], [0.0, 0.0], [nan, 7.0]])
    got = bag()                                            # mean is the default
    assert got[0] == pytest.approx([7 / 3, 4.0]) and got[1] == [0.0, 0.0]
    assert got[2][0] != got[2][0] and got[2][1] == pytest.approx(7 / 3)
    assert bag(mode="max") == [[3.0, 5.0], [0.0, 0.0], [3.0, 5.0]]   # NaN never wins
    padded = bag(mode="mean", padding_idx=1)                # not counted in the mean
    assert padded[0] == [2.0, 5.0] and padded[2][1] == 2.5
    assert bag(mode="max", padding_idx=0)[2] == [3.0, 2.0]


def test_embedding_bag_2d_input_and_last_offset():
    weight = f64(TABLE[:3], grad=False)
    out = F.embedding_bag(idx([[0, 1], [2, 2]]), weight, mode="sum")
    assert out.tolist() == [[4.0, 7.0], [6.0, 10.0]]
    last = F.embedding_bag(idx([0, 1, 2]), weight, idx([0, 2, 3]), mode="sum",
                           include_last_offset=True)
    assert last.tolist() == [[4.0, 7.0], [3.0, 5.0]]
    assert tuple(F.embedding_bag(idx([0, 1]), weight, idx([], torsh.int64)).shape) == (0, 2)
    assert F.embedding_bag(idx([], torsh.int64), weight, idx([0, 0])).tolist() == \
        [[0.0, 0.0], [0.0, 0.0]]
    assert F.embedding_bag(idx([0, 2], torsh.int32), weight, idx([0], torsh.int32),
                           mode="max").tolist() == [[3.0, 5.0]]


def test_embedding_bag_per_sample_weights():
    weight = f64(TABLE[:3])
    psw = f64([1.0, 2.0, 3.0, 4.0])
    out = F.embedding_bag(idx([0, 1, 2, 1]), weight, idx([0, 2]), mode="sum",
                          per_sample_weights=psw, padding_idx=2)
    assert out.tolist() == [[7.0, 9.0], [12.0, 8.0]]
    out.sum().backward()
    assert weight.grad.tolist() == [[1.0, 1.0], [6.0, 6.0], [0.0, 0.0]]
    assert psw.grad.tolist() == [6.0, 5.0, 0.0, 5.0]


def test_embedding_bag_gradients():
    weight = f64(TABLE[:3])
    for mode in ("sum", "mean", "max"):
        weight.grad = None
        out = F.embedding_bag(idx([0, 1, 2, 1, 0]), weight, idx([0, 3, 3]), mode=mode)
        out.backward(torsh.arange(6.0, dtype=F64).reshape(3, 2))
        expected = {"sum": [[4.0, 6.0], [4.0, 6.0], [0.0, 1.0]],
                    "mean": [[2.0, 17 / 6], [2.0, 17 / 6], [0.0, 1 / 3]],
                    "max": [[0.0, 6.0], [4.0, 0.0], [0.0, 0.0]]}[mode]
        for got, want in zip(weight.grad.tolist(), expected):
            assert got == pytest.approx(want)
    table = f64([[0.3, -1.0], [2.0, 0.5], [-0.7, 1.5]])
    for mode in ("sum", "mean", "max"):
        grads_ok(lambda w: F.embedding_bag(idx([0, 1, 2, 1, 0]), w, idx([0, 3, 3]), mode=mode,
                                           padding_idx=None if mode == "max" else 2), table)
    grads_ok(lambda w, p: F.embedding_bag(idx([0, 2, 1]), w, idx([0, 1]), mode="sum",
                                          per_sample_weights=p), table, f64([0.5, -1.0, 2.0]))
    weight.grad = None
    F.embedding_bag(idx([[0, 1], [1, 1]]), weight, mode="mean",
                    scale_grad_by_freq=True).sum().backward()
    # row 1 appears 3 times: each of its mean shares (1/2) is divided by 3
    assert weight.grad.tolist() == [[0.5, 0.5], [0.5, 0.5], [0.0, 0.0]]


def test_embedding_bag_errors():
    weight = torsh.randn(4, 2)
    with pytest.raises(RuntimeError, match="embedding_bag: offsets\\[0\\] has to be 0"):
        F.embedding_bag(idx(INDICES), weight, idx([1, 3]))
    with pytest.raises(RuntimeError, match="embedding_bag: offsets\\[-1\\] can not be greater"):
        F.embedding_bag(idx(INDICES), weight, idx([0, 7]))
    with pytest.raises(RuntimeError, match="embedding_bag: Index 1 of input takes value 5"):
        F.embedding_bag(idx([0, 5]), weight, idx([0]))
    with pytest.raises(ValueError, match="offsets has to be a 1D Tensor but got None"):
        F.embedding_bag(idx(INDICES), weight)
    with pytest.raises(ValueError, match="if input is 2D, then offsets has to be None"):
        F.embedding_bag(idx([[0, 1]]), weight, idx([0]))
    with pytest.raises(ValueError, match="mode has to be one of sum, mean or max"):
        F.embedding_bag(idx(INDICES), weight, idx(OFFSETS), mode="median")
    with pytest.raises(ValueError, match="max mode does not support scaling"):
        F.embedding_bag(idx(INDICES), weight, idx(OFFSETS), mode="max",
                        scale_grad_by_freq=True)
    with pytest.raises(NotImplementedError, match="embedding_bag: per_sample_weights"):
        F.embedding_bag(idx(INDICES), weight, idx(OFFSETS), per_sample_weights=torsh.ones(6))
    with pytest.raises(ValueError, match="embedding_bag: If per_sample_weights"):
        F.embedding_bag(idx(INDICES), weight, idx(OFFSETS), mode="sum",
                        per_sample_weights=torsh.ones(5))
    with pytest.raises(RuntimeError, match="embedding_bag: padding_idx must be within"):
        F.embedding_bag(idx(INDICES), weight, idx(OFFSETS), padding_idx=4)
    with pytest.raises(RuntimeError, match="embedding_bag.*'weight'.*Half"):
        F.embedding_bag(idx(INDICES), torsh.ones(4, 2, dtype=torsh.int64), idx(OFFSETS))
    with pytest.raises(RuntimeError, match="embedding_bag.*'indices'.*Long, Int"):
        F.embedding_bag(torsh.tensor([0.0]), weight, idx([0]))


def test_embedding_bag_max_norm():
    weight = f64([[3.0, 4.0], [1.0, 0.0], [0.0, 2.0]], grad=False)
    out = F.embedding_bag(idx([0, 1]), weight, idx([0]), mode="sum", max_norm=1.0)
    assert out.tolist()[0] == pytest.approx([1.6, 0.8])
    assert weight.tolist()[2] == [0.0, 2.0]


# ------------------------------------------------------------ layers

def test_embedding_layer():
    torsh.manual_seed(0)
    layer = nn.Embedding(5, 3, padding_idx=1)
    assert repr(layer) == "Embedding(5, 3, padding_idx=1)"
    assert list(layer.state_dict()) == ["weight"] and tuple(layer.weight.shape) == (5, 3)
    assert layer.weight.tolist()[1] == [0.0, 0.0, 0.0]
    out = layer(idx([[1, 4], [0, 1]]))
    assert tuple(out.shape) == (2, 2, 3)
    out.sum().backward()
    assert layer.weight.grad.tolist()[1] == [0.0, 0.0, 0.0]
    assert layer.weight.grad.tolist()[4] == [1.0, 1.0, 1.0]
    assert nn.Embedding(4, 2, padding_idx=-1).padding_idx == 3
    text = repr(nn.Embedding(4, 3, padding_idx=1, max_norm=1.0, norm_type=1.0,
                             scale_grad_by_freq=True))
    assert text == ("Embedding(4, 3, padding_idx=1, max_norm=1.0, norm_type=1.0, "
                    "scale_grad_by_freq=True)")
    with pytest.raises(AssertionError, match="Padding_idx must be within num_embeddings"):
        nn.Embedding(4, 2, padding_idx=4)


def test_embedding_from_pretrained():
    table = torsh.tensor([[1.0, 2.0], [3.0, 4.0]])
    frozen = nn.Embedding.from_pretrained(table)
    assert not frozen.weight.requires_grad and frozen(idx([1])).tolist() == [[3.0, 4.0]]
    trainable = nn.Embedding.from_pretrained(table, freeze=False, padding_idx=0)
    assert trainable.weight.requires_grad and trainable.weight.tolist()[0] == [1.0, 2.0]
    with pytest.raises(AssertionError, match="2-dimensional"):
        nn.Embedding.from_pretrained(torsh.ones(3))


def test_embedding_bag_layer():
    torsh.manual_seed(0)
    layer = nn.EmbeddingBag(4, 3)
    assert repr(layer) == "EmbeddingBag(4, 3, mode='mean')"
    assert list(layer.state_dict()) == ["weight"]
    out = layer(idx([0, 1, 2, 3]), idx([0, 2]))
    assert tuple(out.shape) == (2, 3)
    summed = nn.EmbeddingBag(4, 3, mode="sum")
    assert tuple(summed(idx([[0, 1]]), per_sample_weights=torsh.ones(1, 2)).shape) == (1, 3)
    text = repr(nn.EmbeddingBag(4, 3, mode="max", padding_idx=0, max_norm=2.0))
    assert text == "EmbeddingBag(4, 3, max_norm=2.0, mode='max', padding_idx=0)"
    bag = nn.EmbeddingBag.from_pretrained(torsh.tensor([[1.0, 2.0], [3.0, 4.0]]), mode="sum")
    assert not bag.weight.requires_grad
    assert bag(idx([[0, 1], [1, 1]])).tolist() == [[4.0, 6.0], [6.0, 8.0]]
