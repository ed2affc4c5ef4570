"""torsh.nn.functional against torch.nn.functional: activations, softmax family, linear,
losses. Each op is a callable named after it that reaches `lib.nn.functional.NAME`, so the same
case runs in torsh and PyTorch."""
import importlib

from . import FLOATS, INTS, A, Case, DType


def functional(lib):
    return importlib.import_module(lib.__name__ + ".nn.functional")


def op(name: str):
    """The callable `name(lib, *args, **kwargs)` = lib.nn.functional.name(*args, **kwargs)."""
    def call(lib, *args, **kwargs):
        return getattr(functional(lib), name)(*args, **kwargs)
    call.__name__ = name
    return call


# name -> (keyword variation, accepts integers)
ACTIVATIONS = {
    "relu6": ({}, True), "hardtanh": ({"min_val": -0.5, "max_val": 2.0}, True),
    "leaky_relu": ({"negative_slope": 0.2}, False), "elu": ({"alpha": 0.5}, False),
    "selu": ({}, False), "celu": ({"alpha": 2.0}, False),
    "gelu": ({"approximate": "tanh"}, False), "silu": ({}, False), "mish": ({}, False),
    "softplus": ({"beta": 2.0, "threshold": 1.0}, False), "softsign": ({}, True),
    "hardsigmoid": ({}, False), "hardswish": ({}, False), "logsigmoid": ({}, False),
    "softshrink": ({"lambd": 0.8}, False), "hardshrink": ({"lambd": 0.8}, False),
    "tanhshrink": ({}, True),
}

# PyTorch's vectorized float32/bfloat16 gelu gives NaN at +inf (its float64 kernel gives inf,
# as torsh does at every dtype): +inf is left out of gelu's special values.
# PyTorch's softshrink of a small negative x is -0.0 in its scalar loop, +0.0 in its vector
# loop (16 contiguous float32/float64 elements): -0.0 is left out there too.
_SPECIAL = [0.0, -0.0, 1.0, -1.0, 0.5, -2.5, 3.0, float("inf"), float("-inf"), float("nan"),
            1e-40, -1e30, 2.0, -0.75, 100.0, 1e-3]
SPECIAL_VALUES = {"gelu": [v for v in _SPECIAL if v != float("inf")],
                  "softshrink": [v for v in _SPECIAL if str(v) != "-0.0"]}

CASES = []
for name, (variation, ints) in ACTIVATIONS.items():
    fn = op(name)
    special = A(16, domain="special")
    if name in SPECIAL_VALUES:
        special = A(len(SPECIAL_VALUES[name]), values=SPECIAL_VALUES[name])
    # PyTorch's float64 hardsigmoid backward multiplies by float32(1/6).
    loose = {"rtol": 1e-7, "note": "PyTorch's hardsigmoid grad uses float32(1/6)"} \
        if name == "hardsigmoid" else {}
    CASES += [
        Case(fn, (A(2, 3),), dtypes=FLOATS + (INTS if ints else ()), **loose),
        Case(fn, (A(3, 2, layout="transposed"),), name="transposed", dtypes=("float32",)),
        Case(fn, (A(3, 4, layout="strided"),), name="strided", dtypes=("float64",), **loose),
        Case(fn, (special,), name="special", grad=False, dtypes=FLOATS),
        Case(fn, (A(),), name="zero_dim", dtypes=("float64",), **loose),
        Case(fn, (A(0, 3),), name="empty", dtypes=("float32",)),
        Case(fn, (A(7, values=[-4.0, -3.0, -1.0, -0.5, 0.5, 1.0, 3.5]),), name="kinks",
             dtypes=("float64",), grad=False),
    ]
    if variation:
        # (softshrink: no small negatives, whose zero's sign depends on PyTorch's loop)
        values = [1.5, -2.0, 0.3, 0.9, -0.85, 2.5, 0.7, -1.2] if name == "softshrink" else None
        CASES.append(Case(fn, (A(2, 4, values=values),), kwargs=variation, name="kwargs",
                          dtypes=("float32", "float64"), **loose))
    if not ints:
        CASES.append(Case(fn, (A(3),), name="int_rejected", dtypes=("int64",),
                          error="NotImplementedError"))

