"""Sphinx configuration of gongkai's documentation site (build: see docs/README.md)."""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "_ext"))

import gongkai  # noqa: E402  (the installed package documents itself)

project = "gongkai"
author = "gongkai developers"
copyright = "gongkai developers, MIT licence"
release = gongkai.__version__
version = release

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinxarg.ext",
    "codebook",
]

# markdown pages (MyST) only; the READMEs of folders are for people browsing the repository
source_suffix = {".md": "markdown"}
exclude_patterns = ["_build", "README.md", "**/README.md", ".venv"]
root_doc = "index"
language = "en"

myst_enable_extensions = ["colon_fence", "deflist", "fieldlist"]
myst_heading_anchors = 3
# ```lark and ```toml blocks: Pygments may not know every grammar dialect; never a warning
highlight_language = "text"
suppress_warnings = [
    # a ```lark block that Pygments lexes only in part is still shown
    "misc.highlighting_failure",
]

autodoc_default_options = {"members": True, "show-inheritance": True}
autodoc_member_order = "bysource"
autodoc_typehints = "description"
# attrs classes carry their fields in the class docstring; no separate attribute entries
napoleon_google_docstring = True
napoleon_numpy_docstring = False
nitpicky = False

html_theme = "furo"
html_title = f"gongkai {release}"
html_static_path: list[str] = []


# Pages that other parts of the project write (docs/corpora.md: tables of many reports in
# Parquet and Excel).  Until such a page exists, links to it become plain text and its
# toctree entry is left out, so the site builds with -W either way.
OPTIONAL_PAGES = ("corpora",)
_LINK = r"\[([^\]]+)\]\((?:\.\./)*{name}\.md(?:#[^)]*)?\)"


def _drop_missing_pages(app: object, docname: str, source: list[str]) -> None:
    import re

    text = source[0]
    for name in OPTIONAL_PAGES:
        if (HERE / f"{name}.md").exists():
            continue
        text = re.sub(_LINK.format(name=name), rf"\1 (docs/{name}.md)", text)
        text = re.sub(rf"(?m)^{name}\n", "", text)
    source[0] = text


def setup(app: object) -> None:
    """Hook the optional-pages filter into the build."""
    app.connect("source-read", _drop_missing_pages)  # type: ignore[attr-defined]
