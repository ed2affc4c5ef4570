"""The autograd graph: nodes, the edges between them, saved tensors and hooks.

A node stands for one op call. `next_functions[i]` is the edge to whatever produced input i:
another node and which of its outputs, an `AccumulateGrad` for a leaf, or None when input i
needs no gradient. Saved tensors remember their storage version; if it changed before backward,
the engine refuses, naming the op.
"""
from __future__ import annotations

import itertools
import traceback
from types import MappingProxyType

from .._core.errors import AutogradError
from .grad_mode import is_grad_enabled

_sequence = itertools.count()
_anomaly = {"enabled": False, "check_nan": True}


def _camel(name: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in name.strip("_").split("_"))


_NODE_NAMES: dict = {}   # op name -> its node's name ("add" -> "AddBackward0")


def _node_name(op_name: str) -> str:
    name = _NODE_NAMES.get(op_name)
    if name is None:
        name = _NODE_NAMES[op_name] = _camel(op_name) + "Backward0"
    return name


class Node:
    """One recorded op call: how to turn output gradients into input gradients."""

    # Read from the class until a node gets its own (a node is made on every recorded op;
    # few ever get hooks): pre_hooks maps output index -> hooks on that output's grad,
    # hooks are hook(grad_inputs, grad_outputs).
    pre_hooks = MappingProxyType({})
    hooks = ()
    output_meta = ()                           # (shape, dtype, device) per output
    input_meta = ()                            # (shape, dtype) per input, for reduction/cast
    stack = None

    def __init__(self, name: str, next_functions: tuple, num_outputs: int = 1):
        self._name = name
        self.next_functions = next_functions
        self.num_outputs = num_outputs
        self.sequence_nr = next(_sequence)
        if _anomaly["enabled"]:
            self.stack = traceback.format_stack()[:-3]

    @property
    def metadata(self) -> dict:
        """A dict for the user's own notes about this node."""
        if "_metadata" not in self.__dict__:
            self._metadata = {}
        return self._metadata

    def name(self) -> str:
        return self._name

    def apply(self, *grads):
        raise NotImplementedError

    def register_hook(self, fn):
        if type(self.hooks) is tuple:
            self.hooks = []
        self.hooks.append(fn)
        return _Handle(self.hooks, fn)

    def register_prehook(self, fn):
        return _add_hook(_own_pre_hooks(self), 0, fn)

    def __call__(self, *grads):
        return self.apply(*grads)

    def __repr__(self) -> str:
        return f"<{self.name()} object>"


class OpNode(Node):
    """The node of a torsh op: runs the op's backward formula on the saved context."""

    def __init__(self, op, ctx, next_functions, num_outputs, backend=None):
        # Node.__init__, written out: a node is made on every recorded op
        name = _NODE_NAMES.get(op.name)
        self._name = name if name is not None else _node_name(op.name)
        self.next_functions = next_functions
        self.num_outputs = num_outputs
        self.sequence_nr = next(_sequence)
        if _anomaly["enabled"]:
            self.stack = traceback.format_stack()[:-3]
        self.op = op
        self.ctx = ctx
        self.backend = backend   # the backend whose kernel ran the forward

    def apply(self, *grads):
        if self.ctx is None:
            raise AutogradError(
                f"Trying to backward through the graph a second time (or directly access "
                f"saved tensors after they have already been freed) at {self.name()}. Specify "
                f"retain_graph=True if you need to backward through the graph a second time.")
        self.ctx.check_versions(self.name())
        result = NotImplemented
        if self.backend is not None and not is_grad_enabled():
            fused = self.backend.backward_kernel(self.op)
            if fused is not None:          # it may decline too, returning NotImplemented
                result = fused(self.ctx, *grads)
        if result is NotImplemented:
            result = self.op.backward(self.ctx, *grads)
        return result if isinstance(result, tuple) else (result,)

    def release(self) -> None:
        if self.op.saves_inputs or self.op.saves_output:   # else there is nothing to free
            self.ctx = None


class AccumulateGrad(Node):
    """The sink for a leaf: adds the incoming gradient into `leaf.grad`."""

    def __init__(self, variable):
        super().__init__("AccumulateGrad", ())
        self.variable = variable

    def apply(self, grad):
        accumulate(self.variable, grad)
        return ()


