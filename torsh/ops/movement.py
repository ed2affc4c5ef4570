"""View ops: new shape, strides and offset over the same storage, no data copied. (Splitting
into several views, unbind / split / chunk / tensor_split, is in `shape_split.py`.)

Each view is declared by its geometry function `(tensor, **params) -> (shape, strides, offset)`.
A write through the view is visible in its base, as in PyTorch. The gradient of every view is
the same general rule — scatter the output gradient back through the view's geometry into
zeros shaped like the input — with cheaper exact forms for reshape, permute and expand.
"""
from __future__ import annotations

from .._core.errors import IndexOutOfRange, InvalidArgumentRuntime, ShapeMismatch
from .._core.shape import as_index, broadcast_shapes, contiguous_strides, normalize_dim, numel
from ..dispatch import dispatch
from ..tensor import Tensor
from ._op import METHODS, method_only, public
from .strided import _reshape_grad, view_op


# ------------------------------------------------------------ view / reshape

def _infer_size(shape, count: int, op: str) -> tuple:
    """Replace one -1 in `shape` so that the product is `count`."""
    shape = list(shape)
    unknown = [i for i, n in enumerate(shape) if n == -1]
    if len(unknown) > 1:
        raise InvalidArgumentRuntime(f"{op}: only one dimension can be inferred")
    if any(n < -1 for n in shape):
        raise InvalidArgumentRuntime(f"{op}: invalid shape dimension {min(shape)}")
    known = numel([n for n in shape if n != -1])
    if unknown:
        if known == 0 or count % known:
            raise ShapeMismatch(f"{op}: shape '{shape}' is invalid for input of size {count}")
        shape[unknown[0]] = count // known
    elif known != count:
        raise ShapeMismatch(f"{op}: shape '{shape}' is invalid for input of size {count}")
    return tuple(shape)


def view_strides(old_shape, old_strides, new_shape):
    """Strides that show the same elements in `new_shape` without copying, or None.

    Dims of the old shape are grouped into runs that are contiguous with each other; each run
    can be re-split into new dims of the same total size (PyTorch's computeStride).
    """
    if numel(old_shape) == 0:
        return contiguous_strides(new_shape)
    if not old_shape:
        old_shape, old_strides = (1,), (1,)
    new_strides = [0] * len(new_shape)
    view_d = len(new_shape) - 1
    chunk_base_stride = old_strides[-1] if old_strides else 1
    tensor_numel, view_numel = 1, 1
    for tensor_d in range(len(old_shape) - 1, -1, -1):
        tensor_numel *= old_shape[tensor_d]
        if tensor_d == 0 or (old_shape[tensor_d - 1] != 1 and old_strides[tensor_d - 1]
                             != tensor_numel * chunk_base_stride):
            while view_d >= 0 and (view_numel < tensor_numel or new_shape[view_d] == 1):
                new_strides[view_d] = view_numel * chunk_base_stride
                view_numel *= new_shape[view_d]
                view_d -= 1
            if view_numel != tensor_numel:
                return None
            if tensor_d > 0:
                chunk_base_stride = old_strides[tensor_d - 1]
                tensor_numel, view_numel = 1, 1
    if view_d != -1:
        return None
    return tuple(new_strides)


def _view_geometry(x, shape):
    """The same elements seen with another shape (one -1 is inferred)."""
    shape = _infer_size(shape, x.numel(), "view")
    strides = view_strides(x._shape, x._stride, shape)
    if strides is None:
        raise ShapeMismatch(f"view size is not compatible with input tensor's size and stride "
                            f"(at least one dimension spans across two contiguous subspaces). "
                            f"Use .reshape(...) instead. (input {list(x.shape)}, requested "
                            f"{list(shape)})")
    return shape, strides, x._offset


_VIEW = view_op("view", _view_geometry, _reshape_grad)


