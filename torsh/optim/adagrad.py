"""Adagrad: per-coordinate step sizes shrinking with the sum of squared gradients.

s += g^2; p -= lr / (1 + (t-1)*lr_decay) * g / (sqrt(s) + eps)
"""

from .optimizer import Optimizer, _bump_step, _check_hyperparameters, _weight_decay

__all__ = ["Adagrad"]


class Adagrad(Optimizer):
    """Adagrad; the accumulator starts at `initial_accumulator_value` when constructed."""

    def __init__(self, params, lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0,
                 eps=1e-10, foreach=None, *, maximize=False, differentiable=False, fused=None):
        import torsh
        _check_hyperparameters(lr=lr, lr_decay=lr_decay, weight_decay=weight_decay,
                               initial_accumulator_value=initial_accumulator_value, eps=eps)
        defaults = dict(lr=lr, lr_decay=lr_decay, eps=eps, weight_decay=weight_decay,
                        initial_accumulator_value=initial_accumulator_value, foreach=foreach,
                        maximize=maximize, differentiable=differentiable, fused=fused)
        super().__init__(params, defaults)
        for group in self.param_groups:
            for p in group["params"]:
                self.state[p] = {
                    "step": torsh.tensor(0.0, dtype=torsh.float32),
                    "sum": torsh.full_like(p, group["initial_accumulator_value"]),
                }

    def _update(self, group, p, state):
        grad = self._grad(group, p)
        step = _bump_step(state)
        grad = _weight_decay(group, p, grad)
        clr = group["lr"] / (1 + (step - 1) * group["lr_decay"])
        state["sum"].addcmul_(grad, grad, value=1)
        std = state["sum"].sqrt().add_(group["eps"])
        p.addcdiv_(grad, std, value=-clr)
