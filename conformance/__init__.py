"""torsh's conformance suite: every backend against the reference, the reference against
PyTorch. Run `python -m conformance --backend NAME` or `pytest conformance/`."""
