"""Matrix products. `matmul` is the primitive; mm, bmm, mv, dot and friends are its forms.

matmul follows PyTorch's rules: 1-D operands gain a dim (prepended for the left, appended for
the right) that is removed afterwards; dims before the last two broadcast, so (4, 3) @
(1, 3, 3, 3) is (1, 3, 4, 3).
"""
from __future__ import annotations

from operator import mul

from .._core import dtype as dt
from .._core.errors import DTypeRuntimeError, InvalidArgumentRuntime, ShapeMismatch
from .._core.shape import broadcast_shapes
from ..dispatch import dispatch
from ._array import Array, broadcast_to
from ._op import PROMOTE_DEFAULT, Op, Out, public, register


def _matmul_meta(a, b):
    if a.ndim < 2 or b.ndim < 2:
        raise ShapeMismatch("matmul: the primitive takes operands of 2 or more dims")
    if a.dtype is dt.bool_:
        raise DTypeRuntimeError("matmul: \"addmm_impl_cpu_\" not implemented for 'Bool'")
    n, k = a._shape[-2:]
    k2, m = b._shape[-2:]
    if k != k2:
        raise ShapeMismatch(f"matmul: mat1 and mat2 shapes cannot be multiplied "
                            f"({n}x{k} and {k2}x{m})")
    batch = broadcast_shapes(a._shape[:-2], b._shape[:-2], op="matmul")
    return Out(batch + (n, m), a.dtype)


def _matmul_reference(a: Array, b: Array) -> Array:
    """out[..., i, j] = sum_k a[..., i, k] * b[..., k, j], batch dims broadcast."""
    n, k = a.shape[-2:]
    m = b.shape[-1]
    batch = broadcast_shapes(a.shape[:-2], b.shape[:-2])
    a = broadcast_to(a, batch + (n, k)).data
    b = broadcast_to(b, batch + (k, m)).data
    out = []
    for start in range(_count(batch)):
        left, right = start * n * k, start * k * m
        columns = [b[right + j: right + k * m: m] for j in range(m)]
        for i in range(n):
            row = a[left + i * k: left + (i + 1) * k]
            out.extend(sum(map(mul, row, column)) for column in columns)
    return Array(out, batch + (n, m))


def _count(shape) -> int:
    total = 1
    for n in shape:
        total *= n
    return total


def _matmul_grad(ctx, g):
    a, b = ctx.inputs
    grad_a = g @ b.mT if ctx.needs_input_grad[0] else None
    grad_b = a.mT @ g if ctx.needs_input_grad[1] else None
    return grad_a, grad_b


_MATMUL = register(Op("matmul", meta=_matmul_meta, reference=_matmul_reference,
                      backward=_matmul_grad, promote=PROMOTE_DEFAULT,
                      doc=_matmul_reference.__doc__))


@public("matmul")
def matmul(input, other, *, out=None):
    """The matrix product with PyTorch's treatment of 1-D operands and batch broadcasting."""
    if input.ndim == 0 or other.ndim == 0:
        raise InvalidArgumentRuntime(f"both arguments to matmul need to be at least 1D, but "
                                     f"they are {input.ndim}D and {other.ndim}D")
    if input.dtype is not other.dtype:
        raise DTypeRuntimeError(f"matmul: expected both operands to have the same dtype, but "
                                f"got {input.dtype.name} and {other.dtype.name}")
    a = input.unsqueeze(0) if input.ndim == 1 else input
    b = other.unsqueeze(-1) if other.ndim == 1 else other
    if a._shape[-1] != b._shape[-2]:
        raise ShapeMismatch(f"matmul: size mismatch, got input ({list(input.shape)}) and "
                            f"other ({list(other.shape)}): {a._shape[-1]} != {b._shape[-2]}")
    result = dispatch(_MATMUL, a, b)
    if input.ndim == 1:
        result = result.squeeze(-2)
    if other.ndim == 1:
        result = result.squeeze(-1)
    return result


def _require(name, tensor, ndim, which="input"):
    if tensor.ndim != ndim:
        raise InvalidArgumentRuntime(f"{name}: {which} must be a {ndim}D tensor, got "
                                     f"{tensor.ndim}D")


@public("mm")
def mm(input, mat2, *, out=None):
    """Product of two matrices."""
    _require("mm", input, 2, "self")
    _require("mm", mat2, 2, "mat2")
    return matmul(input, mat2)


@public("bmm")
def bmm(input, mat2, *, out=None):
    """Batched product: [b, n, k] @ [b, k, m] (batch sizes must match, no broadcasting)."""
    _require("bmm", input, 3, "batch1")
    _require("bmm", mat2, 3, "batch2")
    if input.shape[0] != mat2.shape[0]:
        raise ShapeMismatch(f"bmm: batch1 and batch2 must have same number of batches, got "
                            f"{input.shape[0]} and {mat2.shape[0]}")
    return matmul(input, mat2)


@public("mv")
def mv(input, vec, *, out=None):
    """Matrix times vector."""
    _require("mv", input, 2)
    _require("mv", vec, 1, "vec")
    return matmul(input, vec)


@public("dot")
def dot(input, other, *, out=None):
    """sum_i input[i] * other[i] of two 1-D tensors of equal length and dtype."""
    _require("dot", input, 1, "1st argument")
    _require("dot", other, 1, "2nd argument")
    if input.dtype is not other.dtype:
        raise DTypeRuntimeError(f"dot : expected both vectors to have same dtype, but found "
                                f"{input.dtype.name} and {other.dtype.name}")
    if input.shape[0] != other.shape[0]:
        raise ShapeMismatch(f"inconsistent tensor size, expected tensor [{input.shape[0]}] and "
                            f"src [{other.shape[0]}] to have the same number of elements, but "
                            f"got {input.shape[0]} and {other.shape[0]} elements respectively")
    return matmul(input, other)


@public("vdot")
def vdot(input, other, *, out=None):
    """dot, conjugating the first argument (a no-op for real tensors)."""
    return dot(input, other)
