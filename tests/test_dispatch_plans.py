"""Dispatch plans (torsh/dispatch.py): a call whose signature was seen runs the kept plan.

A plan must give what the full road gives for every call of its signature, decline where
something outside the signature differs, and never outlive a change of backend. The
conformance suite judges every case on a planned second run; these tests pin the edges.
"""
import numpy as np
import pytest

import torsh
from torsh import backends
from torsh._core.storage import Storage
from torsh.ops._op import OPS

from c_checks import assert_same

needs_c = pytest.mark.skipif(not backends.get("c").is_available(),
                             reason="the C kernels are not built")


def _plans(name: str) -> dict:
    return OPS[name].plans or {}


@needs_c
def test_a_repeated_call_is_served_by_its_plan():
    x, y = torsh.randn(5), torsh.randn(5)
    OPS["add"].plans = None
    first = x + y
    assert len(_plans("add")) == 1
    (run, served_by, single), = _plans("add").values()
    assert served_by is backends.get("c") and single
    with backends.trace() as seen:
        second = x + y
    assert seen.calls == [("add", "c", "native")]
    assert_same(first, second, tol=0)
    assert len(_plans("add")) == 1          # the same signature: no new plan


@needs_c
def test_plans_follow_strides_offsets_and_broadcasting():
    base = torsh.arange(24.0).reshape(4, 6)
    for _ in range(2):                      # the second round runs on plans
        assert_same(base[:, :3] * 2.0 + base[:, 3:], torsh.tensor(
            (np.arange(24.0).reshape(4, 6)[:, :3] * 2 + np.arange(24.0).reshape(4, 6)[:, 3:])
            .astype(np.float32)), tol=0)
        flat = torsh.arange(10.0)
        # same shape and stride, different offsets: one plan, two answers
        assert flat[1:].sub(flat[:-1]).tolist() == [1.0] * 9
        assert flat[2:].sub(flat[:-2]).tolist() == [2.0] * 8
        row = torsh.arange(6.0)
        assert_same(base + row, torsh.tensor(np.arange(24.0, dtype=np.float32).reshape(4, 6)
                                             + np.arange(6.0, dtype=np.float32)), tol=0)
        assert_same(base.t().exp(), base.exp().t())


@needs_c
def test_a_plan_declines_a_view_its_storage_cannot_hold():
    x = torsh.arange(8.0)
    x.neg()                                 # a plan for (float32, (8,), (1,))
    rogue = torsh.Tensor(Storage(np.zeros(4, np.float32)), (8,), (1,), 0, torsh.float32)
    with pytest.raises(RuntimeError, match="outside its storage"):
        rogue.neg()


def test_param_types_are_part_of_the_signature():
    ints = torsh.tensor([1, 5, 9])
    for _ in range(2):
        assert ints.clamp(min=3).dtype == torsh.int64
        assert ints.clamp(min=3.0).dtype == torsh.float32
        assert ints.clamp(min=3.0).tolist() == [3.0, 5.0, 9.0]


def test_a_change_of_backend_is_a_new_signature():
    x = torsh.randn(4)
    x.sin()
    with backends.using("reference"), backends.trace() as seen:
        x.sin()
    assert [(op, backend) for op, backend, _ in seen.calls] == [("sin", "reference")]


@needs_c
def test_gradients_through_planned_calls():
    w = torsh.randn(3, 4, requires_grad=True)
    x = torsh.randn(2, 3)
    for _ in range(2):
        w.grad = None
        loss = torsh.nn.functional.linear(x, w.t()).sigmoid().mul(w.sum()).sum()
        loss.backward()
        want = torsh.autograd.grad(
            [torsh.nn.functional.linear(x, w.t()).sigmoid().mul(w.sum()).sum()], [w])[0]
        assert_same(w.grad, want)


def test_plans_per_op_are_bounded():
    from torsh.dispatch import MAX_PLANS_PER_OP
    for n in range(1, MAX_PLANS_PER_OP + 20):
        torsh.ones(n).sqrt()
    assert len(_plans("sqrt")) <= MAX_PLANS_PER_OP


def test_metas_read_shapes_and_dtypes_only():
    """What plans stand on: no meta looks at tensor values (checked on every conformance
    case, in its first dtype, with the storages' data watched while metas run)."""
    from conformance.cases import all_cases
    from conformance.run import run_case
    reading = {"op": None}
    readers = set()
    data = Storage.data

    class Watched:
        def __get__(self, storage, owner=None):
            if storage is None:
                return self
            if reading["op"] is not None:
                readers.add(reading["op"])
            return data.__get__(storage, owner)

        def __set__(self, storage, value):
            data.__set__(storage, value)

    metas = {name: op.meta for name, op in OPS.items()}

    def watched(name, meta):
        def run(*args, **kwargs):
            reading["op"] = name
            try:
                return meta(*args, **kwargs)
            finally:
                reading["op"] = None
        return run
    Storage.data = Watched()
    try:
        for name, op in OPS.items():
            op.meta = watched(name, metas[name])
        for cases in all_cases().values():
            for case in cases:
                for dtype in case.dtypes[:1]:
                    run_case(torsh, case, dtype)
    finally:
        Storage.data = data
        for name, op in OPS.items():
            op.meta = metas[name]
    assert not readers
