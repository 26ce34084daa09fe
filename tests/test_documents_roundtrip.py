"""Generated reports written as published pages and Word files (random spans, blank cells, the
real header rows) read back through :func:`gongkai.read` exactly."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import gongkai
from gongkai import Report

from .conftest import figures_of
from .pages import HtmlStyle, Page, html_styles, layouts, plain_layout, to_docx, to_html
from .strategies import make_report, reports

pytest.importorskip("lxml")
pytest.importorskip("docx")


def _same(got: Report, report: Report, reader: str) -> None:
    want = figures_of(gongkai.to_record(report))
    record = gongkai.to_record(got)
    diff = {k: (v, record.get(k, "absent")) for k, v in want.items() if record.get(k, "absent") != v}
    assert not diff, f"(want, got): {diff}"
    assert got.reader == reader
    assert got.read_status == "read"
    bad = [str(d) for d in got.diagnostics if d.severity != "info"]
    assert bad == []


@st.composite
def _pages(draw: st.DrawFn) -> tuple[Report, Page]:
    report = draw(reports())
    return report, draw(layouts(report))


@given(_pages(), html_styles())
def test_generated_report_as_html_reads_back(page: tuple[Report, Page], style: HtmlStyle) -> None:
    report, layout = page
    data = to_html(layout, style)
    _same(gongkai.read(data), report, "html")


@settings(max_examples=40, deadline=None)
@given(_pages(), st.booleans(), st.booleans())
def test_generated_report_as_docx_reads_back(
    page: tuple[Report, Page], headings: bool, split_labels: bool
) -> None:
    report, layout = page
    data = to_docx(layout, headings=headings, split_labels=split_labels)
    _same(gongkai.read(data), report, "docx")


def _blank_report(variant: str, *, appeals: bool) -> Report:
    """Every figure blank but, unless ``appeals``, one of table 四 (the office's own count)."""
    keys = gongkai.get_variant(variant).record_keys()
    figures = dict.fromkeys(keys)
    if not appeals:
        figures["review.total"] = 0
    return make_report(variant, year=2020 if variant == "2019" else 2022, figures=figures)


@settings(max_examples=10, deadline=None)
@given(st.sampled_from(["2019", "2021"]), st.data())
def test_blank_figures_read_back_blank(variant: str, data: st.DataObject) -> None:
    """A report with (almost) every figure blank: empty cells everywhere, still every row read."""
    report = _blank_report(variant, appeals=False)
    page = data.draw(layouts(report))
    for document, reader in ((to_html(page), "html"), (to_docx(page), "docx")):
        _same(gongkai.read(document), report, reader)


@pytest.mark.parametrize("variant", ["2019", "2021"])
def test_blank_table_four_reads_back_blank(variant: str) -> None:
    report = _blank_report(variant, appeals=True)
    page = plain_layout(report)
    _same(gongkai.read(to_html(page)), report, "html")


def test_official_blank_template_reads_whole() -> None:
    path = Path(__file__).parent / "fixtures" / "documents" / "docx" / "template_2021_official.docx"
    report = gongkai.read(path)
    assert report.read_status == "read"
    assert all(v is None for k, v in figures_of(gongkai.to_record(report)).items() if "." in k)
