"""The arithmetic checks (勾稽关系) of template.md §5: :func:`check` and :class:`Finding`.

:func:`check` reads a parsed :class:`~gongkai.model.Report` and returns what does not add up,
as a list of :class:`Finding` objects; it never changes a figure.

* **R1** – table 三, every column: 一 + 二 = 三（七）总计 + 四.
* **R2** – table 三, every row: 总计 = the sum of the applicant columns.
* **R3** – table 三, every column: （七）总计 = the sum of every result row between 予以公开 and 总计.
* **R4** – table 四, every block: 总计 = 维持 + 纠正 + 其他 + 尚未审结.
* **R5** – every figure: counts are whole numbers ≥ 0; money may have decimals; the columns a
  variant marks ``signed`` may be negative.
* **X1** – with ``previous=``: last year's 结转下年度 = this year's 上年结转, per column.
* **X2** – with ``previous=``: 现行有效件数(Y) = 现行有效件数(Y−1) + 本年制发件数(Y) − 本年废止件数(Y).
* **X3** – figures quoted in the prose of section 一 agree with the tables.

A broken R-rule is an ``"error"``, a broken X-rule a ``"warning"``; a check that blank cells
(or rows, or tables, the report does not print) make impossible to decide is an ``"info"``
finding naming the blank cells.  The rules are written over the variant's data
(:func:`gongkai.variants.get_variant`), so every edition and regional variant is covered.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from functools import cache, lru_cache, partial
from operator import is_not
from typing import Literal, NamedTuple, cast

import attrs
from attrs import frozen

from .layout import nfkc
from .model import Figure, Report, Table, TableShape, Value
from .variants import RowSpec, TableSpec, Variant, get_variant

__all__ = ["RULES", "Finding", "FindingSeverity", "RuleId", "check"]

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
    record key — when the broken rules of table 三 single out one cell, that cell; otherwise the
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
# Cells of a report, addressed by the variant's data


class _Cell(NamedTuple):  # hundreds per report when a rule cannot take the fast path
    key: str
    value: Value
    line: int | None


def _cell(table: Table | None, spec: TableSpec, row: str, column: str) -> _Cell:
    key = f"{spec.prefix}{row}.{column}"
    if table is None:
        return _Cell(key, None, None)
    cells = table.cells
    i = cells.shape.index.get(f"{row}.{column}")
    if i is None:  # no such cell: blank, on its row's line when the row is there
        r = cells.shape.row_index.get(row)
        return _Cell(key, None, None if r is None else cells.row_lines[r])
    return _Cell(key, cells.values[i], cells.line(i))


def _all_cells(table: Table, spec: TableSpec) -> dict[tuple[str, str], _Cell]:
    """Every cell of ``spec``'s rows and columns in ``table``, made in one pass."""
    cells = table.cells
    values, row_lines, sources = cells.values, cells.row_lines, cells.sources
    out: dict[tuple[str, str], _Cell] = {}
    for row, col, key, i, r in _where(
        cells.shape, spec.prefix, tuple((rs.row, rs.columns) for rs in spec.row_specs())
    ):
        if i is not None:
            src = sources[i]
            line = src.line if src is not None and src.line is not None else row_lines[r]
            out[row, col] = _Cell(key, values[i], line)
        else:
            out[row, col] = _Cell(key, None, None if r < 0 else row_lines[r])
    return out


@lru_cache(maxsize=256)
def _where(
    shape: TableShape, prefix: str, rows: tuple[tuple[str, tuple[str, ...]], ...]
) -> list[tuple[str, str, str, int | None, int]]:
    """Per cell of ``rows``: row, column, record key, index in ``shape`` (None: not there) and
    the index of its row (-1: the table lacks the row)."""
    out: list[tuple[str, str, str, int | None, int]] = []
    for row, columns in rows:
        r = shape.row_index.get(row, -1)
        for col in columns:
            out.append((row, col, f"{prefix}{row}.{col}", shape.index.get(f"{row}.{col}"), r))
    return out


