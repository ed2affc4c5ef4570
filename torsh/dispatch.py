"""dispatch: the one road every op call takes.

    dispatch(op, *inputs, **params)
      1. wrap Python scalars as 0-d tensors that rank lowest in promotion;
      2. check that tensors share a device (DeviceMismatch);
      3. promote dtypes by the op's promotion kind and cast the inputs;
      4. run the op's meta: output shapes and dtypes, or the error for bad input;
      5. pick the kernel: the device's backends in order, else the op's decomposition, else
         (GPU devices) a round trip through the CPU; record which path served;
      6. record the autograd node when gradients are on and some input requires them.

View ops stop after step 4 and build a tensor over the input's storage. In-place ops run the
out-of-place op and write the result back (`dispatch_inplace`).

Steps 1-5 depend only on the call's *signature*: the device, dtype, shape and strides of each
tensor argument, and the params. So when the serving backend can say so, it hands back a
*plan* for the call: a function that runs its kernel for any later call of that signature.
Dispatch keeps plans per op (`Op.plans`) and, for a signature it has seen, runs the plan and
then step 6. A plan checks what varies between such calls (storage bounds) and may decline,
sending the call down the full road. A call a plan served is traced as native.
"""
from __future__ import annotations

import math

import numpy as np

from . import backends
from ._core import dtype as dt
from ._core.device import CPU
from ._core.errors import AutogradError, DeviceMismatch, DTypeRuntimeError, ShapeMismatch
from ._core.shape import is_dense
from ._core.storage import Storage
from .autograd.graph import Context, OpNode, gradient_edge
from .backends import _cpu_chain as _CPU_CHAIN, _tracers
from .autograd.grad_mode import _state as _GRAD_MODE, is_grad_enabled, no_grad
from .ops._op import PROMOTE_INT_TO_FLOAT, Op, Out
from .tensor import Tensor


def scalar_tensor(value, dtype: dt.dtype | None = None, device=None) -> Tensor:
    """A 0-d tensor holding a Python number, marked as a wrapped scalar for promotion.

    Without `dtype`, a float is kept in float64 (as PyTorch keeps wrapped numbers in double)
    while it promotes as the default float dtype: `float64_tensor * 0.1` sees 0.1 exactly.
    """
    promotes_as = dtype or dt.scalar_dtype(value)
    stored = dt.float64 if dtype is None and promotes_as.is_floating_point else promotes_as
    tensor = Tensor(Storage(_scalar_array(value, stored)), (), dtype=stored)
    if device is not None and device.type != "cpu":
        tensor = tensor.to(device)
    tensor._wrapped_number = True
    tensor._promotion_dtype = promotes_as
    tensor._python_value = value
    return tensor


_FLOAT32_MAX = float(np.finfo(np.float32).max)


def _scalar_array(value, stored: dt.dtype) -> np.ndarray:
    """dt.round_to([value], stored), without its general machinery for the common cases."""
    kind = type(value)
    if kind is float:
        if stored is dt.float64:
            return np.array([value], dtype=np.float64)
        if stored is dt.float32 and math.isfinite(value) and abs(value) <= _FLOAT32_MAX:
            return np.array([value], dtype=np.float64).astype(np.float32)
    elif kind is int and stored is dt.int64 and -2**63 <= value < 2**63:
        return np.array([value], dtype=np.int64)
    return dt.round_to([value], stored)


def _as_tensors(op: Op, args) -> list[Tensor]:
    for arg in args:
        if type(arg) is not Tensor:
            break
    else:                                 # the common case: tensors only
        return list(args)
    device = next((a.device for a in args if isinstance(a, Tensor)), None)
    result = []
    for arg in args:
        if isinstance(arg, Tensor):
            result.append(arg)
        elif isinstance(arg, (bool, int, float)) or hasattr(arg, "dtype") and not callable(arg):
            result.append(scalar_tensor(_python_number(arg, op), device=device))
        else:
            raise TypeError(f"{op.name}(): expected a Tensor or a number, got "
                            f"{type(arg).__name__}")
    return result


