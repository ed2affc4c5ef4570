"""Attention against PyTorch: scaled_dot_product_attention (shapes, broadcasting, masks,
is_causal, scale, enable_gqa, edge sizes, errors) and multi_head_attention_forward (packed and
separate projections, bias_k / bias_v, add_zero_attn, masks, need_weights, unbatched)."""
from . import FLOATS, A, Case
from .nn_functional import op

NEG_INF = float("-inf")
_sdpa = op("scaled_dot_product_attention")


def _keep(*values):
    """A bool attn_mask of fixed values (True = take part), no gradient."""
    return lambda *shape: A(*shape, values=values, dtype="bool", grad=False)


QKV = (A(2, 3, 4), A(2, 5, 4), A(2, 5, 3))
KEEP = _keep(True, False, True, True, False, True, False, True)

CASES = [
    Case(_sdpa, QKV, dtypes=FLOATS),
    Case(_sdpa, (A(1, 2, 3, 2), A(1, 2, 4, 2), A(1, 2, 4, 2)), name="heads",
         dtypes=("float32", "float64")),
    Case(_sdpa, (A(3, 4), A(5, 4), A(5, 2)), name="two_dim", dtypes=("float64",)),
    Case(_sdpa, (A(2, 1, 3, 2), A(1, 2, 4, 2), A(2, 2, 4, 3)), name="broadcast",
         dtypes=("float64",)),
    Case(_sdpa, (A(2, 2, 3, 2), A(2, 4, 2), A(4, 3)), name="broadcast_rank",
         dtypes=("float64",)),
    Case(_sdpa, (A(2, 3, 4, layout="transposed"), A(2, 5, 4, layout="strided"),
                 A(2, 5, 3, layout="expanded")), name="layouts", dtypes=("float32", "float64")),
    Case(_sdpa, (A(3, 4, layout="offset"), A(5, 4, layout="transposed"), A(5, 3)),
         name="offset", dtypes=("float64",)),
    Case(_sdpa, QKV, kwargs={"attn_mask": KEEP(3, 5)}, name="bool_mask",
         dtypes=("float32", "float64", "bfloat16")),
    Case(_sdpa, QKV, kwargs={"attn_mask": KEEP(2, 1, 5)}, name="bool_mask_broadcast",
         dtypes=("float64",)),
    Case(_sdpa, QKV, kwargs={"attn_mask": A(3, 5)}, name="float_mask",
         dtypes=("float32", "float64", "float16")),
    Case(_sdpa, QKV, kwargs={"attn_mask": A(2, 3, 5, layout="transposed")},
         name="float_mask_transposed", dtypes=("float64",)),
    Case(_sdpa, QKV, kwargs={"attn_mask": _keep(False, False, False, False, False, True, True,
                                                False, True, True, True, True, True, False,
                                                True)(3, 5)},
         name="fully_masked_row", dtypes=("float32", "float64")),
    Case(_sdpa, QKV, kwargs={"attn_mask": A(3, 5, values=[NEG_INF] * 5 + [0.0, 1.0, NEG_INF,
                                                                          -2.0, 0.5] * 2)},
         name="float_mask_inf_row", dtypes=("float32", "float64")),
    Case(_sdpa, QKV, kwargs={"is_causal": True}, name="causal", dtypes=("float32", "float64")),
    Case(_sdpa, (A(2, 5, 4), A(2, 3, 4), A(2, 3, 3)), kwargs={"is_causal": True},
         name="causal_tall", dtypes=("float64",)),
    Case(_sdpa, QKV, kwargs={"scale": 0.3}, name="scale", dtypes=("float32", "float64")),
    Case(_sdpa, QKV, kwargs={"scale": -0.5}, name="negative_scale", dtypes=("float64",)),
    Case(_sdpa, (A(1, 4, 3, 2), A(1, 2, 4, 2), A(1, 2, 4, 3)), kwargs={"enable_gqa": True},
         name="gqa", dtypes=("float32", "float64")),
    Case(_sdpa, QKV, kwargs={"dropout_p": 1.0}, name="dropout_all", dtypes=("float64",)),
    Case(_sdpa, (A(2, 3, values=[float("nan"), 1.0, -0.0, 1e30, 0.5, -1e30]), A(4, 3),
                 A(4, 2)), name="special", grad=False, dtypes=("float32", "float64")),
    Case(_sdpa, (A(2, 0, 4), A(2, 5, 4), A(2, 5, 3)), name="empty_query",
         dtypes=("float32",)),
    Case(_sdpa, (A(2, 3, 4), A(2, 0, 4), A(2, 0, 3)), name="empty_keys", dtypes=("float64",)),
    Case(_sdpa, (A(2, 3, 0), A(2, 5, 0), A(2, 5, 3)), name="zero_features",
         dtypes=("float64",)),
    Case(_sdpa, (A(0, 3, 4), A(0, 5, 4), A(0, 5, 3)), name="empty_batch",
         dtypes=("float32",)),
    # errors
    Case(_sdpa, (A(2, 3), A(2, 3, dtype="float64"), A(2, 3)), name="mixed_dtypes",
         dtypes=("float32",), error="RuntimeError"),
    Case(_sdpa, (A(2, 3), A(2, 3), A(2, 3)), name="int", dtypes=("int64",),
         error="RuntimeError"),
    Case(_sdpa, (A(3), A(3), A(3)), name="one_dim", dtypes=("float32",), error="RuntimeError"),
    Case(_sdpa, (A(2, 3), A(2, 4), A(2, 4)), name="feature_mismatch", dtypes=("float32",),
         error="RuntimeError"),
    Case(_sdpa, (A(2, 3), A(2, 3), A(4, 3)), name="length_mismatch", dtypes=("float32",),
         error="RuntimeError"),
    Case(_sdpa, (A(2, 2, 3), A(3, 2, 3), A(3, 2, 3)), name="batch_mismatch",
         dtypes=("float32",), error="RuntimeError"),
    Case(_sdpa, QKV, kwargs={"attn_mask": A(3, 5, dtype="int64")}, name="int_mask",
         dtypes=("float32",), error="RuntimeError"),
    Case(_sdpa, QKV, kwargs={"attn_mask": A(3, 5, dtype="float64")}, name="other_float_mask",
         dtypes=("float32",), error="RuntimeError"),
    Case(_sdpa, QKV, kwargs={"attn_mask": KEEP(3, 4)}, name="mask_shape",
         dtypes=("float32",), error="RuntimeError"),
    Case(_sdpa, QKV, kwargs={"attn_mask": KEEP(3, 2, 3, 5)}, name="mask_too_big",
         dtypes=("float32",), error="RuntimeError"),
    Case(_sdpa, QKV, kwargs={"attn_mask": KEEP(3, 5), "is_causal": True},
         name="mask_and_causal", dtypes=("float32",), error="RuntimeError"),
    Case(_sdpa, (A(1, 3, 2, 2), A(1, 2, 2, 2), A(1, 2, 2, 2)), kwargs={"enable_gqa": True},
         name="gqa_heads", dtypes=("float32",), error="RuntimeError"),
]


