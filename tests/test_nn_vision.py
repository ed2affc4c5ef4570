"""torsh.nn.functional padding and vision functions, and their layers: pad, interpolate (and
the upsample aliases), grid_sample, affine_grid, pixel_shuffle, pixel_unshuffle,
channel_shuffle; ZeroPad/ConstantPad/ReflectionPad/ReplicationPad/CircularPad, Upsample*,
PixelShuffle, PixelUnshuffle, ChannelShuffle.

Expected values are written by hand from each formula (checked once against PyTorch 2.13);
every differentiable function gets a float64 gradcheck and gradgradcheck.
"""
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import torsh
import torsh.nn as nn
import torsh.nn.functional as F
from torsh.autograd.gradcheck import gradcheck, gradgradcheck

F64 = torsh.float64
inf, nan = math.inf, math.nan


def t(values, dtype=F64, grad=False):
    return torsh.tensor(values, dtype=dtype, requires_grad=grad)


def row(x):
    """The values of a tensor, flattened."""
    return x.reshape(-1).tolist()


def approx(values, expected):
    assert len(values) == len(expected), (values, expected)
    for v, e in zip(values, expected):
        assert v == pytest.approx(e, abs=1e-12), (values, expected)


def check_grads(fn, *inputs, seed=0):
    """gradcheck and gradgradcheck of fn at float64 inputs (all requiring grad)."""
    assert gradcheck(fn, inputs)
    torsh.manual_seed(seed)
    out = fn(*inputs)
    cotangent = torsh.randn(tuple(out.shape), dtype=F64).requires_grad_()
    assert gradgradcheck(fn, inputs, (cotangent,))


ROW = t([[[0.0, 1.0, 2.0]]])          # (1, 1, 3)


# ------------------------------------------------------------------ pad

@pytest.mark.parametrize("mode, left, right, expected", [
    ("constant", 2, 1, [0, 0, 0, 1, 2, 0]),
    ("reflect", 2, 1, [2, 1, 0, 1, 2, 1]),
    ("replicate", 2, 1, [0, 0, 0, 1, 2, 2]),
    ("circular", 2, 1, [1, 2, 0, 1, 2, 0]),
    ("constant", -1, 2, [1, 2, 0, 0]),
    ("reflect", -1, 2, [1, 2, 1, 0]),
    ("replicate", -1, 2, [1, 2, 2, 2]),
    ("circular", -1, 2, [1, 2, 1, 2]),
])
def test_pad_modes_1d(mode, left, right, expected):
    assert row(F.pad(ROW, (left, right), mode=mode)) == expected


def test_pad_constant_value_and_two_dims():
    x = t([[1.0, 2.0], [3.0, 4.0]])
    assert F.pad(x, (1, 0, 0, 1), value=9.0).tolist() == [[9, 1, 2], [9, 3, 4], [9, 9, 9]]
    assert F.pad(x, (0, 0, -1, 0)).tolist() == [[3, 4]]
    assert F.pad(x, (-1, -1)).shape == (2, 0)


def test_pad_reflect_2d_and_3d():
    x = torsh.arange(4.0).reshape(1, 2, 2)
    assert F.pad(x, (1, 0, 1, 0), mode="reflect").tolist() == [[[3, 2, 3], [1, 0, 1],
                                                                  [3, 2, 3]]]
    cube = torsh.arange(8.0).reshape(1, 2, 2, 2)
    out = F.pad(cube, (0, 0, 0, 0, 1, 0), mode="replicate")
    assert out.shape == (1, 3, 2, 2) and row(out[:, 0]) == row(cube[:, 0])


