"""ctc_loss and its gradient on the C kernels (kernels/c/ctc.c): native, and the reference's
answer on padded and concatenated targets, repeated labels, impossible alignments (with and
without zero_infinity), empty targets and inputs, strided log-probabilities; lengths or
labels that do not fit are never handed to C.

Skipped, with the reason printed, where the library is not built."""
import numpy as np
import pytest

import torsh
import torsh.nn.functional as F
from torsh.backends import C_BACKEND

from c_checks import assert_same, both, with_grads

pytestmark = pytest.mark.skipif(not C_BACKEND.is_available(),
                                reason=C_BACKEND.unavailable_reason())


def log_probs(frames, batch, classes, dtype=torsh.float64, seed=0):
    values = np.random.RandomState(seed).randn(frames, batch, classes)
    return torsh.tensor(values, dtype=dtype).log_softmax(-1).detach().requires_grad_()


CASES = {
    "padded": (torsh.tensor([[1, 2, 2, 3], [4, 1, 0, 0], [2, 2, 2, 0]]), [9, 7, 8], [4, 2, 3]),
    "concatenated": (torsh.tensor([1, 2, 2, 3, 4, 1, 2, 2, 2]), [9, 7, 8], [4, 2, 3]),
    "impossible": (torsh.tensor([[1, 1, 1, 1], [2, 3, 0, 0], [1, 0, 0, 0]]), [5, 1, 0],
                   [4, 2, 1]),
    "empty_targets": (torsh.tensor([[0, 0], [0, 0], [0, 0]]), [3, 0, 9], [0, 0, 0]),
}


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
@pytest.mark.parametrize("zero_infinity", [False, True])
def test_loss_and_gradient_agree_with_the_reference(case, reduction, zero_infinity):
    targets, inputs, lengths = CASES[case]
    lp = log_probs(9, 3, 5)

    def loss(x):
        return F.ctc_loss(x, targets, inputs, lengths, blank=0, reduction=reduction,
                          zero_infinity=zero_infinity)
    fast, slow, native = both(with_grads(loss, [lp]))
    assert_same(fast, slow, tol=1e-12)
    assert {"ctc_loss", "ctc_loss_backward"} <= native


def test_float32_strided_and_another_blank():
    lp = log_probs(6, 4, 7, dtype=torsh.float32, seed=3).detach()
    lp = lp.transpose(0, 1).contiguous().transpose(0, 1).requires_grad_()   # strided
    targets = torsh.tensor([[1, 2], [3, 3], [6, 1], [2, 0]])

    def loss(x):
        return F.ctc_loss(x, targets, [6, 5, 6, 3], [2, 2, 2, 1], blank=4, reduction="sum")
    fast, slow, native = both(with_grads(loss, [lp]))
    assert_same(fast, slow, tol=2e-5)
    assert "ctc_loss" in native


def test_bad_lengths_never_reach_the_kernel():
    """Called as the op itself (no checks of the public function), a target length beyond
    the padded targets is declined and answered by the reference."""
    from torsh.nn.functional.ctc import _CTC_LOSS
    from torsh.dispatch import dispatch
    lp = log_probs(4, 1, 3).detach()
    with torsh.backends.trace() as seen:
        try:
            dispatch(_CTC_LOSS, lp, torsh.tensor([[1, 2]]), torsh.tensor([4]),
                     torsh.tensor([7]), blank=0, zero_infinity=False)
        except Exception:
            pass
    assert ("ctc_loss", "c", "native") not in seen.calls
