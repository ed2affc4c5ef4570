"""torsh.nn.functional: activations, softmax, linear, losses, one_hot, dropout.

Expected values are written by hand from each formula (checked once against PyTorch 2.13);
every differentiable function gets a float64 gradcheck and gradgradcheck.
"""
import math

import pytest

import torsh
import torsh.nn.functional as F
from checks import check_all_grads as check_grads
from checks import close

inf, nan = math.inf, math.nan
F64 = torsh.float64
POINTS = [-3.5, -1.2, -0.3, 0.4, 1.7, 3.5]


def t(values, dtype=F64, grad=False):
    return torsh.tensor(values, dtype=dtype, requires_grad=grad)


def sigmoid(x):
    return 1 / (1 + math.exp(-x))


# ------------------------------------------------------------ activations

ACTIVATIONS = {
    "relu6": (F.relu6, lambda x: min(max(x, 0.0), 6.0)),
    "hardtanh": (F.hardtanh, lambda x: min(max(x, -1.0), 1.0)),
    "leaky_relu": (F.leaky_relu, lambda x: x if x > 0 else 0.01 * x),
    "elu": (F.elu, lambda x: x if x > 0 else math.expm1(x)),
    "selu": (F.selu, lambda x: 1.0507009873554805 * (x if x > 0 else
                                                     1.6732632423543772 * math.expm1(x))),
    "celu": (lambda x: F.celu(x, 2.0), lambda x: x if x > 0 else 2 * math.expm1(x / 2)),
    "gelu": (F.gelu, lambda x: 0.5 * x * (1 + math.erf(x / math.sqrt(2)))),
    "gelu_tanh": (lambda x: F.gelu(x, approximate="tanh"),
                  lambda x: 0.5 * x * (1 + math.tanh(math.sqrt(2 / math.pi)
                                                     * (x + 0.044715 * x ** 3)))),
    "silu": (F.silu, lambda x: x * sigmoid(x)),
    "mish": (F.mish, lambda x: x * math.tanh(math.log1p(math.exp(x)))),
    "softplus": (F.softplus, lambda x: math.log1p(math.exp(x))),
    "softplus_beta": (lambda x: F.softplus(x, beta=2.0, threshold=3.0),
                      lambda x: x if 2 * x > 3 else math.log1p(math.exp(2 * x)) / 2),
    "softsign": (F.softsign, lambda x: x / (1 + abs(x))),
    "hardsigmoid": (F.hardsigmoid, lambda x: min(max(x / 6 + 0.5, 0.0), 1.0)),
    "hardswish": (F.hardswish, lambda x: x * min(max(x + 3, 0.0), 6.0) / 6),
    "logsigmoid": (F.logsigmoid, lambda x: math.log(sigmoid(x))),
    "softshrink": (F.softshrink, lambda x: x - 0.5 if x > 0.5 else x + 0.5 if x < -0.5
                   else 0.0),
    "hardshrink": (F.hardshrink, lambda x: x if abs(x) > 0.5 else 0.0),
    "threshold": (lambda x: F.threshold(x, 0.5, -2.0), lambda x: x if x > 0.5 else -2.0),
    "tanhshrink": (F.tanhshrink, lambda x: x - math.tanh(x)),
}


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_activation_values_and_grads(name):
    fn, formula = ACTIVATIONS[name]
    close(fn(t(POINTS)), [formula(x) for x in POINTS])
    check_grads(fn, t(POINTS, grad=True))


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_activation_shapes(name):
    fn, _ = ACTIVATIONS[name]
    assert fn(torsh.zeros(0, 3, dtype=F64)).shape == (0, 3)
    assert fn(t(0.25)).shape == ()
    x = t([[1.0, -2.0, 0.5], [3.0, -0.1, 4.0]])
    close(fn(x.t()).reshape(-1), fn(x).t().reshape(-1).tolist())


@pytest.mark.parametrize("name", ["elu", "gelu", "silu", "mish", "softplus", "logsigmoid",
                                  "hardswish", "leaky_relu"])
def test_activation_propagates_nan(name):
    fn, _ = ACTIVATIONS[name]
    assert math.isnan(fn(t([nan])).item())


