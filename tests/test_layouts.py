"""Each layout's quirks, on small hand-written reports: figures land in their columns."""

from __future__ import annotations

from decimal import Decimal

import pytest

import gongkai
from gongkai.layout import canonical_text, read_lines

HEAD = "某某县人民政府2022年政府信息公开工作年度报告\n一、总体情况\n全年工作顺利。\n三、收到和处理政府信息公开申请情况\n"


def _requests(text: str) -> gongkai.Table:
    report = gongkai.parse(text)
    assert report.requests is not None
    return report.requests


def _values(table: gongkai.Table, row: str) -> list[object]:
    r = table[row]
    return [r[c].value for c in r.columns]


# --------------------------------------------------------------------------- markdown


@pytest.mark.parametrize(
    "rows",
    [
        # outer pipes and a rule
        "| 一、本年新收政府信息公开申请数量 | 1 | 2 | 3 | 4 | 5 | 6 | 21 |\n",
        # no outer pipes (html2text), trailing double space
        "一、本年新收政府信息公开申请数量| 1| 2| 3| 4| 5| 6| 21  \n",
        # markitdown's empty header row and rule first
        "|  |  |  |  |  |  |  |  |\n| --- | --- | --- | --- | --- | --- | --- | --- |\n"
        "| 一、本年新收政府信息公开申请数量 | 1 | 2 | 3 | 4 | 5 | 6 | 21 |\n",
        # a label spread over merged label columns: markitdown pads it with empty cells
        "| 一、本年新收政府信息公开申请数量 | | | 1 | 2 | 3 | 4 | 5 | 6 | 21 |\n"
        "| 二、上年结转政府信息公开申请数量 | | | 0 | 0 | 0 | 0 | 0 | 0 | 0 |\n",
    ],
    ids=["outer-pipes", "html2text", "markitdown-header", "label-pads"],
)
def test_markdown_pipe_rows(rows: str) -> None:
    table = _requests(HEAD + rows)
    assert _values(table, "new") == [1, 2, 3, 4, 5, 6, 21]


def test_markdown_headings_and_emphasis_are_read() -> None:
    text = "# 某某局2023年政府信息公开工作年度报告\n\n## **一、总体情况**\n\n正文。\n\n### 三、 收到和处理政府信息公开申请情况\n"
    report = gongkai.parse(text)
    assert [s.number for s in report.sections] == [1, 3]
    assert (report.agency, report.year) == ("某某局", 2023)


def test_markitdown_colspan_pad_is_detected_table_wide() -> None:
    rows = (
        "| 一、本年新收政府信息公开申请数量 | | | 64 | 1 | | 0 | 2 | 0 | 4 | 71 |\n"
        "| 三、本年度办理结果 | （一）予以公开 | | 27 | 0 | | 0 | 2 | 0 | 1 | 30 |\n"
        "| 2.其他法律行政法规禁止公开 | 5 | 0 | | 0 | 0 | 0 | 0 | 5 |\n"
    )
    table = _requests(HEAD + rows)
    assert _values(table, "new") == [64, 1, 0, 2, 0, 4, 71]
    assert _values(table, "granted") == [27, 0, 0, 2, 0, 1, 30]
    assert _values(table, "denied.prohibited_by_law") == [5, 0, 0, 0, 0, 0, 5]


# --------------------------------------------------------------------------- tab-separated


def test_tab_separated_trailing_tabs_and_lost_cells() -> None:
    rows = (
        "一、本年新收政府信息公开申请数量\t1\t2\t3\t4\t5\t6\t21\n"
        "三、本年度办理结果\t(一) 予以公开\t\t\t\t\t\t9\n"  # lost a cell: only 总计 filled
        "(三) 不予公开\t1.属于国家秘密\t1\t0\t0\t0\t0\t0\t1\t\n"  # trailing TAB
        "\t(七) 总计\t\t9\t0\t0\t0\t0\t0\t9\n"  # merged label columns leave an empty cell
    )
    table = _requests(HEAD + rows)
    assert _values(table, "new") == [1, 2, 3, 4, 5, 6, 21]
    assert _values(table, "granted") == [None] * 6 + [9]
    assert _values(table, "denied.state_secret") == [1, 0, 0, 0, 0, 0, 1]
    assert _values(table, "total") == [9, 0, 0, 0, 0, 0, 9]


