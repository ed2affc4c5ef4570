"""The product family: addmm & co (and in-place forms), inner, outer, tensordot, kron, cross,
einsum, chain_matmul and torsh.linalg. Hand-computed values, special values, dtypes, errors,
and gradcheck + gradgradcheck for each op."""
import math

import pytest

import torsh
import torsh.linalg
from torsh.autograd.gradcheck import gradcheck, gradgradcheck

nan, inf = math.nan, math.inf
i32 = torsh.int32


def values(*shape, offset=0.0, dtype=torsh.float64):
    """Distinct, irregular values of a shape (no RNG needed)."""
    n = math.prod(shape)
    data = [math.sin(1.3 * k + 0.5 + offset) for k in range(n)]
    return torsh.tensor(data, dtype=dtype).reshape(*shape)


def t(data, dtype=None):
    return torsh.tensor(data, dtype=dtype) if dtype else torsh.tensor(data)


def close(x, y, tol=1e-12):
    if isinstance(x, list):
        return len(x) == len(y) and all(close(p, q, tol) for p, q in zip(x, y))
    return x == y or abs(x - y) <= tol * (1 + abs(y))


def check_gradients(fn, *shapes):
    inputs = [values(*s, offset=i).requires_grad_() for i, s in enumerate(shapes)]
    assert gradcheck(fn, inputs)
    out = fn(*inputs)
    cotangent = values(*out.shape, offset=7.0).requires_grad_()
    assert gradgradcheck(fn, inputs, [cotangent])


A = [[1.0, 2.0], [3.0, 4.0]]          # A @ B = [[19, 22], [43, 50]]
B = [[5.0, 6.0], [7.0, 8.0]]


# ------------------------------------------------------------ addmm, addmv, addr

def test_addmm_values():
    result = torsh.addmm(t([[1.0, 1.0], [1.0, 1.0]]), t(A), t(B), beta=2, alpha=0.5)
    assert result.tolist() == [[11.5, 13.0], [23.5, 27.0]]
    assert t([10.0, 20.0]).addmm(t(A), t(B)).tolist() == [[29.0, 42.0], [53.0, 70.0]]
    assert torsh.addmm(t(1.0), t(A), t(B)).tolist() == [[20.0, 23.0], [44.0, 51.0]]
    assert torsh.addmm(torsh.ones(2, 3), torsh.ones(2, 0), torsh.ones(0, 3)
                       ).tolist() == [[1.0] * 3] * 2


def test_beta_zero_ignores_nan_in_input_and_alpha_zero_the_product():
    poisoned = t([[nan, inf], [-inf, nan]])
    assert torsh.addmm(poisoned, t(A), t(B), beta=0).tolist() == [[19.0, 22.0], [43.0, 50.0]]
    assert torsh.addmv(t([nan, nan]), t(A), t([1.0, 1.0]), beta=0).tolist() == [3.0, 7.0]
    assert torsh.addr(poisoned, t([1.0, 2.0]), t([1.0, 0.0]), beta=0
                      ).tolist() == [[1.0, 0.0], [2.0, 0.0]]
    assert torsh.baddbmm(poisoned.unsqueeze(0), t([A]), t([B]), beta=0
                         ).tolist() == [[[19.0, 22.0], [43.0, 50.0]]]
    assert torsh.addbmm(poisoned, t([A, A]), t([B, B]), beta=0
                        ).tolist() == [[38.0, 44.0], [86.0, 100.0]]
    # BLAS's rule (addmm, addmv, addbmm): alpha = 0 drops the product, NaN and all ...
    assert torsh.addmm(t(A), poisoned, t(B), alpha=0).tolist() == A
    assert torsh.addmv(t([1.0, 2.0]), poisoned, t([1.0, 1.0]), alpha=0).tolist() == [1.0, 2.0]
    assert torsh.addbmm(t(A), poisoned.unsqueeze(0), t([B]), alpha=0).tolist() == A
    # ... while addr and baddbmm keep 0 * nan = nan, as PyTorch does.
    assert math.isnan(torsh.addr(t(A), t([nan, 1.0]), t([1.0, 1.0]), alpha=0)[0, 0].item())
    assert math.isnan(torsh.baddbmm(t([A]), poisoned.unsqueeze(0), t([B]), alpha=0
                                    )[0, 0, 0].item())


def test_beta_zero_gradient_is_zero():
    x = t([[nan, 1.0]], torsh.float64).requires_grad_()
    m = values(2, 2).requires_grad_()
    torsh.addmm(x, m, m, beta=0).sum().backward()
    assert x.grad.tolist() == [[0.0, 0.0]]
    assert not any(math.isnan(v) for row in m.grad.tolist() for v in row)


def test_addmv_and_addr_values():
    assert torsh.addmv(t([1.0, 1.0]), t(A), t([1.0, -1.0]), beta=2, alpha=3
                       ).tolist() == [-1.0, -1.0]
    assert torsh.addmv(t([5.0]), t(A), t([1.0, 1.0])).tolist() == [8.0, 12.0]
    assert torsh.addmv(t(5.0), t(A), t([1.0, 1.0])).tolist() == [8.0, 12.0]
    assert torsh.addr(torsh.ones(2, 3), t([1.0, 2.0]), t([1.0, 2.0, 3.0]), beta=2, alpha=3
                      ).tolist() == [[5.0, 8.0, 11.0], [8.0, 14.0, 20.0]]
    assert torsh.addr(t([1.0, 0.0, 0.0]), t([1.0, 2.0]), t([0.0, 1.0, 0.0])
                      ).tolist() == [[1.0, 1.0, 0.0], [1.0, 2.0, 0.0]]
    v = t([True, False])            # bool is logical: (beta and input) or (alpha and outer)
    assert torsh.addr(v, v, v, beta=-2, alpha=2).tolist() == [[True, False], [True, False]]
    assert torsh.addr(v, v, v, beta=0, alpha=1).tolist() == [[True, False], [False, False]]


