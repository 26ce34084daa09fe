"""The arithmetic checks (勾稽关系) of template.md §5: :func:`check` and :class:`Finding`.

:func:`check` reads a parsed :class:`~gongkai.model.Report` and returns what does not add up,
as a list of :class:`Finding` objects; it never changes a figure.

R1–R5 are data: the ``[[checks]]`` rows of the variant's TOML file (docs/checks.md), read by
one small evaluator.  A ``sum`` check says which cells of a table are added up and which they
must equal, once, per row or per column; a ``count`` check says every figure is a whole number
≥ 0 but for the ``money`` and ``signed`` columns of its row.  :func:`validate_checks` refuses
a check naming a table, row or column the variant does not have.  X1–X3 are code:

* **X1** – with ``previous=``: last year's 结转下年度 = this year's 上年结转, per column.
* **X2** – with ``previous=``: 现行有效件数(Y) = 现行有效件数(Y−1) + 本年制发件数(Y) − 本年废止件数(Y).
* **X3** – figures quoted in the prose of section 一 agree with the tables.

A broken R-rule is an ``"error"``, a broken X-rule a ``"warning"``; a check that blank cells
(or rows, or tables, the report does not print) make impossible to decide is an ``"info"``
finding naming the blank cells.
"""

from __future__ import annotations

import re
import string
from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from functools import cache
from itertools import accumulate, pairwise
from typing import Any, Literal, NamedTuple

import attrs
from attrs import frozen

from ._errors import VariantError
from ._figures import Value, nfkc
from ._model import Figure, Report, Table
from ._variants import RowSpec, TableSpec, Variant, get_variant

__all__ = ["RULES", "Finding", "FindingSeverity", "RuleId", "check", "validate_checks"]

RuleId = Literal["R1", "R2", "R3", "R4", "R5", "X1", "X2", "X3"]
FindingSeverity = Literal["error", "warning", "info"]

#: Every rule: its id → (statement in Chinese, statement in English).
RULES: dict[str, tuple[str, str]] = {
    "R1": (
        "表三每一列：第一项加第二项之和，等于第三项加第四项之和",
        "table 三, every column: new + carried over = total + carried forward",
    ),
    "R2": (
        "表三每一行：总计等于各类申请人之和",
        "table 三, every row: the total equals the sum of the applicant columns",
    ),
    "R3": (
        "表三每一列：（七）总计等于各项办理结果之和",
        "table 三, every column: (七) total equals the sum of the results",
    ),
    "R4": (
        "表四每一栏：总计等于结果维持、结果纠正、其他结果、尚未审结之和",
        "table 四, every block: total = upheld + corrected + other + pending",
    ),
    "R5": (
        "件数为非负整数（金额可有小数，标明可为负数的栏目除外）",
        "counts are whole numbers ≥ 0 (money may have decimals; signed columns may be negative)",
    ),
    "X1": (
        "上年度“结转下年度继续办理”等于本年度“上年结转”",
        "last year's carried forward equals this year's carried over",
    ),
    "X2": (
        "现行有效件数 = 上年现行有效件数 + 本年制发件数 − 本年废止件数",
        "in force = last year's in force + issued − repealed",
    ),
    "X3": ("总体情况中引用的数字与表格一致", "figures quoted in section 一 agree with the tables"),
}


def _render(v: Value) -> str:
    return "空" if v is None else str(v)


def _render_en(v: Value) -> str:
    return "blank" if v is None else str(v)


@frozen
class Finding:
    """One result of :func:`check`: a rule that is broken, or that cannot be decided.

    ``rule`` is ``"R1"`` … ``"R5"``, ``"X1"`` … ``"X3"``; ``severity`` is ``"error"`` (a broken
    R-rule), ``"warning"`` (a broken X-rule) or ``"info"`` (blank cells make the check
    impossible, or it does not apply).  ``message`` says it in one Chinese sentence,
    ``message_en`` in English.  ``cells`` are the record keys (template.md §8) taking part, with
    their source lines in ``lines`` (same order, ``None`` for a cell the report does not print);
    ``blank`` the ones that are blank.  ``expected`` is the figure the rule computes from the
    other cells, ``actual`` the figure printed (for X3: the table's figure and the figure quoted
    in the prose).  ``line`` is the source line of the cell that breaks the rule and ``cell`` its
    record key — when the broken rules of a table single out one cell, that cell; otherwise the
    total the rule checks (for X3, the prose line; ``cell`` is then ``None``).
    """

    rule: RuleId
    severity: FindingSeverity
    message: str
    message_en: str
    cells: tuple[str, ...] = ()
    expected: Value = None
    actual: Value = None
    line: int | None = None
    cell: str | None = None
    lines: tuple[int | None, ...] = ()
    blank: tuple[str, ...] = ()

    def __str__(self) -> str:
        where = f"line {self.line}: " if self.line is not None else ""
        return f"{where}{self.rule} {self.severity}: {self.message}"


# ---------------------------------------------------------------------------------------------
# The [[checks]] rows of a variant's data


