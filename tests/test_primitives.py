"""The primitive contract, checked on the `primitives` backend (kernels for primitive ops only).

(a) Every primitive op has a kernel there and is served natively; no other op has one.
(b) The reductions, statistics, scans, products, counting and sorting ops run as their
    decompositions and give exactly the reference's result: dtype, shape, NaN, -0.0, integer
    wrapping, empty and 0-d inputs, and the reference's error.
(c) Gradients through a decomposed forward come from the op's own backward, and pass
    gradcheck and gradgradcheck there.
"""
import math

import pytest

import torsh
from torsh import backends
from torsh.autograd.gradcheck import gradcheck, gradgradcheck
from torsh.backends.base import is_primitive
from torsh.dispatch import dispatch
from torsh.ops import OPS

NAN, INF = float("nan"), float("inf")
PRIMITIVES = backends.get("primitives")


def t(values, dtype=None):
    return torsh.tensor(values, dtype=dtype)


def ar(*shape, dtype=torsh.float32):
    """1, 2, 3, ... over shape (no zeros, no ties)."""
    return (torsh.arange(math.prod(shape)) + 1).to(dtype).reshape(shape)


def wave(*shape, dtype=torsh.float64):
    """Distinct values of both signs, no ties: sin(1.3 k) * 2."""
    return torsh.tensor([2 * math.sin(1.3 * k) for k in range(math.prod(shape))],
                        dtype=dtype).reshape(shape)


# ------------------------------------------------------------ (a) the primitive ops

@pytest.mark.parametrize("op", [op for op in OPS.values() if is_primitive(op)],
                         ids=lambda op: op.name)
def test_every_primitive_op_has_a_kernel_on_the_primitives_backend(op):
    assert PRIMITIVES.kernel(op) is not None


def test_no_other_op_has_a_kernel_there():
    others = [op.name for op in OPS.values() if not is_primitive(op) and not op.is_view]
    assert others and all(PRIMITIVES.kernel(OPS[name]) is None for name in others)


@pytest.mark.parametrize("name, make", [
    ("sum", lambda: ar(2, 3).sum(1)),
    ("amax", lambda: ar(2, 3).amax(0)),
    ("add", lambda: ar(3) + ar(3)),
    ("where", lambda: torsh.where(ar(3) > 1, ar(3), 0.0)),
    ("matmul", lambda: ar(2, 3) @ ar(3, 2)),
    ("gather", lambda: ar(2, 3).gather(1, t([[0], [2]]))),
    ("to_dtype", lambda: ar(3).to(torsh.int64)),
    ("clone", lambda: ar(3, 2).t().clone()),
])
def test_primitive_calls_are_served_natively(name, make):
    with backends.using("primitives"), backends.trace() as trace:
        make()
    assert (name, "primitives", "native") in trace.calls
    assert all(path in ("native", "view") for _, _, path in trace.calls), trace.calls


# ------------------------------------------------------------ (b) decompositions

def _run(backend: str, make):
    """make() on a backend: (its outputs as a tuple, or the exception raised; the trace)."""
    with backends.using(backend), backends.trace() as trace:
        try:
            result = make()
            result = tuple(result) if isinstance(result, tuple) else (result,)
        except Exception as error:       # compared with the reference's error
            result = error
    return result, trace.calls


def _same_element(a, b, rtol: float) -> bool:
    """Equal (within rtol for finite floats), NaN equal to NaN, the sign of a zero respected."""
    if isinstance(a, float) and isinstance(b, float):
        if math.isnan(a) or math.isnan(b):
            return math.isnan(a) and math.isnan(b)
        if a == 0 or b == 0 or math.isinf(a) or math.isinf(b):
            return a == b and math.copysign(1, a) == math.copysign(1, b)
        return abs(a - b) <= rtol * abs(b)
    return type(a) is type(b) and a == b


# The bits of precision of each float dtype: `ulps` tolerances count units of the last place.
BITS = {torsh.float16: 11, torsh.bfloat16: 8, torsh.float32: 24, torsh.float64: 53}


