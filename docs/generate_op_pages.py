"""Write the docs' op pages (docs/ops/*.md, MyST markdown) from torsh.ops.OPS and PUBLIC.

One page per op, all generated from the code: the public signatures, the math and the special
values from the op's doc (with a table of values the reference computes, for elementwise ops),
the declaration, reference and gradient source, the meta, the promotion kind, whether it is a
view, and the conformance matrix (backend x dtype) from the last run of the suite. An index,
all-ops.md, lists the ops by family with one-line summaries.

The last run is the report `python -m conformance --backend NAME --json
build/conformance/NAME.json` writes; the build reruns it for each available backend when the
code has changed since (torsh/ and conformance/ are hashed). A report from a backend not
available here, copied into build/conformance/, adds its row to every matrix.

docs/conf.py runs this at every build; `python docs/generate_op_pages.py [FOLDER]` runs it alone.
"""
from __future__ import annotations

import hashlib
import importlib
import inspect
import json
import math
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import torsh
from torsh import backends
from torsh.ops import METHODS, OPS, PUBLIC
from torsh.ops._op import Op

from op_source import (ROOT, Code, called_helpers, declaration, declared_helpers, is_helper,
                       referenced, relative, source_of)
from op_markdown import (STATUS_ORDER, code_block, matrix_table, sample_table, signature_block,
                    table, worst)

REPORTS = ROOT / "build" / "conformance"
INDEX = "all-ops.md"          # not index.md: `index` is an op

PROMOTION = {
    "default": "the inputs' common dtype, by PyTorch's rules (int32 with int64 gives int64, "
               "an integer with a float gives the float)",
    "int_to_float": "the inputs' common dtype, except that integer and bool inputs compute in "
                    "the default float dtype",
    "always_bool": "the inputs are compared in their common dtype; the result is bool",
    None: "the op's meta chooses the output dtype itself",
}

FLOAT_SAMPLES = ((0.0,), (-0.0,), (1.0,), (-1.0,), (0.5,), (-2.5,), (math.inf,), (-math.inf,),
                 (math.nan,))
INT_SAMPLES = ((0,), (1,), (-1,), (7,), (-8,))
FLOAT_PAIRS = ((0.0, 0.0), (-0.0, 0.0), (1.0, 0.0), (-1.0, 0.0), (1.0, -0.0), (2.0, 3.0),
               (-2.0, 3.0), (math.inf, 2.0), (math.inf, math.inf), (math.inf, -math.inf),
               (math.nan, 1.0))
INT_PAIRS = ((7, 2), (-7, 2), (7, -2), (0, 3), (5, 0))
SAMPLES = {"unary": (FLOAT_SAMPLES, INT_SAMPLES), "binary": (FLOAT_PAIRS, INT_PAIRS)}


@dataclass
class Result:
    """One conformance outcome: a case in one dtype on one backend."""
    backend: str
    case: str
    function: str        # the case's op name: a public function or method, e.g. "exp"
    dtype: str
    status: str
    detail: str


# ------------------------------------------------------------ what the code says

def split_doc(doc: str) -> tuple[str, str]:
    """(the math, the rest): a doc's first clause, up to '; ' or '. ', and what follows."""
    doc = " ".join(doc.split())
    cuts = [i for i in (doc.find("; "), doc.find(". ")) if i >= 0]
    if not cuts:
        return doc.rstrip("."), ""
    return doc[:min(cuts)], doc[min(cuts) + 2:]


def ops_reached(fn, depth: int = 2) -> set:
    """Names of the ops a public function dispatches, directly or through private helpers."""
    found = set()
    for obj in referenced(fn):
        if isinstance(obj, Op):
            found.add(obj.name)
        elif depth and is_helper(obj):
            found |= ops_reached(obj, depth - 1)
    return found


def public_forms() -> tuple[dict, dict]:
    """({op: {"torsh": [names], "Tensor": [names]}}, {name: function} of functions that
    dispatch no op of their own: composites and creation functions)."""
    forms = {name: {"torsh": [], "Tensor": []} for name in OPS}
    others = {}
    for prefix, exported in (("torsh", PUBLIC), ("Tensor", METHODS)):
        for name, fn in exported.items():
            reached = ops_reached(fn)
            for op_name in reached & set(OPS):
                forms[op_name][prefix].append(name)
            if not reached and prefix == "torsh":
                others[name] = fn
    for op_name, by_prefix in forms.items():
        for names in by_prefix.values():
            names.sort(key=lambda n: (n != op_name, n.startswith("__"), n))
    return forms, others


def family_of(op: Op) -> str:
    decl = declaration(op.name)
    if decl is not None:
        return decl.module
    for fn in (op.reference, op.view, op.meta):
        module = getattr(fn, "__module__", "") or ""
        if fn is not None and not module.rpartition(".")[2].startswith("_"):
            return module
    return op.meta.__module__


