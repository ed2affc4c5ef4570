"""Unary elementwise ops: every op over typical values, its domain, special values, every
dtype it accepts, non-contiguous layouts and 0-d / empty shapes."""
from . import ALL, FLOATS, INTS, A, Case

# op -> (domain of typical inputs, dtypes it accepts)
FLOAT_FUNCTIONS = {
    "exp": "normal", "exp2": "normal", "expm1": "normal", "log": "positive",
    "log2": "positive", "log10": "positive", "log1p": "positive", "sqrt": "positive",
    "rsqrt": "positive", "reciprocal": "nonzero", "sin": "normal", "cos": "normal",
    "tan": "unit", "asin": "unit", "acos": "unit", "atan": "normal", "sinh": "normal",
    "cosh": "normal", "tanh": "normal", "asinh": "normal", "acosh": "positive_gt1",
    "atanh": "unit", "sigmoid": "normal", "erf": "normal", "erfc": "normal",
    "erfinv": "unit", "lgamma": "positive", "digamma": "positive", "sinc": "nonzero",
    "deg2rad": "normal", "rad2deg": "normal",
}
SAME_DTYPE = {"abs": "nonzero", "neg": "normal", "sign": "normal", "sgn": "normal",
              "square": "normal", "floor": "normal", "ceil": "normal", "trunc": "normal",
              "frac": "normal", "relu": "nonzero", "positive": "normal"}
PREDICATES = ["isnan", "isinf", "isposinf", "isneginf", "isfinite", "isreal", "signbit",
              "logical_not"]

CASES = []
for op, domain in FLOAT_FUNCTIONS.items():
    if domain == "positive_gt1":
        typical = A(2, 3, values=[1.5, 2.0, 3.25, 1.1, 7.0, 1.01])
    else:
        typical = A(2, 3, domain=domain)
    CASES += [
        Case(op, (typical,), dtypes=FLOATS + INTS),
        Case(op, (A(3, 2, domain=domain if domain != "positive_gt1" else "positive",
                    layout="transposed"),), name="transposed", dtypes=("float32",)),
        Case(op, (A(4, domain="special"),), name="special", grad=False, dtypes=FLOATS),
        Case(op, (A(domain=domain if domain != "positive_gt1" else "positive"),),
             name="zero_dim", dtypes=("float64",)),
        Case(op, (A(0, 3),), name="empty", dtypes=("float32",)),
    ]
for op, domain in SAME_DTYPE.items():
    accepts = [d for d in ALL if not (d == "bool" and op in ("neg", "abs", "positive"))]
    CASES += [
        Case(op, (A(2, 3, domain=domain),), dtypes=tuple(accepts),
             grad=op not in ("floor", "ceil", "trunc", "sign", "sgn")),
        Case(op, (A(3, 4, domain=domain, layout="strided"),), name="strided",
             dtypes=("float64",), grad=op not in ("sign", "sgn")),
        Case(op, (A(4, domain="special"),), name="special", grad=False, dtypes=FLOATS),
    ]
for op in PREDICATES:
    CASES += [Case(op, (A(2, 3),), dtypes=ALL),
              Case(op, (A(4, domain="special"),), name="special", dtypes=FLOATS)]
CASES += [
    Case("bitwise_not", (A(2, 3),), dtypes=INTS + ("bool",)),
    Case("bitwise_not", (A(2),), name="float", dtypes=("float32",)),
    Case("neg", (A(2),), name="bool", dtypes=("bool",)),
    Case("round", (A(2, 3, domain="small"),), dtypes=FLOATS),
    Case("round", (A(5, values=[0.5, 1.5, 2.5, -0.5, -2.5]),), name="ties_to_even",
         dtypes=FLOATS, grad=False),
    Case("round", (A(2, 3),), kwargs={"decimals": 2}, name="decimals", dtypes=("float64",)),
    Case("nan_to_num", (A(6, domain="special"),), dtypes=FLOATS),
    Case("nan_to_num", (A(6, domain="special"),), kwargs={"nan": 1.0, "posinf": 2.0,
                                                          "neginf": -2.0}, name="values",
         dtypes=("float64",)),
    Case("logit", (A(2, 3, values=[0.1, 0.3, 0.5, 0.7, 0.9, 0.25]),), dtypes=FLOATS),
    Case("logit", (A(3, values=[0.0, 1.0, 0.5]),), kwargs={"eps": 0.1}, name="eps",
         dtypes=("float64",)),
    Case("clamp", (A(2, 3),), kwargs={"min": -0.5, "max": 0.5}, dtypes=FLOATS + INTS),
    Case("clamp", (A(2, 3), A(3), A(2, 1)), name="tensor_bounds", dtypes=("float64",)),
    Case("clamp", (A(4, domain="special"),), kwargs={"min": 0.0}, name="special",
         dtypes=FLOATS, grad=False),
    Case("clamp_min", (A(2, 3),), kwargs={"min": 0.1}, dtypes=("float32", "int64")),
    Case("clamp_max", (A(2, 3),), kwargs={"max": 0.1}, dtypes=("float32", "int64")),
]