def accumulate(tensor, grad) -> None:
    """tensor.grad += grad. A first gradient is kept as it is, except that it takes the
    layout of a contiguous tensor (PyTorch's gradient layout contract: a fused optimizer step
    then walks both in one order)."""
    if grad is None:
        return
    if tensor.grad is None:
        tensor.grad = grad if is_grad_enabled() else grad.detach()
        if not is_grad_enabled():
            if not grad.is_contiguous() and tensor.is_contiguous():
                tensor.grad = grad.contiguous()          # a fresh, row-major buffer
            elif tensor.grad is grad and grad._base is not None:
                tensor.grad = grad.clone()
    elif is_grad_enabled():
        tensor.grad = tensor.grad + grad
    else:
        tensor.grad = (tensor.grad + grad).detach()


def _check_version(tensor, version: int, node_name: str) -> None:
    if tensor._version != version:
        raise AutogradError(
            f"one of the variables needed for gradient computation has been modified by an "
            f"inplace operation: [torsh.{tensor.dtype.name} {list(tensor.shape)}], which is "
            f"used by {node_name}, is at version {tensor._version}; expected version "
            f"{version} instead.")


class SavedTensors:
    """Saved inputs, a read-only sequence: reading one checks that it was not modified in
    place since it was saved.

    The check is on read, not on save, so an op whose backward does not need an input (mul
    by a constant needs only the constant) does not mind that input changing afterwards.
    """

    __slots__ = ("tensors", "versions", "node_name")

    def __init__(self, tensors: tuple, node_name: str = "backward"):
        self.tensors = tensors
        versions = []
        for t in tensors:
            versions.append(None if t is None else t._storage.version)
        self.versions = versions
        self.node_name = node_name

    def __getitem__(self, index):
        if isinstance(index, slice):
            return tuple([self[i] for i in range(len(self.tensors))[index]])
        tensor = self.tensors[index]
        if tensor is not None:
            _check_version(tensor, self.versions[index], self.node_name)
        return tensor

    def __len__(self) -> int:
        return len(self.tensors)

    def __iter__(self):
        return (self[i] for i in range(len(self.tensors)))


class Context:
    """What an op node keeps for its backward: saved tensors, params and input facts."""

    output = None
    outputs = ()
    _versions = ()

    def __init__(self, inputs, params, input_shapes, input_dtypes, needs_input_grad):
        self.inputs = inputs
        self.params = params
        self.input_shapes = input_shapes
        self.input_dtypes = input_dtypes
        self.needs_input_grad = needs_input_grad

    def save_versions(self, node_name: str) -> None:
        """Remember versions: inputs are checked when read, outputs before backward runs."""
        if self.inputs is not None:
            self.inputs = SavedTensors(self.inputs, node_name)
        if self.outputs:
            self._versions = [(t, t._storage.version) for t in self.outputs if t is not None]

    def check_versions(self, node_name: str) -> None:
        for tensor, version in self._versions:
            _check_version(tensor, version, node_name)

    def __getattr__(self, name):
        try:
            return self.__dict__["params"][name]
        except KeyError:
            raise AttributeError(name) from None


def gradient_edge(tensor):
    """The (node, output index) that gradients for `tensor` flow into, or None. (Called for
    every input of every recorded op: plain attribute reads, the common cases first.)"""
    node = tensor.grad_fn
    if node is not None:
        return (node, tensor._output_nr)
    if tensor._requires_grad:
        sink = tensor._accumulator
        if sink is None:
            sink = tensor._accumulator = AccumulateGrad(tensor)
        return (sink, 0)
    return None


# ------------------------------------------------------------ hooks

class _Handle:
    def __init__(self, hooks: list, fn):
        self._hooks, self._fn = hooks, fn

    def remove(self) -> None:
        if self._fn in self._hooks:
            self._hooks.remove(self._fn)


def _own_pre_hooks(node) -> dict:
    if type(node.pre_hooks) is MappingProxyType:
        node.pre_hooks = {}
    return node.pre_hooks


def _add_hook(table: dict, index: int, fn):
    hooks = table.setdefault(index, [])
    hooks.append(fn)
    return _Handle(hooks, fn)


def register_tensor_hook(tensor, hook):
    """Call `hook(grad)` when the gradient of `tensor` is computed; a non-None result replaces
    it."""
    if not tensor.requires_grad:
        raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
    node, index = gradient_edge(tensor)
    return _add_hook(_own_pre_hooks(node), index, hook)


def retain_grad(tensor) -> None:
    if tensor.is_leaf or tensor._retains_grad:
        return
    if not tensor.requires_grad:
        raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
    tensor._retains_grad = True
    node, index = gradient_edge(tensor)

    def keep(grad):
        accumulate(tensor, grad)
    keep.retains_grad = True
    _add_hook(_own_pre_hooks(node), index, keep)
