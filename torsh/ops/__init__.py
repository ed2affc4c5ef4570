"""THE REFERENCE: every op torsh has, one module per family.

Importing this package declares every op (filling `OPS`, `PUBLIC` and `METHODS`). Modules:
  unary, binary     elementwise math, from the scalar table in `_scalar`
  reduce            reductions over dims
  movement          views: reshape, permute, expand, slicing, ...
  indexing          x[...], advanced indexing, gather, nonzero
  matmul            matrix products
  convert           casts, copies, device transfer
  creation          tensors from data, ranges, constants
  operators         Python operators mapped onto ops
"""
from . import (binary, convert, creation, indexing, matmul, movement, operators,  # noqa: F401
               reduce, unary)
from ._op import METHODS, OPS, PUBLIC  # noqa: F401
