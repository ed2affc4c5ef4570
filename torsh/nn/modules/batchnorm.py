"""BatchNorm1d / 2d / 3d: batch_norm with learnable per-channel scale and shift and running
estimates of each channel's mean and variance.

Training: y = (x - batch mean) / sqrt(batch var + eps) * weight + bias, and
    running = (1 - momentum) * running + momentum * batch statistic (variance unbiased);
    momentum=None: the cumulative average, momentum_t = 1 / num_batches_tracked.
Evaluation: the running estimates replace the batch statistics (unless they are not tracked).
"""
from __future__ import annotations

from ... import empty, int64, ones, tensor, zeros
from .. import functional as F
from .. import init
from ..module import Module
from ..parameter import Parameter


class _NormBase(Module):
    """What batch and instance norm layers share: parameters, buffers, reset, repr."""

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1,
                 affine: bool = True, track_running_stats: bool = True, device=None,
                 dtype=None, *, bias: bool = True) -> None:
        super().__init__()
        factory = {"device": device, "dtype": dtype}
        self.num_features = num_features
        self.eps = eps
        self.momentum = momentum
        self.affine = affine
        self.track_running_stats = track_running_stats
        if affine:
            self.weight = Parameter(empty(num_features, **factory))
            if bias:
                self.bias = Parameter(empty(num_features, **factory))
            else:
                self.register_parameter("bias", None)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)
        if track_running_stats:
            self.register_buffer("running_mean", zeros(num_features, **factory))
            self.register_buffer("running_var", ones(num_features, **factory))
            self.register_buffer("num_batches_tracked", tensor(0, dtype=int64, device=device))
        else:
            self.register_buffer("running_mean", None)
            self.register_buffer("running_var", None)
            self.register_buffer("num_batches_tracked", None)
        self.reset_parameters()

    def reset_running_stats(self) -> None:
        """running_mean = 0, running_var = 1, num_batches_tracked = 0."""
        if self.track_running_stats:
            self.running_mean.zero_()
            self.running_var.fill_(1)
            self.num_batches_tracked.zero_()

    def reset_parameters(self) -> None:
        """Reset the running statistics; weight = 1, bias = 0 (bias=False: no bias)."""
        self.reset_running_stats()
        if self.affine:
            init.ones_(self.weight)
            if self.bias is not None:
                init.zeros_(self.bias)

    def _check_input_dim(self, input) -> None:
        raise NotImplementedError

    def extra_repr(self) -> str:
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, "
                f"affine={self.affine}, bias={self.bias is not None}, "
                f"track_running_stats={self.track_running_stats}")

    def _load_from_state_dict(self, state_dict, prefix, local_metadata, strict, missing_keys,
                              unexpected_keys, error_msgs) -> None:
        # As PyTorch does for state dicts saved before num_batches_tracked existed (no
        # version recorded): a missing counter loads as 0.
        key = prefix + "num_batches_tracked"
        if self.track_running_stats and key not in state_dict and local_metadata.get(
                "version") is None:
            state_dict[key] = tensor(0, dtype=int64)
        super()._load_from_state_dict(state_dict, prefix, local_metadata, strict, missing_keys,
                                      unexpected_keys, error_msgs)


class _BatchNorm(_NormBase):
    def forward(self, input):
        self._check_input_dim(input)
        factor = 0.0 if self.momentum is None else self.momentum
        if self.training and self.track_running_stats and self.num_batches_tracked is not None:
            self.num_batches_tracked.add_(1)
            if self.momentum is None:       # cumulative moving average
                factor = 1.0 / float(self.num_batches_tracked.item())
        batch_stats = self.training or (self.running_mean is None and self.running_var is None)
        use_running = not self.training or self.track_running_stats
        return F.batch_norm(input, self.running_mean if use_running else None,
                            self.running_var if use_running else None, self.weight, self.bias,
                            batch_stats, factor, self.eps)


def _dims_check(expected: tuple, words: str):
    def check(self, input) -> None:
        if input.dim() not in expected:
            raise ValueError(f"expected {words} input (got {input.dim()}D input)")
    return check


class BatchNorm1d(_BatchNorm):
    """Batch norm over (N, C) or (N, C, L) input."""
    _check_input_dim = _dims_check((2, 3), "2D or 3D")


class BatchNorm2d(_BatchNorm):
    """Batch norm over (N, C, H, W) input."""
    _check_input_dim = _dims_check((4,), "4D")


class BatchNorm3d(_BatchNorm):
    """Batch norm over (N, C, D, H, W) input."""
    _check_input_dim = _dims_check((5,), "5D")


class _LazyNormBase:
    """Lazy norm layers: num_features is input.shape[1] at the first call (or the size of a
    loaded state dict's entries); until then weight, bias and the running statistics are empty
    placeholders and num_features is 0. Then the layer becomes `cls_to_become`, as PyTorch's
    lazy modules do."""

    cls_to_become = None

    def __init__(self, eps=1e-5, momentum=0.1, affine=True, track_running_stats=True,
                 device=None, dtype=None, *, bias=True) -> None:
        _NormBase.__init__(self, 0, eps, momentum, affine, track_running_stats, device, dtype,
                           bias=bias)
        self._factory = {"device": device, "dtype": dtype}

    def has_uninitialized_params(self) -> bool:
        return True

    def _materialize(self, num_features: int) -> None:
        self.num_features = num_features
        if self.affine:
            self.weight = Parameter(empty(num_features, **self._factory))
            if self.bias is not None:
                self.bias = Parameter(empty(num_features, **self._factory))
        if self.track_running_stats:
            self.running_mean = zeros(num_features, **self._factory)
            self.running_var = ones(num_features, **self._factory)
        del self._factory
        self.__class__ = self.cls_to_become
        self.reset_parameters()

    def initialize_parameters(self, input) -> None:
        """Make the parameters and buffers for input.shape[1] channels, then become the
        plain layer."""
        self._materialize(input.shape[1])

    def forward(self, input):
        self.initialize_parameters(input)
        return self.forward(input)

    def _load_from_state_dict(self, state_dict, prefix, local_metadata, strict, missing_keys,
                              unexpected_keys, error_msgs) -> None:
        for name in ("weight", "running_mean"):
            value = state_dict.get(prefix + name)
            if value is not None and value.ndim == 1:
                self._materialize(value.shape[0])     # now the plain layer: load as it does
                return self._load_from_state_dict(state_dict, prefix, local_metadata, strict,
                                                  missing_keys, unexpected_keys, error_msgs)
        _NormBase._load_from_state_dict(self, state_dict, prefix, local_metadata, strict,
                                        missing_keys, unexpected_keys, error_msgs)


class LazyBatchNorm1d(_LazyNormBase, BatchNorm1d):
    """BatchNorm1d with num_features taken from the first input."""
    cls_to_become = BatchNorm1d


class LazyBatchNorm2d(_LazyNormBase, BatchNorm2d):
    """BatchNorm2d with num_features taken from the first input."""
    cls_to_become = BatchNorm2d


class LazyBatchNorm3d(_LazyNormBase, BatchNorm3d):
    """BatchNorm3d with num_features taken from the first input."""
    cls_to_become = BatchNorm3d


__all__ = ["BatchNorm1d", "BatchNorm2d", "BatchNorm3d", "LazyBatchNorm1d", "LazyBatchNorm2d",
           "LazyBatchNorm3d"]
