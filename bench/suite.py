"""The workloads of issue 5 (the C backend): kernels at the sizes that matter, and training.

`suite(quick)` lists them: matmul (GFLOP/s), elementwise ops (GB/s), reductions, softmax /
log_softmax / layer_norm, conv2d, max_pool2d, per-op overhead and three training loops. Each
entry is written once for a PyTorch-like `lib` (torsh or torch) and, where numpy has the same
operation, once for numpy. `quick=True` gives small sizes (the tests use it). Every workload
also carries a tiny version of itself (`small`), traced to see which backend serves it before
a big size is handed to the pure-Python reference.
"""
from __future__ import annotations

from functools import partial

import numpy as np

from .workloads import Workload, data

# ------------------------------------------------------------------ kernels


def _mm(lib, m, k, n):
    a, b = lib.from_numpy(data(m, k)), lib.from_numpy(data(k, n, seed=1))
    return lambda: a @ b


def _mm_numpy(m, k, n):
    a, b = data(m, k), data(k, n, seed=1)
    return lambda: a @ b


UNARY = {"relu": lambda x: x.relu(), "exp": lambda x: x.exp(), "tanh": lambda x: x.tanh(),
         "sigmoid": lambda x: x.sigmoid()}
UNARY_NUMPY = {"relu": lambda x: np.maximum(x, 0), "exp": np.exp, "tanh": np.tanh,
               "sigmoid": lambda x: 1 / (1 + np.exp(-x))}
BINARY = {"add": lambda x, y: x + y, "mul": lambda x, y: x * y}


def _elementwise(lib, name, n):
    x, y = lib.from_numpy(data(n)), lib.from_numpy(data(n, seed=1))
    if name in BINARY:
        return partial(BINARY[name], x, y)
    return partial(UNARY[name], x)


def _elementwise_numpy(name, n):
    x, y = data(n), data(n, seed=1)
    if name in BINARY:
        return partial(BINARY[name], x, y)
    return partial(UNARY_NUMPY[name], x)


REDUCTIONS = {"sum": lambda x: x.sum(), "sum(dim=-1)": lambda x: x.sum(dim=-1),
              "sum(dim=0)": lambda x: x.sum(dim=0), "amax": lambda x: x.amax(),
              "amax(dim=-1)": lambda x: x.amax(dim=-1),
              "max(dim=-1)": lambda x: tuple(x.max(dim=-1))}
REDUCTIONS_NUMPY = {"sum": lambda x: x.sum(), "sum(dim=-1)": lambda x: x.sum(-1),
                    "sum(dim=0)": lambda x: x.sum(0), "amax": lambda x: x.max(),
                    "amax(dim=-1)": lambda x: x.max(-1),
                    "max(dim=-1)": lambda x: (x.max(-1), x.argmax(-1))}


def _reduce(lib, name, rows, cols):
    x = lib.from_numpy(data(rows, cols))
    return partial(REDUCTIONS[name], x)


def _reduce_numpy(name, rows, cols):
    return partial(REDUCTIONS_NUMPY[name], data(rows, cols))


def _norm_forward(lib, name, x):
    F = lib.nn.functional
    if name == "softmax":
        return F.softmax(x, dim=-1)
    if name == "log_softmax":
        return F.log_softmax(x, dim=-1)
    return F.layer_norm(x, (x.shape[-1],))


def _norm(lib, name, rows, cols, backward=False):
    x = lib.from_numpy(data(rows, cols))
    if not backward:
        return lambda: _norm_forward(lib, name, x)
    x.requires_grad_()
    g = lib.from_numpy(data(rows, cols, seed=2))
    return lambda: lib.autograd.grad(_norm_forward(lib, name, x), (x,), g)


def _norm_numpy(name, rows, cols):
    x = data(rows, cols)

    def softmax():
        e = np.exp(x - x.max(-1, keepdims=True))
        return e / e.sum(-1, keepdims=True)

    def log_softmax():
        shifted = x - x.max(-1, keepdims=True)
        return shifted - np.log(np.exp(shifted).sum(-1, keepdims=True))

    def layer_norm():
        mean = x.mean(-1, keepdims=True)
        var = x.var(-1, keepdims=True)
        return (x - mean) / np.sqrt(var + 1e-5)
    return {"softmax": softmax, "log_softmax": log_softmax, "layer_norm": layer_norm}[name]


def _conv(lib, n, c, h, out, backward=False):
    x, w = lib.from_numpy(data(n, c, h, h)), lib.from_numpy(data(out, c, 3, 3, seed=1))
    conv = lib.nn.functional.conv2d
    if not backward:
        return lambda: conv(x, w, padding=1)
    x.requires_grad_()
    w.requires_grad_()
    g = lib.from_numpy(data(n, out, h, h, seed=2))
    return lambda: lib.autograd.grad(conv(x, w, padding=1), (x, w), g)


