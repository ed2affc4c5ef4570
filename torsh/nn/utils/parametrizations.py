"""Weight normalisation and spectral normalisation as parametrizations (see parametrize.py).

weight_norm:   w = g * v / ||v||, the norm over every dim but `dim` (all dims when dim is None);
               stored as original0 = g, original1 = v.
spectral_norm: w = W / sigma(W), sigma the largest singular value of W seen as a matrix
               (dim `dim` first, the rest flattened), estimated by power iteration on the buffers
               u, v: u <- normalize(W v), v <- normalize(W^T u) in training mode, then
               sigma = u . (W v).
"""
from __future__ import annotations

from ...autograd.grad_mode import no_grad
from ..module import Module
from . import parametrize

__all__ = ["weight_norm", "spectral_norm"]


def _norm_except_dim(v, dim: int):
    """||v||_2 over every dim but `dim`, kept as size-1 dims; dim = -1: the whole norm."""
    if dim == -1:
        return v.norm()
    dim = dim % v.ndim
    others = tuple(d for d in range(v.ndim) if d != dim)
    return v.norm(2, dim=others, keepdim=True) if others else v.abs()


class _WeightNorm(Module):
    """w = g * v / ||v|| (g and v are the two originals)."""

    def __init__(self, dim: int | None = 0) -> None:
        super().__init__()
        self.dim = -1 if dim is None else dim

    def forward(self, weight_g, weight_v):
        return weight_v * (weight_g / _norm_except_dim(weight_v, self.dim))

    def right_inverse(self, weight):
        return _norm_except_dim(weight, self.dim), weight


def weight_norm(module: Module, name: str = "weight", dim: int | None = 0) -> Module:
    """Parametrize module.<name> as g * v / ||v||."""
    parametrize.register_parametrization(module, name, _WeightNorm(dim), unsafe=True)
    return module


def _unit(x, eps: float):
    """x / max(||x||_2, eps)."""
    return x / x.norm().clamp_min(eps)


class _SpectralNorm(Module):
    """w = W / sigma(W) with sigma from power iteration on the buffers _u and _v."""

    def __init__(self, weight, n_power_iterations: int = 1, dim: int = 0,
                 eps: float = 1e-12) -> None:
        super().__init__()
        import torsh
        if not -weight.ndim <= dim < max(weight.ndim, 1):
            raise IndexError(f"Dimension out of range (expected to be in range of "
                             f"[-{weight.ndim}, {weight.ndim - 1}] but got {dim})")
        if n_power_iterations <= 0:
            raise ValueError(f"Expected n_power_iterations to be positive, but got "
                             f"n_power_iterations={n_power_iterations}")
        self.dim = dim % weight.ndim
        self.eps = eps
        if weight.ndim > 1:
            self.n_power_iterations = n_power_iterations
            rows, columns = self._as_matrix(weight).shape
            self.register_buffer("_u", _unit(torsh.randn(rows, dtype=weight.dtype), eps))
            self.register_buffer("_v", _unit(torsh.randn(columns, dtype=weight.dtype), eps))
            self._power_method(self._as_matrix(weight.detach()), 15)

    def _as_matrix(self, weight):
        if self.dim != 0:
            weight = weight.movedim(self.dim, 0)
        return weight.flatten(1)

    def _power_method(self, matrix, iterations: int) -> None:
        with no_grad():
            for _ in range(iterations):
                self._u.copy_(_unit(matrix.mv(self._v), self.eps))
                self._v.copy_(_unit(matrix.mT.mv(self._u), self.eps))

    def forward(self, weight):
        import torsh
        if weight.ndim == 1:
            return _unit(weight, self.eps)
        matrix = self._as_matrix(weight)
        if self.training:
            self._power_method(matrix.detach(), self.n_power_iterations)
        sigma = torsh.vdot(self._u.clone(), matrix.mv(self._v.clone()))
        return weight / sigma

    def right_inverse(self, value):
        return value


def spectral_norm(module: Module, name: str = "weight", n_power_iterations: int = 1,
                  eps: float = 1e-12, dim: int | None = None) -> Module:
    """Parametrize module.<name> as W / sigma(W); dim defaults to 1 for transposed
    convolutions (their output channels) and 0 otherwise."""
    weight = getattr(module, name, None)
    if weight is None:
        raise ValueError(f"Module '{module}' has no parameter or buffer with name '{name}'")
    if dim is None:
        dim = 1 if type(module).__name__.startswith("ConvTranspose") else 0
    parametrize.register_parametrization(
        module, name, _SpectralNorm(weight, n_power_iterations, dim, eps))
    return module