def test_special_values():
    x = t([inf, -inf, -0.0])
    close(F.softplus(x), [inf, 0.0, math.log(2)])
    close(F.logsigmoid(x), [0.0, -inf, -math.log(2)])
    close(F.elu(x), [inf, -1.0, -0.0])
    assert math.isnan(F.hardswish(t([-inf])).item())          # -inf * 0, as PyTorch
    assert math.copysign(1, F.leaky_relu(t([-0.0])).item()) == -1
    assert math.copysign(1, F.softshrink(t([-0.3])).item()) == -1   # x * 0 keeps the sign


def test_integer_dtypes():
    ints = torsh.tensor([-2, 3, 9])
    assert F.relu6(ints).tolist() == [0, 3, 6] and F.relu6(ints).dtype is torsh.int64
    assert F.threshold(ints, 1, 7).tolist() == [7, 3, 9]
    assert F.softsign(ints).dtype is torsh.float32
    close(F.softsign(ints), [-2 / 3, 0.75, 0.9], rel=1e-6)
    for fn in (F.elu, F.gelu, F.silu, F.softplus, F.leaky_relu, F.hardswish):
        with pytest.raises(NotImplementedError):
            fn(ints)


def test_activation_errors():
    with pytest.raises(RuntimeError, match="softshrink"):
        F.softshrink(t([1.0]), -1.0)
    with pytest.raises(RuntimeError, match="gelu"):
        F.gelu(t([1.0]), approximate="fast")
    with pytest.raises(RuntimeError, match="hardtanh"):
        F.hardtanh(torsh.tensor([True]))
    with pytest.raises(RuntimeError, match="unsigned"):
        F.hardtanh(torsh.tensor([1], dtype=torsh.uint8))
    with pytest.raises(TypeError, match="elu"):
        F.elu([1.0])


def test_float32_rounds_once():
    got = F.gelu(torsh.tensor([1.0], dtype=torsh.float32)).item()
    assert got == pytest.approx(0.8413447460685429, rel=1e-7)


def test_inplace():
    x = t([-1.0, 2.0, 7.0])
    assert F.relu6(x, inplace=True) is x
    assert x.tolist() == [0.0, 2.0, 6.0]
    leaf = t([1.0, -1.0], grad=True)
    y = leaf * 1
    F.leaky_relu(y, 0.5, inplace=True)
    y.sum().backward()
    assert leaf.grad.tolist() == [1.0, 0.5]


# ------------------------------------------------------------ softmax family

def test_softmax_values():
    x = t([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]])
    e = [math.exp(v) for v in (1.0, 2.0, 3.0)]
    close(F.softmax(x, 1).reshape(-1), [v / sum(e) for v in e] + [1 / 3] * 3)
    close(F.log_softmax(x, -1).reshape(-1),
          [math.log(v / sum(e)) for v in e] + [-math.log(3)] * 3)
    close(F.softmin(x, 1).reshape(-1), [v / sum(e) for v in reversed(e)] + [1 / 3] * 3)
    close(F.softmax(x, 0).reshape(-1), [sigmoid(1), sigmoid(2), sigmoid(3),
                                        sigmoid(-1), sigmoid(-2), sigmoid(-3)])


def test_softmax_is_stable_and_special():
    close(F.softmax(t([1000.0, 1000.0]), 0), [0.5, 0.5])
    close(F.log_softmax(t([1e4, -1e4]), 0), [0.0, -2e4])
    close(F.softmax(t([-inf, 0.0]), 0), [0.0, 1.0])
    close(F.softmax(t([inf, 0.0]), 0), [nan, nan])
    close(F.softmax(t([-inf, -inf]), 0), [nan, nan])
    close(F.log_softmax(t([nan, 1.0]), 0), [nan, nan])


def test_softmax_shapes_and_dtype():
    assert F.softmax(t(3.0), 0).item() == 1.0
    assert F.softmax(torsh.zeros(0, 3, dtype=F64), 1).shape == (0, 3)
    out = F.softmax(torsh.tensor([1.0, 2.0]), 0, dtype=F64)
    assert out.dtype is F64
    with pytest.warns(UserWarning, match="Implicit dimension"):
        assert F.softmax(t([[1.0, 1.0]])).tolist() == [[0.5, 0.5]]   # dim 1 for 2-D


def test_softmax_errors():
    with pytest.raises(IndexError, match="softmax"):
        F.softmax(t([1.0, 2.0]), 1)
    with pytest.raises(NotImplementedError, match="log_softmax"):
        F.log_softmax(torsh.tensor([1, 2]), 0)


