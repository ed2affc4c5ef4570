"""The remaining activations (relu, prelu, glu, rrelu, gumbel_softmax, in-place variants), the
channel and alpha dropouts, bilinear, and their layers (every activation module, Dropout*,
Bilinear, LazyLinear): hand-computed values, gradients, errors, reprs and state dicts."""
import math
import warnings

import pytest

import torsh
import torsh.nn as nn
import torsh.nn.functional as F
from torsh.autograd.gradcheck import gradcheck, gradgradcheck

from checks import f64, same

F64 = torsh.float64


def grads_ok(fn, *inputs):
    """gradcheck and gradgradcheck of fn at float64 inputs (all requiring grad)."""
    assert gradcheck(fn, inputs)
    out = fn(*inputs)
    cotangent = torsh.ones(tuple(out.shape), dtype=F64).requires_grad_()
    assert gradgradcheck(fn, inputs, (cotangent,))


# ------------------------------------------------------------ relu, sigmoid, tanh, in place

def test_relu_sigmoid_tanh_functions():
    x = f64([-1.5, -0.0, 0.0, 2.0], grad=False)
    assert same(F.relu(x).tolist(), [0.0, -0.0, 0.0, 2.0])   # -0.0 kept, as in PyTorch
    assert F.sigmoid(f64([0.0])).tolist() == [0.5]
    assert F.tanh(f64([0.0])).tolist() == [0.0]
    assert F.relu(torsh.tensor([-3, 4])).tolist() == [0, 4]
    y = f64([-1.0, 2.0], grad=False)
    assert F.relu(y, inplace=True) is y and y.tolist() == [0.0, 2.0]
    z = f64([-1.0, 3.0], grad=False)
    assert F.relu_(z) is z and z.tolist() == [0.0, 3.0]


@pytest.mark.parametrize("name, args, formula", [
    ("hardtanh_", (-0.5, 0.5), lambda v: min(max(v, -0.5), 0.5)),
    ("threshold_", (0.5, -2.0), lambda v: v if v > 0.5 else -2.0),
    ("leaky_relu_", (0.1,), lambda v: v if v > 0 else 0.1 * v),
    ("elu_", (2.0,), lambda v: v if v > 0 else 2 * math.expm1(v)),
    ("selu_", (), lambda v: 1.0507009873554805 * (v if v > 0 else
                                                  1.6732632423543772 * math.expm1(v))),
    ("celu_", (2.0,), lambda v: v if v > 0 else 2 * math.expm1(v / 2)),
    ("rrelu_", (0.1, 0.3), lambda v: v if v > 0 else 0.2 * v),
])
def test_inplace_variants(name, args, formula):
    points = [-2.0, -0.25, 0.75, 3.0]
    x = f64(points, grad=False)
    out = getattr(F, name)(x, *args)
    assert out is x
    assert x.tolist() == pytest.approx([formula(v) for v in points], rel=1e-12)
    leaf = f64(points)
    y = getattr(F, name)(leaf * 1.0, *args)   # in place on a non-leaf: gradients flow
    y.sum().backward()
    assert leaf.grad is not None
    with pytest.raises(RuntimeError, match="leaf"):
        getattr(F, name)(f64(points), *args)


# ------------------------------------------------------------ prelu

def test_prelu_values_and_channels():
    x = f64([[-1.0, 0.0, 2.0], [3.0, -4.0, -0.0]], grad=False)
    assert same(F.prelu(x, f64([0.25], grad=False)).tolist(),
                [[-0.25, 0.0, 2.0], [3.0, -1.0, -0.0]])
    assert same(F.prelu(x, f64([0.1, 0.2, 0.3], grad=False)).tolist(),
                [[-0.1, 0.0, 2.0], [3.0, -0.8, -0.0]])
    four = torsh.arange(-4.0, 4.0, dtype=F64).reshape(1, 2, 2, 2)
    assert F.prelu(four, f64([0.5, 2.0], grad=False)).reshape(-1).tolist() == \
        [-2.0, -1.5, -1.0, -0.5, 0.0, 1.0, 2.0, 3.0]
    assert F.prelu(f64(-2.0, grad=False), f64([0.5], grad=False)).item() == -1.0
    special = F.prelu(f64([math.nan, -math.inf, math.inf], grad=False), f64([0.5], grad=False))
    assert same(special.tolist(), [math.nan, -math.inf, math.inf])


