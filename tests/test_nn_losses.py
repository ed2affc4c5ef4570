"""torsh.nn.functional's losses and distances (beyond tests/test_nn_functional.py) and the
loss and distance layers.

Expected values are written by hand from each formula (checked once against PyTorch 2.13);
every differentiable function gets a float64 gradcheck and gradgradcheck (ctc_loss: its
double backward raises, as PyTorch's).
"""
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import torsh
import torsh.nn as nn
import torsh.nn.functional as F
from checks import check_all_grads as check_grads
from checks import close
from torsh.autograd.gradcheck import gradcheck

F64 = torsh.float64


def t(values, dtype=F64, grad=False):
    return torsh.tensor(values, dtype=dtype, requires_grad=grad)


def long(values):
    return torsh.tensor(values, dtype=torsh.int64)


def sigmoid(x):
    return 1 / (1 + math.exp(-x))


# ------------------------------------------------------------ distances

def test_cosine_similarity():
    a, b = [[1.0, 2.0, 2.0], [0.0, 0.0, 0.0]], [[2.0, 0.0, 0.0], [1.0, 1.0, 0.0]]
    close(F.cosine_similarity(t(a), t(b)), [2 / (3 * 2), 0.0])
    # dim and broadcasting: each column of `a` against the one column of `c`
    c = [[1.0], [0.0]]
    close(F.cosine_similarity(t(a), t(c), dim=0), [1.0, 1.0, 1.0])
    # eps clamps each norm on its own: 1 / (max(1, 2) * max(1, 2)) for the dot 1
    close(F.cosine_similarity(t([1.0, 0.0]), t([1.0, 0.0]), dim=0, eps=2.0), [0.25])
    x = t([[0.3, -1.0, 2.0], [1e-3, 0.0, 2e-3]], grad=True)
    y = t([[1.0, 0.5, -0.5], [0.2, 0.1, 0.0]], grad=True)
    check_grads(lambda p, q: F.cosine_similarity(p, q), x, y)
    assert F.cosine_similarity(torsh.tensor([1, 2]), torsh.tensor([2.0, 4.0]), dim=0) \
        .item() == pytest.approx(1.0)
    with pytest.raises(RuntimeError, match="cosine_similarity"):
        F.cosine_similarity(torsh.tensor([1, 2]), torsh.tensor([2, 4]), dim=0)


def test_cosine_similarity_clamp_is_invisible_to_the_gradient():
    """As PyTorch 2.x: x / max(|x|, eps) differentiates |x| as if unclamped."""
    x = t([0.03, 0.04], grad=True)              # |x| = 0.05 < eps = 0.1
    F.cosine_similarity(x, t([1.0, 0.0]), dim=0, eps=0.1).backward()
    # value x0 / 0.1; d/dx_k = [k == 0] / 0.1 - x0 x_k / (0.1^2 |x|)
    close(x.grad, [1 / 0.1 - 0.03 * 0.03 / (0.01 * 0.05), -0.03 * 0.04 / (0.01 * 0.05)])


def test_pairwise_distance():
    a, b = [[1.0, 2.0], [0.0, 0.0]], [[4.0, 6.0], [0.0, 0.0]]
    close(F.pairwise_distance(t(a), t(b), eps=0.0), [5.0, 0.0])
    d = [-3.0 + 1e-6, -4.0 + 1e-6]
    close(F.pairwise_distance(t(a), t(b)), [math.hypot(*d), math.sqrt(2) * 1e-6])
    close(F.pairwise_distance(t(a), t(b), p=1, eps=0.0), [7.0, 0.0])
    close(F.pairwise_distance(t(a), t(b), p=math.inf, eps=0.0), [4.0, 0.0])
    assert F.pairwise_distance(t(a), t(b), keepdim=True).shape == (2, 1)
    assert F.pairwise_distance(t(a), t([1.0, 1.0])).shape == (2,)
    assert F.pairwise_distance(t([3.0, 4.0]), t([0.0, 0.0]), eps=0).item() == 5.0
    x, y = t(a, grad=True), t([[1.0, 2.0], [0.5, -1.0]], grad=True)
    for p in (1.0, 2.0, 3.0):
        check_grads(lambda u, v: F.pairwise_distance(u, v, p=p, eps=0.1), x, y)
    # a zero distance has gradient 0 (not NaN)
    x = t([[1.0, 2.0]], grad=True)
    F.pairwise_distance(x, t([[1.0, 2.0]]), eps=0.0).sum().backward()
    assert x.grad.tolist() == [[0.0, 0.0]]


