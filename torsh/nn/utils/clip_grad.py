"""Gradient clipping: rescale or clamp the `.grad` of parameters in place.

clip_grad_norm_: g <- g * min(1, max_norm / (||(||g_1||, ..., ||g_k||)||_p + 1e-6)), where the
total norm is the p-norm of the per-parameter p-norms (= the p-norm of all gradients joined).
clip_grad_value_: g <- clamp(g, -c, c).
"""
from __future__ import annotations

import math

from ...autograd.grad_mode import no_grad
from ...tensor import Tensor

__all__ = ["clip_grad_norm_", "clip_grad_value_", "get_total_norm", "clip_grads_with_norm_"]


def _as_list(tensors) -> list:
    return [tensors] if isinstance(tensors, Tensor) else list(tensors)


def _grads(parameters) -> list:
    return [p.grad for p in _as_list(parameters) if p.grad is not None]


def get_total_norm(tensors, norm_type: float = 2.0, error_if_nonfinite: bool = False,
                   foreach=None) -> Tensor:
    """||(||t_1||_p, ..., ||t_k||_p)||_p (p = inf: the largest |entry|); 0 for no tensors."""
    import torsh
    tensors = _as_list(tensors)
    norm_type = float(norm_type)
    if not tensors:
        return torsh.tensor(0.0)
    with no_grad():
        norms = [torsh.linalg.vector_norm(t, norm_type) for t in tensors]
        total = torsh.linalg.vector_norm(torsh.stack([n.to(norms[0].dtype) for n in norms]),
                                         norm_type)
    if error_if_nonfinite and not math.isfinite(total.item()):
        raise RuntimeError(f"The total norm of order {norm_type} for gradients from "
                           f"`parameters` is non-finite, so it cannot be clipped. To disable "
                           f"this error and scale the gradients by the non-finite norm anyway, "
                           f"set `error_if_nonfinite=False`")
    return total


def clip_grads_with_norm_(parameters, max_norm: float, total_norm: Tensor,
                          foreach=None) -> None:
    """Scale every gradient by min(1, max_norm / (total_norm + 1e-6))."""
    grads = _grads(parameters)
    if not grads:
        return
    with no_grad():
        coefficient = (float(max_norm) / (total_norm + 1e-6)).clamp(max=1.0)
        for g in grads:
            g.mul_(coefficient.to(g.dtype))


def clip_grad_norm_(parameters, max_norm: float, norm_type: float = 2.0,
                    error_if_nonfinite: bool = False, foreach=None) -> Tensor:
    """Rescale the gradients so that their total p-norm is at most max_norm; return the total
    norm measured before clipping."""
    parameters = _as_list(parameters)
    total = get_total_norm(_grads(parameters), norm_type, error_if_nonfinite)
    clip_grads_with_norm_(parameters, max_norm, total)
    return total


def clip_grad_value_(parameters, clip_value: float, foreach=None) -> None:
    """Clamp every gradient entry into [-clip_value, clip_value], in place."""
    clip_value = float(clip_value)
    with no_grad():
        for g in _grads(parameters):
            g.clamp_(-clip_value, clip_value)
