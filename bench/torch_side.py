"""A library's side of the bench, in this interpreter or in a worker process.

`LocalSide(lib)` times workloads with a module that has PyTorch's API (torsh or torch) or,
with lib=None, with numpy. `WorkerSide(python, threads, lib)` runs
`python -m bench.torch_side --lib LIB` (for torch, possibly an interpreter with PyTorch but
without torsh's dependencies) and drives the same `LocalSide` there over JSON lines on its
stdin/stdout, so the bench can interleave the libraries: prepare a workload on every side,
then alternate their repeats. By default every library runs in its own worker, so all of
them are timed alike: a fresh process that sleeps while the others run, with the driver
(and its imports) out of the way.

Worker protocol, one JSON object per line: it first prints {version, threads, wait_policy};
then answers {"prepare": name, "quick": bool} with {"number": calls per repeat} or
{"skip": reason}, and {"run": number} with {"seconds": elapsed}.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

from .timing import calls_per_repeat
from .workloads import all_workloads

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# OpenMP's default spin-waiting makes PyTorch's 2-thread ops stall for milliseconds when
# another process holds a core (8 ms for a 10,000-element exp on a shared 2-core machine).
# Passive waiting must be chosen before torch loads OpenMP; an explicit setting wins.
# PyTorch waits as torsh does (torsh/backends/c/_library.py: passive, after a short spin).
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
os.environ.setdefault("GOMP_SPINCOUNT", "3000")

# When the pure-Python reference serves some op of a workload's tiny version, torsh's call is
# estimated from the tiny one's time times the workload's scale, and skipped above this.
REFERENCE_LIMIT_SECONDS = 2.0


def reference_ops(torsh, workload) -> tuple:
    """The ops that the reference serves in the workload's tiny version (traced), and an
    estimate of one call's seconds (None when no op runs on the reference)."""
    fn = (workload.small or workload.make)(torsh)
    with torsh.backends.trace() as trace:
        fn()
    slow = sorted({op for op, backend, path in trace.calls if backend == "reference"})
    if not slow:
        return slow, None
    start = time.perf_counter()
    fn()
    return slow, (time.perf_counter() - start) * workload.scale


class LocalSide:
    """Times workloads with `lib` (torsh, torch) or numpy (lib=None) in this interpreter."""

    def __init__(self, name: str, lib=None):
        self.name, self.lib, self.fn = name, lib, None

    def prepare(self, workload, quick: bool = False) -> dict:
        self.fn = None
        if self.lib is None and workload.make_numpy is None:
            return {"skip": "no numpy version"}
        if self.name == "torsh" and workload.scale > 1:
            slow, estimate = reference_ops(self.lib, workload)
            if estimate is not None and estimate > REFERENCE_LIMIT_SECONDS:
                return {"skip": f"{', '.join(slow)} on the reference: ~{estimate:.3g} s a call"}
        try:
            self.fn = workload.make_numpy() if self.lib is None else workload.make(self.lib)
            return {"number": calls_per_repeat(self.fn)}
        except Exception as error:          # a missing op on one side skips that side only
            self.fn = None
            return {"skip": f"{type(error).__name__}: {str(error).splitlines()[0][:80]}"}

    def run(self, number: int) -> float:
        fn = self.fn
        start = time.perf_counter()
        for _ in range(number):
            fn()
        return time.perf_counter() - start

    def close(self) -> None:
        pass


class WorkerSide:
    """A LocalSide for torch in another interpreter, driven over pipes."""

    def __init__(self, python: str, threads: int, name: str = "torch"):
        env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
        if name == "numpy":
            # OpenBLAS's threads spin for a while after each call: in an interleaved run they
            # held a core while torsh and torch ran next (torsh's 1024^3 sgemm measured at one
            # core's rate). numpy's BLAS runs on one thread here, said in the table's header.
            env["OPENBLAS_NUM_THREADS"] = "1"
        self.name = name
        self.process = subprocess.Popen(
            [python, "-m", "bench.torch_side", "--threads", str(threads), "--lib", name],
            cwd=ROOT, env=env,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.info = self._read()

    def _read(self) -> dict:
        line = self.process.stdout.readline()
        if not line:
            error = self.process.stderr.read().strip().splitlines()
            raise RuntimeError(error[-1] if error else "the worker exited")
        return json.loads(line)

    def _ask(self, request: dict) -> dict:
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        return self._read()

    def prepare(self, workload, quick: bool = False) -> dict:
        return self._ask({"prepare": workload.name, "quick": quick})

    def run(self, number: int) -> float:
        return self._ask({"run": number})["seconds"]

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.stdin.close()
            self.process.wait(timeout=30)


def describe_torch(torch) -> dict:
    return {"version": torch.__version__, "threads": torch.get_num_threads(),
            "wait_policy": os.environ.get("OMP_WAIT_POLICY", ""),
            "spin_count": os.environ.get("GOMP_SPINCOUNT", "")}


def serve(lib: str, threads: int) -> None:
    """The worker's loop (see the module doc)."""
    if lib == "torch":
        import torch
        if threads > 0:
            torch.set_num_threads(threads)
        side, info = LocalSide("torch", torch), describe_torch(torch)
    elif lib == "torsh":
        import torsh
        if threads > 0:
            torsh.set_num_threads(threads)
        side = LocalSide("torsh", torsh)
        info = {"version": torsh.__version__, "threads": torsh.get_num_threads()}
    else:
        import numpy
        side, info = LocalSide("numpy"), {"version": numpy.__version__}
    print(json.dumps(info), flush=True)
    tables: dict = {}
    for line in sys.stdin:
        request = json.loads(line)
        if "prepare" in request:
            quick = bool(request.get("quick"))
            table = tables.setdefault(quick, {w.name: w for w in all_workloads(quick)})
            workload = table.get(request["prepare"])
            answer = (side.prepare(workload) if workload is not None
                      else {"skip": "unknown workload"})
        else:
            answer = {"seconds": side.run(int(request["run"]))}
        print(json.dumps(answer), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=0)
    parser.add_argument("--lib", choices=("torch", "torsh", "numpy"), default="torch")
    args = parser.parse_args()
    serve(args.lib, args.threads)


if __name__ == "__main__":
    main()
