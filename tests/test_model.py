"""The model's two views of a table agree: rows and figures built on first access (LazyRows),
and the flat values (TableCells) that check and to_record read without building them."""

from __future__ import annotations

import pickle
import sys
from pathlib import Path

import attrs
import pytest

import gongkai
from gongkai.model import LazyRows, Report, Table, TableCells

from .conftest import SEEDS

build = sys.modules["gongkai.build"]


def _eager(report: Report) -> Report:
    """The same report with every table's rows built up front, as a caller would build them."""
    tables = {
        name: None if t is None else Table(t.name, t.title, t.line, tuple(t.rows), t.prefix)
        for name, t in (("active", report.active), ("requests", report.requests), ("appeals", report.appeals))
    }
    return attrs.evolve(report, **tables)


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.stem)
def test_lazy_rows_equal_built_rows(path: Path) -> None:
    report = gongkai.parse(path.read_text("utf-8"))
    assert report.requests is not None and isinstance(report.requests.rows, LazyRows)
    eager = _eager(report)
    assert report == eager
    assert hash(report.requests) == hash(eager.requests)
    for lazy, built in zip(report.tables, eager.tables, strict=True):
        assert lazy.values() == {key: fig.value for key, fig in built.figures()}
        assert list(lazy.values()) == [key for key, _ in lazy.figures()]
        assert lazy.rows[1:3] == tuple(built.rows)[1:3]
        assert lazy.rows[-1] is lazy.rows[-1]  # built once, then kept


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.stem)
def test_record_and_check_read_the_same_figures_either_way(path: Path) -> None:
    report = gongkai.parse(path.read_text("utf-8"))
    eager = _eager(report)
    assert gongkai.to_record(report) == gongkai.to_record(eager)
    assert gongkai.check(report) == gongkai.check(eager)
    assert gongkai.to_dict(report) == gongkai.to_dict(eager)


def test_flat_cells_of_built_rows() -> None:
    report = gongkai.parse(SEEDS[0].read_text("utf-8"))
    assert report.appeals is not None
    rows = tuple(report.appeals.rows)
    cells = TableCells.from_rows(rows)
    assert cells.values == [f.value for r in rows for f in r.figures]
    assert cells.shape.keys == tuple(f"{r.key}.{f.column}" for r in rows for f in r.figures)
    assert [cells.figure(i) for i in range(len(cells))] == [f for r in rows for f in r.figures]
    assert cells.shape is TableCells.from_rows(rows).shape  # one shape per distinct set of rows


def test_a_parsed_report_pickles() -> None:
    report = gongkai.parse(SEEDS[1].read_text("utf-8"))
    again = pickle.loads(pickle.dumps(report))
    assert again == report
    assert gongkai.to_record(again) == gongkai.to_record(report)


def test_the_value_memo_stays_bounded() -> None:
    """Reading many reports with many distinct figures does not grow memory without bound."""
    seen = set()
    for i in range(build._CACHE_MAX // 7 + 50):
        figures = [str(7 * i + j) for j in range(7)]
        report = gongkai.parse(
            "三、收到和处理政府信息公开申请情况\n\t一、本年新收政府信息公开申请数量\t"
            + "\t".join(figures)
            + "\n"
        )
        assert report.requests is not None
        assert list(report.requests.values().values()) == [int(f) for f in figures]
        seen.update(figures)
    assert len(seen) > build._CACHE_MAX
    assert len(build._COUNTS) <= build._CACHE_MAX
