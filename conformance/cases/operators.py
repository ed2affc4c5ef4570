"""Python operators on tensors (torsh/ops/operators.py): + - * / // % ** @ == != < <= > >= & |
^ ~ << >> and unary - + abs, with a tensor or a Python scalar on the right, reflected with a
Python scalar on the left (`2 - t`), and augmented (`t += u`, on a clone) — over every dtype,
broadcasting, 0-d tensors, integer overflow, division by zero and the operands PyTorch refuses.

Each operator is a callable named after its dunder (`__add__`, `__radd__`, `__iadd__`), so the
matrix has one row per operator form."""
import operator

import numpy as np

from . import ALL, FLOATS, INTS, A, Case

INF, NAN = float("inf"), float("nan")

BINARY = {
    "add": operator.add, "sub": operator.sub, "mul": operator.mul,
    "truediv": operator.truediv, "floordiv": operator.floordiv, "mod": operator.mod,
    "pow": operator.pow, "and": operator.and_, "or": operator.or_, "xor": operator.xor,
    "lshift": operator.lshift, "rshift": operator.rshift,
}
INPLACE = {
    "add": operator.iadd, "sub": operator.isub, "mul": operator.imul,
    "truediv": operator.itruediv, "floordiv": operator.ifloordiv, "mod": operator.imod,
    "pow": operator.ipow, "and": operator.iand, "or": operator.ior, "xor": operator.ixor,
    "lshift": operator.ilshift, "rshift": operator.irshift, "matmul": operator.imatmul,
}
COMPARISONS = {"eq": operator.eq, "ne": operator.ne, "lt": operator.lt, "le": operator.le,
               "gt": operator.gt, "ge": operator.ge}
# the domain of the right operand (divisors avoid 0, shifts stay small and non-negative)
RIGHT = {"truediv": "nonzero", "floordiv": "nonzero", "mod": "nonzero", "pow": "small",
         "lshift": "shift", "rshift": "shift"}
# a Python scalar for each operator: (int, float, bool); None where PyTorch has no such form
SCALARS = {"lshift": (2, None, None), "rshift": (2, None, None), "and": (6, None, True),
           "or": (6, None, True), "xor": (6, None, True), "pow": (2, 0.5, True),
           "truediv": (2, -1.5, True), "floordiv": (2, -1.5, True), "mod": (3, -1.5, True)}


def _named(name, fn):
    fn.__name__ = name
    return fn


def forward(name, fn):
    return _named(f"__{name}__", lambda lib, a, b: fn(a, b))


def reflected(name, fn):
    """`scalar OP tensor`: the case passes (tensor, scalar); the scalar goes on the left."""
    return _named(f"__r{name}__", lambda lib, a, scalar: fn(scalar, a))


def augmented(name, fn):
    """`c OP= b` on a clone c of the first operand (so a leaf input keeps its gradient)."""
    def apply(lib, a, b):
        c = a.clone()
        result = fn(c, b)
        assert result is c or name == "matmul", "augmented assignment made a new tensor"
        return result
    return _named(f"__i{name}__", apply)


def operand(name, *shape, layout="contiguous", dtype=None):
    domain = RIGHT.get(name, "normal")
    if domain == "shift":
        return A(*shape, values=[0, 1, 2, 3, 1, 5], layout=layout, dtype=dtype)
    return A(*shape, domain=domain, layout=layout, dtype=dtype)


def left(name, *shape, layout="contiguous"):
    return A(*shape, domain="positive" if name == "pow" else "normal", layout=layout)


# PyTorch has no derivative for floor_divide, nor for `scalar % t`, and its pow backward
# subtracts 1 from a bool exponent (and raises): those forms are checked without gradients.
NO_GRAD = {"floordiv": ("forward", "reflected", "augmented"), "mod": ("reflected",)}


def _grad(name, form, scalar=None):
    bool_exponent = name == "pow" and scalar is True and form != "augmented"
    return form not in NO_GRAD.get(name, ()) and not bool_exponent


def _mixed_float64(op, args, grad):
    """float32 `c OP= float64 tensor`: the result is cast to float32, so the float64 operand's
    gradient is float32-precise."""
    return [Case(op, args, name="with_float64", dtypes=tuple(d for d in ALL if d != "float32"),
                 grad=grad),
            Case(op, args, name="with_float64", dtypes=("float32",), grad=grad, rtol=2e-4,
                 atol=1e-5, note="the float64 operand's gradient passes a float32 result")]


