"""Scalar functions with IEEE-754 special values: the table elementwise ops are built from.

Python's `math` raises where IEEE arithmetic returns a value (`math.log(0)`, `1.0 / 0.0`,
`math.exp(1000)`); these wrappers return what C and PyTorch return instead: ±inf at poles and
on overflow, NaN outside the domain, NaN in -> NaN out. Every function takes and returns
Python floats; integer-valued helpers say so.
"""
from __future__ import annotations

import math
import struct
from fractions import Fraction

inf, nan = math.inf, math.nan


def ieee(fn, pole=None):
    """Wrap a `math` function: NaN in gives NaN, a domain error gives NaN, overflow gives inf.

    `pole(x)` gives the value at points where `math` raises ValueError but IEEE has a limit
    (log(0) = -inf); it returns None where the answer is NaN.
    """
    def safe(x):
        if x != x:
            return nan
        try:
            return fn(x)
        except OverflowError:
            return inf
        except ValueError:
            value = pole(x) if pole else None
            return nan if value is None else value
    safe.__name__ = getattr(fn, "__name__", "scalar")
    return safe


def divide(a, b):
    """a / b with IEEE zeros: x/±0 is ±inf (sign of x times sign of the zero), 0/0 is NaN."""
    try:
        return a / b
    except ZeroDivisionError:
        if a != a or a == 0:
            return nan
        return math.copysign(inf, a) * math.copysign(1.0, b)
    except OverflowError:
        return math.copysign(inf, a) * math.copysign(1.0, b)


def exp(x):
    if x != x:
        return nan
    return 0.0 if x < -745.2 else (inf if x > 709.78 else math.exp(x))


log = ieee(math.log, lambda x: -inf if x == 0 else None)
log2 = ieee(math.log2, lambda x: -inf if x == 0 else None)
log10 = ieee(math.log10, lambda x: -inf if x == 0 else None)
log1p = ieee(math.log1p, lambda x: -inf if x == -1 else None)
sqrt = ieee(math.sqrt)
expm1 = ieee(math.expm1)
sin, cos, tan = ieee(math.sin), ieee(math.cos), ieee(math.tan)
asin, acos = ieee(math.asin), ieee(math.acos)
atan, sinh, cosh, tanh = ieee(math.atan), ieee(math.sinh), ieee(math.cosh), ieee(math.tanh)
asinh, acosh = ieee(math.asinh), ieee(math.acosh)
atanh = ieee(math.atanh, lambda x: math.copysign(inf, x) if abs(x) == 1 else None)
erf, erfc = ieee(math.erf), ieee(math.erfc)
lgamma = ieee(math.lgamma, lambda x: inf)   # poles at 0, -1, -2, ...: +inf as in C


def sinh_(x):
    return sinh(x) if abs(x) < 710 or x != x else math.copysign(inf, x)


def cosh_(x):
    return cosh(x) if abs(x) < 710 or x != x else inf


def rsqrt(x):
    return divide(1.0, sqrt(x))


def exp2(x):
    if x != x:
        return nan
    return 0.0 if x < -1075 else (inf if x > 1024 else 2.0 ** x)


def sigmoid(x):
    """1 / (1 + e^-x), branching on the sign of x so that exp never overflows."""
    if x != x:
        return nan
    if x >= 0:
        return 1.0 / (1.0 + exp(-x))
    e = exp(x)
    return e / (1.0 + e)


def logit(x, eps=None):
    """log(x / (1 - x)); with eps, x is first clamped to [eps, 1 - eps]."""
    if eps is not None and x == x:
        x = min(max(x, eps), 1.0 - eps)
    return log(divide(x, 1.0 - x))


def sign(x):
    """-1, 0 or 1; NaN compares false both ways, so sign(NaN) = 0 as in PyTorch."""
    return (x > 0) - (x < 0) if isinstance(x, int) else float((x > 0) - (x < 0))


def erfinv(y):
    """The inverse of erf on (-1, 1): a rational first guess refined by Newton steps."""
    if y != y or y < -1 or y > 1:
        return nan
    if y in (-1.0, 1.0):
        return math.copysign(inf, y)
    if y == 0:
        return y
    # Giles' single-precision approximation, then Newton on erf(x) - y = 0.
    w = -math.log((1.0 - y) * (1.0 + y))
    if w < 5.0:
        w -= 2.5
        p = 2.81022636e-08
        for c in (3.43273939e-07, -3.5233877e-06, -4.39150654e-06, 0.00021858087,
                  -0.00125372503, -0.00417768164, 0.246640727, 1.50140941):
            p = c + p * w
    else:
        w = math.sqrt(w) - 3.0
        p = -0.000200214257
        for c in (0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773,
                  -0.0076224613, 0.00943887047, 1.00167406, 2.83297682):
            p = c + p * w
    x = p * y
    for _ in range(3):
        error = math.erf(x) - y
        x -= error / (2.0 / math.sqrt(math.pi) * math.exp(-x * x))
    return x


