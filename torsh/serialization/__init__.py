"""Checkpoints: `torsh.save` / `torsh.load` for tensors, state_dicts and nested containers.

The format never executes code on load (no pickle, no eval): it is a JSON header describing
the object tree plus the raw bytes of each distinct storage (see `native`), so views saved
together share their storage again after loading. `torsh.load` also reads plain safetensors
files (a flat {name: tensor} dict); `save_safetensors` writes them. Writes to a path are atomic
(a temporary file renamed over the target). A file that is truncated, corrupted or foreign
raises `CheckpointError` (a `TorshError` and a `RuntimeError`) naming the file and the problem.
"""
from __future__ import annotations

from . import native, safetensors
from ._common import CheckpointError, UnsupportedValue, fail, read_all, source_name, write_all
from .safetensors import load_safetensors, save_safetensors


def save(obj, f, pickle_module=None, pickle_protocol=None,
         _use_new_zipfile_serialization=True, _disable_byteorder_record=False) -> None:
    """Write `obj` (tensors, dicts/lists/tuples of them, numbers, strings) to a path or file.

    The pickle arguments exist for PyTorch compatibility and are ignored: nothing is pickled.
    A tensor's whole storage is written (as PyTorch does), once however many views use it.
    """
    write_all(f, native.encode(obj))


def load(f, map_location=None, pickle_module=None, *, weights_only=None, mmap=None,
         **pickle_load_args):
    """Read what `save` wrote (or a safetensors file) from a path or binary file object.

    map_location: None keeps each storage's saved device; a device or string moves all of them
    there; a dict maps saved device strings to new ones; a callable gets (cpu_storage,
    saved_location) and returns the storage to use (None: keep the CPU one). weights_only,
    mmap and the pickle arguments are accepted for compatibility: loading is always safe.
    """
    name = source_name(f)
    data = read_all(f)
    if data.startswith(native.MAGIC):
        return native.decode(data, name, map_location)
    if safetensors.looks_like_safetensors(data):
        tensors = safetensors.decode(data, name)
        if map_location is None or str(map_location) == "cpu":
            return tensors
        return {key: _moved(t, map_location) for key, t in tensors.items()}
    raise fail(name, _foreign(data))


def _moved(tensor, map_location):
    if callable(map_location):
        raise CheckpointError("torsh.load: a callable map_location is not supported for "
                              "safetensors files; pass a device")
    if isinstance(map_location, dict):
        map_location = map_location.get("cpu", "cpu")
    return tensor.to(map_location)


def _foreign(data: bytes) -> str:
    """What a file that is not a torsh checkpoint looks like, for the error message."""
    if not data:
        return "is empty: not a torsh checkpoint"
    if len(data) < len(native.MAGIC) and native.MAGIC.startswith(data):
        return "is truncated inside its magic number"
    if data.startswith(b"PK\x03\x04"):
        return ("is a zip archive (PyTorch's torch.save format?): torsh reads only its own "
                "checkpoints and safetensors files, and never unpickles")
    if data[:1] == b"\x80":
        return "looks like a pickle: torsh never unpickles (it could execute code)"
    return (f"is not a torsh checkpoint: bad magic {data[:8]!r} (expected {native.MAGIC!r} "
            f"or a safetensors header)")


__all__ = ["save", "load", "save_safetensors", "load_safetensors", "CheckpointError",
           "UnsupportedValue"]
