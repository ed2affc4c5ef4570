"""matmul and its named forms (mm, bmm, mv, dot, vdot): values, shapes, dtypes, gradients."""
import math

import pytest

import torsh
from torsh.autograd.gradcheck import gradcheck, gradgradcheck

nan, inf = math.nan, math.inf



def values(*shape, offset=0.0, dtype=torsh.float64):
    """Distinct, irregular values of a shape (no RNG needed)."""
    n = math.prod(shape)
    data = [math.sin(1.3 * k + 0.5 + offset) for k in range(n)]
    return torsh.tensor(data, dtype=dtype).reshape(*shape)


def reference_matmul(a, b):
    """[[sum_k a[i][k] * b[k][j]]] on nested lists."""
    return [[sum(a[i][k] * b[k][j] for k in range(len(b))) for j in range(len(b[0]))]
            for i in range(len(a))]


def close(x, y, tol=1e-12):
    if isinstance(x, list):
        return len(x) == len(y) and all(close(p, q, tol) for p, q in zip(x, y))
    return abs(x - y) <= tol * (1 + abs(y))


# ------------------------------------------------------------ values and shapes

def test_hand_computed_product():
    a = torsh.tensor([[1.0, 2.0], [3.0, 4.0]])
    b = torsh.tensor([[5.0, 6.0], [7.0, 8.0]])
    assert (a @ b).tolist() == [[19.0, 22.0], [43.0, 50.0]]
    c = torsh.tensor([[1.0, 0.0, -1.0], [2.0, 1.0, 0.5]])
    d = torsh.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    assert torsh.matmul(c, d).tolist() == [[-4.0, -4.0], [7.5, 11.0]]
    assert (d @ c).shape == (3, 3)


def test_broadcast_batch_dims():
    a, b = values(4, 3), values(1, 3, 3, 3, offset=1.0)
    result = a @ b
    assert result.shape == (1, 3, 4, 3)
    for batch in range(3):
        assert close(result[0, batch].tolist(), reference_matmul(a.tolist(),
                                                                 b[0, batch].tolist()))
    assert (values(2, 1, 2, 3) @ values(5, 3, 4)).shape == (2, 5, 2, 4)


def test_one_dimensional_operands():
    m = torsh.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    v2, v3 = torsh.tensor([1.0, -1.0]), torsh.tensor([1.0, 0.0, 2.0])
    assert (v2 @ m).tolist() == [-3.0, -3.0, -3.0]
    assert (m @ v3).tolist() == [7.0, 16.0]
    stacked = m.unsqueeze(0).expand(2, 2, 3) * torsh.tensor([[[1.0]], [[2.0]]])
    assert (v2 @ stacked).tolist() == [[-3.0, -3.0, -3.0], [-6.0, -6.0, -6.0]]
    assert (stacked @ v3).tolist() == [[7.0, 16.0], [14.0, 32.0]]
    assert (v2 @ stacked).shape == (2, 3) and (stacked @ v3).shape == (2, 2)


def test_vector_times_vector_is_0d():
    result = torsh.tensor([1.0, 2.0]) @ torsh.tensor([3.0, 4.0])
    assert result.shape == () and result.item() == 11.0


def test_empty_inner_dim_gives_zeros():
    assert (torsh.ones(2, 0) @ torsh.ones(0, 3)).tolist() == [[0.0] * 3] * 2
    assert (torsh.ones(0, 3) @ torsh.ones(3, 2)).shape == (0, 2)
    assert (torsh.ones(0, 2, 3) @ torsh.ones(3, 4)).shape == (0, 2, 4)
    assert (torsh.ones(2, 0, dtype=torsh.int32) @ torsh.ones(0, 2, dtype=torsh.int32)
            ).tolist() == [[0, 0], [0, 0]]


def test_integer_products_keep_dtype_and_wrap():
    a = torsh.tensor([[1, 2], [3, 4]], dtype=torsh.int32)
    result = a @ a
    assert result.dtype is torsh.int32 and result.tolist() == [[7, 10], [15, 22]]
    big = torsh.full((2, 3), 100, dtype=torsh.int8)
    wrapped = big @ torsh.ones(3, dtype=torsh.int8)
    assert wrapped.dtype is torsh.int8 and wrapped.tolist() == [44, 44]   # 300 mod 256
    assert (torsh.tensor([[2, 3]]) @ torsh.tensor([[4], [5]])).dtype is torsh.int64


def test_special_values_follow_ieee():
    a = torsh.tensor([[inf, 1.0], [nan, 0.0]])
    b = torsh.tensor([[0.0], [1.0]])
    result = (a @ b).tolist()
    assert math.isnan(result[0][0]) and math.isnan(result[1][0])   # inf * 0 and nan * 0
    assert (torsh.tensor([[inf, 1.0]]) @ torsh.tensor([[1.0], [1.0]])).item() == inf


def test_non_contiguous_inputs():
    base = values(3, 4)
    left = base.t()                          # (4, 3), transposed
    right = values(6, 2, offset=2.0)[::2]    # (3, 2), every other row
    assert not left.is_contiguous() and not right.is_contiguous()
    assert close((left @ right).tolist(), reference_matmul(left.tolist(), right.tolist()))
    row = torsh.tensor([[1.0, 2.0, 3.0]]).expand(2, 3)   # stride 0
    assert (row @ torsh.ones(3, 1)).tolist() == [[6.0], [6.0]]


