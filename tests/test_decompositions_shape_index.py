"""Decompositions of the shape and index ops (shape*.py, index_ops.py, masking.py, scatter.py).

The primitives backend has kernels for the primitive contract only, so there each of these ops
must run as its decomposition, give exactly the reference's result (dtype, shape, NaN, -0.0,
integer wrapping), raise the reference's error, and keep its gradient.
"""
import math

import pytest

import torsh
from torsh import backends
from torsh.autograd.gradcheck import gradcheck, gradgradcheck


def _run(backend: str, make):
    """make() on a backend: (its result or the exception it raised, the trace of op calls)."""
    with backends.using(backend), backends.trace() as trace:
        try:
            result = make()
        except Exception as error:      # compared with the reference's error below
            result = error
    return result, trace.calls


def _same_element(a, b) -> bool:
    """Equal, with NaN equal to NaN and the sign of a zero respected."""
    if isinstance(a, float) and isinstance(b, float):
        if math.isnan(a) or math.isnan(b):
            return math.isnan(a) and math.isnan(b)
        return a == b and math.copysign(1, a) == math.copysign(1, b)
    return type(a) is type(b) and a == b


def _assert_same(got, want):
    if isinstance(want, Exception):
        assert type(got) is type(want) and str(got) == str(want), (got, want)
        return
    assert not isinstance(got, Exception), got
    assert got.dtype is want.dtype and tuple(got.shape) == tuple(want.shape)
    pairs = zip(got.reshape(-1).tolist(), want.reshape(-1).tolist())
    assert all(_same_element(a, b) for a, b in pairs), (got, want)


def decomposed(op: str, make):
    """make() served by op's decomposition on the primitives backend, equal to the reference."""
    got, calls = _run("primitives", make)
    want, _ = _run("reference", make)
    _assert_same(got, want)
    if not isinstance(want, Exception):
        assert (op, "primitives", "decomposition") in calls
    assert not [call for call in calls if call[2] == "reference"], calls
    return got


def t(values, dtype=None):
    return torsh.tensor(values, dtype=dtype)


def ar(*shape, dtype=torsh.float32):
    """arange over shape (starting at 1, so that no element is 0)."""
    return (torsh.arange(math.prod(shape)) + 1).to(dtype).reshape(shape)


SPECIAL = [float("nan"), -0.0, 0.0, float("inf"), -float("inf"), 1.5]
I64 = torsh.int64

