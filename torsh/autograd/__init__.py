"""torsh.autograd: reverse-mode differentiation of everything built from torsh ops.

`backward` and `grad` hand roots to the engine (`engine.py`); the graph is made of the nodes
that `dispatch` records (`graph.py`); grad modes live in `grad_mode.py`. Custom differentiable
functions are `Function` (`function.py`); `functional` holds jacobian / hessian / vjp / jvp;
anomaly mode is in `anomaly.py`; `gradcheck` checks backward against finite differences.
"""
from __future__ import annotations

from .engine import _ones_like_root, run_backward
from .grad_mode import (enable_grad, inference_mode, is_grad_enabled,  # noqa: F401
                        is_inference_mode_enabled, no_grad, set_grad_enabled)
from .graph import Node  # noqa: F401
from . import functional, graph  # noqa: F401
from .anomaly import (detect_anomaly, is_anomaly_check_nan_enabled,  # noqa: F401
                      is_anomaly_enabled, set_anomaly_enabled, set_detect_anomaly)
from .function import Function, FunctionCtx, once_differentiable  # noqa: F401
from .gradcheck import gradcheck, gradgradcheck  # noqa: F401


def _as_list(value):
    if value is None:
        return None
    if isinstance(value, (list, tuple)):
        return list(value)
    return [value]


def _root_grads(tensors, grad_tensors):
    grads = _as_list(grad_tensors) or [None] * len(tensors)
    if len(grads) != len(tensors):
        raise RuntimeError(f"grad_tensors has {len(grads)} entries, but there are "
                           f"{len(tensors)} tensors")
    result = []
    for tensor, grad in zip(tensors, grads):
        if grad is None:
            grad = _ones_like_root(tensor)
        elif tuple(grad.shape) != tuple(tensor.shape):
            raise RuntimeError(f"Mismatch in shape: grad_output[0] has a shape of "
                               f"{list(grad.shape)} and output[0] has a shape of "
                               f"{list(tensor.shape)}.")
        result.append(grad)
    return result


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False, inputs=None):
    """Accumulate d(tensors)/d(leaf) * grad_tensors into every leaf's `.grad`."""
    tensors = _as_list(tensors)
    grads = _root_grads(tensors, grad_tensors)
    retain = create_graph if retain_graph is None else retain_graph
    inputs = _as_list(inputs)
    if inputs is not None and not inputs:
        raise RuntimeError("'inputs' argument to backward() cannot be empty.")
    run_backward(tensors, grads, retain, create_graph, inputs=inputs, accumulate=True)


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False,
         allow_unused=None, is_grads_batched=False, materialize_grads=False):
    """d(outputs)/d(inputs) * grad_outputs, returned as a tuple (nothing is accumulated)."""
    outputs = _as_list(outputs)
    inputs_list = _as_list(inputs)
    grads = _root_grads(outputs, grad_outputs)
    retain = create_graph if retain_graph is None else retain_graph
    result = run_backward(outputs, grads, retain, create_graph, inputs=inputs_list,
                          accumulate=False)
    for i, (tensor, value) in enumerate(zip(inputs_list, result)):
        if value is None:
            if materialize_grads:
                from .. import zeros_like
                result[i] = zeros_like(tensor)
            elif not allow_unused:
                raise RuntimeError("One of the differentiated Tensors appears to not have been "
                                   "used in the graph. Set allow_unused=True if this is the "
                                   "desired behavior.")
    return tuple(result)