def test_pdist():
    x = t([[0.0, 0.0], [3.0, 4.0], [0.0, 1.0]])
    close(F.pdist(x), [5.0, 1.0, math.hypot(3.0, 3.0)])   # pairs (0,1), (0,2), (1,2)
    close(F.pdist(x, p=1), [7.0, 1.0, 6.0])
    close(F.pdist(x, p=math.inf), [4.0, 1.0, 3.0])
    assert F.pdist(t([[1.0, 2.0]])).shape == (0,)
    close(F.pdist(torsh.zeros(3, 0, dtype=F64)), [0.0, 0.0, 0.0])
    check_grads(lambda a: F.pdist(a), t([[0.0, 1.0], [3.0, 4.0], [0.5, -1.0]], grad=True))
    check_grads(lambda a: F.pdist(a, p=3), t([[0.0, 1.0], [3.0, 4.0]], grad=True))
    rows = t([[1.0, 2.0], [1.0, 2.0], [1.0, 3.0]], grad=True)
    F.pdist(rows).sum().backward()                      # rows 0 and 1 coincide
    close(rows.grad, [0.0, -1.0, 0.0, -1.0, 0.0, 2.0])
    x = t([[0.0, 1.0], [2.0, 1.0]]).t()
    close(F.pdist(x), [math.sqrt(2)])                   # non-contiguous rows
    with pytest.raises(RuntimeError, match="pdist only supports 2D"):
        F.pdist(t([1.0, 2.0]))
    with pytest.raises(RuntimeError, match="pdist only supports non-negative"):
        F.pdist(x, p=-1)
    with pytest.raises(RuntimeError, match="pdist only supports floating"):
        F.pdist(long([[1, 2], [3, 4]]))


ROWS = st.lists(st.lists(st.floats(-10, 10), min_size=3, max_size=3), min_size=2, max_size=4)


@settings(max_examples=10, deadline=None)
@given(ROWS)
def test_distance_properties(rows):
    """pdist lists pairwise_distance of every pair (eps = 0); |cos| <= 1; d(x, x) = 0."""
    x = t(rows)
    pairs = [(i, j) for i in range(len(rows)) for j in range(i + 1, len(rows))]
    expected = [F.pairwise_distance(x[i], x[j], eps=0.0).item() for i, j in pairs]
    close(F.pdist(x), expected, rel=1e-9)
    assert all(abs(c) <= 1 + 1e-12 for c in F.cosine_similarity(x, x.flip(0)).tolist())
    assert F.pdist(torsh.cat([x[:1], x[:1]])).tolist() == [0.0]


# ------------------------------------------------------------ regression-like losses

def test_poisson_nll_loss():
    x, y = [0.5, -1.0, 2.0], [1.0, 0.0, 3.0]
    each = [math.exp(a) - b * a for a, b in zip(x, y)]
    close(F.poisson_nll_loss(t(x), t(y), reduction="none"), each)
    close(F.poisson_nll_loss(t(x), t(y)), [sum(each) / 3])
    rate = [0.5, 2.0, 1.5]
    each = [a - b * math.log(a + 1e-8) for a, b in zip(rate, y)]
    close(F.poisson_nll_loss(t(rate), t(y), log_input=False, reduction="sum"), [sum(each)])
    stirling = 3 * math.log(3) - 3 + 0.5 * math.log(2 * math.pi * 3)   # only y = 3 > 1
    full = F.poisson_nll_loss(t(x), t(y), full=True, reduction="none")
    close(full, [math.exp(0.5) - 0.5, math.exp(-1.0), math.exp(2.0) - 6.0 + stirling])
    check_grads(lambda a, b: F.poisson_nll_loss(a, b, full=True), t(x, grad=True),
                t([1.5, 0.5, 3.0], grad=True))
    check_grads(lambda a: F.poisson_nll_loss(a, t(y), log_input=False), t(rate, grad=True))
    with pytest.raises(ValueError, match="not a valid value for reduction"):
        F.poisson_nll_loss(t(x), t(y), reduction="avg")


