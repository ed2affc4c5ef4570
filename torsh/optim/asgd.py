"""ASGD: SGD with decaying steps plus a running (Polyak) average `ax` of the iterates.

p = p*(1 - lambd*eta) - eta*g; ax += (p - ax)*mu; eta = lr/(1 + lambd*lr*t)^alpha;
mu = 1/max(1, t - t0). `eta` and `mu` are float32 scalars, as in PyTorch.
"""

from .optimizer import Optimizer, _bump_step, _check_hyperparameters, _weight_decay

__all__ = ["ASGD"]


class ASGD(Optimizer):
    """Averaged stochastic gradient descent."""

    def __init__(self, params, lr=1e-2, lambd=1e-4, alpha=0.75, t0=1e6, weight_decay=0,
                 foreach=None, maximize=False, differentiable=False, capturable=False):
        _check_hyperparameters(lr=lr, weight_decay=weight_decay)
        defaults = dict(lr=lr, lambd=lambd, alpha=alpha, t0=t0, weight_decay=weight_decay,
                        foreach=foreach, maximize=maximize, differentiable=differentiable,
                        capturable=capturable)
        super().__init__(params, defaults)

    def _update(self, group, p, state):
        import torsh
        grad = self._grad(group, p)
        lr, lambd = group["lr"], group["lambd"]
        if not state:
            state["step"] = torsh.tensor(0.0, dtype=torsh.float32)
            state["eta"] = torsh.tensor(float(lr), dtype=torsh.float32)
            state["mu"] = torsh.tensor(1.0, dtype=torsh.float32)
            state["ax"] = torsh.zeros_like(p)
        step = _bump_step(state)
        grad = _weight_decay(group, p, grad)
        eta = state["eta"].item()
        p.mul_(1 - lambd * eta)
        p.add_(grad, alpha=-eta)
        mu = state["mu"].item()
        if mu != 1:
            state["ax"].add_(p.sub(state["ax"]).mul_(mu))
        else:
            state["ax"].copy_(p)
        state["eta"].fill_(lr / ((1 + lambd * lr * step) ** group["alpha"]))
        state["mu"].fill_(1 / max(1, step - group["t0"]))
