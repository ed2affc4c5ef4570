"""Hook bookkeeping for Module: removable handles and full backward hooks.

A full backward hook sees the gradients with respect to a module's positional tensor inputs
and outputs. It is wired into the graph by two identity autograd Functions: one on the
outputs (which records grad_output and runs backward pre-hooks) and one on the inputs (which
calls the hooks with grad_input once the module's own gradient has been computed).
"""
from __future__ import annotations

import itertools
import weakref

from ..autograd import Function
from ..autograd.grad_mode import is_grad_enabled
from ..tensor import Tensor

__all__ = ["RemovableHandle", "add_hook", "wrap_backward_hooks"]


class RemovableHandle:
    """Returned by register_*_hook; `remove()` (or leaving a `with` block) unregisters it."""

    _next_id = itertools.count()

    def __init__(self, hooks_dict: dict, *, extra_dict=None) -> None:
        self.hooks_dict_ref = weakref.ref(hooks_dict)
        self.id = next(RemovableHandle._next_id)
        self.extra_dict_ref = tuple(weakref.ref(d) for d in (extra_dict or ()))

    def remove(self) -> None:
        for ref in (self.hooks_dict_ref,) + self.extra_dict_ref:
            table = ref()
            if table is not None:
                table.pop(self.id, None)

    def __enter__(self) -> "RemovableHandle":
        return self

    def __exit__(self, *exc) -> None:
        self.remove()


def add_hook(hooks: dict, hook, prepend: bool, extra=()) -> RemovableHandle:
    handle = RemovableHandle(hooks, extra_dict=extra)
    hooks[handle.id] = hook
    if prepend:
        hooks.move_to_end(handle.id, last=False)
    return handle


def _pack(grads, positions, count) -> tuple:
    """Gradients of the tensor positions spread over `count` slots (None elsewhere)."""
    packed = [None] * count
    for position, grad in zip(positions, grads):
        packed[position] = grad
    return tuple(packed)


def _call_hooks(state, grad_input):
    module = state["module"]
    for hook in list(module._backward_hooks.values()):
        result = hook(module, grad_input, state["grad_output"])
        if result is not None:
            result = tuple(result) if isinstance(result, (tuple, list)) else (result,)
            if len(result) != len(grad_input):
                raise RuntimeError(f"Backward hook returned an invalid number of grad_input, "
                                   f"got {len(result)}, but expected {len(grad_input)}")
            grad_input = result
    return grad_input


class _Identity(Function):
    """Identity on tensors that keeps the hooks' shared state for its backward."""

    @staticmethod
    def forward(ctx, state, *tensors):
        ctx.state = state
        return tuple(t.view_as(t) for t in tensors)


class _BackwardHookInputs(_Identity):
    """Identity on a module's inputs; its backward calls the full backward hooks."""

    @staticmethod
    def backward(ctx, *grads):
        state = ctx.state
        grad_input = _pack(grads, state["in_positions"], state["n_in"])
        grad_input = _call_hooks(state, grad_input)
        return (None,) + tuple(grad_input[i] for i in state["in_positions"])


class _BackwardHookOutputs(_Identity):
    """Identity on a module's outputs; its backward records grad_output (after pre-hooks)."""

    @staticmethod
    def backward(ctx, *grads):
        state = ctx.state
        module = state["module"]
        grad_output = _pack(grads, state["out_positions"], state["n_out"])
        for hook in list(module._backward_pre_hooks.values()):
            result = hook(module, grad_output)
            if result is not None:
                grad_output = tuple(result) if isinstance(result, (tuple, list)) else (result,)
        state["grad_output"] = grad_output
        if not state["inputs_wrapped"]:
            _call_hooks(state, (None,) * state["n_in"])
        return (None,) + tuple(grad_output[i] for i in state["out_positions"])


def wrap_backward_hooks(module, args: tuple):
    """Wrap `args` for backward hooks; returns (new args, function that wraps the output)."""
    positions = [i for i, a in enumerate(args) if isinstance(a, Tensor)]
    state = {"module": module, "in_positions": positions, "n_in": len(args),
             "grad_output": None, "inputs_wrapped": False}
    tensors = [args[i] for i in positions]
    if is_grad_enabled() and any(t.requires_grad for t in tensors):
        wrapped = _BackwardHookInputs.apply(state, *tensors)
        args = list(args)
        for position, tensor in zip(positions, wrapped):
            args[position] = tensor
        args = tuple(args)
        state["inputs_wrapped"] = True

    def finish(output):
        single = isinstance(output, Tensor)
        outputs = (output,) if single else output
        if not isinstance(outputs, tuple):
            return output
        out_positions = [i for i, o in enumerate(outputs) if isinstance(o, Tensor)]
        state["out_positions"], state["n_out"] = out_positions, len(outputs)
        tensors = [outputs[i] for i in out_positions]
        if not (is_grad_enabled() and any(t.requires_grad for t in tensors)):
            return output
        wrapped = _BackwardHookOutputs.apply(state, *tensors)
        outputs = list(outputs)
        for position, tensor in zip(out_positions, wrapped):
            outputs[position] = tensor
        return outputs[0] if single else tuple(outputs)
    return args, finish
