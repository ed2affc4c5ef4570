"""Sorting and selection: sort, argsort, msort, topk, kthvalue, unique, unique_consecutive —
dims, descending/largest, stable sorting of ties, NaN (the largest value), -0.0 == 0.0, 0-d and
empty inputs, every dtype and non-contiguous layouts.

PyTorch leaves the order of tied elements unspecified unless sort/argsort get stable=True, and
topk/kthvalue's choice among ties always: their cases either have no ties or compare values
only (`values_only`)."""
from . import ALL, FLOATS, INTS, A, Case
from ._common import TIES, layout_cases, values_only

NAN, INF = float("nan"), float("inf")
NAN_ROWS = [1.0, NAN, 2.0, NAN, -1.0, 0.5, 4.0, -INF, INF, 0.0, NAN, 5.0]
ZEROS = [0.0, -0.0, 1.0, -0.0, 0.0, -1.0]
NO_BOOL = FLOATS + INTS
# Distinct values, so that integer dtypes have no ties where indices are compared.
DISTINCT = [4, -3, 7, 0, 2, 9, -1, 5, 1, 8, 3, -5]


CASES = []

# ------------------------------------------------------------ sort, argsort
for op in ("sort", "argsort"):
    CASES += [
        Case(op, (A(2, 5, values=DISTINCT),), dtypes=NO_BOOL),
        Case(op, (A(2, 5),), name="random", dtypes=FLOATS),
        Case(op, (A(3, 4, values=DISTINCT),), kwargs={"dim": 0}, name="dim0",
             dtypes=("float32", "int64")),
        Case(op, (A(2, 3, 2, values=DISTINCT),), kwargs={"dim": 1, "descending": True},
             name="descending", dtypes=NO_BOOL),
        Case(op, (A(2, 5), -1, True), name="positional", dtypes=("float64",)),
        Case(op, (A(),), name="zero_dim", dtypes=("float64", "int64")),
        Case(op, (A(),), kwargs={"dim": 0}, name="zero_dim_dim", dtypes=("float64",)),
        Case(op, (A(0, 3),), name="empty", dtypes=("float32",)),
        Case(op, (A(0, 3),), kwargs={"dim": 0}, name="empty_dim", dtypes=("float32",)),
        Case(op, (A(2, 3),), kwargs={"dim": 2}, name="bad_dim", dtypes=("float32",),
             error="IndexError"),
        Case(op, (A(3, 4, values=TIES),), kwargs={"stable": True}, name="ties_stable",
             dtypes=("float32", "float64", "int64")),
        Case(op, (A(3, 4, values=TIES),), kwargs={"stable": True, "descending": True},
             name="ties_stable_descending", dtypes=("float64", "int32")),
        Case(op, (A(12, values=TIES),), kwargs={"stable": True, "dim": 0},
             name="ties_stable_long", dtypes=("float64",)),
        Case(op, (A(3, 4, values=NAN_ROWS),), kwargs={"stable": True}, name="nan",
             dtypes=FLOATS),
        Case(op, (A(3, 4, values=NAN_ROWS),), kwargs={"stable": True, "descending": True},
             name="nan_descending", dtypes=FLOATS),
        Case(op, (A(6, values=ZEROS),), kwargs={"stable": True}, name="signed_zeros",
             dtypes=("float32", "float64"), grad=False),
        Case(op, (A(2, 5, domain="bool"),), kwargs={"stable": True}, name="bool",
             dtypes=("bool",)),
        Case("Tensor." + op, (A(3, 4),), kwargs={"dim": 0}, name="method",
             dtypes=("float64",)),
    ] + layout_cases(op, dim=1, dtypes=("float32", "int64"), values=DISTINCT)

# ------------------------------------------------------------ msort
CASES += [
    Case("msort", (A(4, 3, values=DISTINCT),), dtypes=NO_BOOL),
    Case("msort", (A(5),), name="one_dim", dtypes=("float64",)),
    Case("msort", (A(),), name="zero_dim", dtypes=("float64",)),
    Case("msort", (A(0, 3),), name="empty", dtypes=("float32",)),
    Case("msort", (A(4, 3, values=NAN_ROWS),), name="nan", dtypes=FLOATS, grad=False),
    Case("msort", (A(4, 3, values=TIES),), name="ties_values", dtypes=("float64",),
         grad=False),
    Case("msort", (A(3, 4, layout="transposed"),), name="transposed", dtypes=("float32",)),
]

