"""The text reader: each layout rule's quirks, on small hand-written texts and on the fixtures of
tests/fixtures/layouts (input → rows); real converters' texts; bounds."""

from __future__ import annotations

import json
import tracemalloc
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gongkai._document import Document, Prose, Row
from gongkai._errors import ReadError
from gongkai._figures import classify, read_value
from gongkai._readers import text as reader
from gongkai._readers.text import PDF_TEXT_RULES, RULES, LayoutRule, State, read, read_text, with_rule

from .rows_format import rows_text

FIXTURES = Path(__file__).parent.parent / "fixtures"
#: tests/fixtures/layouts/<rule>-<quirk>.in: a text, and its .rows (not .txt: these are pieces
#: of reports, and the tests that parse whole reports read every tests/fixtures/**/*.txt)
LAYOUTS = sorted((FIXTURES / "layouts").glob("*.in"))

HEAD = "某某县人民政府2022年政府信息公开工作年度报告\n一、总体情况\n全年工作顺利。\n三、收到和处理政府信息公开申请情况\n"
NEW = "一、本年新收政府信息公开申请数量"


def _rows(text: str) -> list[str]:
    """The document's blocks in the .rows format, without where they came from."""
    return [line.rsplit("  @", 1)[0] for line in rows_text(read_text(text)).splitlines()]


def _row(doc: Document, label: str) -> Row:
    rows = [b for b in doc.blocks if isinstance(b, Row) and b.label == label]
    assert len(rows) == 1, [b.label for b in doc.blocks if isinstance(b, Row)]
    return rows[0]


def _values(doc: Document, label: str) -> list[str]:
    """A row's value cells: their texts, a pad as ``~``."""
    return ["~" if c.pad else c.text for c in _row(doc, label).values]


# --------------------------------------------------------------------------- the fixtures


@pytest.mark.parametrize("path", LAYOUTS, ids=[p.stem for p in LAYOUTS])
def test_layout_fixture(path: Path) -> None:
    expected = path.with_suffix(".rows").read_text("utf-8")
    # (a PDF text's rule is not among the default rules: its fixtures are read with the PDF's)
    rules = PDF_TEXT_RULES if path.stem.startswith("space_separated_row-") else RULES
    assert rows_text(read_text(path.read_text("utf-8"), rules=rules)) == expected


def test_every_rule_has_a_fixture() -> None:
    names = {p.stem.split("-", 1)[0] for p in LAYOUTS}
    assert {r.name for r in PDF_TEXT_RULES} <= names


# --------------------------------------------------------------------------- markdown


@pytest.mark.parametrize(
    ("rows", "values"),
    [
        # outer pipes and a rule
        (f"| {NEW} | 1 | 2 | 3 | 4 | 5 | 6 | 21 |\n", ["1", "2", "3", "4", "5", "6", "21"]),
        # no outer pipes (html2text), trailing double space
        (f"{NEW}| 1| 2| 3| 4| 5| 6| 21  \n", ["1", "2", "3", "4", "5", "6", "21"]),
        # markitdown's empty header row and rule first
        (
            "|  |  |  |  |  |  |  |  |\n| --- | --- | --- | --- | --- | --- | --- | --- |\n"
            f"| {NEW} | 1 | 2 | 3 | 4 | 5 | 6 | 21 |\n",
            ["1", "2", "3", "4", "5", "6", "21"],
        ),
        # a label spread over merged label columns: markitdown pads it (the model drops pads)
        (
            f"| {NEW} | | | 1 | 2 | 3 | 4 | 5 | 6 | 21 |\n| 二、上年结转政府信息公开申请数量 | | | 0 | 0 | 0 | 0 | 0 | 0 | 0 |\n",
            ["~", "~", "1", "2", "3", "4", "5", "6", "21"],
        ),
    ],
    ids=["outer-pipes", "html2text", "markitdown-header", "label-pads"],
)
def test_markdown_pipe_rows(rows: str, values: list[str]) -> None:
    doc = read_text(HEAD + rows)
    assert _values(doc, NEW) == values
    assert doc.layout == "markdown"


def test_markdown_headings_and_emphasis_are_read() -> None:
    text = "# 某某局2023年政府信息公开工作年度报告\n\n## **一、总体情况**\n\n正文。\n\n### 三、 收到和处理政府信息公开申请情况\n"
    doc = read_text(text)
    assert [b.text for b in doc.blocks if isinstance(b, Prose)] == [
        "某某局2023年政府信息公开工作年度报告",
        "一、总体情况",
        "正文。",
        "三、 收到和处理政府信息公开申请情况",
    ]
    assert all(isinstance(b, Prose) for b in doc.blocks)
    assert doc.layout == "markdown"  # (headings with # marks are markdown's)


