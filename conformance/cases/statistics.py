"""Statistics and counting: var, std, var_mean, std_mean (unbiased / correction), norm,
logsumexp, median, nanmedian, mode, quantile, nanquantile, bincount, histc — dims, keepdim,
empty and 0-d inputs, NaN, ties (compared by value only where PyTorch leaves the index
unspecified), the dtypes each accepts and rejects, non-contiguous layouts."""
from . import ALL, FLOATS, INTS, A, Case, DType
from ._common import TIES, layout_cases, values_only

NAN, INF = float("nan"), float("inf")
NO_BOOL = FLOATS + INTS
NAN_ROWS = [1.0, NAN, 2.0, NAN, -1.0, 0.5, 4.0, -3.0, NAN, NAN, NAN, NAN]
NAN_SOME = [1.0, NAN, 2.0, NAN, -1.0, 0.5, 4.0, -3.0, NAN, 3.0, NAN, NAN]
DISTINCT = [4, -3, 7, 0, 2, 9, -1, 5, 1, 8, 3, -5]


CASES = []

# ------------------------------------------------------------ var, std, var_mean, std_mean
for op in ("var", "std", "var_mean", "std_mean"):
    CASES += [
        Case(op, (A(2, 3),), dtypes=FLOATS),
        Case(op, (A(2, 3),), name="integer", dtypes=INTS + ("bool",), error="RuntimeError"),
        Case(op, (A(2, 3),), kwargs={"dim": 1}, name="dim", dtypes=FLOATS),
        Case(op, (A(2, 3, 2),), kwargs={"dim": (0, 2), "keepdim": True},
             name="dim_tuple_keepdim", dtypes=("float64",)),
        Case(op, (A(2, 3), 1, False), name="unbiased_false", dtypes=("float32", "float64")),
        Case(op, (A(2, 3), False), name="unbiased_only", dtypes=("float64",)),
        Case(op, (A(2, 3),), kwargs={"dim": 0, "correction": 0}, name="correction0",
             dtypes=("float64",)),
        Case(op, (A(2, 4),), kwargs={"dim": 1, "correction": 2}, name="correction2",
             dtypes=("float64",)),
        Case(op, (A(2, 3),), kwargs={"dim": 0, "correction": 3}, name="correction_too_big",
             dtypes=("float64",), grad=False),
        Case(op, (A(1, 3),), kwargs={"dim": 0}, name="single", dtypes=("float32",),
             grad=False),
        Case(op, (A(3, values=[2.5, 2.5, 2.5]),), name="constant", dtypes=("float64",)),
        Case(op, (A(),), name="zero_dim", dtypes=("float64",), grad=False),
        Case(op, (A(),), kwargs={"correction": 0}, name="zero_dim_biased",
             dtypes=("float64",)),
        Case(op, (A(0, 3),), name="empty", dtypes=("float32",)),
        Case(op, (A(0, 3),), kwargs={"dim": 1}, name="empty_kept", dtypes=("float32",)),
        Case(op, (A(4, 4, domain="special"),), kwargs={"dim": 1}, name="special",
             dtypes=FLOATS, grad=False),
        Case(op, (A(2, 3),), kwargs={"dim": 2}, name="bad_dim", dtypes=("float32",),
             error="IndexError"),
    ] + layout_cases(op, dim=0)
CASES += [Case("Tensor." + op, (A(2, 3),), kwargs={"dim": 1}, name="method",
               dtypes=("float64",)) for op in ("var", "std")]

# ------------------------------------------------------------ norm
for p in (2, 1, 3, 0.5, 0, INF, -INF, "fro"):
    label = {INF: "inf", -INF: "minus_inf", "fro": "fro", 0.5: "half"}.get(p, f"p{p}")
    CASES += [
        Case("norm", (A(2, 3),), kwargs={"p": p}, name=label, dtypes=("float32", "float64")),
        Case("norm", (A(2, 3),), kwargs={"p": p, "dim": 1}, name=f"{label}_dim",
             dtypes=("float64",)),
    ]
