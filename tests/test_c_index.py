"""The C backend's copies and index kernels (kernels/c/copy.c, index.c): clone, cat, index,
index_put, gather, scatter, scatter_add, index_select agree bit for bit with the reference on
every dtype, views, 0-d, empty, repeated and negative indices, and raise the reference's
IndexError before any C call for an index out of range.

Skipped, with the reason printed, where the library is not built (no C compiler)."""
import numpy as np
import pytest

import torsh
from torsh.backends import C_BACKEND

pytestmark = pytest.mark.skipif(not C_BACKEND.is_available(),
                                reason=C_BACKEND.unavailable_reason())

DTYPES = [torsh.float32, torsh.float64, torsh.float16, torsh.bfloat16, torsh.int8,
          torsh.int16, torsh.int32, torsh.int64, torsh.uint8, torsh.bool]


def both(fn):
    """fn() on the C backend and on the reference, with the ops that ran natively."""
    with torsh.backends.trace() as t, torsh.backends.using("c"):
        fast = fn()
    with torsh.backends.using("reference"):
        slow = fn()
    native = {name for name, backend, path in t.calls if backend == "c" and path == "native"}
    return fast, slow, native


def same(fast, slow):
    assert fast.shape == slow.shape and fast.dtype == slow.dtype
    a = fast.detach().float().numpy() if fast.dtype in (torsh.bfloat16,) else fast.numpy()
    b = slow.detach().float().numpy() if slow.dtype in (torsh.bfloat16,) else slow.numpy()
    np.testing.assert_array_equal(a, b)


def sample(shape, dtype):
    values = torsh.arange(int(np.prod(shape)), dtype=torsh.float64).reshape(shape) * 1.5 - 7
    return values.to(dtype)


@pytest.mark.parametrize("dtype", DTYPES)
def test_clone_and_cat_copy_views_bit_for_bit(dtype):
    x = sample((3, 4), dtype)
    for view in (x, x.t(), x[:, 1:3], x[::2], x[1].expand(2, 4), x[0, 0]):
        fast, slow, native = both(lambda: view.clone())
        same(fast, slow)
        assert "clone" in native
    fast, slow, native = both(lambda: torsh.cat([x.t(), x[:2].t()], 1))
    same(fast, slow)
    assert "cat" in native
    fast, slow, _ = both(lambda: torsh.stack([x, x.t().t()], 2))
    same(fast, slow)


def test_copies_keep_special_values_and_empty_shapes():
    x = torsh.tensor([0.0, -0.0, float("nan"), float("inf"), -float("inf")])
    y = x.flip(0).clone()
    assert str(y.numpy().tolist()) == str(x.numpy()[::-1].tolist())
    assert np.signbit(x.clone().numpy()[1])
    for parts in ([torsh.zeros(0, 3), torsh.ones(2, 3)], [torsh.ones(2), torsh.zeros(0)],
                  [torsh.zeros(0), torsh.zeros(0)]):
        fast, slow, _ = both(lambda: torsh.cat(parts))
        same(fast, slow)
    assert torsh.zeros(0, 4).t().clone().shape == (4, 0)


@pytest.mark.parametrize("dtype", DTYPES)
def test_advanced_indexing_matches_the_reference(dtype):
    x = sample((3, 4, 2), dtype)
    i, j = torsh.tensor([2, 0, -1, 2]), torsh.tensor([[1], [-3]], dtype=torsh.int32)
    for fn in (lambda: x[i], lambda: x[:, i], lambda: x[i, :, j[0]], lambda: x[j, i],
               lambda: x.transpose(0, 2)[:, i[:2]], lambda: x[i, 1:, 0]):
        fast, slow, native = both(fn)
        same(fast, slow)
        assert "index" in native


@pytest.mark.parametrize("accumulate", [False, True])
@pytest.mark.parametrize("dtype", DTYPES)
def test_index_put_matches_the_reference(dtype, accumulate):
    x = sample((4, 3), dtype)
    index = torsh.tensor([1, -1, 1, 0]) if accumulate else torsh.tensor([1, -1, 0])
    values = sample((len(index), 3), dtype).flip(0)
    for target, v in ((x, values), (x.t().t(), values[0]), (x, sample((), dtype))):
        fast, slow, native = both(lambda: target.index_put((index,), v, accumulate))
        same(fast, slow)
        assert "index_put" in native


