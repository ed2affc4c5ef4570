"""scaled_dot_product_attention, multi_head_attention_forward and nn.MultiheadAttention.

Expected values were computed once with PyTorch 2.13 (float64) and are stored as literals; the
rest are properties (masking, broadcasting, edge sizes), gradchecks and error cases.
"""
import math

import pytest

import torsh
import torsh.nn as nn
import torsh.nn.functional as F
from torsh.autograd.gradcheck import gradcheck, gradgradcheck

f64 = torsh.float64


def t(data, dtype=f64, grad=False):
    return torsh.tensor(data, dtype=dtype, requires_grad=grad)


def close(a, b, tol=1e-9):
    if isinstance(a, torsh.Tensor):
        a = a.tolist()
    if isinstance(a, list):
        return len(a) == len(b) and all(close(x, y, tol) for x, y in zip(a, b))
    if a != a:
        return b != b
    return abs(a - b) <= tol * (1 + abs(b))


Q = [[[0.5, -1.0], [1.5, 0.25]]]
K = [[[1.0, 0.0], [-0.5, 2.0], [0.25, -1.5]]]
V = [[[1.0, 2.0], [-1.0, 0.5], [3.0, -2.0]]]
BOOL_MASK = [[True, False, True], [False, True, True]]
FLOAT_MASK = [[0.0, -1.0, 2.0], [0.5, 0.0, -3.0]]


def sdpa(*args, **kwargs):
    return F.scaled_dot_product_attention(*args, **kwargs)


# ------------------------------------------------------------------ values from PyTorch

@pytest.mark.parametrize("kwargs, expected", [
    ({}, [[[2.234139977, -0.7025415496], [1.068567393, 0.887710765]]]),
    ({"attn_mask": BOOL_MASK}, [[[2.378020043, -0.756040087], [1.176317773, -0.8601986084]]]),
    ({"attn_mask": FLOAT_MASK}, [[[2.87312984, -1.762872055], [0.7209843626, 1.742270564]]]),
    ({"is_causal": True}, [[[1.0, 2.0], [0.5502350976, 1.662676323]]]),
    ({"scale": 2.0}, [[[2.807817272, -1.617776903], [1.036277717, 1.773659382]]]),
])
def test_values_match_pytorch(kwargs, expected):
    mask = kwargs.get("attn_mask")
    if mask is not None:
        kwargs["attn_mask"] = t(mask, torsh.bool if isinstance(mask[0][0], bool) else f64)
    assert close(sdpa(t(Q), t(K), t(V), **kwargs), expected)


def test_gradients_match_pytorch():
    q, k, v, mask = t(Q, grad=True), t(K, grad=True), t(V, grad=True), t(FLOAT_MASK, grad=True)
    sdpa(q, k, v, attn_mask=mask).backward(t([[[1.0, -1.0], [0.5, 2.0]]]))
    assert close(q.grad, [[[-0.1617191396, -0.3889636614], [0.5558845446, -0.6423357574]]])
    assert close(k.grad, [[[0.4711723373, 0.3263202018], [-0.5327839922, -0.07460016591],
                           [0.06161165494, -0.2517200359]]])
    assert close(v.grad, [[[0.4788279962, 1.628340904], [0.07718049668, 0.2936198264],
                           [0.9439915071, -0.9219607307]]])
    assert close(mask.grad, [[-0.3234739109, -0.01853337681, 0.3420072877],
                             [0.5520501767, -0.4961357728, -0.05591440389]])


# ------------------------------------------------------------------ properties

def test_zero_query_averages_values():
    out = sdpa(torsh.zeros(1, 2, 2, dtype=f64), t(K), t(V))
    assert close(out, [[[1.0, 1 / 6], [1.0, 1 / 6]]])


def test_bool_mask_all_true_and_zero_float_mask_change_nothing():
    plain = sdpa(t(Q), t(K), t(V))
    assert close(sdpa(t(Q), t(K), t(V), attn_mask=torsh.ones(2, 3, dtype=torsh.bool)),
                 plain.tolist())
    assert close(sdpa(t(Q), t(K), t(V), attn_mask=torsh.zeros(3, dtype=f64)), plain.tolist())


def test_causal_equals_explicit_lower_triangle():
    q, k, v = torsh.randn(2, 3, 2, dtype=f64), torsh.randn(2, 4, 2, dtype=f64), \
        torsh.randn(2, 4, 3, dtype=f64)
    keep = torsh.ones(3, 4, dtype=torsh.bool).tril()
    assert close(sdpa(q, k, v, is_causal=True), sdpa(q, k, v, attn_mask=keep).tolist())


