"""embedding and embedding_bag: rows of a weight table looked up by index (two ops).

embedding(idx, W)[..., :] = W[idx[...], :]; the gradient adds each output row's gradient into
the row it came from (none into padding_idx's row; divided by the index's count in the batch
with scale_grad_by_freq).
embedding_bag(idx, W, offsets)[b, :] = sum / mean / max of W[idx[k], :] over the bag's k
(offsets[b] <= k < offsets[b + 1]); entries equal to padding_idx are left out (and not counted
by 'mean'); an empty bag gives zeros. per_sample_weights (mode='sum') scale each entry's row.
max_norm renormalises the referenced rows of W in place first, as PyTorch does.
"""
from __future__ import annotations

from ..._core import dtype as dt
from ..._core.errors import (DTypeRuntimeError, IndexOutOfRange, InvalidArgument,
                             InvalidArgumentRuntime, ShapeMismatch)
from ...dispatch import dispatch
from ...ops._array import Array
from ...ops._elementwise_base import TORCH_TYPE_NAMES, require_tensor
from ...ops._op import PROMOTE_NONE, Op, Out
from ._pointwise import declare

_INDEX_DTYPES = (dt.int64, dt.int32)


def _type_name(kind) -> str:
    return "torch." + TORCH_TYPE_NAMES[kind.name] + "Tensor"


def _check_indices(op, indices, argument="indices"):
    if indices.dtype not in _INDEX_DTYPES:
        raise DTypeRuntimeError(f"{op}: Expected tensor for argument #1 '{argument}' to have "
                                f"one of the following scalar types: Long, Int; but got "
                                f"{_type_name(indices.dtype)} instead (while checking "
                                f"arguments for {op})")


# ------------------------------------------------------------ embedding

def _embedding_meta(weight, indices, padding_idx, scale_grad_by_freq):
    if weight.ndim != 2:
        raise ShapeMismatch("embedding: 'weight' must be 2-D")
    _check_indices("embedding", indices)
    return Out(indices._shape + (weight._shape[1],), weight.dtype)


def _embedding_reference(weight: Array, indices: Array, padding_idx, scale_grad_by_freq):
    rows, width = weight.shape
    out = []
    for i in indices.data:
        if not 0 <= i < rows:
            raise IndexOutOfRange("embedding: index out of range in self")
        out += weight.data[i * width:(i + 1) * width]
    return Array(out, indices.shape + (width,))


def _row_gradient(g_rows, flat, rows, scale_grad_by_freq, padding_idx):
    """dW = sum over k of g_rows[k] added into row flat[k] (scaled, padding left out)."""
    from ... import ones, zeros
    kind = g_rows.dtype
    if scale_grad_by_freq:
        counts = zeros(rows, dtype=kind).index_add(0, flat, ones(flat.shape[0], dtype=kind))
        g_rows = g_rows / counts.index_select(0, flat).unsqueeze(1)
    if padding_idx is not None and padding_idx >= 0:
        g_rows = g_rows.masked_fill((flat == padding_idx).unsqueeze(1), 0.0)
    return zeros(rows, g_rows.shape[1], dtype=kind).index_add(0, flat, g_rows)


def _embedding_backward(ctx, g):
    """dW[r] = sum of g[k] over the k with idx[k] == r (see the module doc)."""
    weight, indices = ctx.inputs
    rows, width = weight.shape
    flat = indices.reshape(-1).to(dt.int64)
    g_rows = g.reshape(flat.shape[0], width)
    return (_row_gradient(g_rows, flat, rows, ctx.scale_grad_by_freq, ctx.padding_idx), None)


_EMBEDDING = declare(Op("embedding", meta=_embedding_meta, reference=_embedding_reference,
                         backward=_embedding_backward, promote=PROMOTE_NONE,
                         doc="W[idx] row by row; out of range indices raise IndexError. "
                             "Any weight dtype; int64 or int32 indices."))


def _padding_index(padding_idx, rows):
    if padding_idx is None:
        return None
    if not -rows <= padding_idx < rows:
        raise AssertionError("Padding_idx must be within num_embeddings")
    return padding_idx % rows


