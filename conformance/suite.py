"""The suite: every case on a backend, against the reference and against PyTorch.

For each (case, dtype): run on the backend (tracing which path served each op), run on the
reference, load the stored PyTorch result (or compute it live), and compare both ways. Each
outcome lands in a matrix cell op x dtype:

    pass      every case agreed with the reference and with PyTorch, through native kernels
    fallback  it agreed, but some call was served by a decomposition or the reference
    FAIL      a case disagreed (or had no stored expectation)
    xfail     it failed and the backend's expected-failures file says why
    XPASS     it is listed as an expected failure but passed: the list is stale
    skip      the backend does not support the dtype (with the reason)
"""
from __future__ import annotations

import fnmatch
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import torsh
from torsh import backends

from . import expectations
from .cases import all_cases
from .run import compare, run_case
from .spec import Case
from .tolerances import VS_PYTORCH, VS_REFERENCE, tolerance

EXPECTED_FAILURES = Path(__file__).parent / "expected_failures"


@dataclass
class Outcome:
    case: Case
    dtype: str
    status: str                  # pass | fallback | FAIL | xfail | XPASS | skip
    detail: str = ""


@dataclass
class Report:
    backend: str
    outcomes: list = field(default_factory=list)

    def matrix(self) -> dict:
        """{op: {dtype: status}}, the worst status of the op's cases in that dtype."""
        order = ["FAIL", "XPASS", "xfail", "fallback", "pass", "skip"]
        cells: dict = {}
        for o in self.outcomes:
            row = cells.setdefault(o.case.op_name, {})
            current = row.get(o.dtype)
            if current is None or order.index(o.status) < order.index(current):
                row[o.dtype] = o.status
        return cells

    def totals(self) -> dict:
        counts: dict = {}
        for o in self.outcomes:
            counts[o.status] = counts.get(o.status, 0) + 1
        return counts

    def failures(self) -> list:
        return [o for o in self.outcomes if o.status in ("FAIL", "XPASS")]

    def ok(self) -> bool:
        return not self.failures()


def expected_failures(backend: str) -> dict:
    """{(op, dtype): reason} from expected_failures/<backend>.txt (`op dtype reason`)."""
    path = EXPECTED_FAILURES / f"{backend}.txt"
    table = {}
    if path.exists():
        for line in path.read_text().splitlines():
            line = line.strip()
            if line and not line.startswith("#"):
                op, dtype, reason = (line.split(None, 2) + [""])[:3]
                table[(op, dtype)] = reason
    return table


def _expectation(case, dtype, stored, live):
    if live:
        import torch
        return run_case(torch, case, dtype)
    record = stored.get(expectations.key(case, dtype))
    return None if record is None else expectations.decode(record)


def check(case: Case, dtype: str, backend: str, stored: dict, live: bool = False,
          xfails: dict | None = None) -> Outcome:
    """Run one case in one dtype on `backend` and judge it."""
    chosen = backends.get(backend)
    if getattr(torsh, dtype) not in chosen.dtypes:
        return Outcome(case, dtype, "skip", f"{backend} does not support {dtype}")
    calls: list = []
    with backends.using(backend):
        # A first run makes the dispatch plans (see torsh.dispatch) that serve the judged run,
        # as they serve every repeated call in a program.
        run_case(torsh, case, dtype)
        got = run_case(torsh, case, dtype, watch=lambda: _traced(calls))
    problems = []
    if backend != "reference":
        with backends.using("reference"):
            reference = run_case(torsh, case, dtype)
        mismatch = compare(got, reference, lambda d, g: tolerance(VS_REFERENCE, d, g))
        if mismatch:
            problems.append(f"vs reference: {mismatch}")
    want = _expectation(case, dtype, stored, live)
    if want is None:
        problems.append("no stored PyTorch expectation (run conformance/generate.py)")
    else:
        extra = (case.rtol, case.atol)
        mismatch = compare(got, want, lambda d, g: tolerance(VS_PYTORCH, d, g, extra))
        if mismatch:
            problems.append(f"vs PyTorch: {mismatch}")
    listed = (xfails or {}).get((case.op_name, dtype), (xfails or {}).get((case.op_name, "*")))
    if problems:
        status = "xfail" if listed is not None else "FAIL"
        return Outcome(case, dtype, status, "; ".join(problems))
    if listed is not None:
        return Outcome(case, dtype, "XPASS", f"listed as expected failure ({listed})")
    served = {f"{op} by {path}" for op, _, path in calls if path not in ("native", "view")}
    if backend != "reference" and served:
        return Outcome(case, dtype, "fallback", ", ".join(sorted(served)))
    return Outcome(case, dtype, "pass")


@contextmanager
def _traced(calls: list):
    """Trace the op call and its backward (not the making of inputs) into `calls`."""
    with backends.trace() as trace:
        try:
            yield
        finally:
            calls.extend(trace.calls)


def select(families: dict, ops: str | None, dtypes) -> list:
    """(family, case, dtype) triples matching an op-name pattern and a dtype list."""
    chosen = []
    for family, cases in families.items():
        for case in cases:
            if ops and not fnmatch.fnmatch(case.op_name, ops):
                continue
            for dtype in case.dtypes:
                if dtypes and dtype not in dtypes:
                    continue
                chosen.append((family, case, dtype))
    return chosen


def run_suite(backend: str = "reference", ops: str | None = None, dtypes=None,
              live: bool = False) -> Report:
    families = all_cases()
    stored = {family: expectations.load(family) for family in families}
    xfails = expected_failures(backend)
    report = Report(backend)
    for family, case, dtype in select(families, ops, dtypes):
        report.outcomes.append(check(case, dtype, backend, stored[family], live, xfails))
    return report


def reproduction(outcome: Outcome, backend: str) -> str:
    """A one-line command that reruns just this case."""
    return (f"python -m conformance --backend {backend} --ops '{outcome.case.op_name}' "
            f"--dtypes {outcome.dtype}   # case {outcome.case.id}")
