"""Model stage: the grammar's parse tree over a document → a :class:`~gongkai.Report`.

The tree says which block is which section, paragraph or row; the variant's data says what a
row means (its record key and columns) and which table a row belongs to; this module places
each row's cells into columns (:mod:`gongkai._place`), reads the figures
(:func:`gongkai._figures.read_value`) and records every deviation as a
:class:`~gongkai.Diagnostic`.  Nothing here names a section, table or row of the template: a
variant that adds one is modelled like the others.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

import attrs
from lark import Token, Tree

from ._document import Block, Cell, Document, Prose, Row, Where
from ._errors import Diagnostic, Severity
from ._figures import cell_text, classify, read_value
from ._grammar import Skipped
from ._model import Coverage, Figure, Paragraph, Report, Section, Table
from ._model import Row as ModelRow
from ._place import Placement, place
from ._variants import RowSpec, TableSpec, Variant

__all__ = ["build_report"]

# a table with this many rows whose cells the text lost or merged has lost its grid
_GRID_LOST_ROWS = 2
_SECTION_RULE = re.compile(r"^(?:headless|section)(\d+)$")
_TITLE_END = re.compile(r"政府信息公开[^。，,]{0,8}(?:年度报告|年报)$")
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年度?")
_TITLE_SUFFIX = re.compile(r"(?:关于)?(?:的)?政府信息公开[^。，,]{0,8}(?:年度报告|年报)$")
_HEADING_NUMBER = re.compile(r"^\s*#*\s*[一二三四五六七八九十\d]{1,2}\s*[、.．:：]?\s*")
# a line break inside a cell: an HTML break a converter kept, or a line end
_LINE_BREAK = re.compile(r"<\s*br\s*/?\s*>|\n", re.I)
_MD_MARKS = re.compile(r"^\s*#{1,6}\s*|\[bookmark:[^\]]*\]")


def _short(name: str) -> str:
    """A rule or terminal name without the namespace a variant's ``%import`` gives it."""
    return name.rpartition("__")[2]


def _clean(raw: str) -> str:
    """A prose line as printed, without markdown marks, artefacts and surrounding space."""
    text = _MD_MARKS.sub("", raw).strip()
    if text.startswith("**") and text.endswith("**") and len(text) > 4:
        text = text[2:-2].strip()
    return " ".join(text.split())


def _tokens(tree: Tree[Token] | Token) -> Iterator[Token]:
    if isinstance(tree, Token):
        yield tree
        return
    for child in tree.children:
        yield from _tokens(child)