def test_pad_dtypes_and_layouts():
    ints = torsh.arange(6).reshape(2, 3)
    assert F.pad(ints, (1, 1), value=1.5).tolist() == [[1, 0, 1, 2, 1], [1, 3, 4, 5, 1]]
    assert F.pad(ints, (1, 1), value=1.5).dtype == torsh.int64
    flags = ints > 2
    assert F.pad(flags, (1, 0), value=1).tolist() == [[True, False, False, False],
                                                      [True, True, True, True]]
    assert F.pad(flags, (1, 0), mode="circular").tolist()[0] == [False, False, False, False]
    transposed = torsh.arange(6.0).reshape(3, 2).t()
    assert F.pad(transposed, (1, 1), mode="reflect").tolist() == [[2, 0, 2, 4, 2],
                                                                  [3, 1, 3, 5, 3]]
    assert F.pad(t(1.5), ()).item() == 1.5
    assert F.pad(torsh.zeros(0, 2, 3), (1, 1), mode="reflect").shape == (0, 2, 5)
    special = F.pad(t([[nan, -0.0, inf]]), (1, 1), value=nan)
    assert math.isnan(row(special)[0]) and math.copysign(1, row(special)[2]) == -1


@pytest.mark.parametrize("mode, pads", [("constant", (2, -1, 1, 0)), ("reflect", (2, 1)),
                                        ("replicate", (1, 2, 0, 1)), ("circular", (-1, 2))])
def test_pad_gradients(mode, pads):
    x = torsh.randn(1, 2, 3, dtype=F64, requires_grad=True)
    check_grads(lambda a: F.pad(a, pads, mode=mode), x)


@settings(max_examples=15, deadline=None)
@given(st.lists(st.integers(1, 3), min_size=1, max_size=3), st.data())
def test_pad_then_crop_is_the_identity(shape, data):
    pads = data.draw(st.lists(st.integers(0, 2), min_size=2 * len(shape),
                              max_size=2 * len(shape)))
    x = torsh.randn(*shape, dtype=F64)
    mode = data.draw(st.sampled_from(["constant", "replicate", "circular"]))
    if mode != "constant":
        x, pads = x.unsqueeze(0), pads[:2 * min(len(shape), 3)]
        if mode == "circular":
            pads = [min(p, n) for p, n in zip(pads, [s for s in reversed(shape)
                                                   for _ in (0, 1)])]
    padded = F.pad(x, tuple(pads), mode=mode)
    assert torsh.equal(F.pad(padded, tuple(-p for p in pads)), x)


def test_pad_gradient_adds_onto_sources():
    x = t([[[1.0, 2.0, 3.0]]], grad=True)
    F.pad(x, (2, 2), mode="reflect").sum().backward()
    assert row(x.grad) == [2, 3, 2]      # out = [3, 2, 1, 2, 3, 2, 1]


@pytest.mark.parametrize("call, error, match", [
    (lambda: F.pad(ROW, (1,)), RuntimeError, "pad: Padding length must be divisible"),
    (lambda: F.pad(t([1.0]), (1, 1, 1, 1)), RuntimeError, "pad: Padding length should"),
    (lambda: F.pad(ROW, (-2, -2)), RuntimeError, "pad: narrow"),
    (lambda: F.pad(ROW, (3, 0), mode="reflect"), RuntimeError, "pad: Argument #4"),
    (lambda: F.pad(ROW, (4, 0), mode="circular"), RuntimeError, "wrapping around"),
    (lambda: F.pad(ROW, (-2, -1), mode="replicate"), RuntimeError, "too small"),
    (lambda: F.pad(t([1.0, 2.0]), (1, 1), mode="reflect"), NotImplementedError,
     "pad: Padding size 2 is not supported for 1D"),
    (lambda: F.pad(ROW, (1, 1), mode="wrap"), NotImplementedError, "pad: Unrecognised"),
    (lambda: F.pad(ROW, (1, 1), mode="reflect", value=1.0), RuntimeError,
     "doesn't take in value"),
    (lambda: F.pad(ROW > 0, (1, 1), mode="reflect"), NotImplementedError, "reflection_pad1d"),
    (lambda: F.pad(torsh.zeros(1, 0, 3), (1, 1), mode="reflect"), RuntimeError,
     "non-zero dimensions"),
    (lambda: F.pad(ROW, (1.5, 1)), TypeError, "pad"),
    (lambda: F.pad(torsh.zeros(2, dtype=torsh.int8), (1, 1), value=300), RuntimeError,
     "pad: value cannot be converted"),
    (lambda: F.pad(torsh.zeros(2, dtype=torsh.float16), (1, 1), value=1e6), RuntimeError,
     "pad: value cannot be converted"),
])
def test_pad_errors(call, error, match):
    with pytest.raises(error, match=match):
        call()


