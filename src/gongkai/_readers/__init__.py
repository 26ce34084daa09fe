"""Readers: one module per kind of source, each turning it into the document model.

* :mod:`~gongkai._readers.text` — a converter's text (markdown, tab-separated, one cell per
  line …), as named layout rules;
* :mod:`~gongkai._readers.html` — HTML pages (lxml), tables with their spans expanded;
* :mod:`~gongkai._readers.docx` — Word files (python-docx), merged cells counted once;
* :mod:`~gongkai._readers.pdf` — PDFs with a text layer (pdfplumber), tables from their rules.

Each reader module has ``read(data: bytes, *, source: str = "") -> Document``.
"""
