"""The PDF reader: real reports' figures, each layout quirk on a small fixture, bad input."""

from __future__ import annotations

import json
from decimal import Decimal
from functools import cache
from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytest.importorskip("pdfplumber")

from gongkai._document import Document, Prose, Row
from gongkai._errors import ReadError
from gongkai._figures import read_value
from gongkai._readers import pdf
from tests.template import HEADINGS, record_texts

HERE = Path(__file__).parent.parent / "fixtures" / "documents" / "pdf"
REAL = {
    "huaian_2024": "huaian_2024.pdf",
    "pingtan_2021": "pingtan_2021.lo.pdf",
    "pingtan_2023": "pingtan_2023.lo.pdf",
}


@cache
def document(name: str) -> Document:
    return pdf.read((HERE / name).read_bytes(), source=name)


def rows(doc: Document) -> list[Row]:
    return [b for b in doc.blocks if isinstance(b, Row)]


def value_rows(doc: Document, table: int) -> list[Row]:
    """The rows of the document's ``table``-th table that carry figures."""
    return [r for r in rows(doc) if r.table == table and any(c.text for c in r.values)]


def record(doc: Document) -> dict[str, object]:
    """Tables 二, 三, 四's figures → record keys (see tests.template.record_texts), as values."""
    return {
        key: read_value(text, money=key == "active.fees.amount")[0] for key, text in record_texts(doc).items()
    }


@pytest.mark.parametrize("name", sorted(REAL))
def test_every_figure_of_the_real_reports(name: str) -> None:
    doc = document(REAL[name])
    expected = json.loads((HERE / f"{name}.json").read_text("utf-8"))["values"]
    got = record(doc)
    assert len(got) == 200 == len(expected)
    assert {k: len([v for v in got if v.startswith(p)]) for k, p in [("二", "active"), ("四", "review")]} == {
        "二": 10,
        "四": 5,
    }
    for key, value in expected.items():
        want = Decimal(str(value)) if isinstance(value, (float, str)) else value
        assert got[key] == want, key
    assert all(r.grid for r in rows(doc))


def test_huaian_table_three_crosses_the_page_break() -> None:
    doc = document(REAL["huaian_2024"])
    table = value_rows(doc, 2)
    assert len(table) == 25 and {r.values[0].where.page for r in table} == {4, 5}
    # the merged group label cut by the page break is one label on both pages
    assert [r.label for r in table if r.values[0].where.page == 5][:2] == [
        "三、本年度办理结果|(四)无法提供|2.没有现成信息需要另行制作",
        "三、本年度办理结果|(四)无法提供|3.补正后申请内容仍不明确",
    ]
    denied = next(r for r in table if "行政查询" in r.label)
    assert denied.label == "三、本年度办理结果|(三)不予公开|8.属于行政查询事项"
    assert [c.text for c in denied.values] == ["105", "0", "0", "0", "0", "0", "105"]
    first = table[0].values[0]
    assert first.where.page == 4 and first.where.table == 2 and first.where.box is not None
    # header texts read as one label each (wrapped and one-per-line labels joined)
    header = [r for r in rows(doc) if r.table == 2][2]
    assert [c.text for c in header.labels][-7:] == [
        "自然人",
        "商业企业",
        "科研机构",
        "社会公益组织",
        "法律服务机构",
        "其他",
        "总计",
    ]


def test_pingtan_2021_header_row_cut_by_the_page_break() -> None:
    doc = document(REAL["pingtan_2021"])
    header = [r for r in rows(doc) if r.table == 3][2]
    assert [c.text for c in header.labels][-5:] == ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    assert len([r for r in rows(doc) if r.table == 3]) == 4
    assert max(r.table or 0 for r in rows(doc)) == 3


@pytest.mark.parametrize("name", sorted(REAL))
def test_prose_in_reading_order_with_the_tables_between(name: str) -> None:
    blocks = document(REAL[name]).blocks
    prose = [(i, b.text) for i, b in enumerate(blocks) if isinstance(b, Prose)]
    title = next(i for i, t in prose if "政府信息公开工作年度报告" in t)
    heads = [next(i for i, t in prose if t.startswith(h)) for h in HEADINGS]
    assert title < heads[0] and heads == sorted(heads)
    tables = {t: [i for i, b in enumerate(blocks) if isinstance(b, Row) and b.table == t] for t in (1, 2, 3)}
    for t, (before, after) in zip((1, 2, 3), pairwise(heads[1:5]), strict=True):
        assert before < min(tables[t]) and max(tables[t]) < after
    # page numbers are gone
    assert not any(pdf._PAGE_NUMBER.match(t) for _, t in prose)


