"""torsh.optim: stored PyTorch trajectories for every optimizer and scheduler, plus the
Optimizer contract (param groups, zero_grad, closures, state_dict) on hand-computed values."""

import json
import math
import os
import sys

import pytest

import torsh
import torsh.optim as optim
from torsh.optim import lr_scheduler

HERE = os.path.dirname(os.path.abspath(__file__))
TRAJ = os.path.join(HERE, os.pardir, "conformance", "trajectories")
sys.path.insert(0, TRAJ)
import optim_cases as cases  # noqa: E402

with open(os.path.join(TRAJ, "optim.json")) as _f:
    DATA = json.load(_f)

TOL = 1e-6


def _max_diff(got, want):
    assert len(got) == len(want)
    worst = 0.0
    for row_got, row_want in zip(got, want):
        assert len(row_got) == len(row_want)
        worst = max([worst] + [abs(a - b) for a, b in zip(row_got, row_want)])
    return worst


def _id(entry):
    return entry["name"] + json.dumps(entry["kwargs"], sort_keys=True)


# --- stored PyTorch trajectories ---------------------------------------------------------------

def test_every_case_is_stored():
    assert [(e["name"], e["kwargs"]) for e in DATA["optimizers"]] == \
        [(n, k) for n, k in cases.OPTIMIZERS]
    assert len(DATA["schedulers"]) == len(cases.SCHEDULERS)


@pytest.mark.parametrize("entry", DATA["optimizers"], ids=_id)
def test_optimizer_trajectory_matches_pytorch(entry):
    got = cases.run_optimizer(torsh, optim, entry["name"], entry["kwargs"])
    assert _max_diff(got, entry["trajectory"]) <= TOL


@pytest.mark.parametrize("entry", DATA["schedulers"], ids=_id)
def test_scheduler_lrs_match_pytorch(entry):
    got = cases.run_scheduler(torsh, optim, entry["name"], entry["kwargs"])
    assert _max_diff(got, entry["lrs"]) <= TOL


# --- hand-computed single steps -----------------------------------------------------------------

def _param(values, dtype=torsh.float64):
    return torsh.tensor(values, dtype=dtype, requires_grad=True)


def _set_grad(p, values):
    p.grad = torsh.tensor(values, dtype=p.dtype)


def test_sgd_plain_and_momentum_steps():
    p = _param([1.0, -2.0])
    opt = optim.SGD([p], lr=0.1, momentum=0.5)
    _set_grad(p, [1.0, 2.0])
    opt.step()                       # buf = g; p -= 0.1 * g
    assert p.tolist() == pytest.approx([0.9, -2.2])
    opt.step()                       # buf = 0.5*g + g = 1.5 g
    assert p.tolist() == pytest.approx([0.75, -2.5])
    assert opt.state[p]["momentum_buffer"].tolist() == pytest.approx([1.5, 3.0])


def test_adam_first_step_moves_by_lr_times_sign():
    p = _param([1.0, 1.0, 1.0])
    opt = optim.Adam([p], lr=0.01)
    _set_grad(p, [3.0, -0.5, 0.0])
    opt.step()                       # m_hat / sqrt(v_hat) = sign(g) on step 1
    assert p.tolist() == pytest.approx([0.99, 1.01, 1.0], abs=1e-8)
    assert opt.state[p]["step"].item() == 1.0
    assert opt.state[p]["step"].dtype == torsh.float32


def test_adamw_decays_before_step():
    p = _param([2.0])
    opt = optim.AdamW([p], lr=0.1, weight_decay=0.5)
    _set_grad(p, [0.0])
    opt.step()                       # p *= 1 - 0.1 * 0.5; Adam term is 0 for a zero gradient
    assert p.tolist() == pytest.approx([1.9])


