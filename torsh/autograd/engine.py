"""The backward engine: gradients flow from the roots to the leaves, without recursion.

1. Walk the graph from the roots (an explicit stack) and count, for every node, how many
   edges point at it from nodes that will run.
2. Run nodes whose count has dropped to zero, newest first. Each node's output gradients are
   summed in its buffer before it runs; its input gradients are reduced to the input's shape
   (undoing broadcasting) and cast to its dtype, then passed down its edges.
3. Unless `retain_graph`, each node frees its saved tensors once it has run.
"""
from __future__ import annotations

import heapq
import math

from .._core.errors import AutogradError
from . import graph
from .grad_mode import no_grad, set_grad_enabled


def _collect(roots):
    """Count the edges into every node reachable from `roots`."""
    dependencies: dict = {}
    seen = set()
    stack = [node for node in roots]
    for node in roots:
        seen.add(node)
    while stack:
        node = stack.pop()
        for edge in node.next_functions:
            if edge is None:
                continue
            child = edge[0]
            dependencies[child] = dependencies.get(child, 0) + 1
            if child not in seen:
                seen.add(child)
                stack.append(child)
    return dependencies, seen


def _needed(nodes, targets):
    """Nodes from which some target node can be reached (only those need to run)."""
    parents: dict = {}
    for node in nodes:
        for edge in node.next_functions:
            if edge is not None:
                parents.setdefault(edge[0], []).append(node)
    needed: set = set()
    stack = list(targets)
    while stack:
        for parent in parents.get(stack.pop(), ()):
            if parent not in needed:
                needed.add(parent)
                stack.append(parent)
    return needed


def _run_pre_hooks(node, index, grad):
    hooks = node.pre_hooks.get(index)
    if not hooks or grad is None:
        return grad
    ordered = [h for h in hooks if not getattr(h, "retains_grad", False)]
    ordered += [h for h in hooks if getattr(h, "retains_grad", False)]
    for hook in ordered:
        replaced = hook(grad)
        if replaced is not None:
            grad = replaced
    return grad


def _fit_to_input(grad, meta, node):
    """Undo broadcasting (sum over expanded dims) and cast to the input's dtype."""
    if grad is None or meta is None:
        return grad
    shape, dtype = meta
    if grad._shape != tuple(shape):
        grad = grad.sum_to_size(shape) if len(shape) or grad.numel() != 1 else grad.reshape(())
        if tuple(grad.shape) != tuple(shape):
            raise AutogradError(f"{node.name()} returned a gradient of shape {list(grad.shape)}"
                                f" for an input of shape {list(shape)}")
    if grad.dtype is not dtype and dtype.is_floating_point:
        grad = grad.to(dtype)
    return grad


def _materialize(node, grads):
    """Replace missing output gradients by zeros, as PyTorch does for op backwards."""
    from .. import zeros
    result = []
    for i, g in enumerate(grads):
        if g is None and i < len(node.output_meta):
            shape, dtype, device = node.output_meta[i]
            g = zeros(shape, dtype=dtype, device=device)
        result.append(g)
    return result


def _has_nan(grad) -> bool:
    if grad is None or not grad.dtype.is_floating_point:
        return False
    return any(math.isnan(v) for v in grad.detach().reshape(-1).tolist())


