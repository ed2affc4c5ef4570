"""Reductions: sum, nansum, mean, nanmean, prod, amax, amin, max, min, aminmax, argmax,
argmin, all, any, count_nonzero — over every dim, one dim, a tuple of dims, with keepdim, over
empty and 0-d inputs, special values, ties, every dtype and non-contiguous layouts."""
from . import ALL, FLOATS, INTS, A, Case, DType
from ._common import LAYOUTS, TIES, values_only

NAN, INF = float("nan"), float("inf")
NO_BOOL = FLOATS + INTS
# Ties among the extremes: the gradient of amax/amin/max() is shared, max(dim) picks one.
NAN_ROWS = [1.0, NAN, 2.0, -1.0, 0.5, 4.0, NAN, NAN, 0.0]


def _layouts(op, dtypes=("float32",), **kwargs):
    shape = (3, 2) if "dim" in kwargs else (2, 3)
    return [Case(op, (A(*shape, layout=layout),), kwargs=dict(kwargs), name=layout,
                 dtypes=dtypes) for layout in LAYOUTS]


def _shapes(op, dtypes, grad=True):
    """The keyword variations every dim-reduction takes: dims as int, tuple, None, keepdim."""
    ints = any(d in INTS for d in dtypes)
    return [
        Case(op, (A(2, 3),), dtypes=dtypes, grad=grad),
        Case(op, (A(2, 3),), kwargs={"dim": 1}, name="dim", dtypes=dtypes, grad=grad),
        Case(op, (A(2, 3, 2),), kwargs={"dim": -1, "keepdim": True}, name="dim_keepdim",
             dtypes=("float32", "int64") if ints else ("float32",), grad=grad),
        Case(op, (A(2, 3, 2),), kwargs={"dim": (0, 2)}, name="dim_tuple",
             dtypes=("float64", "int32") if ints else ("float64",), grad=grad),
        Case(op, (A(2, 3, 2),), kwargs={"dim": (-1, 0), "keepdim": True},
             name="dim_tuple_keepdim", dtypes=("float64",), grad=grad),
        Case(op, (A(2, 3),), kwargs={"dim": None}, name="dim_none", dtypes=("float64",),
             grad=grad),
        Case(op, (A(),), name="zero_dim", dtypes=("float64", "int64") if ints else ("float64",),
             grad=grad),
        Case(op, (A(),), kwargs={"dim": 0}, name="zero_dim_dim", dtypes=("float64",),
             grad=grad),
        Case(op, (A(2, 3),), kwargs={"dim": 2}, name="bad_dim", dtypes=("float32",),
             error="IndexError"),
        Case(op, (A(2, 3),), kwargs={"dim": (1, 1)}, name="repeated_dim",
             dtypes=("float32",), error="RuntimeError"),
        Case("Tensor." + op, (A(2, 3),), kwargs={"dim": 0}, name="method",
             dtypes=("float64",), grad=grad),
    ] + _layouts(op, dim=0)


CASES = []

# ------------------------------------------------------------ sum, nansum
for op in ("sum", "nansum"):
    CASES += _shapes(op, ALL if op == "sum" else NO_BOOL)
    CASES += [
        Case(op, (A(0, 3),), name="empty", dtypes=("float32", "int64")),
        Case(op, (A(0, 3),), kwargs={"dim": 0}, name="empty_dim", dtypes=("float32",)),
        Case(op, (A(0, 3),), kwargs={"dim": 1}, name="empty_kept", dtypes=("float32",)),
        Case(op, (A(4, 4, domain="special"),), kwargs={"dim": 1}, name="special",
             dtypes=FLOATS, grad=False),
        Case(op, (A(2, values=[-0.0, -0.0]),), name="negative_zeros", dtypes=FLOATS,
             grad=False),
        Case(op, (A(2, 3),), kwargs={"dtype": DType("float64")}, name="dtype",
             dtypes=("float32", "int8")),
        Case(op, (A(2, 3),), kwargs={"dim": 1, "dtype": DType("int32")}, name="dtype_int",
             dtypes=("int8", "int64")),
        Case(op, (A(4, values=[100, 100, 100, 27]),), name="int8_no_wrap",
             dtypes=("int8", "uint8")),
    ]