@method_only("view")
def view(self, *shape):
    if len(shape) == 1 and not isinstance(shape[0], (tuple, list, int)) and hasattr(
            shape[0], "numpy") is False and not isinstance(shape[0], Tensor):
        raise TypeError(f"view(): expected a shape, got {shape[0]!r}")
    return dispatch(_VIEW, self, shape=_shape_arg(shape, "view"))


def _shape_arg(args, op):
    if len(args) == 1 and isinstance(args[0], (tuple, list)):
        args = args[0]
    return tuple(as_index(a, "size", op) for a in args)


@public("reshape")
def reshape(input, *shape):
    """A view when the strides allow it, else a copy, with the requested shape."""
    shape = _infer_size(_shape_arg(shape, "reshape"), input.numel(), "reshape")
    if view_strides(input._shape, input._stride, shape) is None:
        input = input.contiguous()
    return dispatch(_VIEW, input, shape=shape)


@method_only("view_as")
def view_as(self, other):
    return view(self, tuple(other.shape))


@method_only("reshape_as")
def reshape_as(self, other):
    return reshape(self, tuple(other.shape))


@public("flatten")
def flatten(input, start_dim=0, end_dim=-1):
    """Merge dims start_dim..end_dim into one."""
    start = normalize_dim(start_dim, input.ndim, "flatten")
    end = normalize_dim(end_dim, input.ndim, "flatten")
    if input.ndim == 0:
        return reshape(input, (1,))
    if start > end:
        raise InvalidArgumentRuntime("flatten() has invalid args: start_dim cannot come after "
                                     "end_dim")
    shape = input.shape
    return reshape(input, shape[:start] + (numel(shape[start:end + 1]),) + shape[end + 1:])


@public("unflatten")
def unflatten(input, dim, sizes):
    """Split dim into `sizes` (one may be -1)."""
    dim = normalize_dim(dim, input.ndim, "unflatten")
    sizes = _infer_size(tuple(sizes), input.shape[dim], "unflatten")
    return reshape(input, input.shape[:dim] + sizes + input.shape[dim + 1:])


@public("ravel")
def ravel(input):
    return reshape(input, (-1,))


# ------------------------------------------------------------ squeeze / unsqueeze

def _squeeze_geometry(x, dims):
    """Drop the listed dims that have size 1."""
    keep = [d for d in range(x.ndim) if not (d in dims and x._shape[d] == 1)]
    return (tuple(x._shape[d] for d in keep), tuple(x._stride[d] for d in keep), x._offset)


_SQUEEZE = view_op("squeeze", _squeeze_geometry, _reshape_grad)


@public("squeeze")
def squeeze(input, dim=None):
    if dim is None:
        dims = tuple(range(input.ndim))
    elif isinstance(dim, (tuple, list)):
        dims = tuple(normalize_dim(d, input.ndim, "squeeze") for d in dim)
        if len(set(dims)) != len(dims):
            raise InvalidArgumentRuntime(f"squeeze: dim {dims[0]} appears multiple times in the "
                                         f"list of dims {list(dim)}")
    else:
        dims = (normalize_dim(dim, input.ndim, "squeeze"),)
    return dispatch(_SQUEEZE, input, dims=dims)


def _unsqueeze_geometry(x, dim):
    """Insert a size-1 dim at `dim`."""
    stride = x._stride[dim] * x._shape[dim] if dim < x.ndim else 1
    return (x._shape[:dim] + (1,) + x._shape[dim:], x._stride[:dim] + (stride,) +
            x._stride[dim:], x._offset)


_UNSQUEEZE = view_op("unsqueeze", _unsqueeze_geometry, _reshape_grad)


@public("unsqueeze")
def unsqueeze(input, dim):
    return dispatch(_UNSQUEEZE, input, dim=normalize_dim(dim, input.ndim + 1, "unsqueeze"))


# ------------------------------------------------------------ permutations

