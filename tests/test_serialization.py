"""torsh.serialization: checkpoints round-trip, share views, write atomically, reject bad files."""
import collections
import io
import json
import math
import os
import pickle
import struct

import pytest

import torsh
from torsh._core.errors import TorshError
from torsh.serialization import (CheckpointError, UnsupportedValue, load, load_safetensors,
                                 native, save, save_safetensors)

DTYPES = [torsh.bool, torsh.uint8, torsh.int8, torsh.int16, torsh.int32, torsh.int64,
          torsh.float16, torsh.bfloat16, torsh.float32, torsh.float64]


def roundtrip(obj, **load_kwargs):
    buffer = io.BytesIO()
    save(obj, buffer)
    buffer.seek(0)
    return load(buffer, **load_kwargs)


def same(a, b):
    """Same dtype, shape and values (NaN equal to NaN, -0.0 told apart from 0.0)."""
    assert a.dtype == b.dtype and tuple(a.shape) == tuple(b.shape)
    for x, y in zip(a.flatten().tolist(), b.flatten().tolist()):
        assert (x != x and y != y) or (x == y and math.copysign(1, x) == math.copysign(1, y))


# ---------------------------------------------------------------- round trips

@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: d.name)
def test_every_dtype_round_trips(dtype):
    values = [0, 1, 0, 1] if dtype is torsh.bool else [0, 1, 5, 100]
    if dtype.is_floating_point:
        values = [-0.0, 1.5, float("inf"), float("nan")]
    elif dtype in (torsh.int8, torsh.int16, torsh.int32, torsh.int64):
        values = [0, -1, -128, 127]
    original = torsh.tensor(values, dtype=dtype).reshape(2, 2)
    loaded = roundtrip(original)
    same(loaded, original)
    assert loaded.is_contiguous() and loaded.device == torsh.device("cpu")


def test_zero_dim_and_empty_tensors():
    scalar, empty, empty_2d = torsh.tensor(3.25), torsh.zeros(0), torsh.zeros(3, 0, 2)
    a, b, c = roundtrip([scalar, empty, empty_2d])
    assert a.shape == () and a.item() == 3.25
    assert b.shape == (0,) and c.shape == (3, 0, 2)


def test_non_contiguous_tensor_keeps_its_layout():
    base = torsh.arange(12.0).reshape(3, 4)
    view = base.t()[1:, ::2]
    loaded = roundtrip(view)
    same(loaded, view)
    assert loaded.stride() == view.stride() and loaded.storage_offset() == view.storage_offset()
    assert loaded.tolist() == [[1.0, 9.0], [2.0, 10.0], [3.0, 11.0]]


def test_views_share_storage_after_load():
    base = torsh.arange(6.0)
    state = {"base": base, "window": base[1:4], "grid": base.view(2, 3)}
    loaded = roundtrip(state)
    loaded["window"][0] = 100.0
    assert loaded["base"].tolist() == [0.0, 100.0, 2.0, 3.0, 4.0, 5.0]
    assert loaded["grid"][0, 1].item() == 100.0
    assert loaded["window"].untyped_storage() is loaded["base"].untyped_storage()
    assert base.tolist() == [0.0, 1.0, 2.0, 3.0, 4.0, 5.0]  # the saved tensor is untouched


def test_views_are_written_once(tmp_path):
    base = torsh.zeros(1000, dtype=torsh.float64)
    save({"base": base}, tmp_path / "one.pt")
    save({"base": base, "a": base[10:20], "b": base.view(10, 100).t()}, tmp_path / "views.pt")
    one, views = (os.path.getsize(tmp_path / n) for n in ("one.pt", "views.pt"))
    assert 8000 < one < views < 8000 + 1000  # a second copy would add 8000 bytes


def test_same_tensor_twice_loads_as_one_object():
    t = torsh.ones(2)
    loaded = roundtrip([t, t, {"again": t}])
    assert loaded[0] is loaded[1] is loaded[2]["again"]


