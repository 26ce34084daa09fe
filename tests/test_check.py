"""The arithmetic checks (勾稽关系, issue #4): every rule, holding and broken.

Broken reports are real texts with one figure changed in the text: the finding must name the
changed cell's record key and its source line.
"""

from __future__ import annotations

import re
import sys
from decimal import Decimal
from pathlib import Path

import attrs
import pytest

import gongkai
from gongkai import Figure, Report, Row, RowSpec, Table, TableSpec, Variant, get_variant, variants
from gongkai._check import RULES, Finding, check
from gongkai._figures import FigureKind

from .conftest import FIXTURES, REALWORLD, SEEDS
from .template import APPEAL_COLUMNS, REQUEST_COLUMNS

SEED_TSV = SEEDS[1]  # 001: markdown headings, TAB-separated tables
SEED_CELLS = SEEDS[2]  # 002: one cell per line
PINGTAN_2021 = REALWORLD / "pingtan_2021.markitdown.txt"
PINGTAN_2023 = REALWORLD / "pingtan_2023.markitdown.txt"
SYNTHETIC_2019 = FIXTURES / "edition2019" / "synthetic_2019.tsv.txt"
ALL_TEXTS = [*SEEDS, *sorted(REALWORLD.glob("*.txt"))]

_NUMBER = re.compile(r"(?<![\d.])-?\d+(?:\.\d+)?(?![\d.])")


def _read(path: Path) -> str:
    return path.read_text("utf-8")


def _set_number(text: str, line: int, nth: int, new: str) -> str:
    """``text`` with the ``nth`` standalone number of source line ``line`` (1-based) replaced."""
    lines = text.split("\n")
    found = list(_NUMBER.finditer(lines[line - 1]))
    m = found[nth]
    lines[line - 1] = lines[line - 1][: m.start()] + new + lines[line - 1][m.end() :]
    return "\n".join(lines)


def _replace_on_line(text: str, line: int, old: str, new: str) -> str:
    lines = text.split("\n")
    assert old in lines[line - 1]
    lines[line - 1] = lines[line - 1].replace(old, new, 1)
    return "\n".join(lines)


def _fig(report: Report, key: str) -> Figure:
    for k, f in report.figures():
        if k == key:
            return f
    raise KeyError(key)


def _line_of(report: Report, key: str) -> int:
    line = _fig(report, key).line
    assert line is not None
    return line


def _errors(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity == "error"]


def _only(findings: list[Finding], rule: str, severity: str | None = None) -> list[Finding]:
    return [f for f in findings if f.rule == rule and (severity is None or f.severity == severity)]


# --- consistent reports --------------------------------------------------------------------------


@pytest.mark.parametrize("path", ALL_TEXTS, ids=lambda p: p.stem)
def test_real_reports_have_no_error(path: Path) -> None:
    findings = check(gongkai.parse(_read(path)))
    assert _errors(findings) == []
    assert not [f for f in findings if f.severity == "warning"]


def test_a_consistent_report_gives_no_finding() -> None:
    assert check(gongkai.parse(_read(SEEDS[0]))) == []


def test_findings_are_frozen_slotted_and_change_no_figure() -> None:
    text = _set_number(_read(SEED_TSV), 41, 0, "15")
    report = gongkai.parse(text)
    before = gongkai.to_record(report)
    findings = check(report)
    assert findings and gongkai.to_record(report) == before
    f = findings[0]
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        f.rule = "R2"  # type: ignore[misc]
    assert not hasattr(f, "__dict__")
    assert set(RULES) == {"R1", "R2", "R3", "R4", "R5", "X1", "X2", "X3"}
    assert str(f).startswith(f"line {f.line}: {f.rule} {f.severity}: ")
    assert all(len(f.cells) == len(f.lines) for f in findings)


# --- R1, R2, R3: table 三 -------------------------------------------------------------------------


