"""The C normalization and loss kernels (kernels/c/norm.c, loss.c): layer_norm, rms_norm,
group_norm, batch_norm and their fused backward ops, nll_loss and its fused backward, against
the reference on small cases (views, special values, empty inputs) and against numpy on rows
long enough for the vectorised and threaded paths. The whole file runs again on the portable
build (a subprocess).

Skipped, with the reason, where the library is not built."""
import math
import os

import numpy as np
import pytest

import torsh
import torsh.nn.functional as F
from torsh.backends import C_BACKEND
from torsh.dispatch import dispatch
from torsh.nn.functional.normalization import _LAYER_NORM_BACKWARD as LAYER_NORM_BACKWARD

from c_checks import portable_rerun

pytestmark = pytest.mark.skipif(not C_BACKEND.is_available(),
                                reason=C_BACKEND.unavailable_reason())
HERE = os.path.dirname(os.path.abspath(__file__))
DTYPES = [torsh.float32, torsh.float64]
FUSED = ("layer_norm_backward",)       # the gradients of layer / rms norm run in one kernel


def tol(dtype):
    return dict(rtol=2e-5, atol=2e-6) if dtype is torsh.float32 else dict(rtol=1e-12,
                                                                          atol=1e-13)


def run(fn, backend):
    """fn()'s outputs and the gradients of its inputs, on one backend, with the ops seen."""
    with torsh.backends.using(backend), torsh.backends.trace() as seen:
        out = fn()
    return out, seen.calls


def agree(fn, dtype, native=(), fused=()):
    """fn() on C equals fn() on the reference; the ops in `native` ran natively on C, and the
    ops in `fused` did not run at all (a fused backward kernel did their work)."""
    fast, calls = run(fn, "c")
    slow, _ = run(fn, "reference")
    fast = fast if isinstance(fast, (tuple, list)) else (fast,)
    slow = slow if isinstance(slow, (tuple, list)) else (slow,)
    for a, b in zip(fast, slow):
        assert a.shape == b.shape and a.dtype == b.dtype
        np.testing.assert_allclose(a.numpy(), b.numpy(), **tol(dtype))
    for name in native:
        assert (name, "c", "native") in calls, (name, calls)
    for name in fused:
        assert not [call for call in calls if call[0] == name], (name, calls)


def grads(fn, *tensors):
    """fn(*leaves) and the leaves' gradients for a fixed cotangent (no graph of them)."""
    def go():
        leaves = [t.detach().requires_grad_() for t in tensors]
        y = fn(*leaves)
        y.backward(torsh.linspace(-1, 1, y.numel(), dtype=y.dtype).reshape(y.shape))
        return [y.detach()] + [leaf.grad for leaf in leaves]
    return go


def data(*shape, dtype=torsh.float64, offset=0.0, seed=0):
    torsh.manual_seed(seed)
    return torsh.randn(*shape, dtype=dtype) + offset


# ------------------------------------------------------------ layer / rms / group norm

@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape,normalized", [((3, 5), (5,)), ((2, 3, 4), (3, 4)),
                                              ((4, 40), (40,)), ((7,), (7,))])
def test_layer_norm_and_backward_match_the_reference(dtype, shape, normalized):
    x = data(*shape, dtype=dtype, offset=3.0)
    w, b = data(*normalized, dtype=dtype, seed=1), data(*normalized, dtype=dtype, seed=2)
    agree(grads(lambda x, w, b: F.layer_norm(x, normalized, w, b), x, w, b), dtype,
          ("layer_norm",), FUSED)
    agree(grads(lambda x: F.layer_norm(x, normalized), x), dtype, ("layer_norm",), FUSED)
    agree(grads(lambda x, w: F.rms_norm(x, normalized, w), x, w), dtype, ("rms_norm",),
          FUSED)
    agree(lambda: dispatch(LAYER_NORM_BACKWARD, x * 0.5, x, w, normalized_shape=normalized,
                           eps=1e-5, centre=True), dtype, ("layer_norm_backward",))


