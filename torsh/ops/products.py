"""The matrix-product family around matmul: addmm and its kin (with in-place forms), inner,
outer, tensordot, kron, cross and chain_matmul (linalg.multi_dot is in torsh.linalg, einsum in
`einsum.py`).

Most are compositions of matmul, mul, sum and views, so their gradients come from those ops.
Two are ops of their own: `add_scaled` (beta * input + alpha * product, the tail of every
addmm-like op, because beta = 0 must ignore NaN in the input) and `cross`.
Integer products keep their dtype and wrap; bool is refused wherever PyTorch multiplies
matrices (addr, outer and kron accept it).
"""
from __future__ import annotations

import math

from .._core import dtype as dt
from .._core.errors import DTypeRuntimeError, InvalidArgumentRuntime, ShapeMismatch
from .._core.shape import broadcast_shapes, normalize_dim
from ..dispatch import check_inplace_target, dispatch, write_into
from ._array import Array, broadcast_to, lanes, zip_elements
from ._elementwise_base import _maybe_out
from ._op import PROMOTE_DEFAULT, Op, Out, public, register
from .matmul import matmul
from .reduce import fresh, widened

# ------------------------------------------------------------ checks shared by the family


def _require_ndim(name, tensor, ndims, which):
    if tensor.ndim not in ndims:
        wanted = " or ".join(f"{n}-D" for n in ndims)
        raise InvalidArgumentRuntime(f"{name}: {which} must be a {wanted} tensor, got "
                                     f"{tensor.ndim}-D")


def same_dtype(name, *tensors):
    """Raise DTypeRuntimeError unless every tensor has the same dtype (no promotion here)."""
    dtypes = [t.dtype for t in tensors]
    if any(d is not dtypes[0] for d in dtypes):
        raise DTypeRuntimeError(f"{name}: input tensors must have the same dtype, but got "
                                f"{', '.join(d.name for d in dtypes)}")


def refuse_bool(name, tensor):
    """Raise DTypeRuntimeError for a bool tensor, as PyTorch's matmul-based kernels do."""
    if tensor.dtype is dt.bool_:
        raise DTypeRuntimeError(f"{name}: \"{name}\" not implemented for 'Bool'")




def _check_expands(name, input, shape):
    """PyTorch expands `input` to the product's shape: each size must match or be 1."""
    fits = input.ndim <= len(shape) and all(
        n in (1, m) for n, m in zip(reversed(input.shape), reversed(shape)))
    if not fits:
        raise ShapeMismatch(f"{name}: the input of shape {list(input.shape)} cannot be expanded "
                            f"to the product's shape {list(shape)}")


def _integral_scalars(name, dtype, beta, alpha, strict):
    """Integer results take integer beta and alpha: addr refuses floats, the BLAS-like ops
    truncate them (PyTorch does both)."""
    if dtype.is_floating_point:
        return beta, alpha
    for which, value in (("beta", beta), ("alpha", alpha)):
        if strict and isinstance(value, float):
            raise DTypeRuntimeError(f"{name}: For integral input tensors, argument {which} "
                                    f"must not be a floating point number.")
    return int(beta), int(alpha)


# ------------------------------------------------------------ add_scaled: the addmm tail


def _add_scaled_meta(input, product, beta, alpha, blas_zeros):
    _check_expands("add_scaled", input, product._shape)
    return Out(product._shape, product.dtype)


def _add_scaled_reference(x: Array, p: Array, beta, alpha, blas_zeros) -> Array:
    """out = beta * input + alpha * product, the input broadcast to the product's shape.

    beta = 0 ignores the input: its NaN and inf do not reach the result. With `blas_zeros`
    (addmm, addmv, addbmm, as BLAS does) alpha = 0 ignores the product in the same way.
    """
    use_x = beta != 0
    use_p = alpha != 0 or not blas_zeros

    def combine(xi, pi):
        if use_x and use_p:
            return beta * xi + alpha * pi
        return beta * xi if use_x else (alpha * pi if use_p else 0)
    return zip_elements(combine, p.shape, x, p)


