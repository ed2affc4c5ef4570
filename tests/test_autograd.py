"""Autograd semantics: leaves, grad_fn, backward / grad, grad modes, hooks, version counters,
broadcasting and dtypes of gradients, anomaly mode, and very long graphs.

Expected values are worked out by hand in the comments (PyTorch 2.13 agrees).
"""
import gc
import math
import sys
import time
import warnings

import pytest

import torsh
from torsh.autograd import grad


def t(values, **kw):
    return torsh.tensor(values, **kw)


def leaf(values, dtype=None):
    return torsh.tensor(values, dtype=dtype, requires_grad=True)


# ------------------------------------------------------------ requires_grad, leaves, grad_fn

def test_requires_grad_flags_and_propagation():
    plain = t([1.0, 2.0])
    x = leaf([1.0, 2.0])
    assert not plain.requires_grad and x.requires_grad
    assert (plain * 2).requires_grad is False
    assert (plain * x).requires_grad is True
    assert torsh.zeros(2, requires_grad=True).requires_grad


def test_only_floating_tensors_can_require_grad():
    with pytest.raises(RuntimeError, match="floating point"):
        t([1, 2]).requires_grad_()
    with pytest.raises(RuntimeError, match="floating point"):
        t([1, 2]).requires_grad = True


def test_integer_and_bool_results_do_not_require_grad():
    x = leaf([1.5, -2.0])
    assert not (x > 0).requires_grad
    assert not x.argmax().requires_grad


def test_is_leaf():
    x = leaf([1.0])
    assert x.is_leaf and x.grad_fn is None
    y = x * 2
    assert not y.is_leaf
    assert (t([1.0]) * 2).is_leaf          # no history: a leaf that needs no grad
    assert y.detach().is_leaf


def test_grad_fn_name_and_next_functions():
    x, w = leaf([1.0, 2.0]), t([3.0, 4.0])
    s = (x * w).sum()
    assert s.grad_fn.name() == "SumBackward0"
    ((mul, index),) = s.grad_fn.next_functions
    assert mul.name() == "MulBackward0" and index == 0
    accumulate, constant = mul.next_functions
    assert accumulate[0].name() == "AccumulateGrad" and accumulate[0].variable is x
    assert constant is None or constant[0] is None    # w needs no gradient


def test_output_nr_of_multi_output_ops():
    x = leaf([3.0, 1.0, 2.0])
    values, indices = x.sort()
    assert values.output_nr == 0 and values.grad_fn.name() == "SortBackward0"
    assert not indices.requires_grad


# ------------------------------------------------------------ backward

def test_backward_of_a_scalar():
    x = leaf([[1.0, 2.0], [3.0, 4.0]])
    (x * x + 2 * x).sum().backward()          # d/dx = 2x + 2
    assert x.grad.tolist() == [[4.0, 6.0], [8.0, 10.0]]


def test_backward_with_gradient_argument():
    x = leaf([1.0, 2.0, 3.0])
    (x * x).backward(t([1.0, 0.5, 0.0]))      # 2x * v
    assert x.grad.tolist() == [2.0, 2.0, 0.0]


def test_backward_of_non_scalar_needs_gradient():
    x = leaf([1.0, 2.0])
    with pytest.raises(RuntimeError, match="only for scalar outputs"):
        (x * 2).backward()
    with pytest.raises(RuntimeError, match="Mismatch in shape"):
        (x * 2).backward(torsh.ones(3))


def test_backward_on_tensor_without_history_raises():
    with pytest.raises(RuntimeError, match="does not require grad"):
        t(1.0).backward()


def test_gradients_accumulate_across_backward_calls():
    x = leaf([1.0, 2.0])
    (x * 3).sum().backward()
    (x * x).sum().backward()                  # 3 + 2x
    assert x.grad.tolist() == [5.0, 7.0]
    x.grad = None
    (x * 3).sum().backward()
    assert x.grad.tolist() == [3.0, 3.0]


def test_second_backward_without_retain_graph_raises():
    x = leaf([1.0, 2.0])
    y = (x * x).sum()
    y.backward()
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        y.backward()


