"""Recurrent layers (nn.RNN, nn.LSTM, nn.GRU and their cells) and nn.utils.rnn packing.

Values marked "from PyTorch 2.13" were computed once with torch, float64, with the
deterministic weights of `_fill` and inputs of `_seq`; the rest are properties (cells against
layers, packed against one-by-one, batch_first against time-major) and float64 gradient checks.
"""
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import torsh
from torsh import nn
from torsh.autograd.gradcheck import gradcheck, gradgradcheck
from torsh.nn.utils import rnn as rnn_utils
from torsh.nn.utils.rnn import (PackedSequence, pack_padded_sequence, pack_sequence,
                                pad_packed_sequence, pad_sequence, unpack_sequence,
                                unpad_sequence)

F64 = torsh.float64


def _fill(module):
    """Parameter i, element j = 0.5 sin(1.3 j + 0.7 i) (the same in the torch script)."""
    with torsh.no_grad():
        for i, p in enumerate(module.parameters()):
            values = [0.5 * math.sin(1.3 * j + 0.7 * i) for j in range(p.numel())]
            p.copy_(torsh.tensor(values, dtype=p.dtype).reshape(p.shape))
    return module


def _seq(*shape):
    """Element j = cos(0.9 j), float64."""
    return torsh.tensor([math.cos(0.9 * j) for j in range(math.prod(shape))],
                        dtype=F64).reshape(shape)


def _close(t, expected, tol=1e-9):
    values = t.detach().reshape(-1).tolist()
    assert len(values) == len(expected), (values, expected)
    assert all(abs(a - b) <= tol for a, b in zip(values, expected)), (values, expected)


def _allclose(a, b, tol=1e-12):
    assert list(a.shape) == list(b.shape), (a.shape, b.shape)
    _close(a, b.detach().reshape(-1).tolist(), tol)


# ---------------------------------------------------------------- values from PyTorch

def test_lstm_bidirectional_proj_matches_pytorch():
    m = _fill(nn.LSTM(2, 3, bidirectional=True, proj_size=2).double())
    x = _seq(3, 1, 2).requires_grad_()
    out, (h, c) = m(x)
    assert out.shape == (3, 1, 4) and h.shape == (2, 1, 2) and c.shape == (2, 1, 3)
    (out.sum() + c.sum()).backward()
    _close(out, [0.105178836, -0.1830051954, 0.0309275907, -0.0949883714, 0.1918774892,
                 -0.1785664329, 0.1012727886, -0.0922424654, 0.2266976326, -0.2218615067,
                 0.1186049928, -0.0720773282])  # from PyTorch 2.13
    _close(h, [0.2266976326, -0.2218615067, 0.0309275907, -0.0949883714])
    _close(c, [0.0084593301, -0.9170453877, -0.2617465313, 0.1661201942, 0.6432683348,
               -0.1646043526])
    _close(x.grad, [-0.3188003794, 0.1262488105, -0.111727013, 0.1315531344, 0.0577203218,
                    -0.1859507211])


def test_gru_two_layers_matches_pytorch():
    m = _fill(nn.GRU(2, 2, num_layers=2).double())
    out, h = m(_seq(3, 2, 2))
    _close(out, [0.0298244812, -0.2318334425, 0.0377018482, -0.2374061036, 0.0753256219,
                 -0.4023016135, 0.0632386646, -0.396160448, 0.1157808473, -0.5186624643,
                 0.0735622294, -0.4733060565])  # from PyTorch 2.13
    _close(h, [0.2073248349, 0.5563389187, 0.4311648648, 0.18360876, 0.1157808473,
               -0.5186624643, 0.0735622294, -0.4733060565])


def test_rnn_relu_with_h0_matches_pytorch():
    m = _fill(nn.RNN(2, 2, nonlinearity="relu").double())
    out, h = m(_seq(2, 2, 2), _seq(1, 2, 2) * 0.5)
    _close(out, [1.5261697428, 0.0, 0.2466569719, 0.5718051323, 1.3143653103, 0.0,
                 1.7454613947, 0.0])  # from PyTorch 2.13
    _close(h, [1.3143653103, 0.0, 1.7454613947, 0.0])


