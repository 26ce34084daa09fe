"""The command line: gongkai parse FILE... [--format json|record]."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from gongkai._cli import main

from .conftest import SEEDS, figures_of

SEED = SEEDS[1]  # 001: markdown headings with tab-separated tables; two cells left out: exit 3


def test_parse_prints_the_model_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["parse", str(SEED)]) == 3  # printed, and "not fully read" on stderr
    data = json.loads(capsys.readouterr().out)
    assert data["agency"] == "政府办" and data["year"] == 2021
    assert [s["number"] for s in data["sections"]] == [1, 2, 3, 4, 5, 6]
    assert data["tables"]["requests"]["rows"][0]["key"] == "new"


def test_parse_record_format(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["parse", str(SEED), "--format", "record"]) == 3
    record = json.loads(capsys.readouterr().out)
    assert record["requests.new.total"] == 14
    assert record["requests.granted.natural_person"] is None
    assert record["active.fees.amount"] == "0"  # money as a decimal string, never a float
    assert len(record) == 9 + 200


def test_several_files_give_a_list(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["parse", "--format", "record", *map(str, SEEDS[:2])]) == 3
    data = json.loads(capsys.readouterr().out)
    assert [d["file"] for d in data] == [str(p) for p in SEEDS[:2]]


def test_failure_is_one_clear_line_and_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "letter.txt"
    bad.write_text("Dear reader,\n", encoding="utf-8")
    assert main(["parse", str(bad)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert err[0].startswith(f"gongkai: {bad}: line 1, column 1: not a 政府信息公开工作年度报告")


def test_missing_file_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["parse", str(tmp_path / "nope.txt")]) == 2
    assert "nope.txt" in capsys.readouterr().err


def test_python_dash_m_and_stdin() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "gongkai", "parse", "-", "--format", "record"],
        input=SEED.read_bytes(),
        capture_output=True,
        check=False,
    )
    assert proc.returncode == 3, proc.stderr
    assert b"not fully read" in proc.stderr
    assert json.loads(proc.stdout)["requests.total.total"] == 14


def test_render_rewrites_a_report_in_a_clean_layout(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["render", str(SEED), "--layout", "tab-separated"]) == 0
    out = capsys.readouterr().out
    assert "一、本年新收政府信息公开申请数量\t14\t0\t0\t0\t0\t0\t14" in out
    import gongkai

    assert figures_of(gongkai.to_record(gongkai.parse(out))) == figures_of(
        gongkai.to_record(gongkai.parse(SEED.read_text("utf-8")))
    )


def test_variants_lists_the_editions(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["variants"]) == 0
    names = [line.split("\t")[0] for line in capsys.readouterr().out.splitlines()]
    assert {"2019", "2021"} <= set(names)


def test_sources_are_files_directories_globs_and_lists(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for p in SEEDS[:3]:
        (tmp_path / "a" / "b").mkdir(parents=True, exist_ok=True)
        (tmp_path / "a" / "b" / p.name).write_bytes(p.read_bytes())
    listing = tmp_path / "list.txt"
    listing.write_text(f"{SEEDS[3]}\n\n{SEEDS[4]}\n", encoding="utf-8")
    code = main(
        [
            "parse",
            "--format",
            "record",
            str(tmp_path / "a"),
            str(SEEDS[0].parent / "00[0]_*.txt"),
            "--files-from",
            str(listing),
        ]
    )
    assert code == 3  # seed 001 is not fully read
    data = json.loads(capsys.readouterr().out)
    assert len(data) == 3 + 1 + 2


def test_output_table_has_a_row_per_source_failures_included(tmp_path: Path) -> None:
    bad = tmp_path / "letter.txt"
    bad.write_text("Dear reader,\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert main(["parse", str(SEEDS[0]), str(bad), "-o", str(out)]) == 2
    rows = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert [r["file"] for r in rows] == [str(SEEDS[0]), str(bad)]
    assert rows[0]["error"] is None and rows[0]["requests.new.total"] is not None
    assert rows[1]["error"].startswith("line 1, column 1: not a 政府信息公开工作年度报告")
    csv_out = tmp_path / "out.csv"
    assert main(["parse", str(SEEDS[0]), "-o", str(csv_out)]) == 0
    assert csv_out.read_text("utf-8").splitlines()[0].startswith("file,error,agency,year,edition")


def test_a_full_disk_is_one_line_not_a_traceback(capsys: pytest.CaptureFixture[str]) -> None:
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full here")
    assert main(["parse", str(SEEDS[0]), "-o", "/dev/full"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("gongkai: ")
