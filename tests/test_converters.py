"""The real-world pages through more converters and options: every figure exact."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

import gongkai

from .conftest import FIXTURES, REALWORLD

CONVERTERS = FIXTURES / "converters"

# Known misreadings, per file: each must keep failing (strict) until the parser is fixed.
KNOWN_WRONG: dict[str, str] = {
    # "<file>": "<stage>: <cells wrong and why>",  (pingtan_2019.pandas-tsv-only.txt was here: block 九
    # lost in a headless table 二; fixed by c3f42bf)
}


def _param(path: Path) -> object:
    reason = KNOWN_WRONG.get(path.name)
    marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
    return pytest.param(path, id=path.name, marks=marks)


TEXTS = [_param(p) for p in sorted(CONVERTERS.glob("*.txt"))]


def _expected(path: Path) -> dict[str, object]:
    """The hand-read figures of a page: tests/fixtures/converters/<stem>.json, else realworld/."""
    stem = path.name.split(".")[0]  # pingtan_2021
    local = CONVERTERS / f"{stem}.json"
    source = local if local.exists() else REALWORLD / f"{stem}.json"
    return json.loads(source.read_text("utf-8"))  # type: ignore[no-any-return]


def test_known_wrong_files_exist() -> None:
    assert {p for p in KNOWN_WRONG if not (CONVERTERS / p).exists()} == set()


@pytest.mark.parametrize("path", TEXTS)
def test_every_figure_exact(path: Path) -> None:
    record = gongkai.to_record(gongkai.parse(path.read_text("utf-8")))
    values = _expected(path)["values"]
    assert isinstance(values, dict)
    wrong = {
        k: (record.get(k), v)
        for k, v in values.items()
        if not (
            record.get(k) == v or (isinstance(record.get(k), Decimal) and record.get(k) == Decimal(str(v)))
        )
    }
    assert wrong == {}


def test_tables_without_headings_are_read_and_reported() -> None:
    report = gongkai.parse((CONVERTERS / "pingtan_2021.pandas-tsv-only.txt").read_text("utf-8"))
    assert report.active is not None and report.requests is not None and report.appeals is not None
    assert {d.code for d in report.diagnostics} >= {"missing-heading"}
    assert report.requests["new"]["total"].value == 70


@pytest.mark.parametrize("path", sorted(CONVERTERS.glob("pingtan_2020.*.txt")), ids=lambda p: p.name)
def test_a_report_that_does_not_add_up_is_reported_not_repaired(path: Path) -> None:
    # The published 2020 table 三 prints 总计 20 / 21, its result rows sum to 26 / 27 (R3).
    report = gongkai.parse(path.read_text("utf-8"))
    findings = {(f.rule, f.severity) for f in gongkai.check(report)}
    assert findings == {("R3", "error")}
    assert report.requests is not None and report.requests["total"]["total"].value == 21