CASES += [
    Case("sum", (A(2, 3),), kwargs={"dim": []}, name="dim_empty_list", dtypes=("float64",)),
    Case("sum", (A(2, 3, domain="bool"),), kwargs={"dim": 0}, name="bool", dtypes=("bool",)),
    Case("nansum", (A(3, 3, values=NAN_ROWS),), kwargs={"dim": 1}, name="nan_rows",
         dtypes=("float32", "float64")),
    Case("nanmean", (A(2, 3),), kwargs={"dtype": DType("float64")}, name="integer_dtype",
         dtypes=("int32",), error="RuntimeError"),
]

# ------------------------------------------------------------ mean, nanmean
for op in ("mean", "nanmean"):
    CASES += _shapes(op, FLOATS)
    CASES += [
        Case(op, (A(2, 3),), name="integer", dtypes=INTS + ("bool",), error="RuntimeError"),
        Case(op, (A(2, 3),), kwargs={"dtype": DType("float64")}, name="dtype",
             dtypes=("float32",) if op == "nanmean" else ("float32", "int32")),
        Case(op, (A(0, 3),), name="empty", dtypes=("float32",)),
        Case(op, (A(0, 3),), kwargs={"dim": 0}, name="empty_dim", dtypes=("float64",)),
        Case(op, (A(4, 4, domain="special"),), kwargs={"dim": 1}, name="special",
             dtypes=FLOATS, grad=False),
        Case(op, (A(3, 3, values=NAN_ROWS),), kwargs={"dim": 1}, name="nan_rows",
             dtypes=("float32", "float64")),
    ]

# ------------------------------------------------------------ prod
CASES += [
    Case("prod", (A(2, 3),), dtypes=ALL),
    Case("prod", (A(2, 3),), kwargs={"dim": 1}, name="dim", dtypes=ALL),
    Case("prod", (A(2, 3, 2),), kwargs={"dim": -1, "keepdim": True}, name="dim_keepdim",
         dtypes=("float32", "int64")),
    Case("prod", (A(2, 3),), kwargs={"dim": (0, 1)}, name="dim_tuple", dtypes=("float64",),
         error="TypeError"),
    Case("prod", (A(),), name="zero_dim", dtypes=("float64", "int64")),
    Case("prod", (A(),), kwargs={"dim": 0}, name="zero_dim_dim", dtypes=("float64",)),
    Case("prod", (A(2, 3),), kwargs={"dim": 2}, name="bad_dim", dtypes=("float32",),
         error="IndexError"),
    Case("prod", (A(0, 3),), name="empty", dtypes=("float32", "int64")),
    Case("prod", (A(0, 3),), kwargs={"dim": 0}, name="empty_dim", dtypes=("float64",)),
    Case("prod", (A(3, 4, values=[2.0, 0.0, 3.0, -1.0, 0.0, 0.0, 2.0, 5.0, 1.5, -2.0, 0.5,
                                   4.0]),),
         kwargs={"dim": 1}, name="zeros", dtypes=("float32", "float64")),
    Case("prod", (A(2, 3, values=[2.0, 0.0, 3.0, -1.0, 0.5, 4.0]),), name="one_zero",
         dtypes=("float64",)),
    Case("prod", (A(4, 4, domain="special"),), kwargs={"dim": 1}, name="special",
         dtypes=FLOATS, grad=False),
    Case("prod", (A(4, values=[100, 100, 3, 1]),), name="int8_no_wrap", dtypes=("int8",)),
    Case("prod", (A(2, 3),), kwargs={"dtype": DType("float64")}, name="dtype",
         dtypes=("float32", "int16")),
    Case("Tensor.prod", (A(2, 3),), kwargs={"dim": 0}, name="method", dtypes=("float64",)),
] + _layouts("prod", dim=0)

# ------------------------------------------------------------ amax, amin
for op in ("amax", "amin"):
    CASES += _shapes(op, ALL)
    CASES += [
        Case(op, (A(0, 3),), name="empty", dtypes=("float32",), error="RuntimeError"),
        Case(op, (A(0, 3),), kwargs={"dim": 0}, name="empty_dim", dtypes=("float32",),
             error="IndexError"),
        Case(op, (A(0, 3),), kwargs={"dim": (0, 1)}, name="empty_dims", dtypes=("float32",),
             error="IndexError"),
        Case(op, (A(0, 3),), kwargs={"dim": 1}, name="empty_kept", dtypes=("float32",)),
        Case(op, (A(4, 4, domain="special"),), kwargs={"dim": 1}, name="special",
             dtypes=FLOATS, grad=False),
        Case(op, (A(3, 3, values=NAN_ROWS),), kwargs={"dim": 1}, name="nan_rows",
             dtypes=("float32", "float64")),
        Case(op, (A(3, 4, values=TIES),), kwargs={"dim": 1}, name="ties",
             dtypes=("float32", "float64", "int64")),
        Case(op, (A(3, 4, values=TIES),), name="ties_all", dtypes=("float64",)),
    ]

