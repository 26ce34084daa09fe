"""The compiled checks against a plain statement of the rules (template.md §5).

:func:`gongkai.check` evaluates R1–R4 through equations compiled per table shape, with a
quick "everything holds" test in front, and R5 through a quick test per table.  Here tables
that mostly add up are perturbed (blank and not-applicable cells, decimals, wrong figures,
negative counts, missing cells, rows and tables) and every finding is compared with what a
cell-by-cell reading of the rules gives.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any, cast

import attrs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import gongkai
from gongkai.check import _Prose, check
from gongkai.model import Figure, FigureKind, Paragraph, Report, Row, Section, Table, Value
from gongkai.variants import TableSpec, Variant, get_variant

_OUTSIDE = ("new", "carried_over", "total", "carried_forward")  # table 三 rows that are no result
_Key = tuple[str, str, str]  # table, row, column


def _sum(values: list[int | Decimal]) -> int | Decimal:
    total: int | Decimal = 0
    for v in values:
        total = total + v
    return total


def _consistent(v: Variant, vals: dict[_Key, Value]) -> None:
    """Make tables 三 and 四 of ``vals`` add up (R1–R4 hold)."""
    spec = v.table("requests")
    assert spec is not None
    rows = spec.row_specs()
    results = [rs.row for rs in rows if rs.row not in _OUTSIDE]

    def get(key: _Key) -> int:
        x = vals[key]
        assert isinstance(x, int)
        return x

    for c in (c for c in spec.columns if c != "total"):
        total = sum(get(("requests", r, c)) for r in results)
        vals["requests", "total", c] = total
        forward, over = get(("requests", "carried_forward", c)), get(("requests", "carried_over", c))
        if over > total + forward:
            over = vals["requests", "carried_over", c] = 0
        vals["requests", "new", c] = total + forward - over
    for t in ("requests", "appeals"):
        tspec = v.table(t)
        assert tspec is not None
        for rs in tspec.row_specs():
            if "total" in rs.columns:
                vals[t, rs.row, "total"] = sum(get((t, rs.row, c)) for c in rs.columns if c != "total")


@st.composite
def _reports(draw: st.DrawFn) -> Report:
    v = get_variant(draw(st.sampled_from(sorted(gongkai.variants()))))
    vals: dict[_Key, Value] = {
        (t.name, rs.row, c): draw(st.sampled_from((0, 0, 1, 2, 3, 7, 20)))
        for t in v.tables
        for rs in t.row_specs()
        for c in rs.columns
    }
    if draw(st.integers(0, 3)):
        _consistent(v, vals)
    keys = list(vals)
    # one figure of table 三 changed with its row's total (the row still adds up, not its
    # column), with its column's totals (R1 and R3 still hold, not R2), or 上年结转 with its
    # total (only R1 breaks): what the quick test of R1–R3 must not miss
    cells = [k for k in keys if k[0] == "requests" and k[2] != "total" and k[1] not in _OUTSIDE]
    how = draw(st.sampled_from((None, "row", "column", "carried")))
    if how is not None:
        key = draw(st.sampled_from(cells))
        if how == "carried":
            key = ("requests", "carried_over", key[2])
        also = [("requests", "total", key[2]), ("requests", "new", key[2])] if how == "column" else []
        d = draw(st.integers(1, 5))
        for k in (key, *also, *([("requests", key[1], "total")] if how != "column" else [])):
            vals[k] = cast("int", vals[k]) + d
    kinds: dict[_Key, FigureKind] = {}
    for key in draw(st.lists(st.sampled_from(keys), max_size=4)) if draw(st.booleans()) else []:
        x = vals[key] if isinstance(vals[key], int) else 0
        change = draw(st.sampled_from(("blank", "n/a", "half", "point0", "plus", "negative", "huge")))
        if change in ("blank", "n/a"):
            vals[key] = None
            kinds[key] = "blank" if change == "blank" else "not_applicable"
        else:
            vals[key] = {
                "half": Decimal(x) + Decimal("0.5"),
                "point0": Decimal(f"{x}.0"),
                "plus": x + draw(st.integers(1, 5)),
                "negative": -draw(st.integers(1, 5)),
                "huge": 10 ** draw(st.integers(5, 30)),
            }[change]
    all_rows = [(t.name, rs.row) for t in v.tables for rs in t.row_specs()]
    damaged = draw(st.integers(0, 3)) == 0  # rows or cells missing: the quick tests cannot apply
    skip_rows = draw(st.sets(st.sampled_from(all_rows), max_size=2)) if damaged else set()
    drop_cells = draw(st.sets(st.sampled_from(keys), max_size=2)) if damaged else set()
    drop_table = draw(st.sampled_from((None, None, None, None, "active", "requests", "appeals")))
    tables: dict[str, Table] = {}
    line = 10
    for t in v.tables:
        if t.name == drop_table:
            continue
        rows = []
        for rs in t.row_specs():
            if (t.name, rs.row) in skip_rows:
                continue
            figs = []
            for c in rs.columns:
                key = (t.name, rs.row, c)
                if key in drop_cells:
                    continue
                x = vals[key]
                raw = "" if x is None else format(x, "f") if isinstance(x, Decimal) else str(x)
                own_line = line if draw(st.booleans()) else None
                figs.append(Figure(c, x, raw, own_line, kinds.get(key, "blank") if x is None else "number"))
            rows.append(Row(rs.row, rs.label, line if draw(st.integers(0, 4)) else None, tuple(figs)))
            line += 1
        tables[t.name] = Table(t.name, t.title, None, tuple(rows), t.prefix)
    sections = tuple(Section(n, "", 0, ()) for n in range(1, 7))
    return Report(
        "t",
        "某某县人民政府",
        2021,
        v.edition,
        "text",
        sections,
        tables.get("active"),
        tables.get("requests"),
        tables.get("appeals"),
        variant=v.name,
    )


# --- the rules, read cell by cell -----------------------------------------------------------


def _cell_reader(table: Table | None, spec: TableSpec) -> Callable[[str, str], tuple[str, Value, int | None]]:
    def read(row: str, col: str) -> tuple[str, Value, int | None]:
        key = f"{spec.prefix}{row}.{col}"
        r = table.get(row) if table is not None else None
        if r is None:
            return key, None, None
        f = r.get(col)
        if f is None:
            return key, None, r.line
        return key, f.value, f.line if f.line is not None else r.line

    return read


_Cell = tuple[str, Value, int | None]


def _equation(rule: str, printed: list[_Cell], parts: list[_Cell]) -> dict[str, Any] | None:
    cells = printed + parts
    blank = tuple(k for k, x, _ in cells if x is None)
    out: dict[str, Any] = {
        "rule": rule,
        "cells": tuple(k for k, _, _ in cells),
        "lines": tuple(line for _, _, line in cells),
    }
    if blank:
        return out | {"severity": "info", "blank": blank, "expected": None, "actual": None}
    expected = _sum([x for _, x, _ in parts if x is not None])
    actual = _sum([x for _, x, _ in printed if x is not None])
    if expected == actual:
        return None
    return out | {"severity": "error", "blank": (), "expected": expected, "actual": actual}


def _missing(rule: str, spec: TableSpec) -> dict[str, Any]:
    keys = tuple(f"{spec.prefix}{rs.row}.{c}" for rs in spec.row_specs() for c in rs.columns)
    return {
        "rule": rule,
        "cells": keys,
        "lines": tuple(None for _ in keys),
        "severity": "info",
        "blank": keys,
        "expected": None,
        "actual": None,
    }


def _expected(report: Report) -> list[dict[str, Any]]:
    v = get_variant(report.variant)
    out: list[dict[str, Any]] = []
    found: list[dict[str, Any] | None] = []
    spec = v.table("requests")
    assert spec is not None
    table = report.requests
    if table is None or not table.rows:
        out += [_missing(rule, spec) for rule in ("R1", "R2", "R3")]
    else:
        c = _cell_reader(table, spec)
        rows = [rs.row for rs in spec.row_specs()]
        results = [r for r in rows if r not in _OUTSIDE]
        for col in spec.columns:  # R1
            found.append(
                _equation(
                    "R1",
                    [c("total", col), c("carried_forward", col)],
                    [c("new", col), c("carried_over", col)],
                )
            )
        for rs in spec.row_specs():  # R2
            parts = [c(rs.row, col) for col in spec.columns if col != "total" and col in rs.columns]
            found.append(_equation("R2", [c(rs.row, "total")], parts))
        for col in spec.columns:  # R3
            found.append(_equation("R3", [c("total", col)], [c(r, col) for r in results]))
    out += [f for f in found if f is not None]
    spec = v.table("appeals")
    assert spec is not None
    if report.appeals is None or not report.appeals.rows:
        out.append(_missing("R4", spec))
    else:
        c = _cell_reader(report.appeals, spec)
        for rs in spec.row_specs():
            parts = [c(rs.row, col) for col in rs.columns if col != "total"]
            f = _equation("R4", [c(rs.row, "total")], parts)
            if f is not None:
                out.append(f)
    rowspecs = {(t.prefix, rs.row): rs for t in v.tables for rs in t.row_specs()}
    for t in report.tables:  # R5
        for r in t.rows:
            rs = rowspecs[t.prefix, r.key]
            for fig in r.figures:
                x = fig.value
                if x is None or (isinstance(x, int) and x >= 0):
                    continue
                money, signed = fig.column in rs.money, fig.column in rs.signed
                if x < 0 and not signed:
                    severity, expected = "error", None
                elif money or not isinstance(x, Decimal):
                    continue
                elif x != x.to_integral_value():
                    severity, expected = "error", None
                else:
                    severity, expected = "info", int(x)
                key = f"{t.prefix}{r.key}.{fig.column}"
                line = fig.line if fig.line is not None else r.line
                out.append(
                    {
                        "rule": "R5",
                        "cells": (key,),
                        "lines": (line,),
                        "severity": severity,
                        "blank": (),
                        "expected": expected,
                        "actual": x,
                    }
                )
    return out


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_reports())
def test_compiled_checks_agree_with_the_rules_read_cell_by_cell(report: Report) -> None:
    got = [f for f in check(report) if f.rule != "X3"]
    fields = ("rule", "cells", "lines", "severity", "blank", "expected", "actual")
    assert [{k: getattr(f, k) for k in fields} for f in got] == _expected(report)
    for f in got:  # the cell a finding points at is one of its cells, on that cell's line
        if f.cell is None:  # a missing table: no cell to point at
            assert f.blank == f.cells
            continue
        assert f.cell in f.cells
        assert f.line == f.lines[f.cells.index(f.cell)]


def _as_mapping(report: Report) -> Mapping[str, Value]:
    return {k: f.value for k, f in report.figures()}


@settings(max_examples=50, deadline=None)
@given(_reports())
def test_checking_changes_no_figure_and_repeats(report: Report) -> None:
    before = _as_mapping(report)
    assert check(report) == check(report)
    assert _as_mapping(report) == before


_EMPTY = Report(None, None, None, "2021", "text", (), None, None, None, variant="2021")

# --- section 一 as one string (X3) ------------------------------------------------------------

_PROSE_CHARS = st.sampled_from(
    ["1", "2", "１", "²", "件", "申", "，", "。", " ", "\u3000", "\t", "\xa0", "\u2028", "\n", "a"]
)


def _squeezed(texts: list[str]) -> str:
    """The plain statement: each paragraph NFKC-normalised, white space dropped but for ``|``
    between two digits, and ``|`` between paragraphs that would run two numbers together."""

    def gap(m: re.Match[str]) -> str:
        s, a, b = m.string, m.start(), m.end()
        return "|" if a > 0 and b < len(s) and s[a - 1].isdigit() and s[b].isdigit() else ""

    parts: list[str] = []
    for text in texts:
        part = re.sub(r"\s+", gap, unicodedata.normalize("NFKC", text))
        if parts and parts[-1][-1:].isdigit() and part[:1].isdigit():
            part = "|" + part
        parts.append(part)
    return "".join(parts)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.lists(_PROSE_CHARS, max_size=12).map("".join), st.booleans()), max_size=5))
def test_section_one_is_squeezed_as_stated(paragraphs: list[tuple[str, bool]]) -> None:
    section = tuple(Paragraph(t, n + 1, item) for n, (t, item) in enumerate(paragraphs))
    prose = _Prose(attrs.evolve(_EMPTY, sections=(Section(1, "", 0, section),)))
    texts = [t for t, _ in paragraphs]
    assert prose.text == _squeezed(texts)
    item = ""
    for n, (text, is_item) in enumerate(paragraphs):  # each paragraph's line and topic
        text = unicodedata.normalize("NFKC", text)
        item = text if is_item else item
        start = len(_squeezed(texts[:n]))
        if len(_squeezed(texts[: n + 1])) > start:  # the paragraph's first character
            assert prose.line(start) == n + 1
            assert prose.topic(start) == f"{item}\n{text}"
