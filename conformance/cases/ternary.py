"""Ternary elementwise ops (torsh/ops/ternary.py): where (with NaN and inf in the unselected
branch, gradients included), lerp, addcmul, addcdiv and clamp with tensor bounds, over
broadcasting, 0-d and empty shapes, non-contiguous layouts, every dtype, Python scalars, mixed
dtypes, special values and the inputs PyTorch rejects.

(clamp's scalar-bound cases live in unary.py; the names here do not repeat theirs.)"""
from . import ALL, FLOATS, INTS, A, Case

INF, NAN = float("inf"), float("nan")
COND = A(2, 3, domain="bool", dtype="bool")
SPECIALS = [0.0, -0.0, 1.0, -1.0, 0.5, -2.5, 3.0, INF, -INF, NAN]
UNSIGNED = [v for v in SPECIALS if str(v) != "-0.0"]


def _named(name):
    def rename(fn):
        fn.__name__ = name
        return fn
    return rename


@_named("where")
def where_of_log(lib, x):
    """The classic trap: where passes 0 to the unselected log(x), whose backward computes
    0 / x: -0.0 for x < 0 but NaN at x = ±0, so the gradient is NaN there (as in PyTorch)."""
    return lib.where(x > 0, x.log(), x * 0)


@_named("where")
def where_of_division(lib, x):
    """1 / x with x == 0 masked out: the forward is finite, the gradient of the unselected
    branch is 0 * (-1 / x^2) = 0 * -inf = NaN in PyTorch."""
    return lib.where(x != 0, 1 / x, x * 0)


