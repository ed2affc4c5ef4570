"""Views and copies of one tensor: view/reshape and friends, permutations, expand, slicing
(narrow, select, split, ...), as_strided, diagonal, unfold, and the copies contiguous, clone,
to(dtype) (every dtype to every dtype, float-to-integer truncation and wrapping) and copy_.

Views accept every dtype, so each op's typical case runs in ALL; the layouts, 0-d and empty
cases run in one float dtype (their gradients too). Error cases name the exception class
PyTorch raises.
"""
from . import ALL, FLOATS, INTS, A, Case, DType

F64 = ("float64",)
F32 = ("float32",)
IDX_SECTIONS = A(values=[2], dtype="int64", grad=False)
IDX_INDICES = A(2, values=[1, 3], dtype="int64", grad=False)


# ------------------------------------------------------------ callables for attributes

def T(lib, x):
    return x.T


def mT(lib, x):
    return x.mT


def mH(lib, x):
    return x.mH


def fill_(lib, x, value):
    """fill_ on a clone, so that the input stays a leaf."""
    return x.clone().fill_(value)


def copy_(lib, x, src):
    """copy_ into a clone, so that the input stays a leaf."""
    target = x.clone()
    target.copy_(src)
    return target


def layout_cases(op, shape, *rest, dtypes=F64, **kw):
    """The op on transposed, strided, expanded and offset versions of an input of `shape`."""
    return [Case(op, (A(*shape, layout=layout),) + rest, dtypes=dtypes, name=layout, **kw)
            for layout in ("transposed", "strided", "expanded", "offset")]


