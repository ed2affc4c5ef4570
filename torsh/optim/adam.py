"""Adam and AdamW (decoupled weight decay), with the AMSGrad variant.

m = b1*m + (1-b1)*g; v = b2*v + (1-b2)*g^2; p -= lr/(1-b1^t) * m / (sqrt(v)/sqrt(1-b2^t) + eps)

A parameter is updated by one fused C kernel when the C backend serves the CPU and the
parameter, its gradient and its state are contiguous tensors of one float dtype; otherwise by
the tensor ops below (the same operations in the same order).
"""

import math

from .optimizer import (Optimizer, _bump_step, _check_hyperparameters, _init_state, _step_count,
                        _weight_decay)

__all__ = ["Adam", "AdamW"]


def _adam_moments(state, grad, beta1, beta2):
    """m = b1*m + (1-b1)*g and v = b2*v + (1-b2)*g^2, in place; returns (m, v)."""
    exp_avg, exp_avg_sq = state["exp_avg"], state["exp_avg_sq"]
    exp_avg.lerp_(grad, 1 - beta1)
    exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
    return exp_avg, exp_avg_sq


class Adam(Optimizer):
    """Adam; weight decay adds wd*p to the gradient unless decoupled_weight_decay (= AdamW)."""

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 amsgrad=False, *, foreach=None, maximize=False, capturable=False,
                 differentiable=False, fused=None, decoupled_weight_decay=False):
        _check_hyperparameters(lr=lr, eps=eps, betas=betas, weight_decay=weight_decay)
        defaults = dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay,
                        amsgrad=amsgrad, maximize=maximize, foreach=foreach,
                        capturable=capturable, differentiable=differentiable, fused=fused,
                        decoupled_weight_decay=decoupled_weight_decay)
        super().__init__(params, defaults)

    def _update(self, group, p, state):
        import torsh
        grad = self._grad(group, p)
        lr = group["lr"]
        beta1, beta2 = group["betas"]
        if not state:
            _init_state(state, p, "exp_avg", "exp_avg_sq")
            if group["amsgrad"]:
                state["max_exp_avg_sq"] = torsh.zeros_like(p)
        if self._fused_update(group, p, state):
            return
        grad = _weight_decay(group, p, grad, group["decoupled_weight_decay"])
        step = _bump_step(state)
        exp_avg, exp_avg_sq = _adam_moments(state, grad, beta1, beta2)
        step_size = lr / (1 - beta1 ** step)
        bias_correction2_sqrt = math.sqrt(1 - beta2 ** step)
        if group["amsgrad"]:
            state["max_exp_avg_sq"].copy_(torsh.maximum(state["max_exp_avg_sq"], exp_avg_sq))
            second = state["max_exp_avg_sq"]
        else:
            second = exp_avg_sq
        denom = (second.sqrt() / bias_correction2_sqrt).add_(group["eps"])
        p.addcdiv_(exp_avg, denom, value=-step_size)

    def _fused_update(self, group, p, state):
        """One C call for the whole step (see the module doc); False when declined."""
        from ..backends.c.optim_kernels import adam_step
        tensors = [state["exp_avg"], state["exp_avg_sq"], state.get("max_exp_avg_sq")]
        if group.get("differentiable") or (group["amsgrad"] and tensors[2] is None):
            return False
        beta1, beta2 = group["betas"]
        args = (p, p.grad, tensors[0], tensors[1], tensors[2] if group["amsgrad"] else None,
                group["lr"], beta1, beta2, group["eps"], group["weight_decay"],
                group["decoupled_weight_decay"], group.get("maximize", False))
        if not adam_step(*args, _step_count(state) + 1):      # declined: nothing changed
            return False
        _bump_step(state)
        return True


class AdamW(Adam):
    """Adam with decoupled weight decay: p *= 1 - lr*wd before the Adam step (wd = 1e-2)."""

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2,
                 amsgrad=False, *, maximize=False, foreach=None, capturable=False,
                 differentiable=False, fused=None):
        super().__init__(params, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                         amsgrad=amsgrad, foreach=foreach, maximize=maximize,
                         capturable=capturable, differentiable=differentiable, fused=fused,
                         decoupled_weight_decay=True)