class _Builder:
    """The state of one report being built: its document, variant and diagnostics."""

    def __init__(self, document: Document, variant: Variant) -> None:
        self.blocks = document.blocks
        self.variant = variant
        self.diags: list[Diagnostic] = list(document.diagnostics)
        # which table a row terminal belongs to
        self.owner: dict[str, TableSpec] = {t: spec for spec in variant.tables for t in spec.rows}
        # per table: the first and last block of its rows, and how many rows lost their grid
        self.spans: dict[str, tuple[int, int]] = {}
        self.broken: dict[str, int] = {}

    def block(self, token: Token) -> Block:
        return self.blocks[(token.line or 1) - 1]

    def note(self, code: str, message: str, where: Where | None, severity: Severity, **kw: object) -> None:
        line = where.line if where is not None else None
        self.diags.append(Diagnostic(code, message, line, severity, where=where, **kw))  # type: ignore[arg-type]

    # ------------------------------------------------------------------------------ prose
    def paragraphs(self, tokens: Sequence[Token], place_name: str) -> list[Paragraph]:
        out: list[Paragraph] = []
        for tok in tokens:
            block = self.block(tok)
            if isinstance(block, Row):
                text = "\t".join(c.raw.strip() for c in (*block.labels, *block.values))
                out.append(Paragraph(text, block.where.line, where=block.where))
                has_figures = any(classify(c.text) in ("number", "numbers") for c in block.values)
                self.note(
                    "stray-row",
                    f"table row outside the tables in {place_name}: {block.label or text}"[:120],
                    block.where,
                    "warning" if has_figures else "info",
                    raw=text,
                )
            elif block.lines:  # a block of prose lines read as one token: a paragraph per line
                out.extend(Paragraph(_clean(c.raw), c.where.line, where=c.where) for c in block.lines)
            else:
                item = _short(tok.type) == "SUBITEM"
                out.append(
                    Paragraph(_clean(block.raw) or block.text, block.where.line, item, where=block.where)
                )
        return out

    # ------------------------------------------------------------------------------ tables
    def table(self, spec: TableSpec, tokens: Sequence[Token], heads: Sequence[Token]) -> Table:
        # the rows in the order of the variant, a terminal's lines joined (table 四's figures
        # may stand in one row or several)
        found: dict[str, list[Row]] = {}
        for tok in tokens:
            block = self.block(tok)
            assert isinstance(block, Row)
            found.setdefault(_short(tok.type), []).append(block)
        present = [t for t in spec.rows if t in found]
        widths = [sum(len(rs.columns) for rs in spec.rows[t]) for t in present]
        rows: list[Row] = []
        for t, width in zip(present, widths, strict=True):
            parts = found[t]
            if len(parts) == 1:
                rows.append(parts[0])
                continue
            # a row printed over several lines: its parts joined while they fit the row; a
            # part past that (a stray line the grammar took for one) is set aside, not placed
            joined = [parts[0]]
            for k, part in enumerate(parts[1:], 1):
                if len(joined) == k and sum(len(r.values) for r in joined) + len(part.values) <= width:
                    joined.append(part)  # (the parts next to each other, none set aside before)
                else:
                    self.note(
                        "extra-cells",
                        f"a line of {len(part.values)} cells after the row {parts[0].label or spec.title!r}, "
                        f"whose {width} cells are already there; set aside: "
                        + ", ".join(repr(c.raw.strip()) for c in part.values),
                        part.where,
                        "error",
                        raw=" ".join(c.raw for c in part.values),
                    )
            rows.append(
                Row(
                    parts[0].labels,
                    tuple(c for r in joined for c in r.values),
                    parts[0].where,
                    grid=all(r.grid for r in joined),
                    table=parts[0].table,
                    loses_blanks=any(r.loses_blanks for r in joined),
                )
            )
        header = [b for b in (self.block(h) for h in heads) if isinstance(b, Row)]
        placements = place(rows, widths, label_columns=spec.label_columns, pads=spec.pads, header=header)
        model_rows: list[ModelRow] = []
        read = 0
        broken = 0  # rows whose cells the text lost or merged
        for t, row, p, width in zip(present, rows, placements, widths, strict=True):
            # a row from text that drops blank cells is placed only at exactly its width
            columns_lost = row.loses_blanks and len(row.values) != width
            lost = False
            if columns_lost:
                self.columns_lost(row, width)
            elif p.extra or p.doubtful or any(c is None for c in p.cells):
                lost = self.placement_notes(row, p, width)
            merged = self.figures_in_label(row)
            broken += lost or merged
            doubtful = p.doubtful or merged
            cells: list[Cell | None] = [None] * width if columns_lost else list(p.cells)
            for rs in spec.rows[t]:
                own, cells = cells[: len(rs.columns)], cells[len(rs.columns) :]
                figures = tuple(
                    [
                        Figure(column, None, "", row.where.line, "unreadable", where=row.where)
                        if columns_lost
                        else self.figure(rs, column, cell, row, doubtful)
                        for column, cell in zip(rs.columns, own, strict=True)
                    ]
                )
                read += sum([c is not None and not c.pad for c in own])
                label = self.row_label(row, rs, len(spec.rows[t]))
                model_rows.append(ModelRow(rs.row, label, row.where.line, figures, where=row.where))
                self.alias_note(rs, row)
        expected = sum(len(rs.columns) for rs in spec.row_specs())
        first = rows[0].where if rows else (self.block(heads[0]).where if heads else None)
        indices = [(t.line or 1) - 1 for t in tokens]
        self.spans[spec.name] = (min(indices), max(indices)) if indices else (-1, -1)
        self.broken[spec.name] = broken
        return Table(
            spec.name,
            spec.title,
            first.line if first is not None else None,
            tuple(model_rows),
            spec.prefix,
            Coverage(expected, read),
            where=first,
        )

    def figures_in_label(self, row: Row) -> bool:
        """Whether a label cell of ``row`` holds figures on lines of their own (``行政许可<br>2293``):
        the text has merged the row's cells, so none of its figures can be placed with
        certainty (an error; the row's figures are doubtful)."""
        numbers = [
            piece.strip()
            for c in row.labels
            if "<" in c.raw or "\n" in c.raw
            for piece in _LINE_BREAK.split(c.raw)[1:]
            if classify(cell_text(piece)) == "number"
        ]
        if numbers:
            self.note(
                "figures-in-label",
                f"row {row.label[:40]!r}: its label cell holds figures ({', '.join(numbers[:10])}): "
                "the text has merged the row's cells, its figures are doubtful; read the published "
                "document with gongkai.read",
                row.where,
                "error",
                raw=" | ".join(c.raw for c in (*row.labels, *row.values)),
            )
        return bool(numbers)

    def row_label(self, row: Row, rs: RowSpec, shared: int) -> str:
        if shared > 1:  # several rows of the template in one printed row (table 四)
            return rs.label
        return row.label.replace("|", " ") or rs.label

    def alias_note(self, rs: RowSpec, row: Row) -> None:
        label = row.label
        for alias in rs.aliases:
            if alias in label and rs.label.replace("（", "(").replace("）", ")") not in label:
                self.note(
                    "label-variant",
                    f"row {rs.row!r} printed as {alias!r} (the template's label: {rs.label})",
                    row.where,
                    "info",
                    raw=label,
                )
                return

    def figure(self, rs: RowSpec, column: str, cell: Cell | None, row: Row, doubtful: bool) -> Figure:
        if cell is None:  # a cell the row does not have (merged cells left out)
            return Figure(column, None, "", row.where.line, "blank", where=row.where, doubtful=doubtful)
        if cell.pad:
            return Figure(column, None, "", cell.where.line, "blank", where=cell.where, doubtful=doubtful)
        value, kind = read_value(cell.text, money=column in rs.money)
        if kind == "unreadable":
            fused = classify(cell.text) == "numbers"
            self.note(
                "fused-figures" if fused else "unreadable-cell",
                (
                    f"cell {rs.row}.{column} holds more than one number: {cell.raw.strip()!r}; not read"
                    if fused
                    else f"cell {rs.row}.{column} is not a figure: {cell.raw.strip()[:60]!r}"
                ),
                cell.where,
                "warning",
                raw=cell.raw,
            )
        return Figure(
            column, value, cell.raw.strip(), cell.where.line, kind, where=cell.where, doubtful=doubtful
        )

    def columns_lost(self, row: Row, width: int) -> None:
        label = row.label or "(no label)"
        self.note(
            "columns-lost",
            f"row {label!r} has {len(row.values)} figures for its {width} columns: the text has "
            "lost the table's columns (a blank cell leaves no trace between spaces), so none of "
            "its figures is placed; read the published document itself: gongkai.read(<the PDF>)",
            row.where,
            "error",
            raw=" ".join(c.raw for c in row.values),
        )

    def placement_notes(self, row: Row, p: Placement, width: int) -> bool:
        """Diagnostics for a row that did not fit its columns as printed; whether the text lost
        or added cells there (cells set aside, or cells missing from a row with no figure)."""
        label = row.label or "(no label)"
        lost = bool(p.extra)
        missing = sum(1 for c in p.cells if c is None)
        if missing:
            # a document's grid says where its merged cells stand, and a text row's figures
            # say where its lost cells were; a text row that lost cells and shows no figure at
            # all says nothing: its blanks may stand for figures the text lost (PDF text)
            unsure = not row.grid and not any(c is not None and c.text for c in p.cells)
            lost = lost or unsure
            self.note(
                "cell-count",
                f"row {label!r} has {width - missing} of {width} cells; the missing ones are read as blank"
                + (
                    ": the row shows no figure, so they may be figures the text lost — "
                    "check the row in the source"
                    if unsure
                    else " (merged cells left out)"
                ),
                row.where,
                "warning" if unsure else "info",
                raw=" | ".join(c.raw for c in row.values),
            )
        if p.extra:
            self.note(
                "extra-cells",
                f"row {label!r} has more cells than its {width} columns; set aside: "
                + ", ".join(repr(c.raw.strip()) for c in p.extra),
                p.extra[0].where,
                "error",
                raw=" ".join(c.raw for c in p.extra),
            )
        if p.doubtful:
            alternatives = "; ".join(
                "[" + ", ".join("·" if c is None else (c.text or "blank") for c in alt) + "]"
                for alt in p.alternatives
            )
            chosen = "[" + ", ".join("·" if c is None else (c.text or "blank") for c in p.cells) + "]"
            self.note(
                "ambiguous-columns",
                f"row {label!r}: its cells fit more than one placement; read as {chosen}"
                + (f", could also be {alternatives}" if alternatives else "")
                + (f" ({p.reason})" if p.reason else ""),
                row.where,
                "warning",
                raw=" | ".join(c.raw for c in row.values),
            )
        return lost

    def grid_lost(self, table: Table, broken: int) -> Table:
        """``table`` with every figure doubtful, and an error: the text lost the table's columns."""
        self.note(
            "table-not-read",
            f"table {table.title}: {broken} of its rows lost their columns in this text (figures "
            "inside labels, cells lost or set aside, rows skipped with their figures): none of its "
            "figures can be placed with certainty, all are marked doubtful; read the published "
            "document with gongkai.read",
            table.where,
            "error",
        )
        rows = tuple(
            attrs.evolve(r, figures=tuple(attrs.evolve(f, doubtful=True) for f in r.figures))
            for r in table.rows
        )
        return attrs.evolve(table, rows=rows)

    def skipped(self, s: Skipped) -> None:
        block = self.blocks[s.index]
        expected = self.expected_names(s.expected)
        if isinstance(block, Row):
            message = f"row not expected here, skipped: {block.label[:60]!r}"
            figures = ", ".join(c.text for c in block.values if c.text)
            severity: Severity = "warning"
            if figures:
                message = f"{message} (its figures: {figures[:200]})"
                severity = "error"
            raw = "\t".join(c.raw for c in (*block.labels, *block.values))
        else:
            message = f"line not expected here, skipped: {block.text[:60]!r}"
            severity = "warning"
            raw = block.raw
        self.note("unexpected-line", message, block.where, severity, raw=raw, expected=expected)

    def expected_names(self, expected: Sequence[str]) -> tuple[str, ...]:
        names: list[str] = []
        for e in expected:
            short = _short(e)
            if short in ("TEXT", "ROW", "$END"):
                continue
            spec = self.owner.get(short)
            if spec is not None:
                rs = spec.rows[short][0]
                names.append(rs.group + rs.label if rs.group else rs.label)
            elif short.startswith("SEC") and short[3:].isdigit():
                names.append(self.variant.section_heading(int(short[3:])))
            else:
                names.append(short)
        return tuple(dict.fromkeys(names))


