"""Normalization: batch_norm, instance_norm, layer_norm, group_norm, rms_norm,
local_response_norm, normalize and their layers (hand-computed values, running statistics,
gradients of first and second order, errors, layer parameters / repr / state_dict)."""
import math
import warnings

import pytest

import torsh
import torsh.nn as nn
import torsh.nn.functional as F
from torsh.autograd.gradcheck import gradcheck, gradgradcheck


def approx(tensor, expected, tol=1e-6):
    got = tensor.detach().reshape(-1).tolist()
    expected = [v for v in torsh.tensor(expected, dtype=torsh.float64).reshape(-1).tolist()]
    assert len(got) == len(expected)
    for a, b in zip(got, expected):
        assert (math.isnan(a) and math.isnan(b)) or abs(a - b) <= tol * (1 + abs(b)), (got,
                                                                                      expected)


def grads_check(fn, *inputs):
    """gradcheck and gradgradcheck (all inputs float64, requiring grad)."""
    assert gradcheck(fn, inputs)
    out = fn(*inputs)
    outs = out if isinstance(out, tuple) else (out,)
    cotangents = tuple(torsh.randn(o.shape, dtype=torsh.float64, requires_grad=True)
                       for o in outs)
    assert gradgradcheck(fn, inputs, cotangents)


def randn(*shape, grad=True):
    return torsh.randn(*shape, dtype=torsh.float64, requires_grad=grad)


# ------------------------------------------------------------ batch_norm

def test_batch_norm_training_values_and_running_update():
    x = torsh.tensor([[1.0, 2.0, 3.0], [3.0, 5.0, 9.0]])
    mean, var = torsh.zeros(3), torsh.ones(3)
    y = F.batch_norm(x, mean, var, training=True, momentum=0.5, eps=0.0)
    approx(y, [[-1.0, -1.0, -1.0], [1.0, 1.0, 1.0]])
    # running = 0.5 * old + 0.5 * batch stat; the variance unbiased (n / (n - 1) = 2)
    approx(mean, [1.0, 1.75, 3.0])
    approx(var, [0.5 + 0.5 * 2.0, 0.5 + 0.5 * 4.5, 0.5 + 0.5 * 18.0])


def test_batch_norm_eval_uses_running_statistics_and_affine():
    x = torsh.tensor([[1.0, 2.0], [3.0, 6.0]])
    y = F.batch_norm(x, torsh.tensor([1.0, 2.0]), torsh.tensor([4.0, 16.0]),
                     torsh.tensor([2.0, 1.0]), torsh.tensor([0.5, -1.0]), eps=0.0)
    approx(y, [[0.5, -1.0], [2.5, 0.0]])


def test_batch_norm_spatial_dims_and_no_stats():
    x = torsh.tensor([[[1.0, 3.0]], [[5.0, 7.0]]])        # (N=2, C=1, L=2): mean 4, var 5
    y = F.batch_norm(x, None, None, training=True, eps=0.0)
    s = math.sqrt(5)
    approx(y, [[[-3 / s, -1 / s]], [[1 / s, 3 / s]]])


def test_batch_norm_special_values_stay_in_their_channel():
    x = torsh.tensor([[1.0, math.nan, math.inf], [2.0, 1.0, 1.0]])
    y = F.batch_norm(x, None, None, training=True, eps=0.0)
    approx(y, [[-1.0, math.nan, math.nan], [1.0, math.nan, math.nan]])


def test_batch_norm_empty_batch_keeps_running_statistics():
    mean, var = torsh.tensor([1.0, 2.0]), torsh.tensor([3.0, 4.0])
    y = F.batch_norm(torsh.zeros(0, 2), mean, var, training=True)
    assert y.shape == (0, 2)
    assert mean.tolist() == [1.0, 2.0] and var.tolist() == [3.0, 4.0]


