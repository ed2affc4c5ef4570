"""Unary elementwise ops: special values, dtypes, errors and gradients (torsh/ops/unary.py).

Expected values are written by hand (checked once against PyTorch 2.13); NaN equals NaN and the
sign of a zero counts.
"""
import math

import pytest

import torsh
from torsh.autograd.gradcheck import gradcheck, gradgradcheck

inf, nan = math.inf, math.nan
F64 = torsh.float64


def same(got, expected, rel=0.0):
    """Elementwise equality with NaN == NaN, -0.0 != 0.0 and an optional relative tolerance."""
    assert len(got) == len(expected), (got, expected)
    for g, e in zip(got, expected):
        if isinstance(e, float) and e != e:
            assert g != g, (got, expected)
        elif e == 0 and isinstance(e, float):
            assert g == 0 and math.copysign(1, g) == math.copysign(1, e), (got, expected)
        elif rel and isinstance(e, float) and math.isfinite(e):
            assert g == pytest.approx(e, rel=rel, abs=1e-300), (got, expected)
        else:
            assert g == e, (got, expected)


def run(name, values, dtype=F64):
    return getattr(torsh, name)(torsh.tensor(values, dtype=dtype)).tolist()


# op -> (inputs, expected outputs) in float64; exact unless the op is in TRANSCENDENTAL
SPECIAL = {
    "abs": ([-0.0, -2.5, inf, -inf, nan], [0.0, 2.5, inf, inf, nan]),
    "neg": ([0.0, -0.0, 2.5, inf, nan], [-0.0, 0.0, -2.5, -inf, nan]),
    "sign": ([-0.0, 0.0, -3.0, 2.0, inf, -inf, nan], [0.0, 0.0, -1.0, 1.0, 1.0, -1.0, 0.0]),
    "sgn": ([-0.0, -3.0, nan], [0.0, -1.0, 0.0]),
    "square": ([-3.0, -0.0, inf, nan, 1e200], [9.0, 0.0, inf, nan, inf]),
    "exp": ([0.0, -0.0, 1.0, -inf, inf, nan, 1000.0, -1000.0],
            [1.0, 1.0, math.e, 0.0, inf, nan, inf, 0.0]),
    "exp2": ([0.0, 3.0, -1.0, -inf, inf, 2000.0], [1.0, 8.0, 0.5, 0.0, inf, inf]),
    "expm1": ([0.0, -0.0, 1e-20, -inf, inf], [0.0, -0.0, 1e-20, -1.0, inf]),
    "log": ([0.0, -0.0, 1.0, -1.0, inf, -inf, nan, math.e], [-inf, -inf, 0.0, nan, inf, nan,
                                                             nan, 1.0]),
    "log2": ([0.0, 8.0, 0.5, -2.0, inf], [-inf, 3.0, -1.0, nan, inf]),
    "log10": ([0.0, 1000.0, -1.0], [-inf, 3.0, nan]),
    "log1p": ([-1.0, -2.0, 0.0, -0.0, 1e-20, inf], [-inf, nan, 0.0, -0.0, 1e-20, inf]),
    "sqrt": ([0.0, -0.0, 4.0, -1.0, inf, -inf, nan], [0.0, -0.0, 2.0, nan, inf, nan, nan]),
    "rsqrt": ([0.0, -0.0, 4.0, -1.0, inf], [inf, -inf, 0.5, nan, 0.0]),
    "reciprocal": ([0.0, -0.0, 4.0, inf, -inf, nan], [inf, -inf, 0.25, 0.0, -0.0, nan]),
    "sin": ([0.0, -0.0, inf, -inf, nan, math.pi / 2], [0.0, -0.0, nan, nan, nan, 1.0]),
    "cos": ([0.0, -0.0, inf, nan, math.pi], [1.0, 1.0, nan, nan, -1.0]),
    "tan": ([0.0, -0.0, inf, math.pi / 4], [0.0, -0.0, nan, 1.0]),
    "asin": ([0.0, -0.0, 1.0, -1.0, 1.5, nan], [0.0, -0.0, math.pi / 2, -math.pi / 2, nan, nan]),
    "acos": ([1.0, -1.0, 0.0, 2.0], [0.0, math.pi, math.pi / 2, nan]),
    "atan": ([0.0, -0.0, inf, -inf, nan], [0.0, -0.0, math.pi / 2, -math.pi / 2, nan]),
    "sinh": ([0.0, -0.0, inf, -inf, 1000.0, -1000.0], [0.0, -0.0, inf, -inf, inf, -inf]),
    "cosh": ([0.0, -0.0, inf, -inf, 1000.0, -1000.0], [1.0, 1.0, inf, inf, inf, inf]),
    "tanh": ([0.0, -0.0, inf, -inf, 1000.0, nan], [0.0, -0.0, 1.0, -1.0, 1.0, nan]),
    "asinh": ([0.0, -0.0, inf, -inf], [0.0, -0.0, inf, -inf]),
    "acosh": ([1.0, 0.5, inf, -1.0], [0.0, nan, inf, nan]),
    "atanh": ([0.0, -0.0, 1.0, -1.0, 2.0, nan], [0.0, -0.0, inf, -inf, nan, nan]),
    "sigmoid": ([0.0, inf, -inf, 1000.0, -1000.0, nan], [0.5, 1.0, 0.0, 1.0, 0.0, nan]),
    "erf": ([0.0, -0.0, inf, -inf, nan, 10.0], [0.0, -0.0, 1.0, -1.0, nan, 1.0]),
    "erfc": ([0.0, inf, -inf, 30.0], [1.0, 0.0, 2.0, 0.0]),
    "erfinv": ([0.0, -0.0, 1.0, -1.0, 1.5, -2.0, nan], [0.0, -0.0, inf, -inf, nan, nan, nan]),
    "lgamma": ([1.0, 2.0, 0.0, -0.0, -1.0, -2.0, inf, -inf, nan, 0.5],
               [0.0, 0.0, inf, inf, inf, inf, inf, inf, nan, math.log(math.pi) / 2]),
    "digamma": ([0.0, -0.0, -1.0, -2.0, inf, -inf, nan, 1.0],
                [-inf, inf, nan, nan, inf, nan, nan, -0.5772156649015329]),
    "sinc": ([0.0, -0.0, inf, -inf, nan, 0.5], [1.0, 1.0, nan, nan, nan, 2 / math.pi]),
    "deg2rad": ([180.0, -0.0, inf], [math.pi, -0.0, inf]),
    "rad2deg": ([math.pi, -0.0, -inf], [180.0, -0.0, -inf]),
    "floor": ([-0.0, 0.0, -0.5, 0.5, 2.5, -2.5, inf, -inf, nan, 1e300],
              [-0.0, 0.0, -1.0, 0.0, 2.0, -3.0, inf, -inf, nan, 1e300]),
    "ceil": ([-0.0, -0.5, 0.5, 2.5, -2.5, inf, nan], [-0.0, -0.0, 1.0, 3.0, -2.0, inf, nan]),
    "trunc": ([-0.0, -0.5, 0.5, 2.5, -2.5, -inf, nan], [-0.0, -0.0, 0.0, 2.0, -2.0, -inf, nan]),
    "frac": ([2.5, -2.5, -0.0, 0.0, -3.0, inf, -inf, nan], [0.5, -0.5, 0.0, 0.0, 0.0, nan, nan,
                                                             nan]),
    "relu": ([-1.0, -0.0, 0.0, 2.5, -inf, inf, nan], [0.0, -0.0, 0.0, 2.5, 0.0, inf, nan]),
    "positive": ([-0.0, nan, -inf], [-0.0, nan, -inf]),
}
TRANSCENDENTAL = {"exp", "log", "sin", "cos", "tan", "asin", "acos", "atan", "lgamma",
                  "digamma", "sinc", "deg2rad", "rad2deg"}


