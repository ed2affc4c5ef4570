"""Rprop: per-coordinate step sizes grown by etaplus while the gradient keeps its sign.

s = clamp(s * (etaplus | etaminus | 1 by sign(g*g_prev)), min, max); g = 0 where sign flipped;
p -= sign(g) * s; g_prev = g
"""

from .optimizer import Optimizer, _bump_step, _check, _check_hyperparameters, _init_state

__all__ = ["Rprop"]


class Rprop(Optimizer):
    """Resilient backpropagation (full-batch)."""

    def __init__(self, params, lr=1e-2, etas=(0.5, 1.2), step_sizes=(1e-6, 50), *,
                 capturable=False, foreach=None, maximize=False, differentiable=False):
        _check_hyperparameters(lr=lr)
        _check(0.0 < etas[0] < 1.0 < etas[1], f"Invalid eta values: {etas[0]}, {etas[1]}")
        defaults = dict(lr=lr, etas=tuple(etas), step_sizes=tuple(step_sizes),
                        foreach=foreach, maximize=maximize, differentiable=differentiable,
                        capturable=capturable)
        super().__init__(params, defaults)

    def _update(self, group, p, state):
        import torsh
        grad = self._grad(group, p)
        etaminus, etaplus = group["etas"]
        step_min, step_max = group["step_sizes"]
        if not state:
            _init_state(state, p, "prev")
            state["step_size"] = torsh.full_like(p, group["lr"])
        _bump_step(state)
        same = grad.mul(state["prev"]).sign()
        factor = torsh.where(same > 0, torsh.full_like(p, etaplus),
                             torsh.where(same < 0, torsh.full_like(p, etaminus),
                                         torsh.ones_like(p)))
        state["step_size"].mul_(factor).clamp_(step_min, step_max)
        grad = torsh.where(same < 0, torsh.zeros_like(grad), grad)
        p.addcmul_(grad.sign(), state["step_size"], value=-1)
        state["prev"].copy_(grad)