_CHECK_RULES = ("R1", "R2", "R3", "R4", "R5")
_KINDS = ("sum", "count")
_EACH = {"sum": ("row", "column", "once"), "count": ("cell",)}
_TEXT_KEYS = ("where", "where_en", "sum_text", "equals_text", "sum_text_en", "equals_text_en")
_KEYS = {
    "sum": ("rule", "kind", "table", "each", "sum", "equals", *_TEXT_KEYS),
    "count": ("rule", "kind", "table", "each"),
}
_PLACEHOLDERS = frozenset({"label", "key"})


@frozen
class _Check:
    """One ``[[checks]]`` row, read (see docs/checks.md for what each key means)."""

    rule: RuleId
    kind: Literal["sum", "count"]
    table: str | None
    each: Literal["row", "column", "once", "cell"]
    sum: tuple[str, ...] = ()
    equals: tuple[str, ...] = ()
    texts: Mapping[str, str] = attrs.field(factory=dict)


def _read_checks(
    data: Mapping[str, Any], tables: Mapping[str, TableSpec], source: str, *, names: bool = True
) -> list[_Check]:
    """The ``[[checks]]`` of a variant's ``data``, each validated against ``tables`` (the rows
    and columns they name too, unless ``names`` is False)."""
    rows = data.get("checks", [])
    if not isinstance(rows, list):
        raise VariantError(f"{source}: 'checks' must be an array of tables ([[checks]])")
    return [_read_check(row, n, tables, source, names) for n, row in enumerate(rows, 1)]


def _read_check(row: Any, n: int, tables: Mapping[str, TableSpec], source: str, names: bool) -> _Check:
    def fail(message: str) -> VariantError:
        rule = row.get("rule") if isinstance(row, Mapping) else None
        return VariantError(f"{source}: [[checks]] #{n}{f' (rule {rule})' if rule else ''}: {message}")

    if not isinstance(row, Mapping):
        raise fail("a check must be a table of keys")
    rule = row.get("rule")
    if rule not in _CHECK_RULES:
        raise fail(f"'rule' must be one of {', '.join(_CHECK_RULES)}, not {rule!r}")
    kind = row.get("kind", "sum")
    if kind not in _KINDS:
        raise fail(f"unknown kind {kind!r}; known kinds: {', '.join(_KINDS)}")
    unknown = [k for k in row if k not in _KEYS[kind]]
    if unknown:
        raise fail(f"unknown key {unknown[0]!r} for a {kind} check; known keys: {', '.join(_KEYS[kind])}")
    each = row.get("each", "cell" if kind == "count" else None)
    if each not in _EACH[kind]:
        raise fail(f"'each' of a {kind} check must be one of {', '.join(_EACH[kind])}, not {each!r}")
    table = row.get("table")
    if table is not None and table not in tables:
        raise fail(f"no table {table!r}; the variant's tables: {', '.join(tables)}")
    if kind == "count":
        return _Check(rule, kind, table, each)
    if table is None:
        raise fail("a sum check needs 'table'")
    spec = tables[table]
    named: dict[str, tuple[str, ...]] = {}
    for key in ("sum", "equals"):
        value = row.get(key)
        if not isinstance(value, list) or not value or not all(isinstance(x, str) for x in value):
            raise fail(f"{key!r} must be a non-empty array of names")
        for name in value if names else ():
            problem = _name_problem(spec, each, name)
            if problem:
                raise fail(f"{key!r}: {problem}")
        named[key] = tuple(value)
    texts: dict[str, str] = {}
    for key in _TEXT_KEYS:
        if key not in row:
            continue
        text = row[key]
        if not isinstance(text, str):
            raise fail(f"{key!r} must be a string")
        if key.startswith("where"):
            used = {f for _, f, _, _ in string.Formatter().parse(text) if f is not None}
            if not used <= _PLACEHOLDERS:
                raise fail(f"{key!r} may use only {{label}} and {{key}}, not {sorted(used - _PLACEHOLDERS)}")
        texts[key] = text
    return _Check(rule, kind, table, each, named["sum"], named["equals"], texts)


def _name_problem(spec: TableSpec, each: str, name: str) -> str:
    """What is wrong with a cell name of a sum check on ``spec`` ('' when nothing)."""
    if each == "row":  # names are columns
        if name not in _columns(spec):
            return f"table {spec.name!r} has no column {name!r}"
        return ""
    row, column = [*name.rsplit(".", 1), ""][:2] if each == "once" else (name, "")
    if each == "once" and not column:
        return f"{name!r} is not a cell (row.column)"
    if "*" in row.removesuffix(".*"):
        return f"{name!r}: '*' may only end a row family (\"row.*\")"
    rows = _expand(spec, row)
    if not rows:
        return f"table {spec.name!r} has no row {row!r}"
    if column and not any(column in rs.columns for rs in rows):
        return f"table {spec.name!r} has no column {column!r} in row {row!r}"
    return ""


