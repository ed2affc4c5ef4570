"""The package build: the metadata is in pyproject.toml; this adds the C kernels.

`pip install .` and the editable install (`pip install -e .`, as `make test` does) compile
kernels/c into torsh/backends/c/lib/ (see torsh/backends/c/build.py). Without a C compiler
the install still succeeds: torsh runs on the reference and says how to build the kernels.
"""
import importlib.util
import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent


def _kernel_builder():
    path = ROOT / "torsh" / "backends" / "c" / "build.py"
    spec = importlib.util.spec_from_file_location("torsh_kernel_build", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class BuildWithKernels(build_py):
    """build_py, then the C kernels into the package (in place for an editable install)."""

    def run(self):
        super().run()
        builder = _kernel_builder()
        package = builder.PACKAGE if getattr(self, "editable_mode", False) \
            else Path(self.build_lib) / "torsh" / "backends" / "c"
        try:
            for path in builder.build_all(package=package):
                print(f"torsh: built {path}")
        except (RuntimeError, OSError) as error:
            print(f"torsh: WARNING: C kernels not built ({error}); torsh will run on the "
                  f"pure-Python reference. Install a C compiler and run `make kernels`.",
                  file=sys.stderr)


setup(cmdclass={"build_py": BuildWithKernels})
