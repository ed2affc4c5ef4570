"""Parameters as one flat vector and back: vec = cat(p_1.view(-1), ..., p_k.view(-1))."""
from __future__ import annotations

from ...tensor import Tensor

__all__ = ["parameters_to_vector", "vector_to_parameters"]


def _same_device(parameters) -> list:
    parameters = list(parameters)
    devices = {str(p.device) for p in parameters}
    if len(devices) > 1:
        raise TypeError(f"Found parameters on different devices: {sorted(devices)}")
    return parameters


def parameters_to_vector(parameters) -> Tensor:
    """All parameters flattened and concatenated, in iteration order."""
    import torsh
    return torsh.cat([p.reshape(-1) for p in _same_device(parameters)])


def vector_to_parameters(vec: Tensor, parameters) -> None:
    """Overwrite each parameter's data with its slice of `vec` (the inverse of
    parameters_to_vector)."""
    if not isinstance(vec, Tensor):
        raise TypeError(f"expected torch.Tensor, but got: {type(vec).__name__}")
    parameters = _same_device(parameters)
    needed = sum(p.numel() for p in parameters)
    if vec.ndim != 1 or vec.numel() != needed:
        raise RuntimeError(f"vector_to_parameters: expected a 1-D vector of {needed} elements, "
                           f"got shape {list(vec.shape)}")
    start = 0
    for p in parameters:
        p.data = vec[start:start + p.numel()].view_as(p).data.clone()
        start += p.numel()
