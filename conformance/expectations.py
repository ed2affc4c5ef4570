"""Stored PyTorch results: one JSON file per case family, plus a manifest.

A record is keyed `"<case id>|<dtype>"` and holds the outputs and gradients as
`[dtype, shape, flat values]` triples, or the exception PyTorch raised (its class and every
builtin class it is an instance of). JSON keeps the files diffable and small; NaN and
infinities are written as Python's json writes them.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from .run import Array, Result

FOLDER = Path(__file__).parent / "expectations"
MANIFEST = FOLDER / "manifest.json"


def key(case, dtype: str) -> str:
    return f"{case.id}|{dtype}"


def encode(result: Result) -> dict:
    if result.error:
        return {"error": result.error, "error_classes": list(result.error_classes)}
    def pack(arrays):
        return [[a.dtype, list(a.shape), np.asarray(a.values).reshape(-1).tolist()]
                for a in arrays]
    record = {"out": pack(result.outputs)}
    if result.grads:
        record["grad"] = pack(result.grads)
    if result.modified:      # PyTorch changed an argument, as some callables mean it to
        record["modified"] = list(result.modified)
    return record


def decode(record: dict) -> Result:
    if "error" in record:
        return Result(error=record["error"], error_classes=tuple(record["error_classes"]))
    def unpack(items):
        arrays = []
        for dtype, shape, values in items:
            data = np.array(values, dtype=bool if dtype in ("bool", "pybool") else None)
            arrays.append(Array(dtype, tuple(shape), data.reshape(shape)))
        return arrays
    return Result(outputs=unpack(record["out"]), grads=unpack(record.get("grad", [])),
                  modified=tuple(record.get("modified", ())))


def load(family: str) -> dict:
    path = FOLDER / f"{family}.json"
    if not path.exists():
        return {}
    return json.loads(path.read_text())


def save(family: str, records: dict) -> None:
    FOLDER.mkdir(exist_ok=True)
    text = json.dumps(records, sort_keys=True, separators=(",", ":"))
    (FOLDER / f"{family}.json").write_text(text + "\n")


def manifest() -> dict:
    return json.loads(MANIFEST.read_text()) if MANIFEST.exists() else {}