def test_integer_and_bool_dtypes():
    a = t([[1, 2], [3, 4]], i32)
    result = torsh.addmm(a, a, a, beta=2, alpha=3)
    assert result.dtype is i32 and result.tolist() == [[23, 34], [51, 74]]
    # The BLAS-like ops truncate float beta/alpha for integers (PyTorch does)
    assert torsh.addmm(a, a, a, beta=1.5, alpha=-1.7).tolist() == [[-6, -8], [-12, -18]]
    assert torsh.baddbmm(a.unsqueeze(0), a.unsqueeze(0), a.unsqueeze(0)).dtype is i32
    assert torsh.addbmm(a, a.unsqueeze(0), a.unsqueeze(0)).tolist() == [[8, 12], [18, 26]]
    assert torsh.addr(a, t([1, 2], i32), t([1, 1], i32)).tolist() == [[2, 3], [5, 6]]
    # addr promotes mixed dtypes and works on bool as logic: beta and input or alpha and outer
    assert torsh.addr(a, t([1.0, 2.0]), t([1, 1], i32)).dtype is torsh.float32
    bools = t([[True, False], [False, False]])
    logical = torsh.addr(bools, t([False, True]), t([False, True]))
    assert logical.dtype is torsh.bool and logical.tolist() == [[True, False], [False, True]]
    assert torsh.addr(bools, t([False, True]), t([False, True]), beta=0
                      ).tolist() == [[False, False], [False, True]]
    wrapped = torsh.addmm(torsh.zeros(1, 1, dtype=torsh.int8), torsh.full((1, 3), 100,
                          dtype=torsh.int8), torsh.ones(3, 1, dtype=torsh.int8))
    assert wrapped.tolist() == [[44]]


def test_batched_forms():
    batch1, batch2 = values(3, 2, 4), values(3, 4, 2, offset=1.0)
    per_batch = batch1 @ batch2
    result = torsh.baddbmm(values(2, 1, offset=2.0), batch1, batch2, beta=0.5, alpha=2)
    expected = (values(2, 1, offset=2.0) * 0.5 + per_batch * 2).tolist()
    assert result.shape == (3, 2, 2) and close(result.tolist(), expected)
    summed = torsh.addbmm(torsh.zeros(2, 2, dtype=torsh.float64), batch1, batch2)
    assert close(summed.tolist(), (per_batch[0] + per_batch[1] + per_batch[2]).tolist())
    assert torsh.addbmm(torsh.ones(2, 3), torsh.ones(0, 2, 4), torsh.ones(0, 4, 3)
                        ).tolist() == [[1.0] * 3] * 2


def test_non_contiguous_operands():
    mat1 = values(4, 2).t()                  # (2, 4)
    mat2 = values(4, 6, offset=1.0)[:, ::2]  # (4, 3)
    expected = (mat1.contiguous() @ mat2.contiguous()).tolist()
    assert close(torsh.addmm(torsh.zeros(1, dtype=torsh.float64).expand(2, 3), mat1, mat2
                             ).tolist(), expected)
    assert close(torsh.addbmm(torsh.zeros(2, 3, dtype=torsh.float64), mat1.unsqueeze(0),
                              mat2.unsqueeze(0)).tolist(), expected)


def test_in_place_forms():
    x = torsh.ones(2, 2)
    assert x.addmm_(t(A), t(B), alpha=2) is x and x.tolist() == [[39.0, 45.0], [87.0, 101.0]]
    v = torsh.ones(2)
    v.addmv_(t(A), t([1.0, 0.0]), beta=0)
    assert v.tolist() == [1.0, 3.0]
    torsh.addmv_(v, t(A), t([1.0, 0.0]))
    assert v.tolist() == [2.0, 6.0]
    m = torsh.zeros(2, 2)
    m.addr_(t([1.0, 2.0]), t([3.0, 4.0]))
    assert m.tolist() == [[3.0, 4.0], [6.0, 8.0]]
    b = torsh.zeros(1, 2, 2)
    b.baddbmm_(t([A]), t([B]))
    assert b.tolist() == [[[19.0, 22.0], [43.0, 50.0]]]
    s = torsh.zeros(2, 2)
    s.addbmm_(t([A, A]), t([B, B]), beta=0)
    assert s.tolist() == [[38.0, 44.0], [86.0, 100.0]]
    view = torsh.zeros(2, 4)[:, ::2]
    view.addmm_(t(A), t(B))
    assert view.tolist() == [[19.0, 22.0], [43.0, 50.0]]
    with pytest.raises(RuntimeError, match=r"addmm_.*\[2, 1\].*\[2, 2\]"):
        torsh.ones(2, 1).addmm_(t(A), t(B))


