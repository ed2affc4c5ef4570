"""The docs: op pages generated from the code, and a Sphinx build with warnings as errors.

The first tests render pages in memory (fast, no Sphinx); `test_sphinx_build` builds the whole
site as `make docs` does and fails on any Sphinx warning.
"""
import subprocess
import sys
from pathlib import Path

import pytest

from torsh.ops import OPS

DOCS = Path(__file__).resolve().parent.parent / "docs"
sys.path.insert(0, str(DOCS))

import generate_op_pages as gen  # noqa: E402
import op_source  # noqa: E402


@pytest.fixture(scope="module")
def forms():
    return gen.public_forms()[0]


def result(case, status="pass", dtype="float32", backend="reference", detail=""):
    return gen.Result(backend, case, case.split(".")[0], dtype, status, detail)


def render(name, forms, results=(), backend_names=("reference",)):
    return gen.Page(OPS[name], forms[name], list(results), list(backend_names)).render()


# ------------------------------------------------------------ what the generator reads

def test_split_doc_separates_the_math_from_the_special_values():
    assert gen.split_doc("ln x; log(0) = -inf, log(x < 0) = NaN.") == (
        "ln x", "log(0) = -inf, log(x < 0) = NaN.")
    assert gen.split_doc("e^x.") == ("e^x", "")
    assert gen.split_doc("first.  Then\n   more.") == ("first", "Then more.")


def test_declarations_are_found_for_every_op():
    missing = [name for name in OPS if op_source.declaration(name) is None]
    assert not missing
    assert op_source.declaration("matmul").builder == "Op"
    assert op_source.declaration("exp").builder == "unary"
    assert op_source.declaration("sum").module == "torsh.ops.reduce"
    # declared in a loop over a table of rows
    assert '("eq", lambda x, y: x == y' in op_source.declaration("eq").code.text


def test_source_of_a_lambda_is_just_the_expression():
    code = op_source.source_of(OPS["exp"].backward)
    assert code.text == "lambda ctx, g: (g * ctx.output,)"
    assert code.path == "torsh/ops/unary.py"


def test_public_forms_list_functions_and_methods(forms):
    assert forms["exp"]["torsh"] == ["exp"]
    assert {"exp", "exp_"} <= set(forms["exp"]["Tensor"])
    assert "absolute" in forms["abs"]["torsh"]          # aliases share the op's page
    assert "__getitem__" in forms["index"]["Tensor"]


def test_case_names_map_to_public_names():
    assert gen.public_name_of("exp") == "exp"
    assert gen.public_name_of("matmul_operator") == "matmul"
    assert gen.public_name_of("no_such_function") is None


def outputs(samples) -> dict:
    """{inputs as text: output text}; text keeps -0.0 apart from 0.0."""
    return {", ".join(map(repr, inputs)): out for inputs, out in samples[1]}


def test_sample_values_come_from_the_reference():
    log = gen.sample_values(OPS["log"])
    assert log[0] == "float64"
    assert outputs(log)["0.0"] == "-inf" and outputs(log)["-1.0"] == "nan"
    assert outputs(gen.sample_values(OPS["neg"]))["0.0"] == "-0.0"
    bitwise = gen.sample_values(OPS["bitwise_and"])        # floats raise: ints are shown
    assert bitwise[0] == "int64" and outputs(bitwise)["7, 2"] == "2"
    assert gen.sample_values(OPS["matmul"]) is None


# ------------------------------------------------------------ pages

def test_exp_page_has_every_section(forms):
    page = render("exp", forms, [result("exp.typical"), result("exp.special", dtype="float64"),
                                 result("exp.typical", "FAIL", "int8", detail="value 1 vs 2")])
    assert "\n# exp\n\ne^x\n" in page
    assert "torsh.exp(input, *, out=None)" in page and "Tensor.exp(*, out=None)" in page
    assert 'unary("exp", s.exp, "e^x."' in page                   # the table line
    assert "def exp(x):" in page                                  # the scalar function
    assert "lambda a: map_elements(fn, a)" in page                # how unary() uses it
    assert "lambda ctx, g: (g * ctx.output,)" in page             # the gradient
    assert "| `-inf` | `0.0` |" in page                           # special values
    assert "`int_to_float`" in page
    assert "| backend | float32 | float64 | int8 |" in page
    assert "| reference | pass | pass | FAIL |" in page
    assert "FAIL exp.typical [int8] on reference: value 1 vs 2" in page


def test_view_and_non_differentiable_pages(forms):
    view = render("view", forms)
    assert "geometry" in view and "| view | yes" in view
    isnan = render("isnan", forms)
    assert "No backward is declared" in isnan and "| reference |" not in isnan
    assert "No conformance case calls this op yet" in isnan


def test_every_op_page_renders(forms):
    for name in OPS:
        page = render(name, forms, [result(f"{name}.typical")])
        for section in ("## Signature", "## Reference", "## Gradient", "## Properties",
                        "## Conformance"):
            assert section in page, f"{name}: no {section}"


def test_index_groups_ops_by_family(forms):
    families = {}
    for name in ("exp", "log", "sum", "matmul"):
        families.setdefault(gen.family_of(OPS[name]), []).append((OPS[name], []))
    index = gen.render_index(families, {}, {}, ["reference"], [])
    assert "## unary" in index and "## reduce" in index and "## matmul" in index
    assert "| [exp](exp.md) | e^x |" in index


# ------------------------------------------------------------ the site

def test_sphinx_build_without_warnings(tmp_path):
    pytest.importorskip("sphinx", reason="the docs extra is not installed (pip install .[docs])")
    pytest.importorskip("furo")
    pytest.importorskip("myst_parser")
    out = tmp_path / "html"
    build = subprocess.run([sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q",
                            "-b", "html", "-d", str(tmp_path / "doctrees"), str(DOCS), str(out)],
                           capture_output=True, text=True)
    assert build.returncode == 0, build.stderr[-3000:]
    for page in ("index", "reading-the-reference", "ops/all-ops", "ops/exp", "ops/matmul"):
        assert (out / f"{page}.html").exists(), page
    exp = (out / "ops" / "exp.html").read_text()
    assert "e^x" in exp and "Conformance" in exp and "map_elements" in exp
    source = (DOCS / "ops" / "exp.md").read_text()
    assert "torsh.exp(input, *, out=None)" in source and "| reference |" in source
    assert len(list((DOCS / "ops").glob("*.md"))) == len(OPS) + 1
