"""pad on the C copies (kernels/c/copy.c), every mode and dtype.

Along one padded dim, output index j holds the input's element s(j), or the constant
(torsh/nn/functional/padding.py says which s each mode takes). The sources fall into a few
runs in which s moves by the same step: a constant pad is constant, then the input (step 1),
then constant; reflect steps -1 on both sides of the input; replicate steps 0 there;
circular is pieces of step 1. A run is a view of the input along that dim (its first source,
the stride times the step), so the output is the product of the dims' runs: a copy from an
input view for each combination, or a fill where any dim's run is constant.

pad_backward (reflect, replicate, circular) adds g[j] onto the input's s(j) along each padded
dim in turn with the index kernels' scatter-add (torsh_put_add_*), in a float64 (integers:
int64) copy of g rounded once at the end, as the reference sums.
"""
from __future__ import annotations

from itertools import product

import numpy as np

from ..._core.shape import contiguous_strides
from ...tensor import Tensor
from .index import _accumulator, _put
from .operands import Call, empty, remember
from .strided_copy import copy_into, view_of

# (size, left, right, mode) -> the runs of that dim; a training loop pads few geometries.
_RUNS: dict = {}
_SOURCES: dict = {}     # (size, left, right, mode) -> s(j) as int64, for pad_backward


def _source_table(size: int, left: int, right: int, mode: str) -> np.ndarray:
    """s(j) for every output j of one padded dim (a mode without constants), as int64."""
    key = (size, left, right, mode)
    table = _SOURCES.get(key)
    if table is None:
        from ...nn.functional.padding import _sources   # nn imports the backends
        table = np.array(_sources(size, left, right, mode), dtype=np.int64)
        remember(_SOURCES, key, table)
    return table


def _runs(size: int, left: int, right: int, mode: str) -> list:
    """[(output start, length, first source or None for the constant, step)] along one
    padded dim, in output order."""
    key = (size, left, right, mode)
    runs = _RUNS.get(key)
    if runs is not None:
        return runs
    from ...nn.functional.padding import _sources   # nn imports the backends
    sources = _sources(size, left, right, mode)
    runs, j = [], 0
    while j < len(sources):
        first, k = sources[j], j + 1
        if first is None:
            while k < len(sources) and sources[k] is None:
                k += 1
            runs.append((j, k - j, None, 0))
        else:
            follows = k < len(sources) and sources[k] is not None
            step = sources[k] - first if follows else 1
            while k < len(sources) and sources[k] is not None \
                    and sources[k] - sources[k - 1] == step:
                k += 1
            runs.append((j, k - j, first, step))
        j = k
    remember(_RUNS, key, runs)
    return runs


def _pad(ffi, lib, inputs, outs, pads, mode, value):
    (x,), (spec,) = inputs, outs
    out = empty(spec.shape, spec.dtype)
    if out.numel() == 0:
        return out
    lead = x.ndim - len(pads)
    filled = out._storage.data[:out.numel()].reshape(spec.shape)
    call = Call(ffi)
    per_dim = [_runs(x._shape[lead + i], left, right, mode) for i, (left, right)
               in enumerate(pads)]
    for runs in product(*per_dim):
        if any(first is None for _, _, first, _ in runs):
            region = (slice(None),) * lead + tuple(slice(start, start + length)
                                                   for start, length, _, _ in runs)
            filled[region] = value
            continue
        shape = x._shape[:lead] + tuple(length for _, length, _, _ in runs)
        to = sum(start * st for (start, _, _, _), st in zip(runs, out._stride[lead:]))
        at = x._offset + sum(first * st for (_, _, first, _), st in zip(runs, x._stride[lead:]))
        stride = x._stride[:lead] + tuple(step * st for (_, _, _, step), st
                                          in zip(runs, x._stride[lead:]))
        copy_into(ffi, lib, call, view_of(out, shape, out._stride, to),
                  view_of(x, shape, stride, at))
    return out


def _pad_backward(ffi, lib, inputs, outs, input_size, pads, mode):
    """in[s(j)] += g[j] along each padded dim, summed wide and rounded once."""
    (g,), (spec,) = inputs, outs
    if mode == "constant" or g.dtype is not spec.dtype:
        return NotImplemented
    lead = len(input_size) - len(pads)
    kind, total = _accumulator(g)
    for i, (left, right) in enumerate(pads):
        d = lead + i
        shape = list(total.shape)
        shape[d] = input_size[d]
        summed = np.zeros(shape, dtype=total.dtype)
        strides = list(contiguous_strides(shape))
        offsets = _source_table(input_size[d], left, right, mode) * strides[d]
        strides[d] = 0
        table = [0] * len(shape)
        table[d] = 1
        _put(ffi, lib, "add_" + kind, summed.reshape(-1), strides, offsets, table, total,
             contiguous_strides(total.shape), total.shape)
        total = summed
    with np.errstate(over="ignore"):
        return Tensor._from_numpy(total.astype(spec.dtype.numpy))


def kernels(ffi, lib) -> dict:
    """{op name: kernel(inputs, outs, **params)} for the ops of this module."""
    return {"pad": lambda inputs, outs, pads, mode, value: _pad(ffi, lib, inputs, outs, pads,
                                                                 mode, value),
            "pad_backward": lambda inputs, outs, input_size, pads, mode: _pad_backward(
                ffi, lib, inputs, outs, input_size, pads, mode)}
