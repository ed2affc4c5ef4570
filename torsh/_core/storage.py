"""Storage: the flat buffer behind tensors, shared by every view of it.

On the CPU the buffer is a 1-D numpy array of the tensor's dtype (numpy is the container only).
The version counter lives here, so an in-place write through any view bumps it for all views,
which is what autograd checks saved tensors against.
"""
from __future__ import annotations

import numpy as np

from .device import CPU, device


class Storage:
    # `handle`: what a kernel library made to reach `data` (the C backend's pointer), kept
    # so it is made once per buffer.
    __slots__ = ("data", "device", "version", "handle", "__weakref__")

    def __init__(self, data, device: device = CPU):
        self.data = data
        self.device = device
        self.version = 0
        self.handle = None

    @staticmethod
    def empty(count: int, np_dtype) -> "Storage":
        return Storage(np.empty(count, dtype=np_dtype))

    def __len__(self) -> int:
        return len(self.data)

    def nbytes(self) -> int:
        return self.data.nbytes

    def data_ptr(self) -> int:
        return self.data.ctypes.data

    def size(self) -> int:
        return len(self.data)
