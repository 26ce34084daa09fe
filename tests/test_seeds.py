"""The five seed reports: every one of their 200 figures, exactly, and their metadata."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

import gongkai

from .conftest import SEEDS


def _expected(path: Path) -> dict[str, object]:
    return json.loads(path.with_suffix(".json").read_text("utf-8"))  # type: ignore[no-any-return]


def _same(got: object, want: object) -> bool:
    if isinstance(got, Decimal):
        return want is not None and got == Decimal(str(want))
    return got == want and type(got) is type(want)


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.stem)
def test_every_figure_of_the_seed(path: Path) -> None:
    want = _expected(path)
    record = gongkai.to_record(gongkai.parse(path.read_text("utf-8")))
    values = want["values"]
    assert isinstance(values, dict)
    assert len(values) == 200
    wrong = {
        k: (record.get(k, "ABSENT"), v) for k, v in values.items() if not _same(record.get(k, "ABSENT"), v)
    }
    assert wrong == {}


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.stem)
def test_seed_metadata_and_sections(path: Path) -> None:
    want = _expected(path)
    report = gongkai.parse(path.read_text("utf-8"))
    assert (report.agency, report.year, report.edition) == (want["agency"], want["year"], "2021")
    assert report.title == want["title"]
    assert [s.number for s in report.sections] == [1, 2, 3, 4, 5, 6]
    assert report.active is not None and report.requests is not None and report.appeals is not None


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.stem)
def test_seeds_follow_the_template_strictly(path: Path) -> None:
    # The seeds are well-formed: strict mode accepts them (only informational notes remain).
    report = gongkai.parse(path.read_text("utf-8"), strict=True)
    assert all(d.severity == "info" for d in report.diagnostics)


def test_seed_001_granted_row_lands_in_the_total_column(seed_texts: dict[str, str]) -> None:
    # "三、本年度办理结果\t(一) 予以公开\t\t\t\t\t\t14": only the 总计 cell is filled.
    report = gongkai.parse(seed_texts["001_6e005d299800cb62"])
    assert report.requests is not None
    granted = report.requests["granted"]
    assert granted["total"].value == 14
    assert granted["total"].line == 43
    assert [granted[c].value for c in granted.columns[:-1]] == [None] * 6
    assert all(granted[c].kind == "blank" for c in granted.columns[:-1])
    # rows with a trailing TAB and rows whose first label cell was merged away
    assert report.requests["denied.state_secret"]["total"].value == 0
    assert report.requests["total"]["natural_person"].value == 14
    assert report.requests["carried_forward"]["total"].value == 0


def test_seed_001_mixes_markdown_headings_and_tab_separated_tables(seed_texts: dict[str, str]) -> None:
    report = gongkai.parse(seed_texts["001_6e005d299800cb62"])
    assert report.layout == "markdown+tab-separated"
    assert report.section(5) is not None
    assert [p.text for p in report.section(5).items] == ["(一) 存在的主要问题", "(二) 改进情况"]  # type: ignore[union-attr]


def test_seed_002_unit_in_cell_and_wrapped_category_label(seed_texts: dict[str, str]) -> None:
    report = gongkai.parse(seed_texts["002_446b7061e65f5827"])
    assert report.active is not None and report.requests is not None
    penalty = report.active["penalty"]["decisions"]
    assert (penalty.value, penalty.raw, penalty.line) == (13, "13件", 59)
    # "（三）" / empty line / "不予公开" is one label cell
    assert "(三)不予公开" in report.requests["denied.state_secret"].label
    # the truncated heading "四、 政府信息公开行政复议、行政诉讼情" still opens section 四
    assert report.section(4) is not None


def test_seed_004_last_cell_continues_after_an_empty_line(seed_texts: dict[str, str]) -> None:
    report = gongkai.parse(seed_texts["004_019e5b1c1dc46283"])
    assert report.requests is not None
    fig = report.requests["carried_forward"]["total"]
    assert fig.value == 0 and fig.line == 344
    # "商业" / "企业" and "结果" / "纠正" are wrapped header labels: the header still reads
    assert report.appeals is not None and report.appeals["review"]["corrected"].value == 0