def _renorm_rows(weight, indices, max_norm, norm_type):
    """In place (no gradient): each referenced row with norm > max_norm is scaled by
    max_norm / (norm + 1e-7), as PyTorch's embedding_renorm_."""
    from ... import no_grad, where
    with no_grad():
        used = indices.reshape(-1).to(dt.int64).unique()
        if used.numel() == 0:
            return
        rows = weight.index_select(0, used)
        norms = rows.norm(norm_type, 1)
        scale = where(norms > max_norm, max_norm / (norms + 1e-7), norms * 0 + 1)
        weight.index_copy_(0, used, (rows * scale.unsqueeze(1)).to(weight.dtype))


def embedding(input, weight, padding_idx=None, max_norm=None, norm_type=2.0,
              scale_grad_by_freq=False, sparse=False):
    """weight[input]: shape input.shape + (embedding_dim,). See the module doc."""
    require_tensor("embedding", input, "input", 1)
    require_tensor("embedding", weight, "weight", 2)
    if sparse:
        raise NotImplementedError("embedding: sparse=True gradients are not supported by torsh")
    padding_idx = _padding_index(padding_idx, weight.shape[0] if weight.ndim else 0)
    if max_norm is not None:
        _check_indices("embedding", input)
        _renorm_rows(weight, input, max_norm, norm_type)
    return dispatch(_EMBEDDING, weight, input, padding_idx=padding_idx,
                    scale_grad_by_freq=scale_grad_by_freq)


# ------------------------------------------------------------ embedding_bag

_MODES = ("sum", "mean", "max")


def _bag_count(offsets, include_last_offset) -> int:
    return max(offsets._shape[0] - (1 if include_last_offset else 0), 0)


def _bag_meta(weight, indices, offsets, *per_sample_weights, mode, include_last_offset,
              padding_idx, scale_grad_by_freq):
    if not weight.dtype.is_floating_point:
        raise DTypeRuntimeError(f"embedding_bag: Expected tensor for argument #1 'weight' to "
                                f"have one of the following scalar types: Half, BFloat16, "
                                f"Float, Double; but got {_type_name(weight.dtype)} instead "
                                f"(while checking arguments for embedding_bag)")
    _check_indices("embedding_bag", indices)
    _check_indices("embedding_bag", offsets, "offsets")
    if weight.ndim != 2 or indices.ndim != 1 or offsets.ndim != 1:
        raise ShapeMismatch(f"embedding_bag: expected a 2-D weight and 1-D indices and "
                            f"offsets, got {list(weight._shape)}, {list(indices._shape)} and "
                            f"{list(offsets._shape)}")
    if per_sample_weights:
        psw = per_sample_weights[0]
        if psw.dtype is not weight.dtype:
            raise DTypeRuntimeError(
                f"embedding_bag: Expected tensor for argument #1 'weight' to have the same "
                f"type as tensor for argument #1 'per_sample_weights'; but type "
                f"{_type_name(weight.dtype)} does not equal {_type_name(psw.dtype)} (while "
                f"checking arguments for embedding_bag)")
        if tuple(psw._shape) != tuple(indices._shape):
            raise ShapeMismatch(f"embedding_bag: per_sample_weights of shape "
                                f"{list(psw._shape)} must match the input's "
                                f"{list(indices._shape)}")
    bags = _bag_count(offsets, include_last_offset)
    max_shape = (bags, weight._shape[1]) if mode == "max" else (0,)
    return Out((bags, weight._shape[1]), weight.dtype), Out(max_shape, dt.int64)


def _bag_bounds(count, offsets, include_last_offset):
    """(start, end) of each bag; a bag without a next offset runs to the end of the input."""
    starts = list(offsets)
    if starts and starts[0] != 0:
        raise InvalidArgumentRuntime(f"embedding_bag: offsets[0] has to be 0, i.e., the first "
                                     f"sequence in the mini-batch has to start from position "
                                     f"0. However, got {starts[0]}")
    if starts and starts[-1] > count:
        raise InvalidArgumentRuntime(f"embedding_bag: offsets[-1] can not be greater than "
                                     f"input's length {count} but got offsets[-1] of "
                                     f"{starts[-1]}")
    if any(a > b for a, b in zip(starts, starts[1:])):
        raise InvalidArgumentRuntime(f"embedding_bag: offsets must be non-decreasing, got "
                                     f"{starts}")
    ends = starts[1:] + ([] if include_last_offset else [count])
    return list(zip(starts, ends))


