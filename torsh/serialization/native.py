"""torsh's own checkpoint format: a JSON description of the object tree plus raw storages.

Layout (all integers little-endian):

    MAGIC (8 bytes) | version (u32) | header length (u64) | header (UTF-8 JSON)
    | zero padding to a multiple of 64 | storage bytes, each storage once, 64-byte aligned

The header holds "storages" (dtype, device, numel, byte offset, crc32), "tensors" (storage
index, shape, stride, storage offset, requires_grad) and "object", the saved value as a tree:
None/bool/int/str and finite floats are JSON scalars, lists are JSON arrays, and everything else
is a one-key object: {"float": "nan"}, {"tuple": [...]}, {"dict": [[key, value], ...]},
{"odict": ...}, {"size": [...]}, {"dtype": "float32"}, {"device": "cpu"}, {"bytes": "<hex>"},
{"tensor": index}. Views of one storage refer to the same storage entry, so their shared
memory is written once and is shared again after loading. Loading only parses JSON and copies
bytes: it never runs code from the file (no pickle, no eval).
"""
from __future__ import annotations

import collections
import json
import math
import struct
import zlib

import numpy as np

from .._core import dtype as dt
from .._core.device import as_device, device as Device
from .._core.shape import Size
from .._core.storage import Storage
from ._common import (TORSH_DTYPES, CheckpointError, UnsupportedValue, fail,
                      from_little_endian_bytes, storage_array, to_little_endian_bytes)

MAGIC = b"\x93TORSH\r\n"
VERSION = 1
ALIGN = 64
PREAMBLE = struct.Struct("<8sIQ")


def _padding(size: int) -> int:
    return -size % ALIGN


# ---------------------------------------------------------------- writing

class _Writer:
    """Walks the saved value once, numbering each distinct storage and tensor."""

    def __init__(self):
        self.storages: list[tuple[Storage, dt.dtype]] = []
        self.storage_index: dict[int, int] = {}
        self.tensors: list[dict] = []
        self.tensor_index: dict[int, int] = {}
        self.alive: list = []          # keeps encoded objects alive so their ids stay unique
        self.open: set[int] = set()    # containers being encoded, to catch cycles

    def encode(self, value, where: str):
        from ..tensor import Tensor
        if value is None or isinstance(value, (bool, str)):
            return value
        if isinstance(value, (np.bool_,)):
            return bool(value)
        if isinstance(value, (int, np.integer)):
            return int(value)
        if isinstance(value, (float, np.floating)):
            value = float(value)
            return value if math.isfinite(value) else {"float": repr(value)}
        if isinstance(value, Tensor):
            return {"tensor": self._tensor(value)}
        if isinstance(value, dt.dtype):
            return {"dtype": value.name}
        if isinstance(value, bytes):
            return {"bytes": value.hex()}
        if isinstance(value, Device):
            return {"device": str(value)}
        return self._container(value, where)

    def _container(self, value, where: str):
        kind = {list: None, tuple: "tuple", Size: "size", dict: "dict",
                collections.OrderedDict: "odict"}.get(type(value), "unsupported")
        if kind == "unsupported":
            raise UnsupportedValue(
                f"torsh.save: cannot store {where} of type {type(value).__name__}; torsh "
                f"checkpoints hold tensors, dtypes, devices, None, bool, int, float, str, bytes "
                f"and lists, tuples and dicts of them")
        if id(value) in self.open:
            raise UnsupportedValue(f"torsh.save: {where} contains itself; "
                                   f"recursive structures cannot be saved")
        self.open.add(id(value))
        try:
            if isinstance(value, dict):
                items = [[self._key(key, where), self.encode(item, f"{where}[{key!r}]")]
                         for key, item in value.items()]
                return {kind: items}
            items = [self.encode(item, f"{where}[{i}]") for i, item in enumerate(value)]
            return items if kind is None else {kind: items}
        finally:
            self.open.discard(id(value))

    def _key(self, key, where: str):
        if key is None or isinstance(key, (bool, int, float, str)):
            return self.encode(key, where)
        raise UnsupportedValue(f"torsh.save: dict key {key!r} in {where} is a "
                               f"{type(key).__name__}; keys must be str, int, float, bool "
                               f"or None")

    def _tensor(self, tensor) -> int:
        if id(tensor) in self.tensor_index:
            return self.tensor_index[id(tensor)]
        storage = tensor._storage
        if id(storage) not in self.storage_index:
            self.storage_index[id(storage)] = len(self.storages)
            self.storages.append((storage, tensor.dtype))
        self.alive.append(tensor)
        self.tensor_index[id(tensor)] = len(self.tensors)
        self.tensors.append({"storage": self.storage_index[id(storage)],
                             "shape": list(tensor.shape), "stride": list(tensor.stride()),
                             "offset": tensor.storage_offset(),
                             "requires_grad": bool(tensor.requires_grad),
                             "parameter": type(tensor).__name__ == "Parameter"})
        return self.tensor_index[id(tensor)]