def test_nested_structures_numbers_and_strings():
    weight = torsh.tensor([[1.0, 2.0]], requires_grad=True)
    state = {
        "model": collections.OrderedDict([("fc.weight", weight), ("fc.bias", torsh.zeros(1))]),
        "optimizer": {"state": {0: {"step": 3, "exp_avg": torsh.ones(1, 2)}},
                      "param_groups": [{"lr": 1e-3, "betas": (0.9, 0.999), "params": [0],
                                        "nesterov": False, "foreach": None}]},
        "epoch": 7, "loss": float("-inf"), "best": float("nan"), "tag": "run-α",
        "big": 2 ** 70, "neg_zero": -0.0, "shape": torsh.Size([2, 3]),
        "dtype": torsh.float16, "device": torsh.device("cpu"), "raw": b"\x00\xff",
        1.5: "float key", None: "none key", True: "bool key", "empty": ([], {}, ()),
    }
    loaded = roundtrip(state)
    assert type(loaded["model"]) is collections.OrderedDict
    assert list(loaded["model"]) == ["fc.weight", "fc.bias"]
    assert loaded["model"]["fc.weight"].requires_grad and loaded["model"]["fc.weight"].is_leaf
    assert not loaded["model"]["fc.bias"].requires_grad
    group = loaded["optimizer"]["param_groups"][0]
    assert group == {"lr": 1e-3, "betas": (0.9, 0.999), "params": [0], "nesterov": False,
                     "foreach": None}
    assert list(loaded["optimizer"]["state"]) == [0]  # int keys stay ints
    assert loaded["optimizer"]["state"][0]["step"] == 3
    assert loaded["epoch"] == 7 and type(loaded["epoch"]) is int
    assert loaded["loss"] == float("-inf") and math.isnan(loaded["best"])
    assert loaded["tag"] == "run-α" and loaded["big"] == 2 ** 70
    assert math.copysign(1, loaded["neg_zero"]) == -1
    assert type(loaded["shape"]) is torsh.Size and loaded["shape"] == (2, 3)
    assert loaded["dtype"] is torsh.float16 and loaded["device"] == torsh.device("cpu")
    assert loaded["raw"] == b"\x00\xff"
    assert loaded[1.5] == "float key" and loaded[None] == "none key" and loaded[True] == "bool key"
    assert loaded["empty"] == ([], {}, ())


def test_plain_values_without_tensors():
    for value in (None, 0, -3, 2.5, "text", [1, [2, (3,)]], {"a": {"b": [None]}}):
        assert roundtrip(value) == value


def test_path_and_file_object_targets(tmp_path):
    path = tmp_path / "ckpt.pt"
    save({"w": torsh.arange(3)}, path)
    assert load(path)["w"].tolist() == [0, 1, 2]
    assert load(str(path))["w"].tolist() == [0, 1, 2]
    with open(path, "rb") as handle:
        assert load(handle)["w"].tolist() == [0, 1, 2]
    with open(tmp_path / "other.pt", "wb") as handle:
        save([1, 2], handle)
    assert load(tmp_path / "other.pt") == [1, 2]


def test_map_location_variants():
    state = {"w": torsh.arange(4.0).view(2, 2)}
    for where in ("cpu", torsh.device("cpu"), {"cpu": "cpu"}):
        assert roundtrip(state, map_location=where)["w"].device == torsh.device("cpu")
    seen = []

    def locate(storage, location):
        seen.append(location)
        return storage

    assert roundtrip(state, map_location=locate)["w"].tolist() == [[0.0, 1.0], [2.0, 3.0]]
    assert seen == ["cpu"]


def test_loaded_tensors_are_independent_and_writable():
    original = torsh.arange(3.0)
    loaded = roundtrip(original)
    loaded.add_(1)
    assert loaded.tolist() == [1.0, 2.0, 3.0] and original.tolist() == [0.0, 1.0, 2.0]


# ---------------------------------------------------------------- atomic writes

def test_unserializable_value_leaves_target_untouched(tmp_path):
    path = tmp_path / "ckpt.pt"
    save({"ok": 1}, path)
    before = path.read_bytes()
    with pytest.raises(TypeError, match=r"cannot store the saved object\['bad'\]\[0\] of type"):
        save({"good": torsh.ones(3), "bad": [object()]}, path)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["ckpt.pt"]


def test_failure_midway_through_writing_leaves_target_untouched(tmp_path, monkeypatch):
    path = tmp_path / "ckpt.pt"
    save("old", path)
    before = path.read_bytes()
    real, calls = native.storage_array, []

    def flaky(storage, dtype):
        calls.append(1)
        if len(calls) == 4:  # 2 calls plan the header, the 4th writes the second storage
            raise OSError("disk full")
        return real(storage, dtype)

    monkeypatch.setattr(native, "storage_array", flaky)
    with pytest.raises(OSError, match="disk full"):
        save([torsh.ones(3), torsh.zeros(2)], path)
    assert path.read_bytes() == before and load(path) == "old"
    assert os.listdir(tmp_path) == ["ckpt.pt"]


