"""The backend registry: the CPU chain (C kernels first when built, then the reference),
choosing a backend, tracing which path served each op."""
import os
import subprocess
import sys

import pytest

import torsh
from torsh import backends


def test_the_c_kernels_serve_first_when_built():
    assert "reference" in backends.available()
    built = backends.C_BACKEND.is_available()
    assert backends.current() == ("c" if built else "reference")
    assert ("c" in backends.available()) == built


def test_use_and_unknown_backend():
    before = backends.current()
    with backends.using("reference"):
        assert backends.current() == "reference"
    assert backends.current() == before
    with pytest.raises(RuntimeError, match="unknown backend 'nope'"):
        backends.use("nope")


def test_trace_records_op_backend_and_path():
    x = torsh.ones(2, 3)
    with backends.trace() as trace, backends.using("reference"):
        (x * 2).sum(0)
        x.t()
    ops = [call[0] for call in trace.calls]
    assert ops == ["mul", "sum", "permute"]
    assert trace.calls[-1][2] == "view"
    assert all(backend == "reference" for _, backend, _ in trace.calls)
    assert trace.counts()[("mul", "reference", "native")] == 1


def test_environment_variable_forces_reference():
    code = "import torsh; print(torsh.backends.current())"
    env = dict(os.environ, TORSH_KERNELS="reference")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "reference"
    env["TORSH_KERNELS"] = "missing"
    failed = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                            text=True)
    assert failed.returncode != 0 and "unknown backend 'missing'" in failed.stderr


def test_device_registry_has_only_the_cpu():
    with pytest.raises(RuntimeError, match="no backend for device opencl"):
        backends.chain_for(torsh.device("opencl:0"))
