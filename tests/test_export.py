"""One typed table: gongkai.to_arrow / to_dataframe, the long form, the writers, the crosswalk."""

from __future__ import annotations

import csv
import json
from decimal import Decimal
from pathlib import Path

import pytest

import gongkai
from gongkai import Result
from gongkai._export import (
    FINDING_COLUMNS,
    LONG_COLUMNS,
    PROVENANCE,
    finding_rows,
    open_writer,
    wide_columns,
    wide_rows,
)

from .conftest import FIXTURES, SEEDS
from .strategies import make_report

pa = pytest.importorskip("pyarrow")
pd = pytest.importorskip("pandas")

EDITION_2019 = FIXTURES / "edition2019" / "synthetic_2019.tsv.txt"


@pytest.fixture(scope="module")
def results() -> list[Result]:
    paths = [SEEDS[0], SEEDS[1], EDITION_2019, Path("no/such/file.txt")]
    return list(gongkai.read_many(paths, timeout=None))


def test_wide_table_is_typed(results: list[Result]) -> None:
    table = gongkai.to_arrow(results)
    assert table.num_rows == 4
    assert table.column_names[: len(PROVENANCE)] == [c.name for c in PROVENANCE]
    assert table.schema.field("requests.new.total").type == pa.int64()
    assert table.schema.field("active.fees.amount").type == pa.decimal128(38, 6)
    assert table.schema.field("active.procurement.amount").type == pa.decimal128(38, 6)
    assert table.schema.field("year").type == pa.int64()
    rows = table.to_pylist()
    assert rows[0]["requests.new.total"] == gongkai.to_record(results[0].report)["requests.new.total"]  # type: ignore[arg-type]
    assert rows[2]["edition"] == "2019" and rows[2]["active.procurement.amount"] == Decimal("251000")
    assert rows[2]["active.fees.amount"] is None  # a 2021 key: absent in 2019
    assert (
        rows[3]["error"] and rows[3]["requests.new.total"] is None and rows[3]["file"] == "no/such/file.txt"
    )
    assert rows[1]["read_status"] == "incomplete" and rows[0]["diagnostics_error"] == 0


def test_dataframe_counts_are_nullable_integers_and_money_is_decimal(results: list[Result]) -> None:
    df = gongkai.to_dataframe(results)
    assert str(df["requests.new.total"].dtype) == "Int64"
    assert str(df["requests.granted.natural_person"].dtype) == "Int64"
    assert df["requests.granted.natural_person"].isna().iloc[1]  # a blank stays a blank, not NaN
    assert isinstance(df["active.fees.amount"].dtype, pd.ArrowDtype)
    assert df["active.procurement.amount"].iloc[2] == Decimal("251000")


def test_reports_are_taken_too() -> None:
    report = make_report(figures={"active.fees.amount": Decimal("96171.6"), "requests.new.total": None})
    [row] = gongkai.to_arrow([report]).to_pylist()
    assert row["file"] is None and row["active.fees.amount"] == Decimal("96171.6")
    assert row["requests.new.total"] is None


def test_a_count_printed_with_decimals_has_no_integer() -> None:
    report = make_report(
        figures={"requests.new.total": Decimal("3.5"), "requests.new.natural_person": Decimal("4")}
    )
    [row] = wide_rows([report], variants=["2021"])
    assert row["requests.new.total"] is None and row["requests.new.natural_person"] == 4


def test_long_form_has_a_row_per_figure_with_its_place(results: list[Result]) -> None:
    table = gongkai.to_arrow(results, long=True)
    assert table.column_names == [c.name for c in LONG_COLUMNS]
    rows = table.to_pylist()
    first = [r for r in rows if r["file"] == str(SEEDS[0])]
    assert len(first) == 200
    new_total = next(r for r in first if r["key"] == "requests.new.total")
    assert new_total["kind"] == "number" and new_total["line"] is not None and new_total["raw"]
    assert new_total["value"] == Decimal(new_total["raw"])
    failed = [r for r in rows if r["error"]]
    assert len(failed) == 1 and failed[0]["key"] is None


def test_the_crosswalk_names_shared_renamed_and_edition_only_keys() -> None:
    walk = gongkai.crosswalk("2019", "2021")
    assert walk.renamed["active.regulations.made"] == "active.regulations.issued"
    assert "requests.new.total" in walk.shared
    assert "active.procurement.amount" in walk.old_only and "active.fees.amount" in walk.new_only
    assert "active.regulations.made" not in walk.old_only and "active.regulations.issued" not in walk.new_only
    keys_2019 = gongkai.get_variant("2019").record_keys()
    assert set(walk.shared) | set(walk.renamed) | set(walk.old_only) == set(keys_2019)
    with pytest.raises(gongkai.VariantError):
        gongkai.crosswalk("2021", "2019")


def test_panel_puts_both_editions_under_the_2021_keys(results: list[Result]) -> None:
    table = gongkai.to_arrow(results[:3], panel=True)
    assert "active.regulations.made" not in table.column_names
    assert "active.procurement.amount" in table.column_names  # a 2019-only key keeps its name
    rows = table.to_pylist()
    made_2019 = gongkai.to_record(results[2].report)["active.normative_documents.made"]  # type: ignore[arg-type]
    assert rows[2]["active.normative_documents.issued"] == made_2019 == 3
    assert rows[0]["active.normative_documents.issued"] is not None  # and the 2021 report its own


@pytest.mark.parametrize("suffix", ["jsonl", "csv", "parquet", "xlsx"])
def test_writers_write_every_row(tmp_path: Path, results: list[Result], suffix: str) -> None:
    path = tmp_path / f"out.{suffix}"
    cols = wide_columns()
    writer, findings = open_writer(str(path), cols, findings=True)
    for row in wide_rows(results, columns=cols):
        writer.write(row, {"requests.new.total": "error"})
    if findings is not None:
        for report in results[:1]:
            for frow in finding_rows(
                "x", report.report, [gongkai.Finding("R1", "error", "坏", "bad", cells=("a",))]
            ):
                findings.write(frow)
    writer.close()
    if suffix == "jsonl":
        rows = [json.loads(line) for line in path.read_text("utf-8").splitlines()]
        assert rows[2]["active.procurement.amount"] == "251000"  # money as a decimal string
    elif suffix == "csv":
        with path.open(encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
        assert rows[2]["active.procurement.amount"] == "251000" and rows[3]["requests.new.total"] == ""
    elif suffix == "parquet":
        import pyarrow.parquet as pq

        t = pq.read_table(path)
        assert t.schema.field("requests.new.total").type == pa.int64()
        rows = t.to_pylist()
    else:
        import openpyxl

        book = openpyxl.load_workbook(path)
        assert book.sheetnames == ["figures", "findings"]
        sheet = book["figures"]
        header = [c.value for c in sheet[1]]
        col = header.index("requests.new.total") + 1
        assert sheet.cell(2, col).fill.fgColor.rgb.endswith("FFC7CE")  # the broken cell, red
        assert [c.value for c in book["findings"][1]] == [c.name for c in FINDING_COLUMNS]
        rows = [dict(zip(header, (c.value for c in r), strict=True)) for r in sheet.iter_rows(min_row=2)]
    assert [r["file"] for r in rows] == [str(SEEDS[0]), str(SEEDS[1]), str(EDITION_2019), "no/such/file.txt"]
