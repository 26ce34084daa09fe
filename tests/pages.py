"""Tests-side writers of published documents: a generated report laid out the way real pages
and Word files lay it out, then written as HTML (by hand) or DOCX (python-docx).

:func:`layouts` draws a :class:`Page` — the report's prose and its tables as grids of cells with
colspans and rowspans — from a :class:`~gongkai.Report`: label cells merged over their rows
(``三、本年度办理结果`` over the rows of the results, ``（三）不予公开`` over its eight), label
areas and figure columns of random widths (every header cell spans the columns under it), table
四's header rows with their spans and its 15 figures in one row, captions of table 二 across the
table or not, blank figures as empty cells.  :func:`to_html` and :func:`to_docx` write a page.
"""

from __future__ import annotations

import html
import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from hypothesis import strategies as st

from gongkai import Report
from gongkai._figures import cell_text, classify
from gongkai._render import figure_text, to_document
from gongkai._variants import TableSpec, get_variant

__all__ = ["Page", "PageCell", "PageTable", "layouts", "plain_layout", "to_docx", "to_html"]

_TOP = re.compile(r"^[一二三四五六七八九十]+、")  # 一、本年新收…, 三、本年度办理结果
_ITEM = re.compile(r"^\d+[.．、]")  # 1.属于国家秘密


@dataclass
class PageCell:
    text: str
    colspan: int = 1
    rowspan: int = 1


@dataclass
class PageTable:
    rows: list[list[PageCell]]
    #: the header rows (their indices): pages write them as <th> cells, some in a <thead>
    header: tuple[int, ...] = ()


@dataclass
class Page:
    """The document: prose ``(text, heading level)`` and tables, in order."""

    blocks: list[tuple[str, int] | PageTable] = field(default_factory=list)


#: a choice among options: the first is the plainest (what :func:`plain_layout` takes)
Pick = Callable[[Sequence[Any]], Any]


def _spans(pick: Pick, n: int) -> list[int]:
    """How many grid columns each of ``n`` figure columns spans (mostly one)."""
    return [pick((1, 1, 1, 2)) for _ in range(n)]


def _blocks_table(pick: Pick, spec: TableSpec, report: Report) -> list[PageTable]:
    """Table 二: captioned blocks, each with its header row; a block with fewer figure columns
    than the table stretches its last cell over the rest.  Some pages print each block as a
    table of its own."""
    table = report.tables[spec.name]
    n = max(len(spec.rows[str(t)][0].columns) for b in spec.blocks for t in b["rows"])
    label = pick((1, 1, 2))
    spans = _spans(pick, n)
    width = label + sum(spans)
    full_captions = pick((True, False))
    split = pick((False, True))

    def cells(texts: list[str]) -> list[PageCell]:
        out = [PageCell(texts[0], label)]
        for i, text in enumerate(texts[1:]):
            last = i == len(texts) - 2
            out.append(PageCell(text, sum(spans[i:]) if last else spans[i]))
        return out

    tables: list[PageTable] = []
    for blk in spec.blocks:
        if split or not tables:
            tables.append(PageTable([]))
        rows = tables[-1].rows
        rows.append([PageCell(str(blk["caption"]), width if full_captions else 1)])
        tables[-1].header += (len(rows),)
        rows.append(cells([str(h) for h in blk["header"]]))
        for terminal in blk["rows"]:
            for rs in spec.rows[str(terminal)]:
                row = table.get(rs.row)
                values = [figure_text(row.get(c) if row else None, rs) for c in rs.columns]
                rows.append(cells([rs.label, *values]))
    return tables


def _requests_table(pick: Pick, spec: TableSpec, report: Report) -> PageTable:
    """Table 三: a three-row header over the applicant columns; labels in a nested area — top
    rows (一、…) across it, the results group down its first column, (三)… groups down the
    next, their items beside them."""
    table = report.tables[spec.name]
    (corner, applicants), (person, legal, total), legal_columns = spec.header
    label = pick((3, 3, 4))
    s = _spans(pick, 2 + len(legal_columns))
    rows: list[list[PageCell]] = [
        [PageCell(corner, label, 3), PageCell(applicants, sum(s))],
        [PageCell(person, s[0], 2), PageCell(legal, sum(s[1:-1])), PageCell(total, s[-1], 2)],
        [PageCell(h, w) for h, w in zip(legal_columns, s[1:-1], strict=True)],
    ]
    specs = spec.row_specs()
    # how many rows each group label covers
    outer_end = {}  # first row of the results group → its row count
    inner_end = {}
    for i, rs in enumerate(specs):
        if rs.group and _TOP.match(rs.group):
            j = i + 1
            while j < len(specs) and not _TOP.match(specs[j].label):
                j += 1
            outer_end[i] = j - i
        group = rs.group if rs.group and not _TOP.match(rs.group) else ""
        if group:
            j = i + 1
            while j < len(specs) and not specs[j].group and _ITEM.match(specs[j].label):
                j += 1
            inner_end[i] = j - i
    in_outer = in_inner = 0
    for i, rs in enumerate(specs):
        cells: list[PageCell] = []
        if i in outer_end:
            cells.append(PageCell(rs.group, 1, outer_end[i]))
            in_outer = outer_end[i]
        if i in inner_end:
            cells.append(PageCell(rs.group, 1, inner_end[i]))
            in_inner = inner_end[i]
        used = (1 if in_outer else 0) + (1 if in_inner else 0)
        cells.append(PageCell(rs.label, label - used))
        in_outer, in_inner = max(0, in_outer - 1), max(0, in_inner - 1)
        row = table.get(rs.row)
        values = [figure_text(row.get(c) if row else None, rs) for c in rs.columns]
        cells.extend(PageCell(v, w) for v, w in zip(values, s, strict=True))
        rows.append(cells)
    return PageTable(rows, (0, 1, 2))


