"""Custom autograd functions: torsh.autograd.Function, its ctx, and once_differentiable."""
import math
import warnings

import pytest

import torsh
from torsh.autograd import Function, grad
from torsh.autograd.function import once_differentiable
from torsh.autograd.gradcheck import gradcheck, gradgradcheck


def t(values, **kw):
    return torsh.tensor(values, **kw)


def leaf(values, dtype=None):
    return torsh.tensor(values, dtype=dtype, requires_grad=True)


def f64(values):
    return torsh.tensor(values, dtype=torsh.float64, requires_grad=True)


class Square(Function):
    """x^2, d/dx = 2x, with the backward written in torsh ops (so it is differentiable)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return 2 * x * g


class Exp(Function):
    """e^x, saving its own output: d/dx = e^x."""

    @staticmethod
    def forward(ctx, x):
        result = x.exp()
        ctx.save_for_backward(result)
        return result

    @staticmethod
    def backward(ctx, g):
        (result,) = ctx.saved_tensors
        return g * result


class ScaleShift(Function):
    """a * x + b * shift with a Python scale and a mode string that pass through."""

    @staticmethod
    def forward(ctx, x, scale, shift, mode="plain"):
        assert mode in ("plain", "twice")
        ctx.scale = scale * (2 if mode == "twice" else 1)
        return x * ctx.scale + shift

    @staticmethod
    def backward(ctx, g):
        return g * ctx.scale, None, g, None


# ------------------------------------------------------------ the basics

def test_forward_backward_and_the_node():
    x = leaf([1.0, -2.0, 3.0])
    y = Square.apply(x)
    assert y.tolist() == [1.0, 4.0, 9.0] and y.requires_grad
    assert y.grad_fn.name() == "SquareBackward"
    assert isinstance(y.grad_fn, torsh.autograd.graph.Node)
    assert type(y.grad_fn).__name__ == "SquareBackward"
    ((edge, index),) = y.grad_fn.next_functions
    assert edge.name() == "AccumulateGrad" and edge.variable is x and index == 0
    y.sum().backward()
    assert x.grad.tolist() == [2.0, -4.0, 6.0]


def test_gradcheck_and_double_backward():
    x = f64([0.5, -1.5, 2.0])
    assert gradcheck(Square.apply, (x,))
    assert gradgradcheck(Square.apply, (x,), (f64([1.0, -0.5, 2.0]),))
    assert gradcheck(Exp.apply, (x,))
    assert gradgradcheck(Exp.apply, (x,), (f64([1.0, 2.0, -1.0]),))


def test_higher_derivatives_through_saved_output():
    x = f64([0.0, 1.0])
    y = Exp.apply(x)
    assert y.grad_fn.saved_tensors[0] is y    # the saved output is the returned tensor
    (d1,) = grad(y.sum(), x, create_graph=True)
    (d2,) = grad(d1.sum(), x, create_graph=True)
    (d3,) = grad(d2.sum(), x)
    for d in (d1, d2, d3):
        assert d.tolist() == pytest.approx([1.0, math.e])


def test_composes_with_ordinary_ops():
    x = leaf([1.0, 2.0])
    z = (Square.apply(x * 3) + x).sum()       # 9x^2 + x -> 18x + 1
    z.backward()
    assert x.grad.tolist() == [19.0, 37.0]


def test_non_tensor_arguments_pass_through_and_needs_input_grad():
    seen = []

    class Probe(Function):
        @staticmethod
        def forward(ctx, x, k, other, label):
            seen.append((ctx.needs_input_grad, torsh.is_grad_enabled(), label))
            return x * k + other

        @staticmethod
        def backward(ctx, g):
            return g * 2, None, None, None

    x = leaf([1.0, 2.0])
    y = Probe.apply(x, 2, t([1.0, 1.0]), "tag")
    assert seen == [((True, False, False, False), False, "tag")]   # forward runs without grad
    assert y.tolist() == [3.0, 5.0]
    assert len(y.grad_fn.next_functions) == 2                        # one per tensor argument
    y.sum().backward()
    assert x.grad.tolist() == [2.0, 2.0]


def test_keyword_arguments_and_defaults():
    x = leaf([1.0, 2.0])
    y = ScaleShift.apply(x, 3.0, shift=t([0.5, 0.5]))
    assert y.tolist() == [3.5, 6.5]
    z = ScaleShift.apply(x, scale=1.0, shift=t(0.0), mode="twice")
    (y.sum() + z.sum()).backward()
    assert x.grad.tolist() == [5.0, 5.0]


def test_gradient_for_several_tensor_inputs():
    x, b = f64([1.0, -2.0]), f64([0.5, 0.25])
    assert gradcheck(lambda a, c: ScaleShift.apply(a, 1.5, c), (x, b))
    y = ScaleShift.apply(x, 2.0, b)
    y.sum().backward()
    assert x.grad.tolist() == [2.0, 2.0] and b.grad.tolist() == [1.0, 1.0]


def test_no_graph_under_no_grad_or_without_inputs_requiring_grad():
    x = leaf([1.0, 2.0])
    with torsh.no_grad():
        y = Square.apply(x)
    assert y.grad_fn is None and not y.requires_grad and y.tolist() == [1.0, 4.0]
    z = Square.apply(t([3.0]))
    assert z.grad_fn is None and not z.requires_grad


def test_backward_runs_on_the_returned_grad_dtype_cast_to_input():
    class Cast(Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return (g * 2).to(torsh.float64)

    x = leaf([1.0])
    Cast.apply(x).sum().backward()
    assert x.grad.dtype is torsh.float32 and x.grad.tolist() == [2.0]


# ------------------------------------------------------------ several outputs

class SplitTwo(Function):
    @staticmethod
    def forward(ctx, x):
        return x * 2, x * 3

    @staticmethod
    def backward(ctx, g2, g3):
        ctx.received = (g2, g3)
        return g2 * 2 + g3 * 3


def test_several_outputs_and_zero_filled_missing_grads():
    x = leaf([1.0, 2.0])
    a, b = SplitTwo.apply(x)
    assert (a.output_nr, b.output_nr) == (0, 1) and a.grad_fn is b.grad_fn
    a.sum().backward()
    g2, g3 = a.grad_fn.received
    assert g2.tolist() == [1.0, 1.0] and g3.tolist() == [0.0, 0.0]
    assert x.grad.tolist() == [2.0, 2.0]


def test_set_materialize_grads_false_passes_none():
    class Lazy(Function):
        @staticmethod
        def forward(ctx, x):
            ctx.set_materialize_grads(False)
            return x * 2, x * 3

        @staticmethod
        def backward(ctx, g2, g3):
            ctx.received = (g2, g3)
            return g2 * 2 if g3 is None else g2 * 2 + g3 * 3

    x = leaf([1.0])
    a, _ = Lazy.apply(x)
    a.sum().backward()
    assert a.grad_fn.received[1] is None and x.grad.tolist() == [2.0]


def test_non_tensor_outputs_pass_through_and_get_none():
    class WithCount(Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2, 5

        @staticmethod
        def backward(ctx, g, g_count):
            ctx.received = g_count
            return g * 2

    x = leaf([1.0, 2.0])
    y, count = WithCount.apply(x)
    assert count == 5
    y.sum().backward()
    assert y.grad_fn.received is None and x.grad.tolist() == [2.0, 2.0]


def test_mark_non_differentiable_and_integer_outputs():
    class MaxWithIndex(Function):
        @staticmethod
        def forward(ctx, x):
            index = x.argmax()
            mask = x > 0
            ctx.mark_non_differentiable(mask)
            ctx.save_for_backward(x, index)
            return x.max(), index, mask

        @staticmethod
        def backward(ctx, g, g_index, g_mask):
            x, index = ctx.saved_tensors
            ctx.received = (g_index, g_mask)
            return torsh.zeros_like(x).index_put((index,), g)

    x = leaf([1.0, 5.0, -2.0])
    value, index, mask = MaxWithIndex.apply(x)
    assert value.requires_grad
    assert not index.requires_grad and index.grad_fn is None and index.item() == 1
    assert not mask.requires_grad and mask.grad_fn is None
    value.backward()
    assert x.grad.tolist() == [0.0, 1.0, 0.0]
    g_index, g_mask = value.grad_fn.received
    assert g_index.tolist() == 0 and g_mask.tolist() == [False, False, False]


def test_float_output_marked_non_differentiable():
    class Detached(Function):
        @staticmethod
        def forward(ctx, x):
            out = x * 2
            ctx.mark_non_differentiable(out)
            return out

        @staticmethod
        def backward(ctx, g):
            return g

    y = Detached.apply(leaf([1.0]))
    assert not y.requires_grad and y.grad_fn is None


# ------------------------------------------------------------ in-place and aliasing

class DoubleInPlace(Function):
    @staticmethod
    def forward(ctx, x):
        x.mul_(2)
        ctx.mark_dirty(x)
        return x

    @staticmethod
    def backward(ctx, g):
        return g * 2


def test_mark_dirty_rewrites_the_history_of_the_input():
    x = leaf([1.0, 2.0])
    y = x * 1
    out = DoubleInPlace.apply(y)
    assert out is y and y.tolist() == [2.0, 4.0]
    assert y.grad_fn.name() == "DoubleInPlaceBackward"
    assert y._version == 2                    # the write, and marking it dirty
    (y * 3).sum().backward()
    assert x.grad.tolist() == [6.0, 6.0]


def test_mark_dirty_on_a_view_updates_the_base():
    x = leaf([1.0, 2.0, 3.0])
    base = x * 1
    DoubleInPlace.apply(base[1:])
    assert base.tolist() == [1.0, 4.0, 6.0]
    base.sum().backward()
    assert x.grad.tolist() == [1.0, 2.0, 2.0]


def test_mark_dirty_on_a_leaf_that_requires_grad_raises():
    x = leaf([1.0])
    with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
        DoubleInPlace.apply(x)


def test_dirty_tensor_must_be_returned():
    class Forgets(Function):
        @staticmethod
        def forward(ctx, x):
            x.add_(1)
            ctx.mark_dirty(x)
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return g

    with pytest.raises(RuntimeError, match="marked as dirty.*not returned"):
        Forgets.apply(leaf([1.0]) * 1)


def test_returning_an_input_unchanged_gives_an_alias_with_history():
    class Identity(Function):
        @staticmethod
        def forward(ctx, x):
            return x

        @staticmethod
        def backward(ctx, g):
            return g * 2

    x = leaf([1.0, 2.0])
    y = Identity.apply(x)
    assert y is not x and y.grad_fn.name() == "IdentityBackward"
    assert x.grad_fn is None and x.is_leaf
    y.sum().backward()
    assert x.grad.tolist() == [2.0, 2.0]


# ------------------------------------------------------------ saved tensors

def test_saved_input_modified_in_place_raises_naming_the_function():
    x = leaf([1.0, 2.0])
    y = x * 1
    z = Square.apply(y)
    y.add_(1)
    with pytest.raises(RuntimeError, match="modified by an inplace operation.*SquareBackward"):
        z.sum().backward()


def test_saved_tensors_are_freed_after_backward():
    x = leaf([1.0, 2.0])
    y = Square.apply(x).sum()
    y.backward()
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        y.backward()


def test_retain_graph_keeps_saved_tensors():
    x = leaf([1.0, 2.0])
    y = Square.apply(x)
    y.sum().backward(retain_graph=True)
    assert y.grad_fn.saved_tensors[0] is x
    y.sum().backward()
    assert x.grad.tolist() == [4.0, 8.0]


def test_function_saving_nothing_can_backward_twice():
    x = leaf([1.0, 2.0])
    y = ScaleShift.apply(x, 2.0, t(0.0))
    y.sum().backward()
    y.sum().backward()
    assert x.grad.tolist() == [4.0, 4.0]


def test_save_for_backward_accepts_only_tensors_and_none():
    class SavesNumber(Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x, None, 3)
            return x

        @staticmethod
        def backward(ctx, g):
            return g

    with pytest.raises(TypeError, match="argument 2 is of type int"):
        SavesNumber.apply(leaf([1.0]))


# ------------------------------------------------------------ what backward may return

def _function_returning(*answer):
    class Returns(Function):
        @staticmethod
        def forward(ctx, x, k):
            return x * k

        @staticmethod
        def backward(ctx, g):
            return answer if len(answer) != 1 else answer[0]
    return Returns


def test_wrong_number_of_gradients_raises():
    fn = _function_returning(torsh.ones(2))
    with pytest.raises(RuntimeError, match=r"ReturnsBackward returned an incorrect number of "
                                           r"gradients \(expected 2, got 1\)"):
        fn.apply(leaf([1.0, 2.0]), 2).sum().backward()


def test_extra_trailing_nones_are_allowed():
    fn = _function_returning(torsh.ones(2), None, None)
    x = leaf([1.0, 2.0])
    fn.apply(x, 2).sum().backward()
    assert x.grad.tolist() == [1.0, 1.0]


def test_gradient_for_a_non_tensor_argument_raises():
    fn = _function_returning(torsh.ones(2), torsh.ones(2))
    with pytest.raises(RuntimeError, match="position 2, but the corresponding forward input "
                                           "was not a Variable"):
        fn.apply(leaf([1.0, 2.0]), 2).sum().backward()


def test_gradient_of_an_incompatible_shape_raises():
    fn = _function_returning(torsh.ones(3), None)
    with pytest.raises(RuntimeError, match=r"invalid gradient at index 0 - got \[3\] but "
                                           r"expected shape compatible with \[2\]"):
        fn.apply(leaf([1.0, 2.0]), 2).sum().backward()


def test_gradient_of_a_broadcast_shape_is_summed():
    fn = _function_returning(torsh.ones(3, 2), None)
    x = leaf([1.0, 2.0])
    fn.apply(x, 2).sum().backward()
    assert x.grad.tolist() == [3.0, 3.0]


def test_vjp_may_replace_backward_and_setup_context_may_split_forward():
    class Cube(Function):
        @staticmethod
        def forward(x, power=3):
            return x ** power

        @staticmethod
        def setup_context(ctx, inputs, output):
            x, power = inputs
            ctx.save_for_backward(x)
            ctx.power = power

        @staticmethod
        def vjp(ctx, g):
            (x,) = ctx.saved_tensors
            return g * ctx.power * x ** (ctx.power - 1), None

    x = f64([1.0, 2.0])
    Cube.apply(x).sum().backward()
    assert x.grad.tolist() == [3.0, 12.0]
    assert gradgradcheck(Cube.apply, (f64([0.5, -1.0]),), (f64([1.0, 1.0]),))


def test_missing_forward_or_backward():
    class NoBackward(Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

    with pytest.raises(NotImplementedError, match="backward"):
        NoBackward.apply(leaf([1.0])).sum().backward()

    class NoForward(Function):
        pass

    with pytest.raises(NotImplementedError, match="forward"):
        NoForward.apply(leaf([1.0]))


def test_instances_are_deprecated_and_not_callable():
    with pytest.warns(DeprecationWarning, match="should not be instantiated"):
        instance = Square()
    with pytest.raises(RuntimeError, match="Legacy autograd function"):
        instance(leaf([1.0]))


# ------------------------------------------------------------ hooks, anomaly, once_differentiable

def test_hooks_on_outputs_and_on_the_node():
    x = leaf([1.0, 2.0])
    y = Square.apply(x)
    y.register_hook(lambda g: g * 10)
    calls = []
    y.grad_fn.register_hook(lambda grads_in, grads_out: calls.append(grads_out[0].tolist()))
    y.sum().backward()
    assert calls == [[10.0, 10.0]] and x.grad.tolist() == [20.0, 40.0]


def test_anomaly_mode_names_a_custom_function_returning_nan():
    class Bad(Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return g * math.nan

    x = leaf([1.0])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with torsh.autograd.detect_anomaly():
            y = Bad.apply(x)
            with pytest.raises(RuntimeError) as info:
                y.sum().backward()
    message = str(info.value)
    assert "Function 'BadBackward' returned nan values in its 0th output." in message
    assert "y = Bad.apply(x)" in message and "autograd/function.py" not in message


class OnceSquare(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x

    @staticmethod
    @once_differentiable
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return 2 * x * g


def test_once_differentiable_first_order():
    x = leaf([1.0, 3.0])
    OnceSquare.apply(x).sum().backward()
    assert x.grad.tolist() == [2.0, 6.0]


def test_once_differentiable_refuses_double_backward():
    x = leaf([1.0, 3.0])
    y = OnceSquare.apply(x)
    cotangent = torsh.ones(2, requires_grad=True)
    (g,) = grad(y, x, cotangent, create_graph=True)
    assert g.tolist() == [2.0, 6.0] and g.grad_fn.name() == "DelayedError"
    with pytest.raises(RuntimeError, match="differentiate twice"):
        g.sum().backward()


# ------------------------------------------------------------ gradcheck catches wrong backwards

class WrongSquare(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return 3 * x * g                       # should be 2x


class FirstOrderOnlySquare(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return 2 * x.detach() * g              # right value, but cut off from x's graph


def test_gradcheck_catches_a_wrong_backward():
    x = f64([1.0, 2.0])
    assert not gradcheck(WrongSquare.apply, (x,), raise_exception=False)
    with pytest.raises(RuntimeError, match="Jacobian mismatch"):
        gradcheck(WrongSquare.apply, (x,))


def test_gradgradcheck_catches_a_backward_that_is_not_differentiable():
    x, v = f64([1.0, 2.0]), f64([1.0, 1.0])
    assert gradcheck(FirstOrderOnlySquare.apply, (x,))
    assert not gradgradcheck(FirstOrderOnlySquare.apply, (x,), (v,), raise_exception=False)