@pytest.mark.parametrize("fn", [F.softmax, F.log_softmax, F.softmin])
def test_softmax_grads(fn):
    x = t([[0.5, -1.0, 2.0], [0.3, 0.1, -0.7]], grad=True)
    check_grads(lambda a: fn(a, 1) * t([[1.0, 2.0, 3.0], [-1.0, 0.5, 2.0]]), x)
    check_grads(lambda a: fn(a, 0), x)


# ------------------------------------------------------------ linear

def test_linear_values():
    x = t([[1.0, 2.0, 3.0], [0.5, -1.0, 4.0]])
    w = t([[1.0, 2.0, 3.0], [0.0, 1.0, -1.0]])
    b = t([0.5, -0.5])
    assert F.linear(x, w, b).tolist() == [[14.5, -1.5], [11.0, -5.5]]
    assert F.linear(x, w).tolist() == [[14.0, -1.0], [10.5, -5.0]]
    assert F.linear(t([1.0, 2.0, 3.0]), w).tolist() == [14.0, -1.0]
    assert F.linear(x, t([1.0, 0.0, 1.0]), t(1.0)).tolist() == [5.0, 5.5]
    assert F.linear(x.t().contiguous().t(), w, b).tolist() == [[14.5, -1.5], [11.0, -5.5]]
    assert F.linear(torsh.zeros(0, 3, dtype=F64), w, b).shape == (0, 2)
    assert F.linear(torsh.zeros(2, 0, dtype=F64), torsh.zeros(2, 0, dtype=F64),
                    b).tolist() == [[0.5, -0.5], [0.5, -0.5]]


def test_linear_grads():
    x = t([[[1.0, 2.0, 3.0], [0.5, -1.0, 4.0]]], grad=True)
    w = t([[1.0, 2.0, 3.0], [0.0, 1.0, -1.0]], grad=True)
    check_grads(F.linear, x, w, t([0.5, -0.5], grad=True))
    check_grads(F.linear, x, w)


def test_linear_errors():
    with pytest.raises(RuntimeError, match="linear"):
        F.linear(t([[1.0, 2.0]]), t([[1.0, 2.0, 3.0]]))
    with pytest.raises(RuntimeError, match="linear.*dtype"):
        F.linear(t([[1.0, 2.0]]), torsh.tensor([[1.0, 2.0]]))


# ------------------------------------------------------------ regression losses

X = [0.5, -1.0, 2.0, 3.0]
Y = [1.0, -1.5, 0.0, 3.25]


@pytest.mark.parametrize("name,fn,per_element", [
    ("mse", F.mse_loss, lambda d: d * d),
    ("l1", F.l1_loss, abs),
    ("smooth_l1", F.smooth_l1_loss, lambda d: 0.5 * d * d if abs(d) < 1 else abs(d) - 0.5),
    ("smooth_l1_beta", lambda a, b, **k: F.smooth_l1_loss(a, b, beta=0.4, **k),
     lambda d: 0.5 * d * d / 0.4 if abs(d) < 0.4 else abs(d) - 0.2),
    ("huber", lambda a, b, **k: F.huber_loss(a, b, delta=0.8, **k),
     lambda d: 0.5 * d * d if abs(d) < 0.8 else 0.8 * (abs(d) - 0.4)),
])
def test_regression_losses(name, fn, per_element):
    each = [per_element(a - b) for a, b in zip(X, Y)]
    close(fn(t(X), t(Y), reduction="none"), each)
    close([fn(t(X), t(Y)).item()], [sum(each) / 4])
    close([fn(t(X), t(Y), reduction="sum").item()], [sum(each)])
    check_grads(lambda a, b: fn(a, b), t([0.5, -1.0, 2.0, 3.1], grad=True),
                t([1.0, -1.5, 0.05, 3.25], grad=True))
    assert math.isnan(fn(torsh.zeros(0, dtype=F64), torsh.zeros(0, dtype=F64)).item())