def sample_values(op: Op):
    """(dtype, [(inputs, output text)]) from running an elementwise op on special values."""
    decl = declaration(op.name)
    fn = PUBLIC.get(op.name)
    if decl is None or decl.builder not in SAMPLES or fn is None:
        return None
    for dtype, samples in zip((torsh.float64, torsh.int64), SAMPLES[decl.builder]):
        rows = [(inputs, _evaluate(fn, inputs, dtype)) for inputs in samples]
        if not all(text.startswith("raises") for _, text in rows):
            return dtype.name, rows
    return None


def _evaluate(fn, inputs, dtype) -> str:
    try:
        with backends.using("reference"):
            out = fn(*(torsh.tensor(x, dtype=dtype) for x in inputs))
        return repr(out.item())
    except Exception as error:       # the error is the answer the table shows
        return f"raises {type(error).__name__}"


# ------------------------------------------------------------ conformance

def sources_fingerprint() -> str:
    """A hash of everything a conformance outcome depends on: torsh and the suite."""
    digest = hashlib.sha256()
    for folder in ("torsh", "conformance"):
        for path in sorted((ROOT / folder).rglob("*")):
            if path.suffix in (".py", ".json", ".txt") and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(ROOT)).encode() + path.read_bytes())
    return digest.hexdigest()


def refresh_reports(reports: Path = REPORTS) -> None:
    """Run `python -m conformance --json` for each available backend whose last report is
    missing or older than the code, all at once (one process each)."""
    reports.mkdir(parents=True, exist_ok=True)
    fingerprint = sources_fingerprint()
    stale = [b for b in backends.available()
             if not (reports / f"{b}.json").exists()
             or _read(reports / f"{b}.sources") != fingerprint]
    for backend in stale:           # so that a run that crashes leaves no report behind
        (reports / f"{backend}.json").unlink(missing_ok=True)
    runs = [subprocess.Popen([sys.executable, "-m", "conformance", "--backend", backend,
                              "--quiet", "--json", str(reports / f"{backend}.json")],
                             cwd=ROOT, stdout=subprocess.DEVNULL)
            for backend in stale]
    for backend, run in zip(stale, runs):
        run.wait()                  # exit status 1 means some case failed: the pages say which
        if not (reports / f"{backend}.json").exists():
            raise RuntimeError(f"python -m conformance --backend {backend} wrote no report")
        (reports / f"{backend}.sources").write_text(fingerprint)


def _read(path: Path) -> str:
    return path.read_text() if path.exists() else ""


def conformance_results(reports: Path = REPORTS) -> list:
    """Every outcome in the last conformance reports (refreshed first where stale): one per
    available backend, plus any report in `reports` from a backend not available here."""
    refresh_reports(reports)
    results = []
    for path in sorted(reports.glob("*.json")):
        report = json.loads(path.read_text())
        results += [Result(report["backend"], o["case"], o["op"], o["dtype"], o["status"],
                           o["detail"]) for o in report["outcomes"]]
    return results


def public_name_of(case_function: str) -> str | None:
    """The public name a case calls: itself, or its longest prefix at an underscore
    ("matmul_operator" -> "matmul", "addmm_inplace" -> "addmm")."""
    candidate = case_function
    while candidate:
        if candidate in PUBLIC or candidate in METHODS:
            return candidate
        candidate = candidate.rpartition("_")[0]
    return None


def results_by_name(results: list) -> dict:
    grouped = {}
    for result in results:
        grouped.setdefault(public_name_of(result.function), []).append(result)
    return grouped


# ------------------------------------------------------------ one op's page

