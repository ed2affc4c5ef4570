"""Scalar functions with IEEE-754 special values: the table elementwise ops are built from.

Python's `math` raises where IEEE arithmetic returns a value (`math.log(0)`, `1.0 / 0.0`,
`math.exp(1000)`); these wrappers return what C and PyTorch return instead: ±inf at poles and
on overflow, NaN outside the domain, NaN in -> NaN out. Every function takes and returns
Python floats; integer-valued helpers say so.
"""
from __future__ import annotations

import math

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
    """psi(x) = d/dx log Gamma(x): reflection for x < 0.5, recurrence up to 6, then asymptotics."""
    if x != x or x == -inf:
        return nan
    if x == inf:
        return inf
    if x == 0:
        return math.copysign(inf, -x) if math.copysign(1.0, x) > 0 else inf
    if x < 0 and x == math.floor(x):
        return nan
    if x < 0.5:
        return digamma(1.0 - x) - math.pi / math.tan(math.pi * x)
    result = 0.0
    while x < 6.0:
        result -= 1.0 / x
        x += 1.0
    f = 1.0 / (x * x)
    series = f * (1 / 12 - f * (1 / 120 - f * (1 / 252 - f * (1 / 240 - f / 132))))
    return result + math.log(x) - 0.5 / x - series


def sinc(x):
    """sin(pi x) / (pi x), and 1 at x = 0."""
    if x == 0:
        return 1.0
    if math.isinf(x):
        return 0.0
    px = math.pi * x
    return sin(px) / px


def round_half_even(x, decimals=0):
    """Round to `decimals` places, ties to even (PyTorch's round)."""
    if x != x or math.isinf(x):
        return x
    if decimals == 0:
        return float(round(x)) if x == x else x
    scale = 10.0 ** decimals
    scaled = x * scale
    if math.isinf(scaled):
        return x
    return float(round(scaled)) / scale


def floor(x):
    return x if (x != x or math.isinf(x)) else float(math.floor(x))


def ceil(x):
    return x if (x != x or math.isinf(x)) else float(math.ceil(x))


def trunc(x):
    return x if (x != x or math.isinf(x)) else float(math.trunc(x))


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
    """Integer power; PyTorch rejects negative exponents except for bases 1 and -1."""
    if b < 0:
        if a == 1:
            return 1
        if a == -1:
            return 1 if b % 2 == 0 else -1
        raise RuntimeError("Integers to negative integer powers are not allowed.")
    return a ** b


def fmod(a, b):
    """C's fmod: the remainder with the sign of the dividend."""
    if isinstance(a, int) and isinstance(b, int):
        if b == 0:
            raise RuntimeError("ZeroDivisionError")
        return int(math.fmod(a, b)) if abs(a) < 2 ** 52 else a - b * int(a / b)
    if b == 0 or a != a or b != b or math.isinf(a):
        return nan
    if math.isinf(b):
        return float(a)
    return math.fmod(a, b)


def remainder(a, b):
    """Python's modulus: the remainder with the sign of the divisor (PyTorch's remainder)."""
    if isinstance(a, int) and isinstance(b, int):
        if b == 0:
            raise RuntimeError("ZeroDivisionError")
        return a % b
    if b == 0 or a != a or b != b or math.isinf(a):
        return nan
    if math.isinf(b):
        return float(a) if (a >= 0) == (b > 0) or a == 0 else b
    r = math.fmod(a, b)
    if r != 0 and (r < 0) != (b < 0):
        r += b
    return r if r != 0 else math.copysign(0.0, b)


def floor_divide(a, b):
    """floor(a / b); integers raise on division by zero as PyTorch does."""
    if isinstance(a, int) and isinstance(b, int):
        if b == 0:
            raise RuntimeError("ZeroDivisionError")
        return a // b
    if b == 0:
        return divide(a, b)
    q = divide(a, b)
    if q != q or math.isinf(q):
        return q
    # Python's // on floats already follows floor((a - fmod(a, b)) / b), as PyTorch's div_floor.
    try:
        return a // b
    except (ZeroDivisionError, OverflowError):
        return floor(q)


def trunc_divide(a, b):
    if isinstance(a, int) and isinstance(b, int):
        if b == 0:
            raise RuntimeError("ZeroDivisionError")
        q = abs(a) // abs(b)
        return q if (a >= 0) == (b >= 0) else -q
    return trunc(divide(a, b))


def maximum(a, b):
    """Larger value; NaN if either is NaN."""
    if a != a or b != b:
        return nan
    return a if a > b or (a == b and math.copysign(1, a) > 0) else b


def minimum(a, b):
    if a != a or b != b:
        return nan
    return a if a < b or (a == b and math.copysign(1, a) < 0) else b


def fmax(a, b):
    """Larger value, ignoring a NaN operand."""
    if a != a:
        return b
    if b != b:
        return a
    return maximum(a, b)


def fmin(a, b):
    if a != a:
        return b
    if b != b:
        return a
    return minimum(a, b)


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
    if a != a or b != b:
        return nan
    if a == b and math.isinf(a):
        return a
    m = max(a, b)
    return m + math.log1p(exp2(-abs(a - b))) / math.log(2)


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
    """0 for x < 0, `value` at x == 0, 1 for x > 0; NaN stays NaN."""
    if x != x:
        return x
    return value if x == 0 else int(x > 0)


def nan_to_num(x, nan_value, posinf, neginf):
    if x != x:
        return nan_value
    if x == inf:
        return posinf
    if x == -inf:
        return neginf
    return x
