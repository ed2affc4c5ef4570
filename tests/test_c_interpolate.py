"""interpolate and its gradient on the C taps kernel (torsh/backends/c/interpolate.py,
kernels/c/taps.c): native for float32 and float64, and the reference's answer for every mode,
1-, 2- and 3-D, scales and sizes, align_corners, strided inputs.

Skipped, with the reason printed, where the library is not built."""
import pytest

import torsh
import torsh.nn.functional as F
from torsh.backends import C_BACKEND

from c_checks import assert_same, both, data, with_grads

pytestmark = pytest.mark.skipif(not C_BACKEND.is_available(),
                                reason=C_BACKEND.unavailable_reason())

CALLS = {
    "nearest_1d": (3, lambda x: F.interpolate(x, size=7)),
    "nearest_2d_scale": (4, lambda x: F.interpolate(x, scale_factor=2)),
    "nearest_2d_down": (4, lambda x: F.interpolate(x, size=(2, 3))),
    "nearest_exact": (4, lambda x: F.interpolate(x, size=(7, 3), mode="nearest-exact")),
    "linear": (3, lambda x: F.interpolate(x, size=9, mode="linear")),
    "bilinear": (4, lambda x: F.interpolate(x, scale_factor=1.5, mode="bilinear")),
    "bilinear_corners": (4, lambda x: F.interpolate(x, size=(6, 2), mode="bilinear",
                                                    align_corners=True)),
    "bicubic": (4, lambda x: F.interpolate(x, size=(7, 8), mode="bicubic")),
    "area": (4, lambda x: F.interpolate(x, size=(3, 2), mode="area")),
    "trilinear": (5, lambda x: F.interpolate(x, size=(3, 5, 4), mode="trilinear")),
    "nearest_3d": (5, lambda x: F.interpolate(x, scale_factor=(1, 2, 0.5))),
}
SHAPES = {3: (2, 3, 5), 4: (2, 3, 4, 5), 5: (1, 2, 3, 4, 5)}


@pytest.mark.parametrize("case", CALLS)
@pytest.mark.parametrize("layout", ["contiguous", "transposed"])
def test_forward_and_gradient_agree_with_the_reference(case, layout):
    ndim, call = CALLS[case]
    x = data(*SHAPES[ndim])
    if layout == "transposed":          # channels last in memory, logically the same shape
        x = x.detach().transpose(1, -1).contiguous().transpose(1, -1).requires_grad_()
    fast, slow, native = both(with_grads(call, [x]))
    assert_same(fast, slow, tol=1e-12)
    assert {"interpolate", "interpolate_backward"} <= native


@pytest.mark.parametrize("case", ["bilinear", "bicubic", "area"])
def test_float32_rounds_once(case):
    ndim, call = CALLS[case]
    x = data(*SHAPES[ndim], dtype=torsh.float32, grad=False)
    fast, slow, native = both(lambda: call(x))
    assert_same(fast, slow, tol=0)
    assert "interpolate" in native


def test_special_values_and_empty_batch():
    x = torsh.tensor([[[1.0, float("nan"), float("inf"), -0.0]]])
    for mode in ("nearest", "linear", "area"):
        fast, slow, _ = both(lambda: F.interpolate(x, size=6 if mode != "area" else 3,
                                                   mode=mode))
        assert_same(fast, slow, tol=0)
    fast, slow, _ = both(lambda: F.interpolate(torsh.zeros(0, 2, 3), size=5))
    assert fast.shape == (0, 2, 5)


def test_half_precision_runs_in_float32_and_uint8_on_the_reference():
    x = torsh.tensor([[[1.0, 2.5, -3.0]]], dtype=torsh.float16)
    fast, slow, native = both(lambda: F.interpolate(x, size=5, mode="linear"))
    assert_same(fast, slow, tol=1e-3)
    assert "interpolate" in native
    pixels = torsh.tensor([[[[0, 255], [100, 7]]]], dtype=torsh.uint8)
    fast, slow, native = both(lambda: F.interpolate(pixels, size=(3, 3), mode="bilinear"))
    assert_same(fast, slow, tol=0)
    assert "interpolate" not in native


def test_bad_taps_never_reach_memory():
    """The C kernel refuses a source outside the input instead of reading it."""
    from torsh.backends.c.interpolate import _pass
    ffi, lib = C_BACKEND.ffi, C_BACKEND.lib
    table = (ffi.new("int64_t[]", [0, 1]), ffi.new("int64_t[]", [5]),
             ffi.new("double[]", [1.0]))
    with pytest.raises(RuntimeError, match="refused"):
        _pass(ffi, lib, torsh.zeros(1, 1, 3), 2, table, 1, False, torsh.float32)