def encode(obj):
    """The chunks of bytes of `obj`'s checkpoint; raises before yielding if obj can't be saved."""
    writer = _Writer()
    tree = writer.encode(obj, "the saved object")
    storages, position = [], 0
    for storage, dtype in writer.storages:
        array = storage_array(storage, dtype)
        raw = to_little_endian_bytes(array)
        storages.append({"dtype": dt.from_numpy(array.dtype).name, "device": str(storage.device),
                         "numel": int(array.size), "offset": position,
                         "crc32": zlib.crc32(raw)})
        position += len(raw) + _padding(len(raw))
    header = {"storages": storages, "tensors": writer.tensors, "object": tree,
              "data_size": position}
    header_bytes = json.dumps(header, separators=(",", ":"), allow_nan=False).encode()
    return _chunks(header_bytes, writer.storages)


def _chunks(header_bytes: bytes, storages):
    yield PREAMBLE.pack(MAGIC, VERSION, len(header_bytes))
    yield header_bytes
    yield bytes(_padding(PREAMBLE.size + len(header_bytes)))
    for storage, dtype in storages:
        raw = to_little_endian_bytes(storage_array(storage, dtype))
        yield raw
        yield bytes(_padding(len(raw)))


# ---------------------------------------------------------------- reading

def _reject_constant(token: str):
    raise ValueError(f"non-standard JSON constant {token}")


class _Reader:
    """Checks every field of a header against the file before building anything from it."""

    def __init__(self, data: bytes, name: str, map_location):
        self.data, self.name, self.map_location = data, name, map_location
        if len(data) < PREAMBLE.size:
            raise fail(name, f"is truncated: {len(data)} bytes, shorter than the "
                             f"{PREAMBLE.size}-byte preamble")
        _, version, header_size = PREAMBLE.unpack_from(data)
        if version != VERSION:
            raise fail(name, f"has checkpoint format version {version}; this torsh reads "
                             f"version {VERSION}")
        header_end = PREAMBLE.size + header_size
        if header_end > len(data):
            raise fail(name, f"is truncated: the header claims {header_size} bytes but only "
                             f"{len(data) - PREAMBLE.size} follow the preamble")
        try:
            header = json.loads(data[PREAMBLE.size:header_end].decode("utf-8"),
                                parse_constant=_reject_constant)
        except (UnicodeDecodeError, ValueError, RecursionError) as error:
            raise fail(name, f"has a corrupted header (not valid JSON: {error})") from None
        if not isinstance(header, dict) or not {"storages", "tensors", "object",
                                                "data_size"} <= header.keys():
            raise fail(name, "has a corrupted header (missing storages/tensors/object/data_size)")
        self.header = header
        self.data_start = header_end + _padding(header_end)
        data_size = self._count(header["data_size"], "data_size")
        if self.data_start + data_size > len(data):
            raise fail(name, f"is truncated: {len(data)} bytes, but the header describes "
                             f"{self.data_start + data_size}")
        self.data_size = data_size
        if not isinstance(header["storages"], list) or not isinstance(header["tensors"], list):
            self._bad("storages/tensors")
        self.dtypes: list[dt.dtype] = []
        self.storages = [self._storage(i, entry) for i, entry in enumerate(header["storages"])]
        self.tensors = [self._tensor(i, entry) for i, entry in enumerate(header["tensors"])]

    def _bad(self, what: str):
        raise fail(self.name, f"has a corrupted header ({what} is malformed)")

    def _count(self, value, what: str) -> int:
        if type(value) is not int or value < 0:
            self._bad(f"{what} = {value!r} is not a non-negative integer")
        return value

    def _storage(self, index: int, entry) -> Storage:
        if not isinstance(entry, dict):
            self._bad(f"storage {index}")
        dtype = TORSH_DTYPES.get(entry.get("dtype"))
        if dtype is None:
            raise fail(self.name, f"has storage {index} of unknown dtype {entry.get('dtype')!r};"
                                  f" known: {', '.join(TORSH_DTYPES)}")
        numel = self._count(entry.get("numel"), f"storage {index} numel")
        start = self._count(entry.get("offset"), f"storage {index} offset")
        if start + numel * dtype.itemsize > self.data_size:
            raise fail(self.name, f"has storage {index} at bytes {start}..."
                                  f"{start + numel * dtype.itemsize} of a {self.data_size}-byte "
                                  f"data section: offsets out of range")
        begin = self.data_start + start
        stored = memoryview(self.data)[begin:begin + numel * dtype.itemsize]
        if zlib.crc32(stored) != entry.get("crc32"):
            raise fail(self.name, f"is corrupted: storage {index} fails its crc32 check")
        storage = Storage(from_little_endian_bytes(self.data, begin, numel, dtype))
        self.dtypes.append(dtype)
        return self._place(storage, entry.get("device"), dtype, index)

    def _place(self, storage: Storage, location, dtype, index: int) -> Storage:
        if not isinstance(location, str):
            self._bad(f"storage {index} device")
        target = self.map_location
        if callable(target) and not isinstance(target, str):
            moved = target(storage, location)
            return storage if moved is None else moved
        if isinstance(target, dict):
            target = target.get(location, location)
        try:
            device = as_device(location if target is None else target)
        except (ValueError, RuntimeError, TypeError) as error:
            raise fail(self.name, f"has storage {index} on device {location!r} that torsh "
                                  f"cannot use ({error}); pass map_location='cpu'") from None
        if device.type == "cpu":
            return storage
        from ..tensor import Tensor
        return Tensor(storage, (len(storage),), (1,), 0, dtype).to(device)._storage

    def _tensor(self, index: int, entry):
        from ..tensor import Tensor
        if not isinstance(entry, dict):
            self._bad(f"tensor {index}")
        which = entry.get("storage")
        if type(which) is not int or not 0 <= which < len(self.storages):
            self._bad(f"tensor {index} refers to storage {which!r}")
        shape, stride = entry.get("shape"), entry.get("stride")
        if (not isinstance(shape, list) or not isinstance(stride, list)
                or len(shape) != len(stride)):
            self._bad(f"tensor {index} shape/stride")
        shape = [self._count(size, f"tensor {index} shape") for size in shape]
        stride = [self._count(step, f"tensor {index} stride") for step in stride]
        offset = self._count(entry.get("offset"), f"tensor {index} offset")
        storage = self.storages[which]
        last = offset + sum((size - 1) * step for size, step in zip(shape, stride))
        if all(shape) and last >= len(storage):
            raise fail(self.name, f"has tensor {index} reaching element {last} of a storage of "
                                  f"{len(storage)} elements: offsets out of range")
        tensor = Tensor(storage, shape, stride, offset, self.dtypes[which])
        if entry.get("requires_grad") is True and tensor.dtype.is_floating_point:
            tensor.requires_grad = True
        if entry.get("parameter") is True:
            tensor = _as_parameter(tensor)
        return tensor

    def decode(self, node):
        if node is None or isinstance(node, (bool, int, float, str)):
            return node
        if isinstance(node, list):
            return [self.decode(item) for item in node]
        if not isinstance(node, dict) or len(node) != 1:
            self._bad(f"object node {str(node)[:60]}")
        (kind, body), = node.items()
        decoder = _DECODERS.get(kind)
        if decoder is None:
            raise fail(self.name, f"has an object of unknown kind {kind!r}")
        try:
            return decoder(self, body)
        except CheckpointError:
            raise
        except (TypeError, ValueError, KeyError, IndexError, RuntimeError):
            self._bad(f"{kind} node {str(body)[:60]}")