@pytest.mark.parametrize("name", sorted(SPECIAL))
def test_special_values(name):
    values, expected = SPECIAL[name]
    same(run(name, values), expected, rel=1e-15 if name in TRANSCENDENTAL else 0.0)


PREDICATES = {
    "isnan": [False, False, False, False, True],
    "isinf": [False, False, True, True, False],
    "isposinf": [False, False, True, False, False],
    "isneginf": [False, False, False, True, False],
    "isfinite": [True, True, False, False, False],
    "isreal": [True, True, True, True, True],
    "signbit": [True, False, False, True, False],
    "logical_not": [True, False, False, False, False],
}


@pytest.mark.parametrize("name", sorted(PREDICATES))
def test_predicates_on_specials(name):
    result = getattr(torsh, name)(torsh.tensor([-0.0, 1.5, inf, -inf, nan]))
    assert result.dtype is torsh.bool
    assert result.tolist() == PREDICATES[name]


def test_signbit_of_negative_nan_and_integers():
    assert torsh.signbit(torsh.tensor([-nan, -1, 3], dtype=F64)).tolist() == [True, True, False]
    assert torsh.signbit(torsh.tensor([-1, 0], dtype=torsh.int8)).tolist() == [True, False]


# -- dtypes: integers pass through exact ops, become the default float in float functions
def test_integer_inputs_promote_to_default_float():
    x = torsh.tensor([0, 1, 4])
    assert torsh.sqrt(x).dtype is torsh.float32 and torsh.sqrt(x).tolist() == [0.0, 1.0, 2.0]
    assert torsh.exp(torsh.tensor([True, False])).dtype is torsh.float32
    assert torsh.reciprocal(x).tolist() == [inf, 1.0, 0.25]