def _table(report: Report, name: str) -> Table | None:
    for t in report.tables:
        if t.name == name:
            return t
    return None


def _variant_of(report: Report) -> Variant:
    for name in (report.variant, report.edition):
        if name:
            try:
                return get_variant(name)
            except ValueError:
                continue
    raise ValueError(f"the report's variant {report.variant or report.edition!r} is not registered")


_COLUMN_LABELS = {
    "natural_person": "自然人",
    "commercial": "商业企业",
    "research": "科研机构",
    "social_welfare": "社会公益组织",
    "legal_services": "法律服务机构",
    "other_org": "其他",
    "total": "总计",
    "upheld": "结果维持",
    "corrected": "结果纠正",
    "other": "其他结果",
    "pending": "尚未审结",
}


def _column_label(column: str) -> str:
    return _COLUMN_LABELS.get(column, column)


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


def _sum(cells: Iterable[_Cell]) -> Value:
    total: int | Decimal = 0
    for c in cells:
        if c.value is None:
            return None
        total = total + c.value
    return total


# ---------------------------------------------------------------------------------------------
# The equations of R1–R4


def _equation(
    rule: RuleId,
    printed: Sequence[_Cell],
    parts: Sequence[_Cell],
    where: str,
    where_en: str,
    printed_zh: str,
    parts_zh: str,
    printed_en: str,
    parts_en: str,
) -> Finding | None:
    """sum(printed) must equal sum(parts): an error when not, info when a cell is blank."""
    cells = (*printed, *parts)
    blank = tuple(c.key for c in cells if c.value is None)
    if not blank:
        expected = _sum(parts)
        actual = _sum(printed)
        if expected == actual:
            return None  # the common case: nothing more to work out
    keys = tuple(c.key for c in cells)
    lines = tuple(c.line for c in cells)
    head = printed[0]
    if blank:
        shown = "、".join(blank[:6]) + ("等" if len(blank) > 6 else "")
        shown_en = ", ".join(blank[:6]) + (" …" if len(blank) > 6 else "")
        return Finding(
            rule,
            "info",
            f"{where}的{rule}无法核对：{shown}为空或缺失。",
            f"{rule} cannot be checked for {where_en}: {shown_en} blank or missing.",
            keys,
            None,
            None,
            head.line,
            head.key,
            lines,
            blank,
        )
    return Finding(
        rule,
        "error",
        f"{where}：{printed_zh}为{_render(actual)}，而{parts_zh}为{_render(expected)}，两者不等。",
        f"{where_en}: {printed_en} is {_render_en(actual)} but {parts_en} is {_render_en(expected)}.",
        keys,
        expected,
        actual,
        head.line,
        head.key,
        lines,
    )


_T3_OUTSIDE = frozenset({"new", "carried_over", "total", "carried_forward"})


def _requests_hold(table: Table, rows: list[str], columns: Sequence[str], results: list[str]) -> bool:
    """R1–R3 on plain numbers, for the common case: True only when every cell the rules read
    is an ``int`` and every equation holds (anything else takes the detailed path)."""
    cells = table.cells
    grid = _grid(cells.shape, tuple(rows), tuple(columns))
    if grid is None:
        return False
    values = cells.values
    table_values: dict[str, list[int]] = {}
    for key, where in grid.items():
        row_values = [values[i] for i in where]
        for v in row_values:
            if type(v) is not int:
                return False
        table_values[key] = cast("list[int]", row_values)
    if "total" in columns:
        t = list(columns).index("total")
        for ints in table_values.values():  # R2
            if ints[t] + ints[t] != sum(ints):
                return False
    if {"new", "carried_over", "total", "carried_forward"} <= table_values.keys():
        new, over = table_values["new"], table_values["carried_over"]
        total, forward = table_values["total"], table_values["carried_forward"]
        for i in range(len(columns)):  # R1
            if new[i] + over[i] != total[i] + forward[i]:
                return False
    if "total" in table_values and results:
        total = table_values["total"]
        parts = [table_values[r] for r in results]
        for i in range(len(columns)):  # R3
            if total[i] != sum(p[i] for p in parts):
                return False
    return True


