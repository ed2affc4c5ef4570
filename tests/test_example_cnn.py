"""The main job (docs/examples/cnn.py, `make demo`) runs end to end in its quick setting.

Run as a user would, in a subprocess: it exits cleanly, prints a line per epoch whose training
loss falls, verifies the reloaded checkpoint, and writes the checkpoint and the PNG of the curves.
"""
import re

import pytest

from checks import run_example

EPOCH = re.compile(r"^epoch\s+(\d+)\s+train loss ([0-9.]+)\s+train accuracy\s+([0-9.]+)%\s+"
                   r"test loss ([0-9.]+)\s+test accuracy\s+([0-9.]+)%", re.MULTILINE)


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo")
    return run_example("cnn.py", "--quick", "--out", str(out), timeout=300), out


def test_exits_cleanly_and_reloads_identically(quick_run):
    done, _ = quick_run
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert "reloaded model gives identical outputs: True" in done.stdout


def test_loss_falls_over_the_epochs(quick_run):
    epochs = EPOCH.findall(quick_run[0].stdout)
    assert [int(e[0]) for e in epochs] == list(range(1, len(epochs) + 1)) and len(epochs) >= 2
    losses = [float(e[1]) for e in epochs]
    assert losses[-1] < losses[0], losses


def test_writes_checkpoint_and_plot(quick_run):
    _, out = quick_run
    with open(out / "cnn_digits_curves.png", "rb") as f:
        assert f.read(8) == b"\x89PNG\r\n\x1a\n"
    assert (out / "cnn_digits.pt").stat().st_size > 1000


def test_the_progress_bar_is_tqdm(quick_run):
    assert "batch/s" in quick_run[0].stderr       # tqdm's rate, on stderr