CASES = [
    # -- where
    Case("where", (COND, A(2, 3), A(2, 3)), dtypes=ALL),
    Case("where", (A(2, 1, 3, domain="bool", dtype="bool"), A(4, 1), A(3)), name="broadcast",
         dtypes=("float64", "int32")),
    Case("where", (A(domain="bool", dtype="bool"), A(2, 3), A(3)), name="zero_dim_condition",
         dtypes=("float32",)),
    Case("where", (A(domain="bool", dtype="bool"), A(), A()), name="zero_dim",
         dtypes=("float64",)),
    Case("where", (A(0, 3, domain="bool", dtype="bool"), A(0, 3), A(3)), name="empty",
         dtypes=("float32",)),
    Case("where", (A(3, 4, domain="bool", dtype="bool", layout="strided"),
                   A(3, 4, layout="transposed"), A(3, 4, layout="offset")),
         name="noncontiguous", dtypes=("float64", "int64")),
    Case("where", (A(2, 3, domain="bool", dtype="bool", layout="expanded"),
                   A(2, 3, layout="expanded"), A(2, 3)), name="expanded", dtypes=("float32",)),
    Case("where", (COND, A(2, 3), 0.0), name="scalar_other", dtypes=ALL),
    Case("where", (COND, 2, A(2, 3)), name="scalar_input", dtypes=ALL),
    Case("where", (COND, True, A(2, 3)), name="bool_scalar", dtypes=ALL),
    Case("where", (COND, 1.5, 0), name="two_scalars", dtypes=("float32",)),
    Case("where", (COND, 1, 0), name="two_int_scalars", dtypes=("int64",)),
    Case("where", (COND, A(2, 3), A(3, dtype="float64")), name="with_float64", dtypes=ALL),
    Case("where", (COND, A(2, 3), A(3, dtype="int64")), name="with_int64", dtypes=ALL),
    Case("where", (COND, A(2, 3), A(dtype="float16")), name="with_0d_float16", dtypes=ALL),
    Case("where", (COND, A(2, 3), A(3, dtype="uint8")), name="with_uint8", dtypes=ALL),
    Case("where", (A(2, 3, domain="bool", dtype="uint8"), A(2, 3), A(2, 3)),
         name="uint8_condition", dtypes=("float32",)),
    Case("where", (A(2, 3, dtype="float32"), A(2, 3), A(2, 3)), name="float_condition",
         dtypes=("float32",), error="RuntimeError"),
    Case("where", (A(2, 3, domain="bool", dtype="bool"), A(4), A(2, 3)),
         name="shape_mismatch", dtypes=("float32",), error="RuntimeError"),
    Case("where", (A(4, values=[True, False, True, False], dtype="bool"),
                   A(4, values=[1.0, NAN, 2.0, INF]), A(4, values=[NAN, 3.0, -INF, 4.0])),
         name="nan_unselected", dtypes=FLOATS),
    Case("where", (A(1, 10, values=[True, False], dtype="bool"), A(1, 10, values=SPECIALS),
                   A(10, 1, values=SPECIALS)), name="special_table", dtypes=FLOATS),
    Case(where_of_log, (A(6, values=[2.0, -1.0, 0.0, -0.0, 0.5, -3.0]),), name="masked_log",
         dtypes=("float32", "float64")),
    Case(where_of_division, (A(4, values=[2.0, 0.0, -0.5, -0.0]),), name="masked_division",
         dtypes=("float32", "float64")),
    Case("Tensor.where", (A(2, 3), COND, A(3)), name="method", dtypes=("float32", "int64")),
    Case("where", (A(2, 3, domain="small"),), name="single_argument", dtypes=("float32",)),

    # -- lerp
    Case("lerp", (A(2, 3), A(2, 3), 0.3), dtypes=ALL),
    Case("lerp", (A(2, 3), A(2, 3), 0.75), name="far_weight", dtypes=FLOATS),
    Case("lerp", (A(2, 3), A(2, 3), 1), name="int_weight", dtypes=FLOATS),
    Case("lerp", (A(2, 3), A(2, 3), A(2, 3, domain="unit")), name="tensor_weight",
         dtypes=ALL),
    Case("lerp", (A(2, 1, 3), A(4, 1), A(3, domain="unit")), name="broadcast",
         dtypes=("float64",)),
    Case("lerp", (A(3), A(2, 1), 0.6), name="broadcast_scalar_weight", dtypes=("float32",)),
    Case("lerp", (A(), A(), A(domain="unit")), name="zero_dim", dtypes=("float64",)),
    Case("lerp", (A(2, 3), A(2, 3), A(domain="unit")), name="zero_dim_weight",
         dtypes=("float32",)),
    Case("lerp", (A(0, 3), A(3), 0.5), name="empty", dtypes=("float32",)),
    Case("lerp", (A(3, 4, layout="transposed"), A(3, 4, layout="strided"),
                  A(3, 4, domain="unit", layout="offset")), name="noncontiguous",
         dtypes=("float64",)),
    Case("lerp", (A(6, values=[1.0, 1e30, -1.0, 2.0, 0.0, 1.0]),
                  A(6, values=[3.0, -1e30, 1.0, 2.0, 1.0, 1.0 + 2 ** -52]),
                  A(6, values=[0.5, 0.5, 0.49, 1.0, 1.0, 0.75])), name="precision",
         dtypes=("float32", "float64")),
    Case("lerp", (A(1, 10, values=SPECIALS), A(10, 1, values=SPECIALS), 0.25),
         name="special_table", dtypes=FLOATS),
    Case("lerp", (A(10, values=SPECIALS), A(10, values=SPECIALS[::-1]),
                  A(10, values=[0.0, 1.0, 0.5, -1.0, 2.0, INF, NAN, 0.3, 0.7, 0.0])),
         name="special_weights", dtypes=FLOATS),
    Case("lerp", (A(3), A(3, dtype="float64"), 0.5), name="end_dtype_mismatch",
         dtypes=("float32",), error="RuntimeError"),
    Case("lerp", (A(3), A(3), A(3, dtype="float64")), name="weight_dtype_mismatch",
         dtypes=("float32",), error="RuntimeError"),
    Case("lerp", (A(3), A(3), A(3, dtype="float16")), name="weight_float16",
         dtypes=("float32",), error="RuntimeError"),
    Case("lerp", (A(2, 3), A(4), 0.5), name="shape_mismatch", dtypes=("float32",),
         error="RuntimeError"),
    Case("Tensor.lerp_", (A(2, 3, grad=False), A(2, 3), 0.4), name="inplace",
         dtypes=("float32", "float64")),
    Case("Tensor.lerp_", (A(3, grad=False), A(2, 3), 0.4), name="inplace_broadcast_self",
         dtypes=("float32",), error="RuntimeError"),
]

