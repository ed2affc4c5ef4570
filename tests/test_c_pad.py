"""pad and its gradient on the C copies (torsh/backends/c/pad.py): native, and the reference's
answer for every mode on strided views, negative pads, empty batches, integer and bool
inputs.

Skipped, with the reason printed, where the library is not built."""
import pytest

import torsh
import torsh.nn.functional as F
from torsh.backends import C_BACKEND

from c_checks import assert_same, both, data, with_grads

pytestmark = pytest.mark.skipif(not C_BACKEND.is_available(),
                                reason=C_BACKEND.unavailable_reason())

BASE = torsh.arange(120.0).reshape(2, 3, 4, 5)
VIEWS = {
    "contiguous": lambda: BASE,
    "transposed": lambda: BASE.transpose(1, 3),
    "sliced": lambda: BASE[:, ::2, 1:, 1:4],
    "expanded": lambda: BASE[:, :1].expand(2, 3, 4, 5),
}
PADS = {
    "constant": [(1, 2), (2, 0, 1, 3), (1, 1, 0, 2, 3, 1), (-1, 2), (2, -2, -1, 1)],
    "reflect": [(1, 2, 2, 0), (1, 1, 0, 2, 1, 1)],
    "replicate": [(1, 2, 3, 0), (1, 1, 0, 2, 2, 1)],
    "circular": [(1, 2, 2, 0), (1, 1, 0, 2, 1, 1), (-1, 2, 0, 1)],
}
CASES = [(mode, pads) for mode, all_pads in PADS.items() for pads in all_pads]


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("mode,pads", CASES)
def test_pad_agrees_with_the_reference(view, mode, pads):
    value = 2.5 if mode == "constant" else None
    fast, slow, native = both(lambda: F.pad(VIEWS[view](), pads, mode=mode, value=value))
    assert_same(fast, slow, tol=0)
    assert "pad" in native


@pytest.mark.parametrize("mode,pads", CASES)
def test_pad_gradient_agrees_with_the_reference(mode, pads):
    x = data(2, 3, 4, 5)
    fast, slow, native = both(with_grads(lambda t: F.pad(t, pads, mode=mode), [x]))
    assert_same(fast, slow, tol=1e-12)
    assert "pad" in native
    assert mode == "constant" or "pad_backward" in native


@pytest.mark.parametrize("dtype", [torsh.int64, torsh.int8, torsh.uint8, torsh.float16,
                                   torsh.bfloat16])
@pytest.mark.parametrize("mode", ["constant", "reflect", "circular"])
def test_pad_other_dtypes(dtype, mode):
    x = torsh.arange(24).reshape(2, 3, 4).to(dtype)
    value = 7 if mode == "constant" else None
    fast, slow, native = both(lambda: F.pad(x, (2, 1, 1, 1), mode=mode, value=value))
    assert_same(fast, slow, tol=0)
    assert "pad" in native


def test_bool_constant_and_circular_pads():
    x = torsh.tensor([[True, False, True]])
    for mode, value in (("constant", True), ("circular", None)):
        fast, slow, _ = both(lambda: F.pad(x, (2, 2), mode=mode, value=value))
        assert_same(fast, slow, tol=0)


def test_float32_gradient_sums_wide_and_rounds_once():
    """replicate piles many terms onto the edge element: the sum is the reference's."""
    x = torsh.zeros(1, 1, 3, requires_grad=True)
    g = torsh.full((1, 1, 3 + 2000), 0.1)
    fast, slow, native = both(lambda: torsh.autograd.grad(
        F.pad(x, (1000, 1000), mode="replicate"), (x,), g)[0])
    assert_same(fast, slow, tol=0)
    assert "pad_backward" in native


def test_empty_batch_and_crop_to_nothing():
    x = torsh.zeros(0, 3, 4)
    fast, slow, _ = both(lambda: F.pad(x, (1, 1), mode="reflect"))
    assert_same(fast, slow, tol=0)
    fast, slow, _ = both(lambda: F.pad(torsh.ones(2, 3), (-2, -1), value=1.0))
    assert fast.shape == (2, 0)
    assert_same(fast, slow, tol=0)


def test_errors_are_the_reference_errors():
    with pytest.raises(RuntimeError, match="Padding size should be less"):
        F.pad(torsh.ones(1, 2, 3), (3, 0), mode="reflect")
    with pytest.raises(RuntimeError, match="wrapping around more than once"):
        F.pad(torsh.ones(1, 2, 3), (4, 0), mode="circular")