CASES = [
    # ---------------------------------------------------------------- view / reshape
    Case("Tensor.view", (A(2, 6), 3, 4), dtypes=ALL),
    Case("Tensor.view", (A(2, 6), (4, -1)), name="tuple_infer", dtypes=F64),
    Case("Tensor.view", (A(2, 6), -1), name="flat", dtypes=F32),
    Case("Tensor.view", (A(2, 3, layout="strided"), 2, 3, 1), name="strided_ok", dtypes=F64),
    Case("Tensor.view", (A(3, 4, layout="expanded"), 3, 2, 2), name="expanded_ok",
         dtypes=F64),
    Case("Tensor.view", (A(2, 3, layout="offset"), 3, 2), name="offset", dtypes=F64),
    Case("Tensor.view", (A(), 1, 1), name="zero_dim", dtypes=F64),
    Case("Tensor.view", (A(1, 1), ()), name="to_zero_dim", dtypes=F64),
    Case("Tensor.view", (A(0, 3), 3, 0, 2), name="empty", dtypes=F32),
    Case("Tensor.view", (A(0, 3), -1), name="empty_flat", dtypes=F32),
    Case("Tensor.view", (A(3, 2, layout="transposed"), 6), name="noncontiguous_error",
         dtypes=F32, error="RuntimeError"),
    Case("Tensor.view", (A(2, 6), 5), name="size_error", dtypes=F32, error="RuntimeError"),
    Case("Tensor.view", (A(2, 6), -1, -1), name="two_infer_error", dtypes=F32,
         error="RuntimeError"),
    Case("Tensor.view", (A(0, 3), 0, -1), name="empty_infer_error", dtypes=F32,
         error="RuntimeError"),
    Case("reshape", (A(2, 6), (3, 4)), dtypes=ALL),
    Case("reshape", (A(2, 6), (-1, 2, 2)), name="infer", dtypes=F32),
    *layout_cases("reshape", (3, 4), (2, 6)),
    Case("reshape", (A(), (1,)), name="zero_dim", dtypes=F64),
    Case("reshape", (A(4), ()), name="to_zero_dim_error", dtypes=F32, error="RuntimeError"),
    Case("reshape", (A(0, 4), (2, 0, 2)), name="empty", dtypes=F32),
    Case("reshape", (A(0, 4), (2, 0, -1)), name="empty_infer_error", dtypes=F32,
         error="RuntimeError"),
    Case("reshape", (A(2, 6), (7, -1)), name="size_error", dtypes=F32, error="RuntimeError"),
    Case("Tensor.view_as", (A(2, 3, layout="offset"), A(3, 2)), name="typical", dtypes=F64),
    Case("Tensor.reshape_as", (A(3, 2, layout="transposed"), A(6)), dtypes=F64),
    Case("flatten", (A(2, 3, 2),), dtypes=ALL),
    Case("flatten", (A(2, 3, 2),), kwargs={"start_dim": 1}, name="start", dtypes=F64),
    Case("flatten", (A(2, 3, 2, 1),), kwargs={"start_dim": -3, "end_dim": -2},
         name="middle", dtypes=F64),
    Case("flatten", (A(3, 4, layout="transposed"),), name="transposed", dtypes=F64),
    Case("flatten", (A(2, 3, layout="strided"),), name="strided", dtypes=F64),
    Case("flatten", (A(),), name="zero_dim", dtypes=F64),
    Case("flatten", (A(2, 0, 3),), name="empty", dtypes=F32),
    Case("flatten", (A(2, 3, 2),), kwargs={"start_dim": 2, "end_dim": 1}, name="order_error",
         dtypes=F32, error="RuntimeError"),
    Case("flatten", (A(2, 3),), kwargs={"start_dim": 2}, name="dim_error", dtypes=F32,
         error="IndexError"),
    Case("flatten", (A(),), kwargs={"start_dim": 1}, name="zero_dim_error", dtypes=F32,
         error="IndexError"),
    Case("Tensor.ravel", (A(3, 2, layout="transposed"),), dtypes=F64),
    Case("unflatten", (A(2, 6), 1, (3, 2)), dtypes=ALL),
    Case("unflatten", (A(6, 2), 0, (-1, 3)), name="infer", dtypes=F64),
    Case("unflatten", (A(2, 6, layout="transposed"), -1, (2, 3)), name="transposed",
         dtypes=F64),
    Case("unflatten", (A(0, 2), 0, (0, 5)), name="empty", dtypes=F32),
    Case("unflatten", (A(2, 6), 1, (4, 2)), name="size_error", dtypes=F32,
         error="RuntimeError"),
    Case("unflatten", (A(2, 6), 2, (3, 2)), name="dim_error", dtypes=F32, error="IndexError"),

    # ---------------------------------------------------------------- squeeze / unsqueeze
    Case("squeeze", (A(1, 3, 1, 2),), dtypes=ALL),
    Case("squeeze", (A(1, 3, 1, 2), 2), name="dim", dtypes=F64),
    Case("squeeze", (A(1, 3, 1, 2), -3), name="not_one", dtypes=F64),
    Case("squeeze", (A(1, 3, 1, 2), (0, 2, 3)), name="dims", dtypes=F64),
    Case("squeeze", (A(1, 4, layout="expanded"),), name="expanded", dtypes=F64),
    Case("squeeze", (A(),), name="zero_dim", dtypes=F64),
    Case("squeeze", (A(), 0), name="zero_dim_dim", dtypes=F64),
    Case("squeeze", (A(1, 0, 1),), name="empty", dtypes=F32),
    Case("squeeze", (A(2, 3), 2), name="dim_error", dtypes=F32, error="IndexError"),
    Case("squeeze", (A(1, 2, 1), (0, -3)), name="repeat_error", dtypes=F32,
         error="RuntimeError"),
    Case("unsqueeze", (A(2, 3), 1), dtypes=ALL),
    Case("unsqueeze", (A(2, 3), -1), name="last", dtypes=F64),
    Case("unsqueeze", (A(2, 3), 0), name="first", dtypes=F64),
    *layout_cases("unsqueeze", (2, 3), 1),
    Case("unsqueeze", (A(), 0), name="zero_dim", dtypes=F64),
    Case("unsqueeze", (A(0, 2), 2), name="empty", dtypes=F32),
    Case("unsqueeze", (A(2, 3), 3), name="dim_error", dtypes=F32, error="IndexError"),
    Case("unsqueeze", (A(2, 3), -4), name="negative_dim_error", dtypes=F32,
         error="IndexError"),

    # ---------------------------------------------------------------- permutations
    Case("permute", (A(2, 3, 2), (2, 0, 1)), dtypes=ALL),
    Case("permute", (A(2, 3, 2), (-1, 0, -2)), name="negative", dtypes=F64),
    *layout_cases("permute", (2, 3), (1, 0)),
    Case("Tensor.permute", (A(2, 1, 3), 1, 2, 0), name="varargs", dtypes=F64),
    Case("permute", (A(), ()), name="zero_dim", dtypes=F64),
    Case("permute", (A(0, 2, 3), (2, 0, 1)), name="empty", dtypes=F32),
    Case("permute", (A(2, 3), (0, 0)), name="repeat_error", dtypes=F32, error="RuntimeError"),
    Case("permute", (A(2, 3), (0,)), name="length_error", dtypes=F32, error="RuntimeError"),
    Case("permute", (A(2, 3), (0, 2)), name="dim_error", dtypes=F32, error="IndexError"),
    Case("transpose", (A(2, 3, 2), 0, 2), dtypes=ALL),
    Case("transpose", (A(2, 3, 2), -1, 1), name="negative", dtypes=F64),
    Case("transpose", (A(2, 3), 1, 1), name="same", dtypes=F64),
    *layout_cases("transpose", (2, 3), 0, 1),
    Case("transpose", (A(), 0, -1), name="zero_dim", dtypes=F64),
    Case("transpose", (A(0, 3), 0, 1), name="empty", dtypes=F32),
    Case("transpose", (A(2, 3), 0, 2), name="dim_error", dtypes=F32, error="IndexError"),
    Case("swapaxes", (A(2, 3, 2), 0, -1), dtypes=ALL),
    Case("swapaxes", (A(3, 2, layout="transposed"), 1, 0), name="transposed", dtypes=F64),
    Case("swapaxes", (A(2, 3), 2, 0), name="dim_error", dtypes=F32, error="IndexError"),
    Case("swapdims", (A(2, 1, 3), 2, 1), dtypes=F64),
    Case("movedim", (A(2, 3, 2), 0, 2), dtypes=ALL),
    Case("movedim", (A(2, 3, 1, 2), (0, 1), (3, 0)), name="tuple", dtypes=F64),
    Case("movedim", (A(2, 3, 2), -1, 0), name="negative", dtypes=F64),
    Case("movedim", (A(3, 2, layout="transposed"), 0, 1), name="transposed", dtypes=F64),
    Case("movedim", (A(), 0, 0), name="zero_dim", dtypes=F64),
    Case("movedim", (A(2, 3, 2), (0, 1), (1, 1)), name="repeat_error", dtypes=F32,
         error="RuntimeError"),
    Case("movedim", (A(2, 3, 2), (0, 1), (1,)), name="length_error", dtypes=F32,
         error="RuntimeError"),
    Case("movedim", (A(2, 3), 0, 2), name="dim_error", dtypes=F32, error="IndexError"),
    Case("moveaxis", (A(2, 3, 2), 1, -1), dtypes=F64),
    Case("t", (A(2, 3),), dtypes=ALL),
    Case("t", (A(3),), name="vector", dtypes=F64),
    Case("t", (A(),), name="zero_dim", dtypes=F64),
    Case("t", (A(3, 2, layout="transposed"),), name="transposed", dtypes=F64),
    Case("t", (A(0, 2),), name="empty", dtypes=F32),
    Case("t", (A(2, 2, 2),), name="rank_error", dtypes=F32, error="RuntimeError"),
    Case(T, (A(2, 3),), dtypes=ALL),
    Case(T, (A(2, 3, 2),), name="three_dims", dtypes=F64),
    Case(T, (A(3),), name="vector", dtypes=F64),
    Case(T, (A(),), name="zero_dim", dtypes=F64),
    Case(T, (A(2, 3, layout="strided"),), name="strided", dtypes=F64),
    Case(mT, (A(2, 3, 2),), dtypes=ALL),
    Case(mT, (A(2, 3),), name="matrix", dtypes=F64),
    Case(mT, (A(3, 2, layout="transposed"),), name="transposed", dtypes=F64),
    Case(mT, (A(0, 2, 3),), name="empty", dtypes=F32),
    Case(mT, (A(3),), name="vector_error", dtypes=F32, error="RuntimeError"),
    Case(mH, (A(2, 2, 3),), dtypes=F64),
    Case("adjoint", (A(2, 3),), dtypes=F64),

    # ---------------------------------------------------------------- expand
    Case("Tensor.expand", (A(3, 1), 3, 4), dtypes=ALL),
    Case("Tensor.expand", (A(3, 1), (2, -1, 2)), name="leading", dtypes=F64),
    Case("Tensor.expand", (A(1, 3, layout="transposed"), 2, 2, 3), name="transposed",
         dtypes=F64),
    Case("Tensor.expand", (A(3, 2, layout="expanded"), 2, 3, 2), name="expanded",
         dtypes=F64),
    Case("Tensor.expand", (A(1, 2, layout="strided"), 3, 2), name="strided", dtypes=F64),
    Case("Tensor.expand", (A(), 2, 3), name="zero_dim", dtypes=F64),
    Case("Tensor.expand", (A(1, 3), 0, 3), name="to_empty", dtypes=F32),
    Case("Tensor.expand", (A(2, 3), 3, 3), name="size_error", dtypes=F32,
         error="RuntimeError"),
    Case("Tensor.expand", (A(2, 3), 3), name="rank_error", dtypes=F32, error="RuntimeError"),
    Case("Tensor.expand", (A(3), -1, 3), name="leading_infer_error", dtypes=F32,
         error="RuntimeError"),
    Case("Tensor.expand_as", (A(3, 1), A(2, 3, 4)), dtypes=ALL),
    Case("Tensor.expand_as", (A(2, 3), A(3, 3)), name="shape_error", dtypes=F32,
         error="RuntimeError"),
    Case("broadcast_to", (A(3, 1), (2, 3, 2)), dtypes=ALL),
    Case("broadcast_to", (A(1, 2, layout="offset"), (3, 2)), name="offset", dtypes=F64),
    Case("broadcast_to", (A(), ()), name="zero_dim", dtypes=F64),
    Case("broadcast_to", (A(2, 3), (2, 2)), name="shape_error", dtypes=F32,
         error="RuntimeError"),

    # ---------------------------------------------------------------- slicing
    Case("narrow", (A(4, 3), 0, 1, 2), dtypes=ALL),
    Case("narrow", (A(4, 3), -1, -2, 2), name="negative", dtypes=F64),
    Case("narrow", (A(4, 3), 1, 3, 0), name="empty", dtypes=F64),
    *layout_cases("narrow", (3, 4), 1, 1, 2),
    Case("narrow", (A(4, 3), 0, 3, 2), name="length_error", dtypes=F32, error="RuntimeError"),
    Case("narrow", (A(4, 3), 0, 1, -1), name="negative_length_error", dtypes=F32,
         error="RuntimeError"),
    Case("narrow", (A(4, 3), 0, 5, 0), name="start_error", dtypes=F32, error="IndexError"),
    Case("narrow", (A(4, 3), 0, 4, 0), name="start_at_end", dtypes=F64),
    Case("narrow", (A(4, 3), 2, 0, 1), name="dim_error", dtypes=F32, error="IndexError"),
    Case("narrow", (A(), 0, 0, 1), name="zero_dim_error", dtypes=F32, error="RuntimeError"),
    Case("select", (A(3, 4), 1, 2), dtypes=ALL),
    Case("select", (A(3, 4), -2, -1), name="negative", dtypes=F64),
    *layout_cases("select", (3, 4), 0, 1),
    Case("select", (A(3, 0), 0, 1), name="empty", dtypes=F32),
    Case("select", (A(3, 4), 0, 3), name="index_error", dtypes=F32, error="IndexError"),
    Case("select", (A(3, 4), 2, 0), name="dim_error", dtypes=F32, error="IndexError"),
    Case("select", (A(), 0, 0), name="zero_dim_error", dtypes=F32, error="IndexError"),
    Case("unbind", (A(3, 2),), dtypes=ALL),
    Case("unbind", (A(2, 3), -1), name="last", dtypes=F64),
    Case("unbind", (A(3, 2, layout="transposed"), 1), name="transposed", dtypes=F64),
    Case("unbind", (A(0, 2),), name="empty", dtypes=F32),
    Case("unbind", (A(2, 3), 2), name="dim_error", dtypes=F32, error="IndexError"),
    Case("unbind", (A(),), name="zero_dim_error", dtypes=F32, error="IndexError"),
    Case("split", (A(5, 2), 2), dtypes=ALL),
    Case("split", (A(2, 5), [1, 3, 1], 1), name="sizes", dtypes=F64),
    Case("split", (A(2, 5), [0, 5], -1), name="zero_size", dtypes=F64),
    Case("split", (A(4, 3, layout="strided"), 2, 1), name="strided", dtypes=F64),
    Case("split", (A(3, 2), 5), name="larger", dtypes=F64),
    Case("split", (A(0, 2), 2), name="empty", dtypes=F32),
    Case("split", (A(2, 5), [2, 2], 1), name="sizes_error", dtypes=F32, error="RuntimeError"),
    Case("split", (A(4, 2), 2, 2), name="dim_error", dtypes=F32, error="IndexError"),
    Case("Tensor.split", (A(4, 2), 3), name="method", dtypes=F64),
    Case("chunk", (A(5, 2), 3), dtypes=ALL),
    Case("chunk", (A(2, 6), 4, 1), name="uneven", dtypes=F64),
    Case("chunk", (A(2, 3), 5, -1), name="more_than_size", dtypes=F64),
    Case("chunk", (A(3, 4, layout="transposed"), 2), name="transposed", dtypes=F64),
    Case("chunk", (A(0, 3), 2), name="empty", dtypes=F32),
    Case("chunk", (A(4), 0), name="chunks_error", dtypes=F32, error="RuntimeError"),
    Case("chunk", (A(4), 1, 1), name="dim_error", dtypes=F32, error="IndexError"),
    Case("tensor_split", (A(7, 2), 3), dtypes=ALL),
    Case("tensor_split", (A(2, 7), [1, 4, 4, 9], 1), name="indices", dtypes=F64),
    Case("tensor_split", (A(2, 5), (3, 1)), name="decreasing", dtypes=F64, kwargs={"dim": 1}),
    Case("tensor_split", (A(3, 2), 5), name="more_sections", dtypes=F64),
    Case("tensor_split", (A(5, 2), [-1, 2, -4, 7]), name="negative_indices", dtypes=F64),
    Case("tensor_split", (A(5, 2), IDX_SECTIONS), name="tensor_sections", dtypes=F64),
    Case("tensor_split", (A(2, 5), IDX_INDICES, 1), name="tensor_indices", dtypes=F64),
    Case("tensor_split", (A(4, 3, layout="transposed"), 2, -1), name="transposed",
         dtypes=F64),
    Case("tensor_split", (A(0, 2), 2), name="empty", dtypes=F32),
    Case("tensor_split", (A(4), 0), name="sections_error", dtypes=F32, error="RuntimeError"),
    Case("tensor_split", (A(), 1), name="zero_dim_error", dtypes=F32, error="RuntimeError"),
    Case("tensor_split", (A(4), A(1, 2, values=[1, 2], dtype="int64", grad=False)),
         name="tensor_rank_error", dtypes=F32, error="RuntimeError"),
    Case("tensor_split", (A(4), A(1, values=[1.0], dtype="float32", grad=False)),
         name="tensor_dtype_error", dtypes=F32, error="RuntimeError"),

    # ---------------------------------------------------------------- as_strided
    Case("as_strided", (A(3, 4), (2, 2), (4, 1)), dtypes=ALL),
    Case("as_strided", (A(8), (3, 3), (2, 1)), name="overlapping", dtypes=F64),
    Case("as_strided", (A(3, 4), (2, 3), (1, 4), 1), name="storage_offset", dtypes=F64),
    Case("as_strided", (A(2, 3), (3,), (0,)), name="zero_stride", dtypes=F64),
    Case("as_strided", (A(6), (), ()), name="zero_dim", dtypes=F64),
    Case("as_strided", (A(4), (0, 3), (3, 1)), name="empty", dtypes=F32),
    Case("as_strided", (A(2, 3), (3, 3), (3, 1)), name="storage_error", dtypes=F32,
         error="RuntimeError"),
    Case("as_strided", (A(2, 3), (2, 2), (1,)), name="length_error", dtypes=F32,
         error="RuntimeError"),

    # ---------------------------------------------------------------- diagonal, unfold
    Case("diagonal", (A(3, 4),), dtypes=ALL),
    Case("diagonal", (A(3, 4), 1), name="above", dtypes=F64),
    Case("diagonal", (A(3, 4), -2), name="below", dtypes=F64),
    Case("diagonal", (A(3, 4), 5), name="past_the_end", dtypes=F64),
    Case("diagonal", (A(2, 3, 3),), kwargs={"dim1": 1, "dim2": 2}, name="batched",
         dtypes=F64),
    Case("diagonal", (A(2, 3, 2),), kwargs={"offset": -1, "dim1": -1, "dim2": 0},
         name="reversed_dims", dtypes=F64),
    *layout_cases("diagonal", (3, 3)),
    Case("diagonal", (A(0, 3),), name="empty", dtypes=F32),
    Case("diagonal", (A(3, 3), 0, 1, 1), name="same_dim_error", dtypes=F32,
         error="RuntimeError"),
    Case("diagonal", (A(3, 3), 0, 0, 2), name="dim_error", dtypes=F32, error="IndexError"),
    Case("diagonal", (A(3),), name="vector_error", dtypes=F32, error="IndexError"),
    Case("Tensor.diagonal", (A(3, 3),), kwargs={"offset": 1}, name="method", dtypes=F64),
    Case("Tensor.unfold", (A(7), 0, 3, 2), dtypes=ALL),
    Case("Tensor.unfold", (A(2, 5), 1, 2, 1), name="overlapping", dtypes=F64),
    Case("Tensor.unfold", (A(4, 2), 0, 2, 3), name="step_past", dtypes=F64),
    Case("Tensor.unfold", (A(3, 4, layout="transposed"), -1, 2, 2), name="transposed",
         dtypes=F64),
    Case("Tensor.unfold", (A(), 0, 1, 1), name="zero_dim", dtypes=F64),
    Case("Tensor.unfold", (A(), 0, 0, 1), name="zero_dim_size0", dtypes=F64),
    Case("Tensor.unfold", (A(4), 0, -1, 1), name="negative_size_error", dtypes=F32,
         error="RuntimeError"),
    Case("Tensor.unfold", (A(0, 3), 1, 2, 1), name="empty", dtypes=F32),
    Case("Tensor.unfold", (A(4), 0, 5, 1), name="size_error", dtypes=F32,
         error="RuntimeError"),
    Case("Tensor.unfold", (A(4), 0, 2, 0), name="step_error", dtypes=F32,
         error="RuntimeError"),
    Case("Tensor.unfold", (A(4), 1, 2, 1), name="dim_error", dtypes=F32, error="IndexError"),

    # ---------------------------------------------------------------- copies
    Case("Tensor.contiguous", (A(3, 2, layout="transposed"),), dtypes=ALL),
    Case("clone", (A(2, 3),), dtypes=ALL),
    Case("clone", (A(4, domain="special"),), name="special", dtypes=FLOATS),
    Case("clone", (A(),), name="zero_dim", dtypes=F64),
    Case("clone", (A(0, 2),), name="empty", dtypes=F32),
    Case(fill_, (A(2, 3), 2.5), dtypes=ALL),
    Case(fill_, (A(2, 3), A()), name="tensor_value", dtypes=F64),
    Case(fill_, (A(2, 3), float("nan")), name="nan", dtypes=ALL),
    Case(fill_, (A(2, 3), -255), name="negative", dtypes=ALL),
    Case(fill_, (A(2, 3), 70000), name="overflow", dtypes=ALL),
    Case(fill_, (A(2, 3), 1e39), name="float_overflow", dtypes=ALL),
    Case(fill_, (A(2, 3), A(values=[300.5], dtype="float64", grad=False)),
         name="tensor_wraps", dtypes=("int8", "uint8", "int16")),
    Case(fill_, (A(2, 3), A(2)), name="value_error", dtypes=F32, error="RuntimeError"),
    Case(copy_, (A(2, 3), A(2, 3)), dtypes=ALL),
    Case(copy_, (A(2, 3), A(3)), name="broadcast", dtypes=F64),
    Case(copy_, (A(2, 3), A(2, 3, layout="transposed")), name="transposed", dtypes=F64),
    Case(copy_, (A(2, 3), A(2, 3, dtype="int64", grad=False)), name="from_int",
         dtypes=FLOATS),
    Case(copy_, (A(2, 3), A(2, 3, dtype="float64")), name="from_float64",
         dtypes=("float32", "float16", "bfloat16")),
    Case(copy_, (A(5), A(5, values=[2.7, -2.7, 0.0, 300.5, -1.0], dtype="float64",
                          grad=False)),
         name="float_to_int", dtypes=INTS + ("bool",)),
    Case(copy_, (A(), A()), name="zero_dim", dtypes=F64),
    Case(copy_, (A(0, 2), A(2)), name="empty", dtypes=F32),
    Case(copy_, (A(2, 3), A(2, 2)), name="shape_error", dtypes=F32, error="RuntimeError"),
]

