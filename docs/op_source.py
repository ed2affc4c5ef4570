"""Where an op's code is, as text for its doc page: declaration, reference, gradient, helpers.

An op is declared either directly, `register(Op("matmul", ...))`, or by a builder that makes
the `Op` from one table line, `unary("exp", s.exp, "e^x.", grad=...)`. `declaration(name)`
finds that statement by reading the modules of torsh/ops; `source_of(fn)` gives a function's
text (only the expression, for a lambda); `declared_helpers` and `called_helpers` give the
private torsh functions a piece of code uses, so that a page can show them beside it.

This module only reads code; it never changes what torsh does.
"""
from __future__ import annotations

import ast
import dis
import functools
import importlib
import inspect
import textwrap
import types
from dataclasses import dataclass
from pathlib import Path

import torsh
from torsh.ops import METHODS, PUBLIC

OPS_DIR = Path(torsh.ops.__file__).resolve().parent
ROOT = OPS_DIR.parent.parent
# Folders whose modules declare ops: the core reference and the layers' functional ops.
OP_FOLDERS = (OPS_DIR, ROOT / "torsh" / "nn" / "functional")
REFERENCE_PACKAGES = ("torsh.ops", "torsh.nn.functional")

# Keyword arguments of a declaration that hold the op's semantics (not meta, doc or gradient).
SEMANTIC_KEYWORDS = ("reference", "view")


@dataclass(frozen=True)
class Code:
    """A piece of source text, where it lives (path from the repository root) and its line."""
    text: str
    path: str
    line: int

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass
class Declaration:
    """The statement that declares an op: `Op(...)` itself or a builder's table line."""
    module: str              # torsh.ops.unary
    builder: str             # "Op", or the builder: "unary", "reduction", "view_op", ...
    code: Code
    call: ast.Call | None    # None when a loop declares several ops from rows of a table