def test_retain_graph_allows_a_second_backward():
    x = leaf([1.0, 2.0])
    y = (x * x).sum()
    y.backward(retain_graph=True)
    y.backward()
    assert x.grad.tolist() == [4.0, 8.0]


def test_second_backward_through_ops_that_save_nothing_works():
    x = leaf([1.0, 2.0])
    y = x + 1                                 # add keeps no tensors
    y.backward(torsh.ones(2))
    y.backward(torsh.ones(2))
    assert x.grad.tolist() == [2.0, 2.0]


def test_backward_create_graph_makes_grad_differentiable():
    x = leaf([1.0, 2.0])
    (x ** 3).sum().backward(create_graph=True)  # grad = 3x^2
    assert x.grad.tolist() == [3.0, 12.0] and x.grad.requires_grad
    first = x.grad
    x.grad = None
    first.sum().backward()                    # d/dx 3x^2 = 6x
    assert x.grad.tolist() == [6.0, 12.0]


def test_backward_inputs_limits_the_leaves_that_get_grad():
    a, b = leaf([1.0, 2.0]), leaf([3.0, 4.0])
    y = (a * a).sum() + (b * b).sum()
    y.backward(inputs=[a])
    assert a.grad.tolist() == [2.0, 4.0] and b.grad is None
    y.backward(inputs=[b])                    # the b branch did not run: nothing was freed
    assert b.grad.tolist() == [6.0, 8.0] and a.grad.tolist() == [2.0, 4.0]
    with pytest.raises(RuntimeError, match="cannot be empty"):
        (a * 2).sum().backward(inputs=[])


def test_backward_inputs_may_be_a_non_leaf():
    x = leaf([1.0, 2.0])
    h = x * 3
    h.retain_grad()
    (h * h).sum().backward(inputs=[h])        # 2h
    assert h.grad.tolist() == [6.0, 12.0] and x.grad is None


def test_autograd_backward_function_with_several_roots():
    x = leaf([1.0, 2.0])
    torsh.autograd.backward([(x * 2).sum(), x * x], [None, t([1.0, 1.0])])
    assert x.grad.tolist() == [4.0, 6.0]      # 2 + 2x


def test_node_used_twice_sums_both_paths():
    x = leaf([1.0, 2.0])
    y = x * x
    (y + y * 3).sum().backward()              # 4 * 2x
    assert x.grad.tolist() == [8.0, 16.0]


def test_zero_dim_and_empty_leaves():
    s = leaf(3.0)
    (s * s).backward()
    assert s.grad.shape == () and s.grad.item() == 6.0
    e = torsh.zeros(0, 2, requires_grad=True)
    (e * 2).sum().backward()
    assert e.grad.shape == (0, 2)


# ------------------------------------------------------------ torsh.autograd.grad

def test_grad_returns_a_tuple_and_leaves_dot_grad_alone():
    x = leaf([1.0, 2.0])
    (g,) = grad((x * x).sum(), x)
    assert g.tolist() == [2.0, 4.0] and x.grad is None and not g.requires_grad


def test_grad_of_several_outputs_and_inputs():
    a, b = leaf([1.0, 2.0]), leaf([3.0, 4.0])
    ga, gb = grad([a * b, a * a], [a, b], [t([1.0, 1.0]), t([1.0, 0.0])])
    assert ga.tolist() == [3.0 + 2.0, 4.0] and gb.tolist() == [1.0, 2.0]


def test_grad_with_respect_to_an_intermediate():
    a = leaf([1.0, 2.0])
    q = a * a
    assert grad(q.sum(), q)[0].tolist() == [1.0, 1.0]
    assert grad(q.sum(), a)[0].tolist() == [2.0, 4.0]    # q's node did not run above


def test_higher_derivatives_of_x_to_the_fourth():
    x = leaf([1.0, 2.0, -1.5], dtype=torsh.float64)
    (d1,) = grad((x ** 4).sum(), x, create_graph=True)
    (d2,) = grad(d1.sum(), x, create_graph=True)
    (d3,) = grad(d2.sum(), x, create_graph=True)
    (d4,) = grad(d3.sum(), x)
    assert d1.tolist() == [4.0, 32.0, 4 * -1.5 ** 3]
    assert d2.tolist() == [12.0, 48.0, 12 * 1.5 ** 2]
    assert d3.tolist() == [24.0, 48.0, -36.0]
    assert d4.tolist() == [24.0, 24.0, 24.0]


