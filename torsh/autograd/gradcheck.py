"""gradcheck / gradgradcheck: an op's backward formula against finite differences.

For inputs x (float64) and a function f, the analytical Jacobian comes from backward with unit
cotangents, one output element at a time; the numerical one from central differences
(f(x + eps e_i) - f(x - eps e_i)) / (2 eps). They must agree within atol + rtol * |numerical|.
"""
from __future__ import annotations

from .grad_mode import no_grad


def _as_tuple(x):
    return tuple(x) if isinstance(x, (tuple, list)) else (x,)


def _differentiable(inputs):
    return [t for t in inputs if hasattr(t, "requires_grad") and t.requires_grad]


def _flat_outputs(fn, inputs):
    return [o for o in _as_tuple(fn(*inputs)) if hasattr(o, "dtype") and
            o.dtype.is_floating_point]


def _element_indices(shape):
    """Every index tuple of `shape`, in row-major order (the order of reshape(-1))."""
    indices = [()]
    for size in shape:
        indices = [index + (i,) for index in indices for i in range(size)]
    return indices


def _poke(view, index, value):
    with no_grad():
        if index:
            view[index] = value
        else:
            view.fill_(value)


def _check_no_overlap(inputs):
    for i, tensor in enumerate(inputs):
        if not getattr(tensor, "requires_grad", False):
            continue
        if any(stride == 0 and size > 1 for size, stride in zip(tensor.shape, tensor.stride())):
            raise RuntimeError(f"The {i}th input has a dimension with stride 0. gradcheck only "
                               f"supports inputs that are non-overlapping to be able to compute "
                               f"the numerical gradients correctly. You should call .contiguous "
                               f"on the input before passing it to gradcheck.")


def _numerical_jacobian(fn, inputs, eps):
    """columns[i][k]: d outputs / d (k-th element of input i), by central differences.

    Elements are perturbed in place through a detached alias, so strided inputs work too.
    """
    columns = []
    for tensor in _differentiable(inputs):
        view = tensor.detach()
        per_input = []
        for index in _element_indices(tuple(tensor.shape)):
            original = view[index].item() if index else view.item()
            _poke(view, index, original + eps)
            plus = [o.detach().reshape(-1).tolist() for o in _flat_outputs(fn, inputs)]
            _poke(view, index, original - eps)
            minus = [o.detach().reshape(-1).tolist() for o in _flat_outputs(fn, inputs)]
            _poke(view, index, original)
            per_input.append([(p - m) / (2 * eps) for po, mo in zip(plus, minus)
                              for p, m in zip(po, mo)])
        columns.append(per_input)
    return columns


def _analytical_jacobian(fn, inputs):
    from . import grad
    from .. import zeros_like
    wrt = _differentiable(inputs)
    outputs = _flat_outputs(fn, inputs)
    rows = []   # rows[j][i] = gradient of output element j w.r.t. input i (flat)
    for out in outputs:
        for j in range(out.numel()):
            cotangent = zeros_like(out)
            cotangent.reshape(-1)[j] = 1.0
            if not out.requires_grad:
                rows.append([[0.0] * t.numel() for t in wrt])
                continue
            grads = grad(out, wrt, cotangent, retain_graph=True, allow_unused=True)
            rows.append([g.reshape(-1).tolist() if g is not None else [0.0] * t.numel()
                         for g, t in zip(grads, wrt)])
    return rows


def gradcheck(func, inputs, *, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True,
              **_ignored) -> bool:
    """True when backward's Jacobian matches finite differences at `inputs` (use float64)."""
    inputs = _as_tuple(inputs)
    _check_no_overlap(inputs)
    numerical = _numerical_jacobian(func, inputs, eps)
    analytical = _analytical_jacobian(func, inputs)
    for i, per_input in enumerate(numerical):
        for k, column in enumerate(per_input):
            for j, expected in enumerate(column):
                got = analytical[j][i][k]
                if abs(got - expected) > atol + rtol * abs(expected) and not (
                        got != got and expected != expected):
                    if raise_exception:
                        raise RuntimeError(f"Jacobian mismatch for output {j} with respect to "
                                           f"input {i}, element {k}: numerical {expected}, "
                                           f"analytical {got}")
                    return False
    return True


def gradgradcheck(func, inputs, grad_outputs=None, *, eps=1e-6, atol=1e-5, rtol=1e-3,
                  raise_exception=True, **_ignored) -> bool:
    """gradcheck of the map (inputs, cotangents) -> vector-Jacobian product: double backward."""
    from . import grad
    inputs = _as_tuple(inputs)
    outputs = _flat_outputs(func, inputs)
    if grad_outputs is None:
        from .. import randn_like
        grad_outputs = [randn_like(o).requires_grad_(True) for o in outputs]
    grad_outputs = list(_as_tuple(grad_outputs))
    count = len(inputs)

    def first_derivative(*args):
        xs, cotangents = args[:count], args[count:]
        outs = _flat_outputs(func, xs)
        wrt = _differentiable(xs)
        grads = grad(outs, wrt, list(cotangents), create_graph=True, allow_unused=True)
        return tuple(g for g in grads if g is not None)
    return gradcheck(first_derivative, inputs + tuple(grad_outputs), eps=eps, atol=atol,
                     rtol=rtol, raise_exception=raise_exception)
