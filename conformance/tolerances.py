"""The tolerances, in one table, each with its reason.

`VS_PYTORCH[dtype] = (rtol, atol)`: how far torsh may be from the stored PyTorch result.
`VS_REFERENCE[dtype]`: how far a backend may be from torsh's own reference (tighter: both
round a double-precision result once, unless a kernel accumulates in the storage dtype).
Integers and bools are always exact. Gradients use `GRAD_FACTOR` times the forward tolerance,
because a backward formula chains several rounded ops.
"""

VS_PYTORCH = {
    # PyTorch computes float64 ops in float64 with its own summation order and libm; the
    # reference computes in Python floats (also double). A few ulps cover both.
    "float64": (1e-9, 1e-12),
    # PyTorch accumulates float32 reductions in float32 (pairwise), the reference in double
    # then rounds once: errors of ~sqrt(n) ulps (n <= 64 here) on PyTorch's side.
    "float32": (2e-5, 1e-6),
    # float16 ops run in float32 in PyTorch then round; the reference rounds from double:
    # results may differ by one ulp (2^-10 relative) after reductions or transcendental fns.
    "float16": (2e-3, 1e-3),
    # bfloat16 has 8 significand bits: one ulp is 2^-7 relative.
    "bfloat16": (1.6e-2, 1e-2),
}

VS_REFERENCE = {
    # A backend computing in double must round to the same float64 within a few ulps.
    "float64": (1e-12, 1e-14),
    # A float32 kernel (FMA, vectorised sums) may differ from round-once by O(n) ulps.
    "float32": (1e-5, 1e-6),
    "float16": (2e-3, 1e-3),
    "bfloat16": (1.6e-2, 1e-2),
}

GRAD_FACTOR = 10.0


def tolerance(table: dict, dtype: str, grad: bool = False, extra=(None, None)):
    """(rtol, atol) for comparing results of `dtype`; (0, 0) for exact types."""
    if dtype not in table:
        return 0.0, 0.0
    rtol, atol = table[dtype]
    if grad:
        rtol, atol = rtol * GRAD_FACTOR, atol * GRAD_FACTOR
    extra_rtol, extra_atol = extra
    return max(rtol, extra_rtol or 0.0), max(atol, extra_atol or 0.0)
