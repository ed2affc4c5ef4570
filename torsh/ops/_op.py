"""The op record: everything torsh knows about one op, declared once.

An `Op` bundles
- `meta(*inputs, **params) -> Out | tuple[Out, ...]`: output shapes and dtypes, and the error
  for bad input. Inputs arrive already promoted.
- `reference(*arrays, **params) -> Array | tuple[Array, ...]`: the semantics, in plain Python
  over `Array`s (see `_array.py`). This is the specification every backend is checked against.
- `backward(ctx, *grads) -> tuple`: one gradient per tensor input (None where there is none),
  written with torsh ops so that it runs on every backend and is itself differentiable.
- `decompose(*inputs, **params)`: optional, the op in other ops, for backends without a kernel.
- `promote`: how input dtypes combine (one of the PROMOTE_* kinds), as in PyTorch's refs.

View ops (`view` given instead of `reference`) return new geometry over the same storage.
Every public function is also listed in `PUBLIC`, and methods in `METHODS`, so that
`torsh/__init__.py` and `Tensor` pick them up without listing them again.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, NamedTuple

from .._core.dtype import dtype

# Type-promotion kinds (PyTorch's ELEMENTWISE_TYPE_PROMOTION_KIND):
PROMOTE_DEFAULT = "default"          # common dtype of the inputs
PROMOTE_INT_TO_FLOAT = "int_to_float"  # common dtype, integers and bool become the default float
PROMOTE_ALWAYS_BOOL = "always_bool"    # compare in the common dtype, answer in bool
PROMOTE_NONE = None                    # the op's meta decides dtypes itself


class Out(NamedTuple):
    """One output's shape and dtype, as meta functions report them."""
    shape: tuple
    dtype: dtype


@dataclass(eq=False)
class Op:
    name: str
    meta: Callable
    reference: Callable | None = None
    backward: Callable | None = None
    decompose: Callable | None = None
    view: Callable | None = None
    promote: str | None = PROMOTE_DEFAULT
    saves_inputs: bool = True
    saves_output: bool = False
    # Outputs that carry gradients (indices of a tuple result); None means all.
    differentiable_outputs: tuple | None = None
    doc: str = ""
    extra: dict = field(default_factory=dict)
    # dispatch's memo: call signature -> the serving backend's plan (see torsh.dispatch)
    plans: dict | None = field(default=None, repr=False)

    def __repr__(self) -> str:
        return f"<op {self.name}>"

    @property
    def is_view(self) -> bool:
        return self.view is not None


OPS: dict[str, Op] = {}
PUBLIC: dict[str, Callable] = {}
METHODS: dict[str, Callable] = {}


def register(op: Op) -> Op:
    if op.name in OPS:
        raise RuntimeError(f"op {op.name} declared twice")
    OPS[op.name] = op
    return op


def public(*names: str, method: bool | str = True, function: bool = True):
    """Export a function as `torsh.NAME` (for each name) and, if `method`, as `Tensor.NAME`."""
    def decorate(fn):
        for name in names or (fn.__name__,):
            if function:
                PUBLIC[name] = fn
            if method:
                METHODS[name] = fn
        return fn
    return decorate


def method_only(*names: str):
    """Export a function as a Tensor method only (`x.add_`, `x.view`)."""
    return public(*names, method=True, function=False)
