"""The conformance suite catches broken backends: each throwaway backend here injects ONE
fault into an otherwise correct backend (the toy, or the reference), and the suite must report
a FAIL naming it, while the healthy backend passes the same case. Also: the toy backend
registers from outside torsh, skips the dtypes it lacks, serves its fused backward, and an
expected failure that passes is reported as XPASS.
"""
from contextlib import contextmanager

import numpy as np
import pytest

import torsh
from conformance import expectations, suite
from conformance.__main__ import load_backend, main
from conformance.run import run_case
from conformance.spec import A, Case
from conformance.toy_backend import ToyBackend, values
from torsh import backends
from torsh._core import dtype as dt
from torsh.backends.reference import ReferenceBackend


@contextmanager
def registered(backend):
    backends.register(backend)
    try:
        yield backend.name
    finally:
        backends._BACKENDS.pop(backend.name, None)


def stored_from_reference(case, dtype):
    """Expectations for a case of our own, made by the reference (no PyTorch needed)."""
    with backends.using("reference"):
        return {expectations.key(case, dtype): expectations.encode(run_case(torsh, case, dtype))}


def judge(backend, case, dtype="float64", xfails=None):
    with registered(backend) as name:
        return suite.check(case, dtype, name, stored_from_reference(case, dtype), xfails=xfails)


# ------------------------------------------------------------ one fault per backend

class WrongElement(ToyBackend):
    name = "fault-wrong-element"

    def neg(self, inputs, outs):
        data = -values(inputs[0])
        data.reshape(-1)[:1] += 1.0          # one element off
        return self.result(data, outs[0].shape, outs[0].dtype)


class DroppedGradient(ToyBackend):
    name = "fault-dropped-gradient"

    def mul_backward(self, ctx, grad):
        grad_a, _ = super().mul_backward(ctx, grad)
        return grad_a, None


class ScaledGradient(ToyBackend):
    name = "fault-scaled-gradient"

    def mul_backward(self, ctx, grad):
        grad_a, grad_b = super().mul_backward(ctx, grad)
        return self.result(2 * values(grad_a), grad_a._shape, grad_a.dtype), grad_b


class WrongDtype(ToyBackend):
    name = "fault-wrong-dtype"

    def neg(self, inputs, outs):
        return self.result(-values(inputs[0]), outs[0].shape, dt.float64)


class IgnoresStrides(ToyBackend):
    name = "fault-ignores-strides"

    def neg(self, inputs, outs):
        x = inputs[0]
        count = int(np.prod(x._shape, dtype=np.int64))
        flat = x._storage.data[x._offset:x._offset + count]     # as if it were contiguous
        return self.result(-flat.astype(np.float64).reshape(x._shape), outs[0].shape,
                           outs[0].dtype)


class NanToZero(ToyBackend):
    name = "fault-nan-to-zero"

    def neg(self, inputs, outs):
        x = values(inputs[0])
        return self.result(-np.where(np.isnan(x), 0.0, x), outs[0].shape, outs[0].dtype)


class ZeroDimBecomesVector(ToyBackend):
    name = "fault-zero-dim"

    def sum(self, inputs, outs, dims, keepdim):
        total = super().sum(inputs, outs, dims, keepdim)
        return total.reshape(1) if total.ndim == 0 else total     # one dim too many


class SumStartsAtFirstElement(ToyBackend):
    name = "fault-empty-sum"

    def sum(self, inputs, outs, dims, keepdim):
        x = values(inputs[0])
        total = np.take(x, 0, axis=dims[0])                      # assumes a first element
        for k in range(1, x.shape[dims[0]]):
            total = total + np.take(x, k, axis=dims[0])
        return self.result(total.reshape(outs[0].shape), outs[0].shape, outs[0].dtype)


class ModifiesInput(ToyBackend):
    name = "fault-modifies-input"

    def neg(self, inputs, outs):
        view = inputs[0]._numpy_view()
        view[...] = -view                                        # negates in place ...
        return self.result(view.astype(np.float64), outs[0].shape, outs[0].dtype)