def run_backward(roots, grads, retain_graph: bool, create_graph: bool, inputs=None,
                 accumulate: bool = True):
    """Backpropagate `grads` from `roots` (tensors).

    With `inputs`, only gradients for those tensors are computed; when `accumulate` is False
    (autograd.grad) they are returned instead of added to `.grad`.
    """
    buffers: dict = {}
    root_nodes = []
    for tensor, grad in zip(roots, grads):
        edge = graph.gradient_edge(tensor)
        if edge is None:
            raise AutogradError("element 0 of tensors does not require grad and does not have "
                                "a grad_fn")
        node, index = edge
        buffer = buffers.setdefault(node, [None] * max(node.num_outputs, 1))
        buffer[index] = grad if buffer[index] is None else buffer[index] + grad
        if node not in root_nodes:
            root_nodes.append(node)

    dependencies, reachable = _collect(root_nodes)

    captures: dict = {}   # (node, index) -> position in result, for `inputs`
    if inputs is not None:
        for position, tensor in enumerate(inputs):
            edge = graph.gradient_edge(tensor)
            if edge is None:
                raise AutogradError("One of the differentiated Tensors does not require grad")
            captures.setdefault(edge, []).append(position)
        targets = {node for node, _ in captures}
        strict_ancestors = _needed(reachable, targets)
        needed = strict_ancestors | targets
    else:
        needed, strict_ancestors = reachable, ()
    results = [None] * (len(inputs) if inputs is not None else 0)

    ready = [(-node.sequence_nr, id(node), node) for node in root_nodes
             if dependencies.get(node, 0) == 0]
    heapq.heapify(ready)
    with set_grad_enabled(create_graph):
        while ready:
            _, _, node = heapq.heappop(ready)
            output_grads = buffers.pop(node, None) or [None] * max(node.num_outputs, 1)
            if node.pre_hooks:
                output_grads = [_run_pre_hooks(node, i, g) for i, g in enumerate(output_grads)]
            if captures:
                for i, g in enumerate(output_grads):
                    for position in captures.get((node, i), ()):
                        results[position] = g
            if isinstance(node, graph.AccumulateGrad):
                runs = accumulate and (inputs is None or (node, 0) in captures)
            else:
                runs = node in needed and (inputs is None or node in strict_ancestors)
            if runs:
                input_grads = _apply(node, output_grads, create_graph)
            else:
                input_grads = [None] * len(node.next_functions)
            if runs and not retain_graph and hasattr(node, "release"):
                node.release()
            for edge, grad in zip(node.next_functions, input_grads):
                if edge is None:
                    continue
                child, index = edge
                if grad is not None and child in needed:
                    buffer = buffers.setdefault(child, [None] * max(child.num_outputs, 1))
                    buffer[index] = grad if buffer[index] is None else buffer[index] + grad
                dependencies[child] -= 1
                if dependencies[child] == 0:
                    heapq.heappush(ready, (-child.sequence_nr, id(child), child))
    return results


def _apply(node, output_grads, create_graph):
    if isinstance(node, graph.AccumulateGrad):
        node.apply(output_grads[0])
        return []
    if all(g is None for g in output_grads):
        return [None] * len(node.next_functions)
    for g in output_grads:
        if g is None:
            if getattr(node, "materialize_grads", True):
                output_grads = _materialize(node, output_grads)
            break
    input_grads = list(node.apply(*output_grads))
    if len(input_grads) < len(node.next_functions):
        input_grads += [None] * (len(node.next_functions) - len(input_grads))
    for i, (edge, grad) in enumerate(zip(node.next_functions, input_grads)):
        if edge is None:
            input_grads[i] = None
            continue
        meta = node.input_meta[i] if i < len(node.input_meta) else None
        grad = _fit_to_input(grad, meta, node)
        if not create_graph and grad is not None and (grad.grad_fn is not None or
                                                      grad._requires_grad):
            grad = grad.detach()
        input_grads[i] = grad
    if graph._anomaly["enabled"] and graph._anomaly["check_nan"]:
        for i, grad in enumerate(input_grads):
            if _has_nan(grad):
                where = "".join(node.stack or [])
                raise AutogradError(f"Function '{node.name()}' returned nan values in its "
                                    f"{i}th output.\nForward call that created it:\n{where}")
    for hook in node.hooks:
        replaced = hook(tuple(input_grads), tuple(output_grads))
        if replaced is not None:
            input_grads = list(replaced)
    return input_grads


def _ones_like_root(tensor):
    if tensor.numel() != 1:
        raise AutogradError("grad can be implicitly created only for scalar outputs")
    from .. import ones_like
    with no_grad():
        return ones_like(tensor)
