"""torsh.nn.functional's poolings against PyTorch's: max / avg / adaptive / lp pooling in
1, 2 and 3 dims, max_unpool, with indices, ties, NaN, padding, dilation, ceil_mode and the
errors PyTorch raises. Each op is a callable named after the functional it calls."""
from . import FLOATS, INTS, A, Case
from ._common import LAYOUTS
from .nn_functional import functional, op

GRADS = ("float32", "float64")
F64 = ("float64",)


def with_indices(name: str):
    """lib.nn.functional.NAME(..., return_indices=True): values and indices both compared."""
    def call(lib, *args, **kwargs):
        return getattr(functional(lib), name)(*args, return_indices=True, **kwargs)
    call.__name__ = name
    return call


def unpool_of(pool: str, unpool: str):
    """NAME(values, indices) of a max pooling of x: the round trip, gradients included."""
    def call(lib, x, kernel_size, stride=None, padding=0, output_size=None):
        F = functional(lib)
        values, indices = getattr(F, pool)(x, kernel_size, stride, padding,
                                           return_indices=True)
        return getattr(F, unpool)(values, indices, kernel_size, stride, padding, output_size)
    call.__name__ = unpool
    return call


_mp1, _mp2, _mp3 = op("max_pool1d"), op("max_pool2d"), op("max_pool3d")
_mi1, _mi2, _mi3 = (with_indices(f"max_pool{d}d") for d in (1, 2, 3))
_ap1, _ap2, _ap3 = op("avg_pool1d"), op("avg_pool2d"), op("avg_pool3d")
_aa1, _aa2, _aa3 = (op(f"adaptive_avg_pool{d}d") for d in (1, 2, 3))
_am1, _am2, _am3 = (with_indices(f"adaptive_max_pool{d}d") for d in (1, 2, 3))
_amv2 = op("adaptive_max_pool2d")
_lp1, _lp2, _lp3 = op("lp_pool1d"), op("lp_pool2d"), op("lp_pool3d")
_un1, _un2, _un3 = (unpool_of(f"max_pool{d}d", f"max_unpool{d}d") for d in (1, 2, 3))
_un2_direct = op("max_unpool2d")

TIES = [1.0, 3.0, 3.0, 0.0, 3.0, 3.0, -1.0, 2.0, 2.0, 2.0, 2.0, 0.5, 5.0, 5.0, 5.0, 5.0]
NANS = [1.0, float("nan"), 3.0, float("nan"), float("-inf"), float("-inf"), float("-inf"),
        float("-inf"), float("inf"), 2.0, -0.0, 0.0, float("nan"), float("inf"), 1e-40, -1e30]

