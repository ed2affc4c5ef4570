"""Every conformance case, one module per family (like `torsh/ops`).

Each module defines `CASES`, a list of `Case`. Adding a case is adding a line to a table;
adding a family is adding a module here. `all_cases()` returns {family: [cases]}.
"""
import importlib
import pkgutil

from ..spec import ALL, FLOATS, GRAD_DTYPES, INTS, A, Case, DType  # noqa: F401


def all_cases() -> dict:
    families = {}
    for name in sorted(m.name for m in pkgutil.iter_modules(__path__)):
        if not name.startswith("_"):
            module = importlib.import_module(f"{__name__}.{name}")
            families[name] = list(module.CASES)
    return families
