"""Adadelta: step sizes from the ratio of running RMS of updates and of gradients.

v = rho*v + (1-rho)*g^2; d = sqrt(u + eps)/sqrt(v + eps) * g; u = rho*u + (1-rho)*d^2; p -= lr*d
"""

from .optimizer import (Optimizer, _bump_step, _check, _check_hyperparameters, _init_state,
                        _weight_decay)

__all__ = ["Adadelta"]


class Adadelta(Optimizer):
    """Adadelta (lr = 1.0, rho = 0.9, eps = 1e-6)."""

    def __init__(self, params, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0, foreach=None, *,
                 capturable=False, maximize=False, differentiable=False):
        _check_hyperparameters(lr=lr)
        _check(0.0 <= rho <= 1.0, f"Invalid rho value: {rho}")
        _check_hyperparameters(eps=eps, weight_decay=weight_decay)
        defaults = dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay, maximize=maximize,
                        capturable=capturable, foreach=foreach, differentiable=differentiable)
        super().__init__(params, defaults)

    def _update(self, group, p, state):
        grad = self._grad(group, p)
        rho, eps = group["rho"], group["eps"]
        if not state:
            _init_state(state, p, "square_avg", "acc_delta")
        _bump_step(state)
        grad = _weight_decay(group, p, grad)
        square_avg, acc_delta = state["square_avg"], state["acc_delta"]
        square_avg.mul_(rho).addcmul_(grad, grad, value=1 - rho)
        std = square_avg.add(eps).sqrt_()
        delta = acc_delta.add(eps).sqrt_().div_(std).mul_(grad)
        acc_delta.mul_(rho).addcmul_(delta, delta, value=1 - rho)
        p.add_(delta, alpha=-group["lr"])