_threshold = op("threshold")
CASES += [
    Case(_threshold, (A(2, 3), 0.1, -2.0), dtypes=FLOATS),
    Case(op("hardtanh"), (A(3),), name="bool", dtypes=("bool",), error="RuntimeError"),
    Case(op("relu6"), (A(3),), name="bool", dtypes=("bool",), error="RuntimeError"),
    Case(_threshold, (A(3), 0, 1), name="bool", dtypes=("bool",),
         error="NotImplementedError"),
    Case(_threshold, (A(2, 3), 1, 7), name="int", dtypes=INTS),
    Case(_threshold, (A(8, domain="special"), 0.5, 9.0), name="special", dtypes=FLOATS,
         grad=False),
    Case(op("softshrink"), (A(3),), kwargs={"lambd": -1.0}, name="negative_lambd",
         dtypes=("float32",), error="RuntimeError"),
    Case(op("gelu"), (A(3),), kwargs={"approximate": "sigmoid"}, name="bad_approximate",
         dtypes=("float32",), error="RuntimeError"),
]

for name in ("softmax", "log_softmax", "softmin"):
    fn = op(name)
    CASES += [
        Case(fn, (A(2, 3), 1), dtypes=FLOATS),
        Case(fn, (A(2, 3), 0), name="dim0", dtypes=("float32", "float64")),
        Case(fn, (A(2, 3, 2), -2), name="middle_dim", dtypes=("float64",)),
        Case(fn, (A(3, 4, layout="transposed"), 1), name="transposed", dtypes=("float32",)),
        Case(fn, (A(3, 2, layout="expanded"), 0), name="expanded", dtypes=("float64",)),
        Case(fn, (A(), 0), name="zero_dim", dtypes=("float64",)),
        Case(fn, (A(0, 3), 1), name="empty", dtypes=("float32",)),
        Case(fn, (A(4, 4, values=[1e4, -1e4, 0.0, 3.0, float("-inf"), 1.0, 2.0, 0.5,
                                 float("inf"), 1.0, 0.0, 0.0, float("nan"), 0.0, 1.0, 2.0]),
                  1), name="special", dtypes=("float32", "float64"), grad=False),
        Case(fn, (A(2, 3), 1), kwargs={"dtype": DType(
            "float64")}, name="dtype", dtypes=("float32",)),
        Case(fn, (A(2, 3), 2), name="bad_dim", dtypes=("float32",), error="IndexError"),
        Case(fn, (A(2, 3), 1), name="int_rejected", dtypes=("int64",),
             error="NotImplementedError"),
    ]

_linear = op("linear")
CASES += [
    Case(_linear, (A(2, 3), A(4, 3), A(4)), dtypes=("float32", "float64", "bfloat16")),
    Case(_linear, (A(3), A(2, 3)), name="vector_no_bias", dtypes=("float64",)),
    Case(_linear, (A(2, 2, 3), A(2, 3), A(2)), name="batched", dtypes=("float64",)),
    Case(_linear, (A(3, 2, layout="transposed"), A(2, 3, layout="transposed"), A(2)),
         name="transposed", dtypes=("float32",)),
    Case(_linear, (A(0, 3), A(2, 3), A(2)), name="empty", dtypes=("float32",)),
    Case(_linear, (A(2, 0), A(2, 0), A(2)), name="zero_features", dtypes=("float64",)),
    Case(_linear, (A(2, 3), A(3)), name="vector_weight", dtypes=("float64",)),
    Case(_linear, (A(2, 3), A(4, 2)), name="mismatch", dtypes=("float32",),
         error="RuntimeError"),
]

