"""Running a case in a library and comparing two results.

`run_case(lib, case, dtype)` materializes the inputs, calls the op, and — for float32/float64
cases with gradients — backpropagates a seeded cotangent. The `Result` holds plain numpy
arrays (outputs, gradients) or the name of the exception raised, so results from torsh, from
PyTorch and from stored expectations compare the same way (`compare`). It also notes every
tensor argument whose values changed during the call or its backward: only an in-place op
(its name ends in `_`) may change its first argument, and `out=` its target.
"""
from __future__ import annotations

import builtins
from contextlib import nullcontext
from dataclasses import dataclass, field

import numpy as np

from .spec import GRAD_DTYPES, Case, call, materialize, seed_for

_BUILTIN_ERRORS = tuple(c for c in vars(builtins).values()
                        if isinstance(c, type) and issubclass(c, Exception))
# Bases that errors of unrelated kinds share: a ZeroDivisionError is no RuntimeError.
_CATCH_ALL = {"Exception", "ArithmeticError", "LookupError"}


@dataclass
class Array:
    """One output or gradient: its dtype name, shape and values (float64/int64/bool)."""
    dtype: str
    shape: tuple
    values: np.ndarray


@dataclass
class Result:
    outputs: list = field(default_factory=list)
    grads: list = field(default_factory=list)
    error: str | None = None
    error_classes: tuple = ()      # every builtin exception the raised error is an instance of
    message: str = ""
    modified: tuple = ()           # labels of tensor arguments changed that should not be


def _dtype_name(tensor) -> str:
    return str(tensor.dtype).split(".")[-1]


def to_array(value) -> Array:
    """A tensor (torsh or torch) or Python number as an `Array`."""
    if hasattr(value, "detach"):
        tensor = value.detach().cpu()
        name = _dtype_name(tensor)
        if tensor.is_floating_point():
            tensor = tensor.double()
        return Array(name, tuple(tensor.shape), np.array(tensor.tolist()).reshape(
            tuple(tensor.shape)))
    kind = "bool" if isinstance(value, bool) else "int" if isinstance(value, int) else "float"
    return Array(f"py{kind}", (), np.array(value))


def flatten(value) -> list:
    """Every tensor or number in a (nested) result, in order."""
    if isinstance(value, (tuple, list)):
        return [leaf for item in value for leaf in flatten(item)]
    if value is None:
        return []
    return [value]


def _error_classes(error: Exception) -> tuple:
    return tuple(c.__name__ for c in type(error).__mro__ if c in _BUILTIN_ERRORS)


def run_case(lib, case: Case, dtype: str, watch=nullcontext) -> Result:
    """Run the case in `lib`; `watch()` is a context manager around the call and its backward
    (not around making the inputs), e.g. a trace of which backend served each op."""
    with_grad = case.grad and dtype in GRAD_DTYPES and case.error is None
    try:
        args = [materialize(lib, a, dtype, case.id, str(i), with_grad)
                for i, a in enumerate(case.args)]
        kwargs = {k: materialize(lib, v, dtype, case.id, k, with_grad)
                  for k, v in case.kwargs.items()}
        before = _snapshot(case, args, kwargs)
        with watch():
            result = call(lib, case, args, kwargs)
        outputs = flatten(result)
        arrays = [to_array(o) for o in outputs]
        grads = _gradients(lib, case, dtype, args, kwargs, outputs, watch) if with_grad else []
        modified = tuple(label for label, tensor, old in before
                         if not _same_values(to_array(tensor), old))
    except Exception as error:     # the error is the result: compared with PyTorch's
        return Result(error=type(error).__name__, error_classes=_error_classes(error),
                      message=str(error).splitlines()[0][:200] if str(error) else "")
    return Result(outputs=arrays, grads=grads, modified=modified)


def _tensor_arguments(value, label: str):
    """(label, tensor) for every tensor in an argument, lists and tuples included."""
    if isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            yield from _tensor_arguments(item, f"{label}.{i}")
    elif hasattr(value, "detach"):
        yield label, value


def _snapshot(case: Case, args: list, kwargs: dict) -> list:
    """(label, tensor, values now) for each argument the op must leave unchanged."""
    allowed = {"out"} | ({"0"} if case.op_name.endswith("_") else set())
    found = [item for i, a in enumerate(args) for item in _tensor_arguments(a, str(i))]
    found += [item for k, v in kwargs.items() for item in _tensor_arguments(v, k)]
    return [(label, tensor, to_array(tensor)) for label, tensor in found
            if label.split(".")[0] not in allowed]


def _same_values(now: Array, old: Array) -> bool:
    """Equal shape and values, NaN equal to NaN and the sign of zero respected."""
    if now.shape != old.shape:
        return False
    a, b = np.asarray(now.values), np.asarray(old.values)
    if a.dtype.kind != "f":
        return bool(np.array_equal(a, b))
    return bool(np.array_equal(a, b, equal_nan=True)
                and np.array_equal(np.signbit(a), np.signbit(b)))


