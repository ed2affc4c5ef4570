"""Attention: scaled_dot_product_attention (an op) and multi_head_attention_forward (composite).

scaled_dot_product_attention(q, k, v) = softmax(q k^T * scale + mask) v, per batch index, with
q (..., L, E), k (..., S, E), v (..., S, Ev) -> (..., L, Ev); the leading dims broadcast and
scale defaults to 1 / sqrt(E). A bool attn_mask says which positions TAKE PART (False adds
-inf), a float attn_mask is added; is_causal keeps j <= i (a top-left aligned lower triangle).
A row whose every score is -inf (everything masked) gives weights 0, hence an output row of 0
and zero gradients, as PyTorch 2.13 does (its `_safe_softmax`); a NaN or +inf score gives NaN
over its row. With E = 0 every score is 0 (plus the mask); with S = 0 the output is 0.
"""
from __future__ import annotations

import math
import warnings
from operator import mul

from ..._core import dtype as dt
from ..._core.errors import DTypeRuntimeError, ShapeMismatch
from ..._core.shape import broadcast_shapes
from ...dispatch import dispatch
from ...ops._array import Array, broadcast_to, flat_positions
from ...ops._elementwise_base import require_tensor
from ...ops._op import PROMOTE_NONE, Op, Out
from ._pointwise import declare
from .encoding import dropout as _dropout
from .linear import linear
from .softmax import softmax

_NAME = "scaled_dot_product_attention"


def _meta(q, k, v, *mask, is_causal, scale):
    if not q.dtype is k.dtype is v.dtype:
        raise DTypeRuntimeError(f"{_NAME}: Expected query, key, and value to have the same "
                                f"dtype, but got query.dtype: {q.dtype.name} key.dtype: "
                                f"{k.dtype.name} and value.dtype: {v.dtype.name} instead.")
    if not q.dtype.is_floating_point:
        raise DTypeRuntimeError(f"{_NAME}: expected a floating point query, key and value, "
                                f"got {q.dtype.name}")
    if min(q.ndim, k.ndim, v.ndim) < 2:
        raise ShapeMismatch(f"{_NAME}: Expected query, key, and value to all be at least 2 "
                            f"dimensional, but got query.dim: {q.ndim} key.dim: {k.ndim} and "
                            f"value.dim: {v.ndim} instead.")
    (L, E), S = q._shape[-2:], k._shape[-2]
    if k._shape[-1] != E:
        raise ShapeMismatch(f"{_NAME}: key's last dim {k._shape[-1]} does not match query's "
                            f"{E} (query {list(q._shape)}, key {list(k._shape)})")
    if v._shape[-2] != S:
        raise ShapeMismatch(f"{_NAME}: key and value must have the same sequence length, got "
                            f"key {list(k._shape)} and value {list(v._shape)}")
    batch = broadcast_shapes(q._shape[:-2], k._shape[:-2], v._shape[:-2], op=_NAME)
    if mask:
        _check_mask(mask[0], q, batch + (L, S), is_causal)
    return Out(batch + (L, v._shape[-1]), q.dtype)


def _check_mask(mask, q, scores_shape, is_causal):
    if is_causal:
        raise DTypeRuntimeError(f"{_NAME}: Explicit attn_mask should not be set when "
                                f"is_causal=True")
    if mask.dtype.name != "bool" and mask.dtype is not q.dtype:
        raise DTypeRuntimeError(f"{_NAME}: Expected attn_mask dtype to be bool or float or to "
                                f"match query dtype, but got attn_mask.dtype: "
                                f"{mask.dtype.name} and query.dtype: {q.dtype.name} instead.")
    if broadcast_shapes(mask._shape, scores_shape, op=_NAME) != scores_shape:
        raise ShapeMismatch(f"{_NAME}: attn_mask of shape {list(mask._shape)} does not "
                            f"broadcast to the attention scores' shape {list(scores_shape)}")


def _batch_offsets(a: Array, batch: tuple, block: int) -> list:
    """Where each batch index's (rows, cols) block of `a` starts (0 strides where broadcast)."""
    lead = a.shape[:-2]
    strides, step = [], block
    for size in reversed(lead):
        strides.append(0 if size == 1 else step)
        step *= size
    strides = [0] * (len(batch) - len(lead)) + strides[::-1]
    return flat_positions(batch, strides)