def test_packed_unsorted_lstm_matches_pytorch():
    m = _fill(nn.LSTM(1, 2).double())
    packed = pack_padded_sequence(_seq(3, 3, 1), [1, 3, 2], enforce_sorted=False)
    out, (h, c) = m(packed)
    assert isinstance(out, PackedSequence) and out.batch_sizes.tolist() == [3, 2, 1]
    assert out.sorted_indices.tolist() == [1, 2, 0]
    _close(out.data, [0.1148804619, 0.1245216051, 0.1771975976, 0.0901639231, 0.058684456,
                      0.1409914991, 0.1794037552, 0.1172358157, 0.196176873, 0.1301070167,
                      0.1315032191, 0.1857254946])  # from PyTorch 2.13
    # h_n of each sequence at its own last step, in the original batch order
    _close(h, [0.058684456, 0.1409914991, 0.1315032191, 0.1857254946, 0.196176873,
               0.1301070167])


# ---------------------------------------------------------------- shapes and parameters

@pytest.mark.parametrize("mode", ["RNN", "LSTM", "GRU"])
@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("batch_first", [False, True])
def test_output_and_state_shapes(mode, bidirectional, batch_first):
    m = getattr(nn, mode)(3, 4, num_layers=2, bidirectional=bidirectional,
                          batch_first=batch_first)
    d = 2 if bidirectional else 1
    x = torsh.randn(2, 5, 3) if batch_first else torsh.randn(5, 2, 3)
    out, state = m(x)
    assert out.shape == ((2, 5, 4 * d) if batch_first else (5, 2, 4 * d))
    states = state if mode == "LSTM" else (state,)
    assert all(s.shape == (2 * d, 2, 4) for s in states)
    out, state = m(x[0])  # unbatched
    assert out.shape == (5 if batch_first else 2, 4 * d)
    assert all(s.shape == (2 * d, 4) for s in (state if mode == "LSTM" else (state,)))


def test_lstm_proj_size_shapes_and_parameters():
    m = nn.LSTM(3, 5, num_layers=2, proj_size=2, bidirectional=True)
    out, (h, c) = m(torsh.randn(4, 2, 3))
    assert out.shape == (4, 2, 4) and h.shape == (4, 2, 2) and c.shape == (4, 2, 5)
    shapes = {name: tuple(p.shape) for name, p in m.named_parameters()}
    assert shapes["weight_ih_l0"] == (20, 3) and shapes["weight_hh_l0"] == (20, 2)
    assert shapes["weight_hr_l0_reverse"] == (2, 5) and shapes["weight_ih_l1"] == (20, 4)


def test_state_dict_keys_follow_pytorch_order():
    m = nn.GRU(2, 3, num_layers=2, bidirectional=True)
    keys = list(m.state_dict())
    assert keys[:5] == ["weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0",
                        "weight_ih_l0_reverse"]
    assert len(keys) == 16 and keys[-1] == "bias_hh_l1_reverse"
    assert m._flat_weights_names == keys
    assert [len(group) for group in m.all_weights] == [4, 4, 4, 4]
    assert list(nn.RNN(2, 3, bias=False).state_dict()) == ["weight_ih_l0", "weight_hh_l0"]
    assert list(nn.LSTMCell(2, 3).state_dict()) == ["weight_ih", "weight_hh", "bias_ih",
                                                    "bias_hh"]
    assert nn.GRUCell(2, 3, bias=False).bias_ih is None


def test_init_bounds_and_dtype_conversion():
    torsh.manual_seed(0)
    m = nn.LSTM(3, 4, num_layers=2)
    for p in m.parameters():
        assert p.abs().max().item() <= 0.5 and p.requires_grad
    m.double()
    assert all(w.dtype == F64 for w in m._flat_weights)
    assert m._flat_weights[0] is m.weight_ih_l0
    cell = nn.GRUCell(2, 16, dtype=F64)
    assert cell.weight_hh.dtype == F64 and cell.weight_hh.abs().max().item() <= 0.25


