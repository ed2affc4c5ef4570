"""The tensor- and autograd-basics examples run as a user runs them and pass their own checks."""
import pytest

from checks import run_example


@pytest.mark.parametrize("script, last_line", [
    ("tensor_basics.py", "all tensor basics behave as in PyTorch"),
    ("autograd_basics.py", "all autograd basics behave as in PyTorch"),
])
def test_example_runs_and_passes_its_checks(script, last_line):
    done = run_example(script, timeout=120)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == last_line
