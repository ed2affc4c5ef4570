"""NAdam: Adam with Nesterov momentum and a momentum-decay schedule.

mu_t = b1*(1 - 0.5*0.96^(t*psi)); p -= lr*((1-mu_t)/(1-prod mu) g + mu_{t+1}/(1-prod mu') m)/d
"""

from .adam import _adam_moments
from .optimizer import Optimizer, _bump_step, _check_hyperparameters, _weight_decay

__all__ = ["NAdam"]


class NAdam(Optimizer):
    """NAdam (lr = 2e-3, momentum_decay = 4e-3); `mu_product` is kept as a float32 scalar."""

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 momentum_decay=4e-3, decoupled_weight_decay=False, *, foreach=None,
                 maximize=False, capturable=False, differentiable=False):
        _check_hyperparameters(lr=lr, eps=eps, betas=betas, weight_decay=weight_decay,
                               momentum_decay=momentum_decay)
        defaults = dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay,
                        momentum_decay=momentum_decay,
                        decoupled_weight_decay=decoupled_weight_decay, maximize=maximize,
                        foreach=foreach, capturable=capturable, differentiable=differentiable)
        super().__init__(params, defaults)

    def _update(self, group, p, state):
        import torsh
        grad = self._grad(group, p)
        lr = group["lr"]
        beta1, beta2 = group["betas"]
        if not state:
            state["step"] = torsh.tensor(0.0, dtype=torsh.float32)
            state["mu_product"] = torsh.tensor(1.0, dtype=torsh.float32)
            state["exp_avg"] = torsh.zeros_like(p)
            state["exp_avg_sq"] = torsh.zeros_like(p)
        step = _bump_step(state)
        grad = _weight_decay(group, p, grad, group["decoupled_weight_decay"])
        psi = group["momentum_decay"]
        mu = beta1 * (1.0 - 0.5 * 0.96 ** (step * psi))
        mu_next = beta1 * (1.0 - 0.5 * 0.96 ** ((step + 1) * psi))
        state["mu_product"].mul_(mu)
        mu_product = state["mu_product"].item()
        exp_avg, exp_avg_sq = _adam_moments(state, grad, beta1, beta2)
        denom = exp_avg_sq.div(1 - beta2 ** step).sqrt().add_(group["eps"])
        p.addcdiv_(grad, denom, value=-lr * (1.0 - mu) / (1.0 - mu_product))
        p.addcdiv_(exp_avg, denom, value=-lr * mu_next / (1.0 - mu_product * mu_next))
