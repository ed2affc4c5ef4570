"""torsh's exceptions.

Each is also the built-in exception PyTorch raises in the same case, so code written for
PyTorch (`except RuntimeError`) catches it. Messages name the op, the offending values and what
would be valid.
"""


class TorshError(Exception):
    """Base of every error torsh raises on purpose."""


class ShapeMismatch(TorshError, RuntimeError):
    """Shapes that cannot be broadcast, viewed, concatenated or multiplied together."""


class DTypeError(TorshError, TypeError):
    """A dtype an op does not accept (PyTorch raises TypeError for these)."""


class DTypeRuntimeError(DTypeError, RuntimeError):
    """A dtype an op does not accept, where PyTorch raises RuntimeError."""


class DTypeNotImplemented(DTypeRuntimeError, NotImplementedError):
    """A dtype an op has no kernel for (PyTorch raises NotImplementedError)."""


class DeviceMismatch(TorshError, RuntimeError):
    """Tensors on different devices in one op."""


class IndexOutOfRange(TorshError, IndexError):
    """A dim or an index outside the valid range."""


class IndexOutOfBounds(IndexOutOfRange, RuntimeError):
    """An index past the end of its dim, where PyTorch raises RuntimeError (scatter, gather,
    index_add) or IndexError (index_select, take): this is both."""


class InvalidArgument(TorshError, ValueError):
    """A value PyTorch rejects with ValueError (negative sizes in some places, bad modes)."""


class InvalidArgumentRuntime(TorshError, RuntimeError):
    """A value PyTorch rejects with RuntimeError (negative sizes, bad steps, bad reductions)."""


class AutogradError(TorshError, RuntimeError):
    """Misuse of autograd: a second backward, an in-place change to a saved tensor, ..."""


class UnsupportedDType(DTypeRuntimeError):
    """A backend that does not support a dtype (names the backend and the dtype)."""
