"""Build the C kernels (kernels/c/*.c) into the shared libraries the C backend loads.

Two libraries from the same sources: `libtorsh_avx2.so` (-mavx2 -mfma -mf16c) and
`libtorsh_portable.so` (no instruction-set flags); the loader picks one from the CPU's flags.
Both use OpenMP when the compiler has it.

    python torsh/backends/c/build.py            # both variants, into lib/ here (make kernels)
    python torsh/backends/c/build.py --sanitize # -fsanitize=address,undefined, into lib-asan/

The package build (setup.py) calls `build_all` too; a missing compiler only warns.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path

# This file imports nothing from torsh, so that setup.py can run it before torsh's
# dependencies are installed. _library.py finds the libraries at the same paths.
PACKAGE = Path(__file__).resolve().parent
SOURCES = PACKAGE.parent.parent.parent / "kernels" / "c"
FLAGS = {"avx2": ["-mavx2", "-mfma", "-mf16c"], "portable": []}


def library_path(variant: str, sanitize: bool = False, package: Path = PACKAGE) -> Path:
    return package / ("lib-asan" if sanitize else "lib") / f"libtorsh_{variant}.so"
BASE_FLAGS = ["-O3", "-std=c11", "-fPIC", "-shared", "-Wall", "-Wextra", "-Werror",
              "-fno-math-errno", "-D_GNU_SOURCE"]
SANITIZE_FLAGS = ["-O1", "-g", "-fno-omit-frame-pointer", "-fsanitize=address,undefined",
                  "-fno-sanitize-recover=undefined"]


def compiler() -> str | None:
    """The C compiler: $CC, Python's own, or cc/gcc/clang on PATH."""
    candidates = [os.environ.get("CC"), (sysconfig.get_config_var("CC") or "").split(" ")[0],
                  "cc", "gcc", "clang"]
    for name in candidates:
        if name and shutil.which(name):
            return shutil.which(name)
    return None


def _openmp_flags(cc: str) -> list:
    """-fopenmp when the compiler can build and link with it, else nothing (one thread)."""
    with tempfile.TemporaryDirectory() as folder:
        probe = Path(folder) / "probe.c"
        probe.write_text("#include <omp.h>\nint main(void) { return omp_get_max_threads() < 1; }\n")
        done = subprocess.run([cc, "-fopenmp", str(probe), "-o", str(Path(folder) / "probe")],
                              capture_output=True)
    return ["-fopenmp"] if done.returncode == 0 else []


def sources() -> list:
    return sorted(str(p) for p in SOURCES.glob("*.c"))


def build(variant: str, sanitize: bool = False, package: Path = PACKAGE) -> Path:
    """Compile every kernel source into one shared library under `package`; returns its
    path."""
    cc = compiler()
    if cc is None:
        raise RuntimeError("no C compiler found (set CC, or install gcc)")
    out = library_path(variant, sanitize, package)
    out.parent.mkdir(parents=True, exist_ok=True)
    openmp = _openmp_flags(cc)
    # without OpenMP the kernels run on one thread and their pragmas are ignored
    flags = BASE_FLAGS + FLAGS[variant] + (openmp or ["-Wno-unknown-pragmas"])
    if sanitize:
        flags = [f for f in flags if f != "-O3"] + SANITIZE_FLAGS
    partial = out.with_suffix(".so.partial")
    command = [cc, *flags, "-I", str(SOURCES), *sources(), "-o", str(partial), "-lm"]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"building {out.name} failed:\n{' '.join(command)}\n{done.stderr}")
    os.replace(partial, out)     # atomic: a running process never sees half a library
    return out


def build_all(sanitize: bool = False, package: Path = PACKAGE) -> list:
    return [build(variant, sanitize, package) for variant in FLAGS]


def is_stale(sanitize: bool = False) -> bool:
    """True when a library is missing or older than a kernel source or header."""
    newest = max((p.stat().st_mtime for p in SOURCES.glob("*.[ch]")), default=0)
    return any(not library_path(v, sanitize).exists()
               or library_path(v, sanitize).stat().st_mtime < newest for v in FLAGS)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sanitize", action="store_true",
                        help="build with AddressSanitizer and UBSan into lib-asan/")
    parser.add_argument("--if-stale", action="store_true",
                        help="only when a library is missing or older than the sources")
    args = parser.parse_args(argv)
    if args.if_stale and not is_stale(args.sanitize):
        return 0
    if args.if_stale and compiler() is None:
        print("torsh: no C compiler: the C kernels are not built", file=sys.stderr)
        return 0
    for path in build_all(args.sanitize):
        print(f"built {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