def _python_number(value, op: Op):
    if isinstance(value, np.generic) and value.ndim == 0:
        return value.item()
    if isinstance(value, int) and not isinstance(value, bool) and not -2**63 <= value < 2**64:
        raise OverflowError(f"{op.name}(): int too big to convert: {value}")
    if isinstance(value, (bool, int, float)):
        return value
    raise TypeError(f"{op.name}(): expected a Tensor or a number, got {type(value).__name__}")


def _check_devices(op: Op, inputs: list[Tensor]) -> None:
    if len(inputs) < 2:
        return
    first = inputs[0]._storage.device
    for t in inputs:
        if t._storage.device is not first:
            break
    else:                                 # one device object: nothing to compare
        return
    devices = {t.device for t in inputs if not (t._wrapped_number or t.ndim == 0)}
    if len(devices) > 1:
        names = ", ".join(sorted(str(d) for d in devices))
        raise DeviceMismatch(f"{op.name}: Expected all tensors to be on the same device, but "
                             f"found at least two devices, {names}!")


# result_type_of for each tuple of (dtype, priority) seen: promotion is a pure function of it.
_RESULT_TYPES: dict = {}


def _result_type(operands: tuple) -> dt.dtype:
    common = _RESULT_TYPES.get(operands)
    if common is None:
        common = dt.result_type_of([dt.Operand(d, p) for d, p in operands])
        _RESULT_TYPES[operands] = common
    return common


def promoted_dtype(op: Op, inputs: list[Tensor]) -> dt.dtype:
    """The dtype the op computes in, from its promotion kind (see `ops._op`)."""
    common = _result_type(tuple(
        (getattr(t, "_promotion_dtype", t.dtype), 0) if t._wrapped_number
        else (t.dtype, 2 if t._shape else 1) for t in inputs))
    if op.promote == PROMOTE_INT_TO_FLOAT and not common.is_floating_point:
        common = dt.get_default_dtype()
    return common


def _promote(op: Op, inputs: list[Tensor]) -> list[Tensor]:
    if op.promote is None or not inputs:
        return inputs
    first = inputs[0].dtype
    for t in inputs:
        if t.dtype is not first or t._wrapped_number:
            break
    else:      # one dtype, no wrapped numbers: the common dtype is that dtype, or the default
        if first.category == dt.FLOATING or op.promote != PROMOTE_INT_TO_FLOAT:
            return inputs
    positions = op.extra.get("promoted", range(len(inputs)))
    common = promoted_dtype(op, [inputs[i] for i in positions])
    promoted = [_cast_keeping_rank(t, common) if i in positions and t.dtype is not common else t
                for i, t in enumerate(inputs)]
    for t in promoted:
        if t._wrapped_number:     # from now on (say, in backward) it stands for its dtype
            t._promotion_dtype = t.dtype
    return promoted


def _cast_keeping_rank(tensor: Tensor, dtype: dt.dtype) -> Tensor:
    if tensor._wrapped_number and not tensor._requires_grad:
        value = getattr(tensor, "_python_value", None)
        return scalar_tensor(tensor.item() if value is None else value, dtype, tensor.device)
    cast = tensor.to(dtype)
    cast._wrapped_number = tensor._wrapped_number
    return cast