def _pairs(reader: _Reader, body):
    return [(reader.decode(key), reader.decode(value)) for key, value in body]


def _float(reader: _Reader, body):
    if body not in ("nan", "inf", "-inf"):
        raise ValueError(body)
    return float(body)


def _tensor_ref(reader: _Reader, body):
    if type(body) is not int:
        raise TypeError(body)
    return reader.tensors[body]


def _listed(body):
    if not isinstance(body, list):
        raise TypeError(body)
    return body


_DECODERS = {
    "float": _float,
    "tuple": lambda r, body: tuple(r.decode(item) for item in _listed(body)),
    "size": lambda r, body: Size(int(r.decode(item)) for item in _listed(body)),
    "dict": lambda r, body: dict(_pairs(r, _listed(body))),
    "odict": lambda r, body: collections.OrderedDict(_pairs(r, _listed(body))),
    "dtype": lambda r, body: TORSH_DTYPES[body],
    "device": lambda r, body: as_device(body),
    "bytes": lambda r, body: bytes.fromhex(body),
    "tensor": _tensor_ref,
}


def _as_parameter(tensor):
    """Wrap in torsh.nn.Parameter when torsh.nn provides it; else keep the plain tensor."""
    try:
        from ..nn import Parameter
    except ImportError:
        return tensor
    return Parameter(tensor, requires_grad=tensor.requires_grad)


def decode(data: bytes, name: str, map_location=None):
    """The object stored in a torsh checkpoint's bytes (already known to start with MAGIC)."""
    reader = _Reader(data, name, map_location)
    try:
        return reader.decode(reader.header["object"])
    except RecursionError:
        raise fail(name, "has an object tree nested too deeply to load") from None
