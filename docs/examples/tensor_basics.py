"""Tensor basics in PyTorch idiom, run on torsh: creation, dtypes, shapes and views, indexing,
broadcasting, reductions, in-place updates, and numpy interop.

Run:  python docs/examples/tensor_basics.py
Each step prints its result; the `check` lines state what PyTorch would give, so the script
doubles as a test (it exits non-zero if one of them fails).
"""
import numpy as np

import torsh as torch


def check(condition, what):
    if not condition:
        raise SystemExit(f"unexpected: {what}")


def show(title, value):
    print(f"{title}:\n{value}\n")


# Creation: from data, ranges, constants and random numbers (seeded).
x = torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
show("x", x)
check(x.shape == (2, 3) and x.dtype == torch.float32, "a float list gives float32")
check(torch.arange(6).dtype == torch.int64, "integer ranges are int64")
torch.manual_seed(0)
noise = torch.randn(2, 3)
check(noise.shape == (2, 3), "randn shape")
show("zeros, ones, full, eye", [torch.zeros(2), torch.ones(2, dtype=torch.int32),
                                torch.full((2,), 7.5), torch.eye(2)])

# Type promotion: int tensor + float scalar -> float; int32 + int64 -> int64.
ints = torch.tensor([1, 2, 3], dtype=torch.int32)
check((ints + 0.5).dtype == torch.float32, "int + float scalar promotes to float32")
check((ints + torch.tensor([1, 1, 1])).dtype == torch.int64, "int32 + int64 -> int64")

# Views share storage: reshape/transpose/slices see writes to the base.
flat = x.reshape(6)
view = x.t()
x[0, 0] = 100.0
check(flat[0].item() == 100.0 and view[0, 0].item() == 100.0, "views share storage")
check(not view.is_contiguous(), "a transpose is not contiguous")
show("x.t() (a view)", view)

# Indexing: basic slices, boolean masks and integer arrays.
check(x[:, 1].tolist() == [2.0, 5.0], "column slice")
check(x[x > 4].tolist() == [100.0, 5.0, 6.0], "boolean mask")
check(x[[1, 0], [2, 1]].tolist() == [6.0, 2.0], "advanced indexing pairs indices")

# Broadcasting: (2, 3) + (3,) and (2, 1) * (1, 3).
row = torch.tensor([10.0, 20.0, 30.0])
check((x + row).shape == (2, 3), "row broadcast")
outer = torch.arange(2.0).reshape(2, 1) * torch.arange(3.0).reshape(1, 3)
check(outer.tolist() == [[0.0, 0.0, 0.0], [0.0, 1.0, 2.0]], "outer product by broadcasting")

# Reductions along dims, with keepdim and argmax.
y = torch.tensor([[1.0, 5.0, 2.0], [7.0, 0.0, 3.0]])
check(y.sum().item() == 18.0 and y.sum(0).tolist() == [8.0, 5.0, 5.0], "sum")
check(y.mean(1, keepdim=True).shape == (2, 1), "keepdim")
check(y.argmax(1).tolist() == [1, 0], "argmax per row")
values, indices = y.max(dim=0)
check(values.tolist() == [7.0, 5.0, 3.0] and indices.tolist() == [1, 0, 1], "max with indices")

# Matrix products.
a = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
check((a @ a).tolist() == [[7.0, 10.0], [15.0, 22.0]], "matmul")

# In place (trailing underscore) bumps the version and keeps the identity.
before = id(a)
a.add_(1).mul_(2)
check(id(a) == before and a.tolist() == [[4.0, 6.0], [8.0, 10.0]], "in-place chain")

# numpy interop: from_numpy shares memory, .numpy() gives an array.
array = np.arange(4, dtype=np.float64)
shared = torch.from_numpy(array)
array[0] = -1.0
check(shared[0].item() == -1.0, "from_numpy shares memory")
check(isinstance(shared.numpy(), np.ndarray), ".numpy()")
print("all tensor basics behave as in PyTorch")