def test_mixed_second_derivative():
    x, y = leaf(2.0), leaf(3.0)
    (dx,) = grad(x * x * y, x, create_graph=True)        # 2xy
    (dxy,) = grad(dx, y)                                  # 2x
    assert dx.item() == 12.0 and dxy.item() == 4.0


def test_grad_allow_unused_and_materialize_grads():
    a, c = leaf([1.0, 2.0]), leaf([5.0])
    with pytest.raises(RuntimeError, match="not have been used in the graph"):
        grad((a * 2).sum(), [a, c])
    ga, gc_ = grad((a * 2).sum(), [a, c], allow_unused=True)
    assert ga.tolist() == [2.0, 2.0] and gc_ is None
    _, zeros = grad((a * 2).sum(), [a, c], materialize_grads=True)
    assert zeros.tolist() == [0.0]


def test_grad_of_input_that_does_not_require_grad_raises():
    a = leaf([1.0])
    with pytest.raises(RuntimeError, match="does not require grad"):
        grad((a * 2).sum(), t([1.0]))


def test_grad_retain_graph():
    x = leaf([1.0, 2.0])
    y = (x * x).sum()
    grad(y, x, retain_graph=True)
    assert grad(y, x)[0].tolist() == [2.0, 4.0]
    with pytest.raises(RuntimeError, match="second time"):
        grad(y, x)


# ------------------------------------------------------------ grad modes

@pytest.mark.parametrize("mode", ["no_grad", "inference_mode"])
def test_no_grad_modes_as_context_managers(mode):
    x = leaf([1.0])
    with getattr(torsh, mode)():
        y = x * 2
        assert not torsh.is_grad_enabled()
    assert not y.requires_grad and y.grad_fn is None
    assert torsh.is_grad_enabled()


@pytest.mark.parametrize("mode", ["no_grad", "enable_grad", "inference_mode"])
def test_grad_modes_as_decorators_with_and_without_parentheses(mode):
    x = leaf([1.0])
    cls = getattr(torsh, mode)

    def body(v):
        return (v * 2).requires_grad

    expected = mode == "enable_grad"
    with torsh.no_grad():
        assert cls()(body)(x) is expected
        assert cls(body)(x) is expected
    assert cls(body).__name__ == "body"
    assert torsh.is_grad_enabled()


def test_enable_grad_inside_no_grad():
    x = leaf([1.0])
    with torsh.no_grad():
        with torsh.enable_grad():
            assert (x * 2).requires_grad
        assert not (x * 2).requires_grad


def test_set_grad_enabled_as_function_context_manager_and_decorator():
    x = leaf([1.0])
    torsh.set_grad_enabled(False)
    try:
        assert not torsh.is_grad_enabled() and not (x * 2).requires_grad
    finally:
        torsh.set_grad_enabled(True)
    with torsh.set_grad_enabled(False):
        assert not (x * 2).requires_grad
    assert torsh.is_grad_enabled()

    @torsh.set_grad_enabled(False)
    def off(v):
        return (v * 2).requires_grad
    assert torsh.is_grad_enabled()            # decorating does not switch the mode
    assert off(x) is False and torsh.is_grad_enabled()
    with torsh.no_grad():
        assert torsh.set_grad_enabled(True)(lambda v: (v * 2).requires_grad)(x)


def test_grad_mode_is_restored_after_an_exception():
    with pytest.raises(ValueError):
        with torsh.no_grad():
            raise ValueError("boom")
    assert torsh.is_grad_enabled()


def test_no_grad_decorates_generators():
    x = leaf([1.0])

    @torsh.no_grad()
    def gen():
        yield (x * 2).requires_grad
        yield (x * 2).requires_grad
    assert list(gen()) == [False, False]


def test_inference_mode_flags():
    with torsh.inference_mode():
        assert torsh.is_inference_mode_enabled()
        with torsh.inference_mode(False):
            assert torsh.is_grad_enabled() and not torsh.is_inference_mode_enabled()
    assert not torsh.is_inference_mode_enabled()