def test_unsupported_keys_and_recursion_are_rejected():
    with pytest.raises(UnsupportedValue, match="keys must be str"):
        save({(1, 2): 3}, io.BytesIO())
    loop = []
    loop.append(loop)
    with pytest.raises(UnsupportedValue, match="contains itself"):
        save(loop, io.BytesIO())
    assert issubclass(UnsupportedValue, TorshError) and issubclass(UnsupportedValue, TypeError)


# ---------------------------------------------------------------- bad files

def checkpoint_bytes(obj):
    buffer = io.BytesIO()
    save(obj, buffer)
    return buffer.getvalue()


def rewrite_header(data, change):
    """A copy of checkpoint `data` whose JSON header is passed through `change`."""
    _, version, size = native.PREAMBLE.unpack_from(data)
    header_end = native.PREAMBLE.size + size
    header = json.loads(data[native.PREAMBLE.size:header_end])
    change(header)
    text = json.dumps(header).encode()
    preamble = native.PREAMBLE.pack(native.MAGIC, version, len(text))
    padding = bytes(-(len(preamble) + len(text)) % native.ALIGN)
    return preamble + text + padding + data[header_end + (-header_end % native.ALIGN):]


def load_bytes(data, tmp_path, name="bad.pt"):
    path = tmp_path / name
    path.write_bytes(data)
    return load(path)


def test_checkpoint_error_is_a_torsh_runtime_error():
    assert issubclass(CheckpointError, TorshError) and issubclass(CheckpointError, RuntimeError)


