"""Distances and similarities between vectors, as torch.nn.functional has them: composites of
torsh ops (the `norm` op's gradient is 0 where a norm is 0, as PyTorch's), so their
gradients are the compositions'.

    cosine_similarity  sum(x1 / max(|x1|, eps) * x2 / max(|x2|, eps)) along dim
    pairwise_distance  |x1 - x2 + eps|_p along the last dim
    pdist              |x_i - x_j|_p for every pair of rows i < j, in row-major order

and the losses made of them:
    cosine_embedding_loss  1 - cos(x1, x2) where y = 1, max(0, cos(x1, x2) - margin) where -1
    triplet_margin_loss    max(0, margin + d(a, p) - d(a, n)), d = pairwise_distance
    triplet_margin_with_distance_loss  the same with any distance function
"""
from __future__ import annotations

from ..._core.errors import DTypeRuntimeError, InvalidArgumentRuntime, ShapeMismatch
from ...ops._elementwise_base import require_tensor
from ._reduction import reduce_loss, reduction_of

COSINE_EPSILON = 1e-12   # added to each squared norm by cosine_embedding_loss, as PyTorch


def _floating(name, *tensors):
    from ... import result_type
    kind = result_type(*tensors)
    if not kind.is_floating_point:
        raise DTypeRuntimeError(f"{name}: expected common dtype to be floating point, yet "
                                f"common dtype is {kind.name}")
    return [t if t.dtype is kind else t.to(kind) for t in tensors]


def cosine_similarity(x1, x2, dim=1, eps=1e-8):
    """sum_k x1_k x2_k / (max(|x1|, eps) max(|x2|, eps)) along `dim`, x1 and x2 broadcast.

    As PyTorch 2.x: each input is divided by its own clamped 2-norm before the dot product,
    and the clamp is invisible to the gradient (the norm's own gradient flows through it)."""
    from ... import broadcast_tensors, no_grad, norm
    require_tensor("cosine_similarity", x1, "x1", 1)
    require_tensor("cosine_similarity", x2, "x2", 2)
    x1, x2 = broadcast_tensors(*_floating("cosine_similarity", x1, x2))
    norms = []
    for x in (x1, x2):
        size = norm(x, 2, dim, keepdim=True).clone()
        with no_grad():
            size.clamp_min_(eps)
        norms.append(size)
    return ((x1 / norms[0]) * (x2 / norms[1])).sum(dim)


def pairwise_distance(x1, x2, p=2.0, eps=1e-6, keepdim=False):
    """(sum_k |x1_k - x2_k + eps|^p)^(1/p) along the last dim of the broadcast shape."""
    from ... import norm
    require_tensor("pairwise_distance", x1, "x1", 1)
    require_tensor("pairwise_distance", x2, "x2", 2)
    last = max(x1.ndim, x2.ndim) - 1
    return norm(x1 - x2 + eps, p, last if last >= 0 else -1, keepdim=keepdim)


def pdist(input, p=2):
    """|x_i - x_j|_p for rows i < j of a 2-D input: n (n - 1) / 2 values, pairs in order
    (0, 1), (0, 2), ..., (1, 2), ...; the gradient of a zero distance is 0 (as PyTorch)."""
    from ... import norm, triu_indices
    require_tensor("pdist", input, "input", 1)
    if input.ndim != 2:
        raise ShapeMismatch(f"pdist only supports 2D tensors, got: {input.ndim}D")
    if not input.dtype.is_floating_point:
        raise DTypeRuntimeError(f"pdist only supports floating-point dtypes, got "
                                f"{input.dtype.name}")
    if p < 0:
        raise InvalidArgumentRuntime(f"pdist only supports non-negative p values, got {p}")
    rows = input.shape[0]
    first, second = triu_indices(rows, rows, 1)
    differences = input.index_select(0, first) - input.index_select(0, second)
    return norm(differences, p, 1)


# ------------------------------------------------------------ embedding losses

