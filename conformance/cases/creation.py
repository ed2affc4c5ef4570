"""Creation functions, compared by value: tensor (dtype inference from nested data), zeros /
ones / full and their _like and new_ forms, arange, range, linspace, logspace, eye,
scalar_tensor; empty-memory functions by shape, stride and dtype only; the bad arguments
creation and random functions refuse (random values differ between libraries: only their
errors are comparable).

Most cases take no tensor: their arguments are plain Python values and the case dtype is a
label (the dtype under test is passed as a `DType` keyword where it matters).
"""
from . import ALL, FLOATS, INTS, A, Case, DType

F32 = ("float32",)
F64 = ("float64",)
NAN, INF = float("nan"), float("inf")


def _typed(op, args, dtypes, name, refused=(), **kwargs):
    """One case per dtype, passing it as `dtype=`: the creation function's dtype argument.
    The dtypes in `refused` expect PyTorch's RuntimeError (a value that does not fit)."""
    return [Case(op, args, kwargs={**kwargs, "dtype": DType(d)}, dtypes=(d,), name=name,
                 grad=False, error="RuntimeError" if d in refused else None) for d in dtypes]


def _described(lib, x):
    """What an uninitialised tensor can be compared by: shape and stride (as int64 tensors)
    and dtype (an empty tensor of that dtype)."""
    return lib.tensor(list(x.shape)), lib.tensor(list(x.stride())), x.reshape(-1)[:0]


def empty(lib, *size, **kwargs):
    """torch.empty, by shape / stride / dtype"""
    return _described(lib, lib.empty(*size, **kwargs))


def empty_like(lib, x, **kwargs):
    return _described(lib, lib.empty_like(x, **kwargs))


def empty_strided(lib, size, stride, **kwargs):
    return _described(lib, lib.empty_strided(size, stride, **kwargs))


def new_empty(lib, x, *size, **kwargs):
    return _described(lib, x.new_empty(*size, **kwargs))


def tensor_of_tensors(lib):
    """tensor([tensor(1.5), tensor(2.)]): 0-d tensors inside a list become numbers"""
    return lib.tensor([lib.tensor(1.5), lib.tensor(2.0)])


def tensor_of_tensor_rows(lib):
    """a tensor inside a list is a number: two elements are refused (TypeError for an
    integer result, ValueError for a float one)"""
    return lib.tensor([lib.tensor([1, 2]), lib.tensor([3, 4])])


def tensor_of_float_tensor_rows(lib):
    return lib.tensor([lib.tensor([1.5, 2.0])])


def tensor_of_one_element_tensors(lib):
    """tensor([tensor([1]), tensor([2])]) is [1, 2]: one-element tensors count as numbers"""
    return lib.tensor([[lib.tensor([1])], [lib.tensor([2])]])


def tensor_of_float_tensor_as_int(lib):
    """a float tensor as an element of an integer result is refused, even with one element"""
    return lib.tensor([lib.tensor(2.5)], dtype=lib.int64)


def tensor_dtype_from_tensors(lib):
    """the dtypes of tensors in the data promote with the numbers' kinds"""
    return (lib.tensor([lib.tensor(1.5, dtype=lib.float64), 2]),
            lib.tensor([lib.tensor(1.5, dtype=lib.float16), 2]),
            lib.tensor([lib.tensor(1, dtype=lib.int8), lib.tensor(2, dtype=lib.uint8)]),
            lib.tensor([lib.tensor(1, dtype=lib.int8), 2.5]))


def tensor_dtype_from_numpy_scalars(lib):
    import numpy as np
    return (lib.tensor([np.float64(1.5), 2]), lib.tensor([np.int16(1), np.int8(2)]),
            lib.tensor(np.float32(2.5)), lib.tensor([np.array([1, 2]), np.array([3, 4])]))


def tensor_float64_default(lib):
    """tensor([1.5]) and arange(0.5, 2) under set_default_dtype(float64)"""
    previous = lib.get_default_dtype()
    lib.set_default_dtype(lib.float64)
    try:
        return lib.tensor([1.5, 2]), lib.arange(0.5, 2), lib.zeros(2), lib.tensor([1, 2])
    finally:
        lib.set_default_dtype(previous)


