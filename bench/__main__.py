"""`python -m bench` (or `make bench`): the reference's timings beside numpy and PyTorch.

Prints one row per workload (see workloads.py): the median time of one call for torsh (as
served now: the reference unless a faster backend is loaded), numpy and PyTorch, and the ratios
torsh/numpy and torsh/torch. PyTorch is timed in this interpreter when `import torch` works,
else in the interpreter named by --torch-python or TORSH_BENCH_TORCH_PYTHON, else skipped.
No figure is checked against anything: this reports, it does not test.
"""
from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys

import numpy as np

from .timing import format_ratio, format_seconds, median_seconds
from .torch_side import time_in_subprocess, time_torch
from .workloads import WORKLOADS


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def torch_column(repeat: int, python: str | None) -> tuple[dict | None, str]:
    """PyTorch's times (or None) and a line saying where they came from."""
    try:
        import torch
    except ImportError:
        torch = None
    if torch is not None:
        progress("timing torch (this interpreter) ...")
        result = time_torch(torch, repeat)
        where = "this interpreter"
    elif python:
        progress(f"timing torch with {python} ...")
        try:
            result = time_in_subprocess(python, repeat)
        except (OSError, RuntimeError, ValueError, subprocess.SubprocessError) as error:
            return None, f"torch: not available via {python} ({error})"
        where = python
    else:
        return None, ("torch: not installed (set TORSH_BENCH_TORCH_PYTHON to an interpreter "
                      "that has it, to add the PyTorch column)")
    line = (f"torch: {result['version']}, {result['threads']} threads "
            f"(OMP_WAIT_POLICY={result.get('wait_policy') or 'unset'}), timed in {where}")
    return result["times"], line


def served_by(torsh) -> str:
    """Which backend and path served a matmul, as torsh.backends.trace() reports it."""
    with torsh.backends.trace() as trace:
        torsh.ones(2, 2) @ torsh.ones(2, 2)
    op, backend, path = next(call for call in trace.calls if call[0] == "matmul")
    return f"{backend} ({path})"


def table(rows: list[list[str]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for n, row in enumerate(rows):
        cells = [row[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(row[1:], widths[1:])]
        lines.append("  ".join(cells))
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="repeats per median (default 5)")
    parser.add_argument("--torch-python", default=os.environ.get("TORSH_BENCH_TORCH_PYTHON"),
                        help="an interpreter with PyTorch, used when torch is not importable "
                             "here (default: $TORSH_BENCH_TORCH_PYTHON)")
    args = parser.parse_args(argv)

    import torsh
    progress("timing numpy ...")
    numpy_times = {w.name: median_seconds(w.make_numpy(), args.repeat)
                   for w in WORKLOADS if w.make_numpy is not None}
    progress("timing torsh ...")
    torsh_times = {w.name: median_seconds(w.make(torsh), args.repeat) for w in WORKLOADS}
    torch_times, torch_line = torch_column(args.repeat, args.torch_python)

    print(f"torsh {torsh.__version__}: served by {served_by(torsh)}")
    print(f"numpy {np.__version__}; Python {platform.python_version()}; "
          f"{os.cpu_count()} CPUs ({platform.machine()})")
    print(torch_line)
    print(f"median of {args.repeat} repeats; a repeat makes enough calls to last >= 20 ms\n")
    rows = [["workload", "torsh", "numpy", "torch", "torsh/numpy", "torsh/torch"]]
    for w in WORKLOADS:
        ours, theirs = torsh_times[w.name], numpy_times.get(w.name)
        torch_time = torch_times.get(w.name) if torch_times else None
        rows.append([w.label, format_seconds(ours), format_seconds(theirs),
                     format_seconds(torch_time), format_ratio(ours, theirs),
                     format_ratio(ours, torch_time)])
    print(table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
