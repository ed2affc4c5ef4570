"""torsh.nn: layers and the Module system (parameters, buffers, hooks, state dicts).

Layers are the reference for what each layer computes, written in Python with torsh ops.
"""
from . import init  # noqa: F401
from .containers import ModuleDict, ModuleList, ParameterDict, ParameterList, Sequential
from .module import Module
from .modules import (Dropout, Flatten, Identity, Linear, MSELoss, ReLU, Sigmoid, Tanh,
                      Unflatten)
from .parameter import Buffer, Parameter

__all__ = ["Module", "Parameter", "Buffer", "Sequential", "ModuleList", "ModuleDict",
           "ParameterList", "ParameterDict", "Identity", "Linear", "Flatten", "Unflatten",
           "ReLU", "Tanh", "Sigmoid", "Dropout", "MSELoss", "init"]
