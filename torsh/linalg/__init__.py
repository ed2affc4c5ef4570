"""torsh.linalg: PyTorch's linear-algebra namespace (the products and the simple norms).

The ops live in torsh/ops (matmul.py, products.py); this module gives them their linalg names
and adds the linalg-only functions, each a composition of torsh ops (so gradients come free).
Decompositions, solvers and the spectral norms (ord 2, -2, 'nuc') are not here yet.
"""
from __future__ import annotations

import math

from .._core.errors import DTypeRuntimeError, InvalidArgumentRuntime, ShapeMismatch
from .._core.shape import broadcast_shapes, normalize_dim, normalize_dims
from ..ops._elementwise_base import _maybe_out
from ..ops.matmul import matmul
from ..ops.products import linalg_cross as cross, refuse_bool as _refuse_bool

__all__ = ["cross", "matmul", "matrix_norm", "multi_dot", "norm", "vecdot", "vector_norm"]


def multi_dot(tensors, *, out=None):
    """tensors[0] @ tensors[1] @ ... (left to right); the first and last may be 1-D vectors."""
    tensors = list(tensors)
    if len(tensors) < 2:
        raise InvalidArgumentRuntime(f"multi_dot(): expected at least 2 tensors but got "
                                     f"{len(tensors)}")
    for i, t in enumerate(tensors):
        if 0 < i < len(tensors) - 1 and t.ndim != 2:
            raise InvalidArgumentRuntime(f"multi_dot(): tensor {i} must be 2D but got "
                                         f"{t.ndim}D")
    for which, t in (("first", tensors[0]), ("last", tensors[-1])):
        if t.ndim not in (1, 2):
            raise InvalidArgumentRuntime(f"multi_dot(): the {which} tensor must be 1D or 2D "
                                         f"but got {t.ndim}D")
    for i, t in enumerate(tensors):
        if t.dtype is not tensors[0].dtype:
            raise DTypeRuntimeError(f"multi_dot(): all tensors must have be the same dtype but "
                                    f"tensor 0 is {tensors[0].dtype.name} and tensor {i} "
                                    f"{t.dtype.name}")
    _refuse_bool("multi_dot", tensors[0])
    first, last = tensors[0], tensors[-1]
    matrices = ([first.unsqueeze(0) if first.ndim == 1 else first] + tensors[1:-1] +
                [last.unsqueeze(1) if last.ndim == 1 else last])
    for i in range(len(matrices) - 1):
        if matrices[i].shape[1] != matrices[i + 1].shape[0]:
            raise ShapeMismatch(f"multi_dot(): tensors {i} and {i + 1} with shapes "
                                f"{list(tensors[i].shape)} and {list(tensors[i + 1].shape)} "
                                f"cannot be multiplied")
    result = matrices[0]
    for matrix in matrices[1:]:
        result = matmul(result, matrix)
    shape = list(first.shape[:1] if first.ndim == 2 else []) + list(last.shape[1:])
    return _maybe_out(result.reshape(shape), out)


def _floating(name, *tensors):
    for t in tensors:
        if not t.dtype.is_floating_point:
            raise DTypeRuntimeError(f"{name}: Expected a floating point or complex tensor as "
                                    f"input. Got {t.dtype.name}")


def vecdot(x, y, *, dim=-1, out=None):
    """sum_k x[..., k] * y[..., k] along `dim`; the other dims broadcast."""
    _floating("linalg.vecdot", x, y)
    if x.dtype is not y.dtype:
        raise DTypeRuntimeError(f"linalg.vecdot: Expected x and y to have the same dtype, but "
                                f"found x of type {x.dtype.name} and y of type {y.dtype.name} "
                                f"instead")
    shape = broadcast_shapes(x.shape, y.shape, op="linalg.vecdot")
    return _maybe_out((x * y).sum(normalize_dim(dim, len(shape), "linalg.vecdot")), out)


