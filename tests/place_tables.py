"""Tables as converters leave them, built from known true rows (for tests/test_place.py).

A true table has label columns and value columns; each row's labels cover the label columns
(a label may span several, a column may be lost to a rowspan from the row above), and a value
column may span two source columns (``商业企业`` in some reports).  A *converter* writes each
row's source cells the way a real one does, and :func:`read_row` splits them into a
:class:`~gongkai._document.Row` the way a text reader does (labels: the text cells before the
first figure, consecutive repeats once; values: every cell after the last label).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from attrs import frozen
from hypothesis import strategies as st

from gongkai._document import Cell, Row, Where
from gongkai._figures import classify

_FIGURE_CLASSES = ("number", "mark", "numbers")

__all__ = ["CONVERTERS", "TrueRow", "TrueTable", "read_row", "tables", "write_table"]

Converter = Literal[
    "markitdown", "markitdown-unmarked", "pandas", "tsv-full", "tsv-noise", "tsv-strip", "cells"
]
CONVERTERS: tuple[Converter, ...] = (
    "markitdown",
    "markitdown-unmarked",
    "pandas",
    "tsv-full",
    "tsv-noise",
    "tsv-strip",
    "cells",
)


@frozen
class TrueRow:
    """A row as the table has it: label cells (text, colspan; ``None`` = a column lost to a
    rowspan from above) and its figures (``""`` = blank)."""

    labels: tuple[tuple[str | None, int], ...]
    figures: tuple[str, ...]


@frozen
class TrueTable:
    label_columns: int
    pads: Literal["start", "end"]
    #: per value column: how many source columns it spans (1 or 2)
    spans: tuple[int, ...]
    rows: tuple[TrueRow, ...]
    #: for a table whose rows have fewer columns than the grid (table 二): each row's width
    widths: tuple[int, ...]


def _cell(text: str, line: int, *, pad: bool = False) -> Cell:
    return Cell(text, text, Where(line=line), pad=pad)


def read_row(cells: Sequence[Cell], line: int, trailing: bool) -> Row:
    """A text reader's row: labels are the text cells before the first figure (a repeat of the
    previous label once), values every cell after the last label."""
    first = next((i for i, c in enumerate(cells) if classify(c.text) in _FIGURE_CLASSES), len(cells))
    last = max((i for i in range(first) if cells[i].text), default=-1)
    labels: list[Cell] = []
    for c in cells[: last + 1]:
        if c.text and (not labels or labels[-1].text != c.text):
            labels.append(c)
    return Row(tuple(labels), tuple(cells[last + 1 :]), Where(line=line), trailing=trailing, width=len(cells))


def write_table(
    table: TrueTable, converter: Converter, noise_rows: frozenset[int] = frozenset()
) -> list[Row]:
    """The rows a converter leaves of ``table`` (``noise_rows``: rows it ends with a stray TAB)."""
    out: list[Row] = []
    for i, row in enumerate(table.rows):
        line = i + 1
        cells: list[Cell] = []
        last_label = ""
        for text, span in row.labels:
            if text is None:  # a column lost to a rowspan from the row above
                if converter == "pandas":
                    cells.append(_cell(last_label or "组", line))
                elif converter in ("tsv-full", "tsv-noise", "tsv-strip"):
                    cells.append(_cell("", line))
                continue
            last_label = text
            cells.append(_cell(text, line))
            for _ in range(span - 1):
                if converter == "markitdown":
                    cells.append(_cell("", line, pad=True))
                elif converter == "pandas":
                    cells.append(_cell(text, line))
                elif converter in ("markitdown-unmarked", "tsv-full", "tsv-strip"):
                    cells.append(_cell("", line))
        width = table.widths[i]
        for j, figure in enumerate(row.figures):
            cells.append(_cell(figure, line))
            # a figure's extra source columns: its colspan, and for a row narrower than the
            # grid, the rest of the grid after its last figure
            extra = table.spans[j] - 1
            if j == width - 1:
                extra += sum(table.spans[width:])
            for _ in range(extra):
                if converter == "markitdown":
                    cells.append(_cell("", line, pad=True))
                elif converter == "pandas":
                    cells.append(_cell(figure, line))
                elif converter in ("markitdown-unmarked", "tsv-full", "tsv-strip"):
                    cells.append(_cell("", line))
        trailing = False
        if converter in ("tsv-full", "tsv-noise"):
            trailing = bool(cells) and not cells[-1].text
        if converter == "tsv-noise" and i in noise_rows:
            cells.append(_cell("", line))
            trailing = True
        if converter == "tsv-strip":
            while cells and not cells[-1].text:
                cells.pop()
        out.append(read_row(cells, line, trailing))
    return out


_FIGURES = st.sampled_from(["", "", "0", "0", "0", "1", "2", "3", "12", "57", "/"])


@st.composite
def _label_cover(draw: st.DrawFn, columns: int, first: bool, tag: int) -> tuple[tuple[str | None, int], ...]:
    """Label cells covering ``columns`` columns: some lost to rowspans at the start."""
    lost = 0 if first or columns == 1 else draw(st.integers(0, columns - 1))
    out: list[tuple[str | None, int]] = [(None, 1)] * lost
    left = columns - lost
    k = 0
    while left:
        span = draw(st.integers(1, left))
        out.append((f"标签{tag}-{k}", span))
        k += 1
        left -= span
    return tuple(out)


@st.composite
def tables(draw: st.DrawFn) -> TrueTable:
    """A true table shaped as table 三, 二 or 四, with realistic blank cells."""
    kind = draw(st.sampled_from(["三", "三", "三", "二", "四"]))
    if kind == "三":
        label_columns, width, pads, n = 3, 7, "start", draw(st.integers(2, 12))
    elif kind == "二":
        label_columns, width, pads, n = 1, 3, "end", draw(st.integers(2, 6))
    else:
        label_columns, width, pads, n = 0, 15, "start", 1
    spans = [1] * width
    # a value column spanning two source columns: 商业企业 in some reports' table 三 (the
    # template's other tables have none)
    if kind == "三" and draw(st.integers(0, 3)) == 0:
        spans[draw(st.integers(0, width - 1))] = 2
    # columns blank in every row, blank totals, blanks at both ends
    always_blank = draw(st.sets(st.integers(0, width - 1), max_size=2))
    rows: list[TrueRow] = []
    widths: list[int] = []
    for r in range(n):
        w = draw(st.integers(1, width)) if kind == "二" else width
        figures = [("" if j in always_blank else draw(_FIGURES)) for j in range(w)]
        labels = _label_cover(label_columns, r == 0, r) if label_columns else st.just(())
        rows.append(TrueRow(draw(labels), tuple(figures)))
        widths.append(w)
    return TrueTable(label_columns, pads, tuple(spans), tuple(rows), tuple(widths))  # type: ignore[arg-type]
