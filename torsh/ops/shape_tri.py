"""Triangles and diagonals: tril, triu, tril_indices, triu_indices, diag_embed, diag,
diagflat, trace.

tril/triu and diag_embed are ops with a pure-Python reference, a gradient and a decomposition
(where with an index-made mask; a write through the diagonal view); diag, diagflat
and trace are compositions with the `diagonal` view of `movement.py`. The index functions make
new integer tensors (like `arange`) and have no gradient.
"""
from __future__ import annotations

from .._core import dtype as dt
from .._core.errors import DTypeRuntimeError, InvalidArgumentRuntime
from .._core.shape import as_index, normalize_dim
from ..dispatch import dispatch, dispatch_inplace
from ._array import Array, indices, position
from ._elementwise_base import _maybe_out
from ._op import PROMOTE_NONE, Op, Out, method_only, public, register
from .creation import arange
from .movement import diagonal as diagonal_of, reshape
from .shape import write_through
from .ternary import where


# ------------------------------------------------------------ tril / triu

def _triangle_meta(name):
    def meta(x, diagonal):
        if x.ndim < 2:
            raise InvalidArgumentRuntime(f"{name}: input tensor must have at least 2 dimensions")
        return Out(x._shape, x.dtype)
    return meta


def _triangle_reference(keep):
    """out[..., i, j] = a[..., i, j] where keep(j - i, diagonal), else 0 (NaN too is zeroed)."""
    def reference(a, diagonal):
        data = [x if keep(index[-1] - index[-2], diagonal) else 0
                for x, index in zip(a.data, indices(a.shape))]
        return Array(data, a.shape)
    return reference


def _triangle_decompose(keep):
    """where(keep(j - i, diagonal), x, 0), with j - i from a column and a row of aranges."""
    def decompose(x, diagonal):
        rows, cols = x.shape[-2:]
        above = (arange(cols, device=x.device).reshape(1, cols) -
                 arange(rows, device=x.device).reshape(rows, 1))
        return where(keep(above, diagonal), x, x.new_zeros(()))
    return decompose


def _triangle(name, keep, doc):
    op = Op(name, meta=_triangle_meta(name), reference=_triangle_reference(keep),
            decompose=_triangle_decompose(keep), promote=PROMOTE_NONE, saves_inputs=False,
            doc=doc)
    op.backward = lambda ctx, g: (dispatch(op, g, diagonal=ctx.diagonal),)
    return register(op)


_TRIL = _triangle("tril", lambda above, k: above <= k,
                  "The lower triangle of the last two dims: elements (i, j) with j - i <= "
                  "diagonal are kept, the rest set to 0 (batched over leading dims). Gradient: "
                  "tril of the gradient.")
_TRIU = _triangle("triu", lambda above, k: above >= k,
                  "The upper triangle of the last two dims: elements (i, j) with j - i >= "
                  "diagonal are kept, the rest set to 0. Gradient: triu of the gradient.")


def _diagonal_arg(diagonal, name):
    if isinstance(diagonal, float):
        raise TypeError(f"{name}(): argument 'diagonal' (position 2) must be int, not float")
    return as_index(diagonal, "diagonal", name)


@public("tril")
def tril(input, diagonal=0, *, out=None):
    """Zero the elements above the diagonal-th diagonal of the last two dims."""
    return _maybe_out(dispatch(_TRIL, input, diagonal=_diagonal_arg(diagonal, "tril")), out)


@public("triu")
def triu(input, diagonal=0, *, out=None):
    """Zero the elements below the diagonal-th diagonal of the last two dims."""
    return _maybe_out(dispatch(_TRIU, input, diagonal=_diagonal_arg(diagonal, "triu")), out)


@method_only("tril_")
def tril_(self, diagonal=0):
    return dispatch_inplace(_TRIL, self, diagonal=_diagonal_arg(diagonal, "tril_"))


@method_only("triu_")
def triu_(self, diagonal=0):
    return dispatch_inplace(_TRIU, self, diagonal=_diagonal_arg(diagonal, "triu_"))


# ------------------------------------------------------------ tril_indices / triu_indices

def _triangle_indices(name, keep, row, col, offset, dtype, device):
    row, col = as_index(row, "row", name), as_index(col, "col", name)
    for what, value in (("row", row), ("col", col)):
        if value < 0:
            raise InvalidArgumentRuntime(f"{name}: {what} must be non-negative, got {value}")
    dtype = dtype or dt.int64
    if dtype not in (dt.int64, dt.int32):
        raise DTypeRuntimeError(f"{name}: \"{name}\" not implemented for '{dtype.name}'")
    offset = as_index(offset, "offset", name)
    pairs = [(i, j) for i in range(row) for j in range(col) if keep(j - i, offset)]
    from .creation import tensor
    rows, cols = [i for i, _ in pairs], [j for _, j in pairs]
    return tensor([rows, cols], dtype=dtype, device=device).reshape(2, len(pairs))


