"""Differential fuzzing: an op on a backend against the same op on the reference.

    python -m conformance.fuzz --backend NAME|module:attr [--ops add mul] [--examples 200]

Where the suite runs fixed cases, hypothesis here draws them: shapes (0-d, empty, broadcast),
memory layouts (transposed, strided, expanded, offset, permuted), dtypes (those the backend
and the op both accept) and values (special values included), then runs the op on the backend
and on the reference, and compares outputs, gradients (float32/float64), raised errors and
inputs left unchanged, with the backend-vs-reference tolerances of `tolerances.py`.

Every example is written as Python source first — one `torsh.tensor(...)` expression per
input, one call — and that source is what runs. A failure is shrunk by hypothesis to a small
example and raised as `FuzzFailure`, whose message is a self-contained snippet rebuilding the
exact inputs and calling the op on both backends: paste it into a shell to reproduce.
"""
from __future__ import annotations

import argparse
import functools
import math
import sys
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import torsh
from torsh import backends

from .run import Result, _error_classes, _same_values, compare, flatten, to_array
from .spec import ALL, FLOATS, GRAD_DTYPES, INTS
from .tolerances import VS_REFERENCE, tolerance

SPECIAL = [math.nan, math.inf, -math.inf, -0.0, 0.0, 1e-40, -1e30, 65504.0, 1e-5]
INT_RANGE = {"int8": (-128, 127), "int16": (-2**15, 2**15 - 1), "int32": (-2**31, 2**31 - 1),
             "int64": (-2**63, 2**63 - 1), "uint8": (0, 255)}


class FuzzFailure(AssertionError):
    """The backend disagreed with the reference; the message holds a reproduction snippet."""


@dataclass
class Example:
    """One drawn call: the source of each input and of the call (over x0, x1, ...)."""
    inputs: list
    call: str
    grad: bool


@dataclass
class FuzzOp:
    """How to draw calls of one op: the call's source (`{0}`, `{1}` are the inputs, `{kw}`
    the keyword arguments), the input shapes, the dtypes it accepts and its keywords."""
    call: str
    shapes: Callable                       # () -> strategy of a tuple of shapes
    dtypes: tuple = ALL
    keywords: Callable = field(default=lambda shapes: st.just({}))
    grad: bool = True


@functools.cache
def one_shape(max_side=4):
    return hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=max_side).map(
        lambda shape: (shape,))


@functools.cache
def broadcast_pair():
    return hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3,
                                             min_side=0, max_side=3).map(
        lambda shapes: tuple(shapes.input_shapes))


@st.composite
def matmul_pair(draw):
    """(..., n, k) @ (..., k, m), batch dims broadcasting, or a 1-D operand on either side."""
    n, k, m = (draw(st.integers(0, 3)) for _ in range(3))
    kind = draw(st.sampled_from(["2d", "batched", "vector_left", "vector_right"]))
    if kind == "vector_left":
        return (k,), (k, m)
    if kind == "vector_right":
        return (n, k), (k,)
    batch = draw(hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=2, max_side=2)) \
        if kind == "batched" else None
    left, right = batch.input_shapes if batch else ((), ())
    return tuple(left) + (n, k), tuple(right) + (k, m)


@st.composite
def reduction_keywords(draw, shapes):
    ndim = len(shapes[0])
    dims = draw(st.none() | st.lists(st.integers(0, max(ndim - 1, 0)), unique=True,
                                     max_size=ndim))
    keepdim = draw(st.booleans())
    return {"dim": None if dims is None or ndim == 0 else tuple(dims), "keepdim": keepdim}


NO_BOOL = tuple(d for d in ALL if d != "bool")
OPS = {
    "neg": FuzzOp("torsh.neg({0})", one_shape, NO_BOOL),
    "abs": FuzzOp("torsh.abs({0})", one_shape, NO_BOOL),
    "exp": FuzzOp("torsh.exp({0})", one_shape, FLOATS),
    "add": FuzzOp("torsh.add({0}, {1})", broadcast_pair),
    "sub": FuzzOp("torsh.sub({0}, {1})", broadcast_pair, NO_BOOL),
    "mul": FuzzOp("torsh.mul({0}, {1})", broadcast_pair),
    "sum": FuzzOp("torsh.sum({0}{kw})", one_shape, keywords=reduction_keywords),
    "matmul": FuzzOp("torsh.matmul({0}, {1})", matmul_pair, FLOATS + INTS),
    **{name: FuzzOp(f"torsh.{name}({{0}}{{kw}})", one_shape, keywords=reduction_keywords)
       for name in ("prod", "amax", "amin", "mean", "all", "any")},
}