def test_gaussian_nll_loss():
    x, y, v = [[1.0, 2.0], [0.0, -1.0]], [[0.5, 2.0], [1.0, 1.0]], [[0.5, 2.0], [1.0, 4.0]]
    each = [0.5 * (math.log(c) + (a - b) ** 2 / c)
            for a, b, c in zip(sum(x, []), sum(y, []), sum(v, []))]
    close(F.gaussian_nll_loss(t(x), t(y), t(v), reduction="none"), each)
    close(F.gaussian_nll_loss(t(x), t(y), t(v)), [sum(each) / 4])
    close(F.gaussian_nll_loss(t(x), t(y), t(v), full=True, reduction="sum"),
          [sum(each) + 2 * math.log(2 * math.pi)])
    # homoscedastic: one variance per row, given as (2,) or (2, 1); a float for all
    shared = F.gaussian_nll_loss(t(x), t(y), t([0.5, 1.0]), reduction="none")
    close(shared, F.gaussian_nll_loss(t(x), t(y), t([[0.5], [1.0]]), reduction="none")
          .reshape(-1).tolist())
    close(shared, F.gaussian_nll_loss(t(x), t(y), t([[0.5, 0.5], [1.0, 1.0]]),
                                      reduction="none").reshape(-1).tolist())
    close(F.gaussian_nll_loss(t(x), t(y), 1.0, reduction="sum"),
          [0.5 * sum((a - b) ** 2 for a, b in zip(sum(x, []), sum(y, [])))])
    # var is clamped to eps, and the clamp does not stop var's gradient
    close(F.gaussian_nll_loss(t([1.0]), t([0.0]), t([0.0]), eps=0.5), [0.5 * (math.log(0.5)
                                                                              + 2.0)])
    var = t([0.0], grad=True)
    F.gaussian_nll_loss(t([1.0]), t([0.0]), var, eps=0.5).backward()
    close(var.grad, [0.5 * (1 / 0.5 - 1 / 0.25)])
    check_grads(lambda a, b, c: F.gaussian_nll_loss(a, b, c), t(x, grad=True),
                t(y, grad=True), t(v, grad=True))
    with pytest.raises(ValueError, match="var is of incorrect size"):
        F.gaussian_nll_loss(t(x), t(y), t([[1.0, 1.0, 1.0]]))
    with pytest.raises(ValueError, match="var has negative"):
        F.gaussian_nll_loss(t(x), t(y), t([[1.0, -1.0], [1.0, 1.0]]))
    with pytest.raises(ValueError, match="var has negative"):
        F.gaussian_nll_loss(t(x), t(y), -1.0)


# ------------------------------------------------------------ margin and ranking losses

def test_margin_ranking_loss():
    x1, x2, y = [1.0, 0.5, -1.0], [0.0, 1.0, -2.0], [1.0, 1.0, -1.0]
    each = [max(0.0, -c * (a - b) + 0.2) for a, b, c in zip(x1, x2, y)]
    close(F.margin_ranking_loss(t(x1), t(x2), t(y), margin=0.2, reduction="none"), each)
    close(F.margin_ranking_loss(t(x1), t(x2), t(y), margin=0.2), [sum(each) / 3])
    check_grads(lambda a, b: F.margin_ranking_loss(a, b, t(y), margin=0.2),
                t(x1, grad=True), t(x2, grad=True))
    with pytest.raises(RuntimeError, match="margin_ranking_loss"):
        F.margin_ranking_loss(t(x1), t(x2), t([y]))


def test_hinge_embedding_loss():
    x, y = [0.3, 2.0, 0.5, -0.4], [1.0, -1.0, -1.0, 0.0]
    # y = 1: x; y = -1: max(0, margin - x); any other y gets both terms
    each = [0.3, 0.0, 0.5, -0.4 + 1.4]
    close(F.hinge_embedding_loss(t(x), t(y), reduction="none"), each)
    close(F.hinge_embedding_loss(t(x), t(y), margin=0.4, reduction="sum"),
          [0.3 + 0.0 + 0.0 + (-0.4 + 0.8)])
    nan_in = F.hinge_embedding_loss(t([math.inf, math.nan]), t([-1.0, 1.0]), reduction="none")
    close(nan_in, [0.0, math.nan])
    check_grads(lambda a: F.hinge_embedding_loss(a, t(y), margin=0.7), t(x, grad=True))


def test_soft_margin_loss():
    x, y = [0.5, -1.0, 2.0], [1.0, 1.0, -1.0]
    each = [math.log1p(math.exp(-a * b)) for a, b in zip(x, y)]
    close(F.soft_margin_loss(t(x), t(y), reduction="none"), each)
    close(F.soft_margin_loss(t(x), t(y)), [sum(each) / 3])
    close(F.soft_margin_loss(t([-800.0]), t([1.0]), reduction="none"), [math.inf])
    check_grads(lambda a: F.soft_margin_loss(a, t(y)), t(x, grad=True))


def test_cosine_embedding_loss():
    a, b = [[1.0, 0.0], [1.0, 1.0], [0.0, 2.0]], [[1.0, 1.0], [1.0, 1.0], [0.0, -1.0]]
    y = [1.0, -1.0, -1.0]
    cos = [1 / math.sqrt(2), 1.0, -1.0]     # up to the 1e-12 in each squared norm
    each = [1 - cos[0], max(0.0, cos[1] - 0.5), max(0.0, cos[2] - 0.5)]
    close(F.cosine_embedding_loss(t(a), t(b), t(y), margin=0.5, reduction="none"), each,
          rel=1e-9)
    close(F.cosine_embedding_loss(t(a[0]), t(b[0]), t(1.0)), [each[0]], rel=1e-9)
    # zero vectors: cos = 0 thanks to the 1e-12, no NaN
    close(F.cosine_embedding_loss(t([[0.0, 0.0]]), t([[1.0, 0.0]]), t([1.0])), [1.0])
    check_grads(lambda p, q: F.cosine_embedding_loss(p, q, t(y), margin=-0.5),
                t(a, grad=True), t([[1.0, 1.0], [2.0, 1.0], [0.5, -1.0]], grad=True))
    with pytest.raises(RuntimeError, match="1D target tensor expects 2D input"):
        F.cosine_embedding_loss(t(a[0]), t(b[0]), t([1.0]))
    with pytest.raises(RuntimeError, match="0D or 1D target"):
        F.cosine_embedding_loss(t(a), t(b), t([y]))


