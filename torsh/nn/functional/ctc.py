"""ctc_loss: the connectionist temporal classification loss, as two ops (the loss and its
gradient) with pure-Python references of the forward-backward recursion in log space.

For one sample with log-probabilities lp[t, c] (t < T frames) and labels l_1..l_L, the
extended labels are l' = (blank, l_1, blank, l_2, ..., l_L, blank) (length 2L + 1) and
    alpha[0, 0] = lp[0, blank], alpha[0, 1] = lp[0, l_1],
    alpha[t, s] = lp[t, l'_s] + lse(alpha[t-1, s], alpha[t-1, s-1], alpha[t-1, s-2]),
the last term only where l'_s is a label different from l'_{s-2};
    loss = -lse(alpha[T-1, 2L], alpha[T-1, 2L-1])   (lse = log-sum-exp),
+inf when no alignment fits (T too short for the labels and their repeats); beta is the same
recursion run backwards from the last frame. The gradient is PyTorch's:
    d loss / d lp[t, c] = e^lp[t, c] - e^(lse_{s: l'_s = c}(alpha[t, s] + beta[t, s]) + loss
                                       - lp[t, c]),
0 for frames t >= T. This is the gradient w.r.t. the logits of the log_softmax that made lp
(the first term is what log_softmax's backward removes again), not the partial derivative
w.r.t. lp: exactly what PyTorch computes; its double backward is not implemented, as PyTorch's.
"""
from __future__ import annotations

import math

from ..._core import dtype as dt
from ..._core.errors import (DTypeNotImplemented, IndexOutOfRange, InvalidArgumentRuntime,
                             ShapeMismatch)
from ...dispatch import dispatch
from ...ops._array import Array
from ...ops._elementwise_base import require_tensor
from ...ops._op import PROMOTE_NONE, Op, Out
from ._pointwise import declare
from ._reduction import reduction_of

_NEG_INF = -math.inf


def _lse(*values: float) -> float:
    """log(sum(e^v)), -inf when every value is -inf."""
    top = max(values)
    if top == _NEG_INF:
        return _NEG_INF
    return top + math.log(sum(math.exp(v - top) for v in values))


def _extended_labels(targets: Array, target_lengths: Array, b: int, blank: int) -> list:
    """(blank, l_1, blank, ..., l_L, blank) for sample b, from padded (N, S) targets or from
    targets concatenated along one dim."""
    length = target_lengths.data[b]
    if targets.ndim == 1:
        start = sum(target_lengths.data[:b])
    else:
        start = b * targets.shape[1]
    extended = [blank]
    for label in targets.data[start:start + length]:
        extended += [label, blank]
    return extended


def _alpha_beta(lp, b: int, frames: int, labels: list, blank: int):
    """The forward (alpha) and backward (beta) log-variables of sample b, each a list of
    `frames` rows of len(labels) values; lp(t, b, c) reads a log-probability."""
    size = len(labels)
    # s may come from s - 2 where the label differs from the one two places back
    skip = [s >= 2 and labels[s] != blank and labels[s] != labels[s - 2] for s in range(size)]
    alpha = [[_NEG_INF] * size for _ in range(frames)]
    beta = [[_NEG_INF] * size for _ in range(frames)]
    if frames == 0:
        return alpha, beta
    alpha[0][0] = lp(0, b, blank)
    if size > 1:
        alpha[0][1] = lp(0, b, labels[1])
    for t in range(1, frames):
        row, previous = alpha[t], alpha[t - 1]
        for s in range(size):
            total = previous[s]
            if s >= 1:
                total = _lse(total, previous[s - 1])
            if skip[s]:
                total = _lse(total, previous[s - 2])
            row[s] = total + lp(t, b, labels[s]) if total != _NEG_INF else _NEG_INF
    last = frames - 1
    beta[last][size - 1] = lp(last, b, blank)
    if size > 1:
        beta[last][size - 2] = lp(last, b, labels[size - 2])
    for t in range(last - 1, -1, -1):
        row, following = beta[t], beta[t + 1]
        for s in range(size):
            total = following[s]
            if s + 1 < size:
                total = _lse(total, following[s + 1])
            if s + 2 < size and skip[s + 2]:
                total = _lse(total, following[s + 2])
            row[s] = total + lp(t, b, labels[s]) if total != _NEG_INF else _NEG_INF
    return alpha, beta


