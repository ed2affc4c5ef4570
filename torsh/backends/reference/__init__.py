"""The reference backend: every op, computed by its pure-Python reference on CPU storage.

The only work here is conversion: a tensor's elements become an `Array` of Python numbers,
the op's reference runs, and each result is rounded once to its output dtype.
"""
from __future__ import annotations

import numpy as np

from ..._core import dtype as dt
from ..._core.errors import InvalidArgumentRuntime, TorshError
from ..._core.storage import Storage
from ...ops._array import Array
from ..base import Backend


def to_array(tensor) -> Array:
    """A tensor's elements, row-major, as Python bools, ints or floats."""
    values = tensor._numpy_view()
    if tensor.dtype.is_floating_point:
        values = values.astype(np.float64)
    return Array(values.reshape(-1).tolist(), tensor._shape)


def from_array(array: Array, dtype: dt.dtype):
    from ...tensor import Tensor
    rounded = dt.round_to(array.data, dtype)
    return Tensor(Storage(rounded), array.shape, dtype=dtype)


class ReferenceBackend(Backend):
    name = "reference"
    device_type = "cpu"

    def allocate(self, count, dtype, device):
        return Storage(np.zeros(count, dtype=dtype.numpy), device)

    def kernel(self, op):
        if op.reference is None:
            return None

        def run_reference(inputs, outs, **params):
            try:
                result = op.reference(*[to_array(t) for t in inputs], **params)
            except TorshError:
                raise
            except (ArithmeticError, RuntimeError) as error:
                # scalar functions raise plain errors (integer division by zero, ...)
                raise InvalidArgumentRuntime(f"{op.name}: {error}") from None
            if isinstance(result, Array):
                return from_array(result, outs[0].dtype)
            return tuple(from_array(a, o.dtype) for a, o in zip(result, outs))
        return run_reference


REFERENCE = ReferenceBackend()
