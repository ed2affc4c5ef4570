"""The `Optimizer` base class: parameter groups, per-parameter state, zero_grad and state_dict.

A subclass declares its hyper-parameter defaults and implements `_update(group, p, state)`
for one parameter; the base class walks the groups, skips parameters without a gradient and
runs every update under `torsh.no_grad`, as PyTorch's `torch.optim.Optimizer` does.
"""

from collections import defaultdict
from copy import deepcopy

from ..autograd.grad_mode import enable_grad, no_grad
from ..tensor import Tensor

__all__ = ["Optimizer", "required"]


class _Required:
    """Sentinel for a hyper-parameter that has no default (SGD's lr in old PyTorch)."""

    def __repr__(self):
        return "<required parameter>"


required = _Required()


class Optimizer:
    """Base class of every optimizer: holds `param_groups` (list of dicts) and `state`."""

    def __init__(self, params, defaults):
        self.defaults = defaults
        self.state = defaultdict(dict)
        self.param_groups = []
        if isinstance(params, Tensor):
            raise TypeError("params argument given to the optimizer should be an iterable of "
                            "Tensors or dicts, but got " + type(params).__name__)
        param_groups = list(params)
        if len(param_groups) == 0:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(param_groups[0], dict):
            param_groups = [{"params": param_groups}]
        for group in param_groups:
            self.add_param_group(group)

    def __repr__(self):
        lines = [type(self).__name__ + " ("]
        for i, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            for key in sorted(group):
                if key != "params":
                    lines.append(f"    {key}: {group[key]}")
        lines.append(")")
        return "\n".join(lines)

    def add_param_group(self, param_group):
        """Add a group of parameters with its own hyper-parameters (missing ones from defaults)."""
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group).__name__}")
        params = param_group["params"]
        if isinstance(params, Tensor):
            params = [params]
        elif isinstance(params, set):
            raise TypeError("optimizer parameters need to be organized in ordered collections, "
                            "but the ordering of tensors in sets will change between runs. "
                            "Please use a list instead.")
        else:
            params = list(params)
        for p in params:
            if not isinstance(p, Tensor):
                raise TypeError("optimizer can only optimize Tensors, but one of the params is "
                                + type(p).__name__)
            if not p.is_leaf:
                raise ValueError("can't optimize a non-leaf Tensor")
        group = dict(param_group)
        group["params"] = params
        for name, default in self.defaults.items():
            if default is required and name not in group:
                raise ValueError(f"parameter group didn't specify a value of required "
                                 f"optimization parameter {name}")
            group.setdefault(name, default)
        if len({id(p) for p in params}) != len(params):
            import warnings
            warnings.warn("optimizer contains a parameter group with duplicate parameters; "
                          "in future, this will cause an error", UserWarning, stacklevel=3)
        seen = {id(p) for g in self.param_groups for p in g["params"]}
        if any(id(p) in seen for p in params):
            raise ValueError("some parameters appear in more than one parameter group")
        self.param_groups.append(group)

    def zero_grad(self, set_to_none=True):
        """Reset every parameter's gradient: to None (default) or to zeros in place."""
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                if set_to_none:
                    p.grad = None
                else:
                    if p.grad.grad_fn is not None:
                        p.grad.detach_()
                    else:
                        p.grad.requires_grad_(False)
                    with no_grad():
                        p.grad.zero_()

    def step(self, closure=None):
        """One optimisation step; `closure` re-evaluates the loss (run with grad enabled)."""
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        with no_grad():
            for group in self.param_groups:
                for p in group["params"]:
                    if p.grad is None:
                        continue
                    self._update(group, p, self.state.setdefault(p, {}))
        return loss

    def _update(self, group, p, state):
        raise NotImplementedError(type(self).__name__ + " must implement _update")

    @staticmethod
    def _grad(group, p):
        """The gradient as the update sees it: negated when the group maximizes."""
        if p.grad.is_sparse:
            raise RuntimeError("this optimizer does not support sparse gradients")
        return -p.grad if group.get("maximize", False) else p.grad

    def state_dict(self):
        """{'state': {index: per-param state}, 'param_groups': [group with params as indices]}."""
        index = {}
        groups = []
        for group in self.param_groups:
            packed = {k: v for k, v in group.items() if k != "params"}
            ids = []
            for p in group["params"]:
                index.setdefault(id(p), len(index))
                ids.append(index[id(p)])
            packed["params"] = ids
            groups.append(packed)
        state = {}
        for group in self.param_groups:
            for p in group["params"]:
                if p in self.state:
                    state[index[id(p)]] = dict(self.state[p])
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict):
        """Restore hyper-parameters and state saved by `state_dict` (tensors are copied)."""
        groups = state_dict["param_groups"]
        if len(groups) != len(self.param_groups):
            raise ValueError("loaded state dict has a different number of parameter groups")
        for mine, saved in zip(self.param_groups, groups):
            if len(mine["params"]) != len(saved["params"]):
                raise ValueError("loaded state dict contains a parameter group that doesn't "
                                 "match the size of optimizer's group")
        by_index = {}
        for mine, saved in zip(self.param_groups, groups):
            for p, i in zip(mine["params"], saved["params"]):
                by_index[i] = p
        self.state = defaultdict(dict)
        for i, entry in state_dict["state"].items():
            p = by_index[int(i)]
            self.state[p] = {k: _copy_value(k, v, p) for k, v in entry.items()}
        for k, (mine, saved) in enumerate(zip(self.param_groups, groups)):
            new = {key: deepcopy(v) for key, v in saved.items() if key != "params"}
            new["params"] = mine["params"]
            self.param_groups[k] = new


