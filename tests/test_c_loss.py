"""cross_entropy as one op (cross_entropy_loss) and nll_loss on the C kernels
(kernels/c/loss.c) against the reference: weights, ignore_index, label smoothing, the three
reductions, N-d and 1-d inputs, views, special values, the fused backward, both builds (AVX2
and portable C), large inputs on threads, and the errors.

Skipped, with the reason, where the C library is not built."""
import math

import numpy as np
import pytest

import torsh
import torsh.nn.functional as F
from torsh import backends
from torsh.backends import C_BACKEND

from checks import check_all_grads, close, same
import c_checks

pytestmark = pytest.mark.skipif(not C_BACKEND.is_available(),
                                reason=C_BACKEND.unavailable_reason())
variant = c_checks.variant          # the fixture: the loaded build and the portable one
NAN, INF = math.nan, math.inf


def loss_and_grad(backend, x, target, **kwargs):
    """(loss, dloss/dx, the calls traced) of cross_entropy on `backend`, the cotangent 0.5 +
    a ramp (so 'none' sees a different one per target)."""
    x = x.detach().requires_grad_()
    with backends.using(backend):
        with backends.trace() as forward:
            loss = F.cross_entropy(x, target, **kwargs)
        g = (torsh.arange(loss.numel(), dtype=x.dtype) * 0.25 + 0.5).reshape(loss.shape)
        with backends.trace() as backward:
            loss.backward(g)
    return loss.detach(), x.grad, forward.calls + backward.calls


def agree(variant, x, target, rtol, **kwargs):
    fast_loss, fast_grad, calls = loss_and_grad(variant, x, target, **kwargs)
    slow_loss, slow_grad, _ = loss_and_grad("reference", x, target, **kwargs)
    assert ("cross_entropy_loss", variant, "native") in calls      # a view is copied first
    assert {path for _, _, path in calls} == {"native"}, calls
    assert fast_loss.dtype == slow_loss.dtype and fast_loss.shape == slow_loss.shape
    for fast, slow in ((fast_loss, slow_loss), (fast_grad, slow_grad)):
        np.testing.assert_allclose(fast.numpy(), slow.numpy(), rtol=rtol, atol=rtol,
                                   equal_nan=True)


def weight3(dtype):
    return torsh.tensor([0.5, 2.0, 1.25], dtype=dtype)


SETTINGS = [{}, {"reduction": "sum"}, {"reduction": "none"},
            {"weight": "w", "ignore_index": 1}, {"label_smoothing": 0.2},
            {"weight": "w", "label_smoothing": 0.3, "reduction": "none"},
            {"weight": "w", "label_smoothing": 1.0, "ignore_index": 0, "reduction": "sum"}]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("settings", SETTINGS)
def test_forward_and_backward_agree_with_the_reference(variant, dtype, settings):
    dtype = getattr(torsh, dtype)
    rtol = 2e-6 if dtype is torsh.float32 else 1e-12
    kwargs = {k: weight3(dtype) if v == "w" else v for k, v in settings.items()}
    torsh.manual_seed(1)
    cases = [(torsh.randn(5, 3, dtype=dtype), torsh.tensor([0, 2, 1, 1, 2])),
             (torsh.randn(3, dtype=dtype), torsh.tensor(2)),
             (torsh.randn(2, 3, 2, 2, dtype=dtype), torsh.tensor([[[0, 1], [2, 1]],
                                                                  [[1, 1], [0, 2]]])),
             (torsh.randn(3, 4, dtype=dtype).t(), torsh.tensor([0, 1, 2, 2]))]
    for x, target in cases:
        agree(variant, x, target, rtol, **kwargs)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_long_lanes_take_the_vector_path_and_its_tails(variant, dtype):
    dtype = getattr(torsh, dtype)
    torsh.manual_seed(2)
    x = torsh.randn(3, 45, dtype=dtype) * 4      # 45 = 32 + 8 + 5 elements per lane
    weight = torsh.rand(45, dtype=dtype) + 0.5
    target = torsh.tensor([44, 0, 17])
    rtol = 2e-6 if dtype is torsh.float32 else 1e-12
    for kwargs in ({}, {"weight": weight, "label_smoothing": 0.1, "reduction": "none"}):
        agree(variant, x, target, rtol, **kwargs)


