"""INTERIM placement (replaced by the placement work): a row's value cells → the table's columns."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from attrs import frozen

from ._document import Cell, Row

__all__ = ["Placement", "place"]


@frozen
class Placement:
    """One row placed: a cell (or None) per column, what was set aside, and whether doubtful."""

    cells: tuple[Cell | None, ...]
    extra: tuple[Cell, ...] = ()
    doubtful: bool = False
    alternatives: tuple[tuple[Cell | None, ...], ...] = ()
    reason: str = ""


def place(
    rows: Sequence[Row],
    widths: Sequence[int],
    *,
    label_columns: int,
    pads: Literal["start", "end"] | str,
    header: Sequence[Row] = (),
) -> list[Placement]:
    """Place each row's value cells into its ``widths[i]`` columns."""
    out: list[Placement] = []
    for row, width in zip(rows, widths, strict=True):
        cells = list(row.values)
        if len(cells) != width:
            cells = [c for c in cells if not c.pad] if len(cells) > width else cells
        if len(cells) > width:
            lo, hi = 0, len(cells)
            first = "end" if row.trailing else pads
            for end in (first, "end" if first == "start" else "start"):
                if end == "start":
                    while hi - lo > width and not cells[lo].text:
                        lo += 1
                else:
                    while hi - lo > width and not cells[hi - 1].text:
                        hi -= 1
            cells = cells[lo:hi]
        extra: tuple[Cell, ...] = ()
        if len(cells) > width:
            extra = tuple(cells[width:])
            cells = cells[:width]
        placed: list[Cell | None] = list(cells)
        if len(placed) < width:
            missing: list[Cell | None] = [None] * (width - len(placed))
            placed = missing + placed if pads == "start" else placed + missing
        out.append(Placement(tuple(placed), extra))
    return out