def _add_scaled_decomposed(x, p, beta, alpha, blas_zeros):
    """The same cases in mul and add (whose alpha fuses the product's scaling)."""
    dtype = p.dtype
    x, p = widened(x), widened(p)
    use_x, use_p = beta != 0, alpha != 0 or not blas_zeros
    scaled_x = x if beta == 1 else x * beta
    if use_x and use_p:
        out = scaled_x.add(p, alpha=alpha)
    elif use_x:
        out = scaled_x.expand(p.shape)
    else:
        out = p * alpha if use_p else p.new_zeros(p.shape)
    return fresh(out.to(dtype))


def _add_scaled_grad(ctx, g):
    return (g if ctx.beta == 1 else g * ctx.beta, g if ctx.alpha == 1 else g * ctx.alpha)


_ADD_SCALED = register(Op("add_scaled", meta=_add_scaled_meta, reference=_add_scaled_reference,
                          decompose=_add_scaled_decomposed, backward=_add_scaled_grad,
                          promote=PROMOTE_DEFAULT, saves_inputs=False,
                          doc=_add_scaled_reference.__doc__))


def _add_scaled(name, input, product, beta, alpha, blas_zeros):
    _check_expands(name, input, tuple(product.shape))
    return dispatch(_ADD_SCALED, input, product, beta=beta, alpha=alpha, blas_zeros=blas_zeros)


def _in_place(name, self, compute):
    """`self.addmm_(...)`: compute out of place, then write into self (same shape only)."""
    check_inplace_target(self, name)
    result = compute()
    if tuple(result.shape) != tuple(self.shape):
        raise ShapeMismatch(f"{name}: Bad in-place call: input tensor size {list(self.shape)} "
                            f"and output tensor size {list(result.shape)} should match")
    write_into(self, result, name)
    return self


# ------------------------------------------------------------ addmm, addmv, addr, (b)addbmm


@public("addmm")
def addmm(input, mat1, mat2, *, beta=1, alpha=1, out=None):
    """beta * input + alpha * (mat1 @ mat2); beta = 0 ignores input, alpha = 0 the product."""
    _require_ndim("addmm", mat1, (2,), "mat1")
    _require_ndim("addmm", mat2, (2,), "mat2")
    same_dtype("addmm", input, mat1, mat2)
    refuse_bool("addmm", input)
    if mat1.shape[1] != mat2.shape[0]:
        raise ShapeMismatch(f"addmm: mat1 and mat2 shapes cannot be multiplied "
                            f"({mat1.shape[0]}x{mat1.shape[1]} and "
                            f"{mat2.shape[0]}x{mat2.shape[1]})")
    beta, alpha = _integral_scalars("addmm", input.dtype, beta, alpha, strict=False)
    result = _add_scaled("addmm", input, matmul(mat1, mat2), beta, alpha, blas_zeros=True)
    return _maybe_out(result, out)


@public("addmv")
def addmv(input, mat, vec, *, beta=1, alpha=1, out=None):
    """beta * input + alpha * (mat @ vec); beta = 0 ignores input, alpha = 0 the product."""
    if input.ndim > 1 or mat.ndim != 2 or vec.ndim != 1:
        raise InvalidArgumentRuntime(f"addmv: vector + matrix @ vector expected, got "
                                     f"{input.ndim}, {mat.ndim}, {vec.ndim}")
    same_dtype("addmv", input, mat, vec)
    refuse_bool("addmv", input)
    n, k = mat.shape
    if vec.shape[0] != k or input.numel() not in (1, n):
        raise ShapeMismatch(f"addmv: size mismatch, got input ({input.numel()}), mat "
                            f"({n}x{k}), vec ({vec.shape[0]})")
    beta, alpha = _integral_scalars("addmv", input.dtype, beta, alpha, strict=False)
    result = _add_scaled("addmv", input, matmul(mat, vec), beta, alpha, blas_zeros=True)
    return _maybe_out(result, out)


@public("addr")
def addr(input, vec1, vec2, *, beta=1, alpha=1, out=None):
    """beta * input + alpha * outer(vec1, vec2); beta = 0 ignores input. Bool is logical."""
    for which, vec in (("vec1", vec1), ("vec2", vec2)):
        if vec.ndim != 1:
            raise InvalidArgumentRuntime(f"addr: Expected 1-D argument {which}, but got "
                                         f"{vec.ndim}-D")
    result_dtype = dt.promote_types(dt.promote_types(input.dtype, vec1.dtype), vec2.dtype)
    if result_dtype is not dt.bool_ and (isinstance(beta, bool) or isinstance(alpha, bool)):
        raise DTypeRuntimeError("addr: Boolean beta only supported for Boolean results.")
    beta, alpha = _integral_scalars("addr", result_dtype, beta, alpha, strict=True)
    if result_dtype is dt.bool_:      # logical: (beta and input) or (alpha and outer)
        beta, alpha = int(bool(beta)), int(bool(alpha))
    result = _add_scaled("addr", input, outer(vec1, vec2), beta, alpha, blas_zeros=False)
    return _maybe_out(result, out)