def build_report(
    document: Document, tree: Tree[Token], skipped: Sequence[Skipped], variant: Variant
) -> Report:
    """Turn the parse tree of ``document`` into a report of ``variant``."""
    b = _Builder(document, variant)
    sections: list[Section] = []
    tables: dict[str, Table] = {}
    preamble: list[Paragraph] = []
    headings_found: set[int] = set()

    for sub in tree.children:
        if not isinstance(sub, Tree):
            continue
        name = _short(str(sub.data))
        if name == "preamble":
            preamble = b.paragraphs(list(_tokens(sub)), "the preamble")
            continue
        m = _SECTION_RULE.match(name)
        if m is None:
            continue
        number = int(m.group(1))
        children = list(sub.children)
        if not children:
            b.note(
                "missing-section",
                f"section {number} ({variant.section_heading(number)}) not found",
                None,
                "warning",
                expected=(variant.section_heading(number),),
            )
            continue
        head: Token | None = None
        if isinstance(children[0], Token) and _short(children[0].type).startswith("SEC"):
            head = children[0]
            children = children[1:]
            headings_found.add(number)
        paragraphs: list[Paragraph] = []
        table_tokens: dict[str, list[Token]] = {}
        heads: dict[str, list[Token]] = {}
        for part in children:
            tokens = list(_tokens(part))
            if isinstance(part, Tree) and _short(str(part.data)).startswith("prose"):
                paragraphs.extend(b.paragraphs(tokens, f"section {number}"))
                continue
            # a table's subtree: its rows go to the tables that own them, its header lines to
            # the table most of its rows belong to
            owners = [b.owner[_short(t.type)].name for t in tokens if _short(t.type) in b.owner]
            main = max(set(owners), key=owners.count) if owners else None
            if main is None:
                spec = variant.table_in_section(number)
                main = spec.name if spec is not None else None
            for t in tokens:
                spec = b.owner.get(_short(t.type))
                if spec is not None:
                    table_tokens.setdefault(spec.name, []).append(t)
                elif main is not None:
                    heads.setdefault(main, []).append(t)
        here: list[Table] = []
        for name_ in dict.fromkeys([*table_tokens, *heads]):
            spec = variant.table(name_)
            if spec is not None:
                tables[name_] = b.table(spec, table_tokens.get(name_, []), heads.get(name_, []))
                here.append(tables[name_])
        if head is None:
            first = here[0].where if here else None
            b.note(
                "missing-heading",
                f"section {number} has its table but no heading ({variant.section_heading(number)})",
                first,
                "warning",
                expected=(variant.section_heading(number),),
            )
            continue
        hb = b.block(head)
        heading = _clean(hb.raw) if isinstance(hb, Prose) else hb.label
        hm = _HEADING_NUMBER.match(heading)
        title = (heading[hm.end() :] if hm else heading) or heading
        sections.append(Section(number, title, hb.where.line, tuple(paragraphs)))

    ordered: dict[str, Table] = {}
    for spec in variant.tables:
        table = tables.get(spec.name)
        if table is None:
            b.note(
                "missing-table",
                f"table {variant.section_heading(spec.section).split('、')[0]} ({spec.title}) not found",
                None,
                "warning",
            )
            if spec.section in headings_found:
                b.note(
                    "table-not-read",
                    f"section {variant.section_heading(spec.section)} is there but its table was not read: "
                    "the text may have lost the table's columns (PDF or plain-text conversion); "
                    "read the published document itself with gongkai.read",
                    None,
                    "error",
                )
            continue
        ordered[spec.name] = table
        if table.coverage is not None and table.coverage.read == 0:
            b.note(
                "table-not-read",
                f"table {spec.title} was found but none of its {table.coverage.expected} figures was read",
                table.where,
                "error",
            )
    for s in skipped:
        b.skipped(s)
        block = b.blocks[s.index]
        if isinstance(block, Row) and any(c.text for c in block.values):
            for name, (lo, hi) in b.spans.items():
                if lo < s.index < hi:
                    b.broken[name] += 1
    for name, table in ordered.items():
        if b.broken.get(name, 0) >= _GRID_LOST_ROWS:
            ordered[name] = b.grid_lost(table, b.broken[name])

    report_title, agency, year = _title(preamble)
    if report_title is None:
        b.note("missing-title", "no report title (…政府信息公开工作年度报告) found", Where(line=1), "info")
    diags = sorted(b.diags, key=lambda d: (d.line is None, d.line or 0))
    return Report(
        title=report_title,
        agency=agency,
        year=year,
        edition=variant.edition,
        layout=document.layout,
        sections=tuple(sections),
        tables=ordered,
        diagnostics=tuple(diags),
        preamble=tuple(preamble),
        variant=variant.name,
        reader=document.reader,
    )


