"""Shape ops that copy: joining (cat, stack, hstack, ...), reversing (flip, roll, rot90).

cat, flip and roll are ops with a pure-Python reference, a gradient and a decomposition into
primitives (writes through strided views, advanced indexing); the stacking functions,
atleast_Nd, fliplr/flipud and rot90 are compositions of torsh ops (so their gradients come
for free). Views (reshape, permute, narrow, ...) live in `movement.py` and are reused here.
Repeats are in `shape_repeat.py`, triangles and diagonals in `shape_tri.py`, grids and
combinations in `shape_combine.py`.
"""
from __future__ import annotations

import math

from .._core.errors import (IndexOutOfRange, InvalidArgument, InvalidArgumentRuntime,
                            ShapeMismatch)
from .._core.shape import as_index, normalize_dim
from ..dispatch import dispatch
from ..tensor import Tensor
from ._array import Array, indices, position
from ._elementwise_base import _maybe_out
from ._op import PROMOTE_DEFAULT, PROMOTE_NONE, Op, Out, method_only, public, register
from .creation import arange
from .index_ops import index_along
from .movement import narrow, reshape, unsqueeze
from .strided import as_strided_scatter


def tensor_list(tensors, op: str, empty_error=None) -> list:
    """The `tensors` argument of cat/stack/...: a non-empty sequence of Tensors."""
    if isinstance(tensors, Tensor) or not isinstance(tensors, (list, tuple)):
        raise TypeError(f"{op}(): argument 'tensors' (position 1) must be tuple of Tensors, "
                        f"not {type(tensors).__name__}")
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise TypeError(f"{op}(): expected Tensor as element {i} in argument 0, but got "
                            f"{type(t).__name__}")
    if not tensors:
        raise (empty_error or InvalidArgument(f"torch.{op}(): expected a non-empty list of "
                                              f"Tensors"))
    return list(tensors)


def dim_arg(dim, op: str) -> int:
    """An int `dim` argument (TypeError for None, floats, ...)."""
    if isinstance(dim, bool) or not hasattr(dim, "__index__"):
        raise TypeError(f"{op}(): argument 'dim' must be int, not {type(dim).__name__}")
    return as_index(dim, "dim", op)


# ------------------------------------------------------------ cat

def _legacy_empty(shape) -> bool:
    """A 1-D tensor of size 0: cat skips it whatever the other shapes (PyTorch's legacy rule)."""
    return tuple(shape) == (0,)


def _cat_meta(*tensors, dim):
    kept = [(i, t) for i, t in enumerate(tensors) if not _legacy_empty(t._shape)]
    if not kept:
        return Out((0,), tensors[0].dtype)
    first = kept[0][1]
    size = 0
    for i, t in kept:
        if t.ndim != first.ndim:
            raise ShapeMismatch(f"cat(): Tensors must have same number of dimensions: got "
                                f"{first.ndim} and {t.ndim}")
        for d, (n, m) in enumerate(zip(first._shape, t._shape)):
            if d != dim and n != m:
                raise ShapeMismatch(f"cat(): Sizes of tensors must match except in dimension "
                                    f"{dim}. Expected size {n} but got size {m} for tensor "
                                    f"number {i} in the list.")
        size += t._shape[dim]
    return Out(first._shape[:dim] + (size,) + first._shape[dim + 1:], first.dtype)


def _cat_reference(*arrays, dim):
    """Row-major: per outer index, each input adds a block of prod(shape[dim:]) elements."""
    kept = [a for a in arrays if not _legacy_empty(a.shape)]
    if not kept:
        return Array([], (0,))
    shape = list(kept[0].shape)
    shape[dim] = sum(a.shape[dim] for a in kept)
    data = []
    for outer in range(math.prod(shape[:dim])):
        for a in kept:
            block = math.prod(a.shape[dim:])
            data.extend(a.data[outer * block:(outer + 1) * block])
    return Array(data, shape)


def write_through(base: Tensor, view: Tensor, values: Tensor) -> Tensor:
    """base (a fresh row-major tensor) with `values` written where `view` of it looks."""
    return as_strided_scatter(base, values, view.shape, view.stride(), view.storage_offset())


def _cat_decompose(*tensors, dim):
    """Zeros of the output's shape, with each input written over its own slice along dim."""
    out = tensors[0].new_zeros(_cat_meta(*tensors, dim=dim).shape)
    start = 0
    for t in tensors:
        if not _legacy_empty(t._shape):
            out = write_through(out, narrow(out, dim, start, t._shape[dim]), t)
            start += t._shape[dim]
    return out


