"""Convolutions: F.conv1d/2d/3d, F.conv_transpose1d/2d/3d, F.unfold/fold and their layers.

Expected values are worked out by hand from the formulas (checked once against PyTorch 2.13);
properties (adjointness, conv = weight @ unfold) cover the rest; every function gets a float64
gradcheck and gradgradcheck.
"""
import math

import pytest

import torsh
import torsh.nn as nn
import torsh.nn.functional as F
from checks import same
from torsh.autograd.gradcheck import gradcheck, gradgradcheck

F64 = torsh.float64
inf, nan = math.inf, math.nan


def t(values, dtype=F64, grad=False):
    return torsh.tensor(values, dtype=dtype, requires_grad=grad)


def seq(*shape, scale=0.25, grad=False):
    """Deterministic, distinct, signed values of a shape (float64)."""
    n = math.prod(shape)
    values = [((i * 7) % 11 - 5) * scale + 0.01 * i for i in range(n)]
    return torsh.tensor(values, dtype=F64).reshape(*shape).requires_grad_(grad)


def dot(a, b):
    return (a * b).sum().item()


# ------------------------------------------------------------ values by hand

def test_conv1d_values():
    x, w = t([[[1.0, 2.0, 3.0, 4.0]]]), t([[[1.0, -1.0]]])
    assert F.conv1d(x, w).tolist() == [[[-1.0, -1.0, -1.0]]]
    assert F.conv1d(x, w, t([0.5])).tolist() == [[[-0.5, -0.5, -0.5]]]
    assert F.conv1d(x, w, padding=1).tolist() == [[[-1.0, -1.0, -1.0, -1.0, 4.0]]]
    assert F.conv1d(x, w, stride=2).tolist() == [[[-1.0, -1.0]]]
    assert F.conv1d(x, w, dilation=3).tolist() == [[[-3.0]]]
    # padding 1, stride 2, dilation 2: taps x[-1] - x[1], x[1] - x[3]
    assert F.conv1d(x, w, padding=1, stride=2, dilation=2).tolist() == [[[-2.0, -2.0]]]
    assert F.conv1d(x[0], w).tolist() == [[-1.0, -1.0, -1.0]]            # unbatched


def test_conv1d_same_pads_the_odd_zero_after():
    x, w = t([[[1.0, 2.0, 3.0, 4.0, 5.0]]]), t([[[1.0, 10.0, 100.0, 1000.0]]])
    # total padding 3: one zero before, two after
    assert F.conv1d(x, w, padding="same").tolist() == [[[3210.0, 4321.0, 5432.0, 543.0, 54.0]]]
    assert F.conv1d(x, w, padding="valid").tolist() == [[[4321.0, 5432.0]]]


def test_conv3d_and_groups():
    x = torsh.ones(1, 2, 2, 2, 2, dtype=F64)
    w = torsh.ones(1, 2, 2, 2, 2, dtype=F64)
    assert F.conv3d(x, w).tolist() == [[[[[16.0]]]]]
    depthwise = F.conv3d(x, t([[[[[1.0]]]], [[[[3.0]]]]]), groups=2)
    assert depthwise.shape == (1, 2, 2, 2, 2) and depthwise.sum().item() == 32.0
    # groups=2 on conv1d: each output channel sees only its group's input channels
    x1 = t([[[1.0, 2.0], [10.0, 20.0]]])
    assert F.conv1d(x1, t([[[1.0]], [[-1.0]]]), groups=2).tolist() == [[[1.0, 2.0],
                                                                         [-10.0, -20.0]]]


def test_conv_transpose1d_values():
    x, w = t([[[1.0, 2.0]]]), t([[[1.0, 10.0]]])
    assert F.conv_transpose1d(x, w).tolist() == [[[1.0, 12.0, 20.0]]]
    assert F.conv_transpose1d(x, w, stride=2).tolist() == [[[1.0, 10.0, 2.0, 20.0]]]
    # stride 3 leaves gaps (only the bias there), output_padding adds positions at the end
    out = F.conv_transpose1d(x, w, t([0.5]), stride=3, output_padding=2)
    assert out.tolist() == [[[1.5, 10.5, 0.5, 2.5, 20.5, 0.5, 0.5]]]
    # padding crops the full output
    x3, w3 = t([[[1.0, 2.0, 3.0]]]), t([[[1.0, 10.0, 100.0]]])
    assert F.conv_transpose1d(x3, w3, padding=1).tolist() == [[[12.0, 123.0, 230.0]]]
    assert F.conv_transpose1d(x, w, dilation=2).tolist() == [[[1.0, 2.0, 10.0, 20.0]]]
    assert F.conv_transpose1d(x[0], w).tolist() == [[1.0, 12.0, 20.0]]   # unbatched