# ------------------------------------------------------------ topk
CASES += [
    Case("topk", (A(2, 5, values=DISTINCT), 2), dtypes=NO_BOOL),
    Case("topk", (A(2, 5), 2), name="bool", dtypes=("bool",), error="RuntimeError"),
    Case("topk", (A(4, 3, values=DISTINCT), 3), kwargs={"dim": 0}, name="dim0",
         dtypes=("float32", "int64")),
    Case("topk", (A(2, 5, values=DISTINCT), 3), kwargs={"largest": False}, name="smallest",
         dtypes=NO_BOOL),
    Case("topk", (A(2, 3, 4), 2), kwargs={"dim": 1, "largest": False}, name="smallest_dim",
         dtypes=("float64",)),
    Case("topk", (A(2, 5), 5), name="k_all", dtypes=("float64",)),
    Case("topk", (A(2, 5), 0), name="k_zero", dtypes=("float32",)),
    Case("topk", (A(2, 5), 6), name="k_too_large", dtypes=("float32",), error="RuntimeError"),
    Case("topk", (A(2, 5), -1), name="k_negative", dtypes=("float32",), error="RuntimeError"),
    Case("topk", (A(2, 5), 1), kwargs={"dim": 2}, name="bad_dim", dtypes=("float32",),
         error="IndexError"),
    Case("topk", (A(), 1), name="zero_dim", dtypes=("float64",)),
    Case("topk", (A(), 0), name="zero_dim_k0", dtypes=("float64",)),
    Case("topk", (A(0, 3), 0), name="empty", dtypes=("float32",)),
    Case("topk", (A(0, 3), 2), name="empty_other_dim", dtypes=("float32",)),
    Case("topk", (A(3, 4, values=NAN_ROWS), 2), name="nan", dtypes=FLOATS),
    Case("topk", (A(3, 4, values=NAN_ROWS), 2), kwargs={"largest": False},
         name="nan_smallest", dtypes=FLOATS),
    Case(values_only("topk"), (A(3, 4, values=TIES), 2), name="ties_values",
         dtypes=("float32", "float64", "int64"), grad=False),
    Case(values_only("topk"), (A(3, 4, values=TIES), 3), kwargs={"largest": False},
         name="ties_values_smallest", dtypes=("float64",), grad=False),
    Case("topk", (A(2, 5), 2), kwargs={"sorted": True}, name="sorted", dtypes=("float32",)),
    Case("Tensor.topk", (A(2, 5), 2), name="method", dtypes=("float64",)),
] + layout_cases("topk", 2, dim=1, dtypes=("float32", "int64"), values=DISTINCT)

# ------------------------------------------------------------ kthvalue
CASES += [
    Case("kthvalue", (A(2, 5, values=DISTINCT), 2), dtypes=NO_BOOL),
    Case("kthvalue", (A(2, 5), 2), name="bool", dtypes=("bool",),
         error="NotImplementedError"),
    Case("kthvalue", (A(4, 3, values=DISTINCT), 4), kwargs={"dim": 0}, name="dim0",
         dtypes=("float32", "int64")),
    Case("kthvalue", (A(2, 3, 4), 1, 1, True), name="keepdim", dtypes=("float64",)),
    Case("kthvalue", (A(2, 5), 1), name="k_first", dtypes=("float64",)),
    Case("kthvalue", (A(2, 5), 5), name="k_last", dtypes=("float64",)),
    Case("kthvalue", (A(2, 5), 6), name="k_too_large", dtypes=("float32",),
         error="RuntimeError"),
    Case("kthvalue", (A(2, 5), 0), name="k_zero", dtypes=("float32",), error="RuntimeError"),
    Case("kthvalue", (A(2, 5), 1), kwargs={"dim": 2}, name="bad_dim", dtypes=("float32",),
         error="IndexError"),
    Case("kthvalue", (A(), 1), name="zero_dim", dtypes=("float64",)),
    Case("kthvalue", (A(), 1), kwargs={"keepdim": True}, name="zero_dim_keepdim",
         dtypes=("float64",)),
    Case("kthvalue", (A(0, 3), 1), name="empty_other_dim", dtypes=("float32",)),
    Case("kthvalue", (A(3, 0), 1), name="empty", dtypes=("float32",), error="IndexError"),
    Case("kthvalue", (A(3, 4, values=NAN_ROWS), 3), name="nan", dtypes=FLOATS),
    Case(values_only("kthvalue"), (A(3, 4, values=TIES), 2), name="ties_values",
         dtypes=("float32", "float64", "int64"), grad=False),
    Case("Tensor.kthvalue", (A(2, 5), 3), name="method", dtypes=("float64",)),
] + layout_cases("kthvalue", 2, dim=1, dtypes=("float32", "int64"), values=DISTINCT)