def test_accumulating_rounds_once_as_the_reference():
    # 1 + 2**-24 + 2**-24 in float32: rounding once keeps 1 + 2**-23, each step would not
    x = torsh.ones(1, dtype=torsh.float32)
    v = torsh.full((2,), 2.0 ** -24, dtype=torsh.float32)
    fast, slow, _ = both(lambda: x.index_put((torsh.tensor([0, 0]),), v, accumulate=True))
    same(fast, slow)
    assert fast.item() == 1 + 2.0 ** -23
    big = torsh.tensor([2 ** 62], dtype=torsh.int64)
    fast, slow, _ = both(lambda: big.scatter_add(0, torsh.tensor([0, 0]), big.expand(2)))
    same(fast, slow)       # 3 * 2**62 wraps as the reference does
    small = torsh.tensor([100], dtype=torsh.int8)
    fast, slow, _ = both(lambda: small.index_put((torsh.tensor([0, 0]),), small.expand(2),
                                                 accumulate=True))
    same(fast, slow)
    assert fast.item() == 44


@pytest.mark.parametrize("dtype", DTYPES)
def test_gather_scatter_and_index_select_match_the_reference(dtype):
    x = sample((3, 4), dtype)
    index = torsh.tensor([[0, 3, 3], [1, 0, 2]])
    src = sample((2, 4), dtype).flip(1)
    cases = {"gather": lambda: x.t().gather(0, index.t()),
             "scatter": lambda: x.scatter(1, index, src),
             "index_select": lambda: x.t().index_select(1, torsh.tensor([2, 0, 2]))}
    if dtype is not torsh.bool:
        cases["scatter_add"] = lambda: x.scatter_add(1, index, src)
    for name, fn in cases.items():
        fast, slow, native = both(fn)
        same(fast, slow)
        assert name in native
    scalar = sample((), dtype)
    for fn in (lambda: scalar.gather(0, torsh.tensor(0)),
               lambda: scalar.index_select(0, torsh.tensor([0])),
               lambda: x.gather(1, torsh.zeros(3, 0, dtype=torsh.int64)),
               lambda: x.scatter(0, torsh.zeros(0, 4, dtype=torsh.int64), src)):
        fast, slow, _ = both(fn)
        same(fast, slow)


@pytest.mark.parametrize("fn, message", [
    (lambda x: x[torsh.tensor([0, 3])], "index 3 is out of bounds for dimension 0 with size 3"),
    (lambda x: x[:, torsh.tensor([-5])], "index -5 is out of bounds for dimension 1"),
    (lambda x: x.index_put((torsh.tensor([7]),), x[0, 0]), "index 7 is out"),
    (lambda x: x.gather(1, torsh.tensor([[4]])), r"gather\(\): index 4 is out of bounds"),
    (lambda x: x.gather(0, torsh.tensor([[-1]])), r"gather\(\): index -1 is out of bounds"),
    (lambda x: x.scatter_add(0, torsh.tensor([[3]]), x), r"scatter_add\(\): index 3"),
    (lambda x: x.scatter(1, torsh.tensor([[-1]]), x), r"scatter\(\): index -1"),
    (lambda x: x.index_select(1, torsh.tensor([0, 4])), r"index_select\(\): index 4"),
])
def test_bad_indices_raise_the_reference_error_before_any_c_call(fn, message):
    x = sample((3, 4), torsh.float64)
    for backend in ("c", "reference"):
        with torsh.backends.using(backend), pytest.raises(IndexError, match=message):
            fn(x)


def test_gradients_flow_through_native_kernels():
    x = torsh.randn(3, 4, dtype=torsh.float64, requires_grad=True)
    index = torsh.tensor([[0, 2], [1, 1]])
    assert torsh.autograd.gradcheck(lambda t: t.gather(1, index), (x,))
    assert torsh.autograd.gradcheck(lambda t: t[torsh.tensor([2, 0, 2])], (x,))
    assert torsh.autograd.gradcheck(lambda t: torsh.cat([t, t.t().t()], 1), (x,))


def test_large_copies_and_takes_use_every_thread_and_agree():
    x = torsh.arange(300 * 400, dtype=torsh.float32).reshape(300, 400)
    assert np.array_equal(x.t().contiguous().numpy(), x.numpy().T)
    index = torsh.arange(399, -1, -1)
    assert np.array_equal(x[:, index].numpy(), x.numpy()[:, ::-1])
    assert np.array_equal(torsh.cat([x, x], 1).numpy(), np.concatenate([x.numpy()] * 2, 1))


@pytest.mark.parametrize("dtype", DTYPES)
def test_slice_and_flat_writes_match_the_reference(dtype):
    x = sample((3, 4), dtype)
    index = torsh.tensor([2, 0, 2])
    source = sample((3, 3), dtype).flip(0)
    cases = {"index_copy": lambda: x.index_copy(1, torsh.tensor([3, 0, 1]), source),
             "index_fill": lambda: x.t().index_fill(0, torsh.tensor([-1, 0]), 5),
             "take": lambda: x.t().take(torsh.tensor([[0, -1], [5, 5]])),
             "put": lambda: x.put(torsh.tensor([0, -1, 4]), source[0]),
             "masked_select": lambda: x.masked_select(torsh.tensor([True, False, True, True])),
             "masked_scatter": lambda: x.t().masked_scatter(torsh.tensor([[True], [False],
                                                                          [True], [False]]),
                                                            source)}
    if dtype is not torsh.bool:
        cases["index_add"] = lambda: x.index_add(1, index, source, alpha=2)
        cases["put_accumulate"] = lambda: x.put(torsh.tensor([1, 1, -1]), source[1], True)
    for name, fn in cases.items():
        fast, slow, native = both(fn)
        same(fast, slow)
        assert name.split("_accumulate")[0] in native, name


