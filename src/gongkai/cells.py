"""Reading one cell into a figure, and placing a row's cells into the table's columns.

Placement is by the table's structure, never by reading order: converters repeat a merged cell
(pandas), pad it with empty cells (markitdown), leave cells out (rowspans) or add trailing TABs.
:func:`place` decides, for the whole table at once, which cells are such artefacts.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from operator import itemgetter

from .layout import NOT_APPLICABLE, Cell
from .model import FigureKind, Value

__all__ = ["Placement", "place", "read_value"]

_NUM = re.compile(
    r"^([-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|[-+]?\.\d+)(件|元|万元|个|条|项|次|宗|起|人次|人|家)?$"
)


def read_value(text: str, *, money: bool = False) -> tuple[Value, FigureKind]:
    """A normalised cell's value and kind: ``("13件") → (13, "number")``, ``"" → (None, "blank")``.

    Counts are ``int``; money is ``Decimal``; a count printed with decimals stays a ``Decimal``
    (as printed: the arithmetic checks report it, nothing here rounds it).
    """
    if not text:
        return None, "blank"
    if text.isascii() and text.isdigit():  # the common case: a plain count
        return (Decimal(text) if money else int(text)), "number"
    if text in NOT_APPLICABLE:
        return None, "not_applicable"
    m = _NUM.match(text)
    if m is None:
        return None, "unreadable"
    digits = m.group(1).replace(",", "")
    try:
        if money or "." in digits:
            return Decimal(digits), "number"
        return int(digits), "number"
    except (InvalidOperation, ValueError):  # pragma: no cover - the regex admits only numbers
        return None, "unreadable"


class Placement:
    """The outcome of placing one row: a cell (or None) per column, and what was set aside."""

    __slots__ = ("cells", "extra", "note")

    def __init__(self, cells: list[Cell | None], extra: list[Cell], note: str) -> None:
        self.cells = cells
        self.extra = extra
        self.note = note


_TEXT = itemgetter(0)  # Cell.text


def _span_positions(long_rows: Sequence[Sequence[Cell]]) -> list[int]:
    """Right-aligned positions that are a span artefact in every over-long row of the table.

    A position qualifies when, in every row longer than the width, its cell is empty (a
    markitdown pad) and the cell left of it is filled in at least one row.
    """
    if len(long_rows) < 2:
        return []
    # filled[pos]: some over-long row has text pos cells from its right end (up to the shortest)
    filled = list(map(any, zip(*[list(map(_TEXT, reversed(r))) for r in long_rows], strict=False)))
    # pos counted from the right; the leftmost cell has no left
    return [pos for pos in range(len(filled) - 1) if not filled[pos] and filled[pos + 1]]


def _dup_positions(rows: Sequence[Sequence[Cell]], width: int) -> list[int]:
    """Right-aligned positions whose cell repeats its left neighbour in every over-long row.

    Only a pattern shared by two rows or more is taken for a merged cell (pandas repeats one in
    every column it spans); a lone repeat is not evidence enough.
    """
    long_rows = [r for r in rows if len(r) > width]
    if len(long_rows) < 2:
        return []
    shortest = min(len(r) for r in long_rows)
    return [
        pos
        for pos in range(shortest - 1)
        if all(
            r[len(r) - 1 - pos].text and r[len(r) - 1 - pos].text == r[len(r) - 2 - pos].text
            for r in long_rows
        )
    ]


def place(
    rows: Sequence[Sequence[Cell]],
    width: int,
    pads: str = "start",
    trailing: Sequence[bool] = (),
) -> list[Placement]:
    """Place each row's value cells into ``width`` columns, deciding artefacts table-wide.

    In order: (1) empty pads at a position every over-long row shares (markitdown colspans);
    (2) empty cells at the row's ends: first at the end where the table's structure puts its
    pads (``pads``: "start" where labels span several columns, as in table 三; "end" where
    blocks of different widths share one grid, as in table 二), then at the other end;
    (3) repeated cells at a position every over-long row shares (pandas colspans), then any
    other repeat, whose copy is set aside; (4) what is still too much is set aside, never
    guessed into a column.  A short row
    lost cells at its pad end: its cells align to the other end.  ``trailing[i]`` says row i's
    line ended in a separator (a trailing TAB): its end is stripped first, whatever ``pads``.

    A row of exactly ``width`` cells comes out as it is, and the over-long rows alone decide
    the artefacts: placing some of the rows places them as placing all of them would.
    """
    if all(len(r) == width for r in rows):  # the common case: every row has its cells
        return [Placement(list(r), [], "") for r in rows]
    if any(trailing):
        # A line that ends in a separator: its empty cells at the end are the converter's
        # before anything else is (two rows "0⇥⇥0⇥⇥" are not two rows with a span pad).
        rows = [_strip_end(r, width) if i < len(trailing) and trailing[i] else r for i, r in enumerate(rows)]
    spans = _span_positions([r for r in rows if len(r) > width])
    work: list[Sequence[Cell]] = []
    for i, r in enumerate(rows):
        if len(r) > width:
            row = _drop_at(r, spans, width)
            if len(row) > width:  # still too long once the span pads are out: strip the ends
                first = "end" if i < len(trailing) and trailing[i] else pads
                lo, hi = 0, len(row)  # slice bounds: no list is rebuilt per removed cell
                for end in (first, "end" if first == "start" else "start"):
                    if end == "start":
                        while hi - lo > width and not row[lo].text:
                            lo += 1
                    else:
                        while hi - lo > width and not row[hi - 1].text:
                            hi -= 1
                row = row[lo:hi]
            work.append(row)
        else:
            work.append(r)
    dups = _dup_positions(work, width)
    out: list[Placement] = []
    for r in work:
        if len(r) == width:
            out.append(Placement(list(r), [], ""))
            continue
        note = ""
        extra: list[Cell] = []
        if len(r) > width:
            r = _drop_at(r, dups, width)
            excess = len(r) - width
            kept: list[Cell] = []
            for j in range(len(r) - 1, -1, -1):  # right to left, as many as are too many
                if excess > 0 and j > 0 and r[j].text and r[j].text == r[j - 1].text:
                    # a lone repeat reads as one merged cell, but the copy is set aside, not lost
                    extra.append(r[j])
                    excess -= 1
                else:
                    kept.append(r[j])
            r = kept[::-1]
            if len(r) > width:
                extra += r[width:]
                r = r[:width]
            if extra:
                note = "extra"
        cells: list[Cell | None]
        if len(r) < width:
            missing: list[Cell | None] = [None] * (width - len(r))
            cells = [*missing, *r] if pads == "start" else [*r, *missing]
            note = "short"
        else:
            cells = list(r)
        out.append(Placement(cells, extra, note))
    return out


def _strip_end(row: Sequence[Cell], width: int) -> Sequence[Cell]:
    """``row`` without the empty cells at its end, while it is longer than ``width``."""
    hi = len(row)
    while hi > width and not row[hi - 1].text:
        hi -= 1
    return row[:hi]


def _drop_at(row: Sequence[Cell], positions: list[int], width: int) -> list[Cell]:
    """Remove cells at right-aligned ``positions`` (ascending: rightmost first) while the row
    is too long."""
    out = list(row)
    n = len(row)
    for pos in positions:
        if len(out) <= width:
            break
        # removing right to left leaves the original index of every cell further left valid
        del out[n - 1 - pos]
    return out
