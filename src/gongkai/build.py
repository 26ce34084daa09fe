"""Model stage: the grammar's parse tree → a :class:`~gongkai.model.Report`.

The tree says which line is which row; the variant's data says what the row means; this module
places each row's cells into columns (:func:`gongkai.cells.place`), reads the figures and records
every deviation as a :class:`~gongkai.errors.Diagnostic`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from functools import cache
from typing import NamedTuple

from .cells import Placement, place, read_value
from .errors import Diagnostic
from .grammar import Node, Skipped, Tok
from .layout import Cell, Line
from .model import (
    FigureKind,
    LazyRows,
    Paragraph,
    Report,
    Section,
    Table,
    TableCells,
    TableShape,
    Value,
    table_shape,
)
from .variants import RowSpec, TableSpec, Variant

__all__ = ["build_report"]

LineOf = Callable[[Tok], Line]

_SECTION_RULES = {f"section{n}": n for n in range(1, 7)}


def _name(name: str) -> str:
    """A rule or terminal name without the namespace a variant's ``%import`` gives it."""
    short = _NAMES.get(name)
    if short is None:
        short = name.rpartition("__")[2]
        if len(_NAMES) < 4096:  # names come from the grammars: a few hundred at most
            _NAMES[name] = short
    return short


_NAMES: dict[str, str] = {}


_NUMERALS = "一二三四五六"

_TITLE_END = re.compile(r"政府信息公开[^。，,]{0,8}(?:年度报告|年报)$")
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年度?")
_TITLE_SUFFIX = re.compile(r"(?:关于)?(?:的)?政府信息公开[^。，,]{0,8}(?:年度报告|年报)$")
_HEADING_NUMBER = re.compile(r"^\s*#*\s*[一二三四五六1-6]\s*[、.．:：]?\s*")
_MD_MARKS = re.compile(r"^\s*#{1,6}\s*|\[bookmark:[^\]]*\]")


def _clean(raw: str) -> str:
    """A prose line as printed, without markdown marks, artefacts and surrounding space."""
    text = _MD_MARKS.sub("", raw).strip() if ("#" in raw or "[" in raw) else raw.strip()
    if text.startswith("**") and text.endswith("**") and len(text) > 4:
        text = text[2:-2].strip()
    return text


def build_report(lines: Sequence[Line], tree: Node, skipped: Iterable[Skipped], variant: Variant) -> Report:
    """Turn the parse tree of ``lines`` into a report of ``variant``."""
    diags: list[Diagnostic] = []
    sections: list[Section] = []
    tables: dict[str, Table] = {}
    preamble: list[Paragraph] = []

    def line_of(tok: Tok) -> Line:
        return lines[(tok.line or 1) - 1]

    for sub in tree.children:
        if not isinstance(sub, Node):
            continue
        if _name(sub.data) == "preamble":
            preamble = _prose(sub, line_of, diags, "the preamble")
            continue
        number = _SECTION_RULES.get(_name(sub.data))
        if number is None:
            continue
        if len(sub.children) == 1 and isinstance(sub.children[0], Node):
            # a table without its section heading
            spec = variant.table_in_section(number)
            table = _table(spec, sub.children[0], line_of, diags) if spec is not None else None
            if spec is not None and table is not None:
                tables[spec.name] = table
            diags.append(
                Diagnostic(
                    "missing-heading",
                    f"section {number} has its table but no heading ({_section_title(variant, number)})",
                    table.line if table is not None else None,
                    "warning",
                    expected=(_section_title(variant, number),),
                )
            )
            continue
        if not sub.children:
            diags.append(
                Diagnostic(
                    "missing-section",
                    f"section {number} ({_section_title(variant, number)}) not found",
                    None,
                    "warning",
                    expected=(_section_title(variant, number),),
                )
            )
            continue
        head = sub.children[0]
        assert isinstance(head, Tok)
        hl = line_of(head)
        paragraphs: list[Paragraph] = []
        for part in sub.children[1:]:
            if not isinstance(part, Node):
                continue
            if _name(part.data).startswith("prose"):
                paragraphs = _prose(part, line_of, diags, f"section {number}")
            else:
                spec = variant.table_in_section(number)
                if spec is not None:
                    table = _table(spec, part, line_of, diags)
                    if table is not None:
                        tables[spec.name] = table
        title = _HEADING_NUMBER.sub("", _clean(hl.raw)) or _clean(hl.raw)
        sections.append(Section(number, title, hl.line, tuple(paragraphs)))

    for spec in variant.tables:
        if spec.name not in tables:
            diags.append(
                Diagnostic(
                    "missing-table",
                    f"table {_NUMERALS[spec.section - 1] if 0 < spec.section <= 6 else spec.name} "
                    f"({spec.title}) not found",
                    None,
                    "warning",
                )
            )

    for s in skipped:
        if not line_of(s.token).overflow:
            diags.append(_skipped_diagnostic(s, line_of(s.token), variant))
    if lines and lines[-1].overflow:
        over = lines[-1]
        diags.append(
            Diagnostic(
                "too-long",
                f"the text goes on past {over.line - 1} lines; lines {over.line}–{over.end_line} "
                "are not read (kept whole in this diagnostic)",
                over.line,
                "error",
                raw=over.raw,
            )
        )

    report_title, agency, year = _title(preamble)
    if report_title is None:
        diags.append(
            Diagnostic("missing-title", "no report title (…政府信息公开工作年度报告) found", 1, "info")
        )
    layouts = sorted({ln.layout for ln in lines if ln.layout != "text"})
    diags.sort(key=lambda d: d.line if d.line is not None else len(lines) + 1)
    return Report(
        title=report_title,
        agency=agency,
        year=year,
        edition=variant.edition,
        layout="+".join(layouts) if layouts else "text",
        sections=tuple(sections),
        active=tables.get("active"),
        requests=tables.get("requests"),
        appeals=tables.get("appeals"),
        diagnostics=tuple(diags),
        preamble=tuple(preamble),
        variant=variant.name,
    )


