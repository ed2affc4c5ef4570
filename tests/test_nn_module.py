"""torsh.nn Module system: registration, iteration, modes, conversion, hooks, state dicts,
containers, reprs and a few core layers."""
import copy
import math
import pickle
from collections import OrderedDict

import pytest

import torsh
from torsh import nn


def _close(a, b, tol=1e-6):
    return all(abs(x - y) <= tol for x, y in zip(torsh.tensor(a).flatten().tolist(),
                                                torsh.tensor(b).flatten().tolist()))


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(2, 3)
        self.body = nn.Sequential(nn.Tanh(), nn.Linear(3, 1))
        self.scale = nn.Parameter(torsh.ones(1))
        self.register_buffer("steps", torsh.zeros((), dtype=torsh.int64))
        self.register_buffer("cache", torsh.zeros(2), persistent=False)

    def forward(self, x):
        return self.body(self.fc(x)) * self.scale


# ---------------------------------------------------------------- Parameter / Buffer

def test_parameter_is_tensor_subclass_sharing_storage():
    data = torsh.tensor([1.0, 2.0])
    p = nn.Parameter(data)
    assert isinstance(p, nn.Parameter) and isinstance(p, torsh.Tensor)
    assert p.requires_grad and p.is_leaf and not data.requires_grad
    with torsh.no_grad():
        p.mul_(3)
    assert data.tolist() == [3.0, 6.0]
    assert not isinstance(p * 2, nn.Parameter)
    assert repr(p) == "Parameter containing:\ntensor([3., 6.], requires_grad=True)"
    assert not nn.Parameter(torsh.ones(1), requires_grad=False).requires_grad
    assert nn.Parameter().shape == (0,)


def test_parameter_copy_and_pickle_keep_type():
    p = nn.Parameter(torsh.tensor([1.0, 2.0]))
    for q in (copy.deepcopy(p), pickle.loads(pickle.dumps(p))):
        assert isinstance(q, nn.Parameter) and q.requires_grad and q.tolist() == [1.0, 2.0]
        assert q.data_ptr() != p.data_ptr()


def test_buffer_marker_registers_on_assignment():
    m = nn.Module()
    m.running = nn.Buffer(torsh.ones(2))
    m.scratch = nn.Buffer(torsh.zeros(1), persistent=False)
    assert isinstance(m.running, nn.Buffer) and not isinstance(torsh.ones(1), nn.Buffer)
    assert [n for n, _ in m.named_buffers()] == ["running", "scratch"]
    assert list(m.state_dict()) == ["running"]
    m.running = torsh.zeros(2)           # re-assigning a buffer name keeps it a buffer
    assert m._buffers["running"].tolist() == [0.0, 0.0]


# ---------------------------------------------------------------- registration

def test_setattr_registers_and_getattr_finds():
    net = Net()
    assert list(net._parameters) == ["scale"]
    assert list(net._modules) == ["fc", "body"]
    assert "fc" not in net.__dict__ and net.fc is net._modules["fc"]
    assert "scale" in dir(net) and "steps" in dir(net)
    with pytest.raises(AttributeError, match="'Net' object has no attribute 'nope'"):
        net.nope
    with pytest.raises(TypeError, match="cannot assign 'torsh.FloatTensor' as parameter"):
        net.scale = torsh.ones(1)
    with pytest.raises(TypeError, match="as child module 'fc'"):
        net.fc = 3
    net.scale = None
    assert net.scale is None and "scale" in net._parameters
    del net.fc
    assert "fc" not in net._modules
    net.fc = nn.Identity()
    net.plain = 3
    assert net.__dict__["plain"] == 3


def test_register_errors():
    m = nn.Linear(1, 1)
    with pytest.raises(KeyError, match="contain"):
        m.add_module("a.b", nn.ReLU())
    with pytest.raises(KeyError, match="empty string"):
        m.register_buffer("", torsh.ones(1))
    with pytest.raises(KeyError, match="attribute 'weight' already exists"):
        m.add_module("weight", nn.ReLU())
    with pytest.raises(TypeError, match="cannot assign 'int' object to buffer 'x'"):
        m.register_buffer("x", 3)
    with pytest.raises(TypeError, match="to parameter 'p'"):
        m.register_parameter("p", torsh.ones(1))
    with pytest.raises(TypeError, match="name should be a string"):
        m.register_parameter(1, None)
    with pytest.raises(ValueError, match="non-leaf Tensor"):
        m.register_parameter("q", _non_leaf_parameter())
    with pytest.raises(TypeError, match="is not a Module subclass"):
        m.add_module("z", 3)

    class Early(nn.Module):
        def __init__(self):
            self.w = nn.Parameter(torsh.ones(1))
    with pytest.raises(AttributeError, match="before Module.__init__"):
        Early()


