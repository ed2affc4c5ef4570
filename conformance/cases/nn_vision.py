"""torsh.nn.functional against torch.nn.functional: padding and the vision functions (pad,
interpolate, upsample*, grid_sample, affine_grid, pixel_shuffle, pixel_unshuffle,
channel_shuffle). Each op is a callable named after it that reaches lib.nn.functional.NAME."""
import importlib
import warnings

from . import FLOATS, INTS, A, Case

F32, F64, BOTH = ("float32",), ("float64",), ("float32", "float64")


def op(name: str):
    """The callable `name(lib, *args, **kwargs)` = lib.nn.functional.name(*args, **kwargs)."""
    def call(lib, *args, **kwargs):
        with warnings.catch_warnings():     # (the deprecated upsample aliases warn)
            warnings.simplefilter("ignore")
            return getattr(importlib.import_module(lib.__name__ + ".nn.functional"),
                           name)(*args, **kwargs)
    call.__name__ = name
    return call


# ------------------------------------------------------------ pad
_pad = op("pad")
CASES = [
    Case(_pad, (A(2, 3), (1, 2)), dtypes=FLOATS + INTS + ("bool",)),
    Case(_pad, (A(2, 3), (1, 0, 2, 1)), kwargs={"value": 2.5}, name="value", dtypes=FLOATS),
    Case(_pad, (A(2, 3), (1, 1)), kwargs={"value": 7}, name="int_value", dtypes=INTS),
    Case(_pad, (A(2, 4), (-1, 2, 0, -1)), name="negative", dtypes=BOTH),
    Case(_pad, (A(2, 3), (-2, -1)), name="crop_to_empty", dtypes=F64),
    Case(_pad, (A(2, 2, 2), (1, 1, 0, 1, 1, 0)), name="three_dims", dtypes=F64),
    Case(_pad, (A(3, 2, layout="transposed"), (1, 1)), name="transposed", dtypes=F32),
    Case(_pad, (A(2, 3, layout="strided"), (0, 1, 1, 0)), name="strided", dtypes=F64),
    Case(_pad, (A(3, 2, layout="expanded"), (1, 0)), name="expanded", dtypes=F64),
    Case(_pad, (A(), ()), name="zero_dim", dtypes=F64),
    Case(_pad, (A(0, 3), (1, 1)), name="empty", dtypes=F32),
    Case(_pad, (A(2, 3, domain="special"), (1, 1)), kwargs={"value": float("nan")},
         name="special", dtypes=BOTH, grad=False),
    Case(_pad, (A(2, 3), (1,)), name="odd_length", dtypes=F32, error="RuntimeError"),
    Case(_pad, (A(3), (1, 1, 1, 1)), name="too_long", dtypes=F32, error="RuntimeError"),
    Case(_pad, (A(2, 3), (-2, -2)), name="negative_size", dtypes=F32, error="RuntimeError"),
    Case(_pad, (A(2, 3), (1, 1)), kwargs={"mode": "wrap"}, name="bad_mode", dtypes=F32,
         error="NotImplementedError"),
]
for mode in ("reflect", "replicate", "circular"):
    ints = INTS if mode != "circular" else INTS + ("bool",)
    kw = {"mode": mode}
    CASES += [
        Case(_pad, (A(1, 2, 4), (2, 1)), kwargs=kw, name=f"{mode}_1d", dtypes=FLOATS + ints),
        Case(_pad, (A(2, 3), (1, 2)), kwargs=kw, name=f"{mode}_unbatched", dtypes=BOTH),
        Case(_pad, (A(1, 1, 3, 3), (1, 2, 2, 0)), kwargs=kw, name=f"{mode}_2d", dtypes=BOTH),
        Case(_pad, (A(1, 2, 2, 3), (1, 0, 1, 1, 0, 1)), kwargs=kw, name=f"{mode}_3d",
             dtypes=BOTH),
        Case(_pad, (A(2, 3), (1, 1, 1, 1)), kwargs=kw, name=f"{mode}_unbatched_2d",
             dtypes=F64),
        Case(_pad, (A(1, 3, 2, layout="transposed"), (1, 1)), kwargs=kw,
             name=f"{mode}_transposed", dtypes=F32),
        Case(_pad, (A(1, 2, 4), (-1, 2)), kwargs=kw, name=f"{mode}_negative", dtypes=F64),
        Case(_pad, (A(0, 2, 3), (1, 1)), kwargs=kw, name=f"{mode}_empty_batch", dtypes=F32),
        Case(_pad, (A(4), (1, 1)), kwargs=kw, name=f"{mode}_1d_input", dtypes=F32,
             error="NotImplementedError"),
        Case(_pad, (A(1, 2, 3), (4, 4)), kwargs=kw, name=f"{mode}_too_wide", dtypes=F32,
             error="RuntimeError"),
        Case(_pad, (A(1, 2, 3), (1, 1)), kwargs={"mode": mode, "value": 1.0},
             name=f"{mode}_value", dtypes=F32, error="RuntimeError"),
    ]
    if mode != "circular":
        CASES += [
            Case(_pad, (A(1, 2, 3), (1, 1)), kwargs=kw, name=f"{mode}_bool", dtypes=("bool",),
                 error="NotImplementedError"),
            Case(_pad, (A(1, 0, 3), (1, 1)), kwargs=kw, name=f"{mode}_empty_channels",
                 dtypes=F32, error="RuntimeError"),
        ]

