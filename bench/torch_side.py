"""The PyTorch column: time the workloads with torch, here or in another interpreter.

`python -m bench.torch_side --repeat N` prints one JSON object: the torch version, its thread
count and the median seconds per workload. `__main__.py` runs it in a subprocess when torch is
not importable beside torsh but TORSH_BENCH_TORCH_PYTHON names an interpreter that has it.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys

from .timing import median_seconds
from .workloads import WORKLOADS

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# OpenMP's default spin-waiting makes PyTorch's 2-thread ops stall for milliseconds when
# another process holds a core (8 ms for a 10,000-element exp on a shared 2-core machine).
# Passive waiting must be chosen before torch loads OpenMP; an explicit setting wins.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")


def time_torch(torch, repeat: int) -> dict:
    times = {w.name: median_seconds(w.make(torch), repeat) for w in WORKLOADS}
    return {"version": torch.__version__, "threads": torch.get_num_threads(),
            "wait_policy": os.environ.get("OMP_WAIT_POLICY", ""), "times": times}


def time_in_subprocess(python: str, repeat: int, timeout: float = 300) -> dict:
    """Run this module under `python`; raises RuntimeError with its stderr if it fails."""
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    done = subprocess.run([python, "-m", "bench.torch_side", "--repeat", str(repeat)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0:
        raise RuntimeError(done.stderr.strip().splitlines()[-1] if done.stderr.strip()
                           else f"exit status {done.returncode}")
    return json.loads(done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    import torch
    json.dump(time_torch(torch, args.repeat), sys.stdout)


if __name__ == "__main__":
    main()