# -- addcmul / addcdiv
for op, divisor in (("addcmul", "normal"), ("addcdiv", "nonzero")):
    CASES += [
        Case(op, (A(2, 3), A(2, 3), A(2, 3, domain=divisor)), dtypes=ALL),
        Case(op, (A(2, 3), A(2, 3), A(2, 3, domain=divisor)), {"value": 0.5}, name="value",
             dtypes=ALL),
        Case(op, (A(2, 3), A(2, 3), A(2, 3, domain=divisor)), {"value": -2}, name="int_value",
             dtypes=ALL),
        Case(op, (A(2, 1, 3), A(4, 1), A(3, domain=divisor)), {"value": 1.5},
             name="broadcast", dtypes=("float64", "int32")),
        Case(op, (A(), A(), A(domain=divisor)), name="zero_dim", dtypes=("float64",)),
        Case(op, (A(3), A(2, 1), A(domain=divisor)), name="zero_dim_tensor2",
             dtypes=("float32",)),
        Case(op, (A(0, 3), A(3), A(3, domain=divisor)), name="empty", dtypes=("float32",)),
        Case(op, (A(3, 4, layout="transposed"), A(3, 4, layout="strided"),
                  A(3, 4, domain=divisor, layout="expanded")), name="noncontiguous",
             dtypes=("float64", "int64")),
        Case(op, (A(2, 3), A(2, 3, dtype="float64"), A(3, domain=divisor)),
             name="with_float64", dtypes=tuple(d for d in ALL if d != "float32")),
        Case(op, (A(2, 3), A(2, 3, dtype="float64"), A(3, domain=divisor)),
             name="with_float64", dtypes=("float32",), rtol=2e-4, atol=1e-5,
             note="PyTorch's backward computes value / tensor2 in float32 for the float64 "
                  "tensor1's gradient"),
        Case(op, (A(2, 3), A(2, 3, dtype="int64"), A(3, domain=divisor, dtype="int64")),
             name="int_tensors", dtypes=ALL),
        Case(op, (A(2, 3, dtype="int32"), A(2, 3), A(3, domain=divisor)), name="int_input",
             dtypes=ALL),
        Case(op, (A(2, 3), A(2, 3), A(2, 3, domain=divisor, dtype="float16")),
             name="with_float16", dtypes=("float16", "bfloat16", "int64")),
        Case(op, (A(1, 10, values=SPECIALS), A(10, 1, values=SPECIALS), A(10, 1, values=SPECIALS)),
             name="special_table", dtypes=FLOATS),
        Case(op, (A(2, 3), A(4), A(2, 3)), name="shape_mismatch", dtypes=("float32",),
             error="RuntimeError"),
        Case(f"Tensor.{op}_", (A(2, 3, grad=False), A(2, 3), A(3, domain=divisor)),
             {"value": 0.25}, name="inplace", dtypes=("float32", "int64")),
    ]
CASES += [
    Case("addcmul", (A(3), A(3), A(3)), {"value": 0.5}, name="fractional_value_for_ints",
         dtypes=INTS),
    Case("addcmul", (A(4, values=[1.0, 1e30, -1.0, 3.0]), A(4, values=[1e-17, 1e30, 3.0, 1.0]),
                     A(4, values=[1.0, -1.0, 1.0 / 3, 1e-300])), {"value": 3.0},
         name="fused_rounding", dtypes=("float64",)),
    Case("addcmul", (A(4, values=[60000.0, 1.0, 0.0, -0.0]), A(4, values=[300.0, 1e-4, -0.0, 0.0]),
                     A(4, values=[300.0, 1e-4, 2.0, 2.0])), name="overflow",
         dtypes=("float16", "bfloat16")),
    Case("addcmul", (A(3, values=[120, -128, 5]), A(3, values=[10, 2, 20]),
                     A(3, values=[2, -1, 20])), name="int8_wraps", dtypes=("int8",)),
    Case("addcdiv", (A(3), A(3, dtype="int64"), A(3, domain="nonzero", dtype="int64")),
         name="integer_division", dtypes=("int64", "float32"), error="RuntimeError"),
    Case("addcdiv", (A(4, values=[1.0, 1.0, -1.0, 0.0]), A(4, values=[1.0, 0.0, 1.0, 1.0]),
                     A(4, values=[0.0, 0.0, -0.0, INF])), name="by_zero", dtypes=FLOATS),
    Case("addcmul", (A(2, 3), A(2, 3), A(2, 3)), name="bool_tensors", dtypes=("bool",)),
]