def full_tensor_value(lib):
    """full((2,), tensor(2.5)): a 0-d tensor as the fill value"""
    return lib.full((2,), lib.tensor(2.5))


def arange_of_tensors(lib):
    """arange(tensor(3)), arange(tensor(0.5), 3): 0-d tensors as bounds"""
    return lib.arange(lib.tensor(3)), lib.arange(lib.tensor(0.5), 3)


def linspace_of_tensors(lib):
    return lib.linspace(lib.tensor(0.0), lib.tensor(1.0), 3)


NESTED = {
    "ints": [[1, 2, 3], [4, 5, 6]],
    "floats": [[1.5, -2.0], [0.25, 3.0]],
    "bools": [True, False, True],
    "int_float": [1, 2.5, -3],
    "bool_int": [True, 2, False],
    "bool_float": [[True, 0.5]],
    "scalar_int": 7,
    "scalar_float": -0.5,
    "scalar_bool": False,
    "empty": [],
    "empty_rows": [[], []],
    "tuples": ((1, 2), (3, 4)),
    "deep": [[[1.0], [2.0]], [[3.0], [4.0]]],
    "special": [NAN, INF, -INF, -0.0, 1e-40, 1e39],
    "big_int": [2 ** 62, -2 ** 63],
}

CASES = [Case("tensor", (data,), dtypes=F32, name=name, grad=False)
         for name, data in NESTED.items()]
