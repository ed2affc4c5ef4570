"""The timed workloads, each written once for a PyTorch-like library and once for numpy.

`lib` is a module with PyTorch's API: torsh or torch. Inputs are float32 arrays from a seeded
numpy generator, handed to the library with `lib.from_numpy`, so every side sees the same data.
A workload's `make(lib)` / `make_numpy()` returns the zero-argument function that is timed.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

SEED = 0
GRAPH_STEPS = 6          # 6 x (mul, add, tanh), then mul and sum: 20 ops
GRAPH_SIZE = 100
CONV_INPUT = (32, 16, 8, 8)
CONV_WEIGHT = (32, 16, 3, 3)


def data(*shape: int, seed: int = SEED, dtype=np.float32) -> np.ndarray:
    """Standard normal samples of `shape`, the same on every run and every interpreter."""
    return np.random.default_rng(seed).standard_normal(shape).astype(dtype)


def graph_loss(x, w):
    """loss = sum(y^2) where y_0 = x and y_i = tanh(y_(i-1) * w + x): 20 ops on tensors."""
    y = x
    for _ in range(GRAPH_STEPS):
        y = (y * w + x).tanh()
    return (y * y).sum()


def graph_grads(lib, x, w):
    """d loss / d x and d loss / d w by the library's autograd (forward + backward)."""
    return lib.autograd.grad(graph_loss(x, w), (x, w))


def graph_grads_numpy(x: np.ndarray, w: np.ndarray):
    """The same forward pass and its gradient written out by hand with the chain rule."""
    ys = [x]
    for _ in range(GRAPH_STEPS):
        ys.append(np.tanh(ys[-1] * w + x))
    grad_y = 2 * ys[-1]                              # d sum(y^2) / dy
    grad_x, grad_w = np.zeros_like(x), np.zeros_like(w)
    for i in range(GRAPH_STEPS, 0, -1):
        grad_pre = grad_y * (1 - ys[i] * ys[i])      # tanh'(u) = 1 - tanh(u)^2
        grad_w += grad_pre * ys[i - 1]
        grad_x += grad_pre
        grad_y = grad_pre * w
    return grad_x + grad_y, grad_w                   # y_0 = x contributes the last grad_y


@dataclass(frozen=True)
class Workload:
    name: str
    label: str
    make: Callable                # make(lib) -> timed function
    make_numpy: Callable | None   # make_numpy() -> timed function (None: no numpy column)
    group: str = "basics"
    work: float | None = None     # flops or bytes moved by one call, for the rate column
    unit: str | None = None       # "GFLOP/s" or "GB/s"
    small: Callable | None = None  # small(lib): a tiny version, traced to see who serves it
    scale: float = 1.0            # how many times more work than `small` one call does


def _matmul(lib):
    a, b = lib.from_numpy(data(64, 128)), lib.from_numpy(data(128, 64, seed=1))
    return lambda: a @ b


def _matmul_numpy():
    a, b = data(64, 128), data(128, 64, seed=1)
    return lambda: a @ b


def _add(lib):
    x, y = lib.from_numpy(data(10_000)), lib.from_numpy(data(10_000, seed=1))
    return lambda: x + y


def _add_numpy():
    x, y = data(10_000), data(10_000, seed=1)
    return lambda: x + y


def _exp(lib):
    x = lib.from_numpy(data(10_000))
    return lambda: x.exp()


def _exp_numpy():
    x = data(10_000)
    return lambda: np.exp(x)


def _sum(lib):
    x = lib.from_numpy(data(100_000))
    return lambda: x.sum()


def _sum_numpy():
    x = data(100_000)
    return lambda: x.sum()


def _graph(lib):
    x = lib.from_numpy(data(GRAPH_SIZE)).requires_grad_()
    w = lib.from_numpy(data(GRAPH_SIZE, seed=1)).requires_grad_()
    return lambda: graph_grads(lib, x, w)


def _graph_numpy():
    x, w = data(GRAPH_SIZE), data(GRAPH_SIZE, seed=1)
    return lambda: graph_grads_numpy(x, w)


