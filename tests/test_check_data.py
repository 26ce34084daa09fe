"""R1–R5 as data: the [[checks]] rows of a variant, their validation, and hostile prose.

The property test reads template.md §5 directly (the row and column lists below are copied
from template.md §3 and §4, not from the variant data): it tests the data, not a code path.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import gongkai
import gongkai._check
from gongkai import Paragraph, Report, Section, Table, Variant, get_variant
from gongkai._check import Finding, check, validate_checks
from gongkai._errors import VariantError
from gongkai._figures import Value

from .conftest import SEEDS
from .strategies import make_report
from .template import APPEAL_ROWS, APPLICANTS, OUTCOMES, REQUEST_COLUMNS

SEED_TSV = SEEDS[1]  # table 三 new.total = 14; section 一 has （二）依申请公开

# --- template.md §3, §4, §5 read directly ---------------------------------------------------------

DENIED = [
    "state_secret",
    "prohibited_by_law",
    "security_stability",
    "third_party",
    "internal_affairs",
    "process_info",
    "enforcement_files",
    "admin_query",
]
UNABLE = ["not_held", "needs_creation", "unclear"]
NOT_PROCESSED = ["complaint", "duplicate", "publication", "excessive", "confirmation"]
OTHER = {"2021": ["other.overdue_correction", "other.unpaid_fee", "other.other"], "2019": ["other"]}


def results(edition: str) -> list[str]:
    """（一）+（二）+ Σ（三）1–8 + Σ（四）1–3 + Σ（五）1–5 + Σ（六）: the rows R3 adds up."""
    return [
        "granted",
        "partially_granted",
        *(f"denied.{r}" for r in DENIED),
        *(f"unable.{r}" for r in UNABLE),
        *(f"not_processed.{r}" for r in NOT_PROCESSED),
        *OTHER[edition],
    ]


def t3_rows(edition: str) -> list[str]:
    return ["new", "carried_over", *results(edition), "total", "carried_forward"]


def statements(edition: str) -> Iterator[tuple[str, list[str], list[str]]]:
    """Every instance of R1–R4 as (rule, printed cells, cells they must equal the sum of)."""
    for c in REQUEST_COLUMNS:  # R1: 一 + 二 = 三（七）总计 + 四
        yield (
            "R1",
            [f"requests.total.{c}", f"requests.carried_forward.{c}"],
            [
                f"requests.new.{c}",
                f"requests.carried_over.{c}",
            ],
        )
    for r in t3_rows(edition):  # R2: 总计 = the six applicant columns
        yield "R2", [f"requests.{r}.total"], [f"requests.{r}.{c}" for c in APPLICANTS]
    for c in REQUEST_COLUMNS:  # R3: （七）总计 = the results
        yield "R3", [f"requests.total.{c}"], [f"requests.{r}.{c}" for r in results(edition)]
    for b in APPEAL_ROWS:  # R4: 总计 = 维持 + 纠正 + 其他 + 尚未审结
        yield "R4", [f"{b}.total"], [f"{b}.{o}" for o in OUTCOMES]


def direct_reading(edition: str, values: dict[str, Value]) -> set[tuple[Any, ...]]:
    """What template.md §5 says of ``values``: info naming the blank cells, or an error."""
    out: set[tuple[Any, ...]] = set()
    for rule, printed, parts in statements(edition):
        cells = printed + parts
        blank = frozenset(k for k in cells if values.get(k) is None)
        if blank:
            out.add((rule, "info", frozenset(cells), None, None, blank))
            continue
        actual = sum(values[k] or 0 for k in printed)
        expected = sum(values[k] or 0 for k in parts)
        if actual != expected:
            out.add((rule, "error", frozenset(cells), expected, actual, frozenset()))
    return out


def seen(findings: list[Finding]) -> set[tuple[Any, ...]]:
    return {
        (f.rule, f.severity, frozenset(f.cells), f.expected, f.actual, frozenset(f.blank))
        for f in findings
        if f.rule in ("R1", "R2", "R3", "R4")
    }


@st.composite
def tables(draw: st.DrawFn, edition: str) -> tuple[dict[str, Value], tuple[str, ...]]:
    """Figures of tables 三 and 四 that add up, then a few cells changed or blanked, and maybe a
    row of table 三 left out of the report."""
    small = st.integers(0, 4)
    n: dict[str, int] = {}
    for r in results(edition):
        for c in APPLICANTS:
            n[f"requests.{r}.{c}"] = draw(small)
    for c in APPLICANTS:
        total = sum(n[f"requests.{r}.{c}"] for r in results(edition))
        forward = draw(st.integers(0, 3))
        over = draw(st.integers(0, total + forward))
        n |= {
            f"requests.total.{c}": total,
            f"requests.carried_forward.{c}": forward,
            f"requests.carried_over.{c}": over,
            f"requests.new.{c}": total + forward - over,
        }
    for r in t3_rows(edition):
        n[f"requests.{r}.total"] = sum(n[f"requests.{r}.{c}"] for c in APPLICANTS)
    for b in APPEAL_ROWS:
        parts = [draw(small) for _ in OUTCOMES]
        n |= {f"{b}.{o}": k for o, k in zip(OUTCOMES, parts, strict=True)}
        n[f"{b}.total"] = sum(parts)
    v: dict[str, Value] = dict(n)
    keys = sorted(v)
    for _ in range(draw(st.integers(0, 4))):
        v[draw(st.sampled_from(keys))] = draw(st.one_of(st.none(), st.integers(0, 9)))
    dropped = tuple(draw(st.lists(st.sampled_from(t3_rows(edition)), max_size=1)))
    return v, dropped


def report_of(edition: str, values: dict[str, Value], dropped: tuple[str, ...]) -> Report:
    report = make_report(edition, figures=values)
    requests = report.requests
    assert requests is not None
    rows = tuple(r for r in requests.rows if r.key not in dropped)
    values.update({f"requests.{r}.{c}": None for r in dropped for c in REQUEST_COLUMNS})
    return attrs.evolve(report, tables={**report.tables, "requests": attrs.evolve(requests, rows=rows)})


@given(st.sampled_from(["2021", "2019"]).flatmap(lambda e: st.tuples(st.just(e), tables(e))))
def test_the_data_says_what_template_section_5_says(
    case: tuple[str, tuple[dict[str, Value], tuple[str, ...]]],
) -> None:
    edition, (values, dropped) = case
    report = report_of(edition, dict(values), dropped)
    values = dict(values) | {f"requests.{r}.{c}": None for r in dropped for c in REQUEST_COLUMNS}
    assert seen(check(report)) == direct_reading(edition, values)


def test_a_consistent_table_gives_nothing_and_one_change_is_found() -> None:
    values = {f"requests.{r}.{c}": 0 for r in t3_rows("2021") for c in REQUEST_COLUMNS}
    assert check(make_report("2021", figures=values)) == []
    broken = check(make_report("2021", figures=values | {"requests.denied.admin_query.research": 2}))
    assert {(f.rule, f.cell) for f in broken} == {
        ("R2", "requests.denied.admin_query.research"),
        ("R3", "requests.denied.admin_query.research"),
    }


# --- the [[checks]] rows and their validation -----------------------------------------------------


def _data(*checks: dict[str, Any]) -> dict[str, Any]:
    return {"variant": {"name": "t"}, "checks": list(checks)}


def _tables(variant: Variant) -> dict[str, Any]:
    return {t.name: t for t in variant.tables}


def test_builtin_checks_are_the_five_r_rules() -> None:
    for name in ("2021", "2019"):
        v = get_variant(name)
        assert [c["rule"] for c in v.data["checks"]] == ["R1", "R2", "R3", "R4", "R5"]
        validate_checks(v.data, _tables(v))


R1 = {
    "rule": "R1",
    "table": "requests",
    "each": "column",
    "sum": ["new", "carried_over"],
    "equals": ["total", "carried_forward"],
}


@pytest.mark.parametrize(
    ("check_row", "words"),
    [
        (R1 | {"colour": "red"}, ["#1", "R1", "unknown key 'colour'"]),
        (R1 | {"kind": "ratio"}, ["unknown kind 'ratio'"]),
        (R1 | {"rule": "X1"}, ["'rule'", "'X1'"]),
        (R1 | {"table": "budget"}, ["no table 'budget'"]),
        (R1 | {"sum": ["new", "carried_over_x"]}, ["'sum'", "no row 'carried_over_x'"]),
        (R1 | {"equals": ["refused.*"]}, ["'equals'", "no row 'refused.*'"]),
        (R1 | {"each": "diagonal"}, ["'each'", "'diagonal'"]),
        (R1 | {"sum": []}, ["'sum' must be a non-empty array"]),
        (R1 | {"where": "表三{column}"}, ["'where'", "column"]),
        (R1 | {"each": "row"}, ["no column 'new'"]),
        (R1 | {"each": "once", "sum": ["new.total"], "equals": ["total.sum"]}, ["no column 'sum'"]),
        (R1 | {"each": "once", "sum": ["new"], "equals": ["total.total"]}, ["not a cell"]),
        ({"rule": "R5", "kind": "count", "sum": ["new"]}, ["unknown key 'sum'"]),
        ({"rule": "R5", "kind": "count", "table": "budget"}, ["no table 'budget'"]),
    ],
)
def test_a_wrong_check_is_refused(check_row: dict[str, Any], words: list[str]) -> None:
    with pytest.raises(VariantError) as e:
        validate_checks(_data(check_row), _tables(get_variant("2021")), source="mine.toml")
    assert str(e.value).startswith("mine.toml: [[checks]] #1")
    for w in words:
        assert w in str(e.value)


def test_a_row_family_is_its_rows_or_its_single_row() -> None:
    once = R1 | {"each": "once", "sum": ["other.*.total"], "equals": ["total.total"]}
    for name in ("2021", "2019"):  # 2021: three sub-rows; 2019: one row 其他处理
        validate_checks(_data(once), _tables(get_variant(name)))


def test_a_once_check_is_evaluated(monkeypatch: pytest.MonkeyPatch) -> None:
    variant = get_variant("2021")
    once = {
        "rule": "R3",
        "table": "requests",
        "each": "once",
        "sum": ["other.*.total"],
        "equals": ["total.total"],
    }
    mine = attrs.evolve(variant, name="once", data={**variant.data, "checks": [once]})
    monkeypatch.setattr(gongkai._check, "get_variant", lambda name: mine)
    [f] = check(make_report("2021", figures={"requests.other.unpaid_fee.total": 2}))
    assert (f.rule, f.severity, f.expected, f.actual, f.cell) == ("R3", "error", 2, 0, "requests.total.total")
    assert f.message.startswith("表三：")


def _variant_package(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, package: str, data_file: str, toml: str
) -> None:
    """A variant package on the import path: an empty module and one data file."""
    folder = tmp_path / package
    folder.mkdir()
    (folder / "__init__.py").write_text("", encoding="utf-8")
    (folder / data_file).write_text(textwrap.dedent(toml), encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))


def test_a_variant_whose_check_names_a_missing_row_fails_to_load(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _variant_package(
        tmp_path,
        monkeypatch,
        "broken_checks_variant",
        "broken.toml",
        """
        [variant]
        name = "broken-checks"
        extends = "base.toml"
        grammar = "base.lark"

        [[checks]]
        rule = "R3"
        table = "requests"
        each = "column"
        sum = ["granted", "refused.*"]
        equals = ["total"]
        """,
    )
    with pytest.raises(
        VariantError, match=r"broken\.toml: \[\[checks\]\] #1 \(rule R3\): 'sum': .*'refused\.\*'"
    ):
        Variant.from_package("broken_checks_variant", "broken.toml")


# --- hostile prose --------------------------------------------------------------------------------


class _Counted:
    """A paragraph that counts how often its fields are read."""

    reads = 0

    def __init__(self, text: str, line: int, item: bool = False) -> None:
        self._text, self._line, self._item = text, line, item

    @property
    def text(self) -> str:
        _Counted.reads += 1
        return self._text

    @property
    def line(self) -> int:
        _Counted.reads += 1
        return self._line

    @property
    def item(self) -> bool:
        _Counted.reads += 1
        return self._item


def test_x3_reads_each_paragraph_a_bounded_number_of_times() -> None:
    """19,400 quotes, one a paragraph, under the 依申请公开 heading: each paragraph is read a few
    times, not once per quote above it (on main this was quadratic: ~10 s of checking)."""
    n = 19_400
    report = gongkai.parse(SEED_TSV.read_text("utf-8"))
    paragraphs = [_Counted("（二）依申请公开", 10, True)]
    paragraphs += [_Counted("收到申请1件", 11 + k) for k in range(n)]
    section = Section(1, "总体情况", 9, tuple(paragraphs))  # type: ignore[arg-type]
    report = attrs.evolve(report, sections=(section, *report.sections[1:]))
    _Counted.reads = 0
    x3 = [f for f in check(report) if f.rule == "X3"]
    assert len(x3) == n and {(f.expected, f.actual) for f in x3} == {(14, 1)}
    assert x3[0].line == 11 and x3[-1].line == 10 + n
    assert _Counted.reads <= 5 * (n + 1)


def test_many_quote_lines_in_section_one_check_in_linear_time() -> None:
    text = SEED_TSV.read_text("utf-8")
    head = "(二) 依申请公开。"
    assert head in text
    lines = "\n".join("收到申请1件" for _ in range(19_400))
    report = gongkai.parse(text.replace(head, head + "\n" + lines + "\n", 1))
    x3 = [f for f in check(report) if f.rule == "X3"]
    assert len(x3) == 19_400


def test_a_huge_quoted_figure_is_skipped() -> None:
    text = SEED_TSV.read_text("utf-8")
    huge = "9" * 5000
    edited = text.replace("全年办理政府信息公开申请14件", f"全年办理政府信息公开申请{huge}件")
    assert edited != text
    findings = check(gongkai.parse(edited))
    assert not [f for f in findings if f.rule == "X3"]
    # …and a plain wrong figure next to it is still read
    edited = edited.replace("办结14件", "办结14件。全年收到政府信息公开申请15件")
    [f] = [f for f in check(gongkai.parse(edited)) if f.rule == "X3"]
    assert (f.expected, f.actual) == (14, 15)


def test_report_tables_by_name() -> None:
    report = gongkai.parse(SEED_TSV.read_text("utf-8"))
    assert list(report.tables) == ["active", "requests", "appeals"]
    assert all(isinstance(t, Table) for t in report.tables.values())
    assert report.tables["requests"] is report.requests
    assert isinstance(Paragraph("x", 1), Paragraph)


def test_column_labels_are_the_variants_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A finding names a column as the variant's data does; a label for no column is an error."""
    spec = gongkai.get_variant("2021").table("requests")
    assert spec is not None and spec.column_label("natural_person") == "自然人"
    assert spec.column_label("no_such_column") == "no_such_column"
    _variant_package(
        tmp_path,
        monkeypatch,
        "labels_variant",
        "labels.toml",
        """
        [variant]
        name = "labels"
        extends = "base.toml"
        grammar = "base.lark"

        [tables.requests]
        column_labels = { natural_persons = "自然人" }
        """,
    )
    with pytest.raises(VariantError, match=r"column_labels names 'natural_persons'"):
        Variant.from_package("labels_variant", "labels.toml")
