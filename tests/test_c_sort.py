"""sort, argsort, msort, topk, kthvalue, median, nanmedian and mode on the C kernels
(kernels/c/sort.c): agreement with the reference (values AND indices) for every dtype, on
contiguous, transposed, sliced, 0-d and empty inputs; NaN (the largest value), -0.0 (equal to
0.0, kept as it is), ties (input order), long lanes (the radix sort and select) and short
ones (insertion), the threaded path, errors, gradients, and the portable build (a
subprocess).

Skipped, with the reason printed, where the library is not built."""
import math
import random

import pytest

import torsh
from torsh.autograd.gradcheck import gradcheck, gradgradcheck
from torsh.backends import C_BACKEND

from c_checks import portable_rerun

pytestmark = pytest.mark.skipif(not C_BACKEND.is_available(),
                                reason=C_BACKEND.unavailable_reason())

NAN = float("nan")
DTYPES = [torsh.bool, torsh.uint8, torsh.int8, torsh.int16, torsh.int32, torsh.int64,
          torsh.float16, torsh.bfloat16, torsh.float32, torsh.float64]
OPS = {  # name -> (op name served, fn(x, dim)); bool only where the op takes it
    "sort": ("sort", lambda x, d: tuple(torsh.sort(x, d))),
    "sort_descending": ("sort", lambda x, d: tuple(torsh.sort(x, d, descending=True))),
    "argsort": ("sort", lambda x, d: torsh.argsort(x, d, stable=True)),
    "topk": ("topk", lambda x, d: tuple(torsh.topk(x, min(2, _size(x, d)), d))),
    "topk_smallest": ("topk", lambda x, d: tuple(torsh.topk(x, _size(x, d), d,
                                                          largest=False))),
    "kthvalue": ("kthvalue", lambda x, d: tuple(torsh.kthvalue(x, _size(x, d), d))),
    "median_dim": ("median_dim", lambda x, d: tuple(torsh.median(x, d, keepdim=True))),
    "nanmedian_dim": ("median_dim", lambda x, d: tuple(torsh.nanmedian(x, d))),
    "median": ("median", lambda x, d: torsh.median(x)),
    "nanmedian": ("nanmedian", lambda x, d: torsh.nanmedian(x)),
    "mode": ("mode", lambda x, d: tuple(torsh.mode(x, d))),
}
NO_BOOL = {"topk", "topk_smallest", "kthvalue", "median_dim", "nanmedian_dim", "median",
           "nanmedian"}
NEEDS_ELEMENTS = {"kthvalue", "median_dim", "nanmedian_dim", "mode"}


def _size(x, dim):
    return x.shape[dim] if x.ndim else 1


def _both(fn):
    """(C answer, reference answer, what served the C call), each answer a tuple."""
    with torsh.backends.trace() as trace:
        fast = fn()
    with torsh.backends.using("reference"):
        slow = fn()
    as_tuple = (lambda r: r if isinstance(r, tuple) else (r,))
    return as_tuple(fast), as_tuple(slow), trace.counts()


def _agree(fast, slow):
    """Same dtypes, shapes and elements: NaN matches NaN, -0.0 only -0.0."""
    for a, b in zip(fast, slow):
        assert a.dtype is b.dtype and tuple(a.shape) == tuple(b.shape)
        assert repr(a.tolist()) == repr(b.tolist()), (a, b)


def _check(name, x, dim):
    served_op, fn = OPS[name]
    fast, slow, served = _both(lambda: fn(x, dim))
    _agree(fast, slow)
    assert (served_op, "c", "native") in served, served


def _pool(dtype, count, rng):
    """count values with ties (and NaN, +-inf, -0.0 for floating dtypes)."""
    if dtype is torsh.bool:
        return [rng.random() < 0.5 for _ in range(count)]
    if dtype.is_floating_point:
        special = [NAN, math.inf, -math.inf, -0.0, 0.0, 1.5, -2.0]
        return [rng.choice(special) if rng.random() < 0.4 else round(rng.gauss(0, 4), 1)
                for _ in range(count)]
    low = 0 if dtype is torsh.uint8 else -100
    return [rng.randrange(low, 100) for _ in range(count)]


