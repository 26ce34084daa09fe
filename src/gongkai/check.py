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
import unicodedata
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from decimal import Decimal
from functools import cache, lru_cache, partial
from itertools import accumulate, chain, compress, count, pairwise, repeat
from operator import add, call, is_, itemgetter, ne
from typing import Any, Literal, NamedTuple, TypeVar, cast

import attrs
from attrs import frozen

from .layout import nfkc
from .model import Figure, Report, Table, TableCells, TableShape, Value
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


class _Cell(NamedTuple):
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


def _table(tables: Iterable[Table], name: str) -> Table | None:
    for t in tables:
        if t.name == name:
            return t
    return None


class _Tables:
    """A report's tables, read once per call, and the types of each one's values (int,
    Decimal, None: the quick tests of R1–R5 start there)."""

    __slots__ = ("all", "types")

    def __init__(self, report: Report) -> None:
        self.all = report.tables
        self.types = {id(t): set(map(type, t.cells.values)) for t in self.all}


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


_T = TypeVar("_T")
_Pick = Callable[[Sequence[_T]], Sequence[_T]]


def _nothing(_: Sequence[_T]) -> Sequence[_T]:
    return ()


def _picker(idx: Sequence[int]) -> _Pick[Any]:
    """``lambda s: [s[i] for i in idx]`` at C speed (``itemgetter`` of one index gives the bare
    item, so one index takes a one-item slice)."""
    if not idx:
        return _nothing
    if len(idx) == 1:
        return cast("_Pick[Any]", itemgetter(slice(idx[0], idx[0] + 1)))
    return cast("_Pick[Any]", itemgetter(*idx))


# ---------------------------------------------------------------------------------------------
# The equations of R1–R4, compiled once per variant and table shape
#
# A table is read through two flat lists made once per call: its values behind a None
# (``[None, *values]``: cell i at i + 1, a cell the table lacks at 0) and, only when a finding
# is made, its lines (:func:`_lines`).  Each equation picks its cells from them by index.


class _Equation(NamedTuple):
    """sum(printed cells) = sum(part cells), with its record keys and the texts of its findings."""

    rule: RuleId
    printed: int  # the first ``printed`` cells are the printed figures, the rest the parts
    keys: tuple[str, ...]
    at: tuple[int, ...]  # where the cells are in ``[None, *values]``
    values: _Pick[Value]  # the cells' values, from ``[None, *values]``
    lines: _Pick[int | None]  # the cells' lines, from :func:`_lines`
    where: str
    where_en: str
    printed_zh: str
    parts_zh: str
    printed_en: str
    parts_en: str


def _compile(
    shape: TableShape,
    prefix: str,
    rule: RuleId,
    printed: Sequence[tuple[str, str]],
    parts: Sequence[tuple[str, str]],
    *texts: str,
) -> _Equation:
    """The equation sum(printed) = sum(parts) over ``(row, column)`` cells of a table of ``shape``."""
    n = len(shape.keys)
    values: list[int] = []
    lines: list[int] = []
    for row, col in (*printed, *parts):
        i = shape.index.get(f"{row}.{col}")
        if i is not None:
            values.append(i + 1)
            lines.append(i + 1)
        else:  # blank, on its row's line when the table has the row
            r = shape.row_index.get(row)
            values.append(0)
            lines.append(0 if r is None else n + 1 + r)
    keys = tuple(f"{prefix}{row}.{col}" for row, col in (*printed, *parts))
    where, where_en, printed_zh, parts_zh, printed_en, parts_en = texts
    return _Equation(
        rule,
        len(printed),
        keys,
        tuple(values),
        _picker(values),
        _picker(lines),
        where,
        where_en,
        printed_zh,
        parts_zh,
        printed_en,
        parts_en,
    )


def _lines(cells: TableCells) -> list[int | None]:
    """None, each cell's source line (``cells.line(i)``), then each row's line: what
    :attr:`_Equation.lines` picks from."""
    # a cell its row does not have has no source (None): getattr's default, at C speed
    lines: list[int | None] = list(map(getattr, cells.sources, repeat("line"), repeat(None)))
    if None in lines:  # a cell without a line of its own is on its row's line
        row_lines, cell_rows = cells.row_lines, cells.shape.cell_rows
        for i in _nones(lines):
            lines[i] = row_lines[cell_rows[i]]
    return [None, *lines, *cells.row_lines]


