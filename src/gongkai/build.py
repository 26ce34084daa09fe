"""Model stage: the grammar's parse tree → a :class:`~gongkai.model.Report`.

The tree says which line is which row; the variant's data says what the row means; this module
places each row's cells into columns (:func:`gongkai.cells.place`), reads the figures and records
every deviation as a :class:`~gongkai._errors.Diagnostic`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import cache
from itertools import chain
from operator import attrgetter, itemgetter
from typing import NamedTuple, TypeVar, cast, overload

from .cells import Placement, place, read_value
from ._errors import Diagnostic
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

_T = TypeVar("_T")

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

    for sub in tree.children:
        if not isinstance(sub, Node):
            continue
        if _name(sub.data) == "preamble":
            preamble = _prose(sub, lines, diags, "the preamble")
            continue
        number = _SECTION_RULES.get(_name(sub.data))
        if number is None:
            continue
        if len(sub.children) == 1 and isinstance(sub.children[0], Node):
            # a table without its section heading
            spec = variant.table_in_section(number)
            table = _table(spec, sub.children[0], lines, diags) if spec is not None else None
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
        hl = lines[(head.line or 1) - 1]
        paragraphs: list[Paragraph] = []
        for part in sub.children[1:]:
            if not isinstance(part, Node):
                continue
            if _name(part.data).startswith("prose"):
                paragraphs = _prose(part, lines, diags, number)
            else:
                spec = variant.table_in_section(number)
                if spec is not None:
                    table = _table(spec, part, lines, diags)
                    if table is not None:
                        tables[spec.name] = table
        heading = _clean(hl.raw)
        # the pattern is anchored: what sub("") would leave is the text after its one match
        m = _HEADING_NUMBER.match(heading)
        title = (heading[m.end() :] if m else heading) or heading
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
        ln = lines[(s.token.line or 1) - 1]
        if not ln.overflow:
            diags.append(_skipped_diagnostic(s, ln, variant))
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
    found = set(map(_LAYOUT, lines))
    found.discard("text")
    layouts = sorted(found)
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


def _prose(tree: Node, lines: Sequence[Line], diags: list[Diagnostic], where: str | int) -> list[Paragraph]:
    """The paragraphs of a prose block; ``where``: the preamble, or the number of its section."""
    out: list[Paragraph] = []
    for tok in tree.children:
        if not isinstance(tok, Tok):
            continue
        ln = lines[(tok.line or 1) - 1]
        if ln.overflow:
            continue  # reported once, below
        kind = _NAMES.get(tok.type) or _name(tok.type)
        if kind == "ROW":
            if isinstance(where, int):
                where = f"section {where}"
            text = "\t".join([c.raw.strip() for c in ln.labels + ln.values])
            out.append(Paragraph(text, ln.line))
            # a row's text is TAB, label, then its value cells' texts, each TAB-led (see layout)
            has_figures = any(ln.text.split("\t")[2:])
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


def _tokens(node: Node, out: list[Tok]) -> None:
    """Every token below ``node``, in order, appended to ``out``."""
    for c in node.children:
        if type(c) is Node:
            _tokens(c, out)
        else:
            out.append(c)  # type: ignore[arg-type]  # every child not a Node is a Tok


_VALUES = attrgetter("values")
_TEXT = itemgetter(0)  # Cell.text: a NamedTuple's first field, read at C speed
_LINE = attrgetter("line")
_LAYOUT = attrgetter("layout")
_LOST = Cell("", "", 0)  # stands in for a lost cell when the cells' texts are read


def _table(spec: TableSpec, tree: Node, lines: Sequence[Line], diags: list[Diagnostic]) -> Table | None:
    toks: list[Tok] = []
    _tokens(tree, toks)
    if not toks:
        return None
    first_line = lines[(toks[0].line or 1) - 1].line
    form = _form(spec, tuple([t.type for t in toks]))
    if form.plan is None:
        return Table(spec.name, spec.title, first_line, (), spec.prefix)
    plan = form.plan
    # A terminal's lines, in order; several lines of one terminal (table 四's figures) join up.
    lasts: Sequence[Line]
    rows: list[Sequence[Cell | None]]
    if form.joined is None:
        firsts = lasts = [lines[(toks[i].line or 1) - 1] for i in form.pos]
        rows = list(map(_VALUES, firsts))
    else:
        found = [[lines[(toks[i].line or 1) - 1] for i in at] for at in form.joined]
        firsts = [lns[0] for lns in found]
        lasts = [lns[-1] for lns in found]
        rows = [tuple(c for ln in lns for c in ln.values) for lns in found]
    if list(map(len, rows)) == form.widths:  # the common case: every row has its cells
        whole = cast("list[Cell]", list(chain.from_iterable(rows)))
        texts: list[str] = list(map(_TEXT, whole))
        sources: Sequence[Cell | None] = whole
    else:
        short = _place_odd(spec, rows, form.widths, firsts, lasts, diags)
        sources = list(chain.from_iterable(rows))
        # a lost cell (None) reads as blank, like an empty one
        text_rows = cast("list[Sequence[Cell]]", list(rows))
        for j in short:
            text_rows[j] = [_LOST if c is None else c for c in rows[j]]
        texts = list(map(_TEXT, chain.from_iterable(text_rows)))
    row_lines: list[int | None] = (
        list(map(_LINE, firsts)) if form.take is None else [firsts[j].line for j in form.take]
    )
    # every cell read in one pass: a C-level map over the memo; money cells read again as money
    values: list[Value] = list(map(_COUNT_VALUES.__getitem__, texts))
    for i in plan.money_cells:
        values[i] = _MONEY[texts[i]][0]
    # kinds are read only when a Row is built; the few distinct texts say if any is unreadable
    kinds = _Kinds(texts, plan.money_cells)
    if "unreadable" in map(_COUNT_KINDS.__getitem__, set(texts)):
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
    cells = TableCells(plan.shape, values, kinds, sources, row_lines, _Labels(firsts, form.labels))
    return Table(spec.name, spec.title, first_line, LazyRows(cells), spec.prefix)


def _place_odd(
    spec: TableSpec,
    rows: list[Sequence[Cell | None]],
    widths: Sequence[int],
    firsts: Sequence[Line],
    lasts: Sequence[Line],
    diags: list[Diagnostic],
) -> list[int]:
    """Place the rows without exactly their width of cells, in ``rows``, and report them.

    Returns the rows that lost cells (a None in their place).

    :func:`~gongkai.cells.place` decides a row of the right width as is, and the artefacts of
    the others from the over-long rows of the same width alone: placing only the odd rows of
    each width is placing them all.
    """
    odd = [j for j, (r, w) in enumerate(zip(rows, widths, strict=True)) if len(r) != w]
    by_width: dict[int, list[int]] = {}
    for j in odd:
        by_width.setdefault(widths[j], []).append(j)
    placed: dict[int, Placement] = {}
    for width, at in by_width.items():
        trailing = [lasts[j].raw.endswith("\t") for j in at]
        cells_rows = [cast("Sequence[Cell]", rows[j]) for j in at]
        for j, p in zip(at, place(cells_rows, width, spec.pads, trailing), strict=True):
            placed[j] = p
    short: list[int] = []
    for j in odd:  # in the table's order, as the diagnostics are sorted stably by line
        p = placed[j]
        width = widths[j]
        line0 = firsts[j]
        if p.note == "short":
            short.append(j)
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
        rows[j] = p.cells
    return short


class _Deferred(Sequence[_T]):
    """A sequence worked out from what it is made of on first use (and then kept)."""

    __slots__ = ("_items",)

    def __init__(self) -> None:
        self._items: list[_T] | None = None

    def _make(self) -> list[_T]:
        raise NotImplementedError

    def _all(self) -> list[_T]:
        items = self._items
        if items is None:
            items = self._items = self._make()
        return items

    @overload
    def __getitem__(self, i: int) -> _T: ...

    @overload
    def __getitem__(self, i: slice) -> list[_T]: ...

    def __getitem__(self, i: int | slice) -> _T | list[_T]:
        return self._all()[i]

    def __iter__(self) -> Iterator[_T]:
        return iter(self._all())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Sequence):
            return self._all() == list(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(tuple(self._all()))

    def __repr__(self) -> str:
        return repr(self._all())


class _Labels(_Deferred[str]):
    """A table's row labels, read from their lines only when a :class:`Row` is built."""

    __slots__ = ("_how", "_lines")

    def __init__(self, lines: Sequence[Line], how: tuple[int | str, ...]) -> None:
        super().__init__()
        self._lines = lines
        self._how = how  # per row: the label of that line, or the row's own label

    def __len__(self) -> int:
        return len(self._how)

    def _make(self) -> list[str]:
        lines = self._lines
        return [h if isinstance(h, str) else lines[h].label for h in self._how]