def test_r1_and_r2_carried_forward_changed_tsv() -> None:
    original = gongkai.parse(_read(SEED_TSV))
    key = "requests.carried_forward.natural_person"
    line = _line_of(original, key)
    findings = check(gongkai.parse(_set_number(_read(SEED_TSV), line, 0, "3")))
    r1 = _only(findings, "R1", "error")
    assert len(r1) == 1
    assert key in r1[0].cells and r1[0].cell == key and r1[0].line == line
    assert (r1[0].expected, r1[0].actual) == (14, 17)  # 一 + 二 = 14; 总计 + 四 = 14 + 3
    assert "自然人" in r1[0].message and "natural_person" in r1[0].message_en
    r2 = _only(findings, "R2", "error")
    assert [f.cell for f in r2] == [key]
    assert (r2[0].expected, r2[0].actual) == (3, 0)
    assert not _only(findings, "R3", "error")


def test_r1_new_changed_points_at_the_cell() -> None:
    original = gongkai.parse(_read(SEED_TSV))
    key = "requests.new.commercial"
    line = _line_of(original, key)
    findings = check(gongkai.parse(_set_number(_read(SEED_TSV), line, 1, "2")))
    assert [(f.rule, f.cell, f.line) for f in _errors(findings)] == [("R1", key, line), ("R2", key, line)]


def test_r2_and_r3_one_cell_changed_cell_per_line() -> None:
    text = _read(SEED_CELLS)
    key = "requests.denied.state_secret.commercial"
    line = _line_of(gongkai.parse(text), key)
    assert text.split("\n")[line - 1] == "\t0"
    findings = check(gongkai.parse(_set_number(text, line, 0, "2")))
    errors = _errors(findings)
    assert sorted(f.rule for f in errors) == ["R2", "R3"]
    for f in errors:
        assert f.cell == key and f.line == line and key in f.cells
        assert f.lines[f.cells.index(key)] == line
    r3 = _only(findings, "R3")[0]
    assert r3.cells[0] == "requests.total.commercial"
    assert (r3.expected, r3.actual) == (2, 0)


def test_r3_total_changed_cell_per_line() -> None:
    text = _read(SEED_CELLS)
    key = "requests.total.total"
    line = _line_of(gongkai.parse(text), key)
    findings = check(gongkai.parse(_set_number(text, line, 0, "5")))
    assert sorted(f.rule for f in _errors(findings)) == ["R1", "R2", "R3"]
    assert {(f.cell, f.line) for f in _errors(findings)} == {(key, line)}


def test_markdown_real_report_one_cell_changed() -> None:
    text = _read(PINGTAN_2021)
    report = gongkai.parse(text)
    key = "requests.other.other.natural_person"
    line = _line_of(report, key)
    findings = check(gongkai.parse(_set_number(text, line, 0, "4")))  # the label's "3." is no number
    errors = _errors(findings)
    assert sorted(f.rule for f in errors) == ["R2", "R3"]
    assert all(f.cell == key and f.line == line for f in errors)
    assert _only(findings, "R3")[0].message.startswith("表三“自然人”列")


def test_real_report_whose_table_three_does_not_add_up() -> None:
    """Pingtan 2021 with 予以公开 raised in its row: the row adds up, the results do not."""
    text = _read(PINGTAN_2021)
    report = gongkai.parse(text)
    line = _line_of(report, "requests.granted.natural_person")
    text = _replace_on_line(text, line, "| 27 |", "| 29 |")
    text = _replace_on_line(text, line, "| 30 |", "| 32 |")
    findings = check(gongkai.parse(text))
    errors = _errors(findings)
    assert {f.rule for f in errors} == {"R3"}
    by_column = {f.cells[0]: f for f in errors}
    assert set(by_column) == {"requests.total.natural_person", "requests.total.total"}
    f = by_column["requests.total.natural_person"]
    assert "requests.granted.natural_person" in f.cells
    assert f.lines[f.cells.index("requests.granted.natural_person")] == line
    assert (f.expected, f.actual) == (65, 63)
    assert f.line == _line_of(report, "requests.total.natural_person")


def test_blank_cells_give_info_naming_them() -> None:
    findings = check(gongkai.parse(_read(SEED_TSV)))
    assert findings and all(f.severity == "info" for f in findings)
    r2 = _only(findings, "R2")
    assert [f.cell for f in r2] == ["requests.granted.total", "requests.partially_granted.total"]
    assert "requests.granted.natural_person" in r2[0].blank
    assert "requests.granted.natural_person" in r2[0].message
    r3 = _only(findings, "R3")
    assert len(r3) == 6  # the six applicant columns; the 总计 column is complete and adds up
    assert r3[0].blank == ("requests.granted.natural_person", "requests.partially_granted.natural_person")


