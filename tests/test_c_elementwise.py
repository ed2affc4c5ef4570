"""The C backend's elementwise kernels (kernels/c/elementwise.c, kernels/c/cast.c): every op
agrees with the reference for every dtype it accepts, on special values, views, broadcasts,
0-d and empty tensors; integers wrap; casts follow the reference's rules; float32 exp / tanh /
sigmoid / log (AVX2 polynomials) stay within the conformance tolerance; the portable build too.

Skipped, with the reason, where the library is not built."""
import math

import numpy as np
import pytest

import torsh
import torsh.nn.functional as F
from torsh.autograd.gradcheck import gradgradcheck
from torsh.backends import C_BACKEND
from torsh.backends.c import CBackend
from torsh.ops._op import OPS

from checks import same

pytestmark = pytest.mark.skipif(not C_BACKEND.is_available(),
                                reason=C_BACKEND.unavailable_reason())

INF, NAN = math.inf, math.nan
FLOATS = [torsh.float64, torsh.float32, torsh.float16, torsh.bfloat16]
INTS = [torsh.int64, torsh.int32, torsh.int16, torsh.int8, torsh.uint8]
SPECIAL = [0.0, -0.0, 1.0, -1.0, 0.5, -2.5, 3.0, 100.0, -100.0, 1e-30, INF, -INF, NAN]
TOL = {torsh.float64: (1e-12, 1e-14), torsh.float32: (1e-5, 1e-6),
       torsh.float16: (2e-3, 1e-3), torsh.bfloat16: (1.6e-2, 1e-2)}


def both(fn):
    with torsh.backends.using("c"):
        fast = fn()
    with torsh.backends.using("reference"):
        slow = fn()
    return fast, slow


def assert_same(fast, slow):
    assert fast.dtype is slow.dtype and tuple(fast.shape) == tuple(slow.shape)
    a = fast.to(torsh.float64).numpy() if fast.dtype.is_floating_point else fast.numpy()
    b = slow.to(torsh.float64).numpy() if slow.dtype.is_floating_point else slow.numpy()
    if not fast.dtype.is_floating_point:
        np.testing.assert_array_equal(a, b)
        return
    rtol, atol = TOL[fast.dtype]
    np.testing.assert_allclose(a, b, rtol=rtol, atol=atol, equal_nan=True)
    exact_zero = (b == 0) & (a == 0)
    np.testing.assert_array_equal(np.signbit(a[exact_zero]), np.signbit(b[exact_zero]))


def native(name, *inputs, backend=C_BACKEND, **params):
    """The C kernel's own result (not falling back), for `backend`."""
    op = OPS[name]
    outs = op.meta(*inputs, **params)
    result = backend.kernel(op)(list(inputs), (outs,), **params)
    assert result is not NotImplemented, name
    return result


UNARY_FLOAT = ["neg", "abs", "sign", "square", "exp", "exp2", "expm1", "log", "log2", "log10",
               "log1p", "sqrt", "rsqrt", "reciprocal", "sin", "cos", "tan", "asin", "acos",
               "atan", "sinh", "cosh", "tanh", "asinh", "acosh", "atanh", "sigmoid", "erf",
               "erfc", "sinc", "deg2rad", "rad2deg", "floor", "ceil", "trunc", "frac", "relu",
               "round", "signbit", "isnan", "isinf", "isposinf", "isneginf", "isfinite",
               "logical_not", "logit", "nan_to_num"]


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("name", UNARY_FLOAT)
def test_unary_float_ops_match_the_reference_on_special_values(name, dtype):
    fast, slow = both(lambda: getattr(torsh, name)(torsh.tensor(SPECIAL, dtype=dtype)))
    assert_same(fast, slow)


UNARY_INT = ["neg", "abs", "sign", "square", "floor", "ceil", "trunc", "round", "relu",
             "bitwise_not", "logical_not", "isnan", "isfinite", "signbit"]