# ------------------------------------------------------------ interpolate
_interp = op("interpolate")
_SPATIAL = {"nearest": (1, 2, 3), "nearest-exact": (1, 2, 3), "area": (1, 2, 3),
            "linear": (1,), "bilinear": (2,), "bicubic": (2,), "trilinear": (3,)}
_IN = {1: (1, 2, 3), 2: (1, 2, 2, 3), 3: (1, 1, 2, 2, 3)}
_SIZES = {1: 5, 2: (3, 5), 3: (3, 2, 4)}
for mode, dims in _SPATIAL.items():
    uint8 = ("uint8",) if mode in ("nearest", "nearest-exact") else ()
    linear = mode not in ("nearest", "nearest-exact", "area")
    for d in dims:
        tag = f"{mode}_{d}d"
        CASES += [
            Case(_interp, (A(*_IN[d]),), kwargs={"size": _SIZES[d], "mode": mode}, name=tag,
                 dtypes=FLOATS + uint8),
            Case(_interp, (A(*_IN[d]),), kwargs={"scale_factor": 1.7, "mode": mode},
                 name=f"{tag}_scale", dtypes=BOTH),
            Case(_interp, (A(*_IN[d]),), kwargs={"scale_factor": 0.6, "mode": mode},
                 name=f"{tag}_downscale", dtypes=F64),
            Case(_interp, (A(*_IN[d]),), kwargs={"scale_factor": 2.3, "mode": mode,
                                                 "recompute_scale_factor": True},
                 name=f"{tag}_recompute", dtypes=F64),
        ]
        if linear:
            CASES.append(Case(_interp, (A(*_IN[d]),), kwargs={
                "size": _SIZES[d], "mode": mode, "align_corners": True},
                name=f"{tag}_align_corners", dtypes=BOTH))
    d = dims[0]
    if mode in ("bilinear", "bicubic"):
        CASES.append(Case(_interp, (A(*_IN[d]),), kwargs={"size": _SIZES[d], "mode": mode},
                          name=f"{tag}_uint8", dtypes=("uint8",), atol=1,
                          note="PyTorch's uint8 kernel uses fixed-point weights"))
    CASES += [
        Case(_interp, (A(*_IN[d][:-2], _IN[d][-1], _IN[d][-2], layout="transposed"),),
             kwargs={"scale_factor": 2, "mode": mode}, name=f"{mode}_transposed", dtypes=F32),
        Case(_interp, (A(*_IN[d][:-1], _IN[d][-1], layout="strided"),),
             kwargs={"size": _SIZES[d], "mode": mode}, name=f"{mode}_strided", dtypes=F64),
        Case(_interp, (A(0, *_IN[d][1:]),), kwargs={"size": _SIZES[d], "mode": mode},
             name=f"{mode}_empty_batch", dtypes=F32),
        Case(_interp, (A(*_IN[d]),), kwargs={"scale_factor": 2.0, "mode": mode},
             name=f"{mode}_int_rejected", dtypes=("int64",), error="NotImplementedError"),
        Case(_interp, (A(*_IN[d], domain="special"),), kwargs={"size": _SIZES[d],
                                                               "mode": mode},
             name=f"{mode}_special", dtypes=BOTH, grad=False),
    ]
    if mode not in ("nearest", "nearest-exact", "bilinear", "bicubic"):
        CASES.append(Case(_interp, (A(*_IN[d]),), kwargs={"scale_factor": 2.0, "mode": mode},
                          name=f"{mode}_uint8_rejected", dtypes=("uint8",),
                          error="NotImplementedError"))
