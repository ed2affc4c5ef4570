"""Autograd basics in PyTorch idiom, run on torsh: requires_grad, backward, .grad, the graph,
no_grad, gradients of non-scalars, torch.autograd.grad with create_graph (second derivatives),
a custom autograd.Function, and gradient checking.

Run:  python docs/examples/autograd_basics.py
The `check` lines state what PyTorch gives, so the script doubles as a test.
"""
import math

import torsh as torch


def check(condition, what):
    if not condition:
        raise SystemExit(f"unexpected: {what}")


# y = sum(x^2 + 3x): dy/dx = 2x + 3.
x = torch.tensor([1.0, -2.0, 0.5], requires_grad=True)
y = (x ** 2 + 3 * x).sum()
print("y =", y.item(), " grad_fn:", y.grad_fn)
y.backward()
print("dy/dx =", x.grad)
check(x.grad.tolist() == [5.0, -1.0, 4.0], "dy/dx = 2x + 3")

# Gradients accumulate until zeroed.
(2 * x).sum().backward()
check(x.grad.tolist() == [7.0, 1.0, 6.0], "grads accumulate")
x.grad = None

# Leaves and intermediate tensors: only leaves keep .grad unless retain_grad() is asked for.
h = x.exp()
h.retain_grad()
h.sum().backward()
check(h.grad.tolist() == [1.0, 1.0, 1.0] and x.is_leaf and not h.is_leaf, "retain_grad")
check(all(math.isclose(g, math.exp(v), rel_tol=1e-6) for g, v in zip(x.grad.tolist(), x.tolist())),
      "d exp(x)/dx = exp(x)")
x.grad = None

# A non-scalar output needs the vector of the vector-Jacobian product.
z = x * torch.tensor([1.0, 2.0, 3.0])
z.backward(torch.tensor([1.0, 1.0, 1.0]))
check(x.grad.tolist() == [1.0, 2.0, 3.0], "vector-Jacobian product")

# No graph is recorded under no_grad, nor through detach().
with torch.no_grad():
    check(not (x * 2).requires_grad, "no_grad records nothing")
check(not x.detach().requires_grad, "detach")

# Higher order: d/dx sin(x) = cos(x), d2/dx2 = -sin(x).
t = torch.tensor(0.7, requires_grad=True)
(first,) = torch.autograd.grad(torch.sin(t), t, create_graph=True)
(second,) = torch.autograd.grad(first, t)
print(f"sin'(0.7) = {first.item():.6f}, sin''(0.7) = {second.item():.6f}")
check(math.isclose(first.item(), math.cos(0.7), rel_tol=1e-6), "first derivative")
check(math.isclose(second.item(), -math.sin(0.7), rel_tol=1e-6), "second derivative")


# A custom Function: forward computes, backward gives the gradient (here of a clipped exp).
class ClippedExp(torch.autograd.Function):
    @staticmethod
    def forward(ctx, input):
        result = input.clamp(max=2.0).exp()
        ctx.save_for_backward(input, result)
        return result

    @staticmethod
    def backward(ctx, grad_output):
        input, result = ctx.saved_tensors
        return grad_output * result * (input <= 2.0)


u = torch.tensor([0.0, 1.0, 3.0], dtype=torch.float64, requires_grad=True)
ClippedExp.apply(u).sum().backward()
check(u.grad.tolist()[2] == 0.0 and math.isclose(u.grad.tolist()[1], math.e), "custom backward")

# gradcheck compares backward with finite differences (use float64).
check(torch.autograd.gradcheck(lambda v: (v.sin() * v).sum(), (u.detach().requires_grad_(),)),
      "gradcheck")
print("all autograd basics behave as in PyTorch")