def _columns(spec: TableSpec) -> tuple[str, ...]:
    """The table's columns: its own list, or else every row's, in order."""
    if spec.columns:
        return spec.columns
    return tuple(dict.fromkeys(c for rs in spec.row_specs() for c in rs.columns))


def _expand(spec: TableSpec, name: str) -> list[RowSpec]:
    """The rows ``name`` stands for: a row key, or a family ``"x.*"``: the rows ``x.…``, or the
    row ``x`` itself when the table has no such rows (a family printed as one row)."""
    if not name.endswith(".*"):
        return [rs for rs in spec.row_specs() if rs.row == name]
    head = name[:-1]
    found = [rs for rs in spec.row_specs() if rs.row.startswith(head)]
    return found or [rs for rs in spec.row_specs() if rs.row == name[:-2]]


def validate_checks(
    data: Mapping[str, Any], tables: Mapping[str, TableSpec], *, source: str | None = None
) -> None:
    """Refuse a variant whose ``[[checks]]`` are wrong, with a :class:`~gongkai._errors.VariantError`.

    ``data`` is the variant's merged TOML data (:attr:`Variant.data`), ``tables`` its table specs
    by name.  An unknown key or kind, a rule other than R1–R5, or a check naming a table, row or
    column no table has is refused; the message names ``source`` (default: the variant's name),
    the check's number and rule, and the key.
    """
    _read_checks(data, tables, source or str(data.get("variant", {}).get("name", "variant")))


# ---------------------------------------------------------------------------------------------
# Cells of a report, addressed by the variant's data


class _Cell(NamedTuple):
    key: str
    value: Value
    line: int | None


class _Cells:
    """A report's table read by ``(row, column)``: value and source line of each cell."""

    def __init__(self, table: Table | None, spec: TableSpec) -> None:
        self.prefix = spec.prefix
        self.table = table
        self.rows = {r.key: r for r in table.rows} if table is not None else {}
        self.figures = {(r.key, f.column): f for r in self.rows.values() for f in r.figures}

    def value(self, place: tuple[str, str]) -> Value:
        """The value of the cell at ``(row, column)`` (None: blank, or not printed)."""
        fig = self.figures.get(place)
        return None if fig is None else fig.value

    def __call__(self, row: str, column: str) -> _Cell:
        key = f"{self.prefix}{row}.{column}"
        fig = self.figures.get((row, column))
        r = self.rows.get(row)
        if fig is None:  # no such cell: blank, on its row's line when the row is there
            return _Cell(key, None, None if r is None else r.line)
        return _Cell(key, fig.value, fig.line if fig.line is not None or r is None else r.line)


def _variant_of(report: Report) -> Variant:
    for name in (report.variant, report.edition):
        if name:
            try:
                return get_variant(name)
            except ValueError:
                continue
    raise ValueError(f"the report's variant {report.variant or report.edition!r} is not registered")


_NUMERALS = "一二三四五六"


def _row_labels(spec: TableSpec) -> dict[str, str]:
    """Row key → a label that says which row it is (group label in front of a numbered sub-row)."""
    labels: dict[str, str] = {}
    groups: dict[str, str] = {}
    for rs in spec.row_specs():
        head = rs.row.split(".")[0]
        if rs.group and "." in rs.row:
            groups[head] = rs.group
        group = groups.get(head, "") if "." in rs.row else ""
        labels[rs.row] = f"{group}{rs.label}"
    return labels


def _table_numeral(spec: TableSpec) -> str:
    return _NUMERALS[spec.section - 1] if 1 <= spec.section <= len(_NUMERALS) else spec.name


def _sum(cells: Iterable[_Cell]) -> Value:
    total: int | Decimal = 0
    for c in cells:
        if c.value is None:
            return None
        total = total + c.value
    return total


# ---------------------------------------------------------------------------------------------
# The evaluator: sum checks (R1–R4) and count checks (R5)


class _Equation(NamedTuple):
    """sum(equals cells) = sum(sum cells) at one place of a table (a row, a column, or once)."""

    equals: list[tuple[str, str]]  # (row, column)
    parts: list[tuple[str, str]]
    label: str
    key: str