def test_markitdown_colspan_pads_are_marked() -> None:
    rows = (
        f"| {NEW} | | | 64 | 1 | | 0 | 2 | 0 | 4 | 71 |\n"
        "| 三、本年度办理结果 | （一）予以公开 | | 27 | 0 | | 0 | 2 | 0 | 1 | 30 |\n"
        "| 2.其他法律行政法规禁止公开 | 5 | 0 | | 0 | 0 | 0 | 0 | 5 |\n"
        "|  | 1 |  |\n"
    )
    doc = read_text(HEAD + rows)
    assert _values(doc, NEW) == ["~", "~", "64", "1", "~", "0", "2", "0", "4", "71"]
    assert _values(doc, "三、本年度办理结果|(一)予以公开") == ["~", "27", "0", "~", "0", "2", "0", "1", "30"]
    assert _values(doc, "2.其他法律行政法规禁止公开") == ["5", "0", "~", "0", "0", "0", "0", "5"]
    # an empty cell (two spaces) is no pad
    assert [(c.text, c.pad) for c in _row(doc, "").values] == [("", False), ("1", False), ("", False)]


# --------------------------------------------------------------------------- tab-separated


def test_tab_separated_trailing_tabs_and_lost_cells() -> None:
    rows = (
        f"{NEW}\t1\t2\t3\t4\t5\t6\t21\n"
        "三、本年度办理结果\t(一) 予以公开\t\t\t\t\t\t9\n"  # lost a cell: only 总计 filled
        "(三) 不予公开\t1.属于国家秘密\t1\t0\t0\t0\t0\t0\t1\t\n"  # trailing TAB
        "\t(七) 总计\t\t9\t0\t0\t0\t0\t0\t9\n"  # merged label columns leave an empty cell
    )
    doc = read_text(HEAD + rows)
    assert _values(doc, NEW) == ["1", "2", "3", "4", "5", "6", "21"]
    assert _values(doc, "三、本年度办理结果|(一)予以公开") == [""] * 5 + ["9"]
    secret = _row(doc, "(三)不予公开|1.属于国家秘密")
    assert [c.text for c in secret.values] == ["1", "0", "0", "0", "0", "0", "1", ""]  # kept, and
    assert secret.trailing  # the row says its line ended in a TAB
    assert _values(doc, "(七)总计") == ["", "9", "0", "0", "0", "0", "0", "9"]
    assert doc.layout == "tab-separated"


def test_tab_separated_span_expanded_cells() -> None:
    text = (
        "某局2022年政府信息公开工作年度报告\n二、主动公开政府信息情况\n"
        "第二十条第（五）项\t第二十条第（五）项\t第二十条第（五）项\t第二十条第（五）项\n"
        "信息内容\t本年处理决定数量\t本年处理决定数量\t本年处理决定数量\n"
        "行政许可\t2293\t2293\t2293\n"
        "三、收到和处理政府信息公开申请情况\n"
        f"{NEW}\t{NEW}\t{NEW}\t64\t0\t0\t0\t2\t0\t4\t70\n"
        "三、本年度办理结果\t（七）总计\t（七）总计\t60\t3\t3\t0\t2\t0\t4\t69\n"
    )
    assert _rows(text)[2:] == [
        "R 第二十条第(五)项",  # a label repeated over its span: once
        "R 信息内容|本年处理决定数量",
        "R 行政许可 ⇥ 2293 ⇥ 2293 ⇥ 2293",  # figures repeated over a span: the model decides
        "P 三、收到和处理政府信息公开申请情况",
        f"R {NEW} ⇥ 64 ⇥ 0 ⇥ 0 ⇥ 0 ⇥ 2 ⇥ 0 ⇥ 4 ⇥ 70",
        "R 三、本年度办理结果|(七)总计 ⇥ 60 ⇥ 3 ⇥ 3 ⇥ 0 ⇥ 2 ⇥ 0 ⇥ 4 ⇥ 69",
    ]


# --------------------------------------------------------------------------- cell per line