@lru_cache(maxsize=256)
def _grid(shape: TableShape, rows: tuple[str, ...], columns: tuple[str, ...]) -> dict[str, list[int]] | None:
    """Where the cells of ``rows`` × ``columns`` are in a table of ``shape`` (None: not all there)."""
    out: dict[str, list[int]] = {}
    for row in rows:
        where = [shape.index.get(f"{row}.{c}") for c in columns]
        if None in where:
            return None
        out[row] = [i for i in where if i is not None]
    return out


def _requests_rules(report: Report, variant: Variant) -> list[Finding]:
    spec = variant.table("requests")
    if spec is None:
        return []
    table = _table(report, "requests")
    if table is None or not table.rows:
        return [_missing_table(rule, spec, "三") for rule in ("R1", "R2", "R3")]
    row_specs = spec.row_specs()
    rows = [rs.row for rs in row_specs]
    columns = spec.columns or (row_specs[0].columns if row_specs else ())
    results = [r for r in rows if r not in _T3_OUTSIDE]
    if _requests_hold(table, rows, columns, results):
        return []  # every cell filled and R1–R3 hold: nothing to report
    labels = _row_labels(spec)
    out: list[Finding] = []

    grid = _all_cells(table, spec)  # R1–R3 address each cell several times

    def c(row: str, col: str) -> _Cell:
        return grid.get((row, col)) or _cell(table, spec, row, col)

    if {"new", "carried_over", "total", "carried_forward"} <= set(rows):
        for col in columns:
            f = _equation(
                "R1",
                [c("total", col), c("carried_forward", col)],
                [c("new", col), c("carried_over", col)],
                f"表三“{_column_label(col)}”列",
                f"table 三, column {col}",
                "（七）总计加四、结转下年度",
                "一、本年新收加二、上年结转",
                "total + carried forward",
                "new + carried over",
            )
            if f is not None:
                out.append(f)
    if "total" in columns:
        parts_cols = [col for col in columns if col != "total"]
        for rs in row_specs:
            if "total" not in rs.columns:
                continue
            f = _equation(
                "R2",
                [c(rs.row, "total")],
                [c(rs.row, col) for col in parts_cols if col in rs.columns],
                f"表三“{labels[rs.row]}”行",
                f"table 三, row {rs.row}",
                "总计",
                "各类申请人之和",
                "the total",
                "the sum of the applicant columns",
            )
            if f is not None:
                out.append(f)
    if "total" in rows and results:
        for col in columns:
            f = _equation(
                "R3",
                [c("total", col)],
                [c(r, col) for r in results],
                f"表三“{_column_label(col)}”列",
                f"table 三, column {col}",
                "（七）总计",
                "各项办理结果之和",
                "the total of results",
                "the sum of the result rows",
            )
            if f is not None:
                out.append(f)
    return _pinpoint(out, lambda key: _cell_of_key(table, key, spec.prefix)) if out else out


def _cell_of_key(table: Table, key: str, prefix: str) -> _Cell | None:
    """The cell of full record ``key``, or None when the table has no such cell."""
    cells = table.cells
    i = cells.shape.index.get(key.removeprefix(prefix))
    return None if i is None else _Cell(key, cells.values[i], cells.line(i))


