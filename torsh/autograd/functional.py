"""Higher-level derivatives of a whole function: jacobian, hessian, vjp, jvp, hvp, vhp.

For f: inputs -> outputs, at the point `inputs`:
    vjp(f, x, v) = v^T J          jvp(f, x, v) = J v          jacobian(f, x) = J
    vhp(f, x, v) = v^T H          hvp(f, x, v) = H v          hessian(f, x) = H
Everything is built from reverse mode (`autograd.grad`). Products with J from the right use the
double-vjp trick: g(u) = u^T J is linear in u, so the vjp of g with v is (J^T)^T v = J v.
Inputs are re-made as fresh leaves, so `f` sees tensors that require grad; results are
detached unless create_graph=True. `vectorize` is accepted and ignored (rows are computed one
at a time) and strategy="forward-mode" computes the same Jacobian by reverse mode.
"""
from __future__ import annotations

from ..tensor import Tensor
from .grad_mode import enable_grad, is_grad_enabled, set_grad_enabled

__all__ = ["vjp", "jvp", "jacobian", "hessian", "hvp", "vhp"]


# ------------------------------------------------------------ argument handling

def _as_tensors(value, what: str, fn_name: str):
    """(was it a tuple, the tensors as a tuple); raises TypeError for anything else."""
    is_tuple = isinstance(value, tuple)
    items = value if is_tuple else (value,)
    for i, item in enumerate(items):
        if not isinstance(item, Tensor):
            where = f"the value at index {i}" if is_tuple else f"the given {what}"
            raise TypeError(f"The {what} given to {fn_name} must be either a Tensor or a tuple "
                            f"of Tensors but {where} has type {type(item).__name__}.")
    return is_tuple, items


def _fresh(tensors: tuple, create_graph: bool, need_graph: bool) -> tuple:
    """Leaves for f to differentiate; with create_graph, aliases that keep outer history."""
    result = []
    for t in tensors:
        if create_graph and t.requires_grad:
            result.append(t.view_as(t))
        else:
            result.append(t.detach().requires_grad_(need_graph and t.dtype.is_floating_point))
    return tuple(result)


def _finish(values, create_graph: bool):
    """Detach results (recursively through tuples) unless the caller wants a graph."""
    if isinstance(values, tuple):
        return tuple(_finish(v, create_graph) for v in values)
    return values if create_graph or values is None else values.detach()


def _unpack(values: tuple, is_tuple: bool):
    return values if is_tuple else values[0]


def _unpack2(values: tuple, outer_tuple: bool, inner_tuple: bool):
    if not inner_tuple:
        values = tuple(v[0] for v in values)
    return values if outer_tuple else values[0]


def _check_v(v: tuple, others: tuple, others_is_tuple: bool) -> None:
    if len(v) != len(others):
        if others_is_tuple:
            raise RuntimeError(f"v is a tuple of invalid length: should be {len(others)} but "
                               f"got {len(v)}.")
        raise RuntimeError("The given v should contain a single Tensor.")
    for i, (a, b) in enumerate(zip(v, others)):
        if tuple(a.shape) != tuple(b.shape):
            prefix = f"Entry {i} in " if others_is_tuple else ""
            raise RuntimeError(f"{prefix}v has invalid size: should be {b.shape} but got "
                               f"{a.shape}.")


def _prepare_v(v, others: tuple, others_is_tuple: bool, create_graph: bool, fn_name: str,
               missing: str) -> tuple | None:
    if v is None:
        if len(others) != 1 or others[0].numel() != 1:
            raise RuntimeError(f"The vector v can only be None if {missing} a single Tensor "
                               f"with a single element.")
        return None
    v = _fresh(_as_tensors(v, "v", fn_name)[1], create_graph, need_graph=False)
    _check_v(v, others, others_is_tuple)
    return v


def _strict_outputs(outputs: tuple, strict: bool) -> None:
    if not strict:
        return
    for i, out in enumerate(outputs):
        if not out.requires_grad:
            raise RuntimeError(f"Output {i} of the user-provided function does not require "
                               f"gradients. The outputs must be computed in a differentiable "
                               f"manner from the input when running in strict mode.")


_INDEPENDENT = {
    "gradient": ("The gradient with respect to input {i} is independent of the inputs of the "
                 "user-provided function. This is not allowed in strict mode."),
    "jacobian": ("While computing the hessian, found that the jacobian of the user-provided "
                 "function with respect to input {i} is independent of the input. This is not "
                 "allowed in strict mode. You should ensure that your function is twice "
                 "differentiable and that the jacobian depends on the inputs (this would be "
                 "violated by a linear function for example)."),
}


def _strict_grads(grads: tuple, strict: bool, kind: str) -> None:
    """In strict mode, each gradient must exist and itself depend on the inputs."""
    if not strict:
        return
    for i, g in enumerate(grads):
        if g is None:
            raise RuntimeError(f"The output of the user-provided function is independent of "
                               f"input {i}. This is not allowed in strict mode.")
        if not g.requires_grad:
            raise RuntimeError(_INDEPENDENT[kind].format(i=i))


