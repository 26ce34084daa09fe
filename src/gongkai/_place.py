"""Placing a table's value cells into its columns: exactly, or flagged.

A reader that knows a table's grid (HTML, Word, PDF) hands rows whose values are exactly the
columns (``Row.grid``).  A text reader cannot always know that: converters pad merged cells
(markitdown's ``| |``), repeat them (pandas), leave cells out (rowspans) or end a line in a
separator.  :func:`place` works out, per row, every *explanation* of the row's cells that the
table's structure allows, and what each explanation puts in each column:

* pad marks (:attr:`Cell.pad`) are not cells: they go first;
* a row with as many source cells as the grid has (``Row.width == label_columns + width``) is at
  full width: its label pads are the empty cells right after its labels, and a trailing TAB is
  a blank last cell;
* empty cells right after the labels are label pads (at most the label columns the row's
  labels leave unfilled); an empty last cell after a trailing TAB may be the converter's;
  where the table puts its pads at the end (``pads == "end"``), empty cells at the end are pads;
* a position that is empty (a colspan pad) or repeats its left neighbour (a pandas colspan) in
  every over-long row of the table, when the table's source grid is wider than its columns;
* a short row lost cells at one of its ends (at the start when ``pads == "start"``).

When the explanations disagree on a figure, the row is ``doubtful``: the most likely placement
comes first and the others are kept in ``alternatives``.  Only figure texts are compared: a
missing cell and a blank cell are the same figure.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from itertools import combinations
from typing import Literal

from attrs import frozen

from ._document import Cell, Row

__all__ = ["Placement", "place"]

#: Explanations worked out per row at most: a row beyond it is placed by its first ones.
MAX_EXPLANATIONS = 256
#: A row with more cells than this over its width is not explained, only set aside.
MAX_EXCESS = 12

Cells = tuple[Cell | None, ...]


@frozen
class Placement:
    """One row placed: a cell (or None: the row has no cell there) per column.

    ``extra`` holds cells set aside (never dropped); ``doubtful`` says more than one placement is
    consistent with what the text shows: ``alternatives`` are the others, most likely first.
    ``reason`` says in a few words how the row was placed.
    """

    cells: Cells
    extra: tuple[Cell, ...] = ()
    doubtful: bool = False
    alternatives: tuple[Cells, ...] = ()
    reason: str = ""


@frozen
class _Explanation:
    cells: Cells
    extra: tuple[Cell, ...]
    reason: str


def _figures(cells: Cells) -> tuple[str, ...]:
    """What a placement reads: a missing cell reads as a blank one."""
    return tuple(c.text if c is not None else "" for c in cells)


def place(
    rows: Sequence[Row],
    widths: Sequence[int],
    *,
    label_columns: int,
    pads: Literal["start", "end"],
    header: Sequence[Row] = (),
    rank: Callable[[int, Cells], float] | None = None,
) -> list[Placement]:
    """Place each of one table's data rows into its columns (``widths[i]`` for ``rows[i]``).

    ``label_columns`` is the table's label column count, ``pads`` the end where its structure
    puts its pads, ``header`` its header rows as read (they confirm colspan positions).  A row
    the text leaves open comes out ``doubtful`` with its ``alternatives``; ``rank(i, cells)``,
    when given, orders row ``i``'s candidate placements (lower first, e.g. by the arithmetic) —
    it picks which placement comes first, never whether the row is doubtful.
    """
    if len(rows) != len(widths):
        raise ValueError("one width per row")
    out: list[Placement | None] = [None] * len(rows)
    by_width: dict[int, list[int]] = {}
    for i, (row, width) in enumerate(zip(rows, widths, strict=True)):
        if row.grid:
            out[i] = _place_grid(row, width)
        else:
            by_width.setdefault(width, []).append(i)
    for width, at in by_width.items():
        table = _Table([rows[i] for i in at], width, label_columns, pads, header)
        for i in at:
            out[i] = table.place(rows[i], None if rank is None else _RankRow(rank, i))
    return [p for p in out if p is not None]


@frozen
class _RankRow:
    """``rank`` for one row."""

    rank: Callable[[int, Cells], float]
    i: int

    def __call__(self, cells: Cells) -> float:
        return self.rank(self.i, cells)


def _place_grid(row: Row, width: int) -> Placement:
    """A grid row: its values are the columns; a place covered by a merged cell has no cell."""
    cells: list[Cell | None] = [None if c.pad else c for c in row.values[:width]]
    extra = tuple(c for c in row.values[width:] if not c.pad)
    if len(cells) == width and not extra:
        return Placement(tuple(cells), reason="grid")
    reason = f"grid row has {len(row.values)} cells for {width} columns: " + (
        "the last ones set aside" if extra else "the missing ones are blank"
    )
    cells += [None] * (width - len(cells))
    return Placement(tuple(cells), extra, doubtful=True, reason=reason)


def _values(row: Row) -> list[Cell]:
    return [c for c in row.values if not c.pad]


class _Table:
    """What one table (its rows of one width) shows of its structure, and its rows placed by it."""

    def __init__(
        self, rows: Sequence[Row], width: int, label_columns: int, pads: str, header: Sequence[Row]
    ) -> None:
        self.width = width
        self.label_columns = label_columns
        self.pads = pads
        full = label_columns + width
        known = [r for r in rows if r.width > 0]
        # A row wider than the grid, beyond a last empty cell after a trailing TAB, shows the
        # source grid has more columns than the table (value colspans, pandas repeats).
        self.wide = any(r.width - (1 if _noise_candidate(r) else 0) > full for r in known) or (
            not known and any(len(_values(r)) > width for r in rows)
        )
        # A trailing TAB is the converter's when a trailing row is wider than the grid; it is a
        # blank last cell when rows without one are written at full width and none is wider.
        trailing_wider = any(r.trailing and r.width > full for r in known)
        plain = [r for r in known if not r.trailing]
        self.full_rows = bool(plain) and all(r.width == full for r in plain) and not trailing_wider
        # the converter keeps a row's empty cells at its ends: a short row did not lose them there
        self.keeps_ends = any(r.trailing or (r.values and not r.values[-1].text) for r in [*rows, *header])
        # wider only if a last empty cell after a trailing TAB is a cell: not known either way
        self.maybe_wide = not self.wide and any(r.width > full for r in known)
        self.positions = self._positions(rows, header, trailing_wider) if self.wide else []
        # the structure leaves colspan artefacts open: any empty or repeated cell may be one
        self.open = self.maybe_wide or (self.wide and not self.positions)

    def _positions(self, rows: Sequence[Row], header: Sequence[Row], noise: bool) -> list[int]:
        """Right-aligned positions that are a colspan artefact in every over-long row."""
        long_rows: list[list[Cell]] = []
        for r in rows:
            values = _values(r)
            if noise and _noise_candidate(r):
                values = values[:-1]
            if len(values) > self.width:
                long_rows.append(values)
        if not long_rows:
            return []
        shortest = min(len(r) for r in long_rows)
        header_empty = [
            {p for p, c in enumerate(reversed(h.values)) if c.pad or not c.text} for h in header if h.values
        ]
        out: list[int] = []
        for pos in range(shortest - 1):  # counted from the right; the leftmost cell has no left
            here = [r[len(r) - 1 - pos] for r in long_rows]
            left = [r[len(r) - 2 - pos] for r in long_rows]
            # an always-blank column next to a blank one may be the pad too: kept as a candidate
            empty = all(not c.text for c in here)
            repeat = all(c.text == d.text for c, d in zip(here, left, strict=True))
            confirmed = len(long_rows) >= 2 or any(pos in h for h in header_empty)
            if (empty or repeat) and confirmed:
                out.append(pos)
        return out

    def place(self, row: Row, rank: Callable[[Cells], float] | None) -> Placement:
        """Place one row by every explanation the table's structure allows."""
        values = _values(row)
        width = self.width
        lead_max = max(0, self.label_columns - len(row.labels)) if self.label_columns else 0
        leading_empty = next((j for j, c in enumerate(values) if c.text), len(values))
        # a converter that drops a row's blank cells at its end may have left label pads
        stripped = 0 if self.keeps_ends or self.pads != "start" else min(lead_max, leading_empty)
        if len(values) == width and not self._artefacts(values) and not stripped:
            return Placement(tuple(values), reason="as read")
        explanations = list(self._long(row, values)) if len(values) >= width else []
        if len(values) == width:  # artefacts where the table has them, and cells lost at the ends
            kept = [c for j, c in enumerate(values) if j not in self._artefacts(values)]
            explanations += self._short(kept)
        elif len(values) < width:
            explanations = list(self._short(values))
        if len(values) == width:
            explanations.insert(0, _Explanation(tuple(values), (), "as read"))
            for a in range(1, stripped + 1):
                explanations += self._short(values[a:], f"{a} label pad(s), ")
        if not explanations:  # nothing the structure allows: set aside, and say so
            kept = values[:width] if self.pads == "end" else values[len(values) - width :]
            extra = tuple(c for c in values if c not in kept and c.text)
            return Placement(tuple(kept), extra, doubtful=True, reason="unexplained cells set aside")
        distinct: dict[tuple[str, ...], _Explanation] = {}
        for e in explanations:
            distinct.setdefault(_figures(e.cells), e)
        ordered = list(distinct.values())
        if rank is not None and len(ordered) > 1:
            ordered.sort(key=lambda e: rank(e.cells))
        first = ordered[0]
        if len(ordered) == 1:
            return Placement(first.cells, first.extra, reason=first.reason)
        return Placement(
            first.cells,
            first.extra,
            doubtful=True,
            alternatives=tuple(e.cells for e in ordered[1:]),
            reason=f"ambiguous: {first.reason}; {len(ordered) - 1} other placement(s)",
        )

    def _artefacts(self, values: list[Cell]) -> set[int]:
        """Indexes of a row's cells at the table's colspan positions that look like artefacts."""
        n = len(values)
        return {
            n - 1 - pos
            for pos in self.positions
            if 0 < n - 1 - pos < n
            and (not values[n - 1 - pos].text or values[n - 1 - pos].text == values[n - 2 - pos].text)
        }

    def _short(self, values: list[Cell], how: str = "") -> Iterator[_Explanation]:
        """A row with too few cells lost them at its ends: at the pads end first."""
        missing = self.width - len(values)
        starts = range(missing, -1, -1) if self.pads == "start" else range(missing + 1)
        if self.keeps_ends:  # its blank cells at the ends are written: cells lost at the pads end
            starts = range(missing, missing + 1) if self.pads == "start" else range(0, 1)
        for s in starts:
            cells: Cells = (*([None] * s), *values, *([None] * (missing - s)))
            yield _Explanation(cells, (), f"{how}{missing} cell(s) missing, {s} at the start")

    def _long(self, row: Row, values: list[Cell]) -> Iterator[_Explanation]:
        """A row with too many cells: which are label pads, noise or colspan artefacts."""
        width = self.width
        full = self.label_columns + width
        n = len(values)
        excess = n - width
        count = 0
        # full width: the last cells are the columns, the ones before them empty label pads
        lead_all = row.values[: len(row.values) - width]
        tail_all = row.values[len(row.values) - width :]
        at_full = (
            row.width == full
            and len(row.values) >= width
            and all(c.pad or not c.text for c in lead_all)
            and not any(c.pad for c in tail_all)
        )
        if at_full:
            e = _Explanation(tuple(tail_all), (), "full width")
            if not self.wide and (not row.trailing or self.full_rows):
                yield e
                return
            yield e
            count += 1
        if excess > MAX_EXCESS:
            return
        lead_max = max(0, self.label_columns - len(row.labels)) if self.label_columns else 0
        leading_empty = next((j for j, c in enumerate(values) if c.text), n)
        trailing_empty = next((j for j, c in enumerate(reversed(values)) if c.text), n)
        if self.pads == "end":
            tails = list(range(min(excess, trailing_empty), -1, -1))
        elif row.trailing and trailing_empty:
            tails = [1, 0]
        else:
            tails = [0]
        for tiered in (False, True) if not self.open else (True,):
            found = False
            for b in tails:
                top = min(excess - b, lead_max, leading_empty)
                for a in range(top, -1, -1) if self.pads == "start" else range(top + 1):
                    middle = values[a : n - b]
                    m = excess - a - b
                    for drop in self._drops(middle, m, tiered):
                        kept = tuple(c for j, c in enumerate(middle) if j not in drop)
                        extra = tuple(middle[j] for j in sorted(drop) if middle[j].text) if tiered else ()
                        how = [f"{a} label pad(s)" if a else "", "a trailing TAB" if b else ""]
                        if drop:
                            how.append(
                                ("repeated or empty cells" if tiered else "colspan artefacts") + " dropped"
                            )
                        yield _Explanation(kept, extra, ", ".join(h for h in how if h) or "as read")
                        found = True
                        count += 1
                        if count >= MAX_EXPLANATIONS:
                            return
            if found or count:
                return

    def _drops(self, middle: list[Cell], m: int, anywhere: bool) -> Iterator[frozenset[int]]:
        """Sets of ``m`` indexes of ``middle`` that are colspan artefacts: at the table's
        positions, or (``anywhere``) any empty or repeated cell."""
        if m == 0:
            yield frozenset()
            return
        n = len(middle)
        if anywhere:
            can = [
                j for j in range(n - 1, 0, -1) if not middle[j].text or middle[j].text == middle[j - 1].text
            ]
            if middle and not middle[0].text:
                can.append(0)
        else:
            can = []
            for pos in self.positions:
                j = n - 1 - pos
                if 0 < j < n and (not middle[j].text or middle[j].text == middle[j - 1].text):
                    can.append(j)
        for drop in combinations(can, m):
            yield frozenset(drop)


def _noise_candidate(row: Row) -> bool:
    """The row ends in a separator, after which its last cell is empty."""
    values = row.values
    return row.trailing and bool(values) and not values[-1].text and not values[-1].pad