class _Kinds(_Deferred[FigureKind]):
    """Each cell's :data:`~gongkai.model.FigureKind`, read from the memos when first asked for."""

    __slots__ = ("_money", "_texts")

    def __init__(self, texts: list[str], money: tuple[int, ...]) -> None:
        super().__init__()
        self._texts = texts
        self._money = money

    def __len__(self) -> int:
        return len(self._texts)

    def _make(self) -> list[FigureKind]:
        texts = self._texts
        kinds = list(map(_COUNT_KINDS.__getitem__, texts))
        for i in self._money:
            kinds[i] = _MONEY[texts[i]][1]
        return kinds


class _Plan(NamedTuple):
    """How a table with these rows is laid out: worked out once per table spec and set of rows."""

    spec: TableSpec
    present: tuple[tuple[str, tuple[RowSpec, ...]], ...]
    shape: TableShape
    money_cells: tuple[int, ...]  # the cells read as money (Decimal)


class _Form(NamedTuple):
    """Where a table's rows are among its tokens: worked out once per spec and token sequence."""

    spec: TableSpec
    plan: _Plan | None  # None: no row of the table is there
    pos: tuple[int, ...]  # per present terminal, in the table's order: its token
    joined: tuple[tuple[int, ...], ...] | None  # its tokens, when a terminal has several
    widths: list[int]  # per present terminal: its cells
    take: tuple[int, ...] | None  # per row of the shape: its terminal (None: one row each)
    labels: tuple[int | str, ...]  # per row of the shape: its terminal, or its own label


