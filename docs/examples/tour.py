"""A short tour of torsh: tensors, views, promotion, indexing, reductions, autograd, and where
each op's definition lives. Run it with `make tour` (or `.venv/bin/python docs/examples/tour.py`).

Every op below is computed by torsh's pure-Python reference, so this runs anywhere Python and
numpy run. Read it top to bottom beside its output.
"""
import inspect
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))

import torsh as torch  # noqa: E402  (import torsh as torch: the API is PyTorch's)
from torsh.ops import _scalar  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.abspath(torch.__file__)))


def section(title: str) -> None:
    print(f"\n== {title} " + "=" * max(0, 66 - len(title)))


def show(label: str, value) -> None:
    """Print `label` and the value, indenting a multi-line value under it."""
    text = str(value)
    if "\n" in text:
        print(f"{label}:\n    " + text.replace("\n", "\n    "))
    else:
        print(f"{label}: {text}")


def where(obj) -> str:
    """path:line of a function's definition, relative to the repository."""
    path = os.path.relpath(inspect.getsourcefile(obj), REPO)
    return f"{path}:{inspect.getsourcelines(obj)[1]}"


# ------------------------------------------------------------------------------------------
section("1. Tensors and dtypes")
x = torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
show("x = torch.tensor([[1., 2., 3.], [4., 5., 6.]])", x)
show("x.shape, x.dtype, x.stride()", (x.shape, x.dtype, x.stride()))
show("torch.arange(6).dtype (Python ints give int64)", torch.arange(6).dtype)
show("torch.zeros(2, dtype=torch.float64)", torch.zeros(2, dtype=torch.float64))
show("torch.tensor([1.5, 2.25], dtype=torch.bfloat16)",
     torch.tensor([1.5, 2.25], dtype=torch.bfloat16))
show("integers wrap: torch.tensor([250], dtype=torch.uint8) + 10",
     torch.tensor([250], dtype=torch.uint8) + 10)

# ------------------------------------------------------------------------------------------
section("2. Views share memory")
base = torch.zeros(2, 3)
flat = base.view(6)            # same storage, new shape
column = base[:, 1]            # same storage, stride 3
print(f"base.view(6) shares storage: {flat.data_ptr() == base.data_ptr()}; "
      f"base[:, 1] has stride {column.stride()} and offset {column.storage_offset()}")
flat[4] = 7.0                  # a write through one view ...
column.add_(1.0)               # ... and an in-place op through another
show("after flat[4] = 7 and base[:, 1].add_(1), base is", base)
transposed = base.t()
print(f"base.t() is contiguous: {transposed.is_contiguous()}, strides {transposed.stride()}; "
      f".contiguous() copies: {transposed.contiguous().is_contiguous()}")

# ------------------------------------------------------------------------------------------
section("3. Broadcasting and type promotion")
show("torch.ones(3, 1) * torch.arange(4)  (shapes [3, 1] and [4] -> [3, 4])",
     torch.ones(3, 1) * torch.arange(4))
show("int32 tensor * 1.5 -> default float", (torch.ones(2, dtype=torch.int32) * 1.5).dtype)
show("int8 + uint8 -> int16", (torch.ones(2, dtype=torch.int8)
                               + torch.ones(2, dtype=torch.uint8)).dtype)
show("float16 tensor + 0-d float64 tensor -> float16 (dims outrank 0-d)",
     (torch.ones(2, dtype=torch.float16) + torch.tensor(1.0, dtype=torch.float64)).dtype)
show("torch.tensor([1, 2, 3]) / 2 (true division)", torch.tensor([1, 2, 3]) / 2)
try:
    torch.ones(2, 3) + torch.ones(4)
except RuntimeError as error:  # torsh errors are also the built-in PyTorch raises
    print(f"torch.ones(2, 3) + torch.ones(4) raises {type(error).__name__}: {error}")

# ------------------------------------------------------------------------------------------
section("4. Indexing")
m = torch.arange(12.0).reshape(3, 4)
show("m = torch.arange(12.).reshape(3, 4)", m)
show("m[1:, ::2] (a view)", m[1:, ::2])
show("m[..., -1]", m[..., -1])
show("m[[0, 2], [1, 3]] (advanced: a copy)", m[[0, 2], [1, 3]])
show("m[m > 8] (a bool mask)", m[m > 8])