def test_prelu_gradients():
    x = f64([[-1.0, 0.5, 2.0], [3.0, -4.0, -0.7]])
    grads_ok(F.prelu, x, f64([0.3, -0.2, 0.6]))
    grads_ok(F.prelu, x, f64([0.25]))
    grads_ok(F.prelu, f64([[-1.5, 0.4]]).t(), f64(0.2))     # non-contiguous, 0-d weight
    x2 = f64([-1.0, 0.0, 2.0])
    w = f64([0.3])
    F.prelu(x2, w).sum().backward()
    assert x2.grad.tolist() == [0.3, 0.3, 1.0] and w.grad.tolist() == [-1.0]


def test_prelu_errors():
    x = torsh.randn(2, 3)
    with pytest.raises(RuntimeError, match="prelu.*parameter numbers = 2 and channel size = 3"):
        F.prelu(x, torsh.ones(2))
    with pytest.raises(RuntimeError, match="prelu.*scalar or 1D"):
        F.prelu(x, torsh.ones(3, 1))
    with pytest.raises(RuntimeError, match="prelu.*zero-dim"):
        F.prelu(torsh.tensor(1.0), torsh.ones(2))
    with pytest.raises(NotImplementedError, match="prelu"):
        F.prelu(torsh.tensor([1, 2]), torsh.tensor([1]))
    with pytest.raises(RuntimeError, match="prelu.*Type promoting"):
        F.prelu(x, torsh.ones(3, dtype=F64))


# ------------------------------------------------------------ glu, rrelu, gumbel_softmax

def test_glu():
    x = f64([[1.0, -2.0, 0.0, 3.0]], grad=False)
    expected = [1.0 / (1 + math.exp(-0.0)), -2.0 / (1 + math.exp(-3.0))]
    assert F.glu(x).tolist()[0] == pytest.approx(expected, rel=1e-12)
    assert F.glu(x.t(), 0).reshape(-1).tolist() == pytest.approx(expected, rel=1e-12)
    assert tuple(F.glu(torsh.zeros(0, 4)).shape) == (0, 2)
    grads_ok(lambda t: F.glu(t, 0), f64([[0.3, -1.2], [0.8, 2.0], [-0.5, 0.1], [1.5, -0.4]]))
    with pytest.raises(RuntimeError, match="glu.*Halving dimension must be even"):
        F.glu(torsh.randn(2, 3))
    with pytest.raises(RuntimeError, match="glu does not support scalars"):
        F.glu(torsh.tensor(1.0))
    with pytest.raises(NotImplementedError, match="glu"):
        F.glu(torsh.tensor([1, 2]))


def test_rrelu_eval_and_training():
    x = f64([-2.0, -0.5, 0.0, 1.5], grad=False)
    assert F.rrelu(x).tolist() == pytest.approx([-2 * (11 / 48), -0.5 * (11 / 48), 0.0, 1.5])
    torsh.manual_seed(0)
    big = torsh.full((400,), -1.0, dtype=F64)
    slopes = -F.rrelu(big, 0.2, 0.4, training=True)
    assert 0.2 <= slopes.min().item() and slopes.max().item() <= 0.4
    assert slopes.mean().item() == pytest.approx(0.3, abs=0.02)
    assert len(set(slopes.tolist())) > 100           # one draw per element
    positive = f64([0.5, 2.0])
    out = F.rrelu(positive, training=True)
    out.sum().backward()
    assert out.tolist() == [0.5, 2.0] and positive.grad.tolist() == [1.0, 1.0]
    negative = f64([-1.0, -3.0])
    out = F.rrelu(negative, training=True)
    out.sum().backward()            # the gradient is the slope drawn
    assert negative.grad.tolist() == pytest.approx((out / negative).tolist())
    grads_ok(lambda t: F.rrelu(t, 0.1, 0.3), f64([-1.0, 0.5, -0.2]))
    with pytest.raises(RuntimeError, match="rrelu.*Lower bound"):
        F.rrelu(x, 0.5, 0.2)


