"""nn.TransformerEncoderLayer, TransformerDecoderLayer, TransformerEncoder, TransformerDecoder,
Transformer and generate_square_subsequent_mask.

Expected outputs were computed once with PyTorch 2.13 (float64, eval mode) for parameters
filled by the formula in `fill`, and are stored as literals.
"""
import math

import pytest

import torsh
import torsh.nn as nn
from torsh.autograd.gradcheck import gradcheck
from torsh.nn.modules import transformer as transformer_module

f64 = torsh.float64


def close(a, b, tol=1e-8):
    if isinstance(a, torsh.Tensor):
        a = a.tolist()
    if isinstance(a, list):
        return len(a) == len(b) and all(close(x, y, tol) for x, y in zip(a, b))
    return abs(a - b) <= tol * (1 + abs(b))


def fill(module):
    """Parameter i (in named_parameters order) = ((3 * arange + i) % 7 - 3) / 10; eval mode."""
    with torsh.no_grad():
        for i, (_, p) in enumerate(module.named_parameters()):
            values = (torsh.arange(p.numel(), dtype=f64) * 3 + i) % 7 - 3
            p.copy_((values / 10).reshape(p.shape))
    return module.eval()


X = torsh.tensor([[[0.5, -1.0, 0.25, 2.0]], [[1.5, 0.25, -0.5, 0.0]],
                  [[-0.75, 2.0, 1.0, -1.25]]], dtype=f64)
MEMORY = torsh.tensor([[[1.0, 0.0, -0.5, 0.5]], [[0.0, -1.0, 2.0, 0.25]]], dtype=f64)
CAUSAL = nn.Transformer.generate_square_subsequent_mask(3, dtype=f64)


def test_generate_square_subsequent_mask():
    inf = math.inf
    assert nn.Transformer.generate_square_subsequent_mask(3).tolist() == \
        [[0.0, -inf, -inf], [0.0, 0.0, -inf], [0.0, 0.0, 0.0]]
    assert nn.Transformer.generate_square_subsequent_mask(2).dtype == torsh.float32
    assert CAUSAL.dtype == f64
    assert transformer_module._generate_square_subsequent_mask(1).tolist() == [[0.0]]
    assert transformer_module.generate_square_subsequent_mask(0).shape == (0, 0)


def test_encoder_layer_matches_pytorch():
    layer = fill(nn.TransformerEncoderLayer(4, 2, dim_feedforward=3, dtype=f64))
    assert close(layer(X), [[[0.1, -0.2592917316, -0.1151227063, 0.3624694326]],
                            [[0.1, -0.2278031058, -0.1216582437, 0.3216065591]],
                            [[0.1, 0.1625613473, 0.02582247049, 0.292541766]]])
    pre = fill(nn.TransformerEncoderLayer(4, 2, dim_feedforward=3, activation="gelu",
                                          norm_first=True, dtype=f64))
    assert close(pre(X, src_mask=CAUSAL),
                 [[[0.2962550826, -0.8043684517, 0.4130914564, 2.169488938]],
                  [[1.244405587, 0.4860787627, -0.3381966383, 0.1280618373]],
                  [[-1.043023328, 2.275159865, 1.16776644, -1.144404794]]])


def test_decoder_layer_matches_pytorch():
    layer = fill(nn.TransformerDecoderLayer(4, 2, dim_feedforward=3, dtype=f64))
    assert close(layer(X, MEMORY),
                 [[[0.03462401834, 0.04190411101, -0.13140555, 0.3479691878]],
                  [[0.0799385392, 0.08762668765, -0.1860619392, 0.3430942258]],
                  [[-0.03456193302, -0.02827916473, -0.1464026481, 0.3063763253]]])


def test_transformer_matches_pytorch():
    model = fill(nn.Transformer(4, 2, 1, 1, dim_feedforward=3, dtype=f64))
    assert close(model(MEMORY, X, tgt_mask=CAUSAL),
                 [[[0.1760293296, -0.1604154796, 0.1, 0.1722346589]],
                  [[0.1984361346, -0.2399249974, 0.1, 0.1052648477]],
                  [[0.1702232685, -0.1101307214, 0.1, 0.194424482]]])


