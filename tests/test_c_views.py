"""The gradient of every view op on the C kernels: strided_scatter_add (and as_strided_scatter,
how an in-place write through a view enters its base's history) run as strided copies and an
elementwise add, agreeing with the reference; a view that names an element twice declines.

Skipped, with the reason printed, where the library is not built."""
import pytest

import torsh
from torsh.backends import C_BACKEND
from torsh.backends.c.strided_copy import overlaps_itself
from torsh.dispatch import dispatch
from torsh.ops.strided import _AS_STRIDED_SCATTER, _STRIDED_SCATTER_ADD

pytestmark = pytest.mark.skipif(not C_BACKEND.is_available(),
                                reason=C_BACKEND.unavailable_reason())


def _served(fn):
    with torsh.backends.trace() as trace:
        result = fn()
    return result, trace.counts()


def _grads(view, dtype=torsh.float64):
    torsh.manual_seed(0)
    x = torsh.randn(4, 6, dtype=dtype, requires_grad=True)
    out = view(x)
    out.backward(torsh.arange(out.numel(), dtype=dtype).reshape(out.shape))
    return x.grad


@pytest.mark.parametrize("view", [
    lambda x: x[1:3, ::2], lambda x: x.narrow(1, 2, 3), lambda x: x.select(0, 2),
    lambda x: x.t()[2:], lambda x: x.chunk(2, 1)[1], lambda x: x.diagonal(1),
    lambda x: x.reshape(3, 8)[:, 1:5]])
def test_view_gradients_are_native_and_agree_with_the_reference(view):
    fast, served = _served(lambda: _grads(view))
    with torsh.backends.using("reference"):
        slow = _grads(view)
    assert ("strided_scatter_add", "c", "native") in served
    assert torsh.equal(fast, slow)


def test_integer_and_bool_scatters_wrap_and_saturate_as_the_reference():
    for dtype, base, src in [(torsh.int8, [[120, 0], [5, 6]], [10, 10]),
                             (torsh.bool, [[True, False], [False, False]], [True, True])]:
        b, s = torsh.tensor(base, dtype=dtype), torsh.tensor(src, dtype=dtype)
        fast = dispatch(_STRIDED_SCATTER_ADD, b, s, size=(2,), stride=(3,), offset=0)
        with torsh.backends.using("reference"):
            slow = dispatch(_STRIDED_SCATTER_ADD, b, s, size=(2,), stride=(3,), offset=0)
        assert fast.tolist() == slow.tolist()


def test_a_self_overlapping_view_is_a_put_at_its_positions_in_order():
    assert overlaps_itself((3, 2), (1, 1)) and overlaps_itself((4,), (0,))
    assert not overlaps_itself((3, 2), (2, 1)) and not overlaps_itself((2, 3), (1, 2))
    x = torsh.ones(5, dtype=torsh.float64, requires_grad=True)
    fast, served = _served(lambda: torsh.autograd.grad(
        x.as_strided((3, 2), (1, 1)).sum(), x)[0])
    assert ("strided_scatter_add", "c", "native") in served
    assert fast.tolist() == [1.0, 2.0, 2.0, 1.0, 0.0]
    base, src = torsh.zeros(4), torsh.tensor([1.0, 2.0, 3.0])
    for accumulate in (True, False):      # positions 1, 1, 1: summed, or the last one wins
        op = _STRIDED_SCATTER_ADD if accumulate else _AS_STRIDED_SCATTER
        fast = dispatch(op, base, src, size=(3,), stride=(0,), offset=1)
        with torsh.backends.using("reference"):
            slow = dispatch(op, base, src, size=(3,), stride=(0,), offset=1)
        assert fast.tolist() == slow.tolist() == [0.0, 6.0 if accumulate else 3.0, 0.0, 0.0]


def test_an_in_place_write_through_a_view_keeps_both_histories():
    x = torsh.zeros(3, 4, requires_grad=True)
    y = x * 1
    with torsh.backends.trace() as trace:
        y[:, 1].mul_(0).add_(torsh.tensor([1.0, 2.0, 3.0]))
    assert ("as_strided_scatter", "c", "native") in trace.counts()
    (y * y).sum().backward()
    assert x.grad[:, 1].tolist() == [0.0, 0.0, 0.0] and x.grad[:, 0].tolist() == [0.0] * 3
    assert y[:, 1].tolist() == [1.0, 2.0, 3.0]


def test_writes_into_views_run_on_the_copy_kernel(monkeypatch):
    from torsh.backends.c import strided_copy
    copies = []
    real = strided_copy.copy_into
    monkeypatch.setattr("torsh.backends.c.copy_into",
                        lambda *args: copies.append(args[3]._shape) or real(*args))
    x = torsh.zeros(3, 4)
    x[:, 1].fill_(2.0)                                  # a strided column, a 0-d source
    x.t()[2].copy_(torsh.arange(3.0))                   # a transposed row
    x.add_(1)
    assert x.tolist() == [[1, 3, 1, 1], [1, 3, 2, 1], [1, 3, 3, 1]]
    assert (3,) in copies and (3, 4) in copies
    y = torsh.arange(6.0)
    y.copy_(y.flip(0))
    assert y.tolist() == [5.0, 4.0, 3.0, 2.0, 1.0, 0.0]
