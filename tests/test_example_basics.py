"""The tensor- and autograd-basics examples run as a user runs them and pass their own checks."""
import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.mark.parametrize("script, last_line", [
    ("tensor_basics.py", "all tensor basics behave as in PyTorch"),
    ("autograd_basics.py", "all autograd basics behave as in PyTorch"),
])
def test_example_runs_and_passes_its_checks(script, last_line):
    done = subprocess.run([sys.executable, os.path.join(ROOT, "docs", "examples", script)],
                          capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == last_line