def _non_leaf_parameter():
    p = nn.Parameter(torsh.ones(1))
    p.grad_fn = (p * 2).grad_fn
    return p


def test_register_module_and_get_submodule():
    net = Net()
    net.register_module("extra", nn.ReLU())
    assert net.get_submodule("") is net
    assert net.get_submodule("body.1") is net.body[1]
    assert net.get_parameter("body.1.bias") is net.body[1].bias
    assert net.get_buffer("steps") is net.steps
    with pytest.raises(AttributeError, match="Sequential has no attribute `7`"):
        net.get_submodule("body.7")
    with pytest.raises(AttributeError, match="`scale` is not an nn.Module"):
        net.get_submodule("scale")


# ---------------------------------------------------------------- iteration

def test_named_parameters_buffers_modules():
    net = Net()
    assert [n for n, _ in net.named_parameters()] == [
        "scale", "fc.weight", "fc.bias", "body.1.weight", "body.1.bias"]
    assert [n for n, _ in net.named_parameters(recurse=False)] == ["scale"]
    assert [n for n, _ in net.named_parameters(prefix="net")][1] == "net.fc.weight"
    assert len(list(net.parameters())) == 5
    assert [n for n, _ in net.named_buffers()] == ["steps", "cache"]
    assert [n for n, _ in net.named_modules()] == ["", "fc", "body", "body.0", "body.1"]
    assert [n for n, _ in net.named_modules(prefix="m")][:2] == ["m", "m.fc"]
    assert list(net.children()) == [net.fc, net.body]
    assert [type(m).__name__ for m in net.modules()] == ["Net", "Linear", "Sequential",
                                                          "Tanh", "Linear"]


def test_shared_modules_and_parameters_are_listed_once():
    shared = nn.Linear(2, 2)
    seq = nn.Sequential(shared, nn.ReLU(), shared)
    assert len(list(seq.modules())) == 3
    assert len(list(seq.parameters())) == 2
    assert len(list(seq.named_modules(remove_duplicate=False))) == 4
    assert len(list(seq.named_parameters(remove_duplicate=False))) == 4


# ---------------------------------------------------------------- modes and conversion

def test_train_eval_requires_grad_apply():
    net = Net()
    assert net.training and net.body[0].training
    assert net.eval() is net and not net.body[1].training
    net.train()
    assert all(m.training for m in net.modules())
    with pytest.raises(ValueError, match="boolean"):
        net.train("yes")
    net.requires_grad_(False)
    assert not any(p.requires_grad for p in net.parameters())
    seen = []
    net.apply(lambda m: seen.append(type(m).__name__))
    assert seen == ["Linear", "Tanh", "Linear", "Sequential", "Net"]


def test_to_and_float_casts_keep_parameter_identity():
    net = Net()
    weight = net.fc.weight
    net.fc.weight.grad = torsh.ones(3, 2)
    assert net.double() is net
    assert net.fc.weight is weight and isinstance(weight, nn.Parameter)
    assert weight.dtype == torsh.float64 and weight.grad.dtype == torsh.float64
    assert net.steps.dtype == torsh.int64          # integer buffers are not cast
    assert net.cache.dtype == torsh.float64
    net.to(torsh.float32)
    assert weight.dtype == torsh.float32 and weight.requires_grad
    net.half()
    assert net.scale.dtype == torsh.float16
    net.float().to("cpu")
    net.to(torsh.device("cpu"), torsh.float64)
    assert net.scale.dtype == torsh.float64 and net.scale.device.type == "cpu"
    net.to(torsh.zeros(1))                         # like a tensor: float32 on its device
    assert net.scale.dtype == torsh.float32
    with pytest.raises(TypeError, match="floating point dtypes"):
        net.to(torsh.int32)