def _check_batches(name, batch1, batch2):
    _require_ndim(name, batch1, (3,), "batch1")
    _require_ndim(name, batch2, (3,), "batch2")
    (b, n, k), (b2, k2, m) = batch1.shape, batch2.shape
    if name == "addbmm" and b != b2:
        raise ShapeMismatch(f"addbmm: batch1 and batch2 must have same number of batches, got "
                            f"{b} and {b2}")
    if name == "addbmm" and k != k2:
        raise ShapeMismatch(f"addbmm: Incompatible matrix sizes for bmm ({n}x{k} and "
                            f"{k2}x{m})")
    if b != b2 or k != k2:
        raise ShapeMismatch(f"{name}: Expected size for first two dimensions of batch2 tensor "
                            f"to be: [{b}, {k}] but got: [{b2}, {k2}].")
    return b, n, k, m


@public("baddbmm")
def baddbmm(input, batch1, batch2, *, beta=1, alpha=1, out=None):
    """beta * input + alpha * (batch1 @ batch2) per batch; beta = 0 ignores input."""
    b, n, _, m = _check_batches("baddbmm", batch1, batch2)
    same_dtype("baddbmm", input, batch1, batch2)
    refuse_bool("baddbmm", input)
    beta, alpha = _integral_scalars("baddbmm", input.dtype, beta, alpha, strict=False)
    result = _add_scaled("baddbmm", input, matmul(batch1, batch2), beta, alpha, blas_zeros=False)
    return _maybe_out(result, out)


@public("addbmm")
def addbmm(input, batch1, batch2, *, beta=1, alpha=1, out=None):
    """beta * input + alpha * sum_b batch1[b] @ batch2[b]; beta = 0 ignores input."""
    b, n, k, m = _check_batches("addbmm", batch1, batch2)
    same_dtype("addbmm", input, batch1, batch2)
    refuse_bool("addbmm", input)
    beta, alpha = _integral_scalars("addbmm", input.dtype, beta, alpha, strict=False)
    # sum_b sum_k batch1[b, i, k] * batch2[b, k, j] is one product over the (b, k) pairs:
    # [n, b*k] @ [b*k, m].
    rows = batch1.permute(1, 0, 2).reshape(n, b * k)
    product = matmul(rows, batch2.reshape(b * k, m))
    return _maybe_out(_add_scaled("addbmm", input, product, beta, alpha, blas_zeros=True), out)


def _in_place_method(name, function):
    def method(self, *args, beta=1, alpha=1):
        return _in_place(name, self, lambda: function(self, *args, beta=beta, alpha=alpha))
    method.__name__ = name
    method.__doc__ = f"In-place {function.__name__}: self = {function.__doc__}"
    return method


# x.addmm_(mat1, mat2) and friends; PyTorch also has the function torch.addmv_.
for _function in (addmm, addmv, addr, baddbmm, addbmm):
    _name = _function.__name__ + "_"
    public(_name, function=_name == "addmv_")(_in_place_method(_name, _function))

# ------------------------------------------------------------ inner, outer, tensordot, kron


@public("outer", "ger")
def outer(input, vec2, *, out=None):
    """out[i, j] = input[i] * vec2[j] (dtypes promote as in mul)."""
    for which, vec in (("self", input), ("vec2", vec2)):
        if vec.ndim != 1:
            raise InvalidArgumentRuntime(f"outer: Expected 1-D argument {which}, but got "
                                         f"{vec.ndim}-D")
    return _maybe_out(input.unsqueeze(1) * vec2, out)