def test_conv_transpose_groups_and_channels():
    x = t([[[1.0], [2.0]]])                             # 2 input channels, length 1
    w = t([[[1.0], [3.0]], [[5.0], [7.0]]])             # (2, 2, 1)
    assert F.conv_transpose1d(x, w).tolist() == [[[11.0], [17.0]]]
    assert F.conv_transpose1d(x, w, groups=2).tolist() == [[[1.0], [3.0], [10.0], [14.0]]]
    out = F.conv_transpose3d(torsh.ones(1, 1, 1, 1, 1, dtype=F64), torsh.ones(1, 2, 2, 2, 2,
                                                                               dtype=F64))
    assert out.shape == (1, 2, 2, 2, 2) and out.sum().item() == 16.0


def test_special_values():
    # a convolution multiplies the padding zeros too: 0 * inf = NaN
    out = F.conv1d(t([[[1.0, 2.0]]]), t([[[inf, 1.0, -inf]]]), padding=1).tolist()
    assert same(out, [[[nan, nan]]])
    # a transposed one only adds the products that land
    assert F.conv_transpose1d(t([[[1.0]]]), t([[[inf, 1.0]]])).tolist() == [[[inf, 1.0]]]
    out = F.conv_transpose1d(t([[[1.0, 2.0]]]), t([[[inf, 1.0]]]), stride=3)
    assert out.tolist() == [[[inf, 1.0, 0.0, inf, 2.0]]]
    assert same(F.conv1d(t([[[nan, 1.0, 2.0]]]), t([[[1.0]]])).tolist(), [[[nan, 1.0, 2.0]]])


def test_integer_dtypes_exact_and_wrapping():
    x = torsh.tensor([[[100, 100, 3]]], dtype=torsh.int8)
    w = torsh.tensor([[[1, 1]]], dtype=torsh.int8)
    out = F.conv1d(x, w)
    assert out.dtype is torsh.int8 and out.tolist() == [[[-56, 103]]]
    big = torsh.tensor([[[2**40, 3]]], dtype=torsh.int64)
    assert F.conv1d(big, torsh.tensor([[[3, 1]]])).tolist() == [[[3 * 2**40 + 3]]]
    assert F.conv_transpose1d(torsh.tensor([[[1, 2]]]), torsh.tensor([[[1, 10]]])).tolist() == \
        [[[1, 12, 20]]]


def test_empty():
    w = seq(3, 2, 2, 2)
    assert F.conv2d(torsh.zeros(0, 2, 3, 3, dtype=F64), w).shape == (0, 3, 2, 2)
    # PyTorch: an input without channels gives an output without channels
    assert F.conv2d(torsh.zeros(2, 0, 3, 3), torsh.zeros(4, 0, 2, 2)).shape == (2, 0, 2, 2)
    x = torsh.zeros(0, 2, 3, 3, dtype=F64, requires_grad=True)
    wg = seq(3, 2, 2, 2, grad=True)
    F.conv2d(x, wg).sum().backward()
    assert x.grad.shape == (0, 2, 3, 3) and wg.grad.tolist() == torsh.zeros(3, 2, 2, 2).tolist()
    assert F.conv_transpose2d(torsh.zeros(0, 3, 2, 2, dtype=F64), w).shape == (0, 2, 3, 3)


def test_non_contiguous_inputs():
    x = seq(1, 2, 4, 3)
    w = seq(3, 2, 2, 2)
    expected = F.conv2d(x, w, padding=1).tolist()
    transposed = x.transpose(2, 3).contiguous().transpose(2, 3)
    assert not transposed.is_contiguous()
    assert F.conv2d(transposed, w, padding=1).tolist() == expected
    wide = torsh.zeros(1, 2, 4, 6, dtype=F64)
    wide[..., ::2] = x
    assert F.conv2d(wide[..., ::2], w, padding=1).tolist() == expected
    shared = seq(1, 1, 2, 2).expand(3, 2, 2, 2)
    assert F.conv2d(x, shared).tolist() == F.conv2d(x, shared.contiguous()).tolist()