def relative(path) -> str:
    try:
        return str(Path(path).resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def op_files() -> list[Path]:
    return sorted(p for folder in OP_FOLDERS for p in folder.glob("*.py")
                  if p.name != "__init__.py")


def module_name(path: Path) -> str:
    """torsh/ops/unary.py -> torsh.ops.unary."""
    return ".".join(path.resolve().relative_to(ROOT).with_suffix("").parts)


@functools.cache
def parsed(path: str) -> tuple[str, ast.Module]:
    text = Path(path).read_text()
    return text, ast.parse(text)


def _lines(text: str, node: ast.AST) -> str:
    """The full source lines a node spans, dedented."""
    lines = text.splitlines()[node.lineno - 1:node.end_lineno]
    return textwrap.dedent("\n".join(lines)).rstrip()


def _callee(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Name):
        return call.func.id
    return call.func.attr if isinstance(call.func, ast.Attribute) else None


def _constant_name(call: ast.Call) -> str | None:
    first = call.args[0] if call.args else None
    if isinstance(first, ast.Constant) and isinstance(first.value, str):
        return first.value
    return None


@functools.cache
def builders() -> frozenset:
    """`Op` and every function that passes its first parameter to `Op(...)` as the name."""
    found = {"Op"}
    for path in op_files():
        for fn in ast.walk(parsed(str(path))[1]):
            if not isinstance(fn, ast.FunctionDef) or not fn.args.args:
                continue
            first = fn.args.args[0].arg
            for call in ast.walk(fn):
                if (isinstance(call, ast.Call) and _callee(call) == "Op" and call.args
                        and isinstance(call.args[0], ast.Name) and call.args[0].id == first):
                    found.add(fn.name)
    return frozenset(found)


@functools.cache
def declarations() -> dict:
    """{op name: Declaration} for every op declared with its name as a string literal."""
    found = {}
    for path in op_files():
        text, tree = parsed(str(path))
        for statement in tree.body:
            if isinstance(statement, ast.For):
                _loop_declarations(statement, text, path, found)
                continue
            for node in ast.walk(statement):
                if not (isinstance(node, ast.Call) and _callee(node) in builders()):
                    continue
                name = _constant_name(node)
                if name is None or name in found:
                    continue
                whole = isinstance(statement, (ast.Assign, ast.AnnAssign, ast.Expr))
                shown = statement if whole else node
                found[name] = Declaration(module_name(path), _callee(node),
                                          Code(_lines(text, shown), relative(path),
                                               shown.lineno), node)
    return found


def _loop_declarations(loop: ast.For, text: str, path: Path, found: dict) -> None:
    """`for name, fn, doc in (("eq", ...), ("ne", ...)): binary(name, fn, doc)`: each row
    whose first item is a string declares that op; the whole loop is its declaration."""
    calls = [n for n in ast.walk(loop) if isinstance(n, ast.Call) and _callee(n) in builders()]
    if not calls or not isinstance(loop.iter, (ast.Tuple, ast.List)):
        return
    for row in loop.iter.elts:
        first = row.elts[0] if isinstance(row, ast.Tuple) and row.elts else None
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            found.setdefault(first.value, Declaration(
                module_name(path), _callee(calls[0]),
                Code(_lines(text, loop), relative(path), loop.lineno), None))


def declaration(name: str) -> Declaration | None:
    return declarations().get(name)


# ------------------------------------------------------------ source of a function

def _lambda_node(code: types.CodeType, tree: ast.Module) -> ast.Lambda | None:
    """The innermost lambda in `tree` whose text holds the first instruction of `code`."""
    where = next(((p[0], p[2]) for p in code.co_positions() if p[0] and p[3]), None)
    if where is None:
        return None
    best = None
    for node in ast.walk(tree):
        if isinstance(node, ast.Lambda) and (node.lineno, node.col_offset) <= where <= (
                node.end_lineno, node.end_col_offset):
            if best is None or (node.lineno, node.col_offset) > (best.lineno, best.col_offset):
                best = node
    return best


def source_of(fn) -> Code | None:
    """A function's definition, or for a lambda just the `lambda ...: ...` expression."""
    fn = inspect.unwrap(fn)
    code = getattr(fn, "__code__", None)
    if code is None:
        return None
    path = code.co_filename
    if code.co_name != "<lambda>":
        try:
            lines, start = inspect.getsourcelines(fn)
        except (OSError, TypeError):
            return None
        return Code(textwrap.dedent("".join(lines)).rstrip(), relative(path), start)
    text, tree = parsed(path)
    node = _lambda_node(code, tree)
    if node is None:
        return None
    segment = " " * node.col_offset + ast.get_source_segment(text, node)
    return Code(textwrap.dedent(segment).rstrip(), relative(path), node.lineno)


def is_lambda(fn) -> bool:
    return getattr(getattr(fn, "__code__", None), "co_name", None) == "<lambda>"


# ------------------------------------------------------------ helpers a piece of code uses

@functools.cache
def _public_ids() -> frozenset:
    return frozenset(id(f) for f in list(PUBLIC.values()) + list(METHODS.values()))


def is_helper(obj) -> bool:
    """A private function of torsh.ops: worth showing beside the code that calls it."""
    return (inspect.isfunction(obj) and obj.__module__.startswith(REFERENCE_PACKAGES)
            and id(obj) not in _public_ids())


def _definition(module_name: str, name: str) -> Code | None:
    """The top-level `def name` or `name = ...` of a module, as text."""
    module = importlib.import_module(module_name)
    path = getattr(module, "__file__", None)
    if not path:
        return None
    text, tree = parsed(path)
    for statement in tree.body:
        if isinstance(statement, ast.FunctionDef):
            defined = {statement.name}
        else:           # `name = ...` or `a, name = ...`
            targets = getattr(statement, "targets", [])
            defined = {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}
        if name in defined:
            return Code(_lines(text, statement), relative(path), statement.lineno)
    return None


def _called_definitions(code: Code, module_name: str) -> list:
    """Top-level functions of `module_name` that a definition statement calls (`ieee` in
    `log = ieee(math.log, ...)`): the one level a reader needs to follow it."""
    try:
        tree = ast.parse(code.text)
    except SyntaxError:
        return []
    if not isinstance(tree.body[0], ast.Assign):
        return []
    found = []
    for call in ast.walk(tree.body[0].value):
        if isinstance(call, ast.Call) and isinstance(call.func, ast.Name):
            shown = _definition(module_name, call.func.id)
            if shown is not None and shown.text.startswith("def "):
                found.append(shown)
    return found


def _resolve(node: ast.AST, namespace: dict):
    """(module name, name, object) for a `name` or `module.name` expression, else None."""
    if isinstance(node, ast.Name) and node.id in namespace:
        obj = namespace[node.id]
        return getattr(obj, "__module__", None), node.id, obj
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        owner = namespace.get(node.value.id)
        if isinstance(owner, types.ModuleType) and hasattr(owner, node.attr):
            return owner.__name__, node.attr, getattr(owner, node.attr)
    return None


def declared_helpers(decl: Declaration) -> list:
    """Helpers named in a declaration's semantic arguments: the scalar function of
    `unary("log", s.log, ...)`, the reducer of `reduction(...)`, `reference=...`."""
    if decl.call is None:
        return []
    namespace = vars(importlib.import_module(decl.module))
    semantic = list(decl.call.args[1:]) + [k.value for k in decl.call.keywords
                                           if k.arg in SEMANTIC_KEYWORDS]
    found = []
    for argument in semantic:
        for node in ast.walk(argument):
            resolved = _resolve(node, namespace)
            if resolved is None:
                continue
            module_name, name, obj = resolved
            if not is_helper(obj):
                continue
            shown = _definition(module_name, name)
            if shown is None and not is_lambda(obj):
                shown = source_of(obj)
            if shown is not None:
                found.append((obj, shown))
                found += [(None, c) for c in _called_definitions(shown, module_name)]
    return found


def _code_objects(code: types.CodeType):
    yield code
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            yield from _code_objects(const)


def referenced(fn) -> list:
    """Objects a function reaches by global name (in its body or nested functions) or
    closes over, in order of first use."""
    fn = inspect.unwrap(fn)
    code = getattr(fn, "__code__", None)
    if code is None:
        return []
    found = []
    for cell in fn.__closure__ or ():
        try:
            found.append(cell.cell_contents)
        except ValueError:     # an empty cell: the closure's variable is not set yet
            pass
    for inner in _code_objects(code):
        for instruction in dis.get_instructions(inner):
            if instruction.opname == "LOAD_GLOBAL" and instruction.argval in fn.__globals__:
                found.append(fn.__globals__[instruction.argval])
    unique = {}
    for obj in found:
        unique.setdefault(id(obj), obj)
    return list(unique.values())


def called_helpers(fn) -> list:
    """(object, Code) for each private torsh.ops function `fn` uses, lambdas left out (their
    text is already in the declaration that holds them)."""
    found = []
    for obj in referenced(fn):
        if is_helper(obj) and not is_lambda(obj):
            shown = source_of(obj)
            if shown is not None:
                found.append((obj, shown))
    return found