CASES += [
    # (PyTorch's backward maps a same-size 1-D nearest dim by identity, unlike its forward:
    # torsh's gradient is the forward's adjoint, so only the forward is compared)
    Case(_interp, (A(1, 1, 3),), kwargs={"scale_factor": 1.3}, name="same_size_nearest1d",
         dtypes=F64, grad=False),
    Case(_interp, (A(1, 1, 3, values=[1.0, 2.0, float("inf")]),),
         kwargs={"scale_factor": 1.3, "mode": "linear"}, name="same_size_linear_inf",
         dtypes=F64, grad=False),
    Case(_interp, (A(1, 1, 5, 3),), kwargs={"scale_factor": (2.1, 1.3)},
         name="nearest2d_shortcuts", dtypes=F64),
    Case(_interp, (A(1, 1, 3, 4),), kwargs={"scale_factor": (1.3, 1.2), "mode": "bilinear"},
         name="bilinear_same_size", dtypes=F64),
    Case(_interp, (A(1, 1, 2, 3),), kwargs={"size": (1, 1), "mode": "bilinear",
                                            "align_corners": True},
         name="bilinear_to_one", dtypes=F64),
    Case(_interp, (A(1, 1, 5),), kwargs={"size": 1, "mode": "area"}, name="area_global",
         dtypes=F64),
    Case(_interp, (A(1, 1, 3),), kwargs={"size": 4, "scale_factor": 2.0}, name="both",
         dtypes=F32, error="ValueError"),
    Case(_interp, (A(1, 1, 3),), name="neither", dtypes=F32, error="ValueError"),
    Case(_interp, (A(1, 1, 3),), kwargs={"size": (4, 4)}, name="size_length", dtypes=F32,
         error="ValueError"),
    Case(_interp, (A(1, 1, 3),), kwargs={"size": 4, "align_corners": True},
         name="nearest_align_corners", dtypes=F32, error="ValueError"),
    Case(_interp, (A(1, 1, 3),), kwargs={"size": 4, "mode": "bilinear"},
         name="bilinear_3d_input", dtypes=F32, error="NotImplementedError"),
    Case(_interp, (A(3),), kwargs={"size": 4}, name="1d_input", dtypes=F32,
         error="NotImplementedError"),
    Case(_interp, (A(1, 1, 3),), kwargs={"size": 0}, name="zero_size", dtypes=F32,
         error="RuntimeError"),
    Case(_interp, (A(1, 1, 3),), kwargs={"size": 4, "recompute_scale_factor": True},
         name="recompute_with_size", dtypes=F32, error="ValueError"),
    Case(_interp, (A(1, 1, 2, 2),), kwargs={"size": 4, "antialias": True},
         name="antialias_nearest", dtypes=F32, error="ValueError"),
    Case(op("upsample"), (A(1, 2, 3),), kwargs={"scale_factor": 2, "mode": "linear"},
         dtypes=BOTH),
    Case(op("upsample_nearest"), (A(1, 1, 2, 3),), kwargs={"size": (3, 4)}, dtypes=BOTH),
    Case(op("upsample_bilinear"), (A(1, 1, 2, 3),), kwargs={"scale_factor": 2}, dtypes=BOTH),
]