# ------------------------------------------------------------ properties

CONFIGS = [  # (dims, stride, padding, dilation, groups, output_padding)
    (1, 2, 1, 1, 1, 1), (1, 1, 0, 2, 2, 1), (2, (2, 1), (1, 0), (1, 2), 1, (1, 0)),
    (2, 1, 1, 1, 2, 0), (3, (1, 2, 1), 1, 1, 1, (0, 1, 0)),
]
CONV = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}
CONV_T = {1: F.conv_transpose1d, 2: F.conv_transpose2d, 3: F.conv_transpose3d}


@pytest.mark.parametrize("dims, stride, padding, dilation, groups, output_padding", CONFIGS)
def test_transposed_is_the_adjoint(dims, stride, padding, dilation, groups, output_padding):
    """<conv(x, w), y> = <x, conv_transpose(y, w)> when the sizes match."""
    size = (5, 4, 3)[:dims] if dims < 3 else (3, 4, 3)
    x = seq(1, 2 * groups, *size)
    w = seq(2 * groups, 2, *(2,) * dims)
    y = CONV[dims](x, w, None, stride, padding, dilation, groups)
    g = seq(*y.shape, scale=0.3)
    back = CONV_T[dims](g, w, None, stride, padding, 0, groups, dilation)
    pad = [n - m for n, m in zip(size, back.shape[2:])]
    back = CONV_T[dims](g, w, None, stride, padding, tuple(pad), groups, dilation)
    assert back.shape == x.shape
    assert dot(y, g) == pytest.approx(dot(x, back), rel=1e-12)


def test_conv2d_is_weight_times_unfold():
    x, w = seq(2, 3, 4, 5), seq(4, 3, 2, 3)
    cols = F.unfold(x, (2, 3), dilation=(1, 1), padding=1, stride=(2, 1))
    via_unfold = (w.reshape(4, -1) @ cols).reshape(2, 4, 3, 5)
    direct = F.conv2d(x, w, padding=1, stride=(2, 1))
    for a, b in zip(via_unfold.reshape(-1).tolist(), direct.reshape(-1).tolist()):
        assert a == pytest.approx(b, rel=1e-12, abs=1e-12)


def test_fold_is_the_adjoint_of_unfold():
    x = seq(2, 2, 4, 5)
    params = dict(kernel_size=(2, 3), dilation=(2, 1), padding=(1, 0), stride=(1, 2))
    cols = F.unfold(x, **params)
    c = seq(*cols.shape, scale=0.5)
    assert dot(cols, c) == pytest.approx(dot(x, F.fold(c, (4, 5), **params)), rel=1e-12)


def test_unfold_fold_values():
    x = torsh.arange(9.0, dtype=F64).reshape(1, 1, 3, 3)
    cols = F.unfold(x, 2)
    assert cols.tolist() == [[[0.0, 1.0, 3.0, 4.0], [1.0, 2.0, 4.0, 5.0],
                              [3.0, 4.0, 6.0, 7.0], [4.0, 5.0, 7.0, 8.0]]]
    # fold of ones counts how many blocks cover each pixel
    counts = F.fold(torsh.ones(1, 4, 4, dtype=F64), (3, 3), 2)
    assert counts.tolist() == [[[[1.0, 2.0, 1.0], [2.0, 4.0, 2.0], [1.0, 2.0, 1.0]]]]
    assert F.unfold(x, 2, padding=1, stride=2).tolist()[0][0] == [0.0, 0.0, 0.0, 4.0]
    assert F.unfold(x[0], 3).shape == (9, 1) and F.fold(torsh.ones(4, 4), 3, 2).shape == \
        (1, 3, 3)
    assert F.unfold(torsh.ones(1, 1, 2, 2, dtype=torsh.bool), 2).dtype is torsh.bool


# ------------------------------------------------------------ gradients

def _grads(fn, *inputs):
    assert gradcheck(fn, inputs)
    out = fn(*inputs)
    cotangent = seq(*out.shape, scale=0.3, grad=True)
    assert gradgradcheck(fn, inputs, (cotangent,))


