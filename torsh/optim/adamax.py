"""Adamax: Adam with the infinity norm in place of the second moment.

m = b1*m + (1-b1)*g; u = max(b2*u, |g| + eps); p -= lr/(1-b1^t) * m/u
"""

from .optimizer import Optimizer, _bump_step, _check_hyperparameters, _init_state, _weight_decay

__all__ = ["Adamax"]


class Adamax(Optimizer):
    """Adamax (lr = 2e-3 by default)."""

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 foreach=None, *, maximize=False, differentiable=False, capturable=False):
        _check_hyperparameters(lr=lr, eps=eps, betas=betas, weight_decay=weight_decay)
        defaults = dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay,
                        foreach=foreach, maximize=maximize, differentiable=differentiable,
                        capturable=capturable)
        super().__init__(params, defaults)

    def _update(self, group, p, state):
        import torsh
        grad = self._grad(group, p)
        beta1, beta2 = group["betas"]
        if not state:
            _init_state(state, p, "exp_avg", "exp_inf")
        step = _bump_step(state)
        grad = _weight_decay(group, p, grad)
        state["exp_avg"].lerp_(grad, 1 - beta1)
        exp_inf = state["exp_inf"]
        exp_inf.copy_(torsh.maximum(exp_inf.mul_(beta2), grad.abs().add_(group["eps"])))
        clr = group["lr"] / (1 - beta1 ** step)
        p.addcdiv_(state["exp_avg"], exp_inf, value=-clr)