# ------------------------------------------------------------ detach, requires_grad_

def test_detach_shares_storage_and_cuts_history():
    x = leaf([1.0, 2.0])
    y = x * 2
    d = y.detach()
    assert not d.requires_grad and d.grad_fn is None
    d[0] = 10.0
    assert y.tolist() == [10.0, 4.0]


def test_detach_in_place():
    x = leaf([1.0])
    y = x * 2
    assert y.detach_() is y
    assert y.is_leaf and not y.requires_grad and y.grad_fn is None


def test_requires_grad_in_place_setter():
    a = t([1.0])
    assert a.requires_grad_() is a and a.requires_grad
    a.requires_grad_(False)
    assert not a.requires_grad
    with pytest.raises(RuntimeError, match="leaf variables"):
        (leaf([1.0]) * 2).requires_grad_(False)


# ------------------------------------------------------------ hooks and retain_grad

def test_hook_on_leaf_replaces_gradient_and_can_be_removed():
    x = leaf([1.0, 2.0])
    handle = x.register_hook(lambda g: g * 10)
    (x * 3).sum().backward()
    assert x.grad.tolist() == [30.0, 30.0]
    handle.remove()
    x.grad = None
    (x * 3).sum().backward()
    assert x.grad.tolist() == [3.0, 3.0]


def test_hook_on_non_leaf_changes_what_flows_down():
    x = leaf([1.0, 2.0])
    m = x * 2
    seen = []
    m.register_hook(lambda g: seen.append(g.tolist()))     # returns None: observes only
    m.register_hook(lambda g: g + 1)
    (m * m).sum().backward()                               # dm = 2m = [4, 8] -> [5, 9]
    assert seen == [[4.0, 8.0]]
    assert x.grad.tolist() == [10.0, 18.0]


def test_hook_on_tensor_without_grad_raises():
    with pytest.raises(RuntimeError, match="doesn't require gradient"):
        t([1.0]).register_hook(lambda g: g)


def test_retain_grad_sees_hooked_gradient():
    x = leaf([1.0, 2.0])
    m = x * 2
    m.retain_grad()
    m.register_hook(lambda g: g + 1)
    (m * m).sum().backward()
    assert m.retains_grad and m.grad.tolist() == [5.0, 9.0]


def test_non_leaf_grad_is_none_without_retain_grad():
    x = leaf([1.0])
    m = x * 2
    (m * m).sum().backward()
    assert m.grad is None and not m.retains_grad


# ------------------------------------------------------------ in-place and version counters

def test_version_counter_counts_in_place_writes():
    a = t([1.0, 2.0])
    assert a._version == 0
    a.add_(1)
    a[0] = 5.0
    assert a._version == 2


def test_saved_tensor_modified_in_place_makes_backward_raise():
    x = leaf([1.0, 2.0])
    v = x.exp()
    w = v.exp()                                # ExpBackward0 saves its output w, input v
    v.add_(1)
    with pytest.raises(RuntimeError, match="modified by an inplace operation.*ExpBackward0"):
        w.sum().backward()


def test_saved_output_modified_in_place_makes_backward_raise():
    x = leaf([1.0, 2.0])
    y = x * 1
    z = y * y
    y.mul_(2)
    with pytest.raises(RuntimeError, match="is at version 1; expected version 0"):
        z.sum().backward()


def test_in_place_on_unsaved_tensor_is_fine():
    x = leaf([1.0, 2.0])
    y = x + 1                                  # add saves nothing
    z = y + 1
    y.mul_(3)
    z.sum().backward()
    assert x.grad.tolist() == [1.0, 1.0]


def test_in_place_on_non_leaf_is_recorded():
    x = leaf([1.0, 2.0])
    y = x * 1
    y.mul_(3)
    assert y.grad_fn.name() == "MulBackward0"
    y.sum().backward()
    assert x.grad.tolist() == [3.0, 3.0]


def test_in_place_on_leaf_requiring_grad_raises():
    x = leaf([1.0, 2.0])
    with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
        x.add_(1)
    with pytest.raises(RuntimeError, match="view of a leaf Variable"):
        x[0].mul_(2)
    with torsh.no_grad():
        x.add_(1)                              # allowed without grad
    assert x.tolist() == [2.0, 3.0] and x.requires_grad


