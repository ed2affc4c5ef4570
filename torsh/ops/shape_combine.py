"""Grids and combinations: meshgrid, block_diag, cartesian_prod, combinations.

block_diag is an op with a pure-Python reference, a gradient and a decomposition (each block
written into zeros through a strided view). meshgrid is a set of
expanded views (like PyTorch's); cartesian_prod and combinations are compositions of
meshgrid, stack and advanced indexing, so their gradients come for free.
"""
from __future__ import annotations

import itertools
import warnings

from .._core import dtype as dt
from .._core.errors import InvalidArgumentRuntime
from .._core.shape import as_index
from ..dispatch import dispatch
from ..tensor import Tensor
from ._array import Array
from ._op import PROMOTE_DEFAULT, Op, Out, public, register
from .movement import expand, narrow, reshape
from .shape import stack, write_through


def _tensor_args(tensors, op: str) -> list:
    """f(a, b, ...) or f([a, b, ...]): the tensors, each checked."""
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tensors[0]
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise TypeError(f"{op}(): expected Tensor as element {i} in argument 0, but got "
                            f"{type(t).__name__}")
    return list(tensors)


# ------------------------------------------------------------ meshgrid

@public("meshgrid", method=False)
def meshgrid(*tensors, indexing: str | None = None):
    """Coordinate grids: output k holds tensors[k] along its own dim, repeated along the rest.

    indexing='ij': output dims follow the inputs' order (matrix indexing); 'xy': the first two
    dims are swapped (Cartesian indexing, as numpy's default). 0-d inputs count as size 1.
    The outputs are expanded views of the inputs.
    """
    tensors = _tensor_args(tensors, "meshgrid")
    if indexing is None:
        warnings.warn("torch.meshgrid: in an upcoming release, it will be required to pass the "
                      "indexing argument.", UserWarning, stacklevel=2)
        indexing = "ij"
    if indexing not in ("ij", "xy"):
        raise InvalidArgumentRuntime(f"torch.meshgrid: indexing must be one of \"xy\" or "
                                     f"\"ij\", but received: {indexing}")
    if not tensors:
        raise InvalidArgumentRuntime("meshgrid expects a non-empty TensorList")
    for t in tensors:
        if t.dtype is not tensors[0].dtype:
            raise InvalidArgumentRuntime("meshgrid expects all tensors to have the same dtype")
        if t.device != tensors[0].device:
            raise InvalidArgumentRuntime("meshgrid expects all tensors to have the same device")
        if t.ndim > 1:
            raise InvalidArgumentRuntime(f"torch.meshgrid: Expected 0D or 1D tensor in the "
                                         f"tensor list but got shape {list(t.shape)}")
    dim_of = list(range(len(tensors)))
    if indexing == "xy" and len(tensors) >= 2:
        dim_of[0], dim_of[1] = 1, 0
    shape = [0] * len(tensors)
    for k, t in enumerate(tensors):
        shape[dim_of[k]] = t.numel()
    grids = []
    for k, t in enumerate(tensors):
        along = [1] * len(tensors)
        along[dim_of[k]] = -1
        grids.append(expand(reshape(t, along), tuple(shape)))
    return tuple(grids)


# ------------------------------------------------------------ block_diag

def _as_matrix(shape) -> tuple:
    """How block_diag sees an input: 0-d as 1 x 1, 1-D of n as 1 x n."""
    return ((1, 1), (1,) + tuple(shape), tuple(shape))[len(shape)]


def _block_diag_meta(*tensors):
    blocks = [_as_matrix(t._shape) for t in tensors]
    return Out((sum(r for r, _ in blocks), sum(c for _, c in blocks)), tensors[0].dtype)


def _block_diag_reference(*arrays):
    """Zeros, with input k's rows x cols block placed right below and after input k - 1's."""
    blocks = [_as_matrix(a.shape) for a in arrays]
    rows, cols = sum(r for r, _ in blocks), sum(c for _, c in blocks)
    out = [0] * (rows * cols)
    top = left = 0
    for a, (r, c) in zip(arrays, blocks):
        for i in range(r):
            for j in range(c):
                out[(top + i) * cols + left + j] = a.data[i * c + j]
        top, left = top + r, left + c
    return Array(out, (rows, cols))


