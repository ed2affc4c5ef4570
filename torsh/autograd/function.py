"""Custom autograd functions: a user-written forward and backward that join the graph as one node.

    class Square(torsh.autograd.Function):
        @staticmethod
        def forward(ctx, x):            # runs under no_grad
            ctx.save_for_backward(x)
            return x * x
        @staticmethod
        def backward(ctx, grad):        # d(loss)/dx = grad * 2x
            x, = ctx.saved_tensors
            return 2 * x * grad

    y = Square.apply(x)

`apply` runs `forward` without recording, then makes the outputs' `grad_fn` a node of the
class `SquareBackward` (a `graph.Node`, and also the `ctx` that forward saw), so the engine
calls `backward` like any op's gradient. When `backward` is written with torsh ops, double
backward works. This module only wires user code into the graph: it computes no math itself.
"""
from __future__ import annotations

import functools
import inspect
import traceback
import warnings

from ..tensor import Tensor
from . import graph
from .grad_mode import is_grad_enabled, no_grad

__all__ = ["Function", "FunctionCtx", "BackwardCFunction", "once_differentiable"]

_FREED = ("Trying to backward through the graph a second time (or directly access saved tensors "
          "after they have already been freed). Saved intermediate values of the graph are "
          "freed when you call .backward() or autograd.grad(). Specify retain_graph=True if you "
          "need to backward through the graph a second time or if you need to access saved "
          "tensors after calling backward.")
_RELEASED = object()      # marks saved tensors freed by a backward without retain_graph


class FunctionCtx:
    """What `forward` can tell `backward`: saved tensors, which outputs are special, flags."""

    def save_for_backward(self, *tensors) -> None:
        """Keep `tensors` for backward; using them after an in-place change raises."""
        for i, t in enumerate(tensors):
            if t is not None and not isinstance(t, Tensor):
                raise TypeError(f"save_for_backward can only save variables, but argument {i} "
                                f"is of type {type(t).__name__}")
        self._to_save = tensors

    def save_for_forward(self, *tensors) -> None:
        """Accepted for API compatibility (torsh has no forward-mode AD)."""
        self.saved_for_forward = tensors

    def mark_dirty(self, *tensors) -> None:
        """Declare inputs that forward modified in place; they must be returned as outputs."""
        self._dirty = tensors

    def mark_non_differentiable(self, *tensors) -> None:
        """Declare outputs that carry no gradient (indices, masks): requires_grad=False."""
        self._non_differentiable = tensors

    def set_materialize_grads(self, value: bool) -> None:
        """With False, backward receives None (not zeros) for outputs that got no gradient."""
        self._materialize_grads = bool(value)

    @property
    def saved_tensors(self) -> tuple:
        """The tensors given to save_for_backward, checked against in-place changes."""
        if self._saved is _RELEASED:
            raise RuntimeError(_FREED)
        if self._saved is None:      # still inside forward: nothing is checked yet
            return tuple(getattr(self, "_to_save", ()))
        for tensor, version in self._saved:
            if tensor is not None and tensor._version != version:
                maker = (f"output {tensor._output_nr} of {tensor.grad_fn.name()}"
                         if tensor.grad_fn is not None else "a leaf")
                raise RuntimeError(
                    f"one of the variables needed for gradient computation has been modified "
                    f"by an inplace operation: [torsh.{tensor.dtype.name} {list(tensor.shape)}]"
                    f", which is {maker} and is used by {self.name()}, is at version "
                    f"{tensor._version}; expected version {version} instead.")
        return tuple(tensor for tensor, _ in self._saved)


class BackwardCFunction(FunctionCtx, graph.Node):
    """The node (and ctx) of one `Function.apply` call; its class is `<Name>Backward`."""

    _forward_cls: type = None
    materialize_grads = False    # the engine must not: this node materialises zeros itself

    def __init__(self, args: tuple, needs_input_grad: tuple):
        positions = tuple(i for i, a in enumerate(args) if isinstance(a, Tensor))
        edges = tuple(graph.gradient_edge(args[i]) if needs_input_grad[i] else None
                      for i in positions)
        graph.Node.__init__(self, type(self).__name__, edges, 1)
        if graph._anomaly["enabled"]:
            self.stack = _user_stack()
        self.needs_input_grad = needs_input_grad
        self.input_meta = [(args[i]._shape, args[i].dtype) for i in positions]
        self._tensor_positions = positions
        self._to_save = ()
        self._saved = None
        self._dirty = ()
        self._non_differentiable = ()
        self._materialize_grads = True

    def apply(self, *grads):
        cls = self._forward_cls
        if self._materialize_grads:
            grads = [_zeros(meta) if g is None and meta is not None else g
                     for g, meta in zip(grads, self.output_meta)]
        result = _user_backward(cls)(self, *grads)
        return self._per_tensor_input(result if isinstance(result, tuple) else (result,))

    def _per_tensor_input(self, result: tuple) -> tuple:
        """Check backward's answer (one gradient per forward argument); keep tensor ones."""
        name, expected = self.name(), len(self.needs_input_grad)
        if len(result) != expected:
            if len(result) < expected or any(g is not None for g in result[expected:]):
                raise RuntimeError(f"function {name} returned an incorrect number of gradients "
                                   f"(expected {expected}, got {len(result)})")
            result = result[:expected]
        grads = []
        for position, grad in enumerate(result):
            if position not in self._tensor_positions:
                if grad is not None:
                    raise RuntimeError(f"function {name} returned a gradient different than "
                                       f"None at position {position + 1}, but the "
                                       f"corresponding forward input was not a Variable")
                continue
            if grad is not None and not isinstance(grad, Tensor):
                raise TypeError(f"function {name} returned a gradient of type "
                                f"{type(grad).__name__} at position {position + 1}; expected a "
                                f"Tensor or None")
            index = len(grads)
            if grad is not None and self.needs_input_grad[position]:
                _check_grad_shape(name, index, grad, self.input_meta[index][0])
            grads.append(grad if self.needs_input_grad[position] else None)
        return tuple(grads)

    def release(self) -> None:
        if self._saved is not None:
            self._saved = _RELEASED