# ------------------------------------------------------------------------------------------
section("5. Reductions")
show("m.sum()", m.sum())
show("m.sum(dim=0)", m.sum(dim=0))
show("m.mean(dim=1, keepdim=True)", m.mean(dim=1, keepdim=True))
values, indices = m.max(dim=1)
show("m.max(dim=1) -> values, indices", (values, indices))
show("torch.tensor([1., float('nan')]).sum() (NaN propagates)",
     torch.tensor([1.0, float("nan")]).sum())

# ------------------------------------------------------------------------------------------
section("6. Autograd")
w = torch.tensor([0.5, -1.0, 2.0], requires_grad=True)
loss = (w * w).sum()
show("loss = (w * w).sum()", loss)
show("loss.grad_fn, its next_functions", (loss.grad_fn, loss.grad_fn.next_functions))
loss.backward()
show("after loss.backward(), w.grad (= 2 w)", w.grad)

a = torch.tensor(3.0, requires_grad=True)
y = a ** 3
(dy,) = torch.autograd.grad(y, a, create_graph=True)    # the gradient is itself a graph
(d2y,) = torch.autograd.grad(dy, a)
print(f"y = a**3 at a = 3: dy/da = {dy.item()} (3a^2), d2y/da2 = {d2y.item()} (6a)")

# ------------------------------------------------------------------------------------------
section("7. Which backend served each op")
print(f"backends available: {torch.backends.available()}; serving the CPU: "
      f"{torch.backends.current()}")
print("(TORSH_KERNELS=reference or torch.backends.use('reference') forces the reference)")
with torch.backends.trace() as trace:
    (m @ m.t()).relu().sum()
for op_name, backend, path in trace.calls:
    print(f"  {op_name:<8} served by {backend} ({path})")
PATHS = {"native": "the backend's own kernel (the reference's kernel is the op's reference)",
         "kernel": "the backend's own kernel (the reference's kernel is the op's reference)",
         "view": "no kernel: new shape and strides over the same storage",
         "reference": "a faster backend had no kernel, so the reference served it",
         "decomposition": "the op ran as other ops", "cpu-roundtrip": "copied to the CPU and back"}
for path in dict.fromkeys(call[2] for call in trace.calls):
    print(f"  path {path!r}: {PATHS.get(path, '')}")

# ------------------------------------------------------------------------------------------
section("8. Reading the reference: one op, one place")
exp = torch.ops.OPS["exp"]
print(f"torch.ops.OPS['exp'] = {exp!r}")
print(f"  doc:          {exp.doc}")
print(f"  promotion:    {exp.promote}  (integers become the default float)")
print(f"  backward:     {'yes' if exp.backward else 'no'}"
      f" (saves its output: {exp.saves_output}; d/dx e^x = e^x)")
print(f"  meta(x), x 2x3 float64 -> {exp.meta(torch.ones(2, 3, dtype=torch.float64))}")
print(f"  dispatch promotes before meta runs: torch.exp(torch.arange(3)).dtype = "
      f"{torch.exp(torch.arange(3)).dtype}")
declared = next(n for n, line in enumerate(inspect.getsourcelines(torch.ops.unary)[0], 1)
                if line.startswith('unary("exp",'))
print(f"  declared at:  torsh/ops/unary.py:{declared}, one line: name, scalar function, doc, "
      f"gradient")
print(f"\nIts scalar function lives in the table at {where(_scalar.exp)}:\n")
print(inspect.getsource(_scalar.exp))
print(f"matmul's reference, {where(torch.ops.matmul._matmul_reference)}:\n")
print(inspect.getsource(torch.ops.matmul._matmul_reference))
print(f"and its gradient, {where(torch.ops.matmul._matmul_grad)}:\n")
print(inspect.getsource(torch.ops.matmul._matmul_grad))
print(f"{len(torch.ops.OPS)} ops are declared in torsh/ops/; see docs/reading-the-reference.md.")
print("\nTour complete.")
