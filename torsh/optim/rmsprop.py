"""RMSprop, optionally centered and with momentum.

v = a*v + (1-a)*g^2; d = sqrt(v - gbar^2 if centered else v) + eps; p -= lr * g/d (or momentum)
"""

from .optimizer import Optimizer, _bump_step, _check_hyperparameters, _init_state, _weight_decay

__all__ = ["RMSprop"]


class RMSprop(Optimizer):
    """Divide the gradient by a running root-mean-square of recent gradients."""

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0,
                 centered=False, capturable=False, foreach=None, maximize=False,
                 differentiable=False):
        _check_hyperparameters(lr=lr, eps=eps, momentum=momentum, weight_decay=weight_decay,
                               alpha=alpha)
        defaults = dict(lr=lr, momentum=momentum, alpha=alpha, eps=eps, centered=centered,
                        weight_decay=weight_decay, capturable=capturable, foreach=foreach,
                        maximize=maximize, differentiable=differentiable)
        super().__init__(params, defaults)

    def _update(self, group, p, state):
        import torsh
        grad = self._grad(group, p)
        alpha = group["alpha"]
        if not state:
            _init_state(state, p, "square_avg")
            if group["momentum"] > 0:
                state["momentum_buffer"] = torsh.zeros_like(p)
            if group["centered"]:
                state["grad_avg"] = torsh.zeros_like(p)
        _bump_step(state)
        grad = _weight_decay(group, p, grad)
        square_avg = state["square_avg"]
        square_avg.mul_(alpha).addcmul_(grad, grad, value=1 - alpha)
        if group["centered"]:
            grad_avg = state["grad_avg"]
            grad_avg.lerp_(grad, 1 - alpha)
            avg = square_avg.addcmul(grad_avg, grad_avg, value=-1).sqrt_()
        else:
            avg = square_avg.sqrt()
        avg = avg.add_(group["eps"])
        if group["momentum"] > 0:
            buf = state["momentum_buffer"]
            buf.mul_(group["momentum"]).addcdiv_(grad, avg)
            p.add_(buf, alpha=-group["lr"])
        else:
            p.addcdiv_(grad, avg, value=-group["lr"])
