"""Views share storage with their base; their geometry and gradients match PyTorch's."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import torsh
from torsh.autograd.gradcheck import gradcheck, gradgradcheck


def arange(*shape, dtype=torsh.float64):
    return torsh.arange(int(np.prod(shape)), dtype=dtype).reshape(shape)


def shares_storage(a, b):
    return a.untyped_storage() is b.untyped_storage()


VIEWS = [
    ("view", lambda x: x.view(6, 4)),
    ("view -1", lambda x: x.view(-1, 3)),
    ("reshape", lambda x: x.reshape(4, 6)),
    ("flatten", lambda x: x.flatten(1)),
    ("unflatten", lambda x: x.unflatten(2, (2, 2))),
    ("squeeze", lambda x: x.unsqueeze(1).squeeze(1)),
    ("unsqueeze", lambda x: x.unsqueeze(-1)),
    ("permute", lambda x: x.permute(2, 0, 1)),
    ("transpose", lambda x: x.transpose(0, 2)),
    ("swapaxes", lambda x: x.swapaxes(1, 2)),
    ("movedim", lambda x: x.movedim(0, -1)),
    ("mT", lambda x: x.mT),
    ("expand", lambda x: x[:, :1].expand(2, 5, 4)),
    ("narrow", lambda x: x.narrow(1, 1, 2)),
    ("select", lambda x: x.select(2, -1)),
    ("slice step", lambda x: x[:, ::2, 1:]),
    ("diagonal", lambda x: x.diagonal(0, 1, 2)),
    ("diagonal offset", lambda x: x.diagonal(1, 1, 2)),
    ("unfold", lambda x: x.unfold(2, 2, 1)),
    ("as_strided", lambda x: x.as_strided((3, 2), (4, 1), 1)),
    ("split", lambda x: x.split(1, 1)[1]),
    ("chunk", lambda x: x.chunk(2, 2)[1]),
    ("unbind", lambda x: x.unbind(1)[2]),
]


@pytest.mark.parametrize("name,make", VIEWS, ids=[v[0] for v in VIEWS])
def test_view_matches_numpy_and_shares_storage(name, make):
    base = arange(2, 3, 4)
    view = make(base)
    assert shares_storage(view, base)
    expected = make_numpy(name, base.numpy())
    if expected is not None:
        assert view.tolist() == expected.tolist()


def make_numpy(name, a):
    table = {
        "view": a.reshape(6, 4), "view -1": a.reshape(-1, 3), "reshape": a.reshape(4, 6),
        "flatten": a.reshape(2, 12), "unflatten": a.reshape(2, 3, 2, 2),
        "squeeze": a, "unsqueeze": a[..., None], "permute": a.transpose(2, 0, 1),
        "transpose": a.transpose(2, 1, 0), "swapaxes": a.swapaxes(1, 2),
        "movedim": np.moveaxis(a, 0, -1), "mT": a.swapaxes(-1, -2),
        "expand": np.broadcast_to(a[:, :1], (2, 5, 4)), "narrow": a[:, 1:3],
        "select": a[:, :, -1], "slice step": a[:, ::2, 1:],
        "diagonal": np.diagonal(a, 0, 1, 2), "diagonal offset": np.diagonal(a, 1, 1, 2),
        "unfold": np.lib.stride_tricks.sliding_window_view(a, 2, axis=2),
        "as_strided": a.reshape(-1)[1:].reshape(-1)[:12].reshape(3, 4)[:, :2],
        "split": a[:, 1:2], "chunk": a[:, :, 2:], "unbind": a[:, 2],
    }
    return table[name]


@pytest.mark.parametrize("name,make", VIEWS, ids=[v[0] for v in VIEWS])
def test_view_gradient(name, make):
    base = arange(2, 3, 4).requires_grad_(True)
    assert gradcheck(lambda x: make(x) * 1.5, base)
    assert gradgradcheck(lambda x: make(x) ** 2, base,
                         grad_outputs=torsh.ones(make(base).shape, dtype=torsh.float64,
                                                 requires_grad=True))


def test_write_through_view_visible_in_base():
    base = torsh.zeros(3, 4)
    base.t()[1].fill_(7.0)
    base[2, 1:3] += 1
    base.view(-1)[0] = 5.0
    assert base.tolist() == [[5, 7, 0, 0], [0, 7, 0, 0], [0, 8, 1, 0]]
    assert base._version == 4  # `+=` on an indexed view writes twice, as in PyTorch


def test_view_requires_compatible_strides():
    x = arange(3, 4).t()
    with pytest.raises(RuntimeError, match="view"):
        x.view(12)
    assert x.reshape(12).tolist() == [0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11]
    assert not shares_storage(x.reshape(12), x)


def test_contiguity_and_strides():
    x = arange(2, 3, 4)
    assert x.stride() == (12, 4, 1) and x.is_contiguous()
    t = x.transpose(0, 2)
    assert t.stride() == (1, 4, 12) and not t.is_contiguous()
    c = t.contiguous()
    assert c.is_contiguous() and c.tolist() == t.tolist()
    assert x.contiguous() is x
    assert x[:, 1].storage_offset() == 4
    assert x.expand(2, 2, 3, 4).stride() == (0, 12, 4, 1)


def test_error_messages_name_the_op():
    x = arange(2, 3)
    with pytest.raises(IndexError, match="Dimension out of range"):
        x.transpose(0, 2)
    with pytest.raises(RuntimeError, match="invalid for input of size 6"):
        x.view(4, 2)
    with pytest.raises(RuntimeError, match="expand"):
        x.expand(3, 3)
    with pytest.raises(RuntimeError, match="narrow"):
        x.narrow(1, 2, 2)
    with pytest.raises(IndexError, match="select"):
        x.select(0, 5)
    with pytest.raises(RuntimeError, match="only one dimension can be inferred"):
        x.view(-1, -1)
    with pytest.raises(TypeError, match="dim"):
        x.transpose(0.5, 1)


def test_zero_dim_and_empty_views():
    s = torsh.tensor(3.0)
    assert s.view(1).tolist() == [3.0] and s.unsqueeze(0).shape == (1,)
    assert s.reshape(()).shape == () and s.flatten().shape == (1,)
    e = torsh.zeros(0, 3)
    assert e.view(3, 0).shape == (3, 0) and e.t().shape == (3, 0)
    assert e.reshape(-1).shape == (0,)
    assert [p.shape for p in torsh.zeros(5).split(2)] == [(2,), (2,), (1,)]
    assert [p.shape for p in torsh.zeros(5).chunk(3)] == [(2,), (2,), (1,)]


@given(st.lists(st.integers(1, 4), min_size=1, max_size=4), st.data())
def test_permute_then_reshape_matches_numpy(shape, data):
    count = int(np.prod(shape))
    x = torsh.arange(count).reshape(shape)
    order = data.draw(st.permutations(range(len(shape))))
    expected = np.arange(count).reshape(shape).transpose(order)
    assert x.permute(*order).tolist() == expected.tolist()
    assert x.permute(*order).reshape(-1).tolist() == expected.reshape(-1).tolist()


def test_autograd_through_inplace_write_into_view():
    w = torsh.tensor([1.0, 2.0], dtype=torsh.float64, requires_grad=True)
    base = torsh.zeros(2, 3, dtype=torsh.float64)
    base[:, 1] = w * 3
    base.mul(base).sum().backward()
    assert w.grad.tolist() == [18.0, 36.0]


def test_inplace_on_view_of_leaf_requiring_grad_raises():
    leaf = torsh.zeros(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="view of a leaf"):
        leaf[1:].add_(1)


def test_as_strided_scatter_gradients():
    base = arange(3, 4).requires_grad_(True)
    src = torsh.ones(2, 2, dtype=torsh.float64, requires_grad=True)

    def scatter(b, s):
        return torsh.as_strided_scatter(b, s, (2, 2), (4, 1), 1)
    assert gradcheck(scatter, (base, src))
    grads = torsh.autograd.grad(scatter(base, src).sum(), (base, src))
    assert grads[0].tolist() == [[1, 0, 0, 1], [1, 0, 0, 1], [1, 1, 1, 1]]
    assert grads[1].tolist() == [[1, 1], [1, 1]]


# ------------------------------------------------------------ writes into overlapping memory

@pytest.mark.parametrize("write", [
    lambda x: x[1:].copy_(x[:-1]),
    lambda x: x[1:].add_(x[:-1]),
    lambda x: x.__setitem__(slice(1, None), x[:-1]),
    lambda x: x[:4].view(2, 2).copy_(x[:4].view(2, 2).t()),
])
def test_a_write_from_a_partly_overlapping_view_is_refused(write):
    """PyTorch's rule: the source may be the target itself or apart from it."""
    x = torsh.arange(6.0)
    with pytest.raises(RuntimeError, match="refer to a single memory location"):
        write(x)
    assert x.tolist() == [0.0, 1.0, 2.0, 3.0, 4.0, 5.0]


def test_writes_from_the_same_or_separate_memory_are_allowed():
    x = torsh.arange(6.0)
    x.add_(x)
    x[:3].copy_(x[3:])
    assert x.tolist() == [6.0, 8.0, 10.0, 6.0, 8.0, 10.0]
    y = torsh.arange(6.0)
    y[::2].copy_(y[1::2])             # not dense: too hard to tell, allowed as in PyTorch
    assert y.tolist() == [1.0, 1.0, 3.0, 3.0, 5.0, 5.0]