for _layout in ("transposed", "strided", "expanded", "offset"):
    CASES += [
        Case("Tensor.contiguous", (A(2, 3, layout=_layout),), name=f"{_layout}_2x3",
             dtypes=F64),
        Case("clone", (A(2, 3, layout=_layout),), name=_layout, dtypes=F64),
    ]

# ---------------------------------------------------------------- to(dtype): every pair
for _target in ALL:
    CASES.append(Case("Tensor.to", (A(2, 3), DType(_target)), name=f"to_{_target}",
                      dtypes=ALL))
for _target in FLOATS + ("bool",):
    CASES.append(Case("Tensor.to", (A(16, domain="special"), DType(_target)),
                      name=f"special_to_{_target}", dtypes=FLOATS))
# Float to integer: truncate toward zero, then wrap to the width (PyTorch goes through int32
# for the narrow types). Values stay inside int32's range: beyond it, and for NaN / inf,
# PyTorch's result is undefined behaviour of C++'s conversion.
_WRAPPING = [300.7, -1.5, -129.9, 70000.2, 255.9, 256.0, -200.0, -0.0, 2.5, -2.5, 0.9, -0.9]
for _target in INTS:
    CASES.append(Case("Tensor.to", (A(12, values=_WRAPPING), DType(_target)),
                      name=f"wrap_to_{_target}", dtypes=("float32", "float64")))
    CASES.append(Case("Tensor.to", (A(4, values=[2.5, -2.5, 100.75, -0.5]), DType(_target)),
                      name=f"truncate_to_{_target}", dtypes=("float16", "bfloat16")))
