"""Writing a report back as text: :func:`render`, the inverse of :func:`gongkai.parse`.

A :class:`~gongkai.Report` is first turned into the document model (:func:`to_document`: the
title, the section headings, paragraphs and table rows of its variant), then written in one of
the layouts the text reader reads (see ``docs/layouts.md``):

* ``"markdown"`` – ``#`` headings and pipe tables (an empty header row, a ``| --- |`` rule, and
  every row padded to the table's width, as markitdown writes them);
* ``"tab-separated"`` – one table row per line, cells between TABs;
* ``"cell-per-line"`` – each cell on its own TAB-led line, an empty line after each row.

Labels, captions, header rows, sections and the order of rows come from the report's variant,
never from this module, so every registered variant renders — a table or row it adds included.
``parse(render(report, layout))`` gives back the report's figures, title, agency and year.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from decimal import Decimal
from typing import Literal, get_args

from ._document import Cell, Document, Prose, Row, Where
from ._figures import cell_text as normalise_cell
from ._figures import normalize, read_value
from ._model import Figure, Report, Table
from ._variants import RowSpec, TableSpec, get_variant

__all__ = ["LAYOUTS", "Layout", "figure_text", "render", "to_document"]

Layout = Literal["markdown", "tab-separated", "cell-per-line"]
#: The layouts :func:`render` writes.
LAYOUTS: tuple[Layout, ...] = get_args(Layout)

_NOWHERE = Where()


def render(report: Report, layout: Layout = "markdown") -> str:
    """Write ``report`` as text in ``layout`` (one of :data:`LAYOUTS`).

    The title line, the section headings of the report's variant, the prose of each section and
    the variant's tables are written; each figure as printed (:attr:`Figure.raw`) when that
    reads back to the same value, else its value; a blank, unreadable or missing figure as an
    empty cell.  The text ends with a newline.  Raises ``ValueError`` for an unknown layout.
    """
    if layout not in LAYOUTS:
        raise ValueError(f"unknown layout {layout!r}; known layouts: {', '.join(LAYOUTS)}")
    return write(to_document(report), layout)


def write(document: Document, layout: Layout) -> str:
    """A document written as text in ``layout``."""
    out: list[str] = []
    blocks = list(document.blocks)
    i = 0
    while i < len(blocks):
        block = blocks[i]
        if isinstance(block, Prose):
            mark = "#" * block.level + " " if layout == "markdown" and block.level else ""
            out.extend((mark + block.text, ""))
            i += 1
            continue
        j = i
        while j < len(blocks) and isinstance(blocks[j], Row) and blocks[j].table == block.table:  # type: ignore[union-attr]
            j += 1
        out.extend(_table_lines([b for b in blocks[i:j] if isinstance(b, Row)], layout))
        i = j
    while out and not out[-1]:
        out.pop()
    return "\n".join(out) + "\n"


def _table_lines(rows: Sequence[Row], layout: Layout) -> Iterator[str]:
    texts = [[c.raw for c in (*r.labels, *r.values)] for r in rows]
    width = max((len(t) for t in texts), default=0)
    if layout == "markdown":
        yield "|" + " |" * width
        yield "|" + " --- |" * width
        for cells in texts:
            cells = cells + [""] * (width - len(cells))
            yield "| " + " | ".join(cells) + " |"
        yield ""
    elif layout == "tab-separated":
        for cells in texts:
            yield "\t".join(cells)
        yield ""
    else:
        for cells in texts:
            for cell in cells:
                yield "\t" + cell
            yield ""
        yield ""


def to_document(report: Report) -> Document:
    """The report in the document model: title, section headings, paragraphs, table rows."""
    variant = get_variant(report.variant or report.edition)
    blocks: list[Prose | Row] = []
    title = report.title
    if title is None and report.agency and report.year is not None:
        title = f"{report.agency}{report.year}年政府信息公开工作年度报告"
    if title:
        blocks.append(_prose(title, 1))
    title_key = _key(title or "")
    for p in report.preamble:
        text = _one_line(p.text)
        # the title (or a piece of a title split over lines) is already written
        if text and not (title_key and _key(text) in title_key):
            blocks.append(_prose(text))
    table_number = 0
    for number in range(1, len(variant.section_titles) + 1):
        blocks.append(_prose(variant.section_heading(number), 2))
        section = report.section(number)
        if section is not None:
            blocks.extend(_prose(t) for t in (_one_line(p.text) for p in section.paragraphs) if t)
        for spec in variant.tables_in_section(number):
            table = report.tables.get(spec.name)
            if table is not None:
                table_number += 1
                blocks.extend(_table_rows(spec, table, table_number))
    return Document(tuple(blocks), reader="render")


def _prose(text: str, level: int = 0) -> Prose:
    return Prose(normalize(text), text, _NOWHERE, level=level)


def _cell(text: str) -> Cell:
    return Cell(normalise_cell(text), text, _NOWHERE)


def _row(labels: Sequence[str], values: Sequence[str], table: int) -> Row:
    return Row(tuple(_cell(t) for t in labels), tuple(_cell(t) for t in values), _NOWHERE, table=table)


def _key(text: str) -> str:
    return "".join(normalize(text).split())


def _one_line(text: str) -> str:
    """A paragraph on one line, with no character a layout would read as a table cell."""
    return " ".join(text.replace("|", "/").split())


def figure_text(figure: Figure | None, spec: RowSpec | None = None) -> str:
    """The text a figure is written as: its raw text if that reads back to its value, else its
    value; an empty string for a blank, unreadable or missing figure."""
    if figure is None or (figure.value is None and figure.kind != "not_applicable"):
        return ""
    money = spec is not None and figure.column in spec.money
    raw = figure.raw.strip()
    if raw and not any(ch in raw for ch in "\t\n\r|"):
        value, kind = read_value(normalise_cell(raw), money=money)
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


def _table_rows(spec: TableSpec, table: Table, number: int) -> list[Row]:
    rows: list[Row] = []
    if spec.blocks:
        for blk in spec.blocks:
            caption = str(blk.get("caption", ""))
            if caption:
                rows.append(_row((caption,), (), number))
            header = tuple(str(h) for h in blk.get("header", ()))
            if header:
                rows.append(_row(header, (), number))
            for terminal in blk.get("rows", ()):
                rows.extend(_data_rows(spec, table, spec.rows.get(str(terminal), ()), 1, number))
    else:
        for header in spec.header:
            rows.append(_row(tuple(str(h) for h in header), (), number))
        for specs in spec.rows.values():
            # as many label cells as the widest label (a group and its row): what reads back
            width = max((2 if rs.group else 1) for rs in spec.row_specs())
            rows.extend(_data_rows(spec, table, specs, width, number))
    return rows


def _data_rows(spec: TableSpec, table: Table, specs: Sequence[RowSpec], width: int, number: int) -> list[Row]:
    if not specs:
        return []
    values: list[str] = []
    for rs in specs:
        row = table.get(rs.row)
        for col in rs.columns:
            values.append(figure_text(row.get(col) if row is not None else None, rs))
    if len(specs) > 1:
        # several rows in one printed row (table 四): figures only, labelled by the header rows
        return [_row((), values, number)]
    rs = specs[0]
    own: tuple[str, ...] = (rs.group, rs.label) if rs.group else (rs.label,)
    labels = ("",) * (width - len(own)) + own
    return [_row(labels, values, number)]
