"""The C backend's nn kernels (kernels/c/conv.c, pool.c, embedding.c): convolution (plain and
transposed, 1-D and 2-D) with its fused backward, im2col / col2im, the poolings and their
adjoints, embedding and embedding_bag, each against the reference on the same inputs: views,
empty tensors, special values (NaN, inf, ties), and the portable build for the tricky paths.

Skipped, with the reason printed, where the library is not built (no C compiler)."""

import numpy as np
import pytest

import torsh
import torsh.nn.functional as F
from torsh.backends import C_BACKEND
from torsh.nn.functional.conv import convolution

from c_checks import (COMPARE_RUNS, assert_passes_on_the_portable_build, assert_same, both,
                      data, with_grads)

pytestmark = pytest.mark.skipif(not C_BACKEND.is_available(),
                                reason=C_BACKEND.unavailable_reason())
NAN, INF = float("nan"), float("inf")


# ------------------------------------------------------------ convolution

CONV_CASES = [  # (dims, transposed, N, C, O, groups, kernel, stride, padding, dilation, op)
    (2, False, 2, 3, 4, 1, (3, 3), (1, 1), (1, 1), (1, 1), (0, 0)),
    (2, False, 1, 4, 6, 2, (2, 3), (2, 1), (0, 2), (1, 2), (0, 0)),
    (2, False, 3, 2, 2, 1, (1, 1), (1, 1), (0, 0), (1, 1), (0, 0)),        # im2col skipped
    (1, False, 2, 3, 2, 1, (3,), (2,), (1,), (2,), (0,)),
    (2, True, 2, 3, 4, 1, (3, 3), (2, 2), (1, 1), (1, 1), (1, 0)),
    (2, True, 1, 4, 2, 2, (2, 2), (1, 3), (0, 1), (2, 1), (1, 2)),
    (1, True, 2, 2, 3, 1, (3,), (3,), (1,), (1,), (2,)),
]