# ------------------------------------------------------------ losses
_TARGET = {"grad": False}
for name in ("mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss"):
    fn = op(name)
    CASES += [
        Case(fn, (A(2, 3), A(2, 3)), dtypes=FLOATS),
        Case(fn, (A(2, 3), A(2, 3)), kwargs={"reduction": "none"}, name="none",
             dtypes=("float32", "float64")),
        Case(fn, (A(2, 3), A(2, 3)), kwargs={"reduction": "sum"}, name="sum",
             dtypes=("float64",)),
        Case(fn, (A(2, 3, layout="transposed"), A(2, 3, layout="strided")), name="layouts",
             dtypes=("float32",)),
        Case(fn, (A(8, domain="special"), A(8)), kwargs={"reduction": "none"},
             name="special", dtypes=("float32", "float64"), grad=False),
        Case(fn, (A(), A()), name="zero_dim", dtypes=("float64",)),
        Case(fn, (A(0, 2), A(0, 2)), name="empty", dtypes=("float32",), grad=False),
        Case(fn, (A(2, 3), A(2, 3)), kwargs={"reduction": "avg"}, name="bad_reduction",
             dtypes=("float32",), error="ValueError"),
    ]
    if name != "smooth_l1_loss":
        CASES.append(Case(fn, (A(2, 3), A(2, 3), ), kwargs={"weight": None}, name="no_weight",
                          dtypes=("float64",)))
CASES += [
    Case(op("mse_loss"), (A(2, 3), A(2, 3)), kwargs={"size_average": False}, name="legacy",
         dtypes=("float64",)),
    Case(op("smooth_l1_loss"), (A(2, 4), A(2, 4)), kwargs={"beta": 0.3}, name="beta",
         dtypes=("float32", "float64")),
    Case(op("smooth_l1_loss"), (A(2, 4), A(2, 4)), kwargs={"beta": 0.0}, name="beta0",
         dtypes=("float64",)),
    Case(op("huber_loss"), (A(2, 4), A(2, 4)), kwargs={"delta": 0.4}, name="delta",
         dtypes=("float32", "float64")),
]

_PROBS = [0.1, 0.8, 0.35, 0.999, 0.5, 0.02]
_LABELS = [0.0, 1.0, 0.25, 1.0, 0.0, 0.6]
_bce, _bcel = op("binary_cross_entropy"), op("binary_cross_entropy_with_logits")
CASES += [
    Case(_bce, (A(2, 3, values=_PROBS), A(2, 3, values=_LABELS)), dtypes=FLOATS),
    Case(_bce, (A(2, 3, values=_PROBS), A(2, 3, values=_LABELS), A(3, grad=False)),
         kwargs={"reduction": "sum"}, name="weight", dtypes=("float64",)),
    # At x = 0 or 1 PyTorch's gradients ignore the clamp (±inf, ±1e12): torsh's follow it.
    Case(_bce, (A(4, values=[0.0, 1.0, 0.0, 1.0], grad=False),
                A(4, values=[0.0, 0.0, 1.0, 1.0], grad=False)),
         kwargs={"reduction": "none"}, name="clamped_logs", dtypes=("float32", "float64")),
    Case(_bce, (A(2, values=[0.5, 1.5]), A(2, values=[0.0, 1.0])), name="out_of_range",
         dtypes=("float32",), error="RuntimeError"),
    Case(_bce, (A(2, 3, values=_PROBS), A(3, values=_LABELS)), name="shape_mismatch",
         dtypes=("float32",), error="ValueError"),
    Case(_bcel, (A(2, 3), A(2, 3, values=_LABELS)), dtypes=FLOATS),
    Case(_bcel, (A(2, 3), A(2, 3, values=_LABELS)),
         kwargs={"reduction": "none"}, name="none", dtypes=("float64",)),
    # (PyTorch has no derivative for weight and pos_weight)
    Case(_bcel, (A(2, 3), A(2, 3, values=_LABELS), A(2, 1, grad=False)), name="weight",
         dtypes=("float64",)),
    Case(_bcel, (A(8, domain="special"), A(8, values=_LABELS)), kwargs={"reduction": "none"},
         name="special", dtypes=("float32", "float64"), grad=False),
    Case(op("binary_cross_entropy_with_logits"), (A(2, 3), A(2, 3, values=_LABELS)),
         kwargs={"pos_weight": A(3, domain="positive", grad=False)}, name="pos_weight",
         dtypes=("float32", "float64")),
    Case(_bcel, (A(2, 3), A(3)), name="shape_mismatch", dtypes=("float32",),
         error="ValueError"),
]

