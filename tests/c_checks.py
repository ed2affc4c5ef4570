"""Helpers shared by the C backend's tests: run a function on the C kernels and on the
reference, compare what they give, run a script on the portable build, and a fixture for the
loaded and the portable build."""
import os
import subprocess
import sys

import numpy as np
import pytest

import torsh
from torsh import backends


def both(fn):
    """(fn() on the C backend, fn() on the reference, the ops C served natively)."""
    with backends.trace() as seen, backends.using("c"):
        fast = fn()
    with backends.using("reference"):
        slow = fn()
    native = {op for op, backend, path in seen.calls if backend == "c" and path == "native"}
    return fast, slow, native


def assert_same(fast, slow, tol=1e-5):
    """Tensors (or tuples of them) of one shape and dtype: integers equal, floats within tol,
    NaN matching NaN; None where the other is None."""
    fast = fast if isinstance(fast, (tuple, list)) else (fast,)
    slow = slow if isinstance(slow, (tuple, list)) else (slow,)
    assert len(fast) == len(slow)
    for a, b in zip(fast, slow):
        if a is None or b is None:
            assert a is None and b is None
            continue
        assert tuple(a.shape) == tuple(b.shape) and a.dtype == b.dtype
        a, b = a.detach().numpy(), b.detach().numpy()
        if a.dtype.kind in "iu":
            np.testing.assert_array_equal(a, b)
        else:
            np.testing.assert_allclose(a, b, rtol=tol, atol=tol, equal_nan=True)


def data(*shape, dtype=torsh.float64, seed=0, grad=True):
    """Standard normal samples of `shape`, the same on every run."""
    values = np.random.RandomState(seed).randn(*shape)
    return torsh.tensor(values, dtype=dtype, requires_grad=grad)


def with_grads(fn, inputs, seed=1):
    """fn(*inputs) and the gradients of every input for a fixed output gradient."""
    def run():
        out = fn(*inputs)
        g = torsh.tensor(np.random.RandomState(seed).randn(*out.shape), dtype=out.dtype)
        wanted = [t for t in inputs if t is not None and t.requires_grad]
        return (out,) + torsh.autograd.grad(out, wanted, g, allow_unused=True)
    return run


ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Appended to a script that defines `runs` (functions of no arguments): each run on the C
# kernels agrees with the reference.
COMPARE_RUNS = """
for run in runs:
    fast = run()
    with torsh.backends.using("reference"):
        slow = run()
    fast, slow = (fast, slow) if isinstance(fast, tuple) else ((fast,), (slow,))
    for a, b in zip(fast, slow):
        np.testing.assert_allclose(a.numpy(), b.numpy(), 1e-4, 1e-4, equal_nan=True)
"""


def portable_rerun(path: str):
    """A test that runs the test file at `path` again on the portable C build (skipped, with
    the reason, when this already is the portable build)."""
    from torsh.backends import C_BACKEND

    @pytest.mark.skipif(os.environ.get("TORSH_C_VARIANT") == "portable" or
                        C_BACKEND.variant == "portable", reason="already the portable build")
    def test_this_file_passes_on_the_portable_build():
        env = dict(os.environ, TORSH_C_VARIANT="portable")
        done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-x", "-p",
                               "no:cacheprovider", os.path.abspath(path)],
                              capture_output=True, text=True, env=env, timeout=300)
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    return test_this_file_passes_on_the_portable_build


def assert_passes_on_the_portable_build(script: str) -> None:
    """Run the Python `script` with the portable C build loaded; it must print "ok" last."""
    env = dict(os.environ, TORSH_C_VARIANT="portable")
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and "ok" in done.stdout, done.stderr[-2000:]


@pytest.fixture(scope="module", params=["c", "c-portable"])
def variant(request):
    """The backend name to test: the loaded build, and the portable C build."""
    if request.param == "c":
        yield "c"
        return
    from torsh.backends.c import CBackend
    portable = CBackend("portable")
    if not portable.is_available():
        pytest.skip(portable.unavailable_reason())
    portable.name = "c-portable"
    backends.register(portable)
    yield "c-portable"
    backends._BACKENDS.pop("c-portable", None)