# ------------------------------------------------------------ long graphs

@pytest.mark.slow
def test_long_chain_does_not_recurse():
    """A chain far deeper than the recursion limit: the engine walks it with a loop.

    100,000 clones take about 2.6 s on an idle 2-core machine (pure-Python dispatch: ~20 us
    per op forward, ~7 us per node backward; ~7 s when the machine is busy). clone's gradient
    is the identity, so the chain stays cheap; neg, mul etc. cost ~2.5x more per node.
    """
    steps = 100_000
    assert steps > 50 * sys.getrecursionlimit()
    x = leaf(1.0)
    enabled = gc.isenabled()
    gc.disable()                               # the collector would rescan the growing graph
    try:
        start = time.perf_counter()
        y = x
        for _ in range(steps):
            y = y.clone()
        (y * 3).backward()
        del y
    finally:
        if enabled:
            gc.enable()
    assert x.grad.item() == 3.0
    assert time.perf_counter() - start < 60


def test_long_chain_with_create_graph_and_grad():
    x = leaf(2.0)
    y = x
    for _ in range(3 * sys.getrecursionlimit()):
        y = -y                                 # even count: y = x
    (g,) = grad(y * y, x, create_graph=True)  # 2x
    (h,) = grad(g, x)
    assert g.item() == 4.0 and h.item() == 2.0


# ------------------------------------------------------------ broadcasting and dtypes

def test_broadcast_gradients_are_summed_to_input_shapes():
    p = leaf([[1.0], [2.0]])                   # (2, 1)
    q = leaf([1.0, 2.0, 3.0])                  # (3,)
    s = leaf(2.0)                              # ()
    (p * q * s).sum().backward()
    assert p.grad.tolist() == [[12.0], [12.0]]   # s * sum(q)
    assert q.grad.tolist() == [6.0, 6.0, 6.0]    # s * sum(p)
    assert s.grad.shape == () and s.grad.item() == 18.0   # sum(p) * sum(q)


def test_expanded_and_transposed_inputs():
    e = leaf([1.0])
    (e.expand(3) * t([1.0, 2.0, 3.0])).sum().backward()
    assert e.grad.tolist() == [6.0]
    m = leaf([[1.0, 2.0], [3.0, 4.0]])
    (m.t() * t([1.0, 10.0])).sum().backward()
    assert m.grad.tolist() == [[1.0, 1.0], [10.0, 10.0]]
    n = leaf([1.0, 2.0, 3.0, 4.0])
    (n[::2] * 5).sum().backward()
    assert n.grad.tolist() == [5.0, 0.0, 5.0, 0.0]


@pytest.mark.parametrize("dtype", [torsh.float16, torsh.bfloat16, torsh.float32, torsh.float64])
def test_grad_has_the_dtype_of_its_leaf(dtype):
    x = leaf([1.0, 2.0], dtype=dtype)
    (x * 2).sum().backward()
    assert x.grad.dtype is dtype and x.grad.tolist() == [2.0, 2.0]


def test_mixed_dtype_inputs_get_their_own_grad_dtypes():
    d = leaf([1.0, 2.0], dtype=torsh.float64)
    f = leaf([3.0, 4.0], dtype=torsh.float32)
    y = d * f
    assert y.dtype is torsh.float64
    y.sum().backward()
    assert d.grad.dtype is torsh.float64 and f.grad.dtype is torsh.float32
    assert d.grad.tolist() == [3.0, 4.0] and f.grad.tolist() == [1.0, 2.0]
    i = t([2, 3])
    f.grad = None
    (f * i).sum().backward()
    assert f.grad.dtype is torsh.float32 and f.grad.tolist() == [2.0, 3.0]


# ------------------------------------------------------------ special values

