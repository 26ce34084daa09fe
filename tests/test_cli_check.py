"""The command line: gongkai check FILE... [--previous FILE] [--format text|json]."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from gongkai._cli import main

from .conftest import REALWORLD, SEEDS

SEED_TSV = SEEDS[1]  # 001: its 予以公开 row leaves the applicant columns blank (info findings)
LINE = re.compile(
    r"^(?P<file>.+):(?P<line>\d+): (?P<rule>[RX][1-5]) (?P<severity>error|warning|info) (?P<msg>.+)$"
)


def _complete(text: str) -> str:
    """Seed 001 with the cell its converter left out of lines 43 and 44 put back (blank): as
    printed, those rows are one cell short, and the report is not fully read (exit 3)."""
    lines = text.split("\n")
    for i in (42, 43):
        label, _, values = lines[i].rpartition("予以公开" if i == 42 else "不计其他情形）")
        lines[i] = label + ("予以公开" if i == 42 else "不计其他情形）") + "\t" + values
    return "\n".join(lines)


def _seed(tmp_path: Path) -> Path:
    path = tmp_path / "seed001.txt"
    path.write_text(_complete(SEED_TSV.read_text("utf-8")), encoding="utf-8")
    return path


def test_a_report_not_fully_read_exits_3_and_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(SEED_TSV)]) == 3
    err = capsys.readouterr().err
    assert f"gongkai: {SEED_TSV}: not fully read: figures read: requests 173/175" in err


def _broken(tmp_path: Path) -> Path:
    """Seed 001 with 二、上年结转 of 自然人 (line 42) raised from 0 to 2."""
    lines = _complete(SEED_TSV.read_text("utf-8")).split("\n")
    assert lines[41].startswith("二、上年结转政府信息公开申请数量\t0\t")
    lines[41] = lines[41].replace("\t0\t", "\t2\t", 1)
    path = tmp_path / "broken.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def test_consistent_report_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(SEEDS[0])]) == 0
    assert capsys.readouterr().out == ""


def test_info_findings_print_but_exit_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    seed = _seed(tmp_path)
    assert main(["check", str(seed)]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert out
    for line in out:
        m = LINE.match(line)
        assert m is not None, line
        assert m["file"] == str(seed) and m["severity"] == "info"
    assert out[0].startswith(f"{seed}:43: R2 info 表三“（一）予以公开”行的R2无法核对")


def test_error_exits_1_with_file_and_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _broken(tmp_path)
    assert main(["check", str(path), "--severity", "error"]) == 1
    out = capsys.readouterr().out.strip().splitlines()
    assert out == [
        f"{path}:42: R1 error 表三“自然人”列：（七）总计加四、结转下年度为14，"
        "而一、本年新收加二、上年结转为16，两者不等。",
        f"{path}:42: R2 error 表三“二、上年结转政府信息公开申请数量”行：总计为0，"
        "而各类申请人之和为2，两者不等。",
    ]


def test_english_messages(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _broken(tmp_path)
    assert main(["check", str(path), "--severity", "error", "--lang", "en"]) == 1
    out = capsys.readouterr().out
    assert f"{path}:42: R1 error table 三, column natural_person: total + carried forward is 14" in out


def test_json_format(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _broken(tmp_path)
    assert main(["check", "--format", "json", str(path), str(SEEDS[0])]) == 1
    data = json.loads(capsys.readouterr().out)
    errors = [d for d in data if d["severity"] == "error"]
    assert [(d["rule"], d["cell"], d["line"]) for d in errors] == [
        ("R1", "requests.carried_over.natural_person", 42),
        ("R2", "requests.carried_over.natural_person", 42),
    ]
    first = errors[0]
    assert first["file"] == str(path)
    assert (first["expected"], first["actual"]) == (16, 14)
    assert "requests.carried_over.natural_person" in first["cells"]
    assert first["message_en"] and first["message"]
    assert {d["file"] for d in data} == {str(path)}  # the consistent seed has no finding


def test_json_money_is_a_string(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = _complete(SEED_TSV.read_text("utf-8")).replace("行政事业性收费\t0", "行政事业性收费\t-2.5")
    path = tmp_path / "fee.txt"
    path.write_text(text, encoding="utf-8")
    assert main(["check", "--format", "json", "--severity", "error", str(path)]) == 1
    [d] = json.loads(capsys.readouterr().out)
    assert (d["rule"], d["cell"], d["actual"]) == ("R5", "active.fees.amount", "-2.5")


def test_previous_year(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    previous = tmp_path / "2020.txt"
    text = (REALWORLD / "pingtan_2021.markitdown.txt").read_text("utf-8").replace("2021年", "2020年")
    previous.write_text(text, encoding="utf-8")
    # X-rules warn; warnings alone do not fail the check
    assert main(["check", str(SEEDS[0]), "--previous", str(previous)]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    x1 = [line for line in out if " X1 " in line]
    assert len(x1) == 2 and all(" X1 warning " in line for line in x1)
    assert x1[0].startswith(f"{SEEDS[0]}:") and "上一年度“结转下年度继续办理”为1" in x1[0]


def test_unparseable_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "letter.txt"
    bad.write_text("Dear reader,\n", encoding="utf-8")
    assert main(["check", str(bad), str(_broken(tmp_path))]) == 2
    captured = capsys.readouterr()
    assert captured.err.startswith(f"gongkai: {bad}: line 1, column 1: not a 政府信息公开工作年度报告")
    assert " R1 error " in captured.out  # the other file is still checked


def test_unparseable_previous_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(SEEDS[0]), "--previous", str(tmp_path / "missing.txt")]) == 2
    assert "missing.txt" in capsys.readouterr().err


def test_parse_still_works(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["parse", "--format", "record", str(_seed(tmp_path))]) == 0
    assert json.loads(capsys.readouterr().out)["requests.new.total"] == 14


def test_a_check_that_fails_is_one_line_not_a_parse_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import gongkai._cli as cli

    def broken(*_: object, **__: object) -> list[object]:
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(cli, "check", broken)
    assert main(["check", str(SEEDS[0])]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "checking it failed" in err[0] and "ZeroDivisionError: boom" in err[0]
    assert "could not be parsed" not in err[0]
