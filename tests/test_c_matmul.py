"""The C GEMM (kernels/c/gemm.c) behind matmul and linear: agreement with the reference on
views, broadcasts, 1-D operands, empty and special values; float64 bit for bit; integer
products wrapping as the reference's; bool addr; the raw torsh_gemm entry with alpha and
beta; threads; the fused linear backward; the portable build.

Skipped, with the reason printed, where the library is not built (no C compiler)."""

import numpy as np
import pytest

import torsh
from torsh.autograd.gradcheck import gradcheck, gradgradcheck
from torsh.backends import C_BACKEND

from c_checks import assert_passes_on_the_portable_build

pytestmark = pytest.mark.skipif(not C_BACKEND.is_available(),
                                reason=C_BACKEND.unavailable_reason())
F = torsh.nn.functional


def both(fn):
    """fn() on the C backend and on the reference, with the ops that served the first."""
    with torsh.backends.using("c"), torsh.backends.trace() as seen:
        fast = fn()
    with torsh.backends.using("reference"):
        slow = fn()
    return fast, slow, {(op, path) for op, _, path in seen.calls}


def close(fast, slow, dtype):
    assert fast.shape == slow.shape and fast.dtype == slow.dtype
    if dtype == torsh.float64:     # same products, same order, no FMA: the same doubles
        assert np.array_equal(fast.numpy(), slow.numpy(), equal_nan=True)
    else:
        np.testing.assert_allclose(fast.numpy(), slow.numpy(), rtol=1e-5, atol=1e-6)


def data(*shape, dtype=torsh.float32, seed=0):
    gen = np.random.default_rng(seed + sum(shape))
    return torsh.tensor(gen.standard_normal(shape).tolist(), dtype=dtype)


DTYPES = [torsh.float32, torsh.float64]


@pytest.mark.parametrize("dtype", DTYPES)
def test_matmul_on_views_broadcasts_and_vectors(dtype):
    a, b = data(3, 4, 5, dtype=dtype), data(5, 6, dtype=dtype)
    c, d = data(4, 1, 2, 3, dtype=dtype), data(5, 3, 7, dtype=dtype)
    cases = [lambda: a @ b,                                 # batch against one matrix
             lambda: a.mT.contiguous().mT @ b,              # column-major left operand
             lambda: a[:, ::2] @ b.t().contiguous().t(),    # sliced rows, transposed right
             lambda: b.t() @ a.transpose(-1, -2),           # both transposed
             lambda: c @ d,                                 # batch dims broadcast
             lambda: a[:1].expand(3, 4, 5) @ b,             # stride-0 batch
             lambda: torsh.matmul(b[:, 0], b),              # 1-D left: a row
             lambda: torsh.mv(b.t(), b[:, 1]),              # 1-D right: a column
             lambda: torsh.dot(b[0], b[1]),                 # 0-d result
             lambda: torsh.bmm(a, a.mT),
             lambda: torsh.addmm(torsh.ones(6, dtype=dtype), a[0], b, beta=0.5, alpha=2),
             lambda: torsh.baddbmm(torsh.ones(1, dtype=dtype), a, b.expand(3, 5, 6))]
    for case in cases:
        fast, slow, served = both(case)
        close(fast, slow, dtype)
        assert ("matmul", "native") in served


@pytest.mark.parametrize("m, k, n", [(7, 300, 19), (13, 17, 40), (1, 600, 3), (150, 2, 33),
                                     (32, 530, 35), (70, 9, 1024), (64, 5, 1024),
                                     (145, 3, 20)])
def test_blocks_and_edges_match_a_double_product(m, k, n):
    """Shapes crossing the register tile (6 x 16), the k slabs (at most 256 deep, equal),
    the row block (144) and B read in place (m <= 144, rows not 4 KiB apart or m <= 64)."""
    a, b = data(m, k, seed=1), data(k, n + 3, seed=2)
    exact = a.numpy().astype(np.float64) @ b.numpy()[:, :n].astype(np.float64)
    scale = np.abs(a.numpy()).astype(np.float64) @ np.abs(b.numpy()[:, :n]).astype(np.float64)
    for fast in (a @ b[:, :n], (b[:, :n].t() @ a.t()).t(), a @ b[:, :n].contiguous()):
        assert np.all(np.abs(fast.numpy() - exact) <= 1e-6 * k * scale + 1e-6)


def test_float64_is_the_reference_bit_for_bit_across_k_slabs():
    a, b = data(5, 700, dtype=torsh.float64), data(700, 9, dtype=torsh.float64)
    fast, slow, _ = both(lambda: a @ b)
    assert np.array_equal(fast.numpy(), slow.numpy())