@pytest.mark.parametrize("dtype", DTYPES)
def test_row_norms_on_views_special_values_and_empty(dtype):
    x = data(6, 5, dtype=dtype)
    agree(lambda: F.layer_norm(x.t(), (6,)), dtype, ("layer_norm",))
    agree(lambda: F.layer_norm(x[::2, 1:], (4,)), dtype, ("layer_norm",))
    agree(lambda: F.rms_norm(x.t()[1:], (6,), eps=0.0), dtype, ("rms_norm",))
    special = torsh.tensor([[1.0, float("nan"), 2.0], [float("inf"), 1.0, 0.0],
                            [-0.0, -0.0, -0.0], [5.0, 5.0, 5.0]], dtype=dtype)
    agree(lambda: F.layer_norm(special, (3,)), dtype, ("layer_norm",))
    agree(lambda: F.layer_norm(special, (3,), eps=0.0), dtype, ("layer_norm",))
    agree(lambda: F.rms_norm(special, (3,)), dtype, ("rms_norm",))
    assert [str(v) for v in F.rms_norm(special[2:3], (3,)).tolist()[0]] == ["-0.0"] * 3
    agree(lambda: F.layer_norm(torsh.zeros(0, 3, dtype=dtype), (3,)), dtype)
    agree(grads(lambda x: F.layer_norm(x, (3,)), torsh.zeros(0, 3, dtype=dtype)), dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape,groups", [((2, 6, 3), 3), ((3, 4), 2), ((2, 4, 2, 2), 1),
                                          ((1, 6, 5), 6)])
def test_group_norm_and_backward_match_the_reference(dtype, shape, groups):
    x = data(*shape, dtype=dtype, offset=-2.0)
    w, b = data(shape[1], dtype=dtype, seed=1), data(shape[1], dtype=dtype, seed=2)
    agree(grads(lambda x, w, b: F.group_norm(x, groups, w, b), x, w, b), dtype,
          ("group_norm", "group_norm_backward"))
    agree(grads(lambda x: F.group_norm(x, groups), x), dtype, ("group_norm",))
    agree(lambda: F.group_norm(x.transpose(0, -1).transpose(0, -1) * 1.0, groups), dtype)


def _numpy_layer_norm(x, w, b, eps=1e-5):
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * w + b


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("size,offset", [(1024, 0.0), (333, 100.0), (64, -1e4)])
def test_long_rows_take_the_vectorised_threaded_path(dtype, size, offset):
    """Rows long enough for the AVX2 loops, enough of them for threads; a large common
    offset (the float32 path subtracts the mean in two parts)."""
    rows = 70_000 // size + 1
    rng = np.random.default_rng(0)
    xs = rng.standard_normal((rows, size)) + offset
    ws, bs = rng.standard_normal(size), rng.standard_normal(size)
    x, w, b = (torsh.from_numpy(a).to(dtype) for a in (xs, ws, bs))
    want = _numpy_layer_norm(x.numpy().astype(np.float64), w.numpy().astype(np.float64),
                             b.numpy().astype(np.float64))
    got = F.layer_norm(x, (size,), w, b).numpy()
    limit = dict(rtol=3e-5, atol=3e-5) if dtype is torsh.float32 else dict(rtol=1e-9,
                                                                          atol=1e-9)
    np.testing.assert_allclose(got, want, **limit)
    leaves = [t.detach().requires_grad_() for t in (x, w, b)]
    F.layer_norm(leaves[0], (size,), leaves[1], leaves[2]).sum().backward()
    xd, wd = x.numpy().astype(np.float64), w.numpy().astype(np.float64)
    centred = xd - xd.mean(-1, keepdims=True)
    rstd = 1 / np.sqrt((centred ** 2).mean(-1, keepdims=True) + 1e-5)
    xhat = centred * rstd
    dx = rstd * (wd - wd.mean() - xhat * (wd * xhat).mean(-1, keepdims=True))
    np.testing.assert_allclose(leaves[0].grad.numpy(), dx, **limit)
    np.testing.assert_allclose(leaves[1].grad.numpy(), xhat.sum(0), **limit)
    np.testing.assert_allclose(leaves[2].grad.numpy(), np.full(size, rows), rtol=1e-6)