def _cat_grad(ctx, g):
    """Each input gets its own slice of the gradient along dim (cat's inverse: split)."""
    grads, start = [], 0
    for shape, needs in zip(ctx.input_shapes, ctx.needs_input_grad):
        if _legacy_empty(shape):
            grads.append(g.new_zeros((0,)) if needs else None)
            continue
        grads.append(narrow(g, ctx.dim, start, shape[ctx.dim]) if needs else None)
        start += shape[ctx.dim]
    return tuple(grads)


_CAT = register(Op(
    "cat", meta=_cat_meta, reference=_cat_reference, backward=_cat_grad,
    decompose=_cat_decompose, promote=PROMOTE_DEFAULT, saves_inputs=False,
    doc="The inputs joined along dim, in order; dtypes promote as for binary ops. 1-D inputs "
        "of size 0 are skipped whatever the other shapes (legacy); all others must match "
        "except along dim. Gradient: the matching slice of the output gradient."))


def _cat_dim(tensors, dim, op: str) -> int:
    """Wrap dim against the first input that is not a legacy empty tensor."""
    dim = dim_arg(dim, op)
    for i, t in enumerate(tensors):
        if t.ndim == 0:
            raise InvalidArgumentRuntime(f"{op}(): zero-dimensional tensor (at position {i}) "
                                         f"cannot be concatenated")
    shaped = [t for t in tensors if not _legacy_empty(t._shape)]
    return normalize_dim(dim, shaped[0].ndim, op) if shaped else dim


@public("cat", "concat", method=False)
def cat(tensors, dim=0, *, out=None):
    """cat(tensors, dim=0): the tensors joined along an existing dim."""
    tensors = tensor_list(tensors, "cat")
    dim = _cat_dim(tensors, dim, "cat")
    return _maybe_out(dispatch(_CAT, *tensors, dim=dim), out)


@public("concatenate", method=False)
def concatenate(tensors, axis=0, out=None):
    """Alias of cat with numpy's argument name."""
    return cat(tensors, axis, out=out)


# ------------------------------------------------------------ flip

def _flip_reference(a, dims):
    """out[i] = a[i with i_d -> n_d - 1 - i_d for each d in dims]."""
    strides = a.strides()
    data = []
    for index in indices(a.shape):
        source = [a.shape[d] - 1 - i if d in dims else i for d, i in enumerate(index)]
        data.append(a.data[position(source, strides)])
    return Array(data, a.shape)


def _flip_decompose(x, dims):
    """x read along each d in dims at positions n_d - 1, ..., 1, 0."""
    out = x
    for d in dims:
        out = index_along(out, d, arange(x.shape[d] - 1, -1, -1, device=x.device))
    return out if dims else x.clone()


_FLIP = register(Op(
    "flip", meta=lambda x, dims: Out(x._shape, x.dtype), reference=_flip_reference,
    decompose=_flip_decompose,
    backward=lambda ctx, g: (dispatch(_FLIP, g, dims=ctx.dims),), promote=PROMOTE_NONE,
    saves_inputs=False,
    doc="The elements in reverse order along each of dims (a copy). Gradient: flip again."))


def _flip_dims(input, dims, op="flip"):
    """dims wrapped and checked for repeats; a 0-d tensor has nothing to flip."""
    if len(dims) == 1 and isinstance(dims[0], (list, tuple)):
        dims = dims[0]
    wrapped = [normalize_dim(d, input.ndim, op) for d in dims]
    for d in wrapped:
        if wrapped.count(d) > 1:
            raise InvalidArgumentRuntime(f"{op}(): dim {d} appears multiple times in the list "
                                         f"of dims")
    return tuple(sorted(wrapped)) if input.ndim else ()


@public("flip", method=False)
def flip(input, dims):
    """flip(input, dims): reverse the order of elements along each dim in dims."""
    if not isinstance(dims, (list, tuple)):
        raise TypeError(f"flip(): argument 'dims' (position 2) must be tuple of ints, not "
                        f"{type(dims).__name__}")
    return dispatch(_FLIP, input, dims=_flip_dims(input, tuple(dims)))


@method_only("flip")
def _flip_method(self, *dims):
    if not dims:
        raise TypeError('flip() missing 1 required positional arguments: "dims"')
    return dispatch(_FLIP, self, dims=_flip_dims(self, dims))