def test_batch_norm_float16_input_with_float32_parameters():
    x = torsh.tensor([[1.0, 2.0], [3.0, 6.0]], dtype=torsh.float16)
    mean, var = torsh.zeros(2), torsh.ones(2)
    y = F.batch_norm(x, mean, var, torsh.ones(2), torsh.zeros(2), training=True, eps=0.0)
    assert y.dtype is torsh.float16 and mean.dtype is torsh.float32
    approx(y, [[-1.0, -1.0], [1.0, 1.0]], 1e-3)
    approx(mean, [0.2, 0.4])


@pytest.mark.parametrize("training", [True, False])
def test_batch_norm_gradients(training):
    stats = (torsh.tensor([0.1, -0.2, 0.3], dtype=torsh.float64),
             torsh.tensor([0.5, 1.5, 2.0], dtype=torsh.float64))

    def fn(x, w, b):
        return F.batch_norm(x, stats[0].clone(), stats[1].clone(), w, b, training=training)
    grads_check(fn, randn(3, 3, 2), randn(3), randn(3))


def test_batch_norm_gradient_without_affine_and_4d():
    grads_check(lambda x: F.batch_norm(x, None, None, training=True), randn(2, 2, 2, 2))


@pytest.mark.parametrize("norm", [
    lambda x, w, b: F.batch_norm(x, None, None, w, b, True),
    lambda x, w, b: F.layer_norm(x.transpose(1, 2), (3,), w, b),
    lambda x, w, b: F.group_norm(x, 1, w, b),
    lambda x, w, b: F.rms_norm(x.transpose(1, 2), (3,), w) + b,
], ids=["batch_norm", "layer_norm", "group_norm", "rms_norm"])
def test_fused_and_composite_backward_agree(norm):
    """Without create_graph the fused *_backward op runs; with it, the torsh-op formula."""
    x, w, b = randn(4, 3, 2), randn(3), randn(3)
    g = torsh.randn(norm(x, w, b).shape, dtype=torsh.float64)
    fused = torsh.autograd.grad(norm(x, w, b), (x, w, b), g)
    graph = torsh.autograd.grad(norm(x, w, b), (x, w, b), g, create_graph=True)
    assert graph[0].requires_grad and not fused[0].requires_grad
    for a, c in zip(fused, graph):
        approx(a, c.detach().tolist(), 1e-10)


def test_batch_norm_allows_inplace_relu_after_it():
    x = torsh.randn(4, 3, requires_grad=True)
    y = F.batch_norm(x, torsh.zeros(3), torsh.ones(3), training=True)
    F.relu(y, inplace=True).sum().backward()
    assert x.grad is not None and x.grad.shape == (4, 3)


def test_batch_norm_errors():
    with pytest.raises(ValueError, match="more than 1 value per channel"):
        F.batch_norm(torsh.randn(1, 3), None, None, training=True)
    with pytest.raises(RuntimeError, match="batch_norm: running_mean must be defined"):
        F.batch_norm(torsh.randn(2, 3), None, None)
    with pytest.raises(RuntimeError, match="batch_norm: running_mean should contain 3 elem"):
        F.batch_norm(torsh.randn(2, 3), torsh.zeros(4), torsh.ones(4), training=True)
    with pytest.raises(RuntimeError, match="batch_norm: weight should contain 3 elements"):
        F.batch_norm(torsh.randn(2, 3), None, None, torsh.ones(2), training=True)
    with pytest.raises(NotImplementedError, match="batch_norm.*'Long'"):
        F.batch_norm(torsh.ones(2, 3, dtype=torsh.int64), torsh.zeros(3), torsh.ones(3))
    with pytest.raises(RuntimeError, match="batch_norm: mixed dtype.*Float"):
        F.batch_norm(torsh.randn(2, 3), None, None, torsh.ones(3, dtype=torsh.float64),
                     training=True)
    with pytest.raises(RuntimeError, match="batch_norm: mixed dtype.*share same datatype"):
        F.batch_norm(torsh.randn(2, 3, dtype=torsh.float64), torsh.zeros(3), torsh.ones(3))
    with pytest.raises(RuntimeError, match="batch_norm: expected scalar type Float but found "
                                           "Double"):
        F.batch_norm(torsh.randn(2, 3), torsh.zeros(3), torsh.ones(3, dtype=torsh.float64))
    with pytest.raises(ValueError, match="batch_norm: running_mean and running_var"):
        F.batch_norm(torsh.randn(2, 3), torsh.zeros(3), None, training=True)
    with pytest.raises(ValueError, match="batch_norm eps must be non-negative"):
        F.batch_norm(torsh.randn(2, 3), torsh.zeros(3), torsh.ones(3), eps=-1.0)
    with pytest.raises(TypeError, match="momentum"):
        F.batch_norm(torsh.randn(2, 3), None, None, training=True, momentum=None)
    with pytest.raises(RuntimeError, match="not differentiable with respect to argument "
                                           "'running_mean'"):
        F.batch_norm(torsh.randn(2, 3), torsh.zeros(3, requires_grad=True), torsh.ones(3))