def _user_backward(cls):
    has_backward = cls.backward is not Function.backward
    has_vjp = cls.vjp is not Function.vjp
    if has_backward and has_vjp and cls.backward is not cls.vjp:
        raise RuntimeError("Implementing both 'backward' and 'vjp' for a custom Function is not "
                           "allowed. You should only implement one of them.")
    return cls.vjp if has_vjp else cls.backward


def _check_grad_shape(name: str, index: int, grad: Tensor, shape: tuple) -> None:
    """A gradient must have the input's shape, or one the input broadcasts to (summed later)."""
    got = tuple(grad.shape)
    if got == tuple(shape):
        return
    padded = (1,) * (len(got) - len(shape)) + tuple(shape)
    if len(shape) > len(got) or any(s != g and s != 1 for s, g in zip(padded, got)):
        raise RuntimeError(f"Function {name} returned an invalid gradient at index {index} - "
                           f"got {list(got)} but expected shape compatible with {list(shape)}")


def _zeros(meta):
    from .. import zeros
    shape, dtype, device = meta
    return zeros(shape, dtype=dtype, device=device)


def _user_stack() -> list:
    """The forward call's stack without this module's own frames (for anomaly mode)."""
    here = __file__
    return [line for frame, line in zip(traceback.extract_stack()[:-1],
                                        traceback.format_stack()[:-1])
            if frame.filename != here]


class FunctionMeta(type):
    """Gives every Function subclass its own node class, `<Name>Backward`."""

    def __init__(cls, name, bases, attrs):
        backward_cls = type(name + "Backward", (BackwardCFunction,), {"_forward_cls": cls})
        backward_cls.__module__ = cls.__module__
        cls._backward_cls = backward_cls
        super().__init__(name, bases, attrs)


class Function(metaclass=FunctionMeta):
    """Base class of custom differentiable operations; use the class's `apply`, never instances.

    Subclasses define static `forward(ctx, *args)` (or `forward(*args)` plus
    `setup_context(ctx, inputs, output)`) and `backward(ctx, *grad_outputs)`, which returns one
    gradient per forward argument (None for non-tensors and inputs that need none).
    """

    generate_vmap_rule = False

    def __init__(self, *args, **kwargs):
        warnings.warn(f"{type(self)} should not be instantiated. Methods on autograd functions "
                      f"are all static, so you should invoke them on the class itself.",
                      DeprecationWarning, stacklevel=2)

    def __call__(self, *args, **kwargs):
        raise RuntimeError("Legacy autograd function with non-static forward method is "
                           "deprecated. Please use new-style autograd function with static "
                           "forward method.")

    @staticmethod
    def forward(*args, **kwargs):
        raise NotImplementedError("You must implement the forward function for custom "
                                  "autograd.Function.")

    @staticmethod
    def setup_context(ctx, inputs: tuple, output) -> None:
        raise NotImplementedError("setup_context is not implemented.")

    @staticmethod
    def backward(ctx, *grad_outputs):
        raise NotImplementedError("You must implement either the backward or vjp method for "
                                  "your custom autograd.Function to use it with backward mode "
                                  "AD.")

    vjp = backward

    @staticmethod
    def jvp(ctx, *grad_inputs):
        raise NotImplementedError("You must implement the jvp function for custom "
                                  "autograd.Function to use it with forward mode AD.")

    @classmethod
    def apply(cls, *args, **kwargs):
        """Run forward on `args` and connect its outputs to the graph through a new node."""
        separate_setup = cls.setup_context is not Function.setup_context
        if kwargs or separate_setup:
            args = _bind(cls.forward, args, kwargs, skip_ctx=not separate_setup)
        needs = tuple(isinstance(a, Tensor) and a.requires_grad for a in args)
        ctx = cls._backward_cls(args, needs)
        with no_grad():
            if separate_setup:
                output = cls.forward(*args)
                cls.setup_context(ctx, args, output)
            else:
                output = cls.forward(ctx, *args)
        return _wrap_outputs(ctx, args, output, is_grad_enabled() and any(needs))