def test_weighted_mse_and_legacy_flags():
    w = t([1.0, 2.0, 0.0, 1.0])
    each = [(a - b) ** 2 for a, b in zip(X, Y)]
    expected = sum(e * v for e, v in zip(each, [1, 2, 0, 1])) / 4
    close([F.mse_loss(t(X), t(Y), weight=w).item()], [expected])
    with pytest.warns(UserWarning):
        close([F.mse_loss(t(X), t(Y), size_average=False).item()], [sum(each)])
    with pytest.raises(ValueError, match="not a valid value for reduction"):
        F.l1_loss(t(X), t(Y), reduction="avg")
    with pytest.warns(UserWarning, match="target size"):
        assert F.mse_loss(t([[1.0], [2.0]]), t([1.0, 2.0])).item() == 0.5


# ------------------------------------------------------------ binary and KL losses

def test_binary_cross_entropy():
    p, y = [0.1, 0.8, 0.5], [0.0, 1.0, 0.25]
    each = [-(b * math.log(a) + (1 - b) * math.log(1 - a)) for a, b in zip(p, y)]
    close(F.binary_cross_entropy(t(p), t(y), reduction="none"), each)
    close([F.binary_cross_entropy(t(p), t(y), t([1.0, 2.0, 3.0])).item()],
          [(each[0] + 2 * each[1] + 3 * each[2]) / 3])
    close(F.binary_cross_entropy(t([0.0, 1.0]), t([1.0, 0.0]), reduction="none"),
          [100.0, 100.0])
    check_grads(lambda a, b: F.binary_cross_entropy(a, b), t(p, grad=True), t(y, grad=True))
    with pytest.raises(RuntimeError, match="between 0 and 1"):
        F.binary_cross_entropy(t([1.5]), t([1.0]))
    with pytest.raises(ValueError, match="binary_cross_entropy"):
        F.binary_cross_entropy(t([0.5, 0.5]), t([1.0]))


def test_binary_cross_entropy_with_logits():
    x, y = [2.0, -1.0, 0.0, 800.0], [1.0, 0.0, 0.25, 0.0]
    each = [-(b * math.log(sigmoid(a)) + (1 - b) * math.log(1 - sigmoid(a)))
            for a, b in zip(x[:3], y[:3])] + [800.0]
    close(F.binary_cross_entropy_with_logits(t(x), t(y), reduction="none"), each)
    pos = t([3.0, 3.0, 3.0, 3.0])
    weighted = [-(3 * b * math.log(sigmoid(a)) + (1 - b) * math.log(1 - sigmoid(a)))
                for a, b in zip(x[:3], y[:3])]
    close(F.binary_cross_entropy_with_logits(t(x[:3]), t(y[:3]), pos_weight=pos[:3],
                                             reduction="none"), weighted)
    check_grads(lambda a, b: F.binary_cross_entropy_with_logits(a, b, pos_weight=pos[:3]),
                t(x[:3], grad=True), t(y[:3], grad=True))
    with pytest.raises(ValueError, match="must be the same as input size"):
        F.binary_cross_entropy_with_logits(t([1.0]), t([1.0, 0.0]))


def test_kl_div():
    log_q, p = [-1.2, -0.4, -2.0], [0.2, 0.0, 0.8]
    each = [b * (math.log(b) - a) if b else 0.0 for a, b in zip(log_q, p)]
    close(F.kl_div(t(log_q), t(p), reduction="none"), each)
    close([F.kl_div(t([log_q]), t([p]), reduction="batchmean").item()], [sum(each)])
    close(F.kl_div(t(log_q), t([-1.0, 0.0, 1.0]), reduction="none", log_target=True),
          [math.exp(b) * (b - a) for a, b in zip(log_q, [-1.0, 0.0, 1.0])])
    check_grads(lambda a, b: F.kl_div(a, b, reduction="sum"), t(log_q, grad=True),
                t([0.2, 0.3, 0.8], grad=True))


# ------------------------------------------------------------ nll_loss, cross_entropy

LOGITS = [[1.0, 2.0, 0.5], [0.3, -1.0, 2.0], [0.0, 0.0, 0.0]]


def log_softmax_rows(rows):
    return [[v - math.log(sum(math.exp(u) for u in row)) for v in row] for row in rows]


