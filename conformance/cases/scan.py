"""Scans along one dim: cumsum, cumprod, cummax, cummin, logcumsumexp — every dim, dtype=,
0-d and empty inputs, special values, ties (cummax/cummin report the last tied index),
zeros in cumprod's gradient, every dtype and non-contiguous layouts."""
from . import ALL, FLOATS, INTS, A, Case, DType
from ._common import LAYOUTS, TIES

NAN, INF = float("nan"), float("inf")
NAN_ROWS = [1.0, NAN, 2.0, NAN, -1.0, 0.5, 4.0, NAN, NAN, 0.0, 3.0, 5.0]


def _common(op, dtypes):
    """Dims, 0-d, empty, special values, bad dims and layouts: what every scan takes."""
    return [
        Case(op, (A(2, 3), 1), dtypes=dtypes),
        Case(op, (A(2, 3), 0), name="dim0",
             dtypes=("float32", "int64") if "int64" in dtypes else ("float32",)),
        Case(op, (A(2, 3, 2), -2), name="dim_negative", dtypes=("float64",)),
        Case(op, (A(4), 0), name="one_dim", dtypes=("float64",)),
        Case(op, (A(), 0), name="zero_dim", dtypes=("float64",)),
        Case(op, (A(), -1), name="zero_dim_negative", dtypes=("float32",)),
        Case(op, (A(0, 3), 0), name="empty", dtypes=("float32",)),
        Case(op, (A(0, 3), 1), name="empty_other_dim", dtypes=("float32",)),
        Case(op, (A(4, 4, domain="special"), 1), name="special", dtypes=FLOATS, grad=False),
        Case(op, (A(2, 3), 2), name="bad_dim", dtypes=("float32",), error="IndexError"),
        Case(op, (A(2, 3),), kwargs={"dim": 1}, name="keyword_dim", dtypes=("float64",)),
        Case("Tensor." + op, (A(2, 3), 0), name="method", dtypes=("float64",)),
    ] + [Case(op, (A(3, 4, layout=layout), 1), name=layout, dtypes=("float32",))
         for layout in LAYOUTS]


CASES = []

# ------------------------------------------------------------ cumsum, cumprod
for op in ("cumsum", "cumprod"):
    CASES += _common(op, ALL)
    CASES += [
        Case(op, (A(2, 3), 1), kwargs={"dtype": DType("float64")}, name="dtype",
             dtypes=("float32", "int16")),
        Case(op, (A(2, 3), 1), kwargs={"dtype": DType("int32")}, name="dtype_int",
             dtypes=("int8", "int64", "bool")),
        Case(op, (A(5, values=[100, 100, 100, 27, 3]), 0), name="int8_no_wrap",
             dtypes=("int8", "uint8")),
        Case(op, (A(3, values=[-0.0, -0.0, 1.0]), 0), name="negative_zeros", dtypes=FLOATS,
             grad=False),
        # cumprod's gradient is exact in the reference; PyTorch's (a reversed cumsum divided
        # by x) is NaN across a lane holding NaN, so only the values are compared here.
        Case(op, (A(3, 4, values=NAN_ROWS), 1), name="nan_rows", dtypes=("float64",),
             grad=op == "cumsum"),
        Case(op, (A(2, 3, domain="bool"), 1), name="bool", dtypes=("bool",)),
    ]
CASES += [
    Case("cumprod", (A(3, 4, values=[2.0, 0.0, 3.0, -1.0, 0.0, 0.0, 2.0, 5.0, 1.5, -2.0, 0.5,
                                      4.0]), 1), name="zeros", dtypes=("float32", "float64")),
    Case("cumprod", (A(4, values=[0.0, 2.0, 3.0, 0.5]), 0), name="leading_zero",
         dtypes=("float64",)),
    Case("cumprod", (A(4, values=[2.0, 3.0, 0.5, 0.0]), 0), name="trailing_zero",
         dtypes=("float64",)),
]

# ------------------------------------------------------------ cummax, cummin
for op in ("cummax", "cummin"):
    CASES += _common(op, ALL)
    CASES += [
        Case(op, (A(3, 4, values=TIES), 1), name="ties", dtypes=("float32", "float64", "int64")),
        Case(op, (A(3, 4, values=TIES), 0), name="ties_dim0", dtypes=("float64",)),
        Case(op, (A(3, 4, values=NAN_ROWS), 1), name="nan_rows",
             dtypes=("float32", "float64")),
        Case(op, (A(4, values=[0.0, -0.0, 0.0, -0.0]), 0), name="signed_zeros",
             dtypes=("float32",), grad=False),
        Case(op, (A(2, 4, domain="bool"), 1), name="bool", dtypes=("bool",)),
    ]

# ------------------------------------------------------------ logcumsumexp
CASES += _common("logcumsumexp", FLOATS)
CASES += [
    Case("logcumsumexp", (A(2, 3), 1), name="integer", dtypes=INTS + ("bool",),
         error="NotImplementedError"),
    Case("logcumsumexp", (A(4, values=[-INF, -INF, 0.0, -INF]), 0), name="minus_inf",
         dtypes=("float32", "float64")),
    Case("logcumsumexp", (A(4, values=[1.0, INF, 2.0, -INF]), 0), name="plus_inf",
         dtypes=("float64",), grad=False),
    Case("logcumsumexp", (A(4, values=[1000.0, 1001.0, -1000.0, 999.0]), 0), name="large",
         dtypes=("float32", "float64")),
    Case("logcumsumexp", (A(3, 4, values=NAN_ROWS), 1), name="nan_rows",
         dtypes=("float64",)),
]

# ------------------------------------------------------------ in place
for op in ("cumsum_", "cumprod_"):
    CASES += [
        Case("Tensor." + op, (A(2, 3), 1), name="typical", dtypes=FLOATS + ("int64",),
             grad=False),
        Case("Tensor." + op, (A(2, 3), 0), kwargs={"dtype": DType("float64")},
             name="other_dtype", dtypes=("float32",), grad=False, error="RuntimeError"),
    ]