def test_cell_per_line_rows_cells_and_continuations() -> None:
    rows = (
        f"\t{NEW}\n\t1\n\t\n\t3\n\t4\n\t5\n\t6\n\t19\n\n"
        "\t三、本年度办理结果\n\t(一)予以公开\n\t1\n\t0\n\t0\n\t0\n\t0\n\t0\n\t1\n\n"
        "\t\n\t(三)\n\n不予公开\n\t1.属于国家秘密\n\t0\n\t0\n\t0\n\t0\n\t0\n\t0\n\t 0\n\n"
        "\t四、结转下年度继续办理\n\t0\n\t0\n\t0\n\t0\n\t0\n\t0\n\t  \n\n7\n\n\n"
        "五、存在的主要问题及改进情况\n无。\n"
    )
    doc = read_text(HEAD + rows)
    assert _values(doc, NEW) == ["1", "", "3", "4", "5", "6", "19"]  # a TAB alone is an empty cell
    assert _values(doc, "三、本年度办理结果|(一)予以公开") == ["1", "0", "0", "0", "0", "0", "1"]
    # continued across an empty line
    assert _values(doc, "(三)不予公开|1.属于国家秘密") == ["0"] * 7
    assert _values(doc, "四、结转下年度继续办理") == ["0"] * 6 + ["7"]  # likewise the last cell
    assert doc.layout == "cell-per-line"


def test_cell_per_line_header_labels_split_across_lines() -> None:
    assert _rows("\t\n\t商业\n企业\n\t科研\n机构\n\t其他\n\n") == ["R 商业企业|科研机构|其他"]


# --------------------------------------------------------------------------- mixed and noise


def test_layouts_mix_within_one_report() -> None:
    text = (
        "# 某某镇人民政府2022年政府信息公开工作年度报告\n"
        "## 二、主动公开政府信息情况\n"
        "| 第二十条第（一）项 | | | |\n| --- | --- | --- | --- |\n"
        "| 信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |\n"
        "| 规章 | 1 | 0 | 3 |\n"
        "## 三、收到和处理政府信息公开申请情况\n"
        f"{NEW}\t1\t0\t0\t0\t0\t0\t1\n\n"
        "四、政府信息公开行政复议、行政诉讼情况\n"
        "\t行政复议\n\t行政诉讼\n\n" + "".join(f"\t{n}\n" for n in range(15)) + "\n"
    )
    doc = read_text(text)
    assert doc.layout == "cell-per-line+markdown+tab-separated"
    assert _values(doc, "规章") == ["1", "0", "3"]
    assert _values(doc, NEW) == ["1", "0", "0", "0", "0", "0", "1"]
    assert _values(doc, "") == [str(n) for n in range(15)]


def test_crlf_bom_bookmarks_and_full_width_digits() -> None:
    text = "\ufeff" + (HEAD + f"[bookmark: Body]{NEW}\t１\t2\t3\t4\t5\t6\t２１\n").replace("\n", "\r\n")
    doc = read_text(text)
    assert _values(doc, NEW) == ["1", "2", "3", "4", "5", "6", "21"]
    assert _row(doc, NEW).values[0].raw == "１"
    assert _row(doc, NEW).where.line == 5


def test_blank_is_empty_and_not_applicable_keeps_its_mark() -> None:
    doc = read_text(HEAD + f"{NEW}\t\t/\t—\t无\t1,234\t5件\t1，239\n")
    values = _row(doc, NEW).values
    assert [read_value(c.text)[0] for c in values] == [None, None, None, None, 1234, 5, 1239]
    assert [classify(c.text) for c in values[:4]] == ["blank", "mark", "mark", "mark"]
    assert values[1].raw == "/"


def test_money_keeps_its_decimals() -> None:
    text = (
        "第二十条第（八）项\n信息内容\t本年收费金额（单位：万元，保留4位小数）\n行政事业性收费\t96,171.6000\n"
    )
    (fee,) = _row(read_text(text), "行政事业性收费").values
    value, _ = read_value(fee.text, money=True)
    assert value == Decimal("96171.6000") and isinstance(value, Decimal)


def test_prose_headings_and_rows_in_order() -> None:
    assert _rows("## 一、总体情况\n\n| 规章 | 0 | 1 | 2 |\n\t行政许可\n\t3\n\n") == [
        "P 一、总体情况",
        "R 规章 ⇥ 0 ⇥ 1 ⇥ 2",
        "R 行政许可 ⇥ 3",
    ]