CASES = []
for name, fn in BINARY.items():
    op, rop, iop = forward(name, fn), reflected(name, fn), augmented(name, INPLACE[name])
    ints, floats, bools = SCALARS.get(name, (3, 2.5, True))
    grad, igrad = _grad(name, "forward"), _grad(name, "augmented")
    CASES += [
        Case(op, (left(name, 2, 3), operand(name, 2, 3)), dtypes=ALL, grad=grad),
        Case(op, (left(name, 2, 1, 3), operand(name, 4, 1)), name="broadcast",
             dtypes=("float64", "int32"), grad=grad),
        Case(op, (left(name), operand(name)), name="zero_dim", dtypes=("float32", "int64"),
             grad=grad),
        Case(op, (left(name, 3, 4, layout="transposed"), operand(name, 3, 4, layout="strided")),
             name="noncontiguous", dtypes=("float64", "int64"), grad=grad),
        Case(op, (left(name, 0, 3), operand(name, 3)), name="empty", dtypes=("float32",
                                                                             "int64"),
             grad=grad),
        Case(op, (left(name, 2, 3), operand(name, 3, dtype="float64")), name="with_float64",
             dtypes=ALL, grad=grad),
        Case(op, (left(name, 2, 3), operand(name, 3, dtype="uint8")), name="with_uint8",
             dtypes=ALL, grad=grad),
        Case(op, (left(name, 2, 3), operand(name, dtype="int64")), name="with_0d_int64",
             dtypes=ALL, grad=grad),
        Case(op, (left(name, 2, 3), "a"), name="string", dtypes=("float32",),
             error="TypeError"),
        Case(iop, (left(name, 2, 3), operand(name, 2, 3)), dtypes=ALL, grad=igrad),
        Case(iop, (left(name, 2, 3), operand(name, 3)), name="broadcast_other",
             dtypes=("float32", "int64"), grad=igrad),
        Case(iop, (left(name, 3), operand(name, 2, 3)), name="broadcast_self",
             dtypes=("float32", "int64"), error="RuntimeError"),
        Case(iop, (left(name, 2, 3), operand(name, 3, dtype="int16")), name="with_int16",
             dtypes=ALL, grad=igrad),
        Case(iop, (left(name, 2, 3), operand(name, 3, dtype="bool")), name="with_bool",
             dtypes=ALL, grad=igrad and name != "pow"),
        Case(iop, (left(name, 3, 4, layout="transposed"), operand(name, 3, 4)),
             name="noncontiguous_self", dtypes=("float64",), grad=igrad),
    ] + _mixed_float64(iop, (left(name, 2, 3), operand(name, 3, dtype="float64")), igrad)
    for kind, value in (("int", ints), ("float", floats), ("bool", bools)):
        if value is None:
            continue
        CASES += [Case(op, (left(name, 2, 3), value), name=f"scalar_{kind}", dtypes=ALL,
                       grad=_grad(name, "forward", value)),
                  Case(rop, (A(2, 3, domain=RIGHT.get(name, "normal")
                                if RIGHT.get(name) != "shift" else "small"), value),
                       name=f"scalar_{kind}", dtypes=ALL, grad=_grad(name, "reflected", value)),
                  Case(iop, (left(name, 2, 3), value), name=f"scalar_{kind}", dtypes=ALL,
                       grad=_grad(name, "augmented", value))]

# -- division by zero, overflow, special values
FLOOR_MOD = [("floordiv", operator.floordiv), ("mod", operator.mod),
             ("truediv", operator.truediv)]
for name, fn in FLOOR_MOD:
    op, rop = forward(name, fn), reflected(name, fn)
    CASES += [
        Case(op, (A(4, values=[1, -1, 0, 3]), A(4, values=[0, 0, 0, 0])), name="by_zero",
             dtypes=ALL, grad=_grad(name, "forward")),
        Case(op, (A(4, values=[1, -1, 0, 3]), 0), name="by_python_zero", dtypes=ALL,
             grad=_grad(name, "forward")),
        Case(rop, (A(4, values=[0, 2, -1, 0]), 5), name="scalar_by_zero", dtypes=ALL,
             grad=_grad(name, "reflected")),
        Case(op, (A(6, values=[7, -7, 7, -7, 0, 5]), A(6, values=[2, 2, -2, -2, 3, 5])),
             name="signs", dtypes=ALL[:-1], grad=_grad(name, "forward")),
    ]
