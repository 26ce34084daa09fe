"""Readers: one module per kind of source, each turning it into the document model.

* :mod:`~gongkai._readers.text` — a converter's text (markdown, tab-separated, one cell per
  line …), as named layout rules;
* :mod:`~gongkai._readers.html` — HTML pages (lxml), tables with their spans expanded;
* :mod:`~gongkai._readers.docx` — Word files (python-docx), merged cells counted once;
* :mod:`~gongkai._readers.pdf` — PDFs with a text layer (pdfplumber), tables from their rules.

Each reader module has ``read(data: bytes, *, source: str = "") -> Document``.
"""

from __future__ import annotations

import os
from importlib import import_module
from typing import BinaryIO

from .._document import Document
from .._errors import ReadError

__all__ = ["EXTRAS", "read_document"]

#: the optional dependency each reader needs, and the extra that installs it
EXTRAS = {"html": ("lxml", "html"), "docx": ("docx", "docx"), "pdf": ("pdfplumber", "pdf")}


def read_document(source: str | os.PathLike[str] | bytes | BinaryIO) -> Document:
    """Any source → the document model: its format found from its content, read by its reader."""
    from .. import _sources

    data, name = _sources.load(source)
    kind = _sources.sniff(data, name)
    if kind == "text":
        from . import text

        return text.read_text(_sources.decode_text(data))
    module, extra = EXTRAS[kind]
    try:
        import_module(module)
    except ImportError:
        raise ReadError(
            f"reading {kind.upper()} needs an optional dependency: pip install 'gongkai[{extra}]'",
            source=name,
        ) from None
    reader = import_module(f".{kind}", __name__)
    document: Document = reader.read(data, source=name)
    return document