# ------------------------------------------------------------------ interpolate

def test_nearest_and_nearest_exact():
    assert row(F.interpolate(ROW, size=6)) == [0, 0, 1, 1, 2, 2]
    assert row(F.interpolate(ROW, size=5, mode="nearest-exact")) == [0, 0, 1, 2, 2]
    # scale_factor given: positions use 1 / scale (not in / out) ...
    assert row(F.interpolate(ROW, scale_factor=1.3)) == [0, 0, 1]
    # ... unless recomputed from the sizes
    assert row(F.interpolate(ROW, scale_factor=1.3, recompute_scale_factor=True)) == [0, 1, 2]
    image = torsh.arange(4.0).reshape(1, 1, 2, 2)
    assert F.interpolate(image, scale_factor=2).tolist()[0][0][1] == [0, 0, 1, 1]


def test_linear_family():
    pair = t([[[0.0, 1.0]]])
    approx(row(F.interpolate(pair, size=4, mode="linear")), [0, 0.25, 0.75, 1])
    approx(row(F.interpolate(pair, size=3, mode="linear", align_corners=True)), [0, 0.5, 1])
    image = t([[[[0.0, 1.0], [2.0, 3.0]]]])
    approx(row(F.interpolate(image, size=3, mode="bilinear", align_corners=True)),
           [0, 0.5, 1, 1, 1.5, 2, 2, 2.5, 3])
    cube = torsh.arange(8.0, dtype=F64).reshape(1, 1, 2, 2, 2)
    out = F.interpolate(cube, size=3, mode="trilinear", align_corners=True)
    assert out.shape == (1, 1, 3, 3, 3) and out[0, 0, 1, 1, 1].item() == pytest.approx(3.5)
    # a dim of unchanged size maps to x[j] * 1 + x[j] * 0, as PyTorch's kernel does
    same = row(F.interpolate(t([[[1.0, 2.0, inf]]]), size=3, mode="linear"))
    assert same[:2] == [1, 2] and math.isnan(same[2])


def test_bicubic_keys_weights():
    ramp = t([[[[0.0, 1.0, 2.0, 3.0]]]])
    out = F.interpolate(ramp, size=(1, 7), mode="bicubic", align_corners=True)
    # Keys' weights at t = 1/2: (-3/32, 19/32, 19/32, -3/32); taps beyond the edge repeat it:
    # out[1] = 19/32 * 1 - 3/32 * 2 (taps x[0], x[0], x[1], x[2]); inside, lines are kept
    approx(row(out), [0, 0.40625, 1, 1.5, 2, 2.59375, 3])
    impulse = t([[[[0.0, 1.0, 0.0, 0.0]]]])
    middle = F.interpolate(impulse, size=(1, 7), mode="bicubic", align_corners=True)
    assert row(middle)[3] == pytest.approx(0.59375)    # Keys' kernel at 1/2, A = -0.75
    assert row(F.interpolate(t([[[[0.0, 0.0, 1.0, 0.0]]]]), size=(1, 7), mode="bicubic",
                             align_corners=True))[3] == pytest.approx(0.59375)
    flat = F.interpolate(torsh.full((1, 1, 2, 3), 2.5, dtype=F64), size=(3, 5), mode="bicubic")
    approx(row(flat), [2.5] * 15)


def test_area_is_the_adaptive_mean():
    approx(row(F.interpolate(t([[[1.0, 2.0, 3.0, 4.0]]]), size=2, mode="area")), [1.5, 3.5])
    approx(row(F.interpolate(t([[[1.0, 2.0, 4.0]]]), size=2, mode="area")), [1.5, 3.0])
    approx(row(F.interpolate(t([[[1.0, 2.0, 4.0]]]), scale_factor=0.5, mode="area")), [7 / 3])
    assert row(F.interpolate(t([[[-0.0]]]), size=1, mode="area")) == [0.0]
    assert math.copysign(1, row(F.interpolate(t([[[-0.0]]]), size=1, mode="area"))[0]) == 1