SPECIALS = [0.0, -0.0, 1.0, -1.0, 0.5, -2.5, 3.0, INF, -INF, NAN]
for name in ("add", "sub", "mul", "truediv", "floordiv", "mod", "pow"):
    CASES.append(Case(forward(name, BINARY[name]),
                      (A(1, 10, values=SPECIALS), A(10, 1, values=SPECIALS)),
                      name="special_table", dtypes=FLOATS, grad=_grad(name, "forward")))
CASES += [
    Case(forward("add", operator.add), (A(3, values=[127, -128, 100]), A(3, values=[1, -1, 100])),
         name="int8_overflow", dtypes=("int8",)),
    Case(forward("mul", operator.mul), (A(3, values=[2 ** 62, -3, 2 ** 40]),
                                        A(3, values=[4, 2 ** 62, 2 ** 30])),
         name="int64_overflow", dtypes=("int64",)),
    Case(reflected("sub", operator.sub), (A(3, values=[1, 0, 255]), 0), name="uint8_wraps",
         dtypes=("uint8",)),
    Case(augmented("add", operator.iadd), (A(3, values=[250, 5, 0]), 10), name="uint8_wraps",
         dtypes=("uint8",)),
    Case(forward("pow", operator.pow), (A(3), -1), name="int_negative_exponent", dtypes=INTS,
         error="RuntimeError"),
    Case(reflected("pow", operator.pow), (A(4, values=[-2, -1, 0, 3]), 2), name="int_exponents",
         dtypes=INTS + ("float32",)),
    Case(reflected("pow", operator.pow), (A(4, values=[0.5, -1.0, 0.0, 3.0]), 0.0),
         name="zero_base", dtypes=FLOATS),
    Case(forward("lshift", operator.lshift), (A(4, values=[1, -1, 3, 64]),
                                              A(4, values=[3, 1, 7, 1])),
         name="wraps", dtypes=INTS),
    Case(reflected("lshift", operator.lshift), (A(3, values=[0, 3, 7]), 1), name="scalar_one",
         dtypes=INTS),
    Case(reflected("rshift", operator.rshift), (A(3, values=[0, 3, 7]), -128),
         name="scalar_negative", dtypes=INTS),
    Case(forward("sub", operator.sub), (A(3), A(3)), name="bools", dtypes=("bool",),
         error="RuntimeError"),
    Case(reflected("sub", operator.sub), (A(3), True), name="true_minus_tensor",
         dtypes=("float32", "bool"), error="RuntimeError"),
    Case(forward("pow", operator.pow), (A(4), False), name="bool_to_false", dtypes=("bool",)),
    Case(augmented("pow", operator.ipow), (A(4), False), name="bool_to_false",
         dtypes=("bool",)),
    Case(forward("pow", operator.pow), (A(4), A(4, dtype="bool")), name="bool_tensors",
         dtypes=("bool",), error="NotImplementedError"),
    Case(reflected("add", operator.add), (A(2, 3), np.float64(2.5)), name="numpy_scalar",
         dtypes=("float32", "int64", "float16")),
    Case(forward("mul", operator.mul), (A(2, 3), np.int32(3)), name="numpy_int_scalar",
         dtypes=("float32", "int8", "bool")),
]

# -- comparisons: forward with a tensor or scalar, and with the scalar on the left (the
# reflected comparison is the swapped one: `2 < t` is `t > 2`)
for name, fn in COMPARISONS.items():
    op = forward(name, fn)
    rop = _named(f"__r{name}__", lambda lib, a, scalar, fn=fn: fn(scalar, a))
    CASES += [
        Case(op, (A(2, 3, domain="small"), A(2, 3, domain="small")), dtypes=ALL),
        Case(op, (A(2, 1, 3, domain="small"), A(4, 1, domain="small")), name="broadcast",
             dtypes=("float64", "int32")),
        Case(op, (A(2, 3, domain="small"), A(3, domain="small", dtype="float64")),
             name="with_float64", dtypes=ALL),
        Case(op, (A(2, 3, domain="small"), 1), name="scalar_int", dtypes=ALL),
        Case(op, (A(2, 3, domain="small"), 0.5), name="scalar_float", dtypes=ALL),
        Case(op, (A(2, 3, domain="small"), True), name="scalar_bool", dtypes=ALL),
        Case(rop, (A(2, 3, domain="small"), 1), name="scalar_int", dtypes=ALL),
        Case(rop, (A(2, 3, domain="small"), -0.5), name="scalar_float", dtypes=ALL),
        Case(op, (A(1, 10, values=SPECIALS), A(10, 1, values=SPECIALS)), name="special_table",
             dtypes=FLOATS),
    ]