def _run_kernel(op: Op, inputs: list[Tensor], outs: tuple, params: dict):
    """The device's first backend's kernel, else the op's decomposition (into ops that backend
    may have), else the next backend in the chain (on the CPU: the reference), else a round
    trip through the CPU. Every call records which of these served it. Returns the outputs and
    the backend whose kernel made them (None when decomposed or copied from the CPU)."""
    device = (inputs[0]._storage.device if inputs
              else params.get("device") or backends.Device("cpu"))
    chain = _CPU_CHAIN if device.type == "cpu" else backends.chain_for(device)
    first = chain[0]
    dtypes = first.dtypes
    supported = True
    for t in inputs:
        if t.dtype not in dtypes:
            supported = False
            break
    kernel = first.kernel(op) if supported else None
    # A kernel may decline a call it does not cover (a dtype, a parameter) by returning
    # NotImplemented: the call then goes on down the chain, as if it had no kernel.
    result = NotImplemented if kernel is None else kernel(inputs, outs, **params)
    if result is not NotImplemented:
        if _tracers:
            backends.record(op.name, first.name, "native")
        return (result if type(result) is tuple else (result,)), first
    if op.decompose is not None and supported and first is not backends.REFERENCE:
        backends.record(op.name, first.name, "decomposition")
        with no_grad():
            return _as_tuple(op.decompose(*inputs, **params)), None
    for backend in chain[1:]:
        kernel = backend.kernel(op) if all(t.dtype in backend.dtypes for t in inputs) else None
        result = NotImplemented if kernel is None else kernel(inputs, outs, **params)
        if result is not NotImplemented:
            backends.record(op.name, backend.name, "reference")
            return _as_tuple(result), backend
    if device.type != "cpu":
        backends.record(op.name, first.name, "cpu-roundtrip")
        host, _ = _run_kernel(op, [t.cpu() for t in inputs], outs, params)
        return tuple(t.to(device) for t in host), None
    raise DTypeRuntimeError(f"{op.name}: no kernel on {first.name} for dtypes "
                            f"{[t.dtype.name for t in inputs]}")


def _as_tuple(result) -> tuple:
    return result if isinstance(result, tuple) else (result,)


def _requires_grad(inputs) -> bool:
    if not is_grad_enabled():
        return False
    for t in inputs:
        if t._requires_grad or t.grad_fn is not None:
            return True
    return False


def _record(op: Op, inputs, outputs: tuple, params: dict, backend=None) -> None:
    """Attach an autograd node to the outputs (the op's backward, with what it saved, and the
    backend that ran the forward: its fused backward kernel, if any, runs first)."""
    if len(inputs) == 2:            # unrolled: this runs on every recorded op
        a, b = inputs
        needs = (a._requires_grad, b._requires_grad)
        shapes, dtypes = (a._shape, b._shape), (a.dtype, b.dtype)
        edges = (gradient_edge(a) if needs[0] else None,
                 gradient_edge(b) if needs[1] else None)
        input_meta = ((shapes[0], dtypes[0]), (shapes[1], dtypes[1]))
    else:
        needs = tuple([t._requires_grad for t in inputs])
        shapes, dtypes = tuple([t._shape for t in inputs]), tuple([t.dtype for t in inputs])
        edges = tuple([gradient_edge(t) if need else None for t, need in zip(inputs, needs)])
        input_meta = tuple(zip(shapes, dtypes))
    ctx = Context(tuple(inputs) if op.saves_inputs else None, params, shapes, dtypes, needs)
    node = OpNode(op, ctx, edges, len(outputs), backend)
    node.input_meta = input_meta
    if len(outputs) == 1:
        out = outputs[0]
        node.output_meta = ((out._shape, out.dtype, out._storage.device),)
        differentiable = op.differentiable_outputs
        if out.dtype.is_floating_point and (differentiable is None or 0 in differentiable):
            out.grad_fn, out._output_nr, out._requires_grad = node, 0, True
    else:
        node.output_meta = tuple([(o._shape, o.dtype, o._storage.device) for o in outputs])
        differentiable = op.differentiable_outputs
        for i, out in enumerate(outputs):
            if (differentiable is None or i in differentiable) and out.dtype.is_floating_point:
                out.grad_fn, out._output_nr, out._requires_grad = node, i, True
    if op.saves_output:
        ctx.outputs = outputs
        ctx.output = outputs[0]
    ctx.save_versions(node._name)


def _prepare(op: Op, args) -> list[Tensor]:
    """Steps 1-3: tensors on one device, in the dtype the op computes in."""
    for t in args:          # the common case first: tensors of one dtype on one device
        if not isinstance(t, Tensor) or t._wrapped_number:
            break
    else:
        if args:
            dtype, device = args[0].dtype, args[0]._storage.device
            for t in args:
                if t.dtype is not dtype or t._storage.device is not device:
                    break
            else:
                if dtype.category == dt.FLOATING or op.promote != PROMOTE_INT_TO_FLOAT:
                    return list(args)
    inputs = _as_tensors(op, args)
    _check_devices(op, inputs)
    return _promote(op, inputs)