CASES += [
    Case("norm", (A(2, 3),), dtypes=FLOATS),
    Case("norm", (A(2, 3),), name="integer", dtypes=INTS + ("bool",), error="RuntimeError"),
    Case("norm", (A(2, 3, 2),), kwargs={"dim": (0, 2), "keepdim": True},
         name="dim_tuple_keepdim", dtypes=("float64",)),
    Case("norm", (A(2, 3),), kwargs={"dtype": DType("float64")}, name="dtype",
         dtypes=("float32",)),
    Case("norm", (A(),), name="zero_dim", dtypes=("float64",)),
    Case("norm", (A(0, 3),), name="empty", dtypes=("float32",)),
    Case("norm", (A(0, 3),), kwargs={"p": INF}, name="empty_inf", dtypes=("float32",),
         error="RuntimeError"),
    Case("norm", (A(3, values=[0.0, 0.0, 0.0]),), name="zeros", dtypes=("float64",)),
    Case("norm", (A(3, values=[0.0, 0.0, 0.0]),), kwargs={"p": 1}, name="zeros_p1",
         dtypes=("float64",)),
    Case("norm", (A(3, values=[3.0, 0.0, -4.0]),), kwargs={"p": 3}, name="with_zero_p3",
         dtypes=("float64",)),
    Case("norm", (A(4, 4, domain="special"),), kwargs={"dim": 1}, name="special",
         dtypes=FLOATS, grad=False),
    # float64 only: PyTorch sums float32 squares in float32 (1e30^2 is inf), the reference in
    # double, rounding once at the end.
    Case("norm", (A(2, values=[1e200, 1e200]),), name="overflow", dtypes=("float64",),
         grad=False),
    Case("Tensor.norm", (A(2, 3),), kwargs={"dim": 0}, name="method", dtypes=("float64",)),
] + layout_cases("norm", dim=0)

# ------------------------------------------------------------ logsumexp
CASES += [
    Case("logsumexp", (A(2, 3), 1), dtypes=FLOATS),
    Case("logsumexp", (A(2, 3, domain="small"), 1), name="integer", dtypes=INTS + ("bool",)),
    Case("logsumexp", (A(2, 3), 0, True), name="keepdim", dtypes=("float64",)),
    Case("logsumexp", (A(2, 3, 2), (0, 2)), name="dim_tuple", dtypes=("float64",)),
    # dim=() without keepdim raises in PyTorch 2.13 (a shape check of its out= path).
    Case("logsumexp", (A(2, 3), (), True), name="dim_empty_keepdim", dtypes=("float64",)),
    Case("logsumexp", (A(), 0), name="zero_dim", dtypes=("float64",)),
    Case("logsumexp", (A(0, 3), 0), name="empty", dtypes=("float32",)),
    Case("logsumexp", (A(4, 4, domain="special"), 1), name="special", dtypes=FLOATS,
         grad=False),
    Case("logsumexp", (A(2, 3, values=[-INF, -INF, -INF, 1.0, INF, 2.0]), 1),
         name="infinite", dtypes=("float64",)),
    Case("logsumexp", (A(3, values=[1000.0, 1001.0, 999.0]), 0), name="large",
         dtypes=("float32", "float64")),
    Case("logsumexp", (A(2, 3), 2), name="bad_dim", dtypes=("float32",),
         error="IndexError"),
    Case("Tensor.logsumexp", (A(2, 3), 1), name="method", dtypes=("float64",)),
] + layout_cases("logsumexp", 0)

