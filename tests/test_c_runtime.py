"""The C backend's runtime: how the library is bound (cffi API mode, ABI mode as the fallback),
the CPU caching allocator and its torsh.cpu introspection, and half precision run through the
float32 kernels.

The allocator tests run on any backend; the others are skipped, with the reason printed, where
the library is not built."""
import gc
import os
import subprocess
import sys

import numpy as np
import pytest

import torsh
import torsh.nn.functional as F
from torsh._core import allocator
from torsh.backends import C_BACKEND
from checks import ROOT

needs_c = pytest.mark.skipif(not C_BACKEND.is_available(),
                             reason=C_BACKEND.unavailable_reason())
BIG = 1 << 18           # elements: a 1 MiB float32 buffer, above the caching threshold


# ------------------------------------------------------------ the caching allocator

def test_memory_allocated_counts_live_storages_and_falls_back_when_they_die():
    gc.collect()
    before = torsh.cpu.memory_allocated()
    small, big = torsh.zeros(10), torsh.zeros(BIG)
    assert torsh.cpu.memory_allocated() == before + 10 * 4 + BIG * 4
    assert torsh.cpu.max_memory_allocated() >= torsh.cpu.memory_allocated()
    del small, big
    assert torsh.cpu.memory_allocated() == before


def test_a_freed_buffer_serves_the_next_tensor_of_its_size():
    torsh.cpu.empty_cache()
    x = torsh.ones(BIG)
    address = x.data_ptr()
    del x
    assert torsh.cpu.memory_reserved() - torsh.cpu.memory_allocated() >= BIG * 4
    hits = torsh.cpu.memory_stats()["cache_hits"]
    y = torsh.full((BIG,), 2.0)
    assert y.data_ptr() == address and torsh.cpu.memory_stats()["cache_hits"] == hits + 1
    assert float(y.sum()) == 2.0 * BIG          # refilled, not the old contents
    del y
    torsh.cpu.empty_cache()
    assert torsh.cpu.memory_reserved() == torsh.cpu.memory_allocated()


def test_a_buffer_seen_from_numpy_is_never_reused():
    torsh.cpu.empty_cache()
    x = torsh.ones(BIG)
    view = x.numpy()
    del x
    y = torsh.zeros(BIG)                 # must not be the memory `view` still shows
    assert view.sum() == BIG and float(y.sum()) == 0.0


def test_cached_buffers_start_on_a_cache_line():
    from torsh._core.allocator import ALIGNMENT
    for make in (lambda: torsh.ones(BIG), lambda: torsh.randn(BIG + 3),
                 lambda: torsh.ones(BIG, dtype=torsh.float64) * 2):
        assert make().data_ptr() % ALIGNMENT == 0


def test_a_numpy_view_of_an_aligned_buffer_keeps_it_from_reuse():
    torsh.cpu.empty_cache()
    x = torsh.ones(BIG)
    view = x.numpy()[5:]                 # a view of a view: numpy names the owner as base
    del x
    y = torsh.zeros(BIG)
    assert view.sum() == BIG - 5 and float(y.sum()) == 0.0


def test_the_cache_is_bounded_and_its_limit_can_be_set():
    saved = torsh.cpu.cache_limit()
    try:
        torsh.cpu.set_cache_limit(BIG * 4)          # room for one buffer
        tensors = [torsh.ones(BIG) for _ in range(3)]
        del tensors
        stats = torsh.cpu.memory_stats()
        assert stats["cached_bytes.current"] <= BIG * 4 and stats["cached_buffers"] <= 1
        torsh.cpu.set_cache_limit(0)
        assert torsh.cpu.memory_reserved() == torsh.cpu.memory_allocated()
        with pytest.raises(ValueError, match="set_cache_limit"):
            torsh.cpu.set_cache_limit(-1)
    finally:
        torsh.cpu.set_cache_limit(saved)


