"""bench: how fast the reference is, beside numpy and PyTorch. Run it with `python -m bench`.

The numbers are for orientation, never for assertions: the reference is pure Python and is
meant to be read, so it is thousands of times slower than numpy on arithmetic, and the
interesting figure is how that gap changes with the work per op (see the last row, the
per-op overhead on one element).

- `workloads.py`: what is timed, written once for any PyTorch-like library (torsh, torch) and
  once for numpy;
- `timing.py`: medians of repeated runs;
- `torch_side.py`: times the PyTorch side, in this interpreter or in another one (PyTorch need
  not be installed beside torsh: set TORSH_BENCH_TORCH_PYTHON=/path/to/python);
- `__main__.py`: runs everything and prints the table.

Nothing in this package imports torsh at import time, so another interpreter (one with
PyTorch but without torsh's dependencies) can import it.
"""