class WrongErrorType(ReferenceBackend):
    name = "fault-wrong-error"

    def kernel(self, op):
        if op.name != "floor_divide":
            return super().kernel(op)

        def floor_divide(inputs, outs):
            a, b = (t._numpy_view() for t in inputs)
            if (b == 0).any():
                raise ZeroDivisionError("integer division by zero")   # not RuntimeError
            return self.result(a // b, outs[0])
        return floor_divide

    def result(self, data, out):
        from torsh._core.storage import Storage
        from torsh.tensor import Tensor
        return Tensor(Storage(np.ascontiguousarray(data, out.dtype.numpy).reshape(-1)),
                      out.shape, dtype=out.dtype)


NEG = Case("neg", (A(2, 3),))
MUL = Case("mul", (A(2, 3), A(2, 3)))
FAULTS = [
    (WrongElement, NEG, "float64", "vs reference: output 0: value"),
    (DroppedGradient, MUL, "float64", "vs reference: grad 1: value"),
    (ScaledGradient, MUL, "float32", "vs reference: grad 0: value"),
    (WrongDtype, NEG, "float32", "output 0 has dtype float64, expected float32"),
    (IgnoresStrides, Case("neg", (A(3, 4, layout="transposed"),), name="t"), "float64",
     "vs reference: output 0: value"),
    (IgnoresStrides, Case("neg", (A(3, 2, layout="strided"),), name="s"), "float32",
     "vs reference: output 0: value"),
    (NanToZero, Case("neg", (A(12, domain="special"),), name="special", grad=False), "float64",
     "NaN mismatch"),
    (ZeroDimBecomesVector, Case("sum", (A(),), name="zero_dim", grad=False), "float64",
     "output 0 has shape [1], expected []"),
    (SumStartsAtFirstElement, Case("sum", (A(0, 3),), {"dim": 0}, name="empty"), "float32",
     "vs reference: raised IndexError"),
    (ModifiesInput, NEG, "float64", "changed argument 0 in place"),
    (WrongErrorType, Case("floor_divide", (A(3, values=[4, 5, 6]), A(3, values=[2, 0, 1])),
                          name="by_zero", error="RuntimeError", grad=False), "int64",
     "raised ZeroDivisionError"),
]


@pytest.mark.parametrize("fault,case,dtype,detail", FAULTS,
                         ids=[f"{f.__name__}-{c.id}" for f, c, _, _ in FAULTS])
def test_suite_reports_the_fault(fault, case, dtype, detail):
    healthy = ToyBackend() if issubclass(fault, ToyBackend) else ReferenceBackend()
    healthy.name = "healthy"
    assert judge(healthy, case, dtype).status in ("pass", "fallback")
    outcome = judge(fault(), case, dtype)
    assert outcome.status == "FAIL"
    assert detail in outcome.detail


def test_a_faulty_op_listed_as_expected_failure_is_xfail():
    outcome = judge(WrongElement(), NEG, xfails={("neg", "float64"): "known bug"})
    assert outcome.status == "xfail" and "output 0" in outcome.detail


# ------------------------------------------------------------ XPASS: a stale expected failure

def test_an_expected_failure_that_passes_is_xpass():
    outcome = judge(ToyBackend(), NEG, xfails={("neg", "*"): "fixed long ago"})
    assert outcome.status == "XPASS" and "fixed long ago" in outcome.detail


def test_xpass_from_the_expected_failures_file_fails_the_run(tmp_path, monkeypatch, capsys):
    (tmp_path / "toy.txt").write_text("# op dtype reason\nneg float64 kernel was wrong\n")
    monkeypatch.setattr(suite, "EXPECTED_FAILURES", tmp_path)
    with registered(ToyBackend()):
        report = suite.run_suite("toy", "neg", ["float64"])
        assert {o.status for o in report.outcomes} == {"XPASS"}
        assert not report.ok()
        assert main(["--backend", "toy", "--ops", "neg", "--dtypes", "float64", "--quiet"]) == 1
    assert "XPASS neg [float64]" in capsys.readouterr().out


# ------------------------------------------------------------ the healthy toy backend

def test_toy_backend_registers_from_outside_and_skips_dtypes_it_lacks(capsys):
    try:
        assert load_backend("conformance.toy_backend:ToyBackend") == "toy"
        code = main(["--backend", "conformance.toy_backend:ToyBackend", "--ops", "neg",
                     "--dtypes", "float32", "float64", "int64"])
    finally:
        backends._BACKENDS.pop("toy", None)
    out = capsys.readouterr().out
    assert code == 0
    row = next(line.split() for line in out.splitlines() if line.startswith("neg "))
    assert row == ["neg", "ok", "ok", "-"]
    assert "skip" in out and "FAIL" not in out


def test_toy_backend_falls_back_to_the_reference_for_other_ops():
    with registered(ToyBackend()):
        outcome = suite.check(Case("exp", (A(2, 2),)), "float64", "toy",
                              stored_from_reference(Case("exp", (A(2, 2),)), "float64"))
    assert outcome.status == "fallback" and outcome.detail == "exp by reference"


class CountingToy(ToyBackend):
    name = "counting-toy"
    fused_calls = 0

    def mul_backward(self, ctx, grad):
        CountingToy.fused_calls += 1
        return super().mul_backward(ctx, grad)


def test_fused_backward_kernel_serves_backward_but_not_double_backward():
    a = torsh.tensor([1.0, -2.0, 3.0], requires_grad=True)
    b = torsh.tensor([0.5, 4.0, -1.0], requires_grad=True)
    with registered(CountingToy()), backends.using("counting-toy"):
        (a * b).sum().backward()
        assert CountingToy.fused_calls == 1
        assert a.grad.tolist() == [0.5, 4.0, -1.0] and b.grad.tolist() == [1.0, -2.0, 3.0]
        ga, = torsh.autograd.grad((a * b * a).sum(), a, create_graph=True)
        assert CountingToy.fused_calls == 1           # create_graph: the formula ran
        second, = torsh.autograd.grad(ga.sum(), a)
    assert second.tolist() == [1.0, 8.0, -2.0]       # d/da sum(2ab) = 2b


def test_forward_served_by_the_reference_keeps_the_formula():
    a = torsh.tensor([1, 2], dtype=torsh.float16).float().requires_grad_(True)
    with registered(CountingToy()), backends.using("counting-toy"):
        before = CountingToy.fused_calls
        (a.half() * 2).float().sum().backward()       # float16 mul: the reference serves it
    assert CountingToy.fused_calls == before and a.grad.tolist() == [2.0, 2.0]
