"""One cell per line without TABs (LibreOffice's text export, docx2txt, mammoth, lynx): what
the reader says where the text cannot tell a row's columns."""

from __future__ import annotations

import gongkai
from gongkai._document import Row
from gongkai._readers.text import read_text

HEADS = "三、收到和处理政府信息公开申请情况\n申请人情况\n自然人\n法人或其他组织\n总计\n"
NEW = "一、本年新收政府信息公开申请数量\n64\n0\n0\n2\n0\n4\n70\n"
OLD = "二、上年结转政府信息公开申请数量\n0\n0\n0\n0\n0\n0\n0\n"


def _rows(text: str) -> list[tuple[str, list[str]]]:
    return [(b.label, [c.text for c in b.values]) for b in read_text(text).blocks if isinstance(b, Row)]


def test_a_row_is_its_label_and_the_figures_after_it() -> None:
    assert _rows(HEADS + NEW + OLD) == [
        ("一、本年新收政府信息公开申请数量", ["64", "0", "0", "2", "0", "4", "70"]),
        ("二、上年结转政府信息公开申请数量", ["0"] * 7),
    ]


def test_a_row_with_fewer_figures_than_its_columns_is_not_placed() -> None:
    short = "二、上年结转政府信息公开申请数量\n0\n0\n0\n0\n0\n0\n"  # (a blank cell left no trace)
    text = (
        "某某县人民政府2022年政府信息公开工作年度报告\n一、总体情况\n全年工作顺利。\n" + HEADS + NEW + short
    )
    report = gongkai.parse(text)
    (error,) = [d for d in report.diagnostics if d.code == "columns-lost"]
    row = report.requests["carried_over"]
    assert error.severity == "error" and error.line == row.line
    assert all(f.kind == "unreadable" and f.value is None for f in row.figures)
    assert report.requests["new"]["total"].value == 70


def test_a_heading_over_a_lone_number_is_no_row() -> None:
    """A page number or a count alone under a heading, in a report of another layout."""
    text = "三、收到和处理政府信息公开申请情况\n7\n\n规章\t1\t0\t1\n"
    doc = read_text(text)
    assert [b.label for b in doc.blocks if isinstance(b, Row)] == ["规章"]


def test_a_label_broken_over_lines_between_rows_stops_the_reading_with_an_error() -> None:
    broken = "二、上年结转政府信息公开申请\n数量\n0\n0\n0\n0\n0\n0\n0\n"  # (a PDF's text)
    doc = read_text(HEADS + NEW + broken + "（一）予以公开\n1\n2\n")
    assert [b.label for b in doc.blocks if isinstance(b, Row)] == ["一、本年新收政府信息公开申请数量"]
    (error,) = [d for d in doc.diagnostics if d.severity == "error"]
    assert error.code == "table-not-read" and "gongkai.read" in error.message


def test_a_text_with_page_breaks_is_a_pdfs_and_has_no_such_rows() -> None:
    assert _rows(HEADS + NEW + "\f" + OLD) == []


def test_figures_between_spaces_are_not_one_cell_a_line() -> None:
    assert _rows(HEADS + "一、本年新收政府信息公开申请数量\n64 0 0\n2\n") == []


def test_a_report_in_this_layout_is_read_in_full() -> None:
    text = "某某县人民政府2022年政府信息公开工作年度报告\n一、总体情况\n全年工作顺利。\n" + HEADS + NEW + OLD
    report = gongkai.parse(text)
    figures = dict(report.figures())
    assert figures["requests.new.natural_person"].value == 64
    assert figures["requests.new.total"].value == 70


# --------------------------------------------------------------------------- w3m's box tables

BOX = "┌────┬────┬──┐\n│三、│(一)│27│\n│本年├────┼──┤\n│度办│(二)│5 │\n└────┴────┴──┘\n"


def test_a_box_table_label_merged_over_rows_labels_each_of_them() -> None:
    assert _rows(BOX) == [("三、本年度办|(一)", ["27"]), ("三、本年度办|(二)", ["5"])]
    assert [b.where.line for b in read_text(BOX).blocks] == [2, 4]


def test_a_box_table_not_walled_in_is_an_error_not_only_warnings() -> None:
    broken = BOX.replace("│度办│(二)│5 │", "│度办 (二)│5 │")  # (a wall lost: no grid of cells)
    doc = read_text(broken)
    assert [d.code for d in doc.diagnostics if d.severity == "error"] == ["unread-content"]


def test_a_mark_alone_under_a_heading_is_prose_not_a_row() -> None:
    assert _rows("六、其他需要报告的事项\n无\n") == []


def test_a_line_broken_inside_a_tag_is_one_prose_line() -> None:
    doc = read_text('正文。\n<span\nstyle="color: red;">二、主动公开政府信息情况</span>\n')
    assert [getattr(b, "text", "") for b in doc.blocks][-1] == "二、主动公开政府信息情况"


def test_a_pipe_row_broken_inside_its_tags_is_one_row() -> None:
    text = '| <span style="a;\n b;">规章</span> | <span\nstyle="c">3</span> |\n'
    assert _rows(text) == [("规章", ["3"])]