def test_multi_margin_loss():
    x, target = [[0.1, 0.2, 0.4, 0.8], [1.0, -1.0, 0.5, 0.1]], [3, 0]
    # sample 0: margin 1 - 0.8 + x_i for i != 3; sample 1: 1 - 1.0 + x_i for i != 0
    first = [1 - 0.8 + v for v in (0.1, 0.2, 0.4)]
    second = [max(0.0, 1 - 1.0 + v) for v in (-1.0, 0.5, 0.1)]
    close(F.multi_margin_loss(t(x), long(target), reduction="none"),
          [sum(first) / 4, sum(second) / 4])
    close(F.multi_margin_loss(t(x), long(target), p=2, reduction="sum"),
          [(sum(v * v for v in first) + sum(v * v for v in second)) / 4])
    w = [1.0, 2.0, 3.0, 0.5]
    close(F.multi_margin_loss(t(x), long(target), weight=t(w), margin=0.5),
          [(0.5 * sum(max(0.0, v - 0.5) for v in first) +
            1.0 * sum(max(0.0, v - 0.5) for v in second)) / 4 / 2])
    close(F.multi_margin_loss(t(x[0]), long(3), reduction="none"), [sum(first) / 4])
    check_grads(lambda a: F.multi_margin_loss(a, long(target), p=2, weight=t(w)),
                t(x, grad=True))
    with pytest.raises(ValueError, match="only p == 1 and p == 2"):
        F.multi_margin_loss(t(x), long(target), p=3)
    with pytest.raises(RuntimeError, match="multi_margin_loss: target out of range"):
        F.multi_margin_loss(t(x), long([4, 0]))
    with pytest.raises(RuntimeError, match="multi_margin_loss: target tensor should be 1-D"):
        F.multi_margin_loss(t(x), long([0]))
    with pytest.raises(RuntimeError, match="multi_margin_loss: inconsistent weight size"):
        F.multi_margin_loss(t(x), long(target), weight=t([1.0]))
    with pytest.raises(RuntimeError, match="multi_margin_loss: expected scalar type Long"):
        F.multi_margin_loss(t(x), t([3.0, 0.0]))


def test_multilabel_margin_loss():
    x = [[0.1, 0.2, 0.4, 0.8], [0.5, -0.5, 0.0, 1.0]]
    # Y = (3, 0) and (2, 2, 1): a class listed twice counts twice
    target = [[3, 0, -1, 1], [2, 2, 1, -1]]
    first = sum(max(0.0, 1 - (x[0][j] - x[0][i])) for j in (3, 0) for i in (1, 2))
    second = sum(max(0.0, 1 - (x[1][j] - x[1][i])) for j in (2, 2, 1) for i in (0, 3))
    close(F.multilabel_margin_loss(t(x), long(target), reduction="none"),
          [first / 4, second / 4])
    close(F.multilabel_margin_loss(t(x), long(target)), [(first + second) / 8])
    close(F.multilabel_margin_loss(t(x[0]), long(target[0]), reduction="none"), [first / 4])
    assert F.multilabel_margin_loss(t(x[0]), long(target[0]), reduction="none").shape == ()
    close(F.multilabel_margin_loss(t(x), long([[-1, 0, 1, 2]] * 2)), [0.0])
    check_grads(lambda a: F.multilabel_margin_loss(a, long(target)), t(x, grad=True))
    with pytest.raises(RuntimeError, match="multilabel_margin_loss: .*out of range"):
        F.multilabel_margin_loss(t(x), long([[4, -1, 0, 0]] * 2))
    with pytest.raises(RuntimeError, match="multilabel_margin_loss: inconsistent target"):
        F.multilabel_margin_loss(t(x), long([0, 1]))


def test_multilabel_soft_margin_loss():
    x, y = [[0.5, -1.0, 2.0], [0.0, 1.0, -0.5]], [[1.0, 0.0, 1.0], [0.0, 0.0, 1.0]]
    w = [1.0, 2.0, 0.5]

    def row(xs, ys, ws=(1.0, 1.0, 1.0)):
        return -sum(c * (b * math.log(sigmoid(a)) + (1 - b) * math.log(sigmoid(-a)))
                    for a, b, c in zip(xs, ys, ws)) / 3
    close(F.multilabel_soft_margin_loss(t(x), t(y), reduction="none"),
          [row(x[0], y[0]), row(x[1], y[1])])
    close(F.multilabel_soft_margin_loss(t(x), t(y), weight=t(w)),
          [(row(x[0], y[0], w) + row(x[1], y[1], w)) / 2])
    close(F.multilabel_soft_margin_loss(t(x[0]), t(y[0])), [row(x[0], y[0])])
    check_grads(lambda a, b: F.multilabel_soft_margin_loss(a, b, weight=t(w)),
                t(x, grad=True), t(y, grad=True))


