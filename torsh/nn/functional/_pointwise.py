"""How torsh.nn.functional declares its elementwise ops: `pointwise(name, fn, ...)`.

Like `torsh/ops/_elementwise_base.unary`, but the op takes keyword parameters (alpha, lambd,
...) that reach both `fn(x, **params)` and the backward (as ctx attributes), and nothing is
exported as `torsh.NAME` or a Tensor method: the caller writes the public function.
"""
from __future__ import annotations

from ...dispatch import dispatch
from ...ops._array import map_elements
from ...ops._elementwise_base import FLOATING, elementwise_meta, require_tensor
from ...ops._op import PROMOTE_DEFAULT, PROMOTE_INT_TO_FLOAT, Op, register

__all__ = ["pointwise", "declare", "FUNCTIONAL_OPS", "FLOATING", "PROMOTE_DEFAULT",
           "PROMOTE_INT_TO_FLOAT", "inplace_result"]

# The ops of torsh.nn.functional, by name (each is also in torsh.ops.OPS).
FUNCTIONAL_OPS: dict[str, Op] = {}


def declare(op: Op) -> Op:
    """Register a torsh.nn.functional op in torsh.ops.OPS (as every op is) and list it in
    FUNCTIONAL_OPS, the layers' own index."""
    register(op)
    FUNCTIONAL_OPS[op.name] = op
    return op


def pointwise(name: str, fn, doc: str, grad, accepts: str | None = FLOATING,
              promote=PROMOTE_DEFAULT, saves_output: bool = False):
    """Register `name(x, **params)[i] = fn(x[i], **params)` and return a caller `run(x, **p)`."""
    op = declare(Op(name, meta=elementwise_meta(name, accepts=accepts),
                     reference=lambda a, **params: map_elements(lambda x: fn(x, **params), a),
                     backward=grad, promote=promote, saves_output=saves_output, doc=doc))

    def run(input, **params):
        require_tensor(name, input, "input", 1)
        return dispatch(op, input, **params)
    run.op = op
    return run


def inplace_result(name: str, input, compute):
    """F.NAME(..., inplace=True): compute(input) written back into `input`, which is returned.

    When gradients are recorded, the op reads a copy, so its saved input stays unchanged."""
    from ...dispatch import check_inplace_target, write_into
    check_inplace_target(input, name + "_")
    recording = input.requires_grad
    result = compute(input.clone() if recording else input)
    write_into(input, result, name + "_")
    return input