@pytest.mark.parametrize("dims, stride, padding, dilation, groups, output_padding", CONFIGS)
def test_conv_grads(dims, stride, padding, dilation, groups, output_padding):
    size = (4, 3, 3)[:dims] if dims < 3 else (2, 3, 2)
    x = seq(1, 2 * groups, *size, grad=True)
    w = seq(groups, 2, *(2,) * dims, scale=0.2, grad=True)
    b = seq(groups, scale=0.1, grad=True)
    _grads(lambda a, k, c: CONV[dims](a, k, c, stride, padding, dilation, groups), x, w, b)


@pytest.mark.parametrize("dims, stride, padding, dilation, groups, output_padding", CONFIGS)
def test_conv_transpose_grads(dims, stride, padding, dilation, groups, output_padding):
    size = (3, 2, 2)[:dims] if dims < 3 else (2, 2, 2)
    x = seq(1, 2 * groups, *size, grad=True)
    w = seq(2 * groups, 1, *(2,) * dims, scale=0.2, grad=True)
    b = seq(groups, scale=0.1, grad=True)
    _grads(lambda a, k, c: CONV_T[dims](a, k, c, stride, padding, output_padding, groups,
                                        dilation), x, w, b)


def test_same_padding_and_unbatched_grads():
    x, w = seq(2, 5, grad=True), seq(1, 2, 4, scale=0.3, grad=True)
    _grads(lambda a, k: F.conv1d(a, k, padding="same"), x, w)


def test_unfold_fold_grads():
    x = seq(1, 2, 3, 4, grad=True)
    _grads(lambda a: F.unfold(a, (2, 2), padding=1, stride=(2, 1)), x)
    c = seq(1, 4, 4, grad=True)
    _grads(lambda a: F.fold(a, (3, 4), 2, stride=(1, 2)), c)


# ------------------------------------------------------------ errors

def test_conv_errors():
    x, w = seq(1, 2, 4, 4), seq(3, 2, 2, 2)
    with pytest.raises(RuntimeError, match=r"Expected 3D \(unbatched\) or 4D \(batched\) input "
                                           r"to conv2d"):
        F.conv2d(seq(2, 3), w)
    with pytest.raises(RuntimeError, match="Expected 2D .* to conv_transpose1d"):
        F.conv_transpose1d(seq(2), seq(1, 1, 2))
    with pytest.raises(RuntimeError, match="to have 3 channels, but got 2 channels"):
        F.conv2d(x, seq(3, 3, 2, 2))
    with pytest.raises(RuntimeError, match="divisible by 2 at dimension 0"):
        F.conv2d(x, seq(3, 1, 2, 2), groups=2)
    with pytest.raises(RuntimeError, match="non-positive groups"):
        F.conv2d(x, w, groups=0)
    with pytest.raises(RuntimeError, match=r"Kernel size: \(5 x 5\)"):
        F.conv2d(x, w, dilation=4)
    with pytest.raises(RuntimeError, match="expected scalar type Double but found Float"):
        F.conv2d(x, w.float())
    with pytest.raises(RuntimeError, match="bias type"):
        F.conv2d(x, w, torsh.zeros(3))
    with pytest.raises(RuntimeError, match="expected bias to be 1-dimensional with 3"):
        F.conv2d(x, w, torsh.zeros(4, dtype=F64))
    with pytest.raises(RuntimeError, match="negative padding"):
        F.conv2d(x, w, padding=-1)
    with pytest.raises(RuntimeError, match="non-positive stride"):
        F.conv2d(x, w, stride=0)
    with pytest.raises(RuntimeError, match="dilation should be greater than zero"):
        F.conv2d(x, w, dilation=0)
    with pytest.raises(RuntimeError, match="list of 2 values"):
        F.conv2d(x, w, stride=(1, 1, 1))
    with pytest.raises(RuntimeError, match="list of 1 values"):
        F.conv2d(x, seq(3, 2, 2))
    with pytest.raises(TypeError, match="conv1d.*stride"):
        F.conv1d(seq(1, 1, 4), seq(1, 1, 2), stride=1.5)
    with pytest.raises(NotImplementedError, match="slow_conv2d_cpu.*Bool"):
        F.conv2d(x.bool(), w.bool())
    with pytest.raises(RuntimeError, match="kernel size should be greater than zero"):
        F.conv2d(x, torsh.zeros(3, 2, 0, 2, dtype=F64))