def digamma(x):
    """psi(x) = d/dx log Gamma(x): reflection for x < 0.5, recurrence up to 10, then asymptotics.

    psi(x) ~ ln x - 1/(2x) - sum_k B_2k / (2k x^2k); at x >= 10 seven terms reach double
    precision. Near 0 psi(x) ~ -1/x, so psi(+0) = -inf and psi(-0) = +inf.
    """
    if x != x or x == -inf:
        return nan
    if x == inf:
        return inf
    if x == 0:
        return math.copysign(inf, -x)
    if x < 0 and x == math.floor(x):
        return nan
    if x < 0.5:
        return digamma(1.0 - x) - math.pi / math.tan(math.pi * x)
    result = 0.0
    while x < 10.0:
        result -= 1.0 / x
        x += 1.0
    f = 1.0 / (x * x)
    series = f * (1 / 12 - f * (1 / 120 - f * (1 / 252 - f * (1 / 240 - f * (
        1 / 132 - f * (691 / 32760 - f / 12))))))
    return result + math.log(x) - 0.5 / x - series


def sinc(x):
    """sin(pi x) / (pi x), and 1 at x = 0; sinc(±inf) = NaN, as sin(inf) / inf is in PyTorch."""
    if x == 0:
        return 1.0
    if math.isinf(x):
        return nan
    px = math.pi * x
    return sin(px) / px


def _keep_zero_sign(result: float, x: float) -> float:
    """C's rounding functions keep the sign of a zero result: floor(-0.0) = ceil(-0.5) = -0.0."""
    return math.copysign(0.0, x) if result == 0 else result


def round_half_even(x, decimals=0):
    """Round to `decimals` places, ties to even (PyTorch's round; round(-0.4) = -0.0).

    As in PyTorch, decimals > 0 computes nearbyint(x * 10^d) / 10^d and decimals < 0
    computes nearbyint(x / 10^-d) * 10^-d.
    """
    if x != x or math.isinf(x):
        return x
    if decimals == 0:
        return _keep_zero_sign(float(round(x)), x)
    scale = 10.0 ** abs(decimals)
    if decimals > 0:
        scaled = x * scale
        if math.isinf(scaled):
            return scaled / scale
        return _keep_zero_sign(float(round(scaled)), x) / scale
    return _keep_zero_sign(float(round(x / scale)), x) * scale


def floor(x):
    return x if (x != x or math.isinf(x)) else _keep_zero_sign(float(math.floor(x)), x)


def ceil(x):
    return x if (x != x or math.isinf(x)) else _keep_zero_sign(float(math.ceil(x)), x)


def trunc(x):
    return x if (x != x or math.isinf(x)) else _keep_zero_sign(float(math.trunc(x)), x)


def float_pow(a, b):
    """a ** b for floats with C's special cases (pow(0, -1) = inf, pow(-8, 1/3) = NaN)."""
    if b == 0:
        return 1.0
    if a == 1:
        return 1.0
    if a != a or b != b:
        return nan
    try:
        return math.pow(a, b)
    except OverflowError:
        negative = a < 0 and float(b).is_integer() and int(b) % 2 == 1
        return -inf if negative else inf
    except (ValueError, ZeroDivisionError):
        if a == 0:
            odd = float(b).is_integer() and int(b) % 2 == 1
            return math.copysign(inf, a) if odd else inf
        return nan


def int_pow(a: int, b: int) -> int:
    """Integer power, wrapped to 64 bits (the output dtype then wraps to its width).

    A negative exponent gives 0, except 1 ** b = 1 and (-1) ** b = ±1, as PyTorch's powi does
    for tensor exponents; `torsh.pow(int_tensor, -2)` with a Python exponent raises instead
    (see ops/binary.py).
    """
    if b < 0:
        if a == 1:
            return 1
        if a == -1:
            return 1 if b % 2 == 0 else -1
        return 0
    return pow(a, b, 1 << 64)


