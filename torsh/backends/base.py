"""The backend contract: what a backend package provides to torsh.

- `name`, `device_type`, `dtypes` (the dtypes it supports, declared so that others fail loudly);
- `allocate(count, dtype, device) -> Storage`, `to_host(storage) -> numpy array`,
  `from_host(array, device) -> Storage`;
- `kernel(op) -> callable | None`: the kernel for an op, called as
  `kernel(inputs, outs, **params)` with input tensors (already promoted, on this backend's
  device), the `Out` specs from the op's meta, and the op's parameters; it returns the output
  tensor or a tuple of them.

`PRIMITIVES` lists the ops a backend must implement to run everything; every other op has a
decomposition down to these (or falls back to the reference on the CPU).
"""
from __future__ import annotations

from .._core import dtype as dt

PRIMITIVES = (
    # elementwise map / zip / ternary over the scalar-function tables
    "unary ops", "binary ops", "where",
    # reductions along dims
    "sum", "prod", "amax", "amin", "argmax", "argmin",
    # data movement
    "contiguous", "to_dtype", "fill", "random",
    "matmul", "gather", "scatter",
)


class Backend:
    name = "abstract"
    device_type = "cpu"
    dtypes = frozenset(dt.ALL)

    def is_available(self) -> bool:
        return True

    def unavailable_reason(self) -> str:
        return ""

    def kernel(self, op):
        return None

    def allocate(self, count, dtype, device):
        raise NotImplementedError

    def write(self, dst, src) -> None:
        """Copy `src` into the memory `dst` views (same shape and dtype; CPU numpy default)."""
        dst._numpy_view()[...] = src._numpy_view()

    def __repr__(self) -> str:
        return f"<backend {self.name}>"