def test_truncated_files_raise_at_every_length(tmp_path):
    data = checkpoint_bytes({"w": torsh.arange(5.0), "n": 1})
    for length in sorted({0, 3, 12, native.PREAMBLE.size, native.PREAMBLE.size + 10,
                          len(data) // 2, len(data) - 1}):
        with pytest.raises(CheckpointError, match=r"bad\.pt' (is truncated|is empty)"):
            load_bytes(data[:length], tmp_path)


def test_bad_magic_and_version(tmp_path):
    data = checkpoint_bytes([1])
    with pytest.raises(CheckpointError, match=r"bad\.pt' is not a torsh checkpoint: bad magic"):
        load_bytes(b"XXXXXXXX" + data[8:], tmp_path)
    newer = data[:8] + struct.pack("<I", 99) + data[12:]
    with pytest.raises(CheckpointError, match="format version 99"):
        load_bytes(newer, tmp_path)


def test_bad_json_header(tmp_path):
    data = bytearray(checkpoint_bytes({"a": 1}))
    data[native.PREAMBLE.size] = ord("#")
    with pytest.raises(CheckpointError, match="corrupted header .not valid JSON"):
        load_bytes(bytes(data), tmp_path)


def test_flipped_data_byte_fails_the_checksum(tmp_path):
    data = bytearray(checkpoint_bytes(torsh.arange(4.0)))
    data[-native.ALIGN + 5] ^= 0x40  # inside the 16 data bytes, before the padding
    with pytest.raises(CheckpointError, match="storage 0 fails its crc32 check"):
        load_bytes(bytes(data), tmp_path)


@pytest.mark.parametrize("edit, message", [
    (lambda h: h["tensors"][0].update(offset=90), "reaching element 95 of a storage of 6"),
    (lambda h: h["tensors"][0].update(shape=[7, 1]), "offsets out of range"),
    (lambda h: h["tensors"][0].update(stride=[-1, 1]), "not a non-negative integer"),
    (lambda h: h["tensors"][0].update(storage=5), "refers to storage 5"),
    (lambda h: h["storages"][0].update(numel=600), "storage 0 at bytes 0...2400"),
    (lambda h: h["storages"][0].update(dtype="complex7"), "unknown dtype 'complex7'"),
    (lambda h: h["storages"][0].update(device="tpu"), "device 'tpu' that torsh cannot use"),
    (lambda h: h.update(object={"eval": "print(1)"}), "unknown kind 'eval'"),
    (lambda h: h.update(object={"tensor": 3}), "malformed"),
    (lambda h: h.update(object={"float": "1e999"}), "malformed"),
    (lambda h: h.pop("tensors"), "missing storages/tensors"),
])
def test_corrupted_header_fields(tmp_path, edit, message):
    data = checkpoint_bytes(torsh.arange(6.0).view(2, 3))
    with pytest.raises(CheckpointError, match=message) as info:
        load_bytes(rewrite_header(data, edit), tmp_path)
    assert "bad.pt" in str(info.value)


class Boom:
    """Unpickling this would run code: it must never happen."""

    def __reduce__(self):
        return (os.system, ("echo pwned > /dev/null",))


def test_pickle_and_zip_files_are_rejected_without_running_them(tmp_path, monkeypatch):
    payload = pickle.dumps(Boom(), protocol=2)
    ran = []
    monkeypatch.setattr(pickle, "loads", lambda *a, **k: ran.append("pickle.loads"))
    monkeypatch.setattr(pickle, "load", lambda *a, **k: ran.append("pickle.load"))
    monkeypatch.setattr(os, "system", lambda *a: ran.append("os.system"))
    with pytest.raises(CheckpointError, match="looks like a pickle: torsh never unpickles"):
        load_bytes(payload, tmp_path)
    with pytest.raises(CheckpointError, match="zip archive"):
        load_bytes(b"PK\x03\x04" + b"\x00" * 40, tmp_path)
    with pytest.raises(CheckpointError, match="bad magic"):
        load_bytes(b"hello, world\n", tmp_path, name="notes.txt")
    assert ran == []


def test_weights_only_false_is_still_safe(tmp_path):
    with pytest.raises(CheckpointError, match="never unpickles"):
        load_bytes(pickle.dumps([1]), tmp_path)
    assert roundtrip({"a": 1}, weights_only=False) == {"a": 1}


def test_text_mode_file_is_a_type_error(tmp_path):
    path = tmp_path / "c.pt"
    save(1, path)
    with open(path, "r", encoding="latin-1") as handle, pytest.raises(TypeError, match="binary"):
        load(handle)


# ---------------------------------------------------------------- safetensors

def safetensors_bytes(header, data):
    text = json.dumps(header).encode()
    return struct.pack("<Q", len(text)) + text + data


def test_reads_hand_made_safetensors_file(tmp_path):
    data = struct.pack("<3f", 1.0, -2.0, 0.5) + struct.pack("<2q", 7, -9) + b"\x01\x00"
    header = {"__metadata__": {"format": "pt"},
              "w": {"dtype": "F32", "shape": [3], "data_offsets": [0, 12]},
              "i": {"dtype": "I64", "shape": [2, 1], "data_offsets": [12, 28]},
              "m": {"dtype": "BOOL", "shape": [2], "data_offsets": [28, 30]},
              "s": {"dtype": "F64", "shape": [], "data_offsets": [30, 30 + 0]}}
    header["s"]["data_offsets"] = [30, 38]
    raw = safetensors_bytes(header, data + struct.pack("<d", 2.5))
    loaded = load_bytes(raw, tmp_path, name="model.safetensors")
    assert list(loaded) == ["w", "i", "m", "s"]
    assert loaded["w"].dtype == torsh.float32 and loaded["w"].tolist() == [1.0, -2.0, 0.5]
    assert loaded["i"].shape == (2, 1) and loaded["i"].tolist() == [[7], [-9]]
    assert loaded["m"].tolist() == [True, False] and loaded["s"].item() == 2.5
    assert load_safetensors(tmp_path / "model.safetensors")["w"].tolist() == [1.0, -2.0, 0.5]


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: d.name)
def test_safetensors_round_trip(tmp_path, dtype):
    values = torsh.tensor([[1, 0, 1], [0, 1, 1]], dtype=dtype)
    strided = values.t()  # non-contiguous: written as a contiguous copy
    save_safetensors({"a": values, "b": strided}, tmp_path / "x.safetensors",
                     metadata={"step": "3"})
    loaded = load(tmp_path / "x.safetensors")
    same(loaded["a"], values)
    same(loaded["b"], strided)
    assert loaded["b"].is_contiguous()
    header_size = struct.unpack("<Q", (tmp_path / "x.safetensors").read_bytes()[:8])[0]
    assert header_size % 8 == 0


@pytest.mark.parametrize("header, data, message", [
    ({"w": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}}, b"\x00" * 4,
     "offsets out of range"),
    ({"w": {"dtype": "F32", "shape": [3], "data_offsets": [0, 8]}}, b"\x00" * 8,
     "needs 12 bytes but data_offsets span 8"),
    ({"w": {"dtype": "F8_E4M3", "shape": [1], "data_offsets": [0, 1]}}, b"\x00",
     "unknown dtype 'F8_E4M3'"),
    ({"w": {"dtype": "F32", "shape": [-1], "data_offsets": [0, 0]}}, b"",
     "shape or data_offsets malformed"),
])
def test_bad_safetensors_files(tmp_path, header, data, message):
    with pytest.raises(CheckpointError, match=message):
        load_bytes(safetensors_bytes(header, data), tmp_path, name="m.safetensors")