@pytest.mark.parametrize("name", ["floor", "ceil", "trunc", "abs", "neg", "sign", "relu"])
def test_integer_dtype_is_kept(name):
    x = torsh.tensor([-3, 0, 5], dtype=torsh.int16)
    result = getattr(torsh, name)(x)
    assert result.dtype is torsh.int16


def test_integer_wrapping_unary():
    i8 = torsh.int8
    assert torsh.abs(torsh.tensor([-128, -5], dtype=i8)).tolist() == [-128, 5]
    assert torsh.neg(torsh.tensor([-128, 5], dtype=i8)).tolist() == [-128, -5]
    assert torsh.neg(torsh.tensor([1, 0], dtype=torsh.uint8)).tolist() == [255, 0]
    assert torsh.square(torsh.tensor([100, -12], dtype=i8)).tolist() == [16, -112]
    assert torsh.bitwise_not(torsh.tensor([0, 5], dtype=i8)).tolist() == [-1, -6]
    assert torsh.bitwise_not(torsh.tensor([0, 5], dtype=torsh.uint8)).tolist() == [255, 250]


def test_bool_inputs():
    b = torsh.tensor([True, False])
    assert torsh.sign(b).tolist() == [True, False] and torsh.sign(b).dtype is torsh.bool
    assert torsh.square(b).dtype is torsh.int64 and torsh.square(b).tolist() == [1, 0]
    assert (~b).tolist() == [False, True]
    assert torsh.logical_not(torsh.tensor([nan, 0.0, -0.0])).tolist() == [False, True, True]


@pytest.mark.parametrize("name", ["abs", "floor", "ceil", "trunc", "frac"])
def test_bool_rejected_with_not_implemented(name):
    with pytest.raises(NotImplementedError, match=name):
        getattr(torsh, name)(torsh.tensor([True]))


@pytest.mark.parametrize("name,pattern", [("neg", "Negation"), ("positive", "operator"),
                                          ("relu", "Boolean inputs")])
def test_bool_rejected_with_runtime_error(name, pattern):
    with pytest.raises(RuntimeError, match=pattern):
        getattr(torsh, name)(torsh.tensor([True, False]))
    with pytest.raises(RuntimeError, match="Negation"):
        -torsh.tensor([True])


def test_frac_rejects_integers_and_bitwise_not_rejects_floats():
    with pytest.raises(NotImplementedError, match="frac"):
        torsh.frac(torsh.tensor([1, 2]))
    with pytest.raises(NotImplementedError, match="bitwise_not"):
        ~torsh.tensor([1.5])


def test_unary_needs_a_tensor():
    with pytest.raises(TypeError, match="exp"):
        torsh.exp(2.0)


def test_half_precision_rounded_once():
    # sqrt(2) rounded once to each width, not through float32
    assert torsh.sqrt(torsh.tensor([2.0], dtype=torsh.float16)).tolist() == [1.4140625]
    assert torsh.sqrt(torsh.tensor([2.0], dtype=torsh.bfloat16)).tolist() == [1.4140625]
    assert torsh.exp(torsh.tensor([12.0], dtype=torsh.float16)).tolist() == [inf]
    assert torsh.exp(torsh.tensor([11.0], dtype=torsh.float16)).tolist() == [59872.0]
    assert torsh.erf(torsh.tensor([1e-5], dtype=torsh.float16)).tolist() == [
        1.1324882507324219e-05]   # correctly rounded (PyTorch's float16 kernel gives 1.156e-05)