def test_reprs_match_pytorch():
    assert repr(nn.LSTM(10, 20, num_layers=2, batch_first=True)) == \
        "LSTM(10, 20, num_layers=2, batch_first=True)"
    assert repr(nn.RNN(3, 4, nonlinearity="relu", bias=False, dropout=0.5, num_layers=2,
                       bidirectional=True)) == \
        "RNN(3, 4, num_layers=2, bias=False, dropout=0.5, bidirectional=True)"
    assert repr(nn.LSTM(10, 20, proj_size=5)) == "LSTM(10, 20, proj_size=5)"
    assert repr(nn.GRU(2, 3)) == "GRU(2, 3)"
    assert repr(nn.RNNCell(3, 4, nonlinearity="relu")) == "RNNCell(3, 4, nonlinearity=relu)"
    assert repr(nn.LSTMCell(3, 4, bias=False)) == "LSTMCell(3, 4, bias=False)"
    assert repr(nn.GRUCell(3, 4)) == "GRUCell(3, 4)"


def test_rnn_nonlinearity_positional_and_attribute():
    m = nn.RNN(3, 4, 2, "relu")
    assert m.nonlinearity == "relu" and m.mode == "RNN_RELU" and m.num_layers == 2


# ---------------------------------------------------------------- properties

@pytest.mark.parametrize("mode, cell", [("RNN", nn.RNNCell), ("LSTM", nn.LSTMCell),
                                        ("GRU", nn.GRUCell)])
def test_layer_equals_its_cell_looped(mode, cell):
    layer = getattr(nn, mode)(3, 2).double()
    step = cell(3, 2).double()
    step.load_state_dict({k[:-3]: v for k, v in layer.state_dict().items()})
    x = torsh.randn(4, 2, 3, dtype=F64)
    out, state = layer(x)
    s = None
    for t in range(4):
        s = step(x[t], s)
        _allclose(out[t], s[0] if mode == "LSTM" else s)
    _allclose(state[1][0] if mode == "LSTM" else state[0], s[1] if mode == "LSTM" else s)


def test_final_state_is_last_output_of_each_direction():
    m = nn.GRU(2, 3, num_layers=2, bidirectional=True).double()
    out, h = m(torsh.randn(4, 2, 2, dtype=F64))
    _allclose(h[2], out[-1, :, :3])  # last layer, forward: its last step
    _allclose(h[3], out[0, :, 3:])   # last layer, reverse: its first step


def test_batch_first_and_unbatched_agree_with_time_major():
    m = nn.LSTM(2, 3, bidirectional=True).double()
    x = torsh.randn(4, 2, 2, dtype=F64)
    out, (h, c) = m(x)
    m.batch_first = True
    out_bf, (h_bf, c_bf) = m(x.transpose(0, 1))
    _allclose(out_bf.transpose(0, 1), out)
    _allclose(h_bf, h)
    m.batch_first = False
    out1, (h1, c1) = m(x[:, 1])
    _allclose(out1, out[:, 1])
    _allclose(c1, c[:, 1])


@pytest.mark.parametrize("mode", ["RNN", "LSTM", "GRU"])
def test_packed_batch_equals_sequences_one_by_one(mode):
    m = getattr(nn, mode)(2, 3, num_layers=2, bidirectional=True).double()
    seqs = [torsh.randn(n, 2, dtype=F64) for n in (2, 4, 1)]
    out, state = m(pack_sequence(seqs, enforce_sorted=False))
    h_n = state[0] if mode == "LSTM" else state
    for i, (seq, padded) in enumerate(zip(seqs, unpack_sequence(out))):
        alone, alone_state = m(seq)
        _allclose(padded, alone)
        _allclose(h_n[:, i], alone_state[0] if mode == "LSTM" else alone_state)


def test_packed_with_initial_state_follows_original_order():
    m = nn.LSTM(1, 2).double()
    seqs = [torsh.randn(n, 1, dtype=F64) for n in (1, 3)]
    h0, c0 = torsh.randn(1, 2, 2, dtype=F64), torsh.randn(1, 2, 2, dtype=F64)
    out, (h, c) = m(pack_sequence(seqs, enforce_sorted=False), (h0, c0))
    for i, seq in enumerate(seqs):
        _, (h_i, c_i) = m(seq, (h0[:, i], c0[:, i]))
        _allclose(h[:, i], h_i)
        _allclose(c[:, i], c_i)