def vector_norm(x, ord=2, dim=None, keepdim=False, *, dtype=None, out=None):
    """(sum |x|^ord)^(1/ord) over `dim` (all dims if None); ord inf: max |x|, -inf: min |x|,
    0: the count of nonzeros. Composite, so the gradient where the norm is 0 is NaN for ord 2
    (PyTorch gives the subgradient 0)."""
    _floating("linalg.vector_norm", x)
    if dtype is not None:
        x = x.to(dtype)
    dims = normalize_dims(dim, x.ndim, "linalg.vector_norm") if dim is not None else None
    size = x.abs()
    if ord in (math.inf, -math.inf):
        if x.numel() == 0:
            raise InvalidArgumentRuntime(f"linalg.vector_norm cannot compute the {ord} norm on "
                                         f"an empty tensor because the operation does not have "
                                         f"an identity")
        extreme = size.amax if ord > 0 else size.amin
        result = extreme(dim=dims if dims is not None else (), keepdim=keepdim)
    elif ord == 0:
        result = (size != 0).sum(dims, keepdim=keepdim).to(x.dtype)
    elif ord == 1:
        result = size.sum(dims, keepdim=keepdim)
    elif ord == 2:
        result = (size * size).sum(dims, keepdim=keepdim).sqrt()
    else:
        result = (size ** ord).sum(dims, keepdim=keepdim) ** (1.0 / ord)
    return _maybe_out(result, out)


def matrix_norm(A, ord="fro", dim=(-2, -1), keepdim=False, *, dtype=None, out=None):
    """'fro': sqrt(sum |a_ij|^2); 1 / -1: max / min column sum of |a_ij|; inf / -inf: max / min
    row sum. Over the two dims `dim`; the spectral norms (2, -2, 'nuc') are not implemented."""
    _floating("linalg.matrix_norm", A)
    if A.ndim < 2:
        raise InvalidArgumentRuntime(f"linalg.matrix_norm: The input tensor A must have at "
                                     f"least 2 dimensions.")
    if dtype is not None:
        A = A.to(dtype)
    rows, columns = (normalize_dim(d, A.ndim, "linalg.matrix_norm") for d in dim)
    if ord == "fro":
        return _maybe_out(vector_norm(A, 2, (rows, columns), keepdim), out)
    if ord not in (1, -1, math.inf, -math.inf):
        raise InvalidArgumentRuntime(f"linalg.matrix_norm: Order {ord} not supported in torsh "
                                     f"(only 'fro', 1, -1, inf and -inf).")
    # ord 1 sums each column (over the rows) and picks a column; inf the other way round.
    summed, picked = (rows, columns) if abs(ord) == 1 else (columns, rows)
    sums = A.abs().sum(summed, keepdim=True)
    result = sums.amax(picked, keepdim=True) if ord > 0 else sums.amin(picked, keepdim=True)
    if not keepdim:
        result = result.squeeze((rows, columns))
    return _maybe_out(result, out)


def norm(A, ord=None, dim=None, keepdim=False, *, dtype=None, out=None):
    """vector_norm or matrix_norm, chosen as PyTorch does: a str ord or two dims is a matrix
    norm; ord None is the 2-norm of the flattened input (or Frobenius over two dims)."""
    if isinstance(dim, int):
        dim = (dim,)
    if ord is None:
        return vector_norm(A, 2, dim, keepdim, dtype=dtype, out=out)
    if dim is None:
        if A.ndim not in (1, 2):
            raise InvalidArgumentRuntime(f"linalg.norm: If dim is not specified but ord is, "
                                         f"the input must be 1D or 2D. Got {A.ndim}D.")
        dim = tuple(range(A.ndim))
    if isinstance(ord, str) or len(dim) == 2:
        return matrix_norm(A, ord, dim, keepdim, dtype=dtype, out=out)
    return vector_norm(A, ord, dim, keepdim, dtype=dtype, out=out)