def _nones(values: Sequence[object]) -> Iterator[int]:
    """The positions of None in ``values`` (found at C speed)."""
    return compress(count(), map(is_, values, repeat(None)))


def _solve(plan: _Plan, cells: TableCells, values: Sequence[Value]) -> list[Finding]:
    """The findings of ``plan``'s equations on ``cells``: an error for each that does not hold,
    info for each that blank cells make impossible to decide (``values`` is
    ``[None, *cells.values]``)."""
    # Which equations to look at, at C speed: those that read a blank cell, and those whose
    # sums differ once blanks count as 0 (exact for an equation without blanks).
    blanks = list(_nones(values))
    zeroed = list(values)
    look: set[int] = set()
    for i in blanks:
        zeroed[i] = 0
        look.update(plan.reading.get(i, ()))
    printed = map(sum, cast("Iterator[Sequence[int]]", map(call, plan.printed, repeat(zeroed))))
    parts = map(sum, cast("Iterator[Sequence[int]]", map(call, plan.parts, repeat(zeroed))))
    look.update(compress(count(), map(ne, printed, parts)))
    lines: list[int | None] | None = None
    out: list[Finding] = []
    for e in sorted(look):
        eq = plan.equations[e]
        got = eq.values(values)
        k = eq.printed
        if None in got:
            blank = tuple(compress(eq.keys, map(is_, got, repeat(None))))
        else:
            numbers = cast("Sequence[int | Decimal]", got)
            expected, actual = sum(numbers[k:]), sum(numbers[:k])
            if expected == actual:
                continue
            blank = ()
        if lines is None:
            lines = _lines(cells)
        where, where_en, rule, keys = eq.where, eq.where_en, eq.rule, eq.keys
        cell_lines = tuple(eq.lines(lines))
        if blank:
            shown = "、".join(blank[:6]) + ("等" if len(blank) > 6 else "")
            shown_en = ", ".join(blank[:6]) + (" …" if len(blank) > 6 else "")
            out.append(
                Finding(
                    rule,
                    "info",
                    f"{where}的{rule}无法核对：{shown}为空或缺失。",
                    f"{rule} cannot be checked for {where_en}: {shown_en} blank or missing.",
                    keys,
                    None,
                    None,
                    cell_lines[0],
                    keys[0],
                    cell_lines,
                    blank,
                )
            )
            continue
        out.append(
            Finding(
                rule,
                "error",
                f"{where}：{eq.printed_zh}为{_render(actual)}，而{eq.parts_zh}为{_render(expected)}，两者不等。",
                f"{where_en}: {eq.printed_en} is {_render_en(actual)} but {eq.parts_en} is "
                f"{_render_en(expected)}.",
                keys,
                expected,
                actual,
                cell_lines[0],
                keys[0],
                cell_lines,
            )
        )
    return out


_T3_OUTSIDE = frozenset({"new", "carried_over", "total", "carried_forward"})
_INT = {int}


_Holds = Callable[[Sequence[Value], set[type]], bool]


class _Plan(NamedTuple):
    """A table's rules compiled for one shape: a quick test that they all hold (given the
    table's values and the set of their types), and the equations."""

    holds: _Holds
    equations: tuple[_Equation, ...]
    printed: tuple[_Pick[Value], ...]  # per equation: its printed cells, from ``[None, *values]``
    parts: tuple[_Pick[Value], ...]  # …and its parts
    reading: dict[int, tuple[int, ...]]  # a cell's place in ``[None, *values]`` → its equations


def _plan(holds: _Holds, equations: Sequence[_Equation]) -> _Plan:
    reading: dict[int, list[int]] = {}
    for e, eq in enumerate(equations):
        for i in dict.fromkeys(eq.at):
            reading.setdefault(i, []).append(e)
    return _Plan(
        holds,
        tuple(equations),
        tuple(_picker(eq.at[: eq.printed]) for eq in equations),
        tuple(_picker(eq.at[eq.printed :]) for eq in equations),
        {i: tuple(es) for i, es in reading.items()},
    )


def _never(_: Sequence[Value], __: set[type]) -> bool:
    return False


def _always(_: Sequence[Value], __: set[type]) -> bool:
    return True


