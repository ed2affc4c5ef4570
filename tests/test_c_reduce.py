"""The C backend's reductions, scans and softmax (kernels/c/reduce.c, softmax.c): agreement
with the reference on contiguous, transposed, sliced, expanded, 0-d and empty inputs, special
values (NaN, inf, -0.0, ties, integer wrap-around), the threaded paths on large inputs (against
numpy), the fused softmax backward, and both builds (AVX2 and portable C).

Skipped, with the reason, where the C library is not built."""
import math

import numpy as np
import pytest

import torsh
import torsh.nn.functional as F
from torsh import backends
from torsh.autograd.gradcheck import gradcheck, gradgradcheck
from torsh.backends import C_BACKEND

import c_checks

pytestmark = pytest.mark.skipif(not C_BACKEND.is_available(),
                                reason=C_BACKEND.unavailable_reason())
variant = c_checks.variant          # the fixture: the loaded build and the portable one
NAN, INF = math.nan, math.inf


def values(t):
    return np.asarray(t.detach().tolist(), dtype=float)


def agree(variant, fn, rtol=1e-5):
    """fn() on the C backend equals it on the reference (dtype, shape, values, NaN places)."""
    with backends.using(variant):
        fast = fn()
    with backends.using("reference"):
        slow = fn()
    fast = fast if isinstance(fast, tuple) else (fast,)
    slow = slow if isinstance(slow, tuple) else (slow,)
    for a, b in zip(fast, slow):
        assert a.dtype == b.dtype and tuple(a.shape) == tuple(b.shape)
        tol = rtol if a.dtype == torsh.float32 else 0.0 if not a.dtype.is_floating_point \
            else 1e-12
        np.testing.assert_allclose(values(a), values(b), rtol=tol, atol=tol * 0.1)


def native(fn) -> set:
    with backends.trace() as t:
        fn()
    return {(op, path) for op, _, path in t.calls}


REDUCTIONS = {
    "sum": lambda t, d, k: t.sum(d, keepdim=k),
    "mean": lambda t, d, k: t.mean(d, keepdim=k),
    "prod": lambda t, d, k: t.prod(d, keepdim=k) if isinstance(d, int) else t.prod(),
    "amax": lambda t, d, k: t.amax(() if d is None else d, keepdim=k),
    "amin": lambda t, d, k: t.amin(() if d is None else d, keepdim=k),
    "argmax": lambda t, d, k: t.argmax(d if not isinstance(d, tuple) else None, keepdim=k),
    "argmin": lambda t, d, k: t.argmin(d if not isinstance(d, tuple) else None, keepdim=k),
    "max_dim": lambda t, d, k: t.max(d if isinstance(d, int) else 0, keepdim=k),
    "all": lambda t, d, k: (t > -0.5).all(d, keepdim=k) if not isinstance(d, tuple) else
    t.all(),
    "any": lambda t, d, k: (t > 1.5).any(d, keepdim=k) if not isinstance(d, tuple) else
    t.any(),
    "var": lambda t, d, k: t.var(d, keepdim=k),
    "std": lambda t, d, k: t.std(d, keepdim=k, correction=0),
    "norm2": lambda t, d, k: t.norm(2, d, keepdim=k),
    "norm1": lambda t, d, k: t.norm(1, d, keepdim=k),
    "norm_inf": lambda t, d, k: t.norm(INF, d, keepdim=k),
    "norm_p": lambda t, d, k: t.norm(3.5, d, keepdim=k),
    "logsumexp": lambda t, d, k: torsh.logsumexp(t, () if d is None else d, keepdim=k),
}


def _views(dtype):
    x = torsh.randn((4, 5, 9), dtype=dtype)
    return {"contiguous": x, "transposed": x.transpose(0, 2), "sliced": x[:, 1:4, ::2],
            "expanded": torsh.randn((5, 1), dtype=dtype).expand(5, 6),
            "vector": torsh.randn((11,), dtype=dtype), "0-d": torsh.tensor(1.5, dtype=dtype)}


