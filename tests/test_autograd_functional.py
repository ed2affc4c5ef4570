"""torsh.autograd.functional: jacobian, hessian, vjp, jvp, hvp, vhp against hand-made matrices."""
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import torsh
from torsh.autograd.functional import hessian, hvp, jacobian, jvp, vhp, vjp


def d(values):
    return torsh.tensor(values, dtype=torsh.float64)


def cube(x):
    return x ** 3


def mixed(x):
    """[x0 x1, x0 + x1, x1^2]: J = [[x1, x0], [1, 1], [0, 2 x1]]."""
    return torsh.stack([x[0] * x[1], x[0] + x[1], x[1] * x[1]])


def x0_squared_x1(x):
    """x0^2 x1: gradient [2 x0 x1, x0^2], H = [[2 x1, 2 x0], [2 x0, 0]]."""
    return x[0] * x[0] * x[1]


# ------------------------------------------------------------ jacobian

def test_jacobian_of_elementwise_and_non_square_maps():
    x = d([1.0, 2.0, -1.0])
    assert jacobian(cube, x).tolist() == [[3.0, 0, 0], [0, 12.0, 0], [0, 0, 3.0]]
    j = jacobian(mixed, d([2.0, 3.0]))
    assert j.shape == (3, 2) and j.tolist() == [[3.0, 2.0], [1.0, 1.0], [0.0, 6.0]]


