"""The command line over a corpus: tables, -j, the summary line, verdicts, pairs across years."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest

from gongkai._cli import main

from .conftest import FIXTURES, REALWORLD, SEEDS

PINGTAN = REALWORLD / "pingtan_2021.markitdown.txt"


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    """A folder: two seeds, a 2019 report, a letter, and a Word document in a subfolder."""
    folder = tmp_path / "corpus"
    (folder / "sub").mkdir(parents=True)
    for p in SEEDS[:2]:
        (folder / p.name).write_bytes(p.read_bytes())
    (folder / "y2019.txt").write_bytes((FIXTURES / "edition2019" / "synthetic_2019.tsv.txt").read_bytes())
    (folder / "letter.txt").write_text("Dear reader,\n", encoding="utf-8")
    docx = REALWORLD.parent.parent / "fixtures" / "documents" / "docx"
    word = sorted(docx.glob("*.docx"))
    if word:
        (folder / "sub" / word[0].name).write_bytes(word[0].read_bytes())
    return folder


def test_parse_a_folder_to_parquet_with_two_processes(
    corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    import pyarrow as pa

    out = tmp_path / "out.parquet"
    assert main(["parse", str(corpus), "-o", str(out), "-j", "2"]) == 2  # the letter failed
    table = pq.read_table(out)
    files = table.column("file").to_pylist()
    assert files == sorted(files) and len(files) == len(list(corpus.rglob("*.*")))
    assert table.schema.field("requests.new.total").type == pa.int64()
    assert table.schema.field("active.fees.amount").type == pa.decimal128(38, 6)
    errors = dict(zip(files, table.column("error").to_pylist(), strict=True))
    assert errors[str(corpus / "letter.txt")].startswith("line 1, column 1: not a")
    err = capsys.readouterr().err.splitlines()
    assert err[-1].startswith(f"gongkai: {len(files)} files: ")
    assert re.match(
        r"gongkai: \d+ files: \d+ read, \d+ read with warnings, \d+ not fully read, [1-9]\d* failed", err[-1]
    )


def test_to_overrides_the_suffix_and_long_gives_a_row_per_figure(tmp_path: Path) -> None:
    out = tmp_path / "figures.txt"
    assert main(["parse", str(SEEDS[0]), str(SEEDS[2]), "-o", str(out), "--to", "csv", "--long", "-q"]) == 0
    with out.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 400 and {r["file"] for r in rows} == {str(SEEDS[0]), str(SEEDS[2])}
    assert rows[0]["key"] and rows[0]["kind"] and rows[0]["line"]


def test_excel_has_figures_and_findings_sheets(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    text = SEEDS[0].read_text("utf-8")
    out = tmp_path / "out.xlsx"
    assert main(["parse", str(SEEDS[0]), str(SEEDS[2]), "-o", str(out), "-q"]) == 0
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["figures", "findings"]
    assert book["figures"].max_row == 3
    assert text  # the seeds are consistent: no error cell to highlight


def test_panel_writes_both_editions_under_2021_keys(tmp_path: Path) -> None:
    out = tmp_path / "panel.jsonl"
    y2019 = FIXTURES / "edition2019" / "synthetic_2019.tsv.txt"
    assert main(["parse", str(SEEDS[0]), str(y2019), "-o", str(out), "--panel", "-q"]) == 0
    rows = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert "active.regulations.made" not in rows[1]
    assert rows[1]["edition"] == "2019" and rows[1]["active.normative_documents.issued"] == 3


def test_check_a_corpus_writes_verdicts_and_findings_and_pairs_years(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "c"
    folder.mkdir()
    text = PINGTAN.read_text("utf-8")
    (folder / "a_2021.txt").write_text(text, encoding="utf-8")
    (folder / "b_2020.txt").write_text(text.replace("2021年", "2020年"), encoding="utf-8")
    (folder / "c_2019.txt").write_text(text.replace("2021年", "2019年"), encoding="utf-8")
    (folder / "d_2019_copy.txt").write_text(text.replace("2021年", "2019年"), encoding="utf-8")
    (folder / "e_letter.txt").write_text("Dear reader,\n", encoding="utf-8")
    verdicts, findings = tmp_path / "verdicts.csv", tmp_path / "findings.jsonl"
    code = main(["check", str(folder), "-o", str(verdicts), "--findings", str(findings), "-q"])
    assert code == 2  # the letter could not be read
    assert capsys.readouterr().out == ""  # the tables hold the findings
    with verdicts.open(encoding="utf-8", newline="") as fh:
        rows = {Path(r["file"]).name: r for r in csv.DictReader(fh)}
    assert rows["a_2021.txt"]["previous"] == str(folder / "b_2020.txt")
    assert "X1" in rows["a_2021.txt"]["broken_rules"]
    assert rows["b_2020.txt"]["pairing"].startswith("ambiguous: 2 reports for 2019")
    assert rows["b_2020.txt"]["previous"] == ""
    assert rows["e_letter.txt"]["error"].startswith("line 1, column 1: not a")
    assert rows["a_2021.txt"]["agency"] == "平潭综合实验区" and rows["a_2021.txt"]["year"] == "2021"
    found = [json.loads(line) for line in findings.read_text("utf-8").splitlines()]
    x1 = [f for f in found if f["rule"] == "X1" and f["severity"] == "warning"]
    assert x1 and all(f["file"] == str(folder / "a_2021.txt") for f in x1)
    assert all(f["previous"] == str(folder / "b_2020.txt") for f in x1)


def test_check_without_pairs_and_text_output_still_works(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(SEEDS[0]), str(SEEDS[2]), "--no-pairs", "-j", "2"]) == 0
    err = capsys.readouterr().err.splitlines()
    assert err[-1].startswith("gongkai: 2 files: 2 read")


def test_stdin_in_a_batch(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import io
    import sys

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(SEEDS[0].read_bytes())))
    out = tmp_path / "o.jsonl"
    assert main(["parse", "-", str(SEEDS[2]), "-o", str(out), "-q"]) == 0
    rows = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert [r["file"] for r in rows] == ["-", str(SEEDS[2])] and rows[0]["requests.new.total"] is not None


def test_the_table_written_by_workers_is_the_table_of_the_python_api(corpus: Path, tmp_path: Path) -> None:
    # the workers send back rows, the main process only writes: the same table as to_arrow
    pq = pytest.importorskip("pyarrow.parquet")
    import gongkai

    files = sorted(str(p) for p in corpus.rglob("*.*"))
    out = tmp_path / "out.parquet"
    assert main(["parse", *files, "-o", str(out), "-j", "2", "-q"]) == 2
    expected = gongkai.to_arrow(gongkai.read_many(files, timeout=None))
    written = pq.read_table(out)
    assert written.schema == expected.schema
    assert written.drop_columns(["format"]).equals(expected.drop_columns(["format"]))
