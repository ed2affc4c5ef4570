"""The LSTM sequence example (docs/examples/lstm.py) runs end to end in its quick setting.

It is run as a user would, in a subprocess: it must exit cleanly, its losses must go down over
the epochs, and it must print the free-running continuation of a test wave.
"""
import re

import pytest

from checks import run_example

LOSS_LINE = re.compile(r"^epoch\s+(\d+)\s+train loss ([0-9.]+)\s+test loss ([0-9.]+)$",
                       re.MULTILINE)


@pytest.fixture(scope="module")
def quick_run():
    return run_example("lstm.py", "--quick", timeout=120)


def test_exits_cleanly(quick_run):
    assert quick_run.returncode == 0, quick_run.stderr


def test_losses_go_down(quick_run):
    epochs = LOSS_LINE.findall(quick_run.stdout)
    assert len(epochs) >= 2, quick_run.stdout
    assert [int(e) for e, _, _ in epochs] == list(range(1, len(epochs) + 1))
    train = [float(loss) for _, loss, _ in epochs]
    test = [float(loss) for _, _, loss in epochs]
    assert train[-1] < train[0] and test[-1] < test[0], (train, test)
    before = float(re.search(r"before training: test loss ([0-9.]+)", quick_run.stdout)[1])
    assert test[-1] < before


def test_prints_model_and_continuation(quick_run):
    assert "(lstm): LSTM(1, 12, batch_first=True)" in quick_run.stdout
    pairs = re.findall(r"([+-][0-9.]+)/([+-][0-9.]+)", quick_run.stdout)
    assert len(pairs) == 5