@pytest.mark.parametrize("dtype", DTYPES)
def test_empty_and_special_values(dtype):
    nan, inf = float("nan"), float("inf")
    cases = [lambda: torsh.ones(0, 3, dtype=dtype) @ torsh.ones(3, 2, dtype=dtype),
             lambda: torsh.ones(2, 0, dtype=dtype) @ torsh.ones(0, 3, dtype=dtype),  # zeros
             lambda: torsh.ones(0, 2, 0, dtype=dtype) @ torsh.ones(0, 3, dtype=dtype),
             lambda: torsh.tensor([[nan, 1.0], [1.0, 2.0]], dtype=dtype)
             @ torsh.tensor([[0.0], [inf]], dtype=dtype),
             lambda: torsh.tensor([[inf, 1.0]], dtype=dtype)
             @ torsh.tensor([[0.0], [1.0]], dtype=dtype),                            # inf * 0
             lambda: torsh.tensor([[-0.0, -0.0]], dtype=dtype)
             @ torsh.tensor([[1.0], [1.0]], dtype=dtype)]                            # +0.0
    for case in cases:
        fast, slow, _ = both(case)
        assert fast.shape == slow.shape
        assert np.array_equal(fast.numpy(), slow.numpy(), equal_nan=True)
        assert np.array_equal(np.signbit(fast.numpy()), np.signbit(slow.numpy()))
    assert (torsh.ones(2, 0, dtype=dtype) @ torsh.ones(0, 3, dtype=dtype)).tolist() == \
        [[0.0] * 3] * 2


INTEGERS = [torsh.int8, torsh.int16, torsh.int32, torsh.int64, torsh.uint8]


def ints(*shape, dtype=torsh.int64, seed=0):
    """Integers spread over the dtype's range, so sums and products wrap."""
    info = np.iinfo(dtype.numpy)
    gen = np.random.default_rng(seed + sum(shape))
    return torsh.tensor(gen.integers(info.min, info.max, size=shape, endpoint=True).tolist(),
                        dtype=dtype)


@pytest.mark.parametrize("dtype", INTEGERS)
def test_integer_products_are_native_and_wrap_as_the_reference(dtype):
    a, b, v = ints(3, 4, 5, dtype=dtype), ints(5, 6, dtype=dtype), ints(5, dtype=dtype)
    x, y = ints(6, dtype=dtype, seed=1), ints(4, 6, dtype=dtype, seed=2)
    cases = [lambda: a @ b,
             lambda: a.mT.contiguous().mT @ b[:, ::2],              # strided operands
             lambda: b.t() @ a.transpose(-1, -2),
             lambda: a[:1].expand(3, 4, 5) @ b,                     # stride-0 batch
             lambda: torsh.mv(b.t(), v),
             lambda: torsh.matmul(x, b.t()),
             lambda: torsh.dot(v, a[0, 0]),
             lambda: torsh.inner(a, b.t()),
             lambda: torsh.bmm(a, a.mT),
             lambda: torsh.addmm(x, a[0], b, beta=3, alpha=-7),
             lambda: torsh.addmm(y, a[1], b, beta=2.9, alpha=1.5),    # floats truncate
             lambda: torsh.addmv(x[:4], a[2], v, beta=0, alpha=5),
             lambda: torsh.baddbmm(x, a, b.expand(3, 5, 6), beta=-1, alpha=3),
             lambda: torsh.addbmm(y, a, b.expand(3, 5, 6), alpha=2),
             lambda: torsh.addr(y, v[:4], x, beta=5, alpha=-3),
             lambda: y.clone().addmm_(a[0], b, beta=2),
             lambda: torsh.ones(2, 0, dtype=dtype) @ torsh.ones(0, 3, dtype=dtype),  # zeros
             lambda: torsh.ones(0, 3, dtype=dtype) @ torsh.ones(3, 2, dtype=dtype)]
    for case in cases:
        fast, slow, served = both(case)
        assert fast.dtype == slow.dtype == dtype and fast.shape == slow.shape
        assert fast.tolist() == slow.tolist()
        assert {op for op, path in served if path == "native"} & {"matmul", "add_scaled"}


@pytest.mark.parametrize("dtype", [torsh.int8, torsh.uint8, torsh.int64])
def test_integer_linear_is_native(dtype):
    x, w, bias = ints(2, 3, 5, dtype=dtype), ints(4, 5, dtype=dtype), ints(4, dtype=dtype)
    for case in (lambda: F.linear(x, w, bias), lambda: F.linear(x.transpose(0, 1), w),
                 lambda: F.linear(x[:, 0], w, bias[:1])):
        fast, slow, served = both(case)
        assert fast.dtype == dtype and fast.tolist() == slow.tolist()
        assert ("linear", "native") in served


