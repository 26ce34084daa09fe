"""Placing value cells into columns (gongkai._place): exact, or flagged doubtful."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gongkai._document import Cell, Row, Where
from gongkai._place import place

from .place_tables import Converter, read_row, tables, write_table


def _c(text: str, *, pad: bool = False) -> Cell:
    return Cell(text, text, Where(line=1), pad=pad)


def _figures(cells: tuple[Cell | None, ...]) -> list[str]:
    return [c.text if c is not None else "" for c in cells]


def test_markitdown_label_pads_are_not_figures() -> None:
    """| 一、本年新收… | | | 821 | 35 |  |  | 2 | 1 | 859 | (pads one space, blanks two)."""
    cells = [_c("一、本年新收政府信息公开申请数量"), _c("", pad=True), _c("", pad=True)]
    cells += [_c(t) for t in ["821", "35", "", "", "2", "1", "859"]]
    [p] = place([read_row(cells, 1, False)], [7], label_columns=3, pads="start")
    assert _figures(p.cells) == ["821", "35", "", "", "2", "1", "859"] and not p.doubtful


def test_markitdown_label_pads_unmarked_at_full_width() -> None:
    """Unmarked pads and two blank columns: the table's three label columns are the likeliest
    reading, but one label pad and a colspan pad in a blank column fit the text too (gongkai's
    own text writes two label columns): placed by the label columns, and flagged."""
    cells = [_c("一、本年新收政府信息公开申请数量"), _c(""), _c("")]
    cells += [_c(t) for t in ["821", "35", "", "", "2", "1", "859"]]
    row = read_row(cells, 1, False)
    [p] = place([row, row], [7, 7], label_columns=3, pads="start")[:1]
    assert _figures(p.cells) == ["821", "35", "", "", "2", "1", "859"] and p.doubtful


def test_unmarked_pads_are_certain_where_the_table_fills_its_columns() -> None:
    """The same row in a table whose other rows have figures in every column: one reading."""
    cells = [_c("一、本年新收政府信息公开申请数量"), _c(""), _c("")]
    cells += [_c(t) for t in ["821", "35", "", "", "2", "1", "859"]]
    full = [_c("（三）不予公开"), _c("1.属于国家秘密")]
    other = read_row([_c(""), *full, *(_c(t) for t in ["1", "2", "3", "4", "5", "6", "21"])], 2, False)
    p, _ = place([read_row(cells, 1, False), other], [7, 7], label_columns=3, pads="start")
    assert _figures(p.cells) == ["821", "35", "", "", "2", "1", "859"] and not p.doubtful


def test_a_trailing_tab_at_full_width_is_a_blank_total() -> None:
    """…⇥⇥⇥80⇥1⇥0⇥0⇥0⇥0⇥ in a table whose rows are written at full width."""
    blank_total = [_c("一、本年新收"), _c(""), _c("")] + [_c(t) for t in ["80", "1", "0", "0", "0", "0", ""]]
    full = [_c("二、上年结转"), _c(""), _c("")] + [_c(t) for t in ["0", "0", "0", "0", "0", "0", "0"]]
    rows = [read_row(blank_total, 1, True), read_row(full, 2, False)]
    p, _ = place(rows, [7, 7], label_columns=3, pads="start")
    assert _figures(p.cells) == ["80", "1", "0", "0", "0", "0", ""] and not p.doubtful


def test_a_value_colspan_pad_shared_by_the_table_is_dropped() -> None:
    """pingtan 2021 (markitdown, unmarked): 商业企业 spans two source columns."""
    rows = [
        read_row(
            [_c("一、本年新收"), _c(""), _c("")]
            + [_c(t) for t in ["64", "0", "_", "0", "2", "0", "4", "70"]],
            1,
            False,
        ),
        read_row(
            [_c("（二）部分公开"), _c("")] + [_c(t) for t in ["5", "0", "_", "0", "0", "0", "0", "5"]],
            2,
            False,
        ),
        read_row([_c("2.重复申请")] + [_c(t) for t in ["1", "0", "_", "0", "0", "0", "0", "1"]], 3, False),
    ]
    rows = [
        Row(r.labels, tuple(_c("") if c.text == "_" else c for c in r.values), r.where, width=r.width)
        for r in rows
    ]
    out = place(rows, [7, 7, 7], label_columns=3, pads="start")
    assert [_figures(p.cells) for p in out] == [
        ["64", "0", "0", "2", "0", "4", "70"],
        ["5", "0", "0", "0", "0", "0", "5"],
        ["1", "0", "0", "0", "0", "0", "1"],
    ]
    assert not any(p.doubtful for p in out)


def test_pandas_repeats_of_a_short_row_are_one_figure() -> None:
    rows = [
        read_row([_c(label)] + [_c(v)] * 3, i, False)
        for i, (label, v) in enumerate([("行政许可", "2629"), ("行政处罚", "1330"), ("行政强制", "54")])
    ]
    out = place(rows, [1, 1, 1], label_columns=1, pads="end")
    assert [_figures(p.cells) for p in out] == [["2629"], ["1330"], ["54"]]


def test_trailing_noise_after_a_figure_is_not_a_column() -> None:
    """seed 001: (三) 不予公开⇥1.属于国家秘密⇥0⇥0⇥0⇥0⇥0⇥0⇥0⇥"""
    cells = [_c("(三) 不予公开"), _c("1.属于国家秘密")] + [_c("0")] * 7 + [_c("")]
    [p] = place([read_row(cells, 1, True)], [7], label_columns=3, pads="start")
    assert _figures(p.cells) == ["0"] * 7 and not p.doubtful


def test_grid_rows_are_their_columns_and_say_when_they_are_not() -> None:
    row = Row((_c("规章"),), (_c("1"), _c("2")), Where(line=1), grid=True)
    [p] = place([row], [3], label_columns=1, pads="end")
    assert _figures(p.cells) == ["1", "2", ""] and p.doubtful


def test_an_open_row_is_doubtful_with_the_truth_among_its_alternatives() -> None:
    """['', 5, …, ''] after a trailing TAB with one label of three: label pad or blank first cell."""
    cells = [_c("（二）部分公开")] + [_c(t) for t in ["", "", "1", "0", "0", "0", "1", ""]]
    [p] = place([read_row(cells, 1, True)], [7], label_columns=3, pads="start")
    assert p.doubtful
    options = [_figures(p.cells), *(_figures(a) for a in p.alternatives)]
    assert ["", "1", "0", "0", "0", "1", ""] in options and ["", "", "1", "0", "0", "0", "1"] in options


def _check(table, converter: Converter, noise: frozenset[int]) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    rows = write_table(table, converter, noise)
    placed = place(rows, table.widths, label_columns=table.label_columns, pads=table.pads)
    doubtful = 0
    for true, row, p in zip(table.rows, rows, placed, strict=True):
        truth = list(true.figures)
        options = [_figures(p.cells), *(_figures(a) for a in p.alternatives)]
        assert _figures(p.cells) == truth or (p.doubtful and truth in options), (row, p)
        kept = {id(c) for c in p.cells if c is not None} | {id(c) for c in p.extra}
        for i, c in enumerate(row.values):  # nothing is lost: a figure is placed, set aside or a copy
            if c.text and not c.pad and id(c) not in kept:
                assert i > 0 and row.values[i - 1].text == c.text, (row, p)
        doubtful += p.doubtful
    return doubtful, len(rows)


@settings(max_examples=300, deadline=None)
@given(tables(), st.sampled_from(["markitdown", "cells"]))
def test_every_figure_is_exact_or_doubtful(table, converter: Converter) -> None:  # type: ignore[no-untyped-def]
    _check(table, converter, frozenset())


@settings(max_examples=300, deadline=None)
@given(tables(), st.sampled_from(["markitdown-unmarked", "tsv-full", "tsv-noise"]), st.data())
def test_every_figure_is_exact_or_doubtful_unmarked(table, converter: Converter, data: st.DataObject) -> None:  # type: ignore[no-untyped-def]
    """Converters that leave no pad mark: unmarked markitdown pads, TSV with every grid cell,
    TSV rows ending in stray TABs."""
    noise = frozenset(data.draw(st.sets(st.integers(0, len(table.rows) - 1))))
    _check(table, converter, noise)


@pytest.mark.xfail(
    reason="open gap: a TSV writer that drops a row's trailing empty cells while label pads "
    "stay (a row ending in a figure reads one column off, unflagged), and pandas repeating a "
    "merged cell whose figure is 0 in a table where no other figure repeats (a copy or two "
    "zeros) — the text allows both readings and the row is not yet flagged",
    strict=False,
)
@settings(max_examples=300, deadline=None)
@given(tables(), st.sampled_from(["pandas", "tsv-strip"]), st.data())
def test_every_figure_is_exact_or_doubtful_lossy(table, converter: Converter, data: st.DataObject) -> None:  # type: ignore[no-untyped-def]
    noise = frozenset(data.draw(st.sets(st.integers(0, len(table.rows) - 1))))
    _check(table, converter, noise)