def _elementwise_table() -> dict:
    """Every op of the scalar-function table, drawn generically: unary ops over one shape,
    binary ops over two broadcastable shapes, in every dtype (an op that rejects a dtype must
    raise the same error on the backend as on the reference)."""
    from torsh.ops import OPS as REGISTRY, PUBLIC
    draws = {"torsh.ops.unary": one_shape, "torsh.ops._elementwise_base": one_shape,
             "torsh.ops.binary": broadcast_pair}
    table = {}
    for name, op in REGISTRY.items():
        shapes = draws.get(getattr(op.reference, "__module__", ""))
        if shapes is None or name not in PUBLIC or name in OPS:
            continue
        arguments = "{0}" if shapes is one_shape else "{0}, {1}"
        table[name] = FuzzOp(f"torsh.{name}({arguments})", shapes)
    return table


OPS.update(_elementwise_table())


# ------------------------------------------------------------ drawing inputs

def layouts(shape: tuple) -> list:
    """(name, storage shape, source suffix) for each layout that makes a tensor of `shape`."""
    numel = math.prod(shape)
    dims = ", ".join(str(n) for n in shape) or "()"
    found = [("contiguous", shape, "")]
    if len(shape) >= 2:
        found.append(("transposed", shape[:-2] + (shape[-1], shape[-2]), ".transpose(-1, -2)"))
    if len(shape) >= 1:
        found.append(("strided", shape[:-1] + (2 * shape[-1],), "[..., ::2]"))
        found.append(("expanded", (1,) + shape[1:], f".expand({dims})"))
    if len(shape) == 3:
        found.append(("permuted", (shape[1], shape[2], shape[0]), ".permute(2, 0, 1)"))
    found.append(("offset", (numel + 1,), f"[1:].view({dims})"))
    return found


@functools.cache
def elements(dtype: str):
    if dtype == "bool":
        return st.booleans()
    if dtype in INT_RANGE:
        low, high = INT_RANGE[dtype]
        return st.integers(max(low, -5), min(high, 5)) | st.integers(low, high)
    width = 64 if dtype == "float64" else 32 if dtype == "float32" else 16
    finite = st.floats(-8, 8, width=width)
    return st.one_of(finite, finite, finite, st.sampled_from(SPECIAL))


@st.composite
def tensor_source(draw, shape: tuple, dtype: str, grad: bool) -> str:
    """Python source making a tensor of `shape` and `dtype` in a drawn layout, drawn values."""
    _, storage, suffix = draw(st.sampled_from(layouts(shape)))
    count = math.prod(storage)
    values = draw(st.lists(elements(dtype), min_size=count, max_size=count))
    if storage == ():
        made = f"torsh.tensor({values[0]!r}, dtype=torsh.{dtype})"
    else:
        sizes = ", ".join(str(n) for n in storage)
        made = f"torsh.tensor({values!r}, dtype=torsh.{dtype}).reshape({sizes})"
    leaf = ".detach().requires_grad_()" if grad else ""
    return made + suffix + leaf


@st.composite
def examples(draw, spec: FuzzOp, dtypes: tuple) -> Example:
    shapes = draw(spec.shapes())
    dtype = draw(st.sampled_from(dtypes))
    grad = spec.grad and dtype in GRAD_DTYPES
    inputs = [draw(tensor_source(tuple(shape), dtype, grad)) for shape in shapes]
    keywords = draw(spec.keywords(shapes))
    kw = "".join(f", {k}={v!r}" for k, v in keywords.items())
    call = spec.call.format(*[f"x{i}" for i in range(len(inputs))], kw=kw)
    return Example(inputs, call, grad)


# ------------------------------------------------------------ running and comparing

def cotangent_source(output) -> str:
    """A fixed, varied cotangent for an output (so a swapped element shows in the grads)."""
    sizes = ", ".join(str(n) for n in output.shape) or "()"
    return (f"torsh.tensor([((i * 7) % 11 - 5) / 4 for i in range({output.numel()})], "
            f"dtype=torsh.{output.dtype.name}).reshape({sizes})")


