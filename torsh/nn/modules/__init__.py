"""The layers of torsh.nn, one family per module (linear, conv, pooling, normalization, ...),
each written in Python on top of torsh ops; every name in a module's `__all__` is gathered here."""
from ..._package import export_modules

__all__ = export_modules(__name__, globals())