def test_fully_masked_row_gives_zeros_and_zero_grads():
    q, k, v = t(Q, grad=True), t(K, grad=True), t(V, grad=True)
    mask = t([[False, False, True], [False, False, False]], torsh.bool)
    out = sdpa(q, k, v, attn_mask=mask)
    assert out[0, 1].tolist() == [0.0, 0.0]
    assert close(out[0, 0], [3.0, -2.0])
    out.sum().backward()
    assert q.grad[0, 1].tolist() == [0.0, 0.0]
    float_mask = t([[0.0, 0.0, 0.0], [-math.inf] * 3])
    assert sdpa(t(Q), t(K), t(V), attn_mask=float_mask)[0, 1].tolist() == [0.0, 0.0]


def test_nan_spreads_over_its_row_only():
    q = t([[[math.nan, 1.0], [1.5, 0.25]]])
    out = sdpa(q, t(K), t(V))
    assert all(x != x for x in out[0, 0].tolist())
    assert close(out[0, 1], [1.068567393, 0.887710765])


def test_empty_sizes():
    assert sdpa(torsh.zeros(2, 0, 3), torsh.ones(2, 4, 3), torsh.ones(2, 4, 5)).shape == (2, 0, 5)
    assert sdpa(torsh.ones(2, 3, 4), torsh.ones(2, 0, 4), torsh.ones(2, 0, 2)).tolist() == \
        [[[0.0, 0.0]] * 3] * 2
    out = sdpa(torsh.ones(1, 2, 0), torsh.ones(1, 3, 0), t(V).float())   # E = 0: scores 0
    assert close(out, [[[1.0, 1 / 6], [1.0, 1 / 6]]], 1e-6)
    assert sdpa(torsh.ones(0, 2, 3), torsh.ones(0, 4, 3), torsh.ones(0, 4, 3)).shape == (0, 2, 3)


def test_batch_dims_broadcast():
    q, k, v = torsh.randn(2, 1, 3, 2, dtype=f64), torsh.randn(1, 2, 4, 2, dtype=f64), \
        torsh.randn(2, 2, 4, 3, dtype=f64)
    out = sdpa(q, k, v)
    assert out.shape == (2, 2, 3, 3)
    assert close(out[1, 0], sdpa(q[1, 0], k[0, 0], v[1, 0]).tolist())
    assert sdpa(torsh.randn(2, 2, 3, 4), torsh.randn(2, 5, 4), torsh.randn(2, 5, 4)).shape == \
        (2, 2, 3, 4)


def test_gqa_repeats_key_and_value_heads():
    q, k, v = torsh.randn(1, 4, 3, 2, dtype=f64), torsh.randn(1, 2, 5, 2, dtype=f64), \
        torsh.randn(1, 2, 5, 3, dtype=f64)
    out = sdpa(q, k, v, enable_gqa=True)
    assert close(out[0, 1], sdpa(q[0, 1], k[0, 0], v[0, 0]).tolist())
    assert close(out[0, 2], sdpa(q[0, 2], k[0, 1], v[0, 1]).tolist())


def test_non_contiguous_inputs():
    base = torsh.randn(1, 2, 3, dtype=f64)
    q = base.transpose(1, 2)                    # (1, 3, 2)
    k = torsh.randn(1, 4, 4, dtype=f64)[..., ::2]
    v = torsh.randn(1, 1, 3, dtype=f64).expand(1, 4, 3)
    assert close(sdpa(q, k, v), sdpa(q.contiguous(), k.contiguous(), v.contiguous()).tolist())


def test_dtypes():
    out = sdpa(t(Q, torsh.float32), t(K, torsh.float32), t(V, torsh.float32))
    assert out.dtype == torsh.float32
    assert close(out, [[[2.234139977, -0.7025415496], [1.068567393, 0.887710765]]], 1e-6)
    half = sdpa(t(Q, torsh.float16), t(K, torsh.float16), t(V, torsh.float16))
    assert half.dtype == torsh.float16
    assert close(half, [[[2.234139977, -0.7025415496], [1.068567393, 0.887710765]]], 2e-3)


def test_dropout():
    q, k, v = t(Q), t(K), t(V)
    assert sdpa(q, k, v, dropout_p=1.0).tolist() == [[[0.0, 0.0], [0.0, 0.0]]]
    torsh.manual_seed(0)
    out = sdpa(q, k, v, dropout_p=0.5)
    assert out.shape == (1, 2, 2)
    q.requires_grad_(True)
    sdpa(q, k, v, dropout_p=0.3).sum().backward()
    assert q.grad.shape == (1, 2, 2)


