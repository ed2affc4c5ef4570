"""ctc_loss and its gradient op on the C kernels (kernels/c/ctc.c), float32 and float64 (half
precision through float32, see widen.py).

The kernels trust their lengths and labels, so every one is checked here first: a call the
checks refuse is declined (NotImplemented) and the reference answers it as it does.
"""
from __future__ import annotations

import numpy as np

from .operands import Call, empty
from .strided_copy import dense

SUFFIX = {"float32": "f32", "float64": "f64"}


def _int64s(tensor) -> np.ndarray:
    return np.ascontiguousarray(tensor._numpy_view(), dtype=np.int64).reshape(-1)


def _samples(log_probs, targets, input_lengths, target_lengths, blank):
    """(targets, starts, target lengths, input lengths) as int64 arrays, or None when a
    length does not fit the shapes or a label (or blank) is not a class."""
    frames, batch, classes = log_probs._shape
    labels, inputs, lengths = _int64s(targets), _int64s(input_lengths), _int64s(target_lengths)
    if inputs.size != batch or lengths.size != batch or not 0 <= blank < classes:
        return None
    if batch and (inputs.min() < 0 or inputs.max() > frames or lengths.min() < 0):
        return None
    if targets.ndim == 1:
        starts = np.concatenate(([0], np.cumsum(lengths)[:-1])).astype(np.int64)
        if lengths.sum() > labels.size:
            return None
        used = labels[:lengths.sum()]
    elif targets.ndim == 2:
        width = targets._shape[1]
        starts = np.arange(batch, dtype=np.int64) * width
        if batch and lengths.max() > width:
            return None
        used = np.concatenate([labels[s:s + n] for s, n in zip(starts, lengths)] + [labels[:0]])
    else:
        return None
    if used.size and (used.min() < 0 or used.max() >= classes):
        return None
    return labels, starts, lengths, inputs


def _run(ffi, lib, which, log_probs, targets, input_lengths, target_lengths, blank,
         zero_infinity, out_shape, g=None):
    suffix = SUFFIX.get(log_probs.dtype.name)
    if suffix is None or log_probs.ndim != 3 or (g is not None and g.dtype is not
                                                 log_probs.dtype):
        return NotImplemented
    samples = _samples(log_probs, targets, input_lengths, target_lengths, blank)
    if samples is None:
        return NotImplemented
    log_probs = dense(ffi, lib, log_probs)
    out = empty(out_shape, log_probs.dtype)
    call = Call(ffi)
    labels, starts, lengths, inputs = samples
    arrays = [ffi.from_buffer("int64_t[]", a) for a in (labels if labels.size else
                                                        np.zeros(1, np.int64), starts,
                                                        lengths, inputs)]
    extra = [call.pointer(dense(ffi, lib, g))] if g is not None else []
    status = getattr(lib, f"torsh_ctc_{which}_{suffix}")(
        *log_probs._shape, call.pointer(log_probs), *arrays, blank, int(bool(zero_infinity)),
        *extra, call.pointer(out))
    if status == 2:
        raise MemoryError("ctc_loss: out of memory for the alpha and beta tables")
    return out


def kernels(ffi, lib) -> dict:
    """{op name: kernel(inputs, outs, **params)} for the ops of this module."""
    def loss(inputs, outs, blank, zero_infinity):
        return _run(ffi, lib, "loss", *inputs, blank, zero_infinity, outs[0].shape)

    def grad(inputs, outs, blank, zero_infinity):
        g, *rest = inputs
        return _run(ffi, lib, "grad", *rest, blank, zero_infinity, outs[0].shape, g=g)
    return {"ctc_loss": loss, "ctc_loss_backward": grad}