def _overhead(lib):
    x, y = lib.from_numpy(data(1)), lib.from_numpy(data(1, seed=1))
    return lambda: x + y


def _overhead_numpy():
    x, y = data(1), data(1, seed=1)
    return lambda: x + y


def _conv(lib):
    x = lib.from_numpy(data(*CONV_INPUT)).requires_grad_()
    w = lib.from_numpy(data(*CONV_WEIGHT, seed=1)).requires_grad_()
    return lambda: lib.autograd.grad(lib.nn.functional.conv2d(x, w, padding=1).sum(), (x, w))


def _windows3x3(x: np.ndarray) -> np.ndarray:
    """(N, C, H, W) -> (N, C, H, W, 3, 3): every 3x3 window of x padded by 1."""
    return sliding_window_view(np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1))), (3, 3), (2, 3))


def conv_grads_numpy(x: np.ndarray, w: np.ndarray):
    """Gradients of sum(conv2d(x, w, padding=1)): dW = windows(x) . 1, and dx = the
    correlation of the (all-ones) output gradient with the flipped kernel."""
    windows = _windows3x3(x)
    out = np.einsum("nchwuv,ocuv->nohw", windows, w)
    g = np.ones_like(out)
    grad_w = np.einsum("nchwuv,nohw->ocuv", windows, g)
    grad_x = np.einsum("nohwuv,ocuv->nchw", _windows3x3(g), w[:, :, ::-1, ::-1])
    return grad_x, grad_w


def _conv_numpy():
    x, w = data(*CONV_INPUT), data(*CONV_WEIGHT, seed=1)
    return lambda: conv_grads_numpy(x, w)


def _cnn_step(lib):
    """One training step of the demo's CNN (docs/examples/cnn.py) on a batch of 32 digits."""
    nn = lib.nn
    model = nn.Sequential(nn.Conv2d(1, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(),
                          nn.MaxPool2d(2), nn.Dropout(0.25), nn.Flatten(), nn.Linear(256, 10))
    optimizer = lib.optim.Adam(model.parameters(), lr=0.01)
    images = lib.from_numpy(np.abs(data(32, 1, 8, 8)))
    labels = lib.from_numpy(np.arange(32, dtype=np.int64) % 10)

    def step():
        optimizer.zero_grad()
        lib.nn.functional.cross_entropy(model(images), labels).backward()
        optimizer.step()
    return step


def _small_conv(lib):
    """The conv workload on one 3x3 image with 16 channels and 1 output channel."""
    x = lib.from_numpy(data(1, CONV_INPUT[1], 3, 3)).requires_grad_()
    w = lib.from_numpy(data(1, CONV_WEIGHT[1], 3, 3, seed=1)).requires_grad_()
    return lambda: lib.autograd.grad(lib.nn.functional.conv2d(x, w, padding=1).sum(), (x, w))


WORKLOADS = (
    Workload("matmul", "matmul 64x128 @ 128x64", _matmul, _matmul_numpy),
    Workload("add", "add, 10,000 elements", _add, _add_numpy),
    Workload("exp", "exp, 10,000 elements", _exp, _exp_numpy),
    Workload("sum", "sum of 100,000 elements", _sum, _sum_numpy),
    Workload("graph", f"20-op graph fwd+bwd ({GRAPH_SIZE} el.)", _graph, _graph_numpy,
             group="overhead"),
    Workload("overhead", "add on 1 element (per-op cost)", _overhead, _overhead_numpy),
    Workload("conv", "conv2d 3x3 fwd+bwd (32,16,8,8)->32 ch", _conv, _conv_numpy,
             small=lambda lib: _small_conv(lib), scale=float(CONV_INPUT[0] * 64 * CONV_WEIGHT[0])),
    Workload("cnn_step", "demo CNN train step (32 digits)", _cnn_step, None),
)


def all_workloads(quick: bool = False) -> tuple:
    """Everything `python -m bench` may time: the basics above, then issue 5's suite."""
    from .suite import suite
    return WORKLOADS + suite(quick)
