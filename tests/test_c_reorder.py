"""flip, roll, repeat, repeat_interleave, diag_embed, block_diag, tril and triu on the C copies
(torsh/backends/c/reorder.py): native, and the reference's answer on strided views, empty and
0-d inputs, every kind of dims.

Skipped, with the reason printed, where the library is not built."""
import pytest

import torsh
from torsh.backends import C_BACKEND

from c_checks import assert_same, both, data, with_grads

pytestmark = pytest.mark.skipif(not C_BACKEND.is_available(),
                                reason=C_BACKEND.unavailable_reason())

BASE = torsh.arange(60.0).reshape(3, 4, 5)
VIEWS = {
    "contiguous": lambda: BASE,
    "transposed": lambda: BASE.transpose(0, 2),
    "sliced": lambda: BASE[1:, ::2, 1:4],
    "expanded": lambda: BASE[:, :1].expand(3, 4, 5),
}


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("call", [
    lambda x: x.flip(0), lambda x: x.flip(-1, 1), lambda x: x.flip(0, 1, 2),
    lambda x: torsh.roll(x, 2, 0), lambda x: torsh.roll(x, (-1, 7), (2, 1)),
    lambda x: torsh.roll(x, 3), lambda x: torsh.roll(x, (1, 2), (0, 0)),
    lambda x: x.repeat(2, 1, 3), lambda x: x.repeat(2, 1, 1, 2), lambda x: x.tile((2,)),
    lambda x: x.repeat_interleave(2, 1), lambda x: x.repeat_interleave(3),
    lambda x: x.repeat_interleave(torsh.arange(x.shape[0]) % 3, 0),
    lambda x: torsh.rot90(x, 1, (0, 2)),
    lambda x: x.tril(), lambda x: x.triu(2), lambda x: x.tril(-1), lambda x: x.triu(-9),
    lambda x: torsh.diag_embed(x), lambda x: torsh.diag_embed(x, 2, 0, 2),
    lambda x: torsh.diag_embed(x, -1, 3, 1), lambda x: torsh.diag(x[0, 1]),
    lambda x: torsh.diagflat(x[:, 0, :2], -2),
])
def test_reorders_agree_with_the_reference(view, call):
    fast, slow, native = both(lambda: call(VIEWS[view]()))
    assert_same(fast, slow, tol=0)
    assert {"flip", "roll", "repeat", "repeat_interleave", "diag_embed", "tril",
            "triu"} & native


@pytest.mark.parametrize("call", [
    lambda x: x.flip(0), lambda x: torsh.roll(x, 1, 0), lambda x: x.repeat(2, 3),
    lambda x: x.repeat(0, 2), lambda x: x.tril(), lambda x: x.triu(1),
    lambda x: torsh.diag_embed(x),
])
@pytest.mark.parametrize("shape", [(0, 3), (2, 0)])
def test_empty_inputs(call, shape):
    fast, slow, _ = both(lambda: call(torsh.zeros(shape, dtype=torsh.int64)))
    assert_same(fast, slow)


def test_other_dtypes_and_0d():
    for dtype in (torsh.bool, torsh.uint8, torsh.float16, torsh.int32):
        x = (torsh.arange(12) % 3).to(dtype).reshape(3, 4)
        fast, slow, _ = both(lambda: (x.flip(1), torsh.roll(x, -5, 1), x.repeat(1, 2),
                                      x.tril(1), x.triu(), torsh.diag_embed(x, 1)))
        assert_same(fast, slow, tol=0)
    scalar = torsh.tensor(4.0)
    fast, slow, _ = both(lambda: (scalar.flip(()), scalar.repeat(3), scalar.repeat(())))
    assert_same(fast, slow, tol=0)


def test_gradients_flow_back_through_the_copies():
    x = data(3, 4)
    fast, slow, _ = both(with_grads(
        lambda t: torsh.diag_embed(t.flip(1).repeat(2, 1).roll(1, 0).tril()), [x]))
    assert_same(fast, slow)


def test_block_diag_of_every_rank_and_empty_blocks():
    blocks = (torsh.tensor(7.0), torsh.arange(3.0), BASE[0, :2].t(), torsh.zeros(0, 2),
              torsh.ones(2, 0))
    fast, slow, native = both(lambda: torsh.block_diag(*blocks))
    assert_same(fast, slow, tol=0)
    assert "block_diag" in native
