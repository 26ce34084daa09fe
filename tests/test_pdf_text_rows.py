"""PDF text with a table row per line, read by ``gongkai.parse``: a row is placed only when its
figures are exactly its columns (a blank cell leaves no trace between spaces)."""

from __future__ import annotations

from pathlib import Path

import gongkai

SWEEP = Path(__file__).parent / "fixtures" / "sweep"


def _text(**rows: str) -> str:
    text = (SWEEP / "huaian_2024.pdf.pdfplumber.txt").read_text("utf-8")
    for old, new in rows.items():
        assert old in text
        text = text.replace(old, new)
    return text


def test_a_label_wrapped_around_its_figures_is_read() -> None:
    report = gongkai.parse(_text())
    row = report.tables["requests"]["partially_granted"]
    assert [f.value for f in row.figures] == [447, 7, 0, 0, 0, 0, 454]
    assert report.read_status == "read"


def test_a_row_with_fewer_figures_than_columns_is_not_placed() -> None:
    # a blank cell vanished: 6 figures for 7 columns
    report = gongkai.parse(_text(**{"2.重复申请 25 0 0 0 0 0 25": "2.重复申请 25 0 0 0 0 25"}))
    row = report.tables["requests"]["not_processed.duplicate"]
    assert all(f.value is None and f.kind == "unreadable" for f in row.figures)
    (diag,) = [d for d in report.diagnostics if d.code == "columns-lost"]
    assert diag.severity == "error" and "gongkai.read" in diag.message and "重复申请" in diag.message
    assert report.read_status == "incomplete"
    coverage = report.tables["requests"].coverage
    assert coverage is not None and coverage.read == coverage.expected - 7