def test_adagrad_and_rmsprop_first_steps():
    p = _param([0.0])
    opt = optim.Adagrad([p], lr=0.5, initial_accumulator_value=3.0, eps=0.0)
    assert opt.state[p]["sum"].tolist() == [3.0]
    _set_grad(p, [1.0])
    opt.step()                       # sum = 4; p -= 0.5 * 1 / 2
    assert p.tolist() == pytest.approx([-0.25])
    q = _param([0.0])
    opt = optim.RMSprop([q], lr=0.1, alpha=0.75, eps=0.0)
    _set_grad(q, [2.0])
    opt.step()                       # v = 0.25 * 4 = 1; q -= 0.1 * 2 / 1
    assert q.tolist() == pytest.approx([-0.2])


def test_float32_parameters_stay_float32():
    p = _param([1.0, 2.0], dtype=torsh.float32)
    for cls in (optim.SGD, optim.Adam, optim.RMSprop, optim.Adagrad, optim.Rprop):
        opt = cls([p], lr=0.1)
        _set_grad(p, [0.5, -0.5])
        opt.step()
        assert p.dtype == torsh.float32
        assert p.requires_grad and p.is_leaf and p.grad_fn is None


def test_update_is_not_recorded_by_autograd():
    p = _param([1.0])
    (p * p).sum().backward()
    optim.SGD([p], lr=0.1).step()
    assert p.grad_fn is None and p.is_leaf
    assert p.tolist() == pytest.approx([0.8])


# --- the Optimizer contract ---------------------------------------------------------------------

def test_param_groups_inherit_defaults_and_keep_their_own():
    a, b = _param([1.0]), _param([1.0])
    opt = optim.SGD([{"params": [a]}, {"params": b, "lr": 0.5}], lr=0.1, momentum=0.9)
    assert [g["lr"] for g in opt.param_groups] == [0.1, 0.5]
    assert opt.param_groups[1]["momentum"] == 0.9
    assert opt.param_groups[1]["params"] == [b]
    _set_grad(a, [1.0])
    _set_grad(b, [1.0])
    opt.step()
    assert a.tolist() == pytest.approx([0.9]) and b.tolist() == pytest.approx([0.5])


def test_add_param_group():
    a, b = _param([1.0]), _param([1.0])
    opt = optim.Adam([a], lr=0.1)
    opt.add_param_group({"params": [b], "betas": (0.5, 0.5)})
    assert len(opt.param_groups) == 2
    assert opt.param_groups[1]["lr"] == 0.1 and opt.param_groups[1]["betas"] == (0.5, 0.5)
    with pytest.raises(ValueError, match="more than one parameter group"):
        opt.add_param_group({"params": [a]})
    with pytest.raises(TypeError, match="param_group must be a dict"):
        opt.add_param_group([b])


def test_constructor_errors():
    p = _param([1.0])
    with pytest.raises(ValueError, match="empty parameter list"):
        optim.SGD([], lr=0.1)
    with pytest.raises(TypeError, match="iterable of Tensors"):
        optim.SGD(p, lr=0.1)
    with pytest.raises(TypeError, match="ordered collections"):
        optim.SGD([{"params": {p}}], lr=0.1)
    with pytest.raises(ValueError, match="non-leaf"):
        optim.SGD([p * 2], lr=0.1)
    with pytest.warns(UserWarning, match="duplicate parameters"):
        optim.SGD([p, p], lr=0.1)
    with pytest.raises(TypeError, match="can only optimize Tensors"):
        optim.SGD([1.0], lr=0.1)
    with pytest.raises(ValueError, match="Invalid learning rate: -1"):
        optim.Adam([p], lr=-1)
    with pytest.raises(ValueError, match="Invalid beta parameter at index 1: 1.0"):
        optim.Adam([p], betas=(0.9, 1.0))
    with pytest.raises(ValueError, match="Nesterov momentum requires"):
        optim.SGD([p], lr=0.1, nesterov=True)
    with pytest.raises(ValueError, match="Invalid momentum value"):
        optim.RMSprop([p], momentum=-0.5)