def _reference(q: Array, k: Array, v: Array, *mask: Array, is_causal, scale):
    (L, E), S, Ev = q.shape[-2:], k.shape[-2], v.shape[-1]
    batch = broadcast_shapes(q.shape[:-2], k.shape[:-2], v.shape[:-2])
    added = None
    if mask:    # the additive mask over the full scores' shape, one list per batch index
        m = broadcast_to(mask[0], batch + (L, S)).data
        added = [0.0 if x is True else -math.inf if x is False else x for x in m]
    out = []
    q_at, k_at, v_at = (_batch_offsets(a, batch, a.shape[-2] * a.shape[-1]) for a in (q, k, v))
    for b, (qo, ko, vo) in enumerate(zip(q_at, k_at, v_at)):
        keys = [k.data[ko + j * E:ko + (j + 1) * E] for j in range(S)]
        value_columns = [v.data[vo + c:vo + S * Ev:Ev] for c in range(Ev)]
        for i in range(L):
            q_i = q.data[qo + i * E:qo + (i + 1) * E]
            scores = [scale * sum(map(mul, q_i, k_j)) if E else 0.0 for k_j in keys]
            if added is not None:
                row = added[(b * L + i) * S:(b * L + i + 1) * S]
                scores = [s + m for s, m in zip(scores, row)]
            if is_causal:
                scores = [s if j <= i else -math.inf for j, s in enumerate(scores)]
            out += _attend(scores, value_columns)
    return Array(out, batch + (L, Ev))


def _attend(scores: list, value_columns: list) -> list:
    """sum_j softmax(scores)_j v_j; 0 when no score is above -inf, NaN when one is NaN."""
    top = max(scores, default=-math.inf)
    if any(s != s for s in scores):
        return [math.nan] * len(value_columns)
    if top == -math.inf:
        return [0.0] * len(value_columns)
    weights = [math.exp(s - top) for s in scores]
    total = sum(weights)
    return [sum(map(mul, weights, column)) / total for column in value_columns]


def attention_weights(q, k, mask, is_causal, scale, safe=True):
    """softmax(q k^T * scale + mask) along the last dim, in torsh ops (differentiable).

    safe: rows whose every score is -inf get weights 0 (else NaN, as a plain softmax gives)."""
    from ... import ones
    scores = q.matmul(k.transpose(-2, -1))
    if q.shape[-1]:
        scores = scores * scale
    if mask is not None:
        scores = scores.masked_fill(~mask, -math.inf) if mask.dtype.name == "bool" \
            else scores + mask
    if is_causal:
        L, S = scores.shape[-2:]
        keep = ones(L, S, dtype=dt.bool_).tril()
        scores = scores.masked_fill(~keep, -math.inf)
    weights = softmax(scores, -1)
    if safe:
        weights = weights.masked_fill((scores == -math.inf).all(-1, keepdim=True), 0.0)
    return weights


def _backward(ctx, g):
    """With P the weights and dP = g v^T: dv = P^T g, dS = P * (dP - sum_j dP P),
    dq = dS k * scale, dk = dS^T q * scale, d(float mask) = dS."""
    q, k, v = ctx.inputs[:3]
    mask = ctx.inputs[3] if len(ctx.inputs) == 4 else None
    need = ctx.needs_input_grad
    scale = ctx.scale if q.shape[-1] else 1.0
    p = attention_weights(q, k, mask, ctx.is_causal, ctx.scale)
    dv = p.transpose(-2, -1).matmul(g) if need[2] else None
    dq = dk = dmask = None
    if need[0] or need[1] or (mask is not None and need[3]):
        dp = g.matmul(v.transpose(-2, -1))
        ds = p * (dp - (dp * p).sum(-1, keepdim=True))
        dq = ds.matmul(k) * scale if need[0] else None
        dk = ds.transpose(-2, -1).matmul(q) * scale if need[1] else None
        dmask = ds if mask is not None and need[3] else None
    return (dq, dk, dv) if mask is None else (dq, dk, dv, dmask)


def _decompose(q, k, v, *mask, is_causal, scale):
    """The weights of attention_weights times v: matmuls, a mask and a softmax, so a backend
    without an attention kernel runs it on its own ones (half precision in float32, rounded
    once at the end, as the reference)."""
    dtype = q.dtype
    if dtype in (dt.float16, dt.bfloat16):
        q, k, v = q.float(), k.float(), v.float()
        mask = tuple(m if m.dtype is dt.bool_ else m.float() for m in mask)
    weights = attention_weights(q, k, mask[0] if mask else None, is_causal, scale)
    return weights.matmul(v).to(dtype)


_SDPA = declare(Op("scaled_dot_product_attention", meta=_meta, reference=_reference,
                    backward=_backward, decompose=_decompose, promote=PROMOTE_NONE,
                    doc="softmax(q k^T * scale + mask) v over the last two dims, batch dims "
                        "broadcast. A row whose every score is -inf (all masked) gives 0, as "
                        "PyTorch's _safe_softmax; a NaN or +inf score gives NaN over its row; "
                        "E = 0 gives scores 0 (plus the mask); S = 0 gives 0."))


