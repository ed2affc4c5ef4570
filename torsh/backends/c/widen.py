"""Half precision on kernels written for float32: widen, run, round back.

float16 and bfloat16 have no arithmetic of their own on the CPU; PyTorch's CPU kernels load
them into float32, compute and round the result once, and the reference's half-precision
answers are held to that (conformance/tolerances.py). So instead of a half-precision copy of
every kernel, a call in float16/bfloat16 that a kernel declines is cast to float32 (the C
cast kernels), run by the same kernel, and its float32 outputs are rounded back to the half
type. Integer outputs (indices, counts) come back as they are.

This applies to the ops in HALF_VIA_FLOAT32, whose float32 answer rounded once is the
answer: reductions and scans, softmax, norms, matmul, convolution, pooling, resampling,
embedding bags and the classification losses. batch_norm also writes its running statistics
in place: those are written back too.
"""
from __future__ import annotations

from ..._core import dtype as dt
from ...ops._op import Out

HALF = (dt.float16, dt.bfloat16)

HALF_VIA_FLOAT32 = frozenset({
    "sum", "mean", "prod", "amax", "amin", "max", "min", "argmax", "argmin", "var", "std",
    "logsumexp", "norm", "all", "any", "cumsum", "cumprod", "cummax", "cummin", "logcumsumexp",
    "softmax", "log_softmax", "layer_norm", "layer_norm_backward", "rms_norm", "group_norm",
    "group_norm_backward", "batch_norm", "batch_norm_backward",
    "matmul", "add_scaled", "linear", "convolution", "im2col", "col2im",
    "max_pool", "max_pool_backward", "avg_pool", "avg_pool_backward", "adaptive_avg_pool",
    "adaptive_avg_pool_backward", "adaptive_max_pool", "max_unpool", "embedding_bag",
    "interpolate", "interpolate_backward", "grid_sample",
    "nll_loss", "cross_entropy_loss", "ctc_loss", "ctc_loss_backward",
})


def _half_dtype(inputs):
    """The one half dtype among the inputs, when every other floating input is float32 (half
    activations with float32 parameters, as autocast makes them), else None."""
    found = None
    for t in inputs:
        if t.dtype in HALF:
            if found not in (None, t.dtype):
                return None
            found = t.dtype
        elif t.dtype.is_floating_point and t.dtype is not dt.float32:
            return None
    return found


def _running_statistics(inputs, params) -> range:
    """Positions of batch_norm's running mean and variance among its inputs (updated in place
    when training)."""
    given = 1 + bool(params.get("has_weight")) + bool(params.get("has_bias"))
    return range(given, len(inputs)) if params.get("training") else range(0)


def via_float32(name: str, kernel):
    """The kernel, with half-precision calls it declines run in float32 as the module says."""
    from ...autograd.grad_mode import no_grad

    def run(inputs, outs, **params):
        result = kernel(inputs, outs, **params)
        half = _half_dtype(inputs) if result is NotImplemented else None
        if half is None:
            return result
        with no_grad():
            wide = [t.to(dt.float32) if t.dtype is half else t for t in inputs]
            wide_outs = tuple(Out(o.shape, dt.float32) if o.dtype is half else o for o in outs)
            result = kernel(wide, wide_outs, **params)
            if result is NotImplemented:
                return result
            single = type(result) is not tuple
            results = (result,) if single else result
            rounded = tuple(r.to(half) if o.dtype is half else r
                            for r, o in zip(results, outs))
            if name == "batch_norm":
                for i in _running_statistics(inputs, params):
                    inputs[i]._numpy_view()[...] = wide[i].to(half)._numpy_view()
        return rounded[0] if single else rounded
    return run


def widen(kernels: dict) -> dict:
    """The kernel table with half-precision support added where it holds (see module doc)."""
    return {name: via_float32(name, kernel) if name in HALF_VIA_FLOAT32 else kernel
            for name, kernel in kernels.items()}