def test_blank_cells_never_make_an_error() -> None:
    """A wrong total next to blank cells: the row check becomes info, not an error."""
    text = _read(SEED_TSV)
    line = _line_of(gongkai.parse(text), "requests.granted.total")
    findings = check(gongkai.parse(_set_number(text, line, 0, "13")))
    assert _only(findings, "R2")[0].severity == "info"
    r3 = _only(findings, "R3", "error")
    assert [f.cells[0] for f in r3] == ["requests.total.total"]
    assert "requests.granted.total" in r3[0].cells


def _without_table_three(text: str) -> str:
    lines = text.split("\n")
    first = next(i for i, ln in enumerate(lines) if ln.startswith("(本列数据的勾稽关系"))
    last = next(i for i, ln in enumerate(lines) if "结转下年度继续办理" in ln)
    return "\n".join(lines[:first] + lines[last + 1 :])


def test_missing_table_is_info() -> None:
    report = gongkai.parse(_without_table_three(_read(SEED_TSV)))
    assert report.requests is None
    findings = check(report)
    assert [(f.rule, f.severity) for f in findings] == [
        ("R1", "info"),
        ("R2", "info"),
        ("R3", "info"),
        ("X3", "info"),
    ]
    assert "requests.new.total" in findings[0].blank


# --- R4: table 四 ---------------------------------------------------------------------------------


def test_r4_tsv() -> None:
    text = _read(SEED_TSV)
    line = _line_of(gongkai.parse(text), "review.upheld")
    findings = check(gongkai.parse(_set_number(text, line, 0, "1")))
    [f] = _errors(findings)
    assert f.rule == "R4" and "review.upheld" in f.cells and f.line == line
    assert (f.expected, f.actual) == (1, 0)
    assert f.message.startswith("表四“行政复议”")


def test_r4_cell_per_line_names_the_cell_and_its_line() -> None:
    text = _read(SEED_CELLS)
    report = gongkai.parse(text)
    key = "litigation.after_review.pending"
    line = _line_of(report, key)
    findings = check(gongkai.parse(_set_number(text, line, 0, "2")))
    [f] = _errors(findings)
    assert f.rule == "R4" and f.cell == "litigation.after_review.total"
    assert f.line == _line_of(report, "litigation.after_review.total")
    assert f.lines[f.cells.index(key)] == line


def test_r4_markdown_real_report() -> None:
    text = _read(PINGTAN_2023)
    report = gongkai.parse(text)
    line = _line_of(report, "litigation.direct.total")
    assert _fig(report, "litigation.direct.total").value == 5
    findings = check(gongkai.parse(_replace_on_line(text, line, "| 1 | 5 |", "| 1 | 6 |")))
    [f] = _errors(findings)
    assert (f.rule, f.cell, f.expected, f.actual) == ("R4", "litigation.direct.total", 5, 6)


# --- R5: whole numbers ≥ 0 ------------------------------------------------------------------------


def test_r5_negative_count() -> None:
    text = _read(SEED_TSV)
    line = _line_of(gongkai.parse(text), "active.penalty.decisions")
    findings = check(gongkai.parse(_set_number(text, line, 0, "-3")))
    [f] = _errors(findings)
    assert (f.rule, f.cells, f.line, f.actual) == ("R5", ("active.penalty.decisions",), line, -3)


def test_r5_fractional_count_and_money() -> None:
    text = _read(SEED_CELLS)
    report = gongkai.parse(text)
    line = _line_of(report, "active.licensing.decisions")
    text2 = _set_number(text, line, 0, "2.5")
    fee_line = _line_of(report, "active.fees.amount")
    text2 = _set_number(text2, fee_line, 0, "96171.6")  # money may have decimals
    findings = check(gongkai.parse(text2))
    [f] = _errors(findings)
    assert (f.rule, f.cell, f.line, f.actual) == ("R5", "active.licensing.decisions", line, Decimal("2.5"))


