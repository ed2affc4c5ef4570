"""The C backend (kernels/c, torsh/backends/c): loading, agreement with the reference on the
ops it serves, declining what it does not cover, bounds checks, threads, and its conformance
run on both code paths (AVX2+FMA and portable C).

Skipped, with the reason printed, where the library is not built (no C compiler)."""
import os
import subprocess
import sys

import numpy as np
import pytest

import torsh
from torsh._core.storage import Storage
from torsh.backends import C_BACKEND
from torsh.tensor import Tensor

pytestmark = pytest.mark.skipif(not C_BACKEND.is_available(),
                                reason=C_BACKEND.unavailable_reason())
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def both(fn):
    """fn() computed on the C backend and on the reference."""
    with torsh.backends.using("c"):
        fast = fn()
    with torsh.backends.using("reference"):
        slow = fn()
    return fast, slow


def test_it_is_the_default_and_names_its_variant():
    assert torsh.backends.current() == "c"
    assert C_BACKEND.variant in ("avx2", "portable")
    assert C_BACKEND.ffi.string(C_BACKEND.lib.torsh_build_variant()).decode() == \
        C_BACKEND.variant


@pytest.mark.parametrize("dtype", [torsh.float32, torsh.float64])
def test_elementwise_matches_the_reference_on_views_and_broadcasts(dtype):
    torsh.manual_seed(0)
    base = torsh.randn(5, 6, dtype=dtype)
    row = torsh.randn(6, dtype=dtype)
    column = torsh.randn(5, 1, dtype=dtype)
    cases = [lambda: base + row, lambda: base.t() * column.t(), lambda: base[::2, 1::2] - 1.5,
             lambda: (base.abs() + 0.5).log(), lambda: base.tanh().sigmoid(),
             lambda: torsh.maximum(base, column), lambda: base.expand(2, 5, 6).exp(),
             lambda: base[0, 0].relu(), lambda: base[:0] / 2]
    for case in cases:
        fast, slow = both(case)
        assert fast.shape == slow.shape and fast.dtype == slow.dtype
        np.testing.assert_allclose(fast.numpy(), slow.numpy(), rtol=2e-6 if dtype is
                                   torsh.float32 else 1e-14)


def test_native_path_is_recorded_and_a_declined_call_falls_through(monkeypatch):
    x = torsh.ones(4)
    with torsh.backends.trace() as t:
        x + x
    assert t.calls == [("add", "c", "native")]
    # a kernel that declines (returns NotImplemented) hands the call to the reference
    monkeypatch.setitem(C_BACKEND._kernels, "exp", lambda inputs, outs, **p: NotImplemented)
    with torsh.backends.trace() as t:
        y = x.exp()
    assert t.calls == [("exp", "reference", "reference")]
    assert y.tolist() == pytest.approx([2.718281828] * 4)
    missing = [name for name in ("lgamma", "digamma") if name not in C_BACKEND.native_ops()]
    if missing:                                          # an op without a C kernel
        with torsh.backends.trace() as t:
            getattr(torsh, missing[0])(x)
        assert t.calls == [(missing[0], "reference", "reference")]


def test_special_values_follow_the_reference():
    values = [0.0, -0.0, float("inf"), float("-inf"), float("nan"), -1.0, 1e-40]
    x = torsh.tensor(values, dtype=torsh.float64)
    for fn in (torsh.relu, torsh.abs, torsh.exp, torsh.tanh, torsh.sigmoid, torsh.neg):
        fast, slow = both(lambda: fn(x))
        assert [str(v) for v in fast.tolist()] == [str(v) for v in slow.tolist()], fn
    fast, slow = both(lambda: torsh.maximum(x, x.flip(0)))
    assert [str(v) for v in fast.tolist()] == [str(v) for v in slow.tolist()]


def test_a_view_outside_its_storage_never_reaches_a_kernel():
    storage = Storage(np.zeros(6, dtype=np.float32))
    bad = Tensor(storage, (3, 3), (3, 1), 0)            # needs 9 elements, has 6
    with pytest.raises(RuntimeError, match="outside its storage"):
        with torsh.backends.using("c"):
            bad.exp()
    negative = Tensor(storage, (2,), (-4,), 2)          # reaches element -2
    with pytest.raises(RuntimeError, match="outside its storage"):
        with torsh.backends.using("c"):
            negative + negative


def test_threads():
    before = torsh.get_num_threads()
    torsh.set_num_threads(1)
    assert torsh.get_num_threads() == 1
    x = torsh.randn(300_000)
    assert torsh.allclose(x.exp(), torsh.from_numpy(np.exp(x.numpy())))
    torsh.set_num_threads(before)
    assert torsh.get_num_threads() == before
    with pytest.raises(RuntimeError, match="positive integer"):
        torsh.set_num_threads(0)


@pytest.mark.parametrize("variant", ["avx2", "portable"])
def test_conformance_passes_on_both_code_paths(variant):
    """`python -m conformance --backend c`, every case, forward and backward: no FAIL (an
    op or dtype without a C kernel shows as a fallback)."""
    env = dict(os.environ, TORSH_C_VARIANT=variant)
    done = subprocess.run([sys.executable, "-m", "conformance", "--backend", "c", "--quiet"],
                          capture_output=True, text=True, cwd=ROOT, env=env, timeout=900)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "FAIL" not in done.stdout and " pass" in done.stdout


def test_samplers_draw_in_c_the_numbers_the_reference_draws():
    def draws():
        torsh.manual_seed(3)
        x = torsh.empty(7)
        return [torsh.randn(5), torsh.rand(3, dtype=torsh.float64), torsh.randperm(6),
                torsh.randint(0, 10, (4,)), torsh.bernoulli(torsh.full((5,), 0.5)),
                torsh.normal(2.0, 0.5, (3,)), x.normal_(), x.bernoulli_(0.3),
                torsh.nn.functional.dropout(torsh.ones(8), 0.5), torsh.rand(2)]
    fast, slow = both(draws)
    for a, b in zip(fast, slow):
        assert torsh.equal(a, b)
    assert torsh.Generator.accelerator is not None