# ------------------------------------------------------------------ gradients

@pytest.mark.parametrize("kwargs", [{}, {"is_causal": True}, {"scale": 0.7}])
def test_gradcheck(kwargs):
    torsh.manual_seed(1)
    q, k, v = (torsh.randn(*s, dtype=f64, requires_grad=True)
               for s in ((1, 2, 2), (1, 3, 2), (1, 3, 2)))
    assert gradcheck(lambda a, b, c: sdpa(a, b, c, **kwargs), (q, k, v))
    g = torsh.randn(1, 2, 2, dtype=f64, requires_grad=True)
    assert gradgradcheck(lambda a, b, c: sdpa(a, b, c, **kwargs), (q, k, v), (g,))


def test_gradcheck_masks_and_broadcast():
    torsh.manual_seed(2)
    q = torsh.randn(2, 2, 2, dtype=f64, requires_grad=True)
    k = torsh.randn(1, 3, 2, dtype=f64, requires_grad=True)
    v = torsh.randn(3, 1, dtype=f64, requires_grad=True)
    mask = torsh.randn(2, 3, dtype=f64, requires_grad=True)
    assert gradcheck(lambda a, b, c, m: sdpa(a, b, c, attn_mask=m), (q, k, v, mask))
    g = torsh.randn(2, 2, 1, dtype=f64, requires_grad=True)
    assert gradgradcheck(lambda a, b, c, m: sdpa(a, b, c, attn_mask=m), (q, k, v, mask), (g,))
    keep = t([[True, False, True], [True, True, False]], torsh.bool)
    assert gradcheck(lambda a, b, c: sdpa(a, b, c, attn_mask=keep), (q, k, v))


# ------------------------------------------------------------------ errors

@pytest.mark.parametrize("make, kind, match", [
    (lambda: sdpa(torsh.ones(2, 3), torsh.ones(2, 3, dtype=f64), torsh.ones(2, 3)),
     RuntimeError, "same dtype"),
    (lambda: sdpa(*(torsh.ones(2, 3, dtype=torsh.int64),) * 3), RuntimeError, "floating"),
    (lambda: sdpa(torsh.ones(3), torsh.ones(3), torsh.ones(3)), RuntimeError, "at least 2"),
    (lambda: sdpa(torsh.ones(2, 3), torsh.ones(2, 4), torsh.ones(2, 4)), RuntimeError,
     "last dim"),
    (lambda: sdpa(torsh.ones(2, 3), torsh.ones(2, 3), torsh.ones(5, 3)), RuntimeError,
     "sequence length"),
    (lambda: sdpa(torsh.ones(2, 2, 3), torsh.ones(3, 2, 3), torsh.ones(3, 2, 3)),
     RuntimeError, "broadcast"),
    (lambda: sdpa(torsh.ones(2, 3), torsh.ones(4, 3), torsh.ones(4, 3),
                  attn_mask=torsh.ones(2, 4, dtype=torsh.int64)), RuntimeError, "attn_mask dtype"),
    (lambda: sdpa(torsh.ones(2, 3), torsh.ones(4, 3), torsh.ones(4, 3),
                  attn_mask=torsh.ones(2, 4, dtype=f64)), RuntimeError, "attn_mask dtype"),
    (lambda: sdpa(torsh.ones(2, 3), torsh.ones(4, 3), torsh.ones(4, 3),
                  attn_mask=torsh.ones(2, 3, dtype=torsh.bool)), RuntimeError, "broadcast"),
    (lambda: sdpa(torsh.ones(2, 3), torsh.ones(4, 3), torsh.ones(4, 3),
                  attn_mask=torsh.ones(3, 2, 4, dtype=torsh.bool)), RuntimeError, "broadcast"),
    (lambda: sdpa(torsh.ones(2, 3), torsh.ones(4, 3), torsh.ones(4, 3), is_causal=True,
                  attn_mask=torsh.ones(2, 4, dtype=torsh.bool)), RuntimeError, "is_causal"),
    (lambda: sdpa(torsh.ones(1, 3, 2, 2), torsh.ones(1, 2, 2, 2), torsh.ones(1, 2, 2, 2),
                  enable_gqa=True), RuntimeError, "divide"),
    (lambda: sdpa([1.0], torsh.ones(2, 3), torsh.ones(2, 3)), TypeError, "query"),
])
def test_errors_name_the_op(make, kind, match):
    with pytest.raises(kind, match=match) as info:
        make()
    if kind is RuntimeError:
        assert "scaled_dot_product_attention" in str(info.value)