# ------------------------------------------------------------ triplet losses

def test_triplet_margin_loss():
    a, p, n = [[0.0, 0.0], [1.0, 1.0]], [[3.0, 4.0], [1.0, 2.0]], [[1.0, 0.0], [4.0, 5.0]]
    d_ap, d_an, d_pn = [5.0, 1.0], [1.0, 5.0], [math.hypot(2, 4), math.hypot(3, 3)]
    each = [max(0.0, 1.0 + x - y) for x, y in zip(d_ap, d_an)]
    close(F.triplet_margin_loss(t(a), t(p), t(n), eps=0.0, reduction="none"), each)
    swapped = [max(0.0, 1.0 + x - min(y, z)) for x, y, z in zip(d_ap, d_an, d_pn)]
    close(F.triplet_margin_loss(t(a), t(p), t(n), eps=0.0, swap=True, reduction="sum"),
          [sum(swapped)])
    close(F.triplet_margin_loss(t(a), t(p), t(n), p=1, eps=0.0, margin=2.0),
          [(max(0.0, 2 + 7 - 1) + max(0.0, 2 + 1 - 7)) / 2])
    check_grads(lambda x, y, z: F.triplet_margin_loss(x, y, z, margin=5.0, swap=True),
                t(a, grad=True), t(p, grad=True), t(n, grad=True))
    with pytest.raises(ValueError, match="margin must be greater than 0"):
        F.triplet_margin_loss(t(a), t(p), t(n), margin=0.0)
    with pytest.raises(RuntimeError, match="same number of dimensions"):
        F.triplet_margin_loss(t(a), t(p), t(n[0]))


def test_triplet_margin_with_distance_loss():
    a, p, n = [[0.0, 0.0], [1.0, 1.0]], [[3.0, 4.0], [1.0, 2.0]], [[1.0, 0.0], [4.0, 5.0]]
    default = F.triplet_margin_with_distance_loss(t(a), t(p), t(n), reduction="none")
    close(default, F.triplet_margin_loss(t(a), t(p), t(n), reduction="none").tolist())

    def l1(x, y):
        return (x - y).abs().sum(-1)
    close(F.triplet_margin_with_distance_loss(t(a), t(p), t(n), distance_function=l1,
                                              margin=2.0, swap=True, reduction="none"),
          [max(0.0, 2 + 7 - min(1, 6)), max(0.0, 2 + 1 - min(7, 6))])
    check_grads(lambda x, y, z: F.triplet_margin_with_distance_loss(
        x, y, z, distance_function=nn.PairwiseDistance(p=3), margin=4.0),
        t(a, grad=True), t(p, grad=True), t(n, grad=True))
    with pytest.raises(ValueError, match="not a valid value for reduction"):
        F.triplet_margin_with_distance_loss(t(a), t(p), t(n), reduction="avg")
    with pytest.raises(ValueError, match="margin must be greater than 0"):
        F.triplet_margin_with_distance_loss(t(a), t(p), t(n), margin=-1.0)


# ------------------------------------------------------------ ctc_loss

def _log_probs(rows):
    """(T, 1, C) log-probabilities from per-frame probability rows."""
    return t([[[math.log(v) for v in row]] for row in rows])


def test_ctc_loss_values():
    # T = 2, classes (blank, a): the alignments of "a" are aa, -a, a-
    probs = [[0.6, 0.4], [0.3, 0.7]]
    p = 0.4 * 0.7 + 0.6 * 0.7 + 0.4 * 0.3
    lp = _log_probs(probs)
    close(F.ctc_loss(lp, long([[1]]), [2], [1], reduction="none"), [-math.log(p)])
    close(F.ctc_loss(lp, long([[1]]), [2], [1]), [-math.log(p)])      # divided by length 1
    # the empty target: blanks only
    close(F.ctc_loss(lp, long([[1]]), [2], [0], reduction="sum"), [-math.log(0.6 * 0.3)])
    # "aa" needs a blank between: a-a, impossible in 2 frames
    impossible = F.ctc_loss(lp, long([[1, 1]]), [2], [2], reduction="none")
    assert impossible.tolist() == [math.inf]
    assert F.ctc_loss(lp, long([[1, 1]]), [2], [2], zero_infinity=True).item() == 0.0
    # blank = 1: the label is class 0
    close(F.ctc_loss(lp, long([[0]]), [2], [1], blank=1, reduction="sum"),
          [-math.log(0.6 * 0.3 + 0.4 * 0.3 + 0.6 * 0.7)])
    # only the first input_length frames count
    close(F.ctc_loss(lp, long([[1]]), [1], [1], reduction="sum"), [-math.log(0.4)])


