"""bench: torsh beside PyTorch and numpy, interleaved. Run it with `python -m bench`.

The numbers are for orientation, never for assertions. torsh runs as served: the C backend
when it is built (then the figures to watch are the ratios torch/torsh), else the pure-Python
reference (thousands of times slower; big sizes are then skipped with a note).

- `workloads.py`: the basic workloads, written once for any PyTorch-like library (torsh,
  torch) and once for numpy; `all_workloads(quick)` adds `suite.py`;
- `suite.py`: issue 5's workloads (sgemm, elementwise, reductions, softmax/layer_norm, conv,
  pooling, per-op overhead, training loops), in full or `--quick` sizes;
- `timing.py`: summaries (median, spread) and formatting;
- `torch_side.py`: one library's side, in this interpreter or in a worker process (PyTorch
  need not be installed beside torsh: set TORSH_BENCH_TORCH_PYTHON=/path/to/python);
- `peak.py` / `peak.c`: the machine's FMA peak, for the fraction-of-peak column;
- `__main__.py`: runs everything, prints the table, writes build/bench.json.

Nothing in this package imports torsh at import time, so another interpreter (one with
PyTorch but without torsh's dependencies) can import it.
"""
