"""`pytest conformance/`: every case as a parametrized test, plus the drift checks.

The backend is the reference unless TORSH_CONFORMANCE_BACKEND names another (a registered
name or `module:attribute`).
"""
import os

import pytest

from conformance import expectations
from conformance.__main__ import load_backend
from conformance.cases import all_cases
from conformance.suite import check, expected_failures, select

BACKEND = load_backend(os.environ.get("TORSH_CONFORMANCE_BACKEND", "reference"))
FAMILIES = all_cases()
STORED = {family: expectations.load(family) for family in FAMILIES}
XFAILS = expected_failures(BACKEND)
SELECTED = select(FAMILIES, None, None)


@pytest.mark.parametrize("family,case,dtype", SELECTED,
                         ids=[f"{c.id}-{d}" for _, c, d in SELECTED])
def test_case(family, case, dtype):
    outcome = check(case, dtype, BACKEND, STORED[family], xfails=XFAILS)
    if outcome.status == "skip":
        pytest.skip(outcome.detail)
    if outcome.status == "xfail":
        pytest.xfail(outcome.detail)
    assert outcome.status in ("pass", "fallback"), f"{outcome.status}: {outcome.detail}"


def test_case_ids_are_unique():
    seen = set()
    for cases in FAMILIES.values():
        for case in cases:
            for dtype in case.dtypes:
                key = expectations.key(case, dtype)
                assert key not in seen, f"two cases share the id {key}"
                seen.add(key)


def test_every_expectation_has_a_case():
    for family, records in STORED.items():
        keys = {expectations.key(c, d) for c in FAMILIES[family] for d in c.dtypes}
        stale = sorted(set(records) - keys)
        assert not stale, f"{family}: stored expectations without a case: {stale[:5]}"


def test_every_case_has_an_expectation():
    for family, cases in FAMILIES.items():
        missing = [expectations.key(c, d) for c in cases for d in c.dtypes
                   if expectations.key(c, d) not in STORED[family]]
        assert not missing, f"{family}: cases without a stored expectation: {missing[:5]}"


def test_manifest_names_the_torch_version():
    assert expectations.manifest().get("torch", "").startswith("2.13.0")


def test_expectations_stay_small():
    total = sum(p.stat().st_size for p in expectations.FOLDER.glob("*.json"))
    assert total < 10 * 2 ** 20, f"stored expectations are {total / 2 ** 20:.1f} MiB"


# Public names with no case of their own, and why.
WITHOUT_CASES = {
    # random numbers: PyTorch's streams differ; tests/test_random.py checks these
    "Generator", "default_generator", "manual_seed", "seed", "initial_seed", "get_rng_state",
    "set_rng_state", "bernoulli", "normal", "rand_like", "randn_like", "randint_like",
    # numpy interop: tests/test_tensor.py
    "from_numpy",
    # torsh's own helper (the quotient of fmod's gradient); PyTorch has no such function
    "trunc_divide",
    # the in-place form of addmv, covered through Tensor.addmv_ in cases/matmul.py
    "addmv_",
}


def test_every_public_function_has_a_case():
    from torsh.ops import PUBLIC
    named = {case.op_name for cases in FAMILIES.values() for case in cases}
    missing = sorted(name for name in PUBLIC if name not in named | WITHOUT_CASES)
    assert not missing, f"public functions without a conformance case: {missing}"
