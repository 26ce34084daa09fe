"""The model's two views of a table agree: rows and figures built on first access (LazyRows),
and the flat values (TableCells) that check and to_record read without building them."""

from __future__ import annotations

import pickle
import sys
from pathlib import Path

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import gongkai
from gongkai.cells import Placement, place, read_value
from gongkai.layout import Cell
from gongkai.model import LazyRows, Report, Table, TableCells
from gongkai.variants import get_variant

from .conftest import FIXTURES, SEEDS

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
    for lazy, built in zip(report.tables.values(), eager.tables.values(), strict=True):
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
    assert len(build._COUNT_VALUES) <= build._CACHE_MAX
    assert len(build._COUNT_KINDS) <= build._CACHE_MAX


def _outcome(p: Placement) -> tuple[list[Cell | None], list[Cell], str]:
    return p.cells, p.extra, p.note


@st.composite
def _width_group(draw: st.DrawFn) -> tuple[list[list[Cell]], int, str, list[bool]]:
    """Rows of one width, some with too few or too many cells (texts that make pads and repeats)."""
    width = draw(st.integers(1, 6))
    texts = st.sampled_from(["", "", "0", "0", "1", "2"])
    n = draw(st.integers(1, 6))
    rows = [
        [Cell(t, t, r + 1) for t in draw(st.lists(texts, min_size=max(0, width - 2), max_size=width + 3))]
        for r in range(n)
    ]
    trailing = draw(st.lists(st.booleans(), min_size=n, max_size=n))
    return rows, width, draw(st.sampled_from(["start", "end"])), trailing


@given(_width_group())
def test_placing_the_odd_rows_alone_places_them_as_the_whole_table(
    group: tuple[list[list[Cell]], int, str, list[bool]],
) -> None:
    """The model places only rows without exactly their width of cells (build._place_odd): a row
    of the right width comes out as is, and the others as when the whole group is placed."""
    rows, width, pads, trailing = group
    whole = place(rows, width, pads, trailing)
    odd = [i for i, r in enumerate(rows) if len(r) != width]
    alone = place([rows[i] for i in odd], width, pads, [trailing[i] for i in odd])
    for i, r in enumerate(rows):
        if len(r) == width:
            assert _outcome(whole[i]) == (r, [], "")
    assert [_outcome(whole[i]) for i in odd] == [_outcome(p) for p in alone]


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.stem)
def test_record_is_meta_then_every_key_then_the_figures(path: Path) -> None:
    """to_record copies a template of its keys: the same dict, in the same order, as building it."""
    report = gongkai.parse(path.read_text("utf-8"))
    expected: dict[str, object] = {"agency": report.agency, "year": report.year, "edition": report.edition}
    expected.update(dict.fromkeys(get_variant(report.variant).record_keys()))
    for table in report.tables.values():
        expected.update(table.values())
    record = gongkai.to_record(report)
    assert record == expected
    assert list(record) == list(expected)
    record["year"] = None  # a copy: the next record starts afresh
    assert gongkai.to_record(report) == expected


@pytest.mark.parametrize("path", sorted(FIXTURES.glob("**/*.txt")), ids=lambda p: p.stem)
def test_every_cell_reads_as_its_text(path: Path) -> None:
    """The memos (and kinds read only on demand) give each cell what read_value gives its text."""
    report = gongkai.parse(path.read_text("utf-8"))
    variant = get_variant(report.variant)
    for table in report.tables.values():
        spec = variant.table(table.name)
        assert spec is not None
        money = {f"{rs.row}.{c}" for rs in spec.row_specs() for c in rs.money}
        cells = table.cells
        for i, key in enumerate(cells.shape.keys):
            src = cells.sources[i]
            text = "" if src is None else src.text  # type: ignore[union-attr]
            assert (cells.values[i], cells.kinds[i]) == read_value(text, money=key in money)
        assert len(cells.kinds) == len(cells.values)