def test_empty_zero_dim_and_non_contiguous():
    assert torsh.exp(torsh.tensor([])).shape == (0,)
    assert torsh.neg(torsh.tensor(2.0)).tolist() == -2.0
    x = torsh.tensor([[1.0, -2.0, 3.0], [-4.0, 5.0, -6.0]])
    same(torsh.abs(x.t()).reshape(-1).tolist(), [1.0, 4.0, 2.0, 5.0, 3.0, 6.0])
    same(torsh.neg(x[:, ::2]).reshape(-1).tolist(), [-1.0, -3.0, 4.0, 6.0])
    same(torsh.square(torsh.tensor([3.0]).expand(3)).tolist(), [9.0, 9.0, 9.0])


def test_in_place_and_out():
    x = torsh.tensor([-1.5, 2.5])
    assert x.abs_() is x and x.tolist() == [1.5, 2.5]
    out = torsh.empty(2)
    assert torsh.floor(torsh.tensor([1.5, -1.5]), out=out) is out
    assert out.tolist() == [1.0, -2.0]
    with pytest.raises(RuntimeError, match="can't be cast"):
        torsh.tensor([1, 2]).exp_()


def test_aliases():
    x = torsh.tensor([-0.5, 0.5], dtype=F64)
    assert torsh.absolute(x).tolist() == torsh.abs(x).tolist()
    assert torsh.arcsin(x).tolist() == torsh.asin(x).tolist()
    assert torsh.fix(x).tolist() == torsh.trunc(x).tolist()
    assert torsh.negative(x).tolist() == [0.5, -0.5]


# -- gradients at safe points (away from kinks and poles), float64
GRAD_POINTS = {
    "default": [0.3, -0.7, 1.4],
    "positive": [0.3, 0.7, 2.2],          # log, sqrt, lgamma, digamma, ...
    "unit": [0.3, -0.6, 0.1],             # asin, acos, atanh, erfinv
    "above_one": [1.3, 2.5, 4.0],         # acosh
}
DIFFERENTIABLE = {
    "abs": "default", "neg": "default", "positive": "default", "square": "default",
    "exp": "default", "exp2": "default", "expm1": "default", "log": "positive",
    "log2": "positive", "log10": "positive", "log1p": "positive", "sqrt": "positive",
    "rsqrt": "positive", "reciprocal": "default", "sin": "default", "cos": "default",
    "tan": "default", "asin": "unit", "acos": "unit", "atan": "default", "sinh": "default",
    "cosh": "default", "tanh": "default", "asinh": "default", "acosh": "above_one",
    "atanh": "unit", "sigmoid": "default", "erf": "default", "erfc": "default",
    "erfinv": "unit", "lgamma": "positive", "digamma": "positive", "sinc": "default",
    "deg2rad": "default", "rad2deg": "default", "frac": "default", "relu": "default",
}


@pytest.mark.parametrize("name", sorted(DIFFERENTIABLE))
def test_gradcheck(name):
    fn = getattr(torsh, name)
    x = torsh.tensor(GRAD_POINTS[DIFFERENTIABLE[name]], dtype=F64, requires_grad=True)
    assert gradcheck(fn, (x,))
    g = torsh.tensor([0.5, -1.0, 2.0], dtype=F64, requires_grad=True)
    if name != "digamma":   # digamma's derivative (trigamma) is computed outside autograd
        assert gradgradcheck(fn, (x,), (g,))


@pytest.mark.parametrize("name", ["floor", "ceil", "trunc", "sign", "sgn"])
def test_piecewise_constant_ops_have_zero_gradient(name):
    x = torsh.tensor([0.3, -1.7], dtype=F64, requires_grad=True)
    (grad,) = torsh.autograd.grad(getattr(torsh, name)(x).sum(), [x])
    assert grad.tolist() == [0.0, 0.0]


def test_gradients_at_special_points():
    x = torsh.tensor([0.0, -1.0, 2.0], dtype=F64, requires_grad=True)
    (grad,) = torsh.autograd.grad(torsh.relu(x).sum(), [x])
    assert grad.tolist() == [0.0, 0.0, 1.0]        # relu'(0) = 0
    (grad,) = torsh.autograd.grad(torsh.abs(x).sum(), [x])
    assert grad.tolist() == [0.0, -1.0, 1.0]       # abs'(0) = sgn(0) = 0
    (grad,) = torsh.autograd.grad(torsh.sqrt(x[:1]).sum(), [x])
    assert grad.tolist() == [inf, 0.0, 0.0]
    (grad,) = torsh.autograd.grad(torsh.sinc(x).sum(), [x])
    assert grad.tolist()[0] == 0.0
    assert grad.tolist()[1] == pytest.approx(1.0, rel=1e-12)   # (cos(-pi) - 0) / -1