def test_dropout_only_between_layers_and_in_training():
    torsh.manual_seed(0)
    m = nn.GRU(2, 3, num_layers=2, dropout=0.5).double()
    x = torsh.randn(3, 2, 2, dtype=F64)
    m.eval()
    first, _ = m(x)
    _allclose(m(x)[0], first)
    m.train()
    assert any(not torsh.equal(m(x)[0], first) for _ in range(3))
    m.dropout = 1.0  # layer 2 then sees zeros: its output ignores x
    _allclose(m(x)[0], m(torsh.randn(3, 2, 2, dtype=F64))[0])
    with pytest.warns(UserWarning, match="num_layers greater than 1"):
        nn.LSTM(2, 3, dropout=0.5)


def test_gradients_reach_every_parameter_and_h0():
    m = nn.LSTM(2, 3, num_layers=2, bidirectional=True, proj_size=1)
    h0 = torsh.zeros(4, 2, 1, requires_grad=True)
    c0 = torsh.zeros(4, 2, 3, requires_grad=True)
    out, (h, c) = m(torsh.randn(3, 2, 2), (h0, c0))
    (out.sum() + h.sum() + c.sum()).backward()
    assert all(p.grad is not None and p.grad.shape == p.shape for p in m.parameters())
    assert h0.grad.shape == h0.shape and c0.grad.shape == c0.shape


# ---------------------------------------------------------------- gradient checks (float64)

@pytest.mark.parametrize("mode, kwargs", [("RNN", {"nonlinearity": "tanh"}),
                                          ("LSTM", {"proj_size": 1}),
                                          ("GRU", {"bidirectional": True})])
def test_layer_gradcheck(mode, kwargs):
    torsh.manual_seed(1)
    m = getattr(nn, mode)(2, 2, **kwargs).double()
    x = torsh.randn(2, 1, 2, dtype=F64, requires_grad=True)
    assert gradcheck(lambda inp: m(inp)[0], (x,))
    out = m(x)[0]
    assert gradgradcheck(lambda inp: m(inp)[0], (x,),
                         (torsh.randn(*out.shape, dtype=F64, requires_grad=True),))


def test_lstm_gradcheck_wrt_initial_state_and_packed_input():
    torsh.manual_seed(2)
    m = nn.LSTM(1, 2).double()
    x = torsh.randn(2, 2, 1, dtype=F64, requires_grad=True)
    h0 = torsh.randn(1, 2, 2, dtype=F64, requires_grad=True)

    def f(inp, h):
        out, (h_n, c_n) = m(pack_padded_sequence(inp, [2, 1]), (h, torsh.zeros_like(h)))
        return out.data, h_n, c_n
    assert gradcheck(f, (x, h0))


@pytest.mark.parametrize("cell", [nn.RNNCell, nn.LSTMCell, nn.GRUCell])
def test_cell_gradcheck_and_gradgradcheck(cell):
    torsh.manual_seed(3)
    c = cell(2, 2).double()
    x = torsh.randn(1, 2, dtype=F64, requires_grad=True)
    h = torsh.randn(1, 2, dtype=F64, requires_grad=True)
    if cell is nn.LSTMCell:
        def f(inp, state):
            return c(inp, (state, state * 0.5))
    else:
        def f(inp, state):
            return c(inp, state)
    assert gradcheck(f, (x, h))
    outs = f(x, h)
    outs = outs if isinstance(outs, tuple) else (outs,)
    grads = tuple(torsh.randn(*o.shape, dtype=F64, requires_grad=True) for o in outs)
    assert gradgradcheck(f, (x, h), grads)


def test_cell_parameter_gradcheck():
    torsh.manual_seed(4)
    c = nn.GRUCell(2, 2).double()
    x = torsh.randn(2, 2, dtype=F64)
    w = c.weight_hh.detach().clone().requires_grad_()

    def f(weight_hh):
        from torsh.nn.modules.rnn import _gru_step
        gi = nn.functional.linear(x, c.weight_ih, c.bias_ih)
        return _gru_step(gi, (torsh.tanh(x),), weight_hh, c.bias_hh)[0]
    assert gradcheck(f, (w,))


# ---------------------------------------------------------------- cells

