"""torsh.nn.utils: gradient clipping, parameter vectors, parametrizations, fusion."""
import math

import pytest

import torsh
from torsh import nn
from torsh.nn.utils import parametrize
from torsh.nn.utils.parametrizations import spectral_norm, weight_norm


def _with_grads(*grads):
    params = []
    for g in grads:
        p = nn.Parameter(torsh.zeros(len(g), dtype=torsh.float64))
        p.grad = torsh.tensor(g, dtype=torsh.float64)
        params.append(p)
    return params


def test_clip_grad_norm_scales_by_the_total_norm():
    params = _with_grads([3.0, 0.0], [4.0])            # total 2-norm 5
    total = nn.utils.clip_grad_norm_(params, 1.0)
    assert total.item() == pytest.approx(5.0)
    scale = 1.0 / (5.0 + 1e-6)
    assert params[0].grad.tolist() == pytest.approx([3.0 * scale, 0.0])
    assert params[1].grad.tolist() == pytest.approx([4.0 * scale])


def test_clip_grad_norm_leaves_small_gradients_and_handles_inf_norm():
    params = _with_grads([0.1, -0.2])
    nn.utils.clip_grad_norm_(params, 10.0)
    assert params[0].grad.tolist() == [0.1, -0.2]       # coefficient clamped to 1
    params = _with_grads([1.0, -6.0], [2.0])
    assert nn.utils.clip_grad_norm_(params, 3.0, norm_type=math.inf).item() == 6.0
    assert params[0].grad.tolist() == pytest.approx([0.5, -3.0], rel=1e-6)


def test_clip_grad_norm_nonfinite_and_empty():
    params = _with_grads([float("nan"), 1.0])
    with pytest.raises(RuntimeError, match="non-finite"):
        nn.utils.clip_grad_norm_(params, 1.0, error_if_nonfinite=True)
    assert nn.utils.clip_grad_norm_([nn.Parameter(torsh.ones(2))], 1.0).item() == 0.0
    single = _with_grads([0.0, 2.0])[0]                 # a single tensor is accepted
    assert nn.utils.clip_grad_norm_(single, 1.0).item() == 2.0


def test_clip_grad_value():
    params = _with_grads([-3.0, 0.5, 2.0])
    nn.utils.clip_grad_value_(params, 1.0)
    assert params[0].grad.tolist() == [-1.0, 0.5, 1.0]


def test_parameters_vector_round_trip():
    layer = nn.Linear(3, 2)
    vector = nn.utils.parameters_to_vector(layer.parameters())
    assert vector.shape == (8,)
    assert vector[:6].tolist() == layer.weight.reshape(-1).tolist()
    nn.utils.vector_to_parameters(torsh.arange(8.0), layer.parameters())
    assert layer.weight.tolist() == [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]]
    assert layer.bias.tolist() == [6.0, 7.0]
    with pytest.raises(TypeError, match="expected torch.Tensor"):
        nn.utils.vector_to_parameters([1.0], layer.parameters())
    with pytest.raises(RuntimeError, match="8 elements"):
        nn.utils.vector_to_parameters(torsh.zeros(5), layer.parameters())


class Symmetric(nn.Module):
    def forward(self, x):
        return x.triu() + x.triu(1).mT


class Double(nn.Module):
    def forward(self, x):
        return 2 * x

    def right_inverse(self, x):
        return x / 2


def test_register_parametrization_computes_on_access():
    layer = nn.Linear(3, 3)
    before = layer.weight.detach().clone()
    parametrize.register_parametrization(layer, "weight", Symmetric())
    assert type(layer).__name__ == "ParametrizedLinear" and isinstance(layer, nn.Linear)
    assert parametrize.type_before_parametrizations(layer) is nn.Linear
    assert parametrize.is_parametrized(layer) and parametrize.is_parametrized(layer, "weight")
    assert not parametrize.is_parametrized(layer, "bias")
    weight = layer.weight
    assert weight.tolist() == weight.mT.tolist()
    assert layer.parametrizations.weight.original.tolist() == before.tolist()
    assert sorted(layer.state_dict()) == ["bias", "parametrizations.weight.original"]
    layer(torsh.ones(2, 3)).sum().backward()
    grad = layer.parametrizations.weight.original.grad
    assert grad.tolist() == [[2.0, 4.0, 4.0], [0.0, 2.0, 4.0], [0.0, 0.0, 2.0]]
    assert "ParametrizationList" in repr(layer)


def test_right_inverse_assignment_chain_and_removal():
    layer = nn.Linear(2, 2)
    original = layer.weight
    parametrize.register_parametrization(layer, "weight", Double())
    assert layer.parametrizations.weight.original is original    # same Parameter object
    layer.weight = torsh.ones(2, 2)
    assert layer.parametrizations.weight.original.tolist() == [[0.5, 0.5], [0.5, 0.5]]
    assert layer.weight.tolist() == [[1.0, 1.0], [1.0, 1.0]]
    parametrize.register_parametrization(layer, "weight", Double())   # applied after
    assert layer.weight.tolist() == [[2.0, 2.0], [2.0, 2.0]]
    with parametrize.cached():
        assert layer.weight is layer.weight
    assert layer.weight is not layer.weight
    parametrize.remove_parametrizations(layer, "weight")
    assert type(layer) is nn.Linear and isinstance(layer.weight, nn.Parameter)
    assert layer.weight.tolist() == [[2.0, 2.0], [2.0, 2.0]]
    assert sorted(layer.state_dict()) == ["bias", "weight"]
    with pytest.raises(ValueError, match="does not have a parametrization"):
        parametrize.remove_parametrizations(layer, "weight")
    with pytest.raises(ValueError, match="no parameter or buffer"):
        parametrize.register_parametrization(layer, "nothing", Double())