def _copy_value(key, value, param):
    """Copy a saved state value; float tensors other than `step` take the parameter's dtype."""
    if isinstance(value, Tensor):
        out = value.detach().clone()
        if key != "step" and out.dtype.is_floating_point and param.dtype.is_floating_point:
            out = out.to(param.dtype)
        return out
    return deepcopy(value)


def _step_count(state) -> float:
    """The steps taken so far (the `step` counter of `state`, 0 before the first)."""
    step = state.get("step")
    if step is None:
        return 0.0
    if step.device.type == "cpu":
        return float(step._storage.data[step._offset])
    return step.item()


def _bump_step(state):
    """Advance the 0-d float32 `step` counter kept in `state` (as PyTorch does); return it."""
    import torsh
    if "step" not in state:
        state["step"] = torsh.tensor(0.0, dtype=torsh.float32)
    step = state["step"]
    if step.device.type == "cpu" and step.grad_fn is None and not step.requires_grad:
        data = step._storage.data          # a counter, not an op: written in place directly
        data[step._offset] += 1
        step._bump_version()
        return float(data[step._offset])
    step.add_(1)
    return step.item()


def _check(ok, message):
    """Raise PyTorch's ValueError for an invalid hyper-parameter."""
    if not ok:
        raise ValueError(message)


_MESSAGES = {"lr": "Invalid learning rate: {}", "eps": "Invalid epsilon value: {}"}


def _check_hyperparameters(**values):
    """Check, in argument order, that each value is >= 0 and that betas[0], betas[1] lie in
    [0, 1), raising PyTorch's ValueError ("Invalid learning rate: -1", ...) for the first bad one.
    """
    for name, value in values.items():
        if name == "betas":
            for i in (0, 1):
                _check(0.0 <= value[i] < 1.0, f"Invalid beta parameter at index {i}: {value[i]}")
        else:
            _check(value >= 0.0, _MESSAGES.get(name, f"Invalid {name} value: {{}}").format(value))


def _init_state(state, p, *names):
    """Start a parameter's state: the 0-d float32 `step`, then zeros like `p` for each name."""
    import torsh
    state["step"] = torsh.tensor(0.0, dtype=torsh.float32)
    for name in names:
        state[name] = torsh.zeros_like(p)


def _weight_decay(group, p, grad, decoupled=False):
    """Apply the group's weight decay: p *= 1 - lr*wd if decoupled, else grad + wd*p; -> grad."""
    wd = group["weight_decay"]
    if wd != 0:
        if decoupled:
            p.mul_(1 - group["lr"] * wd)
        else:
            grad = grad.add(p, alpha=wd)
    return grad