@public("fliplr")
def fliplr(input):
    """Reverse the columns (dim 1); needs at least 2 dims."""
    if input.ndim < 2:
        raise InvalidArgumentRuntime("fliplr(): Input must be >= 2-d.")
    return flip(input, (1,))


@public("flipud")
def flipud(input):
    """Reverse the rows (dim 0); needs at least 1 dim."""
    if input.ndim < 1:
        raise InvalidArgumentRuntime("flipud(): Input must be >= 1-d.")
    return flip(input, (0,))


# ------------------------------------------------------------ roll

def _roll_reference(a, shifts, dims):
    """out[i] = a[i with i_d -> (i_d - shift_d) mod n_d for each d in dims]."""
    strides = a.strides()
    shift_of = dict(zip(dims, shifts))
    data = []
    for index in indices(a.shape):
        source = [(i - shift_of[d]) % a.shape[d] if d in shift_of else i
                  for d, i in enumerate(index)]
        data.append(a.data[position(source, strides)])
    return Array(data, a.shape)


def _roll_decompose(x, shifts, dims):
    """x read along each d in dims at positions (i - shift_d) mod n_d."""
    out = x
    for shift, d in zip(shifts, dims):
        n = x.shape[d]
        if n:
            out = index_along(out, d, (arange(n, device=x.device) - shift) % n)
    return out if out is not x else x.clone()


_ROLL = register(Op(
    "roll", meta=lambda x, shifts, dims: Out(x._shape, x.dtype), reference=_roll_reference,
    decompose=_roll_decompose,
    backward=lambda ctx, g: (dispatch(_ROLL, g, shifts=tuple(-k for k in ctx.shifts),
                                      dims=ctx.dims),),
    promote=PROMOTE_NONE, saves_inputs=False,
    doc="Elements shifted cyclically by shifts[j] places along dims[j] (those pushed off the "
        "end come back at the start). Gradient: roll back by -shifts."))


def _int_tuple(value, what: str, op: str) -> tuple:
    if isinstance(value, (list, tuple)):
        return tuple(as_index(v, what, op) for v in value)
    if isinstance(value, float):
        raise TypeError(f"{op}(): argument '{what}' (position 2) must be tuple of ints, not "
                        f"float")
    return (as_index(value, what, op),)


@public("roll")
def roll(input, shifts, dims=None):
    """roll(input, shifts, dims=None): cyclic shift along dims; no dims: of the flattened input."""
    shifts = _int_tuple(shifts, "shifts", "roll")
    dims = () if dims is None else _int_tuple(dims, "dims", "roll")
    if not shifts:
        raise InvalidArgumentRuntime("roll(): `shifts` required")
    if not dims and len(shifts) == 1:
        flat = reshape(input, (-1,))
        return reshape(dispatch(_ROLL, flat, shifts=shifts, dims=(0,)), input.shape)
    if len(shifts) != len(dims):
        raise InvalidArgumentRuntime(f"roll(): shifts and dimensions must align. shifts: "
                                     f"{len(shifts)}, dims:{len(dims)}")
    if input.ndim == 0:
        raise IndexOutOfRange(f"roll(): Dimension specified as {dims[0]} but tensor has no "
                              f"dimensions")
    total: dict[int, int] = {}
    for shift, dim in zip(shifts, dims):
        d = normalize_dim(dim, input.ndim, "roll")
        total[d] = total.get(d, 0) + shift
    dims = tuple(sorted(total))
    return dispatch(_ROLL, input, shifts=tuple(total[d] for d in dims), dims=dims)


# ------------------------------------------------------------ rot90 (a composition)

@public("rot90")
def rot90(input, k=1, dims=(0, 1)):
    """Rotate by k * 90 degrees in the plane of dims, from dims[0] towards dims[1].

    k = 1: flip dims[1], then swap the two dims; k = 2: flip both; k = 3: flip dims[0], swap.
    """
    dims = list(dims)
    if len(dims) != 2:
        raise InvalidArgumentRuntime(f"rot90(): expected total rotation dims == 2, but got "
                                     f"dims = {len(dims)}")
    if input.ndim < 2:
        raise InvalidArgumentRuntime(f"rot90(): expected total dims >= 2, but got total dims = "
                                     f"{input.ndim}")
    d0, d1 = (normalize_dim(d, input.ndim, "rot90") for d in dims)
    if d0 == d1:
        raise InvalidArgumentRuntime(f"rot90(): expected rotation dims to be different, but got "
                                     f"dim0 = {d0} and dim1 = {d1}")
    k = as_index(k, "k", "rot90") % 4
    if k == 1:
        return flip(input, (d1,)).transpose(d0, d1)
    if k == 2:
        return flip(input, (d0, d1))
    if k == 3:
        return flip(input, (d0,)).transpose(d0, d1)
    return input.clone()