class Page:
    """Markdown for one op, with each piece of source shown at most once."""

    def __init__(self, op: Op, forms: dict, results: list, backend_names: list):
        self.op, self.forms, self.results = op, forms, results
        self.backend_names = backend_names
        self.shown: list[Code] = []
        self.parts: list[str] = []

    def show(self, code: Code | None, caption: str = "") -> None:
        """Add a code block unless that source (or one holding it) is already on the page."""
        if code is None or any(_holds(s, code) for s in self.shown):
            return
        self.shown.append(code)
        self.parts.append(code_block(code, caption))

    def add(self, text: str) -> None:
        self.parts.append(text)

    def render(self) -> str:
        op = self.op
        math_text, notes = split_doc(op.doc)
        family = family_of(op)
        # Op pages stay out of the toctree (linked from the index instead): a sidebar listing
        # every op would make furo redraw that list on every page, slowing the build tenfold.
        self.add("---\norphan: true\n---\n")
        self.add(f"# {op.name}\n\n{math_text or 'Not documented yet.'}\n")
        self.add(f"Family: [{family.rpartition('.')[2]}]({INDEX}#{_anchor(family)}) · "
                 f"promotion: `{op.promote or 'none'}` · "
                 f"{'view' if op.is_view else 'computes new values'} · "
                 f"{'differentiable' if op.backward else 'not differentiable'}\n")
        self.signatures()
        self.special_values(notes)
        self.reference()
        self.gradient()
        self.meta()
        self.properties()
        self.conformance()
        return "\n".join(self.parts)

    def signatures(self) -> None:
        lines = []
        for prefix, exported in (("torsh", PUBLIC), ("Tensor", METHODS)):
            for name in self.forms[prefix]:
                lines.append(signature_block(prefix, name, exported[name], prefix == "Tensor"))
        self.add("## Signature\n")
        if lines:
            self.add("```python\n" + "\n".join(lines) + "\n```\n")
        else:
            self.add("No public function dispatches this op directly: other ops use it.\n")

    def special_values(self, notes: str) -> None:
        samples = sample_values(self.op)
        if not notes and samples is None:
            return
        self.add("## Special values and notes\n")
        if notes:
            self.add(notes + "\n")
        if samples is not None:
            dtype, rows = samples
            self.add(f"What the reference computes for a few {dtype} inputs:\n")
            self.add(sample_table(self.op.name, rows))

    def reference(self) -> None:
        op = self.op
        decl = declaration(op.name)
        semantics = op.view if op.is_view else op.reference
        self.add("## Reference\n")
        if decl is not None:
            how = "declared" if decl.builder == "Op" else f"declared by `{decl.builder}()`"
            self.add(f"The op is {how} in `{decl.code.path}`:\n")
            self.show(decl.code)
        what = "geometry (the view's shape, strides and offset)" if op.is_view else "reference"
        if semantics is None:
            self.add("No reference is declared.\n")
            return
        code = source_of(semantics)
        if code is not None and not any(_holds(s, code) for s in self.shown):
            built = decl is not None and decl.builder != "Op" and code.path != decl.code.path
            self.add(f"`{decl.builder}()` makes the {what} from that line:\n" if built
                     else f"The {what}:\n")
            self.show(code)
        skip = {id(op.meta), id(op.backward), id(semantics)}
        helpers = [(o, c) for o, c in (declared_helpers(decl) if decl else [])
                   if id(o) not in skip] + called_helpers(semantics)
        if helpers:
            self.add("The functions it uses:\n")
            for _, helper in helpers:
                self.show(helper)

    def gradient(self) -> None:
        op = self.op
        self.add("## Gradient\n")
        if op.backward is None:
            self.add("No backward is declared: torsh does not differentiate through this op.\n")
            return
        saved = [what for what, flag in (("`ctx.inputs` (the promoted inputs)", op.saves_inputs),
                                         ("`ctx.output` / `ctx.outputs`", op.saves_output))
                 if flag]
        self.add(f"`backward(ctx, *grads)` returns one gradient per tensor input; it reads "
                 f"{' and '.join(saved) or 'only the shapes and parameters'} from `ctx`.\n")
        code = source_of(op.backward)
        if code is not None:        # shown even when it is part of the declaration above
            self.parts.append(code_block(code))
            self.shown.append(code)
        helpers = called_helpers(op.backward)
        if helpers:
            self.add("The functions it uses:\n")
        for _, helper in helpers:
            self.show(helper)

    def meta(self) -> None:
        code = source_of(self.op.meta)
        if code is None:
            return
        self.add("## Shapes, dtypes and errors\n")
        self.add("The meta function: output shapes and dtypes from the (promoted) inputs, and "
                 "the error for bad input.\n")
        self.show(code)

    def properties(self) -> None:
        op = self.op
        outputs = ("all" if op.differentiable_outputs is None
                   else ", ".join(map(str, op.differentiable_outputs)))
        rows = [("promotion", f"`{op.promote or 'none'}`: {PROMOTION.get(op.promote, '?')}"),
                ("view", "yes: the result shares the input's storage" if op.is_view else "no"),
                ("differentiable outputs", outputs if op.backward else "none"),
                ("decomposition", "yes" if op.decompose else
                 "none (backends without a kernel fall back to the reference)")]
        self.add("## Properties\n")
        self.add(table(("property", "value"), rows))

    def conformance(self) -> None:
        self.add("## Conformance\n")
        if not self.results:
            self.add("No conformance case calls this op yet (`conformance/cases/`).\n")
            return
        cases = sorted({r.case for r in self.results})
        self.add(f"Each cell is the worst outcome of the op's cases in that dtype, from the "
                 f"last run of the suite on each backend (rerun by the docs build when the code "
                 f"has changed since). Cases: "
                 f"{', '.join(f'`{c}`' for c in cases)}.\n")
        self.add(matrix_table(self.results, self.backend_names))
        failures = [r for r in self.results if r.status in ("FAIL", "XPASS")]
        if failures:
            lines = [f"{r.status} {r.case} [{r.dtype}] on {r.backend}: {r.detail}"
                     for r in failures]
            self.add("Failures:\n\n```text\n" + "\n".join(lines) + "\n```\n")