def test_nll_loss_values():
    x, target, w = t(LOGITS), torsh.tensor([2, 0, 1]), t([1.0, 2.0, 0.5])
    close(F.nll_loss(x, target, reduction="none"), [-0.5, -0.3, -0.0])
    close([F.nll_loss(x, target).item()], [-0.8 / 3])
    close([F.nll_loss(x, target, w).item()], [(-0.25 - 0.3) / 3.5])
    close([F.nll_loss(x, torsh.tensor([2, -100, 1]), reduction="sum").item()], [-0.5])
    close([F.nll_loss(x, torsh.tensor([2, 0, 1]), ignore_index=0).item()], [-0.25])
    assert math.isnan(F.nll_loss(x, torsh.tensor([-100] * 3)).item())
    assert F.nll_loss(t([1.0, 2.0]), torsh.tensor(1)).item() == -2.0
    spatial = t([[[1.0, 2.0], [3.0, 4.0]]])              # (N=1, C=2, d=2)
    assert F.nll_loss(spatial, torsh.tensor([[1, 0]]), reduction="none").tolist() == \
        [[-3.0, -2.0]]


def test_nll_loss_grads():
    x = t(LOGITS, grad=True)
    for kwargs in ({}, {"reduction": "sum"}, {"reduction": "none"},
                   {"weight": t([1.0, 2.0, 0.5])}):
        check_grads(lambda a: F.nll_loss(a, torsh.tensor([2, -100, 1]), **kwargs), x)
    x.grad = None
    F.nll_loss(x, torsh.tensor([-100, -100, -100])).backward()
    assert x.grad.tolist() == [[0.0] * 3] * 3


def test_nll_loss_errors():
    x = t(LOGITS)
    with pytest.raises(IndexError, match="out of bounds"):
        F.nll_loss(x, torsh.tensor([0, 3, 1]))
    with pytest.raises(ValueError, match="batch_size"):
        F.nll_loss(x, torsh.tensor([0, 1]))
    with pytest.raises(RuntimeError, match="nll_loss"):
        F.nll_loss(x, t([0.0, 1.0, 2.0]))
    with pytest.raises(RuntimeError, match="weight"):
        F.nll_loss(x, torsh.tensor([0, 1, 2]), t([1.0, 2.0]))


def test_cross_entropy_class_indices():
    x, target = t(LOGITS), torsh.tensor([2, 0, 1])
    logp = log_softmax_rows(LOGITS)
    picked = [-logp[0][2], -logp[1][0], -logp[2][1]]
    close(F.cross_entropy(x, target, reduction="none"), picked)
    close([F.cross_entropy(x, target).item()], [sum(picked) / 3])
    eps = 0.3
    smooth = [-sum(row) for row in logp]
    expected = [(1 - eps) * a + eps / 3 * b for a, b in zip(picked, smooth)]
    close(F.cross_entropy(x, target, reduction="none", label_smoothing=eps), expected)
    w = [1.0, 2.0, 0.5]
    ignored = torsh.tensor([2, -100, 1])
    nll = (0.5 * picked[0] + 2.0 * picked[2]) / 2.5
    smooth_w = sum(-sum(wc * v for wc, v in zip(w, logp[i])) for i in (0, 2)) / 2.5
    close([F.cross_entropy(x, ignored, t(w), label_smoothing=eps).item()],
          [(1 - eps) * nll + eps / 3 * smooth_w])


def test_cross_entropy_probabilities():
    x = t(LOGITS[:2])
    probs = [[0.2, 0.3, 0.5], [1.0, 0.0, 0.0]]
    logp = log_softmax_rows(LOGITS[:2])
    each = [-sum(p * v for p, v in zip(pr, lr)) for pr, lr in zip(probs, logp)]
    close(F.cross_entropy(x, t(probs), reduction="none"), each)
    close([F.cross_entropy(x, t(probs)).item()], [sum(each) / 2])
    smoothed = [[p * 0.9 + 0.1 / 3 for p in row] for row in probs]
    close([F.cross_entropy(x, t(probs), label_smoothing=0.1, reduction="sum").item()],
          [sum(-sum(p * v for p, v in zip(pr, lr)) for pr, lr in zip(smoothed, logp))])


def test_cross_entropy_grads_and_errors():
    x = t(LOGITS, grad=True)
    check_grads(lambda a: F.cross_entropy(a, torsh.tensor([2, -100, 1]), t([1.0, 2.0, 0.5]),
                                          label_smoothing=0.2), x)
    check_grads(lambda a, p: F.cross_entropy(a, p), x, t([[0.2, 0.3, 0.5]] * 3, grad=True))
    with pytest.raises(RuntimeError, match="label_smoothing"):
        F.cross_entropy(x, torsh.tensor([0, 1, 2]), label_smoothing=1.5)


