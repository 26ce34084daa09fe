"""The model: a report's tables by name, every figure with its source, the record in the
variant's order, and how much of each table was read."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

import gongkai
from gongkai import get_variant
from gongkai._figures import cell_text, read_value

from .conftest import FIXTURES, SEEDS
from .strategies import make_report


def test_a_parsed_report_pickles() -> None:
    report = gongkai.parse(SEEDS[1].read_text("utf-8"))
    again = pickle.loads(pickle.dumps(report))
    assert again == report
    assert gongkai.to_record(again) == gongkai.to_record(report)


def test_tables_are_a_mapping_by_name_with_the_template_tables_as_properties() -> None:
    report = gongkai.parse(SEEDS[0].read_text("utf-8"))
    assert list(report.tables) == ["active", "requests", "appeals"]
    assert report.requests is report.tables["requests"] and report.appeals is report.tables["appeals"]
    assert (
        report.requests["denied.state_secret"]["total"].value
        == report.requests.values()["requests.denied.state_secret.total"]
    )


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.stem)
def test_record_is_meta_then_every_key_of_the_variant(path: Path) -> None:
    report = gongkai.parse(path.read_text("utf-8"))
    record = gongkai.to_record(report)
    keys = list(record)
    assert keys[:3] == ["agency", "year", "edition"]
    assert keys[len(gongkai._record.META) :] == get_variant(report.variant).record_keys()
    for table in report.tables.values():
        for key, value in table.values().items():
            assert record[key] == value


@pytest.mark.parametrize("path", sorted(FIXTURES.glob("**/*.txt")), ids=lambda p: p.stem)
def test_every_figure_reads_as_its_cell(path: Path) -> None:
    """A figure's value and kind are what its cell's text reads as; a figure with a value has a
    source line and its text as printed."""
    try:
        report = gongkai.parse(path.read_text("utf-8"))
    except gongkai.ParseError:
        # only a converter's output of the sweep may be no report at all (tests/test_sweep.py)
        assert path.parent.name == "sweep"
        return
    variant = get_variant(report.variant)
    for name, table in report.tables.items():
        spec = variant.table(name)
        assert spec is not None
        money = {f"{rs.row}.{c}" for rs in spec.row_specs() for c in rs.money}
        for row in table.rows:
            for f in row.figures:
                if f.raw:
                    want = read_value(cell_text(f.raw), money=f"{row.key}.{f.column}" in money)
                    assert (f.value, f.kind) == want
                if f.value is not None:
                    assert f.line is not None and f.raw


def test_coverage_counts_the_figures_read_from_the_document() -> None:
    report = gongkai.parse(SEEDS[0].read_text("utf-8"))
    assert {n: (t.coverage.read, t.coverage.expected) for n, t in report.tables.items() if t.coverage} == {
        "active": (10, 10),
        "requests": (175, 175),
        "appeals": (15, 15),
    }
    assert report.read_status == "read"
    record = gongkai.to_record(report)
    assert (record["figures_read"], record["figures_expected"], record["read_status"]) == (200, 200, "read")
    assert record["reader"] == "text" and record["gongkai_version"] == gongkai.__version__


def test_reprs_are_short() -> None:
    report = gongkai.parse(SEEDS[0].read_text("utf-8"))
    assert len(repr(report)) < 300 and "requests 175/175" in repr(report)
    assert len(repr(report.requests)) < 200
    assert "<table>" in report.requests._repr_html_()  # type: ignore[union-attr]


def test_a_made_report_renders_and_reads_back() -> None:
    report = make_report("2021", figures={"requests.new.total": 7})
    again = gongkai.parse(gongkai.render(report, "tab-separated"))
    assert again.requests is not None and again.requests["new"]["total"].value == 7


def test_a_stray_line_after_a_row_of_several_lines_is_set_aside_not_placed() -> None:
    """Table 四's figures may stand on several lines; a line the grammar takes for one more
    (a site footer's `/` after the report) is set aside with an error on its own line, and the
    row's own figures stay where they are."""
    report = make_report("2021", figures={"litigation.after_review.total": 7})
    text = gongkai.render(report, "tab-separated")
    text = text[: text.index("五、")] + "版权所有：某某网站\n\t\t/\n"
    read = gongkai.parse(text)
    assert read.appeals["litigation.after_review"]["total"].value == 7
    [aside] = [d for d in read.diagnostics if d.code == "extra-cells"]
    assert aside.severity == "error" and aside.line == text.count("\n") and "'/'" in aside.message


def test_figures_inside_a_label_cell_are_an_error_and_the_row_doubtful() -> None:
    """A converter that merged a row's cells leaves figures in its label cell
    (``行政许可<br>2293``): the row's figures cannot be placed with certainty."""
    text = SEEDS[1].read_text("utf-8")
    report = gongkai.parse(text)
    line = report.active["licensing"].line
    assert line is not None
    lines = text.split("\n")
    label = next(c for c in lines[line - 1].split("\t") if "行政许可" in c)
    lines[line - 1] = lines[line - 1].replace(label, label + "<br>2293", 1)
    read = gongkai.parse("\n".join(lines))
    [d] = [d for d in read.diagnostics if d.code == "figures-in-label"]
    assert d.severity == "error" and d.line == line and "2293" in d.message
    assert all(f.doubtful for f in read.active["licensing"].figures)
    assert read.read_status == "incomplete"


def test_a_table_whose_rows_lost_their_columns_is_not_read() -> None:
    """Two rows of table 二 whose label cells swallowed their figures: the text has lost the
    table's grid, so the table gets an error and every one of its figures is doubtful."""
    text = SEEDS[1].read_text("utf-8")
    report = gongkai.parse(text)
    lines = text.split("\n")
    for key in ("licensing", "penalty"):
        line = report.active[key].line
        assert line is not None
        label = next(c for c in lines[line - 1].split("\t") if report.active[key].label in c)
        lines[line - 1] = lines[line - 1].replace(label, label + "<br>12", 1)
    read = gongkai.parse("\n".join(lines))
    [d] = [d for d in read.diagnostics if d.code == "table-not-read"]
    assert d.severity == "error" and "主动公开" in d.message
    assert all(f.doubtful for _, f in read.active.figures())
    assert not any(f.doubtful for _, f in read.requests.figures())