def test_quirks_wrapped_vertical_merged_blank() -> None:
    doc = document("quirks.pdf")
    table = rows(doc)
    assert [r.label for r in table] == [
        "申请人情况|自然人|商业企业|总计",
        "办理结果|(一)予以公开",
        "办理结果|(二)部分公开(区分处理的)",
        "办理结果|(三)合并单元格",
        "四、结转下年度继续办理",
    ]
    assert [[c.text for c in r.values] for r in table[1:]] == [
        ["5", "7", "12"],
        ["", "3", "3"],  # a blank cell stays blank
        ["8", "8"],  # one figure over two columns: never copied into its neighbour's place
        ["1,000", "2", "1002"],
    ]
    blank = table[2].values[0]
    assert not blank.pad and blank.where.page == 1
    merged = table[3].values[0]
    assert merged.where.box is not None and merged.where.box[2] - merged.where.box[0] == pytest.approx(
        140, abs=1
    )
    prose = [b.text for b in doc.blocks if isinstance(b, Prose)]
    assert prose == [
        "测试县人民政府2024年政府信息公开工作年度报告",
        "一、总体情况",
        "这是框内的说明文字,不是表格。",  # a ruled box around one line is prose
        "三、收到和处理政府信息公开申请情况",
        "五、存在的主要问题及改进情况",  # "- 1 -" dropped
    ]
    assert doc.reader == "pdf"


def test_continued_table_joined_header_dropped_furniture_gone() -> None:
    doc = document("continued.pdf")
    table = rows(doc)
    assert {r.table for r in table} == {1}
    assert [r.label for r in table] == ["项目|甲|乙"] + [f"第{i}行" for i in range(1, 5)] + [
        f"分组标签|第{i}行" for i in range(5, 9)
    ] + ["合计"]
    assert [r.values[0].text for r in table[1:]] == ["1", "2", "3", "4", "5", "6", "7", "8", "36"]
    assert [r.values[0].where.page for r in table[1:]] == [1] * 6 + [2] * 3
    prose = [b.text for b in doc.blocks if isinstance(b, Prose)]
    assert prose == [
        "测试县人民政府2024年政府信息公开工作年度报告",
        "二、主动公开政府信息情况",
        "五、存在的主要问题及改进情况",
    ]


def test_scan_needs_ocr() -> None:
    with pytest.raises(ReadError, match=r"no text layer.*OCR"):
        pdf.read((HERE / "scan.pdf").read_bytes(), source="scan.pdf")


def test_encrypted() -> None:
    with pytest.raises(ReadError, match="encrypted"):
        pdf.read((HERE / "encrypted.pdf").read_bytes())


@pytest.mark.parametrize("cut", [0, 10, 100, 1000, 50_000, 200_000, -1000, -30])
def test_truncated(cut: int) -> None:
    data = (HERE / REAL["huaian_2024"]).read_bytes()[:cut]
    try:
        doc = pdf.read(data)
    except ReadError as error:
        assert "\n" not in str(error)
    else:  # a cut in the trailer may leave every page readable
        assert cut < 0 and len(value_rows(doc, 2)) == 25


def test_not_a_pdf_and_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ReadError, match="not a PDF"):
        pdf.read(b"<html>hello</html>")
    with pytest.raises(ReadError, match="corrupt"):
        pdf.read(b"%PDF-1.7\n" + b"\x00" * 100)
    data = (HERE / "continued.pdf").read_bytes()
    monkeypatch.setattr(pdf, "MAX_PAGES", 1)
    with pytest.raises(ReadError, match="2 pages"):
        pdf.read(data)
    monkeypatch.setattr(pdf, "MAX_BYTES", 1000)
    with pytest.raises(ReadError, match="larger than"):
        pdf.read(data)


SEED = (HERE / "quirks.pdf").read_bytes()


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    data = bytearray(SEED)
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["flip", "cut", "delete", "insert"]))
        at = draw(st.integers(0, len(data) - 1)) if data else 0
        if kind == "flip" and data:
            data[at] = draw(st.integers(0, 255))
        elif kind == "cut":
            del data[at:]
        elif kind == "delete":
            del data[at : at + draw(st.integers(1, 64))]
        else:
            data[at:at] = draw(st.binary(min_size=1, max_size=16))
    return bytes(data)


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_mutated_bytes_give_a_document_or_read_error(data: bytes) -> None:
    try:
        doc = pdf.read(data)
    except ReadError as error:
        assert str(error) and "\n" not in str(error)
    else:
        assert isinstance(doc, Document)
