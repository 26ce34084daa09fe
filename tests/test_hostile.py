"""Hostile input through the whole pipeline: each case ends in a report (the rest read) or a
gongkai error, never another exception; the work stays linear in the input."""

from __future__ import annotations

import gongkai

from .conftest import SEEDS
from .strategies import make_report

SEED = SEEDS[0].read_text("utf-8")
TSV = gongkai.render(
    make_report("2021", figures={"requests.new.natural_person": 5, "requests.new.total": 5}), "tab-separated"
)


def test_a_cell_of_five_thousand_digits_is_unreadable_and_the_rest_is_read() -> None:
    text = TSV.replace(
        "一、本年新收政府信息公开申请数量\t5", "一、本年新收政府信息公开申请数量\t" + "9" * 5000, 1
    )
    assert text != TSV
    report = gongkai.parse(text)
    fig = report.requests["new"]["natural_person"]  # type: ignore[index]
    assert (fig.value, fig.kind) == (None, "unreadable")
    assert any(d.code == "unreadable-cell" for d in report.diagnostics)
    assert report.requests["new"]["total"].value is not None  # type: ignore[index]
    gongkai.check(report)  # the arithmetic is reported around it, never a crash
    gongkai.to_record(report)
    gongkai.render(report)


def test_a_figure_of_five_thousand_digits_in_prose_is_not_a_crash() -> None:
    text = SEED.replace("一、总体情况\n", "一、总体情况\n\n全年收到申请" + "7" * 5000 + "件。\n", 1)
    report = gongkai.parse(text)
    gongkai.check(report)


def test_ten_thousand_repeated_headings_are_read_and_reported() -> None:
    text = SEED + "二、主动公开政府信息情况\n" * 10_000
    report = gongkai.parse(text)
    assert (
        sum(d.code == "unexpected-line" for d in report.diagnostics) >= 9_000 or report.section(2) is not None
    )
    gongkai.check(report)


def test_prose_quotes_by_the_thousand_check_in_linear_work() -> None:
    text = SEED.replace("一、总体情况\n", "一、总体情况\n\n" + "收到申请1件\n" * 19_400, 1)
    report = gongkai.parse(text)
    findings = gongkai.check(report)
    assert all(f.rule in gongkai._check.RULES for f in findings)


def test_a_long_line_of_pipes_is_a_report_or_a_parse_error() -> None:
    text = SEED + "| 0 " * 200_000 + "|\n"
    report = gongkai.parse(text)
    assert report.requests is not None