def _assert_same(got, want, ulps: int = 0):
    if isinstance(want, Exception):
        assert type(got) is type(want) and str(got) == str(want), (got, want)
        return
    assert not isinstance(got, Exception), got
    assert len(got) == len(want)
    for g, w in zip(got, want):
        assert g.dtype is w.dtype and tuple(g.shape) == tuple(w.shape), (g, w)
        rtol = ulps * 2.0 ** (1 - BITS.get(w.dtype, 53))
        pairs = zip(g.reshape(-1).tolist(), w.reshape(-1).tolist())
        assert all(_same_element(a, b, rtol) for a, b in pairs), (g, w)


# logcumsumexp's decomposition sums exp(x - max) where the reference adds one term at a
# time (logaddexp): the results agree to a few units in the last place, not to the bit.
ULPS = {"logcumsumexp": 4}


def decomposed(op: str, make):
    """make() run by op's decomposition on the primitives backend, equal to the reference,
    with no call falling back to the reference."""
    got, calls = _run("primitives", make)
    want, _ = _run("reference", make)
    _assert_same(got, want, ULPS.get(op, 0))
    if not isinstance(want, Exception):
        assert (op, "primitives", "decomposition") in calls, calls
    assert not [call for call in calls if call[2] == "reference"], calls
    return got


SPECIAL = [NAN, -0.0, 0.0, INF, -INF, 1.5]
LANES = [1.0, NAN, 2.0, NAN, -1.0, 0.5, 4.0, -3.0, NAN, NAN, NAN, NAN]   # 3 lanes of 4
TIES = [1.0, 3.0, 3.0, -2.0, -2.0, 0.5, 3.0, -2.0, 0.0, -0.0, 0.0, -0.0]
I8, I64, F16, BF16, F64 = torsh.int8, torsh.int64, torsh.float16, torsh.bfloat16, torsh.float64

