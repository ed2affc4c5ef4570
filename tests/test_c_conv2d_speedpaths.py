"""The C backend's fast convolution paths (kernels/c/conv_fast.inc) on shapes large enough to
take them: the forward with the weight packed once and the columns packed straight from
padded planes, the input gradient / transposed convolution as a flipped forward (unit
strides, 12 or more channels), the weight gradient through the packed tiles (more than 4096
weights per group); checked against a float64 numpy computation of the same sums, in both
builds, with odd widths (partial panels), small planes (rows of positions a quarter of a
panel wide), strides, dilations, groups, padding past the kernel's reach and a non-finite
weight (which keeps the transposed convolution's old path).

Skipped, with the reason printed, where the library is not built (no C compiler)."""

import numpy as np
import pytest

import torsh
from torsh.backends import C_BACKEND
from torsh.nn.functional.conv import convolution

from c_checks import assert_passes_on_the_portable_build

pytestmark = pytest.mark.skipif(not C_BACKEND.is_available(),
                                reason=C_BACKEND.unavailable_reason())


def _conv_sums(x, w, g, stride, padding, dilation, groups):
    """(out, dx, dw) of a 2-D convolution in float64 numpy: out = conv(x, w), dx and dw the
    gradients of sum(out * g)."""
    n, c, h, wd = x.shape
    o, cg, kh, kw = w.shape
    (sh, sw), (ph, pw), (dh, dw_) = stride, padding, dilation
    bh = (h + 2 * ph - dh * (kh - 1) - 1) // sh + 1
    bw = (wd + 2 * pw - dw_ * (kw - 1) - 1) // sw + 1
    xp = np.zeros((n, c, h + 2 * ph + sh + dh * kh, wd + 2 * pw + sw + dw_ * kw))
    xp[:, :, ph:ph + h, pw:pw + wd] = x
    out = np.zeros((n, o, bh, bw))
    dxp, dw = np.zeros_like(xp), np.zeros(w.shape)
    og = o // groups
    for q in range(groups):
        xs, os_ = slice(q * cg, (q + 1) * cg), slice(q * og, (q + 1) * og)
        for u in range(kh):
            for v in range(kw):
                rows = slice(u * dh, u * dh + sh * (bh - 1) + 1, sh)
                cols = slice(v * dw_, v * dw_ + sw * (bw - 1) + 1, sw)
                window = xp[:, xs, rows, cols]                     # n, cg, bh, bw
                out[:, os_] += np.einsum("oc,ncyx->noyx", w[os_, :, u, v], window)
                dxp[:, xs, rows, cols] += np.einsum("oc,noyx->ncyx", w[os_, :, u, v],
                                                    g[:, os_])
                dw[os_, :, u, v] += np.einsum("noyx,ncyx->oc", g[:, os_], window)
    return out, dxp[:, :, ph:ph + h, pw:pw + wd], dw


CASES = [  # (N, C, H, W, O, kernel, stride, padding, dilation, groups)
    (3, 32, 9, 9, 40, (3, 3), (1, 1), (1, 1), (1, 1), 1),        # odd width, partial panels
    (2, 48, 16, 16, 64, (3, 3), (1, 1), (1, 1), (1, 1), 1),      # the benchmark's layout
    (2, 24, 7, 13, 30, (3, 2), (1, 1), (2, 0), (1, 2), 1),       # padding past the reach
    (2, 32, 10, 11, 36, (3, 3), (2, 1), (1, 1), (1, 1), 1),      # a height stride
    (2, 32, 11, 12, 36, (3, 3), (1, 2), (0, 1), (1, 1), 1),      # a width stride
    (2, 64, 8, 8, 48, (3, 3), (1, 1), (1, 1), (2, 2), 2),        # dilation, groups
    (1, 40, 1, 37, 50, (1, 5), (1, 1), (0, 2), (1, 1), 1),       # a 1-D one
    (2, 30, 6, 6, 200, (1, 1), (1, 1), (0, 0), (1, 1), 1),       # 1x1, many out channels
    (5, 16, 4, 4, 32, (3, 3), (1, 1), (1, 1), (1, 1), 1),        # 4x4 planes: quarter runs
    (3, 24, 2, 2, 40, (3, 3), (1, 1), (1, 1), (1, 1), 1),        # 2x2 planes: float64's
]