def _appeals_table(pick: Pick, spec: TableSpec, report: Report) -> PageTable:
    """Table 四: 行政复议 over five columns, 行政诉讼 over ten in two groups, the five result
    headings of 行政复议 down two header rows, then the 15 figures in one row."""
    table = report.tables[spec.name]
    (review, litigation), second, third = spec.header
    s = _spans(pick, 15)
    rows = [
        [PageCell(review, sum(s[:5])), PageCell(litigation, sum(s[5:]))],
        [PageCell(h, w, 2) for h, w in zip(second[:5], s[:5], strict=True)]
        + [PageCell(second[5], sum(s[5:10])), PageCell(second[6], sum(s[10:]))],
        [PageCell(h, w) for h, w in zip(third, s[5:], strict=True)],
    ]
    values = []
    for rs in spec.row_specs():
        row = table.get(rs.row)
        values.extend(figure_text(row.get(c) if row else None, rs) for c in rs.columns)
    rows.append([PageCell(v, w) for v, w in zip(values, s, strict=True)])
    return PageTable(rows, (0, 1, 2))


@st.composite
def layouts(draw: st.DrawFn, report: Report) -> Page:
    """The report laid out as a published page: its prose and headings in order, each table as
    real pages print it, with random spans."""
    return _layout(report, lambda options: draw(st.sampled_from(options)))


def plain_layout(report: Report) -> Page:
    """The report laid out as the template prints it: every choice its plainest."""
    return _layout(report, lambda options: options[0])


def _layout(report: Report, pick: Pick) -> Page:
    variant = get_variant(report.variant or report.edition)
    specs = [
        spec
        for n in range(1, len(variant.section_titles) + 1)
        for spec in variant.tables_in_section(n)
        if spec.name in report.tables
    ]
    page = Page()
    seen: set[int] = set()
    for block in to_document(report).blocks:
        if hasattr(block, "level"):
            page.blocks.append((block.raw, block.level))  # type: ignore[union-attr]
            continue
        number = block.table  # type: ignore[union-attr]
        if number in seen:
            continue
        seen.add(number)
        spec = specs[number - 1]
        if spec.blocks:
            page.blocks.extend(_blocks_table(pick, spec, report))
        elif spec.label_columns > 1:
            page.blocks.append(_requests_table(pick, spec, report))
        else:
            page.blocks.append(_appeals_table(pick, spec, report))
    return page


# ------------------------------------------------------------------------------------------ HTML


@dataclass(frozen=True)
class HtmlStyle:
    """How a page is written: old IE/Word exports write uppercase tags, cells as <p><span>,
    blank cells as &nbsp;, label cells padded with &nbsp; and broken with <br>, a last cell's
    colspan past the table's edge; some sites declare GBK, wrap the report in a layout table
    and put their navigation around it."""

    upper: bool = False
    spans: bool = False
    blank: str = ""
    gbk: bool = False
    site: bool = False
    breaks: bool = False
    padding: bool = False
    overrun: int = 0
    layout_table: bool = False
    th: bool = False
    thead: bool = False


def html_styles() -> st.SearchStrategy[HtmlStyle]:
    return st.builds(
        HtmlStyle,
        upper=st.booleans(),
        spans=st.booleans(),
        blank=st.sampled_from(("", "&nbsp;", " ", "<br>")),
        gbk=st.booleans(),
        site=st.booleans(),
        breaks=st.booleans(),
        padding=st.booleans(),
        overrun=st.sampled_from((0, 0, 1, 3)),
        layout_table=st.booleans(),
        th=st.booleans(),
        thead=st.booleans(),
    )