CASES = {
    "mean": [
        lambda: ar(2, 3).mean(1),
        lambda: t([60000.0, 60000.0], F16).mean(),          # the sum widens: no overflow
        lambda: wave(2, 3, 2, dtype=BF16).mean((0, 2), keepdim=True),
        lambda: torsh.zeros(0, 3).mean(0),                  # 0 / 0: NaN
        lambda: t(SPECIAL).mean(),
        lambda: t(2.5).mean(),
    ],
    "max": [lambda: t(SPECIAL).max(), lambda: t([3, -7, 3], I8).max()],
    "min": [lambda: t(SPECIAL[1:]).min(), lambda: t([True, False]).min()],
    "var": [
        lambda: wave(3, 4).var(1),
        lambda: wave(3, 4, dtype=F16).var(0, correction=0),
        lambda: wave(2, 4).var(1, correction=2, keepdim=True),
        lambda: wave(1, 3).var(0),                          # N = 1: 0 / 0
        lambda: wave(2, 3).var(0, correction=3),            # N < correction: 0 / 0
        lambda: torsh.zeros(0, 3).var(),
        lambda: t([[1.0, INF], [NAN, 2.0]]).var(1),
        lambda: ar(2, 3, dtype=I64).var(),                  # error: integers
    ],
    "std": [
        lambda: wave(3, 4).std(1),
        lambda: wave(2, 3, dtype=BF16).std(),
        lambda: t(2.0, F64).std(correction=0),
        lambda: torsh.zeros(0, 3).std(1),
    ],
    "norm": [
        *[lambda p=p: wave(2, 3).norm(p, 1) for p in (2, 1, 3, 0.5, 0, -1, INF, -INF)],
        lambda: wave(2, 3, dtype=F16).norm(),
        lambda: t([[0.0, -0.0], SPECIAL[:2], SPECIAL[3:5]]).norm(INF, 1),
        lambda: t(SPECIAL).norm(3),
        lambda: torsh.zeros(0, 3).norm(),                   # sqrt(0)
        lambda: torsh.zeros(0, 3).norm(INF),                # error: no identity
    ],
    "logsumexp": [
        lambda: wave(2, 3).logsumexp(1),
        lambda: t([1000.0, 1001.0, 999.0]).logsumexp(0),
        lambda: t([[-INF, -INF], [1.0, INF], [NAN, 1.0]]).logsumexp(1, keepdim=True),
        lambda: torsh.zeros(0, 3).logsumexp(0),             # log(0) = -inf
        lambda: t(-0.0, F64).logsumexp(0),
        lambda: ar(2, 3, dtype=I64).logsumexp(1),
        lambda: wave(2, 3, dtype=F16).logsumexp((0, 1)),
    ],
    "cumsum": [
        lambda: ar(3, 4).t().cumsum(0),
        lambda: t([100, 100, 100], I8).cumsum(0),            # int64, no wrapping
        lambda: t([100, 100, 100], I8).cumsum(0, dtype=I8),  # wraps as int8
        lambda: t([True, True, False]).cumsum(0),
        lambda: t([-0.0, 1.0, NAN, INF, 2.0]).cumsum(0),     # starts from +0.0
        lambda: t(-0.0).cumsum(0),
        lambda: torsh.zeros(2, 0).cumsum(1),
        lambda: dispatch(OPS["cumsum"], wave(2, 4), dim=1, reverse=True, keep_dtype=False),
    ],
    "cumprod": [
        lambda: wave(2, 3).cumprod(1),
        lambda: t([-0.0, 2.0, INF, 0.0]).cumprod(0),
        lambda: t([2 ** 40, 2 ** 40, 3], I64).cumprod(0),    # wraps mod 2^64
        lambda: t([[3, 5], [7, 9]], torsh.uint8).cumprod(0, dtype=torsh.uint8),
        lambda: torsh.zeros(0).cumprod(0),
    ],
    "cummax": [
        lambda: torsh.cummax(t(TIES).reshape(3, 4), 1),      # ties: the latest index
        lambda: torsh.cummax(t(LANES).reshape(4, 3), 0),     # NaN: the latest NaN
        lambda: torsh.cummax(t([0.0, -0.0, 0.0, -0.0]), 0),
        lambda: torsh.cummax(t([True, False, True]), 0),
        lambda: torsh.cummax(t(4, I64), 0),
        lambda: torsh.cummax(torsh.zeros(3, 0), 0),
    ],
    "cummin": [
        lambda: torsh.cummin(t(TIES).reshape(3, 4).t(), 0),
        lambda: torsh.cummin(t([3, 1, 1, 2], torsh.int16), 0),
        lambda: torsh.cummin(t(SPECIAL), 0),
    ],
    "logcumsumexp": [
        lambda: wave(2, 4).logcumsumexp(1),
        lambda: t([-0.0, -INF, 1.0, INF, 2.0, NAN, 1.0]).logcumsumexp(0),
        lambda: t([-INF, -INF, 0.0]).logcumsumexp(0),
        lambda: wave(3, 2, dtype=F16).logcumsumexp(0),
        lambda: torsh.zeros(0, 2).logcumsumexp(0),
        lambda: t(1.5).logcumsumexp(0),
    ],
    "add_scaled": [
        lambda: torsh.addmm(wave(2, 2), wave(2, 3), wave(3, 2), beta=0.5, alpha=-2),
        lambda: torsh.addmm(t([[NAN, INF]]), wave(2, 3), wave(3, 2), beta=0),
        lambda: torsh.addmm(wave(2), wave(2, 3), t([[NAN, 1.0]] * 3), alpha=0),
        lambda: torsh.addmm(t([-0.0, 1.0]), wave(1, 2), wave(2, 2), alpha=0),  # keeps -0.0
        lambda: torsh.addmv(wave(2, dtype=F16), wave(2, 3, dtype=F16), wave(3, dtype=F16)),
        lambda: torsh.addr(t([[True, False]]), t([True, False]), t([False, True]),
                           beta=False),
        lambda: torsh.baddbmm(ar(2, 1, 2, dtype=I8), ar(2, 1, 3, dtype=I8),
                              ar(2, 3, 2, dtype=I8), beta=3, alpha=5),            # wraps
        lambda: torsh.addr(ar(2, 2), ar(2), ar(2), beta=0, alpha=0),
    ],
    "cross": [
        lambda: torsh.linalg.cross(wave(2, 3), wave(1, 3)),
        lambda: torsh.cross(ar(3, 2, dtype=I64), ar(3, 2, dtype=I64).flip(0), dim=0),
        lambda: torsh.linalg.cross(t(SPECIAL[:3]), t(SPECIAL[3:])),
        lambda: torsh.linalg.cross(torsh.zeros(0, 3), torsh.zeros(0, 3)),
    ],
    "bincount": [
        lambda: t([1, 3, 3, 0, 5, 1, 1], torsh.uint8).bincount(),
        lambda: t([1, 3, 3, 0], I64).bincount(t([0.5, 1.0, -2.0, 3.0]), minlength=6),
        lambda: t([1, 0, 1], torsh.int32).bincount(t([2, 3, 4], torsh.int32)),
        lambda: t([], I64).bincount(minlength=3),
        lambda: t([1, -1], I64).bincount(),                 # error: a negative value
    ],
    "histc": [
        lambda: t([0.0, 1.0, 2.0, 2.5, 4.0, -1.0, 5.0, 3.999, NAN, INF]).histc(4, 0, 4),
        lambda: t([0.0, 1.0, 2.0, 2.5, 4.0, 3.999], F16).histc(3, 0, 4),
        lambda: wave(3, 4).t().histc(5),                    # the data's range
        lambda: t([2.0, 2.0, 2.0]).histc(4),                # constant: widened by 1
        lambda: torsh.zeros(0).histc(3),
        lambda: t([NAN, 1.0]).histc(3),                     # error: range not finite
    ],
    "sort": [
        lambda: torsh.sort(t(TIES).reshape(3, 4), 1),        # stable: ties keep their order
        lambda: torsh.sort(t(LANES).reshape(3, 4), 1, descending=True),
        lambda: torsh.sort(t(SPECIAL + [-0.0]), 0),
        lambda: torsh.sort(ar(3, 4, dtype=torsh.int16).t() % 3, 0),
        lambda: torsh.sort(t([True, False, True]), descending=True),
        lambda: torsh.sort(t(2.0)),
        lambda: torsh.sort(torsh.zeros(2, 0), 1),
    ],
    "unique": [
        *[lambda f=f: f(t(TIES + [NAN, NAN, 1.0]), return_inverse=True, return_counts=True)
          for f in (torsh.unique, torsh.unique_consecutive)],       # NaNs never merge
        lambda: torsh.unique(t([[1, 2], [0, 5], [1, 2], [1, 0]], I8), dim=0,
                             return_inverse=True, return_counts=True),
        lambda: torsh.unique(t([[1.0, NAN, 1.0], [-0.0, 2.0, 0.0]]), dim=1,
                             return_counts=True),                    # columns compared
        lambda: torsh.unique_consecutive(t([[1, 1], [1, 1], [0, 2]]), dim=0,
                                         return_inverse=True),
        lambda: torsh.unique(t([True, False, True]), return_counts=True),
        lambda: torsh.unique(t(3.0), return_inverse=True),
        lambda: torsh.unique(torsh.zeros(0), return_inverse=True, return_counts=True),
        lambda: torsh.unique(torsh.zeros(3, 0), dim=0),    # error: a 0-sized other dim
    ],
    "topk": [
        lambda: torsh.topk(t(LANES).reshape(3, 4), 2, 1),
        lambda: torsh.topk(t(TIES), 3, largest=False),
        lambda: torsh.topk(ar(2, 3, dtype=I64), 0),
        lambda: torsh.topk(t(1.5), 1),
    ],
    "kthvalue": [
        lambda: torsh.kthvalue(t(TIES).reshape(3, 4), 2, 1),
        lambda: torsh.kthvalue(t(LANES).reshape(3, 4), 4, 0, keepdim=True),
        lambda: torsh.kthvalue(t(7, I64), 1),
    ],
    "median": [
        lambda: t(LANES[:8]).median(),                      # NaN if any is NaN
        lambda: t([4, -3, 7, 0], I64).median(),             # the lower median
        lambda: torsh.zeros(0, 3).median(),                 # NaN
        lambda: t(1.5).median(),
    ],
    "nanmedian": [lambda: t(LANES).nanmedian(), lambda: t([NAN, NAN]).nanmedian()],
    "median_dim": [
        lambda: torsh.median(t(LANES).reshape(3, 4), 1),
        lambda: torsh.nanmedian(t(LANES).reshape(3, 4), 1, keepdim=True),
        lambda: torsh.median(t(TIES).reshape(3, 4), 0),
        lambda: torsh.median(t([4, -3, 7, 0, 2, 9], I8).reshape(2, 3).t(), 0),
        lambda: torsh.median(t(2.0), 0),
        lambda: torsh.median(torsh.zeros(0, 3), 1),
    ],
    "mode": [
        lambda: torsh.mode(t([1, 2, 2, 3, 5, 5, 5, 0, 7, -1, 4, 2], I64).reshape(3, 4)),
        lambda: torsh.mode(t(TIES).reshape(3, 4), 1, keepdim=True),
        lambda: torsh.mode(t(TIES).reshape(3, 4), 0),
        lambda: torsh.mode(t(LANES).reshape(3, 4)),         # NaN equals nothing
        lambda: torsh.mode(t([True, False, True, False])),
        lambda: torsh.mode(t(3.0)),
        lambda: torsh.mode(torsh.zeros(3, 0), 0),
    ],
    "quantile": [
        *[lambda how=how: torsh.quantile(wave(2, 5), t([0.0, 0.3, 1.0], F64), 1,
                                         interpolation=how)
          for how in ("linear", "lower", "higher", "midpoint", "nearest")],
        lambda: torsh.quantile(t([1.0, 2.0, 3.0, 4.0, 5.0]), t([0.125, 0.375, 0.625]),
                               interpolation="nearest"),   # rank halves: to even
        lambda: torsh.quantile(t(LANES).reshape(3, 4), 0.5, 1, keepdim=True),
        lambda: torsh.nanquantile(t(LANES).reshape(3, 4), 0.4, 1),
        lambda: torsh.nanquantile(t(LANES).reshape(3, 4).t(), 0.7),
        lambda: torsh.quantile(t(2.0, F64), 0.5),
        lambda: torsh.quantile(wave(2, 3), t([0.5, -0.1], F64)),   # error: q out of range
    ],
}