def test_header_words_in_later_prose_stay_prose() -> None:
    # "其他" is a table 四 header word; in section 六 it is just a line of the page footer.
    text = HEAD + f"{NEW}\t1\t0\t0\t0\t0\t0\t1\n六、其他需要报告的事项\n无。\n其他\n结果\n"
    doc = read_text(text)
    last = doc.blocks[-1]
    assert isinstance(last, Prose)
    assert [c.text for c in last.lines] == ["无。", "其他", "结果"]
    assert (last.where.line, last.where.end_line) == (7, 9)


def test_trailing_tab_is_kept_and_marked() -> None:
    # "label\t\t0…0\t": the trailing TAB's empty cell is kept; the row says its line ended in one
    row = _row(read_text(HEAD + f"{NEW}\t\t0\t0\t0\t0\t0\t0\t\n"), NEW)
    assert [c.text for c in row.values] == ["", "0", "0", "0", "0", "0", "0", ""]
    assert row.trailing


def test_trailing_tabs_with_blank_then_filled_cells() -> None:
    text = (
        "二、主动公开政府信息情况\n第二十条第（一）项\n信息内容\t本年制发件数\t本年废止件数\t现行有效件数\n"
        "规章\t0\t\t5\t\t\n行政规范性文件\t1\t\t7\t\t\n"
    )
    rows = rows_text(read_text(text)).splitlines()
    assert rows[-2:] == ["Rt 规章 ⇥ 0 ⇥ ∅ ⇥ 5 ⇥ ∅ ⇥ ∅  @4", "Rt 行政规范性文件 ⇥ 1 ⇥ ∅ ⇥ 7 ⇥ ∅ ⇥ ∅  @5"]


def test_html_and_emphasis_left_in_cells_are_read_through() -> None:
    doc = read_text(
        HEAD + "| 一、本年<br>新收政府信息公开申请数量 | **1** | 2&nbsp; | 3 | 4 | 5 | 6 | __21__ |\n"
    )
    assert _values(doc, NEW) == ["1", "2", "3", "4", "5", "6", "21"]
    assert _row(doc, NEW).values[0].raw == " **1** "


def test_a_prose_block_never_swallows_a_row_or_an_empty_cell() -> None:
    after = "本表数据由县政府办公室统计汇总，截至十二月三十一日。"  # long: prose, not a wrapped cell
    text = (
        HEAD
        + f"说明一\n说明二\n\t\n\t{NEW}\n\t1\n\t0\n\t0\n\t0\n\t0\n\t0\n\t1\n\n{after}\n{after}\n\t\t\t备注\n"
    )
    blocks = read_text(text).blocks
    assert [type(b).__name__ for b in blocks[-4:]] == ["Prose", "Row", "Prose", "Row"]
    assert blocks[-3].where.line == 7  # the empty first cell (a TAB alone) opened the row, not the prose
    assert _values(read_text(text), NEW) == ["1", "0", "0", "0", "0", "0", "1"]


def test_html2text_cell_broken_over_two_lines_is_joined() -> None:
    rows = f"{NEW}| 5| 0| 0| 0| 0| 0| 5  \n（二）部分公开（区分处理的，只计这一情形，不计  \n其他情形）| 5| 0| 0| 0| 0| 0| 5  \n"
    doc = read_text(HEAD + rows)
    row = _row(doc, "(二)部分公开(区分处理的,只计这一情形,不计其他情形)")
    assert [c.text for c in row.values] == ["5", "0", "0", "0", "0", "0", "5"]
    assert (row.where.line, row.where.end_line) == (6, 7)


def test_html2text_row_with_empty_first_and_last_cells_keeps_both() -> None:
    # html2text writes no outer pipes ("---|---"): "| 1| …| 0|" is an empty cell, 13 figures
    # and an empty cell, not 13 figures between outer pipes
    text = (
        "四、政府信息公开行政复议、行政诉讼情况\n\n行政复议| 行政诉讼  \n---|---  \n"
        "结果维持| 结果纠正| 其他结果| 尚未审结| 总计| 未经复议直接起诉| 复议后起诉  \n"
        "结果维持| 结果纠正| 其他结果| 尚未审结| 总计| 结果维持| 结果纠正| 其他结果| 尚未审结| 总计  \n"
        "| 1| 0| 0| 1| 0| 0| 0| 0| 0| 0| 0| 0| 0|   \n"
    )
    row = read_text(text).blocks[-1]
    assert isinstance(row, Row) and row.trailing
    assert [c.text for c in row.values] == ["", "1", "0", "0", "1"] + ["0"] * 9 + [""]


