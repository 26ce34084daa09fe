"""Test-side blocks of a report: headings, paragraphs and tables with each row's kind, for the
generators of noisy converter text (tests/noise.py, tests/test_fuzz.py).

They are gongkai's own document model of the report (:func:`gongkai.to_document`, what
:func:`gongkai.render` writes), regrouped: a table's rows as one block, each row told a caption,
a header or a data row, its cells as text.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

from attrs import frozen

from gongkai import Report, TableSpec, get_variant, to_document
from gongkai._document import Prose, Row
from gongkai._render import LAYOUTS, Layout

__all__ = ["LAYOUTS", "Heading", "Layout", "TableBlock", "TableRow", "Text", "document", "table_lines"]


@frozen
class Heading:
    """A heading line: the report title (``level`` 1) or a section heading (``level`` 2)."""

    text: str
    level: int


@frozen
class Text:
    """A prose paragraph (one line)."""

    text: str


@frozen
class TableRow:
    """One table row as cells: label cells (left-padded to the table's label columns), values.

    ``kind`` is ``"caption"`` (table 二's 第二十条第（x）项), ``"header"`` or ``"data"``.
    """

    labels: tuple[str, ...]
    values: tuple[str, ...]
    kind: Literal["caption", "header", "data"] = "data"

    @property
    def cells(self) -> tuple[str, ...]:
        """All the row's cells, labels first."""
        return self.labels + self.values


@frozen
class TableBlock:
    """A table: its rows and its width (the number of cells of its widest row)."""

    name: str
    rows: tuple[TableRow, ...]
    width: int


Block = Heading | Text | TableBlock


def table_lines(block: TableBlock, layout: Layout) -> Iterator[str]:
    if layout == "markdown":
        yield "|" + " |" * block.width
        yield "|" + " --- |" * block.width
        for row in block.rows:
            cells = list(row.cells) + [""] * (block.width - len(row.cells))
            yield "| " + " | ".join(cells) + " |"
        yield ""
    elif layout == "tab-separated":
        for row in block.rows:
            yield "\t".join(row.cells)
        yield ""
    else:
        for row in block.rows:
            for cell in row.cells:
                yield "\t" + cell
            yield ""
        yield ""


def document(report: Report) -> list[Block]:
    """The report as layout-independent blocks: title, headings, paragraphs, tables."""
    variant = get_variant(report.variant or report.edition)
    # to_document numbers the report's tables in printed order, sections first
    specs = [
        spec
        for number in range(1, len(variant.section_titles) + 1)
        for spec in variant.tables_in_section(number)
        if report.tables.get(spec.name) is not None
    ]
    blocks: list[Block] = []
    rows: list[Row] = []
    for item in (*to_document(report).blocks, None):
        if rows and not (isinstance(item, Row) and item.table == rows[0].table):
            blocks.append(_table_block(specs[(rows[0].table or 0) - 1], rows))
            rows = []
        if isinstance(item, Row):
            rows.append(item)
        elif isinstance(item, Prose):
            blocks.append(Heading(item.raw, item.level) if item.level else Text(item.raw))
    return blocks


def _table_block(spec: TableSpec, rows: list[Row]) -> TableBlock:
    captions = {(str(blk["caption"]),) for blk in spec.blocks if blk.get("caption")}
    table_rows = []
    for row in rows:
        labels = tuple(c.raw for c in row.labels)
        values = tuple(c.raw for c in row.values)
        kind: Literal["caption", "header", "data"] = (
            "data" if values else "caption" if labels in captions else "header"
        )
        table_rows.append(TableRow(labels, values, kind))
    return TableBlock(spec.name, tuple(table_rows), max((len(r.cells) for r in table_rows), default=0))