def test_zero_grad():
    lin = nn.Linear(2, 1)
    lin(torsh.ones(1, 2)).sum().backward()
    lin.zero_grad(set_to_none=False)
    assert lin.weight.grad.tolist() == [[0.0, 0.0]]
    lin.zero_grad()
    assert lin.weight.grad is None and lin.bias.grad is None


# ---------------------------------------------------------------- hooks

def test_forward_pre_hooks_and_forward_hooks():
    lin = nn.Identity()
    calls = []
    h1 = lin.register_forward_pre_hook(lambda m, args: calls.append("pre") or (args[0] + 1,))
    h2 = lin.register_forward_hook(lambda m, args, out: calls.append("post") or out * 10)
    lin.register_forward_hook(lambda m, args, out: calls.append("first"), prepend=True)
    assert lin(torsh.tensor(1.0)).item() == 20.0
    assert calls == ["pre", "first", "post"]
    h1.remove()
    h2.remove()
    assert lin(torsh.tensor(1.0)).item() == 1.0

    def kw_pre(m, args, kwargs):
        return args, {"extra": 5}

    class Add(nn.Module):
        def forward(self, x, extra=0):
            return x + extra
    add = Add()
    with add.register_forward_pre_hook(kw_pre, with_kwargs=True):
        got = []
        add.register_forward_hook(lambda m, a, k, o: got.append(k), with_kwargs=True)
        assert add(torsh.tensor(1.0)).item() == 6.0
        assert got == [{"extra": 5}]
    assert add(torsh.tensor(1.0)).item() == 1.0


def test_forward_hook_always_call_runs_on_error():
    class Boom(nn.Module):
        def forward(self, x):
            raise ValueError("boom")
    m, seen = Boom(), []
    m.register_forward_hook(lambda *a: seen.append(a[-1]), always_call=True)
    with pytest.raises(ValueError, match="boom"):
        m(torsh.ones(1))
    assert seen == [None]


def test_full_backward_hooks_see_and_replace_grads():
    lin = nn.Linear(2, 1)
    with torsh.no_grad():
        lin.weight.copy_(torsh.tensor([[2.0, -3.0]]))
    record = []
    lin.register_full_backward_pre_hook(lambda m, go: record.append(("pre", go[0].tolist())))
    lin.register_full_backward_hook(
        lambda m, gi, go: record.append(("hook", gi[0].tolist(), go[0].tolist())))
    x = torsh.tensor([[1.0, 1.0]], requires_grad=True)
    (lin(x) * 4).sum().backward()
    assert record == [("pre", [[4.0]]), ("hook", [[8.0, -12.0]], [[4.0]])]
    assert x.grad.tolist() == [[8.0, -12.0]]
    lin.weight.grad = None
    x.grad = None
    lin.register_full_backward_hook(lambda m, gi, go: (gi[0] * 0.5,))
    lin(x).sum().backward()
    assert x.grad.tolist() == [[1.0, -1.5]]
    assert lin.weight.grad.tolist() == [[1.0, 1.0]]     # parameter grads are untouched


def test_full_backward_hook_without_input_grad():
    lin = nn.Linear(2, 1)
    seen = []
    lin.register_full_backward_hook(lambda m, gi, go: seen.append((gi, len(go))))
    lin(torsh.ones(1, 2)).sum().backward()
    assert seen == [((None,), 1)]


def test_forward_raises_when_missing():
    with pytest.raises(NotImplementedError, match='missing the required "forward"'):
        nn.Module()(torsh.ones(1))


# ---------------------------------------------------------------- state dict

def test_state_dict_round_trip():
    torsh.manual_seed(0)
    a, b = Net(), Net()
    sd = a.state_dict()
    assert list(sd) == ["scale", "steps", "fc.weight", "fc.bias", "body.1.weight",
                        "body.1.bias"]
    assert not sd["fc.weight"].requires_grad and sd["fc.weight"].data_ptr() == \
        a.fc.weight.data_ptr()
    assert a.state_dict(keep_vars=True)["fc.weight"] is a.fc.weight
    result = b.load_state_dict(sd)
    assert result.missing_keys == [] and result.unexpected_keys == []
    assert repr(result) == "<All keys matched successfully>"
    for (_, p), (_, q) in zip(a.named_parameters(), b.named_parameters()):
        assert p.tolist() == q.tolist() and p.data_ptr() != q.data_ptr()
    x = torsh.tensor([[0.5, -1.0]])
    assert a(x).tolist() == b(x).tolist()