def _reader(log_probs: Array):
    _, batch, classes = log_probs.shape
    data = log_probs.data
    return lambda t, b, c: data[(t * batch + b) * classes + c]


def _nll(alpha, frames: int, size: int) -> float:
    """-log p(labels): the paths ending on the last label or the final blank."""
    if frames == 0:
        return -0.0 if size == 1 else math.inf
    ends = alpha[frames - 1]
    return -(_lse(ends[size - 1], ends[size - 2]) if size > 1 else ends[0])


# ------------------------------------------------------------ the loss op

def _require_floating(log_probs):
    if not log_probs.dtype.is_floating_point:
        raise DTypeNotImplemented(f"ctc_loss: \"ctc_loss_cpu\" not implemented for "
                                  f"'{log_probs.dtype.name}'")


def _ctc_meta(log_probs, targets, input_lengths, target_lengths, blank, zero_infinity):
    _require_floating(log_probs)
    return Out(log_probs._shape[1:2], log_probs.dtype)


def _ctc_reference(log_probs: Array, targets: Array, input_lengths: Array,
                   target_lengths: Array, blank: int, zero_infinity: bool) -> Array:
    lp = _reader(log_probs)
    losses = []
    for b in range(log_probs.shape[1]):
        labels = _extended_labels(targets, target_lengths, b, blank)
        frames = input_lengths.data[b]
        alpha, _ = _alpha_beta(lp, b, frames, labels, blank)
        loss = _nll(alpha, frames, len(labels))
        losses.append(0.0 if zero_infinity and loss == math.inf else loss)
    return Array(losses, log_probs.shape[1:2])


def _ctc_backward(ctx, g):
    """The gradient op below, scaled by each sample's incoming gradient."""
    log_probs, targets, input_lengths, target_lengths = ctx.inputs
    grad = dispatch(_CTC_GRAD, g, log_probs, targets, input_lengths, target_lengths,
                    blank=ctx.blank, zero_infinity=ctx.zero_infinity)
    return (grad, None, None, None)


_CTC_LOSS = declare(Op("ctc_loss", meta=_ctc_meta, reference=_ctc_reference,
                       backward=_ctc_backward, promote=PROMOTE_NONE, doc=__doc__))


# ------------------------------------------------------------ its gradient op

def _grad_meta(g, log_probs, targets, input_lengths, target_lengths, blank, zero_infinity):
    return Out(log_probs._shape, log_probs.dtype)


def _grad_reference(g: Array, log_probs: Array, targets: Array, input_lengths: Array,
                    target_lengths: Array, blank: int, zero_infinity: bool) -> Array:
    lp = _reader(log_probs)
    _, batch, classes = log_probs.shape
    out = [0.0] * len(log_probs.data)
    for b in range(batch):
        labels = _extended_labels(targets, target_lengths, b, blank)
        frames = input_lengths.data[b]
        alpha, beta = _alpha_beta(lp, b, frames, labels, blank)
        loss = _nll(alpha, frames, len(labels))
        if zero_infinity and loss == math.inf:
            continue
        for t in range(frames):
            # lse over the positions s of each class c of alpha[t, s] + beta[t, s]
            both = [_NEG_INF] * classes
            for s, c in enumerate(labels):
                both[c] = _lse(both[c], alpha[t][s] + beta[t][s])
            for c in range(classes):
                x = lp(t, b, c)
                out[(t * batch + b) * classes + c] = \
                    g.data[b] * (math.exp(x) - math.exp(both[c] + loss - x))
    return Array(out, log_probs.shape)


def _no_double_backward(ctx, grad):
    raise InvalidArgumentRuntime("ctc_loss: the derivative of ctc_loss_backward is not "
                                 "implemented (as in PyTorch)")


_CTC_GRAD = declare(Op("ctc_loss_backward", meta=_grad_meta, reference=_grad_reference,
                       backward=_no_double_backward, promote=PROMOTE_NONE,
                       doc="the gradient of ctc_loss w.r.t. log_probs (see ctc_loss)"))