def test_cells_unbatched_and_default_state():
    c = nn.LSTMCell(3, 2)
    h, cs = c(torsh.randn(3))
    assert h.shape == (2,) and cs.shape == (2,)
    h, cs = c(torsh.randn(4, 3))
    assert h.shape == (4, 2)
    assert nn.GRUCell(3, 2)(torsh.randn(3), torsh.zeros(2)).shape == (2,)
    r = nn.RNNCell(3, 2, nonlinearity="relu", bias=False)
    assert (r(torsh.randn(5, 3)) >= 0).all().item()
    x = torsh.randn(1, 3)
    _allclose(r(x), torsh.relu(x @ r.weight_ih.t()))


# ---------------------------------------------------------------- errors

def test_constructor_errors():
    with pytest.raises(ValueError, match="proj_size argument is only supported for LSTM"):
        nn.GRU(3, 4, proj_size=2)
    with pytest.raises(ValueError, match="proj_size has to be smaller than hidden_size"):
        nn.LSTM(3, 4, proj_size=4)
    with pytest.raises(ValueError, match="Unknown nonlinearity 'sigmoid'"):
        nn.RNN(3, 4, nonlinearity="sigmoid")
    with pytest.raises(ValueError, match="dropout should be a number in range"):
        nn.LSTM(3, 4, dropout=1.5)
    with pytest.raises(ValueError, match="hidden_size must be greater than zero"):
        nn.LSTM(3, 0)
    with pytest.raises(TypeError, match="input_size should be of type int"):
        nn.LSTM(3.0, 2)
    with pytest.raises(ValueError, match="num_layers must be greater than zero"):
        nn.GRU(3, 2, num_layers=0)
    with pytest.raises(TypeError, match="bias should be of type bool"):
        nn.RNN(3, 2, bias=1)


def test_forward_errors():
    m = nn.LSTM(3, 4, num_layers=2)
    with pytest.raises(ValueError, match="LSTM: Expected input to be 2D or 3D, got 1D"):
        m(torsh.randn(3))
    with pytest.raises(RuntimeError, match=r"input.size\(-1\) must be equal to input_size"):
        m(torsh.randn(2, 3, 5))
    with pytest.raises(ValueError, match="does not match weight dtype"):
        m(torsh.randn(2, 3, 3, dtype=F64))
    with pytest.raises(RuntimeError, match="hx and cx should also be 3-D but got"):
        m(torsh.randn(2, 3, 3), (torsh.randn(2, 3), torsh.randn(2, 3, 4)))
    with pytest.raises(RuntimeError, match=r"Expected hidden\[1\] size \(2, 3, 4\), got "):
        m(torsh.randn(2, 3, 3), (torsh.randn(2, 3, 4), torsh.randn(2, 3, 5)))
    with pytest.raises(RuntimeError, match="sequence length to be larger than 0"):
        m(torsh.randn(0, 3, 3))
    g = nn.GRU(3, 4)
    with pytest.raises(RuntimeError, match=r"Expected hidden size \(1, 3, 4\), got \[1, 2, 4\]"):
        g(torsh.randn(2, 3, 3), torsh.randn(1, 2, 4))
    with pytest.raises(RuntimeError, match="hx should also be 2-D but got 3-D tensor"):
        g(torsh.randn(3, 3), torsh.randn(1, 2, 4))
    with pytest.raises(ValueError, match="LSTMCell: Expected input to be 1D or 2D"):
        nn.LSTMCell(3, 4)(torsh.randn(2, 2, 3))
    with pytest.raises(RuntimeError, match="GRUCell: Input batch size 2 doesn't match"):
        nn.GRUCell(3, 4)(torsh.randn(2, 3), torsh.randn(3, 4))
    with pytest.raises(RuntimeError, match="RNNCell: input has inconsistent input_size"):
        nn.RNNCell(3, 4)(torsh.randn(2, 5))
    with pytest.raises(RuntimeError, match="hidden1 has inconsistent hidden_size: got 3"):
        nn.LSTMCell(3, 4)(torsh.randn(2, 3), (torsh.randn(2, 4), torsh.randn(2, 3)))


# ---------------------------------------------------------------- nn.utils.rnn

def _seqs():
    return [torsh.tensor([1.0, 2.0]), torsh.tensor([3.0, 4.0, 5.0]), torsh.tensor([6.0])]