# ------------------------------------------------------------ median, nanmedian
for op in ("median", "nanmedian"):
    CASES += [
        Case(op, (A(3, 5, values=DISTINCT),), dtypes=NO_BOOL),
        Case(op, (A(2, 5),), name="random", dtypes=("float32", "float64")),
        Case(op, (A(2, 3),), name="bool", dtypes=("bool",), error="NotImplementedError"),
        Case(op, (A(3, 4, values=DISTINCT),), name="even", dtypes=("float64", "int64")),
        Case(op, (A(3, 4, values=DISTINCT),), kwargs={"dim": 1}, name="dim",
             dtypes=NO_BOOL),
        Case(op, (A(3, 5, values=DISTINCT), 0, True), name="dim_keepdim",
             dtypes=("float64",)),
        Case(op, (A(),), name="zero_dim", dtypes=("float64",)),
        Case(op, (A(),), kwargs={"dim": 0}, name="zero_dim_dim", dtypes=("float64",)),
        Case(op, (A(0, 3),), name="empty", dtypes=("float32",)),
        Case(op, (A(0, 3),), kwargs={"dim": 0}, name="empty_dim", dtypes=("float32",),
             error="IndexError"),
        Case(op, (A(0, 3),), kwargs={"dim": 1}, name="empty_kept", dtypes=("float32",)),
        Case(op, (A(3, 4, values=NAN_SOME),), kwargs={"dim": 1}, name="nan_dim",
             dtypes=("float32", "float64")),
        # nanmedian's index for a lane of NaNs comes from nth_element: compare values only.
        Case(values_only(op), (A(3, 4, values=NAN_ROWS),), kwargs={"dim": 1},
             name="nan_lane_values", dtypes=("float64",), grad=False),
        Case(op, (A(3, 4, values=NAN_ROWS),), name="nan_all", dtypes=("float64",)),
        Case(op, (A(4, values=[NAN, NAN, NAN, NAN]),), name="all_nan", dtypes=("float64",)),
        Case(op, (A(3, 4, values=TIES),), name="ties", dtypes=("float64",)),
        Case(values_only(op), (A(3, 4, values=TIES),), kwargs={"dim": 1},
             name="ties_values", dtypes=("float64", "int64"), grad=False),
        Case(op, (A(2, 3),), kwargs={"dim": 2}, name="bad_dim", dtypes=("float32",),
             error="IndexError"),
        Case("Tensor." + op, (A(3, 5, values=DISTINCT),), kwargs={"dim": 0}, name="method",
             dtypes=("float64",)),
    ] + layout_cases(op, dim=1, values=DISTINCT, dtypes=("float32", "int64"))

# ------------------------------------------------------------ mode
# The mode of a row repeats, so which of its positions `indices` names is a tie PyTorch leaves
# unspecified: such cases compare values only, except `last_index`, which pins the position
# PyTorch's CPU kernel reports (the last), as the reference does. Rows of distinct values have
# one mode position (that of the smallest value) and are compared in full, gradients included.
MODES = [1, 2, 2, 3, 5, 5, 5, 0, 7, -1, 4, 2]        # one most frequent value per row of 4
CASES += [
    Case(values_only("mode"), (A(3, 4, values=MODES),), dtypes=ALL[:-1], grad=False),
    Case("mode", (A(3, 4, values=MODES),), name="last_index", dtypes=("float64", "int64")),
    Case("mode", (A(3, 4, values=DISTINCT),), name="distinct", dtypes=NO_BOOL),
    Case("mode", (A(3, 4, values=MODES),), kwargs={"dim": 0}, name="dim0",
         dtypes=("float64", "int64")),
    Case(values_only("mode"), (A(3, 4, values=MODES), 1, True), name="keepdim",
         dtypes=("float64",), grad=False),
    Case("mode", (A(3, 4, values=DISTINCT), 1, True), name="keepdim_distinct",
         dtypes=("float64",)),
    Case("mode", (A(),), name="zero_dim", dtypes=("float64",)),
    Case("mode", (A(0, 3),), kwargs={"dim": 0}, name="empty_dim", dtypes=("float32",),
         error="IndexError"),
    Case("mode", (A(3, 0),), kwargs={"dim": 0}, name="empty_other_dim", dtypes=("float32",)),
    Case(values_only("mode"), (A(3, 4, values=TIES),), name="ties_values",
         dtypes=("float64", "int64"), grad=False),
    Case(values_only("mode"), (A(2, 3, domain="bool"),), name="bool_values",
         dtypes=("bool",), grad=False),
    Case(values_only("mode"), (A(3, 4, values=NAN_ROWS),), name="nan_values",
         dtypes=("float64",), grad=False),
    Case("mode", (A(2, 3),), kwargs={"dim": 2}, name="bad_dim", dtypes=("float32",),
         error="IndexError"),
    Case("Tensor.mode", (A(3, 4, values=DISTINCT),), name="method", dtypes=("float64",)),
] + layout_cases("mode", dim=1, values=DISTINCT, dtypes=("float32", "int64"))

