"""Timing: the median time of one call, from several repeats of enough calls to be measurable."""
from __future__ import annotations

import statistics
import time
from typing import Callable

# A repeat runs the function enough times to last at least this long (timer resolution and
# one-off hiccups matter less), but never fewer than once: a slow reference op runs once.
MIN_REPEAT_SECONDS = 0.02


def calls_per_repeat(fn: Callable[[], object]) -> int:
    """How many calls make one repeat last MIN_REPEAT_SECONDS (after a warm-up call, which
    alone may show that one call is enough)."""
    start = time.perf_counter()
    fn()
    if time.perf_counter() - start >= MIN_REPEAT_SECONDS:
        return 1
    number = 1
    while True:
        start = time.perf_counter()
        for _ in range(number):
            fn()
        elapsed = time.perf_counter() - start
        if elapsed >= MIN_REPEAT_SECONDS:
            return number
        number *= 10 if elapsed < MIN_REPEAT_SECONDS / 10 else 2


def median_seconds(fn: Callable[[], object], repeat: int = 5) -> float:
    """The median over `repeat` repeats of the mean time of one call within a repeat."""
    number = calls_per_repeat(fn)
    per_call = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            fn()
        per_call.append((time.perf_counter() - start) / number)
    return statistics.median(per_call)


def summarize(samples: list) -> dict:
    """Median, min, max and spread (half the range, relative to the median) of per-call
    times, with the samples themselves."""
    median = statistics.median(samples)
    spread = (max(samples) - min(samples)) / 2 / median if median > 0 else 0.0
    return {"median": median, "min": min(samples), "max": max(samples), "spread": spread,
            "samples": list(samples)}


def format_seconds(seconds: float | None) -> str:
    """3 significant figures in s, ms, us or ns."""
    if seconds is None:
        return "-"
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("us", 1e-6)):
        if seconds >= scale:
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds / 1e-9:.3g} ns"


def format_ratio(numerator: float | None, denominator: float | None) -> str:
    if numerator is None or denominator is None or denominator <= 0:
        return "-"
    ratio = numerator / denominator
    return f"{ratio:,.0f}x" if ratio >= 10 else f"{ratio:.2g}x"