def test_zero_grad_to_none_and_to_zeros():
    p = _param([1.0, 2.0])
    opt = optim.SGD([p], lr=0.1)
    _set_grad(p, [3.0, 4.0])
    grad = p.grad
    opt.zero_grad(set_to_none=False)
    assert p.grad is grad and p.grad.tolist() == [0.0, 0.0]
    opt.zero_grad()
    assert p.grad is None


def test_parameters_without_grad_are_skipped():
    a, b = _param([1.0]), _param([1.0])
    opt = optim.Adam([a, b], lr=0.1)
    _set_grad(a, [1.0])
    opt.step()
    assert b.tolist() == [1.0] and b not in opt.state and a in opt.state


def test_step_closure_runs_with_grad_enabled_and_returns_loss():
    p = _param([3.0])
    opt = optim.SGD([p], lr=0.25)

    def closure():
        opt.zero_grad()
        loss = (p * p).sum()
        loss.backward()
        return loss
    with torsh.no_grad():
        loss = opt.step(closure)
    assert loss.item() == 9.0
    assert p.tolist() == pytest.approx([1.5])    # 3 - 0.25 * 6
    assert opt.step() is None


def test_state_dict_layout_and_resume():
    def make():
        w, c = _param([0.5, -0.5]), _param([1.0])
        opt = optim.Adam([{"params": [w]}, {"params": [c], "lr": 0.05}], lr=0.1, amsgrad=True)
        return w, c, opt

    def steps(w, c, opt, n):
        for _ in range(n):
            opt.zero_grad()
            ((w * w).sum() * c.sum() + c.sum() ** 2).backward()
            opt.step()
    w, c, opt = make()
    steps(w, c, opt, 3)
    sd = opt.state_dict()
    assert sorted(sd) == ["param_groups", "state"]
    assert [g["params"] for g in sd["param_groups"]] == [[0], [1]]
    assert sd["param_groups"][1]["lr"] == 0.05
    assert sorted(sd["state"][0]) == ["exp_avg", "exp_avg_sq", "max_exp_avg_sq", "step"]
    w2, c2, opt2 = make()
    with torsh.no_grad():
        w2.copy_(w)
        c2.copy_(c)
    opt2.load_state_dict(sd)
    assert opt2.state[w2]["exp_avg"] is not opt.state[w]["exp_avg"]
    steps(w, c, opt, 4)
    steps(w2, c2, opt2, 4)
    assert w2.tolist() == w.tolist() and c2.tolist() == c.tolist()
    with pytest.raises(ValueError, match="different number of parameter groups"):
        optim.Adam([w]).load_state_dict(sd)


def test_sgd_state_dict_roundtrip_momentum():
    p = _param([1.0])
    opt = optim.SGD([p], lr=0.1, momentum=0.9)
    _set_grad(p, [1.0])
    opt.step()
    q = _param([1.0])
    opt2 = optim.SGD([q], lr=0.5)
    opt2.load_state_dict(opt.state_dict())
    assert opt2.param_groups[0]["lr"] == 0.1 and opt2.param_groups[0]["params"] == [q]
    assert opt2.state[q]["momentum_buffer"].tolist() == [1.0]


# --- schedulers ---------------------------------------------------------------------------------

def _sgd(lr=1.0):
    return optim.SGD([_param([0.0])], lr=lr)


def test_step_lr_hand_values():
    opt = _sgd(1.0)
    sched = lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
    lrs = [sched.get_last_lr()[0]]
    for _ in range(5):
        opt.step()
        sched.step()
        lrs.append(sched.get_last_lr()[0])
    assert lrs == [1.0, 1.0, 0.5, 0.5, 0.25, 0.25]
    assert opt.param_groups[0]["initial_lr"] == 1.0


