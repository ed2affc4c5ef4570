"""Grad modes: `no_grad`, `enable_grad`, `set_grad_enabled`, `inference_mode`.

Each works as a context manager and as a decorator. The state is one flag read by the
dispatcher before it records a graph node.
"""
from __future__ import annotations

import functools
import inspect

_state = {"enabled": True, "inference": False}


def is_grad_enabled() -> bool:
    return _state["enabled"]


def is_inference_mode_enabled() -> bool:
    return _state["inference"]


class _GradMode:
    """Base: sets the flag on entry, restores it on exit, wraps functions when used bare."""

    enabled = True

    def __new__(cls, *args, **kwargs):
        # `@no_grad` without parentheses: the class is called with the function itself.
        if len(args) == 1 and callable(args[0]) and cls is not set_grad_enabled:
            return cls()(args[0])
        return super().__new__(cls)

    def __init__(self, *args):
        self._saved = []

    def __enter__(self):
        self._saved.append((_state["enabled"], _state["inference"]))
        self._set()
        return self

    def _set(self) -> None:
        _state["enabled"] = self.enabled

    def __exit__(self, *exc):
        _state["enabled"], _state["inference"] = self._saved.pop()
        return False

    def __call__(self, fn):
        if inspect.isgeneratorfunction(fn):
            return self._wrap_generator(fn)

        @functools.wraps(fn)
        def wrapped(*args, **kwargs):
            with self.__class__(*self._args()):
                return fn(*args, **kwargs)
        return wrapped

    def _wrap_generator(self, fn):
        """The mode holds while the generator runs, not while its caller does."""
        @functools.wraps(fn)
        def wrapped(*args, **kwargs):
            generator = fn(*args, **kwargs)
            response = None
            while True:
                try:
                    with self.__class__(*self._args()):
                        request = generator.send(response)
                except StopIteration as stop:
                    return stop.value
                response = yield request
        return wrapped

    def _args(self):
        return ()


class no_grad(_GradMode):
    """Ops inside record no graph: results have requires_grad=False."""
    enabled = False


class enable_grad(_GradMode):
    enabled = True


class set_grad_enabled(_GradMode):
    def __init__(self, mode: bool):
        super().__init__()
        if callable(mode):
            raise TypeError(f"set_grad_enabled(): argument 'mode' must be bool, not "
                            f"{type(mode).__name__}")
        self.enabled = bool(mode)
        _state["enabled_requested"] = self.enabled
        # Like PyTorch, calling set_grad_enabled(False) as a function takes effect at once.
        self._previous = (_state["enabled"], _state["inference"])
        _state["enabled"] = self.enabled

    def __enter__(self):
        self._saved.append(self._previous)
        return self

    def __call__(self, fn):
        # Used as a decorator, the mode applies only inside fn: undo the immediate switch.
        _state["enabled"], _state["inference"] = self._previous
        return super().__call__(fn)

    def _args(self):
        return (self.enabled,)


class inference_mode(_GradMode):
    """Like no_grad; tensors made inside are inference tensors."""

    def __init__(self, mode: bool = True):
        super().__init__()
        self.mode = bool(mode)

    def _set(self) -> None:
        _state["enabled"] = not self.mode
        _state["inference"] = self.mode

    def _args(self):
        return (self.mode,)
