"""The backend contract: what a backend package provides to torsh.

- `name`, `device_type`, `dtypes` (the dtypes it supports, declared so that others fail loudly);
- `allocate(count, dtype, device) -> Storage`, `to_host(storage) -> numpy array`,
  `from_host(array, device) -> Storage`;
- `kernel(op) -> callable | None`: the kernel for an op, called as
  `kernel(inputs, outs, **params)` with input tensors (already promoted, on this backend's
  device), the `Out` specs from the op's meta, and the op's parameters; it returns the output
  tensor or a tuple of them.
- `backward_kernel(op) -> callable | None` (optional): a fused backward for an op this backend
  served, called as `backward_kernel(ctx, *grads)` with the node's saved context and must
  return one gradient per input (None where none is needed), like the op's `backward`. The
  autograd node asks the backend that ran its forward first, and runs the op's backward formula
  when it returns None, or when the backward itself is being recorded (`create_graph=True`):
  a fused kernel writes plain storage, so only the formula is differentiable again. Like a
  forward kernel, it may decline a call by returning NotImplemented.

- `plan(op, inputs, outs, params) -> callable | None` (optional): after this backend's kernel
  served a call, a function `run(inputs)` that serves every later call with the same
  signature (device, dtype, shape and strides of each input, the params; see torsh.dispatch)
  and returns what the kernel would, or NotImplemented to decline. It may skip every check
  that depends on the signature alone, and must repeat the rest (storage bounds, values).

`is_primitive(op)` says which ops a backend must implement to run everything: elementwise
map/zip/ternary ops, reductions along dims, strided copy, cast, matmul, gather/scatter. Every
other op should have a `decompose` down to these; where it does not yet, the CPU falls back to
the reference (see the `primitives` backend, which checks exactly that).
"""
from __future__ import annotations

from .._core import dtype as dt

PRIMITIVE_OPS = frozenset({
    # reductions along dims
    "sum", "prod", "amax", "amin", "argmax", "argmin", "all", "any",
    # data movement: strided copy (materialising any view), cast, matrix product
    "clone", "to_dtype", "matmul",
    # gather / scatter in their general forms
    "gather", "scatter_add", "index", "index_put", "strided_scatter_add",
    "as_strided_scatter", "nonzero",
})
# Elementwise map / zip / ternary over the scalar-function table: every op of these modules.
PRIMITIVE_MODULES = frozenset({"torsh.ops._elementwise_base", "torsh.ops.unary",
                               "torsh.ops.binary", "torsh.ops.ternary", "torsh.ops.parametric"})


def is_primitive(op) -> bool:
    """True for the ops every backend must implement (creation and random fill are not ops)."""
    module = getattr(op.reference, "__module__", "")
    return op.name in PRIMITIVE_OPS or module in PRIMITIVE_MODULES


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

    def backward_kernel(self, op):
        return None

    def plan(self, op, inputs, outs, params):
        return None

    def allocate(self, count, dtype, device):
        raise NotImplementedError

    def write(self, dst, src) -> None:
        """Copy `src` into the memory `dst` views (same shape and dtype; CPU numpy default)."""
        dst._numpy_view()[...] = src._numpy_view()

    def __repr__(self) -> str:
        return f"<backend {self.name}>"