def to_html(page: Page, style: HtmlStyle = HtmlStyle()) -> bytes:
    """The page as HTML bytes (UTF-8, or GB18030 declared as GBK)."""

    def tag(name: str) -> str:
        return name.upper() if style.upper else name

    def cell(c: PageCell, last: bool, name: str) -> str:
        attrs = ""
        colspan = c.colspan + (style.overrun if last else 0)
        if colspan > 1:
            attrs += f' colspan="{colspan}"' if not style.upper else f" COLSPAN={colspan}"
        if c.rowspan > 1:
            attrs += f' rowspan="{c.rowspan}"' if not style.upper else f" ROWSPAN={c.rowspan}"
        text = html.escape(c.text) if c.text.strip() else style.blank
        is_label = bool(c.text.strip()) and not any(ch.isdigit() for ch in c.text)
        if is_label and style.breaks and len(c.text) >= 4:
            half = len(c.text) // 2
            text = f"{html.escape(c.text[:half])}<br>{html.escape(c.text[half:])}"
        if c.text.strip() and style.padding:
            text = f"&nbsp;{text}&nbsp; "
        if style.spans and c.text.strip():
            text = f'<{tag("p")} class="MsoNormal"><{tag("span")} lang="EN-US">{text}</{tag("span")}></{tag("p")}>'
        return f"<{tag(name)}{attrs}>{text}</{tag(name)}>"

    out = [
        "<!DOCTYPE html>",
        f"<{tag('html')}><{tag('head')}>",
        f'<meta charset="{"gbk" if style.gbk else "utf-8"}">',
        f"<title>政府信息公开</title></{tag('head')}><{tag('body')}>",
    ]
    if style.site:
        out.append('<div class="nav"><a href="/">首页</a> &gt; <a href="/zwgk">政务公开</a></div>')
    if style.layout_table:
        out.append('<table width="100%"><tr><td class="left">栏目</td><td class="main">')
    out.append('<div class="content">')
    for block in page.blocks:
        if isinstance(block, PageTable):
            out.append(f'<{tag("table")} border="1">')
            leading = block.header == tuple(range(len(block.header))) and block.header
            for r, row in enumerate(block.rows):
                if style.thead and leading and r == 0:
                    out.append(f"<{tag('thead')}>")
                if style.thead and leading and r == len(block.header):
                    out.append(f"</{tag('thead')}><{tag('tbody')}>")
                name = "th" if style.th and r in block.header else "td"
                cells = "".join(cell(c, i == len(row) - 1, name) for i, c in enumerate(row))
                out.append(f"<{tag('tr')}>{cells}</{tag('tr')}>")
            if style.thead and leading:
                out.append(f"</{tag('tbody')}>")
            out.append(f"</{tag('table')}>")
        else:
            text, level = block
            name = f"h{min(level, 6)}" if level else "p"
            out.append(f"<{tag(name)}>{html.escape(text)}</{tag(name)}>")
    out.append("</div>")
    if style.layout_table:
        out.append("</td></tr></table>")
    if style.site:
        out.append('<div class="footer">版权所有 网站标识码 3501000001</div>')
    out.append(f"</{tag('body')}></{tag('html')}>")
    return "\n".join(out).encode("gb18030" if style.gbk else "utf-8")


# ------------------------------------------------------------------------------------------ DOCX


def to_docx(page: Page, *, headings: bool = True, split_labels: bool = False) -> bytes:
    """The page as a Word file: prose as paragraphs (headings in Heading styles when
    ``headings``), each table a Word table with its spans merged (gridSpan, vMerge); with
    ``split_labels`` long header labels go on two lines (two paragraphs), as the official
    template writes ``商业`` / ``企业``."""
    import docx

    document = docx.Document()
    for block in page.blocks:
        if not isinstance(block, PageTable):
            text, level = block
            if level and headings:
                document.add_heading(text, min(level, 9))
            else:
                document.add_paragraph(text)
            continue
        width = sum(c.colspan for c in block.rows[-1])
        placed = _place(block, width)
        table = document.add_table(rows=len(block.rows), cols=width)
        # every cell once, before any merge: table.cell() walks the whole table on each call
        grid = [list(row.cells) for row in table.rows]
        for (r, c), pc in placed.items():
            target = grid[r][c]
            if pc.colspan > 1 or pc.rowspan > 1:
                target = target.merge(grid[r + pc.rowspan - 1][c + pc.colspan - 1])
            # a label, never a figure (a figure over two paragraphs is two numbers: unreadable)
            if split_labels and len(pc.text) >= 4 and classify(cell_text(pc.text)) == "text" and r < 3:
                half = len(pc.text) // 2
                target.text = pc.text[:half]
                target.add_paragraph(pc.text[half:])
            else:
                target.text = pc.text
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _place(table: PageTable, width: int) -> dict[tuple[int, int], PageCell]:
    """Each cell's top-left grid position, rowspans taken into account the way HTML does."""
    taken: set[tuple[int, int]] = set()
    placed: dict[tuple[int, int], PageCell] = {}
    for r, row in enumerate(table.rows):
        c = 0
        for cell in row:
            while (r, c) in taken:
                c += 1
            placed[(r, c)] = cell
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    taken.add((r + dr, c + dc))
            c += cell.colspan
        assert c <= width, (r, c, width)
    return placed
