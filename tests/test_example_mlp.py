"""The MLP training example (docs/examples/mlp.py) runs end to end in its quick setting.

It is run as a user would, in a subprocess: it must exit cleanly, its training loss must go
down over the epochs, and the saved-then-reloaded model must give identical outputs.
"""
import re

import pytest

from checks import run_example

LOSS_LINE = re.compile(r"^epoch\s+(\d+)\s+train loss ([0-9.]+)\s+test accuracy ([0-9.]+)%",
                       re.MULTILINE)


@pytest.fixture(scope="module")
def quick_run():
    return run_example("mlp.py", "--quick", timeout=120)


def test_exits_cleanly(quick_run):
    assert quick_run.returncode == 0, quick_run.stderr


def test_loss_goes_down(quick_run):
    epochs = LOSS_LINE.findall(quick_run.stdout)
    assert len(epochs) >= 2, quick_run.stdout
    assert [int(e) for e, _, _ in epochs] == list(range(1, len(epochs) + 1))
    losses = [float(loss) for _, loss, _ in epochs]
    assert losses[-1] < losses[0], losses
    assert all(0.0 <= float(acc) <= 100.0 for _, _, acc in epochs)


def test_reload_gives_identical_outputs(quick_run):
    assert "reloaded model gives identical outputs: True" in quick_run.stdout


def test_prints_final_accuracy(quick_run):
    assert re.search(r"final test accuracy: [0-9.]+% \(chance: 50\.0%\)", quick_run.stdout)
