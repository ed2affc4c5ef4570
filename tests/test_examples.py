"""The user-facing programs run: the tour (`make tour`) and the benchmark harness (`make bench`).

Nothing here times anything: the bench is checked for computing the same values as numpy and
for printing its table, never for speed.
"""
import os
import subprocess
import sys

import numpy as np
import pytest

import torsh

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from bench import timing, workloads  # noqa: E402


@pytest.fixture(scope="module")
def tour_output():
    done = subprocess.run([sys.executable, os.path.join(ROOT, "docs", "examples", "tour.py")],
                          capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.parametrize("expected", [
    "== 1. Tensors and dtypes",
    "integers wrap: torch.tensor([250], dtype=torch.uint8) + 10: tensor([4], dtype=torsh.uint8)",
    "base.view(6) shares storage: True",
    "            [0., 8., 0.]])",
    "int8 + uint8 -> int16: torsh.int16",
    "raises ShapeMismatch: add:",
    "m[[0, 2], [1, 3]] (advanced: a copy): tensor([ 1., 11.])",
    "m.sum(): tensor(66.)",
    "after loss.backward(), w.grad (= 2 w): tensor([ 1., -2.,  4.])",
    "dy/da = 27.0 (3a^2), d2y/da2 = 18.0 (6a)",
    "  matmul   served by reference",
    "torch.ops.OPS['exp'] = <op exp>",
    "def exp(x):",
    "def _matmul_reference(a: Array, b: Array) -> Array:",
    "Tour complete.",
])
def test_tour_prints(tour_output, expected):
    assert expected in tour_output


def test_graph_workload_has_20_ops():
    x = torsh.tensor(workloads.data(5, dtype=np.float64))
    with torsh.backends.trace() as trace:
        workloads.graph_loss(x, x)
    assert len(trace.calls) == 20


def test_graph_gradient_by_hand_matches_autograd():
    x, w = workloads.data(7, dtype=np.float64), workloads.data(7, seed=1, dtype=np.float64)
    tx = torsh.from_numpy(x.copy()).requires_grad_()
    tw = torsh.from_numpy(w.copy()).requires_grad_()
    grad_x, grad_w = workloads.graph_grads(torsh, tx, tw)
    hand_x, hand_w = workloads.graph_grads_numpy(x, w)
    np.testing.assert_allclose(grad_x.numpy(), hand_x, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(grad_w.numpy(), hand_w, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("workload", [w for w in workloads.WORKLOADS if w.make_numpy],
                         ids=lambda w: w.name)
def test_workload_computes_what_numpy_computes(workload):
    ours, theirs = workload.make(torsh)(), workload.make_numpy()()
    if not isinstance(ours, tuple):
        ours, theirs = (ours,), (theirs,)
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a.detach().numpy(), b, rtol=1e-4, atol=1e-3)


def test_cnn_step_workload_trains():
    step = next(w for w in workloads.WORKLOADS if w.name == "cnn_step").make(torsh)
    step()                                  # one Adam step on the demo's model runs


def test_format():
    assert timing.format_seconds(0.0236) == "23.6 ms"
    assert timing.format_seconds(2.5e-7) == "250 ns"
    assert timing.format_seconds(None) == "-"
    assert timing.format_ratio(2.0, 1.0) == "2x"
    assert timing.format_ratio(12_345.0, 1.0) == "12,345x"
    assert timing.format_ratio(1.0, None) == "-"


def test_bench_prints_a_table(monkeypatch, capsys):
    import bench.__main__ as bench_main
    cheap = tuple(w for w in workloads.WORKLOADS if w.name in ("exp", "overhead"))
    monkeypatch.setattr(bench_main, "WORKLOADS", cheap)
    monkeypatch.setattr(bench_main, "torch_column", lambda repeat, python: (None, "torch: -"))
    assert bench_main.main(["--repeat", "1"]) == 0
    out = capsys.readouterr().out
    assert "served by reference" in out
    assert "torsh/numpy" in out and "add on 1 element (per-op cost)" in out