def test_interpolate_dtypes_and_layouts():
    u8 = torsh.tensor([[[[0, 255]]]], dtype=torsh.uint8)
    assert F.interpolate(u8, size=(1, 4)).tolist() == [[[[0, 0, 255, 255]]]]
    assert row(F.interpolate(u8, size=(1, 3), mode="bilinear", align_corners=True)) == \
        [0, 128, 255]
    assert F.interpolate(u8, size=(1, 3), mode="bilinear").dtype == torsh.uint8
    transposed = torsh.arange(6.0).reshape(1, 3, 2).transpose(1, 2)   # (1, 2, 3)
    assert F.interpolate(transposed, size=6).tolist()[0][1] == [1, 1, 3, 3, 5, 5]
    assert F.interpolate(torsh.zeros(0, 2, 3), size=4).shape == (0, 2, 4)
    half = F.interpolate(torsh.ones(1, 1, 2, dtype=torsh.float16), size=3, mode="linear")
    assert half.dtype == torsh.float16 and row(half) == [1, 1, 1]


@pytest.mark.parametrize("mode, shape, kwargs", [
    ("nearest", (1, 2, 3), {"scale_factor": 1.7}),
    ("nearest-exact", (1, 1, 2, 3), {"size": (3, 2)}),
    ("linear", (1, 1, 3), {"size": 5}),
    ("bilinear", (1, 1, 2, 3), {"size": (3, 2), "align_corners": True}),
    ("bicubic", (1, 1, 2, 3), {"scale_factor": 1.5}),
    ("trilinear", (1, 1, 2, 2, 2), {"size": 3}),
    ("area", (1, 1, 5), {"size": 3}),
])
def test_interpolate_gradients(mode, shape, kwargs):
    x = torsh.randn(*shape, dtype=F64, requires_grad=True)
    check_grads(lambda a: F.interpolate(a, mode=mode, **kwargs), x)


def test_interpolate_gradient_is_the_adjoint():
    # 1-D nearest with an unchanged size: PyTorch's backward maps j to j (its forward does
    # not); torsh's gradient is the forward's adjoint.
    x = t([[[1.0, 2.0, 3.0]]], grad=True)
    F.interpolate(x, scale_factor=1.3).sum().backward()
    assert row(x.grad) == [2, 1, 0]


@pytest.mark.parametrize("kwargs, error, match", [
    ({"size": 4, "scale_factor": 2.0}, ValueError, "only one of size or scale_factor"),
    ({}, ValueError, "either size or scale_factor"),
    ({"size": (4, 4)}, ValueError, "same number of spatial dimensions"),
    ({"size": 4, "align_corners": True}, ValueError, "align_corners option"),
    ({"size": 4, "mode": "bilinear"}, NotImplementedError, "bilinear mode needs 4D"),
    ({"size": 4, "mode": "lanczos"}, NotImplementedError, "Input Error"),
    ({"size": 0}, RuntimeError, "interpolate: Input and output sizes"),
    ({"size": 4, "recompute_scale_factor": True}, ValueError, "not meaningful"),
    ({"size": 4.0}, TypeError, "interpolate: expected size"),
    ({"size": 4, "mode": "linear", "antialias": True}, ValueError, "Anti-alias"),
])
def test_interpolate_errors(kwargs, error, match):
    with pytest.raises(error, match=match):
        F.interpolate(ROW, **kwargs)


def test_interpolate_dtype_errors():
    with pytest.raises(NotImplementedError, match="interpolate: .*'Long'"):
        F.interpolate(torsh.arange(3).reshape(1, 1, 3), size=4)
    with pytest.raises(NotImplementedError, match="interpolate: .*'Byte'"):
        F.interpolate(torsh.zeros(1, 1, 3, dtype=torsh.uint8), size=4, mode="linear")
    with pytest.raises(NotImplementedError, match="antialias"):
        F.interpolate(torsh.zeros(1, 1, 2, 2), size=4, mode="bilinear", antialias=True)