def _requests_holds(
    shape: TableShape, rows: Sequence[str], columns: Sequence[str], results: Sequence[str]
) -> _Holds:
    """R1–R3 on plain numbers, for the common case: a test that is True only when every cell
    of ``rows`` × ``columns`` is an ``int`` and every equation holds (anything else takes the
    detailed path)."""
    where = [shape.index.get(f"{row}.{col}") for row in rows for col in columns]
    if None in where:
        return _never
    if not where:
        return _always
    get = _picker(cast("list[int]", where))
    n = len(columns)
    first = {row: k for k, row in reversed(list(enumerate(rows)))}  # a row's position in ``rows``
    t = columns.index("total") if "total" in columns else -1
    r1 = tuple(first.get(r, -1) for r in ("new", "carried_over", "total", "carried_forward"))
    r3 = _picker([first[r] for r in results]) if "total" in first and results else None
    r3_total = first.get("total", -1)

    def holds(values: Sequence[Value], types: set[type]) -> bool:
        flat = get(values)
        if types != _INT and set(map(type, flat)) != _INT:
            return False
        ints = cast("Sequence[int]", flat)
        table = list(zip(*[iter(ints)] * n, strict=True))  # the rows, at C speed
        if t >= 0 and list(map(sum, table)) != [x + x for x in ints[t::n]]:  # R2
            return False
        if -1 not in r1:  # R1
            new, over, total, forward = (table[k] for k in r1)
            if list(map(add, new, over)) != list(map(add, total, forward)):
                return False
        if r3 is not None:  # R3
            return list(table[r3_total]) == list(map(sum, zip(*r3(table), strict=True)))
        return True

    return holds


@lru_cache(maxsize=256)
def _requests_plan(variant: Variant, shape: TableShape) -> _Plan:
    """R1–R3 for a table 三 of ``shape``: R1 per column, R2 per row, R3 per column."""
    spec = variant.table("requests")
    assert spec is not None
    row_specs = spec.row_specs()
    rows = [rs.row for rs in row_specs]
    columns = spec.columns or (row_specs[0].columns if row_specs else ())
    results = [r for r in rows if r not in _T3_OUTSIDE]
    labels = _row_labels(spec)
    compile_ = partial(_compile, shape, spec.prefix)
    equations: list[_Equation] = []
    if set(rows) >= _T3_OUTSIDE:
        for col in columns:
            equations.append(
                compile_(
                    "R1",
                    [("total", col), ("carried_forward", col)],
                    [("new", col), ("carried_over", col)],
                    f"表三“{_column_label(col)}”列",
                    f"table 三, column {col}",
                    "（七）总计加四、结转下年度",
                    "一、本年新收加二、上年结转",
                    "total + carried forward",
                    "new + carried over",
                )
            )
    if "total" in columns:
        parts_cols = [col for col in columns if col != "total"]
        for rs in row_specs:
            if "total" not in rs.columns:
                continue
            equations.append(
                compile_(
                    "R2",
                    [(rs.row, "total")],
                    [(rs.row, col) for col in parts_cols if col in rs.columns],
                    f"表三“{labels[rs.row]}”行",
                    f"table 三, row {rs.row}",
                    "总计",
                    "各类申请人之和",
                    "the total",
                    "the sum of the applicant columns",
                )
            )
    if "total" in rows and results:
        for col in columns:
            equations.append(
                compile_(
                    "R3",
                    [("total", col)],
                    [(r, col) for r in results],
                    f"表三“{_column_label(col)}”列",
                    f"table 三, column {col}",
                    "（七）总计",
                    "各项办理结果之和",
                    "the total of results",
                    "the sum of the result rows",
                )
            )
    return _plan(_requests_holds(shape, rows, columns, results), equations)


def _requests_rules(tables: _Tables, variant: Variant) -> list[Finding]:
    spec = variant.table("requests")
    if spec is None:
        return []
    table = _table(tables.all, "requests")
    if table is None or not table.rows:
        return [_missing_table(rule, spec, "三") for rule in ("R1", "R2", "R3")]
    cells = table.cells
    plan = _requests_plan(variant, cells.shape)
    if plan.holds(cells.values, tables.types[id(table)]):
        return []  # every cell filled and R1–R3 hold: nothing to report
    out = _solve(plan, cells, [None, *cells.values])
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
    # Which errors read each cell: the errors sharing cells with one are found through its cells
    # (a cell is in at most a few equations), counted at C speed, instead of intersecting the
    # cells of every pair of errors (a table of random figures breaks ~40 rules at once).
    cell_sets = [set(g.cells) for g in errors]
    holders: dict[str, list[int]] = {}
    for j, cells in enumerate(cell_sets):
        for key in cells:
            holders.setdefault(key, []).append(j)
    out = []
    j = 0  # f's place among the errors
    for f in findings:
        if f.severity != "error":
            out.append(f)
            continue
        mine = cell_sets[j]
        j += 1
        # per error: how many of f's cells it reads; those of another rule that read one share it
        met = Counter(chain.from_iterable(map(holders.__getitem__, mine)))
        shared: set[str] = set()
        for g, n in met.items():
            if n == 1 and errors[g].rule != f.rule:
                shared |= mine & cell_sets[g]
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