def test_pandas_index_column_and_column_numbers_are_dropped() -> None:
    rows = (
        "\t0\t1\t2\t3\t4\t5\t6\t7\n"
        f"0\t{NEW}\t1\t2\t3\t4\t5\t6\t21\n"
        "1\t二、上年结转政府信息公开申请数量\t0\t0\t0\t0\t0\t0\t0\n"
    )
    doc = read_text(HEAD + rows)
    assert _values(doc, NEW) == ["1", "2", "3", "4", "5", "6", "21"]
    assert _values(doc, "二、上年结转政府信息公开申请数量") == ["0"] * 7
    assert len([b for b in doc.blocks if isinstance(b, Row)]) == 2


def test_nan_cells_are_empty() -> None:
    doc = read_text(HEAD + f"| {NEW} | nan | 2 | 3 | 4 | 5 | 6 | 20 |\n")
    assert _values(doc, NEW) == ["", "2", "3", "4", "5", "6", "20"]


def test_cell_per_line_rows_without_empty_lines_between_them() -> None:
    cells = [NEW, 1, 0, 0, 0, 0, 0, 1, "二、上年结转政府信息公开申请数量", 2, 0, 0, 0, 0, 0, 2]
    doc = read_text("".join(f"\t{c}\n" for c in cells))
    rows = [b for b in doc.blocks if isinstance(b, Row)]
    assert [r.label for r in rows] == [NEW, "二、上年结转政府信息公开申请数量"]
    assert (rows[1].where.line, rows[1].where.end_line) == (9, 16)
    assert [c.text for c in rows[1].values] == ["2", "0", "0", "0", "0", "0", "2"]


def test_cell_per_line_long_label_tail_after_an_empty_line() -> None:
    # a label broken with an empty line before a long tail: the next TAB line says the row goes on
    cells = "".join(f"\t{v}\n" for v in (1, 0, 0, 0, 0, 0, 1))
    text = (
        HEAD
        + "\t（六）其他处理\n\t1.申请人无正当理由逾期不补正、\n\n行政机关不再处理其政府信息公开申请\n"
        + cells
        + "\n"
    )
    label = "(六)其他处理|1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"
    assert _values(read_text(text), label) == ["1", "0", "0", "0", "0", "0", "1"]


def test_tab_separated_label_broken_over_two_lines_is_joined() -> None:
    rows = f"{NEW}\t5\t0\t0\t0\t0\t0\t5\n（二）部分公开（区分处理的，只计这一情形，\n不计其他情形）\t5\t0\t0\t0\t0\t0\t5\n"
    doc = read_text(HEAD + rows)
    assert _values(doc, "(二)部分公开(区分处理的,只计这一情形,不计其他情形)") == [
        "5",
        "0",
        "0",
        "0",
        "0",
        "0",
        "5",
    ]


def test_markdown_row_broken_over_two_lines_is_joined() -> None:
    rows = (
        f"| {NEW} | 5 | 0 | 0 | 0 | 0 | 0 | 5 |\n"
        "| （二）部分公开（区分处理的，只计这一情形，\n"
        "不计其他情形） | 5 | 0 | 0 | 0 | 0 | 0 | 5 |\n"
        "| （七）总计 | 5 | 0 | 0 | 0 | 0 | 0 | 5 |\n"
    )
    doc = read_text(HEAD + rows)
    row = _row(doc, "(二)部分公开(区分处理的,只计这一情形,不计其他情形)")
    assert [c.text for c in row.values] == ["5", "0", "0", "0", "0", "0", "5"]
    assert (row.where.line, row.where.end_line) == (6, 7)
    assert _row(doc, "(七)总计").where.line == 8


def test_cell_per_line_blank_lines_between_rows_may_hold_tabs() -> None:
    # TAB-only lines after the empty line that ends a row, before the next row's cells: that
    # row's blank first cells (label pads here; a blank first figure in table 四), never figures
    doc = read_text("\t总计\n\t1\n\t2\n\n\t\n\t\n\t合计\n\t3\n\t4\n\n\t \n\n\t小计\n\t5\n")
    assert rows_text(doc).splitlines() == [
        "R 总计 ⇥ 1 ⇥ 2  @1-3",
        "R 合计 ⇥ 3 ⇥ 4  @5-9",
        "R 小计 ⇥ 5  @13-14",
    ]
    assert [c.where.line for c in _row(doc, "合计").values] == [8, 9]