# ------------------------------------------------------------------ multi_head_attention_forward

W_IN = ((torsh.arange(12, dtype=f64).reshape(6, 2) - 5.5) / 6)
B_IN = torsh.arange(6, dtype=f64) / 10 - 0.2
W_OUT, B_OUT = t([[0.5, -0.25], [1.0, 0.75]]), t([0.1, -0.1])
MQ = [[[0.5, -1.0]], [[1.5, 0.25]]]
MK = [[[1.0, 0.0]], [[-0.5, 2.0]], [[0.25, -1.5]]]
MV = [[[1.0, 2.0]], [[-1.0, 0.5]], [[3.0, -2.0]]]


def mha(heads=2, add_zero_attn=False, **kwargs):
    return F.multi_head_attention_forward(t(MQ), t(MK), t(MV), 2, heads, W_IN, B_IN, None, None,
                                          add_zero_attn, 0.0, W_OUT, B_OUT, training=False,
                                          **kwargs)


def test_mha_forward_matches_pytorch():
    out, weights = mha()
    assert close(out, [[[0.1526743892, 1.506335333]], [[0.2317257027, 1.706748972]]])
    assert close(weights, [[[0.3307714061, 0.3355045146, 0.3337240793],
                            [0.3732211685, 0.2546252238, 0.3721536077]]])
    out, weights = mha(key_padding_mask=t([[False, True, False]], torsh.bool),
                       average_attn_weights=False)
    assert close(out, [[[0.1598148351, 2.277035195]], [[0.3301775264, 2.296488859]]])
    assert close(weights, [[[[0.4928390313, 0, 0.5071609687], [0.634316828, 0, 0.365683172]],
                            [[0.5027343477, 0, 0.4972656523], [0.3841109438, 0, 0.6158890562]]]])
    out, weights = mha(heads=1, add_zero_attn=True, need_weights=False)
    assert weights is None
    assert close(out, [[[0.1417692444, 1.101168923]], [[0.1462893804, 1.316266766]]])


def test_mha_need_weights_paths_agree_and_fully_masked_rows():
    mask = t([[False, True, False], [True, False, True]], torsh.bool)
    with_weights, _ = mha(attn_mask=mask)
    without, _ = mha(attn_mask=mask, need_weights=False)
    assert close(with_weights, without.tolist())
    everything = torsh.ones(2, 3, dtype=torsh.bool)
    nan_out, weights = mha(attn_mask=everything)    # plain softmax: NaN, as PyTorch
    assert all(x != x for x in nan_out.flatten().tolist() + weights.flatten().tolist())
    zero_rows, _ = mha(attn_mask=everything, need_weights=False)   # sdpa: weights 0
    assert close(zero_rows, [[[0.1, -0.1]], [[0.1, -0.1]]])


@pytest.mark.parametrize("kwargs, kind, match", [
    ({"attn_mask": torsh.zeros(3, 3, dtype=f64)}, RuntimeError, "2D attn_mask"),
    ({"attn_mask": torsh.zeros(1, 2, 3, dtype=f64)}, RuntimeError, "3D attn_mask"),
    ({"attn_mask": torsh.zeros(2, 3, dtype=torsh.int64)}, AssertionError, "bool and floating"),
    ({"key_padding_mask": torsh.zeros(1, 4, dtype=torsh.bool)}, AssertionError,
     "key_padded_mask"),
    ({"is_causal": True}, RuntimeError, "Need attn_mask"),
])
def test_mha_errors(kwargs, kind, match):
    with pytest.raises(kind, match=match):
        mha(**kwargs)


def test_mha_shape_errors():
    with pytest.raises(AssertionError, match="embedding dimension of 4"):
        F.multi_head_attention_forward(t(MQ), t(MK), t(MV), 4, 2, W_IN, B_IN, None, None, False,
                                       0.0, W_OUT, B_OUT)
    with pytest.raises(AssertionError, match="not divisible"):
        F.multi_head_attention_forward(t(MQ), t(MK), t(MV), 2, 3, W_IN, B_IN, None, None, False,
                                       0.0, W_OUT, B_OUT)
    with pytest.raises(AssertionError, match="3-D"):
        F.multi_head_attention_forward(t(MQ), t(MK)[0], t(MV), 2, 2, W_IN, B_IN, None, None,
                                       False, 0.0, W_OUT, B_OUT)


