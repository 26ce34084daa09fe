"""The pipeline: source → reader → document → grammar → model.

:func:`read` takes a published document (HTML, Word, PDF) or a converter's text, finds its
format from its content and hands it to the reader for it (:mod:`gongkai._readers`);
:func:`parse` takes text; both go on through :func:`parse_document`: the grammar
(:mod:`gongkai._grammar`) and the model (:mod:`gongkai._build`).
"""

from __future__ import annotations

import os
from typing import BinaryIO

from ._build import build_report
from ._document import Document, Prose, Row
from ._errors import ParseError, VariantError
from ._grammar import GrammarFailure, line_of, parse_blocks
from ._model import Report
from ._readers import text as text_reader
from ._variants import detect_variant, get_variant

__all__ = ["parse", "parse_document", "read"]

_SECTION_HEADINGS = (
    "一、总体情况",
    "二、主动公开政府信息情况",
    "三、收到和处理政府信息公开申请情况",
    "四、政府信息公开行政复议、行政诉讼情况",
)

Source = str | os.PathLike[str] | bytes | BinaryIO


def parse(text: str | bytes, *, variant: str | None = None, strict: bool = False) -> Report:
    """Read a 政府信息公开工作年度报告 from text in any supported layout.

    ``variant`` forces an edition or regional variant by name (see :func:`gongkai.variants`);
    by default it is detected from the report's own labels.  With ``strict=True`` any deviation
    from the template raises; by default recoverable deviations become
    :attr:`Report.diagnostics` and the rest of the report is returned.

    Raises :class:`~gongkai.ParseError` when the text is not such a report.
    """
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as e:
            raise ParseError(
                f"the text is not UTF-8 ({e.reason} at byte {e.start}); gongkai.read finds the encoding"
            ) from None
    if not isinstance(text, str):
        raise ParseError(f"expected the report's text as str, got {type(text).__name__}")
    return parse_document(text_reader.read_text(text), variant=variant, strict=strict)


def read(source: Source, *, variant: str | None = None, strict: bool = False) -> Report:
    """Read a report from a published document or a text file: a path, bytes or a binary file.

    The format is found from the content: HTML, Word ``.docx``, PDF (with a text layer) or
    text in any encoding.  Raises :class:`~gongkai.ReadError` when the source cannot be read
    as a document, :class:`~gongkai.ParseError` when it is not a report.
    """
    from ._readers import read_document

    return parse_document(read_document(source), variant=variant, strict=strict)


def parse_document(document: Document, *, variant: str | None = None, strict: bool = False) -> Report:
    """The grammar and the model over a document any reader made."""
    lines = [line_of(b) for b in document.blocks]
    if variant is not None:
        try:
            v = get_variant(variant)
        except VariantError as e:
            raise ParseError(str(e)) from None
    else:
        v = detect_variant("".join(lines))
    aliases = v.aliases
    if aliases:  # other labels for the variant's rows: read as the rows they stand for
        lines = [
            line_of(b, aliases) if isinstance(b, Row) else line
            for b, line in zip(document.blocks, lines, strict=True)
        ]
    try:
        tree, skipped = parse_blocks(v, lines)
    except GrammarFailure as e:
        last = document.blocks[-1].where if document.blocks else None
        raise ParseError(
            "the text does not follow the report template",
            line=(last.line or 1) if last is not None else 1,
            expected=e.expected,
        ) from None
    report = build_report(document, tree, skipped, v)
    if not report.sections and not any(t.rows for t in report.tables.values()):
        first = document.blocks[0] if document.blocks else None
        excerpt = ""
        if isinstance(first, Prose):
            excerpt = first.raw.strip().lstrip("\ufeff").split("\n")[0].strip()[:40]
        elif first is not None:
            excerpt = first.label[:40]
        raise ParseError(
            "not a 政府信息公开工作年度报告: no section heading or table of the template found",
            line=(first.where.line or 1) if first is not None else 1,
            expected=_SECTION_HEADINGS,
            excerpt=excerpt,
        )
    if strict:
        for d in report.diagnostics:
            if d.severity != "info":
                raise ParseError(
                    d.message,
                    line=d.line or 1,
                    expected=d.expected,
                    excerpt=d.raw.strip()[:40],
                    diagnostic=d,
                )
    return report