_kl = op("kl_div")
_LOG_P = [-1.2, -0.4, -2.0, -0.1, -3.0, -0.7]
CASES += [
    Case(_kl, (A(2, 3, values=_LOG_P), A(2, 3, values=[0.2, 0.0, 0.5, 0.3, 0.0, 1.0])),
         dtypes=("float32", "float64")),
    Case(_kl, (A(2, 3, values=_LOG_P), A(2, 3, domain="positive")),
         kwargs={"reduction": "batchmean"}, name="batchmean", dtypes=("float32", "float64")),
    Case(_kl, (A(2, 3, values=_LOG_P), A(2, 3)),
         kwargs={"reduction": "none", "log_target": True}, name="log_target",
         dtypes=("float32", "float64")),
    Case(_kl, (A(2, 3, values=_LOG_P), A(2, 3, domain="positive")), kwargs={"reduction": "sum"},
         name="sum", dtypes=("float64", "bfloat16", "float16")),
]

_nll, _ce = op("nll_loss"), op("cross_entropy")
_T3 = A(4, domain="index:3", dtype="int64")
_IGNORED = A(4, values=[2, -100, 0, 1], dtype="int64")
_W3 = A(3, domain="positive", grad=False)
CASES += [
    Case(_nll, (A(4, 3), _T3), dtypes=FLOATS),
    Case(_nll, (A(4, 3), _T3, _W3), name="weight", dtypes=("float32", "float64")),
    Case(_nll, (A(4, 3), _T3), kwargs={"reduction": "none"}, name="none",
         dtypes=("float64",)),
    Case(_nll, (A(4, 3), _T3, _W3), kwargs={"reduction": "sum"}, name="sum",
         dtypes=("float64",)),
    Case(_nll, (A(4, 3), _IGNORED, _W3), name="ignore_index", dtypes=("float64",)),
    Case(_nll, (A(4, 3), A(4, values=[1, 1, 0, 2], dtype="int64")),
         kwargs={"ignore_index": 1}, name="ignore_class", dtypes=("float64",)),
    Case(_nll, (A(2, 3), A(2, values=[-100, -100], dtype="int64")), name="all_ignored",
         dtypes=("float64",)),
    Case(_nll, (A(3), A(values=[1], dtype="int64")), name="unbatched", dtypes=("float64",)),
    Case(_nll, (A(2, 3, 2), A(2, 2, domain="index:3", dtype="int64")), name="spatial",
         dtypes=("float64",)),
    Case(_nll, (A(2, 3, layout="transposed"), A(3, domain="index:2", dtype="int64")),
         name="transposed", dtypes=("float32",)),
    Case(_nll, (A(2, 3), A(2, values=[0, 3], dtype="int64")), name="target_out_of_range",
         dtypes=("float32",), error="IndexError"),
    Case(_nll, (A(2, 3), A(3, domain="index:3", dtype="int64")), name="batch_mismatch",
         dtypes=("float32",), error="ValueError"),
    Case(_ce, (A(4, 3), _T3), dtypes=FLOATS),
    Case(_ce, (A(4, 3), _T3), kwargs={"reduction": "none"}, name="none",
         dtypes=("float64",)),
    Case(_ce, (A(4, 3), _IGNORED, _W3), name="weight_ignore", dtypes=("float32", "float64")),
    Case(_ce, (A(4, 3), _IGNORED, _W3), kwargs={"label_smoothing": 0.2},
         name="smoothing", dtypes=("float32", "float64")),
    Case(_ce, (A(4, 3), _IGNORED), kwargs={"label_smoothing": 0.1, "reduction": "sum"},
         name="smoothing_sum", dtypes=("float64",)),
    Case(_ce, (A(4, 3), _T3), kwargs={"label_smoothing": 0.3, "reduction": "none"},
         name="smoothing_none", dtypes=("float64",)),
    Case(_ce, (A(2, 3, 2), A(2, 2, domain="index:3", dtype="int64")), name="spatial",
         dtypes=("float64",)),
    Case(_ce, (A(3), A(values=[2], dtype="int64")), name="unbatched", dtypes=("float64",)),
    Case(_ce, (A(2, 3), A(2, 3, domain="positive")), name="probabilities",
         dtypes=("float32", "float64")),
    Case(_ce, (A(2, 3), A(2, 3, domain="positive"), _W3),
         kwargs={"label_smoothing": 0.25}, name="probabilities_weight_smoothing",
         dtypes=("float64",)),
    Case(_ce, (A(2, 3), A(2, 3, domain="positive")), kwargs={"reduction": "none"},
         name="probabilities_none", dtypes=("float64",)),
    Case(_ce, (A(2, 3), _T3), kwargs={"label_smoothing": 1.5}, name="bad_smoothing",
         dtypes=("float32",), error="RuntimeError"),
]