# ------------------------------------------------------------ multi_head_attention_forward

def multi_head_attention_forward(lib, query, key, value, w_in, b_in, w_out, b_out, *extra,
                                 heads=2, **kwargs):
    """F.multi_head_attention_forward in eval mode (no dropout) with packed projections;
    `extra` is (bias_k, bias_v) when given."""
    bias_k, bias_v = extra if extra else (None, None)
    zero = kwargs.pop("add_zero_attn", False)
    return op("multi_head_attention_forward")(
        lib, query, key, value, query.shape[-1], heads, w_in, b_in, bias_k, bias_v, zero, 0.0,
        w_out, b_out, training=False, **kwargs)


def separate_projections(lib, query, key, value, w_q, w_k, w_v, b_in, w_out, b_out, **kwargs):
    """multi_head_attention_forward with use_separate_proj_weight (kdim, vdim != embed_dim)."""
    return op("multi_head_attention_forward")(
        lib, query, key, value, query.shape[-1], 2, None, b_in, None, None, False, 0.0, w_out,
        b_out, training=False, use_separate_proj_weight=True, q_proj_weight=w_q,
        k_proj_weight=w_k, v_proj_weight=w_v, **kwargs)


separate_projections.__name__ = "multi_head_attention_forward"

_mha = multi_head_attention_forward
PACKED = (A(3, 2, 4), A(5, 2, 4), A(5, 2, 4), A(12, 4), A(12), A(4, 4), A(4))
PADDING = A(2, 5, values=[False, True, False, False, True, False, False, False, False, True],
            dtype="bool", grad=False)

CASES += [
    Case(_mha, PACKED, dtypes=("float32", "float64")),
    Case(_mha, PACKED, kwargs={"need_weights": False}, name="no_weights",
         dtypes=("float32", "float64")),
    Case(_mha, PACKED, kwargs={"average_attn_weights": False}, name="per_head_weights",
         dtypes=("float64",)),
    Case(_mha, PACKED, kwargs={"key_padding_mask": PADDING}, name="key_padding",
         dtypes=("float64",)),
    Case(_mha, PACKED, kwargs={"key_padding_mask": PADDING, "need_weights": False},
         name="key_padding_no_weights", dtypes=("float64",)),
    Case(_mha, PACKED, kwargs={"attn_mask": A(3, 5)}, name="float_attn_mask",
         dtypes=("float64",)),
    Case(_mha, PACKED, kwargs={"attn_mask": A(4, 3, 5, values=[False, True, False, False],
                                              dtype="bool", grad=False),
                               "need_weights": False},
         name="bool_attn_mask_3d", dtypes=("float64",)),
    Case(_mha, PACKED + (A(1, 1, 4), A(1, 1, 4)),
         kwargs={"add_zero_attn": True, "key_padding_mask": PADDING}, name="bias_kv_zero_attn",
         dtypes=("float64",)),
    Case(_mha, (A(3, 4), A(5, 4), A(5, 4)) + PACKED[3:],
         kwargs={"key_padding_mask": A(5, values=[False, False, True, False, False],
                                       dtype="bool", grad=False)}, name="unbatched",
         dtypes=("float64",)),
    Case(_mha, (A(3, 2, 4), A(3, 2, 4), A(3, 2, 4)) + PACKED[3:],
         kwargs={"attn_mask": A(3, 3, values=[0.0, NEG_INF, NEG_INF, 0.0, 0.0, NEG_INF, 0.0,
                                              0.0, 0.0], grad=False),
                 "is_causal": True, "need_weights": False}, name="causal",
         dtypes=("float64",)),
    Case(separate_projections, (A(3, 2, 4), A(5, 2, 3), A(5, 2, 2), A(4, 4), A(4, 3),
                                A(4, 2), A(12), A(4, 4), A(4)), name="separate",
         dtypes=("float64",)),
    Case(_mha, PACKED, kwargs={"attn_mask": A(3, 3)}, name="bad_mask_shape",
         dtypes=("float32",), error="RuntimeError"),
    Case(_mha, PACKED, kwargs={"is_causal": True}, name="causal_without_mask",
         dtypes=("float32",), error="RuntimeError"),
    Case(_mha, (A(3, 2, 4), A(5, 2, 4), A(5, 2, 4), A(12, 4), A(12), A(4, 4), A(4)),
         kwargs={"heads": 3}, name="indivisible_heads", dtypes=("float32",),
         error="AssertionError"),
]