def _leaves(value) -> list:
    if isinstance(value, (list, tuple)):
        return [leaf for item in value for leaf in _leaves(item)]
    return [value] if hasattr(value, "requires_grad") and value.requires_grad else []


def _gradients(lib, case, dtype, args, kwargs, outputs, watch=nullcontext) -> list:
    """d(outputs)/d(inputs) applied to a seeded random cotangent, one Array per input."""
    inputs = _leaves(args) + _leaves(list(kwargs.values()))
    differentiable = [o for o in outputs if hasattr(o, "requires_grad") and o.requires_grad]
    if not inputs or not differentiable:
        return []
    cotangents = []
    for i, out in enumerate(differentiable):
        rng = np.random.default_rng(seed_for(case.id, dtype, "cotangent", i))
        values = rng.normal(0.0, 1.0, tuple(out.shape))
        cotangents.append(lib.tensor(values, dtype=out.dtype))
    with watch():
        grads = lib.autograd.grad(differentiable, inputs, cotangents, allow_unused=True)
    return [to_array(g) if g is not None else to_array(lib.zeros_like(x))
            for g, x in zip(grads, inputs)]


# ------------------------------------------------------------ comparing

def _close(got: np.ndarray, want: np.ndarray, rtol: float, atol: float,
           signed_zeros: bool = True) -> str | None:
    """None if equal within tolerance (NaN matches NaN, infinities exact, and with
    `signed_zeros` an exact zero must carry the expected sign)."""
    if got.dtype == bool or want.dtype == bool or rtol == atol == 0.0 and not (
            got.dtype.kind == "f" or want.dtype.kind == "f"):
        if not np.array_equal(got, want):
            where = np.argwhere(got != want)
            if not where.size:
                return "differs"
            at = tuple(int(i) for i in where[0])
            return (f"differs at {at}: got {np.asarray(got[at]).item()!r}, "
                    f"want {np.asarray(want[at]).item()!r}")
        return None
    got, want = got.astype(np.float64), want.astype(np.float64)
    nan_got, nan_want = np.isnan(got), np.isnan(want)
    if not np.array_equal(nan_got, nan_want):
        at = tuple(int(i) for i in np.argwhere(nan_got != nan_want)[0])
        return f"NaN mismatch at {at}: got {float(got[at])!r}, want {float(want[at])!r}"
    finite = ~nan_want
    g, w = got[finite], want[finite]
    with np.errstate(invalid="ignore"):
        bad = ~((np.abs(g - w) <= atol + rtol * np.abs(w)) | (g == w))
    bad |= (np.isinf(w) | np.isinf(g)) & (g != w)
    if signed_zeros:
        bad |= (w == 0) & (g == 0) & (np.signbit(w) != np.signbit(g))
    if bad.any():
        index = int(np.argmax(bad))
        return (f"value {float(g[index])!r} vs {float(w[index])!r} (element {index}, "
                f"rtol={rtol}, atol={atol})")
    return None


def compare(got: Result, want: Result, tolerance, what: str = "") -> str | None:
    """None when `got` agrees with `want`; else a one-line description of the first mismatch.

    `tolerance(dtype, grad)` gives (rtol, atol).
    """
    extra = sorted(set(got.modified) - set(want.modified))
    if extra:
        return f"changed argument {', '.join(extra)} in place (it must be left unchanged)"
    missing = sorted(set(want.modified) - set(got.modified))
    if missing:
        return f"left argument {', '.join(missing)} unchanged, but the op writes to it"
    if want.error or got.error:
        if want.error and not got.error:
            return f"expected {want.error}, but the call succeeded"
        if got.error and not want.error:
            return f"raised {got.error}: {got.message}"
        # Same family: a builtin class of the expected error (NotImplementedError is a
        # RuntimeError) among the raised one's; sharing only a catch-all base is not enough.
        expected = set(want.error_classes or (want.error,)) - _CATCH_ALL
        if not expected & set(got.error_classes or (got.error,)):
            return f"raised {got.error} ({got.message}); expected {want.error}"
        return None
    for kind, got_list, want_list in (("output", got.outputs, want.outputs),
                                      ("grad", got.grads, want.grads)):
        if len(got_list) != len(want_list):
            return f"{len(got_list)} {kind}s, expected {len(want_list)}"
        for i, (g, w) in enumerate(zip(got_list, want_list)):
            if g.dtype != w.dtype and not (g.dtype.startswith("py") and w.dtype.startswith("py")):
                return f"{kind} {i} has dtype {g.dtype}, expected {w.dtype}"
            if tuple(g.shape) != tuple(w.shape):
                return f"{kind} {i} has shape {list(g.shape)}, expected {list(w.shape)}"
            rtol, atol = tolerance(w.dtype, kind == "grad")
            # -0.0 vs 0.0 is part of an op's meaning, but not of a gradient's (a sum of
            # contributions), nor of a half-precision result that underflowed from a float32
            # intermediate in PyTorch but from a double in the reference.
            signed = kind == "output" and w.dtype not in ("float16", "bfloat16")
            problem = _close(np.asarray(g.values), np.asarray(w.values), rtol, atol, signed)
            if problem:
                return f"{kind} {i}: {problem}"
    return None
