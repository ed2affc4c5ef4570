"""The fused optimizer kernels (kernels/c/optim.c): SGD, Adam and AdamW over a whole
parameter in one C call give the same trajectory as the tensor-op path (bit for bit in
float64), and are declined (the tensor path runs) for strided parameters, other dtypes, or
when the C backend does not serve the CPU.

Skipped, with the reason, where the library is not built."""
import pytest

import torsh
import torsh.optim as optim
from torsh.backends import C_BACKEND
from torsh.backends.c import optim_kernels

pytestmark = pytest.mark.skipif(not C_BACKEND.is_available(),
                                reason=C_BACKEND.unavailable_reason())

CONFIGS = [
    ("SGD", dict(lr=0.1)),
    ("SGD", dict(lr=0.1, momentum=0.9)),
    ("SGD", dict(lr=0.05, momentum=0.9, dampening=0.3, weight_decay=0.1)),
    ("SGD", dict(lr=0.05, momentum=0.8, nesterov=True, weight_decay=0.01)),
    ("SGD", dict(lr=0.01, momentum=0.5, maximize=True)),
    ("Adam", dict(lr=0.1)),
    ("Adam", dict(lr=0.1, betas=(0.8, 0.9), eps=1e-6, weight_decay=0.1)),
    ("Adam", dict(lr=0.1, amsgrad=True, maximize=True)),
    ("Adam", dict(lr=0.1, weight_decay=0.2, decoupled_weight_decay=True)),
    ("AdamW", dict(lr=0.1)),
    ("AdamW", dict(lr=0.1, weight_decay=0.5, amsgrad=True)),
]


def trajectory(name, kwargs, dtype, steps=6, strided=False):
    """Parameter values after each step on a fixed problem: grad = p^3 - sin-like terms."""
    base = torsh.tensor([[0.5, -0.3, 0.8], [1.2, -2.0, 0.05]], dtype=dtype)
    p = (base.t().contiguous().t() if strided else base.clone()).requires_grad_()
    opt = getattr(optim, name)([p], **kwargs)
    path = []
    for k in range(steps):
        opt.zero_grad()
        ((p * p * p * p).sum() * 0.25 - (p * (k + 1.0)).sum() * 0.1).backward()
        opt.step()
        path.append(p.detach().clone().reshape(-1).tolist())
    return path, opt, p


def count_fused(monkeypatch):
    calls = []
    for fn in ("sgd_step", "adam_step"):
        original = getattr(optim_kernels, fn)

        def spy(*args, original=original):
            done = original(*args)
            calls.append(done)
            return done
        monkeypatch.setattr(optim_kernels, fn, spy)
    return calls


@pytest.mark.parametrize("name,kwargs", CONFIGS, ids=lambda v: str(v))
@pytest.mark.parametrize("dtype", [torsh.float32, torsh.float64])
def test_fused_step_equals_the_tensor_path(name, kwargs, dtype, monkeypatch):
    calls = count_fused(monkeypatch)
    fused, opt, p = trajectory(name, kwargs, dtype)
    assert calls and all(calls)
    assert p.dtype is dtype and all(t.dtype is dtype for t in opt.state[p].values()
                                    if t.dtype.is_floating_point and t.ndim)
    calls.clear()
    with torsh.backends.using("reference"):
        plain, _, _ = trajectory(name, kwargs, dtype)
    assert not any(calls)
    if dtype is torsh.float64:
        assert fused == plain
    else:
        assert max(abs(a - b) for r, s in zip(fused, plain) for a, b in zip(r, s)) < 1e-6


@pytest.mark.parametrize("name,kwargs", [CONFIGS[2], CONFIGS[7]], ids=lambda v: str(v))
def test_strided_parameters_take_the_tensor_path(name, kwargs, monkeypatch):
    calls = count_fused(monkeypatch)
    strided, _, p = trajectory(name, kwargs, torsh.float64, strided=True)
    assert not p.is_contiguous() and not any(calls)
    plain, _, _ = trajectory(name, kwargs, torsh.float64)
    assert strided == plain


def test_state_and_versions():
    p = torsh.tensor([1.0, -2.0], dtype=torsh.float64, requires_grad=True)
    opt = optim.SGD([p], lr=0.1, momentum=0.5)
    p.grad = torsh.tensor([1.0, 2.0], dtype=torsh.float64)
    before = p._version
    opt.step()                                    # buf = g; p -= 0.1 g
    assert p.tolist() == pytest.approx([0.9, -2.2]) and p._version > before
    opt.step()                                    # buf = 0.5 g + g
    assert p.tolist() == pytest.approx([0.75, -2.5])
    assert opt.state[p]["momentum_buffer"].tolist() == [1.5, 3.0]
    adam = optim.Adam([p], lr=0.1)
    adam.step()
    assert adam.state[p]["step"].item() == 1.0 and adam.state[p]["step"].dtype is torsh.float32
    assert p.tolist() == pytest.approx([0.65, -2.6])     # the first step moves by lr * sign
    saved = adam.state_dict()
    again = optim.Adam([p], lr=0.1)
    again.load_state_dict(saved)
    again.step()
    assert again.state[p]["step"].item() == 2.0


def test_empty_and_int_parameters():
    p = torsh.zeros(0, requires_grad=True)
    p.grad = torsh.zeros(0)
    optim.Adam([p]).step()
    optim.SGD([p], lr=0.1, momentum=0.9).step()
    assert p.shape == (0,)
    assert not optim_kernels.ready(torsh.zeros(2, dtype=torsh.float16))
    assert not optim_kernels.ready(torsh.zeros(2), torsh.zeros(2, dtype=torsh.float64))
    assert not optim_kernels.ready(torsh.zeros(2), torsh.zeros(3))
