"""The C softmax kernels (kernels/c/softmax.c) on large float32 tensors: the vector lanes
(the AVX2 forward's shift by the max of a lane's first values, and its second pass where
the max lies far above them) and the lanes spread over threads, against numpy in float64;
NaN, +inf and -inf (masked entries) in long rows, rows whose length is no multiple of the
vector width. The whole file runs again on the portable build (a subprocess). (Small
shapes, views and float64: tests/test_c_reduce.py.)

Skipped, with the reason, where the library is not built."""

import numpy as np
import pytest

import torsh
import torsh.nn.functional as F
from torsh.backends import C_BACKEND

from c_checks import portable_rerun

pytestmark = pytest.mark.skipif(not C_BACKEND.is_available(),
                                reason=C_BACKEND.unavailable_reason())
LARGE_ROWS = 2048             # 2048 rows of >= 1024 float32: 8 MiB and more


def numpy_softmax(x, log):
    """(y, lanes that hold NaN or +inf or only -inf: the kernel makes them NaN)."""
    x = x.astype(np.float64)
    m = x.max(-1, keepdims=True)
    bad = ~np.isfinite(m[..., 0]) | np.isnan(x).any(-1)
    with np.errstate(invalid="ignore", over="ignore"):
        shifted = x - m
        total = np.exp(shifted).sum(-1, keepdims=True)
        y = shifted - np.log(total) if log else np.exp(shifted) / total
    y[bad] = np.nan
    return y, bad


def numpy_backward(y, g, log):
    g = g.astype(np.float64)
    if log:
        return g - np.exp(y) * g.sum(-1, keepdims=True)
    return y * (g - (g * y).sum(-1, keepdims=True))


def special_rows(rows, n, seed):
    """Standard normal rows scaled by 4, some holding NaN (at the start, in the vector part,
    in the tail), +inf, -inf masks, only -inf, and one huge value."""
    rng = np.random.default_rng(seed)
    x = (rng.standard_normal((rows, n)) * 4).astype(np.float32)
    x[1, 0] = x[2, n // 2 + 3] = x[3, n - 1] = np.nan
    x[4, 7] = np.inf
    x[5, ::3] = -np.inf
    x[6] = -np.inf
    x[7, 100] = 3e38
    x[8, :16] = np.nan                             # a whole vector of NaN, then values
    return x


@pytest.mark.parametrize("log", [False, True])
@pytest.mark.parametrize("n", [1024, 1031])
@pytest.mark.parametrize("threads", [1, 2])
def test_large_tensors_forward_and_backward(log, n, threads):
    xs = special_rows(LARGE_ROWS, n, seed=n)
    gs = np.random.default_rng(1).standard_normal((LARGE_ROWS, n)).astype(np.float32)
    fn = F.log_softmax if log else F.softmax
    before = torsh.get_num_threads()
    torsh.set_num_threads(threads)
    try:
        x = torsh.from_numpy(xs).requires_grad_()
        y = fn(x, dim=-1)
        (gx,) = torsh.autograd.grad(y, (x,), torsh.from_numpy(gs))
    finally:
        torsh.set_num_threads(before)
    want, bad = numpy_softmax(xs, log)
    got = y.detach().numpy()
    assert np.isnan(got[bad]).all() and not np.isnan(got[~bad]).any()
    np.testing.assert_allclose(got[~bad], want[~bad], rtol=2e-5, atol=1e-6 if log else 1e-7)
    if not log:
        assert (got[5, ::3] == 0.0).all()          # masked entries are exact zeros
    else:
        assert (got[5, ::3] == -np.inf).all()
    dx = numpy_backward(got.astype(np.float64), gs, log)
    grad = gx.numpy()
    assert np.isnan(grad[bad]).all()
    np.testing.assert_allclose(grad[~bad], dx[~bad], rtol=1e-4, atol=2e-5)
    assert (grad[5, ::3] == (gs[5, ::3] if log else 0.0)).all()   # e^-inf = 0 exactly


def test_nan_anywhere_in_a_long_lane_makes_it_nan():
    """The vector max may skip a NaN; the sum of e^(x - max) then finds it."""
    n = 100
    for position in (0, 1, 7, 8, 31, 32, 63, 95, 96, 99):
        x = torsh.from_numpy(np.linspace(-3, 3, n, dtype=np.float32))
        x[position] = float("nan")
        for fn in (F.softmax, F.log_softmax):
            assert torsh.isnan(fn(x, dim=0)).all(), (fn, position)
    x = torsh.from_numpy(np.linspace(-3, 3, n, dtype=np.float32))
    x[5], x[50] = float("nan"), float("inf")
    assert torsh.isnan(F.softmax(x, dim=0)).all()


def test_lanes_whose_max_lies_far_past_their_first_values():
    """The AVX2 forward shifts by the max of a lane's first 64 values and finds the true max
    while it sums: a max more than 64 above them takes a second pass; a head of -inf, NaN
    or +inf values; a max just inside the slack."""
    rng = np.random.default_rng(7)
    xs = rng.standard_normal((12, 300)).astype(np.float32)
    xs[0, 64:] += 200.0                            # past the slack: the second pass
    xs[1, 250] = xs[1, :64].max() + 63.0           # inside it
    xs[2, 299] = 1e30                              # in the scalar tail
    xs[3, :64] = -np.inf                           # a head of -inf
    xs[4, :64] = -np.inf
    xs[4, 64:] = -np.inf                           # only -inf
    xs[5, 3] = np.nan                              # NaN in the head
    xs[6, 70] = np.inf                             # +inf after the head
    xs[7] = np.linspace(-500, 500, 300)            # a steep ramp
    xs[8, :64] = -1e30
    for log in (False, True):
        want, bad = numpy_softmax(xs, log)
        got = (F.log_softmax if log else F.softmax)(torsh.from_numpy(xs), dim=-1).numpy()
        assert np.isnan(got[bad]).all() and not np.isnan(got[~bad]).any(), log
        if log:
            finite = np.isfinite(want) & ~bad[:, None]
            np.testing.assert_allclose(got[finite], want[finite], rtol=2e-6, atol=1e-5)
            assert (got[~bad[:, None] & ~np.isfinite(want)] == -np.inf).all()
        else:
            np.testing.assert_allclose(got[~bad], want[~bad], rtol=2e-5, atol=1e-7)
            assert np.abs(got[~bad].astype(np.float64).sum(-1) - 1).max() < 1e-5


def test_gradients_of_a_large_batch_sum_to_zero():
    """softmax's gradient sums to 0 along the lane (its output sums to 1); log_softmax's
    gradient for g = 1 is 1 - n e^y."""
    rng = np.random.default_rng(2)
    xs = rng.standard_normal((LARGE_ROWS, 1024)).astype(np.float32)
    x = torsh.from_numpy(xs).requires_grad_()
    g = torsh.from_numpy(rng.standard_normal((LARGE_ROWS, 1024)).astype(np.float32))
    (gx,) = torsh.autograd.grad(F.softmax(x, dim=-1), (x,), g)
    assert np.abs(gx.numpy().astype(np.float64).sum(-1)).max() < 1e-5
    y = F.log_softmax(x, dim=-1)
    (gl,) = torsh.autograd.grad(y, (x,), torsh.ones(LARGE_ROWS, 1024))
    want = 1 - 1024 * np.exp(y.detach().numpy().astype(np.float64))
    np.testing.assert_allclose(gl.numpy(), want, rtol=1e-4, atol=1e-5)


test_this_file_passes_on_the_portable_build = portable_rerun(__file__)
