"""The HTML reader: real published pages (every figure of the hand-read record), one small page
per quirk real pages show, a property test on generated tables, and fuzzing."""

from __future__ import annotations

import contextlib
import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("lxml")  # the optional extra gongkai[html]

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gongkai._document import Document, Prose, Row
from gongkai._errors import ReadError
from gongkai._figures import read_value
from gongkai._readers import html
from gongkai._sources import sniff
from tests.template import HEADINGS, record_texts

HTML = Path(__file__).parent.parent / "fixtures" / "documents" / "html"


def read(name: str) -> Document:
    return html.read((HTML / name).read_bytes(), source=name)


def rows(document: Document) -> list[Row]:
    return [b for b in document.blocks if isinstance(b, Row)]


def prose(document: Document) -> list[str]:
    return [b.text for b in document.blocks if isinstance(b, Prose)]


def values(row: Row) -> list[str]:
    return [c.text for c in row.values]


# -- real pages ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["pingtan_2021", "pingtan_2023"])
def test_real_page_gives_every_figure(name: str) -> None:
    document = read(f"{name}.html")
    expect: dict[str, Any] = json.loads((HTML / f"{name}.json").read_text("utf-8"))["values"]
    cells = record_texts(document)
    assert set(cells) == set(expect)
    for key, want in expect.items():
        value, kind = read_value(cells[key], money=key == "active.fees.amount")
        assert kind == "number", (key, cells[key])
        assert value == (Decimal(want) if isinstance(want, str) else want), key
    # every figure cell of the three tables, none more: 10 + 175 + 15
    assert sum(1 for row in rows(document) for t in values(row) if t) == 200
    assert {row.table for row in rows(document)} == {1, 2, 3}
    assert all(row.grid for row in rows(document))


@pytest.mark.parametrize("name", ["pingtan_2021", "pingtan_2023"])
def test_real_page_prose_is_the_report_without_the_site(name: str) -> None:
    document = read(f"{name}.html")
    texts = prose(document)
    year = name[-4:]
    assert texts[0] == f"平潭综合实验区{year}年度政府信息公开工作年度报告"
    headings = [t for t in texts if re.match(r"^[一二三四五六]、", t)]
    assert headings == list(HEADINGS)
    # the site's navigation, breadcrumb, share buttons and footer are not the report
    for site in ("首页", "当前位置", "分享到", "QQ空间", "政府信息公开年报", "网站标识码", "来源:"):
        assert not any(site in t for t in texts), site
    assert texts[-1] == f"{year}年,无收取信息处理费情况。"
    assert [d.code for d in document.diagnostics] == ["page-content"]
    assert document.reader == "html"


def test_real_page_cells_know_where_they_are() -> None:
    document = read("pingtan_2021.html")
    row = next(r for r in rows(document) if r.label == "行政规范性文件")
    assert values(row) == ["69", "3", "665"]
    assert row.where.table == 1 and row.where.row == 4
    cell = row.values[2]
    assert (cell.where.table, cell.where.row, cell.where.cell) == (1, 4, 4)
    # the page's line 442 opens the cell (its start tag runs over four lines), 449 prints 665
    assert cell.where.line is not None and 442 <= cell.where.line <= 449


# -- quirks --------------------------------------------------------------------------------------------


def test_word_export_uppercase_unquoted_office_markup() -> None:
    document = read("word_export.html")
    assert prose(document) == [
        "某某县人民政府2021年政府信息公开工作年度报告",
        "一、总体情况",
        "(一)主动公开。全年公开信息120条。",  # downlevel-revealed list number kept, hidden span dropped
        "二、主动公开政府信息情况",
        "六、其他需要报告的事项",
        "本年度未收取信息处理费。",
    ]
    table = rows(document)
    assert [r.label for r in table] == [
        "第二十条第(一)项",
        "信息内容|本年制发件数|本年废止件数|现行有效件数",
        "规章",
        "行政规范性文件",
    ]
    assert values(table[2]) == ["0", "1", "2"]
    # digits split over <span>s join; an <o:p>&nbsp;</o:p> cell is blank; 3<![if …]>6<![endif]> is 36
    assert values(table[3]) == ["15", "", "36"]
    assert not any("脚本" in t or "不是正文" in t or "mso" in t for t in prose(document))