def test_upsample_aliases_warn():
    image = torsh.arange(4.0).reshape(1, 1, 2, 2)
    with pytest.warns(UserWarning, match="deprecated"):
        nearest = F.upsample_nearest(image, scale_factor=2)
    assert torsh.equal(nearest, F.interpolate(image, scale_factor=2))
    with pytest.warns(UserWarning, match="deprecated"):
        bilinear = F.upsample_bilinear(image, size=3)
    approx(row(bilinear), row(F.interpolate(image, size=3, mode="bilinear",
                                            align_corners=True)))
    with pytest.warns(UserWarning, match="deprecated"):
        assert F.upsample(image, size=3).shape == (1, 1, 3, 3)


# ------------------------------------------------------------------ grid_sample, affine_grid

IMAGE = t([[[[1.0, 2.0], [3.0, 4.0]]]])


def at(point, **kwargs):
    """grid_sample of IMAGE at one (x, y) point."""
    return F.grid_sample(IMAGE, t([[[point]]]), **kwargs).item()


def test_grid_sample_bilinear_and_padding():
    assert at([0.0, 0.0], align_corners=False) == pytest.approx(2.5)
    assert at([1.0, -1.0], align_corners=True) == pytest.approx(2.0)
    assert at([-1.0, -1.0], align_corners=False) == pytest.approx(0.25)       # zeros
    assert at([-1.0, -1.0], padding_mode="border", align_corners=False) == 1.0
    assert at([-1.0, -1.0], padding_mode="reflection", align_corners=False) == 1.0
    # reflection about x = 1.5 cells: u = 2.5 reads u = 0.5
    assert at([2.0, -0.5], padding_mode="reflection", align_corners=False) == \
        pytest.approx(at([0.0, -0.5], align_corners=False))


def test_grid_sample_nearest_and_bicubic():
    assert at([0.1, 0.6], mode="nearest", align_corners=False) == 4.0
    assert at([0.0, 0.0], mode="nearest", align_corners=True) == 1.0   # 0.5 rounds to even
    assert at([3.0, 3.0], mode="nearest", align_corners=False) == 0.0
    flat = torsh.full((1, 1, 3, 3), 2.0, dtype=F64)
    grid = t([[[[0.3, -0.2], [0.1, 0.4]]]])
    approx(row(F.grid_sample(flat, grid, mode="bicubic", padding_mode="border",
                             align_corners=True)), [2.0, 2.0])