def test_load_state_dict_strict_errors():
    lin = nn.Linear(2, 3)
    bad = {"weight": torsh.zeros(2, 2), "foo": torsh.zeros(1)}
    with pytest.raises(RuntimeError) as info:
        lin.load_state_dict(bad)
    assert str(info.value) == (
        'Error(s) in loading state_dict for Linear:\n'
        '\tMissing key(s) in state_dict: "bias". \n'
        '\tUnexpected key(s) in state_dict: "foo". \n'
        '\tsize mismatch for weight: copying a param with shape torsh.Size([2, 2]) from '
        'checkpoint, the shape in current model is torsh.Size([3, 2]).')
    with pytest.raises(RuntimeError, match="size mismatch for weight"):
        lin.load_state_dict(bad, strict=False)      # shape errors are raised even non-strict
    result = lin.load_state_dict({"weight": torsh.ones(3, 2), "foo": torsh.zeros(1)},
                                 strict=False)
    assert result.missing_keys == ["bias"] and result.unexpected_keys == ["foo"]
    assert lin.weight.tolist() == [[1.0, 1.0]] * 3
    new_bias = torsh.tensor([7.0, 8.0, 9.0])
    lin.load_state_dict({"weight": torsh.zeros(3, 2), "bias": new_bias}, assign=True)
    assert isinstance(lin.bias, nn.Parameter) and lin.bias.requires_grad
    assert lin.bias.data_ptr() == new_bias.data_ptr()       # installed, not copied
    with pytest.raises(TypeError, match="dict-like"):
        lin.load_state_dict([1, 2])


def test_deepcopy_module():
    net = Net()
    twin = copy.deepcopy(net)
    assert isinstance(twin.fc.weight, nn.Parameter)
    assert twin.fc.weight.data_ptr() != net.fc.weight.data_ptr()
    assert twin.fc.weight.tolist() == net.fc.weight.tolist()
    clone = pickle.loads(pickle.dumps(net))
    assert isinstance(clone.body[1].weight, nn.Parameter)
    assert clone.state_dict()["fc.bias"].tolist() == net.fc.bias.tolist()


# ---------------------------------------------------------------- containers

def test_sequential_indexing_and_editing():
    a, b, c = nn.ReLU(), nn.Tanh(), nn.Sigmoid()
    seq = nn.Sequential(a, b)
    assert len(seq) == 2 and seq[0] is a and seq[-1] is b and list(seq) == [a, b]
    assert isinstance(seq[1:], nn.Sequential) and list(seq[1:]) == [b]
    assert list(seq[1:]._modules) == ["1"]                  # slices keep the names
    seq.append(c)
    seq.insert(0, nn.Identity())
    assert [type(m).__name__ for m in seq] == ["Identity", "ReLU", "Tanh", "Sigmoid"]
    del seq[0]
    assert list(seq._modules) == ["0", "1", "2"] and seq[0] is a
    assert seq.pop(1) is b and list(seq) == [a, c]
    seq[1] = b
    assert seq[1] is b
    with pytest.raises(IndexError, match="out of range"):
        seq[5]
    named = nn.Sequential(OrderedDict([("act", a), ("out", c)]))
    assert named.act is a and list(named._modules) == ["act", "out"]
    assert list(nn.Sequential(a) + nn.Sequential(b)) == [a, b]
    assert seq(torsh.tensor([-1.0, 1.0])).tolist() == [0.0, pytest.approx(math.tanh(1.0))]