CASES += [
    *_typed("tensor", ([[1.7, -2.5], [0.3, 255.9]],), FLOATS + ("int16", "int32", "int64",
                                                               "bool"), "explicit_dtype"),
    # integers refuse what does not fit (a float beyond the range, even if it truncates into
    # it; NaN; inf), but a negative int wraps into uint8 when its magnitude fits
    *_typed("tensor", ([1.7, 127.5],), ("int8",), "float_overflow", ("int8",)),
    *_typed("tensor", ([-1.0],), ("uint8",), "negative_float_to_uint8", ("uint8",)),
    *_typed("tensor", ([-256, -255],), ("uint8",), "int_overflow_uint8",
            ("uint8",)),
    *_typed("tensor", ([200],), ("int8",), "int_overflow_int8", ("int8",)),
    *_typed("tensor", ([NAN],), ("int32",), "nan_to_int", ("int32",)),
    *_typed("tensor", ([INF],), ("int64",), "inf_to_int", ("int64",)),
    *_typed("tensor", ([1e20],), ("int64",), "float_overflow_int64",
            ("int64",)),
    *_typed("tensor", ([2 ** 64],), ("float64", "bool"), "huge_int_to_float"),
    *_typed("tensor", ([0.1, 1e-8, 65504.0, 70000.0],), FLOATS, "rounds"),
    *_typed("tensor", ([True, False],), INTS + F32, "from_bools"),
    Case("tensor", ([-1, 2.5],), kwargs={"dtype": DType("uint8")}, dtypes=("uint8",),
         name="negative_to_uint8", grad=False),
    Case(tensor_of_tensors, (), dtypes=F32, grad=False),
    Case(tensor_of_tensor_rows, (), dtypes=("int64",), error="TypeError"),
    Case(tensor_of_float_tensor_rows, (), dtypes=F32, error="ValueError"),
    Case(tensor_of_one_element_tensors, (), dtypes=("int64",), grad=False),
    Case(tensor_of_float_tensor_as_int, (), dtypes=("int64",), error="TypeError"),
    Case(tensor_dtype_from_tensors, (), dtypes=F32, grad=False),
    Case(tensor_dtype_from_numpy_scalars, (), dtypes=F32, grad=False),
    Case(tensor_float64_default, (), dtypes=F64, grad=False),
    Case("tensor", ([[1, 2], [3]],), dtypes=F32, error="ValueError", name="ragged"),
    Case("tensor", ([1, [2, 3]],), dtypes=F32, error="ValueError", name="ragged_depth"),
    Case("tensor", (["a", "b"],), dtypes=F32, error="ValueError", name="strings"),
    Case("tensor", ([2 ** 64],), dtypes=F32, error="ValueError", name="int_overflow"),
    Case("tensor", ([2 ** 63],), dtypes=F32, error="ValueError", name="int_overflow_63"),
    Case("tensor", ([[1, 2], 3],), dtypes=F32, error="TypeError", name="not_a_sequence"),
    Case("tensor", ([1, None],), dtypes=F32, error="RuntimeError", name="none"),
    Case("tensor", ([1, "a"],), dtypes=F32, error="TypeError", name="string_item"),
    Case("tensor", ([[], [1]],), dtypes=F32, name="empty_first_row", grad=False,
         note="PyTorch reads the shape from the first row and stores nothing"),
    Case("as_tensor", ([[1, 2], [3, 4]],), dtypes=("int64",), grad=False),
    Case("as_tensor", ([1.5, 2],), kwargs={"dtype": DType("float64")}, dtypes=F64,
         name="dtype", grad=False),

    # ---------------------------------------------------------------- zeros, ones, full
    *_typed("zeros", (2, 3), ALL, "typical"),
    *_typed("ones", ((2, 3),), ALL, "typical"),
    Case("zeros", ([2, 1, 2],), dtypes=F32, name="list_size", grad=False),
    Case("ones", (), kwargs={"size": (3, 1)}, dtypes=F32, name="size_keyword", grad=False),
    Case("zeros", ((),), dtypes=F32, name="zero_dim", grad=False),
    # (zeros() with no size at all is a TypeError in PyTorch; torsh accepts it as 0-d)
    Case("ones", (2,), kwargs={"size": (2,)}, dtypes=F32, name="size_twice",
         error="TypeError"),
    Case("ones", (0, 3), dtypes=F32, name="empty", grad=False),
    Case("zeros", (2, -1), dtypes=F32, error="RuntimeError", name="negative"),
    Case("ones", ((2.5, 1),), dtypes=F32, error="TypeError", name="float_size"),
    Case("full", ((2, 3), 1.5), dtypes=F32, name="float_fill", grad=False),
    Case("full", ((2,), 7), dtypes=("int64",), name="int_fill", grad=False),
    Case("full", ((2,), True), dtypes=("bool",), name="bool_fill", grad=False),
    Case("full", ((3,), NAN), dtypes=F32, name="nan_fill", grad=False),
    Case("full", ((), -INF), dtypes=F32, name="zero_dim", grad=False),
    Case("full", ((0, 2), 1.0), dtypes=F32, name="empty", grad=False),
    *_typed("full", ((2, 2), 2.75), ALL, "typed"),
    # the fill value must fit the dtype (checked as PyTorch's Scalar conversion)
    *_typed("full", ((2,), 300), ("int8", "uint8", "float16"), "out_of_range_int",
            ("int8", "uint8")),
    *_typed("full", ((2,), 70000.0), ("float16", "float32"), "out_of_range_float", ("float16",)),
    *_typed("full", ((2,), 1e39), ("float32", "float64", "bfloat16"), "beyond_float32",
            ("float32", "bfloat16")),
    *_typed("full", ((2,), INF), ("float16", "int32"), "inf", ("int32",)),
    *_typed("full", ((2,), NAN), ("int64", "bool"), "nan", ("int64",)),
    *_typed("full", ((2,), 127.5), ("int8",), "float_beyond_int8", ("int8",)),
    *_typed("full", ((2,), -0.5), ("uint8",), "negative_float_uint8", ("uint8",)),
    *_typed("full", ((2,), -256), ("uint8",), "int_overflow_uint8", ("uint8",)),
    *_typed("full", ((2,), 2 ** 63), ("int64", "float32"), "int64_overflow",
            ("int64",)),
    Case("full", ((2,), -2 ** 63 - 1), dtypes=F32, error="OverflowError",
         name="int_below_int64"),
    Case(full_tensor_value, (), dtypes=F32, grad=False),
    Case("full", ((-1,), 1.0), dtypes=F32, error="RuntimeError", name="negative"),
    Case("full", (3, 1.0), dtypes=F32, error="TypeError", name="int_size"),
    Case("full", ((2,), True), kwargs={"dtype": DType("int64")}, dtypes=("int64",),
         name="bool_to_int", grad=False),
    Case("full", ((2,), 5), kwargs={"dtype": DType("bool")}, dtypes=("bool",),
         name="int_to_bool", grad=False),
    Case("full", ((2,), 1.5), kwargs={"dtype": DType("int64")}, dtypes=("int64",),
         name="float_to_int", grad=False),
    Case("full", ((2,), -1), kwargs={"dtype": DType("uint8")}, dtypes=("uint8",),
         name="negative_to_uint8", grad=False),
    Case("full", ((2,), 1.5), kwargs={"dtype": DType("bool")}, dtypes=("bool",),
         name="float_to_bool", grad=False),

    # ---------------------------------------------------------------- _like and new_
    Case("zeros_like", (A(2, 3),), dtypes=ALL, grad=False),
    Case("ones_like", (A(2, 3, layout="transposed"),), dtypes=ALL, grad=False),
    Case("ones_like", (A(0, 2),), dtypes=F32, name="empty", grad=False),
    Case("zeros_like", (A(),), kwargs={"dtype": DType("int32")}, dtypes=F32, name="dtype",
         grad=False),
    Case("full_like", (A(2, 2), 2.5), dtypes=ALL, grad=False),
    Case("full_like", (A(3), NAN), dtypes=FLOATS, name="nan", grad=False),
    Case("full_like", (A(3), 300), dtypes=("float16",), name="fits", grad=False),
    Case("full_like", (A(3), 300), dtypes=("int8",), name="overflow", error="RuntimeError"),
    Case("Tensor.new_full", (A(2), (2,), 1e39), dtypes=F32, name="overflow",
         error="RuntimeError"),
    Case("full_like", (A(3, dtype="int64"), 1.5), kwargs={"dtype": DType("float64")},
         dtypes=F32, name="dtype", grad=False),
    Case("Tensor.new_zeros", (A(2), (2, 3)), dtypes=("float64", "int32", "bool"), grad=False),
    Case("Tensor.new_ones", (A(2), 3, 1), dtypes=("float16", "int64"), grad=False),
    Case("Tensor.new_full", (A(2), (2,), 4.5), dtypes=("float32", "int16"), grad=False),
    Case("Tensor.new_tensor", (A(2), [1, 2.5]), dtypes=("float64", "int8"), grad=False),
    Case("Tensor.new_zeros", (A(2), (2,)), kwargs={"dtype": DType("bool")}, dtypes=F32,
         name="dtype", grad=False),

    # ---------------------------------------------------------------- empty: shape only
    *[Case(empty, (2, 3), kwargs={"dtype": DType(d)}, dtypes=(d,), grad=False)
      for d in ("float32", "float64", "int64", "bool")],
    Case(empty, ((0, 2),), dtypes=F32, name="empty", grad=False),
    Case(empty_like, (A(2, 3),), dtypes=("float16", "int8"), grad=False),
    Case(empty_like, (A(2, 3),), kwargs={"dtype": DType("float64")}, dtypes=F32,
         name="dtype", grad=False),
    Case(empty_strided, ((2, 3), (1, 2)), dtypes=F32, grad=False),
    Case(empty_strided, ((2, 0), (1, 1)), kwargs={"dtype": DType("int32")}, dtypes=F32,
         name="empty", grad=False),
    Case(empty_strided, ((2, 3), (1,)), dtypes=F32, name="stride_length",
         error="RuntimeError"),
    Case(empty_strided, ((2, -3), (1, 1)), dtypes=F32, name="negative", error="RuntimeError"),
    Case(new_empty, (A(2), (3, 1)), dtypes=("float64", "uint8"), grad=False),
    Case("empty", (-2,), dtypes=F32, error="RuntimeError", name="negative"),

    # ---------------------------------------------------------------- ranges
    Case("arange", (5,), dtypes=("int64",), name="end", grad=False),
    Case("arange", (2, 7), dtypes=("int64",), name="start_end", grad=False),
    Case("arange", (1, 10, 3), dtypes=("int64",), name="step", grad=False),
    Case("arange", (5, 0, -1), dtypes=("int64",), name="negative_step", grad=False),
    Case("arange", (10, -3, -4), dtypes=("int64",), name="negative_step_uneven",
         grad=False),
    Case("arange", (0.0, 1.0, 0.25), dtypes=F32, name="float_step", grad=False),
    Case("arange", (2.5,), dtypes=F32, name="float_end", grad=False),
    Case("arange", (1.0, -1.0, -0.5), dtypes=F32, name="float_negative_step", grad=False),
    Case("arange", (0.1, 0.4, 0.1), dtypes=F32, name="inexact_step", grad=False),
    Case("arange", (-1, 1, 0.3), dtypes=F32, name="int_bounds_float_step", grad=False),
    Case("arange", (0,), dtypes=("int64",), name="empty", grad=False),
    Case("arange", (3, 3), dtypes=("int64",), name="start_is_end", grad=False),
    *_typed("arange", (0, 5), ALL[:-1], "typed"),
    *_typed("arange", (0, 2, 0.5), FLOATS + ("int32",), "typed_float_step"),
    Case("arange", (0.5, 3.5), kwargs={"dtype": DType("int32")}, dtypes=("int32",),
         name="float_bounds_int_dtype", grad=False),
    Case("arange", (-3.5, 1), kwargs={"dtype": DType("int64")}, dtypes=("int64",),
         name="negative_float_start_int_dtype", grad=False),
    Case(arange_of_tensors, (), dtypes=F32, grad=False),
    Case("arange", (0, 5, 0), dtypes=F32, error="RuntimeError", name="zero_step"),
    Case("arange", (0, 5, -1), dtypes=F32, error="RuntimeError", name="wrong_sign"),
    Case("arange", (5, 0), dtypes=F32, error="RuntimeError", name="end_before_start"),
    Case("arange", (0, INF), dtypes=F32, error="RuntimeError", name="infinite"),
    Case("arange", (0, NAN), dtypes=F32, error="RuntimeError", name="nan"),
    Case("arange", (0, 2), kwargs={"dtype": DType("bool")}, dtypes=("bool",),
         error="NotImplementedError", name="bool"),
    Case("arange", (0, 5, NAN), dtypes=F32, error="RuntimeError", name="nan_step"),
    # integer results truncate start and step first (int64 also end, and counts in integers)
    *_typed("arange", (0.5, 3.7, 0.9), ("int32", "float16", "float64"), "inexact"),
    *_typed("arange", (0, 3.5), ("int64", "int32"), "float_end_int"),
    *_typed("arange", (-1.5, -0.2), ("int64", "int16"), "truncated_bounds"),
    *_typed("arange", (5, 0, -1.7), ("int64", "int8"), "truncated_negative_step"),
    *_typed("arange", (0, 300, 100), ("int8", "uint8"), "wraps"),
    Case("arange", (0, 2, 0.5), kwargs={"dtype": DType("int64")}, dtypes=("int64",),
         error="ValueError", name="step_truncates_to_zero"),
    Case("range", (0, 3), dtypes=F32, grad=False),
    Case("range", (1, 2, 0.25), dtypes=F32, name="float_step", grad=False),
    Case("range", (3, 0, -1), kwargs={"dtype": DType("int64")}, dtypes=("int64",),
         name="negative_step", grad=False),
    Case("range", (5, 0, -1.5), dtypes=F32, name="float_negative_step", grad=False),
    Case("range", (0, 1, 0.1), dtypes=F32, name="inexact_step", grad=False),
    Case("range", (3, 3), dtypes=F32, name="one", grad=False),
    # (a step truncating to 0 for an integer dtype crashes PyTorch 2.13: not a case)
    *_typed("range", (5, 0, -1.5), ("int64", "int16"), "truncated_step"),
    *_typed("range", (0.5, 2.4, 0.5), ("float16", "float64"), "typed"),
    *_typed("range", (-2.5, 1), ("int64", "int8"), "truncated_bounds"),
    Case("range", (0, 1, 0), dtypes=F32, error="RuntimeError", name="zero_step"),
    Case("range", (1, 0, 0.5), dtypes=F32, error="RuntimeError", name="wrong_sign"),
    Case("range", (0, INF), dtypes=F32, error="RuntimeError", name="infinite"),
    Case("range", (0, 3), kwargs={"dtype": DType("bool")}, dtypes=("bool",),
         error="NotImplementedError", name="bool"),
    Case("linspace", (0, 1, 5), dtypes=F32, grad=False),
    Case("linspace", (-1.0, 1.0, 4), dtypes=F32, name="even_steps", grad=False),
    Case("linspace", (3, -2, 6), dtypes=F32, name="descending", grad=False),
    Case("linspace", (0.1, 0.7, 7), dtypes=F32, name="inexact", grad=False),
    Case("linspace", (2, 5, 1), dtypes=F32, name="one_step", grad=False),
    Case("linspace", (2, 5, 0), dtypes=F32, name="no_steps", grad=False),
    *_typed("linspace", (0, 10, 4), ALL[:-1], "typed"),
    *_typed("linspace", (-3, 4, 8), ("int8", "int64", "uint8"), "typed_negative"),
    *_typed("linspace", (0.2, 1.7, 11), FLOATS, "typed_inexact"),
    Case("linspace", (0, 1, -1), dtypes=F32, error="RuntimeError", name="negative_steps"),
    Case("linspace", (0, 1, 2.5), dtypes=F32, error="TypeError", name="float_steps"),
    Case(linspace_of_tensors, (), dtypes=F32, grad=False),
    # integer results convert start and end to the dtype first (truncating, wrapping)
    *_typed("linspace", (0.9, 3.1, 3), ("int64", "int16"), "truncated_bounds"),
    *_typed("linspace", (2.7, 5, 1), ("int32",), "one_step_truncates"),
    *_typed("linspace", (-300, 3, 3), ("int8",), "start_overflows", ("int8",)),
    *_typed("linspace", (1e39, 1, 3), ("float32", "float64"), "start_beyond_float32",
            ("float32",)),
    Case("linspace", (0, 1, 3), kwargs={"dtype": DType("bool")}, dtypes=("bool",),
         error="NotImplementedError", name="bool"),
    Case("logspace", (0, 2, 3), dtypes=F32, grad=False),
    Case("logspace", (-1.0, 1.0, 5), kwargs={"base": 2.0}, dtypes=F32, name="base",
         grad=False),
    Case("logspace", (1, 3, 3), kwargs={"base": 3}, dtypes=F32, name="int_base",
         grad=False),
    Case("logspace", (2, 0, 3), dtypes=F32, name="descending", grad=False),
    Case("logspace", (1, 2, 1), dtypes=F32, name="one_step", grad=False),
    Case("logspace", (1, 2, 0), dtypes=F32, name="no_steps", grad=False),
    *_typed("logspace", (0, 3, 4), ("float64", "float16", "bfloat16", "int64", "uint8"),
            "typed"),
    Case("logspace", (0, 1, -2), dtypes=F32, error="RuntimeError", name="negative_steps"),
    *_typed("logspace", (0.5, 2.5, 3), ("int64", "int32"), "truncated_bounds"),
    *_typed("logspace", (0.5, 2.5, 1), ("int64",), "one_step"),
    *_typed("logspace", (0, 2, 3), ("int64",), "float_base", base=2.5),
    *_typed("logspace", (0, 3, 4), ("int64",), "small_base", base=0.1),
    *_typed("logspace", (-1, 2, 4), ("float32", "float64", "int16"), "negative_base",
            base=-2.0),
    *_typed("logspace", (-2, 0, 3), ("float32",), "zero_base", base=0.0),
    *_typed("logspace", (-1, 2, 4), ("uint8",), "uint8"),
    *_typed("logspace", (0.1, 0.7, 5), ("float16", "bfloat16"), "rounded_bounds"),
    Case("logspace", (0, 1, 3), kwargs={"dtype": DType("bool")}, dtypes=("bool",),
         error="NotImplementedError", name="bool"),

    # ---------------------------------------------------------------- eye, scalar_tensor
    Case("eye", (3,), dtypes=F32, grad=False),
    Case("eye", (2, 4), dtypes=F32, name="rectangular", grad=False),
    Case("eye", (3, 1), dtypes=F32, name="tall", grad=False),
    Case("eye", (0,), dtypes=F32, name="empty", grad=False),
    Case("eye", (2, 0), dtypes=F32, name="no_columns", grad=False),
    *_typed("eye", (2,), ALL, "typed"),
    Case("eye", (-1,), dtypes=F32, error="RuntimeError", name="negative"),
    Case("eye", (2, -3), dtypes=F32, error="RuntimeError", name="negative_columns"),
    Case("eye", (2.5,), dtypes=F32, error="TypeError", name="float_size"),
    Case("scalar_tensor", (2.5,), dtypes=F32, grad=False),
    Case("scalar_tensor", (3,), dtypes=F32, name="int", grad=False),
    Case("scalar_tensor", (True,), kwargs={"dtype": DType("bool")}, dtypes=("bool",),
         name="bool", grad=False),
    *_typed("scalar_tensor", (300,), ("int8", "int16"), "overflow", ("int8",)),

    # ---------------------------------------------------------------- random: errors only
    Case("randint", (5, 2, (3,)), dtypes=F32, error="RuntimeError", name="low_above_high"),
    Case("randint", (3, 3, (2,)), dtypes=F32, error="RuntimeError", name="empty_range"),
    Case("randint", (0, 5, (-1,)), dtypes=F32, error="RuntimeError", name="negative_size"),
    Case("randint", (5,), dtypes=F32, error="TypeError", name="no_size"),
    Case("randint", (0, 300, (2,)), kwargs={"dtype": DType("uint8")}, dtypes=F32,
         error="RuntimeError", name="high_beyond_dtype"),
    Case("randperm", (-1,), dtypes=F32, error="RuntimeError", name="negative"),
    Case("randperm", (3,), kwargs={"dtype": DType("bool")}, dtypes=F32,
         error="RuntimeError", name="bool"),
    Case("randperm", (300,), kwargs={"dtype": DType("int8")}, dtypes=F32,
         error="RuntimeError", name="beyond_dtype"),
    Case("rand", (2, -1), dtypes=F32, error="RuntimeError", name="negative_size"),
    Case("randn", (2,), kwargs={"dtype": DType("int64")}, dtypes=F32, error="RuntimeError",
         name="int_dtype"),
    Case("multinomial", (A(3, values=[0.2, -0.1, 0.5]), 1), dtypes=F32, error="RuntimeError",
         name="negative_probability"),
    Case("multinomial", (A(3, values=[0.2, 0.1, 0.5]), 4), dtypes=F32, error="RuntimeError",
         name="too_many_samples"),
    Case("multinomial", (A(3, values=[0.2, 0.1, 0.5]), 0), dtypes=F32, error="RuntimeError",
         name="no_samples"),
    Case("multinomial", (A(2, 2, 2, domain="positive"), 1), dtypes=F32, error="RuntimeError",
         name="3d"),
    Case("multinomial", (A(3, values=[0.0, 0.0, 0.0]), 1), dtypes=F32, error="RuntimeError",
         name="zero_sum"),
    Case("multinomial", (A(3, values=[1.0, NAN, 0.5]), 1), dtypes=F32, error="RuntimeError",
         name="nan"),
    Case("multinomial", (A(3, values=[1.0, INF, 0.5]), 1), dtypes=F32, error="RuntimeError",
         name="inf"),
    Case("multinomial", (A(3, values=[1, 2, 3]), 1), dtypes=("int64",), error="RuntimeError",
         name="int"),
    Case("multinomial", (A(0, 3, domain="positive"), 1), dtypes=F32, name="no_rows",
         grad=False, note="empty: nothing random to compare"),
    Case("multinomial", (A(3, values=[0.2, 0.1, 0.5]), -1), dtypes=F32,
         error="RuntimeError", name="negative_samples"),
]
