"""python -m conformance --backend NAME [--ops PATTERN] [--dtypes D ...] [--json FILE] [--live]

NAME is a registered backend ("reference", ...) or `module.path:attribute` naming a backend
object or class outside torsh, which is imported and registered first (no edit to torsh).
Prints the op x dtype matrix, totals and the first failure of each failing op with a command
that reproduces it; writes everything as JSON with --json. Exits 1 on any FAIL or XPASS.
"""
from __future__ import annotations

import argparse
import importlib
import json
import sys

from torsh import backends

from .spec import ALL
from .suite import reproduction, run_suite

SYMBOLS = {"pass": "ok", "fallback": "fb", "FAIL": "FAIL", "xfail": "xf", "XPASS": "XPASS",
           "skip": "-"}


def load_backend(name: str) -> str:
    """Register a third-party backend given as `module:attribute`; return its name."""
    if ":" not in name:
        return name
    module_name, attribute = name.split(":", 1)
    backend = getattr(importlib.import_module(module_name), attribute)
    if isinstance(backend, type):
        backend = backend()
    backends.register(backend)
    return backend.name


def print_matrix(report) -> None:
    matrix = report.matrix()
    dtypes = [d for d in ALL if any(d in row for row in matrix.values())]
    width = max([len(op) for op in matrix] + [8])
    print(f"{'op':<{width}}  " + " ".join(f"{d[:8]:>8}" for d in dtypes))
    for op in sorted(matrix):
        row = matrix[op]
        print(f"{op:<{width}}  " + " ".join(f"{SYMBOLS.get(row.get(d), ''):>8}"
                                             for d in dtypes))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m conformance", description=__doc__)
    parser.add_argument("--backend", default="reference")
    parser.add_argument("--ops", help="fnmatch pattern over op names, e.g. 'log*'")
    parser.add_argument("--dtypes", nargs="*")
    parser.add_argument("--json", help="write the full report here")
    parser.add_argument("--live", action="store_true", help="compare with an installed torch")
    parser.add_argument("--quiet", action="store_true", help="totals and failures only")
    options = parser.parse_args(argv)
    backend = load_backend(options.backend)
    report = run_suite(backend, options.ops, options.dtypes, options.live)
    if not options.quiet:
        print_matrix(report)
    totals = report.totals()
    print(f"\nbackend {backend}: " + ", ".join(f"{n} {s}" for s, n in sorted(totals.items())))
    first = {}
    for outcome in report.failures():
        first.setdefault(outcome.case.op_name, outcome)
    for op, outcome in sorted(first.items()):
        print(f"{outcome.status} {op} [{outcome.dtype}] {outcome.case.id}: {outcome.detail}")
        print(f"    {reproduction(outcome, options.backend)}")
    if options.json:
        with open(options.json, "w") as handle:
            json.dump({"backend": backend, "totals": totals, "matrix": report.matrix(),
                       "outcomes": [{"case": o.case.id, "op": o.case.op_name,
                                     "dtype": o.dtype, "status": o.status,
                                     "detail": o.detail} for o in report.outcomes]},
                      handle, indent=1)
    return 0 if report.ok() else 1


if __name__ == "__main__":
    sys.exit(main())