CASES = [
    # ---------------------------------------------------------------- max_pool1d
    Case(_mp1, (A(2, 2, 5), 2), name="basic", dtypes=FLOATS),
    Case(_mi1, (A(2, 2, 5), 2), name="indices", dtypes=FLOATS + INTS),
    Case(_mi1, (A(1, 2, 7), 3), kwargs={"stride": 2, "padding": 1, "ceil_mode": True},
         name="pad_ceil", dtypes=GRADS),
    Case(_mi1, (A(2, 9), 2), kwargs={"stride": 1, "dilation": 3}, name="dilation_unbatched",
         dtypes=F64),
    Case(_mi1, (A(1, 1, 16, values=TIES), 4), name="ties", dtypes=GRADS),
    Case(_mi1, (A(1, 1, 16, values=NANS), 4), name="special", dtypes=F64, grad=False),
    Case(_mp1, (A(1, 2, 4), 2), name="int_without_indices", dtypes=("int64",),
         error="NotImplementedError"),
    Case(_mp1, (A(1, 2, 4), 5), name="too_small", dtypes=("float32",), error="RuntimeError"),
    # ---------------------------------------------------------------- max_pool2d
    Case(_mi2, (A(1, 2, 4, 4), 2), name="indices", dtypes=FLOATS + INTS),
    Case(_mi2, (A(1, 1, 5, 5), (3, 2)), kwargs={"stride": (2, 1), "padding": (1, 1),
                                                 "ceil_mode": True},
         name="rect_pad_ceil", dtypes=GRADS),
    Case(_mi2, (A(1, 6, 5), 2), kwargs={"stride": 1, "dilation": (2, 1), "padding": 1},
         name="dilation_unbatched", dtypes=F64),
    Case(_mi2, (A(1, 1, 4, 4, values=TIES), 2), name="ties", dtypes=GRADS),
    Case(_mi2, (A(1, 1, 4, 4, values=TIES), 3), kwargs={"stride": 1}, name="ties_overlap",
         dtypes=GRADS),
    Case(_mi2, (A(1, 1, 4, 4, values=NANS), 2), name="special", dtypes=FLOATS, grad=False),
    Case(_mi2, (A(1, 1, 4, 4, values=NANS), 2), kwargs={"padding": 1}, name="special_pad",
         dtypes=("float32",), grad=False),
    Case(_mi2, (A(0, 2, 4, 4), 2), name="empty_batch", dtypes=("float32",)),
    Case(_mi2, (A(1, 1, 4, 1), (1, 2)), kwargs={"stride": 3, "padding": (0, 1),
                                                 "dilation": (1, 2), "ceil_mode": True},
         name="window_in_padding", dtypes=F64, grad=False),
    Case(_mp2, (A(1, 2, 4, 4), 2), name="bool", dtypes=("bool",), error="NotImplementedError"),
    Case(_mp2, (A(1, 0, 4, 4), 2), name="empty_channels", dtypes=("float32",),
         error="RuntimeError"),
    Case(_mp2, (A(4, 4), 2), name="2d_input", dtypes=("float32",), error="RuntimeError"),
    Case(_mp2, (A(1, 1, 4, 4), 5), name="too_small", dtypes=("float32",),
         error="RuntimeError"),
    Case(_mp2, (A(1, 1, 4, 4), 3), kwargs={"padding": 2}, name="pad_too_big",
         dtypes=("float32",), error="RuntimeError"),
    Case(_mp2, (A(1, 1, 4, 4), 2), kwargs={"padding": -1}, name="negative_pad",
         dtypes=("float32",), error="RuntimeError"),
    Case(_mp2, (A(1, 1, 4, 4), 2), kwargs={"dilation": 0}, name="zero_dilation",
         dtypes=("float32",), error="RuntimeError"),
    Case(_mp2, (A(1, 1, 4, 4), (2, 2, 2)), name="three_kernel_sizes", dtypes=("float32",),
         error="RuntimeError"),
    # ---------------------------------------------------------------- max_pool3d
    Case(_mi3, (A(1, 2, 2, 3, 3), 2), kwargs={"stride": 1}, name="indices",
         dtypes=FLOATS + ("int32",)),
    Case(_mi3, (A(1, 3, 4, 3), (2, 3, 2)), kwargs={"stride": 2, "padding": (1, 1, 0),
                                                    "ceil_mode": True},
         name="pad_ceil_unbatched", dtypes=GRADS),
    Case(_mp3, (A(1, 1, 3, 3, 3), 2), kwargs={"dilation": 2}, name="dilation", dtypes=F64),
    Case(_mp3, (A(1, 2, 2, 2), 2), name="3d_input", dtypes=("float32",),
         error="RuntimeError"),
    # ---------------------------------------------------------------- avg_pool
    Case(_ap1, (A(2, 2, 5), 2), name="basic", dtypes=FLOATS),
    Case(_ap1, (A(1, 2, 7), 3), kwargs={"stride": 2, "padding": 1, "ceil_mode": True},
         name="pad_ceil", dtypes=GRADS),
    Case(_ap1, (A(2, 7), 3), kwargs={"stride": 2, "padding": 1, "ceil_mode": True,
                                     "count_include_pad": False},
         name="exclude_pad_unbatched", dtypes=F64),
    Case(_ap1, (A(1, 2, 4), (2, 2)), name="two_kernel_sizes", dtypes=("float32",),
         error="RuntimeError"),
    Case(_ap2, (A(1, 2, 4, 4), 2), name="basic", dtypes=FLOATS),
    Case(_ap2, (A(1, 1, 5, 4), (3, 2)), kwargs={"stride": (2, 1), "padding": (1, 1),
                                                 "ceil_mode": True},
         name="rect_pad_ceil", dtypes=GRADS),
    Case(_ap2, (A(1, 1, 5, 5), 3), kwargs={"stride": 2, "padding": 1, "ceil_mode": True,
                                            "count_include_pad": False},
         name="exclude_pad_ceil", dtypes=GRADS),
    Case(_ap2, (A(1, 4, 4), 2), kwargs={"stride": 1, "padding": 1, "divisor_override": 3},
         name="divisor_override", dtypes=GRADS),
    Case(_ap2, (A(1, 1, 4, 4, values=NANS), 2), name="special", dtypes=FLOATS, grad=False),
    Case(_ap2, (A(0, 1, 4, 4), 2), name="empty_batch", dtypes=("float32",)),
    Case(_ap2, (A(1, 2, 4, 4, values=list(range(-9, 23))), 2), kwargs={"padding": 1},
         name="int64_truncates", dtypes=("int64",)),
    Case(_ap1, (A(1, 2, 5, values=[-7, 3, 4, 9, -2, 8, 1, 0, -5, 6]), 3),
         kwargs={"stride": 2, "padding": 1}, name="int64_truncates", dtypes=("int64",)),
    Case(_ap2, (A(1, 1, 4, 4), 2), name="ints", dtypes=("int32", "uint8", "bool"),
         error="NotImplementedError"),
    Case(_ap2, (A(1, 1, 4, 4), 2), kwargs={"divisor_override": 0}, name="zero_divisor",
         dtypes=("float32",), error="RuntimeError"),
    Case(_ap2, (A(1, 1, 1, 4, 4), 2), name="5d_input", dtypes=("float32",),
         error="RuntimeError"),
    Case(_ap3, (A(1, 2, 2, 3, 3), 2), kwargs={"stride": 1}, name="basic", dtypes=GRADS),
    Case(_ap3, (A(1, 3, 4, 3), (2, 3, 2)), kwargs={"stride": 2, "padding": (1, 1, 0),
                                                    "ceil_mode": True,
                                                    "count_include_pad": False},
         name="pad_ceil_unbatched", dtypes=GRADS),
    Case(_ap3, (A(1, 1, 2, 2, 3), (1, 2, 2)), kwargs={"padding": (0, 1, 1),
                                                      "divisor_override": 2},
         name="divisor_override", dtypes=F64),
    Case(_ap3, (A(1, 1, 3, 3), (2, 2, 2)), kwargs={"padding": 1}, name="input_below_kernel",
         dtypes=("float32",), error="RuntimeError"),
    Case(_ap3, (A(1, 1, 2, 2, 2), 2), name="half", dtypes=("float16", "bfloat16"),
         error="NotImplementedError"),
    # ---------------------------------------------------------------- adaptive poolings
    Case(_aa1, (A(2, 2, 5), 3), name="basic", dtypes=FLOATS),
    Case(_aa1, (A(3, 4), 7), name="upsample_unbatched", dtypes=GRADS),
    Case(_aa2, (A(1, 2, 5, 4), (3, 2)), name="basic", dtypes=FLOATS),
    Case(_aa2, (A(1, 3, 5), (None, 2)), name="none_size", dtypes=GRADS),
    Case(_aa2, (A(1, 2, 3, 3), 1), name="global", dtypes=GRADS),
    Case(_aa2, (A(1, 1, 4, 4, values=NANS), 3), name="special", dtypes=F64, grad=False),
    Case(_aa2, (A(1, 2, 3, 3), 2), name="ints", dtypes=("int64",),
         error="NotImplementedError"),
    Case(_aa2, (A(1, 2, 3, 3), -1), name="negative_size", dtypes=("float32",),
         error="RuntimeError"),
    Case(_aa3, (A(1, 2, 3, 3, 2), (2, 2, 1)), name="basic", dtypes=GRADS),
    Case(_aa3, (A(2, 3, 3, 3), (1, 2, 3)), name="unbatched", dtypes=("float64",)),
    Case(_am1, (A(2, 2, 5), 3), name="basic", dtypes=FLOATS),
    Case(_am1, (A(1, 1, 16, values=TIES), 3), name="ties", dtypes=GRADS),
    Case(_am2, (A(1, 2, 5, 4), (3, 2)), name="basic", dtypes=FLOATS),
    Case(_am2, (A(1, 3, 5), (None, 2)), name="none_size_unbatched", dtypes=GRADS),
    Case(_am2, (A(1, 1, 4, 4, values=TIES), 3), name="ties", dtypes=GRADS),
    Case(_am2, (A(1, 1, 4, 4, values=NANS), 3), name="special", dtypes=F64, grad=False),
    Case(_amv2, (A(1, 2, 3, 3), 2), name="values_only", dtypes=GRADS),
    Case(_amv2, (A(1, 2, 3, 3), 2), name="ints", dtypes=("int64",),
         error="NotImplementedError"),
    Case(_amv2, (A(1, 1, 0, 3), 2), name="empty", dtypes=("float32",), error="RuntimeError"),
    Case(_am3, (A(1, 2, 3, 3, 2), (2, 2, 1)), name="basic", dtypes=GRADS),
    # ---------------------------------------------------------------- lp_pool
    Case(_lp1, (A(2, 2, 5, domain="positive"), 2, 2), name="basic", dtypes=GRADS),
    Case(_lp1, (A(1, 2, 7), 1, 3), kwargs={"stride": 2, "ceil_mode": True},
         name="p1_ceil", dtypes=GRADS),
    Case(_lp2, (A(1, 2, 4, 4, domain="positive"), 2, 2), name="basic", dtypes=FLOATS),
    Case(_lp2, (A(1, 1, 5, 4, domain="positive"), 3.0, (3, 2)), kwargs={"stride": (2, 1)},
         name="p3_rect", dtypes=GRADS),
    Case(_lp3, (A(1, 1, 2, 3, 3, domain="positive"), 2, 2), kwargs={"stride": 1},
         name="basic", dtypes=GRADS),
    # ---------------------------------------------------------------- max_unpool
    Case(_un1, (A(1, 2, 6), 2), name="round_trip", dtypes=FLOATS),
    Case(_un1, (A(1, 2, 7), 3), kwargs={"stride": 2, "padding": 1, "output_size": [8]},
         name="output_size", dtypes=GRADS),
    Case(_un2, (A(1, 2, 4, 4), 2), name="round_trip", dtypes=FLOATS),
    Case(_un2, (A(1, 5, 5), 3), kwargs={"stride": 2, "padding": 1,
                                        "output_size": (1, 1, 6, 5)},
         name="output_size_unbatched", dtypes=GRADS),
    Case(_un2, (A(1, 1, 4, 4), 2), kwargs={"output_size": (9, 9)},
         name="bad_output_size", dtypes=("float32",), error="ValueError"),
    Case(_un2_direct, (A(1, 1, 2, 2), A(1, 1, 2, 2, values=[0, 3, 5, 15], dtype="int64"),
                       2), name="given_indices", dtypes=GRADS),
    Case(_un2_direct, (A(1, 1, 2, 2), A(1, 1, 2, 2, values=[0, 3, 5, 16], dtype="int64"),
                       2), name="bad_index", dtypes=("float32",), error="RuntimeError"),
    Case(_un2_direct, (A(1, 1, 2, 2), A(1, 1, 2, 2, values=[0, 3, 5, 6], dtype="int32"),
                       2), name="int32_indices", dtypes=("float32",), error="RuntimeError"),
    Case(_un3, (A(1, 1, 2, 4, 4), 2), name="round_trip", dtypes=GRADS),
]

# Every layout of a non-contiguous input, for each op family.
for layout in LAYOUTS:
    CASES += [
        Case(_mi2, (A(1, 2, 4, 4, layout=layout), 2), name=layout, dtypes=GRADS),
        Case(_ap2, (A(1, 2, 4, 4, layout=layout), 3),
             kwargs={"stride": 1, "padding": 1}, name=layout, dtypes=("float32",)),
        Case(_aa2, (A(1, 2, 4, 4, layout=layout), 3), name=layout, dtypes=("float32",)),
        Case(_am2, (A(1, 2, 4, 4, layout=layout), 3), name=layout, dtypes=("float32",)),
        Case(_mi1, (A(2, 3, 4, layout=layout), 2), name=layout, dtypes=("float32",)),
    ]