def test_ctc_loss_layouts_and_reductions():
    torsh.manual_seed(0)
    lp = F.log_softmax(torsh.randn(5, 2, 4, dtype=F64), 2)
    padded, joined = long([[1, 2, 2], [3, 1, 0]]), long([1, 2, 2, 3, 1])
    lengths, inputs = long([3, 2]), long([5, 4])
    each = F.ctc_loss(lp, padded, inputs, lengths, reduction="none")
    close(F.ctc_loss(lp, joined, (5, 4), [3, 2], reduction="none"), each.tolist())
    close(F.ctc_loss(lp, padded, inputs, lengths), [(each[0] / 3 + each[1] / 2).item() / 2])
    close(F.ctc_loss(lp, padded, inputs, lengths, reduction="sum"), [each.sum().item()])
    single = F.ctc_loss(lp[:, 0], padded[0], 5, 3, reduction="none")
    assert single.shape == ()
    close(single, [each[0].item()])
    close(F.ctc_loss(lp.float(), padded.int(), inputs, lengths, reduction="none"),
          each.tolist(), rel=1e-6)


def test_ctc_loss_gradient():
    torsh.manual_seed(1)
    logits = torsh.randn(4, 2, 3, dtype=F64, requires_grad=True)
    targets, inputs, lengths = long([[1, 2], [2, 2]]), [4, 4], [2, 1]

    def loss(x, reduction="mean"):
        return F.ctc_loss(F.log_softmax(x, 2), targets, inputs, lengths, reduction=reduction)
    assert gradcheck(loss, (logits,))
    # PyTorch's gradient w.r.t. log_probs: e^lp - (occupancy of c at t); here the frames
    # beyond input_length 3 of sample 1 get 0
    lp = F.log_softmax(logits, 2).detach().requires_grad_()
    F.ctc_loss(lp, targets, [4, 3], lengths, reduction="sum").backward()
    assert lp.grad[3, 1].tolist() == [0.0, 0.0, 0.0]
    occupancy = lp.exp() - lp.grad                    # sums to 1 over classes per frame
    close(occupancy[:3].sum(2), [1.0] * 6, rel=1e-9)
    # its double backward is not implemented, as PyTorch's
    (g,) = torsh.autograd.grad(loss(logits), (logits,), create_graph=True)
    with pytest.raises(RuntimeError, match="ctc_loss"):
        g.sum().backward()


def test_ctc_loss_zero_infinity_gradient():
    lp = _log_probs([[0.6, 0.4], [0.3, 0.7]]).requires_grad_()
    F.ctc_loss(lp, long([[1, 1]]), [2], [2], zero_infinity=True).backward()
    assert lp.grad.reshape(-1).tolist() == [0.0] * 4


def test_ctc_loss_errors():
    lp = F.log_softmax(torsh.zeros(3, 2, 4, dtype=F64), 2)
    targets = long([[1, 2], [3, 1]])
    with pytest.raises(RuntimeError, match="blank must be in label range"):
        F.ctc_loss(lp, targets, [3, 3], [2, 2], blank=4)
    with pytest.raises(RuntimeError, match="input_lengths must be of size batch_size"):
        F.ctc_loss(lp, targets, [3, 3, 3], [2, 2])
    with pytest.raises(RuntimeError, match="input_lengths to have value at most 3"):
        F.ctc_loss(lp, targets, [4, 3], [2, 2])
    with pytest.raises(RuntimeError, match="target_lengths to have value at least 0"):
        F.ctc_loss(lp, targets, [3, 3], [2, -1])
    with pytest.raises(RuntimeError, match="size at least 3 at dimension 1"):
        F.ctc_loss(lp, targets, [3, 3], [3, 2])
    with pytest.raises(RuntimeError, match="size 5 at dimension 0"):
        F.ctc_loss(lp, long([1, 2, 3]), [3, 3], [3, 2])
    with pytest.raises(IndexError, match="ctc_loss: target label 4"):
        F.ctc_loss(lp, long([[1, 4], [3, 1]]), [3, 3], [2, 2])
    # padding is never read: -1 is fine there
    F.ctc_loss(lp, long([[1, -1], [3, 1]]), [3, 3], [1, 2])
    with pytest.raises(NotImplementedError, match="ctc_loss"):
        F.ctc_loss(long([[[0, 0]]]), targets, [1], [1])
    with pytest.raises(ValueError, match="not a valid value for reduction"):
        F.ctc_loss(lp, targets, [3, 3], [2, 2], reduction="avg")


# ------------------------------------------------------------ existing losses, N-d inputs