# ------------------------------------------------------------ max, min


for op in ("max", "min"):
    CASES += [
        Case(op, (A(2, 3),), dtypes=ALL),
        Case(op, (A(2, 3),), kwargs={"dim": 1}, name="dim", dtypes=ALL),
        Case(op, (A(2, 3, 2),), kwargs={"dim": 0, "keepdim": True}, name="dim_keepdim",
             dtypes=("float32", "int64")),
        Case(op, (A(2, 3), 1, True), name="positional", dtypes=("float64",)),
        Case(op, (A(),), name="zero_dim", dtypes=("float64", "int64")),
        Case(op, (A(),), kwargs={"dim": 0}, name="zero_dim_dim", dtypes=("float64",)),
        Case(op, (A(2, 3),), kwargs={"dim": 2}, name="bad_dim", dtypes=("float32",),
             error="IndexError"),
        Case(op, (A(2, 3),), kwargs={"dim": (0, 1)}, name="dim_tuple", dtypes=("float32",),
             error="TypeError"),
        Case(op, (A(0, 3),), name="empty", dtypes=("float32",), error="RuntimeError"),
        Case(op, (A(0, 3),), kwargs={"dim": 0}, name="empty_dim", dtypes=("float32",),
             error="IndexError"),
        Case(op, (A(0, 3),), kwargs={"dim": 1}, name="empty_kept", dtypes=("float32",)),
        Case(op, (A(4, 4, domain="special"),), kwargs={"dim": 1}, name="special",
             dtypes=FLOATS, grad=False),
        Case(op, (A(3, 3, values=NAN_ROWS),), kwargs={"dim": 1}, name="nan_rows",
             dtypes=("float32", "float64")),
        Case(op, (A(3, 3, values=NAN_ROWS),), name="nan_all", dtypes=("float64",)),
        Case(op, (A(3, 4, values=TIES),), name="ties_all", dtypes=("float64", "int64")),
        Case(values_only(op), (A(3, 4, values=TIES),), kwargs={"dim": 1}, name="ties_values",
             dtypes=("float32", "float64", "int64")),
        Case(op, (A(2, 3), A(3)), name="binary", dtypes=ALL),
        Case(op, (A(2, 1), A(1, 3)), name="binary_broadcast", dtypes=("float64",)),
        # No tie of 0.0 with -0.0: PyTorch's choice there depends on the vector length.
        Case(op, (A(4, domain="special"), A(4, values=[2.0, -0.5, NAN, -INF])),
             name="binary_special", dtypes=FLOATS, grad=False),
        Case(op, (A(2, 3), A(2, 3, domain="small")), name="binary_int_float",
             dtypes=("float32",)),
        Case("Tensor." + op, (A(2, 3),), kwargs={"dim": 0}, name="method",
             dtypes=("float64",)),
    ] + _layouts(op, dim=0)

# ------------------------------------------------------------ aminmax
CASES += [
    Case("aminmax", (A(2, 3),), dtypes=ALL),
    Case("aminmax", (A(2, 3),), kwargs={"dim": 1}, name="dim", dtypes=ALL),
    Case("aminmax", (A(2, 3, 2),), kwargs={"dim": -1, "keepdim": True}, name="dim_keepdim",
         dtypes=("float32",)),
    Case("aminmax", (A(2, 3),), kwargs={"keepdim": True}, name="keepdim",
         dtypes=("float32",)),
    Case("aminmax", (A(),), name="zero_dim", dtypes=("float64",)),
    Case("aminmax", (A(0, 3),), name="empty", dtypes=("float32",), error="RuntimeError"),
    Case("aminmax", (A(0, 3),), kwargs={"dim": 0}, name="empty_dim", dtypes=("float32",),
         error="IndexError"),
    Case("aminmax", (A(0, 3),), kwargs={"dim": 1}, name="empty_kept", dtypes=("float32",)),
    Case("aminmax", (A(4, 4, domain="special"),), kwargs={"dim": 1}, name="special",
         dtypes=FLOATS, grad=False),
    Case("aminmax", (A(3, 4, values=TIES),), kwargs={"dim": 0}, name="ties",
         dtypes=("float64",)),
    Case("aminmax", (A(3, 2, layout="transposed"),), kwargs={"dim": 0}, name="transposed",
         dtypes=("float32",)),
]

