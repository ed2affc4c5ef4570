"""The C backend's 3-D convolutions and poolings (kernels/c/conv.c, pool.c: every convolution
and pooling runs as a 3-D one), integer convolutions (int64 products wrapping, narrowed to the
dtype) and integer max pooling, each against the reference on the same inputs (views,
special values, ties, the threaded paths) and in the portable build.

Skipped, with the reason printed, where the library is not built (no C compiler)."""

import numpy as np
import pytest

import torsh
import torsh.nn.functional as F
from torsh.backends import C_BACKEND
from torsh.nn.functional.conv import convolution

from c_checks import (COMPARE_RUNS, assert_passes_on_the_portable_build, assert_same, both,
                      data, with_grads)

pytestmark = pytest.mark.skipif(not C_BACKEND.is_available(),
                                reason=C_BACKEND.unavailable_reason())
NAN, INF = float("nan"), float("inf")
INTEGERS = [torsh.int8, torsh.int16, torsh.int32, torsh.int64, torsh.uint8]


def tol(dtype):
    return 1e-4 if dtype == torsh.float32 else 1e-10


# ------------------------------------------------------------ 3-D convolution

CONV3D_CASES = [  # (transposed, N, C, O, groups, kernel, stride, padding, dilation, out pad)
    (False, 2, 2, 3, 1, (2, 3, 2), (1, 1, 1), (1, 1, 0), (1, 1, 1), (0, 0, 0)),
    (False, 1, 4, 2, 2, (2, 2, 1), (2, 1, 2), (0, 1, 1), (2, 1, 1), (0, 0, 0)),
    (False, 2, 3, 2, 1, (1, 1, 1), (1, 1, 1), (0, 0, 0), (1, 1, 1), (0, 0, 0)),  # plain
    (True, 2, 2, 3, 1, (2, 2, 3), (2, 1, 2), (1, 0, 1), (1, 1, 1), (1, 0, 1)),
    (True, 1, 4, 2, 2, (2, 1, 2), (1, 2, 1), (0, 0, 1), (2, 1, 2), (1, 1, 0)),
]


