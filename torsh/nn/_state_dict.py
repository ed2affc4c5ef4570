"""Loading a state dict into a Module: per-module copying and the PyTorch-style error report.

A module's own entries are its parameters and persistent buffers; keys under its prefix that
name neither one of those nor a child are unexpected. Shape mismatches are always errors.
"""
from __future__ import annotations

import itertools
from collections import namedtuple

from .. import autograd
from ..tensor import Tensor

__all__ = ["IncompatibleKeys", "load_local", "check_loaded"]


class IncompatibleKeys(namedtuple("IncompatibleKeys", ["missing_keys", "unexpected_keys"])):
    """What load_state_dict returns: the keys it did not find and the keys it did not use."""

    def __repr__(self) -> str:
        if not self.missing_keys and not self.unexpected_keys:
            return "<All keys matched successfully>"
        return (f"_IncompatibleKeys(missing_keys={self.missing_keys}, "
                f"unexpected_keys={self.unexpected_keys})")


def load_local(module, state_dict, prefix, assign, missing_keys, unexpected_keys, error_msgs):
    """Copy (or with `assign`, install) state_dict[prefix + name] for module's own entries."""
    from .parameter import Parameter
    persistent = {k: v for k, v in module._buffers.items()
                  if k not in module._non_persistent_buffers_set}
    local = {k: v for k, v in itertools.chain(module._parameters.items(), persistent.items())
             if v is not None}
    for name, current in local.items():
        key = prefix + name
        if key not in state_dict:
            missing_keys.append(key)
            continue
        value = state_dict[key]
        if not isinstance(value, Tensor):
            error_msgs.append(f'While copying the parameter named "{key}", expected '
                              f'torsh.Tensor or Tensor-like object from checkpoint but '
                              f'received {type(value)}')
            continue
        if tuple(value.shape) != tuple(current.shape):
            error_msgs.append(f"size mismatch for {key}: copying a param with shape "
                              f"{value.shape} from checkpoint, the shape in current model "
                              f"is {current.shape}.")
            continue
        try:
            if assign and name in module._parameters:
                module._parameters[name] = Parameter(value, current.requires_grad)
            elif assign:
                module._buffers[name] = value
            else:
                with autograd.no_grad():
                    current.copy_(value)
        except Exception as error:
            error_msgs.append(f'While copying the parameter named "{key}", whose dimensions '
                              f'in the model are {current.shape} and whose dimensions in the '
                              f'checkpoint are {value.shape}, an exception occurred : '
                              f'{error.args}.')
    for key in state_dict:
        if key.startswith(prefix):
            name = key[len(prefix):].split(".", 1)[0]
            if name not in module._modules and name not in local:
                unexpected_keys.append(key)


def check_loaded(module_name, strict, missing, unexpected, errors) -> IncompatibleKeys:
    """Raise PyTorch's "Error(s) in loading state_dict" report, or return the key lists."""
    if strict:
        if unexpected:
            listed = ", ".join(f'"{k}"' for k in unexpected)
            errors.insert(0, f"Unexpected key(s) in state_dict: {listed}. ")
        if missing:
            listed = ", ".join(f'"{k}"' for k in missing)
            errors.insert(0, f"Missing key(s) in state_dict: {listed}. ")
    if errors:
        raise RuntimeError(f"Error(s) in loading state_dict for {module_name}:\n\t"
                           + "\n\t".join(errors))
    return IncompatibleKeys(missing, unexpected)