# ------------------------------------------------------------ argmax, argmin
for op in ("argmax", "argmin"):
    CASES += [
        Case(op, (A(2, 3),), dtypes=NO_BOOL),
        Case(op, (A(2, 3),), name="bool", dtypes=("bool",), error="RuntimeError"),
        Case(op, (A(2, 3),), kwargs={"dim": 1}, name="dim", dtypes=NO_BOOL),
        Case(op, (A(2, 3, 2),), kwargs={"dim": -2, "keepdim": True}, name="dim_keepdim",
             dtypes=("float32", "int64")),
        Case(op, (A(2, 3),), kwargs={"keepdim": True}, name="keepdim_all",
             dtypes=("float32",)),
        Case(op, (A(),), name="zero_dim", dtypes=("float64",)),
        Case(op, (A(),), kwargs={"dim": 0}, name="zero_dim_dim", dtypes=("float64",)),
        Case(op, (A(2, 3),), kwargs={"dim": 2}, name="bad_dim", dtypes=("float32",),
             error="IndexError"),
        Case(op, (A(0, 3),), name="empty", dtypes=("float32",), error="IndexError"),
        Case(op, (A(0, 3),), kwargs={"dim": 1}, name="empty_kept", dtypes=("float32",)),
        Case(op, (A(3, 4, values=TIES),), kwargs={"dim": 1}, name="ties",
             dtypes=("float32", "int64")),
        Case(op, (A(3, 4, values=TIES),), name="ties_all", dtypes=("float64",)),
        Case(op, (A(3, 3, values=NAN_ROWS),), kwargs={"dim": 1}, name="nan_rows",
             dtypes=("float32", "float64")),
        Case(op, (A(4, 4, domain="special"),), kwargs={"dim": 0}, name="special",
             dtypes=FLOATS),
        Case("Tensor." + op, (A(2, 3),), kwargs={"dim": 0}, name="method",
             dtypes=("float64",)),
    ] + _layouts(op, dim=0)

# ------------------------------------------------------------ all, any, count_nonzero
for op in ("all", "any", "count_nonzero"):
    mixed = A(3, 4, values=[0.0, 1.0, 2.0, 3.0, 0.0, 0.0, 0.0, 0.0, 1.0, -1.0, 0.5, 2.0])
    CASES += [
        Case(op, (A(2, 3, domain="small"),), dtypes=ALL, grad=False),
        Case(op, (mixed,), kwargs={"dim": 1}, name="dim", dtypes=ALL, grad=False),
        Case(op, (mixed,), kwargs={"dim": (0, 1)}, name="dim_tuple",
             dtypes=("float32", "bool"), grad=False),
        Case(op, (A(),), name="zero_dim", dtypes=("float64", "int64"), grad=False),
        Case(op, (A(0, 3),), name="empty", dtypes=("float32", "bool"), grad=False),
        Case(op, (A(0, 3),), kwargs={"dim": 0}, name="empty_dim", dtypes=("float32",),
             grad=False),
        Case(op, (A(4, 4, domain="special"),), kwargs={"dim": 1}, name="special",
             dtypes=FLOATS, grad=False),
        Case(op, (A(3, 4, domain="small", layout="transposed"),), kwargs={"dim": 0},
             name="transposed", dtypes=("int32",), grad=False),
        Case(op, (A(2, 3),), kwargs={"dim": 2}, name="bad_dim", dtypes=("float32",),
             error="IndexError"),
        Case("Tensor." + op, (mixed,), kwargs={"dim": 0}, name="method",
             dtypes=("bool",), grad=False),
    ]
for op in ("all", "any"):
    CASES += [
        Case(op, (A(3, 4, domain="small"),), kwargs={"dim": 1, "keepdim": True},
             name="dim_keepdim", dtypes=("float32", "uint8"), grad=False),
    ]
CASES += [
    Case("count_nonzero", (A(2, 3, 2, domain="small"),), kwargs={"dim": (0, -1)},
         name="dim_tuple_neg", dtypes=("int64",), grad=False),
]
