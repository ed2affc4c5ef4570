"""Bad input gets a clear error: the right exception type, naming the op and the values.

Each row: a call that PyTorch rejects, the built-in exception PyTorch raises (torsh's error is
also that type), and a fragment the message must contain (the op's name and the offending
values where there are some).
"""
import pytest

import torsh
from torsh import errors


def t(*shape, dtype=torsh.float32):
    return torsh.zeros(*shape, dtype=dtype)


CASES = [
    # broadcasting / shapes
    ("add shapes", lambda: t(2, 3) + t(3, 4), RuntimeError,
     r"add: cannot broadcast shapes \[2, 3\] and \[3, 4\]"),
    ("mul shapes", lambda: t(2) * t(3), RuntimeError,
     r"mul: cannot broadcast shapes \[2\] and \[3\]"),
    ("where shapes", lambda: torsh.where(t(2).bool(), t(3), t(2)), RuntimeError, "where"),
    ("matmul sizes", lambda: t(2, 3) @ t(4, 5), RuntimeError, r"matmul.*3 != 4"),
    ("mm ndim", lambda: torsh.mm(t(3), t(3, 3)), RuntimeError, "mm"),
    ("bmm batches", lambda: torsh.bmm(t(2, 1, 3), t(3, 3, 1)), RuntimeError, "bmm"),
    ("matmul 0-d", lambda: torsh.matmul(t(), t(2)), RuntimeError, "matmul"),
    ("view size", lambda: t(6).view(4, 2), RuntimeError, r"\[4, 2\].*size 6"),
    ("view strides", lambda: t(2, 3).t().view(6), RuntimeError, "view"),
    ("expand", lambda: t(2, 3).expand(4, 3), RuntimeError, "expand"),
    ("reshape two -1", lambda: t(4).reshape(-1, -1), RuntimeError, "only one dimension"),
    ("index_put shape", lambda: t(3).index_put_((torsh.tensor([0, 1]),), t(3)),
     RuntimeError, "shape mismatch"),
    ("inplace broadcast", lambda: t(3).add_(t(2, 3)), RuntimeError, r"\[3\].*\[2, 3\]"),
    # dims out of range
    ("sum dim", lambda: t(2, 3).sum(2), IndexError, r"range of \[-2, 1\], but got 2"),
    ("transpose dim", lambda: t(2).transpose(0, 1), IndexError, "Dimension out of range"),
    ("softmax-like dim", lambda: t(2).argmax(3), IndexError, "Dimension out of range"),
    ("squeeze dim", lambda: t(2).squeeze(5), IndexError, "Dimension out of range"),
    ("unsqueeze dim", lambda: t(2).unsqueeze(3), IndexError, "Dimension out of range"),
    ("gather dim", lambda: t(2).gather(1, torsh.tensor([0])), IndexError, "Dimension"),
    ("repeated dims", lambda: t(2, 3).sum((0, 0)), RuntimeError, "multiple times"),
    ("permute repeated", lambda: t(2, 3).permute(0, 0), RuntimeError, "permute"),
    # indices out of range
    ("getitem int", lambda: t(3)[5], IndexError, r"index 5 out of range.*size \[3\]"),
    ("getitem tensor", lambda: t(3)[torsh.tensor([0, 7])], IndexError,
     "index 7 is out of bounds for dimension 0 with size 3"),
    ("setitem tensor", lambda: t(3).__setitem__(torsh.tensor([-4]), 1.0), IndexError,
     "index -4 is out of bounds"),
    ("gather index", lambda: t(3).gather(0, torsh.tensor([3])), IndexError, "gather"),
    ("too many indices", lambda: t(3)[0, 0], IndexError, "too many indices"),
    ("mask shape", lambda: t(3)[torsh.tensor([True, False])], IndexError, "mask"),
    ("narrow", lambda: t(3).narrow(0, 2, 5), RuntimeError, "narrow"),
    # float index tensors / wrong index dtypes
    ("float index", lambda: t(3)[torsh.tensor([0.0])], IndexError,
     "tensors used as indices must be long, int, byte or bool"),
    ("float index list", lambda: t(3)[[0.5]], IndexError, "must be long"),
    ("gather int16", lambda: t(3).gather(0, torsh.tensor([0], dtype=torsh.int16)),
     RuntimeError, "gather.*int32/int64"),
    # negative sizes and bad arguments
    ("zeros negative", lambda: torsh.zeros(2, -3), RuntimeError, r"negative dimension.*\[2, -3\]"),
    ("full negative", lambda: torsh.full((-1,), 2.0), RuntimeError, "negative dimension"),
    ("arange step", lambda: torsh.arange(0, 5, 0), RuntimeError, "arange"),
    ("arange sign", lambda: torsh.arange(5, 0, 1), RuntimeError, "arange"),
    ("linspace steps", lambda: torsh.linspace(0, 1, -2), RuntimeError, "linspace"),
    ("split size", lambda: t(4).split([1, 2]), RuntimeError, "split"),
    ("chunk count", lambda: t(4).chunk(0), RuntimeError, "chunk"),
    ("unfold size", lambda: t(3).unfold(0, 5, 1), RuntimeError, "size"),
    ("div mode", lambda: torsh.div(t(2), t(2), rounding_mode="up"), RuntimeError,
     "rounding_mode"),
    ("clamp none", lambda: torsh.clamp(t(2)), RuntimeError, "clamp"),
    # non-integer dims and sizes
    ("float dim", lambda: t(2, 3).sum(0.5), TypeError, "sum: dim must be an integer"),
    ("float size", lambda: torsh.zeros(2.5), TypeError, "zeros: size must be an integer"),
    ("str dim", lambda: t(2).unsqueeze("0"), TypeError, "unsqueeze"),
    ("float view", lambda: t(4).view(2.0, 2), TypeError, "view"),
    # wrong dtypes
    ("bitwise float", lambda: t(2) & t(2), RuntimeError, "bitwise_and"),
    ("shift float", lambda: t(2) << 1, RuntimeError, "bitwise_left_shift"),
    ("neg bool", lambda: -t(2, dtype=torsh.bool), RuntimeError, "neg"),
    ("sub bool", lambda: t(2, dtype=torsh.bool) - t(2, dtype=torsh.bool), RuntimeError, "sub"),
    ("mean int", lambda: t(2, dtype=torsh.int64).mean(), RuntimeError, "mean"),
    ("where cond", lambda: torsh.where(t(2), t(2), t(2)), RuntimeError, "condition"),
    ("matmul bool", lambda: t(2, 2, dtype=torsh.bool) @ t(2, 2, dtype=torsh.bool),
     RuntimeError, "Bool"),
    ("dot dtypes", lambda: torsh.dot(t(2), t(2, dtype=torsh.float64)), RuntimeError, "dot"),
    ("inplace cast", lambda: t(2, dtype=torsh.int64).mul_(1.5), RuntimeError,
     "mul_: result type float32 can't be cast to the desired output type int64"),
    ("masked_fill mask", lambda: t(2).masked_fill(t(2), 1.0), RuntimeError, "masked_fill"),
    ("requires_grad int", lambda: t(2, dtype=torsh.int64).requires_grad_(), RuntimeError,
     "floating point"),
    ("int div zero", lambda: torsh.tensor([1]) // torsh.tensor([0]), RuntimeError,
     "ZeroDivisionError"),
    ("int pow negative", lambda: torsh.tensor([2]) ** -1, RuntimeError, "negative integer"),
    ("alpha float", lambda: torsh.add(torsh.tensor([1]), torsh.tensor([1]), alpha=0.5),
     RuntimeError, "alpha"),
    ("set_default_dtype", lambda: torsh.set_default_dtype(torsh.int32), TypeError,
     "set_default_dtype"),
    ("finfo int", lambda: torsh.finfo(torsh.int32), TypeError, "finfo"),
    ("iinfo float", lambda: torsh.iinfo(torsh.float32), TypeError, "iinfo"),
    ("from_numpy dtype", lambda: torsh.from_numpy(__import__("numpy").zeros(2, "complex64")),
     TypeError, "complex64"),
    # autograd misuse
    ("backward non-scalar", lambda: torsh.ones(2, requires_grad=True).mul(2).backward(),
     RuntimeError, "scalar outputs"),
    ("backward no grad", lambda: torsh.ones(2).sum().backward(), RuntimeError,
     "does not require grad"),
    ("inplace leaf", lambda: torsh.ones(2, requires_grad=True).add_(1), RuntimeError,
     "add_: a leaf Variable that requires grad"),
]


@pytest.mark.parametrize("name,call,kind,fragment", CASES, ids=[c[0] for c in CASES])
def test_bad_input_raises_clear_error(name, call, kind, fragment):
    with pytest.raises(kind, match=fragment) as info:
        call()
    assert isinstance(info.value, errors.TorshError) or kind is TypeError, (
        f"{name}: raised {type(info.value).__name__}, not a torsh error")


def test_error_classes_are_builtin_exceptions_too():
    assert issubclass(errors.ShapeMismatch, RuntimeError)
    assert issubclass(errors.DTypeError, TypeError)
    assert issubclass(errors.DeviceMismatch, RuntimeError)
    assert issubclass(errors.IndexOutOfRange, IndexError)
    for cls in (errors.ShapeMismatch, errors.DTypeError, errors.DeviceMismatch,
                errors.IndexOutOfRange):
        assert issubclass(cls, errors.TorshError)


def test_second_backward_and_modified_saved_tensor():
    x = torsh.ones(2, requires_grad=True)
    y = (x * x).sum()
    y.backward()
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        y.backward()
    z = x.exp()
    w = z * z
    z.add_(1)
    with pytest.raises(RuntimeError, match="modified by an inplace operation.*MulBackward0"):
        w.sum().backward()