def test_peak_resets_to_what_is_allocated():
    x = torsh.zeros(BIG)
    del x
    torsh.cpu.reset_peak_memory_stats()
    assert torsh.cpu.max_memory_allocated() == torsh.cpu.memory_allocated()


def test_a_refused_allocation_empties_the_cache_and_tries_again(monkeypatch):
    torsh.cpu.empty_cache()
    kept = torsh.ones(BIG)
    del kept                                     # now cached
    calls = []
    real_empty = np.empty

    def refuse_once(*args, **kwargs):
        calls.append(args)
        if len(calls) == 1:
            raise MemoryError
        return real_empty(*args, **kwargs)
    monkeypatch.setattr(allocator.np, "empty", refuse_once)
    x = allocator.allocate(BIG + 1, torsh.float32)
    assert len(x.data) == BIG + 1 and len(calls) == 2
    assert torsh.cpu.memory_stats()["num_alloc_retries"] >= 1
    assert torsh.cpu.memory_reserved() == torsh.cpu.memory_allocated()


# ------------------------------------------------------------ binding

@needs_c
def test_the_library_is_reached_through_its_cffi_binding_when_built():
    from torsh.backends.c.build import binding_path
    if not binding_path(C_BACKEND.variant).exists():
        pytest.skip("no cffi binding built here (Python headers missing?): ABI mode in use")
    assert type(C_BACKEND.lib).__name__ == "Lib"          # API mode's module-level Lib


@needs_c
def test_abi_mode_still_serves_every_kernel():
    code = ("import torsh; from torsh.backends import C_BACKEND as C; "
            "x = torsh.arange(6.).reshape(2, 3); "
            "print(type(C.lib).__name__, (x @ x.T).tolist(), x.softmax(1).sum().item())")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=ROOT, env=dict(os.environ, TORSH_C_BINDING="abi"), timeout=120)
    assert done.returncode == 0, done.stderr
    name, rest = done.stdout.split(" ", 1)
    assert name != "Lib" and "[[5.0, 14.0], [14.0, 50.0]]" in rest and "2.0" in rest


# ------------------------------------------------------------ half precision via float32

def _native(fn):
    with torsh.backends.trace() as trace:
        result = fn()
    paths = {path for (_, _, path) in trace.counts()}
    return result, paths


@needs_c
@pytest.mark.parametrize("half", [torsh.float16, torsh.bfloat16])
@pytest.mark.parametrize("name, fn", [
    ("sum", lambda x, w: x.sum(1)),
    ("softmax", lambda x, w: x.softmax(-1)),
    ("matmul", lambda x, w: x @ w),
    ("layer_norm", lambda x, w: F.layer_norm(x, (4,))),
    ("argmax", lambda x, w: x.argmax(1)),
    ("max_pool", lambda x, w: F.max_pool1d(x.unsqueeze(0), 2)),
])
def test_half_precision_runs_on_the_float32_kernels(half, name, fn):
    torsh.manual_seed(0)
    x, w = torsh.randn(3, 4).to(half), torsh.randn(4, 2).to(half)
    fast, paths = _native(lambda: fn(x, w))
    with torsh.backends.using("reference"):
        slow = fn(x, w)
    assert paths <= {"native", "view"}, paths      # no reference, no decomposition
    assert fast.dtype == slow.dtype and fast.shape == slow.shape
    tolerance = 1e-2 if half is torsh.bfloat16 else 2e-3
    assert torsh.allclose(fast.double(), slow.double(), rtol=tolerance, atol=tolerance)


@needs_c
def test_half_batch_norm_updates_its_running_statistics():
    torsh.manual_seed(0)
    x = torsh.randn(6, 3).half()
    mean, var = torsh.zeros(3).half(), torsh.ones(3).half()
    F.batch_norm(x, mean, var, training=True, momentum=0.5)
    expected = 0.5 * x.float().mean(0)
    assert torsh.allclose(mean.float(), expected, atol=2e-3)
    assert not torsh.equal(var, torsh.ones(3).half())