def test_conv_transpose_errors():
    x = seq(1, 2, 4, 4)
    with pytest.raises(RuntimeError, match="output padding must be smaller than either stride "
                                           "or dilation, but got output_padding_height: 1"):
        F.conv_transpose2d(x, seq(2, 3, 2, 2), output_padding=1)
    with pytest.raises(RuntimeError, match="Given transposed=1, weight of size"):
        F.conv_transpose2d(x, seq(3, 3, 2, 2))
    with pytest.raises(RuntimeError, match="Output size is too small"):
        F.conv_transpose2d(x, seq(2, 3, 2, 2), padding=3)
    with pytest.raises(RuntimeError, match="negative output_padding"):
        F.conv_transpose2d(x, seq(2, 3, 2, 2), stride=2, output_padding=-1)
    with pytest.raises(TypeError, match="conv_transpose2d.*padding.*str"):
        F.conv_transpose2d(x, seq(2, 3, 2, 2), padding="same")


def test_unfold_fold_errors():
    with pytest.raises(RuntimeError, match="Expected 3D or 4D"):
        F.unfold(seq(1, 2, 3, 3, 3), 2)
    with pytest.raises(RuntimeError, match="sliding blocks as \\(0, 0\\)"):
        F.unfold(seq(1, 2, 3, 3), 4)
    with pytest.raises(NotImplementedError, match="im2col_out_cpu.*Long"):
        F.unfold(torsh.ones(1, 2, 3, 3, dtype=torsh.int64), 2)
    with pytest.raises(RuntimeError, match="stride should be greater than zero"):
        F.unfold(seq(1, 2, 3, 3), 2, stride=0)
    with pytest.raises(RuntimeError, match="padding should be non-negative"):
        F.unfold(seq(1, 2, 3, 3), 2, padding=-1)
    with pytest.raises(RuntimeError, match="expected kernel_size equals to 2"):
        F.unfold(seq(1, 2, 3, 3), (2, 2, 2))
    with pytest.raises(RuntimeError, match="number of sliding blocks 2 \\* 2 = 4"):
        F.fold(seq(1, 4, 5), (3, 3), 2)
    with pytest.raises(RuntimeError, match="divisible by the product of kernel_size"):
        F.fold(seq(1, 5, 4), (3, 3), 2)
    with pytest.raises(RuntimeError, match="Expected 2D or 3D"):
        F.fold(seq(1, 4, 4, 1), (3, 3), 2)


# ------------------------------------------------------------ layers

def test_conv2d_layer():
    torsh.manual_seed(0)
    m = nn.Conv2d(1, 16, 3, padding=1)
    assert repr(m) == "Conv2d(1, 16, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))"
    assert m.weight.shape == (16, 1, 3, 3) and m.bias.shape == (16,)
    assert list(m.state_dict()) == ["weight", "bias"]
    bound = 1 / 3                                    # 1 / sqrt(fan_in = 1 * 3 * 3)
    assert max(abs(v) for v in m.weight.reshape(-1).tolist()) <= bound
    assert max(abs(v) for v in m.bias.tolist()) <= bound
    assert m(torsh.zeros(2, 1, 8, 8)).shape == (2, 16, 8, 8)
    assert m(torsh.zeros(1, 8, 8)).shape == (16, 8, 8)


def test_layer_reprs():
    assert repr(nn.Conv1d(4, 8, 3, stride=2, padding=1, bias=False,
                          padding_mode="reflect")) == \
        ("Conv1d(4, 8, kernel_size=(3,), stride=(2,), padding=(1,), bias=False, "
         "padding_mode=reflect)")
    assert repr(nn.Conv3d(4, 8, 3, groups=2, dilation=(1, 2, 1))) == \
        "Conv3d(4, 8, kernel_size=(3, 3, 3), stride=(1, 1, 1), dilation=(1, 2, 1), groups=2)"
    assert repr(nn.Conv2d(2, 2, 3, padding="same")) == \
        "Conv2d(2, 2, kernel_size=(3, 3), stride=(1, 1), padding=same)"
    assert repr(nn.ConvTranspose1d(3, 4, 3, stride=2, output_padding=1)) == \
        "ConvTranspose1d(3, 4, kernel_size=(3,), stride=(2,), output_padding=(1,))"
    assert repr(nn.Unfold(2)) == "Unfold(kernel_size=2, dilation=1, padding=0, stride=1)"
    assert repr(nn.Fold((3, 3), 2)) == \
        "Fold(output_size=(3, 3), kernel_size=2, dilation=1, padding=0, stride=1)"
    assert nn.ConvTranspose2d(4, 6, 2, groups=2).weight.shape == (4, 3, 2, 2)