def test_int64_products_are_exact_modulo_2_to_the_64():
    big = torsh.tensor([[2 ** 62, 2 ** 62 + 1], [-(2 ** 63), 3]])
    fast, slow, _ = both(lambda: big @ big)
    assert fast.tolist() == slow.tolist()
    fast, slow, _ = both(lambda: torsh.addmm(big, big, big, beta=2 ** 63 - 1, alpha=-(2 ** 63)))
    assert fast.tolist() == slow.tolist()


@pytest.mark.parametrize("dtype", [torsh.int8, torsh.uint8, torsh.int64])
def test_large_integer_products_on_threads_match_numpy(dtype):
    """Enough work for several threads; numpy's integer matmul wraps in the dtype as well."""
    a, b = ints(2, 70, 300, dtype=dtype), ints(300, 200, dtype=dtype)
    before = torsh.get_num_threads()
    try:
        for threads in (1, 2):
            torsh.set_num_threads(threads)
            assert np.array_equal((a @ b).numpy(), a.numpy() @ b.numpy())
            assert np.array_equal((a.mT.contiguous().mT @ b.t().contiguous().t()).numpy(),
                                  a.numpy() @ b.numpy())
    finally:
        torsh.set_num_threads(before)


def test_bool_addr_is_native_and_follows_the_reference():
    v, w = torsh.tensor([True, False, True]), torsh.tensor([False, True])
    x = torsh.tensor([[True, False], [False, True], [False, False]])
    for beta, alpha in ((1, 1), (False, True), (True, False), (0, 0), (2, -2), (-3, 5)):
        fast, slow, served = both(lambda: torsh.addr(x, v, w, beta=beta, alpha=alpha))
        assert fast.dtype == torsh.bool and fast.tolist() == slow.tolist()
        assert ("add_scaled", "native") in served
    fast, slow, _ = both(lambda: torsh.addr(x[0, 0], v, w))          # a 0-d input broadcast
    assert fast.tolist() == slow.tolist()


def test_half_precision_declines():
    """float16 and bfloat16 are not the kernels' (the backend widens them to float32)."""
    from torsh.backends.c import matmul as module
    from torsh.ops._op import Out
    served = module.kernels(C_BACKEND.ffi, C_BACKEND.lib)
    for dtype in (torsh.float16, torsh.bfloat16):
        a = torsh.ones(2, 3, dtype=dtype)
        assert served["matmul"]((a, a.t()), (Out((2, 2), dtype),)) is NotImplemented
        assert served["add_scaled"]((a, a), (Out((2, 3), dtype),)) is NotImplemented
        assert (a @ a.t()).tolist() == [[3.0, 3.0], [3.0, 3.0]]