def test_gumbel_softmax():
    torsh.manual_seed(1)
    logits = f64([[0.5, -1.0, 2.0, 0.0], [1.0, 1.0, 1.0, 1.0]])
    soft = F.gumbel_softmax(logits, tau=0.7)
    assert soft.sum(-1).tolist() == pytest.approx([1.0, 1.0])
    assert (soft >= 0).all().item()
    hard = F.gumbel_softmax(logits, hard=True, dim=0)
    assert hard.sum(0).tolist() == pytest.approx([1.0] * 4)
    assert sorted(set(round(v, 9) for v in hard.reshape(-1).tolist())) == [0.0, 1.0]
    (hard * f64([[1.0] * 4, [2.0] * 4], grad=False)).sum().backward()
    assert logits.grad is not None and logits.grad.abs().sum().item() > 0
    # the sample follows softmax(logits): the largest logit wins most often
    wins = [0] * 3
    for _ in range(300):
        wins[F.gumbel_softmax(f64([0.0, 1.0, 2.0], grad=False), hard=True).argmax().item()] += 1
    assert wins[2] > wins[1] > wins[0]
    with pytest.warns(UserWarning, match="eps"):
        F.gumbel_softmax(logits, eps=1e-5)


# ------------------------------------------------------------ dropouts

DROPOUTS = {"dropout1d": (2, 3, 4), "dropout2d": (2, 3, 2, 2), "dropout3d": (2, 3, 1, 2, 2),
            "alpha_dropout": (4, 5), "feature_alpha_dropout": (2, 3, 4)}


@pytest.mark.parametrize("name", DROPOUTS)
def test_dropout_deterministic_paths(name):
    fn = getattr(F, name)
    x = torsh.randn(*DROPOUTS[name], dtype=F64)
    assert fn(x, 0.5, training=False) is x
    assert fn(x, 0.0, training=True) is x
    assert fn(x, 1.0, training=True).abs().sum().item() == 0.0
    y = x.clone()
    assert fn(y, 1.0, training=True, inplace=True) is y and y.abs().sum().item() == 0.0
    with pytest.raises(ValueError, match="dropout probability"):
        fn(x, 1.5)


@pytest.mark.parametrize("name", ["dropout1d", "dropout2d", "dropout3d"])
def test_channel_dropout_zeroes_whole_channels(name):
    torsh.manual_seed(3)
    x = torsh.ones(*DROPOUTS[name], dtype=F64)
    out = F.dropout2d(x, 0.5) if name == "dropout2d" else getattr(F, name)(x, 0.5)
    lanes = out.reshape(x.shape[0] * x.shape[1], -1).tolist()
    for lane in lanes:
        assert set(lane) in ({0.0}, {2.0})
    assert {lane[0] for lane in lanes} == {0.0, 2.0}
    big = getattr(F, name)(torsh.ones(40, 50, *DROPOUTS[name][2:], dtype=F64), 0.3)
    assert big.mean().item() == pytest.approx(1.0, abs=0.08)


def test_channel_dropout_unbatched_and_warnings():
    torsh.manual_seed(4)
    x = torsh.ones(6, 3, dtype=F64)                  # (C, L): one draw per channel
    rows = F.dropout1d(x, 0.5).tolist()
    assert all(len(set(r)) == 1 for r in rows)
    rows = F.dropout3d(torsh.ones(5, 1, 2, 2, dtype=F64), 0.5).reshape(5, -1).tolist()
    assert all(len(set(r)) == 1 for r in rows)
    with pytest.warns(UserWarning, match="Received a 3D input to dropout2d"):
        F.dropout2d(torsh.ones(2, 3, 4), 0.5)
    with pytest.warns(UserWarning, match="Received a 2-D input to dropout3d"):
        F.dropout3d(torsh.ones(2, 3), 0.5, training=False)
    with pytest.raises(RuntimeError, match="dropout1d: Expected 2D or 3D input"):
        F.dropout1d(torsh.ones(2, 2, 2, 2))
    with pytest.raises(RuntimeError, match="feature_alpha_dropout.*at least 2 dimensions"):
        F.feature_alpha_dropout(torsh.ones(3), 0.5, training=True)