def test_tab_separated_span_expanded_cells() -> None:
    text = (
        "某局2022年政府信息公开工作年度报告\n二、主动公开政府信息情况\n"
        "第二十条第（五）项\t第二十条第（五）项\t第二十条第（五）项\t第二十条第（五）项\n"
        "信息内容\t本年处理决定数量\t本年处理决定数量\t本年处理决定数量\n"
        "行政许可\t2293\t2293\t2293\n"
        "三、收到和处理政府信息公开申请情况\n"
        "一、本年新收政府信息公开申请数量\t一、本年新收政府信息公开申请数量\t一、本年新收政府信息公开申请数量"
        "\t64\t0\t0\t0\t2\t0\t4\t70\n"
        "三、本年度办理结果\t（七）总计\t（七）总计\t60\t3\t3\t0\t2\t0\t4\t69\n"
    )
    report = gongkai.parse(text)
    assert report.active is not None and report.requests is not None
    assert report.active["licensing"]["decisions"].value == 2293
    assert _values(report.requests, "new") == [64, 0, 0, 2, 0, 4, 70]
    assert _values(report.requests, "total") == [60, 3, 0, 2, 0, 4, 69]


# --------------------------------------------------------------------------- cell per line


def test_cell_per_line_rows_cells_and_continuations() -> None:
    rows = (
        "\t一、本年新收政府信息公开申请数量\n\t1\n\t\n\t3\n\t4\n\t5\n\t6\n\t19\n\n"
        "\t三、本年度办理结果\n\t(一)予以公开\n\t1\n\t0\n\t0\n\t0\n\t0\n\t0\n\t1\n\n"
        "\t\n\t(三)\n\n不予公开\n\t1.属于国家秘密\n\t0\n\t0\n\t0\n\t0\n\t0\n\t0\n\t 0\n\n"
        "\t四、结转下年度继续办理\n\t0\n\t0\n\t0\n\t0\n\t0\n\t0\n\t  \n\n7\n\n\n"
        "五、存在的主要问题及改进情况\n无。\n"
    )
    table = _requests(HEAD + rows)
    assert _values(table, "new") == [1, None, 3, 4, 5, 6, 19]  # a TAB alone is an empty cell
    assert _values(table, "granted") == [1, 0, 0, 0, 0, 0, 1]
    assert "(三)不予公开" in table["denied.state_secret"].label  # continued across an empty line
    assert _values(table, "carried_forward") == [0, 0, 0, 0, 0, 0, 7]  # likewise the last cell


def test_cell_per_line_header_labels_split_across_lines() -> None:
    lines = read_lines("\t\n\t商业\n企业\n\t科研\n机构\n\t其他\n\n")
    assert [ln.label for ln in lines] == ["商业企业|科研机构|其他"]


# --------------------------------------------------------------------------- mixed and noise


def test_layouts_mix_within_one_report() -> None:
    text = (
        "# 某某镇人民政府2022年政府信息公开工作年度报告\n"
        "## 二、主动公开政府信息情况\n"
        "| 第二十条第（一）项 | | | |\n| --- | --- | --- | --- |\n"
        "| 信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |\n"
        "| 规章 | 1 | 0 | 3 |\n"
        "## 三、收到和处理政府信息公开申请情况\n"
        "一、本年新收政府信息公开申请数量\t1\t0\t0\t0\t0\t0\t1\n\n"
        "四、政府信息公开行政复议、行政诉讼情况\n"
        "\t行政复议\n\t行政诉讼\n\n" + "".join(f"\t{n}\n" for n in range(15)) + "\n"
    )
    report = gongkai.parse(text)
    assert report.layout == "cell-per-line+markdown+tab-separated"
    assert report.active is not None and report.requests is not None and report.appeals is not None
    assert [report.active["regulations"][c].value for c in ("issued", "repealed", "in_force")] == [1, 0, 3]
    assert _values(report.requests, "new") == [1, 0, 0, 0, 0, 0, 1]
    assert report.appeals["litigation.after_review"]["total"].value == 14


def test_crlf_bom_bookmarks_and_full_width_digits() -> None:
    text = "\ufeff" + (
        HEAD + "[bookmark: Body]一、本年新收政府信息公开申请数量\t１\t2\t3\t4\t5\t6\t２１\n"
    ).replace("\n", "\r\n")
    table = _requests(text)
    assert _values(table, "new") == [1, 2, 3, 4, 5, 6, 21]
    assert table["new"]["natural_person"].raw == "１"


def test_blank_is_none_and_not_applicable_keeps_its_mark() -> None:
    table = _requests(HEAD + "一、本年新收政府信息公开申请数量\t\t/\t—\t无\t1,234\t5件\t1，239\n")
    new = table["new"]
    assert [new[c].value for c in new.columns] == [None, None, None, None, 1234, 5, 1239]
    assert [new[c].kind for c in new.columns[:4]] == [
        "blank",
        "not_applicable",
        "not_applicable",
        "not_applicable",
    ]
    assert new["commercial"].raw == "/"