def test_truncated_safetensors_header(tmp_path):
    raw = safetensors_bytes({"w": {"dtype": "F32", "shape": [0], "data_offsets": [0, 0]}}, b"")
    with pytest.raises(CheckpointError, match="m.safetensors' is truncated"):
        load_bytes(raw[:20], tmp_path, name="m.safetensors")
    with pytest.raises(CheckpointError, match="not valid JSON"):
        load_bytes(raw[:8] + b"{" + b"\xff" * (len(raw) - 9), tmp_path, name="m.safetensors")


def test_save_safetensors_rejects_non_tensors(tmp_path):
    with pytest.raises(TypeError, match="must map a str to a tensor"):
        save_safetensors({"a": 1}, tmp_path / "x.safetensors")
    assert not (tmp_path / "x.safetensors").exists()


# ---------------------------------------------------------------- with torsh.nn and torsh.optim

def test_training_checkpoint_resumes_model_and_optimizer(tmp_path):
    nn = pytest.importorskip("torsh.nn")
    optim = pytest.importorskip("torsh.optim")
    torsh.manual_seed(0)
    model = nn.Linear(3, 2)
    optimizer = optim.Adam(model.parameters(), lr=0.1)
    model(torsh.ones(4, 3)).sum().backward()
    optimizer.step()
    save({"model": model.state_dict(), "optim": optimizer.state_dict(), "epoch": 1},
         tmp_path / "ckpt.pt")

    checkpoint = load(tmp_path / "ckpt.pt", map_location="cpu")
    resumed = nn.Linear(3, 2)
    resumed.load_state_dict(checkpoint["model"])
    resumed_optimizer = optim.Adam(resumed.parameters(), lr=0.5)
    resumed_optimizer.load_state_dict(checkpoint["optim"])
    assert resumed.weight.tolist() == model.weight.tolist()
    assert resumed_optimizer.param_groups[0]["lr"] == 0.1
    saved_state = optimizer.state_dict()["state"]
    loaded_state = resumed_optimizer.state_dict()["state"]
    assert loaded_state[0]["exp_avg"].tolist() == saved_state[0]["exp_avg"].tolist()
    for net, opt in ((model, optimizer), (resumed, resumed_optimizer)):
        opt.zero_grad()
        net(torsh.ones(4, 3)).sum().backward()
        opt.step()
    assert resumed.weight.tolist() == model.weight.tolist()


def test_parameters_load_as_parameters():
    nn = pytest.importorskip("torsh.nn")
    frozen = nn.Parameter(torsh.ones(2), requires_grad=False)
    trained = nn.Parameter(torsh.zeros(2))
    a, b = roundtrip([frozen, trained])
    assert type(a) is nn.Parameter and not a.requires_grad
    assert type(b) is nn.Parameter and b.requires_grad and b.is_leaf


def test_atomic_write_keeps_usual_permissions_and_follows_symlinks(tmp_path):
    umask = os.umask(0o022)
    os.umask(umask)
    save(1, tmp_path / "new.pt")
    assert os.stat(tmp_path / "new.pt").st_mode & 0o777 == 0o666 & ~umask
    (tmp_path / "real.pt").write_bytes(b"")
    os.chmod(tmp_path / "real.pt", 0o640)
    os.symlink(tmp_path / "real.pt", tmp_path / "link.pt")
    save([2], tmp_path / "link.pt")
    assert os.path.islink(tmp_path / "link.pt") and load(tmp_path / "real.pt") == [2]
    assert os.stat(tmp_path / "real.pt").st_mode & 0o777 == 0o640