def test_named_forms():
    a, b = values(2, 3), values(3, 4, offset=1.0)
    assert close(torsh.mm(a, b).tolist(), (a @ b).tolist(), 0)
    assert close(a.mm(b).tolist(), (a @ b).tolist(), 0)
    batch1, batch2 = values(2, 2, 3), values(2, 3, 2, offset=3.0)
    assert close(torsh.bmm(batch1, batch2)[1].tolist(),
                 reference_matmul(batch1[1].tolist(), batch2[1].tolist()))
    assert torsh.mv(torsh.tensor([[1.0, 2.0], [3.0, 4.0]]), torsh.tensor([1.0, 1.0])
                    ).tolist() == [3.0, 7.0]


def test_dot_and_vdot():
    x, y = torsh.tensor([1.0, 2.0, 3.0]), torsh.tensor([4.0, -5.0, 6.0])
    assert torsh.dot(x, y).item() == 12.0 and x.dot(y).shape == ()
    assert torsh.vdot(x, y).item() == 12.0
    assert torsh.dot(torsh.tensor([2, 3], dtype=torsh.int32),
                     torsh.tensor([4, 5], dtype=torsh.int32)).dtype is torsh.int32
    assert torsh.dot(torsh.ones(0), torsh.ones(0)).item() == 0.0


# ------------------------------------------------------------ errors

@pytest.mark.parametrize("call, match", [
    (lambda: torsh.ones(2, 3) @ torsh.ones(4, 2), r"matmul.*\[2, 3\].*\[4, 2\]"),
    (lambda: torsh.ones(2, 2) @ torsh.ones(3), r"matmul"),
    (lambda: torsh.ones(2) @ torsh.ones(3, 2), r"matmul"),
    (lambda: torsh.ones(2, 2, 3) @ torsh.ones(3, 3, 2), r"matmul.*\[2\].*\[3\]"),
    (lambda: torsh.matmul(torsh.tensor(1.0), torsh.ones(2)), r"matmul.*0D"),
    (lambda: torsh.ones(2, 2, dtype=torsh.bool) @ torsh.ones(2, 2, dtype=torsh.bool),
     r"matmul.*Bool"),
    (lambda: torsh.mm(torsh.ones(2, 2, 3), torsh.ones(3, 2)), r"mm.*self"),
    (lambda: torsh.mm(torsh.ones(2, 2), torsh.ones(2)), r"mm.*mat2"),
    (lambda: torsh.bmm(torsh.ones(2, 2), torsh.ones(2, 2, 2)), r"bmm.*batch1"),
    (lambda: torsh.bmm(torsh.ones(2, 2, 2), torsh.ones(3, 2, 2)), r"bmm.*2 and 3"),
    (lambda: torsh.mv(torsh.ones(2, 3), torsh.ones(3, 1)), r"mv"),
    (lambda: torsh.dot(torsh.ones(2), torsh.ones(2, dtype=torsh.float64)), r"dot.*float64"),
    (lambda: torsh.dot(torsh.ones(2, 1), torsh.ones(2)), r"dot"),
])
def test_errors_name_the_op(call, match):
    with pytest.raises(RuntimeError, match=match):
        call()


def test_mixed_dtypes_are_refused():
    with pytest.raises(RuntimeError, match="dtype"):
        torsh.ones(2, 2) @ torsh.ones(2, 2, dtype=torsh.float64)


# ------------------------------------------------------------ gradients

def check_gradients(fn, *shapes):
    inputs = [values(*s, offset=i).requires_grad_() for i, s in enumerate(shapes)]
    assert gradcheck(fn, inputs)
    out = fn(*inputs)
    cotangent = values(*out.shape, offset=7.0).requires_grad_()
    assert gradgradcheck(fn, inputs, [cotangent])


@pytest.mark.parametrize("left, right", [
    ((2, 3), (3, 2)),          # matrix @ matrix
    ((3,), (3, 2)),            # vector @ matrix
    ((2, 3), (3,)),            # matrix @ vector
    ((3,), (2, 3, 2)),         # vector @ batch
    ((2, 2, 3), (3,)),         # batch @ vector
    ((2, 2, 3), (2, 3, 2)),    # batched
    ((2, 3), (2, 3, 2)),       # matrix broadcast over a batch
    ((2, 1, 2, 3), (2, 3, 1)),  # both broadcast
])
def test_matmul_gradients(left, right):
    check_gradients(torsh.matmul, left, right)


def test_matmul_gradients_vector_vector():
    check_gradients(torsh.matmul, (3,), (3,))


def test_named_form_gradients():
    check_gradients(torsh.mm, (2, 3), (3, 2))
    check_gradients(torsh.bmm, (2, 2, 3), (2, 3, 1))
    check_gradients(torsh.mv, (2, 3), (3,))


def test_gradient_through_non_contiguous_input():
    base = values(3, 2).requires_grad_()
    (base.t() @ torsh.ones(3, 1, dtype=torsh.float64)).sum().backward()
    assert base.grad.tolist() == [[1.0, 1.0]] * 3