def test_names_match_pytorch():
    layer = nn.TransformerEncoderLayer(4, 2, dim_feedforward=6)
    assert [name for name, _ in layer.named_children()] == [
        "self_attn", "linear1", "dropout", "linear2", "norm1", "norm2", "dropout1", "dropout2"]
    decoder = nn.TransformerDecoderLayer(4, 2, dim_feedforward=6, bias=False)
    assert [name for name, _ in decoder.named_children()] == [
        "self_attn", "multihead_attn", "linear1", "dropout", "linear2", "norm1", "norm2",
        "norm3", "dropout1", "dropout2", "dropout3"]
    assert "linear1.bias" not in decoder.state_dict() and decoder.norm1.bias is None
    stack = nn.TransformerEncoder(layer, 2, norm=nn.LayerNorm(4))
    keys = list(stack.state_dict())
    assert keys[0] == "layers.0.self_attn.in_proj_weight" and keys[-1] == "norm.bias"
    assert sum(k.startswith("layers.1.") for k in keys) == 12
    model = nn.Transformer(4, 2, 1, 1, dim_feedforward=6)
    assert list(model.state_dict())[-1] == "decoder.norm.bias"
    assert len(model.state_dict()) == 34
    assert model.d_model == 4 and model.nhead == 2 and model.batch_first is False


def test_layers_are_independent_copies():
    layer = nn.TransformerEncoderLayer(4, 2, dim_feedforward=6)
    stack = nn.TransformerEncoder(layer, 2)
    assert stack.layers[0] is not layer and stack.layers[0] is not stack.layers[1]
    assert stack.layers[0].linear1.weight is not stack.layers[1].linear1.weight
    assert torsh.equal(stack.layers[0].linear1.weight, stack.layers[1].linear1.weight)
    assert stack.num_layers == 2 and stack.use_nested_tensor is False


def test_transformer_init_is_xavier():
    torsh.manual_seed(0)
    model = nn.Transformer(8, 2, 1, 1, dim_feedforward=16)
    weight = model.encoder.layers[0].linear1.weight        # (16, 8)
    assert weight.abs().max().item() <= math.sqrt(6 / 24)
    assert weight.abs().max().item() > 1 / math.sqrt(8)    # beyond Linear's default bound
    assert model.encoder.layers[0].self_attn.in_proj_bias.abs().sum().item() == 0
    assert model.encoder.norm.weight.tolist() == [1.0] * 8


def test_activation_choices():
    assert nn.TransformerEncoderLayer(4, 2, activation="gelu").activation_relu_or_gelu == 2
    assert nn.TransformerEncoderLayer(4, 2).activation_relu_or_gelu == 1
    custom = nn.TransformerEncoderLayer(4, 2, activation=torsh.tanh)
    assert custom.activation_relu_or_gelu == 0 and custom.activation is torsh.tanh
    as_module = nn.TransformerEncoderLayer(4, 2, activation=nn.GELU())
    assert as_module.activation_relu_or_gelu == 2 and "activation" in dict(
        as_module.named_children())
    with pytest.raises(RuntimeError, match="activation should be relu/gelu, not tanh"):
        nn.TransformerEncoderLayer(4, 2, activation="tanh")


def test_batch_first_and_unbatched_agree():
    torsh.manual_seed(0)
    layer = nn.TransformerEncoderLayer(4, 2, dim_feedforward=6, dtype=f64).eval()
    first = nn.TransformerEncoderLayer(4, 2, dim_feedforward=6, batch_first=True,
                                       dtype=f64).eval()
    first.load_state_dict(layer.state_dict())
    x = torsh.randn(3, 2, 4, dtype=f64)
    out = layer(x)
    assert close(first(x.transpose(0, 1)).transpose(0, 1), out.tolist(), 1e-10)
    assert close(layer(x[:, 1]), out[:, 1].tolist(), 1e-10)


