"""grid_sample's forward on the C kernel (kernels/c/grid.c): native, and the reference's
answer for every mode and padding, 2-D and 3-D, align_corners, points far outside the input,
non-finite points and strided inputs; its gradient (torsh ops) agrees too.

Skipped, with the reason printed, where the library is not built."""
import math

import numpy as np
import pytest

import torsh
import torsh.nn.functional as F
from torsh.backends import C_BACKEND

from c_checks import assert_same, both, data, with_grads

pytestmark = pytest.mark.skipif(not C_BACKEND.is_available(),
                                reason=C_BACKEND.unavailable_reason())


def points(*shape, seed=7, spread=1.6):
    """Grid points in [-spread, spread]: some outside the input on purpose."""
    values = (np.random.RandomState(seed).rand(*shape) * 2 - 1) * spread
    return torsh.tensor(values, dtype=torsh.float64)


@pytest.mark.parametrize("mode", ["bilinear", "nearest", "bicubic"])
@pytest.mark.parametrize("padding", ["zeros", "border", "reflection"])
@pytest.mark.parametrize("align", [False, True])
def test_2d_agrees_with_the_reference(mode, padding, align):
    x = data(2, 3, 4, 5, grad=False)
    grid = points(2, 3, 6, 2, spread=3.5 if padding == "reflection" else 1.6)
    fast, slow, native = both(lambda: F.grid_sample(x, grid, mode=mode, padding_mode=padding,
                                                    align_corners=align))
    assert_same(fast, slow, tol=1e-12)
    assert "grid_sample" in native


@pytest.mark.parametrize("mode", ["bilinear", "nearest"])
@pytest.mark.parametrize("padding", ["zeros", "border", "reflection"])
def test_3d_and_strided_inputs_agree(mode, padding):
    x = data(2, 2, 3, 4, 5, grad=False).transpose(2, 4)         # (2, 2, 5, 4, 3), strided
    grid = points(2, 2, 3, 4, 3)[..., ::1]
    fast, slow, native = both(lambda: F.grid_sample(x, grid, mode=mode, padding_mode=padding,
                                                    align_corners=False))
    assert_same(fast, slow, tol=1e-12)
    assert "grid_sample" in native


def test_float32_and_gradients():
    x = data(1, 2, 5, 5, dtype=torsh.float32, grad=False)
    grid = points(1, 4, 4, 2).to(torsh.float32)
    fast, slow, _ = both(lambda: F.grid_sample(x, grid, align_corners=False))
    assert_same(fast, slow, tol=0)
    x64, grid64 = data(1, 2, 4, 4), points(1, 3, 3, 2).requires_grad_()
    fast, slow, native = both(with_grads(lambda a, b: F.grid_sample(a, b, align_corners=True),
                                         [x64, grid64]))
    assert_same(fast, slow, tol=1e-10)
    assert "grid_sample" in native


def test_non_finite_points():
    x = data(1, 1, 3, 3, grad=False)
    grid = torsh.tensor([[[[math.nan, 0.0], [math.inf, 0.5], [0.2, -math.inf]]]],
                        dtype=torsh.float64)
    for mode in ("bilinear", "nearest", "bicubic"):
        fast, slow, _ = both(lambda: F.grid_sample(x, grid, mode=mode, align_corners=False))
        assert_same(fast, slow, tol=0)
