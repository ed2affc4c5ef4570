"""torsh.errors: the exceptions torsh raises (see `torsh/_core/errors.py`)."""
from ._core.errors import *  # noqa: F401,F403
from ._core.errors import (AutogradError, DeviceMismatch, DTypeError, DTypeRuntimeError,  # noqa
                           IndexOutOfRange, InvalidArgument, InvalidArgumentRuntime,
                           ShapeMismatch, TorshError, UnsupportedDType)