def test_causal_mask_detection_and_padding():
    torsh.manual_seed(0)
    stack = nn.TransformerEncoder(nn.TransformerEncoderLayer(4, 2, dim_feedforward=6,
                                                             dtype=f64), 2).eval()
    x = torsh.randn(3, 2, 4, dtype=f64)
    causal = stack(x, mask=CAUSAL)
    assert close(stack(x, mask=CAUSAL, is_causal=True), causal.tolist(), 1e-10)
    bool_causal = torsh.ones(3, 3, dtype=torsh.bool).triu(1)      # True = left out
    assert close(stack(x, mask=bool_causal), causal.tolist(), 1e-10)
    assert close(stack(x[:1]), causal[:1].tolist(), 1e-10)         # position 0 sees only itself
    assert transformer_module._detect_is_causal_mask(CAUSAL) is True
    assert transformer_module._detect_is_causal_mask(torsh.zeros(3, 3)) is False
    padded = stack(x, src_key_padding_mask=torsh.tensor([[False, False, True],
                                                         [False, False, False]]))
    assert close(padded[:2, 0], stack(x[:2, :1])[:, 0].tolist(), 1e-10)


def test_decoder_stack_and_transformer_errors():
    torsh.manual_seed(0)
    decoder = nn.TransformerDecoder(nn.TransformerDecoderLayer(4, 2, dim_feedforward=6), 2,
                                    norm=nn.LayerNorm(4))
    assert decoder(torsh.randn(3, 2, 4), torsh.randn(5, 2, 4)).shape == (3, 2, 4)
    model = nn.Transformer(4, 2, 1, 1, dim_feedforward=6, batch_first=True)
    assert model(torsh.randn(2, 5, 4), torsh.randn(2, 3, 4)).shape == (2, 3, 4)
    with pytest.raises(RuntimeError, match="batch number of src and tgt"):
        model(torsh.randn(2, 5, 4), torsh.randn(3, 3, 4))
    with pytest.raises(RuntimeError, match="feature number of src and tgt"):
        model(torsh.randn(2, 5, 4), torsh.randn(2, 3, 5))
    custom = nn.Transformer(4, 2, custom_encoder=nn.Identity(), custom_decoder=decoder)
    assert isinstance(custom.encoder, nn.Identity) and custom.decoder is decoder


def test_dropout_active_only_in_training():
    torsh.manual_seed(0)
    layer = nn.TransformerEncoderLayer(4, 2, dim_feedforward=6, dropout=0.5)
    x = torsh.randn(3, 1, 4)
    assert not torsh.equal(layer(x), layer(x))
    layer.eval()
    assert torsh.equal(layer(x), layer(x))


def test_gradcheck_encoder_layer():
    torsh.manual_seed(0)
    layer = nn.TransformerEncoderLayer(2, 1, dim_feedforward=3, dropout=0.0, dtype=f64)
    x = torsh.randn(2, 1, 2, dtype=f64, requires_grad=True)
    assert gradcheck(lambda a: layer(a, src_mask=CAUSAL[:2, :2]), (x,))


def test_state_dict_from_pytorch_loads():
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    ref = torch.nn.Transformer(4, 2, 1, 1, dim_feedforward=6, dtype=torch.float64).eval()
    model = nn.Transformer(4, 2, 1, 1, dim_feedforward=6, dtype=f64).eval()
    model.load_state_dict({k: torsh.tensor(v.tolist(), dtype=f64)
                           for k, v in ref.state_dict().items()})
    src, tgt = torch.randn(5, 2, 4, dtype=torch.float64), torch.randn(3, 2, 4,
                                                                      dtype=torch.float64)
    mask = torch.nn.Transformer.generate_square_subsequent_mask(3, dtype=torch.float64)
    expected = ref(src, tgt, tgt_mask=mask)
    got = model(torsh.tensor(src.tolist(), dtype=f64), torsh.tensor(tgt.tolist(), dtype=f64),
                tgt_mask=CAUSAL)
    assert close(got, expected.tolist(), 1e-9)