def cosine_embedding_loss(input1, input2, target, margin=0, size_average=None, reduce=None,
                          reduction="mean"):
    """1 - cos where y = 1, max(0, cos - margin) where y = -1 (0 for any other y), with
    cos = x1 . x2 / sqrt((|x1|^2 + 1e-12) (|x2|^2 + 1e-12)) along the last dim."""
    from ... import where, zeros_like
    for position, (tensor, name) in enumerate(((input1, "input1"), (input2, "input2"),
                                               (target, "target"))):
        require_tensor("cosine_embedding_loss", tensor, name, position + 1)
    reduction = reduction_of(size_average, reduce, reduction)
    dim = target.ndim
    if dim > 1:
        raise ShapeMismatch("cosine_embedding_loss: 0D or 1D target tensor expected, "
                            "multi-target not supported")
    if input1.ndim != dim + 1 or input2.ndim != dim + 1:
        raise ShapeMismatch(f"cosine_embedding_loss: {dim}D target tensor expects "
                            f"{dim + 1}D input tensors, but found inputs with sizes "
                            f"{list(input1.shape)} and {list(input2.shape)}.")
    dot = (input1 * input2).sum(dim)
    squares = ((input1 * input1).sum(dim) + COSINE_EPSILON) * \
        ((input2 * input2).sum(dim) + COSINE_EPSILON)
    cos = dot / squares.sqrt()
    zeros = zeros_like(cos)
    loss = where(target == 1, 1 - cos, zeros) + \
        where(target == -1, (cos - margin).clamp_min(0), zeros)
    return reduce_loss(loss, reduction)


def _same_ndim(anchor, positive, negative):
    if not anchor.ndim == positive.ndim == negative.ndim:
        raise ShapeMismatch(f"The anchor, positive, and negative tensors are expected to have "
                            f"the same number of dimensions, but got: anchor {anchor.ndim}D, "
                            f"positive {positive.ndim}D, and negative {negative.ndim}D inputs")


def triplet_margin_loss(anchor, positive, negative, margin=1.0, p=2, eps=1e-6, swap=False,
                        size_average=None, reduce=None, reduction="mean"):
    """max(0, margin + d(a, p) - d(a, n)) with d = pairwise_distance(., ., p, eps); `swap`
    uses min(d(a, n), d(p, n)) for the negative distance."""
    for position, (tensor, name) in enumerate(((anchor, "anchor"), (positive, "positive"),
                                               (negative, "negative"))):
        require_tensor("triplet_margin_loss", tensor, name, position + 1)
    reduction = reduction_of(size_average, reduce, reduction)
    if margin <= 0:
        raise ValueError(f"margin must be greater than 0, got {margin}")
    _same_ndim(anchor, positive, negative)
    return _triplet(anchor, positive, negative,
                    lambda x1, x2: pairwise_distance(x1, x2, p, eps), margin, swap, reduction)


def triplet_margin_with_distance_loss(anchor, positive, negative, *, distance_function=None,
                                      margin=1.0, swap=False, reduction="mean"):
    """max(0, margin + d(a, p) - d(a, n)) for any distance d (pairwise_distance by default);
    `swap` uses min(d(a, n), d(p, n)) for the negative distance."""
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    if margin <= 0:
        raise ValueError(f"margin must be greater than 0, got {margin}")
    _same_ndim(anchor, positive, negative)
    return _triplet(anchor, positive, negative, distance_function or pairwise_distance,
                    margin, swap, reduction)


def _triplet(anchor, positive, negative, distance, margin, swap, reduction):
    from ... import minimum
    to_positive = distance(anchor, positive)
    to_negative = distance(anchor, negative)
    if swap:
        to_negative = minimum(to_negative, distance(positive, negative))
    return reduce_loss((margin + to_positive - to_negative).clamp_min(0), reduction)


__all__ = ["cosine_similarity", "pairwise_distance", "pdist", "cosine_embedding_loss",
           "triplet_margin_loss", "triplet_margin_with_distance_loss"]