def test_where_gradient_is_zero_where_the_nan_branch_is_not_selected():
    x = leaf([math.nan, 1.0, -1.0])
    torsh.where(x > 0, x, 0.0).sum().backward()
    assert x.grad.tolist() == [0.0, 1.0, 0.0]
    a, b = leaf([math.nan, 4.0]), leaf([1.0, math.inf])
    torsh.where(t([False, True]), a, b).sum().backward()
    assert a.grad.tolist() == [0.0, 1.0] and b.grad.tolist() == [1.0, 0.0]


def test_where_does_not_hide_nan_of_the_unselected_branch_derivative():
    # The classic trap (as in PyTorch): sqrt'(0) = inf, and 0 * inf = NaN upstream of where.
    x = leaf([0.0, 4.0])
    torsh.where(x > 0, x.sqrt(), 0.0).sum().backward()
    assert math.isnan(x.grad[0].item()) and x.grad[1].item() == 0.25


# ------------------------------------------------------------ anomaly mode

def test_anomaly_mode_names_the_node_and_the_forward_line():
    x = leaf([0.0, 1.0])
    with pytest.warns(UserWarning, match="Anomaly Detection has been enabled"):
        mode = torsh.autograd.detect_anomaly()
    with mode:
        assert torsh.autograd.is_anomaly_enabled()
        y = (x / x).sum()                      # d/db (a/b) = -a/b^2 = -0/0 at x=0
        with pytest.raises(RuntimeError) as info:
            y.backward()
    message = str(info.value)
    assert "Function 'DivBackward0' returned nan values in its 1th output." in message
    assert "y = (x / x).sum()" in message
    assert not torsh.autograd.is_anomaly_enabled()


def test_anomaly_mode_without_nan_check_lets_nan_through():
    x = leaf([0.0, 1.0])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with torsh.autograd.detect_anomaly(check_nan=False):
            assert not torsh.autograd.is_anomaly_check_nan_enabled()
            (x / x).sum().backward()
    assert math.isnan(x.grad[0].item())
    assert torsh.autograd.is_anomaly_check_nan_enabled()


def test_detect_anomaly_as_decorator():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")

        @torsh.autograd.detect_anomaly()
        def inside():
            return torsh.autograd.is_anomaly_enabled()
    assert inside() and not torsh.autograd.is_anomaly_enabled()


def test_set_detect_anomaly_as_function_and_context_manager():
    torsh.autograd.set_detect_anomaly(True)
    try:
        assert torsh.autograd.is_anomaly_enabled()
    finally:
        torsh.autograd.set_detect_anomaly(False)
    assert not torsh.autograd.is_anomaly_enabled()
    with torsh.autograd.set_detect_anomaly(True, check_nan=False):
        assert torsh.autograd.is_anomaly_enabled()
        assert not torsh.autograd.is_anomaly_check_nan_enabled()
    assert not torsh.autograd.is_anomaly_enabled()
    assert torsh.autograd.is_anomaly_check_nan_enabled()


def test_nan_without_anomaly_mode_is_silent():
    x = leaf([0.0])
    (x / x).sum().backward()
    assert math.isnan(x.grad[0].item())


# ------------------------------------------------------------ gradcheck itself

def test_gradcheck_on_non_contiguous_and_zero_dim_inputs():
    from torsh.autograd import gradcheck, gradgradcheck
    m = torsh.tensor([[1.0, 2.0, 3.0], [4.0, -5.0, 6.0]], dtype=torsh.float64)
    mt = m.t().detach().requires_grad_()
    assert not mt.is_contiguous()
    assert gradcheck(lambda a: a * a * a, (mt,))
    cotangent = torsh.ones(3, 2, dtype=torsh.float64, requires_grad=True)
    assert gradgradcheck(lambda a: a * a * a, (mt,), (cotangent,))
    s = torsh.tensor(0.5, dtype=torsh.float64, requires_grad=True)
    assert gradcheck(lambda a, b: a * b.sum(), (s, mt))
    assert s.item() == 0.5 and mt.tolist() == m.t().tolist()    # inputs restored


def test_gradcheck_refuses_overlapping_inputs():
    from torsh.autograd import gradcheck
    e = torsh.tensor([1.0], dtype=torsh.float64).expand(3).detach().requires_grad_()
    with pytest.raises(RuntimeError, match="0th input has a dimension with stride 0"):
        gradcheck(lambda a: a * a, (e,))
