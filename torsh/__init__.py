"""torsh: a deep-learning framework with PyTorch's API, defined by a readable reference.

`import torsh as torch` should feel like PyTorch. Every op is declared once in `torsh/ops`
(meta, pure-Python reference, gradient); this module only gathers the public names.
"""
from __future__ import annotations

from ._core.dtype import (bfloat16, can_cast, dtype, finfo, float16, float32,  # noqa: F401
                          float64, get_default_dtype, iinfo, int8, int16, int32, int64,
                          promote_types, set_default_dtype, uint8)
from ._core.dtype import bool_ as bool  # noqa: F401
from ._core.device import device  # noqa: F401
from ._core.shape import Size  # noqa: F401
from .tensor import Tensor, install_methods
from . import errors  # noqa: F401
from . import ops as _ops
from . import autograd, backends, cpu, linalg  # noqa: F401
from .autograd import enable_grad, inference_mode, no_grad, set_grad_enabled  # noqa: F401
from .autograd.grad_mode import is_grad_enabled, is_inference_mode_enabled  # noqa: F401

half, float, double = float16, float32, float64
short, int, long = int16, int32, int64
cfloat = None

install_methods(_ops.METHODS)
globals().update(_ops.PUBLIC)


def is_tensor(obj) -> "bool":
    return isinstance(obj, Tensor)


def is_floating_point(input) -> "bool":
    return input.dtype.is_floating_point


def numel(input) -> "int":
    return input.numel()


__version__ = "0.1.0"

# The layers above the ops: imported last, since they are built from everything above.
from . import nn, optim, utils  # noqa: E402,F401
from .nn import functional as _functional  # noqa: E402,F401

# torch.X for the nn.functional functions PyTorch also has at the top level with the same
# signature (not embedding, batch_norm, instance_norm: their torch.X orders the arguments
# differently; nor the losses, whose torch.X takes the reduction as an int).
_TOP_LEVEL_FUNCTIONAL = (
    "threshold", "threshold_", "hardshrink", "selu", "selu_", "celu", "celu_", "relu_",
    "rrelu", "rrelu_", "prelu", "softmax", "log_softmax", "dropout", "alpha_dropout",
    "feature_alpha_dropout", "bilinear", "layer_norm", "group_norm", "rms_norm",
    "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d",
    "max_pool1d", "max_pool2d", "max_pool3d", "max_pool1d_with_indices", "avg_pool1d",
    "adaptive_avg_pool1d", "pixel_shuffle", "pixel_unshuffle", "channel_shuffle",
    "cosine_similarity", "pairwise_distance", "pdist")
globals().update({_name: getattr(_functional, _name) for _name in _TOP_LEVEL_FUNCTIONAL})
install_methods({"softmax": _functional.softmax, "log_softmax": _functional.log_softmax,
                 "prelu": _functional.prelu})
from .serialization import load, save  # noqa: E402,F401
from ._threads import get_num_threads, set_num_threads  # noqa: E402,F401
