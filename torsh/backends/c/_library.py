"""Load the C kernel library with cffi and pick its variant.

The library is reached through its cffi binding (API mode, see build.py) when that is built
and no older than the library, else through cffi's ABI mode (dlopen).

The variant is `avx2` when the CPU has AVX2, FMA and F16C, else `portable`;
TORSH_C_VARIANT=portable (or avx2) forces one.

OpenMP's idle threads spin briefly, then sleep (unless the user set these variables):
- OMP_WAIT_POLICY=PASSIVE: OpenMP's default spinning (GOMP_SPINCOUNT 300,000) made two threads
  2-20x slower than one whenever another process held a core of this 2-core machine;
- GOMP_SPINCOUNT=3000 (about 50 us of spinning): purely passive threads must be woken for
  every kernel, about 40 us each time, which made two threads slower than one below ~1e6
  elements (a 1e5-element add: 58 us on two threads, 21 us on one, 14 us with the short spin).
  The short spin bridges the Python between consecutive kernels; under load it costs little
  more than passive waiting (see docs/dev-notes.md for the measurements).
"""
from __future__ import annotations

import ctypes
import importlib.util
import os
import re
from pathlib import Path

import cffi

from .build import binding_path, declarations, library_path

VARIANTS = ("avx2", "portable")
OPENMP_WAITING = {"OMP_WAIT_POLICY": "PASSIVE", "GOMP_SPINCOUNT": "3000"}
ABI_VERSION = 1




def cpu_flags() -> set:
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return set()
    match = re.search(r"^flags\s*:\s*(.*)$", text, re.MULTILINE)
    return set(match.group(1).split()) if match else set()


def chosen_variant() -> str:
    forced = os.environ.get("TORSH_C_VARIANT")
    if forced:
        if forced not in VARIANTS:
            raise RuntimeError(f"TORSH_C_VARIANT={forced!r}: expected one of "
                               f"{sorted(VARIANTS)}")
        return forced
    return "avx2" if {"avx2", "fma", "f16c"} <= cpu_flags() else "portable"


# glibc hands every freed buffer above 128 KiB back to the kernel, so each fresh kernel output
# of that size page-faults in again (a 16 MB softmax output: 5 ms of faults for 1.6 ms of
# math; PyTorch pays 4-7x on fresh 64 MB outputs). Serving buffers up to 64 MiB from the heap,
# and keeping up to 256 MiB of freed heap before returning it, makes freed outputs reusable
# while bounding what is held back from the rest of the program.
MMAP_THRESHOLD = 64 << 20
TRIM_THRESHOLD = 256 << 20


def keep_freed_buffers() -> bool:
    """Tune glibc's malloc as above (a no-op elsewhere); True when it took effect."""
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return False
    M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3
    return bool(libc.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD)
                and libc.mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD))


def load(variant: str | None = None, sanitize: bool = False):
    """(ffi, lib, variant) for the built library, or raise OSError saying what is missing."""
    variant = variant or chosen_variant()
    path = library_path(variant, sanitize)
    if not path.exists():
        raise OSError(f"{path} is not built")
    for name, value in OPENMP_WAITING.items():
        os.environ.setdefault(name, value)
    keep_freed_buffers()
    ffi, lib = _binding(variant, path) if not sanitize else (None, None)
    if lib is None:
        ffi = cffi.FFI()
        ffi.cdef(declarations())
        lib = ffi.dlopen(str(path))
    if lib.torsh_abi_version() != ABI_VERSION:
        raise OSError(f"{path} has ABI version {lib.torsh_abi_version()}, expected "
                      f"{ABI_VERSION}: rebuild it with `make kernels`")
    return ffi, lib, variant


def _binding(variant: str, library: Path):
    """(ffi, lib) of the variant's API-mode binding, or (None, None) when it is missing, older
    than the library, or does not load."""
    path = binding_path(variant)
    if os.environ.get("TORSH_C_BINDING") == "abi" or not path.exists() \
            or path.stat().st_mtime < library.stat().st_mtime:
        return None, None
    spec = importlib.util.spec_from_file_location(f"_torsh_{variant}", path)
    try:
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    except ImportError:
        return None, None
    return module.ffi, module.lib
