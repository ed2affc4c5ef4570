"""Printing tensors the way PyTorch does: `tensor([[1.0000, 2.5000], ...], dtype=torsh.float64)`.

Floats that are all whole print as `1.`; others with 4 decimals, or in scientific notation when
the magnitudes span more than 1000x or leave [1e-4, 1e8). Tensors of more than 1000 elements
show their first and last 3 entries per dim. The dtype is named unless it is the default
float, int64 or bool.
"""
from __future__ import annotations

import math

import numpy as np

from ._core import dtype as dt

THRESHOLD, EDGE_ITEMS, PRECISION, LINE_WIDTH = 1000, 3, 4, 80


def _float_formatter(values: list[float]):
    finite = [abs(v) for v in values if math.isfinite(v)]
    if not finite:
        return lambda v: _special(v) or f"{v}"
    nonzero = [v for v in finite if v != 0]
    largest, smallest = (max(nonzero), min(nonzero)) if nonzero else (0.0, 0.0)
    spread = largest / smallest > 1000 if nonzero else False
    if all(v == math.floor(v) for v in finite):
        if largest > 1e8 or spread:
            return lambda v: _special(v) or f"{v:.{PRECISION}e}"
        return lambda v: _special(v) or f"{v:.0f}."
    if largest > 1e8 or smallest < 1e-4 or spread:
        return lambda v: _special(v) or f"{v:.{PRECISION}e}"
    return lambda v: _special(v) or f"{v:.{PRECISION}f}"


def _special(v: float) -> str | None:
    if v != v:
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    return None


def _summarized(array: np.ndarray, summarize: bool):
    """Nested lists of the values to show, with None where '...' stands."""
    if array.ndim == 0:
        return array.item()
    n = array.shape[0]
    if summarize and n > 2 * EDGE_ITEMS:
        rows = list(range(EDGE_ITEMS)) + [None] + list(range(n - EDGE_ITEMS, n))
    else:
        rows = list(range(n))
    return [None if r is None else _summarized(array[r], summarize) for r in rows]


def _flatten(nested):
    if isinstance(nested, list):
        for item in nested:
            yield from _flatten(item)
    elif nested is not None:
        yield nested


def _render(nested, fmt, width: int, indent: int, ndim: int) -> str:
    if ndim == 0:
        return fmt(nested).rjust(width)
    if ndim == 1:
        parts = [" ..." if v is None else fmt(v).rjust(width) for v in nested]
        per_line = max(1, (LINE_WIDTH - indent) // (width + 2))
        lines = [", ".join(parts[i:i + per_line]) for i in range(0, len(parts), per_line)]
        return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"
    separator = "," + "\n" * (ndim - 1) + " " * (indent + 1)
    parts = ["..." if item is None else _render(item, fmt, width, indent + 1, ndim - 1)
             for item in nested]
    return "[" + separator.join(parts) + "]"


def format_tensor(tensor) -> str:
    array = tensor.detach().cpu()._numpy_view()
    dtype = tensor.dtype
    suffix = []
    if tensor.numel() == 0:
        body = "[]"
        if tensor.ndim != 1:
            suffix.append(f"size={tuple(tensor.shape)}")
    else:
        summarize = tensor.numel() > THRESHOLD
        if dtype.is_floating_point:
            array = array.astype(np.float64)
        nested = _summarized(array, summarize)
        values = list(_flatten(nested)) if tensor.ndim else [nested]
        if dtype.is_floating_point:
            fmt = _float_formatter(values)
        elif dtype is dt.bool_:
            fmt = lambda v: "True" if v else "False"  # noqa: E731
        else:
            fmt = lambda v: str(v)  # noqa: E731
        plain = [v for v in values if not (dtype.is_floating_point and _special(v))]
        width = max(len(fmt(v)) for v in (plain or values))
        body = _render(nested, fmt, width, len("tensor("), tensor.ndim)
    if dtype not in (dt.get_default_dtype(), dt.int64, dt.bool_) or (
            tensor.numel() == 0 and dtype is not dt.get_default_dtype() and dtype is not dt.int64
            and dtype is not dt.bool_):
        suffix.append(f"dtype=torsh.{dtype.name}")
    if tensor.device.type != "cpu":
        suffix.insert(0, f"device='{tensor.device}'")
    if tensor.grad_fn is not None:
        suffix.append(f"grad_fn=<{tensor.grad_fn.name()}>")
    elif tensor.requires_grad:
        suffix.append("requires_grad=True")
    return "tensor(" + ", ".join([body] + suffix) + ")"