# ------------------------------------------------------------ instance_norm

def test_instance_norm_values_and_running_average_over_the_batch():
    x = torsh.tensor([[[1.0, 3.0]], [[0.0, 4.0]]])     # (N=2, C=1, L=2)
    mean, var = torsh.zeros(1), torsh.ones(1)
    y = F.instance_norm(x, mean, var, momentum=1.0, eps=0.0)
    approx(y, [[[-1.0, 1.0]], [[-1.0, 1.0]]])
    approx(mean, [(2.0 + 2.0) / 2])            # the batch average of the per-sample updates
    approx(var, [(2.0 + 8.0) / 2])             # unbiased: 2 and 8
    z = F.instance_norm(x, mean, var, use_input_stats=False, eps=0.0)
    approx(z, [[[-1 / math.sqrt(5), 1 / math.sqrt(5)]], [[-2 / math.sqrt(5), 2 / math.sqrt(5)]]])


def test_instance_norm_gradients_and_errors():
    grads_check(lambda x, w, b: F.instance_norm(x, weight=w, bias=b), randn(2, 2, 3), randn(2),
                randn(2))
    with pytest.raises(ValueError, match="more than 1 spatial element"):
        F.instance_norm(torsh.randn(2, 3, 1))


# ------------------------------------------------------------ layer_norm

def test_layer_norm_values():
    y = F.layer_norm(torsh.tensor([[1.0, 2.0, 3.0], [2.0, 2.0, 2.0]]), (3,), eps=0.0)
    s = math.sqrt(2 / 3)      # biased variance of 1, 2, 3
    approx(y, [[-1 / s, 0.0, 1 / s], [math.nan, math.nan, math.nan]])
    y = F.layer_norm(torsh.tensor([[1.0, 3.0], [5.0, 7.0]]), [2, 2], torsh.full((2, 2), 2.0),
                     torsh.ones(2, 2), eps=0.0)
    approx(y, [[1 - 6 / math.sqrt(5), 1 - 2 / math.sqrt(5)],     # mean 4, var 5
               [1 + 2 / math.sqrt(5), 1 + 6 / math.sqrt(5)]])


def test_layer_norm_gradients_noncontiguous_and_empty():
    grads_check(lambda x, w, b: F.layer_norm(x, (3,), w, b), randn(2, 3), randn(3), randn(3))
    grads_check(lambda x: F.layer_norm(x, (2, 3)), randn(2, 2, 3))
    x = torsh.tensor([[1.0, 4.0], [2.0, 8.0], [3.0, 0.0]]).t()       # non-contiguous
    approx(F.layer_norm(x, (3,)), F.layer_norm(x.contiguous(), (3,)).tolist(), 0)
    assert F.layer_norm(torsh.zeros(0, 4), (4,)).shape == (0, 4)


def test_layer_norm_errors():
    with pytest.raises(RuntimeError, match=r"layer_norm: Given normalized_shape=\[2\]"):
        F.layer_norm(torsh.randn(2, 3), (2,))
    with pytest.raises(RuntimeError, match="layer_norm: Expected normalized_shape to be at lea"):
        F.layer_norm(torsh.randn(2, 3), ())
    with pytest.raises(RuntimeError, match="layer_norm: Expected weight to be of same shape"):
        F.layer_norm(torsh.randn(2, 3), (3,), torsh.ones(2))
    with pytest.raises(NotImplementedError, match="LayerNormKernelImpl"):
        F.layer_norm(torsh.ones(2, 3, dtype=torsh.int64), (3,))
    with pytest.raises(TypeError, match="layer_norm.*normalized_shape"):
        F.layer_norm(torsh.randn(2, 3), 3)


