"""Convolution layers: Conv1d/2d/3d, ConvTranspose1d/2d/3d and their Lazy forms.

Each holds weight (out, in / groups, *kernel) — for a transposed one (in, out / groups,
*kernel) — and bias (out,), initialised as PyTorch does: weight ~ kaiming_uniform_(a=sqrt(5)),
i.e. U(-1/sqrt(fan_in), 1/sqrt(fan_in)), and bias ~ U(-1/sqrt(fan_in), 1/sqrt(fan_in)).
forward is F.conv*d / F.conv_transpose*d; padding_mode 'reflect', 'replicate' or 'circular'
pads with F.pad first.
"""
from __future__ import annotations

import math

from ... import empty
from .. import functional as F
from .. import init
from ..module import Module
from ..parameter import Parameter

_PADDING_MODES = ("zeros", "reflect", "replicate", "circular")


def _ntuple(value, n: int) -> tuple:
    return tuple(value) if isinstance(value, (list, tuple)) else (value,) * n


class _ConvNd(Module):
    """What every convolution layer shares: hyper-parameters, parameters, init, repr."""

    _dims = 2
    _transposed = False

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0,
                 dilation=1, groups=1, bias=True, padding_mode="zeros", output_padding=0,
                 device=None, dtype=None) -> None:
        super().__init__()
        n = self._dims
        if groups <= 0:
            raise ValueError("groups must be a positive integer")
        if in_channels % groups != 0:
            raise ValueError("in_channels must be divisible by groups")
        if out_channels % groups != 0:
            raise ValueError("out_channels must be divisible by groups")
        stride = _ntuple(stride, n)
        if isinstance(padding, str):
            if padding not in ("same", "valid"):
                raise ValueError(f"Invalid padding string {padding!r}, should be one of "
                                 f"{{'valid', 'same'}}")
            if padding == "same" and any(s != 1 for s in stride):
                raise ValueError("padding='same' is not supported for strided convolutions")
        if padding_mode not in _PADDING_MODES:
            raise ValueError(f"padding_mode must be one of {{'zeros', 'reflect', 'replicate', "
                             f"'circular'}}, but got padding_mode='{padding_mode}'")
        self.in_channels, self.out_channels = in_channels, out_channels
        self.kernel_size = _ntuple(kernel_size, n)
        self.stride = stride
        self.padding = padding if isinstance(padding, str) else _ntuple(padding, n)
        self.dilation = _ntuple(dilation, n)
        self.transposed = self._transposed
        self.output_padding = _ntuple(output_padding, n)
        self.groups = groups
        self.padding_mode = padding_mode
        self._reversed_padding_repeated_twice = self._mode_padding()
        shape = (in_channels, out_channels // groups) if self._transposed else \
            (out_channels, in_channels // groups)
        self.weight = Parameter(empty(*shape, *self.kernel_size, device=device, dtype=dtype))
        if bias:
            self.bias = Parameter(empty(out_channels, device=device, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def _mode_padding(self) -> list:
        """F.pad's (last dim first, before and after) amounts for a padding_mode."""
        if self.padding == "valid":
            return [0, 0] * self._dims
        if self.padding == "same":
            amounts = []
            for k, d in reversed(list(zip(self.kernel_size, self.dilation))):
                total = d * (k - 1)
                amounts += [total // 2, total - total // 2]
            return amounts
        return [p for p in reversed(self.padding) for _ in range(2)]

    def reset_parameters(self) -> None:
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in, _ = init._calculate_fan_in_and_fan_out(self.weight)
            if fan_in != 0:
                bound = 1 / math.sqrt(fan_in)
                init.uniform_(self.bias, -bound, bound)

    def extra_repr(self) -> str:
        s = f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}"
        s += f", stride={self.stride}"
        if self.padding != (0,) * len(self.padding):
            s += f", padding={self.padding}"
        if self.dilation != (1,) * len(self.dilation):
            s += f", dilation={self.dilation}"
        if self.output_padding != (0,) * len(self.output_padding):
            s += f", output_padding={self.output_padding}"
        if self.groups != 1:
            s += f", groups={self.groups}"
        if self.bias is None:
            s += ", bias=False"
        if self.padding_mode != "zeros":
            s += f", padding_mode={self.padding_mode}"
        return s


class _Conv(_ConvNd):
    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0,
                 dilation=1, groups=1, bias=True, padding_mode="zeros", device=None,
                 dtype=None) -> None:
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation,
                         groups, bias, padding_mode, 0, device, dtype)

    def _conv_forward(self, input, weight, bias):
        conv = getattr(F, f"conv{self._dims}d")
        if self.padding_mode != "zeros":
            padded = F.pad(input, self._reversed_padding_repeated_twice, mode=self.padding_mode)
            return conv(padded, weight, bias, self.stride, 0, self.dilation, self.groups)
        return conv(input, weight, bias, self.stride, self.padding, self.dilation, self.groups)

    def forward(self, input):
        return self._conv_forward(input, self.weight, self.bias)


class Conv1d(_Conv):
    """1-D convolution over (N, C_in, L): out = conv1d(x, weight, bias, ...)."""
    _dims = 1


class Conv2d(_Conv):
    """2-D convolution over (N, C_in, H, W): out = conv2d(x, weight, bias, ...)."""
    _dims = 2


class Conv3d(_Conv):
    """3-D convolution over (N, C_in, D, H, W): out = conv3d(x, weight, bias, ...)."""
    _dims = 3


class _ConvTransposeNd(_ConvNd):
    _transposed = True

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0,
                 output_padding=0, groups=1, bias=True, dilation=1, padding_mode="zeros",
                 device=None, dtype=None) -> None:
        if padding_mode != "zeros":
            raise ValueError(f'Only "zeros" padding mode is supported for '
                             f'{type(self).__name__}')
        super().__init__(in_channels, out_channels, kernel_size, stride,
                         _ntuple(padding, self._dims), dilation, groups, bias, padding_mode,
                         output_padding, device, dtype)

    def _output_padding(self, input, output_size, stride, padding, kernel_size,
                        num_spatial_dims, dilation=None) -> tuple:
        """The output_padding that makes the output `output_size` (its spatial dims, or
        with the batch and channel dims), or the layer's own when output_size is None."""
        if output_size is None:
            return self.output_padding
        non_spatial = 2 if input.dim() == num_spatial_dims + 2 else 1
        output_size = list(output_size)
        if len(output_size) == non_spatial + num_spatial_dims:
            output_size = output_size[non_spatial:]
        if len(output_size) != num_spatial_dims:
            raise ValueError(f"ConvTranspose{num_spatial_dims}D: for {input.dim()}D input, "
                             f"output_size must have {num_spatial_dims} or "
                             f"{non_spatial + num_spatial_dims} elements (got "
                             f"{len(output_size)})")
        dilation = dilation or (1,) * num_spatial_dims
        smallest = [(input.size(d + non_spatial) - 1) * stride[d] - 2 * padding[d]
                    + dilation[d] * (kernel_size[d] - 1) + 1 for d in range(num_spatial_dims)]
        largest = [m + s - 1 for m, s in zip(smallest, stride)]
        for size, low, high in zip(output_size, smallest, largest):
            if size < low or size > high:
                raise ValueError(f"requested an output size of {output_size}, but valid sizes "
                                 f"range from {smallest} to {largest} (for an input of "
                                 f"{input.shape[non_spatial:]})")
        return tuple(size - low for size, low in zip(output_size, smallest))

    def forward(self, input, output_size=None):
        output_padding = self._output_padding(input, output_size, self.stride, self.padding,
                                              self.kernel_size, self._dims, self.dilation)
        conv = getattr(F, f"conv_transpose{self._dims}d")
        return conv(input, self.weight, self.bias, self.stride, self.padding, output_padding,
                    self.groups, self.dilation)


class ConvTranspose1d(_ConvTransposeNd):
    """The adjoint of Conv1d (a "deconvolution"): out = conv_transpose1d(x, weight, ...)."""
    _dims = 1


class ConvTranspose2d(_ConvTransposeNd):
    """The adjoint of Conv2d (a "deconvolution"): out = conv_transpose2d(x, weight, ...)."""
    _dims = 2


class ConvTranspose3d(_ConvTransposeNd):
    """The adjoint of Conv3d (a "deconvolution"): out = conv_transpose3d(x, weight, ...)."""
    _dims = 3


class _LazyConvMixin:
    """Lazy convolution layers: in_channels is the input's channel count at the first call
    (or follows from a loaded state dict's weight); until then in_channels is 0 and weight
    an empty placeholder. Then the layer becomes `cls_to_become`, as PyTorch's do."""

    cls_to_become = None

    def reset_parameters(self) -> None:
        """Nothing to initialise before the input's channels are known."""

    def has_uninitialized_params(self) -> bool:
        return True

    def _materialize(self, in_channels: int) -> None:
        weight = self.weight
        self.in_channels = in_channels
        shape = (in_channels, self.out_channels // self.groups) if self.transposed else \
            (self.out_channels, in_channels // self.groups)
        self.weight = Parameter(empty(*shape, *self.kernel_size, device=weight.device,
                                      dtype=weight.dtype))
        if self.bias is not None:           # after the weight, as in PyTorch's state dict
            self.bias = Parameter(empty(self.out_channels, device=weight.device,
                                        dtype=weight.dtype))
        self.__class__ = self.cls_to_become
        self.reset_parameters()

    def initialize_parameters(self, input, *args) -> None:
        """Make the weight for the input's channels (dim 0 unbatched, else dim 1)."""
        self._materialize(input.shape[0 if input.ndim == self._dims + 1 else 1])

    def forward(self, input, *args):
        self.initialize_parameters(input)
        return self.forward(input, *args)

    def _load_from_state_dict(self, state_dict, prefix, local_metadata, strict, missing_keys,
                              unexpected_keys, error_msgs) -> None:
        weight = state_dict.get(prefix + "weight")
        if weight is not None and weight.ndim == self._dims + 2:
            self._materialize(weight.shape[0] if self.transposed else
                              weight.shape[1] * self.groups)
        self._load_from_state_dict(state_dict, prefix, local_metadata, strict, missing_keys,
                                   unexpected_keys, error_msgs)


def _lazy_conv(base):
    """LazyConvNd: Conv*(in_channels from the first input, out_channels, kernel_size, ...)."""
    def __init__(self, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1,
                 bias=True, padding_mode="zeros", device=None, dtype=None) -> None:
        base.__init__(self, 0, out_channels, kernel_size, stride, padding, dilation, groups,
                      bias, padding_mode, device, dtype)
    doc = f"{base.__name__} with in_channels taken from the first input."
    return type(f"Lazy{base.__name__}", (_LazyConvMixin, base),
                {"__init__": __init__, "cls_to_become": base, "__doc__": doc,
                 "__module__": __name__})


def _lazy_conv_transpose(base):
    """LazyConvTransposeNd: in_channels from the first input."""
    def __init__(self, out_channels, kernel_size, stride=1, padding=0, output_padding=0,
                 groups=1, bias=True, dilation=1, padding_mode="zeros", device=None,
                 dtype=None) -> None:
        base.__init__(self, 0, out_channels, kernel_size, stride, padding, output_padding,
                      groups, bias, dilation, padding_mode, device, dtype)
    doc = f"{base.__name__} with in_channels taken from the first input."
    return type(f"Lazy{base.__name__}", (_LazyConvMixin, base),
                {"__init__": __init__, "cls_to_become": base, "__doc__": doc,
                 "__module__": __name__})


LazyConv1d, LazyConv2d, LazyConv3d = (_lazy_conv(c) for c in (Conv1d, Conv2d, Conv3d))
LazyConvTranspose1d, LazyConvTranspose2d, LazyConvTranspose3d = (
    _lazy_conv_transpose(c) for c in (ConvTranspose1d, ConvTranspose2d, ConvTranspose3d))

__all__ = ["Conv1d", "Conv2d", "Conv3d", "ConvTranspose1d", "ConvTranspose2d",
           "ConvTranspose3d", "LazyConv1d", "LazyConv2d", "LazyConv3d", "LazyConvTranspose1d",
           "LazyConvTranspose2d", "LazyConvTranspose3d"]
