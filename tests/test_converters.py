"""The real-world pages through more converters and options: every figure exact."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

import gongkai

from .conftest import FIXTURES, REALWORLD

TEXTS = sorted((FIXTURES / "converters").glob("*.txt"))


def _expected(path: Path) -> dict[str, object]:
    year = path.name.split(".")[0]  # pingtan_2021
    return json.loads((REALWORLD / f"{year}.json").read_text("utf-8"))  # type: ignore[no-any-return]


@pytest.mark.parametrize("path", TEXTS, ids=lambda p: p.name)
def test_every_figure_exact(path: Path) -> None:
    record = gongkai.to_record(gongkai.parse(path.read_text("utf-8")))
    values = _expected(path)["values"]
    assert isinstance(values, dict)
    wrong = {
        k: (record.get(k), v)
        for k, v in values.items()
        if not (record.get(k) == v or (isinstance(record.get(k), Decimal) and record.get(k) == Decimal(str(v))))
    }
    assert wrong == {}


def test_tables_without_headings_are_read_and_reported() -> None:
    report = gongkai.parse((FIXTURES / "converters" / "pingtan_2021.pandas-tsv-only.txt").read_text("utf-8"))
    assert report.active is not None and report.requests is not None and report.appeals is not None
    assert {d.code for d in report.diagnostics} >= {"missing-heading"}
    assert report.requests["new"]["total"].value == 70
