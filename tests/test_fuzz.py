"""Differential fuzzing (conformance/fuzz.py): the toy backend agrees with the reference on
drawn shapes, layouts, dtypes and values; faulty backends are caught, and the report is a
snippet that reproduces the disagreement on its own."""
import contextlib
import io

import numpy as np
import pytest

from conformance import fuzz
from conformance.toy_backend import ToyBackend, values
import torsh
from torsh import backends


@pytest.fixture
def register():
    names = []

    def add(backend):
        backends.register(backend)
        names.append(backend.name)
        return backend.name
    yield add
    for name in names:
        backends._BACKENDS.pop(name, None)


class NanToZero(ToyBackend):
    name = "fuzz-nan-to-zero"

    def neg(self, inputs, outs):
        x = values(inputs[0])
        return self.result(-np.where(np.isnan(x), 0.0, x), outs[0].shape, outs[0].dtype)


class IgnoresStrides(ToyBackend):
    name = "fuzz-ignores-strides"

    def mul(self, inputs, outs):
        def linear(t):     # the storage read in order, as if every input were contiguous
            count = int(np.prod(t._shape, dtype=np.int64))
            data = t._storage.data[t._offset:t._offset + count].astype(np.float64)
            return data.reshape(t._shape) if data.size == count else np.zeros(t._shape)
        a, b = inputs
        return self.result(linear(a) * linear(b), outs[0].shape, outs[0].dtype)


class ModifiesInput(ToyBackend):
    name = "fuzz-modifies-input"

    def add(self, inputs, outs, alpha=1):
        out = super().add(inputs, outs, alpha)
        inputs[0]._numpy_view()[...] = 0.0
        return out


class OneForEmptySums(ToyBackend):
    name = "fuzz-empty-sum"

    def sum(self, inputs, outs, dims, keepdim):
        out = super().sum(inputs, outs, dims, keepdim)
        if inputs[0].numel() == 0:
            out._storage.data[...] = 1.0
        return out


@pytest.mark.parametrize("op", ["neg", "add", "mul", "sum", "matmul"])
def test_toy_backend_agrees_with_the_reference(op, register):
    name = register(ToyBackend())
    assert fuzz.fuzz(op, name, max_examples=15) == 2       # float32 and float64


def test_the_reference_fuzzes_every_dtype_the_op_accepts():
    assert fuzz.fuzz("add", "reference", max_examples=5) == 10


def test_a_fault_is_shrunk_to_a_snippet_that_reproduces_it(register):
    name = register(NanToZero())
    with pytest.raises(fuzz.FuzzFailure) as failure:
        fuzz.fuzz("neg", name, max_examples=30)
    report = str(failure.value)
    assert report.startswith(f"{name} differs from the reference: output 0: NaN mismatch")
    snippet = report.split("\n\n", 1)[1]
    assert "x0 = torsh.tensor(nan, dtype=torsh.float" in snippet      # shrunk to one NaN
    assert "from test_fuzz import NanToZero" in snippet
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(snippet, "<reproduction>", "exec"), {"__name__": "reproduction"})
    got, want = printed.getvalue().splitlines()
    assert got.startswith(f"{name} (tensor(-0.") and want.startswith("reference (tensor(nan")


@pytest.mark.parametrize("fault,op,detail", [
    (IgnoresStrides, "mul", "differs from the reference"),
    (ModifiesInput, "add", "changed argument 0 in place"),
    (OneForEmptySums, "sum", "output 0: value 1.0 vs 0.0"),
])
def test_faults_are_reported(fault, op, detail, register):
    name = register(fault())
    with pytest.raises(fuzz.FuzzFailure, match=detail) as failure:
        fuzz.fuzz(op, name, max_examples=60, shrink=False)
    assert f"    out = torsh.{op}(x0" in str(failure.value)


def test_command_line_reports_failures_with_exit_status(register, capsys):
    name = register(OneForEmptySums())
    assert fuzz.main(["--backend", name, "--ops", "neg", "--examples", "5"]) == 0
    assert fuzz.main(["--backend", name, "--ops", "sum", "--examples", "40"]) == 1
    out = capsys.readouterr().out
    assert "neg: ok (5 examples)" in out and "sum: FAIL" in out and "def run():" in out


def test_layouts_make_the_requested_shape():
    import torsh
    for shape in [(), (0,), (3,), (2, 3), (2, 0, 3), (2, 3, 4)]:
        for name, storage, suffix in fuzz.layouts(shape):
            count = int(np.prod(storage))
            made = eval(f"torsh.tensor(list(range({count})), dtype=torsh.float32)"
                        f".reshape({', '.join(map(str, storage)) or '()'}){suffix}")
            assert tuple(made.shape) == shape, (name, shape)


def test_every_table_op_fuzzes_clean_on_the_primitives_backend():
    """The fuzzer draws every elementwise op of the scalar table (and the reductions) too;
    on the primitives backend (decompositions) each must agree with the reference."""
    from torsh.ops import OPS as REGISTRY
    from torsh.backends.base import PRIMITIVE_MODULES
    table_ops = {name for name, op in REGISTRY.items()
                 if getattr(op.reference, "__module__", "") in PRIMITIVE_MODULES
                 and op.reference.__module__ != "torsh.ops.ternary"
                 and op.reference.__module__ != "torsh.ops.parametric"}
    missing = sorted(name for name in table_ops if name not in fuzz.OPS
                     and name in torsh.ops.PUBLIC)
    assert not missing, f"ops the fuzzer does not draw: {missing}"
    for op in sorted(fuzz.OPS):
        fuzz.fuzz(op, "primitives", max_examples=4, shrink=False)
