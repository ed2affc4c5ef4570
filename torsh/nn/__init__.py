"""torsh.nn: layers and the Module system (parameters, buffers, hooks, state dicts).

Layers are the reference for what each layer computes, written in Python with torsh ops; every
layer of torsh/nn/modules is exported here (torsh.nn.Conv2d, torsh.nn.LSTM, ...).
"""
from . import functional, init, utils  # noqa: F401
from .containers import ModuleDict, ModuleList, ParameterDict, ParameterList, Sequential
from .module import Module
from .modules import *  # noqa: F401,F403
from .modules import __all__ as _layers
from .parameter import Buffer, Parameter

__all__ = ["Module", "Parameter", "Buffer", "Sequential", "ModuleList", "ModuleDict",
           "ParameterList", "ParameterDict", "init", "functional", "utils", *_layers]