def _equations(c: _Check, spec: TableSpec) -> list[_Equation]:
    """Where a sum check applies: one equation per row or column of the table, or one only.

    A cell its row does not have (by the variant's data) is left out; an equation left without
    its equals cells does not apply."""
    row_columns = {rs.row: frozenset(rs.columns) for rs in spec.row_specs()}

    def rows(names: Sequence[str]) -> list[str]:
        return list(dict.fromkeys(rs.row for n in names for rs in _expand(spec, n)))

    def keep(cells: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
        return [(r, col) for r, col in cells if col in row_columns.get(r, ())]

    out: list[_Equation] = []
    if c.each == "column":
        sum_rows, equals_rows = rows(c.sum), rows(c.equals)
        for col in _columns(spec):
            equals = keep((r, col) for r in equals_rows)
            if equals:
                parts = keep((r, col) for r in sum_rows)
                out.append(_Equation(equals, parts, spec.column_label(col), col))
    elif c.each == "row":
        labels = _row_labels(spec)
        for rs in spec.row_specs():
            equals = keep((rs.row, col) for col in c.equals)
            if equals:
                out.append(_Equation(equals, keep((rs.row, col) for col in c.sum), labels[rs.row], rs.row))
    else:  # once: names are row.column, a row may be a family
        cells = [keep(x for n in names for x in _once(spec, n)) for names in (c.equals, c.sum)]
        if cells[0]:
            out.append(_Equation(cells[0], cells[1], "", ""))
    return out


def _once(spec: TableSpec, name: str) -> list[tuple[str, str]]:
    row, column = name.rsplit(".", 1)
    return [(rs.row, column) for rs in _expand(spec, row)]


def _solve(c: _Check, spec: TableSpec, cells: _Cells, equations: Sequence[_Equation]) -> list[Finding]:
    """The findings of sum check ``c`` on a table: an error for each equation that does not
    hold, info for each that blank cells make impossible to decide."""
    numeral = _table_numeral(spec)
    where_zh = c.texts.get("where", f"表{numeral}“{{label}}”" if c.each != "once" else f"表{numeral}")
    where_en = c.texts.get(
        "where_en", f"table {numeral}, {{key}}" if c.each != "once" else f"table {numeral}"
    )
    out: list[Finding] = []
    for eq in equations:
        places = (*eq.equals, *eq.parts)
        values = [cells.value(place) for place in places]
        k = len(eq.equals)
        if None not in values and sum(values[:k]) == sum(values[k:]):  # type: ignore[arg-type]
            continue  # it holds: no record keys or lines to work out
        got = [cells(r, col) for r, col in places]
        keys = tuple(x.key for x in got)
        lines = tuple(x.line for x in got)
        where = where_zh.format(label=eq.label, key=eq.key)
        where_e = where_en.format(label=eq.label, key=eq.key)
        blank = tuple(x.key for x in got if x.value is None)
        if blank:
            shown = "、".join(blank[:6]) + ("等" if len(blank) > 6 else "")
            shown_en = ", ".join(blank[:6]) + (" …" if len(blank) > 6 else "")
            out.append(
                Finding(
                    c.rule,
                    "info",
                    f"{where}的{c.rule}无法核对：{shown}为空或缺失。",
                    f"{c.rule} cannot be checked for {where_e}: {shown_en} blank or missing.",
                    keys,
                    None,
                    None,
                    lines[0],
                    keys[0],
                    lines,
                    blank,
                )
            )
            continue
        actual = _sum(got[:k])
        expected = _sum(got[k:])
        equals_zh = c.texts.get("equals_text", "、".join(c.equals))
        sum_zh = c.texts.get("sum_text", "、".join(c.sum) + "之和")
        equals_en = c.texts.get("equals_text_en", " + ".join(c.equals))
        sum_en = c.texts.get("sum_text_en", " + ".join(c.sum))
        out.append(
            Finding(
                c.rule,
                "error",
                f"{where}：{equals_zh}为{_render(actual)}，而{sum_zh}为{_render(expected)}，两者不等。",
                f"{where_e}: {equals_en} is {_render_en(actual)} but {sum_en} is {_render_en(expected)}.",
                keys,
                expected,
                actual,
                lines[0],
                keys[0],
                lines,
            )
        )
    return out


def _pinpoint(findings: list[Finding], cells: _Cells) -> list[Finding]:
    """Point each broken rule at the one cell the broken rules of the table share, if there is one.

    A single wrong figure of table 三 breaks two rules at once (its row's R2 and its column's R3,
    or R1 and R2); the cell both rules have in common is the one to look at.  (A table has at
    most a few dozen equations, so comparing every pair of errors stays small.)
    """
    errors = [(f, set(f.cells)) for f in findings if f.severity == "error"]
    if len({f.rule for f, _ in errors}) < 2:
        return findings
    out: list[Finding] = []
    for f in findings:
        if f.severity != "error":
            out.append(f)
            continue
        mine = set(f.cells)
        shared: set[str] = set()
        for g, theirs in errors:
            common = mine & theirs
            if g.rule != f.rule and len(common) == 1:
                shared |= common
        if len(shared) == 1:
            key = next(iter(shared))
            row, _, column = key.removeprefix(cells.prefix).rpartition(".")
            line = cells(row, column).line if (row, column) in cells.figures else f.line
            out.append(attrs.evolve(f, cell=key, line=line))
        else:
            out.append(f)
    return out


def _missing_table(rule: RuleId, spec: TableSpec) -> Finding:
    keys = tuple(f"{spec.prefix}{rs.row}.{col}" for rs in spec.row_specs() for col in rs.columns)
    name = _table_numeral(spec)
    return Finding(
        rule,
        "info",
        f"报告中没有表{name}（{spec.title}），{rule}无法核对。",
        f"The report has no table {name} ({spec.name}); {rule} cannot be checked.",
        keys,
        lines=tuple(None for _ in keys),
        blank=keys,
    )


def _sum_rules(report: Report, variant: Variant, checks: Sequence[_Check]) -> list[Finding]:
    """Every sum check, table by table (in the order of their first check)."""
    out: list[Finding] = []
    for name in dict.fromkeys(c.table for c in checks if c.kind == "sum"):
        assert name is not None
        spec = variant.table(name)
        assert spec is not None  # validated: the check's table is one of the variant's
        mine = [c for c in checks if c.kind == "sum" and c.table == name]
        table = report.tables.get(name)
        if table is None or not table.rows:
            out.extend(_missing_table(rule, spec) for rule in dict.fromkeys(c.rule for c in mine))
            continue
        cells = _Cells(table, spec)
        equations = _equations_of(variant)
        found = [f for c in mine for f in _solve(c, spec, cells, equations[id(c)])]
        out.extend(_pinpoint(found, cells))
    return out


def _count_rules(report: Report, variant: Variant, checks: Sequence[_Check]) -> list[Finding]:
    """Every count check: each figure a whole number ≥ 0, but for its row's money and signed
    columns."""
    out: list[Finding] = []
    for c in checks:
        if c.kind != "count":
            continue
        for name, table in report.tables.items():
            if c.table is not None and name != c.table:
                continue
            spec = variant.table(name)
            specs = {rs.row: rs for rs in spec.row_specs()} if spec is not None else {}
            prefix = spec.prefix if spec is not None else f"{name}."
            for row in table.rows:
                rs = specs.get(row.key)
                for fig in row.figures:
                    v = fig.value
                    if v is None or (type(v) is int and v >= 0):
                        continue  # blank, or a whole non-negative count: nothing to say
                    money = rs is not None and fig.column in rs.money
                    signed = rs is not None and fig.column in rs.signed
                    line = fig.line if fig.line is not None else row.line
                    f = _r5(c.rule, f"{prefix}{row.key}.{fig.column}", fig, line, money, signed)
                    if f is not None:
                        out.append(f)
    return out


def _r5(rule: RuleId, key: str, fig: Figure, line: int | None, money: bool, signed: bool) -> Finding | None:
    v = fig.value
    assert v is not None
    raw = fig.raw or str(v)
    if v < 0 and not signed:
        what, what_en = ("金额", "an amount") if money else ("件数", "a count")
        return Finding(
            rule,
            "error",
            f"{key}为负数{raw}，{what}不能为负。",
            f"{key} is negative ({raw}); {what_en} cannot be negative.",
            (key,),
            None,
            v,
            line,
            key,
            (line,),
        )
    if money or not isinstance(v, Decimal):
        return None
    if v != v.to_integral_value():
        return Finding(
            rule,
            "error",
            f"{key}为{raw}，件数应为整数。",
            f"{key} is {raw}; a count must be a whole number.",
            (key,),
            None,
            v,
            line,
            key,
            (line,),
        )
    return Finding(
        rule,
        "info",
        f"{key}印作{raw}，件数带有小数位。",
        f"{key} is printed as {raw}, a count with decimal places.",
        (key,),
        int(v),
        v,
        line,
        key,
        (line,),
    )


# ---------------------------------------------------------------------------------------------
# X1, X2: across years


def _consecutive(report: Report, previous: Report, rule: RuleId) -> Finding | None:
    if report.year is None or previous.year is None or previous.year == report.year - 1:
        return None
    return Finding(
        rule,
        "info",
        f"上一年度报告为{previous.year}年，不是{report.year - 1}年，{rule}不核对。",
        f"The previous report is for {previous.year}, not {report.year - 1}; {rule} is not checked.",
    )


def _x1(report: Report, previous: Report, variant: Variant, pvariant: Variant) -> list[Finding]:
    spec, pspec = variant.table("requests"), pvariant.table("requests")
    if spec is None or pspec is None:
        return []
    rows = {rs.row: rs for rs in spec.row_specs()}
    prows = {rs.row: rs for rs in pspec.row_specs()}
    if "carried_over" not in rows or "carried_forward" not in prows:
        return []
    skip = _consecutive(report, previous, "X1")
    if skip is not None:
        return [skip]
    this_cells = _Cells(report.tables.get("requests"), spec)
    last_cells = _Cells(previous.tables.get("requests"), pspec)
    out: list[Finding] = []
    for col in rows["carried_over"].columns:
        if col not in prows["carried_forward"].columns:
            continue
        this = this_cells("carried_over", col)
        last = last_cells("carried_forward", col)
        keys = (this.key, f"{last.key}@previous")
        where = f"“{spec.column_label(col)}”列"
        if this.value is None or last.value is None:
            blank = tuple(k for k, c in zip(keys, (this, last), strict=True) if c.value is None)
            out.append(
                Finding(
                    "X1",
                    "info",
                    f"{where}的X1无法核对：{'、'.join(blank)}为空或缺失。",
                    f"X1 cannot be checked for column {col}: {', '.join(blank)} blank or missing.",
                    keys,
                    None,
                    None,
                    this.line,
                    this.key,
                    (this.line, last.line),
                    blank,
                )
            )
        elif this.value != last.value:
            out.append(
                Finding(
                    "X1",
                    "warning",
                    f"{where}：本年度“上年结转”为{this.value}，而上一年度“结转下年度继续办理”为{last.value}。",
                    f"Column {col}: this year's carried over is {this.value}, "
                    f"but last year's carried forward is {last.value}.",
                    keys,
                    last.value,
                    this.value,
                    this.line,
                    this.key,
                    (this.line, last.line),
                )
            )
    return out


_X2_COLUMNS = ("in_force", "issued", "repealed")


def _x2(report: Report, previous: Report, variant: Variant, pvariant: Variant) -> list[Finding]:
    spec, pspec = variant.table("active"), pvariant.table("active")
    if spec is None or pspec is None:
        return []
    prows = {rs.row: rs for rs in pspec.row_specs()}
    wanted = [
        rs
        for rs in spec.row_specs()
        if set(_X2_COLUMNS) <= set(rs.columns) and rs.row in prows and "in_force" in prows[rs.row].columns
    ]
    if not wanted:
        return []
    skip = _consecutive(report, previous, "X2")
    if skip is not None:
        return [skip]
    this_cells = _Cells(report.tables.get("active"), spec)
    last_cells = _Cells(previous.tables.get("active"), pspec)
    labels = _row_labels(spec)
    out: list[Finding] = []
    for rs in wanted:
        now = this_cells(rs.row, "in_force")
        before = last_cells(rs.row, "in_force")
        issued = this_cells(rs.row, "issued")
        repealed = this_cells(rs.row, "repealed")
        cells = (now, before, issued, repealed)
        keys = (now.key, f"{before.key}@previous", issued.key, repealed.key)
        lines = tuple(c.line for c in cells)
        where = f"“{labels[rs.row]}”"
        blank = tuple(k for k, c in zip(keys, cells, strict=True) if c.value is None)
        if blank:
            out.append(
                Finding(
                    "X2",
                    "info",
                    f"{where}的X2无法核对：{'、'.join(blank)}为空或缺失。",
                    f"X2 cannot be checked for {rs.row}: {', '.join(blank)} blank or missing.",
                    keys,
                    None,
                    None,
                    now.line,
                    now.key,
                    lines,
                    blank,
                )
            )
            continue
        assert before.value is not None and issued.value is not None and repealed.value is not None
        expected = before.value + issued.value - repealed.value
        if expected != now.value:
            out.append(
                Finding(
                    "X2",
                    "warning",
                    f"{where}：现行有效件数为{now.value}，而上年现行有效{before.value}件加本年制发"
                    f"{issued.value}件减本年废止{repealed.value}件为{expected}件。",
                    f"{rs.row}: {now.value} in force, but last year's {before.value} + {issued.value} "
                    f"issued − {repealed.value} repealed = {expected}.",
                    keys,
                    expected,
                    now.value,
                    now.line,
                    now.key,
                    lines,
                )
            )
    return out


# ---------------------------------------------------------------------------------------------
# X3: figures quoted in the prose of section 一

_NUM = r"(?P<n>\d{1,3}(?:,\d{3})+|\d+)"
_GAP = r"[^。；;，,:：!！?？\d%％]"
# a gap holding one of these words is about something else than the plain count
_STOP = re.compile(
    r"增|减|较|同比|环比|上年|去年|结转|占|比例|其中|涉及|自然人|企业|法人|办结|答复|转办|"
    r"维持|纠正|其他|尚未|审结|结果|撤销|确认|平均"
)
# …and a number after one of these is not an exact count of the whole
_APPROX = re.compile(r"(?:各|每|约|近|超过|逾|不足|不到|以上)$")
_REQUESTS = (
    re.compile(
        rf"(?P<verb>新收|收到|受理|接收|办理)(?P<gap>{_GAP}{{0,30}}?)申请(?P<gap2>{_GAP}{{0,6}}?){_NUM}件"
    ),
    re.compile(rf"(?P<verb>新收|收到|受理|接收)(?P<gap>{_GAP}{{0,6}}?){_NUM}件(?P<gap2>{_GAP}{{0,12}}?)申请"),
)
_REVIEW = re.compile(rf"行政复议(?P<gap>{_GAP}{{0,10}}?){_NUM}(?:件|起|宗)")
_LITIGATION = re.compile(rf"行政诉讼(?P<gap>{_GAP}{{0,10}}?){_NUM}(?:件|起|宗)")
# a quoted count longer than this is no count a table can hold (and int() refuses > 4300 digits)
_MAX_DIGITS = 30


@frozen
class _Quote:
    kind: Literal["requests", "review", "litigation"]
    verb: str
    value: int
    line: int
    text: str


class _Prose:
    """Section 一 as one NFKC-normalised string without white space, and where each piece of
    it came from (its source line and topic: the sub-item heading above it and its paragraph).

    White space (line ends included: PDF text wraps mid-sentence) is dropped, except between two
    digits, where it becomes ``|`` so that two numbers never run together.
    """

    def __init__(self, report: Report) -> None:
        section = report.section(1)
        paragraphs = section.paragraphs if section is not None else ()
        self.lines = [p.line for p in paragraphs]
        texts = [p.text for p in paragraphs]
        # one normalisation for the whole section (NFKC never makes or removes a line end), or
        # one per paragraph when a paragraph holds a line end itself
        joined = nfkc("\n".join(texts)).split("\n")
        self.texts = joined if len(joined) == len(texts) else [nfkc(t) for t in texts]
        # per paragraph: the nearest sub-item heading at or above it (-1: none), found in one
        # pass so that looking up a quote's topic is constant time
        self.items: list[int] = []
        last = -1
        for k, p in enumerate(paragraphs):
            if p.item:
                last = k
            self.items.append(last)
        parts = [_squeeze(t) for t in self.texts]
        for k in range(1, len(parts)):
            if parts[k][:1].isdigit() and parts[k - 1][-1:].isdigit():
                parts[k] = "|" + parts[k]
        self.starts = list(accumulate(map(len, parts), initial=0))[:-1]
        self.text = "".join(parts)

    def _at(self, pos: int) -> int:
        return max(bisect_right(self.starts, pos) - 1, 0)

    def line(self, pos: int) -> int:
        """The source line of the character at ``pos``."""
        return (self.lines[self._at(pos)] or 0) if self.lines else 0

    def about(self, pos: int, word: str) -> bool:
        """Whether the topic of the character at ``pos`` (its sub-item heading and its
        paragraph) holds ``word``."""
        if not self.texts:
            return False
        k = self._at(pos)
        return word in self.texts[k] or (self.items[k] >= 0 and word in self.texts[self.items[k]])


def _squeeze(text: str) -> str:
    """``text`` without white space, but for a ``|`` where it stood between two digits."""
    pieces = text.split()  # the pieces between runs of white space (none at either end)
    out = pieces[:1]
    for prev, piece in pairwise(pieces):
        if prev[-1].isdigit() and piece[0].isdigit():
            out.append("|")
        out.append(piece)
    return "".join(out)


_SENTENCE_REACH = 200  # characters looked at on each side: a sentence, not the whole prose


def _sentence(text: str, start: int, end: int) -> str:
    """The sentence around ``text[start:end]``, at most ``_SENTENCE_REACH`` characters each side
    (a bounded look keeps many quotes in one long paragraph linear)."""
    lo, hi = max(0, start - _SENTENCE_REACH), min(len(text), end + _SENTENCE_REACH)
    left = max((text.rfind(ch, lo, start) for ch in "。；;!！?？"), default=-1)
    rights = [i for i in (text.find(ch, end, hi) for ch in "。；;!！?？") if i >= 0]
    return text[max(left + 1, lo) : min(rights) if rights else hi]


def _quotes(report: Report) -> list[_Quote]:
    prose = _Prose(report)
    text = prose.text
    found: dict[tuple[int, int], _Quote] = {}

    def add(kind: Literal["requests", "review", "litigation"], m: re.Match[str], verb: str) -> None:
        span = m.span("n")
        if span in found:  # the same figure, quoted by an earlier pattern
            return
        digits = m.group("n").replace(",", "")
        if len(digits) > _MAX_DIGITS:
            return
        found_gaps = m.groupdict()
        gaps = (found_gaps.get("gap") or "") + (found_gaps.get("gap2") or "")
        if _STOP.search(gaps) or _APPROX.search(text, m.start(), m.start("n")):
            return
        if kind == "requests":
            # a request for information disclosure: said so in the quote, or a bare count of
            # 申请 in the paragraph about 依申请公开 (not 受理行政许可申请…)
            if "公开" not in m.group(0) and not (len(gaps) <= 2 and prose.about(m.start(), "依申请")):
                return
        elif "公开" not in _sentence(text, m.start(), m.end()):
            return
        if (kind == "review" and "诉讼" in gaps) or (kind == "litigation" and "复议" in gaps):
            return
        found[span] = _Quote(kind, verb, int(digits), prose.line(span[0]), m.group(0))

    for pattern in _REQUESTS:
        for m in pattern.finditer(text):
            add("requests", m, m.group("verb"))
    for m in _REVIEW.finditer(text):
        add("review", m, "行政复议")
    for m in _LITIGATION.finditer(text):
        add("litigation", m, "行政诉讼")
    return [q for _, q in sorted(found.items())]


def _x3_options(
    rcells: _Cells | None, acells: _Cells | None
) -> dict[tuple[str, bool], list[tuple[str, list[_Cell]]]]:
    """Per kind of quote (and whether its verb is 办理): the table figures it may stand for,
    the first the one it should be.  The same for every quote of a kind, so read once."""
    out: dict[tuple[str, bool], list[tuple[str, list[_Cell]]]] = {}
    if rcells is not None:
        new, over = rcells("new", "total"), rcells("carried_over", "total")
        options = [("本年新收申请", [new]), ("新收与上年结转之和", [new, over])]
        out["requests", False] = options
        out["requests", True] = [*options, ("办理结果总计", [rcells("total", "total")])]
    if acells is not None:
        direct = acells("litigation.direct", "total")
        after = acells("litigation.after_review", "total")
        out["review", False] = [("行政复议总计", [acells("review", "total")])]
        out["litigation", False] = [
            ("行政诉讼总计", [direct, after]),
            ("未经复议直接起诉总计", [direct]),
            ("复议后起诉总计", [after]),
        ]
    return out


def _x3(report: Report, variant: Variant) -> list[Finding]:
    quotes = _quotes(report)
    if not quotes:
        return []
    out: list[Finding] = []
    req, app = variant.table("requests"), variant.table("appeals")
    rcells = _Cells(report.tables.get("requests"), req) if req is not None else None
    acells = _Cells(report.tables.get("appeals"), app) if app is not None else None
    # what each kind of quote is compared with: keys, cells, lines and sums, once per report
    compared: dict[
        tuple[str, bool],
        tuple[tuple[str, ...], tuple[int | None, ...], list[tuple[str, str, Value]], tuple[str, ...]],
    ] = {}
    for kind, options in _x3_options(rcells, acells).items():
        keys = tuple(dict.fromkeys(c.key for _, cs in options for c in cs))
        cells = {c.key: c for _, cs in options for c in cs}
        lines = tuple(cells[k].line for k in keys)
        sums = [(name, " + ".join(c.key for c in cs), _sum(cs)) for name, cs in options]
        blank = tuple(k for k in keys if cells[k].value is None)
        compared[kind] = (keys, lines, [s for s in sums if s[2] is not None], blank)
    for q in quotes:
        found = compared.get((q.kind, q.kind == "requests" and q.verb == "办理"))
        if found is None:
            continue
        keys, lines, decidable, blank = found
        quoted = f"总体情况中“{q.text}”"
        if not decidable:
            out.append(
                Finding(
                    "X3",
                    "info",
                    f"{quoted}无法与表格核对：{'、'.join(blank)}为空或缺失。",
                    f"The figure {q.value} quoted in section 一 cannot be checked: "
                    f"{', '.join(blank)} blank or missing.",
                    keys,
                    None,
                    q.value,
                    q.line,
                    None,
                    lines,
                    blank,
                )
            )
            continue
        if any(s[2] == q.value for s in decidable):
            continue
        name, used, expected = decidable[0]
        out.append(
            Finding(
                "X3",
                "warning",
                f"{quoted}为{q.value}件，而表格中{name}为{expected}件。",
                f"Section 一 quotes {q.value} ({q.kind}), but the table gives {expected} ({used}).",
                keys,
                expected,
                q.value,
                q.line,
                None,
                lines,
            )
        )
    return out


# ---------------------------------------------------------------------------------------------


_ORDER = {rule: i for i, rule in enumerate(RULES)}


@cache
def _checks_of(variant: Variant) -> list[_Check]:
    """The variant's checks, read once per variant (as its parser is built once): the names
    were validated when the variant loaded (validate_checks)."""
    tables = {t.name: t for t in variant.tables}
    return _read_checks(variant.data, tables, variant.name, names=False)


@cache
def _equations_of(variant: Variant) -> dict[int, list[_Equation]]:
    """Where each of the variant's sum checks applies (by the check's identity in
    :func:`_checks_of`): the variant's data decides it, once."""
    out: dict[int, list[_Equation]] = {}
    for c in _checks_of(variant):
        spec = variant.table(c.table) if c.table is not None else None
        if c.kind == "sum" and spec is not None:
            out[id(c)] = _equations(c, spec)
    return out


def check(report: Report, *, previous: Report | None = None) -> list[Finding]:
    """Check the arithmetic (勾稽关系) of ``report``: rules R1–R5 (the ``[[checks]]`` of its
    variant's data) and X3, with ``previous`` (the report of the year before) also X1 and X2.

    Returns the findings in rule order (R1, R2, R3, R4, R5, X1, X2, X3): ``"error"`` for a broken
    R-rule, ``"warning"`` for a broken X-rule, ``"info"`` for a check blank cells make impossible
    to decide.  Nothing is returned for a rule that holds.  The report is not changed.
    Raises ``ValueError`` when the report's variant is not registered.
    """
    variant = _variant_of(report)
    checks = _checks_of(variant)
    findings = _sum_rules(report, variant, checks)
    findings += _count_rules(report, variant, checks)
    if previous is not None:
        pvariant = _variant_of(previous)
        findings += _x1(report, previous, variant, pvariant)
        findings += _x2(report, previous, variant, pvariant)
    findings += _x3(report, variant)
    return sorted(findings, key=lambda f: _ORDER[f.rule])