def test_alpha_dropout_values_and_statistics():
    torsh.manual_seed(5)
    p, alpha = 0.5, 1.7580993408473766
    a = 1 / math.sqrt((alpha * alpha * p + 1) * (1 - p))
    out = F.alpha_dropout(torsh.ones(4, 5, dtype=F64), p, training=True)
    kept, dropped = a * (1 + alpha * p), -alpha * a * (1 - p)
    assert {round(v, 12) for v in out.reshape(-1).tolist()} <= {round(kept, 12),
                                                                round(dropped, 12)}
    normal = torsh.randn(4000, dtype=F64)
    out = F.alpha_dropout(normal, 0.2, training=True)
    assert out.mean().item() == pytest.approx(0.0, abs=0.08)
    assert out.std().item() == pytest.approx(1.0, abs=0.08)
    x = f64([0.5, -1.0, 2.0])
    out = F.alpha_dropout(x, 0.5, training=True)
    out.sum().backward()
    assert set(round(v, 12) for v in x.grad.tolist()) <= {0.0, round(a, 12)}
    feature = F.feature_alpha_dropout(torsh.ones(3, 4, 5, dtype=F64), 0.5, training=True)
    assert all(len(set(r)) == 1 for r in feature.reshape(12, 5).tolist())


# ------------------------------------------------------------ bilinear

def test_bilinear_values_and_grads():
    x1 = f64([[1.0, 2.0], [0.0, -1.0]])
    x2 = f64([[3.0, 1.0, -1.0], [2.0, 0.5, 1.0]])
    weight = f64([[[1.0, 0.0, 2.0], [0.5, -1.0, 0.0]]])
    bias = f64([0.25])
    # x1 A x2: row 0: 1*(3 - 2) + 2*(1.5 - 1) = 2; row 1: -(1 - 0.5) = -0.5
    assert F.bilinear(x1, x2, weight, bias).tolist() == [[2.25], [-0.25]]
    grads_ok(F.bilinear, x1, x2, weight, bias)
    grads_ok(lambda a, b, w: F.bilinear(a, b, w), f64([0.5, -1.0]), f64([1.0, 2.0, 0.1]),
             f64([[[0.3, 0.1, -0.2], [0.4, 0.0, 1.0]], [[1.0, 1.0, 1.0], [0.5, -0.5, 0.2]]]))
    assert tuple(F.bilinear(torsh.zeros(0, 2), torsh.zeros(0, 3), torsh.zeros(4, 2, 3)).shape) \
        == (0, 4)


def test_bilinear_errors():
    x1, x2, w = torsh.randn(2, 3), torsh.randn(2, 5), torsh.randn(4, 3, 5)
    with pytest.raises(RuntimeError, match="bilinear.*input2 size does not match"):
        F.bilinear(x1, x2, torsh.randn(4, 3, 4))
    with pytest.raises(RuntimeError, match="bilinear.*input1 size does not match"):
        F.bilinear(x1, x2, torsh.randn(4, 2, 5))
    with pytest.raises(RuntimeError, match="bilinear.*batch dimensions do not match"):
        F.bilinear(x1, torsh.randn(3, 5), w)
    with pytest.raises(RuntimeError, match="bilinear.*input dimensions do not match"):
        F.bilinear(x1, torsh.randn(2, 1, 5), w)
    with pytest.raises(RuntimeError, match="bilinear.*bias size"):
        F.bilinear(x1, x2, w, torsh.randn(3))
    with pytest.raises(RuntimeError, match="bilinear.*same dtype"):
        F.bilinear(x1, x2.double(), w)