def dispatch(op: Op, *args, **params):
    """Run `op` on `args` (tensors or numbers) with keyword `params`; see the module doc."""
    outputs = NotImplemented
    plans = op.plans
    if plans is not None:
        entry = plans.get(_signature(args, params))
        if entry is not None:
            run, served_by, single = entry
            outputs = run(args)
            if outputs is not NotImplemented:
                inputs = args
                if _tracers:
                    backends.record(op.name, served_by.name, "native")
                if type(outputs) is not tuple:
                    outputs = (outputs,)
    if outputs is NotImplemented:       # the full road
        inputs = _prepare(op, args)
        outs = op.meta(*inputs, **params)
        single = type(outs) is Out
        if single:
            outs = (outs,)
        elif type(outs) is not tuple:
            outs = tuple(outs)
        served_by = None
        if op.view is not None:
            backends.record(op.name, backends.chain_for(inputs[0].device)[0].name, "view")
            outputs = (_make_view(op, inputs[0], params),)
        else:
            outputs, served_by = _run_kernel(op, inputs, outs, params)
            if served_by is not None:
                _keep_plan(op, args, inputs, outs, params, served_by, single)
    if op.backward is not None and _GRAD_MODE["enabled"]:
        for t in inputs:
            if t._requires_grad or t.grad_fn is not None:
                _record(op, inputs, outputs, params, served_by)
                break
    return outputs[0] if single else outputs


# ------------------------------------------------------------ plans

MAX_PLANS_PER_OP = 256
# Param values a signature may hold: immutable, compared by value (with their type, since
# 1 == 1.0 == True while min=1 and min=1.0 give different dtypes).
_PLAIN_PARAMS = frozenset({int, float, bool, str, type(None), tuple, dt.dtype})


def _signature(args: tuple, params: dict):
    """What steps 1-5 depend on (see the module doc), or None when a plan cannot stand for the
    call: an argument that is not a CPU tensor, a wrapped number, a param that is not plain.
    (Plans serve the CPU: its chain's first backend is part of the signature.)"""
    if len(args) == 1:              # most calls have one or two tensors: no loop for them
        (a,) = args
        if type(a) is not Tensor or a._wrapped_number or a._storage.device is not CPU:
            return None
        key = (_CPU_CHAIN[0], a.dtype, a._shape, a._stride)
    elif len(args) == 2:
        a, b = args
        if type(a) is not Tensor or type(b) is not Tensor or a._wrapped_number \
                or b._wrapped_number or a._storage.device is not CPU \
                or b._storage.device is not CPU:
            return None
        key = (_CPU_CHAIN[0], a.dtype, a._shape, a._stride, b.dtype, b._shape, b._stride)
    else:
        parts = [_CPU_CHAIN[0]]
        for t in args:
            if type(t) is not Tensor or t._wrapped_number or t._storage.device is not CPU:
                return None
            parts += (t.dtype, t._shape, t._stride)
        key = tuple(parts)
    for name, value in params.items():
        kind = type(value)
        if kind not in _PLAIN_PARAMS:
            return None
        key += (name, kind, value)
    return key


def _keep_plan(op: Op, args: tuple, inputs: list, outs: tuple, params: dict, backend,
               single: bool) -> None:
    """Ask the backend that served a call for its plan, and keep it under the signature.
    Only calls whose inputs are the arguments themselves (nothing wrapped, nothing cast)."""
    if len(inputs) != len(args) or any(i is not a for i, a in zip(inputs, args)):
        return
    key = _signature(args, params)
    if key is None:
        return
    run = backend.plan(op, inputs, outs, params)
    if run is None:
        return
    if op.plans is None or len(op.plans) >= MAX_PLANS_PER_OP:
        op.plans = {}
    op.plans[key] = (run, backend, single)


