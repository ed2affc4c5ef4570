"""Binary elementwise ops: every op of torsh/ops/binary.py over typical values, broadcasting,
0-d and empty shapes, non-contiguous layouts, every dtype (rejected ones as errors), Python
scalars and tensors of other dtypes (type promotion is part of each op's meaning), a table of
special values against special values, integer overflow, division by zero and error cases."""
from ..tolerances import GRAD_FACTOR, VS_PYTORCH
from . import ALL, FLOATS, GRAD_DTYPES, INTS, A, Case

INF, NAN = float("inf"), float("nan")
F64 = ("float64",)
# the special values crossed with each other: a (1, 10) row against a (10, 1) column
SPECIALS = [0.0, -0.0, 1.0, -1.0, 0.5, -2.5, 3.0, INF, -INF, NAN]
# (tiny, huge, subnormal, ...) against partners that make them interesting
EXTREMES = [1e-40, -1e30, 100.0, 1e-3, 3e38, -3e38, 65504.0, 1e-310, 7.0, -7.0, 0.0, -0.0]
PARTNERS = [2.0, 1e30, -1e-3, 1e-40, 2.0, 3e38, 2.0, -1e-310, 1e-40, INF, -0.0, 5.0]
OTHER_DTYPES = ("float64", "float16", "bfloat16", "int64", "uint8", "int8", "bool")


def mixed(op, args, kwargs, name, grad, partner):
    """Cases of `op` over every dtype whose second operand has dtype `partner`.

    Where a float32/float64 case meets a float partner of another precision, PyTorch's
    backward computes partly in the less precise of the two (it saves the unpromoted inputs),
    so those cases compare at that precision's gradient tolerance.
    """
    if not grad or partner not in FLOATS:
        return [Case(op, args, kwargs, name=name, dtypes=ALL, grad=grad)]
    cases = [Case(op, args, kwargs, name=name, dtypes=tuple(d for d in ALL
                                                          if d not in GRAD_DTYPES), grad=grad)]
    for dtype in GRAD_DTYPES:
        rtol = atol = None
        if dtype != partner:
            coarser = max(dtype, partner, key=lambda d: VS_PYTORCH[d][0])
            rtol, atol = (GRAD_FACTOR * t for t in VS_PYTORCH[coarser])
        cases.append(Case(op, args, kwargs, name=name, dtypes=(dtype,), grad=grad, rtol=rtol,
                          atol=atol, note="mixed precision: PyTorch's backward runs partly in "
                                          "the coarser dtype" if rtol else ""))
    return cases


def battery(op, a="normal", b="normal", grad=True, dtypes=ALL, scalars=(3, 2.5, True),
            specials=True, kwargs=None, promotion=OTHER_DTYPES[:4] + ("bool",),
            bool_grad=True):
    """The standard cases of a binary op: its operands drawn from domains `a` and `b`."""
    kw = kwargs or {}
    floats = tuple(d for d in FLOATS if d in dtypes) or ("float32",)
    some_int = next((d for d in ("int32", "int64") if d in dtypes), "int64")
    cases = [
        Case(op, (A(2, 3, domain=a), A(2, 3, domain=b)), kw, dtypes=ALL, grad=grad),
        Case(op, (A(2, 1, 3, domain=a), A(4, 1, domain=b)), kw, name="broadcast",
             dtypes=("float64", some_int), grad=grad),
        Case(op, (A(3, domain=a), A(2, 1, domain=b)), kw, name="broadcast_both",
             dtypes=("float32",), grad=grad),
        Case(op, (A(domain=a), A(domain=b)), kw, name="zero_dim", dtypes=("float64", some_int),
             grad=grad),
        Case(op, (A(2, 3, domain=a), A(domain=b)), kw, name="with_zero_dim",
             dtypes=("float32",), grad=grad),
        Case(op, (A(domain=a), A(3, domain=b)), kw, name="zero_dim_first",
             dtypes=("float32",), grad=grad),
        Case(op, (A(0, 3, domain=a), A(3, domain=b)), kw, name="empty",
             dtypes=("float32", some_int), grad=grad),
        Case(op, (A(3, 4, domain=a, layout="transposed"), A(3, 4, domain=b, layout="strided")),
             kw, name="noncontiguous", dtypes=("float64", some_int), grad=grad),
        Case(op, (A(2, 3, domain=a, layout="expanded"), A(2, 3, domain=b, layout="offset")),
             kw, name="expanded_offset", dtypes=("float32",), grad=grad),
        Case(op, (A(2, 3, domain=a), A(4, domain=b)), kw, name="shape_mismatch",
             dtypes=("float32",), error="RuntimeError"),
    ]
    for kind, value in zip(("int", "float", "bool"), scalars):
        if value is not None:
            cases.append(Case(op, (A(2, 3, domain=a), value), kw, name=f"scalar_{kind}",
                              dtypes=ALL, grad=grad))
    for other in promotion:
        # PyTorch's pow/logaddexp backward subtracts the bool exponent and raises
        cases += mixed(op, (A(2, 3, domain=a), A(3, domain=b, dtype=other)), kw,
                       f"with_{other}", grad and (bool_grad or other != "bool"), other)
    if specials:
        cases += [
            Case(op, (A(1, 10, values=SPECIALS), A(10, 1, values=SPECIALS)), kw,
                 name="special_table", dtypes=floats, grad=grad),
            Case(op, (A(12, values=EXTREMES), A(12, values=PARTNERS)), kw, name="extremes",
                 dtypes=floats, grad=grad),
        ]
    return cases