def _anchor(module: str) -> str:
    """The anchor MyST gives the index's heading for a family (its module's last part)."""
    return module.rpartition(".")[2].lower()


def _holds(outer: Code, inner: Code) -> bool:
    """Whether `inner`'s lines are within `outer`'s (the same source shown twice)."""
    return (outer.path == inner.path and outer.line <= inner.line and
            inner.line + inner.text.count("\n") <= outer.line + outer.text.count("\n"))


# ------------------------------------------------------------ the index

def render_index(families: dict, others: dict, by_name: dict, backend_names: list,
                 results: list) -> str:
    parts = ["# Ops\n",
             "Every op torsh declares (`torsh.ops.OPS`), one page each, generated from the code "
             "at every build of these docs: its signatures, its math and special values, the "
             "reference and gradient source, its promotion kind and the conformance matrix. "
             "A backend author can start from the meta and the conformance matrix; a student "
             "from the math and the reference.\n",
             "## Conformance at a glance\n",
             "The outcomes of the last run of the suite (`conformance/`) on each backend:\n"]
    totals = []
    for backend in backend_names:
        counts = Counter(r.status for r in results if r.backend == backend)
        totals.append((backend, ", ".join(f"{counts[s]} {s}" for s in STATUS_ORDER
                                          if counts[s])))
    parts.append(table(("backend", "outcomes"), totals))
    parts.append("`pass`: agrees with the reference and with PyTorch through native kernels; "
                 "`fallback`: agrees, but some call was served by a decomposition or the "
                 "reference; `FAIL`: disagrees; `xfail`: a listed expected failure; `XPASS`: "
                 "listed as failing but passes; `skip`: the backend lacks the dtype.\n")
    header = ("op", "definition") + tuple(backend_names)
    for module, ops in sorted(families.items()):
        doc = (importlib.import_module(module).__doc__ or "").strip().split("\n\n")[0]
        path = relative(importlib.import_module(module).__file__)
        parts.append(f"## {module.rpartition('.')[2]}\n\n`{path}`: {' '.join(doc.split())}\n")
        rows = [(f"[{op.name}]({op.name}.md)", split_doc(op.doc)[0],
                 *_worst_per_backend(mine, backend_names))
                for op, mine in ops]
        parts.append(table(header, rows))
    parts.append("## Functions without an op of their own\n\n"
                 "Composites (defined with other torsh functions, so their gradient comes for "
                 "free) and creation functions:\n")
    rows = [(f"`torsh.{name}`", f"`{_where(fn)}`", _summary(fn),
             *_worst_per_backend(by_name.get(name, []), backend_names))
            for name, fn in sorted(others.items())]
    parts.append(table(("function", "where", "what") + tuple(backend_names), rows))
    return "\n".join(parts)


def _worst_per_backend(results: list, backend_names: list) -> list:
    return [worst(r.status for r in results if r.backend == b) for b in backend_names]


def _where(fn) -> str:
    module = inspect.getmodule(fn) or inspect.getmodule(type(fn))
    return relative(module.__file__) if module and getattr(module, "__file__", None) else "?"


def _summary(fn) -> str:
    return split_doc((inspect.getdoc(fn) or "").split("\n\n")[0])[0]


# ------------------------------------------------------------ writing

def pages() -> dict:
    """{file name: markdown} for every op page and the index."""
    forms, others = public_forms()
    results = conformance_results()
    by_name = results_by_name(results)
    backend_names = sorted({r.backend for r in results}, key=lambda b: (b != "reference", b))
    out, families = {}, {}
    for name, op in sorted(OPS.items()):
        names = set(forms[name]["torsh"]) | set(forms[name]["Tensor"]) | {name}
        mine = [r for n in sorted(names) for r in by_name.get(n, [])]
        out[f"{name}.md"] = Page(op, forms[name], mine, backend_names).render()
        families.setdefault(family_of(op), []).append((op, mine))
    out[INDEX] = render_index(families, others, by_name, backend_names, results)
    return out


def write_pages(folder: Path) -> int:
    """Write the pages into `folder`, touching only files whose text changed (so that Sphinx
    rereads only those) and removing pages of ops that no longer exist. Returns the count."""
    folder.mkdir(parents=True, exist_ok=True)
    written = pages()
    for name, text in written.items():
        path = folder / name
        if not path.exists() or path.read_text() != text:
            path.write_text(text)
    for stale in folder.glob("*.md"):
        if stale.name not in written:
            stale.unlink()
    return len(written)


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parent / "ops"
    print(f"{write_pages(target)} pages in {target}")
