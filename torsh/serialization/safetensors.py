"""The safetensors format for flat {name: tensor} dicts: read it, and write it.

Layout: header length N (u64, little-endian) | N bytes of UTF-8 JSON | raw tensor bytes.
The header maps each name to {"dtype": "F32", "shape": [...], "data_offsets": [begin, end]}
(offsets relative to the end of the header), plus an optional "__metadata__" of str -> str.
Every tensor is stored contiguous and on its own, so views do not share storage here.
"""
from __future__ import annotations

import json
import struct

from .._core.storage import Storage
from ._common import (SAFETENSORS_CODES, SAFETENSORS_NAMES, fail,
                      from_little_endian_bytes, read_all, source_name, to_little_endian_bytes,
                      write_all)

LENGTH = struct.Struct("<Q")


def looks_like_safetensors(data: bytes) -> bool:
    """True when the bytes start as a safetensors file does: a length, then a JSON object."""
    return len(data) > LENGTH.size and data[LENGTH.size:LENGTH.size + 1] == b"{"


def decode(data: bytes, name: str) -> dict:
    """The {name: tensor} dict stored in safetensors bytes, after checking every field."""
    from ..tensor import Tensor
    if len(data) < LENGTH.size:
        raise fail(name, f"is truncated: {len(data)} bytes, shorter than an 8-byte length")
    (size,) = LENGTH.unpack_from(data)
    if LENGTH.size + size > len(data):
        raise fail(name, f"is truncated: the safetensors header claims {size} bytes but only "
                         f"{len(data) - LENGTH.size} follow")
    try:
        header = json.loads(data[LENGTH.size:LENGTH.size + size].decode("utf-8"),
                            parse_constant=lambda token: {}[token])
    except (UnicodeDecodeError, ValueError, KeyError, RecursionError) as error:
        raise fail(name, f"has a corrupted safetensors header (not valid JSON: {error})") from None
    if not isinstance(header, dict):
        raise fail(name, "has a corrupted safetensors header (not a JSON object)")
    start, available = LENGTH.size + size, len(data) - LENGTH.size - size
    tensors = {}
    for key, entry in header.items():
        if key == "__metadata__":
            continue
        dtype, shape, begin, end = _entry(key, entry, name)
        numel = 1
        for dim in shape:
            numel *= dim
        if not 0 <= begin <= end <= available:
            raise fail(name, f"has tensor '{key}' at data_offsets [{begin}, {end}] outside the "
                             f"{available}-byte data section: offsets out of range "
                             f"(truncated file?)")
        if end - begin != numel * dtype.itemsize:
            raise fail(name, f"has tensor '{key}' of shape {shape} and dtype {dtype.name} that "
                             f"needs {numel * dtype.itemsize} bytes but data_offsets span "
                             f"{end - begin}")
        storage = Storage(from_little_endian_bytes(data, start + begin, numel, dtype))
        tensors[key] = Tensor(storage, shape, dtype=dtype)
    return tensors


def _entry(key: str, entry, name: str):
    if not isinstance(entry, dict):
        raise fail(name, f"has a corrupted safetensors entry for '{key}'")
    code = entry.get("dtype")
    dtype = SAFETENSORS_CODES.get(code)
    if dtype is None:
        raise fail(name, f"has tensor '{key}' of unknown dtype {code!r}; torsh reads "
                         f"{', '.join(SAFETENSORS_CODES)}")
    shape, offsets = entry.get("shape"), entry.get("data_offsets")
    if (not isinstance(shape, list) or any(type(d) is not int or d < 0 for d in shape)
            or not isinstance(offsets, list) or len(offsets) != 2
            or any(type(o) is not int for o in offsets)):
        raise fail(name, f"has a corrupted safetensors entry for '{key}' (shape or "
                         f"data_offsets malformed)")
    return dtype, shape, offsets[0], offsets[1]


def load_safetensors(filename, device="cpu") -> dict:
    """Read a safetensors file (path or binary file object) into a {name: tensor} dict."""
    tensors = decode(read_all(filename), source_name(filename))
    return tensors if str(device) == "cpu" else {k: t.to(device) for k, t in tensors.items()}


def save_safetensors(tensors: dict, filename, metadata: dict | None = None) -> None:
    """Write a flat {str: tensor} dict as a safetensors file (atomically for a path)."""
    from ..tensor import Tensor
    if not isinstance(tensors, dict):
        raise TypeError(f"save_safetensors expects a dict of tensors, "
                        f"got {type(tensors).__name__}")
    header, blobs, position = {}, [], 0
    if metadata is not None:
        if not all(isinstance(k, str) and isinstance(v, str) for k, v in metadata.items()):
            raise TypeError("save_safetensors: metadata must map str to str")
        header["__metadata__"] = dict(metadata)
    for key in sorted(tensors):
        tensor = tensors[key]
        if not isinstance(key, str) or not isinstance(tensor, Tensor):
            raise TypeError(f"save_safetensors: entry {key!r} must map a str to a tensor, "
                            f"got {type(tensor).__name__}")
        raw = to_little_endian_bytes(tensor.detach().cpu().contiguous()._numpy_view())
        header[key] = {"dtype": SAFETENSORS_NAMES[tensor.dtype.name], "shape": list(tensor.shape),
                       "data_offsets": [position, position + len(raw)]}
        blobs.append(raw)
        position += len(raw)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    write_all(filename, [LENGTH.pack(len(text)), text, *blobs])


__all__ = ["load_safetensors", "save_safetensors", "looks_like_safetensors"]