def test_pad_sequence_sides_and_layouts():
    assert pad_sequence(_seqs()).tolist() == [[1.0, 3.0, 6.0], [2.0, 4.0, 0.0],
                                              [0.0, 5.0, 0.0]]
    assert pad_sequence(_seqs(), batch_first=True, padding_value=9,
                        padding_side="left").tolist() == [[9.0, 1.0, 2.0], [3.0, 4.0, 5.0],
                                                          [9.0, 9.0, 6.0]]
    ints = pad_sequence([torsh.tensor([1, 2]), torsh.tensor([3])], padding_value=-7)
    assert ints.dtype == torsh.int64 and ints.tolist() == [[1, 3], [2, -7]]
    assert pad_sequence([torsh.ones(2, 2), torsh.ones(1, 2)]).shape == (2, 2, 2)
    assert pad_sequence(torsh.ones(2, 3)).shape == (3, 2)
    with pytest.raises(RuntimeError, match="padding_side to be one of left or right"):
        pad_sequence(_seqs(), padding_side="middle")
    with pytest.raises(RuntimeError, match="pad_sequence: every sequence must have"):
        pad_sequence([torsh.ones(2, 2), torsh.ones(3, 3)])
    with pytest.raises(RuntimeError, match="received an empty list of sequences"):
        pad_sequence([])


def test_pack_padded_sequence_layout():
    x = torsh.arange(12.0).reshape(4, 3)  # (T=4, B=3)
    p = pack_padded_sequence(x, [4, 2, 1])
    assert p.data.tolist() == [0.0, 1.0, 2.0, 3.0, 4.0, 6.0, 9.0]
    assert p.batch_sizes.tolist() == [3, 2, 1, 1] and p.batch_sizes.dtype == torsh.int64
    assert p.sorted_indices is None and p.unsorted_indices is None
    p = pack_padded_sequence(x, torsh.tensor([2, 4, 2]), enforce_sorted=False)
    assert p.sorted_indices.tolist() == [1, 0, 2] and p.unsorted_indices.tolist() == [1, 0, 2]
    assert p.data.tolist() == [1.0, 0.0, 2.0, 4.0, 3.0, 5.0, 7.0, 10.0]
    bf = pack_padded_sequence(x, [3, 3, 1, 1], batch_first=True)  # (B=4, T=3)
    assert bf.batch_sizes.tolist() == [4, 2, 2]
    assert bf.data.tolist() == [0.0, 3.0, 6.0, 9.0, 1.0, 4.0, 2.0, 5.0]
    transposed = pack_padded_sequence(x.t(), [3, 3, 1, 1])  # non-contiguous (T=3, B=4)
    assert transposed.data.tolist() == bf.data.tolist()


def test_pack_padded_sequence_errors():
    x = torsh.zeros(4, 3)
    with pytest.raises(RuntimeError, match="must be sorted in decreasing order"):
        pack_padded_sequence(x, [2, 3, 1])
    with pytest.raises(RuntimeError, match="Length of all samples has to be greater than 0"):
        pack_padded_sequence(x, [3, 0, 1], enforce_sorted=False)
    with pytest.raises(RuntimeError, match=r"Expected `len\(lengths\)` to be equal to batch"):
        pack_padded_sequence(x, [3, 2])
    with pytest.raises(RuntimeError, match="1D CPU int64 tensor"):
        pack_padded_sequence(x, torsh.tensor([[3, 2, 1]]))
    with pytest.raises(RuntimeError, match="pack_padded_sequence: length 5 exceeds"):
        pack_padded_sequence(x, [5, 2, 1])
    with pytest.raises(RuntimeError, match="Cannot pack empty tensors"):
        pack_padded_sequence(torsh.zeros(0, 3), [1, 1, 1])


def test_pad_packed_sequence_restores_order_and_total_length():
    x = torsh.arange(12.0).reshape(4, 3)
    p = pack_padded_sequence(x, [2, 4, 1], enforce_sorted=False)
    padded, lengths = pad_packed_sequence(p, batch_first=True, padding_value=-1.0,
                                          total_length=5)
    assert lengths.tolist() == [2, 4, 1] and lengths.dtype == torsh.int64
    assert padded.tolist() == [[0.0, 3.0, -1.0, -1.0, -1.0], [1.0, 4.0, 7.0, 10.0, -1.0],
                               [2.0, -1.0, -1.0, -1.0, -1.0]]
    padded, _ = pad_packed_sequence(p)
    assert padded.shape == (4, 3)
    with pytest.raises(ValueError, match="total_length=3 and max sequence length being 4"):
        pad_packed_sequence(p, total_length=3)