def test_in_place_gradient():
    x = values(2, 2).requires_grad_()
    m1, m2 = values(2, 3, offset=1.0).requires_grad_(), values(3, 2, offset=2.0)
    y = x * 1
    y.addmm_(m1, m2, beta=3)
    y.sum().backward()
    assert x.grad.tolist() == [[3.0, 3.0], [3.0, 3.0]]
    assert close(m1.grad.tolist(), (torsh.ones(2, 2, dtype=torsh.float64) @ m2.t()).tolist())


@pytest.mark.parametrize("fn, shapes", [
    (lambda i, a, b: torsh.addmm(i, a, b, beta=0.5, alpha=2), [(3,), (2, 3), (3, 3)]),
    (lambda i, a, b: torsh.addmm(i, a, b, beta=0), [(2, 3), (2, 3), (3, 3)]),
    (lambda i, a, b: torsh.addmv(i, a, b, beta=0.5, alpha=-2), [(2,), (2, 3), (3,)]),
    (lambda i, a, b: torsh.addr(i, a, b, beta=2, alpha=0.5), [(2, 1), (2,), (3,)]),
    (lambda i, a, b: torsh.baddbmm(i, a, b, beta=0.5, alpha=2), [(2, 1, 2), (2, 2, 3),
                                                                 (2, 3, 2)]),
    (lambda i, a, b: torsh.addbmm(i, a, b, beta=0.5, alpha=2), [(2, 2), (2, 2, 3), (2, 3, 2)]),
])
def test_add_family_gradients(fn, shapes):
    check_gradients(fn, *shapes)


# ------------------------------------------------------------ inner, outer, tensordot, kron

