"""The C backend: torsh's CPU kernels written in C (kernels/c), bound with cffi.

`C_BACKEND.kernel(op)` gives the C kernel for an op, or None (each module of this package
contributes the kernels of one family); a kernel may also decline a
call it does not cover (a dtype, a parameter) by returning NotImplemented, and the dispatcher
then goes on down the CPU chain (decomposition, then the reference). `C_BACKEND.plan` hands
dispatch a plan for each call a kernel served (see torsh.dispatch). The library is built by
the package build or `make kernels` (`python torsh/backends/c/build.py`); when it is missing,
the backend is unavailable and says how to build it. TORSH_C_SANITIZE=1 loads the
sanitizer build instead (`make test-asan`).
"""
from __future__ import annotations

import importlib
import os
import pkgutil

from ..._core import dtype as dt
from ..._core.allocator import allocate
from ..base import Backend
from ._library import load
from .operands import Call
from .strided_copy import copy_into
from .widen import widen


def _kernel_modules() -> list:
    """Every module of this package that offers kernels: `kernels(ffi, lib)` returns
    {op name: kernel}, and `backward_kernels(ffi, lib)` (optional) {op name: fused
    backward}. Adding a family of kernels is adding a module here."""
    modules = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if not info.name.startswith("_") and info.name not in ("build", "operands", "widen"):
            module = importlib.import_module(f"{__name__}.{info.name}")
            if hasattr(module, "kernels"):
                modules.append(module)
    return modules


class CBackend(Backend):
    name = "c"
    device_type = "cpu"
    dtypes = frozenset(dt.ALL)

    def __init__(self, variant: str | None = None, sanitize: bool = False):
        try:
            self.ffi, self.lib, self.variant = load(variant, sanitize)
        except OSError as error:
            self.ffi = self.lib = self.variant = None
            self._reason = (f"the C kernels are not built ({error}); build them with "
                            f"`make kernels` (python torsh/backends/c/build.py)")
            self._kernels = {}
            return
        self._reason = ""
        self._kernels, self._backward_kernels, self._planners = {}, {}, {}
        for module in _kernel_modules():
            self._kernels.update(module.kernels(self.ffi, self.lib))
            if hasattr(module, "backward_kernels"):
                self._backward_kernels.update(module.backward_kernels(self.ffi, self.lib))
            if hasattr(module, "planners"):
                self._planners.update(module.planners(self.ffi, self.lib))
        self._kernels = widen(self._kernels)

    def is_available(self) -> bool:
        return self.lib is not None

    def unavailable_reason(self) -> str:
        return self._reason

    def kernel(self, op):
        return self._kernels.get(op.name)

    def backward_kernel(self, op):
        return self._backward_kernels.get(op.name)

    def plan(self, op, inputs, outs, params):
        """The module's own plan where it has one (the vectorised elementwise kernels: bounds
        checks and the call, nothing else), else the kernel itself with the meta's answer
        kept: every C kernel checks what is not in the signature on each call."""
        planner = self._planners.get(op.name)
        run = planner(inputs, outs, params) if planner is not None else None
        if run is None:
            kernel = self._kernels[op.name]

            def run(inputs):
                return kernel(inputs, outs, **params)
        return run

    def native_ops(self) -> list:
        return sorted(self._kernels)

    def allocate(self, count, dtype, device):
        storage = allocate(count, dtype)
        storage.data.fill(0)
        return storage

    def write(self, dst, src) -> None:
        """dst[...] = src[...] (same shape and dtype, any strides) by the strided copy kernel;
        numpy's copy when the two share memory (it handles overlap)."""
        if src._storage is dst._storage or src.dtype is not dst.dtype or \
                src._shape != dst._shape:
            return super().write(dst, src)
        copy_into(self.ffi, self.lib, Call(self.ffi), dst, src)

    def set_num_threads(self, n: int) -> None:
        self.lib.torsh_set_num_threads(int(n))

    def get_num_threads(self) -> int:
        return self.lib.torsh_get_num_threads()


C_BACKEND = CBackend(sanitize=bool(os.environ.get("TORSH_C_SANITIZE")))