# ------------------------------------------------------------ unique, unique_consecutive
RUNS = [3, 1, 1, 2, 3, 3, 0, 1, 1, 2, 2, 0]
ROWS = [1, 2, 1, 2, 0, 5, 1, 2, 0, 5, 3, 3]      # (6, 2): rows 0, 1, 3 are equal
for op in ("unique", "unique_consecutive"):
    flags = [({}, "typical"), ({"return_inverse": True}, "inverse"),
             ({"return_counts": True}, "counts"),
             ({"return_inverse": True, "return_counts": True}, "inverse_counts")]
    CASES += [Case(op, (A(3, 4, values=RUNS),), kwargs=kwargs, name=name, dtypes=ALL,
                   grad=False) for kwargs, name in flags]
    CASES += [
        Case(op, (A(6, 2, values=ROWS),), kwargs={"dim": 0, "return_inverse": True,
                                                  "return_counts": True}, name="dim0",
             dtypes=("float32", "int64"), grad=False),
        Case(op, (A(2, 6, values=ROWS, layout="transposed"),),
             kwargs={"dim": 1, "return_inverse": True, "return_counts": True}, name="dim1",
             dtypes=("int64",), grad=False),
        Case(op, (A(6, 2, values=ROWS),), kwargs={"dim": -2}, name="dim_negative",
             dtypes=("int32",), grad=False),
        Case(op, (A(),), kwargs={"return_inverse": True, "return_counts": True},
             name="zero_dim", dtypes=("float64",), grad=False),
        Case(op, (A(),), kwargs={"dim": 0}, name="zero_dim_dim", dtypes=("float64",),
             grad=False, error="IndexError"),
        Case(op, (A(0, 3),), kwargs={"return_inverse": True, "return_counts": True},
             name="empty", dtypes=("float32",), grad=False),
        Case(op, (A(0, 3),), kwargs={"dim": 0, "return_inverse": True,
                                     "return_counts": True},
             name="empty_dim", dtypes=("float32",), grad=False),
        Case(op, (A(3, 0),), kwargs={"dim": 0}, name="empty_other_dim", dtypes=("float32",),
             grad=False, error="RuntimeError"),
        Case(op, (A(8, values=[1.0, NAN, NAN, 1.0, 2.0, INF, INF, -INF]),),
             kwargs={"return_inverse": True, "return_counts": True}, name="nan",
             dtypes=("float32", "float64"), grad=False),
        Case(op, (A(4, values=[0.0, -0.0, 1.0, -0.0]),), kwargs={"return_counts": True},
             name="signed_zeros", dtypes=("float64",), grad=False),
        Case(op, (A(3, 4, values=RUNS, layout="strided"),), kwargs={"return_inverse": True},
             name="strided", dtypes=("int64",), grad=False),
        Case(op, (A(3, 4, domain="bool"),), kwargs={"return_counts": True}, name="bool",
             dtypes=("bool",), grad=False),
        Case("Tensor." + op, (A(3, 4, values=RUNS),), name="method", dtypes=("int64",),
             grad=False),
    ]
CASES += [
    Case("unique", (A(3, 4, values=RUNS),), kwargs={"sorted": False, "return_counts": True},
         name="unsorted", dtypes=("int64",), grad=False),
]