CASES += [
    Case(forward("eq", operator.eq), (A(3), None), name="none", dtypes=("float32",)),
    Case(forward("ne", operator.ne), (A(3), None), name="none", dtypes=("float32",)),
    Case(forward("eq", operator.eq), (A(3), "a"), name="string", dtypes=("float32",)),
    Case(forward("lt", operator.lt), (A(3), "a"), name="string", dtypes=("float32",),
         error="TypeError"),
    Case(forward("eq", operator.eq), (A(2, 3), A(4)), name="shape_mismatch",
         dtypes=("float32",), error="RuntimeError"),
]

# -- matmul: `a @ b` and `a @= b` (Python rebinds: PyTorch has no in-place matmul)
MATMUL = forward("matmul", operator.matmul)
CASES += [
    Case(MATMUL, (A(2, 3), A(3, 4)), dtypes=ALL),
    Case(MATMUL, (A(3), A(3)), name="vector_vector", dtypes=("float32", "int64")),
    Case(MATMUL, (A(2, 3), A(3)), name="matrix_vector", dtypes=("float64",)),
    Case(MATMUL, (A(3), A(3, 2)), name="vector_matrix", dtypes=("float64",)),
    Case(MATMUL, (A(2, 1, 2, 3), A(3, 3, 2)), name="batched_broadcast", dtypes=("float32",)),
    Case(MATMUL, (A(3, 2, layout="transposed"), A(3, 2, layout="strided")),
         name="noncontiguous", dtypes=("float64",)),
    Case(MATMUL, (A(0, 3), A(3, 2)), name="empty", dtypes=("float32",)),
    Case(MATMUL, (A(2, 3), A(3, 2, dtype="float64")), name="mixed_dtypes",
         dtypes=("float32",), error="RuntimeError"),
    Case(MATMUL, (A(2, 3), A(2, 3)), name="shape_mismatch", dtypes=("float32",),
         error="RuntimeError"),
    Case(MATMUL, (A(), A(3)), name="zero_dim", dtypes=("float32",), error="RuntimeError"),
    Case(MATMUL, (A(2, 3), 2.0), name="scalar", dtypes=("float32",), error="TypeError"),
    Case(reflected("matmul", operator.matmul), (A(2, 3), 2), name="scalar",
         dtypes=("float32",), error="TypeError"),
    Case(augmented("matmul", operator.imatmul), (A(2, 3), A(3, 3)), dtypes=("float32",
                                                                            "int64")),
]

# -- unary operators
UNARY = {"__neg__": operator.neg, "__pos__": operator.pos, "__abs__": operator.abs,
         "__invert__": operator.invert}
for dunder, fn in UNARY.items():
    op = _named(dunder, lambda lib, a, fn=fn: fn(a))
    CASES += [
        Case(op, (A(2, 3),), dtypes=ALL),
        Case(op, (A(3, 4, layout="transposed"),), name="noncontiguous", dtypes=("float64",
                                                                                  "int32")),
        Case(op, (A(),), name="zero_dim", dtypes=("float32", "int64")),
        Case(op, (A(0, 2),), name="empty", dtypes=("float32",)),
    ]
CASES += [
    Case(_named("__neg__", lambda lib, a: -a), (A(3, values=[-128, 127, 0]),),
         name="int8_wraps", dtypes=("int8",)),
    Case(_named("__abs__", lambda lib, a: abs(a)), (A(3, values=[-128, -1, 0]),),
         name="int8_wraps", dtypes=("int8",)),
    Case(_named("__neg__", lambda lib, a: -a), (A(4, values=[0.0, -0.0, INF, NAN]),),
         name="special", dtypes=FLOATS),
]
