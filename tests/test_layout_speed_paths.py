"""The layout stage's shortcuts agree with the general code they stand in for."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from gongkai import layout
from gongkai.layout import Cell, LayoutName, Line, read_lines

# cells of every flag: labels (one repeated on purpose), figures, n/a marks, empty cells
_CELL_RAWS = ["合计", "（一）予以公开", "自然人", "自然人", "0", "12", "1,000件", "/", "", "nan", " ", "<br>"]

_rows = st.lists(st.lists(st.sampled_from(_CELL_RAWS), min_size=1, max_size=12), min_size=1, max_size=8)


def _general_rows(rows: list[list[str]], layout_name: LayoutName) -> list[Line]:
    """The rows as the general code makes them: :func:`layout._build_row`, row by row (and, for
    cell-per-line rows with a label after figures, :func:`layout._cell_rows`)."""
    made: list[Line] = []
    line = 1
    for raws in rows:
        cells = [Cell(layout._text_of(r), r, line + i) for i, r in enumerate(raws)]
        texts = [c.text for c in cells]
        flags = "".join(layout._flag_of(r) for r in raws)
        raw = "\t" + "\n\t".join(raws)
        fig = flags.find("v")
        if layout_name == "cell-per-line" and fig >= 0 and flags.find("l", fig) >= 0:
            made.extend(layout._cell_rows(raw, line))
        else:
            row = layout._build_row(texts, tuple(cells), flags, 0, len(cells), layout_name, line, line, raw)
            if row is not None:
                made.append(row)
        line += len(raws) + 1
    return made


@given(_rows, st.sampled_from(["cell-per-line", "tab-separated", "markdown"]))
def test_rows_made_by_shape_are_the_rows_build_row_makes(
    rows: list[list[str]], layout_name: LayoutName
) -> None:
    raws = [r for row in rows for r in row]
    cell_lines: list[int] = []
    firsts = []
    line = 1
    for row in rows:
        firsts.append(line)
        cell_lines += range(line, line + len(row))
        line += len(row) + 1
    raws_of_rows = ["\t" + "\n\t".join(row) for row in rows]
    group = (0, 0, layout_name, [len(r) for r in rows], firsts, firsts, raws_of_rows)
    lines, _ = layout._make_rows([None] * len(rows), [group], raws, cell_lines)
    assert lines == _general_rows(rows, layout_name)


# cell-per-line rows: cell lines, and between rows an empty line, maybe more blank lines
_cell_line = st.sampled_from(["\t合计", "\t（一）予以公开", "\t0", "\t12", "\t", "\t ", "\t/"])
_blank_lines = st.lists(st.sampled_from(["", " ", "\t", " \t "]), max_size=3).map(
    lambda ls: "".join(x + "\n" for x in ls)
)


@given(
    st.lists(
        st.tuples(st.lists(_cell_line, min_size=1, max_size=8), _blank_lines),
        min_size=1,
        max_size=8,
    ),
    st.integers(min_value=0, max_value=3),
)
def test_cell_per_line_rows_keep_their_source_lines(rows: list[tuple[list[str], str]], lead: int) -> None:
    text = "标题\n" * lead
    for cells, blank in rows:
        text += "\t" + cells[0].lstrip("\t").strip() + "内容\n"  # a row opens with a visible cell
        text += "".join(c + "\n" for c in cells) + "\n" + blank
    source = text.split("\n")
    for ln in read_lines(text):
        assert "\n".join(source[ln.line - 1 : ln.end_line]) == ln.raw
        for cell in (*ln.labels, *ln.values):
            assert source[cell.line - 1] == "\t" + cell.raw


# the scan without the glance ahead that lets a prose line fail to open a block quickly
_SCAN_WITHOUT_GLANCE = re.compile(layout._SCAN.pattern.replace(layout._SECOND_LINE, "", 1))

_scan_texts = st.lists(
    st.sampled_from(
        ["\n", "\n", "\t", " ", "|", "#", "（一）", "一、", "第二章", "1.", "-", "正文", "5", "\u3000"]
    ),
    max_size=60,
).map("".join)


@given(_scan_texts)
def test_the_glance_ahead_for_a_block_changes_no_match(text: str) -> None:
    assert layout._SECOND_LINE in layout._SCAN.pattern
    spans = [(m.lastgroup, m.span()) for m in layout._SCAN.finditer(text)]
    assert spans == [(m.lastgroup, m.span()) for m in _SCAN_WITHOUT_GLANCE.finditer(text)]
