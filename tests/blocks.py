"""Test-side blocks of a report: headings, paragraphs and tables with each row's kind and
variant rows, for the generators of noisy converter text (tests/noise.py, tests/test_fuzz.py).

gongkai itself renders through the document model (gongkai.to_document); these blocks carry
what the noise generators need on top (a row's kind: caption, header or data; its RowSpecs).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Literal

from attrs import frozen

from gongkai import Report, RowSpec, Table, TableSpec, Variant, get_variant
from gongkai._figures import normalize
from gongkai._render import LAYOUTS, Layout, figure_text

__all__ = ["LAYOUTS", "Heading", "Layout", "TableBlock", "TableRow", "Text", "document", "table_lines"]

_NUMERALS = "一二三四五六"


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

    ``kind`` is ``"caption"`` (table 二's 第二十条第（x）项), ``"header"`` or ``"data"``;
    ``specs`` are the variant rows whose figures ``values`` holds (empty for other kinds).
    """

    labels: tuple[str, ...]
    values: tuple[str, ...]
    kind: Literal["caption", "header", "data"] = "data"
    specs: tuple[RowSpec, ...] = ()

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
    blocks: list[Block] = []
    title = report.title
    if title is None and report.agency and report.year is not None:
        title = f"{report.agency}{report.year}年政府信息公开工作年度报告"
    if title:
        blocks.append(Heading(_one_line(title), 1))
    title_key = _key(title or "")
    for p in report.preamble:
        text = _one_line(p.text)
        # the title (or a piece of a title split over lines) is already written
        if text and not (title_key and _key(text) in title_key):
            blocks.append(Text(text))
    for number in range(1, 7):
        blocks.append(Heading(_section_heading(variant, number), 2))
        section = report.section(number)
        if section is not None:
            blocks.extend(Text(t) for t in (_one_line(p.text) for p in section.paragraphs) if t)
        spec = variant.table_in_section(number)
        if spec is not None:
            table = report.tables.get(spec.name)
            if isinstance(table, Table):
                blocks.append(_table_block(spec, table))
    return blocks


def _key(text: str) -> str:
    return "".join(normalize(text).split())


def _one_line(text: str) -> str:
    """A paragraph on one line, with no character a layout would read as a table cell."""
    return " ".join(text.replace("|", "/").split())


def _section_heading(variant: Variant, number: int) -> str:
    titles = variant.section_titles
    title = titles[number - 1] if len(titles) >= number else ""
    return f"{_NUMERALS[number - 1]}、{title}"


def _labels(spec: TableSpec) -> int:
    """How many label columns the table's data rows need."""
    return max((2 if rs.group else 1) for rs in spec.row_specs()) if spec.rows else 1


def _table_block(spec: TableSpec, table: Table) -> TableBlock:
    rows: list[TableRow] = []
    if spec.blocks:
        for blk in spec.blocks:
            caption = str(blk.get("caption", ""))
            if caption:
                rows.append(TableRow((caption,), (), "caption"))
            header = tuple(str(h) for h in blk.get("header", ()))
            if header:
                rows.append(TableRow(header, (), "header"))
            for terminal in blk.get("rows", ()):
                rows.extend(_data_rows(spec, table, spec.rows.get(str(terminal), ()), 1))
    else:
        for header in spec.header:
            rows.append(TableRow(tuple(str(h) for h in header), (), "header"))
        width = _labels(spec)
        for specs in spec.rows.values():
            rows.extend(_data_rows(spec, table, specs, width))
    return TableBlock(spec.name, tuple(rows), max((len(r.cells) for r in rows), default=0))


def _data_rows(spec: TableSpec, table: Table, specs: Sequence[RowSpec], width: int) -> list[TableRow]:
    if not specs:
        return []
    values: list[str] = []
    for rs in specs:
        row = table.get(rs.row)
        for col in rs.columns:
            values.append(figure_text(row.get(col) if row is not None else None, rs))
    if len(specs) > 1:
        # several rows in one printed row (table 四): figures only, labelled by the header rows
        return [TableRow((), tuple(values), "data", tuple(specs))]
    rs = specs[0]
    own: tuple[str, ...] = (rs.group, rs.label) if rs.group else (rs.label,)
    labels = ("",) * (width - len(own)) + own
    return [TableRow(labels, tuple(values), "data", tuple(specs))]