# ------------------------------------------------------------ grid_sample, affine_grid
_gs, _ag = op("grid_sample"), op("affine_grid")
_GRID2 = A(1, 2, 3, 2, domain="unit")
_FAR2 = A(1, 2, 3, 2, values=[-1.3, 0.2, 1.6, -0.9, 0.1, 2.7, -2.2, -1.05, 0.55, 1.1, -0.4, 3.9])
for mode in ("bilinear", "nearest", "bicubic"):
    grad = mode != "nearest"
    for padding in ("zeros", "border", "reflection"):
        for corners in (False, True):
            kw = {"mode": mode, "padding_mode": padding, "align_corners": corners}
            tag = f"{mode}_{padding}_{'corners' if corners else 'centres'}"
            CASES += [
                Case(_gs, (A(1, 2, 2, 3), _GRID2), kwargs=kw, name=tag, dtypes=BOTH,
                     grad=grad),
                Case(_gs, (A(1, 1, 3, 2), _FAR2), kwargs=kw, name=f"{tag}_outside",
                     dtypes=F64, grad=grad),
            ]
    # (nearest and bicubic in half precision: PyTorch rounds positions in that precision, so
    # a cell or a cubic weight differs; bilinear is compared with a half tolerance)
    CASES += [
        Case(_gs, (A(2, 1, 2, 2), A(2, 1, 3, 2, domain="unit")),
             kwargs={"mode": mode, "align_corners": False}, name=f"{mode}_half",
             dtypes=("float16", "bfloat16") if mode == "bilinear" else (), grad=False,
             atol=1e-2,
             note="half-precision grid: positions rounded"),
        Case(_gs, (A(1, 2, 3, 2, layout="transposed"), A(1, 2, 2, 2, layout="strided",
                                                         domain="unit")),
             kwargs={"mode": mode, "align_corners": True}, name=f"{mode}_layouts", dtypes=F64),
    ]
    if mode != "bicubic":
        for padding in ("zeros", "border", "reflection"):
            CASES.append(Case(_gs, (A(1, 2, 2, 2, 3), A(1, 1, 2, 2, 3, domain="unit")),
                              kwargs={"mode": mode, "padding_mode": padding,
                                      "align_corners": padding == "border"},
                              name=f"{mode}_{padding}_5d", dtypes=BOTH, grad=mode != "nearest"))
CASES += [
    Case(_gs, (A(0, 1, 2, 2), A(0, 1, 2, 2)), kwargs={"align_corners": False},
         name="empty_batch", dtypes=F32),
    Case(_gs, (A(1, 1, 2, 2), A(1, 0, 2, 2)), kwargs={"align_corners": False},
         name="empty_grid", dtypes=F32),
    Case(_gs, (A(1, 1, 2, 2), A(1, 1, 2, 2)), kwargs={"align_corners": False},
         name="int_rejected", dtypes=("int64",), error="NotImplementedError"),
    Case(_gs, (A(1, 1, 2, 2), A(2, 1, 2, 2)), kwargs={"align_corners": False},
         name="batch_mismatch", dtypes=F32, error="RuntimeError"),
    Case(_gs, (A(1, 1, 2, 2), A(1, 1, 2, 3)), kwargs={"align_corners": False},
         name="grid_last_dim", dtypes=F32, error="RuntimeError"),
    Case(_gs, (A(1, 1, 0, 2), A(1, 1, 2, 2)), kwargs={"align_corners": False},
         name="empty_spatial", dtypes=F32, error="RuntimeError"),
    Case(_gs, (A(1, 1, 2, 2, 2), A(1, 1, 1, 2, 3)), kwargs={"mode": "bicubic",
                                                            "align_corners": False},
         name="bicubic_5d", dtypes=F32, error="RuntimeError"),
    Case(_gs, (A(1, 1, 2, 2), A(1, 1, 2, 2)), kwargs={"mode": "area"}, name="bad_mode",
         dtypes=F32, error="ValueError"),
    Case(_gs, (A(1, 1, 2, 2), A(1, 1, 2, 2)), kwargs={"padding_mode": "wrap"},
         name="bad_padding", dtypes=F32, error="ValueError"),
]
for corners in (False, True):
    tag = "corners" if corners else "centres"
    CASES += [
        Case(_ag, (A(2, 2, 3), (2, 1, 2, 3)), kwargs={"align_corners": corners},
             name=f"2d_{tag}", dtypes=("float32", "float64", "bfloat16")),
        Case(_ag, (A(1, 3, 4), (1, 2, 2, 3, 2)), kwargs={"align_corners": corners},
             name=f"3d_{tag}", dtypes=BOTH),
        Case(_ag, (A(1, 2, 3), (1, 1, 1, 3)), kwargs={"align_corners": corners},
             name=f"unit_height_{tag}", dtypes=F64),
    ]
