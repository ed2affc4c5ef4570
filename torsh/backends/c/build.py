"""Build the C kernels (kernels/c/*.c) into the shared libraries the C backend loads.

Two libraries from the same sources: `libtorsh_avx2.so` (-mavx2 -mfma -mf16c) and
`libtorsh_portable.so` (no instruction-set flags); the loader picks one from the CPU's flags.
Both use OpenMP when the compiler has it.

Beside each library, when cffi and Python's headers are at hand, its binding: a small Python
extension `_torsh_<variant>` that cffi generates from the same headers (cffi's API mode). It
calls a kernel in about half the time of cffi's ABI mode (dlopen), which is most of the cost
of a small op. Without it the loader uses ABI mode on the library itself.

    python torsh/backends/c/build.py            # both variants, into lib/ here (make kernels)
    python torsh/backends/c/build.py --sanitize # -fsanitize=address,undefined, into lib-asan/

The package build (setup.py) calls `build_all` too; a missing compiler only warns.
"""
from __future__ import annotations

import argparse
import contextlib
import importlib.util
import io
import os
import re
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


def binding_path(variant: str, package: Path = PACKAGE) -> Path:
    return package / "lib" / f"_torsh_{variant}{sysconfig.get_config_var('EXT_SUFFIX')}"


def headers() -> list:
    """The ABI: torsh.h, then one torsh_<family>.h per kernel family, in name order."""
    return [SOURCES / "torsh.h"] + sorted(SOURCES.glob("torsh_*.h"))


def declarations() -> str:
    """The ABI headers as cffi's cdef reads them: no preprocessor lines but integer
    #defines."""
    lines = []
    for header in headers():
        for line in header.read_text().splitlines():
            if line.startswith("#") and not re.match(r"#define \w+ \d+$", line):
                continue
            lines.append(line)
    return "\n".join(lines)

# -fno-math-errno and -fno-trapping-math: no kernel reads errno or the FP exception flags,
# and without them gcc keeps float compares and selects (relu, its gradient, max, where)
# scalar and branchy, 25x slower; values are IEEE's either way (no reassociation).
BASE_FLAGS = ["-O3", "-std=c11", "-fPIC", "-shared", "-Wall", "-Wextra", "-Werror",
              "-fno-math-errno", "-fno-trapping-math", "-D_GNU_SOURCE"]
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
    if not sanitize:
        try:
            build_binding(variant, cc, package)
        except (RuntimeError, ImportError) as error:
            binding_path(variant, package).unlink(missing_ok=True)   # never a stale one
            print(f"torsh: no cffi binding for {variant} ({error}); the kernels load in "
                  f"cffi's ABI mode", file=sys.stderr)
    return out


def build_binding(variant: str, cc: str, package: Path = PACKAGE) -> Path:
    """Compile cffi's API-mode binding of the ABI headers, linked to the variant's library."""
    import cffi
    include = sysconfig.get_paths()["include"]
    if not (Path(include) / "Python.h").exists():
        raise RuntimeError(f"Python's headers are missing ({include}/Python.h)")
    ffi = cffi.FFI()
    ffi.cdef(declarations())
    name = f"_torsh_{variant}"
    ffi.set_source(name, "\n".join(f'#include "{h.name}"' for h in headers()))
    library = library_path(variant, package=package)
    out = binding_path(variant, package)
    with tempfile.TemporaryDirectory() as folder:
        source = str(Path(folder) / f"{name}.c")
        with contextlib.redirect_stdout(io.StringIO()):      # cffi says "generating ..."
            ffi.emit_c_code(source)
        partial = out.with_suffix(".partial")
        command = [cc, "-O2", "-fPIC", "-shared", "-I", include, "-I", str(SOURCES), source,
                   "-L", str(library.parent), f"-l:{library.name}", "-Wl,-rpath,$ORIGIN",
                   "-o", str(partial)]
        done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"building {out.name} failed:\n{' '.join(command)}\n{done.stderr}")
    os.replace(partial, out)
    return out


def build_all(sanitize: bool = False, package: Path = PACKAGE) -> list:
    return [build(variant, sanitize, package) for variant in FLAGS]


def is_stale(sanitize: bool = False) -> bool:
    """True when a library is missing or older than a kernel source or header, or its binding
    is missing where it could be built (the package build may have run without cffi)."""
    newest = max((p.stat().st_mtime for p in SOURCES.iterdir()
                  if p.suffix in (".c", ".h", ".inc")), default=0)
    return any(not library_path(v, sanitize).exists()
               or library_path(v, sanitize).stat().st_mtime < newest
               or not sanitize and not binding_path(v).exists() and binding_possible()
               for v in FLAGS)


def binding_possible() -> bool:
    """cffi importable and Python's headers installed."""
    return importlib.util.find_spec("cffi") is not None and \
        (Path(sysconfig.get_paths()["include"]) / "Python.h").exists()


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