# Integer to narrower integer wraps; to float rounds to nearest (float16 overflows to inf).
_BIG_INTS = [300, -129, 70000, -1, 2 ** 31 + 5, -(2 ** 40) - 3, 255, 2 ** 53 + 1]
for _target in INTS + FLOATS + ("bool",):
    CASES.append(Case("Tensor.to", (A(8, values=_BIG_INTS), DType(_target)),
                      name=f"big_int_to_{_target}", dtypes=("int64",)))
CASES += [
    Case("Tensor.to", (A(3, 2, layout="transposed"), DType("float16")), name="transposed",
         dtypes=F64),
    Case("Tensor.to", (A(2, 3, layout="expanded"), DType("int32")), name="expanded",
         dtypes=F64),
    Case("Tensor.to", (A(), DType("float32")), name="zero_dim", dtypes=F64),
    Case("Tensor.to", (A(0, 2), DType("int8")), name="empty", dtypes=F32),
    Case("Tensor.to", (A(2, 3), DType("float64")), kwargs={"copy": True}, name="copy",
         dtypes=F64),
    Case("Tensor.to", (A(2, 3), A(1, dtype="float16")), name="like_tensor", dtypes=F64),
    Case("Tensor.double", (A(2, 2),), dtypes=ALL),
    Case("Tensor.half", (A(2, 2),), dtypes=F64 + ("int16",)),
    Case("Tensor.bool", (A(2, 2),), dtypes=F64 + ("int16",)),
    Case("Tensor.long", (A(2, 2),), dtypes=F64 + ("uint8",)),
    Case("Tensor.type_as", (A(2, 2), A(1, dtype="int16")), dtypes=F64),
]