CASES += [
    Case(_ag, (A(1, 3, 2, layout="transposed"), (1, 1, 2, 2)),
         kwargs={"align_corners": False}, name="transposed", dtypes=F32),
    Case(_ag, (A(1, 2, 3), (1, 1, 2, 2)), name="int_rejected", dtypes=("int64",),
         kwargs={"align_corners": False}, error="ValueError"),
    Case(_ag, (A(1, 3, 3), (1, 1, 2, 2)), kwargs={"align_corners": False},
         name="bad_theta", dtypes=F32, error="ValueError"),
    Case(_ag, (A(1, 2, 3), (1, 1, 2)), kwargs={"align_corners": False}, name="bad_size",
         dtypes=F32, error="NotImplementedError"),
    Case(_ag, (A(1, 2, 3), (1, 1, 0, 2)), kwargs={"align_corners": False},
         name="zero_size", dtypes=F32, error="ValueError"),
    Case(_ag, (A(2, 2, 3), (1, 1, 2, 2)), kwargs={"align_corners": False},
         name="batch_mismatch", dtypes=F32, error="RuntimeError"),
]

# ------------------------------------------------------------ shuffles
_ps, _pu, _cs = op("pixel_shuffle"), op("pixel_unshuffle"), op("channel_shuffle")
CASES += [
    Case(_ps, (A(1, 8, 1, 2), 2), dtypes=FLOATS + INTS + ("bool",)),
    Case(_ps, (A(2, 9, 1, 1), 3), name="factor3", dtypes=F64),
    Case(_ps, (A(2, 1, 4, 1, 2), 2), name="extra_batch", dtypes=F64),
    Case(_ps, (A(4, 2, 2), 1), name="factor1", dtypes=F32),
    Case(_ps, (A(1, 4, 2, 1, layout="transposed"), 2), name="transposed", dtypes=F32),
    # (PyTorch's backward of an empty pixel_shuffle fails on the gradient's shape)
    Case(_ps, (A(0, 4, 1, 1), 2), name="empty", dtypes=F32, grad=False),
    Case(_ps, (A(4, 2), 2), name="2d", dtypes=F32, error="RuntimeError"),
    Case(_ps, (A(3, 2, 2), 2), name="channels", dtypes=F32, error="RuntimeError"),
    Case(_ps, (A(4, 2, 2), 0), name="zero_factor", dtypes=F32, error="RuntimeError"),
    Case(_pu, (A(1, 2, 2, 4), 2), dtypes=FLOATS + INTS + ("bool",)),
    Case(_pu, (A(2, 1, 1, 3, 3), 3), name="extra_batch", dtypes=F64),
    Case(_pu, (A(1, 1, 4, 2, layout="transposed"), 2), name="transposed", dtypes=F32),
    Case(_pu, (A(1, 1, 3, 2), 2), name="height", dtypes=F32, error="RuntimeError"),
    Case(_pu, (A(1, 1, 2, 3), 2), name="width", dtypes=F32, error="RuntimeError"),
    Case(_pu, (A(1, 2, 2), -1), name="negative_factor", dtypes=F32, error="RuntimeError"),
    Case(_cs, (A(1, 6, 2), 2), dtypes=FLOATS + INTS + ("bool",)),
    Case(_cs, (A(2, 6, 1, 1, 1), 3), name="5d", dtypes=F64),
    Case(_cs, (A(1, 4, 3, layout="transposed"), 4), name="transposed", dtypes=F32),
    Case(_cs, (A(0, 4, 2), 2), name="empty", dtypes=F32),
    Case(_cs, (A(2, 6), 2), name="2d", dtypes=F32, error="RuntimeError"),
    Case(_cs, (A(1, 3, 2), 2), name="indivisible", dtypes=F32, error="RuntimeError"),
    Case(_cs, (A(1, 3, 2), 0), name="zero_groups", dtypes=F32, error="RuntimeError"),
]