@public("tril_indices", method=False)
def tril_indices(row, col, offset=0, *, dtype=None, device=None, layout=None):
    """The (row, column) coordinates of tril's kept elements of a row x col matrix, row-major,
    as a 2 x N tensor."""
    return _triangle_indices("tril_indices", lambda above, k: above <= k, row, col, offset,
                             dtype, device)


@public("triu_indices", method=False)
def triu_indices(row, col, offset=0, *, dtype=None, device=None, layout=None):
    """The (row, column) coordinates of triu's kept elements of a row x col matrix, row-major,
    as a 2 x N tensor."""
    return _triangle_indices("triu_indices", lambda above, k: above >= k, row, col, offset,
                             dtype, device)


# ------------------------------------------------------------ diag_embed

def _diag_embed_shape(shape, offset, dim1, dim2) -> tuple:
    """Input dims but the last, in order, with two new dims of size n + |offset| at dim1, dim2."""
    side = shape[-1] + abs(offset)
    rest = iter(shape[:-1])
    return tuple(side if d in (dim1, dim2) else next(rest) for d in range(len(shape) + 1))


def _diag_embed_reference(a, offset, dim1, dim2):
    """out[..., i, ..., j, ...] = a[..., k] where j - i = offset and k = min(i, j), else 0."""
    out_shape = _diag_embed_shape(a.shape, offset, dim1, dim2)
    strides = a.strides()
    data = []
    for index in indices(out_shape):
        i, j = index[dim1], index[dim2]
        if j - i != offset:
            data.append(0)
            continue
        rest = [n for d, n in enumerate(index) if d not in (dim1, dim2)]
        data.append(a.data[position(rest + [min(i, j)], strides)])
    return Array(data, out_shape)


def _diag_embed_decompose(x, offset, dim1, dim2):
    """Zeros, with x written through the offset-th diagonal of their (dim1, dim2) planes."""
    out = x.new_zeros(_diag_embed_shape(x._shape, offset, dim1, dim2))
    return write_through(out, diagonal_of(out, offset, dim1, dim2), x)


_DIAG_EMBED = register(Op(
    "diag_embed",
    meta=lambda x, offset, dim1, dim2: Out(_diag_embed_shape(x._shape, offset, dim1, dim2),
                                           x.dtype),
    reference=_diag_embed_reference, decompose=_diag_embed_decompose,
    backward=lambda ctx, g: (diagonal_of(g, ctx.offset, ctx.dim1, ctx.dim2),),
    promote=PROMOTE_NONE, saves_inputs=False,
    doc="Zeros, with the input's last dim written on the offset-th diagonal of the plane "
        "(dim1, dim2) of the output. Gradient: that diagonal of the gradient."))


@public("diag_embed")
def diag_embed(input, offset=0, dim1=-2, dim2=-1):
    """A new tensor whose (dim1, dim2) planes have input's last dim on their offset diagonal."""
    offset = as_index(offset, "offset", "diag_embed")
    d1 = normalize_dim(dim1, input.ndim + 1, "diag_embed")
    d2 = normalize_dim(dim2, input.ndim + 1, "diag_embed")
    if d1 == d2:
        raise InvalidArgumentRuntime(f"diag_embed: diagonal dimensions cannot be identical "
                                     f"{dim1}, {dim2}")
    return dispatch(_DIAG_EMBED, input, offset=offset, dim1=d1, dim2=d2)


# ------------------------------------------------------------ diag, diagflat, trace

@public("diag")
def diag(input, diagonal=0, *, out=None):
    """1-D: a square matrix with input on its diagonal-th diagonal; 2-D: a copy of that
    diagonal."""
    offset = _diagonal_arg(diagonal, "diag")
    if input.ndim == 1:
        return _maybe_out(diag_embed(input, offset, 0, 1), out)
    if input.ndim == 2:
        return _maybe_out(diagonal_of(input, offset).clone(), out)
    raise InvalidArgumentRuntime(f"diag(): Supports 1D or 2D tensors. Got {input.ndim}D")


@public("diagflat")
def diagflat(input, offset=0):
    """A square matrix with the flattened input on its offset-th diagonal."""
    return diag_embed(reshape(input, (-1,)), as_index(offset, "offset", "diagflat"), 0, 1)


@public("trace")
def trace(input):
    """Sum of the main diagonal of a matrix; integer inputs sum to int64."""
    if input.ndim != 2:
        raise InvalidArgumentRuntime(f"trace: expected a matrix, but got tensor with dim "
                                     f"{input.ndim}")
    if input.dtype is dt.bool_:
        raise DTypeRuntimeError("trace: \"trace\" not implemented for 'Bool'")
    return diagonal_of(input).sum()


__all__ = ["tril", "triu", "tril_indices", "triu_indices", "diag_embed", "diag", "diagflat",
           "trace"]