@pytest.mark.parametrize("op, make", [(op, make) for op, makes in CASES.items()
                                      for make in makes],
                         ids=[f"{op}-{i}" for op, makes in CASES.items()
                              for i in range(len(makes))])
def test_decomposition_matches_the_reference(op, make):
    decomposed(op, make)


def test_hand_computed_values():
    values, index = decomposed("sort", lambda: torsh.sort(t([2.0, NAN, -0.0, 0.0, 1.0])))
    assert values.tolist()[:4] == [-0.0, 0.0, 1.0, 2.0] and index.tolist() == [2, 3, 4, 0, 1]
    assert math.copysign(1, values.tolist()[0]) == -1
    assert decomposed("cumsum", lambda: t([1, 2, 3], I8).cumsum(0))[0].tolist() == [1, 3, 6]
    values, index = decomposed("cummax", lambda: torsh.cummax(t([1.0, 3.0, 3.0, NAN, 2.0]), 0))
    assert index.tolist() == [0, 1, 2, 3, 3] and math.isnan(values.tolist()[4])
    counts = decomposed("histc", lambda: t([0.0, 1.0, 4.0, 5.0, NAN]).histc(4, 0, 4))[0]
    assert counts.tolist() == [1.0, 1.0, 0.0, 1.0]
    assert decomposed("bincount", lambda: t([2, 0, 2]).bincount())[0].tolist() == [1, 0, 2]
    values, inverse, counts = decomposed("unique", lambda: torsh.unique(
        t([2.0, -0.0, NAN, 0.0, 2.0]), return_inverse=True, return_counts=True))
    assert values.tolist()[:2] == [-0.0, 2.0] and math.isnan(values.tolist()[2])
    assert inverse.tolist() == [1, 0, 2, 0, 1] and counts.tolist() == [2, 2, 1]
    values, index = decomposed("mode", lambda: torsh.mode(t([3, 1, 3, 1, 2])))
    assert (values.item(), index.item()) == (1, 3)
    assert decomposed("var", lambda: t([1.0, 2.0, 3.0, 4.0], F64).var())[0].item() == 5 / 3


