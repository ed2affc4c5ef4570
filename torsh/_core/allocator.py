"""The CPU caching allocator: a freed tensor buffer is kept for the next tensor of its size.

Every op makes a fresh output. Asking the system for it each time costs twice: numpy's
allocation on every small op, and, for large buffers, page faults on the first touch of
memory the C library has just handed back to the kernel (PyTorch pays 4-7x on fresh 64 MB
outputs). A training loop makes the same sizes step after step, so a buffer freed in one step
is the output of the same op in the next: it is kept here, by (element count, dtype), with
the kernel pointer the C backend made for it, and handed out again.

Bounded, so it never hoards memory the program needs: at most `cache_limit()` bytes and
`MAX_CACHED_BUFFERS` sizes are kept (the sizes first cached longest ago go first);
`empty_cache()` returns all of them; an allocation the system refuses empties the cache and tries again.

    memory_allocated()  bytes in live storages this allocator served
    memory_reserved()   memory_allocated() plus the bytes cached for reuse
    max_memory_allocated(), reset_peak_memory_stats(), memory_stats(), empty_cache()

A buffer still referenced outside its storage (a numpy view from `tensor.numpy()`) is never
reused: it stays with that view and leaves the count when its storage dies.
"""
from __future__ import annotations

import os
from sys import getrefcount

import numpy as np

from .storage import Storage

MAX_CACHED_BUFFERS = 4096
# Cached buffers start on a cache line: vector loads and stores then never straddle two lines
# (the C library's heap gives 16-byte alignment, which costs memory-bound kernels ~10%).
ALIGNMENT = 64
# Smaller buffers are counted but not cached: the C library's heap already reuses them
# without page faults, faster than a cache written in Python could.
POOL_MIN_BYTES = 1 << 16


def _default_limit() -> int:
    """TORSH_CPU_CACHE_LIMIT (bytes) if set, else an eighth of physical memory, at most 2 GiB."""
    if os.environ.get("TORSH_CPU_CACHE_LIMIT"):
        return int(os.environ["TORSH_CPU_CACHE_LIMIT"])
    try:
        physical = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        physical = 8 << 30
    return min(physical // 8, 2 << 30)


class _State:
    """The allocator's counters (an instance: writing a class's attributes is slow)."""

    __slots__ = ("limit", "allocated", "peak", "cached", "allocations", "reuses", "retries",
                 "free")

    def __init__(self):
        self.limit = _default_limit()
        self.allocated = 0      # bytes in live pooled storages
        self.peak = 0
        self.cached = 0         # bytes of free buffers kept
        self.allocations = 0    # requests served
        self.reuses = 0         # ... of which from the cache
        self.retries = 0        # allocations retried after emptying the cache
        # (count, dtype) -> [(array, handle), ...]; dict order: sizes freed longest ago first
        self.free = {}


_state = _State()


class CountedStorage(Storage):
    """A storage whose bytes leave memory_allocated() when it dies."""

    __slots__ = ("served",)

    def __del__(self):
        try:
            _state.allocated -= self.served
        except Exception:   # interpreter shutdown: the module may be half torn down
            pass


class PooledStorage(Storage):
    """A storage whose buffer returns to the cache when it dies."""

    __slots__ = ("served", "key")

    def __del__(self):
        try:
            _release(self)
        except Exception:
            pass


def allocate(count: int, dtype) -> Storage:
    """A storage of `count` uninitialised elements of torsh dtype `dtype`."""
    state = _state
    state.allocations += 1
    nbytes = count * dtype.itemsize
    if nbytes < POOL_MIN_BYTES:                 # the C library's heap serves these well
        storage = CountedStorage(np.empty(count, dtype=dtype.numpy))
    else:
        key = (count, dtype)
        kept = state.free.get(key)
        if kept:
            array, handle = kept.pop()
            state.cached -= nbytes
            state.reuses += 1
        else:
            array, handle = _fresh(state, count, dtype), None
        storage = PooledStorage(array)
        storage.handle, storage.key = handle, key
    storage.served = nbytes
    state.allocated += nbytes
    if state.allocated > state.peak:
        state.peak = state.allocated
    return storage


def _fresh(state: _State, count: int, dtype) -> np.ndarray:
    try:
        return _aligned_empty(count, dtype)
    except MemoryError:
        state.retries += 1
        empty_cache()
        return _aligned_empty(count, dtype)


def _aligned_empty(count: int, dtype) -> np.ndarray:
    """np.empty(count, dtype) whose first element lies on an ALIGNMENT-byte boundary."""
    nbytes = count * dtype.itemsize
    raw = np.empty(nbytes + ALIGNMENT, dtype=np.uint8)
    start = -raw.ctypes.data % ALIGNMENT
    return raw[start:start + nbytes].view(dtype.numpy)


def _release(storage: PooledStorage) -> None:
    state = _state
    nbytes = storage.served
    state.allocated -= nbytes
    array, handle = storage.data, storage.handle
    # Reused only if nothing but the storage, its handle, `array` here and getrefcount's
    # argument refers to the array, and nothing but the array (and `owner`, and getrefcount's
    # argument) to the memory it views (numpy views of it name that owner as their base).
    owner = array.base
    if getrefcount(array) != 3 + (handle is not None) \
            or owner is not None and getrefcount(owner) != 3 or nbytes > state.limit:
        return
    kept = state.free.get(storage.key)
    if kept is None:
        kept = state.free[storage.key] = []
    kept.append((array, handle))
    state.cached += nbytes
    if state.cached > state.limit or len(state.free) > MAX_CACHED_BUFFERS:
        _trim(state.limit)


def _trim(limit: int) -> None:
    """Drop cached buffers, sizes first cached longest ago first (sizes with no buffer kept
    go too), until at most `limit` bytes and MAX_CACHED_BUFFERS sizes remain."""
    state = _state
    for key in list(state.free):
        if state.cached <= limit and len(state.free) <= MAX_CACHED_BUFFERS:
            return
        for array, _ in state.free.pop(key, ()):
            state.cached -= array.nbytes


def empty_cache() -> None:
    """Return every cached buffer to the system."""
    _trim(-1)


def memory_allocated() -> int:
    return _state.allocated


def max_memory_allocated() -> int:
    return _state.peak


def memory_reserved() -> int:
    return _state.allocated + _state.cached


def reset_peak_memory_stats() -> None:
    _state.peak = _state.allocated


def cache_limit() -> int:
    return _state.limit


def set_cache_limit(nbytes: int) -> None:
    """Keep at most `nbytes` of freed buffers (0 turns caching off)."""
    if nbytes < 0:
        raise ValueError(f"set_cache_limit: expected a size in bytes >= 0, got {nbytes}")
    _state.limit = int(nbytes)
    _trim(_state.limit)


def memory_stats() -> dict:
    state = _state
    return {"allocated_bytes.current": state.allocated, "allocated_bytes.peak": state.peak,
            "reserved_bytes.current": state.allocated + state.cached,
            "cached_bytes.current": state.cached, "cached_buffers": sum(
                len(kept) for kept in state.free.values()),
            "num_alloc_retries": state.retries, "allocations": state.allocations,
            "cache_hits": state.reuses, "cache_limit": state.limit}
