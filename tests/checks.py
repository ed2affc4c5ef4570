"""Helpers shared by the tests: exact comparison of nested lists, float64 gradient checks, and
running an example script of docs/examples as a user would."""
import math
import os
import subprocess
import sys

import pytest

import torsh
from torsh.autograd.gradcheck import gradcheck, gradgradcheck


def same(a, b):
    """Equal lists (nested), NaN equal to NaN, -0.0 distinguished from 0.0."""
    if isinstance(a, list):
        return isinstance(b, list) and len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, float) and a != a:
        return isinstance(b, float) and b != b
    return a == b and math.copysign(1, a) == math.copysign(1, b)


def f64(data, grad=True):
    return torsh.tensor(data, dtype=torsh.float64, requires_grad=grad)


def check_grads(fn, x, grad_out):
    """gradcheck and gradgradcheck of fn at x, with `grad_out` as the double-backward cotangent."""
    assert gradcheck(fn, (x,))
    assert gradgradcheck(fn, (x,), (f64(grad_out),))


def check_all_grads(fn, *inputs):
    """gradcheck and gradgradcheck of fn at float64 inputs (all requiring grad), with ones as
    the double-backward cotangent."""
    assert gradcheck(fn, inputs)
    out = fn(*inputs)
    assert gradgradcheck(fn, inputs, (torsh.ones(tuple(out.shape), dtype=torsh.float64)
                                      .requires_grad_(),))


def close(got, expected, rel=1e-12):
    """got (a tensor, read flat, or a list) equals expected (a list or one number) within rel,
    NaN matching NaN."""
    got = got.reshape(-1).tolist() if hasattr(got, "tolist") else got
    expected = expected if isinstance(expected, list) else [expected]
    assert len(got) == len(expected), (got, expected)
    for g, e in zip(got, expected):
        if e != e:
            assert g != g, (got, expected)
        else:
            assert g == pytest.approx(e, rel=rel, abs=1e-12), (got, expected)


ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run_example(script: str, *args: str, timeout: float = 180, **env):
    """Run docs/examples/<script> with `args` in a subprocess from the repository root (extra
    environment variables as keywords); returns the CompletedProcess (text output)."""
    return subprocess.run([sys.executable, os.path.join(ROOT, "docs", "examples", script),
                           *args], capture_output=True, text=True, timeout=timeout, cwd=ROOT,
                          env=dict(os.environ, **env))
