"""Sphinx configuration for torsh's docs: the pages in docs/*.md (MyST markdown) and the op
pages in docs/ops/, which generate_op_pages.py writes from the code at the start of every
build. `make docs` builds the site into build/docs; `make test` builds it with -W.
"""
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]     # the generator, then torsh and conformance

import generate_op_pages  # noqa: E402

project = "torsh"
author = "the torsh authors"
extensions = ["myst_parser"]
source_suffix = {".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "examples"]
html_theme = "furo"
html_title = "torsh"
myst_heading_anchors = 3


def generate(app) -> None:
    generate_op_pages.write_pages(HERE / "ops")


def setup(app):
    app.connect("builder-inited", generate)