def test_money_keeps_its_decimals() -> None:
    text = (
        "某局2022年政府信息公开工作年度报告\n二、主动公开政府信息情况\n"
        "第二十条第（八）项\n信息内容\t本年收费金额（单位：万元，保留4位小数）\n行政事业性收费\t96,171.6000\n"
    )
    report = gongkai.parse(text)
    assert report.active is not None
    fee = report.active["fees"]["amount"]
    assert fee.value == Decimal("96171.6000") and isinstance(fee.value, Decimal)


def test_canonical_text_is_what_the_grammar_reads() -> None:
    lines = read_lines("## 一、总体情况\n\n| 规章 | 0 | 1 | 2 |\n\t行政许可\n\t3\n\n")
    assert canonical_text(lines) == "一、总体情况\n\t规章\t0\t1\t2\n\t行政许可\t3\n"


def test_header_words_in_later_prose_stay_prose() -> None:
    # "其他" is a table 四 header word; in section 六 it is just a line of the page footer.
    text = (
        HEAD
        + "一、本年新收政府信息公开申请数量\t1\t0\t0\t0\t0\t0\t1\n六、其他需要报告的事项\n无。\n其他\n结果\n"
    )
    report = gongkai.parse(text)
    assert [p.text for p in report.section(6).paragraphs] == ["无。", "其他", "结果"]  # type: ignore[union-attr]
    assert not [d for d in report.diagnostics if d.code == "unexpected-line"]


def test_trailing_tab_is_stripped_before_a_blank_first_cell() -> None:
    # "label\t\t0…0\t": the trailing TAB is the artefact, the first empty cell a blank figure
    table = _requests(HEAD + "一、本年新收政府信息公开申请数量\t\t0\t0\t0\t0\t0\t0\t\n")
    assert _values(table, "new") == [None, 0, 0, 0, 0, 0, 0]


def test_trailing_tabs_are_stripped_before_span_pads_are_looked_for() -> None:
    # two rows "0⇥⇥0⇥⇥" share a blank-then-filled pattern, like markitdown's span pads; their
    # lines end in TABs, so the TABs are the artefact and the middle blank a blank figure
    text = (
        "二、主动公开政府信息情况\n第二十条第（一）项\n信息内容\t本年制发件数\t本年废止件数\t现行有效件数\n"
        "规章\t0\t\t5\t\t\n行政规范性文件\t1\t\t7\t\t\n"
    )
    table = gongkai.parse(text).active
    assert table is not None
    assert [f.value for f in table["regulations"].figures] == [0, None, 5]
    assert [f.value for f in table["normative_documents"].figures] == [1, None, 7]


def test_html_and_emphasis_left_in_cells_are_read_through() -> None:
    rows = "| 一、本年<br>新收政府信息公开申请数量 | **1** | 2&nbsp; | 3 | 4 | 5 | 6 | __21__ |\n"
    table = _requests(HEAD + rows)
    assert _values(table, "new") == [1, 2, 3, 4, 5, 6, 21]
    assert table["new"]["natural_person"].raw == "**1**"


def test_a_prose_block_never_swallows_a_row_or_an_empty_cell() -> None:
    after = "本表数据由县政府办公室统计汇总，截至十二月三十一日。"  # long: prose, not a wrapped cell
    text = (
        HEAD
        + f"说明一\n说明二\n\t\n\t一、本年新收政府信息公开申请数量\n\t1\n\t0\n\t0\n\t0\n\t0\n\t0\n\t1\n\n{after}\n{after}\n\t\t\t备注\n"
    )
    lines = read_lines(text)
    assert [ln.kind for ln in lines[-4:]] == ["text", "row", "text", "row"]
    assert lines[-3].line == 7  # the empty first cell (a TAB alone) opened the row, not the prose
    assert _values(_requests(text), "new") == [1, 0, 0, 0, 0, 0, 1]


def test_html2text_cell_broken_over_two_lines_is_joined() -> None:
    rows = (
        "一、本年新收政府信息公开申请数量| 5| 0| 0| 0| 0| 0| 5  \n"
        "（二）部分公开（区分处理的，只计这一情形，不计  \n"
        "其他情形）| 5| 0| 0| 0| 0| 0| 5  \n"
    )
    table = _requests(HEAD + rows)
    assert _values(table, "partially_granted") == [5, 0, 0, 0, 0, 0, 5]
    assert table["partially_granted"].line == 6