def test_identity_grid_reproduces_the_input():
    x = torsh.randn(2, 3, 2, 4, dtype=F64)
    theta = t([[[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]] * 2)
    for corners in (False, True):
        grid = F.affine_grid(theta, (2, 3, 2, 4), align_corners=corners)
        for mode in ("bilinear", "nearest", "bicubic"):
            out = F.grid_sample(x, grid, mode=mode, align_corners=corners)
            approx(row(out), row(x))
    volume = torsh.randn(1, 2, 2, 2, 3, dtype=F64)
    theta3 = t([[[1.0, 0, 0, 0], [0, 1.0, 0, 0], [0, 0, 1.0, 0]]])
    grid3 = F.affine_grid(theta3, (1, 2, 2, 2, 3), align_corners=False)
    approx(row(F.grid_sample(volume, grid3, align_corners=False)), row(volume))


def test_affine_grid_values():
    theta = t([[[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]])
    corners = F.affine_grid(theta, (1, 1, 2, 3), align_corners=True)
    assert corners.tolist() == [[[[-1, -1], [0, -1], [1, -1]], [[-1, 1], [0, 1], [1, 1]]]]
    centres = F.affine_grid(theta, (1, 1, 2, 3), align_corners=False)
    approx(row(centres), [-2 / 3, -0.5, 0, -0.5, 2 / 3, -0.5, -2 / 3, 0.5, 0, 0.5, 2 / 3, 0.5])
    with pytest.warns(UserWarning, match="unit-size"):
        shifted = F.affine_grid(t([[[2.0, 0.0, 0.5], [0.0, 1.0, -1.0]]]), (1, 1, 1, 2),
                                align_corners=True)
    assert shifted.tolist() == [[[[-1.5, -1.0], [2.5, -1.0]]]]
    assert F.affine_grid(torsh.zeros(1, 3, 4), (1, 1, 2, 3, 4),
                         align_corners=False).shape == (1, 2, 3, 4, 3)


@pytest.mark.parametrize("mode, padding", [("bilinear", "zeros"), ("bilinear", "reflection"),
                                           ("bicubic", "border")])
def test_grid_sample_gradients(mode, padding):
    torsh.manual_seed(1)
    x = torsh.randn(1, 1, 2, 3, dtype=F64, requires_grad=True)
    points = 1 if mode == "bicubic" else 2
    grid = (torsh.rand(1, 1, points, 2, dtype=F64) * 2.4 - 1.2).requires_grad_()
    check_grads(lambda a, g: F.grid_sample(a, g, mode=mode, padding_mode=padding,
                                           align_corners=False), x, grid)


def test_grid_sample_3d_and_affine_grid_gradients():
    torsh.manual_seed(2)
    x = torsh.randn(1, 1, 2, 2, 2, dtype=F64, requires_grad=True)
    grid = (torsh.rand(1, 1, 1, 2, 3, dtype=F64) * 1.8 - 0.9).requires_grad_()
    assert gradcheck(lambda a, g: F.grid_sample(a, g, align_corners=True), (x, grid))
    theta = torsh.randn(1, 2, 3, dtype=F64, requires_grad=True)
    assert gradcheck(lambda th: F.affine_grid(th, (1, 1, 2, 2), align_corners=False),
                     (theta,))


def test_grid_sample_nearest_gradient():
    x = t([[[[1.0, 2.0], [3.0, 4.0]]]], grad=True)
    grid = t([[[[0.1, 0.6], [0.2, 0.7]]]], grad=True)
    F.grid_sample(x, grid, mode="nearest", align_corners=False).sum().backward()
    assert row(x.grad) == [0, 0, 0, 2] and row(grid.grad) == [0, 0, 0, 0]


@pytest.mark.parametrize("call, error, match", [
    (lambda: F.grid_sample(IMAGE, t([[[[0.0, 0.0]]]] * 2), align_corners=False),
     RuntimeError, "grid_sampler\\(\\): expected grid and input to have same batch"),
    (lambda: F.grid_sample(IMAGE, t([[[[0.0, 0.0, 0.0]]]]), align_corners=False),
     RuntimeError, "size 2 in last dimension"),
    (lambda: F.grid_sample(IMAGE[0], t([[[0.0, 0.0]]]), align_corners=False),
     RuntimeError, "4D or 5D input"),
    (lambda: F.grid_sample(IMAGE.long(), t([[[[0, 0]]]], dtype=torsh.int64),
                           align_corners=False), NotImplementedError, "'Long'"),
    (lambda: F.grid_sample(IMAGE, t([[[[0.0, 0.0]]]], dtype=torsh.float32),
                           align_corners=False), RuntimeError, "same dtype"),
    (lambda: F.grid_sample(torsh.zeros(1, 1, 1, 2, 2), torsh.zeros(1, 1, 1, 1, 3),
                           mode="bicubic", align_corners=False), RuntimeError, "bicubic"),
    (lambda: F.grid_sample(IMAGE, IMAGE, mode="area"), ValueError, "grid_sample"),
    (lambda: F.grid_sample(IMAGE, IMAGE, padding_mode="wrap"), ValueError, "grid_sample"),
    (lambda: F.affine_grid(torsh.zeros(1, 2, 3, dtype=torsh.int64), (1, 1, 2, 2),
                           align_corners=False), ValueError, "floating point"),
    (lambda: F.affine_grid(torsh.zeros(1, 3, 3), (1, 1, 2, 2), align_corners=False),
     ValueError, "Nx2x3"),
    (lambda: F.affine_grid(torsh.zeros(1, 2, 3), (1, 1, 2), align_corners=False),
     NotImplementedError, "affine_grid only supports"),
    (lambda: F.affine_grid(torsh.zeros(1, 2, 3), (1, 1, 0, 2), align_corners=False),
     ValueError, "positive output size"),
])
def test_grid_errors(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_default_align_corners_warns():
    with pytest.warns(UserWarning, match="align_corners=False"):
        F.grid_sample(IMAGE, t([[[[0.0, 0.0]]]]))


# ------------------------------------------------------------------ shuffles

def test_pixel_shuffle_and_unshuffle():
    x = torsh.arange(16).reshape(1, 4, 2, 2)
    shuffled = F.pixel_shuffle(x, 2)
    assert shuffled.tolist() == [[[[0, 4, 1, 5], [8, 12, 9, 13], [2, 6, 3, 7],
                                   [10, 14, 11, 15]]]]
    assert torsh.equal(F.pixel_unshuffle(shuffled, 2), x)
    assert F.pixel_shuffle(torsh.zeros(2, 1, 9, 1, 2), 3).shape == (2, 1, 1, 3, 6)
    assert F.pixel_unshuffle(torsh.zeros(0, 1, 2, 2), 2).shape == (0, 4, 1, 1)


def test_channel_shuffle():
    x = torsh.arange(6).reshape(1, 6, 1)
    assert row(F.channel_shuffle(x, 2)) == [0, 3, 1, 4, 2, 5]
    assert row(F.channel_shuffle(x, 3)) == [0, 2, 4, 1, 3, 5]
    assert F.channel_shuffle(torsh.zeros(0, 4, 2), 2).shape == (0, 4, 2)


def test_shuffle_gradients():
    x = torsh.randn(1, 4, 1, 2, dtype=F64, requires_grad=True)
    check_grads(lambda a: F.pixel_shuffle(a, 2), x)
    check_grads(lambda a: F.pixel_unshuffle(a, 1), x)
    check_grads(lambda a: F.channel_shuffle(a, 2), x)


@pytest.mark.parametrize("call, match", [
    (lambda: F.pixel_shuffle(torsh.zeros(4, 2), 2), "pixel_shuffle expects input to have"),
    (lambda: F.pixel_shuffle(torsh.zeros(3, 2, 2), 2), "pixel_shuffle expects its input"),
    (lambda: F.pixel_shuffle(torsh.zeros(4, 2, 2), 0), "pixel_shuffle expects a positive"),
    (lambda: F.pixel_unshuffle(torsh.zeros(1, 3, 2), 2), "pixel_unshuffle expects height"),
    (lambda: F.pixel_unshuffle(torsh.zeros(1, 2, 3), 2), "pixel_unshuffle expects width"),
    (lambda: F.channel_shuffle(torsh.zeros(2, 2), 1), "channel_shuffle expects input"),
    (lambda: F.channel_shuffle(torsh.zeros(1, 3, 2), 2), "divisible by groups"),
    (lambda: F.channel_shuffle(torsh.zeros(1, 3, 2), 0), "must be positive"),
])
def test_shuffle_errors(call, match):
    with pytest.raises(RuntimeError, match=match):
        call()


# ------------------------------------------------------------------ layers

@pytest.mark.parametrize("layer, text, shape", [
    (nn.ZeroPad1d(1), "ZeroPad1d((1, 1))", (1, 2, 5)),
    (nn.ZeroPad2d((1, 2, 0, 1)), "ZeroPad2d((1, 2, 0, 1))", (1, 3, 6)),
    (nn.ZeroPad3d(1), "ZeroPad3d((1, 1, 1, 1, 1, 1))", (3, 4, 5)),
    (nn.ConstantPad1d((1, 0), 2.5), "ConstantPad1d(padding=(1, 0), value=2.5)", (1, 2, 4)),
    (nn.ConstantPad2d(1, 3), "ConstantPad2d(padding=(1, 1, 1, 1), value=3)", (1, 4, 5)),
    (nn.ConstantPad3d(0, 1.0), "ConstantPad3d(padding=(0, 0, 0, 0, 0, 0), value=1.0)",
     (1, 2, 3)),
    (nn.ReflectionPad1d(1), "ReflectionPad1d((1, 1))", (1, 2, 5)),
    (nn.ReflectionPad2d((1, 0, 1, 0)), "ReflectionPad2d((1, 0, 1, 0))", (1, 3, 4)),
    (nn.ReplicationPad1d((0, 2)), "ReplicationPad1d((0, 2))", (1, 2, 5)),
    (nn.ReplicationPad2d(1), "ReplicationPad2d((1, 1, 1, 1))", (1, 4, 5)),
    (nn.CircularPad1d(2), "CircularPad1d((2, 2))", (1, 2, 7)),
    (nn.CircularPad2d(1), "CircularPad2d((1, 1, 1, 1))", (1, 4, 5)),
])
def test_padding_layers(layer, text, shape):
    x = torsh.arange(6.0).reshape(1, 2, 3)
    assert repr(layer) == text
    assert layer(x).shape == shape
    assert list(layer.state_dict()) == [] and list(layer.parameters()) == []


def test_padding_layers_3d_and_values():
    volume = torsh.arange(8.0).reshape(1, 1, 2, 2, 2)
    assert nn.ReflectionPad3d(1)(volume).shape == (1, 1, 4, 4, 4)
    assert nn.ReplicationPad3d((1, 0, 0, 0, 0, 0))(volume).shape == (1, 1, 2, 2, 3)
    assert nn.CircularPad3d(1)(volume).shape == (1, 1, 4, 4, 4)
    assert row(nn.ConstantPad1d(1, 7.0)(t([[1.0]]))) == [7, 1, 7]
    with pytest.raises(ValueError, match="expected 2D or 3D input"):
        nn.CircularPad1d(1)(t([1.0, 2.0]))


def test_upsampling_layers():
    image = torsh.arange(4.0, dtype=F64).reshape(1, 1, 2, 2)
    assert repr(nn.Upsample(scale_factor=2)) == "Upsample(scale_factor=2.0, mode='nearest')"
    assert repr(nn.Upsample(size=(2, 3), mode="bilinear")) == \
        "Upsample(size=(2, 3), mode='bilinear')"
    assert repr(nn.UpsamplingNearest2d(scale_factor=2)) == \
        "UpsamplingNearest2d(scale_factor=2.0, mode='nearest')"
    assert repr(nn.UpsamplingBilinear2d(size=3)) == "UpsamplingBilinear2d(size=3, mode='bilinear')"
    assert torsh.equal(nn.UpsamplingNearest2d(scale_factor=2)(image),
                       F.interpolate(image, scale_factor=2))
    approx(row(nn.UpsamplingBilinear2d(size=3)(image)), [0, 0.5, 1, 1, 1.5, 2, 2, 2.5, 3])
    layer = nn.Upsample(scale_factor=(2, 1), mode="bilinear", align_corners=False)
    assert layer.scale_factor == (2.0, 1.0) and layer(image).shape == (1, 1, 4, 2)
    assert list(layer.state_dict()) == []


def test_shuffle_layers():
    x = torsh.arange(16.0).reshape(1, 4, 2, 2)
    assert repr(nn.PixelShuffle(2)) == "PixelShuffle(upscale_factor=2)"
    assert repr(nn.PixelUnshuffle(3)) == "PixelUnshuffle(downscale_factor=3)"
    assert repr(nn.ChannelShuffle(2)) == "ChannelShuffle(groups=2)"
    assert torsh.equal(nn.PixelUnshuffle(2)(nn.PixelShuffle(2)(x)), x)
    assert row(nn.ChannelShuffle(2)(x)[0, :, 0, 0]) == [0, 8, 4, 12]


@pytest.mark.torch
def test_against_torch():
    torch = pytest.importorskip("torch")
    import numpy as np
    x = np.random.default_rng(0).normal(size=(1, 2, 3, 4))
    grid = np.random.default_rng(1).uniform(-1.3, 1.3, size=(1, 2, 3, 2))
    ours = F.grid_sample(torsh.tensor(x), torsh.tensor(grid), mode="bicubic",
                         padding_mode="reflection", align_corners=False)
    theirs = torch.nn.functional.grid_sample(torch.tensor(x), torch.tensor(grid),
                                             mode="bicubic", padding_mode="reflection",
                                             align_corners=False)
    assert np.allclose(np.array(ours.tolist()), theirs.numpy())
    ours = F.interpolate(torsh.tensor(x), scale_factor=1.7, mode="bilinear")
    theirs = torch.nn.functional.interpolate(torch.tensor(x), scale_factor=1.7,
                                             mode="bilinear")
    assert np.allclose(np.array(ours.tolist()), theirs.numpy())