def test_long_row_backward_special_rows_and_grouped_weights():
    """The float32 vector backward next to rows it leaves to the double path (NaN, inf,
    huge values) in one call; rms_norm; group norm with one value per channel (rows of
    `chans` values, group r % G's weights), rows with a tail past the vector loops."""
    rng = np.random.default_rng(5)
    xs = rng.standard_normal((6, 75)) + 3.0
    xs[1, 10] = np.nan
    xs[2, 5] = np.inf
    xs[3] *= 1e31
    xs[4] = (xs[4] - 3.0) * 1e20                   # squares past float32's range
    x = torsh.from_numpy(xs).to(torsh.float32)
    w, b = (torsh.from_numpy(rng.standard_normal(75)).to(torsh.float32) for _ in range(2))
    agree(grads(lambda x, w, b: F.layer_norm(x, (75,), w, b), x, w, b), torsh.float32,
          ("layer_norm",), FUSED)
    agree(lambda: dispatch(LAYER_NORM_BACKWARD, x.cos(), x, w, normalized_shape=(75,),
                           eps=1e-5, centre=True), torsh.float32, ("layer_norm_backward",))
    agree(lambda: dispatch(LAYER_NORM_BACKWARD, x.cos(), x, normalized_shape=(75,),
                           eps=1e-5, centre=True), torsh.float32, ("layer_norm_backward",))
    clean = x[[0, 5]]
    agree(grads(lambda x, w: F.rms_norm(x, (75,), w), clean, w), torsh.float32,
          ("rms_norm",), FUSED)
    agree(grads(lambda x: F.layer_norm(x, (75,)), clean), torsh.float32)
    channels = torsh.from_numpy(rng.standard_normal((5, 144))).to(torsh.float32)
    gw, gb = (torsh.from_numpy(rng.standard_normal(144)).to(torsh.float32) for _ in range(2))
    agree(grads(lambda x, w, b: F.group_norm(x, 3, w, b), channels, gw, gb), torsh.float32,
          ("group_norm", "group_norm_backward"))


def _numpy_row_grads(x, g, w, centre=True):
    """(dx, dw, db) of layer_norm (centre) or rms_norm over the last dim, in float64, with
    their default eps (float32's eps for rms_norm)."""
    eps = 1e-5 if centre else float(np.finfo(np.float32).eps)
    x, g = x.astype(np.float64), g.astype(np.float64)
    w = np.ones(x.shape[-1]) if w is None else w.astype(np.float64)
    centred = x - x.mean(-1, keepdims=True) if centre else x
    rstd = 1 / np.sqrt((centred ** 2).mean(-1, keepdims=True) + eps)
    xhat, gw = centred * rstd, g * w
    dx = gw - xhat * (gw * xhat).mean(-1, keepdims=True)
    if centre:
        dx = dx - gw.mean(-1, keepdims=True)
    return rstd * dx, (g * xhat).sum(0), g.sum(0)


@pytest.mark.parametrize("threads", [1, 2])
def test_fused_gradient_skips_the_parameter_sums_it_does_not_need(threads):
    """layer_norm / rms_norm gradients on long float32 rows (the vector path, streamed dx):
    without weight and bias, with parameters that need no gradient, and with one of them."""
    rng = np.random.default_rng(3)
    xs = (rng.standard_normal((2100, 1024)) * 2.0 + 5.0).astype(np.float32)
    gs = rng.standard_normal((2100, 1024)).astype(np.float32)
    ws, bs = rng.standard_normal(1024).astype(np.float32), rng.standard_normal(1024)
    limit = dict(rtol=1e-4, atol=2e-5)
    before = torsh.get_num_threads()
    torsh.set_num_threads(threads)
    try:
        for centre, fn in ((True, F.layer_norm), (False, F.rms_norm)):
            for wanted in ("none", "frozen", "weight", "bias"):
                if not centre and wanted == "bias":
                    continue
                x = torsh.from_numpy(xs.copy()).requires_grad_()
                w = torsh.from_numpy(ws.copy()).requires_grad_(wanted == "weight")
                b = torsh.from_numpy(bs.astype(np.float32)).requires_grad_(wanted == "bias")
                params = [] if wanted == "none" else [w] if not centre else [w, b]
                leaves = [x] + [p for p in params if p.requires_grad]
                y = fn(x, (1024,), *params)
                got = torsh.autograd.grad(y, leaves, torsh.from_numpy(gs))
                dx, dw, db = _numpy_row_grads(xs, gs, None if wanted == "none" else ws, centre)
                np.testing.assert_allclose(got[0].numpy(), dx, **limit)
                if wanted in ("weight", "bias"):
                    want = dw if wanted == "weight" else db
                    np.testing.assert_allclose(got[1].numpy(), want, rtol=1e-4, atol=2e-3)
    finally:
        torsh.set_num_threads(before)