def test_html2text_row_with_empty_first_and_last_cells_keeps_both() -> None:
    # html2text writes no outer pipes ("---|---"): "| 1| …| 0|" is an empty cell, 13 figures
    # and an empty cell, not 13 figures between outer pipes
    text = (
        "四、政府信息公开行政复议、行政诉讼情况\n\n行政复议| 行政诉讼  \n---|---  \n"
        "结果维持| 结果纠正| 其他结果| 尚未审结| 总计| 未经复议直接起诉| 复议后起诉  \n"
        "结果维持| 结果纠正| 其他结果| 尚未审结| 总计| 结果维持| 结果纠正| 其他结果| 尚未审结| 总计  \n"
        "| 1| 0| 0| 1| 0| 0| 0| 0| 0| 0| 0| 0| 0|   \n"
    )
    table = gongkai.parse(text).appeals
    assert table is not None
    assert [f.value for f in table["review"].figures] == [None, 1, 0, 0, 1]
    assert [f.value for f in table["litigation.after_review"].figures] == [0, 0, 0, 0, None]


def test_pandas_index_column_and_column_numbers_are_dropped() -> None:
    rows = "\t0\t1\t2\t3\t4\t5\t6\t7\n0\t一、本年新收政府信息公开申请数量\t1\t2\t3\t4\t5\t6\t21\n1\t二、上年结转政府信息公开申请数量\t0\t0\t0\t0\t0\t0\t0\n"
    table = _requests(HEAD + rows)
    assert _values(table, "new") == [1, 2, 3, 4, 5, 6, 21]
    assert _values(table, "carried_over") == [0] * 7


def test_nan_cells_are_empty() -> None:
    table = _requests(HEAD + "| 一、本年新收政府信息公开申请数量 | nan | 2 | 3 | 4 | 5 | 6 | 20 |\n")
    assert _values(table, "new") == [None, 2, 3, 4, 5, 6, 20]


def test_cell_per_line_rows_without_empty_lines_between_them() -> None:
    cells = "".join(
        f"\t{c}\n"
        for c in [
            "一、本年新收政府信息公开申请数量",
            1,
            0,
            0,
            0,
            0,
            0,
            1,
            "二、上年结转政府信息公开申请数量",
            2,
            0,
            0,
            0,
            0,
            0,
            2,
        ]
    )
    lines = read_lines(cells)
    assert [ln.label for ln in lines] == [
        "一、本年新收政府信息公开申请数量",
        "二、上年结转政府信息公开申请数量",
    ]
    assert (lines[1].line, lines[1].end_line) == (9, 16)
    table = _requests(HEAD + cells)
    assert _values(table, "carried_over") == [2, 0, 0, 0, 0, 0, 2]


def test_cell_per_line_long_label_tail_after_an_empty_line() -> None:
    # a label broken with an empty line before a long tail: the next TAB line says the row goes on
    label_head, label_tail = "\t1.申请人无正当理由逾期不补正、", "行政机关不再处理其政府信息公开申请"
    cells = "".join(f"\t{v}\n" for v in (1, 0, 0, 0, 0, 0, 1))
    text = HEAD + "\t（六）其他处理\n" + label_head + "\n\n" + label_tail + "\n" + cells + "\n"
    assert _values(_requests(text), "other.overdue_correction") == [1, 0, 0, 0, 0, 0, 1]


def test_tab_separated_label_broken_over_two_lines_is_joined() -> None:
    rows = (
        "一、本年新收政府信息公开申请数量\t5\t0\t0\t0\t0\t0\t5\n"
        "（二）部分公开（区分处理的，只计这一情形，\n"
        "不计其他情形）\t5\t0\t0\t0\t0\t0\t5\n"
    )
    assert _values(_requests(HEAD + rows), "partially_granted") == [5, 0, 0, 0, 0, 0, 5]


def test_markdown_row_broken_over_two_lines_is_joined() -> None:
    rows = (
        "| 一、本年新收政府信息公开申请数量 | 5 | 0 | 0 | 0 | 0 | 0 | 5 |\n"
        "| （二）部分公开（区分处理的，只计这一情形，\n"
        "不计其他情形） | 5 | 0 | 0 | 0 | 0 | 0 | 5 |\n"
        "| （七）总计 | 5 | 0 | 0 | 0 | 0 | 0 | 5 |\n"
    )
    table = _requests(HEAD + rows)
    assert _values(table, "partially_granted") == [5, 0, 0, 0, 0, 0, 5]
    assert table["partially_granted"].line == 6 and table["total"].line == 8


