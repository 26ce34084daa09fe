"""INTERIM text reader over the old layout stage (replaced by the named-rule reader)."""

from __future__ import annotations

from .._document import Cell, Document, Prose, Row, Where
from .._errors import Diagnostic
from .._figures import cell_text
from ..layout import read_lines

__all__ = ["read", "read_text"]


def read_text(text: str) -> Document:
    """A converter's text → the document model."""
    blocks: list[Prose | Row] = []
    layouts: set[str] = set()
    diags: list[Diagnostic] = []
    for ln in read_lines(text):
        where = Where(line=ln.line, end_line=ln.end_line)
        if ln.overflow:
            diags.append(
                Diagnostic(
                    "too-long",
                    f"the text goes on past {ln.line - 1} lines; lines {ln.line}–{ln.end_line} "
                    "are not read (kept whole in this diagnostic)",
                    ln.line,
                    "error",
                    raw=ln.raw,
                    where=where,
                )
            )
            continue
        if ln.layout != "text":
            layouts.add(ln.layout)
        if ln.kind == "text":
            lines = tuple(Cell(p.text, p.raw, Where(line=p.line)) for p in ln.parts)
            blocks.append(Prose(ln.text, ln.raw, where, lines))
        else:
            labels = tuple(Cell(c.text, c.raw, Where(line=c.line)) for c in ln.labels)
            values = tuple(Cell(cell_text(c.raw), c.raw, Where(line=c.line)) for c in ln.values)
            blocks.append(Row(labels, values, where, trailing=ln.raw.endswith("\t")))
    return Document(tuple(blocks), "text", "+".join(sorted(layouts)) or "text", tuple(diags))


def read(data: bytes, *, source: str = "") -> Document:
    """UTF-8 bytes → the document model."""
    return read_text(data.decode("utf-8-sig"))