@pytest.mark.parametrize("case", CONV3D_CASES)
@pytest.mark.parametrize("dtype", [torsh.float32, torsh.float64])
def test_conv3d_and_its_fused_backward_match_the_reference(case, dtype):
    transposed, n, c, o, groups, kernel, stride, padding, dilation, op = case
    x = data(n, c, 3, 4, 3, dtype=dtype)
    shape = (c, o // groups) if transposed else (o, c // groups)
    w, b = data(*shape, *kernel, dtype=dtype, seed=2), data(o, dtype=dtype, seed=3)
    fn = with_grads(lambda x, w, b: convolution(x, w, b, stride, padding, dilation, transposed,
                                                op, groups), [x, w, b])
    fast, slow, native = both(fn)
    assert_same(fast, slow, tol(dtype))
    assert "convolution" in native


def test_conv3d_on_views_and_without_bias():
    x = data(2, 5, 3, 2, 4).permute(0, 4, 2, 1, 3)          # (2, 4, 2, 5, 3), not contiguous
    w = data(3, 4, 2, 2, 2, seed=2)
    fast, slow, native = both(with_grads(lambda x, w: F.conv3d(x, w, padding=1, stride=2),
                                         [x, w]))
    assert_same(fast, slow, 1e-10)
    wt = data(4, 2, 1, 2, 2, seed=4)
    fast, slow, native2 = both(with_grads(
        lambda x, w: F.conv_transpose3d(x, w, stride=(1, 2, 2), output_padding=(0, 1, 0)),
        [x, wt]))
    assert_same(fast, slow, 1e-10)
    assert "convolution" in native | native2


def test_conv3d_padding_meets_inf_as_pytorch():
    # the padding's zeros times an inf weight give NaN; a plain input of ones the kernel sum
    x = torsh.ones(1, 1, 1, 1, 2)
    w = torsh.tensor([[[[[INF, 1.0]]]]])
    fast, slow, _ = both(lambda: F.conv3d(x, w, padding=(0, 0, 1)))
    assert_same(fast, slow)
    assert np.isnan(fast.numpy()[0, 0, 0, 0, 0]) and fast.numpy()[0, 0, 0, 0, 1] == INF
    ones = F.conv3d(torsh.ones(1, 2, 3, 3, 3), torsh.ones(1, 2, 3, 3, 3))
    assert ones.numpy().reshape(-1).tolist() == [54.0]


def test_conv3d_gradcheck_and_gradgradcheck():
    from torsh.autograd.gradcheck import gradcheck, gradgradcheck
    x, w, b = data(1, 2, 3, 2, 3), data(2, 1, 2, 1, 2, seed=2), data(2, seed=3)
    fn = lambda x, w, b: F.conv3d(x, w, b, padding=(1, 0, 1), groups=2)    # noqa: E731
    assert gradcheck(fn, (x, w, b))
    assert gradgradcheck(fn, (x, w, b), (data(*fn(x, w, b).shape, seed=5),))
    wt = data(2, 1, 2, 2, 1, seed=6)
    fn_t = lambda x, w: F.conv_transpose3d(x, w, stride=2, output_padding=1)  # noqa: E731
    assert gradcheck(fn_t, (x, wt))
    assert gradgradcheck(fn_t, (x, wt), (data(*fn_t(x, wt).shape, seed=7),))


def test_threaded_images_agree_with_one_image_at_a_time():
    # enough work to run images on several threads; each image alone runs on one
    x, w = data(6, 16, 12, 12, grad=False), data(16, 16, 3, 3, seed=2, grad=False)
    with torsh.backends.using("c"):
        batched = F.conv2d(x, w, padding=1).numpy()
        alone = np.concatenate([F.conv2d(x[i:i + 1], w, padding=1).numpy() for i in range(6)])
        x.requires_grad_(True)
        w.requires_grad_(True)
        out = F.conv2d(x, w, padding=1)
        gx, gw = torsh.autograd.grad(out, [x, w], torsh.ones(*out.shape, dtype=out.dtype))
        gw_sum = sum(torsh.autograd.grad(F.conv2d(x[i:i + 1], w, padding=1), [w],
                                         torsh.ones(1, *out.shape[1:], dtype=out.dtype))[0]
                     .numpy() for i in range(6))
    np.testing.assert_allclose(batched, alone, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(gw.numpy(), gw_sum, rtol=1e-10, atol=1e-10)
    # the input gradient of all-ones output gradient: the number of outputs reading a cell
    assert gx.numpy()[0, 0, 0, 0] == pytest.approx(w.detach().numpy()[:, 0, :2, :2].sum())


def test_one_large_image_is_shared_among_threads():
    # batch 1, enough work: im2col's channels and the product's columns split among threads
    x, w, b = data(2, 8, 24, 24, grad=False), data(8, 8, 3, 3, seed=2, grad=False), data(8)
    with torsh.backends.using("c"):
        pair = F.conv2d(x, w, b.detach(), padding=1).numpy()
        one = F.conv2d(x[:1], w, b.detach(), padding=1).numpy()
    np.testing.assert_array_equal(one, pair[:1])
    fast, slow, native = both(lambda: F.conv2d(x[1:], w, b.detach(), padding=1, stride=1))
    assert_same(fast, slow, 1e-12)
    assert "convolution" in native


# ------------------------------------------------------------ integer convolution

@pytest.mark.parametrize("dtype", INTEGERS)
def test_integer_convolutions_wrap_as_the_reference(dtype):
    rng = np.random.RandomState(0)
    low, high = (0, 200) if dtype == torsh.uint8 else (-100, 100)
    x = torsh.tensor(rng.randint(low, high, (2, 4, 5)), dtype=dtype)
    w = torsh.tensor(rng.randint(low, high, (4, 2, 3)), dtype=dtype)
    b = torsh.tensor(rng.randint(low, high, (4,)), dtype=dtype)
    fast, slow, native = both(lambda: F.conv1d(x, w, b, padding=1, groups=2))
    assert_same(fast, slow)
    assert "convolution" in native
    x2 = torsh.tensor(rng.randint(low, high, (1, 2, 4, 3)), dtype=dtype)
    w2 = torsh.tensor(rng.randint(low, high, (2, 2, 2, 2)), dtype=dtype)
    assert_same(*both(lambda: F.conv2d(x2, w2, stride=(2, 1), dilation=(1, 2)))[:2])


def test_integer_convolution_hand_computed_wrap():
    x = torsh.tensor([[[100, 100]]], dtype=torsh.int8)
    w = torsh.tensor([[[1, 1]]], dtype=torsh.int8)
    with torsh.backends.using("c"):
        assert F.conv1d(x, w).tolist() == [[[-56]]]          # 200 wraps to 200 - 256
    big = torsh.tensor([[[2 ** 62, 2 ** 62]]], dtype=torsh.int64)
    with torsh.backends.using("c"):
        out = F.conv1d(big, torsh.tensor([[[1, 1]]], dtype=torsh.int64))
    assert out.tolist() == [[[-2 ** 63]]]


def test_int64_transposed_and_3d_convolutions():
    rng = np.random.RandomState(3)
    x = torsh.tensor(rng.randint(-9, 9, (2, 2, 3)), dtype=torsh.int64)
    w = torsh.tensor(rng.randint(-9, 9, (2, 3, 2)), dtype=torsh.int64)
    fast, slow, native = both(lambda: F.conv_transpose1d(x, w, stride=2, output_padding=1))
    assert_same(fast, slow)
    assert "convolution" in native
    x3 = torsh.tensor(rng.randint(-9, 9, (1, 2, 3, 2, 3)), dtype=torsh.int64)
    w3 = torsh.tensor(rng.randint(-9, 9, (2, 2, 2, 1, 2)), dtype=torsh.int64)
    assert_same(*both(lambda: F.conv3d(x3, w3, padding=1))[:2])


# ------------------------------------------------------------ 3-D pooling

MAX3D_CASES = [  # kernel, stride, padding, dilation, ceil_mode
    ((2, 2, 2), (2, 2, 2), (0, 0, 0), (1, 1, 1), False),
    ((2, 3, 2), (1, 2, 2), (1, 1, 0), (1, 1, 2), True),
    ((3, 2, 2), (2, 1, 3), (1, 0, 1), (1, 2, 1), True),
]


@pytest.mark.parametrize("case", MAX3D_CASES)
@pytest.mark.parametrize("dtype", [torsh.float32, torsh.float64])
def test_max_pool3d_values_indices_and_gradient(case, dtype):
    kernel, stride, padding, dilation, ceil_mode = case
    x = data(2, 2, 4, 5, 5, dtype=dtype)
    fast, slow, native = both(lambda: F.max_pool3d(x.detach(), kernel, stride, padding,
                                                   dilation, ceil_mode, return_indices=True))
    assert_same(fast, slow, 0)
    assert "max_pool" in native
    fn = with_grads(lambda x: F.max_pool3d(x, kernel, stride, padding, dilation, ceil_mode),
                    [x])
    fast, slow, native = both(fn)
    assert_same(fast, slow, tol(dtype))        # overlapping windows: float32 sums
    assert {"take_pooled", "max_pool_backward"} <= native


def test_max_pool3d_ties_nan_and_unpool():
    x = torsh.zeros(1, 1, 2, 2, 4)
    x[0, 0, 1, 0, 3] = NAN
    x[0, 0, 0, 1, 0] = NAN
    values, indices = F.max_pool3d(x, 2, return_indices=True)
    # window 0: all ties but a NaN at (0, 1, 0) = 4; window 1: the NaN at (1, 0, 3) = 11
    assert indices.tolist() == [[[[[4, 11]]]]]
    assert np.isnan(values.numpy()).all()
    y = data(1, 2, 4, 4, 4, grad=False)
    v, i = F.max_pool3d(y, 2, return_indices=True)
    fast, slow, native = both(lambda: F.max_unpool3d(v, i, 2))
    assert_same(fast, slow, 0)
    assert "max_unpool" in native


AVG3D_CASES = [  # kernel, stride, padding, ceil_mode, count_include_pad, divisor_override
    ((2, 2, 2), (2, 2, 2), (0, 0, 0), False, True, None),
    ((3, 2, 3), (2, 1, 2), (1, 1, 1), True, True, None),
    ((3, 2, 3), (2, 1, 2), (1, 1, 1), True, False, None),
    ((2, 3, 2), (1, 2, 1), (1, 1, 0), False, False, 5),
]


@pytest.mark.parametrize("case", AVG3D_CASES)
@pytest.mark.parametrize("dtype", [torsh.float32, torsh.float64])
def test_avg_pool3d_and_its_adjoint(case, dtype):
    kernel, stride, padding, ceil_mode, include, override = case
    x = data(2, 2, 4, 5, 5, dtype=dtype)
    fn = with_grads(lambda x: F.avg_pool3d(x, kernel, stride, padding, ceil_mode, include,
                                           override), [x])
    fast, slow, native = both(fn)
    assert_same(fast, slow, tol(dtype))
    assert {"avg_pool", "avg_pool_backward"} <= native


@pytest.mark.parametrize("size", [(2, 3, 2), (1, 1, 1), (3, 5, 4)])
def test_adaptive_poolings_3d(size):
    x = data(2, 3, 4, 5, 4)
    fast, slow, native = both(with_grads(lambda x: F.adaptive_avg_pool3d(x, size), [x]))
    assert_same(fast, slow, 1e-12)
    assert {"adaptive_avg_pool", "adaptive_avg_pool_backward"} <= native
    fast, slow, native = both(with_grads(
        lambda x: F.adaptive_max_pool3d(x, size, return_indices=True)[0], [x]))
    assert_same(fast, slow, 0)
    assert "adaptive_max_pool" in native
    fast, slow, _ = both(lambda: F.adaptive_max_pool3d(x.detach(), size, return_indices=True))
    assert_same(fast, slow, 0)


def test_pool3d_gradcheck_and_gradgradcheck():
    from torsh.autograd.gradcheck import gradcheck, gradgradcheck
    x = data(1, 1, 3, 3, 4)
    avg = lambda x: F.avg_pool3d(x, 2, 1, 1, count_include_pad=False)    # noqa: E731
    assert gradcheck(avg, (x,))
    assert gradgradcheck(avg, (x,), (data(*avg(x).shape, seed=5),))
    mx = lambda x: F.max_pool3d(x, (2, 2, 3), (1, 1, 2), ceil_mode=True)   # noqa: E731
    assert gradcheck(mx, (x,))
    assert gradgradcheck(mx, (x,), (data(*mx(x).shape, seed=6),))
    ad = lambda x: F.adaptive_avg_pool3d(x, (2, 2, 3))                   # noqa: E731
    assert gradcheck(ad, (x,))
    assert gradcheck(lambda x: F.lp_pool3d(x, 2, 2, ceil_mode=True), (x,))


def test_large_pools_run_threaded_and_agree_with_one_plane_at_a_time():
    x = data(4, 8, 8, 16, 16, grad=False)                   # above the parallel grain
    with torsh.backends.using("c"):
        for pool in (lambda t: F.max_pool3d(t, 2, return_indices=True)[1],
                     lambda t: F.avg_pool3d(t, 3, 2, 1), lambda t: F.max_pool2d(t[:, :, 0], 2),
                     lambda t: F.adaptive_avg_pool3d(t, (3, 5, 7))):
            whole = pool(x).numpy()
            alone = np.concatenate([pool(x[i:i + 1]).numpy() for i in range(4)])
            np.testing.assert_array_equal(whole, alone)


# ------------------------------------------------------------ integer max pooling

@pytest.mark.parametrize("dtype", INTEGERS)
def test_integer_max_pools_are_exact(dtype):
    info = np.iinfo(torsh.empty(0, dtype=dtype).numpy().dtype)
    rng = np.random.RandomState(1)
    x = torsh.tensor(rng.randint(info.min, int(info.max) + 1, (2, 3, 4, 5, 6),
                                 dtype=np.int64), dtype=dtype)
    x[0, 0, :2, :2, :2] = int(info.min)                     # a window of the least value
    x[1, 2, 2:, 2:, :] = 7                                  # ties
    runs = [lambda: F.max_pool3d(x, 2, return_indices=True),
            lambda: F.max_pool3d(x, (2, 3, 2), (1, 2, 2), (1, 1, 0), (1, 1, 2), True,
                                 return_indices=True),
            lambda: F.max_pool2d(x[0], 3, 2, 1, ceil_mode=True, return_indices=True),
            lambda: F.max_pool2d(x[0], 2, return_indices=True),
            lambda: F.max_pool1d(x[0, 0], 2, 1, 1, 2, return_indices=True)]
    for run in runs:
        fast, slow, native = both(run)
        assert_same(fast, slow)
        assert "max_pool" in native
    values, indices = F.max_pool3d(x, 2, return_indices=True)
    assert values[0, 0, 0, 0, 0].item() == info.min and indices[0, 0, 0, 0, 0].item() == 0
    assert indices[1, 2, 1, 1, 1].item() == (2 * 5 + 2) * 6 + 2     # first of the ties


def test_int64_avg_pools_truncate_exact_sums():
    x = torsh.tensor([[[1, 2, 3], [4, 5, -7]], [[-1, -2, -3], [-4, -5, 7]]])
    fast, slow, native = both(lambda: F.avg_pool2d(x, 2, 1))
    assert_same(fast, slow)
    assert fast.tolist() == [[[3, 0]], [[-3, 0]]] and "avg_pool" in native
    big = torsh.tensor([[[2 ** 62] * 4 + [-3]]])              # the sum 2^64 is exact
    fast, slow, native = both(lambda: F.avg_pool1d(big, 4, 1, ceil_mode=True,
                                                   count_include_pad=False))
    assert_same(fast, slow)
    assert fast.tolist() == [[[2 ** 62, (3 * 2 ** 62 - 3) // 4]]]
    fast, slow, _ = both(lambda: F.avg_pool2d(big, (1, 2), (1, 2), (0, 1), divisor_override=3))
    assert_same(fast, slow)
    x3 = torsh.tensor(np.random.RandomState(2).randint(-50, 50, (2, 3, 4, 5)))
    assert_same(*both(lambda: F.avg_pool2d(x3, 3, 2, 1, ceil_mode=True))[:2])


# ------------------------------------------------------------ portable build

PORTABLE_CHECK = """
import numpy as np, torsh, torsh.nn.functional as F
from torsh.backends import C_BACKEND
assert C_BACKEND.variant == "portable"
r = np.random.RandomState(0)
x = torsh.tensor(r.randn(2, 4, 5, 6, 5), dtype=torsh.float32)
w = torsh.tensor(r.randn(4, 2, 2, 3, 2), dtype=torsh.float32)
wt = torsh.tensor(r.randn(4, 3, 2, 3, 2), dtype=torsh.float32)
x[0, 0, 1, 1, 1] = float('nan')
xi = torsh.tensor(r.randint(-100, 100, (2, 4, 7)), dtype=torsh.int8)
wi = torsh.tensor(r.randint(-100, 100, (3, 4, 3)), dtype=torsh.int8)
runs = [lambda: F.conv3d(x, w, padding=1, groups=2),
        lambda: F.conv_transpose3d(x, wt, stride=2, output_padding=1),
        lambda: F.conv1d(xi, wi, padding=2),
        lambda: F.max_pool3d(x, 2, return_indices=True), lambda: F.avg_pool3d(x, 3, 2, 1),
        lambda: F.max_pool2d(xi, 2, 1, 1, return_indices=True),
        lambda: F.adaptive_max_pool3d(x, (2, 4, 3), return_indices=True)]
"""


def test_the_portable_build_agrees():
    assert_passes_on_the_portable_build(PORTABLE_CHECK + COMPARE_RUNS + 'print("ok")\n')
