"""RAdam: Adam with a rectification term that switches adaptivity on once variance is tractable.

rho_t = rho_inf - 2t b2^t/(1-b2^t); if rho_t > 5: p -= lr*mhat*r_t*sqrt(1-b2^t)/(sqrt(v)+eps)
else p -= lr*mhat, where rho_inf = 2/(1-b2) - 1 and mhat = m/(1-b1^t).
"""

from .adam import _adam_moments
from .optimizer import Optimizer, _bump_step, _check_hyperparameters, _init_state, _weight_decay

__all__ = ["RAdam"]


class RAdam(Optimizer):
    """Rectified Adam."""

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 decoupled_weight_decay=False, *, foreach=None, maximize=False,
                 capturable=False, differentiable=False):
        _check_hyperparameters(lr=lr, eps=eps, betas=betas, weight_decay=weight_decay)
        defaults = dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay,
                        maximize=maximize, foreach=foreach, capturable=capturable,
                        decoupled_weight_decay=decoupled_weight_decay,
                        differentiable=differentiable)
        super().__init__(params, defaults)

    def _update(self, group, p, state):
        grad = self._grad(group, p)
        lr = group["lr"]
        beta1, beta2 = group["betas"]
        if not state:
            _init_state(state, p, "exp_avg", "exp_avg_sq")
        step = _bump_step(state)
        grad = _weight_decay(group, p, grad, group["decoupled_weight_decay"])
        exp_avg, exp_avg_sq = _adam_moments(state, grad, beta1, beta2)
        bias_correction2 = 1 - beta2 ** step
        corrected = exp_avg / (1 - beta1 ** step)
        rho_inf = 2 / (1 - beta2) - 1
        rho_t = rho_inf - 2 * step * (beta2 ** step) / bias_correction2
        if rho_t > 5.0:
            rect = ((rho_t - 4) * (rho_t - 2) * rho_inf
                    / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5
            adaptive = bias_correction2 ** 0.5 / exp_avg_sq.sqrt().add_(group["eps"])
            p.add_(corrected * lr * adaptive * rect, alpha=-1.0)
        else:
            p.add_(corrected * lr, alpha=-1.0)