def _bind(forward, args: tuple, kwargs: dict, skip_ctx: bool) -> tuple:
    """Keyword arguments and defaults of forward, turned into positional arguments."""
    signature = inspect.signature(forward)
    if skip_ctx:
        params = list(signature.parameters.values())[1:]
        signature = signature.replace(parameters=params)
    bound = signature.bind(*args, **kwargs)
    bound.apply_defaults()
    return bound.args


def _wrap_outputs(ctx: BackwardCFunction, args: tuple, output, recording: bool):
    """Give forward's outputs their history (ctx) and freeze the saved tensors' versions."""
    is_tuple = isinstance(output, tuple)
    outputs = output if is_tuple else (output,)
    inputs = {id(a) for a in args if isinstance(a, Tensor)}
    dirty = {id(t) for t in ctx._dirty}
    non_differentiable = {id(t) for t in ctx._non_differentiable}
    if dirty - {id(o) for o in outputs}:
        raise RuntimeError("Some elements marked as dirty during the forward method were not "
                           "returned as output. The inputs that are modified inplace must all "
                           "be outputs of the Function.")
    wrapped = []
    for index, out in enumerate(outputs):
        if not isinstance(out, Tensor):
            wrapped.append(out)
            continue
        if id(out) in dirty:
            target = out
            target._bump_version()     # as PyTorch: marking dirty counts as a modification
        elif id(out) in inputs:        # an input returned as is: the output is an alias
            with no_grad():
                target = out.view_as(out)
        else:
            target = out
        if recording:
            differentiable = out.dtype.is_floating_point and id(out) not in non_differentiable
            _set_history(ctx, target, index, differentiable, id(out) in dirty)
        wrapped.append(target)
    ctx.num_outputs = len(outputs)
    ctx.output_meta = [(o._shape, o.dtype, o.device) if isinstance(o, Tensor) else None
                       for o in outputs]
    ctx._saved = [(t, t._version if t is not None else 0) for t in ctx._to_save]
    ctx._to_save = ()
    return tuple(wrapped) if is_tuple else wrapped[0]


def _set_history(ctx, tensor: Tensor, index: int, differentiable: bool, dirty: bool) -> None:
    if dirty:
        _check_dirty(tensor)
    if not differentiable:
        if not dirty:
            tensor._requires_grad = False
        return
    base = tensor._base
    if dirty and base is not None and (base.requires_grad or base.grad_fn is not None):
        from ..ops.strided import as_strided_scatter_history
        value = tensor.detach()
        value.grad_fn, value._output_nr, value._requires_grad = ctx, index, True
        as_strided_scatter_history(base, tensor, value)
        return
    tensor.grad_fn, tensor._output_nr, tensor._requires_grad = ctx, index, True


def _check_dirty(tensor: Tensor) -> None:
    if tensor.is_leaf and tensor.requires_grad:
        raise RuntimeError("a leaf Variable that requires grad has been used in an in-place "
                           "operation.")
    base = tensor._base
    if base is not None and base.is_leaf and base.requires_grad:
        raise RuntimeError("a view of a leaf Variable that requires grad is being used in an "
                           "in-place operation.")


# ------------------------------------------------------------ once_differentiable

class _DelayedError(graph.Node):
    """Stands in for a backward that must not be differentiated again: raises if reached."""

    def __init__(self, message: str, edges: tuple, num_outputs: int):
        super().__init__("DelayedError", edges, num_outputs)
        self.message = message

    def apply(self, *grads):
        raise RuntimeError(self.message)


def once_differentiable(backward):
    """Decorate a `backward` that is not differentiable itself: it runs under no_grad, and
    differentiating its result (create_graph=True) raises when reached."""
    @functools.wraps(backward)
    def wrapper(ctx, *grads):
        with no_grad():
            result = backward(ctx, *grads)
        if not is_grad_enabled() or not any(isinstance(g, Tensor) and g.requires_grad
                                            for g in grads):
            return result
        results = result if isinstance(result, tuple) else (result,)
        edges = tuple(graph.gradient_edge(g) for g in grads
                      if isinstance(g, Tensor) and g.requires_grad)
        node = _DelayedError("trying to differentiate twice a function that was marked with "
                             "@once_differentiable", edges, len(results))
        flagged = []
        for index, r in enumerate(results):
            if isinstance(r, Tensor) and r.dtype.is_floating_point:
                r = r.detach()
                r.grad_fn, r._output_nr, r._requires_grad = node, index, True
            flagged.append(r)
        return tuple(flagged) if isinstance(result, tuple) else flagged[0]
    return wrapper