def _tensor(values, shape, dtype):
    return torsh.tensor(values).to(dtype).reshape(shape)


def _views(x):
    """x, transposed, sliced (every other column), a row, an element and empty slices."""
    return [(x, 1), (x, 0), (x.t(), 1), (x.t(), -2), (x[:, ::2], 1), (x[::2, 1:], 0),
            (x[1], 0), (x[0, 1], 0), (x[:0], 1), (x[:, :0], 0)]


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: d.name)
def test_every_op_matches_the_reference_on_views(dtype):
    x = _tensor(_pool(dtype, 24, random.Random(dtype.name)), (4, 6), dtype)
    for name in OPS:
        if dtype is torsh.bool and name in NO_BOOL:
            continue
        for view, dim in _views(x):
            if name in NEEDS_ELEMENTS and view.ndim and view.shape[dim] == 0:
                continue
            _check(name, view, dim)


@pytest.mark.parametrize("dtype", [torsh.float32, torsh.float64, torsh.int64, torsh.int8,
                                   torsh.bool], ids=lambda d: d.name)
@pytest.mark.parametrize("length", [5, 33, 300])
def test_long_and_short_lanes_with_ties_match_the_reference(dtype, length):
    x = _tensor(_pool(dtype, 3 * length, random.Random(length)), (3, length), dtype)
    for name in ("sort", "sort_descending", "topk", "topk_smallest", "kthvalue",
                 "median_dim", "nanmedian_dim", "mode", "median"):
        if not (dtype is torsh.bool and name in NO_BOOL):
            _check(name, x, 1)
            _check(name, x.t().contiguous().t(), 1)        # a lane with a stride


@pytest.mark.parametrize("dtype", [torsh.float32, torsh.int16], ids=lambda d: d.name)
def test_every_kth_value_of_a_long_lane_with_ties(dtype):
    """kthvalue beyond the insertion path is a radix select: its index must still be the
    stable sort's (the (k - below)-th of the tied elements in input order)."""
    pool = [0.0, -0.0, NAN, 2.0, -1.0] if dtype.is_floating_point else [0, 3, -2]
    rng = random.Random(11)
    x = _tensor([rng.choice(pool) for _ in range(2 * 90)], (2, 90), dtype)
    for k in range(1, 91):
        fast, slow, served = _both(lambda: tuple(torsh.kthvalue(x, k, 1)))
        _agree(fast, slow)
    assert ("kthvalue", "c", "native") in served
    for view in (x, x.t()):
        _check("median", view, 0)
        _check("nanmedian", view, 0)


def test_nan_negative_zero_and_ties_by_hand():
    x = torsh.tensor([1.0, NAN, -0.0, 0.0, NAN, -1.0, 0.0])
    values, indices = torsh.sort(x)
    assert repr(values.tolist()) == repr([-1.0, -0.0, 0.0, 0.0, 1.0, NAN, NAN])
    assert indices.tolist() == [5, 2, 3, 6, 0, 1, 4]
    values, indices = torsh.sort(x, descending=True)
    assert repr(values.tolist()) == repr([NAN, NAN, 1.0, -0.0, 0.0, 0.0, -1.0])
    assert indices.tolist() == [1, 4, 0, 2, 3, 6, 5]
    assert torsh.topk(x, 3).indices.tolist() == [1, 4, 0]
    assert repr(torsh.topk(x, 2, largest=False).values.tolist()) == repr([-1.0, -0.0])
    assert repr(tuple(torsh.kthvalue(x, 2))) == repr((torsh.tensor(-0.0), torsh.tensor(2)))
    median = torsh.median(x, 0)
    assert math.isnan(median.values.item()) and median.indices.item() == 1    # first NaN
    assert tuple(torsh.nanmedian(x, 0)) == (0.0, 3)
    assert tuple(torsh.mode(x)) == (0.0, 6)           # -0.0 == 0.0: three, the last at 6
    assert math.isnan(torsh.median(x).item()) and torsh.nanmedian(x).item() == 0.0


