"""The machine's FMA peak, measured by a small C probe (bench/peak.c) compiled on first use.

The probe runs independent AVX2 FMA chains on each thread; the best of a few short runs is
the peak in GFLOP/s. Without a C compiler or AVX2+FMA, the peak is unknown (None) and the
bench prints no fraction-of-peak column.
"""
from __future__ import annotations

import ctypes
import os
import shutil
import subprocess

HERE = os.path.dirname(os.path.abspath(__file__))
BUILD = os.path.join(os.path.dirname(HERE), "build")


def _compile() -> str | None:
    source, target = os.path.join(HERE, "peak.c"), os.path.join(BUILD, "bench_peak.so")
    if os.path.exists(target) and os.path.getmtime(target) >= os.path.getmtime(source):
        return target
    compiler = os.environ.get("CC") or shutil.which("cc") or shutil.which("gcc")
    if compiler is None:
        return None
    os.makedirs(BUILD, exist_ok=True)
    partial = f"{target}.{os.getpid()}.tmp"
    done = subprocess.run([compiler, "-O3", "-mavx2", "-mfma", "-fopenmp", "-shared", "-fPIC",
                           source, "-o", partial], capture_output=True, text=True)
    if done.returncode != 0:
        return None
    os.replace(partial, target)
    return target


def fma_peak(threads: int, seconds: float = 0.1) -> dict:
    """{'gflops': best GFLOP/s on `threads` threads or None, 'how': how it was found}."""
    try:
        path = _compile()
        library = ctypes.CDLL(path) if path else None
    except OSError:
        library = None
    if library is None:
        return {"gflops": None, "how": "unknown (no C compiler for the FMA probe)"}
    probe = library.torsh_bench_fma_gflops
    probe.restype, probe.argtypes = ctypes.c_double, [ctypes.c_int, ctypes.c_long]
    iterations = 1_000_000
    rate = probe(threads, iterations)
    if rate <= 0:
        return {"gflops": None, "how": "unknown (no AVX2+FMA)"}
    first = 2 * 8 * 12 * iterations * threads / (rate * 1e9)   # seconds the first run took
    iterations = max(1, int(iterations * seconds / first))
    best = max(probe(threads, iterations) for _ in range(3))
    return {"gflops": best, "how": f"AVX2 FMA loop (bench/peak.c), {threads} thread(s), "
                                   f"best of 3 runs of ~{seconds * 1e3:.0f} ms"}
