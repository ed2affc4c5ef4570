"""A toy third-party backend: the smallest outside package the conformance suite can check.

It lives outside `torsh` on purpose: registering it needs no edit to torsh,

    python -m conformance --backend conformance.toy_backend:ToyBackend

loads the class, instantiates it and registers it by name ("toy"). The CPU chain is then
[toy, reference]: the toy serves the ops it has kernels for (add, mul, neg, abs, sum, matmul)
in the dtypes it declares (float32, float64); every other op, and every op on other dtypes,
falls back to the reference, and the suite's matrix shows those cells as `fb` (fallback) or
`-` (skip: the toy does not support that dtype at all).

A kernel is `kernel(inputs, outs, **params) -> Tensor`: `inputs` are promoted tensors of any
layout (read them through `_numpy_view()`, which honours strides and offset), `outs` the
(shape, dtype) the op's meta computed, `params` the op's keyword parameters. Each kernel here
computes in float64 and rounds once to the output dtype, summing in the reference's order
(left to right, from +0.0), so it agrees with the reference to the last bit in float64.
It also provides a fused backward kernel for mul (see `Backend.backward_kernel`).
"""
from __future__ import annotations

import numpy as np

from torsh._core import dtype as dt
from torsh._core.device import CPU
from torsh._core.storage import Storage
from torsh.backends.base import Backend
from torsh.tensor import Tensor


def values(tensor) -> np.ndarray:
    """A tensor's elements as float64, in its logical shape (strides and offset honoured)."""
    return tensor._numpy_view().astype(np.float64)


def sequential_sum(terms: np.ndarray, axis: int) -> np.ndarray:
    """Sum along `axis` left to right starting from +0.0, as the reference's `sum` does."""
    axis %= terms.ndim
    total = np.zeros(terms.shape[:axis] + terms.shape[axis + 1:])
    for k in range(terms.shape[axis]):
        total = total + np.take(terms, k, axis=axis)
    return total


def quiet(kernel):
    """The kernel with numpy's floating-point warnings off: inf - inf = NaN is meant."""
    if kernel is None:
        return None

    def run(*args, **params):
        with np.errstate(all="ignore"):
            return kernel(*args, **params)
    return run


class ToyBackend(Backend):
    """add, mul, neg, abs, sum and matmul in float32 / float64, on numpy."""

    name = "toy"
    device_type = "cpu"
    dtypes = frozenset({dt.float32, dt.float64})

    def __init__(self):
        self.kernels = {"add": self.add, "mul": self.mul, "neg": self.neg, "abs": self.abs,
                        "sum": self.sum, "matmul": self.matmul}
        self.backward_kernels = {"mul": self.mul_backward}

    # -- the contract
    def allocate(self, count, dtype, device):
        return Storage(np.zeros(count, dtype=dtype.numpy), device)

    def kernel(self, op):
        return quiet(self.kernels.get(op.name))

    def backward_kernel(self, op):
        return quiet(self.backward_kernels.get(op.name))

    def result(self, data: np.ndarray, shape: tuple, dtype) -> Tensor:
        """A new tensor on fresh storage holding `data` rounded once to `dtype`."""
        storage = self.allocate(int(np.prod(shape, dtype=np.int64)), dtype, CPU)
        storage.data[...] = np.broadcast_to(data, shape).reshape(-1)
        return Tensor(storage, tuple(shape), dtype=dtype)

    # -- kernels: kernel(inputs, outs, **params) -> Tensor
    def add(self, inputs, outs, alpha=1):
        """a + alpha * b (alpha != 1 rounds twice in float64; a real kernel would fuse an FMA)."""
        a, b = inputs
        other = values(b) if alpha == 1 else alpha * values(b)
        return self.result(values(a) + other, outs[0].shape, outs[0].dtype)

    def mul(self, inputs, outs):
        a, b = inputs
        return self.result(values(a) * values(b), outs[0].shape, outs[0].dtype)

    def neg(self, inputs, outs):
        return self.result(-values(inputs[0]), outs[0].shape, outs[0].dtype)

    def abs(self, inputs, outs):
        return self.result(np.abs(values(inputs[0])), outs[0].shape, outs[0].dtype)

    def sum(self, inputs, outs, dims, keepdim):
        """Sum over `dims` (all dims when empty): the reduced elements, row-major, in order."""
        x = values(inputs[0])
        reduced = sorted(dims) if dims else list(range(x.ndim))
        kept = [d for d in range(x.ndim) if d not in reduced]
        count = int(np.prod([x.shape[d] for d in reduced], dtype=np.int64))
        terms = np.transpose(x, kept + reduced).reshape([x.shape[d] for d in kept] + [count])
        total = sequential_sum(terms, -1).reshape(outs[0].shape)     # keepdim: size-1 dims
        return self.result(total, outs[0].shape, outs[0].dtype)

    def matmul(self, inputs, outs):
        """out[..., i, j] = sum_k a[..., i, k] * b[..., k, j], k in order; batch dims broadcast."""
        a, b = (values(t) for t in inputs)
        products = a[..., :, :, None] * b[..., None, :, :]       # [..., i, k, j]
        return self.result(sequential_sum(products, -2), outs[0].shape, outs[0].dtype)

    # -- fused backward kernels: backward_kernel(ctx, *grads) -> one grad per input
    def mul_backward(self, ctx, grad):
        """d(a * b) = (grad * b, grad * a), in one numpy pass each."""
        a, b = ctx.inputs
        g = values(grad)
        shape = np.broadcast_shapes(g.shape, a._shape, b._shape)
        return (self.result(g * values(b), shape, grad.dtype) if ctx.needs_input_grad[0]
                else None,
                self.result(g * values(a), shape, grad.dtype) if ctx.needs_input_grad[1]
                else None)
