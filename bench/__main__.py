"""`python -m bench` (or `make bench`): torsh beside PyTorch and numpy, in one interleaved run.

For each workload (workloads.py, suite.py) every library is prepared, then their repeats
alternate (torsh, torch, numpy, in a rotating order), so that a change in the machine's load
hits all of them alike. The table shows the median time of one call, its spread (half the
range of the repeats, relative to the median), the ratios torch/torsh and numpy/torsh (above
1: torsh is faster), and rates (GFLOP/s with the fraction of the FMA peak, or GB/s). The same
figures go to a JSON file (build/bench.json).

torsh runs as served (the C backend when built, else the reference: then big sizes are
skipped with a note). PyTorch runs in this interpreter when `import torch` works, else in the
interpreter named by --torch-python or TORSH_BENCH_TORCH_PYTHON, with torsh's thread count.
`--busy` runs a process spinning on one core during the timings (graceful degradation).
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import time

import numpy as np

from .peak import fma_peak
from .timing import format_ratio, format_seconds, summarize
from .torch_side import LocalSide, WorkerSide, describe_torch
from .workloads import all_workloads

DEFAULT_JSON = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                            "build", "bench.json")


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def torch_side(python: str | None, threads: int, in_process: bool):
    """PyTorch's side (or None), a line saying where it runs, and its version and threads."""
    try:
        import torch
    except ImportError:
        torch = None
    if torch is not None and in_process:
        torch.set_num_threads(threads)
        side, info, where = LocalSide("torch", torch), describe_torch(torch), "this interpreter"
    elif torch is not None or python:
        python = sys.executable if torch is not None else python
        try:
            side = WorkerSide(python, threads)
        except (OSError, RuntimeError, ValueError) as error:
            return None, f"torch: not available via {python} ({error})", {}
        info, where = side.info, f"a worker ({python})"
    else:
        return None, ("torch: not installed (set TORSH_BENCH_TORCH_PYTHON to an interpreter "
                      "that has it, to add the PyTorch column)"), {}
    line = (f"torch: {info['version']}, {info['threads']} threads "
            f"(OMP_WAIT_POLICY={info.get('wait_policy') or 'unset'}, "
            f"GOMP_SPINCOUNT={info.get('spin_count') or 'unset'}), timed in {where}")
    return side, line, info


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
        lines.append("  ".join(cells).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def selected(workloads, pattern: str | None) -> list:
    """Workloads whose name, group or label matches any comma-separated regex of `pattern`."""
    if not pattern:
        return list(workloads)
    regexes = [re.compile(p.strip(), re.I) for p in pattern.split(",") if p.strip()]
    return [w for w in workloads
            if any(r.search(w.name) or r.search(w.group) or r.search(w.label) for r in regexes)]


def time_workload(workload, sides: list, repeat: int, quick: bool) -> dict:
    """Prepare every side, then alternate their repeats; {side: summary or {'skip': why}}."""
    prepared, result = [], {}
    for side in sides:
        answer = side.prepare(workload, quick)
        if "skip" in answer:
            result[side.name] = {"skip": answer["skip"]}
        else:
            prepared.append((side, answer["number"]))
    samples: dict = {side.name: [] for side, _ in prepared}
    for r in range(repeat):
        shift = r % len(prepared) if prepared else 0
        for side, number in prepared[shift:] + prepared[:shift]:
            samples[side.name].append(side.run(number) / number)
    for side, number in prepared:
        result[side.name] = dict(summarize(samples[side.name]), calls_per_repeat=number)
    return result


def rate(workload, seconds: float | None) -> float | None:
    """GFLOP/s or GB/s of one call that took `seconds`."""
    if workload.work is None or not seconds:
        return None
    return workload.work / seconds / 1e9


def record(workload, times: dict, peak: float | None, stat: str = "median") -> dict:
    """The JSON entry of one workload; ratios and rates use `stat` (median or min)."""
    median = {name: t.get(stat) for name, t in times.items()}
    entry = {"name": workload.name, "label": workload.label, "group": workload.group,
             "unit": workload.unit, "work": workload.work, "stat": stat, "times": times,
             "ratio_torch_over_torsh": _ratio(median.get("torch"), median.get("torsh")),
             "ratio_numpy_over_torsh": _ratio(median.get("numpy"), median.get("torsh")),
             "rate": {name: rate(workload, m) for name, m in median.items() if m}}
    if workload.unit == "GFLOP/s" and peak:
        entry["fraction_of_peak"] = {name: r / peak for name, r in entry["rate"].items() if r}
    return entry


def _ratio(numerator, denominator):
    return numerator / denominator if numerator and denominator else None


def row(entry: dict) -> list[str]:
    times = entry["times"]

    stat = entry.get("stat", "median")

    def seconds(name):
        return format_seconds(times.get(name, {}).get(stat))

    def spread(name):
        value = times.get(name, {}).get("spread")
        return "-" if value is None else f"±{value * 100:.0f}%"

    def speed(name):
        value = entry["rate"].get(name)
        if value is None:
            return "-"
        text = f"{value:.3g} {entry['unit']}"
        fraction = entry.get("fraction_of_peak", {}).get(name)
        return text + (f" ({fraction * 100:.0f}%)" if fraction is not None else "")

    notes = [f"{name}: {t['skip']}" for name, t in times.items() if "skip" in t
             and not (name == "numpy" and t["skip"] == "no numpy version")]
    ratios = [format_ratio(times.get(n, {}).get(stat), times.get("torsh", {}).get(stat))
              for n in ("torch", "numpy")]
    return ([entry["label"], seconds("torsh"), spread("torsh"), seconds("torch"), spread("torch"),
             seconds("numpy")] + ratios
            + [speed("torsh"), speed("torch"), _clip("; ".join(notes))])


def _clip(note: str, width: int = 72) -> str:
    """The table's notes stay on one screen line (the JSON has them whole)."""
    return note if len(note) <= width else note[:width - 3] + "..."


HEADER = ["workload", "torsh", "±", "torch", "±", "numpy", "torch/torsh", "numpy/torsh",
          "torsh rate", "torch rate", "note"]


class Busy:
    """A process spinning on one core while the timings run (--busy)."""

    def __init__(self, on: bool):
        self.process = (subprocess.Popen([sys.executable, "-c", "while True: pass"])
                        if on else None)

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=None,
                        help="repeats per workload and library (default 7, --quick 3)")
    parser.add_argument("--quick", action="store_true", help="small sizes (a smoke test)")
    parser.add_argument("--filter", help="comma-separated regexes on workload name, group or "
                                         "label (e.g. 'sgemm,overhead')")
    parser.add_argument("--busy", action="store_true",
                        help="run a process spinning on one core during the timings")
    parser.add_argument("--json", default=DEFAULT_JSON, help=f"where to write the figures "
                                                             f"(default {DEFAULT_JSON})")
    parser.add_argument("--stat", choices=("median", "min"), default="median",
                        help="the figure of each workload's repeats that the table and ratios "
                             "use (min resists a busy machine; default median)")
    parser.add_argument("--in-process", action="store_true",
                        help="time torsh, numpy (and torch, when importable) in this process "
                             "rather than in one worker process each")
    parser.add_argument("--no-torch", action="store_true", help="leave PyTorch out")
    parser.add_argument("--torch-python", default=os.environ.get("TORSH_BENCH_TORCH_PYTHON"),
                        help="an interpreter with PyTorch, used when torch is not importable "
                             "here (default: $TORSH_BENCH_TORCH_PYTHON)")
    args = parser.parse_args(argv)
    repeat = args.repeat or (3 if args.quick else 7)

    import torsh
    threads = torsh.get_num_threads()
    workloads = selected(all_workloads(args.quick), args.filter)
    if not workloads:
        parser.error(f"no workload matches {args.filter!r}")
    if args.no_torch:
        torch, torch_line, torch_info = None, "torch: left out (--no-torch)", {}
    else:
        torch, torch_line, torch_info = torch_side(args.torch_python, threads, args.in_process)
    if args.in_process:
        sides = [LocalSide("torsh", torsh), LocalSide("numpy")]
    else:
        sides = [WorkerSide(sys.executable, threads, "torsh"), WorkerSide(sys.executable, 0,
                                                                            "numpy")]
    sides[1:1] = [torch] if torch else []
    peak = fma_peak(threads) if any(w.unit == "GFLOP/s" for w in workloads) else None

    busy = Busy(args.busy)
    entries = []
    try:
        for n, workload in enumerate(workloads, 1):
            progress(f"[{n}/{len(workloads)}] {workload.label}")
            times = time_workload(workload, sides, repeat, args.quick)
            entries.append(record(workload, times, peak and peak["gflops"], args.stat))
    finally:
        busy.stop()
        for side in sides:
            side.close()

    backend = served_by(torsh)
    print(f"torsh {torsh.__version__}: served by {backend}, {threads} threads, timed in "
          + ("this interpreter" if args.in_process else "a worker"))
    print(f"numpy {np.__version__}" + ("" if args.in_process else " (one BLAS thread: "
          "OpenBLAS's spinning threads would hold a core while the others run)")
          + f"; Python {platform.python_version()}; {os.cpu_count()} CPUs "
          f"({platform.machine()})")
    print(torch_line)
    if peak:
        gflops = peak["gflops"]
        print(f"FMA peak: {gflops:.0f} GFLOP/s" if gflops else "FMA peak: unknown",
              f"({peak['how']})")
    print(f"{args.stat} of {repeat} interleaved repeats (wall time); a repeat makes enough "
          f"calls to last >= 20 ms; ratios above 1: torsh is faster"
          + ("; a process spins on one core (--busy)" if args.busy else "") + "\n")
    print(table([HEADER] + [row(e) for e in entries]))

    report = {"time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "quick": args.quick,
              "busy": args.busy, "repeat": repeat, "stat": args.stat, "threads": threads,
              "machine": {"cpus": os.cpu_count(), "arch": platform.machine(),
                          "python": platform.python_version()},
              "peak": peak, "torsh": {"version": torsh.__version__, "served_by": backend},
              "numpy": {"version": np.__version__}, "torch": torch_info, "workloads": entries}
    if args.json:
        os.makedirs(os.path.dirname(os.path.abspath(args.json)), exist_ok=True)
        with open(args.json, "w") as file:
            json.dump(report, file, indent=1)
        print(f"\nfigures written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