# ------------------------------------------------------------ one_hot, dropout

def test_one_hot():
    assert F.one_hot(torsh.tensor([0, 2, 1])).tolist() == [[1, 0, 0], [0, 0, 1], [0, 1, 0]]
    out = F.one_hot(torsh.tensor([[1], [0]]), 3)
    assert out.dtype is torsh.int64 and out.tolist() == [[[0, 1, 0]], [[1, 0, 0]]]
    assert F.one_hot(torsh.tensor(1), 2).tolist() == [0, 1]
    assert F.one_hot(torsh.tensor([], dtype=torsh.int64), 4).shape == (0, 4)
    with pytest.raises(RuntimeError, match="smaller than num_classes"):
        F.one_hot(torsh.tensor([3]), 2)
    with pytest.raises(RuntimeError, match="non-negative"):
        F.one_hot(torsh.tensor([-1]))
    with pytest.raises(RuntimeError, match="empty"):
        F.one_hot(torsh.tensor([], dtype=torsh.int64))
    with pytest.raises(RuntimeError, match="LongTensor"):
        F.one_hot(torsh.tensor([1.0]))


def test_dropout():
    x = torsh.ones(200, dtype=F64)
    assert F.dropout(x, training=False) is x
    assert F.dropout(x, 1.0).tolist() == [0.0] * 200
    assert F.dropout(x, 0.0).tolist() == [1.0] * 200
    out = F.dropout(x, 0.25).tolist()
    assert set(out) <= {0.0, 1 / 0.75}
    assert 100 < sum(v != 0 for v in out) < 200
    leaf = t([1.0, 2.0, 3.0], grad=True)
    y = F.dropout(leaf, 0.5)
    y.sum().backward()
    assert leaf.grad.tolist() == [2.0 if v else 0.0 for v in y.tolist()]
    with pytest.raises(ValueError, match="dropout probability"):
        F.dropout(x, 1.5)
    z = torsh.ones(4)
    assert F.dropout(z, 1.0, inplace=True) is z and z.tolist() == [0.0] * 4


# ------------------------------------------------------------ conv2d, pooling

def grid(n, m, start=0.0):
    return t([[[[start + i * m + j for j in range(m)] for i in range(n)]]])


def test_conv2d_values():
    x = grid(3, 3)                                   # 0..8
    w = t([[[[1.0, 0.0], [0.0, -1.0]]]])            # x[i, j] - x[i+1, j+1]
    assert F.conv2d(x, w).tolist() == [[[[-4.0, -4.0], [-4.0, -4.0]]]]
    assert F.conv2d(x, w, t([1.0])).tolist() == [[[[-3.0, -3.0], [-3.0, -3.0]]]]
    # padding 1: corners see one cell of the kernel each
    padded = F.conv2d(x, w, padding=1).tolist()[0][0]
    assert padded[0] == [-0.0, -1.0, -2.0, 0.0] and padded[3][3] == 8.0
    assert F.conv2d(x, w, stride=2, padding=1).tolist() == [[[[0.0, -2.0], [-6.0, -4.0]]]]
    # dilation 2: x[i, j] - x[i+2, j+2]
    assert F.conv2d(x, w, dilation=2).tolist() == [[[[-8.0]]]]
    assert F.conv2d(x, w, padding="same").shape == (1, 1, 3, 3)
    assert F.conv2d(x, w, padding="same").tolist()[0][0][2] == [6.0, 7.0, 8.0]  # pads after
    assert F.conv2d(x[0], w).shape == (1, 2, 2)                                  # unbatched


def test_conv2d_groups():
    x = torsh.cat([grid(2, 2), grid(2, 2, 10.0)], 1)          # channels 0..3 and 10..13
    w = t([[[[1.0]]], [[[2.0]]]])                               # (2, 1, 1, 1), groups=2
    out = F.conv2d(x, w, groups=2).tolist()[0]
    assert out == [[[0.0, 1.0], [2.0, 3.0]], [[20.0, 22.0], [24.0, 26.0]]]