def test_empty_and_zero_dim_inputs():
    for x in (torsh.tensor(2.5), torsh.tensor(-0.0, dtype=torsh.float64)):
        for name in ("sort", "topk", "kthvalue", "median_dim", "mode", "median"):
            _check(name, x, 0)
        assert tuple(torsh.topk(x, 0).indices.shape) == ()
    empty = torsh.zeros(0, 3)
    assert torsh.sort(empty, 0).values.shape == (0, 3)
    assert torsh.topk(empty, 0, 0).indices.shape == (0, 3)
    assert torsh.topk(empty, 2, 1).values.shape == (0, 2)
    assert torsh.kthvalue(empty, 1, 1).values.shape == (0,)
    fast, slow, served = _both(lambda: torsh.median(torsh.zeros(0)))
    _agree(fast, slow)
    assert math.isnan(fast[0].item()) and ("median", "c", "native") in served


def test_the_threaded_path_matches_the_reference():
    threads = torsh.get_num_threads()
    torsh.set_num_threads(2)
    try:
        x = _tensor(_pool(torsh.float32, 64 * 300, random.Random(7)), (64, 300),
                    torsh.float32)
        for name in ("sort", "topk", "mode", "median_dim"):
            _check(name, x, 1)
        _check("sort_descending", x, 0)
    finally:
        torsh.set_num_threads(threads)


def test_msort_and_argsort_are_sort():
    x = torsh.tensor([[3, 1], [1, 2], [2, 2]], dtype=torsh.int16)
    assert torsh.msort(x).tolist() == [[1, 1], [2, 2], [3, 2]]
    assert torsh.argsort(x, 0, descending=True).tolist() == [[0, 1], [2, 2], [1, 0]]


def test_invalid_arguments_raise_as_the_reference():
    x = torsh.zeros(2, 3)
    cases = [(IndexError, "sort: Dimension out of range", lambda: torsh.sort(x, 2)),
             (IndexError, "topk: Dimension out of range", lambda: torsh.topk(x, 1, -3)),
             (RuntimeError, "topk: selected index k", lambda: torsh.topk(x, 4)),
             (RuntimeError, "kthvalue", lambda: torsh.kthvalue(x, 0)),
             (NotImplementedError, "kthvalue", lambda: torsh.kthvalue(x.bool(), 1)),
             (IndexError, "median", lambda: torsh.median(torsh.zeros(2, 0), 1)),
             (IndexError, "mode", lambda: torsh.mode(torsh.zeros(2, 0), 1))]
    for error, message, fn in cases:
        for backend in ("c", "reference"):
            with torsh.backends.using(backend), pytest.raises(error, match=message):
                fn()


def test_gradients_go_back_through_the_indices():
    x = torsh.tensor([[0.3, -1.2, 2.5, 0.7], [1.1, 0.4, -0.6, 2.2]], dtype=torsh.float64,
                     requires_grad=True)
    fns = [lambda t: torsh.sort(t, 1, descending=True).values,
           lambda t: torsh.topk(t, 2, 0).values, lambda t: torsh.kthvalue(t, 3, 1).values,
           lambda t: torsh.median(t, 1).values, lambda t: torsh.mode(t, 0).values,
           lambda t: torsh.median(t)]
    for fn in fns:
        assert gradcheck(fn, (x,))
        out = fn(x)
        g = torsh.ones(out.shape, dtype=torsh.float64, requires_grad=True)
        assert gradgradcheck(fn, (x,), grad_outputs=(g,))


test_this_file_passes_on_the_portable_build = portable_rerun(__file__)
