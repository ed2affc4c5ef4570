"""The optimizer and scheduler configurations whose PyTorch trajectories are stored in optim.json.

Shared by generate_optim.py (run with PyTorch) and tests/test_optim.py (run with torsh), so both
sides build exactly the same problem. `lib` is the framework module (torch or torsh).
"""

STEPS = 20

# Least squares: loss = mean((A @ w + c - y) ** 2) + 0.1 * sum(w ** 4) (quartic keeps it curved).
A = [[1.0, -0.5, 2.0], [0.3, 1.5, -1.0], [-1.2, 0.7, 0.4], [2.0, 0.1, -0.3]]
Y = [1.0, -2.0, 0.5, 3.0]
W0 = [0.5, -0.3, 0.8]
C0 = [0.1]

OPTIMIZERS = [
    ("SGD", {"lr": 0.05}),
    ("SGD", {"lr": 0.05, "momentum": 0.9}),
    ("SGD", {"lr": 0.05, "momentum": 0.9, "dampening": 0.3, "weight_decay": 0.1}),
    ("SGD", {"lr": 0.05, "momentum": 0.8, "nesterov": True}),
    ("SGD", {"lr": 0.01, "momentum": 0.5, "maximize": True}),
    ("Adam", {"lr": 0.1}),
    ("Adam", {"lr": 0.1, "betas": [0.8, 0.9], "eps": 1e-6, "weight_decay": 0.1}),
    ("Adam", {"lr": 0.1, "amsgrad": True}),
    ("Adam", {"lr": 0.05, "maximize": True}),
    ("Adam", {"lr": 0.1, "weight_decay": 0.2, "decoupled_weight_decay": True}),
    ("AdamW", {"lr": 0.1}),
    ("AdamW", {"lr": 0.1, "weight_decay": 0.5, "amsgrad": True}),
    ("Adamax", {"lr": 0.1}),
    ("Adamax", {"lr": 0.1, "weight_decay": 0.1, "betas": [0.7, 0.95]}),
    ("NAdam", {"lr": 0.1}),
    ("NAdam", {"lr": 0.1, "weight_decay": 0.1, "momentum_decay": 0.01}),
    ("NAdam", {"lr": 0.1, "weight_decay": 0.1, "decoupled_weight_decay": True}),
    ("RAdam", {"lr": 0.1}),
    ("RAdam", {"lr": 0.1, "betas": [0.5, 0.6], "weight_decay": 0.1}),
    ("RAdam", {"lr": 0.1, "weight_decay": 0.1, "decoupled_weight_decay": True}),
    ("RMSprop", {"lr": 0.01}),
    ("RMSprop", {"lr": 0.01, "centered": True}),
    ("RMSprop", {"lr": 0.01, "momentum": 0.9, "weight_decay": 0.1}),
    ("RMSprop", {"lr": 0.01, "alpha": 0.9, "centered": True, "momentum": 0.5,
                 "maximize": True}),
    ("Adagrad", {"lr": 0.1}),
    ("Adagrad", {"lr": 0.1, "lr_decay": 0.05, "weight_decay": 0.1,
                 "initial_accumulator_value": 0.5}),
    ("Adadelta", {}),
    ("Adadelta", {"lr": 0.5, "rho": 0.8, "weight_decay": 0.1}),
    ("ASGD", {"lr": 0.05}),
    ("ASGD", {"lr": 0.05, "lambd": 0.01, "alpha": 0.5, "t0": 5, "weight_decay": 0.1}),
    ("Rprop", {"lr": 0.05}),
    ("Rprop", {"lr": 0.2, "etas": [0.3, 1.5], "step_sizes": [0.01, 0.4], "maximize": True}),
    ("SparseAdam", {"lr": 0.1}),
    ("SparseAdam", {"lr": 0.05, "betas": [0.8, 0.9], "eps": 1e-6, "maximize": True}),
    ("LBFGS", {"lr": 0.5, "max_iter": 3, "history_size": 4}),
    ("LBFGS", {"lr": 1, "max_iter": 4, "line_search_fn": "strong_wolfe"}),
    ("LBFGS", {"lr": 0.8, "max_iter": 2, "history_size": 2, "line_search_fn": "strong_wolfe"}),
]


def problem(lib):
    """Fresh parameters (w, c) and a closure factory computing the loss with `lib`."""
    dt = lib.float64
    a = lib.tensor(A, dtype=dt)
    y = lib.tensor(Y, dtype=dt)
    w = lib.tensor(W0, dtype=dt, requires_grad=True)
    c = lib.tensor(C0, dtype=dt, requires_grad=True)

    def loss_fn():
        r = lib.matmul(a, w) + c - y
        return (r * r).mean() + 0.1 * (w ** 4).sum()
    return [w, c], loss_fn


def run_optimizer(lib, optim, name, kwargs):
    """Positions of (w, c), flattened, after each of STEPS closure-driven steps."""
    params, loss_fn = problem(lib)
    kwargs = {k: tuple(v) if isinstance(v, list) else v for k, v in kwargs.items()}
    opt = getattr(optim, name)(params, **kwargs)

    def closure():
        opt.zero_grad()
        loss = loss_fn()
        loss.backward()
        if name == "SparseAdam" and lib.__name__ == "torch":
            # PyTorch's SparseAdam takes sparse gradients only; torsh reads a dense one's
            # nonzero rows as the support (every entry here), so both see the same gradient.
            for p in params:
                p.grad = p.grad.to_sparse()
        return loss
    out = []
    for _ in range(STEPS):
        opt.step(closure)
        out.append([float(v) for p in params for v in p.detach().tolist()])
    return out


