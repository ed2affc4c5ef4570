"""SparseAdam: Adam that touches only the entries a (sparse) gradient holds.

For the entries in the gradient's support S (and nothing else):
    m_S = b1*m_S + (1-b1)*g_S;  v_S = b2*v_S + (1-b2)*g_S^2
    p_S -= lr * sqrt(1 - b2^t) / (1 - b1^t) * m_S / (sqrt(v_S) + eps)
(note eps is added to sqrt(v) before the bias correction, unlike Adam). Entries outside S keep
their parameter and moments unchanged, which is what makes it "lazy".

torsh has no sparse tensors yet, so the support is read from a dense gradient: its rows (dim 0)
that hold a nonzero entry, or its nonzero entries for a 1-D parameter. That is exactly the
support of the gradient nn.Embedding(sparse=True) gives in PyTorch (the looked-up rows), where
PyTorch would reject a dense gradient outright.
"""

import math

from .optimizer import Optimizer, _bump_step, _check_hyperparameters, _init_state

__all__ = ["SparseAdam"]


def _support(grad):
    """The boolean mask of the entries a sparse gradient with this dense value would hold."""
    nonzero = grad != 0
    if grad.ndim < 2:
        return nonzero
    return nonzero.flatten(1).any(1).reshape((-1,) + (1,) * (grad.ndim - 1)).expand_as(grad)


class SparseAdam(Optimizer):
    """Lazy Adam for sparse gradients (e.g. from embeddings): see the module doc."""

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, maximize=False):
        _check_hyperparameters(lr=lr, eps=eps, betas=betas)
        defaults = dict(lr=lr, betas=tuple(betas), eps=eps, maximize=maximize)
        super().__init__(params, defaults)

    def _update(self, group, p, state):
        import torsh
        grad = self._grad(group, p)
        beta1, beta2 = group["betas"]
        if not state:
            _init_state(state, p, "exp_avg", "exp_avg_sq")
        step = _bump_step(state)
        inside = _support(grad)
        exp_avg, exp_avg_sq = state["exp_avg"], state["exp_avg_sq"]
        exp_avg.copy_(torsh.where(inside, exp_avg * beta1 + grad * (1 - beta1), exp_avg))
        exp_avg_sq.copy_(torsh.where(inside, exp_avg_sq * beta2 + grad * grad * (1 - beta2),
                                     exp_avg_sq))
        step_size = group["lr"] * math.sqrt(1 - beta2 ** step) / (1 - beta1 ** step)
        update = exp_avg / (exp_avg_sq.sqrt() + group["eps"]) * step_size
        p.sub_(torsh.where(inside, update, torsh.zeros_like(update)))