def _make_view(op: Op, source: Tensor, params: dict) -> Tensor:
    shape, stride, offset = op.view(source, **params)
    view = Tensor(source._storage, shape, stride, offset, source.dtype)
    view._base = source._base if source._base is not None else source
    return view


# ------------------------------------------------------------ in-place ops

def check_inplace_target(tensor: Tensor, op_name: str) -> None:
    if is_grad_enabled() and tensor.is_leaf and tensor.requires_grad:
        raise AutogradError(f"{op_name}: a leaf Variable that requires grad is being used in "
                            f"an in-place operation.")
    base = tensor._base
    if is_grad_enabled() and base is not None and base.is_leaf and base.requires_grad:
        raise AutogradError(f"{op_name}: a view of a leaf Variable that requires grad is being "
                            f"used in an in-place operation.")
    if any(stride == 0 and size > 1 for size, stride in zip(tensor._shape, tensor._stride)):
        raise RuntimeError(f"{op_name}: unsupported operation: more than one element of the "
                           f"written-to tensor refers to a single memory location. Please "
                           f"clone() the tensor before performing the operation.")


def check_no_partial_overlap(target: Tensor, sources, op_name: str) -> None:
    """PyTorch's rule for a write: a source may be the target itself (the same memory seen
    the same way) or apart from it, not a different view into its memory. Only dense views
    are compared (elsewhere the overlap is too hard to tell, and PyTorch allows it)."""
    for source in sources:
        if not isinstance(source, Tensor) or source._storage is not target._storage \
                or source is target or not target.numel() or not source.numel():
            continue
        if not (is_dense(target._shape, target._stride)
                and is_dense(source._shape, source._stride)):
            continue
        begin, end = target._offset, target._offset + target.numel()
        source_begin, source_end = source._offset, source._offset + source.numel()
        same_memory = begin == source_begin and end == source_end
        if same_memory and target._stride == source._stride or \
                not same_memory and (source_end <= begin or end <= source_begin):
            continue
        raise RuntimeError(f"{op_name}: unsupported operation: some elements of the input "
                           f"tensor and the written-to tensor refer to a single memory "
                           f"location. Please clone() the tensor before performing the "
                           f"operation.")


def dispatch_inplace(op: Op, self: Tensor, *args, **params) -> Tensor:
    """`self.op_(...)`: compute op(self, ...) out of place, then write it into self."""
    name = op.name + "_"
    check_inplace_target(self, name)
    check_no_partial_overlap(self, args, name)
    recording = _requires_grad([self] + [a for a in args if isinstance(a, Tensor)])
    source = self.clone() if recording and op.saves_inputs else self
    result = dispatch(op, source, *args, **params)
    write_into(self, result, name)
    return self


def write_into(self: Tensor, value: Tensor, op_name: str) -> None:
    """Store `value` (same shape, castable dtype) in self's memory, carrying its history.

    When self is a view, the write also becomes part of its base's history: the base's new
    value is `as_strided_scatter(base, value)`, so gradients reach both the old base and value.
    """
    if tuple(value.shape) != tuple(self.shape):
        raise ShapeMismatch(f"{op_name}: output with shape {list(self.shape)} doesn't match "
                            f"the broadcast shape {list(value.shape)}")
    if not dt.can_cast(value.dtype, self.dtype):
        raise DTypeRuntimeError(f"{op_name}: result type {value.dtype.name} can't be cast to "
                                f"the desired output type {self.dtype.name}")
    recording = _requires_grad([self, value])
    if recording and value.dtype is not self.dtype:
        value = value.to(self.dtype)
    backend = backends.chain_for(self.device)[0]
    with no_grad():
        data = value if value.dtype is self.dtype else value.to(self.dtype)
        backend.write(self, data)
    self._bump_version()
    if not recording:
        return
    base = self._base
    if base is None or base is self:
        self.grad_fn, self._output_nr, self._requires_grad = value.grad_fn, value._output_nr, True
        if value.grad_fn is None:   # value is a leaf: self now copies it
            self.grad_fn = value.view_as(value).grad_fn
        return
    from .ops.strided import as_strided_scatter_history
    as_strided_scatter_history(base, self, value)