@public("inner")
def inner(input, other, *, out=None):
    """out[i..., j...] = sum_k input[i..., k] * other[j..., k]; a 0-d operand multiplies."""
    if input.ndim == 0 or other.ndim == 0:
        return _maybe_out(input * other, out)
    if input.shape[-1] != other.shape[-1]:
        raise ShapeMismatch(f"inner() the last dimension must match on both input tensors but "
                            f"got shapes {list(input.shape)} and {list(other.shape)}")
    return _maybe_out(_tensordot("inner", input, other, [input.ndim - 1], [other.ndim - 1]),
                      out)


@public("tensordot", method=False)
def tensordot(a, b, dims=2, out=None):
    """Contract dims of a with dims of b: sum over the paired dims, the free dims of a then b.

    dims = n pairs a's last n dims with b's first n; dims = (dims_a, dims_b) pairs them by list.
    """
    if hasattr(dims, "tolist"):
        dims = dims.tolist()
    if isinstance(dims, int):
        if dims < 0:
            raise InvalidArgumentRuntime(f"tensordot expects dims >= 0, but got dims={dims}")
        if dims > min(a.ndim, b.ndim):
            raise InvalidArgumentRuntime(f"tensordot expects dims < ndim_a or ndim_b, but got "
                                         f"dims={dims}")
        dims_a, dims_b = list(range(a.ndim - dims, a.ndim)), list(range(dims))
    else:
        dims_a, dims_b = ([d] if isinstance(d, int) else list(d) for d in dims)
    return _maybe_out(_tensordot("tensordot", a, b, dims_a, dims_b), out)


def _tensordot(name, a, b, dims_a, dims_b):
    if len(dims_a) != len(dims_b):
        raise InvalidArgumentRuntime(f"{name}: both dimension lists should have same length")
    same_dtype(name, a, b)
    refuse_bool(name, a)
    given = list(zip(dims_a, dims_b))
    dims_a = _distinct_dims(name, dims_a, a.ndim)
    dims_b = _distinct_dims(name, dims_b, b.ndim)
    # A contracted size of 1 broadcasts against the other side's size.
    sizes = []
    for (da, db), (ga, gb) in zip(zip(dims_a, dims_b), given):
        na, nb = a.shape[da], b.shape[db]
        if na != nb and 1 not in (na, nb):
            raise ShapeMismatch(f"{name}: contracted dimensions need to match, but first has "
                                f"size {na} in dim {ga} and second has size {nb} in dim {gb}")
        sizes.append(nb if na == 1 else na)
    a = a.expand([sizes[dims_a.index(d)] if d in dims_a else n for d, n in enumerate(a.shape)])
    b = b.expand([sizes[dims_b.index(d)] if d in dims_b else n for d, n in enumerate(b.shape)])
    free_a = [d for d in range(a.ndim) if d not in dims_a]
    free_b = [d for d in range(b.ndim) if d not in dims_b]
    shape_a = [a.shape[d] for d in free_a]
    shape_b = [b.shape[d] for d in free_b]
    k = math.prod(sizes)
    left = a.permute(free_a + dims_a).reshape(math.prod(shape_a), k)
    right = b.permute(dims_b + free_b).reshape(k, math.prod(shape_b))
    return matmul(left, right).reshape(shape_a + shape_b)


def _distinct_dims(name, dims, ndim):
    dims = [normalize_dim(d, ndim, name) for d in dims]
    for d in dims:
        if dims.count(d) > 1:
            raise InvalidArgumentRuntime(f"{name}: dim {d} appears multiple times in the list "
                                         f"of dims")
    return dims


@public("kron")
def kron(input, other, *, out=None):
    """Kronecker product: out[i*m + j] = input[i] * other[j] in every dim (other's sizes m).

    The shorter shape gains leading 1s; dtypes promote as in mul.
    """
    ndim = max(input.ndim, other.ndim)
    shape_a = (1,) * (ndim - input.ndim) + tuple(input.shape)
    shape_b = (1,) * (ndim - other.ndim) + tuple(other.shape)
    # Interleave the dims: input as [a0, 1, a1, 1, ...] and other as [1, b0, 1, b1, ...]; their
    # broadcast product [a0, b0, a1, b1, ...] merges pairwise into [a0*b0, a1*b1, ...].
    a = input.reshape([n for size in shape_a for n in (size, 1)])
    b = other.reshape([n for size in shape_b for n in (1, size)])
    return _maybe_out((a * b).reshape([x * y for x, y in zip(shape_a, shape_b)]), out)