# ------------------------------------------------------------ layers

LAYERS = [
    (nn.ReLU(), "ReLU()", F.relu), (nn.ReLU6(inplace=True), "ReLU6(inplace=True)", F.relu6),
    (nn.LeakyReLU(0.2), "LeakyReLU(negative_slope=0.2)", lambda x: F.leaky_relu(x, 0.2)),
    (nn.ELU(0.5, True), "ELU(alpha=0.5, inplace=True)", lambda x: F.elu(x, 0.5)),
    (nn.SELU(), "SELU()", F.selu), (nn.CELU(), "CELU(alpha=1.0)", F.celu),
    (nn.GELU("tanh"), "GELU(approximate='tanh')", lambda x: F.gelu(x, approximate="tanh")),
    (nn.SiLU(), "SiLU()", F.silu), (nn.Mish(), "Mish()", F.mish),
    (nn.Softplus(), "Softplus(beta=1.0, threshold=20.0)", F.softplus),
    (nn.Softsign(), "Softsign()", F.softsign),
    (nn.Hardtanh(-2, 2), "Hardtanh(min_val=-2, max_val=2)", lambda x: F.hardtanh(x, -2, 2)),
    (nn.Hardsigmoid(True), "Hardsigmoid()", F.hardsigmoid),
    (nn.Hardswish(), "Hardswish()", F.hardswish), (nn.Tanhshrink(), "Tanhshrink()",
                                                   F.tanhshrink),
    (nn.Softshrink(), "Softshrink(0.5)", F.softshrink),
    (nn.Hardshrink(0.3), "Hardshrink(0.3)", lambda x: F.hardshrink(x, 0.3)),
    (nn.Threshold(0.1, 20), "Threshold(threshold=0.1, value=20)",
     lambda x: F.threshold(x, 0.1, 20)),
    (nn.GLU(), "GLU(dim=-1)", F.glu),
    (nn.RReLU(0.1, 0.3), "RReLU(lower=0.1, upper=0.3)", lambda x: F.leaky_relu(x, 0.2)),
    (nn.LogSigmoid(), "LogSigmoid()", F.logsigmoid), (nn.Sigmoid(), "Sigmoid()", F.sigmoid),
    (nn.Tanh(), "Tanh()", F.tanh), (nn.Softmax(1), "Softmax(dim=1)", lambda x: F.softmax(x, 1)),
    (nn.LogSoftmax(0), "LogSoftmax(dim=0)", lambda x: F.log_softmax(x, 0)),
    (nn.Softmin(dim=-1), "Softmin(dim=-1)", lambda x: F.softmin(x, -1)),
]


@pytest.mark.parametrize("layer, text, fn", LAYERS, ids=[t for _, t, _ in LAYERS])
def test_activation_layers(layer, text, fn):
    assert repr(layer) == text
    assert list(layer.state_dict()) == []
    x = torsh.tensor([[-2.5, -0.5, 0.25, 3.0]], dtype=F64)
    expected = fn(x.clone()).reshape(-1).tolist()
    assert layer.eval()(x.clone()).reshape(-1).tolist() == pytest.approx(expected)


def test_inplace_layers_write_their_input():
    x = torsh.tensor([-1.0, 2.0])
    assert nn.ReLU(inplace=True)(x) is x and x.tolist() == [0.0, 2.0]
    y = torsh.tensor([-1.0, 2.0])
    nn.LeakyReLU(0.5, inplace=True)(y)
    assert y.tolist() == [-0.5, 2.0]


def test_prelu_layer():
    layer = nn.PReLU(3, init=0.1)
    assert repr(layer) == "PReLU(num_parameters=3)"
    assert list(layer.state_dict()) == ["weight"]
    assert layer.weight.tolist() == pytest.approx([0.1] * 3)
    assert nn.PReLU().weight.tolist() == [0.25]
    out = layer(torsh.tensor([[-1.0, 2.0, -3.0]]))
    assert out.tolist()[0] == pytest.approx([-0.1, 2.0, -0.3])
    out.sum().backward()
    assert layer.weight.grad.tolist() == [-1.0, 0.0, -3.0]


