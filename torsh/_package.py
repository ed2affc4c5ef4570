"""Gather a package's public names from its modules: `export_modules(package_name, globals())`
imports every module of the package whose name does not start with `_` and copies the names in
its `__all__` into the package, so adding a module is all it takes to add functions or layers."""
from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType


def export_modules(package: str, namespace: dict) -> list:
    """Import package's public modules; return the names exported (each module's __all__)."""
    names = []
    module_path = importlib.import_module(package).__path__
    for info in sorted(pkgutil.iter_modules(module_path), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{package}.{info.name}")
        if info.ispkg and not hasattr(module, "__all__"):
            continue
        exported = module.__all__
        for name in exported:
            previous = namespace.get(name)
            # (a submodule may share its function's name, as `linear` does: the function wins)
            if previous is not None and not isinstance(previous, ModuleType) \
                    and previous is not getattr(module, name):
                raise ImportError(f"{package}: {name!r} is exported by {info.name} and by "
                                  f"another module")
            namespace[name] = getattr(module, name)
        names += exported
    return names