def test_cross_entropy_nd_matches_flattened():
    torsh.manual_seed(2)
    x = torsh.randn(2, 3, 2, 2, dtype=F64)
    target = long([[[0, 2], [-100, 1]], [[1, 1], [2, 0]]])
    w = t([0.5, 2.0, 1.0])
    flat_x = x.permute(0, 2, 3, 1).reshape(-1, 3)
    flat_t = target.reshape(-1)
    for kwargs in ({}, {"weight": w}, {"label_smoothing": 0.2, "weight": w},
                   {"reduction": "sum", "label_smoothing": 0.1}):
        close(F.cross_entropy(x, target, **kwargs), F.cross_entropy(flat_x, flat_t, **kwargs)
              .reshape(-1).tolist(), rel=1e-10)
    close(F.nll_loss(x, target, w, reduction="none"),
          F.nll_loss(flat_x, flat_t, w, reduction="none").tolist())
    check_grads(lambda a: F.cross_entropy(a, target, w, label_smoothing=0.3),
                x.clone().requires_grad_())


def test_kl_div_mean_warns_like_pytorch():
    with pytest.warns(UserWarning, match="'batchmean' divides only by the batch size"):
        F.kl_div(t([-1.0, -2.0]), t([0.5, 0.5]))


# ------------------------------------------------------------ layers

LAYERS = [   # (layer, functional equivalent, inputs)
    (nn.L1Loss(reduction="sum"), lambda a, b: F.l1_loss(a, b, reduction="sum"), "xy"),
    (nn.MSELoss(), F.mse_loss, "xy"),
    (nn.SmoothL1Loss(beta=0.5), lambda a, b: F.smooth_l1_loss(a, b, beta=0.5), "xy"),
    (nn.HuberLoss(delta=0.5), lambda a, b: F.huber_loss(a, b, delta=0.5), "xy"),
    (nn.PoissonNLLLoss(full=True), lambda a, b: F.poisson_nll_loss(a, b, full=True), "xp"),
    (nn.GaussianNLLLoss(full=True), lambda a, b, v: F.gaussian_nll_loss(a, b, v, full=True),
     "xyp"),
    (nn.KLDivLoss(reduction="batchmean"), lambda a, b: F.kl_div(a, b, reduction="batchmean"),
     "xp"),
    (nn.BCELoss(weight=t([1.0, 2.0, 3.0])),
     lambda a, b: F.binary_cross_entropy(a, b, t([1.0, 2.0, 3.0])), "uu"),
    (nn.BCEWithLogitsLoss(pos_weight=t([1.0, 2.0, 3.0])),
     lambda a, b: F.binary_cross_entropy_with_logits(a, b, pos_weight=t([1.0, 2.0, 3.0])),
     "xu"),
    (nn.SoftMarginLoss(), F.soft_margin_loss, "xs"),
    (nn.HingeEmbeddingLoss(margin=0.5), lambda a, b: F.hinge_embedding_loss(a, b, 0.5), "xs"),
    (nn.MultiLabelSoftMarginLoss(weight=t([1.0, 0.5, 2.0])),
     lambda a, b: F.multilabel_soft_margin_loss(a, b, t([1.0, 0.5, 2.0])), "xu"),
    (nn.CosineEmbeddingLoss(margin=0.1),
     lambda a, b, y: F.cosine_embedding_loss(a, b, y, 0.1), "xyr"),
    (nn.MarginRankingLoss(margin=0.1), lambda a, b, y: F.margin_ranking_loss(a, b, y, 0.1),
     "xys"),
    (nn.TripletMarginLoss(p=1.0, swap=True),
     lambda a, b, c: F.triplet_margin_loss(a, b, c, p=1.0, swap=True), "xyx"),
    (nn.TripletMarginWithDistanceLoss(margin=0.5),
     lambda a, b, c: F.triplet_margin_with_distance_loss(a, b, c, margin=0.5), "xyx"),
    (nn.CosineSimilarity(dim=0), lambda a, b: F.cosine_similarity(a, b, 0), "xy"),
    (nn.PairwiseDistance(p=1.0, keepdim=True),
     lambda a, b: F.pairwise_distance(a, b, 1.0, keepdim=True), "xy"),
]
_INPUTS = {"x": [[0.5, -1.0, 2.0], [0.0, 1.0, -0.5]], "y": [[1.0, 0.0, 1.5], [0.2, 2.0, 0.0]],
           "p": [[0.5, 1.0, 3.0], [2.0, 0.0, 1.0]], "u": [[0.2, 0.9, 0.5], [0.7, 0.1, 1.0]],
           "s": [[1.0, -1.0, 1.0], [-1.0, -1.0, 1.0]], "r": [1.0, -1.0]}


@pytest.mark.parametrize("layer, functional, kinds", LAYERS,
                         ids=[type(entry[0]).__name__ for entry in LAYERS])
def test_layers_call_their_functional(layer, functional, kinds):
    inputs = [t(_INPUTS[k]) for k in kinds]
    close(layer(*inputs), functional(*inputs).reshape(-1).tolist())
    assert repr(layer).startswith(type(layer).__name__ + "(")


