"""torsh.nn.functional: the stateless functions of neural networks, as in
torch.nn.functional: activations, softmax, linear, losses, one_hot, dropout,
conv2d, max_pool2d, avg_pool2d.

Each function is an op (see torsh/ops/_op.py): a meta, a pure-Python reference and a backward
in torsh ops (listed in FUNCTIONAL_OPS and, like every op, in torsh.ops.OPS), or a short formula in such
ops (losses, conv2d, pooling).
"""
from __future__ import annotations

from .activation import *  # noqa: F401,F403
from .activation import __all__ as _activation
from .classification import cross_entropy, nll_loss
from .conv import conv2d
from .encoding import dropout, one_hot
from .linear import linear
from .loss import *  # noqa: F401,F403
from ._pointwise import FUNCTIONAL_OPS  # noqa: F401
from .loss import __all__ as _loss
from .pooling import avg_pool2d, max_pool2d
from .softmax import log_softmax, softmax, softmin

__all__ = [*_activation, *_loss, "linear", "softmax", "log_softmax", "softmin", "nll_loss",
           "cross_entropy", "one_hot", "dropout", "conv2d",
           "max_pool2d", "avg_pool2d"]