def _pool(lib, n, c, h, backward=False):
    x = lib.from_numpy(data(n, c, h, h))
    pool = lib.nn.functional.max_pool2d
    if not backward:
        return lambda: pool(x, 2)
    x.requires_grad_()
    g = lib.from_numpy(data(n, c, h // 2, h // 2, seed=2))
    return lambda: lib.autograd.grad(pool(x, 2), (x,), g)


def _pool_numpy(n, c, h):
    x = data(n, c, h, h)
    return lambda: x.reshape(n, c, h // 2, 2, h // 2, 2).max(axis=(3, 5))


# ------------------------------------------------------------------ overhead


def _tiny_add(lib, grad):
    x, y = lib.from_numpy(data(1)), lib.from_numpy(data(1, seed=1))
    if grad:
        x.requires_grad_()
    return lambda: x + y


def _tiny_add_numpy():
    x, y = data(1), data(1, seed=1)
    return lambda: np.add(x, y)


# ------------------------------------------------------------------ training


def _batches(lib, samples, batch, image):
    """(inputs, labels) batches of a fixed synthetic data set shaped like the digits (the
    timing does not depend on the values; PyTorch's side may lack scikit-learn)."""
    shape = (samples, 1, 8, 8) if image else (samples, 64)
    images = np.abs(data(*shape, seed=3)) / 4
    labels = np.arange(samples, dtype=np.int64) % 10
    return [(lib.from_numpy(images[i:i + batch].copy()),
             lib.from_numpy(labels[i:i + batch].copy())) for i in range(0, samples, batch)]


def _manual_seed(lib):
    if hasattr(lib, "manual_seed"):
        lib.manual_seed(0)


def _epoch(lib, model, optimizer, batches):
    cross_entropy = lib.nn.functional.cross_entropy

    def epoch():
        for images, labels in batches:
            optimizer.zero_grad()
            cross_entropy(model(images), labels).backward()
            optimizer.step()
    return epoch


def _digits_mlp(lib, samples):
    nn = lib.nn
    _manual_seed(lib)
    model = nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 64), nn.ReLU(),
                          nn.Linear(64, 10))
    return _epoch(lib, model, lib.optim.Adam(model.parameters(), lr=1e-3),
                  _batches(lib, samples, 64, image=False))


def _digits_cnn(lib, samples):
    nn = lib.nn
    _manual_seed(lib)
    model = nn.Sequential(nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                          nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                          nn.Flatten(), nn.Linear(32 * 2 * 2, 10))
    return _epoch(lib, model, lib.optim.Adam(model.parameters(), lr=1e-3),
                  _batches(lib, samples, 64, image=True))


def _wide_mlp(lib, width, batch):
    nn = lib.nn
    _manual_seed(lib)
    model = nn.Sequential(nn.Linear(784, width), nn.ReLU(), nn.Linear(width, width), nn.ReLU(),
                          nn.Linear(width, 10))
    optimizer = lib.optim.SGD(model.parameters(), lr=0.01)
    images = lib.from_numpy(data(batch, 784, seed=3))
    labels = lib.from_numpy(np.arange(batch, dtype=np.int64) % 10)
    return _epoch(lib, model, optimizer, [(images, labels)])


# ------------------------------------------------------------------ the list

SQUARES = (64, 128, 256, 512, 1024, 2048)
ELEMENTWISE_SIZES = (1_000, 100_000, 1_000_000, 16_000_000)
DIGITS_TRAIN = 1437                      # 80% of the 1,797 digits, as the demo splits them


def _entry(name, label, make, small, make_numpy=None, group="", scale=1.0, work=None,
           unit=None):
    return Workload(name, label, make, make_numpy, group=group, scale=scale, work=work,
                    unit=unit, small=small)


def _matmuls(quick):
    shapes = [(n, n, n) for n in ((64,) if quick else SQUARES)]
    shapes += [(32, 784, 128)] + ([] if quick else [(256, 4096, 1024)])
    for m, k, n in shapes:
        flops = 2.0 * m * k * n
        yield _entry(f"sgemm_{m}x{k}x{n}", f"sgemm {m}x{k} @ {k}x{n}",
                     lambda lib, m=m, k=k, n=n: _mm(lib, m, k, n),
                     lambda lib: _mm(lib, 4, 4, 4), partial(_mm_numpy, m, k, n),
                     "sgemm", flops / 128, flops, "GFLOP/s")


def _elementwise_ops(quick):
    for name in ("add", "mul", "relu", "exp", "tanh", "sigmoid"):
        for n in ((1_000,) if quick else ELEMENTWISE_SIZES):
            moved = (3 if name in BINARY else 2) * 4.0 * n
            yield _entry(f"{name}_{n}", f"{name}, {n:,} float32",
                         lambda lib, name=name, n=n: _elementwise(lib, name, n),
                         lambda lib, name=name: _elementwise(lib, name, 8),
                         partial(_elementwise_numpy, name, n), "elementwise", n / 8, moved, "GB/s")


def _rows_ops(quick):
    rows, cols = (64, 32) if quick else (4096, 1024)
    shape = f"({rows},{cols})"
    for name in REDUCTIONS:
        yield _entry(f"{name}_{rows}x{cols}", f"{name} of {shape}",
                     lambda lib, name=name: _reduce(lib, name, rows, cols),
                     lambda lib, name=name: _reduce(lib, name, 3, 4),
                     partial(_reduce_numpy, name, rows, cols), "reduction", rows * cols / 12,
                     4.0 * rows * cols, "GB/s")
    for name in ("softmax", "log_softmax", "layer_norm"):
        yield _entry(f"{name}_{rows}x{cols}", f"{name} {shape}",
                     lambda lib, name=name: _norm(lib, name, rows, cols),
                     lambda lib, name=name: _norm(lib, name, 3, 4),
                     partial(_norm_numpy, name, rows, cols), "normalization", rows * cols / 12,
                     8.0 * rows * cols, "GB/s")
        yield _entry(f"{name}_bwd_{rows}x{cols}", f"{name} {shape} fwd+bwd",
                     lambda lib, name=name: _norm(lib, name, rows, cols, True),
                     lambda lib, name=name: _norm(lib, name, 3, 4, True),
                     group="normalization", scale=rows * cols / 12)


def _conv_ops(quick):
    configs = [(2, 3, 8, 4), (2, 4, 4, 4)] if quick else [(32, 3, 32, 32), (32, 64, 16, 64)]
    for n, c, h, out in configs:
        flops = 2.0 * n * out * h * h * c * 9
        small_flops = 2.0 * 2 * 3 * 3 * c * 9
        shape = f"{n}x{c}x{h}x{h}->{out}"
        yield _entry(f"conv_{shape}", f"conv2d 3x3 pad 1 {shape}",
                     lambda lib, n=n, c=c, h=h, out=out: _conv(lib, n, c, h, out),
                     lambda lib, c=c: _conv(lib, 1, c, 3, 2), group="conv",
                     scale=flops / small_flops, work=flops, unit="GFLOP/s")
        yield _entry(f"conv_bwd_{shape}", f"conv2d 3x3 pad 1 {shape} fwd+bwd",
                     lambda lib, n=n, c=c, h=h, out=out: _conv(lib, n, c, h, out, True),
                     lambda lib, c=c: _conv(lib, 1, c, 3, 2, True), group="conv",
                     scale=flops / small_flops, work=3 * flops, unit="GFLOP/s")
    n, c, h = (2, 4, 8) if quick else (32, 32, 32)
    shape = f"{n}x{c}x{h}x{h}"
    moved = 4.0 * n * c * h * h * 1.25
    yield _entry(f"max_pool_{shape}", f"max_pool2d 2x2 {shape}",
                 lambda lib: _pool(lib, n, c, h), lambda lib: _pool(lib, 1, 1, 4),
                 partial(_pool_numpy, n, c, h), "pool", n * c * h * h / 16, moved, "GB/s")
    yield _entry(f"max_pool_bwd_{shape}", f"max_pool2d 2x2 {shape} fwd+bwd",
                 lambda lib: _pool(lib, n, c, h, True), lambda lib: _pool(lib, 1, 1, 4, True),
                 group="pool", scale=n * c * h * h / 16)


def _overhead_ops():
    yield _entry("add_1", "add, 1 element (per-op cost)", lambda lib: _tiny_add(lib, False),
                 None, _tiny_add_numpy, "overhead")
    yield _entry("add_1_grad", "add, 1 element, requires_grad", lambda lib: _tiny_add(lib, True),
                 None, group="overhead")


def _training(quick):
    samples = 128 if quick else DIGITS_TRAIN
    yield _entry("digits_mlp_epoch", f"digits MLP 64-128-64-10 epoch ({samples}, Adam)",
                 lambda lib: _digits_mlp(lib, samples), lambda lib: _digits_mlp(lib, 8),
                 group="training", scale=samples / 8)
    yield _entry("digits_cnn_epoch", f"digits CNN epoch ({samples}, Adam)",
                 lambda lib: _digits_cnn(lib, samples), lambda lib: _digits_cnn(lib, 2),
                 group="training", scale=samples / 2)
    width, batch = (64, 16) if quick else (1024, 256)
    yield _entry("mlp_784_step", f"MLP 784-{width}-{width}-10 b{batch} SGD step",
                 lambda lib: _wide_mlp(lib, width, batch), lambda lib: _wide_mlp(lib, 4, 2),
                 group="training", scale=batch * (784 + width) * width / (2 * 788 * 4))


def suite(quick: bool = False) -> tuple:
    """Issue 5's workloads, in the order they are printed."""
    return (tuple(_matmuls(quick)) + tuple(_elementwise_ops(quick)) + tuple(_rows_ops(quick))
            + tuple(_conv_ops(quick)) + tuple(_overhead_ops()) + tuple(_training(quick)))
