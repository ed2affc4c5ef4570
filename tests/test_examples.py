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

from bench import suite, timing, workloads  # noqa: E402


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
    f"  matmul   served by {torsh.backends.current()}",
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


def _cheap_on_this_backend(workload) -> bool:
    """Every quick workload, but on the pure-Python reference only the small ones."""
    return torsh.backends.current() != "reference" or workload.scale <= 5000


@pytest.mark.parametrize("workload", [w for w in workloads.WORKLOADS + suite.suite(quick=True)
                                      if w.make_numpy], ids=lambda w: w.name)
def test_workload_computes_what_numpy_computes(workload):
    if not _cheap_on_this_backend(workload):
        pytest.skip("too slow on the reference")
    ours, theirs = workload.make(torsh)(), workload.make_numpy()()
    if not isinstance(ours, tuple):
        ours, theirs = (ours,), (theirs,)
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a.detach().numpy(), b, rtol=1e-4, atol=1e-3)


@pytest.mark.parametrize("workload", [w for w in suite.suite(quick=True) if w.small],
                         ids=lambda w: w.name)
def test_small_version_of_every_workload_runs(workload):
    workload.small(torsh)()


def test_quick_suite_covers_the_issue():
    groups = {w.group for w in suite.suite(quick=True)}
    assert groups == {"sgemm", "elementwise", "reduction", "normalization", "conv", "pool",
                      "overhead", "training"}
    full = {w.name for w in suite.suite()}
    assert {"sgemm_2048x2048x2048", "sgemm_256x4096x1024", "add_16000000",
            "conv_bwd_32x64x16x16->64", "mlp_784_step"} <= full


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


def test_summarize():
    summary = timing.summarize([1.0, 3.0, 2.0])
    assert summary["median"] == 2.0 and summary["spread"] == 0.5
    assert (summary["min"], summary["max"]) == (1.0, 3.0)


def test_filter_selects_by_name_group_or_label():
    import bench.__main__ as bench_main
    every = workloads.all_workloads(quick=True)
    names = {w.name for w in bench_main.selected(every, "^exp$,overhead")}
    assert names == {"exp", "graph", "overhead", "add_1", "add_1_grad"}


def test_bench_prints_a_table_and_writes_json(tmp_path, capsys):
    import json

    import bench.__main__ as bench_main
    path = tmp_path / "bench.json"
    assert bench_main.main(["--quick", "--filter", "^exp$,^add_1$,^sgemm_64", "--no-torch",
                            "--repeat", "2", "--busy", "--json", str(path)]) == 0
    out = capsys.readouterr().out
    assert f"served by {torsh.backends.current()}" in out
    assert "torch/torsh" in out and "add, 1 element (per-op cost)" in out
    assert "FMA peak" in out and "a process spins on one core" in out
    report = json.loads(path.read_text())
    entries = {e["name"]: e for e in report["workloads"]}
    assert set(entries) == {"exp", "add_1", "sgemm_64x64x64"}
    assert report["busy"] and report["quick"] and report["repeat"] == 2
    times = entries["add_1"]["times"]
    assert len(times["torsh"]["samples"]) == 2 and times["numpy"]["median"] > 0
    assert entries["add_1"]["ratio_numpy_over_torsh"] > 0
    assert entries["sgemm_64x64x64"]["unit"] == "GFLOP/s"
    assert entries["sgemm_64x64x64"]["rate"]["torsh"] > 0


def test_bench_with_pytorch_in_a_worker(capsys):
    python = os.environ.get("TORSH_BENCH_TORCH_PYTHON")
    if not python:
        pytest.skip("TORSH_BENCH_TORCH_PYTHON is not set")
    import bench.__main__ as bench_main
    assert bench_main.main(["--quick", "--filter", "^add_1$", "--repeat", "1", "--json",
                            ""]) == 0
    out = capsys.readouterr().out
    assert "torch: 2." in out and "timed in" in out


def test_bench_in_process(capsys):
    import bench.__main__ as bench_main
    assert bench_main.main(["--quick", "--filter", "^add_1$", "--no-torch", "--in-process",
                            "--repeat", "1", "--stat", "min", "--json", ""]) == 0
    out = capsys.readouterr().out
    assert "timed in this interpreter" in out and "min of 1 interleaved repeats" in out