def test_cell_text_spans_paragraphs_breaks_entities() -> None:
    table = rows(read("cell_text.html"))
    assert table[0].label == "信息内容|第二十条第(一)项"  # <br> in a header cell
    assert table[1].label == "信息内容|本年制发件数|本年废止件数|现行有效件数"
    assert table[2].label == "行政规范性文件"  # <p>s and <span>s
    assert values(table[2]) == ["69", "3", "1,234"]  # &nbsp; around, &#51;, split spans
    assert values(table[3]) == ["77 132", "77 132", ""]  # two numbers stay apart, never fused
    assert values(table[4]) == ["13件", "20", "/"]  # full-width digits as entities, NFKC
    raw = table[2].values[0].raw
    assert raw == "69" and table[2].values[0].where.line == 7


def test_overrunning_and_junk_spans_keep_rows_aligned() -> None:
    table = rows(read("overrun_spans.html"))
    assert [(r.label, values(r)) for r in table] == [
        ("项目|数量", []),  # colspan="2 " and a colspan past the table's width
        ("甲类|小计", ["5", "6"]),  # rowspan="junk", colspan=""
        ("乙类|一项", ["7", "8"]),
        ("乙类|二项", ["9", ""]),  # the 8 spans down (rowspan=20, cut at the table's end): a pad
        ("乙类|三项", ["10", ""]),  # colspan="0" read as 1
        ("丙类|四项", ["11", "", "12", "13"]),
    ]
    pads = [c.pad for c in table[3].values]
    assert pads == [False, True]
    assert all(r.grid for r in table)


def test_layout_table_holds_data_tables() -> None:
    document = read("layout_table.html")
    assert prose(document) == [
        "某某局2022年政府信息公开工作年度报告",
        "四、政府信息公开行政复议、行政诉讼情况",
        "五、存在的主要问题及改进情况",
    ]
    table = rows(document)
    assert len(table) == 4 and {r.table for r in table} == {1}
    assert values(table[3]) == ["1", "0", "0", "0", "1", "2", "0", "0", "0", "2", "0", "0", "0", "0", "0"]
    assert "侧栏文字" not in prose(document)


def test_fragment_without_html_or_body() -> None:
    document = read("fragment.html")
    assert [(type(b).__name__, b.text if isinstance(b, Prose) else b.label) for b in document.blocks] == [
        ("Prose", "二、主动公开政府信息情况"),
        ("Row", "行政许可"),
        ("Row", "行政处罚"),
        ("Prose", "第一行"),
        ("Prose", "第二行"),
        ("Prose", "三、收到和处理政府信息公开申请情况"),
    ]
    lines = [b.where.line for b in document.blocks]
    assert lines == [1, 3, 4, 6, 6, 7]


@pytest.mark.parametrize("line_end", ["\n", "\r\n", "\r"])
def test_lines_are_the_lines_an_editor_shows(line_end: str) -> None:
    page = line_end.join(
        ["<html><body>", "<p>标题</p>", "<table>", "<tr>", "<td>行政许可</td>", "<td", ">12</td></tr>"]
    )
    document = html.read(page.encode())
    title, row = document.blocks
    assert isinstance(row, Row)
    # a cell's line is where its start tag ends (where its text begins)
    assert (title.where.line, row.labels[0].where.line, row.values[0].where.line) == (2, 5, 7)


def test_a_line_past_the_parsers_count_is_unknown_not_wrong() -> None:
    # libxml2 keeps lines in 16 bits: from line 65535 on it says 65535
    page = "<html><body>" + "\n" * 70_000 + "<table><tr><td>行政许可</td><td>12</td></tr></table>"
    [row] = html.read(page.encode()).blocks
    assert isinstance(row, Row)
    assert row.values[0].where.line is None and row.values[0].where.cell == 2


def test_read_fragment_counts_from_the_given_line_and_table() -> None:
    blocks = html.read_fragment(
        "<table>\n<tr><td>行政许可</td><td>12</td></tr></table>", first_line=40, first_table=3
    )
    assert len(blocks) == 1
    row = blocks[0]
    assert isinstance(row, Row)
    assert row.where.line == 41 and row.table == 3 and row.values[0].where.table == 3
    assert html.read_fragment("") == []
    assert html.read_fragment("<!-- nothing -->") == []