# ------------------------------------------------------------ one_hot, dropout
_one_hot, _dropout = op("one_hot"), op("dropout")
CASES += [
    Case(_one_hot, (A(5, domain="index:4", dtype="int64"),), dtypes=("int64",), grad=False),
    Case(_one_hot, (A(2, 2, values=[0, 2, 1, 0], dtype="int64"),), kwargs={"num_classes": 5},
         name="num_classes", dtypes=("int64",), grad=False),
    Case(_one_hot, (A(values=[1], dtype="int64"),), kwargs={"num_classes": 3},
         name="zero_dim", dtypes=("int64",), grad=False),
    Case(_one_hot, (A(3, values=[0, 4, 1], dtype="int64"),), kwargs={"num_classes": 3},
         name="too_big", dtypes=("int64",), grad=False, error="RuntimeError"),
    Case(_one_hot, (A(2, values=[0, -1], dtype="int64"),), name="negative",
         dtypes=("int64",), grad=False, error="RuntimeError"),
    Case(_one_hot, (A(0, dtype="int64"),), name="empty_infer", dtypes=("int64",), grad=False,
         error="RuntimeError"),
    Case(_one_hot, (A(0, dtype="int64"),), kwargs={"num_classes": 2}, name="empty",
         dtypes=("int64",), grad=False),
    Case(_one_hot, (A(2),), kwargs={"num_classes": 2}, name="float", dtypes=("float32",),
         grad=False, error="RuntimeError"),
    Case(_dropout, (A(2, 3),), kwargs={"training": False}, name="eval", dtypes=FLOATS),
    Case(_dropout, (A(2, 3),), kwargs={"p": 0.0}, name="p0", dtypes=("float32", "float64")),
    Case(_dropout, (A(2, 3),), kwargs={"p": 1.0}, name="p1", dtypes=("float32", "float64")),
    Case(_dropout, (A(2, 3),), kwargs={"p": 1.5}, name="bad_p", dtypes=("float32",),
         error="ValueError"),
]