def _block_diag_decompose(*tensors):
    """Zeros, with input k written over its own block (below and right of input k - 1's)."""
    out = tensors[0].new_zeros(_block_diag_meta(*tensors).shape)
    top = left = 0
    for t in tensors:
        r, c = _as_matrix(t._shape)
        block = narrow(narrow(out, 0, top, r), 1, left, c)
        out = write_through(out, block, reshape(t, (r, c)))
        top, left = top + r, left + c
    return out


def _block_diag_grad(ctx, g):
    """Input k gets its own block of the gradient."""
    grads, top, left = [], 0, 0
    for shape, needs in zip(ctx.input_shapes, ctx.needs_input_grad):
        r, c = _as_matrix(shape)
        if needs:
            grads.append(reshape(narrow(narrow(g, 0, top, r), 1, left, c), shape))
        else:
            grads.append(None)
        top, left = top + r, left + c
    return tuple(grads)


_BLOCK_DIAG = register(Op(
    "block_diag", meta=_block_diag_meta, reference=_block_diag_reference,
    backward=_block_diag_grad, decompose=_block_diag_decompose, promote=PROMOTE_DEFAULT,
    saves_inputs=False,
    doc="The inputs (0-d as 1 x 1, 1-D as one row) as blocks down the diagonal of a zero "
        "matrix; dtypes promote as for binary ops. Gradient: each input's block."))


@public("block_diag", method=False)
def block_diag(*tensors):
    """A block-diagonal matrix from 0-, 1- or 2-D tensors; no tensors gives a 1 x 0 matrix."""
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise TypeError(f"block_diag(): expected Tensor as element {i} in argument 0, but "
                            f"got {type(t).__name__}")
        if t.ndim > 2:
            raise InvalidArgumentRuntime(f"torch.block_diag: Input tensors must have 2 or "
                                         f"fewer dimensions. Input {i} has {t.ndim} dimensions")
    if not tensors:
        from .. import zeros
        return zeros(1, 0)
    return dispatch(_BLOCK_DIAG, *tensors)


# ------------------------------------------------------------ cartesian_prod, combinations

def _check_vector(t: Tensor, op: str) -> None:
    if t.ndim != 1:
        raise InvalidArgumentRuntime(f"{op}: Expect a 1D vector, but got shape {list(t.shape)}")


@public("cartesian_prod", method=False)
def cartesian_prod(*tensors):
    """Every tuple (a_i, b_j, ...) in lexicographic order, one per row; one input is returned."""
    tensors = _tensor_args((tensors,), "cartesian_prod")    # no list form, unlike meshgrid
    for t in tensors:
        _check_vector(t, "cartesian_prod")
    if len(tensors) == 1:
        return tensors[0]
    grids = meshgrid(tensors, indexing="ij")
    return stack([reshape(grid, (-1,)) for grid in grids], 1)


@public("combinations", method=False)
def combinations(input, r=2, with_replacement=False):
    """Every length-r choice of input's elements by increasing position, one per row
    (itertools.combinations, or combinations_with_replacement); r = 0 gives an empty vector."""
    _check_vector(input, "combinations")
    r = as_index(r, "r", "combinations")
    if r < 0:
        raise InvalidArgumentRuntime(f"combinations: Expect a non-negative number, but got {r}")
    if r == 0:
        return input.new_zeros((0,))
    choose = itertools.combinations_with_replacement if with_replacement else \
        itertools.combinations
    rows = list(choose(range(input.shape[0]), r))
    from .creation import tensor
    positions = tensor([p for row in rows for p in row], dtype=dt.int64, device=input.device)
    return input[reshape(positions, (len(rows), r))]


__all__ = ["meshgrid", "block_diag", "cartesian_prod", "combinations"]