def test_one_pass_row_moments_fall_back_where_the_first_value_is_far_off():
    """The float32 backward takes a row's moments in one pass shifted by its first value;
    a first value far from the mean (an outlier, a tiny spread on a large offset) makes it
    take the two-pass moments instead, with the same accuracy."""
    rng = np.random.default_rng(4)
    xs = rng.standard_normal((64, 256)).astype(np.float32)
    xs[0:8, 0] = 60.0                                  # 60 std from the others
    xs[8:16] = 1e4 + xs[8:16] * 1e-2                   # tiny spread, x[0] within it
    xs[16:24, 0] += 3.5                                # just inside 4 std
    xs[24:32] = -xs[24:32] * 1e-30                     # tiny values
    gs = rng.standard_normal((64, 256)).astype(np.float32)
    for centre, fn in ((True, F.layer_norm), (False, F.rms_norm)):
        x = torsh.from_numpy(xs.copy()).requires_grad_()
        (got,) = torsh.autograd.grad(fn(x, (256,)), (x,), torsh.from_numpy(gs))
        want = _numpy_row_grads(xs, gs, None, centre)[0]
        error = np.abs(got.numpy() - want) / np.abs(want).max(-1, keepdims=True)
        assert error.max() < 2e-5, (centre, error.max(-1))


