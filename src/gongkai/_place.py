"""Placing a table's value cells into its columns: by the table's structure, exactly or flagged.

A reader that knows a table's grid (HTML, Word, PDF) hands rows whose values are exactly the
columns (``Row.grid``).  A text reader cannot always know that: converters pad merged cells
(markitdown's ``| |``), repeat them (pandas), leave cells out (rowspans) or end a line in a
separator.  :func:`place` reads each row by what the text shows, in this order:

1. pad marks (:attr:`Cell.pad`) are not cells: they go first;
2. the table's own grid, where its text keeps one: when every row (a row ending in a TAB
   with or without its last cell) has the number of source cells most rows and header rows
   have, a cell's position is its grid column.  Value columns are the positions right of
   every row's labels; a position where a row has a figure is one (a position that repeats
   its left neighbour in every row may be a pandas copy instead); the table's label columns
   rank the choices of the empty positions; a row the choices place differently is doubtful;
3. a row of exactly its width of values is taken as it is;
4. a short row lost cells at its pads end (merged label cells left out);
5. an over-long row: a row whose source had as many cells as the table's grid (``Row.width``
   = label columns + width) first read at full width; then empty cells at a position every
   over-long row of the table shares (a colspan pad), then empty cells at the row's ends
   (first where the table puts its pads: ``pads`` "start" where labels span several columns,
   "end" where blocks of different widths share one grid; a trailing TAB's empty cell first of
   all), then a cell repeating its left neighbour at a position every over-long row shares (a
   pandas colspan), then any repeat; whatever is still too much is set aside, never guessed
   into a column.  Every other way of taking out empty cells is a reading too: when any
   gives other figures, the row is doubtful.

A doubtful row keeps the other placements in ``alternatives``; the caller says so in an
``ambiguous-columns`` warning.  A missing cell and a blank cell are the same figure.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import combinations
from math import comb
from typing import Literal

from attrs import frozen

from ._document import Cell, Row

__all__ = ["Placement", "place"]

Cells = tuple[Cell | None, ...]


@frozen
class Placement:
    """One row placed: a cell (or None: the row has no cell there) per column.

    ``extra`` holds cells set aside (never dropped); ``doubtful`` says more than one placement is
    consistent with what the text shows: ``alternatives`` are the others.  ``reason`` says in a
    few words how the row was placed.
    """

    cells: Cells
    extra: tuple[Cell, ...] = ()
    doubtful: bool = False
    alternatives: tuple[Cells, ...] = ()
    reason: str = ""


def place(
    rows: Sequence[Row],
    widths: Sequence[int],
    *,
    label_columns: int,
    pads: Literal["start", "end"] | str,
    header: Sequence[Row] = (),
    rank: Callable[[int, Cells], float] | None = None,
) -> list[Placement]:
    """Place each row's value cells into its ``widths[i]`` columns (see the module's description).

    ``header`` (the table's header rows) counts toward the table's grid width: a header row
    has as many source cells as a body row.  ``rank(i, cells)`` orders the placements of a doubtful
    row i (lower first: the arithmetic may rank them); it never makes a row certain.
    """
    out: list[Placement | None] = [None] * len(rows)
    by_width: dict[int, list[int]] = {}
    for i, (row, width) in enumerate(zip(rows, widths, strict=True)):
        if row.grid:
            out[i] = _grid(row, width)
        else:
            by_width.setdefault(width, []).append(i)
    for width, at in by_width.items():
        table = [_values(rows[i]) for i in at]
        long_rows = [v for v in table if len(v) > width]
        spans = _span_positions(long_rows)
        # right-aligned positions beyond the columns where some row has a figure: a value
        # column there (a colspan pad pushed it), never a label pad
        beyond = {len(v) - 1 - j for v in long_rows for j in range(len(v) - width) if v[j].text}
        dups = _dup_positions(table, width)
        aligned = _aligned([rows[i] for i in at], header, width, label_columns, pads)
        for i, values, by_grid in zip(at, table, aligned, strict=True):
            if by_grid is not None:
                out[i] = by_grid
                continue
            out[i] = _text_row(rows[i], values, width, label_columns, pads, spans, dups, beyond, rank, i)
    return [p for p in out if p is not None]


def _aligned(
    rows: Sequence[Row], header: Sequence[Row], width: int, label_columns: int, pads: str
) -> list[Placement | None]:
    """Rows placed by the table's own grid, where its text keeps one: most rows (header rows
    too) have the same number of source cells G, and a row of G cells (or G and a trailing
    TAB's empty cell) has its cells at the grid's positions.  Value columns are then the
    positions right of every row's labels; a position where any row has a figure is one, and
    when fewer such positions than columns remain, each choice of the empty ones is a
    placement: a row they place differently is doubtful.  None for a row (or a table) the grid
    does not place."""
    none: list[Placement | None] = [None] * len(rows)
    counts: dict[int, int] = {}
    for r in (*rows, *header):
        if r.width and not r.grid:
            counts[r.width] = counts.get(r.width, 0) + 1
            if r.trailing and r.values and not r.values[-1].text:
                # a row ending in a TAB: a whole row and a stray TAB, or a blank last cell
                counts[r.width - 1] = counts.get(r.width - 1, 0) + 1
    if not counts:
        return none
    g = max(counts, key=lambda w: (counts[w], w))
    if counts[g] < 2:
        return none
    cells: list[tuple[Cell, ...] | None] = []
    for r in rows:
        if r.grid or not r.values:
            cells.append(None)
        elif r.width == g:
            cells.append(r.values)
        elif r.width == g + 1 and r.trailing and not r.values[-1].text:
            cells.append(r.values[:-1])  # a trailing TAB after a whole row: no cell
        else:
            return none  # a grid only where every row holds it: widths that differ are no grid
    starts = [g - len(c) for c, r in zip(cells, rows, strict=True) if c is not None and r.labels]
    lo = max(starts, default=0)
    if g - lo < width:
        return none
    filled: set[int] = set()
    pad_at: set[int] = set()
    for c in cells:
        for k, cell in enumerate(c or ()):
            at = g - len(c or ()) + k
            if cell.pad:
                pad_at.add(at)
            elif cell.text:
                if at < lo:
                    return none  # a figure where a label stands: not one grid
                filled.add(at)
    # a position whose cell repeats its left neighbour's in every row is a copy (pandas
    # repeats a merged cell in every column it spans): a column or not, as the count needs
    # — where the figures' positions are more than the columns, or no empty position between
    # figures says the spans are empty cells and a figure other than 0 is repeated (runs of
    # 0s are common) or the row is alone (nothing else to tell by)
    copies = {at for at in filled if at > lo and all(_same_as_left(c, g, at) for c in cells if c is not None)}
    inside = range(min(filled, default=0), max(filled, default=0))
    alone = sum(c is not None and any(x.text for x in c) for c in cells) == 1
    if len(filled) <= width and (
        any(at not in filled for at in inside)
        or not (alone or any(_repeats_figure(c, g, copies) for c in cells))
    ):
        copies = set()
    sure = filled - copies
    free = [at for at in range(lo, g) if at not in sure and at not in pad_at]
    need = width - len(sure)
    if need < 0 or need > len(free) or len(free) > 12:
        return none
    # the choices of the other positions, the likeliest first: where the table puts its pads,
    # the positions at the other end are the columns
    choices = [sorted({*sure, *extra}) for extra in combinations(free, need)]
    if pads == "start":
        choices.reverse()
    # and the table's own label columns left of them (a ranking: a renderer may use fewer)
    choices.sort(key=lambda positions: positions[0] < label_columns if positions else False)
    out: list[Placement | None] = []
    for r, c in zip(rows, cells, strict=True):
        if c is None:
            out.append(None)
            continue
        first = g - len(c)
        options: dict[tuple[str, ...], Cells] = {}
        for positions in choices:
            placed: Cells = tuple(c[at - first] if at >= first else None for at in positions)
            options.setdefault(_figures(placed), placed)
        if r.width == g and r.trailing and not c[-1].text and first < lo:
            # at the grid's width only by its trailing TAB's empty cell, and its cells begin
            # left of the value columns: the TAB may be a stray one after a row that lost a
            # cell at its start (a label's colspan pad)
            shifted = c[:-1]
            for positions in choices:
                placed = tuple(shifted[at - first - 1] if at > first else None for at in positions)
                options.setdefault(_figures(placed), placed)
        placements = list(options.values())
        # a lone row's repeated figure read as a copy: nothing else says it is not a cell
        guessed = alone and any(at >= first and c[at - first].text and at not in choices[0] for at in copies)
        if guessed and len(placements) == 1:
            out.append(
                Placement(
                    placements[0],
                    doubtful=True,
                    reason="the table's grid; a figure equal to its left neighbour read as a merged "
                    "cell's copy (no other row tells whether it is a cell of its own)",
                )
            )
        elif len(placements) == 1:
            out.append(Placement(placements[0], reason="the table's grid"))
        else:
            out.append(
                Placement(
                    placements[0],
                    doubtful=True,
                    alternatives=tuple(placements[1:]),
                    reason=f"the table's grid; {len(placements) - 1} other placement(s) fit the text",
                )
            )
    return out


def _same_as_left(cells: Sequence[Cell], g: int, at: int) -> bool:
    k = at - (g - len(cells))
    return k < 1 or cells[k].text == cells[k - 1].text


def _repeats_figure(cells: Sequence[Cell] | None, g: int, copies: set[int]) -> bool:
    """Whether ``cells`` repeat a figure other than 0 at one of the ``copies`` positions."""
    if cells is None:
        return False
    first = g - len(cells)
    return any(at - first >= 0 and cells[at - first].text not in ("", "0") for at in copies)


def _values(row: Row) -> list[Cell]:
    return [c for c in row.values if not c.pad]


def _figures(cells: Sequence[Cell | None]) -> tuple[str, ...]:
    return tuple("" if c is None else c.text for c in cells)


def _grid(row: Row, width: int) -> Placement:
    """A row of a known grid: its values are its columns; a count that differs is said."""
    values = row.values
    cells: Cells = tuple(None if c.pad else c for c in values)
    if len(cells) == width:
        return Placement(cells, reason="the document's grid")
    if len(cells) < width:
        return Placement(
            (*cells, *([None] * (width - len(cells)))), doubtful=True, reason="the grid row is short"
        )
    extra = tuple(c for c in cells[width:] if c is not None and c.text)
    return Placement(cells[:width], extra, doubtful=bool(extra), reason="the grid row is long")


def _text_row(
    row: Row,
    values: list[Cell],
    width: int,
    label_columns: int,
    pads: str,
    spans: list[int],
    dups: list[int],
    beyond: set[int],
    rank: Callable[[int, Cells], float] | None,
    index: int,
) -> Placement:
    n = len(values)
    if n == width:
        return Placement(tuple(values), reason="as read")
    if n < width:
        missing: list[Cell | None] = [None] * (width - n)
        cells: Cells = (*missing, *values) if pads == "start" else (*values, *missing)
        return Placement(cells, reason=f"{width - n} cell(s) left out by merged cells")
    # full width: the source row has every cell of the grid
    candidates: list[tuple[Cells, tuple[Cell, ...], str]] = []
    full = label_columns + width
    if (
        row.width == full
        and all(not c.text for c in values[: n - width])
        and not beyond.intersection(range(width, n))
    ):
        # the likeliest reading, not the only one: a writer that drops a row's last empty
        # cells and a colspan pad nobody marked give the same count
        candidates.append((tuple(values[n - width :]), (), "full width"))
    # an over-long row: the ways the structure allows to take the excess out
    first = "end" if row.trailing else pads
    other = "start" if first == "end" else "end"
    spanned = _drop_at(values, spans, width)
    for order in ((first, other), (other, first)):
        kept, extra = _repeats(_strip(spanned, width, order), width, dups)
        candidates.append((tuple(kept), extra, f"empty cells at the {order[0]} first"))
    # the other readings the row's text allows, the likeliest above first: any of its empty
    # cells may be a pad, and a row that ends in a figure may have lost empty cells at its end
    candidates.extend((cells, (), "") for cells in _readings(values, width, not row.trailing))
    distinct: dict[tuple[str, ...], tuple[Cells, tuple[Cell, ...], str]] = {}
    for c in candidates:
        distinct.setdefault(_figures(c[0]), c)
    ordered = list(distinct.values())
    if rank is not None and len(ordered) > 1:
        ordered.sort(key=lambda c: rank(index, c[0]))
    cells, extra, how = ordered[0]
    if len(ordered) == 1:
        return Placement(cells, extra, reason=how)
    return Placement(
        cells,
        extra,
        doubtful=True,
        alternatives=tuple(c[0] for c in ordered[1:]),
        reason=f"{how}; {len(ordered) - 1} other placement(s) fit the text",
    )


def _readings(values: Sequence[Cell], width: int, may_lose_end: bool) -> list[Cells]:
    """Every placement of an over-long row that takes out only empty cells (and, where the
    row may have lost empty cells at its end, puts them back there)."""
    empties = [k for k, c in enumerate(values) if not c.text]
    excess = len(values) - width
    out: list[Cells] = []
    lost_end = may_lose_end and bool(values) and bool(values[-1].text)
    for m in range(min(len(empties) - excess, 2) + 1 if lost_end else min(1, len(empties) - excess + 1)):
        if comb(len(empties), excess + m) > 300:  # (past that many, the row is doubtful anyway)
            break
        for drop in combinations(empties, excess + m):
            gone = set(drop)
            kept: list[Cell | None] = [c for k, c in enumerate(values) if k not in gone]
            out.append((*kept, *([None] * m)))
    return out


def _span_positions(long_rows: Sequence[Sequence[Cell]]) -> list[int]:
    """Right-aligned positions that are a colspan pad in every over-long row of the table: the
    cell is empty in all of them and the cell left of it is filled in at least one."""
    if len(long_rows) < 2:
        return []
    shortest = min(len(r) for r in long_rows)
    filled = [any(r[len(r) - 1 - pos].text for r in long_rows) for pos in range(shortest)]
    return [pos for pos in range(shortest - 1) if not filled[pos] and filled[pos + 1]]


def _dup_positions(rows: Sequence[Sequence[Cell]], width: int) -> list[int]:
    """Right-aligned positions whose cell repeats its left neighbour in every over-long row
    (pandas repeats a merged cell in every column it spans); two rows at least."""
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


def _drop_at(row: Sequence[Cell], positions: list[int], width: int) -> list[Cell]:
    """``row`` without its empty cells at the right-aligned ``positions``, while too long."""
    out = list(row)
    n = len(row)
    for pos in positions:
        if len(out) <= width:
            break
        if not row[n - 1 - pos].text:
            del out[n - 1 - pos]  # right to left: the indexes further left stay valid
    return out


def _strip(row: list[Cell], width: int, order: tuple[str, str]) -> list[Cell]:
    """``row`` without empty cells at its ends, while too long, one end before the other."""
    lo, hi = 0, len(row)
    for end in order:
        if end == "start":
            while hi - lo > width and not row[lo].text:
                lo += 1
        else:
            while hi - lo > width and not row[hi - 1].text:
                hi -= 1
    return row[lo:hi]


def _repeats(row: list[Cell], width: int, dups: list[int]) -> tuple[list[Cell], tuple[Cell, ...]]:
    """Repeated cells out (at the table's shared positions, then any), then what is still too
    much set aside: the row's columns and the cells set aside."""
    if len(row) <= width:
        return row, ()
    n = len(row)
    out = list(row)
    for pos in dups:
        if len(out) <= width:
            break
        del out[n - 1 - pos]
    extra: list[Cell] = []
    j = len(out) - 1
    while len(out) > width and j > 0:  # a lone repeat reads as one merged cell; its copy is set aside
        if out[j].text and out[j].text == out[j - 1].text:
            extra.append(out.pop(j))
        j -= 1
    if len(out) > width:
        extra.extend(out[width:])
        out = out[:width]
    return out, tuple(extra)
