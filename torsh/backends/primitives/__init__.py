"""The primitives backend: the reference restricted to the primitive contract.

It serves only the ops a new backend must implement (`base.is_primitive`); every other op must
then run as its decomposition into primitives, or fall back to the full reference (a gap in
the contract, visible in traces and in the conformance matrix as 'fallback'). Running the
suite on it checks that the decompositions are right: `python -m conformance --backend
primitives`.
"""
from __future__ import annotations

from ..base import is_primitive
from ..reference import ReferenceBackend


class PrimitivesBackend(ReferenceBackend):
    name = "primitives"

    def kernel(self, op):
        return super().kernel(op) if is_primitive(op) else None


PRIMITIVES_BACKEND = PrimitivesBackend()
