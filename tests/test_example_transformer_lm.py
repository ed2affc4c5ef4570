"""The character-level Transformer example (docs/examples/transformer_lm.py) runs end to end in
its quick setting, as a user would run it (in a subprocess): it exits cleanly, its loss falls,
and it prints a sample that starts with its prompt."""
import ast
import os
import re
import sys

import pytest

from checks import ROOT, run_example

LOSS_LINE = re.compile(r"^step\s+(\d+)\s+loss ([0-9.]+)$", re.MULTILINE)


@pytest.fixture(scope="module")
def quick_run():
    return run_example("transformer_lm.py", "--quick", TRANSFORMER_LM_STEPS="8")


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
    sys.path.insert(0, os.path.join(ROOT, "docs", "examples"))
    try:
        from transformer_lm import zen_of_python
    finally:
        sys.path.pop(0)
    text = zen_of_python()
    assert text.startswith("The Zen of Python, by Tim Peters")
    assert "Beautiful is better than ugly." in text