def test_pack_and_unpack_sequence_round_trip():
    seqs = _seqs()
    with pytest.raises(RuntimeError, match="must be sorted in decreasing order"):
        pack_sequence(seqs)
    p = pack_sequence(seqs, enforce_sorted=False)
    assert p.batch_sizes.tolist() == [3, 2, 1] and p.sorted_indices.tolist() == [1, 0, 2]
    assert [s.tolist() for s in unpack_sequence(p)] == [s.tolist() for s in seqs]
    padded = pad_sequence(seqs)
    assert [s.tolist() for s in unpad_sequence(padded, torsh.tensor([2, 3, 1]))] == \
        [s.tolist() for s in seqs]
    assert [s.tolist() for s in unpad_sequence(padded.t(), [2, 3, 1], batch_first=True)] == \
        [s.tolist() for s in seqs]


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(1, 4), min_size=1, max_size=4), st.booleans())
def test_pack_unpack_round_trip_property(lengths, batch_first):
    seqs = [torsh.arange(float(10 * i), float(10 * i + n)) for i, n in enumerate(lengths)]
    p = pack_sequence(seqs, enforce_sorted=False)
    sizes = p.batch_sizes.tolist()
    assert sum(sizes) == sum(lengths) == p.data.shape[0]
    assert sizes == sorted(sizes, reverse=True) and sizes[0] == len(lengths)
    assert [s.tolist() for s in unpack_sequence(p)] == [s.tolist() for s in seqs]
    padded, out_lengths = pad_packed_sequence(p, batch_first=batch_first)
    assert out_lengths.tolist() == lengths
    assert padded.tolist() == pad_sequence(seqs, batch_first=batch_first).tolist()


def test_packed_sequence_is_a_named_tuple():
    p = PackedSequence(torsh.ones(3), torsh.tensor([2, 1]), torsh.tensor([1, 0]))
    data, batch_sizes, sorted_indices, unsorted_indices = p
    assert isinstance(p, tuple) and p._fields == ("data", "batch_sizes", "sorted_indices",
                                                  "unsorted_indices")
    assert unsorted_indices.tolist() == [1, 0]
    d = p.double()
    assert d.data.dtype == F64 and d.batch_sizes.dtype == torsh.int64
    assert p.to(torsh.float32) is p and p.long().data.dtype == torsh.int64
    assert not p.is_cuda and rnn_utils.invert_permutation(None) is None
    assert PackedSequence(torsh.ones(3), [2, 1]).batch_sizes.tolist() == [2, 1]


def test_packing_is_differentiable():
    x = torsh.randn(3, 2, 2, dtype=F64, requires_grad=True)

    def round_trip(inp):
        p = pack_padded_sequence(inp, [1, 3], enforce_sorted=False)
        return pad_packed_sequence(p, padding_value=0.5)[0]
    assert gradcheck(lambda inp: pack_padded_sequence(inp, [3, 2]).data, (x,))
    assert gradcheck(round_trip, (x,))
    seqs = [torsh.randn(n, dtype=F64, requires_grad=True) for n in (2, 3)]
    assert gradcheck(lambda a, b: pad_sequence([a, b], padding_side="left"), tuple(seqs))


# ---------------------------------------------------------------- live PyTorch (extra)

@pytest.mark.torch
def test_against_live_pytorch():
    torch = pytest.importorskip("torch")
    for ctor, kwargs in [("LSTM", dict(num_layers=2, bidirectional=True, proj_size=1)),
                         ("GRU", dict(num_layers=2, batch_first=True)),
                         ("RNN", dict(nonlinearity="relu", bidirectional=True))]:
        ref = getattr(torch.nn, ctor)(2, 3, **kwargs).double()
        mine = getattr(nn, ctor)(2, 3, **kwargs).double()
        mine.load_state_dict({k: torsh.tensor(v.tolist(), dtype=F64)
                              for k, v in ref.state_dict().items()})
        x = torch.randn(3, 4, 2, dtype=torch.float64)
        expected = ref(x)[0]
        _close(mine(torsh.tensor(x.tolist(), dtype=F64))[0],
               expected.detach().reshape(-1).tolist(), 1e-10)