def _bag_reference(weight: Array, indices: Array, offsets: Array, *per_sample_weights: Array,
                   mode, include_last_offset, padding_idx, scale_grad_by_freq):
    rows, width = weight.shape
    for k, i in enumerate(indices.data):
        if not 0 <= i < rows:
            raise InvalidArgumentRuntime(f"embedding_bag: Index {k} of input takes value {i} "
                                         f"which is not in the valid range [0, {rows})")
    out, winners = [], []
    for start, end in _bag_bounds(len(indices.data), offsets.data, include_last_offset):
        total, best, count = [0.0] * width, [-1] * width, 0
        for k in range(start, end):
            i = indices.data[k]
            if i == padding_idx:
                continue
            row = weight.data[i * width:(i + 1) * width]
            if mode == "max":
                for d in range(width):   # the first maximum wins ties; NaN never wins
                    if count == 0 or row[d] > total[d]:
                        total[d], best[d] = row[d], i
            else:
                w = per_sample_weights[0].data[k] if per_sample_weights else 1.0
                total = [t + w * v for t, v in zip(total, row)]
            count += 1
        if mode == "mean" and count:
            total = [t / count for t in total]
        out += total
        winners += best
    bags = len(out) // width if width else \
        max(len(offsets.data) - (1 if include_last_offset else 0), 0)     # (offsets: an Array)
    maxima = Array(winners, (bags, width)) if mode == "max" else Array([], (0,))
    return Array(out, (bags, width)), maxima


def _bag_of_entries(indices, offsets, include_last_offset):
    """bag[k]: how many bag starts after the first are <= k (a running count of the starts
    marked at their positions), and inside[k]: whether entry k belongs to a bag at all."""
    from ... import arange, zeros
    n = indices.shape[0]
    bags = _bag_count(offsets, include_last_offset)
    starts = offsets.to(dt.int64)[1:bags]
    marks = zeros(n, dtype=dt.int64).index_add(0, starts.clamp(0, n - 1),
                                               (starts < n).to(dt.int64))
    end = offsets.to(dt.int64)[-1] if include_last_offset else n
    inside = arange(n) < end
    return marks.cumsum(0), inside


def _bag_backward(ctx, g, *_):
    """sum / mean: dW[idx[k]] += s_k g[bag(k)], s_k the sample weight (or 1 / bag size), 0
    for padding; d per_sample_weights[k] = g[bag(k)] . W[idx[k]].
    max: each g[b, d] goes to the row that won (b, d)."""
    from ... import arange, where, zeros
    weight, indices, offsets = ctx.inputs[:3]
    rows, width = weight.shape
    flat = indices.to(dt.int64)
    if ctx.mode == "max":
        winners = ctx.outputs[1]
        found = winners >= 0
        position = where(found, winners * width + arange(width), winners * 0)
        values = where(found, g, g * 0)
        grad = zeros(rows * width, dtype=g.dtype).index_add(0, position.reshape(-1),
                                                              values.reshape(-1))
        return (grad.reshape(rows, width), None, None)
    if g.shape[0] == 0 or flat.shape[0] == 0:
        grads = [zeros(rows, width, dtype=g.dtype), None, None]
        if len(ctx.inputs) == 4:
            grads.append(zeros(flat.shape[0], dtype=g.dtype))
        return tuple(grads)
    bag, inside = _bag_of_entries(flat, offsets, ctx.include_last_offset)
    kept = inside if ctx.padding_idx is None else inside & (flat != ctx.padding_idx)
    scale = kept.to(g.dtype)
    if ctx.mode == "mean":
        sizes = zeros(g.shape[0], dtype=g.dtype).index_add(0, bag, scale)
        scale = scale / sizes.clamp(min=1).index_select(0, bag)
    picked = g.index_select(0, bag)
    if len(ctx.inputs) == 4:
        scale = scale * ctx.inputs[3]
    grads = [_row_gradient(picked * scale.unsqueeze(1), flat, rows, ctx.scale_grad_by_freq,
                           None), None, None]
    if len(ctx.inputs) == 4:
        dot = (picked * weight.index_select(0, flat)).sum(1)
        grads.append(dot * kept.to(g.dtype))
    return tuple(grads)


