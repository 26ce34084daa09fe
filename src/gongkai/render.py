"""Writing a report back as text: :func:`render`, the inverse of :func:`gongkai.parse`.

A :class:`~gongkai.model.Report` is written as *canonical text* in one of the layouts the
layout stage reads (see ``docs/layouts.md``):

* ``"markdown"`` – ``#`` headings and pipe tables (an empty header row, a ``| --- |`` rule, and
  every row padded to the table's width, as markitdown writes them);
* ``"tab-separated"`` – one table row per line, cells between TABs;
* ``"cell-per-line"`` – each cell on its own TAB-led line, an empty line after each row.

Labels, captions, header rows and the order of rows come from the report's variant
(:func:`gongkai.variants.get_variant`), never from this module, so every registered edition
renders.  ``parse(render(report, layout))`` gives back the report's figures, title, agency and
year, and rendering that again gives the same text.

:func:`document` is the layout-independent middle step (headings, paragraphs and table rows as
cells); test code and other writers can build on it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from decimal import Decimal
from typing import Literal, get_args

from attrs import frozen

from .cells import read_value
from .layout import normalize
from .model import Figure, Report, Table
from .variants import RowSpec, TableSpec, Variant, get_variant

__all__ = [
    "LAYOUTS",
    "Heading",
    "Layout",
    "TableBlock",
    "TableRow",
    "Text",
    "cell_text",
    "document",
    "render",
]

Layout = Literal["markdown", "tab-separated", "cell-per-line"]
#: The layouts :func:`render` writes.
LAYOUTS: tuple[Layout, ...] = get_args(Layout)

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


def render(report: Report, layout: Layout = "markdown") -> str:
    """Write ``report`` as canonical text in ``layout``.

    ``layout`` is one of :data:`LAYOUTS`: ``"markdown"``, ``"tab-separated"`` or
    ``"cell-per-line"``.  The title line, the six section headings of the report's variant, the
    prose of each section and the variant's three tables are written; each figure as printed
    (:attr:`Figure.raw`) when that reads back to the same value, else its value; a blank,
    unreadable or missing figure as an empty cell.  The text ends with a newline.

    >>> text = gongkai.render(gongkai.parse(source), "tab-separated")   # doctest: +SKIP

    Raises ``ValueError`` for an unknown layout or variant.
    """
    if layout not in LAYOUTS:
        raise ValueError(f"unknown layout {layout!r}; known layouts: {', '.join(LAYOUTS)}")
    out: list[str] = []
    for block in document(report):
        if isinstance(block, Heading):
            out.append(("#" * block.level + " " if layout == "markdown" else "") + block.text)
            out.append("")
        elif isinstance(block, Text):
            out.append(block.text)
            out.append("")
        else:
            out.extend(_table_lines(block, layout))
    while out and not out[-1]:
        out.pop()
    return "\n".join(out) + "\n"


def _table_lines(block: TableBlock, layout: Layout) -> Iterator[str]:
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
            table = getattr(report, spec.name, None)
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


def cell_text(figure: Figure | None, spec: RowSpec | None = None) -> str:
    """The text a figure is written as: its raw text if that reads back to its value, else its
    value; an empty string for a blank, unreadable or missing figure."""
    if figure is None or (figure.value is None and figure.kind != "not_applicable"):
        return ""
    money = spec is not None and figure.column in spec.money
    raw = figure.raw.strip()
    if raw and not any(ch in raw for ch in "\t\n\r|"):
        value, kind = read_value("".join(normalize(raw).split()), money=money)
        if kind == figure.kind and value == figure.value and type(value) is type(figure.value):
            return raw
    if figure.value is None:
        return ""
    if isinstance(figure.value, Decimal):
        text = format(figure.value, "f")
        if not money and "." not in text:
            text += ".0"  # keeps a count printed with decimals a Decimal
        return text
    return str(figure.value)


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
            values.append(cell_text(row.get(col) if row is not None else None, rs))
    if len(specs) > 1:
        # several rows in one printed row (table 四): figures only, labelled by the header rows
        return [TableRow((), tuple(values), "data", tuple(specs))]
    rs = specs[0]
    own: tuple[str, ...] = (rs.group, rs.label) if rs.group else (rs.label,)
    labels = ("",) * (width - len(own)) + own
    return [TableRow(labels, tuple(values), "data", tuple(specs))]