def test_mha_gradcheck():
    torsh.manual_seed(3)
    q = torsh.randn(2, 1, 2, dtype=f64, requires_grad=True)
    kv = torsh.randn(3, 1, 2, dtype=f64, requires_grad=True)
    w = W_IN.clone().requires_grad_(True)

    def run(query, key, weight):
        return F.multi_head_attention_forward(query, key, key, 2, 2, weight, B_IN, None, None,
                                              False, 0.0, W_OUT, B_OUT, training=False)[0]
    assert gradcheck(run, (q, kv, w))


# ------------------------------------------------------------------ nn.MultiheadAttention

def test_module_parameters_and_init():
    torsh.manual_seed(0)
    m = nn.MultiheadAttention(4, 2)
    assert list(m.state_dict()) == ["in_proj_weight", "in_proj_bias", "out_proj.weight",
                                    "out_proj.bias"]
    assert m.in_proj_weight.shape == (12, 4) and m.in_proj_bias.shape == (12,)
    assert m.in_proj_bias.abs().sum().item() == 0 and m.out_proj.bias.abs().sum().item() == 0
    bound = math.sqrt(6 / (12 + 4))
    assert m.in_proj_weight.abs().max().item() <= bound
    assert m.q_proj_weight is None and m.bias_k is None and m.head_dim == 2
    assert repr(m) == ("MultiheadAttention(\n  (out_proj): NonDynamicallyQuantizableLinear("
                       "in_features=4, out_features=4, bias=True)\n)")
    kv = nn.MultiheadAttention(4, 2, kdim=3, vdim=5, bias=False, add_bias_kv=True)
    assert list(kv.state_dict()) == ["q_proj_weight", "k_proj_weight", "v_proj_weight",
                                     "bias_k", "bias_v", "out_proj.weight"]
    assert kv.k_proj_weight.shape == (4, 3) and kv.v_proj_weight.shape == (4, 5)
    assert kv.in_proj_weight is None and kv.in_proj_bias is None
    with pytest.raises(AssertionError, match="divisible"):
        nn.MultiheadAttention(5, 2)


def test_module_forward_shapes_and_batch_first():
    torsh.manual_seed(0)
    m = nn.MultiheadAttention(4, 2, kdim=3, vdim=5)
    q, k, v = torsh.randn(3, 2, 4), torsh.randn(6, 2, 3), torsh.randn(6, 2, 5)
    out, weights = m(q, k, v)
    assert out.shape == (3, 2, 4) and weights.shape == (2, 3, 6)
    assert m(q, k, v, average_attn_weights=False)[1].shape == (2, 2, 3, 6)
    assert m(q[:, 0], k[:, 0], v[:, 0])[0].shape == (3, 4)
    first = nn.MultiheadAttention(4, 2, kdim=3, vdim=5, batch_first=True)
    first.load_state_dict(m.state_dict())
    out_first, weights_first = first(q.transpose(0, 1), k.transpose(0, 1), v.transpose(0, 1))
    assert close(out_first.transpose(0, 1), out.tolist(), 1e-5)
    assert close(weights_first, weights.tolist(), 1e-5)


def test_module_dropout_only_in_training():
    torsh.manual_seed(0)
    m = nn.MultiheadAttention(4, 2, dropout=0.9)
    x = torsh.randn(3, 1, 4)
    m.eval()
    assert torsh.equal(m(x, x, x)[0], m(x, x, x)[0])
    m.train()
    assert not torsh.equal(m(x, x, x)[1], m(x, x, x)[1])


def test_module_matches_pytorch():
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    ref = torch.nn.MultiheadAttention(4, 2, add_bias_kv=True, add_zero_attn=True,
                                      dtype=torch.float64)
    m = nn.MultiheadAttention(4, 2, add_bias_kv=True, add_zero_attn=True, dtype=f64)
    m.load_state_dict({k: t(v.tolist()) for k, v in ref.state_dict().items()})
    x = torch.randn(3, 2, 4, dtype=torch.float64)
    mask = torch.tensor([[False, True, False], [False, False, False]])
    expected, weights = ref(x, x, x, key_padding_mask=mask)
    out, ours = m(t(x.tolist()), t(x.tolist()), t(x.tolist()), key_padding_mask=t(mask.tolist(),
                                                                                   torsh.bool))
    assert close(out, expected.tolist()) and close(ours, weights.tolist())