def test_conv2d_grads():
    x = t([[[[0.5, -1.0, 2.0], [0.3, 0.1, -0.7], [1.5, 0.2, -0.4]],
            [[1.0, 0.0, -2.0], [0.6, -0.3, 0.9], [0.8, -1.1, 0.25]]]], grad=True)
    w = t([[[[1.0, -0.5], [0.25, 2.0]]], [[[0.3, 0.7], [-1.2, 0.4]]]], grad=True)
    check_grads(lambda a, b, c: F.conv2d(a, b, c, padding=1, stride=2, groups=2), x, w,
                t([0.1, -0.2], grad=True))
    check_grads(lambda a, b: F.conv2d(a, b[:1].expand(1, 2, 2, 2), padding="same"), x, w)


def test_conv2d_errors():
    x, w = grid(3, 3), t([[[[1.0]]]])
    with pytest.raises(RuntimeError, match="channels"):
        F.conv2d(x, t([[[[1.0]], [[1.0]]]]))
    with pytest.raises(RuntimeError, match="strided"):
        F.conv2d(x, w, stride=2, padding="same")
    with pytest.raises(RuntimeError, match="Kernel size"):
        F.conv2d(x, torsh.ones(1, 1, 4, 4, dtype=F64))
    with pytest.raises(ValueError, match="padding string"):
        F.conv2d(x, w, padding="full")


def test_max_pool2d():
    x = grid(4, 4)
    assert F.max_pool2d(x, 2).tolist() == [[[[5.0, 7.0], [13.0, 15.0]]]]
    assert F.max_pool2d(x, 3, 2, 1).tolist() == [[[[5.0, 7.0], [13.0, 15.0]]]]
    assert F.max_pool2d(x, 3, 2, ceil_mode=True).tolist() == [[[[10.0, 11.0], [14.0, 15.0]]]]
    assert F.max_pool2d(x, 2, 1, dilation=2).tolist() == [[[[10.0, 11.0], [14.0, 15.0]]]]
    assert F.max_pool2d(-grid(2, 2), 2, padding=1).tolist() == \
        [[[[-0.0, -1.0], [-2.0, -3.0]]]]                  # padding is -inf, never the max
    assert F.max_pool2d(torsh.tensor([[[1, 5], [3, 2]]]), 2).tolist() == [[[5]]]
    check_grads(lambda a: F.max_pool2d(a, 2, 1, padding=1), x.detach().requires_grad_())
    with pytest.raises(RuntimeError, match="half of effective kernel"):
        F.max_pool2d(x, 2, padding=2)


def test_avg_pool2d():
    x = grid(4, 4)
    assert F.avg_pool2d(x, 2).tolist() == [[[[2.5, 4.5], [10.5, 12.5]]]]
    assert F.avg_pool2d(x, 2, padding=1).tolist()[0][0][0] == [0.0, 0.75, 0.75]
    assert F.avg_pool2d(x, 2, padding=1, count_include_pad=False).tolist()[0][0][0] == \
        [0.0, 1.5, 3.0]
    assert F.avg_pool2d(x, 2, divisor_override=1).tolist() == [[[[10.0, 18.0], [42.0, 50.0]]]]
    five = grid(5, 5)
    assert F.avg_pool2d(five, 2, ceil_mode=True).tolist()[0][0][2] == [20.5, 22.5, 24.0]
    check_grads(lambda a: F.avg_pool2d(a, 3, 2, 1, count_include_pad=False),
                x.detach().requires_grad_())
    assert F.avg_pool2d(torsh.ones(1, 2, 2, dtype=torsh.int64), 2).tolist() == [[[1]]]


def test_ops_are_declared_with_references():
    from torsh.nn.functional import FUNCTIONAL_OPS
    from torsh.ops import OPS
    for name in ("linear", "softmax", "log_softmax", "nll_loss", "one_hot", "gelu", "elu"):
        op = FUNCTIONAL_OPS[name]
        assert op.reference is not None and op.doc
        assert OPS[name] is op    # one registry: docs, conformance and backends see them


def test_top_level_aliases_and_softmax_methods():
    import torsh.nn.functional as F
    for name in ("conv2d", "max_pool2d", "layer_norm", "cosine_similarity", "pixel_shuffle",
                 "dropout", "prelu"):
        assert getattr(torsh, name) is getattr(F, name)
    x = torsh.tensor([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]], dtype=torsh.float64)
    assert x.softmax(1).tolist()[1] == [1 / 3] * 3
    assert x.log_softmax(dim=0).exp().sum(0).tolist() == pytest.approx([1.0] * 3)
    assert not hasattr(torsh, "embedding")     # torch.embedding takes (weight, input)