def _permute_geometry(x, dims):
    """Reorder dims: out dim i is input dim dims[i]."""
    return (tuple(x._shape[d] for d in dims), tuple(x._stride[d] for d in dims), x._offset)


def _permute_grad(ctx, g):
    inverse = [0] * len(ctx.dims)
    for i, d in enumerate(ctx.dims):
        inverse[d] = i
    return (g.permute(inverse),)


_PERMUTE = view_op("permute", _permute_geometry, _permute_grad)


@public("permute")
def permute(input, *dims):
    dims = _shape_arg(dims, "permute")
    if len(dims) != input.ndim:
        raise InvalidArgumentRuntime(f"permute(sparse_coo): number of dimensions in the tensor "
                                     f"input does not match the length of the desired ordering "
                                     f"of dimensions i.e. input.dim() = {input.ndim} is not "
                                     f"equal to len(dims) = {len(dims)}"
                                     .replace("(sparse_coo)", ""))
    dims = tuple(normalize_dim(d, input.ndim, "permute") for d in dims)
    if len(set(dims)) != len(dims):
        raise InvalidArgumentRuntime(f"permute: repeated dim in {list(dims)}")
    return dispatch(_PERMUTE, input, dims=dims)


@public("transpose", "swapaxes", "swapdims")
def transpose(input, dim0, dim1):
    """Swap two dims."""
    ndim = input.ndim
    if ndim == 0:
        normalize_dim(dim0, 0, "transpose"), normalize_dim(dim1, 0, "transpose")
        return dispatch(_PERMUTE, input, dims=())
    d0, d1 = normalize_dim(dim0, ndim, "transpose"), normalize_dim(dim1, ndim, "transpose")
    dims = list(range(ndim))
    dims[d0], dims[d1] = d1, d0
    return dispatch(_PERMUTE, input, dims=tuple(dims))


@public("t")
def t(input):
    """Transpose of a matrix; 0-d and 1-D tensors are returned as they are."""
    if input.ndim > 2:
        raise InvalidArgumentRuntime(f"t() expects a tensor with <= 2 dimensions, but self is "
                                     f"{input.ndim}D")
    return transpose(input, 0, 1) if input.ndim == 2 else dispatch(
        _PERMUTE, input, dims=tuple(range(input.ndim)))


@public("movedim", "moveaxis")
def movedim(input, source, destination):
    """Move dims `source` to positions `destination`, keeping the others in order."""
    source = source if isinstance(source, (tuple, list)) else (source,)
    destination = destination if isinstance(destination, (tuple, list)) else (destination,)
    if len(source) != len(destination):
        raise InvalidArgumentRuntime(f"movedim: Invalid source or destination dims: source "
                                     f"({list(source)} dims) should contain the same number of "
                                     f"dims as destination ({list(destination)} dims)")
    ndim = input.ndim
    src = [normalize_dim(d, ndim, "movedim") for d in source]
    dst = [normalize_dim(d, ndim, "movedim") for d in destination]
    for name, dims in (("source", src), ("destination", dst)):
        if len(set(dims)) != len(dims):
            raise InvalidArgumentRuntime(f"movedim: repeated dim in `{name}` ({list(dims)})")
    if ndim == 0:
        return dispatch(_PERMUTE, input, dims=())
    order = [None] * ndim
    for s, d in zip(src, dst):
        order[d] = s
    rest = iter(d for d in range(ndim) if d not in src)
    order = [d if d is not None else next(rest) for d in order]
    return dispatch(_PERMUTE, input, dims=tuple(order))


def _reversed_dims(self):
    return dispatch(_PERMUTE, self, dims=tuple(reversed(range(self.ndim))))


def _matrix_transpose(self, name="tensor.mT"):
    if self.ndim < 2:
        raise InvalidArgumentRuntime(f"{name} is only supported on matrices or batches of "
                                     f"matrices. Got {self.ndim}-D tensor.")
    return transpose(self, -2, -1)