# ------------------------------------------------------------ group_norm

def test_group_norm_values():
    x = torsh.tensor([[1.0, 2.0, 3.0, 5.0]])            # (N=1, C=4), 2 groups of 2 channels
    approx(F.group_norm(x, 2, eps=0.0), [[-1.0, 1.0, -1.0, 1.0]])
    y = F.group_norm(x, 2, torsh.tensor([1.0, 2.0, 3.0, 4.0]),
                     torsh.tensor([0.0, 1.0, 0.0, 1.0]), eps=0.0)
    approx(y, [[-1.0, 3.0, -3.0, 5.0]])


def test_group_norm_gradients():
    grads_check(lambda x, w, b: F.group_norm(x, 2, w, b), randn(2, 4, 2), randn(4), randn(4))
    grads_check(lambda x: F.group_norm(x, 1), randn(1, 2, 2, 2))


def test_group_norm_errors():
    with pytest.raises(RuntimeError, match="group_norm: Expected number of channels"):
        F.group_norm(torsh.randn(2, 6, 2), 4)
    with pytest.raises(RuntimeError, match="group_norm: Expected at least 2 dimensions"):
        F.group_norm(torsh.randn(6), 3)
    with pytest.raises(ValueError, match="more than 1 value per channel"):
        F.group_norm(torsh.randn(1, 6), 6)
    with pytest.raises(RuntimeError, match="group_norm: Expected weight to be a vector"):
        F.group_norm(torsh.randn(2, 6, 2), 3, torsh.ones(5))
    with pytest.raises(NotImplementedError, match="GroupNormKernelImpl"):
        F.group_norm(torsh.ones(2, 4, dtype=torsh.int64), 2)


# ------------------------------------------------------------ rms_norm, lrn, normalize

def test_rms_norm_values_gradients_and_errors():
    y = F.rms_norm(torsh.tensor([[3.0, 4.0]], dtype=torsh.float64), (2,), eps=0.0)
    approx(y, [[3 / math.sqrt(12.5), 4 / math.sqrt(12.5)]])
    assert F.rms_norm(torsh.zeros(1, 2), (2,)).tolist() == [[0.0, 0.0]]   # eps = finfo eps
    grads_check(lambda x, w: F.rms_norm(x, (3,), w), randn(2, 3), randn(3))
    with pytest.raises(RuntimeError, match=r"rms_norm: Given normalized_shape=\[2\]"):
        F.rms_norm(torsh.randn(2, 3), (2,))
    with pytest.raises(NotImplementedError, match="rms_norm"):
        F.rms_norm(torsh.ones(2, 3, dtype=torsh.int64), (3,))


def test_local_response_norm():
    x = torsh.tensor([[[1.0], [2.0], [3.0]]], dtype=torsh.float64)      # (1, 3, 1)
    y = F.local_response_norm(x, 2, alpha=1.0, beta=1.0, k=1.0)
    # window of channel c: c - 1 and c; divisor k + alpha * mean of the squares
    approx(y, [[[1 / 1.5], [2 / 3.5], [3 / 7.5]]])
    grads_check(lambda t: F.local_response_norm(t, 3, alpha=0.5), randn(1, 4, 2))
    with pytest.raises(ValueError, match="Expected 3D or higher"):
        F.local_response_norm(torsh.randn(2, 3), 2)


def test_normalize():
    approx(F.normalize(torsh.tensor([[3.0, 4.0], [0.0, 0.0]])), [[0.6, 0.8], [0.0, 0.0]])
    approx(F.normalize(torsh.tensor([[1.0, 3.0]]), p=1, dim=1), [[0.25, 0.75]])
    grads_check(lambda t: F.normalize(t, dim=0), randn(3, 2))