# ------------------------------------------------------------ conv2d, pooling
_conv, _max, _avg = op("conv2d"), op("max_pool2d"), op("avg_pool2d")
CASES += [
    Case(_conv, (A(1, 2, 4, 4), A(3, 2, 2, 2), A(3)), dtypes=("float32", "float64")),
    Case(_conv, (A(2, 4, 4, 3), A(4, 2, 3, 2)), kwargs={"groups": 2, "padding": 1},
         name="groups_padding", dtypes=("float64",)),
    Case(_conv, (A(1, 1, 5, 5), A(2, 1, 3, 3), A(2)),
         kwargs={"stride": (2, 1), "dilation": (1, 2), "padding": (1, 2)},
         name="stride_dilation", dtypes=("float64",)),
    Case(_conv, (A(1, 2, 4, 3), A(2, 2, 2, 3)), kwargs={"padding": "same"}, name="same",
         dtypes=("float32", "float64")),
    Case(_conv, (A(1, 1, 4, 4), A(1, 1, 3, 2)),
         kwargs={"padding": "same", "dilation": 2}, name="same_dilated", dtypes=("float64",)),
    Case(_conv, (A(1, 2, 4, 3), A(2, 2, 2, 3)), kwargs={"padding": "valid"}, name="valid",
         dtypes=("float64",)),
    Case(_conv, (A(2, 3, 3), A(2, 2, 2, 2)), name="unbatched", dtypes=("float64",)),
    Case(_conv, (A(0, 2, 3, 3), A(2, 2, 2, 2)), name="empty_batch", dtypes=("float32",)),
    Case(_conv, (A(1, 2, 3, 3), A(2, 3, 2, 2)), name="channel_mismatch",
         dtypes=("float32",), error="RuntimeError"),
    Case(_conv, (A(1, 2, 4, 4), A(2, 2, 2, 2)), kwargs={"padding": "same", "stride": 2},
         name="same_strided", dtypes=("float32",), error="RuntimeError"),
    Case(_conv, (A(1, 2, 2, 2), A(2, 2, 3, 3)), name="kernel_too_big", dtypes=("float32",),
         error="RuntimeError"),
    Case(_max, (A(1, 2, 4, 4), 2), dtypes=FLOATS),
    Case(_max, (A(1, 5, 5), 3), kwargs={"stride": 2, "padding": 1}, name="padding",
         dtypes=("float64",)),
    Case(_max, (A(1, 1, 5, 5), 3), kwargs={"stride": 2, "ceil_mode": True}, name="ceil_mode",
         dtypes=("float64",)),
    Case(_max, (A(1, 1, 6, 6), 2), kwargs={"dilation": 2, "stride": 1}, name="dilation",
         dtypes=("float64",)),
    Case(_max, (A(1, 1, 4, 4), (2, 1)), name="int", dtypes=("int64",), grad=False),
    Case(_max, (A(1, 1, 4, 4), 3), kwargs={"padding": 2}, name="big_padding",
         dtypes=("float32",), error="RuntimeError"),
    Case(_avg, (A(1, 2, 4, 4), 2), dtypes=FLOATS),
    Case(_avg, (A(1, 5, 5), 3), kwargs={"stride": 2, "padding": 1}, name="padding",
         dtypes=("float64",)),
    Case(_avg, (A(1, 5, 5), 3), kwargs={"stride": 2, "padding": 1, "count_include_pad": False},
         name="exclude_pad", dtypes=("float64",)),
    Case(_avg, (A(1, 1, 5, 5), 2), kwargs={"stride": 2, "padding": 1, "ceil_mode": True},
         name="ceil_mode", dtypes=("float64",)),
    Case(_avg, (A(1, 1, 5, 5), 2),
         kwargs={"stride": 2, "padding": 1, "ceil_mode": True, "count_include_pad": False},
         name="ceil_mode_exclude_pad", dtypes=("float64",)),
    Case(_avg, (A(1, 1, 4, 4), 2), kwargs={"divisor_override": 3}, name="divisor",
         dtypes=("float64",)),
]