@public("adjoint")
def adjoint(input):
    """The transpose of the last two dims (the conjugate is the identity on real dtypes)."""
    return _matrix_transpose(input, "adjoint()")


METHODS["T"] = property(_reversed_dims)
METHODS["mT"] = property(_matrix_transpose)
METHODS["H"] = property(_reversed_dims)
METHODS["mH"] = property(lambda self: _matrix_transpose(self, "tensor.mH"))


# ------------------------------------------------------------ expand

def _expand_geometry(x, shape):
    """Repeat size-1 dims (stride 0) and add leading dims; -1 keeps a size."""
    lead = len(shape) - x.ndim
    if lead < 0:
        raise InvalidArgumentRuntime(f"expand: the number of sizes provided ({len(shape)}) must "
                                     f"be greater or equal to the number of dimensions in the "
                                     f"tensor ({x.ndim})")
    sizes, strides = [], []
    for i, size in enumerate(shape):
        if i < lead:
            if size < 0:
                raise InvalidArgumentRuntime(f"expand: the expanded size {size} is not allowed "
                                             f"in a leading, non-existing dimension {i}")
            sizes.append(size)
            strides.append(0)
            continue
        old, stride = x._shape[i - lead], x._stride[i - lead]
        if size == -1 or size == old:
            sizes.append(old)
            strides.append(stride)
        elif old == 1:
            sizes.append(size)
            strides.append(0)
        else:
            raise ShapeMismatch(f"expand: The expanded size of the tensor ({size}) must match "
                                f"the existing size ({old}) at non-singleton dimension {i}.  "
                                f"Target sizes: {list(shape)}.  Tensor sizes: {list(x.shape)}")
    return tuple(sizes), tuple(strides), x._offset


_EXPAND = view_op("expand", _expand_geometry, lambda ctx, g: (g,))


@method_only("expand")
def expand(self, *sizes):
    return dispatch(_EXPAND, self, shape=_shape_arg(sizes, "expand"))


@method_only("expand_as")
def expand_as(self, other):
    return expand(self, tuple(other.shape))


@public("broadcast_to")
def broadcast_to(input, size):
    return expand(input, tuple(size))


@public("broadcast_tensors", method=False)
def broadcast_tensors(*tensors):
    shape = broadcast_shapes(*(t._shape for t in tensors), op="broadcast_tensors")
    return tuple(expand(t, shape) for t in tensors)


@public("broadcast_shapes", method=False)
def broadcast_shapes_(*shapes):
    from .._core.shape import Size
    return Size(broadcast_shapes(*(tuple(s) if isinstance(s, (tuple, list)) else (s,)
                                   for s in shapes)))


# ------------------------------------------------------------ slicing