def test_fused_gradient_declines_what_it_does_not_serve():
    """Mixed dtypes and a gradient graph (create_graph) take the op's backward formula."""
    x = data(4, 6, dtype=torsh.float32).requires_grad_()
    w = data(6, dtype=torsh.float64, seed=1)
    half = x.detach().to(torsh.float16).requires_grad_()
    y = F.layer_norm(half, (6,), w.to(torsh.float32))
    (gh,) = torsh.autograd.grad(y.float().sum(), (half,))
    assert gh.dtype is torsh.float16 and gh.shape == (4, 6)
    (gx,) = torsh.autograd.grad(F.layer_norm(x, (6,)).pow(2).sum(), (x,), create_graph=True)
    (gg,) = torsh.autograd.grad(gx.sum(), (x,))
    with torsh.backends.using("reference"):
        xr = x.detach().requires_grad_()
        (rx,) = torsh.autograd.grad(F.layer_norm(xr, (6,)).pow(2).sum(), (xr,),
                                    create_graph=True)
        (rg,) = torsh.autograd.grad(rx.sum(), (xr,))
    np.testing.assert_allclose(gx.detach().numpy(), rx.detach().numpy(), rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(gg.numpy(), rg.numpy(), rtol=1e-3, atol=1e-4)


def test_zero_rows_give_positive_zeros_without_bias():
    """y = (x - mean) rstd w + b adds b = 0 when there is no bias: -0.0 comes out as 0.0."""
    for size in (5, 9, 41):
        x = torsh.tensor([[-0.0, 0.0] * (size // 2) + [-0.0]])
        y = F.layer_norm(x, (size,)).tolist()[0]
        assert y == [0.0] * size and all(math.copysign(1, v) == 1 for v in y)


# ------------------------------------------------------------ batch norm

@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(4, 3), (2, 3, 5), (3, 2, 2, 2)])
def test_batch_norm_training_eval_and_backward_match_the_reference(dtype, shape):
    x = data(*shape, dtype=dtype, offset=1.5)
    w, b = data(shape[1], dtype=dtype, seed=1), data(shape[1], dtype=dtype, seed=2)

    def train():
        mean, var = torsh.zeros(shape[1], dtype=dtype), torsh.ones(shape[1], dtype=dtype)
        y = F.batch_norm(x, mean, var, w, b, training=True, momentum=0.3)
        return y, mean, var
    agree(train, dtype, ("batch_norm",))
    rm, rv = data(shape[1], dtype=dtype, seed=3), data(shape[1], dtype=dtype, seed=4).abs()
    agree(lambda: F.batch_norm(x, rm, rv, w, b), dtype, ("batch_norm",))
    agree(lambda: F.batch_norm(x, rm, rv), dtype, ("batch_norm",))
    agree(grads(lambda x, w, b: F.batch_norm(x, None, None, w, b, training=True), x, w, b),
          dtype, ("batch_norm", "batch_norm_backward"))
    agree(grads(lambda x: F.batch_norm(x.transpose(0, 1).transpose(0, 1), None, None,
                                       training=True), x), dtype, ("batch_norm",))


def test_batch_norm_special_values_and_declines():
    x = torsh.tensor([[1.0, float("nan")], [3.0, 2.0], [float("inf"), 2.0]])
    agree(lambda: F.batch_norm(x, None, None, training=True), torsh.float32, ("batch_norm",))
    agree(lambda: F.batch_norm(x, torsh.zeros(2), torsh.zeros(2), eps=0.0), torsh.float32)
    half = torsh.ones(2, 2, dtype=torsh.float16)          # runs on the float32 kernel
    with torsh.backends.trace() as seen:
        F.batch_norm(half, torsh.zeros(2), torsh.ones(2))
    assert ("batch_norm", "c", "native") in seen.calls


def test_half_with_float32_parameters_runs_on_the_float32_kernel():
    x = torsh.randn(2, 4, dtype=torsh.float16)
    with torsh.backends.trace() as seen:       # half with float32 parameters: widened
        fast = F.layer_norm(x, (4,), torsh.ones(4), torsh.zeros(4))
    assert ("layer_norm", "c", "native") in seen.calls
    with torsh.backends.using("reference"):
        slow = F.layer_norm(x, (4,), torsh.ones(4), torsh.zeros(4))
    assert fast.dtype is torsh.float16 and torsh.allclose(fast.float(), slow.float(), atol=2e-3)


# ------------------------------------------------------------ nll_loss

@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("reduction", ["none", "sum", "mean"])
def test_nll_loss_and_fused_backward_match_the_reference(dtype, reduction):
    x = data(5, 4, dtype=dtype)
    target = torsh.tensor([0, 3, -100, 1, 3])
    weight = data(4, dtype=dtype, seed=1).abs()
    agree(grads(lambda x: F.nll_loss(x, target, reduction=reduction), x), dtype,
          ("nll_loss",))
    agree(grads(lambda x: F.nll_loss(x, target, weight, reduction=reduction), x), dtype)
    agree(grads(lambda x: F.nll_loss(x, target.clamp(0), ignore_index=3,
                                     reduction=reduction), x), dtype)
    spatial = data(2, 3, 2, 2, dtype=dtype)
    t2 = torsh.tensor([[[0, 2], [1, 1]], [[2, 0], [-100, 1]]])
    agree(grads(lambda x: F.nll_loss(x, t2, weight[:3], reduction=reduction), spatial),
          dtype, ("nll_loss",))
    agree(grads(lambda x: F.nll_loss(x, torsh.tensor(2), reduction=reduction),
                data(4, dtype=dtype)), dtype)
    # (cross_entropy may run as a fused kernel of its own, tests/test_c_loss.py)
    agree(grads(lambda x: F.cross_entropy(x, target, reduction=reduction), x), dtype)


def test_nll_loss_all_ignored_out_of_range_and_empty():
    x = torsh.randn(2, 3)
    ignored = torsh.tensor([-100, -100])
    agree(lambda: F.nll_loss(x, ignored), torsh.float32, ("nll_loss",))
    assert torsh.isnan(F.nll_loss(x, ignored))
    agree(grads(lambda x: F.nll_loss(x, ignored), x), torsh.float32)
    for bad in (3, -1):
        with pytest.raises(IndexError, match="nll_loss: Target"):
            F.nll_loss(x, torsh.tensor([0, bad]))
    agree(grads(lambda x: F.nll_loss(x, torsh.zeros(0, dtype=torsh.int64), reduction="sum"),
                torsh.zeros(0, 3)), torsh.float32)


test_this_file_passes_on_the_portable_build = portable_rerun(__file__)