def test_jacobian_shapes_follow_outputs_then_inputs():
    a = d([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    j = jacobian(lambda m: m.sum(0), a)              # (3,) from (2, 3)
    assert j.shape == (3, 2, 3)
    assert j[1].tolist() == [[0.0, 1.0, 0.0], [0.0, 1.0, 0.0]]
    s = jacobian(lambda v: (v * v).sum(), d([1.0, -2.0]))   # 0-d output
    assert s.shape == (2,) and s.tolist() == [2.0, -4.0]
    z = jacobian(lambda v: v * 3, d(2.0))                 # 0-d in, 0-d out
    assert z.shape == () and z.item() == 3.0


def test_jacobian_nesting_for_tuples():
    x, y = d([1.0, 2.0, 3.0]), d([0.5, -1.0])
    ((dx0, dy0), (dx1, dy1)) = jacobian(lambda a, b: (a.sum() * b, b * 2), (x, y))
    assert dx0.tolist() == [[0.5] * 3, [-1.0] * 3]
    assert dy0.tolist() == [[6.0, 0.0], [0.0, 6.0]]
    assert dx1.tolist() == [[0.0] * 3] * 2 and dy1.tolist() == [[2.0, 0.0], [0.0, 2.0]]
    outs = jacobian(lambda a: (a * 2, a.sum()), x)       # tuple out, tensor in
    assert isinstance(outs, tuple) and outs[1].tolist() == [1.0, 1.0, 1.0]
    ins = jacobian(lambda a, b: a * b, (d([2.0]), d([5.0])))   # tensor out, tuple in
    assert [j.tolist() for j in ins] == [[[5.0]], [[2.0]]]


def test_jacobian_of_an_unused_input_is_zero_unless_strict():
    x, y = d([1.0, 2.0]), d([3.0])
    _, dy = jacobian(lambda a, b: a * 2, (x, y))
    assert dy.tolist() == [[0.0], [0.0]]
    with pytest.raises(RuntimeError, match="Output 0 of the user-provided function is "
                                           "independent of input 1"):
        jacobian(lambda a, b: a * 2, (x, y), strict=True)
    with pytest.raises(RuntimeError, match="does not require gradients"):
        jacobian(lambda a: d([1.0]), x, strict=True)


def test_jacobian_rejects_non_tensors():
    x = d([1.0])
    with pytest.raises(TypeError, match="The inputs given to jacobian must be either a Tensor"):
        jacobian(cube, [x])
    with pytest.raises(TypeError, match="outputs of the user-provided function given to "
                                        "jacobian"):
        jacobian(lambda a: 3, x)


def test_jacobian_create_graph():
    x = d([1.0, 2.0]).requires_grad_()
    plain = jacobian(cube, x)
    assert not plain.requires_grad
    j = jacobian(cube, x, create_graph=True)         # diag(3x^2)
    assert j.requires_grad
    j.sum().backward()                               # d/dx sum(3x^2) = 6x
    assert x.grad.tolist() == [6.0, 12.0]


def test_jacobian_leaves_inputs_alone_and_works_under_no_grad():
    x = d([1.0, 2.0])
    with torsh.no_grad():
        j = jacobian(cube, x)
    assert j.tolist() == [[3.0, 0.0], [0.0, 12.0]]
    assert not x.requires_grad and x.grad is None


def test_jacobian_options_accepted():
    x = d([1.0, 2.0])
    expected = [[3.0, 0.0], [0.0, 12.0]]
    assert jacobian(cube, x, vectorize=True).tolist() == expected
    assert jacobian(cube, x, strategy="forward-mode").tolist() == expected
    with pytest.raises(ValueError, match="strategy"):
        jacobian(cube, x, strategy="sideways")


def test_jacobian_of_empty_output():
    j = jacobian(lambda a: a[:0] * 2, d([1.0, 2.0]))
    assert j.shape == (0, 2)


# ------------------------------------------------------------ hessian

def test_hessian_single_input():
    h = hessian(lambda x: (x ** 3).sum(), d([1.0, -2.0]))
    assert h.tolist() == [[6.0, 0.0], [0.0, -12.0]]
    h = hessian(x0_squared_x1, d([3.0, 5.0]))
    assert h.tolist() == [[10.0, 6.0], [6.0, 0.0]]


def test_hessian_of_tuple_inputs_is_a_block_matrix():
    x, y = d([1.0, 2.0]), d([3.0])
    ((hxx, hxy), (hyx, hyy)) = hessian(lambda a, b: (a * a).sum() * b.sum(), (x, y))
    assert hxx.tolist() == [[6.0, 0.0], [0.0, 6.0]]          # 2 b I
    assert hxy.tolist() == [[2.0], [4.0]] and hyx.tolist() == [[2.0, 4.0]]   # 2 a
    assert hyy.tolist() == [[0.0]]


def test_hessian_checks_and_strict_mode():
    x = d([1.0, 2.0])
    with pytest.raises(RuntimeError, match="should contain a single element"):
        hessian(lambda a: a * 2, x)
    assert hessian(lambda a: (a * 2).sum(), x).tolist() == [[0.0, 0.0], [0.0, 0.0]]
    with pytest.raises(RuntimeError, match="jacobian of the user-provided function with "
                                           "respect to input 0 is independent"):
        hessian(lambda a: (a * 2).sum(), x, strict=True)


def test_hessian_create_graph_gives_third_derivatives():
    x = d([1.0, 2.0]).requires_grad_()
    h = hessian(lambda a: (a ** 3).sum(), x, create_graph=True)   # diag(6x)
    h.sum().backward()
    assert x.grad.tolist() == [6.0, 6.0]


# ------------------------------------------------------------ vjp and jvp

def test_vjp_values():
    x = d([1.0, 2.0])
    out, g = vjp(mixed, x, d([1.0, 2.0, 3.0]))         # J = [[2, 1], [1, 1], [0, 4]]
    assert out.tolist() == [2.0, 3.0, 4.0] and g.tolist() == [2.0 + 2.0, 1.0 + 2.0 + 12.0]
    out, g = vjp(lambda a: (a * a).sum(), x)           # v may be omitted for one element
    assert out.item() == 5.0 and g.tolist() == [2.0, 4.0]


def test_vjp_tuple_inputs_and_errors():
    x, y = d([1.0, 2.0]), d([3.0, 4.0])
    _, (gx, gy) = vjp(lambda a, b: a * b, (x, y), d([1.0, -1.0]))
    assert gx.tolist() == [3.0, -4.0] and gy.tolist() == [1.0, -2.0]
    with pytest.raises(RuntimeError, match="v can only be None"):
        vjp(cube, x)
    with pytest.raises(RuntimeError, match=r"v has invalid size: should be torsh.Size\(\[2\]\)"):
        vjp(cube, x, d([1.0, 2.0, 3.0]))
    with pytest.raises(RuntimeError, match="v is a tuple of invalid length"):
        vjp(lambda a: (a, a), x, (d([1.0, 1.0]),))
    with pytest.raises(RuntimeError, match="independent of input 1"):
        vjp(lambda a, b: a * 2, (x, y), d([1.0, 1.0]), strict=True)


def test_jvp_values_by_double_vjp():
    x = d([1.0, 2.0])
    out, jv = jvp(mixed, x, d([1.0, -1.0]))            # J v = [x1 - x0, 0, -2 x1]
    assert out.tolist() == [2.0, 3.0, 4.0] and jv.tolist() == [1.0, 0.0, -4.0]
    out, jv = jvp(lambda a: a.exp() * 0 + a * a, d(3.0))   # v may be omitted for one element
    assert jv.item() == 6.0


def test_jvp_tuples_and_errors():
    x, y = d([1.0, 2.0]), d([3.0, 4.0])
    outs, (j1, j2) = jvp(lambda a, b: (a * b, a + b), (x, y), (d([1.0, 0.0]), d([0.0, 1.0])))
    assert j1.tolist() == [3.0, 2.0] and j2.tolist() == [1.0, 1.0]
    with pytest.raises(RuntimeError, match="v can only be None if the input"):
        jvp(cube, x)
    with pytest.raises(RuntimeError, match="Entry 1 in v has invalid size"):
        jvp(lambda a, b: a * b, (x, y), (d([1.0, 0.0]), d([1.0])))


def test_jvp_and_vjp_agree_with_the_jacobian():
    w = d([[1.0, -2.0, 0.5], [3.0, 0.25, -1.0]])

    def f(x):
        return w.matmul(x.tanh()) * x.sum()

    x, u, v = d([0.3, -0.7, 1.1]), d([1.0, 2.0, -1.0]), d([0.5, -2.0])
    j = jacobian(f, x)
    _, jv = jvp(f, x, u)
    _, vj = vjp(f, x, v)
    assert jv.tolist() == pytest.approx(j.matmul(u).tolist())
    assert vj.tolist() == pytest.approx(v.matmul(j).tolist())


def test_products_with_create_graph_are_differentiable():
    x = d([1.0, 2.0]).requires_grad_()
    _, jv = jvp(cube, x, d([1.0, 1.0]), create_graph=True)   # 3x^2
    assert jv.requires_grad
    jv.sum().backward()
    assert x.grad.tolist() == [6.0, 12.0]
    x.grad = None
    out, vj = vjp(cube, x, d([1.0, 1.0]), create_graph=True)
    assert out.requires_grad and vj.requires_grad
    _, plain = vjp(cube, x, d([1.0, 1.0]))
    assert not plain.requires_grad


# ------------------------------------------------------------ hvp and vhp

def test_hvp_and_vhp_values():
    x, v = d([3.0, 5.0]), d([1.0, -1.0])
    out, hv = hvp(x0_squared_x1, x, v)                 # H v = [10 - 6, 6 - 0]
    assert out.item() == 45.0 and hv.tolist() == [4.0, 6.0]
    out, vh = vhp(x0_squared_x1, x, v)                 # v^T H (H symmetric)
    assert vh.tolist() == [4.0, 6.0]
    _, hv = hvp(lambda a: a ** 4, d(2.0))              # 12 a^2 with v = 1
    assert hv.item() == 48.0


def test_hvp_tuples_and_zero_hessian_blocks():
    x, y = d([1.0, 2.0]), d([3.0])
    _, (hx, hy) = hvp(lambda a, b: (a * a).sum() * b.sum(), (x, y), (d([1.0, 0.0]), d([1.0])))
    assert hx.tolist() == [6.0 + 2.0, 4.0] and hy.tolist() == [2.0]
    _, zero = hvp(lambda a: (a * 2).sum(), x, d([1.0, 1.0]))
    assert zero.tolist() == [0.0, 0.0]


def test_hvp_vhp_checks():
    x = d([1.0, 2.0])
    for fn in (hvp, vhp):
        with pytest.raises(RuntimeError, match="should contain a single element"):
            fn(cube, x, d([1.0, 1.0]))
        with pytest.raises(RuntimeError, match="should return a single Tensor"):
            fn(lambda a: (a.sum(), a.sum()), x, d([1.0, 1.0]))
        with pytest.raises(RuntimeError, match="jacobian .*independent"):
            fn(lambda a: (a * 2).sum(), x, d([1.0, 1.0]), strict=True)


def test_hvp_create_graph():
    x = d([1.0, 2.0]).requires_grad_()
    _, hv = hvp(lambda a: (a ** 3).sum(), x, d([1.0, 1.0]), create_graph=True)   # 6x
    hv.sum().backward()
    assert x.grad.tolist() == [6.0, 6.0]


# ------------------------------------------------------------ properties

_floats = st.floats(-2.0, 2.0, allow_nan=False, allow_subnormal=False)


@settings(max_examples=20)
@given(st.lists(_floats, min_size=3, max_size=3), st.lists(_floats, min_size=3, max_size=3),
       st.lists(_floats, min_size=2, max_size=2))
def test_products_agree_with_full_matrices(xs, us, vs):
    """J u, v^T J from the products equal the same from `jacobian`; H u = u^T H (symmetry)."""
    w = d([[1.0, -2.0, 0.5], [3.0, 0.25, -1.0]])

    def f(x):
        return w.matmul(x.sin()) * x[0]

    def scalar(x):
        return (x.sin() * x).sum() * x[1]

    x, u, v = d(xs), d(us), d(vs)
    j = jacobian(f, x)
    assert jvp(f, x, u)[1].tolist() == pytest.approx(j.matmul(u).tolist(), abs=1e-12)
    assert vjp(f, x, v)[1].tolist() == pytest.approx(v.matmul(j).tolist(), abs=1e-12)
    h = hessian(scalar, x)
    hu = h.matmul(u).tolist()
    assert h.reshape(-1).tolist() == pytest.approx(h.t().reshape(-1).tolist(), abs=1e-12)
    assert hvp(scalar, x, u)[1].tolist() == pytest.approx(hu, abs=1e-12)
    assert vhp(scalar, x, u)[1].tolist() == pytest.approx(hu, abs=1e-12)
