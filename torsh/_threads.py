"""torsh.set_num_threads / get_num_threads: how many threads the C kernels use.

Defaults to OMP_NUM_THREADS, else the core count (OpenMP's own default). Without the C
kernels everything runs on one Python thread and the setting is only remembered.
"""
from __future__ import annotations

import os

_requested: list = []


def set_num_threads(n: int) -> None:
    """Use n threads in the C kernels (n >= 1)."""
    if not isinstance(n, int) or isinstance(n, bool) or n < 1:
        raise RuntimeError(f"set_num_threads expects a positive integer, got {n!r}")
    from .backends import C_BACKEND
    _requested[:] = [n]
    if C_BACKEND.is_available():
        C_BACKEND.set_num_threads(n)


def get_num_threads() -> int:
    from .backends import C_BACKEND
    if C_BACKEND.is_available():
        return C_BACKEND.get_num_threads()
    if _requested:
        return _requested[0]
    from_env = os.environ.get("OMP_NUM_THREADS", "")
    return int(from_env) if from_env.isdigit() and int(from_env) > 0 else os.cpu_count() or 1