CASES = {
    "cat": [
        lambda: torsh.cat([ar(2, 3), ar(1, 3)]),
        lambda: torsh.cat([ar(3, 2).t(), ar(2, 1)], 1),
        lambda: torsh.cat([ar(2, dtype=torsh.int32), t([0.5, -0.0])]),
        lambda: torsh.cat([torsh.zeros(0), ar(2, 2), torsh.zeros(0, 2)]),
        lambda: torsh.cat([torsh.zeros(0), torsh.zeros(0)]),
        lambda: torsh.cat([t([True]), t([False, True])]),
        lambda: torsh.cat([ar(2, 3), ar(2, 2)], 0),                # error: sizes differ
    ],
    "flip": [
        lambda: torsh.flip(ar(2, 3, 2), (0, 2)),
        lambda: torsh.flip(t(SPECIAL), (0,)),
        lambda: torsh.flip(t(7, dtype=torsh.int8), ()),
        lambda: torsh.flip(torsh.zeros(2, 0), (0, 1)),
        lambda: ar(3, 2).t().flip(-1),
    ],
    "roll": [
        lambda: torsh.roll(ar(5), 2),
        lambda: torsh.roll(ar(2, 3, dtype=I64), (-7, 1), (1, 0)),
        lambda: torsh.roll(ar(2, 3), 4),                           # flattened
        lambda: torsh.roll(torsh.zeros(0, 3), 1, 0),
    ],
    "block_diag": [
        lambda: torsh.block_diag(t(5), ar(2, dtype=I64), ar(2, 2)),
        lambda: torsh.block_diag(ar(2, 3), torsh.zeros(0, 2), t([True])),
        lambda: torsh.block_diag(ar(1, 3).t()),
    ],
    "repeat": [
        lambda: ar(2, 3).repeat(2, 1, 2),
        lambda: ar(2, 3).repeat(0, 2),
        lambda: t(4, dtype=torsh.int16).repeat(3),
        lambda: ar(3, 2).t().repeat(1, 2),
        lambda: t([True, False]).repeat(2),
        lambda: torsh.tile(ar(2), (2, 2)),
    ],
    "repeat_interleave": [
        lambda: torsh.repeat_interleave(ar(2, 3), t([2, 0]), 0),
        lambda: torsh.repeat_interleave(ar(2, 2, dtype=torsh.uint8), 2),
        lambda: torsh.repeat_interleave(t([3, 0, 1])),
        lambda: torsh.repeat_interleave(torsh.zeros(0, 2), 3, 1),
    ],
    "tril": [
        lambda: torsh.tril(ar(3, 4), -1),
        lambda: torsh.tril(t([[float("nan"), -0.0], [-0.0, float("nan")]])),
        lambda: torsh.tril(ar(2, 2, 3, dtype=torsh.int8), 5),
        lambda: torsh.tril(t([[True, True], [True, True]]), -5),
        lambda: ar(4, 3).t().tril(1),
        lambda: torsh.tril(torsh.zeros(0, 3)),
        lambda: torsh.tril(ar(3)),                                  # error: needs 2 dims
    ],
    "triu": [
        lambda: torsh.triu(ar(3, 4), 1),
        lambda: torsh.triu(t([[float("nan"), -0.0], [-0.0, float("nan")]])),
        lambda: torsh.triu(ar(2, 3, 2, dtype=I64), -1),
    ],
    "diag_embed": [
        lambda: torsh.diag_embed(ar(2, 3), 1),
        lambda: torsh.diag_embed(ar(2, 3, dtype=torsh.int32), -2, 2, 0),
        lambda: torsh.diag_embed(t([-0.0, float("nan")]), 0, 0, 1),
        lambda: torsh.diag(ar(3), -1),
        lambda: torsh.diagflat(ar(2, 2).t()),
        lambda: torsh.diag_embed(torsh.zeros(2, 0)),
    ],
    "index_select": [
        lambda: torsh.index_select(ar(3, 2), 0, t([2, 0, 2])),
        lambda: torsh.index_select(ar(2, 3).t(), 1, t([1], dtype=torsh.int32)),
        lambda: torsh.index_select(t(2.5), 0, t(0)),
        lambda: torsh.index_select(ar(2, 2, dtype=torsh.int8), 1, t([], dtype=I64)),
        lambda: torsh.index_select(ar(3), 0, t([1, 3])),           # error: out of bounds
        lambda: torsh.index_select(ar(3), 0, t([-1])),             # error: negative
    ],
    "index_add": [
        lambda: torsh.index_add(ar(3, 2), 0, t([2, 0, 2]), ar(3, 2), alpha=2),
        lambda: torsh.index_add(ar(2, 3, dtype=torsh.uint8), 1, t([1, 1]),
                                ar(2, 2, dtype=torsh.uint8) * 100),
        lambda: torsh.index_add(t([True, False]), 0, t([1]), t([True])),
        lambda: torsh.index_add(t(1.5), 0, t([0]), t(2.0)),
        lambda: ar(2, 2).index_add_(0, t([1]), ar(1, 2)),
        lambda: torsh.index_add(ar(3), 0, t([-1]), ar(1)),         # error: negative
    ],
    "index_copy": [
        lambda: torsh.index_copy(ar(3, 2), 0, t([2, 0, 2]), -ar(3, 2)),
        lambda: torsh.index_copy(ar(2, 3, dtype=I64), 1, t([0]), t([[7], [8]])),
        lambda: torsh.index_copy(t(1.0), 0, t(0), t(-0.0)),
        lambda: ar(3).index_copy_(0, t([1]), t([9.0])),
        lambda: torsh.index_copy(ar(3), 0, t([3]), ar(1)),         # error: out of bounds
    ],
    "index_fill": [
        lambda: torsh.index_fill(ar(3, 2), 0, t([-1, 0]), float("nan")),
        lambda: torsh.index_fill(ar(2, 3, dtype=torsh.int16), 1, t([2, 2]), -3),
        lambda: torsh.index_fill(t([True, True]), 0, t([1]), False),
        lambda: torsh.index_fill(t(4.0), 0, t(-1), 1.0),
        lambda: ar(2, 2).t().index_fill_(0, t([1]), -0.0),
        lambda: torsh.index_fill(ar(3), 0, t([-4]), 1.0),          # error: out of range
    ],
    "masked_select": [
        lambda: torsh.masked_select(ar(2, 3), t([True, False, True])),
        lambda: torsh.masked_select(t(SPECIAL[:2]), t([[True], [False], [True]])),
        lambda: torsh.masked_select(t(3, dtype=torsh.int8), t(True)),
        lambda: torsh.masked_select(ar(2, 2), torsh.zeros(2, 2, dtype=torsh.bool)),
    ],
    "take": [
        lambda: torsh.take(ar(2, 3), t([[0, -1], [5, 2]])),
        lambda: torsh.take(ar(3, 2).t(), t(-2)),
        lambda: torsh.take(torsh.zeros(0), t([], dtype=I64)),
        lambda: torsh.take(ar(2, 2), t([4])),                     # error: out of range
    ],
    "put": [
        lambda: torsh.put(ar(2, 3), t([0, -1, 0]), t([7.0, 8.0, 9.0])),
        lambda: torsh.put(ar(2, 2, dtype=torsh.int8), t([1, 1]), t([100, 100],
                                                                   dtype=torsh.int8), True),
        lambda: ar(3).put_(t([2]), t([-0.0])),
        lambda: torsh.put(ar(2), t([-3]), t([1.0])),              # error: out of range
    ],
    "masked_scatter": [
        lambda: torsh.masked_scatter(ar(2, 3), t([True, False, True]), -ar(5)),
        lambda: torsh.masked_scatter(t([1, 2], dtype=I64), t([[True], [False]]),
                                     t([9, 8, 7], dtype=I64)),
        lambda: ar(2, 2).t().masked_scatter_(t([[False, True], [True, False]]), -ar(2)),
        lambda: torsh.masked_scatter(ar(3), t([True, True, True]), ar(2)),   # error
    ],
    "scatter": [
        lambda: torsh.scatter(ar(3, 2), 0, t([[2, 0], [2, 1]]), -ar(2, 3)),
        lambda: torsh.scatter(ar(2, 3, dtype=torsh.int32), 1, t([[0, 0]]), 7),
        lambda: torsh.scatter(t(1.0), 0, t(0), t(-0.0)),
        lambda: torsh.scatter(ar(2, 2), 0, t([], dtype=I64).reshape(0, 2), ar(1, 2)),
        lambda: torsh.scatter(ar(3, 2).t(), 1, t([[1], [2]]), ar(2, 2)),
        lambda: torsh.scatter(t([True, False]), 0, t([0]), t([False])),
        lambda: torsh.scatter(ar(3), 0, t([-1]), ar(1)),          # error: negative
    ],
}

