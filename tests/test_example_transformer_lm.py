"""The character-level Transformer example (docs/examples/transformer_lm.py) runs end to end in
its quick setting, as a user would run it (in a subprocess): it exits cleanly, its loss falls,
and it prints a sample that starts with its prompt."""
import ast
import os
import re
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCRIPT = os.path.join(ROOT, "docs", "examples", "transformer_lm.py")
LOSS_LINE = re.compile(r"^step\s+(\d+)\s+loss ([0-9.]+)$", re.MULTILINE)


@pytest.fixture(scope="module")
def quick_run():
    env = dict(os.environ, TRANSFORMER_LM_STEPS="8")
    return subprocess.run([sys.executable, SCRIPT, "--quick"], capture_output=True, text=True,
                          timeout=180, cwd=ROOT, env=env)


def test_exits_cleanly(quick_run):
    assert quick_run.returncode == 0, quick_run.stderr


def test_loss_falls(quick_run):
    steps = LOSS_LINE.findall(quick_run.stdout)
    assert [int(s) for s, _ in steps] == list(range(1, 9)), quick_run.stdout
    losses = [float(loss) for _, loss in steps]
    assert sum(losses[-3:]) / 3 < losses[0] - 0.1, losses


def test_reads_the_zen_of_python(quick_run):
    assert re.search(r"^text: \d+ characters, vocabulary of \d+", quick_run.stdout, re.MULTILINE)


def test_prints_a_sample(quick_run):
    match = re.search(r"^sample: (.*)$", quick_run.stdout, re.MULTILINE)
    assert match, quick_run.stdout
    sample = ast.literal_eval(match.group(1))      # printed as a Python string literal
    assert sample.startswith("Beautiful ") and len(sample) == len("Beautiful ") + 10


def test_zen_text_is_decoded():
    sys.path.insert(0, os.path.dirname(SCRIPT))
    try:
        from transformer_lm import zen_of_python
    finally:
        sys.path.pop(0)
    text = zen_of_python()
    assert text.startswith("The Zen of Python, by Tim Peters")
    assert "Beautiful is better than ugly." in text
