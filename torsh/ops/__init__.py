"""THE REFERENCE: every op torsh has, one module per family.

Importing this package imports every module in it, which declares every op (filling `OPS`,
`PUBLIC` and `METHODS`). A new family is a new module here; nothing else needs editing.
Modules starting with `_` are the shared machinery (the op record, arrays, scalar functions).
"""
import importlib
import pkgutil

from ._op import METHODS, OPS, PUBLIC  # noqa: F401

for _module in sorted(m.name for m in pkgutil.iter_modules(__path__)):
    if not _module.startswith("_"):
        importlib.import_module(f"{__name__}.{_module}")