_PLANS: dict[tuple[int, tuple[str, ...]], _Plan] = {}
_FORMS: dict[tuple[int, tuple[str, ...]], _Form] = {}
_WIDTHS: dict[int, tuple[TableSpec, dict[str, int]]] = {}


def _form(spec: TableSpec, types: tuple[str, ...]) -> _Form:
    key = (id(spec), types)
    form = _FORMS.get(key)
    if form is None or form.spec is not spec:
        widths = _widths(spec)
        where: dict[str, list[int]] = {}
        for i, tp in enumerate(types):
            terminal = _name(tp)
            if terminal in widths:
                where.setdefault(terminal, []).append(i)
        terminals = tuple(t for t in spec.rows if t in where)
        plan = _plan(spec, terminals) if terminals else None
        joined = tuple(tuple(where[t]) for t in terminals)
        take: list[int] = []
        labels: list[int | str] = []
        for j, (_, specs) in enumerate(plan.present if plan is not None else ()):
            take += [j] * len(specs)
            labels += [j] if len(specs) == 1 else [rs.label for rs in specs]
        form = _Form(
            spec,
            plan,
            tuple(at[0] for at in joined),
            joined if any(len(at) > 1 for at in joined) else None,
            [widths[t] for t in terminals],
            None if take == list(range(len(terminals))) else tuple(take),
            tuple(labels),
        )
        if len(_FORMS) >= _CACHE_MAX:
            _FORMS.clear()
        _FORMS[key] = form
    return form


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


_CACHE_MAX = 4096


class _Memo(dict[str, _T]):
    """A cell's text → what it reads as: the same few texts ("0", "1", "") fill most cells of
    every report.  Bounded: cleared when full, so memory stays flat over any number of reports.
    """

    __slots__ = ("_read",)

    def __init__(self, read: Callable[[str], _T]) -> None:
        super().__init__()
        self._read = read

    def __missing__(self, text: str) -> _T:
        found = self._read(text)
        if len(self) >= _CACHE_MAX:
            self.clear()
        self[text] = found
        return found


# Value and kind in memos of their own: each is a C-level map over a table's texts.
_COUNT_VALUES: _Memo[Value] = _Memo(lambda t: read_value(t)[0])
_COUNT_KINDS: _Memo[FigureKind] = _Memo(lambda t: read_value(t)[1])
_MONEY: _Memo[tuple[Value, FigureKind]] = _Memo(lambda t: read_value(t, money=True))


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
    # (a report may skip thousands of lines: each is read off the canonical text once)
    text = ln.text
    expected = _expected_names(s.expected, variant)
    if ln.kind == "row":
        # a row's text is TAB, its label, then its value cells' texts, each TAB-led (see layout)
        tab = text.find("\t", 1)
        label = text[1:tab] if tab > 0 else text[1:]
        message = f"row not expected here, skipped: {label[:60]!r}"
        figures = ", ".join(filter(None, text[tab + 1 :].split("\t"))) if tab > 0 else ""
        if figures:
            message = f"{message} (its figures: {figures})"
            return Diagnostic("unexpected-line", message, ln.line, "error", ln.raw, expected)
    else:
        message = f"line not expected here, skipped: {text[:60]!r}"
    return Diagnostic("unexpected-line", message, ln.line, "warning", ln.raw, expected)


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