# ------------------------------------------------------------ quantile, nanquantile
Q = A(3, values=[0.0, 0.3, 1.0], grad=False)
for op in ("quantile", "nanquantile"):
    CASES += [
        Case(op, (A(2, 5), 0.25), dtypes=("float32", "float64")),
        Case(op, (A(2, 5), 0.25), name="other_dtypes", dtypes=("float16", "bfloat16") + INTS,
             error="RuntimeError"),
        Case(op, (A(2, 5), 0.4), kwargs={"dim": 1}, name="dim", dtypes=("float32", "float64")),
        Case(op, (A(2, 5), 0.4), kwargs={"dim": 0, "keepdim": True}, name="dim_keepdim",
             dtypes=("float64",)),
        Case(op, (A(2, 5), 0.4), kwargs={"keepdim": True}, name="keepdim_all",
             dtypes=("float64",)),
        Case(op, (A(2, 5), Q), name="q_tensor", dtypes=("float32", "float64")),
        Case(op, (A(2, 5), Q), kwargs={"dim": 1, "keepdim": True}, name="q_tensor_dim",
             dtypes=("float64",)),
        Case(op, (A(2, 5), A(values=[0.75], grad=False)), kwargs={"dim": 0},
             name="q_zero_dim", dtypes=("float64",)),
        Case(op, (A(), 0.5), name="zero_dim", dtypes=("float64",)),
        Case(op, (A(0, 3), 0.5), name="empty", dtypes=("float32",), error="RuntimeError"),
        Case(op, (A(2, 5), 1.5), name="q_out_of_range", dtypes=("float32",),
             error="RuntimeError"),
        Case(op, (A(2, 5), A(2, values=[0.5, -0.1], grad=False)), name="q_tensor_out_of_range",
             dtypes=("float64",), error="RuntimeError"),
        Case(op, (A(2, 5), A(2, 2, values=[0.5, 0.1], grad=False)), name="q_2d",
             dtypes=("float64",), error="RuntimeError"),
        Case(op, (A(2, 5), 0.5), kwargs={"interpolation": "cubic"}, name="bad_interpolation",
             dtypes=("float64",), error="RuntimeError"),
        Case(op, (A(3, 4, values=NAN_ROWS), 0.5), kwargs={"dim": 1}, name="nan_dim",
             dtypes=("float32", "float64")),
        Case(op, (A(3, 4, values=NAN_ROWS), Q), name="nan_all", dtypes=("float64",)),
        Case(op, (A(2, 3), 0.5), kwargs={"dim": 2}, name="bad_dim", dtypes=("float32",),
             error="IndexError"),
        Case("Tensor." + op, (A(2, 5), 0.6), kwargs={"dim": 1}, name="method",
             dtypes=("float64",)),
    ] + layout_cases(op, 0.7, dim=0)
    CASES += [Case(op, (A(2, 5), Q), kwargs={"dim": 1, "interpolation": mode}, name=mode,
                   dtypes=("float32", "float64"))
              for mode in ("lower", "higher", "midpoint", "nearest")]
CASES += [
    Case("quantile", (A(5, values=[1.0, 2.0, 3.0, 4.0, 5.0]),
                      A(4, values=[0.125, 0.375, 0.625, 0.875], grad=False)),
         kwargs={"interpolation": "nearest"}, name="nearest_halves", dtypes=("float64",)),
]