def test_navigation_header_footer_left_out() -> None:
    document = read("nav_footer.html")
    assert prose(document) == [
        "某某市人民政府2021年政府信息公开工作年度报告",  # the article's title above the body
        "一、总体情况",
        "本年度主动公开信息100条。",
        "二、主动公开政府信息情况",
        "三、收到和处理政府信息公开申请情况",
        "四、政府信息公开行政复议、行政诉讼情况",
        "五、存在的主要问题及改进情况",
        "六、其他需要报告的事项",
        "无。",
    ]
    assert [(r.label, values(r)) for r in rows(document)] == [
        ("信息内容|本年处理决定数量", []),
        ("行政许可", ["5"]),
        ("一、本年新收政府信息公开申请数量", ["4", "0"]),
    ]
    diagnostic = document.diagnostics[0]
    assert diagnostic.code == "page-content" and diagnostic.severity == "info"
    assert 'class="body"' in diagnostic.message and diagnostic.line == 18


def test_several_tables_without_headings_read_whole() -> None:
    page = "<table><tr><td>甲</td><td>1</td></tr></table><p>中间</p><table><tr><td>乙</td><td>2</td></tr></table>"
    document = html.read(page.encode())
    assert [(b.text if isinstance(b, Prose) else (b.label, b.table)) for b in document.blocks] == [
        ("甲", 1),
        "中间",
        ("乙", 2),
    ]
    assert document.diagnostics == ()


@pytest.mark.parametrize(
    ("name", "title", "figures"),
    [
        ("gb2312_declared.html", "张堃局长签发:某局2021年政府信息公开工作年度报告", [["7"], ["8"]]),
        ("gbk_no_declaration.html", "某县2021年政府信息公开工作年度报告", [["41"], ["2"]]),
        ("utf16le_bom.html", "某县2021年政府信息公开工作年度报告", [["41"], ["2"]]),
        ("utf16be_no_bom.html", "某县2021年政府信息公开工作年度报告", [["41"], ["2"]]),
    ],
)
def test_encodings(name: str, title: str, figures: list[list[str]]) -> None:
    document = read(name)
    assert prose(document) == [title]
    assert [values(r) for r in rows(document)] == figures


def test_gb2312_page_with_gb18030_characters() -> None:
    # 堃 is GBK, 㐀 GB18030 only: a page that says gb2312 is read as GB18030
    assert rows(read("gb2312_declared.html"))[1].label == "㐀字"


def test_meta_charset_that_lies_is_overruled() -> None:
    page = '<meta charset="utf-8"><p>一、总体情况</p><table><tr><td>行政许可</td><td>3</td></tr></table>'
    document = html.read(page.encode("gbk"))
    assert prose(document) == ["一、总体情况"]


def test_xml_declaration_and_control_characters() -> None:
    page = '<?xml version="1.0" encoding="utf-8"?>\n<html><body><p>甲\x00乙\x01</p>\n<p>丙</p></body></html>'
    document = html.read(page.encode())
    assert prose(document) == ["甲乙", "丙"]
    assert [b.where.line for b in document.blocks] == [2, 3]


def test_hidden_elements_dropped() -> None:
    page = (
        '<p>看得见</p><p style="DISPLAY: NONE">看不见</p><div hidden>也看不见</div>'
        '<table><tr><td>行政许可</td><td style="display:none">99</td><td>4</td></tr>'
        '<tr style="visibility:hidden"><td>隐藏行</td><td>5</td></tr></table>'
    )
    document = html.read(page.encode())
    assert prose(document) == ["看得见"]
    assert [(r.label, values(r)) for r in rows(document)] == [("行政许可", ["4"])]


def test_caption_is_prose_before_the_rows() -> None:
    page = "<table><caption>表一 主动公开</caption><tr><td>行政许可</td><td>4</td></tr></table>"
    document = html.read(page.encode())
    assert isinstance(document.blocks[0], Prose) and document.blocks[0].text == "表一 主动公开"


@pytest.mark.parametrize(
    ("page", "message"),
    [
        (b"<html><body>   </body></html>", "no text"),
        (b"   \n  ", "no content"),
        (b"<!-- only a comment -->", "no content"),
        (b"<table></table>" * 5_001, "tables"),
        (b"<table>" + b'<tr><td colspan="64" rowspan="64">1</td></tr>' * 1_000 + b"</table>", "too large"),
    ],
)
def test_read_errors(page: bytes, message: str) -> None:
    with pytest.raises(ReadError, match=message):
        html.read(page, source="page.html")


