"""Tables whose true grid a reader knows (HTML, Word, PDF) → the document model's rows.

A reader hands each table as source rows of :class:`GridCell` (a cell as the document has it,
with its colspan and rowspan).  :func:`table_rows` expands the spans to the true grid and
writes one :class:`~gongkai._document.Row` per grid row:

* a cell spanning several columns is one cell (a merged label is one label; a figure spanning
  the columns of a short row is that row's one figure);
* a place covered by a cell of a row above repeats that cell's text when it is a label (the
  group label a merged cell gives every row it spans: ``（三）不予公开``) and is an empty
  *pad* cell when it is a figure — a figure is never copied into a neighbour's place;
* spans that overrun the table are cut at its edge.

The labels are the row's text cells before its first figure; the values, every cell after
its last label, are exactly the row's columns (``Row.grid``).
"""

from __future__ import annotations

from collections.abc import Sequence

from attrs import evolve, frozen

from .._document import Cell, Row, Where
from .._figures import CellClass, cell_text, classify

__all__ = ["MAX_SPAN", "GridCell", "split_cells", "split_row", "table_rows"]

#: No template table is wider than this: a larger colspan or rowspan is cut to it.
MAX_SPAN = 64


@frozen
class GridCell:
    """A table cell as the document has it: its text as printed, where it is, its spans."""

    raw: str
    where: Where
    colspan: int = 1
    rowspan: int = 1


def table_rows(rows: Sequence[Sequence[GridCell]], *, table: int | None = None) -> list[Row]:
    """The rows of one table, spans expanded (see the module's description)."""
    # slots[r][c] = (cell, row it starts in) for each place of the grid
    slots: list[dict[int, tuple[GridCell, int]]] = [{} for _ in rows]
    height = len(rows)
    for r, source_row in enumerate(rows):
        c = 0
        for cell in source_row:
            while c in slots[r]:
                c += 1
            colspan = max(1, min(cell.colspan, MAX_SPAN))
            rowspan = max(1, min(cell.rowspan, MAX_SPAN, height - r))
            for dr in range(rowspan):
                for dc in range(colspan):
                    slots[r + dr].setdefault(c + dc, (cell, r))
            c += colspan
    out: list[Row] = []
    for r, row_slots in enumerate(slots):
        cells: list[Cell] = []
        previous: GridCell | None = None
        for c in sorted(row_slots):
            cell, start = row_slots[c]
            if cell is previous:  # the same cell spanning several columns: one cell
                continue
            previous = cell
            text = cell_text(cell.raw)
            if start == r or classify(text) == "text":
                cells.append(Cell(text, cell.raw, cell.where))
            else:  # a merged figure: its place in this row is not a figure of its own
                cells.append(Cell("", "", evolve(cell.where), pad=True))
        if not cells:
            continue
        where = Where(
            line=cells[0].where.line,
            page=cells[0].where.page,
            table=table,
            row=r + 1,
        )
        row = split_row(cells, where, table=table)
        if row is not None:
            out.append(row)
    return out


def split_row(cells: Sequence[Cell], where: Where, *, table: int | None = None) -> Row | None:
    """A grid row's cells → a :class:`Row`: labels are the text cells up to the last one before
    the first figure (empty and repeated labels dropped), values every cell after; None for a
    row with nothing in it."""
    parts = split_cells(cells, [classify(c.text) for c in cells])
    if parts is None:
        return None
    return Row(parts[0], parts[1], where, grid=True, table=table)


def split_cells(
    cells: Sequence[Cell], classes: Sequence[CellClass]
) -> tuple[tuple[Cell, ...], tuple[Cell, ...]] | None:
    """A row's cells, each with its :func:`~gongkai._figures.classify` class → its labels and
    values (as :func:`split_row` splits them), or None for a row with nothing in it.  For a
    reader that has classified its cells already."""
    first_figure = len(cells)
    for i, k in enumerate(classes):
        if k == "number" or k == "mark" or k == "numbers":
            first_figure = i
            break
    last_label = -1
    labels: list[Cell] = []
    for i in range(first_figure):
        if classes[i] == "text":
            last_label = i
            if not labels or labels[-1].text != cells[i].text:
                labels.append(cells[i])
    values = tuple(cells[last_label + 1 :])
    # a row of two or more blank cells of its own is a blank report's figures (table 四), not nothing
    if not labels and all(not c.text for c in values) and sum(not c.pad for c in values) < 2:
        return None
    return tuple(labels), values