# ------------------------------------------------------------ cross


def _cross_meta(a, b, dim):
    return Out(broadcast_shapes(a._shape, b._shape, op="linalg.cross"), a.dtype)


def _cross_reference(a: Array, b: Array, dim) -> Array:
    """out = a x b along `dim` (size 3): (a1 b2 - a2 b1, a2 b0 - a0 b2, a0 b1 - a1 b0)."""
    shape = broadcast_shapes(a.shape, b.shape)
    a, b = broadcast_to(a, shape), broadcast_to(b, shape)
    out = [0] * len(a.data)
    for lane in lanes(a, dim):
        x = [a.data[p] for p in lane]
        y = [b.data[p] for p in lane]
        for i, p in enumerate(lane):
            j, k = (i + 1) % 3, (i + 2) % 3
            out[p] = x[j] * y[k] - x[k] * y[j]
    return Array(out, shape)


def _cross_decomposed(a, b, dim):
    """(a1 b2 - a2 b1, a2 b0 - a0 b2, a0 b1 - a1 b0): each factor is a or b with its three
    entries along dim rotated by one or two places (a gather)."""
    from .creation import arange
    shape = broadcast_shapes(a.shape, b.shape)
    along = [1] * len(shape)
    along[dim] = 3

    def rotated(t, k):
        index = ((arange(3, device=a.device) + k) % 3).reshape(along).expand(shape)
        return widened(t).expand(shape).gather(dim, index)
    out = rotated(a, 1) * rotated(b, 2) - rotated(a, 2) * rotated(b, 1)
    return out.to(a.dtype)


def _cross_grad(ctx, g):
    """<g, a x b> = <a, b x g> = <b, g x a>."""
    a, b = ctx.inputs
    grad_a = dispatch(_CROSS, b, g, dim=ctx.dim) if ctx.needs_input_grad[0] else None
    grad_b = dispatch(_CROSS, g, a, dim=ctx.dim) if ctx.needs_input_grad[1] else None
    return grad_a, grad_b


_CROSS = register(Op("cross", meta=_cross_meta, reference=_cross_reference,
                     decompose=_cross_decomposed, backward=_cross_grad,
                     promote=PROMOTE_DEFAULT, doc=_cross_reference.__doc__))


def linalg_cross(input, other, *, dim=-1, out=None):
    """torsh.linalg.cross: the cross product of 3-vectors along `dim`; other dims broadcast."""
    if input.ndim != other.ndim:
        raise ShapeMismatch("linalg.cross: inputs must have the same number of dimensions.")
    axis = normalize_dim(dim, input.ndim, "linalg.cross")
    if input.ndim == 0 or input.shape[axis] != 3 or other.shape[axis] != 3:
        sizes = [t.shape[axis] if t.ndim else 1 for t in (input, other)]
        raise ShapeMismatch(f"linalg.cross: inputs dimension {dim} must have length 3. Got "
                            f"{sizes[0]} and {sizes[1]}")
    same_dtype("linalg.cross", input, other)
    refuse_bool("cross", input)
    return _maybe_out(dispatch(_CROSS, input, other, dim=axis), out)


@public("cross")
def cross(input, other, dim=None, *, out=None):
    """linalg.cross along `dim`; dim=None takes input's first dim of size 3 (PyTorch's rule)."""
    if dim is None:
        dim = next((d for d, n in enumerate(input.shape) if n == 3), None)
        if dim is None:
            raise ShapeMismatch("cross: no dimension of size 3 in input")
    return linalg_cross(input, other, dim=dim, out=out)


# ------------------------------------------------------------ chain_matmul


@public("chain_matmul", method=False)
def chain_matmul(*matrices, out=None):
    """The product of 2-D matrices, left to right (deprecated in PyTorch for linalg.multi_dot)."""
    if not matrices:
        raise InvalidArgumentRuntime("chain_matmul(): Expected one or more matrices")
    for m in matrices:
        if m.ndim != 2:
            raise InvalidArgumentRuntime(f"chain_matmul(): Tensor dimension is {m.ndim}, "
                                         f"expected 2 instead.")
    if len(matrices) == 1:
        return _maybe_out(matrices[0].clone(), out)
    from ..linalg import multi_dot
    return multi_dot(matrices, out=out)