def test_weight_norm():
    layer = nn.Linear(3, 2).double()
    before = layer.weight.detach().clone()
    weight_norm(layer)
    g = layer.parametrizations.weight.original0
    v = layer.parametrizations.weight.original1
    assert g.shape == (2, 1) and v.shape == (2, 3)
    assert layer.weight.detach().allclose(before)
    assert g.reshape(-1).tolist() == pytest.approx(before.norm(dim=1).tolist())
    with torsh.no_grad():
        g.mul_(2.0)
    assert layer.weight.norm(dim=1).tolist() == pytest.approx((2 * before.norm(dim=1)).tolist())
    layer(torsh.ones(1, 3, dtype=torsh.float64)).sum().backward()
    assert g.grad is not None and v.grad is not None
    whole = weight_norm(nn.Linear(3, 2), dim=None)
    assert whole.parametrizations.weight.original0.shape == ()


def test_spectral_norm_matches_pytorch_power_iteration():
    layer = nn.Linear(3, 2).double()
    with torsh.no_grad():
        layer.weight.copy_(torsh.tensor([[1.0, 2.0, 0.5], [-1.0, 0.3, 2.0]],
                                        dtype=torsh.float64))
    spectral_norm(layer)
    module = layer.parametrizations.weight[0]
    assert sorted(layer.state_dict()) == ["bias", "parametrizations.weight.0._u",
                                          "parametrizations.weight.0._v",
                                          "parametrizations.weight.original"]
    module._u.copy_(torsh.tensor([0.6, 0.8], dtype=torsh.float64))
    module._v.copy_(torsh.tensor([1.0, 0.0, 0.0], dtype=torsh.float64))
    # values from torch.nn.utils.parametrizations.spectral_norm with the same u, v
    expected = [[0.46778026972498804, 0.9355605394499761, 0.23389013486249402],
                [-0.46778026972498804, 0.1403340809174964, 0.9355605394499761]]
    assert layer.weight.reshape(-1).tolist() == pytest.approx(sum(expected, []), rel=1e-12)
    assert module._v.tolist() == pytest.approx([0.6615412016556226, 0.5623100214072791,
                                                -0.4961559012417169], rel=1e-12)
    layer.eval()                                   # eval: u and v stay as they are
    u = module._u.tolist()
    layer.weight
    assert module._u.tolist() == u
    with pytest.raises(ValueError, match="n_power_iterations"):
        spectral_norm(nn.Linear(2, 2), n_power_iterations=0)


def _trained_bn(bn):
    """A batch norm with non-trivial running statistics and affine parameters, in eval mode."""
    with torsh.no_grad():
        bn.running_mean.copy_(torsh.linspace(-0.5, 0.5, bn.num_features, dtype=torsh.float64))
        bn.running_var.copy_(torsh.linspace(0.5, 2.0, bn.num_features, dtype=torsh.float64))
        bn.weight.copy_(torsh.linspace(0.8, 1.2, bn.num_features, dtype=torsh.float64))
        bn.bias.copy_(torsh.linspace(-0.1, 0.3, bn.num_features, dtype=torsh.float64))
    return bn.eval()


@pytest.mark.parametrize("bias", [True, False])
def test_fuse_conv_bn_eval_computes_the_pair(bias):
    conv = nn.Conv2d(2, 3, 3, padding=1, bias=bias).double().eval()
    bn = _trained_bn(nn.BatchNorm2d(3).double())
    fused = nn.utils.fuse_conv_bn_eval(conv, bn)
    x = torsh.randn(2, 2, 4, 4, dtype=torsh.float64)
    assert fused(x).allclose(bn(conv(x)), atol=1e-12)
    assert fused is not conv and fused.bias is not None
    assert isinstance(fused.weight, nn.Parameter)


def test_fuse_transposed_conv_and_linear():
    conv = nn.ConvTranspose2d(2, 3, 2, stride=2).double().eval()
    bn = _trained_bn(nn.BatchNorm2d(3).double())
    fused = nn.utils.fuse_conv_bn_eval(conv, bn, transpose=True)
    x = torsh.randn(1, 2, 3, 3, dtype=torsh.float64)
    assert fused(x).allclose(bn(conv(x)), atol=1e-12)
    linear = nn.Linear(4, 3).double().eval()
    bn1 = _trained_bn(nn.BatchNorm1d(3).double())
    v = torsh.randn(5, 4, dtype=torsh.float64)
    assert nn.utils.fuse_linear_bn_eval(linear, bn1)(v).allclose(bn1(linear(v)), atol=1e-12)
    with pytest.raises(AssertionError, match="Fusion only for eval"):
        nn.utils.fuse_conv_bn_eval(conv.train(), bn)