def test_module_list_and_dict():
    layers = nn.ModuleList([nn.Linear(1, 1) for _ in range(2)])
    layers += [nn.ReLU()]
    assert len(layers) == 3 and len(list(layers.parameters())) == 4
    assert isinstance(layers[1:], nn.ModuleList) and list(layers[1:]._modules) == ["0", "1"]
    layers.extend([nn.Tanh()])
    assert [n for n, _ in layers.named_children()][-1] == "3"
    table = nn.ModuleDict({"a": nn.ReLU(), "b": nn.Linear(1, 2)})
    assert list(table) == ["a", "b"] and "b" in table and len(table) == 2
    table["c"] = nn.Tanh()
    assert list(table.keys()) == ["a", "b", "c"]
    assert isinstance(table.pop("a"), nn.ReLU) and list(table) == ["b", "c"]
    assert [n for n, _ in table.named_parameters()] == ["b.weight", "b.bias"]


def test_parameter_list_and_dict():
    plist = nn.ParameterList([torsh.ones(2), nn.Parameter(torsh.zeros(1))])
    assert all(isinstance(p, nn.Parameter) for p in plist) and len(plist) == 2
    plist.append(torsh.ones(3))
    assert [n for n, _ in plist.named_parameters()] == ["0", "1", "2"]
    assert plist[-1].shape == (3,)
    pdict = nn.ParameterDict({"w": torsh.ones(2, 2)})
    pdict["b"] = torsh.zeros(2)
    assert list(pdict) == ["w", "b"] and isinstance(pdict["b"], nn.Parameter)
    assert [n for n, _ in pdict.named_parameters()] == ["w", "b"]
    assert repr(plist).startswith(
        "ParameterList(  (0): Parameter containing: [torsh.float32 of size 2]\n")
    assert repr(pdict) == ("ParameterDict(  (w): Parameter containing: [torsh.FloatTensor of "
                           "size 2x2]\n  (b): Parameter containing: [torsh.FloatTensor of size "
                           "2])")


# ---------------------------------------------------------------- repr

def test_repr_nested_matches_pytorch_format():
    seq = nn.Sequential(nn.Linear(2, 3), nn.Sequential(nn.ReLU(), nn.Dropout(0.1)),
                        nn.Flatten(), nn.Unflatten(1, (3, 1)), nn.Identity(),
                        nn.Linear(3, 1, bias=False))
    assert repr(seq) == (
        "Sequential(\n"
        "  (0): Linear(in_features=2, out_features=3, bias=True)\n"
        "  (1): Sequential(\n"
        "    (0): ReLU()\n"
        "    (1): Dropout(p=0.1, inplace=False)\n"
        "  )\n"
        "  (2): Flatten(start_dim=1, end_dim=-1)\n"
        "  (3): Unflatten(dim=1, unflattened_size=(3, 1))\n"
        "  (4): Identity()\n"
        "  (5): Linear(in_features=3, out_features=1, bias=False)\n"
        ")")
    assert repr(nn.ModuleList([nn.Tanh(), nn.Tanh(), nn.ReLU(inplace=True)])) == (
        "ModuleList(\n  (0-1): 2 x Tanh()\n  (2): ReLU(inplace=True)\n)")
    assert repr(nn.MSELoss()) == "MSELoss()"


def test_repr_multiline_extra_repr_with_children():
    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.act = nn.ReLU()

        def extra_repr(self):
            return "a=1\nb=2"
    assert repr(Block()) == "Block(\n  a=1\n  b=2\n  (act): ReLU()\n)"


# ---------------------------------------------------------------- layers

def test_linear_forward_backward_and_defaults():
    lin = nn.Linear(3, 2)
    assert lin.weight.shape == (2, 3) and lin.bias.shape == (2,)
    bound = 1 / math.sqrt(3)
    assert all(abs(v) <= bound for v in lin.weight.flatten().tolist() + lin.bias.tolist())
    with torsh.no_grad():
        lin.weight.copy_(torsh.tensor([[1.0, 2.0, 3.0], [0.0, -1.0, 1.0]]))
        lin.bias.copy_(torsh.tensor([0.5, -0.5]))
    x = torsh.tensor([[1.0, 1.0, 1.0], [2.0, 0.0, -1.0]])
    y = lin(x)
    assert y.tolist() == [[6.5, -0.5], [-0.5, -1.5]]
    y.sum().backward()
    assert lin.weight.grad.tolist() == [[3.0, 1.0, 0.0]] * 2
    assert lin.bias.grad.tolist() == [2.0, 2.0]
    assert nn.Linear(3, 2, bias=False)(torsh.ones(4, 3)).shape == (4, 2)
    assert nn.Linear(3, 2)(torsh.ones(3)).shape == (2,)
    assert nn.Linear(2, 2, dtype=torsh.float64).weight.dtype == torsh.float64