def test_cosine_and_linear_hand_values():
    opt = _sgd(2.0)
    sched = lr_scheduler.CosineAnnealingLR(opt, T_max=4)
    for _ in range(2):
        sched.step()
    assert sched.get_last_lr()[0] == pytest.approx(1.0)           # cos(pi/2) = 0
    opt = _sgd(1.0)
    sched = lr_scheduler.LinearLR(opt, start_factor=0.5, total_iters=2)
    seen = [sched.get_last_lr()[0]]
    for _ in range(3):
        sched.step()
        seen.append(sched.get_last_lr()[0])
    assert seen == pytest.approx([0.5, 0.75, 1.0, 1.0])


def test_scheduler_step_with_epoch_uses_closed_form():
    opt = _sgd(1.0)
    sched = lr_scheduler.ExponentialLR(opt, gamma=0.5)
    with pytest.warns(UserWarning, match="epoch parameter"):
        sched.step(3)
    assert sched.get_last_lr() == [0.125] and sched.last_epoch == 3


def test_scheduler_state_dict_roundtrip():
    opt = _sgd(1.0)
    sched = lr_scheduler.MultiStepLR(opt, milestones=[1, 3], gamma=0.1)
    sched.step()
    sd = sched.state_dict()
    assert "optimizer" not in sd and sd["last_epoch"] == 1
    opt2 = _sgd(1.0)
    sched2 = lr_scheduler.MultiStepLR(opt2, milestones=[5], gamma=0.5)
    sched2.load_state_dict(sd)
    assert sched2.last_epoch == 1 and sched2.milestones == sched.milestones
    lam = lr_scheduler.LambdaLR(_sgd(), lambda e: 0.5 ** e)
    assert lam.state_dict()["lr_lambdas"] == [None]


def test_scheduler_errors():
    with pytest.raises(TypeError, match="is not an Optimizer"):
        lr_scheduler.StepLR(object(), step_size=1)
    opt = _sgd()
    with pytest.raises(KeyError, match="initial_lr"):
        lr_scheduler.StepLR(opt, step_size=1, last_epoch=3)
    a, b = lr_scheduler.ConstantLR(opt), lr_scheduler.ExponentialLR(opt, 0.9)
    with pytest.raises(ValueError, match="number of milestones"):
        lr_scheduler.SequentialLR(opt, [a, b], milestones=[1, 2])
    with pytest.raises(ValueError, match="same optimizer"):
        lr_scheduler.ChainedScheduler([a, lr_scheduler.ExponentialLR(_sgd(), 0.9)])
    with pytest.raises(ValueError, match="Factor should be < 1.0"):
        lr_scheduler.ReduceLROnPlateau(opt, factor=1.0)
    with pytest.raises(ValueError, match="T_0"):
        lr_scheduler.CosineAnnealingWarmRestarts(opt, T_0=0)


def test_reduce_on_plateau_hand_values():
    opt = _sgd(1.0)
    sched = lr_scheduler.ReduceLROnPlateau(opt, patience=1, factor=0.5, min_lr=0.3)
    seen = []
    for metric in [1.0, 1.0, 1.0, 1.0, 1.0, 1.0]:
        sched.step(metric)
        seen.append(sched.get_last_lr()[0])
    assert seen == [1.0, 1.0, 0.5, 0.5, 0.3, 0.3]
    assert math.isinf(lr_scheduler.ReduceLROnPlateau(_sgd()).best)


def test_cyclic_lr_cycles_beta1_of_adam():
    opt = optim.Adam([_param([0.0])], lr=1.0, betas=(0.5, 0.999))
    sched = lr_scheduler.CyclicLR(opt, base_lr=0.1, max_lr=0.3, step_size_up=2,
                                  base_momentum=0.8, max_momentum=0.9)
    assert opt.param_groups[0]["betas"] == (0.9, 0.999)
    sched.step()                     # halfway up: lr 0.2, beta1 0.85
    assert sched.get_last_lr() == pytest.approx([0.2])
    assert opt.param_groups[0]["betas"][0] == pytest.approx(0.85)
    with pytest.raises(ValueError, match="must support momentum"):
        lr_scheduler.CyclicLR(optim.Adagrad([_param([0.0])]), 0.1, 0.2)