def test_padding_modes():
    x = t([[[1.0, 2.0, 3.0]]])
    for mode, left, right in [("reflect", 2.0, 2.0), ("replicate", 1.0, 3.0),
                              ("circular", 3.0, 1.0), ("zeros", 0.0, 0.0)]:
        m = nn.Conv1d(1, 3, 3, padding=1, padding_mode=mode, bias=False, dtype=F64)
        with torsh.no_grad():
            m.weight.copy_(t([[[1.0, 0.0, 0.0]], [[0.0, 1.0, 0.0]], [[0.0, 0.0, 1.0]]]))
        out = m(x).tolist()[0]
        assert out == [[left, 1.0, 2.0], [1.0, 2.0, 3.0], [2.0, 3.0, right]], mode


def test_conv_transpose_output_size():
    m = nn.ConvTranspose2d(3, 4, 3, stride=2, padding=1)
    x = torsh.zeros(2, 3, 4, 5)
    assert m(x).shape == (2, 4, 7, 9)
    assert m(x, output_size=[8, 10]).shape == (2, 4, 8, 10)
    assert m(x[0], output_size=[3, 8, 10]).shape == (4, 8, 10)
    with pytest.raises(ValueError, match="valid sizes range from \\[7, 9\\] to \\[8, 10\\]"):
        m(x, output_size=[20, 20])


def test_layer_errors():
    with pytest.raises(ValueError, match="groups must be a positive integer"):
        nn.Conv2d(4, 8, 3, groups=0)
    with pytest.raises(ValueError, match="in_channels must be divisible by groups"):
        nn.Conv2d(4, 8, 3, groups=3)
    with pytest.raises(ValueError, match="Invalid padding string"):
        nn.Conv2d(4, 8, 3, padding="foo")
    with pytest.raises(ValueError, match="strided convolutions"):
        nn.Conv2d(4, 8, 3, padding="same", stride=2)
    with pytest.raises(ValueError, match="padding_mode must be one of"):
        nn.Conv2d(4, 8, 3, padding_mode="x")
    with pytest.raises(ValueError, match='Only "zeros" padding mode'):
        nn.ConvTranspose2d(4, 8, 3, padding_mode="reflect")


def test_layers_train():
    """A conv layer's gradients reach its parameters; Fold(Unfold(x)) counts overlaps."""
    torsh.manual_seed(1)
    m = nn.Conv2d(2, 3, 2, dtype=F64)
    m(seq(1, 2, 3, 3)).pow(2).sum().backward()
    assert m.weight.grad.shape == (3, 2, 2, 2) and m.bias.grad.shape == (3,)
    x = torsh.ones(1, 1, 3, 3, dtype=F64)
    assert nn.Fold((3, 3), 2)(nn.Unfold(2)(x)).tolist() == \
        [[[[1.0, 2.0, 1.0], [2.0, 4.0, 2.0], [1.0, 2.0, 1.0]]]]


def test_lazy_layers():
    m = nn.LazyConv2d(4, 3, padding=1)
    assert m.in_channels == 0 and m.has_uninitialized_params()
    assert m(torsh.ones(2, 3, 5, 5)).shape == (2, 4, 5, 5)
    assert type(m) is nn.Conv2d and m.weight.shape == (4, 3, 3, 3)
    assert list(m.state_dict()) == ["weight", "bias"]
    assert repr(m) == "Conv2d(3, 4, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))"
    t1 = nn.LazyConvTranspose1d(4, 3, groups=2)
    assert t1(torsh.ones(6, 5)).shape == (4, 7) and t1.weight.shape == (6, 2, 3)
    loaded = nn.LazyConv1d(4, 3)
    loaded.load_state_dict(nn.Conv1d(2, 4, 3).state_dict())
    assert type(loaded) is nn.Conv1d and loaded.weight.shape == (4, 2, 3)