def test_linear_gradcheck():
    from torsh.autograd.gradcheck import gradcheck
    lin = nn.Linear(3, 2).double()
    x = torsh.randn(2, 3, dtype=torsh.float64, requires_grad=True)
    assert gradcheck(lambda x, w, b: x @ w.mT + b, (x, lin.weight, lin.bias))
    assert gradcheck(lambda x: lin(x), (x,))


def test_activation_flatten_identity_layers():
    x = torsh.tensor([-1.0, 0.0, 2.0])
    assert nn.ReLU()(x).tolist() == [0.0, 0.0, 2.0]
    assert _close(nn.Tanh()(x), [math.tanh(v) for v in (-1.0, 0.0, 2.0)])
    assert _close(nn.Sigmoid()(x), [1 / (1 + math.exp(-v)) for v in (-1.0, 0.0, 2.0)])
    y = x.clone()
    assert nn.ReLU(inplace=True)(y) is y and y.tolist() == [0.0, 0.0, 2.0]
    assert nn.Identity(5, key=1)(x) is x
    z = torsh.zeros(2, 3, 4)
    assert nn.Flatten()(z).shape == (2, 12)
    assert nn.Flatten(0, 1)(z).shape == (6, 4)
    assert nn.Unflatten(1, (2, 6))(torsh.zeros(2, 12)).shape == (2, 2, 6)
    with pytest.raises(TypeError, match="unflattened_size"):
        nn.Unflatten(1, "ab")


def test_dropout_train_and_eval():
    torsh.manual_seed(0)
    drop = nn.Dropout(0.25)
    x = torsh.ones(400)
    y = drop(x)
    assert all(v == 0.0 or v == pytest.approx(1 / 0.75) for v in y.tolist())
    kept = sum(v != 0 for v in y.tolist())
    assert 250 < kept < 350                     # about 300 of 400 kept
    drop.eval()
    assert drop(x) is x
    assert nn.Dropout(1.0)(x).sum().item() == 0.0
    assert nn.Dropout(0.0)(x) is x
    with pytest.raises(ValueError, match="between 0 and 1"):
        nn.Dropout(1.5)
    g = torsh.ones(4, requires_grad=True)
    out = nn.Dropout(0.5)(g)
    out.sum().backward()
    assert g.grad.tolist() == [2.0 if v else 0.0 for v in out.tolist()]


def test_mse_loss_reductions():
    x, t = torsh.tensor([1.0, 2.0, 4.0]), torsh.tensor([0.0, 2.0, 2.0])
    assert nn.MSELoss()(x, t).item() == pytest.approx(5 / 3)
    assert nn.MSELoss(reduction="sum")(x, t).item() == 5.0
    assert nn.MSELoss(reduction="none")(x, t).tolist() == [1.0, 0.0, 4.0]
    with pytest.warns(UserWarning):
        assert nn.MSELoss(reduce=False).reduction == "none"
    with pytest.raises(ValueError, match="not a valid value for reduction"):
        nn.MSELoss(reduction="avg")(x, t)
    with pytest.warns(UserWarning, match="different to the input size"):
        nn.MSELoss()(x, torsh.tensor(1.0))


def test_mlp_trains_with_manual_sgd():
    torsh.manual_seed(0)
    model = nn.Sequential(nn.Linear(2, 8), nn.Tanh(), nn.Linear(8, 1))
    x = torsh.tensor([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0],
                      [0.5, -1.0], [-1.0, 0.5]])
    y = x[:, :1] * 2 - x[:, 1:] + 0.5
    loss_fn = nn.MSELoss()
    losses = []
    for _ in range(40):
        model.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        losses.append(loss.item())
        with torsh.no_grad():
            for p in model.parameters():
                p.sub_(p.grad * 0.1)
    assert losses[-1] < losses[0] * 0.2
    assert all(b <= a + 1e-9 for a, b in zip(losses[5:], losses[6:]))