@pytest.mark.parametrize("dtype", INTS)
@pytest.mark.parametrize("name", UNARY_INT)
def test_unary_integer_ops_wrap_as_the_reference(name, dtype):
    info = torsh.iinfo(dtype)
    values = [0, 1, -1, 7, info.min, info.max, info.min + 1] if info.min < 0 else \
        [0, 1, 7, 128, 255]
    x = torsh.tensor(values, dtype=dtype)
    if name == "neg" and dtype is torsh.uint8:
        return
    fast, slow = both(lambda: getattr(torsh, name)(x))
    assert_same(fast, slow)
    assert native(name if name != "round" else "round", x,
                  **({"decimals": 0} if name == "round" else {})) is not None


def test_integer_wrap_examples():
    assert torsh.tensor([-128], dtype=torsh.int8).neg().tolist() == [-128]
    assert (torsh.tensor([100], dtype=torsh.int8) * 3).tolist() == [44]
    assert (torsh.tensor([0], dtype=torsh.uint8) - 1).tolist() == [255]
    big = torsh.tensor([2 ** 62], dtype=torsh.int64)
    assert (big * 4).tolist() == [0] and (big + big).tolist() == [-2 ** 63]
    assert torsh.tensor([-2 ** 63]).abs().tolist() == [-2 ** 63]
    assert (torsh.tensor([-2 ** 63]) // -1).tolist() == [-2 ** 63]
    assert torsh.tensor([True, False]).bitwise_not().tolist() == [False, True]


BINARY = ["add", "sub", "mul", "div", "floor_divide", "remainder", "fmod", "pow", "eq", "ne",
          "lt", "le", "gt", "ge", "maximum", "minimum", "fmax", "fmin", "logical_and",
          "logical_or", "logical_xor", "atan2", "hypot", "logaddexp", "logaddexp2", "xlogy",
          "copysign", "heaviside", "nextafter", "isclose"]


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("name", BINARY)
def test_binary_float_ops_match_the_reference_on_every_pair_of_special_values(name, dtype):
    a = torsh.tensor(SPECIAL, dtype=dtype).reshape(-1, 1)
    b = torsh.tensor(SPECIAL, dtype=dtype)
    fast, slow = both(lambda: getattr(torsh, name)(a, b))
    assert_same(fast, slow)


INT_BINARY = ["add", "sub", "mul", "floor_divide", "remainder", "fmod", "pow", "eq", "lt",
              "ge", "maximum", "minimum", "fmax", "logical_xor", "bitwise_and", "bitwise_or",
              "bitwise_xor", "bitwise_left_shift", "bitwise_right_shift", "heaviside",
              "isclose"]


@pytest.mark.parametrize("dtype", INTS)
@pytest.mark.parametrize("name", INT_BINARY)
def test_binary_integer_ops_match_the_reference(name, dtype):
    info = torsh.iinfo(dtype)
    values = [info.min, -7, -1, 1, 3, 9, 70, info.max] if info.min < 0 else [1, 3, 9, 70, 255]
    a = torsh.tensor(values + [0], dtype=dtype).reshape(-1, 1)
    b = torsh.tensor(values, dtype=dtype)
    if name in ("bitwise_left_shift", "bitwise_right_shift"):
        b = torsh.tensor([0, 1, 5, 7, 63, 64] + ([-1] if info.min < 0 else []), dtype=dtype)
    if name == "pow":
        b = b.abs() % 5 if info.min < 0 else b % 5
    fast, slow = both(lambda: getattr(torsh, name)(a, b))
    assert_same(fast, slow)


def test_integer_division_by_zero_raises():
    with pytest.raises(RuntimeError, match="ZeroDivision"):
        torsh.tensor([1, 2]) // torsh.tensor([1, 0])
    with pytest.raises(RuntimeError, match="ZeroDivision"):
        torsh.tensor([1, 2]).fmod(torsh.tensor([0, 1]))


def test_parameters_alpha_rounding_mode_and_values():
    a = torsh.tensor([1.0, -2.5, 1e30], dtype=torsh.float64)
    b = torsh.tensor([3.0, 0.5, -1.0], dtype=torsh.float64)
    for fn in (lambda: torsh.add(a, b, alpha=3e30), lambda: torsh.sub(a, b, alpha=0.1),
               lambda: torsh.div(a, b, rounding_mode="floor"),
               lambda: torsh.div(a, b, rounding_mode="trunc"),
               lambda: torsh.addcmul(a, a, b, value=0.3), lambda: torsh.addcdiv(a, a, b, value=2),
               lambda: torsh.lerp(a, b, 0.7), lambda: torsh.lerp(a, b, b),
               lambda: torsh.clamp(a, -1.0, 2.0), lambda: torsh.clamp(a, min=b),
               lambda: torsh.clamp(a, max=b), lambda: torsh.clamp(a, b, b * 0),
               lambda: torsh.where(a > 0, a, b), lambda: torsh.round(a, decimals=2),
               lambda: torsh.logit(a, eps=0.1), lambda: torsh.nan_to_num(a, posinf=5.0)):
        assert_same(*both(fn))
    i = torsh.tensor([5, -3, 127], dtype=torsh.int8)
    for fn in (lambda: torsh.add(i, i, alpha=3), lambda: torsh.sub(i, i, alpha=-2),
               lambda: torsh.addcmul(i, i, i, value=2), lambda: torsh.clamp(i, -4, 6),
               lambda: torsh.where(i > 0, i, i * 2)):
        assert_same(*both(fn))


def test_views_broadcasts_zero_dim_and_empty():
    base = torsh.arange(24, dtype=torsh.float32).reshape(4, 6) / 7 - 1
    views = [base.t(), base[:, ::2], base[1:3], base[0].expand(3, 6), base[2, 3]]
    for v in views:
        for fn in (lambda: v.exp(), lambda: v.tanh(), lambda: v.sigmoid(), lambda: v.erf(),
                   lambda: v + 1, lambda: v * v.t().t(), lambda: v.to(torsh.int16),
                   lambda: v.to(torsh.float16), lambda: v > 0):
            assert_same(*both(fn))
    row = torsh.tensor([1.0, 2.0, 3.0]).to(torsh.bfloat16)
    col = torsh.tensor([[1], [2]], dtype=torsh.int32)
    assert_same(*both(lambda: row + col.to(torsh.bfloat16)))
    empty = torsh.zeros(0, 3)
    assert tuple((empty.exp() + empty).shape) == (0, 3)
    assert tuple(empty.to(torsh.int8).shape) == (0, 3)


CAST_VALUES = [0.0, -0.0, 0.4, -0.6, 1.5, 2.5, 127.9, 128.5, -129.7, 255.5, 300.7, 65504.0,
               70000.0, 3e9, -3e9, 1e19, -1e20, 1e-8, INF, -INF, NAN]


@pytest.mark.parametrize("source", [torsh.float64, torsh.float32, torsh.float16,
                                    torsh.bfloat16])
def test_casts_from_floats_to_every_dtype(source):
    x = torsh.tensor(CAST_VALUES, dtype=torsh.float64).to(source)
    for target in [torsh.bool, *INTS, *FLOATS]:
        assert_same(*both(lambda: x.to(target)))


@pytest.mark.parametrize("source", [torsh.bool, *INTS])
def test_casts_from_integers_to_every_dtype(source):
    info = None if source is torsh.bool else torsh.iinfo(source)
    values = [0, 1] if info is None else [info.min, -1 if info.min else 0, 0, 1, 100,
                                          info.max]
    x = torsh.tensor(values, dtype=source)
    for target in [torsh.bool, *INTS, *FLOATS]:
        assert_same(*both(lambda: x.to(target)))


def test_float16_and_bfloat16_round_to_nearest_even_from_double():
    ties = [1 + 2 ** -11, 1 + 3 * 2 ** -11, 2 ** -25, 3 * 2 ** -25, 65519.0, 65520.0]
    half = torsh.tensor(ties, dtype=torsh.float64).to(torsh.float16)
    assert half.to(torsh.float64).tolist() == [1.0, 1 + 2 ** -9, 0.0, 2 ** -23, 65504.0, INF]
    brain = torsh.tensor([1 + 2 ** -8, 1 + 3 * 2 ** -8], dtype=torsh.float64)
    assert brain.to(torsh.bfloat16).to(torsh.float64).tolist() == [1.0, 1 + 2 ** -6]


ACTIVATIONS = [lambda x: F.gelu(x), lambda x: F.gelu(x, approximate="tanh"), F.silu, F.mish,
               lambda x: F.leaky_relu(x, 0.2), lambda x: F.elu(x, 0.7), F.selu,
               lambda x: F.celu(x, 1.3), lambda x: F.softplus(x, 2.0, 5.0), F.logsigmoid,
               F.hardsigmoid, F.hardswish, F.softsign, F.tanhshrink, F.hardtanh, F.relu6,
               lambda x: F.threshold(x, 0.5, -3.0), F.hardshrink, F.softshrink]


@pytest.mark.parametrize("dtype", [torsh.float64, torsh.float32, torsh.bfloat16])
@pytest.mark.parametrize("index", range(len(ACTIVATIONS)))
def test_activations_match_the_reference(index, dtype):
    x = torsh.tensor(SPECIAL, dtype=dtype)
    assert_same(*both(lambda: ACTIVATIONS[index](x)))


@pytest.mark.parametrize("fn", [torsh.relu, torsh.sigmoid, torsh.tanh, F.silu, F.gelu,
                                lambda x: F.gelu(x, approximate="tanh"),
                                lambda x: F.leaky_relu(x, 0.1)])
def test_fused_backward_matches_the_reference_and_double_backward_still_works(fn):
    values = [-3.0, -0.5, 0.0, 0.25, 2.0]

    def grad():
        x = torsh.tensor(values, dtype=torsh.float64, requires_grad=True)
        fn(x).sum().backward()
        return x.grad
    assert_same(*both(grad))
    x = torsh.tensor([-3.0, -0.5, 0.1, 0.25, 2.0], dtype=torsh.float64, requires_grad=True)
    assert gradgradcheck(
        fn, (x,), (torsh.ones(5, dtype=torsh.float64, requires_grad=True),))


@pytest.mark.parametrize("dtype", [torsh.float32, torsh.float64])
def test_relu_gradient_on_the_vector_kernel_keeps_nan_inf_and_signed_zero(dtype):
    """g * (y > 0): NaN and inf gradients at y <= 0 give NaN, a negative one gives -0.0, on a
    strided gradient too (the general walk) and a long one (the threaded walk)."""
    def grad(g):
        x = torsh.tensor([-1.0, 0.0, -0.0, 2.0, math.nan, math.inf, -2.0] * 3, dtype=dtype,
                         requires_grad=True)
        x.relu().backward(g)
        return x.grad
    g = torsh.tensor([1.0, -2.0, 3.0, math.nan, 5.0, -6.0, math.inf] * 3, dtype=dtype)
    for cotangent in (g, torsh.stack([g, g], 1)[:, 0]):
        fast, slow = both(lambda: grad(cotangent))
        assert same(fast.tolist(), slow.tolist())           # NaN as NaN, -0.0 as -0.0
    x = torsh.randn(200_000, dtype=dtype, requires_grad=True)
    x.relu().backward(torsh.ones_like(x))
    assert torsh.equal(x.grad, (x.detach() > 0).to(dtype))


def test_float32_polynomials_stay_within_tolerance_on_a_wide_range():
    """exp, tanh, sigmoid, log: AVX2 polynomials, libm for the lanes out of their range."""
    rng = np.random.default_rng(0)
    values = np.concatenate([rng.standard_normal(4000) * s for s in (0.05, 1, 8, 60)])
    values = np.concatenate([values, [0, -0.0, 0.624, 0.626, 9.9, 10.1, -87.5, 88.6, 89,
                                      -104, INF, -INF, NAN]]).astype(np.float32)
    x = torsh.tensor(values)
    for name in ("exp", "tanh", "sigmoid"):
        assert_same(*both(lambda: getattr(x, name)()))
    positive = torsh.tensor(np.concatenate([np.exp(np.linspace(-87, 88, 3000)), [
        0.7071067, 0.7071068, 1.0, 1e-40, 0.0, -1.0, INF, NAN]]).astype(np.float32))
    assert_same(*both(lambda: positive.log()))
    assert math.copysign(1, x[-12:-11].tanh().item()) == -1   # tanh(-0.0) = -0.0


def test_the_portable_build_agrees():
    portable = CBackend(variant="portable")
    if not portable.is_available():
        pytest.skip(portable.unavailable_reason())
    x = torsh.tensor([-90.0, -3.0, -0.0, 0.3, 0.7, 5.0, 95.0, NAN, INF], dtype=torsh.float32)
    for name in ("exp", "tanh", "sigmoid", "relu", "erf"):
        fast = native(name, x, backend=portable)
        with torsh.backends.using("reference"):
            slow = getattr(x, name)()
        assert_same(fast, slow)
    i = torsh.tensor([100, -100], dtype=torsh.int8)
    assert native("mul", i, i, backend=portable).tolist() == [16, 16]
    assert native("to_dtype", x, dtype=torsh.int32, backend=portable).tolist()[-2:] == \
        [-2 ** 31, -2 ** 31]


def test_every_elementwise_op_is_native_on_the_c_backend():
    names = ["neg", "exp", "add", "sub", "mul", "div", "pow", "eq", "where", "clamp", "lerp",
             "addcmul", "addcdiv", "to_dtype", "gelu", "silu", "bitwise_and", "nextafter"]
    assert set(names) <= set(C_BACKEND.native_ops())


def _ulps(got, values, fn):
    """|got - fn(values)| in float32 ulps of the correctly rounded result (fn in float64)."""
    with np.errstate(all="ignore"):
        want = fn(values.astype(np.float64)).astype(np.float32)
    ulp = np.spacing(np.abs(want)).astype(np.float64)
    return np.abs(got.astype(np.float64) - want.astype(np.float64)) / ulp


def _sigmoid64(v):
    return np.where(v >= 0, 1 / (1 + np.exp(-np.abs(v))), np.exp(-np.abs(v)) /
                    (1 + np.exp(-np.abs(v))))


@pytest.mark.parametrize("name, fn, limit", [
    ("exp", np.exp, 1.0), ("sigmoid", _sigmoid64, 3.0), ("tanh", np.tanh, 2.0),
    ("log", np.log, 1.0)])
def test_float32_polynomials_are_within_a_few_ulps_of_the_rounded_result(name, fn, limit):
    """The AVX2 polynomials (libm in the portable build) against float64 rounded once:
    exp <= 1 ulp, sigmoid <= 3, tanh <= 2, log <= 1, on a dense grid over their range."""
    rng = np.random.default_rng(1)
    if name == "log":
        values = np.exp(rng.uniform(-87, 88, 20000))
    else:
        values = np.concatenate([np.linspace(-20, 20, 20001), rng.uniform(-87, 87, 20000)])
    values = values.astype(np.float32)
    got = native(name, torsh.tensor(values)).numpy()
    assert _ulps(got, values, fn).max() <= limit


def assert_within_ulps(got, want, limit):
    """Float32 arrays equal within `limit` ulps of `want` (subnormals too), NaN as NaN,
    infinities and the sign of zero exact."""
    assert np.array_equal(np.isnan(got), np.isnan(want))
    finite = np.isfinite(want)
    np.testing.assert_array_equal(got[~finite & ~np.isnan(want)], want[~finite & ~np.isnan(want)])
    g, w = got[finite].astype(np.float64), want[finite].astype(np.float64)
    assert np.all(np.abs(g - w) <= limit * np.spacing(np.abs(want[finite])).astype(np.float64))
    zero = w == 0
    np.testing.assert_array_equal(np.signbit(g[zero]), np.signbit(w[zero]))


FLAGGED = {"exp": [100.0, -100.0, 88.5, -87.5, NAN, INF, -INF],
           "sigmoid": [-90.0, -104.0, -200.0, NAN, -INF, INF, 90.0],
           "tanh": [NAN, INF, -INF, 9.5, -0.0, 0.625],
           "log": [1e-40, INF, NAN, 0.0, -0.0, -1.0, 1.17549435e-38],
           "relu": [NAN, -0.0, 0.0, -INF, INF, -1e-45]}


@pytest.mark.parametrize("name", sorted(FLAGGED))
def test_float32_lanes_every_tail_length_and_out_of_range_lane_position(name):
    """Contiguous float32: 16 lanes a step, a zero-padded last vector, the out-of-range lanes
    (libm's) at the start, middle and end of every length up to 40; relu exact."""
    fill = [0.5, 3.0, -2.0, 7.0] if name != "log" else [0.5, 3.0, 2.0, 7.0]
    specials = FLAGGED[name]
    for length in range(1, 41):
        base = [fill[i % 4] * (1 + i / 64) for i in range(length)]
        for position in {0, length // 2, length - 1}:
            values = list(base)
            values[position] = specials[(length + position) % len(specials)]
            x = torsh.tensor(values, dtype=torsh.float32)
            fast = native(name, x)
            with torsh.backends.using("reference"):
                slow = getattr(x, name)()
            if name == "relu":
                assert same(fast.tolist(), slow.tolist())
            else:
                assert_within_ulps(fast.numpy(), slow.numpy(), 3)


@pytest.mark.parametrize("name", sorted(FLAGGED))
def test_float32_lanes_across_blocks_and_threads(name):
    """Out-of-range lanes at block edges (TORSH_BLOCK = 8192) of a threaded walk agree with
    the one-element results."""
    n = 3 * 8192 * 3 + 11
    rng = np.random.default_rng(2)
    values = rng.standard_normal(n).astype(np.float32) * 4
    if name == "log":
        values = np.abs(values)
    specials = FLAGGED[name]
    spots = [0, 8191, 8192, 16383, 40000, n - 9, n - 1]
    for i, spot in enumerate(spots):
        values[spot] = specials[i % len(specials)]
    whole = native(name, torsh.tensor(values)).numpy()
    picked = np.array([native(name, torsh.tensor(values[s:s + 1])).item() for s in spots],
                      dtype=np.float32)
    assert same(whole[spots].tolist(), picked.tolist())
    inner = np.setdiff1d(np.arange(n), spots)[::97]
    expected = np.array([native(name, torsh.tensor(values[i:i + 1])).item() for i in inner],
                        dtype=np.float32)
    np.testing.assert_array_equal(whole[inner], expected)


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("slopes", [[0.25], [0.5, -1.0, 2.0]])
def test_prelu_slopes_by_channel(dtype, slopes):
    """x > 0 ? x : w_c * x with w broadcast along dim 1 by strides (NaN, -0.0 kept)."""
    x = torsh.tensor([[[-2.0, 0.0], [-0.0, 3.0], [NAN, -INF]]] * 2, dtype=dtype)
    x = x.transpose(1, 2).contiguous().transpose(1, 2)      # a strided view of (2, 3, 2)
    weight = torsh.tensor(slopes * 2, dtype=dtype)[::2] if len(slopes) > 1 else \
        torsh.tensor(slopes, dtype=dtype)
    with torsh.backends.trace() as seen:
        fast = F.prelu(x, weight)
    with torsh.backends.using("reference"):
        slow = F.prelu(x, weight)
    assert same(fast.tolist(), slow.tolist())
    assert ("prelu", "c", "native") in seen.calls
