"""What a conformance case is, and how its inputs are made.

A `Case` names an op (a function of `torsh` / `torch`, a `Tensor.method`, or a callable taking
the library first), its arguments and keyword arguments, the dtypes it runs in, and whether to
check gradients or an expected error. Tensor arguments are `A(...)` specs, turned into tensors
by `materialize` from a generator seeded by the case id, the dtype and the argument position —
so torsh and PyTorch (and every run) see the same values, and nothing but the spec is stored.
"""
from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

FLOATS = ("float32", "float64", "float16", "bfloat16")
GRAD_DTYPES = ("float32", "float64")
INTS = ("int8", "int16", "int32", "int64", "uint8")
ALL = FLOATS + INTS + ("bool",)

SPECIAL = [0.0, -0.0, 1.0, -1.0, 0.5, -2.5, 3.0, float("inf"), float("-inf"), float("nan"),
           1e-40, -1e30, 2.0, -0.75, 100.0, 1e-3]


@dataclass(frozen=True)
class A:
    """A tensor argument: shape, value domain, memory layout, explicit values, grad flag.

    domain: normal | positive | unit (|x| < 1) | nonzero | small (|x| <= 3, ints) |
            special (NaN, ±inf, -0.0, tiny, huge) | index:N (int64 in [0, N)) | bool
    layout: contiguous | transposed | strided (every other element) | expanded | offset
    """
    shape: tuple
    domain: str = "normal"
    layout: str = "contiguous"
    values: tuple | None = None
    dtype: str | None = None        # fixed dtype, ignoring the case's (index tensors, masks)
    grad: bool = True

    def __init__(self, *shape, domain="normal", layout="contiguous", values=None, dtype=None,
                 grad=True):
        object.__setattr__(self, "shape", tuple(shape))
        object.__setattr__(self, "domain", domain)
        object.__setattr__(self, "layout", layout)
        object.__setattr__(self, "values", None if values is None else tuple(values))
        object.__setattr__(self, "dtype", dtype)
        object.__setattr__(self, "grad", grad)


@dataclass
class Case:
    """One op call checked on every dtype in `dtypes`, forward and (for floats) backward."""
    op: str | Callable
    args: tuple = ()
    kwargs: dict = field(default_factory=dict)
    dtypes: tuple = FLOATS
    name: str = "typical"
    grad: bool = True
    error: str | None = None         # the builtin exception class PyTorch raises
    atol: float | None = None        # extra tolerance for this case (documented in its name)
    rtol: float | None = None
    note: str = ""

    @property
    def op_name(self) -> str:
        if callable(self.op):
            return self.op.__name__
        return self.op.split(".")[-1]

    @property
    def id(self) -> str:
        return f"{self.op_name}.{self.name}"


def seed_for(*parts) -> int:
    return zlib.crc32("|".join(str(p) for p in parts).encode())


def values_for(spec: A, dtype: str, rng: np.random.Generator) -> np.ndarray:
    """The numbers of a tensor argument, as float64/int64/bool numpy data of `spec.shape`."""
    shape = _storage_shape(spec)
    count = int(np.prod(shape))
    kind = spec.dtype or dtype
    if spec.values is not None:
        data = np.resize(np.array(spec.values, dtype=np.float64 if kind in FLOATS else object),
                         count)
    elif spec.domain.startswith("index:"):
        data = rng.integers(0, int(spec.domain.split(":")[1]), count)
    elif kind == "bool" or spec.domain == "bool":
        data = rng.integers(0, 2, count).astype(bool)
    elif kind in INTS:
        low = 0 if kind == "uint8" or spec.domain == "positive" else -5
        high = 4 if spec.domain == "small" else 10
        data = rng.integers(low + (1 if spec.domain == "nonzero" and low == 0 else 0), high,
                            count)
        if spec.domain == "nonzero":
            data[data == 0] = 1
    elif spec.domain == "special":
        data = np.resize(np.array(SPECIAL), count)
    elif spec.domain == "positive":
        data = rng.uniform(0.25, 3.0, count)
    elif spec.domain == "unit":
        data = rng.uniform(-0.9, 0.9, count)
    elif spec.domain == "small":
        data = rng.uniform(-3.0, 3.0, count).round()
    elif spec.domain == "nonzero":
        data = rng.uniform(0.3, 2.5, count) * rng.choice([-1.0, 1.0], count)
    else:
        data = rng.normal(0.0, 1.5, count)
    return np.asarray(data).reshape(shape)


def _storage_shape(spec: A) -> tuple:
    """The shape of the data made before the layout transform turns it into spec.shape."""
    shape = spec.shape
    if spec.layout == "transposed" and len(shape) >= 2:
        return shape[:-2] + (shape[-1], shape[-2])
    if spec.layout == "strided" and shape:
        return shape[:-1] + (2 * shape[-1],)
    if spec.layout == "expanded" and shape:
        return (1,) + shape[1:]
    if spec.layout == "offset":
        return (int(np.prod(shape)) + 1,)
    return shape


def apply_layout(tensor, spec: A):
    """Turn freshly made data into a tensor of spec.shape with the requested memory layout."""
    shape = spec.shape
    if spec.layout == "transposed" and len(shape) >= 2:
        return tensor.transpose(-1, -2)
    if spec.layout == "strided" and shape:
        return tensor[..., ::2]
    if spec.layout == "expanded" and shape:
        return tensor.expand(*shape)
    if spec.layout == "offset":
        return tensor[1:].view(*shape) if shape else tensor[1:].view(())
    return tensor


def materialize(lib, value, dtype: str, case_id: str, position: str, requires_grad: bool):
    """Build one argument for library `lib` (torsh or torch): tensors from specs, lists
    recursively, everything else as given."""
    if isinstance(value, A):
        rng = np.random.default_rng(seed_for(case_id, dtype, position))
        kind = value.dtype or dtype
        data = values_for(value, dtype, rng)
        made = lib.tensor(data.tolist() if data.dtype == object else data,
                          dtype=_float_or(kind, lib))
        made = made.to(getattr(lib, kind))
        made = apply_layout(made, value)
        if requires_grad and value.grad and kind in GRAD_DTYPES:
            made = made.detach().requires_grad_(True) if value.layout == "contiguous" else \
                _leaf_view(made)
        return made
    if isinstance(value, list):
        return [materialize(lib, v, dtype, case_id, f"{position}.{i}", requires_grad)
                for i, v in enumerate(value)]
    if isinstance(value, tuple) and any(isinstance(v, A) for v in value):
        return tuple(materialize(lib, v, dtype, case_id, f"{position}.{i}", requires_grad)
                     for i, v in enumerate(value))
    if isinstance(value, DType):
        return getattr(lib, value.name)
    return value


def _leaf_view(made):
    """A non-contiguous input that is still a leaf: the view of a leaf would not be one."""
    return made.detach().requires_grad_(True)


def _float_or(kind: str, lib):
    return getattr(lib, "float64") if kind in FLOATS else getattr(lib, "int64") \
        if kind in INTS else getattr(lib, "bool")


@dataclass(frozen=True)
class DType:
    """A dtype argument (e.g. `sum(dtype=...)`), resolved in whichever library runs the case."""
    name: str


def call(lib, case: Case, args: list, kwargs: dict):
    """Run the case's op in `lib` on materialized arguments."""
    if callable(case.op):
        return case.op(lib, *args, **kwargs)
    if case.op.startswith("Tensor."):
        return getattr(args[0], case.op[len("Tensor."):])(*args[1:], **kwargs)
    target = lib
    for part in case.op.split("."):
        target = getattr(target, part)
    return target(*args, **kwargs)