def _grad(outputs: tuple, inputs: tuple, grad_outputs=None, create_graph=False,
          retain_graph=None) -> tuple:
    """autograd.grad over the outputs that require grad; None where an input is unreached."""
    from . import grad
    grad_outputs = grad_outputs if grad_outputs is not None else (None,) * len(outputs)
    pairs = [(o, g) for o, g in zip(outputs, grad_outputs) if o is not None and o.requires_grad]
    wanted = [t for t in inputs if t.requires_grad]
    if not pairs or not wanted:
        return (None,) * len(inputs)
    found = iter(grad([o for o, _ in pairs], wanted, [g for _, g in pairs],
                      retain_graph=retain_graph, create_graph=create_graph, allow_unused=True))
    return tuple(next(found) if t.requires_grad else None for t in inputs)


def _zeros_where_missing(grads: tuple, refs: tuple, strict: bool, create_graph: bool,
                         what: str) -> tuple:
    from .. import zeros_like
    result = []
    for i, (g, ref) in enumerate(zip(grads, refs)):
        if g is None:
            if strict:
                raise RuntimeError(f"The {what} is independent of input {i}. This is not "
                                   f"allowed in strict mode.")
            g = zeros_like(ref)
        elif strict and create_graph and not g.requires_grad:
            raise RuntimeError(f"The {what} is independent of input {i}. This is not allowed "
                               f"in strict mode when create_graph=True.")
        result.append(g)
    return tuple(result)


def _single_output(outputs: tuple, is_tuple: bool, fn_name: str) -> None:
    if is_tuple:
        raise RuntimeError(f"The function given to {fn_name} should return a single Tensor")
    if outputs[0].numel() != 1:
        raise RuntimeError(f"The Tensor returned by the function given to {fn_name} should "
                           f"contain a single element")


_OUTPUTS = "outputs of the user-provided function"
_NO_V = object()


def _call(func, inputs, create_graph: bool, strict: bool, fn_name: str, v=_NO_V):
    """Run func on fresh leaves: (inputs_tuple, inputs, v, outputs_tuple, outputs).

    A v given here (jvp, vhp, hvp) is checked against the inputs before func runs."""
    inputs_tuple, inputs = _as_tensors(inputs, "inputs", fn_name)
    inputs = _fresh(inputs, create_graph, need_graph=True)
    if v is not _NO_V:
        v = _prepare_v(v, inputs, inputs_tuple, create_graph, fn_name,
                       "the input to the user-provided function is")
    outputs_tuple, outputs = _as_tensors(func(*inputs), _OUTPUTS, fn_name)
    _strict_outputs(outputs, strict)
    return inputs_tuple, inputs, v, outputs_tuple, outputs


def _last_vjp(outputs, outputs_tuple: bool, of: tuple, wrt: tuple, v, refs: tuple,
              refs_tuple: bool, strict: bool, create_graph: bool, what: str):
    """The final vjp v^T d(of)/d(wrt), graph-building only when asked, zero-filled like refs:
    returns (func's outputs, that product), both detached unless create_graph."""
    with set_grad_enabled(create_graph or is_grad_enabled()):
        grads = _grad(of, wrt, v, create_graph=create_graph)
        result = _zeros_where_missing(grads, refs, strict, create_graph, what)
    return (_unpack(_finish(outputs, create_graph), outputs_tuple),
            _unpack(_finish(result, create_graph), refs_tuple))


# ------------------------------------------------------------ products

def vjp(func, inputs, v=None, create_graph: bool = False, strict: bool = False):
    """(func(inputs), v^T J): the vector-Jacobian product, shaped like the inputs."""
    with enable_grad():
        inputs_tuple, inputs, _, outputs_tuple, outputs = _call(func, inputs, create_graph,
                                                                strict, "vjp")
        v = _prepare_v(v, outputs, outputs_tuple, create_graph, "vjp",
                       "the user-provided function returns")
    return _last_vjp(outputs, outputs_tuple, outputs, inputs, v, inputs, inputs_tuple, strict,
                     create_graph, "output of the user-provided function")


def jvp(func, inputs, v=None, create_graph: bool = False, strict: bool = False):
    """(func(inputs), J v): the Jacobian-vector product, shaped like the outputs.

    Double-vjp trick: with u a dummy cotangent, g(u) = u^T J; then vjp(g, u, v) = J v.
    """
    with enable_grad():
        _, inputs, v, outputs_tuple, outputs = _call(func, inputs, create_graph, strict, "jvp", v)
        dummies = tuple(_zeros_requiring_grad(o) for o in outputs)
        u_times_j = _grad(outputs, inputs, dummies, create_graph=True)
        _strict_grads(u_times_j, strict, "gradient")
    return _last_vjp(outputs, outputs_tuple, u_times_j, dummies, v, outputs, outputs_tuple,
                     strict, create_graph, "gradient with respect to the dummy cotangent")


def _zeros_requiring_grad(like: Tensor) -> Tensor:
    from .. import zeros_like
    return zeros_like(like).requires_grad_(True)