def _section_title(variant: Variant, number: int) -> str:
    titles = variant.section_titles
    numeral = _NUMERALS[number - 1]
    return f"{numeral}、{titles[number - 1]}" if len(titles) >= number else numeral


def _prose(tree: Node, line_of: LineOf, diags: list[Diagnostic], where: str) -> list[Paragraph]:
    out: list[Paragraph] = []
    for tok in tree.children:
        if not isinstance(tok, Tok):
            continue
        ln = line_of(tok)
        if ln.overflow:
            continue  # reported once, below
        kind = _name(tok.type)
        if kind == "ROW":
            text = "\t".join(c.raw.strip() for c in ln.labels + ln.values)
            out.append(Paragraph(text, ln.line))
            has_figures = any(c.text for c in ln.values)
            diags.append(
                Diagnostic(
                    "stray-row",
                    f"table row outside the tables in {where}: {ln.label or ln.text.strip()}"[:120],
                    ln.line,
                    "warning" if has_figures else "info",
                    raw=ln.raw,
                )
            )
        elif ln.parts:  # a block of prose lines read as one token: a paragraph per line
            out.extend(Paragraph(_clean(p.raw), p.line) for p in ln.parts)
        else:
            out.append(Paragraph(_clean(ln.raw), ln.line, item=kind == "SUBITEM"))
    return out


def _table(spec: TableSpec, tree: Node, line_of: LineOf, diags: list[Diagnostic]) -> Table | None:
    toks = tree.tokens()
    if not toks:
        return None
    first_line = line_of(toks[0]).line
    # A terminal's lines, in order; several lines of one terminal (table 四's figures) join up.
    widths = _widths(spec)
    entries: dict[str, list[Line]] = {}
    for tok in toks:
        terminal = _NAMES.get(tok.type) or _name(tok.type)
        if terminal in widths:
            entries.setdefault(terminal, []).append(line_of(tok))
    if not entries:
        return Table(spec.name, spec.title, first_line, (), spec.prefix)
    groups: dict[int, list[str]] = {}
    for terminal in entries:
        groups.setdefault(widths[terminal], []).append(terminal)
    placed: dict[str, Placement] = {}
    for width, terminals in groups.items():
        cells_rows = [[c for ln in entries[t] for c in ln.values] for t in terminals]
        trailing = [entries[t][-1].raw.endswith("\t") for t in terminals]
        for t, p in zip(terminals, place(cells_rows, width, spec.pads, trailing), strict=True):
            placed[t] = p

    plan = _plan(spec, tuple(t for t in spec.rows if t in entries))
    sources: list[Cell | None] = []
    row_lines: list[int | None] = []
    row_labels: list[str] = []
    for terminal, specs in plan.present:
        p = placed[terminal]
        width = len(p.cells)
        line0 = entries[terminal][0]
        if p.note == "short":
            diags.append(
                Diagnostic(
                    "cell-count",
                    f"row {line0.label!r} has {width - p.cells.count(None)} of {width} cells "
                    "(merged cells left out); the missing ones are blank",
                    line0.line,
                    "info",
                    raw=line0.raw,
                )
            )
        if p.extra:
            diags.append(
                Diagnostic(
                    "extra-cells",
                    f"row {line0.label!r} has more cells than its {width} columns; set aside: "
                    + ", ".join(repr(c.raw.strip()) for c in p.extra),
                    p.extra[0].line,
                    "error",
                    raw=" ".join(c.raw for c in p.extra),
                )
            )
        sources += p.cells
        if len(specs) == 1:
            row_lines.append(line0.line)
            row_labels.append(line0.label)
        else:
            row_lines += [line0.line] * len(specs)
            row_labels += [rs.label for rs in specs]
    # every cell read in one pass; a lost cell (None) reads as blank, like an empty one
    texts = ["" if c is None else c.text for c in sources]
    read = list(map(_COUNTS.get, texts))
    if None in read:
        read = [found or _read(t, False) for found, t in zip(read, texts, strict=True)]
    for i in plan.money_cells:
        read[i] = _MONEY.get(texts[i]) or _read(texts[i], True)
    values: Sequence[Value]
    kinds: Sequence[FigureKind]
    values, kinds = zip(*read, strict=True) if read else ((), ())
    if "unreadable" in kinds:
        for i, kind in enumerate(kinds):
            cell = sources[i]
            if kind == "unreadable" and cell is not None:
                diags.append(
                    Diagnostic(
                        "unreadable-cell",
                        f"cell {spec.prefix}{plan.shape.keys[i]} is not a figure: {cell.raw.strip()!r}",
                        cell.line,
                        "warning",
                        raw=cell.raw,
                    )
                )
    cells = TableCells(plan.shape, values, kinds, sources, row_lines, row_labels)
    return Table(spec.name, spec.title, first_line, LazyRows(cells), spec.prefix)