_REDUCE_INPUTS = [
    (lambda dtype: (ar(3, 2, dtype=dtype), t([[0, 2], [0, 0], [2, 2]]),
                    ar(3, 2, dtype=dtype) - 3), ("float32", "int8", "int64")),
    (lambda dtype: (t(SPECIAL[:4]), t([0, 0, 1, 2, 2, 1]), t(SPECIAL[::-1] + [])),
     ("float64",)),
    (lambda dtype: (t([True, False, False]), t([0, 1, 1]), t([False, True, False])),
     ("bool",)),
]
for _make, _dtypes in _REDUCE_INPUTS:
    for _dtype in _dtypes:
        for _reduce in ("sum", "prod", "mean", "amax", "amin"):
            if _reduce == "mean" and _dtype == "bool":
                continue
            for _self in (True, False):
                def _case(make=_make, dtype=_dtype, reduce=_reduce, include_self=_self):
                    x, index, src = make(getattr(torsh, dtype))
                    return torsh.scatter_reduce(x, 0, index, src.to(x.dtype), reduce,
                                                include_self=include_self)
                CASES.setdefault("scatter_reduce", []).append(_case)
CASES["scatter_reduce"] += [
    lambda: torsh.scatter_reduce(t([7, -2, 5]), 0, t([0, 0, 1, 1, 1]), t([-4, 0, -9, 6, 4]),
                                 "mean"),
    lambda: torsh.scatter_reduce(ar(2, 2), 1, t([], dtype=I64).reshape(2, 0), ar(2, 2),
                                 "amax"),
    lambda: torsh.scatter_reduce(t(2.0), 0, t(0), t(-3.0), "prod", include_self=False),
    lambda: torsh.scatter(ar(2, 2), 0, t([[1, 1]]), ar(1, 2), reduce="multiply"),
    lambda: ar(2, 3).scatter_reduce_(1, t([[2, 2]]), -ar(1, 2), "amin"),
    lambda: torsh.scatter_reduce(ar(3), 0, t([3]), ar(1), "sum"),   # error: out of range
]