LAMBDAS = {
    "pow095": lambda epoch: 0.95 ** epoch,
    "warmup": lambda epoch: min(1.0, (epoch + 1) / 5),
    "mult09": lambda epoch: 0.9,
}


def _sub(sched, opt, spec):
    name, kwargs = spec
    return build_scheduler(sched, opt, name, kwargs)


def build_scheduler(sched, opt, name, kwargs):
    """Build scheduler `name`; lambdas are named in LAMBDAS, children given as specs."""
    kwargs = dict(kwargs)
    if "lr_lambda" in kwargs:
        kwargs["lr_lambda"] = LAMBDAS[kwargs["lr_lambda"]]
    if name == "SequentialLR":
        kwargs["schedulers"] = [_sub(sched, opt, s) for s in kwargs["schedulers"]]
        return sched.SequentialLR(opt, **kwargs)
    if name == "ChainedScheduler":
        return sched.ChainedScheduler([_sub(sched, opt, s) for s in kwargs["schedulers"]])
    return getattr(sched, name)(opt, **kwargs)


SCHEDULERS = [
    ("LambdaLR", {"lr_lambda": "pow095"}),
    ("LambdaLR", {"lr_lambda": "warmup"}),
    ("MultiplicativeLR", {"lr_lambda": "mult09"}),
    ("StepLR", {"step_size": 3}),
    ("StepLR", {"step_size": 4, "gamma": 0.5}),
    ("MultiStepLR", {"milestones": [2, 5, 5, 11], "gamma": 0.5}),
    ("ConstantLR", {}),
    ("ConstantLR", {"factor": 0.5, "total_iters": 7}),
    ("LinearLR", {}),
    ("LinearLR", {"start_factor": 0.1, "end_factor": 0.6, "total_iters": 12}),
    ("ExponentialLR", {"gamma": 0.9}),
    ("PolynomialLR", {}),
    ("PolynomialLR", {"total_iters": 8, "power": 2.0}),
    ("CosineAnnealingLR", {"T_max": 10}),
    ("CosineAnnealingLR", {"T_max": 6, "eta_min": 0.01}),
    ("CosineAnnealingWarmRestarts", {"T_0": 5}),
    ("CosineAnnealingWarmRestarts", {"T_0": 3, "T_mult": 2, "eta_min": 0.001}),
    ("SequentialLR", {"schedulers": [["LinearLR", {"start_factor": 0.2, "total_iters": 4}],
                                     ["ExponentialLR", {"gamma": 0.9}]],
                      "milestones": [4]}),
    ("SequentialLR", {"schedulers": [["ConstantLR", {"factor": 0.5, "total_iters": 3}],
                                     ["StepLR", {"step_size": 2}],
                                     ["CosineAnnealingLR", {"T_max": 5}]],
                      "milestones": [5, 10]}),
    ("ChainedScheduler", {"schedulers": [["ConstantLR", {"factor": 0.5, "total_iters": 4}],
                                         ["ExponentialLR", {"gamma": 0.9}]]}),
    ("CyclicLR", {"base_lr": 0.01, "max_lr": 0.1, "step_size_up": 4}),
    ("CyclicLR", {"base_lr": [0.01, 0.02], "max_lr": 0.2, "step_size_up": 3,
                  "step_size_down": 2, "mode": "triangular2"}),
    ("CyclicLR", {"base_lr": 0.01, "max_lr": 0.1, "step_size_up": 5, "mode": "exp_range",
                  "gamma": 0.9, "cycle_momentum": False}),
    ("OneCycleLR", {"max_lr": 0.5, "total_steps": 20}),
    ("OneCycleLR", {"max_lr": [0.5, 0.2], "total_steps": 25, "pct_start": 0.4,
                    "anneal_strategy": "linear", "three_phase": True}),
    ("ReduceLROnPlateau", {"patience": 2, "factor": 0.5}),
    ("ReduceLROnPlateau", {"mode": "max", "patience": 1, "cooldown": 2, "threshold": 0.1,
                           "threshold_mode": "abs", "min_lr": [0.02, 0.03]}),
]

# Metrics fed to ReduceLROnPlateau: improves, then plateaus with noise.
METRICS = [5.0, 4.0, 3.5, 3.5, 3.6, 3.4, 3.4, 3.4, 3.4, 3.0, 3.1, 3.2, 3.3, 3.0, 2.9,
           2.9, 2.9, 2.9, 2.9, 2.9, 2.9]


def run_scheduler(lib, optim, name, kwargs):
    """get_last_lr() and each group's momentum after construction and after each of STEPS
    scheduler steps (2 param groups)."""
    w = lib.zeros(2, dtype=lib.float64, requires_grad=True)
    c = lib.zeros(1, dtype=lib.float64, requires_grad=True)
    opt = optim.SGD([{"params": [w]}, {"params": [c], "lr": 0.05}], lr=0.1, momentum=0.9)
    scheduler = build_scheduler(optim.lr_scheduler, opt, name, kwargs)
    plateau = name == "ReduceLROnPlateau"
    out = [_lrs_and_momenta(scheduler, opt)]
    for i in range(STEPS):
        opt.step()
        scheduler.step(METRICS[i]) if plateau else scheduler.step()
        out.append(_lrs_and_momenta(scheduler, opt))
    return out


def _lrs_and_momenta(scheduler, opt):
    return ([float(v) for v in scheduler.get_last_lr()]
            + [float(g["momentum"]) for g in opt.param_groups])
