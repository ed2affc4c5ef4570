"""The special functions lgamma, digamma and erfinv on the C kernels (torsh_map,
kernels/c/cast_ops.h) against the reference: values, special values, every floating dtype,
promoted integers, views, both builds (AVX2 and portable C), gradients.

Skipped, with the reason, where the C library is not built."""
import math

import numpy as np
import pytest

import torsh
from torsh import backends
from torsh.autograd.gradcheck import gradcheck
from torsh.backends import C_BACKEND
from torsh.ops import _scalar

from checks import check_grads, same
import c_checks

pytestmark = pytest.mark.skipif(not C_BACKEND.is_available(),
                                reason=C_BACKEND.unavailable_reason())
variant = c_checks.variant          # the fixture: the loaded build and the portable one
NAN, INF = math.nan, math.inf
NAMES = ("lgamma", "digamma", "erfinv")
# the poles, signed zeros, infinities and NaN of each function, and ordinary values
SPECIAL = {
    "lgamma": [0.0, -0.0, -1.0, -2.0, -7.0, -2.5, -0.5, 0.5, 1.0, 2.0, 3.0, 1e-300, 1e-8,
               171.5, 2.5e305, 1e308, INF, -INF, NAN, -1e20, 0.999999, 2.000001],
    "digamma": [0.0, -0.0, -1.0, -3.0, -2.5, -0.5, 1e-300, -1e-300, 0.5, 1.0, 1.4616321,
                9.99, 10.0, 1e6, 1e300, INF, -INF, NAN, -1e20, 3.7],
    "erfinv": [0.0, -0.0, 1.0, -1.0, 1.0000001, -1.5, 0.5, -0.3, 0.999, -0.9999999, 1e-300,
               0.9999999999999999, -0.9999999999999999, INF, -INF, NAN, 0.1, 0.97],
}


def on(backend, fn):
    with backends.using(backend), backends.trace() as trace:
        result = fn()
    return result, trace.calls


def test_the_special_functions_are_native():
    assert set(NAMES) <= set(C_BACKEND.native_ops())


@pytest.mark.parametrize("name", NAMES)
def test_float64_special_values_match_the_reference(variant, name):
    x = torsh.tensor(SPECIAL[name], dtype=torsh.float64)
    got, calls = on(variant, lambda: getattr(torsh, name)(x))
    assert calls == [(name, variant, "native")]
    want = [getattr(_scalar, name)(v) for v in SPECIAL[name]]
    if name == "lgamma":     # libm's lgamma_r, not CPython's: a few ulps apart
        for g, w in zip(got.tolist(), want):
            assert (g != g and w != w) or g == pytest.approx(w, rel=1e-13, abs=1e-15)
    else:                    # the same steps as the reference: the same bits
        assert same(got.tolist(), want)


def test_hand_computed_values():
    assert same(torsh.tensor([1.0, 2.0, 0.0, -1.0]).lgamma().tolist(), [0.0, 0.0, INF, INF])
    assert torsh.tensor(0.5, dtype=torsh.float64).lgamma().item() == \
        pytest.approx(math.log(math.sqrt(math.pi)), rel=1e-15)
    euler = 0.5772156649015329
    assert torsh.tensor(1.0, dtype=torsh.float64).digamma().item() == pytest.approx(-euler)
    assert same(torsh.tensor([0.0, -0.0, -2.0]).digamma().tolist(), [-INF, INF, NAN])
    assert torsh.tensor(0.5, dtype=torsh.float64).erfinv().item() == \
        pytest.approx(0.4769362762044699, rel=1e-15)
    assert same(torsh.tensor([1.0, -1.0, 2.0, -0.0]).erfinv().tolist(), [INF, -INF, NAN, -0.0])


@pytest.mark.parametrize("dtype", ["float32", "float16", "bfloat16"])
@pytest.mark.parametrize("name", NAMES)
def test_narrow_floats_round_the_reference_once(variant, name, dtype):
    x = torsh.tensor(SPECIAL[name], dtype=getattr(torsh, dtype))
    got, calls = on(variant, lambda: getattr(torsh, name)(x))
    want, _ = on("reference", lambda: getattr(torsh, name)(x))
    assert got.dtype == want.dtype == x.dtype
    assert calls[-1] == (name, variant, "native")
    assert same(got.tolist(), want.tolist())


@pytest.mark.parametrize("name", NAMES)
def test_integers_promote_views_and_edge_shapes(variant, name):
    ints = torsh.tensor([[0, 1, -1], [2, 5, -3]])
    for make in (lambda: getattr(ints, name)(), lambda: getattr(ints.t(), name)(),
                 lambda: getattr(torsh.tensor(0.25, dtype=torsh.float64), name)(),
                 lambda: getattr(torsh.ones(0, 3), name)(),
                 lambda: getattr(torsh.tensor([0.3, 0.6, 0.1]).expand(3, 3)[:, ::2], name)()):
        got, _ = on(variant, make)
        want, _ = on("reference", make)
        assert got.dtype == want.dtype and tuple(got.shape) == tuple(want.shape)
        np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-13, equal_nan=True)
    assert getattr(ints, name)().dtype == torsh.float32


def test_a_large_call_runs_on_threads_and_agrees():
    values = np.linspace(-0.999, 0.999, 70001)       # above TORSH_PARALLEL_GRAIN elements
    x = torsh.tensor(values, dtype=torsh.float64)
    got = x.erfinv().numpy()
    assert np.array_equal(got[::997], [_scalar.erfinv(v) for v in values[::997]])
    positive = torsh.tensor(values + 2.0, dtype=torsh.float64)
    # near its roots 1 and 2 CPython's lgamma is a few ulps off libm's (correctly rounded)
    np.testing.assert_allclose(positive.lgamma().numpy()[::501],
                               [math.lgamma(v) for v in values[::501] + 2.0], rtol=1e-13,
                               atol=1e-15)
    assert np.array_equal(positive.digamma().numpy()[::499],
                          [_scalar.digamma(v) for v in values[::499] + 2.0])


@pytest.mark.parametrize("name, points", [("lgamma", [0.7, 2.5, -1.5]),
                                          ("digamma", [0.7, 2.5, -1.5]),
                                          ("erfinv", [-0.6, 0.1, 0.8])])
def test_gradients(name, points):
    x = torsh.tensor(points, dtype=torsh.float64, requires_grad=True)
    if name == "digamma":    # its gradient, trigamma, is computed off the graph
        assert gradcheck(lambda t: t.digamma(), (x,))
    else:
        check_grads(lambda t: getattr(t, name)(), x, [1.0, -0.5, 2.0])