def _call_for_gradient(func, inputs, v, create_graph: bool, strict: bool, fn_name: str):
    """_call for a scalar-valued func (vhp, hvp), plus jac = grad f built with a graph."""
    inputs_tuple, inputs, v, outputs_tuple, outputs = _call(func, inputs, create_graph, strict,
                                                            fn_name, v)
    _single_output(outputs, outputs_tuple, fn_name)
    jac = _grad(outputs, inputs, create_graph=True)
    _strict_grads(jac, strict, "jacobian")
    return inputs_tuple, inputs, v, outputs_tuple, outputs, jac


def vhp(func, inputs, v=None, create_graph: bool = False, strict: bool = False):
    """(func(inputs), v^T H) for a scalar-valued func: the gradient of (v . grad f)."""
    with enable_grad():
        inputs_tuple, inputs, v, outputs_tuple, outputs, jac = _call_for_gradient(
            func, inputs, v, create_graph, strict, "vhp")
    return _last_vjp(outputs, outputs_tuple, jac, inputs, v, inputs, inputs_tuple, strict,
                     create_graph, "jacobian of the user-provided function")


def hvp(func, inputs, v=None, create_graph: bool = False, strict: bool = False):
    """(func(inputs), H v) for a scalar-valued func, by the double-vjp trick on grad f."""
    with enable_grad():
        inputs_tuple, inputs, v, outputs_tuple, outputs, jac = _call_for_gradient(
            func, inputs, v, create_graph, strict, "hvp")
        dummies = tuple(_zeros_requiring_grad(t) for t in inputs)
        u_times_h = _grad(jac, inputs, dummies, create_graph=True)
    return _last_vjp(outputs, outputs_tuple, u_times_h, dummies, v, inputs, inputs_tuple, strict,
                     create_graph, "hessian of the user-provided function")


# ------------------------------------------------------------ full matrices

def jacobian(func, inputs, create_graph: bool = False, strict: bool = False,
             vectorize: bool = False, strategy: str = "reverse-mode"):
    """J[i][j] = d outputs[i] / d inputs[j], of shape outputs[i].shape + inputs[j].shape.

    A single tensor (not a tuple) on either side drops that level of nesting. Built one output
    element at a time: row k of J[i] is the gradient of outputs[i].flatten()[k].
    """
    if strategy not in ("forward-mode", "reverse-mode"):
        raise ValueError('Expected strategy to be either "forward-mode" or "reverse-mode".')
    if strategy == "forward-mode" and create_graph:
        raise NotImplementedError('torsh.autograd.functional.jacobian: `create_graph=True` and '
                                  '`strategy="forward-mode"` are not supported together (yet).')
    from .. import stack, zeros
    with enable_grad():
        inputs_tuple, inputs, _, outputs_tuple, outputs = _call(func, inputs, create_graph,
                                                                strict, "jacobian")
        blocks = []
        for i, out in enumerate(outputs):
            rows: list[list] = [[] for _ in inputs]
            flat = out.reshape(-1)
            for k in range(out.numel()):
                grads = _grad((flat[k],), inputs, retain_graph=True, create_graph=create_graph)
                for j, (g, inp) in enumerate(zip(grads, inputs)):
                    rows[j].append(_jacobian_row(g, inp, i, j, strict, create_graph))
            blocks.append(tuple(
                stack(r).reshape(tuple(out.shape) + tuple(inp.shape)) if r else
                zeros(tuple(out.shape) + tuple(inp.shape), dtype=inp.dtype)
                for r, inp in zip(rows, inputs)))
    return _unpack2(_finish(tuple(blocks), create_graph), outputs_tuple, inputs_tuple)


def _jacobian_row(g, inp: Tensor, i: int, j: int, strict: bool, create_graph: bool) -> Tensor:
    from .. import zeros_like
    if g is None:
        if strict:
            raise RuntimeError(f"Output {i} of the user-provided function is independent of "
                               f"input {j}. This is not allowed in strict mode.")
        return zeros_like(inp)
    if strict and create_graph and not g.requires_grad:
        raise RuntimeError(f"The jacobian of the user-provided function is independent of "
                           f"input {j}. This is not allowed in strict mode when "
                           f"create_graph=True.")
    return g


def hessian(func, inputs, create_graph: bool = False, strict: bool = False,
            vectorize: bool = False, outer_jacobian_strategy: str = "reverse-mode"):
    """H[i][j] = d^2 func / d inputs[i] d inputs[j], of shape inputs[i].shape + inputs[j].shape,
    for a func returning one element: the Jacobian of the gradient."""
    inputs_tuple, inputs = _as_tensors(inputs, "inputs", "hessian")

    def scalar_func(*xs):
        out = func(*xs)
        out_tuple, outs = _as_tensors(out, _OUTPUTS, "hessian")
        _strict_outputs(outs, strict)
        _single_output(outs, out_tuple, "hessian")
        return out.reshape(())

    def gradient(*xs):
        jac = jacobian(scalar_func, xs, create_graph=True)
        _strict_grads(jac, strict, "jacobian")
        return jac

    result = jacobian(gradient, inputs, create_graph=create_graph, strict=strict,
                      vectorize=vectorize, strategy=outer_jacobian_strategy)
    return _unpack2(result, inputs_tuple, inputs_tuple)
