"""torsh.nn.functional: the stateless functions of neural networks, as in torch.nn.functional.

Each module of this package holds one family (activation, conv, pooling, normalization,
loss, ...) and lists its functions in `__all__`; all of them are gathered here. The functions
that deserve kernels are ops (see torsh/ops/_op.py: a meta, a pure-Python reference and a
backward in torsh ops, listed in FUNCTIONAL_OPS and, like every op, in torsh.ops.OPS); the
others are short formulas in such ops (most losses), whose gradient is the composition's.
"""
from __future__ import annotations

from ..._package import export_modules
from ._pointwise import FUNCTIONAL_OPS  # noqa: F401

__all__ = export_modules(__name__, globals())
