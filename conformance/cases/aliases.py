"""PyTorch's alternative names (arcsin for asin, ...) and small public helpers: each alias
must be the same op as its canonical name, and the helpers must agree with PyTorch."""
from . import FLOATS, INTS, A, Case

ALIASES = {"absolute": "nonzero", "negative": "normal", "fix": "normal", "arcsin": "unit",
           "arccos": "unit", "arctan": "normal", "arcsinh": "normal", "arctanh": "unit"}


def broadcast_tensors(lib, a, b):
    return lib.broadcast_tensors(a, b)


def broadcast_shapes(lib):
    return lib.tensor(list(lib.broadcast_shapes((2, 1, 3), (4, 1), (3,))))


def result_type(lib, a, b):
    """The promoted dtype, made comparable as a 0-d tensor of that dtype."""
    return lib.zeros((), dtype=lib.result_type(a, b))


CASES = [Case(op, (A(2, 3, domain=domain),), dtypes=("float32", "float64"))
         for op, domain in ALIASES.items()]
CASES += [
    Case("arccosh", (A(3, values=[1.5, 2.0, 7.0]),), dtypes=("float32", "float64")),
    Case(broadcast_tensors, (A(2, 1), A(3)), dtypes=("float64", "int64")),
    Case(broadcast_shapes, (), dtypes=("int64",), grad=False),
    Case(result_type, (A(2), A(dtype="float64")), dtypes=INTS + FLOATS, grad=False),
    Case(result_type, (A(2), 2.5), name="scalar", dtypes=INTS + ("bool", "float16"),
         grad=False),
    Case("as_strided_scatter", (A(3, 4), A(2, 2)), kwargs={"size": (2, 2), "stride": (4, 1),
                                                            "storage_offset": 1},
         dtypes=("float32", "float64", "int64"), grad=False,
         note="PyTorch 2.13's gradient for input is g inside the scattered region and 0 "
              "outside: the reverse of d/dinput. torsh's is gradchecked in tests/test_views.py"),
]