@pytest.mark.parametrize("case", CONV_CASES)
@pytest.mark.parametrize("dtype", [torsh.float32, torsh.float64])
def test_convolution_and_its_fused_backward_match_the_reference(case, dtype):
    dims, transposed, n, c, o, groups, kernel, stride, padding, dilation, op = case
    x = data(n, c, *([5] * dims), dtype=dtype)
    shape = (c, o // groups) if transposed else (o, c // groups)
    w, b = data(*shape, *kernel, dtype=dtype, seed=2), data(o, dtype=dtype, seed=3)
    fn = with_grads(lambda x, w, b: convolution(x, w, b, stride, padding, dilation, transposed,
                                                op, groups), [x, w, b])
    fast, slow, native = both(fn)
    assert_same(fast, slow, 1e-4 if dtype == torsh.float32 else 1e-10)
    assert "convolution" in native


def test_convolution_with_a_large_weight_uses_the_packed_products():
    # 64 x (8 * 3 * 3) weight entries: the packed matrix product, not the dot products
    x, w, b = data(2, 8, 6, 5), data(64, 8, 3, 3, seed=2), data(64, seed=3)
    fast, slow, native = both(with_grads(lambda x, w, b: F.conv2d(x, w, b, padding=1),
                                         [x, w, b]))
    assert_same(fast, slow, 1e-10)
    assert "convolution" in native


def test_convolution_without_bias_on_views_and_partial_gradients():
    x = data(3, 2, 6, 5).transpose(2, 3)               # not contiguous
    w = data(4, 2, 2, 2, seed=2, grad=False)
    fast, slow, native = both(with_grads(lambda x: F.conv2d(x, w, stride=2), [x]))
    assert_same(fast, slow, 1e-10)
    assert "convolution" in native


def test_convolution_multiplies_the_padding_zeros_as_pytorch():
    # conv: 0 * inf in the padding is NaN; transposed: products off the output are dropped
    x = torsh.tensor([[[1.0, 2.0, 3.0]]])
    w = torsh.tensor([[[INF, 1.0, 0.0]]])
    fast, slow, _ = both(lambda: F.conv1d(x, w, padding=1))
    assert_same(fast, slow)
    assert np.isnan(fast.numpy()[0, 0, 0])
    xt = torsh.tensor([[[1.0, INF]]])
    wt = torsh.tensor([[[1.0, 2.0, 3.0]]])
    fast, slow, _ = both(lambda: F.conv_transpose1d(xt, wt, padding=1))
    assert_same(fast, slow)


def test_convolution_empty_batch_and_integer_cases():
    x, w = torsh.zeros(0, 2, 4, 4), torsh.ones(3, 2, 3, 3)
    fast, slow, native = both(lambda: F.conv2d(x, w))
    assert_same(fast, slow)
    assert "convolution" in native
    xi, wi = torsh.ones(1, 1, 4, dtype=torsh.int64), torsh.ones(1, 1, 2, dtype=torsh.int64)
    fast, slow, native = both(lambda: F.conv1d(xi, wi))     # integers: int64 kernels
    assert_same(fast, slow)
    assert "convolution" in native


def test_unfold_and_fold_match_the_reference():
    x = data(2, 3, 5, 4)
    unfold = with_grads(lambda x: F.unfold(x, (2, 3), dilation=(1, 2), padding=1,
                                           stride=(2, 1)), [x])
    fast, slow, native = both(unfold)
    assert_same(fast, slow, 1e-12)
    cols = data(2, 3 * 4, 9, seed=4)
    fold = with_grads(lambda c: F.fold(c, (4, 5), 2, padding=1, stride=(2, 2)), [cols])
    fast, slow, native2 = both(fold)
    assert_same(fast, slow, 1e-12)
    assert {"im2col", "col2im"} <= native | native2


# ------------------------------------------------------------ poolings

def special_plane(seed, shape, dtype=torsh.float64):
    """Values with ties, NaN, inf and -0.0."""
    pool = [0.0, -0.0, 1.0, 1.0, -1.0, 2.0, NAN, INF, -INF]
    picks = np.random.RandomState(seed).choice(len(pool), size=int(np.prod(shape)))
    return torsh.tensor([pool[i] for i in picks], dtype=dtype).reshape(*shape)


@pytest.mark.parametrize("dtype", [torsh.float32, torsh.float64])
@pytest.mark.parametrize("geometry", [
    ((2, 2), None, 0, 1, False),          # the 2x2 fast path
    ((3, 2), (2, 1), (1, 0), (1, 2), True),
    ((2, 2), (1, 1), 1, 1, True),
    ((2, 2), (2, 2), 0, (3, 3), False),   # windows wholly in the padding? no: dilation only
])
def test_max_pool2d_values_indices_and_gradient(dtype, geometry):
    kernel, stride, padding, dilation, ceil = geometry
    for seed in range(3):
        x = special_plane(seed, (2, 3, 6, 7), dtype).requires_grad_(True)

        def run():
            out, idx = F.max_pool2d(x, kernel, stride, padding, dilation, ceil,
                                    return_indices=True)
            return (out, idx) + torsh.autograd.grad(out, [x], torsh.ones(out.shape,
                                                                         dtype=dtype))
        fast, slow, native = both(run)
        assert_same(fast, slow)
        assert {"max_pool", "take_pooled", "max_pool_backward"} <= native


def test_max_pool_ties_pick_the_first_and_nan_wins():
    x = torsh.tensor([[[[1.0, 1.0], [1.0, 1.0]], [[2.0, NAN], [NAN, 3.0]]]])
    fast, slow, _ = both(lambda: F.max_pool2d(x, 2, return_indices=True))
    assert_same(fast, slow)
    assert fast[1].tolist() == [[[[0]], [[2]]]]           # the first 1.0; the last NaN
    assert np.isnan(fast[0].numpy()[0, 1, 0, 0])


def test_max_pool1d_and_empty_windows_from_dilation():
    x = special_plane(5, (3, 9)).requires_grad_(True)
    fn = with_grads(lambda x: F.max_pool1d(x, 3, 2, 1, 2, True), [x])
    fast, slow, _ = both(fn)
    assert_same(fast, slow)
    # a window wholly in the padding: -inf at PyTorch's index
    y = torsh.tensor([[[5.0, 1.0]]])
    fast, slow, _ = both(lambda: F.max_pool1d(y, 2, 1, 1, 3, return_indices=True))
    assert_same(fast, slow)


@pytest.mark.parametrize("dtype", [torsh.float32, torsh.float64])
def test_avg_pools_and_their_gradients(dtype):
    x = data(2, 3, 7, 6, dtype=dtype)
    for args in [((2, 2), None, 0, False, True, None), ((3, 2), (2, 1), (1, 1), True, False,
                                                        None),
                 ((3, 3), 2, 1, True, True, 5)]:
        fn = with_grads(lambda x: F.avg_pool2d(x, *args), [x])
        fast, slow, native = both(fn)
        assert_same(fast, slow, 1e-6)
        assert {"avg_pool", "avg_pool_backward"} <= native
    fn = with_grads(lambda x: F.avg_pool1d(x[0], 3, 2, 1, True, False), [x])
    assert_same(*both(fn)[:2], 1e-6)


def test_adaptive_pools_match_the_reference():
    x = special_plane(7, (2, 2, 7, 5)).requires_grad_(True)
    fn = with_grads(lambda x: F.adaptive_max_pool2d(x, (3, 4)), [x])
    fast, slow, native = both(fn)
    assert_same(fast, slow)
    assert "adaptive_max_pool" in native
    y = data(2, 3, 7, 5)
    for size in [(3, 4), (7, 5), (1, 1), (9, 2)]:
        fast, slow, native = both(with_grads(lambda y: F.adaptive_avg_pool2d(y, size), [y]))
        assert_same(fast, slow, 1e-12)
    assert {"adaptive_avg_pool", "adaptive_avg_pool_backward"} <= native
    fast, slow, _ = both(with_grads(lambda y: F.adaptive_avg_pool1d(y[0], 4), [y]))
    assert_same(fast, slow, 1e-12)


def test_adaptive_avg_pool_of_an_empty_plane_is_nan():
    x = torsh.zeros(1, 2, 0)
    fast, slow, _ = both(lambda: F.adaptive_avg_pool1d(x, 3))
    assert_same(fast, slow)


def test_max_unpool_round_trip_and_bad_indices():
    x = data(2, 2, 4, 6, grad=False)
    def run():
        values, idx = F.max_pool2d(x, 2, return_indices=True)
        return F.max_unpool2d(values, idx, 2)
    fast, slow, native = both(run)
    assert_same(fast, slow)
    assert "max_unpool" in native
    with pytest.raises(RuntimeError, match="max_unpool2d"):
        F.max_unpool2d(torsh.ones(1, 1, 1, 1), torsh.tensor([[[[99]]]]), 2)


def test_pool_3d_and_integer_means_run():
    x = data(1, 1, 2, 4, 4, grad=False)
    fast, slow, native = both(lambda: F.max_pool3d(x, 2))
    assert_same(fast, slow)
    assert "max_pool" in native                                  # tests/test_c_conv3d.py
    xi = torsh.tensor([[[[1, 2, 3], [4, 5, -7]]]])
    fast, slow, native = both(lambda: F.avg_pool2d(xi, 2, 1))       # int64: truncated means
    assert_same(fast, slow)
    assert fast.tolist() == [[[[3, 0]]]] and "avg_pool" in native  # tests/test_c_conv3d.py


# ------------------------------------------------------------ embedding

@pytest.mark.parametrize("dtype", [torsh.float32, torsh.float64])
def test_embedding_and_its_gradient(dtype):
    w = data(5, 3, dtype=dtype)
    idx = torsh.tensor([[0, 2, 2], [4, 0, 1]])
    for padding_idx, freq in [(None, False), (2, False), (0, True)]:
        fn = with_grads(lambda w: F.embedding(idx, w, padding_idx=padding_idx,
                                              scale_grad_by_freq=freq), [w])
        fast, slow, native = both(fn)
        assert_same(fast, slow)
        assert "embedding" in native
    grad = fast[1].numpy()
    assert grad[0].tolist() == [0.0, 0.0, 0.0] or padding_idx != 0


def test_embedding_serves_any_dtype_and_checks_indices():
    w = torsh.tensor([[1, 2], [3, 4]], dtype=torsh.int32)
    fast, slow, native = both(lambda: F.embedding(torsh.tensor([1, 0, 1], dtype=torsh.int32),
                                                  w))
    assert_same(fast, slow)
    assert "embedding" in native
    with torsh.backends.using("c"):
        with pytest.raises(IndexError, match="embedding: index out of range"):
            F.embedding(torsh.tensor([0, 2]), w)
        with pytest.raises(IndexError, match="embedding: index out of range"):
            F.embedding(torsh.tensor([-1]), w)
        assert F.embedding(torsh.zeros(0, dtype=torsh.int64), w).shape == (0, 2)


@pytest.mark.parametrize("mode", ["sum", "mean", "max"])
def test_embedding_bag_and_its_gradient(mode):
    w = data(6, 3)
    w.data[1, 1] = NAN
    idx = torsh.tensor([0, 1, 5, 5, 2, 3, 1])
    offsets = torsh.tensor([0, 2, 2, 5])
    for padding_idx, last in [(None, False), (5, True)]:
        psw = data(7, seed=3) if mode == "sum" else None

        def run():
            out = F.embedding_bag(idx, w, offsets, mode=mode, per_sample_weights=psw,
                                  include_last_offset=last, padding_idx=padding_idx)
            wanted = [w] + ([psw] if psw is not None else [])
            g = torsh.tensor(np.random.RandomState(1).randn(*out.shape))
            return (out,) + torsh.autograd.grad(out, wanted, g)
        fast, slow, native = both(run)
        assert_same(fast, slow, 1e-12)
        assert "embedding_bag" in native


def test_embedding_bag_bad_offsets_raise_the_reference_error():
    with torsh.backends.using("c"):
        with pytest.raises(RuntimeError, match="offsets"):
            F.embedding_bag(torsh.tensor([0, 1]), torsh.ones(3, 2), torsh.tensor([1]))


# ------------------------------------------------------------ gradcheck, portable build

def test_gradcheck_and_gradgradcheck_through_the_c_kernels():
    from torsh.autograd.gradcheck import gradcheck, gradgradcheck
    x, w = data(1, 2, 4, 4), data(2, 2, 2, 2, seed=2)
    assert gradcheck(lambda x, w: F.conv2d(x, w, padding=1), (x, w))
    out = F.conv2d(x, w, padding=1)
    assert gradgradcheck(lambda x, w: F.conv2d(x, w, padding=1), (x, w),
                         (data(*out.shape, seed=5),))
    y = data(1, 1, 4, 4, seed=6)
    assert gradcheck(lambda y: F.avg_pool2d(y, 2, 1, 1), (y,))
    assert gradcheck(lambda y: F.max_pool2d(y, 2), (y,))
    e = data(4, 3)
    assert gradcheck(lambda e: F.embedding(torsh.tensor([1, 3, 1]), e), (e,))


PORTABLE_CHECK = """
import numpy as np, torsh, torsh.nn.functional as F
from torsh.backends import C_BACKEND
from torsh.nn.functional.conv import convolution
assert C_BACKEND.variant == "portable"
x = torsh.tensor(np.random.RandomState(0).randn(2, 3, 9, 8), dtype=torsh.float32)
w = torsh.tensor(np.random.RandomState(1).randn(7, 3, 3, 3), dtype=torsh.float32)
x[0, 0, 1, 1] = float('nan')
runs = [lambda: F.conv2d(x, w, padding=1), lambda: convolution(x, w.transpose(0, 1)[:3],
        None, (2, 2), (1, 1), (1, 1), True, (1, 0), 1),
        lambda: F.max_pool2d(x, 2, return_indices=True), lambda: F.avg_pool2d(x, 3, 2, 1)]
"""


def test_the_portable_build_agrees():
    assert_passes_on_the_portable_build(PORTABLE_CHECK + COMPARE_RUNS + 'print("ok")\n')


# ------------------------------------------------------------ attention

@pytest.mark.parametrize("dtype", [torsh.float32, torsh.float64, torsh.bfloat16])
@pytest.mark.parametrize("masking", ["none", "causal", "bool", "float"])
def test_attention_runs_on_the_c_kernels(dtype, masking):
    """scaled_dot_product_attention on the C backend is its decomposition (matmuls, a mask,
    a softmax) on native kernels, forward and backward: the reference never runs."""
    q, k, v = (data(2, 3, 5, 4, seed=s).to(dtype).detach().requires_grad_() for s in range(3))
    mask = {"none": None, "causal": None,
            "bool": torsh.tensor(np.random.RandomState(4).rand(5, 5) > 0.3),
            "float": data(5, 5, seed=5, grad=False).to(dtype)}[masking]

    def attend(q, k, v):
        return F.scaled_dot_product_attention(q, k, v, attn_mask=mask,
                                              is_causal=masking == "causal")
    fast, slow, _ = both(with_grads(attend, [q, k, v]))
    tol = {torsh.float32: 1e-5, torsh.float64: 1e-12, torsh.bfloat16: 2e-2}[dtype]
    assert_same(fast, slow, tol=tol)
    with torsh.backends.trace() as seen, torsh.backends.using("c"):
        with_grads(attend, [q, k, v])()
    calls = set(seen.calls)
    assert ("scaled_dot_product_attention", "c", "decomposition") in calls
    assert {path for _, _, path in calls} <= {"decomposition", "native", "view"}