def _slice_geometry(x, dim, start, stop, step):
    """Elements start, start+step, ... < stop along dim (already clipped to the size)."""
    length = max(0, (stop - start + step - 1) // step)
    shape = x._shape[:dim] + (length,) + x._shape[dim + 1:]
    strides = x._stride[:dim] + (x._stride[dim] * step,) + x._stride[dim + 1:]
    offset = x._offset + (start * x._stride[dim] if length else 0)
    return shape, strides, offset


_SLICE = view_op("slice", _slice_geometry)


def slice_dim(input, dim, start, stop, step=1):
    """input[..., start:stop:step, ...] on dim, with Python's clipping of start and stop."""
    if step <= 0:
        raise InvalidArgumentRuntime("slice step must be positive")
    start, stop, _ = slice(start, stop).indices(input._shape[dim])
    stop = max(stop, start)
    return dispatch(_SLICE, input, dim=dim, start=start, stop=stop, step=step)


@public("narrow")
def narrow(input, dim, start, length):
    """`length` elements of dim from `start` (start may be negative)."""
    if input.ndim == 0:
        raise InvalidArgumentRuntime("narrow() cannot be applied to a 0-dim tensor.")
    dim = normalize_dim(dim, input.ndim, "narrow")
    size = input._shape[dim]
    start = as_index(start, "start", "narrow")
    if not -size <= start <= size:
        raise IndexOutOfRange(f"narrow(): start out of range (expected to be in range of "
                              f"[{-size}, {size}], but got {start})")
    start = start + size if start < 0 else start
    if length < 0:
        raise InvalidArgumentRuntime("narrow(): length must be non-negative.")
    if start + length > size:
        raise InvalidArgumentRuntime(f"narrow(): start ({start}) + length ({length}) exceeds "
                                     f"dimension size ({size}).")
    return dispatch(_SLICE, input, dim=dim, start=start, stop=start + length, step=1)


def _select_geometry(x, dim, index):
    """Drop dim, fixing its index."""
    return (x._shape[:dim] + x._shape[dim + 1:], x._stride[:dim] + x._stride[dim + 1:],
            x._offset + index * x._stride[dim])


_SELECT = view_op("select", _select_geometry)


@public("select")
def select(input, dim, index):
    if input.ndim == 0:
        raise IndexOutOfRange("select() cannot be applied to a 0-dim tensor.")
    dim = normalize_dim(dim, input.ndim, "select")
    size = input._shape[dim]
    index = as_index(index, "index", "select")
    if not -size <= index < size:
        raise IndexOutOfRange(f"select(): index {index} out of range for tensor of size "
                              f"{list(input.shape)} at dimension {dim}")
    return dispatch(_SELECT, input, dim=dim, index=index % size)


# ------------------------------------------------------------ diagonal, unfold

def _diagonal_geometry(x, offset, dim1, dim2):
    """Elements (i, i + offset) of dims dim1, dim2, as a new last dim."""
    n1, n2 = x._shape[dim1], x._shape[dim2]
    length = max(0, min(n1, n2 - offset) if offset >= 0 else min(n1 + offset, n2))
    start = x._offset
    if length:
        start += offset * x._stride[dim2] if offset >= 0 else -offset * x._stride[dim1]
    keep = [d for d in range(x.ndim) if d not in (dim1, dim2)]
    return (tuple(x._shape[d] for d in keep) + (length,),
            tuple(x._stride[d] for d in keep) + (x._stride[dim1] + x._stride[dim2],), start)


_DIAGONAL = view_op("diagonal", _diagonal_geometry)


@public("diagonal")
def diagonal(input, offset=0, dim1=0, dim2=1):
    d1 = normalize_dim(dim1, input.ndim, "diagonal")
    d2 = normalize_dim(dim2, input.ndim, "diagonal")
    if d1 == d2:
        raise InvalidArgumentRuntime(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    return dispatch(_DIAGONAL, input, offset=offset, dim1=d1, dim2=d2)


def _unfold_geometry(x, dimension, size, step):
    """Windows of `size` every `step` along dimension, as a new last dim."""
    if x.ndim == 0:
        return (size,), (1,), x._offset
    count = (x._shape[dimension] - size) // step + 1
    shape = x._shape[:dimension] + (count,) + x._shape[dimension + 1:] + (size,)
    strides = (x._stride[:dimension] + (x._stride[dimension] * step,) +
               x._stride[dimension + 1:] + (x._stride[dimension],))
    return shape, strides, x._offset


_UNFOLD = view_op("unfold", _unfold_geometry)


@method_only("unfold")
def unfold(self, dimension, size, step):
    dim = normalize_dim(dimension, self.ndim, "unfold")
    length = self._shape[dim] if self.ndim else 1
    if size < 0:
        raise InvalidArgumentRuntime(f"unfold: size is {size} but must be >= 0")
    if size > length:
        raise InvalidArgumentRuntime(f"maximum size for tensor at dimension {dim} is {length} "
                                     f"but size is {size}")
    if step <= 0:
        raise InvalidArgumentRuntime(f"step is {step} but must be > 0")
    return dispatch(_UNFOLD, self, dimension=dim, size=size, step=step)