def test_cell_per_line_blank_lines_between_rows_may_hold_tabs() -> None:
    # Tika writes TAB-only lines after the empty line that ends a row: blank lines, not cells
    text = "\t总计\n\t1\n\t2\n\n\t\n\t\n\t合计\n\t3\n\t4\n\n\t \n\n\t小计\n\t5\n"
    lines = read_lines(text)
    assert [ln.text for ln in lines] == ["\t总计\t1\t2", "\t合计\t3\t4", "\t小计\t5"]
    assert [(ln.line, ln.end_line) for ln in lines] == [(1, 3), (7, 9), (13, 14)]
    assert [c.line for c in lines[1].values] == [8, 9]


def test_cell_per_line_continuation_after_the_last_row_of_a_run() -> None:
    # the short fragment after the run's last row is read with that row (a label's wrap); after
    # a figure it is prose again: a figure never wraps across an empty line
    lines = read_lines("\t总计\n\t1\n\n\t合计\n\t2\n\n不予公开\n\n二、下一节\n")
    assert [(ln.text, ln.line, ln.end_line) for ln in lines] == [
        ("\t总计\t1", 1, 2),
        ("\t合计\t2", 4, 5),
        ("不予公开", 7, 7),
        ("二、下一节", 9, 9),
    ]
    lines = read_lines("\t总计\n\t1\n\n\t（三）\n\n不予公开\n\n二、下一节\n")
    assert [(ln.text, ln.line, ln.end_line) for ln in lines] == [
        ("\t总计\t1", 1, 2),
        ("\t(三)不予公开", 4, 6),
        ("二、下一节", 8, 8),
    ]


def test_short_prose_after_a_cell_per_line_table_keeps_the_last_figure() -> None:
    # "特此报告" two lines below the last figure is prose, and the figure stays the row's
    text = "\t（一）予以公开\n\t1\n\t2\n\n特此报告\n \n某某局\n"
    lines = read_lines(text)
    assert [(ln.kind, ln.text, ln.line) for ln in lines] == [
        ("row", "\t(一)予以公开\t1\t2", 1),
        ("text", "特此报告", 5),
        ("text", "某某局", 7),
    ]
    assert [(c.raw, c.line) for c in lines[0].values] == [("1", 2), ("2", 3)]
    assert lines[0].raw == "\t（一）予以公开\n\t1\n\t2"


def test_a_line_after_a_figure_and_an_empty_line_parts_the_cells_around_it() -> None:
    # a page number between two rows that lost their empty line: dropped, both rows kept whole
    lines = read_lines("\t（一）\n\t1\n\n- 3 -\n\t（二）\n\t2\n")
    assert [(ln.text, ln.line, ln.end_line) for ln in lines] == [("\t(一)\t1", 1, 2), ("\t(二)\t2", 5, 6)]
    # prose amid a row's cells: the figures before it stay in their row, those after it are
    # a row of their own (which the grammar reports), none is read as text
    lines = read_lines("\t（一）\n\t1\n\n备注\n\t2\n")
    assert [(ln.kind, ln.text, ln.line) for ln in lines] == [
        ("row", "\t(一)\t1", 1),
        ("text", "备注", 4),
        ("row", "\t\t2", 5),
    ]


def test_a_label_broken_after_its_item_number_is_one_label() -> None:
    # "8" looks like a figure, but ".属于…" after the empty line goes on with its numbering
    lines = read_lines("\t8\n\n.属于行政查询事项\n\t0\n\t1\n")
    assert [(ln.text, [c.raw for c in ln.values]) for ln in lines] == [
        ("\t8.属于行政查询事项\t0\t1", ["0", "1"])
    ]


def test_cell_per_line_row_of_too_many_cells_amid_rows_is_prose() -> None:
    cells = "".join(f"\t{i}\n" for i in range(300))
    lines = read_lines("\t总计\n\t1\n\n\t标签\n" + cells + "\n\t合计\n\t2\n")
    assert [(ln.kind, ln.line, ln.end_line) for ln in lines] == [
        ("row", 1, 2),
        ("text", 4, 304),
        ("row", 306, 307),
    ]


def test_what_is_kept_of_cells_read_stays_bounded() -> None:
    from gongkai import layout

    for start in range(0, 3 * layout._MEMO_MAX, 500):
        read_lines("".join(f"标签{i}\t{i}\n" for i in range(start, start + 500)))
    assert len(layout._CELL_TEXTS) <= layout._MEMO_MAX
    assert len(layout._CELL_FLAGS) <= layout._MEMO_MAX
    assert len(layout._ROW_SHAPES) <= layout._MEMO_MAX