# ------------------------------------------------------------ stacking (compositions)

def _non_empty(tensors, op: str) -> list:
    empty = InvalidArgumentRuntime(f"{op} expects a non-empty TensorList")
    return tensor_list(tensors, op, empty_error=empty)


@public("stack", method=False)
def stack(tensors, dim=0, *, out=None):
    """Join equally shaped tensors along a new dim: cat of each unsqueezed at dim."""
    tensors = _non_empty(tensors, "stack")
    dim = normalize_dim(dim_arg(dim, "stack"), tensors[0].ndim + 1, "stack")
    for i, t in enumerate(tensors):
        if t._shape != tensors[0]._shape:
            raise ShapeMismatch(f"stack expects each tensor to be equal size, but got "
                                f"{list(tensors[0].shape)} at entry 0 and {list(t.shape)} at "
                                f"entry {i}")
    return cat([unsqueeze(t, dim) for t in tensors], dim, out=out)


@public("hstack", method=False)
def hstack(tensors, *, out=None):
    """Join along dim 1 (dim 0 for 1-D inputs), after atleast_1d."""
    tensors = atleast_1d(_non_empty(tensors, "hstack"))
    return cat(tensors, 0 if tensors[0].ndim == 1 else 1, out=out)


@public("vstack", "row_stack", method=False)
def vstack(tensors, *, out=None):
    """Join along dim 0, after atleast_2d (a 1-D tensor becomes one row)."""
    return cat(atleast_2d(_non_empty(tensors, "vstack")), 0, out=out)


@public("dstack", method=False)
def dstack(tensors, *, out=None):
    """Join along dim 2, after atleast_3d."""
    return cat(atleast_3d(_non_empty(tensors, "dstack")), 2, out=out)


@public("column_stack", method=False)
def column_stack(tensors, *, out=None):
    """Join along dim 1; 0-d and 1-D tensors become columns first."""
    tensors = _non_empty(tensors, "column_stack")
    columns = [reshape(t, (t.numel(), 1)) if t.ndim <= 1 else t for t in tensors]
    return cat(columns, 1, out=out)


def _atleast(tensors, op: str, make):
    """One tensor -> one result; several (or a sequence) -> a tuple of results."""
    if len(tensors) == 1 and isinstance(tensors[0], Tensor):
        return make(tensors[0])
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tensors[0]
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise TypeError(f"{op}(): expected Tensor as element {i} in argument 0, but got "
                            f"{type(t).__name__}")
    return tuple(make(t) for t in tensors)


def _at_least_1d(t):
    return reshape(t, (1,)) if t.ndim == 0 else t


def _at_least_2d(t):
    return reshape(t, (1,) * (2 - t.ndim) + tuple(t.shape)) if t.ndim < 2 else t


def _at_least_3d(t):
    """0-d -> (1, 1, 1); (n,) -> (1, n, 1); (m, n) -> (m, n, 1)."""
    if t.ndim == 0:
        return reshape(t, (1, 1, 1))
    if t.ndim == 1:
        return reshape(t, (1, t.shape[0], 1))
    return unsqueeze(t, 2) if t.ndim == 2 else t


@public("atleast_1d", method=False)
def atleast_1d(*tensors):
    """Each tensor with at least 1 dim (0-d becomes shape (1,)); others returned as they are."""
    return _atleast(tensors, "atleast_1d", _at_least_1d)


@public("atleast_2d", method=False)
def atleast_2d(*tensors):
    """Each tensor with at least 2 dims (size-1 dims added in front)."""
    return _atleast(tensors, "atleast_2d", _at_least_2d)


@public("atleast_3d", method=False)
def atleast_3d(*tensors):
    """Each tensor with at least 3 dims, numpy's way: (n,) -> (1, n, 1), (m, n) -> (m, n, 1)."""
    return _atleast(tensors, "atleast_3d", _at_least_3d)


__all__ = ["cat", "concatenate", "flip", "fliplr", "flipud", "roll", "rot90", "stack",
           "hstack", "vstack", "dstack", "column_stack", "atleast_1d", "atleast_2d",
           "atleast_3d", "tensor_list", "dim_arg", "write_through"]