# -- clamp with tensor bounds (scalar bounds: unary.py)
LOW, HIGH = A(2, 3, values=[-0.5, 0.0, 0.5]), A(2, 3, values=[0.5, 1.0, 0.25])
CASES += [
    Case("clamp", (A(2, 3), LOW, HIGH), name="tensors", dtypes=ALL),
    Case("clamp", (A(2, 3), A(3, domain="small")), name="tensor_min_only", dtypes=ALL),
    Case("clamp", (A(2, 3),), {"max": A(2, 1, domain="small")}, name="tensor_max_only",
         dtypes=ALL),
    Case("clamp", (A(2, 3), A(3, values=[1.0, 0.0, 0.5]), A(3, values=[0.0, -1.0, 0.5])),
         name="min_above_max", dtypes=FLOATS + ("int64",)),
    Case("clamp", (A(2, 4, 3), A(4, 1), A(3, values=[2.0, 5.0, 0.0])),
         name="broadcast_bounds", dtypes=("float64", "int32")),
    # PyTorch's backward raises when the bounds broadcast the input to a larger shape
    Case("clamp", (A(2, 1, 3), A(4, 1), A(3, values=[2.0, 5.0, 0.0])),
         name="bounds_broadcast_input", dtypes=("float64", "int32"), grad=False),
    Case("clamp", (A(), A(), A(values=[1.0])), name="zero_dim_tensors", dtypes=("float64",)),
    Case("clamp", (A(0, 3), A(3), A(3)), name="empty_tensors", dtypes=("float32",)),
    Case("clamp", (A(3, 4, layout="transposed"), A(3, 4, layout="strided"),
                   A(3, 4, values=[1.0, 2.0], layout="offset")), name="noncontiguous_tensors",
         dtypes=("float64",)),
    Case("clamp", (A(2, 3), A(3, dtype="float64")), name="tensor_min_float64", dtypes=ALL),
    Case("clamp", (A(2, 3), A(3, dtype="int64")), name="tensor_min_int64", dtypes=ALL),
    Case("clamp", (A(2, 3), A(dtype="float64")), name="tensor_min_0d_float64", dtypes=ALL),
    Case("clamp", (A(3, values=[1.0, 2.0, 3.0]), A(3, values=[NAN, 0.0, 0.0]),
                   A(3, values=[5.0, NAN, 2.5])), name="nan_bounds", dtypes=FLOATS),
    # clamp(-0.0, min=0.0) depends on PyTorch's kernel path: -0.0 is left out
    Case("clamp", (A(1, 9, values=UNSIGNED), A(9, 1, values=UNSIGNED)),
         name="special_tensor_min", dtypes=FLOATS),
    Case("clamp", (A(1, 9, values=UNSIGNED),), {"max": A(9, 1, values=UNSIGNED)},
         name="special_tensor_max", dtypes=FLOATS),
    Case("clamp", (A(6, values=[-1.0, 0.5, 2.0, -1.0, 0.5, 2.0]),
                   A(6, values=[1.0, 1.0, 1.0, 0.0, 0.0, 0.0]),
                   A(6, values=[1.0, 1.0, 1.0, 0.0, 0.0, 0.0])), name="grad_equal_bounds",
         dtypes=("float32", "float64")),
    Case("clamp", (A(4),), {"min": True}, name="bool_scalar_min", dtypes=("bool",)),
    Case("clamp", (A(4),), {"min": 0, "max": 1}, name="bool_int_bounds", dtypes=("bool",)),
    Case("clamp", (A(4), A(4, dtype="bool"), A(4, dtype="bool")), name="bool_tensor_bounds",
         dtypes=("bool", "int64")),
    Case("clamp", (A(5, values=[0.5, 0.0, 1.0, -1.0, 2.0]),
                   A(5, values=[0.0, 0.0, 0.0, 0.0, 0.0]), A(5, values=[1.0, 1.0, 1.0, 1.0, 1.0])),
         name="grad_at_bounds", dtypes=("float32", "float64")),
    Case("clamp", (A(2, 3), 0.0, A(3, values=[1.0, 0.0, 0.5])), name="scalar_min_tensor_max",
         dtypes=("float32",), error="TypeError"),
    Case("clamp", (A(2, 3), A(4)), name="bounds_shape_mismatch", dtypes=("float32",),
         error="RuntimeError"),
    Case("clamp", (A(2, 3, values=[1, 2, 3]),), {"min": 1.5}, name="float_bound_int_input",
         dtypes=INTS),
    Case("clamp", (A(3),), {"min": 1000}, name="bound_overflows_dtype", dtypes=("int8",
                                                                               "uint8"),
         error="RuntimeError"),
    Case("clamp", (A(3),), name="no_bounds", dtypes=("float32",), error="RuntimeError"),
    Case("clip", (A(2, 3), LOW, HIGH), name="tensors", dtypes=("float32", "int64")),
    Case("clamp_min", (A(2, 3), A(3, domain="small")), name="tensor", dtypes=FLOATS + INTS),
    Case("clamp_max", (A(2, 3), A(2, 1, domain="small")), name="tensor", dtypes=FLOATS + INTS),
    Case("Tensor.clamp_", (A(2, 3, grad=False), LOW, HIGH), name="inplace_tensors",
         dtypes=("float32", "int64")),
    Case("Tensor.clamp_", (A(2, 3, grad=False, dtype="int64"), 0.5), name="inplace_float_bound",
         dtypes=("float32",), error="RuntimeError"),
]
