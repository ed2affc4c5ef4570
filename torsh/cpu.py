"""torsh.cpu: the CPU device's memory, as `torch.cuda`'s memory functions describe a GPU's.

Tensor buffers on the CPU come from a caching allocator (`torsh/_core/allocator.py`): a freed
buffer of 64 KiB or more is kept for the next tensor of its size, so a training step reuses the
last step's outputs instead of page-faulting fresh memory in. What it keeps is bounded
(`cache_limit()`, by default an eighth of physical memory and at most 2 GiB, or
TORSH_CPU_CACHE_LIMIT bytes), and `empty_cache()` hands all of it back.

    torsh.cpu.memory_allocated()      bytes held by live tensors' storages
    torsh.cpu.max_memory_allocated()  the peak of that since start or the last reset
    torsh.cpu.memory_reserved()       allocated plus cached for reuse
    torsh.cpu.empty_cache(), reset_peak_memory_stats(), memory_stats()
    torsh.cpu.set_cache_limit(nbytes), cache_limit()

Storages made from existing memory (`torsh.from_numpy`, loaded files) are not counted: they
belong to whoever made that memory.
"""
from __future__ import annotations

from ._core.allocator import (cache_limit, empty_cache, max_memory_allocated,  # noqa: F401
                              memory_allocated, memory_reserved, memory_stats,
                              reset_peak_memory_stats, set_cache_limit)


def is_available() -> bool:
    """The CPU is always there."""
    return True


def device_count() -> int:
    return 1


__all__ = ["cache_limit", "empty_cache", "max_memory_allocated", "memory_allocated",
           "memory_reserved", "memory_stats", "reset_peak_memory_stats", "set_cache_limit",
           "is_available", "device_count"]