@pytest.mark.parametrize("op, make", [(op, make) for op, makes in CASES.items()
                                      for make in makes],
                         ids=[f"{op}-{i}" for op, makes in CASES.items()
                              for i in range(len(makes))])
def test_decomposition_matches_reference(op, make):
    decomposed(op, make)


def test_hand_computed_values():
    """A few results written out, so that the reference and the decompositions are not only
    checked against each other."""
    assert decomposed("cat", lambda: torsh.cat([t([[1, 2]]), t([[3, 4]])], 1)).tolist() == \
        [[1, 2, 3, 4]]
    assert decomposed("roll", lambda: torsh.roll(t([1, 2, 3, 4]), -1)).tolist() == [2, 3, 4, 1]
    assert decomposed("block_diag", lambda: torsh.block_diag(t(1), t([2, 3]))).tolist() == \
        [[1, 0, 0], [0, 2, 3]]
    assert decomposed("tril", lambda: torsh.tril(t([[1, 2], [3, 4]]))).tolist() == \
        [[1, 0], [3, 4]]
    assert decomposed("diag_embed", lambda: torsh.diag_embed(t([5, 6]), 1)).tolist() == \
        [[0, 5, 0], [0, 0, 6], [0, 0, 0]]
    assert decomposed("index_add", lambda: torsh.index_add(
        t([0, 0]), 0, t([1, 1]), t([2, 3]))).tolist() == [0, 5]
    assert decomposed("index_copy", lambda: torsh.index_copy(
        t([0, 0]), 0, t([1, 1]), t([2, 3]))).tolist() == [0, 3]     # the last write wins
    assert decomposed("put", lambda: torsh.put(t([0, 0, 0]), t([-1, 0]), t([4, 5]))
                      ).tolist() == [5, 0, 4]
    assert decomposed("masked_scatter", lambda: torsh.masked_scatter(
        t([0, 0, 0]), t([True, False, True]), t([7, 8, 9]))).tolist() == [7, 0, 8]
    assert decomposed("scatter", lambda: torsh.scatter(
        t([0, 0]), 0, t([1, 0, 1]), t([1, 2, 3]))).tolist() == [2, 3]
    assert decomposed("scatter_reduce", lambda: torsh.scatter_reduce(
        t([1, 2]), 0, t([1, 1, 0]), t([3, 5, 4]), "prod")).tolist() == [4, 30]
    assert decomposed("scatter_reduce", lambda: torsh.scatter_reduce(
        t([7, -2]), 0, t([1, 1]), t([0, -9]), "mean")).tolist() == [7, -4]   # floor


def test_errors_name_the_op():
    error = decomposed("index_select", lambda: torsh.index_select(ar(3), 0, t([-1])))
    assert isinstance(error, IndexError) and "index_select" in str(error)
    error = decomposed("scatter", lambda: torsh.scatter(ar(3), 0, t([3]), ar(1)))
    assert isinstance(error, RuntimeError) and "scatter" in str(error)
    error = decomposed("masked_scatter", lambda: torsh.masked_scatter(
        ar(2), t([True, True]), ar(1)))
    assert isinstance(error, RuntimeError) and "masked_scatter" in str(error)