@pytest.mark.parametrize("dtype", [torsh.float32, torsh.float64])
@pytest.mark.parametrize("name", sorted(REDUCTIONS))
def test_reductions_match_the_reference(variant, name, dtype):
    fn = REDUCTIONS[name]
    for view in _views(dtype).values():
        dims = [None] + list(range(view.ndim)) + ([(0, view.ndim - 1)] if view.ndim > 1 else [])
        for dim in dims:
            for keep in (False, True):
                agree(variant, lambda: fn(view, dim, keep))


def test_the_reductions_run_natively():
    x = torsh.randn((3, 4))
    calls = native(lambda: (x.sum(0), x.mean(1), x.prod(0), x.amax(1), x.argmax(0), x.var(1),
                            x.norm(), torsh.logsumexp(x, 1), x.max(), x.all(), x.cumsum(1),
                            x.cumprod(0), F.softmax(x, 1), F.log_softmax(x, 0)))
    for op in ("sum", "mean", "prod", "amax", "argmax", "var", "norm", "logsumexp", "max", "all",
               "cumsum", "cumprod", "softmax", "log_softmax"):
        assert (op, "native") in calls, op


@pytest.mark.parametrize("dtype", [torsh.float32, torsh.float64])
def test_special_values(variant, dtype):
    rows = torsh.tensor([[1.0, NAN, 3.0, NAN], [2.0, 5.0, 5.0, -1.0], [INF, 1.0, INF, -INF],
                         [-0.0, 0.0, -1.0, -2.0], [0.0, -0.0, -1.0, -2.0]], dtype=dtype)
    with backends.using(variant):
        assert rows.argmax(1).tolist() == [1, 1, 0, 0, 0]
        assert rows.argmin(1).tolist() == [1, 3, 3, 3, 3]
        top = rows.amax(1)
        assert math.isnan(top[0].item()) and top[1].item() == 5.0 and top[2].item() == INF
        assert math.copysign(1, top[3].item()) == -1 and math.copysign(1, top[4].item()) == 1
        assert math.isnan(rows.sum(1)[0].item()) and math.isnan(rows.sum(1)[2].item())
        lse = torsh.logsumexp(torsh.tensor([[-INF, -INF], [INF, 1.0], [NAN, INF]],
                                           dtype=dtype), 1)
        assert lse[0].item() == -INF and lse[1].item() == INF and math.isnan(lse[2].item())
        one = torsh.tensor([2.0], dtype=dtype)
        assert math.isnan(one.var().item()) and one.var(correction=0).item() == 0.0
        assert torsh.tensor([1.0, 2.0], dtype=dtype).var(correction=3).item() == INF
        assert math.isnan(torsh.tensor([1.0, NAN], dtype=dtype).norm(INF).item())
        assert torsh.tensor([0.0, -3.0, NAN], dtype=dtype).norm(0).item() == 2.0
        assert torsh.tensor([NAN, 0.0], dtype=dtype).any().item()
        assert not torsh.tensor([-0.0, 1.0], dtype=dtype).all().item()
    for dim in (0, 1):
        agree(variant, lambda: rows.prod(dim))
        agree(variant, lambda: rows.norm(2, dim))


@pytest.mark.parametrize("dtype", ["int64", "int32", "int16", "int8", "uint8", "bool"])
def test_integer_and_bool_inputs(variant, dtype):
    dt = getattr(torsh, dtype)
    x = torsh.tensor([[1, 0, 1, 1], [1, 1, 0, 1], [0, 0, 0, 0]]).to(dt)
    ops = [lambda: x.sum(1), lambda: x.sum(), lambda: x.all(1), lambda: x.any(0),
           lambda: x.amax(1), lambda: x.amin(0), lambda: x.prod(1), lambda: x.t().sum(0),
           lambda: x.max(1)]
    if dtype != "bool":
        ops += [lambda: x.argmax(1), lambda: x.argmin(0), lambda: x.argmax()]
    for op in ops:
        agree(variant, op)
    with backends.using(variant):
        assert x.sum().dtype == torsh.int64 and x.all(1).dtype == (
            torsh.uint8 if dtype == "uint8" else torsh.bool)
        if dtype != "bool":
            assert x.argmax(1).tolist() == [0, 0, 0]


