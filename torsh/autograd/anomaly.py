"""Anomaly mode: find the forward line behind a bad backward.

While anomaly mode is on, every node recorded keeps the stack of the forward call that made it
(`graph.Node.stack`), and (with check_nan) the engine raises as soon as a node's backward
returns NaN: "Function 'DivBackward0' returned nan values in its 1th output.", followed by that
forward stack. The whole state is the flag `graph._anomaly`; this module only switches it.
"""
from __future__ import annotations

import functools
import warnings

from . import graph

__all__ = ["detect_anomaly", "set_detect_anomaly", "is_anomaly_enabled",
           "is_anomaly_check_nan_enabled", "set_anomaly_enabled"]


def is_anomaly_enabled() -> bool:
    return graph._anomaly["enabled"]


def is_anomaly_check_nan_enabled() -> bool:
    return graph._anomaly["check_nan"]


def set_anomaly_enabled(enabled: bool, check_nan: bool = True) -> None:
    graph._anomaly["enabled"] = bool(enabled)
    graph._anomaly["check_nan"] = bool(check_nan)


class detect_anomaly:
    """Context manager (and decorator) that turns anomaly mode on; warns that it is slow.

    PyTorch's `detect_anomaly` is a context manager only; torsh also accepts it as a decorator.
    """

    def __init__(self, check_nan: bool = True) -> None:
        self.check_nan = check_nan
        self._saved: list = []
        warnings.warn("Anomaly Detection has been enabled. This mode will increase the runtime "
                      "and should only be enabled for debugging.", stacklevel=2)

    def __enter__(self) -> None:
        self._saved.append((is_anomaly_enabled(), is_anomaly_check_nan_enabled()))
        set_anomaly_enabled(True, self.check_nan)

    def __exit__(self, *exc) -> bool:
        set_anomaly_enabled(*self._saved.pop())
        return False

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapped(*args, **kwargs):
            with self:
                return fn(*args, **kwargs)
        return wrapped


class set_detect_anomaly:
    """Set anomaly mode to `mode` now; as a context manager, restore the old mode on exit."""

    def __init__(self, mode: bool, check_nan: bool = True) -> None:
        self._previous = (is_anomaly_enabled(), is_anomaly_check_nan_enabled())
        set_anomaly_enabled(mode, check_nan)

    def __enter__(self) -> None:
        pass

    def __exit__(self, *exc) -> bool:
        set_anomaly_enabled(*self._previous)
        return False