def test_outputs_do_not_alias_inputs():
    """A decomposition that has nothing to do still returns a new tensor."""
    with backends.using("primitives"):
        x = ar(2, 2)
        for y in (torsh.flip(t(1.0), ()), torsh.roll(torsh.zeros(0), 1),
                  torsh.scatter(x, 0, t([], dtype=I64).reshape(0, 2), x),
                  torsh.index_fill(x, 0, t([], dtype=I64), 1.0)):
            y.add_(1)
        assert x.tolist() == [[1, 2], [3, 4]]


def _double(*shape):
    return (torsh.arange(math.prod(shape), dtype=torsh.float64) * 0.37 - 1).reshape(shape)


GRADIENTS = {
    "cat": (lambda a, b: torsh.cat([a, b], 1), (_double(2, 2), _double(2, 1))),
    "flip": (lambda a: torsh.flip(a, (0, 1)), (_double(2, 3),)),
    "roll": (lambda a: torsh.roll(a, (1, -1), (0, 1)), (_double(2, 3),)),
    "block_diag": (lambda a, b: torsh.block_diag(a, b), (_double(2), _double(2, 2))),
    "repeat": (lambda a: a.repeat(2, 3), (_double(2, 1),)),
    "repeat_interleave": (lambda a: a.repeat_interleave(t([2, 0, 1]), 0), (_double(3, 2),)),
    "tril": (lambda a: torsh.tril(a, -1), (_double(3, 3),)),
    "triu": (lambda a: torsh.triu(a, 1), (_double(2, 3),)),
    "diag_embed": (lambda a: torsh.diag_embed(a, -1), (_double(2, 2),)),
    "index_select": (lambda a: a.index_select(0, t([1, 1, 0])), (_double(2, 2),)),
    "index_add": (lambda a, s: a.index_add(0, t([1, 1]), s, alpha=2),
                  (_double(2, 2), _double(2, 2))),
    "index_copy": (lambda a, s: a.index_copy(1, t([1, 0]), s),
                   (_double(2, 2), _double(2, 2))),
    "index_fill": (lambda a, v: a.index_fill(1, t([-1]), v), (_double(2, 2), _double())),
    "masked_select": (lambda a: a.masked_select(t([True, False, True])), (_double(2, 3),)),
    "take": (lambda a: a.take(t([0, 3, 3])), (_double(2, 2),)),
    "put": (lambda a, s: a.put(t([0, 3]), s, accumulate=True), (_double(2, 2), _double(2))),
    "masked_scatter": (lambda a, s: a.masked_scatter(t([False, True]), s),
                       (_double(2, 2), _double(3))),
    "scatter": (lambda a, s: a.scatter(0, t([[1, 0]]), s), (_double(2, 2), _double(1, 2))),
    "scatter_reduce": (lambda a, s: a.scatter_reduce(0, t([1, 1, 0]), s, "prod"),
                       (_double(3), _double(3))),
}


@pytest.mark.parametrize("op", sorted(GRADIENTS))
def test_gradients_on_the_primitives_backend(op):
    fn, values = GRADIENTS[op]
    inputs = tuple(v.clone().requires_grad_() for v in values)
    with backends.using("primitives"), backends.trace() as trace:
        assert gradcheck(fn, inputs)
    assert (op, "primitives", "decomposition") in trace.calls
    assert not [call for call in trace.calls if call[2] == "reference"]


@pytest.mark.parametrize("op", ["cat", "index_add", "scatter_reduce", "tril"])
def test_second_derivatives_on_the_primitives_backend(op):
    fn, values = GRADIENTS[op]
    inputs = tuple(v.clone().requires_grad_() for v in values)
    with backends.using("primitives"):
        outputs = fn(*inputs)
        grad_outputs = (torsh.ones(outputs.shape, dtype=torsh.float64, requires_grad=True),)
        assert gradgradcheck(fn, inputs, grad_outputs)