def full_promotion(op, a="normal", b="normal", grad=True):
    """Every dtype against every dtype, as a dimensioned and as a 0-d partner."""
    cases = []
    for other in ALL:
        if other not in OTHER_DTYPES[:4] + ("bool",):
            cases += mixed(op, (A(2, 3, domain=a), A(3, domain=b, dtype=other)), {},
                           f"with_{other}", grad, other)
        cases += mixed(op, (A(2, 3, domain=a), A(domain=b, dtype=other)), {},
                       f"with_0d_{other}", grad, other)
        cases += mixed(op, (A(domain=a), A(3, domain=b, dtype=other)), {},
                       f"0d_with_{other}", grad, other)
    return cases


def per_int_dtype(op, name, values_by_dtype, kwargs=None, grad=False):
    """One case per integer dtype with explicit (e.g. overflowing) operands."""
    return [Case(op, (A(len(x), values=x), A(len(y), values=y)), kwargs or {},
                 name=f"{name}_{dtype}", dtypes=(dtype,), grad=grad)
            for dtype, (x, y) in values_by_dtype.items()]


MAXES = {"int8": 127, "int16": 2 ** 15 - 1, "int32": 2 ** 31 - 1, "int64": 2 ** 63 - 1,
         "uint8": 255}


def _edges(dtype):
    top = MAXES[dtype]
    low = 0 if dtype == "uint8" else -top - 1
    return top, low


CASES = []

# -- arithmetic
CASES += battery("add") + full_promotion("add") + [
    Case("add", (A(2, 3), A(2, 3)), {"alpha": 2.5}, name="alpha_float", dtypes=FLOATS),
    Case("add", (A(2, 3), A(2, 3)), {"alpha": -3}, name="alpha_int", dtypes=ALL[:-1]),
    Case("add", (A(2, 3), A(2, 3)), {"alpha": 0.5}, name="alpha_float_for_int",
         dtypes=("int64", "bool"), error="RuntimeError"),
    Case("add", (A(4), A(4)), {"alpha": True}, name="alpha_bool", dtypes=("bool", "int32")),
    Case("add", (A(2, 3), 2.5), {"alpha": 2}, name="scalar_alpha", dtypes=ALL),
    Case("add", (A(3, values=[1.0, -1e30, 1e-20]), A(3, values=[1e-17, 1e30, 3.0])),
         {"alpha": 3.0}, name="alpha_fused_rounding", dtypes=F64),
    Case("add", (A(4, values=[60000.0, -60000.0, 1.0, 3e38]),
                 A(4, values=[60000.0, -60000.0, 1e-8, 3e38])), name="overflow",
         dtypes=("float16", "float32", "bfloat16")),
    Case("add", (A(3), 2 ** 40), name="scalar_int_wraps", dtypes=INTS),
    Case("add", (A(3), 1e10), name="huge_scalar", dtypes=("float16", "int8")),
    # (a float tensor + 2 ** 63 is +9.2e18 in PyTorch; torsh wraps the scalar to int64 first)
    Case("add", (A(3), 2 ** 63), name="scalar_beyond_int64", dtypes=("int64",)),
    Case("add", (A(3), 2 ** 64), name="scalar_beyond_uint64", dtypes=("int64", "float32"),
         error="OverflowError"),
    Case("add", (A(3), -2 ** 63 - 1), name="scalar_below_int64", dtypes=("int64",),
         error="OverflowError"),
]
CASES += per_int_dtype("add", "overflow", {
    d: ([_edges(d)[0], _edges(d)[1], 1], [1, -1 if d != "uint8" else 255, _edges(d)[0]])
    for d in INTS})