def _title(preamble: Sequence[Paragraph]) -> tuple[str | None, str | None, int | None]:
    texts = [p.text.strip() for p in preamble]
    candidates = [i for i, t in enumerate(texts) if len(t) <= 60 and _TITLE_END.search(t)]
    if not candidates:
        candidates = [i for i, t in enumerate(texts) if len(t) <= 60 and "年度报告" in t]
    # A whole title (year and agency on the line) wins over a bare "政府信息公开年报" crumb.
    for i in candidates:
        if _YEAR.search(texts[i]) and _agency(texts[i]):
            return _title_parts(texts[i])
    for i in candidates:
        # A title split over lines: "2021年定海区…中心" / "政府信息公开工作年度报告".
        title = texts[i]
        j = i
        while j > 0 and len(texts[j - 1]) <= 30 and "。" not in texts[j - 1]:
            j -= 1
            title = texts[j] + title
            if _YEAR.search(title) and _agency(title):
                return _title_parts(title)
    return None, None, None


def _title_parts(title: str) -> tuple[str, str | None, int | None]:
    m = _YEAR.search(title)
    return title, _agency(title), int(m.group(1)) if m else None


def _agency(title: str) -> str | None:
    text = _YEAR.sub("", title, count=1)
    text = _TITLE_SUFFIX.sub("", text).strip(' 《》"“”')
    return text or None
