"""Markdown pieces for the generated op pages: code blocks, signatures and tables.

Every piece is MyST markdown that Sphinx builds without a warning: table cells escape `|`,
code fences are longer than any run of backticks inside them.
"""
from __future__ import annotations

import inspect
import re

from conformance.spec import ALL

# The order the suite ranks outcomes in, worst first (conformance/suite.py, Report.matrix).
STATUS_ORDER = ("FAIL", "XPASS", "xfail", "fallback", "pass", "skip")


def fence(text: str) -> str:
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    return "`" * max(3, longest + 1)


def code_block(code, caption: str = "") -> str:
    """A highlighted Python block captioned with where the code lives."""
    marks = fence(code.text)
    return (f"{marks}{{code-block}} python\n:caption: {caption or code.where}\n\n"
            f"{code.text}\n{marks}\n")


def signature_block(prefix: str, name: str, fn, method: bool) -> str:
    """`torsh.exp(input, *, out=None)`, or for a method the same without its first parameter."""
    try:
        signature = inspect.signature(fn)
    except (TypeError, ValueError):
        return f"{prefix}.{name}(...)"
    params = list(signature.parameters.values())
    if method and params and params[0].kind in (inspect.Parameter.POSITIONAL_ONLY,
                                                inspect.Parameter.POSITIONAL_OR_KEYWORD):
        params = params[1:]
    return f"{prefix}.{name}{signature.replace(parameters=params)}"


def cell(value) -> str:
    return " ".join(str(value).split()).replace("|", "\\|")


def table(header, rows) -> str:
    lines = ["| " + " | ".join(cell(h) for h in header) + " |",
             "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def worst(statuses) -> str:
    """The worst of some outcomes, '' for none."""
    ranked = sorted(statuses, key=STATUS_ORDER.index)
    return ranked[0] if ranked else ""


def matrix_table(results, backend_names) -> str:
    """Backend x dtype, each cell the worst outcome of the cases there."""
    seen = {r.dtype for r in results}
    dtypes = [d for d in ALL if d in seen] + sorted(seen - set(ALL))
    rows = [(backend, *(worst(r.status for r in results
                              if r.backend == backend and r.dtype == d) for d in dtypes))
            for backend in backend_names]
    return table(("backend", *dtypes), rows)


def sample_table(name: str, rows) -> str:
    """Inputs and the output the reference gives for them."""
    arity = len(rows[0][0])
    header = ("x", f"{name}(x)") if arity == 1 else ("input", "other", f"{name}(input, other)")
    shown = [(*(f"`{x!r}`" for x in inputs), out if out.startswith("raises") else f"`{out}`")
             for inputs, out in rows]
    return table(header, shown)
