"""Special functions on the C kernels: lgamma, digamma and erfinv through `torsh_map`
(kernels/c/cast.c, the functions in cast_ops.h).

Each is computed in double as torsh/ops/_scalar.py computes it (digamma and erfinv by the
same steps and constants; lgamma by libm's lgamma_r) and rounded once to the output dtype,
so every floating dtype is served; integer inputs arrive promoted to the default float.
Special values are the reference's: lgamma is +inf at 0, the negative integers and ±inf;
digamma(±0) = ∓inf, NaN at the negative integers and -inf; erfinv(±1) = ±inf, NaN outside
[-1, 1].
"""
from __future__ import annotations

from .elementwise import _map_kernel

NAMES = ("lgamma", "digamma", "erfinv")


def kernels(ffi, lib) -> dict:
    """{op name: kernel(inputs, outs)} for the special functions."""
    return {name: _map_kernel(ffi, lib, name) for name in NAMES}