def test_caps_on_cells_and_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(html, "MAX_CELLS", 50)
    monkeypatch.setattr(html, "MAX_BLOCKS", 40)
    with pytest.raises(ReadError, match="more than 50 table cells"):
        html.read(b"<table><tr>" + b"<td>1</td>" * 51 + b"</tr></table>")
    with pytest.raises(ReadError, match="more than 40 lines and table rows"):
        html.read(b"x<br>" * 41)
    assert len(html.read(b"x<br>" * 40).blocks) == 40


# -- property: a generated table reads back exactly ---------------------------------------------------

LABEL_CHARS = "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥"


@st.composite
def tables(draw: st.DrawFn) -> tuple[str, list[list[str]]]:
    """An HTML table: a header row, label columns (group labels spanning rows, labels spanning
    columns), figure columns (numbers or blank); and each row's figures as they should read."""
    n_labels = draw(st.integers(1, 3))
    n_values = draw(st.integers(1, 7))
    n_rows = draw(st.integers(1, 10))
    label = st.text(LABEL_CHARS, min_size=1, max_size=6).map(lambda s: "项" + s)
    figure = st.one_of(st.just(""), st.integers(0, 10**7).map(str))
    html_rows: list[str] = []
    widths = draw(st.lists(st.integers(1, 3), min_size=1, max_size=4))
    html_rows.append("<tr>" + "".join(f'<th colspan="{w}">{draw(label)}</th>' for w in widths) + "</tr>")
    expected: list[list[str]] = []
    group_left = 0  # rows still covered by the group label of the first column
    for r in range(n_rows):
        cells: list[str] = []
        columns_left = n_labels
        if n_labels > 1:
            if group_left == 0:
                span = draw(st.integers(1, n_rows - r))
                cells.append(f'<td rowspan="{span}">{draw(label)}</td>')
                group_left = span
            group_left -= 1
            columns_left -= 1
        while columns_left:
            span = draw(st.integers(1, columns_left))
            text = draw(label)
            cells.append(f"<td colspan={span}><p><span>{text[:1]}</span>{text[1:]}</p></td>")
            columns_left -= span
        figures = [draw(figure) for _ in range(n_values)]
        cells.extend(f"<td>{f if f else '&nbsp;'}</td>" for f in figures)
        html_rows.append("<tr>" + "".join(cells) + "</tr>")
        expected.append(figures)
    return "<table border=1>\n" + "\n".join(html_rows) + "\n</table>", expected


@settings(max_examples=100, deadline=None)
@given(tables())
def test_generated_table_reads_back_exactly(table: tuple[str, list[list[str]]]) -> None:
    page, expected = table
    document = html.read(page.encode())
    read_rows = rows(document)
    body = read_rows[1:] if len(read_rows) == len(expected) + 1 else read_rows
    assert len(body) == len(expected)
    for row, figures in zip(body, expected, strict=True):
        assert values(row) == figures
        assert row.labels and all(c.text.startswith("项") for c in row.labels)
    assert sum(1 for row in read_rows for t in values(row) if t) == sum(1 for f in expected for t in f if t)


# -- fuzz: nothing but ReadError leaves the reader ----------------------------------------------------

REAL_PAGE = (HTML / "pingtan_2023.html").read_bytes()


def _sniff_and_read(data: bytes) -> None:
    try:
        if sniff(data, "fuzz") == "html":
            html.read(data, source="fuzz")
    except ReadError:
        pass


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2_000))
def test_random_bytes_raise_only_read_error(data: bytes) -> None:
    _sniff_and_read(data)
    with contextlib.suppress(ReadError):
        html.read(data)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(st.integers(0, len(REAL_PAGE) - 1), st.integers(0, 400), st.binary(max_size=40)),
        min_size=1,
        max_size=8,
    )
)
def test_mutated_real_page_raises_only_read_error(edits: list[tuple[int, int, bytes]]) -> None:
    data = bytearray(REAL_PAGE)
    for at, cut, insert in edits:
        data[at : at + cut] = insert
    _sniff_and_read(bytes(data))


MARKUP = st.text("<>/=\"' \ntdrhpbalecosn&#;x0123456789!-[]", max_size=30)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(st.integers(0, len(REAL_PAGE) - 1), st.integers(0, 60), MARKUP), min_size=1, max_size=12
    )
)
def test_real_page_with_markup_mutated_raises_only_read_error(edits: list[tuple[int, int, str]]) -> None:
    data = bytearray(REAL_PAGE)
    for at, cut, insert in edits:
        data[at : at + cut] = insert.encode()
    _sniff_and_read(bytes(data))