_EMBEDDING_BAG = declare(Op(
    "embedding_bag", meta=_bag_meta, reference=_bag_reference, backward=_bag_backward,
    promote=PROMOTE_NONE, saves_output=True, differentiable_outputs=(0,),
    doc="Per bag b: sum, mean or max over its entries k of w_k * W[idx[k]] (padding_idx "
        "entries skipped; empty bag -> 0; max: first maximum wins, NaN never does). Returns "
        "(output, max_indices) where max_indices holds each maximum's row (-1 for an empty "
        "bag; shape (0,) unless mode='max'). Deviations: with include_last_offset, entries "
        "after offsets[-1] belong to no bag (PyTorch counts them in 'mean' and 'max' only); "
        "scale_grad_by_freq divides by each index's count in the input, as embedding does."))


def _bag_inputs(input, offsets, per_sample_weights, include_last_offset):
    """Flatten a 2-D input (B, L) into 1-D indices and offsets 0, L, 2L, ..."""
    from ... import arange
    if per_sample_weights is not None and tuple(input.shape) != tuple(per_sample_weights.shape):
        raise InvalidArgument(f"embedding_bag: If per_sample_weights "
                              f"({list(per_sample_weights.shape)}) is not None, then it must "
                              f"have the same shape as the input ({list(input.shape)})")
    if input.ndim == 2:
        if offsets is not None:
            raise InvalidArgument(f"embedding_bag: if input is 2D, then offsets has to be "
                                  f"None, as input is treated is a mini-batch of fixed length "
                                  f"sequences. However, found offsets of type "
                                  f"{type(offsets)}")
        offsets = arange(0, input.numel(), max(input.shape[1], 1), dtype=input.dtype)
        if input.shape[1] == 0:
            offsets = arange(input.shape[0], dtype=input.dtype) * 0
        if per_sample_weights is not None:
            per_sample_weights = per_sample_weights.reshape(-1)
        return input.reshape(-1), offsets, per_sample_weights, False
    if input.ndim == 1:
        if offsets is None:
            raise InvalidArgument("embedding_bag: offsets has to be a 1D Tensor but got None")
        if offsets.ndim != 1:
            raise InvalidArgument("embedding_bag: offsets has to be a 1D Tensor")
        return input, offsets, per_sample_weights, include_last_offset
    raise InvalidArgument(f"embedding_bag: input has to be 1D or 2D Tensor, but got Tensor of "
                          f"dimension {input.ndim}")


def embedding_bag(input, weight, offsets=None, max_norm=None, norm_type=2,
                  scale_grad_by_freq=False, mode="mean", sparse=False, per_sample_weights=None,
                  include_last_offset=False, padding_idx=None):
    """(B, embedding_dim): each bag's rows of weight reduced by `mode`; see the module doc."""
    require_tensor("embedding_bag", input, "input", 1)
    require_tensor("embedding_bag", weight, "weight", 2)
    if weight.ndim != 2:
        raise InvalidArgument(f"embedding_bag: weight has to be a 2D Tensor, but got Tensor of "
                              f"dimension {weight.ndim}")
    input, offsets, per_sample_weights, include_last_offset = _bag_inputs(
        input, offsets, per_sample_weights, include_last_offset)
    if mode not in _MODES:
        raise InvalidArgument("embedding_bag: mode has to be one of sum, mean or max")
    if mode == "max" and scale_grad_by_freq:
        raise InvalidArgument("embedding_bag: max mode does not support scaling the gradient "
                              "by the frequency")
    if sparse:
        raise NotImplementedError("embedding_bag: sparse=True gradients are not supported by "
                                  "torsh")
    if max_norm is not None:
        _check_indices("embedding_bag", input)
        _renorm_rows(weight, input, max_norm, norm_type)
    if per_sample_weights is not None and mode != "sum":
        raise NotImplementedError(f"embedding_bag: per_sample_weights was not None. "
                                  f"per_sample_weights is only supported for mode='sum' (got "
                                  f"mode='{mode}'). Please open a feature request on GitHub.")
    rows = weight.shape[0]
    if padding_idx is not None:
        if not -rows <= padding_idx < rows:
            raise InvalidArgumentRuntime(f"embedding_bag: padding_idx must be within the "
                                         f"number of embeddings, {-rows} through {rows - 1}, "
                                         f"but got {padding_idx}")
        padding_idx %= rows
    tensors = (weight, input, offsets) + (() if per_sample_weights is None
                                          else (per_sample_weights,))
    output, _ = dispatch(_EMBEDDING_BAG, *tensors, mode=mode,
                         include_last_offset=include_last_offset, padding_idx=padding_idx,
                         scale_grad_by_freq=scale_grad_by_freq)
    return output


__all__ = ["embedding", "embedding_bag"]