def test_hand_computed_values():
    x = torsh.tensor([[0.0, 0.0], [0.0, math.log(3.0)]], dtype=torsh.float64)
    target = torsh.tensor([0, 1])
    # -ln(1/2) and -ln(3/4)
    close(F.cross_entropy(x, target, reduction="none"), [math.log(2), math.log(4 / 3)])
    # e = 0.5: (1 - e) nll + e/2 (-ln p0 - ln p1); row 2: 0.5 ln(4/3) + 0.25 (ln 4 + ln(4/3))
    want = [math.log(2), 0.5 * math.log(4 / 3) + 0.25 * (math.log(4) + math.log(4 / 3))]
    close(F.cross_entropy(x, target, reduction="none", label_smoothing=0.5), want)
    # weights: mean divides by the kept weights' total
    w = torsh.tensor([1.0, 3.0], dtype=torsh.float64)
    close(F.cross_entropy(x, target, w), (math.log(2) + 3 * math.log(4 / 3)) / 4)
    x.requires_grad_()
    F.cross_entropy(x, target, reduction="sum").backward()
    close(x.grad, [-0.5, 0.5, 0.25, -0.25])      # softmax - one-hot


def test_ignored_targets_and_the_mean_of_nothing(variant):
    x = torsh.tensor([[1.0, 2.0, 3.0], [NAN, 0.0, 1.0]], dtype=torsh.float64)
    target = torsh.tensor([-100, -100])
    loss, grad, calls = loss_and_grad(variant, x, target)
    assert calls == [("cross_entropy_loss", variant, "native")]
    assert math.isnan(loss.item())                          # 0 / 0
    assert same(grad.tolist(), [[0.0, 0.0, 0.0], [NAN, NAN, NAN]])   # NaN lanes stay NaN
    loss, _, _ = loss_and_grad(variant, x, target, reduction="sum")
    assert same(loss.item(), 0.0)
    loss, _, _ = loss_and_grad(variant, x, torsh.tensor([2, -100]), reduction="none")
    close(loss, [math.log(1 + math.exp(-1) + math.exp(-2)), 0.0])
    # kept targets of total weight 0: the mean and its gradient are 0 / 0, as in PyTorch
    x = torsh.tensor([[1.0, 2.0, 0.5], [0.3, -1.0, 2.0], [0.0, 0.0, 0.0]], dtype=torsh.float64)
    zero = torsh.tensor([0.0, 0.0, 1.0], dtype=torsh.float64)
    for backend in (variant, "reference"):
        for smoothing in (0.0, 0.2):
            loss, grad, _ = loss_and_grad(backend, x, torsh.tensor([0, 1, -100]), weight=zero,
                                          label_smoothing=smoothing)
            assert math.isnan(loss.item())
            assert same(grad.tolist(), [[NAN] * 3, [NAN] * 3, [0.0] * 3])


def test_special_values_match_the_reference(variant):
    rows = [[NAN, 0.0, 1.0], [INF, 0.0, 1.0], [-INF, 0.0, 1.0], [-INF, -INF, -INF],
            [1000.0, -1000.0, 0.0], [-INF, 5.0, 1.0]]
    target = torsh.tensor([1, 2, 0, 1, 1, 1])
    for dtype in (torsh.float32, torsh.float64):
        x = torsh.tensor(rows, dtype=dtype)
        w = torsh.tensor([1.0, 0.0, 2.0], dtype=dtype)   # 0 * inf: NaN, as the reference
        for kwargs in ({"reduction": "none"}, {"weight": w, "label_smoothing": 0.3,
                                               "reduction": "none"}, {"reduction": "sum"}):
            fast_loss, fast_grad, _ = loss_and_grad(variant, x, target, **kwargs)
            slow_loss, slow_grad, _ = loss_and_grad("reference", x, target, **kwargs)
            np.testing.assert_allclose(fast_loss.numpy(), slow_loss.numpy(), rtol=1e-6,
                                       equal_nan=True)
            np.testing.assert_allclose(fast_grad.numpy(), slow_grad.numpy(), rtol=1e-6,
                                       atol=1e-6, equal_nan=True)