# ------------------------------------------------------------ bincount
COUNTS = [1, 3, 3, 0, 5, 1, 1]
CASES += [
    Case("bincount", (A(7, values=COUNTS),), dtypes=INTS, grad=False),
    Case("bincount", (A(7, values=COUNTS),), name="float", dtypes=FLOATS + ("bool",),
         error="NotImplementedError"),
    Case("bincount", (A(7, values=COUNTS),), kwargs={"minlength": 9}, name="minlength",
         dtypes=("int64",), grad=False),
    Case("bincount", (A(7, values=COUNTS),), kwargs={"minlength": 2}, name="minlength_small",
         dtypes=("int64",), grad=False),
    Case("bincount", (A(7, values=COUNTS, dtype="int64"), A(7)), name="weights",
         dtypes=FLOATS[:2] + ("int32",), grad=False),
    Case("bincount", (A(0),), name="empty", dtypes=("int64",), grad=False),
    Case("bincount", (A(0),), kwargs={"minlength": 3}, name="empty_minlength",
         dtypes=("int64",), grad=False),
    Case("bincount", (A(3, values=[1, -1, 2]),), name="negative", dtypes=("int64",),
         error="RuntimeError"),
    Case("bincount", (A(2, 2, values=COUNTS),), name="two_dim", dtypes=("int64",),
         error="RuntimeError"),
    Case("bincount", (A(7, values=COUNTS),), kwargs={"minlength": -1},
         name="negative_minlength", dtypes=("int64",), error="RuntimeError"),
    Case("bincount", (A(7, values=COUNTS, dtype="int64"), A(6)), name="weights_mismatch",
         dtypes=("float64",), error="RuntimeError"),
    Case("bincount", (A(7, values=COUNTS + COUNTS, layout="strided"),), name="strided",
         dtypes=("int64",), grad=False),
    Case("Tensor.bincount", (A(7, values=COUNTS),), name="method", dtypes=("int64",),
         grad=False),
]

# ------------------------------------------------------------ histc
EDGES = [0.0, 1.0, 2.0, 2.5, 4.0, -1.0, 5.0, 3.999, 0.5, 4.0, 1.0, 2.0]
CASES += [
    Case("histc", (A(12, values=EDGES),), kwargs={"bins": 4, "min": 0, "max": 4},
         dtypes=FLOATS, grad=False),
    Case("histc", (A(12, values=EDGES),), kwargs={"bins": 4, "min": 0, "max": 4},
         name="integer", dtypes=INTS + ("bool",), error="NotImplementedError"),
    Case("histc", (A(3, 4),), name="default_bins", dtypes=("float32", "float64"), grad=False),
    Case("histc", (A(3, 4),), kwargs={"bins": 5}, name="data_range",
         dtypes=("float32", "float64"), grad=False),
    Case("histc", (A(4, values=[2.0, 2.0, 2.0, 2.0]),), kwargs={"bins": 4},
         name="constant", dtypes=("float64",), grad=False),
    Case("histc", (A(0),), kwargs={"bins": 3}, name="empty", dtypes=("float32",), grad=False),
    Case("histc", (A(),), kwargs={"bins": 3, "min": -1, "max": 1}, name="zero_dim",
         dtypes=("float64",), grad=False),
    Case("histc", (A(6, values=[NAN, 1.0, 2.0, 0.5, NAN, 1.5]),),
         kwargs={"bins": 3, "min": 0, "max": 3}, name="nan", dtypes=("float32",),
         grad=False),
    Case("histc", (A(6, values=[INF, 1.0, 2.0, -INF, 0.0, 1.5]),),
         kwargs={"bins": 3, "min": 0, "max": 3}, name="inf", dtypes=("float32",),
         grad=False),
    Case("histc", (A(4),), kwargs={"bins": 0}, name="zero_bins", dtypes=("float32",),
         error="RuntimeError"),
    Case("histc", (A(4),), kwargs={"bins": 3, "min": 2, "max": 1}, name="min_above_max",
         dtypes=("float32",), error="RuntimeError"),
    Case("histc", (A(3, 4, layout="transposed"),), kwargs={"bins": 3, "min": -2, "max": 2},
         name="transposed", dtypes=("float32",), grad=False),
    Case("Tensor.histc", (A(12, values=EDGES),), kwargs={"bins": 8, "min": -1, "max": 5},
         name="method", dtypes=("float64",), grad=False),
]