@pytest.mark.parametrize("fn, message", [
    (lambda x: x.index_add(0, torsh.tensor([3]), x[:1]), r"index_add\(\): index 3"),
    (lambda x: x.index_copy(0, torsh.tensor([-1]), x[:1]), r"index_copy\(\): index -1"),
    (lambda x: x.index_fill(1, torsh.tensor([-5]), 0.0), r"index_fill\(\): index -5"),
    (lambda x: x.take(torsh.tensor([12])), r"take\(\): out of range: tried to access index 12"),
    (lambda x: x.put(torsh.tensor([-13]), x[0, :1]), r"put\(\): out of range"),
    (lambda x: x.masked_scatter(torsh.ones(3, 4, dtype=torsh.bool), x[0]),
     r"masked_scatter\(\): Number of elements of source \(4\) < number of ones in mask"),
])
def test_bad_slice_and_flat_indices_raise_as_the_reference(fn, message):
    x = sample((3, 4), torsh.float64)
    for backend in ("c", "reference"):
        with torsh.backends.using(backend), pytest.raises((IndexError, RuntimeError),
                                                          match=message):
            fn(x)


@pytest.mark.parametrize("dtype", [torsh.float32, torsh.float64, torsh.int32, torsh.uint8])
def test_sums_without_repeats_run_in_the_dtypes_own_width(dtype):
    x = sample((4, 5), dtype)
    source = sample((4, 2), dtype).flip(0)
    cases = [lambda: x.index_add(1, torsh.tensor([4, 0]), source),
             lambda: x.scatter_add(0, torsh.tensor([[3, 1], [0, 2]]), source),
             lambda: x.put(torsh.tensor([7, -1, 0]), source[0:3, 0], accumulate=True),
             lambda: x.t().index_put((torsh.tensor([1, 3]),), source.t(), accumulate=True)]
    for fn in cases:
        fast, slow, _ = both(fn)
        same(fast, slow)


@pytest.mark.parametrize("include_self", [True, False])
@pytest.mark.parametrize("reduce", ["sum", "prod", "mean", "amax", "amin"])
@pytest.mark.parametrize("dtype", [torsh.float32, torsh.float64, torsh.float16, torsh.int32,
                                   torsh.uint8, torsh.bool])
def test_scatter_reduce_folds_as_the_reference(dtype, reduce, include_self):
    if dtype is torsh.bool and reduce == "mean":
        return
    x = sample((3, 4), dtype)
    index = torsh.tensor([[0, 3, 3, 0], [1, 0, 3, 3]])
    src = sample((2, 4), dtype).flip(1)
    fast, slow, native = both(lambda: x.scatter_reduce(1, index, src, reduce,
                                                       include_self=include_self))
    same(fast, slow)
    assert "scatter_reduce" in native


def test_scatter_reduce_keeps_nan_and_signed_zero_as_the_reference():
    x = torsh.tensor([0.0, -0.0, 1.0])
    src = torsh.tensor([-0.0, float("nan"), 0.0, 2.0])
    index = torsh.tensor([0, 1, 1, 2])
    for reduce in ("amax", "amin", "sum"):
        for include_self in (True, False):
            fast, slow, _ = both(lambda: x.scatter_reduce(0, index, src, reduce,
                                                          include_self=include_self))
            assert str(fast.numpy().tolist()) == str(slow.numpy().tolist())


def test_one_hot_is_native_and_checks_its_classes():
    t = torsh.tensor([[2, 0, 3], [1, 3, 0]]).t()            # a strided view
    with torsh.backends.trace() as seen:
        fast = torsh.nn.functional.one_hot(t, 5)
    with torsh.backends.using("reference"):
        slow = torsh.nn.functional.one_hot(t, 5)
    assert fast.tolist() == slow.tolist() and fast.dtype == torsh.int64
    assert ("one_hot", "c", "native") in seen.calls
    assert torsh.nn.functional.one_hot(torsh.zeros(0, dtype=torsh.int64), 3).shape == (0, 3)
    for bad, message in (([-1, 0], "non-negative"), ([0, 5], "smaller than num_classes")):
        with pytest.raises(RuntimeError, match=message):
            torsh.nn.functional.one_hot(torsh.tensor(bad), 5)
