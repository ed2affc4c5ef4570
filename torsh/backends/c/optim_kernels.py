"""Fused optimizer updates on the C kernels (kernels/c/optim.c): one C call updates a whole
parameter and its state (SGD with momentum / Nesterov / weight decay / maximize; Adam and
AdamW with AMSGrad), instead of a chain of tensor ops.

torsh/optim/sgd.py and adam.py call `sgd_step` / `adam_step`; each returns False, doing
nothing, unless the C backend serves the CPU and every tensor is a contiguous CPU tensor of
the parameter's dtype (float32 / float64) and size, so the optimizer then takes its tensor-op
path. The kernels follow that path's operation order, rounding once per tensor op. No op has
a kernel here: `kernels` is empty."""
from __future__ import annotations

from numbers import Real

from .operands import Call

SUFFIX = {"float32": "f32", "float64": "f64"}


def kernels(ffi, lib) -> dict:
    return {}


_MODULES: list = []      # (torsh.backends, the C backend), imported on first use


def _library():
    """(ffi, lib) of the C backend when it serves the CPU, else None."""
    if not _MODULES:
        from ... import backends
        from . import C_BACKEND
        _MODULES.extend((backends, C_BACKEND))
    backends, C_BACKEND = _MODULES
    if not C_BACKEND.is_available() or backends.current() != "c":
        return None
    return C_BACKEND.ffi, C_BACKEND.lib


def ready(p, *tensors) -> bool:
    """Whether p and tensors (None ones skipped) suit a fused update: contiguous CPU tensors
    of p's float dtype and shape."""
    if p.dtype.name not in SUFFIX or p._storage.device.type != "cpu" or not p.is_contiguous():
        return False
    for t in tensors:
        if t is None:
            continue
        if t.dtype is not p.dtype or t._storage.device.type != "cpu" or \
                t._shape != p._shape or not t.is_contiguous():
            return False
    return _library() is not None


def _numbers(*values) -> bool:
    return all(isinstance(v, Real) and not isinstance(v, bool) for v in values)


def _run(function: str, p, tensors, *args) -> None:
    ffi, lib = _library()
    call = Call(ffi)
    pointers = [ffi.NULL if t is None else call.pointer(t) for t in tensors]
    getattr(lib, f"{function}_{SUFFIX[p.dtype.name]}")(p.numel(), call.pointer(p), *pointers,
                                                        *args)
    for t in (p, *tensors):
        if t is not None:
            t._bump_version()


def sgd_step(p, grad, buf, first, lr, momentum, dampening, weight_decay, nesterov,
             maximize) -> bool:
    """p (and buf, when momentum != 0) updated in place by one SGD step; False if declined."""
    if not _numbers(lr, momentum, dampening, weight_decay) or not ready(p, grad, buf):
        return False
    if p.numel():
        _run("torsh_sgd", p, (grad, buf), int(first), float(lr), float(momentum),
             float(dampening), float(weight_decay), int(bool(nesterov)), int(bool(maximize)))
    return True


def adam_step(p, grad, exp_avg, exp_avg_sq, max_exp_avg_sq, lr, beta1, beta2, eps,
              weight_decay, decoupled, maximize, step) -> bool:
    """p and its Adam state updated in place by step number `step`; False if declined."""
    if not _numbers(lr, beta1, beta2, eps, weight_decay, step) or \
            not ready(p, grad, exp_avg, exp_avg_sq, max_exp_avg_sq):
        return False
    if p.numel():
        _run("torsh_adam", p, (grad, exp_avg, exp_avg_sq, max_exp_avg_sq), float(lr),
             float(beta1), float(beta2), float(eps), float(weight_decay),
             int(bool(decoupled)), int(bool(maximize)), float(step))
    return True