def test_r5_count_printed_with_decimals_is_info() -> None:
    text = _read(SEED_CELLS)
    line = _line_of(gongkai.parse(text), "active.penalty.decisions")
    findings = check(gongkai.parse(_set_number(text, line, 0, "13.0")))
    [f] = findings
    assert (f.rule, f.severity, f.cell, f.expected) == ("R5", "info", "active.penalty.decisions", 13)


def test_r5_negative_money() -> None:
    text = _read(SEED_CELLS)
    line = _line_of(gongkai.parse(text), "active.fees.amount")
    [f] = check(gongkai.parse(_set_number(text, line, 0, "-1.5")))
    assert (f.rule, f.severity, f.cell) == ("R5", "error", "active.fees.amount")


# --- variants: rules read from the variant's data -------------------------------------------------


_T3_ROWS = (
    "new",
    "carried_over",
    "granted",
    "partially_granted",
    "denied.state_secret",
    "other",
    "total",
    "carried_forward",
)


def _toy_variant() -> Variant:
    """A variant unlike the 2021 edition: table 三 has a single 其他处理 row, table 二 a signed column."""
    requests = TableSpec(
        "requests",
        "requests.",
        "收到和处理政府信息公开申请情况",
        {f"T{i}": (RowSpec(r, r, REQUEST_COLUMNS),) for i, r in enumerate(_T3_ROWS)},
        REQUEST_COLUMNS,
    )
    active = TableSpec(
        "active",
        "active.",
        "主动公开政府信息情况",
        {
            "L": (
                RowSpec("licensing", "行政许可", ("previous_items", "change"), signed=frozenset({"change"})),
            )
        },
    )
    appeals = TableSpec(
        "appeals",
        "",
        "行政复议、行政诉讼",
        {"A": (RowSpec("review", "行政复议", APPEAL_COLUMNS),)},
    )
    tables = (active, requests, appeals)
    return Variant(
        name="toy",
        description="toy",
        edition="toy",
        package="gongkai.grammars",
        grammar="base.lark",
        signature=None,
        tables=tables,
        section_titles=(),
        data={"checks": _toy_checks()},
    )


def _toy_checks() -> list[dict[str, object]]:
    """The 2021 edition's checks, but R3 adds up the toy's own result rows (its family
    "other.*" is the single 其他处理 row)."""
    checks = [dict(c) for c in get_variant("2021").data["checks"]]
    for c in checks:
        if c["rule"] == "R3":
            c["sum"] = ["granted", "partially_granted", "denied.*", "other.*"]
    return checks


def _toy_report(values: dict[str, int | None], skip_rows: tuple[str, ...] = ()) -> Report:
    variant = _toy_variant()
    tables = {}
    line = 1
    for spec in variant.tables:
        rows = []
        for rs in spec.row_specs():
            if rs.row in skip_rows:
                continue
            figs = []
            for col in rs.columns:
                v = values.get(f"{spec.prefix}{rs.row}.{col}", 0)
                kind: FigureKind = "blank" if v is None else "number"
                figs.append(Figure(col, v, "" if v is None else str(v), line, kind))
            rows.append(Row(rs.row, rs.label, line, tuple(figs)))
            line += 1
        tables[spec.name] = Table(spec.name, spec.title, None, tuple(rows), spec.prefix)
    return Report(None, None, 2019, "toy", "text", (), tables, variant="toy")


@pytest.fixture
def toy(monkeypatch: pytest.MonkeyPatch) -> None:
    variant = _toy_variant()

    def fake(name: str) -> Variant:
        return variant if name == "toy" else get_variant(name)

    monkeypatch.setattr(sys.modules["gongkai._check"], "get_variant", fake)


def _toy_consistent() -> dict[str, int | None]:
    v: dict[str, int | None] = {}
    for col, n in (("natural_person", 3), ("commercial", 1)):
        v[f"requests.new.{col}"] = n
        v[f"requests.granted.{col}"] = n - 1
        v[f"requests.other.{col}"] = 1
        v[f"requests.total.{col}"] = n
    for row in ("new", "granted", "other", "total"):
        v[f"requests.{row}.total"] = sum(x or 0 for k, x in v.items() if k.startswith(f"requests.{row}."))
    v["active.licensing.change"] = -4
    return v