def test_one_cycle_lr_endpoints():
    opt = optim.SGD([_param([0.0])], lr=1.0, momentum=0.9)
    sched = lr_scheduler.OneCycleLR(opt, max_lr=1.0, total_steps=10, pct_start=0.5)
    assert sched.get_last_lr() == pytest.approx([1.0 / 25])
    for _ in range(4):
        sched.step()
    assert sched.get_last_lr() == pytest.approx([1.0])
    assert opt.param_groups[0]["momentum"] == pytest.approx(0.85)
    for _ in range(5):
        sched.step()
    assert sched.get_last_lr() == pytest.approx([1.0 / 25 / 1e4])
    sched.step()
    with pytest.raises(ValueError, match="Tried to step 11 times"):
        sched.step()


def test_lbfgs_solves_a_quadratic_exactly():
    # f(x) = (x0 - 1)^2 + 10 (x1 + 2)^2: a 2-d quadratic, which L-BFGS solves in a few steps.
    x = _param([0.0, 0.0])
    opt = optim.LBFGS([x], lr=1, max_iter=20, line_search_fn="strong_wolfe")
    target = torsh.tensor([1.0, -2.0], dtype=torsh.float64)
    scale = torsh.tensor([1.0, 10.0], dtype=torsh.float64)

    def closure():
        opt.zero_grad()
        loss = (scale * (x - target) ** 2).sum()
        loss.backward()
        return loss
    first = opt.step(closure)
    assert first.item() == 41.0
    assert x.tolist() == pytest.approx([1.0, -2.0], abs=1e-6)
    assert opt.state[x]["func_evals"] >= 2 and opt.state[x]["n_iter"] >= 2


def test_lbfgs_errors():
    a, b = _param([0.0]), _param([0.0])
    with pytest.raises(ValueError, match="parameter groups"):
        optim.LBFGS([{"params": [a]}, {"params": [b]}])
    opt = optim.LBFGS([a], line_search_fn="backtracking")

    def closure():
        opt.zero_grad()
        loss = ((a - 1) ** 2).sum()
        loss.backward()
        return loss
    with pytest.raises(RuntimeError, match="strong_wolfe"):
        opt.step(closure)


def test_load_state_dict_casts_float_state_but_not_step():
    p = _param([1.0])
    opt = optim.NAdam([p], lr=0.1)
    _set_grad(p, [1.0])
    opt.step()
    assert opt.state[p]["mu_product"].dtype == torsh.float32
    opt.load_state_dict(opt.state_dict())
    assert opt.state[p]["mu_product"].dtype == torsh.float64    # as PyTorch: cast to param
    assert opt.state[p]["step"].dtype == torsh.float32


def test_sparse_adam_leaves_rows_outside_the_gradient_alone():
    table = torsh.nn.Parameter(torsh.ones(3, 2, dtype=torsh.float64))
    opt = torsh.optim.SparseAdam([table], lr=0.1)
    table.grad = torsh.tensor([[0.0, 0.0], [2.0, 0.0], [0.0, 0.0]], dtype=torsh.float64)
    opt.step()
    # row 1 is in the support (zero entries included): first step moves by lr * sign(g)
    assert table.tolist()[0] == [1.0, 1.0] and table.tolist()[2] == [1.0, 1.0]
    assert table.tolist()[1][0] == pytest.approx(0.9) and table.tolist()[1][1] == 1.0
    state = opt.state[table]
    assert state["exp_avg"].tolist()[0] == [0.0, 0.0]
    assert state["exp_avg_sq"].tolist()[1] == pytest.approx([0.004, 0.0])