def _check_int_divisor(b: int) -> None:
    if b == 0:
        raise RuntimeError("ZeroDivisionError")


def _int_trunc_div(a: int, b: int) -> int:
    """C's integer a / b: the quotient rounded toward zero."""
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b >= 0) else -q


def _fmod(a: float, b: float) -> float:
    """C's fmod with IEEE specials: NaN for x % 0 and inf % y, x for x % inf."""
    if b == 0 or a != a or b != b or math.isinf(a):
        return nan
    if math.isinf(b):
        return float(a)
    return math.fmod(a, b)


def fmod(a, b):
    """C's fmod: a - trunc(a / b) * b, the sign of the dividend; integer b = 0 raises."""
    if isinstance(a, int) and isinstance(b, int):
        _check_int_divisor(b)
        return a - b * _int_trunc_div(a, b)
    return _fmod(a, b)


def remainder(a, b):
    """a - floor(a / b) * b, the sign of the divisor: PyTorch's fmod(a, b), plus b when the
    two differ in sign (so remainder(0.0, -1) = 0.0 and remainder(-1, inf) = inf)."""
    if isinstance(a, int) and isinstance(b, int):
        _check_int_divisor(b)
        return a % b
    r = _fmod(a, b)
    if r != 0 and (b < 0) != (r < 0):
        r += b
    return r


def floor_divide(a, b):
    """floor(a / b), as PyTorch's div_floor: (a - fmod(a, b)) / b, corrected by one when the
    remainder's sign differs from b's, then rounded to the nearest integer; x // 0 is x / 0.

    So inf // 1 = NaN (fmod(inf, 1) is NaN) and a zero quotient takes the sign of a / b.
    Integer division by zero raises.
    """
    if isinstance(a, int) and isinstance(b, int):
        _check_int_divisor(b)
        return a // b
    if b == 0:
        return divide(a, b)
    mod = _fmod(a, b)
    quotient = divide(a - mod, b)
    if mod != 0 and (b < 0) != (mod < 0):
        quotient -= 1.0
    if quotient == 0:
        return math.copysign(0.0, divide(a, b))
    if quotient != quotient or math.isinf(quotient):
        return quotient
    result = float(math.floor(quotient))
    return result + 1.0 if quotient - result > 0.5 else result


def trunc_divide(a, b):
    """a / b rounded toward zero; integer division by zero raises."""
    if isinstance(a, int) and isinstance(b, int):
        _check_int_divisor(b)
        return _int_trunc_div(a, b)
    return trunc(divide(a, b))


def maximum(a, b):
    """The larger value; NaN if either is NaN. Signed zeros are not ordered: on a tie the
    result is b, as PyTorch's vectorised max gives (maximum(0.0, -0.0) = -0.0)."""
    if a != a or b != b:
        return nan
    return a if a > b else b


def minimum(a, b):
    """The smaller value; NaN if either is NaN; on a tie b (minimum(-0.0, 0.0) = 0.0)."""
    if a != a or b != b:
        return nan
    return a if a < b else b


def fmax(a, b):
    """The larger value, ignoring a NaN operand; on a tie a (C's fmax: fmax(-0.0, 0.0) = -0.0)."""
    if a != a:
        return b
    if b != b:
        return a
    return b if b > a else a


def fmin(a, b):
    """The smaller value, ignoring a NaN operand; on a tie a."""
    if a != a:
        return b
    if b != b:
        return a
    return b if b < a else a


def atan2(a, b):
    if a != a or b != b:
        return nan
    return math.atan2(a, b)


def hypot(a, b):
    if math.isinf(a) or math.isinf(b):
        return inf
    return math.hypot(a, b)


def logaddexp(a, b):
    """log(e^a + e^b) = max + log1p(e^-(|a - b|)); equal infinities give that infinity."""
    if a != a or b != b:
        return nan
    if a == b and math.isinf(a):
        return a
    m = max(a, b)
    return m + math.log1p(exp(-abs(a - b)))


def logaddexp2(a, b):
    """log2(2^a + 2^b) = max + log1p(2^-|a - b|) * (1 / ln 2), fused as PyTorch's fma computes
    it, so logaddexp2(-1, -1) = -4.76e-17 rather than 0 (in float64)."""
    if a != a or b != b:
        return nan
    if a == b and math.isinf(a):
        return a
    m = max(a, b)
    return add_scaled(m, math.log1p(exp2(-abs(a - b))), 1 / math.log(2))


