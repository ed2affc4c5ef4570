"""Stochastic gradient descent with momentum, dampening, Nesterov momentum and weight decay.

A parameter is updated by one fused C kernel when the C backend serves the CPU and the
parameter, its gradient and its momentum buffer are contiguous tensors of one float dtype;
otherwise by the tensor ops below (the same operations in the same order)."""

from .optimizer import Optimizer, _check_hyperparameters, _weight_decay

__all__ = ["SGD"]


class SGD(Optimizer):
    """g = grad + wd*p; b = mu*b + (1 - dampening)*g (b = g at first); p -= lr*(g + mu*b or b)."""

    def __init__(self, params, lr=1e-3, momentum=0, dampening=0, weight_decay=0, nesterov=False,
                 *, maximize=False, foreach=None, differentiable=False, fused=None):
        _check_hyperparameters(lr=lr, momentum=momentum, weight_decay=weight_decay)
        defaults = dict(lr=lr, momentum=momentum, dampening=dampening,
                        weight_decay=weight_decay, nesterov=nesterov, maximize=maximize,
                        foreach=foreach, differentiable=differentiable, fused=fused)
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        super().__init__(params, defaults)

    def _update(self, group, p, state):
        if self._fused_update(group, p, state):
            return
        d_p = self._grad(group, p)
        d_p = _weight_decay(group, p, d_p)
        momentum = group["momentum"]
        if momentum != 0:
            buf = state.get("momentum_buffer")
            if buf is None:
                buf = d_p.detach().clone()
                state["momentum_buffer"] = buf
            else:
                buf.mul_(momentum).add_(d_p, alpha=1 - group["dampening"])
            d_p = d_p.add(buf, alpha=momentum) if group["nesterov"] else buf
        p.add_(d_p, alpha=-group["lr"])

    def _fused_update(self, group, p, state):
        """One C call for the whole step (see the module doc); False when declined."""
        from ..backends.c.optim_kernels import ready, sgd_step
        if group.get("differentiable") or p.grad.is_sparse:
            return False
        momentum = group["momentum"]
        buf = state.get("momentum_buffer") if momentum != 0 else None
        first = momentum != 0 and buf is None
        if not ready(p, p.grad, buf):
            return False
        if first:
            import torsh
            buf = torsh.empty(tuple(p.shape), dtype=p.dtype)
        done = sgd_step(p, p.grad, buf, first, group["lr"], momentum, group["dampening"],
                        group["weight_decay"], group["nesterov"], group.get("maximize", False))
        if done and first:
            state["momentum_buffer"] = buf
        return done