def test_empty_batch():
    x = torsh.zeros(0, 3, requires_grad=True)
    target = torsh.zeros(0, dtype=torsh.int64)
    assert math.isnan(F.cross_entropy(x, target).item())
    assert F.cross_entropy(x, target, reduction="sum").item() == 0.0
    loss = F.cross_entropy(x, target, reduction="none")
    assert tuple(loss.shape) == (0,)
    F.cross_entropy(x, target, reduction="sum").backward()
    assert tuple(x.grad.shape) == (0, 3)


def _numpy_cross_entropy(x, target, smoothing):
    m = x.max(1, keepdims=True)
    log_p = x - m - np.log(np.exp(x - m).sum(1, keepdims=True))
    rows = np.arange(len(target))
    losses = -(1 - smoothing) * log_p[rows, target] - smoothing * log_p.mean(1)
    one_hot = np.zeros_like(x)
    one_hot[rows, target] = 1
    grad = (np.exp(log_p) - (1 - smoothing) * one_hot - smoothing / x.shape[1]) / len(target)
    return losses.mean(), grad


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_a_large_input_runs_on_threads_and_agrees(dtype):
    rng = np.random.RandomState(0)
    values = rng.randn(80, 1000) * 3                 # 80000 elements: over the grain
    labels = rng.randint(0, 1000, 80)
    x = torsh.tensor(values, dtype=getattr(torsh, dtype), requires_grad=True)
    target = torsh.tensor(labels)
    with backends.trace() as trace:
        loss = F.cross_entropy(x, target, label_smoothing=0.05)
        loss.backward()
    assert trace.calls == [("cross_entropy_loss", "c", "native")]
    want_loss, want_grad = _numpy_cross_entropy(values, labels, 0.05)
    rtol = 1e-5 if dtype == "float32" else 1e-12
    assert loss.item() == pytest.approx(want_loss, rel=rtol)
    np.testing.assert_allclose(x.grad.numpy(), want_grad, rtol=rtol * 10, atol=1e-9)


def test_errors_name_the_op():
    x = torsh.randn(2, 3)
    with pytest.raises(IndexError, match="cross_entropy: Target 3 is out of bounds"):
        F.cross_entropy(x, torsh.tensor([0, 3]))
    with pytest.raises(IndexError, match="cross_entropy: Target -1 is out of bounds"):
        F.cross_entropy(x, torsh.tensor([-1, 0]), ignore_index=0)
    with pytest.raises(RuntimeError, match="cross_entropy: expected scalar type Long"):
        F.cross_entropy(x, torsh.tensor([0, 1], dtype=torsh.int32))
    with pytest.raises(ValueError, match="cross_entropy: Expected input batch_size"):
        F.cross_entropy(x, torsh.tensor([0, 1, 2]))
    with pytest.raises(RuntimeError, match="cross_entropy: weight tensor"):
        F.cross_entropy(x, torsh.tensor([0, 1]), torsh.ones(2))
    with pytest.raises(IndexError, match="nll_loss: Target 5 is out of bounds"):
        F.nll_loss(x, torsh.tensor([5, 0]))


def test_probability_targets_stay_on_the_composite():
    x = torsh.randn(2, 3)
    with backends.trace() as trace:
        F.cross_entropy(x, torsh.tensor([[0.2, 0.3, 0.5], [1.0, 0.0, 0.0]]))
    assert "cross_entropy_loss" not in [name for name, _, _ in trace.calls]


def test_nll_loss_stays_native(variant):
    x = torsh.randn(4, 3, dtype=torsh.float64)
    with backends.using(variant), backends.trace() as trace:
        F.nll_loss(x, torsh.tensor([0, 2, -100, 1]))
    assert trace.calls == [("nll_loss", variant, "native")]


def test_gradients_and_double_backward():
    torsh.manual_seed(3)
    x = torsh.randn(3, 4, dtype=torsh.float64, requires_grad=True)
    w = torsh.tensor([0.5, 1.5, 1.0, 2.0], dtype=torsh.float64, requires_grad=True)
    target = torsh.tensor([3, -100, 1])
    check_all_grads(lambda t: F.cross_entropy(t, target, label_smoothing=0.2), x)
    check_all_grads(lambda t: F.cross_entropy(t, target, w.detach(), reduction="none",
                                              label_smoothing=0.1), x)
    spatial = torsh.randn(2, 3, 2, dtype=torsh.float64, requires_grad=True)
    check_all_grads(lambda t: F.cross_entropy(t, torsh.tensor([[0, 2], [1, 1]]),
                                              reduction="sum"), spatial)
