"""Sphinx configuration of gongkai's documentation site (build: see docs/README.md)."""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "_ext"))

import gongkai  # noqa: E402  (the installed package documents itself)

project = "gongkai"
author = "gongkai developers"
copyright = "gongkai developers, MIT licence"  # noqa: A001 - Sphinx's own name for it
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
    # docs/corpora.md is written by another page owner; its toctree entry is a glob that stays
    # quiet until the page exists
    "toc.empty_glob",
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