def xlogy(x, y):
    """x * log(y), and 0 where x == 0 (unless y is NaN)."""
    if y != y:
        return nan
    if x == 0:
        return 0.0
    return x * log(y)


def copysign(a, b):
    return math.copysign(a, b)


def heaviside(x, value):
    """0 for x < 0, `value` at x == 0, 1 for x > 0; heaviside(NaN) = 0, as PyTorch computes
    `x == 0 ? value : x > 0`."""
    return value if x == 0 else int(x > 0)


def nan_to_num(x, nan_value, posinf, neginf):
    if x != x:
        return nan_value
    if x == inf:
        return posinf
    if x == -inf:
        return neginf
    return x


_SPLITTER = 134217729.0        # 2**27 + 1: splits a double into two 26-bit halves


def _halves(a: float) -> tuple:
    """a = high + low exactly, each with at most 26 significant bits (Veltkamp)."""
    scaled = _SPLITTER * a
    high = scaled - (scaled - a)
    return high, a - high


def _product_error(a: float, b: float, product: float) -> float:
    """a * b - product, exactly, for product = fl(a * b) (Dekker's two-product)."""
    a_high, a_low = _halves(a)
    b_high, b_low = _halves(b)
    return ((a_high * b_high - product) + a_high * b_low + a_low * b_high) + a_low * b_low


def add_scaled(x, y, alpha):
    """x + alpha * y with a single rounding, as PyTorch's fused multiply-add computes it.

    Integers (and bools) are exact in Python; finite floats go through exact fractions, so
    1.0 - 3 * 1e30 is -3e30 and not the double-rounded -3.0000000000000003e30.
    """
    if alpha in (1, -1) or isinstance(x, int) and isinstance(y, int):   # alpha * y exact
        return x + alpha * y
    product = alpha * y
    if 1e-250 < abs(product) < 1e290 and abs(alpha) < 1e290 and abs(y) < 1e290 \
            and math.isfinite(x):
        # The fast road: alpha * y = product + error exactly (Dekker), and fsum rounds once.
        total = math.fsum((x, product, _product_error(alpha, y, product)))
        if total != 0:
            return total
    if math.isfinite(x) and math.isfinite(y) and math.isfinite(alpha):
        exact = Fraction(x) + Fraction(alpha) * Fraction(y)
        if exact != 0:   # a zero keeps IEEE's sign rule: -0.0 + -0.0 = -0.0
            try:
                return float(exact)
            except OverflowError:
                pass
    return x + alpha * y


def lerp(start, end, weight):
    """start + weight * (end - start), from the nearer end for accuracy (PyTorch's form):
    end - (end - start) * (1 - weight) when |weight| >= 0.5, so lerp(a, b, 1) = b exactly."""
    if abs(weight) < 0.5:
        return start + weight * (end - start)
    return end - (end - start) * (1 - weight)


# nextafter needs the dtype's bit layout: the next float32 after 1 is not the next double.
_LAYOUTS = {"float64": ("d", "q"), "float32": ("f", "i"), "float16": ("e", "h")}
_SMALLEST_SUBNORMAL = {"float64": 5e-324, "float32": 2.0 ** -149, "float16": 2.0 ** -24,
                       "bfloat16": 2.0 ** -133}


def next_after(x: float, y: float, dtype_name: str) -> float:
    """The next value of dtype `dtype_name` after x towards y: one step of the bit pattern
    (x's magnitude grows when y is farther from 0), from ±0 the smallest subnormal."""
    if x != x or y != y:
        return nan
    if x == y:
        return y
    if x == 0:
        return math.copysign(_SMALLEST_SUBNORMAL[dtype_name], y)
    bits = _to_bits(x, dtype_name)
    bits += 1 if (y > x) == (x > 0) else -1
    return _from_bits(bits, dtype_name)


def _to_bits(x: float, dtype_name: str) -> int:
    if dtype_name == "bfloat16":   # the upper half of a float32
        return struct.unpack("<i", struct.pack("<f", x))[0] >> 16
    real, integer = _LAYOUTS[dtype_name]
    return struct.unpack("<" + integer, struct.pack("<" + real, x))[0]


def _from_bits(bits: int, dtype_name: str) -> float:
    if dtype_name == "bfloat16":
        return struct.unpack("<f", struct.pack("<i", bits << 16))[0]
    real, integer = _LAYOUTS[dtype_name]
    return struct.unpack("<" + real, struct.pack("<" + integer, bits))[0]
