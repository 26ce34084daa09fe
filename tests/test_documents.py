"""The published documents themselves, through the whole pipeline: every case of
``cases-documents.json`` (published HTML pages, Word files made from them, PDFs printed from those
and one written by WPS) read with :func:`gongkai.read` — every figure exact, where each came from,
every kind of source, file names that lie, and the command line."""

from __future__ import annotations

import io
import json
import shutil
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import pytest

import gongkai
from gongkai._cli import main

pytest.importorskip("lxml")
pytest.importorskip("docx")
pytest.importorskip("pdfplumber")

DOCUMENTS = Path(__file__).parent / "fixtures" / "documents"
CASES = json.loads((DOCUMENTS / "cases-documents.json").read_text("utf-8"))
NAMES = [c["name"] for c in CASES]


def _path(case: dict[str, Any]) -> Path:
    """A case's file: the fixtures keep each format in its own folder."""
    return DOCUMENTS / Path(case["file"]).suffix.lstrip(".") / case["file"]


def _case(name: str) -> tuple[Path, dict[str, Any]]:
    case = next(c for c in CASES if c["name"] == name)
    path = _path(case)
    return path, json.loads((path.parent / case["expect"]).read_text("utf-8"))


@cache
def _report(name: str) -> gongkai.Report:
    """Each document read once by path for the tests that only look at the result."""
    return gongkai.read(str(_case(name)[0]))


def _wrong(record: dict[str, Any], values: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    """The figures of ``record`` that differ from the hand-read ``values`` (want, got): counts
    are ``int``, money ``Decimal`` (the .json writes it as a number or a string), blank None."""
    wrong = {}
    for key, want in values.items():
        got = record.get(key, "absent")
        if want is None or isinstance(want, bool):
            ok = got is want
        elif isinstance(want, int):
            ok = type(got) is int and got == want
        else:
            ok = isinstance(got, Decimal) and got == Decimal(str(want))
        if not ok:
            wrong[key] = (want, got)
    return wrong


def test_every_case_is_a_fixture() -> None:
    shared = Path(__file__).parents[2] / "shared" / "realworld" / "cases-documents.json"
    assert len(CASES) == 7
    assert {Path(c["file"]).suffix for c in CASES} == {".html", ".docx", ".pdf"}
    for case in CASES:
        assert _path(case).is_file(), case["file"]
    if shared.is_file():  # the fixtures are a copy of the shared list
        assert json.loads(shared.read_text("utf-8")) == CASES


@pytest.mark.parametrize("name", NAMES)
def test_every_figure_exact(name: str) -> None:
    _, expect = _case(name)
    report = _report(name)
    record = gongkai.to_record(report)
    assert len(expect["values"]) == 200
    assert _wrong(record, expect["values"]) == {}
    assert report.read_status == "read"
    assert record["figures_read"] == record["figures_expected"] == 200
    assert (record["agency"], record["year"], record["edition"]) == (
        expect["agency"],
        expect["year"],
        expect["edition"],
    )
    assert record["reader"] == Path(name).suffix.lstrip(".")
    assert [d for d in report.diagnostics if d.severity != "info"] == []
    assert [f for f in gongkai.check(report) if f.severity == "error"] == []


@pytest.mark.parametrize("name", NAMES)
def test_every_figure_knows_where_it_came_from(name: str) -> None:
    report = _report(name)
    kind = Path(name).suffix
    places = set()
    for key, figure in (kv for t in report.tables.values() for kv in t.figures()):
        where = figure.where
        assert where is not None, key
        if kind == ".pdf":
            assert where.page is not None and where.page >= 1, key
            assert where.box is not None, key
            x0, top, x1, bottom = where.box
            assert x0 < x1 and top < bottom, key
        elif kind == ".docx":
            assert None not in (where.table, where.row, where.cell), key
        else:
            assert where.line is not None and where.line >= 1, key
            assert figure.line == where.line, key
        if kind != ".html":
            assert None not in (where.table, where.row, where.cell), key
        places.add((where.page, where.line, where.table, where.row, where.cell))
    assert len(places) == 200, "two figures read from one cell"


@pytest.mark.parametrize("name", NAMES)
def test_to_dict_shows_the_source_location(name: str) -> None:
    report = _report(name)
    data = gongkai.to_dict(report)
    json.dumps(data, ensure_ascii=False)  # JSON-ready
    figures = [f for t in data["tables"].values() for r in t["rows"] for f in r["figures"]]
    assert len(figures) == 200
    wanted = {".pdf": {"page", "box"}, ".docx": {"table", "row", "cell"}, ".html": {"line"}}
    for f in figures:
        assert wanted[Path(name).suffix] <= set(f["where"]), f
    # the first figure of table 三 in the model and in the dict agree
    model = next(iter(report.tables["requests"].figures()))[1]
    assert data["tables"]["requests"]["rows"][0]["figures"][0]["where"] == model.where.as_dict()  # type: ignore[union-attr]


@pytest.mark.parametrize("name", NAMES)
def test_every_kind_of_source_and_a_lying_name(name: str, tmp_path: Path) -> None:
    """A str path, an os.PathLike, bytes and a binary file read alike; a file whose name says
    another format is read by its content."""
    path, _ = _case(name)
    want = gongkai.to_record(_report(name))
    lying = tmp_path / ("report.txt" if path.suffix == ".pdf" else "report.pdf")
    shutil.copy(path, lying)
    data = path.read_bytes()
    sources: list[Any] = [lying, data, io.BytesIO(data)]
    with path.open("rb") as fh:
        sources.append(fh)
        for source in sources:
            assert gongkai.to_record(gongkai.read(source)) == want, type(source).__name__


@pytest.mark.parametrize("name", NAMES)
def test_cli_parse_record(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    path, expect = _case(name)
    assert main(["parse", str(path), "--format", "record"]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    record = json.loads(out)
    assert record["read_status"] == "read"
    # JSON has no Decimal: money is written as a string
    fees = "active.fees.amount"
    assert Decimal(record.pop(fees)) == Decimal(str(expect["values"][fees]))
    values = {k: v for k, v in expect["values"].items() if k != fees}
    assert {k: record[k] for k in values} == values


@pytest.mark.parametrize("name", NAMES)
def test_cli_check(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    path, _ = _case(name)
    code = main(["check", str(path), "--format", "json"])
    out, err = capsys.readouterr()
    findings = json.loads(out)
    assert "not fully read" not in err
    assert code == (1 if any(f["severity"] == "error" for f in findings) else 0)
    assert all(f["file"] == str(path) for f in findings)