def test_ops_are_registered_with_references():
    from torsh.nn.functional import FUNCTIONAL_OPS
    for name in ("batch_norm", "batch_norm_backward", "layer_norm", "layer_norm_backward",
                 "group_norm", "group_norm_backward", "rms_norm"):
        assert FUNCTIONAL_OPS[name].reference is not None and FUNCTIONAL_OPS[name].doc


# ------------------------------------------------------------ layers

def test_batchnorm_layer_parameters_buffers_repr():
    layer = nn.BatchNorm2d(4)
    assert repr(layer) == ("BatchNorm2d(4, eps=1e-05, momentum=0.1, affine=True, bias=True, "
                           "track_running_stats=True)")
    assert list(layer.state_dict()) == ["weight", "bias", "running_mean", "running_var",
                                        "num_batches_tracked"]
    assert layer.weight.tolist() == [1.0] * 4 and layer.bias.tolist() == [0.0] * 4
    assert layer.num_batches_tracked.dtype is torsh.int64
    plain = nn.BatchNorm1d(3, affine=False, track_running_stats=False)
    assert list(plain.state_dict()) == [] and plain.weight is None
    assert list(nn.BatchNorm1d(3, bias=False).state_dict())[:2] == ["weight", "running_mean"]


def test_batchnorm_layer_training_and_eval():
    layer = nn.BatchNorm1d(2, momentum=None)         # cumulative average of the batch stats
    a = torsh.tensor([[1.0, 2.0], [3.0, 2.0]])
    b = torsh.tensor([[5.0, 0.0], [7.0, 0.0]])
    layer(a)
    layer(b)
    assert layer.num_batches_tracked.item() == 2
    approx(layer.running_mean, [4.0, 1.0])
    approx(layer.running_var, [(2.0 + 2.0) / 2, 0.0])
    layer.eval()
    approx(layer(torsh.tensor([[4.0, 1.0]])), [[0.0, 0.0]])
    assert layer.num_batches_tracked.item() == 2
    layer.reset_running_stats()
    assert layer.running_mean.tolist() == [0.0, 0.0] and layer.num_batches_tracked.item() == 0
    untracked = nn.BatchNorm1d(2, track_running_stats=False).eval()
    approx(untracked(a), [[-1.0, 0.0], [1.0, 0.0]], 1e-4)   # batch statistics in eval too


def test_batchnorm_layer_input_dims_and_state_dict_loading():
    with pytest.raises(ValueError, match=r"expected 4D input \(got 2D input\)"):
        nn.BatchNorm2d(3)(torsh.randn(2, 3))
    with pytest.raises(ValueError, match="expected 2D or 3D input"):
        nn.BatchNorm1d(3)(torsh.randn(2, 3, 2, 2))
    with pytest.raises(ValueError, match="expected 5D input"):
        nn.BatchNorm3d(3)(torsh.randn(2, 3, 2, 2))
    layer = nn.BatchNorm1d(2)
    state = {"weight": torsh.tensor([2.0, 3.0]), "bias": torsh.zeros(2),
             "running_mean": torsh.ones(2), "running_var": torsh.ones(2)}
    layer.load_state_dict(state)        # no num_batches_tracked: loads as 0, like PyTorch
    assert layer.weight.tolist() == [2.0, 3.0] and layer.num_batches_tracked.item() == 0


def test_batchnorm_layer_trains_with_backward():
    layer = nn.BatchNorm2d(2)
    x = torsh.randn(3, 2, 2, 2, requires_grad=True)
    layer(x).pow(2).sum().backward()
    assert layer.weight.grad.shape == (2,) and x.grad.shape == (3, 2, 2, 2)