def _tensors(case, dtype):
    n, c, h, w, o, kernel, stride, padding, dilation, groups = case
    rng = np.random.default_rng(7)
    x = rng.standard_normal((n, c, h, w))
    wt = rng.standard_normal((o, c // groups, *kernel)) / 8
    bh = (h + 2 * padding[0] - dilation[0] * (kernel[0] - 1) - 1) // stride[0] + 1
    bw = (w + 2 * padding[1] - dilation[1] * (kernel[1] - 1) - 1) // stride[1] + 1
    g = rng.standard_normal((n, o, bh, bw))
    return x, wt, g


def _check(case, dtype, tol):
    n, c, h, w, o, kernel, stride, padding, dilation, groups = case
    x, wt, g = _tensors(case, dtype)
    xs = torsh.tensor(x.tolist(), dtype=dtype, requires_grad=True)
    ws = torsh.tensor(wt.tolist(), dtype=dtype, requires_grad=True)
    gs = torsh.tensor(g.tolist(), dtype=dtype)
    out = convolution(xs, ws, None, stride, padding, dilation, False, (0, 0), groups)
    dx, dw = torsh.autograd.grad(out, (xs, ws), gs)
    want = _conv_sums(x, wt, g, stride, padding, dilation, groups)
    for got, expected in zip((out, dx, dw), want):
        got = np.array(got.tolist())
        assert got.shape == expected.shape
        scale = max(1.0, float(np.abs(expected).max()))
        assert np.abs(got - expected).max() <= tol * scale


@pytest.mark.parametrize("case", CASES)
def test_fast_paths_match_numpy_float32(case):
    _check(case, torsh.float32, 2e-5)


@pytest.mark.parametrize("case", CASES[:3])
def test_fast_paths_match_numpy_float64(case):
    _check(case, torsh.float64, 1e-12)


def test_a_3d_convolution_walks_its_positions_across_depth():
    """A (1, 3, 3) kernel over (D, H, W): each depth slice is a 2-D convolution; the weight
    gradient sums over slices (the fast paths walk the positions across rows and depth)."""
    rng = np.random.default_rng(3)
    x, w = rng.standard_normal((2, 32, 3, 5, 8)), rng.standard_normal((40, 32, 1, 3, 3)) / 8
    g = rng.standard_normal((2, 40, 3, 5, 8))
    xs = torsh.tensor(x.tolist(), requires_grad=True)
    ws = torsh.tensor(w.tolist(), requires_grad=True)
    out = torsh.nn.functional.conv3d(xs, ws, padding=(0, 1, 1))
    dx, dw = torsh.autograd.grad(out, (xs, ws), torsh.tensor(g.tolist()))
    flat = lambda a: a.transpose(0, 2, 1, 3, 4).reshape(-1, a.shape[1], 5, 8)
    want = _conv_sums(flat(x), w[:, :, 0], flat(g), (1, 1), (1, 1), (1, 1), 1)
    got = [flat(np.array(t.tolist())) for t in (out, dx)] + [np.array(dw.tolist())[:, :, 0]]
    for a, b in zip(got, want):
        assert np.abs(a - b).max() <= 2e-5 * max(1.0, float(np.abs(b).max()))


def test_transposed_convolution_with_unit_stride_is_the_adjoint():
    """conv_transpose2d(g, w) = the input gradient of conv2d(., w) at g (with a bias)."""
    case = (2, 32, 9, 10, 40, (3, 3), (1, 1), (1, 1), (1, 1), 1)
    x, wt, g = _tensors(case, torsh.float32)
    bias = np.linspace(-1, 1, 32)
    want = _conv_sums(x, wt, g, (1, 1), (1, 1), (1, 1), 1)[1] + bias[None, :, None, None]
    got = torsh.nn.functional.conv_transpose2d(
        torsh.tensor(g.tolist()), torsh.tensor(wt.tolist()), torsh.tensor(bias.tolist()),
        padding=1)
    assert np.abs(np.array(got.tolist()) - want).max() <= 1e-4


def test_a_non_finite_weight_keeps_only_the_products_that_land():
    """An inf weight: the input gradient (a transposed convolution) adds the products that
    land, 0 * inf = NaN among them, but none with the border's zeros, as the reference."""
    x = torsh.zeros(1, 24, 5, 5, requires_grad=True)
    w = torsh.full((24, 24, 3, 3), 0.5)
    w[0, 0, 0, 0] = float("inf")
    g = torsh.zeros(1, 24, 5, 5)
    g[0, 0, 4, 4] = 1.0

    def grad():
        (dx,) = torsh.autograd.grad(torsh.nn.functional.conv2d(x, w, padding=1), (x,), g)
        return np.array(dx.tolist())

    got = grad()
    with torsh.backends.using("reference"):
        want = grad()
    assert np.isinf(got[0, 0, 3, 3]) and np.isfinite(got[0, 0, 4]).all()
    np.testing.assert_array_equal(np.isnan(got), np.isnan(want))
    np.testing.assert_allclose(np.nan_to_num(got), np.nan_to_num(want), rtol=1e-6)


def test_a_planned_call_reads_each_call_s_own_operands():
    """The second call of a signature runs the plan, which keeps the geometry but must read
    the new operands: another batch, then a contiguous view that starts inside its storage
    (the offset is not part of the signature), then one whose storage is too short."""
    conv2d = torsh.nn.functional.conv2d
    rng = np.random.default_rng(3)
    batches = torsh.tensor(rng.standard_normal((3, 2, 4, 5, 5)).tolist())
    w = torsh.tensor(rng.standard_normal((6, 4, 3, 3)).tolist())
    b = torsh.tensor(rng.standard_normal(6).tolist())
    for x in (batches[0], batches[1], batches[2]):
        got = conv2d(x, w, b, padding=1)
        with torsh.backends.using("reference"):
            want = conv2d(x, w, b, padding=1)
        np.testing.assert_allclose(np.array(got.tolist()), np.array(want.tolist()),
                                   rtol=1e-5, atol=1e-5)
    torn = batches[2].clone()
    torn._offset = 1                    # a view reaching one element past its storage
    with pytest.raises(RuntimeError, match="outside"):
        conv2d(torn, w, b, padding=1)


def test_fast_paths_in_the_portable_build():
    assert_passes_on_the_portable_build(
        "import sys; sys.path.insert(0, 'tests')\n"
        "import torsh, test_c_conv2d_speedpaths as t\n"
        "for case in (t.CASES[0], t.CASES[2], t.CASES[4], t.CASES[5]):\n"
        "    t._check(case, torsh.float32, 2e-5)\n"
        "t.test_a_non_finite_weight_keeps_only_the_products_that_land()\n"
        "print('ok')\n")