def test_integer_sums_wrap_in_int64(variant):
    with backends.using(variant):
        assert torsh.tensor([127, 127], dtype=torsh.int8).sum().item() == 254
        big = torsh.tensor([2 ** 62, 2 ** 62, 2 ** 62], dtype=torsh.int64)
        assert big.sum().item() == 3 * 2 ** 62 - 2 ** 64
        assert big.prod().item() == 0
        assert torsh.tensor([-5, 7, -5]).argmin().item() == 0


def test_empty_groups_give_the_identity(variant):
    x = torsh.zeros((3, 0))
    with backends.using(variant):
        assert x.sum(1).tolist() == [0.0] * 3 and x.prod(1).tolist() == [1.0] * 3
        assert all(math.isnan(v) for v in x.mean(1).tolist())
        assert x.all(1).tolist() == [True] * 3 and x.any(1).tolist() == [False] * 3
        assert torsh.logsumexp(x, 1).tolist() == [-INF] * 3 and x.norm(2, 1).tolist() == [0.0] * 3
        assert x.sum(0).shape == (0,) and x.cumsum(1).shape == (3, 0)


def test_large_inputs_use_every_schedule(variant):
    """Rows, columns and one output split over threads, against numpy in double."""
    rng = np.random.default_rng(0)
    data = rng.standard_normal((300, 400)).astype(np.float32)
    data[17, 123] = np.nan
    x = torsh.from_numpy(data.copy())
    d = data.astype(np.float64)
    with backends.using(variant):
        for dim in (0, 1):
            np.testing.assert_allclose(values(x.sum(dim)), np.sum(d, dim), rtol=1e-5, atol=1e-4)
            np.testing.assert_array_equal(x.argmax(dim).numpy(), np.argmax(data, dim))
            np.testing.assert_array_equal(x.amin(dim).numpy(), np.min(data, dim))
            np.testing.assert_allclose(values(x.t().sum(dim)), np.sum(d.T, dim), rtol=1e-5,
                                       atol=1e-4)
        clean = torsh.from_numpy(np.nan_to_num(data))
        assert clean.sum().item() == pytest.approx(np.nan_to_num(d).sum(), rel=1e-5)
        assert clean.argmax().item() == int(np.argmax(np.nan_to_num(data)))
        assert clean.argmin().item() == int(np.argmin(np.nan_to_num(data)))
        assert x.argmax().item() == 17 * 400 + 123 and math.isnan(x.max().item())
        np.testing.assert_allclose(values(clean.var(0)), np.var(np.nan_to_num(d), 0, ddof=1),
                                   rtol=1e-5)
        np.testing.assert_allclose(values(clean.cumsum(0)), np.cumsum(np.nan_to_num(d), 0),
                                   rtol=1e-5, atol=1e-4)
        soft = F.softmax(clean, 1).numpy().astype(np.float64)
        e = np.exp(np.nan_to_num(d) - np.nan_to_num(d).max(1, keepdims=True))
        np.testing.assert_allclose(soft, e / e.sum(1, keepdims=True), rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("dtype", [torsh.float32, torsh.float64, torsh.int64])
def test_scans_match_the_reference(variant, dtype):
    x = (torsh.randn((4, 6)) * 3).to(dtype)
    for view in (x, x.t(), x[:, ::2], torsh.tensor(2.5).to(dtype)):
        for dim in range(max(view.ndim, 1)):
            agree(variant, lambda: view.cumsum(dim))
            agree(variant, lambda: view.cumprod(dim))
    with backends.using(variant):
        assert math.copysign(1, torsh.tensor([-0.0]).cumsum(0).item()) == 1
        assert math.copysign(1, torsh.tensor([-0.0]).cumprod(0).item()) == -1
        big = torsh.tensor([2 ** 62, 2 ** 62, 2 ** 62])
        assert big.cumsum(0).tolist() == [2 ** 62, 2 ** 63 - 2 ** 64, 3 * 2 ** 62 - 2 ** 64]


@pytest.mark.parametrize("dtype", [torsh.float32, torsh.float64, torsh.int64, torsh.int8,
                                   torsh.bool, torsh.float16])
def test_running_extremes_match_the_reference(variant, dtype):
    """cummax / cummin: ties and NaN hand the index to the latest element."""
    x = torsh.tensor([[3.0, 1.0, 3.0, NAN, 2.0, NAN, 5.0], [-0.0, 0.0, -1.0, -1.0, 4.0, 4.0, 0.0]])
    x = x if dtype.is_floating_point else x.nan_to_num(7.0)
    x = x.to(dtype)
    for view in (x, x.t(), x[:, ::2], x[0, 0]):
        for dim in range(max(view.ndim, 1)):
            agree(variant, lambda: torsh.cummax(view, dim))
            agree(variant, lambda: torsh.cummin(view, dim))
    assert ("cummax", "native") in native(lambda: torsh.cummax(x, 1))


@pytest.mark.parametrize("dtype", [torsh.float32, torsh.float64])
def test_logcumsumexp_matches_the_reference(variant, dtype):
    x = torsh.tensor([[0.5, -INF, 2.0, INF, 1.0], [-INF, -INF, 3.0, NAN, 0.0],
                      [-0.0, 100.0, -100.0, 1e-8, 80.0]], dtype=dtype)
    for view in (x, x.t(), x[:, 1::2]):
        for dim in range(view.ndim):
            agree(variant, lambda: torsh.logcumsumexp(view, dim))
    assert ("logcumsumexp", "native") in native(lambda: torsh.logcumsumexp(x, 1))


def test_reverse_cumsum_through_the_gradient(variant):
    x = torsh.tensor([[1.0, 2.0, 3.0]], dtype=torsh.float64, requires_grad=True)
    with backends.using(variant):
        x.cumsum(1).backward(torsh.tensor([[1.0, 10.0, 100.0]], dtype=torsh.float64))
    assert x.grad.tolist() == [[111.0, 110.0, 100.0]]


SOFTMAX_ROWS = [[1.0, NAN, 2.0], [INF, 1.0, 0.0], [-INF, -INF, -INF], [-INF, 0.0, 1.0],
                [1000.0, -1000.0, 0.0], [-0.0, 0.0, 0.0]]


@pytest.mark.parametrize("dtype", [torsh.float32, torsh.float64])
@pytest.mark.parametrize("fn", [F.softmax, F.log_softmax])
def test_softmax_forward_and_backward(variant, fn, dtype):
    x = torsh.randn((3, 4, 19), dtype=dtype) * 4
    cases = [(x, d) for d in (0, 1, 2, -1)] + [(x.transpose(0, 2), 1), (x[:, ::2], 2),
                                               (torsh.tensor(0.5, dtype=dtype), 0),
                                               (torsh.tensor(SOFTMAX_ROWS * 3, dtype=dtype), 1)]
    for view, dim in cases:
        agree(variant, lambda: fn(view, dim))

        def grad():
            leaf = view.detach().clone().requires_grad_(True)
            fn(leaf, dim).backward(torsh.ones(tuple(view.shape), dtype=dtype).cumsum(-1)
                                   if view.ndim else torsh.tensor(2.0, dtype=dtype))
            return leaf.grad
        if view.ndim < 2 or view.shape[0] != 18:          # the NaN rows have NaN gradients
            agree(variant, grad, rtol=1e-4)


def test_softmax_gradients(variant):
    x = torsh.randn((3, 5), dtype=torsh.float64, requires_grad=True)
    with backends.using(variant):
        for fn in (F.softmax, F.log_softmax):
            for dim in (0, 1):
                assert gradcheck(lambda t: fn(t, dim), (x,))
                g = torsh.randn((3, 5), dtype=torsh.float64, requires_grad=True)
                assert gradgradcheck(lambda t: fn(t, dim), (x,), (g,))


def test_half_precision_runs_on_the_float32_kernels():
    half = torsh.tensor([1.0, 2.0], dtype=torsh.float16)
    calls = native(lambda: (half.sum(), F.softmax(half, 0)))
    assert ("sum", "native") in calls and ("to_dtype", "native") in calls     # widened
    assert torsh.tensor([1, 2, 3], dtype=torsh.int32).cumsum(0).tolist() == [1, 3, 6]


@pytest.mark.parametrize("dtype", [torsh.float32, torsh.float64])
def test_long_contiguous_lanes_keep_special_values(variant, dtype):
    """The one-lane-per-output path (sum/mean/amax/amin along a contiguous last dim, kept
    dims merged or not) and the column sums (over dim 0, 4 rows at a time and a tail): NaN
    anywhere, inf, all -0.0, zeros mixing signs (the first zero's sign), rows longer than
    the vector loops with a tail."""
    rng = np.random.default_rng(3)
    rows = rng.standard_normal((6, 333))
    rows[1, 200] = NAN
    rows[2] = 0.0
    rows[2, 3] = rows[2, 7] = -0.0
    rows[3] = -0.0
    rows[4, 100] = INF
    rows[5, 332] = -INF
    x = torsh.tensor(rows.tolist(), dtype=dtype)
    for fn in (lambda t: t.sum(-1), lambda t: t.mean(-1), lambda t: t.amax(-1),
               lambda t: t.amin(-1), lambda t: t.max(-1)[0], lambda t: t.min(-1)[1],
               lambda t: t.reshape(6, 9, 37).amax(-1),
               lambda t: t.reshape(6, 9, 37)[:, 1:].sum(-1),
               lambda t: t[:, 1:].amin(-1, keepdim=True), lambda t: t.sum(0),
               lambda t: t[1:].mean(0), lambda t: t.var(0)):
        agree(variant, lambda: fn(x))
    with backends.using(variant):
        assert [math.copysign(1, v) for v in x[2:4].amax(-1).tolist()] == [1.0, -1.0]
        assert [math.copysign(1, v) for v in x[2:4].amin(-1).tolist()] == [1.0, -1.0]


@pytest.mark.parametrize("fn", [F.softmax, F.log_softmax])
def test_softmax_long_rows_with_special_values(variant, fn):
    """The vectorised e^x on rows past its loops: a wide range (down to underflow), -inf
    entries (exactly 0 out), a NaN row, against the reference."""
    rng = np.random.default_rng(4)
    rows = rng.standard_normal((4, 203)) * 40
    rows[1, :50] = -INF
    rows[2, 9] = NAN
    rows[3, 0] = 200.0
    x = torsh.tensor(rows.tolist(), dtype=torsh.float32)
    agree(variant, lambda: fn(x, 1), rtol=2e-5)
    with backends.using(variant):
        assert F.softmax(x, 1)[1, :50].tolist() == [0.0] * 50
        leaf = x[[0, 1, 3]].detach().requires_grad_(True)
        fn(leaf, 1).backward(torsh.linspace(-1, 1, 3 * 203).reshape(3, 203))
        fast = leaf.grad
    with backends.using("reference"):
        leaf = x[[0, 1, 3]].detach().requires_grad_(True)
        fn(leaf, 1).backward(torsh.linspace(-1, 1, 3 * 203).reshape(3, 203))
    np.testing.assert_allclose(values(fast), values(leaf.grad), rtol=1e-4, atol=1e-5)