def _pinpoint(findings: list[Finding], cell_of: Callable[[str], _Cell | None]) -> list[Finding]:
    """Point each broken rule at the one cell the broken rules of the table share, if there is one.

    A single wrong figure of table 三 breaks two rules at once (its row's R2 and its column's R3,
    or R1 and R2); the cell both rules have in common is the one to look at.
    """
    errors = [f for f in findings if f.severity == "error"]
    if len({f.rule for f in errors}) < 2:
        return findings  # no two broken rules of different kinds: nothing shared to point at
    out = []
    for f in findings:
        if f.severity != "error":
            out.append(f)
            continue
        shared: set[str] = set()
        for g in errors:
            if g.rule != f.rule:
                common = set(f.cells) & set(g.cells)
                if len(common) == 1:
                    shared |= common
        if len(shared) == 1:
            key = next(iter(shared))
            cell = cell_of(key)
            out.append(attrs.evolve(f, cell=key, line=cell.line if cell is not None else f.line))
        else:
            out.append(f)
    return out


def _missing_table(rule: RuleId, spec: TableSpec, name: str) -> Finding:
    keys = tuple(f"{spec.prefix}{rs.row}.{col}" for rs in spec.row_specs() for col in rs.columns)
    return Finding(
        rule,
        "info",
        f"报告中没有表{name}（{spec.title}），{rule}无法核对。",
        f"The report has no table {name} ({spec.name}); {rule} cannot be checked.",
        keys,
        lines=tuple(None for _ in keys),
        blank=keys,
    )


def _appeals_rules(report: Report, variant: Variant) -> list[Finding]:
    spec = variant.table("appeals")
    if spec is None:
        return []
    table = _table(report, "appeals")
    if table is None or not table.rows:
        return [_missing_table("R4", spec, "四")]
    if _appeals_hold(table, spec):
        return []  # every row's total is filled in and adds up: nothing to report
    labels = _row_labels(spec)
    out: list[Finding] = []
    for rs in spec.row_specs():
        if "total" not in rs.columns:
            continue
        parts = [_cell(table, spec, rs.row, col) for col in rs.columns if col != "total"]
        f = _equation(
            "R4",
            [_cell(table, spec, rs.row, "total")],
            parts,
            f"表四“{labels[rs.row]}”",
            f"table 四, {rs.row}",
            "总计",
            "、".join(_column_label(col) for col in rs.columns if col != "total") + "之和",
            "the total",
            " + ".join(col for col in rs.columns if col != "total"),
        )
        if f is not None:
            out.append(f)
    return out


def _appeals_hold(table: Table, spec: TableSpec) -> bool:
    """R4 on plain numbers: True only when every cell it reads is an ``int`` and every row adds up."""
    cells = table.cells
    index, values = cells.shape.index, cells.values
    for rs in spec.row_specs():
        if "total" not in rs.columns:
            continue
        row: list[int] = []
        for col in rs.columns:
            i = index.get(f"{rs.row}.{col}")
            v = None if i is None else values[i]
            if type(v) is not int:
                return False
            row.append(v)
        if row[rs.columns.index("total")] * 2 != sum(row):
            return False
    return True


# ---------------------------------------------------------------------------------------------
# R5: whole numbers ≥ 0


@cache
def _specs_by_key(variant: Variant) -> dict[str, tuple[TableSpec, RowSpec]]:
    out: dict[str, tuple[TableSpec, RowSpec]] = {}
    for t in variant.tables:
        for rs in t.row_specs():
            out[f"{t.prefix}{rs.row}"] = (t, rs)
    return out


_COUNT_TYPES = frozenset({int, type(None)})


def _figures(values: Sequence[Value]) -> Iterable[int]:
    """The values that are not None, for tables that hold only counts."""
    return cast("Iterable[int]", filter(partial(is_not, None), values))