def test_rrelu_layer_train_and_eval():
    layer = nn.RReLU()
    x = torsh.full((50,), -1.0, dtype=F64)
    assert layer.eval()(x).tolist() == pytest.approx([-(1 / 8 + 1 / 3) / 2] * 50)
    slopes = -layer.train()(x)
    assert len(set(slopes.tolist())) > 10


def test_softmax2d_and_implicit_dim():
    x = torsh.randn(2, 3, 2, 2)
    out = nn.Softmax2d()(x)
    assert out.sum(1).reshape(-1).tolist() == pytest.approx([1.0] * 8)
    assert repr(nn.Softmax2d()) == "Softmax2d()"
    with pytest.raises(ValueError, match="Softmax2d: expected input to be 3D or 4D"):
        nn.Softmax2d()(torsh.randn(2, 3))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert repr(nn.Softmax()) == "Softmax(dim=None)"
        nn.Softmax()(torsh.randn(2, 3))
    assert any("Implicit dimension" in str(w.message) for w in caught)


def test_dropout_layers():
    for cls, text, shape in ((nn.Dropout1d, "Dropout1d", (2, 3, 4)),
                             (nn.Dropout2d, "Dropout2d", (2, 3, 2, 2)),
                             (nn.Dropout3d, "Dropout3d", (2, 3, 1, 2, 2)),
                             (nn.AlphaDropout, "AlphaDropout", (2, 3)),
                             (nn.FeatureAlphaDropout, "FeatureAlphaDropout", (2, 3, 2))):
        layer = cls(0.2, inplace=True) if cls is nn.Dropout2d else cls()
        assert repr(layer) == (f"{text}(p=0.2, inplace=True)" if cls is nn.Dropout2d
                               else f"{text}(p=0.5, inplace=False)")
        x = torsh.ones(*shape)
        assert layer.eval()(x) is x
        trained = cls(1.0).train()(torsh.ones(*shape))
        assert trained.abs().sum().item() == 0.0
    with pytest.raises(ValueError, match="dropout probability"):
        nn.Dropout2d(1.5)


def test_bilinear_layer():
    torsh.manual_seed(0)
    layer = nn.Bilinear(2, 3, 4)
    assert repr(layer) == "Bilinear(in1_features=2, in2_features=3, out_features=4, bias=True)"
    assert list(layer.state_dict()) == ["weight", "bias"]
    assert tuple(layer.weight.shape) == (4, 2, 3) and tuple(layer.bias.shape) == (4,)
    bound = 1 / math.sqrt(2)
    assert layer.weight.abs().max().item() <= bound and layer.bias.abs().max().item() <= bound
    out = layer(torsh.randn(5, 2), torsh.randn(5, 3))
    assert tuple(out.shape) == (5, 4)
    assert list(nn.Bilinear(2, 3, 4, bias=False).state_dict()) == ["weight"]


def test_lazy_linear():
    layer = nn.LazyLinear(3)
    assert repr(layer) == "LazyLinear(in_features=0, out_features=3, bias=True)"
    assert list(layer.state_dict()) == ["weight", "bias"]
    out = layer(torsh.randn(2, 5))
    assert tuple(out.shape) == (2, 3) and type(layer) is nn.Linear
    assert tuple(layer.weight.shape) == (3, 5) and layer.in_features == 5
    assert repr(layer) == "Linear(in_features=5, out_features=3, bias=True)"
    bound = 1 / math.sqrt(5)
    assert layer.weight.abs().max().item() <= bound
    again = nn.LazyLinear(3)
    again.load_state_dict(layer.state_dict())
    x = torsh.randn(4, 5)
    assert again(x).tolist() == layer(x).tolist()
    assert list(nn.LazyLinear(2, bias=False).state_dict()) == ["weight"]