def test_cell_per_line_continuation_after_the_last_row_of_a_run() -> None:
    # the short fragment after the run's last row is read with that row (a label's wrap); after
    # a figure it is prose again: a figure never wraps across an empty line
    assert rows_text(read_text("\t总计\n\t1\n\n\t合计\n\t2\n\n不予公开\n\n二、下一节\n")).splitlines() == [
        "R 总计 ⇥ 1  @1-2",
        "R 合计 ⇥ 2  @4-5",
        "P 不予公开  @7",
        "P 二、下一节  @9",
    ]
    assert rows_text(read_text("\t总计\n\t1\n\n\t（三）\n\n不予公开\n\n二、下一节\n")).splitlines() == [
        "R 总计 ⇥ 1  @1-2",
        "R (三)不予公开  @4-6",
        "P 二、下一节  @8",
    ]


def test_short_prose_after_a_cell_per_line_table_keeps_the_last_figure() -> None:
    # "特此报告" two lines below the last figure is prose, and the figure stays the row's
    doc = read_text("\t（一）予以公开\n\t1\n\t2\n\n特此报告\n \n某某局\n")
    assert rows_text(doc).splitlines() == ["R (一)予以公开 ⇥ 1 ⇥ 2  @1-3", "P 特此报告  @5", "P 某某局  @7"]
    row = doc.blocks[0]
    assert isinstance(row, Row)
    assert [(c.raw, c.where.line) for c in row.values] == [("1", 2), ("2", 3)]
    assert row.labels[0].raw == "（一）予以公开"


def test_a_line_after_a_figure_and_an_empty_line_parts_the_cells_around_it() -> None:
    # a page number between two rows that lost their empty line: dropped, both rows kept whole
    assert rows_text(read_text("\t（一）\n\t1\n\n- 3 -\n\t（二）\n\t2\n")).splitlines() == [
        "R (一) ⇥ 1  @1-2",
        "R (二) ⇥ 2  @5-6",
    ]
    # prose amid a row's cells: the figures before it stay in their row, those after it are
    # a row of their own (which the grammar reports), none is read as text
    assert rows_text(read_text("\t（一）\n\t1\n\n备注\n\t2\n")).splitlines() == [
        "R (一) ⇥ 1  @1-2",
        "P 备注  @4",
        "R  ⇥ 2  @5",
    ]


def test_a_label_broken_after_its_item_number_is_one_label() -> None:
    # "8" looks like a figure, but ".属于…" after the empty line goes on with its numbering
    doc = read_text("\t8\n\n.属于行政查询事项\n\t0\n\t1\n")
    assert _rows("\t8\n\n.属于行政查询事项\n\t0\n\t1\n") == ["R 8.属于行政查询事项 ⇥ 0 ⇥ 1"]
    assert [c.raw for c in _row(doc, "8.属于行政查询事项").values] == ["0", "1"]


def test_cell_per_line_row_of_too_many_cells_amid_rows_is_prose() -> None:
    cells = "".join(f"\t{i}\n" for i in range(300))
    doc = read_text("\t总计\n\t1\n\n\t标签\n" + cells + "\n\t合计\n\t2\n")
    assert [(type(b).__name__, b.where.line, b.where.end_line) for b in doc.blocks] == [
        ("Row", 1, 2),
        ("Prose", 4, 304),
        ("Row", 306, 307),
    ]
    assert [d.code for d in doc.diagnostics] == ["too-many-cells"]


# --------------------------------------------------------------------------- bounds


def test_a_huge_pipe_line_is_cut_not_split_whole() -> None:
    line = "| 0 " * 2_500_000 + "|"  # 10 MB
    doc = read_text("标题\n" + line + "\n| 规章 | 1 |\n")
    prose = doc.blocks[1]
    assert isinstance(prose, Prose) and prose.raw == line.strip() and len(prose.text) < 20_000
    assert [d.code for d in doc.diagnostics] == ["too-many-cells"]
    assert _values(doc, "规章") == ["1"]


def test_a_huge_pipe_line_costs_little_memory() -> None:
    line = "| 0 " * 2_500_000 + "|\n"  # 10 MB
    tracemalloc.start()
    try:
        read_text(line)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 60_000_000  # (split whole into its 2.5 million cells, it took ~170 MB)


