"""nonzero on the C kernels, the ground of boolean-mask indexing: every dtype, strided views,
0-d and empty inputs, -0.0 (zero) and NaN (nonzero), agreeing with the reference.

Skipped, with the reason printed, where the library is not built."""
import pytest

import torsh
from torsh.backends import C_BACKEND

pytestmark = pytest.mark.skipif(not C_BACKEND.is_available(),
                                reason=C_BACKEND.unavailable_reason())


def _both(fn):
    with torsh.backends.trace() as trace:
        fast = fn()
    with torsh.backends.using("reference"):
        slow = fn()
    return fast, slow, trace.counts()


@pytest.mark.parametrize("dtype", [torsh.bool, torsh.uint8, torsh.int8, torsh.int16,
                                   torsh.int32, torsh.int64, torsh.float16, torsh.bfloat16,
                                   torsh.float32, torsh.float64])
def test_nonzero_matches_the_reference_for_every_dtype(dtype):
    values = [[0, 1, 0, 3], [2, 0, 0, 0], [0, 0, 5, 1]]
    x = torsh.tensor(values).to(dtype)
    for view in (x, x.t(), x[:, ::2], x[1], x[0, 1], x[:0]):
        fast, slow, served = _both(lambda: torsh.nonzero(view))
        assert ("nonzero", "c", "native") in served
        assert fast.dtype is torsh.int64 and fast.tolist() == slow.tolist()
        assert tuple(fast.shape) == tuple(slow.shape)


def test_negative_zero_is_zero_and_nan_is_not():
    x = torsh.tensor([0.0, -0.0, float("nan"), 1e-45, -2.0])
    assert torsh.nonzero(x).flatten().tolist() == [2, 3, 4]
    h = x.half()
    assert torsh.nonzero(h).flatten().tolist() == [2, 4]        # 1e-45 is 0 in half


def test_boolean_mask_indexing_runs_natively():
    x = torsh.tensor([[1.0, -2.0], [-3.0, 4.0]])
    fast, slow, served = _both(lambda: x[x > 0])
    assert ("nonzero", "reference", "reference") not in served
    assert fast.tolist() == slow.tolist() == [1.0, 4.0]