def execute(example: Example) -> Result:
    """Run the example's source on the current backend; its outputs, grads or error."""
    scope = {"torsh": torsh, "nan": math.nan, "inf": math.inf}
    try:
        inputs = [eval(source, scope) for source in example.inputs]
        scope.update({f"x{i}": x for i, x in enumerate(inputs)})
        before = [to_array(x) for x in inputs]
        outputs = flatten(eval(example.call, scope))
        arrays = [to_array(o) for o in outputs]
        grads = []
        leaves = [x for x in inputs if x.requires_grad]
        differentiable = [o for o in outputs if getattr(o, "requires_grad", False)]
        if example.grad and leaves and differentiable:
            cotangents = [eval(cotangent_source(o), scope) for o in differentiable]
            found = torsh.autograd.grad(differentiable, leaves, cotangents, allow_unused=True)
            grads = [to_array(g if g is not None else torsh.zeros_like(x))
                     for g, x in zip(found, leaves)]
        modified = tuple(str(i) for i, (x, old) in enumerate(zip(inputs, before))
                         if not _same_values(to_array(x), old))
    except Exception as error:      # the error is the result, compared with the reference's
        return Result(error=type(error).__name__, error_classes=_error_classes(error),
                      message=str(error).splitlines()[0][:200] if str(error) else "")
    return Result(outputs=arrays, grads=grads, modified=modified)


def differ(example: Example, backend: str) -> str | None:
    """None when `backend` agrees with the reference on the example, else what differs."""
    with backends.using(backend):
        got = execute(example)
    with backends.using("reference"):
        want = execute(example)
    return compare(got, want, lambda d, g: tolerance(VS_REFERENCE, d, g))


def setup_source(backend: str) -> list:
    """Lines that make `backend` known in a fresh interpreter (none for torsh's own)."""
    kind = type(backends.get(backend))
    if kind.__module__.split(".")[0] == "torsh":
        return []
    return [f"from {kind.__module__} import {kind.__qualname__}",
            f"torsh.backends.register({kind.__qualname__}())"]


def reproduction(example: Example, backend: str, problem: str) -> str:
    """A self-contained script: the exact inputs, the call on `backend` and on the reference."""
    lines = ["import torsh", *setup_source(backend), "nan, inf = float('nan'), float('inf')",
             "", "", "def run():"]
    lines += [f"    x{i} = {source}" for i, source in enumerate(example.inputs)]
    lines.append(f"    out = {example.call}")
    if example.grad:
        leaves = ", ".join(f"x{i}" for i in range(len(example.inputs)))
        lines += ["    cotangent = torsh.tensor([((i * 7) % 11 - 5) / 4 for i in "
                  "range(out.numel())],",
                  "                             dtype=out.dtype).reshape(out.shape)",
                  f"    grads = torsh.autograd.grad(out, [{leaves}], cotangent, "
                  "allow_unused=True)",
                  "    return out, grads"]
    else:
        lines.append("    return out")
    lines += ["", "", f"for name in ({backend!r}, 'reference'):",
              "    with torsh.backends.using(name):",
              "        try:",
              "            print(name, run())",
              "        except Exception as error:",
              "            print(name, 'raised', type(error).__name__, error)"]
    return f"{backend} differs from the reference: {problem}\n\n" + "\n".join(lines) + "\n"


# ------------------------------------------------------------ the driver

def fuzz(op: str, backend: str, max_examples: int = 50, seed_value: int = 0,
         dtypes=None, shrink: bool = True) -> int:
    """Fuzz `op` on `backend`; raise FuzzFailure with a reproduction on any disagreement
    (shrunk to a small example unless `shrink` is False: shrinking takes seconds).

    Returns how many dtypes were fuzzed (0 when the backend supports none the op accepts).
    """
    spec = OPS[op]
    supported = {d.name for d in backends.get(backend).dtypes}
    chosen = tuple(d for d in spec.dtypes if d in supported and (not dtypes or d in dtypes))
    if not chosen:
        return 0

    @seed(seed_value)
    @settings(max_examples=max_examples, deadline=None, database=None, derandomize=False,
              suppress_health_check=list(HealthCheck), report_multiple_bugs=False,
              phases=[p for p in Phase if shrink or p is not Phase.shrink])
    @given(examples(spec, chosen))
    def agree(example):
        problem = differ(example, backend)
        if problem:
            raise FuzzFailure(reproduction(example, backend, problem))

    with np.errstate(all="ignore"):
        agree()
    return len(chosen)


def main(argv=None) -> int:
    from .__main__ import load_backend
    parser = argparse.ArgumentParser(prog="python -m conformance.fuzz", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", default="reference")
    parser.add_argument("--ops", nargs="*", default=sorted(OPS), choices=sorted(OPS))
    parser.add_argument("--examples", type=int, default=100)
    parser.add_argument("--seed", type=int, default=0)
    options = parser.parse_args(argv)
    backend = load_backend(options.backend)
    failed = 0
    for op in options.ops:
        try:
            count = fuzz(op, backend, options.examples, options.seed)
            print(f"{op}: ok ({options.examples} examples)" if count else
                  f"{op}: skipped ({backend} supports none of its dtypes)")
        except FuzzFailure as failure:
            failed += 1
            print(f"{op}: FAIL\n{failure}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