def test_a_text_of_too_many_lines_is_read_up_to_max_lines() -> None:
    doc = read_text("正文\n" * (reader.MAX_LINES + 50))
    assert doc.blocks[-1].where.end_line == reader.MAX_LINES
    (diag,) = doc.diagnostics
    assert (diag.code, diag.line, diag.raw) == ("too-long", reader.MAX_LINES + 1, "正文\n" * 50)


def test_read_bytes_utf8_with_bom_and_refuses_what_it_cannot_read() -> None:
    assert _values(read(("\ufeff" + f"{NEW}\t1\n").encode()), NEW) == ["1"]
    with pytest.raises(ReadError, match="not UTF-8"):
        read("规章\t1\n".encode("gb18030"), source="a.txt")
    with pytest.raises(ReadError, match="too large"):
        read(b"0" * (reader.MAX_BYTES + 1))


# --------------------------------------------------------------------------- the rule list


def test_rules_are_tried_in_their_documented_order() -> None:
    assert [r.name for r in RULES] == [
        "blank",
        "rule",
        "page_number",
        "bookmark",
        "html_table",
        "box_table",
        "grid_table",
        "html_broken_tag",
        "markdown_pipe_row",
        "tab_separated_row",
        "cell_per_line_row",
        "pdf_text_row",
        "pdf_text_header",
        "wrapped_cell",
        "space_aligned_table",
        "space_columns_table",
        "bare_cell_row",
        "heading",
        "prose",
    ]
    assert [r.name for r in PDF_TEXT_RULES][-3:] == ["space_separated_row", "heading", "prose"]


def test_a_caller_adds_a_rule_before_a_named_one() -> None:
    def footer(state: State) -> bool:
        """A line that says where the page came from: dropped."""
        if not state.lines[state.i].startswith("来源："):
            return False
        state.i += 1
        return True

    rules = with_rule(LayoutRule("footer", footer), before="heading")
    assert [r.name for r in rules][-4:] == ["bare_cell_row", "footer", "heading", "prose"]
    assert with_rule(LayoutRule("footer", footer), after="blank")[1].name == "footer"
    text = "一、总体情况\n来源：某某网\n规章\t1\n"
    assert [b.text for b in read_text(text).blocks if isinstance(b, Prose)] == ["一、总体情况", "来源:某某网"]
    doc = read_text(text, rules=rules)
    assert [b.text for b in doc.blocks if isinstance(b, Prose)] == ["一、总体情况"]
    with pytest.raises(ValueError, match="no layout rule named"):
        with_rule(LayoutRule("footer", footer), before="nothing")


# --------------------------------------------------------------------------- real converters


def test_real_converters_read_the_same_rows() -> None:
    """pingtan 2021 through markitdown, html2text, pandas and Tika: the same figures per row."""
    real = FIXTURES / "realworld"
    wanted = "三、本年度办理结果|(一)予以公开"
    got = {}
    for name in ("markitdown", "html2text", "pandas-tsv", "tika-cells"):
        doc = read_text((real / f"pingtan_2021.{name}.txt").read_text("utf-8"))
        row = _row(doc, wanted)
        got[name] = [c.text for c in row.values if c.text and not c.pad]
    figures = ["27", "0", "0", "2", "0", "1", "30"]
    # pandas repeats a figure over the columns its cell spans (商业企业: two columns)
    assert got == {
        "markitdown": figures,
        "html2text": figures,
        "tika-cells": figures,
        "pandas-tsv": ["27", "0", "0", "0", "2", "0", "1", "30"],
    }


def test_markitdown_pads_on_the_real_document() -> None:
    doc = read_text((FIXTURES / "realworld" / "pingtan_2021.markitdown.txt").read_text("utf-8"))
    assert _values(doc, "行政许可") == ["2293", "~", "~"]
    assert _values(doc, "一、本年新收政府信息公开申请数量") == [
        "~",
        "~",
        "64",
        "0",
        "~",
        "0",
        "2",
        "0",
        "4",
        "70",
    ]


# --------------------------------------------------------------------------- beyond the three layouts


def _expected(name: str) -> dict[str, object]:
    values: dict[str, object] = json.loads((FIXTURES / "realworld" / f"{name}.json").read_text("utf-8"))[
        "values"
    ]
    return values