@lru_cache(maxsize=256)
def _appeals_plan(variant: Variant, shape: TableShape) -> _Plan:
    """R4 for a table 四 of ``shape``: one equation per block."""
    spec = variant.table("appeals")
    assert spec is not None
    labels = _row_labels(spec)
    equations: list[_Equation] = []
    for rs in spec.row_specs():
        if "total" not in rs.columns:
            continue
        parts = [col for col in rs.columns if col != "total"]
        equations.append(
            _compile(
                shape,
                spec.prefix,
                "R4",
                [(rs.row, "total")],
                [(rs.row, col) for col in parts],
                f"表四“{labels[rs.row]}”",
                f"table 四, {rs.row}",
                "总计",
                "、".join(_column_label(col) for col in parts) + "之和",
                "the total",
                " + ".join(parts),
            )
        )
    return _plan(_appeals_holds(equations), equations)


def _appeals_holds(equations: Sequence[_Equation]) -> _Holds:
    """R4 on plain numbers: a test that is True only when every cell it reads is an ``int`` and
    every block adds up (the equations then have nothing to report)."""
    printed = [eq.values for eq in equations]  # (a block's total, then its parts)
    if not printed:
        return _always

    def holds(values: Sequence[Value], _: set[type]) -> bool:  # ``values``: [None, *values]
        blocks = cast("list[Sequence[int]]", list(map(call, printed, repeat(values))))
        if set(map(type, chain.from_iterable(blocks))) != _INT:
            return False
        # total = sum(parts) ⇔ 2 × total = sum(block)
        return list(map(sum, blocks)) == [b[0] + b[0] for b in blocks]

    return holds


def _appeals_rules(tables: _Tables, variant: Variant) -> list[Finding]:
    spec = variant.table("appeals")
    if spec is None:
        return []
    table = _table(tables.all, "appeals")
    if table is None or not table.rows:
        return [_missing_table("R4", spec, "四")]
    cells = table.cells
    plan = _appeals_plan(variant, cells.shape)
    values = [None, *cells.values]
    if plan.holds(values, tables.types[id(table)]):
        return []  # every row's total is filled in and adds up: nothing to report
    return _solve(plan, cells, values)


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


def _nonnegative(values: Sequence[Value]) -> bool:
    """No value is negative (at C speed: blanks and zeros are left out by ``filter(None, …)``)."""
    return bool(min(cast("Iterable[int | Decimal]", filter(None, values)), default=0) >= 0)


@lru_cache(maxsize=256)
def _r5_plan(variant: Variant, shape: TableShape, prefix: str) -> tuple[_Pick[Value], _Pick[Value]]:
    """For a table of ``shape``: picks of the cells that must hold counts (not money), and of
    the cells that must not be negative (not signed)."""
    specs = _specs_by_key(variant)
    counts: list[int] = []
    unsigned: list[int] = []
    for i, key in enumerate(shape.keys):
        row, _, column = key.rpartition(".")
        found = specs.get(f"{prefix}{row}")
        if not found or column not in found[1].money:
            counts.append(i)
        if not found or column not in found[1].signed:
            unsigned.append(i)
    return _picker(counts), _picker(unsigned)


