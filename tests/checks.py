"""Helpers shared by the op-family tests: exact comparison of nested lists and float64
gradient checks."""
import math

import torsh
from torsh.autograd.gradcheck import gradcheck, gradgradcheck


def same(a, b):
    """Equal lists (nested), NaN equal to NaN, -0.0 distinguished from 0.0."""
    if isinstance(a, list):
        return isinstance(b, list) and len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, float) and a != a:
        return isinstance(b, float) and b != b
    return a == b and math.copysign(1, a) == math.copysign(1, b)


def f64(data, grad=True):
    return torsh.tensor(data, dtype=torsh.float64, requires_grad=grad)


def check_grads(fn, x, grad_out):
    """gradcheck and gradgradcheck of fn at x, with `grad_out` as the double-backward cotangent."""
    assert gradcheck(fn, (x,))
    assert gradgradcheck(fn, (x,), (f64(grad_out),))