def _figure_rules(report: Report, variant: Variant) -> list[Finding]:
    out: list[Finding] = []
    specs: dict[str, tuple[TableSpec, RowSpec]] | None = None
    for table in report.tables:
        cells = table.cells
        values = cells.values
        if set(map(type, values)) <= _COUNT_TYPES and min(_figures(values), default=0) >= 0:
            continue  # only blanks and whole non-negative counts (checked at C speed)
        for i, v in enumerate(values):
            if v is None or (type(v) is int and v >= 0):
                continue  # blank, or a whole non-negative count: nothing for R5 to say
            if specs is None:
                specs = _specs_by_key(variant)
            row, _, column = cells.shape.keys[i].rpartition(".")
            found = specs.get(f"{table.prefix}{row}")
            money = found[1].money if found else frozenset()
            signed = found[1].signed if found else frozenset()
            fig = cells.figure(i)
            f = _r5(f"{table.prefix}{row}.{column}", fig, cells.line(i), column in money, column in signed)
            if f is not None:
                out.append(f)
    return out


def _r5(key: str, fig: Figure, line: int | None, money: bool, signed: bool) -> Finding | None:
    v = fig.value
    assert v is not None
    raw = fig.raw or str(v)
    if v < 0 and not signed:
        what, what_en = ("金额", "an amount") if money else ("件数", "a count")
        return Finding(
            "R5",
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
            "R5",
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
        "R5",
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
    table, ptable = _table(report, "requests"), _table(previous, "requests")
    out: list[Finding] = []
    for col in rows["carried_over"].columns:
        if col not in prows["carried_forward"].columns:
            continue
        this = _cell(table, spec, "carried_over", col)
        last = _cell(ptable, pspec, "carried_forward", col)
        keys = (this.key, f"{last.key}@previous")
        where = f"“{_column_label(col)}”列"
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
    table, ptable = _table(report, "active"), _table(previous, "active")
    labels = _row_labels(spec)
    out: list[Finding] = []
    for rs in wanted:
        now = _cell(table, spec, rs.row, "in_force")
        before = _cell(ptable, pspec, rs.row, "in_force")
        issued = _cell(table, spec, rs.row, "issued")
        repealed = _cell(table, spec, rs.row, "repealed")
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
        parts: list[str] = []
        self.starts: list[int] = []
        self.lines: list[int] = []
        self.topics: list[str] = []
        size = 0
        item = ""
        paragraphs = section.paragraphs if section is not None else ()
        # one normalisation for the whole section (NFKC never makes or removes a line end)
        texts = nfkc("\n".join(p.text for p in paragraphs)).split("\n")
        if len(texts) != len(paragraphs):  # a paragraph with a line end (a stray row's cell)
            texts = [nfkc(p.text) for p in paragraphs]
        for p, text in zip(paragraphs, texts, strict=True):
            if p.item:
                item = text
            squeezed = _SPACE.sub(lambda m: "|" if _digit_gap(m) else "", text)
            if parts and parts[-1][-1:].isdigit() and squeezed[:1].isdigit():
                squeezed = "|" + squeezed
            self.starts.append(size)
            self.lines.append(p.line)
            self.topics.append(f"{item}\n{text}")
            parts.append(squeezed)
            size += len(squeezed)
        self.text = "".join(parts)

    def _at(self, pos: int) -> int:
        return max(bisect_right(self.starts, pos) - 1, 0)

    def line(self, pos: int) -> int:
        """The source line of the character at ``pos``."""
        return self.lines[self._at(pos)] if self.lines else 0

    def topic(self, pos: int) -> str:
        """The topic (sub-item heading and paragraph) of the character at ``pos``."""
        return self.topics[self._at(pos)] if self.topics else ""


_SPACE = re.compile(r"\s+")


def _digit_gap(m: re.Match[str]) -> bool:
    s, a, b = m.string, m.start(), m.end()
    return a > 0 and b < len(s) and s[a - 1].isdigit() and s[b].isdigit()


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
        gaps = (m.groupdict().get("gap") or "") + (m.groupdict().get("gap2") or "")
        if _STOP.search(gaps) or _APPROX.search(text[m.start() : m.start("n")]):
            return
        sentence = _sentence(text, m.start(), m.end())
        topic = prose.topic(m.start())
        if kind == "requests":
            # a request for information disclosure: said so in the quote, or a bare count of
            # 申请 in the paragraph about 依申请公开 (not 受理行政许可申请…)
            if "公开" not in m.group(0) and not ("依申请" in topic and len(gaps) <= 2):
                return
        elif "公开" not in sentence:
            return
        if (kind == "review" and "诉讼" in gaps) or (kind == "litigation" and "复议" in gaps):
            return
        span = m.span("n")
        found.setdefault(
            span,
            _Quote(kind, verb, int(m.group("n").replace(",", "")), prose.line(span[0]), m.group(0)),
        )

    for pattern in _REQUESTS:
        for m in pattern.finditer(text):
            add("requests", m, m.group("verb"))
    for m in _REVIEW.finditer(text):
        add("review", m, "行政复议")
    for m in _LITIGATION.finditer(text):
        add("litigation", m, "行政诉讼")
    return [q for _, q in sorted(found.items())]


def _x3(report: Report, variant: Variant) -> list[Finding]:
    quotes = _quotes(report)
    if not quotes:
        return []
    out: list[Finding] = []
    req, app = variant.table("requests"), variant.table("appeals")
    rtable, atable = _table(report, "requests"), _table(report, "appeals")
    for q in quotes:
        # the table figures the quote may stand for: the first is the one it should be
        options: list[tuple[str, list[_Cell]]]
        if q.kind == "requests":
            if req is None:
                continue
            new = _cell(rtable, req, "new", "total")
            over = _cell(rtable, req, "carried_over", "total")
            options = [("本年新收申请", [new]), ("新收与上年结转之和", [new, over])]
            if q.verb == "办理":
                options.append(("办理结果总计", [_cell(rtable, req, "total", "total")]))
        elif q.kind == "review":
            if app is None:
                continue
            options = [("行政复议总计", [_cell(atable, app, "review", "total")])]
        else:
            if app is None:
                continue
            direct = _cell(atable, app, "litigation.direct", "total")
            after = _cell(atable, app, "litigation.after_review", "total")
            options = [
                ("行政诉讼总计", [direct, after]),
                ("未经复议直接起诉总计", [direct]),
                ("复议后起诉总计", [after]),
            ]
        keys = tuple(dict.fromkeys(c.key for _, cs in options for c in cs))
        cells = {c.key: c for _, cs in options for c in cs}
        lines = tuple(cells[k].line for k in keys)
        sums = [(name, cs, _sum(cs)) for name, cs in options]
        decidable = [s for s in sums if s[2] is not None]
        quoted = f"总体情况中“{q.text}”"
        if not decidable:
            blank = tuple(k for k in keys if cells[k].value is None)
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
                f"Section 一 quotes {q.value} ({q.kind}), but the table gives {expected} "
                f"({' + '.join(c.key for c in used)}).",
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


def check(report: Report, *, previous: Report | None = None) -> list[Finding]:
    """Check the arithmetic (勾稽关系) of ``report``: rules R1–R5 and X3, with ``previous`` (the
    report of the year before) also X1 and X2.

    Returns the findings in rule order (R1, R2, R3, R4, R5, X1, X2, X3): ``"error"`` for a broken
    R-rule, ``"warning"`` for a broken X-rule, ``"info"`` for a check blank cells make impossible
    to decide.  Nothing is returned for a rule that holds.  The report is not changed.
    Raises ``ValueError`` when the report's variant is not registered.
    """
    variant = _variant_of(report)
    findings = _requests_rules(report, variant)
    findings += _appeals_rules(report, variant)
    findings += _figure_rules(report, variant)
    if previous is not None:
        pvariant = _variant_of(previous)
        findings += _x1(report, previous, variant, pvariant)
        findings += _x2(report, previous, variant, pvariant)
    findings += _x3(report, variant)
    order = {rule: i for i, rule in enumerate(RULES)}
    return sorted(findings, key=lambda f: order[f.rule])