def test_classification_layers():
    x = t([[0.5, -1.0, 2.0, 0.0], [0.0, 1.0, -0.5, 0.3]])
    target, w = long([3, 1]), t([1.0, 2.0, 0.5, 1.5])
    ce = nn.CrossEntropyLoss(weight=w, ignore_index=1, label_smoothing=0.1)
    close(ce(x, target), F.cross_entropy(x, target, w, ignore_index=1, label_smoothing=0.1)
          .reshape(-1).tolist())
    close(nn.NLLLoss(w, reduction="none")(x, target), F.nll_loss(x, target, w,
                                                                   reduction="none").tolist())
    close(nn.MultiMarginLoss(p=2, margin=0.5, weight=w)(x, target),
          [F.multi_margin_loss(x, target, 2, 0.5, w).item()])
    labels = long([[3, 0, -1, 0], [1, -1, 0, 0]])
    close(nn.MultiLabelMarginLoss()(x, labels), [F.multilabel_margin_loss(x, labels).item()])
    lp = F.log_softmax(torsh.zeros(3, 1, 3, dtype=F64), 2)
    close(nn.CTCLoss(blank=2, reduction="sum")(lp, long([[0, 1]]), [3], [2]),
          [F.ctc_loss(lp, long([[0, 1]]), [3], [2], blank=2, reduction="sum").item()])


def test_loss_layer_buffers_and_state_dict():
    w = torsh.tensor([1.0, 2.0])
    ce = nn.CrossEntropyLoss(weight=w)
    assert list(ce.state_dict()) == ["weight"] and ce.weight is w
    assert list(nn.CrossEntropyLoss().state_dict()) == []
    assert ce.double().weight.dtype == F64
    bce = nn.BCEWithLogitsLoss(pos_weight=torsh.ones(2))
    assert list(bce.state_dict()) == ["pos_weight"]
    assert list(nn.BCEWithLogitsLoss(torsh.ones(2), pos_weight=torsh.ones(2)).state_dict()) \
        == ["weight", "pos_weight"]
    for layer in (nn.NLLLoss(w), nn.BCELoss(w), nn.MultiLabelSoftMarginLoss(w),
                  nn.MultiMarginLoss(weight=w)):
        assert [name for name, _ in layer.named_buffers()] == ["weight"]
        assert list(layer.parameters()) == []
    assert repr(nn.CrossEntropyLoss(weight=w)) == "CrossEntropyLoss()"
    assert repr(nn.TripletMarginWithDistanceLoss()) == \
        "TripletMarginWithDistanceLoss(\n  (distance_function): PairwiseDistance()\n)"
    assert nn.PairwiseDistance(p=3.0).norm == 3.0


def test_loss_layer_settings():
    assert nn.CrossEntropyLoss().ignore_index == -100
    assert nn.CrossEntropyLoss().label_smoothing == 0.0
    assert nn.PoissonNLLLoss().log_input and nn.PoissonNLLLoss().eps == 1e-8
    assert nn.GaussianNLLLoss().eps == 1e-6
    assert nn.TripletMarginLoss().p == 2.0 and nn.TripletMarginLoss().eps == 1e-6
    assert nn.CosineSimilarity().dim == 1 and nn.CosineSimilarity().eps == 1e-8
    assert nn.CTCLoss().blank == 0 and not nn.CTCLoss().zero_infinity
    with pytest.warns(UserWarning, match="reduction='sum'"):
        assert nn.L1Loss(size_average=False).reduction == "sum"
    with pytest.warns(UserWarning):
        assert nn.NLLLoss(reduce=False).reduction == "none"
    with pytest.raises(ValueError, match="only p == 1 and p == 2"):
        nn.MultiMarginLoss(p=3)
    with pytest.raises(ValueError, match="MultiMarginLoss: expected weight to be None or 1D"):
        nn.MultiMarginLoss(weight=torsh.ones(2, 2))
    with pytest.raises(ValueError, match="TripletMarginLoss: expected margin"):
        nn.TripletMarginLoss(margin=0.0)
    with pytest.raises(ValueError, match="TripletMarginWithDistanceLoss: expected margin"):
        nn.TripletMarginWithDistanceLoss(margin=-1.0)
    with pytest.raises(ValueError, match="not a valid value for reduction"):
        nn.L1Loss(reduction="avg")(t([1.0]), t([1.0]))


def test_layers_train_a_step():
    """A layer's weight buffer moves with .double(); the loss backpropagates into a model."""
    torsh.manual_seed(3)
    model = nn.Linear(3, 4).double()
    loss_fn = nn.CrossEntropyLoss(weight=torsh.tensor([1.0, 1.0, 2.0, 0.5])).double()
    loss = loss_fn(model(torsh.randn(5, 3, dtype=F64)), long([0, 1, 2, 3, 2]))
    loss.backward()
    assert model.weight.grad.shape == (4, 3)