def test_results_are_new_memory_not_views_of_temporaries():
    with backends.using("primitives"):
        results = [torsh.cumsum(ar(2, 3), 0), torsh.cummax(ar(2, 3), 0).values,
                   torsh.sort(ar(2, 3), 0).indices, torsh.topk(ar(2, 3), 1, 0).values,
                   torsh.addmm(ar(3), ar(2, 2), ar(2, 3), alpha=0)]
    assert all(not r._is_view() and r.is_contiguous() for r in results)


MODULES = ("reduce", "statistics", "order_statistics", "scan", "products", "counting",
           "sorting")


def test_every_op_of_these_families_decomposes_and_is_tested_here():
    ours = [op for op in OPS.values() if not is_primitive(op) and not op.is_view
            and op.reference.__module__.rpartition(".")[2] in MODULES]
    assert [op.name for op in ours if op.decompose is None] == []
    assert set(CASES) == {op.name for op in ours}


# ------------------------------------------------------------ (c) gradients

def x64(*shape):
    return wave(*shape).requires_grad_()


GRADIENTS = {
    "mean": (lambda x: x.mean(1), x64(2, 3)),
    "var": (lambda x: x.var(0, correction=0), x64(3, 2)),
    "std": (lambda x: x.std(1, keepdim=True), x64(2, 3)),
    "norm": (lambda x: x.norm(3, 1), x64(2, 3)),
    "logsumexp": (lambda x: x.logsumexp(0), x64(3, 2)),
    "cumsum": (lambda x: x.cumsum(1), x64(2, 3)),
    "cumprod": (lambda x: x.cumprod(0), x64(3, 2)),
    "cummax": (lambda x: torsh.cummax(x, 1).values, x64(2, 3)),
    "cummin": (lambda x: torsh.cummin(x, 0).values, x64(3, 2)),
    "logcumsumexp": (lambda x: x.logcumsumexp(1), x64(2, 3)),
    "add_scaled": (lambda x, a, b: torsh.addmm(x, a, b, beta=0.5, alpha=2),
                   (x64(2, 2), x64(2, 3), x64(3, 2))),
    "cross": (lambda a, b: torsh.linalg.cross(a, b), (x64(2, 3), x64(1, 3))),
    "sort": (lambda x: torsh.sort(x, 1).values, x64(2, 3)),
    "topk": (lambda x: torsh.topk(x, 2, 0).values, x64(3, 2)),
    "kthvalue": (lambda x: torsh.kthvalue(x, 2, 1).values, x64(2, 3)),
    "median": (lambda x: x.median(), x64(5)),
    "median_dim": (lambda x: torsh.median(x, 1).values, x64(2, 3)),
    "mode": (lambda x: torsh.mode(x, 1).values, x64(2, 3)),
    "quantile": (lambda x: torsh.quantile(x, 0.3, 1), x64(2, 5)),
}


@pytest.mark.parametrize("op", sorted(GRADIENTS))
def test_gradients_use_the_ops_own_backward(op):
    fn, inputs = GRADIENTS[op]
    inputs = inputs if isinstance(inputs, tuple) else (inputs,)
    with backends.using("primitives"), backends.trace() as trace:
        out = fn(*inputs)
        assert (op, "primitives", "decomposition") in trace.calls
        assert out.grad_fn.op is OPS[op]      # the decomposition itself left no graph
        assert gradcheck(fn, inputs)


@pytest.mark.parametrize("op", ["var", "logsumexp", "cumprod", "logcumsumexp", "cross",
                                "sort", "quantile"])
def test_second_derivatives_on_the_primitives_backend(op):
    fn, inputs = GRADIENTS[op]
    inputs = inputs if isinstance(inputs, tuple) else (inputs,)
    with backends.using("primitives"):
        out = fn(*inputs)
        cotangent = wave(*out.shape).mul(0.7).requires_grad_()
        assert gradgradcheck(fn, inputs, (cotangent,))