def _repeat_heads(name, query, x):
    """enable_gqa: repeat each of x's heads (dim -3) so that query's heads are matched."""
    heads, own = query.shape[-3], x.shape[-3]
    if own == 0 or heads % own:
        raise ShapeMismatch(f"{_NAME}: Number of heads in key and value must divide the number "
                            f"of heads in query, got {heads} query heads and {own} {name} heads")
    return x if own == heads else x.repeat_interleave(heads // own, dim=-3)


def scaled_dot_product_attention(query, key, value, attn_mask=None, dropout_p=0.0,
                                 is_causal=False, scale=None, enable_gqa=False):
    """softmax(query key^T * scale + mask) value (see the module doc); an op, except that
    dropout_p > 0 runs the same formula as a composite with dropout on the weights."""
    for position, (argument, tensor) in enumerate(
            (("query", query), ("key", key), ("value", value)), start=1):
        require_tensor(_NAME, tensor, argument, position)
    if enable_gqa and min(query.ndim, key.ndim, value.ndim) >= 3:
        key, value = _repeat_heads("key", query, key), _repeat_heads("value", query, value)
    if scale is None:
        scale = 1.0 / math.sqrt(query.shape[-1]) if query.ndim and query.shape[-1] else 1.0
    tensors = (query, key, value) if attn_mask is None else (query, key, value, attn_mask)
    if dropout_p > 0.0:
        return _with_dropout(tensors, float(dropout_p), bool(is_causal), float(scale))
    return dispatch(_SDPA, *tensors, is_causal=bool(is_causal), scale=float(scale))


def _with_dropout(tensors, p, is_causal, scale):
    """dropout(softmax(q k^T * scale + mask), p) v, in torsh ops (random)."""
    _meta(*tensors, is_causal=is_causal, scale=scale)     # the op's checks
    q, k, v = tensors[:3]
    mask = tensors[3] if len(tensors) == 4 else None
    weights = attention_weights(q, k, mask, is_causal, scale)
    return _dropout(weights, p).matmul(v)


# ----------------------------------------------------------- multi_head_attention_forward

def _canonical_mask(mask, name, other, other_name, dtype, check_other=True):
    """A bool mask (True = masked out) as a float mask of 0 / -inf; a float mask as given."""
    if mask is None:
        return None
    if mask.dtype.name != "bool" and not mask.dtype.is_floating_point:
        raise AssertionError(f"only bool and floating types of {name} are supported")
    if check_other and other is not None and mask.dtype is not other.dtype:
        warnings.warn(f"Support for mismatched {name} and {other_name} is deprecated. Use same "
                      f"type for both instead.", UserWarning, stacklevel=3)
    if mask.dtype.name == "bool":
        from ... import zeros
        return zeros(mask.shape, dtype=dtype).masked_fill(mask, -math.inf)
    return mask


def _check_mha_shapes(query, key, value, key_padding_mask, attn_mask, num_heads) -> bool:
    """Whether the input is batched ((L, N, E), else unbatched (L, E)); AssertionError else."""
    if query.ndim not in (2, 3):
        raise AssertionError(f"query should be unbatched 2D or batched 3D tensor but received "
                             f"{query.ndim}-D query tensor")
    kind = "batched (3-D)" if query.ndim == 3 else "unbatched (2-D)"
    if key.ndim != query.ndim or value.ndim != query.ndim:
        raise AssertionError(f"For {kind} `query`, expected `key` and `value` to be "
                             f"{query.ndim}-D but found {key.ndim}-D and {value.ndim}-D "
                             f"tensors respectively")
    if key_padding_mask is not None and key_padding_mask.ndim != query.ndim - 1:
        raise AssertionError(f"For {kind} `query`, expected `key_padding_mask` to be `None` or "
                             f"{query.ndim - 1}-D but found {key_padding_mask.ndim}-D tensor "
                             f"instead")
    if attn_mask is not None and attn_mask.ndim not in (2, 3):
        raise AssertionError(f"For {kind} `query`, expected `attn_mask` to be `None`, 2-D or 3-D "
                             f"but found {attn_mask.ndim}-D tensor instead")
    if query.ndim == 2 and attn_mask is not None and attn_mask.ndim == 3:
        expected = (num_heads, query.shape[0], key.shape[0])
        if tuple(attn_mask.shape) != expected:
            raise AssertionError(f"Expected `attn_mask` shape to be {expected} but got "
                                 f"{tuple(attn_mask.shape)}")
    return query.ndim == 3


def _project(query, key, value, in_proj_weight, in_proj_bias, separate):
    """q, k, v = the three input projections (packed in in_proj_weight, or separate)."""
    if separate is None:
        if in_proj_weight is None:
            raise AssertionError("use_separate_proj_weight is False but in_proj_weight is None")
        weights = in_proj_weight.chunk(3)
    else:
        for name, weight in zip(("q", "k", "v"), separate):
            if weight is None:
                raise AssertionError(f"use_separate_proj_weight is True but {name}_proj_weight "
                                     f"is None")
        E = query.shape[-1]
        for name, weight, x in zip(("query", "key", "value"), separate, (query, key, value)):
            if tuple(weight.shape) != (E, x.shape[-1]):
                raise AssertionError(f"expecting {name} weights shape of {(E, x.shape[-1])}, "
                                     f"but got {tuple(weight.shape)}")
        weights = separate
    biases = (None,) * 3 if in_proj_bias is None else in_proj_bias.chunk(3)
    return tuple(linear(x, w, b) for x, w, b in zip((query, key, value), weights, biases))


def _append_column(mask):
    """A mask with one more (zero, i.e. unmasked) column on the right."""
    from ... import cat, zeros
    return cat([mask, zeros(mask.shape[:-1] + (1,), dtype=mask.dtype)], dim=-1)


def multi_head_attention_forward(query, key, value, embed_dim_to_check, num_heads,
                                 in_proj_weight, in_proj_bias, bias_k, bias_v, add_zero_attn,
                                 dropout_p, out_proj_weight, out_proj_bias, training=True,
                                 key_padding_mask=None, need_weights=True, attn_mask=None,
                                 use_separate_proj_weight=False, q_proj_weight=None,
                                 k_proj_weight=None, v_proj_weight=None, static_k=None,
                                 static_v=None, average_attn_weights=True, is_causal=False):
    """Multi-head attention on (L, N, E) query and (S, N, E) key / value (or unbatched (L, E)):
    out = concat_h(attention(q W_q^h, k W_k^h, v W_v^h)) W_o^T + b_o. A composite of linear,
    softmax / scaled_dot_product_attention and dropout.

    Masks here say what is LEFT OUT: True in a bool attn_mask / key_padding_mask adds -inf (a
    float one is added). need_weights=True computes the weights with a plain softmax (fully
    masked rows give NaN, as PyTorch's) and returns them averaged over heads (N, L, S) or per
    head (N, H, L, S); need_weights=False goes through scaled_dot_product_attention (fully
    masked rows give 0) and returns None for the weights.
    """
    from ... import cat, zeros
    batched = _check_mha_shapes(query, key, value, key_padding_mask, attn_mask, num_heads)
    if not batched:
        query, key, value = query.unsqueeze(1), key.unsqueeze(1), value.unsqueeze(1)
        if key_padding_mask is not None:
            key_padding_mask = key_padding_mask.unsqueeze(0)
    tgt_len, bsz, embed_dim = query.shape
    src_len = key.shape[0]
    key_padding_mask = _canonical_mask(key_padding_mask, "key_padding_mask", attn_mask,
                                       "attn_mask", query.dtype)
    if is_causal and attn_mask is None:
        raise RuntimeError("Need attn_mask if specifying the is_causal hint. You may use the "
                           "Transformer module method `generate_square_subsequent_mask` to "
                           "create this mask.")
    if is_causal and key_padding_mask is None and not need_weights:
        attn_mask = None        # scaled_dot_product_attention makes the causal mask itself
    else:
        attn_mask = _canonical_mask(attn_mask, "attn_mask", None, "", query.dtype, False)
        if key_padding_mask is not None:
            is_causal = False
    if embed_dim != embed_dim_to_check:
        raise AssertionError(f"was expecting embedding dimension of {embed_dim_to_check}, but "
                             f"got {embed_dim}")
    head_dim = embed_dim // num_heads
    if head_dim * num_heads != embed_dim:
        raise AssertionError(f"embed_dim {embed_dim} not divisible by num_heads {num_heads}")
    if use_separate_proj_weight:
        if tuple(key.shape[:2]) != tuple(value.shape[:2]):
            raise AssertionError(f"key's sequence and batch dims {tuple(key.shape[:2])} do not "
                                 f"match value's {tuple(value.shape[:2])}")
        separate = (q_proj_weight, k_proj_weight, v_proj_weight)
    else:
        if tuple(key.shape) != tuple(value.shape):
            raise AssertionError(f"key shape {tuple(key.shape)} does not match value shape "
                                 f"{tuple(value.shape)}")
        separate = None
    q, k, v = _project(query, key, value, in_proj_weight, in_proj_bias, separate)

    if attn_mask is not None:
        expected = (tgt_len, src_len) if attn_mask.ndim == 2 else \
            (bsz * num_heads, tgt_len, src_len)
        if tuple(attn_mask.shape) != expected:
            raise RuntimeError(f"The shape of the {attn_mask.ndim}D attn_mask is "
                               f"{tuple(attn_mask.shape)}, but should be {expected}.")
        if attn_mask.ndim == 2:
            attn_mask = attn_mask.unsqueeze(0)
    if (bias_k is None) != (bias_v is None):
        raise AssertionError("bias_k is set but bias_v is None" if bias_v is None else
                             "bias_v is set but bias_k is None")
    if bias_k is not None:
        if static_k is not None or static_v is not None:
            raise AssertionError("bias cannot be added to static key." if static_k is not None
                                 else "bias cannot be added to static value.")
        k = cat([k, bias_k.repeat(1, bsz, 1)])
        v = cat([v, bias_v.repeat(1, bsz, 1)])
        attn_mask = None if attn_mask is None else _append_column(attn_mask)
        key_padding_mask = None if key_padding_mask is None else \
            _append_column(key_padding_mask)

    q = q.reshape(tgt_len, bsz * num_heads, head_dim).transpose(0, 1)
    k = _heads(k, static_k, "static_k", bsz * num_heads, head_dim)
    v = _heads(v, static_v, "static_v", bsz * num_heads, head_dim)
    if add_zero_attn:
        zero = zeros((bsz * num_heads, 1, head_dim), dtype=k.dtype)
        k, v = cat([k, zero], dim=1), cat([v, zero.to(v.dtype)], dim=1)
        attn_mask = None if attn_mask is None else _append_column(attn_mask)
        key_padding_mask = None if key_padding_mask is None else \
            _append_column(key_padding_mask)
    src_len = k.shape[1]
    if key_padding_mask is not None:
        if tuple(key_padding_mask.shape) != (bsz, src_len):
            raise AssertionError(f"Expected key_padded_mask.shape to be {(bsz, src_len)}, but "
                                 f"got {tuple(key_padding_mask.shape)}")
        padding = key_padding_mask.reshape(bsz, 1, 1, src_len).expand(-1, num_heads, -1, -1) \
            .reshape(bsz * num_heads, 1, src_len)
        attn_mask = padding if attn_mask is None else attn_mask + padding
    if not training:
        dropout_p = 0.0

    if need_weights:
        q_scaled = q * math.sqrt(1.0 / float(head_dim)) if head_dim else q
        weights = q_scaled.matmul(k.transpose(-2, -1))
        if attn_mask is not None:
            weights = weights + attn_mask
        weights = softmax(weights, dim=-1)
        if dropout_p > 0.0:
            weights = _dropout(weights, p=dropout_p)
        out = weights.matmul(v).transpose(0, 1).reshape(tgt_len * bsz, embed_dim)
        weights = weights.reshape(bsz, num_heads, tgt_len, src_len)
        if average_attn_weights:
            weights = weights.mean(dim=1)
    else:
        if attn_mask is not None:
            attn_mask = attn_mask.unsqueeze(0) if attn_mask.shape[0] == 1 else \
                attn_mask.reshape(bsz, num_heads, -1, src_len)
        heads = [x.reshape(bsz, num_heads, -1, head_dim) for x in (q, k, v)]
        out = scaled_dot_product_attention(*heads, attn_mask, dropout_p, is_causal)
        out = out.permute(2, 0, 1, 3).reshape(bsz * tgt_len, embed_dim)
        weights = None
    out = linear(out, out_proj_weight, out_proj_bias).reshape(tgt_len, bsz, -1)
    if not batched:
        out = out.squeeze(1)
        weights = None if weights is None else weights.squeeze(0)
    return out, weights


def _heads(x, static, name, batch_heads, head_dim):
    """(S, N, E) -> (N * H, S, head_dim), or the given static_k / static_v after checks."""
    if static is None:
        return x.reshape(x.shape[0], batch_heads, head_dim).transpose(0, 1)
    if static.shape[0] != batch_heads:
        raise AssertionError(f"expecting {name}.size(0) of {batch_heads}, but got "
                             f"{static.shape[0]}")
    if static.shape[2] != head_dim:
        raise AssertionError(f"expecting {name}.size(2) of {head_dim}, but got "
                             f"{static.shape[2]}")
    return static


__all__ = ["scaled_dot_product_attention", "multi_head_attention_forward"]