def test_instancenorm_layers():
    layer = nn.InstanceNorm1d(2)
    assert repr(layer) == ("InstanceNorm1d(2, eps=1e-05, momentum=0.1, affine=False, "
                           "bias=False, track_running_stats=False)")
    x = torsh.tensor([[1.0, 3.0], [0.0, 4.0]])        # unbatched (C=2, L=2)
    approx(layer(x), [[-1.0, 1.0], [-1.0, 1.0]], 1e-4)
    with pytest.raises(ValueError, match=r"expected 3D or 4D input \(got 2D input\)"):
        nn.InstanceNorm2d(2)(x)
    with pytest.raises(ValueError, match=r"expected input's size at dim=1 to match"):
        nn.InstanceNorm1d(3, affine=True)(torsh.randn(2, 2, 4))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        nn.InstanceNorm1d(3)(torsh.randn(2, 2, 4))
    assert any("does not match num_features" in str(w.message) for w in caught)
    tracked = nn.InstanceNorm2d(2, track_running_stats=True, affine=True)
    tracked(torsh.randn(2, 2, 2, 2))
    assert list(tracked.state_dict()) == ["weight", "bias", "running_mean", "running_var",
                                          "num_batches_tracked"]
    assert tracked.running_mean.abs().sum().item() > 0
    assert tracked.num_batches_tracked.item() == 0     # as PyTorch: not counted


def test_layernorm_groupnorm_rmsnorm_lrn_layers():
    ln = nn.LayerNorm([2, 3], bias=False)
    assert repr(ln) == "LayerNorm((2, 3), eps=1e-05, elementwise_affine=True, bias=False)"
    assert ln.weight.shape == (2, 3) and list(ln.state_dict()) == ["weight"]
    assert ln(torsh.randn(4, 2, 3)).shape == (4, 2, 3)
    gn = nn.GroupNorm(2, 4)
    assert repr(gn) == "GroupNorm(2, 4, eps=1e-05, affine=True, bias=True)"
    assert gn(torsh.randn(2, 4, 3)).shape == (2, 4, 3)
    with pytest.raises(ValueError, match=r"num_channels \(5\) must be divisible by num_groups"):
        nn.GroupNorm(2, 5)
    rms = nn.RMSNorm(4)
    assert repr(rms) == "RMSNorm((4,), eps=None, elementwise_affine=True)"
    assert rms(torsh.randn(2, 4)).shape == (2, 4) and rms.weight.tolist() == [1.0] * 4
    lrn = nn.LocalResponseNorm(3)
    assert repr(lrn) == "LocalResponseNorm(3, alpha=0.0001, beta=0.75, k=1.0)"
    assert lrn(torsh.randn(1, 4, 2)).shape == (1, 4, 2)


def test_cross_map_lrn2d_slides_its_window_like_pytorch():
    layer = nn.CrossMapLRN2d(3, alpha=3.0, beta=1.0, k=1.0)
    assert repr(layer) == "CrossMapLRN2d(3, alpha=3.0, beta=1.0, k=1.0)"
    x = torsh.tensor([1.0, 2.0, 3.0], dtype=torsh.float64).reshape(1, 3, 1, 1)
    # windows (pre_pad 2): {0, 1}, {0, 1, 2}, {0, 1, 2}; divisor k + alpha / size * sum
    approx(layer(x), [1 / 6, 2 / 15, 3 / 15])
    with pytest.raises(ValueError, match="CrossMapLRN2d: Expected input to be 4D"):
        layer(torsh.randn(1, 3, 2))


def test_lazy_norm_layers_take_num_features_from_the_first_input():
    layer = nn.LazyBatchNorm2d()
    assert repr(layer).startswith("LazyBatchNorm2d(0, eps=1e-05")
    layer(torsh.randn(2, 3, 2, 2))
    assert type(layer) is nn.BatchNorm2d and layer.num_features == 3
    assert layer.weight.shape == (3,) and layer.num_batches_tracked.item() == 1
    assert layer.running_mean.abs().sum().item() > 0
    loaded = nn.LazyBatchNorm1d()
    loaded.load_state_dict(nn.BatchNorm1d(5).state_dict())
    assert type(loaded) is nn.BatchNorm1d and loaded.running_var.shape == (5,)
    instance = nn.LazyInstanceNorm1d()         # PyTorch's lazy defaults: affine, tracked
    instance(torsh.randn(2, 4, 3))
    assert type(instance) is nn.InstanceNorm1d and instance.weight.shape == (4,)
    assert instance.track_running_stats
