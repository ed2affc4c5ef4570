"""What both checkpoint formats share: the error, dtype names, reading a source, atomic writes.

Nothing here interprets a file's content as code: a checkpoint is bytes plus a JSON header.
"""
from __future__ import annotations

import os
import tempfile

import numpy as np

from .._core import dtype as dt
from .._core.errors import TorshError


class CheckpointError(TorshError, RuntimeError):
    """A file that is not a readable checkpoint: truncated, corrupted, foreign or unsupported."""


class UnsupportedValue(TorshError, TypeError):
    """A value torsh.save cannot store (it stores tensors, containers, numbers and strings)."""


def fail(name: str, problem: str) -> CheckpointError:
    """The error to raise for file `name`: says which file and what is wrong with it."""
    return CheckpointError(f"torsh.load: {name} {problem}")


def source_name(f) -> str:
    """How a path or file object is named in error messages."""
    if isinstance(f, (str, bytes, os.PathLike)):
        return f"file '{os.fsdecode(f)}'"
    name = getattr(f, "name", None)
    return f"file '{name}'" if isinstance(name, str) else "the file object"


def is_path(f) -> bool:
    return isinstance(f, (str, bytes, os.PathLike))


def read_all(f) -> bytes:
    """The whole content of a path, or of a binary file object from its current position."""
    if is_path(f):
        with open(f, "rb") as handle:
            return handle.read()
    if not hasattr(f, "read"):
        raise TypeError(f"torsh.load expects a path or a binary file object, "
                        f"got {type(f).__name__}")
    data = f.read()
    if isinstance(data, str):
        raise TypeError("torsh.load needs a file opened in binary mode ('rb'), got a text file")
    return bytes(data)


def write_all(f, chunks) -> None:
    """Write the byte chunks to a path atomically, or straight into a binary file object.

    For a path the bytes go to a temporary file in the same folder that is renamed over the
    target only once everything is written, so a failure midway leaves the target untouched.
    """
    if not is_path(f):
        if not hasattr(f, "write"):
            raise TypeError(f"torsh.save expects a path or a binary file object, "
                            f"got {type(f).__name__}")
        for chunk in chunks:
            f.write(chunk)
        return
    target = os.path.realpath(os.fsdecode(f))  # through a symlink, as open() would write
    folder, base = os.path.split(target)
    handle, temporary = tempfile.mkstemp(prefix=f".{base}.", suffix=".tmp", dir=folder)
    try:
        os.chmod(temporary, _mode_for(target))
        with os.fdopen(handle, "wb") as out:
            for chunk in chunks:
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, target)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise


def _mode_for(target: str) -> int:
    """The permissions a plain open(target, "wb") would leave (mkstemp's are owner-only)."""
    try:
        return os.stat(target).st_mode & 0o7777
    except FileNotFoundError:
        umask = os.umask(0o022)
        os.umask(umask)
        return 0o666 & ~umask


def storage_array(storage, dtype: dt.dtype) -> np.ndarray:
    """The host numpy array holding a storage's elements (copied off a non-CPU device)."""
    if storage.device.type == "cpu":
        return np.ascontiguousarray(storage.data)
    from ..tensor import Tensor
    whole = Tensor(storage, (len(storage),), (1,), 0, dtype)
    return np.ascontiguousarray(whole.cpu()._storage.data)


# safetensors' dtype codes; torsh's own format uses torsh's dtype names.
SAFETENSORS_CODES = {"BOOL": dt.bool_, "U8": dt.uint8, "I8": dt.int8, "I16": dt.int16,
                     "I32": dt.int32, "I64": dt.int64, "F16": dt.float16, "BF16": dt.bfloat16,
                     "F32": dt.float32, "F64": dt.float64}
SAFETENSORS_NAMES = {d.name: code for code, d in SAFETENSORS_CODES.items()}
TORSH_DTYPES = {d.name: d for d in dt.ALL}


def to_little_endian_bytes(array: np.ndarray) -> bytes:
    """The elements' raw bytes, little-endian whatever the host's byte order."""
    raw = array.reshape(-1).view(f"u{array.itemsize}")
    return raw.astype(f"<u{array.itemsize}", copy=False).tobytes()


def from_little_endian_bytes(data, start: int, count: int, dtype: dt.dtype) -> np.ndarray:
    """A fresh, writable array of `count` elements of `dtype` read from data[start:]."""
    raw = np.frombuffer(data, dtype=f"<u{dtype.itemsize}", count=count, offset=start)
    return raw.astype(f"=u{dtype.itemsize}").view(dtype.numpy)