@pytest.mark.parametrize("year", ["2021", "2023"])
def test_pandoc_plain_table_reads_the_published_figures(year: str) -> None:
    """pandoc's plain text of the page: table 二 in space-aligned columns (tables 三 and 四
    pandoc could not write: ``[TABLE]``)."""
    doc = read_text((FIXTURES / "realworld" / f"pingtan_{year}.pandoc-plain.txt").read_text("utf-8"))
    want = _expected(f"pingtan_{year}")
    assert "space-aligned" in doc.layout
    rows = {
        "规章": "regulations",
        "行政规范性文件": "normative_documents",
    }
    for label, key in rows.items():
        got = [c.text for c in _row(doc, label).values]
        assert got == [str(want[f"active.{key}.{col}"]) for col in ("issued", "repealed", "in_force")]
    for label, key in {"行政许可": "licensing", "行政处罚": "penalty", "行政强制": "coercion"}.items():
        assert _row(doc, label).values[0].text == str(want[f"active.{key}.decisions"])
        assert [c.text for c in _row(doc, label).values[1:]] == ["", ""]  # the table's empty columns
    assert _row(doc, "行政事业性收费").values[0].text == str(want["active.fees.amount"])


def test_pdf_text_rows_of_space_separated_figures() -> None:
    """pdfplumber's text of a PDF, with the PDF text rules: lines that end in figures are rows."""
    text = (FIXTURES / "realworld" / "huaian_2024.pdfplumber.txt").read_text("utf-8")
    want = _expected("huaian_2024")
    assert [b for b in read_text(text).blocks if isinstance(b, Row)]  # (found by default, too)
    doc = read_text(text, rules=PDF_TEXT_RULES)
    assert [d.code for d in doc.diagnostics] == ["space-separated-rows"]
    got = [c.text for c in _row(doc, "行政规范性文件").values]
    assert got == [str(want[f"active.normative_documents.{c}"]) for c in ("issued", "repealed", "in_force")]
    assert _row(doc, "行政许可").values[0].text == str(want["active.licensing.decisions"])
    new = [c.text for c in _row(doc, "一、本年新收政府信息公开申请数量").values]
    assert new == ["3001", "53", "0", "0", "61", "4", "3119"]
    assert new == [
        str(want[f"requests.new.{c}"])
        for c in (
            "natural_person",
            "commercial",
            "research",
            "social_welfare",
            "legal_services",
            "other_org",
            "total",
        )
    ]


# --------------------------------------------------------------------------- properties

# cell-per-line rows: cell lines, and between rows an empty line, maybe more blank lines
_cell_line = st.sampled_from(["\t合计", "\t（一）予以公开", "\t0", "\t12", "\t", "\t ", "\t/"])
_blank_lines = st.lists(st.sampled_from(["", " ", "\t", " \t "]), max_size=3).map(
    lambda ls: "".join(x + "\n" for x in ls)
)


@given(
    st.lists(st.tuples(st.lists(_cell_line, min_size=1, max_size=8), _blank_lines), min_size=1, max_size=8),
    st.integers(min_value=0, max_value=3),
)
def test_cell_per_line_cells_keep_their_source_lines(rows: list[tuple[list[str], str]], lead: int) -> None:
    text = "标题\n" * lead
    for cells, blank in rows:
        text += "\t" + cells[0].lstrip("\t").strip() + "内容\n"  # a row opens with a visible cell
        text += "".join(c + "\n" for c in cells) + "\n" + blank
    source = text.split("\n")
    for block in read_text(text).blocks:
        if isinstance(block, Row):
            for cell in (*block.labels, *block.values):
                assert source[(cell.where.line or 0) - 1] == "\t" + cell.raw


_pieces = st.sampled_from(
    ["\n", "\n", "\t", " ", "|", "#", "（一）", "一、", "第二章", "1.", "-", "正文", "5", "\u3000"]
)


@given(st.lists(_pieces, max_size=80).map("".join))
def test_any_text_reads_into_blocks_in_source_order(text: str) -> None:
    doc = read_text(text)
    starts = [b.where.line or 0 for b in doc.blocks]
    assert starts == sorted(starts)
    for b in doc.blocks:
        if isinstance(b, Row):
            assert b.label == "|".join(c.text for c in b.labels)


def test_cell_per_line_a_blank_first_figure_after_the_row_gap_is_a_cell() -> None:
    # table 四's one row of figures, its first blank: the TAB alone opens the row
    doc = read_text("\t行政复议\n\t结果维持\n\n\t\n\t0\n\t1\n")
    rows = [b for b in doc.blocks if isinstance(b, Row)]
    assert [c.text for c in rows[-1].values] == ["", "0", "1"]