class _Plan(NamedTuple):
    """How a table with these rows is laid out: worked out once per table spec and set of rows."""

    spec: TableSpec
    present: tuple[tuple[str, tuple[RowSpec, ...]], ...]
    shape: TableShape
    money_cells: tuple[int, ...]  # the cells read as money (Decimal)


_PLANS: dict[tuple[int, tuple[str, ...]], _Plan] = {}
_WIDTHS: dict[int, tuple[TableSpec, dict[str, int]]] = {}


def _widths(spec: TableSpec) -> dict[str, int]:
    """How many cells each of the table's terminals holds (the columns of all its rows)."""
    found = _WIDTHS.get(id(spec))
    if found is None or found[0] is not spec:
        widths = {t: sum(len(rs.columns) for rs in specs) for t, specs in spec.rows.items()}
        if len(_WIDTHS) >= _CACHE_MAX:
            _WIDTHS.clear()
        found = _WIDTHS[id(spec)] = (spec, widths)
    return found[1]


def _plan(spec: TableSpec, terminals: tuple[str, ...]) -> _Plan:
    key = (id(spec), terminals)
    plan = _PLANS.get(key)
    if plan is None or plan.spec is not spec:
        present = tuple((t, spec.rows[t]) for t in terminals)
        specs = [rs for _, group in present for rs in group]
        shape = table_shape(tuple((rs.row, rs.columns) for rs in specs))
        flags = [c in rs.money for rs in specs for c in rs.columns]
        money = tuple(i for i, is_money in enumerate(flags) if is_money)
        if len(_PLANS) >= _CACHE_MAX:
            _PLANS.clear()
        plan = _PLANS[key] = _Plan(spec, present, shape, money)
    return plan


# A cell's text → its value: the same few texts ("0", "1", "") fill most cells of every report.
# Bounded: cleared when full, so memory stays flat over any number of reports.
_COUNTS: dict[str, tuple[Value, FigureKind]] = {}
_MONEY: dict[str, tuple[Value, FigureKind]] = {}
_CACHE_MAX = 4096


def _read(text: str, money: bool) -> tuple[Value, FigureKind]:
    memo = _MONEY if money else _COUNTS
    found = read_value(text, money=money)
    if len(memo) >= _CACHE_MAX:
        memo.clear()
    memo[text] = found
    return found


@cache
def _terminal_names(variant: Variant) -> dict[str, str]:
    """Terminal → what a reader calls it (a row's label, a section's heading)."""
    labels: dict[str, str] = {}
    for t in variant.tables:
        for terminal, specs in t.rows.items():
            labels[terminal] = specs[0].group + specs[0].label if specs[0].group else specs[0].label
    for n in range(1, 7):
        labels[f"SEC{n}"] = _section_title(variant, n)
    return labels


@cache
def _expected_names(expected: tuple[str, ...], variant: Variant) -> tuple[str, ...]:
    labels = _terminal_names(variant)
    names = [labels.get(_name(e), _name(e)) for e in expected if _name(e) not in ("TEXT", "ROW", "$END")]
    return tuple(dict.fromkeys(names))


def _skipped_diagnostic(s: Skipped, ln: Line, variant: Variant) -> Diagnostic:
    has_figures = any(c.text for c in ln.values)
    what = "row" if ln.kind == "row" else "line"
    shown = (ln.label if ln.kind == "row" else ln.text)[:60]
    return Diagnostic(
        "unexpected-line",
        f"{what} not expected here, skipped: {shown!r}"
        + (" (its figures: " + ", ".join(c.text for c in ln.values if c.text) + ")" if has_figures else ""),
        ln.line,
        "error" if has_figures else "warning",
        raw=ln.raw,
        expected=_expected_names(s.expected, variant),
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
