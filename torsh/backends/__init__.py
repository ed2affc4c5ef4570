"""The backend registry: which backend serves each device, and which kernel serves each op.

A backend is a small object (see `Backend`) that allocates storage, copies to and from the
host, declares the dtypes it supports and offers kernels by op name. Adding a backend never
edits an op. On the CPU the chain is the fast backend first (when one is loaded and enabled),
then the reference, which has every op.

`TORSH_KERNELS=reference` in the environment, or `torsh.backends.use("reference")`, forces the
reference.
"""
from __future__ import annotations

import os
import warnings
from contextlib import contextmanager

import numpy as np

from .._core.device import device as Device
from .._core.errors import UnsupportedDType
from .._core.generator import Generator
from .._core.storage import Storage
from .base import Backend
from .c import C_BACKEND
from .primitives import PRIMITIVES_BACKEND
from .reference import REFERENCE

_BACKENDS: dict[str, Backend] = {"reference": REFERENCE, "primitives": PRIMITIVES_BACKEND,
                                  "c": C_BACKEND}
# The CPU chain: the C kernels first when they are built, then the reference, which has every
# op (the dispatcher also tries an op's decomposition between the two).
_cpu_chain: list[Backend] = [C_BACKEND, REFERENCE] if C_BACKEND.is_available() else [REFERENCE]
if C_BACKEND.is_available():
    from .c.rng import ACCELERATOR
    Generator.accelerator = ACCELERATOR      # the same draws, made in C while C serves
if not C_BACKEND.is_available() and os.environ.get("TORSH_KERNELS") != "reference":
    warnings.warn(f"torsh runs on the pure-Python reference: {C_BACKEND.unavailable_reason()}",
                  RuntimeWarning, stacklevel=2)


def register(backend: Backend) -> None:
    """Make a backend known by name (a third party may call this too)."""
    _BACKENDS[backend.name] = backend


def available() -> list[str]:
    return [name for name, b in _BACKENDS.items() if b.is_available()]


def get(name: str) -> Backend:
    try:
        return _BACKENDS[name]
    except KeyError:
        raise RuntimeError(f"unknown backend {name!r}; known: {sorted(_BACKENDS)}") from None


def use(name: str) -> None:
    """Serve CPU ops from backend `name` first, falling back to the reference."""
    backend = get(name)
    if not backend.is_available():
        raise RuntimeError(f"backend {name!r} is not available: {backend.unavailable_reason()}")
    _cpu_chain[:] = [backend] if backend is REFERENCE else [backend, REFERENCE]


def current() -> str:
    return _cpu_chain[0].name


@contextmanager
def using(name: str):
    saved = list(_cpu_chain)
    use(name)
    try:
        yield
    finally:
        _cpu_chain[:] = saved


def chain_for(device: Device) -> list[Backend]:
    """Backends to try for ops on `device`, best first."""
    if device.type == "cpu":
        return _cpu_chain
    for backend in _BACKENDS.values():
        if backend.device_type == device.type and backend.is_available():
            return [backend]
    raise RuntimeError(f"no backend for device {device}; available: {available()}")


def allocate(count: int, dtype, device: Device) -> Storage:
    backend = chain_for(device)[0]
    if dtype not in backend.dtypes:
        raise UnsupportedDType(f"backend {backend.name} does not support {dtype}")
    return backend.allocate(count, dtype, device)


def _from_environment() -> None:
    choice = os.environ.get("TORSH_KERNELS")
    if choice:
        use(choice)


# ------------------------------------------------------------ which path served each op

class Trace:
    """Records (op, backend, path) for every op dispatched while it is active.

    path is 'native' (the first backend's own kernel), 'reference' (a fast backend lacked the
    kernel, so the reference served it), 'decomposition' (the op ran as other ops), 'view'
    (new geometry over the same storage, no kernel) or 'cpu-roundtrip' (a GPU op computed on
    the host).
    """

    def __init__(self):
        self.calls: list[tuple[str, str, str]] = []

    def counts(self) -> dict:
        result: dict = {}
        for call in self.calls:
            result[call] = result.get(call, 0) + 1
        return result


_tracers: list[Trace] = []


@contextmanager
def trace():
    """`with torsh.backends.trace() as t: ...` then read `t.calls`."""
    tracer = Trace()
    _tracers.append(tracer)
    try:
        yield tracer
    finally:
        _tracers.remove(tracer)


def record(op_name: str, backend: str, path: str) -> None:
    for tracer in _tracers:
        tracer.calls.append((op_name, backend, path))


def numpy_storage(array: np.ndarray) -> Storage:
    return Storage(np.array(array, order="C").reshape(-1))


_from_environment()