# ------------------------------------------------------------ the function

def _lengths(name, value, batch):
    """input_lengths / target_lengths as an int64 tensor of `batch` values, checked."""
    from ... import tensor
    values = value.reshape(-1).tolist() if hasattr(value, "reshape") else \
        [value] if isinstance(value, int) else list(value)
    if len(values) != batch:
        raise ShapeMismatch(f"ctc_loss: {name} must be of size batch_size")
    return tensor(values, dtype=dt.int64), values


def _check_labels(targets, lengths, classes):
    """Every label in use (padding is never read) must be a class."""
    rows = targets.tolist()
    if targets.ndim == 1:
        used = rows
    else:
        used = [label for row, length in zip(rows, lengths) for label in row[:length]]
    for label in used:
        if not 0 <= label < classes:
            raise IndexOutOfRange(f"ctc_loss: target label {label} is out of range for "
                                  f"{classes} classes")


def ctc_loss(log_probs, targets, input_lengths, target_lengths, blank=0, reduction="mean",
             zero_infinity=False):
    """-log p(target | log_probs) per sample (see the module doc), then reduced: 'mean' divides
    each loss by its target length (at least 1) and averages over the batch.

    log_probs: (T, N, C) or unbatched (T, C), log-softmax output; targets: padded (N, S) or
    all targets concatenated (sum of target_lengths); input_lengths, target_lengths: (N)
    tensors or sequences of ints. zero_infinity turns infinite losses (and their gradients)
    into 0."""
    require_tensor("ctc_loss", log_probs, "log_probs", 1)
    require_tensor("ctc_loss", targets, "targets", 2)
    reduction = reduction_of(None, None, reduction)
    _require_floating(log_probs)
    batched = log_probs.ndim == 3
    if not batched:
        if log_probs.ndim != 2:
            raise ShapeMismatch(f"ctc_loss: expected log_probs of 2 or 3 dims, got "
                                f"{log_probs.ndim}")
        log_probs, targets = log_probs.unsqueeze(1), targets.unsqueeze(0)
    frames, batch, classes = log_probs.shape
    if not 0 <= blank < classes:
        raise InvalidArgumentRuntime("ctc_loss: blank must be in label range")
    input_lengths, inputs = _lengths("input_lengths", input_lengths, batch)
    target_lengths, lengths = _lengths("target_lengths", target_lengths, batch)
    for name, values, top in (("input_lengths", inputs, frames), ("target_lengths", lengths,
                                                                   None)):
        for value in values:
            if value < 0:
                raise InvalidArgumentRuntime(f"ctc_loss: Expected {name} to have value at "
                                             f"least 0, but got value {value}")
            if top is not None and value > top:
                raise InvalidArgumentRuntime(f"ctc_loss: Expected {name} to have value at "
                                             f"most {top}, but got value {value}")
    if targets.ndim not in (1, 2):
        raise ShapeMismatch(f"ctc_loss: expected targets of 1 dim (concatenated) or 2 dims "
                            f"(padded), got {targets.ndim}")
    if targets.ndim == 1 and targets.shape[0] != sum(lengths):
        raise ShapeMismatch(f"ctc_loss: Expected tensor to have size {sum(lengths)} at "
                            f"dimension 0, but got size {targets.shape[0]} for argument #2 "
                            f"'targets'")
    if targets.ndim == 2 and lengths and targets.shape[1] < max(lengths):
        raise ShapeMismatch(f"ctc_loss: Expected tensor to have size at least {max(lengths)} "
                            f"at dimension 1, but got size {targets.shape[1]} for argument "
                            f"#2 'targets'")
    targets = targets.to(dt.int64)
    _check_labels(targets, lengths, classes)
    losses = dispatch(_CTC_LOSS, log_probs, targets, input_lengths, target_lengths,
                      blank=blank, zero_infinity=zero_infinity)
    if reduction == "mean":
        return (losses / target_lengths.clamp_min(1).to(losses.dtype)).mean()
    if reduction == "sum":
        return losses.sum()
    return losses if batched else losses.squeeze(0)


__all__ = ["ctc_loss"]