@pytest.mark.usefixtures("toy")
def test_variant_rows_drive_r3_and_signed_columns_drive_r5() -> None:
    assert check(_toy_report(_toy_consistent())) == []
    broken = _toy_consistent() | {"requests.other.natural_person": 2}
    errors = _errors(check(_toy_report(broken)))
    assert sorted(f.rule for f in errors) == ["R2", "R3"]
    assert all(f.cell == "requests.other.natural_person" for f in errors)
    negative = _toy_consistent() | {"active.licensing.previous_items": -1}
    [f] = check(_toy_report(negative))
    assert (f.rule, f.cell) == ("R5", "active.licensing.previous_items")


@pytest.mark.usefixtures("toy")
def test_absent_row_is_blank() -> None:
    findings = check(_toy_report(_toy_consistent(), skip_rows=("carried_forward",)))
    assert findings and all(f.severity == "info" for f in findings)
    r1 = _only(findings, "R1")
    assert len(r1) == len(REQUEST_COLUMNS)
    assert "requests.carried_forward.natural_person" in r1[0].blank


@pytest.mark.skipif(
    "2019" not in variants() or not SYNTHETIC_2019.exists(), reason="the 2019 edition is not registered"
)
def test_edition_2019_table_three() -> None:
    text = _read(SYNTHETIC_2019)
    report = gongkai.parse(text)
    assert report.variant == "2019"
    assert _errors(check(report)) == []  # 本年增/减 is negative: signed in the variant data
    key = "requests.other.natural_person"
    assert key in get_variant("2019").record_keys()
    line = _line_of(report, key)
    findings = check(gongkai.parse(_set_number(text, line, 0, "4")))
    errors = _errors(findings)
    assert sorted(f.rule for f in errors) == ["R2", "R3"]
    assert all(f.cell == key and f.line == line for f in errors)


# --- X1, X2: across years -------------------------------------------------------------------------


def _year(report: Report, year: int) -> Report:
    return attrs.evolve(report, year=year)


def test_x1_holds_and_breaks() -> None:
    this = gongkai.parse(_read(SEED_TSV))  # 2021, carried over 0 everywhere
    last = _year(gongkai.parse(_read(SEED_CELLS)), 2020)  # carried forward 0 everywhere
    assert not _only(check(this, previous=last), "X1")
    last = _year(gongkai.parse(_read(PINGTAN_2021)), 2020)  # carried forward: 1 自然人, 1 总计
    x1 = _only(check(this, previous=last), "X1")
    assert [(f.severity, f.cell) for f in x1] == [
        ("warning", "requests.carried_over.natural_person"),
        ("warning", "requests.carried_over.total"),
    ]
    assert x1[0].line == _line_of(this, "requests.carried_over.natural_person")
    assert (x1[0].expected, x1[0].actual) == (1, 0)
    assert x1[0].cells == (
        "requests.carried_over.natural_person",
        "requests.carried_forward.natural_person@previous",
    )


def test_x1_x2_skip_a_year_that_does_not_follow() -> None:
    this = gongkai.parse(_read(PINGTAN_2023))
    last = gongkai.parse(_read(PINGTAN_2021))
    findings = _only(check(this, previous=last), "X1") + _only(check(this, previous=last), "X2")
    assert [(f.rule, f.severity) for f in findings] == [("X1", "info"), ("X2", "info")]


def test_x2_holds_and_breaks() -> None:
    last = gongkai.parse(_read(PINGTAN_2021))  # 行政规范性文件: 665 in force
    text = _read(PINGTAN_2023)  # 77 issued, 132 repealed, 470 in force: 665 + 77 - 132 = 610
    this = _year(gongkai.parse(text), 2022)
    [f] = _only(check(this, previous=last), "X2")
    assert (f.severity, f.cell) == ("warning", "active.normative_documents.in_force")
    assert (f.expected, f.actual) == (610, 470)
    assert f.line == _line_of(this, "active.normative_documents.in_force")
    line = _line_of(this, "active.normative_documents.in_force")
    fixed = _year(gongkai.parse(_replace_on_line(text, line, "| 470 |", "| 610 |")), 2022)
    assert not _only(check(fixed, previous=last), "X2")