CASES += battery("sub") + [
    Case("sub", (A(2, 3), A(2, 3)), {"alpha": 2.5}, name="alpha_float", dtypes=FLOATS),
    Case("sub", (A(2, 3), A(2, 3)), {"alpha": 2}, name="alpha_int", dtypes=INTS + FLOATS),
    Case("sub", (A(2, 3), A(2, 3)), {"alpha": 1.5}, name="alpha_float_for_int",
         dtypes=("int32",), error="RuntimeError"),
    Case("sub", (A(3), True), name="int_minus_true", dtypes=("int64", "float32"),
         error="RuntimeError"),
    Case("sub", (A(3, values=[0, 1, 5]), A(3, values=[1, 2, 255])), name="uint8_wraps",
         dtypes=("uint8",)),
    Case("sub", (A(3, values=[-0.0, 0.0, -0.0]), A(3, values=[0.0, 0.0, -0.0])),
         name="signed_zeros", dtypes=FLOATS),
]
CASES += per_int_dtype("sub", "overflow", {
    d: ([_edges(d)[1], _edges(d)[0], 0], [1, -1 if d != "uint8" else 1, 1]) for d in INTS})
CASES += [Case("subtract", (A(2, 3), A(2, 3)), dtypes=("float32", "int64"))]
CASES += [
    Case("rsub", (A(2, 3), A(2, 3)), dtypes=ALL),
    Case("rsub", (A(2, 3), A(3)), {"alpha": 2}, name="alpha", dtypes=("float64", "int64")),
    Case("rsub", (A(2, 3), 2.5), name="scalar_float", dtypes=ALL),
    Case("rsub", (A(2, 3), 4), {"alpha": 3}, name="scalar_int_alpha", dtypes=ALL),
    Case("rsub", (A(2, 1), A(3)), name="broadcast", dtypes=("float64",)),
]
CASES += battery("mul") + [
    Case("multiply", (A(2, 3), A(2, 3)), dtypes=("float32", "int64")),
    Case("mul", (A(4, values=[1e30, -0.0, 1e-30, INF]), A(4, values=[1e30, 5.0, 1e-30, 0.0])),
         name="overflow_underflow", dtypes=FLOATS),
]
CASES += per_int_dtype("mul", "overflow", {
    d: ([_edges(d)[0], _edges(d)[1], 2 ** (MAXES[d].bit_length() // 2 + 1)],
        [2, -1 if d != "uint8" else 3, 2 ** (MAXES[d].bit_length() // 2 + 1)]) for d in INTS})
CASES += battery("div", b="nonzero") + full_promotion("div", b="nonzero") + [
    Case("true_divide", (A(2, 3), A(2, 3, domain="nonzero")), dtypes=("float32", "int64")),
    Case("divide", (A(2, 3), A(2, 3, domain="nonzero")), dtypes=("float32", "int64")),
    Case("div", (A(4, values=[1, -1, 0, 3]), A(4, values=[0, 0, 0, 0])), name="by_zero",
         dtypes=ALL),
    Case("div", (A(4, values=[1, -1, 0, 3]), 0), name="by_python_zero", dtypes=ALL),
    Case("div", (A(4, values=[1.0, -1.0, 0.0, NAN]), A(4, values=[-0.0, -0.0, -0.0, 0.0])),
         name="by_negative_zero", dtypes=FLOATS),
]
for mode in ("trunc", "floor"):
    kw = {"rounding_mode": mode}
    CASES += [
        Case("div", (A(2, 3), A(2, 3, domain="nonzero")), kw, name=f"{mode}", dtypes=ALL),
        Case("div", (A(2, 1, 3), A(4, 1, domain="nonzero")), kw, name=f"{mode}_broadcast",
             dtypes=("float64", "int32")),
        Case("div", (A(6, values=[7, -7, 7, -7, 0, 5]), A(6, values=[2, 2, -2, -2, 3, 5])), kw,
             name=f"{mode}_signs", dtypes=ALL[:-1]),
        Case("div", (A(2, 3), 2), kw, name=f"{mode}_scalar_int", dtypes=ALL),
        Case("div", (A(2, 3), -1.5), kw, name=f"{mode}_scalar_float", dtypes=ALL),
        Case("div", (A(3), A(3, dtype="float64", domain="nonzero")), kw,
             name=f"{mode}_with_float64", dtypes=("int64", "float16")),
        Case("div", (A(4, values=[1, -1, 0, 3]), A(4, values=[0, 0, 0, 0])), kw,
             name=f"{mode}_by_zero", dtypes=ALL[:-1]),
        Case("div", (A(1, 10, values=SPECIALS), A(10, 1, values=SPECIALS)), kw,
             name=f"{mode}_special_table", dtypes=FLOATS),
    ]
CASES += [
    Case("div", (A(2, 3), A(2, 3)), {"rounding_mode": "round"}, name="bad_rounding_mode",
         dtypes=("float32",), error="ValueError"),
    Case("Tensor.div_", (A(2, 3, grad=False), A(2, 3, domain="nonzero")),
         {"rounding_mode": "floor"}, name="inplace_floor", dtypes=("float64", "int64")),
    Case("Tensor.div_", (A(2, 3, grad=False), A(2, 3, domain="nonzero")), name="inplace_int",
         dtypes=("int64",), error="RuntimeError"),
]
for op in ("floor_divide", "remainder", "fmod"):
    CASES += battery(op, b="nonzero", grad=op != "floor_divide", scalars=(3, -1.5, True)) + [
        Case(op, (A(6, values=[7, -7, 7, -7, 0, 5]), A(6, values=[2, 2, -2, -2, 3, 5])),
             name="signs", dtypes=ALL[:-1], grad=op != "floor_divide"),
        Case(op, (A(6, values=[5.5, -5.5, 5.5, -5.5, 0.25, -0.0]),
                  A(6, values=[2.0, 2.0, -2.0, -2.0, -0.5, 3.0])),
             name="fractional", dtypes=FLOATS, grad=op != "floor_divide"),
        Case(op, (A(4, values=[1, -1, 0, 3]), A(4, values=[0, 0, 0, 0])), name="by_zero",
             dtypes=ALL[:-1], grad=op != "floor_divide"),
        Case(op, (A(3), 0), name="by_python_zero", dtypes=("int64", "float32"),
             grad=op != "floor_divide"),
        Case(op, (A(3, values=[-128, 127, -128]), A(3, values=[-1, -1, 3])),
             name="int8_min_by_minus_one", dtypes=("int8",)),
    ]
CASES += [
    Case("remainder", (A(4, values=[-1.0, 1.0, -0.0, 3.0]), A(4, values=[INF, -INF, -1.0, INF])),
         name="infinite_divisor", dtypes=FLOATS),
    Case("Tensor.floor_divide_", (A(2, 3, grad=False), 2), name="inplace", dtypes=("int64",)),
]

# -- powers
CASES += battery("pow", a="positive", scalars=(2, 0.5, True), bool_grad=False) + [
    Case("pow", (A(2, 3, domain="small"), A(2, 3, domain="small")), name="int_exponents",
         dtypes=ALL),
    Case("pow", (A(2, 3), 3), name="negative_base_int_exponent", dtypes=ALL),
    Case("pow", (A(2, 3), -2), name="negative_python_exponent", dtypes=ALL),
    Case("pow", (A(2, 3), 0), name="zero_exponent", dtypes=ALL),
    Case("pow", (A(2, 3), 1.5), name="negative_base_fractional", dtypes=FLOATS),
    Case("pow", (2, A(2, 3)), name="scalar_base", dtypes=ALL),
    Case("pow", (2.5, A(2, 3)), name="float_scalar_base", dtypes=ALL),
    Case("pow", (-1, A(4, domain="small")), name="minus_one_base", dtypes=INTS),
    Case("pow", (A(5, values=[1, -1, 2, 0, 3]), A(5, values=[-3, -3, -1, -2, -1])),
         name="int_negative_exponents", dtypes=("int8", "int32", "int64")),
    Case("pow", (A(4, values=[2, 3, -2, 7]), A(4, values=[7, 5, 63, 22])), name="int_overflow",
         dtypes=INTS[:-1]),
    Case("pow", (A(3, values=[2, 3, 10]), A(3, values=[63, 41, 20])), name="int64_overflow",
         dtypes=("int64",)),
    Case("pow", (A(3), True), name="bool_exponent", dtypes=("bool", "int64")),
    Case("pow", (A(3, values=[0.0, -0.0, 0.0]), A(3, values=[-1.0, -1.0, 0.0])),
         name="zero_base", dtypes=FLOATS),
    Case("pow", (A(2, 3, domain="positive"), A(2, 3)), name="grad_positive_base",
         dtypes=("float64",)),
    Case("pow", (A(3, values=[0.0, 0.0, 2.0]), A(3, values=[2.0, 0.0, 0.0])),
         name="grad_at_zero", dtypes=("float64", "float32")),
    Case("Tensor.pow_", (A(2, 3, grad=False), 2), name="inplace", dtypes=("float32", "int64")),
]
CASES += [
    Case("float_power", (A(2, 3, domain="positive"), A(2, 3)), dtypes=ALL),
    Case("float_power", (A(2, 3), 2), name="scalar_int", dtypes=ALL),
    Case("float_power", (A(2, 3, domain="positive"), 0.5), name="scalar_float", dtypes=ALL),
    Case("float_power", (2, A(2, 3)), name="scalar_base", dtypes=ALL),
    Case("float_power", (A(2, 1, domain="positive"), A(3, dtype="int64")), name="broadcast",
         dtypes=("float32", "float64")),
    Case("float_power", (A(domain="positive"), A(domain="small")), name="zero_dim",
         dtypes=("float32",)),
    Case("float_power", (A(1, 10, values=SPECIALS), A(10, 1, values=SPECIALS)),
         name="special_table", dtypes=("float32", "float64")),
    Case("Tensor.float_power_", (A(3, domain="positive", grad=False), 2.0), name="inplace",
         dtypes=("float64", "float32")),
]

# -- comparisons: computed in the promoted dtype, answered in bool
for op in ("eq", "ne", "lt", "le", "gt", "ge"):
    CASES += battery(op, a="small", b="small", grad=False, scalars=(0, 0.5, True))
# one op per promotion kind sees every dtype pair: add (default), div (int to float), eq (bool)
CASES += full_promotion("eq", a="small", b="small", grad=False)
CASES += [Case(alias, (A(2, 3, domain="small"), A(3, domain="small")), dtypes=("float32",
                                                                                  "int64"))
          for alias in ("not_equal", "less", "less_equal", "greater", "greater_equal")]
CASES += [
    Case("eq", (A(3, values=[16777217, 2 ** 53 + 1, 3]), A(3, values=[16777216.0, 2.0 ** 53,
                                                                      3.0], dtype="float32")),
         name="int_vs_float32", dtypes=("int64",)),
    Case("lt", (A(3, values=[200, 0, 255]), -1), name="uint8_vs_negative", dtypes=("uint8",)),
    Case("gt", (A(3, values=[100, -100, 0]), 1000), name="int8_vs_large", dtypes=("int8",)),
]

# -- extrema
# maximum/minimum of 0.0 and -0.0 depend on PyTorch's kernel path (vectorised: other; scalar
# tail and broadcasts: input): the signed-zero ties are checked on 32 elements, where every
# float dtype runs vectorised, and left out of the special-value tables.
UNSIGNED_SPECIALS = [v for v in SPECIALS if str(v) != "-0.0"]
for op in ("maximum", "minimum", "fmax", "fmin"):
    vectorised = op in ("maximum", "minimum")
    CASES += battery(op, scalars=(None, None, None), specials=not vectorised) + [
        Case(op, (A(32, values=[1.0, 2.0, -1.0, 0.0, -0.0, 3.0, 0.0, -0.0]),
                  A(32, values=[1.0, 3.0, -1.0, -0.0, 0.0, 3.0, 0.0, -0.0])), name="ties",
             dtypes=FLOATS),
        Case(op, (A(3), 2.0), name="python_scalar", dtypes=("float32",), error="TypeError"),
        Case(op, (A(3), A(3, values=[NAN, 1.0, NAN])), name="nan", dtypes=FLOATS),
    ]
    if vectorised:
        CASES += [
            Case(op, (A(1, 9, values=UNSIGNED_SPECIALS), A(9, 1, values=UNSIGNED_SPECIALS)),
                 name="special_table", dtypes=FLOATS),
            Case(op, (A(9, values=EXTREMES[:7] + EXTREMES[8:10]),
                      A(9, values=PARTNERS[:7] + PARTNERS[8:10])), name="extremes",
                 dtypes=FLOATS),
        ]

# -- logical and bitwise
for op in ("logical_and", "logical_or", "logical_xor"):
    CASES += battery(op, a="small", b="small", grad=False, scalars=(None, None, None)) + [
        Case(op, (A(4, values=[NAN, 0.0, -0.0, NAN]), A(4, values=[1.0, NAN, 1.0, 0.0])),
             name="nan_is_true", dtypes=FLOATS),
        Case(op, (A(3), 1), name="python_scalar", dtypes=("int64",), error="TypeError"),
    ]
for op in ("bitwise_and", "bitwise_or", "bitwise_xor"):
    CASES += battery(op, grad=False, scalars=(6, None, True), specials=False,
                     promotion=("int64", "uint8", "int8", "bool", "float32")) + [
        Case(op, (A(3), 2.0), name="python_float", dtypes=("int64",), error="RuntimeError"),
        Case(op, (A(4, values=[-1, -128, 127, 0]), A(4, values=[127, -1, -128, -1])),
             name="signed", dtypes=("int8", "int16", "int64")),
    ]
for op in ("bitwise_left_shift", "bitwise_right_shift"):
    shifts = A(2, 3, values=[0, 1, 2, 3, 4, 5])
    CASES += [
        Case(op, (A(2, 3), shifts), dtypes=ALL, grad=False),
        Case(op, (A(2, 1, 3), A(4, 1, values=[0, 1, 2, 3])), name="broadcast",
             dtypes=("int32",)),
        Case(op, (A(2, 3), 2), name="scalar_int", dtypes=ALL),
        Case(op, (A(2, 3), A(3, values=[1, 2, 3], dtype="uint8")), name="with_uint8",
             dtypes=INTS),
        Case(op, (A(2, 3), A(3, values=[1, 2, 3], dtype="int64")), name="with_int64",
             dtypes=INTS),
        Case(op, (A(3, 4, layout="transposed"), A(3, 4, values=[1, 2], layout="strided")),
             name="noncontiguous", dtypes=("int64",)),
        Case(op, (A(), A(values=[3])), name="zero_dim", dtypes=("int16",)),
        Case(op, (A(0, 2), A(2, values=[1, 2])), name="empty", dtypes=("int64",)),
        Case(op, (A(3), 1.5), name="python_float", dtypes=("int64",), error="RuntimeError"),
    ]
    CASES += per_int_dtype(op, "wide_shifts", {
        d: ([1, -3, _edges(d)[0], _edges(d)[1], 5, -1, 9],
            [d_bits - 1, 2, d_bits, d_bits + 1, 100 % 128, 0, 1])
        for d, d_bits in (("int8", 8), ("int16", 16), ("int32", 32), ("int64", 64),
                          ("uint8", 8))})
    CASES += per_int_dtype(op, "negative_shifts", {
        d: ([5, -5, 1], [-1, -2, -100]) for d in ("int8", "int32", "int64")})

# -- float functions of two arguments
CASES += battery("atan2") + [
    Case("arctan2", (A(2, 3), A(2, 3)), dtypes=("float32", "int64")),
    Case("atan2", (A(3), 1.0), name="python_scalar", dtypes=("float32",), error="TypeError"),
]
for op in ("hypot", "logaddexp", "logaddexp2"):
    CASES += battery(op, scalars=(None, None, None), bool_grad=op == "hypot") + [
        Case(op, (A(3), 1.0), name="python_scalar", dtypes=("float32",), error="TypeError"),
        Case(op, (A(3, values=[1e200, -1e200, 700.0]), A(3, values=[1e200, -1e200, 710.0])),
             name="huge", dtypes=F64),
    ]
CASES += battery("xlogy", b="positive", scalars=(2, 0.5, True)) + [
    Case("xlogy", (A(6, values=[0.0, 0.0, 0.0, 0.0, 2.0, -1.0]),
                   A(6, values=[0.0, -1.0, NAN, INF, 0.0, -1.0])), name="zero_x",
         dtypes=FLOATS),
    Case("xlogy", (A(3, values=[0.0, 0.0, 1.0]), A(3, values=[0.0, 2.0, 0.5])),
         name="grad_at_zero", dtypes=("float64",)),
    Case("xlogy", (2.0, A(3, domain="positive")), name="scalar_x", dtypes=FLOATS + INTS),
]
CASES += battery("copysign", scalars=(-1, -0.0, True)) + [
    Case("copysign", (A(4, values=[1.0, 0.0, -2.0, 0.0]), A(4, values=[-0.0, -1.0, 0.0, 2.0])),
         name="grad_at_zero", dtypes=("float64",)),
]
CASES += [
    Case("heaviside", (A(2, 3, domain="small"), A(2, 3)), dtypes=ALL, grad=False),
    Case("heaviside", (A(2, 1, 3, domain="small"), A(4, 1)), name="broadcast",
         dtypes=("float64", "int32"), grad=False),
    Case("heaviside", (A(domain="small"), A(3)), name="zero_dim_first", dtypes=("float32",),
         grad=False),
    Case("heaviside", (A(0, 3), A(3)), name="empty", dtypes=("float32",), grad=False),
    Case("heaviside", (A(3, 4, domain="small", layout="transposed"),
                       A(3, 4, layout="strided")), name="noncontiguous", dtypes=("float64",),
         grad=False),
    Case("heaviside", (A(1, 10, values=SPECIALS), A(10, 1, values=SPECIALS)),
         name="special_table", dtypes=FLOATS, grad=False),
    Case("heaviside", (A(3), A(3, dtype="float64")), name="mixed_dtypes", dtypes=("float32",),
         error="RuntimeError"),
    Case("heaviside", (A(3), 0.5), name="python_scalar", dtypes=("float32",),
         error="TypeError"),
    Case("heaviside", (A(2, 3), A(4)), name="shape_mismatch", dtypes=("float32",),
         error="RuntimeError"),
]
CASES += battery("nextafter", scalars=(None, None, None)) + [
    Case("nextafter", (A(4, values=[1.0, 1.0, 0.0, -0.0]), A(4, values=[2.0, 0.0, 1.0, -1.0])),
         name="steps", dtypes=FLOATS),
    Case("nextafter", (A(3), 1.0), name="python_scalar", dtypes=("float32",),
         error="TypeError"),
]

# -- closeness
CLOSE_A = [1.0, 1.0, 1.0, INF, INF, NAN, NAN, 0.0, 1e-9, -1.0]
CLOSE_B = [1.0 + 1e-6, 1.0 + 1e-4, 1.1, INF, -INF, NAN, 1.0, 1e-9, 0.0, -1.0]
CASES += [
    Case("isclose", (A(10, values=CLOSE_A), A(10, values=CLOSE_B)), dtypes=FLOATS),
    Case("isclose", (A(10, values=CLOSE_A), A(10, values=CLOSE_B)), {"equal_nan": True},
         name="equal_nan", dtypes=FLOATS),
    Case("isclose", (A(10, values=CLOSE_A), A(10, values=CLOSE_B)),
         {"rtol": 0.2, "atol": 0.0}, name="loose", dtypes=("float32", "float64")),
    Case("isclose", (A(2, 3), A(2, 3)), name="ints", dtypes=INTS + ("bool",)),
    Case("isclose", (A(3, values=[1, 5, 10]), A(3, values=[2, 5, 11])),
         {"rtol": 0.0, "atol": 1}, name="int_atol", dtypes=("int64",)),
    Case("isclose", (A(2, 1), A(3)), name="broadcast", dtypes=("float32",)),
    Case("isclose", (A(2, 3), A(2, 3, dtype="float64")), name="mixed_dtypes",
         dtypes=("float32",), error="RuntimeError"),
    Case("isclose", (A(3), A(3)), {"rtol": -1.0}, name="negative_rtol", dtypes=("float32",),
         error="RuntimeError"),
    Case("allclose", (A(10, values=CLOSE_A[:3] + CLOSE_A[7:]),
                      A(10, values=CLOSE_B[:3] + CLOSE_B[7:])), dtypes=FLOATS),
    Case("allclose", (A(2, 3), A(2, 3)), name="identical", dtypes=ALL),
    Case("allclose", (A(3, values=[1.0, NAN, INF]), A(3, values=[1.0, NAN, INF])),
         {"equal_nan": True}, name="equal_nan", dtypes=FLOATS),
    Case("allclose", (A(2, 3), A(4)), name="shape_mismatch", dtypes=("float32",),
         error="RuntimeError"),
    Case("equal", (A(2, 3), A(2, 3)), dtypes=ALL),
    Case("equal", (A(3, values=[1.0, NAN, 2.0]), A(3, values=[1.0, NAN, 2.0])), name="nan",
         dtypes=FLOATS),
    Case("equal", (A(2, 3), A(3)), name="shapes_differ", dtypes=("float32",)),
    Case("equal", (A(3, values=[1.0, 2.0, 3.0]), A(3, values=[1, 2, 3], dtype="int64")),
         name="mixed_dtypes", dtypes=("float32", "float64")),
    Case("equal", (A(0, 2), A(0, 2)), name="empty", dtypes=("float32",)),
]

# -- in-place methods: computed in the promoted dtype, written into self's dtype (a float
# result into an integer self raises; a comparison writes 0/1 into a float self)
INPLACE_DOMAINS = {
    "add_": ("normal", "normal"), "sub_": ("normal", "normal"), "subtract_": ("normal", "normal"),
    "mul_": ("normal", "normal"), "multiply_": ("normal", "normal"),
    "div_": ("normal", "nonzero"), "divide_": ("normal", "nonzero"),
    "true_divide_": ("normal", "nonzero"), "floor_divide_": ("normal", "nonzero"),
    "remainder_": ("normal", "nonzero"), "fmod_": ("normal", "nonzero"),
    "pow_": ("positive", "small"), "float_power_": ("positive", "normal"),
    "atan2_": ("normal", "normal"), "arctan2_": ("normal", "normal"),
    "hypot_": ("normal", "normal"), "xlogy_": ("normal", "positive"),
    "copysign_": ("normal", "normal"), "heaviside_": ("small", "normal"),
    "nextafter_": ("normal", "normal"), "logical_and_": ("small", "small"),
    "logical_or_": ("small", "small"), "logical_xor_": ("small", "small"),
    "bitwise_and_": ("normal", "normal"), "bitwise_or_": ("normal", "normal"),
    "bitwise_xor_": ("normal", "normal"),
}
INPLACE_DOMAINS.update({f"{op}_": ("small", "small") for op in (
    "eq", "ne", "lt", "le", "gt", "ge", "not_equal", "less", "less_equal", "greater",
    "greater_equal")})
NO_DERIVATIVE = ("floor_divide_", "heaviside_")
for method, (a, b) in INPLACE_DOMAINS.items():
    grad = method not in NO_DERIVATIVE
    CASES += [
        Case(f"Tensor.{method}", (A(2, 3, domain=a, grad=False), A(2, 3, domain=b)),
             name="typical", dtypes=ALL, grad=grad),
        Case(f"Tensor.{method}", (A(2, 3, domain=a, grad=False), A(3, domain=b)),
             name="broadcast_other", dtypes=("float32", "int64"), grad=grad),
        Case(f"Tensor.{method}", (A(3, domain=a, grad=False), A(2, 3, domain=b)),
             name="broadcast_self", dtypes=("float32",), error="RuntimeError"),
    ]
for method in ("bitwise_left_shift_", "bitwise_right_shift_"):
    CASES += [Case(f"Tensor.{method}", (A(2, 3, grad=False), A(2, 3, values=[0, 1, 2, 3, 4, 5])),
                   name="typical", dtypes=ALL)]
CASES += [
    Case("Tensor.add_", (A(2, 3, grad=False), A(2, 3)), {"alpha": 2}, name="alpha",
         dtypes=("float32", "int64")),
    Case("Tensor.sub_", (A(2, 3, grad=False), 1.5), {"alpha": 2}, name="scalar_alpha",
         dtypes=("float32", "int64")),
    Case("Tensor.mul_", (A(2, 3, grad=False), A(3, dtype="float64")), name="with_float64",
         dtypes=("float16", "int64", "bool")),
    Case("Tensor.eq_", (A(2, 3, domain="small", grad=False), 1), name="scalar",
         dtypes=("float32", "int64", "bool")),
    Case("Tensor.maximum_", (A(3, grad=False), A(3)), name="absent", dtypes=("float32",),
         error="AttributeError"),
]

# -- out=: the result is cast into out's dtype (a float result into an integer out raises);
# PyTorch refuses out= when an input requires grad. (PyTorch also resizes an out of another
# shape, which torsh does not: not checked here.)


def with_out(name, out_dtype=None, **kwargs):
    def call(lib, a, b):
        shape = lib.broadcast_shapes(a.shape, b.shape)
        out = lib.zeros(shape, dtype=getattr(lib, out_dtype) if out_dtype else a.dtype)
        result = getattr(lib, name)(a, b, out=out, **kwargs)
        return result, result is out
    call.__name__ = name
    return call


for op in ("add", "mul", "div", "atan2", "eq", "maximum", "bitwise_and"):
    CASES += [
        Case(with_out(op), (A(2, 3), A(3, domain="nonzero")), name="out", dtypes=ALL,
             grad=False),
        Case(with_out(op, "float64"), (A(2, 3), A(3, domain="nonzero")), name="out_float64",
             dtypes=("float32", "int64", "bool"), grad=False, rtol=2e-5, atol=1e-6,
             note="a float32 result widened into a float64 out keeps float32's precision"),
        Case(with_out(op, "int64"), (A(2, 3), A(3, domain="nonzero")), name="out_int64",
             dtypes=("float32", "int32", "bool"), grad=False),
    ]
CASES += [
    Case(with_out("add"), (A(2, 3), A(3)), name="out_requires_grad", dtypes=("float32",)),
    Case(with_out("add", alpha=2), (A(2, 3), A(3)), name="out_alpha", dtypes=("float64",),
         grad=False),
    Case(with_out("div", rounding_mode="floor"), (A(2, 3), A(3, domain="nonzero")),
         name="out_floor", dtypes=("float32", "int64"), grad=False),
]