def _figure_rules(tables: _Tables, variant: Variant) -> list[Finding]:
    out: list[Finding] = []
    specs: dict[str, tuple[TableSpec, RowSpec]] | None = None
    for table in tables.all:
        cells = table.cells
        values = cells.values
        if tables.types[id(table)] <= _COUNT_TYPES and _nonnegative(values):
            continue  # only blanks and whole non-negative counts (checked at C speed)
        counts, unsigned = _r5_plan(variant, cells.shape, table.prefix)
        if set(map(type, counts(values))) <= _COUNT_TYPES and _nonnegative(unsigned(values)):
            continue  # money only where money may be, negative figures only in signed columns
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
    table, ptable = _table(report.tables, "requests"), _table(previous.tables, "requests")
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
    table, ptable = _table(report.tables, "active"), _table(previous.tables, "active")
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
        paragraphs = section.paragraphs if section is not None else ()
        self.paragraphs = paragraphs
        self.lines = [p.line for p in paragraphs]
        # one normalisation for the whole section (NFKC never makes or removes a line end)
        joined = nfkc("\n".join([p.text for p in paragraphs]))
        texts = joined.split("\n")
        if len(texts) != len(paragraphs):  # a paragraph with a line end (a stray row's cell)
            texts = [nfkc(p.text) for p in paragraphs]
            parts = list(map(_squeeze, texts))
        else:
            white = [c for c in _WHITE if c in joined]  # what white space there is, if any
            parts = (
                [_squeeze(t) if any(c in t for c in white) else t for t in texts] if white else texts.copy()
            )
        self.texts = texts
        for k in range(1, len(parts)):
            if parts[k][:1].isdigit() and parts[k - 1][-1:].isdigit():
                parts[k] = "|" + parts[k]
        self.starts = list(accumulate(map(len, parts), initial=0))[:-1]
        self.text = "".join(parts)

    def _at(self, pos: int) -> int:
        return max(bisect_right(self.starts, pos) - 1, 0)

    def line(self, pos: int) -> int:
        """The source line of the character at ``pos``."""
        return self.lines[self._at(pos)] if self.lines else 0

    def topic(self, pos: int) -> str:
        """The topic (sub-item heading and paragraph) of the character at ``pos``."""
        if not self.texts:
            return ""
        k = self._at(pos)
        item = next((self.texts[j] for j in range(k, -1, -1) if self.paragraphs[j].item), "")
        return f"{item}\n{self.texts[k]}"


#: The white space NFKC-normalised text can hold besides the line end (what ``\s`` and
#: ``str.split()`` split at, less what NFKC turns into a plain space): looked for with ``in``,
#: far faster than a regular expression over Chinese text.
_WHITE = tuple(
    c for c in map(chr, range(0x3001)) if c.isspace() and c != "\n" and unicodedata.normalize("NFKC", c) == c
)


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
        found_gaps = m.groupdict()
        gaps = (found_gaps.get("gap") or "") + (found_gaps.get("gap2") or "")
        if _STOP.search(gaps) or _APPROX.search(text, m.start(), m.start("n")):
            return
        if kind == "requests":
            # a request for information disclosure: said so in the quote, or a bare count of
            # 申请 in the paragraph about 依申请公开 (not 受理行政许可申请…)
            if "公开" not in m.group(0) and not (len(gaps) <= 2 and "依申请" in prose.topic(m.start())):
                return
        elif "公开" not in _sentence(text, m.start(), m.end()):
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


def _x3(report: Report, variant: Variant, tables: _Tables) -> list[Finding]:
    quotes = _quotes(report)
    if not quotes:
        return []
    out: list[Finding] = []
    req, app = variant.table("requests"), variant.table("appeals")
    rtable, atable = _table(tables.all, "requests"), _table(tables.all, "appeals")
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


_ORDER = {rule: i for i, rule in enumerate(RULES)}


def _rule_order(f: Finding) -> int:
    return _ORDER[f.rule]


def check(report: Report, *, previous: Report | None = None) -> list[Finding]:
    """Check the arithmetic (勾稽关系) of ``report``: rules R1–R5 and X3, with ``previous`` (the
    report of the year before) also X1 and X2.

    Returns the findings in rule order (R1, R2, R3, R4, R5, X1, X2, X3): ``"error"`` for a broken
    R-rule, ``"warning"`` for a broken X-rule, ``"info"`` for a check blank cells make impossible
    to decide.  Nothing is returned for a rule that holds.  The report is not changed.
    Raises ``ValueError`` when the report's variant is not registered.
    """
    variant = _variant_of(report)
    tables = _Tables(report)
    findings = _requests_rules(tables, variant)
    findings += _appeals_rules(tables, variant)
    findings += _figure_rules(tables, variant)
    if previous is not None:
        pvariant = _variant_of(previous)
        findings += _x1(report, previous, variant, pvariant)
        findings += _x2(report, previous, variant, pvariant)
    findings += _x3(report, variant, tables)
    return sorted(findings, key=_rule_order) if findings else findings