def test_inner_outer():
    assert torsh.inner(t([1.0, 2.0, 3.0]), t([4.0, 5.0, 6.0])).tolist() == 32.0
    assert torsh.inner(t(A), t([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
                       ).tolist() == [[1.0, 2.0, 3.0], [3.0, 4.0, 7.0]]
    assert torsh.inner(values(2, 1, 3), values(4, 3)).shape == (2, 1, 4)
    assert torsh.inner(t(2.0), t([1.0, 2.0])).tolist() == [2.0, 4.0]
    ints = torsh.inner(t([1, 2], i32), t([3, 4], i32))
    assert ints.dtype is i32 and ints.item() == 11
    assert torsh.outer(t([1.0, 2.0]), t([1.0, 2.0, 3.0])).tolist() == [[1.0, 2.0, 3.0],
                                                                       [2.0, 4.0, 6.0]]
    assert torsh.ger(t([1, 2]), t([3])).tolist() == [[3], [6]]
    assert t([1, 2], i32).outer(t([0.5])).dtype is torsh.float32
    assert torsh.outer(t([True, False]), t([True, True])).tolist() == [[True, True],
                                                                       [False, False]]
    assert torsh.outer(torsh.ones(0), torsh.ones(3)).shape == (0, 3)
    assert torsh.inner(torsh.ones(2, 0), torsh.ones(3, 0)).tolist() == [[0.0] * 3] * 2


def test_tensordot():
    a = torsh.arange(6.0).reshape(2, 3)
    b = torsh.arange(12.0).reshape(3, 4)
    assert torsh.tensordot(a, b, dims=1).tolist() == [[20.0, 23.0, 26.0, 29.0],
                                                      [56.0, 68.0, 80.0, 92.0]]
    assert torsh.tensordot(a, a, dims=2).item() == 55.0
    assert torsh.tensordot(t([1.0, 2.0]), t([3.0, 4.0]), dims=0).tolist() == [[3.0, 4.0],
                                                                              [6.0, 8.0]]
    c = torsh.arange(6.0).reshape(3, 2)
    assert torsh.tensordot(a, c, dims=([0, 1], [1, 0])).item() == 50.0
    assert torsh.tensordot(a, c, dims=([-1], [0])).tolist() == [[10.0, 13.0], [28.0, 40.0]]
    assert torsh.tensordot(a, c, dims=torsh.tensor(1)).tolist() == [[10.0, 13.0],
                                                                    [28.0, 40.0]]
    assert torsh.tensordot(values(2, 3, 4), values(4, 3, 5), dims=([1, 2], [1, 0])
                           ).shape == (2, 5)
    ints = torsh.tensordot(torsh.ones(2, 3, dtype=i32), torsh.ones(3, 2, dtype=i32), dims=1)
    assert ints.dtype is i32 and ints.tolist() == [[3, 3], [3, 3]]
    # a contracted size of 1 broadcasts (PyTorch does this too)
    assert torsh.tensordot(torsh.ones(2, 1), torsh.ones(3, 2), dims=([1], [0])
                           ).tolist() == [[3.0, 3.0], [3.0, 3.0]]


def test_kron():
    assert torsh.kron(t([[1, 2], [3, 4]]), t([[0, 1], [1, 0]])).tolist() == [
        [0, 1, 0, 2], [1, 0, 2, 0], [0, 3, 0, 4], [3, 0, 4, 0]]
    assert torsh.kron(t([1, 2]), t([[1, 10]])).tolist() == [[1, 10, 2, 20]]
    assert t([1, 2]).kron(t([1.5])).tolist() == [1.5, 3.0]
    assert torsh.kron(t(2.0), t(3.0)).shape == ()
    assert torsh.kron(t([True, False]), t([True])).tolist() == [True, False]
    assert torsh.kron(torsh.ones(0, 2), torsh.ones(2, 3)).shape == (0, 6)


@pytest.mark.parametrize("fn, shapes", [
    (torsh.inner, [(2, 3), (2, 3)]),
    (torsh.inner, [(3,), (3,)]),
    (torsh.outer, [(2,), (3,)]),
    (lambda a, b: torsh.tensordot(a, b, dims=([0, 2], [1, 0])), [(2, 2, 3), (3, 2, 2)]),
    (lambda a, b: torsh.tensordot(a, b, dims=0), [(2,), (2,)]),
    (torsh.kron, [(2, 2), (2, 1)]),
    (torsh.kron, [(2,), (2, 2)]),
])
def test_product_gradients(fn, shapes):
    check_gradients(fn, *shapes)


# ------------------------------------------------------------ cross

def test_cross():
    assert torsh.cross(t([1.0, 0.0, 0.0]), t([0.0, 1.0, 0.0])).tolist() == [0.0, 0.0, 1.0]
    assert torsh.cross(t([1, 2, 3]), t([4, 5, 6])).tolist() == [-3, 6, -3]
    # dim=None: input's first dim of size 3
    rows = torsh.arange(6.0).reshape(2, 3)
    assert torsh.cross(rows, torsh.ones(2, 3)).tolist() == [[-1.0, 2.0, -1.0]] * 2
    assert rows.t().cross(torsh.ones(3, 2)).tolist() == [[-1.0, -1.0], [2.0, 2.0],
                                                         [-1.0, -1.0]]
    assert torsh.linalg.cross(rows, torsh.ones(1, 3)).tolist() == [[-1.0, 2.0, -1.0]] * 2
    assert torsh.cross(torsh.ones(0, 3), torsh.ones(0, 3), dim=1).shape == (0, 3)
    column = torsh.tensor([[1.0], [0.0], [0.0]]).expand(3, 2)   # non-contiguous
    assert torsh.cross(column, t([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]]), dim=0
                       ).tolist() == [[0.0, 0.0], [0.0, -1.0], [1.0, 0.0]]


def test_cross_gradients():
    check_gradients(lambda a, b: torsh.cross(a, b, dim=0), (3, 2), (3, 1))
    check_gradients(lambda a, b: torsh.linalg.cross(a, b), (2, 3), (2, 3))


# ------------------------------------------------------------ einsum

def test_einsum_matrix_forms():
    a, b = torsh.arange(6.0).reshape(2, 3), torsh.arange(12.0).reshape(3, 4)
    mm = [[20.0, 23.0, 26.0, 29.0], [56.0, 68.0, 80.0, 92.0]]
    assert torsh.einsum("ij,jk->ik", a, b).tolist() == mm
    assert torsh.einsum("ij,jk", a, b).tolist() == mm           # implicit output
    assert torsh.einsum(" i j , j k -> i k ", a, b).tolist() == mm
    assert torsh.einsum("ij,jk->ik", [a, b]).tolist() == mm      # operands as a list
    assert torsh.einsum(a, [0, 1], b, [1, 2], [0, 2]).tolist() == mm   # sublist form
    assert torsh.einsum(a, [0, 1], b, [1, 2]).tolist() == mm
    assert torsh.einsum(a, [..., 1], b, [1, 2], [..., 2]).tolist() == mm
    assert torsh.einsum("ij->ji", a).tolist() == a.t().tolist()
    assert torsh.einsum("ba", a).tolist() == a.t().tolist()   # implicit: sorted labels
    assert torsh.einsum("bA", a).tolist() == a.t().tolist()   # upper case sorts first
    assert torsh.einsum("ij->", a).item() == 15.0
    assert torsh.einsum("i,j->ij", t([1.0, 2.0]), t([3.0, 4.0])).tolist() == [[3.0, 4.0],
                                                                              [6.0, 8.0]]
    assert torsh.einsum("i,i", t([1.0, 2.0]), t([3.0, 4.0])).item() == 11.0


def test_einsum_diagonals_and_traces():
    m = torsh.arange(9.0).reshape(3, 3)
    assert torsh.einsum("ii", m).item() == 12.0
    assert torsh.einsum("ii->i", m).tolist() == [0.0, 4.0, 8.0]
    assert torsh.einsum("iii->i", torsh.arange(8.0).reshape(2, 2, 2)).tolist() == [0.0, 7.0]
    assert torsh.einsum("iji->j", torsh.arange(12.0).reshape(2, 3, 2)
                        ).tolist() == [7.0, 11.0, 15.0]
    assert torsh.einsum("ij,ji->", m, m).item() == (m @ m).diagonal().sum().item()


def test_einsum_ellipsis_and_broadcasting():
    assert torsh.einsum("...ij,...jk->...ik", values(2, 2, 3), values(3, 4)).shape == (2, 2, 4)
    assert torsh.einsum("...ij,...jk", values(2, 2, 3), values(3, 4)).shape == (2, 2, 4)
    summed = torsh.einsum("...ij,...jk->ik", torsh.ones(2, 2, 3), torsh.ones(3, 4))
    assert summed.tolist() == [[6.0] * 4] * 2                 # '...' left out is summed
    assert torsh.einsum("i...j->j...i", values(2, 3, 4, 5)).shape == (5, 3, 4, 2)
    assert torsh.einsum("...i,...i->...", values(2, 1, 3), values(4, 3)).shape == (2, 4)
    assert torsh.einsum("ij,ij->ij", t([[1.0, 2.0], [3.0, 4.0]]), t([[10.0, 100.0]])
                        ).tolist() == [[10.0, 200.0], [30.0, 400.0]]
    assert torsh.einsum("ij,j->i", torsh.ones(2, 1), t([1.0, 2.0, 3.0])).tolist() == [6.0, 6.0]
    assert torsh.einsum(",->", t(2.0), t(3.0)).item() == 6.0
    assert torsh.einsum("...,...->...", t(2.0), t([3.0, 4.0])).tolist() == [6.0, 8.0]
    assert torsh.einsum("ij->...ij", torsh.ones(2, 3)).shape == (2, 3)


def test_einsum_several_operands_match_matmul():
    a, b, c = values(2, 3), values(3, 4, offset=1.0), values(4, 2, offset=2.0)
    assert close(torsh.einsum("ij,jk,kl->il", a, b, c).tolist(), (a @ b @ c).tolist())
    assert close(torsh.einsum("ij,jk,ki->", a, b, c).item(),
                 (a @ b @ c).diagonal().sum().item())
    x, w, y = values(2, 3), values(4, 3, 2, offset=1.0), values(2, 2, offset=2.0)
    bilinear = torsh.einsum("bn,anm,bm->ba", x, w, y)
    assert close(bilinear[1, 2].item(), ((x[1] @ w[2]) * y[1]).sum().item())
    assert torsh.einsum("bij,bjk->bik", values(2, 2, 3), values(2, 3, 4)).shape == (2, 2, 4)


def test_einsum_dtypes_and_empty():
    ints = torsh.einsum("ij,jk->ik", torsh.ones(2, 3, dtype=i32), torsh.ones(3, 2, dtype=i32))
    assert ints.dtype is i32 and ints.tolist() == [[3, 3], [3, 3]]
    assert torsh.einsum("ii->i", torsh.ones(2, 2, dtype=i32)).dtype is i32
    assert torsh.einsum("ij->i", torsh.ones(2, 3, dtype=i32)).dtype is torsh.int64  # as sum
    assert torsh.einsum("i,j->ij", t([True, False]), t([True])).tolist() == [[True], [False]]
    assert torsh.einsum("ij,jk->ik", torsh.ones(2, 0), torsh.ones(0, 3)
                        ).tolist() == [[0.0] * 3] * 2
    nan_row = torsh.einsum("ij,j->i", t([[nan, 1.0], [1.0, 1.0]]), t([1.0, 1.0])).tolist()
    assert math.isnan(nan_row[0]) and nan_row[1] == 2.0


@pytest.mark.parametrize("equation, shapes", [
    ("ij,jk->ik", [(2, 3), (3, 2)]),
    ("bn,anm,bm->ba", [(2, 3), (2, 3, 2), (2, 2)]),
    ("iij->j", [(3, 3, 2)]),
    ("...ij,...jk", [(2, 2, 3), (3, 2)]),
    ("ij,ij->j", [(2, 3), (1, 3)]),
    ("i,j->ij", [(2,), (3,)]),
])
def test_einsum_gradients(equation, shapes):
    check_gradients(lambda *xs: torsh.einsum(equation, *xs), *shapes)


# ------------------------------------------------------------ chain_matmul, torsh.linalg

def test_chain_matmul_and_multi_dot():
    a, b, c = values(2, 3), values(3, 4, offset=1.0), values(4, 1, offset=2.0)
    assert close(torsh.chain_matmul(a, b, c).tolist(), (a @ b @ c).tolist())
    assert torsh.chain_matmul(a).tolist() == a.tolist()
    multi_dot = torsh.linalg.multi_dot
    assert close(multi_dot([a, b, c]).tolist(), (a @ b @ c).tolist())
    v, w = t([1.0, 2.0]), t([1.0, -1.0, 0.5])
    assert multi_dot([v, t([[1.0, 0.0, 1.0], [0.0, 1.0, 1.0]]), w]).item() == 0.5
    assert multi_dot((t([1.0, 2.0]), t([3.0, 4.0]))).item() == 11.0
    assert multi_dot([v, t(A)]).tolist() == [7.0, 10.0]
    assert multi_dot([t(A), v]).tolist() == [5.0, 11.0]
    assert multi_dot([torsh.ones(2, 0), torsh.ones(0, 3)]).tolist() == [[0.0] * 3] * 2
    ints = multi_dot([torsh.ones(2, 3, dtype=i32), torsh.ones(3, 2, dtype=i32)])
    assert ints.dtype is i32


def test_linalg_namespace():
    assert torsh.linalg.matmul(values(4, 3), values(1, 3, 3, 3)).shape == (1, 3, 4, 3)
    vecdot = torsh.linalg.vecdot
    assert vecdot(t(A), t([1.0, 1.0])).tolist() == [3.0, 7.0]
    assert vecdot(t(A), t([[1.0], [1.0]]), dim=0).tolist() == [4.0, 6.0]
    assert vecdot(t(2.0), t(3.0)).item() == 6.0
    x = t([[3.0, -4.0], [0.0, 0.0]])
    norm, vector_norm, matrix_norm = (torsh.linalg.norm, torsh.linalg.vector_norm,
                                      torsh.linalg.matrix_norm)
    assert vector_norm(x).item() == 5.0 and norm(x).item() == 5.0
    assert vector_norm(x, dim=1).tolist() == [5.0, 0.0]
    assert vector_norm(x, ord=1).item() == 7.0 and vector_norm(x, ord=inf).item() == 4.0
    assert vector_norm(x, ord=-inf).item() == 0.0 and vector_norm(x, ord=0).item() == 2.0
    assert close(vector_norm(t([1.0, 2.0, 2.0]), ord=3).item(), 17 ** (1 / 3), 1e-6)
    assert vector_norm(torsh.zeros(0, 3)).item() == 0.0
    assert matrix_norm(x).item() == 5.0
    assert matrix_norm(x, ord=1).item() == 4.0 and matrix_norm(x, ord=-1).item() == 3.0
    assert matrix_norm(x, ord=inf).item() == 7.0 and matrix_norm(x, ord=-inf).item() == 0.0
    assert norm(x, ord=1).item() == 4.0 and norm(x, ord="fro").item() == 5.0
    assert norm(x, ord=inf, dim=1).tolist() == [4.0, 0.0]
    assert matrix_norm(values(2, 2, 3), keepdim=True).shape == (2, 1, 1)


def test_linalg_gradients():
    check_gradients(torsh.chain_matmul, (2, 3), (3, 2), (2, 2))
    check_gradients(lambda a, b, c: torsh.linalg.multi_dot([a, b, c]), (3,), (3, 2), (2, 2))
    check_gradients(torsh.linalg.vecdot, (2, 3), (3,))
    check_gradients(lambda a: torsh.linalg.vector_norm(a, 3, dim=1), (2, 3))
    check_gradients(lambda a: torsh.linalg.matrix_norm(a), (2, 3))
    check_gradients(lambda a: torsh.linalg.matrix_norm(a, 1), (2, 3))


# ------------------------------------------------------------ errors

def ones(*shape, dtype=torsh.float32):
    return torsh.ones(*shape, dtype=dtype)


BOOL = torsh.bool
ERRORS = [
    (lambda: torsh.addmm(ones(2, 3), ones(2, 4, 1), ones(4, 3)), r"addmm: mat1 must be a 2-D"),
    (lambda: torsh.addmm(ones(2, 3), ones(2, 4), ones(5, 3)), r"addmm:.*\(2x4 and 5x3\)"),
    (lambda: torsh.addmm(ones(3, 3), ones(2, 4), ones(4, 3)), r"addmm:.*\[3, 3\].*\[2, 3\]"),
    (lambda: torsh.addmm(ones(2, 3), ones(2, 4, dtype=torsh.float64), ones(4, 3)),
     r"addmm:.*same dtype.*float64"),
    (lambda: torsh.addmm(ones(2, 3, dtype=BOOL), ones(2, 4, dtype=BOOL), ones(4, 3, dtype=BOOL)),
     r"addmm.*Bool"),
    (lambda: torsh.addmv(ones(2), ones(2, 3), ones(3, 1)), r"addmv:.*got 1, 2, 2"),
    (lambda: torsh.addmv(ones(2), ones(2, 3), ones(4)), r"addmv: size mismatch.*vec \(4\)"),
    (lambda: torsh.addmv(ones(3), ones(2, 3), ones(3)), r"addmv: size mismatch.*input \(3\)"),
    (lambda: torsh.addr(ones(2, 3), ones(2, 1), ones(3)), r"addr: Expected 1-D argument vec1"),
    (lambda: torsh.addr(ones(3, 3), ones(2), ones(3)), r"addr:.*\[3, 3\]"),
    (lambda: torsh.addr(ones(2, 2, dtype=i32), ones(2, dtype=i32), ones(2, dtype=i32),
                        beta=1.5), r"addr:.*argument beta must not be a floating"),
    (lambda: torsh.addr(ones(2, 2), ones(2), ones(2), alpha=True), r"addr: Boolean"),
    (lambda: torsh.baddbmm(ones(2, 2, 3), ones(2, 2, 4), ones(3, 4, 3)),
     r"baddbmm:.*\[2, 4\] but got: \[3, 4\]"),
    (lambda: torsh.baddbmm(ones(2, 2, 3), ones(2, 4), ones(2, 4, 3)), r"baddbmm: batch1"),
    (lambda: torsh.addbmm(ones(2, 3), ones(2, 2, 4), ones(3, 4, 3)), r"addbmm:.*2 and 3"),
    (lambda: torsh.addbmm(ones(2, 3), ones(2, 2, 4), ones(2, 5, 3)), r"addbmm:.*2x4 and 5x3"),
    (lambda: ones(3).addmv_(ones(3, 2), ones(2)).addmm_(ones(3, 2), ones(2, 3)),
     r"addmm_: Bad in-place call"),
    (lambda: torsh.inner(ones(2, 3), ones(2, 4)), r"inner\(\).*\[2, 3\] and \[2, 4\]"),
    (lambda: torsh.inner(ones(3), ones(3, dtype=torsh.float64)), r"inner:.*same dtype"),
    (lambda: torsh.inner(ones(3, dtype=BOOL), ones(3, dtype=BOOL)), r"inner.*Bool"),
    (lambda: torsh.outer(ones(2, 1), ones(3)), r"outer: Expected 1-D argument self"),
    (lambda: torsh.tensordot(ones(2, 3), ones(4, 2), dims=1),
     r"tensordot:.*size 3 in dim 1 and second has size 4 in dim 0"),
    (lambda: torsh.tensordot(ones(2, 3), ones(3, 2), dims=([1], [0, 1])), r"same length"),
    (lambda: torsh.tensordot(ones(2, 3), ones(3, 2), dims=-1), r"tensordot.*dims=-1"),
    (lambda: torsh.tensordot(ones(2, 3), ones(3, 2), dims=3), r"tensordot.*dims=3"),
    (lambda: torsh.tensordot(ones(3, 3), ones(3, 3), dims=([0, 0], [0, 1])),
     r"tensordot: dim 0 appears multiple times"),
    (lambda: torsh.cross(ones(2, 2), ones(2, 2), dim=1),
     r"linalg.cross: inputs dimension 1 must have length 3. Got 2 and 2"),
    (lambda: torsh.cross(ones(2, 2), ones(2, 2)), r"cross: no dimension of size 3"),
    (lambda: torsh.cross(ones(2, 3), ones(3)), r"linalg.cross:.*same number of dimensions"),
    (lambda: torsh.cross(ones(3, dtype=i32), ones(3)), r"linalg.cross:.*same dtype"),
    (lambda: torsh.cross(ones(3, dtype=BOOL), ones(3, dtype=BOOL)), r"cross.*Bool"),
    (lambda: torsh.cross(ones(2, 3), ones(3, 3), dim=1), r"linalg.cross: cannot broadcast"),
    (lambda: torsh.einsum("ij,jk->ik", ones(2, 3), ones(4, 2)),
     r"einsum\(\): subscript j has size 4 for operand 1.*size 3"),
    (lambda: torsh.einsum("ij,jk->ik", ones(2, 3)), r"einsum\(\): fewer operands"),
    (lambda: torsh.einsum("ij->ij", ones(2, 3), ones(2, 3)), r"einsum\(\): more operands"),
    (lambda: torsh.einsum("i1->i", ones(2, 3)), r"einsum\(\): invalid subscript.*index 1"),
    (lambda: torsh.einsum("i.->i", ones(2, 3)), r"einsum\(\): found '\.' for operand 0"),
    (lambda: torsh.einsum("...i...->i", ones(2, 3)), r"einsum\(\): found '\.' for operand 0"),
    (lambda: torsh.einsum("ijk->i", ones(2, 3)), r"einsum\(\).*\(3\).*\(2\).*no ellipsis"),
    (lambda: torsh.einsum("ijk...->i", ones(2, 3)), r"einsum\(\).*is more than"),
    (lambda: torsh.einsum("ij->k", ones(2, 3)), r"einsum\(\): output subscript k does not"),
    (lambda: torsh.einsum("ij->ii", ones(2, 3)), r"einsum\(\): output subscript i appears"),
    (lambda: torsh.einsum("ii->i", ones(2, 3)), r"einsum\(\): subscript i is repeated.*3 != 2"),
    (lambda: torsh.einsum("...i,...i->...", ones(2, 3), ones(4, 3)), r"einsum\(\).*ellipsis"),
    (lambda: torsh.einsum("i,i->", ones(2), ones(2, dtype=torsh.float64)),
     r"einsum\(\).*same dtype"),
    (lambda: torsh.einsum("ij,jk->ik", ones(2, 3, dtype=BOOL), ones(3, 2, dtype=BOOL)),
     r"bmm.*Bool"),
    (lambda: torsh.chain_matmul(), r"chain_matmul\(\): Expected one or more"),
    (lambda: torsh.chain_matmul(ones(2, 3), ones(3)), r"chain_matmul\(\).*dimension is 1"),
    (lambda: torsh.linalg.multi_dot([ones(2, 3)]), r"multi_dot\(\): expected at least 2"),
    (lambda: torsh.linalg.multi_dot([ones(2, 3, 3), ones(3, 2)]), r"first tensor.*3D"),
    (lambda: torsh.linalg.multi_dot([ones(2, 3), ones(3), ones(3, 2)]), r"tensor 1 must"),
    (lambda: torsh.linalg.multi_dot([ones(2, 3), ones(4, 2)]),
     r"multi_dot\(\): tensors 0 and 1 with shapes \[2, 3\] and \[4, 2\]"),
    (lambda: torsh.linalg.multi_dot([ones(2, 3), ones(3, 4, dtype=torsh.float64)]),
     r"multi_dot\(\): all tensors must"),
    (lambda: torsh.linalg.vecdot(ones(2, dtype=i32), ones(2, dtype=i32)),
     r"linalg.vecdot: Expected a floating point"),
    (lambda: torsh.linalg.vecdot(ones(2), ones(3)), r"linalg.vecdot: cannot broadcast"),
    (lambda: torsh.linalg.vector_norm(ones(0), ord=inf), r"vector_norm.*empty"),
    (lambda: torsh.linalg.matrix_norm(ones(2)), r"matrix_norm.*at least 2 dimensions"),
    (lambda: torsh.linalg.norm(ones(2, 2, 2), ord=1), r"linalg.norm.*1D or 2D"),
]


@pytest.mark.parametrize("call, match", ERRORS)
def test_errors_name_the_op(call, match):
    with pytest.raises(RuntimeError, match=match):
        call()


def test_index_and_value_errors():
    with pytest.raises(IndexError, match="tensordot: Dimension out of range"):
        torsh.tensordot(ones(3, 3), ones(3, 3), dims=([2], [0]))
    with pytest.raises(IndexError, match="linalg.cross: Dimension out of range"):
        torsh.cross(ones(3), ones(3), dim=1)
    with pytest.raises(ValueError, match="einsum"):
        torsh.einsum("i->i")
    with pytest.raises(ValueError, match=r"einsum\(\).*\[0, 52\)"):
        torsh.einsum(ones(2), [52])


# ------------------------------------------------------------ against a live PyTorch

def _grid(T, *shape, dtype=None):
    """Values k - n/3 (float64) or k (an integer dtype), the same in torsh and torch."""
    n = math.prod(shape)
    if dtype is not None:
        return T.arange(n).reshape(*shape).to(getattr(T, dtype))
    return T.tensor([k - n / 3 for k in range(n)], dtype=T.float64).reshape(*shape)


LIVE = [
    lambda T: T.addmm(_grid(T, 3), _grid(T, 2, 4), _grid(T, 4, 3), beta=2, alpha=0.5),
    lambda T: T.addmm(_grid(T, 2, 3, dtype="int32"), _grid(T, 2, 4, dtype="int32"),
                      _grid(T, 4, 3, dtype="int32"), beta=-1.5, alpha=2.7),
    lambda T: T.addmv(_grid(T, 1), _grid(T, 2, 3), _grid(T, 3), beta=0),
    lambda T: T.addr(_grid(T, 2, 3, dtype="int32"), _grid(T, 2), _grid(T, 3, dtype="int32")),
    lambda T: T.baddbmm(_grid(T, 3), _grid(T, 2, 2, 4), _grid(T, 2, 4, 3), alpha=-1),
    lambda T: T.addbmm(_grid(T, 2, 3), _grid(T, 3, 2, 4), _grid(T, 3, 4, 3), beta=0.5),
    lambda T: _grid(T, 2, 3).addbmm_(_grid(T, 3, 2, 4), _grid(T, 3, 4, 3)),
    lambda T: T.inner(_grid(T, 2, 1, 3), _grid(T, 4, 3)),
    lambda T: T.outer(_grid(T, 2, dtype="int64"), _grid(T, 3)),
    lambda T: T.tensordot(_grid(T, 2, 3, 4), _grid(T, 4, 2, 5), dims=([0, 2], [1, 0])),
    lambda T: T.tensordot(_grid(T, 2, 3, 4), _grid(T, 3, 4, 5)),
    lambda T: T.kron(_grid(T, 2, 2), _grid(T, 3, 1, 2)),
    lambda T: T.cross(_grid(T, 3, 2), _grid(T, 3, 2) ** 2, dim=0),
    lambda T: T.linalg.cross(_grid(T, 2, 3), _grid(T, 1, 3) ** 2),
    lambda T: T.einsum("bn,anm,bm->ba", _grid(T, 2, 3), _grid(T, 4, 3, 2), _grid(T, 2, 2)),
    lambda T: T.einsum("i...j,jk->...ki", _grid(T, 2, 3, 4), _grid(T, 4, 2)),
    lambda T: T.einsum("iji,jk,k", _grid(T, 2, 3, 2), _grid(T, 3, 2), _grid(T, 2)),
    lambda T: T.einsum("Ab,bc->cA", _grid(T, 2, 3), _grid(T, 3, 1)),
    lambda T: T.einsum(_grid(T, 2, 3), [0, 1], _grid(T, 3, 4), [1, 2], [2, 0]),
    lambda T: T.einsum("ij,jk->ik", _grid(T, 2, 3, dtype="int8"), _grid(T, 3, 2, dtype="int8")),
    lambda T: T.chain_matmul(_grid(T, 2, 3), _grid(T, 3, 4), _grid(T, 4, 1)),
    lambda T: T.linalg.multi_dot([_grid(T, 3), _grid(T, 3, 2), _grid(T, 2, 4)]),
    lambda T: T.linalg.vecdot(_grid(T, 2, 3), _grid(T, 2, 1), dim=0),
    lambda T: T.linalg.vector_norm(_grid(T, 2, 3), ord=3, dim=1, keepdim=True),
    lambda T: T.linalg.matrix_norm(_grid(T, 2, 2, 3), ord=-math.inf),
    lambda T: T.linalg.norm(_grid(T, 2, 3), ord=1),
    lambda T: T.matmul(_grid(T, 4, 3), _grid(T, 1, 3, 3, 3)),
    lambda T: T.matmul(_grid(T, 3), _grid(T, 2, 3, 2)),
]


def _flatten(x):
    return [v for item in x for v in _flatten(item)] if isinstance(x, list) else [x]


@pytest.mark.torch
@pytest.mark.parametrize("index", range(len(LIVE)))
def test_same_values_as_live_pytorch(index):
    torch = pytest.importorskip("torch")
    import torch.linalg  # noqa: F401
    expected, ours = LIVE[index](torch), LIVE[index](torsh)
    assert list(ours.shape) == list(expected.shape)
    assert str(ours.dtype).split(".")[-1] == str(expected.dtype).split(".")[-1]
    assert close(_flatten(ours.tolist()), _flatten(expected.tolist()), 1e-12)
