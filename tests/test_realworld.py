"""Real published reports through real converters (markitdown, html2text, pandas, Tika)."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

import gongkai

from .conftest import REALWORLD, load_case

CASES = [c["name"] for c in json.loads((REALWORLD / "cases.json").read_text("utf-8"))]


def _same(got: object, want: object) -> bool:
    if isinstance(got, Decimal) or isinstance(want, (float, str)):
        return got is not None and want is not None and Decimal(str(got)) == Decimal(str(want))
    return got == want and type(got) is type(want)


@pytest.mark.parametrize("name", CASES)
def test_every_figure_exact(name: str) -> None:
    text, expect = load_case(name)
    record = gongkai.to_record(gongkai.parse(text))
    wrong = {
        k: (record.get(k, "ABSENT"), v) for k, v in expect["values"].items() if not _same(record.get(k), v)
    }
    assert wrong == {}
    assert len(expect["values"]) == 200


@pytest.mark.parametrize("name", CASES)
def test_metadata(name: str) -> None:
    text, expect = load_case(name)
    record = gongkai.to_record(gongkai.parse(text))
    assert (record["agency"], record["year"], record["edition"]) == (
        expect["agency"],
        expect["year"],
        expect["edition"],
    )


@pytest.mark.parametrize("name", CASES)
def test_money_is_decimal(name: str) -> None:
    text, expect = load_case(name)
    fee = gongkai.to_record(gongkai.parse(text))["active.fees.amount"]
    assert isinstance(fee, Decimal)
    assert fee == Decimal(str(expect["values"]["active.fees.amount"]))


@pytest.mark.parametrize("name", CASES)
def test_site_navigation_is_not_a_figure(name: str) -> None:
    # The pages carry the site's menus around the report; none of it may reach a table.
    text, _ = load_case(name)
    report = gongkai.parse(text)
    assert [s.number for s in report.sections] == [1, 2, 3, 4, 5, 6]
    assert sum(1 for _ in report.figures()) == 200


def test_pandas_span_expanded_cells() -> None:
    # pandas repeats a merged cell: "行政许可\t2293\t2293\t2293" is one figure, and
    # table 三's commercial column spans two grid columns ("64\t0\t0\t0\t2…").
    text, _ = load_case("pingtan_2021.pandas-tsv")
    report = gongkai.parse(text)
    assert report.active is not None and report.requests is not None
    assert report.active["licensing"]["decisions"].value == 2293
    new = report.requests["new"]
    assert [new[c].value for c in new.columns] == [64, 0, 0, 2, 0, 4, 70]


def test_markitdown_colspan_pads_and_rowspan_losses() -> None:
    # "| 一、本年新收… | | | 64 | 0 | | 0 | 2 | 0 | 4 | 70 |": label pads and a colspan pad;
    # "| 2.其他法律… | 0 | 0 | | 0 |…": the rowspan label cells are missing.
    text, _ = load_case("pingtan_2021.markitdown")
    report = gongkai.parse(text)
    assert report.requests is not None
    assert [report.requests["new"][c].value for c in report.requests["new"].columns] == [
        64,
        0,
        0,
        2,
        0,
        4,
        70,
    ]
    row = report.requests["denied.prohibited_by_law"]
    assert [row[c].value for c in row.columns] == [0] * 7
    assert row.line == 143