def _raw(lib, ffi, m, n, k, alpha, a, b, beta, c):
    """torsh_gemm_f64 on numpy arrays with their own strides."""
    def ptr(x):
        return ffi.cast("double *", x.__array_interface__["data"][0])
    return lib.torsh_gemm_f64(m, n, k, alpha, ptr(a), a.strides[0] // 8, a.strides[1] // 8,
                              ptr(b), b.strides[0] // 8, b.strides[1] // 8, beta, ptr(c),
                              c.strides[0] // 8, c.strides[1] // 8)


def test_raw_gemm_alpha_beta_and_strided_output():
    lib, ffi = C_BACKEND.lib, C_BACKEND.ffi
    gen = np.random.default_rng(3)
    a, b = gen.standard_normal((9, 20)), gen.standard_normal((20, 17))
    c = gen.standard_normal((17, 9)).T            # column-major C
    expected = 0.5 * (a @ b) + 2.0 * c
    assert _raw(lib, ffi, 9, 17, 20, 0.5, a, b, 2.0, c) == 0
    np.testing.assert_allclose(c, expected, rtol=1e-12)
    c = np.full((9, 17), np.nan)                  # beta = 0 never reads C
    _raw(lib, ffi, 9, 17, 20, 1.0, a, b, 0.0, c)
    np.testing.assert_allclose(c, a @ b, rtol=1e-12)
    c = np.ones((9, 17))                          # k = 0: beta * C
    _raw(lib, ffi, 9, 17, 0, 1.0, a, b, 3.0, c)
    assert np.all(c == 3.0)


def test_threads_give_the_same_bits():
    """A product large enough for several threads is cut into slabs of whole tiles: each
    element is summed in the same order, whatever the thread count."""
    a, b = data(130, 140), data(140, 150)
    before = torsh.get_num_threads()
    try:
        torsh.set_num_threads(1)
        one = (a @ b).numpy()
        torsh.set_num_threads(2)
        two = (a @ b).numpy()
        batched = (a.expand(3, 130, 140) @ b).numpy()
    finally:
        torsh.set_num_threads(before)
    assert np.array_equal(one, two) and all(np.array_equal(one, x) for x in batched)


@pytest.mark.parametrize("dtype", DTYPES)
def test_linear_forward_and_fused_backward(dtype):
    x, w = data(2, 3, 5, dtype=dtype), data(4, 5, dtype=dtype)
    for bias in (data(4, dtype=dtype), torsh.tensor(0.5, dtype=dtype), None):
        for inp in (x, x.transpose(0, 1), x[:, 0]):
            fast, slow, served = both(lambda: F.linear(inp, w, bias))
            close(fast, slow, dtype)
            assert ("linear", "native") in served
    leaves = [data(2, 3, 5, dtype=dtype), data(4, 5, dtype=dtype), data(4, dtype=dtype)]
    grads = []
    for backend in ("c", "reference"):
        with torsh.backends.using(backend):
            inputs = [t.detach().requires_grad_() for t in leaves]
            (F.linear(*inputs) * torsh.arange(4.0, dtype=dtype)).sum().backward()
            F.linear(*inputs).sum().backward()     # a stride-0 gradient, accumulated
            grads.append([t.grad for t in inputs])
    for fast, slow in zip(*grads):
        np.testing.assert_allclose(fast.numpy(), slow.numpy(), rtol=1e-6, atol=1e-6)


def test_gradcheck_through_the_c_kernels():
    x = data(3, 4, dtype=torsh.float64).requires_grad_()
    w = data(2, 4, dtype=torsh.float64).requires_grad_()
    b = data(2, dtype=torsh.float64).requires_grad_()
    assert gradcheck(F.linear, (x, w, b))
    assert gradcheck(torsh.matmul, (x, w.t()))
    g = data(3, 2, dtype=torsh.float64).requires_grad_()
    assert gradgradcheck(F.linear, (x, w, b), grad_outputs=(g,))


def test_the_portable_build_agrees():
    script = ("import numpy as np, torsh\n"
              "from torsh.backends import C_BACKEND\n"
              "assert C_BACKEND.variant == 'portable'\n"
              "g = np.random.default_rng(0)\n"
              "for m, k, n in [(7, 300, 19), (1, 5, 40), (20, 3, 1), (30, 9, 33)]:\n"
              "    a, b = g.standard_normal((m, k)), g.standard_normal((k, n))\n"
              "    for dt, tol in ((torsh.float32, 1e-4), (torsh.float64, 1e-12)):\n"
              "        t = [torsh.tensor(x.tolist(), dtype=dt) for x in (a, b)]\n"
              "        r = t[0] @ t[1]\n"
              "        np.testing.assert_allclose(r.numpy(), a @ b, rtol=tol, atol=tol)\n"
              "    i, j = (g.integers(-128, 128, x.shape).astype(np.int8) for x in (a, b))\n"
              "    r = torsh.from_numpy(i) @ torsh.from_numpy(j)\n"
              "    assert np.array_equal(r.numpy(), i @ j)\n"
              "v = torsh.tensor([True, False])\n"
              "assert torsh.addr(v, v, v, beta=0).tolist() == [[True, False], [False, False]]\n"
              "print('ok')\n")
    assert_passes_on_the_portable_build(script)


@pytest.mark.parametrize("dtype", DTYPES)
def test_the_addmm_tail_is_native_with_blas_zeros(dtype):
    nan = float("nan")
    x, m1, m2 = torsh.tensor([[nan, 1.0]], dtype=dtype), data(3, 4, dtype=dtype), \
        data(4, 2, dtype=dtype)
    bad = torsh.tensor([[nan, 1.0], [1.0, 1.0], [1.0, 1.0], [1.0, 1.0]], dtype=dtype)
    cases = [lambda: torsh.addmm(x, m1, m2, beta=0, alpha=1.5),        # beta = 0: no NaN
             lambda: torsh.addmm(x[:, :1], m1, m2, beta=2, alpha=0),   # alpha = 0: no A B
             lambda: torsh.addmm(torsh.ones(2, dtype=dtype), bad.t(), bad, beta=1,
                                 alpha=0),                             # NaN in A, alpha = 0
             lambda: torsh.addmv(torsh.ones(3, dtype=dtype), m1, m2[:, 0], beta=0.5),
             lambda: torsh.baddbmm(x, m1.expand(2, 3, 4), m2.expand(2, 4, 2), beta=0,
                                   alpha=0)]                           # baddbmm keeps NaN
    for case in cases:
        fast, slow, served = both(case)
        close(fast, slow, dtype)
        assert ("add_scaled", "native") in served