@pytest.mark.skipif(
    "2019" not in variants() or not SYNTHETIC_2019.exists(), reason="the 2019 edition is not registered"
)
def test_x2_skips_silently_without_the_keys() -> None:
    last = gongkai.parse(_read(SYNTHETIC_2019))
    this = _year(gongkai.parse(_read(SEED_TSV)), 2020)
    assert not _only(check(this, previous=last), "X2")


# --- X3: figures quoted in section 一 -------------------------------------------------------------


def test_x3_quoted_figure_agrees() -> None:
    for path in (SEED_TSV, SEED_CELLS, PINGTAN_2021, PINGTAN_2023):
        assert not _only(check(gongkai.parse(_read(path))), "X3")


def test_x3_requests_quoted_wrong() -> None:
    text = _read(SEED_TSV).replace("全年办理政府信息公开申请14件", "全年办理政府信息公开申请15件")
    report = gongkai.parse(text)
    [f] = _only(check(report), "X3")
    assert (f.severity, f.expected, f.actual, f.line) == ("warning", 14, 15, 11)
    assert "requests.new.total" in f.cells
    assert "办理政府信息公开申请15件" in f.message


def test_x3_full_width_digits_are_read() -> None:
    text = _read(SEED_TSV)
    assert not _only(check(gongkai.parse(text.replace("申请14件", "申请１４件"))), "X3")
    [f] = _only(check(gongkai.parse(text.replace("申请14件", "申请１５件"))), "X3")
    assert f.actual == 15


def test_x3_cell_per_line_report() -> None:
    text = _read(SEED_CELLS).replace("共受理信息公开申请0件", "共受理信息公开申请3件")
    [f] = _only(check(gongkai.parse(text)), "X3")
    assert (f.expected, f.actual, f.line) == (0, 3, 12)


def test_x3_review_and_litigation() -> None:
    text = _read(PINGTAN_2023)
    bad = text.replace("行政复议案件2件", "行政复议案件3件").replace("行政诉讼案件7件", "行政诉讼案件9件")
    findings = _only(check(gongkai.parse(bad)), "X3")
    assert [(f.cells[0], f.expected, f.actual) for f in findings] == [
        ("review.total", 2, 3),
        ("litigation.direct.total", 7, 9),
    ]


def test_x3_is_conservative() -> None:
    text = _read(SEED_TSV)
    for prose in (
        "全年收到政府信息公开申请较上年增加3件。",
        "全年办理政府信息公开申请约20件。",
        "全年受理行政许可申请2000件。",
        "全年未收到政府信息公开申请。",
    ):
        edited = text.replace("全年办理政府信息公开申请14件，办结14件，办结率100%。", prose)
        assert not _only(check(gongkai.parse(edited)), "X3"), prose
    assert not _only(check(gongkai.parse(_read(SEEDS[0]))), "X3")  # nothing quoted


def test_x3_reads_across_line_breaks() -> None:
    text = _read(SEED_TSV).replace("全年办理政府信息公开申请14件", "全年办理政府信息公开\n申请 15 件")
    [f] = _only(check(gongkai.parse(text)), "X3")
    assert (f.severity, f.expected, f.actual, f.line) == ("warning", 14, 15, 12)
    # two numbers on two lines never run together into one
    text = _read(SEED_TSV).replace("全年办理政府信息公开申请14件", "全年办理政府信息公开申请1\n4件")
    assert not _only(check(gongkai.parse(text)), "X3")


def test_x3_blank_table_figure_is_info() -> None:
    text = _read(SEED_CELLS)
    line = _line_of(gongkai.parse(text), "requests.new.total")
    text = _replace_on_line(text, line, "\t0", "\t")
    [f] = _only(check(gongkai.parse(text)), "X3")
    assert (f.severity, f.actual, f.line) == ("info", 0, 12)
    assert f.blank == ("requests.new.total",)


def test_many_quotes_in_one_long_paragraph_stay_linear() -> None:
    # No clock: a quadratic scan of the prose for each quote would make this test hang.
    prose = "全年收到政府信息公开申请1件，行政复议2件" * 12000
    text = (
        "一、总体情况\n" + prose + "\n三、收到和处理政府信息公开申请情况\n"
        "一、本年新收政府信息公开申请数量\t1\t0\t0\t0\t0\t0\t1\n"
    )
    findings = check(gongkai.parse(text))
    assert any(f.rule == "X3" for f in findings)
